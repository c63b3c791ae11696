/* itdr.h - identity threat detection and response: alerts from Entra ID Identity Protection.
 *
 * Ingestion.  itdr_ingest() reads three Graph streams of a tenant since their watermarks
 * (table watermarks, scope "tenant:<id>", streams itdr.riskDetections, itdr.riskyUsers,
 * itdr.signIns; a first run reads the last ITDR_FIRST_DAYS days, or the tenant setting
 * "itdr.first_days"): riskDetections become alerts (one per detection id, upserted),
 * riskyUsers refresh objects/graph.riskyUsers, sign-ins accumulate in objects/graph.signIns.
 * Pages are staged in temporary tables as they arrive (nothing held whole in memory; the
 * store is not locked while the network runs) and go in with one short transaction.  A stream
 * that failed keeps its watermark, so nothing is skipped; what it did read is kept (upserts
 * are idempotent).  Re-ingesting never duplicates an alert and never touches its status,
 * assignee, closing note, notes or incident.
 *
 * Sign-ins are keyed "<userId>/<createdDateTime, 20 chars>/<id>" in objects, so the primary key
 * is also a (user, time) index: the related sign-ins of an alert (same user within +-24 h of
 * the detection's activity, or the same request id = sign-in id, or the same correlation id)
 * are a range scan.  Links land in alert_signins with the reason.
 *
 * Severity: catalog/itdr-severity.json (embedded at build time), documented in doc/itdr.md.
 *
 * Workflow: new -> investigating -> contained -> resolved, and investigating or contained ->
 * false_positive; nothing else.  resolved and false_positive need a closing note.  Every
 * change, assignment and note is appended to the activity log in the same transaction.
 * Changes need the responder role (roles.h).
 *
 * Strings returned come from the cloud and from people: sanitise them before drawing. */
#ifndef TATER_ITDR_H
#define TATER_ITDR_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tater/collect.h"
#include "tater/err.h"

struct store;
struct vault;
struct tenant;
struct http_client;
struct http_auth;
struct endpoints;
struct rate_registry;

#define ITDR_FIRST_DAYS 30	  /* first-run window if itdr.first_days holds no valid number */
#define ITDR_WINDOW_S (24 * 3600) /* related sign-ins: same user within this of the detection */
#define ITDR_SIGNIN_KEEP_DAYS 30  /* sign-ins kept (linked ones are kept for good) */

/* ---- severity ---------------------------------------------------------------------------- */

struct itdr_sevmap;

/* Parse a severity mapping (format "tater-itdr-severity/1", see doc/itdr.md).  json NULL: the
 * built-in catalog/itdr-severity.json.  TATER_EFORMAT names the problem. */
int itdr_sevmap_load(const char *json, size_t len, struct itdr_sevmap **out, struct tater_err *err);
void itdr_sevmap_free(struct itdr_sevmap *m);
/* The built-in mapping's text. */
const char *itdr_sevmap_builtin(void);
/* "critical", "high", "medium" or "low" for a detection; never NULL.  Any argument may be
 * NULL.  Rules are tried in order (first match wins), then the default by risk level. */
const char *itdr_severity_of(const struct itdr_sevmap *m, const char *risk_event_type,
			     const char *risk_level, const char *risk_state);
/* 3 critical .. 0 low; -1 unknown. */
int itdr_severity_rank(const char *sev);
/* Accepts critical/high/medium/low (any case, "crit", "med"); 0 or TATER_EINVAL. */
int itdr_severity_parse(const char *s, const char **out, struct tater_err *err);

/* ---- workflow ---------------------------------------------------------------------------- */

/* Stored names: new, investigating, contained, resolved, false_positive.  Parse accepts those,
 * "false positive", "false-positive", "fp", any case.  0 or TATER_EINVAL naming them. */
int itdr_status_parse(const char *s, const char **out, struct tater_err *err);
const char *itdr_status_label(const char *status); /* "False Positive" */
/* May an alert move from one status to the other? */
int itdr_transition_ok(const char *from, const char *to);
/* The statuses reachable from `from`, as "Investigating" or "Contained or False Positive"
 * ("none: it is closed" for the closed ones). */
const char *itdr_next_label(const char *from);
int itdr_status_closed(const char *status);

