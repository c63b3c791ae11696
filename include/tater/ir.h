/* ir.h - incident response: the playbook library, its revisions and approval,
 * incidents activated from a playbook and the step tracker behind them.
 *
 * Playbooks.  A playbook (slug, name, incident type, owner, review date) has
 * revisions; a revision's body is its phases and steps.  Every saved change is
 * a new revision, a draft until an admin other than its author approves it;
 * only approved revisions can be activated.  The five pre-built playbooks
 * ship in catalog/playbooks/, are loaded on first use (builtin = 1, revision 1
 * approved by "tater") and are not edited in place: copy one to change it.
 *
 * Incidents.  Activating a playbook freezes a copy of the approved revision's
 * steps into the incident, so later edits to the playbook change nothing in a
 * running incident.  Every change to an incident is stamped with time and
 * user into incident_events and into the activity log.
 *
 * Roles (roles.h): a viewer reads; a responder drafts playbooks and works
 * incidents; an admin also approves.  Functions that change anything check
 * the actor's role and return TATER_EPERM with the reason.
 *
 * Strings returned here come from the store, hence from people and files:
 * sanitise them (text.h) before they reach a terminal. */
#ifndef TATER_IR_H
#define TATER_IR_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "tater/err.h"

struct store;

/* ---- phases ---- */

#define IR_PHASES 5
enum ir_phase {
	IR_PHASE_DETECTION = 0, /* Detection & Analysis */
	IR_PHASE_CONTAINMENT,
	IR_PHASE_ERADICATION,
	IR_PHASE_RECOVERY,
	IR_PHASE_POST_INCIDENT,
};
/* "Detection & Analysis", "Containment", ... ("?" out of range). */
const char *ir_phase_name(int phase);
/* "detection", "containment", "eradication", "recovery", "post_incident". */
const char *ir_phase_key(int phase);
/* Accepts 1-5, a key, or a name (case-insensitive); -1 when none fits. */
int ir_phase_parse(const char *s);

/* ---- a playbook body: what a revision holds, and what forms edit ---- */

#define IR_TITLE_MAX 200 /* bytes of a step title */
#define IR_TEXT_MAX 8000 /* bytes of a detail, evidence, finding or lessons text */
#define IR_STEPS_MAX 40	 /* steps per phase */

struct ir_step {
	char *title;	/* required: the action, imperative ("Disable the account") */
	char *detail;	/* what to check, where, which portal or command; may be NULL */
	char *evidence; /* what to keep; may be NULL */
};

struct ir_body {
	char *description; /* when to use this playbook; may be NULL */
	struct {
		struct ir_step *steps;
		size_t n;
	} phase[IR_PHASES];
};

void ir_body_init(struct ir_body *b);
void ir_body_free(struct ir_body *b); /* frees the contents; b itself is the caller's */
int ir_body_copy(struct ir_body *dst, const struct ir_body *src, struct tater_err *err);

/* Editing a working copy (a form holds one, then ir_playbook_save()s it).
 * Indexes are 0-based within a phase.  Texts are copied. */
int ir_body_step_add(struct ir_body *b, int phase, size_t at, const char *title, const char *detail,
		     const char *evidence, struct tater_err *err);
int ir_body_step_set(struct ir_body *b, int phase, size_t idx, const char *title,
		     const char *detail, const char *evidence, struct tater_err *err);
int ir_body_step_remove(struct ir_body *b, int phase, size_t idx, struct tater_err *err);
/* Move a step, within its phase or to another one (to_idx in the target). */
int ir_body_step_move(struct ir_body *b, int phase, size_t idx, int to_phase, size_t to_idx,
		      struct tater_err *err);

/* Check a body: every phase has a step, titles present and short, sizes in
 * range.  The message names the place: "phase 3 step 2: title is missing". */
int ir_body_validate(const struct ir_body *b, struct tater_err *err);

/* ---- the playbook file format (import, export, catalog/playbooks/) ----
 * Documented in doc/playbooks.md:
 *   {"format": "tater-playbook/1", "slug": "...", "name": "...",
 *    "incident_type": "...", "description": "...", "owner": "...",
 *    "review_due": "YYYY-MM-DD", "alert_types": ["..."],
 *    "phases": [{"phase": "Detection & Analysis",
 *                "steps": [{"title": "...", "detail": "...", "evidence": "..."}]},
 *               ... the five phases in order ... ]} */
struct ir_file {
	char slug[64];
	char name[128];
	char incident_type[64];
	char owner[64];	     /* "" when not given */
	char review_due[16]; /* YYYY-MM-DD or "" */
	char **alert_types;  /* ITDR detection types this playbook answers */
	size_t n_alert_types;
	struct ir_body body;
};
void ir_file_free(struct ir_file *f);
/* Parse and validate; nothing is stored.  On a bad file, TATER_EFORMAT with
 * a message naming the problem ("phase 3 step 2: title is missing"). */
int ir_file_parse(const char *json, size_t len, struct ir_file *out, struct tater_err *err);

