/* controls.c - the Controls screen: the latest result of every control for the selected
 * tenant, with status (a risk in force reads "fail (accepted until ...)"), severity, id,
 * title and framework references.  Group by area or by framework (b); filter by status (f),
 * severity (v), framework (F) and as you type (/).  A detail pane (Enter) holds the
 * description, rationale, reason, evidence, references and the check's SQL.  The header
 * shows the pass rate and its trend over scans.
 *
 * Risk acceptance: an admin (roles.h) marks a failing control accepted with a reason and an
 * expiry date (A), or revokes it (R).  Both are worker jobs calling eval_accept /
 * eval_revoke, which record them in the activity log; --readonly refuses them. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "idsec.h"
#include "tater/catalog.h"
#include "tater/eval.h"
#include "tater/remediate.h"
#include "tater/roles.h"
#include "tater/store.h"
#include "tater/text.h"
#include "tater/ui_form.h"
#include "tater/ui_table.h"
#include "tater/ui_widgets.h"

#define TREND_SCANS 30

enum { C_GROUP, C_STATUS, C_SEV, C_ID, C_TITLE, C_FW, NCELLS };
enum { GROUP_NONE, GROUP_AREA, GROUP_FRAMEWORK, NGROUPS };

static const char *const group_names[NGROUPS] = {"none", "area", "framework"};
static const char *const status_cycle[] = {NULL, "fail", "accepted", "unknown", "pass"};
static const char *const severity_cycle[] = {NULL, "critical", "high", "medium", "low"};
static const char *const fw_short[CATALOG_NFRAMEWORKS] = {"CIS", "SCuBA", "NIST", "ISO", "SOC2"};

static const struct ui_column cols_grouped[NCELLS] = {
    {"Group", 8, 1, 0},	   {"Status", 7, 0, 0}, {"Severity", 8, 0, 0},
    {"Control", 12, 2, 0}, {"Title", 16, 5, 0}, {"Frameworks", 10, 2, 0},
};

enum { F_REASON, F_EXPIRES, NFIELDS };

static int valid_expiry(const struct ui_form *f, int field, const char *v, char *msg, size_t n);

static const struct ui_field_def accept_fields[NFIELDS] = {
    [F_REASON] = {"Reason", UI_FIELD_TEXT, 1, NULL, NULL, "why the risk is accepted", 400, 0, 0},
    [F_EXPIRES] = {"Expires", UI_FIELD_TEXT, 1, valid_expiry, NULL, "YYYY-MM-DD", 10, 0, 0},
};

struct controls {
	struct screen_ctx *ctx;
	struct idsec *is;
	unsigned loaded_gen;
	int64_t loaded_tenant;
	int loaded;
	char scope[32];
	struct eval_results res;
	int have_score;
	struct eval_score score;
	double trend[TREND_SCANS];
	int ntrend;
	int group;
	int fstatus, fseverity;
	char framework[64];
	/* Only these controls (a recommendation's), when nfocus > 0. */
	char focus_title[160];
	char focus[POSTURE_REC_CONTROLS][64];
	int nfocus;
	struct ui_table *table;
	struct ui_rowset *rows;
	size_t *ridx; /* result index of each rowset row */
	int detail, detail_scroll, detail_max; /* max: from the last draw, the end in view */
	int64_t evidence_for;
	char **ev_lines; /* the selected result's evidence, a line per item (EV_SHOWN at most) */
	size_t ev_n, ev_total;
	struct ui_form *form;
	char form_control[64];
	uint64_t accept_job, revoke_job;
	char err[512];
	char keep[64]; /* the selected control's id, kept across a reload */
	struct rem_ui *rem; /* the Remediate panel (section "Remediate" below) */
};

static void ev_clear(struct controls *c)
{
	eval_evidence_lines_free(c->ev_lines, c->ev_n);
	c->ev_lines = NULL;
	c->ev_n = c->ev_total = 0;
	c->evidence_for = 0;
}

/* The Remediate section's entry points (defined at the end of the file). */
struct rem_ui;
static void rem_open(struct controls *c);
static int rem_draw(struct controls *c, struct ui_rect r);
static int rem_key(struct controls *c, const struct ui_event *ev);
static int rem_event(struct controls *c, struct worker_event *ev);
static void rem_free(struct controls *c);

/* ---- expiry ---- */

static int valid_expiry(const struct ui_form *f, int field, const char *v, char *msg, size_t n)
{
	int y, m, d;
	char today[11], rest;
	time_t now = time(NULL);
	struct tm tm, chk = {0};

	(void)f;
	(void)field;
	if (strlen(v) != 10 || sscanf(v, "%4d-%2d-%2d%c", &y, &m, &d, &rest) != 3 ||
	    !isdigit((unsigned char)v[0]) || v[4] != '-' || v[7] != '-') {
		snprintf(msg, n, "a date: YYYY-MM-DD");
		return -1;
	}
	chk.tm_year = y - 1900;
	chk.tm_mon = m - 1;
	chk.tm_mday = d;
	chk.tm_hour = 12;
	if (m < 1 || m > 12 || d < 1 || d > 31 || (timegm(&chk), chk.tm_mday != d)) {
		snprintf(msg, n, "no such date");
		return -1;
	}
	gmtime_r(&now, &tm);
	strftime(today, sizeof(today), "%Y-%m-%d", &tm);
	if (strcmp(v, today) < 0) {
		snprintf(msg, n, "in the past (today is %s UTC)", today);
		return -1;
	}
	return 0;
}

/* ---- jobs ---- */

struct accept_arg {
	char scope[32], control[64], reason[512], expires[16];
	int revoke;
};

static int accept_job(struct job *j, struct store *s, void *p, struct tater_err *err)
{
	struct accept_arg *a = p;
	int ret;

	(void)j;
	if (!s)
		return tater_errf(err, TATER_EIO, "no store");
	/* The role is checked where the write happens, not only where the key was pressed. */
	if ((ret = store_role_require(s, STORE_ROLE_ADMIN,
				      a->revoke ? "revoke a risk acceptance" : "accept a risk",
				      err)) < 0)
		return ret;
	if (a->revoke)
		return eval_revoke(s, a->scope, a->control, err);
	return eval_accept(s, a->scope, a->control, a->reason, a->expires, err);
}

/* ---- rows ---- */

static const struct eval_result *selected(struct controls *c)
{
	size_t i;

	if (!c->table || !c->rows)
		return NULL;
	i = ui_table_selected(c->table);
	if (i == (size_t)-1)
		return NULL;
	return &c->res.v[c->ridx[ui_rowset_index(c->rows, i)]];
}

