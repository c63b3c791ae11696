/* auth.c - Entra ID client credentials and the per-(tenant, resource) token cache.
 *
 * Secrets (the client secret, the certificate's private key, access tokens) live in
 * sodium_malloc'd memory: locked, guarded, wiped on free.  Transient copies (the form body,
 * escaped values, the token answer) are wiped before they are freed. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "tater/auth.h"
#include "tater/ratelimit.h"

#include "auth_cert.h"

#define PEM_MAX (1 << 20)
#define RENEW_MARGIN_MAX_MS (5 * 60 * 1000)
#define REFUSED_MEMORY_MS (60 * 1000)

struct token_slot {
	char *token; /* sodium_malloc'd, NUL-terminated */
	int64_t renew_at;
	uint64_t gen;
	/* A refused credential, or a login service that could not be reached, is remembered
	 * for a while: a scan's forty collections then report the one answer instead of
	 * asking forty times (each with its retries). */
	struct tater_err refused;
	int64_t refused_until;
};

struct source {
	struct http_auth base; /* first: a struct http_auth * is a struct source * */
	struct auth_entra *a;
	enum endpoints_api api;
};

struct auth_entra {
	char *tenant, *client_id, *token_url;
	char *secret; /* sodium_malloc'd, or NULL */
	char *pem;    /* sodium_malloc'd (holds the private key), or NULL */
	size_t pem_len;
	struct endpoints ep;
	struct source src[ENDPOINTS_NAPIS];
	struct token_slot slot[ENDPOINTS_NAPIS];
	uint64_t next_gen;
	struct auth_stats stats;
};

static char *secure_dup(const char *s, size_t n)
{
	char *p = sodium_malloc(n + 1);

	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

/* A tenant id is a GUID or a domain; a client id a GUID.  Either goes into a URL path or a
 * form, so nothing else is let through. */
static int plain_id(const char *s)
{
	if (!s || !*s || strlen(s) > 128)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '-' || *s == '.' || *s == '_'))
			return 0;
	return 1;
}

static int read_pem_file(const char *path, char **out, size_t *len, struct tater_err *err)
{
	struct stat st;
	ssize_t got;
	size_t off = 0;
	int fd, rc = 0;
	char *buf;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return tater_errf(err, TATER_EIO, "cannot open the certificate file %s: %s", path,
				  strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 || st.st_size > PEM_MAX) {
		close(fd);
		return tater_errf(err, TATER_EINVAL,
				  "the certificate file %s is not a regular PEM file under 1 MiB",
				  path);
	}
	buf = sodium_malloc((size_t)st.st_size + 1);
	if (!buf) {
		close(fd);
		return tater_errf(err, TATER_ENOMEM, "out of memory reading %s", path);
	}
	while (off < (size_t)st.st_size) {
		got = read(fd, buf + off, (size_t)st.st_size - off);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			rc = tater_errf(err, TATER_EIO, "cannot read the certificate file %s: %s",
					path, got < 0 ? strerror(errno) : "short read");
			break;
		}
		off += (size_t)got;
	}
	close(fd);
	if (rc) {
		sodium_free(buf);
		return rc;
	}
	buf[off] = '\0';
	*out = buf;
	*len = off;
	return 0;
}

static int entra_sign(struct http_auth *self, struct http_client *c, const char *method,
		      const char *url, const char *body, size_t body_len, uint64_t stale,
		      uint64_t *gen, struct http_hdrs *out, struct tater_err *err);

int auth_entra_new(const struct auth_entra_config *cfg, struct auth_entra **out,
		   struct tater_err *err)
{
	struct auth_entra *a;
	int have, rc;

