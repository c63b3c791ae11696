/* idsec.c - the state the identity-security screens share, and the scan job.
 *
 * The scan runs on a worker thread with the worker's own store connection.  The vault is
 * unlocked once per session: the first scan either reads the key file or takes the
 * passphrase typed into a modal, unlocks on the worker (Argon2id takes a moment; the UI
 * keeps drawing) and hands back a handle bound to the UI's connection (vault_clone copies
 * the key, it touches no database).  Later scans get a clone of that handle; inside the job
 * it is cloned once more onto the job's store and freed there. */
#include <sodium.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idsec.h"
#include "tater/catalog.h"
#include "tater/collect.h"
#include "tater/console.h"
#include "tater/store.h"
#include "tater/vault.h"
#include "tater/worker.h"

static struct idsec *the; /* one per console; UI thread only */

struct idsec *idsec_get(struct screen_ctx *ctx)
{
	if (!the) {
		the = calloc(1, sizeof(*the));
		if (!the)
			return NULL;
		the->ctx = ctx;
		the->open_list = -1;
	}
	the->refs++;
	return the;
}

void idsec_put(struct idsec *is)
{
	if (!is || --is->refs > 0)
		return;
	if (is == the)
		the = NULL;
	free(is->tenants);
	catalog_free(is->cat);
	vault_close(is->vault);
	if (is->fig.have)
		posture_free(&is->fig.p);
	free(is);
}

/* ---- the identity figures, read off the UI thread ---- */

struct figures_arg {
	char scope[32];
};

static void free_posture(void *p)
{
	if (p) {
		posture_free(p);
		free(p);
	}
}

static int figures_job(struct job *j, struct store *s, void *arg, struct tater_err *err)
{
	struct figures_arg *a = arg;
	struct posture *p = calloc(1, sizeof(*p));
	int ret;

	if (!p)
		return tater_errf(err, TATER_ENOMEM, "out of memory");
	if (!s) {
		free(p);
		return tater_errf(err, TATER_EIO, "no store");
	}
	job_progress(j, 0, 0, "identity figures");
	if ((ret = posture_load(s, a->scope, NULL, p, err)) < 0) {
		free(p);
		return ret;
	}
	job_set_result(j, p, free_posture);
	return 0;
}

static void figures_start(struct idsec *is)
{
	struct figures_arg *a = calloc(1, sizeof(*a));
	struct tater_err err = {0};

	if (!a)
		return;
	idsec_scope(is, a->scope, sizeof(a->scope));
	is->fig.reload = 0;
	is->fig.job_gen = is->generation;
	is->fig.job_tenant = is->tenant_id;
	if (worker_submit(is->ctx->worker, "read the identity figures", figures_job, a, free,
			  &is->fig.job, &err) < 0) {
		is->fig.job = 0;
		snprintf(is->fig.err, sizeof(is->fig.err), "%s", err.msg);
		/* Not again until something changes. */
		is->fig.gen = is->generation;
		is->fig.tenant = is->tenant_id;
	}
}

const struct posture *idsec_figures(struct idsec *is, const char **why)
{
	int current = is->fig.gen == is->generation && is->fig.tenant == is->tenant_id &&
		      (is->fig.have || is->fig.err[0]) && !is->fig.reload;

	*why = NULL;
	if (!is->tenant_id || !is->ctx->store) {
		*why = "No tenant";
		return NULL;
	}
	if (!current && !is->fig.job)
		figures_start(is);
	if (is->fig.have && is->fig.tenant == is->tenant_id)
		return &is->fig.p; /* the latest, or the previous ones while new ones load */
	if (is->fig.job)
		*why = "Reading the identity figures...";
	else if (is->fig.err[0])
		*why = is->fig.err;
	else
		*why = "No identity figures";
	return NULL;
}

void idsec_figures_reload(struct idsec *is)
{
	is->fig.reload = 1;
}

static int figures_event(struct idsec *is, struct worker_event *ev)
{
	struct posture *p;

	if (!is->fig.job || ev->job_id != is->fig.job)
		return 0;
	is->fig.job = 0;
	is->fig.gen = is->fig.job_gen;
	is->fig.tenant = is->fig.job_tenant;
	p = worker_event_take(ev);
	if (ev->rc == 0 && p) {
		if (is->fig.have)
			posture_free(&is->fig.p);
		is->fig.p = *p;
		is->fig.have = 1;
		is->fig.err[0] = '\0';
		free(p);
	} else {
		free_posture(p);
		if (is->fig.have && is->fig.tenant != is->tenant_id) {
			posture_free(&is->fig.p);
			is->fig.have = 0;
		}
		snprintf(is->fig.err, sizeof(is->fig.err), "Identity figures: %s",
			 ev->rc == TATER_ECANCELED ? "reading them was cancelled" : ev->err.msg);
	}
	is->fig.seq++;
	ui_dirty(is->ctx->ui);
	return 1;
}

