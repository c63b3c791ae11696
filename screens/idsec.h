/* idsec.h - what the identity-security screens (Dashboard, Identity, Controls) share:
 * the selected tenant, the controls catalog, the unlocked vault and the scan job.
 *
 * One instance per console, created by the first of those screens and freed with the last
 * (UI thread only).  A scan or a risk acceptance bumps `generation`; each screen compares
 * it with the one it loaded and reloads when they differ, so every screen shows the new
 * results without being told one by one. */
#ifndef TATER_SCREENS_IDSEC_H
#define TATER_SCREENS_IDSEC_H

#include <stddef.h>
#include <stdint.h>

#include "tater/posture.h"
#include "tater/screen.h"
#include "tater/tenants.h"

struct catalog;
struct vault;

struct idsec {
	struct screen_ctx *ctx;
	int refs;
	struct tenant *tenants;
	size_t ntenants;
	int64_t tenant_id; /* the selected tenant (0: none) */
	struct catalog *cat;
	char cat_err[512];   /* why the catalog did not load */
	struct vault *vault; /* unlocked on the UI's store connection, once per session */
	uint64_t scan_job;
	char scan_name[128];
	unsigned generation;
	/* A recommendation's "jump to its controls", taken by the Controls screen. */
	int jump;
	char jump_title[160];
	char jump_ids[POSTURE_REC_CONTROLS][64];
	int njump;
	/* A figure whose list the Identity screen opens on its next visit (-1: none). */
	int open_list;
	/* The identity figures of the selected tenant (see idsec_figures). */
	struct {
		struct posture p;
		int have;	  /* p holds figures */
		char err[512];	  /* why the last load failed ("" when it did not) */
		unsigned gen;	  /* the generation and tenant they were read for */
		int64_t tenant;
		uint64_t job;	  /* the load running, or 0 */
		unsigned job_gen; /* what it was started for */
		int64_t job_tenant;
		unsigned seq; /* bumped at each new result */
		int reload;   /* asked for again */
	} fig;
};

struct idsec *idsec_get(struct screen_ctx *ctx);
void idsec_put(struct idsec *is);

/* Re-read the tenant list (keeps the selection when it still exists). */
void idsec_reload_tenants(struct idsec *is);
/* The selected tenant, or NULL when there is none. */
const struct tenant *idsec_tenant(struct idsec *is);
/* Its scope ("tenant:3"); "" when there is none. */
void idsec_scope(struct idsec *is, char *buf, size_t n);
void idsec_next_tenant(struct idsec *is);
/* The catalog (loaded on first use); NULL with cat_err set when it cannot load. */
const struct catalog *idsec_catalog(struct idsec *is);

/* Scan the selected tenant as a worker job, asking for the vault passphrase first when the
 * vault is locked and there is no key file. */
void idsec_scan(struct idsec *is);
/* Completion of the scan job or of a figures load: 1 when ev was one of them. */
int idsec_event(struct idsec *is, struct worker_event *ev);

/* The identity figures of the selected tenant, as of its latest scan.  Reading them takes
 * seconds at 100,000 users, so a worker job does it whenever they are out of date (a new
 * scan, another tenant); until it ends this returns the previous figures of the same
 * tenant, or NULL with *why saying why there are none ("reading ...", the error, "no
 * tenant").  is->fig.seq changes when new figures arrive. */
const struct posture *idsec_figures(struct idsec *is, const char **why);
/* Read them again even though nothing changed (the user asked). */
void idsec_figures_reload(struct idsec *is);

/* The last scan of the selected tenant, for a header line; 0 when there is none. */
struct idsec_last_scan {
	char started[32], finished[32], status[16];
	char detail[256];
};
int idsec_last_scan(struct idsec *is, struct idsec_last_scan *out);

/* What a job needs to open the vault on its own store connection: a clone of the session's
 * vault, or the key file, or a passphrase typed now.  idsec_with_key gathers it (asking in a
 * modal when needed) and calls ready(ctx, k) with k owned by the callee from then on, or
 * ready(ctx, NULL) when the user gave no passphrase.  In the job, idsec_key_open unlocks on
 * the job's store (out, freed by the job) and, the first time, makes *keep: a handle for the
 * UI's connection to hand back with the result (idsec_keep_vault). */
struct idsec_key {
	struct vault *v; /* clone of the session's vault, or NULL */
	char *pass;	 /* sodium_malloc'd, or NULL */
	size_t pass_len;
	char key_file[1024];
	struct store *ui_store; /* only to bind *keep; never used by the job */
};
typedef void (*idsec_key_ready)(void *ctx, struct idsec_key *k);
void idsec_with_key(struct idsec *is, const char *why, idsec_key_ready ready, void *ctx);
int idsec_key_open(struct idsec_key *k, struct store *s, struct vault **out, struct vault **keep,
		   struct tater_err *err);
void idsec_key_free(struct idsec_key *k);
/* Keep a handle from a job (takes it; frees it when one is kept already). */
void idsec_keep_vault(struct idsec *is, struct vault *v);

/* The shared key handling of the three screens (scan, next tenant); UI_IGNORED otherwise. */
int idsec_key(struct idsec *is, const struct ui_event *ev);

/* Draw the "Tenant: X (t: next)" / scan-state line; returns the rect below it. */
struct ui_rect idsec_header(struct idsec *is, struct ui_rect r, const char *title);

/* Ask the Controls screen to show only these controls, and go there. */
void idsec_jump_controls(struct idsec *is, const struct posture_rec *rec);
/* Ask the Identity screen to open a figure's list, and go there. */
void idsec_open_list(struct idsec *is, enum posture_figure f);

/* "2026-12-03T16:14:27.123Z" -> "2026-12-03 16:14" (UTC). */
void idsec_short_time(const char *iso, char *out, size_t n);

#endif
