/* test_http.c - the HTTP client: its pure pieces, then the real libcurl code against tater-sim
 * on loopback (paging, Retry-After, cut connections, malformed pages, pacing). */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <pthread.h>
#include <unistd.h>

#include "tater/http.h"
#include "simproc.h"

/* ---- Retry-After ------------------------------------------------------------------------ */

static void test_retry_after_seconds(void **state)
{
	long ms = -5;

	assert_int_equal(http_parse_retry_after("120", 0, &ms), 0);
	assert_int_equal(ms, 120000);
	assert_int_equal(http_parse_retry_after("2.128", 0, &ms), 0);
	assert_int_equal(ms, 2128);
	assert_int_equal(http_parse_retry_after(" 3 ", 0, &ms), 0);
	assert_int_equal(ms, 3000);
	assert_int_equal(http_parse_retry_after("0", 0, &ms), 0);
	assert_int_equal(ms, 0);
	/* A sub-millisecond remainder rounds up: never earlier than asked. */
	assert_int_equal(http_parse_retry_after("0.0001", 0, &ms), 0);
	assert_int_equal(ms, 1);
	assert_int_equal(http_parse_retry_after(".5", 0, &ms), 0);
	assert_int_equal(ms, 500);
	/* Absurd values are capped, not overflowed. */
	assert_int_equal(http_parse_retry_after("99999999999999999999", 0, &ms), 0);
	assert_true(ms > 0 && ms <= 7L * 24 * 3600 * 1000);
	ms = 77;
	assert_int_equal(http_parse_retry_after(NULL, 0, &ms), -1);
	assert_int_equal(http_parse_retry_after("", 0, &ms), -1);
	assert_int_equal(http_parse_retry_after("-1", 0, &ms), -1);
	assert_int_equal(http_parse_retry_after("soon", 0, &ms), -1);
	assert_int_equal(http_parse_retry_after("1e3", 0, &ms), -1);
	assert_int_equal(http_parse_retry_after("2,5", 0, &ms), -1);
	assert_int_equal(ms, 77);
}

static void test_retry_after_ignores_locale(void **state)
{
	long ms = 0;

	/* The console runs with setlocale(LC_ALL, ""): a comma locale must not change "2.128". */
	if (!setlocale(LC_NUMERIC, "de_DE.UTF-8") && !setlocale(LC_NUMERIC, "fr_FR.UTF-8"))
		skip();
	assert_int_equal(http_parse_retry_after("2.128", 0, &ms), 0);
	assert_int_equal(ms, 2128);
	setlocale(LC_NUMERIC, "C");
}

static void test_retry_after_date(void **state)
{
	const char *date = "Wed, 21 Oct 2015 07:28:00 GMT";
	time_t when = curl_getdate(date, NULL);
	long ms = -1;

	assert_true(when > 0);
	assert_int_equal(http_parse_retry_after(date, when - 30, &ms), 0);
	assert_int_equal(ms, 30000);
	/* RFC 850 and asctime forms too. */
	assert_int_equal(http_parse_retry_after("Wednesday, 21-Oct-15 07:28:00 GMT", when - 2, &ms),
			 0);
	assert_int_equal(ms, 2000);
	assert_int_equal(http_parse_retry_after("Wed Oct 21 07:28:00 2015", when - 1, &ms), 0);
	assert_int_equal(ms, 1000);
	/* A date in the past: go now. */
	assert_int_equal(http_parse_retry_after(date, when + 100, &ms), 0);
	assert_int_equal(ms, 0);
}

/* ---- backoff ---------------------------------------------------------------------------- */

static void test_backoff_full_jitter(void **state)
{
	/* The ceiling doubles from the base and stops at the cap; the pick spans [0, ceiling]. */
	assert_int_equal(http_backoff_ms(1, 500, 30000, 500), 500);
	assert_int_equal(http_backoff_ms(1, 500, 30000, 501), 0);
	assert_int_equal(http_backoff_ms(2, 500, 30000, 1000), 1000);
	assert_int_equal(http_backoff_ms(4, 500, 30000, 4000), 4000);
	assert_int_equal(http_backoff_ms(4, 500, 30000, 4001), 0);
	assert_int_equal(http_backoff_ms(30, 500, 30000, 30000), 30000);
	assert_int_equal(http_backoff_ms(1000, 500, 30000, 30000), 30000);
	assert_int_equal(http_backoff_ms(3, 500, 30000, 0), 0);
	for (uint32_t r = 0; r < 100000; r += 7) {
		long b = http_backoff_ms(5, 500, 30000, r * 2654435761u);

		assert_true(b >= 0 && b <= 8000);
	}
}

/* ---- redaction -------------------------------------------------------------------------- */

