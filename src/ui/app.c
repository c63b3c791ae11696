/* app.c - the app loop: terminal setup, input, views, modals, help, palette,
 * status bar, and the scripted mode the end-to-end tests drive.
 *
 * Loop: draw a frame if something changed; ppoll() stdin, the hook fd and
 * the signals with a timeout to the next deadline; drain input with a
 * non-blocking get_wch.  Signals are blocked outside ppoll, so a SIGWINCH
 * or SIGTERM can never slip in between a check and the wait. */
#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include "tater/text.h"
#include "tater/ui_table.h"
#include "tater/ui_widgets.h"
#include "ui_internal.h"

#define MAX_VIEWS 16
#define MAX_MODALS 4
#define MIN_COLS 80
#define MIN_ROWS 24

enum modal_kind { MODAL_CONFIRM, MODAL_ALERT, MODAL_PROMPT, MODAL_STATUS };

struct modal {
	enum modal_kind kind;
	int id;
	char title[128];
	char text[1024];
	char ok_label[32];
	int focus;   /* 0: Cancel (the default), 1: OK */
	char *input; /* prompts: sodium_malloc'd, wiped on close */
	size_t ilen, icap;
	int secret;
	int64_t deadline;
	char status[512];
	int finished;
	ui_modal_done done;
	void *ctx;
};

struct ui {
	struct ui_opts o;
	SCREEN *scr;
	FILE *tin, *tout;
	struct ui_keymap km;
	struct ui_view views[MAX_VIEWS];
	int nviews, cur, started;
	int hist[32], nhist;
	struct ui_hooks hooks;
	int has_hooks;
	int dirty, quit;
	int64_t deadline;
	char msg[512];
	int msg_err;
	char last_err[512];
	struct modal modals[MAX_MODALS];
	int nmodals, next_modal_id;
	int help;
	struct ui_table *help_table;
	struct ui_rowset *help_rows;
	int palette;
	char pal[128];
	int tab_x[MAX_VIEWS], tab_w[MAX_VIEWS]; /* where the last frame drew each tab */
	int frames;
};

static volatile sig_atomic_t got_term;

static void on_term(int sig)
{
	(void)sig;
	got_term = 1;
}

int64_t ui_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

const struct ui_keymap *ui_keymap_of(const struct ui *u)
{
	return &u->km;
}

void ui_action_keys(const struct ui *u, enum ui_action a, char *buf, size_t n)
{
	ui_keymap_keys(&u->km, a, buf, n);
}

enum ui_action ui_key_action(const struct ui *u, int key)
{
	return ui_keymap_lookup(&u->km, key);
}

int ui_keys_load(struct ui *u, const char *path, struct tater_err *err)
{
	return ui_keymap_load(&u->km, path, err);
}

void ui_dirty(struct ui *u)
{
	u->dirty = 1;
}

void ui_deadline(struct ui *u, int64_t at)
{
	if (!u->deadline || at < u->deadline)
		u->deadline = at;
}

static void vmessage(struct ui *u, int is_err, const char *fmt, va_list ap)
{
	char raw[512];

	vsnprintf(raw, sizeof(raw), fmt, ap);
	/* Messages often quote outside text (a tenant name, a server's error):
	 * sanitised here, so whatever is printed after endwin is safe too. */
	text_sanitize_buf(raw, (size_t)-1, u->msg, sizeof(u->msg));
	u->msg_err = is_err;
	if (is_err)
		memcpy(u->last_err, u->msg, sizeof(u->last_err));
	u->dirty = 1;
}

void ui_message(struct ui *u, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(u, 0, fmt, ap);
	va_end(ap);
}

void ui_error(struct ui *u, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(u, 1, fmt, ap);
	va_end(ap);
}

const char *ui_last_error(const struct ui *u)
{
	return u->last_err;
}

int ui_readonly(const struct ui *u)
{
	return u->o.readonly;
}

int ui_may_change(struct ui *u, const char *what)
{
	if (!u->o.readonly)
		return 1;
	ui_error(u, "Read-only mode (--readonly): %s refused; nothing was changed", what);
	return 0;
}

int ui_current_view(const struct ui *u)
{
	return u->cur;
}

int ui_add_view(struct ui *u, const struct ui_view *v)
{
	if (u->nviews >= MAX_VIEWS)
		return TATER_EINVAL;
	u->views[u->nviews++] = *v;
	return 0;
}

void ui_set_hooks(struct ui *u, const struct ui_hooks *h)
{
	u->hooks = *h;
	u->has_hooks = 1;
}

static void enter_view(struct ui *u, int idx)
{
	u->cur = idx;
	if (u->views[idx].enter)
		u->views[idx].enter(u->views[idx].self);
	u->dirty = 1;
}

void ui_switch_view(struct ui *u, int idx)
{
	if (idx < 0 || idx >= u->nviews)
		return;
	u->help = 0;
	if (idx == u->cur && u->started)
		return;
	if (u->started) {
		if (u->views[u->cur].leave)
			u->views[u->cur].leave(u->views[u->cur].self);
		if (u->nhist == (int)(sizeof(u->hist) / sizeof(u->hist[0]))) {
			memmove(u->hist, u->hist + 1, sizeof(u->hist) - sizeof(u->hist[0]));
			u->nhist--;
		}
		u->hist[u->nhist++] = u->cur;
	}
	u->started = 1;
	enter_view(u, idx);
}

