/* jsonscan.c - a validating JSON scanner that builds nothing (see jsonscan.h).
 *
 * The grammar is RFC 8259's; strings must be valid UTF-8 and may not hold "\u0000"
 * (as jansson, which reads the same pages elsewhere, refuses both).  Recursive descent
 * with a depth limit; only the top object's items array and next link are looked at. */
#include <stdlib.h>
#include <string.h>

#include "tater/jsonscan.h"

#define MAX_DEPTH 2048

struct scanner {
	const unsigned char *p, *end, *start;
	const char *items_key;
	struct json_page_scan *out;
	const char *error;
	const unsigned char *error_at;
	/* The two next link members, apart: 0 absent or null, 1 a string, 2 another value. */
	int link_state[2];
	char *link[2]; /* [0] @odata.nextLink, [1] nextLink */
	int link_slot; /* which one the string being read goes to */
	/* json_scan_items: the caller's fields, and their values in the current item. */
	const struct json_item_opts *io;
	char *vals[JSON_SCAN_MAX_FIELDS];
	int field; /* which one the string being read goes to */
	int stopped;
};

static int fail(struct scanner *s, const char *msg)
{
	if (!s->error) {
		s->error = msg;
		s->error_at = s->p;
	}
	return -1;
}

static void skip_ws(struct scanner *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\n' || *s->p == '\r' || *s->p == '\t'))
		s->p++;
}

static int hex4(struct scanner *s, unsigned *out)
{
	unsigned v = 0;

	if (s->end - s->p < 4)
		return fail(s, "a \\u escape needs four hex digits");
	for (int i = 0; i < 4; i++) {
		unsigned c = s->p[i], d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return fail(s, "a \\u escape needs four hex digits");
		v = v << 4 | d;
	}
	s->p += 4;
	*out = v;
	return 0;
}

/* One UTF-8 sequence starting at s->p (a byte >= 0x80): checked and passed over. */
static int utf8_seq(struct scanner *s)
{
	const unsigned char *q = s->p;
	unsigned c = *q, cp, n;

	if (c >= 0xc2 && c <= 0xdf) {
		n = 1;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 2;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 3;
		cp = c & 0x07;
	} else {
		return fail(s, "invalid UTF-8 in a string");
	}
	if ((size_t)(s->end - q) <= n)
		return fail(s, "invalid UTF-8 in a string");
	for (unsigned i = 1; i <= n; i++) {
		if ((q[i] & 0xc0) != 0x80)
			return fail(s, "invalid UTF-8 in a string");
		cp = cp << 6 | (q[i] & 0x3f);
	}
	if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return fail(s, "invalid UTF-8 in a string");
	s->p += n + 1;
	return 0;
}