static void test_redact(void **state)
{
	char out[512];

	http_redact_url("https://s1.webhook.azure-automation.net/webhooks?token=Ab%2FcD3f", out,
			sizeof(out));
	assert_string_equal(out, "https://s1.webhook.azure-automation.net/webhooks?token=****");
	http_redact_url("https://u:hunter2@example.com/p?a=1&Sig=XYZ&b=2", out, sizeof(out));
	assert_string_equal(out, "https://****@example.com/p?a=1&Sig=****&b=2");
	http_redact_url("https://graph.microsoft.com/v1.0/users?$top=999&$skiptoken=RFNwdAIAAQ",
			out, sizeof(out));
	assert_string_equal(
	    out, "https://graph.microsoft.com/v1.0/users?$top=999&$skiptoken=RFNwdAIAAQ");
	http_redact_url("https://x/cb?client_secret=s3cr3t&my_refresh_token=r&x-amz-signature=f#"
			"access_token=t",
			out, sizeof(out));
	assert_null(strstr(out, "s3cr3t"));
	assert_null(strstr(out, "=r&"));
	assert_null(strstr(out, "=f"));
	assert_null(strstr(out, "access_token=t"));
	http_redact_url("http://127.0.0.1:5000/v1.0/users", out, sizeof(out));
	assert_string_equal(out, "http://127.0.0.1:5000/v1.0/users");
}

static void test_redact_truncates_after_redacting(void **state)
{
	char url[600], out[64];

	snprintf(url, sizeof(url), "https://example.com/%0400d?token=SECRETSECRET", 0);
	http_redact_url(url, out, sizeof(out));
	assert_int_equal(strlen(out), sizeof(out) - 1);
	assert_string_equal(out + sizeof(out) - 4, "...");
	assert_null(strstr(out, "SECRET"));
	/* Even a buffer that ends inside the parameter shows no part of the value. */
	snprintf(url, sizeof(url), "https://e.com/w?token=SECRETSECRETSECRET");
	for (size_t n = 1; n < 50; n++) {
		char small[50];

		http_redact_url(url, small, n);
		assert_null(strstr(small, "SECR"));
	}
}

/* ---- service errors --------------------------------------------------------------------- */

static void test_service_error(void **state)
{
	char code[64], msg[256];
	const char *graph = "{\"error\":{\"code\":\"Authorization_RequestDenied\",\"message\":"
			    "\"Insufficient privileges to complete the operation.\",\"innerError\":"
			    "{\"date\":\"2026-01-01T00:00:00\",\"request-id\":\"r\"}}}";
	const char *login = "{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000215: "
			    "Invalid client secret provided.\\r\\nTrace ID: abc\\r\\nCorrelation "
			    "ID: def\",\"error_codes\":[7000215]}";
	const char *gcp = "{\"error\":{\"code\":403,\"message\":\"denied\",\"status\":"
			  "\"PERMISSION_DENIED\"}}";

	assert_int_equal(
	    http_service_error(graph, strlen(graph), code, sizeof(code), msg, sizeof(msg)), 0);
	assert_string_equal(code, "Authorization_RequestDenied");
	assert_string_equal(msg, "Insufficient privileges to complete the operation.");
	assert_int_equal(
	    http_service_error(login, strlen(login), code, sizeof(code), msg, sizeof(msg)), 0);
	assert_string_equal(code, "invalid_client");
	assert_string_equal(msg, "AADSTS7000215: Invalid client secret provided.");
	assert_int_equal(http_service_error(gcp, strlen(gcp), code, sizeof(code), msg, sizeof(msg)),
			 0);
	assert_string_equal(code, "PERMISSION_DENIED");
	assert_int_equal(
	    http_service_error("<html>oops</html>", 17, code, sizeof(code), msg, sizeof(msg)), -1);
	assert_string_equal(code, "");
	/* Control characters from outside never reach a message. */
	const char *esc = "{\"error\":{\"code\":\"X\",\"message\":\"a\\u001b[2Jb\\nc\"}}";
	assert_int_equal(http_service_error(esc, strlen(esc), code, sizeof(code), msg, sizeof(msg)),
			 0);
	assert_null(strchr(msg, 0x1b));
	assert_null(strchr(msg, '\n'));
}

static void test_escape(void **state)
{
	char *e = http_escape("a b&c=d/é~._-");

	assert_string_equal(e, "a%20b%26c%3Dd%2F%C3%A9~._-");
	free(e);
	assert_true(http_status_retryable(429));
	assert_true(http_status_retryable(503));
	assert_true(http_status_retryable(504));
	assert_false(http_status_retryable(500));
	assert_false(http_status_retryable(404));
}

/* ---- against tater-sim ------------------------------------------------------------------ */

/* A token for the sim's Graph: the tests here are about HTTP, so they sign in the simplest
 * way, by hand, with the sim's default credentials. */
struct bearer {
	struct http_auth base;
	char header[4096];
	int signs;
};

