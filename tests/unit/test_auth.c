/* test_auth.c - Entra ID client credentials: the RS256 client assertion, then sign-in against
 * tater-sim on loopback (secret and certificate, bad secret, one token for many calls,
 * renewal on expiry and on an early 401). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sodium.h>

#include "tater/auth.h"
#include "simproc.h"
#include "testutil.h"

/* ---- a throwaway self-signed certificate ------------------------------------------------ */

struct cert {
	char *pem;	/* certificate + private key */
	char *cert_pem; /* certificate alone */
	X509 *x509;
};

static char *bio_text(BIO *b)
{
	char *data, *out;
	long n = BIO_get_mem_data(b, &data);

	out = malloc((size_t)n + 1);
	assert_non_null(out);
	memcpy(out, data, (size_t)n);
	out[n] = '\0';
	return out;
}

static void make_cert(struct cert *c, const char *passphrase)
{
	EVP_PKEY *key = EVP_RSA_gen(2048);
	X509 *x = X509_new();
	X509_NAME *name;
	BIO *b = BIO_new(BIO_s_mem()), *bc = BIO_new(BIO_s_mem());

	assert_non_null(key);
	assert_non_null(x);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 3600);
	X509_set_pubkey(x, key);
	name = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"tater-test",
				   -1, -1, 0);
	X509_set_issuer_name(x, name);
	assert_true(X509_sign(x, key, EVP_sha256()) > 0);
	assert_int_equal(PEM_write_bio_X509(b, x), 1);
	assert_int_equal(PEM_write_bio_X509(bc, x), 1);
	if (passphrase)
		assert_int_equal(PEM_write_bio_PrivateKey(b, key, EVP_aes_256_cbc(), NULL, 0, NULL,
							  (void *)passphrase),
				 1);
	else
		assert_int_equal(PEM_write_bio_PrivateKey(b, key, NULL, NULL, 0, NULL, NULL), 1);
	c->pem = bio_text(b);
	c->cert_pem = bio_text(bc);
	c->x509 = x;
	BIO_free(b);
	BIO_free(bc);
	EVP_PKEY_free(key);
}

static void free_cert(struct cert *c)
{
	free(c->pem);
	free(c->cert_pem);
	X509_free(c->x509);
}

static json_t *b64_json(const char *s, size_t n)
{
	unsigned char buf[4096];
	size_t len = 0;
	json_t *j;

	assert_int_equal(sodium_base642bin(buf, sizeof(buf), s, n, NULL, &len, NULL,
					   sodium_base64_VARIANT_URLSAFE_NO_PADDING),
			 0);
	j = json_loadb((const char *)buf, len, 0, NULL);
	assert_non_null(j);
	return j;
}

