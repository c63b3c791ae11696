/* incident.c - the post-incident report, Markdown or self-contained HTML.
 *
 * One walk over the incident writes either format through a few helpers
 * (heading, table, paragraph), so the two cannot drift apart. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_internal.h"
#include "tater/ir.h"
#include "tater/store.h"

struct rep {
	struct strbuf b;
	enum report_format f;
	int cols; /* of the open table */
};

static const char html_head[] =
    "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    /* Nothing may load: the file is the whole report. */
    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
    "style-src 'unsafe-inline'\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";

static const char html_style[] =
    "<style>\n"
    "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:2em auto;"
    "max-width:72em;padding:0 1em;color:#1b1f24;line-height:1.45}\n"
    "h1{font-size:1.6em;border-bottom:2px solid #1b1f24;padding-bottom:.3em}\n"
    "h2{font-size:1.25em;margin-top:1.8em;border-bottom:1px solid #ccd;padding-bottom:.2em}\n"
    "h3{font-size:1.05em;margin-top:1.2em}\n"
    "table{border-collapse:collapse;width:100%;margin:.6em 0;font-size:.92em}\n"
    "th,td{border:1px solid #ccd;padding:.3em .5em;text-align:left;vertical-align:top}\n"
    "th{background:#eef0f4}\n"
    "tr:nth-child(even) td{background:#f8f9fb}\n"
    ".done{color:#116329}.skipped{color:#6e7781}.blocked{color:#a40e26;font-weight:600}"
    ".todo{color:#7d4e00}\n"
    ".lessons{white-space:normal;border-left:4px solid #1b1f24;padding:.4em 1em;"
    "background:#f8f9fb}\n"
    "footer{margin-top:3em;font-size:.8em;color:#6e7781}\n"
    "@media print{body{margin:0;max-width:none}h2{page-break-after:avoid}"
    "tr{page-break-inside:avoid}}\n"
    "</style>\n";

static void heading(struct rep *r, int level, const char *own, const char *untrusted)
{
	if (r->f == REPORT_HTML) {
		strbuf_printf(&r->b, "<h%d>%s", level, own);
		rb_text(&r->b, r->f, RB_INLINE, NULL, untrusted, NULL);
		strbuf_printf(&r->b, "</h%d>\n", level);
	} else {
		strbuf_printf(&r->b, "\n%.*s %s", level, "######", own);
		rb_text(&r->b, r->f, RB_INLINE, NULL, untrusted, NULL);
		strbuf_put(&r->b, "\n\n");
	}
}

/* Table header: names separated by '|'. */
static void table_begin(struct rep *r, const char *names)
{
	char *copy = strdup(names), *save = NULL;

	r->cols = 0;
	if (!copy) {
		r->b.oom = 1;
		return;
	}
	strbuf_put(&r->b, r->f == REPORT_HTML ? "<table>\n<thead><tr>" : "|");
	for (char *t = strtok_r(copy, "|", &save); t; t = strtok_r(NULL, "|", &save)) {
		strbuf_printf(&r->b, r->f == REPORT_HTML ? "<th>%s</th>" : " %s |", t);
		r->cols++;
	}
	if (r->f == REPORT_HTML) {
		strbuf_put(&r->b, "</tr></thead>\n<tbody>\n");
	} else {
		strbuf_put(&r->b, "\n|");
		for (int i = 0; i < r->cols; i++)
			strbuf_put(&r->b, "---|");
		strbuf_put(&r->b, "\n");
	}
	free(copy);
}

static void table_end(struct rep *r)
{
	strbuf_put(&r->b, r->f == REPORT_HTML ? "</tbody>\n</table>\n" : "\n");
}

static void row_begin(struct rep *r)
{
	strbuf_put(&r->b, r->f == REPORT_HTML ? "<tr>" : "|");
}

static void row_end(struct rep *r)
{
	strbuf_put(&r->b, r->f == REPORT_HTML ? "</tr>\n" : "\n");
}