static int bearer_sign(struct http_auth *self, struct http_client *c, const char *method,
		       const char *url, const char *body, size_t body_len, uint64_t stale,
		       uint64_t *gen, struct http_hdrs *out, struct tater_err *err)
{
	struct bearer *b = (struct bearer *)self;

	b->signs++;
	*gen = 1;
	return http_hdrs_add(out, "Authorization", b->header);
}

static void get_bearer(struct http_client *c, const char *base, const char *scope, struct bearer *b)
{
	char url[256], *body, *esc = http_escape(scope);
	struct tater_err err = {0};
	json_t *tok = NULL;

	snprintf(url, sizeof(url), "%s/%s/oauth2/v2.0/token", base, SIMPROC_TENANT);
	assert_true(asprintf(&body,
			     "grant_type=client_credentials&client_id=%s&client_secret=%s&scope=%s",
			     SIMPROC_CLIENT_ID, SIMPROC_SECRET, esc) > 0);
	struct http_request req = {.method = "POST",
				   .url = url,
				   .body = body,
				   .content_type = "application/x-www-form-urlencoded"};
	assert_int_equal(http_request_json(c, &req, &tok, &err), 0);
	memset(b, 0, sizeof(*b));
	b->base.sign = bearer_sign;
	snprintf(b->header, sizeof(b->header), "Bearer %s",
		 json_string_value(json_object_get(tok, "access_token")));
	json_decref(tok);
	free(body);
	free(esc);
}

struct fixture {
	struct simproc *sim;
	struct http_client *c;
	struct bearer graph;
	struct http_config cfg;
};

/* The fixture of the running test, stopped by teardown() even when an assertion fails. */
static struct fixture *live;

/* Start tater-sim with extra flags (NULL-terminated) and a client tuned by cfg (may be NULL). */
static void up(struct fixture *f, const char *const *flags, const struct http_config *cfg)
{
	struct tater_err err = {0};

	memset(f, 0, sizeof(*f));
	f->sim = simproc_start(flags);
	live = f;
	if (cfg) {
		f->cfg = *cfg;
	} else {
		http_config_defaults(&f->cfg);
		f->cfg.backoff_base_ms = 50;
		f->cfg.backoff_cap_ms = 200;
	}
	assert_int_equal(http_client_new(&f->cfg, &f->c, &err), 0);
	get_bearer(f->c, simproc_url(f->sim), "https://graph.microsoft.com/.default", &f->graph);
	http_stats_reset(f->c);
}

static void down(struct fixture *f)
{
	live = NULL;
	http_client_free(f->c);
	simproc_stop(f->sim);
}

static char *url_of(struct fixture *f, const char *path)
{
	char *u;

	assert_true(asprintf(&u, "%s%s", simproc_url(f->sim), path) > 0);
	return u;
}

/* What a collector sees. */
struct seen {
	unsigned pages;
	unsigned long items;
	unsigned long max_page;
	int done_calls, done_rc;
	char done_msg[512];
	json_t *ids; /* object used as a set */
	int64_t first_page_ms, done_ms;
};

static int on_page(void *ctx, const json_t *items, const json_t *page, struct tater_err *err)
{
	struct seen *s = ctx;
	size_t i;
	json_t *it;

	if (!s->pages)
		s->first_page_ms = rate_now_ms();
	s->pages++;
	s->items += json_array_size(items);
	if (json_array_size(items) > s->max_page)
		s->max_page = json_array_size(items);
	json_array_foreach(items, i, it)
	{
		const char *id = json_string_value(json_object_get(it, "id"));

		if (s->ids && id)
			json_object_set(s->ids, id, json_true());
	}
	return 0;
}

static void on_done(void *ctx, int rc, const struct tater_err *err,
		    const struct http_job_info *info)
{
	struct seen *s = ctx;

	s->done_calls++;
	s->done_rc = rc;
	s->done_ms = rate_now_ms();
	if (err)
		snprintf(s->done_msg, sizeof(s->done_msg), "%s", err->msg);
}

/* The raw path: no tree, the scanner's counts; the ids are read back from the bytes. */
static int on_page_raw(void *ctx, const struct http_raw_page *pg, struct tater_err *err)
{
	json_t *doc = json_loadb(pg->body, pg->len, 0, NULL);
	json_t *items = json_object_get(doc, "value");
	int rc;

	assert_non_null(doc);
	assert_false(pg->singleton);
	assert_int_equal(pg->nitems, json_array_size(items));
	assert_true(pg->items_all_objects);
	rc = on_page(ctx, items, doc, err);
	json_decref(doc);
	return rc;
}

static int collect_as(struct fixture *f, const char *path, const char *const *headers,
		      struct seen *s, int raw, struct tater_err *err)
{
	char *u = url_of(f, path);
	struct http_paged p = {
	    .req = {.url = u, .headers = headers, .auth = &f->graph.base},
	    .on_page = raw ? NULL : on_page,
	    .on_page_raw = raw ? on_page_raw : NULL,
	    .on_done = on_done,
	    .ctx = s,
	};
	int rc;

