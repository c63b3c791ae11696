/* worker.c - job queue, background threads, and the wake-up pipe to the UI.
 *
 * One mutex guards the job list and the event list; jobs touch it only when
 * they report progress, so it is never held for long.  The pipe carries at
 * most one pending byte (wake_pending): the UI reads the state it needs
 * under the mutex, so a thousand progress calls cost one wake-up. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tater/store.h"
#include "tater/worker.h"

struct job {
	uint64_t id;
	char title[96];
	job_fn fn;
	void *arg;
	void (*free_arg)(void *);
	atomic_int cancel;
	enum job_state state;
	int64_t done, total;
	char phase[48];
	void *result;
	void (*free_result)(void *);
	int rc;
	struct tater_err err;
	struct worker *w;
	struct job *next;
};

struct worker {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct job *jobs;   /* queued and running, in submission order */
	struct job *events; /* finished, waiting for the UI, oldest first */
	pthread_t *threads;
	int nthreads;
	int stopping;
	uint64_t next_id;
	int pipefd[2];
	atomic_int wake_pending;
	char *store_path;
	unsigned store_flags;
};

static void wake(struct worker *w)
{
	if (atomic_exchange(&w->wake_pending, 1) == 0) {
		char b = 1;
		ssize_t r;

		do
			r = write(w->pipefd[1], &b, 1);
		while (r < 0 && errno == EINTR);
		/* EAGAIN: the pipe is full of wake-ups already; nothing lost. */
	}
}

static void append(struct job **head, struct job *j)
{
	j->next = NULL;
	while (*head)
		head = &(*head)->next;
	*head = j;
}

static void unlink_job(struct job **head, struct job *j)
{
	for (; *head; head = &(*head)->next) {
		if (*head == j) {
			*head = j->next;
			j->next = NULL;
			return;
		}
	}
}

static void finish(struct worker *w, struct job *j)
{
	if (j->free_arg)
		j->free_arg(j->arg);
	j->arg = NULL;
	j->free_arg = NULL;
	pthread_mutex_lock(&w->mu);
	unlink_job(&w->jobs, j);
	j->state = JOB_DONE;
	append(&w->events, j);
	pthread_mutex_unlock(&w->mu);
	wake(w);
}

static void *thread_main(void *p)
{
	struct worker *w = p;
	struct store *s = NULL;
	struct tater_err open_err = {0};
	int open_rc = 0;

	if (w->store_path) {
		open_rc = store_open(&s, w->store_path, w->store_flags, &open_err);
		if (open_rc)
			s = NULL;
	}
	for (;;) {
		struct job *j;

		pthread_mutex_lock(&w->mu);
		for (;;) {
			for (j = w->jobs; j && j->state != JOB_QUEUED; j = j->next)
				;
			if (j || w->stopping)
				break;
			pthread_cond_wait(&w->cv, &w->mu);
		}
		if (!j) {
			pthread_mutex_unlock(&w->mu);
			break;
		}
		j->state = JOB_RUNNING;
		pthread_mutex_unlock(&w->mu);
		wake(w);

		if (atomic_load(&j->cancel)) {
			j->rc = tater_errf(&j->err, TATER_ECANCELED, "%s: cancelled", j->title);
		} else if (open_rc) {
			j->rc = open_rc;
			j->err = open_err;
		} else {
			j->rc = j->fn(j, s, j->arg, &j->err);
			/* A job that failed halfway must not leave the next one
			 * inside its transaction. */
			if (s && store_in_txn(s))
				store_rollback(s);
		}
		finish(w, j);
	}
	if (s)
		store_close(s);
	return NULL;
}

static void free_job(struct job *j)
{
	if (j->free_arg)
		j->free_arg(j->arg);
	if (j->result && j->free_result)
		j->free_result(j->result);
	free(j);
}

int worker_start(struct worker **out, const char *store_path, unsigned store_flags, int nthreads,
		 struct tater_err *err)
{
	struct worker *w;
	sigset_t all, old;
	int rc = 0, i;

	*out = NULL;
	if (nthreads < 1)
		nthreads = 1;
	w = calloc(1, sizeof(*w));
	if (!w)
		return tater_errf(err, TATER_ENOMEM, "worker: out of memory");
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	w->pipefd[0] = w->pipefd[1] = -1;
	w->next_id = 1;
	w->store_flags = store_flags;
	if (pipe2(w->pipefd, O_NONBLOCK | O_CLOEXEC) < 0) {
		rc = tater_errf(err, TATER_EIO, "worker: pipe: %s", strerror(errno));
		goto out;
	}
	if (store_path && !(w->store_path = strdup(store_path))) {
		rc = tater_errf(err, TATER_ENOMEM, "worker: out of memory");
		goto out;
	}
	w->threads = calloc((size_t)nthreads, sizeof(*w->threads));
	if (!w->threads) {
		rc = tater_errf(err, TATER_ENOMEM, "worker: out of memory");
		goto out;
	}
	/* Threads inherit the signal mask: block everything while creating
	 * them so SIGWINCH and SIGINT are only ever delivered to the UI. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	for (i = 0; i < nthreads; i++) {
		if (pthread_create(&w->threads[i], NULL, thread_main, w) != 0) {
			rc = tater_errf(err, TATER_EIO, "worker: cannot start a thread");
			break;
		}
		w->nthreads++;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
out:
	if (rc) {
		worker_stop(w);
		return rc;
	}
	*out = w;
	return 0;
}

void worker_stop(struct worker *w)
{
	struct job *j, *next;

	if (!w)
		return;
	pthread_mutex_lock(&w->mu);
	w->stopping = 1;
	for (j = w->jobs; j; j = j->next)
		atomic_store(&j->cancel, 1);
	/* Queued jobs never start: drop them now. */
	for (j = w->jobs; j; j = next) {
		next = j->next;
		if (j->state == JOB_QUEUED) {
			unlink_job(&w->jobs, j);
			free_job(j);
		}
	}
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
	for (int i = 0; i < w->nthreads; i++)
		pthread_join(w->threads[i], NULL);
	for (j = w->events; j; j = next) {
		next = j->next;
		free_job(j);
	}
	if (w->pipefd[0] >= 0)
		close(w->pipefd[0]);
	if (w->pipefd[1] >= 0)
		close(w->pipefd[1]);
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->mu);
	free(w->threads);
	free(w->store_path);
	free(w);
}

