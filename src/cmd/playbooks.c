/* playbooks.c - incident response, headless: `tater playbooks`, `tater playbook ...`,
 * `tater incidents`, `tater incident ...` and `tater report incident ...`.
 * Everything printed that came from the store or a file is sanitised first. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "tater/cli.h"
#include "tater/ir.h"
#include "tater/report.h"
#include "tater/store.h"
#include "tater/text.h"

static const char playbook_usage[] =
    "usage: tater playbooks [--json]\n"
    "       tater playbook show SLUG [--rev N] [--json]\n"
    "       tater playbook history SLUG\n"
    "       tater playbook diff SLUG REV_A REV_B\n"
    "       tater playbook import FILE\n"
    "       tater playbook export SLUG [--rev N] [-o FILE]\n"
    "       tater playbook copy SLUG NEW_SLUG [--name NAME]\n"
    "       tater playbook approve SLUG REV\n"
    "       tater playbook reject SLUG REV [--reason R]\n"
    "       tater playbook owner SLUG USER [--review-due YYYY-MM-DD]\n"
    "The file format is described in doc/playbooks.md.\n";

static const char incident_usage[] =
    "usage: tater incidents [--json] [--closed | --all]\n"
    "       tater incident activate SLUG --title T --severity critical|high|medium|low\n"
    "                               [--alert ID] [--user UPN] [--host HOST] [--rev N]\n"
    "       tater incident show ID [--json]\n"
    "       tater incident step ID P.S done|skip|block|todo [--reason R] [--note N]\n"
    "       tater incident assign ID PHASE|P.S USER      (USER '' unassigns)\n"
    "       tater incident note ID PHASE|P.S [--finding TEXT] [--decision TEXT]\n"
    "       tater incident close ID --lessons TEXT\n"
    "P.S names a step: phase 1-5, then its number (2.3 = Containment, step 3).\n";

static const char report_usage[] = "usage: tater report incident ID --format md|html [-o FILE]\n";

/* Print untrusted text made safe for the terminal. */
static void put(FILE *f, const char *s)
{
	char *safe = text_sanitize(s ? s : "", (size_t)-1);

	fputs(safe ? safe : "?", f);
	free(safe);
}

static int fail(struct tater_err *err)
{
	cli_error(err);
	return CLI_ERROR;
}

/* A command line we cannot read: show how it goes. */
static int usage(const char *text)
{
	fputs(text, stderr);
	return CLI_USAGE;
}

/* Untrusted text in a column of `cells` cells: sanitised, cropped, padded. */
static void putcol(const char *s, int cells)
{
	char *safe = text_sanitize(s && *s ? s : "-", (size_t)-1), fit[512];
	int used = text_fit(safe ? safe : "?", cells, fit, sizeof(fit));

	printf("%s%*s ", fit, cells - used, "");
	free(safe);
}

static int open_store(struct cli *c, struct store **s, struct tater_err *err)
{
	/* A first `tater playbooks` on a new machine creates the store: the
	 * library needs no vault. */
	return cli_open_store(c, !c->readonly, s, err);
}

static int refuse_readonly(struct cli *c, const char *what)
{
	if (!c->readonly)
		return 0;
	cli_errorf("read-only mode: %s refused", what);
	return -1;
}

static int parse_id(const char *s, int64_t *id)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s ? s : "", &end, 10);
	if (errno || !s || !*s || *end || v <= 0)
		return -1;
	*id = v;
	return 0;
}

static int parse_rev(const char *s, int *rev)
{
	int64_t v;

	if (parse_id(s, &v) < 0 || v > 1000000)
		return -1;
	*rev = (int)v;
	return 0;
}

static void json_print(json_t *j)
{
	json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	putchar('\n');
	json_decref(j);
}

/* ---- playbooks ---- */

