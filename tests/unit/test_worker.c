/* test_worker.c - the job queue: results, progress, cancel, signals, own stores. */
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "tater/store.h"
#include "tater/worker.h"
#include "testutil.h"

static atomic_int freed;

static void free_counted(void *p)
{
	free(p);
	atomic_fetch_add(&freed, 1);
}

static int wait_event(struct worker *w, struct worker_event *ev)
{
	for (int i = 0; i < 500; i++) {
		struct pollfd p = {worker_fd(w), POLLIN, 0};

		poll(&p, 1, 10);
		worker_drain_fd(w);
		if (worker_next_event(w, ev))
			return 1;
	}
	return 0;
}

static int double_job(struct job *j, struct store *s, void *arg, struct tater_err *err)
{
	int *r = malloc(sizeof(*r));

	(void)s;
	(void)err;
	*r = *(int *)arg * 2;
	job_set_result(j, r, free);
	return 0;
}

static void test_result_comes_back(void **state)
{
	struct worker *w;
	struct worker_event ev;
	uint64_t id;
	int *arg = malloc(sizeof(*arg)), *res;

	(void)state;
	atomic_store(&freed, 0);
	*arg = 21;
	assert_int_equal(worker_start(&w, NULL, 0, 2, NULL), 0);
	assert_int_equal(worker_submit(w, "double", double_job, arg, free_counted, &id, NULL), 0);
	assert_true(wait_event(w, &ev));
	assert_int_equal(ev.job_id, id);
	assert_int_equal(ev.rc, 0);
	assert_string_equal(ev.title, "double");
	res = worker_event_take(&ev);
	assert_int_equal(*res, 42);
	free(res);
	worker_event_release(&ev);
	assert_int_equal(atomic_load(&freed), 1);
	assert_int_equal(worker_busy(w), 0);
	worker_stop(w);
}

static atomic_int go;

/* Reports progress, then runs until cancelled. */
static int slow_job(struct job *j, struct store *s, void *arg, struct tater_err *err)
{
	sigset_t cur;

	(void)s;
	(void)arg;
	pthread_sigmask(SIG_SETMASK, NULL, &cur);
	/* The UI thread alone gets SIGWINCH and friends. */
	if (!sigismember(&cur, SIGWINCH) || !sigismember(&cur, SIGINT))
		return tater_errf(err, TATER_EINVAL, "signals not blocked");
	job_progress(j, 3, 10, "phase one");
	atomic_store(&go, 1);
	while (!job_cancelled(j))
		usleep(1000);
	return tater_errf(err, TATER_ECANCELED, "stopped");
}

static void test_progress_and_cancel(void **state)
{
	struct worker *w;
	struct worker_event ev;
	struct worker_job_info info[4];
	uint64_t id, id2;

	(void)state;
	atomic_store(&go, 0);
	assert_int_equal(worker_start(&w, NULL, 0, 1, NULL), 0);
	assert_int_equal(worker_submit(w, "slow", slow_job, NULL, NULL, &id, NULL), 0);
	/* One thread: the second job waits in the queue. */
	assert_int_equal(worker_submit(w, "queued", slow_job, NULL, NULL, &id2, NULL), 0);
	while (!atomic_load(&go))
		usleep(1000);
	assert_int_equal(worker_jobs(w, info, 4), 2);
	assert_int_equal(info[0].state, JOB_RUNNING);
	assert_int_equal(info[0].done, 3);
	assert_int_equal(info[0].total, 10);
	assert_string_equal(info[0].phase, "phase one");
	assert_int_equal(info[1].state, JOB_QUEUED);
	{
		struct pollfd p = {worker_fd(w), POLLIN, 0};

		assert_int_equal(poll(&p, 1, 1000), 1);
	}
	assert_int_equal(worker_cancel(w, id2), 0);
	assert_int_equal(worker_cancel(w, id), 0);
	assert_true(wait_event(w, &ev));
	assert_int_equal(ev.rc, TATER_ECANCELED);
	worker_event_release(&ev);
	assert_true(wait_event(w, &ev));
	assert_int_equal(ev.job_id, id2);
	assert_int_equal(ev.rc, TATER_ECANCELED);
	worker_event_release(&ev);
	assert_int_equal(worker_cancel(w, 9999), TATER_ENOTFOUND);
	worker_stop(w);
}

static void test_stop_with_jobs_running(void **state)
{
	struct worker *w;

	(void)state;
	atomic_store(&go, 0);
	atomic_store(&freed, 0);
	assert_int_equal(worker_start(&w, NULL, 0, 1, NULL), 0);
	assert_int_equal(worker_submit(w, "slow", slow_job, malloc(8), free_counted, NULL, NULL),
			 0);
	assert_int_equal(worker_submit(w, "never", slow_job, malloc(8), free_counted, NULL, NULL),
			 0);
	while (!atomic_load(&go))
		usleep(1000);
	worker_stop(w); /* cancels, joins, frees both args: ASan checks the rest */
	assert_int_equal(atomic_load(&freed), 2);
}

static atomic_int arrived;

static int store_job(struct job *j, struct store *s, void *arg, struct tater_err *err)
{
	(void)j;
	*(struct store **)arg = s;
	if (!s)
		return tater_errf(err, TATER_EIO, "no store");
	/* Both jobs wait for each other, so they run on the two threads. */
	atomic_fetch_add(&arrived, 1);
	for (int i = 0; i < 2000 && atomic_load(&arrived) < 2; i++)
		usleep(1000);
	return store_exec(s, "SELECT 1", err);
}

static void test_each_thread_own_store(void **state)
{
	char *dir = tu_tmpdir("worker"), *path = tu_path(dir, "t.db");
	struct store *s, *seen[2] = {0};
	struct worker *w;
	struct worker_event ev;

	(void)state;
	assert_int_equal(store_open(&s, path, STORE_CREATE, NULL), 0);
	store_close(s);
	assert_int_equal(worker_start(&w, path, 0, 2, NULL), 0);
	assert_int_equal(worker_submit(w, "a", store_job, &seen[0], NULL, NULL, NULL), 0);
	assert_int_equal(worker_submit(w, "b", store_job, &seen[1], NULL, NULL, NULL), 0);
	for (int i = 0; i < 2; i++) {
		assert_true(wait_event(w, &ev));
		assert_int_equal(ev.rc, 0);
	}
	assert_non_null(seen[0]);
	assert_non_null(seen[1]);
	assert_ptr_not_equal(seen[0], seen[1]);
	worker_stop(w);
	tu_rmtree(dir);
	free(dir);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_result_comes_back),
	    cmocka_unit_test(test_progress_and_cancel),
	    cmocka_unit_test(test_stop_with_jobs_running),
	    cmocka_unit_test(test_each_thread_own_store),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