struct itdr_alert {
	int64_t id;
	char scope[48];
	char tenant[128]; /* tenant name ("" for manual alerts without a tenant) */
	char detection_id[128];
	char source[48];
	char type[96]; /* detection type (riskEventType) */
	char severity[12];
	char status[16];
	char assignee[64];
	char user_upn[256];
	char user_id[64];
	char ip[64];
	char location[160];
	char risk_level[16];
	char risk_state[32];
	char request_id[64];
	char correlation_id[64];
	char detected_at[32];
	char created_at[32];
	char updated_at[32];
	int manual;
	int64_t incident_id; /* 0: none */
	char *description;   /* may be NULL */
	char *closing_note;  /* may be NULL */
	char *raw;	     /* the detection as received; NULL for manual ones */
};
void itdr_alert_clear(struct itdr_alert *a);
void itdr_alerts_free(struct itdr_alert *v, size_t n);

struct itdr_list_filter {
	const char *status;   /* NULL: any; else a stored name */
	const char *severity; /* NULL: any */
	const char *scope;    /* NULL: any */
	int open_only;	      /* new, investigating, contained */
};
/* Alerts by severity (critical first), then newest detection first.  itdr_alerts_free(). */
int itdr_alerts_list(struct store *s, const struct itdr_list_filter *f, struct itdr_alert **out,
		     size_t *n, struct tater_err *err);
/* The same order, one alert at a time: fn owns the alert's strings from then on (and frees
 * them itself when it fails, returning < 0: the walk then stops with TATER_ENOMEM). */
typedef int (*itdr_alert_fn)(void *ctx, struct itdr_alert *a);
int itdr_alerts_each(struct store *s, const struct itdr_list_filter *f, itdr_alert_fn fn,
		     void *ctx, struct tater_err *err);
int itdr_alert_get(struct store *s, int64_t id, struct itdr_alert *out, struct tater_err *err);

/* Move along the workflow; note is required for resolved and false_positive (it becomes the
 * closing note and the last timeline entry).  Refused moves: TATER_EINVAL saying which moves
 * are open from here. */
int itdr_alert_set_status(struct store *s, int64_t id, const char *status, const char *note,
			  struct tater_err *err);
/* user "" or NULL unassigns; "me" is the actor. */
int itdr_alert_assign(struct store *s, int64_t id, const char *user, struct tater_err *err);
/* Append a note to the alert's timeline (notes are never edited). */
int itdr_alert_note(struct store *s, int64_t id, const char *text, struct tater_err *err);

struct itdr_manual {
	const char *scope; /* NULL: "manual" */
	const char *user;  /* UPN, required */
	const char *type;  /* detection type, required */
	const char *severity;
	const char *description; /* required */
};
int itdr_alert_create(struct store *s, const struct itdr_manual *m, int64_t *id,
		      struct tater_err *err);

struct itdr_note {
	int64_t id;
	char at[32];
	char author[64];
	char *body;
};
/* Oldest first.  itdr_notes_free(). */
int itdr_alert_notes(struct store *s, int64_t id, struct itdr_note **out, size_t *n,
		     struct tater_err *err);
void itdr_notes_free(struct itdr_note *v, size_t n);

struct itdr_signin {
	char id[64];
	char at[32];
	char reason[20]; /* request-id, correlation-id, user-window */
	char ip[64];
	char location[160];
	char device[160];
	char app[128];
	char result[160]; /* "success" or "failure 50126: ..." */
	char client[64];
};
/* The alert's related sign-ins, newest first.  free(*out). */
int itdr_alert_signins(struct store *s, int64_t id, struct itdr_signin **out, size_t *n,
		       struct tater_err *err);

/* Activate the playbook linked to the alert's type: an incident pre-filled with the user,
 * type, severity and alert id.  TATER_ENOTFOUND when no playbook is linked. */
int itdr_alert_activate(struct store *s, int64_t id, int64_t *incident_id, struct tater_err *err);

/* Remove the playbook link of an alert type (ir_alert_type_link makes one); logged. */
int itdr_alert_type_unlink(struct store *s, const char *detection_type, struct tater_err *err);

/* Mark "new since your last look": the actor's previous look (stored alert_views) into
 * prev (may be "" when never), and record now as the new one. */
int itdr_views_touch(struct store *s, char prev[32], struct tater_err *err);
int itdr_views_get(struct store *s, char prev[32], struct tater_err *err);

