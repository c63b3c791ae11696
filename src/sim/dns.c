/* dns.c - a DNS-over-HTTPS resolver's JSON API (Google Public DNS's /resolve, the schema
 * Cloudflare shares): GET /resolve?name=N&type=TXT answers {"Status":0,"TC":false,"RD":true,
 * "RA":true,"AD":false,"CD":false,"Question":[{"name":"N.","type":16}],"Answer":[{"name":"N.",
 * "type":16,"TTL":3600,"data":"…"}]}, Status 3 (NXDOMAIN) without Answer for a name that has
 * nothing.  Only TXT is served (other types: Status 0, no answer).
 *
 * Synthetic records for the tenant's mail domain <D>.example: an SPF record that passes, a
 * DMARC record with p=none (so the DMARC control fails), and DKIM selector keys only when
 * Get-DkimSigningConfig (estate "exo:Get-DkimSigningConfig" first) enables the domain.
 * --estate "dns:TXT:<name>" (an array of strings) replaces a name's records; [] is NXDOMAIN. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim.h"

static int dkim_enabled(struct sim *s, const char *domain)
{
	json_t *ov = sim_estate_get(s, "exo:Get-DkimSigningConfig");
	json_t *cfg = ov ? json_incref(ov) : sim_exo_cmdlet(s, 0, "Get-DkimSigningConfig"), *c;
	size_t i;
	int on = 0;

	if (json_is_object(cfg)) {
		json_t *a = json_pack("[O]", cfg);

		json_decref(cfg);
		cfg = a;
	}
	json_array_foreach(cfg, i, c) {
		const char *d = json_string_value(json_object_get(c, "Domain"));

		if (d && !strcasecmp(d, domain) && json_is_true(json_object_get(c, "Enabled")))
			on = 1;
	}
	json_decref(cfg);
	return on;
}

/* The synthetic TXT strings of name, or NULL (NXDOMAIN). */
static json_t *synthetic_txt(struct sim *s, const char *name)
{
	char dom[300];
	const char *p;

	snprintf(dom, sizeof(dom), "%s.example", s->cfg.domain);
	if (!strcasecmp(name, dom))
		return json_pack("[s,s]", "v=spf1 include:spf.protection.outlook.com -all",
				 "MS=ms48213377");
	if (!strncasecmp(name, "_dmarc.", 7) && !strcasecmp(name + 7, dom)) {
		char *rec = sim_xasprintf("v=DMARC1; p=none; rua=mailto:dmarc-reports@%s", dom);
		json_t *j = json_pack("[s]", rec);

		free(rec);
		return j;
	}
	if ((!strncasecmp(name, "selector1._domainkey.", 21) ||
	     !strncasecmp(name, "selector2._domainkey.", 21)) &&
	    (p = name + 21) && dkim_enabled(s, p))
		return json_pack("[s]", "v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA"
					"synthetic0key0for0tater0sim0only0IDAQAB");
	return NULL;
}

void sim_h_dns_resolve(struct sim *s, struct sim_req *rq, struct sim_resp *rs)
{
	const char *name = sim_req_query(rq, "name"), *type = sim_req_query(rq, "type");
	json_t *recs = NULL, *answer = json_array(), *r, *doc;
	char fq[300], key[320];
	size_t n, i;

	if (!name || !*name || strlen(name) > 253) {
		json_decref(answer);
		sim_resp_json(rs, 400, json_pack("{s:s}", "error", "Invalid name"));
		return;
	}
	n = strlen(name);
	snprintf(fq, sizeof(fq), "%.*s", (int)(name[n - 1] == '.' ? n - 1 : n), name);
	if (!type || !strcasecmp(type, "TXT") || !strcmp(type, "16")) {
		snprintf(key, sizeof(key), "dns:TXT:%s", fq);
		recs = sim_estate_get(s, key);
		recs = recs ? json_incref(recs) : synthetic_txt(s, fq);
		if (recs && json_array_size(recs) == 0) {
			json_decref(recs);
			recs = NULL;
		}
	} else {
		recs = json_array(); /* the name exists; no records of that type */
	}
	json_array_foreach(recs, i, r) {
		char *q = sim_xasprintf("%s.", fq);

		json_array_append_new(answer, json_pack("{s:s, s:i, s:i, s:O}", "name", q, "type", 16,
							"TTL", 3600, "data", r));
		free(q);
	}
	{
		char *q = sim_xasprintf("%s.", fq);

		doc = json_pack("{s:i, s:b, s:b, s:b, s:b, s:b, s:[{s:s, s:i}]}", "Status",
				recs ? 0 : 3, "TC", 0, "RD", 1, "RA", 1, "AD", 0, "CD", 0, "Question",
				"name", q, "type", 16);
		free(q);
	}
	if (json_array_size(answer) > 0)
		json_object_set_new(doc, "Answer", answer);
	else
		json_decref(answer);
	json_decref(recs);
	sim_resp_json(rs, 200, doc);
	sim_resp_header(rs, "Content-Type", "application/dns-json");
}
