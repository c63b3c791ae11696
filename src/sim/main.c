/* main.c - tater-sim entry point: flags, startup, shutdown.
 *
 * Every flag is one row of the table below; parsing, defaults and --help are all
 * driven by it, so the help text cannot drift from what the program does. */
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "sim.h"

enum opt_type { OPT_STR, OPT_LONG, OPT_DOUBLE, OPT_BOOL, OPT_MULTI };

struct opt {
	const char *name;
	enum opt_type type;
	size_t off;   /* into struct sim_config */
	size_t count; /* OPT_MULTI: offset of the size_t count */
	const char *def;
	const char *arg;
	const char *help;
};

#define O(f) offsetof(struct sim_config, f)

static const struct opt opts[] = {
    {"port", OPT_LONG, O(port), 0, "0", "N", "TCP port on 127.0.0.1; 0 picks a free one"},
    {"port-file", OPT_STR, O(port_file), 0, NULL, "FILE",
     "write the port number here once listening"},
    {"tenant-id", OPT_STR, O(tenant_id), 0, "00000000-0000-4000-8000-000000000001", "GUID",
     "the tenant the token endpoint accepts"},
    {"client-id", OPT_STR, O(client_id), 0, "11111111-1111-4111-8111-111111111111", "GUID",
     "the application (client) id accepted"},
    {"client-secret", OPT_STR, O(client_secret), 0, "sim-secret", "SECRET",
     "the client secret accepted"},
    {"client-cert", OPT_STR, O(client_cert), 0, NULL, "PEM",
     "certificate whose key may sign RS256 client assertions"},
    {"domain", OPT_STR, O(domain), 0, "simcorp", "NAME",
     "tenant name: NAME.onmicrosoft.com and NAME.example"},
    {"seed", OPT_LONG, O(seed), 0, "1", "N", "seed for the estate and for random faults"},
    {"now", OPT_STR, O(now_str), 0, "2026-12-01T00:00:00Z", "TIME",
     "the estate's present: sign-ins and detections lie before it"},
    {"users", OPT_LONG, O(users), 0, "50", "N", "number of users (about 10% guests)"},
    {"signins", OPT_LONG, O(signins), 0, "-1", "N", "number of sign-ins; -1 = users x 10"},
    {"detections", OPT_LONG, O(detections), 0, "-1", "N",
     "number of risk detections; -1 = users / 2"},
    {"no-p2", OPT_BOOL, O(no_p2), 0, NULL, NULL,
     "license Entra ID P1 only (no AAD_PREMIUM_P2 service plan)"},
    {"subscriptions", OPT_LONG, O(subscriptions), 0, "2", "N", "Azure subscriptions"},
    {"resources", OPT_LONG, O(resources), 0, "3", "N", "resources of each kind per subscription"},
    {"estate", OPT_STR, O(estate_path), 0, NULL, "FILE",
     "JSON object: real path -> what is served there"},
    {"deny", OPT_MULTI, O(deny), O(ndeny), NULL, "PATH",
     "answer 403 Authorization_RequestDenied there (repeatable)"},
    {"throttle", OPT_BOOL, O(throttle), 0, NULL, NULL, "enforce the published limits below"},
    {"throttle-ca-rps", OPT_DOUBLE, O(ca_rps), 0, "1", "N",
     "Conditional Access + Identity Protection requests/s per tenant"},
    {"throttle-reports-count", OPT_LONG, O(reports_count), 0, "5", "N",
     "audit log and report requests per window per app"},
    {"throttle-reports-window", OPT_DOUBLE, O(reports_window), 0, "10", "S",
     "audit log and report window, seconds"},
    {"throttle-identity-small", OPT_LONG, O(identity_small), 0, "3500", "N",
     "identity cost budget per window, tenants under 50 users"},
    {"throttle-identity-medium", OPT_LONG, O(identity_medium), 0, "5000", "N",
     "identity cost budget per window, 50-500 users"},
    {"throttle-identity-large", OPT_LONG, O(identity_large), 0, "8000", "N",
     "identity cost budget per window, over 500 users"},
    {"throttle-identity-window", OPT_DOUBLE, O(identity_window), 0, "10", "S",
     "identity budget window, seconds"},
    {"throttle-arm-reads", OPT_LONG, O(arm_reads), 0, "250", "N",
     "ARM read bucket size per subscription"},
    {"throttle-arm-refill", OPT_DOUBLE, O(arm_refill), 0, "25", "N",
     "ARM read tokens refilled per second"},
    {"fault-429", OPT_DOUBLE, O(fault_429), 0, "0", "RATE",
     "fraction of API requests answered 429 with Retry-After"},
    {"fault-503", OPT_DOUBLE, O(fault_503), 0, "0", "RATE", "fraction answered 503"},
    {"fault-cut", OPT_DOUBLE, O(fault_cut), 0, "0", "RATE",
     "fraction whose connection is cut halfway through the body"},
    {"fault-malformed", OPT_STR, O(fault_malformed), 0, NULL, "PATH|RATE",
     "invalid JSON bodies: every answer at PATH, or a fraction of all"},
    {"fault-truncate", OPT_STR, O(fault_truncate), 0, NULL, "PATH|RATE",
     "short pages (fewer items, nextLink still right): at PATH or a fraction"},
    {"retry-after", OPT_STR, O(retry_after), 0, "1", "S",
     "Retry-After of random 429/503 faults (decimal allowed)"},
    {"latency-ms", OPT_LONG, O(latency_ms), 0, "0", "MS", "delay before every answer"},
    {"token-lifetime", OPT_LONG, O(token_lifetime), 0, "3599", "S", "access token expires_in"},
    {"fault-token-expire-early", OPT_LONG, O(token_expire_early), 0, "0", "S",
     "tokens really expire after S seconds, whatever expires_in says (0: off)"},
    {"fault-at", OPT_MULTI, O(fault_specs), O(nfault_specs), NULL, "PATH:N:KIND[:ARG]",
     "fault at the Nth request (N, N-M or N+) to PATH (repeatable; see doc)"},
    {"fault-once", OPT_MULTI, O(fault_specs), O(nfault_specs), NULL, "PATH:KIND[:ARG]",
     "fault at the next request to PATH not taken by an earlier rule (repeatable)"},
    {"webhook-token", OPT_STR, O(webhook_token), 0, "sim-webhook-token", "TOKEN",
     "the token POST /webhooks?token= accepts"},
    {"webhook-disabled", OPT_BOOL, O(webhook_disabled), 0, NULL, NULL,
     "the webhook is disabled (400)"},
    {"webhook-expired", OPT_BOOL, O(webhook_expired), 0, NULL, NULL,
     "the webhook has expired (400)"},
    {"webhook-fail-first", OPT_LONG, O(webhook_fail_first), 0, "0", "N",
     "answer 500 to the first N webhook calls"},
    {"automation-account", OPT_STR, O(automation_account), 0, "aa-sim", "NAME",
     "the Automation account name"},
    {"runbook", OPT_STR, O(runbook), 0, "Run-Remediation", "NAME", "runbook name webhook jobs run"},
    {"clock-speed", OPT_DOUBLE, O(clock_speed), 0, "1", "X",
     "job clock factor (10 = ten times faster)"},
    {"job-new-s", OPT_DOUBLE, O(job_new_s), 0, "1", "S", "seconds a job stays New"},
    {"job-activating-s", OPT_DOUBLE, O(job_activating_s), 0, "2", "S",
     "seconds a job stays Activating"},
    {"job-running-s", OPT_DOUBLE, O(job_running_s), 0, "5", "S", "seconds a job stays Running"},
    {"job-outcome", OPT_STR, O(job_outcome), 0, "completed", "completed|failed|stopped",
     "how jobs end (a webhook body {\"simulate\":\"fail\"|\"stop\"} overrides)"},
};

