/* test_posture.c - the identity figures, their lists and the recommendations, over objects
 * inserted into a real store: counts a person can check by hand, unknown (never 0) when a
 * source is missing, and recommendations in the order that matters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tater/catalog.h"
#include "tater/eval.h"
#include "tater/posture.h"
#include "tater/store.h"
#include "testutil.h"

#define NOW "2026-12-01T00:00:00Z"

struct fx {
	char *dir, *path;
	struct store *s;
	int64_t scan;
};

static const struct posture_opts opts = {NOW, 90};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct tater_err err = {0};

	f->s = tu_store_new("posture", "tater.db", &f->dir, &f->path);
	store_set_actor(f->s, "ana");
	assert_int_equal(store_scan_start(f->s, "tenant:1", "m365", &f->scan, &err), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	tu_store_free(f->s, f->dir, f->path);
	free(f);
	return 0;
}

static void put(struct fx *f, const char *source, const char *key, const char *json)
{
	struct tater_err err = {0};

	if (store_object_put(f->s, f->scan, "tenant:1", source, source + 6, key, json, &err) != 0)
		fail_msg("%s", err.msg);
}

static void status(struct fx *f, const char *source, const char *st, int http, const char *detail)
{
	struct tater_err err = {0};

	assert_int_equal(
	    store_source_status(f->s, f->scan, "tenant:1", source, st, http, 0, detail, &err), 0);
}

static void user(struct fx *f, const char *id, const char *type, int enabled, const char *last,
		 const char *state)
{
	char j[1024];

	snprintf(
	    j, sizeof(j),
	    "{\"id\":\"%s\",\"displayName\":\"User %s\",\"userPrincipalName\":\"%s@x.example\","
	    "\"userType\":\"%s\",\"accountEnabled\":%s,\"createdDateTime\":\"2024-01-01T00:00:"
	    "00Z\","
	    "\"externalUserState\":%s%s%s,"
	    "\"signInActivity\":{\"lastSignInDateTime\":%s%s%s,"
	    "\"lastNonInteractiveSignInDateTime\":null}}",
	    id, id, id, type, enabled ? "true" : "false", state ? "\"" : "", state ? state : "null",
	    state ? "\"" : "", last ? "\"" : "", last ? last : "null", last ? "\"" : "");
	put(f, "graph.users", id, j);
}

static void users(struct fx *f)
{
	status(f, "graph.users", "ok", 200, NULL);
	user(f, "m-active", "Member", 1, "2026-11-20T10:00:00Z", NULL);
	user(f, "m-stale1", "Member", 1, "2026-05-01T10:00:00Z", NULL);
	user(f, "m-stale2", "Member", 1, "2025-01-01T10:00:00.1234567Z", NULL);
	user(f, "m-never", "Member", 1, NULL, NULL);
	user(f, "m-off", "Member", 0, "2020-01-01T00:00:00Z", NULL); /* disabled: not stale */
	user(f, "g-active", "Guest", 1, "2026-11-29T00:00:00Z", "Accepted");
	user(f, "g-stale", "Guest", 1, "2026-01-01T00:00:00Z", "Accepted");
	user(f, "g-never", "Guest", 1, NULL, "PendingAcceptance");
	/* Non-interactive sign-ins count: this member is active through its token refresh. */
	put(f, "graph.users", "m-nonint",
	    "{\"id\":\"m-nonint\",\"displayName\":\"Nonint\",\"userType\":\"Member\","
	    "\"accountEnabled\":true,\"signInActivity\":{\"lastSignInDateTime\":"
	    "\"2025-01-01T00:00:00Z\",\"lastNonInteractiveSignInDateTime\":\"2026-11-30T00:00:"
	    "00Z\"}}");
}

