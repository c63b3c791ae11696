/* test_remediate.c - automated remediation: the script catalog against the runbooks, and the
 * whole lifecycle through the real tater binary and tater-sim over loopback (real libcurl):
 * failing control -> remediate -> job Completed -> rescan -> pass; webhook 400, 404, 500 then
 * retry; a Failed job with its errors shown; the timeout with the clocks sped up; a second
 * concurrent request refused; the activity log complete and intact; the webhook token never
 * printed. */
#include <dirent.h>
#include <setjmp.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "simproc.h"
#include "tater/remediate.h"
#include "tater/roles.h"
#include "tater/store.h"
#include "tater/tenants.h"
#include "testutil.h"

extern char **environ;

#define CONTROL "aad.app-registration-restricted"
#define ACCOUNT                                                                                    \
	"/subscriptions/00000000-0000-4000-8000-00000000aaaa/resourceGroups/rg-tater/providers/"  \
	"Microsoft.Automation/automationAccounts/aa-sim"

/* ---- the catalog --------------------------------------------------------------------- */

static void test_runtime_agrees_with_runbook(void **state)
{
	struct tater_err err = {0};
	struct rem_catalog *c = NULL;
	size_t n = 0, exo = 0;

	(void)state;
	assert_int_equal(rem_catalog_open(&c, &err), 0);
	n = rem_catalog_count(c);
	assert_int_equal(n, 53); /* the product description's table, as check_scripts.sh */
	for (size_t i = 0; i < n; i++) {
		const struct rem_script *sc = rem_catalog_at(c, i);
		int header_exo = !strcmp(sc->runtime, "exo");

		if (header_exo != sc->exo)
			fail_msg("%s: header runtime %s but the C pattern scan says %s", sc->id,
				 sc->runtime, sc->exo ? "exo" : "not exo");
		exo += (size_t)sc->exo;
	}
	assert_true(exo > 20 && exo < n);
	assert_non_null(rem_catalog_find(c, "exo-smtp-auth-disabled"));
	assert_true(rem_catalog_find(c, "exo-smtp-auth-disabled")->exo);
	assert_false(rem_catalog_find(c, "entra-app-registration-restricted")->exo);
	/* The control's script, found by the scripts' controls: lines. */
	assert_string_equal(rem_catalog_for_control(c, CONTROL, "none")->id,
			    "entra-app-registration-restricted");
	assert_null(rem_catalog_for_control(c, "aad.no-such-control", NULL));
	assert_string_equal(rem_runtime_label(rem_catalog_find(c, "exo-modern-auth")),
			    "PowerShell 5.1 (by delegation to Run-Remediation-EXO)");
	rem_catalog_free(c);
}

