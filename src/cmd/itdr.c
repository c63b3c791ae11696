/* itdr.c - ITDR, headless: `tater alerts`, `tater ingest`, `tater alert ...`.
 * Everything printed that came from the cloud or from people is sanitised first.
 * Exit codes: `alerts` 1 when it lists an open critical or high alert; `ingest` 1 when a
 * stream could not be read (partial); `alert` 2 for a refused change (the message says why). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "tater/cli.h"
#include "tater/itdr.h"
#include "tater/store.h"
#include "tater/tenants.h"
#include "tater/text.h"
#include "tater/vault.h"

static const char alerts_usage[] =
    "usage: tater alerts [--json] [--status S] [--severity S] [--tenant T] [--open]\n";
static const char ingest_usage[] =
    "usage: tater ingest [TENANT] [--json] [--days N] [--no-pacing]\n"
    "  --days N   first run only: read the last N days (default 30, or the tenant's\n"
    "             itdr.first_days setting); later runs read from the watermarks\n";
static const char alert_usage[] =
    "usage: tater alert show ID [--json]\n"
    "       tater alert status ID new|investigating|contained|resolved|false_positive [--note N]\n"
    "       tater alert assign ID USER       (me: yourself; '' unassigns)\n"
    "       tater alert note ID TEXT\n"
    "       tater alert create --user UPN --type TYPE --severity S --description TEXT\n"
    "                          [--tenant T]\n"
    "       tater alert activate ID          (the linked playbook: opens an incident)\n"
    "Resolved and false_positive need --note (the closing note).\n";

static void put(FILE *f, const char *s)
{
	char *safe = text_sanitize(s ? s : "", (size_t)-1);

	fputs(safe ? safe : "?", f);
	free(safe);
}

static void putcol(const char *s, int cells)
{
	char *safe = text_sanitize(s && *s ? s : "-", (size_t)-1), fit[512];
	int used = text_fit(safe ? safe : "?", cells, fit, sizeof(fit));

	printf("%s%*s ", fit, cells - used, "");
	free(safe);
}

static int fail(struct tater_err *err)
{
	cli_error(err);
	return CLI_ERROR;
}

static int parse_id(const char *s, int64_t *id)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s ? s : "", &end, 10);
	if (s && *s == '#')
		v = strtoll(s + 1, &end, 10);
	if (errno || !s || !*s || *end || v <= 0)
		return -1;
	*id = v;
	return 0;
}

static json_t *jstr(const char *s)
{
	char *safe;
	json_t *j;

	if (!s || !*s)
		return json_null();
	safe = text_sanitize(s, (size_t)-1);
	j = json_string(safe ? safe : "");
	free(safe);
	return j;
}

static json_t *alert_json(const struct itdr_alert *a)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(a->id));
	json_object_set_new(o, "tenant", jstr(a->tenant));
	json_object_set_new(o, "scope", jstr(a->scope));
	json_object_set_new(o, "detection_id", jstr(a->detection_id));
	json_object_set_new(o, "source", jstr(a->source));
	json_object_set_new(o, "type", jstr(a->type));
	json_object_set_new(o, "severity", jstr(a->severity));
	json_object_set_new(o, "status", jstr(a->status));
	json_object_set_new(o, "assignee", jstr(a->assignee));
	json_object_set_new(o, "user", jstr(a->user_upn));
	json_object_set_new(o, "user_id", jstr(a->user_id));
	json_object_set_new(o, "ip", jstr(a->ip));
	json_object_set_new(o, "location", jstr(a->location));
	json_object_set_new(o, "risk_level", jstr(a->risk_level));
	json_object_set_new(o, "risk_state", jstr(a->risk_state));
	json_object_set_new(o, "request_id", jstr(a->request_id));
	json_object_set_new(o, "correlation_id", jstr(a->correlation_id));
	json_object_set_new(o, "detected_at", jstr(a->detected_at));
	json_object_set_new(o, "created_at", jstr(a->created_at));
	json_object_set_new(o, "updated_at", jstr(a->updated_at));
	json_object_set_new(o, "manual", json_boolean(a->manual));
	json_object_set_new(o, "incident",
			    a->incident_id ? json_integer(a->incident_id) : json_null());
	json_object_set_new(o, "description", jstr(a->description));
	json_object_set_new(o, "closing_note", jstr(a->closing_note));
	return o;
}

static void json_print(json_t *j)
{
	json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	putchar('\n');
	json_decref(j);
}

/* ---- tater alerts ---- */