static void registrations(struct fx *f)
{
	status(f, "graph.userRegistrationDetails", "ok", 200, NULL);
	put(f, "graph.userRegistrationDetails", "r1",
	    "{\"id\":\"r1\",\"userDisplayName\":\"Reg "
	    "One\",\"userType\":\"member\",\"isAdmin\":false,"
	    "\"isMfaRegistered\":true,\"isMfaCapable\":true,\"methodsRegistered\":[\"fido2\"]}");
	put(f, "graph.userRegistrationDetails", "r2",
	    "{\"id\":\"r2\",\"userDisplayName\":\"Reg "
	    "Two\",\"userType\":\"member\",\"isAdmin\":false,"
	    "\"isMfaRegistered\":true,\"isMfaCapable\":false,\"methodsRegistered\":[\"email\"]}");
	put(f, "graph.userRegistrationDetails", "r3",
	    "{\"id\":\"r3\",\"userDisplayName\":\"No "
	    "Mfa\",\"userType\":\"member\",\"isAdmin\":false,"
	    "\"isMfaRegistered\":false,\"isMfaCapable\":false,\"methodsRegistered\":[]}");
	put(f, "graph.userRegistrationDetails", "r4",
	    "{\"id\":\"r4\",\"userDisplayName\":\"Admin NoMfa\",\"userType\":\"member\","
	    "\"isAdmin\":true,\"isMfaRegistered\":false,\"isMfaCapable\":false,"
	    "\"methodsRegistered\":[]}");
	put(f, "graph.userRegistrationDetails", "r5",
	    "{\"id\":\"r5\",\"userDisplayName\":\"Admin Ok\",\"userType\":\"member\","
	    "\"isAdmin\":true,\"isMfaRegistered\":true,\"isMfaCapable\":true,"
	    "\"methodsRegistered\":[\"fido2\"]}");
	/* Guests are not counted in the member figure. */
	put(f, "graph.userRegistrationDetails", "r6",
	    "{\"id\":\"r6\",\"userDisplayName\":\"Guest\",\"userType\":\"guest\",\"isAdmin\":false,"
	    "\"isMfaRegistered\":false,\"isMfaCapable\":false}");
}

static void risky(struct fx *f)
{
	status(f, "graph.riskyUsers", "ok", 200, NULL);
	put(f, "graph.riskyUsers", "k1",
	    "{\"id\":\"k1\",\"userDisplayName\":\"Hi\",\"riskLevel\":\"high\","
	    "\"riskState\":\"atRisk\",\"isDeleted\":false}");
	put(f, "graph.riskyUsers", "k2",
	    "{\"id\":\"k2\",\"userDisplayName\":\"Pwned\",\"riskLevel\":\"high\","
	    "\"riskState\":\"confirmedCompromised\",\"isDeleted\":false}");
	put(f, "graph.riskyUsers", "k3",
	    "{\"id\":\"k3\",\"userDisplayName\":\"Med\",\"riskLevel\":\"medium\","
	    "\"riskState\":\"atRisk\"}");
	put(f, "graph.riskyUsers", "k4",
	    "{\"id\":\"k4\",\"userDisplayName\":\"Low\",\"riskLevel\":\"low\",\"riskState\":"
	    "\"atRisk\"}");
	/* Not counted: remediated, dismissed, deleted. */
	put(f, "graph.riskyUsers", "k5",
	    "{\"id\":\"k5\",\"riskLevel\":\"none\",\"riskState\":\"remediated\"}");
	put(f, "graph.riskyUsers", "k6",
	    "{\"id\":\"k6\",\"riskLevel\":\"high\",\"riskState\":\"dismissed\"}");
	put(f, "graph.riskyUsers", "k7",
	    "{\"id\":\"k7\",\"riskLevel\":\"high\",\"riskState\":\"atRisk\",\"isDeleted\":true}");
}

static void roles(struct fx *f)
{
	static const char ga[] =
	    "\"@role\":{\"id\":\"ra\",\"displayName\":\"Global Administrator\","
	    "\"roleTemplateId\":\"62e90394-69f5-4237-9190-012177145e10\"}";
	static const char sa[] =
	    "\"@role\":{\"id\":\"rb\",\"displayName\":\"Security Administrator\","
	    "\"roleTemplateId\":\"194ae4cb-b126-40b2-bd5b-6091b380977d\"}";
	char j[512];

	status(f, "graph.directoryRoleMembers", "ok", 200, NULL);
	snprintf(j, sizeof(j), "{\"id\":\"a1\",\"displayName\":\"Ada\",%s}", ga);
	put(f, "graph.directoryRoleMembers", "ra/a1", j);
	snprintf(j, sizeof(j), "{\"id\":\"a2\",\"displayName\":\"Bob\",%s}", ga);
	put(f, "graph.directoryRoleMembers", "ra/a2", j);
	snprintf(j, sizeof(j), "{\"id\":\"a1\",\"displayName\":\"Ada\",%s}", sa);
	put(f, "graph.directoryRoleMembers", "rb/a1", j);
}

/* A missing source is unknown with its reason, never 0. */
static void test_unknown(void **state)
{
	struct fx *f = *state;
	struct posture p;
	struct tater_err err = {0};

	status(f, "graph.riskyUsers", "denied", 403,
	       "403 Authorization_RequestDenied (needs IdentityRiskyUser.Read.All)");
	assert_int_equal(posture_load(f->s, "tenant:1", &opts, &p, &err), 0);
	assert_false(p.st[POSTURE_RISKY].known);
	assert_true(tu_contains(p.st[POSTURE_RISKY].reason, "graph.riskyUsers"));
	assert_true(tu_contains(p.st[POSTURE_RISKY].reason, "IdentityRiskyUser.Read.All"));
	for (int i = 0; i < POSTURE_NFIGURES; i++)
		assert_false(p.st[i].known);
	assert_true(tu_contains(p.st[POSTURE_MFA].reason, "not collected yet"));
	assert_int_equal(posture_list(f->s, "tenant:1", POSTURE_RISKY, &opts, NULL, NULL, &err),
			 TATER_ENOTFOUND);
	assert_true(tu_contains(err.msg, "IdentityRiskyUser.Read.All"));
	posture_free(&p);
}

