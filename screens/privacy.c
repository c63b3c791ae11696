/* privacy.c - the Privacy screen (planned: it says what it will hold). */
#include "tater/screen.h"

static const struct screen_plan plan = {
    "Privacy",
    "The data-classification register: data assets with labels (Public, Internal, Confidential, "
    "Restricted), data flows and cross-border transfers, privacy impact assessments, retention "
    "policies.",
    "Comes with the data-classification module (not built yet).",
};

static void draw(void *self, struct ui_rect r)
{
	(void)self;
	screen_draw_plan(&plan, r);
}

const struct screen_def screen_privacy = {
    .name = "privacy",
    .title = "Privacy",
    .create = screen_plan_create,
    .destroy = screen_plan_destroy,
    .draw = draw,
};