#define NOPTS (sizeof(opts) / sizeof(opts[0]))

static void usage(FILE *f)
{
	fputs("usage: tater-sim [FLAGS]\n"
	      "A local Microsoft cloud for tests and the demo: login, Graph, ARM and Azure\n"
	      "Automation on 127.0.0.1, every API at its real path under one base URL.\n"
	      "See doc/simulator.md.\n\nFlags:\n",
	      f);
	for (size_t i = 0; i < NOPTS; i++) {
		char head[64];

		snprintf(head, sizeof(head), "--%s%s%s", opts[i].name, opts[i].arg ? " " : "",
			 opts[i].arg ? opts[i].arg : "");
		fprintf(f, "  %-34s %s", head, opts[i].help);
		if (opts[i].def)
			fprintf(f, " (default: %s)", opts[i].def);
		fputc('\n', f);
	}
	fprintf(f, "  %-34s %s\n  %-34s %s\n", "--help", "this text", "--version",
		"print the version");
}

static int set_opt(struct sim_config *c, const struct opt *o, const char *v, struct tater_err *err)
{
	char *base = (char *)c + o->off, *end;

	switch (o->type) {
	case OPT_STR:
		*(const char **)(void *)base = v;
		return 0;
	case OPT_LONG:
		errno = 0;
		*(long *)(void *)base = strtol(v, &end, 10);
		if (errno || end == v || *end)
			return tater_errf(err, TATER_EINVAL, "--%s wants a whole number, not '%s'",
					  o->name, v);
		return 0;
	case OPT_DOUBLE:
		errno = 0;
		*(double *)(void *)base = strtod(v, &end);
		if (errno || end == v || *end)
			return tater_errf(err, TATER_EINVAL, "--%s wants a number, not '%s'",
					  o->name, v);
		return 0;
	case OPT_BOOL:
		*(int *)(void *)base = 1;
		return 0;
	case OPT_MULTI: {
		char ***list = (char ***)(void *)base;
		size_t *n = (size_t *)(void *)((char *)c + o->count);
		char *item;

		if (strcmp(o->name, "fault-once") == 0) {
			/* Normalise to the --fault-at form: PATH:once:KIND[:ARG]. */
			const char *colon = strchr(v, ':');

			if (!colon)
				return tater_errf(err, TATER_EINVAL,
						  "--fault-once wants PATH:KIND[:ARG], not '%s'",
						  v);
			item = sim_xasprintf("%.*s:once:%s", (int)(colon - v), v, colon + 1);
		} else {
			item = sim_xstrdup(v);
		}
		if (strncmp(o->name, "fault-", 6) == 0 && sim_fault_spec_check(item, err) < 0) {
			free(item);
			return err->code;
		}
		*list = realloc(*list, (*n + 1) * sizeof(char *));
		if (!*list)
			abort();
		(*list)[(*n)++] = item;
		return 0;
	}
	}
	return 0;
}

