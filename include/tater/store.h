/* store.h - the local SQLite store: open, migrate, transactions, typed queries.
 *
 * One struct store per thread (SQLite connections are not shared between
 * threads).  The store knows no screen and no network.  Every handle runs in
 * WAL mode with foreign keys on and a busy timeout, so a second process that
 * writes at the same time waits its turn instead of failing.
 *
 * Scopes: collected data, results and alerts belong to a scope string:
 * "tenant:<id>" for a Microsoft tenant, "aws:<id>" / "gcp:<id>" for a cloud
 * account (ids are the rows of tenants / cloud_accounts). */
#ifndef TATER_STORE_H
#define TATER_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "tater/err.h"

struct sqlite3;
struct store;

/* The schema version this binary writes (PRAGMA user_version). */
#define STORE_SCHEMA_VERSION 2

enum store_open_flags {
	STORE_CREATE = 1 << 0,   /* create the file (and its 0700 directory) if missing */
	STORE_READONLY = 1 << 1, /* open read-only; migrations are not run */
};

/* Default path: $XDG_DATA_HOME/tater/tater.db, else ~/.local/share/tater/tater.db. */
int store_default_path(char *buf, size_t n, struct tater_err *err);

/* Open (and migrate forward) the store at path.  A store whose version is
 * newer than STORE_SCHEMA_VERSION is refused with TATER_ESCHEMA and left
 * untouched.  A new file is created 0600 inside a 0700 directory. */
int store_open(struct store **out, const char *path, unsigned flags, struct tater_err *err);
void store_close(struct store *s);

const char *store_path(const struct store *s);
struct sqlite3 *store_db(struct store *s);
int store_schema_version(struct store *s);

/* The person acting: the OS user name by default.  Used for attribution in the
 * activity log and in every "who did this" column. */
const char *store_actor(const struct store *s);
void store_set_actor(struct store *s, const char *user); /* for tests and the demo */

/* Transactions.  store_begin takes the write lock at once (BEGIN IMMEDIATE)
 * and waits for another writer rather than failing.  Nested calls are
 * counted: only the outermost commit or rollback reaches SQLite. */
int store_begin(struct store *s, struct tater_err *err);
int store_commit(struct store *s, struct tater_err *err);
void store_rollback(struct store *s);
int store_in_txn(const struct store *s);

/* Run SQL with no result rows (setup, tests). */
int store_exec(struct store *s, const char *sql, struct tater_err *err);

/* Statement helpers for the typed queries of every module (src/store and the areas that keep
 * their own tables: ir, itdr, eval, remediate). */
struct sqlite3_stmt;
/* Prepare sql on the store's connection; on failure *st is NULL and err says what failed. */
int store_prepare(struct store *s, struct sqlite3_stmt **st, const char *sql,
		  struct tater_err *err);
/* Step a statement that returns no rows, then finalise it (what names it in a failure). */
int store_step_done(struct store *s, struct sqlite3_stmt *st, const char *what,
		    struct tater_err *err);
/* Bind text, or NULL when v is NULL or empty. */
void store_bind_opt(struct sqlite3_stmt *st, int i, const char *v);
/* Copy column col of the current row into dst (n bytes, truncated); NULL reads as "". */
void store_col_text(struct sqlite3_stmt *st, int col, char *dst, size_t n);
/* A malloc'd copy of column col of the current row; NULL when it is NULL (or memory ran out). */
char *store_col_dup(struct sqlite3_stmt *st, int col);

/* Fill err from the connection's last SQLite error, prefixed by what. */
int store_sqlerr(struct store *s, const char *what, struct tater_err *err);

/* Settings: (scope, key) -> text.  scope "" is global. */
int store_setting_get(struct store *s, const char *scope, const char *key, char **out,
		      struct tater_err *err); /* *out NULL when unset; free() it */
int store_setting_set(struct store *s, const char *scope, const char *key, const char *value,
		      struct tater_err *err); /* value NULL deletes */

/* ---- collected objects: latest snapshot per scope and source ---- */

/* Scans.  A scan row is created 'running' before the data transaction, and
 * finished with its status; rows left 'running' by a killed process are marked
 * 'interrupted' the next time the store is opened for writing. */
int store_scan_start(struct store *s, const char *scope, const char *kind, int64_t *scan_id,
		     struct tater_err *err);
int store_scan_finish(struct store *s, int64_t scan_id, const char *status, const char *detail,
		      struct tater_err *err);

/* Inside a transaction: drop the previous snapshot of (scope, source) ... */
int store_objects_clear(struct store *s, const char *scope, const char *source,
			struct tater_err *err);
/* ... then add objects one by one (json is the API object as received). */
int store_object_put(struct store *s, int64_t scan_id, const char *scope, const char *source,
		     const char *kind, const char *key, const char *json, struct tater_err *err);
/* How collecting a source went: status "ok", "denied", "unlicensed", "error";
 * detail names the missing permission or the service's message. */
int store_source_status(struct store *s, int64_t scan_id, const char *scope, const char *source,
			const char *status, int http_status, int64_t count, const char *detail,
			struct tater_err *err);

/* ---- misc ---- */

/* Current UTC time as ISO 8601 with milliseconds: 2026-12-03T16:14:27.123Z */
void store_now(char buf[32]);

/* Row counts and file sizes for `tater db info`. */
struct store_info {
	int schema_version;
	int64_t file_bytes, wal_bytes;
	int64_t page_size, page_count, freelist_count;
	char journal_mode[16];
};
int store_info(struct store *s, struct store_info *info, struct tater_err *err);

/* PRAGMA integrity_check: 0 when "ok", else TATER_EIO with the first problem. */
int store_integrity_check(struct store *s, struct tater_err *err);

#endif
