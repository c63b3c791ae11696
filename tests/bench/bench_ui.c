/* bench_ui.c - what the terminal sees: the real tater in a pty (forkpty).
 *
 * Fills a store with 100,000 activity entries through the store API, starts
 * `tater --store` in an 80x24 pty and measures, from the outside:
 *   - start to first frame (ms)               target <= 100 ms
 *   - bytes for a screen switch
 *   - bytes for a one-line move and a one-line scroll in the 100,000-row
 *     table, with the full-width selection bar and with --arrow-cursor
 *                                             target <= 200 B
 *   - frame time of filter-as-you-type over 100,000 rows: from the key's
 *     write to the first byte of the redraw (p50/p99)   target p99 <= 16 ms
 *   - bytes written while idle                target 0 over 60 s
 * It prints figures; it is not a test.
 *
 * usage: bench_ui [--rows N] [--idle-seconds S] [--tater PATH] [--show-bytes]
 *        (--show-bytes prints what the last one-line scroll wrote, escaped)
 *        (default $TATER_BIN, 100000 rows, 60 s) */
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tater/activity.h"
#include "tater/store.h"
#include "tater/text.h"

static int master = -1;
static int show_bytes; /* --show-bytes: print what one scroll wrote, escaped */
static char screen_log[1 << 20];
static size_t log_len;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Read what arrives until nothing comes for quiet_ms (or max_ms passes).
 * Returns the bytes; *first / *last get when the first and last arrived. */
static size_t drain(int quiet_ms, int max_ms, double *first, double *last)
{
	size_t total = 0;
	double start = now_ms();

	if (first)
		*first = 0;
	for (;;) {
		struct pollfd p = {master, POLLIN, 0};
		int left = max_ms - (int)(now_ms() - start);
		int r = poll(&p, 1, left < quiet_ms ? (left > 0 ? left : 0) : quiet_ms);
		char buf[65536];
		ssize_t n;

		if (r <= 0)
			break;
		n = read(master, buf, sizeof(buf));
		if (n <= 0)
			break;
		if (first && !*first)
			*first = now_ms();
		if (last)
			*last = now_ms();
		total += (size_t)n;
		/* Keep a tail of the output to look for text in (buf is far
		 * smaller than the log, so half the log always makes room). */
		if (log_len + (size_t)n >= sizeof(screen_log)) {
			size_t keep = sizeof(screen_log) / 2;

			memmove(screen_log, screen_log + log_len - keep, keep);
			log_len = keep;
		}
		memcpy(screen_log + log_len, buf, (size_t)n);
		log_len += (size_t)n;
		screen_log[log_len] = '\0';
	}
	return total;
}

static int wait_text(const char *text, int max_ms)
{
	double start = now_ms();

	while (now_ms() - start < max_ms) {
		if (memmem(screen_log, log_len, text, strlen(text)))
			return 0;
		drain(20, 100, NULL, NULL);
	}
	return -1;
}

