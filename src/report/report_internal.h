/* report_internal.h - private to src/report: the escaping every report
 * uses (into a struct strbuf). */
#ifndef TATER_REPORT_INTERNAL_H
#define TATER_REPORT_INTERNAL_H

#include <stddef.h>

#include "tater/report.h"
#include "tater/strbuf.h"

/* Where text goes: a table cell or a heading (one line: line breaks become
 * <br>), or a block of lines (each later line starts with indent). */
enum rb_ctx { RB_INLINE, RB_BLOCK };

/* Untrusted text: sanitised line by line (text_sanitize), then escaped for
 * the format.  NULL or "" writes empty_as (may be NULL). */
void rb_text(struct strbuf *b, enum report_format fmt, enum rb_ctx ctx, const char *indent,
	     const char *s, const char *empty_as);

#endif
