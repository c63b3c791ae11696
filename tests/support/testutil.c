#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"

char *tu_tmpdir(const char *tag)
{
	const char *base = getenv("TMPDIR");
	char *p;

	if (!base || !*base)
		base = "/tmp";
	if (asprintf(&p, "%s/tater-%s-XXXXXX", base, tag) < 0)
		abort();
	if (!mkdtemp(p)) {
		perror("mkdtemp");
		abort();
	}
	return p;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void tu_rmtree(const char *path)
{
	if (path)
		nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

char *tu_path(const char *dir, const char *name)
{
	char *p;

	if (asprintf(&p, "%s/%s", dir, name) < 0)
		abort();
	return p;
}

void tu_write_file(const char *path, const char *content, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	size_t len = strlen(content);

	if (fd < 0 || write(fd, content, len) != (ssize_t)len) {
		perror(path);
		abort();
	}
	fchmod(fd, mode);
	close(fd);
}

char *tu_read_file(const char *path, size_t *lenp)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (!f)
		return NULL;
	do {
		if (cap - len < 4096) {
			cap = cap ? cap * 2 : 8192;
			buf = realloc(buf, cap + 1);
			if (!buf)
				abort();
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	fclose(f);
	buf[len] = '\0';
	if (lenp)
		*lenp = len;
	return buf;
}

static void append(char **buf, size_t *len, const char *data, size_t n)
{
	*buf = realloc(*buf, *len + n + 1);
	if (!*buf)
		abort();
	memcpy(*buf + *len, data, n);
	*len += n;
	(*buf)[*len] = '\0';
}

int tu_run(char *const argv[], const char *stdin_text, char *const extra_env[], char **out,
	   char **errout)
{
	int pin[2], pout[2], perr[2], status;
	pid_t pid;
	char *obuf = NULL, *ebuf = NULL;
	size_t olen = 0, elen = 0, ilen = stdin_text ? strlen(stdin_text) : 0, ioff = 0;

	if (pipe(pin) || pipe(pout) || pipe(perr))
		abort();
	pid = fork();
	if (pid < 0)
		abort();
	if (pid == 0) {
		dup2(pin[0], 0);
		dup2(pout[1], 1);
		dup2(perr[1], 2);
		close(pin[0]); close(pin[1]);
		close(pout[0]); close(pout[1]);
		close(perr[0]); close(perr[1]);
		setsid(); /* no controlling terminal: prompts must not reach the test's tty */
		for (size_t i = 0; extra_env && extra_env[i]; i++)
			putenv(extra_env[i]);
		execv(argv[0], argv);
		_exit(127);
	}
	close(pin[0]);
	close(pout[1]);
	close(perr[1]);
	signal(SIGPIPE, SIG_IGN);
	if (ilen == 0) {
		close(pin[1]);
		pin[1] = -1;
	}
	append(&obuf, &olen, "", 0);
	append(&ebuf, &elen, "", 0);
	for (int open_fds = 2; open_fds > 0;) {
		struct pollfd p[3] = {{pout[0], POLLIN, 0}, {perr[0], POLLIN, 0},
				      {pin[1], POLLOUT, 0}};
		char tmp[4096];
		ssize_t n;

		if (poll(p, pin[1] >= 0 ? 3 : 2, -1) < 0 && errno != EINTR)
			abort();
		if (pin[1] >= 0 && (p[2].revents & (POLLOUT | POLLERR | POLLHUP))) {
			n = write(pin[1], stdin_text + ioff, ilen - ioff);
			if (n > 0)
				ioff += (size_t)n;
			if (n < 0 || ioff == ilen) {
				close(pin[1]);
				pin[1] = -1;
			}
		}
		for (int i = 0; i < 2; i++) {
			if (p[i].fd < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			n = read(p[i].fd, tmp, sizeof(tmp));
			if (n > 0) {
				if (i == 0)
					append(&obuf, &olen, tmp, (size_t)n);
				else
					append(&ebuf, &elen, tmp, (size_t)n);
			} else {
				close(p[i].fd);
				if (i == 0)
					pout[0] = -1;
				else
					perr[0] = -1;
				open_fds--;
			}
		}
	}
	if (pin[1] >= 0)
		close(pin[1]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (out)
		*out = obuf;
	else
		free(obuf);
	if (errout)
		*errout = ebuf;
	else
		free(ebuf);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

const char *tu_bin(const char *envname)
{
	const char *p = getenv(envname);

	if (!p || !*p) {
		fprintf(stderr, "%s is not set: run the tests through meson test\n", envname);
		abort();
	}
	return p;
}

int tu_contains(const char *haystack, const char *needle)
{
	return haystack && needle && strstr(haystack, needle) != NULL;
}
