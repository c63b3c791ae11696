/* identity.c - the Identity security screen: the five figures of the selected tenant
 * (risky users by level as a bar chart, MFA registration with admins apart, privileged
 * accounts by role, stale accounts, guest users), each unknown with its reason when its
 * source was not collected.  Enter on a figure opens its list: a table of the users behind
 * it, sortable and filtered as you type, with a detail pane.
 *
 * The figures are aggregate queries on the UI's connection; a list can be 100,000 users,
 * so it is read by a worker job into a ui_rowset (sanitised once, as it is added). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idsec.h"
#include "tater/posture.h"
#include "tater/store.h"
#include "tater/ui_table.h"
#include "tater/ui_widgets.h"

#define MAX_COLS 8

struct identity {
	struct screen_ctx *ctx;
	struct idsec *is;
	unsigned loaded_gen;
	int64_t loaded_tenant;
	int loaded;
	const struct posture *p; /* idsec's figures, or NULL (err says why) */
	char err[512];
	int sel; /* the selected figure */
	/* The open list (list >= 0). */
	int list;
	struct ui_table *table;
	struct ui_rowset *rows;
	struct ui_column cols[MAX_COLS];
	int ncols; /* shown (the key column is not) */
	uint64_t list_job;
	char list_err[512];
	int detail, detail_scroll;
	char *detail_json;
	size_t detail_row;
};

/* ---- the list job ---- */

struct list_arg {
	char scope[32];
	enum posture_figure fig;
	int ncols;
};

static int add_row(void *ctx, const char *const *cells)
{
	return ui_rowset_add(ctx, cells) < 0;
}

static int list_job(struct job *j, struct store *s, void *p, struct tater_err *err)
{
	struct list_arg *a = p;
	struct ui_rowset *rs = ui_rowset_new(a->ncols);
	int ret;

	if (!rs)
		return tater_errf(err, TATER_ENOMEM, "out of memory");
	if (!s) {
		ui_rowset_free(rs);
		return tater_errf(err, TATER_EIO, "no store");
	}
	job_progress(j, 0, 0, "reading");
	ret = posture_list(s, a->scope, a->fig, NULL, add_row, rs, err);
	if (ret < 0) {
		ui_rowset_free(rs);
		return ret;
	}
	job_set_result(j, rs, ui_rowset_free_void);
	return 0;
}

/* ---- loading ---- */

static void close_list(struct identity *d)
{
	ui_table_free(d->table);
	d->table = NULL;
	ui_rowset_free(d->rows);
	d->rows = NULL;
	free(d->detail_json);
	d->detail_json = NULL;
	d->list = -1;
	d->detail = 0;
	d->list_err[0] = '\0';
}

/* The figures as idsec has them now (read by a worker job; they arrive later). */
static void figures(struct identity *d)
{
	const char *why = NULL;

	d->p = idsec_figures(d->is, &why);
	snprintf(d->err, sizeof(d->err), "%s", d->p ? "" : why ? why : "No identity figures");
}

static void load(struct identity *d)
{
	char scope[32];

	d->p = NULL;
	d->err[0] = '\0';
	d->loaded = 1;
	d->loaded_gen = d->is->generation;
	idsec_reload_tenants(d->is);
	d->loaded_tenant = d->is->tenant_id;
	idsec_scope(d->is, scope, sizeof(scope));
	if (!scope[0] || !d->ctx->store)
		return;
	figures(d);
}

