/* activity.c - the append-only, hash-chained activity log.
 *
 * hash(n) = BLAKE2b-256( hash(n-1) || enc(id) || enc(at) || enc(os_user) ||
 *                        enc(action) || enc(target) || enc(outcome) || enc(detail) )
 * where enc(x) is an 8-byte little-endian length followed by the bytes (a
 * NULL detail encodes as length 2^64-1), and hash(0) is 32 zero bytes.  The
 * length prefixes make the encoding unambiguous.  Ids are contiguous from 1.
 * The meta row 'activity_head' holds "<last id>:<hex hash>" so deleting the
 * newest entries is detected too.  Triggers refuse UPDATE and DELETE through
 * SQL; the chain catches whatever gets past them (a raw file edit). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <sqlite3.h>

#include "store_internal.h"
#include "tater/activity.h"
#include "tater/store.h"

#define HASH_BYTES 32

static void absorb(crypto_generichash_state *h, const char *field, int is_null)
{
	unsigned char len[8];
	uint64_t n = is_null ? UINT64_MAX : (uint64_t)strlen(field);

	for (int i = 0; i < 8; i++)
		len[i] = (unsigned char)(n >> (8 * i));
	crypto_generichash_update(h, len, sizeof(len));
	if (!is_null)
		crypto_generichash_update(h, (const unsigned char *)field, strlen(field));
}

static void entry_hash(const unsigned char *prev, int64_t id, const char *at, const char *user,
		       const char *action, const char *target, const char *outcome,
		       const char *detail, unsigned char *out)
{
	crypto_generichash_state h;
	char idbuf[24];

	snprintf(idbuf, sizeof(idbuf), "%" PRId64, id);
	crypto_generichash_init(&h, NULL, 0, HASH_BYTES);
	crypto_generichash_update(&h, prev, HASH_BYTES);
	absorb(&h, idbuf, 0);
	absorb(&h, at, 0);
	absorb(&h, user, 0);
	absorb(&h, action, 0);
	absorb(&h, target, 0);
	absorb(&h, outcome, 0);
	absorb(&h, detail ? detail : "", detail == NULL);
	crypto_generichash_final(&h, out, HASH_BYTES);
}

static void write_head(struct store *s, int64_t id, const unsigned char *hash)
{
	char head[24 + 2 * HASH_BYTES + 2];
	int n = snprintf(head, sizeof(head), "%" PRId64 ":", id);

	sodium_bin2hex(head + n, sizeof(head) - (size_t)n, hash, HASH_BYTES);
	store_meta_set(s, "activity_head", head);
}

int activity_append(struct store *s, const char *action, const char *target, const char *outcome,
		    const char *detail, struct tater_err *err)
{
	unsigned char prev[HASH_BYTES] = {0}, hash[HASH_BYTES];
	sqlite3_stmt *st = NULL;
	int64_t id = 1;
	char now[32];
	int ret;

	if (sodium_init() < 0)
		return tater_errf(err, TATER_ECRYPTO, "libsodium failed to initialise");
	if (!action || !target || !outcome)
		return tater_errf(err, TATER_EINVAL, "activity entry without action/target/outcome");
	/* BEGIN IMMEDIATE: the read of the last hash and the insert are one step,
	 * so two processes appending at once still form one chain. */
	if ((ret = store_begin(s, err)) < 0)
		return ret;
	if (sqlite3_prepare_v2(s->db, "SELECT id, hash FROM activity_log ORDER BY id DESC LIMIT 1",
			       -1, &st, NULL) != SQLITE_OK) {
		ret = store_sqlerr(s, "reading the activity log", err);
		goto fail;
	}
	if (sqlite3_step(st) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0) + 1;
		if (sqlite3_column_bytes(st, 1) == HASH_BYTES)
			memcpy(prev, sqlite3_column_blob(st, 1), HASH_BYTES);
	}
	sqlite3_finalize(st);
	st = NULL;

	store_now(now);
	entry_hash(prev, id, now, s->actor, action, target, outcome, detail, hash);
	if (sqlite3_prepare_v2(s->db,
			       "INSERT INTO activity_log (id, at, os_user, action, target, outcome,"
			       " detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
			       -1, &st, NULL) != SQLITE_OK) {
		ret = store_sqlerr(s, "writing the activity log", err);
		goto fail;
	}
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, s->actor, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, action, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, target, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, outcome, -1, SQLITE_STATIC);
	if (detail)
		sqlite3_bind_text(st, 7, detail, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 8, prev, HASH_BYTES, SQLITE_STATIC);
	sqlite3_bind_blob(st, 9, hash, HASH_BYTES, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		ret = store_sqlerr(s, "writing the activity log", err);
		goto fail;
	}
	sqlite3_finalize(st);
	write_head(s, id, hash);
	return store_commit(s, err);
