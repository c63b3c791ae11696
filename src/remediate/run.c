/* run.c - one remediation: request row, webhook, job polling, result.
 *
 * The webhook is POSTed once per attempt and retried only on a 500 (Azure Automation's
 * "transient fault, retry"); a 400 (expired, disabled, wrong token) or 404 (no such
 * webhook) is a clear error, and nothing else that may have reached the service is
 * repeated, so a runbook never starts twice for one request.  The job is then read every
 * 5 s (ARM, with the tenant's app registration) until Completed, Failed or Stopped, or
 * 10 minutes: then the request is left as 'timeout' with its job id, to be resumed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <sodium.h>

#include "rem_internal.h"
#include "tater/auth.h"
#include "tater/collect.h"
#include "tater/http.h"
#include "tater/roles.h"
#include "tater/store.h"
#include "tater/tenants.h"
#include "tater/vault.h"

#define OUTPUT_MAX (256 * 1024)

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static long env_ms(const char *name)
{
	const char *v = getenv(name);
	char *end;
	long x;

	if (!v || !*v)
		return 0;
	x = strtol(v, &end, 10);
	return *end || x <= 0 ? 0 : x;
}

long rem_poll_ms(const struct rem_run_opts *o)
{
	long env = env_ms("TATER_REMEDIATE_POLL_MS");

	if (o && o->poll_ms > 0)
		return o->poll_ms;
	return env ? env : 5000;
}

long rem_timeout_ms(const struct rem_run_opts *o)
{
	long env = env_ms("TATER_REMEDIATE_TIMEOUT_MS");

	if (o && o->timeout_ms > 0)
		return o->timeout_ms;
	return env ? env : 600000;
}

static int cancelled(const struct rem_run_opts *o)
{
	return o && o->cancel && atomic_load(o->cancel);
}

static void report(const struct rem_run_opts *o, struct rem_progress *p)
{
	if (o && o->progress)
		o->progress(o->ctx, p);
}

/* Sleep ms in short slices; 1 when cancelled. */
static int nap(const struct rem_run_opts *o, long ms)
{
	long long until = mono_ms() + ms;

	while (mono_ms() < until) {
		struct timespec ts = {0, 50 * 1000000L};
		long long left = until - mono_ms();

		if (cancelled(o))
			return 1;
		if (left < 50)
			ts.tv_nsec = (long)(left > 0 ? left : 0) * 1000000L;
		nanosleep(&ts, NULL);
	}
	return cancelled(o);
}

void rem_outcome_free(struct rem_outcome *o)
{
	if (!o)
		return;
	free(o->output);
	o->output = NULL;
	rem_result_free(&o->result);
}

/* ---- the tenant's ARM client ---------------------------------------------------------- */

int rem_net_open(struct rem_net *n, struct vault *v, const struct tenant *t,
		 const atomic_int *cancel, const char *ca_file, struct tater_err *err)
{
	struct http_config cfg;
	struct auth_entra_config ac = {0};
	int is_cert = !strcmp(t->auth_kind, "certificate");
	char *secret = NULL;
	size_t len = 0;
	int ret;

	memset(n, 0, sizeof(*n));
	snprintf(n->tenant, sizeof(n->tenant), "%s", t->tenant_id);
	if ((ret = collect_tenant_endpoints(t, &n->ep, err)) < 0)
		return ret;
	http_config_defaults(&cfg);
	cfg.cancel = cancel;
	cfg.ca_file = ca_file;
	cfg.timeout_ms = 60000;
	if ((ret = http_client_new(&cfg, &n->hc, err)) < 0)
		return ret;
	ret = vault_get(v, "tenants", t->id, is_cert ? "certificate" : "client_secret", &secret,
			&len, err);
	if (ret == TATER_ENOTFOUND)
		ret = tater_errf(err, TATER_EAUTH, "tenant '%s' has no %s stored", t->name,
				 is_cert ? "certificate" : "client secret");
	if (ret < 0)
		goto fail;
	ac.tenant = t->tenant_id;
	ac.client_id = t->client_id;
	ac.ep = &n->ep;
	if (is_cert) {
		ac.cert_pem = secret;
		ac.cert_pem_len = len;
	} else {
		ac.client_secret = secret;
	}
	ret = auth_entra_new(&ac, &n->auth, err);
	vault_free_plain(secret, len);
	if (ret < 0)
		goto fail;
	return 0;
fail:
	http_client_free(n->hc);
	n->hc = NULL;
	return ret;
}

