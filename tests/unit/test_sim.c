/* test_sim.c - tater-sim over real HTTP, with libcurl as the client.
 *
 * What a client of the simulator would notice: the token endpoint's answers,
 * bearer checks, paging, query options, scenario files, denials, throttling,
 * the webhook and job clock, injected faults, determinism, and a 100,000-user
 * walk that does not cost the simulator its memory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <jansson.h>
#include <sodium.h>

#include "simproc.h"
#include "testutil.h"

struct resp {
	long status;
	char *body;
	size_t len;
	char *headers;
	size_t hlen;
	CURLcode cc;
};

static size_t on_data(char *p, size_t sz, size_t n, void *ud)
{
	char **buf = ud;
	size_t *len = (size_t *)(buf + 1), add = sz * n;

	*buf = realloc(*buf, *len + add + 1);
	assert_non_null(*buf);
	memcpy(*buf + *len, p, add);
	*len += add;
	(*buf)[*len] = '\0';
	return add;
}

/* One HTTP exchange.  hdr: NULL-terminated extra request headers. */
static struct resp http(const char *method, const char *url, const char *const *hdr,
			const char *body)
{
	struct resp r = {0};
	struct {
		char *b;
		size_t l;
	} b = {NULL, 0}, h = {NULL, 0};
	struct curl_slist *sl = NULL;
	CURL *c = curl_easy_init();

	assert_non_null(c);
	for (size_t i = 0; hdr && hdr[i]; i++)
		sl = curl_slist_append(sl, hdr[i]);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (body)
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, sl);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &h);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
	r.cc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
	curl_easy_cleanup(c);
	curl_slist_free_all(sl);
	r.body = b.b ? b.b : strdup("");
	r.len = b.l;
	r.headers = h.b ? h.b : strdup("");
	r.hlen = h.l;
	return r;
}

static void resp_free(struct resp *r)
{
	free(r->body);
	free(r->headers);
}

static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static char *fmt(const char *f, ...)
{
	va_list ap;
	char *s;

	va_start(ap, f);
	assert_true(vasprintf(&s, f, ap) >= 0);
	va_end(ap);
	return s;
}

static json_t *parse(const struct resp *r)
{
	json_t *j = json_loadb(r->body, r->len, 0, NULL);

	if (!j)
		fprintf(stderr, "not JSON (%ld): %.300s\n", r->status, r->body);
	assert_non_null(j);
	return j;
}

static const char *jstr(json_t *j, const char *path)
{
	char buf[256], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *t = strtok_r(buf, ".", &save); t && j; t = strtok_r(NULL, ".", &save))
		j = json_object_get(j, t);
	return json_string_value(j);
}

static struct resp token_req(struct simproc *sp, const char *tenant, const char *client,
			     const char *secret, const char *scope)
{
	char *url = fmt("%s/%s/oauth2/v2.0/token", simproc_url(sp), tenant);
	char *body = fmt("client_id=%s&scope=%s&grant_type=client_credentials&client_secret=%s",
			 client, scope, secret);
	struct resp r = http("POST", url, NULL, body);

	free(url);
	free(body);
	return r;
}

#define GRAPH_SCOPE "https%3A%2F%2Fgraph.microsoft.com%2F.default"
#define ARM_SCOPE "https%3A%2F%2Fmanagement.azure.com%2F.default"

/* "Authorization: Bearer ..." for the scope, malloc'd. */
static char *bearer(struct simproc *sp, const char *scope)
{
	struct resp r = token_req(sp, SIMPROC_TENANT, SIMPROC_CLIENT_ID, SIMPROC_SECRET, scope);
	json_t *j;
	char *h;

	assert_int_equal(r.status, 200);
	j = parse(&r);
	h = fmt("Authorization: Bearer %s", jstr(j, "access_token"));
	json_decref(j);
	resp_free(&r);
	return h;
}

static struct resp get(struct simproc *sp, const char *auth, const char *path)
{
	const char *hdr[] = {auth, "ConsistencyLevel: eventual", NULL};
	char *url =
	    strncmp(path, "http", 4) == 0 ? strdup(path) : fmt("%s%s", simproc_url(sp), path);
	struct resp r = http("GET", url, auth ? hdr : NULL, NULL);

	free(url);
	return r;
}

/* GET path and expect that status and, unless code is NULL, that Graph error code. */
static void get_expect(struct simproc *sp, const char *auth, const char *path, long status,
		       const char *code)
{
	struct resp r = get(sp, auth, path);

	assert_int_equal(r.status, status);
	if (code) {
		json_t *j = parse(&r);

		assert_string_equal(jstr(j, "error.code"), code);
		json_decref(j);
	}
	resp_free(&r);
}

/* ---- login ---- */

