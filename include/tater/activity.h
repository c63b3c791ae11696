/* activity.h - the append-only, hash-chained activity log.
 *
 * Each entry: time, OS user, action, target, outcome, detail; hash =
 * BLAKE2b-256(previous hash || entry fields).  The head (last id and hash)
 * is kept in the meta table, so a deleted last row is found as well. */
#ifndef TATER_ACTIVITY_H
#define TATER_ACTIVITY_H

#include <stdint.h>

#include "tater/err.h"

struct store;

/* Append one entry (joins the caller's transaction if one is open).
 * outcome: "ok", "refused", "failed", ... detail may be NULL. */
int activity_append(struct store *s, const char *action, const char *target, const char *outcome,
		    const char *detail, struct tater_err *err);

/* Walk the whole chain.  0 when intact; otherwise TATER_EIO, *bad_id = the
 * first entry that does not verify (0 when the head record is at fault), and
 * err says what is wrong. */
int activity_verify(struct store *s, int64_t *bad_id, int64_t *count, struct tater_err *err);

#endif
