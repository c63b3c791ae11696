/* form.c - the form widget and its validators. */
#include <curses.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "tater/text.h"
#include "tater/ui_form.h"
#include "tater/validate.h"

struct field {
	struct ui_field_def def;
	char *buf; /* secret: sodium_malloc'd (locked, wiped on free) */
	size_t len, cap, cur;
	int choice, nchoices;
	char *orig;  /* value at the last ui_form_clean (not for secrets) */
	int stored;  /* secret: a value exists in the store */
	int changed; /* secret: typed into since clean */
	int hidden;
	int scroll; /* first cell shown */
	char err[160];
};

struct ui_form {
	char *title;
	struct field *f;
	int n;
	int focus; /* 0..n-1 fields, n Save, n+1 Cancel */
};

#define FOCUS_SAVE(f) ((f)->n)
#define FOCUS_CANCEL(f) ((f)->n + 1)

static size_t max_len(const struct field *fd)
{
	if (fd->def.maxlen > 0)
		return (size_t)fd->def.maxlen;
	return fd->def.kind == UI_FIELD_NOTES ? 4000 : 255;
}

struct ui_form *ui_form_new(const char *title, const struct ui_field_def *defs, int n)
{
	struct ui_form *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;
	f->title = strdup(title ? title : "");
	f->f = calloc((size_t)n, sizeof(*f->f));
	if (!f->title || !f->f)
		goto fail;
	f->n = n;
	for (int i = 0; i < n; i++) {
		struct field *fd = &f->f[i];

		fd->def = defs[i];
		fd->cap = max_len(fd) + 1;
		if (fd->def.kind == UI_FIELD_SECRET) {
			if (sodium_init() < 0)
				goto fail;
			fd->buf = sodium_malloc(fd->cap);
		} else {
			fd->buf = malloc(fd->cap);
		}
		if (!fd->buf)
			goto fail;
		fd->buf[0] = '\0';
		if (fd->def.kind == UI_FIELD_CHOICE && fd->def.choices)
			while (fd->def.choices[fd->nchoices])
				fd->nchoices++;
		if (fd->def.kind == UI_FIELD_TOGGLE)
			snprintf(fd->buf, fd->cap, "0");
	}
	ui_form_clean(f);
	return f;
fail:
	ui_form_free(f);
	return NULL;
}

void ui_form_free(struct ui_form *f)
{
	if (!f)
		return;
	for (int i = 0; i < f->n && f->f; i++) {
		struct field *fd = &f->f[i];

		if (fd->def.kind == UI_FIELD_SECRET)
			sodium_free(fd->buf);
		else
			free(fd->buf);
		free(fd->orig);
	}
	free(f->f);
	free(f->title);
	free(f);
}

static void sync_choice_buf(struct field *fd)
{
	if (fd->def.kind == UI_FIELD_CHOICE && fd->nchoices > 0) {
		snprintf(fd->buf, fd->cap, "%s", fd->def.choices[fd->choice]);
		fd->len = strlen(fd->buf);
	}
}

int ui_form_set(struct ui_form *f, int i, const char *value)
{
	struct field *fd;

	if (i < 0 || i >= f->n)
		return TATER_EINVAL;
	fd = &f->f[i];
	if (!value)
		value = "";
	if (fd->def.kind == UI_FIELD_CHOICE) {
		for (int c = 0; c < fd->nchoices; c++) {
			if (strcmp(fd->def.choices[c], value) == 0) {
				fd->choice = c;
				sync_choice_buf(fd);
				return 0;
			}
		}
		return TATER_EINVAL;
	}
	if (fd->def.kind == UI_FIELD_TOGGLE)
		value = (value[0] && strcmp(value, "0") != 0) ? "1" : "0";
	/* Values from the store are shown as they are typed: sanitised.  A
	 * notes field keeps its line breaks (typed with Enter), so each line
	 * is sanitised on its own and the breaks stay real. */
	if (fd->def.kind == UI_FIELD_NOTES) {
		size_t o = 0;

		fd->buf[0] = '\0';
		for (const char *line = value;; line++) {
			size_t len = strcspn(line, "\n");

			if (o + 1 < fd->cap)
				o += text_sanitize_buf(line, len, fd->buf + o, fd->cap - o);
			if (o >= fd->cap)
				o = strlen(fd->buf);
			line += len;
			if (!*line || o + 2 >= fd->cap)
				break;
			fd->buf[o++] = '\n';
			fd->buf[o] = '\0';
		}
	} else {
		text_sanitize_buf(value, (size_t)-1, fd->buf, fd->cap);
	}
	fd->len = strlen(fd->buf);
	fd->cur = fd->len;
	fd->scroll = 0;
	if (fd->def.kind == UI_FIELD_SECRET)
		fd->changed = 1;
	return 0;
}

