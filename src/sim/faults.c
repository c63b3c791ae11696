/* faults.c - injected faults.
 *
 * Two sources: rules that hit exactly the Nth request to a path (--fault-at,
 * --fault-once), for tests that need one 429 on page 3; and random faults by
 * rate (--fault-429 ...), rolled from hash(seed, path, n) where n counts the
 * requests to that path, so a sequential client sees the same faults each run. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim.h"

struct sim_fault_rule {
	char *path;
	int prefix; /* path ended in '*' */
	int once;
	int fired;
	long from, to; /* 1-based request numbers; to < 0: no end */
	long count;
	struct sim_fault f;
};

#define NCOUNTERS 4096

static struct {
	uint64_t key;
	uint64_t count;
} counters[NCOUNTERS];

static const struct {
	const char *name;
	enum sim_fault_kind kind;
} kinds[] = {
    {"429", SIM_F_429},
    {"503", SIM_F_503},
    {"500", SIM_F_500},
    {"cut", SIM_F_CUT},
    {"malformed", SIM_F_MALFORMED},
    {"short", SIM_F_SHORT},
    {"nolink", SIM_F_NOLINK},
    {"slow", SIM_F_SLOW},
    {"401", SIM_F_EXPIRED},
    {"expired", SIM_F_EXPIRED},
    {"reset", SIM_F_RESET},
};

static int parse_rule(const char *spec, struct sim_fault_rule *r, struct tater_err *err)
{
	char *copy = sim_xstrdup(spec), *path, *nth, *kind, *arg, *save = NULL, *end;
	int rc = 0;
	size_t i;

	memset(r, 0, sizeof(*r));
	path = strtok_r(copy, ":", &save);
	nth = strtok_r(NULL, ":", &save);
	kind = strtok_r(NULL, ":", &save);
	arg = strtok_r(NULL, "", &save);
	if (!path || path[0] != '/' || !nth || !kind) {
		rc = tater_errf(err, TATER_EINVAL,
				"fault '%s': want PATH:N:KIND[:ARG] (PATH starts with /)", spec);
		goto out;
	}
	if (strcmp(nth, "once") == 0) {
		r->once = 1;
	} else {
		r->from = strtol(nth, &end, 10);
		r->to = r->from;
		if (*end == '+' && !end[1]) {
			r->to = -1;
			end++;
		}
		else if (*end == '-')
			r->to = strtol(end + 1, &end, 10);
		if (*end || r->from < 1 || (r->to >= 0 && r->to < r->from)) {
			rc = tater_errf(err, TATER_EINVAL,
					"fault '%s': N must be N, N-M or N+ (from 1)", spec);
			goto out;
		}
	}
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcasecmp(kind, kinds[i].name) == 0)
			break;
	if (i == sizeof(kinds) / sizeof(kinds[0])) {
		rc = tater_errf(err, TATER_EINVAL,
				"fault '%s': KIND is one of 429 503 500 cut malformed short nolink "
				"slow 401 reset",
				spec);
		goto out;
	}
	r->f.kind = kinds[i].kind;
	if (arg)
		snprintf(r->f.arg, sizeof(r->f.arg), "%s", arg);
	else if (r->f.kind == SIM_F_SLOW)
		snprintf(r->f.arg, sizeof(r->f.arg), "1000");
	else if (r->f.kind == SIM_F_429 || r->f.kind == SIM_F_503)
		snprintf(r->f.arg, sizeof(r->f.arg), "1");
	r->prefix = path[strlen(path) - 1] == '*';
	if (r->prefix)
		path[strlen(path) - 1] = '\0';
	r->path = sim_xstrdup(path);
out:
	free(copy);
	return rc;
}

int sim_fault_spec_check(const char *spec, struct tater_err *err)
{
	struct sim_fault_rule r;

	if (parse_rule(spec, &r, err) < 0)
		return err->code;
	free(r.path);
	return 0;
}

static int rate_or_path(const char *v, double *rate, const char **path, const char *flag,
			struct tater_err *err)
{
	char *end;

	*rate = 0;
	*path = NULL;
	if (!v)
		return 0;
	if (v[0] == '/') {
		*path = v;
		return 0;
	}
	*rate = strtod(v, &end);
	if (*end || *rate < 0 || *rate > 1)
		return tater_errf(err, TATER_EINVAL, "--%s wants a path or a rate 0-1, not '%s'",
				  flag, v);
	return 0;
}

int sim_faults_init(struct sim *s, struct tater_err *err)
{
	double r;
	const char *p;

	if (rate_or_path(s->cfg.fault_malformed, &r, &p, "fault-malformed", err) < 0 ||
	    rate_or_path(s->cfg.fault_truncate, &r, &p, "fault-truncate", err) < 0)
		return err->code;
	if (s->cfg.fault_429 < 0 || s->cfg.fault_429 > 1 || s->cfg.fault_503 < 0 ||
	    s->cfg.fault_503 > 1 || s->cfg.fault_cut < 0 || s->cfg.fault_cut > 1)
		return tater_errf(err, TATER_EINVAL, "fault rates are fractions from 0 to 1");
	s->rules = calloc(s->cfg.nfault_specs + 1, sizeof(*s->rules));
	if (!s->rules)
		abort();
	for (size_t i = 0; i < s->cfg.nfault_specs; i++) {
		if (parse_rule(s->cfg.fault_specs[i], &s->rules[i], err) < 0)
			return err->code;
		s->nrules++;
	}
	return 0;
}

