/* scan.c - `tater scan [TENANT] [--json]`: the scan job, headless.
 * Exit 0: complete and every control passes; 1: complete with failing controls;
 * 2: a scan could not run. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "tater/cli.h"
#include "tater/collect.h"
#include "tater/store.h"
#include "tater/tenants.h"
#include "tater/text.h"
#include "tater/vault.h"

static void show_progress(void *ctx, int64_t done, int64_t total, const char *phase)
{
	const char *name = ctx;

	fprintf(stderr, "\r\033[K%s: [%lld/%lld] %s", name, (long long)done, (long long)total,
		phase);
	fflush(stderr);
}

static json_t *summary_json(const struct tenant *t, const struct scan_summary *sum, int rc,
			    const struct tater_err *err)
{
	return json_pack("{s:s, s:I, s:s, s:i, s:i, s:i, s:I, s:{s:i, s:i, s:i, s:i}, s:o?, s:I,"
			 " s:i, s:i, s:s?}",
			 "tenant", t->name, "scan_id", (json_int_t)sum->scan_id, "status",
			 rc < 0 && !sum->status[0] ? "error" : sum->status, "sources_ok",
			 sum->sources_ok, "sources_denied", sum->sources_denied, "sources_failed",
			 sum->sources_failed, "objects", (json_int_t)sum->objects, "controls",
			 "pass", sum->pass, "fail", sum->fail, "unknown", sum->unknown, "accepted",
			 sum->accepted, "score", sum->score >= 0 ? json_real(sum->score) : NULL,
			 "elapsed_ms", (json_int_t)sum->elapsed_ms, "requests",
			 (int)sum->requests, "throttled", (int)sum->throttled, "error",
			 rc < 0 ? err->msg : (sum->detail[0] ? sum->detail : NULL));
}

int cmd_scan(struct cli *c, int argc, char **argv)
{
	struct tater_err err = {0};
	struct store *s = NULL;
	struct vault *v = NULL;
	struct tenant *ts = NULL, one;
	json_t *out = json_array();
	size_t n = 0;
	int exit_code = CLI_OK, tty = isatty(2), no_pacing = 0;
	const char *only = NULL;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			c->json = 1;
		else if (!strcmp(argv[i], "--no-pacing"))
			no_pacing = 1;
		else if (argv[i][0] == '-' || only) {
			fputs("usage: tater scan [TENANT] [--json] [--no-pacing]\n", stderr);
			json_decref(out);
			return CLI_USAGE;
		} else
			only = argv[i];
	}
	if (c->readonly) {
		tater_errf(&err, TATER_EPERM, "read-only mode: a scan writes to the store");
		goto fail;
	}
	if (cli_open_store(c, 0, &s, &err) < 0)
		goto fail;
	if (only) {
		if (tenant_get(s, only, &one, &err) < 0)
			goto fail;
		ts = malloc(sizeof(*ts));
		if (!ts)
			goto fail;
		ts[0] = one;
		n = 1;
	} else if (tenant_list(s, &ts, &n, &err) < 0) {
		goto fail;
	}
	if (n == 0) {
		tater_errf(&err, TATER_ENOTFOUND,
			   "no tenants to scan: add one with tater tenant add (see --help)");
		goto fail;
	}
	if (cli_unlock(c, s, &v, &err) < 0)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		struct scan_opts o = {0};
		struct scan_summary sum;
		char *name = text_sanitize(ts[i].name, (size_t)-1);
		int rc;

		if (tty && !c->json) {
			o.progress.fn = show_progress;
			o.progress.ctx = name;
		}
		o.ca_file = getenv("TATER_CA_FILE");
		o.no_pacing = no_pacing;
		rc = scan_m365(s, v, &ts[i], &o, &sum, &err);
		if (tty && !c->json)
			fputs("\r\033[K", stderr);
		if (c->json) {
			json_array_append_new(out, summary_json(&ts[i], &sum, rc, &err));
		} else if (rc < 0) {
			cli_errorf("%s: scan failed: %s", name ? name : "", err.msg);
		} else {
			printf("%s: %s in %.1f s; %d sources read, %d denied, %d failed; %lld objects;"
			       " controls %d pass, %d fail, %d unknown",
			       name ? name : "", sum.status, sum.elapsed_ms / 1000.0,
			       sum.sources_ok, sum.sources_denied, sum.sources_failed,
			       (long long)sum.objects, sum.pass, sum.fail, sum.unknown);
			if (sum.accepted)
				printf(" (%d failing accepted)", sum.accepted);
			if (sum.score >= 0)
				printf("; score %.0f", sum.score);
			putchar('\n');
		}
		/* 0 only for a complete scan whose every control passes: a source that could not
		 * be read (partial) is a scan error, and unknown is not pass. */
		if (rc < 0 || strcmp(sum.status, "complete") != 0) {
			if (rc >= 0 && !c->json)
				cli_errorf("%s: the scan is incomplete: %s", name ? name : "",
					   sum.detail[0] ? sum.detail : sum.status);
			exit_code = CLI_ERROR;
		} else if ((sum.fail > 0 || sum.unknown > 0) && exit_code == CLI_OK) {
			exit_code = CLI_FOUND;
		}
		free(name);
	}
	if (c->json) {
		json_dumpf(out, stdout, JSON_INDENT(2));
		putchar('\n');
	}
	json_decref(out);
	free(ts);
	vault_close(v);
	store_close(s);
	return exit_code;
fail:
	cli_error(&err);
	json_decref(out);
	free(ts);
	vault_close(v);
	store_close(s);
	return CLI_ERROR;
}
