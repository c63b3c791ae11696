/* collect_internal.h - private to src/collect. */
#ifndef TATER_COLLECT_INTERNAL_H
#define TATER_COLLECT_INTERNAL_H

#include <stdint.h>

#include "tater/collect.h"

struct auth_entra;

int collect_client(const struct scan_opts *o, struct http_client **out, struct tater_err *err);
int collect_tenant_auth(struct vault *v, const struct tenant *t, const struct endpoints *ep,
			struct auth_entra **out, struct tater_err *err);

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
