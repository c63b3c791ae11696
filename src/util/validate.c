/* validate.c - checks for values a person types. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tater/validate.h"

static int fail(char *msg, size_t n, const char *what)
{
	if (msg && n)
		snprintf(msg, n, "%s", what);
	return -1;
}

int valid_guid(const char *s, char *msg, size_t n)
{
	static const int dash[] = {8, 13, 18, 23};

	if (!s || strlen(s) != 36)
		return fail(msg, n, "a GUID: 8-4-4-4-12 hex digits");
	for (int i = 0; i < 36; i++) {
		int is_dash = i == dash[0] || i == dash[1] || i == dash[2] || i == dash[3];

		if (is_dash ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
			return fail(msg, n, "a GUID: 8-4-4-4-12 hex digits");
	}
	return 0;
}

int valid_domain(const char *s, char *msg, size_t n)
{
	size_t len = s ? strlen(s) : 0, label = 0;
	int dots = 0;

	if (len == 0 || len > 253)
		return fail(msg, n, "a domain such as contoso.onmicrosoft.com");
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '.') {
			if (label == 0 || s[i - 1] == '-')
				return fail(msg, n, "a domain such as contoso.onmicrosoft.com");
			dots++;
			label = 0;
			continue;
		}
		if (!(isalnum(c) || c == '-') || (c == '-' && label == 0) || ++label > 63)
			return fail(msg, n, "a domain such as contoso.onmicrosoft.com");
	}
	if (dots == 0 || label == 0 || s[len - 1] == '-')
		return fail(msg, n, "a domain such as contoso.onmicrosoft.com");
	return 0;
}

int valid_tenant(const char *s, char *msg, size_t n)
{
	if (valid_guid(s, NULL, 0) == 0 || valid_domain(s, NULL, 0) == 0)
		return 0;
	return fail(msg, n, "a tenant ID (GUID) or domain");
}

static int is_loopback_host(const char *h, size_t len)
{
	if ((len == 9 && !strncmp(h, "localhost", 9)) || (len == 5 && !strncmp(h, "[::1]", 5)))
		return 1;
	return len >= 4 && !strncmp(h, "127.", 4) && strspn(h, "0123456789.") == len;
}

int valid_service_url(const char *s, char *msg, size_t n)
{
	const char *host, *end, *colon;
	size_t hlen;
	int https;

	if (!s || !*s)
		return fail(msg, n, "required: an https:// URL");
	https = !strncmp(s, "https://", 8);
	if (!https && strncmp(s, "http://", 7))
		return fail(msg, n, "must start with https://");
	host = s + (https ? 8 : 7);
	end = host + strcspn(host, "/?#");
	if (memchr(host, '@', (size_t)(end - host)))
		return fail(msg, n, "no user name or password in the URL");
	if (strchr(s, '#') || strchr(s, ' '))
		return fail(msg, n, "no spaces or #fragment in the URL");
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x21 || *p >= 0x7f)
			return fail(msg, n,
				    "only printable ASCII in the URL (percent-encode the rest)");
	colon = host[0] == '[' ? memchr(host, ']', (size_t)(end - host)) : host;
	colon = colon ? memchr(colon, ':', (size_t)(end - colon)) : NULL;
	hlen = (size_t)((colon ? colon : end) - host);
	if (hlen == 0)
		return fail(msg, n, "the URL has no host");
	if (colon) {
		char *e;
		long port;

		errno = 0;
		port = strtol(colon + 1, &e, 10);
		if (e != end || port < 1 || port > 65535 || errno)
			return fail(msg, n, "the port must be 1-65535");
	}
	if (!https && !is_loopback_host(host, hlen))
		return fail(msg, n, "must be https:// (http only to 127.0.0.1 or localhost)");
	return 0;
}

int valid_int_range(const char *s, long lo, long hi, long *out, char *msg, size_t n)
{
	char *e, buf[64];
	long v;

	errno = 0;
	v = s && *s ? strtol(s, &e, 10) : 0;
	if (!s || !*s || *e || errno || v < lo || v > hi) {
		snprintf(buf, sizeof(buf), "a whole number from %ld to %ld", lo, hi);
		return fail(msg, n, buf);
	}
	if (out)
		*out = v;
	return 0;
}

int valid_date(const char *s, char *msg, size_t n)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, d, len = -1;

	if (!s || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &len) != 3 || len != 10 ||
	    (int)strlen(s) != 10)
		return fail(msg, n, "a date as YYYY-MM-DD");
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1] ||
	    (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)))
		return fail(msg, n, "no such date");
	return 0;
}
