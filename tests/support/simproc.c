/* simproc.c - start and stop tater-sim for tests (see simproc.h). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "simproc.h"
#include "testutil.h"

struct simproc {
	pid_t pid;
	unsigned port;
	char *dir;
	char *log_path;
	char url[64];
};

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static void die_with_log(struct simproc *sp, const char *why)
{
	char *log = tu_read_file(sp->log_path, NULL);

	fprintf(stderr, "simproc: %s\n--- tater-sim log ---\n%s\n---\n", why, log ? log : "");
	free(log);
	if (sp->pid > 0) {
		kill(sp->pid, SIGKILL);
		waitpid(sp->pid, NULL, 0);
	}
	tu_rmtree(sp->dir);
	abort();
}

struct simproc *simproc_start(const char *const *extra_args)
{
	struct simproc *sp = calloc(1, sizeof(*sp));
	const char *bin = tu_bin("TATER_SIM");
	char *port_file;
	size_t n = 0;
	const char **argv;
	int fd;

	if (!sp)
		abort();
	sp->dir = tu_tmpdir("sim");
	sp->log_path = tu_path(sp->dir, "sim.log");
	port_file = tu_path(sp->dir, "port");
	while (extra_args && extra_args[n])
		n++;
	argv = calloc(n + 6, sizeof(char *));
	if (!argv)
		abort();
	argv[0] = bin;
	for (size_t i = 0; i < n; i++)
		argv[1 + i] = extra_args[i];
	argv[n + 1] = "--port";
	argv[n + 2] = "0";
	argv[n + 3] = "--port-file";
	argv[n + 4] = port_file;
	fd = open(sp->log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		abort();
	sp->pid = fork();
	if (sp->pid < 0)
		abort();
	if (sp->pid == 0) {
		/* A test that aborts (a failed assertion) must not leave a simulator behind. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		int devnull = open("/dev/null", O_RDWR);

		dup2(devnull, 0);
		dup2(devnull, 1);
		dup2(fd, 2);
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	close(fd);
	free(argv);
	/* The port file appears (whole, by rename) only once the socket listens. */
	for (int waited = 0;; waited += 20) {
		char *txt = tu_read_file(port_file, NULL);
		int status;

		if (txt && atoi(txt) > 0) {
			sp->port = (unsigned)atoi(txt);
			free(txt);
			break;
		}
		free(txt);
		if (waitpid(sp->pid, &status, WNOHANG) == sp->pid) {
			sp->pid = 0;
			die_with_log(sp, "tater-sim exited before listening");
		}
		if (waited > 15000)
			die_with_log(sp, "tater-sim did not listen within 15 s");
		sleep_ms(20);
	}
	free(port_file);
	snprintf(sp->url, sizeof(sp->url), "http://127.0.0.1:%u", sp->port);
	return sp;
}

const char *simproc_url(const struct simproc *sp)
{
	return sp->url;
}

unsigned simproc_port(const struct simproc *sp)
{
	return sp->port;
}

pid_t simproc_pid(const struct simproc *sp)
{
	return sp->pid;
}

const char *simproc_dir(const struct simproc *sp)
{
	return sp->dir;
}

char *simproc_log(const struct simproc *sp)
{
	char *log = tu_read_file(sp->log_path, NULL);

	return log ? log : strdup("");
}

int simproc_stop(struct simproc *sp)
{
	int status = 0, rc;
	pid_t r = 0;

	if (!sp)
		return 0;
	kill(sp->pid, SIGTERM);
	for (int waited = 0; waited < 10000; waited += 10) {
		r = waitpid(sp->pid, &status, WNOHANG);
		if (r == sp->pid || (r < 0 && errno != EINTR))
			break;
		sleep_ms(10);
	}
	if (r != sp->pid) {
		kill(sp->pid, SIGKILL);
		waitpid(sp->pid, &status, 0);
	}
	rc = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
	tu_rmtree(sp->dir);
	free(sp->dir);
	free(sp->log_path);
	free(sp);
	return rc;
}