void rem_net_close(struct rem_net *n)
{
	auth_entra_free(n->auth);
	http_client_free(n->hc);
	n->auth = NULL;
	n->hc = NULL;
}

static int arm_get(struct rem_net *n, const char *path, struct http_response *resp,
		   struct tater_err *err)
{
	char *url = endpoints_url(&n->ep, ENDPOINTS_ARM, path);
	struct http_request rq = {0};
	int ret;

	if (!url)
		return tater_errf(err, TATER_ENOMEM, "out of memory");
	rq.url = url;
	rq.auth = auth_entra_source(n->auth, ENDPOINTS_ARM);
	rq.tenant = n->tenant;
	ret = http_request(n->hc, &rq, resp, err);
	free(url);
	return ret;
}

int rem_arm_get_json(struct rem_net *n, const char *path, json_t **out, struct tater_err *err)
{
	struct http_response resp = {0};
	int ret = arm_get(n, path, &resp, err);

	*out = NULL;
	if (ret == 0) {
		*out = json_loadb(resp.body ? resp.body : "", resp.body_len, 0, NULL);
		if (!json_is_object(*out)) {
			json_decref(*out);
			*out = NULL;
			ret = tater_errf(err, TATER_EFORMAT, "Azure answered something that is not "
							     "a JSON object");
		}
	}
	http_response_free(&resp);
	return ret;
}

int rem_arm_get_text(struct rem_net *n, const char *path, char **out, struct tater_err *err)
{
	struct http_response resp = {0};
	int ret = arm_get(n, path, &resp, err);

	*out = NULL;
	if (ret == 0) {
		size_t len = resp.body_len > OUTPUT_MAX ? OUTPUT_MAX : resp.body_len;

		*out = malloc(len + 1);
		if (!*out) {
			ret = tater_errf(err, TATER_ENOMEM, "out of memory");
		} else {
			if (len)
				memcpy(*out, resp.body, len);
			(*out)[len] = '\0';
		}
	}
	http_response_free(&resp);
	return ret;
}

/* ---- permission and configuration ------------------------------------------------------ */

int rem_check_allowed(struct store *s, const struct tenant *t, struct rem_config *cfg,
		      struct tater_err *err)
{
	int ret;

	if ((ret = store_role_require(s, STORE_ROLE_RESPONDER, "remediate a control", err)) < 0)
		return ret;
	if ((ret = rem_config_get(s, t->id, cfg, err)) < 0)
		return ret;
	if (!cfg->enabled)
		return tater_errf(err, TATER_EPERM,
				  "automated remediation is off for tenant '%s': an admin turns it "
				  "on in Settings > Integrations, or with `tater remediation setup "
				  "--tenant %s --webhook-url-file F --client-id ID "
				  "--automation-account RESOURCE_ID --enable`",
				  t->name, t->name);
	if (!cfg->has_webhook || !cfg->automation_account[0])
		return tater_errf(err, TATER_EPERM,
				  "remediation for tenant '%s' lacks its webhook URL or Automation "
				  "account (Settings > Integrations)",
				  t->name);
	return 0;
}

/* ---- the webhook ---------------------------------------------------------------------- */

static void service_message(const struct http_response *r, char *out, size_t n)
{
	json_t *j = r->body ? json_loadb(r->body, r->body_len, 0, NULL) : NULL;
	const char *m = json_string_value(json_object_get(j, "Message"));
	char code[64];

	out[0] = '\0';
	if (m) {
		size_t i;

		snprintf(out, n, "%s", m);
		for (i = 0; out[i]; i++)
			if ((unsigned char)out[i] < 0x20)
				out[i] = ' ';
	} else if (r->body) {
		http_service_error(r->body, r->body_len, code, sizeof(code), out, n);
	}
	json_decref(j);
}

