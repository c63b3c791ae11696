/* ratelimit.h - pacing requests under a cloud's published limits.
 *
 * Microsoft publishes per-tenant limits by resource class (Graph identity-and-access resources a
 * cost budget per 10 s, Conditional Access and Identity Protection 1 request/s, audit logs and
 * reports 5 per 10 s, ARM a token bucket per subscription).  One limiter per (tenant, class,
 * scope) keeps a scan under them, so a 429 is the exception rather than the way to find the limit.
 *
 * A registry owns the limiters and is thread-safe: share one registry between every client that
 * talks to the same tenants, so two worker threads scanning one tenant share its budget.
 * The limiter never sleeps: rate_take() answers how long to wait, and the caller (http.c's
 * transfer loop) keeps other classes moving meanwhile. */
#ifndef TATER_RATELIMIT_H
#define TATER_RATELIMIT_H

#include <stddef.h>
#include <stdint.h>

#include "tater/err.h"

enum rate_class {
	RATE_AUTO = 0,	     /* in a request: classify by method and URL (rate_classify) */
	RATE_DEFAULT,	     /* anything else: unpaced unless configured */
	RATE_GRAPH_IDENTITY, /* users, groups, applications, policies, domains: cost budget */
	RATE_GRAPH_CA_IP,    /* conditionalAccess, namedLocations, riskyUsers, riskDetections */
	RATE_GRAPH_AUDIT,    /* auditLogs and reports */
	RATE_ARM_READ,	     /* ARM GET, per subscription */
	RATE_ARM_WRITE,	     /* ARM PUT/PATCH/POST/DELETE, per subscription */
	RATE_NCLASSES,
};

enum rate_kind {
	RATE_NONE = 0, /* no pacing */
	RATE_WINDOW,   /* at most `capacity` cost units in any window of `window_ms` */
	RATE_BUCKET,   /* token bucket: `capacity` tokens, refilled at `refill_per_s` */
};

struct rate_spec {
	enum rate_kind kind;
	double capacity;
	long window_ms;
	double refill_per_s;
};

struct rate_config {
	struct rate_spec spec[RATE_NCLASSES]; /* indexed by class; [RATE_AUTO] unused */
	/* Graph identity budget per window by tenant size: < small_users, up to large_users, above.
	 * The budget used is spec[RATE_GRAPH_IDENTITY].capacity until rate_set_tenant_users(). */
	double identity_budget[3];
	long small_users, large_users;
	/* Clock skew and network jitter: windows are this much longer than published, buckets
	 * refill this fraction slower (0.05 = 5 %). */
	long margin_ms;
	double bucket_slack;
};

/* The published numbers: identity 3,500 per 10 s (5,000 / 8,000 by size), CA+IP 1 per s,
 * audit 5 per 10 s, ARM reads 250 refilled at 25/s, ARM writes 200 at 10/s, default unpaced. */
void rate_config_defaults(struct rate_config *cfg);

struct rate_registry;
struct rate_limiter;

int rate_registry_new(const struct rate_config *cfg, struct rate_registry **out,
		      struct tater_err *err);
void rate_registry_free(struct rate_registry *r);

/* The identity budget depends on the tenant's user count; unknown tenants get the smallest. */
void rate_set_tenant_users(struct rate_registry *r, const char *tenant, long users);

/* The limiter for (tenant, class, scope), created on first use and owned by the registry.
 * scope narrows a class, e.g. an ARM subscription id; NULL or "" for tenant-wide classes.
 * NULL only when out of memory. */
struct rate_limiter *rate_get(struct rate_registry *r, const char *tenant, enum rate_class cls,
			      const char *scope);

/* Try to take `cost` units at now_ms (a monotonic clock, see rate_now_ms).  Returns 0 when
 * granted, else how many ms to wait before asking again.  A cost above the whole budget is
 * granted when the window is empty, so nothing waits forever. */
long rate_take(struct rate_limiter *l, double cost, int64_t now_ms);

/* The service answered 429 (Retry-After or not): hold every request of this limiter until
 * until_ms, so the other requests of the class do not bounce too. */
void rate_hold(struct rate_limiter *l, int64_t until_ms);

/* What rate_take granted so far and how often it said wait (bench and tests read these). */
struct rate_counters {
	unsigned long granted;
	unsigned long waits;
	unsigned long holds;
};
void rate_counters_get(struct rate_limiter *l, struct rate_counters *out);

/* The class of a request by its path: /v1.0 and /beta paths are Graph (identityProtection,
 * conditionalAccess and namedLocations are CA+IP; auditLogs and reports are audit; the rest
 * identity), /subscriptions, /providers and /tenants are ARM (GET read, else write), others
 * default.  *scope gets the ARM subscription id (or "") in scope[scope_len]. */
enum rate_class rate_classify(const char *method, const char *url, char *scope, size_t scope_len);

/* Graph identity cost of one request: users and applications 2, groups/{id}/members 3,
 * transitiveMembers 5, others 1; $select -1, $expand +1; never below 1.  Other classes: 1. */
double rate_cost(enum rate_class cls, const char *url);

const char *rate_class_name(enum rate_class cls);

/* CLOCK_MONOTONIC in milliseconds. */
int64_t rate_now_ms(void);

#endif