	rc = http_multi_add_paged(f->c, &p, err);
	if (!rc)
		rc = http_multi_run(f->c, err);
	free(u);
	return rc;
}

static int collect(struct fixture *f, const char *path, const char *const *headers, struct seen *s,
		   struct tater_err *err)
{
	return collect_as(f, path, headers, s, 0, err);
}

static void test_paging_many_pages(void **state)
{
	const char *flags[] = {"--users", "2500", NULL};
	const char *hdrs[] = {"ConsistencyLevel: eventual", NULL};
	struct fixture f;
	struct seen s = {0};
	struct http_stats st;
	struct tater_err err = {0};

	up(&f, flags, NULL);
	s.ids = json_object();
	/* $count needs ConsistencyLevel on every page, and the next links keep $count. */
	assert_int_equal(
	    collect(&f, "/v1.0/users?$top=100&$count=true&$select=id,displayName", hdrs, &s, &err),
	    0);
	assert_int_equal(s.items, 2500);
	assert_int_equal(json_object_size(s.ids), 2500); /* each user once */
	assert_int_equal(s.pages, 25);
	assert_int_equal(s.max_page, 100);
	assert_int_equal(s.done_calls, 1);
	assert_int_equal(s.done_rc, 0);
	http_stats_get(f.c, &st);
	assert_int_equal(st.pages, 25);
	assert_int_equal(st.requests, 25);
	assert_int_equal(st.retries, 0);
	assert_true(f.graph.signs == 25); /* the credential went on every page */
	json_decref(s.ids);
	down(&f);
}

static void test_429_then_success_honours_retry_after(void **state)
{
	const char *flags[] = {"--users", "300", "--fault-at", "/v1.0/users:2:429:1.25", NULL};
	struct fixture f;
	struct seen s = {0};
	struct http_stats st;
	struct tater_err err = {0};
	int64_t t0;

	up(&f, flags, NULL);
	s.ids = json_object();
	t0 = rate_now_ms();
	assert_int_equal(collect(&f, "/v1.0/users?$top=100", NULL, &s, &err), 0);
	/* The second page waited what Retry-After said (1.25 s, not a rounded 1 s). */
	assert_true(rate_now_ms() - t0 >= 1250);
	assert_int_equal(s.items, 300);
	assert_int_equal(json_object_size(s.ids), 300);
	http_stats_get(f.c, &st);
	assert_int_equal(st.throttled, 1);
	assert_int_equal(st.retries, 1);
	assert_int_equal(st.requests, 4);
	json_decref(s.ids);
	down(&f);
}

static void test_cut_connection_retried(void **state)
{
	const char *flags[] = {"--users", "300", "--fault-at", "/v1.0/users:3:cut", NULL};
	struct fixture f;
	struct seen s = {0};
	struct http_stats st;
	struct tater_err err = {0};

	up(&f, flags, NULL);
	s.ids = json_object();
	assert_int_equal(collect(&f, "/v1.0/users?$top=100", NULL, &s, &err), 0);
	assert_int_equal(s.items, 300);
	assert_int_equal(json_object_size(s.ids), 300); /* no page twice, none lost */
	assert_int_equal(s.pages, 3);
	http_stats_get(f.c, &st);
	assert_int_equal(st.transport_errors, 1);
	assert_int_equal(st.retries, 1);
	json_decref(s.ids);
	down(&f);
}

/* A collector that stops, or refuses a page, after a number of pages; it also records what
 * the client had asked for while each page was being handed over. */
struct stopper {
	struct seen s;
	struct http_client *c;
	unsigned stop_after;
	int refuse; /* refuse that page instead of stopping after it */
	unsigned long requests_at[16];
};

static int stopper_page(void *ctx, const json_t *items, const json_t *page, struct tater_err *err)
{
	struct stopper *x = ctx;
	struct http_stats st;

	on_page(&x->s, items, page, err);
	http_stats_get(x->c, &st);
	if (x->s.pages <= 16)
		x->requests_at[x->s.pages - 1] = st.requests;
	if (x->s.pages < x->stop_after)
		return 0;
	if (x->refuse)
		return tater_errf(err, TATER_EFORMAT, "page %u is not wanted", x->s.pages);
	return 1;
}

static void stopper_done(void *ctx, int rc, const struct tater_err *err,
			 const struct http_job_info *info)
{
	on_done(&((struct stopper *)ctx)->s, rc, err, info);
}

static int collect_stopper(struct fixture *f, struct stopper *x, struct tater_err *err)
{
	char *u = url_of(f, "/v1.0/users?$top=100");
	struct http_paged p = {
	    .req = {.url = u, .auth = &f->graph.base},
	    .on_page = stopper_page,
	    .on_done = stopper_done,
	    .ctx = x,
	};
	int rc = http_multi_add_paged(f->c, &p, err);

	if (!rc)
		rc = http_multi_run(f->c, err);
	free(u);
	return rc;
}

