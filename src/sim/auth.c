/* auth.c - the Microsoft identity platform's token endpoint, and bearer checks.
 *
 * Access tokens are JWT-shaped (HS256 with a key that lives and dies with the
 * process): clients must treat them as opaque, while the simulator can read back
 * tenant, app, audience and expiry.  A token for Graph is refused by ARM and the
 * other way round, as the real services do. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sodium.h>

#include "sim.h"

struct sim_auth_keys {
	unsigned char key[crypto_auth_hmacsha256_KEYBYTES];
	EVP_PKEY *pkey; /* from --client-cert */
	char *x5t;	/* base64url SHA-1 of the certificate (DER) */
	char *x5t256;	/* base64url SHA-256 */
};

static const char aud_graph[] = "https://graph.microsoft.com";
static const char aud_arm[] = "https://management.azure.com/";
static const char aud_outlook[] = "https://outlook.office365.com";

int sim_auth_init(struct sim *s, struct tater_err *err)
{
	struct sim_auth_keys *a = calloc(1, sizeof(*a));
	FILE *f = NULL;
	X509 *cert = NULL;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen;
	int rc = 0;

	if (!a)
		abort();
	s->auth = a;
	randombytes_buf(a->key, sizeof(a->key));
	if (!s->cfg.client_cert)
		return 0;
	f = fopen(s->cfg.client_cert, "r");
	if (!f) {
		rc = tater_errf(err, TATER_EIO, "cannot open --client-cert %s", s->cfg.client_cert);
		goto out;
	}
	cert = PEM_read_X509(f, NULL, NULL, NULL);
	if (!cert) {
		rc = tater_errf(err, TATER_EFORMAT, "--client-cert %s holds no PEM certificate",
				s->cfg.client_cert);
		goto out;
	}
	a->pkey = X509_get_pubkey(cert);
	if (!a->pkey || EVP_PKEY_base_id(a->pkey) != EVP_PKEY_RSA) {
		rc = tater_errf(err, TATER_EFORMAT, "--client-cert %s: not an RSA certificate",
				s->cfg.client_cert);
		goto out;
	}
	if (!X509_digest(cert, EVP_sha1(), md, &mdlen)) {
		rc = tater_errf(err, TATER_ECRYPTO, "cannot hash --client-cert");
		goto out;
	}
	a->x5t = sim_b64url(md, mdlen);
	if (!X509_digest(cert, EVP_sha256(), md, &mdlen)) {
		rc = tater_errf(err, TATER_ECRYPTO, "cannot hash --client-cert");
		goto out;
	}
	a->x5t256 = sim_b64url(md, mdlen);
out:
	if (f)
		fclose(f);
	X509_free(cert);
	return rc;
}

void sim_auth_free(struct sim_auth_keys *a)
{
	if (!a)
		return;
	EVP_PKEY_free(a->pkey);
	free(a->x5t);
	free(a->x5t256);
	sodium_memzero(a->key, sizeof(a->key));
	free(a);
}

/* ---- token endpoint ---- */

static void aad_error(struct sim_resp *rs, int status, const char *error, int code, const char *fmt,
		      ...) __attribute__((format(printf, 5, 6)));

static void aad_error(struct sim_resp *rs, int status, const char *error, int code, const char *fmt,
		      ...)
{
	char msg[768], desc[1024], ts[32], ts2[32], trace[37], corr[37], uri[96];
	time_t now = time(NULL);
	struct tm tm;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	gmtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%d %H:%M:%SZ", &tm);
	strftime(ts2, sizeof(ts2), "%Y-%m-%d %H:%M:%S", &tm);
	sim_guid_random(trace);
	sim_guid_random(corr);
	snprintf(desc, sizeof(desc),
		 "AADSTS%d: %s\r\nTrace ID: %s\r\nCorrelation ID: %s\r\nTimestamp: %sZ", code, msg,
		 trace, corr, ts2);
	snprintf(uri, sizeof(uri), "https://login.microsoftonline.com/error?code=%d", code);
	sim_resp_json(rs, status,
		      json_pack("{s:s,s:s,s:[i],s:s,s:s,s:s,s:s}", "error", error,
				"error_description", desc, "error_codes", code, "timestamp", ts,
				"trace_id", trace, "correlation_id", corr, "error_uri", uri));
}

static int tenant_ok(struct sim *s, const char *t)
{
	char dom[256];

	if (strcasecmp(t, s->cfg.tenant_id) == 0)
		return 1;
	snprintf(dom, sizeof(dom), "%s.onmicrosoft.com", s->cfg.domain);
	return strcasecmp(t, dom) == 0;
}