static void open_list(struct identity *d, enum posture_figure f)
{
	const char *const *titles;
	int n = posture_list_columns(f, &titles);
	struct list_arg *a;
	struct tater_err err = {0};

	figures(d);
	if (!d->p || !d->p->st[f].known) {
		ui_message(d->ctx->ui, "%s: unknown, no list (%s)", posture_figure_title(f),
			   d->p ? d->p->st[f].reason : d->err);
		return;
	}
	close_list(d);
	d->ncols = n - 1 < MAX_COLS ? n - 1 : MAX_COLS;
	for (int c = 0; c < d->ncols; c++) {
		d->cols[c].title = titles[c];
		d->cols[c].min = c < 2 ? 10 : 6;
		d->cols[c].weight = c < 2 ? 3 : 1;
		d->cols[c].right = strcmp(titles[c], "Days") == 0;
	}
	d->table = ui_table_new(d->cols, d->ncols);
	a = calloc(1, sizeof(*a));
	if (!d->table || !a) {
		free(a);
		close_list(d);
		return;
	}
	d->list = (int)f;
	ui_table_set_empty_text(d->table, "Loading...");
	snprintf(a->scope, sizeof(a->scope), "%s", d->p->scope);
	a->fig = f;
	a->ncols = n;
	if (worker_submit(d->ctx->worker, "load user list", list_job, a, free, &d->list_job, &err) <
	    0) {
		ui_error(d->ctx->ui, "%s", err.msg);
		d->list_job = 0;
	}
}

static void maybe_load(struct identity *d)
{
	if (!d->loaded || d->loaded_gen != d->is->generation ||
	    d->loaded_tenant != d->is->tenant_id) {
		int was = d->list;

		load(d);
		/* New data under an open list: read it again. */
		if (was >= 0)
			open_list(d, (enum posture_figure)was);
	}
}

static void *create(struct screen_ctx *ctx)
{
	struct identity *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->ctx = ctx;
	d->list = -1;
	d->is = idsec_get(ctx);
	if (!d->is) {
		free(d);
		return NULL;
	}
	return d;
}

static void destroy(void *self)
{
	struct identity *d = self;

	if (!d)
		return;
	close_list(d);
	idsec_put(d->is);
	free(d);
}

static void enter(void *self)
{
	struct identity *d = self;

	d->loaded = 0;
	maybe_load(d);
	if (d->is->open_list >= 0) {
		d->sel = d->is->open_list;
		d->is->open_list = -1;
		open_list(d, (enum posture_figure)d->sel);
	}
}

/* ---- drawing ---- */

static int draw_unknown(const struct posture *p, enum posture_figure f, int y, int x, int w,
			int lines)
{
	struct ui_rect wr = {y, x, lines, w};
	char text[512];

	int need;

	snprintf(text, sizeof(text), "unknown: %s", p->st[f].reason);
	need = ui_wrap(wr, UI_WARN, text, 0);
	return need < lines ? need : lines;
}

