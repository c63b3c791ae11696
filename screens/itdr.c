/* itdr.c - the ITDR screen (planned: it says what it will hold). */
#include "tater/screen.h"

static const struct screen_plan plan = {
    "ITDR",
    "The identity threat queue: risky-user events, sign-in anomalies and Identity Protection "
    "alerts with severity, status (New, Investigating, Resolved, False Positive), assignee, notes, "
    "related sign-ins and the linked playbook.",
    "Needs a tenant and a scan; the alert ingestion and workflow come with the ITDR module (issue "
    "8).",
};

static void draw(void *self, struct ui_rect r)
{
	(void)self;
	screen_draw_plan(&plan, r);
}

const struct screen_def screen_itdr = {
    .name = "itdr",
    .title = "ITDR",
    .create = screen_plan_create,
    .destroy = screen_plan_destroy,
    .draw = draw,
};
