/* effects.c - what each remediation script does to the simulated estate.
 *
 * When a job ends Completed, automation.c applies the effect of the script named in the
 * webhook body: each change sets one property of an estate key (a Graph path, or
 * "exo:<Cmdlet>" for Exchange cmdlet output) through sim_estate_patch, so the next scan
 * reads the new value and the control turns to pass.  Like the real scripts it reads first
 * and changes only what differs: a second run reports no change.  The `setting` names are
 * the ones the scripts themselves report. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim.h"

/* B_TIMEOUT: the activity-based timeout policies, edited by idle_timeout_fn. */
enum base_kind { B_NONE, B_AUTHZ, B_CONSENT, B_SPO, B_EXO, B_TIMEOUT };

struct change {
	const char *key;   /* estate key */
	enum base_kind base;
	const char *prop;  /* dotted property path */
	const char *value; /* JSON */
	const char *setting;
};

struct effect {
	const char *script;
	const char *runtime; /* "7.2" or "5.1" */
	struct change ch[3];
};

#define AUTHZ "/v1.0/policies/authorizationPolicy"
#define ABT "/v1.0/policies/activityBasedTimeoutPolicies"

static int idle_timeout_fn(json_t *v, void *ctx);
#define SPO "/v1.0/admin/sharepoint/settings"

static const struct effect effects[] = {
    {"entra-app-registration-restricted", "7.2",
     {{AUTHZ, B_AUTHZ, "defaultUserRolePermissions.allowedToCreateApps", "false",
       "graph:policies/authorizationPolicy.defaultUserRolePermissions.allowedToCreateApps"}}},
    {"entra-tenant-creation-restricted", "7.2",
     {{AUTHZ, B_AUTHZ, "defaultUserRolePermissions.allowedToCreateTenants", "false",
       "graph:policies/authorizationPolicy.defaultUserRolePermissions.allowedToCreateTenants"}}},
    {"entra-user-consent-restricted", "7.2",
     {{AUTHZ, B_AUTHZ, "defaultUserRolePermissions.permissionGrantPoliciesAssigned", "[]",
       "graph:policies/authorizationPolicy.defaultUserRolePermissions."
       "permissionGrantPoliciesAssigned"}}},
    {"entra-guest-invites-restricted", "7.2",
     {{AUTHZ, B_AUTHZ, "allowInvitesFrom", "\"adminsAndGuestInviters\"",
       "graph:policies/authorizationPolicy.allowInvitesFrom"}}},
    {"entra-guest-access-restricted", "7.2",
     {{AUTHZ, B_AUTHZ, "guestUserRoleId", "\"10dae51f-b6af-4016-8d66-8c2a99b929b3\"",
       "graph:policies/authorizationPolicy.guestUserRoleId"}}},
    {"entra-admin-consent-workflow", "7.2",
     {{"/v1.0/policies/adminConsentRequestPolicy", B_CONSENT, "isEnabled", "true",
       "graph:policies/adminConsentRequestPolicy.isEnabled"},
      {"/v1.0/policies/adminConsentRequestPolicy", B_CONSENT, "requestDurationInDays", "30",
       "graph:policies/adminConsentRequestPolicy.requestDurationInDays"}}},
    {"entra-idle-session-timeout", "7.2",
     {{ABT, B_TIMEOUT, NULL, "\"03:00:00\"",
       "graph:policies/activityBasedTimeoutPolicies.WebSessionIdleTimeout"}}},
    {"spo-external-sharing-limited", "7.2",
     {{SPO, B_SPO, "sharingCapability", "\"existingExternalUserSharingOnly\"",
       "graph:admin/sharepoint/settings.sharingCapability"}}},
    {"spo-guest-reshare-off", "7.2",
     {{SPO, B_SPO, "isResharingByExternalUsersEnabled", "false",
       "graph:admin/sharepoint/settings.isResharingByExternalUsersEnabled"}}},
    {"exo-smtp-auth-disabled", "5.1",
     {{"exo:Get-TransportConfig", B_EXO, "SmtpClientAuthenticationDisabled", "true",
       "TransportConfig.SmtpClientAuthenticationDisabled"}}},
    {"exo-modern-auth", "5.1",
     {{"exo:Get-OrganizationConfig", B_EXO, "OAuth2ClientProfileEnabled", "true",
       "OrganizationConfig.OAuth2ClientProfileEnabled"}}},
    {"exo-mailbox-audit-default", "5.1",
     {{"exo:Get-OrganizationConfig", B_EXO, "AuditDisabled", "false",
       "OrganizationConfig.AuditDisabled"}}},
    {"exo-external-sender-tag", "5.1",
     {{"exo:Get-ExternalInOutlook", B_EXO, "Enabled", "true", "ExternalInOutlook.Enabled"}}},
    {"exo-auto-forward-remote-off", "5.1",
     {{"exo:Get-HostedOutboundSpamFilterPolicy", B_EXO, "AutoForwardingMode", "\"Off\"",
       "HostedOutboundSpamFilterPolicy[Default].AutoForwardingMode"}}},
};