static void go_back(struct ui *u)
{
	int to = u->hist[--u->nhist];

	if (u->views[u->cur].leave)
		u->views[u->cur].leave(u->views[u->cur].self);
	enter_view(u, to);
}

void ui_quit(struct ui *u)
{
	u->quit = 1;
}

/* ---- terminal ---- */

static int term_usable(const char *t)
{
	return t && t[0] && strcmp(t, "dumb") != 0;
}

int ui_open(struct ui **out, const struct ui_opts *o, struct tater_err *err)
{
	struct ui *u;
	const char *term = getenv("TERM");
	int rc = 0;
	char path[1024];

	*out = NULL;
	u = calloc(1, sizeof(*u));
	if (!u)
		return tater_errf(err, TATER_ENOMEM, "out of memory");
	u->o = *o;
	u->next_modal_id = 1;
	ui_set_arrow_cursor(o->arrow_cursor);
	ui_keymap_defaults(&u->km);
	if (sodium_init() < 0) {
		rc = tater_errf(err, TATER_ECRYPTO, "libsodium failed to start");
		goto out;
	}
	if (o->script && !isatty(STDOUT_FILENO)) {
		/* Scripts may run with no terminal at all: draw into a virtual
		 * screen whose bytes go nowhere, and dump it as text. */
		u->tout = fopen("/dev/null", "w");
		u->tin = fopen("/dev/null", "r");
		if (!u->tout || !u->tin) {
			rc = tater_errf(err, TATER_EIO, "cannot open /dev/null");
			goto out;
		}
		if (!getenv("LINES"))
			setenv("LINES", "24", 0);
		if (!getenv("COLUMNS"))
			setenv("COLUMNS", "80", 0);
		u->scr = newterm(term_usable(term) ? term : "xterm-256color", u->tout, u->tin);
	} else {
		if (!o->script && !isatty(STDIN_FILENO)) {
			rc = tater_errf(err, TATER_EINVAL,
					"the console needs a terminal on stdin; use a subcommand "
					"(tater scan, tater db ...) for scripts");
			goto out;
		}
		if (!term_usable(term)) {
			rc = tater_errf(err, TATER_EINVAL,
					"TERM is %s: the console needs a real terminal type "
					"(e.g. TERM=xterm-256color)",
					term && term[0] ? "dumb" : "unset");
			goto out;
		}
		u->scr = newterm(NULL, stdout, stdin);
	}
	if (!u->scr) {
		rc = tater_errf(err, TATER_EINVAL, "cannot start the terminal (TERM=%.40s)",
				term ? term : "");
		goto out;
	}
	set_term(u->scr);
	raw(); /* Ctrl-C is a key we ask about, not a signal that kills */
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	leaveok(stdscr, TRUE);
	idlok(stdscr, TRUE); /* lets a one-line scroll move lines instead of redrawing */
	set_escdelay(25);
	curs_set(0);
	ui_theme_init(o->no_color);
	if (!o->no_mouse) {
		mousemask(BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED | BUTTON4_PRESSED |
			      BUTTON5_PRESSED,
			  NULL);
		mouseinterval(0);
	}
	if (o->banner)
		ui_message(u, "%s", o->banner);
	if (ui_keys_default_path(path, sizeof(path)) == 0) {
		struct tater_err kerr = {0};

		if (ui_keymap_load(&u->km, path, &kerr) != 0)
			ui_error(u, "keys.conf: %s", kerr.msg);
	}
	u->dirty = 1;
out:
	if (rc) {
		ui_close(u);
		return rc;
	}
	*out = u;
	return 0;
}

static void close_modal_at(struct ui *u, int i);

void ui_close(struct ui *u)
{
	if (!u)
		return;
	while (u->nmodals)
		close_modal_at(u, u->nmodals - 1);
	if (u->scr) {
		endwin();
		delscreen(u->scr);
	}
	if (u->tout)
		fclose(u->tout);
	if (u->tin)
		fclose(u->tin);
	ui_table_free(u->help_table);
	ui_rowset_free(u->help_rows);
	free(u);
}

/* ---- modals ---- */

static struct modal *push_modal(struct ui *u, enum modal_kind kind, const char *title,
				const char *text)
{
	struct modal *m;

	if (u->nmodals >= MAX_MODALS)
		return NULL;
	m = &u->modals[u->nmodals++];
	memset(m, 0, sizeof(*m));
	m->kind = kind;
	m->id = u->next_modal_id++;
	snprintf(m->title, sizeof(m->title), "%s", title ? title : "");
	snprintf(m->text, sizeof(m->text), "%s", text ? text : "");
	snprintf(m->ok_label, sizeof(m->ok_label), "OK");
	u->dirty = 1;
	return m;
}

static void close_modal_at(struct ui *u, int i)
{
	struct modal *m = &u->modals[i];

	if (m->input)
		sodium_free(m->input);
	memmove(&u->modals[i], &u->modals[i + 1], (size_t)(u->nmodals - i - 1) * sizeof(*m));
	u->nmodals--;
	u->dirty = 1;
}