/* ---- the library ---- */

struct ir_playbook {
	int64_t id;
	char slug[64];
	char name[128];
	char incident_type[64];
	char owner[64];	     /* "" when unassigned */
	char review_due[16]; /* YYYY-MM-DD or "" */
	int builtin;
	int archived;
	char created_by[64];
	char created_at[32];
	int latest_revno;	/* the newest revision */
	char latest_status[16]; /* its status: draft, approved, rejected */
	int approved_revno;	/* the newest approved revision; 0 when none */
	int review_overdue;	/* review_due is before today (UTC) */
};

/* Load the pre-built playbooks that are not in the store yet.  Every ir_
 * function that reads the library calls this; on a read-only store it does
 * nothing.  *added (may be NULL) gets how many were loaded. */
int ir_library_ensure(struct store *s, int *added, struct tater_err *err);

/* All playbooks (archived ones too), by name.  free(*out). */
int ir_playbooks_list(struct store *s, struct ir_playbook **out, size_t *n, struct tater_err *err);
int ir_playbook_get(struct store *s, const char *slug, struct ir_playbook *out,
		    struct tater_err *err);

/* Create a custom playbook; its body becomes revision 1 (a draft). */
int ir_playbook_create(struct store *s, const char *slug, const char *name,
		       const char *incident_type, const struct ir_body *body, const char *summary,
		       struct tater_err *err);
/* Copy a playbook (its newest approved revision, else its newest) to a new
 * custom one whose revision 1 is a draft.  name NULL: "<name> (copy)". */
int ir_playbook_copy(struct store *s, const char *from_slug, const char *new_slug, const char *name,
		     struct tater_err *err);
/* Save an edited body as the next revision (a draft); *revno (may be NULL)
 * gets its number.  Refused for pre-built playbooks and for a body equal to
 * the newest revision (nothing to save). */
int ir_playbook_save(struct store *s, const char *slug, const struct ir_body *body,
		     const char *summary, int *revno, struct tater_err *err);
/* Owner and next review date (YYYY-MM-DD); NULL leaves a field as it is,
 * "" clears it. */
int ir_playbook_set_owner(struct store *s, const char *slug, const char *owner,
			  const char *review_due, struct tater_err *err);
int ir_playbook_set_archived(struct store *s, const char *slug, int archived,
			     struct tater_err *err);

/* Import a playbook file: a new custom playbook, or a new draft revision of
 * the custom playbook with that slug.  All or nothing.  *slug_out and *revno
 * (may be NULL) say what was created. */
int ir_playbook_import(struct store *s, const char *json, size_t len, const char *origin,
		       char slug_out[64], int *revno, struct tater_err *err);
/* The file for revision revno (0: the newest approved, else the newest). */
int ir_playbook_export(struct store *s, const char *slug, int revno, char **json_out,
		       struct tater_err *err);

/* ITDR: which playbook answers an alert's detection type ("" when none). */
int ir_playbook_for_alert_type(struct store *s, const char *detection_type, char slug[64],
			       struct tater_err *err);
int ir_alert_type_link(struct store *s, const char *detection_type, const char *slug,
		       struct tater_err *err);

/* ---- revisions ---- */

struct ir_revision {
	int64_t id;
	int revno;
	char status[16]; /* draft, approved, rejected */
	char author[64];
	char created_at[32];
	char reviewed_by[64]; /* "" while a draft */
	char reviewed_at[32];
	char summary[256];
};

/* Every revision of a playbook, oldest first.  free(*out). */
int ir_revisions_list(struct store *s, const char *slug, struct ir_revision **out, size_t *n,
		      struct tater_err *err);
/* The body of revision revno (0: the newest).  ir_body_free() it. */
int ir_revision_body(struct store *s, const char *slug, int revno, struct ir_body *out,
		     struct tater_err *err);
/* Approve or reject a draft: the actor must be an admin and not its author. */
int ir_revision_approve(struct store *s, const char *slug, int revno, struct tater_err *err);
int ir_revision_reject(struct store *s, const char *slug, int revno, const char *reason,
		       struct tater_err *err);
/* A readable line diff of two revisions' steps ("- ", "+ ", "  " prefixes,
 * phases as headers).  free(*out). */
int ir_revision_diff(struct store *s, const char *slug, int rev_a, int rev_b, char **out,
		     struct tater_err *err);
/* The same over two bodies (no store). */
char *ir_body_diff(const struct ir_body *a, const struct ir_body *b);

/* ---- incidents ---- */

struct ir_activation {
	const char *slug;
	int revno; /* 0: the newest approved revision */
	const char *title;
	const char *severity; /* critical, high, medium, low */
	int64_t alert_id;     /* ITDR alert to link; 0 for none */
	const char *user;     /* affected user (UPN); may be NULL */
	const char *host;     /* affected host; may be NULL */
};