/* The next page is asked for before a page is handed over (the service prepares it while the
 * caller stores); a caller that stops or refuses a page gets no page after it, and the one
 * already asked for is dropped. */
static void test_next_page_asked_before_delivery(void **state)
{
	const char *flags[] = {"--users", "500", NULL};
	struct fixture f;
	struct tater_err err = {0};
	struct http_stats st;
	struct stopper all = {0}, stop = {0}, refuse = {0};

	(void)state;
	up(&f, flags, NULL);
	all.c = f.c;
	all.stop_after = 100;
	assert_int_equal(collect_stopper(&f, &all, &err), 0);
	assert_int_equal(all.s.pages, 5);
	assert_int_equal(all.s.items, 500);
	assert_int_equal(all.s.done_calls, 1);
	/* While page k (1-based) was handed over, page k+1 had been asked for; not after the
	 * last page, which has no next link. */
	for (unsigned k = 1; k < 5; k++)
		assert_int_equal(all.requests_at[k - 1], k + 1);
	assert_int_equal(all.requests_at[4], 5);

	http_stats_reset(f.c);
	stop.c = f.c;
	stop.stop_after = 2;
	assert_int_equal(collect_stopper(&f, &stop, &err), 0);
	assert_int_equal(stop.s.pages, 2);
	assert_int_equal(stop.s.done_calls, 1);
	assert_int_equal(stop.s.done_rc, 0);
	http_stats_get(f.c, &st);
	assert_int_equal(st.requests, 3); /* page 3 was asked for, then dropped */
	assert_int_equal(st.pages, 2);

	http_stats_reset(f.c);
	refuse.c = f.c;
	refuse.stop_after = 2;
	refuse.refuse = 1;
	assert_int_equal(collect_stopper(&f, &refuse, &err), TATER_EFORMAT);
	assert_int_equal(refuse.s.pages, 2);
	assert_int_equal(refuse.s.done_calls, 1);
	assert_int_equal(refuse.s.done_rc, TATER_EFORMAT);
	assert_string_equal(refuse.s.done_msg, "page 2 is not wanted");
	assert_string_equal(err.msg, "page 2 is not wanted");
	down(&f);
}

static void test_malformed_page_is_an_error_naming_the_url(void **state)
{
	const char *flags[] = {"--users", "500", "--fault-at", "/v1.0/users:3:malformed", NULL};
	struct fixture f;
	struct seen s = {0};
	struct tater_err err = {0};

	up(&f, flags, NULL);
	assert_int_equal(collect(&f, "/v1.0/users?$top=100", NULL, &s, &err), TATER_EFORMAT);
	/* Pages 1 and 2 arrived; nothing of page 3 did, and the collection stopped there. */
	assert_int_equal(s.pages, 2);
	assert_int_equal(s.items, 200);
	assert_int_equal(s.done_rc, TATER_EFORMAT);
	assert_non_null(strstr(err.msg, "malformed JSON"));
	assert_non_null(strstr(err.msg, simproc_url(f.sim)));
	assert_non_null(strstr(err.msg, "/v1.0/users?"));
	assert_string_equal(err.msg, s.done_msg);
	down(&f);
}

/* The same through the raw path (the scanner instead of a tree): every page and item,
 * and a malformed page stops it with a message naming the URL, line and column. */
static void test_raw_pages_are_checked_like_trees(void **state)
{
	const char *flags[] = {"--users", "500", "--fault-at", "/v1.0/users:3:malformed", NULL};
	struct fixture f;
	struct seen s = {0}, whole = {0};
	struct tater_err err = {0};

	(void)state;
	up(&f, flags, NULL);
	whole.ids = json_object();
	assert_int_equal(collect_as(&f, "/v1.0/users?$top=100", NULL, &s, 1, &err), TATER_EFORMAT);
	assert_int_equal(s.pages, 2);
	assert_int_equal(s.items, 200);
	assert_non_null(strstr(err.msg, "malformed JSON page from "));
	assert_non_null(strstr(err.msg, "/v1.0/users?"));
	assert_non_null(strstr(err.msg, "(line "));
	assert_string_equal(err.msg, s.done_msg);
	/* A second run is past the fault: all 500 users, each once, over five pages. */
	assert_int_equal(collect_as(&f, "/v1.0/users?$top=100", NULL, &whole, 1, &err), 0);
	assert_int_equal(whole.pages, 5);
	assert_int_equal(whole.items, 500);
	assert_int_equal(json_object_size(whole.ids), 500);
	json_decref(whole.ids);
	down(&f);
}

static void test_denied_carries_graph_error(void **state)
{
	const char *flags[] = {"--deny", "/v1.0/identity/conditionalAccess/policies", NULL};
	struct fixture f;
	struct seen s = {0};
	struct tater_err err = {0};

	up(&f, flags, NULL);
	assert_int_equal(collect(&f, "/v1.0/identity/conditionalAccess/policies", NULL, &s, &err),
			 TATER_EPERM);
	assert_int_equal(s.pages, 0);
	assert_non_null(strstr(err.msg, "HTTP 403 Authorization_RequestDenied: "));
	assert_non_null(strstr(err.msg, "/v1.0/identity/conditionalAccess/policies"));
	down(&f);
}

