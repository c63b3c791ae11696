/* http.c - the transfer engine: curl multi, retries, pacing, paging.
 *
 * Every request, blocking or not, is a job on an engine (a curl multi handle and a list of
 * jobs).  A job waits until its retry time and its limiter allow it, runs as one curl easy
 * transfer, and on completion either retries, delivers a page and moves to the next link, or
 * ends.  The engine loop starts ready jobs, drives curl, and sleeps in curl_multi_poll no longer
 * than the next job's ready time or 100 ms (how quickly a cancel is seen).
 *
 * The client's own engine runs the collections queued by http_multi_add_paged; each blocking
 * call (http_request, a token request from inside sign(), a callback's own request) gets a
 * temporary engine, so the engine loop is never re-entered.  All engines share one connection
 * cache (a CURLSH), so keep-alive spans them. */
#include <curl/curl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tater/http.h"
#include "tater/jsonscan.h"

#ifndef TATER_VERSION
#define TATER_VERSION "dev"
#endif

#define POLL_SLICE_MS 100
#define ERR_URL_LEN 200

enum job_state { J_WAIT, J_RUN, J_DONE };

struct engine {
	CURLM *multi;
	struct job *jobs, **tail;
	int running;
	int first_rc;
	struct tater_err first_err;
};

/* A host that could not be reached after every retry is not asked again for a while: the
 * other collections of a scan then fail at once with its message instead of each retrying
 * for half a minute. */
#define DOWN_HOSTS 8
#define DOWN_MEMORY_MS (60 * 1000)

struct down_host {
	char *origin; /* scheme://authority */
	int64_t until;
	struct tater_err err;
};

struct http_client {
	struct http_config cfg;
	struct down_host down[DOWN_HOSTS];
	CURLSH *share;
	struct engine main;
	struct rate_registry *rates;
	int own_rates;
	struct http_stats stats;
	char ua[64];
};

struct http_hdrs {
	struct curl_slist *list;
};

struct membuf {
	char *p;
	size_t len, cap;
};

