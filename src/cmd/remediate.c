/* remediate.c - `tater remediation setup|show|test` and `tater remediate CONTROL_ID`.
 *
 * setup reads the webhook URL from a 0600 file (it carries a token: never on argv) and seals
 * it.  remediate prints each status change; exit 0 only when the job ended Completed, 1 when
 * it ended Failed or Stopped or is still running in Azure after the timeout, 2 when it could
 * not run (refused, webhook error, credentials). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tater/catalog.h"
#include "tater/cli.h"
#include "tater/collect.h"
#include "tater/eval.h"
#include "tater/remediate.h"
#include "tater/store.h"
#include "tater/tenants.h"
#include "tater/text.h"
#include "tater/vault.h"

static const char setup_usage[] =
	"usage: tater remediation setup [--tenant T] --webhook-url-file F --client-id ID\n"
	"                               --automation-account RESOURCE_ID (--enable | --disable)\n"
	"       tater remediation show [--tenant T]\n"
	"       tater remediation test [--tenant T]\n"
	"       tater remediation scripts\n"
	"The webhook URL file must be mode 0600: the URL carries the webhook's token.\n";

static const char rem_usage[] =
	"usage: tater remediate CONTROL_ID [--tenant T] [--param NAME=VALUE]... --yes [--rescan]\n"
	"       tater remediate CONTROL_ID [--tenant T] --resume [--rescan]\n"
	"Runs the control's remediation script in Azure Automation and follows the job.\n"
	"Exit 0: the job Completed; 1: it Failed, was Stopped or still runs; 2: it could not run.\n";

/* The tenant named, or the only one. */
static int pick_tenant(struct store *s, const char *name, struct tenant *out,
		       struct tater_err *err)
{
	struct tenant *all = NULL;
	size_t n = 0;
	int ret;

	if (name)
		return tenant_get(s, name, out, err);
	if ((ret = tenant_list(s, &all, &n, err)) < 0)
		return ret;
	if (n == 1)
		*out = all[0];
	free(all);
	if (n == 0)
		return tater_errf(err, TATER_ENOTFOUND, "no tenants yet: tater tenant add");
	if (n > 1)
		return tater_errf(err, TATER_EINVAL, "several tenants: name one with --tenant");
	return 0;
}

static void print_safe(const char *s)
{
	char *t = text_sanitize(s ? s : "", (size_t)-1);

	fputs(t ? t : "", stdout);
	free(t);
}

static int setup_show(struct cli *c, const char *tname, int test)
{
	struct tater_err err = {0};
	struct store *s = NULL;
	struct vault *v = NULL;
	struct tenant t;
	struct rem_config cfg;
	char red[300] = "(none)", info[300];
	int rc = CLI_ERROR;

	if (cli_open_store(c, 0, &s, &err) < 0 || pick_tenant(s, tname, &t, &err) < 0 ||
	    rem_config_get(s, t.id, &cfg, &err) < 0)
		goto out;
	if (cfg.has_webhook || test) {
		if (cli_unlock(c, s, &v, &err) < 0)
			goto out;
		if (cfg.has_webhook)
			rem_config_webhook_redacted(v, t.id, red, sizeof(red), &err);
	}
	printf("tenant:              %s\n", t.name);
	printf("automated remediation: %s\n", cfg.enabled ? "enabled" : "disabled");
	printf("webhook URL:         %s\n", red);
	printf("client ID:           %s\n", cfg.client_id[0] ? cfg.client_id : "(none)");
	printf("Automation account:  %s\n",
	       cfg.automation_account[0] ? cfg.automation_account : "(none)");
	if (cfg.exists)
		printf("updated:             %s by %s\n", cfg.updated_at, cfg.updated_by);
	rc = CLI_OK;
	if (test) {
		if (rem_test_account(v, &t, &cfg, getenv("TATER_CA_FILE"), info, sizeof(info),
				     &err) < 0) {
			rc = CLI_ERROR;
			goto out;
		}
		printf("test:                ");
		print_safe(info);
		putchar('\n');
	}
out:
	if (rc != CLI_OK)
		cli_error(&err);
	vault_close(v);
	store_close(s);
	return rc;
}

