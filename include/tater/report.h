/* report.h - reports written from the store: the post-incident report
 * (Markdown, or a self-contained HTML file).
 *
 * Every text from the store is sanitised (text.h) and then escaped for the
 * format, so a title holding an escape sequence or markup shows as text.
 * The HTML file has inline CSS and a Content-Security-Policy that forbids
 * loading anything: it opens the same offline, in a mail client or a browser. */
#ifndef TATER_REPORT_H
#define TATER_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "tater/err.h"

struct store;

enum report_format {
	REPORT_MARKDOWN,
	REPORT_HTML,
};

/* "md" / "markdown", "html"; TATER_EINVAL otherwise. */
int report_format_parse(const char *s, enum report_format *out, struct tater_err *err);

/* The post-incident report of incident id: header facts, time to contain and
 * to recover, the phases, the timeline of every change in order with who
 * made it, each step's outcome, findings, decisions and lessons learned.
 * *out is malloc'd (free it), *len its length. */
int report_incident(struct store *s, int64_t id, enum report_format fmt, char **out, size_t *len,
		    struct tater_err *err);

/* Write data to path (mode 0600, replaced atomically: a temporary file in the
 * same directory, then rename). */
int report_write_file(const char *path, const char *data, size_t len, struct tater_err *err);

#endif
