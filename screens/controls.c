/* controls.c - the Controls screen (planned: it says what it will hold). */
#include "tater/screen.h"

static const struct screen_plan plan = {
    "Controls",
    "Every compliance control (CIS, CISA SCuBA; mapped to NIST 800-53, ISO 27001, SOC 2) with "
    "status pass/fail/unknown, the reason and the evidence; Remediate opens a confirmation, then a "
    "live status modal for the Azure Automation runbook.",
    "Controls come with the catalog and evaluation of issue 5; one-click remediation with issue 6 "
    "and Settings > Integrations (webhook URL).",
};

static void draw(void *self, struct ui_rect r)
{
	(void)self;
	screen_draw_plan(&plan, r);
}

const struct screen_def screen_controls = {
    .name = "controls",
    .title = "Controls",
    .create = screen_plan_create,
    .destroy = screen_plan_destroy,
    .draw = draw,
};
