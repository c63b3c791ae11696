/* config.c - remediation settings per tenant (remediation_config), and the Test button.
 *
 * The webhook URL is sealed with vault_put ("remediation_config", tenant_ref, "webhook_url"):
 * it carries the webhook's token.  It is shown only redacted, never logged. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sqlite3.h>

#include "rem_internal.h"
#include "tater/activity.h"
#include "tater/auth.h"
#include "tater/http.h"
#include "tater/roles.h"
#include "tater/store.h"
#include "tater/tenants.h"
#include "tater/validate.h"
#include "tater/vault.h"

int rem_config_get(struct store *s, int64_t tenant_ref, struct rem_config *out,
		   struct tater_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	if (sqlite3_prepare_v2(store_db(s),
			       "SELECT enabled, webhook_url IS NOT NULL, client_id, "
			       "automation_account, updated_by, updated_at FROM remediation_config"
			       " WHERE tenant_ref = ?",
			       -1, &st, NULL) != SQLITE_OK)
		return store_sqlerr(s, "reading the remediation settings", err);
	sqlite3_bind_int64(st, 1, tenant_ref);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->exists = 1;
		out->enabled = sqlite3_column_int(st, 0);
		out->has_webhook = sqlite3_column_int(st, 1);
		store_col_text(st, 2, out->client_id, sizeof(out->client_id));
		store_col_text(st, 3, out->automation_account, sizeof(out->automation_account));
		store_col_text(st, 4, out->updated_by, sizeof(out->updated_by));
		store_col_text(st, 5, out->updated_at, sizeof(out->updated_at));
	} else if (rc != SQLITE_DONE) {
		sqlite3_finalize(st);
		return store_sqlerr(s, "reading the remediation settings", err);
	}
	sqlite3_finalize(st);
	return 0;
}

int rem_valid_account(const char *rid, char *msg, size_t n)
{
	char sub[64], rg[128], acct[128], rest;
	const char *p = "/subscriptions/";

	if (!rid || strncasecmp(rid, p, strlen(p)) != 0 ||
	    sscanf(rid + strlen(p), "%63[^/]/resourceGroups/%127[^/]/providers/"
				    "Microsoft.Automation/automationAccounts/%127[^/]%c",
		   sub, rg, acct, &rest) != 3) {
		if (msg)
			snprintf(msg, n,
				 "/subscriptions/ID/resourceGroups/RG/providers/"
				 "Microsoft.Automation/automationAccounts/NAME");
		return -1;
	}
	if (valid_guid(sub, NULL, 0) < 0) {
		if (msg)
			snprintf(msg, n, "the subscription id must be a GUID");
		return -1;
	}
	return 0;
}

int rem_valid_webhook(const char *url, char *msg, size_t n)
{
	const char *q;
	char base[1024];

	if (!url || !*url) {
		if (msg)
			snprintf(msg, n, "the webhook URL of the Run-Remediation runbook");
		return -1;
	}
	q = strchr(url, '?');
	if (!q || !strstr(q, "token=")) {
		if (msg)
			snprintf(msg, n, "a webhook URL ends in ?token=... (copy it whole)");
		return -1;
	}
	snprintf(base, sizeof(base), "%.*s", (int)(q - url), url);
	return valid_service_url(base, msg, n);
}

int rem_config_save(struct store *s, struct vault *v, int64_t tenant_ref,
		    const struct rem_config *cfg, const char *webhook_url, struct tater_err *err)
{
	sqlite3_stmt *st = NULL;
	char now[32], msg[160], target[64], detail[700], red[300] = "";
	struct tenant t;
	int ret;

	if ((ret = store_role_require(s, STORE_ROLE_ADMIN, "change the remediation settings",
				      err)) < 0)
		return ret;
	if ((ret = tenant_get_id(s, tenant_ref, &t, err)) < 0)
		return ret;
	if (cfg->client_id[0] && valid_guid(cfg->client_id, msg, sizeof(msg)) < 0)
		return tater_errf(err, TATER_EINVAL, "client ID: %s", msg);
	if (cfg->automation_account[0] && rem_valid_account(cfg->automation_account, msg,
							     sizeof(msg)) < 0)
		return tater_errf(err, TATER_EINVAL, "Automation account resource ID: %s", msg);
	if (webhook_url && rem_valid_webhook(webhook_url, msg, sizeof(msg)) < 0)
		return tater_errf(err, TATER_EINVAL, "webhook URL: %s", msg);
	if (cfg->enabled) {
		struct rem_config cur;

		if ((ret = rem_config_get(s, tenant_ref, &cur, err)) < 0)
			return ret;
		if (!webhook_url && !cur.has_webhook)
			return tater_errf(err, TATER_EINVAL,
					  "remediation cannot be enabled without a webhook URL");
		if (!cfg->client_id[0] || !cfg->automation_account[0])
			return tater_errf(err, TATER_EINVAL,
					  "remediation cannot be enabled without the app "
					  "registration client ID and the Automation account "
					  "resource ID");
	}
	store_now(now);
	if ((ret = store_begin(s, err)) < 0)
		return ret;
	if (sqlite3_prepare_v2(store_db(s),
			       "INSERT INTO remediation_config (tenant_ref, enabled, client_id,"
			       " automation_account, updated_by, updated_at) VALUES (?,?,?,?,?,?)"
			       " ON CONFLICT (tenant_ref) DO UPDATE SET enabled = excluded.enabled,"
			       " client_id = excluded.client_id, automation_account ="
			       " excluded.automation_account, updated_by = excluded.updated_by,"
			       " updated_at = excluded.updated_at",
			       -1, &st, NULL) != SQLITE_OK) {
		ret = store_sqlerr(s, "saving the remediation settings", err);
		goto fail;
	}
	sqlite3_bind_int64(st, 1, tenant_ref);
	sqlite3_bind_int(st, 2, cfg->enabled ? 1 : 0);
	sqlite3_bind_text(st, 3, cfg->client_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, cfg->automation_account, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, store_actor(s), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, now, -1, SQLITE_STATIC);
	ret = store_step_done(s, st, "saving the remediation settings", err);
	st = NULL; /* finalised either way */
	if (ret < 0)
		goto fail;
	if (webhook_url) {
		if ((ret = vault_put(v, "remediation_config", tenant_ref, "webhook_url",
				     webhook_url, strlen(webhook_url), err)) < 0)
			goto fail;
		vault_redact(webhook_url, red, sizeof(red));
	}
	snprintf(target, sizeof(target), "tenant:%lld", (long long)tenant_ref);
	snprintf(detail, sizeof(detail), "%s; client %s; account %s%s%s",
		 cfg->enabled ? "enabled" : "disabled", cfg->client_id[0] ? cfg->client_id : "-",
		 cfg->automation_account[0] ? cfg->automation_account : "-",
		 red[0] ? "; new webhook " : "", red);
	if ((ret = activity_append(s, "remediation.setup", target, "ok", detail, err)) < 0)
		goto fail;
	return store_commit(s, err);