	*out = NULL;
	if (sodium_init() < 0)
		return tater_errf(err, TATER_ECRYPTO, "libsodium failed to initialise");
	if (!cfg || !cfg->ep)
		return tater_errf(err, TATER_EINVAL, "Entra ID sign-in needs its endpoints");
	if (!plain_id(cfg->tenant))
		return tater_errf(err, TATER_EINVAL,
				  "the tenant must be a tenant id (GUID) or a domain name");
	if (!plain_id(cfg->client_id))
		return tater_errf(err, TATER_EINVAL, "the client id must be an application GUID");
	have = !!cfg->client_secret + !!cfg->cert_pem + !!cfg->cert_file;
	if (have != 1)
		return tater_errf(err, TATER_EINVAL,
				  "give exactly one credential: a client secret or a certificate");
	if (cfg->client_secret && !*cfg->client_secret)
		return tater_errf(err, TATER_EINVAL, "the client secret is empty");
	a = calloc(1, sizeof(*a));
	if (!a)
		return tater_errf(err, TATER_ENOMEM, "out of memory for Entra ID sign-in");
	a->ep = *cfg->ep;
	a->tenant = strdup(cfg->tenant);
	a->client_id = strdup(cfg->client_id);
	a->token_url = endpoints_token_url(&a->ep, cfg->tenant);
	if (!a->tenant || !a->client_id || !a->token_url)
		goto nomem;
	if (cfg->client_secret) {
		a->secret = secure_dup(cfg->client_secret, strlen(cfg->client_secret));
		if (!a->secret)
			goto nomem;
	} else if (cfg->cert_pem) {
		a->pem_len = cfg->cert_pem_len ? cfg->cert_pem_len : strlen(cfg->cert_pem);
		a->pem = secure_dup(cfg->cert_pem, a->pem_len);
		if (!a->pem)
			goto nomem;
	} else {
		rc = read_pem_file(cfg->cert_file, &a->pem, &a->pem_len, err);
		if (rc)
			goto fail;
	}
	if (a->pem) {
		rc = auth_cert_check(a->pem, a->pem_len, err);
		if (rc)
			goto fail;
	}
	for (int i = 0; i < ENDPOINTS_NAPIS; i++) {
		a->src[i].base.sign = entra_sign;
		a->src[i].a = a;
		a->src[i].api = (enum endpoints_api)i;
	}
	*out = a;
	return 0;
nomem:
	rc = tater_errf(err, TATER_ENOMEM, "out of memory for Entra ID sign-in");
fail:
	auth_entra_free(a);
	return rc;
}

static void slot_clear(struct token_slot *s)
{
	if (s->token)
		sodium_free(s->token); /* wipes */
	s->token = NULL;
	s->renew_at = 0;
	s->refused_until = 0;
	tater_err_clear(&s->refused);
}

int auth_entra_set_resource(struct auth_entra *a, enum endpoints_api api, const char *resource,
			    struct tater_err *err)
{
	if (api <= ENDPOINTS_LOGIN || api >= ENDPOINTS_NAPIS || !resource ||
	    strlen(resource) >= ENDPOINTS_URL_MAX)
		return tater_errf(err, TATER_EINVAL, "bad token resource");
	if (strcmp(a->ep.resource[api], resource) != 0) {
		slot_clear(&a->slot[api]);
		snprintf(a->ep.resource[api], ENDPOINTS_URL_MAX, "%s", resource);
	}
	return 0;
}

void auth_entra_forget(struct auth_entra *a)
{
	for (int i = 0; i < ENDPOINTS_NAPIS; i++)
		slot_clear(&a->slot[i]);
}

void auth_entra_free(struct auth_entra *a)
{
	if (!a)
		return;
	auth_entra_forget(a);
	if (a->secret)
		sodium_free(a->secret);
	if (a->pem)
		sodium_free(a->pem);
	free(a->tenant);
	free(a->client_id);
	free(a->token_url);
	free(a);
}

struct http_auth *auth_entra_source(struct auth_entra *a, enum endpoints_api api)
{
	if (!a || api <= ENDPOINTS_LOGIN || api >= ENDPOINTS_NAPIS)
		return NULL;
	return &a->src[api].base;
}

void auth_entra_stats(const struct auth_entra *a, struct auth_stats *out)
{
	*out = a->stats;
}

/* name=escaped(value)&, appended to a wiped-on-free buffer. */
static int form_add(char **form, size_t *len, const char *name, const char *value)
{
	char *esc = http_escape(value), *grown;
	size_t n, add;

	if (!esc)
		return -1;
	add = strlen(name) + 1 + strlen(esc) + 1;
	n = *len + add + 1;
	grown = sodium_malloc(n);
	if (!grown) {
		sodium_memzero(esc, strlen(esc));
		free(esc);
		return -1;
	}
	snprintf(grown, n, "%s%s%s=%s", *form ? *form : "", *len ? "&" : "", name, esc);
	sodium_memzero(esc, strlen(esc));
	free(esc);
	if (*form)
		sodium_free(*form);
	*form = grown;
	*len = strlen(grown);
	return 0;
}

