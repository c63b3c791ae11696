/* store.c - opening, migrating and querying the local SQLite store. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "schema.h"
#include "store_internal.h"
#include "tater/store.h"

int store_default_path(char *buf, size_t n, struct tater_err *err)
{
	const char *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");
	int len;

	if (xdg && xdg[0] == '/')
		len = snprintf(buf, n, "%s/tater/tater.db", xdg);
	else if (home && home[0] == '/')
		len = snprintf(buf, n, "%s/.local/share/tater/tater.db", home);
	else
		return tater_errf(err, TATER_EINVAL,
				  "cannot find a home for the store: set HOME or XDG_DATA_HOME, "
				  "or pass --store PATH");
	if (len < 0 || (size_t)len >= n)
		return tater_errf(err, TATER_EINVAL, "store path too long");
	return 0;
}

/* mkdir -p for the store's directory; only the last component (ours) gets 0700. */
static int make_parent_dirs(const char *path, struct tater_err *err)
{
	char dir[PATH_MAX];
	char *slash;
	size_t len = strlen(path);

	if (len >= sizeof(dir))
		return tater_errf(err, TATER_EINVAL, "store path too long");
	memcpy(dir, path, len + 1);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = '\0';
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0755) < 0 && errno != EEXIST)
			return tater_errf(err, TATER_EIO, "cannot create %s: %s", dir,
					  strerror(errno));
		*p = '/';
	}
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return tater_errf(err, TATER_EIO, "cannot create %s: %s", dir, strerror(errno));
	return 0;
}

int store_sqlerr(struct store *s, const char *what, struct tater_err *err)
{
	int rc = sqlite3_errcode(s->db);
	int code = TATER_EIO;

	if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		code = TATER_EBUSY;
	else if (rc == SQLITE_CONSTRAINT)
		code = TATER_EEXIST;
	else if (rc == SQLITE_READONLY)
		code = TATER_EPERM;
	return tater_errf(err, code, "%s: %s (%s)", what, sqlite3_errmsg(s->db), s->path);
}

int store_prepare(struct store *s, sqlite3_stmt **st, const char *sql, struct tater_err *err)
{
	if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK) {
		*st = NULL;
		return store_sqlerr(s, "preparing a query", err);
	}
	return 0;
}

int store_step_done(struct store *s, sqlite3_stmt *st, const char *what, struct tater_err *err)
{
	int ret = 0;

	/* The error is read before finalising, while the connection still holds it. */
	if (sqlite3_step(st) != SQLITE_DONE)
		ret = store_sqlerr(s, what, err);
	sqlite3_finalize(st);
	return ret;
}

