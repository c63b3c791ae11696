/* test_cli_db.c - `tater db ...` as a user runs it: the real binary. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "testutil.h"

static const char PASS[] = "tater test passphrase 1";

struct fx {
	char *dir, *store, *key;
};

static int run(struct fx *f, const char *key, char **out, char **err, ...)
{
	char *argv[16];
	int n = 0, rc;
	va_list ap;
	const char *a;

	argv[n++] = (char *)tu_bin("TATER_BIN");
	argv[n++] = "--store";
	argv[n++] = f->store;
	if (key) {
		argv[n++] = "--key-file";
		argv[n++] = (char *)key;
	}
	va_start(ap, err);
	while ((a = va_arg(ap, const char *)) != NULL && n < 15)
		argv[n++] = (char *)a;
	va_end(ap);
	argv[n] = NULL;
	rc = tu_run(argv, NULL, NULL, out, err);
	return rc;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	char *out = NULL, *err = NULL;

	f->dir = tu_tmpdir("clidb");
	f->store = tu_path(f->dir, "data/tater.db");
	f->key = tu_path(f->dir, "key");
	tu_write_file(f->key, "tater test passphrase 1\n", 0600);
	assert_int_equal(run(f, f->key, &out, &err, "db", "init", NULL), 0);
	assert_true(tu_contains(out, "Created the store"));
	free(out);
	free(err);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	tu_rmtree(f->dir);
	free(f->dir);
	free(f->store);
	free(f->key);
	free(f);
	return 0;
}

static char *snapshot(struct fx *f, size_t *len)
{
	return tu_read_file(f->store, len);
}

static void test_init_info_verify(void **state)
{
	struct fx *f = *state;
	char *out = NULL, *err = NULL;
	struct stat st;

	assert_int_equal(stat(f->store, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(run(f, NULL, &out, &err, "db", "info", NULL), 0);
	assert_true(tu_contains(out, "schema version:  2"));
	assert_true(tu_contains(out, "argon2id13"));
	assert_false(tu_contains(out, PASS));
	free(out);
	free(err);
	assert_int_equal(run(f, NULL, &out, &err, "db", "info", "--json", NULL), 0);
	assert_true(tu_contains(out, "\"schema_version\": 2"));
	free(out);
	free(err);
	assert_int_equal(run(f, NULL, &out, &err, "db", "verify", NULL), 0);
	assert_true(tu_contains(out, "integrity:     ok"));
	assert_true(tu_contains(out, "hash chain intact"));
	free(out);
	free(err);
	/* A second init says so and changes nothing. */
	assert_int_equal(run(f, f->key, &out, &err, "db", "init", NULL), 0);
	assert_true(tu_contains(out, "already initialised"));
	free(out);
	free(err);
}

static void test_wrong_passphrase_untouched(void **state)
{
	struct fx *f = *state;
	char *out = NULL, *err = NULL, *bad = tu_path(f->dir, "bad"), *newk = tu_path(f->dir, "new");
	char *before, *after;
	size_t bl, al;

	tu_write_file(bad, "not it\n", 0600);
	tu_write_file(newk, "another passphrase\n", 0600);
	before = snapshot(f, &bl);
	assert_int_equal(run(f, bad, &out, &err, "db", "passwd", "--new-key-file", newk, NULL), 2);
	assert_true(tu_contains(err, "wrong passphrase"));
	assert_false(tu_contains(err, "not it"));
	after = snapshot(f, &al);
	assert_int_equal(bl, al);
	assert_memory_equal(before, after, bl);
	free(out);
	free(err);
	free(before);
	free(after);
	/* The right one works, and then only the new one does. */
	assert_int_equal(run(f, f->key, &out, &err, "db", "passwd", "--new-key-file", newk, NULL),
			 0);
	free(out);
	free(err);
	assert_int_equal(run(f, f->key, &out, &err, "db", "passwd", "--new-key-file", newk, NULL),
			 2);
	assert_true(tu_contains(err, "wrong passphrase"));
	free(out);
	free(err);
	free(bad);
	free(newk);
}

static void test_key_file_problems(void **state)
{
	struct fx *f = *state;
	char *out = NULL, *err = NULL, *loose = tu_path(f->dir, "loose"),
	     *missing = tu_path(f->dir, "nope"), *newk = tu_path(f->dir, "new");
	char *before, *after;
	size_t bl, al;

	tu_write_file(loose, "tater test passphrase 1\n", 0644);
	tu_write_file(newk, "another passphrase\n", 0600);
	before = snapshot(f, &bl);
	assert_int_equal(run(f, loose, &out, &err, "db", "passwd", "--new-key-file", newk, NULL),
			 2);
	assert_true(tu_contains(err, "mode 0644"));
	assert_true(tu_contains(err, "chmod 600"));
	free(out);
	free(err);
	assert_int_equal(run(f, missing, &out, &err, "db", "passwd", "--new-key-file", newk, NULL),
			 2);
	assert_true(tu_contains(err, "cannot read"));
	assert_true(tu_contains(err, "nope"));
	free(out);
	free(err);
	/* No key file and no terminal: a clear message, not a hang. */
	assert_int_equal(run(f, NULL, &out, &err, "db", "passwd", NULL), 2);
	assert_true(tu_contains(err, "--key-file"));
	free(out);
	free(err);
	after = snapshot(f, &al);
	assert_int_equal(bl, al);
	assert_memory_equal(before, after, bl);
	free(before);
	free(after);
	free(loose);
	free(missing);
	free(newk);
}

