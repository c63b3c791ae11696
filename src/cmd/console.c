/* console.c - the interactive console: wires the store, the worker and the
 * screens into the ui app loop.  No logic of its own beyond the wiring:
 * the loop is ui/app.c, the screens are screens/, the jobs are the
 * modules'. */
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tater/console.h"
#include "tater/screen.h"
#include "tater/store.h"
#include "tater/ui.h"
#include "tater/worker.h"

#define MAX_SCREENS 16

struct console {
	struct ui *ui;
	struct store *store;
	struct worker *worker;
	struct screen_ctx ctx;
	void *self[MAX_SCREENS];
};

static void on_worker(void *p)
{
	struct console *c = p;
	struct worker_event ev;

	worker_drain_fd(c->worker);
	while (worker_next_event(c->worker, &ev)) {
		if (ev.rc < 0 && ev.rc != TATER_ECANCELED)
			ui_error(c->ui, "%s: %s", ev.title, ev.err.msg);
		else if (ev.rc == TATER_ECANCELED)
			ui_message(c->ui, "%s: cancelled", ev.title);
		for (size_t i = 0; i < screen_count; i++)
			if (screen_defs[i]->event && c->self[i] &&
			    screen_defs[i]->event(c->self[i], &ev))
				break;
		worker_event_release(&ev);
	}
	/* Progress changed or a job ended: the status bar shows it. */
	ui_dirty(c->ui);
}

static int busy(void *p)
{
	return worker_busy(((struct console *)p)->worker) > 0;
}

static int idle(void *p)
{
	return worker_busy(((struct console *)p)->worker) == 0;
}

static void cancel_jobs(void *p)
{
	worker_cancel_all(((struct console *)p)->worker);
}

static int jobs_line(void *p, char *buf, size_t n, double *frac)
{
	struct console *c = p;
	struct worker_job_info info[4];
	size_t count = worker_jobs(c->worker, info, 4), first = 0;

	if (count == 0)
		return 0;
	/* The first running job; queued ones only count. */
	for (size_t i = 0; i < count && i < 4; i++) {
		if (info[i].state == JOB_RUNNING) {
			first = i;
			break;
		}
	}
	*frac = info[first].total > 0 ? (double)info[first].done / (double)info[first].total : -1;
	snprintf(buf, n, "%s%s%s%s", info[first].title, info[first].phase[0] ? ": " : "",
		 info[first].phase, info[first].cancelling ? " (cancelling)" : "");
	if (count > 1) {
		size_t len = strlen(buf);

		snprintf(buf + len, n - len, " (+%zu)", count - 1);
	}
	return 1;
}

/* The sanitiser and wcwidth need a UTF-8 locale.  When the environment
 * chose none at all (LANG unset, as under cron or a bare ssh), take C.UTF-8;
 * a locale someone chose is left alone. */
static void ensure_utf8(void)
{
	const char *cs = nl_langinfo(CODESET);

	if (cs && strcmp(cs, "UTF-8") == 0)
		return;
	if (getenv("LC_ALL") || getenv("LC_CTYPE") || getenv("LANG"))
		return;
	setlocale(LC_CTYPE, "C.UTF-8");
}

int console_run(const struct console_opts *o, struct tater_err *err)
{
	struct console c;
	struct ui_opts uo = {0};
	struct ui_hooks h = {0};
	int rc = 0;

	memset(&c, 0, sizeof(c));
	ensure_utf8();
	rc = store_open(&c.store, o->store_path, o->readonly ? STORE_READONLY : STORE_CREATE, err);
	if (rc < 0)
		goto out;
	rc = worker_start(&c.worker, o->store_path, o->readonly ? STORE_READONLY : 0, 2, err);
	if (rc < 0)
		goto out;
	uo.no_color = o->no_color;
	uo.no_mouse = o->no_mouse;
	uo.arrow_cursor = o->arrow_cursor;
	uo.readonly = o->readonly;
	uo.script = o->script;
	uo.banner = o->banner;
	rc = ui_open(&c.ui, &uo, err);
	if (rc < 0)
		goto out;
	c.ctx.ui = c.ui;
	c.ctx.store = c.store;
	c.ctx.worker = c.worker;
	c.ctx.opts = o;
	for (size_t i = 0; i < screen_count && i < MAX_SCREENS; i++) {
		const struct screen_def *d = screen_defs[i];
		struct ui_view v = {0};

		c.self[i] = d->create ? d->create(&c.ctx) : NULL;
		if (d->create && !c.self[i]) {
			rc = tater_errf(err, TATER_ENOMEM, "out of memory starting the %s screen",
					d->name);
			goto out;
		}
		v.name = d->name;
		v.title = d->title;
		v.self = c.self[i];
		v.enter = d->enter;
		v.leave = d->leave;
		v.draw = d->draw;
		v.key = d->key;
		v.dirty = d->dirty;
		ui_add_view(c.ui, &v);
	}
	h.ctx = &c;
	h.fd = worker_fd(c.worker);
	h.on_fd = on_worker;
	h.busy = busy;
	h.idle = idle;
	h.jobs_line = jobs_line;
	h.cancel_jobs = cancel_jobs;
	ui_set_hooks(c.ui, &h);
	rc = ui_run(c.ui, err);
out:
	/* Jobs first (they may still be writing), then the screens that own
	 * their results, then the terminal. */
	worker_stop(c.worker);
	/* A screen's destroy may still cancel what it polled (a remediation panel left open):
	 * with the worker gone that is a no-op, never a touch of freed memory. */
	c.worker = c.ctx.worker = NULL;
	for (size_t i = 0; i < screen_count && i < MAX_SCREENS; i++)
		if (screen_defs[i]->destroy && c.self[i])
			screen_defs[i]->destroy(c.self[i]);
	ui_close(c.ui);
	store_close(c.store);
	return rc;
}
