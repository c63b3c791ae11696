/* test_store.c - opening, migrating, file modes, settings, objects, and two
 * processes writing at once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "tater/activity.h"
#include "tater/store.h"
#include "tater/tenants.h"
#include "testutil.h"

static void test_create_modes_and_version(void **state)
{
	char *dir = tu_tmpdir("store"), *path = tu_path(dir, "sub/tater/x.db");
	struct tater_err err = {0};
	struct store *s = NULL;
	struct stat st;
	char *parent = tu_path(dir, "sub/tater");

	(void)state;
	/* Without STORE_CREATE a missing store is an error that says what to do. */
	assert_int_equal(store_open(&s, path, 0, &err), TATER_ENOTFOUND);
	assert_true(tu_contains(err.msg, "tater db init"));
	assert_int_equal(store_open(&s, path, STORE_CREATE, &err), 0);
	assert_int_equal(store_schema_version(s), STORE_SCHEMA_VERSION);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(stat(parent, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	store_close(s);
	tu_rmtree(dir);
	free(parent);
	free(path);
	free(dir);
}

static void test_migrate_empty_file(void **state)
{
	char *dir = tu_tmpdir("store"), *path = tu_path(dir, "empty.db");
	struct tater_err err = {0};
	struct store *s = NULL;

	(void)state;
	tu_write_file(path, "", 0600); /* a zero-byte file is an empty SQLite database */
	assert_int_equal(store_open(&s, path, 0, &err), 0);
	assert_int_equal(store_schema_version(s), STORE_SCHEMA_VERSION);
	/* Every table of the product is there. */
	assert_int_equal(store_exec(s, "SELECT * FROM tenants, scans, objects, control_results,"
				       " remediation_requests, playbooks, playbook_revisions,"
				       " incidents, incident_steps, alerts, alert_notes,"
				       " data_assets, data_flows, privacy_assessments,"
				       " retention_policies, cloud_accounts, settings LIMIT 1",
				    NULL),
			 0);
	store_close(s);
	/* Opening again does not migrate twice. */
	assert_int_equal(store_open(&s, path, 0, &err), 0);
	store_close(s);
	tu_rmtree(dir);
	free(path);
	free(dir);
}

/* A store written by the previous version is migrated forward on open, in place. */
static void test_migrate_from_version_1(void **state)
{
	char *dir = tu_tmpdir("store"), *path = tu_path(dir, "v1.db");
	struct tater_err err = {0};
	struct store *s = NULL;
	sqlite3_stmt *st;

	(void)state;
	assert_int_equal(store_open(&s, path, STORE_CREATE, &err), 0);
	/* Make it what version 1 wrote: no ITDR indexes, user_version 1, with data. */
	assert_int_equal(store_exec(s, "DROP INDEX alerts_scope_detected;"
				       " DROP INDEX alert_signins_signin; PRAGMA user_version = 1;"
				       " INSERT INTO settings VALUES ('', 'kept', 'yes', 'x')",
				    &err),
			 0);
	store_close(s);
	assert_int_equal(store_open(&s, path, 0, &err), 0);
	assert_int_equal(store_schema_version(s), STORE_SCHEMA_VERSION);
	assert_int_equal(sqlite3_prepare_v2(store_db(s),
					    "SELECT (SELECT count(*) FROM sqlite_master WHERE name IN"
					    " ('alerts_scope_detected', 'alert_signins_signin')),"
					    " (SELECT value FROM settings WHERE key = 'kept')",
					    -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 2);
	assert_string_equal((const char *)sqlite3_column_text(st, 1), "yes");
	sqlite3_finalize(st);
	store_close(s);
	tu_rmtree(dir);
	free(path);
	free(dir);
}

static void test_future_version_refused_untouched(void **state)
{
	char *dir = tu_tmpdir("store"), *path = tu_path(dir, "future.db");
	struct tater_err err = {0};
	struct store *s = NULL;
	sqlite3 *db;
	char *before, *after;
	size_t blen, alen;

	(void)state;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE t(x); PRAGMA user_version = 99", NULL,
				      NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	before = tu_read_file(path, &blen);
	assert_int_equal(store_open(&s, path, 0, &err), TATER_ESCHEMA);
	assert_null(s);
	assert_true(tu_contains(err.msg, "newer"));
	assert_true(tu_contains(err.msg, "not changed"));
	after = tu_read_file(path, &alen);
	assert_int_equal(blen, alen);
	assert_memory_equal(before, after, blen);
	free(before);
	free(after);
	tu_rmtree(dir);
	free(path);
	free(dir);
}

static void test_not_a_database(void **state)
{
	char *dir = tu_tmpdir("store"), *path = tu_path(dir, "notes.txt");
	struct tater_err err = {0};
	struct store *s = NULL;

	(void)state;
	tu_write_file(path, "these are not the droids you are looking for, not at all\n", 0600);
	assert_int_not_equal(store_open(&s, path, 0, &err), 0);
	assert_true(tu_contains(err.msg, "not a tater store"));
	tu_rmtree(dir);
	free(path);
	free(dir);
}

static void test_settings_and_objects(void **state)
{
	char *dir = tu_tmpdir("store"), *path = tu_path(dir, "o.db");
	struct tater_err err = {0};
	struct store *s = NULL;
	int64_t scan = 0;
	char *v = NULL;
	sqlite3_stmt *st;

	(void)state;
	assert_int_equal(store_open(&s, path, STORE_CREATE, &err), 0);
	assert_int_equal(store_setting_set(s, "", "ui.theme", "dark", &err), 0);
	assert_int_equal(store_setting_set(s, "", "ui.theme", "mono", &err), 0);
	assert_int_equal(store_setting_get(s, "", "ui.theme", &v, &err), 0);
	assert_string_equal(v, "mono");
	free(v);
	assert_int_equal(store_setting_set(s, "", "ui.theme", NULL, &err), 0);
	assert_int_equal(store_setting_get(s, "", "ui.theme", &v, &err), 0);
	assert_null(v);

	assert_int_equal(store_scan_start(s, "tenant:1", "m365", &scan, &err), 0);
	assert_int_equal(store_begin(s, &err), 0);
	assert_int_equal(store_objects_clear(s, "tenant:1", "graph.users", &err), 0);
	assert_int_equal(store_object_put(s, scan, "tenant:1", "graph.users", "user", "u1",
					  "{\"id\":\"u1\",\"accountEnabled\":true}", &err),
			 0);
	assert_int_equal(store_object_put(s, scan, "tenant:1", "graph.users", "user", "u2",
					  "{\"id\":\"u2\",\"accountEnabled\":false}", &err),
			 0);
	assert_int_equal(store_source_status(s, scan, "tenant:1", "graph.riskyUsers", "denied",
					     403, 0, "needs IdentityRiskyUser.Read.All", &err),
			 0);
	assert_int_equal(store_commit(s, &err), 0);
	assert_int_equal(store_scan_finish(s, scan, "complete", NULL, &err), 0);
	/* Objects are JSON the checks can query with SQLite's JSON functions. */
	assert_int_equal(sqlite3_prepare_v2(store_db(s),
					    "SELECT count(*) FROM objects WHERE source = 'graph.users'"
					    " AND json_extract(json, '$.accountEnabled') = 1",
					    -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 1);
	sqlite3_finalize(st);
	store_close(s);
	tu_rmtree(dir);
	free(path);
	free(dir);
}

static void test_interrupted_scan_marked(void **state)
{
	char *dir = tu_tmpdir("store"), *path = tu_path(dir, "i.db");
	struct tater_err err = {0};
	struct store *s = NULL;
	sqlite3_stmt *st;
	pid_t pid;
	int status;

	(void)state;
	assert_int_equal(store_open(&s, path, STORE_CREATE, &err), 0);
	store_close(s);
	pid = fork();
	if (pid == 0) {
		int64_t scan;

		if (store_open(&s, path, 0, NULL) < 0 ||
		    store_scan_start(s, "tenant:1", "m365", &scan, NULL) < 0)
			_exit(1);
		_exit(0); /* dies without finishing the scan */
	}
	waitpid(pid, &status, 0);
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(store_open(&s, path, 0, &err), 0);
	assert_int_equal(sqlite3_prepare_v2(store_db(s), "SELECT status FROM scans", -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "interrupted");
	sqlite3_finalize(st);
	store_close(s);
	tu_rmtree(dir);
	free(path);
	free(dir);
}

/* Two processes append to the activity log and write objects at the same
 * time; both succeed and the chain stays whole. */
static void test_two_writers(void **state)
{
	char *dir = tu_tmpdir("store"), *path = tu_path(dir, "w.db");
	struct tater_err err = {0};
	struct store *s = NULL;
	int64_t bad = 0, n = 0;
	pid_t pids[2];

	(void)state;
	assert_int_equal(store_open(&s, path, STORE_CREATE, &err), 0);
	store_close(s);
	for (int p = 0; p < 2; p++) {
		pids[p] = fork();
		if (pids[p] == 0) {
			struct tater_err e = {0};
			char key[32], scope[16];

			if (store_open(&s, path, 0, &e) < 0) {
				fprintf(stderr, "child %d: %s\n", p, e.msg);
				_exit(1);
			}
			snprintf(scope, sizeof(scope), "tenant:%d", p + 1);
			for (int i = 0; i < 150; i++) {
				snprintf(key, sizeof(key), "obj-%d", i);
				if (activity_append(s, "test.write", scope, "ok", NULL, &e) < 0 ||
				    store_begin(s, &e) < 0 ||
				    store_object_put(s, 1, scope, "graph.users", "user", key, "{}",
						     &e) < 0 ||
				    store_commit(s, &e) < 0) {
					fprintf(stderr, "child %d: %s\n", p, e.msg);
					_exit(1);
				}
			}
			store_close(s);
			_exit(0);
		}
	}
	for (int p = 0; p < 2; p++) {
		int status;

		waitpid(pids[p], &status, 0);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	assert_int_equal(store_open(&s, path, 0, &err), 0);
	assert_int_equal(activity_verify(s, &bad, &n, &err), 0);
	assert_int_equal(n, 300);
	store_close(s);
	tu_rmtree(dir);
	free(path);
	free(dir);
}

/* Per-tenant settings: defaults until set, checked values, admins only, each change in the
 * activity log, "" back to the default. */
static void test_tenant_settings(void **state)
{
	char *dir, *path, v[512], msg[200];
	struct store *s = tu_store_new("tset", "t.db", &dir, &path);
	struct tater_err err = {0};
	struct tenant t;
	sqlite3_stmt *st;

	(void)state;
	tenant_init(&t);
	snprintf(t.name, sizeof(t.name), "Contoso");
	snprintf(t.tenant_id, sizeof(t.tenant_id), "contoso.example");
	snprintf(t.client_id, sizeof(t.client_id), "11111111-1111-4111-8111-111111111111");
	assert_int_equal(tenant_save(s, &t, &err), 0);
	/* A name holding an escape sequence is refused: names reach every screen and log. */
	{
		struct tenant evil = t;
		const char *field = NULL;

		evil.id = 0;
		snprintf(evil.name, sizeof(evil.name), "Evil\x1b[2Jname");
		assert_int_equal(tenant_save(s, &evil, &err), TATER_EINVAL);
		assert_true(tu_contains(err.msg, "printable"));
		assert_int_equal(tenant_validate(&evil, &field, &err), TATER_EINVAL);
		assert_string_equal(field, "name");
	}

	assert_int_equal(tenant_setting_value(s, t.id, "itdr.ingest", v, sizeof(v), &err), 0);
	assert_string_equal(v, "on");
	assert_int_equal(tenant_setting_value(s, t.id, "itdr.first_days", v, sizeof(v), &err), 0);
	assert_string_equal(v, "30");
	assert_int_equal(tenant_setting_value(s, t.id, "nope", v, sizeof(v), &err), TATER_EINVAL);

	/* Checks, naming the setting. */
	assert_int_equal(tenant_setting_valid(tenant_setting_find("itdr.ingest"), "yes", msg,
					      sizeof(msg)),
			 -1);
	assert_true(tu_contains(msg, "itdr.ingest"));
	assert_int_equal(tenant_setting_valid(tenant_setting_find("itdr.first_days"), "0", msg,
					      sizeof(msg)),
			 -1);
	assert_int_equal(tenant_setting_valid(tenant_setting_find("dns.resolver"),
					      "http://resolver.example/resolve", msg, sizeof(msg)),
			 -1);
	assert_int_equal(tenant_setting_valid(tenant_setting_find("dns.resolver"),
					      "https://cloudflare-dns.com/dns-query", msg,
					      sizeof(msg)),
			 0);
	/* An escape sequence, or a URL that would not fit, never gets in. */
	assert_int_equal(tenant_setting_valid(tenant_setting_find("dns.resolver"),
					      "https://dns.example/resolve?x=\x1b[2J", msg,
					      sizeof(msg)),
			 -1);
	assert_true(tu_contains(msg, "printable"));
	{
		char big[700];

		memset(big, 'a', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		memcpy(big, "https://", 8);
		assert_int_equal(tenant_setting_valid(tenant_setting_find("dns.resolver"), big,
						      msg, sizeof(msg)),
				 -1);
		assert_true(tu_contains(msg, "500"));
	}
	assert_int_equal(tenant_setting_save(s, t.id, "itdr.first_days", "9999", &err),
			 TATER_EINVAL);

	/* Saved: what the readers see, under the tenant's scope. */
	assert_int_equal(tenant_setting_save(s, t.id, "itdr.ingest", "off", &err), 0);
	assert_int_equal(tenant_setting_value(s, t.id, "itdr.ingest", v, sizeof(v), &err), 1);
	assert_string_equal(v, "off");
	{
		char scope[32], *raw = NULL;

		tenant_scope(t.id, scope, sizeof(scope));
		assert_int_equal(store_setting_get(s, scope, "itdr.ingest", &raw, &err), 0);
		assert_string_equal(raw, "off");
		free(raw);
	}
	assert_int_equal(sqlite3_prepare_v2(store_db(s),
					    "SELECT count(*) FROM activity_log WHERE action ="
					    " 'tenant.setting' AND target = 'Contoso' AND detail ="
					    " 'itdr.ingest = off'",
					    -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 1);
	sqlite3_finalize(st);
	/* Back to the default. */
	assert_int_equal(tenant_setting_save(s, t.id, "itdr.ingest", "", &err), 0);
	assert_int_equal(tenant_setting_value(s, t.id, "itdr.ingest", v, sizeof(v), &err), 0);
	assert_string_equal(v, "on");
	/* Not an admin: refused, nothing changed; nor may they add, change or remove a tenant. */
	store_set_actor(s, "mallory");
	assert_int_equal(tenant_setting_save(s, t.id, "net.pacing", "off", &err), TATER_EPERM);
	assert_int_equal(tenant_setting_value(s, t.id, "net.pacing", v, sizeof(v), &err), 0);
	snprintf(t.name, sizeof(t.name), "Renamed");
	assert_int_equal(tenant_save(s, &t, &err), TATER_EPERM);
	assert_true(tu_contains(err.msg, "admin"));
	assert_int_equal(tenant_delete(s, t.id, &err), TATER_EPERM);
	{
		struct tenant other;

		tenant_init(&other);
		snprintf(other.name, sizeof(other.name), "Fabrikam");
		snprintf(other.tenant_id, sizeof(other.tenant_id), "fabrikam.example");
		snprintf(other.client_id, sizeof(other.client_id),
			 "11111111-1111-4111-8111-111111111111");
		assert_int_equal(tenant_save(s, &other, &err), TATER_EPERM);
	}
	assert_int_equal(tenant_get(s, "Contoso", &t, &err), 0);
	tu_store_free(s, dir, path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_modes_and_version),
		cmocka_unit_test(test_migrate_empty_file),
		cmocka_unit_test(test_migrate_from_version_1),
		cmocka_unit_test(test_future_version_refused_untouched),
		cmocka_unit_test(test_not_a_database),
		cmocka_unit_test(test_settings_and_objects),
		cmocka_unit_test(test_interrupted_scan_marked),
		cmocka_unit_test(test_two_writers),
		cmocka_unit_test(test_tenant_settings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