struct ir_incident {
	int64_t id;
	char title[256];
	char severity[16];
	char status[16]; /* open, closed */
	char playbook_slug[64];
	char playbook_name[128];
	int revno;
	int64_t alert_id; /* 0: none */
	char link_user[256];
	char link_host[256];
	char opened_by[64];
	char opened_at[32];
	char contained_at[32]; /* "" until the Containment phase is complete */
	char recovered_at[32]; /* "" until the Recovery phase is complete */
	char closed_at[32];
	int64_t time_to_contain_s;			/* -1 while not contained */
	int64_t time_to_recover_s;			/* -1 while not recovered */
	int steps_total, steps_finished, steps_blocked; /* finished: done or skipped */
	char *lessons; /* NULL until closed; owned: ir_incident_clear() */
};
void ir_incident_clear(struct ir_incident *inc);
void ir_incidents_free(struct ir_incident *v, size_t n);

int ir_incident_activate(struct store *s, const struct ir_activation *a, int64_t *id,
			 struct tater_err *err);

enum ir_which { IR_OPEN, IR_CLOSED, IR_ALL };
/* Incidents, newest first. */
int ir_incidents_list(struct store *s, enum ir_which which, struct ir_incident **out, size_t *n,
		      struct tater_err *err);
int ir_incident_get(struct store *s, int64_t id, struct ir_incident *out, struct tater_err *err);

struct ir_istep {
	int64_t id;
	int phase;
	int seq; /* 1-based within the phase */
	char title[256];
	char *detail;	 /* the frozen step text (detail, then evidence to keep) */
	char status[12]; /* todo, done, skipped, blocked */
	char assignee[64];
	char *reason;	/* why skipped or blocked */
	char *findings; /* accumulated notes, one per line */
	char *decisions;
	char updated_by[64];
	char updated_at[32];
};
/* An incident's steps in phase order.  ir_isteps_free(). */
int ir_incident_steps(struct store *s, int64_t id, struct ir_istep **out, size_t *n,
		      struct tater_err *err);
void ir_isteps_free(struct ir_istep *v, size_t n);
/* The step to work on: the first not done or skipped, in phase order (a
 * blocked step stays current).  -1 when all are finished. */
ssize_t ir_current_step(const struct ir_istep *steps, size_t n);

struct ir_iphase {
	int phase;
	char assignee[64];
	char *findings, *decisions;
	char started_at[32];   /* first change to one of its steps ("" before) */
	char completed_at[32]; /* all steps done or skipped ("" before) */
	int total, done, skipped, blocked;
	int64_t elapsed_s; /* started..completed, or started..now; 0 before start */
};
/* The five phases with progress.  ir_iphases_clear() the array. */
int ir_incident_phases(struct store *s, int64_t id, struct ir_iphase out[IR_PHASES],
		       struct tater_err *err);
void ir_iphases_clear(struct ir_iphase p[IR_PHASES]);

/* Find a step by phase (0-4) and seq (1-based): its id. */
int ir_step_find(struct store *s, int64_t incident_id, int phase, int seq, int64_t *step_id,
		 struct tater_err *err);
/* Parse "P.S" (phase 1-5, step from 1) as used on the command line. */
int ir_step_ref_parse(const char *ref, int *phase, int *seq);

/* status: "todo", "done", "skipped" (or "skip"), "blocked" (or "block").
 * reason is required for skipped and blocked.  note (may be NULL) is added
 * to the step's findings. */
int ir_step_set_status(struct store *s, int64_t incident_id, int64_t step_id, const char *status,
		       const char *reason, const char *note, struct tater_err *err);
/* user "" or NULL unassigns. */
int ir_step_assign(struct store *s, int64_t incident_id, int64_t step_id, const char *user,
		   struct tater_err *err);
int ir_phase_assign(struct store *s, int64_t incident_id, int phase, const char *user,
		    struct tater_err *err);
/* Add a finding and/or a decision (either may be NULL, not both). */
int ir_step_note(struct store *s, int64_t incident_id, int64_t step_id, const char *finding,
		 const char *decision, struct tater_err *err);
int ir_phase_note(struct store *s, int64_t incident_id, int phase, const char *finding,
		  const char *decision, struct tater_err *err);
/* Close with lessons learned (required). */
int ir_incident_close(struct store *s, int64_t incident_id, const char *lessons,
		      struct tater_err *err);

struct ir_event {
	int64_t id;
	char at[32];
	char actor[64];
	char kind[32]; /* activate, status, assign, finding, decision, close */
	int phase;     /* -1: the incident as a whole */
	int seq;       /* 0: the phase as a whole */
	char step_title[256];
	char *detail;
};
/* The incident's events in the order they happened.  ir_events_free(). */
int ir_incident_events(struct store *s, int64_t id, struct ir_event **out, size_t *n,
		       struct tater_err *err);
void ir_events_free(struct ir_event *v, size_t n);

/* Seconds between two store timestamps (b - a); -1 if either is unset. */
int64_t ir_seconds_between(const char *a, const char *b);
/* "1h 05m", "3d 4h", "45s" */
void ir_duration(int64_t seconds, char *buf, size_t n);

#endif