/* The resource a client-credentials scope names, by host, for every cloud. */
static enum sim_audience scope_audience(const char *scope)
{
	static const struct {
		const char *host;
		enum sim_audience aud;
	} hosts[] = {
	    {"graph.microsoft.com", SIM_AUD_GRAPH},
	    {"graph.microsoft.us", SIM_AUD_GRAPH},
	    {"dod-graph.microsoft.us", SIM_AUD_GRAPH},
	    {"microsoftgraph.chinacloudapi.cn", SIM_AUD_GRAPH},
	    {"management.azure.com", SIM_AUD_ARM},
	    {"management.core.windows.net", SIM_AUD_ARM},
	    {"management.usgovcloudapi.net", SIM_AUD_ARM},
	    {"management.core.usgovcloudapi.net", SIM_AUD_ARM},
	    {"management.chinacloudapi.cn", SIM_AUD_ARM},
	    {"management.core.chinacloudapi.cn", SIM_AUD_ARM},
	    {"outlook.office365.com", SIM_AUD_OUTLOOK},
	    {"outlook.office365.us", SIM_AUD_OUTLOOK},
	    {"partner.outlook.cn", SIM_AUD_OUTLOOK},
	};
	const char *h = strstr(scope, "://");
	size_t n;

	if (strncmp(scope, "00000003-0000-0000-c000-000000000000/", 37) == 0)
		return SIM_AUD_GRAPH;
	if (!h)
		return SIM_AUD_NONE;
	h += 3;
	n = strcspn(h, "/");
	for (size_t i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++)
		if (strlen(hosts[i].host) == n && strncasecmp(hosts[i].host, h, n) == 0)
			return hosts[i].aud;
	return sim_extra_audience(scope);
}

/* The audiences of the services added beside Graph, ARM and Exchange: Security & Compliance,
 * a tenant's SharePoint admin host, Fabric / Power BI.  aud is a resource URI (a scope's
 * resource, or a token's aud claim). */
enum sim_audience sim_extra_audience(const char *aud)
{
	const char *h = strstr(aud, "://");
	size_t n;

	if (!h)
		return SIM_AUD_NONE;
	h += 3;
	n = strcspn(h, "/");
	if (strncasecmp(h, "ps.compliance.protection.", 25) == 0 ||
	    strncasecmp(h, "l5.ps.compliance.protection.", 28) == 0)
		return SIM_AUD_COMPLIANCE;
	if (memmem(h, n, "-admin.sharepoint.", 18) || memmem(h, n, "-admin.dps.mil", 14))
		return SIM_AUD_SPO;
	if ((n == 24 && strncasecmp(h, "api.fabric.microsoft.com", 24) == 0) ||
	    strstr(h, "analysis.windows.net/powerbi/api") ||
	    strstr(h, "analysis.usgovcloudapi.net/powerbi/api") ||
	    strstr(h, "analysis.chinacloudapi.cn/powerbi/api"))
		return SIM_AUD_FABRIC;
	return SIM_AUD_NONE;
}

static const char *aud_name(enum sim_audience a)
{
	return a == SIM_AUD_GRAPH ? aud_graph : a == SIM_AUD_ARM ? aud_arm : aud_outlook;
}

/* dies: the simulator's monotonic time at which --fault-token-expire-early kills the token
 * (0: it lives until exp). Whole-second exp alone would make "after S seconds" anywhere in
 * S-1..S, a race for the tests that use it. */