const char *ui_form_get(const struct ui_form *f, int i)
{
	return (i >= 0 && i < f->n) ? f->f[i].buf : "";
}

int ui_form_choice(const struct ui_form *f, int i)
{
	return (i >= 0 && i < f->n) ? f->f[i].choice : -1;
}

void ui_form_set_stored(struct ui_form *f, int i, int stored)
{
	if (i >= 0 && i < f->n)
		f->f[i].stored = stored;
}

int ui_form_secret_changed(const struct ui_form *f, int i)
{
	return (i >= 0 && i < f->n) && f->f[i].changed && f->f[i].len > 0;
}

int ui_form_dirty(const struct ui_form *f)
{
	for (int i = 0; i < f->n; i++) {
		const struct field *fd = &f->f[i];

		if (fd->def.kind == UI_FIELD_SECRET) {
			if (fd->changed && fd->len)
				return 1;
		} else if (!fd->orig || strcmp(fd->orig, fd->buf) != 0) {
			return 1;
		}
	}
	return 0;
}

void ui_form_clean(struct ui_form *f)
{
	for (int i = 0; i < f->n; i++) {
		struct field *fd = &f->f[i];

		free(fd->orig);
		fd->orig = NULL;
		if (fd->def.kind == UI_FIELD_SECRET)
			fd->changed = 0;
		else
			fd->orig = strdup(fd->buf);
	}
}

int ui_form_focus(const struct ui_form *f)
{
	return f->focus;
}

void ui_form_set_focus(struct ui_form *f, int i)
{
	if (i >= 0 && i <= FOCUS_CANCEL(f))
		f->focus = i;
}

void ui_form_set_hidden(struct ui_form *f, int i, int hidden)
{
	if (i >= 0 && i < f->n) {
		f->f[i].hidden = hidden;
		if (hidden)
			f->f[i].err[0] = '\0';
	}
}

void ui_form_set_error(struct ui_form *f, int i, const char *msg)
{
	if (i >= 0 && i < f->n)
		snprintf(f->f[i].err, sizeof(f->f[i].err), "%s", msg ? msg : "");
}

const char *ui_form_error(const struct ui_form *f, int i)
{
	return (i >= 0 && i < f->n) ? f->f[i].err : "";
}

static int check_field(struct ui_form *f, int i)
{
	struct field *fd = &f->f[i];
	const char *v = fd->buf;

	fd->err[0] = '\0';
	if (fd->hidden)
		return 0;
	if (fd->def.kind == UI_FIELD_SECRET) {
		if (fd->def.required && fd->len == 0 && !fd->stored) {
			snprintf(fd->err, sizeof(fd->err), "required");
			return 1;
		}
		return 0;
	}
	while (*v == ' ')
		v++;
	if (fd->def.required && *v == '\0') {
		snprintf(fd->err, sizeof(fd->err), "required");
		return 1;
	}
	if (*v && fd->def.check && fd->def.check(f, i, fd->buf, fd->err, sizeof(fd->err)) != 0) {
		if (!fd->err[0])
			snprintf(fd->err, sizeof(fd->err), "not valid");
		return 1;
	}
	return 0;
}

