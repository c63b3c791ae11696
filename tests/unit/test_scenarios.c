/* test_scenarios.c - every control scenario of tests/data/controls, through the real
 * pipeline: tater-sim serves the scenario (--estate), `tater scan` collects it over
 * loopback with the real client and evaluates, and `tater controls --json` must report the
 * expected status (and reason).  test_eval.c checks the same scenarios against the store
 * directly; this one proves the collectors hand the checks exactly what the API returns. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>
#include <sqlite3.h>

#include "simproc.h"
#include "tater/eval.h"
#include "tater/store.h"
#include "testutil.h"

static const struct {
	const char *source, *path;
	int singleton;
} paths[] = {
	{"graph.organization", "/v1.0/organization", 0},
	{"graph.subscribedSkus", "/v1.0/subscribedSkus", 0},
	{"graph.users", "/v1.0/users", 0},
	{"graph.userRegistrationDetails", "/v1.0/reports/authenticationMethods/userRegistrationDetails",
	 0},
	{"graph.riskyUsers", "/v1.0/identityProtection/riskyUsers", 0},
	{"graph.directoryRoles", "/v1.0/directoryRoles", 0},
	{"graph.roleAssignments", "/v1.0/roleManagement/directory/roleAssignments", 0},
	{"graph.conditionalAccessPolicies", "/v1.0/identity/conditionalAccess/policies", 0},
	{"graph.authorizationPolicy", "/v1.0/policies/authorizationPolicy", 1},
	{"graph.authenticationMethodsPolicy", "/v1.0/policies/authenticationMethodsPolicy", 1},
	{"graph.adminConsentRequestPolicy", "/v1.0/policies/adminConsentRequestPolicy", 1},
	{"graph.domains", "/v1.0/domains", 0},
	{"graph.activityBasedTimeoutPolicies", "/v1.0/policies/activityBasedTimeoutPolicies", 0},
	{"graph.sharepointSettings", "/v1.0/admin/sharepoint/settings", 1},
	{"spo.tenant", "/_api/SPO.Tenant", 1},
	{"fabric.tenantSettings", "/v1/admin/tenantsettings", 0},
};
#define NPATHS (sizeof(paths) / sizeof(paths[0]))

struct fx {
	char *dir, *store, *key, *secret;
	int cases, skipped;
};

static int run_tater(struct fx *f, char **out, char **err, ...)
{
	char *argv[32];
	int n = 0;
	va_list ap;
	const char *a;

	argv[n++] = (char *)tu_bin("TATER_BIN");
	argv[n++] = "--store";
	argv[n++] = f->store;
	argv[n++] = "--key-file";
	argv[n++] = f->key;
	va_start(ap, err);
	while ((a = va_arg(ap, const char *)) != NULL && n < 31)
		argv[n++] = (char *)a;
	va_end(ap);
	argv[n] = NULL;
	return tu_run(argv, NULL, NULL, out, err);
}

/* A store in a fresh directory with one tenant, NAME, pointed at nothing yet. */
static void fx_open(struct fx *f, const char *tag, const char *name)
{
	char *out = NULL, *err = NULL;

	f->dir = tu_tmpdir(tag);
	f->store = tu_path(f->dir, "s.db");
	f->key = tu_path(f->dir, "key");
	f->secret = tu_path(f->dir, "secret");
	tu_write_file(f->key, "scenario passphrase\n", 0600);
	tu_write_file(f->secret, SIMPROC_SECRET, 0600);
	assert_int_equal(run_tater(f, &out, &err, "db", "init", NULL), 0);
	free(out);
	free(err);
	assert_int_equal(run_tater(f, &out, &err, "tenant", "add", name, "--tenant-id",
				   SIMPROC_TENANT, "--client-id", SIMPROC_CLIENT_ID,
				   "--client-secret-file", f->secret, "--cloud", "http://127.0.0.1:1",
				   NULL),
			 0);
	free(out);
	free(err);
}

static void fx_close(struct fx *f)
{
	tu_rmtree(f->dir);
	free(f->dir);
	free(f->store);
	free(f->key);
	free(f->secret);
}