struct job {
	struct job *next;
	struct http_client *c;
	struct engine *eng;
	/* The request, copied. */
	char *method;
	char *url;    /* the current page */
	char *origin; /* scheme://authority of the first URL: next links must stay on it */
	char **headers;
	size_t nheaders;
	char *body;
	size_t body_len;
	char *content_type;
	struct http_auth *auth;
	char *tenant;
	enum rate_class cls_req;
	double cost_req;
	int idempotent;
	/* Paging (paged jobs) or the caller's response (single requests). */
	int paged;
	enum http_paging paging;
	char *items_key;
	int max_pages;
	http_page_fn on_page;
	http_page_raw_fn on_page_raw;
	http_done_fn on_done;
	void *ctx;
	uint64_t *seen;
	size_t nseen, seen_cap;
	struct http_response *out;
	/* State of the current page. */
	enum job_state state;
	int64_t ready_at, page_start, started;
	int attempt;
	int renewed;
	/* The caller is being handed a page while the next one is already asked for: an end
	 * of the job in the meantime reaches on_done only after that page (done_pending). */
	int delivering, done_pending;
	uint64_t auth_gen, stale;
	struct rate_limiter *lim;
	double cost;
	CURL *easy;
	struct curl_slist *slist;
	char errbuf[CURL_ERROR_SIZE];
	struct membuf in;
	int too_big;
	long last_status;
	char *resp_ct, *resp_reqid, *resp_retry_after;
	struct http_job_info info;
	int rc;
	struct tater_err err;
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc;

static void curl_init_once(void)
{
	curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

void http_config_defaults(struct http_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->connect_timeout_ms = 10000;
	cfg->timeout_ms = 120000;
	cfg->max_body = (size_t)64 << 20;
	cfg->max_attempts = 8;
	cfg->retry_budget_ms = 5 * 60 * 1000;
	cfg->backoff_base_ms = 500;
	cfg->backoff_cap_ms = 30000;
	cfg->max_pages = 100000;
	cfg->max_host_connections = 8;
}

/* ---- small helpers ---------------------------------------------------------------------- */

static void wipe_free(char *p, size_t n)
{
	if (p) {
		sodium_memzero(p, n);
		free(p);
	}
}

static void wipe_str(char *p)
{
	if (p)
		wipe_free(p, strlen(p));
}

/* Header lines can hold a bearer token or a signature: wipe them before libcurl frees them. */
static void slist_wipe_free(struct curl_slist *l)
{
	for (struct curl_slist *i = l; i; i = i->next)
		if (i->data)
			sodium_memzero(i->data, strlen(i->data));
	curl_slist_free_all(l);
}

static int is_cancelled(const struct http_client *c)
{
	return c->cfg.cancel && atomic_load(c->cfg.cancel);
}

int http_hdrs_add(struct http_hdrs *h, const char *name, const char *value)
{
	struct curl_slist *l;
	char *line;
	int n;

	/* A CR or LF would let a value inject headers of its own. */
	if (!name || !value || strpbrk(name, "\r\n:") || strpbrk(value, "\r\n"))
		return TATER_EINVAL;
	n = asprintf(&line, "%s: %s", name, value);
	if (n < 0)
		return TATER_ENOMEM;
	l = curl_slist_append(h->list, line);
	wipe_free(line, (size_t)n);
	if (!l)
		return TATER_ENOMEM;
	h->list = l;
	return 0;
}

/* scheme://authority, lower-cased, of url (malloc'd), or NULL when url is not http(s). */
static char *url_origin(const char *url)
{
	const char *p;
	size_t n;
	char *o;

	if (strncasecmp(url, "https://", 8) && strncasecmp(url, "http://", 7))
		return NULL;
	p = strstr(url, "://") + 3;
	n = (size_t)(p - url) + strcspn(p, "/?#");
	if (n == (size_t)(p - url))
		return NULL;
	o = strndup(url, n);
	for (char *q = o; q && *q; q++)
		*q = (char)((*q >= 'A' && *q <= 'Z') ? *q + 32 : *q);
	return o;
}

static int same_origin(const struct job *j, const char *url)
{
	char *o = url_origin(url);
	int same = o && !strcmp(o, j->origin);

	free(o);
	return same;
}

static int status_code(long status)
{
	switch (status) {
	case 401:
		return TATER_EAUTH;
	case 403:
		return TATER_EPERM;
	case 404:
		return TATER_ENOTFOUND;
	}
	return TATER_EHTTP;
}

/* ---- jobs ------------------------------------------------------------------------------- */

static void job_reset_answer(struct job *j)
{
	free(j->in.p);
	j->in = (struct membuf){0};
	j->too_big = 0;
	free(j->resp_ct);
	free(j->resp_reqid);
	free(j->resp_retry_after);
	j->resp_ct = j->resp_reqid = j->resp_retry_after = NULL;
}

static void job_free(struct job *j)
{
	if (!j)
		return;
	if (j->easy) {
		curl_multi_remove_handle(j->eng->multi, j->easy);
		curl_easy_cleanup(j->easy);
	}
	slist_wipe_free(j->slist);
	job_reset_answer(j);
	free(j->method);
	wipe_str(j->url);
	free(j->origin);
	for (size_t i = 0; i < j->nheaders; i++)
		wipe_str(j->headers[i]);
	free(j->headers);
	wipe_free(j->body, j->body_len);
	free(j->content_type);
	free(j->tenant);
	free(j->items_key);
	free(j->seen);
	free(j);
}

/* Point the job at url and pick its limiter and cost (they follow the URL: a next link of a
 * Graph users collection costs what its $select says). */
static int job_set_url(struct job *j, const char *url)
{
	char scope[128];
	enum rate_class cls;
	char *copy = strdup(url);

	if (!copy)
		return TATER_ENOMEM;
	wipe_str(j->url);
	j->url = copy;
	cls = rate_classify(j->method, url, scope, sizeof(scope));
	if (j->cls_req != RATE_AUTO) {
		/* The caller's class wins; keep the subscription scope for ARM classes. */
		if (j->cls_req != RATE_ARM_READ && j->cls_req != RATE_ARM_WRITE)
			scope[0] = '\0';
		cls = j->cls_req;
	}
	j->lim = rate_get(j->c->rates, j->tenant, cls, scope);
	j->cost = j->cost_req > 0 ? j->cost_req : rate_cost(cls, url);
	return 0;
}

static int job_new(struct http_client *c, const struct http_request *req, struct job **out,
		   struct tater_err *err)
{
	char where[ERR_URL_LEN];
	struct job *j = NULL;
	size_t n = 0;

	*out = NULL;
	if (!req || !req->url)
		return tater_errf(err, TATER_EINVAL, "an HTTP request needs a URL");
	if (req->rate_class < RATE_AUTO || req->rate_class >= RATE_NCLASSES)
		return tater_errf(err, TATER_EINVAL, "unknown rate class %d", (int)req->rate_class);
	j = calloc(1, sizeof(*j));
	if (!j)
		return tater_errf(err, TATER_ENOMEM, "out of memory for an HTTP request");
	j->c = c;
	j->method = strdup(req->method ? req->method : "GET");
	for (char *m = j->method; m && *m; m++)
		*m = (char)((*m >= 'a' && *m <= 'z') ? *m - 32 : *m);
	j->tenant = strdup(req->tenant ? req->tenant : "");
	j->cls_req = req->rate_class;
	j->cost_req = req->cost;
	j->auth = req->auth;
	j->idempotent = req->idempotent ||
			(j->method && (!strcmp(j->method, "GET") || !strcmp(j->method, "HEAD") ||
				       !strcmp(j->method, "PUT") || !strcmp(j->method, "DELETE")));
	if (!j->method || !j->tenant)
		goto nomem;
	j->origin = url_origin(req->url);
	if (!j->origin) {
		http_redact_url(req->url, where, sizeof(where));
		job_free(j);
		return tater_errf(err, TATER_EINVAL, "not an http(s) URL: %s", where);
	}
	while (req->headers && req->headers[n])
		n++;
	if (n) {
		j->headers = calloc(n, sizeof(*j->headers));
		if (!j->headers)
			goto nomem;
		for (; j->nheaders < n; j->nheaders++) {
			if (strpbrk(req->headers[j->nheaders], "\r\n")) {
				job_free(j);
				return tater_errf(err, TATER_EINVAL,
						  "a request header holds a line break");
			}
			j->headers[j->nheaders] = strdup(req->headers[j->nheaders]);
			if (!j->headers[j->nheaders])
				goto nomem;
		}
	}
	if (req->body) {
		j->body_len = req->body_len ? req->body_len : strlen(req->body);
		j->body = malloc(j->body_len + 1);
		if (!j->body)
			goto nomem;
		memcpy(j->body, req->body, j->body_len);
		j->body[j->body_len] = '\0';
		j->content_type =
		    strdup(req->content_type ? req->content_type : "application/json");
		if (!j->content_type)
			goto nomem;
	}
	if (job_set_url(j, req->url))
		goto nomem;
	j->state = J_WAIT;
	j->ready_at = j->page_start = j->started = rate_now_ms();
	*out = j;
	return 0;
nomem:
	job_free(j);
	return tater_errf(err, TATER_ENOMEM, "out of memory for an HTTP request");
}

static void engine_append(struct engine *e, struct job *j)
{
	j->eng = e;
	j->next = NULL;
	*e->tail = j;
	e->tail = &j->next;
}

/* End the job: record the outcome and tell a paged job's owner.  The engine frees it later. */
static void job_finish(struct job *j, int rc)
{
	struct engine *e = j->eng;

	j->state = J_DONE;
	j->rc = rc;
	if (rc == 0)
		tater_err_clear(&j->err);
	else if (j->err.code == 0)
		j->err.code = rc;
	j->info.elapsed_ms = rate_now_ms() - j->started;
	if (rc && !e->first_rc) {
		e->first_rc = rc;
		e->first_err = j->err;
	}
	if (j->out) {
		/* A single request's caller gets the last answer, error or not. */
		struct http_response *o = j->out;

		http_response_free(o);
		o->status = j->last_status;
		o->attempts = (int)j->info.attempts;
		o->body = j->in.p;
		o->body_len = j->in.len;
		o->content_type = j->resp_ct;
		o->request_id = j->resp_reqid;
		j->in = (struct membuf){0};
		j->resp_ct = j->resp_reqid = NULL;
		j->out = NULL;
	}
	if (j->paged && j->on_done) {
		if (j->delivering)
			j->done_pending = 1;
		else
			j->on_done(j->ctx, rc, rc ? &j->err : NULL, &j->info);
	}
}

static int job_failf(struct job *j, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int job_failf(struct job *j, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tater_verrf(&j->err, rc, fmt, ap);
	va_end(ap);
	job_finish(j, rc);
	return rc;
}

/* ---- libcurl callbacks ------------------------------------------------------------------ */

static size_t on_write(char *data, size_t size, size_t nmemb, void *ud)
{
	struct job *j = ud;
	size_t n = size * nmemb;

	if (j->in.len + n > j->c->cfg.max_body) {
		j->too_big = 1;
		return 0; /* libcurl stops the transfer with CURLE_WRITE_ERROR */
	}
	if (j->in.len + n + 1 > j->in.cap) {
		size_t cap = j->in.cap ? j->in.cap : 16384;
		char *p;

		while (cap < j->in.len + n + 1)
			cap *= 2;
		p = realloc(j->in.p, cap);
		if (!p)
			return 0;
		j->in.p = p;
		j->in.cap = cap;
	}
	memcpy(j->in.p + j->in.len, data, n);
	j->in.len += n;
	j->in.p[j->in.len] = '\0';
	return n;
}

static char *header_value(const char *line, size_t n, const char *name)
{
	size_t nl = strlen(name);
	const char *v;

	if (n <= nl || strncasecmp(line, name, nl) || line[nl] != ':')
		return NULL;
	v = line + nl + 1;
	while (v < line + n && (*v == ' ' || *v == '\t'))
		v++;
	n -= (size_t)(v - line);
	while (n > 0 && (v[n - 1] == '\r' || v[n - 1] == '\n' || v[n - 1] == ' '))
		n--;
	return strndup(v, n);
}

static void keep(char **slot, char *v)
{
	if (v) {
		free(*slot);
		*slot = v;
	}
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *ud)
{
	struct job *j = ud;
	size_t n = size * nmemb;

	/* A new status line (after a 100 Continue, say) starts a new set of headers. */
	if (n >= 5 && !strncmp(data, "HTTP/", 5)) {
		free(j->resp_ct);
		free(j->resp_reqid);
		free(j->resp_retry_after);
		j->resp_ct = j->resp_reqid = j->resp_retry_after = NULL;
		return n;
	}
	keep(&j->resp_retry_after, header_value(data, n, "Retry-After"));
	keep(&j->resp_ct, header_value(data, n, "Content-Type"));
	keep(&j->resp_reqid, header_value(data, n, "request-id"));
	keep(&j->resp_reqid, header_value(data, n, "x-ms-request-id"));
	return n;
}

static int on_progress(void *ud, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
	struct job *j = ud;

	return is_cancelled(j->c) ? 1 : 0;
}

/* ---- starting a transfer ---------------------------------------------------------------- */

static int job_start(struct job *j)
{
	struct http_client *c = j->c;
	struct http_hdrs h = {NULL};
	char where[ERR_URL_LEN];
	CURL *e;
	int rc;

	job_reset_answer(j);
	j->attempt++;
	j->info.attempts++;
	for (size_t i = 0; i < j->nheaders; i++) {
		struct curl_slist *l = curl_slist_append(h.list, j->headers[i]);

		if (!l)
			goto nomem;
		h.list = l;
	}
	if (j->body && http_hdrs_add(&h, "Content-Type", j->content_type))
		goto nomem;
	/* No "Expect: 100-continue" round trip for our small bodies. */
	{
		struct curl_slist *l = curl_slist_append(h.list, "Expect:");

		if (!l)
			goto nomem;
		h.list = l;
	}
	if (j->auth) {
		struct tater_err aerr = {0};

		rc = j->auth->sign(j->auth, c, j->method, j->url, j->body, j->body_len, j->stale,
				   &j->auth_gen, &h, &aerr);
		j->stale = 0;
		if (rc) {
			slist_wipe_free(h.list);
			j->err = aerr;
			if (!j->err.code)
				tater_errf(&j->err, rc, "could not get a credential");
			job_finish(j, rc);
			return rc;
		}
	}
	e = curl_easy_init();
	if (!e)
		goto nomem;
	j->easy = e;
	j->slist = h.list;
	j->errbuf[0] = '\0';
	curl_easy_setopt(e, CURLOPT_URL, j->url);
	curl_easy_setopt(e, CURLOPT_SHARE, c->share);
	curl_easy_setopt(e, CURLOPT_PRIVATE, j);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, j->errbuf);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, c->cfg.connect_timeout_ms);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, c->cfg.timeout_ms);
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(e, CURLOPT_USERAGENT, c->ua);
	curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)c->cfg.max_body);
	if (c->cfg.ca_file)
		curl_easy_setopt(e, CURLOPT_CAINFO, c->cfg.ca_file);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, j->slist);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, j);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, j);
	curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(e, CURLOPT_XFERINFODATA, j);
	curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
	if (!strcmp(j->method, "GET")) {
		curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
	} else if (!strcmp(j->method, "HEAD")) {
		curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
	} else {
		if (strcmp(j->method, "POST"))
			curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, j->method);
		if (j->body || !strcmp(j->method, "POST")) {
			/* Not COPYPOSTFIELDS: the body can hold a secret, and only our copy is
			 * wiped. */
			curl_easy_setopt(e, CURLOPT_POSTFIELDS, j->body ? j->body : "");
			curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)j->body_len);
		}
	}
	if (curl_multi_add_handle(j->eng->multi, e) != CURLM_OK) {
		http_redact_url(j->url, where, sizeof(where));
		return job_failf(j, TATER_ENET, "%s %s: libcurl refused the transfer", j->method,
				 where);
	}
	j->state = J_RUN;
	c->stats.requests++;
	return 0;