int cmd_playbooks(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	    {0, 0, 0, 0},
	};
	struct tater_err err = {0};
	struct store *s = NULL;
	struct ir_playbook *v = NULL;
	size_t n = 0;
	int ch, json = c->json;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 'j') {
			json = 1;
			continue;
		}
		fputs(playbook_usage, ch == 'h' ? stdout : stderr);
		return ch == 'h' ? CLI_OK : CLI_USAGE;
	}
	if (optind != argc)
		return usage(playbook_usage);
	if (open_store(c, &s, &err) < 0 || ir_playbooks_list(s, &v, &n, &err) < 0) {
		store_close(s);
		return fail(&err);
	}
	if (json) {
		json_t *arr = json_array();

		for (size_t i = 0; i < n; i++)
			json_array_append_new(
			    arr, json_pack(
				     "{s:s, s:s, s:s, s:s?, s:s?, s:b, s:b, s:b, s:i, s:s, s:i}",
				     "slug", v[i].slug, "name", v[i].name, "incident_type",
				     v[i].incident_type, "owner", v[i].owner[0] ? v[i].owner : NULL,
				     "review_due", v[i].review_due[0] ? v[i].review_due : NULL,
				     "review_overdue", v[i].review_overdue, "builtin", v[i].builtin,
				     "archived", v[i].archived, "latest_revision",
				     v[i].latest_revno, "latest_status", v[i].latest_status,
				     "approved_revision", v[i].approved_revno));
		json_print(arr);
	} else {
		printf("%-22s %-24s %-4s %-9s %-8s %-14s %s\n", "SLUG", "NAME", "REV", "STATUS",
		       "APPROVED", "OWNER", "REVIEW");
		for (size_t i = 0; i < n; i++) {
			printf("%-22s ", v[i].slug);
			putcol(v[i].name, 24);
			printf("%-4d %-9s ", v[i].latest_revno, v[i].latest_status);
			if (v[i].approved_revno)
				printf("%-8d ", v[i].approved_revno);
			else
				printf("%-8s ", "none");
			putcol(v[i].owner, 14);
			printf("%s%s%s%s\n", v[i].review_due[0] ? v[i].review_due : "-",
			       v[i].review_overdue ? " OVERDUE" : "",
			       v[i].builtin ? " (pre-built)" : "",
			       v[i].archived ? " (archived)" : "");
		}
	}
	free(v);
	store_close(s);
	return CLI_OK;
}

static void print_body(const struct ir_body *b)
{
	if (b->description) {
		put(stdout, b->description);
		printf("\n");
	}
	for (int p = 0; p < IR_PHASES; p++) {
		printf("\n%d. %s\n", p + 1, ir_phase_name(p));
		for (size_t i = 0; i < b->phase[p].n; i++) {
			const struct ir_step *st = &b->phase[p].steps[i];

			printf("  %d.%zu ", p + 1, i + 1);
			put(stdout, st->title);
			printf("\n");
			if (st->detail) {
				printf("       ");
				put(stdout, st->detail);
				printf("\n");
			}
			if (st->evidence) {
				printf("       Evidence: ");
				put(stdout, st->evidence);
				printf("\n");
			}
		}
	}
}

static int pb_show(struct cli *c, struct store *s, int argc, char **argv, struct tater_err *err)
{
	static const struct option opts[] = {
	    {"rev", required_argument, NULL, 'r'},
	    {"json", no_argument, NULL, 'j'},
	    {0, 0, 0, 0},
	};
	struct ir_playbook p;
	struct ir_body b;
	int ch, rev = 0, json = c->json;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 'r' && parse_rev(optarg, &rev) == 0)
			continue;
		if (ch == 'j') {
			json = 1;
			continue;
		}
		return usage(playbook_usage);
	}
	if (optind + 1 != argc)
		return usage(playbook_usage);
	if (json) {
		char *text = NULL;

		if (ir_playbook_export(s, argv[optind], rev, &text, err) < 0)
			return fail(err);
		fputs(text, stdout);
		putchar('\n');
		free(text);
		return CLI_OK;
	}
	if (ir_playbook_get(s, argv[optind], &p, err) < 0 ||
	    ir_revision_body(s, argv[optind], rev, &b, err) < 0)
		return fail(err);
	put(stdout, p.name);
	printf(" (%s), revision %d of %d; approved: ", p.slug, rev ? rev : p.latest_revno,
	       p.latest_revno);
	if (p.approved_revno)
		printf("revision %d\n", p.approved_revno);
	else
		printf("none yet\n");
	print_body(&b);
	ir_body_free(&b);
	return CLI_OK;
}

