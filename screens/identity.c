/* identity.c - the Identity screen (planned: it says what it will hold). */
#include "tater/screen.h"

static const struct screen_plan plan = {
    "Identity",
    "Risky users, MFA status, privileged role assignments, stale and guest accounts, each as a "
    "table you can filter and open; identity controls grouped: Conditional Access, password "
    "policy, admin separation, SSPR, legacy authentication, privileged roles.",
    "Needs a tenant (Settings > Tenants) and the Graph collection of the identity-security module "
    "(issue 5).",
};

static void draw(void *self, struct ui_rect r)
{
	(void)self;
	screen_draw_plan(&plan, r);
}

const struct screen_def screen_identity = {
    .name = "identity",
    .title = "Identity",
    .create = screen_plan_create,
    .destroy = screen_plan_destroy,
    .draw = draw,
};
