/* widgets.c - progress bar, bar chart, sparkline, detail pane. */
#include <curses.h>
#include <langinfo.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tater/text.h"
#include "tater/ui_widgets.h"

/* Set once by ui_open, read while drawing: both on the UI thread. */
static int arrow_cursor;

int ui_arrow_cursor(void)
{
	return arrow_cursor;
}

void ui_set_arrow_cursor(int on)
{
	arrow_cursor = on;
}

int ui_utf8(void)
{
	const char *cs = nl_langinfo(CODESET);

	return cs && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
}

void ui_progress(int y, int x, int w, double frac)
{
	int inner = w - 2, fill;

	if (w < 3)
		return;
	ui_text(y, x, 1, UI_NORMAL, "[");
	if (frac < 0) {
		/* Unknown total: a dotted bar says "working" without a number. */
		for (int i = 0; i < inner; i++)
			ui_text(y, x + 1 + i, 1, UI_BAR_EMPTY, ".");
	} else {
		if (frac > 1)
			frac = 1;
		fill = (int)(frac * inner + 0.5);
		ui_fill(y, x + 1, inner, UI_BAR_EMPTY);
		for (int i = 0; i < fill; i++)
			ui_text(y, x + 1 + i, 1, UI_BAR, "#");
	}
	ui_text(y, x + w - 1, 1, UI_NORMAL, "]");
}

void ui_barchart(struct ui_rect r, const struct ui_bar *bars, int n)
{
	double max = 0;
	int labw = 0;

	for (int i = 0; i < n; i++) {
		int lw = text_width(bars[i].label);

		if (bars[i].value > max)
			max = bars[i].value;
		if (lw > labw)
			labw = lw;
	}
	if (labw > r.w / 3)
		labw = r.w / 3;
	for (int i = 0; i < n && i < r.h; i++) {
		char val[32];
		int vw, barw, fill;

		snprintf(val, sizeof(val), "%.0f", bars[i].value);
		vw = (int)strlen(val);
		barw = r.w - labw - vw - 2;
		ui_text(r.y + i, r.x, labw, UI_NORMAL, bars[i].label);
		if (barw < 1)
			continue;
		fill = max > 0 ? (int)(bars[i].value / max * barw + 0.5) : 0;
		if (bars[i].value > 0 && fill == 0)
			fill = 1;
		for (int k = 0; k < fill; k++)
			ui_text(r.y + i, r.x + labw + 1 + k, 1, bars[i].color,
				ui_utf8() ? "\xe2\x96\x88" : "#");
		ui_text(r.y + i, r.x + labw + 2 + fill, vw, UI_NORMAL, val);
	}
}

void ui_sparkline(int y, int x, int w, const double *values, int n, enum ui_color c)
{
	static const char *const blocks[] = {"\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83",
					     "\xe2\x96\x84", "\xe2\x96\x85", "\xe2\x96\x86",
					     "\xe2\x96\x87", "\xe2\x96\x88"};
	static const char ascii[] = "_.-=#";
	double lo = INFINITY, hi = -INFINITY;
	int start = n > w ? n - w : 0, utf8 = ui_utf8();

	for (int i = start; i < n; i++) {
		if (values[i] < lo)
			lo = values[i];
		if (values[i] > hi)
			hi = values[i];
	}
	for (int i = start; i < n; i++) {
		double f = hi > lo ? (values[i] - lo) / (hi - lo) : (hi > 0 ? 1.0 : 0.0);

		if (utf8) {
			ui_text(y, x + i - start, 1, c, blocks[(int)(f * 7 + 0.5)]);
		} else {
			char ch[2] = {ascii[(int)(f * 4 + 0.5)], 0};

			ui_text(y, x + i - start, 1, c, ch);
		}
	}
}

int ui_detail(struct ui_rect r, const char *title, const char *const *labels,
	      const char *const *values, int n, int scroll)
{
	int labw = 0, line = 0;

	ui_box(r, UI_NORMAL, title);
	for (int i = 0; i < n; i++) {
		int lw = text_width(labels[i]);

		if (lw > labw)
			labw = lw;
	}
	if (labw > (r.w - 4) / 3)
		labw = (r.w - 4) / 3;
	for (int i = 0; i < n; i++) {
		struct ui_rect vr = {r.y + 1 + line - scroll, r.x + labw + 4, r.h - 2,
				     r.w - labw - 6};
		int need;

		/* Measure first (an off-screen rect draws nothing), then draw the
		 * part inside the box. */
		struct ui_rect off = {-1000, 0, 0, vr.w};
		need = ui_wrap(off, UI_NORMAL, values[i] ? values[i] : "", 0);
		if (need < 1)
			need = 1;
		for (int k = 0; k < need; k++) {
			int y = r.y + 1 + line + k - scroll;

			if (y <= r.y || y >= r.y + r.h - 1)
				continue;
			if (k == 0)
				ui_text(y, r.x + 2, labw, UI_TITLE, labels[i]);
		}
		{
			int first = line - scroll; /* first line of this value inside the box */
			int skip = first < 0 ? -first : 0;
			struct ui_rect dr = {r.y + 1 + (first < 0 ? 0 : first), vr.x, 0, vr.w};

			dr.h = r.h - 2 - (first < 0 ? 0 : first);
			if (dr.h > 0)
				ui_wrap(dr, UI_NORMAL, values[i] ? values[i] : "", skip);
		}
		line += need;
	}
	return line;
}
