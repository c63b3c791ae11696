/* auth.h - Entra ID client credentials (client secret or certificate) with a token cache.
 *
 * One auth_entra per tenant and app registration.  It hands out http_auth credential sources,
 * one per API (Graph, ARM, Exchange), that put "Authorization: Bearer <token>" on requests.
 * Tokens are cached per (tenant, resource), renewed shortly before they expire and once when
 * the service answers 401 to a token it should have accepted, so many calls share one token
 * request.  Not thread-safe: use it with one http_client (one worker thread) at a time.
 *
 * The client secret comes from the caller (the vault).  auth_entra keeps its copy, and the
 * tokens, in locked memory that is wiped when freed; neither ever appears in a message. */
#ifndef TATER_AUTH_H
#define TATER_AUTH_H

#include <stddef.h>
#include <time.h>

#include "tater/endpoints.h"
#include "tater/err.h"
#include "tater/http.h"

struct auth_entra_config {
	const char *tenant;    /* directory (tenant) id or a verified domain */
	const char *client_id; /* application (client) id */
	/* Exactly one of: */
	const char *client_secret;  /* the secret's value */
	const char *cert_pem;	    /* PEM text holding the certificate and its private key */
	const char *cert_file;	    /* a PEM file holding both */
	size_t cert_pem_len;	    /* 0: strlen(cert_pem) */
	const struct endpoints *ep; /* login base and resources; copied */
};

struct auth_entra;

/* Copies everything it needs; a certificate is loaded and checked here, so a bad file is
 * reported before the first scan. */
int auth_entra_new(const struct auth_entra_config *cfg, struct auth_entra **out,
		   struct tater_err *err);
void auth_entra_free(struct auth_entra *a);

/* The credential source for api (ENDPOINTS_GRAPH, _ARM, _EXCHANGE); owned by a. */
struct http_auth *auth_entra_source(struct auth_entra *a, enum endpoints_api api);

/* A valid token for api, from the cache or by a token request on c.  *token is owned by a and
 * valid until the next call.  Errors carry the login service's text (AADSTS code). */
int auth_entra_token(struct auth_entra *a, struct http_client *c, enum endpoints_api api,
		     const char **token, struct tater_err *err);

/* Name api's token resource once it is known (SharePoint's is the tenant's admin host,
 * learnt during a scan); a different resource drops api's cached token. */
int auth_entra_set_resource(struct auth_entra *a, enum endpoints_api api, const char *resource,
			    struct tater_err *err);

/* Forget every cached token (after the credential changed). */
void auth_entra_forget(struct auth_entra *a);

struct auth_stats {
	unsigned long token_requests; /* sent to the login service */
	unsigned long cache_hits;
	unsigned long renewals; /* token requests made because a cached token went bad */
};
void auth_entra_stats(const struct auth_entra *a, struct auth_stats *out);

/* ---- certificate pieces (pure; exposed for tests) ---------------------------------------- */

/* x5t: base64url (no padding) SHA-1 thumbprint of the DER of the first certificate in pem. */
int auth_cert_x5t(const char *pem, size_t pem_len, char *out, size_t outlen, struct tater_err *err);

/* The RS256 client assertion: header {"alg":"RS256","typ":"JWT","x5t":...}, claims aud,
 * iss = sub = client_id, jti (a random GUID), iat = nbf = now, exp = now + 10 min; signed with
 * the PEM's private key, which must match its certificate.  *jwt is malloc'd. */
int auth_client_assertion(const char *pem, size_t pem_len, const char *client_id, const char *aud,
			  time_t now, char **jwt, struct tater_err *err);

#endif
