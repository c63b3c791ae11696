/* ui_widgets.h - small drawing widgets: progress bar, bar chart, sparkline,
 * detail pane.  They draw into stdscr inside a frame and keep no state.
 * Under a monochrome scheme or a vt100 they still read: bars are drawn with
 * characters, not only with colour. */
#ifndef TATER_UI_WIDGETS_H
#define TATER_UI_WIDGETS_H

#include <stdint.h>

#include "tater/ui.h"

/* [#####     ] in w cells; frac < 0 draws an "unknown" bar. */
void ui_progress(int y, int x, int w, double frac);

struct ui_bar {
	const char *label;
	double value;
	enum ui_color color;
};
/* Horizontal bars, one per line: label, bar scaled to the largest value, value. */
void ui_barchart(struct ui_rect r, const struct ui_bar *bars, int n);

/* One line of block characters (U+2581..U+2588; ASCII "_.-=#" when the
 * terminal has no UTF-8) scaled between the smallest and largest value;
 * the last w values are drawn. */
void ui_sparkline(int y, int x, int w, const double *values, int n, enum ui_color c);

/* Label: value pairs, values word-wrapped; scroll skips the first lines.
 * Returns the lines the whole pane needs. */
int ui_detail(struct ui_rect r, const char *title, const char *const *labels,
	      const char *const *values, int n, int scroll);

/* Does the terminal take UTF-8 (locale codeset)? */
int ui_utf8(void);
/* Do tables mark their selected row with an arrow (ui_opts.arrow_cursor)? */
int ui_arrow_cursor(void);
void ui_set_arrow_cursor(int on);

#endif