int ui_form_validate(struct ui_form *f)
{
	int bad = 0, first = -1;

	for (int i = 0; i < f->n; i++) {
		if (check_field(f, i)) {
			bad++;
			if (first < 0)
				first = i;
		}
	}
	if (first >= 0)
		f->focus = first;
	return bad;
}

static void move_focus(struct ui_form *f, int dir)
{
	int total = f->n + 2;

	if (f->focus < f->n)
		check_field(f, f->focus);
	for (int step = 0; step < total; step++) {
		f->focus = (f->focus + dir + total) % total;
		if (f->focus >= f->n || !f->f[f->focus].hidden)
			return;
	}
}

static void insert_text(struct field *fd, int key)
{
	char b[4];
	size_t m = text_encode(key, b);

	if (fd->len + m >= fd->cap)
		return;
	memmove(fd->buf + fd->cur + m, fd->buf + fd->cur, fd->len - fd->cur + 1);
	memcpy(fd->buf + fd->cur, b, m);
	fd->len += m;
	fd->cur += m;
	if (fd->def.kind == UI_FIELD_SECRET)
		fd->changed = 1;
}

static size_t prev_char(const struct field *fd, size_t pos)
{
	if (pos == 0)
		return 0;
	pos--;
	while (pos > 0 && ((unsigned char)fd->buf[pos] & 0xc0) == 0x80)
		pos--;
	return pos;
}

static size_t next_char(const struct field *fd, size_t pos)
{
	if (pos >= fd->len)
		return fd->len;
	pos++;
	while (pos < fd->len && ((unsigned char)fd->buf[pos] & 0xc0) == 0x80)
		pos++;
	return pos;
}

static void delete_range(struct field *fd, size_t a, size_t b)
{
	if (fd->def.kind == UI_FIELD_SECRET)
		sodium_memzero(fd->buf + a, 0); /* the tail moves over it below */
	memmove(fd->buf + a, fd->buf + b, fd->len - b + 1);
	fd->len -= b - a;
	if (fd->def.kind == UI_FIELD_SECRET) {
		sodium_memzero(fd->buf + fd->len + 1, fd->cap - fd->len - 1);
		fd->changed = 1;
	}
}

/* Editing keys of a text-like field.  1 when used. */
static int edit_key(struct field *fd, const struct ui_event *ev)
{
	int k = ev->key;

	if (fd->def.kind == UI_FIELD_NOTES && k == '\n') {
		insert_text(fd, '\n');
		return 1;
	}
	if (ui_key_is_text(k)) {
		insert_text(fd, k);
		return 1;
	}
	switch (k) {
	case UI_KEY(KEY_BACKSPACE):
		if (fd->cur > 0) {
			size_t p = prev_char(fd, fd->cur);

			delete_range(fd, p, fd->cur);
			fd->cur = p;
		}
		return 1;
	case UI_KEY(KEY_DC):
		if (fd->cur < fd->len)
			delete_range(fd, fd->cur, next_char(fd, fd->cur));
		return 1;
	case UI_KEY(KEY_LEFT):
		fd->cur = prev_char(fd, fd->cur);
		return 1;
	case UI_KEY(KEY_RIGHT):
		fd->cur = next_char(fd, fd->cur);
		return 1;
	case UI_KEY(KEY_HOME):
	case UI_CTRL('a'):
		fd->cur = 0;
		return 1;
	case UI_KEY(KEY_END):
	case UI_CTRL('e'):
		fd->cur = fd->len;
		return 1;
	case UI_CTRL('u'):
		delete_range(fd, 0, fd->len);
		fd->cur = 0;
		return 1;
	default:
		return 0;
	}
}

enum ui_form_result ui_form_key(struct ui_form *f, const struct ui_event *ev)
{
	struct field *fd = f->focus < f->n ? &f->f[f->focus] : NULL;
	int k = ev->key;

