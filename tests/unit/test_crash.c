/* test_crash.c - a process killed with SIGKILL in the middle of a large write
 * transaction leaves the previous snapshot whole, many times over. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "tater/store.h"
#include "testutil.h"

#define OBJECTS 20000
#define ROUNDS 30

/* Replace the snapshot of graph.users with generation gen, in one transaction. */
static int write_generation(struct store *s, int gen, struct tater_err *err)
{
	char key[32], json[160];
	int ret;

	if ((ret = store_begin(s, err)) < 0)
		return ret;
	if ((ret = store_objects_clear(s, "tenant:1", "graph.users", err)) < 0)
		goto fail;
	for (int i = 0; i < OBJECTS; i++) {
		snprintf(key, sizeof(key), "user-%06d", i);
		snprintf(json, sizeof(json),
			 "{\"id\":\"%s\",\"gen\":%d,\"displayName\":\"User %d of generation %d\"}",
			 key, gen, i, gen);
		if ((ret = store_object_put(s, gen, "tenant:1", "graph.users", "user", key, json,
					    err)) < 0)
			goto fail;
	}
	return store_commit(s, err);
fail:
	store_rollback(s);
	return ret;
}

/* Returns the generation of the snapshot, or -1 when it is mixed or short. */
static int snapshot_generation(struct store *s)
{
	sqlite3_stmt *st;
	int gens = 0, gen = -1, count = 0;

	assert_int_equal(sqlite3_prepare_v2(store_db(s),
					    "SELECT json_extract(json, '$.gen'), count(*) FROM objects"
					    " WHERE source = 'graph.users' GROUP BY 1",
					    -1, &st, NULL),
			 SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		gens++;
		gen = sqlite3_column_int(st, 0);
		count = sqlite3_column_int(st, 1);
	}
	sqlite3_finalize(st);
	if (gens != 1 || count != OBJECTS)
		return -1;
	return gen;
}

static void test_sigkill_mid_transaction(void **state)
{
	char *dir = tu_tmpdir("crash"), *path = tu_path(dir, "c.db");
	struct tater_err err = {0};
	struct store *s = NULL;
	int expect_gen = 0, killed_mid = 0;

	(void)state;
	srand((unsigned)time(NULL));
	assert_int_equal(store_open(&s, path, STORE_CREATE, &err), 0);
	assert_int_equal(write_generation(s, 0, &err), 0);
	store_close(s);

	for (int round = 1; round <= ROUNDS; round++) {
		int pipefd[2], status, gen;
		pid_t pid;
		char c;

		assert_int_equal(pipe(pipefd), 0);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			struct tater_err e = {0};

			close(pipefd[0]);
			if (store_open(&s, path, 0, &e) < 0)
				_exit(3);
			if (write(pipefd[1], "g", 1) != 1)
				_exit(4);
			_exit(write_generation(s, round, &e) < 0 ? 5 : 0);
		}
		close(pipefd[1]);
		assert_int_equal(read(pipefd[0], &c, 1), 1);
		close(pipefd[0]);
		/* Somewhere inside the transaction (it takes a few hundred ms under ASan). */
		usleep((useconds_t)(rand() % 150000));
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);

		assert_int_equal(store_open(&s, path, 0, &err), 0);
		assert_int_equal(store_integrity_check(s, &err), 0);
		gen = snapshot_generation(s);
		if (WIFSIGNALED(status)) {
			/* Killed: either it had committed just before (gen == round) or
			 * the previous snapshot is whole. */
			assert_true(gen == expect_gen || gen == round);
			if (gen == expect_gen)
				killed_mid++;
		} else {
			assert_int_equal(WEXITSTATUS(status), 0);
			assert_int_equal(gen, round);
		}
		expect_gen = gen;
		store_close(s);
	}
	/* The test is only worth something if most kills landed mid-transaction. */
	fprintf(stderr, "# %d of %d kills landed inside the transaction\n", killed_mid, ROUNDS);
	assert_true(killed_mid >= ROUNDS / 3);
	tu_rmtree(dir);
	free(path);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sigkill_mid_transaction),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