void store_bind_opt(sqlite3_stmt *st, int i, const char *v)
{
	if (v && *v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

void store_col_text(sqlite3_stmt *st, int col, char *dst, size_t n)
{
	const unsigned char *v = sqlite3_column_text(st, col);

	snprintf(dst, n, "%s", v ? (const char *)v : "");
}

char *store_col_dup(sqlite3_stmt *st, int col)
{
	const unsigned char *v = sqlite3_column_text(st, col);

	return v ? strdup((const char *)v) : NULL;
}

int store_exec(struct store *s, const char *sql, struct tater_err *err)
{
	char *msg = NULL;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		tater_errf(err, TATER_EIO, "%s (%s)", msg ? msg : sqlite3_errmsg(s->db), s->path);
		sqlite3_free(msg);
		return err ? err->code : TATER_EIO;
	}
	return 0;
}

static int pragma_int(struct store *s, const char *sql, int *out)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return sqlite3_errcode(s->db);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*out = sqlite3_column_int(st, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc;
}

int store_schema_version(struct store *s)
{
	int v = -1;

	pragma_int(s, "PRAGMA user_version", &v);
	return v;
}

static int migrate(struct store *s, struct tater_err *err)
{
	for (int i = 0; i < schema_migration_count; i++) {
		const struct schema_migration *m = &schema_migrations[i];
		char sql[64];
		int ret;

		if (store_schema_version(s) >= m->version)
			continue;
		if ((ret = store_begin(s, err)) < 0)
			return ret;
		/* Another process may have migrated while we waited for the lock. */
		if (store_schema_version(s) >= m->version) {
			store_rollback(s);
			continue;
		}
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", m->version);
		if ((ret = store_exec(s, m->sql, err)) < 0 || (ret = store_exec(s, sql, err)) < 0) {
			store_rollback(s);
			tater_err_prefix(err, "migration %d (%s) failed; the store is unchanged",
					 m->version, m->what);
			return TATER_ESCHEMA;
		}
		if ((ret = store_commit(s, err)) < 0)
			return ret;
	}
	return 0;
}

/* Scans left 'running' by a process that no longer exists were interrupted. */
static void mark_interrupted_scans(struct store *s)
{
	sqlite3_stmt *st, *up;
	char now[32];

	if (sqlite3_prepare_v2(s->db, "SELECT id, pid FROM scans WHERE status = 'running'", -1,
			       &st, NULL) != SQLITE_OK)
		return;
	if (sqlite3_prepare_v2(s->db,
			       "UPDATE scans SET status = 'interrupted', finished_at = ?,"
			       " detail = 'the collecting process ended before the scan finished'"
			       " WHERE id = ? AND status = 'running'",
			       -1, &up, NULL) != SQLITE_OK) {
		sqlite3_finalize(st);
		return;
	}
	store_now(now);
	while (sqlite3_step(st) == SQLITE_ROW) {
		pid_t pid = (pid_t)sqlite3_column_int64(st, 1);

		if (pid > 0 && (kill(pid, 0) == 0 || errno == EPERM))
			continue;
		sqlite3_bind_text(up, 1, now, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(up, 2, sqlite3_column_int64(st, 0));
		sqlite3_step(up);
		sqlite3_reset(up);
	}
	sqlite3_finalize(up);
	sqlite3_finalize(st);
}

static void default_actor(struct store *s)
{
	struct passwd pw, *res = NULL;
	char buf[4096];

	if (getpwuid_r(geteuid(), &pw, buf, sizeof(buf), &res) == 0 && res)
		snprintf(s->actor, sizeof(s->actor), "%s", res->pw_name);
	else
		snprintf(s->actor, sizeof(s->actor), "uid%lu", (unsigned long)geteuid());
}

int store_open(struct store **out, const char *path, unsigned flags, struct tater_err *err)
{
	struct store *s;
	struct stat stbuf;
	int ret, oflags, version = 0, exists;

	*out = NULL;
	if (!path || !*path)
		return tater_errf(err, TATER_EINVAL, "no store path");
	exists = stat(path, &stbuf) == 0;
	if (!exists && !(flags & STORE_CREATE))
		return tater_errf(err, TATER_ENOTFOUND,
				  "no store at %s (run `tater db init` to create one)", path);
	if (exists && !S_ISREG(stbuf.st_mode))
		return tater_errf(err, TATER_EINVAL, "%s is not a regular file", path);
	if (!exists) {
		int fd;

		if ((ret = make_parent_dirs(path, err)) < 0)
			return ret;
		/* Create the file ourselves so it is 0600 from its first byte. */
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0 && errno != EEXIST)
			return tater_errf(err, TATER_EIO, "cannot create %s: %s", path,
					  strerror(errno));
		if (fd >= 0)
			close(fd);
	}

	s = calloc(1, sizeof(*s));
	if (!s)
		return tater_errf(err, TATER_ENOMEM, "out of memory");
	s->path = strdup(path);
	s->readonly = !!(flags & STORE_READONLY);
	default_actor(s);
	oflags = s->readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
	if (sqlite3_open_v2(path, &s->db, oflags | SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK) {
		ret = store_sqlerr(s, "cannot open the store", err);
		goto fail;
	}
	sqlite3_extended_result_codes(s->db, 0);
	sqlite3_busy_timeout(s->db, 15000);

	/* Read the version before anything writes: a newer store stays untouched. */
	if ((ret = pragma_int(s, "PRAGMA user_version", &version)) != SQLITE_OK) {
		if (ret == SQLITE_NOTADB)
			ret = tater_errf(err, TATER_EINVAL, "%s is not a tater store (not SQLite)",
					 path);
		else
			ret = store_sqlerr(s, "cannot read the store", err);
		goto fail;
	}
	if (version > STORE_SCHEMA_VERSION) {
		ret = tater_errf(err, TATER_ESCHEMA,
				 "%s has schema version %d, newer than this tater understands (%d); "
				 "upgrade tater. The store was not changed.",
				 path, version, STORE_SCHEMA_VERSION);
		goto fail;
	}
	if (s->readonly) {
		if (version < STORE_SCHEMA_VERSION) {
			ret = tater_errf(err, TATER_ESCHEMA,
					 "%s has schema version %d; open it once read-write to "
					 "migrate it to %d",
					 path, version, STORE_SCHEMA_VERSION);
			goto fail;
		}
	} else {
		int page = 0;

		/* A scan writes every collected object (120 MB of JSON at 100,000 users): with
		 * 32 KiB pages instead of 4 KiB that is an eighth of the write and read calls,
		 * and a fresh scan takes about a fifth less time.  It only takes effect on a new
		 * file; an existing store keeps its page size. */
		if ((ret = store_exec(s, "PRAGMA page_size = 32768", err)) < 0 ||
		    (ret = store_exec(s, "PRAGMA journal_mode = WAL", err)) < 0 ||
		    (ret = store_exec(s, "PRAGMA synchronous = NORMAL", err)) < 0)
			goto fail;
		/* Checkpoint after about 4 MiB of log whatever the page size, as SQLite's
		 * default of 1000 pages does at 4 KiB. */
		if (pragma_int(s, "PRAGMA page_size", &page) == SQLITE_OK && page > 0) {
			char sql[64];

			snprintf(sql, sizeof(sql), "PRAGMA wal_autocheckpoint = %d",
				 (4 << 20) / page);
			if ((ret = store_exec(s, sql, err)) < 0)
				goto fail;
		}
	}
	if ((ret = store_exec(s, "PRAGMA foreign_keys = ON", err)) < 0)
		goto fail;
	/* Temporary tables hold staged pages (a scan's objects, an ingest's sign-ins) written
	 * once and read once: big pages, few calls.  Set before the first temporary table. */
	if ((ret = store_exec(s, "PRAGMA temp.page_size = 65536", err)) < 0)
		goto fail;
	if (!s->readonly) {
		int fresh = version == 0;

		if ((ret = migrate(s, err)) < 0)
			goto fail;
		if (fresh) {
			char now[32];

			store_now(now);
			store_meta_set(s, "created_by", s->actor);
			store_meta_set(s, "created_at", now);
		}
		mark_interrupted_scans(s);
	}
	*out = s;
	return 0;
fail:
	store_close(s);
	return ret;
}

void store_close(struct store *s)
{
	if (!s)
		return;
	sqlite3_finalize(s->put_object);
	if (s->db)
		sqlite3_close_v2(s->db);
	free(s->path);
	free(s);
}

const char *store_path(const struct store *s)
{
	return s->path;
}

struct sqlite3 *store_db(struct store *s)
{
	return s->db;
}

const char *store_actor(const struct store *s)
{
	return s->actor;
}

void store_set_actor(struct store *s, const char *user)
{
	snprintf(s->actor, sizeof(s->actor), "%s", user);
}

int store_begin(struct store *s, struct tater_err *err)
{
	if (s->txn_depth++ > 0)
		return 0;
	/* busy_timeout makes SQLite wait for the lock; a second loop covers the
	 * rare cases where it gives up early (e.g. during a WAL checkpoint). */
	for (int tries = 0;; tries++) {
		int rc = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);

		if (rc == SQLITE_OK)
			return 0;
		if (rc != SQLITE_BUSY || tries >= 20) {
			s->txn_depth = 0;
			return store_sqlerr(s, "cannot start a transaction", err);
		}
		usleep(50000);
	}
}

int store_commit(struct store *s, struct tater_err *err)
{
	if (s->txn_depth <= 0)
		return tater_errf(err, TATER_EINVAL, "commit without a transaction");
	if (--s->txn_depth > 0)
		return 0;
	for (int tries = 0;; tries++) {
		int rc = sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);

		if (rc == SQLITE_OK)
			return 0;
		if (rc != SQLITE_BUSY || tries >= 20) {
			int ret = store_sqlerr(s, "cannot commit", err);

			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
			return ret;
		}
		usleep(50000);
	}
}

