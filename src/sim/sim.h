/* sim.h - tater-sim internals shared by its files.
 *
 * tater-sim plays Microsoft login, Graph, ARM and Azure Automation on
 * loopback.  The pieces:
 *   main.c        flags (one table: parsing and --help), startup, signals
 *   server.c      libmicrohttpd glue: request in, route, faults, response out, log line
 *   routes.c      the route table: (method, path pattern, auth, throttle class, handler)
 *   auth.c        token endpoint, access tokens, bearer checks, RS256 client assertions
 *   odata.c       $top/$select/$filter/$count/$skiptoken and the pager shared by Graph and ARM
 *   graph.c       Graph collections and singletons
 *   estate.c      the synthetic directory: item i derived from hash(seed, kind, i)
 *   estate_arm.c  the synthetic Azure resources
 *   estate_file.c --estate overrides
 *   arm.c         ARM handlers
 *   automation.c  webhook + job state machine
 *   throttle.c    Microsoft's published limits as token buckets
 *   faults.c      injected faults (random by --seed, or at the Nth request to a path)
 *   util.c        hashing, GUIDs, time, base64url, URL forms, JSON helpers
 *
 * Adding a service (Exchange InvokeCommand, Power BI, AWS, GCP) is a new file
 * with handlers and a few lines in routes.c. */
#ifndef TATER_SIM_H
#define TATER_SIM_H

#include <jansson.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "tater/err.h"

/* ---- configuration (main.c fills it from the flag table) ---- */

struct sim_fault_rule;	/* faults.c */
struct sim_estate_file; /* estate_file.c */
struct sim_auth_keys;	/* auth.c */
struct sim_throttle;	/* throttle.c */
struct sim_jobs;	/* automation.c */

struct sim_config {
	long port;
	const char *port_file;
	const char *tenant_id;
	const char *client_id;
	const char *client_secret;
	const char *client_cert;
	const char *domain;
	long seed;
	const char *now_str;
	time_t now; /* --now parsed: the data's "present" */
	long users;
	long signins;	 /* -1: users * 10 */
	long detections; /* -1: users / 2 */
	int no_p2;
	long subscriptions;
	long resources;
	const char *estate_path;
	char **deny;
	size_t ndeny;

	int throttle;
	double ca_rps;
	long reports_count;
	double reports_window;
	long identity_small, identity_medium, identity_large;
	double identity_window;
	long arm_reads;
	double arm_refill;

	double fault_429;
	double fault_503;
	double fault_cut;
	const char *fault_malformed; /* PATH or RATE */
	const char *fault_truncate;  /* PATH or RATE */
	const char *retry_after;
	long latency_ms;
	long token_lifetime;
	long token_expire_early; /* seconds a token really lives; 0 = off */
	char **fault_specs;	 /* --fault-at / --fault-once, normalised to PATH:N:KIND[:ARG] */
	size_t nfault_specs;

	const char *webhook_token;
	int webhook_disabled;
	int webhook_expired;
	long webhook_fail_first;
	const char *automation_account;
	const char *runbook;
	double clock_speed;
	double job_new_s, job_activating_s, job_running_s;
	const char *job_outcome;
};

/* ---- the running simulator ---- */

struct sim {
	struct sim_config cfg;
	struct sim_estate_file *estate;
	struct sim_auth_keys *auth;
	struct sim_throttle *throttle;
	struct sim_jobs *jobs;
	struct sim_fault_rule *rules;
	size_t nrules;
	pthread_mutex_t lock; /* request counters, fault rules, webhook failures */
	uint64_t nrequests;
	long webhook_failed;
	/* derived estate sizes */
	long n_guests_hint;
};

/* ---- requests and responses ---- */

enum sim_audience {
	SIM_AUD_NONE = 0,
	SIM_AUD_GRAPH,
	SIM_AUD_ARM,
	SIM_AUD_OUTLOOK,
	SIM_AUD_COMPLIANCE, /* Security & Compliance (InvokeCommand, scc: cmdlets) */
	SIM_AUD_SPO,	    /* a tenant's SharePoint admin host */
	SIM_AUD_FABRIC,	    /* Fabric / Power BI admin API */
};
enum sim_audience sim_extra_audience(const char *aud);

