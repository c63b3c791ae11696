/* ui.h - the terminal toolkit: app loop, views, keys, theme, modals, status bar.
 *
 * Only the thread that called ui_open may call anything here.  The toolkit
 * knows no store, no worker and no cloud: the console wires those in through
 * struct ui_hooks (an extra fd to poll, deadlines, a job line for the status
 * bar).
 *
 * Drawing: every frame is drawn whole into stdscr, then wnoutrefresh +
 * doupdate send only the cells that changed.  A frame is drawn only after
 * input, a hook event or a deadline: an idle console writes nothing.
 * Every string goes through the sanitiser (text.h) on its way to the
 * screen, whoever passed it. */
#ifndef TATER_UI_H
#define TATER_UI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tater/err.h"
#include "tater/ui_action.h"

struct ui;

struct ui_rect {
	int y, x, h, w;
};

/* Semantic colours.  Each scheme (colour, monochrome) maps these to curses
 * attributes; nothing else in the code names a colour. */
enum ui_color {
	UI_NORMAL,
	UI_TITLE,
	UI_TAB,
	UI_TAB_ACTIVE,
	UI_HEADER,
	UI_HEADER_SORT,
	UI_SELECTED,
	UI_STATUS,
	UI_STATUS_ERROR,
	UI_ERROR,
	UI_WARN,
	UI_OK,
	UI_DIM,
	UI_FIELD,
	UI_FIELD_FOCUS,
	UI_BUTTON,
	UI_BUTTON_FOCUS,
	UI_MODAL,
	UI_MODAL_TITLE,
	UI_BAR,
	UI_BAR_EMPTY,
	UI_COLOR__COUNT
};

/* ---- events ---- */

/* Keys: Unicode characters as they are; curses key codes (KEY_UP, ...)
 * with UI_KEY_FN set, so the two ranges never collide. */
#define UI_KEY_FN 0x40000000
#define UI_KEY(code) ((code) | UI_KEY_FN)
#define UI_CTRL(c) ((c)&0x1f)
#define UI_KEY_ESC 0x1b

struct ui_event {
	int key;	    /* 0 for a mouse event */
	enum ui_action act; /* what the key map says; UI_ACT_NONE if unbound */
	int mouse;	    /* 1: a mouse event */
	int my, mx;	    /* mouse position (screen cells) */
	int wheel;	    /* -1 up, +1 down, 0 a click */
	int click;	    /* 1 a single click, 2 a double click */
};

enum { UI_IGNORED = 0, UI_HANDLED = 1 };

/* Is this key text a person is typing (printable, not a function key)? */
int ui_key_is_text(int key);
/* Name of a key as keys.conf spells it ("C-d", "Enter", "j"). */
const char *ui_key_name(int key, char buf[16]);
/* Parse a key name; 0 if unknown. */
int ui_key_parse(const char *name);

/* ---- actions and key map ---- */

const char *ui_action_name(enum ui_action a);
const char *ui_action_help(enum ui_action a);
enum ui_action ui_action_by_name(const char *name); /* UI_ACT__COUNT if unknown */
/* The keys bound to an action now ("k Up"), for help and hints. */
void ui_action_keys(const struct ui *u, enum ui_action a, char *buf, size_t n);
enum ui_action ui_key_action(const struct ui *u, int key);

/* Load bindings from a keys.conf (format: see doc, or ui_keys_print_man).
 * A missing file is fine; a bad line is reported in err and skipped. */
int ui_keys_load(struct ui *u, const char *path, struct tater_err *err);
/* The default keys.conf path: $XDG_CONFIG_HOME/tater/keys.conf. */
int ui_keys_default_path(char *buf, size_t n);
/* The action table as man-page text (a .SS section), for doc/tater.1. */
void ui_keys_print_man(FILE *out);

/* ---- views (screens) ---- */

struct ui_view {
	const char *name;  /* palette/action name, e.g. "activity" */
	const char *title; /* tab label, e.g. "Activity" */
	void *self;
	void (*enter)(void *self);
	void (*leave)(void *self);
	void (*draw)(void *self, struct ui_rect r);
	/* UI_HANDLED when the view used the key; otherwise the app applies the
	 * global meaning (switch screens, help, back, quit). */
	int (*key)(void *self, const struct ui_event *ev);
	/* Non-zero while the view holds unsaved edits (quit asks first). */
	int (*dirty)(void *self);
};

/* ---- hooks: how the console plugs the worker in ---- */

