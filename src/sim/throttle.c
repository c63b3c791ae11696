/* throttle.c - Microsoft's published limits, as the real services answer them.
 *
 * Every class is a token bucket (capacity C, refilled at C per window), which is
 * how "N requests per window" behaves for a client that paces itself and how ARM
 * documents its own limit.  Keys follow the published scopes:
 *   Conditional Access + Identity Protection  per tenant (all apps together)
 *   audit logs + reports                      per app per tenant
 *   identity and access cost budget           per app per tenant, size by tenant users
 *   ARM reads                                 per subscription (per tenant for /subscriptions) */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

struct bucket {
	char *key;
	double tokens, t;
	unsigned long throttled;
	struct bucket *next;
};

#define NBUCKETS 256

struct sim_throttle {
	pthread_mutex_t lock;
	struct bucket *b[NBUCKETS];
};

struct sim_throttle *sim_throttle_new(void)
{
	struct sim_throttle *t = calloc(1, sizeof(*t));

	if (!t)
		abort();
	pthread_mutex_init(&t->lock, NULL);
	return t;
}

void sim_throttle_free(struct sim_throttle *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < NBUCKETS; i++) {
		for (struct bucket *b = t->b[i], *next; b; b = next) {
			next = b->next;
			free(b->key);
			free(b);
		}
	}
	pthread_mutex_destroy(&t->lock);
	free(t);
}

static struct bucket *get_bucket(struct sim_throttle *t, const char *key, double cap)
{
	uint64_t h = sim_hash_str(key) % NBUCKETS;
	struct bucket *b;

	for (b = t->b[h]; b; b = b->next)
		if (strcmp(b->key, key) == 0)
			return b;
	b = calloc(1, sizeof(*b));
	if (!b)
		abort();
	b->key = sim_xstrdup(key);
	b->tokens = cap;
	b->t = sim_mono();
	b->next = t->b[h];
	t->b[h] = b;
	return b;
}

static long identity_budget(struct sim *s)
{
	if (s->cfg.users < 50)
		return s->cfg.identity_small;
	if (s->cfg.users <= 500)
		return s->cfg.identity_medium;
	return s->cfg.identity_large;
}

int sim_throttle_check(struct sim *s, struct sim_req *rq, struct sim_resp *rs)
{
	const struct sim_route *r = rq->route;
	char key[256];
	double cap, rate, cost = 1, wait = 0;
	struct bucket *b;
	int ok, omit_ra = 0;
	unsigned long nthrottled = 0;

	switch (r->tclass) {
	case SIM_T_CA_IP:
		snprintf(key, sizeof(key), "ca|%s", rq->tok.tenant);
		cap = s->cfg.ca_rps < 1 ? 1 : s->cfg.ca_rps;
		rate = s->cfg.ca_rps;
		break;
	case SIM_T_REPORTS:
		snprintf(key, sizeof(key), "reports|%s|%s", rq->tok.tenant, rq->tok.appid);
		cap = (double)s->cfg.reports_count;
		rate = cap / s->cfg.reports_window;
		break;
	case SIM_T_IDENTITY:
		snprintf(key, sizeof(key), "identity|%s|%s", rq->tok.tenant, rq->tok.appid);
		cap = (double)identity_budget(s);
		rate = cap / s->cfg.identity_window;
		cost = r->cost > 0 ? r->cost : 1;
		if (sim_req_query(rq, "$select"))
			cost -= 1;
		if (sim_req_query(rq, "$expand"))
			cost += 1;
		if (cost < 1)
			cost = 1;
		break;
	case SIM_T_ARM_READ:
		if (rq->nparams > 0 && strncmp(rq->path, "/subscriptions/", 15) == 0)
			snprintf(key, sizeof(key), "arm|%s", rq->params[0]);
		else
			snprintf(key, sizeof(key), "arm-tenant|%s", rq->tok.tenant);
		cap = (double)s->cfg.arm_reads;
		rate = s->cfg.arm_refill;
		break;
	default:
		return 0;
	}

	pthread_mutex_lock(&s->throttle->lock);
	b = get_bucket(s->throttle, key, cap);
	{
		double now = sim_mono();

		b->tokens += (now - b->t) * rate;
		if (b->tokens > cap)
			b->tokens = cap;
		b->t = now;
	}
	ok = b->tokens >= cost;
	if (ok) {
		b->tokens -= cost;
	} else {
		wait = (cost - b->tokens) / rate;
		nthrottled = ++b->throttled;
	}
	if (r->tclass == SIM_T_ARM_READ)
		sim_resp_header(rs, "x-ms-ratelimit-remaining-subscription-reads", "%ld",
				(long)floor(b->tokens));
	pthread_mutex_unlock(&s->throttle->lock);
	if (ok)
		return 0;

	if (r->tclass == SIM_T_ARM_READ) {
		long secs = (long)ceil(wait);

		sim_arm_error(
		    rs, 429, "SubscriptionRequestsThrottled",
		    "Number of 'read' requests for subscription '%s' actor '%s' exceeded. "
		    "Please try again after '%ld' seconds after additional tokens are "
		    "available. Refer to https://aka.ms/arm-throttling for additional "
		    "information.",
		    rq->nparams > 0 ? rq->params[0] : rq->tok.tenant, rq->tok.appid,
		    secs < 1 ? 1 : secs);
		sim_resp_header(rs, "Retry-After", "%ld", secs < 1 ? 1 : secs);
		return -1;
	}
	sim_graph_error(rs, 429, "TooManyRequests",
			"Too many requests for this tenant and resource. Please try again later.");
	/* The Conditional Access / Identity Protection class is documented to answer 429
	 * without Retry-After at times: every second throttled answer there has none. */
	if (r->tclass == SIM_T_CA_IP && nthrottled % 2 == 0)
		omit_ra = 1;
	if (!omit_ra) {
		long secs = (long)ceil(wait);

		sim_resp_header(rs, "Retry-After", "%ld", secs < 1 ? 1 : secs);
	}
	return -1;
}
