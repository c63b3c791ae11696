/* dns.c - SPF, DMARC and DKIM TXT records of each mail domain, through a DNS-over-HTTPS
 * resolver's JSON API (GET {resolver}?name=N&type=TXT, Accept: application/dns-json; the
 * schema Google Public DNS and Cloudflare share: {"Status":0,"Answer":[{"name","type":16,
 * "TTL","data"}]}).
 *
 * The resolver is the tenant setting "dns.resolver" (a DoH JSON URL).  Without it a tenant on a
 * custom base URL (tater-sim, the demo) asks {base}/resolve, every other one Google Public DNS
 * (https://dns.google/resolve).  The domains are the verified ones of graph.domains whose
 * supportedServices hold Email, *.onmicrosoft.com excluded; each becomes one object
 * {"id": domain, "txt": [TXT at the domain], "dmarc": [TXT at _dmarc.<domain>],
 *  "dkimSelector1": [...], "dkimSelector2": [...] (selector1/2._domainkey.<domain>)}. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "collect_internal.h"
#include "tater/store.h"
#include "tater/tenants.h"

#define DNS_SOURCE "dns.txt"
#define DNS_DEFAULT_RESOLVER "https://dns.google/resolve"

static const struct m365_source dns_source = {
    .source = DNS_SOURCE,
    .kind = "dnsDomain",
    .perm = "nothing from Microsoft: the DNS resolver (setting dns.resolver) refused",
    .paging = HTTP_PAGING_NONE,
    .parent = "graph.domains",
};

static const struct {
	const char *prefix, *field;
} dns_queries[] = {
    {"", "txt"},
    {"_dmarc.", "dmarc"},
    {"selector1._domainkey.", "dkimSelector1"},
    {"selector2._domainkey.", "dkimSelector2"},
};
#define N_QUERIES (sizeof(dns_queries) / sizeof(dns_queries[0]))

struct dns_domain {
	struct dns_domain *next;
	json_t *obj;
	int pending, failed;
};

struct dns_state {
	char resolver[512];
	struct dns_domain *domains;
};

struct dns_query {
	struct scan_ctx *sc;
	struct source_state *ss;
	struct dns_domain *d;
	const char *field;
	char name[300];
};

int dns_add(struct scan_ctx *sc, struct tater_err *err)
{
	struct dns_state *st = calloc(1, sizeof(*st));
	char set[512];

	if (!st)
		return tater_errf(err, TATER_ENOMEM, "out of memory");
	sc->extras[3] = st;
	if (!m365_source_open(sc, &dns_source))
		return tater_errf(err, TATER_ENOMEM, "too many sources in one scan");
	if (tenant_setting_value(sc->s, sc->t->id, "dns.resolver", set, sizeof(set), NULL) > 0)
		snprintf(st->resolver, sizeof(st->resolver), "%s", set);
	else if (!strcmp(sc->t->cloud, "custom"))
		snprintf(st->resolver, sizeof(st->resolver), "%s/resolve",
			 sc->ep.base[ENDPOINTS_GRAPH]);
	else
		snprintf(st->resolver, sizeof(st->resolver), "%s", DNS_DEFAULT_RESOLVER);
	return 0;
}

/* One TXT answer's data: Cloudflare quotes each character-string ("\"a\" \"b\""), Google
 * gives the text as is.  Quoted strings are joined, as a TXT record's strings are. */
static json_t *txt_text(const char *data)
{
	size_t n = strlen(data), o = 0;
	char *out;
	json_t *j;

	if (n == 0 || data[0] != '"')
		return json_string(data);
	if (!(out = malloc(n + 1)))
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (data[i] != '"')
			continue;
		for (i++; i < n && data[i] != '"'; i++) {
			if (data[i] == '\\' && i + 1 < n)
				i++;
			out[o++] = data[i];
		}
	}
	out[o] = '\0';
	j = json_string(out);
	free(out);
	return j;
}

