/* incidents.c - the Incidents screen (planned: it says what it will hold). */
#include "tater/screen.h"

static const struct screen_plan plan = {
    "Incidents",
    "Active incidents from activated playbooks: responders per phase and step, step completion "
    "with timestamps, findings and decisions, and the post-incident report.",
    "Comes with the playbooks module (issue 7); activate a playbook to open an incident.",
};

static void draw(void *self, struct ui_rect r)
{
	(void)self;
	screen_draw_plan(&plan, r);
}

const struct screen_def screen_incidents = {
    .name = "incidents",
    .title = "Incidents",
    .create = screen_plan_create,
    .destroy = screen_plan_destroy,
    .draw = draw,
};