int cmd_alerts(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"json", no_argument, NULL, 'j'},
	    {"status", required_argument, NULL, 's'},
	    {"severity", required_argument, NULL, 'v'},
	    {"tenant", required_argument, NULL, 't'},
	    {"open", no_argument, NULL, 'o'},
	    {"help", no_argument, NULL, 'h'},
	    {0, 0, 0, 0},
	};
	struct itdr_list_filter f = {0};
	struct tater_err err = {0};
	struct store *s = NULL;
	struct itdr_alert *v = NULL;
	struct tenant t;
	const char *tenant = NULL;
	char scope[32];
	size_t n = 0;
	int ch, json = c->json, code = CLI_OK;
	time_t now = time(NULL);

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'j':
			json = 1;
			break;
		case 's':
			if (itdr_status_parse(optarg, &f.status, &err) < 0)
				return cli_error(&err), CLI_USAGE;
			break;
		case 'v':
			if (itdr_severity_parse(optarg, &f.severity, &err) < 0)
				return cli_error(&err), CLI_USAGE;
			break;
		case 't':
			tenant = optarg;
			break;
		case 'o':
			f.open_only = 1;
			break;
		default:
			fputs(alerts_usage, ch == 'h' ? stdout : stderr);
			return ch == 'h' ? CLI_OK : CLI_USAGE;
		}
	}
	if (optind != argc) {
		fputs(alerts_usage, stderr);
		return CLI_USAGE;
	}
	if (cli_open_store(c, 0, &s, &err) < 0)
		return fail(&err);
	if (tenant) {
		if (tenant_get(s, tenant, &t, &err) < 0) {
			store_close(s);
			return fail(&err);
		}
		tenant_scope(t.id, scope, sizeof(scope));
		f.scope = scope;
	}
	if (itdr_alerts_list(s, &f, &v, &n, &err) < 0) {
		store_close(s);
		return fail(&err);
	}
	for (size_t i = 0; i < n; i++)
		if (!itdr_status_closed(v[i].status) && itdr_severity_rank(v[i].severity) >= 2)
			code = CLI_FOUND;
	if (json) {
		json_t *arr = json_array();

		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, alert_json(&v[i]));
		json_print(arr);
	} else {
		printf("%-6s %-8s %-14s %-26s %-30s %-12s %-5s %s\n", "ID", "SEV", "STATUS", "TYPE",
		       "USER", "ASSIGNEE", "AGE", "TENANT");
		for (size_t i = 0; i < n; i++) {
			char age[16];
			int64_t t0 = itdr_time_parse(v[i].detected_at[0] ? v[i].detected_at
									 : v[i].created_at);

			itdr_age(t0 < 0 ? -1 : (int64_t)now - t0, age, sizeof(age));
			printf("%-6lld %-8s %-14s ", (long long)v[i].id, v[i].severity,
			       itdr_status_label(v[i].status));
			putcol(v[i].type, 26);
			putcol(v[i].user_upn, 30);
			putcol(v[i].assignee, 12);
			printf("%-5s ", age);
			putcol(v[i].tenant[0] ? v[i].tenant : v[i].scope, 20);
			putchar('\n');
		}
		if (n == 0)
			printf("(no alerts)\n");
	}
	itdr_alerts_free(v, n);
	store_close(s);
	return code;
}

/* ---- tater ingest ---- */

static void show_progress(void *ctx, int64_t done, int64_t total, const char *phase)
{
	fprintf(stderr, "\r\033[K%s: [%lld/%lld] %s", (const char *)ctx, (long long)done,
		(long long)total, phase);
	fflush(stderr);
}