/* Close the top modal, then tell its owner (which may open another). */
static void finish_modal(struct ui *u, int result)
{
	struct modal m = u->modals[u->nmodals - 1];
	char *input = NULL;

	if (m.input && result == UI_MODAL_OK) {
		input = sodium_malloc(m.ilen + 1);
		if (input) {
			memcpy(input, m.input, m.ilen);
			input[m.ilen] = '\0';
		}
	}
	close_modal_at(u, u->nmodals - 1);
	if (m.done)
		m.done(m.ctx, result, input);
	if (input)
		sodium_free(input);
}

int ui_confirm(struct ui *u, const char *title, const char *text, const char *ok_label,
	       ui_modal_done done, void *ctx)
{
	struct modal *m = push_modal(u, MODAL_CONFIRM, title, text);

	if (!m)
		return TATER_EBUSY;
	snprintf(m->ok_label, sizeof(m->ok_label), "%s", ok_label ? ok_label : "OK");
	m->focus = 0;
	m->done = done;
	m->ctx = ctx;
	return 0;
}

int ui_alert(struct ui *u, const char *title, const char *text)
{
	struct modal *m = push_modal(u, MODAL_ALERT, title, text);

	if (!m)
		return TATER_EBUSY;
	m->focus = 1;
	return 0;
}

int ui_prompt(struct ui *u, const char *title, const char *text, int secret, ui_modal_done done,
	      void *ctx)
{
	struct modal *m = push_modal(u, MODAL_PROMPT, title, text);

	if (!m)
		return TATER_EBUSY;
	m->icap = 1024;
	m->input = sodium_malloc(m->icap);
	if (!m->input) {
		close_modal_at(u, u->nmodals - 1);
		return TATER_ENOMEM;
	}
	m->input[0] = '\0';
	m->secret = secret;
	m->focus = 1;
	m->done = done;
	m->ctx = ctx;
	return 0;
}

int ui_status_modal(struct ui *u, const char *title, const char *status, int64_t deadline_ms,
		    ui_modal_done done, void *ctx, int *id)
{
	struct modal *m = push_modal(u, MODAL_STATUS, title, "");

	if (!m)
		return TATER_EBUSY;
	snprintf(m->status, sizeof(m->status), "%s", status ? status : "");
	m->deadline = deadline_ms;
	m->done = done;
	m->ctx = ctx;
	if (id)
		*id = m->id;
	return 0;
}

static struct modal *modal_by_id(struct ui *u, int id)
{
	for (int i = 0; i < u->nmodals; i++)
		if (u->modals[i].id == id)
			return &u->modals[i];
	return NULL;
}

void ui_status_modal_set(struct ui *u, int id, const char *status)
{
	struct modal *m = modal_by_id(u, id);

	if (m) {
		snprintf(m->status, sizeof(m->status), "%s", status ? status : "");
		u->dirty = 1;
	}
}

void ui_status_modal_close(struct ui *u, int id, const char *final_status)
{
	struct modal *m = modal_by_id(u, id);

	if (!m)
		return;
	if (final_status) {
		/* Stays up with the outcome until the person has read it. */
		snprintf(m->status, sizeof(m->status), "%s", final_status);
		m->finished = 1;
		m->done = NULL;
		u->dirty = 1;
		return;
	}
	close_modal_at(u, (int)(m - u->modals));
}

int ui_modal_open(const struct ui *u)
{
	return u->nmodals > 0;
}

static void modal_key(struct ui *u, const struct ui_event *ev)
{
	struct modal *m = &u->modals[u->nmodals - 1];
	int k = ev->key;

	if (ev->mouse)
		return;
	if (m->kind == MODAL_PROMPT) {
		if (k == '\n') {
			finish_modal(u, UI_MODAL_OK);
		} else if (k == UI_KEY_ESC) {
			finish_modal(u, UI_MODAL_CANCEL);
		} else if (k == UI_KEY(KEY_BACKSPACE)) {
			while (m->ilen > 0 && ((unsigned char)m->input[m->ilen - 1] & 0xc0) == 0x80)
				m->input[--m->ilen] = '\0';
			if (m->ilen > 0)
				m->input[--m->ilen] = '\0';
		} else if (k == UI_CTRL('u')) {
			sodium_memzero(m->input, m->icap);
			m->ilen = 0;
		} else if (k == UI_CTRL('c')) {
			finish_modal(u, UI_MODAL_CANCEL);
		} else if (ui_key_is_text(k)) {
			char b[4];
			size_t n = text_encode(k, b);

			if (m->ilen + n < m->icap) {
				memcpy(m->input + m->ilen, b, n);
				m->ilen += n;
				m->input[m->ilen] = '\0';
			}
		}
		return;
	}
	if (m->kind == MODAL_STATUS) {
		if (k == '\n' || k == UI_KEY_ESC || ev->act == UI_ACT_BACK) {
			if (m->finished)
				close_modal_at(u, u->nmodals - 1);
			else
				finish_modal(u, UI_MODAL_CANCEL);
		}
		return;
	}
	if (m->kind == MODAL_ALERT) {
		if (k == '\n' || k == UI_KEY_ESC || k == ' ' || ev->act == UI_ACT_BACK)
			finish_modal(u, UI_MODAL_OK);
		return;
	}
	/* Confirm: Cancel is focused first; moving to the other button and
	 * pressing Enter, or `y`, confirms. */
	if (k == '\t' || k == UI_KEY(KEY_BTAB) || ev->act == UI_ACT_LEFT || ev->act == UI_ACT_RIGHT)
		m->focus = !m->focus;
	else if (k == '\n' || k == ' ')
		finish_modal(u, m->focus ? UI_MODAL_OK : UI_MODAL_CANCEL);
	else if (k == 'y' || k == 'Y')
		finish_modal(u, UI_MODAL_OK);
	else if (k == 'n' || k == 'N' || k == UI_KEY_ESC || k == UI_CTRL('c') ||
		 ev->act == UI_ACT_BACK)
		finish_modal(u, UI_MODAL_CANCEL);
}

