/* test_activity.c - the hash-chained activity log finds edits and deletions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "tater/activity.h"
#include "tater/store.h"
#include "testutil.h"

struct fx {
	char *dir, *path;
	struct store *s;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct tater_err err = {0};
	char target[64];

	f->s = tu_store_new("activity", "a.db", &f->dir, &f->path);
	for (int i = 1; i <= 10; i++) {
		snprintf(target, sizeof(target), "control MS.AAD.%d.1", i);
		assert_int_equal(activity_append(f->s, "remediate", target, i % 3 ? "ok" : "failed",
						 i % 2 ? NULL : "detail text", &err),
				 0);
	}
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

static void test_intact_chain_verifies(void **state)
{
	struct fx *f = *state;
	struct tater_err err = {0};
	int64_t bad = -1, n = 0;

	assert_int_equal(activity_verify(f->s, &bad, &n, &err), 0);
	assert_int_equal(n, 10);
	assert_int_equal(bad, 0);
}

static void test_sql_update_and_delete_refused(void **state)
{
	struct fx *f = *state;

	assert_int_not_equal(store_exec(f->s, "UPDATE activity_log SET outcome = 'ok' WHERE id = 3",
					NULL),
			     0);
	assert_int_not_equal(store_exec(f->s, "DELETE FROM activity_log WHERE id = 3", NULL), 0);
}

/* Someone with the file bypasses the triggers (as sqlite3 on the file would). */
static void tamper(struct fx *f, const char *sql)
{
	char buf[512];

	snprintf(buf, sizeof(buf),
		 "DROP TRIGGER activity_no_update; DROP TRIGGER activity_no_delete; %s", sql);
	assert_int_equal(store_exec(f->s, buf, NULL), 0);
}

static void test_edit_found(void **state)
{
	struct fx *f = *state;
	struct tater_err err = {0};
	int64_t bad = 0, n = 0;

	tamper(f, "UPDATE activity_log SET outcome = 'ok' WHERE id = 6");
	assert_int_equal(activity_verify(f->s, &bad, &n, &err), TATER_EIO);
	assert_int_equal(bad, 6);
	assert_true(tu_contains(err.msg, "#6"));
}

static void test_edit_with_rehash_found(void **state)
{
	struct fx *f = *state;
	struct tater_err err = {0};
	int64_t bad = 0, n = 0;

	/* Changing the hash too breaks the link from the next entry. */
	tamper(f, "UPDATE activity_log SET os_user = 'mallory', hash = zeroblob(32) WHERE id = 4");
	assert_int_equal(activity_verify(f->s, &bad, &n, &err), TATER_EIO);
	assert_int_equal(bad, 4);
}

static void test_delete_middle_found(void **state)
{
	struct fx *f = *state;
	struct tater_err err = {0};
	int64_t bad = 0, n = 0;

	tamper(f, "DELETE FROM activity_log WHERE id = 5");
	assert_int_equal(activity_verify(f->s, &bad, &n, &err), TATER_EIO);
	assert_int_equal(bad, 5);
	assert_true(tu_contains(err.msg, "missing"));
}

static void test_delete_last_found(void **state)
{
	struct fx *f = *state;
	struct tater_err err = {0};
	int64_t bad = 0, n = 0;

	tamper(f, "DELETE FROM activity_log WHERE id = 10");
	assert_int_equal(activity_verify(f->s, &bad, &n, &err), TATER_EIO);
	assert_true(tu_contains(err.msg, "deleted"));
}

static void test_append_after_verify_continues_chain(void **state)
{
	struct fx *f = *state;
	struct tater_err err = {0};
	int64_t bad = 0, n = 0;

	assert_int_equal(store_begin(f->s, &err), 0);
	assert_int_equal(activity_append(f->s, "a", "b", "ok", NULL, &err), 0);
	assert_int_equal(activity_append(f->s, "c", "d", "ok", NULL, &err), 0);
	assert_int_equal(store_commit(f->s, &err), 0);
	/* A rolled-back append leaves no trace and no broken chain. */
	assert_int_equal(store_begin(f->s, &err), 0);
	assert_int_equal(activity_append(f->s, "e", "f", "ok", NULL, &err), 0);
	store_rollback(f->s);
	assert_int_equal(activity_verify(f->s, &bad, &n, &err), 0);
	assert_int_equal(n, 12);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_intact_chain_verifies, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sql_update_and_delete_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_edit_found, setup, teardown),
		cmocka_unit_test_setup_teardown(test_edit_with_rehash_found, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete_middle_found, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete_last_found, setup, teardown),
		cmocka_unit_test_setup_teardown(test_append_after_verify_continues_chain, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
