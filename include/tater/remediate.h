/* remediate.h - automated remediation through Azure Automation (issue 6).
 *
 * Three parts:
 *  - the script catalog: the .TATER headers of the runbooks/scripts/<area> files and the Exchange
 *    cmdlet patterns of runbooks/exo-cmdlet-patterns.txt, embedded at build time, so the
 *    console can show what a script does, its parameters and which PowerShell will run it;
 *  - the per-tenant configuration (remediation_config: enabled, webhook URL sealed in the
 *    vault, app registration client id, Automation account resource id);
 *  - the request lifecycle (remediation_requests): one active request per control and tenant
 *    (a partial unique index enforces it across processes), the webhook POST with a request
 *    id, polling the job every 5 s for up to 10 minutes, the runbook's JSON result.  Every
 *    request, answer and outcome goes to the activity log.
 *
 * The webhook URL carries the webhook's token: it is only ever read from the vault into
 * locked memory, never logged, never put in a message (http_redact_url / vault_redact).
 *
 * Networking functions run on a worker thread or a headless command's main thread.
 *
 * Callers: the headless commands (src/cmd/remediate.c: `tater remediation setup|show|test`,
 * `tater remediate`), Settings > Integrations (screens/settings.c: rem_config_get on the UI
 * thread; rem_config_save, rem_config_webhook_redacted and rem_test_account in worker jobs)
 * and the Controls screen's Remediate panel (screens/controls.c: rem_run / rem_resume in a
 * worker job).  The role checks live here, where the writes happen, so every caller gets
 * them: changing the settings needs admin, remediating responder. */
#ifndef TATER_REMEDIATE_H
#define TATER_REMEDIATE_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "tater/embed.h"
#include "tater/err.h"

struct store;
struct vault;
struct tenant;

/* ---- the script catalog ---------------------------------------------------------------- */

struct rem_param {
	char *name;	   /* PascalCase, as in param() */
	char *type;	   /* bool, int, string, string[] */
	char *def;	   /* the literal default ("" for none) */
	char *description;
};

struct rem_script {
	char *id, *title, *area, *runtime, *description;
	char **controls; /* control ids it makes pass */
	size_t ncontrols;
	struct rem_param *params;
	size_t nparams;
	int idempotent;
	int exo;	  /* its text matches an Exchange pattern: runs on 5.1 by delegation */
	int scc;	  /* ... a Security & Compliance one (Connect-IPPSSession too) */
	const char *text; /* the whole script (embedded; not owned) */
};

struct rem_catalog;

/* Parse every embedded script and the pattern file.  A script whose header is malformed
 * is an error naming the file and line. */
int rem_catalog_open(struct rem_catalog **out, struct tater_err *err);
void rem_catalog_free(struct rem_catalog *c);
size_t rem_catalog_count(const struct rem_catalog *c);
const struct rem_script *rem_catalog_at(const struct rem_catalog *c, size_t i);
const struct rem_script *rem_catalog_find(const struct rem_catalog *c, const char *id);
/* The script for a control: the control's `remediation:` when it names a known script, else
 * the first script whose `controls:` lists it; NULL when none. */
const struct rem_script *rem_catalog_for_control(const struct rem_catalog *c,
						 const char *control_id, const char *remediation);

/* "PowerShell 7.2" or "PowerShell 5.1 (by delegation to Run-Remediation-EXO)". */
const char *rem_runtime_label(const struct rem_script *sc);

/* Parse one script's header (name: its path for messages).  text is borrowed by out. */
int rem_script_parse(const char *name, const char *text, struct rem_script *out,
		     struct tater_err *err);
void rem_script_clear(struct rem_script *sc);

/* The Exchange detection, exactly as Run-Remediation does it: each non-comment line of the
 * pattern file is a POSIX ERE matched case-insensitively against every line of the script.
 * Returns 1 when some pattern matches (*scc = 1 when one of the "#@ scc" section does),
 * 0 when none does, or a negative code when a pattern does not compile. */