int cmd_ingest(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"json", no_argument, NULL, 'j'},	   {"days", required_argument, NULL, 'd'},
	    {"no-pacing", no_argument, NULL, 'P'}, {"since", required_argument, NULL, 'S'},
	    {"help", no_argument, NULL, 'h'},	   {0, 0, 0, 0},
	};
	struct tater_err err = {0};
	struct store *s = NULL;
	struct vault *v = NULL;
	struct tenant *ts = NULL;
	const char *only = NULL, *since = NULL;
	json_t *out = json_array();
	size_t n = 0;
	int ch, json = c->json, days = 0, no_pacing = 0, code = CLI_OK, tty = isatty(2);

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'j':
			json = 1;
			break;
		case 'd':
			days = atoi(optarg);
			if (days < 1 || days > 3650) {
				cli_errorf("--days: 1 to 3650");
				json_decref(out);
				return CLI_USAGE;
			}
			break;
		case 'P':
			no_pacing = 1;
			break;
		case 'S': /* hidden: a fixed first-run start (tests against a fixed estate) */
			since = optarg;
			break;
		default:
			fputs(ingest_usage, ch == 'h' ? stdout : stderr);
			json_decref(out);
			return ch == 'h' ? CLI_OK : CLI_USAGE;
		}
	}
	if (optind < argc)
		only = argv[optind++];
	if (optind != argc) {
		fputs(ingest_usage, stderr);
		json_decref(out);
		return CLI_USAGE;
	}
	if (c->readonly) {
		tater_errf(&err, TATER_EPERM, "read-only mode: an ingest writes to the store");
		goto fail;
	}
	if (cli_open_store(c, 0, &s, &err) < 0)
		goto fail;
	if (only) {
		if (!(ts = malloc(sizeof(*ts))) || tenant_get(s, only, ts, &err) < 0)
			goto fail;
		n = 1;
	} else if (tenant_list(s, &ts, &n, &err) < 0) {
		goto fail;
	}
	if (n == 0) {
		tater_errf(&err, TATER_ENOTFOUND, "no tenants: add one with tater tenant add");
		goto fail;
	}
	if (cli_unlock(c, s, &v, &err) < 0)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		struct itdr_ingest_opts o = {0};
		struct itdr_ingest_summary sum;
		char *name = text_sanitize(ts[i].name, (size_t)-1);
		int rc;

		if (tty && !json) {
			o.progress.fn = show_progress;
			o.progress.ctx = name;
		}
		o.ca_file = getenv("TATER_CA_FILE");
		o.no_pacing = no_pacing;
		o.first_days = days;
		o.first_since = since;
		rc = itdr_ingest(s, v, &ts[i], &o, &sum, &err);
		if (tty && !json)
			fputs("\r\033[K", stderr);
		if (json) {
			json_array_append_new(
			    out,
			    json_pack(
				"{s:s, s:I, s:s, s:i, s:i, s:i, s:i, s:i, s:i, s:{s:s, s:s,"
				" s:s}, s:I, s:i, s:i, s:o}",
				"tenant", name ? name : "", "scan_id", (json_int_t)sum.scan_id,
				"status", rc < 0 && !sum.status[0] ? "error" : sum.status,
				"detections", (int)sum.detections, "risky_users",
				(int)sum.risky_users, "signins", (int)sum.signins, "alerts_new",
				(int)sum.alerts_new, "alerts_updated", (int)sum.alerts_updated,
				"links", (int)sum.links, "since", "detections", sum.since[0],
				"risky_users", sum.since[1], "signins", sum.since[2], "elapsed_ms",
				(json_int_t)sum.elapsed_ms, "requests", (int)sum.requests,
				"throttled", (int)sum.throttled, "error",
				jstr(rc < 0 ? err.msg : sum.detail)));
		} else if (rc < 0) {
			fprintf(stderr, "tater: %s: ingest failed: ", name ? name : "");
			cli_error(&err);
		} else {
			printf(
			    "%s: %s in %.1f s; %ld detections (%ld new alerts, %ld updated), %ld "
			    "risky users, %ld sign-ins, %ld related sign-ins linked\n",
			    name ? name : "", sum.status, sum.elapsed_ms / 1000.0, sum.detections,
			    sum.alerts_new, sum.alerts_updated, sum.risky_users, sum.signins,
			    sum.links);
			if (sum.detail[0]) {
				fputs("  ", stdout);
				put(stdout, sum.detail);
				putchar('\n');
			}
		}
		if (rc < 0)
			code = CLI_ERROR;
		else if (strcmp(sum.status, "complete") && code == CLI_OK)
			code = CLI_FOUND;
		free(name);
	}
	if (json)
		json_print(out);
	else
		json_decref(out);
	free(ts);
	vault_close(v);
	store_close(s);
	return code;
