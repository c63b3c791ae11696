/* irui.c - shared by the Playbooks, Incidents and Reports screens: the jobs
 * that write the incident-response store, the hand-over between the screens
 * and a scrollable document view.  See irui.h. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "irui.h"
#include "tater/text.h"

const char *const irui_severities[] = {"high", "critical", "medium", "low", NULL};

struct irui_job *irui_job_new(enum irui_op op)
{
	struct irui_job *j = calloc(1, sizeof(*j));

	if (!j)
		return NULL;
	j->op = op;
	ir_body_init(&j->body);
	return j;
}

int irui_set(char **dst, const char *s)
{
	free(*dst);
	*dst = NULL;
	if (!s)
		return 0;
	*dst = strdup(s);
	return *dst ? 0 : TATER_ENOMEM;
}

void irui_job_free(void *p)
{
	struct irui_job *j = p;

	if (!j)
		return;
	free(j->t1);
	free(j->t2);
	free(j->t3);
	free(j->t4);
	ir_body_free(&j->body);
	free(j);
}

/* ---- the job ---- */

#define IMPORT_MAX (16u * 1024 * 1024)

static int read_file(const char *path, char **out, size_t *len, struct tater_err *err)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0;

	if (!f)
		return tater_errf(err, TATER_EIO, "cannot open %s: %s", path, strerror(errno));
	for (;;) {
		size_t got;

		if (n + 1 >= cap) {
			char *g;

			cap = cap ? cap * 2 : 65536;
			if (cap > IMPORT_MAX || !(g = realloc(buf, cap))) {
				free(buf);
				fclose(f);
				return tater_errf(err, TATER_EFORMAT,
						  "%s: too large for a playbook", path);
			}
			buf = g;
		}
		got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		free(buf);
		fclose(f);
		return tater_errf(err, TATER_EIO, "cannot read %s", path);
	}
	fclose(f);
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

/* Write a file and say where it went, absolute. */
static int write_out(const char *path, const char *data, size_t len, struct irui_result *r,
		     struct tater_err *err)
{
	char abs[PATH_MAX];
	int ret = report_write_file(path, data, len, err);

	if (ret < 0)
		return ret;
	snprintf(r->path, sizeof(r->path), "%s", realpath(path, abs) ? abs : path);
	r->bytes = len;
	return 0;
}

static int run_op(struct store *s, struct irui_job *a, struct irui_result *r, struct tater_err *err)
{
	switch (a->op) {
	case IRUI_ENSURE:
		return ir_library_ensure(s, NULL, err);
	case IRUI_CREATE:
		return ir_playbook_create(s, a->slug, a->t1, a->t2, &a->body, a->t3, err);
	case IRUI_COPY:
		return ir_playbook_copy(s, a->slug, a->slug2, a->t1, err);
	case IRUI_SAVE:
		return ir_playbook_save(s, a->slug, &a->body, a->t1, &r->revno, err);
	case IRUI_OWNER:
		return ir_playbook_set_owner(s, a->slug, a->t1, a->t2, err);
	case IRUI_APPROVE:
		return ir_revision_approve(s, a->slug, a->revno, err);
	case IRUI_REJECT:
		return ir_revision_reject(s, a->slug, a->revno, a->t1, err);
	case IRUI_IMPORT: {
		char *text = NULL;
		size_t len = 0;
		int ret = read_file(a->t1, &text, &len, err);

		if (ret == 0)
			ret = ir_playbook_import(s, text, len, a->t1, r->slug, &r->revno, err);
		free(text);
		if (ret < 0)
			tater_err_prefix(err, "%s: nothing imported", a->t1);
		return ret;
	}
	case IRUI_EXPORT: {
		char *text = NULL, *nl = NULL;
		int ret = ir_playbook_export(s, a->slug, a->revno, &text, err);

		if (ret == 0 && asprintf(&nl, "%s\n", text) < 0) {
			nl = NULL;
			ret = tater_errf(err, TATER_ENOMEM, "out of memory");
		}
		if (ret == 0)
			ret = write_out(a->t1, nl, strlen(nl), r, err);
		free(text);
		free(nl);
		return ret;
	}
	case IRUI_ACTIVATE: {
		struct ir_activation act = {a->slug, 0, a->t1, a->t2, a->alert, a->t3, a->t4};

		return ir_incident_activate(s, &act, &r->id, err);
	}
	case IRUI_STEP_STATUS:
		return ir_step_set_status(s, a->incident, a->step, a->t1, a->t2, NULL, err);
	case IRUI_STEP_ASSIGN:
		return ir_step_assign(s, a->incident, a->step, a->t1, err);
	case IRUI_PHASE_ASSIGN:
		return ir_phase_assign(s, a->incident, a->phase, a->t1, err);
	case IRUI_STEP_NOTE:
		return ir_step_note(s, a->incident, a->step, a->t1, a->t2, err);
	case IRUI_PHASE_NOTE:
		return ir_phase_note(s, a->incident, a->phase, a->t1, a->t2, err);
	case IRUI_CLOSE:
		return ir_incident_close(s, a->incident, a->t1, err);
	case IRUI_REPORT: {
		char *text = NULL;
		size_t len = 0;
		int ret = report_incident(s, a->incident, a->fmt, &text, &len, err);

		if (ret == 0)
			ret = write_out(a->t1, text, len, r, err);
		free(text);
		return ret;
	}
	}
	return tater_errf(err, TATER_EINVAL, "unknown operation");
}

