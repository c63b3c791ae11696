/* demo.c - `tater --demo`: the real pipeline against tater-sim on loopback.
 *
 * Starts tater-sim on a free port, makes a throwaway store (with a random
 * passphrase in a 0600 key file) holding one demo tenant pointed at the
 * simulator, runs a first scan, then opens the console.  Everything is
 * removed on exit. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "tater/activity.h"
#include "tater/cli.h"
#include "tater/collect.h"
#include "tater/console.h"
#include "tater/remediate.h"
#include "tater/store.h"
#include "tater/tenants.h"
#include "tater/vault.h"

/* The simulator's default credentials (tater-sim --help). */
#define SIM_TENANT "00000000-0000-4000-8000-000000000001"
#define SIM_CLIENT "11111111-1111-4111-8111-111111111111"
#define SIM_SECRET "sim-secret"
/* Its Automation account and webhook token (tater-sim --help), so that the demo's
 * remediation runs end to end: the modal, the live job status, the re-scan. */
#define SIM_WEBHOOK_TOKEN "sim-webhook-token"
#define SIM_ACCOUNT                                                                        \
	"/subscriptions/00000000-0000-4000-8000-00000000aaaa/resourceGroups/rg-tater/providers/" \
	"Microsoft.Automation/automationAccounts/aa-sim"

struct demo {
	char dir[PATH_MAX];
	char store[PATH_MAX + 16], key[PATH_MAX + 16], port_file[PATH_MAX + 16], log[PATH_MAX + 16];
	pid_t sim;
	int port;
};