static char *mint_token(struct sim *s, enum sim_audience aud, const char *aud_uri, long long exp,
			double dies)
{
	static const char hdr[] = "{\"typ\":\"JWT\",\"alg\":\"HS256\"}";
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	long long now = (long long)time(NULL);
	char iss[128], oid[37], *payload, *h64, *p64, *signing, *sig64, *tok;
	json_t *claims;

	snprintf(iss, sizeof(iss), "https://sts.windows.net/%s/", s->cfg.tenant_id);
	sim_guid(oid, (uint64_t)s->cfg.seed, "sp", 0);
	claims =
	    json_pack("{s:s,s:s,s:I,s:I,s:I,s:s,s:s,s:s,s:s}", "aud",
		      aud_uri ? aud_uri : aud_name(aud), "iss", iss,
		      "iat", (json_int_t)now, "nbf", (json_int_t)now, "exp", (json_int_t)exp,
		      "appid", s->cfg.client_id, "oid", oid, "tid", s->cfg.tenant_id, "ver", "1.0");
	if (dies > 0)
		json_object_set_new(claims, "xms_sim_dies", json_real(dies));
	payload = sim_json_dump(claims, NULL);
	json_decref(claims);
	h64 = sim_b64url((const unsigned char *)hdr, strlen(hdr));
	p64 = sim_b64url((const unsigned char *)payload, strlen(payload));
	signing = sim_xasprintf("%s.%s", h64, p64);
	crypto_auth_hmacsha256(mac, (const unsigned char *)signing, strlen(signing), s->auth->key);
	sig64 = sim_b64url(mac, sizeof(mac));
	tok = sim_xasprintf("%s.%s", signing, sig64);
	free(payload);
	free(h64);
	free(p64);
	free(signing);
	free(sig64);
	return tok;
}

/* Split a compact JWT; parts point into a copy the caller frees. */
static char *jwt_split(const char *tok, char **p1, char **p2, char **p3)
{
	char *copy = sim_xstrdup(tok), *a, *b;

	a = strchr(copy, '.');
	b = a ? strchr(a + 1, '.') : NULL;
	if (!a || !b || strchr(b + 1, '.')) {
		free(copy);
		return NULL;
	}
	*a = *b = '\0';
	*p1 = copy;
	*p2 = a + 1;
	*p3 = b + 1;
	return copy;
}

static json_t *b64_json(const char *s)
{
	size_t n;
	unsigned char *raw = sim_b64url_decode(s, strlen(s), &n);
	json_t *j;

	if (!raw)
		return NULL;
	j = json_loadb((const char *)raw, n, 0, NULL);
	free(raw);
	if (j && !json_is_object(j)) {
		json_decref(j);
		return NULL;
	}
	return j;
}

/* Is aud the token endpoint of this tenant, on whatever host the client uses? */
static int aud_is_token_endpoint(struct sim *s, const char *aud, const char *tenant)
{
	const char *p = strstr(aud, "://");
	char want1[256], want2[256];

	if (!p)
		return 0;
	p = strchr(p + 3, '/');
	if (!p)
		return 0;
	snprintf(want1, sizeof(want1), "/%s/oauth2/v2.0/token", tenant);
	snprintf(want2, sizeof(want2), "/%s/oauth2/token", tenant);
	(void)s;
	return strcasecmp(p, want1) == 0 || strcasecmp(p, want2) == 0;
}

