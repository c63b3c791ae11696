/* itdr.c - the ITDR screen: the alert queue, an alert's investigation, the workflow.
 *
 * The queue is loaded by a worker job (src/itdr's itdr_queue: all alerts in memory), then
 * filtered and sorted on the UI thread as the analyst types: `/` takes words and field
 * terms (sev:high user:bob assignee:me age:<24h, doc/itdr.md), f and v cycle the status and
 * severity.  Counts by severity and status sit above it; alerts created since your last
 * look are starred.  Enter opens the alert: its fields, the incident's progress, the linked
 * playbook with its steps, the related sign-ins and the notes timeline, built by a job.
 * Every change (status, assignment, note, a manual alert, activating the playbook, an
 * ingest) is a worker job; --readonly refuses them at ui_may_change. */
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tater/console.h"
#include "tater/ir.h"
#include "tater/itdr.h"
#include "tater/screen.h"
#include "tater/store.h"
#include "tater/tenants.h"
#include "tater/text.h"
#include "tater/ui_form.h"
#include "tater/ui_table.h"
#include "tater/vault.h"

enum { C_MARK, C_ID, C_SEV, C_STATUS, C_TYPE, C_USER, C_ASSIGNEE, C_AGE, C_TENANT, NCOLS };

static const struct ui_column columns[NCOLS] = {
    {" ", 1, 0, 0},	   {"ID", 5, 0, 1},    {"Severity", 8, 0, 0},
    {"Status", 13, 0, 0},  {"Type", 14, 2, 0}, {"User", 14, 3, 0},
    {"Assignee", 8, 1, 0}, {"Age", 4, 0, 1},   {"Tenant", 6, 1, 0},
};

static const char *const status_cycle[] = {
    "open", "", "new", "investigating", "contained", "resolved", "false_positive"};
#define NSTATUS_CYCLE 7
static const char *const sev_cycle[] = {"", "critical", "high", "medium", "low"};
static const char *const sev_choices[] = {"high", "critical", "medium", "low", NULL};

enum { FORM_NONE, FORM_STATUS, FORM_CREATE };
enum { FS_STATUS, FS_NOTE, FS_N };
enum { FC_USER, FC_TYPE, FC_SEV, FC_DESC, FC_TENANT, FC_N };

struct dline {
	enum ui_color c;
	char *text;
};

struct detail {
	int64_t id;
	struct dline *l;
	size_t n;
	char playbook[160]; /* "Name (slug) revision N" when one would be activated, else "" */
};

struct itdr_scr {
	struct screen_ctx *ctx;
	struct ui_table *table;
	struct itdr_queue *q;
	char prev_look[32];
	int status_f, sev_f;
	int counts_sev[4], counts_status[5];
	uint64_t load_job, detail_job, change_job, ingest_job, auto_job;
	int reload_after;
	/* the open alert */
	int detail_open;
	struct detail *d;
	int scroll;
	/* a form */
	int form_kind;
	struct ui_form *form;
	int64_t form_alert;
	const char *status_choices[4];
	struct ui_field_def fdefs[FC_N];
	int interval_min;
	char cells[NCOLS][160];
	const char *cellp[NCOLS];
};

static const char *me(struct itdr_scr *x)
{
	return x->ctx->store ? store_actor(x->ctx->store) : "";
}

/* ---- jobs ---- */

struct load_result {
	struct itdr_queue *q;
	char prev[32];
	int touched; /* prev is the look before this visit */
};

static void free_load_result(void *p)
{
	struct load_result *r = p;

	if (r)
		itdr_queue_free(r->q);
	free(r);
}

static int load_job(struct job *j, struct store *s, void *arg, struct tater_err *err)
{
	struct load_result *r = calloc(1, sizeof(*r));
	int touch = arg != NULL;

	if (!r)
		return tater_errf(err, TATER_ENOMEM, "out of memory");
	if (!s) {
		free(r);
		return tater_errf(err, TATER_EIO, "no store");
	}
	job_progress(j, 0, 0, "reading alerts");
	/* The previous look marks what is new; a read-only store cannot record this one. */
	if (touch && itdr_views_touch(s, r->prev, NULL) == 0)
		r->touched = 1;
	else if (touch)
		r->touched = itdr_views_get(s, r->prev, NULL) == 0;
	if (!(r->q = itdr_queue_new()) || itdr_queue_load(r->q, s, err) < 0) {
		free_load_result(r);
		return err->code ? err->code : tater_errf(err, TATER_ENOMEM, "out of memory");
	}
	job_set_result(j, r, free_load_result);
	return 0;
}

static void detail_free(struct detail *d)
{
	for (size_t i = 0; d && i < d->n; i++)
		free(d->l[i].text);
	if (d)
		free(d->l);
	free(d);
}

static void detail_free_void(void *p)
{
	detail_free(p);
}

