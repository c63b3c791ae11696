/* activity.c - the Activity screen: the activity log, newest first, with a
 * filter as you type, a detail pane, and whether the hash chain verifies.
 *
 * Loading and verifying run as worker jobs on the worker's own store
 * connection: a log of 100,000 entries takes a moment to read and hash, and
 * the console must not freeze for it.  The rows arrive as a ui_rowset the
 * table then filters and sorts in memory. */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "tater/activity.h"
#include "tater/screen.h"
#include "tater/store.h"
#include "tater/ui_table.h"
#include "tater/ui_widgets.h"

/* Cells of a row; the table shows the first six. */
enum {
	COL_AT,
	COL_USER,
	COL_ACTION,
	COL_TARGET,
	COL_OUTCOME,
	COL_DETAIL,
	COL_ID,
	COL_AT_FULL,
	NCOLS
};

static const struct ui_column columns[] = {
    {"At (UTC)", 19, 0, 0}, {"User", 8, 1, 0},	  {"Action", 12, 1, 0},
    {"Target", 12, 2, 0},   {"Outcome", 8, 0, 0}, {"Detail", 10, 3, 0},
};

struct verify_result {
	int rc;
	int64_t bad_id, count;
	char msg[512];
};

struct activity {
	struct screen_ctx *ctx;
	struct ui_table *table;
	struct ui_rowset *rows;
	uint64_t load_job, verify_job;
	int64_t loaded_max; /* newest id in rows; -1 before the first load */
	int have_verify;
	struct verify_result verify;
	int detail;
	int detail_scroll;
};

/* ---- jobs ---- */

static int load_job(struct job *j, struct store *s, void *arg, struct tater_err *err)
{
	sqlite3_stmt *st = NULL;
	struct ui_rowset *rs = NULL;
	int64_t total = 0, done = 0;
	int rc = 0, step;

	(void)arg;
	if (!s)
		return tater_errf(err, TATER_EIO, "no store");
	if (sqlite3_prepare_v2(store_db(s), "SELECT count(*) FROM activity_log", -1, &st, NULL) ==
		SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		total = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	rs = ui_rowset_new(NCOLS);
	if (!rs) {
		rc = tater_errf(err, TATER_ENOMEM, "out of memory");
		goto out;
	}
	if (sqlite3_prepare_v2(
		store_db(s),
		"SELECT at, os_user, action, target, outcome, coalesce(detail, ''), id, at"
		" FROM activity_log ORDER BY id DESC",
		-1, &st, NULL) != SQLITE_OK) {
		rc = store_sqlerr(s, "reading the activity log", err);
		goto out;
	}
	job_progress(j, 0, total, "reading");
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *cells[NCOLS];

		char at[32];

		for (int c = 0; c < NCOLS; c++)
			cells[c] = (const char *)sqlite3_column_text(st, c);
		/* "2026-12-03T16:14:27.123Z" reads as "2026-12-03 16:14:27" in
		 * the table; the detail pane shows the stored value whole. */
		snprintf(at, sizeof(at), "%.19s", cells[COL_AT] ? cells[COL_AT] : "");
		if (strlen(at) > 10 && at[10] == 'T')
			at[10] = ' ';
		cells[COL_AT] = at;
		/* ui_rowset_add sanitises: the log records outside text
		 * (tenant names, server messages) as it came. */
		if (ui_rowset_add(rs, cells) < 0) {
			rc = tater_errf(err, TATER_ENOMEM, "out of memory");
			goto out;
		}
		if (++done % 4096 == 0) {
			if (job_cancelled(j)) {
				rc = tater_errf(err, TATER_ECANCELED,
						"loading the activity log: cancelled");
				goto out;
			}
			job_progress(j, done, total, "reading");
		}
	}
	if (step != SQLITE_DONE) {
		rc = store_sqlerr(s, "reading the activity log", err);
		goto out;
	}
	job_set_result(j, rs, ui_rowset_free_void);
	rs = NULL;
out:
	sqlite3_finalize(st);
	ui_rowset_free(rs);
	return rc;
}

static int verify_job(struct job *j, struct store *s, void *arg, struct tater_err *err)
{
	struct verify_result *r = calloc(1, sizeof(*r));
	struct tater_err verr = {0};

	(void)arg;
	if (!r)
		return tater_errf(err, TATER_ENOMEM, "out of memory");
	job_progress(j, 0, 0, "hashing");
	r->rc = s ? activity_verify(s, &r->bad_id, &r->count, &verr)
		  : tater_errf(&verr, TATER_EIO, "no store");
	snprintf(r->msg, sizeof(r->msg), "%s", verr.msg);
	job_set_result(j, r, free);
	/* A broken chain is a finding shown on the screen, not a job failure. */
	return 0;
}

/* ---- screen ---- */