/* tater-sim beside this binary (build tree: src/sim/), else on PATH. */
static void find_sim(char *out, size_t n)
{
	char self[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	const char *env = getenv("TATER_SIM");

	if (env && *env) {
		snprintf(out, n, "%s", env);
		return;
	}
	if (len > 0) {
		char *slash;

		self[len] = '\0';
		slash = strrchr(self, '/');
		if (slash) {
			*slash = '\0';
			snprintf(out, n, "%s/tater-sim", self);
			if (access(out, X_OK) == 0)
				return;
			snprintf(out, n, "%s/src/sim/tater-sim", self);
			if (access(out, X_OK) == 0)
				return;
		}
	}
	snprintf(out, n, "tater-sim");
}

static int start_sim(struct demo *d, struct tater_err *err)
{
	char sim[PATH_MAX];
	struct timespec ts = {0, 20 * 1000 * 1000};

	find_sim(sim, sizeof(sim));
	d->sim = fork();
	if (d->sim < 0)
		return tater_errf(err, TATER_EIO, "cannot start tater-sim: %s", strerror(errno));
	if (d->sim == 0) {
		int fd = open(d->log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

		if (fd >= 0) {
			dup2(fd, 2);
			dup2(fd, 1);
		}
		setpgid(0, 0); /* Ctrl-C in the console must not reach it */
		/* Even a tater killed outright must not leave a simulator running. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		execlp(sim, sim, "--port", "0", "--port-file", d->port_file, "--users", "400",
		       (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 500; i++) { /* up to 10 s */
		FILE *f = fopen(d->port_file, "r");
		int status;

		if (f) {
			int ok = fscanf(f, "%d", &d->port) == 1;

			fclose(f);
			if (ok && d->port > 0)
				return 0;
		}
		if (waitpid(d->sim, &status, WNOHANG) == d->sim) {
			d->sim = 0;
			return tater_errf(err, TATER_EIO,
					  "tater-sim (%s) did not start; see the build, or run it by "
					  "hand to see why",
					  sim);
		}
		nanosleep(&ts, NULL);
	}
	return tater_errf(err, TATER_ETIMEOUT, "tater-sim did not start listening within 10 s");
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void cleanup(struct demo *d)
{
	if (d->sim > 0) {
		kill(d->sim, SIGTERM);
		waitpid(d->sim, NULL, 0);
		d->sim = 0;
	}
	if (d->dir[0])
		nftw(d->dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

static int make_store(struct demo *d, struct tater_err *err)
{
	unsigned char raw[24];
	char pass[64];
	struct store *s = NULL;
	struct vault *v = NULL;
	struct tenant t;
	struct scan_summary sum;
	struct scan_opts o = {0};
	int fd, ret;

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(pass, sizeof(pass), raw, sizeof(raw), sodium_base64_VARIANT_URLSAFE);
	fd = open(d->key, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, pass, strlen(pass)) != (ssize_t)strlen(pass)) {
		if (fd >= 0)
			close(fd);
		return tater_errf(err, TATER_EIO, "cannot write the demo key file");
	}
	close(fd);
	if ((ret = store_open(&s, d->store, STORE_CREATE, err)) < 0)
		goto out;
	if ((ret = vault_create(s, pass, strlen(pass), err)) < 0 ||
	    (ret = vault_unlock(s, pass, strlen(pass), &v, err)) < 0)
		goto out;
	tenant_init(&t);
	snprintf(t.name, sizeof(t.name), "Demo (tater-sim)");
	snprintf(t.tenant_id, sizeof(t.tenant_id), SIM_TENANT);
	snprintf(t.client_id, sizeof(t.client_id), SIM_CLIENT);
	snprintf(t.cloud, sizeof(t.cloud), "custom");
	snprintf(t.base_url, sizeof(t.base_url), "http://127.0.0.1:%d", d->port);
	if ((ret = tenant_save(s, &t, err)) < 0 ||
	    (ret = vault_put(v, "tenants", t.id, "client_secret", SIM_SECRET, strlen(SIM_SECRET),
			     err)) < 0)
		goto out;
	{
		struct rem_config rc = {.enabled = 1};
		char hook[128];

		snprintf(rc.client_id, sizeof(rc.client_id), SIM_CLIENT);
		snprintf(rc.automation_account, sizeof(rc.automation_account), SIM_ACCOUNT);
		snprintf(hook, sizeof(hook), "http://127.0.0.1:%d/webhooks?token=%s", d->port,
			 SIM_WEBHOOK_TOKEN);
		if ((ret = rem_config_save(s, v, t.id, &rc, hook, err)) < 0)
			goto out;
	}
	activity_append(s, "demo.start", t.name, "ok",
			"throwaway store with a simulated tenant; remediation through the "
			"simulated Azure Automation",
			NULL);
	fprintf(stderr, "tater: scanning the demo tenant...\n");
	if ((ret = scan_m365(s, v, &t, &o, &sum, err)) < 0)
		goto out;
out:
	sodium_memzero(pass, sizeof(pass));
	vault_close(v);
	store_close(s);
	return ret;
}

int cli_demo(struct cli *c, struct console_opts *copts)
{
	struct demo d = {0};
	struct tater_err err = {0};
	const char *tmp = getenv("TMPDIR");
	int ret;

	snprintf(d.dir, sizeof(d.dir), "%s/tater-demo-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(d.dir)) {
		cli_errorf("cannot make a temporary directory: %s", strerror(errno));
		return CLI_ERROR;
	}
	snprintf(d.store, sizeof(d.store), "%s/demo.db", d.dir);
	snprintf(d.key, sizeof(d.key), "%s/key", d.dir);
	snprintf(d.port_file, sizeof(d.port_file), "%s/port", d.dir);
	snprintf(d.log, sizeof(d.log), "%s/sim.log", d.dir);
	if ((ret = start_sim(&d, &err)) < 0 || (ret = make_store(&d, &err)) < 0)
		goto out;
	copts->store_path = d.store;
	copts->key_file = d.key;
	copts->readonly = c->readonly;
	copts->no_color = c->no_color;
	if (!copts->banner)
		copts->banner = "Demo: a simulated tenant on loopback; everything is removed on exit";
	ret = console_run(copts, &err);
out:
	cleanup(&d);
	if (ret < 0) {
		cli_error(&err);
		return CLI_ERROR;
	}
	return CLI_OK;
}