static void test_x5t_is_sha1_of_der(void **state)
{
	struct cert c;
	unsigned char md[20], *der = NULL;
	unsigned int mdlen = 0;
	char want[64], got[64];
	struct tater_err err = {0};
	int n;

	make_cert(&c, NULL);
	n = i2d_X509(c.x509, &der);
	assert_true(n > 0);
	EVP_Digest(der, (size_t)n, md, &mdlen, EVP_sha1(), NULL);
	OPENSSL_free(der);
	sodium_bin2base64(want, sizeof(want), md, mdlen, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	assert_int_equal(auth_cert_x5t(c.pem, 0, got, sizeof(got), &err), 0);
	assert_string_equal(got, want);
	assert_int_equal(strlen(got), 27); /* 20 bytes, base64url, no padding */
	free_cert(&c);
}

static void test_assertion_shape_and_signature(void **state)
{
	const char *aud =
	    "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token";
	const char *cid = "11111111-1111-4111-8111-111111111111";
	struct tater_err err = {0};
	struct cert c;
	char *jwt = NULL, x5t[64], *dot1, *dot2;
	unsigned char sig[1024];
	size_t siglen = 0;
	json_t *hdr, *claims;
	EVP_MD_CTX *md;
	time_t now = 1790000000;

	make_cert(&c, NULL);
	assert_int_equal(auth_client_assertion(c.pem, 0, cid, aud, now, &jwt, &err), 0);
	dot1 = strchr(jwt, '.');
	assert_non_null(dot1);
	dot2 = strchr(dot1 + 1, '.');
	assert_non_null(dot2);
	assert_null(strchr(dot2 + 1, '.'));
	assert_null(strchr(jwt, '=')); /* base64url without padding */

	hdr = b64_json(jwt, (size_t)(dot1 - jwt));
	assert_string_equal(json_string_value(json_object_get(hdr, "alg")), "RS256");
	assert_string_equal(json_string_value(json_object_get(hdr, "typ")), "JWT");
	assert_int_equal(auth_cert_x5t(c.pem, 0, x5t, sizeof(x5t), &err), 0);
	assert_string_equal(json_string_value(json_object_get(hdr, "x5t")), x5t);

	claims = b64_json(dot1 + 1, (size_t)(dot2 - dot1 - 1));
	assert_string_equal(json_string_value(json_object_get(claims, "aud")), aud);
	assert_string_equal(json_string_value(json_object_get(claims, "iss")), cid);
	assert_string_equal(json_string_value(json_object_get(claims, "sub")), cid);
	assert_int_equal(json_integer_value(json_object_get(claims, "nbf")), now);
	assert_int_equal(json_integer_value(json_object_get(claims, "exp")), now + 600);
	const char *jti = json_string_value(json_object_get(claims, "jti"));
	assert_non_null(jti);
	assert_int_equal(strlen(jti), 36);
	assert_true(jti[8] == '-' && jti[13] == '-' && jti[14] == '4' && jti[18] == '-');

	/* The signature verifies with the certificate's public key over header.claims. */
	assert_int_equal(sodium_base642bin(sig, sizeof(sig), dot2 + 1, strlen(dot2 + 1), NULL,
					   &siglen, NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING),
			 0);
	md = EVP_MD_CTX_new();
	assert_int_equal(
	    EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, X509_get0_pubkey(c.x509)), 1);
	assert_int_equal(
	    EVP_DigestVerify(md, sig, siglen, (const unsigned char *)jwt, (size_t)(dot2 - jwt)), 1);
	/* And not over anything else. */
	jwt[5] ^= 1;
	assert_int_not_equal(
	    EVP_DigestVerify(md, sig, siglen, (const unsigned char *)jwt, (size_t)(dot2 - jwt)), 1);
	EVP_MD_CTX_free(md);

	/* Two assertions never share a jti: Entra ID refuses replays. */
	char *jwt2 = NULL;
	assert_int_equal(auth_client_assertion(c.pem, 0, cid, aud, now, &jwt2, &err), 0);
	json_t *claims2 =
	    b64_json(strchr(jwt2, '.') + 1, (size_t)(strrchr(jwt2, '.') - strchr(jwt2, '.') - 1));
	assert_string_not_equal(json_string_value(json_object_get(claims2, "jti")), jti);
	json_decref(claims2);
	free(jwt2);
	json_decref(hdr);
	json_decref(claims);
	free(jwt);
	free_cert(&c);
}

static void test_bad_pem_is_explained(void **state)
{
	struct tater_err err = {0};
	struct cert a, b, other;
	char *mixed, *jwt = NULL;

	make_cert(&a, NULL);
	make_cert(&b, "pass");
	make_cert(&other, NULL);
	/* A key that is not the certificate's. */
	assert_non_null(strstr(other.pem, "-----BEGIN PRIVATE KEY"));
	assert_true(
	    asprintf(&mixed, "%s%s", a.cert_pem, strstr(other.pem, "-----BEGIN PRIVATE KEY")) > 0);
	assert_int_equal(auth_client_assertion(mixed, 0, "c", "a", 0, &jwt, &err), TATER_EINVAL);
	assert_non_null(strstr(err.msg, "does not belong"));
	assert_null(jwt);
	free(mixed);
	free_cert(&other);
	/* An encrypted key: said so, no prompt on the terminal. */
	assert_int_equal(auth_client_assertion(b.pem, 0, "c", "a", 0, &jwt, &err), TATER_EFORMAT);
	assert_non_null(strstr(err.msg, "unencrypted private key"));
	/* A certificate without its key. */
	assert_int_equal(auth_client_assertion(a.cert_pem, 0, "c", "a", 0, &jwt, &err),
			 TATER_EFORMAT);
	/* Not PEM at all. */
	assert_int_equal(auth_client_assertion("hello", 0, "c", "a", 0, &jwt, &err), TATER_EFORMAT);
	assert_non_null(strstr(err.msg, "CERTIFICATE"));
	free_cert(&a);
	free_cert(&b);
}

