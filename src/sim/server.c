/* server.c - libmicrohttpd glue: one request in, one answer out, one log line.
 *
 * The order of a request's life is fixed here for every endpoint: fault pick,
 * latency, route, injected answers, bearer check, throttle, --deny, handler,
 * body faults, log.  Handlers only build the answer. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <microhttpd.h>

#include "sim.h"

#define SIM_MAX_BODY (4u << 20)

/* Per-request state, born in the URI log callback (which sees the raw URI, so the
 * query is decoded by us, once, the way the services do: '+' is a space). */
struct req_state {
	char *uri;
	char *body;
	size_t len, cap;
	int started;
	int too_big;
	double t0;
};

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct req_state *st = calloc(1, sizeof(*st));

	(void)cls;
	(void)conn;
	if (!st)
		abort();
	st->uri = sim_xstrdup(uri ? uri : "/");
	st->t0 = sim_mono();
	return st;
}

static void on_done(void *cls, struct MHD_Connection *conn, void **req_cls,
		    enum MHD_RequestTerminationCode toe)
{
	struct req_state *st = *req_cls;

	(void)cls;
	(void)conn;
	(void)toe;
	if (st) {
		free(st->uri);
		free(st->body);
		free(st);
		*req_cls = NULL;
	}
}

const char *sim_req_header(struct sim_req *rq, const char *name)
{
	return MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, name);
}

const char *sim_req_query(struct sim_req *rq, const char *key)
{
	return sim_kv_get(rq->query, rq->nquery, key);
}

static int is_secret_key(const char *k, size_t n)
{
	static const char *const keys[] = {
	    "token", "sig", "client_secret", "client_assertion", "access_token", "code", "password",
	    "key",   NULL};

	for (size_t i = 0; keys[i]; i++)
		if (strlen(keys[i]) == n && strncasecmp(keys[i], k, n) == 0)
			return 1;
	return 0;
}

/* The query as received with secret values replaced, for the log. */
static char *redacted_query(const char *q)
{
	size_t cap = strlen(q) + 64, n = 0;
	char *out = sim_xmalloc(cap);

	while (*q) {
		size_t len = strcspn(q, "&"), klen = strcspn(q, "=&");

		if (n + len + 8 >= cap) {
			cap = cap * 2 + len + 8;
			out = realloc(out, cap);
			if (!out)
				abort();
		}
		if (klen < len && is_secret_key(q, klen))
			n += (size_t)sprintf(out + n, "%.*s=****", (int)klen, q);
		else
			n += (size_t)sprintf(out + n, "%.*s", (int)len, q);
		q += len;
		if (*q == '&')
			out[n++] = *q++;
	}
	out[n] = '\0';
	return out;
}

static void log_request(struct sim_req *rq, int status, double t0)
{
	char *q = rq->raw_query ? redacted_query(rq->raw_query) : NULL;
	char line[2048];
	int ms = (int)((sim_mono() - t0) * 1000.0 + 0.5);

	/* One write per line, so lines from concurrent connections never interleave. */
	snprintf(line, sizeof(line), "tater-sim: %s %s%s%s %d %dms\n", rq->method, rq->path,
		 q ? "?" : "", q ? q : "", status, ms);
	if (write(2, line, strlen(line)) < 0) {
		/* stderr gone: nothing useful left to do with a log line */
	}
	free(q);
}

static int path_denied(struct sim *s, const char *path)
{
	for (size_t i = 0; i < s->cfg.ndeny; i++) {
		const char *d = s->cfg.deny[i], *p = path;
		size_t n = strlen(d);

		/* Permissions are per app, not per API version: /v1.0 and /beta alike. */
		if (sim_is_graph_path(d) && sim_is_graph_path(p)) {
			d = strchr(d + 1, '/');
			p = strchr(p + 1, '/');
			if (!d || !p)
				continue;
			n = strlen(d);
		}
		if (n > 0 && d[n - 1] == '*' ? strncasecmp(d, p, n - 1) == 0
					     : strcasecmp(d, p) == 0)
			return 1;
	}
	return 0;
}

static void deny(struct sim *s, struct sim_req *rq, struct sim_resp *rs)
{
	if (sim_is_graph_path(rq->path)) {
		sim_graph_error(rs, 403, "Authorization_RequestDenied",
				"Insufficient privileges to complete the operation.");
		return;
	}
	sim_arm_error(rs, 403, "AuthorizationFailed",
		      "The client '%s' with object id '%s' does not have authorization to perform "
		      "action 'read' over scope '%s' or the scope is invalid. If access was "
		      "recently granted, please refresh your credentials.",
		      s->cfg.client_id, s->cfg.client_id, rq->path);
}

