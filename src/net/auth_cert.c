/* auth_cert.c - the certificate credential: x5t thumbprint and the RS256 client assertion.
 *
 * OpenSSL's libcrypto is used here and only here, through EVP, for the RSA signature (and the
 * SHA-1 thumbprint the x5t header names); everything else is libsodium. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sodium.h>

#include "tater/auth.h"

#include "auth_cert.h"

#define ASSERTION_LIFETIME_S 600

/* The newest libcrypto reason, for a message; the error queue is cleared. */
static const char *ossl_reason(char *buf, size_t len)
{
	unsigned long e = ERR_peek_last_error();

	if (!e)
		snprintf(buf, len, "no detail");
	else
		ERR_error_string_n(e, buf, len);
	ERR_clear_error();
	return buf;
}

/* A PEM private key is never encrypted here: it is sealed in the vault instead.  Answering no
 * passphrase turns an encrypted key into a clear error rather than a prompt on the terminal. */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf, (void)size, (void)rwflag, (void)u;
	return 0;
}

/* Read the first certificate and the private key from pem and check they belong together. */
static int load_pem(const char *pem, size_t len, X509 **cert, EVP_PKEY **key, struct tater_err *err)
{
	char why[256];
	BIO *b;

	*cert = NULL;
	if (key)
		*key = NULL;
	if (!pem || len > INT32_MAX)
		return tater_errf(err, TATER_EINVAL, "no certificate PEM given");
	b = BIO_new_mem_buf(pem, (int)len);
	if (!b)
		return tater_errf(err, TATER_ENOMEM, "out of memory reading the certificate");
	*cert = PEM_read_bio_X509(b, NULL, no_passphrase, NULL);
	BIO_free(b);
	if (!*cert)
		return tater_errf(err, TATER_EFORMAT,
				  "the certificate PEM holds no readable CERTIFICATE block (%s)",
				  ossl_reason(why, sizeof(why)));
	if (!key)
		return 0;
	b = BIO_new_mem_buf(pem, (int)len);
	if (!b)
		goto nomem;
	*key = PEM_read_bio_PrivateKey(b, NULL, no_passphrase, NULL);
	BIO_free(b);
	if (!*key) {
		ossl_reason(why, sizeof(why));
		X509_free(*cert);
		*cert = NULL;
		return tater_errf(err, TATER_EFORMAT,
				  "the certificate PEM holds no readable, unencrypted private key "
				  "(%s)",
				  why);
	}
	if (EVP_PKEY_base_id(*key) != EVP_PKEY_RSA) {
		X509_free(*cert);
		EVP_PKEY_free(*key);
		*cert = NULL;
		*key = NULL;
		return tater_errf(err, TATER_EINVAL,
				  "the certificate's key is not RSA; Entra ID client assertions "
				  "here are RS256");
	}
	if (X509_check_private_key(*cert, *key) != 1) {
		ERR_clear_error();
		X509_free(*cert);
		EVP_PKEY_free(*key);
		*cert = NULL;
		*key = NULL;
		return tater_errf(err, TATER_EINVAL,
				  "the private key in the PEM does not belong to its certificate");
	}
	return 0;
nomem:
	X509_free(*cert);
	*cert = NULL;
	return tater_errf(err, TATER_ENOMEM, "out of memory reading the certificate");
}

static int b64url(const unsigned char *bin, size_t len, char *out, size_t outlen)
{
	size_t need = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);

	if (need > outlen)
		return -1;
	sodium_bin2base64(out, outlen, bin, len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return 0;
}

static int cert_x5t(X509 *cert, char *out, size_t outlen, struct tater_err *err)
{
	unsigned char md[EVP_MAX_MD_SIZE], *der = NULL;
	unsigned int mdlen = 0;
	char why[256];
	int derlen = i2d_X509(cert, &der);

	if (derlen <= 0)
		return tater_errf(err, TATER_ECRYPTO, "could not encode the certificate (%s)",
				  ossl_reason(why, sizeof(why)));
	if (!EVP_Digest(der, (size_t)derlen, md, &mdlen, EVP_sha1(), NULL)) {
		OPENSSL_free(der);
		return tater_errf(err, TATER_ECRYPTO, "could not hash the certificate (%s)",
				  ossl_reason(why, sizeof(why)));
	}
	OPENSSL_free(der);
	if (b64url(md, mdlen, out, outlen))
		return tater_errf(err, TATER_EINVAL, "x5t buffer too small");
	return 0;
}