/* A host that cannot be reached after every retry is remembered for a while: the next
 * collection on it fails at once with the same message, without a request. */
static void test_unreachable_host_remembered(void **state)
{
	struct http_config cfg;
	struct http_client *c = NULL;
	struct http_stats st;
	struct seen s1 = {0}, s2 = {0};
	struct tater_err err = {0}, err2 = {0};
	int64_t t0;

	(void)state;
	http_config_defaults(&cfg);
	cfg.max_attempts = 2;
	cfg.backoff_base_ms = 20;
	assert_int_equal(http_client_new(&cfg, &c, &err), 0);
	/* Nothing listens on port 1 of the loopback. */
	struct http_paged p1 = {.req = {.url = "http://127.0.0.1:1/v1.0/users"},
				.on_page = on_page,
				.on_done = on_done,
				.ctx = &s1};
	assert_int_equal(http_multi_add_paged(c, &p1, &err), 0);
	assert_int_equal(http_multi_run(c, &err), TATER_ENET);
	assert_non_null(strstr(err.msg, "gave up after 2 attempts"));
	http_stats_get(c, &st);
	assert_int_equal(st.requests, 2);

	t0 = rate_now_ms();
	struct http_paged p2 = {.req = {.url = "http://127.0.0.1:1/v1.0/domains"},
				.on_page = on_page,
				.on_done = on_done,
				.ctx = &s2};
	assert_int_equal(http_multi_add_paged(c, &p2, &err2), 0);
	assert_int_equal(http_multi_run(c, &err2), TATER_ENET);
	assert_true(rate_now_ms() - t0 < 500);
	assert_string_equal(err2.msg, err.msg);
	assert_int_equal(s2.done_calls, 1);
	assert_int_equal(s2.done_rc, TATER_ENET);
	http_stats_get(c, &st);
	assert_int_equal(st.requests, 2); /* not asked again */
	http_client_free(c);
}

static void test_retries_are_bounded(void **state)
{
	const char *flags[] = {"--fault-at", "/v1.0/domains:1-100:503:0.1", NULL};
	struct http_config cfg;
	struct fixture f;
	struct http_response r;
	struct http_stats st;
	struct tater_err err = {0};
	char *u;

	http_config_defaults(&cfg);
	cfg.max_attempts = 3;
	up(&f, flags, &cfg);
	u = url_of(&f, "/v1.0/domains");
	struct http_request req = {.url = u, .auth = &f.graph.base};
	assert_int_equal(http_request(f.c, &req, &r, &err), TATER_EHTTP);
	assert_int_equal(r.status, 503);
	assert_int_equal(r.attempts, 3);
	assert_non_null(strstr(err.msg, "HTTP 503"));
	assert_non_null(strstr(err.msg, "gave up after 3 attempts"));
	http_stats_get(f.c, &st);
	assert_int_equal(st.unavailable, 3);
	assert_int_equal(st.retries, 2);
	http_response_free(&r);
	/* A Retry-After beyond the budget gives up at once instead of sleeping through it. */
	down(&f);
	const char *flags2[] = {"--fault-at", "/v1.0/domains:1-100:429:600", NULL};
	cfg.retry_budget_ms = 5000;
	up(&f, flags2, &cfg);
	int64_t t0 = rate_now_ms();
	free(u);
	u = url_of(&f, "/v1.0/domains");
	req.url = u;
	req.auth = &f.graph.base;
	assert_int_equal(http_request(f.c, &req, NULL, &err), TATER_EHTTP);
	assert_true(rate_now_ms() - t0 < 2000);
	assert_non_null(strstr(err.msg, "retry budget"));
	free(u);
	down(&f);
}

static void test_timeout_and_size_cap(void **state)
{
	const char *flags[] = {"--fault-at", "/v1.0/domains:1-100:slow:1500", NULL};
	struct http_config cfg;
	struct fixture f;
	struct tater_err err = {0};
	char *u;

	http_config_defaults(&cfg);
	cfg.timeout_ms = 300;
	cfg.max_attempts = 2;
	cfg.backoff_base_ms = 10;
	cfg.backoff_cap_ms = 10;
	up(&f, flags, &cfg);
	u = url_of(&f, "/v1.0/domains");
	struct http_request req = {.url = u, .auth = &f.graph.base};
	assert_int_equal(http_request(f.c, &req, NULL, &err), TATER_ETIMEOUT);
	assert_non_null(strstr(err.msg, "gave up after 2 attempts"));
	free(u);
	down(&f);

	/* A cap on what an answer may weigh. */
	const char *flags2[] = {"--users", "2000", NULL};
	http_config_defaults(&cfg);
	cfg.max_body = 16 * 1024;
	up(&f, flags2, &cfg);
	struct seen s = {0};
	assert_int_equal(collect(&f, "/v1.0/users?$top=999", NULL, &s, &err), TATER_EFORMAT);
	assert_non_null(strstr(err.msg, "16 KiB limit"));
	assert_int_equal(s.pages, 0);
	down(&f);
}

