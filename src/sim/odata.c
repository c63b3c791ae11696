/* odata.c - the query options our collectors use, and paging, for Graph and ARM.
 *
 * A collection is a source of items (item i generated on demand, or an estate
 * array) plus a descriptor of what the real service accepts there.  A page is
 * built by walking the source from the skiptoken's index, filtering, projecting,
 * and looking ahead to the next match, so the last page never carries a nextLink
 * to an empty page and no request holds more than one page in memory. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim.h"

enum op { OP_EQ, OP_NE, OP_GT, OP_GE, OP_LT, OP_LE };

struct clause {
	char field[128];
	enum op op;
	json_t *lit; /* string, true/false/null, number */
	int lit_is_time;
	time_t t;
};

#define MAX_CLAUSES 8

struct query {
	long top;
	long skip;
	char **select;
	size_t nselect;
	int select_signin_activity;
	struct clause cl[MAX_CLAUSES];
	size_t ncl;
	int count;
	int expand;
};

static void query_free(struct query *q)
{
	for (size_t i = 0; i < q->nselect; i++)
		free(q->select[i]);
	free(q->select);
	for (size_t i = 0; i < q->ncl; i++)
		json_decref(q->cl[i].lit);
}

/* ---- skiptoken: opaque to clients, checked by us ---- */

static char *skiptoken_encode(struct sim *s, long idx)
{
	unsigned char b[12];
	uint64_t mask = sim_hash((uint64_t)s->cfg.seed, "skiptoken", 0);
	uint64_t v = (uint64_t)idx ^ mask;
	uint32_t check = (uint32_t)sim_hash((uint64_t)s->cfg.seed, "skipcheck", (uint64_t)idx);

	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char)(v >> (56 - 8 * i));
	for (int i = 0; i < 4; i++)
		b[8 + i] = (unsigned char)(check >> (24 - 8 * i));
	return sim_b64url(b, sizeof(b));
}

static long skiptoken_decode(struct sim *s, const char *tok)
{
	size_t n;
	unsigned char *b = sim_b64url_decode(tok, strlen(tok), &n);
	uint64_t v = 0;
	uint32_t check = 0;
	long idx;

	if (!b || n != 12) {
		free(b);
		return -1;
	}
	for (int i = 0; i < 8; i++)
		v = (v << 8) | b[i];
	for (int i = 0; i < 4; i++)
		check = (check << 8) | b[8 + i];
	free(b);
	idx = (long)(v ^ sim_hash((uint64_t)s->cfg.seed, "skiptoken", 0));
	if (idx < 0 ||
	    check != (uint32_t)sim_hash((uint64_t)s->cfg.seed, "skipcheck", (uint64_t)idx))
		return -1;
	return idx;
}

/* ---- $filter ---- */