void idsec_reload_tenants(struct idsec *is)
{
	struct tenant *v = NULL;
	size_t n = 0;
	struct tater_err err = {0};
	int keep = 0;

	if (!is->ctx->store || tenant_list(is->ctx->store, &v, &n, &err) < 0)
		return;
	free(is->tenants);
	is->tenants = v;
	is->ntenants = n;
	for (size_t i = 0; i < n; i++)
		keep |= v[i].id == is->tenant_id;
	if (!keep)
		is->tenant_id = n ? v[0].id : 0;
}

const struct tenant *idsec_tenant(struct idsec *is)
{
	for (size_t i = 0; i < is->ntenants; i++)
		if (is->tenants[i].id == is->tenant_id)
			return &is->tenants[i];
	return NULL;
}

void idsec_scope(struct idsec *is, char *buf, size_t n)
{
	const struct tenant *t = idsec_tenant(is);

	if (t)
		tenant_scope(t->id, buf, n);
	else if (n)
		buf[0] = '\0';
}

void idsec_next_tenant(struct idsec *is)
{
	idsec_reload_tenants(is);
	for (size_t i = 0; i < is->ntenants; i++) {
		if (is->tenants[i].id == is->tenant_id) {
			is->tenant_id = is->tenants[(i + 1) % is->ntenants].id;
			break;
		}
	}
	is->generation++;
}

const struct catalog *idsec_catalog(struct idsec *is)
{
	struct tater_err err = {0};

	if (!is->cat && !is->cat_err[0] && catalog_open(&is->cat, NULL, &err) < 0)
		snprintf(is->cat_err, sizeof(is->cat_err), "%s", err.msg);
	return is->cat;
}

void idsec_short_time(const char *iso, char *out, size_t n)
{
	snprintf(out, n, "%.16s", iso ? iso : "");
	if (strlen(out) > 10 && out[10] == 'T')
		out[10] = ' ';
}

int idsec_last_scan(struct idsec *is, struct idsec_last_scan *out)
{
	sqlite3_stmt *st = NULL;
	char scope[32];
	int found = 0;

	memset(out, 0, sizeof(*out));
	idsec_scope(is, scope, sizeof(scope));
	if (!scope[0] || !is->ctx->store)
		return 0;
	if (sqlite3_prepare_v2(store_db(is->ctx->store),
			       "SELECT started_at, coalesce(finished_at, ''), status,"
			       " coalesce(detail, '') FROM scans WHERE scope = ?1 AND kind = 'm365'"
			       " ORDER BY id DESC LIMIT 1",
			       -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, scope, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(st) == SQLITE_ROW) {
			snprintf(out->started, sizeof(out->started), "%s",
				 (const char *)sqlite3_column_text(st, 0));
			snprintf(out->finished, sizeof(out->finished), "%s",
				 (const char *)sqlite3_column_text(st, 1));
			snprintf(out->status, sizeof(out->status), "%s",
				 (const char *)sqlite3_column_text(st, 2));
			snprintf(out->detail, sizeof(out->detail), "%s",
				 (const char *)sqlite3_column_text(st, 3));
			found = 1;
		}
	}
	sqlite3_finalize(st);
	return found;
}

/* ---- vault material for jobs ---- */

void idsec_key_free(struct idsec_key *k)
{
	if (!k)
		return;
	vault_close(k->v);
	if (k->pass)
		sodium_free(k->pass);
	free(k);
}

int idsec_key_open(struct idsec_key *k, struct store *s, struct vault **out, struct vault **keep,
		   struct tater_err *err)
{
	int ret;

	*out = NULL;
	if (keep)
		*keep = NULL;
	if (k->v) {
		ret = vault_clone(k->v, s, out, err);
	} else if (k->pass) {
		ret = vault_unlock(s, k->pass, k->pass_len, out, err);
	} else {
		/* Never the terminal from here: curses owns it. */
		struct vault_source src = {k->key_file, NULL};

		ret = vault_unlock_from(s, &src, 0, out, err);
	}
	if (ret == 0 && !k->v && keep && vault_clone(*out, k->ui_store, keep, NULL) < 0)
		*keep = NULL;
	return ret;
}

void idsec_keep_vault(struct idsec *is, struct vault *v)
{
	if (!v)
		return;
	if (is->vault)
		vault_close(v);
	else
		is->vault = v;
}

static const char *key_file_of(struct idsec *is)
{
	const char *kf = is->ctx->opts ? is->ctx->opts->key_file : NULL;

	if (!kf || !kf[0])
		kf = getenv("TATER_KEY_FILE");
	return kf && kf[0] ? kf : NULL;
}