nomem:
	slist_wipe_free(h.list);
	return job_failf(j, TATER_ENOMEM, "out of memory starting an HTTP request");
}

static void job_detach(struct job *j)
{
	if (j->easy) {
		curl_multi_remove_handle(j->eng->multi, j->easy);
		curl_easy_cleanup(j->easy);
		j->easy = NULL;
	}
	slist_wipe_free(j->slist);
	j->slist = NULL;
}

/* Start a waiting job unless its rate class says to wait: then the wait in ms (> 0). */
static long job_try_start(struct job *j, int64_t now)
{
	if (j->lim) {
		long w = rate_take(j->lim, j->cost, now);

		if (w > 0) {
			j->c->stats.paced++;
			j->info.paced++;
			j->ready_at = now + w;
			return w;
		}
	}
	job_start(j);
	return 0;
}

/* ---- completion ------------------------------------------------------------------------- */

static int transport_retryable(CURLcode res)
{
	switch (res) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_PARTIAL_FILE:
	case CURLE_GOT_NOTHING:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_BAD_CONTENT_ENCODING:
		return 1;
	default:
		return 0;
	}
}

/* Before any byte left: the service cannot have acted, so even a POST may go again. */
static int before_sending(CURLcode res)
{
	return res == CURLE_COULDNT_RESOLVE_HOST || res == CURLE_COULDNT_CONNECT;
}

