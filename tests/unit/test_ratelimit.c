/* test_ratelimit.c - the limiter arithmetic: never over budget in any window, waits that are
 * just long enough, holds after a 429, classes and costs by URL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "tater/ratelimit.h"

static struct rate_registry *registry(long margin_ms, double slack)
{
	struct rate_config cfg;
	struct rate_registry *r;
	struct tater_err err = {0};

	rate_config_defaults(&cfg);
	cfg.margin_ms = margin_ms;
	cfg.bucket_slack = slack;
	assert_int_equal(rate_registry_new(&cfg, &r, &err), 0);
	return r;
}

/* Offer a request every millisecond for `span` ms and check that no window of `window` ms
 * ever holds more than `budget` granted cost; return how many were granted. */
static long drive(struct rate_limiter *l, int64_t t0, long span, long window, double budget,
		  double cost)
{
	static int64_t at[100000];
	long n = 0;

	for (int64_t t = t0; t < t0 + span; t++) {
		if (rate_take(l, cost, t) == 0) {
			assert_true(n < (long)(sizeof(at) / sizeof(at[0])));
			at[n++] = t;
			/* Cost granted within (t - window, t]. */
			double sum = 0;
			for (long i = n - 1; i >= 0 && at[i] > t - window; i--)
				sum += cost;
			assert_true(sum <= budget + 1e-9);
		}
	}
	return n;
}

static void test_window_never_over_budget(void **state)
{
	struct rate_registry *r = registry(0, 0);
	struct rate_limiter *l = rate_get(r, "t1", RATE_GRAPH_AUDIT, NULL);
	int64_t t0 = 1000000;
	long n;

	/* 5 per 10 s for a minute: 30 at most, and not much fewer (one slot of slack). */
	n = drive(l, t0, 60000, 10000, 5, 1);
	assert_true(n <= 30);
	assert_true(n >= 25);
	rate_registry_free(r);
}

static void test_window_wait_is_until_room(void **state)
{
	struct rate_registry *r = registry(0, 0);
	struct rate_limiter *l = rate_get(r, "t1", RATE_GRAPH_CA_IP, NULL);
	int64_t t0 = 5000000;
	long w;

	assert_int_equal(rate_take(l, 1, t0), 0);
	w = rate_take(l, 1, t0 + 1);
	/* 1 per second: the next one waits until the first has left the window, and no more
	 * than one slot (10 ms) longer. */
	assert_true(w >= 999);
	assert_true(w <= 1000 + 10);
	assert_true(rate_take(l, 1, t0 + 1 + w - 11) > 0);
	assert_int_equal(rate_take(l, 1, t0 + 1 + w), 0);
	rate_registry_free(r);
}

static void test_window_margin_widens(void **state)
{
	struct rate_registry *r = registry(200, 0);
	struct rate_limiter *l = rate_get(r, "t1", RATE_GRAPH_CA_IP, NULL);

	assert_int_equal(rate_take(l, 1, 100000), 0);
	assert_true(rate_take(l, 1, 100001) >= 1199);
	rate_registry_free(r);
}

static void test_identity_budget_by_tenant_size(void **state)
{
	struct rate_registry *r = registry(0, 0);
	struct rate_limiter *small = rate_get(r, "small", RATE_GRAPH_IDENTITY, NULL);
	struct rate_limiter *big;
	int64_t t = 100000;
	long n = 0;

	rate_set_tenant_users(r, "big", 100000);
	big = rate_get(r, "big", RATE_GRAPH_IDENTITY, NULL);
	while (rate_take(small, 2, t) == 0)
		n++;
	assert_int_equal(n, 3500 / 2);
	n = 0;
	while (rate_take(big, 2, t) == 0)
		n++;
	assert_int_equal(n, 8000 / 2);
	/* Learning the size later raises an existing limiter's budget too. */
	rate_set_tenant_users(r, "small", 100);
	n = 0;
	while (rate_take(small, 2, t) == 0)
		n++;
	assert_int_equal(n, (5000 - 3500) / 2);
	rate_registry_free(r);
}

static void test_bucket(void **state)
{
	struct rate_registry *r = registry(0, 0);
	struct rate_limiter *l = rate_get(r, "t1", RATE_ARM_READ, "sub-1");
	struct rate_limiter *other = rate_get(r, "t1", RATE_ARM_READ, "sub-2");
	int64_t t0 = rate_now_ms();
	long n = 0, w;

	/* A full bucket of 250, then 25/s. */
	while (rate_take(l, 1, t0) == 0)
		n++;
	assert_int_equal(n, 250);
	w = rate_take(l, 1, t0);
	assert_true(w >= 39 && w <= 41);
	assert_int_equal(rate_take(l, 1, t0 + w), 0);
	/* Another subscription has its own bucket. */
	assert_int_equal(rate_take(other, 1, t0), 0);
	/* Over ten seconds: about 250 more, never more. */
	n = drive(l, t0 + w + 1, 10000, 1000000, 1e9, 1);
	assert_true(n <= 251);
	assert_true(n >= 245);
	rate_registry_free(r);
}

