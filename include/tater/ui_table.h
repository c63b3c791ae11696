/* ui_table.h - a table over a row provider, and an in-memory row set.
 *
 * The table draws only the rows that are visible and asks the provider for
 * exactly those (virtual scrolling), so its cost does not grow with the
 * number of rows.  Sorting and filtering are the provider's job (it knows
 * how to do them fast); the table holds the column cursor, the sort key,
 * the filter text being typed, the selection and the scroll position.
 *
 * ui_rowset is a provider for data held in memory: rows are sanitised once
 * when added, filtering narrows the previous matches while the filter only
 * grows (typing), and sorting orders an index, never the rows. */
#ifndef TATER_UI_TABLE_H
#define TATER_UI_TABLE_H

#include <stddef.h>

#include "tater/ui.h"

struct ui_table_source {
	void *ctx;
	size_t (*count)(void *ctx); /* rows after filtering */
	/* Cells of visible row i (0 <= i < count), valid until the next call. */
	const char *const *(*row)(void *ctx, size_t i);
	/* Apply a filter ("" none) and a sort (col < 0: natural order).
	 * May be NULL when the source cannot do either. */
	void (*query)(void *ctx, const char *filter, int sort_col, int sort_desc);
};

struct ui_column {
	const char *title;
	int min;    /* cells at least (the title's width when 0) */
	int weight; /* share of the spare width (0: stays at min) */
	int right;  /* right-align (numbers) */
};

struct ui_table;

struct ui_table *ui_table_new(const struct ui_column *cols, int ncols);
void ui_table_free(struct ui_table *t);
/* The source is borrowed; set it again after its rows changed. */
void ui_table_set_source(struct ui_table *t, const struct ui_table_source *src);
/* Re-run the query (rows changed under the same source). */
void ui_table_refresh(struct ui_table *t);

void ui_table_draw(struct ui_table *t, struct ui_rect r, int focused);
/* Keys: movement, `s` sort, h/l column, `/` filter, and while filtering
 * every printable key.  UI_HANDLED or UI_IGNORED. */
int ui_table_key(struct ui_table *t, const struct ui_event *ev);

size_t ui_table_selected(const struct ui_table *t); /* (size_t)-1 when empty */
void ui_table_select(struct ui_table *t, size_t row);
size_t ui_table_count(const struct ui_table *t);
const char *ui_table_filter(const struct ui_table *t);
int ui_table_filtering(const struct ui_table *t); /* typing a filter now */
void ui_table_set_empty_text(struct ui_table *t, const char *text);

/* ---- in-memory rows ---- */

struct ui_rowset;

struct ui_rowset *ui_rowset_new(int ncols);
void ui_rowset_free(struct ui_rowset *rs);
void ui_rowset_free_void(void *rs); /* for job_set_result */
/* Add a row: each cell is sanitised and copied (NULL cells become ""). */
int ui_rowset_add(struct ui_rowset *rs, const char *const *cells);
size_t ui_rowset_total(const struct ui_rowset *rs);
/* Cell of the original (insertion-order) row. */
const char *ui_rowset_cell(const struct ui_rowset *rs, size_t row, int col);
/* Original row number of visible row i. */
size_t ui_rowset_index(const struct ui_rowset *rs, size_t i);
/* A table source over the set (points into rs). */
void ui_rowset_source(struct ui_rowset *rs, struct ui_table_source *src);

#endif