static void test_webhook_url_is_redacted_in_errors(void **state)
{
	const char *flags[] = {"--webhook-token", "wh-SECRET-123", NULL};
	struct fixture f;
	struct http_response r;
	struct tater_err err = {0};
	char *good, *bad;

	up(&f, flags, NULL);
	good = url_of(&f, "/webhooks?token=wh-SECRET-123");
	bad = url_of(&f, "/webhooks?token=wh-WRONG-456");
	struct http_request req = {.method = "POST", .url = good, .body = "{\"control\":\"x\"}"};
	assert_int_equal(http_request(f.c, &req, &r, &err), 0);
	assert_int_equal(r.status, 202);
	assert_non_null(strstr(r.body, "JobIds"));
	http_response_free(&r);
	req.url = bad;
	assert_int_not_equal(http_request(f.c, &req, &r, &err), 0);
	assert_true(r.status == 404 || r.status == 400);
	assert_null(strstr(err.msg, "WRONG"));
	assert_non_null(strstr(err.msg, "/webhooks?token=****"));
	http_response_free(&r);
	free(good);
	free(bad);
	down(&f);
}

static void *cancel_later(void *arg)
{
	atomic_int *flag = arg;

	usleep(300 * 1000);
	atomic_store(flag, 1);
	return NULL;
}

static void test_cancel_stops_promptly(void **state)
{
	const char *flags[] = {"--fault-at", "/v1.0/domains:1:slow:5000", NULL};
	static atomic_int cancel;
	struct http_config cfg;
	struct fixture f;
	struct seen s = {0};
	struct tater_err err = {0};
	pthread_t th;
	int64_t t0;

	http_config_defaults(&cfg);
	cfg.cancel = &cancel;
	atomic_store(&cancel, 0);
	up(&f, flags, &cfg);
	t0 = rate_now_ms();
	pthread_create(&th, NULL, cancel_later, &cancel);
	assert_int_equal(collect(&f, "/v1.0/domains", NULL, &s, &err), TATER_ECANCELED);
	assert_true(rate_now_ms() - t0 < 1500);
	assert_int_equal(s.done_rc, TATER_ECANCELED);
	pthread_join(th, NULL);
	down(&f);
}

/* Several budget classes at once against --throttle: each waits on its own limiter, so few
 * or no 429s, and the run takes about as long as the slowest class, not the sum. */