fail:
	cli_error(&err);
	json_decref(out);
	free(ts);
	vault_close(v);
	store_close(s);
	return CLI_ERROR;
}

/* ---- tater alert ... ---- */

static int alert_show(struct store *s, int64_t id, int json, struct tater_err *err)
{
	struct itdr_alert a;
	struct itdr_note *notes = NULL;
	struct itdr_signin *si = NULL;
	size_t nn = 0, ns = 0;

	if (itdr_alert_get(s, id, &a, err) < 0 || itdr_alert_notes(s, id, &notes, &nn, err) < 0 ||
	    itdr_alert_signins(s, id, &si, &ns, err) < 0) {
		itdr_alert_clear(&a);
		itdr_notes_free(notes, nn);
		return fail(err);
	}
	if (json) {
		json_t *o = alert_json(&a), *jn = json_array(), *js = json_array();

		for (size_t i = 0; i < nn; i++)
			json_array_append_new(
			    jn, json_pack("{s:o, s:o, s:o}", "at", jstr(notes[i].at), "author",
					  jstr(notes[i].author), "text", jstr(notes[i].body)));
		for (size_t i = 0; i < ns; i++)
			json_array_append_new(
			    js, json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "id",
					  jstr(si[i].id), "at", jstr(si[i].at), "reason",
					  jstr(si[i].reason), "ip", jstr(si[i].ip), "location",
					  jstr(si[i].location), "device", jstr(si[i].device), "app",
					  jstr(si[i].app), "result", jstr(si[i].result)));
		json_object_set_new(o, "notes", jn);
		json_object_set_new(o, "signins", js);
		json_print(o);
	} else {
		printf("Alert #%lld: %s %s, %s\n", (long long)a.id, a.severity,
		       itdr_status_label(a.status), a.manual ? "manual" : "ingested");
#define LINE(label, v)                                                                             \
	do {                                                                                       \
		printf("  %-14s ", label);                                                         \
		put(stdout, (v) && *(v) ? (v) : "-");                                              \
		putchar('\n');                                                                     \
	} while (0)
		LINE("Type", a.type);
		LINE("User", a.user_upn);
		LINE("User id", a.user_id);
		LINE("Detected", a.detected_at);
		LINE("IP", a.ip);
		LINE("Location", a.location);
		LINE("Risk", a.risk_level);
		LINE("Risk state", a.risk_state);
		LINE("Assignee", a.assignee);
		LINE("Tenant", a.tenant[0] ? a.tenant : a.scope);
		LINE("Detection id", a.detection_id);
		LINE("Description", a.description);
		LINE("Closing note", a.closing_note);
		if (a.incident_id)
			printf("  %-14s #%lld (tater incident show %lld)\n", "Incident",
			       (long long)a.incident_id, (long long)a.incident_id);
		printf("  Next status:   %s\n", itdr_next_label(a.status));
		printf("\nRelated sign-ins (%zu)\n", ns);
		for (size_t i = 0; i < ns; i++) {
			printf("  %.19s  %-14s ", si[i].at, si[i].reason);
			putcol(si[i].ip, 15);
			putcol(si[i].location, 24);
			putcol(si[i].device, 28);
			putcol(si[i].app, 24);
			put(stdout, si[i].result);
			putchar('\n');
		}
		printf("\nNotes (%zu)\n", nn);
		for (size_t i = 0; i < nn; i++) {
			printf("  %.19s  ", notes[i].at);
			put(stdout, notes[i].author);
			fputs(": ", stdout);
			put(stdout, notes[i].body);
			putchar('\n');
		}
#undef LINE
	}
	itdr_alert_clear(&a);
	itdr_notes_free(notes, nn);
	free(si);
	return CLI_OK;
}