int auth_cert_x5t(const char *pem, size_t pem_len, char *out, size_t outlen, struct tater_err *err)
{
	X509 *cert;
	int rc = load_pem(pem, pem_len ? pem_len : (pem ? strlen(pem) : 0), &cert, NULL, err);

	if (rc)
		return rc;
	rc = cert_x5t(cert, out, outlen, err);
	X509_free(cert);
	return rc;
}

/* A random (version 4) GUID for jti: Entra ID refuses a replayed assertion. */
static void guid(char out[37])
{
	unsigned char u[16];

	randombytes_buf(u, sizeof(u));
	u[6] = (unsigned char)((u[6] & 0x0f) | 0x40);
	u[8] = (unsigned char)((u[8] & 0x3f) | 0x80);
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12],
		 u[13], u[14], u[15]);
}

/* base64url of a string, malloc'd. */
static char *b64url_str(const char *s, size_t len)
{
	size_t n = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char *out = malloc(n);

	if (out)
		sodium_bin2base64(out, n, (const unsigned char *)s, len,
				  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return out;
}

int auth_client_assertion(const char *pem, size_t pem_len, const char *client_id, const char *aud,
			  time_t now, char **jwt, struct tater_err *err)
{
	char x5t[64], jti[37], why[256], *hdr_json = NULL, *claims_json = NULL;
	char *hdr_b64 = NULL, *claims_b64 = NULL, *input = NULL, *sig_b64 = NULL;
	unsigned char *sig = NULL;
	size_t siglen = 0;
	json_t *hdr = NULL, *claims = NULL;
	EVP_MD_CTX *md = NULL;
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	int rc, n;

	*jwt = NULL;
	if (!client_id || !aud)
		return tater_errf(err, TATER_EINVAL,
				  "a client assertion needs a client id and an "
				  "audience");
	if (sodium_init() < 0)
		return tater_errf(err, TATER_ECRYPTO, "libsodium failed to initialise");
	rc = load_pem(pem, pem_len ? pem_len : (pem ? strlen(pem) : 0), &cert, &key, err);
	if (rc)
		return rc;
	rc = cert_x5t(cert, x5t, sizeof(x5t), err);
	if (rc)
		goto out;
	guid(jti);
	hdr = json_pack("{s:s, s:s, s:s}", "alg", "RS256", "typ", "JWT", "x5t", x5t);
	claims = json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:I}", "aud", aud, "iss", client_id,
			   "sub", client_id, "jti", jti, "iat", (json_int_t)now, "nbf",
			   (json_int_t)now, "exp", (json_int_t)(now + ASSERTION_LIFETIME_S));
	if (!hdr || !claims)
		goto nomem;
	hdr_json = json_dumps(hdr, JSON_COMPACT | JSON_PRESERVE_ORDER);
	claims_json = json_dumps(claims, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (!hdr_json || !claims_json)
		goto nomem;
	hdr_b64 = b64url_str(hdr_json, strlen(hdr_json));
	claims_b64 = b64url_str(claims_json, strlen(claims_json));
	if (!hdr_b64 || !claims_b64)
		goto nomem;
	n = asprintf(&input, "%s.%s", hdr_b64, claims_b64);
	if (n < 0) {
		input = NULL;
		goto nomem;
	}
	md = EVP_MD_CTX_new();
	if (!md)
		goto nomem;
	if (EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key) != 1 ||
	    EVP_DigestSign(md, NULL, &siglen, (const unsigned char *)input, (size_t)n) != 1 ||
	    !(sig = malloc(siglen)) ||
	    EVP_DigestSign(md, sig, &siglen, (const unsigned char *)input, (size_t)n) != 1) {
		rc = tater_errf(err, TATER_ECRYPTO, "could not sign the client assertion (%s)",
				ossl_reason(why, sizeof(why)));
		goto out;
	}
	sig_b64 = b64url_str((const char *)sig, siglen);
	if (!sig_b64)
		goto nomem;
	if (asprintf(jwt, "%s.%s", input, sig_b64) < 0) {
		*jwt = NULL;
		goto nomem;
	}
	rc = 0;
	goto out;
nomem:
	rc = tater_errf(err, TATER_ENOMEM, "out of memory building the client assertion");
out:
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(key);
	X509_free(cert);
	json_decref(hdr);
	json_decref(claims);
	free(hdr_json);
	free(claims_json);
	free(hdr_b64);
	free(claims_b64);
	free(input);
	free(sig);
	free(sig_b64);
	return rc;
}

int auth_cert_check(const char *pem, size_t len, struct tater_err *err)
{
	X509 *cert;
	EVP_PKEY *key;
	int rc = load_pem(pem, len, &cert, &key, err);

	if (rc)
		return rc;
	X509_free(cert);
	EVP_PKEY_free(key);
	return 0;
}
