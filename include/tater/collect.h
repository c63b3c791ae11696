/* collect.h - collectors: turn API pages into rows of the store.
 *
 * A collection runs on a worker thread (or the CLI's main thread) with its own store
 * connection and HTTP client.  Pages are staged in a temporary table as they arrive, so
 * nothing is held in memory whole and the network never holds the store's write lock; the
 * snapshot is swapped in, and the controls evaluated, in one short transaction at the end.
 * A killed process leaves the previous scan whole. */
#ifndef TATER_COLLECT_H
#define TATER_COLLECT_H

#include <stdatomic.h>
#include <stdint.h>

#include "tater/err.h"

struct store;
struct vault;
struct tenant;
struct http_client;
struct rate_registry;
struct endpoints;
struct catalog;

struct collect_progress {
	/* done/total sources, and a phase such as "graph.users 12000". May be NULL. */
	void (*fn)(void *ctx, int64_t done, int64_t total, const char *phase);
	void *ctx;
};

struct scan_opts {
	const atomic_int *cancel;       /* set by another thread to stop; may be NULL */
	struct collect_progress progress;
	struct rate_registry *rates;    /* shared pacing across clients; NULL: the client's own */
	const char *ca_file;            /* TLS roots; NULL: the system's */
	const struct catalog *catalog;  /* controls to evaluate; NULL: load the default catalog */
	int no_eval;                    /* collect only (benchmarks) */
	int no_pacing;                  /* do not pace by the published limits (a simulator or
					 * proxy without them); also the tenant setting
					 * "net.pacing" = "off" */
};

struct scan_summary {
	int64_t scan_id;
	char status[16];        /* complete, partial, error, canceled */
	int sources_ok, sources_denied, sources_failed;
	int64_t objects;
	int pass, fail, unknown, accepted;
	double score;           /* 0-100, severity-weighted; -1 when nothing was scored */
	long long elapsed_ms;
	unsigned long requests, throttled, retries;
	char detail[512];       /* the first problem, for a person */
};

/* The endpoints of a tenant: its cloud preset, or its custom base URL. */
int collect_tenant_endpoints(const struct tenant *t, struct endpoints *ep, struct tater_err *err);

/* Scan one Microsoft 365 tenant: collect every identity source, then evaluate the controls.
 * v unlocks the tenant's secret.  Returns 0 when the scan completed (some sources may be
 * denied: their controls are then unknown), or a negative code when it could not run at all
 * (bad credentials, no network); the scan row records the outcome either way. */
int scan_m365(struct store *s, struct vault *v, const struct tenant *t, const struct scan_opts *o,
	      struct scan_summary *sum, struct tater_err *err);

/* Sign in and read /organization: the Settings "Test" button and `tater tenant test`.
 * On success org_name gets the organisation's display name (sanitise before drawing). */
int collect_tenant_test(struct vault *v, const struct tenant *t, const char *ca_file,
			char *org_name, size_t org_len, struct tater_err *err);

#endif
