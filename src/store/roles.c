/* roles.c - role lookup and grants (see roles.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store_internal.h"
#include "tater/activity.h"
#include "tater/roles.h"
#include "tater/store.h"
#include "tater/text.h"

static const char *const role_names[] = {"viewer", "responder", "admin"};

const char *store_role_name(enum store_role r)
{
	if ((int)r < 0 || (size_t)r >= sizeof(role_names) / sizeof(role_names[0]))
		return "viewer";
	return role_names[r];
}

int store_role_parse(const char *name, enum store_role *out, struct tater_err *err)
{
	for (size_t i = 0; i < sizeof(role_names) / sizeof(role_names[0]); i++) {
		if (name && !strcmp(name, role_names[i])) {
			*out = (enum store_role)i;
			return 0;
		}
	}
	return tater_errf(err, TATER_EINVAL, "unknown role '%s' (viewer, responder or admin)",
			  name ? name : "");
}

/* The roles row of user: 1 found (role in *out), 0 none, < 0 error. */
static int role_row(struct store *s, const char *user, enum store_role *out, struct tater_err *err)
{
	sqlite3_stmt *st;
	int rc, ret = 0;

	if (sqlite3_prepare_v2(s->db, "SELECT role FROM roles WHERE os_user = ?", -1, &st, NULL) !=
	    SQLITE_OK)
		return store_sqlerr(s, "reading roles", err);
	sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);

		ret = 1;
		*out = STORE_ROLE_VIEWER;
		/* The CHECK constraint keeps the column to the three names. */
		store_role_parse(name, out, NULL);
	} else if (rc != SQLITE_DONE) {
		ret = store_sqlerr(s, "reading roles", err);
	}
	sqlite3_finalize(st);
	return ret;
}

int store_role_of(struct store *s, const char *user, enum store_role *out, struct tater_err *err)
{
	char *creator;
	int ret;

	*out = STORE_ROLE_VIEWER;
	if (!user || !*user)
		return 0;
	if ((ret = role_row(s, user, out, err)) != 0)
		return ret < 0 ? ret : 0;
	creator = store_meta_get(s, "created_by");
	if (creator && !strcmp(creator, user))
		*out = STORE_ROLE_ADMIN;
	free(creator);
	return 0;
}

int store_role_require(struct store *s, enum store_role need, const char *what,
		       struct tater_err *err)
{
	enum store_role have;
	int ret;

	if ((ret = store_role_of(s, s->actor, &have, err)) < 0)
		return ret;
	if (have >= need)
		return 0;
	return tater_errf(err, TATER_EPERM,
			  "%s is a %s; to %s takes the %s role (an admin grants it)", s->actor,
			  store_role_name(have), what, store_role_name(need));
}

/* Would another admin remain if user stopped being one? */
static int other_admin_exists(struct store *s, const char *user, struct tater_err *err)
{
	sqlite3_stmt *st;
	char *creator;
	int found = 0, rc;

	if (sqlite3_prepare_v2(s->db,
			       "SELECT 1 FROM roles WHERE role = 'admin' AND os_user <> ? LIMIT 1",
			       -1, &st, NULL) != SQLITE_OK)
		return store_sqlerr(s, "reading roles", err);
	sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 1;
	creator = store_meta_get(s, "created_by");
	if (creator && strcmp(creator, user) != 0) {
		enum store_role r;
		int has = role_row(s, creator, &r, err);

		if (has < 0) {
			free(creator);
			return has;
		}
		found = has == 0 || r == STORE_ROLE_ADMIN;
	}
	free(creator);
	return found;
}

int store_role_set(struct store *s, const char *user, enum store_role role, struct tater_err *err)
{
	enum store_role before;
	sqlite3_stmt *st = NULL;
	char now[32];
	int ret;

	if (!user || !*user || strlen(user) >= sizeof(s->actor))
		return tater_errf(err, TATER_EINVAL, "a role needs a user name (at most %zu bytes)",
				  sizeof(s->actor) - 1);
	/* An OS user name: printable, no blanks (it is matched against the login name). */
	if (!text_is_clean(user, strlen(user)) || strpbrk(user, " \t\x7f"))
		return tater_errf(err, TATER_EINVAL,
				  "a role needs a user name: printable, without blanks (a login name)");
	if ((ret = store_role_require(s, STORE_ROLE_ADMIN, "grant roles", err)) < 0)
		return ret;
	if ((ret = store_begin(s, err)) < 0)
		return ret;
	if ((ret = store_role_of(s, user, &before, err)) < 0)
		goto fail;
	if (before == STORE_ROLE_ADMIN && role != STORE_ROLE_ADMIN) {
		if ((ret = other_admin_exists(s, user, err)) < 0)
			goto fail;
		if (ret == 0) {
			ret =
			    tater_errf(err, TATER_EPERM,
				       "%s is the only admin; make someone else admin first", user);
			goto fail;
		}
	}
	store_now(now);
	if (sqlite3_prepare_v2(
		s->db,
		"INSERT OR REPLACE INTO roles (os_user, role, granted_by, granted_at)"
		" VALUES (?, ?, ?, ?)",
		-1, &st, NULL) != SQLITE_OK) {
		ret = store_sqlerr(s, "saving the role", err);
		goto fail;
	}
	sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, store_role_name(role), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, s->actor, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		ret = store_sqlerr(s, "saving the role", err);
		goto fail;
	}
	sqlite3_finalize(st);
	st = NULL;
	{
		char detail[64];

		snprintf(detail, sizeof(detail), "%s -> %s", store_role_name(before),
			 store_role_name(role));
		if ((ret = activity_append(s, "role.set", user, "ok", detail, err)) < 0)
			goto fail;
	}
	return store_commit(s, err);
fail:
	sqlite3_finalize(st);
	store_rollback(s);
	return ret;
}