/* The estate file for one case: every source the case gives, and an empty collection for
 * every other source the control reads.  Members become per-role member lists. */
static json_t *estate_for(const json_t *control_sources, const json_t *sources, int *skip)
{
	json_t *estate = json_object(), *roles = json_array();
	const json_t *members = json_object_get(sources, "graph.directoryRoleMembers");
	size_t i;
	json_t *m, *src;

	*skip = 0;
	for (size_t p = 0; p < NPATHS; p++) {
		const json_t *given = json_object_get(sources, paths[p].source);
		int named = 0;

		json_array_foreach(control_sources, i, src)
			named |= !strcmp(json_string_value(src), paths[p].source);
		if (paths[p].singleton) {
			if (given && json_array_size(given) > 0)
				json_object_set(estate, paths[p].path, json_array_get(given, 0));
			else if (named)
				*skip = 1; /* a real API always answers a singleton */
		} else if (given) {
			json_object_set(estate, paths[p].path, (json_t *)given);
		} else if (named || (members && !strcmp(paths[p].source, "graph.directoryRoles"))) {
			json_object_set_new(estate, paths[p].path, json_array());
		}
	}
	/* Exchange and Security & Compliance sources are cmdlet outputs: "exo.<Noun>" is served
	 * under the estate key "exo:Get-<Noun>" (scc likewise), an empty output when not given. */
	json_array_foreach(control_sources, i, src) {
		const char *name = json_string_value(src);

		if (!strncmp(name, "exo.", 4) || !strncmp(name, "scc.", 4)) {
			const json_t *given = json_object_get(sources, name);
			char key[128];

			snprintf(key, sizeof(key), "%.3s:Get-%s", name, name + 4);
			json_object_set_new(estate, key, given ? json_deep_copy(given) : json_array());
		}
	}
	/* dns.txt: each object is a mail domain of graph.domains, its TXT answers served by the
	 * resolver under "dns:TXT:<name>". */
	json_array_foreach(json_object_get(sources, "dns.txt"), i, m) {
		const char *dom = json_string_value(json_object_get(m, "id"));
		static const char *const fields[][2] = {{"txt", ""}, {"dmarc", "_dmarc."},
							 {"dkimSelector1", "selector1._domainkey."},
							 {"dkimSelector2", "selector2._domainkey."}};
		json_t *doms = json_object_get(estate, "/v1.0/domains");
		char key[300];

		if (!doms) {
			doms = json_array();
			json_object_set_new(estate, "/v1.0/domains", doms);
		}
		json_array_append_new(doms, json_pack("{s:s, s:b, s:[s]}", "id", dom, "isVerified", 1,
						      "supportedServices", "Email"));
		for (size_t k = 0; k < 4; k++) {
			json_t *v = json_object_get(m, fields[k][0]);

			snprintf(key, sizeof(key), "dns:TXT:%s%s", fields[k][1], dom);
			json_object_set_new(estate, key, v ? json_deep_copy(v) : json_array());
		}
	}
	/* Member lists per role; roles the case did not list are added from "@role". */
	json_array_foreach(members, i, m) {
		json_t *role = json_object_get(m, "@role"), *copy = json_deep_copy(m), *list;
		const char *rid = json_string_value(json_object_get(role, "id"));
		char path[160];

		json_object_del(copy, "@role");
		snprintf(path, sizeof(path), "/v1.0/directoryRoles/%s/members", rid ? rid : "?");
		list = json_object_get(estate, path);
		if (!list) {
			list = json_array();
			json_object_set_new(estate, path, list);
			json_array_append_new(roles, json_deep_copy(role));
		}
		json_array_append_new(list, copy);
	}
	if (json_array_size(roles) > 0) {
		json_t *listed = json_object_get(estate, "/v1.0/directoryRoles");

		json_array_foreach(roles, i, m) {
			int found = 0;
			size_t k;
			json_t *r;

			json_array_foreach(listed, k, r)
				found |= json_equal(json_object_get(r, "id"), json_object_get(m, "id"));
			if (!found)
				json_array_append(listed, m);
		}
	}
	json_decref(roles);
	return estate;
}