void sim_faults_free(struct sim *s)
{
	for (size_t i = 0; i < s->nrules; i++)
		free(s->rules[i].path);
	free(s->rules);
}

static int path_matches(const char *want, int prefix, const char *path)
{
	return prefix ? strncasecmp(want, path, strlen(want)) == 0 : strcasecmp(want, path) == 0;
}

/* How many requests this path has had, this one included (caller holds the lock). */
static uint64_t bump(const char *path)
{
	uint64_t key = sim_hash_str(path) | 1, i = key % NCOUNTERS;

	for (size_t probe = 0; probe < NCOUNTERS; probe++, i = (i + 1) % NCOUNTERS) {
		if (counters[i].key == key || counters[i].key == 0) {
			counters[i].key = key;
			return ++counters[i].count;
		}
	}
	return 0; /* table full: treat as the first request */
}

static double roll(struct sim *s, const char *what, const char *path, uint64_t n)
{
	uint64_t h = sim_hash((uint64_t)s->cfg.seed ^ sim_hash_str(path), what, n);

	return (double)(h >> 11) / 9007199254740992.0; /* [0, 1) */
}

static int hits(struct sim *s, const char *v, const char *what, const char *path, uint64_t n)
{
	double rate;
	const char *p;

	if (rate_or_path(v, &rate, &p, what, NULL) < 0)
		return 0;
	if (p) {
		size_t len = strlen(p);

		return p[len - 1] == '*' ? strncasecmp(p, path, len - 1) == 0
					 : strcasecmp(p, path) == 0;
	}
	return rate > 0 && roll(s, what, path, n) < rate;
}

void sim_fault_pick(struct sim *s, struct sim_req *rq, struct sim_fault *f)
{
	uint64_t n;

	memset(f, 0, sizeof(*f));
	pthread_mutex_lock(&s->lock);
	n = bump(rq->path);
	for (size_t i = 0; i < s->nrules; i++) {
		struct sim_fault_rule *r = &s->rules[i];

		if (!path_matches(r->path, r->prefix, rq->path))
			continue;
		if (r->once) {
			if (!r->fired && f->kind == SIM_F_NONE) {
				r->fired = 1;
				*f = r->f;
			}
			continue;
		}
		r->count++;
		if (f->kind == SIM_F_NONE && r->count >= r->from &&
		    (r->to < 0 || r->count <= r->to))
			*f = r->f;
	}
	pthread_mutex_unlock(&s->lock);
	if (f->kind != SIM_F_NONE || strcmp(rq->path, "/webhooks") == 0)
		return; /* the webhook's own failures come from --webhook-fail-first */
	if (s->cfg.fault_429 > 0 && roll(s, "429", rq->path, n) < s->cfg.fault_429) {
		f->kind = SIM_F_429;
		snprintf(f->arg, sizeof(f->arg), "%s", s->cfg.retry_after);
	} else if (s->cfg.fault_503 > 0 && roll(s, "503", rq->path, n) < s->cfg.fault_503) {
		f->kind = SIM_F_503;
		snprintf(f->arg, sizeof(f->arg), "%s", s->cfg.retry_after);
	} else if (s->cfg.fault_cut > 0 && roll(s, "cut", rq->path, n) < s->cfg.fault_cut) {
		f->kind = SIM_F_CUT;
	} else if (hits(s, s->cfg.fault_malformed, "fault-malformed", rq->path, n)) {
		f->kind = SIM_F_MALFORMED;
	} else if (hits(s, s->cfg.fault_truncate, "fault-truncate", rq->path, n)) {
		f->kind = SIM_F_SHORT;
	}
}

int sim_fault_answer(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
		     const struct sim_fault *f)
{
	int with_ra = f->arg[0] && strcmp(f->arg, "none") != 0;

	(void)s;
	switch (f->kind) {
	case SIM_F_429:
		if (sim_is_graph_path(rq->path))
			sim_graph_error(rs, 429, "TooManyRequests",
					"Too many requests. Please try again later.");
		else
			sim_arm_error(rs, 429, "TooManyRequests",
				      "The request is being throttled. Retry after the period in "
				      "the Retry-After header.");
		break;
	case SIM_F_503:
		if (sim_is_graph_path(rq->path))
			sim_graph_error(rs, 503, "serviceNotAvailable",
					"Service is temporarily unavailable. Please retry later.");
		else
			sim_arm_error(rs, 503, "ServiceUnavailable",
				      "The service is temporarily unavailable.");
		break;
	case SIM_F_500:
		sim_api_error(rq, rs, 500, "InternalServerError", "An internal error occurred.");
		return 1;
	case SIM_F_EXPIRED:
		sim_auth_expired(rq, rs, rq->route ? rq->route->auth : SIM_AUTH_GRAPH);
		return 1;
	default:
		return 0;
	}
	if (with_ra)
		sim_resp_header(rs, "Retry-After", "%s", f->arg);
	return 1;
}

void sim_fault_corrupt(struct sim_resp *rs)
{
	static const char tail[] = "<html><body>502 Bad Gateway</body></html>";
	size_t keep = rs->len / 2;
	char *b = sim_xmalloc(keep + sizeof(tail));

	/* Half a JSON document then HTML, as a broken proxy would send: never valid JSON. */
	memcpy(b, rs->body, keep);
	memcpy(b + keep, tail, sizeof(tail));
	free(rs->body);
	rs->body = b;
	rs->len = keep + sizeof(tail) - 1;
}
