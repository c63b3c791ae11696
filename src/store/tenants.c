/* tenants.c - typed queries over the tenants table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store_internal.h"
#include "tater/roles.h"
#include "tater/store.h"
#include "tater/tenants.h"
#include "tater/text.h"
#include "tater/validate.h"

void tenant_init(struct tenant *t)
{
	memset(t, 0, sizeof(*t));
	snprintf(t->auth_kind, sizeof(t->auth_kind), "secret");
	snprintf(t->cloud, sizeof(t->cloud), "public");
	t->stale_days = 90;
}

int tenant_validate(const struct tenant *t, const char **field, struct tater_err *err)
{
	static const char *const clouds[] = {"public", "gcchigh", "dod", "china", "custom"};
	char msg[128];
	int cloud_ok = 0;

#define BAD(f, ...)                                                                                \
	do {                                                                                       \
		if (field)                                                                         \
			*field = (f);                                                              \
		return tater_errf(err, TATER_EINVAL, __VA_ARGS__);                                 \
	} while (0)
	if (!t->name[0])
		BAD("name", "name: required");
	if (strlen(t->name) > 64)
		BAD("name", "name: at most 64 characters");
	/* Names go to every screen, report and log line: no control or escape characters. */
	if (!text_is_clean(t->name, strlen(t->name)))
		BAD("name", "name: printable text only (no control characters or escapes)");
	if (valid_tenant(t->tenant_id, msg, sizeof(msg)) < 0)
		BAD("tenant_id", "tenant ID: %s", msg);
	if (valid_guid(t->client_id, msg, sizeof(msg)) < 0)
		BAD("client_id", "client ID: %s", msg);
	if (strcmp(t->auth_kind, "secret") && strcmp(t->auth_kind, "certificate"))
		BAD("auth_kind", "authentication: secret or certificate");
	for (size_t i = 0; i < sizeof(clouds) / sizeof(clouds[0]); i++)
		cloud_ok |= !strcmp(t->cloud, clouds[i]);
	if (!cloud_ok)
		BAD("cloud", "cloud: public, gcchigh, dod, china or custom");
	if (!strcmp(t->cloud, "custom") && valid_service_url(t->base_url, msg, sizeof(msg)) < 0)
		BAD("base_url", "base URL: %s", msg);
	if (t->stale_days < 1 || t->stale_days > 3650)
		BAD("stale_days", "stale threshold: a whole number of days from 1 to 3650");
#undef BAD
	return 0;
}

#define TENANT_COLS                                                                                \
	"id, name, tenant_id, client_id, auth_kind, cloud, login_url, stale_days,"                 \
	" client_secret IS NOT NULL, certificate IS NOT NULL, created_at, updated_at"

static void row_to_tenant(sqlite3_stmt *st, struct tenant *t)
{
	memset(t, 0, sizeof(*t));
	t->id = sqlite3_column_int64(st, 0);
	store_col_text(st, 1, t->name, sizeof(t->name));
	store_col_text(st, 2, t->tenant_id, sizeof(t->tenant_id));
	store_col_text(st, 3, t->client_id, sizeof(t->client_id));
	store_col_text(st, 4, t->auth_kind, sizeof(t->auth_kind));
	store_col_text(st, 5, t->cloud, sizeof(t->cloud));
	if (!strcmp(t->cloud, "custom"))
		store_col_text(st, 6, t->base_url, sizeof(t->base_url));
	t->stale_days = sqlite3_column_int(st, 7);
	t->has_secret = sqlite3_column_int(st, 8);
	t->has_certificate = sqlite3_column_int(st, 9);
	store_col_text(st, 10, t->created_at, sizeof(t->created_at));
	store_col_text(st, 11, t->updated_at, sizeof(t->updated_at));
}

