/* activity.c - the Activity screen: the activity log, newest first, with a
 * filter as you type, a detail pane, and whether the hash chain verifies.
 *
 * The filter takes words (any column) and field terms: user:NAME action:PREFIX
 * target:TEXT outcome:ok since:2026-12-01 until:2026-12-02T12:00 (times compare
 * as ISO text, UTC).  x exports what is shown, sanitised, as CSV or JSON (by the
 * file name's extension), through a worker job.
 *
 * Loading and verifying run as worker jobs on the worker's own store
 * connection: a log of 100,000 entries takes a moment to read and hash, and
 * the console must not freeze for it.  The rows arrive as a ui_rowset the
 * table then filters and sorts in memory. */
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tater/activity.h"
#include "tater/itdr.h"
#include "tater/text.h"
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
	/* the filtered, sorted view over rows (indexes of rows) */
	size_t *vis, nvis;
	/* The query vis answers, so typing one more letter of a word narrows vis instead of
	 * scanning every row again (100,000 rows within a frame). */
	char last_filter[256];
	int last_sort_col, last_sort_desc, have_last;
	/* Per row, its shown columns folded to lower case and joined by \x1f: a plain word
	 * is then one strstr per row (glibc's is fast) instead of one scan per column. */
	char **hay;
	size_t nhay;
	const char *rowp[NCOLS];
	uint64_t export_job;
};

/* ---- filter and sort over the rowset ---- */

enum { T_WORD, T_USER, T_ACTION, T_TARGET, T_OUTCOME, T_SINCE, T_UNTIL };

struct aterm {
	int kind;
	char val[128];
	char lower[128]; /* val folded to lower case (ASCII), for the row haystacks */
};

static int parse_aterms(const char *filter, struct aterm *t, int max)
{
	static const struct {
		const char *name;
		int kind;
	} keys[] = {{"user", T_USER},	    {"action", T_ACTION}, {"target", T_TARGET},
		    {"outcome", T_OUTCOME}, {"since", T_SINCE},	  {"from", T_SINCE},
		    {"until", T_UNTIL},	    {"to", T_UNTIL}};
	char buf[256], *save = NULL, *tok;
	int n = 0;

	snprintf(buf, sizeof(buf), "%s", filter ? filter : "");
	for (tok = strtok_r(buf, " ", &save); tok && n < max; tok = strtok_r(NULL, " ", &save)) {
		char *colon = strchr(tok, ':');

		t[n].kind = T_WORD;
		snprintf(t[n].val, sizeof(t[n].val), "%s", tok);
		for (size_t k = 0; colon && k < sizeof(keys) / sizeof(keys[0]); k++) {
			if (strlen(keys[k].name) == (size_t)(colon - tok) &&
			    !strncmp(tok, keys[k].name, (size_t)(colon - tok))) {
				t[n].kind = keys[k].kind;
				snprintf(t[n].val, sizeof(t[n].val), "%s", colon + 1);
				/* "2026-12-01 10:00" typed with a space is two words; a T joins */
				for (char *p = t[n].val; *p; p++)
					if (*p == '_')
						*p = 'T';
			}
		}
		if (t[n].kind != T_WORD && !t[n].val[0])
			continue; /* half typed */
		for (size_t k = 0; k < sizeof(t[n].lower); k++) {
			char ch = t[n].val[k];

			t[n].lower[k] = (ch >= 'A' && ch <= 'Z') ? (char)(ch + 32) : ch;
			if (!ch)
				break;
		}
		n++;
	}
	return n;
}

static void free_hay(struct activity *a)
{
	for (size_t i = 0; i < a->nhay; i++)
		free(a->hay[i]);
	free(a->hay);
	a->hay = NULL;
	a->nhay = 0;
}

static void build_hay(struct activity *a)
{
	size_t total = a->rows ? ui_rowset_total(a->rows) : 0;

	if (a->hay || !total || !(a->hay = calloc(total, sizeof(*a->hay))))
		return;
	a->nhay = total;
	for (size_t r = 0; r < total; r++) {
		size_t len = 0;
		char *h;

		for (int c = 0; c < COL_AT_FULL; c++)
			len += strlen(ui_rowset_cell(a->rows, r, c)) + 1;
		if (!(h = malloc(len + 1)))
			continue; /* that row falls back to the column scan */
		len = 0;
		for (int c = 0; c < COL_AT_FULL; c++) {
			for (const char *p = ui_rowset_cell(a->rows, r, c); *p; p++)
				h[len++] = (*p >= 'A' && *p <= 'Z') ? (char)(*p + 32) : *p;
			h[len++] = '\x1f';
		}
		h[len] = '\0';
		a->hay[r] = h;
	}
}