static int pb_history(struct store *s, const char *slug, struct tater_err *err)
{
	struct ir_revision *v;
	size_t n;

	if (ir_revisions_list(s, slug, &v, &n, err) < 0)
		return fail(err);
	printf("%-4s %-9s %-16s %-20s %-16s %s\n", "REV", "STATUS", "AUTHOR", "CREATED",
	       "REVIEWED BY", "SUMMARY");
	for (size_t i = 0; i < n; i++) {
		printf("%-4d %-9s ", v[i].revno, v[i].status);
		putcol(v[i].author, 16);
		printf("%-20.19s ", v[i].created_at);
		putcol(v[i].reviewed_by, 16);
		put(stdout, v[i].summary);
		printf("\n");
	}
	free(v);
	return CLI_OK;
}

static int read_whole(const char *path, char **out, size_t *len, struct tater_err *err)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	char *buf = NULL;
	size_t cap = 0, n = 0;

	if (!f)
		return tater_errf(err, TATER_EIO, "cannot open %s: %s", path, strerror(errno));
	for (;;) {
		size_t got;

		if (n + 4096 + 1 > cap) {
			char *g;

			cap = cap ? cap * 2 : 65536;
			if (cap > 16u * 1024 * 1024 || !(g = realloc(buf, cap))) {
				free(buf);
				if (f != stdin)
					fclose(f);
				return tater_errf(err, TATER_EINVAL, "%s: too large for a playbook",
						  path);
			}
			buf = g;
		}
		got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		free(buf);
		if (f != stdin)
			fclose(f);
		return tater_errf(err, TATER_EIO, "cannot read %s", path);
	}
	if (f != stdin)
		fclose(f);
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

static int pb_import(struct store *s, const char *path, struct tater_err *err)
{
	char *text = NULL, slug[64];
	size_t len = 0;
	int rev = 0;

	if (read_whole(path, &text, &len, err) < 0)
		return fail(err);
	if (ir_playbook_import(s, text, len, path, slug, &rev, err) < 0) {
		free(text);
		tater_err_prefix(err, "%s: nothing imported", path);
		return fail(err);
	}
	free(text);
	printf("Imported '%s' as revision %d (a draft). An admin other than you approves it:\n"
	       "  tater playbook approve %s %d\n",
	       slug, rev, slug, rev);
	return CLI_OK;
}

static int pb_export(struct store *s, int argc, char **argv, struct tater_err *err)
{
	static const struct option opts[] = {
	    {"rev", required_argument, NULL, 'r'},
	    {"output", required_argument, NULL, 'o'},
	    {0, 0, 0, 0},
	};
	const char *outfile = NULL;
	char *text = NULL;
	int ch, rev = 0, ret = CLI_OK;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		if (ch == 'r' && parse_rev(optarg, &rev) == 0)
			continue;
		if (ch == 'o') {
			outfile = optarg;
			continue;
		}
		return usage(playbook_usage);
	}
	if (optind + 1 != argc)
		return usage(playbook_usage);
	if (ir_playbook_export(s, argv[optind], rev, &text, err) < 0)
		return fail(err);
	if (outfile) {
		char *nl = NULL; /* with a trailing newline, as editors expect */

		if (asprintf(&nl, "%s\n", text) < 0)
			ret = fail(err);
		else if (report_write_file(outfile, nl, strlen(nl), err) < 0)
			ret = fail(err);
		free(nl);
	} else {
		fputs(text, stdout);
		putchar('\n');
	}
	free(text);
	return ret;
}