static void test_config_checks(void **state)
{
	struct endpoints ep;
	struct auth_entra *a = NULL;
	struct tater_err err = {0};
	struct auth_entra_config cfg = {
	    .tenant = "contoso.onmicrosoft.com",
	    .client_id = "11111111-1111-4111-8111-111111111111",
	    .client_secret = "s3cr3t-value",
	    .ep = &ep,
	};

	assert_int_equal(endpoints_preset("public", &ep, &err), 0);
	assert_int_equal(auth_entra_new(&cfg, &a, &err), 0);
	assert_non_null(auth_entra_source(a, ENDPOINTS_GRAPH));
	assert_null(auth_entra_source(a, ENDPOINTS_LOGIN));
	auth_entra_free(a);
	cfg.tenant = "contoso/../x";
	assert_int_equal(auth_entra_new(&cfg, &a, &err), TATER_EINVAL);
	cfg.tenant = "contoso.onmicrosoft.com";
	cfg.cert_file = "/nonexistent/cert.pem";
	assert_int_equal(auth_entra_new(&cfg, &a, &err), TATER_EINVAL); /* two credentials */
	assert_null(strstr(err.msg, "s3cr3t"));
	cfg.client_secret = NULL;
	assert_int_equal(auth_entra_new(&cfg, &a, &err), TATER_EIO);
	assert_non_null(strstr(err.msg, "/nonexistent/cert.pem"));
}

/* ---- against tater-sim ------------------------------------------------------------------ */

struct fixture {
	struct simproc *sim;
	struct endpoints ep;
	struct http_client *c;
	struct auth_entra *a;
};

/* The fixture of the running test, stopped by teardown() even when an assertion fails. */
static struct fixture *live;

static void up(struct fixture *f, const char *const *flags, const char *secret, const char *pem)
{
	struct tater_err err = {0};
	struct http_config cfg;

	memset(f, 0, sizeof(*f));
	f->sim = simproc_start(flags);
	live = f;
	assert_int_equal(endpoints_custom(simproc_url(f->sim), "public", &f->ep, &err), 0);
	http_config_defaults(&cfg);
	cfg.backoff_base_ms = 50;
	assert_int_equal(http_client_new(&cfg, &f->c, &err), 0);
	struct auth_entra_config ac = {
	    .tenant = SIMPROC_TENANT,
	    .client_id = SIMPROC_CLIENT_ID,
	    .client_secret = pem ? NULL : secret,
	    .cert_pem = pem,
	    .ep = &f->ep,
	};
	assert_int_equal(auth_entra_new(&ac, &f->a, &err), 0);
}

static void down(struct fixture *f)
{
	live = NULL;
	auth_entra_free(f->a);
	http_client_free(f->c);
	simproc_stop(f->sim);
}

/* GET a Graph or ARM path with the credential; returns the client's code. */
static int call(struct fixture *f, enum endpoints_api api, const char *path, struct tater_err *err)
{
	char *u = endpoints_url(&f->ep, api, path);
	struct http_request req = {.url = u, .auth = auth_entra_source(f->a, api)};
	int rc = http_request(f->c, &req, NULL, err);

	free(u);
	return rc;
}

static void test_secret_one_token_for_many_calls(void **state)
{
	struct fixture f;
	struct auth_stats as;
	struct tater_err err = {0};

	up(&f, NULL, SIMPROC_SECRET, NULL);
	for (int i = 0; i < 10; i++)
		assert_int_equal(call(&f, ENDPOINTS_GRAPH, "/v1.0/organization", &err), 0);
	/* Concurrent collections share the same cached token too. */
	for (int i = 0; i < 5; i++) {
		char *u = endpoints_url(&f.ep, ENDPOINTS_GRAPH, "/v1.0/domains");
		struct http_paged p = {
		    .req = {.url = u, .auth = auth_entra_source(f.a, ENDPOINTS_GRAPH)}};
		assert_int_equal(http_multi_add_paged(f.c, &p, &err), 0);
		free(u);
	}
	assert_int_equal(http_multi_run(f.c, &err), 0);
	auth_entra_stats(f.a, &as);
	assert_int_equal(as.token_requests, 1);
	assert_int_equal(as.cache_hits, 14);
	/* Another resource is another token: an ARM token is refused by Graph and back. */
	assert_int_equal(call(&f, ENDPOINTS_ARM, "/subscriptions?api-version=2022-12-01", &err), 0);
	auth_entra_stats(f.a, &as);
	assert_int_equal(as.token_requests, 2);
	down(&f);
}

