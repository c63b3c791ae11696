/* tenants.h - the Microsoft tenants tater scans (typed queries over the tenants table).
 * Secrets (client secret, certificate) are not here: they are sealed columns, written and
 * read with vault_put / vault_get ("tenants", id, "client_secret" | "certificate"). */
#ifndef TATER_TENANTS_H
#define TATER_TENANTS_H

#include <stddef.h>
#include <stdint.h>

#include "tater/err.h"

struct store;

struct tenant {
	int64_t id;
	char name[128];
	char tenant_id[256];   /* GUID or verified domain */
	char client_id[64];    /* app registration (GUID) */
	char auth_kind[16];    /* "secret" or "certificate" */
	char cloud[16];        /* public, gcchigh, dod, china, custom */
	char base_url[256];    /* cloud "custom": one base URL for every API; else "" */
	int stale_days;        /* no sign-in for this many days = stale (1-3650, default 90) */
	int has_secret, has_certificate;
	char created_at[32], updated_at[32];
};

/* Defaults for a new tenant (auth secret, cloud public, 90 days). */
void tenant_init(struct tenant *t);

/* Check every field; on a problem returns TATER_EINVAL, names the field in *field
 * (may be NULL) and says what is expected in err. */
int tenant_validate(const struct tenant *t, const char **field, struct tater_err *err);

/* Insert (t->id is set) or update by t->id.  Names are unique. */
int tenant_save(struct store *s, struct tenant *t, struct tater_err *err);
int tenant_delete(struct store *s, int64_t id, struct tater_err *err);

/* By name, or by "#<id>" / a bare number. */
int tenant_get(struct store *s, const char *name, struct tenant *out, struct tater_err *err);
int tenant_get_id(struct store *s, int64_t id, struct tenant *out, struct tater_err *err);
/* All tenants by name; *out malloc'd (free()). */
int tenant_list(struct store *s, struct tenant **out, size_t *n, struct tater_err *err);

/* "tenant:<id>": the scope of its data. */
void tenant_scope(int64_t id, char *buf, size_t n);

/* ---- per-tenant settings an admin may change (Settings > Features, `tater tenant set`) ----
 * Stored in settings under the tenant's scope; unset means the default. */
enum tenant_setting_kind { TENANT_SETTING_TOGGLE, TENANT_SETTING_DAYS, TENANT_SETTING_URL };

struct tenant_setting_def {
	const char *key;   /* "itdr.ingest" */
	const char *label; /* for a form */
	enum tenant_setting_kind kind;
	const char *def; /* the value when unset: "on", "30", "" (for a URL: the built-in choice) */
	const char *help;
};

#define TENANT_SETTING_COUNT 4
extern const struct tenant_setting_def tenant_setting_defs[TENANT_SETTING_COUNT];

/* The definition of key, or NULL. */
const struct tenant_setting_def *tenant_setting_find(const char *key);
/* 0 when v is a valid value of d ("on"/"off"; whole days 1-3650; an https URL, or http to
 * loopback, or "" for the default), else -1 with a message that names the setting. */
int tenant_setting_valid(const struct tenant_setting_def *d, const char *v, char *msg, size_t n);
/* The tenant's value of key into out, the default when unset.  1 when it is set, 0 when the
 * default, or a negative TATER_* code. */
int tenant_setting_value(struct store *s, int64_t tenant_id, const char *key, char *out, size_t n,
			 struct tater_err *err);
/* A toggle's state: 0 when the tenant set it "off", else 1 (its default, or unreadable). */
int tenant_setting_on(struct store *s, int64_t tenant_id, const char *key);
/* Set key for the tenant (admins only; validated; NULL or "" restores the default), recorded in
 * the activity log as tenant.setting. */
int tenant_setting_save(struct store *s, int64_t tenant_id, const char *key, const char *value,
			struct tater_err *err);

#endif
