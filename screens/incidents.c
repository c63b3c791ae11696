/* incidents.c - the Incidents screen: lists of open and closed incidents,
 * and the step tracker for one of them.
 *
 * The tracker shows the five phases with a progress bar, elapsed time and
 * owner each, time to contain and to recover, and every step with its
 * status; the current step (the first neither done nor skipped) is marked
 * '>'.  A responder works through it with single keys (the table below);
 * after done, skip or block the cursor follows the current step, so
 * pressing d again and again walks the playbook.
 *
 * Every change is a worker job (irui.c) through ir.h, which stamps it with
 * time and user into the incident's events and the activity log. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "irui.h"
#include "tater/ir.h"
#include "tater/store.h"
#include "tater/text.h"
#include "tater/ui_form.h"
#include "tater/ui_table.h"
#include "tater/ui_widgets.h"

/* The tracker's keys: one table for dispatch and the hint lines. */
enum tkey {
	TK_DONE,
	TK_SKIP,
	TK_BLOCK,
	TK_REOPEN,
	TK_MINE,
	TK_ASSIGN,
	TK_NOTE,
	TK_DECISION,
	TK_PHASE_ASSIGN,
	TK_PHASE_NOTE,
	TK_PHASE_DECISION,
	TK_CLOSE,
	TK_REPORT,
	TK__COUNT
};

static const struct {
	int key;
	const char *label;
} tkeys[TK__COUNT] = {
    [TK_DONE] = {'d', "done"},
    [TK_SKIP] = {'s', "skip"},
    [TK_BLOCK] = {'b', "block"},
    [TK_REOPEN] = {'u', "reopen"},
    [TK_MINE] = {'a', "take it"},
    [TK_ASSIGN] = {'A', "assign"},
    [TK_NOTE] = {'n', "finding"},
    [TK_DECISION] = {'D', "decision"},
    [TK_PHASE_ASSIGN] = {'P', "phase owner"},
    [TK_PHASE_NOTE] = {'N', "phase note"},
    [TK_PHASE_DECISION] = {'M', "phase decision"},
    [TK_CLOSE] = {'c', "close"},
    [TK_REPORT] = {'r', "report"},
};

enum { C_ID, C_TITLE, C_SEV, C_PLAYBOOK, C_DONE, C_OPENED, C_LAST, NCOLS };

static const struct ui_column columns[NCOLS] = {
    {"#", 4, 0, 1},    {"Title", 12, 3, 0},  {"Severity", 8, 0, 0},  {"Playbook", 8, 1, 0},
    {"Done", 9, 0, 1}, {"Opened", 16, 0, 0}, {"Contained", 9, 0, 0},
};

static const char *const sections[] = {"Open", "Closed"};

enum { L_LESSONS, L_N };
static const struct ui_field_def close_fields[L_N] = {
    [L_LESSONS] = {"Lessons learned", UI_FIELD_NOTES, 1, NULL, NULL, NULL, IR_TEXT_MAX, 0, 0},
};

/* What a prompt is for. */
enum pending {
	PD_NONE,
	PD_SKIP,
	PD_BLOCK,
	PD_ASSIGN,
	PD_NOTE,
	PD_DECISION,
	PD_PHASE_ASSIGN,
	PD_PHASE_NOTE,
	PD_PHASE_DECISION
};

struct inc {
	struct screen_ctx *ctx;
	struct irui_track track;
	int section; /* 0 open, 1 closed */
	struct ui_table *table;
	struct ui_rowset *rows;
	int64_t *ids;
	size_t nopen, nclosed;

	int64_t id; /* the incident in the tracker; 0: the lists */
	struct ir_incident cur;
	struct ir_istep *steps;
	size_t nsteps;
	struct ir_iphase ph[IR_PHASES];
	int have_ph;
	ssize_t current;
	size_t sel;
	int scroll;
	int follow; /* move the cursor to the current step after the next reload */
	int64_t loaded_ms;

	enum pending pending;
	int64_t pstep;
	int pphase;
	struct ui_form *form; /* close: lessons learned */
};