static void test_figures(void **state)
{
	struct fx *f = *state;
	struct posture p;
	struct tater_err err = {0};

	users(f);
	registrations(f);
	risky(f);
	roles(f);
	assert_int_equal(posture_load(f->s, "tenant:1", &opts, &p, &err), 0);
	for (int i = 0; i < POSTURE_NFIGURES; i++)
		assert_true(p.st[i].known);
	assert_int_equal(p.risky.high, 2);
	assert_int_equal(p.risky.medium, 1);
	assert_int_equal(p.risky.low, 1);
	assert_int_equal(p.risky.compromised, 1);
	assert_int_equal(p.risky.total, 4);

	assert_int_equal(p.mfa.users, 3);
	assert_int_equal(p.mfa.registered, 2);
	assert_int_equal(p.mfa.capable, 1);
	assert_int_equal(p.mfa.not_registered, 1);
	assert_int_equal(p.mfa.admins, 2);
	assert_int_equal(p.mfa.admins_capable, 1);
	assert_int_equal(p.mfa.admins_not_registered, 1);

	assert_int_equal(p.priv.accounts, 2);
	assert_int_equal(p.priv.assignments, 3);
	assert_int_equal(p.priv.global_admins, 2);
	assert_int_equal(p.priv.nroles, 2);
	assert_string_equal(p.priv.roles[0].name, "Global Administrator");
	assert_int_equal(p.priv.roles[0].members, 2);
	assert_int_equal(p.priv.roles[1].members, 1);

	/* m-active, m-stale1, m-stale2, m-never, m-nonint enabled; m-off disabled. */
	assert_int_equal(p.stale.enabled, 5);
	assert_int_equal(p.stale.stale, 2);
	assert_int_equal(p.stale.never, 1);
	assert_int_equal(p.stale.disabled, 1);
	assert_int_equal(p.guests.total, 3);
	assert_int_equal(p.guests.stale, 1);
	assert_int_equal(p.guests.never, 1);
	assert_int_equal(p.guests.pending, 1);
	posture_free(&p);

	/* The threshold is the tenant's: at 400 days, only the 2025 sign-in is stale. */
	{
		struct posture_opts o = {NOW, 400};

		assert_int_equal(posture_load(f->s, "tenant:1", &o, &p, &err), 0);
		assert_int_equal(p.stale.stale, 1);
		posture_free(&p);
	}
}

struct rows {
	int n, ncols;
	char first[8][64];
	char last_col[64];
};

static int collect(void *ctx, const char *const *cells)
{
	struct rows *r = ctx;

	if (r->n < 1) {
		for (int c = 0; c < r->ncols && c < 8; c++)
			snprintf(r->first[c], sizeof(r->first[c]), "%s", cells[c] ? cells[c] : "");
	}
	r->n++;
	return 0;
}

static void test_lists(void **state)
{
	struct fx *f = *state;
	struct tater_err err = {0};
	struct rows r;
	const char *const *titles;
	char *json = NULL;

	users(f);
	registrations(f);
	risky(f);
	roles(f);

	memset(&r, 0, sizeof(r));
	r.ncols = 6;
	assert_int_equal(posture_list(f->s, "tenant:1", POSTURE_STALE, &opts, collect, &r, &err),
			 0);
	assert_int_equal(r.n, 3);			  /* two stale, one never */
	assert_string_equal(r.first[0], "User m-stale2"); /* the longest silent first */
	assert_string_equal(r.first[2], "2025-01-01");

	memset(&r, 0, sizeof(r));
	r.ncols = 6;
	assert_int_equal(posture_list(f->s, "tenant:1", POSTURE_MFA, &opts, collect, &r, &err), 0);
	assert_int_equal(r.n, 5);
	assert_string_equal(r.first[0], "Admin NoMfa"); /* not registered, admins first */
	assert_string_equal(r.first[3], "not registered");

	memset(&r, 0, sizeof(r));
	r.ncols = 7;
	assert_int_equal(posture_list(f->s, "tenant:1", POSTURE_RISKY, &opts, collect, &r, &err),
			 0);
	assert_int_equal(r.n, 4);
	assert_string_equal(r.first[2], "high");

	memset(&r, 0, sizeof(r));
	r.ncols = 7;
	assert_int_equal(posture_list(f->s, "tenant:1", POSTURE_GUESTS, &opts, collect, &r, &err),
			 0);
	assert_int_equal(r.n, 3);
	assert_string_equal(r.first[0], "User g-stale");
	assert_string_equal(r.first[5], "stale");

	memset(&r, 0, sizeof(r));
	r.ncols = 5;
	assert_int_equal(
	    posture_list(f->s, "tenant:1", POSTURE_PRIVILEGED, &opts, collect, &r, &err), 0);
	assert_int_equal(r.n, 3);

	/* The last column is the key of the object behind the row. */
	assert_int_equal(posture_list_columns(POSTURE_RISKY, &titles), 7);
	assert_string_equal(titles[6], "key");
	assert_int_equal(posture_object(f->s, "tenant:1", POSTURE_RISKY, "k2", &json, &err), 0);
	assert_true(tu_contains(json, "confirmedCompromised"));
	free(json);
}

