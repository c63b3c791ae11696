/* controls.c - `tater controls`: the latest control results, headless. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "tater/catalog.h"
#include "tater/cli.h"
#include "tater/eval.h"
#include "tater/store.h"
#include "tater/tenants.h"
#include "tater/text.h"

static const char controls_usage[] =
	"usage: tater controls [--tenant T] [--json] [--framework F] [--status S]\n"
	"                      [--severity S] [--area A] [--evidence]\n"
	"  --evidence: each result's evidence too (what is at fault; up to 1,000 items),\n"
	"     a line per item under the result, or an \"evidence\" array in --json\n"
	"  F: cis-m365, scuba, nist-800-53, iso-27001, soc2 (or cis, nist, iso), optionally\n"
	"     with a reference prefix: scuba:MS.AAD.3, nist:IA-2\n"
	"  S (status): pass, fail, accepted, unknown; S (severity): critical, high, medium, low\n"
	"Exit status: 0 when no listed control fails, 1 when one does, 2 on error.\n";

static json_t *frameworks_json(const struct control *c)
{
	json_t *o = json_object();

	for (int f = 0; f < CATALOG_NFRAMEWORKS; f++) {
		json_t *a = json_array();

		for (size_t i = 0; i < c->refs[f].n; i++)
			json_array_append_new(a, json_string(c->refs[f].v[i]));
		json_object_set_new(o, catalog_framework_key((enum catalog_framework)f), a);
	}
	return o;
}

static json_t *result_json(const struct tenant *t, const struct eval_result *r)
{
	const struct control *c = r->control;
	char label[96];

	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:s, s:I, s:s?, s:s?, s:I,"
			 " s:s}",
			 "tenant", t->name, "id", c->id, "title", c->title, "status", r->status,
			 "label", eval_result_label(r, label, sizeof(label)), "severity",
			 r->severity, "area", c->area, "frameworks", frameworks_json(c), "reason",
			 r->reason ? r->reason : "", "evidence_count",
			 (json_int_t)r->evidence_count, "remediation", c->remediation,
			 "accepted_until", r->accepted ? r->accepted_until : NULL, "scan_id",
			 (json_int_t)r->scan_id, "evaluated_at", r->evaluated_at);
}

static void print_result(const struct tenant *t, const struct eval_result *r, int many)
{
	char label[96], *reason = text_sanitize(r->reason ? r->reason : "", (size_t)-1);

	eval_result_label(r, label, sizeof(label));
	if (many)
		printf("%-16.16s ", t->name);
	printf("%-30s %-8s %-36s %s\n", label, r->severity, r->control->id, reason ? reason : "");
	free(reason);
}

/* The result's evidence: into o as an array (JSON), or a sanitised line per item. */
static int add_evidence(struct store *s, const struct eval_result *r, json_t *o,
			struct tater_err *err)
{
	char *json = NULL, **lines = NULL;
	size_t n = 0, total = 0;
	int ret;

	if ((ret = eval_result_evidence(s, r->id, &json, err)) < 0)
		return ret;
	if (o) {
		json_t *ev = json_loads(json, JSON_DECODE_ANY, NULL);

		json_object_set_new(o, "evidence", ev ? ev : json_array());
	} else if ((ret = eval_evidence_lines(json, EVAL_EVIDENCE_MAX, &lines, &n, &total)) < 0) {
		ret = tater_errf(err, ret, "out of memory");
	} else {
		for (size_t i = 0; i < n; i++) {
			char *clean = text_sanitize(lines[i], (size_t)-1);

			printf("    %s\n", clean ? clean : "");
			free(clean);
		}
		if (r->evidence_count > (int64_t)n)
			printf("    ... and %lld more (the store keeps the first %d)\n",
			       (long long)(r->evidence_count - (int64_t)n), EVAL_EVIDENCE_MAX);
	}
	eval_evidence_lines_free(lines, n);
	free(json);
	return ret;
}

int cmd_controls(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"tenant", required_argument, NULL, 't'},  {"json", no_argument, NULL, 'j'},
		{"framework", required_argument, NULL, 'f'}, {"status", required_argument, NULL, 's'},
		{"severity", required_argument, NULL, 'v'}, {"area", required_argument, NULL, 'a'},
		{"evidence", no_argument, NULL, 'e'},       {"help", no_argument, NULL, 'h'},
		{0, 0, 0, 0},
	};
	struct eval_filter f = {0};
	struct tater_err err = {0};
	struct catalog *cat = NULL;
	struct store *s = NULL;
	struct tenant *ts = NULL;
	const char *only = NULL;
	json_t *out = NULL;
	size_t n = 0, shown = 0;
	int ch, ret = CLI_ERROR, failing = 0, evidence = 0;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 't':
			only = optarg;
			break;
		case 'j':
			c->json = 1;
			break;
		case 'f':
			f.framework = optarg;
			break;
		case 's':
			f.status = optarg;
			break;
		case 'v':
			f.severity = optarg;
			break;
		case 'a':
			f.area = optarg;
			break;
		case 'e':
			evidence = 1;
			break;
		case 'h':
			fputs(controls_usage, stdout);
			return CLI_OK;
		default:
			fputs(controls_usage, stderr);
			return CLI_USAGE;
		}
	}
	if (optind < argc || eval_filter_ok(&f, &err) < 0) {
		if (err.msg[0])
			cli_error(&err);
		fputs(controls_usage, stderr);
		return CLI_USAGE;
	}
	if (cli_open_store(c, 0, &s, &err) < 0 || catalog_open(&cat, NULL, &err) < 0)
		goto out;
	if (only) {
		ts = calloc(1, sizeof(*ts));
		if (!ts || tenant_get(s, only, ts, &err) < 0)
			goto out;
		n = 1;
	} else if (tenant_list(s, &ts, &n, &err) < 0) {
		goto out;
	}
	out = json_array();
	for (size_t i = 0; i < n; i++) {
		struct eval_results rs = {0};
		char scope[32];

		tenant_scope(ts[i].id, scope, sizeof(scope));
		if (eval_results_latest(s, cat, scope, &f, &rs, &err) < 0)
			goto out;
		for (size_t k = 0; k < rs.n; k++) {
			if (!strcmp(rs.v[k].status, "fail") && !rs.v[k].accepted)
				failing++;
			json_t *o = c->json ? result_json(&ts[i], &rs.v[k]) : NULL;

			if (o)
				json_array_append_new(out, o);
			else
				print_result(&ts[i], &rs.v[k], n > 1);
			if (evidence && add_evidence(s, &rs.v[k], o, &err) < 0) {
				eval_results_free(&rs);
				goto out;
			}
			shown++;
		}
		eval_results_free(&rs);
	}
	if (c->json) {
		json_dumpf(out, stdout, JSON_INDENT(2));
		putchar('\n');
	} else if (shown == 0) {
		printf(n == 0 ? "No tenants yet: tater tenant add (see tater tenant --help).\n"
			      : "No results%s: run tater scan first.\n",
		       f.status || f.severity || f.framework || f.area ? " match" : "");
	}
	ret = failing ? CLI_FOUND : CLI_OK;
out:
	if (ret == CLI_ERROR)
		cli_error(&err);
	json_decref(out);
	free(ts);
	catalog_free(cat);
	store_close(s);
	return ret;
}
