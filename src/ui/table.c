/* table.c - the table widget: virtual scrolling over a row provider. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "tater/text.h"
#include "tater/ui_table.h"
#include "tater/ui_widgets.h"

struct ui_table {
	struct ui_column *cols;
	int ncols;
	struct ui_table_source src;
	int has_src;
	size_t sel, top;
	int col;
	int sort_col, sort_desc;
	char filter[256];
	int filtering;
	int page; /* data rows visible at the last draw */
	struct ui_rect last;
	char *empty_text;
};

struct ui_table *ui_table_new(const struct ui_column *cols, int ncols)
{
	struct ui_table *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->cols = calloc((size_t)ncols, sizeof(*t->cols));
	if (!t->cols) {
		free(t);
		return NULL;
	}
	memcpy(t->cols, cols, (size_t)ncols * sizeof(*cols));
	t->ncols = ncols;
	t->sort_col = -1;
	t->page = 10;
	return t;
}

void ui_table_free(struct ui_table *t)
{
	if (!t)
		return;
	free(t->cols);
	free(t->empty_text);
	free(t);
}

void ui_table_set_empty_text(struct ui_table *t, const char *text)
{
	free(t->empty_text);
	t->empty_text = text ? strdup(text) : NULL;
}

size_t ui_table_count(const struct ui_table *t)
{
	return t->has_src ? t->src.count(t->src.ctx) : 0;
}

static void clamp(struct ui_table *t)
{
	size_t n = ui_table_count(t);

	if (n == 0) {
		t->sel = t->top = 0;
		return;
	}
	if (t->sel >= n)
		t->sel = n - 1;
	if (t->top > t->sel)
		t->top = t->sel;
	if (t->page > 0 && t->sel >= t->top + (size_t)t->page)
		t->top = t->sel - (size_t)t->page + 1;
}

static void requery(struct ui_table *t)
{
	if (t->has_src && t->src.query)
		t->src.query(t->src.ctx, t->filter, t->sort_col, t->sort_desc);
	clamp(t);
}

void ui_table_set_source(struct ui_table *t, const struct ui_table_source *src)
{
	if (src) {
		t->src = *src;
		t->has_src = 1;
	} else {
		t->has_src = 0;
	}
	requery(t);
}

void ui_table_refresh(struct ui_table *t)
{
	requery(t);
}

size_t ui_table_selected(const struct ui_table *t)
{
	return ui_table_count(t) ? t->sel : (size_t)-1;
}

void ui_table_select(struct ui_table *t, size_t row)
{
	t->sel = row;
	clamp(t);
}

const char *ui_table_filter(const struct ui_table *t)
{
	return t->filter;
}

int ui_table_filtering(const struct ui_table *t)
{
	return t->filtering;
}

/* Column widths in cells: everyone gets its minimum, the spare width goes
 * by weight, and columns that do not fit at all get 0. */
static void layout(const struct ui_table *t, int width, int *w)
{
	int used = 0, weights = 0, spare;

	for (int c = 0; c < t->ncols; c++) {
		int m = t->cols[c].min ? t->cols[c].min : text_width(t->cols[c].title) + 1;

		if (used + m + (c ? 1 : 0) > width)
			m = width - used - (c ? 1 : 0);
		if (m < 0)
			m = 0;
		w[c] = m;
		used += m + (c ? 1 : 0);
		weights += t->cols[c].weight;
	}
	spare = width - used;
	if (spare > 0 && weights > 0) {
		int given = 0, last = -1;

		for (int c = 0; c < t->ncols; c++) {
			if (!t->cols[c].weight || !w[c])
				continue;
			int add = spare * t->cols[c].weight / weights;
			w[c] += add;
			given += add;
			last = c;
		}
		if (last >= 0)
			w[last] += spare - given;
	}
}

static void draw_cell(int y, int x, int w, enum ui_color color, const char *s, int right)
{
	char buf[1024];
	int used;

	if (w <= 0)
		return;
	used = text_fit(s ? s : "", w, buf, sizeof(buf));
	ui_text(y, right ? x + w - used : x, w, color, buf);
}

/* Cells left of the columns for the arrow cursor: none when the selection is a bar. */
static int arrow_margin(void)
{
	return ui_arrow_cursor() ? 2 : 0;
}