static int row_matches(const struct ui_rowset *rs, size_t r, const struct aterm *t, int n,
		       char *const *hay)
{
	for (int i = 0; i < n; i++) {
		const char *v;

		switch (t[i].kind) {
		case T_USER:
			if (!text_contains_ci(ui_rowset_cell(rs, r, COL_USER), t[i].val))
				return 0;
			break;
		case T_ACTION:
			v = ui_rowset_cell(rs, r, COL_ACTION);
			if (strncasecmp(v, t[i].val, strlen(t[i].val)) != 0)
				return 0;
			break;
		case T_TARGET:
			if (!text_contains_ci(ui_rowset_cell(rs, r, COL_TARGET), t[i].val))
				return 0;
			break;
		case T_OUTCOME:
			if (strcasecmp(ui_rowset_cell(rs, r, COL_OUTCOME), t[i].val) != 0)
				return 0;
			break;
		case T_SINCE:
			if (strcmp(ui_rowset_cell(rs, r, COL_AT_FULL), t[i].val) < 0)
				return 0;
			break;
		case T_UNTIL:
			/* until:2026-12-02 takes the whole day */
			v = ui_rowset_cell(rs, r, COL_AT_FULL);
			if (strncmp(v, t[i].val, strlen(t[i].val)) > 0)
				return 0;
			break;
		default: {
			int hit = 0;

			if (hay && hay[r]) {
				hit = strstr(hay[r], t[i].lower) != NULL;
			} else {
				for (int c = 0; c < COL_AT_FULL && !hit; c++)
					hit = text_contains_ci(ui_rowset_cell(rs, r, c), t[i].val);
			}
			if (!hit)
				return 0;
		}
		}
	}
	return 1;
}

struct asort {
	const struct ui_rowset *rs;
	int col, desc;
};

static int cmp_arows(const void *pa, const void *pb, void *arg)
{
	const struct asort *a = arg;
	size_t ra = *(const size_t *)pa, rb = *(const size_t *)pb;
	int col = a->col == COL_AT ? COL_AT_FULL : a->col;
	int c = strcmp(ui_rowset_cell(a->rs, ra, col), ui_rowset_cell(a->rs, rb, col));

	if (c == 0)
		return ra < rb ? -1 : ra > rb;
	return a->desc ? -c : c;
}

static size_t asrc_count(void *ctx)
{
	return ((struct activity *)ctx)->nvis;
}

static const char *const *asrc_row(void *ctx, size_t i)
{
	struct activity *a = ctx;

	if (i >= a->nvis)
		return NULL;
	for (int c = 0; c < NCOLS; c++)
		a->rowp[c] = ui_rowset_cell(a->rows, a->vis[i], c);
	return a->rowp;
}

static void asrc_query(void *ctx, const char *filter, int sort_col, int sort_desc)
{
	struct activity *a = ctx;
	struct aterm t[16];
	int n = parse_aterms(filter, t, 16);
	size_t total = a->rows ? ui_rowset_total(a->rows) : 0;

	if (n > 0)
		build_hay(a); /* once per load, on the first filter */
	/* Narrowing is safe when the old query was plain words and the new one only adds
	 * text to it: every row the new one matches, the old one matched.  Field terms
	 * (user:, at>...) need not narrow as they grow, so they always rescan. */
	size_t prev = a->last_filter[0] ? strlen(a->last_filter) : 0;
	int narrow = a->have_last && filter && sort_col == a->last_sort_col &&
		     sort_desc == a->last_sort_desc && prev < sizeof(a->last_filter) - 1 &&
		     !strncmp(filter, a->last_filter, prev) && !strchr(filter, ':') &&
		     !strpbrk(filter, "<>=");

	if (narrow) {
		size_t k = 0;

		for (size_t i = 0; i < a->nvis; i++)
			if (row_matches(a->rows, a->vis[i], t, n, a->hay))
				a->vis[k++] = a->vis[i];
		a->nvis = k;
		goto remember; /* order kept: vis was sorted already */
	}
	a->nvis = 0;
	for (size_t r = 0; r < total; r++)
		if (row_matches(a->rows, r, t, n, a->hay))
			a->vis[a->nvis++] = r;
	if (sort_col >= 0) {
		struct asort as = {a->rows, sort_col, sort_desc};

		qsort_r(a->vis, a->nvis, sizeof(*a->vis), cmp_arows, &as);
	}
remember:
	snprintf(a->last_filter, sizeof(a->last_filter), "%s", filter ? filter : "");
	a->last_sort_col = sort_col;
	a->last_sort_desc = sort_desc;
	a->have_last = 1;
}

