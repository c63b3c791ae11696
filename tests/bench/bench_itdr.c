/* bench_itdr.c - ITDR ingestion and the queue's filter, measured.  Prints figures; not a test.
 *
 *   bench_itdr [DETECTIONS [SIGNINS [THROTTLED_DETECTIONS [THROTTLED_SIGNINS]]]]
 *   (defaults 50000 500000 5000 20000; $TATER_SIM names the simulator)
 *
 * 1. Unthrottled: tater-sim serves DETECTIONS risk detections and SIGNINS sign-ins; a first
 *    ingest (pacing off: every rate class RATE_NONE) is timed with its peak RSS, then the same
 *    pages are fetched with libcurl alone (same URLs, $top, $select and $filter, one stream
 *    after the other, nextLink found with strstr), and the ratio printed.  A second ingest shows
 *    what the watermarks leave to fetch.
 * 2. Throttled: tater-sim --throttle with the smaller counts; an ingest paced by the published
 *    limits, against the floor those limits impose (Identity Protection 1 request/s, audit logs
 *    5 per 10 s: classes run side by side, so the floor is the slowest class's).
 * 3. The queue at DETECTIONS alerts: itdr_queue_query latency for typical filters. */
#include <curl/curl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tater/http.h"
#include "tater/itdr.h"
#include "tater/store.h"
#include "tater/tenants.h"
#include "tater/vault.h"

#define NOW "2026-12-01T00:00:00Z"
#define SINCE "2026-01-01T00:00:00Z"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long peak_rss_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

struct sim {
	pid_t pid;
	unsigned port;
	char dir[64];
};

static int sim_start(struct sim *s, const char *const *extra)
{
	const char *bin = getenv("TATER_SIM");
	char portfile[128], *argv[32];
	int n = 0;

	if (!bin) {
		fprintf(stderr, "bench_itdr: set TATER_SIM to the tater-sim binary\n");
		return -1;
	}
	snprintf(s->dir, sizeof(s->dir), "/tmp/bench-itdr.XXXXXX");
	if (!mkdtemp(s->dir))
		return -1;
	snprintf(portfile, sizeof(portfile), "%s/port", s->dir);
	argv[n++] = (char *)bin;
	argv[n++] = "--port";
	argv[n++] = "0";
	argv[n++] = "--port-file";
	argv[n++] = portfile;
	for (int i = 0; extra[i] && n < 30; i++)
		argv[n++] = (char *)extra[i];
	argv[n] = NULL;
	if ((s->pid = fork()) == 0) {
		if (!freopen("/dev/null", "w", stderr))
			_exit(127);
		execv(bin, argv);
		_exit(127);
	}
	for (int i = 0; i < 300; i++) {
		FILE *f = fopen(portfile, "r");

		if (f && fscanf(f, "%u", &s->port) == 1) {
			fclose(f);
			return 0;
		}
		if (f)
			fclose(f);
		usleep(50000);
	}
	return -1;
}

static void sim_stop(struct sim *s)
{
	char cmd[128];

	kill(s->pid, SIGTERM);
	waitpid(s->pid, NULL, 0);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", s->dir);
	if (system(cmd) != 0)
		fprintf(stderr, "bench_itdr: could not remove %s\n", s->dir);
}

struct fx {
	char dir[64], path[128];
	struct store *s;
	struct vault *v;
	struct tenant t;
};

