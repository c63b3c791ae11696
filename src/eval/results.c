/* results.c - the latest result per control, scores and their trend.
 *
 * Results are history (one row per control per scan); what a person sees is the latest row
 * of each control with the risk acceptances in force applied.  A scan's score is computed
 * from its own rows, so a trend never changes when the catalog does. */
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "eval_internal.h"
#include "tater/catalog.h"
#include "tater/eval.h"
#include "tater/store.h"
#include "tater/strbuf.h"

/* An acceptance is in force at a time t when it was made by then, has not expired and was not
 * revoked by then.  Both queries below spell this out with t as a parameter. */

static const char *status_names[] = {"pass", "fail", "accepted", "unknown"};

int eval_filter_ok(const struct eval_filter *f, struct tater_err *err)
{
	int ok = 0;

	if (!f)
		return 0;
	if (f->status) {
		for (size_t i = 0; i < 4; i++)
			ok |= strcmp(f->status, status_names[i]) == 0;
		if (!ok)
			return tater_errf(err, TATER_EINVAL,
					  "unknown status '%s' (pass, fail, accepted or unknown)",
					  f->status);
	}
	if (f->severity && catalog_severity_rank(f->severity) < 0)
		return tater_errf(err, TATER_EINVAL,
				  "unknown severity '%s' (critical, high, medium or low)",
				  f->severity);
	if (f->framework)
		return catalog_framework_spec_ok(f->framework, err);
	return 0;
}

static int filter_keeps(const struct eval_filter *f, const struct eval_result *r)
{
	const struct control *c = r->control;

	if (!f)
		return 1;
	if (f->status) {
		if (strcmp(f->status, "accepted") == 0) {
			if (!r->accepted)
				return 0;
		} else if (strcmp(f->status, r->status) != 0 || r->accepted) {
			return 0;
		}
	}
	if (f->severity && strcmp(f->severity, r->severity) != 0)
		return 0;
	if (f->framework && catalog_control_cites(c, f->framework) != 1)
		return 0;
	if (f->area && strcasecmp(f->area, c->area) != 0)
		return 0;
	if (f->group && strcasecmp(f->group, c->group) != 0)
		return 0;
	return 1;
}

static void result_clear(struct eval_result *r)
{
	free(r->reason);
	free(r->accepted_reason);
	free(r->accepted_by);
}

void eval_results_free(struct eval_results *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++)
		result_clear(&r->v[i]);
	free(r->v);
	r->v = NULL;
	r->n = 0;
}

static int cmp_result(const void *a, const void *b)
{
	const struct eval_result *x = a, *y = b;
	int rx = catalog_severity_rank(x->severity), ry = catalog_severity_rank(y->severity);

	if (rx != ry)
		return rx - ry;
	return strcmp(x->control->id, y->control->id);
}

int eval_results_latest(struct store *s, const struct catalog *cat, const char *scope,
			const struct eval_filter *f, struct eval_results *out,
			struct tater_err *err)
{
	sqlite3_stmt *st = NULL;
	char now[32];
	int ret, rc;

