/* scan.c - one tenant scan: collect, swap the snapshot in, evaluate, record. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <sqlite3.h>

#include "collect_internal.h"
#include "tater/activity.h"
#include "tater/auth.h"
#include "tater/catalog.h"
#include "tater/collect.h"
#include "tater/endpoints.h"
#include "tater/eval.h"
#include "tater/http.h"
#include "tater/itdr.h"
#include "tater/ratelimit.h"
#include "tater/store.h"
#include "tater/tenants.h"
#include "tater/vault.h"

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static long previous_users(struct store *s, const char *scope)
{
	sqlite3_stmt *st;
	long n = 0;

	if (sqlite3_prepare_v2(store_db(s),
			       "SELECT count(*) FROM objects WHERE scope = ? AND source = 'graph.users'",
			       -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(st, 1, scope, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = (long)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static void finish(struct store *s, const struct tenant *t, struct scan_summary *sum,
		   const char *status, const char *detail)
{
	char target[200];

	snprintf(sum->status, sizeof(sum->status), "%s", status);
	if (detail && detail != sum->detail)
		snprintf(sum->detail, sizeof(sum->detail), "%s", detail);
	store_scan_finish(s, sum->scan_id, status, sum->detail[0] ? sum->detail : NULL, NULL);
	snprintf(target, sizeof(target), "tenant %s", t->name);
	activity_append(s, "scan", target, status, sum->detail[0] ? sum->detail : NULL, NULL);
}

/* ITDR: a scan also ingests risk detections and sign-ins into alerts (src/itdr), on the same
 * client and credential, after the snapshot is in.  Its outcome is its own scan row (kind
 * "alerts") and activity entry: a failed ingest never fails the scan.  The tenant setting
 * "itdr.ingest" = "off" skips it. */
static void scan_itdr(struct store *s, struct http_client *hc, struct auth_entra *auth,
		      const struct endpoints *ep, const struct tenant *t, const struct scan_opts *o)
{
	struct itdr_ingest_opts io = {.cancel = o->cancel, .progress = o->progress};
	struct itdr_ingest_summary isum;
	struct tater_err ierr = {0};

	if (!tenant_setting_on(s, t->id, "itdr.ingest"))
		return;
	if (o->progress.fn)
		o->progress.fn(o->progress.ctx, 0, 0, "ingesting ITDR alerts");
	itdr_ingest_with(s, hc, auth_entra_source(auth, ENDPOINTS_GRAPH), ep, t, &io, &isum, &ierr);
}

int scan_m365(struct store *s, struct vault *v, const struct tenant *t, const struct scan_opts *o,
	      struct scan_summary *sum, struct tater_err *err)
{
	struct m365_collection *coll = NULL;
	struct catalog *own_cat = NULL;
	const struct catalog *cat = o ? o->catalog : NULL;
	struct auth_entra *auth = NULL;
	struct http_client *hc = NULL;
	struct http_stats hs;
	struct endpoints ep;
	struct scan_opts oo = {0};
	char scope[32];
	long long t0 = now_ms();
	int ret;

	memset(sum, 0, sizeof(*sum));
	sum->score = -1;
	tenant_scope(t->id, scope, sizeof(scope));
	if (o)
		oo = *o;
	if (!tenant_setting_on(s, t->id, "net.pacing"))
		oo.no_pacing = 1;
	o = &oo;
	if ((ret = collect_tenant_endpoints(t, &ep, err)) < 0 ||
	    (ret = collect_tenant_auth(v, t, &ep, &auth, err)) < 0 ||
	    (ret = collect_client(o, &hc, err)) < 0)
		goto out;
	/* The identity budget depends on the tenant's size: the last snapshot tells it. */
	rate_set_tenant_users(http_client_rates(hc), t->tenant_id, previous_users(s, scope));
	/* Load the controls first: a broken user control is reported before any network. */
	if (!cat && !(o && o->no_eval)) {
		if ((ret = catalog_open(&own_cat, NULL, err)) < 0)
			goto out;
		cat = own_cat;
	}
	if ((ret = store_scan_start(s, scope, "m365", &sum->scan_id, err)) < 0)
		goto out;

	ret = m365_collect(s, hc, auth, &ep, t, o, &coll, err);
	if (ret < 0) {
		finish(s, t, sum, ret == TATER_ECANCELED ? "canceled" : "error", err->msg);
		goto out;
	}
	if ((ret = store_begin(s, err)) < 0)
		goto fail_txn;
	if ((ret = m365_swap_in(coll, scope, sum->scan_id, sum, err)) < 0) {
		store_rollback(s);
		goto fail_txn;
	}
	if (cat) {
		struct eval_opts eo = {.stale_days = t->stale_days, .cancel = o ? o->cancel : NULL};
		struct eval_summary es = {0};

		if (o && o->progress.fn)
			o->progress.fn(o->progress.ctx, 0, 0, "evaluating controls");
		if ((ret = eval_scope(s, cat, scope, sum->scan_id, &eo, &es, err)) < 0) {
			store_rollback(s);
			goto fail_txn;
		}
	}
	if ((ret = store_commit(s, err)) < 0)
		goto fail_txn;
	if (cat) {
		struct eval_score sc;

		if (eval_score(s, scope, sum->scan_id, &sc, NULL) == 0) {
			sum->pass = sc.pass;
			sum->fail = sc.fail;
			sum->unknown = sc.unknown;
			sum->accepted = sc.accepted;
			sum->score = sc.score;
		}
	}
	finish(s, t, sum, sum->sources_failed ? "partial" : "complete", NULL);
	scan_itdr(s, hc, auth, &ep, t, o);
	goto out;
fail_txn:
	finish(s, t, sum, "error", err->msg);
out:
	if (hc) {
		http_stats_get(hc, &hs);
		sum->requests = hs.requests;
		sum->throttled = hs.throttled;
		sum->retries = hs.retries;
	}
	sum->elapsed_ms = now_ms() - t0;
	m365_collection_free(coll);
	catalog_free(own_cat);
	http_client_free(hc);
	auth_entra_free(auth);
	return ret;
}

int collect_tenant_test(struct vault *v, const struct tenant *t, const char *ca_file,
			char *org_name, size_t org_len, struct tater_err *err)
{
	struct scan_opts o = {.ca_file = ca_file};
	struct http_request req = {0};
	struct auth_entra *auth = NULL;
	struct http_client *hc = NULL;
	struct endpoints ep;
	json_t *doc = NULL;
	char *url = NULL;
	int ret;

	org_name[0] = '\0';
	if ((ret = collect_tenant_endpoints(t, &ep, err)) < 0 ||
	    (ret = collect_tenant_auth(v, t, &ep, &auth, err)) < 0 ||
	    (ret = collect_client(&o, &hc, err)) < 0)
		goto out;
	url = endpoints_url(&ep, ENDPOINTS_GRAPH, "/v1.0/organization?$select=id,displayName");
	if (!url) {
		ret = tater_errf(err, TATER_ENOMEM, "out of memory");
		goto out;
	}
	req.url = url;
	req.auth = auth_entra_source(auth, ENDPOINTS_GRAPH);
	req.tenant = t->tenant_id;
	if ((ret = http_request_json(hc, &req, &doc, err)) < 0)
		goto out;
	snprintf(org_name, org_len, "%s",
		 json_string_value(json_object_get(json_array_get(json_object_get(doc, "value"), 0),
						   "displayName"))
			 ?: "(no name)");
out:
	json_decref(doc);
	free(url);
	http_client_free(hc);
	auth_entra_free(auth);
	return ret;
}
