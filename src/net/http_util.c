/* http_util.c - the pure pieces of the HTTP client: Retry-After, backoff, URL redaction,
 * service error bodies, percent-encoding.  No I/O, so each is tested on its own. */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <jansson.h>

#include "tater/http.h"

/* A week: anything longer is a broken header, and the retry budget refuses it anyway. */
#define RETRY_AFTER_MAX_MS (7L * 24 * 3600 * 1000)

int http_status_retryable(long status)
{
	return status == 429 || status == 503 || status == 504;
}

/* Parse "12", "2.128", "0.5" by hand: strtod would follow LC_NUMERIC, and the console runs
 * with setlocale(LC_ALL, ""), where the decimal point may be a comma. */
static int parse_seconds(const char *s, long *ms)
{
	long long whole = 0;
	long frac_ms = 0, scale = 100;
	int digits = 0, rest = 0;

	while (isdigit((unsigned char)*s)) {
		if (whole < RETRY_AFTER_MAX_MS)
			whole = whole * 10 + (*s - '0');
		s++;
		digits++;
	}
	if (*s == '.') {
		s++;
		while (isdigit((unsigned char)*s)) {
			if (scale)
				frac_ms += (*s - '0') * scale;
			else if (*s != '0')
				rest = 1;
			scale /= 10;
			s++;
			digits++;
		}
		/* Round a sub-millisecond remainder up: a hair longer is still what was asked. */
		frac_ms += rest;
	}
	while (*s == ' ' || *s == '\t')
		s++;
	if (!digits || *s)
		return -1;
	if (whole * 1000 + frac_ms > RETRY_AFTER_MAX_MS)
		*ms = RETRY_AFTER_MAX_MS;
	else
		*ms = (long)(whole * 1000 + frac_ms);
	return 0;
}

int http_parse_retry_after(const char *value, time_t now, long *ms)
{
	time_t when;

	if (!value)
		return -1;
	while (*value == ' ' || *value == '\t')
		value++;
	if (!*value)
		return -1;
	if (isdigit((unsigned char)*value) || *value == '.')
		return parse_seconds(value, ms);
	if (*value == '-' || *value == '+')
		return -1;
	/* An HTTP-date (IMF-fixdate, RFC 850 or asctime): curl_getdate reads all three. */
	when = curl_getdate(value, NULL);
	if (when == (time_t)-1)
		return -1;
	if (when <= now)
		*ms = 0;
	else if ((long long)(when - now) * 1000 > RETRY_AFTER_MAX_MS)
		*ms = RETRY_AFTER_MAX_MS;
	else
		*ms = (long)(when - now) * 1000;
	return 0;
}

long http_backoff_ms(int attempt, long base_ms, long cap_ms, uint32_t rnd)
{
	long ceiling = base_ms > 0 ? base_ms : 1;

	if (cap_ms < ceiling)
		cap_ms = ceiling;
	for (int i = 1; i < attempt && ceiling < cap_ms; i++)
		ceiling = ceiling > cap_ms / 2 ? cap_ms : ceiling * 2;
	if (ceiling > cap_ms)
		ceiling = cap_ms;
	return (long)(rnd % ((uint32_t)ceiling + 1));
}

/* ---- redaction -------------------------------------------------------------------------- */

/* Query parameters whose value is a credential.  Paging tokens ($skiptoken, pageToken,
 * NextToken) are not, and stay readable for debugging. */
static int param_is_secret(const char *name, size_t len)
{
	static const char *const exact[] = {
	    "token",
	    "sig",
	    "signature",
	    "code",
	    "key",
	    "apikey",
	    "api_key",
	    "api-key",
	    "access_token",
	    "refresh_token",
	    "id_token",
	    "client_secret",
	    "assertion",
	    "client_assertion",
	    "password",
	    "pwd",
	    "pass",
	    "secret",
	    "x-amz-signature",
	    "x-amz-credential",
	    "x-amz-security-token",
	    "subscription-key",
	};
	static const char *const paging[] = {
	    "$skiptoken", "skiptoken", "pagetoken", "nexttoken", "continuationtoken", "$skipToken",
	};
	char lower[64];

	if (len == 0)
		return 0;
	if (len >= sizeof(lower))
		return 1; /* an odd, long name: safer hidden */
	for (size_t i = 0; i < len; i++)
		lower[i] = (char)tolower((unsigned char)name[i]);
	lower[len] = '\0';
	for (size_t i = 0; i < sizeof(exact) / sizeof(exact[0]); i++)
		if (!strcmp(lower, exact[i]))
			return 1;
	for (size_t i = 0; i < sizeof(paging) / sizeof(paging[0]); i++)
		if (!strcasecmp(lower, paging[i]))
			return 0;
	if (strstr(lower, "secret") || strstr(lower, "password") || strstr(lower, "signature"))
		return 1;
	if (len >= 5 && !strcmp(lower + len - 5, "token"))
		return 1;
	return 0;
}