	memset(out, 0, sizeof(*out));
	if ((ret = eval_scope_ok(scope, err)) < 0 || (ret = eval_filter_ok(f, err)) < 0)
		return ret;
	store_now(now);
	if (sqlite3_prepare_v2(
		store_db(s),
		"SELECT r.id, r.scan_id, r.control_id, r.status, r.severity, r.reason,"
		" r.evidence_count, r.evaluated_at, a.expires_at, a.reason,"
		" a.accepted_by"
		" FROM main.control_results r"
		" JOIN (SELECT control_id, max(scan_id) AS scan_id"
		"  FROM main.control_results WHERE scope = ?1 GROUP BY control_id) m"
		"  ON m.control_id = r.control_id AND m.scan_id = r.scan_id"
		" LEFT JOIN main.risk_acceptances a ON r.status = 'fail' AND a.id ="
		"  (SELECT x.id FROM main.risk_acceptances x WHERE x.scope = ?1"
		"   AND x.control_id = r.control_id AND x.accepted_at <= ?2 AND x.expires_at > ?2"
		"   AND (x.revoked_at IS NULL OR x.revoked_at > ?2)"
		"   ORDER BY x.accepted_at DESC, x.id DESC LIMIT 1)"
		" WHERE r.scope = ?1",
		-1, &st, NULL) != SQLITE_OK)
		return store_sqlerr(s, "reading control results", err);
	sqlite3_bind_text(st, 1, scope, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const struct control *c =
		    catalog_find(cat, (const char *)sqlite3_column_text(st, 2));
		struct eval_result r = {0};

		if (!c)
			continue; /* no longer in the catalog: nothing to show it with */
		r.id = sqlite3_column_int64(st, 0);
		r.scan_id = sqlite3_column_int64(st, 1);
		r.control = c;
		store_col_text(st, 3, r.status, sizeof(r.status));
		store_col_text(st, 4, r.severity, sizeof(r.severity));
		r.evidence_count = sqlite3_column_int64(st, 6);
		store_col_text(st, 7, r.evaluated_at, sizeof(r.evaluated_at));
		if (sqlite3_column_type(st, 8) != SQLITE_NULL) {
			r.accepted = 1;
			store_col_text(st, 8, r.accepted_until, sizeof(r.accepted_until));
			r.accepted_reason = store_col_dup(st, 9);
			r.accepted_by = store_col_dup(st, 10);
		}
		r.reason = store_col_dup(st, 5);
		if (!r.reason || (r.accepted && (!r.accepted_reason || !r.accepted_by))) {
			result_clear(&r);
			ret = tater_errf(err, TATER_ENOMEM, "out of memory");
			goto out;
		}
		if (!filter_keeps(f, &r)) {
			result_clear(&r);
			continue;
		}
		{
			struct eval_result *nv = realloc(out->v, (out->n + 1) * sizeof(*nv));

			if (!nv) {
				result_clear(&r);
				ret = tater_errf(err, TATER_ENOMEM, "out of memory");
				goto out;
			}
			out->v = nv;
			out->v[out->n++] = r;
		}
	}
	if (rc != SQLITE_DONE) {
		ret = store_sqlerr(s, "reading control results", err);
		goto out;
	}
	if (out->n)
		qsort(out->v, out->n, sizeof(*out->v), cmp_result);
out:
	sqlite3_finalize(st);
	if (ret < 0)
		eval_results_free(out);
	return ret;
}

const char *eval_result_label(const struct eval_result *r, char *buf, size_t n)
{
	if (r->accepted)
		snprintf(buf, n, "fail (accepted until %.10s)", r->accepted_until);
	else
		snprintf(buf, n, "%s", r->status);
	return buf;
}

int eval_result_evidence(struct store *s, int64_t result_id, char **json, struct tater_err *err)
{
	sqlite3_stmt *st;
	int rc, ret = 0;

	*json = NULL;
	if (sqlite3_prepare_v2(store_db(s),
			       "SELECT evidence FROM main.control_results WHERE id = ?", -1, &st,
			       NULL) != SQLITE_OK)
		return store_sqlerr(s, "reading evidence", err);
	sqlite3_bind_int64(st, 1, result_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*json = store_col_dup(st, 0);
		if (!*json)
			ret = tater_errf(err, TATER_ENOMEM, "out of memory");
	} else if (rc == SQLITE_DONE) {
		ret = tater_errf(err, TATER_ENOTFOUND, "no control result %lld",
				 (long long)result_id);
	} else {
		ret = store_sqlerr(s, "reading evidence", err);
	}
	sqlite3_finalize(st);
	return ret;
}

/* ---- evidence for a person ---- */

/* A JSON value as a person reads it: strings without quotes, others compact. */
static void put_value(struct strbuf *b, const json_t *v)
{
	char *dump;

	if (json_is_string(v)) {
		strbuf_putn(b, json_string_value(v), json_string_length(v));
		return;
	}
	dump = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	if (!dump)
		b->oom = 1;
	else
		strbuf_put(b, dump);
	free(dump);
}

