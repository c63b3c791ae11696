/* ratelimit.c - per (tenant, class, scope) limiters: sliding windows and token buckets.
 *
 * A window limiter keeps the cost granted per time slot (1/100 of the window) in a ring and
 * lets a slot's cost go only when the whole slot has left the window, so it never grants more
 * than the budget in any window however the server aligns its own: it errs by at most one
 * slot of waiting.  Windows are widened by margin_ms for clock skew and network jitter. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "tater/ratelimit.h"

struct slot {
	int64_t idx;
	double cost;
};

struct rate_limiter {
	struct rate_limiter *next;
	pthread_mutex_t mu;
	char *tenant, *scope;
	enum rate_class cls;
	enum rate_kind kind;
	double capacity;
	/* window */
	long window_ms, slot_ms;
	struct slot *ring;
	size_t ring_cap, head, count;
	double in_window;
	/* bucket */
	double tokens, refill_per_ms;
	int64_t last_ms;
	int64_t hold_until;
	struct rate_counters ctr;
};

struct rate_registry {
	pthread_mutex_t mu;
	struct rate_config cfg;
	struct rate_limiter *list;
	struct tenant_size {
		struct tenant_size *next;
		char *tenant;
		long users;
	} * sizes;
};

int64_t rate_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void rate_config_defaults(struct rate_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->spec[RATE_DEFAULT] = (struct rate_spec){RATE_NONE, 0, 0, 0};
	cfg->spec[RATE_GRAPH_IDENTITY] = (struct rate_spec){RATE_WINDOW, 3500, 10000, 0};
	cfg->spec[RATE_GRAPH_CA_IP] = (struct rate_spec){RATE_WINDOW, 1, 1000, 0};
	cfg->spec[RATE_GRAPH_AUDIT] = (struct rate_spec){RATE_WINDOW, 5, 10000, 0};
	cfg->spec[RATE_ARM_READ] = (struct rate_spec){RATE_BUCKET, 250, 0, 25};
	cfg->spec[RATE_ARM_WRITE] = (struct rate_spec){RATE_BUCKET, 200, 0, 10};
	cfg->identity_budget[0] = 3500;
	cfg->identity_budget[1] = 5000;
	cfg->identity_budget[2] = 8000;
	cfg->small_users = 50;
	cfg->large_users = 500;
	cfg->margin_ms = 50;
	cfg->bucket_slack = 0.05;
}

int rate_registry_new(const struct rate_config *cfg, struct rate_registry **out,
		      struct tater_err *err)
{
	struct rate_registry *r = calloc(1, sizeof(*r));

	*out = NULL;
	if (!r)
		return tater_errf(err, TATER_ENOMEM, "out of memory for the rate limiters");
	if (cfg)
		r->cfg = *cfg;
	else
		rate_config_defaults(&r->cfg);
	for (int i = RATE_DEFAULT; i < RATE_NCLASSES; i++) {
		struct rate_spec *s = &r->cfg.spec[i];

		if (s->kind != RATE_NONE &&
		    (s->capacity <= 0 || (s->kind == RATE_WINDOW && s->window_ms <= 0) ||
		     (s->kind == RATE_BUCKET && s->refill_per_s <= 0))) {
			free(r);
			return tater_errf(err, TATER_EINVAL,
					  "rate limit for %s needs a positive budget and period",
					  rate_class_name((enum rate_class)i));
		}
	}
	pthread_mutex_init(&r->mu, NULL);
	*out = r;
	return 0;
}

static void limiter_free(struct rate_limiter *l)
{
	pthread_mutex_destroy(&l->mu);
	free(l->ring);
	free(l->tenant);
	free(l->scope);
	free(l);
}

void rate_registry_free(struct rate_registry *r)
{
	if (!r)
		return;
	while (r->list) {
		struct rate_limiter *l = r->list;

		r->list = l->next;
		limiter_free(l);
	}
	while (r->sizes) {
		struct tenant_size *t = r->sizes;

		r->sizes = t->next;
		free(t->tenant);
		free(t);
	}
	pthread_mutex_destroy(&r->mu);
	free(r);
}