struct sbuf {
	char *p;
	size_t len, cap;
};

static void sb_put(struct sbuf *b, const char *s, size_t n)
{
	/* Writes what fits and keeps counting, so the caller knows it overflowed. */
	for (size_t i = 0; i < n; i++) {
		if (b->len + 1 < b->cap)
			b->p[b->len] = s[i];
		b->len++;
	}
}

void http_redact_url(const char *url, char *out, size_t outlen)
{
	struct sbuf b = {out, 0, outlen};
	const char *p, *auth_end, *at, *q;

	if (!out || !outlen)
		return;
	if (!url) {
		snprintf(out, outlen, "(no URL)");
		return;
	}
	p = strstr(url, "://");
	p = p ? p + 3 : url;
	sb_put(&b, url, (size_t)(p - url));
	auth_end = p + strcspn(p, "/?#");
	at = memchr(p, '@', (size_t)(auth_end - p));
	if (at) {
		sb_put(&b, "****@", 5);
		p = at + 1;
	}
	q = p + strcspn(p, "?#");
	sb_put(&b, p, (size_t)(q - p));
	if (*q == '?') {
		const char *s = q + 1;

		sb_put(&b, "?", 1);
		while (*s && *s != '#') {
			size_t plen = strcspn(s, "&#");
			const char *eq = memchr(s, '=', plen);
			size_t nlen = eq ? (size_t)(eq - s) : plen;

			if (eq && param_is_secret(s, nlen)) {
				sb_put(&b, s, nlen + 1);
				sb_put(&b, "****", 4);
			} else {
				sb_put(&b, s, plen);
			}
			s += plen;
			if (*s == '&') {
				sb_put(&b, "&", 1);
				s++;
			}
		}
		q = s;
	}
	/* A fragment never goes to the server; it only ever carries client-side secrets. */
	if (*q == '#')
		sb_put(&b, "#****", 5);
	if (b.len + 1 > outlen) {
		/* Truncated: redaction ran first, so the cut cannot expose a secret. */
		out[outlen - 1] = '\0';
		if (outlen > 4)
			memcpy(out + outlen - 4, "...", 4);
	} else {
		out[b.len] = '\0';
	}
}

/* ---- service errors --------------------------------------------------------------------- */

/* Copy s (n bytes) as one printable line: controls become spaces, a line break ends it (the
 * AADSTS description goes on with trace and correlation ids), trailing spaces go. */
static void copy_line(char *dst, size_t dlen, const char *s, int stop_at_newline)
{
	size_t j = 0;

	if (!dlen)
		return;
	for (size_t i = 0; s && s[i] && j + 1 < dlen; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (stop_at_newline && (ch == '\r' || ch == '\n'))
			break;
		dst[j++] = (ch < 0x20 || ch == 0x7f) ? ' ' : (char)ch;
	}
	while (j > 0 && dst[j - 1] == ' ')
		j--;
	dst[j] = '\0';
}

int http_service_error(const char *body, size_t len, char *code, size_t code_len, char *msg,
		       size_t msg_len)
{
	json_t *root, *e;
	int rc = -1;

	if (code_len)
		code[0] = '\0';
	if (msg_len)
		msg[0] = '\0';
	if (!body || !len)
		return -1;
	root = json_loadb(body, len, 0, NULL);
	if (!root)
		return -1;
	e = json_object_get(root, "error");
	if (json_is_object(e)) {
		/* Graph, ARM: "code" a string.  GCP: "code" a number and "status" the name. */
		json_t *c = json_object_get(e, "code");
		json_t *status = json_object_get(e, "status");

		if (json_is_string(c)) {
			copy_line(code, code_len, json_string_value(c), 1);
		} else if (json_is_string(status)) {
			copy_line(code, code_len, json_string_value(status), 1);
		} else if (json_is_integer(c) && code_len) {
			snprintf(code, code_len, "%lld", (long long)json_integer_value(c));
		}
		copy_line(msg, msg_len, json_string_value(json_object_get(e, "message")), 0);
		rc = (code_len && code[0]) || (msg_len && msg[0]) ? 0 : -1;
	} else if (json_is_string(e)) {
		copy_line(code, code_len, json_string_value(e), 1);
		copy_line(msg, msg_len,
			  json_string_value(json_object_get(root, "error_description")), 1);
		rc = 0;
	}
	json_decref(root);
	return rc;
}

char *http_escape(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(s);
	char *out = malloc(n * 3 + 1), *o = out;

	if (!out)
		return NULL;
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '-' || ch == '.' || ch == '_' || ch == '~') {
			*o++ = (char)ch;
		} else {
			*o++ = '%';
			*o++ = hex[ch >> 4];
			*o++ = hex[ch & 15];
		}
	}
	*o = '\0';
	return out;
}