int tenant_save(struct store *s, struct tenant *t, struct tater_err *err)
{
	sqlite3_stmt *st;
	char now[32];
	int rc, ret;

	/* A tenant holds the credential every scan and remediation uses: admins only. */
	if ((ret = store_role_require(s, STORE_ROLE_ADMIN, t->id ? "change a tenant" : "add a tenant",
				      err)) < 0 ||
	    (ret = tenant_validate(t, NULL, err)) < 0)
		return ret;
	store_now(now);
	rc = sqlite3_prepare_v2(
		s->db,
		t->id ? "UPDATE tenants SET name = ?1, tenant_id = ?2, client_id = ?3, auth_kind = ?4,"
			" cloud = ?5, login_url = ?6, graph_url = ?6, arm_url = ?6, exo_url = ?6,"
			" stale_days = ?7, updated_at = ?8 WHERE id = ?9"
		      : "INSERT INTO tenants (name, tenant_id, client_id, auth_kind, cloud,"
			" login_url, graph_url, arm_url, exo_url, stale_days, updated_at,"
			" created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?6, ?6, ?7, ?8, ?8)",
		-1, &st, NULL);
	if (rc != SQLITE_OK)
		return store_sqlerr(s, "saving the tenant", err);
	sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, t->tenant_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, t->client_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, t->auth_kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, t->cloud, -1, SQLITE_STATIC);
	/* Only a custom cloud keeps a base URL (validated non-empty); a preset's is NULL. */
	store_bind_opt(st, 6, !strcmp(t->cloud, "custom") ? t->base_url : NULL);
	sqlite3_bind_int(st, 7, t->stale_days);
	sqlite3_bind_text(st, 8, now, -1, SQLITE_STATIC);
	if (t->id)
		sqlite3_bind_int64(st, 9, t->id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_CONSTRAINT)
		return tater_errf(err, TATER_EEXIST, "name: a tenant called '%s' exists already",
				  t->name);
	if (rc != SQLITE_DONE)
		return store_sqlerr(s, "saving the tenant", err);
	if (!t->id)
		t->id = sqlite3_last_insert_rowid(s->db);
	else if (sqlite3_changes(s->db) == 0)
		return tater_errf(err, TATER_ENOTFOUND, "no tenant #%lld", (long long)t->id);
	return 0;
}

int tenant_delete(struct store *s, int64_t id, struct tater_err *err)
{
	sqlite3_stmt *st;
	int ret;

	if ((ret = store_role_require(s, STORE_ROLE_ADMIN, "remove a tenant", err)) < 0)
		return ret;
	if (sqlite3_prepare_v2(s->db, "DELETE FROM tenants WHERE id = ?", -1, &st, NULL) !=
	    SQLITE_OK)
		return store_sqlerr(s, "deleting the tenant", err);
	sqlite3_bind_int64(st, 1, id);
	if ((ret = store_step_done(s, st, "deleting the tenant", err)) < 0)
		return ret;
	return sqlite3_changes(s->db) ? 0
				      : tater_errf(err, TATER_ENOTFOUND, "no tenant #%lld",
						   (long long)id);
}

int tenant_get_id(struct store *s, int64_t id, struct tenant *out, struct tater_err *err)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(s->db, "SELECT " TENANT_COLS " FROM tenants WHERE id = ?", -1, &st,
			       NULL) != SQLITE_OK)
		return store_sqlerr(s, "reading the tenant", err);
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		row_to_tenant(st, out);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return tater_errf(err, TATER_ENOTFOUND, "no tenant #%lld", (long long)id);
	return 0;
}

int tenant_get(struct store *s, const char *name, struct tenant *out, struct tater_err *err)
{
	sqlite3_stmt *st;
	const char *num = name[0] == '#' ? name + 1 : name;
	char *end;
	long long id = strtoll(num, &end, 10);
	int rc;

	if (*num && !*end && id > 0 && tenant_get_id(s, id, out, NULL) == 0)
		return 0;
	if (sqlite3_prepare_v2(s->db, "SELECT " TENANT_COLS " FROM tenants WHERE name = ?", -1,
			       &st, NULL) != SQLITE_OK)
		return store_sqlerr(s, "reading the tenant", err);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		row_to_tenant(st, out);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return tater_errf(err, TATER_ENOTFOUND,
				  "no tenant called '%s' (tater tenant list shows them)", name);
	return 0;
}

int tenant_list(struct store *s, struct tenant **out, size_t *n, struct tater_err *err)
{
	sqlite3_stmt *st;
	struct tenant *v = NULL;
	size_t cap = 0, len = 0;

	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(s->db, "SELECT " TENANT_COLS " FROM tenants ORDER BY name", -1, &st,
			       NULL) != SQLITE_OK)
		return store_sqlerr(s, "listing tenants", err);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (len == cap) {
			struct tenant *nv;

			cap = cap ? cap * 2 : 8;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				free(v);
				sqlite3_finalize(st);
				return tater_errf(err, TATER_ENOMEM, "out of memory");
			}
			v = nv;
		}
		row_to_tenant(st, &v[len++]);
	}
	sqlite3_finalize(st);
	*out = v;
	*n = len;
	return 0;
}

void tenant_scope(int64_t id, char *buf, size_t n)
{
	snprintf(buf, n, "tenant:%lld", (long long)id);
}