static int post_webhook(struct store *s, struct vault *v, const struct tenant *t,
			const char *scope, const char *control_id, const char *body,
			const struct rem_run_opts *o, struct rem_progress *p,
			struct tater_err *err)
{
	struct http_config cfg;
	struct http_client *hc = NULL;
	struct tater_err e2 = {0};
	char *url = NULL;
	size_t ulen = 0;
	int attempts = o && o->webhook_attempts > 0 ? o->webhook_attempts : 4;
	int ret;

	ret = vault_get(v, "remediation_config", t->id, "webhook_url", &url, &ulen, err);
	if (ret == TATER_ENOTFOUND)
		return tater_errf(err, TATER_EPERM, "tenant '%s' has no remediation webhook URL",
				  t->name);
	if (ret < 0)
		return ret;
	http_config_defaults(&cfg);
	cfg.cancel = o ? o->cancel : NULL;
	cfg.ca_file = o ? o->ca_file : NULL;
	cfg.timeout_ms = 60000;
	if ((ret = http_client_new(&cfg, &hc, err)) < 0)
		goto out;
	for (int attempt = 1;; attempt++) {
		struct http_request rq = {0};
		struct http_response resp = {0};
		char msg[300], detail[512];

		p->phase = REM_PHASE_POSTING;
		p->attempt = attempt;
		report(o, p);
		rq.method = "POST";
		rq.url = url;
		rq.body = body;
		rq.tenant = t->tenant_id;
		rq.rate_class = RATE_DEFAULT;
		ret = http_request(hc, &rq, &resp, err);
		service_message(&resp, msg, sizeof(msg));
		if (ret == 0) {
			json_t *j = json_loadb(resp.body ? resp.body : "", resp.body_len, 0, NULL);
			const char *id =
			    json_string_value(json_array_get(json_object_get(j, "JobIds"), 0));

			if (!id) {
				ret = tater_errf(err, TATER_EFORMAT,
						 "the webhook answered %ld without a job id",
						 resp.status);
			} else {
				snprintf(p->job_id, sizeof(p->job_id), "%s", id);
				snprintf(detail, sizeof(detail), "request %s: %ld, job %s",
					 p->request_id, resp.status, id);
				rem_log(s, "remediation.webhook", scope, control_id, "ok", detail,
					&e2);
			}
			json_decref(j);
			http_response_free(&resp);
			goto out;
		}
		if (resp.status == 500 && attempt < attempts && !cancelled(o)) {
			long wait = http_backoff_ms(attempt, 1000, 8000, randombytes_random());

			if (wait < 200)
				wait = 200;
			snprintf(detail, sizeof(detail),
				 "request %s: 500 (%s), attempt %d of %d, retrying in %.1f s",
				 p->request_id, msg[0] ? msg : "internal error", attempt, attempts,
				 wait / 1000.0);
			rem_log(s, "remediation.webhook", scope, control_id, "retry", detail, &e2);
			snprintf(p->note, sizeof(p->note), "webhook answered 500; retrying");
			http_response_free(&resp);
			if (nap(o, wait)) {
				ret = tater_errf(err, TATER_ECANCELED, "remediation cancelled");
				goto out;
			}
			continue;
		}
		if (resp.status == 400)
			ret = tater_errf(err, TATER_EHTTP,
					 "the webhook refused the request (400%s%s): it has expired, "
					 "been disabled, or its token is wrong; create a new webhook "
					 "for Run-Remediation and give tater its URL (Settings > "
					 "Integrations, or tater remediation setup)",
					 msg[0] ? ": " : "", msg);
		else if (resp.status == 404)
			ret = tater_errf(err, TATER_ENOTFOUND,
					 "the webhook does not exist (404%s%s): it was deleted or the "
					 "URL is wrong; give tater the current webhook URL (Settings > "
					 "Integrations)",
					 msg[0] ? ": " : "", msg);
		else if (resp.status == 500)
			ret = tater_errf(err, TATER_EHTTP,
					 "the webhook answered 500 %d times; Azure Automation is "
					 "failing, try again later",
					 attempt);
		/* else: err already says what happened (transport, another status); the
		 * request may have reached the service, so it is not repeated. */
		http_response_free(&resp);
		goto out;
	}
out:
	if (ret < 0) {
		char detail[700];

		snprintf(detail, sizeof(detail), "request %s: %s", p->request_id, err->msg);
		rem_log(s, "remediation.webhook", scope, control_id, "failed", detail, &e2);
	}
	http_client_free(hc);
	vault_free_plain(url, ulen);
	return ret;
}

