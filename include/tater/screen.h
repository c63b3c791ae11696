/* screen.h - the screens of the console: one file each in screens/.
 *
 * A screen is data plus a small ops table.  The app loop (ui.h) owns focus,
 * modals, resize and the status bar; a screen lays out widgets over store
 * queries and submits jobs for anything slow or anything that writes (the
 * worker writes, screens read).  Screens appear in screen_defs order, the
 * order of the GO_* actions in ui_action.h. */
#ifndef TATER_SCREEN_H
#define TATER_SCREEN_H

#include <stddef.h>

#include "tater/ui.h"
#include "tater/worker.h"

struct store;
struct console_opts;

/* What every screen can reach.  store is the UI thread's own connection:
 * read from it freely, but write through worker jobs. */
struct screen_ctx {
	struct ui *ui;
	struct store *store;
	struct worker *worker;
	const struct console_opts *opts;
};

struct screen_def {
	const char *name;  /* as in the GO_* action ("activity") */
	const char *title; /* tab label */
	void *(*create)(struct screen_ctx *ctx);
	void (*destroy)(void *self);
	void (*enter)(void *self);
	void (*leave)(void *self);
	void (*draw)(void *self, struct ui_rect r);
	int (*key)(void *self, const struct ui_event *ev);
	/* A job finished.  Return 1 when it was this screen's (it may take the
	 * result with worker_event_take). */
	int (*event)(void *self, struct worker_event *ev);
	int (*dirty)(void *self); /* unsaved edits? may be NULL */
};

extern const struct screen_def screen_dashboard, screen_identity, screen_controls, screen_playbooks,
    screen_incidents, screen_itdr, screen_azure, screen_cloud, screen_privacy, screen_activity,
    screen_settings, screen_reports;

/* Every screen, in tab order. */
extern const struct screen_def *const screen_defs[];
extern const size_t screen_count;

/* ---- shared by the screens (screens/common.c) ---- */

/* A screen whose module is not built yet: says what it will hold and how
 * to get there.  Never fake data. */
struct screen_plan {
	const char *title;
	const char *holds; /* what the screen will show */
	const char *needs; /* what has to happen first (which issue/module, which setup) */
};
void screen_draw_plan(const struct screen_plan *p, struct ui_rect r);
void *screen_plan_create(struct screen_ctx *ctx);
void screen_plan_destroy(void *self);

/* One line of headline text at the top of a screen body; returns the rect
 * left below it. */
struct ui_rect screen_header(struct ui_rect r, const char *title, const char *right);

#endif