/* A weak default, so the simulator links before the Exchange endpoints exist; exo.c
 * defines the real one. */
__attribute__((weak)) json_t *sim_exo_default(struct sim *s, const char *cmdlet)
{
	(void)s;
	(void)cmdlet;
	return NULL;
}

static json_t *base_value(struct sim *s, const struct change *c)
{
	switch (c->base) {
	case B_AUTHZ: return sim_authorization_policy(s);
	case B_CONSENT: return sim_admin_consent_policy(s);
	case B_SPO: return sim_sharepoint_settings(s);
	case B_EXO: return sim_exo_default(s, c->key + 4);
	case B_TIMEOUT: return json_array(); /* none by default */
	default: return NULL;
	}
}

struct patch_ctx {
	const char *prop;
	json_t *value;
	json_t *before; /* new reference, or NULL */
	int changed;
};

/* Set the dotted property of one object; *before gets its old value (first object only). */
static void set_prop(json_t *obj, struct patch_ctx *pc)
{
	char path[256], *seg, *save = NULL, *next;
	json_t *o = obj, *cur;

	snprintf(path, sizeof(path), "%s", pc->prop);
	seg = strtok_r(path, ".", &save);
	while (seg && (next = strtok_r(NULL, ".", &save))) {
		json_t *child = json_object_get(o, seg);

		if (!json_is_object(child)) {
			child = json_object();
			json_object_set_new(o, seg, child);
		}
		o = child;
		seg = next;
	}
	if (!seg || !json_is_object(o))
		return;
	cur = json_object_get(o, seg);
	if (!pc->before)
		pc->before = cur ? json_incref(cur) : json_null();
	if (cur && json_equal(cur, pc->value))
		return;
	json_object_set(o, seg, pc->value);
	pc->changed = 1;
}

static int patch_fn(json_t *v, void *ctx)
{
	struct patch_ctx *pc = ctx;
	size_t i;
	json_t *x;

	if (json_is_array(v)) {
		json_array_foreach(v, i, x) if (json_is_object(x)) set_prop(x, pc);
	} else if (json_is_object(v) && json_is_array(json_object_get(v, "value"))) {
		json_array_foreach(json_object_get(v, "value"), i, x) if (json_is_object(x))
		    set_prop(x, pc);
	} else if (json_is_object(v)) {
		set_prop(v, pc);
	}
	return pc->changed ? 0 : 1;
}

/* Seconds of a "[d.]hh:mm:ss[.f]" duration, or -1 when it is not one. */
static double duration_secs(const char *t)
{
	unsigned long d = 0, h = 0, m = 0;
	double sec = 0;
	const char *colon = t ? strchr(t, ':') : NULL, *dot = t ? strchr(t, '.') : NULL;
	int n;

	if (!colon)
		return -1;
	if (dot && dot < colon) {
		if (sscanf(t, "%lu.%lu:%lu:%lf%n", &d, &h, &m, &sec, &n) != 4 || t[n])
			return -1;
	} else if (sscanf(t, "%lu:%lu:%lf%n", &h, &m, &sec, &n) != 3 || t[n]) {
		return -1;
	}
	if (m > 59 || sec < 0 || sec >= 60)
		return -1;
	return (double)d * 86400 + (double)h * 3600 + (double)m * 60 + sec;
}

/* The "default" WebSessionIdleTimeout of a policy's definition strings (new reference to a
 * string), or NULL. */