static int irui_job_run(struct job *j, struct store *s, void *arg, struct tater_err *err)
{
	struct irui_job *a = arg;
	struct irui_result *r;
	int ret;

	if (!s)
		return tater_errf(err, TATER_EIO, "no store");
	if (!(r = calloc(1, sizeof(*r))))
		return tater_errf(err, TATER_ENOMEM, "out of memory");
	r->op = a->op;
	job_progress(j, 0, 0, "saving");
	ret = run_op(s, a, r, err);
	job_set_result(j, r, free);
	return ret;
}

int irui_submit(struct screen_ctx *ctx, struct irui_track *t, struct irui_job *j, const char *title)
{
	struct tater_err err = {0};
	enum irui_op op;
	uint64_t id = 0;
	int slot = -1;

	if (!j) {
		ui_error(ctx->ui, "out of memory");
		return TATER_ENOMEM;
	}
	op = j->op;
	for (int i = 0; i < IRUI_TRACK_MAX && slot < 0; i++)
		if (!t->id[i])
			slot = i;
	if (slot < 0) {
		irui_job_free(j);
		ui_error(ctx->ui, "Too many changes waiting; try again in a moment");
		return TATER_EBUSY;
	}
	if (worker_submit(ctx->worker, title, irui_job_run, j, irui_job_free, &id, &err) < 0) {
		ui_error(ctx->ui, "%s", err.msg);
		return err.code ? err.code : TATER_EIO;
	}
	t->id[slot] = id;
	t->op[slot] = op;
	return 0;
}

int irui_track_take(struct irui_track *t, uint64_t job_id, enum irui_op *op)
{
	for (int i = 0; job_id && i < IRUI_TRACK_MAX; i++) {
		if (t->id[i] == job_id) {
			t->id[i] = 0;
			*op = t->op[i];
			return 1;
		}
	}
	return 0;
}

int irui_track_busy(const struct irui_track *t)
{
	for (int i = 0; i < IRUI_TRACK_MAX; i++)
		if (t->id[i])
			return 1;
	return 0;
}

/* ---- hand-over ---- */

static int64_t pending_incident, pending_report;

static void switch_to(struct screen_ctx *ctx, const struct screen_def *d)
{
	for (size_t i = 0; i < screen_count; i++)
		if (screen_defs[i] == d)
			ui_switch_view(ctx->ui, (int)i);
}