void store_rollback(struct store *s)
{
	if (s->txn_depth <= 0)
		return;
	/* A rollback anywhere inside a nest rolls back the whole transaction. */
	s->txn_depth = 0;
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

int store_in_txn(const struct store *s)
{
	return s->txn_depth > 0;
}

int store_meta_set(struct store *s, const char *key, const char *value)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(s->db, "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", -1,
			       &st, NULL) != SQLITE_OK)
		return TATER_EIO;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : TATER_EIO;
}

char *store_meta_get(struct store *s, const char *key)
{
	sqlite3_stmt *st;
	char *v = NULL;

	if (sqlite3_prepare_v2(s->db, "SELECT value FROM meta WHERE key = ?", -1, &st, NULL) !=
	    SQLITE_OK)
		return NULL;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return v;
}

int store_setting_get(struct store *s, const char *scope, const char *key, char **out,
		      struct tater_err *err)
{
	sqlite3_stmt *st;
	int rc;

	*out = NULL;
	if (sqlite3_prepare_v2(s->db, "SELECT value FROM settings WHERE scope = ? AND key = ?",
			       -1, &st, NULL) != SQLITE_OK)
		return store_sqlerr(s, "reading a setting", err);
	sqlite3_bind_text(st, 1, scope ? scope : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_sqlerr(s, "reading a setting", err);
	return 0;
}

int store_setting_set(struct store *s, const char *scope, const char *key, const char *value,
		      struct tater_err *err)
{
	sqlite3_stmt *st;
	char now[32];
	int rc;