/* Routes for paths that exist only because --estate names them. */
static const struct sim_route estate_graph_route = {
    "GET", "", SIM_AUTH_GRAPH, SIM_T_IDENTITY, 1, sim_h_estate_only, NULL};
static const struct sim_route estate_arm_route = {
    "GET", "", SIM_AUTH_ARM, SIM_T_ARM_READ, 0, sim_h_estate_only, NULL};

static void dispatch(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
		     const struct sim_fault *f)
{
	int method_mismatch;
	const struct sim_route *r = sim_route_match(rq, &method_mismatch);

	if (!r && strcmp(rq->method, "GET") == 0 && sim_estate_get(s, rq->path))
		r = sim_is_graph_path(rq->path) ? &estate_graph_route : &estate_arm_route;
	if (!r) {
		if (method_mismatch)
			sim_api_error(rq, rs, 405, "MethodNotAllowed",
				      "The HTTP method '%s' is not supported at '%s'.", rq->method,
				      rq->path);
		else if (sim_is_graph_path(rq->path))
			sim_graph_error(rs, 400, "BadRequest",
					"Resource not found for the segment '%s'.",
					strrchr(rq->path, '/') + 1);
		else
			sim_arm_error(rs, 404, "NotFound", "The path '%s' is not served here.",
				      rq->path);
		return;
	}
	rq->route = r;
	if (sim_fault_answer(s, rq, rs, f))
		return;
	if (r->auth != SIM_AUTH_NONE && sim_auth_check(s, rq, rs, r->auth) < 0)
		return;
	if (s->cfg.throttle && r->tclass != SIM_T_NONE && sim_throttle_check(s, rq, rs) < 0)
		return;
	if (path_denied(s, rq->path)) {
		deny(s, rq, rs);
		return;
	}
	rq->fault_short = f->kind == SIM_F_SHORT;
	rq->fault_nolink = f->kind == SIM_F_NOLINK;
	r->fn(s, rq, rs);
}

struct cut_ctx {
	char *body;
	size_t limit;
};

static ssize_t cut_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct cut_ctx *c = cls;
	size_t n;

	if (pos >= c->limit)
		return MHD_CONTENT_READER_END_WITH_ERROR;
	n = c->limit - (size_t)pos;
	if (n > max)
		n = max;
	memcpy(buf, c->body + pos, n);
	return (ssize_t)n;
}

static void cut_free(void *cls)
{
	struct cut_ctx *c = cls;

	free(c->body);
	free(c);
}

static enum MHD_Result send_resp(struct MHD_Connection *conn, struct sim_resp *rs)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	if (rs->cut && rs->len > 1) {
		struct cut_ctx *c = sim_xmalloc(sizeof(*c));

		c->body = rs->body;
		c->limit = rs->len / 2;
		r = MHD_create_response_from_callback(rs->len, 4096, cut_reader, c, cut_free);
	} else {
		r = MHD_create_response_from_buffer(rs->len, rs->body, MHD_RESPMEM_MUST_FREE);
	}
	if (!r) {
		free(rs->body);
		rs->body = NULL;
		return MHD_NO;
	}
	rs->body = NULL; /* owned by the response now */
	if (rs->content_type)
		MHD_add_response_header(r, "Content-Type", rs->content_type);
	for (size_t i = 0; i < rs->nhdr; i++)
		MHD_add_response_header(r, rs->hdr_name[i], rs->hdr_val[i]);
	ret = MHD_queue_response(conn, (unsigned)rs->status, r);
	MHD_destroy_response(r);
	return ret;
}

static void req_free(struct sim_req *rq)
{
	free(rq->path);
	free(rq->raw_query);
	free(rq->base_url);
	sim_kv_free(rq->query, rq->nquery);
	for (size_t i = 0; i < rq->nparams; i++)
		free(rq->params[i]);
}