static int parse_args(struct sim_config *c, int argc, char **argv, struct tater_err *err)
{
	for (size_t i = 0; i < NOPTS; i++)
		if (opts[i].def && set_opt(c, &opts[i], opts[i].def, err) < 0)
			return err->code;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *val = NULL;
		const struct opt *o = NULL;
		size_t nlen;

		if (strncmp(a, "--", 2) != 0)
			return tater_errf(err, TATER_EINVAL, "unexpected argument '%s'", a);
		a += 2;
		nlen = strcspn(a, "=");
		for (size_t k = 0; k < NOPTS; k++)
			if (strlen(opts[k].name) == nlen && strncmp(opts[k].name, a, nlen) == 0)
				o = &opts[k];
		if (!o)
			return tater_errf(err, TATER_EINVAL, "unknown flag '--%.*s' (see --help)",
					  (int)nlen, a);
		if (a[nlen] == '=')
			val = a + nlen + 1;
		if (o->type == OPT_BOOL) {
			if (val)
				return tater_errf(err, TATER_EINVAL, "--%s takes no value",
						  o->name);
			val = "1";
		} else if (!val) {
			if (i + 1 >= argc)
				return tater_errf(err, TATER_EINVAL, "--%s needs a value", o->name);
			val = argv[++i];
		}
		if (set_opt(c, o, val, err) < 0)
			return err->code;
	}
	if (sim_parse_time(c->now_str, &c->now) < 0)
		return tater_errf(err, TATER_EINVAL, "--now wants an ISO 8601 time, not '%s'",
				  c->now_str);
	if (c->port < 0 || c->port > 65535)
		return tater_errf(err, TATER_EINVAL, "--port must be 0-65535");
	if (c->users < 1 || c->users > 10000000)
		return tater_errf(err, TATER_EINVAL, "--users must be 1-10000000");
	if (c->subscriptions < 0 || c->subscriptions > 1000 || c->resources < 0 ||
	    c->resources > 10000)
		return tater_errf(err, TATER_EINVAL, "--subscriptions/--resources out of range");
	if (c->clock_speed <= 0)
		return tater_errf(err, TATER_EINVAL, "--clock-speed must be positive");
	if (strcmp(c->job_outcome, "completed") != 0 && strcmp(c->job_outcome, "failed") != 0 &&
	    strcmp(c->job_outcome, "stopped") != 0)
		return tater_errf(err, TATER_EINVAL,
				  "--job-outcome must be completed, failed or stopped");
	if (c->ca_rps <= 0 || c->reports_count < 1 || c->reports_window <= 0 ||
	    c->identity_window <= 0 || c->arm_reads < 1 || c->arm_refill <= 0)
		return tater_errf(err, TATER_EINVAL, "throttle limits must be positive");
	return 0;
}