static json_t *default_timeout(const json_t *policy)
{
	size_t i, k;
	json_t *d, *ap;

	json_array_foreach(json_object_get(policy, "definition"), i, d) {
		json_t *def = json_loads(json_string_value(d) ? json_string_value(d) : "", 0, NULL);
		json_t *apps = json_object_get(json_object_get(def, "ActivityBasedTimeoutPolicy"),
					       "ApplicationPolicies");

		json_array_foreach(apps, k, ap) {
			const char *app = json_string_value(json_object_get(ap, "ApplicationId"));
			json_t *t = json_object_get(ap, "WebSessionIdleTimeout");

			if (app && !strcasecmp(app, "default") && json_is_string(t)) {
				json_incref(t);
				json_decref(def);
				return t;
			}
		}
		json_decref(def);
	}
	return NULL;
}

/* entra-idle-session-timeout: like the script, create the organisation default policy when
 * there is none, else make the organisation default (or the first) policy the default one
 * with the wanted timeout, unless it already has that or shorter. */
static int idle_timeout_fn(json_t *v, void *ctx)
{
	struct patch_ctx *pc = ctx;
	json_t *list = json_is_array(v) ? v : json_object_get(v, "value"), *p, *pol = NULL, *cur;
	const char *want = json_string_value(pc->value);
	char def[256];
	size_t i;
	double have;

	if (!json_is_array(list))
		return 1;
	snprintf(def, sizeof(def),
		 "{\"ActivityBasedTimeoutPolicy\":{\"Version\":1,\"ApplicationPolicies\":"
		 "[{\"ApplicationId\":\"default\",\"WebSessionIdleTimeout\":\"%s\"}]}}",
		 want);
	json_array_foreach(list, i, p) {
		if (!pol && json_is_true(json_object_get(p, "isOrganizationDefault")))
			pol = p;
	}
	if (!pol)
		pol = json_array_get(list, 0);
	if (!pol) {
		json_array_append_new(
		    list, json_pack("{s:s,s:n,s:s,s:b,s:[s]}", "id",
				    "9f4e2c61-7b3a-4d85-a0c9-2e6b1f8d5a70", "deletedDateTime",
				    "displayName", "DefaultTimeoutPolicy", "isOrganizationDefault", 1,
				    "definition", def));
		pc->before = json_null();
		pc->changed = 1;
		return 0;
	}
	cur = default_timeout(pol);
	have = cur ? duration_secs(json_string_value(cur)) : -1;
	if (json_is_true(json_object_get(pol, "isOrganizationDefault")) && have >= 0 &&
	    have <= duration_secs(want)) {
		json_decref(cur);
		return 1;
	}
	json_object_set_new(pol, "definition", json_pack("[s]", def));
	json_object_set_new(pol, "isOrganizationDefault", json_true());
	pc->before = cur ? cur : json_null();
	pc->changed = 1;
	return 0;
}

json_t *sim_effect_apply(struct sim *s, const char *script_id, const json_t *params,
			 const char **runtime, int *known)
{
	json_t *changes = json_array();

	(void)params;
	*runtime = "7.2";
	*known = 0;
	for (size_t i = 0; script_id && i < sizeof(effects) / sizeof(effects[0]); i++) {
		const struct effect *e = &effects[i];

		if (strcmp(e->script, script_id) != 0)
			continue;
		*known = 1;
		*runtime = e->runtime;
		for (size_t k = 0; k < 3 && e->ch[k].key; k++) {
			const struct change *c = &e->ch[k];
			struct patch_ctx pc = {c->prop, json_loads(c->value, JSON_DECODE_ANY, NULL),
					       NULL, 0};
			int (*fn)(json_t *, void *) =
			    c->base == B_TIMEOUT ? idle_timeout_fn : patch_fn;

			if (sim_estate_patch(s, c->key, base_value(s, c), fn, &pc) == 0 &&
			    pc.changed)
				json_array_append_new(
				    changes, json_pack("{s:s,s:O,s:O}", "setting", c->setting,
						       "before", pc.before ? pc.before : json_null(),
						       "after", pc.value));
			json_decref(pc.before);
			json_decref(pc.value);
		}
		break;
	}
	if (!*known && script_id) {
		/* Runtime by the script's area, as the pattern scan would mostly find. */
		static const char *const exo_prefixes[] = {"defender-", "exo-", "purview-", NULL};

		for (size_t i = 0; exo_prefixes[i]; i++)
			if (!strncmp(script_id, exo_prefixes[i], strlen(exo_prefixes[i])))
				*runtime = "5.1";
	}
	return changes;
}