/* One figure's block from line y; returns the lines used (at most max). */
static int draw_figure(struct identity *d, enum posture_figure f, int y, int x, int w, int max)
{
	const struct posture *p = d->p;
	int sel = d->sel == (int)f, used = 1;
	char title[160];

	if (max < 1)
		return 0;
	switch (f) {
	case POSTURE_RISKY:
		if (p->st[f].known)
			snprintf(title, sizeof(title),
				 "Risky users: %lld (%lld confirmed compromised)",
				 (long long)p->risky.total, (long long)p->risky.compromised);
		else
			snprintf(title, sizeof(title), "Risky users");
		break;
	case POSTURE_MFA:
		if (p->st[f].known)
			snprintf(title, sizeof(title),
				 "MFA registration: %lld of %lld member users not registered",
				 (long long)(p->mfa.not_registered + p->mfa.admins_not_registered),
				 (long long)(p->mfa.users + p->mfa.admins));
		else
			snprintf(title, sizeof(title), "MFA registration");
		break;
	case POSTURE_PRIVILEGED:
		if (p->st[f].known)
			snprintf(title, sizeof(title),
				 "Privileged accounts: %lld in %lld role assignments",
				 (long long)p->priv.accounts, (long long)p->priv.assignments);
		else
			snprintf(title, sizeof(title), "Privileged accounts");
		break;
	case POSTURE_STALE:
		if (p->st[f].known)
			snprintf(title, sizeof(title),
				 "Stale accounts: %lld (no sign-in for %d days)",
				 (long long)(p->stale.stale + p->stale.never), p->stale_days);
		else
			snprintf(title, sizeof(title), "Stale accounts");
		break;
	case POSTURE_GUESTS:
		if (p->st[f].known)
			snprintf(title, sizeof(title), "Guest users: %lld",
				 (long long)p->guests.total);
		else
			snprintf(title, sizeof(title), "Guest users");
		break;
	default:
		return 0;
	}
	ui_fill(y, x, w, sel ? UI_SELECTED : UI_NORMAL);
	ui_textf(y, x, w, sel ? UI_SELECTED : UI_TITLE, "%s %s", sel ? ">" : " ", title);
	y++;
	x += 2;
	w -= 2;
	if (max < 2)
		return used;
	if (!p->st[f].known)
		return used + draw_unknown(p, f, y, x, w, max - used);
	switch (f) {
	case POSTURE_RISKY: {
		struct ui_bar bars[3] = {{"High", (double)p->risky.high, UI_ERROR},
					 {"Medium", (double)p->risky.medium, UI_WARN},
					 {"Low", (double)p->risky.low, UI_BAR}};
		int h = max - used < 3 ? max - used : 3;
		int bw = w < 60 ? w : 60;

		ui_barchart((struct ui_rect){y, x, h, bw}, bars, 3);
		used += h;
		break;
	}
	case POSTURE_MFA:
		ui_textf(y++, x, w, UI_NORMAL,
			 "Users:  %lld registered (%lld capable), %lld not registered, of %lld",
			 (long long)p->mfa.registered, (long long)p->mfa.capable,
			 (long long)p->mfa.not_registered, (long long)p->mfa.users);
		used++;
		if (max - used >= 1) {
			ui_textf(
			    y++, x, w, p->mfa.admins_not_registered ? UI_WARN : UI_NORMAL,
			    "Admins: %lld registered (%lld capable), %lld not registered, of %lld",
			    (long long)p->mfa.admins_registered, (long long)p->mfa.admins_capable,
			    (long long)p->mfa.admins_not_registered, (long long)p->mfa.admins);
			used++;
		}
		break;
	case POSTURE_PRIVILEGED: {
		char roles[1024];
		size_t o = 0;
		struct ui_rect wr = {y, x, max - used < 2 ? max - used : 2, w};

		roles[0] = '\0';
		o += (size_t)snprintf(roles, sizeof(roles), "Global Administrators %lld",
				      (long long)p->priv.global_admins);
		for (size_t i = 0; i < p->priv.nroles && o < sizeof(roles) - 1; i++) {
			if (strcmp(p->priv.roles[i].template_id,
				   "62e90394-69f5-4237-9190-012177145e10") == 0)
				continue;
			o += (size_t)snprintf(roles + o, sizeof(roles) - o, " | %s %lld",
					      p->priv.roles[i].name,
					      (long long)p->priv.roles[i].members);
		}
		{
			int need = ui_wrap(wr, UI_NORMAL, roles, 0);

			used += need > wr.h ? wr.h : need;
		}
		break;
	}
	case POSTURE_STALE:
		ui_textf(y, x, w, UI_NORMAL,
			 "%lld of %lld enabled members silent for %d+ days; %lld never signed in; "
			 "%lld disabled",
			 (long long)p->stale.stale, (long long)p->stale.enabled, p->stale_days,
			 (long long)p->stale.never, (long long)p->stale.disabled);
		used++;
		break;
	case POSTURE_GUESTS:
		if (p->guests.signins_known)
			ui_textf(y, x, w, UI_NORMAL,
				 "%lld stale (no sign-in for %d days), %lld never signed in, %lld "
				 "invitations pending",
				 (long long)p->guests.stale, p->stale_days,
				 (long long)p->guests.never, (long long)p->guests.pending);
		else
			ui_textf(
			    y, x, w, UI_WARN,
			    "stale guests unknown (no signInActivity); %lld invitations pending",
			    (long long)p->guests.pending);
		used++;
		break;
	default:
		break;
	}
	return used;
}