/* Caller holds r->mu. */
static double identity_budget(struct rate_registry *r, const char *tenant)
{
	for (struct tenant_size *t = r->sizes; t; t = t->next) {
		if (strcmp(t->tenant, tenant))
			continue;
		if (t->users < r->cfg.small_users)
			return r->cfg.identity_budget[0];
		if (t->users <= r->cfg.large_users)
			return r->cfg.identity_budget[1];
		return r->cfg.identity_budget[2];
	}
	return r->cfg.spec[RATE_GRAPH_IDENTITY].capacity;
}

void rate_set_tenant_users(struct rate_registry *r, const char *tenant, long users)
{
	struct tenant_size *t;
	double budget;

	if (!tenant)
		tenant = "";
	pthread_mutex_lock(&r->mu);
	for (t = r->sizes; t; t = t->next)
		if (!strcmp(t->tenant, tenant))
			break;
	if (!t) {
		t = calloc(1, sizeof(*t));
		if (t && !(t->tenant = strdup(tenant))) {
			free(t);
			t = NULL;
		}
		if (!t)
			goto out; /* out of memory: keep the smaller, safe budget */
		t->next = r->sizes;
		r->sizes = t;
	}
	t->users = users;
	budget = identity_budget(r, tenant);
	for (struct rate_limiter *l = r->list; l; l = l->next) {
		if (l->cls != RATE_GRAPH_IDENTITY || strcmp(l->tenant, tenant))
			continue;
		pthread_mutex_lock(&l->mu);
		l->capacity = budget;
		pthread_mutex_unlock(&l->mu);
	}
out:
	pthread_mutex_unlock(&r->mu);
}

static struct rate_limiter *limiter_new(struct rate_registry *r, const char *tenant,
					enum rate_class cls, const char *scope)
{
	const struct rate_spec *s = &r->cfg.spec[cls];
	struct rate_limiter *l = calloc(1, sizeof(*l));

	if (!l)
		return NULL;
	l->tenant = strdup(tenant);
	l->scope = strdup(scope);
	l->cls = cls;
	l->kind = s->kind;
	l->capacity = cls == RATE_GRAPH_IDENTITY ? identity_budget(r, tenant) : s->capacity;
	if (l->kind == RATE_WINDOW) {
		l->window_ms = s->window_ms + (r->cfg.margin_ms > 0 ? r->cfg.margin_ms : 0);
		l->slot_ms = s->window_ms / 100 > 0 ? s->window_ms / 100 : 1;
		/* Distinct slots alive at once: the window's, plus the partial ones at each end. */
		l->ring_cap = (size_t)(l->window_ms / l->slot_ms) + 3;
		l->ring = calloc(l->ring_cap, sizeof(*l->ring));
	} else if (l->kind == RATE_BUCKET) {
		double slack = r->cfg.bucket_slack;

		if (slack < 0 || slack >= 1)
			slack = 0;
		l->tokens = s->capacity;
		l->refill_per_ms = s->refill_per_s * (1 - slack) / 1000.0;
		l->last_ms = rate_now_ms();
	}
	if (!l->tenant || !l->scope || (l->kind == RATE_WINDOW && !l->ring)) {
		free(l->ring);
		free(l->tenant);
		free(l->scope);
		free(l);
		return NULL;
	}
	pthread_mutex_init(&l->mu, NULL);
	return l;
}

struct rate_limiter *rate_get(struct rate_registry *r, const char *tenant, enum rate_class cls,
			      const char *scope)
{
	struct rate_limiter *l;

	if (!tenant)
		tenant = "";
	if (!scope)
		scope = "";
	if (cls <= RATE_AUTO || cls >= RATE_NCLASSES)
		cls = RATE_DEFAULT;
	pthread_mutex_lock(&r->mu);
	for (l = r->list; l; l = l->next)
		if (l->cls == cls && !strcmp(l->tenant, tenant) && !strcmp(l->scope, scope))
			goto out;
	l = limiter_new(r, tenant, cls, scope);
	if (l) {
		l->next = r->list;
		r->list = l;
	}
out:
	pthread_mutex_unlock(&r->mu);
	return l;
}

/* ---- the arithmetic --------------------------------------------------------------------- */