/* A cell of text from outside. */
static void cell(struct rep *r, const char *untrusted)
{
	strbuf_put(&r->b, r->f == REPORT_HTML ? "<td>" : " ");
	rb_text(&r->b, r->f, RB_INLINE, NULL, untrusted, r->f == REPORT_HTML ? "" : "-");
	strbuf_put(&r->b, r->f == REPORT_HTML ? "</td>" : " |");
}

/* A step status, with its class in HTML. */
static void cell_status(struct rep *r, const char *status)
{
	if (r->f == REPORT_HTML) {
		strbuf_put(&r->b, "<td class=\"");
		rb_text(&r->b, r->f, RB_INLINE, NULL, status, NULL);
		strbuf_put(&r->b, "\">");
		rb_text(&r->b, r->f, RB_INLINE, NULL, status, NULL);
		strbuf_put(&r->b, "</td>");
	} else {
		cell(r, status);
	}
}

static void fact(struct rep *r, const char *name, const char *untrusted)
{
	row_begin(r);
	cell(r, name);
	cell(r, untrusted);
	row_end(r);
}

/* "2026-12-03T16:14:27.123Z" -> "2026-12-03 16:14:27Z" */
static void when(const char *t, char *buf, size_t n)
{
	if (!t || !*t) {
		snprintf(buf, n, "-");
		return;
	}
	snprintf(buf, n, "%.10s %.8sZ", t, strlen(t) > 11 ? t + 11 : "");
}

static void where_of(const struct ir_event *e, char *buf, size_t n)
{
	if (e->phase >= 0 && e->seq > 0)
		snprintf(buf, n, "%d.%d %s", e->phase + 1, e->seq, e->step_title);
	else if (e->phase >= 0)
		snprintf(buf, n, "%s (phase)", ir_phase_name(e->phase));
	else
		snprintf(buf, n, "incident");
}

static const char *what_of(const char *kind)
{
	static const char *const map[][2] = {
	    {"activate", "Activated"}, {"status", "Step marked"}, {"assign", "Assigned to"},
	    {"finding", "Finding"},    {"decision", "Decision"},  {"close", "Closed"},
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(kind, map[i][0]))
			return map[i][1];
	return kind;
}

static void notes_table(struct rep *r, const struct ir_event *ev, size_t nev, const char *kind,
			const char *none)
{
	size_t count = 0;

	for (size_t i = 0; i < nev; i++)
		count += !strcmp(ev[i].kind, kind);
	if (!count) {
		strbuf_put(&r->b, r->f == REPORT_HTML ? "<p>" : "");
		strbuf_put(&r->b, none);
		strbuf_put(&r->b, r->f == REPORT_HTML ? "</p>\n" : "\n");
		return;
	}
	table_begin(r, "Time (UTC)|Who|Where|Text");
	for (size_t i = 0; i < nev; i++) {
		char t[40], w[300];

		if (strcmp(ev[i].kind, kind) != 0)
			continue;
		when(ev[i].at, t, sizeof(t));
		where_of(&ev[i], w, sizeof(w));
		row_begin(r);
		cell(r, t);
		cell(r, ev[i].actor);
		cell(r, w);
		cell(r, ev[i].detail);
		row_end(r);
	}
	table_end(r);
}

int report_incident(struct store *s, int64_t id, enum report_format fmt, char **out, size_t *len,
		    struct tater_err *err)
{
	struct rep r = {.f = fmt};
	struct ir_incident inc;
	struct ir_iphase ph[IR_PHASES];
	struct ir_istep *steps = NULL;
	struct ir_event *ev = NULL;
	size_t nsteps = 0, nev = 0;
	char buf[512], t1[40], t2[40], d[32], title[300];
	int ret, have_phases = 0;

	*out = NULL;
	if (len)
		*len = 0;
	memset(ph, 0, sizeof(ph));
	if ((ret = ir_incident_get(s, id, &inc, err)) < 0)
		return ret;
	if ((ret = ir_incident_phases(s, id, ph, err)) < 0)
		goto out;
	have_phases = 1;
	if ((ret = ir_incident_steps(s, id, &steps, &nsteps, err)) < 0 ||
	    (ret = ir_incident_events(s, id, &ev, &nev, err)) < 0)
		goto out;