struct sim_kv {
	char *key;
	char *val;
};

struct sim_token_info {
	char tenant[64];
	char appid[64];
	enum sim_audience aud;
	long long exp;
};

#define SIM_MAX_PARAMS 8

struct sim_req {
	const char *method;
	char *path;	 /* percent-decoded, no query */
	char *raw_query; /* as received, after '?', may be NULL */
	struct sim_kv *query;
	size_t nquery;
	const char *body; /* POST body (not NUL-terminated by MHD; we add one) */
	size_t body_len;
	char *base_url;		      /* "http://" + Host header, for nextLink */
	void *conn;		      /* struct MHD_Connection * */
	char *params[SIM_MAX_PARAMS]; /* captured path segments, in pattern order */
	size_t nparams;
	struct sim_token_info tok;
	int fault_short;  /* pager: serve a short page */
	int fault_nolink; /* pager: drop the next link */
	const struct sim_route *route;
};

#define SIM_MAX_HEADERS 8

struct sim_resp {
	int status;
	const char *content_type;
	char *body; /* malloc'd */
	size_t len;
	char *hdr_name[SIM_MAX_HEADERS];
	char *hdr_val[SIM_MAX_HEADERS];
	size_t nhdr;
	int cut;       /* close the connection halfway through the body */
	int malformed; /* corrupt the JSON body */
};

/* ---- routes ---- */

enum sim_auth_kind {
	SIM_AUTH_NONE = 0,
	SIM_AUTH_GRAPH,
	SIM_AUTH_ARM,
	SIM_AUTH_OUTLOOK, /* Exchange, or Security & Compliance (rq->tok.aud says which) */
	SIM_AUTH_SPO,
	SIM_AUTH_FABRIC,
};

enum sim_tclass {
	SIM_T_NONE = 0,
	SIM_T_CA_IP,	/* Conditional Access, Identity Protection: per tenant */
	SIM_T_REPORTS,	/* audit logs and reports: per app per tenant */
	SIM_T_IDENTITY, /* identity and access cost budget: per app per tenant */
	SIM_T_ARM_READ, /* ARM reads: per subscription */
};

typedef void (*sim_handler)(struct sim *s, struct sim_req *rq, struct sim_resp *rs);

struct sim_route {
	const char *method;
	const char *pattern; /* segments; "{}" captures one, "a|b" captures one of a list */
	enum sim_auth_kind auth;
	enum sim_tclass tclass;
	int cost; /* identity budget base cost (users 2, others 1) */
	sim_handler fn;
	const void *arg;
};

extern const struct sim_route sim_routes[];
extern const size_t sim_nroutes;

/* routes.c: match path against the table; fills rq->params.  NULL if none matches
 * the path; *method_mismatch set when a route matched the path but not the method. */
const struct sim_route *sim_route_match(struct sim_req *rq, int *method_mismatch);
int sim_pattern_match(const char *pattern, const char *path, char **params, size_t *nparams);

/* ---- server.c ---- */
int sim_server_run(struct sim *s, struct tater_err *err);
const char *sim_req_header(struct sim_req *rq, const char *name);
const char *sim_req_query(struct sim_req *rq, const char *key);