static int64_t newest_id(struct activity *a)
{
	sqlite3_stmt *st = NULL;
	int64_t id = 0;

	if (!a->ctx->store)
		return 0;
	if (sqlite3_prepare_v2(store_db(a->ctx->store),
			       "SELECT coalesce(max(id), 0) FROM activity_log", -1, &st,
			       NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return id;
}

static void reload(struct activity *a, int force)
{
	struct tater_err err = {0};
	int64_t newest = newest_id(a);

	/* Unchanged log: keep what is on screen (a screen switch stays cheap). */
	if (!force && newest == a->loaded_max)
		return;
	if (!a->load_job && worker_submit(a->ctx->worker, "load activity log", load_job, NULL, NULL,
					  &a->load_job, &err) < 0)
		ui_error(a->ctx->ui, "%s", err.msg);
	if (!a->verify_job && worker_submit(a->ctx->worker, "verify activity chain", verify_job,
					    NULL, NULL, &a->verify_job, &err) < 0)
		ui_error(a->ctx->ui, "%s", err.msg);
	a->loaded_max = newest;
}

static void *create(struct screen_ctx *ctx)
{
	struct activity *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	a->ctx = ctx;
	a->loaded_max = -1;
	a->table = ui_table_new(columns, COL_ID);
	if (!a->table) {
		free(a);
		return NULL;
	}
	ui_table_set_empty_text(a->table, "Loading the activity log...");
	return a;
}

static void destroy(void *self)
{
	struct activity *a = self;

	if (!a)
		return;
	ui_table_free(a->table);
	ui_rowset_free(a->rows);
	free(a);
}

static void enter(void *self)
{
	reload(self, 0);
}

static void draw_detail(struct activity *a, struct ui_rect r)
{
	static const char *const labels[] = {"At",	"User",	  "Action", "Target",
					     "Outcome", "Detail", "Entry"};
	const char *values[7];
	size_t i = ui_table_selected(a->table), row;

	if (!a->rows || i == (size_t)-1)
		return;
	row = ui_rowset_index(a->rows, i);
	for (int c = 0; c < 7; c++)
		values[c] = ui_rowset_cell(a->rows, row, c);
	values[0] = ui_rowset_cell(a->rows, row, COL_AT_FULL);
	ui_detail(r, "Entry (Enter or q closes)", labels, values, 7, a->detail_scroll);
}

static void draw(void *self, struct ui_rect r)
{
	struct activity *a = self;
	char right[96];
	struct ui_rect body;
	int y;

	if (a->rows)
		snprintf(right, sizeof(right), "%zu entries", ui_rowset_total(a->rows));
	else
		snprintf(right, sizeof(right), "loading");
	body = screen_header(r, "Activity log: who did what, newest first", right);
	y = body.y;
	if (a->verify_job && !a->have_verify) {
		ui_text(y, 1, body.w - 2, UI_DIM, "Hash chain: checking...");
	} else if (a->have_verify && a->verify.rc == 0) {
		ui_textf(y, 1, body.w - 2, UI_OK,
			 "Hash chain: verified (%lld entries, none altered)",
			 (long long)a->verify.count);
	} else if (a->have_verify) {
		if (a->verify.bad_id > 0)
			ui_textf(y, 1, body.w - 2, UI_ERROR,
				 "Hash chain: BROKEN at entry %lld: %s (run `tater db verify`)",
				 (long long)a->verify.bad_id, a->verify.msg);
		else
			ui_textf(y, 1, body.w - 2, UI_ERROR, "Hash chain: does not verify: %s",
				 a->verify.msg);
	}
	body.y += 1;
	body.h -= 1;
	if (a->detail && body.h > 16) {
		struct ui_rect t = body, d = body;

		t.h = body.h / 2;
		d.y = body.y + t.h;
		d.h = body.h - t.h;
		ui_table_draw(a->table, t, 1);
		draw_detail(a, d);
	} else if (a->detail) {
		draw_detail(a, body);
	} else {
		ui_table_draw(a->table, body, 1);
	}
}

static int key(void *self, const struct ui_event *ev)
{
	struct activity *a = self;

	if (ui_table_filtering(a->table))
		return ui_table_key(a->table, ev);
	switch (ev->act) {
	case UI_ACT_OPEN:
		if (ui_table_selected(a->table) != (size_t)-1) {
			a->detail = !a->detail;
			a->detail_scroll = 0;
		}
		return UI_HANDLED;
	case UI_ACT_BACK:
		if (a->detail) {
			a->detail = 0;
			return UI_HANDLED;
		}
		break;
	case UI_ACT_REFRESH:
		reload(a, 1);
		ui_message(a->ctx->ui, "Reloading the activity log");
		return UI_HANDLED;
	default:
		break;
	}
	return ui_table_key(a->table, ev);
}

static int event(void *self, struct worker_event *ev)
{
	struct activity *a = self;

	if (a->load_job && ev->job_id == a->load_job) {
		struct ui_rowset *rs = worker_event_take(ev);

		a->load_job = 0;
		if (rs) {
			struct ui_table_source src;

			ui_rowset_free(a->rows);
			a->rows = rs;
			ui_rowset_source(rs, &src);
			ui_table_set_source(a->table, &src);
			ui_table_set_empty_text(
			    a->table, "The activity log is empty: changes made in tater "
				      "(tenants saved, scans, remediations) appear here.");
		} else {
			/* Try again on the next visit. */
			a->loaded_max = -1;
		}
		return 1;
	}
	if (a->verify_job && ev->job_id == a->verify_job) {
		struct verify_result *r = worker_event_take(ev);

		a->verify_job = 0;
		if (r) {
			a->verify = *r;
			a->have_verify = 1;
			free(r);
		}
		return 1;
	}
	return 0;
}

const struct screen_def screen_activity = {
    .name = "activity",
    .title = "Activity",
    .create = create,
    .destroy = destroy,
    .enter = enter,
    .draw = draw,
    .key = key,
    .event = event,
};