static void refs_text(const struct control *c, char *buf, size_t n)
{
	size_t o = 0;

	buf[0] = '\0';
	for (int fw = 0; fw < CATALOG_NFRAMEWORKS && o < n; fw++) {
		const struct catalog_list *l = &c->refs[fw];

		if (!l->n)
			continue;
		o += (size_t)snprintf(buf + o, n - o, "%s%s ", o ? "; " : "", fw_short[fw]);
		for (size_t i = 0; i < l->n && o < n; i++)
			o += (size_t)snprintf(buf + o, n - o, "%s%s", i ? ", " : "", l->v[i]);
	}
}

static int focused_on(const struct controls *c, const char *id)
{
	if (!c->nfocus)
		return 1;
	for (int i = 0; i < c->nfocus; i++)
		if (strcmp(c->focus[i], id) == 0)
			return 1;
	return 0;
}

static int add_row(struct controls *c, struct ui_rowset *rs, size_t **idx, size_t *cap, size_t ri,
		   const char *group)
{
	const struct eval_result *r = &c->res.v[ri];
	char status[64], refs[512];
	const char *cells[NCELLS];

	eval_result_label(r, status, sizeof(status));
	refs_text(r->control, refs, sizeof(refs));
	cells[C_GROUP] = group;
	cells[C_STATUS] = status;
	cells[C_SEV] = r->severity;
	cells[C_ID] = r->control->id;
	cells[C_TITLE] = r->control->title;
	cells[C_FW] = refs;
	if (ui_rowset_total(rs) == *cap) {
		size_t nc = *cap ? *cap * 2 : 64;
		size_t *nv = realloc(*idx, nc * sizeof(**idx));

		if (!nv)
			return -1;
		*idx = nv;
		*cap = nc;
	}
	(*idx)[ui_rowset_total(rs)] = ri;
	/* Ungrouped, the Group column is left out: the row starts at Status. */
	return ui_rowset_add(rs, c->group == GROUP_NONE ? cells + 1 : cells);
}

static void build_rows(struct controls *c)
{
	int ncols = c->group == GROUP_NONE ? NCELLS - 1 : NCELLS;
	struct ui_rowset *rs = ui_rowset_new(ncols);
	struct ui_table_source src;
	size_t *idx = NULL, cap = 0;
	const char *keep = c->keep;

	if (!rs)
		return;
	if (c->group == GROUP_FRAMEWORK) {
		for (int fw = 0; fw < CATALOG_NFRAMEWORKS; fw++)
			for (size_t i = 0; i < c->res.n; i++)
				if (c->res.v[i].control->refs[fw].n &&
				    focused_on(c, c->res.v[i].control->id))
					add_row(
					    c, rs, &idx, &cap, i,
					    catalog_framework_label((enum catalog_framework)fw));
	} else if (c->group == GROUP_AREA) {
		/* Areas in order of first appearance, each with its controls. */
		for (size_t a = 0; a < c->res.n; a++) {
			const char *area = c->res.v[a].control->area;
			int seen = 0;

			for (size_t b = 0; b < a && !seen; b++)
				seen = strcmp(c->res.v[b].control->area, area) == 0;
			if (seen)
				continue;
			for (size_t i = a; i < c->res.n; i++)
				if (strcmp(c->res.v[i].control->area, area) == 0 &&
				    focused_on(c, c->res.v[i].control->id))
					add_row(c, rs, &idx, &cap, i, area);
		}
	} else {
		for (size_t i = 0; i < c->res.n; i++)
			if (focused_on(c, c->res.v[i].control->id))
				add_row(c, rs, &idx, &cap, i, "");
	}
	{
		/* Status is as wide as its widest text: "fail (accepted until ...)" only while a
		 * risk is accepted, otherwise the width goes to the ids and titles. */
		struct ui_column cols[NCELLS];
		char label[64];

		memcpy(cols, cols_grouped, sizeof(cols));
		for (size_t i = 0; i < c->res.n; i++) {
			int w = (int)strlen(eval_result_label(&c->res.v[i], label, sizeof(label)));

			if (w > cols[C_STATUS].min)
				cols[C_STATUS].min = w;
		}
		ui_table_free(c->table);
		c->table = ui_table_new(c->group == GROUP_NONE ? cols + 1 : cols, ncols);
	}
	ui_rowset_free(c->rows);
	free(c->ridx);
	c->rows = rs;
	c->ridx = idx;
	if (!c->table)
		return;
	ui_table_set_empty_text(c->table, c->res.n ? "No control matches these filters (f, v, F)."
						   : "No results yet: press S to scan.");
	ui_rowset_source(rs, &src);
	ui_table_set_source(c->table, &src);
	/* The same control stays selected across a reload (a scan, an acceptance). */
	for (size_t i = 0; keep[0] && i < ui_table_count(c->table); i++) {
		if (strcmp(c->res.v[idx[ui_rowset_index(rs, i)]].control->id, keep) == 0) {
			ui_table_select(c->table, i);
			break;
		}
	}
}

static void load(struct controls *c)
{
	struct tater_err err = {0};
	const struct catalog *cat;
	struct eval_filter f = {0};
	struct eval_score *tr = NULL;
	size_t ntr = 0;

	{
		const struct eval_result *was = selected(c);

		snprintf(c->keep, sizeof(c->keep), "%s", was ? was->control->id : "");
	}
	eval_results_free(&c->res);
	memset(&c->res, 0, sizeof(c->res));
	c->have_score = 0;
	c->ntrend = 0;
	c->err[0] = '\0';
	c->loaded = 1;
	c->loaded_gen = c->is->generation;
	idsec_reload_tenants(c->is);
	c->loaded_tenant = c->is->tenant_id;
	idsec_scope(c->is, c->scope, sizeof(c->scope));
	ev_clear(c);
	cat = idsec_catalog(c->is);
	if (!cat)
		snprintf(c->err, sizeof(c->err), "The controls catalog did not load: %s",
			 c->is->cat_err);
	if (c->scope[0] && cat && c->ctx->store) {
		f.status = status_cycle[c->fstatus];
		f.severity = severity_cycle[c->fseverity];
		f.framework = c->framework[0] ? c->framework : NULL;
		if (eval_results_latest(c->ctx->store, cat, c->scope, &f, &c->res, &err) < 0)
			snprintf(c->err, sizeof(c->err), "%s", err.msg);
		if (eval_score(c->ctx->store, c->scope, 0, &c->score, &err) == 0)
			c->have_score = 1;
		if (eval_trend(c->ctx->store, c->scope, TREND_SCANS, &tr, &ntr, &err) == 0) {
			for (size_t i = 0; i < ntr && c->ntrend < TREND_SCANS; i++)
				if (tr[i].pass_rate >= 0)
					c->trend[c->ntrend++] = tr[i].pass_rate;
			free(tr);
		}
	}
	build_rows(c);
}

static void maybe_load(struct controls *c)
{
	if (!c->loaded || c->loaded_gen != c->is->generation ||
	    c->loaded_tenant != c->is->tenant_id)
		load(c);
}

