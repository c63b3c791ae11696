/* irui.h - what the Playbooks, Incidents and Reports screens share.
 *
 * The jobs that change the incident-response store (every write runs on a
 * worker's own connection, never on the UI thread's), the bookkeeping that
 * tells a screen which finished jobs are its own, the hand-over between the
 * screens (activating a playbook opens the new incident in the tracker;
 * "report" in the tracker opens the Reports form for that incident), and a
 * small scrollable document view for texts made of wrapped paragraphs. */
#ifndef TATER_SCREENS_IRUI_H
#define TATER_SCREENS_IRUI_H

#include <stdint.h>

#include "tater/ir.h"
#include "tater/report.h"
#include "tater/screen.h"

enum irui_op {
	IRUI_ENSURE,	   /* load the pre-built playbooks */
	IRUI_CREATE,	   /* slug, t1 name, t2 type, t3 summary, body */
	IRUI_COPY,	   /* slug from, slug2 new, t1 name */
	IRUI_SAVE,	   /* slug, body, t1 summary */
	IRUI_OWNER,	   /* slug, t1 owner, t2 review date */
	IRUI_APPROVE,	   /* slug, revno */
	IRUI_REJECT,	   /* slug, revno, t1 reason */
	IRUI_IMPORT,	   /* t1 path */
	IRUI_EXPORT,	   /* slug, revno, t1 path */
	IRUI_ACTIVATE,	   /* slug, t1 title, t2 severity, alert, t3 user, t4 host */
	IRUI_STEP_STATUS,  /* incident, step, t1 status, t2 reason */
	IRUI_STEP_ASSIGN,  /* incident, step, t1 user */
	IRUI_PHASE_ASSIGN, /* incident, phase, t1 user */
	IRUI_STEP_NOTE,	   /* incident, step, t1 finding, t2 decision */
	IRUI_PHASE_NOTE,   /* incident, phase, t1 finding, t2 decision */
	IRUI_CLOSE,	   /* incident, t1 lessons */
	IRUI_REPORT,	   /* incident, fmt, t1 path */
};

struct irui_job {
	enum irui_op op;
	char slug[64], slug2[64];
	char *t1, *t2, *t3, *t4;
	int revno, phase;
	int64_t incident, step, alert;
	struct ir_body body;
	enum report_format fmt;
};

/* What a finished job hands back (the event's result). */
struct irui_result {
	enum irui_op op;
	int64_t id;	 /* activate: the new incident */
	int revno;	 /* save, import: the new revision */
	char slug[64];	 /* import: the playbook */
	char path[4096]; /* export, report: the file written, made absolute */
	size_t bytes;	 /* export, report: its size */
};

/* A new job (body initialised, texts NULL).  NULL when out of memory. */
struct irui_job *irui_job_new(enum irui_op op);
/* Copy s into *dst (NULL stays NULL).  0 or TATER_ENOMEM. */
int irui_set(char **dst, const char *s);
void irui_job_free(void *job);

/* The jobs a screen has in flight. */
#define IRUI_TRACK_MAX 16
struct irui_track {
	uint64_t id[IRUI_TRACK_MAX];
	enum irui_op op[IRUI_TRACK_MAX];
};

/* Queue the job (owned by the worker from now on, also on failure).
 * 0, or an error shown in the status bar. */
int irui_submit(struct screen_ctx *ctx, struct irui_track *t, struct irui_job *j,
		const char *title);
/* Is this finished job one of ours?  1 and *op when it is (forgotten then). */
int irui_track_take(struct irui_track *t, uint64_t job_id, enum irui_op *op);
int irui_track_busy(const struct irui_track *t);

/* Hand-over between screens: switch to the tracker showing incident id, or
 * to Reports with the form for incident id open.  The receiving screen
 * takes the id (0 when nothing is waiting) when it is entered. */
void irui_open_incident(struct screen_ctx *ctx, int64_t id);
void irui_open_report(struct screen_ctx *ctx, int64_t id);
int64_t irui_take_incident(void);
int64_t irui_take_report(void);

/* "2026-12-03T16:14:27.123Z" -> "2026-12-03 16:14" ("-" when empty). */
void irui_time(const char *iso, char *buf, size_t n);
/* Seconds as ir_duration does, "-" when negative. */
void irui_duration(int64_t s, char *buf, size_t n);

/* ---- a scrollable document: paragraphs, each wrapped ---- */
struct irui_para {
	int indent;
	enum ui_color color;
	char *text;
};
struct irui_doc {
	struct irui_para *p;
	size_t n, cap;
};
void irui_doc_add(struct irui_doc *d, int indent, enum ui_color c, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The same for a text that may hold line breaks: one paragraph per line,
 * the first prefixed (may be ""). */
void irui_doc_lines(struct irui_doc *d, int indent, enum ui_color c, const char *prefix,
		    const char *text);
void irui_doc_clear(struct irui_doc *d);
/* Draw from line `scroll`; returns the lines the whole document needs. */
int irui_doc_draw(const struct irui_doc *d, struct ui_rect r, int scroll);
/* Scroll keys (j/k, PgUp/PgDn, g/G): 1 when used.  *scroll is clamped to
 * total - page. */
int irui_doc_key(const struct ui_event *ev, int *scroll, int total, int page);

/* Severities for forms, NULL-terminated. */
extern const char *const irui_severities[];

#endif