/* 0 if the RS256 client assertion is good, else -1 with the AADSTS answer in rs. */
static int check_assertion(struct sim *s, const char *jwt, const char *tenant, struct sim_resp *rs)
{
	struct sim_auth_keys *a = s->auth;
	char *copy, *h, *p, *sig;
	json_t *hdr = NULL, *claims = NULL;
	unsigned char *rawsig = NULL;
	size_t siglen;
	EVP_MD_CTX *md = NULL;
	const char *alg, *x5t, *x5t256, *aud, *iss, *sub;
	json_int_t exp, nbf;
	long long now = (long long)time(NULL);
	int rc = -1;

	copy = jwt_split(jwt, &h, &p, &sig);
	if (!copy || !(hdr = b64_json(h)) || !(claims = b64_json(p))) {
		aad_error(rs, 400, "invalid_request", 50027, "JWT token is invalid or malformed.");
		goto out;
	}
	alg = json_string_value(json_object_get(hdr, "alg"));
	x5t = json_string_value(json_object_get(hdr, "x5t"));
	x5t256 = json_string_value(json_object_get(hdr, "x5t#S256"));
	if (!alg || strcmp(alg, "RS256") != 0) {
		aad_error(
		    rs, 400, "invalid_request", 50027,
		    "JWT token is invalid or malformed. The signing algorithm must be RS256.");
		goto out;
	}
	if (!a->pkey || !((x5t && a->x5t && strcmp(x5t, a->x5t) == 0) ||
			  (x5t256 && a->x5t256 && strcmp(x5t256, a->x5t256) == 0))) {
		aad_error(
		    rs, 401, "invalid_client", 700027,
		    "The certificate with identifier used to sign the client assertion is "
		    "not registered on application. [Reason - The key was not found., "
		    "Please visit the Azure Portal, Graph Explorer or directly use MS Graph to "
		    "see configured keys for app Id '%s'.]",
		    s->cfg.client_id);
		goto out;
	}
	rawsig = sim_b64url_decode(sig, strlen(sig), &siglen);
	md = EVP_MD_CTX_new();
	p[-1] = '.'; /* h is now "header.payload", what was signed */
	if (!rawsig || !md || EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, a->pkey) != 1 ||
	    EVP_DigestVerify(md, rawsig, siglen, (const unsigned char *)h, strlen(h)) != 1) {
		aad_error(rs, 401, "invalid_client", 700027,
			  "Client assertion failed signature validation.");
		goto out;
	}
	aud = json_string_value(json_object_get(claims, "aud"));
	iss = json_string_value(json_object_get(claims, "iss"));
	sub = json_string_value(json_object_get(claims, "sub"));
	if (!aud || !aud_is_token_endpoint(s, aud, tenant)) {
		aad_error(rs, 400, "invalid_client", 50027,
			  "JWT token is invalid or malformed: the audience claim '%s' is not "
			  "this tenant's token endpoint.",
			  aud ? aud : "");
		goto out;
	}
	if (!iss || !sub || strcmp(iss, s->cfg.client_id) != 0 ||
	    strcmp(sub, s->cfg.client_id) != 0) {
		aad_error(
		    rs, 401, "invalid_client", 700021,
		    "Client assertion application identifier doesn't match 'client_id' "
		    "parameter. Review the documentation at https://learn.microsoft.com/entra/"
		    "identity-platform/certificate-credentials .");
		goto out;
	}
	if (!json_is_integer(json_object_get(claims, "exp"))) {
		aad_error(rs, 400, "invalid_request", 50027,
			  "JWT token is invalid or malformed: no exp claim.");
		goto out;
	}
	exp = json_integer_value(json_object_get(claims, "exp"));
	nbf = json_is_integer(json_object_get(claims, "nbf"))
		  ? json_integer_value(json_object_get(claims, "nbf"))
		  : 0;
	/* Five minutes of clock skew, as the service allows. */
	if (exp + 300 < now || nbf - 300 > now) {
		aad_error(
		    rs, 401, "invalid_client", 700024,
		    "Client assertion is not within its valid time range. Current time: %lld, "
		    "expiry time of assertion %lld.",
		    now, (long long)exp);
		goto out;
	}
	rc = 0;
out:
	EVP_MD_CTX_free(md);
	free(rawsig);
	json_decref(hdr);
	json_decref(claims);
	free(copy);
	return rc;
}

