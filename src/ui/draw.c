/* draw.c - text drawing: every string is sanitised and cropped by cells here. */
#include <curses.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "tater/text.h"
#include "tater/ui_widgets.h"
#include "ui_internal.h"

int ui_text(int y, int x, int w, enum ui_color c, const char *s)
{
	char stackbuf[1024], *heap = NULL;
	const char *t = s ? s : "";
	size_t n;
	int used;

	if (y < 0 || y >= LINES || x < 0 || x >= COLS || w <= 0)
		return 0;
	if (x + w > COLS)
		w = COLS - x;
	/* Cheap when the text is clean already, which is the common case. */
	if (!text_is_clean(t, (size_t)-1)) {
		size_t need = text_sanitize_buf(t, (size_t)-1, stackbuf, sizeof(stackbuf));

		if (need >= sizeof(stackbuf) && (heap = malloc(need + 1)))
			text_sanitize_buf(t, (size_t)-1, heap, need + 1);
		t = heap ? heap : stackbuf;
	}
	n = text_crop(t, w, &used);
	ui_style(c);
	if (t[n] && w >= 2 && t[n + strspn(t + n, " ")]) {
		/* Cut: the last cell says so (U+2026), unless only blanks were left out. */
		n = text_crop(t, w - 1, &used);
		if (n)
			mvwaddnstr(stdscr, y, x, t, (int)n);
		mvwaddstr(stdscr, y, x + used, "\xe2\x80\xa6");
		used++;
	} else if (n) {
		mvwaddnstr(stdscr, y, x, t, (int)n);
	}
	free(heap);
	return used;
}

int ui_textf(int y, int x, int w, enum ui_color c, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return ui_text(y, x, w, c, buf);
}

void ui_fill(int y, int x, int w, enum ui_color c)
{
	if (y < 0 || y >= LINES || x < 0 || x >= COLS || w <= 0)
		return;
	if (x + w > COLS)
		w = COLS - x;
	ui_style(c);
	mvwhline(stdscr, y, x, ' ', w);
}

void ui_clear_rect(struct ui_rect r, enum ui_color c)
{
	for (int i = 0; i < r.h; i++)
		ui_fill(r.y + i, r.x, r.w, c);
}

/* Boxes are drawn with characters, not the alternate character set: the
 * same bytes on every terminal, and a screen dump reads as it looks. */
void ui_box(struct ui_rect r, enum ui_color c, const char *title)
{
	int u = ui_utf8();
	const char *h = u ? "\xe2\x94\x80" : "-", *v = u ? "\xe2\x94\x82" : "|";

	if (r.h < 2 || r.w < 2)
		return;
	ui_clear_rect(r, c);
	for (int x = 1; x < r.w - 1; x++) {
		ui_text(r.y, r.x + x, 1, c, h);
		ui_text(r.y + r.h - 1, r.x + x, 1, c, h);
	}
	for (int y = 1; y < r.h - 1; y++) {
		ui_text(r.y + y, r.x, 1, c, v);
		ui_text(r.y + y, r.x + r.w - 1, 1, c, v);
	}
	ui_text(r.y, r.x, 1, c, u ? "\xe2\x94\x8c" : "+");
	ui_text(r.y, r.x + r.w - 1, 1, c, u ? "\xe2\x94\x90" : "+");
	ui_text(r.y + r.h - 1, r.x, 1, c, u ? "\xe2\x94\x94" : "+");
	ui_text(r.y + r.h - 1, r.x + r.w - 1, 1, c, u ? "\xe2\x94\x98" : "+");
	if (title && title[0])
		ui_textf(r.y, r.x + 2, r.w - 4, c == UI_MODAL ? UI_MODAL_TITLE : UI_TITLE, " %s ",
			 title);
}

int ui_wrap(struct ui_rect r, enum ui_color c, const char *s, int skip)
{
	char *clean = text_sanitize(s ? s : "", (size_t)-1);
	char *p;
	int line = 0;

	if (!clean || r.w <= 0) {
		free(clean);
		return 0;
	}
	p = clean;
	while (*p) {
		int used, brk;
		size_t n = text_crop(p, r.w, &used), cut = n;
		char *nl = strstr(p, "\\n");

		/* A sanitised newline is shown, and also breaks the line. */
		if (nl && (size_t)(nl - p) + 2 <= n) {
			cut = (size_t)(nl - p) + 2;
			brk = 1;
		} else {
			brk = 0;
		}
		if (!brk && p[n]) {
			size_t k = n;

			while (k > 0 && p[k - 1] != ' ')
				k--;
			if (k > 0)
				cut = k;
		}
		if (line >= skip && line - skip < r.h) {
			char save = p[cut];

			p[cut] = '\0';
			ui_text(r.y + line - skip, r.x, r.w, c, p);
			p[cut] = save;
		}
		line++;
		p += cut;
		if (!brk)
			while (*p == ' ')
				p++;
		if (cut == 0)
			break;
	}
	free(clean);
	return line;
}