/* ---- screen ops ---- */

static void *create(struct screen_ctx *ctx)
{
	struct controls *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->ctx = ctx;
	c->is = idsec_get(ctx);
	if (!c->is) {
		free(c);
		return NULL;
	}
	return c;
}

static void destroy(void *self)
{
	struct controls *c = self;

	if (!c)
		return;
	eval_results_free(&c->res);
	ui_table_free(c->table);
	ui_rowset_free(c->rows);
	free(c->ridx);
	ev_clear(c);
	ui_form_free(c->form);
	rem_free(c);
	idsec_put(c->is);
	free(c);
}

static void enter(void *self)
{
	struct controls *c = self;

	if (c->is->jump) {
		c->is->jump = 0;
		c->nfocus = c->is->njump;
		snprintf(c->focus_title, sizeof(c->focus_title), "%s", c->is->jump_title);
		for (int i = 0; i < c->nfocus; i++)
			snprintf(c->focus[i], sizeof(c->focus[i]), "%s", c->is->jump_ids[i]);
		/* Show them whatever the filters said. */
		c->fstatus = c->fseverity = 0;
		c->framework[0] = '\0';
		c->detail = 0;
	}
	c->loaded = 0;
	maybe_load(c);
}

/* Collapse runs of white space (the SQL's line breaks) into single spaces. */
static char *one_line(const char *s)
{
	char *out = malloc(strlen(s ? s : "") + 1), *o = out;
	int space = 0;

	if (!out)
		return NULL;
	for (; s && *s; s++) {
		if (isspace((unsigned char)*s)) {
			space = o != out;
			continue;
		}
		if (space)
			*o++ = ' ';
		space = 0;
		*o++ = *s;
	}
	*o = '\0';
	return out;
}

/* Evidence items shown in the pane, a line each; the rest are counted. */
#define EV_SHOWN 200
#define DETAIL_FIELDS 24

static void ev_load(struct controls *c, const struct eval_result *res)
{
	struct tater_err err = {0};
	char *json = NULL;

	ev_clear(c);
	c->evidence_for = res->id;
	if (eval_result_evidence(c->ctx->store, res->id, &json, &err) < 0) {
		if ((c->ev_lines = malloc(sizeof(char *))) && (c->ev_lines[0] = strdup(err.msg)))
			c->ev_n = c->ev_total = 1;
		return;
	}
	if (eval_evidence_lines(json, EV_SHOWN, &c->ev_lines, &c->ev_n, &c->ev_total) < 0)
		ui_error(c->ctx->ui, "Evidence: out of memory");
	free(json);
}

static void draw_detail(struct controls *c, struct ui_rect r)
{
	const struct eval_result *res = selected(c);
	const struct control *ct;
	const char **labels, **values;
	char status[64], refs[CATALOG_NFRAMEWORKS][512], ev[64], acc[700], more[160];
	char *sql;
	int n = 0, lines;

	if (!res)
		return;
	ct = res->control;
	if (c->evidence_for != res->id)
		ev_load(c, res);
	labels = calloc(DETAIL_FIELDS + c->ev_n, sizeof(char *));
	values = calloc(DETAIL_FIELDS + c->ev_n, sizeof(char *));
	if (!labels || !values) {
		free(labels);
		free(values);
		return;
	}
	eval_result_label(res, status, sizeof(status));
	labels[n] = "Control";
	values[n++] = ct->id;
	labels[n] = "Title";
	values[n++] = ct->title;
	labels[n] = "Status";
	values[n++] = status;
	labels[n] = "Severity";
	values[n++] = res->severity;
	labels[n] = "Reason";
	values[n++] = res->reason ? res->reason : "";
	if (res->accepted) {
		snprintf(acc, sizeof(acc), "until %s by %s: %s", res->accepted_until,
			 res->accepted_by ? res->accepted_by : "?",
			 res->accepted_reason ? res->accepted_reason : "");
		labels[n] = "Accepted";
		values[n++] = acc;
	}
	labels[n] = "Area";
	values[n++] = ct->area;
	for (int fw = 0; fw < CATALOG_NFRAMEWORKS; fw++) {
		size_t o = 0;

		if (!ct->refs[fw].n)
			continue;
		refs[fw][0] = '\0';
		for (size_t i = 0; i < ct->refs[fw].n && o < sizeof(refs[fw]); i++)
			o += (size_t)snprintf(refs[fw] + o, sizeof(refs[fw]) - o, "%s%s",
					      i ? ", " : "", ct->refs[fw].v[i]);
		labels[n] = catalog_framework_label((enum catalog_framework)fw);
		values[n++] = refs[fw];
	}
	labels[n] = "Description";
	values[n++] = ct->description ? ct->description : "";
	labels[n] = "Rationale";
	values[n++] = ct->rationale ? ct->rationale : "";
	labels[n] = "Remediation";
	values[n++] = ct->remediation ? ct->remediation : "none";
	sql = one_line(ct->check);
	labels[n] = "Check (SQL)";
	values[n++] = sql ? sql : "";
	/* The evidence last (it can be long), an item per line: who or what is at fault. */
	snprintf(ev, sizeof(ev), "Evidence (%lld)", (long long)res->evidence_count);
	labels[n] = ev;
	values[n++] = c->ev_n ? c->ev_lines[0] : "none";
	for (size_t i = 1; i < c->ev_n; i++) {
		labels[n] = "";
		values[n++] = c->ev_lines[i];
	}
	if (res->evidence_count > (int64_t)c->ev_total)
		/* The check found more than the store keeps. */
		snprintf(more, sizeof(more), "... and %lld more (the store keeps the first %d)",
			 (long long)(res->evidence_count - (int64_t)c->ev_n), EVAL_EVIDENCE_MAX);
	else if (c->ev_total > c->ev_n)
		snprintf(more, sizeof(more),
			 "... and %zu more (tater controls --evidence --json lists them)",
			 c->ev_total - c->ev_n);
	else
		more[0] = '\0';
	if (more[0]) {
		labels[n] = "";
		values[n++] = more;
	}
	lines = ui_detail(r, "Details (Enter closes, C-d/C-u scroll)", labels, values, n,
			  c->detail_scroll);
	c->detail_max = lines > r.h - 2 ? lines - (r.h - 2) : 0;
	free(sql);
	free(labels);
	free(values);
}

