/* collect_internal.h - private to src/collect. */
#ifndef TATER_COLLECT_INTERNAL_H
#define TATER_COLLECT_INTERNAL_H

#include <stdint.h>

#include <jansson.h>
#include <sqlite3.h>

#include "tater/collect.h"
#include "tater/endpoints.h"
#include "tater/http.h"

struct auth_entra;
struct http_auth;

int collect_client(const struct scan_opts *o, struct http_client **out, struct tater_err *err);
int collect_tenant_auth(struct vault *v, const struct tenant *t, const struct endpoints *ep,
			struct auth_entra **out, struct tater_err *err);

/* One source a scan reads.  perm names the permission (or role) a 403 most likely lacks,
 * so the unknown result can say what to grant. */
struct m365_source {
	const char *source, *kind, *path, *perm;
	enum http_paging paging;
	int role_fanout;	    /* directoryRoles: also read each role's members */
	enum endpoints_api api;	    /* 0: Graph */
	const char *method, *body;  /* NULL: GET without a body */
	const char *const *headers; /* NULL-terminated, or NULL */
	const char *items_key;	    /* the page's item array; NULL: "value" */
	const char *parent;	    /* fanned out from this source's pages; it inherits its
				     * failure when it never started */
};

#define COLLECT_MAX_SOURCES 64

struct source_state {
	const struct m365_source *def; /* NULL for the members fan-out */
	const char *source, *kind;
	int done;
	int rc;      /* first failure */
	int pending; /* collections still running (a fan-out has many) */
	long items;
	char detail[400];
};

/* The sources of one tenant scan, staged in a temporary table (m365.c). */
struct scan_ctx {
	struct store *s;
	struct http_client *hc;
	struct auth_entra *auth;
	struct endpoints ep; /* a copy: SharePoint's host is filled in during the scan */
	const struct scan_opts *o;
	const struct tenant *t;
	sqlite3_stmt *stage;	   /* an item with its key worked out in C */
	sqlite3_stmt *stage_sql;   /* an item SQLite keys (role members, keys that are not strings) */
	sqlite3_stmt *stage_whole; /* a singleton page, or an object a collector built */
	struct source_state st[COLLECT_MAX_SOURCES];
	size_t nst;
	int64_t sources_done;
	int fatal; /* a sign-in failure: nothing can be read */
	struct tater_err fatal_err;
	void *extras[4]; /* exo.c, spo.c, fabric.c, dns.c: what they own during a scan */
};

/* Add (or find) a source of the collection; NULL when the table is full. */
struct source_state *m365_source_open(struct scan_ctx *sc, const struct m365_source *def);
/* Queue a request of that source (path under def->api's base) on the running client. */
int m365_source_fetch(struct scan_ctx *sc, struct source_state *ss, const char *path,
		      struct tater_err *err);
/* Stage one object the collector built itself (its "id" or "Identity" is its key). */
int m365_source_stage(struct scan_ctx *sc, struct source_state *ss, const json_t *obj,
		      struct tater_err *err);
/* A request of ss the collector ran itself ended (ss->pending was raised for it). */
void m365_source_release(struct scan_ctx *sc, struct source_state *ss, int rc,
			 const struct tater_err *e);

/* The other collectors of the tenant scan: queue their sources (exo.c: Exchange Online and
 * Security & Compliance cmdlets; fabric.c: Power BI / Fabric tenant settings; spo.c:
 * SharePoint tenant properties, from the host the tenant's initial domain names; dns.c:
 * SPF, DMARC and DKIM TXT records of each mail domain, as the domain pages arrive). */
int exo_add(struct scan_ctx *sc, struct tater_err *err);
int fabric_add(struct scan_ctx *sc, struct tater_err *err);
int spo_add(struct scan_ctx *sc, struct tater_err *err);
int dns_add(struct scan_ctx *sc, struct tater_err *err);
int dns_on_domains(struct scan_ctx *sc, const json_t *items, struct tater_err *err);
void collect_extras_free(struct scan_ctx *sc);

/* The identity sources of one tenant, staged in a temporary table. */
struct m365_collection;

/* Read every source (network; the store is not locked meanwhile).  Fails only when nothing
 * could be read (sign-in failed, canceled); per-source failures are kept for the swap. */
int m365_collect(struct store *s, struct http_client *hc, struct auth_entra *auth,
		 const struct endpoints *ep, const struct tenant *t, const struct scan_opts *o,
		 struct m365_collection **out, struct tater_err *err);
/* Inside the caller's transaction: replace each source's snapshot, record source_status. */
int m365_swap_in(struct m365_collection *c, const char *scope, int64_t scan_id,
		 struct scan_summary *sum, struct tater_err *err);
long m365_user_count(struct m365_collection *c);
void m365_collection_free(struct m365_collection *c);

#endif