int cmd_playbook(struct cli *c, int argc, char **argv)
{
	struct tater_err err = {0};
	struct store *s = NULL;
	const char *sub = argc > 1 ? argv[1] : "";
	int ret = CLI_USAGE, rev, rev2;

	if (argc < 2 || !strcmp(sub, "--help") || !strcmp(sub, "help")) {
		fputs(playbook_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_USAGE : CLI_OK;
	}
	if (strcmp(sub, "show") && strcmp(sub, "history") && strcmp(sub, "diff") &&
	    strcmp(sub, "export") && refuse_readonly(c, sub) < 0)
		return CLI_ERROR;
	if (open_store(c, &s, &err) < 0)
		return fail(&err);
	if (!strcmp(sub, "show")) {
		ret = pb_show(c, s, argc - 1, argv + 1, &err);
	} else if (!strcmp(sub, "history") && argc == 3) {
		ret = pb_history(s, argv[2], &err);
	} else if (!strcmp(sub, "diff") && argc == 5 && parse_rev(argv[3], &rev) == 0 &&
		   parse_rev(argv[4], &rev2) == 0) {
		char *diff = NULL;

		if (ir_revision_diff(s, argv[2], rev, rev2, &diff, &err) < 0) {
			ret = fail(&err);
		} else {
			printf("--- %s revision %d\n+++ %s revision %d\n", argv[2], rev, argv[2],
			       rev2);
			/* Line by line so each line is sanitised but the newlines stay. */
			for (char *line = diff, *nl; line && *line; line = nl ? nl + 1 : NULL) {
				nl = strchr(line, '\n');
				if (nl)
					*nl = '\0';
				put(stdout, line);
				putchar('\n');
			}
			free(diff);
			ret = CLI_OK;
		}
	} else if (!strcmp(sub, "import") && argc == 3) {
		ret = pb_import(s, argv[2], &err);
	} else if (!strcmp(sub, "export")) {
		ret = pb_export(s, argc - 1, argv + 1, &err);
	} else if (!strcmp(sub, "copy") &&
		   (argc == 4 || (argc == 6 && !strcmp(argv[4], "--name")))) {
		if (ir_playbook_copy(s, argv[2], argv[3], argc == 6 ? argv[5] : NULL, &err) < 0) {
			ret = fail(&err);
		} else {
			printf("Copied '%s' to '%s' (revision 1, a draft).\n", argv[2], argv[3]);
			ret = CLI_OK;
		}
	} else if (!strcmp(sub, "approve") && argc == 4 && parse_rev(argv[3], &rev) == 0) {
		if (ir_revision_approve(s, argv[2], rev, &err) < 0) {
			ret = fail(&err);
		} else {
			printf("Approved revision %d of '%s'; it can be activated now.\n", rev,
			       argv[2]);
			ret = CLI_OK;
		}
	} else if (!strcmp(sub, "reject") &&
		   (argc == 4 || (argc == 6 && !strcmp(argv[4], "--reason"))) &&
		   parse_rev(argv[3], &rev) == 0) {
		if (ir_revision_reject(s, argv[2], rev, argc == 6 ? argv[5] : NULL, &err) < 0) {
			ret = fail(&err);
		} else {
			printf("Rejected revision %d of '%s'.\n", rev, argv[2]);
			ret = CLI_OK;
		}
	} else if (!strcmp(sub, "owner") &&
		   (argc == 4 || (argc == 6 && !strcmp(argv[4], "--review-due")))) {
		if (ir_playbook_set_owner(s, argv[2], argv[3], argc == 6 ? argv[5] : NULL, &err) <
		    0) {
			ret = fail(&err);
		} else {
			printf("Owner of '%s' set.\n", argv[2]);
			ret = CLI_OK;
		}
	} else {
		fputs(playbook_usage, stderr);
	}
	store_close(s);
	return ret;
}

/* ---- incidents ---- */

static json_t *incident_json(const struct ir_incident *v)
{
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:i, s:s, s:s}", "id", (json_int_t)v->id,
			      "title", v->title, "severity", v->severity, "status", v->status,
			      "playbook", v->playbook_slug, "revision", v->revno, "opened_by",
			      v->opened_by, "opened_at", v->opened_at);

	if (v->alert_id > 0)
		json_object_set_new(o, "alert_id", json_integer(v->alert_id));
	if (v->link_user[0])
		json_object_set_new(o, "user", json_string(v->link_user));
	if (v->link_host[0])
		json_object_set_new(o, "host", json_string(v->link_host));
	json_object_set_new(o, "steps_total", json_integer(v->steps_total));
	json_object_set_new(o, "steps_finished", json_integer(v->steps_finished));
	json_object_set_new(o, "steps_blocked", json_integer(v->steps_blocked));
	json_object_set_new(o, "contained_at",
			    v->contained_at[0] ? json_string(v->contained_at) : json_null());
	json_object_set_new(o, "recovered_at",
			    v->recovered_at[0] ? json_string(v->recovered_at) : json_null());
	json_object_set_new(o, "closed_at",
			    v->closed_at[0] ? json_string(v->closed_at) : json_null());
	json_object_set_new(o, "time_to_contain_s",
			    v->time_to_contain_s >= 0 ? json_integer(v->time_to_contain_s)
						      : json_null());
	json_object_set_new(o, "time_to_recover_s",
			    v->time_to_recover_s >= 0 ? json_integer(v->time_to_recover_s)
						      : json_null());
	if (v->lessons)
		json_object_set_new(o, "lessons", json_string(v->lessons));
	return o;
}