struct rem_patterns;
int rem_patterns_compile(const char *patterns_text, struct rem_patterns **out,
			 struct tater_err *err);
void rem_patterns_free(struct rem_patterns *p);
int rem_patterns_match(const struct rem_patterns *p, const char *script_text, int *scc);

/* The embedded scripts (for tests): name is the path under runbooks/. */
const struct tater_embedded *rem_embedded_scripts(size_t *n);
/* The embedded runbooks/exo-cmdlet-patterns.txt. */
const char *rem_embedded_patterns(void);

/* Parameters as a JSON object text from "Name=value" strings, typed by the script's header
 * (bool true/false, int, string, string[] comma-separated).  Unknown names are an error.
 * Parameters left out are left out (the script's defaults apply).  *json is malloc'd. */
int rem_params_json(const struct rem_script *sc, const char *const *assign, size_t n,
		    char **json, struct tater_err *err);

/* ---- configuration per tenant ---------------------------------------------------------- */

struct rem_config {
	int exists;
	int enabled;
	int has_webhook;
	char client_id[64];
	char automation_account[512]; /* /subscriptions/…/automationAccounts/NAME */
	char updated_by[64], updated_at[32];
};

int rem_config_get(struct store *s, int64_t tenant_ref, struct rem_config *out,
		   struct tater_err *err);
/* Save (admin only: TATER_EPERM naming the actor otherwise, before the vault is touched;
 * recorded in the activity log with the URL redacted).  webhook_url NULL keeps the stored
 * one (the console's "leave it empty"); it is validated (https, or http to loopback; a token
 * in the query) and sealed.  Enabling needs a webhook URL (new or stored), the client ID and
 * the Automation account resource ID.  Messages name the field ("client ID: ...",
 * "webhook URL: ...") and never repeat the URL. */
int rem_config_save(struct store *s, struct vault *v, int64_t tenant_ref,
		    const struct rem_config *cfg, const char *webhook_url, struct tater_err *err);
/* The stored webhook URL redacted for display ("https://…/webhooks?token=****"): the only
 * form in which it is ever shown. */
int rem_config_webhook_redacted(struct vault *v, int64_t tenant_ref, char *out, size_t n,
				struct tater_err *err);
/* 0, or -1 with a short message in msg (which never repeats the value): the settings form's
 * checks, and rem_config_save's. */
int rem_valid_account(const char *resource_id, char *msg, size_t n);
int rem_valid_webhook(const char *url, char *msg, size_t n);

/* Settings "Test": an authenticated ARM GET of cfg's Automation account with the tenant's
 * credentials (no job started; cfg->automation_account is all it reads).  On success, info
 * gets "Automation account NAME reachable (state S)"; on failure err has the service's own
 * error. */
int rem_test_account(struct vault *v, const struct tenant *t, const struct rem_config *cfg,
		     const char *ca_file, char *info, size_t n, struct tater_err *err);

/* ---- requests ---------------------------------------------------------------------------- */

struct rem_request {
	int64_t id;
	char request_id[40];
	char scope[32];
	char control_id[96];
	char script_id[96];
	char *params; /* JSON object */
	char status[12]; /* pending submitted running completed failed stopped timeout error */
	char job_id[64];
	char job_status[24];
	char requested_by[64], requested_at[32], updated_at[32], finished_at[32];
	char *output; /* the runbook's result line, or NULL */
	char *error;  /* or NULL */
	int64_t before_scan, after_scan;
};
void rem_request_free(struct rem_request *r);
/* By request id (GUID). */
int rem_request_get(struct store *s, const char *request_id, struct rem_request *out,
		    struct tater_err *err);
/* The newest request of a control in a scope: active first, else the latest. */
int rem_request_latest(struct store *s, const char *scope, const char *control_id,
		       struct rem_request *out, struct tater_err *err);

