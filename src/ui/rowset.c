/* rowset.c - rows held in memory, as a table source.
 *
 * Cells live in an arena of large chunks (one allocation per ~1 MiB, not per
 * cell).  Beside the cells each row keeps a folded "haystack": the cells
 * lower-cased (ASCII) and joined by U+001F, which the sanitiser never lets
 * into a cell, so a filter is one strstr per row and cannot match across
 * two cells. */
#include <stdlib.h>
#include <string.h>

#include "tater/text.h"
#include "tater/ui_table.h"

#define CHUNK (1u << 20)

struct chunk {
	struct chunk *next;
	size_t used, size;
	char data[];
};

struct ui_rowset {
	int ncols;
	size_t n, cap;
	const char **cells; /* n * ncols */
	const char **hay;   /* n */
	struct chunk *chunks;
	size_t *order; /* every row, in sort order */
	size_t *vis;   /* the rows that match the filter, in sort order */
	size_t nvis;
	int sorted_col, sorted_desc, order_ok;
	char *filter;
	const char **rowbuf;
};

static char *arena_alloc(struct ui_rowset *rs, size_t len)
{
	struct chunk *c = rs->chunks;

	if (!c || c->size - c->used < len) {
		size_t sz = len > CHUNK ? len : CHUNK;

		c = malloc(sizeof(*c) + sz);
		if (!c)
			return NULL;
		c->size = sz;
		c->used = 0;
		c->next = rs->chunks;
		rs->chunks = c;
	}
	c->used += len;
	return c->data + c->used - len;
}

struct ui_rowset *ui_rowset_new(int ncols)
{
	struct ui_rowset *rs = calloc(1, sizeof(*rs));

	if (!rs)
		return NULL;
	rs->ncols = ncols;
	rs->sorted_col = -1;
	rs->filter = strdup("");
	rs->rowbuf = calloc((size_t)ncols, sizeof(*rs->rowbuf));
	if (!rs->filter || !rs->rowbuf) {
		ui_rowset_free(rs);
		return NULL;
	}
	return rs;
}

void ui_rowset_free(struct ui_rowset *rs)
{
	struct chunk *c, *next;

	if (!rs)
		return;
	for (c = rs->chunks; c; c = next) {
		next = c->next;
		free(c);
	}
	free(rs->cells);
	free(rs->hay);
	free(rs->order);
	free(rs->vis);
	free(rs->filter);
	free(rs->rowbuf);
	free(rs);
}

void ui_rowset_free_void(void *rs)
{
	ui_rowset_free(rs);
}

static int grow(struct ui_rowset *rs)
{
	size_t cap = rs->cap ? rs->cap * 2 : 1024;
	const char **cells = realloc(rs->cells, cap * (size_t)rs->ncols * sizeof(*cells));

	if (!cells)
		return -1;
	rs->cells = cells;
	{
		const char **hay = realloc(rs->hay, cap * sizeof(*hay));
		size_t *order, *vis;

		if (!hay)
			return -1;
		rs->hay = hay;
		order = realloc(rs->order, cap * sizeof(*order));
		if (!order)
			return -1;
		rs->order = order;
		vis = realloc(rs->vis, cap * sizeof(*vis));
		if (!vis)
			return -1;
		rs->vis = vis;
	}
	rs->cap = cap;
	return 0;
}

int ui_rowset_add(struct ui_rowset *rs, const char *const *cells)
{
	size_t hay_len = 0, row = rs->n;
	char *h;

	if (rs->n == rs->cap && grow(rs) < 0)
		return TATER_ENOMEM;
	for (int c = 0; c < rs->ncols; c++) {
		const char *src = cells[c] ? cells[c] : "";
		size_t need = text_sanitize_buf(src, (size_t)-1, NULL, 0);
		char *dst = arena_alloc(rs, need + 1);

		if (!dst)
			return TATER_ENOMEM;
		text_sanitize_buf(src, (size_t)-1, dst, need + 1);
		rs->cells[row * (size_t)rs->ncols + (size_t)c] = dst;
		hay_len += need + 1;
	}
	h = arena_alloc(rs, hay_len + 1);
	if (!h)
		return TATER_ENOMEM;
	rs->hay[row] = h;
	for (int c = 0; c < rs->ncols; c++) {
		const char *s = rs->cells[row * (size_t)rs->ncols + (size_t)c];

		for (; *s; s++)
			*h++ = (*s >= 'A' && *s <= 'Z') ? (char)(*s + 32) : *s;
		*h++ = c + 1 < rs->ncols ? '\x1f' : '\0';
	}
	if (rs->ncols == 0)
		*h = '\0';
	rs->order[row] = row;
	rs->n++;
	/* A new row joins the natural order; a sorted or filtered view is
	 * recomputed at the next query. */
	rs->vis[rs->nvis++] = row;
	rs->order_ok = rs->sorted_col < 0 && rs->filter[0] == '\0';
	return 0;
}