static void test_bad_secret_shows_aadsts(void **state)
{
	struct fixture f;
	struct auth_stats as;
	struct tater_err err = {0};

	up(&f, NULL, "Not-The-Secret~42", NULL);
	assert_int_equal(call(&f, ENDPOINTS_GRAPH, "/v1.0/organization", &err), TATER_EAUTH);
	/* What the login service said reaches the person, the secret does not. */
	assert_non_null(strstr(err.msg, "AADSTS7000215"));
	assert_non_null(strstr(err.msg, "invalid_client"));
	assert_non_null(strstr(err.msg, SIMPROC_TENANT));
	assert_null(strstr(err.msg, "Not-The-Secret"));
	assert_null(strstr(err.msg, "Trace ID"));
	/* A scan's other collections get the same answer without asking again. */
	for (int i = 0; i < 5; i++) {
		char *u = endpoints_url(&f.ep, ENDPOINTS_GRAPH, "/v1.0/domains");
		struct http_paged p = {
		    .req = {.url = u, .auth = auth_entra_source(f.a, ENDPOINTS_GRAPH)}};
		assert_int_equal(http_multi_add_paged(f.c, &p, &err), 0);
		free(u);
	}
	assert_int_equal(http_multi_run(f.c, &err), TATER_EAUTH);
	assert_non_null(strstr(err.msg, "AADSTS7000215"));
	auth_entra_stats(f.a, &as);
	assert_int_equal(as.token_requests, 1); /* a refused credential is not retried */
	down(&f);
}

/* A login service that cannot be reached is tried once (with the client's retries) and then
 * remembered for every API: a scan's other collections fail at once with the same message
 * instead of each retrying for half a minute. */
static void test_unreachable_login_remembered(void **state)
{
	struct fixture f;
	struct endpoints ep;
	struct http_config cfg;
	struct http_client *c = NULL;
	struct auth_entra *a = NULL;
	struct auth_stats as;
	struct tater_err err = {0}, err2 = {0};
	int64_t t0;

	(void)state;
	up(&f, NULL, SIMPROC_SECRET, NULL);
	ep = f.ep;
	/* Nothing listens on port 1 of the loopback. */
	assert_int_equal(endpoints_set_base(&ep, ENDPOINTS_LOGIN, "http://127.0.0.1:1", &err), 0);
	http_config_defaults(&cfg);
	cfg.max_attempts = 2;
	cfg.backoff_base_ms = 20;
	assert_int_equal(http_client_new(&cfg, &c, &err), 0);
	struct auth_entra_config ac = {.tenant = SIMPROC_TENANT,
				       .client_id = SIMPROC_CLIENT_ID,
				       .client_secret = SIMPROC_SECRET,
				       .ep = &ep};
	assert_int_equal(auth_entra_new(&ac, &a, &err), 0);
	{
		char *u = endpoints_url(&ep, ENDPOINTS_GRAPH, "/v1.0/organization");
		struct http_request req = {.url = u, .auth = auth_entra_source(a, ENDPOINTS_GRAPH)};

		assert_int_equal(http_request(c, &req, NULL, &err), TATER_ENET);
		free(u);
	}
	assert_non_null(strstr(err.msg, "Entra ID sign-in to tenant"));
	assert_null(strstr(err.msg, SIMPROC_SECRET));
	t0 = rate_now_ms();
	{
		char *u = endpoints_url(&ep, ENDPOINTS_ARM, "/subscriptions?api-version=2022-12-01");
		struct http_request req = {.url = u, .auth = auth_entra_source(a, ENDPOINTS_ARM)};

		assert_int_equal(http_request(c, &req, NULL, &err2), TATER_ENET);
		free(u);
	}
	assert_true(rate_now_ms() - t0 < 1000);
	assert_non_null(strstr(err2.msg, "Entra ID sign-in to tenant"));
	auth_entra_stats(a, &as);
	assert_int_equal(as.token_requests, 1);
	auth_entra_free(a);
	http_client_free(c);
	down(&f);
}