/* ---- export ---- */

struct export_arg {
	char path[1024];
	enum itdr_export_format fmt;
	char **cells; /* nrows * 7, owned */
	size_t nrows;
};

static void export_arg_free(void *p)
{
	struct export_arg *e = p;

	for (size_t i = 0; e && e->cells && i < e->nrows * 7; i++)
		free(e->cells[i]);
	if (e)
		free(e->cells);
	free(e);
}

static int export_job(struct job *j, struct store *s, void *arg, struct tater_err *err)
{
	static const char *const header[] = {"id",     "at",	  "user",  "action",
					     "target", "outcome", "detail"};
	struct export_arg *e = arg;
	int fd, rc;
	FILE *f;
	char *msg;

	(void)s;
	job_progress(j, 0, (int64_t)e->nrows, "writing");
	/* The log names people and tenants: the file is the user's alone. */
	fd = open(e->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		if (fd >= 0)
			close(fd);
		return tater_errf(err, TATER_EIO, "cannot write %s", e->path);
	}
	rc = itdr_export_rows(f, e->fmt, header, 7, (const char *const *)e->cells, e->nrows, err);
	if (fclose(f) != 0 && rc == 0)
		rc = tater_errf(err, TATER_EIO, "writing %s failed", e->path);
	if (rc < 0)
		return rc;
	if ((msg = malloc(1200)))
		snprintf(msg, 1200, "Exported %zu entries to %s", e->nrows, e->path);
	job_set_result(j, msg, free);
	return 0;
}

static void export_done(void *ctx, int result, const char *input)
{
	struct activity *a = ctx;
	struct export_arg *e;
	struct tater_err err = {0};
	size_t len;

	if (result != UI_MODAL_OK || !input || !*input || !a->rows)
		return;
	if (!(e = calloc(1, sizeof(*e))))
		return;
	snprintf(e->path, sizeof(e->path), "%s", input);
	len = strlen(e->path);
	e->fmt = len > 5 && !strcasecmp(e->path + len - 5, ".json") ? ITDR_JSON : ITDR_CSV;
	e->nrows = a->nvis;
	if (!(e->cells = calloc(e->nrows * 7 + 1, sizeof(char *)))) {
		free(e);
		return;
	}
	/* A copy of what is shown, so the job never reads the UI thread's rows. */
	for (size_t i = 0; i < a->nvis; i++) {
		static const int cols[7] = {COL_ID,	COL_AT_FULL, COL_USER,	COL_ACTION,
					    COL_TARGET, COL_OUTCOME, COL_DETAIL};

		for (int c = 0; c < 7; c++)
			e->cells[i * 7 + (size_t)c] =
			    strdup(ui_rowset_cell(a->rows, a->vis[i], cols[c]));
	}
	if (worker_submit(a->ctx->worker, "export activity log", export_job, e, export_arg_free,
			  &a->export_job, &err) < 0)
		ui_error(a->ctx->ui, "%s", err.msg);
}

static void start_export(struct activity *a)
{
	char text[200], name[64];
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(name, sizeof(name), "tater-activity-%Y%m%d-%H%M%S.csv", &tm);
	snprintf(text, sizeof(text),
		 "Export the %zu entries shown. File (.csv, or .json for JSON), e.g. %s:", a->nvis,
		 name);
	ui_prompt(a->ctx->ui, "Export the activity log", text, 0, export_done, a);
}

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
	free_hay(a);
	ui_rowset_free(a->rows);
	free(a->vis);
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
	if (i >= a->nvis)
		return;
	row = a->vis[i];
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
		snprintf(right, sizeof(right), "%zu of %zu entries  x export", a->nvis,
			 ui_rowset_total(a->rows));
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
	case UI_ACT_EXPORT:
		if (a->rows)
			start_export(a);
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
			struct ui_table_source src = {a, asrc_count, asrc_row, asrc_query};
			size_t *vis = calloc(ui_rowset_total(rs) + 1, sizeof(*vis));

			if (!vis) {
				ui_rowset_free(rs);
				a->loaded_max = -1;
				return 1;
			}
			free_hay(a);
			ui_rowset_free(a->rows);
			free(a->vis);
			a->rows = rs;
			a->vis = vis;
			a->nvis = 0;
			a->have_last = 0; /* new rows: the next query scans them all */
			/* Now, not on the first key typed: the filter must keep up with typing. */
			build_hay(a);
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
	if (a->export_job && ev->job_id == a->export_job) {
		char *msg = worker_event_take(ev);

		a->export_job = 0;
		if (msg)
			ui_message(a->ctx->ui, "%s", msg);
		free(msg);
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