/* When the slot at ring position i has wholly left the window. */
static int64_t slot_expiry(const struct rate_limiter *l, size_t i)
{
	return (l->ring[i].idx + 1) * l->slot_ms + l->window_ms;
}

static long window_take(struct rate_limiter *l, double cost, int64_t now)
{
	int64_t idx = now / l->slot_ms;
	double freed = 0;

	while (l->count && slot_expiry(l, l->head) <= now) {
		l->in_window -= l->ring[l->head].cost;
		l->head = (l->head + 1) % l->ring_cap;
		l->count--;
	}
	if (!l->count || l->in_window < 1e-9)
		l->in_window = 0; /* no drift from repeated float subtraction */
	if (cost > l->capacity)
		cost = l->capacity;
	if (l->in_window + cost <= l->capacity + 1e-9) {
		size_t tail = (l->head + l->count + l->ring_cap - 1) % l->ring_cap;

		/* A clock reading older than the tail's (another thread's) joins the tail:
		 * later expiry, never earlier. */
		if (l->count && (l->ring[tail].idx >= idx || l->count == l->ring_cap)) {
			l->ring[tail].cost += cost;
		} else {
			/* The ring holds every live slot: ring_cap covers the window, so a free
			 * entry always exists here (the oldest expired above). */
			tail = (l->head + l->count) % l->ring_cap;
			l->ring[tail] = (struct slot){idx, cost};
			l->count++;
		}
		l->in_window += cost;
		return 0;
	}
	/* Wait until enough of the oldest slots have left. */
	for (size_t n = 0; n < l->count; n++) {
		size_t i = (l->head + n) % l->ring_cap;

		freed += l->ring[i].cost;
		if (l->in_window - freed + cost <= l->capacity + 1e-9) {
			long w = (long)(slot_expiry(l, i) - now);

			return w > 0 ? w : 1;
		}
	}
	return l->window_ms; /* unreachable: emptying the window always fits a capped cost */
}

static long bucket_take(struct rate_limiter *l, double cost, int64_t now)
{
	if (now > l->last_ms) {
		l->tokens += (double)(now - l->last_ms) * l->refill_per_ms;
		if (l->tokens > l->capacity)
			l->tokens = l->capacity;
		l->last_ms = now;
	}
	if (cost > l->capacity)
		cost = l->capacity;
	if (l->tokens + 1e-9 >= cost) {
		l->tokens -= cost;
		return 0;
	}
	long w = (long)((cost - l->tokens) / l->refill_per_ms) + 1;
	return w > 0 ? w : 1;
}

long rate_take(struct rate_limiter *l, double cost, int64_t now_ms)
{
	long w = 0;

	if (!l)
		return 0;
	if (cost <= 0)
		cost = 1;
	pthread_mutex_lock(&l->mu);
	if (now_ms < l->hold_until)
		w = (long)(l->hold_until - now_ms);
	else if (l->kind == RATE_WINDOW)
		w = window_take(l, cost, now_ms);
	else if (l->kind == RATE_BUCKET)
		w = bucket_take(l, cost, now_ms);
	if (w)
		l->ctr.waits++;
	else
		l->ctr.granted++;
	pthread_mutex_unlock(&l->mu);
	return w;
}

void rate_hold(struct rate_limiter *l, int64_t until_ms)
{
	if (!l)
		return;
	pthread_mutex_lock(&l->mu);
	if (until_ms > l->hold_until)
		l->hold_until = until_ms;
	l->ctr.holds++;
	pthread_mutex_unlock(&l->mu);
}

void rate_counters_get(struct rate_limiter *l, struct rate_counters *out)
{
	memset(out, 0, sizeof(*out));
	if (!l)
		return;
	pthread_mutex_lock(&l->mu);
	*out = l->ctr;
	pthread_mutex_unlock(&l->mu);
}

/* ---- classification --------------------------------------------------------------------- */

/* The path of a URL, without scheme, host and query: "/v1.0/users". */
static const char *url_path(const char *url, size_t *len)
{
	const char *p = strstr(url, "://");

	p = p ? p + 3 : url;
	if (p != url || *p != '/')
		p += strcspn(p, "/?#");
	*len = strcspn(p, "?#");
	return p;
}