/* Schedule another attempt of the current page, or give up with `why`. */
/* The job's host could not be reached (its retries are spent): remember it. */
static void host_down(struct job *j)
{
	struct http_client *c = j->c;
	struct down_host *slot = &c->down[0];

	if (!j->origin)
		return;
	for (int i = 0; i < DOWN_HOSTS; i++) {
		if (c->down[i].origin && !strcmp(c->down[i].origin, j->origin)) {
			slot = &c->down[i];
			break;
		}
		if (c->down[i].until < slot->until)
			slot = &c->down[i]; /* else the oldest entry goes */
	}
	if (!slot->origin || strcmp(slot->origin, j->origin)) {
		free(slot->origin);
		if (!(slot->origin = strdup(j->origin)))
			return;
	}
	slot->err = j->err;
	slot->until = rate_now_ms() + DOWN_MEMORY_MS;
}

static const struct tater_err *host_is_down(const struct http_client *c, const char *origin,
					     int64_t now)
{
	for (int i = 0; origin && i < DOWN_HOSTS; i++)
		if (c->down[i].origin && now < c->down[i].until &&
		    !strcmp(c->down[i].origin, origin))
			return &c->down[i].err;
	return NULL;
}

static void job_retry(struct job *j, long wait_ms, int rc, const char *why)
{
	struct http_client *c = j->c;
	char where[ERR_URL_LEN];
	int64_t now = rate_now_ms();
	long delay;

	http_redact_url(j->url, where, sizeof(where));
	if (j->attempt >= c->cfg.max_attempts) {
		job_failf(j, rc, "%s (gave up after %d attempts: %s %s)", why, j->attempt,
			  j->method, where);
		if (rc == TATER_ENET || rc == TATER_ETIMEOUT)
			host_down(j);
		return;
	}
	delay = wait_ms >= 0 ? wait_ms
			     : http_backoff_ms(j->attempt, c->cfg.backoff_base_ms,
					       c->cfg.backoff_cap_ms, randombytes_random());
	if (now + delay - j->page_start > c->cfg.retry_budget_ms) {
		job_failf(j, rc,
			  "%s (gave up: waiting %.1f s more would pass the %ld s retry "
			  "budget: %s %s)",
			  why, delay / 1000.0, c->cfg.retry_budget_ms / 1000, j->method, where);
		if (rc == TATER_ENET || rc == TATER_ETIMEOUT)
			host_down(j);
		return;
	}
	c->stats.retries++;
	j->info.retries++;
	j->state = J_WAIT;
	j->ready_at = now + delay;
}

