/* tenant_settings.c - the per-tenant settings an admin may change (tenants.h): what each
 * means, its default, its check, and saving it with the role check and an activity entry.
 * The readers (scan.c, ingest.c, dns.c) take these keys from the settings table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tater/activity.h"
#include "tater/roles.h"
#include "tater/store.h"
#include "tater/tenants.h"
#include "tater/validate.h"

const struct tenant_setting_def tenant_setting_defs[TENANT_SETTING_COUNT] = {
    {"itdr.ingest", "ITDR ingestion with scans", TENANT_SETTING_TOGGLE, "on",
     "a scan also pulls risk detections and sign-ins into ITDR alerts"},
    /* 30: ITDR_FIRST_DAYS (itdr.h), which the ingest falls back to. */
    {"itdr.first_days", "First ingest reads (days)", TENANT_SETTING_DAYS, "30",
     "how far back the first ingest reads; later ones follow their watermarks"},
    {"net.pacing", "Pace by Microsoft's limits", TENANT_SETTING_TOGGLE, "on",
     "off only for a simulator or a test proxy: against Microsoft it invites 429s"},
    {"dns.resolver", "DNS-over-HTTPS resolver", TENANT_SETTING_URL, "",
     "the DoH JSON API read for SPF, DKIM and DMARC (empty: https://dns.google/resolve, "
     "or the base URL's /resolve for a custom cloud)"},
};
const struct tenant_setting_def *tenant_setting_find(const char *key)
{
	for (size_t i = 0; key && i < TENANT_SETTING_COUNT; i++)
		if (!strcmp(tenant_setting_defs[i].key, key))
			return &tenant_setting_defs[i];
	return NULL;
}

int tenant_setting_valid(const struct tenant_setting_def *d, const char *v, char *msg, size_t n)
{
	char why[200];
	long days;

	if (!v)
		v = "";
	switch (d->kind) {
	case TENANT_SETTING_TOGGLE:
		if (!strcmp(v, "on") || !strcmp(v, "off") || !*v)
			return 0;
		snprintf(msg, n, "%s: on or off", d->key);
		return -1;
	case TENANT_SETTING_DAYS:
		if (!*v || valid_int_range(v, 1, 3650, &days, why, sizeof(why)) == 0)
			return 0;
		snprintf(msg, n, "%s: whole days from 1 to 3650", d->key);
		return -1;
	case TENANT_SETTING_URL:
		if (strlen(v) > 500) {
			snprintf(msg, n, "%s: at most 500 characters", d->key);
			return -1;
		}
		if (!*v || valid_service_url(v, why, sizeof(why)) == 0)
			return 0;
		snprintf(msg, n, "%s: %s", d->key, why);
		return -1;
	}
	return -1;
}

int tenant_setting_value(struct store *s, int64_t tenant_id, const char *key, char *out, size_t n,
			 struct tater_err *err)
{
	const struct tenant_setting_def *d = tenant_setting_find(key);
	char scope[32], *v = NULL;
	int ret;

	if (!d)
		return tater_errf(err, TATER_EINVAL, "no tenant setting %s", key);
	tenant_scope(tenant_id, scope, sizeof(scope));
	if ((ret = store_setting_get(s, scope, key, &v, err)) < 0)
		return ret;
	snprintf(out, n, "%s", v && *v ? v : d->def);
	ret = v && *v;
	free(v);
	return ret;
}

int tenant_setting_on(struct store *s, int64_t tenant_id, const char *key)
{
	char v[16];

	return tenant_setting_value(s, tenant_id, key, v, sizeof(v), NULL) < 0 ||
	       strcmp(v, "off") != 0;
}

int tenant_setting_save(struct store *s, int64_t tenant_id, const char *key, const char *value,
			struct tater_err *err)
{
	const struct tenant_setting_def *d = tenant_setting_find(key);
	struct tenant t;
	char scope[32], msg[300], detail[600];
	int ret;

	if (!d) {
		char keys[200];
		size_t o = 0;

		keys[0] = '\0';
		for (size_t i = 0; i < TENANT_SETTING_COUNT && o < sizeof(keys); i++)
			o += (size_t)snprintf(keys + o, sizeof(keys) - o, "%s%s", i ? ", " : "",
					      tenant_setting_defs[i].key);
		return tater_errf(err, TATER_EINVAL, "no tenant setting %s (%s)", key ? key : "",
				  keys);
	}
	if (tenant_setting_valid(d, value, msg, sizeof(msg)) < 0)
		return tater_errf(err, TATER_EINVAL, "%s", msg);
	if ((ret = store_role_require(s, STORE_ROLE_ADMIN, "change a tenant's settings", err)) <
		0 ||
	    (ret = tenant_get_id(s, tenant_id, &t, err)) < 0)
		return ret;
	tenant_scope(tenant_id, scope, sizeof(scope));
	snprintf(detail, sizeof(detail), "%s = %s", key, value && *value ? value : "(default)");
	if ((ret = store_begin(s, err)) < 0)
		return ret;
	if ((ret = store_setting_set(s, scope, key, value && *value ? value : NULL, err)) < 0 ||
	    (ret = activity_append(s, "tenant.setting", t.name, "ok", detail, err)) < 0) {
		store_rollback(s);
		return ret;
	}
	return store_commit(s, err);
}