static void test_hold_after_429(void **state)
{
	struct rate_registry *r = registry(0, 0);
	struct rate_limiter *l = rate_get(r, "t1", RATE_ARM_READ, "s");
	struct rate_limiter *d = rate_get(r, "t1", RATE_DEFAULT, NULL);
	int64_t t = rate_now_ms();
	struct rate_counters ctr;

	assert_int_equal(rate_take(d, 1, t), 0); /* unpaced */
	rate_hold(l, t + 2500);
	assert_int_equal(rate_take(l, 1, t), 2500);
	assert_int_equal(rate_take(l, 1, t + 2499), 1);
	assert_int_equal(rate_take(l, 1, t + 2500), 0);
	rate_counters_get(l, &ctr);
	assert_int_equal(ctr.holds, 1);
	assert_int_equal(ctr.granted, 1);
	assert_int_equal(ctr.waits, 2);
	rate_registry_free(r);
}

static void test_same_key_same_limiter(void **state)
{
	struct rate_registry *r = registry(0, 0);

	assert_ptr_equal(rate_get(r, "t", RATE_GRAPH_AUDIT, NULL),
			 rate_get(r, "t", RATE_GRAPH_AUDIT, ""));
	assert_ptr_not_equal(rate_get(r, "t", RATE_GRAPH_AUDIT, NULL),
			     rate_get(r, "u", RATE_GRAPH_AUDIT, NULL));
	assert_ptr_not_equal(rate_get(r, "t", RATE_GRAPH_AUDIT, NULL),
			     rate_get(r, "t", RATE_GRAPH_CA_IP, NULL));
	rate_registry_free(r);
}

static void test_classify(void **state)
{
	char scope[64];

	assert_int_equal(rate_classify("GET", "https://graph.microsoft.com/v1.0/users?$top=999",
				       scope, sizeof(scope)),
			 RATE_GRAPH_IDENTITY);
	assert_int_equal(rate_classify("GET",
				       "http://127.0.0.1:4000/v1.0/identity/conditionalAccess/"
				       "policies",
				       NULL, 0),
			 RATE_GRAPH_CA_IP);
	assert_int_equal(rate_classify("GET",
				       "https://graph.microsoft.com/beta/identityProtection/"
				       "riskDetections?$top=500",
				       NULL, 0),
			 RATE_GRAPH_CA_IP);
	assert_int_equal(
	    rate_classify("GET", "https://graph.microsoft.com/v1.0/auditLogs/signIns", NULL, 0),
	    RATE_GRAPH_AUDIT);
	assert_int_equal(rate_classify("GET",
				       "https://graph.microsoft.com/v1.0/reports/"
				       "authenticationMethods/userRegistrationDetails",
				       NULL, 0),
			 RATE_GRAPH_AUDIT);
	assert_int_equal(rate_classify("GET",
				       "https://management.azure.com/subscriptions/abc-123/"
				       "providers/Microsoft.Storage/storageAccounts?api-version=1",
				       scope, sizeof(scope)),
			 RATE_ARM_READ);
	assert_string_equal(scope, "abc-123");
	assert_int_equal(rate_classify("PUT", "https://management.azure.com/subscriptions/s/x",
				       scope, sizeof(scope)),
			 RATE_ARM_WRITE);
	assert_int_equal(rate_classify("GET", "https://management.azure.com/subscriptions?a=1",
				       scope, sizeof(scope)),
			 RATE_ARM_READ);
	assert_string_equal(scope, "");
	assert_int_equal(rate_classify("POST",
				       "https://x.webhook.azure-automation.net/webhooks?"
				       "token=abc",
				       scope, sizeof(scope)),
			 RATE_DEFAULT);
	/* A word inside a segment is not the segment. */
	assert_int_equal(
	    rate_classify("GET", "https://graph.microsoft.com/v1.0/users/reportsTo", NULL, 0),
	    RATE_GRAPH_IDENTITY);
}

static void test_cost(void **state)
{
	const char *g = "https://graph.microsoft.com/v1.0";
	char url[256];

#define COST(path)                                                                                 \
	(snprintf(url, sizeof(url), "%s%s", g, path), rate_cost(RATE_GRAPH_IDENTITY, url))
	assert_true(COST("/users") == 2);
	assert_true(COST("/users?$select=id,displayName") == 1);
	assert_true(COST("/users?$top=999&$select=id&$expand=manager") == 2);
	assert_true(COST("/users?$expand=manager") == 3);
	assert_true(COST("/groups/g1/members") == 3);
	assert_true(COST("/groups/g1/transitiveMembers?$select=id") == 4);
	assert_true(COST("/applications") == 2);
	assert_true(COST("/domains") == 1);
	assert_true(COST("/domains?$select=id") == 1); /* never below 1 */
	assert_true(rate_cost(RATE_GRAPH_AUDIT, "https://graph.microsoft.com/v1.0/users") == 1);
#undef COST
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_window_never_over_budget),
	    cmocka_unit_test(test_window_wait_is_until_room),
	    cmocka_unit_test(test_window_margin_widens),
	    cmocka_unit_test(test_identity_budget_by_tenant_size),
	    cmocka_unit_test(test_bucket),
	    cmocka_unit_test(test_hold_after_429),
	    cmocka_unit_test(test_same_key_same_limiter),
	    cmocka_unit_test(test_classify),
	    cmocka_unit_test(test_cost),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