/* The form body of a client-credentials token request for scope. */
static int token_form(struct auth_entra *a, const char *scope, char **form, size_t *len,
		      struct tater_err *err)
{
	int rc = 0;

	*form = NULL;
	*len = 0;
	if (form_add(form, len, "client_id", a->client_id) || form_add(form, len, "scope", scope) ||
	    form_add(form, len, "grant_type", "client_credentials"))
		goto nomem;
	if (a->secret) {
		if (form_add(form, len, "client_secret", a->secret))
			goto nomem;
	} else {
		char *jwt = NULL;

		/* aud is the token endpoint the assertion is sent to. */
		rc = auth_client_assertion(a->pem, a->pem_len, a->client_id, a->token_url,
					   time(NULL), &jwt, err);
		if (rc)
			goto fail;
		rc = form_add(form, len, "client_assertion_type",
			      "urn:ietf:params:oauth:client-assertion-type:jwt-bearer") ||
		     form_add(form, len, "client_assertion", jwt);
		sodium_memzero(jwt, strlen(jwt));
		free(jwt);
		if (rc)
			goto nomem;
	}
	return 0;
nomem:
	rc = tater_errf(err, TATER_ENOMEM, "out of memory building a token request");
fail:
	if (*form)
		sodium_free(*form);
	*form = NULL;
	return rc;
}

/* expires_in is a number in v2.0 answers, a string in some older ones. */
static long long json_seconds(const json_t *v)
{
	if (json_is_integer(v))
		return (long long)json_integer_value(v);
	if (json_is_real(v))
		return (long long)json_real_value(v);
	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		long long n = 0;

		if (!*s)
			return -1;
		for (; *s; s++) {
			if (*s < '0' || *s > '9' || n > 100000000)
				return -1;
			n = n * 10 + (*s - '0');
		}
		return n;
	}
	return -1;
}

static int fetch_token(struct auth_entra *a, struct http_client *c, enum endpoints_api api,
		       struct tater_err *err)
{
	struct token_slot *slot = &a->slot[api];
	struct http_response resp = {0};
	char scope[ENDPOINTS_URL_MAX + 16], *form = NULL;
	size_t form_len = 0;
	json_t *root = NULL, *tok, *exp, *type;
	int64_t t0 = rate_now_ms();
	long long lifetime;
	int rc;