static void add(struct detail *d, enum ui_color c, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void add(struct detail *d, enum ui_color c, const char *fmt, ...)
{
	va_list ap;
	char buf[1024];
	struct dline *nl = realloc(d->l, (d->n + 1) * sizeof(*nl));

	if (!nl)
		return;
	d->l = nl;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	d->l[d->n].c = c;
	if ((d->l[d->n].text = strdup(buf)))
		d->n++;
}

static void add_field(struct detail *d, const char *label, const char *v)
{
	if (v && *v)
		add(d, UI_NORMAL, "  %-13s %s", label, v);
}

static void add_playbook(struct detail *d, struct store *s, const char *type)
{
	struct ir_playbook p;
	struct ir_body b;
	char slug[64];

	if (ir_playbook_for_alert_type(s, type, slug, NULL) < 0 || !slug[0]) {
		add(d, UI_DIM, "Playbook: none linked to %s (Settings > Alert playbooks)", type);
		return;
	}
	if (ir_playbook_get(s, slug, &p, NULL) < 0)
		return;
	add(d, UI_TITLE, "Playbook: %s (%s)%s  p activates it", p.name, p.slug,
	    p.approved_revno ? "" : "  [no approved revision yet]");
	if (p.approved_revno)
		snprintf(d->playbook, sizeof(d->playbook), "%.100s, revision %d", p.name,
			 p.approved_revno);
	if (ir_revision_body(s, slug, p.approved_revno, &b, NULL) < 0)
		return;
	for (int ph = 0; ph < IR_PHASES; ph++) {
		add(d, UI_HEADER, "  %d. %s", ph + 1, ir_phase_name(ph));
		for (size_t i = 0; i < b.phase[ph].n; i++)
			add(d, UI_NORMAL, "     %d.%zu %s", ph + 1, i + 1,
			    b.phase[ph].steps[i].title);
	}
	ir_body_free(&b);
}

static int detail_job(struct job *j, struct store *s, void *arg, struct tater_err *err)
{
	int64_t id = *(int64_t *)arg;
	struct detail *d = calloc(1, sizeof(*d));
	struct itdr_alert a;
	struct itdr_note *notes = NULL;
	struct itdr_signin *si = NULL;
	size_t nn = 0, ns = 0;
	int ret;

	if (!d)
		return tater_errf(err, TATER_ENOMEM, "out of memory");
	d->id = id;
	job_progress(j, 0, 0, "reading the alert");
	if ((ret = itdr_alert_get(s, id, &a, err)) < 0 ||
	    (ret = itdr_alert_notes(s, id, &notes, &nn, err)) < 0 ||
	    (ret = itdr_alert_signins(s, id, &si, &ns, err)) < 0) {
		detail_free(d);
		itdr_alert_clear(&a);
		itdr_notes_free(notes, nn);
		return ret;
	}
	add(d, UI_TITLE, "Alert #%lld  %s  %s  (next: %s)", (long long)a.id, a.severity,
	    itdr_status_label(a.status), itdr_next_label(a.status));
	add_field(d, "Type", a.type);
	add_field(d, "User", a.user_upn);
	add_field(d, "User id", a.user_id);
	add_field(d, "Detected", a.detected_at);
	add_field(d, "IP", a.ip);
	add_field(d, "Location", a.location);
	add_field(d, "Risk", a.risk_level);
	add_field(d, "Risk state", a.risk_state);
	add_field(d, "Assignee", a.assignee[0] ? a.assignee : "(nobody)  m: take it");
	add_field(d, "Tenant", a.tenant[0] ? a.tenant : a.scope);
	add_field(d, "Source", a.source);
	add_field(d, "Detection id", a.detection_id);
	add_field(d, "Description", a.description);
	add_field(d, "Closing note", a.closing_note);
	add(d, UI_TITLE,
	    "Related sign-ins (%zu): same user within 24 h, or same request/correlation", ns);
	for (size_t i = 0; i < ns; i++)
		add(d, strncmp(si[i].result, "fail", 4) ? UI_NORMAL : UI_WARN,
		    "  %.10s %.5s  %-14s %-13.13s %-15s %-18s %-18s %s", si[i].at, si[i].at + 11,
		    si[i].reason, si[i].result, si[i].ip, si[i].location, si[i].device, si[i].app);
	add(d, UI_TITLE, "Notes (%zu)  n: add one", nn);
	for (size_t i = 0; i < nn; i++)
		add(d, UI_NORMAL, "  %.10s %.8s  %s: %s", notes[i].at, notes[i].at + 11,
		    notes[i].author, notes[i].body);
	if (a.incident_id) {
		struct ir_incident inc;
		struct ir_iphase ph[IR_PHASES];

		if (ir_incident_get(s, a.incident_id, &inc, NULL) == 0) {
			add(d, UI_TITLE, "Incident #%lld: %s, %d of %d steps finished%s",
			    (long long)inc.id, inc.status, inc.steps_finished, inc.steps_total,
			    inc.steps_blocked ? " (some blocked)" : "");
			if (ir_incident_phases(s, a.incident_id, ph, NULL) == 0) {
				for (int p = 0; p < IR_PHASES; p++)
					add(d, ph[p].completed_at[0] ? UI_OK : UI_NORMAL,
					    "  %-22s %d/%d%s", ir_phase_name(p),
					    ph[p].done + ph[p].skipped, ph[p].total,
					    ph[p].completed_at[0] ? " done" : "");
				ir_iphases_clear(ph);
			}
			ir_incident_clear(&inc);
		}
	} else {
		add_playbook(d, s, a.type);
	}
	itdr_alert_clear(&a);
	itdr_notes_free(notes, nn);
	free(si);
	job_set_result(j, d, detail_free_void);
	return 0;
}

enum change_kind { CH_STATUS, CH_ASSIGN, CH_NOTE, CH_CREATE, CH_ACTIVATE };

struct change {
	enum change_kind kind;
	int64_t id;
	char a[256], b[256], c[128];
	char *text;
};

static void change_free(void *p)
{
	struct change *c = p;

	if (c)
		free(c->text);
	free(c);
}

static int change_job(struct job *j, struct store *s, void *arg, struct tater_err *err)
{
	struct change *c = arg;
	int64_t id = 0;
	char *msg = malloc(256);
	int ret = 0;

	if (!msg)
		return tater_errf(err, TATER_ENOMEM, "out of memory");
	job_progress(j, 0, 0, "saving");
	switch (c->kind) {
	case CH_STATUS:
		ret = itdr_alert_set_status(s, c->id, c->a, c->text, err);
		snprintf(msg, 256, "Alert #%lld is now %s", (long long)c->id,
			 itdr_status_label(c->a));
		break;
	case CH_ASSIGN:
		ret = itdr_alert_assign(s, c->id, c->a, err);
		snprintf(msg, 256, "Alert #%lld assigned to %s", (long long)c->id,
			 c->a[0] ? (strcmp(c->a, "me") ? c->a : store_actor(s)) : "nobody");
		break;
	case CH_NOTE:
		ret = itdr_alert_note(s, c->id, c->text, err);
		snprintf(msg, 256, "Note added to alert #%lld", (long long)c->id);
		break;
	case CH_CREATE: {
		struct itdr_manual m = {
		    .user = c->a, .type = c->b, .severity = c->c, .description = c->text};
		struct tenant t;
		char scope[32];

		if (c->id > 0 && tenant_get_id(s, c->id, &t, NULL) == 0) {
			tenant_scope(t.id, scope, sizeof(scope));
			m.scope = scope;
		}
		ret = itdr_alert_create(s, &m, &id, err);
		snprintf(msg, 256, "Alert #%lld created", (long long)id);
		break;
	}
	case CH_ACTIVATE:
		ret = itdr_alert_activate(s, c->id, &id, err);
		snprintf(msg, 256, "Incident #%lld opened from alert #%lld (Incidents, 5)",
			 (long long)id, (long long)c->id);
		break;
	}
	if (ret < 0) {
		free(msg);
		return ret;
	}
	job_set_result(j, msg, free);
	return 0;
}

/* Ingest every tenant; every > 0: again every that many minutes until cancelled. */
struct ingest_arg {
	char key_file[1024];
	char *pass; /* sodium_malloc'd, or NULL */
	size_t pass_len;
	int every_min;
};

static void ingest_arg_free(void *p)
{
	struct ingest_arg *a = p;

	if (!a)
		return;
	if (a->pass)
		sodium_free(a->pass);
	free(a);
}

static int ingest_once(struct job *j, struct store *s, struct ingest_arg *a, char *msg, size_t n,
		       struct tater_err *err)
{
	struct vault *v = NULL;
	struct tenant *ts = NULL;
	size_t nt = 0;
	long alerts = 0, dets = 0;
	int ret, failed = 0;

	if (a->pass)
		ret = vault_unlock(s, a->pass, a->pass_len, &v, err);
	else {
		struct vault_source src = {a->key_file, NULL};

		ret = vault_unlock_from(s, &src, 0, &v, err);
	}
	if (ret < 0)
		return ret;
	if ((ret = tenant_list(s, &ts, &nt, err)) < 0)
		goto out;
	if (nt == 0) {
		ret = tater_errf(err, TATER_ENOTFOUND, "no tenants: add one in Settings > Tenants");
		goto out;
	}
	for (size_t i = 0; i < nt && !job_cancelled(j); i++) {
		struct itdr_ingest_opts o = {0};
		struct itdr_ingest_summary sum;
		struct tater_err e = {0};

		job_progress(j, (int64_t)i, (int64_t)nt, ts[i].name);
		if (itdr_ingest(s, v, &ts[i], &o, &sum, &e) < 0) {
			failed++;
			*err = e;
		}
		alerts += sum.alerts_new;
		dets += sum.detections;
	}
	snprintf(msg, n, "Ingested %ld detections from %zu tenant%s: %ld new alerts%s", dets, nt,
		 nt == 1 ? "" : "s", alerts, failed ? " (some failed: see Activity)" : "");
	ret = failed == (int)nt ? err->code : 0;
out:
	free(ts);
	vault_close(v);
	return ret;
}

static int ingest_job(struct job *j, struct store *s, void *arg, struct tater_err *err)
{
	struct ingest_arg *a = arg;
	char *msg = malloc(256);
	int ret;

	if (!msg)
		return tater_errf(err, TATER_ENOMEM, "out of memory");
	if (!s) {
		free(msg);
		return tater_errf(err, TATER_EIO, "no store");
	}
	for (;;) {
		ret = ingest_once(j, s, a, msg, 256, err);
		if (a->every_min <= 0 || job_cancelled(j))
			break;
		{
			/* Wait, checking for cancel; the phase changes once per round, so an
			 * idle console still draws nothing meanwhile. */
			time_t next = time(NULL) + (time_t)a->every_min * 60;
			char phase[64];
			struct tm tm;

			localtime_r(&next, &tm);
			strftime(phase, sizeof(phase), "next at %H:%M", &tm);
			job_progress(j, 0, 0, phase);
			while (time(NULL) < next && !job_cancelled(j))
				usleep(200000);
		}
		if (job_cancelled(j))
			break;
	}
	if (ret < 0) {
		free(msg);
		return ret;
	}
	job_set_result(j, msg, free);
	return 0;
}

/* ---- the queue as a table source ---- */

static size_t src_count(void *ctx)
{
	return itdr_queue_count(((struct itdr_scr *)ctx)->q);
}

static const char *const *src_row(void *ctx, size_t i)
{
	struct itdr_scr *x = ctx;
	const struct itdr_alert *a = itdr_queue_get(x->q, i);
	int64_t t;

	if (!a)
		return NULL;
	snprintf(x->cells[C_MARK], sizeof(x->cells[0]), "%s",
		 x->prev_look[0] && strcmp(a->created_at, x->prev_look) > 0 ? "*" : "");
	if (!x->prev_look[0])
		snprintf(x->cells[C_MARK], sizeof(x->cells[0]), "*");
	snprintf(x->cells[C_ID], sizeof(x->cells[0]), "%lld", (long long)a->id);
	snprintf(x->cells[C_SEV], sizeof(x->cells[0]), "%s", a->severity);
	snprintf(x->cells[C_STATUS], sizeof(x->cells[0]), "%s", itdr_status_label(a->status));
	snprintf(x->cells[C_TYPE], sizeof(x->cells[0]), "%s%s", a->type,
		 a->incident_id ? " [incident]" : "");
	snprintf(x->cells[C_USER], sizeof(x->cells[0]), "%s", a->user_upn);
	snprintf(x->cells[C_ASSIGNEE], sizeof(x->cells[0]), "%s", a->assignee);
	t = itdr_time_parse(a->detected_at[0] ? a->detected_at : a->created_at);
	itdr_age(t < 0 ? -1 : (int64_t)time(NULL) - t, x->cells[C_AGE], sizeof(x->cells[0]));
	snprintf(x->cells[C_TENANT], sizeof(x->cells[0]), "%s",
		 a->tenant[0] ? a->tenant : a->scope);
	for (int c = 0; c < NCOLS; c++)
		x->cellp[c] = x->cells[c];
	return x->cellp;
}

static void src_query(void *ctx, const char *filter, int sort_col, int sort_desc)
{
	struct itdr_scr *x = ctx;

	itdr_queue_query(x->q, filter, status_cycle[x->status_f], sev_cycle[x->sev_f],
			 sort_col >= 1 ? sort_col - 1 : -1, sort_desc, me(x), (int64_t)time(NULL));
}

static void set_source(struct itdr_scr *x)
{
	struct ui_table_source src = {x, src_count, src_row, src_query};

	ui_table_set_source(x->table, &src);
}

static void count_queue(struct itdr_scr *x)
{
	memset(x->counts_sev, 0, sizeof(x->counts_sev));
	memset(x->counts_status, 0, sizeof(x->counts_status));
	itdr_queue_query(x->q, "", NULL, NULL, -1, 0, me(x), 0);
	for (size_t i = 0; i < itdr_queue_count(x->q); i++) {
		const struct itdr_alert *a = itdr_queue_get(x->q, i);
		int sev = itdr_severity_rank(a->severity);

		for (int s = 0; s < 5; s++)
			if (!strcmp(a->status, itdr_statuses[s]))
				x->counts_status[s]++;
		if (sev >= 0 && !itdr_status_closed(a->status))
			x->counts_sev[sev]++;
	}
}

/* ---- actions ---- */

static const struct itdr_alert *selected(struct itdr_scr *x)
{
	size_t i = ui_table_selected(x->table);

	return x->q && i != (size_t)-1 ? itdr_queue_get(x->q, i) : NULL;
}

static int64_t current_id(struct itdr_scr *x)
{
	const struct itdr_alert *a;

	if (x->detail_open && x->d)
		return x->d->id;
	a = selected(x);
	return a ? a->id : 0;
}

static void reload(struct itdr_scr *x, int touch)
{
	struct tater_err err = {0};

	if (x->load_job) {
		x->reload_after = 1;
		return;
	}
	if (worker_submit(x->ctx->worker, "load ITDR alerts", load_job, touch ? (void *)1 : NULL,
			  NULL, &x->load_job, &err) < 0)
		ui_error(x->ctx->ui, "%s", err.msg);
}

static void open_detail(struct itdr_scr *x, int64_t id)
{
	struct tater_err err = {0};
	int64_t *arg;

	if (!id || x->detail_job || !(arg = malloc(sizeof(*arg))))
		return;
	*arg = id;
	x->detail_open = 1;
	if (worker_submit(x->ctx->worker, "load ITDR alert", detail_job, arg, free, &x->detail_job,
			  &err) < 0)
		ui_error(x->ctx->ui, "%s", err.msg);
}

static void submit_change(struct itdr_scr *x, struct change *c)
{
	struct tater_err err = {0};

	if (worker_submit(x->ctx->worker, "change ITDR alert", change_job, c, change_free,
			  &x->change_job, &err) < 0)
		ui_error(x->ctx->ui, "%s", err.msg);
}

static struct change *new_change(enum change_kind k, int64_t id)
{
	struct change *c = calloc(1, sizeof(*c));

	if (c) {
		c->kind = k;
		c->id = id;
	}
	return c;
}

static void assign_done(void *ctx, int result, const char *input)
{
	struct itdr_scr *x = ctx;
	struct change *c;

	if (result != UI_MODAL_OK || !(c = new_change(CH_ASSIGN, current_id(x))))
		return;
	snprintf(c->a, sizeof(c->a), "%s", input ? input : "");
	submit_change(x, c);
}

static void note_done(void *ctx, int result, const char *input)
{
	struct itdr_scr *x = ctx;
	struct change *c;

	if (result != UI_MODAL_OK || !input || !*input || !(c = new_change(CH_NOTE, current_id(x))))
		return;
	c->text = strdup(input);
	submit_change(x, c);
}

static void activate_done(void *ctx, int result, const char *input)
{
	struct itdr_scr *x = ctx;
	struct change *c;

	(void)input;
	if (result == UI_MODAL_OK && (c = new_change(CH_ACTIVATE, current_id(x))))
		submit_change(x, c);
}

static const char *key_file_of(struct itdr_scr *x)
{
	const char *kf = x->ctx->opts ? x->ctx->opts->key_file : NULL;

	if (!kf || !kf[0])
		kf = getenv("TATER_KEY_FILE");
	return kf && kf[0] ? kf : NULL;
}

static void start_ingest(struct itdr_scr *x, struct ingest_arg *a)
{
	struct tater_err err = {0};
	uint64_t *slot = a->every_min > 0 ? &x->auto_job : &x->ingest_job;

	if (worker_submit(x->ctx->worker,
			  a->every_min > 0 ? "ingest ITDR alerts (scheduled)"
					   : "ingest ITDR alerts",
			  ingest_job, a, ingest_arg_free, slot, &err) < 0)
		ui_error(x->ctx->ui, "%s", err.msg);
	else if (a->every_min > 0)
		ui_message(x->ctx->ui, "Ingesting alerts now and every %d minutes (C-x stops)",
			   a->every_min);
	else
		ui_message(x->ctx->ui, "Ingesting alerts from every tenant...");
}

struct pass_wait {
	struct itdr_scr *x;
	int every;
};

static void pass_done(void *ctx, int result, const char *input)
{
	struct pass_wait *pw = ctx;
	struct ingest_arg *a;
	size_t len = input ? strlen(input) : 0;

	if (result == UI_MODAL_OK && len && (a = calloc(1, sizeof(*a)))) {
		a->every_min = pw->every;
		if (!(a->pass = sodium_malloc(len + 1))) {
			free(a);
		} else {
			memcpy(a->pass, input, len + 1);
			a->pass_len = len;
			start_ingest(pw->x, a);
		}
	}
	free(pw);
}

static void ingest(struct itdr_scr *x, int every)
{
	struct ingest_arg *a;
	struct pass_wait *pw;

	if (!ui_may_change(x->ctx->ui, "ingesting alerts"))
		return;
	if ((every == 0 && x->ingest_job) || (every > 0 && x->auto_job)) {
		ui_message(x->ctx->ui, "An ingest is running already");
		return;
	}
	if (key_file_of(x)) {
		if (!(a = calloc(1, sizeof(*a))))
			return;
		snprintf(a->key_file, sizeof(a->key_file), "%s", key_file_of(x));
		a->every_min = every;
		start_ingest(x, a);
		return;
	}
	if (!(pw = calloc(1, sizeof(*pw))))
		return;
	pw->x = x;
	pw->every = every;
	if (ui_prompt(x->ctx->ui, "Vault passphrase",
		      "Ingesting signs in to each tenant with its sealed secret. Type the vault "
		      "passphrase.",
		      1, pass_done, pw) < 0)
		free(pw);
}

static void interval_done(void *ctx, int result, const char *input)
{
	struct itdr_scr *x = ctx;
	int n;

	if (result != UI_MODAL_OK || !input)
		return;
	n = atoi(input);
	if (n < 0 || n > 1440) {
		ui_error(x->ctx->ui, "Minutes: 0 (stop) to 1440");
		return;
	}
	if (x->auto_job) {
		worker_cancel(x->ctx->worker, x->auto_job);
		x->interval_min = 0;
		if (n == 0) {
			ui_message(x->ctx->ui, "Scheduled ingest stopped");
			return;
		}
	}
	if (n > 0) {
		x->interval_min = n;
		ingest(x, n);
	}
}

static void open_status_form(struct itdr_scr *x, const struct itdr_alert *a)
{
	int k = 0;

	for (int i = 0; i < 5; i++)
		if (itdr_transition_ok(a->status, itdr_statuses[i]))
			x->status_choices[k++] = itdr_statuses[i];
	x->status_choices[k] = NULL;
	if (k == 0) {
		ui_message(x->ctx->ui, "Alert #%lld is %s: closed alerts stay closed",
			   (long long)a->id, itdr_status_label(a->status));
		return;
	}
	memset(x->fdefs, 0, sizeof(x->fdefs));
	x->fdefs[FS_STATUS] = (struct ui_field_def){
	    "Move to", UI_FIELD_CHOICE, 0, NULL, x->status_choices, NULL, 0, 0, 0};
	x->fdefs[FS_NOTE] =
	    (struct ui_field_def){"Note", UI_FIELD_NOTES,
				  0,	  NULL,
				  NULL,	  "required for resolved and false_positive",
				  4000,	  0,
				  0};
	ui_form_free(x->form);
	x->form = ui_form_new("Change the alert's status", x->fdefs, FS_N);
	x->form_kind = x->form ? FORM_STATUS : FORM_NONE;
	if (x->form) {
		ui_form_set(x->form, FS_STATUS, x->status_choices[0]);
		ui_form_clean(x->form);
	}
	x->form_alert = a->id;
}

static void open_create_form(struct itdr_scr *x)
{
	memset(x->fdefs, 0, sizeof(x->fdefs));
	x->fdefs[FC_USER] = (struct ui_field_def){
	    "User (UPN)", UI_FIELD_TEXT, 1, NULL, NULL, "someone@contoso.com", 255, 0, 0};
	x->fdefs[FC_TYPE] =
	    (struct ui_field_def){"Type", UI_FIELD_TEXT,
				  1,	  NULL,
				  NULL,	  "leakedCredentials, suspiciousInboxForwarding",
				  95,	  0,
				  0};
	x->fdefs[FC_SEV] =
	    (struct ui_field_def){"Severity", UI_FIELD_CHOICE, 0, NULL, sev_choices, NULL, 0, 0, 0};
	x->fdefs[FC_DESC] = (struct ui_field_def){
	    "Description", UI_FIELD_NOTES, 1, NULL, NULL, "what was seen, by whom", 4000, 0, 0};
	x->fdefs[FC_TENANT] = (struct ui_field_def){"Tenant",	       UI_FIELD_TEXT, 0, NULL, NULL,
						    "name (optional)", 128,	      0, 0};
	ui_form_free(x->form);
	x->form = ui_form_new("New manual alert", x->fdefs, FC_N);
	x->form_kind = x->form ? FORM_CREATE : FORM_NONE;
	if (x->form) {
		ui_form_set(x->form, FC_SEV, sev_choices[0]);
		ui_form_clean(x->form);
	}
}

static void close_form(struct itdr_scr *x)
{
	ui_form_free(x->form);
	x->form = NULL;
	x->form_kind = FORM_NONE;
}

static void save_form(struct itdr_scr *x)
{
	struct change *c;

	if (x->form_kind == FORM_STATUS) {
		const char *to = ui_form_get(x->form, FS_STATUS),
			   *note = ui_form_get(x->form, FS_NOTE);

		if (itdr_status_closed(to) && (!note || !*note)) {
			ui_form_set_error(x->form, FS_NOTE, "a closing note is required");
			ui_form_set_focus(x->form, FS_NOTE);
			return;
		}
		if (!(c = new_change(CH_STATUS, x->form_alert)))
			return;
		snprintf(c->a, sizeof(c->a), "%s", to);
		c->text = note && *note ? strdup(note) : NULL;
	} else {
		const char *tn = ui_form_get(x->form, FC_TENANT);
		struct tenant t;

		if (!(c = new_change(CH_CREATE, 0)))
			return;
		if (tn && *tn) {
			if (tenant_get(x->ctx->store, tn, &t, NULL) < 0) {
				ui_form_set_error(x->form, FC_TENANT, "no such tenant");
				change_free(c);
				return;
			}
			c->id = t.id;
		}
		snprintf(c->a, sizeof(c->a), "%s", ui_form_get(x->form, FC_USER));
		snprintf(c->b, sizeof(c->b), "%s", ui_form_get(x->form, FC_TYPE));
		snprintf(c->c, sizeof(c->c), "%s", ui_form_get(x->form, FC_SEV));
		c->text = strdup(ui_form_get(x->form, FC_DESC));
	}
	submit_change(x, c);
	close_form(x);
}

/* ---- screen ops ---- */

static void *create(struct screen_ctx *ctx)
{
	struct itdr_scr *x = calloc(1, sizeof(*x));

	if (!x)
		return NULL;
	x->ctx = ctx;
	if (!(x->table = ui_table_new(columns, NCOLS))) {
		free(x);
		return NULL;
	}
	ui_table_set_empty_text(x->table, "Loading the alert queue...");
	return x;
}

static void destroy(void *self)
{
	struct itdr_scr *x = self;

	if (!x)
		return;
	ui_table_free(x->table);
	itdr_queue_free(x->q);
	detail_free(x->d);
	ui_form_free(x->form);
	free(x);
}

static void enter(void *self)
{
	reload(self, 1);
}

static void draw_detail(struct itdr_scr *x, struct ui_rect r)
{
	ui_clear_rect(r, UI_NORMAL);
	if (!x->d) {
		ui_text(r.y, r.x + 1, r.w - 2, UI_DIM, "Loading the alert...");
		return;
	}
	if (x->scroll > (int)x->d->n - 1)
		x->scroll = x->d->n ? (int)x->d->n - 1 : 0;
	ui_fill(r.y, r.x, r.w, UI_HEADER);
	ui_text(r.y, r.x + 1, r.w - 2, UI_HEADER,
		"e status  o assign  m take it  n note  p activate playbook  j/k scroll  q close");
	for (int i = 0; i < r.h - 1 && (size_t)(x->scroll + i) < x->d->n; i++) {
		const struct dline *l = &x->d->l[x->scroll + i];

		ui_text(r.y + 1 + i, r.x + 1, r.w - 2, l->c, l->text);
	}
}

static void draw(void *self, struct ui_rect r)
{
	struct itdr_scr *x = self;
	char right[96], line[256];
	struct ui_rect body;
	size_t total = itdr_queue_total(x->q);

	if (x->interval_min > 0 && x->auto_job)
		snprintf(right, sizeof(right), "%zu alerts; ingest every %d min", total,
			 x->interval_min);
	else
		snprintf(right, sizeof(right), x->q ? "%zu alerts; S ingest now" : "loading",
			 total);
	body = screen_header(r, "ITDR: identity threats from Entra ID Identity Protection", right);
	if (x->form) {
		ui_form_draw(x->form, body);
		return;
	}
	/* The counts, and under them the filters: in full when they fit, shorter when not (an
	 * 80-column jump host), so that neither a count nor the last-look time is cut off. */
	{
		static const char *const fmts[] = {
		    "Open: Critical %d  High %d  Medium %d  Low %d   New %d  Investigating %d  "
		    "Contained %d  Resolved %d  False Positive %d",
		    "Open: Crit %d High %d Med %d Low %d | New %d Invest %d Contain %d "
		    "Resolved %d FalsePos %d",
		    "Open: Crit %d High %d Med %d Low %d | New %d Inv %d Cont %d Res %d FP %d"};

		for (size_t f = 0; f < sizeof(fmts) / sizeof(fmts[0]); f++) {
			snprintf(line, sizeof(line), fmts[f], x->counts_sev[3], x->counts_sev[2],
				 x->counts_sev[1], x->counts_sev[0], x->counts_status[0],
				 x->counts_status[1], x->counts_status[2], x->counts_status[3],
				 x->counts_status[4]);
			if (text_width(line) <= body.w - 2)
				break;
		}
	}
	ui_fill(body.y, body.x, body.w, UI_NORMAL);
	ui_text(body.y, body.x + 1, body.w - 2, x->counts_sev[3] ? UI_WARN : UI_NORMAL, line);
	{
		const char *st = status_cycle[x->status_f];
		const char *stl = !st[0] ? "all" : !strcmp(st, "open") ? "open" : itdr_status_label(st);
		const char *sev = sev_cycle[x->sev_f][0] ? sev_cycle[x->sev_f] : "all";
		char look[40] = "";

		if (x->prev_look[0])
			snprintf(look, sizeof(look), " (%.16s)", x->prev_look);
		snprintf(line, sizeof(line),
			 "Status: %s (f)  Severity: %s (v)  / filter: sev:high user: type: "
			 "assignee:me age:<24h   * new since your last look%s",
			 stl, sev, look);
		if (text_width(line) > body.w - 2)
			snprintf(line, sizeof(line),
				 "Status: %s (f)  Severity: %s (v)  * new since last look%s", stl,
				 sev, look);
	}
	ui_fill(body.y + 1, body.x, body.w, UI_NORMAL);
	ui_text(body.y + 1, body.x + 1, body.w - 2, UI_DIM, line);
	body.y += 2;
	body.h -= 2;
	if (x->detail_open && body.h > 16) {
		struct ui_rect t = body, d = body;

		t.h = body.h / 3;
		d.y = body.y + t.h;
		d.h = body.h - t.h;
		ui_table_draw(x->table, t, 0);
		draw_detail(x, d);
	} else if (x->detail_open) {
		draw_detail(x, body);
	} else {
		ui_table_draw(x->table, body, 1);
	}
}

static int key(void *self, const struct ui_event *ev)
{
	struct itdr_scr *x = self;
	const struct itdr_alert *a;
	int64_t id;

	if (x->form) {
		enum ui_form_result r = ui_form_key(x->form, ev);

		if (r == UI_FORM_SAVE)
			save_form(x);
		else if (r == UI_FORM_CANCEL)
			close_form(x);
		return r == UI_FORM_IGNORED ? UI_IGNORED : UI_HANDLED;
	}
	if (!x->detail_open && ui_table_filtering(x->table))
		return ui_table_key(x->table, ev);
	id = current_id(x);
	switch (ev->act) {
	case UI_ACT_OPEN:
		if (x->detail_open) {
			x->detail_open = 0;
			return UI_HANDLED;
		}
		detail_free(x->d);
		x->d = NULL;
		x->scroll = 0;
		open_detail(x, id);
		return UI_HANDLED;
	case UI_ACT_BACK:
		if (x->detail_open) {
			x->detail_open = 0;
			return UI_HANDLED;
		}
		break;
	case UI_ACT_UP:
	case UI_ACT_DOWN:
	case UI_ACT_PAGE_UP:
	case UI_ACT_PAGE_DOWN:
		if (x->detail_open) {
			int step =
			    ev->act == UI_ACT_PAGE_UP || ev->act == UI_ACT_PAGE_DOWN ? 10 : 1;

			x->scroll +=
			    ev->act == UI_ACT_UP || ev->act == UI_ACT_PAGE_UP ? -step : step;
			if (x->scroll < 0)
				x->scroll = 0;
			return UI_HANDLED;
		}
		break;
	case UI_ACT_REFRESH:
		reload(x, 0);
		if (x->detail_open)
			open_detail(x, id);
		return UI_HANDLED;
	case UI_ACT_FILTER_STATUS:
		x->status_f = (x->status_f + 1) % NSTATUS_CYCLE;
		ui_table_refresh(x->table);
		return UI_HANDLED;
	case UI_ACT_FILTER_SEVERITY:
		x->sev_f = (x->sev_f + 1) % 5;
		ui_table_refresh(x->table);
		return UI_HANDLED;
	case UI_ACT_SCAN:
		ingest(x, 0);
		return UI_HANDLED;
	case UI_ACT_AUTO_INGEST:
		if (ui_may_change(x->ctx->ui, "scheduling ingests"))
			ui_prompt(x->ctx->ui, "Ingest alerts every N minutes",
				  "Minutes between ingests while the console runs (0 stops):", 0,
				  interval_done, x);
		return UI_HANDLED;
	case UI_ACT_ADD:
		if (ui_may_change(x->ctx->ui, "creating an alert"))
			open_create_form(x);
		return UI_HANDLED;
	default:
		break;
	}
	a = selected(x);
	switch (ev->act) {
	case UI_ACT_EDIT:
		if (!id || !a || !ui_may_change(x->ctx->ui, "changing an alert's status"))
			return UI_HANDLED;
		if (x->detail_open && x->d && a->id != x->d->id)
			return UI_HANDLED;
		open_status_form(x, a);
		return UI_HANDLED;
	case UI_ACT_ASSIGN:
		if (id && ui_may_change(x->ctx->ui, "assigning an alert"))
			ui_prompt(x->ctx->ui, "Assign the alert",
				  "Assign to (a user name; empty unassigns):", 0, assign_done, x);
		return UI_HANDLED;
	case UI_ACT_ASSIGN_ME:
		if (id && ui_may_change(x->ctx->ui, "assigning an alert")) {
			struct change *c = new_change(CH_ASSIGN, id);

			if (c) {
				snprintf(c->a, sizeof(c->a), "me");
				submit_change(x, c);
			}
		}
		return UI_HANDLED;
	case UI_ACT_NOTE:
		if (id && ui_may_change(x->ctx->ui, "adding a note"))
			ui_prompt(x->ctx->ui, "Add a note",
				  "The note joins the alert's timeline, stamped with your name and "
				  "the time; notes are never edited:",
				  0, note_done, x);
		return UI_HANDLED;
	case UI_ACT_ACTIVATE:
		if (id && ui_may_change(x->ctx->ui, "activating a playbook")) {
			char text[300];

			/* Name what would start, when the open alert's detail says. */
			if (x->detail_open && x->d && x->d->id == id && x->d->playbook[0])
				snprintf(text, sizeof(text),
					 "Open an incident for alert #%lld from the playbook %s "
					 "(linked to its type)?",
					 (long long)id, x->d->playbook);
			else
				snprintf(text, sizeof(text),
					 "Open an incident for alert #%lld from the playbook linked "
					 "to its type?",
					 (long long)id);
			ui_confirm(x->ctx->ui, "Activate playbook?", text, "Activate",
				   activate_done, x);
		}
		return UI_HANDLED;
	default:
		break;
	}
	if (x->detail_open)
		return UI_IGNORED;
	return ui_table_key(x->table, ev);
}

static int event(void *self, struct worker_event *ev)
{
	struct itdr_scr *x = self;

	if (x->load_job && ev->job_id == x->load_job) {
		struct load_result *r = worker_event_take(ev);

		x->load_job = 0;
		if (r) {
			itdr_queue_free(x->q);
			x->q = r->q;
			if (r->touched)
				snprintf(x->prev_look, sizeof(x->prev_look), "%s", r->prev);
			r->q = NULL;
			free_load_result(r);
			count_queue(x);
			set_source(x);
			ui_table_set_empty_text(
			    x->table,
			    "No alerts here. S ingests from every tenant (also done by each "
			    "scan); a adds a manual alert; f and v change the filters.");
		}
		if (x->reload_after) {
			x->reload_after = 0;
			reload(x, 0);
		}
		return 1;
	}
	if (x->detail_job && ev->job_id == x->detail_job) {
		struct detail *d = worker_event_take(ev);

		x->detail_job = 0;
		if (d) {
			detail_free(x->d);
			x->d = d;
		}
		return 1;
	}
	if (x->change_job && ev->job_id == x->change_job) {
		char *msg = worker_event_take(ev);

		x->change_job = 0;
		if (msg)
			ui_message(x->ctx->ui, "%s", msg);
		free(msg);
		reload(x, 0);
		if (x->detail_open && x->d)
			open_detail(x, x->d->id);
		return 1;
	}
	if ((x->ingest_job && ev->job_id == x->ingest_job) ||
	    (x->auto_job && ev->job_id == x->auto_job)) {
		char *msg = worker_event_take(ev);

		if (ev->job_id == x->auto_job) {
			x->auto_job = 0;
			x->interval_min = 0;
		} else {
			x->ingest_job = 0;
		}
		if (msg)
			ui_message(x->ctx->ui, "%s", msg);
		free(msg);
		reload(x, 0);
		return 1;
	}
	/* Another screen's scan may have ingested alerts: look again next time. */
	return 0;
}

static int dirty(void *self)
{
	struct itdr_scr *x = self;

	return x->form && ui_form_dirty(x->form);
}

const struct screen_def screen_itdr = {
    .name = "itdr",
    .title = "ITDR",
    .create = create,
    .destroy = destroy,
    .enter = enter,
    .draw = draw,
    .key = key,
    .event = event,
    .dirty = dirty,
};