	snprintf(title, sizeof(title), "#%lld %s", (long long)inc.id, inc.title);
	if (fmt == REPORT_HTML) {
		strbuf_put(&r.b, html_head);
		strbuf_put(&r.b, "<title>Post-incident report ");
		rb_text(&r.b, fmt, RB_INLINE, NULL, title, NULL);
		strbuf_put(&r.b, "</title>\n");
		strbuf_put(&r.b, html_style);
		strbuf_put(&r.b, "</head>\n<body>\n");
		heading(&r, 1, "Post-incident report: ", title);
	} else {
		strbuf_put(&r.b, "# Post-incident report: ");
		rb_text(&r.b, fmt, RB_INLINE, NULL, title, NULL);
		strbuf_put(&r.b, "\n\n");
	}

	/* ---- summary ---- */
	table_begin(&r, "Field|Value");
	snprintf(buf, sizeof(buf), "%lld", (long long)inc.id);
	fact(&r, "Incident", buf);
	fact(&r, "Title", inc.title);
	fact(&r, "Severity", inc.severity);
	fact(&r, "Status", inc.status);
	snprintf(buf, sizeof(buf), "%s (%s, revision %d)", inc.playbook_name, inc.playbook_slug,
		 inc.revno);
	fact(&r, "Playbook", buf);
	if (inc.alert_id > 0) {
		snprintf(buf, sizeof(buf), "ITDR alert #%lld", (long long)inc.alert_id);
		fact(&r, "Linked alert", buf);
	}
	if (inc.link_user[0])
		fact(&r, "Affected user", inc.link_user);
	if (inc.link_host[0])
		fact(&r, "Affected host", inc.link_host);
	when(inc.opened_at, t1, sizeof(t1));
	snprintf(buf, sizeof(buf), "%s by %s", t1, inc.opened_by);
	fact(&r, "Opened", buf);
	ir_duration(inc.time_to_contain_s, d, sizeof(d));
	when(inc.contained_at, t1, sizeof(t1));
	snprintf(buf, sizeof(buf), inc.contained_at[0] ? "%s (at %s)" : "not contained yet", d, t1);
	fact(&r, "Time to contain", buf);
	ir_duration(inc.time_to_recover_s, d, sizeof(d));
	when(inc.recovered_at, t1, sizeof(t1));
	snprintf(buf, sizeof(buf), inc.recovered_at[0] ? "%s (at %s)" : "not recovered yet", d, t1);
	fact(&r, "Time to recover", buf);
	when(inc.closed_at, t1, sizeof(t1));
	fact(&r, "Closed", inc.closed_at[0] ? t1 : "still open");
	snprintf(buf, sizeof(buf), "%d of %d finished, %d blocked", inc.steps_finished,
		 inc.steps_total, inc.steps_blocked);
	fact(&r, "Steps", buf);
	table_end(&r);

	/* ---- phases ---- */
	heading(&r, 2, "Phases", NULL);
	table_begin(&r, "Phase|Owner|Done|Skipped|Blocked|Started|Completed|Elapsed");
	for (int p = 0; p < IR_PHASES; p++) {
		char n1[16], n2[16], n3[16];

		snprintf(n1, sizeof(n1), "%d/%d", ph[p].done, ph[p].total);
		snprintf(n2, sizeof(n2), "%d", ph[p].skipped);
		snprintf(n3, sizeof(n3), "%d", ph[p].blocked);
		when(ph[p].started_at, t1, sizeof(t1));
		when(ph[p].completed_at, t2, sizeof(t2));
		if (ph[p].started_at[0])
			ir_duration(ph[p].elapsed_s, d, sizeof(d));
		else
			snprintf(d, sizeof(d), "-");
		row_begin(&r);
		snprintf(buf, sizeof(buf), "%d. %s", p + 1, ir_phase_name(p));
		cell(&r, buf);
		cell(&r, ph[p].assignee);
		cell(&r, n1);
		cell(&r, n2);
		cell(&r, n3);
		cell(&r, t1);
		cell(&r, t2);
		cell(&r, d);
		row_end(&r);
	}
	table_end(&r);