/* ---- polling --------------------------------------------------------------------------- */

static int is_terminal(const char *st)
{
	return !strcasecmp(st, "Completed") || !strcasecmp(st, "Failed") ||
	       !strcasecmp(st, "Stopped");
}

static int poll_job(struct store *s, struct rem_net *net, const struct rem_config *cfg,
		    const char *scope, const char *control_id, const struct rem_run_opts *o,
		    struct rem_progress *p, struct rem_outcome *out, struct tater_err *err)
{
	long poll = rem_poll_ms(o), limit = rem_timeout_ms(o);
	long long t0 = mono_ms() - p->elapsed_ms;
	char path[800], last[24] = "", exc[600] = "";
	struct tater_err e2 = {0};
	int ret;

	snprintf(path, sizeof(path), "%s/jobs/%s?api-version=2023-11-01",
		 cfg->automation_account, p->job_id);
	for (;;) {
		json_t *doc = NULL, *props;
		const char *st;

		if ((ret = rem_arm_get_json(net, path, &doc, err)) < 0) {
			/* A poll that failed is retried at the next tick until the deadline; the
			 * job runs on in Azure whatever we read. */
			snprintf(p->note, sizeof(p->note), "reading the job failed: %.200s",
				 err->msg);
		} else {
			props = json_object_get(doc, "properties");
			st = json_string_value(json_object_get(props, "status"));
			if (!st)
				st = "Unknown";
			snprintf(p->job_status, sizeof(p->job_status), "%s", st);
			if (json_string_value(json_object_get(props, "exception")))
				snprintf(exc, sizeof(exc), "%s",
					 json_string_value(json_object_get(props, "exception")));
			p->note[0] = '\0';
			if (strcmp(last, st) != 0) {
				char detail[200];

				snprintf(last, sizeof(last), "%s", st);
				rem_request_set(s, p->request_id, is_terminal(st) ? NULL : "running",
						NULL, st, NULL, NULL, 0, &e2);
				snprintf(detail, sizeof(detail), "request %s, job %s: %s",
					 p->request_id, p->job_id, st);
				rem_log(s, "remediation.job", scope, control_id, "status", detail,
					&e2);
			}
		}
		json_decref(doc);
		p->elapsed_ms = mono_ms() - t0;
		p->phase = REM_PHASE_POLLED;
		report(o, p);
		if (ret == 0 && is_terminal(p->job_status))
			break;
		if (p->elapsed_ms >= limit || cancelled(o)) {
			char detail[300];

			snprintf(out->job_status, sizeof(out->job_status), "%s", p->job_status);
			snprintf(out->status, sizeof(out->status), "timeout");
			ret = tater_errf(err, TATER_ETIMEOUT,
					 "still running in Azure, job %s (%s after %lld s; "
					 "resume with tater remediate %s --resume, or from the "
					 "Controls screen)",
					 p->job_id, p->job_status[0] ? p->job_status : "no status",
					 p->elapsed_ms / 1000, control_id);
			rem_request_set(s, p->request_id, "timeout", NULL, NULL, NULL, err->msg, 0,
					&e2);
			snprintf(detail, sizeof(detail), "request %s, job %s: %s", p->request_id,
				 p->job_id, cancelled(o) ? "polling stopped" : "timed out");
			rem_log(s, "remediation.outcome", scope, control_id, "timeout", detail,
				&e2);
			return ret;
		}
		p->phase = REM_PHASE_WAITING;
		{
			long wait = poll;

			if (p->elapsed_ms + wait > limit)
				wait = (long)(limit - p->elapsed_ms);
			p->next_poll_ms = wait;
			report(o, p);
			if (nap(o, wait))
				continue; /* leads to the cancelled branch above after one read */
		}
	}