static void draw_modal(struct ui *u, struct modal *m)
{
	int w = COLS - 8 > 66 ? 66 : COLS - 8, h, y, x, lines;
	struct ui_rect probe = {-1000, 0, 0, w - 4};

	lines = m->text[0] ? ui_wrap(probe, UI_MODAL, m->text, 0) : 0;
	if (lines > LINES - 10)
		lines = LINES - 10;
	h = lines + 5 + (m->kind == MODAL_PROMPT ? 2 : 0) + (m->kind == MODAL_STATUS ? 3 : 0);
	y = (LINES - h) / 2;
	x = (COLS - w) / 2;
	ui_box((struct ui_rect){y, x, h, w}, UI_MODAL, m->title);
	if (lines)
		ui_wrap((struct ui_rect){y + 2, x + 2, lines, w - 4}, UI_MODAL, m->text, 0);
	y += 2 + lines;
	if (m->kind == MODAL_PROMPT) {
		ui_fill(y, x + 2, w - 4, UI_FIELD_FOCUS);
		if (m->secret) {
			char stars[80];
			size_t chars = 0;

			for (size_t i = 0; i < m->ilen; i++)
				if (((unsigned char)m->input[i] & 0xc0) != 0x80)
					chars++;
			if (chars > sizeof(stars) - 1 || chars > (size_t)w - 6)
				chars = (size_t)w - 6 < sizeof(stars) - 1 ? (size_t)w - 6
									  : sizeof(stars) - 1;
			memset(stars, '*', chars);
			stars[chars] = '\0';
			ui_text(y, x + 2, w - 5, UI_FIELD_FOCUS, stars);
			ui_fill(y, x + 2 + (int)chars, 1, UI_SELECTED);
		} else {
			int used = ui_text(y, x + 2, w - 5, UI_FIELD_FOCUS, m->input);

			ui_fill(y, x + 2 + used, 1, UI_SELECTED);
		}
		y += 2;
	}
	if (m->kind == MODAL_STATUS) {
		ui_text(y, x + 2, w - 4, m->finished ? UI_TITLE : UI_MODAL, m->status);
		if (m->deadline && !m->finished) {
			int64_t now = ui_now_ms(), left = m->deadline - now;

			if (left < 0)
				left = 0;
			ui_textf(y + 1, x + 2, w - 4, UI_MODAL, "Time left: %d:%02d",
				 (int)(left / 60000), (int)(left / 1000 % 60));
			/* The countdown is the one thing here that changes by
			 * itself: wake at the next second, not before. */
			if (left > 0)
				ui_deadline(u, now + (left % 1000 ? left % 1000 : 1000));
		}
		y += 3;
	}
	{
		int by = y, bx = x + w - 4;

		if (m->kind == MODAL_CONFIRM) {
			char ok[48];

			snprintf(ok, sizeof(ok), "[ %s ]", m->ok_label);
			bx -= text_width(ok);
			ui_text(by, bx, text_width(ok), m->focus ? UI_BUTTON_FOCUS : UI_MODAL, ok);
			bx -= 12;
			ui_text(by, bx, 10, m->focus ? UI_MODAL : UI_BUTTON_FOCUS, "[ Cancel ]");
		} else if (m->kind == MODAL_STATUS) {
			ui_text(by, bx - 10, 10, UI_BUTTON_FOCUS,
				m->finished ? "[ Close ]" : "[ Cancel ]");
		} else if (m->kind == MODAL_PROMPT) {
			ui_text(by, x + 2, w - 4, UI_DIM, "Enter: OK   Esc: cancel");
		} else {
			ui_text(by, bx - 6, 6, UI_BUTTON_FOCUS, "[ OK ]");
		}
	}
}

/* ---- help and palette ---- */

static void open_help(struct ui *u)
{
	static const struct ui_column cols[] = {
	    {"Keys", 14, 0, 0}, {"Action", 14, 0, 0}, {"What it does", 20, 1, 0}};
	struct ui_table_source src;

	ui_table_free(u->help_table);
	ui_rowset_free(u->help_rows);
	u->help_table = ui_table_new(cols, 3);
	u->help_rows = ui_rowset_new(3);
	if (!u->help_table || !u->help_rows)
		return;
	/* From the live key map, so a rebinding in keys.conf shows here. */
	for (int a = 1; a < UI_ACT__COUNT; a++) {
		char keys[64];
		const char *cells[3];

		ui_keymap_keys(&u->km, (enum ui_action)a, keys, sizeof(keys));
		cells[0] = keys[0] ? keys : "(unbound)";
		cells[1] = ui_action_name((enum ui_action)a);
		cells[2] = ui_action_help((enum ui_action)a);
		ui_rowset_add(u->help_rows, cells);
	}
	ui_rowset_source(u->help_rows, &src);
	ui_table_set_source(u->help_table, &src);
	u->help = 1;
}