/* The service's error as "code: message", or "HTTP <status>" alone. */
static void describe_status(const struct job *j, long status, char *out, size_t len)
{
	char code[96], msg[320];

	if (!http_service_error(j->in.p, j->in.len, code, sizeof(code), msg, sizeof(msg))) {
		snprintf(out, len, "HTTP %ld %s%s%s", status, code, code[0] && msg[0] ? ": " : "",
			 msg);
		return;
	}
	snprintf(out, len, "HTTP %ld (the answer carries no error details)", status);
}

static int job_deliver(struct job *j);

static void job_done(struct job *j, CURLcode res)
{
	struct http_client *c = j->c;
	char where[ERR_URL_LEN], why[448];
	long status = 0, ra_ms = -1;

	curl_easy_getinfo(j->easy, CURLINFO_RESPONSE_CODE, &status);
	j->last_status = status;
	c->stats.bytes += j->in.len;
	if (res != CURLE_OK) {
		http_redact_url(j->url, where, sizeof(where));
		if (is_cancelled(c)) {
			job_failf(j, TATER_ECANCELED, "%s %s: cancelled", j->method, where);
			return;
		}
		if (j->too_big || res == CURLE_FILESIZE_EXCEEDED) {
			job_failf(j, TATER_EFORMAT,
				  "the answer is larger than the %zu KiB limit (%s %s)",
				  c->cfg.max_body >> 10, j->method, where);
			return;
		}
		int rc = res == CURLE_OPERATION_TIMEDOUT ? TATER_ETIMEOUT : TATER_ENET;

		snprintf(why, sizeof(why), "%s%s%s", curl_easy_strerror(res),
			 j->errbuf[0] ? ": " : "", j->errbuf);
		c->stats.transport_errors++;
		job_detach(j);
		if (transport_retryable(res) && (j->idempotent || before_sending(res))) {
			job_retry(j, -1, rc, why);
			return;
		}
		job_failf(j, rc, "%s (%s %s)", why, j->method, where);
		return;
	}
	if (status == 401 && j->auth && !j->renewed) {
		/* A token the service should have accepted (expired early, revoked): renew once. */
		job_detach(j);
		j->renewed = 1;
		j->stale = j->auth_gen;
		c->stats.auth_renewals++;
		j->state = J_WAIT;
		j->ready_at = rate_now_ms();
		return;
	}
	if (http_status_retryable(status) && (j->idempotent || status != 504)) {
		if (http_parse_retry_after(j->resp_retry_after, time(NULL), &ra_ms))
			ra_ms = -1;
		if (status == 429) {
			c->stats.throttled++;
			j->info.throttled++;
			/* The whole class is over its limit, not just this request: hold it. */
			rate_hold(j->lim, rate_now_ms() +
					      (ra_ms >= 0 ? ra_ms
							  : http_backoff_ms(j->attempt,
									    c->cfg.backoff_base_ms,
									    c->cfg.backoff_cap_ms,
									    randombytes_random())));
		} else {
			c->stats.unavailable++;
		}
		describe_status(j, status, why, sizeof(why));
		job_detach(j);
		job_retry(j, ra_ms, TATER_EHTTP, why);
		return;
	}
	if (status < 200 || status > 299) {
		describe_status(j, status, why, sizeof(why));
		http_redact_url(j->url, where, sizeof(where));
		job_failf(j, status_code(status), "%s (%s %s)", why, j->method, where);
		return;
	}
	job_deliver(j);
}

static uint64_t url_hash(const char *url)
{
	uint64_t h;

	crypto_generichash((unsigned char *)&h, sizeof(h), (const unsigned char *)url, strlen(url),
			   NULL, 0);
	return h;
}

static int seen_add(struct job *j, uint64_t h)
{
	for (size_t i = 0; i < j->nseen; i++)
		if (j->seen[i] == h)
			return 1;
	if (j->nseen == j->seen_cap) {
		size_t cap = j->seen_cap ? j->seen_cap * 2 : 16;
		uint64_t *p = realloc(j->seen, cap * sizeof(*p));

		if (!p)
			return -1;
		j->seen = p;
		j->seen_cap = cap;
	}
	j->seen[j->nseen++] = h;
	return 0;
}