static void draw(void *self, struct ui_rect r)
{
	struct controls *c = self;
	struct ui_rect b;
	int y, x, w;

	maybe_load(c);
	b = idsec_header(c->is, r, "Controls");
	x = b.x + 1;
	w = b.w - 2;
	y = b.y;
	if (c->form) {
		ui_form_draw(c->form, b);
		return;
	}
	if (rem_draw(c, b))
		return;
	if (!idsec_tenant(c->is)) {
		ui_wrap(
		    (struct ui_rect){y + 1, x + 1, b.h - 1, w - 2}, UI_WARN,
		    "No tenant yet: add one in Settings > Tenants (press -, then a), then press "
		    "S to scan it.",
		    0);
		return;
	}
	if (c->err[0]) {
		ui_text(y++, x, w, UI_ERROR, c->err);
	} else {
		int used = 0;

		if (c->have_score) {
			used = ui_textf(y, x, w, UI_NORMAL,
					"%d pass  %d fail  %d accepted  %d unknown", c->score.pass,
					c->score.fail, c->score.accepted, c->score.unknown);
			if (c->score.pass_rate >= 0)
				used += ui_textf(y, x + used, w - used, UI_NORMAL,
						 "  pass rate %.0f%%", c->score.pass_rate);
			if (c->ntrend > 1 && w - used > 12) {
				int sw = c->ntrend < 10 ? c->ntrend : 10;

				used += ui_text(y, x + used, w - used, UI_NORMAL, " ");
				ui_sparkline(y, x + used, sw, c->trend, c->ntrend, UI_OK);
				used += sw;
			}
		} else {
			used = ui_text(y, x, w, UI_DIM, "No results yet (S scans)");
		}
		{
			/* The filters in force; on a narrow screen only those set, in short. */
			const char *st = status_cycle[c->fstatus], *sv = severity_cycle[c->fseverity];
			char f[256];

			snprintf(f, sizeof(f), "  [status %s, severity %s%s%s, group %s]",
				 st ? st : "all", sv ? sv : "all", c->framework[0] ? ", " : "",
				 c->framework, group_names[c->group]);
			if (text_width(f) > w - used) {
				const char *part[4];
				char by[32];
				int np = 0;
				size_t o;

				snprintf(by, sizeof(by), "by %s", group_names[c->group]);
				if (st)
					part[np++] = st;
				if (sv)
					part[np++] = sv;
				if (c->framework[0])
					part[np++] = c->framework;
				if (c->group)
					part[np++] = by;
				o = (size_t)snprintf(f, sizeof(f), "  [%s", np ? "" : "no filter");
				for (int i = 0; i < np && o < sizeof(f); i++)
					o += (size_t)snprintf(f + o, sizeof(f) - o, "%s%s", i ? " " : "",
							      part[i]);
				if (o < sizeof(f))
					snprintf(f + o, sizeof(f) - o, "]");
			}
			ui_text(y, x + used, w - used, UI_DIM, f);
		}
		y++;
	}
	if (c->nfocus) {
		ui_textf(y++, x, w, UI_TITLE, "Behind \"%s\" (q shows all controls)",
			 c->focus_title);
	}
	b.h -= y - b.y;
	b.y = y;
	if (!c->table)
		return;
	if (c->detail && b.h > 14) {
		struct ui_rect t = b, dr = b;

		t.h = b.h * 2 / 5;
		dr.y = b.y + t.h;
		dr.h = b.h - t.h;
		ui_table_draw(c->table, t, 1);
		draw_detail(c, dr);
	} else if (c->detail) {
		draw_detail(c, b);
	} else {
		ui_table_draw(c->table, b, 1);
	}
}

static void close_form(struct controls *c)
{
	ui_form_free(c->form);
	c->form = NULL;
}

static int is_admin(struct controls *c, const char *what)
{
	struct tater_err err = {0};

	if (store_role_require(c->ctx->store, STORE_ROLE_ADMIN, what, &err) < 0) {
		ui_error(c->ctx->ui, "%s", err.msg);
		return 0;
	}
	return 1;
}

static void open_accept(struct controls *c)
{
	const struct eval_result *r = selected(c);
	char title[160];

	if (!r || !ui_may_change(c->ctx->ui, "accepting a risk"))
		return;
	if (strcmp(r->status, "fail") != 0) {
		ui_message(c->ctx->ui, "Only a failing control's risk can be accepted (%s is %s)",
			   r->control->id, r->status);
		return;
	}
	if (!is_admin(c, "accept a risk"))
		return;
	snprintf(title, sizeof(title), "Accept the risk of %s", r->control->id);
	c->form = ui_form_new(title, accept_fields, NFIELDS);
	if (!c->form)
		return;
	snprintf(c->form_control, sizeof(c->form_control), "%s", r->control->id);
	if (r->accepted) {
		char day[11];

		snprintf(day, sizeof(day), "%.10s", r->accepted_until);
		ui_form_set(c->form, F_REASON, r->accepted_reason ? r->accepted_reason : "");
		ui_form_set(c->form, F_EXPIRES, day);
		ui_form_clean(c->form);
	}
}

static void submit(struct controls *c, struct accept_arg *a, uint64_t *id)
{
	struct tater_err err = {0};

	snprintf(a->scope, sizeof(a->scope), "%s", c->scope);
	if (worker_submit(c->ctx->worker, a->revoke ? "revoke a risk acceptance" : "accept a risk",
			  accept_job, a, free, id, &err) < 0)
		ui_error(c->ctx->ui, "%s", err.msg);
}

static void save_accept(struct controls *c)
{
	struct accept_arg *a;

	if (!ui_may_change(c->ctx->ui, "accepting a risk"))
		return;
	a = calloc(1, sizeof(*a));
	if (!a)
		return;
	snprintf(a->control, sizeof(a->control), "%s", c->form_control);
	snprintf(a->reason, sizeof(a->reason), "%s", ui_form_get(c->form, F_REASON));
	snprintf(a->expires, sizeof(a->expires), "%s", ui_form_get(c->form, F_EXPIRES));
	submit(c, a, &c->accept_job);
}

static void revoke_done(void *ctx, int result, const char *input)
{
	struct controls *c = ctx;
	struct accept_arg *a;

	(void)input;
	if (result != UI_MODAL_OK || !ui_may_change(c->ctx->ui, "revoking a risk acceptance"))
		return;
	a = calloc(1, sizeof(*a));
	if (!a)
		return;
	a->revoke = 1;
	snprintf(a->control, sizeof(a->control), "%s", c->form_control);
	submit(c, a, &c->revoke_job);
}

static void ask_revoke(struct controls *c)
{
	const struct eval_result *r = selected(c);
	char text[256];

	if (!r)
		return;
	if (!r->accepted) {
		ui_message(c->ctx->ui, "%s has no risk acceptance in force", r->control->id);
		return;
	}
	if (!ui_may_change(c->ctx->ui, "revoking a risk acceptance") ||
	    !is_admin(c, "revoke a risk acceptance"))
		return;
	snprintf(c->form_control, sizeof(c->form_control), "%s", r->control->id);
	snprintf(text, sizeof(text), "Revoke the acceptance of %s? It shows as a plain fail again.",
		 r->control->id);
	ui_confirm(c->ctx->ui, "Revoke risk acceptance?", text, "Revoke", revoke_done, c);
}