static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* Parse "f op v [and f op v]..."; -1 on a syntax error. */
static int parse_filter(const char *f, struct query *q, char *bad, size_t badlen)
{
	static const char *const ops[] = {"eq", "ne", "gt", "ge", "lt", "le"};
	const char *p = skip_ws(f);

	for (;;) {
		struct clause *c;
		size_t n;
		size_t k;

		if (q->ncl == MAX_CLAUSES)
			return -1;
		c = &q->cl[q->ncl];
		memset(c, 0, sizeof(*c));
		n = strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_/@.");
		if (n == 0 || n >= sizeof(c->field) || p[n] != ' ') {
			snprintf(bad, badlen, "%.*s", (int)strcspn(p, " "), p);
			return -1;
		}
		memcpy(c->field, p, n);
		p = skip_ws(p + n);
		for (k = 0; k < 6; k++)
			if (strncmp(p, ops[k], 2) == 0 && p[2] == ' ')
				break;
		if (k == 6) {
			snprintf(bad, badlen, "%s", c->field);
			return -1;
		}
		c->op = (enum op)k;
		p = skip_ws(p + 2);
		if (*p == '\'') {
			char buf[512];
			size_t o = 0;

			for (p++; *p; p++) {
				if (*p == '\'' && p[1] == '\'')
					p++;
				else if (*p == '\'')
					break;
				if (o + 1 < sizeof(buf))
					buf[o++] = *p;
			}
			if (*p != '\'')
				return -1;
			p++;
			buf[o] = '\0';
			c->lit = json_string(buf);
			c->lit_is_time = sim_parse_time(buf, &c->t) == 0 && strchr(buf, 'T');
		} else {
			char tok[64];

			n = strcspn(p, " )");
			if (n == 0 || n >= sizeof(tok))
				return -1;
			memcpy(tok, p, n);
			tok[n] = '\0';
			p += n;
			if (strcmp(tok, "true") == 0 || strcmp(tok, "false") == 0) {
				c->lit = json_boolean(tok[0] == 't');
			} else if (strcmp(tok, "null") == 0) {
				c->lit = json_null();
			} else if (sim_parse_time(tok, &c->t) == 0) {
				c->lit = json_string(tok);
				c->lit_is_time = 1;
			} else {
				char *end;
				double d = strtod(tok, &end);

				if (*end)
					return -1;
				c->lit = json_real(d);
			}
		}
		q->ncl++;
		p = skip_ws(p);
		if (!*p)
			return 0;
		if (strncmp(p, "and ", 4) != 0) {
			snprintf(bad, badlen, "%.*s", (int)strcspn(p, " "), p);
			return -1;
		}
		p = skip_ws(p + 4);
	}
}

static json_t *get_path(json_t *item, const char *field)
{
	char buf[128], *save = NULL, *tok;
	json_t *v = item;

	snprintf(buf, sizeof(buf), "%s", field);
	for (tok = strtok_r(buf, "/", &save); tok && v; tok = strtok_r(NULL, "/", &save))
		v = json_object_get(v, tok);
	return v;
}

static int cmp_result(enum op op, int cmp)
{
	switch (op) {
	case OP_EQ:
		return cmp == 0;
	case OP_NE:
		return cmp != 0;
	case OP_GT:
		return cmp > 0;
	case OP_GE:
		return cmp >= 0;
	case OP_LT:
		return cmp < 0;
	case OP_LE:
		return cmp <= 0;
	}
	return 0;
}

static int clause_match(const struct clause *c, json_t *item)
{
	json_t *v = get_path(item, c->field);
	int cmp;

	if (!v || json_is_null(v))
		return json_is_null(c->lit) ? c->op == OP_EQ : c->op == OP_NE;
	if (json_is_null(c->lit))
		return c->op == OP_NE;
	if (c->lit_is_time && json_is_string(v)) {
		time_t t;

		if (sim_parse_time(json_string_value(v), &t) < 0)
			return 0;
		cmp = t < c->t ? -1 : t > c->t;
		return cmp_result(c->op, cmp);
	}
	if (json_is_string(c->lit) && json_is_string(v)) {
		cmp = strcasecmp(json_string_value(v), json_string_value(c->lit));
		return cmp_result(c->op, cmp < 0 ? -1 : cmp > 0);
	}
	if (json_is_boolean(c->lit) && json_is_boolean(v)) {
		cmp = json_is_true(v) == json_is_true(c->lit) ? 0 : 1;
		return (c->op == OP_EQ && cmp == 0) || (c->op == OP_NE && cmp != 0);
	}
	if (json_is_number(c->lit) && json_is_number(v)) {
		double a = json_number_value(v), b = json_number_value(c->lit);

		return cmp_result(c->op, a < b ? -1 : a > b);
	}
	return c->op == OP_NE;
}

/* 1 match, 0 no match, -1 no match and nothing later can match (sorted source). */
static int item_match(const struct query *q, const struct sim_coll *c, json_t *item)
{
	for (size_t i = 0; i < q->ncl; i++) {
		if (clause_match(&q->cl[i], item))
			continue;
		if (c && c->sorted_desc && strcmp(q->cl[i].field, c->sorted_desc) == 0 &&
		    (q->cl[i].op == OP_GE || q->cl[i].op == OP_GT))
			return -1;
		return 0;
	}
	return 1;
}

/* ---- $select ---- */