static int list_scripts(void)
{
	struct tater_err err = {0};
	struct rem_catalog *rc = NULL;

	if (rem_catalog_open(&rc, &err) < 0) {
		cli_error(&err);
		return CLI_ERROR;
	}
	for (size_t i = 0; i < rem_catalog_count(rc); i++) {
		const struct rem_script *sc = rem_catalog_at(rc, i);

		printf("%-36s %-10s %-4s %s\n", sc->id, sc->area, sc->exo ? "5.1" : "7.2",
		       sc->title);
	}
	rem_catalog_free(rc);
	return CLI_OK;
}

int cmd_remediation(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"tenant", required_argument, NULL, 't'},
		{"webhook-url-file", required_argument, NULL, 'w'},
		{"client-id", required_argument, NULL, 'c'},
		{"automation-account", required_argument, NULL, 'a'},
		{"enable", no_argument, NULL, 'e'},
		{"disable", no_argument, NULL, 'd'},
		{0, 0, 0, 0},
	};
	const char *tname = NULL, *wfile = NULL, *sub;
	struct rem_config cfg = {0};
	struct tater_err err = {0};
	struct store *s = NULL;
	struct vault *v = NULL;
	struct tenant t;
	char *url = NULL;
	size_t ulen = 0;
	int ch, en = 0, dis = 0, have_c = 0, have_a = 0, rc = CLI_ERROR;

	if (argc < 2) {
		fputs(setup_usage, stderr);
		return CLI_USAGE;
	}
	sub = argv[1];
	argc--;
	argv++;
	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 't': tname = optarg; break;
		case 'w': wfile = optarg; break;
		case 'c':
			snprintf(cfg.client_id, sizeof(cfg.client_id), "%s", optarg);
			have_c = 1;
			break;
		case 'a':
			snprintf(cfg.automation_account, sizeof(cfg.automation_account), "%s",
				 optarg);
			have_a = 1;
			break;
		case 'e': en = 1; break;
		case 'd': dis = 1; break;
		default: fputs(setup_usage, stderr); return CLI_USAGE;
		}
	}
	if (optind != argc) {
		fputs(setup_usage, stderr);
		return CLI_USAGE;
	}
	if (!strcmp(sub, "show") || !strcmp(sub, "test"))
		return setup_show(c, tname, !strcmp(sub, "test"));
	if (!strcmp(sub, "scripts"))
		return list_scripts();
	if (strcmp(sub, "setup") != 0 || en == dis) {
		fputs(setup_usage, stderr);
		return CLI_USAGE;
	}
	if (c->readonly) {
		tater_errf(&err, TATER_EPERM, "read-only mode: setup changes the store");
		goto out;
	}
	if (cli_open_store(c, 0, &s, &err) < 0 || pick_tenant(s, tname, &t, &err) < 0)
		goto out;
	{
		struct rem_config cur;

		if (rem_config_get(s, t.id, &cur, &err) < 0)
			goto out;
		if (!have_c)
			memcpy(cfg.client_id, cur.client_id, sizeof(cfg.client_id));
		if (!have_a)
			memcpy(cfg.automation_account, cur.automation_account,
			       sizeof(cfg.automation_account));
	}
	cfg.enabled = en;
	if (wfile && vault_read_file(wfile, &url, &ulen, &err) < 0)
		goto out;
	if (cli_unlock(c, s, &v, &err) < 0)
		goto out;
	if (rem_config_save(s, v, t.id, &cfg, url, &err) < 0)
		goto out;
	printf("remediation for %s: %s\n", t.name, en ? "enabled" : "disabled");
	rc = CLI_OK;
out:
	if (rc != CLI_OK)
		cli_error(&err);
	if (url)
		vault_free_passphrase(url, ulen);
	vault_close(v);
	store_close(s);
	return rc;
}