	/* Terminal: read the output and record the outcome. */
	{
		char *text = NULL, detail[900];
		const char *status = !strcasecmp(p->job_status, "Completed") ? "completed"
				     : !strcasecmp(p->job_status, "Failed")  ? "failed"
									     : "stopped";

		snprintf(path, sizeof(path), "%s/jobs/%s/output?api-version=2023-11-01",
			 cfg->automation_account, p->job_id);
		if (rem_arm_get_text(net, path, &text, &e2) < 0)
			snprintf(p->note, sizeof(p->note), "the job output could not be read: %.200s",
				 e2.msg);
		out->output = text;
		rem_result_parse(text, p->request_id, &out->result);
		snprintf(out->job_status, sizeof(out->job_status), "%s", p->job_status);
		snprintf(out->status, sizeof(out->status), "%s", status);
		if (!strcmp(status, "completed")) {
			ret = 0;
			snprintf(detail, sizeof(detail), "request %s, job %s: Completed, %s, %zu "
							 "change(s)",
				 p->request_id, p->job_id,
				 out->result.status[0] ? out->result.status : "no result line",
				 out->result.nchanges);
		} else {
			const char *why = out->result.errors_text && out->result.errors_text[0]
					      ? out->result.errors_text
					  : exc[0] ? exc
						   : "no error text";

			ret = tater_errf(err, TATER_EHTTP, "the job %s ended %s: %s", p->job_id,
					 p->job_status, why);
			snprintf(detail, sizeof(detail), "request %s, job %s: %s: %.600s",
				 p->request_id, p->job_id, p->job_status, why);
		}
		rem_request_set(s, p->request_id, status, NULL, p->job_status, text ? text : "",
				ret < 0 ? err->msg : NULL, 1, &e2);
		rem_log(s, "remediation.outcome", scope, control_id, ret < 0 ? "failed" : "ok",
			detail, &e2);
		p->phase = REM_PHASE_DONE;
		report(o, p);
	}
	return ret;
}

/* ---- the whole run --------------------------------------------------------------------- */

int rem_run(struct store *s, struct vault *v, const struct tenant *t, const char *control_id,
	    const struct rem_script *sc, const char *params_json, const struct rem_run_opts *o,
	    struct rem_outcome *out, struct tater_err *err)
{
	struct rem_config cfg;
	struct rem_progress p;
	struct rem_net net = {0};
	struct tater_err e2 = {0};
	char scope[32];
	json_t *body = NULL, *params = NULL;
	char *text = NULL;
	int ret, have_net = 0;

	memset(out, 0, sizeof(*out));
	memset(&p, 0, sizeof(p));
	tenant_scope(t->id, scope, sizeof(scope));
	if ((ret = rem_check_allowed(s, t, &cfg, err)) < 0) {
		char detail[700];

		snprintf(detail, sizeof(detail), "refused: %s", err->msg);
		rem_log(s, "remediation.request", scope, control_id, "refused", detail, &e2);
		return ret;
	}
	params = json_loads(params_json ? params_json : "{}", 0, NULL);
	if (!json_is_object(params)) {
		json_decref(params);
		return tater_errf(err, TATER_EINVAL, "the parameters must be a JSON object");
	}
	/* Credentials first: a tenant that cannot sign in must not start a job it cannot
	 * follow. */
	if ((ret = rem_net_open(&net, v, t, o ? o->cancel : NULL, o ? o->ca_file : NULL, err)) <
	    0)
		goto out;
	have_net = 1;
	if ((ret = rem_request_insert(s, scope, control_id, sc->id, params_json, p.request_id,
				      err)) < 0)
		goto out;
	snprintf(out->request_id, sizeof(out->request_id), "%s", p.request_id);
	p.phase = REM_PHASE_REQUESTED;
	report(o, &p);
	body = json_pack("{s:s,s:s,s:s,s:O}", "request_id", p.request_id, "tenant_id",
			 t->tenant_id, "script_id", sc->id, "parameters", params);
	text = body ? json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	if (!text) {
		ret = tater_errf(err, TATER_ENOMEM, "out of memory");
		rem_request_set(s, p.request_id, "error", NULL, NULL, NULL, err->msg, 1, &e2);
		goto out;
	}
	if ((ret = post_webhook(s, v, t, scope, control_id, text, o, &p, err)) < 0) {
		rem_request_set(s, p.request_id, "error", NULL, NULL, NULL, err->msg, 1, &e2);
		snprintf(out->status, sizeof(out->status), "error");
		goto out;
	}
	rem_request_set(s, p.request_id, "submitted", p.job_id, "New", NULL, NULL, 0, &e2);
	snprintf(out->job_id, sizeof(out->job_id), "%s", p.job_id);
	p.phase = REM_PHASE_SUBMITTED;
	report(o, &p);
	ret = poll_job(s, &net, &cfg, scope, control_id, o, &p, out, err);
	out->elapsed_ms = p.elapsed_ms;
out:
	if (have_net)
		rem_net_close(&net);
	free(text);
	json_decref(body);
	json_decref(params);
	return ret;
}