fail:
	sqlite3_finalize(st);
	store_rollback(s);
	return ret;
}

int rem_config_webhook_redacted(struct vault *v, int64_t tenant_ref, char *out, size_t n,
				struct tater_err *err)
{
	char *url = NULL;
	size_t len = 0;
	int ret = vault_get(v, "remediation_config", tenant_ref, "webhook_url", &url, &len, err);

	if (ret < 0)
		return ret;
	vault_redact(url, out, n);
	vault_free_plain(url, len);
	return 0;
}

int rem_test_account(struct vault *v, const struct tenant *t, const struct rem_config *cfg,
		     const char *ca_file, char *info, size_t n, struct tater_err *err)
{
	struct rem_net net;
	char path[700];
	json_t *doc = NULL;
	int ret;

	if (!cfg->automation_account[0])
		return tater_errf(err, TATER_EINVAL,
				  "no Automation account resource ID to test (Settings > "
				  "Integrations)");
	if ((ret = rem_net_open(&net, v, t, NULL, ca_file, err)) < 0)
		return ret;
	snprintf(path, sizeof(path), "%s?api-version=2023-11-01", cfg->automation_account);
	ret = rem_arm_get_json(&net, path, &doc, err);
	if (ret == 0) {
		const char *name = json_string_value(json_object_get(doc, "name"));
		const char *state = json_string_value(
		    json_object_get(json_object_get(doc, "properties"), "state"));

		snprintf(info, n, "Automation account %s reachable (state %s)",
			 name ? name : "?", state ? state : "unknown");
	}
	json_decref(doc);
	rem_net_close(&net);
	return ret;
}