/* Every .ps1 under runbooks/scripts is embedded (meson lists them one by one). */
static void test_every_script_embedded(void **state)
{
	const char *src = getenv("TATER_SRC");
	char path[4096];
	size_t n, found = 0;
	const struct tater_embedded *e = rem_embedded_scripts(&n);
	DIR *top, *d;
	struct dirent *a, *b;

	(void)state;
	if (!src)
		skip();
	snprintf(path, sizeof(path), "%s/runbooks/scripts", src);
	assert_non_null(top = opendir(path));
	while ((a = readdir(top))) {
		if (a->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/runbooks/scripts/%s", src, a->d_name);
		if (!(d = opendir(path)))
			continue;
		while ((b = readdir(d))) {
			char name[600];
			size_t k;

			if (!strstr(b->d_name, ".ps1"))
				continue;
			found++;
			snprintf(name, sizeof(name), "scripts/%s/%s", a->d_name, b->d_name);
			for (k = 0; k < n && strcmp(e[k].name, name); k++)
				;
			if (k == n)
				fail_msg("%s is not embedded: add it to src/remediate/meson.build",
					 name);
		}
		closedir(d);
	}
	closedir(top);
	assert_int_equal(found, n);
}

static void test_patterns_and_header(void **state)
{
	struct tater_err err = {0};
	struct rem_patterns *p = NULL;
	struct rem_script sc;
	int scc = 0;
	const char *bad = "<#\n.TATER\nid: x\nbogus: y\n#>\n";

	(void)state;
	assert_int_equal(rem_patterns_compile(rem_embedded_patterns(), &p, &err), 0);
	assert_int_equal(rem_patterns_match(p, "x\n  set-transportconfig -Foo $true\n", &scc), 1);
	assert_int_equal(scc, 0);
	assert_int_equal(rem_patterns_match(p, "New-DlpCompliancePolicy -Name x\n", &scc), 1);
	assert_int_equal(scc, 1);
	/* A word boundary: a longer name is not the cmdlet. */
	assert_int_equal(rem_patterns_match(p, "Get-TransportConfigX\n", &scc), 0);
	assert_int_equal(rem_patterns_match(p, "Invoke-MgGraphRequest -Method GET\n", &scc), 0);
	rem_patterns_free(p);
	assert_int_equal(rem_script_parse("bad.ps1", bad, &sc, &err), TATER_EFORMAT);
	assert_true(tu_contains(err.msg, "bad.ps1:4"));
}

static void test_params_and_result(void **state)
{
	struct tater_err err = {0};
	struct rem_catalog *c = NULL;
	const struct rem_script *sc;
	const char *ok[] = {"Level=restricted"};
	const char *unknown[] = {"Nope=1"};
	char *json = NULL;
	struct rem_result r;
	const char *out = "Run-Remediation: job x\n"
			  "{\"request_id\":\"other\",\"status\":\"failed\"}\n"
			  "{\"request_id\":\"r1\",\"script_id\":\"s\",\"status\":\"completed\","
			  "\"changes\":[{\"setting\":\"A.B\",\"before\":true,\"after\":false}],"
			  "\"errors\":[],\"guidance\":[],\"runtime\":\"5.1\"}\n";

	(void)state;
	assert_int_equal(rem_catalog_open(&c, &err), 0);
	sc = rem_catalog_find(c, "entra-guest-access-restricted");
	assert_int_equal(rem_params_json(sc, ok, 1, &json, &err), 0);
	assert_string_equal(json, "{\"Level\":\"restricted\"}");
	free(json);
	assert_int_equal(rem_params_json(sc, unknown, 1, &json, &err), TATER_EINVAL);
	assert_true(tu_contains(err.msg, "it takes: Level"));
	sc = rem_catalog_find(c, "spo-anyone-links-expiry");
	if (sc && sc->nparams && !strcmp(sc->params[0].type, "int")) {
		const char *days[] = {"Days=abc"};

		assert_int_equal(rem_params_json(sc, days, 1, &json, &err), TATER_EINVAL);
	}
	rem_catalog_free(c);
	assert_int_equal(rem_result_parse(out, "r1", &r), 0);
	assert_string_equal(r.status, "completed");
	assert_string_equal(r.runtime, "5.1");
	assert_int_equal(r.nchanges, 1);
	assert_string_equal(r.changes_text, "A.B: true -> false");
	rem_result_free(&r);
	assert_int_equal(rem_result_parse(out, "r2", &r), -1);
}

/* ---- through tater-sim ---------------------------------------------------------------- */

struct fx {
	char *dir, *store, *key, *secret, *wh;
	struct simproc *sp;
	char *alltext; /* every output seen, to look for the token */
};

static void keep_text(struct fx *f, const char *a, const char *b)
{
	size_t n = strlen(f->alltext ? f->alltext : "") + strlen(a ? a : "") +
		   strlen(b ? b : "") + 1;
	char *t = malloc(n);

	snprintf(t, n, "%s%s%s", f->alltext ? f->alltext : "", a ? a : "", b ? b : "");
	free(f->alltext);
	f->alltext = t;
}

/* tater --store S --key-file K args... with extra environment; out+err kept. */
static int run(struct fx *f, char *const *env, char **out, ...)
{
	char *argv[40], *o = NULL, *e = NULL;
	int n = 0, rc;
	va_list ap;
	const char *a;

	argv[n++] = (char *)tu_bin("TATER_BIN");
	argv[n++] = "--store";
	argv[n++] = f->store;
	argv[n++] = "--key-file";
	argv[n++] = f->key;
	va_start(ap, out);
	while ((a = va_arg(ap, const char *)) != NULL && n < 39)
		argv[n++] = (char *)a;
	va_end(ap);
	argv[n] = NULL;
	rc = tu_run(argv, NULL, env, &o, &e);
	keep_text(f, o, e);
	if (out) {
		size_t len = strlen(o ? o : "") + strlen(e ? e : "") + 1;

		*out = malloc(len);
		snprintf(*out, len, "%s%s", o ? o : "", e ? e : "");
	}
	free(o);
	free(e);
	return rc;
}

static char *const fast_env[] = {"TATER_REMEDIATE_POLL_MS=200", NULL};

static struct fx *fx_new(const char *const *sim_args, const char *token, int enable)
{
	struct fx *f = calloc(1, sizeof(*f));
	char url[512], *out = NULL;
	const char *args[16] = {"--clock-speed", "20", NULL};
	int n = 2;

	for (size_t i = 0; sim_args && sim_args[i] && n < 15; i++)
		args[n++] = sim_args[i];
	args[n] = NULL;
	f->sp = simproc_start(args);
	f->dir = tu_tmpdir("remediate");
	f->store = tu_path(f->dir, "tater.db");
	f->key = tu_path(f->dir, "key");
	f->secret = tu_path(f->dir, "secret");
	f->wh = tu_path(f->dir, "webhook");
	tu_write_file(f->key, "remediation test passphrase\n", 0600);
	tu_write_file(f->secret, SIMPROC_SECRET "\n", 0600);
	snprintf(url, sizeof(url), "%s/webhooks?token=%s\n", simproc_url(f->sp),
		 token ? token : SIMPROC_WEBHOOK_TOKEN);
	tu_write_file(f->wh, url, 0600);
	assert_int_equal(run(f, NULL, NULL, "db", "init", NULL), 0);
	if (run(f, NULL, &out, "tenant", "add", "Sim", "--tenant-id", SIMPROC_TENANT,
		"--client-id", SIMPROC_CLIENT_ID, "--client-secret-file", f->secret, "--cloud",
		simproc_url(f->sp), NULL) != 0)
		fail_msg("tenant add: %s", out);
	free(out);
	out = NULL;
	if (enable && run(f, NULL, &out, "remediation", "setup", "--webhook-url-file", f->wh,
			  "--client-id", SIMPROC_CLIENT_ID, "--automation-account", ACCOUNT,
			  "--enable", NULL) != 0)
		fail_msg("remediation setup: %s", out);
	free(out);
	return f;
}

static void fx_free(struct fx *f)
{
	char *out = NULL;

	/* Whatever happened, the chain holds and the token never reached an output. */
	if (run(f, NULL, &out, "db", "verify", NULL) != 0)
		fail_msg("db verify: %s", out);
	free(out);
	if (tu_contains(f->alltext, SIMPROC_WEBHOOK_TOKEN) || tu_contains(f->alltext, "bad-token"))
		fail_msg("the webhook token was printed:\n%s", f->alltext);
	simproc_stop(f->sp);
	tu_rmtree(f->dir);
	free(f->dir);
	free(f->store);
	free(f->key);
	free(f->secret);
	free(f->wh);
	free(f->alltext);
	free(f);
}

static char *query(struct fx *f, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	char *out = NULL;

	assert_int_equal(sqlite3_open_v2(f->store, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		out = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return out ? out : strdup("");
}

static void test_end_to_end_pass(void **state)
{
	struct fx *f = fx_new(NULL, NULL, 0);
	char *out = NULL, *v;

	(void)state;
	/* Off: refused, saying how to turn it on. */
	assert_int_equal(run(f, fast_env, &out, "remediate", CONTROL, "--yes", NULL), 2);
	assert_true(tu_contains(out, "Settings > Integrations"));
	free(out);
	assert_int_equal(run(f, NULL, &out, "remediation", "setup", "--webhook-url-file", f->wh,
			     "--client-id", SIMPROC_CLIENT_ID, "--automation-account", ACCOUNT,
			     "--enable", NULL),
			 0);
	free(out);
	assert_int_equal(run(f, NULL, &out, "remediation", "show", NULL), 0);
	assert_true(tu_contains(out, "token=****"));
	free(out);
	assert_int_equal(run(f, NULL, &out, "remediation", "test", NULL), 0);
	assert_true(tu_contains(out, "aa-sim reachable"));
	free(out);
	/* Without --yes nothing happens; --readonly refuses. */
	assert_int_equal(run(f, fast_env, &out, "remediate", CONTROL, NULL), 64);
	free(out);
	assert_int_equal(run(f, fast_env, &out, "--readonly", "remediate", CONTROL, "--yes", NULL),
			 2);
	assert_true(tu_contains(out, "read-only"));
	free(out);

	run(f, NULL, &out, "scan", "--no-pacing", NULL);
	free(out);
	assert_int_equal(run(f, NULL, &out, "controls", "--json", NULL) <= 1, 1);
	free(out);
	if (run(f, fast_env, &out, "remediate", CONTROL, "--yes", "--rescan", NULL) != 0)
		fail_msg("remediate: %s", out);
	assert_true(tu_contains(out, "Running"));
	assert_true(tu_contains(out, "Completed"));
	assert_true(tu_contains(out, "allowedToCreateApps: true -> false"));
	assert_true(tu_contains(out, "rescan: fail before, pass after"));
	free(out);
	/* Idempotent: the second run changes nothing. */
	assert_int_equal(run(f, fast_env, &out, "remediate", CONTROL, "--yes", NULL), 0);
	assert_true(tu_contains(out, "result: no_change"));
	free(out);
	v = query(f, "SELECT group_concat(action || ':' || outcome, ' ') FROM activity_log"
		     " WHERE action LIKE 'remediation.%'");
	assert_true(tu_contains(v, "remediation.request:refused"));
	assert_true(tu_contains(v, "remediation.setup:ok"));
	assert_true(tu_contains(v, "remediation.request:ok"));
	assert_true(tu_contains(v, "remediation.webhook:ok"));
	assert_true(tu_contains(v, "remediation.job:status"));
	assert_true(tu_contains(v, "remediation.outcome:ok"));
	free(v);
	v = query(f, "SELECT status || ' ' || job_status FROM remediation_requests ORDER BY id"
		     " LIMIT 1");
	assert_string_equal(v, "completed Completed");
	free(v);
	fx_free(f);
}

static void test_webhook_errors(void **state)
{
	const char *expired[] = {"--webhook-expired", NULL};
	const char *flaky[] = {"--webhook-fail-first", "2", NULL};
	struct fx *f;
	char *out = NULL, *v;

	(void)state;
	f = fx_new(expired, NULL, 1);
	assert_int_equal(run(f, fast_env, &out, "remediate", CONTROL, "--yes", NULL), 2);
	assert_true(tu_contains(out, "400: Webhook has expired."));
	free(out);
	v = query(f, "SELECT status FROM remediation_requests");
	assert_string_equal(v, "error");
	free(v);
	fx_free(f);

	f = fx_new(NULL, "bad-token", 1);
	assert_int_equal(run(f, fast_env, &out, "remediate", CONTROL, "--yes", NULL), 2);
	assert_true(tu_contains(out, "webhook does not exist (404"));
	free(out);
	fx_free(f);

	f = fx_new(flaky, NULL, 1);
	if (run(f, fast_env, &out, "remediate", CONTROL, "--yes", NULL) != 0)
		fail_msg("500 then success: %s", out);
	assert_true(tu_contains(out, "webhook: retry 3"));
	free(out);
	v = query(f, "SELECT count(*) FROM activity_log WHERE action = 'remediation.webhook'"
		     " AND outcome = 'retry'");
	assert_string_equal(v, "2");
	free(v);
	fx_free(f);
}

static void test_failed_job(void **state)
{
	const char *failing[] = {"--job-outcome", "failed", NULL};
	struct fx *f = fx_new(failing, NULL, 1);
	char *out = NULL, *v;

	(void)state;
	assert_int_equal(run(f, fast_env, &out, "remediate", CONTROL, "--yes", NULL), 1);
	assert_true(tu_contains(out, "Failed"));
	assert_true(tu_contains(out, "errors:"));
	assert_true(tu_contains(out, "Simulated failure"));
	free(out);
	v = query(f, "SELECT status || ' ' || (output IS NOT NULL) FROM remediation_requests");
	assert_string_equal(v, "failed 1");
	free(v);
	fx_free(f);
}

static void test_timeout_and_resume(void **state)
{
	const char *slow[] = {"--job-running-s", "60", NULL};
	char *const env[] = {"TATER_REMEDIATE_POLL_MS=200", "TATER_REMEDIATE_TIMEOUT_MS=1500",
			     NULL};
	char *const env_long[] = {"TATER_REMEDIATE_POLL_MS=200", NULL};
	struct fx *f = fx_new(slow, NULL, 1);
	char *out = NULL, *v, *job;

	(void)state;
	assert_int_equal(run(f, env, &out, "remediate", CONTROL, "--yes", NULL), 1);
	assert_true(tu_contains(out, "still running in Azure, job "));
	free(out);
	job = query(f, "SELECT job_id FROM remediation_requests");
	assert_true(strlen(job) == 36);
	v = query(f, "SELECT status FROM remediation_requests");
	assert_string_equal(v, "timeout");
	free(v);
	/* Trackable: resumed, it follows the same job to its end (60 s / 20 = 3 s). */
	if (run(f, env_long, &out, "remediate", CONTROL, "--resume", NULL) != 0)
		fail_msg("resume: %s", out);
	assert_true(tu_contains(out, job));
	assert_true(tu_contains(out, "Completed"));
	free(out);
	free(job);
	v = query(f, "SELECT status FROM remediation_requests");
	assert_string_equal(v, "completed");
	free(v);
	fx_free(f);
}

static void test_second_request_refused(void **state)
{
	const char *slow[] = {"--job-running-s", "60", NULL};
	struct fx *f = fx_new(slow, NULL, 1);
	char *argv[] = {(char *)tu_bin("TATER_BIN"), "--store", f->store, "--key-file", f->key,
			"remediate", CONTROL, "--yes", NULL};
	char **env, *out = NULL, *v = NULL;
	size_t ne = 0;
	pid_t pid;
	int status;

	(void)state;
	while (environ[ne])
		ne++;
	env = calloc(ne + 2, sizeof(*env));
	memcpy(env, environ, ne * sizeof(*env));
	env[ne] = "TATER_REMEDIATE_POLL_MS=200";
	assert_int_equal(posix_spawn(&pid, argv[0], NULL, NULL, argv, env), 0);
	for (int i = 0; i < 200; i++) {
		free(v);
		v = query(f, "SELECT count(*) FROM remediation_requests WHERE job_id IS NOT NULL");
		if (!strcmp(v, "1"))
			break;
		usleep(50000);
	}
	assert_string_equal(v, "1");
	free(v);
	assert_int_equal(run(f, fast_env, &out, "remediate", CONTROL, "--yes", NULL), 2);
	assert_true(tu_contains(out, "already being remediated"));
	assert_true(tu_contains(out, "started it at"));
	free(out);
	kill(pid, SIGTERM);
	waitpid(pid, &status, 0);
	free(env);
	v = query(f, "SELECT count(*) FROM activity_log WHERE action = 'remediation.request'"
		     " AND outcome = 'refused'");
	assert_string_equal(v, "1");
	free(v);
	fx_free(f);
}

/* A viewer (any user without a role, the store being someone else's) may read the settings
 * but neither change them nor remediate; each refusal names the user and the role, and no
 * request row is made.  A responder may remediate but not change the settings. */
static void test_viewer_refused(void **state)
{
	struct fx *f = fx_new(NULL, NULL, 1);
	struct store *s = NULL;
	struct tater_err err = {0};
	struct rem_config cfg, cur;
	struct rem_catalog *cat = NULL;
	struct rem_outcome out;
	struct rem_run_opts ro = {0};
	struct tenant t;
	char *v, me[64];

	(void)state;
	assert_int_equal(store_open(&s, f->store, 0, &err), 0);
	snprintf(me, sizeof(me), "%s", store_actor(s)); /* the store's creator: an admin */
	assert_int_equal(tenant_get_id(s, 1, &t, &err), 0);
	assert_int_equal(rem_catalog_open(&cat, &err), 0);
	store_set_actor(s, "mallory");
	/* Reading is allowed. */
	assert_int_equal(rem_config_get(s, t.id, &cur, &err), 0);
	assert_true(cur.enabled);
	/* Changing the settings is not (the vault is never reached: NULL). */
	cfg = cur;
	cfg.enabled = 0;
	memset(&err, 0, sizeof(err));
	assert_int_equal(rem_config_save(s, NULL, t.id, &cfg, NULL, &err), TATER_EPERM);
	assert_true(tu_contains(err.msg, "mallory"));
	assert_true(tu_contains(err.msg, "admin"));
	/* Nor remediating. */
	memset(&err, 0, sizeof(err));
	assert_int_equal(rem_check_allowed(s, &t, &cfg, &err), TATER_EPERM);
	assert_true(tu_contains(err.msg, "mallory"));
	memset(&err, 0, sizeof(err));
	assert_int_equal(rem_run(s, NULL, &t, CONTROL, rem_catalog_for_control(cat, CONTROL, NULL),
				 NULL, &ro, &out, &err),
			 TATER_EPERM);
	rem_outcome_free(&out);
	/* A responder may remediate, still not change the settings. */
	store_set_actor(s, me);
	assert_int_equal(store_role_set(s, "mallory", STORE_ROLE_RESPONDER, &err), 0);
	store_set_actor(s, "mallory");
	memset(&err, 0, sizeof(err));
	assert_int_equal(rem_check_allowed(s, &t, &cfg, &err), 0);
	assert_int_equal(rem_config_save(s, NULL, t.id, &cfg, NULL, &err), TATER_EPERM);
	rem_catalog_free(cat);
	store_close(s);
	v = query(f, "SELECT count(*) FROM remediation_requests");
	assert_string_equal(v, "0");
	free(v);
	v = query(f, "SELECT enabled FROM remediation_config");
	assert_string_equal(v, "1");
	free(v);
	v = query(f, "SELECT count(*) FROM activity_log WHERE action = 'remediation.request'"
		     " AND outcome = 'refused' AND os_user = 'mallory'");
	assert_string_equal(v, "1");
	free(v);
	fx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_runtime_agrees_with_runbook),
	    cmocka_unit_test(test_every_script_embedded),
	    cmocka_unit_test(test_patterns_and_header),
	    cmocka_unit_test(test_params_and_result),
	    cmocka_unit_test(test_end_to_end_pass),
	    cmocka_unit_test(test_webhook_errors),
	    cmocka_unit_test(test_failed_job),
	    cmocka_unit_test(test_timeout_and_resume),
	    cmocka_unit_test(test_second_request_refused),
	    cmocka_unit_test(test_viewer_refused),
	};

	if (!getenv("TATER_SIM")) {
		fprintf(stderr, "needs $TATER_SIM\n");
		return 77;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