static void draw_detail(struct identity *d, struct ui_rect r)
{
	const char *const *titles;
	const char *labels[MAX_COLS + 1], *values[MAX_COLS + 1];
	size_t i = ui_table_selected(d->table), row;
	int n = posture_list_columns((enum posture_figure)d->list, &titles), k = 0;

	if (!d->rows || i == (size_t)-1)
		return;
	row = ui_rowset_index(d->rows, i);
	if (!d->detail_json || d->detail_row != row) {
		struct tater_err err = {0};
		char *json = NULL;

		free(d->detail_json);
		d->detail_json = NULL;
		if (posture_object(d->ctx->store, d->p->scope, (enum posture_figure)d->list,
				   ui_rowset_cell(d->rows, row, n - 1), &json, &err) < 0)
			d->detail_json = strdup(err.msg);
		else
			d->detail_json = json;
		d->detail_row = row;
	}
	for (int c = 0; c < n - 1 && k < MAX_COLS; c++, k++) {
		labels[k] = titles[c];
		values[k] = ui_rowset_cell(d->rows, row, c);
	}
	labels[k] = "Collected";
	values[k++] = d->detail_json ? d->detail_json : "";
	ui_detail(r, "Details (Enter closes, C-d/C-u scroll)", labels, values, k, d->detail_scroll);
}

static void draw_list(struct identity *d, struct ui_rect b)
{
	char head[160];

	snprintf(head, sizeof(head), "%s: the users behind it (q back, / filter, s sort)",
		 posture_figure_title((enum posture_figure)d->list));
	ui_text(b.y, b.x + 1, b.w - 2, UI_TITLE, head);
	b.y++;
	b.h--;
	if (d->list_err[0]) {
		ui_wrap((struct ui_rect){b.y + 1, b.x + 2, b.h - 1, b.w - 4}, UI_ERROR, d->list_err,
			0);
		return;
	}
	if (d->detail && b.h > 14) {
		struct ui_rect t = b, dr = b;

		t.h = b.h / 2;
		dr.y = b.y + t.h;
		dr.h = b.h - t.h;
		ui_table_draw(d->table, t, 1);
		draw_detail(d, dr);
	} else if (d->detail) {
		draw_detail(d, b);
	} else {
		ui_table_draw(d->table, b, 1);
	}
}

static void draw(void *self, struct ui_rect r)
{
	struct identity *d = self;
	struct ui_rect b;
	int y, x, w, bottom;
	static const int want[POSTURE_NFIGURES] = {4, 3, 3, 2, 2};

	maybe_load(d);
	b = idsec_header(d->is, r, "Identity security");
	if (d->list >= 0) {
		draw_list(d, b);
		return;
	}
	x = b.x + 1;
	w = b.w - 2;
	y = b.y;
	bottom = b.y + b.h;
	if (!idsec_tenant(d->is)) {
		ui_wrap(
		    (struct ui_rect){y + 1, x + 1, b.h - 1, w - 2}, UI_WARN,
		    "No tenant yet: add one in Settings > Tenants (press -, then a), then press "
		    "S to scan it.",
		    0);
		return;
	}
	figures(d);
	if (!d->p) {
		ui_wrap((struct ui_rect){y + 1, x + 1, b.h - 1, w - 2},
			d->is->fig.job ? UI_DIM : UI_ERROR, d->err, 0);
		return;
	}
	{
		char when[32] = "";
		const char *c = d->p->st[POSTURE_STALE].collected[0]
				    ? d->p->st[POSTURE_STALE].collected
				    : d->p->st[POSTURE_MFA].collected;

		idsec_short_time(c, when, sizeof(when));
		ui_textf(y++, x, w, UI_DIM,
			 "%s%s%sj/k choose, Enter opens the users behind a figure",
			 when[0] ? "Collected " : "Never scanned (S scans). ", when,
			 when[0] ? " UTC. " : "");
	}
	/* Spare lines go to the figures that can use them (risky bars, roles). */
	for (int f = 0; f < POSTURE_NFIGURES && y < bottom; f++) {
		int left = bottom - y, rest = 0, max;

		for (int g = f + 1; g < POSTURE_NFIGURES; g++)
			rest += want[g];
		max = left - rest;
		if (max > want[f])
			max = want[f];
		if (max < 1)
			max = left > 0 ? 1 : 0;
		y += draw_figure(d, (enum posture_figure)f, y, x, w, max);
		if (bottom - y > rest + 1)
			y++; /* a blank line between figures when there is room */
	}
}