static void set_exclusions(struct fx *f, const char *control, const json_t *excl)
{
	struct tater_err err = {0};
	struct store *s = NULL;
	size_t i;
	json_t *e;

	assert_int_equal(store_open(&s, f->store, 0, &err), 0);
	assert_int_equal(store_exec(s, "DELETE FROM control_exclusions", &err), 0);
	json_array_foreach(excl, i, e) {
		const char *c = json_string_value(json_object_get(e, "control"));

		assert_int_equal(eval_exclusion_add(s, NULL, "tenant:1", c ? c : control,
						    json_string_value(json_object_get(e, "kind")),
						    json_string_value(json_object_get(e, "object_id")),
						    NULL, &err),
				 0);
	}
	store_close(s);
}

static void point_tenant_at(struct fx *f, const char *url)
{
	struct tater_err err = {0};
	struct store *s = NULL;
	char *sql = sqlite3_mprintf("UPDATE tenants SET login_url = %Q, graph_url = %Q, arm_url = %Q,"
				    " exo_url = %Q", url, url, url, url);

	assert_int_equal(store_open(&s, f->store, 0, &err), 0);
	assert_int_equal(store_exec(s, sql, &err), 0);
	sqlite3_free(sql);
	store_close(s);
}

static void run_case(struct fx *f, const char *control, const json_t *control_sources,
		     const json_t *c)
{
	const char *name = json_string_value(json_object_get(c, "name"));
	const char *expect = json_string_value(json_object_get(c, "expect"));
	const char *reason = json_string_value(json_object_get(c, "reason"));
	char *estate_path = tu_path(f->dir, "estate.json"), *out = NULL, *err = NULL;
	const char *args[] = {"--estate", estate_path, NULL};
	json_t *estate, *res, *row;
	struct simproc *sp;
	const char *status = NULL, *got_reason = NULL;
	int skip, rc;
	size_t i;

	estate = estate_for(control_sources, json_object_get(c, "sources"), &skip);
	if (skip) {
		f->skipped++;
		json_decref(estate);
		free(estate_path);
		return;
	}
	assert_int_equal(json_dump_file(estate, estate_path, JSON_COMPACT), 0);
	json_decref(estate);
	sp = simproc_start(args);
	point_tenant_at(f, simproc_url(sp));
	set_exclusions(f, control, json_object_get(c, "exclusions"));
	rc = run_tater(f, &out, &err, "scan", "--no-pacing", NULL);
	/* A case's estate is minimal: a source it leaves unreadable (SharePoint without an
	 * initial domain) makes the scan partial, exit 2; the controls are still judged. */
	if (rc == 2 && tu_contains(out, ": partial in"))
		rc = 1;
	if (rc != 0 && rc != 1) {
		char *log = simproc_log(sp);

		fprintf(stderr, "%s / %s: scan exit %d\n%s\n%s\n", control, name, rc, err, log);
		free(log);
	}
	assert_true(rc == 0 || rc == 1);
	free(out);
	free(err);
	assert_int_equal(run_tater(f, &out, &err, "controls", "--json", NULL) <= 1, 1);
	res = json_loads(out, 0, NULL);
	assert_non_null(res);
	json_array_foreach(res, i, row) {
		if (!strcmp(json_string_value(json_object_get(row, "id")), control)) {
			status = json_string_value(json_object_get(row, "status"));
			got_reason = json_string_value(json_object_get(row, "reason"));
		}
	}
	if (!status || strcmp(status, expect) != 0 || (reason && !tu_contains(got_reason, reason)))
		fprintf(stderr, "%s / %s: expected %s%s%s, got %s: %s\n", control, name, expect,
			reason ? " with " : "", reason ? reason : "", status ? status : "(none)",
			got_reason ? got_reason : "");
	assert_non_null(status);
	assert_string_equal(status, expect);
	if (reason)
		assert_true(tu_contains(got_reason, reason));
	f->cases++;
	json_decref(res);
	free(out);
	free(err);
	simproc_stop(sp);
	free(estate_path);
}