static void test_throttled_classes_run_concurrently(void **state)
{
	const char *flags[] = {"--throttle", "--users",
			       "400",	     "--signins",
			       "400",	     "--detections",
			       "200",	     "--throttle-reports-count",
			       "5",	     "--throttle-reports-window",
			       "2",	     "--throttle-ca-rps",
			       "2",	     "--throttle-identity-medium",
			       "12",	     "--throttle-identity-window",
			       "2",	     "--throttle-arm-reads",
			       "4",	     "--throttle-arm-refill",
			       "4",	     NULL};
	struct rate_config rc;
	struct http_config cfg;
	struct fixture f;
	struct bearer arm;
	struct seen users = {0}, signins = {0}, risk = {0}, storage[8] = {{0}};
	struct http_stats st;
	struct tater_err err = {0};
	json_t *subs = NULL;
	char *u[3], *sa, path[256];
	int64_t t0, elapsed, arm_done = 0;

	/* The client knows the same (shrunk) limits the sim enforces. */
	rate_config_defaults(&rc);
	rc.spec[RATE_GRAPH_AUDIT] = (struct rate_spec){RATE_WINDOW, 5, 2000, 0};
	rc.spec[RATE_GRAPH_CA_IP] = (struct rate_spec){RATE_WINDOW, 2, 1000, 0};
	rc.identity_budget[1] = 12;
	rc.spec[RATE_GRAPH_IDENTITY].window_ms = 2000;
	rc.spec[RATE_ARM_READ] = (struct rate_spec){RATE_BUCKET, 4, 0, 4};
	http_config_defaults(&cfg);
	cfg.rate_cfg = &rc;
	up(&f, flags, &cfg);
	rate_set_tenant_users(http_client_rates(f.c), SIMPROC_TENANT, 400);
	get_bearer(f.c, simproc_url(f.sim), "https://management.azure.com/.default", &arm);
	u[0] = url_of(&f, "/subscriptions?api-version=2022-12-01");
	struct http_request sreq = {.url = u[0], .auth = &arm.base, .tenant = SIMPROC_TENANT};
	assert_int_equal(http_request_json(f.c, &sreq, &subs, &err), 0);
	snprintf(
	    path, sizeof(path),
	    "/subscriptions/%s/providers/Microsoft.Storage/storageAccounts?api-version=2023-05-01",
	    json_string_value(json_object_get(json_array_get(json_object_get(subs, "value"), 0),
					      "subscriptionId")));
	json_decref(subs);
	free(u[0]);
	/* Wait until the sim's ARM bucket is full again after the call above. */
	usleep(300 * 1000);
	http_stats_reset(f.c);

	/* identity: 16 pages at cost 1 ($select), 12 per 2 s    -> >= 2 s
	 * audit:     8 pages, 5 per 2 s                          -> >= 2 s
	 * CA+IP:     5 pages at 2/s                              -> >= 2 s
	 * ARM:       8 reads of one subscription, bucket 4 + 4/s -> >= 1 s
	 * One after another: >= 7 s. */
	u[0] = url_of(&f, "/v1.0/users?$top=25&$select=id");
	u[1] = url_of(&f, "/v1.0/auditLogs/signIns?$top=50");
	u[2] = url_of(&f, "/v1.0/identityProtection/riskDetections?$top=40");
	sa = url_of(&f, path);
	struct seen *sv[3] = {&users, &signins, &risk};
	for (int i = 0; i < 11; i++) {
		struct http_paged p = {
		    .req = {.url = i < 3 ? u[i] : sa,
			    .auth = i < 3 ? &f.graph.base : &arm.base,
			    .tenant = SIMPROC_TENANT},
		    .on_page = on_page,
		    .on_done = on_done,
		    .ctx = i < 3 ? sv[i] : &storage[i - 3],
		};
		assert_int_equal(http_multi_add_paged(f.c, &p, &err), 0);
	}
	t0 = rate_now_ms();
	assert_int_equal(http_multi_run(f.c, &err), 0);
	elapsed = rate_now_ms() - t0;
	http_stats_get(f.c, &st);
	for (int i = 0; i < 8; i++) {
		assert_int_equal(storage[i].done_rc, 0);
		if (storage[i].done_ms > arm_done)
			arm_done = storage[i].done_ms;
	}
	print_message("throttled classes together: %lld ms (identity %lld, audit %lld, ca+ip "
		      "%lld, arm %lld); %lu requests, %lu 429s, %lu limiter waits\n",
		      (long long)elapsed, (long long)(users.done_ms - t0),
		      (long long)(signins.done_ms - t0), (long long)(risk.done_ms - t0),
		      (long long)(arm_done - t0), st.requests, st.throttled, st.paced);
	assert_int_equal(users.items, 400);
	assert_int_equal(users.pages, 16);
	assert_int_equal(signins.items, 400);
	assert_int_equal(risk.items, 200);
	/* Paced, not bounced. */
	assert_true(st.throttled <= 1);
	assert_true(st.paced > 0);
	/* Each class took its own time ... */
	assert_true(users.done_ms - t0 >= 1900);
	assert_true(signins.done_ms - t0 >= 1900);
	assert_true(risk.done_ms - t0 >= 1900);
	assert_true(arm_done - t0 >= 900);
	/* ... at the same time: about the slowest class, far from the 7 s of their sum. */
	assert_true(elapsed < 4000);
	for (int i = 0; i < 3; i++)
		free(u[i]);
	free(sa);
	down(&f);
}

static int teardown(void **state)
{
	if (live)
		down(live);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_retry_after_seconds),
	    cmocka_unit_test(test_retry_after_ignores_locale),
	    cmocka_unit_test(test_retry_after_date),
	    cmocka_unit_test(test_backoff_full_jitter),
	    cmocka_unit_test(test_redact),
	    cmocka_unit_test(test_redact_truncates_after_redacting),
	    cmocka_unit_test(test_service_error),
	    cmocka_unit_test(test_escape),
	    cmocka_unit_test_teardown(test_paging_many_pages, teardown),
	    cmocka_unit_test_teardown(test_429_then_success_honours_retry_after, teardown),
	    cmocka_unit_test_teardown(test_cut_connection_retried, teardown),
	    cmocka_unit_test_teardown(test_malformed_page_is_an_error_naming_the_url, teardown),
	    cmocka_unit_test_teardown(test_raw_pages_are_checked_like_trees, teardown),
	    cmocka_unit_test_teardown(test_denied_carries_graph_error, teardown),
	    cmocka_unit_test_teardown(test_retries_are_bounded, teardown),
	    cmocka_unit_test_teardown(test_timeout_and_size_cap, teardown),
	    cmocka_unit_test_teardown(test_webhook_url_is_redacted_in_errors, teardown),
	    cmocka_unit_test_teardown(test_cancel_stops_promptly, teardown),
	    cmocka_unit_test_teardown(test_next_page_asked_before_delivery, teardown),
	    cmocka_unit_test(test_unreachable_host_remembered),
	    cmocka_unit_test_teardown(test_throttled_classes_run_concurrently, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