	if (ev->mouse)
		return UI_FORM_IGNORED;
	if (k == UI_KEY_ESC)
		return UI_FORM_CANCEL;
	if (k == '\t' || k == UI_KEY(KEY_DOWN)) {
		move_focus(f, 1);
		return UI_FORM_NONE;
	}
	if (k == UI_KEY(KEY_BTAB) || k == UI_KEY(KEY_UP)) {
		move_focus(f, -1);
		return UI_FORM_NONE;
	}
	if (!fd) {
		if (k == UI_KEY(KEY_LEFT) || k == UI_KEY(KEY_RIGHT)) {
			f->focus = f->focus == FOCUS_SAVE(f) ? FOCUS_CANCEL(f) : FOCUS_SAVE(f);
			return UI_FORM_NONE;
		}
		if (k == '\n' || k == ' ') {
			if (f->focus == FOCUS_CANCEL(f))
				return UI_FORM_CANCEL;
			return ui_form_validate(f) ? UI_FORM_NONE : UI_FORM_SAVE;
		}
		if (ev->act == UI_ACT_BACK)
			return UI_FORM_CANCEL;
		return UI_FORM_IGNORED;
	}
	switch (fd->def.kind) {
	case UI_FIELD_TOGGLE:
		if (k == ' ' || k == '\n' || k == UI_KEY(KEY_LEFT) || k == UI_KEY(KEY_RIGHT)) {
			snprintf(fd->buf, fd->cap, "%s", strcmp(fd->buf, "1") == 0 ? "0" : "1");
			fd->len = 1;
			return UI_FORM_NONE;
		}
		break;
	case UI_FIELD_CHOICE:
		if (fd->nchoices && (k == ' ' || k == UI_KEY(KEY_RIGHT) || k == 'l')) {
			fd->choice = (fd->choice + 1) % fd->nchoices;
			sync_choice_buf(fd);
			return UI_FORM_NONE;
		}
		if (fd->nchoices && (k == UI_KEY(KEY_LEFT) || k == 'h')) {
			fd->choice = (fd->choice + fd->nchoices - 1) % fd->nchoices;
			sync_choice_buf(fd);
			return UI_FORM_NONE;
		}
		if (k == '\n') {
			move_focus(f, 1);
			return UI_FORM_NONE;
		}
		break;
	default:
		if (edit_key(fd, ev))
			return UI_FORM_NONE;
		if (k == '\n') {
			move_focus(f, 1);
			return UI_FORM_NONE;
		}
		/* Every other key is swallowed while typing, so a stray
		 * shortcut cannot leave the form behind the user's back;
		 * Ctrl-C still reaches the app. */
		if (k == UI_CTRL('c'))
			return UI_FORM_IGNORED;
		return UI_FORM_NONE;
	}
	if (k == UI_CTRL('c'))
		return UI_FORM_IGNORED;
	if (ev->act == UI_ACT_BACK)
		return UI_FORM_CANCEL;
	return UI_FORM_NONE;
}

/* ---- drawing ---- */

static int field_rows(const struct field *fd)
{
	return fd->def.kind == UI_FIELD_NOTES ? 4 : 1;
}