static void test_every_scenario_through_a_scan(void **state)
{
	struct fx f = {0};
	char *data = NULL;
	struct dirent **names = NULL;
	int n;

	(void)state;
	fx_open(&f, "scenarios", "Scenario");

	if (asprintf(&data, "%s/tests/data/controls", tu_bin("TATER_SRC")) < 0)
		abort();
	n = scandir(data, &names, NULL, alphasort);
	assert_true(n > 0);
	for (int k = 0; k < n; k++) {
		const char *fn = names[k]->d_name;
		size_t len = strlen(fn);

		if (len > 5 && !strcmp(fn + len - 5, ".json")) {
			char *path = tu_path(data, fn), *text = tu_read_file(path, NULL);
			json_t *doc = json_loads(text, 0, NULL), *c, *sources = json_array();
			const char *control = json_string_value(json_object_get(doc, "control"));
			size_t i;

			assert_non_null(control);
			/* Which sources does the control read: its file's header says. */
			{
				char *cpath = NULL, *ctext;
				const char *line;

				if (asprintf(&cpath, "%s/catalog/controls/%s.sql", tu_bin("TATER_SRC"),
					     control) < 0)
					abort();
				ctext = tu_read_file(cpath, NULL);
				assert_non_null(ctext);
				line = strstr(ctext, "-- sources:");
				assert_non_null(line);
				line += 11;
				while (*line && *line != '\n') {
					size_t w;

					line += strspn(line, " ,");
					w = strcspn(line, " ,\n");
					if (w)
						json_array_append_new(sources, json_stringn(line, w));
					line += w;
				}
				free(ctext);
				free(cpath);
			}
			json_array_foreach(json_object_get(doc, "cases"), i, c) {
				/* A control that cannot read its data is unknown through a real
				 * scan too, whatever the tenant holds. */
				if (json_is_true(json_object_get(doc, "unknown_only")))
					assert_string_equal(
					    json_string_value(json_object_get(c, "expect")),
					    "unknown");
				run_case(&f, control, sources, c);
			}
			json_decref(sources);
			json_decref(doc);
			free(text);
			free(path);
		}
		free(names[k]);
	}
	free(names);
	fprintf(stderr, "# %d scenario cases passed through tater-sim and tater scan; %d skipped "
			"(a singleton the real API always serves was left out)\n",
		f.cases, f.skipped);
	assert_true(f.cases >= 100);
	free(data);
	fx_close(&f);
}

/* tater scan's exit status: 2 for a scan that failed or is incomplete, with the reason on
 * standard error; the sign-in failing for every source is one error, not forty. */
static void test_scan_exit_codes(void **state)
{
	struct fx f = {0};
	char *out = NULL, *err = NULL, token_fault[200];
	struct simproc *sp;
	int rc;

	(void)state;
	fx_open(&f, "scanexit", "Exit");

	/* One source answers 500 on every page: the scan is partial, exit 2, named. */
	{
		const char *args[] = {"--users", "20", "--fault-at", "/v1.0/domains:1+:500", NULL};

		sp = simproc_start(args);
		point_tenant_at(&f, simproc_url(sp));
		rc = run_tater(&f, &out, &err, "scan", "--no-pacing", NULL);
		assert_int_equal(rc, 2);
		assert_true(tu_contains(out, "partial"));
		assert_true(tu_contains(err, "the scan is incomplete"));
		assert_true(tu_contains(err, "/v1.0/domains"));
		free(out);
		free(err);
		assert_int_equal(simproc_stop(sp), 0);
	}
	/* The login service fails every time: one error naming the sign-in, at once. */
	{
		const char *args[] = {"--users", "20", "--fault-at", token_fault, NULL};
		char *log;
		int tokens = 0;

		snprintf(token_fault, sizeof(token_fault), "/%s/oauth2/v2.0/token:1+:500",
			 SIMPROC_TENANT);
		sp = simproc_start(args);
		point_tenant_at(&f, simproc_url(sp));
		rc = run_tater(&f, &out, &err, "scan", "--no-pacing", NULL);
		assert_int_equal(rc, 2);
		assert_true(tu_contains(err, "scan failed"));
		assert_true(tu_contains(err, "Entra ID sign-in"));
		assert_false(tu_contains(err, SIMPROC_SECRET));
		log = simproc_log(sp);
		for (const char *p = log; (p = strstr(p, "/oauth2/v2.0/token")); p++)
			tokens++;
		/* Not one sign-in per source (there are over forty): the failure is remembered
		 * (the scan, then its ITDR ingest after the minute's memory is not reached). */
		assert_true(tokens <= 3);
		free(log);
		free(out);
		free(err);
		assert_int_equal(simproc_stop(sp), 0);
	}
	fx_close(&f);
}