void ui_table_draw(struct ui_table *t, struct ui_rect r, int focused)
{
	int w[64], x, body = r.h - 2, ncols = t->ncols > 64 ? 64 : t->ncols, m = arrow_margin();
	size_t n = ui_table_count(t);
	const char *up = ui_utf8() ? "\xe2\x96\xb2" : "^", *down = ui_utf8() ? "\xe2\x96\xbc" : "v";

	t->last = r;
	if (r.h < 3 || r.w < 4)
		return;
	t->page = body;
	clamp(t);
	layout(t, r.w - m, w);

	/* Header: the column cursor and the sort key are marked. */
	ui_fill(r.y, r.x, r.w, UI_HEADER);
	x = r.x + m;
	for (int c = 0; c < ncols; c++) {
		char title[128];

		snprintf(title, sizeof(title), "%s%s", t->cols[c].title,
			 c == t->sort_col ? (t->sort_desc ? down : up) : "");
		if (c == t->col && focused)
			ui_fill(r.y, x, w[c], UI_HEADER_SORT);
		draw_cell(r.y, x, w[c], c == t->col && focused ? UI_HEADER_SORT : UI_HEADER, title,
			  t->cols[c].right);
		x += w[c] + 1;
	}

	/* Only the visible rows are asked for. */
	for (int i = 0; i < body; i++) {
		size_t row = t->top + (size_t)i;
		const char *const *cells;
		enum ui_color color;

		if (row >= n)
			break;
		cells = t->src.row(t->src.ctx, row);
		if (!cells)
			break;
		/* The arrow cursor changes two cells on a move; a bar repaints two rows. */
		color = row == t->sel && !m ? UI_SELECTED : UI_NORMAL;
		if (color != UI_NORMAL)
			ui_fill(r.y + 1 + i, r.x, r.w, color);
		if (m)
			ui_text(r.y + 1 + i, r.x, m, row == t->sel ? UI_TITLE : UI_NORMAL,
				row == t->sel ? ">" : "");
		x = r.x + m;
		for (int c = 0; c < ncols; c++) {
			draw_cell(r.y + 1 + i, x, w[c], color, cells[c], t->cols[c].right);
			x += w[c] + 1;
		}
	}
	if (n == 0)
		ui_text(r.y + 2, r.x + 2, r.w - 4, UI_DIM,
			t->filter[0] ? "No rows match the filter."
				     : (t->empty_text ? t->empty_text : "Nothing here yet."));

	/* Footer: the filter being typed, or where we are. */
	ui_fill(r.y + r.h - 1, r.x, r.w, UI_NORMAL);
	if (t->filtering || t->filter[0]) {
		int used = ui_textf(r.y + r.h - 1, r.x, r.w - 24,
				    t->filtering ? UI_TITLE : UI_NORMAL, "/%s", t->filter);
		if (t->filtering)
			ui_text(r.y + r.h - 1, r.x + used, 1, UI_FIELD_FOCUS, " ");
	}
	{
		char pos[48];

		if (n)
			snprintf(pos, sizeof(pos), "%zu/%zu", t->sel + 1, n);
		else
			snprintf(pos, sizeof(pos), "0/0");
		/* Plain: it changes with every move, so keep it cheap to send. */
		ui_text(r.y + r.h - 1, r.x + r.w - (int)strlen(pos), (int)strlen(pos), UI_NORMAL,
			pos);
	}
}

static void move_by(struct ui_table *t, long d)
{
	size_t n = ui_table_count(t);

	if (!n)
		return;
	if (d < 0 && (size_t)-d > t->sel)
		t->sel = 0;
	else if (d > 0 && t->sel + (size_t)d >= n)
		t->sel = n - 1;
	else
		t->sel = (size_t)((long)t->sel + d);
	clamp(t);
}

static void filter_changed(struct ui_table *t)
{
	t->sel = t->top = 0;
	requery(t);
}