static int fx_open(struct fx *f, unsigned port)
{
	struct tater_err err = {0};

	snprintf(f->dir, sizeof(f->dir), "/tmp/bench-itdr-db.XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/tater.db", f->dir);
	if (store_open(&f->s, f->path, STORE_CREATE, &err) < 0 ||
	    vault_create(f->s, "pw", 2, &err) < 0 || vault_unlock(f->s, "pw", 2, &f->v, &err) < 0)
		goto fail;
	tenant_init(&f->t);
	snprintf(f->t.name, sizeof(f->t.name), "sim");
	snprintf(f->t.tenant_id, sizeof(f->t.tenant_id), "00000000-0000-4000-8000-000000000001");
	snprintf(f->t.client_id, sizeof(f->t.client_id), "11111111-1111-4111-8111-111111111111");
	snprintf(f->t.cloud, sizeof(f->t.cloud), "custom");
	snprintf(f->t.base_url, sizeof(f->t.base_url), "http://127.0.0.1:%u", port);
	if (tenant_save(f->s, &f->t, &err) < 0 ||
	    vault_put(f->v, "tenants", f->t.id, "client_secret", "sim-secret", 10, &err) < 0)
		goto fail;
	return 0;
fail:
	fprintf(stderr, "bench_itdr: %s\n", err.msg);
	return -1;
}

static void fx_close(struct fx *f)
{
	char cmd[160];

	vault_close(f->v);
	store_close(f->s);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	if (system(cmd) != 0)
		fprintf(stderr, "bench_itdr: could not remove %s\n", f->dir);
}

/* ---- libcurl alone ---- */

struct buf {
	char *p;
	size_t n;
	unsigned long long total;
};

static size_t on_data(char *d, size_t sz, size_t nm, void *ctx)
{
	struct buf *b = ctx;
	char *np = realloc(b->p, b->n + sz * nm + 1);

	if (!np)
		return 0;
	b->p = np;
	memcpy(b->p + b->n, d, sz * nm);
	b->n += sz * nm;
	b->p[b->n] = '\0';
	b->total += sz * nm;
	return sz * nm;
}

static char *token(CURL *c, unsigned port)
{
	char url[128];
	struct buf b = {0};
	char *t = NULL, *p;

	snprintf(url, sizeof(url),
		 "http://127.0.0.1:%u/00000000-0000-4000-8000-000000000001/oauth2"
		 "/v2.0/token",
		 port);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS,
			 "client_id=11111111-1111-4111-8111-111111111111&client_secret=sim-secret"
			 "&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default"
			 "&grant_type=client_credentials");
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	if (curl_easy_perform(c) == CURLE_OK && b.p && (p = strstr(b.p, "\"access_token\":\""))) {
		p += 16;
		t = strndup(p, strcspn(p, "\""));
	}
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, NULL);
	curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
	free(b.p);
	return t;
}

/* Walk one collection; returns pages, adds bytes. */
static int curl_walk(CURL *c, struct curl_slist *h, const char *first, unsigned long long *bytes)
{
	char *url = strdup(first);
	int pages = 0;

	while (url) {
		struct buf b = {0};
		char *p;

		curl_easy_setopt(c, CURLOPT_URL, url);
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
		curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
		free(url);
		url = NULL;
		if (curl_easy_perform(c) != CURLE_OK)
			break;
		pages++;
		*bytes += b.total;
		if (b.p && (p = strstr(b.p, "\"@odata.nextLink\":\""))) {
			p += 19;
			url = strndup(p, strcspn(p, "\""));
		}
		free(b.p);
	}
	return pages;
}

static double curl_alone(unsigned port, int *pages, unsigned long long *bytes)
{
	static const char *const paths[] = {
	    "/v1.0/identityProtection/"
	    "riskDetections?$top=500&$filter=detectedDateTime%20ge%20" SINCE,
	    "/v1.0/identityProtection/"
	    "riskyUsers?$top=500&$filter=riskLastUpdatedDateTime%20ge%20" SINCE,
	    "/v1.0/auditLogs/signIns?$top=1000&$select=id,createdDateTime,userId,userPrincipalName,"
	    "appDisplayName,ipAddress,location,deviceDetail,status,correlationId,clientAppUsed,"
	    "conditionalAccessStatus,isInteractive,riskLevelDuringSignIn"
	    "&$filter=createdDateTime%20ge%20" SINCE};
	CURL *c = curl_easy_init();
	struct curl_slist *h = NULL;
	char auth[4096], url[1024], *t;
	double t0 = now_s();

	curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	t = token(c, port);
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", t ? t : "");
	free(t);
	h = curl_slist_append(h, auth);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	*pages = 0;
	*bytes = 0;
	for (int i = 0; i < 3; i++) {
		snprintf(url, sizeof(url), "http://127.0.0.1:%u%s", port, paths[i]);
		*pages += curl_walk(c, h, url, bytes);
	}
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	return now_s() - t0;
}