static int on_answer(void *ctx, const json_t *items, const json_t *page, struct tater_err *err)
{
	struct dns_query *q = ctx;
	json_t *status = json_object_get(page, "Status"), *list = json_array(), *a;
	json_int_t st = json_integer_value(status);
	size_t i;

	(void)items;
	if (!json_is_integer(status) || (st != 0 && st != 3)) {
		json_decref(list);
		return tater_errf(err, TATER_EHTTP, "DNS lookup of %s TXT failed (rcode %lld)",
				  q->name, (long long)st);
	}
	json_array_foreach(json_object_get(page, "Answer"), i, a) {
		const char *data = json_string_value(json_object_get(a, "data"));

		/* 16 is TXT; a CNAME on the way (DKIM selectors) is 5 and skipped. */
		if (json_integer_value(json_object_get(a, "type")) == 16 && data)
			json_array_append_new(list, txt_text(data));
	}
	json_object_set_new(q->d->obj, q->field, list);
	return 0;
}

static void on_done(void *ctx, int rc, const struct tater_err *e, const struct http_job_info *info)
{
	struct dns_query *q = ctx;
	struct tater_err err = {0};
	int src = rc;

	(void)info;
	if (rc < 0)
		q->d->failed = 1;
	if (--q->d->pending == 0 && !q->d->failed &&
	    (src = m365_source_stage(q->sc, q->ss, q->d->obj, &err)) < 0)
		e = &err;
	m365_source_release(q->sc, q->ss, src, e);
	free(q);
}

static int mail_domain(const json_t *d)
{
	const char *id = json_string_value(json_object_get(d, "id"));
	size_t n = id ? strlen(id) : 0, i;
	json_t *svc;
	int email = 0;

	if (!id || !json_is_true(json_object_get(d, "isVerified")) ||
	    (n >= 16 && !strcasecmp(id + n - 16, ".onmicrosoft.com")))
		return 0;
	json_array_foreach(json_object_get(d, "supportedServices"), i, svc)
		email |= json_is_string(svc) && !strcasecmp(json_string_value(svc), "Email");
	return email;
}

int dns_on_domains(struct scan_ctx *sc, const json_t *items, struct tater_err *err)
{
	struct dns_state *st = sc->extras[3];
	struct source_state *ss = m365_source_open(sc, &dns_source);
	static const char *const hdrs[] = {"Accept: application/dns-json", NULL};
	size_t i;
	json_t *dom;

	if (!st || !ss)
		return 0;
	json_array_foreach(items, i, dom) {
		const char *id = json_string_value(json_object_get(dom, "id"));
		struct dns_domain *d;

		if (!mail_domain(dom))
			continue;
		if (!(d = calloc(1, sizeof(*d))))
			return tater_errf(err, TATER_ENOMEM, "out of memory");
		d->obj = json_pack("{s:s, s:[], s:[], s:[], s:[]}", "id", id, "txt", "dmarc",
				   "dkimSelector1", "dkimSelector2");
		d->next = st->domains;
		st->domains = d;
		for (size_t k = 0; k < N_QUERIES; k++) {
			struct dns_query *q = calloc(1, sizeof(*q));
			struct http_paged p = {0};
			char *name, *url = NULL;
			int ret;

			if (!q)
				return tater_errf(err, TATER_ENOMEM, "out of memory");
			snprintf(q->name, sizeof(q->name), "%s%s", dns_queries[k].prefix, id);
			q->sc = sc;
			q->ss = ss;
			q->d = d;
			q->field = dns_queries[k].field;
			name = http_escape(q->name);
			if (!name || asprintf(&url, "%s?name=%s&type=TXT", st->resolver, name) < 0) {
				free(name);
				free(q);
				return tater_errf(err, TATER_ENOMEM, "out of memory");
			}
			free(name);
			p.req.url = url;
			p.req.headers = hdrs;
			p.req.tenant = sc->t->tenant_id;
			p.paging = HTTP_PAGING_NONE;
			p.on_page = on_answer;
			p.on_done = on_done;
			p.ctx = q;
			d->pending++;
			ss->pending++;
			ret = http_multi_add_paged(sc->hc, &p, err);
			free(url);
			if (ret < 0) {
				d->pending--;
				ss->pending--;
				free(q);
				return ret;
			}
		}
	}
	return 0;
}

void collect_extras_free(struct scan_ctx *sc)
{
	struct dns_state *st = sc->extras[3];

	while (st && st->domains) {
		struct dns_domain *d = st->domains;

		st->domains = d->next;
		json_decref(d->obj);
		free(d);
	}
	for (size_t i = 0; i < sizeof(sc->extras) / sizeof(sc->extras[0]); i++) {
		free(sc->extras[i]);
		sc->extras[i] = NULL;
	}
}
