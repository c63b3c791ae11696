/* worker.h - the job queue and its background threads.
 *
 * The UI never waits on the network or on a long query: it submits a job and
 * goes back to poll().  Worker threads take jobs from a FIFO queue; each
 * thread opens its own store connection (store_open on the same path), since
 * SQLite connections are not shared between threads.  Async signals
 * (SIGWINCH, SIGINT, ...) are blocked in the workers, so they reach the UI
 * thread only.
 *
 * Jobs talk back in two ways, both waking the UI through one non-blocking
 * fd (worker_fd): progress (done/total and a phase name, read as a snapshot
 * by worker_jobs) and completion events (worker_next_event), which carry
 * the job's return code, error and an optional result the UI takes over.
 *
 * A job is any function of this shape, provided by the modules above
 * (a tenant scan, a remediation poll, loading a large table):
 *
 *	static int scan_job(struct job *j, struct store *s, void *arg, struct tater_err *err)
 *	{
 *		for (...) {
 *			if (job_cancelled(j))
 *				return tater_errf(err, TATER_ECANCELED, "scan cancelled");
 *			job_progress(j, done, total, "users");
 *		}
 *		return 0;
 *	}
 *	worker_submit(w, "scan tenant Contoso", scan_job, arg, free, &id, &err);
 */
#ifndef TATER_WORKER_H
#define TATER_WORKER_H

#include <stddef.h>
#include <stdint.h>

#include "tater/err.h"

struct store;
struct worker;
struct job;

typedef int (*job_fn)(struct job *j, struct store *s, void *arg, struct tater_err *err);

/* Start nthreads (>= 1) threads.  store_path NULL: jobs get a NULL store
 * (tests, jobs that need none).  store_flags as for store_open. */
int worker_start(struct worker **out, const char *store_path, unsigned store_flags, int nthreads,
		 struct tater_err *err);
/* Cancel every job, wait for the threads, free pending events and results. */
void worker_stop(struct worker *w);

/* Readable when progress changed or an event is waiting.  The UI polls it
 * and calls worker_drain_fd, then worker_next_event until it returns 0. */
int worker_fd(const struct worker *w);
void worker_drain_fd(struct worker *w);

/* Queue a job.  title is shown in the status bar (no secrets).  arg is
 * owned by the job from now on: free_arg(arg) runs after fn (or when the
 * job is dropped), also on failure of worker_submit itself. */
int worker_submit(struct worker *w, const char *title, job_fn fn, void *arg,
		  void (*free_arg)(void *), uint64_t *id, struct tater_err *err);

/* Ask a job to stop (it sees job_cancelled at its next check; a queued job
 * never starts and completes with TATER_ECANCELED).  0, or TATER_ENOTFOUND (also for a
 * NULL worker: one stopped and gone, as screens see it while they are destroyed). */
int worker_cancel(struct worker *w, uint64_t id);
void worker_cancel_all(struct worker *w);

/* ---- inside a job ---- */
void job_progress(struct job *j, int64_t done, int64_t total, const char *phase);
int job_cancelled(const struct job *j);
uint64_t job_id(const struct job *j);
/* Hand a result to the UI with the completion event; free_result frees it
 * when nobody takes it. */
void job_set_result(struct job *j, void *result, void (*free_result)(void *));

/* ---- UI side ---- */
enum job_state { JOB_QUEUED, JOB_RUNNING, JOB_DONE };

struct worker_job_info {
	uint64_t id;
	char title[96];
	char phase[48];
	int64_t done, total; /* total 0: unknown */
	enum job_state state;
	int cancelling;
};

/* Snapshot of queued and running jobs, oldest first; returns how many
 * there are (may exceed max, only max are filled). */
size_t worker_jobs(struct worker *w, struct worker_job_info *out, size_t max);
/* Queued + running jobs. */
size_t worker_busy(struct worker *w);

struct worker_event {
	uint64_t job_id;
	char title[96];
	int rc;		      /* the job's return value */
	struct tater_err err; /* when rc != 0 */
	void *result;	      /* job_set_result's value, or NULL */
	void (*free_result)(void *);
};

/* Take the next completion event: 1 when ev was filled, 0 when none. */
int worker_next_event(struct worker *w, struct worker_event *ev);
/* Take the result out of an event (the caller owns it then); NULL if none. */
void *worker_event_take(struct worker_event *ev);
/* Free whatever result nobody took. */
void worker_event_release(struct worker_event *ev);

#endif
