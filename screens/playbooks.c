/* playbooks.c - the Playbooks screen (planned: it says what it will hold). */
#include "tater/screen.h"

static const struct screen_plan plan = {
    "Playbooks",
    "The incident-response playbook library: pre-built (phishing, malware, data breach, account "
    "compromise, DDoS) and custom playbooks, their phases (detection, containment, eradication, "
    "recovery, post-incident), owners, revisions and approvals; Activate starts an incident.",
    "Comes with the playbooks module (issue 7).",
};

static void draw(void *self, struct ui_rect r)
{
	(void)self;
	screen_draw_plan(&plan, r);
}

const struct screen_def screen_playbooks = {
    .name = "playbooks",
    .title = "Playbooks",
    .create = screen_plan_create,
    .destroy = screen_plan_destroy,
    .draw = draw,
};