static int has_segment(const char *path, size_t len, const char *seg)
{
	size_t n = strlen(seg);

	for (size_t i = 0; i + n <= len; i++) {
		if ((i == 0 || path[i - 1] == '/') && !strncasecmp(path + i, seg, n) &&
		    (i + n == len || path[i + n] == '/'))
			return 1;
	}
	return 0;
}

static int starts_with_seg(const char *path, size_t len, const char *seg)
{
	size_t n = strlen(seg);

	return len >= n && !strncasecmp(path, seg, n) && (len == n || path[n] == '/');
}

enum rate_class rate_classify(const char *method, const char *url, char *scope, size_t scope_len)
{
	size_t len;
	const char *path;

	if (scope && scope_len)
		scope[0] = '\0';
	if (!url)
		return RATE_DEFAULT;
	path = url_path(url, &len);
	if (starts_with_seg(path, len, "/v1.0") || starts_with_seg(path, len, "/beta")) {
		if (has_segment(path, len, "identityProtection") ||
		    has_segment(path, len, "conditionalAccess") ||
		    has_segment(path, len, "namedLocations") ||
		    has_segment(path, len, "riskyUsers") ||
		    has_segment(path, len, "riskDetections"))
			return RATE_GRAPH_CA_IP;
		if (has_segment(path, len, "auditLogs") || has_segment(path, len, "reports"))
			return RATE_GRAPH_AUDIT;
		return RATE_GRAPH_IDENTITY;
	}
	if (starts_with_seg(path, len, "/subscriptions") ||
	    starts_with_seg(path, len, "/providers") || starts_with_seg(path, len, "/tenants")) {
		if (starts_with_seg(path, len, "/subscriptions") && scope && scope_len) {
			const char *id = path + strlen("/subscriptions/");
			size_t n = len > strlen("/subscriptions/") ? strcspn(id, "/?#") : 0;

			if (n >= scope_len)
				n = scope_len - 1;
			memcpy(scope, id, n);
			scope[n] = '\0';
		}
		if (!method || !strcasecmp(method, "GET") || !strcasecmp(method, "HEAD"))
			return RATE_ARM_READ;
		return RATE_ARM_WRITE;
	}
	return RATE_DEFAULT;
}

/* Does the query carry parameter `name` (case-insensitive, with or without '$')? */
static int has_param(const char *url, const char *name)
{
	const char *q = strchr(url, '?');
	size_t n = strlen(name);

	while (q) {
		q++;
		if (*q == '$')
			q++;
		if (!strncasecmp(q, name, n) && q[n] == '=')
			return 1;
		q = strchr(q, '&');
	}
	return 0;
}

double rate_cost(enum rate_class cls, const char *url)
{
	size_t len;
	const char *path;
	double cost = 1;

	if (cls != RATE_GRAPH_IDENTITY || !url)
		return 1;
	path = url_path(url, &len);
	/* The last segment names what is listed. */
	const char *last = path + len;
	while (last > path && last[-1] != '/')
		last--;
	size_t llen = (size_t)(path + len - last);

	if (llen == strlen("transitiveMembers") && !strncasecmp(last, "transitiveMembers", llen))
		cost = 5;
	else if (llen == strlen("members") && !strncasecmp(last, "members", llen) &&
		 has_segment(path, len, "groups"))
		cost = 3;
	else if (has_segment(path, len, "users") || has_segment(path, len, "applications"))
		cost = 2;
	if (has_param(url, "select"))
		cost -= 1;
	if (has_param(url, "expand"))
		cost += 1;
	return cost < 1 ? 1 : cost;
}

const char *rate_class_name(enum rate_class cls)
{
	switch (cls) {
	case RATE_AUTO:
		return "auto";
	case RATE_DEFAULT:
		return "default";
	case RATE_GRAPH_IDENTITY:
		return "graph-identity";
	case RATE_GRAPH_CA_IP:
		return "graph-ca-ip";
	case RATE_GRAPH_AUDIT:
		return "graph-audit";
	case RATE_ARM_READ:
		return "arm-read";
	case RATE_ARM_WRITE:
		return "arm-write";
	case RATE_NCLASSES:
		break;
	}
	return "unknown";
}
