/* azure.c - the Azure screen (planned: it says what it will hold). */
#include "tater/screen.h"

static const struct screen_plan plan = {
    "Azure",
    "Azure resource checks per subscription: resource groups, storage accounts, key vaults, "
    "virtual machines, app services, SQL databases and network security groups, each mapped to "
    "compliance controls.",
    "Needs a tenant whose app registration has Reader on the subscriptions, and the Azure scanning "
    "module (not built yet).",
};

static void draw(void *self, struct ui_rect r)
{
	(void)self;
	screen_draw_plan(&plan, r);
}

const struct screen_def screen_azure = {
    .name = "azure",
    .title = "Azure",
    .create = screen_plan_create,
    .destroy = screen_plan_destroy,
    .draw = draw,
};