/* Without signInActivity (no P1), stale accounts are unknown, not "all never signed in". */
static void test_no_signin_activity(void **state)
{
	struct fx *f = *state;
	struct posture p;
	struct tater_err err = {0};

	status(f, "graph.users", "ok", 200, NULL);
	put(f, "graph.users", "u1",
	    "{\"id\":\"u1\",\"userType\":\"Member\",\"accountEnabled\":true}");
	put(f, "graph.users", "u2",
	    "{\"id\":\"u2\",\"userType\":\"Guest\",\"accountEnabled\":true}");
	assert_int_equal(posture_load(f->s, "tenant:1", &opts, &p, &err), 0);
	assert_false(p.st[POSTURE_STALE].known);
	assert_true(tu_contains(p.st[POSTURE_STALE].reason, "signInActivity"));
	assert_true(p.st[POSTURE_GUESTS].known);
	assert_int_equal(p.guests.total, 1);
	assert_false(p.guests.signins_known);
	posture_free(&p);
	assert_int_equal(posture_list(f->s, "tenant:1", POSTURE_STALE, &opts, NULL, NULL, &err),
			 TATER_ENOTFOUND);
}

static const struct posture_rec *rec(const struct posture_rec *v, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].id, id) == 0)
			return &v[i];
	return NULL;
}

static int has_control(const struct posture_rec *r, const char *id)
{
	for (int i = 0; i < r->ncontrols; i++)
		if (strcmp(r->controls[i], id) == 0)
			return 1;
	return 0;
}

static void test_recommendations(void **state)
{
	struct fx *f = *state;
	struct catalog *cat = NULL;
	struct posture p;
	struct posture_rec *v = NULL;
	struct eval_summary sum;
	struct tater_err err = {0};
	const struct posture_rec *r;
	size_t n = 0;

	users(f);
	registrations(f);
	risky(f);
	roles(f);
	assert_int_equal(catalog_open(&cat, "", &err), 0);
	assert_int_equal(eval_scope(f->s, cat, "tenant:1", f->scan, NULL, &sum, &err), 0);
	assert_int_equal(posture_load(f->s, "tenant:1", &opts, &p, &err), 0);
	assert_int_equal(posture_recommend(f->s, cat, &p, &v, &n, &err), 0);

	r = rec(v, n, "mfa");
	assert_non_null(r);
	assert_string_equal(r->figure, "2 member users without MFA (1 admin)");
	assert_int_equal(r->affected, 2);
	assert_true(has_control(r, "aad.all-users-mfa-capable"));
	assert_int_equal(r->list, POSTURE_MFA);

	r = rec(v, n, "stale-guests");
	assert_non_null(r);
	assert_true(tu_contains(r->figure, "2 of 3 guests"));

	/* A confirmed compromise comes before everything of lower severity. */
	assert_string_equal(v[0].id, "risky-users");
	assert_string_equal(v[0].severity, "critical");
	for (size_t i = 1; i < n; i++)
		assert_true(catalog_severity_rank(v[i - 1].severity) <=
			    catalog_severity_rank(v[i].severity));
	/* Two Global Administrators pass 2-to-8: no privileged recommendation from it. */
	r = rec(v, n, "privileged");
	assert_true(!r || !has_control(r, "aad.global-admins-2-to-8"));
	free(v);

	/* An accepted risk drops its control from the recommendations. */
	assert_int_equal(eval_accept(f->s, "tenant:1", "aad.all-users-mfa-capable",
				     "rollout in January", "2099-01-31", &err),
			 0);
	assert_int_equal(posture_recommend(f->s, cat, &p, &v, &n, &err), 0);
	r = rec(v, n, "mfa");
	assert_non_null(r); /* the users still lack MFA */
	assert_false(has_control(r, "aad.all-users-mfa-capable"));
	free(v);
	posture_free(&p);
	catalog_free(cat);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_unknown, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_figures, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_lists, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_no_signin_activity, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_recommendations, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