static int filter_key(struct ui_table *t, const struct ui_event *ev)
{
	size_t len = strlen(t->filter);

	if (ev->key == '\n') {
		t->filtering = 0;
		return UI_HANDLED;
	}
	if (ev->key == UI_KEY_ESC) {
		t->filtering = 0;
		t->filter[0] = '\0';
		filter_changed(t);
		return UI_HANDLED;
	}
	if (ev->key == UI_KEY(KEY_BACKSPACE)) {
		if (len == 0) {
			t->filtering = 0;
			return UI_HANDLED;
		}
		while (len > 0 && ((unsigned char)t->filter[len - 1] & 0xc0) == 0x80)
			len--;
		if (len > 0)
			len--;
		t->filter[len] = '\0';
		filter_changed(t);
		return UI_HANDLED;
	}
	if (ev->key == UI_CTRL('u')) {
		t->filter[0] = '\0';
		filter_changed(t);
		return UI_HANDLED;
	}
	if (ui_key_is_text(ev->key)) {
		char b[4];
		size_t m = text_encode(ev->key, b);

		if (len + m < sizeof(t->filter)) {
			memcpy(t->filter + len, b, m);
			t->filter[len + m] = '\0';
			filter_changed(t);
		}
		return UI_HANDLED;
	}
	/* Function keys (arrows, PgDn) still move while the filter is open. */
	return UI_IGNORED;
}

int ui_table_key(struct ui_table *t, const struct ui_event *ev)
{
	int page = t->page > 1 ? t->page / 2 : 1;

	if (ev->mouse) {
		struct ui_rect r = t->last;

		if (ev->my < r.y || ev->my >= r.y + r.h || ev->mx < r.x || ev->mx >= r.x + r.w)
			return UI_IGNORED;
		if (ev->wheel) {
			move_by(t, ev->wheel * 3);
			return UI_HANDLED;
		}
		if (ev->my == r.y) {
			int m = arrow_margin(), w[64], x = r.x + m,
			    ncols = t->ncols > 64 ? 64 : t->ncols;

			layout(t, r.w - m, w);
			for (int c = 0; c < ncols; c++) {
				if (ev->mx >= x && ev->mx < x + w[c]) {
					t->col = c;
					if (t->sort_col == c)
						t->sort_desc = !t->sort_desc;
					t->sort_col = c;
					requery(t);
					break;
				}
				x += w[c] + 1;
			}
			return UI_HANDLED;
		}
		if (ev->my > r.y && ev->my < r.y + r.h - 1) {
			size_t row = t->top + (size_t)(ev->my - r.y - 1);

			if (row < ui_table_count(t))
				t->sel = row;
			/* A double click opens: let the screen see it. */
			return ev->click == 2 ? UI_IGNORED : UI_HANDLED;
		}
		return UI_HANDLED;
	}
	if (t->filtering && filter_key(t, ev) == UI_HANDLED)
		return UI_HANDLED;
	switch (ev->act) {
	case UI_ACT_UP:
		move_by(t, -1);
		return UI_HANDLED;
	case UI_ACT_DOWN:
		move_by(t, 1);
		return UI_HANDLED;
	case UI_ACT_PAGE_UP:
		move_by(t, -page);
		return UI_HANDLED;
	case UI_ACT_PAGE_DOWN:
		move_by(t, page);
		return UI_HANDLED;
	case UI_ACT_TOP:
		t->sel = 0;
		clamp(t);
		return UI_HANDLED;
	case UI_ACT_BOTTOM:
		move_by(t, (long)ui_table_count(t));
		return UI_HANDLED;
	case UI_ACT_LEFT:
		if (t->col > 0)
			t->col--;
		return UI_HANDLED;
	case UI_ACT_RIGHT:
		if (t->col + 1 < t->ncols)
			t->col++;
		return UI_HANDLED;
	case UI_ACT_SORT:
		if (t->sort_col == t->col)
			t->sort_desc = !t->sort_desc;
		else
			t->sort_desc = 0;
		t->sort_col = t->col;
		requery(t);
		return UI_HANDLED;
	case UI_ACT_FILTER:
		t->filtering = 1;
		return UI_HANDLED;
	case UI_ACT_BACK:
		/* Esc/q first drops a filter, then goes back. */
		if (t->filter[0]) {
			t->filter[0] = '\0';
			filter_changed(t);
			return UI_HANDLED;
		}
		return UI_IGNORED;
	default:
		return UI_IGNORED;
	}
}