/* ---- responses (util.c) ---- */
void sim_resp_json(struct sim_resp *rs, int status, json_t *body); /* steals body */
void sim_resp_text(struct sim_resp *rs, int status, const char *ctype, const char *text);
void sim_resp_header(struct sim_resp *rs, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Graph error: {"error":{"code","message","innerError":{date,request-id,client-request-id}}} */
void sim_graph_error(struct sim_resp *rs, int status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* ARM error: {"error":{"code","message"}} */
void sim_arm_error(struct sim_resp *rs, int status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The error shape matching the request's service. */
void sim_api_error(struct sim_req *rq, struct sim_resp *rs, int status, const char *code,
		   const char *fmt, ...) __attribute__((format(printf, 5, 6)));
int sim_is_graph_path(const char *path);

/* ---- util.c ---- */
uint64_t sim_hash(uint64_t seed, const char *kind, uint64_t i);
uint64_t sim_hash_str(const char *s);
uint64_t sim_mix(uint64_t x);
/* A v4-shaped GUID derived from (seed, kind, i). out: 37 bytes. */
void sim_guid(char out[37], uint64_t seed, const char *kind, uint64_t i);
void sim_guid_random(char out[37]);
/* "2026-12-01T00:00:00Z" */
void sim_fmt_time(char out[32], time_t t);
/* ISO 8601 with optional fraction and Z or +hh:mm; -1 on error. */
int sim_parse_time(const char *s, time_t *out);
char *sim_b64url(const unsigned char *data, size_t len);
/* Decode base64url (padding optional).  Returns malloc'd buffer or NULL. */
unsigned char *sim_b64url_decode(const char *s, size_t slen, size_t *outlen);
/* Parse "a=b&c=d" (form or query: '+' is space, %XX decoded). */
size_t sim_parse_form(const char *s, size_t len, struct sim_kv **out);
void sim_kv_free(struct sim_kv *kv, size_t n);
const char *sim_kv_get(const struct sim_kv *kv, size_t n, const char *key);
char *sim_url_decode(const char *s, size_t len, int plus_is_space);
char *sim_url_encode(const char *s);
/* jansson dump, compact, key order preserved; never NULL (aborts on OOM). */
char *sim_json_dump(const json_t *j, size_t *len);
double sim_mono(void); /* monotonic seconds */
void *sim_xmalloc(size_t n);
char *sim_xstrdup(const char *s);
char *sim_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- odata.c: collections served from a source ---- */

/* A collection source: count + item(i), or a JSON array (estate file). */
struct sim_source {
	long (*count)(struct sim *s, struct sim_req *rq, const void *arg);
	json_t *(*item)(struct sim *s, struct sim_req *rq, const void *arg, long i);
	const void *arg;
	json_t *array; /* borrowed; used when set */
};

enum sim_coll_style { SIM_STYLE_GRAPH = 0, SIM_STYLE_ARM };

struct sim_coll {
	const char *entity; /* "users": for @odata.context and error messages */
	const char *type;   /* "microsoft.graph.user" */
	int directory;	    /* directory object: strict $top, $count needs ConsistencyLevel */
	long default_top;
	long max_top;
	long max_top_signin_activity;	   /* users: 120 when signInActivity selected (0: n/a) */
	const char *const *filter_fields;  /* NULL-terminated; NULL = no $filter */
	const char *sorted_desc;	   /* field the source is sorted on, newest first */
	const char *const *default_select; /* fields served without $select (NULL = all) */
	const char *expandable;		   /* the one $expand allowed, or NULL */
	enum sim_coll_style style;
	int no_paging; /* serve everything in one page, ignore $top */
};

void sim_serve_collection(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
			  const struct sim_coll *c, const struct sim_source *src);
void sim_serve_singleton(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
			 const char *context, json_t *obj /* stolen */);

/* ---- estate.c: synthetic directory ---- */
long sim_estate_nadmins(struct sim *s);
long sim_n_users(struct sim *s);
long sim_n_signins(struct sim *s);
long sim_n_detections(struct sim *s);
long sim_n_risky(struct sim *s);
json_t *sim_user(struct sim *s, long i);
json_t *sim_risky_user(struct sim *s, long j);
json_t *sim_risk_detection(struct sim *s, long j);
json_t *sim_signin(struct sim *s, long j);
json_t *sim_registration(struct sim *s, long i);
long sim_n_roles(void);
json_t *sim_directory_role(struct sim *s, long r);
int sim_role_by_id(struct sim *s, const char *id); /* -1 if unknown */
long sim_role_nmembers(struct sim *s, int r);
long sim_role_member_user(struct sim *s, int r, long j);
long sim_n_role_assignments(struct sim *s);
json_t *sim_role_assignment(struct sim *s, long j, int expand_principal);
json_t *sim_ca_policies(struct sim *s);
json_t *sim_authorization_policy(struct sim *s);
json_t *sim_admin_consent_policy(struct sim *s);
json_t *sim_auth_methods_policy(struct sim *s);
json_t *sim_domains(struct sim *s);
json_t *sim_subscribed_skus(struct sim *s);
json_t *sim_sharepoint_settings(struct sim *s);
json_t *sim_organization(struct sim *s);
/* Keep a user's default Graph projection (no $select). */
extern const char *const sim_user_default_select[];

/* ---- estate_arm.c ---- */
void sim_sub_id(struct sim *s, long k, char out[37]);
long sim_sub_index(struct sim *s, const char *subid); /* -1 if unknown */
json_t *sim_subscription(struct sim *s, long k);
enum sim_arm_kind {
	SIM_ARM_STORAGE = 0,
	SIM_ARM_VAULT,
	SIM_ARM_VM,
	SIM_ARM_SITE,
	SIM_ARM_SQL,
	SIM_ARM_NSG,
	SIM_ARM_NKINDS
};
json_t *sim_arm_resource(struct sim *s, enum sim_arm_kind kind, long sub, long k);
/* Name -> index for "<prefix><sub>x<k>" names; -1 if not ours. */
long sim_arm_name_index(struct sim *s, enum sim_arm_kind kind, long sub, const char *name);
const char *sim_arm_rg(long k);
json_t *sim_site_config(struct sim *s, long sub, long k);
long sim_sql_ndb(void);
json_t *sim_sql_database(struct sim *s, long sub, long k, long d);
long sim_sql_db_index(struct sim *s, long sub, long k, const char *name);
json_t *sim_sql_tde(struct sim *s, long sub, long k, long d);
json_t *sim_sql_auditing(struct sim *s, long sub, long k);

/* ---- estate_file.c ---- */
int sim_estate_load(struct sim *s, const char *path, struct tater_err *err);
void sim_estate_free(struct sim_estate_file *e);
/* The override for a path (beta falls back to v1.0), or NULL. Borrowed, valid until
 * sim_estate_free (a patch replaces it, never changes it).  Thread-safe. */
json_t *sim_estate_get(struct sim *s, const char *path);
/* Change the value at key (a path, or "exo:<Cmdlet>", "dns:TXT:<name>"): fn edits a copy of
 * the current override, or base (the synthetic value, stolen; may be NULL: then nothing
 * happens and -1 is returned) when there is none, and the edited value replaces it.  fn
 * returns < 0 to drop the edit.  Thread-safe; returns fn's result. */
int sim_estate_patch(struct sim *s, const char *key, json_t *base,
		     int (*fn)(json_t *value, void *ctx), void *ctx);

/* ---- effects.c: what each remediation script does to the estate ---- */
/* Apply script_id's effect (once per Completed job) and return the runbook's result line
 * members: changes (new reference, an array), *runtime "7.2"/"5.1", *known 0 when the
 * simulator has no effect for the script.  Idempotent like the scripts: a second run
 * finds nothing to change. */
json_t *sim_effect_apply(struct sim *s, const char *script_id, const json_t *params,
			 const char **runtime, int *known);
/* The Exchange cmdlet output the simulator serves without an estate override, for
 * "exo:<Cmdlet>" keys: defined by the Exchange endpoints (exo.c); a weak default returns
 * NULL (nothing to patch). */
json_t *sim_exo_default(struct sim *s, const char *cmdlet);

/* ---- auth.c ---- */
int sim_auth_init(struct sim *s, struct tater_err *err);
void sim_auth_free(struct sim_auth_keys *a);
void sim_h_token(struct sim *s, struct sim_req *rq, struct sim_resp *rs);
/* 0 and rq->tok filled, or -1 with the 401 in rs. */
int sim_auth_check(struct sim *s, struct sim_req *rq, struct sim_resp *rs, enum sim_auth_kind k);
/* Answer as if the bearer token had expired (fault "401"). */
void sim_auth_expired(struct sim_req *rq, struct sim_resp *rs, enum sim_auth_kind k);

/* ---- throttle.c ---- */
struct sim_throttle *sim_throttle_new(void);
void sim_throttle_free(struct sim_throttle *t);
/* 0 to go on, -1 with the 429 in rs. */
int sim_throttle_check(struct sim *s, struct sim_req *rq, struct sim_resp *rs);

/* ---- faults.c ---- */
int sim_faults_init(struct sim *s, struct tater_err *err);
void sim_faults_free(struct sim *s);
/* Validate one --fault-at spec (main.c, at parse time). */
int sim_fault_spec_check(const char *spec, struct tater_err *err);
enum sim_fault_kind {
	SIM_F_NONE = 0,
	SIM_F_429,
	SIM_F_503,
	SIM_F_500,
	SIM_F_CUT,
	SIM_F_MALFORMED,
	SIM_F_SHORT,
	SIM_F_NOLINK,
	SIM_F_SLOW,
	SIM_F_EXPIRED,
	SIM_F_RESET, /* close without answering */
};
struct sim_fault {
	enum sim_fault_kind kind;
	char arg[32]; /* Retry-After, or milliseconds for slow */
};
/* Decide this request's fault (counts the request against rules). */
void sim_fault_pick(struct sim *s, struct sim_req *rq, struct sim_fault *f);
/* Apply a fault that replaces the answer (429/503/500/expired); 1 if answered. */
int sim_fault_answer(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
		     const struct sim_fault *f);
/* Corrupt a JSON body in place: still the same length class, never valid JSON. */
void sim_fault_corrupt(struct sim_resp *rs);

/* ---- graph.c / arm.c / automation.c handlers ---- */
void sim_h_graph_coll(struct sim *s, struct sim_req *rq, struct sim_resp *rs);
void sim_h_graph_single(struct sim *s, struct sim_req *rq, struct sim_resp *rs);
void sim_h_graph_role_members(struct sim *s, struct sim_req *rq, struct sim_resp *rs);
void sim_h_graph_user_get(struct sim *s, struct sim_req *rq, struct sim_resp *rs);
void sim_h_estate_only(struct sim *s, struct sim_req *rq, struct sim_resp *rs);

void sim_h_arm_subscriptions(struct sim *s, struct sim_req *rq, struct sim_resp *rs);
void sim_h_arm_list(struct sim *s, struct sim_req *rq, struct sim_resp *rs);
void sim_h_arm_site_config(struct sim *s, struct sim_req *rq, struct sim_resp *rs);
void sim_h_arm_sql_dbs(struct sim *s, struct sim_req *rq, struct sim_resp *rs);
void sim_h_arm_sql_tde(struct sim *s, struct sim_req *rq, struct sim_resp *rs);
void sim_h_arm_sql_auditing(struct sim *s, struct sim_req *rq, struct sim_resp *rs);
/* ARM: api-version present? else answers 400 MissingApiVersionParameter. */
int sim_arm_need_version(struct sim_req *rq, struct sim_resp *rs);

/* exo.c: Exchange Online / Security & Compliance InvokeCommand; spo.c: SharePoint admin
 * _api/SPO.Tenant; fabric.c: Fabric admin tenant settings; dns.c: DoH JSON resolver. */
void sim_h_exo_invoke(struct sim *s, struct sim_req *rq, struct sim_resp *rs);
void sim_h_spo_tenant(struct sim *s, struct sim_req *rq, struct sim_resp *rs);
void sim_h_fabric_settings(struct sim *s, struct sim_req *rq, struct sim_resp *rs);
void sim_h_dns_resolve(struct sim *s, struct sim_req *rq, struct sim_resp *rs);
/* exo.c: the synthetic output of a cmdlet (a JSON array), before overrides; NULL if unknown. */
json_t *sim_exo_cmdlet(struct sim *s, int scc, const char *cmdlet);

int sim_jobs_init(struct sim *s);
void sim_jobs_free(struct sim_jobs *j);
void sim_h_webhook(struct sim *s, struct sim_req *rq, struct sim_resp *rs);
void sim_h_automation_account(struct sim *s, struct sim_req *rq, struct sim_resp *rs);
void sim_h_job(struct sim *s, struct sim_req *rq, struct sim_resp *rs);
void sim_h_job_output(struct sim *s, struct sim_req *rq, struct sim_resp *rs);
void sim_h_job_streams(struct sim *s, struct sim_req *rq, struct sim_resp *rs);

#endif