/* Text from outside for a message: controls become '?'. */
static void clean_text(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

static int malformed(struct job *j, const char *where, const char *what, int line, int column)
{
	return job_failf(j, TATER_EFORMAT,
			 "malformed JSON page from %s: %s (line %d, column %d); the collection "
			 "stopped there",
			 where, what, line, column);
}

/* A 2xx answer: the single request's response, or a page for the callback. */
/* What a page says about its paging, the same from the scanner (callers of raw pages: no
 * tree) or from a jansson tree (*page, for on_page).  v->next is malloc'd either way. */
static int page_view(struct job *j, const char *where, struct json_page_scan *v, json_t **page)
{
	const char *body = j->in.p ? j->in.p : "";
	json_error_t jerr;
	json_t *items, *next;

	if (j->on_page_raw) {
		if (json_scan_page(body, j->in.len, j->items_key, v) < 0)
			return malformed(j, where, v->error, v->line, v->column);
		return 0;
	}
	memset(v, 0, sizeof(*v));
	if (!(*page = json_loadb(body, j->in.len, 0, &jerr))) {
		clean_text(jerr.text);
		return malformed(j, where, jerr.text, jerr.line, jerr.column);
	}
	v->is_object = json_is_object(*page);
	items = json_object_get(*page, j->items_key ? j->items_key : "value");
	v->items_found = items != NULL;
	v->items_is_array = json_is_array(items);
	v->nitems = json_array_size(items);
	next = json_object_get(*page, "@odata.nextLink");
	if (!next || json_is_null(next))
		next = json_object_get(*page, "nextLink");
	if (next && !json_is_null(next)) {
		v->next_found = 1;
		v->next_is_string = json_is_string(next);
		if (v->next_is_string && !(v->next = strdup(json_string_value(next))))
			return job_failf(j, TATER_ENOMEM, "out of memory reading a page");
	}
	return 0;
}

static int job_deliver(struct job *j)
{
	struct http_client *c = j->c;
	char where[ERR_URL_LEN];
	json_t *page = NULL, *items = NULL;
	struct json_page_scan scan = {0};
	struct membuf body = {0};
	const char *next_url = NULL;
	size_t nitems = 0;
	int rc;

	if (!j->paged) {
		job_detach(j);
		job_finish(j, 0);
		return 0;
	}
	http_redact_url(j->url, where, sizeof(where));
	if ((rc = page_view(j, where, &scan, &page)) < 0)
		goto out;
	if (!scan.is_object) {
		rc = job_failf(j, TATER_EFORMAT, "the page from %s is not a JSON object", where);
		goto out;
	}
	if (j->paging == HTTP_PAGING_ODATA) {
		if (!scan.items_is_array) {
			rc = job_failf(j, TATER_EFORMAT, "the page from %s has no \"%s\" array", where,
				       j->items_key ? j->items_key : "value");
			goto out;
		}
		if (scan.next_found && !scan.next_is_string) {
			rc = job_failf(j, TATER_EFORMAT,
				       "the page from %s has a next link that is not a string", where);
			goto out;
		}
		next_url = scan.next;
		nitems = scan.nitems;
		if (page)
			items = json_object_get(page, j->items_key ? j->items_key : "value");
	}
	/* Refuse a bad next link before the page reaches the caller: a page that ends in an
	 * error is not delivered. */
	if (next_url) {
		char nwhere[ERR_URL_LEN];

		http_redact_url(next_url, nwhere, sizeof(nwhere));
		if (!same_origin(j, next_url)) {
			/* Following it would hand our bearer token to another host. */
			rc = job_failf(j, TATER_EFORMAT,
				       "the page from %s links to another host (%s); not followed",
				       where, nwhere);
			goto out;
		}
		if (j->info.pages + 1 >= (unsigned)j->max_pages) {
			rc = job_failf(j, TATER_EFORMAT,
				       "stopped after %d pages (the page limit) at %s; the "
				       "collection is incomplete",
				       j->max_pages, where);
			goto out;
		}
		if (seen_add(j, url_hash(j->url)) < 0 || seen_add(j, url_hash(next_url)) != 0) {
			rc = job_failf(j, TATER_EFORMAT,
				       "the page from %s links back to a page already read (%s); "
				       "stopped to avoid a loop",
				       where, nwhere);
			goto out;
		}
	}
	c->stats.pages++;
	j->info.pages++;
	j->info.items += nitems;
	job_detach(j);
	/* The page is the caller's now; the job's buffer takes the next one. */
	body = j->in;
	j->in = (struct membuf){0};
	if (next_url) {
		if (job_set_url(j, next_url)) {
			rc = job_failf(j, TATER_ENOMEM, "out of memory following a next link");
			goto out;
		}
		/* A fresh page: fresh attempts, a fresh retry budget, a fresh 401 renewal. */
		j->attempt = 0;
		j->renewed = 0;
		j->page_start = rate_now_ms();
		j->ready_at = j->page_start;
		j->state = J_WAIT;
		/* Pages of a collection come one after the other: ask for the next one before
		 * handing this one over, so that the service prepares it while the caller stores
		 * this one. */
		if (j->on_page || j->on_page_raw) {
			j->delivering = 1;
			if (job_try_start(j, j->page_start) == 0 && j->state == J_RUN) {
				int still;

				curl_multi_perform(j->eng->multi, &still);
			}
		}
	}
	if (j->on_page || j->on_page_raw) {
		struct tater_err perr = {0};
		struct http_raw_page raw = {.body = body.p ? body.p : "",
					    .len = body.len,
					    .singleton = j->paging == HTTP_PAGING_NONE,
					    .nitems = nitems,
					    .items_all_objects = scan.items_all_objects};

		rc = j->on_page_raw ? j->on_page_raw(j->ctx, &raw, &perr)
				    : j->on_page(j->ctx, items, page, &perr);
		j->delivering = 0;
		if (rc != 0) {
			/* The caller stops here (rc > 0) or refused the page: the next page, if
			 * already asked for, is dropped. */
			job_detach(j);
			if (rc < 0) {
				if (j->state != J_DONE) {
					j->err = perr;
					if (!j->err.code)
						tater_errf(&j->err, rc, "the page from %s was refused",
							   where);
				}
			}
			if (j->state != J_DONE)
				job_finish(j, rc < 0 ? rc : 0);
			rc = rc < 0 ? rc : 0;
		}
		if (j->done_pending) {
			j->done_pending = 0;
			j->on_done(j->ctx, j->rc, j->rc ? &j->err : NULL, &j->info);
		}
		if (rc < 0 || j->state == J_DONE)
			goto out;
	}
	if (!next_url)
		job_finish(j, 0);
	rc = 0;
out:
	free(body.p);
	json_decref(page);
	free(scan.next);
	return rc;
}

/* ---- the engine ------------------------------------------------------------------------- */

static int engine_init(struct http_client *c, struct engine *e, struct tater_err *err)
{
	memset(e, 0, sizeof(*e));
	e->tail = &e->jobs;
	e->multi = curl_multi_init();
	if (!e->multi)
		return tater_errf(err, TATER_ENOMEM, "could not create a libcurl multi handle");
	curl_multi_setopt(e->multi, CURLMOPT_MAX_HOST_CONNECTIONS,
			  c->cfg.max_host_connections > 0 ? c->cfg.max_host_connections : 8L);
	return 0;
}

static void engine_sweep(struct engine *e)
{
	struct job **pp = &e->jobs;

	while (*pp) {
		struct job *j = *pp;

		if (j->state == J_DONE) {
			*pp = j->next;
			job_free(j);
		} else {
			pp = &j->next;
		}
	}
	e->tail = pp;
}

static void engine_cleanup(struct engine *e)
{
	for (struct job *j = e->jobs; j; j = j->next)
		if (j->state != J_DONE)
			job_failf(j, TATER_ECANCELED, "the HTTP client was closed");
	engine_sweep(e);
	if (e->multi)
		curl_multi_cleanup(e->multi);
	e->multi = NULL;
}

static void engine_cancel_all(struct engine *e)
{
	for (struct job *j = e->jobs; j; j = j->next) {
		char where[ERR_URL_LEN];

		if (j->state == J_DONE)
			continue;
		job_detach(j);
		http_redact_url(j->url, where, sizeof(where));
		job_failf(j, TATER_ECANCELED, "%s %s: cancelled", j->method, where);
	}
}

static int engine_run(struct http_client *c, struct engine *e, struct tater_err *err)
{
	int rc;

	e->running = 1;
	e->first_rc = 0;
	tater_err_clear(&e->first_err);
	for (;;) {
		int64_t now = rate_now_ms();
		long wait = POLL_SLICE_MS;
		int live = 0, progressed = 0, still, left;
		CURLMsg *msg;

		if (is_cancelled(c)) {
			engine_cancel_all(e);
			engine_sweep(e);
			e->running = 0;
			return tater_errf(err, TATER_ECANCELED, "cancelled");
		}
		for (struct job *j = e->jobs; j; j = j->next) {
			if (j->state == J_DONE)
				continue;
			live++;
			if (j->state == J_RUN)
				continue;
			if (j->ready_at > now) {
				if (j->ready_at - now < wait)
					wait = (long)(j->ready_at - now);
				continue;
			}
			{
				const struct tater_err *down = host_is_down(c, j->origin, now);

				if (down) {
					j->err = *down;
					job_finish(j, down->code < 0 ? down->code : TATER_ENET);
					continue;
				}
			}
			{
				long w = job_try_start(j, now);

				if (w > 0) {
					if (w < wait)
						wait = w;
					continue;
				}
			}
			/* sign() may have run a token request: time moved on. */
			now = rate_now_ms();
		}
		engine_sweep(e);
		if (!live)
			break;
		curl_multi_perform(e->multi, &still);
		while ((msg = curl_multi_info_read(e->multi, &left))) {
			struct job *j = NULL;

			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&j);
			if (j) {
				job_done(j, msg->data.result);
				if (j->state == J_DONE)
					job_detach(j);
			}
			progressed = 1;
		}
		if (progressed)
			continue;
		curl_multi_poll(e->multi, NULL, 0, wait > 0 ? (int)wait : 0, NULL);
	}
	e->running = 0;
	rc = e->first_rc;
	if (rc && err)
		*err = e->first_err;
	return rc;
}