/* ---- tater remediate ----------------------------------------------------------------- */

struct printer {
	char last_status[24];
	int last_attempt;
	char job[64];
};

static void on_progress(void *ctx, const struct rem_progress *p)
{
	struct printer *pr = ctx;

	switch (p->phase) {
	case REM_PHASE_REQUESTED:
		printf("request %s recorded\n", p->request_id);
		break;
	case REM_PHASE_POSTING:
		if (p->attempt != pr->last_attempt && p->attempt > 1)
			printf("webhook: retry %d (%s)\n", p->attempt, p->note);
		pr->last_attempt = p->attempt;
		break;
	case REM_PHASE_SUBMITTED:
		if (strcmp(pr->job, p->job_id) != 0)
			printf("job %s accepted by Azure Automation\n", p->job_id);
		snprintf(pr->job, sizeof(pr->job), "%s", p->job_id);
		break;
	case REM_PHASE_POLLED:
		if (p->job_status[0] && strcmp(pr->last_status, p->job_status) != 0) {
			printf("%-10s (%lld s)\n", p->job_status, p->elapsed_ms / 1000);
			snprintf(pr->last_status, sizeof(pr->last_status), "%s", p->job_status);
		}
		break;
	default:
		break;
	}
	fflush(stdout);
}

static const char *control_status(struct store *s, const struct catalog *cat, const char *scope,
				  const char *control_id, char *buf, size_t n)
{
	struct eval_results res = {0};
	struct tater_err err = {0};

	snprintf(buf, n, "not evaluated");
	if (eval_results_latest(s, cat, scope, NULL, &res, &err) == 0) {
		for (size_t i = 0; i < res.n; i++)
			if (!strcmp(res.v[i].control->id, control_id))
				eval_result_label(&res.v[i], buf, n);
	}
	eval_results_free(&res);
	return buf;
}

static void print_result(const struct rem_outcome *o)
{
	const struct rem_result *r = &o->result;

	if (!r->status[0]) {
		if (o->output && o->output[0])
			printf("output (no result line for this request):\n%s\n", o->output);
		return;
	}
	printf("result: %s (runtime %s)\n", r->status, r->runtime[0] ? r->runtime : "?");
	if (r->nchanges) {
		printf("changes:\n  ");
		for (const char *p = r->changes_text; *p; p++) {
			putchar(*p);
			if (*p == '\n')
				fputs("  ", stdout);
		}
		putchar('\n');
	}
	if (r->nerrors) {
		printf("errors:\n  ");
		print_safe(r->errors_text);
		putchar('\n');
	}
	if (r->guidance_text && r->guidance_text[0]) {
		printf("guidance:\n  ");
		print_safe(r->guidance_text);
		putchar('\n');
	}
}