/* ---- loading ---- */

static void load_lists(struct inc *s)
{
	struct tater_err err = {0};
	struct ir_incident *v = NULL;
	struct ui_rowset *rs;
	struct ui_table_source src;
	size_t n = 0, nopen = 0;
	int64_t *ids;

	if (!s->ctx->store)
		return;
	if (ir_incidents_list(s->ctx->store, IR_ALL, &v, &n, &err) < 0) {
		ui_error(s->ctx->ui, "Incidents: %s", err.msg);
		return;
	}
	rs = ui_rowset_new(NCOLS);
	ids = calloc(n ? n : 1, sizeof(*ids));
	if (!rs || !ids) {
		ui_rowset_free(rs);
		free(ids);
		ir_incidents_free(v, n);
		return;
	}
	for (size_t i = 0, k = 0; i < n; i++) {
		char id[24], done[32], opened[24], ttc[24];
		const char *cells[NCOLS];
		int closed = !strcmp(v[i].status, "closed");

		nopen += !closed;
		if (closed != (s->section == 1))
			continue;
		snprintf(id, sizeof(id), "%lld", (long long)v[i].id);
		/* "12/29 1!": finished of all, and how many are blocked. */
		snprintf(done, sizeof(done), "%d/%d", v[i].steps_finished, v[i].steps_total);
		if (v[i].steps_blocked)
			snprintf(done + strlen(done), sizeof(done) - strlen(done), " %d!",
				 v[i].steps_blocked);
		irui_time(v[i].opened_at, opened, sizeof(opened));
		irui_duration(v[i].time_to_contain_s, ttc, sizeof(ttc));
		cells[C_ID] = id;
		cells[C_TITLE] = v[i].title;
		cells[C_SEV] = v[i].severity;
		cells[C_PLAYBOOK] = v[i].playbook_slug;
		cells[C_DONE] = done;
		cells[C_OPENED] = opened;
		cells[C_LAST] = ttc;
		ui_rowset_add(rs, cells);
		ids[k++] = v[i].id;
	}
	s->nopen = nopen;
	s->nclosed = n - nopen;
	ir_incidents_free(v, n);
	ui_rowset_free(s->rows);
	free(s->ids);
	s->rows = rs;
	s->ids = ids;
	ui_rowset_source(rs, &src);
	ui_table_set_source(s->table, &src);
	ui_table_set_empty_text(s->table,
				s->section == 0
				    ? "No open incidents. Activate a playbook (4 Playbooks, a) to "
				      "open one."
				    : "No closed incidents yet.");
}

static void free_tracker(struct inc *s)
{
	ir_incident_clear(&s->cur);
	ir_isteps_free(s->steps, s->nsteps);
	s->steps = NULL;
	s->nsteps = 0;
	if (s->have_ph)
		ir_iphases_clear(s->ph);
	s->have_ph = 0;
}

static int load_tracker(struct inc *s)
{
	struct tater_err err = {0};

	free_tracker(s);
	if (ir_incident_get(s->ctx->store, s->id, &s->cur, &err) < 0 ||
	    ir_incident_steps(s->ctx->store, s->id, &s->steps, &s->nsteps, &err) < 0 ||
	    ir_incident_phases(s->ctx->store, s->id, s->ph, &err) < 0) {
		ui_error(s->ctx->ui, "Incident #%lld: %s", (long long)s->id, err.msg);
		free_tracker(s);
		s->id = 0;
		return -1;
	}
	s->have_ph = 1;
	s->current = ir_current_step(s->steps, s->nsteps);
	if (s->follow && s->current >= 0)
		s->sel = (size_t)s->current;
	s->follow = 0;
	if (s->sel >= s->nsteps)
		s->sel = s->nsteps ? s->nsteps - 1 : 0;
	s->loaded_ms = ui_now_ms();
	return 0;
}

static void open_tracker(struct inc *s, int64_t id)
{
	s->id = id;
	s->sel = 0;
	s->scroll = 0;
	s->follow = 1;
	load_tracker(s);
}

