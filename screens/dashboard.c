/* dashboard.c - the Dashboard screen (planned: it says what it will hold). */
#include "tater/screen.h"

static const struct screen_plan plan = {
    "Dashboard",
    "Identity posture at a glance: risky users by risk level (High, Medium, Low), MFA enrollment, "
    "privileged accounts (Global Admin, Security Admin, ...), stale accounts past the tenant's "
    "threshold, guest users; pass/fail/unknown counts of the compliance controls; prioritised "
    "recommendations.",
    "Add a tenant in Settings > Tenants (press -, then a), then run a scan. Collection and the "
    "figures come with the identity-security module (issue 5).",
};

static void draw(void *self, struct ui_rect r)
{
	(void)self;
	screen_draw_plan(&plan, r);
}

const struct screen_def screen_dashboard = {
    .name = "dashboard",
    .title = "Dashboard",
    .create = screen_plan_create,
    .destroy = screen_plan_destroy,
    .draw = draw,
};
