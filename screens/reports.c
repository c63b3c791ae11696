/* reports.c - the Reports screen (planned: it says what it will hold). */
#include "tater/screen.h"

static const struct screen_plan plan = {
    "Reports",
    "The executive report and post-incident reports, as Markdown and HTML, from the data in the "
    "store.",
    "Comes with the reports module (not built yet); the headless `tater report` will write the "
    "same reports.",
};

static void draw(void *self, struct ui_rect r)
{
	(void)self;
	screen_draw_plan(&plan, r);
}

const struct screen_def screen_reports = {
    .name = "reports",
    .title = "Reports",
    .create = screen_plan_create,
    .destroy = screen_plan_destroy,
    .draw = draw,
};