void sim_h_token(struct sim *s, struct sim_req *rq, struct sim_resp *rs)
{
	struct sim_kv *form = NULL;
	size_t n = sim_parse_form(rq->body, rq->body_len, &form);
	const char *tenant = rq->params[0], *grant, *cid, *scope, *secret, *atype, *assertion;
	char scope1[512];
	enum sim_audience aud;
	long long exp;
	double dies = 0;
	char *tok;

	grant = sim_kv_get(form, n, "grant_type");
	cid = sim_kv_get(form, n, "client_id");
	scope = sim_kv_get(form, n, "scope");
	secret = sim_kv_get(form, n, "client_secret");
	atype = sim_kv_get(form, n, "client_assertion_type");
	assertion = sim_kv_get(form, n, "client_assertion");

	if (!tenant_ok(s, tenant)) {
		aad_error(
		    rs, 400, "invalid_request", 90002,
		    "Tenant '%s' not found. Check to make sure you have the correct tenant ID "
		    "and are signing into the correct cloud.",
		    tenant);
		goto out;
	}
	if (!grant || !*grant) {
		aad_error(rs, 400, "invalid_request", 900144,
			  "The request body must contain the following parameter: 'grant_type'.");
		goto out;
	}
	if (strcmp(grant, "client_credentials") != 0) {
		aad_error(rs, 400, "unsupported_grant_type", 70003,
			  "The app requested an unsupported grant type '%s'.", grant);
		goto out;
	}
	if (!cid || !*cid) {
		aad_error(rs, 400, "invalid_request", 900144,
			  "The request body must contain the following parameter: 'client_id'.");
		goto out;
	}
	if (strcasecmp(cid, s->cfg.client_id) != 0) {
		aad_error(rs, 400, "unauthorized_client", 700016,
			  "Application with identifier '%s' was not found in the directory '%s'. "
			  "This can happen if the application has not been installed by the "
			  "administrator of the tenant or consented to by any user in the tenant. "
			  "You may have sent your authentication request to the wrong tenant.",
			  cid, tenant);
		goto out;
	}
	if (!scope || !*scope) {
		aad_error(rs, 400, "invalid_request", 900144,
			  "The request body must contain the following parameter: 'scope'.");
		goto out;
	}
	snprintf(scope1, sizeof(scope1), "%.*s", (int)strcspn(scope, " "), scope);
	if (strlen(scope1) < 9 || strcmp(scope1 + strlen(scope1) - 9, "/.default") != 0) {
		aad_error(rs, 400, "invalid_scope", 1002012,
			  "The provided value for scope %s is not valid. Client credential flows "
			  "must have a scope value with /.default suffixed to the resource "
			  "identifier (application ID URI).",
			  scope1);
		goto out;
	}
	aud = scope_audience(scope1);
	if (aud == SIM_AUD_NONE) {
		aad_error(rs, 400, "invalid_resource", 500011,
			  "The resource principal named %.*s was not found in the tenant named "
			  "%s. This can happen if the application has not been installed by the "
			  "administrator of the tenant or consented to by any user in the tenant.",
			  (int)(strlen(scope1) - 9), scope1, tenant);
		goto out;
	}
	if (secret) {
		size_t want = strlen(s->cfg.client_secret);

		if (strlen(secret) != want ||
		    sodium_memcmp(secret, s->cfg.client_secret, want) != 0) {
			aad_error(
			    rs, 401, "invalid_client", 7000215,
			    "Invalid client secret provided. Ensure the secret being sent in "
			    "the request is the client secret value, not the client secret ID, "
			    "for a secret added to app '%s'.",
			    s->cfg.client_id);
			goto out;
		}
	} else if (assertion) {
		if (!atype ||
		    strcmp(atype, "urn:ietf:params:oauth:client-assertion-type:jwt-bearer") != 0) {
			aad_error(rs, 400, "invalid_request", 700025,
				  "Client assertion type must be "
				  "'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'.");
			goto out;
		}
		if (check_assertion(s, assertion, tenant, rs) < 0)
			goto out;
	} else {
		aad_error(rs, 401, "invalid_client", 7000218,
			  "The request body must contain the following parameter: "
			  "'client_assertion' or 'client_secret'.");
		goto out;
	}

	exp = (long long)time(NULL) + s->cfg.token_lifetime;
	if (s->cfg.token_expire_early > 0)
		dies = sim_mono() + (double)s->cfg.token_expire_early;
	if (aud >= SIM_AUD_COMPLIANCE) {
		/* These services' tokens name the resource as asked (a tenant's own host). */
		char *res = sim_xasprintf("%.*s", (int)(strlen(scope1) - 9), scope1);

		tok = mint_token(s, aud, res, exp, dies);
		free(res);
	} else {
		tok = mint_token(s, aud, NULL, exp, dies);
	}
	sim_resp_json(rs, 200,
		      json_pack("{s:s,s:I,s:I,s:s}", "token_type", "Bearer", "expires_in",
				(json_int_t)s->cfg.token_lifetime, "ext_expires_in",
				(json_int_t)s->cfg.token_lifetime, "access_token", tok));
	sim_resp_header(rs, "Cache-Control", "no-store, no-cache");
	free(tok);
out:
	sim_kv_free(form, n);
}

/* ---- bearer checks ---- */

static void unauthorized(struct sim_req *rq, struct sim_resp *rs, enum sim_auth_kind k,
			 const char *code, const char *msg)
{
	if (k == SIM_AUTH_ARM) {
		sim_arm_error(rs, 401, code, "%s", msg);
		sim_resp_header(
		    rs, "WWW-Authenticate",
		    "Bearer authorization_uri=\"https://login.microsoftonline.com/%s\", "
		    "error=\"invalid_token\", error_description=\"%s\"",
		    rq->tok.tenant[0] ? rq->tok.tenant : "common", msg);
	} else {
		sim_graph_error(rs, 401, code, "%s", msg);
		sim_resp_header(
		    rs, "WWW-Authenticate",
		    "Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline"
		    ".com/common/oauth2/authorize\", client_id=\"00000003-0000-0000-c000-"
		    "000000000000\"");
	}
}

void sim_auth_expired(struct sim_req *rq, struct sim_resp *rs, enum sim_auth_kind k)
{
	if (k == SIM_AUTH_ARM)
		unauthorized(rq, rs, k, "ExpiredAuthenticationToken",
			     "The access token expiry UTC time is earlier than current UTC time.");
	else
		unauthorized(rq, rs, k, "InvalidAuthenticationToken",
			     "Lifetime validation failed, the token is expired.");
}