	store_now(now);
	rc = sqlite3_prepare_v2(
		s->db,
		value ? "INSERT INTO settings (scope, key, value, updated_at) VALUES (?, ?, ?, ?)"
			" ON CONFLICT (scope, key) DO UPDATE SET value = excluded.value,"
			" updated_at = excluded.updated_at"
		      : "DELETE FROM settings WHERE scope = ? AND key = ?",
		-1, &st, NULL);
	if (rc != SQLITE_OK)
		return store_sqlerr(s, "writing a setting", err);
	sqlite3_bind_text(st, 1, scope ? scope : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
	if (value) {
		sqlite3_bind_text(st, 3, value, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
	}
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return store_sqlerr(s, "writing a setting", err);
	return 0;
}

/* ---- scans and collected objects ---- */

int store_scan_start(struct store *s, const char *scope, const char *kind, int64_t *scan_id,
		     struct tater_err *err)
{
	sqlite3_stmt *st;
	char now[32];
	int rc;

	store_now(now);
	if (sqlite3_prepare_v2(s->db,
			       "INSERT INTO scans (scope, kind, started_by, pid, started_at, status)"
			       " VALUES (?, ?, ?, ?, ?, 'running')",
			       -1, &st, NULL) != SQLITE_OK)
		return store_sqlerr(s, "starting a scan", err);
	sqlite3_bind_text(st, 1, scope, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, s->actor, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)getpid());
	sqlite3_bind_text(st, 5, now, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return store_sqlerr(s, "starting a scan", err);
	*scan_id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

int store_scan_finish(struct store *s, int64_t scan_id, const char *status, const char *detail,
		      struct tater_err *err)
{
	sqlite3_stmt *st;
	char now[32];
	int rc;

	store_now(now);
	if (sqlite3_prepare_v2(s->db,
			       "UPDATE scans SET status = ?, detail = ?, finished_at = ? WHERE id = ?",
			       -1, &st, NULL) != SQLITE_OK)
		return store_sqlerr(s, "finishing a scan", err);
	sqlite3_bind_text(st, 1, status, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, detail, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, scan_id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return store_sqlerr(s, "finishing a scan", err);
	return 0;
}

static int prepare_cached(struct store *s, sqlite3_stmt **slot, const char *sql)
{
	if (*slot) {
		sqlite3_reset(*slot);
		sqlite3_clear_bindings(*slot);
		return SQLITE_OK;
	}
	return sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, slot, NULL);
}

int store_objects_clear(struct store *s, const char *scope, const char *source,
			struct tater_err *err)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(s->db, "DELETE FROM objects WHERE scope = ? AND source = ?", -1,
			       &st, NULL) != SQLITE_OK)
		return store_sqlerr(s, "clearing objects", err);
	sqlite3_bind_text(st, 1, scope, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, source, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return store_sqlerr(s, "clearing objects", err);
	return 0;
}

int store_object_put(struct store *s, int64_t scan_id, const char *scope, const char *source,
		     const char *kind, const char *key, const char *json, struct tater_err *err)
{
	int rc;

	/* The hot path of a scan: one cached statement, reused for every object. */
	if (prepare_cached(s, &s->put_object,
			   "INSERT OR REPLACE INTO objects (scope, source, key, kind, scan_id, json)"
			   " VALUES (?, ?, ?, ?, ?, ?)") != SQLITE_OK)
		return store_sqlerr(s, "storing an object", err);
	sqlite3_bind_text(s->put_object, 1, scope, -1, SQLITE_STATIC);
	sqlite3_bind_text(s->put_object, 2, source, -1, SQLITE_STATIC);
	sqlite3_bind_text(s->put_object, 3, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(s->put_object, 4, kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s->put_object, 5, scan_id);
	sqlite3_bind_text(s->put_object, 6, json, -1, SQLITE_STATIC);
	rc = sqlite3_step(s->put_object);
	sqlite3_reset(s->put_object);
	if (rc != SQLITE_DONE)
		return store_sqlerr(s, "storing an object", err);
	return 0;
}

int store_source_status(struct store *s, int64_t scan_id, const char *scope, const char *source,
			const char *status, int http_status, int64_t count, const char *detail,
			struct tater_err *err)
{
	sqlite3_stmt *st;
	char now[32];
	int rc;

	store_now(now);
	if (sqlite3_prepare_v2(s->db,
			       "INSERT OR REPLACE INTO source_status (scope, source, scan_id, status,"
			       " http_status, item_count, detail, collected_at)"
			       " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			       -1, &st, NULL) != SQLITE_OK)
		return store_sqlerr(s, "recording a source's status", err);
	sqlite3_bind_text(st, 1, scope, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, source, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, scan_id);
	sqlite3_bind_text(st, 4, status, -1, SQLITE_STATIC);
	if (http_status)
		sqlite3_bind_int(st, 5, http_status);
	sqlite3_bind_int64(st, 6, count);
	sqlite3_bind_text(st, 7, detail, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, now, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return store_sqlerr(s, "recording a source's status", err);
	return 0;
}

/* ---- misc ---- */

void store_now(char buf[32])
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	snprintf(buf, 32, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		 ts.tv_nsec / 1000000);
}

int store_info(struct store *s, struct store_info *info, struct tater_err *err)
{
	struct stat st;
	char wal[PATH_MAX];
	sqlite3_stmt *q;
	int v = 0;

	memset(info, 0, sizeof(*info));
	info->schema_version = store_schema_version(s);
	if (stat(s->path, &st) == 0)
		info->file_bytes = st.st_size;
	snprintf(wal, sizeof(wal), "%s-wal", s->path);
	if (stat(wal, &st) == 0)
		info->wal_bytes = st.st_size;
	if (pragma_int(s, "PRAGMA page_size", &v) == SQLITE_OK)
		info->page_size = v;
	if (pragma_int(s, "PRAGMA page_count", &v) == SQLITE_OK)
		info->page_count = v;
	if (pragma_int(s, "PRAGMA freelist_count", &v) == SQLITE_OK)
		info->freelist_count = v;
	if (sqlite3_prepare_v2(s->db, "PRAGMA journal_mode", -1, &q, NULL) != SQLITE_OK)
		return store_sqlerr(s, "reading the journal mode", err);
	if (sqlite3_step(q) == SQLITE_ROW)
		snprintf(info->journal_mode, sizeof(info->journal_mode), "%s",
			 (const char *)sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	return 0;
}

int store_integrity_check(struct store *s, struct tater_err *err)
{
	sqlite3_stmt *st;
	int ret = 0;

	if (sqlite3_prepare_v2(s->db, "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK)
		return store_sqlerr(s, "integrity check", err);
	if (sqlite3_step(st) == SQLITE_ROW) {
		const char *r = (const char *)sqlite3_column_text(st, 0);

		if (!r || strcmp(r, "ok") != 0)
			ret = tater_errf(err, TATER_EIO, "integrity check failed: %s",
					 r ? r : "(no answer)");
	} else {
		ret = store_sqlerr(s, "integrity check", err);
	}
	sqlite3_finalize(st);
	return ret;
}