static void tamper(struct fx *f, const char *sql)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(f->store, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static void test_verify_finds_tampering(void **state)
{
	struct fx *f = *state;
	char *out = NULL, *err = NULL, *newk = tu_path(f->dir, "new");

	/* A few more entries: init wrote #1, passwd writes #2. */
	tu_write_file(newk, "tater test passphrase 1\n", 0600);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(
			run(f, f->key, &out, &err, "db", "passwd", "--new-key-file", newk, NULL), 0);
		free(out);
		free(err);
	}
	tamper(f, "DROP TRIGGER activity_no_update; UPDATE activity_log SET os_user = 'someone'"
		  " WHERE id = 3");
	assert_int_equal(run(f, NULL, &out, &err, "db", "verify", NULL), 1);
	assert_true(tu_contains(out, "BROKEN at entry #3"));
	free(out);
	free(err);
	assert_int_equal(run(f, NULL, &out, &err, "db", "verify", "--json", NULL), 1);
	assert_true(tu_contains(out, "\"first_bad_entry\": 3"));
	free(out);
	free(err);
	free(newk);
}

static void test_verify_finds_deletion(void **state)
{
	struct fx *f = *state;
	char *out = NULL, *err = NULL, *newk = tu_path(f->dir, "new");

	tu_write_file(newk, "tater test passphrase 1\n", 0600);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(
			run(f, f->key, &out, &err, "db", "passwd", "--new-key-file", newk, NULL), 0);
		free(out);
		free(err);
	}
	tamper(f, "DROP TRIGGER activity_no_delete; DELETE FROM activity_log WHERE id = 2");
	assert_int_equal(run(f, NULL, &out, &err, "db", "verify", NULL), 1);
	assert_true(tu_contains(out, "#2"));
	free(out);
	free(err);
	free(newk);
}

static void test_future_store_refused(void **state)
{
	struct fx *f = *state;
	char *out = NULL, *err = NULL, *before, *after;
	size_t bl, al;

	tamper(f, "PRAGMA user_version = 7");
	before = snapshot(f, &bl);
	assert_int_equal(run(f, NULL, &out, &err, "db", "info", NULL), 2);
	assert_true(tu_contains(err, "newer than this tater"));
	after = snapshot(f, &al);
	assert_int_equal(bl, al);
	assert_memory_equal(before, after, bl);
	free(before);
	free(after);
	free(out);
	free(err);
}

static void test_roles(void **state)
{
	struct fx *f = *state;
	char *out = NULL, *err = NULL;

	/* The creator is admin; anyone else is a viewer until granted. */
	assert_int_equal(run(f, NULL, &out, &err, "db", "role", NULL), 0);
	assert_true(tu_contains(out, ": admin"));
	free(out);
	free(err);
	assert_int_equal(run(f, NULL, &out, &err, "db", "role", "alice", NULL), 0);
	assert_true(tu_contains(out, "alice: viewer"));
	free(out);
	free(err);
	assert_int_equal(run(f, NULL, &out, &err, "db", "role", "alice", "responder", NULL), 0);
	free(out);
	free(err);
	assert_int_equal(run(f, NULL, &out, &err, "db", "role", "alice", NULL), 0);
	assert_true(tu_contains(out, "alice: responder"));
	free(out);
	free(err);
	assert_int_equal(run(f, NULL, &out, &err, "db", "role", "alice", "root-of-all", NULL), 64);
	free(out);
	free(err);
	/* A user name is a login name: an escape sequence is refused, never echoed. */
	assert_int_equal(run(f, NULL, &out, &err, "db", "role", "x\x1b[2Jy", "admin", NULL), 2);
	assert_true(tu_contains(err, "printable"));
	assert_false(tu_contains(out, "\x1b"));
	assert_false(tu_contains(err, "\x1b"));
	free(out);
	free(err);
	/* Read-only mode changes nothing; the grant is in the activity log. */
	{
		char *argv[] = {(char *)tu_bin("TATER_BIN"), "--store", f->store, "--readonly", "db",
				"role", "alice", "admin", NULL};

		assert_int_equal(tu_run(argv, NULL, NULL, &out, &err), 2);
		assert_true(tu_contains(err, "read-only"));
		free(out);
		free(err);
	}
	assert_int_equal(run(f, NULL, &out, &err, "db", "verify", NULL), 0);
	free(out);
	free(err);
}

static void test_help_version_usage(void **state)
{
	char *argv[3] = {(char *)tu_bin("TATER_BIN"), "--version", NULL};
	char *out = NULL, *err = NULL;

	(void)state;
	assert_int_equal(tu_run(argv, NULL, NULL, &out, &err), 0);
	assert_true(tu_contains(out, "tater 0."));
	free(out);
	free(err);
	argv[1] = "--help";
	assert_int_equal(tu_run(argv, NULL, NULL, &out, &err), 0);
	assert_true(tu_contains(out, "usage: tater"));
	free(out);
	free(err);
	argv[1] = "frobnicate";
	assert_int_equal(tu_run(argv, NULL, NULL, &out, &err), 64);
	assert_true(tu_contains(err, "unknown command"));
	free(out);
	free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_init_info_verify, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_passphrase_untouched, setup, teardown),
		cmocka_unit_test_setup_teardown(test_key_file_problems, setup, teardown),
		cmocka_unit_test_setup_teardown(test_verify_finds_tampering, setup, teardown),
		cmocka_unit_test_setup_teardown(test_verify_finds_deletion, setup, teardown),
		cmocka_unit_test_setup_teardown(test_future_store_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_roles, setup, teardown),
		cmocka_unit_test(test_help_version_usage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