/* tater controls --evidence: what is at fault, a sanitised line per item, or the stored array
 * in JSON; a policy whose name carries escape sequences never reaches the terminal raw. */
static void test_controls_evidence(void **state)
{
	static const char policy[] =
	    "{\"/v1.0/identity/conditionalAccess/policies\": [{"
	    "\"id\": \"00000000-0000-4000-8000-0000000000e1\","
	    "\"displayName\": \"Block\\u001b[2J legacy\\u001b]0;x\\u0007 auth\","
	    "\"state\": \"enabledForReportingButNotEnforced\","
	    "\"conditions\": {\"users\": {\"includeUsers\": [\"All\"], \"excludeUsers\": [],"
	    " \"includeGroups\": [], \"excludeGroups\": [], \"includeRoles\": [],"
	    " \"excludeRoles\": []}, \"applications\": {\"includeApplications\": [\"All\"],"
	    " \"excludeApplications\": []}, \"clientAppTypes\": [\"exchangeActiveSync\","
	    " \"other\"]},"
	    "\"grantControls\": {\"operator\": \"OR\", \"builtInControls\": [\"block\"]}}]}";
	struct fx f = {0};
	char *out = NULL, *err = NULL, *estate;
	const char *args[] = {"--users", "40", "--estate", NULL, NULL};
	struct simproc *sp;
	json_t *res, *row;
	size_t i;
	int seen = 0;

	(void)state;
	fx_open(&f, "evidence", "Evidence");
	estate = tu_path(f.dir, "estate.json");
	tu_write_file(estate, policy, 0600);
	args[3] = estate;
	sp = simproc_start(args);
	point_tenant_at(&f, simproc_url(sp));
	assert_true(run_tater(&f, &out, &err, "scan", "--no-pacing", NULL) <= 2);
	free(out);
	free(err);

	assert_int_equal(run_tater(&f, &out, &err, "controls", "--evidence", NULL), 1);
	assert_false(tu_contains(out, "\x1b"));
	assert_false(tu_contains(out, "\x07"));
	/* The failing policy, under its control, by name, escaped; then its other fields. */
	assert_true(tu_contains(out, "aad.legacy-auth-blocked"));
	assert_true(tu_contains(out, "\n    Block\\e[2J legacy\\e]0;x\\x07 auth  id: "
				     "00000000-0000-4000-8000-0000000000e1, gaps: "));
	free(out);
	free(err);

	assert_int_equal(run_tater(&f, &out, &err, "controls", "--evidence", "--json", NULL), 1);
	res = json_loads(out, 0, NULL);
	assert_non_null(res);
	json_array_foreach(res, i, row) {
		json_t *ev = json_object_get(row, "evidence");
		const char *id = json_string_value(json_object_get(row, "id"));

		/* Every result carries its evidence, all of it at this size. */
		assert_true(json_is_array(ev));
		assert_int_equal((json_int_t)json_array_size(ev),
				 json_integer_value(json_object_get(row, "evidence_count")));
		if (!strcmp(id, "aad.legacy-auth-blocked")) {
			assert_string_equal(json_string_value(json_object_get(json_array_get(ev, 0),
									      "displayName")),
					    "Block\x1b[2J legacy\x1b]0;x\x07 auth");
			seen = 1;
		}
	}
	assert_true(seen);
	json_decref(res);
	free(out);
	free(err);
	assert_int_equal(simproc_stop(sp), 0);
	free(estate);
	fx_close(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scan_exit_codes),
		cmocka_unit_test(test_controls_evidence),
		cmocka_unit_test(test_every_scenario_through_a_scan),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