static int64_t selected_id(struct inc *s)
{
	size_t i = ui_table_selected(s->table);

	if (!s->rows || i == (size_t)-1)
		return 0;
	return s->ids[ui_rowset_index(s->rows, i)];
}

/* ---- changes ---- */

static const struct ir_istep *sel_step(struct inc *s)
{
	return s->sel < s->nsteps ? &s->steps[s->sel] : NULL;
}

static int may_work(struct inc *s, const char *what)
{
	if (!ui_may_change(s->ctx->ui, what))
		return 0;
	if (!strcmp(s->cur.status, "closed")) {
		ui_error(s->ctx->ui, "Incident #%lld is closed: it cannot be changed",
			 (long long)s->id);
		return 0;
	}
	return 1;
}

static void submit(struct inc *s, enum irui_op op, int64_t step, int phase, const char *t1,
		   const char *t2, const char *title)
{
	struct irui_job *j = irui_job_new(op);

	if (j) {
		j->incident = s->id;
		j->step = step;
		j->phase = phase;
		if (irui_set(&j->t1, t1) < 0 || irui_set(&j->t2, t2) < 0) {
			irui_job_free(j);
			j = NULL;
		}
	}
	irui_submit(s->ctx, &s->track, j, title);
}

static void prompt_done(void *ctx, int result, const char *input)
{
	struct inc *s = ctx;
	enum pending what = s->pending;

	s->pending = PD_NONE;
	if (result != UI_MODAL_OK || !s->id)
		return;
	if (!may_work(s, "working an incident"))
		return;
	input = input ? input : "";
	switch (what) {
	case PD_SKIP:
	case PD_BLOCK:
		if (!*input) {
			ui_error(s->ctx->ui, "Not changed: a reason is required to %s a step",
				 what == PD_SKIP ? "skip" : "block");
			return;
		}
		s->follow = 1;
		submit(s, IRUI_STEP_STATUS, s->pstep, 0, what == PD_SKIP ? "skip" : "block", input,
		       what == PD_SKIP ? "skip step" : "block step");
		break;
	case PD_ASSIGN:
		submit(s, IRUI_STEP_ASSIGN, s->pstep, 0, input, NULL, "assign step");
		break;
	case PD_NOTE:
	case PD_DECISION:
		if (!*input)
			return;
		submit(s, IRUI_STEP_NOTE, s->pstep, 0, what == PD_NOTE ? input : NULL,
		       what == PD_DECISION ? input : NULL,
		       what == PD_NOTE ? "record finding" : "record decision");
		break;
	case PD_PHASE_ASSIGN:
		submit(s, IRUI_PHASE_ASSIGN, 0, s->pphase, input, NULL, "assign phase");
		break;
	case PD_PHASE_NOTE:
	case PD_PHASE_DECISION:
		if (!*input)
			return;
		submit(s, IRUI_PHASE_NOTE, 0, s->pphase, what == PD_PHASE_NOTE ? input : NULL,
		       what == PD_PHASE_DECISION ? input : NULL,
		       what == PD_PHASE_NOTE ? "record phase finding" : "record phase decision");
		break;
	default:
		break;
	}
}