int cmd_incidents(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"json", no_argument, NULL, 'j'},
	    {"closed", no_argument, NULL, 'c'},
	    {"all", no_argument, NULL, 'a'},
	    {0, 0, 0, 0},
	};
	enum ir_which which = IR_OPEN;
	struct tater_err err = {0};
	struct store *s = NULL;
	struct ir_incident *v = NULL;
	size_t n = 0;
	int ch, json = c->json;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 'j')
			json = 1;
		else if (ch == 'c')
			which = IR_CLOSED;
		else if (ch == 'a')
			which = IR_ALL;
		else
			return usage(incident_usage);
	}
	if (optind != argc)
		return usage(incident_usage);
	if (open_store(c, &s, &err) < 0 || ir_incidents_list(s, which, &v, &n, &err) < 0) {
		store_close(s);
		return fail(&err);
	}
	if (json) {
		json_t *arr = json_array();

		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, incident_json(&v[i]));
		json_print(arr);
	} else if (n == 0) {
		printf(which == IR_CLOSED ? "No closed incidents.\n"
					  : "No %sincidents. Start one: tater incident activate "
					    "SLUG --title T --severity high\n",
		       which == IR_OPEN ? "open " : "");
	} else {
		printf("%-5s %-8s %-6s %-9s %-20s %-20s %s\n", "ID", "SEVERITY", "STATUS", "STEPS",
		       "PLAYBOOK", "OPENED", "TITLE");
		for (size_t i = 0; i < n; i++) {
			char steps[24];

			snprintf(steps, sizeof(steps), "%d/%d%s", v[i].steps_finished,
				 v[i].steps_total, v[i].steps_blocked ? "!" : "");
			printf("%-5lld %-8s %-6s %-9s %-20.20s %-20.19s ", (long long)v[i].id,
			       v[i].severity, v[i].status, steps, v[i].playbook_slug,
			       v[i].opened_at);
			put(stdout, v[i].title);
			printf("\n");
		}
	}
	ir_incidents_free(v, n);
	store_close(s);
	return CLI_OK;
}

static int inc_activate(struct store *s, int argc, char **argv, struct tater_err *err)
{
	static const struct option opts[] = {
	    {"title", required_argument, NULL, 't'},
	    {"severity", required_argument, NULL, 's'},
	    {"alert", required_argument, NULL, 'a'},
	    {"user", required_argument, NULL, 'u'},
	    {"host", required_argument, NULL, 'H'},
	    {"rev", required_argument, NULL, 'r'},
	    {0, 0, 0, 0},
	};
	struct ir_activation a = {0};
	int64_t id;
	int ch;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 't':
			a.title = optarg;
			break;
		case 's':
			a.severity = optarg;
			break;
		case 'a':
			if (parse_id(optarg, &a.alert_id) < 0) {
				cli_errorf("--alert: an alert number");
				return CLI_USAGE;
			}
			break;
		case 'u':
			a.user = optarg;
			break;
		case 'H':
			a.host = optarg;
			break;
		case 'r':
			if (parse_rev(optarg, &a.revno) < 0) {
				cli_errorf("--rev: a revision number");
				return CLI_USAGE;
			}
			break;
		default:
			return usage(incident_usage);
		}
	}
	if (optind + 1 != argc || !a.title || !a.severity)
		return usage(incident_usage);
	a.slug = argv[optind];
	if (ir_incident_activate(s, &a, &id, err) < 0)
		return fail(err);
	printf("Opened incident #%lld from '%s'. Next: tater incident show %lld\n", (long long)id,
	       a.slug, (long long)id);
	return CLI_OK;
}