struct itdr_counts {
	int by_severity[4]; /* low, medium, high, critical (open alerts) */
	int by_status[5];   /* new, investigating, contained, resolved, false_positive */
	int total;
};
int itdr_counts(struct store *s, const char *scope, struct itdr_counts *out, struct tater_err *err);
/* Status names in workflow order (index of by_status). */
extern const char *const itdr_statuses[5];

/* ---- ingestion --------------------------------------------------------------------------- */

struct itdr_ingest_opts {
	const atomic_int *cancel;
	struct collect_progress progress;
	struct rate_registry *rates; /* shared pacing; NULL: the client's own */
	const char *ca_file;
	int no_pacing;		 /* also the tenant setting "net.pacing" = "off" */
	int first_days;		 /* first-run window; 0: setting itdr.first_days, else 30 */
	const char *first_since; /* first-run start as ISO time (overrides first_days) */
	const char *now;	 /* "now" as ISO time for windows and retention; NULL: clock */
};

struct itdr_ingest_summary {
	int64_t scan_id;
	char status[16];		       /* complete, partial, error, canceled */
	long detections, risky_users, signins; /* items read */
	long alerts_new, alerts_updated, links;
	char since[3][32]; /* the watermarks used: detections, riskyUsers, signIns */
	long long elapsed_ms;
	unsigned long requests, throttled, retries;
	char detail[512];
};

/* Ingest one tenant: its own client and credential (v unlocks the secret). */
int itdr_ingest(struct store *s, struct vault *v, const struct tenant *t,
		const struct itdr_ingest_opts *o, struct itdr_ingest_summary *sum,
		struct tater_err *err);
/* The same on a client and Graph credential someone else made (a scan: src/collect/scan.c). */
int itdr_ingest_with(struct store *s, struct http_client *hc, struct http_auth *graph,
		     const struct endpoints *ep, const struct tenant *t,
		     const struct itdr_ingest_opts *o, struct itdr_ingest_summary *sum,
		     struct tater_err *err);

/* ---- the queue: alerts in memory, filtered and sorted for the screen ---------------------- */

enum itdr_qcol {
	ITDR_Q_ID,
	ITDR_Q_SEVERITY,
	ITDR_Q_STATUS,
	ITDR_Q_TYPE,
	ITDR_Q_USER,
	ITDR_Q_ASSIGNEE,
	ITDR_Q_AGE,
	ITDR_Q_TENANT,
	ITDR_Q_NCOLS
};

struct itdr_queue;
struct itdr_queue *itdr_queue_new(void);
void itdr_queue_free(struct itdr_queue *q);
void itdr_queue_free_void(void *q);
/* Load every alert (the worker's job; the queue then moves to the UI thread). */
int itdr_queue_load(struct itdr_queue *q, struct store *s, struct tater_err *err);
/* Add one (tests, bench); copies. */
int itdr_queue_add(struct itdr_queue *q, const struct itdr_alert *a);
size_t itdr_queue_total(const struct itdr_queue *q);
/* Filter text (doc/itdr.md): words match type, user, assignee, IP, location, tenant;
 * sev:high,critical  status:new  type:leaked  user:alice  assignee:me|none|bob
 * age:<24h  age:>7d  tenant:contoso.  status/severity give the quick filters (NULL: any).
 * me: the actor's name (for assignee:me); now: epoch seconds for ages. */
void itdr_queue_query(struct itdr_queue *q, const char *filter, const char *status,
		      const char *severity, int sort_col, int sort_desc, const char *me,
		      int64_t now);
size_t itdr_queue_count(const struct itdr_queue *q);
const struct itdr_alert *itdr_queue_get(const struct itdr_queue *q, size_t i);
/* Seconds of an ISO time (UTC); -1 when unparseable. */
int64_t itdr_time_parse(const char *iso);
/* "45s", "12m", "5h", "3d" */
void itdr_age(int64_t seconds, char *buf, size_t n);

/* ---- export (activity log, queue): sanitised CSV or JSON --------------------------------- */

enum itdr_export_format { ITDR_CSV, ITDR_JSON };
/* Write rows of ncols cells with a header.  Every cell is sanitised; CSV cells are quoted
 * when needed, and a cell a spreadsheet would run as a formula (= + - @ first) gets a leading
 * apostrophe.  JSON is an array of objects keyed by the header. */
int itdr_export_rows(FILE *f, enum itdr_export_format fmt, const char *const *header, int ncols,
		     const char *const *cells, size_t nrows, struct tater_err *err);

#endif