int worker_fd(const struct worker *w)
{
	return w->pipefd[0];
}

void worker_drain_fd(struct worker *w)
{
	char buf[64];

	/* Clear the flag first: a wake-up that races with the read writes a
	 * fresh byte, so the next poll() sees it. */
	atomic_store(&w->wake_pending, 0);
	while (read(w->pipefd[0], buf, sizeof(buf)) > 0)
		;
}

int worker_submit(struct worker *w, const char *title, job_fn fn, void *arg,
		  void (*free_arg)(void *), uint64_t *id, struct tater_err *err)
{
	struct job *j = calloc(1, sizeof(*j));

	if (!j) {
		if (free_arg)
			free_arg(arg);
		return tater_errf(err, TATER_ENOMEM, "worker: out of memory");
	}
	snprintf(j->title, sizeof(j->title), "%s", title ? title : "job");
	j->fn = fn;
	j->arg = arg;
	j->free_arg = free_arg;
	j->w = w;
	j->state = JOB_QUEUED;
	pthread_mutex_lock(&w->mu);
	if (w->stopping) {
		pthread_mutex_unlock(&w->mu);
		free_job(j);
		return tater_errf(err, TATER_EBUSY, "worker: shutting down");
	}
	j->id = w->next_id++;
	if (id)
		*id = j->id;
	append(&w->jobs, j);
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	wake(w);
	return 0;
}

int worker_cancel(struct worker *w, uint64_t id)
{
	struct job *j;
	int rc = TATER_ENOTFOUND;

	if (!w) /* stopped and gone: nothing runs any more */
		return rc;
	pthread_mutex_lock(&w->mu);
	for (j = w->jobs; j; j = j->next) {
		if (j->id == id) {
			atomic_store(&j->cancel, 1);
			rc = 0;
			break;
		}
	}
	pthread_mutex_unlock(&w->mu);
	if (!rc)
		wake(w);
	return rc;
}

void worker_cancel_all(struct worker *w)
{
	struct job *j;

	pthread_mutex_lock(&w->mu);
	for (j = w->jobs; j; j = j->next)
		atomic_store(&j->cancel, 1);
	pthread_mutex_unlock(&w->mu);
	wake(w);
}

void job_progress(struct job *j, int64_t done, int64_t total, const char *phase)
{
	struct worker *w = j->w;

	pthread_mutex_lock(&w->mu);
	j->done = done;
	j->total = total;
	if (phase)
		snprintf(j->phase, sizeof(j->phase), "%s", phase);
	pthread_mutex_unlock(&w->mu);
	wake(w);
}

int job_cancelled(const struct job *j)
{
	return atomic_load(&((struct job *)j)->cancel);
}

uint64_t job_id(const struct job *j)
{
	return j->id;
}

void job_set_result(struct job *j, void *result, void (*free_result)(void *))
{
	if (j->result && j->free_result)
		j->free_result(j->result);
	j->result = result;
	j->free_result = free_result;
}

size_t worker_jobs(struct worker *w, struct worker_job_info *out, size_t max)
{
	struct job *j;
	size_t n = 0;

	pthread_mutex_lock(&w->mu);
	for (j = w->jobs; j; j = j->next, n++) {
		if (n >= max)
			continue;
		out[n].id = j->id;
		memcpy(out[n].title, j->title, sizeof(out[n].title));
		memcpy(out[n].phase, j->phase, sizeof(out[n].phase));
		out[n].done = j->done;
		out[n].total = j->total;
		out[n].state = j->state;
		out[n].cancelling = atomic_load(&j->cancel);
	}
	pthread_mutex_unlock(&w->mu);
	return n;
}

size_t worker_busy(struct worker *w)
{
	return worker_jobs(w, NULL, 0);
}

int worker_next_event(struct worker *w, struct worker_event *ev)
{
	struct job *j;

	pthread_mutex_lock(&w->mu);
	j = w->events;
	if (j)
		w->events = j->next;
	pthread_mutex_unlock(&w->mu);
	if (!j)
		return 0;
	memset(ev, 0, sizeof(*ev));
	ev->job_id = j->id;
	memcpy(ev->title, j->title, sizeof(ev->title));
	ev->rc = j->rc;
	ev->err = j->err;
	ev->result = j->result;
	ev->free_result = j->free_result;
	free(j);
	return 1;
}

void *worker_event_take(struct worker_event *ev)
{
	void *r = ev->result;

	ev->result = NULL;
	return r;
}

void worker_event_release(struct worker_event *ev)
{
	if (ev->result && ev->free_result)
		ev->free_result(ev->result);
	ev->result = NULL;
}
