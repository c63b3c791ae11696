/* posture.h - the identity posture of one scope, from its latest snapshot.
 *
 * Five figures, each a typed query over the collected objects (doc/controls.md lists the
 * sources):
 *   risky users       graph.riskyUsers: riskState atRisk or confirmedCompromised, by riskLevel
 *   MFA registration  graph.userRegistrationDetails: member users; admins apart
 *   privileged roles  graph.directoryRoleMembers: members per role
 *   stale accounts    graph.users: enabled members whose last sign-in (interactive or not) is
 *                     older than the tenant's stale_days; never signed in apart
 *   guest users       graph.users: guests; stale guests and never signed in apart
 * A figure whose source was not collected ok in the latest scan is unknown, with the
 * source's reason, never 0.  Each figure opens its list: the objects behind it, as rows for
 * a table (posture_list).  Recommendations (posture_recommend) come from the figures and
 * the latest control results, most urgent first.
 *
 * Everything here reads; nothing writes.  Safe on the UI thread's own connection. */
#ifndef TATER_POSTURE_H
#define TATER_POSTURE_H

#include <stddef.h>
#include <stdint.h>

#include "tater/err.h"

struct store;
struct catalog;

enum posture_figure {
	POSTURE_RISKY,
	POSTURE_MFA,
	POSTURE_PRIVILEGED,
	POSTURE_STALE,
	POSTURE_GUESTS,
	POSTURE_NFIGURES
};

/* "Risky users", "MFA registration", "Privileged accounts", "Stale accounts", "Guest users". */
const char *posture_figure_title(enum posture_figure f);
/* The source a figure is read from ("graph.riskyUsers"). */
const char *posture_figure_source(enum posture_figure f);

struct posture_state {
	int known;	    /* the source was collected ok in the latest scan */
	char reason[400];   /* when not: "graph.riskyUsers: 403 ... (needs
			       IdentityRiskyUser.Read.All)" */
	char collected[32]; /* when the source was last collected */
};

struct posture_role {
	char name[128];	      /* role display name as collected (untrusted: sanitise) */
	char template_id[40]; /* roleTemplateId */
	int64_t members;      /* distinct members */
};

struct posture {
	char scope[64];
	char now[32];	/* the time the figures are computed at (ISO 8601 UTC) */
	int stale_days; /* the threshold used */
	struct posture_state st[POSTURE_NFIGURES];
	struct {
		int64_t high, medium, low; /* by riskLevel (other levels are not counted) */
		int64_t compromised;	   /* of those, riskState confirmedCompromised */
		int64_t total;
	} risky;
	struct {
		/* Member users that are not admins (isAdmin false) ... */
		int64_t users, registered, capable, not_registered;
		/* ... and admins apart. */
		int64_t admins, admins_registered, admins_capable, admins_not_registered;
	} mfa;
	struct {
		int64_t accounts;	    /* distinct members of any directory role */
		int64_t assignments;	    /* (role, member) pairs */
		int64_t global_admins;	    /* members of Global Administrator */
		struct posture_role *roles; /* by members, most first (malloc'd) */
		size_t nroles;
	} priv;
	struct {
		int64_t enabled; /* enabled member accounts */
		int64_t stale;	 /* of those, last sign-in older than stale_days */
		int64_t never;	 /* of those, never signed in */
		int64_t disabled;
	} stale;
	struct {
		int64_t total;
		int64_t stale;	   /* last sign-in older than stale_days */
		int64_t never;	   /* never signed in */
		int64_t pending;   /* invitation not accepted yet */
		int signins_known; /* stale/never need signInActivity (else: st reason) */
	} guests;
};

struct posture_opts {
	const char *now; /* ISO 8601 UTC; NULL: the current time */
	int stale_days;	 /* <= 0: the tenant's setting (tenant scopes), else 90 */
};

/* Compute the figures of scope.  Fills p (free with posture_free) even when every figure is
 * unknown; an error is the store's. */
int posture_load(struct store *s, const char *scope, const struct posture_opts *o,
		 struct posture *p, struct tater_err *err);
void posture_free(struct posture *p);

/* ---- the list behind a figure: a row provider for a table ---- */

/* The column titles of a figure's list; returns how many.  The last column is the object's
 * key in the store (for posture_object), not meant to be shown. */
int posture_list_columns(enum posture_figure f, const char *const **titles);

/* Called once per row with posture_list_columns() cells (untrusted text, not sanitised;
 * NULL cells possible).  Return non-zero to stop. */
typedef int (*posture_row_fn)(void *ctx, const char *const *cells);

/* The rows behind a figure, the ones at fault first: risky users (high first), MFA (not
 * registered first, admins first), role members (by role), stale and never-signed-in
 * enabled members, guests (stale first).  TATER_ENOTFOUND when the figure is unknown. */
int posture_list(struct store *s, const char *scope, enum posture_figure f,
		 const struct posture_opts *o, posture_row_fn fn, void *ctx, struct tater_err *err);

/* The collected object behind a list row (key: the list's last cell), as JSON (malloc'd). */
int posture_object(struct store *s, const char *scope, enum posture_figure f, const char *key,
		   char **json, struct tater_err *err);

/* ---- recommendations ---- */

#define POSTURE_REC_CONTROLS 8

struct posture_rec {
	char id[24];	   /* stable: "mfa", "privileged", "stale-guests", "risk-policy", ... */
	char title[160];   /* "Enable MFA for the remaining users" */
	char figure[240];  /* "412 member users without MFA (3 admins)" */
	char severity[12]; /* critical, high, medium, low */
	int64_t affected;  /* users affected; -1 when it cannot be told */
	int list;	   /* the figure whose list shows the users, or -1 */
	char controls[POSTURE_REC_CONTROLS][64]; /* the failing controls behind it */
	int ncontrols;
};

/* Recommendations from p and the latest control results of p->scope (cat: the catalog the
 * results are read with; NULL: none from controls), sorted by severity, then users
 * affected.  *out malloc'd (free()). */
int posture_recommend(struct store *s, const struct catalog *cat, const struct posture *p,
		      struct posture_rec **out, size_t *n, struct tater_err *err);

#endif