static const char *mark_of(const char *status)
{
	if (!strcmp(status, "done"))
		return "[x]";
	if (!strcmp(status, "skipped"))
		return "[-]";
	if (!strcmp(status, "blocked"))
		return "[!]";
	return "[ ]";
}

static int inc_show(struct cli *c, struct store *s, int argc, char **argv, struct tater_err *err)
{
	struct ir_incident inc;
	struct ir_iphase ph[IR_PHASES];
	struct ir_istep *steps = NULL;
	size_t n = 0;
	ssize_t cur;
	int64_t id;
	int json = c->json;
	char d[32];

	if (argc == 3 && !strcmp(argv[2], "--json"))
		json = 1;
	if ((argc != 2 && !(argc == 3 && json)) || parse_id(argv[1], &id) < 0)
		return usage(incident_usage);
	if (ir_incident_get(s, id, &inc, err) < 0)
		return fail(err);
	if (ir_incident_phases(s, id, ph, err) < 0) {
		ir_incident_clear(&inc);
		return fail(err);
	}
	if (ir_incident_steps(s, id, &steps, &n, err) < 0) {
		ir_incident_clear(&inc);
		ir_iphases_clear(ph);
		return fail(err);
	}
	cur = ir_current_step(steps, n);
	if (json) {
		json_t *o = incident_json(&inc), *arr = json_array(), *pa = json_array();

		for (int p = 0; p < IR_PHASES; p++)
			json_array_append_new(
			    pa,
			    json_pack("{s:i, s:s, s:s?, s:i, s:i, s:i, s:i, s:s?, s:s?, s:I}",
				      "phase", p + 1, "name", ir_phase_name(p), "assignee",
				      ph[p].assignee[0] ? ph[p].assignee : NULL, "total",
				      ph[p].total, "done", ph[p].done, "skipped", ph[p].skipped,
				      "blocked", ph[p].blocked, "started_at",
				      ph[p].started_at[0] ? ph[p].started_at : NULL, "completed_at",
				      ph[p].completed_at[0] ? ph[p].completed_at : NULL,
				      "elapsed_s", (json_int_t)ph[p].elapsed_s));
		for (size_t i = 0; i < n; i++) {
			char ref[16];

			snprintf(ref, sizeof(ref), "%d.%d", steps[i].phase + 1, steps[i].seq);
			json_array_append_new(
			    arr,
			    json_pack(
				"{s:s, s:s, s:s, s:s?, s:s?, s:s?, s:s?, s:s?, s:b}", "step", ref,
				"title", steps[i].title, "status", steps[i].status, "assignee",
				steps[i].assignee[0] ? steps[i].assignee : NULL, "reason",
				steps[i].reason, "findings", steps[i].findings, "updated_by",
				steps[i].updated_by[0] ? steps[i].updated_by : NULL, "updated_at",
				steps[i].updated_at[0] ? steps[i].updated_at : NULL, "current",
				(ssize_t)i == cur));
		}
		json_object_set_new(o, "phases", pa);
		json_object_set_new(o, "steps", arr);
		json_print(o);
	} else {
		printf("Incident #%lld: ", (long long)inc.id);
		put(stdout, inc.title);
		printf("\n  severity %s, %s, playbook %s revision %d, opened %.19s by ",
		       inc.severity, inc.status, inc.playbook_slug, inc.revno, inc.opened_at);
		put(stdout, inc.opened_by);
		printf("\n");
		if (inc.alert_id > 0 || inc.link_user[0] || inc.link_host[0]) {
			printf("  links:");
			if (inc.alert_id > 0)
				printf(" alert #%lld", (long long)inc.alert_id);
			if (inc.link_user[0]) {
				printf(" user ");
				put(stdout, inc.link_user);
			}
			if (inc.link_host[0]) {
				printf(" host ");
				put(stdout, inc.link_host);
			}
			printf("\n");
		}
		ir_duration(inc.time_to_contain_s, d, sizeof(d));
		printf("  time to contain: %s", inc.contained_at[0] ? d : "not yet");
		ir_duration(inc.time_to_recover_s, d, sizeof(d));
		printf(", time to recover: %s\n", inc.recovered_at[0] ? d : "not yet");
		for (int p = 0; p < IR_PHASES; p++) {
			ir_duration(ph[p].elapsed_s, d, sizeof(d));
			printf("\n%d. %s  %d/%d done", p + 1, ir_phase_name(p),
			       ph[p].done + ph[p].skipped, ph[p].total);
			if (ph[p].started_at[0])
				printf(", %s", d);
			if (ph[p].assignee[0]) {
				printf(", owner ");
				put(stdout, ph[p].assignee);
			}
			printf("\n");
			for (size_t i = 0; i < n; i++) {
				if (steps[i].phase != p)
					continue;
				printf("%s %s %d.%d ", (ssize_t)i == cur ? ">" : " ",
				       mark_of(steps[i].status), p + 1, steps[i].seq);
				put(stdout, steps[i].title);
				if (steps[i].assignee[0]) {
					printf(" (");
					put(stdout, steps[i].assignee);
					printf(")");
				}
				if (steps[i].reason) {
					printf(" - %s: ", steps[i].status);
					put(stdout, steps[i].reason);
				}
				printf("\n");
			}
		}
		if (inc.lessons) {
			printf("\nLessons learned: ");
			put(stdout, inc.lessons);
			printf("\n");
		}
	}
	ir_isteps_free(steps, n);
	ir_iphases_clear(ph);
	ir_incident_clear(&inc);
	return CLI_OK;
}

