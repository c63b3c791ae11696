/* common.c - the screen list and what the screens share. */
#include <stdlib.h>

#include "tater/screen.h"
#include "tater/text.h"

const struct screen_def *const screen_defs[] = {
    &screen_dashboard, &screen_identity, &screen_controls, &screen_playbooks,
    &screen_incidents, &screen_itdr,	 &screen_azure,	   &screen_cloud,
    &screen_privacy,   &screen_activity, &screen_settings, &screen_reports,
};
const size_t screen_count = sizeof(screen_defs) / sizeof(screen_defs[0]);

struct ui_rect screen_header(struct ui_rect r, const char *title, const char *right)
{
	int rw = right ? text_width(right) : 0;

	ui_fill(r.y, r.x, r.w, UI_NORMAL);
	ui_text(r.y, r.x + 1, r.w - rw - 3, UI_TITLE, title); /* cut: ends in an ellipsis */
	if (right && rw < r.w - 2)
		ui_text(r.y, r.x + r.w - rw - 1, rw, UI_DIM, right);
	r.y += 1;
	r.h -= 1;
	return r;
}

void screen_draw_plan(const struct screen_plan *p, struct ui_rect r)
{
	struct ui_rect body = screen_header(r, p->title, "not built yet");
	int y = body.y + 1, used;

	body.x += 2;
	body.w -= 4;
	ui_text(y++, body.x, body.w, UI_WARN,
		"This screen's module is not built yet, so it shows no data.");
	y++;
	ui_text(y++, body.x, body.w, UI_TITLE, "What it will hold");
	used = ui_wrap((struct ui_rect){y, body.x + 2, body.y + body.h - y, body.w - 2}, UI_NORMAL,
		       p->holds, 0);
	y += used + 1;
	ui_text(y++, body.x, body.w, UI_TITLE, "How to get there");
	used = ui_wrap((struct ui_rect){y, body.x + 2, body.y + body.h - y, body.w - 2}, UI_NORMAL,
		       p->needs, 0);
	y += used + 1;
	ui_text(y, body.x, body.w, UI_DIM,
		"The other screens hold real data: see the tabs above. Press ? for every key.");
}

/* A planned screen keeps no state; any non-NULL pointer says "created". */
void *screen_plan_create(struct screen_ctx *ctx)
{
	return ctx;
}

void screen_plan_destroy(void *self)
{
	(void)self;
}