static json_t *project(json_t *item, char **fields, size_t n)
{
	json_t *out = json_object();
	const char *key;
	json_t *v;

	/* The service's order, not the order asked for. */
	json_object_foreach(item, key, v)
	{
		for (size_t i = 0; i < n; i++)
			if (strcasecmp(fields[i], key) == 0 || strcmp(key, "@odata.type") == 0) {
				json_object_set(out, key, v);
				break;
			}
	}
	return out;
}

static size_t count_fields(const char *const *f)
{
	size_t k = 0;

	while (f[k])
		k++;
	return k;
}

/* ---- the source ---- */

static long src_count(struct sim *s, struct sim_req *rq, const struct sim_source *src)
{
	if (src->array)
		return (long)json_array_size(src->array);
	return src->count(s, rq, src->arg);
}

static json_t *src_item(struct sim *s, struct sim_req *rq, const struct sim_source *src, long i)
{
	if (src->array)
		return json_incref(json_array_get(src->array, (size_t)i));
	return src->item(s, rq, src->arg, i);
}

static const char *graph_version(struct sim_req *rq)
{
	return strncmp(rq->path, "/beta", 5) == 0 ? "beta" : "v1.0";
}

static int bad_query(struct sim_req *rq, struct sim_resp *rs, const struct sim_coll *c,
		     const char *msg)
{
	if (c->style == SIM_STYLE_ARM)
		sim_arm_error(rs, 400, "InvalidParameter", "%s", msg);
	else
		sim_graph_error(rs, 400, c->directory ? "Request_UnsupportedQuery" : "BadRequest",
				"%s", msg);
	(void)rq;
	return -1;
}

