/* http.h - the cloud HTTP client: libcurl with retries, Retry-After, paging and pacing.
 *
 * One client per worker thread (it is not thread-safe; only worker threads touch libcurl).
 * It keeps connections alive, asks for gzip, bounds every attempt by a connect and a total
 * timeout and every answer by a size cap, names itself "tater/<version>", and stops a transfer
 * within ~100 ms of the worker setting the cancel flag.
 *
 * Two ways to call:
 *  - http_request(): one blocking request (token requests, a webhook POST, a job poll).
 *  - http_multi_add_paged() for each collection, then http_multi_run(): every collection runs
 *    concurrently on one curl multi handle, each paced by its own (tenant, class) limiter, and
 *    each page's items go to a callback as the page arrives; nothing accumulates.
 *
 * Both retry 429/503/504 and transport failures (reset, cut mid-body, timeout) with exponential
 * backoff and full jitter, honouring Retry-After (seconds, decimals allowed, or an HTTP-date),
 * bounded in attempts and in total time.  Errors carry the service's own code and message
 * (Graph/ARM error.code, the login AADSTS text) and name the URL, redacted (http_redact_url). */
#ifndef TATER_HTTP_H
#define TATER_HTTP_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>

#include "tater/err.h"
#include "tater/ratelimit.h"

struct http_client;

struct http_config {
	long connect_timeout_ms; /* 10 s */
	long timeout_ms;	 /* one attempt, start to last byte: 120 s */
	size_t max_body;	 /* decoded answer size cap: 64 MiB */
	int max_attempts;	 /* per request or page, the first included: 8 */
	long retry_budget_ms; /* no retry starts later than this after a page's first try: 5 min */
	long backoff_base_ms; /* first backoff ceiling: 500 ms, doubling */
	long backoff_cap_ms;  /* backoff ceiling: 30 s */
	int max_pages;	      /* per collection: 100,000 */
	long max_host_connections; /* per host on the multi handle: 8 */
	/* Set non-zero by another thread to stop: transfers abort, jobs end with TATER_ECANCELED.
	 */
	const atomic_int *cancel;
	/* Shared limiter registry (thread-safe; not owned).  NULL: the client makes its own from
	 * rate_cfg (or rate_config_defaults when rate_cfg is NULL too). */
	struct rate_registry *rates;
	const struct rate_config *rate_cfg;
	const char *ca_file; /* NULL: the system's CA store */
};

void http_config_defaults(struct http_config *cfg);

/* cfg may be NULL for the defaults.  The client copies what it needs (not cancel's target). */
int http_client_new(const struct http_config *cfg, struct http_client **out, struct tater_err *err);
void http_client_free(struct http_client *c);

/* The client's limiter registry (its own or the shared one). */
struct rate_registry *http_client_rates(struct http_client *c);

/* ---- credentials ------------------------------------------------------------------------ */

/* Header list being built for one attempt (opaque). */
struct http_hdrs;
int http_hdrs_add(struct http_hdrs *h, const char *name, const char *value);

/* A credential source: auth.h provides Entra ID bearer tokens; AWS SigV4 will sign here too.
 * sign() adds the credential headers for one attempt of (method, url, body).  It may make
 * blocking requests of its own on c (a token request).  stale is 0, or the generation this
 * source returned for an attempt the service answered 401: renew unless the credential has
 * already changed since.  Set *gen to the generation of the credential used.  The 401 renewal
 * happens at most once per request. */
struct http_auth {
	int (*sign)(struct http_auth *self, struct http_client *c, const char *method,
		    const char *url, const char *body, size_t body_len, uint64_t stale,
		    uint64_t *gen, struct http_hdrs *out, struct tater_err *err);
};

/* ---- one request ------------------------------------------------------------------------ */

struct http_request {
	const char *method; /* NULL: GET */
	const char *url;
	const char *const *headers; /* "Name: value", NULL-terminated; sent on every page/retry */
	const char *body;	    /* NULL: none */
	size_t body_len;	    /* 0 with a body: strlen(body) */
	const char *content_type;   /* of the body; default application/json */
	struct http_auth *auth;	    /* NULL: anonymous */
	const char *tenant;	    /* limiter key; NULL: "" */
	enum rate_class rate_class; /* RATE_AUTO (0): rate_classify() by path */
	double cost;		    /* 0: rate_cost() of each URL */
	/* POST/PATCH are retried only on 429/503 and failed connects, where the service cannot
	 * have acted; set this when repeating is harmless (a token request) to retry them all. */
	int idempotent;
};

struct http_response {
	long status; /* 0 when no answer came */
	char *body;  /* NUL-terminated (malloc'd; may be NULL when empty) */
	size_t body_len;
	char *content_type; /* NULL when absent */
	char *request_id;   /* request-id / x-ms-request-id, worth quoting to support; or NULL */
	int attempts;
};

void http_response_free(struct http_response *r);

/* Blocking.  Returns 0 for a 2xx answer.  Otherwise a negative code: TATER_EAUTH (401),
 * TATER_EPERM (403), TATER_ENOTFOUND (404), TATER_EHTTP (other statuses, retries exhausted),
 * TATER_ENET / TATER_ETIMEOUT (transport), TATER_ECANCELED, TATER_EINVAL; err names the
 * method, the redacted URL, the status and the service's code and message.  resp (may be
 * NULL) holds the last answer either way; free it with http_response_free. */
int http_request(struct http_client *c, const struct http_request *req, struct http_response *resp,
		 struct tater_err *err);

