/* text.c - the sanitiser for untrusted text, display widths, cropping. */
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "tater/text.h"

size_t text_decode(const char *s, size_t n, int32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	int32_t c, min;
	size_t need, i;

	if (n == 0) {
		*cp = -1;
		return 1;
	}
	if (u[0] < 0x80) {
		*cp = u[0];
		return 1;
	}
	if (u[0] >= 0xc2 && u[0] <= 0xdf) {
		need = 2;
		c = u[0] & 0x1f;
		min = 0x80;
	} else if (u[0] >= 0xe0 && u[0] <= 0xef) {
		need = 3;
		c = u[0] & 0x0f;
		min = 0x800;
	} else if (u[0] >= 0xf0 && u[0] <= 0xf4) {
		need = 4;
		c = u[0] & 0x07;
		min = 0x10000;
	} else {
		*cp = -1;
		return 1;
	}
	if (n < need) {
		*cp = -1;
		return 1;
	}
	for (i = 1; i < need; i++) {
		if ((u[i] & 0xc0) != 0x80) {
			*cp = -1;
			return 1;
		}
		c = (c << 6) | (u[i] & 0x3f);
	}
	/* Overlongs could smuggle a control past a byte-level check; surrogates
	 * and values past U+10FFFF are not characters at all. */
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) {
		*cp = -1;
		return 1;
	}
	*cp = c;
	return need;
}

