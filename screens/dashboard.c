/* dashboard.c - the landing screen: the selected tenant's severity-weighted score, the
 * controls' pass/fail/unknown by area, the score's trend over scans, the identity figures
 * in one line, and the top recommendations (Enter jumps to the controls behind one, or to
 * the users behind it).  With no tenant, or no scan yet, it says what to do.
 *
 * Everything shown is a handful of aggregate queries on the UI's own connection, re-read
 * when the screen is entered and whenever a scan or an acceptance changed the results
 * (idsec generation). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idsec.h"
#include "tater/catalog.h"
#include "tater/eval.h"
#include "tater/posture.h"
#include "tater/store.h"
#include "tater/ui_widgets.h"

#define MAX_AREAS 12
#define TREND_SCANS 30

struct area_count {
	char name[64];
	int pass, fail, accepted, unknown;
};

struct dashboard {
	struct screen_ctx *ctx;
	struct idsec *is;
	unsigned loaded_gen;
	int loaded;
	int64_t loaded_tenant;
	int have_score;
	struct eval_score score;
	double trend[TREND_SCANS];
	int ntrend;
	struct area_count areas[MAX_AREAS];
	int nareas;
	/* The identity figures (idsec's, read by a worker job) and what was made of them. */
	const struct posture *posture;
	unsigned fig_seq;
	char fig_why[160]; /* why there are none yet */
	char rec_err[256];
	struct posture_rec *recs;
	size_t nrecs;
	int sel;
	int have_scan;
	struct idsec_last_scan scan;
	char err[512];
};

static void clear(struct dashboard *d)
{
	d->posture = NULL;
	free(d->recs);
	d->recs = NULL;
	d->nrecs = 0;
	d->rec_err[0] = '\0';
	d->have_score = d->have_scan = 0;
	d->ntrend = d->nareas = 0;
	d->err[0] = '\0';
}

static void count_areas(struct dashboard *d, const struct eval_results *res)
{
	for (size_t i = 0; i < res->n; i++) {
		const struct eval_result *r = &res->v[i];
		const char *area = r->control->area ? r->control->area : "?";
		struct area_count *a = NULL;

		for (int k = 0; k < d->nareas; k++)
			if (strcmp(d->areas[k].name, area) == 0)
				a = &d->areas[k];
		if (!a) {
			if (d->nareas == MAX_AREAS)
				continue;
			a = &d->areas[d->nareas++];
			memset(a, 0, sizeof(*a));
			snprintf(a->name, sizeof(a->name), "%s", area);
		}
		if (r->accepted)
			a->accepted++;
		else if (strcmp(r->status, "pass") == 0)
			a->pass++;
		else if (strcmp(r->status, "fail") == 0)
			a->fail++;
		else
			a->unknown++;
	}
}

static void load(struct dashboard *d)
{
	struct tater_err err = {0};
	struct store *s = d->ctx->store;
	const struct catalog *cat;
	struct eval_score *tr = NULL;
	size_t ntr = 0;
	char scope[32];

	clear(d);
	d->loaded = 1;
	d->loaded_gen = d->is->generation;
	idsec_reload_tenants(d->is);
	idsec_scope(d->is, scope, sizeof(scope));
	d->loaded_tenant = d->is->tenant_id;
	if (!scope[0] || !s)
		return;
	d->have_scan = idsec_last_scan(d->is, &d->scan);
	if (eval_score(s, scope, 0, &d->score, &err) == 0)
		d->have_score = 1;
	if (eval_trend(s, scope, TREND_SCANS, &tr, &ntr, &err) == 0) {
		for (size_t i = 0; i < ntr && d->ntrend < TREND_SCANS; i++)
			if (tr[i].score >= 0)
				d->trend[d->ntrend++] = tr[i].score;
		free(tr);
	}
	cat = idsec_catalog(d->is);
	if (cat) {
		struct eval_results res = {0};

		if (eval_results_latest(s, cat, scope, NULL, &res, &err) == 0) {
			count_areas(d, &res);
			eval_results_free(&res);
		}
	} else {
		snprintf(d->err, sizeof(d->err), "Controls catalog: %s", d->is->cat_err);
	}
}

/* Take up new identity figures when they have arrived, and the recommendations made of
 * them (a few milliseconds: the figures themselves are read by a worker job). */
static void sync_figures(struct dashboard *d)
{
	const char *why = NULL;
	const struct posture *p = idsec_figures(d->is, &why);
	struct tater_err err = {0};

	snprintf(d->fig_why, sizeof(d->fig_why), "%s", why ? why : "");
	if (p == d->posture && d->fig_seq == d->is->fig.seq)
		return;
	free(d->recs);
	d->recs = NULL;
	d->nrecs = 0;
	d->rec_err[0] = '\0';
	d->posture = p;
	d->fig_seq = d->is->fig.seq;
	if (p && posture_recommend(d->ctx->store, idsec_catalog(d->is), p, &d->recs, &d->nrecs,
				   &err) < 0)
		snprintf(d->rec_err, sizeof(d->rec_err), "Recommendations: %s", err.msg);
	if (d->sel >= (int)d->nrecs)
		d->sel = d->nrecs ? (int)d->nrecs - 1 : 0;
}