/* Append code point cp to buf (UTF-8); buf holds at least 4 more bytes. */
static size_t put_utf8(char *buf, unsigned cp)
{
	if (cp < 0x80) {
		buf[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		buf[0] = (char)(0xc0 | cp >> 6);
		buf[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		buf[0] = (char)(0xe0 | cp >> 12);
		buf[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		buf[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	buf[0] = (char)(0xf0 | cp >> 18);
	buf[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	buf[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	buf[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* A string; s->p at its opening quote.  With dec, its unescaped bytes are written there
 * (the caller gives room for the raw length + 1) and NUL-terminated, *declen set. */
static int string(struct scanner *s, char *dec, size_t *declen)
{
	size_t n = 0;

	s->p++;
	for (;;) {
		const unsigned char *run = s->p;

		/* The common case: plain printable ASCII. */
		while (s->p < s->end && *s->p >= 0x20 && *s->p != '"' && *s->p != '\\' &&
		       *s->p < 0x80)
			s->p++;
		if (dec && s->p > run) {
			memcpy(dec + n, run, (size_t)(s->p - run));
			n += (size_t)(s->p - run);
		}
		if (s->p >= s->end)
			return fail(s, "a string is not terminated");
		if (*s->p == '"') {
			s->p++;
			break;
		}
		if (*s->p < 0x20)
			return fail(s, "a control character in a string");
		if (*s->p >= 0x80) {
			const unsigned char *q = s->p;

			if (utf8_seq(s) < 0)
				return -1;
			if (dec) {
				memcpy(dec + n, q, (size_t)(s->p - q));
				n += (size_t)(s->p - q);
			}
			continue;
		}
		/* A backslash. */
		s->p++;
		if (s->p >= s->end)
			return fail(s, "a string is not terminated");
		{
			unsigned char e = *s->p++;
			unsigned cp;
			char c = 0;

			switch (e) {
			case '"':
				c = '"';
				break;
			case '\\':
				c = '\\';
				break;
			case '/':
				c = '/';
				break;
			case 'b':
				c = '\b';
				break;
			case 'f':
				c = '\f';
				break;
			case 'n':
				c = '\n';
				break;
			case 'r':
				c = '\r';
				break;
			case 't':
				c = '\t';
				break;
			case 'u':
				if (hex4(s, &cp) < 0)
					return -1;
				if (cp >= 0xdc00 && cp <= 0xdfff)
					return fail(s, "a lone low surrogate in a \\u escape");
				if (cp >= 0xd800 && cp <= 0xdbff) {
					unsigned lo;

					if (s->end - s->p < 2 || s->p[0] != '\\' || s->p[1] != 'u')
						return fail(
						    s, "a high surrogate without its low half");
					s->p += 2;
					if (hex4(s, &lo) < 0)
						return -1;
					if (lo < 0xdc00 || lo > 0xdfff)
						return fail(
						    s, "a high surrogate without its low half");
					cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				}
				if (cp == 0)
					return fail(s, "\\u0000 is not allowed in a string");
				if (dec)
					n += put_utf8(dec + n, cp);
				continue;
			default:
				s->p--;
				return fail(s, "an invalid escape in a string");
			}
			if (dec)
				dec[n++] = c;
		}
	}
	if (dec) {
		dec[n] = '\0';
		*declen = n;
	}
	return 0;
}

static int is_digit(const struct scanner *s)
{
	return s->p < s->end && *s->p >= '0' && *s->p <= '9';
}

static int number(struct scanner *s)
{
	if (*s->p == '-')
		s->p++;
	if (!is_digit(s))
		return fail(s, "an invalid number");
	if (*s->p == '0')
		s->p++;
	else
		while (is_digit(s))
			s->p++;
	if (s->p < s->end && *s->p == '.') {
		s->p++;
		if (!is_digit(s))
			return fail(s, "an invalid number");
		while (is_digit(s))
			s->p++;
	}
	if (s->p < s->end && (*s->p == 'e' || *s->p == 'E')) {
		s->p++;
		if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
			s->p++;
		if (!is_digit(s))
			return fail(s, "an invalid number");
		while (is_digit(s))
			s->p++;
	}
	return 0;
}

static int literal(struct scanner *s, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n))
		return fail(s, "an invalid literal (expected true, false, null, a number, a "
			       "string, an array or an object)");
	s->p += n;
	return 0;
}

/* What a value is to its parent, so that only the paging members are looked at. */
enum role { OTHER, TOP, ITEMS, NEXT, ITEM, FIELD };

static int value(struct scanner *s, int depth, enum role role);

static int array(struct scanner *s, int depth, enum role role)
{
	s->p++;
	skip_ws(s);
	if (s->p < s->end && *s->p == ']') {
		s->p++;
		return 0;
	}
	for (;;) {
		skip_ws(s);
		const unsigned char *item = s->p;
		int is_object = s->p < s->end && *s->p == '{';

		if (role == ITEMS) {
			s->out->nitems++;
			if (!is_object)
				s->out->items_all_objects = 0;
		}
		if (value(s, depth + 1, role == ITEMS && s->io && is_object ? ITEM : OTHER) < 0)
			return -1;
		if (role == ITEMS && s->io && is_object) {
			int rc = s->io->fn(s->io->ctx, (const char *)item, (size_t)(s->p - item),
					   (const char *const *)s->vals);

			for (int k = 0; k < JSON_SCAN_MAX_FIELDS; k++) {
				free(s->vals[k]);
				s->vals[k] = NULL;
			}
			if (rc < 0) {
				s->stopped = 1;
				return fail(s, "stopped by the caller");
			}
		}
		skip_ws(s);
		if (s->p >= s->end)
			return fail(s, "an array is not closed");
		if (*s->p == ']') {
			s->p++;
			return 0;
		}
		if (*s->p != ',')
			return fail(s, "expected ',' or ']' in an array");
		s->p++;
	}
}

/* A key as written (len bytes after its opening quote), decoded into buf when it holds
 * escapes (rare); NULL when such a key is too long to be one we look for. */
static const unsigned char *plain_key(struct scanner *s, const unsigned char *key, size_t *len,
				      char *buf, size_t size)
{
	struct scanner t = *s;

	if (!memchr(key, '\\', *len))
		return key;
	if (*len + 1 > size)
		return NULL;
	t.p = key - 1;
	t.error = NULL;
	if (string(&t, buf, len) < 0)
		return NULL;
	return (const unsigned char *)buf;
}

/* An item's members: which of the caller's fields a key names (-1: none). */
static int field_of(struct scanner *s, const unsigned char *key, size_t len)
{
	char buf[128];

	if (!(key = plain_key(s, key, &len, buf, sizeof(buf))))
		return -1;
	for (int k = 0; k < s->io->nfields; k++)
		if (strlen(s->io->fields[k]) == len && !memcmp(key, s->io->fields[k], len))
			return k;
	return -1;
}

/* The top object's members: which one a key names. */
static enum role member_role(struct scanner *s, const unsigned char *key, size_t len,
			     int *is_odata_next)
{
	const char *items = s->items_key ? s->items_key : "value";
	char buf[64];
	size_t n = len;

	*is_odata_next = 0;
	if (!(key = plain_key(s, key, &n, buf, sizeof(buf))))
		return OTHER;
	if (n == strlen(items) && !memcmp(key, items, n))
		return ITEMS;
	if (n == 15 && !memcmp(key, "@odata.nextLink", 15)) {
		*is_odata_next = 1;
		return NEXT;
	}
	if (n == 8 && !memcmp(key, "nextLink", 8))
		return NEXT;
	return OTHER;
}

static int object(struct scanner *s, int depth, enum role role)
{
	s->p++;
	skip_ws(s);
	if (s->p < s->end && *s->p == '}') {
		s->p++;
		return 0;
	}
	for (;;) {
		const unsigned char *key;
		enum role mrole = OTHER;
		int odata = 0;

		skip_ws(s);
		if (s->p >= s->end || *s->p != '"')
			return fail(s, "expected a string as an object key");
		key = s->p + 1;
		if (string(s, NULL, NULL) < 0)
			return -1;
		if (role == TOP) {
			mrole = member_role(s, key, (size_t)(s->p - 1 - key), &odata);
		} else if (role == ITEM) {
			int k = field_of(s, key, (size_t)(s->p - 1 - key));

			if (k >= 0) {
				mrole = FIELD;
				s->field = k;
			}
		}
		skip_ws(s);
		if (s->p >= s->end || *s->p != ':')
			return fail(s, "expected ':' after an object key");
		s->p++;
		skip_ws(s);
		if (mrole == FIELD && (s->p >= s->end || *s->p != '"')) {
			/* Not a string: the field counts as absent. */
			free(s->vals[s->field]);
			s->vals[s->field] = NULL;
			mrole = OTHER;
		} else if (mrole == ITEMS) {
			/* A repeated key: the last one counts, as in jansson. */
			s->out->items_found = 1;
			s->out->items_is_array = s->p < s->end && *s->p == '[';
			s->out->nitems = 0;
			s->out->items_all_objects = 1;
			if (!s->out->items_is_array)
				mrole = OTHER;
		} else if (mrole == NEXT) {
			/* A repeated key: the last one counts, as in jansson. */
			int slot = odata ? 0 : 1;

			free(s->link[slot]);
			s->link[slot] = NULL;
			if ((size_t)(s->end - s->p) >= 4 && !memcmp(s->p, "null", 4))
				s->link_state[slot] = 0;
			else
				s->link_state[slot] = s->p < s->end && *s->p == '"' ? 1 : 2;
			s->link_slot = slot;
			if (s->link_state[slot] != 1)
				mrole = OTHER;
		}
		if (value(s, depth + 1, mrole) < 0)
			return -1;
		skip_ws(s);
		if (s->p >= s->end)
			return fail(s, "an object is not closed");
		if (*s->p == '}') {
			s->p++;
			return 0;
		}
		if (*s->p != ',')
			return fail(s, "expected ',' or '}' in an object");
		s->p++;
	}
}

/* A string, decoded into *out (malloc'd). */
static int decoded_string(struct scanner *s, char **out)
{
	const unsigned char *q = s->p;
	struct scanner t = *s;
	size_t n;
	char *dec;

	/* The raw length bounds the decoded one. */
	if (string(&t, NULL, NULL) < 0)
		return string(s, NULL, NULL);
	if (!(dec = malloc((size_t)(t.p - q) + 1)))
		return fail(s, "out of memory");
	if (string(s, dec, &n) < 0) {
		free(dec);
		return -1;
	}
	*out = dec;
	return 0;
}

static int value(struct scanner *s, int depth, enum role role)
{
	if (depth > MAX_DEPTH)
		return fail(s, "nested too deep");
	skip_ws(s);
	if (s->p >= s->end)
		return fail(s, "a value was expected, the text ended");
	switch (*s->p) {
	case '{':
		return object(s, depth, role);
	case '[':
		return array(s, depth, role);
	case '"':
		if (role == NEXT)
			return decoded_string(s, &s->link[s->link_slot]);
		if (role == FIELD) {
			/* A repeated key: the last one counts. */
			free(s->vals[s->field]);
			s->vals[s->field] = NULL;
			return decoded_string(s, &s->vals[s->field]);
		}
		return string(s, NULL, NULL);
	case 't':
		return literal(s, "true");
	case 'f':
		return literal(s, "false");
	case 'n':
		return literal(s, "null");
	default:
		if (*s->p == '-' || (*s->p >= '0' && *s->p <= '9'))
			return number(s);
		return fail(s, "an invalid literal (expected true, false, null, a number, a "
			       "string, an array or an object)");
	}
}

static int scan(const char *p, size_t len, const char *items_key, const struct json_item_opts *io,
		struct json_page_scan *out)
{
	struct scanner s = {.p = (const unsigned char *)p,
			    .end = (const unsigned char *)p + len,
			    .start = (const unsigned char *)p,
			    .items_key = items_key,
			    .out = out,
			    .io = io};
	int rc;

	memset(out, 0, sizeof(*out));
	skip_ws(&s);
	out->is_object = s.p < s.end && *s.p == '{';
	rc = value(&s, 1, out->is_object ? TOP : OTHER);
	if (rc == 0) {
		skip_ws(&s);
		if (s.p != s.end)
			rc = fail(&s, "text after the end of the document");
	}
	if (rc == 0) {
		/* @odata.nextLink (Graph) unless absent or null, then nextLink (ARM). */
		int slot = s.link_state[0] ? 0 : 1;

		out->next_found = s.link_state[slot] != 0;
		out->next_is_string = s.link_state[slot] == 1;
		out->next = s.link[slot];
		s.link[slot] = NULL;
	}
	free(s.link[0]);
	free(s.link[1]);
	for (int k = 0; k < JSON_SCAN_MAX_FIELDS; k++)
		free(s.vals[k]);
	if (rc < 0) {
		const unsigned char *q;

		memset(out, 0, sizeof(*out));
		out->error = s.error;
		out->line = 1;
		out->column = 1;
		for (q = s.start; q < s.error_at; q++) {
			if (*q == '\n') {
				out->line++;
				out->column = 1;
			} else if ((*q & 0xc0) != 0x80) {
				out->column++;
			}
		}
		return s.stopped ? -2 : -1;
	}
	return 0;
}

int json_scan_page(const char *p, size_t len, const char *items_key, struct json_page_scan *out)
{
	return scan(p, len, items_key, NULL, out);
}

int json_scan_items(const char *p, size_t len, const char *items_key,
		    const struct json_item_opts *io, struct json_page_scan *out)
{
	if (!io || !io->fn || io->nfields < 0 || io->nfields > JSON_SCAN_MAX_FIELDS) {
		memset(out, 0, sizeof(*out));
		out->error = "json_scan_items: no callback, or too many fields";
		out->line = out->column = 1;
		return -1;
	}
	return scan(p, len, items_key, io, out);
}