/* ---- the client ------------------------------------------------------------------------- */

int http_client_new(const struct http_config *cfg, struct http_client **out, struct tater_err *err)
{
	struct http_client *c;
	int rc;

	*out = NULL;
	pthread_once(&curl_once, curl_init_once);
	if (curl_init_rc != CURLE_OK)
		return tater_errf(err, TATER_ENET, "libcurl failed to initialise: %s",
				  curl_easy_strerror(curl_init_rc));
	if (sodium_init() < 0)
		return tater_errf(err, TATER_ECRYPTO, "libsodium failed to initialise");
	c = calloc(1, sizeof(*c));
	if (!c)
		return tater_errf(err, TATER_ENOMEM, "out of memory for the HTTP client");
	if (cfg)
		c->cfg = *cfg;
	else
		http_config_defaults(&c->cfg);
	if (c->cfg.max_attempts < 1)
		c->cfg.max_attempts = 1;
	if (c->cfg.max_pages < 1)
		c->cfg.max_pages = 1;
	if (c->cfg.max_body == 0)
		c->cfg.max_body = (size_t)64 << 20;
	snprintf(c->ua, sizeof(c->ua), "tater/%s", TATER_VERSION);
	c->share = curl_share_init();
	if (!c->share) {
		rc = tater_errf(err, TATER_ENOMEM, "could not create a libcurl share handle");
		goto fail;
	}
	/* One worker thread per client: no lock callbacks needed. */
	curl_share_setopt(c->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
	curl_share_setopt(c->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
	curl_share_setopt(c->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
	if (c->cfg.rates) {
		c->rates = c->cfg.rates;
	} else {
		rc = rate_registry_new(c->cfg.rate_cfg, &c->rates, err);
		if (rc)
			goto fail;
		c->own_rates = 1;
	}
	c->cfg.rates = c->rates;
	c->cfg.rate_cfg = NULL;
	rc = engine_init(c, &c->main, err);
	if (rc)
		goto fail;
	*out = c;
	return 0;
fail:
	http_client_free(c);
	return rc;
}

void http_client_free(struct http_client *c)
{
	if (!c)
		return;
	engine_cleanup(&c->main);
	if (c->share)
		curl_share_cleanup(c->share);
	if (c->own_rates)
		rate_registry_free(c->rates);
	for (int i = 0; i < DOWN_HOSTS; i++)
		free(c->down[i].origin);
	free(c);
}

struct rate_registry *http_client_rates(struct http_client *c)
{
	return c->rates;
}

void http_stats_get(const struct http_client *c, struct http_stats *out)
{
	*out = c->stats;
}

void http_stats_reset(struct http_client *c)
{
	memset(&c->stats, 0, sizeof(c->stats));
}

void http_response_free(struct http_response *r)
{
	if (!r)
		return;
	free(r->body);
	free(r->content_type);
	free(r->request_id);
	memset(r, 0, sizeof(*r));
}

/* Run one job on a temporary engine. */
static int run_alone(struct http_client *c, struct job *j, struct tater_err *err)
{
	struct engine e;
	int rc = engine_init(c, &e, err);

	if (rc) {
		job_free(j);
		return rc;
	}
	engine_append(&e, j);
	rc = engine_run(c, &e, err);
	engine_cleanup(&e);
	return rc;
}

int http_request(struct http_client *c, const struct http_request *req, struct http_response *resp,
		 struct tater_err *err)
{
	struct http_response scratch = {0};
	struct job *j = NULL;
	int rc;

	if (resp)
		memset(resp, 0, sizeof(*resp));
	rc = job_new(c, req, &j, err);
	if (rc)
		return rc;
	j->out = resp ? resp : &scratch;
	rc = run_alone(c, j, err);
	http_response_free(&scratch);
	return rc;
}

int http_request_json(struct http_client *c, const struct http_request *req, json_t **out,
		      struct tater_err *err)
{
	struct http_response r;
	char where[ERR_URL_LEN];
	json_error_t jerr;
	int rc;

	*out = NULL;
	rc = http_request(c, req, &r, err);
	if (rc)
		goto out;
	*out = json_loadb(r.body ? r.body : "", r.body_len, 0, &jerr);
	if (!*out) {
		http_redact_url(req->url, where, sizeof(where));
		clean_text(jerr.text);
		rc = tater_errf(err, TATER_EFORMAT, "malformed JSON from %s: %s (line %d)", where,
				jerr.text, jerr.line);
	}
out:
	http_response_free(&r);
	return rc;
}

static int paged_job(struct http_client *c, const struct http_paged *p, struct job **out,
		     struct tater_err *err)
{
	struct job *j = NULL;
	int rc;

	if (p->paging != HTTP_PAGING_ODATA && p->paging != HTTP_PAGING_NONE)
		return tater_errf(err, TATER_EINVAL, "unsupported paging style %d", (int)p->paging);
	rc = job_new(c, &p->req, &j, err);
	if (rc)
		return rc;
	j->paged = 1;
	j->paging = p->paging;
	j->max_pages = p->max_pages > 0 ? p->max_pages : c->cfg.max_pages;
	j->on_page = p->on_page;
	j->on_page_raw = p->on_page_raw;
	j->on_done = p->on_done;
	j->ctx = p->ctx;
	if (p->items_key && !(j->items_key = strdup(p->items_key))) {
		job_free(j);
		return tater_errf(err, TATER_ENOMEM, "out of memory for a collection");
	}
	*out = j;
	return 0;
}

int http_multi_add_paged(struct http_client *c, const struct http_paged *p, struct tater_err *err)
{
	struct job *j = NULL;
	int rc = paged_job(c, p, &j, err);

	if (rc)
		return rc;
	engine_append(&c->main, j);
	return 0;
}

int http_multi_run(struct http_client *c, struct tater_err *err)
{
	if (c->main.running)
		return tater_errf(err, TATER_EBUSY,
				  "http_multi_run is already running on this client");
	return engine_run(c, &c->main, err);
}

int http_get_paged(struct http_client *c, const struct http_paged *p, struct tater_err *err)
{
	struct job *j = NULL;
	int rc = paged_job(c, p, &j, err);

	if (rc)
		return rc;
	return run_alone(c, j, err);
}
