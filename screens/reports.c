/* reports.c - the Reports screen.  Working now: the post-incident report of
 * a chosen incident, written to a file (Markdown or self-contained HTML) by
 * a worker job through report.h; the screen shows the path it wrote.  The
 * executive report comes with a later issue, and the screen says so. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "irui.h"
#include "tater/ir.h"
#include "tater/report.h"
#include "tater/text.h"
#include "tater/ui_form.h"
#include "tater/ui_table.h"

enum { C_ID, C_TITLE, C_STATUS, C_SEV, C_OPENED, C_CLOSED, NCOLS };

static const struct ui_column columns[NCOLS] = {
    {"#", 4, 0, 1},	   {"Title", 14, 3, 0},	 {"Status", 6, 0, 0},
    {"Severity", 8, 0, 0}, {"Opened", 16, 0, 0}, {"Closed", 16, 0, 0},
};

static const char *const formats[] = {"md", "html", NULL};

enum { F_FORMAT, F_PATH, F_N };
static const struct ui_field_def fields[F_N] = {
    [F_FORMAT] = {"Format", UI_FIELD_CHOICE, 1, NULL, formats, NULL, 0, 0, 0},
    [F_PATH] = {"File", UI_FIELD_TEXT, 1, NULL, NULL, "./incident-1.md", 1000, 0, 0},
};

struct reports {
	struct screen_ctx *ctx;
	struct irui_track track;
	struct ui_table *table;
	struct ui_rowset *rows;
	int64_t *ids;
	size_t n;
	struct ui_form *form;
	int64_t form_id;
	int form_fmt; /* the format the default path was made for */
	char last_path[4096];
	size_t last_bytes;
	int64_t last_id;
};

