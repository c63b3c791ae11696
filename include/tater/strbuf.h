/* strbuf.h - a growable, NUL-terminated text buffer for building reports and diffs. */
#ifndef TATER_STRBUF_H
#define TATER_STRBUF_H

#include <stddef.h>

/* Start from {0}.  An allocation failure sets oom and later writes do nothing: the caller
 * checks oom once at the end and drops the result (free(s) either way). */
struct strbuf {
	char *s;
	size_t len, cap;
	int oom;
};

void strbuf_putn(struct strbuf *b, const char *s, size_t n);
void strbuf_put(struct strbuf *b, const char *s);
void strbuf_printf(struct strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