int cmd_remediate(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"tenant", required_argument, NULL, 't'},
		{"param", required_argument, NULL, 'p'},
		{"yes", no_argument, NULL, 'y'},
		{"resume", no_argument, NULL, 'r'},
		{"rescan", no_argument, NULL, 's'},
		{0, 0, 0, 0},
	};
	const char *tname = NULL, **params = NULL;
	size_t nparams = 0;
	int ch, yes = 0, resume = 0, rescan = 0, rc = CLI_ERROR, ret;
	struct tater_err err = {0};
	struct store *s = NULL;
	struct vault *v = NULL;
	struct catalog *cat = NULL;
	struct rem_catalog *rcat = NULL;
	const struct control *ctl;
	const struct rem_script *sc;
	struct tenant t;
	struct rem_outcome out = {0};
	struct rem_run_opts ro = {0};
	struct printer pr = {0};
	char scope[32], before[64], after[64], *pjson = NULL;
	const char *control_id;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 't': tname = optarg; break;
		case 'p': {
			const char **nv = realloc(params, (nparams + 1) * sizeof(*nv));

			if (!nv) {
				free(params);
				return CLI_ERROR;
			}
			params = nv;
			params[nparams++] = optarg;
			break;
		}
		case 'y': yes = 1; break;
		case 'r': resume = 1; break;
		case 's': rescan = 1; break;
		default: free(params); fputs(rem_usage, stderr); return CLI_USAGE;
		}
	}
	if (optind + 1 != argc || (!yes && !resume) || (resume && nparams)) {
		if (optind + 1 == argc && !yes && !resume)
			fputs("tater: remediate changes the tenant: add --yes to confirm\n", stderr);
		free(params);
		fputs(rem_usage, stderr);
		return CLI_USAGE;
	}
	control_id = argv[optind];
	if (c->readonly) {
		tater_errf(&err, TATER_EPERM, "read-only mode: remediation changes the tenant");
		goto out;
	}
	if (cli_open_store(c, 0, &s, &err) < 0 || pick_tenant(s, tname, &t, &err) < 0)
		goto out;
	tenant_scope(t.id, scope, sizeof(scope));
	if (catalog_open(&cat, NULL, &err) < 0 || rem_catalog_open(&rcat, &err) < 0)
		goto out;
	if (!(ctl = catalog_find(cat, control_id))) {
		tater_errf(&err, TATER_ENOTFOUND, "no control '%s' in the catalog", control_id);
		goto out;
	}
	if (!(sc = rem_catalog_for_control(rcat, ctl->id, ctl->remediation))) {
		tater_errf(&err, TATER_ENOTFOUND, "control %s has no remediation script", ctl->id);
		goto out;
	}
	if (!resume && rem_params_json(sc, params, nparams, &pjson, &err) < 0)
		goto out;
	if (cli_unlock(c, s, &v, &err) < 0)
		goto out;
	control_status(s, cat, scope, ctl->id, before, sizeof(before));
	printf("%s: %s\n", ctl->id, before);
	printf("script %s: %s\n", sc->id, sc->title);
	printf("runtime %s\n", rem_runtime_label(sc));
	ro.ca_file = getenv("TATER_CA_FILE");
	ro.progress = on_progress;
	ro.ctx = &pr;
	if (resume) {
		struct rem_request r;

		if (rem_request_latest(s, scope, ctl->id, &r, &err) < 0)
			goto out;
		printf("resuming request %s (job %s, %s)\n", r.request_id,
		       r.job_id[0] ? r.job_id : "none", r.status);
		ret = rem_resume(s, v, &t, r.request_id, &ro, &out, &err);
		rem_request_free(&r);
	} else {
		printf("parameters %s\n", pjson);
		ret = rem_run(s, v, &t, ctl->id, sc, pjson, &ro, &out, &err);
	}
	fflush(stdout);
	print_result(&out);
	if (ret == 0) {
		printf("Completed: job %s\n", out.job_id);
		rc = CLI_OK;
		if (rescan) {
			struct scan_opts so = {0};
			struct scan_summary sum;

			so.ca_file = ro.ca_file;
			so.catalog = cat;
			if (scan_m365(s, v, &t, &so, &sum, &err) < 0) {
				cli_error(&err);
				rc = CLI_ERROR;
			} else {
				control_status(s, cat, scope, ctl->id, after, sizeof(after));
				printf("rescan: %s before, %s after\n", before, after);
				if (strncmp(after, "pass", 4) != 0)
					rc = CLI_FOUND;
			}
		}
		goto done;
	}
	cli_error(&err);
	rc = ret == TATER_ETIMEOUT || (out.status[0] && strcmp(out.status, "error") != 0 &&
				       out.job_id[0])
		 ? CLI_FOUND
		 : CLI_ERROR;
	goto done;
out:
	cli_error(&err);
done:
	rem_outcome_free(&out);
	free(pjson);
	free(params);
	rem_catalog_free(rcat);
	catalog_free(cat);
	vault_close(v);
	store_close(s);
	return rc;
}
