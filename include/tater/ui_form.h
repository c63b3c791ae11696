/* ui_form.h - forms: text, secret, toggle, choice and notes fields.
 *
 * Tab / Shift-Tab (and Up/Down) move between fields and the Save / Cancel
 * buttons; a field is checked when focus leaves it and every field on Save,
 * and its message is drawn beside it.  Secret fields hold their text in
 * locked memory wiped on free, draw one '*' per character and never draw
 * the text itself; an existing secret is shown as "(stored)" and kept unless
 * something new is typed. */
#ifndef TATER_UI_FORM_H
#define TATER_UI_FORM_H

#include <stddef.h>

#include "tater/ui.h"

enum ui_field_kind {
	UI_FIELD_TEXT,
	UI_FIELD_SECRET,
	UI_FIELD_TOGGLE,
	UI_FIELD_CHOICE,
	UI_FIELD_NOTES,
};

struct ui_form;

/* A check: 0 when value is fine, else a short message in msg. */
typedef int (*ui_validator)(const struct ui_form *f, int field, const char *value, char *msg,
			    size_t n);

struct ui_field_def {
	const char *label;
	enum ui_field_kind kind;
	int required;
	ui_validator check;	    /* may be NULL */
	const char *const *choices; /* UI_FIELD_CHOICE: NULL-terminated */
	const char *hint;	    /* drawn dim when the field is empty */
	int maxlen;		    /* bytes; 0: 255 (notes: 4000) */
	long min, max;		    /* for ui_valid_int_range */
};

enum ui_form_result {
	UI_FORM_NONE,	/* key used, nothing to do */
	UI_FORM_SAVE,	/* Save pressed and every field valid */
	UI_FORM_CANCEL, /* Cancel or Esc: the caller asks about unsaved changes */
	UI_FORM_IGNORED,
};

struct ui_form *ui_form_new(const char *title, const struct ui_field_def *defs, int n);
void ui_form_free(struct ui_form *f);

void ui_form_draw(struct ui_form *f, struct ui_rect r);
enum ui_form_result ui_form_key(struct ui_form *f, const struct ui_event *ev);

/* Values.  Choice: the chosen string; toggle: "1"/"0". */
int ui_form_set(struct ui_form *f, int field, const char *value);
const char *ui_form_get(const struct ui_form *f, int field);
int ui_form_choice(const struct ui_form *f, int field);
/* Secret: mark that a value is stored already (blank keeps it). */
void ui_form_set_stored(struct ui_form *f, int field, int stored);
/* Secret: was something new typed? */
int ui_form_secret_changed(const struct ui_form *f, int field);
int ui_form_dirty(const struct ui_form *f);
void ui_form_clean(struct ui_form *f); /* after a save */
int ui_form_focus(const struct ui_form *f);
void ui_form_set_focus(struct ui_form *f, int field);
/* Check every field; returns how many are wrong (focus goes to the first). */
int ui_form_validate(struct ui_form *f);
/* A message beside a field from outside (a save that failed). */
void ui_form_set_error(struct ui_form *f, int field, const char *msg);
const char *ui_form_error(const struct ui_form *f, int field);
/* Hide a field (e.g. the custom URL unless cloud is custom). */
void ui_form_set_hidden(struct ui_form *f, int field, int hidden);

/* ---- validators (the rules of validate.h) ---- */
int ui_valid_guid(const struct ui_form *f, int field, const char *v, char *msg, size_t n);
int ui_valid_guid_or_domain(const struct ui_form *f, int field, const char *v, char *msg, size_t n);
/* https://host[:port][/path]; http only to loopback (a tater-sim). */
int ui_valid_https_url(const struct ui_form *f, int field, const char *v, char *msg, size_t n);
/* Between the field's min and max. */
int ui_valid_int_range(const struct ui_form *f, int field, const char *v, char *msg, size_t n);

#endif