static char *evidence_line(const json_t *item)
{
	static const char *const names[] = {"userPrincipalName", "displayName", "name", "Name",
					    "Identity", "domain", "settingName", "id"};
	struct strbuf b = {0};
	const char *name = NULL, *k;
	json_t *v;
	int sep = 0;

	if (!json_is_object(item)) {
		put_value(&b, item);
	} else {
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]) && !name; i++)
			if (json_is_string(json_object_get(item, names[i])))
				name = names[i];
		if (name) {
			put_value(&b, json_object_get(item, name));
			sep = 1;
		}
		json_object_foreach((json_t *)item, k, v)
		{
			/* The name, or another field holding the same text, says nothing new. */
			if (name && (!strcmp(k, name) ||
				     (json_is_string(v) && json_equal(v, json_object_get(item, name)))))
				continue;
			strbuf_put(&b, sep == 1 ? "  " : sep ? ", " : "");
			strbuf_put(&b, k);
			strbuf_put(&b, ": ");
			put_value(&b, v);
			sep = 2;
		}
	}
	strbuf_put(&b, "");
	if (b.oom) {
		free(b.s);
		return NULL;
	}
	{
		char *fit = realloc(b.s, b.len + 1); /* a line, not the buffer's 4 KiB */

		return fit ? fit : b.s;
	}
}

int eval_evidence_lines(const char *json, size_t max, char ***lines, size_t *n, size_t *total)
{
	json_t *arr;
	size_t count;

	*lines = NULL;
	*n = *total = 0;
	if (!json || !*json)
		return 0;
	arr = json_loads(json, JSON_DECODE_ANY, NULL);
	if (!json_is_array(arr)) {
		json_decref(arr);
		if (!(*lines = malloc(sizeof(char *))) || !((*lines)[0] = strdup(json))) {
			free(*lines);
			*lines = NULL;
			return TATER_ENOMEM;
		}
		*n = *total = 1;
		return 0;
	}
	*total = json_array_size(arr);
	count = *total < max ? *total : max;
	if (count && !(*lines = calloc(count, sizeof(char *)))) {
		json_decref(arr);
		return TATER_ENOMEM;
	}
	for (size_t i = 0; i < count; i++) {
		if (!((*lines)[i] = evidence_line(json_array_get(arr, i)))) {
			eval_evidence_lines_free(*lines, i);
			*lines = NULL;
			*total = 0;
			json_decref(arr);
			return TATER_ENOMEM;
		}
		*n = i + 1;
	}
	json_decref(arr);
	return 0;
}

void eval_evidence_lines_free(char **lines, size_t n)
{
	for (size_t i = 0; lines && i < n; i++)
		free(lines[i]);
	free(lines);
}

/* ---- score ---- */

static int int64_query(struct store *s, const char *sql, const char *scope, int64_t arg,
		       int64_t *out, struct tater_err *err)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL) != SQLITE_OK)
		return store_sqlerr(s, "reading scores", err);
	sqlite3_bind_text(st, 1, scope, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, arg);
	rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : store_sqlerr(s, "reading scores", err);
}

int eval_score(struct store *s, const char *scope, int64_t scan_id, struct eval_score *out,
	       struct tater_err *err)
{
	sqlite3_stmt *st = NULL;
	char t[32];
	int ret, rc;

	memset(out, 0, sizeof(*out));
	out->score = out->pass_rate = -1;
	if ((ret = eval_scope_ok(scope, err)) < 0)
		return ret;
	if (scan_id <= 0) {
		if ((ret = int64_query(s,
				       "SELECT max(scan_id) FROM main.control_results"
				       " WHERE scope = ?1 AND ?2 = ?2",
				       scope, 0, &scan_id, err)) < 0)
			return ret;
		if (scan_id <= 0)
			return tater_errf(err, TATER_ENOTFOUND, "no control results for %s yet",
					  scope);
	}
	/* Acceptances as they stood while this scan's results were current: until the next
	 * scan's evaluation, or now for the latest. */
	if (sqlite3_prepare_v2(store_db(s),
			       "SELECT min(evaluated_at) FROM main.control_results"
			       " WHERE scope = ?1 AND scan_id > ?2",
			       -1, &st, NULL) != SQLITE_OK)
		return store_sqlerr(s, "reading scores", err);
	sqlite3_bind_text(st, 1, scope, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, scan_id);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		store_col_text(st, 0, t, sizeof(t));
	else
		store_now(t);
	sqlite3_finalize(st);

