/* rem_internal.h - what the remediation files share. */
#ifndef TATER_REM_INTERNAL_H
#define TATER_REM_INTERNAL_H

#include <stdatomic.h>

#include <jansson.h>

#include "tater/endpoints.h"
#include "tater/remediate.h"

struct http_client;
struct auth_entra;

/* A tenant's ARM client: endpoints, HTTP client, Entra credentials. */
struct rem_net {
	struct endpoints ep;
	struct http_client *hc;
	struct auth_entra *auth;
	char tenant[256];
};
int rem_net_open(struct rem_net *n, struct vault *v, const struct tenant *t,
		 const atomic_int *cancel, const char *ca_file, struct tater_err *err);
void rem_net_close(struct rem_net *n);
/* GET {arm}{path} with an ARM token. */
int rem_arm_get_json(struct rem_net *n, const char *path, json_t **out, struct tater_err *err);
int rem_arm_get_text(struct rem_net *n, const char *path, char **out, struct tater_err *err);

/* request.c */
int rem_request_insert(struct store *s, const char *scope, const char *control_id,
		       const char *script_id, const char *params, char request_id[40],
		       struct tater_err *err);
/* Update status (and optionally job id, job status, output, error); finished sets
 * finished_at. NULL leaves a column alone. */
int rem_request_set(struct store *s, const char *request_id, const char *status,
		    const char *job_id, const char *job_status, const char *output,
		    const char *error, int finished, struct tater_err *err);
/* Append to the activity log outside any transaction; failures are reported in err but
 * callers go on (the request row records the truth). */
int rem_log(struct store *s, const char *action, const char *scope, const char *control_id,
	    const char *outcome, const char *detail, struct tater_err *err);

#endif
