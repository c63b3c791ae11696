/* eval.h - evaluate the controls over the store, and read their results.
 *
 * Evaluation runs every control of a catalog that applies to one scope, as SQL over the
 * latest collected snapshot (doc/controls.md), and stores one control_results row per
 * control for a scan, all in one transaction.  Missing data is `unknown`, never `pass`.
 *
 * Reading: the latest result per control with risk acceptances applied, the severity-
 * weighted score per scan and its trend.  Writing: risk acceptances and the per-control
 * exclusions of the conditional-access gate, each recorded in the activity log.  Role
 * checks (who may accept a risk) are the caller's job. */
#ifndef TATER_EVAL_H
#define TATER_EVAL_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "tater/err.h"

struct store;
struct catalog;
struct control;

/* Evidence beyond this many items is cut; evidence_count keeps the real count. */
#define EVAL_EVIDENCE_MAX 1000

/* ---- evaluation ---- */

struct eval_opts {
	const char *now;	  /* ISO 8601 UTC for :now; NULL: the current time */
	int stale_days;		  /* :stale_days; <= 0: the tenant's setting (default 90) */
	int timeout_ms;		  /* per check; <= 0: 30 s.  A check past it is unknown. */
	const atomic_int *cancel; /* set by another thread to stop; may be NULL */
};

struct eval_summary {
	int evaluated, pass, fail, unknown;
};

/* Evaluate every control of cat that applies to scope ("tenant:<n>": sources other than
 * aws.* and gcp.*; "aws:<n>": aws.*; "gcp:<n>": gcp.*) and store the results under scan_id
 * (re-evaluating a scan replaces its results).  Joins the caller's transaction if one is
 * open.  A control's own failure (SQL error, bad shape, missing source) is its `unknown`
 * result, not an error of this call; errors are the store's (I/O) or TATER_ECANCELED. */
int eval_scope(struct store *s, const struct catalog *cat, const char *scope, int64_t scan_id,
	       const struct eval_opts *o, struct eval_summary *sum, struct tater_err *err);

/* The TEMP views a check sees (users, ca_policies, ca_gated, ...) for scope, on this
 * connection; allowed_exclusions is left empty.  For tools and tests that prepare checks;
 * eval_scope makes and drops its own. */
int eval_views_create(struct store *s, const char *scope, struct tater_err *err);
void eval_views_drop(struct store *s);

/* ---- results ---- */

struct eval_result {
	int64_t id; /* control_results row, for eval_result_evidence */
	int64_t scan_id;
	const struct control *control; /* in the catalog given to eval_results_latest */
	char status[8];		       /* pass, fail, unknown */
	char severity[12];	       /* as evaluated */
	char *reason;
	int64_t evidence_count;
	char evaluated_at[32];
	int accepted;			     /* a fail under a risk acceptance in force */
	char accepted_until[32];	     /* its expiry (ISO 8601), when accepted */
	char *accepted_reason, *accepted_by; /* when accepted, else NULL */
};

struct eval_results {
	struct eval_result *v;
	size_t n;
};

struct eval_filter {
	const char *status;    /* pass, fail (not accepted), accepted, unknown; NULL: any */
	const char *severity;  /* critical, high, medium, low; NULL: any */
	const char *framework; /* catalog_control_cites() spec; NULL: any */
	const char *area;      /* exact, case-insensitive; NULL: any */
	const char *group;
};

/* Check a filter's values (for a command line's usage error). */
int eval_filter_ok(const struct eval_filter *f, struct tater_err *err);

/* The latest result of every control of cat for scope (controls never evaluated, or no
 * longer in the catalog, are left out), ordered by severity then id.  f may be NULL. */
int eval_results_latest(struct store *s, const struct catalog *cat, const char *scope,
			const struct eval_filter *f, struct eval_results *out,
			struct tater_err *err);
void eval_results_free(struct eval_results *r);

/* "pass", "unknown", "fail", or "fail (accepted until 2026-12-31)". */
const char *eval_result_label(const struct eval_result *r, char *buf, size_t n);

/* The evidence JSON array of one result (malloc'd). */
int eval_result_evidence(struct store *s, int64_t result_id, char **json, struct tater_err *err);