	if (endpoints_scope(&a->ep, api, scope, sizeof(scope)))
		return tater_errf(err, TATER_EINVAL, "no token resource for the %s API",
				  endpoints_api_name(api));
	rc = token_form(a, scope, &form, &form_len, err);
	if (rc)
		goto out;
	struct http_request req = {
	    .method = "POST",
	    .url = a->token_url,
	    .body = form,
	    .body_len = form_len,
	    .content_type = "application/x-www-form-urlencoded",
	    .tenant = a->tenant,
	    .rate_class = RATE_DEFAULT,
	    .idempotent = 1, /* a token request can always be repeated */
	};
	a->stats.token_requests++;
	rc = http_request(c, &req, &resp, err);
	if (rc) {
		/* invalid_client, unauthorized_client, invalid_scope: the credential or the
		 * app registration is wrong, not the network. */
		if (resp.status == 400 || resp.status == 401)
			rc = TATER_EAUTH;
		if (err)
			err->code = rc;
		tater_err_prefix(err, "Entra ID sign-in to tenant %s for %s failed", a->tenant,
				 endpoints_api_name(api));
		if (rc == TATER_EAUTH && err) {
			slot->refused = *err;
			slot->refused_until = rate_now_ms() + REFUSED_MEMORY_MS;
		} else if ((rc == TATER_ENET || rc == TATER_ETIMEOUT || rc == TATER_EHTTP) && err) {
			/* Unreachable or failing (the client already retried): every API signs
			 * in at the same login URL, so none of them would get through now. */
			for (int i = 0; i < ENDPOINTS_NAPIS; i++) {
				if (a->slot[i].token)
					continue;
				a->slot[i].refused = *err;
				a->slot[i].refused_until = rate_now_ms() + REFUSED_MEMORY_MS;
			}
		}
		goto out;
	}
	root = json_loadb(resp.body ? resp.body : "", resp.body_len, 0, NULL);
	tok = json_object_get(root, "access_token");
	exp = json_object_get(root, "expires_in");
	type = json_object_get(root, "token_type");
	lifetime = json_seconds(exp);
	if (!json_is_string(tok) || !json_string_length(tok) || lifetime <= 0 ||
	    (type && (!json_is_string(type) || strcasecmp(json_string_value(type), "Bearer")))) {
		rc = tater_errf(err, TATER_EFORMAT,
				"Entra ID sign-in to tenant %s answered without a bearer "
				"access_token and expires_in",
				a->tenant);
		goto out;
	}
	slot_clear(slot);
	slot->token = secure_dup(json_string_value(tok), json_string_length(tok));
	/* jansson frees its copy without wiping it: wipe it here. */
	sodium_memzero((char *)json_string_value(tok), json_string_length(tok));
	if (!slot->token) {
		rc = tater_errf(err, TATER_ENOMEM, "out of memory storing a token");
		goto out;
	}
	/* Renew before expiry by a fifth of the lifetime, at most five minutes, counted from
	 * before the request went out. */
	long long margin = lifetime * 1000 / 5;

	if (margin > RENEW_MARGIN_MAX_MS)
		margin = RENEW_MARGIN_MAX_MS;
	slot->renew_at = t0 + lifetime * 1000 - margin;
	slot->gen = ++a->next_gen;
	rc = 0;
out:
	json_decref(root);
	if (resp.body)
		sodium_memzero(resp.body, resp.body_len);
	http_response_free(&resp);
	if (form)
		sodium_free(form);
	return rc;
}

int auth_entra_token(struct auth_entra *a, struct http_client *c, enum endpoints_api api,
		     const char **token, struct tater_err *err)
{
	struct token_slot *slot;
	int rc;

	*token = NULL;
	if (api <= ENDPOINTS_LOGIN || api >= ENDPOINTS_NAPIS)
		return tater_errf(err, TATER_EINVAL, "no token for that API");
	slot = &a->slot[api];
	if (!slot->token && rate_now_ms() < slot->refused_until) {
		if (err)
			*err = slot->refused;
		return slot->refused.code < 0 ? slot->refused.code : TATER_EAUTH;
	}
	if (slot->token && rate_now_ms() < slot->renew_at) {
		a->stats.cache_hits++;
		*token = slot->token;
		return 0;
	}
	rc = fetch_token(a, c, api, err);
	if (rc)
		return rc;
	*token = slot->token;
	return 0;
}

static int entra_sign(struct http_auth *self, struct http_client *c, const char *method,
		      const char *url, const char *body, size_t body_len, uint64_t stale,
		      uint64_t *gen, struct http_hdrs *out, struct tater_err *err)
{
	struct source *s = (struct source *)self;
	struct auth_entra *a = s->a;
	struct token_slot *slot = &a->slot[s->api];
	const char *tok;
	char *value;
	size_t n;
	int rc;

	/* The service refused the token this request carried; unless another request has
	 * renewed it meanwhile, it is stale. */
	if (stale && slot->token && slot->gen == stale) {
		slot_clear(slot);
		a->stats.renewals++;
	}
	rc = auth_entra_token(a, c, s->api, &tok, err);
	if (rc)
		return rc;
	*gen = slot->gen;
	n = strlen("Bearer ") + strlen(tok) + 1;
	value = sodium_malloc(n);
	if (!value)
		return tater_errf(err, TATER_ENOMEM, "out of memory for a request header");
	snprintf(value, n, "Bearer %s", tok);
	rc = http_hdrs_add(out, "Authorization", value);
	sodium_free(value);
	if (rc)
		return tater_errf(err, rc, "the %s token cannot go in a header",
				  endpoints_api_name(s->api));
	return 0;
}
