/* util.c - small helpers for tater-sim: hashing, GUIDs, time, encodings, responses. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "sim.h"

void *sim_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p) {
		fputs("tater-sim: out of memory\n", stderr);
		abort();
	}
	return p;
}

char *sim_xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(sim_xmalloc(n), s, n);
}

char *sim_xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	if (vasprintf(&p, fmt, ap) < 0) {
		fputs("tater-sim: out of memory\n", stderr);
		abort();
	}
	va_end(ap);
	return p;
}

/* splitmix64 finaliser: cheap, well mixed, and the same on every platform, which is
 * what keeps the estate byte-identical between runs. */
uint64_t sim_mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

uint64_t sim_hash_str(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

uint64_t sim_hash(uint64_t seed, const char *kind, uint64_t i)
{
	return sim_mix(sim_mix(seed ^ sim_hash_str(kind)) ^ sim_mix(i + 0x51ed2701ULL));
}

static void guid_from(char out[37], uint64_t a, uint64_t b)
{
	/* Version 4 and variant bits set so the result looks like a real GUID. */
	a = (a & ~0xf000ULL) | 0x4000ULL;
	b = (b & ~(0xcULL << 60)) | (0x8ULL << 60);
	snprintf(out, 37, "%08x-%04x-%04x-%04x-%012llx", (unsigned)(a >> 32),
		 (unsigned)((a >> 16) & 0xffff), (unsigned)(a & 0xffff), (unsigned)(b >> 48),
		 (unsigned long long)(b & 0xffffffffffffULL));
}

void sim_guid(char out[37], uint64_t seed, const char *kind, uint64_t i)
{
	uint64_t a = sim_hash(seed, kind, i);

	guid_from(out, a, sim_mix(a ^ 0x7f4a7c15ULL));
}

void sim_guid_random(char out[37])
{
	uint64_t r[2];

	randombytes_buf(r, sizeof(r));
	guid_from(out, r[0], r[1]);
}

void sim_fmt_time(char out[32], time_t t)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int sim_parse_time(const char *s, time_t *out)
{
	struct tm tm;
	const char *p;
	long off = 0;

	memset(&tm, 0, sizeof(tm));
	p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!p) {
		memset(&tm, 0, sizeof(tm));
		p = strptime(s, "%Y-%m-%d", &tm);
		if (!p || *p)
			return -1;
		*out = timegm(&tm);
		return 0;
	}
	if (*p == '.')
		for (p++; isdigit((unsigned char)*p); p++)
			;
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if ((*p == '+' || *p == '-') && isdigit((unsigned char)p[1])) {
		int hh, mm;

		if (sscanf(p + 1, "%2d:%2d", &hh, &mm) != 2)
			return -1;
		off = (hh * 3600L + mm * 60L) * (*p == '-' ? -1 : 1);
		p += 6;
	}
	if (*p)
		return -1;
	*out = timegm(&tm) - off;
	return 0;
}

char *sim_b64url(const unsigned char *data, size_t len)
{
	size_t n = sodium_base64_encoded_len(len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char *out = sim_xmalloc(n);

	sodium_bin2base64(out, n, data, len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return out;
}

unsigned char *sim_b64url_decode(const char *s, size_t slen, size_t *outlen)
{
	unsigned char *out = sim_xmalloc(slen + 1);
	size_t n = 0;

	/* Clients may pad or not; accept both. */
	while (slen > 0 && s[slen - 1] == '=')
		slen--;
	if (sodium_base642bin(out, slen + 1, s, slen, NULL, &n, NULL,
			      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0) {
		free(out);
		return NULL;
	}
	*outlen = n;
	return out;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

char *sim_url_decode(const char *s, size_t len, int plus_is_space)
{
	char *out = sim_xmalloc(len + 1), *o = out;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '%' && i + 2 < len && hexval((unsigned char)s[i + 1]) >= 0 &&
		    hexval((unsigned char)s[i + 2]) >= 0) {
			*o++ = (char)(hexval((unsigned char)s[i + 1]) * 16 +
				      hexval((unsigned char)s[i + 2]));
			i += 2;
		} else if (s[i] == '+' && plus_is_space) {
			*o++ = ' ';
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	return out;
}

char *sim_url_encode(const char *s)
{
	char *out = sim_xmalloc(strlen(s) * 3 + 1), *o = out;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '$' ||
		    c == ',' || c == '/' || c == ':') {
			*o++ = (char)c;
		} else {
			sprintf(o, "%%%02X", c);
			o += 3;
		}
	}
	*o = '\0';
	return out;
}

size_t sim_parse_form(const char *s, size_t len, struct sim_kv **out)
{
	size_t n = 0, cap = 0;
	struct sim_kv *kv = NULL;
	const char *end = s + len;

	while (s && s < end) {
		const char *amp = memchr(s, '&', (size_t)(end - s));
		const char *stop = amp ? amp : end;
		const char *eq = memchr(s, '=', (size_t)(stop - s));

		if (stop > s) {
			if (n == cap) {
				cap = cap ? cap * 2 : 8;
				kv = realloc(kv, cap * sizeof(*kv));
				if (!kv)
					abort();
			}
			kv[n].key = sim_url_decode(s, (size_t)((eq ? eq : stop) - s), 1);
			kv[n].val = eq ? sim_url_decode(eq + 1, (size_t)(stop - eq - 1), 1)
				       : sim_xstrdup("");
			n++;
		}
		s = amp ? amp + 1 : end;
	}
	*out = kv;
	return n;
}

void sim_kv_free(struct sim_kv *kv, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(kv[i].key);
		free(kv[i].val);
	}
	free(kv);
}

const char *sim_kv_get(const struct sim_kv *kv, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(kv[i].key, key) == 0)
			return kv[i].val;
	return NULL;
}