static void resp_free(struct sim_resp *rs)
{
	free(rs->body);
	for (size_t i = 0; i < rs->nhdr; i++) {
		free(rs->hdr_name[i]);
		free(rs->hdr_val[i]);
	}
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **req_cls)
{
	struct sim *s = cls;
	struct req_state *st = *req_cls;
	struct sim_req rq;
	struct sim_resp rs;
	struct sim_fault f;
	const char *q, *host;
	enum MHD_Result ret;
	long delay_ms;

	(void)url;
	(void)version;
	if (!st->started) {
		st->started = 1; /* headers seen; the body (if any) comes next */
		return MHD_YES;
	}
	if (*upload_size) {
		if (st->len + *upload_size > SIM_MAX_BODY) {
			st->too_big = 1;
		} else {
			if (st->len + *upload_size + 1 > st->cap) {
				st->cap = (st->len + *upload_size + 1) * 2;
				st->body = realloc(st->body, st->cap);
				if (!st->body)
					abort();
			}
			memcpy(st->body + st->len, upload, *upload_size);
			st->len += *upload_size;
			st->body[st->len] = '\0';
		}
		*upload_size = 0;
		return MHD_YES;
	}

	memset(&rq, 0, sizeof(rq));
	memset(&rs, 0, sizeof(rs));
	rq.method = method;
	rq.conn = conn;
	q = strchr(st->uri, '?');
	rq.path = sim_url_decode(st->uri, q ? (size_t)(q - st->uri) : strlen(st->uri), 0);
	if (q && q[1]) {
		rq.raw_query = sim_xstrdup(q + 1);
		rq.nquery = sim_parse_form(rq.raw_query, strlen(rq.raw_query), &rq.query);
	}
	rq.body = st->body ? st->body : "";
	rq.body_len = st->len;
	host = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Host");
	rq.base_url = sim_xasprintf("http://%s", host ? host : "127.0.0.1");

	sim_fault_pick(s, &rq, &f);
	delay_ms = s->cfg.latency_ms + (f.kind == SIM_F_SLOW ? atol(f.arg) : 0);
	if (delay_ms > 0)
		usleep((useconds_t)delay_ms * 1000);
	if (f.kind == SIM_F_RESET) {
		log_request(&rq, 0, st->t0);
		req_free(&rq);
		return MHD_NO; /* drop the connection without an answer */
	}
	if (st->too_big)
		sim_api_error(&rq, &rs, 413, "RequestEntityTooLarge",
			      "The request body is too large.");
	else
		dispatch(s, &rq, &rs, &f);
	if (!rs.status)
		sim_api_error(&rq, &rs, 500, "InternalServerError", "The simulator had no answer.");
	if (f.kind == SIM_F_MALFORMED && rs.status < 300)
		sim_fault_corrupt(&rs);
	if (f.kind == SIM_F_CUT)
		rs.cut = 1;
	log_request(&rq, rs.status, st->t0);
	ret = send_resp(conn, &rs);
	resp_free(&rs);
	req_free(&rq);
	return ret;
}

static int write_port_file(const char *path, unsigned port, struct tater_err *err)
{
	char *tmp = sim_xasprintf("%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	int rc = 0;

	/* Written whole then renamed: a reader polling for the file never sees half a number. */
	if (!f || fprintf(f, "%u\n", port) < 0 || fclose(f) != 0) {
		rc = tater_errf(err, TATER_EIO, "cannot write --port-file %s: %s", tmp,
				strerror(errno));
		goto out;
	}
	if (rename(tmp, path) != 0)
		rc = tater_errf(err, TATER_EIO, "cannot rename %s to %s: %s", tmp, path,
				strerror(errno));
out:
	free(tmp);
	return rc;
}

int sim_server_run(struct sim *s, struct tater_err *err)
{
	struct sockaddr_in sa;
	struct MHD_Daemon *d;
	const union MHD_DaemonInfo *info;
	sigset_t set;
	unsigned port;
	int sig, rc = 0;

	signal(SIGPIPE, SIG_IGN);
	/* Block the stop signals before MHD starts its threads, so only sigwait sees them. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)s->cfg.port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	/* A thread per connection: a slow answer (--latency-ms) never holds up another. */
	d = MHD_start_daemon(
	    MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL, 0, NULL,
	    NULL, on_request, s, MHD_OPTION_SOCK_ADDR, &sa, MHD_OPTION_URI_LOG_CALLBACK, on_uri, s,
	    MHD_OPTION_NOTIFY_COMPLETED, on_done, s, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)256, MHD_OPTION_END);
	if (!d)
		return tater_errf(err, TATER_ENET, "cannot listen on 127.0.0.1:%ld: %s",
				  s->cfg.port, strerror(errno));
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	port = info ? info->port : (unsigned)s->cfg.port;
	fprintf(stderr,
		"tater-sim: listening on http://127.0.0.1:%u (tenant %s, client %s, %ld users)\n",
		port, s->cfg.tenant_id, s->cfg.client_id, s->cfg.users);
	if (s->cfg.port_file && write_port_file(s->cfg.port_file, port, err) < 0) {
		rc = err->code;
		goto out;
	}
	while (sigwait(&set, &sig) != 0)
		;
	fprintf(stderr, "tater-sim: stopping (%s)\n", sig == SIGTERM ? "SIGTERM" : "SIGINT");
out:
	MHD_stop_daemon(d);
	return rc;
}
