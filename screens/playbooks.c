/* playbooks.c - the Playbooks screen: the incident-response playbook library.
 *
 * Views: the library (a table), one playbook's phases and steps, its
 * revision history (approve, reject, diff), a diff, and the step editor
 * (a working copy of the body: add, edit, remove and reorder steps; saving
 * adds a draft revision).  Forms for a new playbook, a copy, the owner and
 * review date, import, export and activation lie over the view.
 *
 * The screen reads through the UI thread's store connection; every change
 * runs as a worker job (irui.c) and is refused under --readonly at
 * ui_may_change.  The rules (who may approve, what a valid body is) are the
 * backend's: its message is what the user sees. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "irui.h"
#include "tater/ir.h"
#include "tater/store.h"
#include "tater/text.h"
#include "tater/ui_form.h"
#include "tater/ui_table.h"

enum view { V_LIST, V_DETAIL, V_HISTORY, V_DIFF, V_EDIT };

enum form_kind { FK_NONE, FK_NEW, FK_COPY, FK_OWNER, FK_IMPORT, FK_EXPORT, FK_ACTIVATE, FK_STEP };

/* ---- the library table ---- */

enum { C_NAME, C_TYPE, C_OWNER, C_REV, C_STATE, C_REVIEW, C_OVERDUE, NCOLS };

/* Pre-built or custom is in the detail view: at 80 columns these fit whole. */
static const struct ui_column columns[NCOLS] = {
    {"Name", 18, 3, 0}, {"Type", 18, 0, 0},	  {"Owner", 7, 1, 0},	{"Rev", 3, 0, 1},
    {"State", 8, 0, 0}, {"Review due", 10, 0, 0}, {"Overdue", 7, 0, 0},
};

enum { R_REV, R_STATE, R_AUTHOR, R_CREATED, R_REVIEWER, R_SUMMARY, RCOLS };

static const struct ui_column rcolumns[RCOLS] = {
    {"Rev", 3, 0, 1},	   {"State", 8, 0, 0},	     {"Author", 8, 1, 0},
    {"Created", 16, 0, 0}, {"Reviewed by", 8, 1, 0}, {"Summary", 10, 3, 0},
};

/* ---- forms ---- */