struct key_wait {
	struct idsec_key *k;
	idsec_key_ready ready;
	void *ctx;
};

static void key_pass_done(void *ctx, int result, const char *input)
{
	struct key_wait *w = ctx;
	size_t len = input ? strlen(input) : 0;

	if (result != UI_MODAL_OK || !len || !(w->k->pass = sodium_malloc(len + 1))) {
		idsec_key_free(w->k);
		w->ready(w->ctx, NULL);
		free(w);
		return;
	}
	memcpy(w->k->pass, input, len + 1);
	w->k->pass_len = len;
	w->ready(w->ctx, w->k);
	free(w);
}

void idsec_with_key(struct idsec *is, const char *why, idsec_key_ready ready, void *ctx)
{
	struct idsec_key *k = calloc(1, sizeof(*k));
	struct key_wait *w;
	struct tater_err err = {0};
	char text[256];

	if (!k) {
		ready(ctx, NULL);
		return;
	}
	k->ui_store = is->ctx->store;
	if (is->vault) {
		if (vault_clone(is->vault, is->ctx->store, &k->v, &err) < 0) {
			ui_error(is->ctx->ui, "%s", err.msg);
			idsec_key_free(k);
			ready(ctx, NULL);
			return;
		}
		ready(ctx, k);
		return;
	}
	if (key_file_of(is)) {
		snprintf(k->key_file, sizeof(k->key_file), "%s", key_file_of(is));
		ready(ctx, k);
		return;
	}
	w = calloc(1, sizeof(*w));
	if (!w) {
		idsec_key_free(k);
		ready(ctx, NULL);
		return;
	}
	w->k = k;
	w->ready = ready;
	w->ctx = ctx;
	snprintf(text, sizeof(text),
		 "The client secret is sealed in the vault. Type the vault passphrase to %s "
		 "(asked once per session).",
		 why);
	if (ui_prompt(is->ctx->ui, "Vault passphrase", text, 1, key_pass_done, w) < 0) {
		ui_error(is->ctx->ui, "cannot ask for the passphrase");
		idsec_key_free(k);
		free(w);
		ready(ctx, NULL);
	}
}

/* ---- the scan job ---- */

struct scan_arg {
	struct tenant t;
	struct idsec_key *k;
	char ca_file[1024];
};

struct scan_result {
	struct scan_summary sum;
	int ran;
	struct vault *unlocked; /* bound to the UI's connection, for later scans */
};

static void free_scan_arg(void *p)
{
	struct scan_arg *a = p;

	if (!a)
		return;
	idsec_key_free(a->k);
	free(a);
}

static void free_scan_result(void *p)
{
	struct scan_result *r = p;

	if (!r)
		return;
	vault_close(r->unlocked);
	free(r);
}

struct progress_ctx {
	struct job *j;
	atomic_int cancel;
};

static void on_progress(void *ctx, int64_t done, int64_t total, const char *phase)
{
	struct progress_ctx *pc = ctx;

	/* The collector looks at the flag between pages; the job's own flag is read here. */
	if (job_cancelled(pc->j))
		atomic_store(&pc->cancel, 1);
	job_progress(pc->j, done, total, phase);
}

static int scan_job(struct job *j, struct store *s, void *p, struct tater_err *err)
{
	struct scan_arg *a = p;
	struct scan_result *res;
	struct progress_ctx pc = {.j = j};
	struct scan_opts o = {0};
	struct vault *jv = NULL;
	int ret;

	if (!s)
		return tater_errf(err, TATER_EIO, "no store");
	if (!(res = calloc(1, sizeof(*res))))
		return tater_errf(err, TATER_ENOMEM, "out of memory");
	atomic_init(&pc.cancel, 0);
	job_progress(j, 0, 0, a->k->v ? "starting" : "unlocking the vault");
	if ((ret = idsec_key_open(a->k, s, &jv, &res->unlocked, err)) < 0) {
		free(res);
		return ret;
	}
	o.cancel = &pc.cancel;
	o.progress.fn = on_progress;
	o.progress.ctx = &pc;
	o.ca_file = a->ca_file[0] ? a->ca_file : NULL;
	ret = scan_m365(s, jv, &a->t, &o, &res->sum, err);
	res->ran = 1;
	vault_close(jv);
	job_set_result(j, res, free_scan_result);
	return ret;
}