int sim_auth_check(struct sim *s, struct sim_req *rq, struct sim_resp *rs, enum sim_auth_kind k)
{
	const char *hv = sim_req_header(rq, "Authorization");
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	char *copy = NULL, *h, *p, *sig;
	unsigned char *rawsig = NULL;
	size_t siglen = 0;
	json_t *claims = NULL;
	const char *aud, *tid, *appid;
	double dies;
	enum sim_audience want = k == SIM_AUTH_ARM	 ? SIM_AUD_ARM
				 : k == SIM_AUTH_OUTLOOK ? SIM_AUD_OUTLOOK
				 : k == SIM_AUTH_SPO	 ? SIM_AUD_SPO
				 : k == SIM_AUTH_FABRIC	 ? SIM_AUD_FABRIC
							 : SIM_AUD_GRAPH;
	int rc = -1;

	if (!hv || strncasecmp(hv, "Bearer ", 7) != 0 || !hv[7]) {
		if (k == SIM_AUTH_ARM)
			unauthorized(
			    rq, rs, k, "AuthenticationFailed",
			    "Authentication failed. The 'Authorization' header is missing.");
		else
			unauthorized(rq, rs, k, "InvalidAuthenticationToken",
				     "Access token is empty.");
		return -1;
	}
	copy = jwt_split(hv + 7, &h, &p, &sig);
	if (copy)
		rawsig = sim_b64url_decode(sig, strlen(sig), &siglen);
	if (copy) {
		p[-1] = '.'; /* h is now "header.payload", what was signed */
		crypto_auth_hmacsha256(mac, (const unsigned char *)h, strlen(h), s->auth->key);
	}
	if (!copy || !rawsig || siglen != sizeof(mac) ||
	    sodium_memcmp(mac, rawsig, sizeof(mac)) != 0 || !(claims = b64_json(p))) {
		unauthorized(rq, rs, k, "InvalidAuthenticationToken",
			     k == SIM_AUTH_ARM ? "The access token is invalid."
					       : "IDX14100: JWT is not well formed or its "
						 "signature is invalid.");
		goto out;
	}
	aud = json_string_value(json_object_get(claims, "aud"));
	tid = json_string_value(json_object_get(claims, "tid"));
	appid = json_string_value(json_object_get(claims, "appid"));
	snprintf(rq->tok.tenant, sizeof(rq->tok.tenant), "%s", tid ? tid : "");
	snprintf(rq->tok.appid, sizeof(rq->tok.appid), "%s", appid ? appid : "");
	rq->tok.exp = json_integer_value(json_object_get(claims, "exp"));
	rq->tok.aud = !aud			    ? SIM_AUD_NONE
		      : strcmp(aud, aud_graph) == 0 ? SIM_AUD_GRAPH
		      : strcmp(aud, aud_arm) == 0   ? SIM_AUD_ARM
		      : sim_extra_audience(aud) != SIM_AUD_NONE ? sim_extra_audience(aud)
						    : SIM_AUD_OUTLOOK;
	/* InvokeCommand serves Exchange and Security & Compliance: the token says which. */
	if (k == SIM_AUTH_OUTLOOK && rq->tok.aud == SIM_AUD_COMPLIANCE)
		want = SIM_AUD_COMPLIANCE;
	if (rq->tok.aud != want) {
		if (k == SIM_AUTH_ARM) {
			char msg[512];

			snprintf(
			    msg, sizeof(msg),
			    "The access token has been obtained for wrong audience or resource "
			    "'%s'. It should exactly match with one of the allowed audiences "
			    "'https://management.core.windows.net/','https://management.core."
			    "windows.net','https://management.azure.com/','https://management."
			    "azure.com'.",
			    aud ? aud : "");
			unauthorized(rq, rs, k, "InvalidAuthenticationTokenAudience", msg);
		} else {
			unauthorized(rq, rs, k, "InvalidAuthenticationToken",
				     "Access token validation failure. Invalid audience.");
		}
		goto out;
	}
	dies = json_real_value(json_object_get(claims, "xms_sim_dies"));
	if (rq->tok.exp <= (long long)time(NULL) || (dies > 0 && sim_mono() >= dies)) {
		sim_auth_expired(rq, rs, k);
		goto out;
	}
	rc = 0;
out:
	json_decref(claims);
	free(rawsig);
	free(copy);
	return rc;
}