static void test_token_grant(void **state)
{
	const char *args[] = {"--users", "10", NULL};
	struct simproc *sp = simproc_start(args);
	struct resp r;
	json_t *j;
	char *log;

	(void)state;
	r = token_req(sp, SIMPROC_TENANT, SIMPROC_CLIENT_ID, "wrong-secret", GRAPH_SCOPE);
	assert_int_equal(r.status, 401);
	j = parse(&r);
	assert_string_equal(jstr(j, "error"), "invalid_client");
	assert_true(tu_contains(jstr(j, "error_description"), "AADSTS7000215"));
	assert_int_equal(json_integer_value(json_array_get(json_object_get(j, "error_codes"), 0)),
			 7000215);
	assert_non_null(jstr(j, "trace_id"));
	assert_non_null(jstr(j, "correlation_id"));
	json_decref(j);
	resp_free(&r);

	r = token_req(sp, "99999999-0000-4000-8000-000000000009", SIMPROC_CLIENT_ID, SIMPROC_SECRET,
		      GRAPH_SCOPE);
	assert_int_equal(r.status, 400);
	assert_true(tu_contains(r.body, "AADSTS90002"));
	resp_free(&r);
	r = token_req(sp, SIMPROC_TENANT, "22222222-2222-4222-8222-222222222222", SIMPROC_SECRET,
		      GRAPH_SCOPE);
	assert_int_equal(r.status, 400);
	assert_true(tu_contains(r.body, "AADSTS700016"));
	resp_free(&r);
	r = token_req(sp, SIMPROC_TENANT, SIMPROC_CLIENT_ID, SIMPROC_SECRET,
		      "https%3A%2F%2Fexample.com%2F.default");
	assert_int_equal(r.status, 400);
	assert_true(tu_contains(r.body, "AADSTS500011"));
	resp_free(&r);

	r = token_req(sp, SIMPROC_TENANT, SIMPROC_CLIENT_ID, SIMPROC_SECRET, GRAPH_SCOPE);
	assert_int_equal(r.status, 200);
	j = parse(&r);
	assert_string_equal(jstr(j, "token_type"), "Bearer");
	assert_int_equal(json_integer_value(json_object_get(j, "expires_in")), 3599);
	assert_true(strlen(jstr(j, "access_token")) > 20);
	json_decref(j);
	resp_free(&r);

	/* One line per request, and the secret never in it. */
	log = simproc_log(sp);
	assert_true(tu_contains(log, "POST /" SIMPROC_TENANT "/oauth2/v2.0/token 401 "));
	assert_true(tu_contains(log, "POST /" SIMPROC_TENANT "/oauth2/v2.0/token 200 "));
	assert_false(tu_contains(log, "wrong-secret"));
	assert_false(tu_contains(log, SIMPROC_SECRET));
	free(log);
	assert_int_equal(simproc_stop(sp), 0);
}

static void test_bearer_checks(void **state)
{
	const char *args[] = {"--users", "10", NULL};
	struct simproc *sp = simproc_start(args);
	char *g, *a;
	struct resp r;

	(void)state;
	get_expect(sp, NULL, "/v1.0/users", 401, "InvalidAuthenticationToken");
	get_expect(sp, "Authorization: Bearer not.a.token", "/v1.0/users", 401, NULL);
	r = get(sp, NULL, "/subscriptions?api-version=2022-12-01");
	assert_int_equal(r.status, 401);
	assert_true(tu_contains(r.body, "\"AuthenticationFailed\""));
	resp_free(&r);

	g = bearer(sp, GRAPH_SCOPE);
	a = bearer(sp, ARM_SCOPE);
	/* A Graph token is no good for ARM, and the other way round. */
	r = get(sp, g, "/subscriptions?api-version=2022-12-01");
	assert_int_equal(r.status, 401);
	assert_true(tu_contains(r.body, "InvalidAuthenticationTokenAudience"));
	resp_free(&r);
	get_expect(sp, a, "/v1.0/users", 401, NULL);
	get_expect(sp, g, "/v1.0/users", 200, NULL);
	r = get(sp, a, "/subscriptions");
	assert_int_equal(r.status, 400);
	assert_true(tu_contains(r.body, "MissingApiVersionParameter"));
	resp_free(&r);

	free(g);
	free(a);
	assert_int_equal(simproc_stop(sp), 0);
}

/* expires_in says an hour; with the fault the token dies within a second or two. (A
 * separate simulator: the checks above must not race the early expiry.) */
static void test_token_expires_early(void **state)
{
	const char *args[] = {"--users", "10", "--fault-token-expire-early", "1", NULL};
	struct simproc *sp = simproc_start(args);
	char *g, *a;
	struct resp r;

	(void)state;
	g = bearer(sp, GRAPH_SCOPE);
	a = bearer(sp, ARM_SCOPE);
	sleep(3);
	r = get(sp, g, "/v1.0/users");
	assert_int_equal(r.status, 401);
	assert_true(tu_contains(r.body, "expired"));
	resp_free(&r);
	r = get(sp, a, "/subscriptions?api-version=2022-12-01");
	assert_int_equal(r.status, 401);
	assert_true(tu_contains(r.body, "ExpiredAuthenticationToken"));
	resp_free(&r);
	free(g);
	free(a);
	assert_int_equal(simproc_stop(sp), 0);
}

/* ---- certificate credentials ---- */