/* ---- runs ---- */

static double t_store, t_phase; /* when the store phase, and its current step, began */
static char last_phase[48];

static void on_progress(void *ctx, int64_t done, int64_t total, const char *phase)
{
	static const char *const steps[] = {"storing alerts", "upserting alerts",
					    "linking sign-ins", "pruning old sign-ins"};
	double t = now_s();

	(void)ctx, (void)done, (void)total;
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		if (strcmp(phase, steps[i]))
			continue;
		if (i == 0)
			t_store = t;
		else
			printf("    %-20s %.2f s\n", last_phase, t - t_phase);
		t_phase = t;
		snprintf(last_phase, sizeof(last_phase), "%s", i == 0 ? "storing sign-ins" : phase);
	}
}

static int ingest(struct fx *f, int paced, struct itdr_ingest_summary *sum, double *secs)
{
	struct itdr_ingest_opts o = {
	    .no_pacing = !paced, .first_since = SINCE, .now = NOW, .progress = {on_progress, NULL}};
	struct tater_err err = {0};
	double t0 = now_s();
	int rc = itdr_ingest(f->s, f->v, &f->t, &o, sum, &err);

	*secs = now_s() - t0;
	if (t_store > t0)
		printf(
		    "    %-20s %.2f s\n  (network and staging %.2f s, store transaction %.2f s)\n",
		    last_phase, now_s() - t_phase, t_store - t0, now_s() - t_store);
	t_store = 0;
	if (rc < 0)
		fprintf(stderr, "bench_itdr: ingest: %s\n", err.msg);
	return rc;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void queue_latency(struct fx *f)
{
	static const char *const filters[] = {
	    "",	      "sev:critical",	       "user:haddad",
	    "leaked", "assignee:none age:<7d", "status:open sev:>=high"};
	struct itdr_queue *q = itdr_queue_new();
	struct tater_err err = {0};
	double t0 = now_s(), lat[50];
	int64_t now = itdr_time_parse(NOW);

	if (itdr_queue_load(q, f->s, &err) < 0) {
		fprintf(stderr, "bench_itdr: %s\n", err.msg);
		itdr_queue_free(q);
		return;
	}
	printf("queue: loaded %zu alerts in %.0f ms (peak RSS now %ld MiB)\n", itdr_queue_total(q),
	       (now_s() - t0) * 1000, peak_rss_kb() / 1024);
	for (size_t k = 0; k < sizeof(filters) / sizeof(filters[0]); k++) {
		for (int i = 0; i < 50; i++) {
			double a = now_s();

			itdr_queue_query(q, filters[k], NULL, NULL, i % 2 ? ITDR_Q_AGE : -1, 0,
					 "me", now);
			lat[i] = (now_s() - a) * 1000;
		}
		qsort(lat, 50, sizeof(double), cmp_d);
		printf("queue: filter %-24s %6zu rows  p50 %.2f ms  p99 %.2f ms\n",
		       filters[k][0] ? filters[k] : "(none)", itdr_queue_count(q), lat[25],
		       lat[49]);
	}
	itdr_queue_free(q);
}

int main(int argc, char **argv)
{
	long ndet = argc > 1 ? atol(argv[1]) : 50000, nsi = argc > 2 ? atol(argv[2]) : 500000;
	long tdet = argc > 3 ? atol(argv[3]) : 5000, tsi = argc > 4 ? atol(argv[4]) : 20000;
	char sdet[32], ssi[32], susers[32];
	struct itdr_ingest_summary sum;
	struct sim sim;
	struct fx f;
	double secs, csecs;
	int pages;
	unsigned long long bytes;
	long rss0;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	/* ---- 1. unthrottled ---- */
	snprintf(sdet, sizeof(sdet), "%ld", ndet);
	snprintf(ssi, sizeof(ssi), "%ld", nsi);
	snprintf(susers, sizeof(susers), "%ld", ndet * 2 > 1000 ? ndet * 2 : 1000);
	{
		const char *args[] = {
		    "--users", susers, "--detections", sdet, "--signins", ssi, "--now", NOW, NULL};

		if (sim_start(&sim, args) < 0 || fx_open(&f, sim.port) < 0)
			return 1;
	}
	rss0 = peak_rss_kb();
	if (ingest(&f, 0, &sum, &secs) < 0)
		return 1;
	printf("ingest (unthrottled): %ld detections, %ld risky users, %ld sign-ins -> %ld alerts, "
	       "%ld links in %.2f s; %lu requests; peak RSS %ld MiB (%ld MiB before)\n",
	       sum.detections, sum.risky_users, sum.signins, sum.alerts_new, sum.links, secs,
	       sum.requests, peak_rss_kb() / 1024, rss0 / 1024);
	csecs = curl_alone(sim.port, &pages, &bytes);
	printf("libcurl alone, same pages: %d pages, %.1f MiB in %.2f s; ingest / curl = %.2f\n",
	       pages, (double)bytes / 1048576.0, csecs, secs / csecs);
	{
		struct itdr_ingest_summary s2;
		double secs2;

		ingest(&f, 0, &s2, &secs2);
		printf("second ingest (watermarks): %ld detections, %ld sign-ins, %lu requests, "
		       "%.3f s\n",
		       s2.detections, s2.signins, s2.requests, secs2);
	}
	queue_latency(&f);
	fx_close(&f);
	sim_stop(&sim);

	/* ---- 2. throttled ---- */
	snprintf(sdet, sizeof(sdet), "%ld", tdet);
	snprintf(ssi, sizeof(ssi), "%ld", tsi);
	snprintf(susers, sizeof(susers), "%ld", tdet * 2 > 1000 ? tdet * 2 : 1000);
	{
		const char *args[] = {"--users", susers, "--detections", sdet, "--signins", ssi,
				      "--now",	 NOW,	 "--throttle",	 NULL};
		long det_pages = (tdet + 499) / 500, risky_pages, si_pages = (tsi + 999) / 1000;
		long users = atol(susers), nrisky = users > 7 ? (users - 8) / 50 + 1 : 0;
		double floor_ca, floor_audit, fl;

		if (sim_start(&sim, args) < 0 || fx_open(&f, sim.port) < 0)
			return 1;
		risky_pages = nrisky / 500 + 1;
		/* Identity Protection: 1 request/s (the first is free); audit: 5 per 10 s. */
		floor_ca = (double)(det_pages + risky_pages - 1);
		floor_audit = si_pages > 5 ? (double)((si_pages - 5 + 4) / 5) * 10.0 : 0;
		fl = floor_ca > floor_audit ? floor_ca : floor_audit;
		if (ingest(&f, 1, &sum, &secs) < 0)
			return 1;
		printf("ingest (--throttle, paced): %ld detections, %ld sign-ins in %.1f s; %lu "
		       "requests, %lu answered 429; floor %.0f s (IP class %.0f s, audit %.0f s); "
		       "ratio %.2f\n",
		       sum.detections, sum.signins, secs, sum.requests, sum.throttled, fl, floor_ca,
		       floor_audit, fl > 0 ? secs / fl : 0);
		fx_close(&f);
		sim_stop(&sim);
	}
	curl_global_cleanup();
	return 0;
}
