/* store_internal.h - private to src/store: the store's insides. */
#ifndef TATER_STORE_INTERNAL_H
#define TATER_STORE_INTERNAL_H

#include <sqlite3.h>

struct store {
	sqlite3 *db;
	char *path;
	char actor[64];
	int readonly;
	int txn_depth;
	sqlite3_stmt *put_object; /* cached: the hot path of a scan */
};

int store_meta_set(struct store *s, const char *key, const char *value);
char *store_meta_get(struct store *s, const char *key); /* malloc'd or NULL */

#endif