static char *b64u(const unsigned char *d, size_t n)
{
	size_t cap = sodium_base64_encoded_len(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char *o = malloc(cap);

	assert_non_null(o);
	sodium_bin2base64(o, cap, d, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return o;
}

/* An RS256 client assertion signed by key, with the given x5t, aud, client and exp. */
static char *assertion(EVP_PKEY *key, const char *x5t, const char *aud, const char *client,
		       long long exp)
{
	char *hdr = fmt("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"x5t\":\"%s\"}", x5t);
	char *cl = fmt("{\"aud\":\"%s\",\"iss\":\"%s\",\"sub\":\"%s\",\"jti\":\"j1\",\"nbf\":%lld,"
		       "\"exp\":%lld}",
		       aud, client, client, (long long)time(NULL) - 10, exp);
	char *h64 = b64u((unsigned char *)hdr, strlen(hdr)),
	     *c64 = b64u((unsigned char *)cl, strlen(cl));
	char *signing = fmt("%s.%s", h64, c64), *s64, *jwt;
	unsigned char sig[512];
	size_t siglen = sizeof(sig);
	EVP_MD_CTX *md = EVP_MD_CTX_new();

	assert_int_equal(EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key), 1);
	assert_int_equal(
	    EVP_DigestSign(md, sig, &siglen, (unsigned char *)signing, strlen(signing)), 1);
	s64 = b64u(sig, siglen);
	jwt = fmt("%s.%s", signing, s64);
	EVP_MD_CTX_free(md);
	free(hdr);
	free(cl);
	free(h64);
	free(c64);
	free(signing);
	free(s64);
	return jwt;
}

static struct resp assertion_req(struct simproc *sp, const char *jwt)
{
	char *url = fmt("%s/%s/oauth2/v2.0/token", simproc_url(sp), SIMPROC_TENANT);
	char *body =
	    fmt("client_id=%s&scope=%s&grant_type=client_credentials"
		"&client_assertion_type=urn%%3Aietf%%3Aparams%%3Aoauth%%3Aclient-assertion-"
		"type%%3Ajwt-bearer&client_assertion=%s",
		SIMPROC_CLIENT_ID, ARM_SCOPE, jwt);
	struct resp r = http("POST", url, NULL, body);

	free(url);
	free(body);
	return r;
}

static void test_client_assertion(void **state)
{
	char *dir = tu_tmpdir("cert"), *certpath = tu_path(dir, "cert.pem"), *aud, *jwt, *x5t;
	const char *args[] = {"--client-cert", certpath, NULL};
	EVP_PKEY *key = EVP_RSA_gen(2048);
	X509 *cert = X509_new();
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen;
	struct simproc *sp;
	struct resp r;
	FILE *f;

	(void)state;
	assert_non_null(key);
	X509_set_version(cert, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
	X509_gmtime_adj(X509_getm_notBefore(cert), 0);
	X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
	X509_set_pubkey(cert, key);
	X509_NAME_add_entry_by_txt(X509_get_subject_name(cert), "CN", MBSTRING_ASC,
				   (unsigned char *)"tater-test", -1, -1, 0);
	X509_set_issuer_name(cert, X509_get_subject_name(cert));
	assert_true(X509_sign(cert, key, EVP_sha256()) > 0);
	f = fopen(certpath, "w");
	assert_non_null(f);
	PEM_write_X509(f, cert);
	fclose(f);
	X509_digest(cert, EVP_sha1(), md, &mdlen);
	x5t = b64u(md, mdlen);

	sp = simproc_start(args);
	aud = fmt("https://login.microsoftonline.com/%s/oauth2/v2.0/token", SIMPROC_TENANT);
	jwt = assertion(key, x5t, aud, SIMPROC_CLIENT_ID, (long long)time(NULL) + 600);
	r = assertion_req(sp, jwt);
	assert_int_equal(r.status, 200);
	assert_true(tu_contains(r.body, "\"access_token\""));
	resp_free(&r);
	free(jwt);
	/* Another certificate's thumbprint, another client, an expired assertion. */
	jwt = assertion(key, "AAAAAAAAAAAAAAAAAAAAAAAAAAA", aud, SIMPROC_CLIENT_ID,
			(long long)time(NULL) + 600);
	r = assertion_req(sp, jwt);
	assert_int_equal(r.status, 401);
	assert_true(tu_contains(r.body, "AADSTS700027"));
	resp_free(&r);
	free(jwt);
	jwt = assertion(key, x5t, aud, "22222222-2222-4222-8222-222222222222",
			(long long)time(NULL) + 600);
	r = assertion_req(sp, jwt);
	assert_int_equal(r.status, 401);
	assert_true(tu_contains(r.body, "AADSTS700021"));
	resp_free(&r);
	free(jwt);
	jwt = assertion(key, x5t, aud, SIMPROC_CLIENT_ID, (long long)time(NULL) - 3600);
	r = assertion_req(sp, jwt);
	assert_int_equal(r.status, 401);
	assert_true(tu_contains(r.body, "AADSTS700024"));
	resp_free(&r);
	free(jwt);
	assert_int_equal(simproc_stop(sp), 0);
	free(aud);
	free(x5t);
	X509_free(cert);
	EVP_PKEY_free(key);
	free(certpath);
	tu_rmtree(dir);
	free(dir);
}

/* ---- Graph ---- */

/* Walk a collection; returns items seen, pages in *pages.  cb sees each page. */
static long walk(struct simproc *sp, const char *auth, const char *path, long *pages,
		 void (*cb)(struct resp *r, json_t *page, void *ud), void *ud)
{
	char *url = fmt("%s%s", simproc_url(sp), path);
	long items = 0, n = 0;

	while (url) {
		struct resp r = get(sp, auth, url);
		json_t *j, *next;

		if (r.status != 200)
			fprintf(stderr, "%s -> %ld %s\n", url, r.status, r.body);
		assert_int_equal(r.status, 200);
		j = parse(&r);
		items += (long)json_array_size(json_object_get(j, "value"));
		if (cb)
			cb(&r, j, ud);
		free(url);
		next = json_object_get(j, "@odata.nextLink");
		if (!next)
			next = json_object_get(j, "nextLink");
		url = next ? strdup(json_string_value(next)) : NULL;
		json_decref(j);
		resp_free(&r);
		n++;
		assert_true(n < 100000);
	}
	if (pages)
		*pages = n;
	return items;
}

struct idset {
	char **ids;
	size_t n;
	long counted;
	int count_pages;
};

static void collect_ids(struct resp *r, json_t *page, void *ud)
{
	struct idset *s = ud;
	json_t *v;
	size_t i;

	(void)r;
	if (json_object_get(page, "@odata.count")) {
		s->counted = (long)json_integer_value(json_object_get(page, "@odata.count"));
		s->count_pages++;
	}
	json_array_foreach(json_object_get(page, "value"), i, v)
	{
		s->ids = realloc(s->ids, (s->n + 1) * sizeof(char *));
		s->ids[s->n++] = strdup(json_string_value(json_object_get(v, "id")));
	}
}

static int cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_graph_paging(void **state)
{
	const char *args[] = {"--users", "2500", NULL};
	struct simproc *sp = simproc_start(args);
	char *g = bearer(sp, GRAPH_SCOPE);
	struct idset ids = {0};
	long pages, n;

	(void)state;
	n = walk(sp, g, "/v1.0/users?$top=999&$count=true", &pages, collect_ids, &ids);
	assert_int_equal(n, 2500);
	assert_int_equal(pages, 3);
	assert_int_equal(ids.counted, 2500);
	assert_int_equal(ids.count_pages, 1); /* @odata.count on the first page only */
	qsort(ids.ids, ids.n, sizeof(char *), cmpstr);
	for (size_t i = 1; i < ids.n; i++)
		assert_string_not_equal(ids.ids[i - 1], ids.ids[i]);
	for (size_t i = 0; i < ids.n; i++)
		free(ids.ids[i]);
	free(ids.ids);
	/* The default page is 100 users; beta serves the same directory. */
	n = walk(sp, g, "/beta/users", &pages, NULL, NULL);
	assert_int_equal(n, 2500);
	assert_int_equal(pages, 25);
	/* Sign-ins: pages of 1000, users x 10 of them. */
	n = walk(sp, g, "/v1.0/auditLogs/signIns", &pages, NULL, NULL);
	assert_int_equal(n, 25000);
	assert_int_equal(pages, 25);
	free(g);
	assert_int_equal(simproc_stop(sp), 0);
}

static void test_graph_select_top_filter(void **state)
{
	const char *args[] = {"--users", "200", NULL};
	struct simproc *sp = simproc_start(args);
	char *g = bearer(sp, GRAPH_SCOPE);
	struct resp r;
	json_t *j, *v;
	size_t i;
	long n;

	(void)state;
	r = get(sp, g, "/v1.0/users?$select=id,displayName&$top=5");
	assert_int_equal(r.status, 200);
	j = parse(&r);
	assert_int_equal(json_array_size(json_object_get(j, "value")), 5);
	json_array_foreach(json_object_get(j, "value"), i, v)
	{
		assert_int_equal(json_object_size(v), 2);
		assert_non_null(json_object_get(v, "displayName"));
	}
	json_decref(j);
	resp_free(&r);

	/* signInActivity: only when selected, and then at most 120 per page. */
	r = get(sp, g, "/v1.0/users?$top=999");
	assert_false(tu_contains(r.body, "signInActivity"));
	resp_free(&r);
	r = get(sp, g, "/v1.0/users?$top=999&$select=id,signInActivity");
	j = parse(&r);
	assert_int_equal(json_array_size(json_object_get(j, "value")), 120);
	assert_non_null(json_object_get(j, "@odata.nextLink"));
	json_decref(j);
	resp_free(&r);

	get_expect(sp, g, "/v1.0/users?$top=1000", 400, "Request_UnsupportedQuery");
	get_expect(sp, g, "/v1.0/users?$select=nosuchfield", 400, NULL);

	/* Guests: exactly a tenth, every one of them a guest. */
	n = walk(sp, g, "/v1.0/users?$filter=userType%20eq%20'Guest'&$select=id,userType", NULL,
		 NULL, NULL);
	assert_int_equal(n, 20);
	r = get(sp, g, "/v1.0/users?$filter=userType+eq+'Guest'&$select=userType&$top=999");
	assert_false(tu_contains(r.body, "\"Member\""));
	resp_free(&r);
	r = get(sp, g, "/v1.0/users?$filter=startswith(displayName,'A')");
	assert_int_equal(r.status, 400);
	j = parse(&r);
	assert_non_null(jstr(j, "error.code"));
	assert_non_null(jstr(j, "error.message"));
	json_decref(j);
	resp_free(&r);

	/* Sign-ins since a date: newest first, none older, fewer than all. */
	n = walk(sp, g,
		 "/v1.0/auditLogs/signIns?$filter=createdDateTime%20ge%202026-11-24T00:00:00Z",
		 NULL, NULL, NULL);
	assert_true(n > 0 && n < 2000);
	r = get(sp, g,
		"/v1.0/auditLogs/"
		"signIns?$top=1000&$filter=createdDateTime%20ge%202026-11-24T00:00:00Z");
	j = parse(&r);
	json_array_foreach(json_object_get(j, "value"), i, v)
	{
		assert_true(strcmp(jstr(v, "createdDateTime"), "2026-11-24T00:00:00Z") >= 0);
	}
	json_decref(j);
	resp_free(&r);
	n = walk(sp, g,
		 "/v1.0/identityProtection/riskDetections?$filter=detectedDateTime%20ge%20"
		 "2026-11-01T00:00:00Z",
		 NULL, NULL, NULL);
	assert_true(n > 0 && n < 100);

	/* Role assignments with their principals. */
	r = get(sp, g, "/v1.0/roleManagement/directory/roleAssignments?$expand=principal");
	assert_int_equal(r.status, 200);
	assert_true(
	    tu_contains(r.body, "\"principal\":{\"@odata.type\":\"#microsoft.graph.user\""));
	resp_free(&r);
	r = get(sp, g, "/v1.0/directoryRoles/62e90394-69f5-4237-9190-012177145e10/members");
	assert_int_equal(r.status, 200);
	assert_true(tu_contains(r.body, "admin@simcorp.example"));
	resp_free(&r);
	free(g);
	assert_int_equal(simproc_stop(sp), 0);
}

static void test_estate_and_deny(void **state)
{
	struct simproc *sp;
	char *path, *g;
	const char *args[8];
	char *dir = tu_tmpdir("estate");
	struct resp r;
	json_t *j;
	long n;

	(void)state;
	path = tu_path(dir, "estate.json");
	tu_write_file(path,
		      "{\"/v1.0/identity/conditionalAccess/policies\":["
		      "{\"id\":\"p1\",\"displayName\":\"One\",\"state\":\"enabled\"},"
		      "{\"id\":\"p2\",\"displayName\":\"Two\",\"state\":\"disabled\"},"
		      "{\"id\":\"p3\",\"displayName\":\"Three\",\"state\":\"enabled\"}],"
		      "\"/v1.0/policies/authorizationPolicy\":{\"id\":\"authorizationPolicy\","
		      "\"allowInvitesFrom\":\"none\"},"
		      "\"/beta/subscribedSkus\":[]}",
		      0600);
	args[0] = "--estate";
	args[1] = path;
	args[2] = "--deny";
	args[3] = "/v1.0/auditLogs/signIns";
	args[4] = NULL;
	sp = simproc_start(args);
	g = bearer(sp, GRAPH_SCOPE);

	r = get(sp, g, "/v1.0/identity/conditionalAccess/policies?$filter=state%20eq%20'enabled'");
	assert_int_equal(r.status, 200);
	j = parse(&r);
	assert_int_equal(json_array_size(json_object_get(j, "value")), 2);
	json_decref(j);
	resp_free(&r);
	/* Paged like any collection. */
	n = walk(sp, g, "/beta/identity/conditionalAccess/policies?$top=1", NULL, NULL, NULL);
	assert_int_equal(n, 3);
	r = get(sp, g, "/beta/policies/authorizationPolicy");
	j = parse(&r);
	assert_string_equal(jstr(j, "allowInvitesFrom"), "none");
	json_decref(j);
	resp_free(&r);
	r = get(sp, g, "/beta/subscribedSkus");
	assert_true(tu_contains(r.body, "\"value\":[]"));
	resp_free(&r);
	r = get(sp, g, "/v1.0/subscribedSkus");
	assert_true(tu_contains(r.body, "AAD_PREMIUM_P2"));
	resp_free(&r);

	get_expect(sp, g, "/v1.0/auditLogs/signIns", 403, "Authorization_RequestDenied");
	get_expect(sp, g, "/beta/auditLogs/signIns", 403, NULL);
	get_expect(sp, g, "/v1.0/users", 200, NULL);
	free(g);
	assert_int_equal(simproc_stop(sp), 0);
	free(path);
	tu_rmtree(dir);
	free(dir);
}

static void test_throttle(void **state)
{
	const char *args[] = {"--throttle", NULL};
	struct simproc *sp = simproc_start(args);
	char *g = bearer(sp, GRAPH_SCOPE);
	struct resp r;
	int got429 = 0;

	(void)state;
	/* Conditional Access: one request per second per tenant. */
	get_expect(sp, g, "/v1.0/identity/conditionalAccess/policies", 200, NULL);
	r = get(sp, g, "/v1.0/identity/conditionalAccess/policies");
	assert_int_equal(r.status, 429);
	assert_true(tu_contains(r.body, "\"TooManyRequests\""));
	assert_true(tu_contains(r.headers, "Retry-After: 1"));
	resp_free(&r);
	/* Reports: five per ten seconds; the sixth is refused with a Retry-After. */
	for (int i = 0; i < 6; i++) {
		r = get(sp, g, "/v1.0/auditLogs/signIns?$top=1");
		if (i < 5)
			assert_int_equal(r.status, 200);
		else if (r.status == 429 && tu_contains(r.headers, "Retry-After: "))
			got429 = 1;
		resp_free(&r);
	}
	assert_true(got429);
	/* Other classes are not touched by that. */
	get_expect(sp, g, "/v1.0/users", 200, NULL);
	free(g);
	assert_int_equal(simproc_stop(sp), 0);
}

/* ---- Automation ---- */

static char *job_status(struct simproc *sp, const char *auth, const char *job, json_t **out)
{
	char *p =
	    fmt("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Automation/"
		"automationAccounts/" SIMPROC_AUTOMATION_ACCOUNT "/jobs/%s?api-version=2023-11-01",
		job);
	struct resp r = get(sp, auth, p);
	json_t *j;
	char *st;

	assert_int_equal(r.status, 200);
	j = parse(&r);
	st = strdup(jstr(j, "properties.status"));
	if (out)
		*out = j;
	else
		json_decref(j);
	resp_free(&r);
	free(p);
	return st;
}

static char *start_job(struct simproc *sp, const char *body, long want_status)
{
	char *url = fmt("%s/webhooks?token=" SIMPROC_WEBHOOK_TOKEN, simproc_url(sp));
	const char *hdr[] = {"Content-Type: application/json", NULL};
	struct resp r = http("POST", url, hdr, body);
	char *id = NULL;

	assert_int_equal(r.status, want_status);
	if (r.status == 202) {
		json_t *j = parse(&r);

		id = strdup(json_string_value(json_array_get(json_object_get(j, "JobIds"), 0)));
		json_decref(j);
	}
	resp_free(&r);
	free(url);
	return id;
}

static char *wait_terminal(struct simproc *sp, const char *auth, const char *job, int *saw_running)
{
	for (int i = 0; i < 500; i++) {
		char *st = job_status(sp, auth, job, NULL);

		if (strcmp(st, "Running") == 0)
			*saw_running = 1;
		if (!strcmp(st, "Completed") || !strcmp(st, "Failed") || !strcmp(st, "Stopped"))
			return st;
		free(st);
		usleep(20000);
	}
	fail_msg("job never finished");
	return NULL;
}

static void test_webhook_jobs(void **state)
{
	const char *args[] = {"--clock-speed",
			      "4",
			      "--job-new-s",
			      "0.4",
			      "--job-activating-s",
			      "0.4",
			      "--job-running-s",
			      "0.8",
			      "--webhook-fail-first",
			      "1",
			      NULL};
	struct simproc *sp = simproc_start(args);
	char *a = bearer(sp, ARM_SCOPE), *job, *st, *url, *log;
	const char *p;
	int running = 0;
	struct resp r;
	json_t *j;

	(void)state;
	assert_null(start_job(sp, "{\"control\":\"c1\"}", 500)); /* --webhook-fail-first 1 */
	job = start_job(sp,
			"{\"request_id\":\"r-c1\",\"tenant_id\":\"t\",\"script_id\":"
			"\"entra-app-registration-restricted\",\"parameters\":{}}",
			202);
	st = job_status(sp, a, job, NULL);
	assert_true(strcmp(st, "New") == 0 || strcmp(st, "Activating") == 0);
	free(st);
	st = wait_terminal(sp, a, job, &running);
	assert_string_equal(st, "Completed");
	assert_true(running);
	free(st);
	st = job_status(sp, a, job, &j);
	assert_non_null(jstr(j, "properties.startTime"));
	assert_non_null(jstr(j, "properties.endTime"));
	assert_true(tu_contains(jstr(j, "properties.parameters.WebhookData"), "c1"));
	json_decref(j);
	free(st);
	url = fmt("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Automation/"
		  "automationAccounts/" SIMPROC_AUTOMATION_ACCOUNT
		  "/jobs/%s/output?api-version=2023-11-01",
		  job);
	r = get(sp, a, url);
	assert_int_equal(r.status, 200);
	assert_true(tu_contains(r.headers, "text/plain"));
	/* The runbook's result line, the script's effect applied (effects.c). */
	assert_true(tu_contains(r.body, "\"request_id\":\"r-c1\""));
	assert_true(tu_contains(r.body, "\"status\":\"completed\""));
	assert_true(tu_contains(r.body, "\"before\":true,\"after\":false"));
	resp_free(&r);
	free(url);
	free(job);

	job = start_job(sp, "{\"simulate\":\"fail\"}", 202);
	st = wait_terminal(sp, a, job, &running);
	assert_string_equal(st, "Failed");
	free(st);
	st = job_status(sp, a, job, &j);
	assert_non_null(jstr(j, "properties.exception"));
	json_decref(j);
	free(st);
	free(job);

	/* Unknown token: 404; the account itself answers for the Test button. */
	url = fmt("%s/webhooks?token=wrong", simproc_url(sp));
	r = http("POST", url, NULL, "{}");
	assert_int_equal(r.status, 404);
	resp_free(&r);
	free(url);
	r = get(sp, a,
		"/subscriptions/s/resourceGroups/rg/providers/Microsoft.Automation/"
		"automationAccounts/" SIMPROC_AUTOMATION_ACCOUNT "?api-version=2023-11-01");
	assert_int_equal(r.status, 200);
	resp_free(&r);
	r = get(sp, a,
		"/subscriptions/s/resourceGroups/rg/providers/Microsoft.Automation/"
		"automationAccounts/other?api-version=2023-11-01");
	assert_int_equal(r.status, 404);
	resp_free(&r);

	log = simproc_log(sp);
	p = strstr(log, "POST /webhooks?token=**** 202");
	assert_non_null(p);
	assert_false(tu_contains(log, SIMPROC_WEBHOOK_TOKEN));
	free(log);
	free(a);
	assert_int_equal(simproc_stop(sp), 0);
}

/* entra-idle-session-timeout: the estate has no timeout policy; a completed job creates the
 * organisation default one, and a second run finds nothing to change. */
static void test_idle_timeout_effect(void **state)
{
	const char *args[] = {"--job-running-s", "0.2", NULL};
	struct simproc *sp = simproc_start(args);
	char *a = bearer(sp, ARM_SCOPE), *g = bearer(sp, GRAPH_SCOPE), *job, *st, *url;
	const char *path = "/v1.0/policies/activityBasedTimeoutPolicies", *def;
	struct resp r;
	json_t *j, *pol;
	int running = 0;

	(void)state;
	r = get(sp, g, path);
	assert_int_equal(r.status, 200);
	j = json_loads(r.body, 0, NULL);
	assert_int_equal(json_array_size(json_object_get(j, "value")), 0);
	json_decref(j);
	resp_free(&r);
	for (int run = 0; run < 2; run++) {
		job = start_job(sp,
				"{\"request_id\":\"r-idle\",\"tenant_id\":\"t\",\"script_id\":"
				"\"entra-idle-session-timeout\",\"parameters\":{}}",
				202);
		st = wait_terminal(sp, a, job, &running);
		assert_string_equal(st, "Completed");
		free(st);
		url = fmt("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Automation/"
			  "automationAccounts/" SIMPROC_AUTOMATION_ACCOUNT
			  "/jobs/%s/output?api-version=2023-11-01",
			  job);
		r = get(sp, a, url);
		assert_int_equal(r.status, 200);
		assert_int_equal(tu_contains(r.body, "\"after\":\"03:00:00\""), run == 0);
		resp_free(&r);
		free(url);
		free(job);
	}
	r = get(sp, g, path);
	assert_int_equal(r.status, 200);
	j = json_loads(r.body, 0, NULL);
	assert_int_equal(json_array_size(json_object_get(j, "value")), 1);
	pol = json_array_get(json_object_get(j, "value"), 0);
	assert_true(json_is_true(json_object_get(pol, "isOrganizationDefault")));
	def = json_string_value(json_array_get(json_object_get(pol, "definition"), 0));
	assert_true(tu_contains(def, "\"WebSessionIdleTimeout\":\"03:00:00\""));
	json_decref(j);
	resp_free(&r);
	free(a);
	free(g);
	assert_int_equal(simproc_stop(sp), 0);
}

static void test_webhook_disabled(void **state)
{
	const char *args[] = {"--webhook-disabled", NULL};
	struct simproc *sp = simproc_start(args);

	(void)state;
	assert_null(start_job(sp, "{}", 400));
	assert_int_equal(simproc_stop(sp), 0);
}

/* ---- faults ---- */

static void test_faults_at_request(void **state)
{
	const char *args[] = {"--fault-once",
			      "/v1.0/users:429:0.5",
			      "--fault-at",
			      "/v1.0/domains:2:malformed",
			      "--fault-at",
			      "/v1.0/organization:1:cut",
			      "--fault-once",
			      "/v1.0/users:503",
			      "--fault-at",
			      "/v1.0/subscribedSkus:2+:500",
			      NULL};
	struct simproc *sp = simproc_start(args);
	char *g = bearer(sp, GRAPH_SCOPE);
	struct resp r;
	json_t *j;

	(void)state;
	r = get(sp, g, "/v1.0/users");
	assert_int_equal(r.status, 429);
	assert_true(tu_contains(r.headers, "Retry-After: 0.5"));
	assert_true(tu_contains(r.body, "TooManyRequests"));
	resp_free(&r);
	get_expect(sp, g, "/v1.0/users", 503, NULL);
	get_expect(sp, g, "/v1.0/users", 200, NULL);

	r = get(sp, g, "/v1.0/domains");
	assert_int_equal(r.status, 200);
	json_decref(parse(&r));
	resp_free(&r);
	r = get(sp, g, "/v1.0/domains");
	assert_int_equal(r.status, 200);
	j = json_loadb(r.body, r.len, 0, NULL);
	assert_null(j); /* the second answer is not JSON */
	resp_free(&r);

	r = get(sp, g, "/v1.0/organization");
	assert_int_equal(r.cc, CURLE_PARTIAL_FILE);
	resp_free(&r);

	/* N+: the first answer is good, every later one fails. */
	get_expect(sp, g, "/v1.0/subscribedSkus", 200, NULL);
	for (int k = 0; k < 3; k++) {
		r = get(sp, g, "/v1.0/subscribedSkus");
		assert_int_equal(r.status, 500);
		resp_free(&r);
	}
	r = get(sp, g, "/v1.0/organization");
	assert_int_equal(r.cc, CURLE_OK);
	assert_int_equal(r.status, 200);
	resp_free(&r);
	free(g);
	assert_int_equal(simproc_stop(sp), 0);
}

static void test_help_lists_flags(void **state)
{
	char *argv[] = {(char *)tu_bin("TATER_SIM"), "--help", NULL};
	char *out = NULL, *err = NULL;

	(void)state;
	assert_int_equal(tu_run(argv, NULL, NULL, &out, &err), 0);
	assert_true(tu_contains(out, "--tenant-id"));
	assert_true(tu_contains(out, SIMPROC_TENANT));
	assert_true(tu_contains(out, SIMPROC_CLIENT_ID));
	assert_true(tu_contains(out, "--client-secret SECRET"));
	assert_true(tu_contains(out, "(default: " SIMPROC_SECRET ")"));
	assert_true(tu_contains(out, "--fault-at"));
	assert_true(tu_contains(out, "--throttle-arm-reads N"));
	free(out);
	free(err);
	argv[1] = "--no-such-flag";
	assert_int_equal(tu_run(argv, NULL, NULL, &out, &err), 1);
	assert_true(tu_contains(err, "unknown flag"));
	free(out);
	free(err);
}

/* ---- determinism ---- */

struct hashes {
	const char *base;
	crypto_generichash_state st;
};

static void hash_page(struct resp *r, json_t *page, void *ud)
{
	struct hashes *h = ud;
	size_t blen = strlen(h->base);
	const char *p = r->body, *q;

	(void)page;
	/* The nextLink carries the port, which differs between the two processes. */
	while ((q = strstr(p, h->base))) {
		crypto_generichash_update(&h->st, (const unsigned char *)p, (size_t)(q - p));
		crypto_generichash_update(&h->st, (const unsigned char *)"BASE", 4);
		p = q + blen;
	}
	crypto_generichash_update(&h->st, (const unsigned char *)p, strlen(p));
}

static void estate_digest(const char *const *args, unsigned char out[32])
{
	static const char *const paths[] = {
	    "/v1.0/users?$top=999&$select=id,displayName,userPrincipalName,userType,"
	    "accountEnabled,signInActivity,onPremisesImmutableId",
	    "/v1.0/auditLogs/signIns",
	    "/v1.0/identityProtection/riskDetections?$top=500",
	    "/v1.0/identityProtection/riskyUsers",
	    "/v1.0/reports/authenticationMethods/userRegistrationDetails?$top=999",
	    "/v1.0/roleManagement/directory/roleAssignments?$expand=principal",
	    "/v1.0/identity/conditionalAccess/policies",
	    "/v1.0/domains",
	    NULL};
	struct simproc *sp = simproc_start(args);
	char *g = bearer(sp, GRAPH_SCOPE), *a = bearer(sp, ARM_SCOPE);
	struct hashes h;
	struct resp r;
	json_t *j;
	char *p;

	h.base = simproc_url(sp);
	crypto_generichash_init(&h.st, NULL, 0, 32);
	for (size_t i = 0; paths[i]; i++)
		walk(sp, g, paths[i], NULL, hash_page, &h);
	r = get(sp, a, "/subscriptions?api-version=2022-12-01");
	hash_page(&r, NULL, &h);
	j = parse(&r);
	p = fmt(
	    "/subscriptions/%s/providers/Microsoft.Storage/storageAccounts?api-version=2023-05-01",
	    jstr(json_array_get(json_object_get(j, "value"), 0), "subscriptionId"));
	walk(sp, a, p, NULL, hash_page, &h);
	free(p);
	json_decref(j);
	resp_free(&r);
	crypto_generichash_final(&h.st, out, 32);
	free(g);
	free(a);
	assert_int_equal(simproc_stop(sp), 0);
}

static void test_same_flags_same_bytes(void **state)
{
	const char *args[] = {"--users", "3000", "--seed", "7", NULL};
	const char *other[] = {"--users", "3000", "--seed", "8", NULL};
	unsigned char d1[32], d2[32], d3[32];

	(void)state;
	estate_digest(args, d1);
	estate_digest(args, d2);
	assert_memory_equal(d1, d2, 32);
	estate_digest(other, d3);
	assert_memory_not_equal(d1, d3, 32);
}

static long vm_hwm_kb(pid_t pid)
{
	char *path = fmt("/proc/%d/status", (int)pid), *st = tu_read_file(path, NULL), *p;
	long kb = -1;

	if (st && (p = strstr(st, "VmHWM:")))
		kb = atol(p + 6);
	free(st);
	free(path);
	return kb;
}

static void test_100k_user_walk(void **state)
{
	const char *args[] = {"--users", "100000", NULL};
	const char *asan = getenv("ASAN_OPTIONS");
	char *saved = asan ? strdup(asan) : NULL, *opts;
	struct simproc *sp;
	char *g;
	long pages, n, kb;

	(void)state;
	/* Under ASan freed memory sits in a quarantine (256 MB by default) that would
	 * hide what the simulator itself holds: shrink it for this child. */
	opts = fmt("%s%squarantine_size_mb=4:thread_local_quarantine_size_kb=64",
		   saved ? saved : "", saved ? ":" : "");
	setenv("ASAN_OPTIONS", opts, 1);
	sp = simproc_start(args);
	if (saved)
		setenv("ASAN_OPTIONS", saved, 1);
	else
		unsetenv("ASAN_OPTIONS");
	free(saved);
	free(opts);
	g = bearer(sp, GRAPH_SCOPE);
	n = walk(sp, g, "/v1.0/users?$top=999&$select=id,userPrincipalName,userType,accountEnabled",
		 &pages, NULL, NULL);
	assert_int_equal(n, 100000);
	assert_int_equal(pages, 101);
	/* A million sign-ins exist too; their first page is as cheap as any. */
	{
		struct resp r = get(sp, g, "/v1.0/auditLogs/signIns");

		assert_int_equal(r.status, 200);
		assert_true(tu_contains(r.body, "@odata.nextLink"));
		resp_free(&r);
	}
	/* The peak of the whole process, sanitiser shadow included: far below what
	 * holding the estate would take. */
	kb = vm_hwm_kb(simproc_pid(sp));
	fprintf(stderr, "tater-sim peak RSS after the walk: %ld kB\n", kb);
	assert_true(kb > 0 && kb < 128 * 1024);
	free(g);
	assert_int_equal(simproc_stop(sp), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_help_lists_flags),
	    cmocka_unit_test(test_token_grant),
	    cmocka_unit_test(test_bearer_checks),
	    cmocka_unit_test(test_token_expires_early),
	    cmocka_unit_test(test_client_assertion),
	    cmocka_unit_test(test_graph_paging),
	    cmocka_unit_test(test_graph_select_top_filter),
	    cmocka_unit_test(test_estate_and_deny),
	    cmocka_unit_test(test_throttle),
	    cmocka_unit_test(test_webhook_jobs),
	    cmocka_unit_test(test_webhook_disabled),
	    cmocka_unit_test(test_idle_timeout_effect),
	    cmocka_unit_test(test_faults_at_request),
	    cmocka_unit_test(test_same_flags_same_bytes),
	    cmocka_unit_test(test_100k_user_walk),
	};
	int rc;

	if (sodium_init() < 0)
		return 1;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