void irui_open_incident(struct screen_ctx *ctx, int64_t id)
{
	pending_incident = id;
	switch_to(ctx, &screen_incidents);
}

void irui_open_report(struct screen_ctx *ctx, int64_t id)
{
	pending_report = id;
	switch_to(ctx, &screen_reports);
}

int64_t irui_take_incident(void)
{
	int64_t id = pending_incident;

	pending_incident = 0;
	return id;
}

int64_t irui_take_report(void)
{
	int64_t id = pending_report;

	pending_report = 0;
	return id;
}

/* ---- formatting ---- */

void irui_time(const char *iso, char *buf, size_t n)
{
	if (!iso || !iso[0]) {
		snprintf(buf, n, "-");
		return;
	}
	snprintf(buf, n, "%.16s", iso);
	if (strlen(buf) > 10 && buf[10] == 'T')
		buf[10] = ' ';
}

void irui_duration(int64_t s, char *buf, size_t n)
{
	if (s < 0)
		snprintf(buf, n, "-");
	else
		ir_duration(s, buf, n);
}

/* ---- document view ---- */

void irui_doc_add(struct irui_doc *d, int indent, enum ui_color c, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 32;
		struct irui_para *g = realloc(d->p, cap * sizeof(*g));

		if (!g)
			return;
		d->p = g;
		d->cap = cap;
	}
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	if (!s)
		return;
	d->p[d->n].indent = indent;
	d->p[d->n].color = c;
	d->p[d->n].text = s;
	d->n++;
}

void irui_doc_lines(struct irui_doc *d, int indent, enum ui_color c, const char *prefix,
		    const char *text)
{
	const char *line = text ? text : "";

	for (int first = 1;; first = 0) {
		const char *nl = strchr(line, '\n');
		int len = nl ? (int)(nl - line) : (int)strlen(line);

		irui_doc_add(d, indent, c, "%s%.*s", first ? prefix : "", len, line);
		if (!nl)
			break;
		line = nl + 1;
	}
}

void irui_doc_clear(struct irui_doc *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->p[i].text);
	free(d->p);
	memset(d, 0, sizeof(*d));
}

int irui_doc_draw(const struct irui_doc *d, struct ui_rect r, int scroll)
{
	int line = 0;

	for (size_t i = 0; i < d->n; i++) {
		const struct irui_para *p = &d->p[i];
		struct ui_rect pr = {r.y, r.x + p->indent, 0, r.w - p->indent};
		int skip = 0, need;

		if (pr.w < 4)
			pr.w = r.w, pr.x = r.x;
		/* Where this paragraph starts relative to the window. */
		if (line >= scroll) {
			pr.y = r.y + line - scroll;
			pr.h = r.y + r.h - pr.y;
		} else {
			skip = scroll - line;
			pr.h = r.h;
		}
		if (pr.h < 0)
			pr.h = 0;
		if (!p->text[0]) {
			line++;
			continue;
		}
		need = ui_wrap(pr, p->color, p->text, skip);
		line += need;
	}
	return line;
}

int irui_doc_key(const struct ui_event *ev, int *scroll, int total, int page)
{
	int max = total - page > 0 ? total - page : 0, half = page > 2 ? page / 2 : 1;

	switch (ev->act) {
	case UI_ACT_DOWN:
		(*scroll)++;
		break;
	case UI_ACT_UP:
		(*scroll)--;
		break;
	case UI_ACT_PAGE_DOWN:
		*scroll += half;
		break;
	case UI_ACT_PAGE_UP:
		*scroll -= half;
		break;
	case UI_ACT_TOP:
		*scroll = 0;
		break;
	case UI_ACT_BOTTOM:
		*scroll = max;
		break;
	default:
		if (ev->mouse && ev->wheel) {
			*scroll += 3 * ev->wheel;
			break;
		}
		return 0;
	}
	if (*scroll > max)
		*scroll = max;
	if (*scroll < 0)
		*scroll = 0;
	return 1;
}
