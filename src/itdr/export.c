/* export.c - rows to CSV (RFC 4180) or JSON, every cell sanitised on the way out.
 *
 * The cells may hold text from outside (tenant names, service messages, display names): the
 * sanitiser makes escape sequences visible, and CSV cells that a spreadsheet would evaluate
 * (=, +, -, @ first) get a leading apostrophe, the OWASP advice against CSV injection. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "tater/itdr.h"
#include "tater/text.h"

static int csv_cell(FILE *f, const char *raw)
{
	char *s = text_sanitize(raw ? raw : "", (size_t)-1);
	int quote, rc = 0;

	if (!s)
		return -1;
	quote = strpbrk(s, ",\"\r\n") != NULL || s[0] == ' ';
	if (strchr("=+-@", s[0]) && s[0])
		quote = 1;
	if (quote && fputc('"', f) == EOF)
		rc = -1;
	if (strchr("=+-@", s[0]) && s[0] && fputc('\'', f) == EOF)
		rc = -1;
	for (const char *p = s; *p && rc == 0; p++) {
		if (*p == '"' && fputc('"', f) == EOF)
			rc = -1;
		if (fputc(*p, f) == EOF)
			rc = -1;
	}
	if (quote && fputc('"', f) == EOF)
		rc = -1;
	free(s);
	return rc;
}

int itdr_export_rows(FILE *f, enum itdr_export_format fmt, const char *const *header, int ncols,
		     const char *const *cells, size_t nrows, struct tater_err *err)
{
	if (fmt == ITDR_CSV) {
		for (size_t r = 0; r <= nrows; r++) {
			const char *const *row = r == 0 ? header : cells + (r - 1) * (size_t)ncols;

			for (int c = 0; c < ncols; c++) {
				if ((c && fputc(',', f) == EOF) || csv_cell(f, row[c]) < 0)
					goto io;
			}
			if (fputs("\r\n", f) == EOF)
				goto io;
		}
	} else {
		if (fputs("[", f) == EOF)
			goto io;
		for (size_t r = 0; r < nrows; r++) {
			json_t *o = json_object();
			char *text;

			for (int c = 0; c < ncols; c++) {
				char *s = text_sanitize(cells[r * (size_t)ncols + (size_t)c] ?: "",
							(size_t)-1);

				json_object_set_new(o, header[c], json_string(s ? s : ""));
				free(s);
			}
			text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
			json_decref(o);
			if (!text)
				return tater_errf(err, TATER_ENOMEM, "out of memory");
			if (fprintf(f, "%s\n  %s", r ? "," : "", text) < 0) {
				free(text);
				goto io;
			}
			free(text);
		}
		if (fputs(nrows ? "\n]\n" : "]\n", f) == EOF)
			goto io;
	}
	if (fflush(f) == EOF)
		goto io;
	return 0;
io:
	return tater_errf(err, TATER_EIO, "writing the export failed (disk full?)");
}