static int palette_matches(const char *prefix, enum ui_action *out, int max)
{
	int n = 0;

	for (int a = 1; a < UI_ACT__COUNT; a++) {
		if (strncmp(ui_action_name((enum ui_action)a), prefix, strlen(prefix)) == 0) {
			if (n < max)
				out[n] = (enum ui_action)a;
			n++;
		}
	}
	return n;
}

static void dispatch(struct ui *u, struct ui_event *ev);

static void palette_key(struct ui *u, const struct ui_event *ev)
{
	size_t len = strlen(u->pal);
	int k = ev->key;

	if (k == UI_KEY_ESC || k == UI_CTRL('c')) {
		u->palette = 0;
	} else if (k == UI_KEY(KEY_BACKSPACE)) {
		if (len)
			u->pal[len - 1] = '\0';
		else
			u->palette = 0;
	} else if (k == '\t') {
		enum ui_action m[UI_ACT__COUNT];
		int n = palette_matches(u->pal, m, UI_ACT__COUNT);

		/* Complete to the longest prefix the candidates share. */
		if (n > 0) {
			char common[128];

			snprintf(common, sizeof(common), "%s", ui_action_name(m[0]));
			for (int i = 1; i < n; i++) {
				const char *nm = ui_action_name(m[i]);
				size_t j = 0;

				while (common[j] && common[j] == nm[j])
					j++;
				common[j] = '\0';
			}
			snprintf(u->pal, sizeof(u->pal), "%s", common);
		}
	} else if (k == '\n') {
		enum ui_action m[2], a = ui_action_by_name(u->pal);
		int n = palette_matches(u->pal, m, 2);

		if (a == UI_ACT__COUNT && n == 1)
			a = m[0];
		u->palette = 0;
		if (a == UI_ACT__COUNT || a == UI_ACT_NONE) {
			ui_error(u, "No command \"%s\" (Tab completes; ? lists them all)", u->pal);
		} else if (a != UI_ACT_PALETTE) {
			struct ui_event e = {0};

			e.act = a;
			dispatch(u, &e);
		}
	} else if (ui_key_is_text(k) && k < 0x80 && len + 1 < sizeof(u->pal)) {
		u->pal[len] = (char)k;
		u->pal[len + 1] = '\0';
	}
}

static void draw_palette(struct ui *u)
{
	enum ui_action m[12];
	int n = palette_matches(u->pal, m, 12), shown = n < 12 ? n : 12, y;

	y = LINES - 1 - shown;
	for (int i = 0; i < shown; i++) {
		char keys[48];

		ui_keymap_keys(&u->km, m[i], keys, sizeof(keys));
		ui_fill(y + i, 0, COLS, UI_MODAL);
		ui_textf(y + i, 1, COLS - 2, UI_MODAL, "%-16s %-12s %s", ui_action_name(m[i]), keys,
			 ui_action_help(m[i]));
	}
	ui_fill(LINES - 1, 0, COLS, UI_NORMAL);
	{
		int used = ui_textf(LINES - 1, 0, COLS - 1, UI_TITLE, ":%s", u->pal);

		ui_fill(LINES - 1, used, 1, UI_FIELD_FOCUS);
	}
}

/* ---- the frame ---- */

static void draw_tabs(struct ui *u)
{
	int x = 0, total = 0, start = 0;

	ui_fill(0, 0, COLS, UI_TAB);
	for (int i = 0; i < u->nviews; i++)
		total += text_width(u->views[i].title) + 4;
	/* Too wide: start late enough that the current tab is on screen. */
	if (total > COLS) {
		int upto = 0;

		for (int i = 0; i <= u->cur; i++)
			upto += text_width(u->views[i].title) + 4;
		if (upto > COLS - 2) {
			for (start = 0; start < u->cur && upto > COLS - 2; start++)
				upto -= text_width(u->views[start].title) + 4;
		}
	}
	if (start > 0)
		x = ui_text(0, 0, 1, UI_TAB, "<");
	for (int i = 0; i < u->nviews; i++) {
		char label[64], kb[32];
		int w;

		u->tab_w[i] = 0;
		if (i < start)
			continue;
		ui_keymap_keys(&u->km, (enum ui_action)(UI_ACT_GO_DASHBOARD + i), kb, sizeof(kb));
		/* The first key only: "1 Dashboard". */
		kb[strcspn(kb, " ")] = '\0';
		snprintf(label, sizeof(label), " %s %s ", kb, u->views[i].title);
		w = text_width(label);
		if (x + w > COLS) {
			ui_text(0, COLS - 1, 1, UI_TAB, ">");
			break;
		}
		u->tab_x[i] = x;
		u->tab_w[i] = w;
		ui_text(0, x, w, i == u->cur && !u->help ? UI_TAB_ACTIVE : UI_TAB, label);
		x += w;
	}
}