static void draw_textfield(struct field *fd, int y, int x, int w, int focused)
{
	enum ui_color c = focused ? UI_FIELD_FOCUS : UI_FIELD;
	char shown[1100];
	int cx;

	ui_fill(y, x, w, c);
	if (fd->def.kind == UI_FIELD_SECRET) {
		/* Never the secret itself: one '*' per character. */
		size_t chars = 0, i = 0;

		for (i = 0; i < fd->len; i++)
			if (((unsigned char)fd->buf[i] & 0xc0) != 0x80)
				chars++;
		if (chars == 0 && fd->stored) {
			ui_text(y, x, w, focused ? UI_FIELD_FOCUS : UI_DIM,
				"(stored; type to replace)");
			if (focused)
				ui_text(y, x, 1, UI_SELECTED, "(");
			return;
		}
		if (chars > (size_t)w - 1)
			chars = (size_t)w - 1;
		memset(shown, '*', chars);
		shown[chars] = '\0';
		ui_text(y, x, w, c, shown);
		if (focused)
			ui_fill(y, x + (int)chars, 1, UI_SELECTED);
		return;
	}
	if (fd->len == 0 && fd->def.hint) {
		/* The hint sits after the cursor cell, so it is never cut. */
		if (focused)
			ui_fill(y, x, 1, UI_SELECTED);
		ui_text(y, x + 2, w - 2, focused ? UI_FIELD_FOCUS : UI_DIM, fd->def.hint);
		return;
	}
	cx = text_nwidth(fd->buf, fd->cur);
	if (!focused) {
		fd->scroll = 0; /* the start of the value, cropped with an ellipsis */
	} else {
		if (cx < fd->scroll)
			fd->scroll = cx;
		if (cx - fd->scroll > w - 1)
			fd->scroll = cx - w + 1;
	}
	{
		/* Skip the cells scrolled off to the left, whole characters only. */
		size_t start = text_crop(fd->buf, fd->scroll, NULL);
		int lead = fd->scroll - text_nwidth(fd->buf, start);

		if (!focused) {
			text_fit(fd->buf, w, shown, sizeof(shown));
			ui_text(y, x, w, c, shown);
		} else {
			ui_text(y, x + lead, w - lead, c, fd->buf + start);
		}
		if (focused) {
			size_t next = next_char(fd, fd->cur);
			char under[8] = " ";

			if (fd->cur < fd->len && next - fd->cur < sizeof(under)) {
				memcpy(under, fd->buf + fd->cur, next - fd->cur);
				under[next - fd->cur] = '\0';
			}
			ui_text(y, x + cx - fd->scroll, 2, UI_SELECTED, under);
		}
	}
}

static void draw_notes(struct field *fd, int y, int x, int w, int h, int focused)
{
	enum ui_color c = focused ? UI_FIELD_FOCUS : UI_FIELD;
	const char *p = fd->buf;
	int line = 0, curline = 0, curcol = 0;
	size_t off = 0;

	/* Which line holds the cursor, so it stays in view. */
	for (size_t i = 0; i < fd->cur; i++)
		if (fd->buf[i] == '\n')
			curline++;
	for (int i = 0; i < h; i++)
		ui_fill(y + i, x, w, c);
	while (1) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		int first = curline >= h ? curline - h + 1 : 0;

		if (line >= first && line - first < h) {
			char tmp[1100];

			snprintf(tmp, sizeof(tmp), "%.*s", (int)n, p);
			ui_text(y + line - first, x, w, c, tmp);
			if (focused && line == curline) {
				size_t linestart = (size_t)(p - fd->buf);

				curcol = text_nwidth(p, fd->cur - linestart);
				if (curcol < w)
					ui_fill(y + line - first, x + curcol, 1, UI_SELECTED);
			}
		}
		off += n + 1;
		line++;
		if (!nl)
			break;
		p = nl + 1;
	}
	(void)off;
}

