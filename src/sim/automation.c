/* automation.c - Azure Automation: the webhook that starts a runbook, and the jobs API.
 *
 * A job moves New -> Activating -> Running -> Completed | Failed | Stopped on a
 * clock: --job-new-s, --job-activating-s, --job-running-s, all divided by
 * --clock-speed.  The outcome is --job-outcome, or the webhook body's "simulate"
 * field ("fail", "stop", "complete"), so one sim serves tests of every ending.
 * Job ids are derived from --seed and the job's number: the same run, the same ids.
 *
 * The output is the runbook's result line (doc/remediation-setup.md, "The result") for the
 * script the webhook body names.  The first time anyone sees a job Completed, the script's
 * effect is applied to the estate (effects.c), once, so a rescan sees the change. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "sim.h"

enum outcome { OUT_COMPLETED, OUT_FAILED, OUT_STOPPED };

struct job_view;
struct job_state;
static char *job_output(struct sim *s, const struct job_view *v, const struct job_state *st);

struct job {
	char id[37];
	double t0;	/* monotonic, when created */
	double created; /* wall clock, seconds */
	char *body;
	enum outcome outcome;
	char *result; /* the output, made once when the job is first seen ended */
	struct job *next;
};

struct sim_jobs {
	pthread_mutex_t lock;
	struct job *head;
	long n;
};

int sim_jobs_init(struct sim *s)
{
	s->jobs = calloc(1, sizeof(*s->jobs));
	if (!s->jobs)
		abort();
	pthread_mutex_init(&s->jobs->lock, NULL);
	return 0;
}

void sim_jobs_free(struct sim_jobs *j)
{
	if (!j)
		return;
	for (struct job *x = j->head, *next; x; x = next) {
		next = x->next;
		free(x->body);
		free(x->result);
		free(x);
	}
	pthread_mutex_destroy(&j->lock);
	free(j);
}