static void ask(struct inc *s, enum pending what, const char *title, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void ask(struct inc *s, enum pending what, const char *title, const char *fmt, ...)
{
	char text[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	s->pending = what;
	if (ui_prompt(s->ctx->ui, title, text, 0, prompt_done, s) < 0)
		s->pending = PD_NONE;
}

static void tracker_action(struct inc *s, enum tkey k)
{
	const struct ir_istep *st = sel_step(s);
	const char *phase;
	char ref[16];

	if (k == TK_REPORT) {
		irui_open_report(s->ctx, s->id);
		return;
	}
	if (!may_work(s, "working an incident") || !st)
		return;
	snprintf(ref, sizeof(ref), "%d.%d", st->phase + 1, st->seq);
	phase = ir_phase_name(st->phase);
	s->pstep = st->id;
	s->pphase = st->phase;
	switch (k) {
	case TK_DONE:
		s->follow = 1;
		submit(s, IRUI_STEP_STATUS, st->id, 0, "done", NULL, "step done");
		break;
	case TK_REOPEN:
		submit(s, IRUI_STEP_STATUS, st->id, 0, "todo", NULL, "reopen step");
		break;
	case TK_SKIP:
		ask(s, PD_SKIP, "Skip step",
		    "Why is step %s skipped? (required; it goes into the "
		    "report)",
		    ref);
		break;
	case TK_BLOCK:
		ask(s, PD_BLOCK, "Block step", "What blocks step %s? (required)", ref);
		break;
	case TK_MINE:
		submit(s, IRUI_STEP_ASSIGN, st->id, 0, store_actor(s->ctx->store), NULL,
		       "assign step");
		break;
	case TK_ASSIGN:
		ask(s, PD_ASSIGN, "Assign step", "Who takes step %s? (a user name; empty: nobody)",
		    ref);
		break;
	case TK_NOTE:
		ask(s, PD_NOTE, "Finding", "A finding for step %s (one line)", ref);
		break;
	case TK_DECISION:
		ask(s, PD_DECISION, "Decision", "A decision for step %s (one line)", ref);
		break;
	case TK_PHASE_ASSIGN:
		ask(s, PD_PHASE_ASSIGN, "Phase owner", "Who owns %s? (a user name; empty: nobody)",
		    phase);
		break;
	case TK_PHASE_NOTE:
		ask(s, PD_PHASE_NOTE, "Phase finding", "A finding for %s as a whole (one line)",
		    phase);
		break;
	case TK_PHASE_DECISION:
		ask(s, PD_PHASE_DECISION, "Phase decision",
		    "A decision for %s as a whole (one line)", phase);
		break;
	case TK_CLOSE: {
		char title[128];

		snprintf(title, sizeof(title), "Close incident #%lld", (long long)s->id);
		ui_form_free(s->form);
		s->form = ui_form_new(title, close_fields, L_N);
		if (!s->form)
			ui_error(s->ctx->ui, "out of memory");
		else if (s->cur.steps_finished < s->cur.steps_total)
			ui_message(s->ctx->ui,
				   "%d of %d steps are finished; closing stops the clocks",
				   s->cur.steps_finished, s->cur.steps_total);
		break;
	}
	default:
		break;
	}
}

/* ---- keys ---- */

static void close_discard(void *ctx, int result, const char *input)
{
	struct inc *s = ctx;

	(void)input;
	if (result == UI_MODAL_OK) {
		ui_form_free(s->form);
		s->form = NULL;
	}
}

static int form_key(struct inc *s, const struct ui_event *ev)
{
	enum ui_form_result r = ui_form_key(s->form, ev);

	if (r == UI_FORM_SAVE) {
		if (may_work(s, "closing an incident"))
			submit(s, IRUI_CLOSE, 0, 0, ui_form_get(s->form, L_LESSONS), NULL,
			       "close incident");
	} else if (r == UI_FORM_CANCEL) {
		if (ui_form_dirty(s->form))
			ui_confirm(s->ctx->ui, "Discard the lessons?",
				   "The lessons learned are not saved. Discard them?", "Discard",
				   close_discard, s);
		else
			close_discard(s, UI_MODAL_OK, NULL);
	}
	return r == UI_FORM_IGNORED ? UI_IGNORED : UI_HANDLED;
}

static int tracker_key(struct inc *s, const struct ui_event *ev)
{
	for (int k = 0; k < TK__COUNT; k++) {
		if (ev->key && ev->key == tkeys[k].key) {
			tracker_action(s, (enum tkey)k);
			return UI_HANDLED;
		}
	}
	switch (ev->act) {
	case UI_ACT_BACK:
		s->id = 0;
		free_tracker(s);
		load_lists(s);
		return UI_HANDLED;
	case UI_ACT_UP:
		if (s->sel > 0)
			s->sel--;
		return UI_HANDLED;
	case UI_ACT_DOWN:
		if (s->sel + 1 < s->nsteps)
			s->sel++;
		return UI_HANDLED;
	case UI_ACT_PAGE_UP:
		s->sel = s->sel > 5 ? s->sel - 5 : 0;
		return UI_HANDLED;
	case UI_ACT_PAGE_DOWN:
		s->sel = s->sel + 5 < s->nsteps ? s->sel + 5 : (s->nsteps ? s->nsteps - 1 : 0);
		return UI_HANDLED;
	case UI_ACT_TOP:
		s->sel = 0;
		return UI_HANDLED;
	case UI_ACT_BOTTOM:
		s->sel = s->nsteps ? s->nsteps - 1 : 0;
		return UI_HANDLED;
	case UI_ACT_OPEN:
		/* Enter: back to the current step. */
		if (s->current >= 0)
			s->sel = (size_t)s->current;
		return UI_HANDLED;
	case UI_ACT_REFRESH:
		load_tracker(s);
		return UI_HANDLED;
	default:
		return UI_IGNORED;
	}
}

static int list_key(struct inc *s, const struct ui_event *ev)
{
	if (ui_table_filtering(s->table))
		return ui_table_key(s->table, ev);
	switch (ev->act) {
	case UI_ACT_NEXT_SECTION:
	case UI_ACT_PREV_SECTION:
		s->section = !s->section;
		load_lists(s);
		ui_table_select(s->table, 0);
		return UI_HANDLED;
	case UI_ACT_OPEN:
		if (selected_id(s))
			open_tracker(s, selected_id(s));
		return UI_HANDLED;
	default:
		break;
	}
	if (ev->mouse && ev->click == 2) {
		ui_table_key(s->table, ev);
		if (selected_id(s))
			open_tracker(s, selected_id(s));
		return UI_HANDLED;
	}
	if (ev->key == 'r' && selected_id(s)) {
		irui_open_report(s->ctx, selected_id(s));
		return UI_HANDLED;
	}
	return ui_table_key(s->table, ev);
}

static int key(void *self, const struct ui_event *ev)
{
	struct inc *s = self;

	if (s->form)
		return form_key(s, ev);
	if (s->id)
		return tracker_key(s, ev);
	return list_key(s, ev);
}

/* ---- drawing ---- */

static const char *status_box(const char *status)
{
	if (!strcmp(status, "done"))
		return "[x]";
	if (!strcmp(status, "skipped"))
		return "[-]";
	if (!strcmp(status, "blocked"))
		return "[!]";
	return "[ ]";
}

/* A running clock shows minutes (it is redrawn twice a minute, not every
 * second); a stopped one its exact length. */
static void phase_clock(const struct ir_iphase *p, int closed, char *buf, size_t n)
{
	if (!p->started_at[0])
		snprintf(buf, n, "-");
	else if (p->completed_at[0] || closed)
		ir_duration(p->elapsed_s, buf, n);
	else if (p->elapsed_s < 60)
		snprintf(buf, n, "<1m");
	else if (p->elapsed_s < 3600)
		snprintf(buf, n, "%lldm", (long long)(p->elapsed_s / 60));
	else
		ir_duration(p->elapsed_s, buf, n);
}

static void draw_hints(struct ui_rect r, int rows)
{
	char line[2][256] = {"", ""};
	int half = TK_PHASE_ASSIGN; /* line 1: the step; line 2: the phase, the incident */

	for (int k = 0; k < TK__COUNT; k++) {
		int l = rows > 1 && k >= half;
		size_t len = strlen(line[l]);

		snprintf(line[l] + len, sizeof(line[l]) - len, "%s%c %s", len ? "  " : "",
			 tkeys[k].key, tkeys[k].label);
	}
	if (rows > 1) {
		size_t len = strlen(line[1]);

		snprintf(line[1] + len, sizeof(line[1]) - len, "  q back");
	}
	for (int l = 0; l < rows && l < 2; l++) {
		ui_fill(r.y + r.h - rows + l, r.x, r.w, UI_NORMAL);
		ui_text(r.y + r.h - rows + l, r.x + 1, r.w - 2, UI_DIM, line[l]);
	}
}

static void draw_step_detail(struct inc *s, struct ui_rect r)
{
	const struct ir_istep *st = sel_step(s);
	const struct ir_iphase *ph;
	struct irui_doc doc = {0};
	char at[24];

	if (!st || r.h < 1)
		return;
	ph = &s->ph[st->phase];
	irui_time(st->updated_at, at, sizeof(at));
	irui_doc_add(&doc, 0, UI_TITLE, "%d.%d %s", st->phase + 1, st->seq, st->title);
	irui_doc_add(&doc, 2, UI_NORMAL, "Status: %s%s%s%s%s   Assigned: %s", st->status,
		     st->updated_by[0] ? " by " : "", st->updated_by,
		     st->updated_by[0] ? " at " : "", st->updated_by[0] ? at : "",
		     st->assignee[0] ? st->assignee : "nobody");
	if (st->reason && st->reason[0])
		irui_doc_lines(&doc, 2, UI_WARN, "Reason: ", st->reason);
	if (st->findings && st->findings[0])
		irui_doc_lines(&doc, 2, UI_NORMAL, "Findings: ", st->findings);
	if (st->decisions && st->decisions[0])
		irui_doc_lines(&doc, 2, UI_NORMAL, "Decisions: ", st->decisions);
	if (ph->findings && ph->findings[0])
		irui_doc_lines(&doc, 2, UI_NORMAL, "Phase findings: ", ph->findings);
	if (ph->decisions && ph->decisions[0])
		irui_doc_lines(&doc, 2, UI_NORMAL, "Phase decisions: ", ph->decisions);
	if (st->detail && st->detail[0])
		irui_doc_lines(&doc, 2, UI_DIM, "", st->detail);
	irui_doc_draw(&doc, r, 0);
	irui_doc_clear(&doc);
}

static void draw_tracker(struct inc *s, struct ui_rect r)
{
	struct ir_incident *c = &s->cur;
	char title[400], right[160], ttc[32], ttr[32], opened[24];
	struct ui_rect b;
	int y, closed = !strcmp(c->status, "closed"), hint_rows = r.h >= 20 ? 2 : 1;
	int list_h, detail_h, avail, namew = 24, barw = r.w >= 100 ? 20 : 10;

	/* The running clocks: reload now and then while someone watches. */
	if (!closed && ui_now_ms() - s->loaded_ms >= 30000)
		load_tracker(s);
	if (!s->id)
		return;
	if (!closed)
		ui_deadline(s->ctx->ui, s->loaded_ms + 30000);
	snprintf(title, sizeof(title), "#%lld %s", (long long)c->id, c->title);
	snprintf(right, sizeof(right), "%s, %s, %s r%d", c->severity, c->status, c->playbook_slug,
		 c->revno);
	b = screen_header(r, title, right);
	y = b.y;
	irui_time(c->opened_at, opened, sizeof(opened));
	{
		char links[700];

		snprintf(links, sizeof(links), "Opened %s by %s", opened, c->opened_by);
		if (c->link_user[0])
			snprintf(links + strlen(links), sizeof(links) - strlen(links), "  User %s",
				 c->link_user);
		if (c->link_host[0])
			snprintf(links + strlen(links), sizeof(links) - strlen(links), "  Host %s",
				 c->link_host);
		if (c->alert_id)
			snprintf(links + strlen(links), sizeof(links) - strlen(links),
				 "  Alert #%lld", (long long)c->alert_id);
		ui_text(y++, b.x + 1, b.w - 2, UI_DIM, links);
	}
	irui_duration(c->time_to_contain_s, ttc, sizeof(ttc));
	irui_duration(c->time_to_recover_s, ttr, sizeof(ttr));
	{
		char times[160];
		int n = snprintf(times, sizeof(times),
				 "Time to contain: %s   Time to recover: %s   Steps %d/%d", ttc,
				 ttr, c->steps_finished, c->steps_total);

		if (c->steps_blocked && n > 0 && (size_t)n < sizeof(times))
			snprintf(times + n, sizeof(times) - (size_t)n, ", %d blocked",
				 c->steps_blocked);
		ui_text(y++, b.x + 1, b.w - 2, closed ? UI_NORMAL : UI_TITLE, times);
	}
	for (int p = 0; p < IR_PHASES; p++) {
		const struct ir_iphase *ph = &s->ph[p];
		int cur = s->current >= 0 && s->steps[s->current].phase == p;
		int finished = ph->done + ph->skipped, x = b.x;
		char clock[24], name[64], count[24];

		phase_clock(ph, closed, clock, sizeof(clock));
		snprintf(name, sizeof(name), "%s%d %s", cur ? ">" : " ", p + 1, ir_phase_name(p));
		x += ui_text(y, x, namew, cur ? UI_TITLE : UI_NORMAL, name);
		x = b.x + namew + 1;
		ui_progress(y, x, barw, ph->total ? (double)finished / ph->total : 0);
		x += barw + 1;
		snprintf(count, sizeof(count), "%d/%d%s", finished, ph->total,
			 ph->blocked ? "!" : "");
		ui_text(y, x, 6, ph->blocked ? UI_WARN : UI_NORMAL, count);
		x += 7;
		ui_text(y, x, 8, UI_NORMAL, clock);
		x += 9;
		if (x < b.x + b.w - 1)
			ui_textf(y, x, b.x + b.w - 1 - x, ph->assignee[0] ? UI_NORMAL : UI_DIM,
				 "%s", ph->assignee[0] ? ph->assignee : "no owner");
		y++;
	}
	/* The steps, then the selected one's text, then the keys. */
	avail = b.y + b.h - y - hint_rows;
	if (avail < 2) {
		draw_hints(r, hint_rows);
		return;
	}
	list_h = avail >= 12 ? avail / 2 : (avail > 3 ? avail - 2 : avail);
	detail_h = avail - list_h;
	if ((int)s->sel < s->scroll)
		s->scroll = (int)s->sel;
	if ((int)s->sel >= s->scroll + list_h)
		s->scroll = (int)s->sel - list_h + 1;
	for (int i = 0; i < list_h; i++) {
		size_t k = (size_t)(s->scroll + i);
		const struct ir_istep *st;
		int selr, curr, aw = b.w >= 100 ? 14 : 10;
		enum ui_color col;
		char lead[24];

		if (k >= s->nsteps)
			break;
		st = &s->steps[k];
		selr = k == s->sel;
		curr = (ssize_t)k == s->current;
		col = selr			       ? UI_SELECTED
		      : curr			       ? UI_TITLE
		      : !strcmp(st->status, "todo")    ? UI_NORMAL
		      : !strcmp(st->status, "blocked") ? UI_WARN
						       : UI_DIM;
		if (selr)
			ui_fill(y + i, b.x, b.w, UI_SELECTED);
		snprintf(lead, sizeof(lead), "%s%d.%d %s", curr ? ">" : " ", st->phase + 1, st->seq,
			 status_box(st->status));
		ui_text(y + i, b.x, 10, col, lead);
		ui_text(y + i, b.x + 10, b.w - 11 - aw - 9, col, st->title);
		ui_text(y + i, b.x + b.w - aw - 9, aw, col, st->assignee[0] ? st->assignee : "");
		ui_text(y + i, b.x + b.w - 8, 8, col, st->status);
	}
	if (s->current < 0 && !closed && list_h > 0 && s->nsteps == 0)
		ui_text(y, b.x + 2, b.w - 4, UI_DIM, "No steps.");
	y += list_h;
	if (detail_h > 0) {
		ui_fill(y, b.x, b.w, UI_NORMAL);
		draw_step_detail(s, (struct ui_rect){y, b.x + 1, detail_h, b.w - 2});
	}
	if (closed && c->lessons && detail_h > 1) {
		/* A closed incident: its lessons matter more than the step text. */
		ui_clear_rect((struct ui_rect){y, b.x, detail_h, b.w}, UI_NORMAL);
		ui_text(y, b.x + 1, b.w - 2, UI_TITLE, "Closed: lessons learned");
		{
			struct irui_doc doc = {0};

			irui_doc_lines(&doc, 0, UI_NORMAL, "", c->lessons);
			irui_doc_draw(&doc, (struct ui_rect){y + 1, b.x + 3, detail_h - 1, b.w - 4},
				      0);
			irui_doc_clear(&doc);
		}
	}
	draw_hints(r, hint_rows);
}

static void draw_list(struct inc *s, struct ui_rect r)
{
	int x = 1;
	struct ui_rect b = r;

	ui_fill(r.y, r.x, r.w, UI_NORMAL);
	x += ui_text(r.y, x, r.w - x, UI_DIM, "Incidents: ");
	for (int i = 0; i < 2; i++) {
		char label[48];

		snprintf(label, sizeof(label), " %s (%zu) ", sections[i],
			 i ? s->nclosed : s->nopen);
		x += ui_text(r.y, x, r.w - x, i == s->section ? UI_TAB_ACTIVE : UI_NORMAL, label) +
		     1;
	}
	ui_text(r.y, x + 1, r.w - x - 2, UI_DIM, "([ ] switch)");
	b.y += 1;
	b.h -= 2;
	ui_table_draw(s->table, b, 1);
	ui_fill(r.y + r.h - 1, r.x, r.w, UI_NORMAL);
	ui_text(r.y + r.h - 1, r.x + 1, r.w - 2, UI_DIM,
		"Enter open the step tracker  r report  [ ] open/closed  / filter");
}

static void draw(void *self, struct ui_rect r)
{
	struct inc *s = self;

	if (s->form) {
		ui_form_draw(s->form, r);
		return;
	}
	if (s->id)
		draw_tracker(s, r);
	if (!s->id)
		draw_list(s, r);
}

/* ---- jobs finished ---- */

static int event(void *self, struct worker_event *ev)
{
	struct inc *s = self;
	enum irui_op op;

	if (!irui_track_take(&s->track, ev->job_id, &op))
		return 0;
	if (ev->rc < 0) {
		s->follow = 0;
		if (ev->rc == TATER_EPERM)
			ui_alert(s->ctx->ui, "Refused", ev->err.msg);
		if (s->id)
			load_tracker(s);
		return 1;
	}
	if (op == IRUI_CLOSE) {
		ui_form_free(s->form);
		s->form = NULL;
		ui_message(s->ctx->ui, "Incident #%lld closed. r writes its post-incident report",
			   (long long)s->id);
	}
	if (s->id)
		load_tracker(s);
	else
		load_lists(s);
	if (op == IRUI_STEP_STATUS && s->current < 0 && s->id)
		ui_message(s->ctx->ui, "Every step is finished: c closes the incident with the "
				       "lessons learned");
	return 1;
}

/* ---- screen ops ---- */

static void *create(struct screen_ctx *ctx)
{
	struct inc *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->ctx = ctx;
	s->table = ui_table_new(columns, NCOLS);
	if (!s->table) {
		free(s);
		return NULL;
	}
	return s;
}

static void destroy(void *self)
{
	struct inc *s = self;

	if (!s)
		return;
	free_tracker(s);
	ui_form_free(s->form);
	ui_table_free(s->table);
	ui_rowset_free(s->rows);
	free(s->ids);
	free(s);
}

static void enter(void *self)
{
	struct inc *s = self;
	int64_t id = irui_take_incident();

	if (!s->ctx->store)
		return;
	if (id) {
		ui_form_free(s->form);
		s->form = NULL;
		open_tracker(s, id);
	} else if (s->id) {
		load_tracker(s);
	}
	load_lists(s);
}

static int dirty(void *self)
{
	struct inc *s = self;

	return s->form && ui_form_dirty(s->form);
}

const struct screen_def screen_incidents = {
    .name = "incidents",
    .title = "Incidents",
    .create = create,
    .destroy = destroy,
    .enter = enter,
    .draw = draw,
    .key = key,
    .event = event,
    .dirty = dirty,
};