static int key(void *self, const struct ui_event *ev)
{
	struct identity *d = self;

	if (d->list >= 0) {
		if (d->table && ui_table_filtering(d->table))
			return ui_table_key(d->table, ev);
		switch (ev->act) {
		case UI_ACT_OPEN:
			if (d->table && ui_table_selected(d->table) != (size_t)-1) {
				d->detail = !d->detail;
				d->detail_scroll = 0;
			}
			return UI_HANDLED;
		case UI_ACT_PAGE_DOWN:
			if (d->detail) {
				d->detail_scroll += 5;
				return UI_HANDLED;
			}
			break;
		case UI_ACT_PAGE_UP:
			if (d->detail) {
				d->detail_scroll = d->detail_scroll > 5 ? d->detail_scroll - 5 : 0;
				return UI_HANDLED;
			}
			break;
		case UI_ACT_BACK:
			if (d->detail) {
				d->detail = 0;
				return UI_HANDLED;
			}
			if (d->table && ui_table_key(d->table, ev) == UI_HANDLED)
				return UI_HANDLED; /* drops the filter first */
			close_list(d);
			return UI_HANDLED;
		case UI_ACT_REFRESH:
			open_list(d, (enum posture_figure)d->list);
			return UI_HANDLED;
		default:
			break;
		}
		if (idsec_key(d->is, ev) == UI_HANDLED)
			return UI_HANDLED;
		return d->table ? ui_table_key(d->table, ev) : UI_IGNORED;
	}
	if (idsec_key(d->is, ev) == UI_HANDLED)
		return UI_HANDLED;
	switch (ev->act) {
	case UI_ACT_UP:
		if (d->sel > 0)
			d->sel--;
		return UI_HANDLED;
	case UI_ACT_DOWN:
		if (d->sel + 1 < POSTURE_NFIGURES)
			d->sel++;
		return UI_HANDLED;
	case UI_ACT_TOP:
		d->sel = 0;
		return UI_HANDLED;
	case UI_ACT_BOTTOM:
		d->sel = POSTURE_NFIGURES - 1;
		return UI_HANDLED;
	case UI_ACT_OPEN:
		open_list(d, (enum posture_figure)d->sel);
		return UI_HANDLED;
	case UI_ACT_REFRESH:
		idsec_figures_reload(d->is);
		d->loaded = 0;
		return UI_HANDLED;
	case UI_ACT_FILTER:
		ui_message(d->ctx->ui, "Open a figure's list (Enter) to filter its users");
		return UI_HANDLED;
	default:
		return UI_IGNORED;
	}
}

static int event(void *self, struct worker_event *ev)
{
	struct identity *d = self;

	if (d->list_job && ev->job_id == d->list_job) {
		struct ui_rowset *rs = worker_event_take(ev);

		d->list_job = 0;
		if (rs && d->table) {
			struct ui_table_source src;

			ui_rowset_free(d->rows);
			d->rows = rs;
			ui_rowset_source(rs, &src);
			ui_table_set_source(d->table, &src);
			ui_table_set_empty_text(d->table, "Nobody: this figure is 0.");
		} else {
			ui_rowset_free(rs);
			if (ev->rc < 0)
				snprintf(d->list_err, sizeof(d->list_err), "%s", ev->err.msg);
		}
		return 1;
	}
	return idsec_event(d->is, ev);
}

const struct screen_def screen_identity = {
    .name = "identity",
    .title = "Identity",
    .create = create,
    .destroy = destroy,
    .enter = enter,
    .draw = draw,
    .key = key,
    .event = event,
};
