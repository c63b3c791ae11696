/* output.c - the report buffer, escaping and writing files. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report_internal.h"
#include "tater/text.h"

/* One sanitised line, escaped.  Markdown: the characters that make links,
 * emphasis, code, tables or raw HTML are escaped, so text stays text. */
static void escape_line(struct strbuf *b, enum report_format fmt, const char *s)
{
	for (const char *start = s; *s; s++) {
		char c = *s;

		switch (c) {
		case '&':
			/* Markdown shows a lone & as is; HTML needs the entity. */
			strbuf_put(b, fmt == REPORT_HTML ? "&amp;" : "&");
			continue;
		case '<':
			strbuf_put(b, "&lt;");
			continue;
		case '>':
			strbuf_put(b, "&gt;");
			continue;
		default:
			break;
		}
		if (fmt == REPORT_HTML) {
			if (c == '"')
				strbuf_put(b, "&quot;");
			else if (c == '\'')
				strbuf_put(b, "&#39;");
			else
				strbuf_putn(b, s, 1);
		} else {
			/* '#' makes a heading only at the start of a line. */
			if (strchr("\\`*_[]|", c) || (c == '#' && s == start))
				strbuf_putn(b, "\\", 1);
			strbuf_putn(b, s, 1);
		}
	}
}

void rb_text(struct strbuf *b, enum report_format fmt, enum rb_ctx ctx, const char *indent,
	     const char *s, const char *empty_as)
{
	int first = 1;

	if (!s || !*s) {
		if (empty_as)
			strbuf_put(b, empty_as);
		return;
	}
	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t len = nl ? (size_t)(nl - s) : strlen(s);
		char *safe = text_sanitize(s, len);

		if (!first) {
			if (ctx == RB_INLINE || fmt == REPORT_HTML)
				strbuf_put(b, "<br>");
			if (ctx == RB_BLOCK) {
				strbuf_put(b, "\n");
				strbuf_put(b, indent ? indent : "");
			}
		}
		if (!safe) {
			b->oom = 1;
			return;
		}
		escape_line(b, fmt, safe);
		free(safe);
		first = 0;
		s = nl ? nl + 1 : s + len;
	}
}

int report_format_parse(const char *s, enum report_format *out, struct tater_err *err)
{
	if (s && (!strcmp(s, "md") || !strcmp(s, "markdown"))) {
		*out = REPORT_MARKDOWN;
		return 0;
	}
	if (s && !strcmp(s, "html")) {
		*out = REPORT_HTML;
		return 0;
	}
	return tater_errf(err, TATER_EINVAL, "report format '%s': use md or html", s ? s : "");
}

int report_write_file(const char *path, const char *data, size_t len, struct tater_err *err)
{
	char *tmp = NULL;
	size_t off = 0;
	int fd = -1, ret = 0;

	if (asprintf(&tmp, "%s.tmp.%ld", path, (long)getpid()) < 0)
		return tater_errf(err, TATER_ENOMEM, "out of memory");
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		ret = tater_errf(err, TATER_EIO, "cannot create %s: %s", tmp, strerror(errno));
		goto out;
	}
	while (off < len) {
		ssize_t n = write(fd, data + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ret =
			    tater_errf(err, TATER_EIO, "cannot write %s: %s", tmp, strerror(errno));
			goto out;
		}
		off += (size_t)n;
	}
	if (fsync(fd) < 0 || close(fd) < 0) {
		fd = -1;
		ret = tater_errf(err, TATER_EIO, "cannot write %s: %s", tmp, strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) < 0)
		ret = tater_errf(err, TATER_EIO, "cannot write %s: %s", path, strerror(errno));
out:
	if (fd >= 0)
		close(fd);
	if (ret < 0)
		unlink(tmp);
	free(tmp);
	return ret;
}