fail:
	sqlite3_finalize(st);
	store_rollback(s);
	return ret;
}

int activity_verify(struct store *s, int64_t *bad_id, int64_t *count, struct tater_err *err)
{
	unsigned char prev[HASH_BYTES] = {0}, hash[HASH_BYTES];
	sqlite3_stmt *st;
	int64_t expect = 1, n = 0;
	char *head;
	int ret = 0;

	*bad_id = 0;
	if (count)
		*count = 0;
	if (sodium_init() < 0)
		return tater_errf(err, TATER_ECRYPTO, "libsodium failed to initialise");
	if (sqlite3_prepare_v2(s->db,
			       "SELECT id, at, os_user, action, target, outcome, detail, prev_hash,"
			       " hash FROM activity_log ORDER BY id",
			       -1, &st, NULL) != SQLITE_OK)
		return store_sqlerr(s, "reading the activity log", err);
	while (sqlite3_step(st) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		const char *f[6];

		for (int i = 0; i < 6; i++)
			f[i] = (const char *)sqlite3_column_text(st, 1 + i);
		if (id != expect) {
			*bad_id = expect;
			ret = tater_errf(err, TATER_EIO,
					 "activity log entry #%" PRId64 " is missing (deleted)",
					 expect);
			break;
		}
		if (sqlite3_column_bytes(st, 7) != HASH_BYTES ||
		    memcmp(sqlite3_column_blob(st, 7), prev, HASH_BYTES) != 0) {
			*bad_id = id;
			ret = tater_errf(err, TATER_EIO,
					 "activity log entry #%" PRId64
					 " does not follow the entry before it (chain broken)",
					 id);
			break;
		}
		entry_hash(prev, id, f[0] ? f[0] : "", f[1] ? f[1] : "", f[2] ? f[2] : "",
			   f[3] ? f[3] : "", f[4] ? f[4] : "", f[5], hash);
		if (sqlite3_column_bytes(st, 8) != HASH_BYTES ||
		    memcmp(sqlite3_column_blob(st, 8), hash, HASH_BYTES) != 0) {
			*bad_id = id;
			ret = tater_errf(err, TATER_EIO,
					 "activity log entry #%" PRId64
					 " was altered after it was written (hash mismatch)",
					 id);
			break;
		}
		memcpy(prev, hash, HASH_BYTES);
		expect++;
		n++;
	}
	sqlite3_finalize(st);
	if (count)
		*count = n;
	if (ret < 0)
		return ret;

	head = store_meta_get(s, "activity_head");
	if (n == 0 && !head)
		return 0;
	{
		char want[24 + 2 * HASH_BYTES + 2];
		int k = snprintf(want, sizeof(want), "%" PRId64 ":", n);

		sodium_bin2hex(want + k, sizeof(want) - (size_t)k, prev, HASH_BYTES);
		if (!head || strcmp(head, want) != 0) {
			long long head_id = head ? strtoll(head, NULL, 10) : 0;

			*bad_id = n + 1;
			if (head && head_id > n)
				ret = tater_errf(err, TATER_EIO,
						 "activity log ends at #%" PRId64
						 " but its head record says #%lld: the newest "
						 "entries were deleted",
						 n, head_id);
			else
				ret = tater_errf(err, TATER_EIO,
						 "the activity log's head record does not match "
						 "its last entry (#%" PRId64 ")",
						 n);
		}
	}
	free(head);
	return ret;
}