static void load(struct reports *rp)
{
	struct tater_err err = {0};
	struct ir_incident *v = NULL;
	struct ui_rowset *rs;
	struct ui_table_source src;
	size_t n = 0;
	int64_t *ids;

	if (!rp->ctx->store)
		return;
	if (ir_incidents_list(rp->ctx->store, IR_ALL, &v, &n, &err) < 0) {
		ui_error(rp->ctx->ui, "Reports: %s", err.msg);
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
	for (size_t i = 0; i < n; i++) {
		char id[24], opened[24], closed[24];
		const char *cells[NCOLS];

		snprintf(id, sizeof(id), "%lld", (long long)v[i].id);
		irui_time(v[i].opened_at, opened, sizeof(opened));
		irui_time(v[i].closed_at, closed, sizeof(closed));
		cells[C_ID] = id;
		cells[C_TITLE] = v[i].title;
		cells[C_STATUS] = v[i].status;
		cells[C_SEV] = v[i].severity;
		cells[C_OPENED] = opened;
		cells[C_CLOSED] = closed;
		ui_rowset_add(rs, cells);
		ids[i] = v[i].id;
	}
	ir_incidents_free(v, n);
	ui_rowset_free(rp->rows);
	free(rp->ids);
	rp->rows = rs;
	rp->ids = ids;
	rp->n = n;
	ui_rowset_source(rs, &src);
	ui_table_set_source(rp->table, &src);
}

static int64_t selected_id(struct reports *rp)
{
	size_t i = ui_table_selected(rp->table);

	if (!rp->rows || i == (size_t)-1)
		return 0;
	return rp->ids[ui_rowset_index(rp->rows, i)];
}

static void select_id(struct reports *rp, int64_t id)
{
	for (size_t i = 0; rp->rows && i < ui_table_count(rp->table); i++)
		if (rp->ids[ui_rowset_index(rp->rows, i)] == id)
			ui_table_select(rp->table, i);
}

static void default_path(int64_t id, int fmt, char *buf, size_t n)
{
	snprintf(buf, n, "./incident-%lld-report.%s", (long long)id, formats[fmt]);
}

static void open_form(struct reports *rp, int64_t id)
{
	char title[96], path[128];

	if (!id || !ui_may_change(rp->ctx->ui, "writing a report file"))
		return;
	ui_form_free(rp->form);
	snprintf(title, sizeof(title), "Post-incident report of incident #%lld", (long long)id);
	rp->form = ui_form_new(title, fields, F_N);
	if (!rp->form) {
		ui_error(rp->ctx->ui, "out of memory");
		return;
	}
	rp->form_id = id;
	rp->form_fmt = 0;
	default_path(id, 0, path, sizeof(path));
	ui_form_set(rp->form, F_FORMAT, formats[0]);
	ui_form_set(rp->form, F_PATH, path);
	ui_form_clean(rp->form);
}

static void close_form(struct reports *rp)
{
	ui_form_free(rp->form);
	rp->form = NULL;
	rp->form_id = 0;
}

static void write_report(struct reports *rp)
{
	struct tater_err err = {0};
	struct irui_job *j;

	if (!ui_may_change(rp->ctx->ui, "writing a report file"))
		return;
	j = irui_job_new(IRUI_REPORT);
	if (!j)
		return;
	j->incident = rp->form_id;
	if (report_format_parse(ui_form_get(rp->form, F_FORMAT), &j->fmt, &err) < 0 ||
	    irui_set(&j->t1, ui_form_get(rp->form, F_PATH)) < 0) {
		irui_job_free(j);
		ui_form_set_error(rp->form, F_FORMAT, err.msg);
		return;
	}
	if (irui_submit(rp->ctx, &rp->track, j, "write post-incident report") == 0)
		ui_message(rp->ctx->ui, "Writing the report...");
}

static void discard_done(void *ctx, int result, const char *input)
{
	(void)input;
	if (result == UI_MODAL_OK)
		close_form(ctx);
}

static int form_key(struct reports *rp, const struct ui_event *ev)
{
	enum ui_form_result r = ui_form_key(rp->form, ev);
	int fmt = ui_form_choice(rp->form, F_FORMAT);

	/* The default file name follows the format until someone edits it. */
	if (fmt != rp->form_fmt && fmt >= 0) {
		char was[128], now[128];

		default_path(rp->form_id, rp->form_fmt, was, sizeof(was));
		if (!strcmp(ui_form_get(rp->form, F_PATH), was)) {
			default_path(rp->form_id, fmt, now, sizeof(now));
			ui_form_set(rp->form, F_PATH, now);
		}
		rp->form_fmt = fmt;
	}
	if (r == UI_FORM_SAVE)
		write_report(rp);
	else if (r == UI_FORM_CANCEL) {
		if (ui_form_dirty(rp->form))
			ui_confirm(rp->ctx->ui, "Discard?", "Close the report form?", "Close",
				   discard_done, rp);
		else
			close_form(rp);
	}
	return r == UI_FORM_IGNORED ? UI_IGNORED : UI_HANDLED;
}

static int key(void *self, const struct ui_event *ev)
{
	struct reports *rp = self;

	if (rp->form)
		return form_key(rp, ev);
	if (ui_table_filtering(rp->table))
		return ui_table_key(rp->table, ev);
	if (ev->act == UI_ACT_OPEN || ev->key == 'w') {
		open_form(rp, selected_id(rp));
		return UI_HANDLED;
	}
	if (ev->act == UI_ACT_REFRESH) {
		load(rp);
		return UI_HANDLED;
	}
	return ui_table_key(rp->table, ev);
}

static void draw(void *self, struct ui_rect r)
{
	struct reports *rp = self;
	struct ui_rect b, t;
	int y, bottom = 5;

	if (rp->form) {
		ui_form_draw(rp->form, r);
		return;
	}
	b = screen_header(r, "Reports", "Enter/w write the selected incident's report");
	y = b.y;
	ui_text(y++, b.x + 1, b.w - 2, UI_TITLE, "Post-incident report");
	ui_text(y++, b.x + 1, b.w - 2, UI_DIM,
		"Timeline, people, findings, decisions, times to contain and recover, lessons: "
		"Markdown or self-contained HTML.");
	t = (struct ui_rect){y, b.x, b.y + b.h - y - bottom, b.w};
	if (t.h >= 3)
		ui_table_draw(rp->table, t, 1);
	y = b.y + b.h - bottom;
	ui_fill(y, b.x, b.w, UI_NORMAL);
	if (rp->last_path[0])
		ui_textf(y, b.x + 1, b.w - 2, UI_OK, "Written: %s (%zu bytes, incident #%lld)",
			 rp->last_path, rp->last_bytes, (long long)rp->last_id);
	else
		ui_text(y, b.x + 1, b.w - 2, UI_DIM, "No report written in this session yet.");
	y++;
	ui_fill(y, b.x, b.w, UI_NORMAL);
	ui_text(y++, b.x + 1, b.w - 2, UI_TITLE, "Coming later");
	ui_wrap((struct ui_rect){y, b.x + 3, b.y + b.h - y, b.w - 4}, UI_NORMAL,
		"The executive report (identity posture, controls, remediation, incidents) comes "
		"with a later issue; it is not built yet. Headless: tater report incident ID "
		"--format md|html -o FILE writes the report above.",
		0);
}

static int event(void *self, struct worker_event *ev)
{
	struct reports *rp = self;
	struct irui_result *res = ev->result;
	enum irui_op op;

	if (!irui_track_take(&rp->track, ev->job_id, &op))
		return 0;
	if (ev->rc < 0) {
		/* The status bar has the message; the form stays open to fix the path. */
		if (rp->form)
			ui_form_set_error(rp->form, F_PATH, ev->err.msg);
		return 1;
	}
	if (res) {
		snprintf(rp->last_path, sizeof(rp->last_path), "%s", res->path);
		rp->last_bytes = res->bytes;
		rp->last_id = rp->form_id;
		ui_message(rp->ctx->ui, "Report written to %s", res->path);
	}
	close_form(rp);
	return 1;
}

static void *create(struct screen_ctx *ctx)
{
	struct reports *rp = calloc(1, sizeof(*rp));

	if (!rp)
		return NULL;
	rp->ctx = ctx;
	rp->table = ui_table_new(columns, NCOLS);
	if (!rp->table) {
		free(rp);
		return NULL;
	}
	ui_table_set_empty_text(
	    rp->table, "No incidents yet: activate a playbook (4 Playbooks, a) to open one.");
	return rp;
}

static void destroy(void *self)
{
	struct reports *rp = self;

	if (!rp)
		return;
	ui_form_free(rp->form);
	ui_table_free(rp->table);
	ui_rowset_free(rp->rows);
	free(rp->ids);
	free(rp);
}

static void enter(void *self)
{
	struct reports *rp = self;
	int64_t id = irui_take_report();

	load(rp);
	if (id) {
		select_id(rp, id);
		open_form(rp, id);
	}
}

static int dirty(void *self)
{
	struct reports *rp = self;

	return rp->form && ui_form_dirty(rp->form);
}

const struct screen_def screen_reports = {
    .name = "reports",
    .title = "Reports",
    .create = create,
    .destroy = destroy,
    .enter = enter,
    .draw = draw,
    .key = key,
    .event = event,
    .dirty = dirty,
};