/* The evidence for a person: one line per item, at most max of them (*total counts all).
 * An object reads "NAME  key: value, key: value" with NAME its userPrincipalName,
 * displayName, name, Identity or id (the first there); a scalar reads as itself.  Text
 * that is not a JSON array is one line as it is.  Lines are not sanitised: they hold
 * outside data, for a caller that sanitises what it shows.  0, or TATER_ENOMEM. */
int eval_evidence_lines(const char *json, size_t max, char ***lines, size_t *n, size_t *total);
void eval_evidence_lines_free(char **lines, size_t n);

/* ---- score ---- */

/* Weights: critical 10, high 5, medium 3, low 1.  Unknown results and accepted risks are
 * left out of the score and counted beside it. */
struct eval_score {
	int64_t scan_id;
	char evaluated_at[32];
	int pass, fail, unknown, accepted;
	int weight_pass, weight_total; /* weighted pass, weighted pass + fail */
	double score;		       /* 100 * weight_pass / weight_total; -1 when 0 */
	double pass_rate;	       /* 100 * pass / (pass + fail); -1 when 0 */
};

/* The score of one scan's results (scan_id 0: the latest scan with results for scope).
 * Acceptances count as they stood while that scan's results were the current ones: for
 * the latest scan, now.  TATER_ENOTFOUND when there are no results. */
int eval_score(struct store *s, const char *scope, int64_t scan_id, struct eval_score *out,
	       struct tater_err *err);

/* The scores of the last n scans with results for scope, oldest first (malloc'd). */
int eval_trend(struct store *s, const char *scope, int n, struct eval_score **out, size_t *count,
	       struct tater_err *err);

/* ---- risk acceptance ---- */

struct eval_acceptance {
	int64_t id;
	char *scope, *control_id, *reason, *accepted_by, *revoked_by; /* revoked_by may be NULL */
	char expires_at[32], accepted_at[32], revoked_at[32];	      /* revoked_at "" if not */
	int active; /* not revoked and not expired */
};

/* Accept the failing control's risk until expires ("YYYY-MM-DD": to the end of that day
 * UTC, or a full ISO 8601 UTC time), which must be in the future.  The control's latest
 * result for scope must be a fail.  An acceptance already in force is replaced.  Attributed
 * to the store's actor. */
int eval_accept(struct store *s, const char *scope, const char *control_id, const char *reason,
		const char *expires, struct tater_err *err);
/* Revoke the acceptance in force; TATER_ENOTFOUND when there is none. */
int eval_revoke(struct store *s, const char *scope, const char *control_id, struct tater_err *err);
/* Acceptances for scope (NULL: all scopes), newest first; inactive ones only when asked. */
int eval_acceptances(struct store *s, const char *scope, int include_inactive,
		     struct eval_acceptance **out, size_t *n, struct tater_err *err);
void eval_acceptances_free(struct eval_acceptance *v, size_t n);

/* ---- exclusions the admin allows (the conditional-access gate) ---- */

struct eval_exclusion {
	char *scope, *control_id, *kind, *object_id, *note, *added_by; /* note may be NULL */
	char added_at[32];
};

/* kind: user, group, application (a CA policy's excluded users, groups, applications), or
 * role (for role-assignment checks; the CA gate never allows excluded roles).  object_id as
 * it appears in the policy (a GUID, or e.g. GuestsOrExternalUsers).  cat, when not NULL,
 * must know control_id.  TATER_EEXIST when already allowed. */
int eval_exclusion_add(struct store *s, const struct catalog *cat, const char *scope,
		       const char *control_id, const char *kind, const char *object_id,
		       const char *note, struct tater_err *err);
int eval_exclusion_remove(struct store *s, const char *scope, const char *control_id,
			  const char *kind, const char *object_id, struct tater_err *err);
/* control_id NULL: every control of scope. */
int eval_exclusions(struct store *s, const char *scope, const char *control_id,
		    struct eval_exclusion **out, size_t *n, struct tater_err *err);
void eval_exclusions_free(struct eval_exclusion *v, size_t n);

#endif