static void send_keys(const char *k)
{
	if (write(master, k, strlen(k)) < 0)
		perror("write");
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int fill(const char *path, long rows)
{
	struct store *s = NULL;
	struct tater_err err = {0};
	int rc;

	if (store_open(&s, path, STORE_CREATE, &err) < 0) {
		fprintf(stderr, "bench_ui: %s\n", err.msg);
		return -1;
	}
	rc = store_begin(s, &err);
	for (long i = 0; rc == 0 && i < rows; i++) {
		char target[64], detail[64];
		static const char *const actions[] = {"tenant.add", "scan.run", "control.remediate",
						      "alert.assign", "playbook.activate"};
		static const char *const outcomes[] = {"ok", "ok", "ok", "failed", "refused"};

		snprintf(target, sizeof(target), "entry-%06ld", i);
		snprintf(detail, sizeof(detail), "bench row %ld of %ld", i, rows);
		rc = activity_append(s, actions[i % 5], target, outcomes[i % 5], detail, &err);
	}
	if (rc == 0)
		rc = store_commit(s, &err);
	if (rc < 0)
		fprintf(stderr, "bench_ui: filling: %s\n", err.msg);
	store_close(s);
	return rc;
}

/* On the Activity screen (100,000 rows): bytes for a one-line move inside the view and for
 * a one-line scroll at its bottom, in the selection style tater was started with. */
static void move_and_scroll(const char *style)
{
	send_keys("0");
	if (wait_text("Hash chain: verified", 60000) < 0)
		fprintf(stderr, "bench_ui: the activity log did not verify in time\n");
	drain(200, 5000, NULL, NULL);

	/* Moving the selection inside the view. */
	{
		size_t sum = 0;

		for (int i = 0; i < 10; i++) {
			send_keys("j");
			sum += drain(60, 2000, NULL, NULL);
		}
		printf("one-line move (j, selection in view), %s:  %5.1f B per key\n", style,
		       sum / 10.0);
	}
	/* Past the bottom row every j scrolls the table by one line. */
	for (int i = 0; i < 25; i++) {
		send_keys("j");
		drain(30, 2000, NULL, NULL);
	}
	{
		size_t sum = 0;

		for (int i = 0; i < 20; i++) {
			size_t before = log_len, n;

			send_keys("j");
			sum += n = drain(60, 2000, NULL, NULL);
			if (show_bytes && i == 19 && log_len >= before + n) {
				/* The sanitiser shows ESC as \e and other controls as \xNN. */
				char *shown = text_sanitize(screen_log + log_len - n, n);

				printf("bytes of the last scroll, %s:\n%s\n", style,
				       shown ? shown : "");
				free(shown);
			}
		}
		printf("one-line scroll (j at the bottom), %s:     %5.1f B per key  (target <= 200)\n",
		       style, sum / 20.0);
	}
}

/* tater on the store in an 80x24 pty; extra is NULL or one more option. */
static pid_t start_tater(const char *tater, const char *path, const char *extra)
{
	struct winsize ws = {24, 80, 0, 0};
	pid_t pid = forkpty(&master, NULL, NULL, &ws);

	if (pid < 0) {
		perror("forkpty");
		exit(1);
	}
	if (pid == 0) {
		setenv("TERM", "xterm-256color", 1);
		setenv("LANG", "C.UTF-8", 1);
		unsetenv("NO_COLOR");
		unsetenv("TATER_ARROW_CURSOR");
		execl(tater, tater, "--store", path, "--no-mouse", extra, (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* Ctrl-C, confirm, and make sure it is gone. */
static void quit_tater(pid_t pid)
{
	int status;

	send_keys("\x03");
	drain(100, 2000, NULL, NULL);
	send_keys("y");
	drain(100, 3000, NULL, NULL);
	if (waitpid(pid, &status, WNOHANG) == 0) {
		kill(pid, SIGTERM);
		waitpid(pid, &status, 0);
	}
	close(master);
	master = -1;
}

int main(int argc, char **argv)
{
	const char *tater = getenv("TATER_BIN");
	long rows = 100000;
	int idle_s = 60;
	char dir[] = "/tmp/tater-bench.XXXXXX", path[256], cmd[512];
	double t0, first, last, samples[512];
	size_t bytes, nsamples = 0;
	pid_t pid;

	setlocale(LC_ALL, "C.UTF-8"); /* the sanitiser of --show-bytes reads UTF-8 */
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--rows") && i + 1 < argc)
			rows = atol(argv[++i]);
		else if (!strcmp(argv[i], "--idle-seconds") && i + 1 < argc)
			idle_s = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--tater") && i + 1 < argc)
			tater = argv[++i];
		else if (!strcmp(argv[i], "--show-bytes"))
			show_bytes = 1;
		else {
			fprintf(stderr,
				"usage: bench_ui [--rows N] [--idle-seconds S] [--tater PATH] "
				"[--show-bytes]\n");
			return 64;
		}
	}
	if (!tater) {
		fprintf(stderr, "bench_ui: set $TATER_BIN or pass --tater\n");
		return 64;
	}
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(path, sizeof(path), "%s/bench.db", dir);
	t0 = now_ms();
	if (fill(path, rows) < 0)
		return 1;
	printf("store filled with %ld activity entries in %.0f ms\n", rows, now_ms() - t0);
	fflush(stdout);

	t0 = now_ms();
	pid = start_tater(tater, path, NULL);
	drain(50, 5000, &first, &last);
	if (wait_text("Dashboard", 5000) < 0) {
		fprintf(stderr, "bench_ui: no first frame\n");
		return 1;
	}
	printf("start to first frame:          %6.1f ms  (target <= 100)\n", last - t0);

	send_keys("2");
	bytes = drain(100, 2000, NULL, NULL);
	printf("screen switch (Dashboard->Identity): %zu B\n", bytes);
	send_keys("1");
	drain(100, 2000, NULL, NULL);

	move_and_scroll("full-width bar");
	send_keys("g");
	drain(100, 2000, NULL, NULL);

	/* Filter as you type: key written -> first byte of the new frame. */
	for (int round = 0; round < 12; round++) {
		static const char *const words[] = {"entry-04", "remediate", "refused", "row 9"};
		const char *w = words[round % 4];

		send_keys("/");
		drain(40, 2000, NULL, NULL);
		for (const char *p = w; *p; p++) {
			char k[2] = {*p, 0};
			double sent = now_ms();

			send_keys(k);
			drain(40, 2000, &first, &last);
			if (first && nsamples < sizeof(samples) / sizeof(samples[0]))
				samples[nsamples++] = first - sent;
		}
		send_keys("\x1b");
		drain(80, 2000, NULL, NULL);
	}
	qsort(samples, nsamples, sizeof(samples[0]), cmp_double);
	if (nsamples)
		printf("filter-as-you-type frame time over %ld rows: p50 %.1f ms, p99 %.1f ms, "
		       "max %.1f ms (%zu keys; target p99 <= 16)\n",
		       rows, samples[nsamples / 2], samples[(nsamples * 99) / 100],
		       samples[nsamples - 1], nsamples);

	drain(300, 3000, NULL, NULL);
	bytes = drain(idle_s * 1000 + 1000, idle_s * 1000, NULL, NULL);
	printf("idle for %d s:                  %zu B  (target 0)\n", idle_s, bytes);

	quit_tater(pid);

	/* The same moves with the arrow cursor (--arrow-cursor), the style for slow links. */
	pid = start_tater(tater, path, "--arrow-cursor");
	drain(50, 5000, NULL, NULL);
	if (wait_text("Dashboard", 5000) < 0) {
		fprintf(stderr, "bench_ui: no first frame with --arrow-cursor\n");
		return 1;
	}
	move_and_scroll("arrow cursor");
	quit_tater(pid);

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "bench_ui: could not remove %s\n", dir);
	return 0;
}