	/* ---- timeline: every change, in the order it happened ---- */
	heading(&r, 2, "Timeline", NULL);
	table_begin(&r, "#|Time (UTC)|Who|Where|What");
	for (size_t i = 0; i < nev; i++) {
		char num[16], w[300], *what = NULL;

		snprintf(num, sizeof(num), "%zu", i + 1);
		when(ev[i].at, t1, sizeof(t1));
		where_of(&ev[i], w, sizeof(w));
		if (asprintf(&what, "%s%s%s", what_of(ev[i].kind), ev[i].detail ? ": " : "",
			     ev[i].detail ? ev[i].detail : "") < 0)
			what = NULL;
		row_begin(&r);
		cell(&r, num);
		cell(&r, t1);
		cell(&r, ev[i].actor);
		cell(&r, w);
		cell(&r, what ? what : ev[i].kind);
		row_end(&r);
		free(what);
	}
	table_end(&r);

	/* ---- steps ---- */
	heading(&r, 2, "Steps", NULL);
	for (int p = 0; p < IR_PHASES; p++) {
		snprintf(buf, sizeof(buf), "%d. %s", p + 1, ir_phase_name(p));
		heading(&r, 3, "", buf);
		table_begin(&r, "Step|Title|Status|Assignee|Last change|Reason");
		for (size_t i = 0; i < nsteps; i++) {
			char num[16], last[160];

			if (steps[i].phase != p)
				continue;
			snprintf(num, sizeof(num), "%d.%d", p + 1, steps[i].seq);
			when(steps[i].updated_at, t1, sizeof(t1));
			if (steps[i].updated_by[0])
				snprintf(last, sizeof(last), "%s by %s", t1, steps[i].updated_by);
			else
				snprintf(last, sizeof(last), "-");
			row_begin(&r);
			cell(&r, num);
			cell(&r, steps[i].title);
			cell_status(&r, steps[i].status);
			cell(&r, steps[i].assignee);
			cell(&r, last);
			cell(&r, steps[i].reason);
			row_end(&r);
		}
		table_end(&r);
	}

	heading(&r, 2, "Findings", NULL);
	notes_table(&r, ev, nev, "finding", "No findings were recorded.");
	heading(&r, 2, "Decisions", NULL);
	notes_table(&r, ev, nev, "decision", "No decisions were recorded.");

	heading(&r, 2, "Lessons learned", NULL);
	if (fmt == REPORT_HTML) {
		strbuf_put(&r.b, "<div class=\"lessons\">");
		rb_text(&r.b, fmt, RB_BLOCK, NULL, inc.lessons,
			"Not recorded yet: lessons are written when the incident is closed.");
		strbuf_put(&r.b, "</div>\n");
	} else {
		rb_text(&r.b, fmt, RB_BLOCK, "", inc.lessons,
			"Not recorded yet: lessons are written when the incident is closed.");
		strbuf_put(&r.b, "\n");
	}
	{
		char now[32];

		store_now(now);
		when(now, t1, sizeof(t1));
		if (fmt == REPORT_HTML)
			strbuf_printf(&r.b,
				  "<footer>Written by tater %s at %s.</footer>\n</body>\n</html>\n",
				  TATER_VERSION, t1);
		else
			strbuf_printf(&r.b, "\n---\nWritten by tater %s at %s.\n", TATER_VERSION, t1);
	}
	if (r.b.oom || !r.b.s) {
		ret = tater_errf(err, TATER_ENOMEM, "out of memory writing the report");
		goto out;
	}
	*out = r.b.s;
	if (len)
		*len = r.b.len;
	r.b.s = NULL;
out:
	free(r.b.s);
	ir_incident_clear(&inc);
	if (have_phases)
		ir_iphases_clear(ph);
	ir_isteps_free(steps, nsteps);
	ir_events_free(ev, nev);
	return ret;
}