static void framework_done(void *ctx, int result, const char *input)
{
	struct controls *c = ctx;
	struct tater_err err = {0};

	if (result != UI_MODAL_OK)
		return;
	if (input && *input && catalog_framework_spec_ok(input, &err) < 0) {
		ui_error(c->ctx->ui, "%s", err.msg);
		return;
	}
	snprintf(c->framework, sizeof(c->framework), "%s", input ? input : "");
	c->loaded = 0;
}

static void discard_done(void *ctx, int result, const char *input)
{
	(void)input;
	if (result == UI_MODAL_OK)
		close_form(ctx);
}

static int key(void *self, const struct ui_event *ev)
{
	struct controls *c = self;

	if (c->form) {
		enum ui_form_result fr = ui_form_key(c->form, ev);

		if (fr == UI_FORM_SAVE)
			save_accept(c);
		else if (fr == UI_FORM_CANCEL) {
			if (ui_form_dirty(c->form))
				ui_confirm(c->ctx->ui, "Discard changes?",
					   "The risk acceptance is not saved. Discard it?",
					   "Discard", discard_done, c);
			else
				close_form(c);
		}
		return fr == UI_FORM_IGNORED ? UI_IGNORED : UI_HANDLED;
	}
	if (c->rem && rem_key(c, ev) == UI_HANDLED)
		return UI_HANDLED;
	if (c->table && ui_table_filtering(c->table))
		return ui_table_key(c->table, ev);
	if (idsec_key(c->is, ev) == UI_HANDLED)
		return UI_HANDLED;
	switch (ev->act) {
	case UI_ACT_OPEN:
		if (selected(c)) {
			c->detail = !c->detail;
			c->detail_scroll = 0;
		}
		return UI_HANDLED;
	case UI_ACT_PAGE_DOWN:
		if (c->detail) {
			c->detail_scroll += 5;
			if (c->detail_scroll > c->detail_max)
				c->detail_scroll = c->detail_max;
			return UI_HANDLED;
		}
		break;
	case UI_ACT_PAGE_UP:
		if (c->detail) {
			c->detail_scroll = c->detail_scroll > 5 ? c->detail_scroll - 5 : 0;
			return UI_HANDLED;
		}
		break;
	case UI_ACT_UP:
	case UI_ACT_DOWN:
		c->detail_scroll = 0;
		break;
	case UI_ACT_BACK:
		if (c->detail) {
			c->detail = 0;
			return UI_HANDLED;
		}
		if (c->table && ui_table_key(c->table, ev) == UI_HANDLED)
			return UI_HANDLED; /* drops the / filter first */
		if (c->nfocus) {
			c->nfocus = 0;
			c->loaded = 0;
			/* and go back where the jump came from */
		}
		return UI_IGNORED;
	case UI_ACT_GROUP_BY:
		c->group = (c->group + 1) % NGROUPS;
		c->loaded = 0;
		ui_message(c->ctx->ui, "Grouped by %s", group_names[c->group]);
		return UI_HANDLED;
	case UI_ACT_FILTER_STATUS:
		c->fstatus = (c->fstatus + 1) % 5;
		c->loaded = 0;
		return UI_HANDLED;
	case UI_ACT_FILTER_SEVERITY:
		c->fseverity = (c->fseverity + 1) % 5;
		c->loaded = 0;
		return UI_HANDLED;
	case UI_ACT_FILTER_FRAMEWORK:
		ui_prompt(c->ctx->ui, "Framework filter",
			  "scuba, cis, nist, iso or soc2, optionally with a reference prefix "
			  "(scuba:MS.AAD.3, cis:5.2). Empty shows every framework.",
			  0, framework_done, c);
		return UI_HANDLED;
	case UI_ACT_ACCEPT_RISK:
		open_accept(c);
		return UI_HANDLED;
	case UI_ACT_REVOKE_RISK:
		ask_revoke(c);
		return UI_HANDLED;
	case UI_ACT_REMEDIATE:
		rem_open(c);
		return UI_HANDLED;
	case UI_ACT_REFRESH:
		c->loaded = 0;
		return UI_HANDLED;
	default:
		break;
	}
	return c->table ? ui_table_key(c->table, ev) : UI_IGNORED;
}

static int event(void *self, struct worker_event *ev)
{
	struct controls *c = self;

	if (c->accept_job && ev->job_id == c->accept_job) {
		c->accept_job = 0;
		if (ev->rc == 0) {
			ui_message(c->ctx->ui, "Risk of %s accepted until %s", c->form_control,
				   c->form ? ui_form_get(c->form, F_EXPIRES) : "?");
			close_form(c);
			c->is->generation++;
		} else if (c->form) {
			ui_form_set_error(c->form, F_EXPIRES, ev->err.msg);
		}
		return 1;
	}
	if (c->revoke_job && ev->job_id == c->revoke_job) {
		c->revoke_job = 0;
		if (ev->rc == 0) {
			ui_message(c->ctx->ui, "Acceptance of %s revoked", c->form_control);
			c->is->generation++;
		}
		return 1;
	}
	if (rem_event(c, ev))
		return 1;
	return idsec_event(c->is, ev);
}

static int dirty(void *self)
{
	struct controls *c = self;

	return c->form && ui_form_dirty(c->form);
}

/* ==== Remediate =============================================================================
 *
 * X on a failing control whose script the catalog knows opens the Remediate panel: the
 * script's description, what it changes, the runtime (7.2, or 5.1 by delegation), and its
 * parameters as a form filled with their defaults.  Confirm (a second question whose default
 * is Cancel) submits a worker job running rem_run; the panel then shows the job status, the
 * elapsed time and a live countdown to the next poll, and at the end the job output
 * (changes before/after, or the errors).  After a Completed job S rescans the tenant and the
 * panel shows the control's status before and after.  A request still running in Azure (a
 * timeout) is resumed from here with X again.  X on a control with an active request
 * (another analyst's, a dead console's) or a second X while this panel follows one is
 * refused naming who started it and when; the panel may then follow it (no second job).
 * The role check, the enabled check and the one-request-per-control rule are enforced where
 * the write happens (rem_run). */

#include <pthread.h>

#include "tater/vault.h"

enum rem_stage { REM_FORM, REM_RUNNING, REM_DONE };

struct rem_shared {
	pthread_mutex_t lock;
	int refs;
	struct rem_progress p;
	int64_t next_at; /* ui_now_ms() of the next poll */
	atomic_int cancel;
};