static double wall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Automation answers times with milliseconds and an explicit offset. */
static json_t *jtime_ms(double t)
{
	char b[48], d[32];
	time_t sec = (time_t)floor(t);
	struct tm tm;

	gmtime_r(&sec, &tm);
	strftime(d, sizeof(d), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(b, sizeof(b), "%s.%03d+00:00", d, (int)((t - floor(t)) * 1000));
	return json_string(b);
}

static void webhook_answer(struct sim_resp *rs, int status, const char *msg)
{
	sim_resp_json(rs, status, json_pack("{s:s}", "Message", msg));
}

void sim_h_webhook(struct sim *s, struct sim_req *rq, struct sim_resp *rs)
{
	const char *tok = sim_req_query(rq, "token");
	size_t want = strlen(s->cfg.webhook_token);
	struct job *j;
	json_t *body;
	int fail = 0;

	if (!tok || strlen(tok) != want || sodium_memcmp(tok, s->cfg.webhook_token, want) != 0) {
		webhook_answer(rs, 404, "Webhook not found.");
		return;
	}
	if (s->cfg.webhook_disabled) {
		webhook_answer(rs, 400, "Webhook is disabled.");
		return;
	}
	if (s->cfg.webhook_expired) {
		webhook_answer(rs, 400, "Webhook has expired.");
		return;
	}
	pthread_mutex_lock(&s->lock);
	if (s->webhook_failed < s->cfg.webhook_fail_first) {
		s->webhook_failed++;
		fail = 1;
	}
	pthread_mutex_unlock(&s->lock);
	if (fail) {
		webhook_answer(rs, 500, "An internal error occurred. Please retry the request.");
		return;
	}

	j = calloc(1, sizeof(*j));
	if (!j)
		abort();
	j->t0 = sim_mono();
	j->created = wall_now();
	j->body = sim_xmalloc(rq->body_len + 1);
	memcpy(j->body, rq->body, rq->body_len);
	j->body[rq->body_len] = '\0';
	j->outcome = strcmp(s->cfg.job_outcome, "failed") == 0	  ? OUT_FAILED
		     : strcmp(s->cfg.job_outcome, "stopped") == 0 ? OUT_STOPPED
								  : OUT_COMPLETED;
	body = json_loadb(rq->body, rq->body_len, 0, NULL);
	if (json_is_object(body)) {
		const char *sim = json_string_value(json_object_get(body, "simulate"));

		if (sim && strcasecmp(sim, "fail") == 0)
			j->outcome = OUT_FAILED;
		else if (sim && strcasecmp(sim, "stop") == 0)
			j->outcome = OUT_STOPPED;
		else if (sim && strcasecmp(sim, "complete") == 0)
			j->outcome = OUT_COMPLETED;
	}
	json_decref(body);
	pthread_mutex_lock(&s->jobs->lock);
	sim_guid(j->id, (uint64_t)s->cfg.seed, "job", (uint64_t)s->jobs->n++);
	j->next = s->jobs->head;
	s->jobs->head = j;
	pthread_mutex_unlock(&s->jobs->lock);
	sim_resp_json(rs, 202, json_pack("{s:[s]}", "JobIds", j->id));
}

/* The account path's parts: params 0 sub, 1 rg, 2 account.  Sub and group are taken
 * as given (tests need not look them up); the account name must be ours. */
static int need_account(struct sim *s, struct sim_req *rq, struct sim_resp *rs)
{
	if (sim_arm_need_version(rq, rs) < 0)
		return -1;
	if (strcasecmp(rq->params[2], s->cfg.automation_account) != 0) {
		sim_arm_error(rs, 404, "ResourceNotFound",
			      "The Resource 'Microsoft.Automation/automationAccounts/%s' under "
			      "resource group '%s' was not found. For more details please go to "
			      "https://aka.ms/ARMResourceNotFoundFix",
			      rq->params[2], rq->params[1]);
		return -1;
	}
	return 0;
}

void sim_h_automation_account(struct sim *s, struct sim_req *rq, struct sim_resp *rs)
{
	char id[512], pid[37];

	if (need_account(s, rq, rs) < 0)
		return;
	snprintf(id, sizeof(id),
		 "/subscriptions/%s/resourceGroups/%s/providers/Microsoft.Automation/"
		 "automationAccounts/%s",
		 rq->params[0], rq->params[1], rq->params[2]);
	sim_guid(pid, (uint64_t)s->cfg.seed, "automation-identity", 0);
	sim_resp_json(rs, 200,
		      json_pack("{s:s,s:s,s:s,s:s,s:{},s:{s:s,s:s,s:s},s:{s:{s:s},s:s,s:s,s:s,"
				"s:b,s:b}}",
				"id", id, "name", rq->params[2], "type",
				"Microsoft.Automation/AutomationAccounts", "location", "eastus",
				"tags", "identity", "type", "SystemAssigned", "principalId", pid,
				"tenantId", s->cfg.tenant_id, "properties", "sku", "name", "Basic",
				"state", "Ok", "creationTime", "2024-02-01T10:00:00.000+00:00",
				"lastModifiedTime", "2026-10-01T10:00:00.000+00:00",
				"publicNetworkAccess", 1, "disableLocalAuth", 0));
}

/* A copy of the job's fields, taken under the lock. */
struct job_view {
	char id[37];
	double t0, created;
	char *body;
	enum outcome outcome;
};

static int find_job(struct sim *s, const char *id, struct job_view *v)
{
	int found = 0;

	pthread_mutex_lock(&s->jobs->lock);
	for (struct job *j = s->jobs->head; j; j = j->next) {
		if (strcasecmp(j->id, id) == 0) {
			memcpy(v->id, j->id, sizeof(v->id));
			v->t0 = j->t0;
			v->created = j->created;
			v->body = sim_xstrdup(j->body);
			v->outcome = j->outcome;
			found = 1;
			break;
		}
	}
	pthread_mutex_unlock(&s->jobs->lock);
	return found;
}

struct job_state {
	const char *status;
	int terminal;
	double start, end; /* wall times, 0 = not yet */
};

static void job_state(struct sim *s, const struct job_view *v, struct job_state *st)
{
	double sp = s->cfg.clock_speed, e = (sim_mono() - v->t0) * sp;
	double t_act = s->cfg.job_new_s, t_run = t_act + s->cfg.job_activating_s,
	       t_end = t_run + s->cfg.job_running_s;

	memset(st, 0, sizeof(*st));
	if (e < t_act) {
		st->status = "New";
	} else if (e < t_run) {
		st->status = "Activating";
	} else if (e < t_end) {
		st->status = "Running";
		st->start = v->created + t_run / sp;
	} else {
		st->terminal = 1;
		st->status = v->outcome == OUT_FAILED	 ? "Failed"
			     : v->outcome == OUT_STOPPED ? "Stopped"
							 : "Completed";
		st->start = v->created + t_run / sp;
		st->end = v->created + t_end / sp;
	}
}

static int need_job(struct sim *s, struct sim_req *rq, struct sim_resp *rs, struct job_view *v)
{
	if (need_account(s, rq, rs) < 0)
		return -1;
	if (!find_job(s, rq->params[3], v)) {
		sim_arm_error(rs, 404, "NotFound", "The job '%s' was not found.", rq->params[3]);
		return -1;
	}
	return 0;
}

void sim_h_job(struct sim *s, struct sim_req *rq, struct sim_resp *rs)
{
	struct job_view v;
	struct job_state st;
	char id[640], wh[64];
	json_t *p, *whd, *body;
	char *whs;

	if (need_job(s, rq, rs, &v) < 0)
		return;
	job_state(s, &v, &st);
	if (st.terminal) /* apply a Completed job's effect as soon as anyone sees it end */
		free(job_output(s, &v, &st));
	snprintf(id, sizeof(id),
		 "/subscriptions/%s/resourceGroups/%s/providers/Microsoft.Automation/"
		 "automationAccounts/%s/jobs/%s",
		 rq->params[0], rq->params[1], rq->params[2], v.id);
	snprintf(wh, sizeof(wh), "%s-webhook", s->cfg.runbook);
	/* What the runbook receives as $WebhookData: the body travels with the job. */
	whd = json_pack("{s:s,s:s,s:{s:s}}", "WebhookName", wh, "RequestBody", v.body,
			"RequestHeader", "Content-Type", "application/json");
	whs = sim_json_dump(whd, NULL);
	json_decref(whd);
	p = json_pack("{s:{s:s},s:s,s:s,s:s,s:o,s:s,s:s}", "runbook", "name", s->cfg.runbook,
		      "startedBy", "{scrubbed}", "runOn", "", "jobId", v.id, "creationTime",
		      jtime_ms(v.created), "status", st.status, "statusDetails",
		      st.terminal && v.outcome == OUT_STOPPED ? "Stopped by user" : "None");
	json_object_set_new(p, "startTime", st.start ? jtime_ms(st.start) : json_null());
	json_object_set_new(p, "endTime", st.end ? jtime_ms(st.end) : json_null());
	json_object_set_new(p, "exception",
			    st.terminal && v.outcome == OUT_FAILED
				? json_string("Simulated failure: the runbook threw a terminating "
					      "error.")
				: json_null());
	json_object_set_new(p, "lastModifiedTime",
			    jtime_ms(st.end	? st.end
				     : st.start ? st.start
						: v.created));
	json_object_set_new(p, "lastStatusModifiedTime",
			    jtime_ms(st.end	? st.end
				     : st.start ? st.start
						: v.created));
	json_object_set_new(p, "parameters", json_pack("{s:s}", "WebhookData", whs));
	json_object_set_new(p, "provisioningState",
			    json_string(!st.terminal		  ? "Processing"
					: v.outcome == OUT_FAILED ? "Failed"
								  : "Succeeded"));
	body = json_pack("{s:s,s:s,s:s,s:o}", "id", id, "name", v.id, "type",
			 "Microsoft.Automation/AutomationAccounts/Jobs", "properties", p);
	sim_resp_json(rs, 200, body);
	free(whs);
	free(v.body);
}

/* The runbook's result line for an ended job: the effect applied (Completed) or the error
 * (Failed), in the shape Run-Remediation writes. */
static char *make_result(struct sim *s, const struct job_view *v)
{
	json_t *in = json_loads(v->body, 0, NULL), *o, *changes, *errors = json_array();
	const char *rid = json_string_value(json_object_get(in, "request_id"));
	const char *script = json_string_value(json_object_get(in, "script_id"));
	const char *runtime = "7.2", *status;
	json_t *guidance = json_array();
	char *out, *line;
	int known = 0;

	if (v->outcome == OUT_FAILED) {
		changes = json_array();
		json_array_append_new(
		    errors, json_string("Simulated failure: the runbook threw a terminating error."));
		status = "failed";
	} else if (!script) {
		changes = json_array();
		json_array_append_new(errors,
				      json_string("The request body is not a remediation request "
						  "(request_id, tenant_id, script_id, parameters)."));
		status = "failed";
	} else {
		changes = sim_effect_apply(s, script, json_object_get(in, "parameters"), &runtime,
					   &known);
		if (!known)
			json_array_append_new(guidance,
					      json_string("tater-sim has no effect for this "
							  "script; nothing changed."));
		status = json_array_size(changes) ? "completed" : "no_change";
	}
	o = json_pack("{s:s?,s:s?,s:s,s:o,s:o,s:o,s:s}", "request_id", rid, "script_id", script,
		      "status", status, "changes", changes, "errors", errors, "guidance",
		      guidance, "runtime", runtime);
	out = sim_json_dump(o, NULL);
	line = sim_xasprintf("Run-Remediation: job %s, script %s\n%s\n", v->id,
			     script ? script : "(none)", out);
	free(out);
	json_decref(o);
	json_decref(in);
	return line;
}

static char *job_output(struct sim *s, const struct job_view *v, const struct job_state *st)
{
	char *out = NULL;

	if (!st->terminal || v->outcome == OUT_STOPPED)
		return sim_xstrdup("");
	/* Made once under the jobs lock, so two pollers never apply an effect twice. */
	pthread_mutex_lock(&s->jobs->lock);
	for (struct job *j = s->jobs->head; j; j = j->next) {
		if (strcmp(j->id, v->id) == 0) {
			if (!j->result)
				j->result = make_result(s, v);
			out = sim_xstrdup(j->result);
			break;
		}
	}
	pthread_mutex_unlock(&s->jobs->lock);
	return out ? out : sim_xstrdup("");
}

void sim_h_job_output(struct sim *s, struct sim_req *rq, struct sim_resp *rs)
{
	struct job_view v;
	struct job_state st;
	char *out;

	if (need_job(s, rq, rs, &v) < 0)
		return;
	job_state(s, &v, &st);
	out = job_output(s, &v, &st);
	sim_resp_text(rs, 200, "text/plain; charset=utf-8", out);
	free(out);
	free(v.body);
}

void sim_h_job_streams(struct sim *s, struct sim_req *rq, struct sim_resp *rs)
{
	struct job_view v;
	struct job_state st;
	json_t *value = json_array();
	char *out;

	if (need_job(s, rq, rs, &v) < 0) {
		json_decref(value);
		return;
	}
	job_state(s, &v, &st);
	out = job_output(s, &v, &st);
	if (*out) {
		char sid[128];

		snprintf(sid, sizeof(sid), "%s:00000000000000000001", v.id);
		out[strcspn(out, "\n")] = '\0';
		json_array_append_new(
		    value, json_pack("{s:s,s:{s:s,s:o,s:s,s:s}}", "id", sid, "properties",
				     "jobStreamId", sid, "time", jtime_ms(st.end), "streamType",
				     v.outcome == OUT_FAILED ? "Error" : "Output", "summary", out));
	}
	sim_resp_json(rs, 200, json_pack("{s:o}", "value", value));
	free(out);
	free(v.body);
}