static void scan_key_ready(void *ctx, struct idsec_key *k)
{
	struct scan_arg *a = ctx;
	struct tater_err err = {0};
	char title[96];
	const char *ca = getenv("TATER_CA_FILE");

	if (!the || !k) {
		if (the)
			ui_message(the->ctx->ui, "Scan not started: no passphrase given");
		idsec_key_free(k);
		free_scan_arg(a);
		return;
	}
	a->k = k;
	snprintf(title, sizeof(title), "scan %.80s", a->t.name);
	if (ca)
		snprintf(a->ca_file, sizeof(a->ca_file), "%s", ca);
	snprintf(the->scan_name, sizeof(the->scan_name), "%s", a->t.name);
	if (worker_submit(the->ctx->worker, title, scan_job, a, free_scan_arg, &the->scan_job,
			  &err) < 0) {
		the->scan_job = 0;
		ui_error(the->ctx->ui, "%s", err.msg);
		return;
	}
	ui_message(the->ctx->ui, "Scanning %s... (C-x cancels)", the->scan_name);
}

void idsec_scan(struct idsec *is)
{
	const struct tenant *t;
	struct scan_arg *a;

	if (!ui_may_change(is->ctx->ui, "scanning a tenant"))
		return;
	idsec_reload_tenants(is);
	t = idsec_tenant(is);
	if (!t) {
		ui_message(is->ctx->ui, "No tenant to scan: add one in Settings (press -, then a)");
		return;
	}
	if (is->scan_job) {
		ui_message(is->ctx->ui, "A scan of %s is already running", is->scan_name);
		return;
	}
	if (!vault_exists(is->ctx->store)) {
		ui_error(is->ctx->ui, "No vault yet: save %s's client secret in Settings first",
			 t->name);
		return;
	}
	a = calloc(1, sizeof(*a));
	if (!a)
		return;
	a->t = *t;
	idsec_with_key(is, "scan the tenant", scan_key_ready, a);
}

int idsec_event(struct idsec *is, struct worker_event *ev)
{
	struct scan_result *r;

	if (figures_event(is, ev))
		return 1;
	if (!is->scan_job || ev->job_id != is->scan_job)
		return 0;
	is->scan_job = 0;
	r = worker_event_take(ev);
	if (r) {
		idsec_keep_vault(is, r->unlocked);
		r->unlocked = NULL;
	}
	if (r && r->ran && ev->rc == 0) {
		char score[32] = "";

		if (r->sum.score >= 0)
			snprintf(score, sizeof(score), "; score %.0f", r->sum.score);
		ui_message(is->ctx->ui, "Scan of %s %s: controls %d pass, %d fail, %d unknown%s",
			   is->scan_name, r->sum.status, r->sum.pass, r->sum.fail, r->sum.unknown,
			   score);
	}
	/* Errors were shown by the console already ("scan X: ..."). */
	free_scan_result(r);
	is->generation++;
	return 1;
}

int idsec_key(struct idsec *is, const struct ui_event *ev)
{
	switch (ev->act) {
	case UI_ACT_SCAN:
		idsec_scan(is);
		return UI_HANDLED;
	case UI_ACT_NEXT_TENANT:
		idsec_next_tenant(is);
		if (is->ntenants > 1 && idsec_tenant(is))
			ui_message(is->ctx->ui, "Tenant: %s", idsec_tenant(is)->name);
		else
			ui_message(is->ctx->ui, "Only one tenant");
		return UI_HANDLED;
	default:
		return UI_IGNORED;
	}
}

struct ui_rect idsec_header(struct idsec *is, struct ui_rect r, const char *title)
{
	const struct tenant *t = idsec_tenant(is);
	char right[200];
	size_t i = 0;

	for (; t && i < is->ntenants; i++)
		if (is->tenants[i].id == t->id)
			break;
	if (!t)
		snprintf(right, sizeof(right), "no tenant");
	else if (is->ntenants > 1)
		snprintf(right, sizeof(right), "%s (%zu of %zu, t: next)", t->name, i + 1,
			 is->ntenants);
	else
		snprintf(right, sizeof(right), "%s", t->name);
	return screen_header(r, title, right);
}

void idsec_jump_controls(struct idsec *is, const struct posture_rec *rec)
{
	is->jump = 1;
	snprintf(is->jump_title, sizeof(is->jump_title), "%s", rec->title);
	is->njump = rec->ncontrols;
	for (int i = 0; i < rec->ncontrols; i++)
		snprintf(is->jump_ids[i], sizeof(is->jump_ids[i]), "%s", rec->controls[i]);
	ui_switch_view(is->ctx->ui, UI_ACT_GO_CONTROLS - UI_ACT_GO_DASHBOARD);
}

void idsec_open_list(struct idsec *is, enum posture_figure f)
{
	is->open_list = (int)f;
	ui_switch_view(is->ctx->ui, UI_ACT_GO_IDENTITY - UI_ACT_GO_DASHBOARD);
}