struct rem_ui {
	enum rem_stage stage;
	struct rem_catalog *cat;
	const struct rem_script *sc;
	char control[96], title[160], before[64], after[64];
	int resume;
	char resume_id[40];
	struct ui_form *form;
	struct ui_field_def *defs;
	struct rem_shared *sh;
	uint64_t job;
	int64_t started;
	int rc;
	char err[512];
	struct rem_outcome out;
	int rescan;	   /* S was pressed after a Completed job */
	unsigned scan_gen; /* the generation then: a finished scan bumps it */
};

struct rem_arg {
	struct idsec_key *k;
	struct tenant t;
	char control[96], script[96], resume_id[40];
	char *params;
	char ca_file[1024];
	struct rem_shared *sh;
};

struct rem_res {
	struct rem_outcome out;
	struct vault *unlocked;
};

static void shared_put(struct rem_shared *sh)
{
	int last;

	if (!sh)
		return;
	pthread_mutex_lock(&sh->lock);
	last = --sh->refs == 0;
	pthread_mutex_unlock(&sh->lock);
	if (last) {
		pthread_mutex_destroy(&sh->lock);
		free(sh);
	}
}

static void free_rem_arg(void *p)
{
	struct rem_arg *a = p;

	if (!a)
		return;
	idsec_key_free(a->k);
	free(a->params);
	shared_put(a->sh);
	free(a);
}

static void free_rem_res(void *p)
{
	struct rem_res *r = p;

	if (!r)
		return;
	rem_outcome_free(&r->out);
	vault_close(r->unlocked);
	free(r);
}

struct rem_job_ctx {
	struct job *j;
	struct rem_shared *sh;
};

static void rem_job_progress(void *ctx, const struct rem_progress *p)
{
	struct rem_job_ctx *jc = ctx;

	if (job_cancelled(jc->j))
		atomic_store(&jc->sh->cancel, 1);
	pthread_mutex_lock(&jc->sh->lock);
	jc->sh->p = *p;
	if (p->phase == REM_PHASE_WAITING)
		jc->sh->next_at = ui_now_ms() + p->next_poll_ms;
	pthread_mutex_unlock(&jc->sh->lock);
	job_progress(jc->j, 0, 0, p->job_status[0] ? p->job_status : "starting");
}

static int rem_job(struct job *j, struct store *s, void *p, struct tater_err *err)
{
	struct rem_arg *a = p;
	struct rem_job_ctx jc = {j, a->sh};
	struct rem_run_opts ro = {0};
	struct rem_catalog *cat = NULL;
	struct vault *jv = NULL;
	struct rem_res *res;
	int ret;

	if (!s)
		return tater_errf(err, TATER_EIO, "no store");
	if (!(res = calloc(1, sizeof(*res))))
		return tater_errf(err, TATER_ENOMEM, "out of memory");
	job_set_result(j, res, free_rem_res);
	if ((ret = idsec_key_open(a->k, s, &jv, &res->unlocked, err)) < 0)
		return ret;
	ro.cancel = &a->sh->cancel;
	ro.ca_file = a->ca_file[0] ? a->ca_file : NULL;
	ro.progress = rem_job_progress;
	ro.ctx = &jc;
	if (a->resume_id[0]) {
		ret = rem_resume(s, jv, &a->t, a->resume_id, &ro, &res->out, err);
	} else if ((ret = rem_catalog_open(&cat, err)) == 0) {
		const struct rem_script *sc = rem_catalog_find(cat, a->script);

		ret = sc ? rem_run(s, jv, &a->t, a->control, sc, a->params, &ro, &res->out, err)
			 : tater_errf(err, TATER_ENOTFOUND, "no script %s", a->script);
	}
	rem_catalog_free(cat);
	vault_close(jv);
	return ret;
}

static void rem_close(struct controls *c)
{
	struct rem_ui *r = c->rem;

	if (!r)
		return;
	if (r->job)
		worker_cancel(c->ctx->worker, r->job); /* polling stops; the job runs on */
	ui_form_free(r->form);
	free(r->defs);
	rem_catalog_free(r->cat);
	rem_outcome_free(&r->out);
	shared_put(r->sh);
	free(r);
	c->rem = NULL;
}

static void rem_free(struct controls *c)
{
	rem_close(c);
}

static const char *current_status(struct controls *c, const char *control, char *buf, size_t n)
{
	snprintf(buf, n, "not evaluated");
	for (size_t i = 0; i < c->res.n; i++)
		if (!strcmp(c->res.v[i].control->id, control))
			eval_result_label(&c->res.v[i], buf, n);
	return buf;
}

static void rem_key_ready(void *ctx, struct idsec_key *k)
{
	struct controls *c = ctx;
	struct rem_ui *r = c->rem;
	struct tater_err err = {0};
	const struct tenant *t = idsec_tenant(c->is);
	struct rem_arg *a;
	const char *ca = getenv("TATER_CA_FILE");
	char title[96];

	if (!r || !k || !t) {
		idsec_key_free(k);
		if (r)
			snprintf(r->err, sizeof(r->err), "Not started: no passphrase given");
		return;
	}
	r->err[0] = '\0'; /* a refusal shown before "X follows it" */
	if (!(a = calloc(1, sizeof(*a))) || !(r->sh = calloc(1, sizeof(*r->sh)))) {
		free(a);
		idsec_key_free(k);
		return;
	}
	pthread_mutex_init(&r->sh->lock, NULL);
	r->sh->refs = 2;
	atomic_init(&r->sh->cancel, 0);
	a->sh = r->sh;
	a->k = k;
	a->t = *t;
	snprintf(a->control, sizeof(a->control), "%s", r->control);
	snprintf(a->script, sizeof(a->script), "%s", r->sc->id);
	snprintf(a->resume_id, sizeof(a->resume_id), "%s", r->resume_id);
	if (ca)
		snprintf(a->ca_file, sizeof(a->ca_file), "%s", ca);
	if (!r->resume) {
		const char **assign = calloc(r->sc->nparams + 1, sizeof(*assign));
		char **bufs = calloc(r->sc->nparams + 1, sizeof(*bufs));
		size_t n = 0;

		for (size_t i = 0; assign && bufs && r->form && i < r->sc->nparams; i++) {
			const char *v = ui_form_get(r->form, (int)i);

			if (!strcmp(v, r->sc->params[i].def))
				continue; /* the script's default applies */
			if (asprintf(&bufs[n], "%s=%s", r->sc->params[i].name, v) < 0)
				break;
			assign[n] = bufs[n];
			n++;
		}
		if (rem_params_json(r->sc, assign, n, &a->params, &err) < 0)
			snprintf(r->err, sizeof(r->err), "%s", err.msg);
		for (size_t i = 0; bufs && i < n; i++)
			free(bufs[i]);
		free(bufs);
		free(assign);
		if (r->err[0]) {
			free_rem_arg(a);
			return;
		}
	}
	snprintf(title, sizeof(title), "remediate %.80s", r->control);
	if (worker_submit(c->ctx->worker, title, rem_job, a, free_rem_arg, &r->job, &err) < 0) {
		snprintf(r->err, sizeof(r->err), "%s", err.msg);
		r->job = 0;
		return;
	}
	r->stage = REM_RUNNING;
	r->started = ui_now_ms();
	ui_form_free(r->form);
	r->form = NULL;
	ui_deadline(c->ctx->ui, ui_now_ms() + 1000);
}