void ui_form_draw(struct ui_form *f, struct ui_rect r)
{
	int labw = 0, y, fw, msgx;

	ui_box(r, UI_NORMAL, f->title);
	for (int i = 0; i < f->n; i++) {
		int lw = text_width(f->f[i].def.label) + (f->f[i].def.required ? 2 : 0);

		if (lw > labw)
			labw = lw;
	}
	if (labw > r.w / 3)
		labw = r.w / 3;
	/* Wide enough for a GUID and its cursor; the rest is for messages. */
	fw = r.w - labw - 8;
	if (fw > 40)
		fw = 40;
	msgx = r.x + 2 + labw + 2 + fw + 2;
	y = r.y + 2;
	for (int i = 0; i < f->n; i++) {
		struct field *fd = &f->f[i];
		int focused = f->focus == i, lx = r.x + 2;
		char label[128];

		if (fd->hidden)
			continue;
		if (y + field_rows(fd) > r.y + r.h - 3)
			break;
		snprintf(label, sizeof(label), "%s%s", fd->def.label, fd->def.required ? " *" : "");
		ui_text(y, lx + labw - text_width(label) > lx ? lx + labw - text_width(label) : lx,
			labw, focused ? UI_TITLE : UI_NORMAL, label);
		switch (fd->def.kind) {
		case UI_FIELD_TOGGLE:
			ui_textf(y, lx + labw + 2, fw, focused ? UI_FIELD_FOCUS : UI_NORMAL,
				 "[%s] %s", strcmp(fd->buf, "1") == 0 ? "x" : " ",
				 strcmp(fd->buf, "1") == 0 ? "on" : "off");
			break;
		case UI_FIELD_CHOICE:
			ui_fill(y, lx + labw + 2, fw, focused ? UI_FIELD_FOCUS : UI_FIELD);
			ui_textf(y, lx + labw + 2, fw, focused ? UI_FIELD_FOCUS : UI_FIELD,
				 "< %s >", fd->nchoices ? fd->def.choices[fd->choice] : "");
			break;
		case UI_FIELD_NOTES:
			draw_notes(fd, y, lx + labw + 2, fw, field_rows(fd), focused);
			break;
		default:
			draw_textfield(fd, y, lx + labw + 2, fw, focused);
			break;
		}
		if (fd->err[0]) {
			int room = r.x + r.w - 2 - msgx, spacer = r.h >= 2 * f->n + 6;

			/* Beside the field when it fits; else on the spare line
			 * right under the field, still next to it. */
			if (text_width(fd->err) + 2 <= room || !spacer)
				ui_textf(y, msgx, room, UI_ERROR, "! %s", fd->err);
			else
				ui_textf(y + field_rows(fd), lx + labw + 2,
					 r.x + r.w - 3 - lx - labw, UI_ERROR, "! %s", fd->err);
		}
		y += field_rows(fd) + (r.h >= 2 * f->n + 6 ? 1 : 0);
	}
	{
		int by = r.y + r.h - 3, bx = r.x + 2 + labw + 2;

		ui_text(by, bx, 10, f->focus == FOCUS_SAVE(f) ? UI_BUTTON_FOCUS : UI_BUTTON,
			"[ Save ]");
		ui_text(by, bx + 10, 12, f->focus == FOCUS_CANCEL(f) ? UI_BUTTON_FOCUS : UI_BUTTON,
			"[ Cancel ]");
		ui_text(r.y + r.h - 2, r.x + 2, r.w - 4, UI_DIM,
			"Tab/S-Tab: next/previous field  Enter: next  Space: toggle/choose  "
			"Esc: cancel");
	}
}

/* ---- validators ---- */

/* The rules are validate.h's, shared with the store and the command line,
 * so a form can never accept what tenant_save would refuse. */

int ui_valid_guid(const struct ui_form *f, int field, const char *v, char *msg, size_t n)
{
	return valid_guid(v, msg, n) < 0 ? -1 : 0;
}

int ui_valid_guid_or_domain(const struct ui_form *f, int field, const char *v, char *msg, size_t n)
{
	return valid_tenant(v, msg, n) < 0 ? -1 : 0;
}

int ui_valid_https_url(const struct ui_form *f, int field, const char *v, char *msg, size_t n)
{
	return valid_service_url(v, msg, n) < 0 ? -1 : 0;
}

int ui_valid_int_range(const struct ui_form *f, int field, const char *v, char *msg, size_t n)
{
	const struct ui_field_def *d = &f->f[field].def;
	long out;

	return valid_int_range(v, d->min, d->max, &out, msg, n) < 0 ? -1 : 0;
}