static void config_free(struct sim_config *c)
{
	for (size_t i = 0; i < c->ndeny; i++)
		free(c->deny[i]);
	free(c->deny);
	for (size_t i = 0; i < c->nfault_specs; i++)
		free(c->fault_specs[i]);
	free(c->fault_specs);
}

int main(int argc, char **argv)
{
	struct sim s;
	struct tater_err err = {0};
	int rc = 1;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return 0;
		}
		if (strcmp(argv[i], "--version") == 0) {
			printf("tater-sim %s\n", TATER_VERSION);
			return 0;
		}
	}
	memset(&s, 0, sizeof(s));
	pthread_mutex_init(&s.lock, NULL);
	if (sodium_init() < 0) {
		fputs("tater-sim: libsodium failed to initialise\n", stderr);
		return 1;
	}
	if (parse_args(&s.cfg, argc, argv, &err) < 0)
		goto out;
	/* --deny values are kept as given; strip a trailing slash so "/v1.0/users/" works. */
	for (size_t i = 0; i < s.cfg.ndeny; i++) {
		size_t n = strlen(s.cfg.deny[i]);

		if (n > 1 && s.cfg.deny[i][n - 1] == '/')
			s.cfg.deny[i][n - 1] = '\0';
	}
	if (sim_auth_init(&s, &err) < 0 || sim_faults_init(&s, &err) < 0 || sim_jobs_init(&s) < 0)
		goto out;
	if (s.cfg.estate_path && sim_estate_load(&s, s.cfg.estate_path, &err) < 0)
		goto out;
	s.throttle = sim_throttle_new();
	if (sim_server_run(&s, &err) < 0)
		goto out;
	rc = 0;
out:
	if (rc)
		fprintf(stderr, "tater-sim: %s\n", err.msg);
	sim_throttle_free(s.throttle);
	sim_estate_free(s.estate);
	sim_auth_free(s.auth);
	sim_jobs_free(s.jobs);
	sim_faults_free(&s);
	config_free(&s.cfg);
	pthread_mutex_destroy(&s.lock);
	return rc;
}