static void maybe_load(struct dashboard *d)
{
	if (!d->loaded || d->loaded_gen != d->is->generation ||
	    d->loaded_tenant != d->is->tenant_id)
		load(d);
}

static void *create(struct screen_ctx *ctx)
{
	struct dashboard *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->ctx = ctx;
	d->is = idsec_get(ctx);
	if (!d->is) {
		free(d);
		return NULL;
	}
	return d;
}

static void destroy(void *self)
{
	struct dashboard *d = self;

	if (!d)
		return;
	clear(d);
	idsec_put(d->is);
	free(d);
}

static void enter(void *self)
{
	struct dashboard *d = self;

	d->loaded = 0;
	maybe_load(d);
}

/* "12 (4 high)" or "unknown" for a figure. */
static void figure_text(const struct posture *p, enum posture_figure f, char *buf, size_t n)
{
	if (!p->st[f].known) {
		snprintf(buf, n, "unknown");
		return;
	}
	switch (f) {
	case POSTURE_RISKY:
		snprintf(buf, n, "%lld (%lld high)", (long long)p->risky.total,
			 (long long)p->risky.high);
		break;
	case POSTURE_MFA:
		snprintf(buf, n, "%lld",
			 (long long)(p->mfa.not_registered + p->mfa.admins_not_registered));
		break;
	case POSTURE_PRIVILEGED:
		snprintf(buf, n, "%lld", (long long)p->priv.accounts);
		break;
	case POSTURE_STALE:
		snprintf(buf, n, "%lld", (long long)(p->stale.stale + p->stale.never));
		break;
	case POSTURE_GUESTS:
		snprintf(buf, n, "%lld (%lld stale)", (long long)p->guests.total,
			 (long long)(p->guests.stale + p->guests.never));
		break;
	default:
		buf[0] = '\0';
	}
}

static enum ui_color sev_color(const char *sev)
{
	int r = catalog_severity_rank(sev);

	return r == 0 ? UI_ERROR : r == 1 ? UI_WARN : UI_NORMAL;
}

static void draw_empty(struct dashboard *d, struct ui_rect b)
{
	int y = b.y + 1, x = b.x + 2, w = b.w - 4;
	const struct tenant *t = idsec_tenant(d->is);
	struct ui_rect wr;

	if (!t) {
		ui_text(y++, x, w, UI_WARN, "No tenant yet.");
		y++;
		wr = (struct ui_rect){y, x, b.y + b.h - y, w};
		ui_wrap(
		    wr, UI_NORMAL,
		    "Add your Microsoft 365 tenant in Settings > Tenants: press - and then a, "
		    "fill in the tenant ID, the app registration's client ID and its secret, "
		    "and save. Then come back here and press S to scan it (or run `tater scan`). "
		    "To look around first, `tater --demo` runs the whole pipeline against a "
		    "simulated tenant.",
		    0);
		return;
	}
	if (d->have_scan && strcmp(d->scan.status, "running") == 0) {
		ui_textf(y++, x, w, UI_NORMAL, "%s: the first scan is running...", t->name);
		return;
	}
	ui_textf(y++, x, w, UI_WARN, "%s has never been scanned%s.", t->name,
		 d->have_scan ? " successfully" : "");
	if (d->have_scan) {
		char when[32];

		idsec_short_time(d->scan.started, when, sizeof(when));
		ui_textf(y++, x, w, UI_ERROR, "Last attempt %s: %s %s", when, d->scan.status,
			 d->scan.detail);
	}
	y++;
	wr = (struct ui_rect){y, x, b.y + b.h - y, w};
	ui_wrap(wr, UI_NORMAL,
		"Press S to scan it now: tater reads users, MFA registration, risky users, "
		"directory roles, conditional access and the tenant's policies, then evaluates "
		"the controls. The same headless: `tater scan`.",
		0);
}