int cmd_alert(struct cli *c, int argc, char **argv)
{
	struct tater_err err = {0};
	struct store *s = NULL;
	const char *sub = argc > 1 ? argv[1] : "";
	int64_t id = 0;
	int code = CLI_OK, rc = 0;

	if (argc < 2 || !strcmp(sub, "--help") || !strcmp(sub, "help")) {
		fputs(alert_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_USAGE : CLI_OK;
	}
	if (strcmp(sub, "create") != 0 && (argc < 3 || parse_id(argv[2], &id) < 0)) {
		fputs(alert_usage, stderr);
		return CLI_USAGE;
	}
	if (strcmp(sub, "show") != 0 && c->readonly) {
		cli_errorf("read-only mode: changing an alert refused");
		return CLI_ERROR;
	}
	if (cli_open_store(c, 0, &s, &err) < 0)
		return fail(&err);
	if (!strcmp(sub, "show")) {
		code = alert_show(s, id, c->json || (argc > 3 && !strcmp(argv[3], "--json")), &err);
	} else if (!strcmp(sub, "status") &&
		   (argc == 4 || (argc == 6 && !strcmp(argv[4], "--note")))) {
		const char *to = NULL;

		if ((rc = itdr_alert_set_status(s, id, argv[3], argc == 6 ? argv[5] : NULL,
						&err)) == 0 &&
		    itdr_status_parse(argv[3], &to, NULL) == 0)
			printf("alert #%lld is now %s\n", (long long)id, itdr_status_label(to));
	} else if (!strcmp(sub, "assign") && argc == 4) {
		if ((rc = itdr_alert_assign(s, id, argv[3], &err)) == 0) {
			printf("alert #%lld assigned to ", (long long)id);
			put(stdout, !strcmp(argv[3], "me") ? store_actor(s)
							   : (*argv[3] ? argv[3] : "nobody"));
			putchar('\n');
		}
	} else if (!strcmp(sub, "note") && argc == 4) {
		if ((rc = itdr_alert_note(s, id, argv[3], &err)) == 0)
			printf("note added to alert #%lld\n", (long long)id);
	} else if (!strcmp(sub, "activate") && argc == 3) {
		int64_t inc = 0;

		if ((rc = itdr_alert_activate(s, id, &inc, &err)) == 0)
			printf("incident #%lld opened from alert #%lld\n", (long long)inc,
			       (long long)id);
	} else if (!strcmp(sub, "create")) {
		static const struct option opts[] = {
		    {"user", required_argument, NULL, 'u'},
		    {"type", required_argument, NULL, 't'},
		    {"severity", required_argument, NULL, 's'},
		    {"description", required_argument, NULL, 'd'},
		    {"tenant", required_argument, NULL, 'T'},
		    {0, 0, 0, 0},
		};
		struct itdr_manual m = {0};
		const char *tenant = NULL;
		char scope[32];
		int ch;

		optind = 0;
		while ((ch = getopt_long(argc - 1, argv + 1, "", opts, NULL)) != -1) {
			switch (ch) {
			case 'u':
				m.user = optarg;
				break;
			case 't':
				m.type = optarg;
				break;
			case 's':
				m.severity = optarg;
				break;
			case 'd':
				m.description = optarg;
				break;
			case 'T':
				tenant = optarg;
				break;
			default:
				fputs(alert_usage, stderr);
				store_close(s);
				return CLI_USAGE;
			}
		}
		if (tenant) {
			struct tenant t;

			if ((rc = tenant_get(s, tenant, &t, &err)) == 0) {
				tenant_scope(t.id, scope, sizeof(scope));
				m.scope = scope;
			}
		}
		if (rc == 0 && (rc = itdr_alert_create(s, &m, &id, &err)) == 0)
			printf("alert #%lld created\n", (long long)id);
	} else {
		fputs(alert_usage, stderr);
		code = CLI_USAGE;
	}
	if (rc < 0)
		code = fail(&err);
	store_close(s);
	return code;
}