/* "P.S" -> a step; "P" or a phase name -> a phase (*step_id = 0). */
static int target_of(struct store *s, int64_t id, const char *ref, int *phase, int64_t *step_id,
		     struct tater_err *err)
{
	int seq;

	*step_id = 0;
	if (ir_step_ref_parse(ref, phase, &seq) == 0)
		return ir_step_find(s, id, *phase, seq, step_id, err);
	if ((*phase = ir_phase_parse(ref)) >= 0)
		return 0;
	return tater_errf(err, TATER_EINVAL,
			  "'%s' names no step or phase (a step is P.S, e.g. 2.3; a phase 1-5)",
			  ref);
}

static int inc_step(struct store *s, int argc, char **argv, struct tater_err *err)
{
	static const struct option opts[] = {
	    {"reason", required_argument, NULL, 'r'},
	    {"note", required_argument, NULL, 'n'},
	    {0, 0, 0, 0},
	};
	const char *reason = NULL, *note = NULL;
	int64_t id, step;
	int ch, phase, seq;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 'r')
			reason = optarg;
		else if (ch == 'n')
			note = optarg;
		else
			return usage(incident_usage);
	}
	if (optind + 3 != argc || parse_id(argv[optind], &id) < 0)
		return usage(incident_usage);
	if (ir_step_ref_parse(argv[optind + 1], &phase, &seq) < 0) {
		cli_errorf("'%s' names no step: use P.S, e.g. 2.3 for Containment step 3",
			   argv[optind + 1]);
		return CLI_USAGE;
	}
	if (ir_step_find(s, id, phase, seq, &step, err) < 0 ||
	    ir_step_set_status(s, id, step, argv[optind + 2], reason, note, err) < 0)
		return fail(err);
	printf("Incident #%lld step %d.%d: %s\n", (long long)id, phase + 1, seq, argv[optind + 2]);
	return CLI_OK;
}

static int inc_assign(struct store *s, int argc, char **argv, struct tater_err *err)
{
	int64_t id, step;
	int phase, ret;

	if (argc != 4 || parse_id(argv[1], &id) < 0)
		return usage(incident_usage);
	if (target_of(s, id, argv[2], &phase, &step, err) < 0)
		return fail(err);
	ret = step ? ir_step_assign(s, id, step, argv[3], err)
		   : ir_phase_assign(s, id, phase, argv[3], err);
	if (ret < 0)
		return fail(err);
	printf("Incident #%lld %s assigned to ", (long long)id, argv[2]);
	put(stdout, *argv[3] ? argv[3] : "nobody");
	printf("\n");
	return CLI_OK;
}