static void test_renewal_before_expiry(void **state)
{
	const char *flags[] = {"--token-lifetime", "2", NULL};
	struct fixture f;
	struct auth_stats as;
	struct http_stats st;
	struct tater_err err = {0};

	up(&f, flags, SIMPROC_SECRET, NULL);
	assert_int_equal(call(&f, ENDPOINTS_GRAPH, "/v1.0/organization", &err), 0);
	assert_int_equal(call(&f, ENDPOINTS_GRAPH, "/v1.0/organization", &err), 0);
	auth_entra_stats(f.a, &as);
	assert_int_equal(as.token_requests, 1);
	/* A 2 s token is renewed after 1.6 s, before the service would refuse it. */
	usleep(1700 * 1000);
	assert_int_equal(call(&f, ENDPOINTS_GRAPH, "/v1.0/organization", &err), 0);
	auth_entra_stats(f.a, &as);
	assert_int_equal(as.token_requests, 2);
	http_stats_get(f.c, &st);
	assert_int_equal(st.auth_renewals, 0); /* no 401 was needed */
	down(&f);
}

static void test_renewal_on_early_expiry(void **state)
{
	const char *flags[] = {"--fault-token-expire-early", "1", NULL};
	struct fixture f;
	struct auth_stats as;
	struct http_stats st;
	struct tater_err err = {0};

	up(&f, flags, SIMPROC_SECRET, NULL);
	assert_int_equal(call(&f, ENDPOINTS_GRAPH, "/v1.0/organization", &err), 0);
	usleep(1300 * 1000);
	/* The token said an hour but died after a second: one 401, one renewal, success. */
	assert_int_equal(call(&f, ENDPOINTS_GRAPH, "/v1.0/organization", &err), 0);
	auth_entra_stats(f.a, &as);
	assert_int_equal(as.token_requests, 2);
	assert_int_equal(as.renewals, 1);
	http_stats_get(f.c, &st);
	assert_int_equal(st.auth_renewals, 1);
	down(&f);
}

static void test_certificate_sign_in(void **state)
{
	struct cert c, other;
	char *dir = tu_tmpdir("auth"), *path = tu_path(dir, "app.crt");
	const char *flags[] = {"--client-cert", path, NULL};
	struct fixture f;
	struct auth_stats as;
	struct tater_err err = {0};

	make_cert(&c, NULL);
	make_cert(&other, NULL);
	tu_write_file(path, c.cert_pem, 0600);
	up(&f, flags, NULL, c.pem);
	assert_int_equal(call(&f, ENDPOINTS_GRAPH, "/v1.0/organization", &err), 0);
	assert_int_equal(call(&f, ENDPOINTS_ARM, "/subscriptions?api-version=2022-12-01", &err), 0);
	auth_entra_stats(f.a, &as);
	assert_int_equal(as.token_requests, 2);
	auth_entra_free(f.a);
	/* A certificate the app does not know: the service's AADSTS text comes back. */
	struct auth_entra_config ac = {.tenant = SIMPROC_TENANT,
				       .client_id = SIMPROC_CLIENT_ID,
				       .cert_pem = other.pem,
				       .ep = &f.ep};
	assert_int_equal(auth_entra_new(&ac, &f.a, &err), 0);
	assert_int_equal(call(&f, ENDPOINTS_GRAPH, "/v1.0/organization", &err), TATER_EAUTH);
	assert_non_null(strstr(err.msg, "AADSTS"));
	down(&f);
	free_cert(&c);
	free_cert(&other);
	tu_rmtree(dir);
	free(path);
	free(dir);
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
	    cmocka_unit_test(test_x5t_is_sha1_of_der),
	    cmocka_unit_test(test_assertion_shape_and_signature),
	    cmocka_unit_test(test_bad_pem_is_explained),
	    cmocka_unit_test(test_config_checks),
	    cmocka_unit_test_teardown(test_secret_one_token_for_many_calls, teardown),
	    cmocka_unit_test_teardown(test_bad_secret_shows_aadsts, teardown),
	    cmocka_unit_test_teardown(test_unreachable_login_remembered, teardown),
	    cmocka_unit_test_teardown(test_renewal_before_expiry, teardown),
	    cmocka_unit_test_teardown(test_renewal_on_early_expiry, teardown),
	    cmocka_unit_test_teardown(test_certificate_sign_in, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
