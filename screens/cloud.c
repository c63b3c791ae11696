/* cloud.c - the Cloud screen (planned: it says what it will hold). */
#include "tater/screen.h"

static const struct screen_plan plan = {
    "Cloud",
    "Multi-cloud posture: AWS accounts and GCP projects with connection health, CIS benchmark "
    "results per account (pass/fail/unknown, severity), critical findings and remediation steps.",
    "Needs cloud accounts registered in Settings and the multi-cloud module (not built yet).",
};

static void draw(void *self, struct ui_rect r)
{
	(void)self;
	screen_draw_plan(&plan, r);
}

const struct screen_def screen_cloud = {
    .name = "cloud",
    .title = "Cloud",
    .create = screen_plan_create,
    .destroy = screen_plan_destroy,
    .draw = draw,
};