struct ui_hooks {
	void *ctx;
	int fd;			  /* polled for input; -1 for none */
	void (*on_fd)(void *ctx); /* fd readable: drain it, dispatch */
	int (*busy)(void *ctx);	  /* jobs running? (quit asks first) */
	/* The status bar's job part: text and a progress fraction (< 0: none).
	 * Return 0 when nothing runs. */
	int (*jobs_line)(void *ctx, char *buf, size_t n, double *frac);
	void (*cancel_jobs)(void *ctx);
	int (*idle)(void *ctx); /* nothing queued, nothing to deliver (scripts) */
};

struct ui_opts {
	int no_color;
	int no_mouse;
	int arrow_cursor; /* tables mark the selected row with an arrow, not a full-width bar */
	int readonly;
	const char *script; /* run keys/commands from this file instead of the keyboard */
	const char *banner; /* first status message */
};

int ui_open(struct ui **out, const struct ui_opts *o, struct tater_err *err);
/* Restore the terminal and free everything (views are owned by the caller). */
void ui_close(struct ui *u);

int ui_add_view(struct ui *u, const struct ui_view *v);
void ui_set_hooks(struct ui *u, const struct ui_hooks *h);

/* Run until the user quits.  0, or an error (a script that failed). */
int ui_run(struct ui *u, struct tater_err *err);
void ui_quit(struct ui *u);

/* Ask for a frame: something changed. */
void ui_dirty(struct ui *u);
/* Wake at this monotonic time (ms) to redraw (a countdown); the earliest wins. */
void ui_deadline(struct ui *u, int64_t at_ms);
int64_t ui_now_ms(void);

int ui_current_view(const struct ui *u);
void ui_switch_view(struct ui *u, int idx);

/* Status bar message: stays until the next one.  Untrusted parts are
 * sanitised on the way to the screen. */
void ui_message(struct ui *u, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ui_error(struct ui *u, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *ui_last_error(const struct ui *u);

/* The read-only chokepoint: every action that would change anything calls
 * this first.  Returns 1 when allowed; 0 (and a status message naming what
 * was refused) under --readonly. */
int ui_may_change(struct ui *u, const char *what);
int ui_readonly(const struct ui *u);

/* ---- drawing (stdscr, inside the current frame) ---- */

void ui_style(enum ui_color c);
/* Draw text (sanitised here if needed) at y,x in at most w cells.  Returns cells used. */
int ui_text(int y, int x, int w, enum ui_color c, const char *s);
int ui_textf(int y, int x, int w, enum ui_color c, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Fill w cells with spaces. */
void ui_fill(int y, int x, int w, enum ui_color c);
void ui_clear_rect(struct ui_rect r, enum ui_color c);
void ui_box(struct ui_rect r, enum ui_color c, const char *title);
/* Word-wrap text into r from line `skip`; returns the lines it needs in all. */
int ui_wrap(struct ui_rect r, enum ui_color c, const char *s, int skip);

/* ---- modals (one stack, drawn above the view, take every key) ---- */

enum ui_modal_result { UI_MODAL_CANCEL = 0, UI_MODAL_OK = 1 };

/* done(ctx, result, input) runs once when the modal closes; input is the
 * typed text for prompts (wiped after done returns), NULL otherwise. */
typedef void (*ui_modal_done)(void *ctx, int result, const char *input);

/* Yes/No question; the focused (default) button is Cancel. */
int ui_confirm(struct ui *u, const char *title, const char *text, const char *ok_label,
	       ui_modal_done done, void *ctx);
/* A message with one OK button. */
int ui_alert(struct ui *u, const char *title, const char *text);
/* One-line input; secret: masked, never drawn in clear, wiped after done. */
int ui_prompt(struct ui *u, const char *title, const char *text, int secret, ui_modal_done done,
	      void *ctx);
/* A modal with a changing status and a live countdown to deadline_ms
 * (monotonic, 0: none).  The caller updates it with ui_status_modal_set and
 * closes it with ui_status_modal_close; Esc/Cancel calls done(ctx, CANCEL). */
int ui_status_modal(struct ui *u, const char *title, const char *status, int64_t deadline_ms,
		    ui_modal_done done, void *ctx, int *id);
void ui_status_modal_set(struct ui *u, int id, const char *status);
void ui_status_modal_close(struct ui *u, int id, const char *final_status);
int ui_modal_open(const struct ui *u);

/* ---- scripts and tests ---- */

/* Write the screen as text, one line per row, trailing spaces trimmed. */
int ui_dump(struct ui *u, const char *path, struct tater_err *err);

#endif
