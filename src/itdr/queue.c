/* queue.c - the alert queue in memory: filter and sort for the ITDR screen.
 *
 * The worker loads every alert once (itdr_queue_load); the UI thread then filters and sorts
 * an index array, never the alerts.  Each alert keeps a lower-cased "haystack" of the fields
 * bare words search, so a filter is one pass of substring tests.  Severity sorts by rank and
 * age by detection time, not as text. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "tater/itdr.h"

struct qrow {
	struct itdr_alert a;
	int64_t t; /* detection (else creation) time, epoch s */
	char *hay; /* lower-case: type user assignee ip location tenant id, \x1f between */
	unsigned short off[7]; /* where each field starts in hay (the last: its end + 1) */
	int sev;	       /* rank */
	int status;	       /* workflow index */
};

struct itdr_queue {
	struct qrow *rows;
	size_t n, cap;
	size_t *vis;
	size_t nvis;
};

int64_t itdr_time_parse(const char *iso)
{
	struct tm tm;
	int y, mo, d, h = 0, mi = 0, s = 0;

	if (!iso || sscanf(iso, "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &s) < 3)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	return (int64_t)timegm(&tm);
}

void itdr_age(int64_t s, char *buf, size_t n)
{
	if (s < 0)
		snprintf(buf, n, "-");
	else if (s < 60)
		snprintf(buf, n, "%llds", (long long)s);
	else if (s < 3600)
		snprintf(buf, n, "%lldm", (long long)(s / 60));
	else if (s < 86400)
		snprintf(buf, n, "%lldh", (long long)(s / 3600));
	else
		snprintf(buf, n, "%lldd", (long long)(s / 86400));
}

struct itdr_queue *itdr_queue_new(void)
{
	return calloc(1, sizeof(struct itdr_queue));
}

void itdr_queue_free(struct itdr_queue *q)
{
	if (!q)
		return;
	for (size_t i = 0; i < q->n; i++) {
		itdr_alert_clear(&q->rows[i].a);
		free(q->rows[i].hay);
	}
	free(q->rows);
	free(q->vis);
	free(q);
}

void itdr_queue_free_void(void *q)
{
	itdr_queue_free(q);
}

static int status_idx(const char *s)
{
	for (int i = 0; i < 5; i++)
		if (!strcmp(s, itdr_statuses[i]))
			return i;
	return 5;
}

static int add_owned(struct itdr_queue *q, struct itdr_alert *a)
{
	struct qrow *r;
	size_t len;

	if (q->n == q->cap) {
		size_t cap = q->cap ? q->cap * 2 : 256;
		struct qrow *nr = realloc(q->rows, cap * sizeof(*nr));
		size_t *nv = realloc(q->vis, cap * sizeof(*nv));

		if (nr)
			q->rows = nr;
		if (nv)
			q->vis = nv;
		if (!nr || !nv)
			return -1;
		q->cap = cap;
	}
	r = &q->rows[q->n];
	r->a = *a;
	r->t = itdr_time_parse(a->detected_at[0] ? a->detected_at : a->created_at);
	r->sev = itdr_severity_rank(a->severity);
	r->status = status_idx(a->status);
	len = strlen(a->type) + strlen(a->user_upn) + strlen(a->assignee) + strlen(a->ip) +
	      strlen(a->location) + strlen(a->tenant) + 40;
	if (!(r->hay = malloc(len)))
		return -1;
	{
		const char *parts[6] = {a->type, a->user_upn, a->assignee,
					a->ip,	 a->location, a->tenant};
		size_t at = 0;

		for (int i = 0; i < 6; i++) {
			r->off[i] = (unsigned short)(at < 65535 ? at : 65535);
			at += (size_t)snprintf(r->hay + at, len - at, "%s\x1f", parts[i]);
		}
		r->off[6] = (unsigned short)(at < 65535 ? at : 65535);
		snprintf(r->hay + at, len - at, "#%lld", (long long)a->id);
	}
	for (char *p = r->hay; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	q->vis[q->nvis++] = q->n;
	q->n++;
	return 0;
}

int itdr_queue_add(struct itdr_queue *q, const struct itdr_alert *a)
{
	struct itdr_alert c = *a;

	c.description = a->description ? strdup(a->description) : NULL;
	c.closing_note = a->closing_note ? strdup(a->closing_note) : NULL;
	c.raw = NULL;
	if (add_owned(q, &c) < 0) {
		itdr_alert_clear(&c);
		return -1;
	}
	return 0;
}

static int load_one(void *ctx, struct itdr_alert *a)
{
	if (add_owned(ctx, a) < 0) {
		itdr_alert_clear(a);
		return -1;
	}
	return 0;
}

/* Row by row into the queue: no list of every alert beside it (50,000 alerts). */
int itdr_queue_load(struct itdr_queue *q, struct store *s, struct tater_err *err)
{
	return itdr_alerts_each(s, NULL, load_one, q, err);
}

size_t itdr_queue_total(const struct itdr_queue *q)
{
	return q ? q->n : 0;
}

size_t itdr_queue_count(const struct itdr_queue *q)
{
	return q ? q->nvis : 0;
}

const struct itdr_alert *itdr_queue_get(const struct itdr_queue *q, size_t i)
{
	return q && i < q->nvis ? &q->rows[q->vis[i]].a : NULL;
}

/* ---- filter ---- */

enum { F_WORD, F_SEV, F_STATUS, F_TYPE, F_USER, F_ASSIGNEE, F_AGE_LT, F_AGE_GT, F_TENANT };

struct term {
	int kind;
	char val[96]; /* lower-case */
	int64_t secs;
	unsigned mask; /* sev/status: accepted ranks / indexes */
};

#define MAX_TERMS 16

static int64_t parse_dur(const char *s)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || v < 0)
		return -1;
	switch (*end) {
	case 'm':
		return (int64_t)(v * 60);
	case 'h':
		return (int64_t)(v * 3600);
	case 'w':
		return (int64_t)(v * 7 * 86400);
	case 'd':
	case '\0':
		return (int64_t)(v * 86400);
	case 's':
		return (int64_t)v;
	}
	return -1;
}

static unsigned list_mask(const char *v, int sev)
{
	char buf[96], *save = NULL, *tok;
	unsigned m = 0;

	snprintf(buf, sizeof(buf), "%s", v);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		const char *name;

		if (sev) {
			if (itdr_severity_parse(tok, &name, NULL) == 0)
				m |= 1u << itdr_severity_rank(name);
			else if (tok[0] == '>' && tok[1] == '=' &&
				 itdr_severity_parse(tok + 2, &name, NULL) == 0)
				for (int r = itdr_severity_rank(name); r < 4; r++)
					m |= 1u << r;
		} else {
			if (!strcmp(tok, "open"))
				m |= 7;
			else if (!strcmp(tok, "closed"))
				m |= 24;
			else if (itdr_status_parse(tok, &name, NULL) == 0)
				m |= 1u << status_idx(name);
			else
				for (int i = 0; i < 5; i++) /* a prefix: "inv" */
					if (!strncmp(itdr_statuses[i], tok, strlen(tok)))
						m |= 1u << i;
		}
	}
	return m;
}