static void draw_status(struct ui *u)
{
	char jobs[256] = "";
	double frac = -1;
	int right = 0, y = LINES - 1, has_jobs = 0;

	ui_fill(y, 0, COLS, UI_STATUS);
	if (u->has_hooks && u->hooks.jobs_line)
		has_jobs = u->hooks.jobs_line(u->hooks.ctx, jobs, sizeof(jobs), &frac);
	if (has_jobs) {
		int jw = text_width(jobs), bar = 12;

		if (jw > COLS / 2 - bar - 1)
			jw = COLS / 2 - bar - 1;
		right = jw + bar + 2;
		ui_progress(y, COLS - right, bar, frac);
		ui_text(y, COLS - jw - 1, jw, UI_STATUS, jobs);
	}
	if (u->o.readonly) {
		int rw = 12;

		ui_text(y, COLS - right - rw, rw, UI_STATUS, "[read-only]");
		right += rw;
	}
	if (u->msg[0]) {
		ui_text(y, 0, COLS - right - 1, u->msg_err ? UI_STATUS_ERROR : UI_STATUS, u->msg);
	} else {
		char h[32], f[32], p[32];

		ui_keymap_keys(&u->km, UI_ACT_HELP, h, sizeof(h));
		ui_keymap_keys(&u->km, UI_ACT_PALETTE, p, sizeof(p));
		ui_keymap_keys(&u->km, UI_ACT_FILTER, f, sizeof(f));
		h[strcspn(h, " ")] = p[strcspn(p, " ")] = f[strcspn(f, " ")] = '\0';
		ui_textf(y, 0, COLS - right - 1, UI_STATUS,
			 "%s help  %s commands  %s filter  Tab next screen  q back  C-c quit", h, p,
			 f);
	}
}

static void draw_too_small(void)
{
	char msg[256];
	struct ui_rect r = {1, 1, LINES - 1, COLS - 2};

	snprintf(msg, sizeof(msg),
		 "Terminal too small: %dx%d. tater needs at least %dx%d; enlarge the window "
		 "(or press C-c to quit).",
		 COLS, LINES, MIN_COLS, MIN_ROWS);
	if (r.w > 0 && r.h > 0)
		ui_wrap(r, UI_WARN, msg, 0);
}

static void draw_frame(struct ui *u)
{
	werase(stdscr);
	if (COLS < MIN_COLS || LINES < MIN_ROWS) {
		draw_too_small();
	} else {
		struct ui_rect body = {1, 0, LINES - 2, COLS};

		draw_tabs(u);
		if (u->help) {
			ui_text(1, 1, COLS - 2, UI_TITLE,
				"Help: every action and its keys  (q/Esc closes, / filters)");
			ui_table_draw(u->help_table, (struct ui_rect){2, 0, LINES - 3, COLS}, 1);
		} else if (u->cur < u->nviews && u->views[u->cur].draw) {
			u->views[u->cur].draw(u->views[u->cur].self, body);
		}
		draw_status(u);
		for (int i = 0; i < u->nmodals; i++)
			draw_modal(u, &u->modals[i]);
		if (u->palette)
			draw_palette(u);
	}
	wnoutrefresh(stdscr);
	doupdate();
	u->frames++;
	u->dirty = 0;
}

/* ---- input ---- */

static void quit_done(void *ctx, int result, const char *input)
{
	(void)input;
	if (result == UI_MODAL_OK)
		((struct ui *)ctx)->quit = 1;
}

static void ask_quit(struct ui *u, int always)
{
	int busy = u->has_hooks && u->hooks.busy && u->hooks.busy(u->hooks.ctx);
	int dirty = u->views[u->cur].dirty && u->views[u->cur].dirty(u->views[u->cur].self);
	char text[256];

	if (!busy && !dirty && !always) {
		u->quit = 1;
		return;
	}
	snprintf(text, sizeof(text), "%s%s",
		 busy ? "A background job is still running; quitting cancels it. " : "",
		 dirty ? "There are unsaved changes; quitting drops them. " : "");
	ui_confirm(u, "Quit tater?", text[0] ? text : "Leave the console.", "Quit", quit_done, u);
}

static void cancel_done(void *ctx, int result, const char *input)
{
	struct ui *u = ctx;

	(void)input;
	if (result == UI_MODAL_OK && u->hooks.cancel_jobs) {
		u->hooks.cancel_jobs(u->hooks.ctx);
		ui_message(u, "Cancelling background jobs");
	}
}

static void global_action(struct ui *u, const struct ui_event *ev)
{
	enum ui_action a = ev->act;

	if (a >= UI_ACT_GO_DASHBOARD && a <= UI_ACT_GO_REPORTS) {
		ui_switch_view(u, (int)(a - UI_ACT_GO_DASHBOARD));
		return;
	}
	switch (a) {
	case UI_ACT_QUIT:
		ask_quit(u, 1);
		break;
	case UI_ACT_BACK:
		if (u->help)
			u->help = 0;
		else if (u->nhist > 0)
			go_back(u);
		else if (ev->key == UI_KEY_ESC)
			ui_message(u, "At the top: q quits");
		else
			ask_quit(u, 0);
		break;
	case UI_ACT_HELP:
		open_help(u);
		break;
	case UI_ACT_PALETTE:
		u->palette = 1;
		u->pal[0] = '\0';
		break;
	case UI_ACT_NEXT_SCREEN:
		ui_switch_view(u, (u->cur + 1) % u->nviews);
		break;
	case UI_ACT_PREV_SCREEN:
		ui_switch_view(u, (u->cur + u->nviews - 1) % u->nviews);
		break;
	case UI_ACT_REDRAW:
		clearok(curscr, TRUE);
		break;
	case UI_ACT_CANCEL_JOBS:
		if (u->has_hooks && u->hooks.busy && u->hooks.busy(u->hooks.ctx))
			ui_confirm(u, "Cancel background jobs?",
				   "Every running and queued job is asked to stop.", "Stop jobs",
				   cancel_done, u);
		else
			ui_message(u, "No background job is running");
		break;
	case UI_ACT_FILTER:
		ui_message(u, "Nothing to filter on this screen");
		break;
	default:
		break;
	}
}