int rem_resume(struct store *s, struct vault *v, const struct tenant *t, const char *request_id,
	       const struct rem_run_opts *o, struct rem_outcome *out, struct tater_err *err)
{
	struct rem_config cfg;
	struct rem_request r;
	struct rem_progress p;
	struct rem_net net;
	struct tater_err e2 = {0};
	char scope[32], detail[300];
	int ret;

	memset(out, 0, sizeof(*out));
	memset(&p, 0, sizeof(p));
	tenant_scope(t->id, scope, sizeof(scope));
	if ((ret = rem_check_allowed(s, t, &cfg, err)) < 0)
		return ret;
	if ((ret = rem_request_get(s, request_id, &r, err)) < 0)
		return ret;
	snprintf(out->request_id, sizeof(out->request_id), "%s", r.request_id);
	snprintf(out->job_id, sizeof(out->job_id), "%s", r.job_id);
	if (strcmp(r.scope, scope) != 0) {
		ret = tater_errf(err, TATER_EINVAL, "request %s belongs to another tenant",
				 request_id);
		goto out;
	}
	if (!strcmp(r.status, "completed") || !strcmp(r.status, "failed") ||
	    !strcmp(r.status, "stopped") || !strcmp(r.status, "error")) {
		snprintf(out->status, sizeof(out->status), "%s", r.status);
		snprintf(out->job_status, sizeof(out->job_status), "%s", r.job_status);
		if (r.output) {
			out->output = strdup(r.output);
			rem_result_parse(r.output, r.request_id, &out->result);
		}
		ret = !strcmp(r.status, "completed")
			  ? 0
			  : tater_errf(err, TATER_EHTTP, "request %s ended %s: %s", request_id,
				       r.status, r.error ? r.error : "");
		goto out;
	}
	if (!r.job_id[0]) {
		ret = tater_errf(err, TATER_EINVAL,
				 "request %s never got a job from the webhook: nothing ran; start "
				 "a new one",
				 request_id);
		rem_request_set(s, request_id, "error", NULL, NULL, NULL, err->msg, 1, &e2);
		goto out;
	}
	/* Back among the active ones: the unique index refuses this if another request of
	 * the control started meanwhile. */
	if ((ret = rem_request_set(s, request_id, "running", NULL, NULL, NULL, NULL, 0, err)) < 0)
		goto out;
	snprintf(detail, sizeof(detail), "request %s, job %s: resumed (was %s)", request_id,
		 r.job_id, r.status);
	rem_log(s, "remediation.resume", scope, r.control_id, "ok", detail, &e2);
	if ((ret = rem_net_open(&net, v, t, o ? o->cancel : NULL, o ? o->ca_file : NULL, err)) < 0)
		goto out;
	snprintf(p.request_id, sizeof(p.request_id), "%s", r.request_id);
	snprintf(p.job_id, sizeof(p.job_id), "%s", r.job_id);
	p.phase = REM_PHASE_SUBMITTED;
	report(o, &p);
	ret = poll_job(s, &net, &cfg, scope, r.control_id, o, &p, out, err);
	out->elapsed_ms = p.elapsed_ms;
	rem_net_close(&net);
out:
	rem_request_free(&r);
	return ret;
}