static int parse_terms(const char *filter, struct term *t, const char *me)
{
	char buf[256], *save = NULL, *tok;
	int n = 0;

	snprintf(buf, sizeof(buf), "%s", filter ? filter : "");
	for (char *p = buf; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	for (tok = strtok_r(buf, " \t", &save); tok && n < MAX_TERMS;
	     tok = strtok_r(NULL, " \t", &save)) {
		struct term *x = &t[n];
		char *colon = strchr(tok, ':');
		const char *v = colon ? colon + 1 : tok;

		memset(x, 0, sizeof(*x));
		x->kind = F_WORD;
		if (colon) {
			size_t k = (size_t)(colon - tok);

			if (!strncmp(tok, "sev", 3) && k <= 8)
				x->kind = F_SEV;
			else if (!strncmp(tok, "status", k) && k >= 2)
				x->kind = F_STATUS;
			else if (!strncmp(tok, "type", k))
				x->kind = F_TYPE;
			else if (!strncmp(tok, "user", k))
				x->kind = F_USER;
			else if (!strncmp(tok, "assignee", k) && k >= 2)
				x->kind = F_ASSIGNEE;
			else if (!strncmp(tok, "tenant", k) && k >= 2)
				x->kind = F_TENANT;
			else if (!strncmp(tok, "age", k)) {
				x->kind = *v == '>' ? F_AGE_GT : F_AGE_LT;
				if (*v == '<' || *v == '>')
					v++;
				if ((x->secs = parse_dur(v)) < 0)
					continue; /* half typed: ignore */
			} else
				v = tok; /* "1.2.3.4:443": a word */
			if (!*v && x->kind != F_ASSIGNEE)
				continue;
		}
		if (x->kind == F_ASSIGNEE && !strcmp(v, "me") && me) {
			snprintf(x->val, sizeof(x->val), "%s", me);
			for (char *p = x->val; *p; p++)
				*p = (char)tolower((unsigned char)*p);
		} else {
			snprintf(x->val, sizeof(x->val), "%s", v);
		}
		if (x->kind == F_SEV || x->kind == F_STATUS)
			x->mask = list_mask(v, x->kind == F_SEV);
		n++;
	}
	return n;
}

/* Does field i of the haystack (lower case) hold needle (lower case)? */
static int in_field(const struct qrow *r, int i, const char *needle)
{
	const char *p = strstr(r->hay + r->off[i], needle);

	return p && p + strlen(needle) < r->hay + r->off[i + 1];
}

static int match(const struct qrow *r, const struct term *t, int n, int64_t now)
{
	for (int i = 0; i < n; i++) {
		const struct term *x = &t[i];

		switch (x->kind) {
		case F_WORD:
			if (!strstr(r->hay, x->val))
				return 0;
			break;
		case F_SEV:
			if (r->sev < 0 || !(x->mask & (1u << r->sev)))
				return 0;
			break;
		case F_STATUS:
			if (!(x->mask & (1u << r->status)))
				return 0;
			break;
		case F_TYPE: /* the haystack's fields are lower case already, as the terms are */
			if (!in_field(r, 0, x->val))
				return 0;
			break;
		case F_USER:
			if (!in_field(r, 1, x->val) && !strstr(r->a.user_id, x->val))
				return 0;
			break;
		case F_ASSIGNEE:
			if (!strcmp(x->val, "none") || !x->val[0]) {
				if (r->a.assignee[0])
					return 0;
			} else if (!in_field(r, 2, x->val)) {
				return 0;
			}
			break;
		case F_TENANT:
			if (!in_field(r, 5, x->val) && !strstr(r->a.scope, x->val))
				return 0;
			break;
		case F_AGE_LT:
			if (r->t < 0 || now - r->t >= x->secs)
				return 0;
			break;
		case F_AGE_GT:
			if (r->t < 0 || now - r->t <= x->secs)
				return 0;
			break;
		}
	}
	return 1;
}

struct sort_ctx {
	const struct itdr_queue *q;
	int col, desc;
};

static int cmp_rows(const void *pa, const void *pb, void *arg)
{
	const struct sort_ctx *sc = arg;
	const struct qrow *a = &sc->q->rows[*(const size_t *)pa];
	const struct qrow *b = &sc->q->rows[*(const size_t *)pb];
	int c = 0;

	switch (sc->col) {
	case ITDR_Q_ID:
		c = a->a.id < b->a.id ? -1 : a->a.id > b->a.id;
		break;
	case ITDR_Q_SEVERITY:
		c = a->sev - b->sev;
		break;
	case ITDR_Q_STATUS:
		c = a->status - b->status;
		break;
	case ITDR_Q_TYPE:
		c = strcasecmp(a->a.type, b->a.type);
		break;
	case ITDR_Q_USER:
		c = strcasecmp(a->a.user_upn, b->a.user_upn);
		break;
	case ITDR_Q_ASSIGNEE:
		c = strcasecmp(a->a.assignee, b->a.assignee);
		break;
	case ITDR_Q_AGE: /* ascending age: the youngest (newest) first */
		c = a->t > b->t ? -1 : a->t < b->t;
		break;
	case ITDR_Q_TENANT:
		c = strcasecmp(a->a.tenant, b->a.tenant);
		break;
	}
	if (c == 0) /* stable: the natural order (severity, then newest) */
		c = *(const size_t *)pa < *(const size_t *)pb ? -1 : 1;
	else if (sc->desc)
		c = -c;
	return c;
}

void itdr_queue_query(struct itdr_queue *q, const char *filter, const char *status,
		      const char *severity, int col, int desc, const char *me, int64_t now)
{
	struct term t[MAX_TERMS + 2];
	int n;

	if (!q)
		return;
	n = parse_terms(filter, t, me);
	if (status && *status) {
		memset(&t[n], 0, sizeof(t[n]));
		t[n].kind = F_STATUS;
		t[n].mask = list_mask(status, 0);
		n++;
	}
	if (severity && *severity) {
		memset(&t[n], 0, sizeof(t[n]));
		t[n].kind = F_SEV;
		t[n].mask = list_mask(severity, 1);
		n++;
	}
	q->nvis = 0;
	for (size_t i = 0; i < q->n; i++)
		if (match(&q->rows[i], t, n, now))
			q->vis[q->nvis++] = i;
	if (col >= 0 && col < ITDR_Q_NCOLS) {
		struct sort_ctx sc = {q, col, desc};

		qsort_r(q->vis, q->nvis, sizeof(*q->vis), cmp_rows, &sc);
	}
}