static void rem_confirmed(void *ctx, int result, const char *input)
{
	struct controls *c = ctx;

	(void)input;
	if (result != UI_MODAL_OK || !c->rem ||
	    !ui_may_change(c->ctx->ui, "running a remediation script"))
		return;
	idsec_with_key(c->is, "run the remediation", rem_key_ready, c);
}

static void rem_ask(struct controls *c)
{
	struct rem_ui *r = c->rem;
	char text[900];

	snprintf(text, sizeof(text),
		 "%s %s on tenant %s with %s? It changes the tenant's settings: %s",
		 r->resume ? "Resume following" : "Run", r->sc->id,
		 idsec_tenant(c->is) ? idsec_tenant(c->is)->name : "?", rem_runtime_label(r->sc),
		 r->sc->description);
	ui_confirm(c->ctx->ui, r->resume ? "Resume remediation?" : "Run remediation?", text,
		   r->resume ? "Resume" : "Confirm", rem_confirmed, c);
}

static void rem_open(struct controls *c)
{
	const struct eval_result *res = selected(c);
	struct tater_err err = {0};
	struct rem_request req;
	struct rem_ui *r;
	struct rem_config cfg;
	const struct tenant *t = idsec_tenant(c->is);

	/* Read-only refuses first, whatever is selected or still loading. */
	if (!ui_may_change(c->ctx->ui, "running a remediation script") || !res || !t)
		return;
	if (store_role_require(c->ctx->store, STORE_ROLE_RESPONDER, "remediate a control", &err) <
	    0) {
		ui_error(c->ctx->ui, "%s", err.msg);
		return;
	}
	if (rem_config_get(c->ctx->store, t->id, &cfg, &err) < 0 || !cfg.enabled) {
		ui_error(c->ctx->ui,
			 "Automated remediation is off for %s: an admin turns it on in Settings > "
			 "Integrations (or tater remediation setup ... --enable)",
			 t->name);
		return;
	}
	rem_close(c);
	if (!(r = calloc(1, sizeof(*r))))
		return;
	if (rem_catalog_open(&r->cat, &err) < 0) {
		ui_error(c->ctx->ui, "%s", err.msg);
		free(r);
		return;
	}
	r->sc = rem_catalog_for_control(r->cat, res->control->id, res->control->remediation);
	if (!r->sc) {
		ui_message(c->ctx->ui, "%s has no remediation script", res->control->id);
		rem_catalog_free(r->cat);
		free(r);
		return;
	}
	snprintf(r->control, sizeof(r->control), "%s", res->control->id);
	snprintf(r->title, sizeof(r->title), "%s", res->control->title);
	current_status(c, r->control, r->before, sizeof(r->before));
	c->rem = r;
	/* A request still running in Azure (a timeout, or a dead console's) is resumed. */
	if (rem_request_latest(c->ctx->store, c->scope, r->control, &req, &err) == 0) {
		if (!strcmp(req.status, "timeout") || !strcmp(req.status, "running") ||
		    !strcmp(req.status, "submitted") || !strcmp(req.status, "pending")) {
			r->resume = 1;
			snprintf(r->resume_id, sizeof(r->resume_id), "%s", req.request_id);
		}
		/* One request per control: while one is active (another analyst's, or a
		 * console that died) no second is started; the panel can follow it. */
		if (strcmp(req.status, "timeout") != 0 && r->resume)
			snprintf(r->err, sizeof(r->err),
				 "Refused: %s is already being remediated: %s started it at %s "
				 "(request %s%s%s, %s)",
				 r->control, req.requested_by, req.requested_at, req.request_id,
				 req.job_id[0] ? ", job " : "", req.job_id, req.status);
		rem_request_free(&req);
	}
	if (!r->resume && strcmp(res->status, "fail") != 0) {
		ui_message(c->ctx->ui, "%s is %s: only a failing control is remediated", r->control,
			   res->status);
		rem_close(c);
		return;
	}
	r->stage = REM_FORM;
	if (!r->resume && r->sc->nparams) {
		r->defs = calloc(r->sc->nparams, sizeof(*r->defs));
		for (size_t i = 0; r->defs && i < r->sc->nparams; i++) {
			r->defs[i].label = r->sc->params[i].name;
			r->defs[i].kind = UI_FIELD_TEXT;
			r->defs[i].hint = r->sc->params[i].description;
			r->defs[i].maxlen = 400;
		}
		r->form = r->defs ? ui_form_new("Parameters (Save = continue)", r->defs,
						(int)r->sc->nparams)
				  : NULL;
		for (size_t i = 0; r->form && i < r->sc->nparams; i++)
			ui_form_set(r->form, (int)i, r->sc->params[i].def);
		if (r->form)
			ui_form_clean(r->form);
	}
	if (r->err[0])
		ui_error(c->ctx->ui, "%s", r->err);
	else if (!r->form)
		rem_ask(c);
}