size_t ui_rowset_total(const struct ui_rowset *rs)
{
	return rs->n;
}

const char *ui_rowset_cell(const struct ui_rowset *rs, size_t row, int col)
{
	if (row >= rs->n || col < 0 || col >= rs->ncols)
		return "";
	return rs->cells[row * (size_t)rs->ncols + (size_t)col];
}

size_t ui_rowset_index(const struct ui_rowset *rs, size_t i)
{
	return i < rs->nvis ? rs->vis[i] : (size_t)-1;
}

static size_t rs_count(void *ctx)
{
	return ((struct ui_rowset *)ctx)->nvis;
}

static const char *const *rs_row(void *ctx, size_t i)
{
	struct ui_rowset *rs = ctx;

	if (i >= rs->nvis)
		return NULL;
	return rs->cells + rs->vis[i] * (size_t)rs->ncols;
}

static int looks_numeric(const char *s, double *v)
{
	char *end;

	if (!*s)
		return 0;
	*v = strtod(s, &end);
	return *end == '\0';
}

static int cmp_rows(const void *a, const void *b, void *ctx)
{
	const struct ui_rowset *rs = ctx;
	size_t ra = *(const size_t *)a, rb = *(const size_t *)b;
	const char *x = rs->cells[ra * (size_t)rs->ncols + (size_t)rs->sorted_col];
	const char *y = rs->cells[rb * (size_t)rs->ncols + (size_t)rs->sorted_col];
	double dx, dy;
	int r;

	if (looks_numeric(x, &dx) && looks_numeric(y, &dy))
		r = dx < dy ? -1 : dx > dy;
	else
		r = strcasecmp(x, y);
	if (r == 0) /* keep it stable: the natural order breaks ties */
		r = ra < rb ? -1 : ra > rb;
	else if (rs->sorted_desc)
		r = -r;
	return r;
}

static void fold_copy(char *dst, const char *src, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n && src[i]; i++)
		dst[i] = (src[i] >= 'A' && src[i] <= 'Z') ? (char)(src[i] + 32) : src[i];
	dst[i] = '\0';
}

static void rs_query(void *ctx, const char *filter, int sort_col, int sort_desc)
{
	struct ui_rowset *rs = ctx;
	char needle[512];
	int resort = !rs->order_ok || sort_col != rs->sorted_col ||
		     (sort_col >= 0 && sort_desc != rs->sorted_desc);
	size_t oldlen = strlen(rs->filter), k = 0;
	const size_t *from;
	size_t nfrom;
	char *nf;

	if (sort_col >= rs->ncols)
		sort_col = -1;
	fold_copy(needle, filter ? filter : "", sizeof(needle));
	if (resort) {
		for (size_t i = 0; i < rs->n; i++)
			rs->order[i] = i;
		rs->sorted_col = sort_col;
		rs->sorted_desc = sort_desc;
		if (sort_col >= 0)
			qsort_r(rs->order, rs->n, sizeof(*rs->order), cmp_rows, rs);
		rs->order_ok = 1;
	}
	/* Typing one more character can only narrow the matches: search
	 * among them instead of among every row. */
	if (!resort && strncmp(needle, rs->filter, oldlen) == 0) {
		from = rs->vis;
		nfrom = rs->nvis;
	} else {
		from = rs->order;
		nfrom = rs->n;
	}
	if (needle[0] == '\0') {
		if (rs->n && (from != rs->order || resort || rs->nvis != rs->n))
			memcpy(rs->vis, rs->order, rs->n * sizeof(*rs->vis));
		k = rs->n;
	} else {
		for (size_t i = 0; i < nfrom; i++) {
			size_t r = from[i];

			if (strstr(rs->hay[r], needle))
				rs->vis[k++] = r;
		}
	}
	rs->nvis = k;
	nf = strdup(needle);
	if (nf) {
		free(rs->filter);
		rs->filter = nf;
	} else {
		/* Out of memory: force a full search next time. */
		rs->filter[0] = '\0';
		rs->order_ok = 0;
	}
}

void ui_rowset_source(struct ui_rowset *rs, struct ui_table_source *src)
{
	src->ctx = rs;
	src->count = rs_count;
	src->row = rs_row;
	src->query = rs_query;
}