static int parse_query(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
		       const struct sim_coll *c, const struct sim_source *src, struct query *q)
{
	char msg[512], bad[128] = "";
	const char *v;

	memset(q, 0, sizeof(*q));
	q->top = c->default_top;
	for (size_t i = 0; i < rq->nquery; i++) {
		const char *k = rq->query[i].key;

		if (k[0] != '$' || c->style == SIM_STYLE_ARM)
			continue;
		if (strcmp(k, "$top") && strcmp(k, "$select") && strcmp(k, "$filter") &&
		    strcmp(k, "$count") && strcmp(k, "$skiptoken") && strcmp(k, "$expand") &&
		    strcmp(k, "$orderby")) {
			snprintf(msg, sizeof(msg), "Query option '%s' is not supported on '%s'.", k,
				 c->entity);
			return bad_query(rq, rs, c, msg);
		}
	}
	if (c->style == SIM_STYLE_ARM) {
		v = sim_req_query(rq, "$skiptoken");
		if (v && (q->skip = skiptoken_decode(s, v)) < 0)
			return bad_query(rq, rs, c, "The $skiptoken is invalid.");
		return 0;
	}
	if ((v = sim_req_query(rq, "$select"))) {
		char *copy = sim_xstrdup(v), *save = NULL, *tok;
		json_t *probe = NULL;

		if (!src->array && src_count(s, rq, src) > 0)
			probe = src_item(s, rq, src, 0);
		for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
			while (*tok == ' ')
				tok++;
			tok[strcspn(tok, " ")] = '\0';
			if (!*tok)
				continue;
			if (probe && !json_object_get(probe, tok)) {
				snprintf(msg, sizeof(msg),
					 "Could not find a property named '%s' on type '%s'.", tok,
					 c->type);
				free(copy);
				json_decref(probe);
				sim_graph_error(rs, 400, "BadRequest", "%s", msg);
				return -1;
			}
			q->select = realloc(q->select, (q->nselect + 1) * sizeof(char *));
			if (!q->select)
				abort();
			q->select[q->nselect++] = sim_xstrdup(tok);
			if (strcasecmp(tok, "signInActivity") == 0)
				q->select_signin_activity = 1;
		}
		free(copy);
		json_decref(probe);
	}
	if ((v = sim_req_query(rq, "$top"))) {
		char *end;
		long top = strtol(v, &end, 10);

		if (*end || end == v || top < 1) {
			snprintf(msg, sizeof(msg), "Invalid value '%s' for query option $top.", v);
			return bad_query(rq, rs, c, msg);
		}
		if (top > c->max_top && c->directory && !c->no_paging) {
			snprintf(msg, sizeof(msg),
				 "Invalid page size specified: '%ld'. Must be between 1 and %ld "
				 "inclusive.",
				 top, c->max_top);
			return bad_query(rq, rs, c, msg);
		}
		q->top = top > c->max_top ? c->max_top : top;
	}
	/* Documented: with signInActivity selected, pages hold at most 120 users. */
	if (q->select_signin_activity && c->max_top_signin_activity &&
	    q->top > c->max_top_signin_activity)
		q->top = c->max_top_signin_activity;
	if ((v = sim_req_query(rq, "$filter"))) {
		if (!c->filter_fields && !src->array) {
			snprintf(msg, sizeof(msg), "$filter is not supported on '%s'.", c->entity);
			return bad_query(rq, rs, c, msg);
		}
		if (parse_filter(v, q, bad, sizeof(bad)) < 0) {
			snprintf(msg, sizeof(msg), "Invalid filter clause: syntax error at '%s'.",
				 bad);
			return bad_query(rq, rs, c, msg);
		}
		for (size_t i = 0; c->filter_fields && i < q->ncl; i++) {
			size_t k;

			for (k = 0; c->filter_fields[k]; k++)
				if (strcasecmp(c->filter_fields[k], q->cl[i].field) == 0)
					break;
			if (!c->filter_fields[k]) {
				snprintf(msg, sizeof(msg),
					 "Unsupported or invalid query filter clause specified for "
					 "property '%s' of resource '%s'.",
					 q->cl[i].field, c->type);
				return bad_query(rq, rs, c, msg);
			}
		}
	}
	if ((v = sim_req_query(rq, "$count"))) {
		const char *cl = sim_req_header(rq, "ConsistencyLevel");

		if (strcasecmp(v, "true") == 0) {
			if (c->directory && (!cl || strcasecmp(cl, "eventual") != 0))
				return bad_query(rq, rs, c,
						 "$count is only supported with the "
						 "ConsistencyLevel:eventual header.");
			q->count = 1;
		} else if (strcasecmp(v, "false") != 0) {
			return bad_query(rq, rs, c, "Invalid value for query option $count.");
		}
	}
	if ((v = sim_req_query(rq, "$expand"))) {
		if (!c->expandable || strcasecmp(v, c->expandable) != 0) {
			snprintf(msg, sizeof(msg), "Expand of '%s' is not supported on '%s'.", v,
				 c->entity);
			return bad_query(rq, rs, c, msg);
		}
		q->expand = 1;
	}
	if ((v = sim_req_query(rq, "$orderby"))) {
		char want[160];

		snprintf(want, sizeof(want), "%s desc", c->sorted_desc ? c->sorted_desc : "");
		if (!c->sorted_desc || strcasecmp(v, want) != 0) {
			snprintf(msg, sizeof(msg), "$orderby '%s' is not supported on '%s'.", v,
				 c->entity);
			return bad_query(rq, rs, c, msg);
		}
	}
	if ((v = sim_req_query(rq, "$skiptoken")) && (q->skip = skiptoken_decode(s, v)) < 0) {
		sim_graph_error(rs, 400, "Directory_ExpiredPageToken",
				"The specified page token value has expired or is invalid.");
		return -1;
	}
	if (c->no_paging)
		q->top = 0x7fffffff;
	return 0;
}

/* nextLink: the request's own query, $skiptoken replaced. */
static char *next_link(struct sim *s, struct sim_req *rq, long idx)
{
	size_t cap = 256 + strlen(rq->path) + strlen(rq->base_url), n;
	char *tok = skiptoken_encode(s, idx), *out;

	for (size_t i = 0; i < rq->nquery; i++)
		cap += 3 * (strlen(rq->query[i].key) + strlen(rq->query[i].val)) + 2;
	out = sim_xmalloc(cap + strlen(tok));
	n = (size_t)sprintf(out, "%s%s?", rq->base_url, rq->path);
	for (size_t i = 0; i < rq->nquery; i++) {
		char *k, *v;

		if (strcmp(rq->query[i].key, "$skiptoken") == 0)
			continue;
		k = sim_url_encode(rq->query[i].key);
		v = sim_url_encode(rq->query[i].val);
		n += (size_t)sprintf(out + n, "%s=%s&", k, v);
		free(k);
		free(v);
	}
	sprintf(out + n, "$skiptoken=%s", tok);
	free(tok);
	return out;
}