static void dispatch(struct ui *u, struct ui_event *ev)
{
	u->dirty = 1;
	if (ev->key && !u->msg_err)
		u->msg[0] = '\0';
	else if (ev->key && u->msg_err && ev->act != UI_ACT_NONE)
		u->msg[0] = '\0'; /* an error stays until the next action */
	if (COLS < MIN_COLS || LINES < MIN_ROWS) {
		/* Nothing is visible to act on; only quitting makes sense. */
		if (ev->act == UI_ACT_QUIT)
			ask_quit(u, 0);
		else if (ui_modal_open(u))
			modal_key(u, ev);
		return;
	}
	if (u->nmodals) {
		modal_key(u, ev);
		return;
	}
	if (u->palette) {
		palette_key(u, ev);
		return;
	}
	if (ev->mouse && !ev->wheel && ev->my == 0) {
		for (int i = 0; i < u->nviews; i++)
			if (u->tab_w[i] && ev->mx >= u->tab_x[i] &&
			    ev->mx < u->tab_x[i] + u->tab_w[i])
				ui_switch_view(u, i);
		return;
	}
	if (u->help) {
		if (ui_table_key(u->help_table, ev) == UI_HANDLED)
			return;
		if (ev->act == UI_ACT_HELP) {
			u->help = 0;
			return;
		}
	} else if (u->views[u->cur].key && u->views[u->cur].key(u->views[u->cur].self, ev)) {
		return;
	}
	global_action(u, ev);
}

static void key_event(struct ui *u, int key)
{
	struct ui_event ev = {0};

	ev.key = key;
	ev.act = ui_keymap_lookup(&u->km, key);
	dispatch(u, &ev);
}

static void mouse_event(struct ui *u)
{
	MEVENT me;
	struct ui_event ev = {0};

	if (getmouse(&me) != OK)
		return;
	ev.mouse = 1;
	ev.my = me.y;
	ev.mx = me.x;
	if (me.bstate & BUTTON4_PRESSED) {
		ev.wheel = -1;
		ev.act = UI_ACT_UP;
	} else if (me.bstate & BUTTON5_PRESSED) {
		ev.wheel = 1;
		ev.act = UI_ACT_DOWN;
	} else if (me.bstate & BUTTON1_DOUBLE_CLICKED) {
		ev.click = 2;
		ev.act = UI_ACT_OPEN;
	} else if (me.bstate & BUTTON1_CLICKED) {
		ev.click = 1;
	} else {
		return;
	}
	dispatch(u, &ev);
}

static void input(struct ui *u, int r, wint_t wch)
{
	int key;

	if (r == KEY_CODE_YES) {
		switch (wch) {
		case KEY_RESIZE:
			u->dirty = 1;
			return;
		case KEY_MOUSE:
			mouse_event(u);
			return;
		case KEY_ENTER:
			key = '\n';
			break;
		default:
			key = UI_KEY((int)wch);
		}
	} else {
		key = (int)wch;
		if (key == '\r')
			key = '\n';
		else if (key == 0x7f || key == 0x08)
			key = UI_KEY(KEY_BACKSPACE);
	}
	key_event(u, key);
}

static void drain_input(struct ui *u)
{
	wint_t wch;
	int r;

	while ((r = get_wch(&wch)) != ERR)
		input(u, r, wch);
}

static void run_hooks(struct ui *u)
{
	if (u->has_hooks && u->hooks.on_fd)
		u->hooks.on_fd(u->hooks.ctx);
}

static void check_deadline(struct ui *u)
{
	if (u->deadline && ui_now_ms() >= u->deadline) {
		u->deadline = 0;
		u->dirty = 1;
	}
}

/* ---- scripted mode ---- */

int ui_dump(struct ui *u, const char *path, struct tater_err *err)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return tater_errf(err, TATER_EIO, "dump: cannot write %s: %s", path,
				  strerror(errno));
	if (u->dirty)
		draw_frame(u);
	for (int y = 0; y < LINES; y++) {
		wchar_t line[1024];
		char out[4096];
		size_t o = 0;
		mbstate_t st;
		int n = mvwinnwstr(stdscr, y, 0, line, COLS < 1023 ? COLS : 1023);

		memset(&st, 0, sizeof(st));
		for (int i = 0; n > 0 && i < n && line[i]; i++) {
			char mb[MB_LEN_MAX];
			size_t m = wcrtomb(mb, line[i], &st);

			if (m == (size_t)-1 || o + m >= sizeof(out))
				break;
			memcpy(out + o, mb, m);
			o += m;
		}
		while (o > 0 && out[o - 1] == ' ')
			o--;
		fprintf(f, "%.*s\n", (int)o, out);
	}
	if (fclose(f) != 0)
		return tater_errf(err, TATER_EIO, "dump: %s: %s", path, strerror(errno));
	return 0;
}

static void settle(struct ui *u)
{
	run_hooks(u);
	check_deadline(u);
	if (u->dirty)
		draw_frame(u);
}