/* http_request and parse the answer as JSON (an object or array); *out is the caller's. */
int http_request_json(struct http_client *c, const struct http_request *req, json_t **out,
		      struct tater_err *err);

/* ---- paged collections ------------------------------------------------------------------ */

enum http_paging {
	HTTP_PAGING_ODATA = 0, /* items in "value"; next page URL in "@odata.nextLink" (Graph)
				* or "nextLink" (ARM); headers re-sent on every page */
	HTTP_PAGING_NONE,      /* one JSON object: on_page(items = NULL, page = the object) */
	/* Planned: HTTP_PAGING_GCP (nextPageToken -> pageToken=), HTTP_PAGING_AWS (NextToken). */
};

/* One page: items is the page's array (borrowed; valid during the call), page the whole
 * document.  Return 0 to go on, > 0 to stop early without error, < 0 (with err set) to fail
 * the collection.  A page that is malformed, or whose next link is refused, never reaches it. */
typedef int (*http_page_fn)(void *ctx, const json_t *items, const json_t *page,
			    struct tater_err *err);

/* The same for a caller that stores pages as they came (and lets SQLite split them): no
 * tree is built.  The page is checked (well-formed JSON, an object, the items array of an
 * OData page, the next link) by a scanner, and arrives as its raw bytes with what the
 * scanner counted.  When set, it is called instead of on_page. */
struct http_raw_page {
	const char *body; /* len bytes as received, not NUL-terminated */
	size_t len;
	int singleton;		/* HTTP_PAGING_NONE: the body is the one object */
	size_t nitems;		/* OData: elements of the items array */
	int items_all_objects;	/* OData: every element is a JSON object */
};
typedef int (*http_page_raw_fn)(void *ctx, const struct http_raw_page *pg, struct tater_err *err);

struct http_job_info {
	unsigned pages;
	unsigned long items;
	unsigned attempts; /* HTTP attempts, retries included */
	unsigned retries;
	unsigned throttled; /* 429 answers */
	unsigned paced;	    /* times the limiter said wait */
	long long elapsed_ms;
};

/* Called once when a collection ends: rc 0 or its error (err is NULL when rc is 0). */
typedef void (*http_done_fn)(void *ctx, int rc, const struct tater_err *err,
			     const struct http_job_info *info);

struct http_paged {
	struct http_request req; /* the first page; method, headers, auth, pacing for all */
	enum http_paging paging;
	const char *items_key; /* NULL: "value" */
	int max_pages;	       /* 0: the client's */
	http_page_fn on_page;
	http_page_raw_fn on_page_raw; /* instead of on_page when set */
	http_done_fn on_done; /* may be NULL */
	void *ctx;
};

/* Queue a collection for the next http_multi_run (or the running one, when called from a
 * callback of it: a page can fan out into more collections).  Everything is copied. */
int http_multi_add_paged(struct http_client *c, const struct http_paged *p, struct tater_err *err);

/* Run every queued collection to its end.  Returns 0 when all succeeded, TATER_ECANCELED when
 * cancelled, else the first failure's code and message (each collection's own outcome goes to
 * its on_done). */
int http_multi_run(struct http_client *c, struct tater_err *err);

/* One collection, blocking (usable inside a callback of http_multi_run). */
int http_get_paged(struct http_client *c, const struct http_paged *p, struct tater_err *err);

/* ---- counters --------------------------------------------------------------------------- */

struct http_stats {
	unsigned long requests; /* attempts sent */
	unsigned long retries;
	unsigned long throttled;	/* 429 answers */
	unsigned long unavailable;	/* 503 and 504 answers */
	unsigned long transport_errors; /* resets, cuts, timeouts */
	unsigned long auth_renewals;	/* 401s answered by renewing the credential */
	unsigned long pages;
	unsigned long paced;	  /* times a request waited for its limiter */
	unsigned long long bytes; /* decoded body bytes received */
};

void http_stats_get(const struct http_client *c, struct http_stats *out);
void http_stats_reset(struct http_client *c);

/* ---- pure helpers (exposed for tests and for other modules) ----------------------------- */

/* Retry-After: delay-seconds (decimals allowed, "2.128") or an HTTP-date, relative to now.
 * Returns 0 and *ms (>= 0; dates in the past give 0), or -1 when absent or unparseable. */
int http_parse_retry_after(const char *value, time_t now, long *ms);

/* Full-jitter backoff for retry number `attempt` (1 = first retry): uniform in
 * [0, min(cap, base * 2^(attempt-1))], picked by rnd (any 32-bit random value). */
long http_backoff_ms(int attempt, long base_ms, long cap_ms, uint32_t rnd);

/* A URL safe to show: user:password@ and the values of credential-bearing query parameters
 * (token, sig, code, client_secret, access_token, key, X-Amz-Signature, ...) become ****,
 * and an overlong result ends in "...".  Always NUL-terminates out (outlen > 0). */
void http_redact_url(const char *url, char *out, size_t outlen);

/* The service's own error from a body: Graph/ARM/GCP {"error":{"code","message"}}, login
 * {"error","error_description"} (first line: the AADSTS text).  Control characters become
 * spaces.  Returns 0 when found, -1 otherwise (code and msg are then empty). */
int http_service_error(const char *body, size_t len, char *code, size_t code_len, char *msg,
		       size_t msg_len);

/* Percent-encode for a query value or form field (malloc'd; NULL when out of memory). */
char *http_escape(const char *s);

/* Is the status one the client retries (429, 503, 504)? */
int http_status_retryable(long status);

#endif