	if (sqlite3_prepare_v2(
		store_db(s),
		"SELECT r.status, r.severity, r.evaluated_at,"
		" r.status = 'fail' AND EXISTS (SELECT 1 FROM main.risk_acceptances x"
		"  WHERE x.scope = ?1 AND x.control_id = r.control_id AND x.accepted_at <= ?3"
		"  AND x.expires_at > ?3 AND (x.revoked_at IS NULL OR x.revoked_at > ?3))"
		" FROM main.control_results r WHERE r.scope = ?1 AND r.scan_id = ?2",
		-1, &st, NULL) != SQLITE_OK)
		return store_sqlerr(s, "reading scores", err);
	sqlite3_bind_text(st, 1, scope, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, scan_id);
	sqlite3_bind_text(st, 3, t, -1, SQLITE_STATIC);
	out->scan_id = scan_id;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *status = (const char *)sqlite3_column_text(st, 0);
		int w = catalog_severity_weight((const char *)sqlite3_column_text(st, 1));
		const char *at = (const char *)sqlite3_column_text(st, 2);

		if (at && strcmp(at, out->evaluated_at) > 0)
			snprintf(out->evaluated_at, sizeof(out->evaluated_at), "%s", at);
		if (strcmp(status, "pass") == 0) {
			out->pass++;
			out->weight_pass += w;
			out->weight_total += w;
		} else if (strcmp(status, "fail") == 0) {
			if (sqlite3_column_int(st, 3)) {
				out->accepted++;
			} else {
				out->fail++;
				out->weight_total += w;
			}
		} else {
			out->unknown++;
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return store_sqlerr(s, "reading scores", err);
	if (out->pass + out->fail + out->accepted + out->unknown == 0)
		return tater_errf(err, TATER_ENOTFOUND, "no control results for scan %lld of %s",
				  (long long)scan_id, scope);
	if (out->weight_total > 0)
		out->score = 100.0 * out->weight_pass / out->weight_total;
	if (out->pass + out->fail > 0)
		out->pass_rate = 100.0 * out->pass / (out->pass + out->fail);
	return 0;
}

int eval_trend(struct store *s, const char *scope, int n, struct eval_score **out, size_t *count,
	       struct tater_err *err)
{
	sqlite3_stmt *st = NULL;
	int64_t *ids = NULL;
	size_t k = 0;
	int ret, rc;

	*out = NULL;
	*count = 0;
	if ((ret = eval_scope_ok(scope, err)) < 0)
		return ret;
	if (n <= 0)
		return 0;
	ids = calloc((size_t)n, sizeof(*ids));
	if (!ids)
		return tater_errf(err, TATER_ENOMEM, "out of memory");
	if (sqlite3_prepare_v2(store_db(s),
			       "SELECT DISTINCT scan_id FROM main.control_results WHERE scope = ?1"
			       " ORDER BY scan_id DESC LIMIT ?2",
			       -1, &st, NULL) != SQLITE_OK) {
		ret = store_sqlerr(s, "reading the score trend", err);
		goto out;
	}
	sqlite3_bind_text(st, 1, scope, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, n);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && k < (size_t)n)
		ids[k++] = sqlite3_column_int64(st, 0);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		ret = store_sqlerr(s, "reading the score trend", err);
		goto out;
	}
	if (k) {
		*out = calloc(k, sizeof(**out));
		if (!*out) {
			ret = tater_errf(err, TATER_ENOMEM, "out of memory");
			goto out;
		}
	}
	for (size_t i = 0; i < k; i++) /* oldest first */
		if ((ret = eval_score(s, scope, ids[k - 1 - i], &(*out)[i], err)) < 0)
			goto out;
	*count = k;
out:
	sqlite3_finalize(st);
	free(ids);
	if (ret < 0) {
		free(*out);
		*out = NULL;
	}
	return ret;
}