void sim_serve_collection(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
			  const struct sim_coll *c, const struct sim_source *src)
{
	struct query q;
	long total, idx, top, next = -1, nmatch = 0;
	json_t *value, *body;

	if (parse_query(s, rq, rs, c, src, &q) < 0)
		goto out;
	total = src_count(s, rq, src);
	top = c->style == SIM_STYLE_ARM ? c->default_top : q.top;
	if (rq->fault_short && top > 1)
		top /= 2;
	value = json_array();
	for (idx = q.skip; idx < total; idx++) {
		json_t *item = src_item(s, rq, src, idx);
		int m = q.ncl ? item_match(&q, c, item) : 1;

		if (m < 0) {
			json_decref(item);
			break;
		}
		if (m == 0) {
			json_decref(item);
			continue;
		}
		if ((long)json_array_size(value) == top) {
			next = idx; /* the next page starts at the next match */
			json_decref(item);
			break;
		}
		if (q.nselect)
			json_array_append_new(value, project(item, q.select, q.nselect));
		else if (c->default_select && !src->array)
			json_array_append_new(value, project(item, (char **)c->default_select,
							     count_fields(c->default_select)));
		else
			json_array_append(value, item);
		json_decref(item);
	}
	if (q.count && q.skip == 0) {
		if (!q.ncl) {
			nmatch = total;
		} else {
			for (long i = 0; i < total; i++) {
				json_t *item = src_item(s, rq, src, i);
				int m = item_match(&q, c, item);

				json_decref(item);
				if (m < 0)
					break;
				nmatch += m;
			}
		}
	}
	if (rq->fault_nolink)
		next = -1;
	if (c->style == SIM_STYLE_ARM) {
		body = json_pack("{s:o}", "value", value);
		if (next >= 0) {
			char *l = next_link(s, rq, next);

			json_object_set_new(body, "nextLink", json_string(l));
			free(l);
		}
	} else {
		char ctx[512];

		snprintf(ctx, sizeof(ctx), "https://graph.microsoft.com/%s/$metadata#%s",
			 graph_version(rq), c->entity);
		body = json_pack("{s:s}", "@odata.context", ctx);
		if (q.count && q.skip == 0)
			json_object_set_new(body, "@odata.count", json_integer(nmatch));
		if (next >= 0) {
			char *l = next_link(s, rq, next);

			json_object_set_new(body, "@odata.nextLink", json_string(l));
			free(l);
		}
		json_object_set_new(body, "value", value);
	}
	sim_resp_json(rs, 200, body);
out:
	query_free(&q);
}

void sim_serve_singleton(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
			 const char *context, json_t *obj)
{
	const char *sel = sim_req_query(rq, "$select");
	char ctx[512];
	json_t *body;
	const char *key;
	json_t *v;

	(void)s;
	snprintf(ctx, sizeof(ctx), "https://graph.microsoft.com/%s/$metadata#%s/$entity",
		 graph_version(rq), context);
	body = json_pack("{s:s}", "@odata.context", ctx);
	if (sel) {
		char *copy = sim_xstrdup(sel), *save = NULL, *tok, *fields[64];
		size_t n = 0;
		json_t *p;

		for (tok = strtok_r(copy, ",", &save); tok && n < 64;
		     tok = strtok_r(NULL, ",", &save))
			fields[n++] = tok;
		p = project(obj, fields, n);
		json_decref(obj);
		obj = p;
		free(copy);
	}
	json_object_foreach(obj, key, v)
	{
		if (strcmp(key, "@odata.context") != 0)
			json_object_set(body, key, v);
	}
	json_decref(obj);
	sim_resp_json(rs, 200, body);
}