static int rem_draw(struct controls *c, struct ui_rect b)
{
	struct rem_ui *r = c->rem;
	struct rem_progress p;
	int64_t next_at = 0, now = ui_now_ms();
	int y, x, w;
	char line[600];

	if (!r)
		return 0;
	ui_box(b, UI_MODAL, "Remediate (Esc closes)");
	x = b.x + 2;
	w = b.w - 4;
	y = b.y + 1;
	ui_textf(y++, x, w, UI_TITLE, "%s: %s", r->control, r->title);
	ui_textf(y++, x, w, UI_NORMAL, "Script %s: %s", r->sc->id, r->sc->title);
	ui_textf(y++, x, w, UI_NORMAL, "Runtime: %s", rem_runtime_label(r->sc));
	if (!r->sc->nparams)
		ui_text(y++, x, w, UI_NORMAL, "Parameters: none (the script takes none)");
	else if (r->stage != REM_FORM || !r->form)
		ui_textf(y++, x, w, UI_NORMAL, "Parameters: %zu (defaults unless changed)",
			 r->sc->nparams);
	y += ui_wrap((struct ui_rect){y, x, 3, w}, UI_DIM, r->sc->description, 0) > 3 ? 3 : 2;
	if (r->err[0])
		ui_text(y++, x, w, UI_ERROR, r->err);
	if (r->stage == REM_FORM) {
		if (r->form)
			ui_form_draw(r->form, (struct ui_rect){y, b.x + 1, b.h - (y - b.y) - 1,
							       b.w - 2});
		else
			ui_text(y, x, w, UI_DIM,
				r->resume ? "X follows that request here (no second job is "
					    "started); Esc closes."
					  : "X asks again; Esc closes.");
		return 1;
	}
	memset(&p, 0, sizeof(p));
	if (r->sh) {
		pthread_mutex_lock(&r->sh->lock);
		p = r->sh->p;
		next_at = r->sh->next_at;
		pthread_mutex_unlock(&r->sh->lock);
	}
	if (r->stage == REM_RUNNING) {
		long long el = (now - r->started) / 1000;

		ui_textf(y++, x, w, UI_NORMAL, "Request %s  job %s", p.request_id[0] ? p.request_id : "-",
			 p.job_id[0] ? p.job_id : "(waiting for the webhook)");
		ui_textf(y++, x, w, UI_WARN, "Status: %s   elapsed %lld:%02lld",
			 p.job_status[0] ? p.job_status : "submitting", el / 60, el % 60);
		if (p.phase == REM_PHASE_WAITING && next_at > now)
			ui_textf(y++, x, w, UI_NORMAL, "Next poll in %lld s",
				 (long long)((next_at - now + 999) / 1000));
		else
			ui_text(y++, x, w, UI_NORMAL, "Polling...");
		if (p.note[0])
			ui_text(y++, x, w, UI_DIM, p.note);
		ui_deadline(c->ctx->ui, now + 1000);
		return 1;
	}
	/* Done. */
	snprintf(line, sizeof(line), "Job %s: %s (request %s)", r->out.job_id[0] ? r->out.job_id : "-",
		 r->out.job_status[0] ? r->out.job_status : r->out.status, r->out.request_id);
	ui_text(y++, x, w, r->rc == 0 ? UI_OK : UI_ERROR, line);
	if (r->rc != 0 && !r->err[0])
		ui_text(y++, x, w, UI_ERROR, "(see the message below)");
	if (r->out.result.status[0])
		ui_textf(y++, x, w, UI_NORMAL, "Result: %s (ran on PowerShell %s)",
			 r->out.result.status, r->out.result.runtime);
	if (r->out.result.nchanges) {
		ui_text(y++, x, w, UI_TITLE, "Changes (before -> after):");
		y += ui_wrap((struct ui_rect){y, x + 2, 6, w - 2}, UI_NORMAL,
			     r->out.result.changes_text, 0);
	}
	if (r->out.result.nerrors) {
		ui_text(y++, x, w, UI_TITLE, "Errors:");
		y += ui_wrap((struct ui_rect){y, x + 2, 6, w - 2}, UI_ERROR,
			     r->out.result.errors_text, 0);
	}
	if (r->out.result.guidance_text && r->out.result.guidance_text[0]) {
		ui_text(y++, x, w, UI_TITLE, "Guidance:");
		y += ui_wrap((struct ui_rect){y, x + 2, 4, w - 2}, UI_NORMAL,
			     r->out.result.guidance_text, 0);
	}
	if (r->rc == 0) {
		if (r->rescan && c->is->generation != r->scan_gen && !c->is->scan_job) {
			current_status(c, r->control, r->after, sizeof(r->after));
			ui_textf(y++, x, w, UI_OK, "Status before: %s   after: %s", r->before,
				 r->after);
		} else if (r->rescan) {
			ui_text(y++, x, w, UI_NORMAL, "Rescanning...");
		} else {
			ui_textf(y++, x, w, UI_NORMAL, "Status before: %s.  S rescans the tenant.",
				 r->before);
		}
	}
	return 1;
}

static int rem_key(struct controls *c, const struct ui_event *ev)
{
	struct rem_ui *r = c->rem;

	/* Ctrl-C quits from here too (asking first: a job is running). */
	if (ev->act == UI_ACT_QUIT)
		return UI_IGNORED;
	if (r->stage == REM_FORM && r->form) {
		enum ui_form_result fr = ui_form_key(r->form, ev);

		if (fr == UI_FORM_SAVE) {
			rem_ask(c);
			return UI_HANDLED;
		}
		if (fr == UI_FORM_CANCEL) {
			rem_close(c);
			return UI_HANDLED;
		}
		if (fr != UI_FORM_IGNORED)
			return UI_HANDLED;
	}
	if (ev->act == UI_ACT_BACK || ev->key == UI_KEY_ESC) {
		if (r->stage == REM_RUNNING)
			ui_message(c->ctx->ui, "Stopped following %s; X resumes it", r->control);
		rem_close(c);
		return UI_HANDLED;
	}
	if (ev->act == UI_ACT_REMEDIATE && r->stage == REM_FORM) {
		rem_ask(c);
		return UI_HANDLED;
	}
	if (ev->act == UI_ACT_REMEDIATE && r->stage == REM_RUNNING) {
		/* A double X: one request per control at a time. */
		struct rem_request req;
		struct tater_err err = {0};

		if (rem_request_latest(c->ctx->store, c->scope, r->control, &req, &err) == 0) {
			ui_error(
			    c->ctx->ui,
			    "%s is already being remediated: %s started it at %s (request %s); "
			    "this panel follows it",
			    r->control, req.requested_by, req.requested_at, req.request_id);
			rem_request_free(&req);
		} else {
			ui_error(c->ctx->ui,
				 "%s is already being remediated; this panel follows it",
				 r->control);
		}
		return UI_HANDLED;
	}
	if (ev->act == UI_ACT_SCAN && r->stage == REM_DONE && r->rc == 0) {
		r->rescan = 1;
		r->scan_gen = c->is->generation;
		idsec_scan(c->is);
		return UI_HANDLED;
	}
	return UI_HANDLED; /* the panel takes every other key */
}

static int rem_event(struct controls *c, struct worker_event *ev)
{
	struct rem_ui *r = c->rem;
	struct rem_res *res;

	if (!r || !r->job || ev->job_id != r->job)
		return 0;
	r->job = 0;
	r->stage = REM_DONE;
	r->rc = ev->rc;
	res = worker_event_take(ev);
	if (res) {
		idsec_keep_vault(c->is, res->unlocked);
		res->unlocked = NULL;
		r->out = res->out;
		memset(&res->out, 0, sizeof(res->out));
		free_rem_res(res);
	}
	if (ev->rc != 0) {
		snprintf(r->err, sizeof(r->err), "%s", ev->err.msg);
		ui_error(c->ctx->ui, "%s", ev->err.msg);
	} else {
		ui_message(c->ctx->ui, "%s: job Completed; S rescans the tenant", r->control);
	}
	return 1;
}

const struct screen_def screen_controls = {
    .name = "controls",
    .title = "Controls",
    .create = create,
    .destroy = destroy,
    .enter = enter,
    .draw = draw,
    .key = key,
    .event = event,
    .dirty = dirty,
};