/* The runbook's result, parsed. */
struct rem_result {
	char status[16]; /* completed, failed, no_change; "" when no result line was found */
	char runtime[8];
	char *changes_text; /* one line per change: "setting: before -> after" (malloc'd) */
	char *errors_text;  /* one line per error (malloc'd) */
	char *guidance_text;
	size_t nchanges, nerrors;
};
/* The last line of output that parses as an object whose request_id is request_id. */
int rem_result_parse(const char *output, const char *request_id, struct rem_result *out);
void rem_result_free(struct rem_result *r);

/* ---- running one ------------------------------------------------------------------------- */

enum rem_phase {
	REM_PHASE_REQUESTED,  /* the row exists */
	REM_PHASE_POSTING,    /* sending the webhook (attempt n) */
	REM_PHASE_SUBMITTED,  /* 202: job id known */
	REM_PHASE_POLLED,     /* a job status was read */
	REM_PHASE_WAITING,    /* until next_poll_ms */
	REM_PHASE_DONE,
};

struct rem_progress {
	enum rem_phase phase;
	char request_id[40];
	char job_id[64];
	char job_status[24]; /* New, Activating, Running, Completed, ... */
	int attempt;
	long long elapsed_ms;	/* since the webhook was accepted (or the request began) */
	long long next_poll_ms; /* ms until the next poll, in WAITING */
	char note[256];
};

struct rem_run_opts {
	const atomic_int *cancel;
	const char *ca_file;
	/* The environment variables override both, so the end-to-end tests (tests/e2e/
	 * e2e_remediate.sh, tests/unit/test_remediate.c) run a job in seconds. */
	long poll_ms;	 /* 0: 5 s, or $TATER_REMEDIATE_POLL_MS (tests only) */
	long timeout_ms; /* 0: 10 min, or $TATER_REMEDIATE_TIMEOUT_MS (tests only) */
	int webhook_attempts; /* 0: 4 (only a 500 is retried) */
	void (*progress)(void *ctx, const struct rem_progress *p);
	void *ctx;
};

struct rem_outcome {
	char request_id[40];
	char job_id[64];
	char job_status[24];
	char status[12]; /* the request's final status */
	char *output;	 /* raw job output (malloc'd) or NULL */
	struct rem_result result;
	long long elapsed_ms;
};
void rem_outcome_free(struct rem_outcome *o);

/* Check that the actor may remediate in this tenant now: role responder or above, and
 * remediation enabled and configured (else TATER_EPERM saying how to enable it). */
int rem_check_allowed(struct store *s, const struct tenant *t, struct rem_config *cfg,
		      struct tater_err *err);

/* Create the request row (refused with TATER_EBUSY naming who started the running one and
 * when: "CONTROL is already being remediated: USER started it at TIME (request ...)"),
 * then POST the webhook, poll the job until terminal or the timeout, read and parse
 * the output and record the outcome.  params_json: NULL for "{}".  Returns 0 when the job
 * ended Completed; TATER_ETIMEOUT ("still running in Azure, job <id>"), TATER_EHTTP for a
 * Failed/Stopped job, other codes for errors.  out is filled either way. */
int rem_run(struct store *s, struct vault *v, const struct tenant *t, const char *control_id,
	    const struct rem_script *sc, const char *params_json, const struct rem_run_opts *o,
	    struct rem_outcome *out, struct tater_err *err);
/* Take up an earlier request (a timeout, or one a dead process left running) and poll its
 * job again until terminal or the timeout. */
int rem_resume(struct store *s, struct vault *v, const struct tenant *t, const char *request_id,
	       const struct rem_run_opts *o, struct rem_outcome *out, struct tater_err *err);

/* Poll interval and timeout in effect (environment overrides applied). */
long rem_poll_ms(const struct rem_run_opts *o);
long rem_timeout_ms(const struct rem_run_opts *o);

#endif