static void draw(void *self, struct ui_rect r)
{
	struct dashboard *d = self;
	struct ui_rect b;
	int y, x, w, bottom;
	char line[256], when[32];

	maybe_load(d);
	sync_figures(d);
	b = idsec_header(d->is, r, "Dashboard: identity security at a glance");
	x = b.x + 1;
	w = b.w - 2;
	y = b.y;
	bottom = b.y + b.h;
	if (!d->have_score) {
		draw_empty(d, b);
		return;
	}
	/* Score, trend, last scan. */
	{
		int used = 0;

		if (d->score.score >= 0)
			used = ui_textf(y, x, w, UI_TITLE, "Score %.0f/100", d->score.score);
		else
			used = ui_text(y, x, w, UI_TITLE, "Score: none (nothing scored)");
		used += ui_text(y, x + used, w - used, UI_DIM, " severity-weighted");
		if (d->ntrend > 1 && w - used > 20) {
			int sw = d->ntrend < 16 ? d->ntrend : 16;

			used += ui_text(y, x + used, w - used, UI_NORMAL, "  trend ");
			ui_sparkline(y, x + used, sw, d->trend, d->ntrend, UI_OK);
			used += sw;
			used += ui_textf(y, x + used, w - used, UI_DIM, " (%d scans)", d->ntrend);
		}
	}
	y++;
	snprintf(line, sizeof(line), "Controls: %d pass  %d fail  %d accepted  %d unknown",
		 d->score.pass, d->score.fail, d->score.accepted, d->score.unknown);
	ui_text(y++, x, w, UI_NORMAL, line);
	if (d->have_scan) {
		idsec_short_time(d->scan.finished[0] ? d->scan.finished : d->scan.started, when,
				 sizeof(when));
		ui_textf(y++, x, w,
			 strcmp(d->scan.status, "complete") == 0  ? UI_DIM
			 : strcmp(d->scan.status, "running") == 0 ? UI_NORMAL
								  : UI_WARN,
			 "Last scan %s UTC: %s%s%s", when, d->scan.status,
			 d->scan.detail[0] ? ": " : "", d->scan.detail);
	}
	y++;
	/* By area. */
	if (y < bottom) {
		ui_textf(y++, x, w, UI_HEADER, "%-24s %6s %6s %9s %8s", "Area", "pass", "fail",
			 "accepted", "unknown");
	}
	for (int i = 0; i < d->nareas && y < bottom - 4; i++)
		ui_textf(y++, x, w, UI_NORMAL, "%-24.24s %6d %6d %9d %8d", d->areas[i].name,
			 d->areas[i].pass, d->areas[i].fail, d->areas[i].accepted,
			 d->areas[i].unknown);
	y++;
	/* Identity figures in a line. */
	if (d->posture && y < bottom - 2) {
		char f[5][48];

		for (int i = 0; i < POSTURE_NFIGURES; i++)
			figure_text(d->posture, (enum posture_figure)i, f[i], sizeof(f[i]));
		ui_textf(y++, x, w, UI_NORMAL,
			 "Risky users %s  Without MFA %s  Privileged %s  Stale %s  Guests %s", f[0],
			 f[1], f[2], f[3], f[4]);
		y++;
	} else if (!d->posture && y < bottom - 2) {
		ui_text(y++, x, w, d->is->fig.job ? UI_DIM : UI_ERROR, d->fig_why);
		y++;
	}
	if (d->err[0] && y < bottom)
		ui_text(y++, x, w, UI_ERROR, d->err);
	if (d->rec_err[0] && y < bottom)
		ui_text(y++, x, w, UI_ERROR, d->rec_err);
	/* Recommendations. */
	if (y >= bottom)
		return;
	ui_text(y++, x, w, UI_TITLE,
		d->nrecs     ? "Top recommendations (Enter: the controls or users behind one)"
		: !d->posture ? "Recommendations: once the identity figures are read"
			      : "Recommendations: none, nothing to fix from the latest scan");
	{
		int rows = bottom - y, first = 0;

		if (d->sel >= rows && rows > 0)
			first = d->sel - rows + 1;
		for (int i = first; i < (int)d->nrecs && y < bottom; i++) {
			const struct posture_rec *rc = &d->recs[i];
			enum ui_color c = i == d->sel ? UI_SELECTED : UI_NORMAL;
			int used;

			ui_fill(y, x, w, c);
			used = ui_textf(y, x, 10, i == d->sel ? c : sev_color(rc->severity), "%-9s",
					rc->severity);
			used += ui_textf(y, x + used, w - used, c, "%s: %s", rc->title, rc->figure);
			y++;
		}
	}
}

static int key(void *self, const struct ui_event *ev)
{
	struct dashboard *d = self;

	if (idsec_key(d->is, ev) == UI_HANDLED)
		return UI_HANDLED;
	switch (ev->act) {
	case UI_ACT_UP:
		if (d->sel > 0)
			d->sel--;
		return UI_HANDLED;
	case UI_ACT_DOWN:
		if (d->sel + 1 < (int)d->nrecs)
			d->sel++;
		return UI_HANDLED;
	case UI_ACT_TOP:
		d->sel = 0;
		return UI_HANDLED;
	case UI_ACT_BOTTOM:
		d->sel = d->nrecs ? (int)d->nrecs - 1 : 0;
		return UI_HANDLED;
	case UI_ACT_OPEN:
		if (d->sel < (int)d->nrecs) {
			const struct posture_rec *rc = &d->recs[d->sel];

			if (rc->ncontrols > 0)
				idsec_jump_controls(d->is, rc);
			else if (rc->list >= 0)
				idsec_open_list(d->is, (enum posture_figure)rc->list);
		}
		return UI_HANDLED;
	case UI_ACT_REFRESH:
		d->loaded = 0;
		ui_message(d->ctx->ui, "Reloaded");
		return UI_HANDLED;
	default:
		return UI_IGNORED;
	}
}

static int event(void *self, struct worker_event *ev)
{
	struct dashboard *d = self;

	return idsec_event(d->is, ev);
}

const struct screen_def screen_dashboard = {
    .name = "dashboard",
    .title = "Dashboard",
    .create = create,
    .destroy = destroy,
    .enter = enter,
    .draw = draw,
    .key = key,
    .event = event,
};
