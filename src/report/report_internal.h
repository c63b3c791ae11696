/* report_internal.h - private to src/report: a growable buffer and the
 * escaping every report uses. */
#ifndef TATER_REPORT_INTERNAL_H
#define TATER_REPORT_INTERNAL_H

#include <stddef.h>

#include "tater/report.h"

struct rbuf {
	char *s;
	size_t len, cap;
	int oom; /* an allocation failed: the result is dropped */
};

void rb_put(struct rbuf *b, const char *s);
void rb_putn(struct rbuf *b, const char *s, size_t n);
void rb_printf(struct rbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Where text goes: a table cell or a heading (one line: line breaks become
 * <br>), or a block of lines (each later line starts with indent). */
enum rb_ctx { RB_INLINE, RB_BLOCK };

/* Untrusted text: sanitised line by line (text_sanitize), then escaped for
 * the format.  NULL or "" writes empty_as (may be NULL). */
void rb_text(struct rbuf *b, enum report_format fmt, enum rb_ctx ctx, const char *indent,
	     const char *s, const char *empty_as);

#endif