static int wait_idle(struct ui *u, int timeout_ms, struct tater_err *err)
{
	int64_t until = ui_now_ms() + timeout_ms;

	for (;;) {
		settle(u);
		if (!u->has_hooks || !u->hooks.idle || u->hooks.idle(u->hooks.ctx)) {
			settle(u);
			return 0;
		}
		if (ui_now_ms() >= until)
			return tater_errf(err, TATER_ETIMEOUT,
					  "wait-idle: jobs still running after %d ms", timeout_ms);
		if (u->has_hooks && u->hooks.fd >= 0) {
			struct pollfd p = {u->hooks.fd, POLLIN, 0};

			poll(&p, 1, 20);
		} else {
			usleep(20000);
		}
	}
}

static int script_line(struct ui *u, char *line, int lineno, struct tater_err *err)
{
	char *cmd = line, *arg;

	line[strcspn(line, "\r\n")] = '\0';
	while (*cmd == ' ' || *cmd == '\t')
		cmd++;
	if (!*cmd || *cmd == '#')
		return 0;
	arg = cmd + strcspn(cmd, " \t");
	if (*arg) {
		*arg++ = '\0';
		while (*arg == ' ' || *arg == '\t')
			arg++;
	}
	if (strcmp(cmd, "key") == 0) { /* key NAME [TIMES] */
		char name[32] = "";
		int k, times = 1;

		sscanf(arg, "%31s %d", name, &times);
		if (!(k = ui_key_parse(name)) || times < 1 || times > 1000)
			return tater_errf(err, TATER_EINVAL,
					  "script line %d: unknown key \"%.40s\"", lineno, arg);
		for (int i = 0; i < times; i++) {
			if (i)
				settle(u);
			key_event(u, k);
		}
	} else if (strcmp(cmd, "keys") == 0) {
		size_t len = strlen(arg), i = 0;

		while (i < len) {
			int32_t cp;
			size_t n = text_decode(arg + i, len - i, &cp);

			if (cp > 0)
				key_event(u, cp);
			i += n;
			settle(u);
		}
	} else if (strcmp(cmd, "resize") == 0) {
		int cols = 0, rows = 0;

		if (sscanf(arg, "%d %d", &cols, &rows) != 2 || cols < 1 || rows < 1)
			return tater_errf(err, TATER_EINVAL, "script line %d: resize COLS ROWS",
					  lineno);
		resizeterm(rows, cols);
		u->dirty = 1;
	} else if (strcmp(cmd, "dump") == 0) {
		int rc;

		settle(u);
		rc = ui_dump(u, arg, err);
		if (rc)
			return rc;
	} else if (strcmp(cmd, "wait-idle") == 0) {
		int rc = wait_idle(u, *arg ? atoi(arg) : 10000, err);

		if (rc)
			return rc;
	} else if (strcmp(cmd, "sleep") == 0) {
		int64_t until = ui_now_ms() + atoi(arg);

		while (ui_now_ms() < until) {
			settle(u);
			usleep(5000);
		}
	} else if (strcmp(cmd, "quit") == 0) {
		u->quit = 1;
	} else {
		return tater_errf(err, TATER_EINVAL,
				  "script line %d: unknown command \"%.40s\" (key, keys, resize, "
				  "dump, wait-idle, sleep, quit)",
				  lineno, cmd);
	}
	settle(u);
	return 0;
}

static int run_script(struct ui *u, struct tater_err *err)
{
	FILE *f = fopen(u->o.script, "r");
	char line[4096];
	int lineno = 0, rc = 0;

	if (!f)
		return tater_errf(err, TATER_EIO, "script %s: %s", u->o.script, strerror(errno));
	settle(u);
	while (!u->quit && !got_term && fgets(line, sizeof(line), f)) {
		rc = script_line(u, line, ++lineno, err);
		if (rc)
			break;
	}
	fclose(f);
	return rc;
}

/* ---- the loop ---- */

int ui_run(struct ui *u, struct tater_err *err)
{
	struct sigaction sa;
	sigset_t block, old;
	int rc = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGWINCH);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &old);

	if (!u->started && u->nviews)
		ui_switch_view(u, 0);
	if (u->o.script) {
		rc = run_script(u, err);
		goto out;
	}
	while (!u->quit && !got_term) {
		struct pollfd p[2];
		struct timespec ts, *tsp = NULL;
		int n = 0;

		if (u->dirty)
			draw_frame(u);
		if (u->deadline) {
			int64_t left = u->deadline - ui_now_ms();

			if (left < 0)
				left = 0;
			ts.tv_sec = left / 1000;
			ts.tv_nsec = (left % 1000) * 1000000;
			tsp = &ts;
		}
		p[n++] = (struct pollfd){STDIN_FILENO, POLLIN, 0};
		if (u->has_hooks && u->hooks.fd >= 0)
			p[n++] = (struct pollfd){u->hooks.fd, POLLIN, 0};
		if (ppoll(p, (nfds_t)n, tsp, &old) < 0 && errno != EINTR) {
			rc = tater_errf(err, TATER_EIO, "poll: %s", strerror(errno));
			break;
		}
		if (n > 1 && (p[1].revents & POLLIN))
			run_hooks(u);
		if (p[0].revents & (POLLHUP | POLLERR | POLLNVAL)) {
			/* The terminal went away (ssh dropped): nobody to ask. */
			break;
		}
		drain_input(u);
		check_deadline(u);
	}
out:
	sigprocmask(SIG_SETMASK, &old, NULL);
	return rc;
}
