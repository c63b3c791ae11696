/* ui_internal.h - state shared by the files of src/ui (not a contract). */
#ifndef TATER_UI_INTERNAL_H
#define TATER_UI_INTERNAL_H

#include "tater/ui.h"

#define UI_MAX_BINDINGS 256

struct ui_binding {
	int key;
	enum ui_action act;
};

struct ui_keymap {
	struct ui_binding b[UI_MAX_BINDINGS];
	int n;
};

void ui_keymap_defaults(struct ui_keymap *km);
enum ui_action ui_keymap_lookup(const struct ui_keymap *km, int key);
void ui_keymap_keys(const struct ui_keymap *km, enum ui_action a, char *buf, size_t n);
int ui_keymap_load(struct ui_keymap *km, const char *path, struct tater_err *err);

const struct ui_keymap *ui_keymap_of(const struct ui *u);

/* theme.c */
void ui_theme_init(int mono);
int ui_theme_mono(void);

#endif