char *sim_json_dump(const json_t *j, size_t *len)
{
	char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY |
				    JSON_REAL_PRECISION(10));

	if (!s) {
		fputs("tater-sim: out of memory\n", stderr);
		abort();
	}
	if (len)
		*len = strlen(s);
	return s;
}

double sim_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- responses ---- */

void sim_resp_json(struct sim_resp *rs, int status, json_t *body)
{
	free(rs->body);
	rs->status = status;
	rs->content_type = "application/json; charset=utf-8";
	rs->body = sim_json_dump(body, &rs->len);
	json_decref(body);
}

void sim_resp_text(struct sim_resp *rs, int status, const char *ctype, const char *text)
{
	free(rs->body);
	rs->status = status;
	rs->content_type = ctype;
	rs->body = sim_xstrdup(text);
	rs->len = strlen(text);
}

void sim_resp_header(struct sim_resp *rs, const char *name, const char *fmt, ...)
{
	va_list ap;
	char *v;

	if (rs->nhdr == SIM_MAX_HEADERS)
		return;
	va_start(ap, fmt);
	if (vasprintf(&v, fmt, ap) < 0)
		abort();
	va_end(ap);
	rs->hdr_name[rs->nhdr] = sim_xstrdup(name);
	rs->hdr_val[rs->nhdr] = v;
	rs->nhdr++;
}

static void graph_verror(struct sim_resp *rs, int status, const char *code, const char *fmt,
			 va_list ap)
{
	char msg[1024], date[32], rid[37], crid[37];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	sim_fmt_time(date, time(NULL));
	sim_guid_random(rid);
	sim_guid_random(crid);
	sim_resp_json(rs, status,
		      json_pack("{s:{s:s,s:s,s:{s:s,s:s,s:s}}}", "error", "code", code, "message",
				msg, "innerError", "date", date, "request-id", rid,
				"client-request-id", crid));
	sim_resp_header(rs, "request-id", "%s", rid);
}

void sim_graph_error(struct sim_resp *rs, int status, const char *code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	graph_verror(rs, status, code, fmt, ap);
	va_end(ap);
}

static void arm_verror(struct sim_resp *rs, int status, const char *code, const char *fmt,
		       va_list ap)
{
	char msg[1024];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	sim_resp_json(rs, status,
		      json_pack("{s:{s:s,s:s}}", "error", "code", code, "message", msg));
}

void sim_arm_error(struct sim_resp *rs, int status, const char *code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	arm_verror(rs, status, code, fmt, ap);
	va_end(ap);
}

int sim_is_graph_path(const char *path)
{
	return strncmp(path, "/v1.0/", 6) == 0 || strncmp(path, "/beta/", 6) == 0 ||
	       strcmp(path, "/v1.0") == 0 || strcmp(path, "/beta") == 0;
}

void sim_api_error(struct sim_req *rq, struct sim_resp *rs, int status, const char *code,
		   const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (sim_is_graph_path(rq->path))
		graph_verror(rs, status, code, fmt, ap);
	else
		arm_verror(rs, status, code, fmt, ap);
	va_end(ap);
}