static int valid_slug(const struct ui_form *f, int field, const char *v, char *msg, size_t n)
{
	(void)f;
	(void)field;
	if (strlen(v) > 63 || !(v[0] >= 'a' && v[0] <= 'z'))
		goto bad;
	for (const char *p = v; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
			goto bad;
	return 0;
bad:
	snprintf(msg, n, "a-z, 0-9 and -, starting with a letter");
	return -1;
}

static int valid_date(const struct ui_form *f, int field, const char *v, char *msg, size_t n)
{
	int y, m, d, used = 0;

	(void)f;
	(void)field;
	if (sscanf(v, "%4d-%2d-%2d%n", &y, &m, &d, &used) == 3 && used == 10 && !v[10] && m >= 1 &&
	    m <= 12 && d >= 1 && d <= 31)
		return 0;
	snprintf(msg, n, "YYYY-MM-DD, or empty for none");
	return -1;
}

static int valid_user(const struct ui_form *f, int field, const char *v, char *msg, size_t n)
{
	(void)f;
	(void)field;
	if (!strchr(v, ' '))
		return 0;
	snprintf(msg, n, "a user name: no spaces");
	return -1;
}

static const struct ui_field_def new_fields[] = {
    {"Slug", UI_FIELD_TEXT, 1, valid_slug, NULL, "lost-laptop", 63, 0, 0},
    {"Name", UI_FIELD_TEXT, 1, NULL, NULL, "Lost laptop", 127, 0, 0},
    {"Incident type", UI_FIELD_TEXT, 1, NULL, NULL, "lost_device", 63, 0, 0},
};
static const struct ui_field_def copy_fields[] = {
    {"New slug", UI_FIELD_TEXT, 1, valid_slug, NULL, "phishing-acme", 63, 0, 0},
    {"Name", UI_FIELD_TEXT, 0, NULL, NULL, "empty: \"<name> (copy)\"", 127, 0, 0},
};
static const struct ui_field_def owner_fields[] = {
    {"Owner", UI_FIELD_TEXT, 0, valid_user, NULL, "a user name; empty: nobody", 63, 0, 0},
    {"Review due", UI_FIELD_TEXT, 0, valid_date, NULL, "YYYY-MM-DD", 10, 0, 0},
};
static const struct ui_field_def path_fields[] = {
    {"File", UI_FIELD_TEXT, 1, NULL, NULL, "./playbook.json", 1000, 0, 0},
};
enum { A_TITLE, A_SEVERITY, A_ALERT, A_USER, A_HOST, A_N };
static const struct ui_field_def activate_fields[A_N] = {
    [A_TITLE] = {"Title", UI_FIELD_TEXT, 1, NULL, NULL, "Impossible travel for eve", 200, 0, 0},
    [A_SEVERITY] = {"Severity", UI_FIELD_CHOICE, 1, NULL, irui_severities, NULL, 0, 0, 0},
    [A_ALERT] = {"ITDR alert id", UI_FIELD_TEXT, 0, ui_valid_int_range, NULL, "none", 12, 1,
		 999999999},
    [A_USER] = {"User", UI_FIELD_TEXT, 0, NULL, NULL, "eve@contoso.com", 250, 0, 0},
    [A_HOST] = {"Host", UI_FIELD_TEXT, 0, NULL, NULL, "LT-042", 250, 0, 0},
};
enum { S_TITLE, S_DETAIL, S_EVIDENCE, S_N };
static const struct ui_field_def step_fields[S_N] = {
    [S_TITLE] = {"Title", UI_FIELD_TEXT, 1, NULL, NULL, "Disable the account", IR_TITLE_MAX, 0, 0},
    [S_DETAIL] = {"Detail", UI_FIELD_NOTES, 0, NULL, NULL, NULL, IR_TEXT_MAX, 0, 0},
    [S_EVIDENCE] = {"Evidence", UI_FIELD_NOTES, 0, NULL, NULL, NULL, IR_TEXT_MAX, 0, 0},
};

/* One row of the editor: a phase header (step < 0) or a step. */
struct erow {
	int phase;
	int step;
};

struct pb {
	struct screen_ctx *ctx;
	enum view view;
	int loaded; /* the pre-built playbooks are in the store */
	struct irui_track track;

	struct ui_table *table;
	struct ui_rowset *rows;
	struct ir_playbook *pbs; /* rowset row i is pbs[i] */
	size_t npbs;

	char slug[64]; /* the playbook shown in detail, history, diff, editor */
	struct ir_playbook cur;
	int shown_rev; /* detail: which revision (0: the newest) */
	struct irui_doc doc;
	int scroll, doc_lines, page;

	struct ui_table *rtable;
	struct ui_rowset *rrows;
	struct ir_revision *revs;
	size_t nrevs;
	int mark; /* a revision marked for diff; 0: none */
	int diff_a, diff_b;

	/* The editor's working copy. */
	struct ir_body work;
	int work_dirty;
	int creating; /* a new playbook: nothing stored yet */
	char new_slug[64], new_name[128], new_type[64];
	struct erow *erows;
	size_t nerows;
	size_t ecur;
	int escroll;

	struct ui_form *form;
	enum form_kind fkind;
	int step_phase;
	size_t step_idx;
	int step_new;
	enum view back_view; /* where a form or the editor returns */
};

static const char *list_hint =
    "Enter open  a activate  n new  c copy  e edit  o owner  H history  i/x import/export";
static const char *detail_hint =
    "a activate  e edit  c copy  o owner  H history  x export  j/k scroll  q back";
static const char *history_hint =
    "Enter view  d diff (with previous, or marked)  Space mark  A approve  R reject  q back";
static const char *edit_hint =
    "a add  Enter/e edit  d remove  K/J move up/down  w save (a new draft)  q back";

/* ---- loading ---- */

static int pb_index(struct pb *p, const char *slug)
{
	for (size_t i = 0; i < p->npbs; i++)
		if (!strcmp(p->pbs[i].slug, slug))
			return (int)i;
	return -1;
}

static void load_list(struct pb *p, const char *select)
{
	struct tater_err err = {0};
	struct ir_playbook *v = NULL;
	struct ui_rowset *rs;
	struct ui_table_source src;
	size_t n = 0;

	if (!p->ctx->store)
		return;
	if (ir_playbooks_list(p->ctx->store, &v, &n, &err) < 0) {
		ui_error(p->ctx->ui, "Playbooks: %s", err.msg);
		return;
	}
	if (!(rs = ui_rowset_new(NCOLS))) {
		free(v);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		char rev[16];
		const char *cells[NCOLS];

		snprintf(rev, sizeof(rev), "%d", v[i].latest_revno);
		cells[C_NAME] = v[i].name;
		cells[C_TYPE] = v[i].incident_type;
		cells[C_OWNER] = v[i].owner[0] ? v[i].owner : "-";
		cells[C_REV] = rev;
		cells[C_STATE] = v[i].latest_status;
		cells[C_REVIEW] = v[i].review_due[0] ? v[i].review_due : "-";
		cells[C_OVERDUE] = v[i].review_overdue ? "OVERDUE" : "";
		ui_rowset_add(rs, cells);
	}
	ui_rowset_free(p->rows);
	free(p->pbs);
	p->rows = rs;
	p->pbs = v;
	p->npbs = n;
	ui_rowset_source(rs, &src);
	ui_table_set_source(p->table, &src);
	ui_table_set_empty_text(p->table, ui_readonly(p->ctx->ui)
					      ? "No playbooks in this store (read-only: the "
						"pre-built ones load on the first writable start)."
					      : "No playbooks yet. Press n to write one.");
	if (select) {
		int idx = pb_index(p, select);

		for (size_t i = 0; idx >= 0 && i < ui_table_count(p->table); i++)
			if (ui_rowset_index(rs, i) == (size_t)idx)
				ui_table_select(p->table, i);
	}
}

static struct ir_playbook *selected(struct pb *p)
{
	size_t i = ui_table_selected(p->table);

	if (!p->rows || i == (size_t)-1)
		return NULL;
	i = ui_rowset_index(p->rows, i);
	return i < p->npbs ? &p->pbs[i] : NULL;
}

/* The playbook the current view is about (the list's selection in the list). */
static int focus_playbook(struct pb *p)
{
	struct tater_err err = {0};

	if (p->view == V_LIST) {
		struct ir_playbook *s = selected(p);

		if (!s)
			return -1;
		snprintf(p->slug, sizeof(p->slug), "%s", s->slug);
	}
	if (!p->slug[0])
		return -1;
	if (ir_playbook_get(p->ctx->store, p->slug, &p->cur, &err) < 0) {
		ui_error(p->ctx->ui, "%s", err.msg);
		return -1;
	}
	return 0;
}

static void build_detail(struct pb *p)
{
	struct tater_err err = {0};
	struct ir_body b;
	struct ir_playbook *c = &p->cur;
	int rev = p->shown_rev ? p->shown_rev : c->latest_revno;
	char status[16] = "";

	irui_doc_clear(&p->doc);
	if (ir_revision_body(p->ctx->store, p->slug, p->shown_rev, &b, &err) < 0) {
		irui_doc_add(&p->doc, 0, UI_ERROR, "%s", err.msg);
		return;
	}
	for (size_t i = 0; i < p->nrevs; i++)
		if (p->revs[i].revno == rev)
			snprintf(status, sizeof(status), "%s", p->revs[i].status);
	irui_doc_add(&p->doc, 0, UI_TITLE, "%s  (%s, %s)", c->name, c->slug,
		     c->builtin ? "pre-built" : "custom");
	irui_doc_add(&p->doc, 0, UI_NORMAL, "Type: %s   Owner: %s   Review due: %s%s",
		     c->incident_type, c->owner[0] ? c->owner : "-",
		     c->review_due[0] ? c->review_due : "-", c->review_overdue ? " (OVERDUE)" : "");
	irui_doc_add(&p->doc, 0, c->approved_revno ? UI_NORMAL : UI_WARN,
		     "Revision %d of %d%s%s%s. Activation uses %s.", rev, c->latest_revno,
		     status[0] ? " (" : "", status, status[0] ? ")" : "",
		     c->approved_revno ? "the newest approved revision"
				       : "nothing yet: no revision is approved");
	if (b.description && b.description[0]) {
		irui_doc_add(&p->doc, 0, UI_NORMAL, "%s", "");
		irui_doc_lines(&p->doc, 0, UI_DIM, "", b.description);
	}
	for (int ph = 0; ph < IR_PHASES; ph++) {
		irui_doc_add(&p->doc, 0, UI_NORMAL, "%s", "");
		irui_doc_add(&p->doc, 0, UI_TITLE, "%d. %s", ph + 1, ir_phase_name(ph));
		for (size_t i = 0; i < b.phase[ph].n; i++) {
			const struct ir_step *st = &b.phase[ph].steps[i];

			irui_doc_add(&p->doc, 2, UI_NORMAL, "%d.%zu %s", ph + 1, i + 1, st->title);
			if (st->detail && st->detail[0])
				irui_doc_lines(&p->doc, 6, UI_DIM, "", st->detail);
			if (st->evidence && st->evidence[0])
				irui_doc_lines(&p->doc, 6, UI_DIM,
					       "Evidence to keep: ", st->evidence);
		}
	}
	ir_body_free(&b);
}

static void load_history(struct pb *p)
{
	struct tater_err err = {0};
	struct ir_revision *v = NULL;
	struct ui_rowset *rs;
	struct ui_table_source src;
	size_t n = 0, sel = ui_table_selected(p->rtable);

	if (ir_revisions_list(p->ctx->store, p->slug, &v, &n, &err) < 0) {
		ui_error(p->ctx->ui, "%s", err.msg);
		return;
	}
	if (!(rs = ui_rowset_new(RCOLS))) {
		free(v);
		return;
	}
	/* Newest first: that is the one to review. */
	for (size_t k = n; k-- > 0;) {
		char rev[24], created[24];
		const char *cells[RCOLS];

		snprintf(rev, sizeof(rev), "%s%d", v[k].revno == p->mark ? "*" : "", v[k].revno);
		irui_time(v[k].created_at, created, sizeof(created));
		cells[R_REV] = rev;
		cells[R_STATE] = v[k].status;
		cells[R_AUTHOR] = v[k].author;
		cells[R_CREATED] = created;
		cells[R_REVIEWER] = v[k].reviewed_by[0] ? v[k].reviewed_by : "-";
		cells[R_SUMMARY] = v[k].summary;
		ui_rowset_add(rs, cells);
	}
	ui_rowset_free(p->rrows);
	free(p->revs);
	p->rrows = rs;
	p->revs = v;
	p->nrevs = n;
	ui_rowset_source(rs, &src);
	ui_table_set_source(p->rtable, &src);
	if (sel != (size_t)-1)
		ui_table_select(p->rtable, sel);
}

/* The revision under the history cursor (rows are newest first). */
static struct ir_revision *selected_rev(struct pb *p)
{
	size_t i = ui_table_selected(p->rtable);

	if (!p->rrows || i == (size_t)-1)
		return NULL;
	i = ui_rowset_index(p->rrows, i);
	return i < p->nrevs ? &p->revs[p->nrevs - 1 - i] : NULL;
}

static void open_detail(struct pb *p, int rev)
{
	if (focus_playbook(p) < 0)
		return;
	p->shown_rev = rev;
	p->mark = 0;
	load_history(p);
	build_detail(p);
	p->scroll = 0;
	p->view = V_DETAIL;
}

static void open_history(struct pb *p)
{
	if (focus_playbook(p) < 0)
		return;
	p->mark = 0;
	load_history(p);
	ui_table_select(p->rtable, 0);
	p->view = V_HISTORY;
}

static void open_diff(struct pb *p, int a, int b)
{
	struct tater_err err = {0};
	char *text = NULL;
	int changed;

	if (ir_revision_diff(p->ctx->store, p->slug, a, b, &text, &err) < 0) {
		ui_error(p->ctx->ui, "%s", err.msg);
		return;
	}
	irui_doc_clear(&p->doc);
	irui_doc_add(&p->doc, 0, UI_TITLE, "%s: revision %d -> revision %d", p->cur.name, a, b);
	irui_doc_add(&p->doc, 0, UI_DIM, "%s", "- removed   + added   (phases as headers)");
	irui_doc_add(&p->doc, 0, UI_NORMAL, "%s", "");
	changed = text && (strstr(text, "\n- ") || strstr(text, "\n+ ") ||
			   !strncmp(text, "- ", 2) || !strncmp(text, "+ ", 2));
	for (char *line = text, *nl; line && *line; line = nl ? nl + 1 : NULL) {
		enum ui_color c = UI_NORMAL;

		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (line[0] == '-' && line[1] == ' ')
			c = UI_ERROR;
		else if (line[0] == '+' && line[1] == ' ')
			c = UI_OK;
		else if (line[0] != ' ')
			c = UI_TITLE;
		irui_doc_add(&p->doc, 0, c, "%s", line);
	}
	if (!changed)
		irui_doc_add(&p->doc, 0, UI_DIM, "%s", "(no difference in the steps)");
	free(text);
	p->diff_a = a;
	p->diff_b = b;
	p->scroll = 0;
	p->view = V_DIFF;
}

/* ---- the editor ---- */

static void build_erows(struct pb *p)
{
	size_t n = IR_PHASES;

	for (int ph = 0; ph < IR_PHASES; ph++)
		n += p->work.phase[ph].n;
	free(p->erows);
	p->erows = calloc(n, sizeof(*p->erows));
	p->nerows = 0;
	if (!p->erows)
		return;
	for (int ph = 0; ph < IR_PHASES; ph++) {
		p->erows[p->nerows++] = (struct erow){ph, -1};
		for (size_t i = 0; i < p->work.phase[ph].n; i++)
			p->erows[p->nerows++] = (struct erow){ph, (int)i};
	}
	if (p->ecur >= p->nerows)
		p->ecur = p->nerows ? p->nerows - 1 : 0;
}

static void select_erow(struct pb *p, int phase, int step)
{
	for (size_t i = 0; i < p->nerows; i++)
		if (p->erows[i].phase == phase && p->erows[i].step == step)
			p->ecur = i;
}

static void open_editor(struct pb *p)
{
	struct tater_err err = {0};

	ir_body_free(&p->work);
	ir_body_init(&p->work);
	if (!p->creating) {
		if (focus_playbook(p) < 0)
			return;
		if (p->cur.builtin) {
			ui_error(p->ctx->ui,
				 "'%s' is pre-built and not changed in place: press c to copy it, "
				 "then edit the copy",
				 p->slug);
			return;
		}
		if (ir_revision_body(p->ctx->store, p->slug, 0, &p->work, &err) < 0) {
			ui_error(p->ctx->ui, "%s", err.msg);
			return;
		}
	}
	p->work_dirty = 0;
	p->ecur = 0;
	p->escroll = 0;
	build_erows(p);
	if (p->view != V_EDIT)
		p->back_view = p->view;
	p->view = V_EDIT;
}

static void close_editor(struct pb *p)
{
	ir_body_free(&p->work);
	ir_body_init(&p->work);
	p->work_dirty = 0;
	p->creating = 0;
	p->view = p->back_view == V_EDIT ? V_LIST : p->back_view;
	if (p->view == V_DETAIL && p->slug[0])
		open_detail(p, 0);
}

static void discard_done(void *ctx, int result, const char *input)
{
	struct pb *p = ctx;

	(void)input;
	if (result == UI_MODAL_OK) {
		close_editor(p);
		ui_message(p->ctx->ui, "Changes discarded");
	}
}

static void summary_done(void *ctx, int result, const char *input)
{
	struct pb *p = ctx;
	struct tater_err err = {0};
	struct irui_job *j;
	const char *summary = input && *input ? input : NULL;

	if (result != UI_MODAL_OK)
		return;
	if (!ui_may_change(p->ctx->ui, "saving a playbook"))
		return;
	j = irui_job_new(p->creating ? IRUI_CREATE : IRUI_SAVE);
	if (!j || ir_body_copy(&j->body, &p->work, &err) < 0) {
		irui_job_free(j);
		ui_error(p->ctx->ui, "out of memory");
		return;
	}
	if (p->creating) {
		snprintf(j->slug, sizeof(j->slug), "%s", p->new_slug);
		irui_set(&j->t1, p->new_name);
		irui_set(&j->t2, p->new_type);
		irui_set(&j->t3, summary ? summary : "created");
	} else {
		snprintf(j->slug, sizeof(j->slug), "%s", p->slug);
		irui_set(&j->t1, summary);
	}
	if (irui_submit(p->ctx, &p->track, j, p->creating ? "create playbook" : "save playbook") ==
	    0)
		ui_message(p->ctx->ui, "Saving...");
}

static void editor_save(struct pb *p)
{
	struct tater_err err = {0};

	if (!ui_may_change(p->ctx->ui, "saving a playbook"))
		return;
	/* The backend's own check, before asking anything. */
	if (ir_body_validate(&p->work, &err) < 0) {
		ui_error(p->ctx->ui, "Not saved: %s", err.msg);
		return;
	}
	if (!p->creating && !p->work_dirty) {
		ui_message(p->ctx->ui, "Nothing changed; nothing to save");
		return;
	}
	ui_prompt(p->ctx->ui, "Summary of this change",
		  "One line for the history (who reviews it reads this). Saving adds a new "
		  "draft revision; an admin other than you approves it.",
		  0, summary_done, p);
}

/* ---- forms ---- */

static void open_form(struct pb *p, enum form_kind k)
{
	static const struct {
		const char *title;
		const struct ui_field_def *defs;
		int n;
	} kinds[] = {
	    [FK_NEW] = {"New playbook (then add its steps)", new_fields, 3},
	    [FK_COPY] = {"Copy playbook", copy_fields, 2},
	    [FK_OWNER] = {"Owner and review date", owner_fields, 2},
	    [FK_IMPORT] = {"Import a playbook file (JSON)", path_fields, 1},
	    [FK_EXPORT] = {"Export playbook to a file (JSON)", path_fields, 1},
	    [FK_ACTIVATE] = {"Activate playbook: open an incident", activate_fields, A_N},
	    [FK_STEP] = {"Step", step_fields, S_N},
	};
	char title[256];

	ui_form_free(p->form);
	p->form = NULL;
	if (k == FK_NONE)
		return;
	snprintf(title, sizeof(title), "%s", kinds[k].title);
	if (k == FK_COPY || k == FK_OWNER || k == FK_EXPORT || k == FK_ACTIVATE)
		snprintf(title, sizeof(title), "%s: %s", kinds[k].title, p->cur.name);
	if (k == FK_STEP)
		snprintf(title, sizeof(title), "%s step in %s", p->step_new ? "New" : "Edit",
			 ir_phase_name(p->step_phase));
	p->form = ui_form_new(title, kinds[k].defs, kinds[k].n);
	if (!p->form) {
		ui_error(p->ctx->ui, "out of memory");
		return;
	}
	p->fkind = k;
	switch (k) {
	case FK_COPY: {
		char s[64];

		snprintf(s, sizeof(s), "%.50s-copy", p->cur.slug);
		ui_form_set(p->form, 0, s);
		break;
	}
	case FK_OWNER:
		ui_form_set(p->form, 0, p->cur.owner);
		ui_form_set(p->form, 1, p->cur.review_due);
		break;
	case FK_EXPORT: {
		char s[128];

		snprintf(s, sizeof(s), "./%s.json", p->cur.slug);
		ui_form_set(p->form, 0, s);
		break;
	}
	case FK_ACTIVATE:
		ui_form_set(p->form, A_SEVERITY, irui_severities[0]);
		break;
	case FK_STEP:
		if (!p->step_new) {
			const struct ir_step *st = &p->work.phase[p->step_phase].steps[p->step_idx];

			ui_form_set(p->form, S_TITLE, st->title);
			ui_form_set(p->form, S_DETAIL, st->detail);
			ui_form_set(p->form, S_EVIDENCE, st->evidence);
		}
		break;
	default:
		break;
	}
	ui_form_clean(p->form);
}

static void close_form(struct pb *p)
{
	ui_form_free(p->form);
	p->form = NULL;
	p->fkind = FK_NONE;
}

static const char *opt(const char *s)
{
	while (s && *s == ' ')
		s++;
	return s && *s ? s : NULL;
}

static void form_save(struct pb *p)
{
	struct ui_form *f = p->form;
	struct irui_job *j = NULL;
	struct tater_err err = {0};
	const char *title = "";

	if (p->fkind != FK_STEP && !ui_may_change(p->ctx->ui, "changing the playbook library"))
		return;
	switch (p->fkind) {
	case FK_NEW:
		snprintf(p->new_slug, sizeof(p->new_slug), "%s", ui_form_get(f, 0));
		snprintf(p->new_name, sizeof(p->new_name), "%s", ui_form_get(f, 1));
		snprintf(p->new_type, sizeof(p->new_type), "%s", ui_form_get(f, 2));
		if (pb_index(p, p->new_slug) >= 0) {
			ui_form_set_error(f, 0, "a playbook with this slug exists");
			return;
		}
		close_form(p);
		p->creating = 1;
		open_editor(p);
		ui_message(p->ctx->ui,
			   "New playbook %s: add at least one step to every phase (a), "
			   "then w saves it",
			   p->new_slug);
		return;
	case FK_STEP: {
		const char *t = ui_form_get(f, S_TITLE), *d = opt(ui_form_get(f, S_DETAIL)),
			   *e = opt(ui_form_get(f, S_EVIDENCE));
		int rc;

		if (p->step_new)
			rc = ir_body_step_add(&p->work, p->step_phase, p->step_idx, t, d, e, &err);
		else
			rc = ir_body_step_set(&p->work, p->step_phase, p->step_idx, t, d, e, &err);
		if (rc < 0) {
			ui_form_set_error(f, S_TITLE, err.msg);
			return;
		}
		p->work_dirty = 1;
		build_erows(p);
		select_erow(p, p->step_phase, (int)p->step_idx);
		close_form(p);
		return;
	}
	case FK_COPY:
		j = irui_job_new(IRUI_COPY);
		if (j) {
			snprintf(j->slug, sizeof(j->slug), "%s", p->cur.slug);
			snprintf(j->slug2, sizeof(j->slug2), "%s", ui_form_get(f, 0));
			irui_set(&j->t1, opt(ui_form_get(f, 1)));
		}
		title = "copy playbook";
		break;
	case FK_OWNER:
		j = irui_job_new(IRUI_OWNER);
		if (j) {
			snprintf(j->slug, sizeof(j->slug), "%s", p->cur.slug);
			irui_set(&j->t1, ui_form_get(f, 0));
			irui_set(&j->t2, ui_form_get(f, 1));
		}
		title = "set playbook owner";
		break;
	case FK_IMPORT:
		j = irui_job_new(IRUI_IMPORT);
		if (j)
			irui_set(&j->t1, ui_form_get(f, 0));
		title = "import playbook";
		break;
	case FK_EXPORT:
		j = irui_job_new(IRUI_EXPORT);
		if (j) {
			snprintf(j->slug, sizeof(j->slug), "%s", p->cur.slug);
			irui_set(&j->t1, ui_form_get(f, 0));
		}
		title = "export playbook";
		break;
	case FK_ACTIVATE:
		j = irui_job_new(IRUI_ACTIVATE);
		if (j) {
			const char *al = opt(ui_form_get(f, A_ALERT));

			snprintf(j->slug, sizeof(j->slug), "%s", p->cur.slug);
			irui_set(&j->t1, ui_form_get(f, A_TITLE));
			irui_set(&j->t2, ui_form_get(f, A_SEVERITY));
			irui_set(&j->t3, opt(ui_form_get(f, A_USER)));
			irui_set(&j->t4, opt(ui_form_get(f, A_HOST)));
			j->alert = al ? atoll(al) : 0;
		}
		title = "activate playbook";
		break;
	default:
		return;
	}
	if (irui_submit(p->ctx, &p->track, j, title) == 0)
		ui_message(p->ctx->ui, "Working...");
}

static void form_cancel_done(void *ctx, int result, const char *input)
{
	(void)input;
	if (result == UI_MODAL_OK)
		close_form(ctx);
}

static int form_key(struct pb *p, const struct ui_event *ev)
{
	enum ui_form_result r = ui_form_key(p->form, ev);

	if (r == UI_FORM_SAVE)
		form_save(p);
	else if (r == UI_FORM_CANCEL) {
		if (ui_form_dirty(p->form))
			ui_confirm(p->ctx->ui, "Discard changes?",
				   "This form has unsaved changes. Discard them?", "Discard",
				   form_cancel_done, p);
		else
			close_form(p);
	}
	return r == UI_FORM_IGNORED ? UI_IGNORED : UI_HANDLED;
}

/* ---- actions on a playbook (list, detail) ---- */

static int playbook_action(struct pb *p, int k)
{
	switch (k) {
	case 'a':
		if (focus_playbook(p) < 0 || !ui_may_change(p->ctx->ui, "activating a playbook"))
			return UI_HANDLED;
		if (!p->cur.approved_revno) {
			ui_error(p->ctx->ui,
				 "%s has no approved revision: only an approved revision can be "
				 "activated (H: history; an admin other than its author approves)",
				 p->cur.slug);
			return UI_HANDLED;
		}
		open_form(p, FK_ACTIVATE);
		return UI_HANDLED;
	case 'c':
		if (focus_playbook(p) == 0 && ui_may_change(p->ctx->ui, "copying a playbook"))
			open_form(p, FK_COPY);
		return UI_HANDLED;
	case 'e':
		if (focus_playbook(p) == 0 && ui_may_change(p->ctx->ui, "editing a playbook")) {
			p->creating = 0;
			open_editor(p);
		}
		return UI_HANDLED;
	case 'o':
		if (focus_playbook(p) == 0 &&
		    ui_may_change(p->ctx->ui, "setting a playbook's owner"))
			open_form(p, FK_OWNER);
		return UI_HANDLED;
	case 'H':
		open_history(p);
		return UI_HANDLED;
	case 'x':
		if (focus_playbook(p) == 0 && ui_may_change(p->ctx->ui, "exporting a playbook"))
			open_form(p, FK_EXPORT);
		return UI_HANDLED;
	default:
		return UI_IGNORED;
	}
}

static int list_key(struct pb *p, const struct ui_event *ev)
{
	if (ui_table_filtering(p->table))
		return ui_table_key(p->table, ev);
	if (ev->act == UI_ACT_OPEN || (ev->mouse && ev->click == 2)) {
		if (ev->mouse)
			ui_table_key(p->table, ev);
		open_detail(p, 0);
		return UI_HANDLED;
	}
	switch (ev->key) {
	case 'n':
		if (ui_may_change(p->ctx->ui, "creating a playbook"))
			open_form(p, FK_NEW);
		return UI_HANDLED;
	case 'i':
		if (ui_may_change(p->ctx->ui, "importing a playbook"))
			open_form(p, FK_IMPORT);
		return UI_HANDLED;
	case 'r':
		load_list(p, NULL);
		ui_message(p->ctx->ui, "Reloaded");
		return UI_HANDLED;
	default:
		if (playbook_action(p, ev->key) == UI_HANDLED)
			return UI_HANDLED;
	}
	return ui_table_key(p->table, ev);
}

static void reject_done(void *ctx, int result, const char *input)
{
	struct pb *p = ctx;
	struct irui_job *j;

	if (result != UI_MODAL_OK || !ui_may_change(p->ctx->ui, "rejecting a revision"))
		return;
	j = irui_job_new(IRUI_REJECT);
	if (!j)
		return;
	snprintf(j->slug, sizeof(j->slug), "%s", p->slug);
	j->revno = p->diff_b; /* the revision chosen when the prompt opened */
	irui_set(&j->t1, input && *input ? input : NULL);
	irui_submit(p->ctx, &p->track, j, "reject revision");
}

static int history_key(struct pb *p, const struct ui_event *ev)
{
	struct ir_revision *r = selected_rev(p);

	if (ui_table_filtering(p->rtable))
		return ui_table_key(p->rtable, ev);
	if (ev->act == UI_ACT_OPEN && r) {
		open_detail(p, r->revno);
		return UI_HANDLED;
	}
	if (ev->act == UI_ACT_BACK) {
		p->view = V_DETAIL;
		open_detail(p, 0);
		return UI_HANDLED;
	}
	switch (ev->key) {
	case ' ':
		if (r) {
			p->mark = p->mark == r->revno ? 0 : r->revno;
			load_history(p);
			if (p->mark)
				ui_message(
				    p->ctx->ui,
				    "Revision %d marked: d diffs it against the selected one",
				    p->mark);
			else
				ui_message(p->ctx->ui, "Mark cleared");
		}
		return UI_HANDLED;
	case 'd':
		if (!r)
			return UI_HANDLED;
		if (p->mark && p->mark != r->revno)
			open_diff(p, p->mark < r->revno ? p->mark : r->revno,
				  p->mark < r->revno ? r->revno : p->mark);
		else if (r->revno > 1)
			open_diff(p, r->revno - 1, r->revno);
		else
			ui_message(p->ctx->ui, "Revision 1 is the first: mark another (Space) to "
					       "compare");
		return UI_HANDLED;
	case 'A':
		if (r && ui_may_change(p->ctx->ui, "approving a revision")) {
			struct irui_job *j = irui_job_new(IRUI_APPROVE);

			if (j) {
				snprintf(j->slug, sizeof(j->slug), "%s", p->slug);
				j->revno = r->revno;
			}
			irui_submit(p->ctx, &p->track, j, "approve revision");
		}
		return UI_HANDLED;
	case 'R':
		if (r && ui_may_change(p->ctx->ui, "rejecting a revision")) {
			char text[200];

			p->diff_b = r->revno;
			snprintf(text, sizeof(text),
				 "Why is revision %d rejected? (one line; the author reads it)",
				 r->revno);
			ui_prompt(p->ctx->ui, "Reject revision", text, 0, reject_done, p);
		}
		return UI_HANDLED;
	default:
		break;
	}
	return ui_table_key(p->rtable, ev);
}

static void step_form(struct pb *p, int phase, size_t idx, int is_new)
{
	p->step_phase = phase;
	p->step_idx = idx;
	p->step_new = is_new;
	open_form(p, FK_STEP);
}

static void move_step(struct pb *p, int dir)
{
	struct erow e = p->nerows ? p->erows[p->ecur] : (struct erow){0, -1};
	struct tater_err err = {0};
	int to_phase = e.phase;
	size_t to_idx;

	if (e.step < 0)
		return;
	if (dir < 0) {
		if (e.step > 0) {
			to_idx = (size_t)e.step - 1;
		} else if (e.phase > 0) {
			to_phase = e.phase - 1;
			to_idx = p->work.phase[to_phase].n;
		} else {
			return;
		}
	} else {
		if ((size_t)e.step + 1 < p->work.phase[e.phase].n) {
			to_idx = (size_t)e.step + 1;
		} else if (e.phase + 1 < IR_PHASES) {
			to_phase = e.phase + 1;
			to_idx = 0;
		} else {
			return;
		}
	}
	if (ir_body_step_move(&p->work, e.phase, (size_t)e.step, to_phase, to_idx, &err) < 0) {
		ui_error(p->ctx->ui, "%s", err.msg);
		return;
	}
	p->work_dirty = 1;
	build_erows(p);
	select_erow(p, to_phase, (int)to_idx);
}

static int edit_key(struct pb *p, const struct ui_event *ev)
{
	struct erow e = p->nerows ? p->erows[p->ecur] : (struct erow){0, -1};
	struct tater_err err = {0};

	switch (ev->act) {
	case UI_ACT_UP:
		if (p->ecur > 0)
			p->ecur--;
		return UI_HANDLED;
	case UI_ACT_DOWN:
		if (p->ecur + 1 < p->nerows)
			p->ecur++;
		return UI_HANDLED;
	case UI_ACT_TOP:
		p->ecur = 0;
		return UI_HANDLED;
	case UI_ACT_BOTTOM:
		p->ecur = p->nerows ? p->nerows - 1 : 0;
		return UI_HANDLED;
	case UI_ACT_PAGE_DOWN:
		p->ecur = p->ecur + 8 < p->nerows ? p->ecur + 8 : (p->nerows ? p->nerows - 1 : 0);
		return UI_HANDLED;
	case UI_ACT_PAGE_UP:
		p->ecur = p->ecur > 8 ? p->ecur - 8 : 0;
		return UI_HANDLED;
	case UI_ACT_BACK:
		if (p->work_dirty || p->creating)
			ui_confirm(p->ctx->ui, "Discard changes?",
				   "The playbook has unsaved edits. Discard them?", "Discard",
				   discard_done, p);
		else
			close_editor(p);
		return UI_HANDLED;
	case UI_ACT_OPEN:
		if (e.step >= 0)
			step_form(p, e.phase, (size_t)e.step, 0);
		else
			step_form(p, e.phase, 0, 1);
		return UI_HANDLED;
	default:
		break;
	}
	switch (ev->key) {
	case 'a':
		if (p->work.phase[e.phase].n >= IR_STEPS_MAX) {
			ui_error(p->ctx->ui, "%s has %d steps, the most a phase holds",
				 ir_phase_name(e.phase), IR_STEPS_MAX);
			return UI_HANDLED;
		}
		step_form(p, e.phase, e.step < 0 ? 0 : (size_t)e.step + 1, 1);
		return UI_HANDLED;
	case 'e':
		if (e.step >= 0)
			step_form(p, e.phase, (size_t)e.step, 0);
		return UI_HANDLED;
	case 'd':
		if (e.step < 0)
			return UI_HANDLED;
		if (ir_body_step_remove(&p->work, e.phase, (size_t)e.step, &err) < 0) {
			ui_error(p->ctx->ui, "%s", err.msg);
			return UI_HANDLED;
		}
		p->work_dirty = 1;
		build_erows(p);
		ui_message(p->ctx->ui, "Step removed (not saved yet: w saves)");
		return UI_HANDLED;
	case 'K':
		move_step(p, -1);
		return UI_HANDLED;
	case 'J':
		move_step(p, 1);
		return UI_HANDLED;
	case 'w':
		editor_save(p);
		return UI_HANDLED;
	default:
		return UI_HANDLED; /* nothing else leaves the editor by accident */
	}
}

/* ---- drawing ---- */

static void draw_hint(struct ui_rect r, const char *hint)
{
	ui_fill(r.y + r.h - 1, r.x, r.w, UI_NORMAL);
	ui_text(r.y + r.h - 1, r.x + 1, r.w - 2, UI_DIM, hint);
}

static void draw_doc(struct pb *p, struct ui_rect r, const char *title, const char *hint)
{
	struct ui_rect b = screen_header(r, title, NULL);

	b.h -= 1;
	b.x += 1;
	b.w -= 2;
	p->page = b.h;
	p->doc_lines = irui_doc_draw(&p->doc, b, p->scroll);
	if (p->doc_lines > b.h) {
		char pos[48];

		snprintf(pos, sizeof(pos), "lines %d-%d of %d", p->scroll + 1,
			 p->scroll + b.h < p->doc_lines ? p->scroll + b.h : p->doc_lines,
			 p->doc_lines);
		ui_text(r.y, r.x + r.w - text_width(pos) - 1, text_width(pos), UI_DIM, pos);
	}
	draw_hint(r, hint);
}

static void draw_editor(struct pb *p, struct ui_rect r)
{
	char title[200];
	struct ui_rect b;
	int rows;

	snprintf(title, sizeof(title), "Editing %s%s%s", p->creating ? p->new_slug : p->slug,
		 p->creating ? " (new)" : "", p->work_dirty ? " - unsaved changes" : "");
	b = screen_header(r, title, NULL);
	rows = b.h - 1;
	if (rows < 1)
		return;
	if ((int)p->ecur < p->escroll)
		p->escroll = (int)p->ecur;
	if ((int)p->ecur >= p->escroll + rows)
		p->escroll = (int)p->ecur - rows + 1;
	for (int i = 0; i < rows; i++) {
		size_t k = (size_t)(p->escroll + i);
		const struct erow *e;
		int sel;

		if (k >= p->nerows)
			break;
		e = &p->erows[k];
		sel = k == p->ecur;
		if (sel)
			ui_fill(b.y + i, b.x, b.w, UI_SELECTED);
		if (e->step < 0) {
			size_t n = p->work.phase[e->phase].n;

			ui_textf(b.y + i, b.x + 1, b.w - 2, sel ? UI_SELECTED : UI_TITLE,
				 "%d. %s  (%zu step%s)%s", e->phase + 1, ir_phase_name(e->phase), n,
				 n == 1 ? "" : "s", n ? "" : "  needs a step: a adds one");
		} else {
			const struct ir_step *st = &p->work.phase[e->phase].steps[e->step];

			ui_textf(b.y + i, b.x + 3, b.w - 4, sel ? UI_SELECTED : UI_NORMAL,
				 "%d.%d %s", e->phase + 1, e->step + 1, st->title);
		}
	}
	draw_hint(r, edit_hint);
}

static void draw(void *self, struct ui_rect r)
{
	struct pb *p = self;
	char title[200];

	if (p->form) {
		ui_form_draw(p->form, r);
		return;
	}
	switch (p->view) {
	case V_LIST: {
		struct ui_rect b;
		char right[64];
		int overdue = 0, drafts = 0;

		for (size_t i = 0; i < p->npbs; i++) {
			overdue += p->pbs[i].review_overdue;
			drafts += !strcmp(p->pbs[i].latest_status, "draft");
		}
		if (!p->loaded && !p->rows)
			snprintf(right, sizeof(right), "loading");
		else
			snprintf(right, sizeof(right), "%zu playbooks, %d draft, %d overdue",
				 p->npbs, drafts, overdue);
		b = screen_header(r, "Playbooks: the incident-response library", right);
		b.h -= 1;
		ui_table_draw(p->table, b, 1);
		draw_hint(r, list_hint);
		break;
	}
	case V_DETAIL:
		snprintf(title, sizeof(title), "Playbook %s", p->cur.name);
		draw_doc(p, r, title, detail_hint);
		break;
	case V_DIFF:
		snprintf(title, sizeof(title), "Diff of %s", p->slug);
		draw_doc(p, r, title, "j/k scroll  q back to the history");
		break;
	case V_HISTORY: {
		struct ui_rect b;
		int drafts = 0;

		for (size_t i = 0; i < p->nrevs; i++)
			drafts += !strcmp(p->revs[i].status, "draft");
		snprintf(title, sizeof(title), "Revisions of %s", p->cur.name);
		{
			char right[48];

			snprintf(right, sizeof(right), "%zu, %d draft", p->nrevs, drafts);
			b = screen_header(r, title, right);
		}
		b.h -= 1;
		ui_table_draw(p->rtable, b, 1);
		draw_hint(r, history_hint);
		break;
	}
	case V_EDIT:
		draw_editor(p, r);
		break;
	}
}

static int key(void *self, const struct ui_event *ev)
{
	struct pb *p = self;

	if (p->form)
		return form_key(p, ev);
	switch (p->view) {
	case V_LIST:
		return list_key(p, ev);
	case V_EDIT:
		return edit_key(p, ev);
	case V_HISTORY:
		return history_key(p, ev);
	case V_DIFF:
		if (ev->act == UI_ACT_BACK) {
			p->view = V_HISTORY;
			load_history(p);
			return UI_HANDLED;
		}
		return irui_doc_key(ev, &p->scroll, p->doc_lines, p->page) ? UI_HANDLED
									   : UI_IGNORED;
	case V_DETAIL:
		if (ev->act == UI_ACT_BACK) {
			p->view = V_LIST;
			load_list(p, p->slug);
			return UI_HANDLED;
		}
		if (playbook_action(p, ev->key) == UI_HANDLED)
			return UI_HANDLED;
		return irui_doc_key(ev, &p->scroll, p->doc_lines, p->page) ? UI_HANDLED
									   : UI_IGNORED;
	}
	return UI_IGNORED;
}

/* ---- jobs finished ---- */

static int event(void *self, struct worker_event *ev)
{
	struct pb *p = self;
	struct irui_result *res;
	enum irui_op op;

	if (!irui_track_take(&p->track, ev->job_id, &op))
		return 0;
	res = ev->result;
	if (ev->rc < 0) {
		if (op == IRUI_ENSURE) {
			p->loaded = 1;
			load_list(p, NULL);
		}
		/* The status bar has it already; a refusal or a bad file is
		 * worth reading whole. */
		if (ev->rc == TATER_EPERM || op == IRUI_IMPORT || op == IRUI_CREATE ||
		    op == IRUI_SAVE || op == IRUI_ACTIVATE)
			ui_alert(p->ctx->ui,
				 ev->rc == TATER_EPERM ? "Refused" : "Not done: nothing changed",
				 ev->err.msg);
		return 1;
	}
	switch (op) {
	case IRUI_ENSURE:
		p->loaded = 1;
		load_list(p, NULL);
		break;
	case IRUI_CREATE:
		p->creating = 0;
		snprintf(p->slug, sizeof(p->slug), "%s", p->new_slug);
		ir_body_free(&p->work);
		ir_body_init(&p->work);
		load_list(p, p->slug);
		p->view = V_LIST;
		open_detail(p, 0);
		ui_message(p->ctx->ui,
			   "Created %s: revision 1 is a draft until an admin other than you "
			   "approves it",
			   p->slug);
		break;
	case IRUI_SAVE:
		p->work_dirty = 0;
		load_list(p, p->slug);
		p->view = V_LIST;
		open_detail(p, 0);
		ui_message(p->ctx->ui,
			   "Saved revision %d of %s as a draft; an admin other than you approves "
			   "it (H)",
			   res ? res->revno : 0, p->slug);
		break;
	case IRUI_COPY:
	case IRUI_IMPORT: {
		char slug[64];

		if (op == IRUI_COPY)
			snprintf(slug, sizeof(slug), "%s",
				 p->form ? ui_form_get(p->form, 0) : p->slug);
		else
			snprintf(slug, sizeof(slug), "%s", res ? res->slug : "");
		close_form(p);
		load_list(p, slug);
		snprintf(p->slug, sizeof(p->slug), "%s", slug);
		if (op == IRUI_COPY)
			ui_message(p->ctx->ui, "Copied to %s: revision 1, a draft. e edits it",
				   slug);
		else
			ui_message(p->ctx->ui, "Imported %s as revision %d (a draft)", slug,
				   res ? res->revno : 0);
		p->view = V_LIST;
		open_detail(p, 0);
		break;
	}
	case IRUI_OWNER:
		close_form(p);
		load_list(p, p->cur.slug);
		if (p->view == V_DETAIL)
			open_detail(p, p->shown_rev);
		ui_message(p->ctx->ui, "Owner and review date of %s saved", p->cur.slug);
		break;
	case IRUI_APPROVE:
	case IRUI_REJECT:
		load_history(p);
		focus_playbook(p);
		ui_message(p->ctx->ui, "Revision %s", op == IRUI_APPROVE ? "approved" : "rejected");
		break;
	case IRUI_EXPORT:
		close_form(p);
		ui_message(p->ctx->ui, "Exported %s to %s", p->cur.slug, res ? res->path : "?");
		break;
	case IRUI_ACTIVATE:
		close_form(p);
		if (res && res->id) {
			ui_message(p->ctx->ui, "Incident #%lld opened from %s", (long long)res->id,
				   p->cur.slug);
			irui_open_incident(p->ctx, res->id);
		}
		break;
	default:
		break;
	}
	return 1;
}

/* ---- screen ops ---- */

static void *create(struct screen_ctx *ctx)
{
	struct pb *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->ctx = ctx;
	ir_body_init(&p->work);
	p->table = ui_table_new(columns, NCOLS);
	p->rtable = ui_table_new(rcolumns, RCOLS);
	if (!p->table || !p->rtable) {
		ui_table_free(p->table);
		ui_table_free(p->rtable);
		free(p);
		return NULL;
	}
	ui_table_set_empty_text(p->table, "Loading the playbook library...");
	return p;
}

static void destroy(void *self)
{
	struct pb *p = self;

	if (!p)
		return;
	ui_form_free(p->form);
	ui_table_free(p->table);
	ui_table_free(p->rtable);
	ui_rowset_free(p->rows);
	ui_rowset_free(p->rrows);
	free(p->pbs);
	free(p->revs);
	free(p->erows);
	ir_body_free(&p->work);
	irui_doc_clear(&p->doc);
	free(p);
}

static void enter(void *self)
{
	struct pb *p = self;

	if (!p->ctx->store)
		return;
	/* The first visit loads the pre-built playbooks, which writes: that
	 * is the worker's job, and the list follows when it is done. */
	if (!p->loaded && !ui_readonly(p->ctx->ui)) {
		if (!irui_track_busy(&p->track)) {
			struct irui_job *j = irui_job_new(IRUI_ENSURE);

			if (irui_submit(p->ctx, &p->track, j, "load the playbook library") < 0)
				p->loaded = 1;
		}
		if (!p->loaded)
			return;
	}
	p->loaded = 1;
	if (p->view == V_LIST)
		load_list(p, NULL);
}

static int dirty(void *self)
{
	struct pb *p = self;

	return (p->form && ui_form_dirty(p->form)) || (p->view == V_EDIT && p->work_dirty);
}

const struct screen_def screen_playbooks = {
    .name = "playbooks",
    .title = "Playbooks",
    .create = create,
    .destroy = destroy,
    .enter = enter,
    .draw = draw,
    .key = key,
    .event = event,
    .dirty = dirty,
};