static int inc_note(struct store *s, int argc, char **argv, struct tater_err *err)
{
	static const struct option opts[] = {
	    {"finding", required_argument, NULL, 'f'},
	    {"decision", required_argument, NULL, 'd'},
	    {0, 0, 0, 0},
	};
	const char *finding = NULL, *decision = NULL;
	int64_t id, step;
	int ch, phase, ret;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 'f')
			finding = optarg;
		else if (ch == 'd')
			decision = optarg;
		else
			return usage(incident_usage);
	}
	if (optind + 2 != argc || parse_id(argv[optind], &id) < 0)
		return usage(incident_usage);
	if (target_of(s, id, argv[optind + 1], &phase, &step, err) < 0)
		return fail(err);
	ret = step ? ir_step_note(s, id, step, finding, decision, err)
		   : ir_phase_note(s, id, phase, finding, decision, err);
	if (ret < 0)
		return fail(err);
	printf("Recorded on incident #%lld.\n", (long long)id);
	return CLI_OK;
}

static int inc_close(struct store *s, int argc, char **argv, struct tater_err *err)
{
	int64_t id;

	if (argc != 4 || strcmp(argv[2], "--lessons") != 0 || parse_id(argv[1], &id) < 0)
		return usage(incident_usage);
	if (ir_incident_close(s, id, argv[3], err) < 0)
		return fail(err);
	printf("Closed incident #%lld. Report: tater report incident %lld --format md\n",
	       (long long)id, (long long)id);
	return CLI_OK;
}

int cmd_incident(struct cli *c, int argc, char **argv)
{
	struct tater_err err = {0};
	struct store *s = NULL;
	const char *sub = argc > 1 ? argv[1] : "";
	int ret;

	if (argc < 2 || !strcmp(sub, "--help") || !strcmp(sub, "help")) {
		fputs(incident_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_USAGE : CLI_OK;
	}
	if (strcmp(sub, "show") && strcmp(sub, "activate") && strcmp(sub, "step") &&
	    strcmp(sub, "assign") && strcmp(sub, "note") && strcmp(sub, "close"))
		return usage(incident_usage);
	if (strcmp(sub, "show") && refuse_readonly(c, sub) < 0)
		return CLI_ERROR;
	if (open_store(c, &s, &err) < 0)
		return fail(&err);
	if (!strcmp(sub, "show"))
		ret = inc_show(c, s, argc - 1, argv + 1, &err);
	else if (!strcmp(sub, "activate"))
		ret = inc_activate(s, argc - 1, argv + 1, &err);
	else if (!strcmp(sub, "step"))
		ret = inc_step(s, argc - 1, argv + 1, &err);
	else if (!strcmp(sub, "assign"))
		ret = inc_assign(s, argc - 1, argv + 1, &err);
	else if (!strcmp(sub, "note"))
		ret = inc_note(s, argc - 1, argv + 1, &err);
	else
		ret = inc_close(s, argc - 1, argv + 1, &err);
	store_close(s);
	return ret;
}

/* ---- report ---- */

int cmd_report(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"format", required_argument, NULL, 'f'},
	    {"output", required_argument, NULL, 'o'},
	    {0, 0, 0, 0},
	};
	enum report_format fmt = REPORT_MARKDOWN;
	struct tater_err err = {0};
	struct store *s = NULL;
	const char *outfile = NULL, *format = NULL;
	char *text = NULL;
	size_t len = 0;
	int64_t id;
	int ch, ret = CLI_ERROR;

	if (argc < 2 || strcmp(argv[1], "incident") != 0)
		return usage(report_usage);
	optind = 0;
	argc--;
	argv++;
	while ((ch = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		if (ch == 'f')
			format = optarg;
		else if (ch == 'o')
			outfile = optarg;
		else
			return usage(report_usage);
	}
	if (optind + 1 != argc || parse_id(argv[optind], &id) < 0)
		return usage(report_usage);
	if (format && report_format_parse(format, &fmt, &err) < 0) {
		cli_error(&err);
		return CLI_USAGE;
	}
	if (cli_open_store(c, 0, &s, &err) < 0 ||
	    report_incident(s, id, fmt, &text, &len, &err) < 0)
		goto out;
	if (outfile) {
		if (report_write_file(outfile, text, len, &err) < 0)
			goto out;
		fprintf(stderr, "Wrote %s\n", outfile);
	} else {
		fwrite(text, 1, len, stdout);
	}
	ret = CLI_OK;
out:
	if (ret != CLI_OK)
		cli_error(&err);
	free(text);
	store_close(s);
	return ret;
}