static int is_bidi_or_separator(int32_t c)
{
	return (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c == 0x200e ||
	       c == 0x200f || c == 0x061c || c == 0x2028 || c == 0x2029;
}

int text_cp_width(int32_t cp)
{
	int w;

	if (cp < 0)
		return 1;
	if (cp < 0x80)
		return (cp >= 0x20 && cp < 0x7f) ? 1 : -1;
	w = wcwidth((wchar_t)cp);
	return w;
}

struct sink {
	char *out;
	size_t size, len, keep;
	int cut; /* once a piece did not fit, nothing after it is written */
};

static void put(struct sink *k, const char *p, size_t n)
{
	if (!k->cut && k->out && k->len + n < k->size) {
		memcpy(k->out + k->len, p, n);
		k->keep = k->len + n;
	} else {
		k->cut = 1;
	}
	k->len += n;
}

size_t text_encode(int32_t c, char b[4])
{
	if (c < 0x80) {
		b[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		b[0] = (char)(0xc0 | (c >> 6));
		b[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		b[0] = (char)(0xe0 | (c >> 12));
		b[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		b[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	b[0] = (char)(0xf0 | (c >> 18));
	b[1] = (char)(0x80 | ((c >> 12) & 0x3f));
	b[2] = (char)(0x80 | ((c >> 6) & 0x3f));
	b[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

static const char hexd[] = "0123456789abcdef";

/* The replacement for one code point, or NULL when it is safe as is. */
static const char *escape_for(int32_t c, char tmp[16])
{
	if (c < 0)
		return "\xef\xbf\xbd";
	if (c >= 0x20 && c < 0x7f)
		return NULL;
	if (c == 0x1b)
		return "\\e";
	if (c == '\t')
		return "\\t";
	if (c == '\n')
		return "\\n";
	if (c == '\r')
		return "\\r";
	if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
		tmp[0] = '\\';
		tmp[1] = 'x';
		tmp[2] = hexd[(c >> 4) & 0xf];
		tmp[3] = hexd[c & 0xf];
		tmp[4] = '\0';
		return tmp;
	}
	if (is_bidi_or_separator(c)) {
		tmp[0] = '\\';
		tmp[1] = 'u';
		tmp[2] = hexd[(c >> 12) & 0xf];
		tmp[3] = hexd[(c >> 8) & 0xf];
		tmp[4] = hexd[(c >> 4) & 0xf];
		tmp[5] = hexd[c & 0xf];
		tmp[6] = '\0';
		return tmp;
	}
	if (wcwidth((wchar_t)c) < 0)
		return "\xef\xbf\xbd";
	return NULL;
}

size_t text_sanitize_buf(const char *s, size_t len, char *out, size_t outsz)
{
	struct sink k = {out, outsz, 0, 0, 0};
	size_t i = 0;

	if (!s)
		s = "";
	if (len == (size_t)-1)
		len = strlen(s);
	while (i < len) {
		char tmp[16], enc[4];
		const char *rep;
		int32_t c;
		size_t n = text_decode(s + i, len - i, &c);

		rep = escape_for(c, tmp);
		if (rep)
			put(&k, rep, strlen(rep));
		else
			put(&k, enc, text_encode(c, enc));
		i += n;
	}
	if (out && outsz > 0)
		out[k.keep] = '\0';
	return k.len;
}

char *text_sanitize(const char *s, size_t len)
{
	size_t need = text_sanitize_buf(s, len, NULL, 0);
	char *out = malloc(need + 1);

	if (!out)
		return NULL;
	text_sanitize_buf(s, len, out, need + 1);
	return out;
}

int text_is_clean(const char *s, size_t len)
{
	size_t i = 0;

	if (!s)
		return 1;
	if (len == (size_t)-1)
		len = strlen(s);
	while (i < len) {
		char tmp[16];
		int32_t c;
		size_t n = text_decode(s + i, len - i, &c);

		if (escape_for(c, tmp))
			return 0;
		i += n;
	}
	return 1;
}

int text_nwidth(const char *s, size_t len)
{
	size_t i = 0;
	int w = 0;

	while (i < len && s[i]) {
		int32_t c;
		size_t n = text_decode(s + i, len - i, &c);
		int cw = text_cp_width(c);

		w += cw < 0 ? 1 : cw;
		i += n;
	}
	return w;
}

int text_width(const char *s)
{
	return s ? text_nwidth(s, strlen(s)) : 0;
}

size_t text_crop(const char *s, int cells, int *used)
{
	size_t i = 0, len = s ? strlen(s) : 0;
	int w = 0;

	while (i < len) {
		int32_t c;
		size_t n = text_decode(s + i, len - i, &c);
		int cw = text_cp_width(c);

		if (cw < 0)
			cw = 1;
		if (w + cw > cells)
			break;
		w += cw;
		i += n;
	}
	if (used)
		*used = w;
	return i;
}

int text_fit(const char *s, int cells, char *out, size_t outsz)
{
	int used;
	size_t n;

	if (outsz == 0)
		return 0;
	out[0] = '\0';
	if (!s || cells <= 0)
		return 0;
	n = text_crop(s, cells, &used);
	if (n < strlen(s)) {
		/* Leave one cell for the ellipsis (U+2026, three bytes). */
		n = text_crop(s, cells - 1, &used);
		if (n + 4 > outsz)
			n = outsz >= 4 ? outsz - 4 : 0;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
		memcpy(out, s, n);
		memcpy(out + n, "\xe2\x80\xa6", 4);
		return text_nwidth(out, n) + 1;
	}
	if (n + 1 > outsz) {
		n = outsz - 1;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(out, s, n);
	out[n] = '\0';
	return text_nwidth(out, n);
}

static inline unsigned char fold(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

int text_contains_ci(const char *hay, const char *needle)
{
	const unsigned char *h = (const unsigned char *)hay, *nd = (const unsigned char *)needle;
	unsigned char first, other;

	if (!needle || !needle[0])
		return 1;
	if (!hay)
		return 0;
	first = fold(nd[0]);
	other = (first >= 'a' && first <= 'z') ? (unsigned char)(first - 32) : first;
	for (; *h; h++) {
		size_t k;

		if (*h != first && *h != other)
			continue;
		for (k = 1; nd[k] && fold(h[k]) == fold(nd[k]); k++)
			;
		if (!nd[k])
			return 1;
	}
	return 0;
}
