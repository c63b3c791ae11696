/* keys.c - the action table, key names, the key map and keys.conf. */
#include <curses.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tater/text.h"
#include "ui_internal.h"

struct action_info {
	const char *name, *keys, *help;
};

static const struct action_info actions[] = {
#define UI_ACTION_INFO(e, name, keys, help) {name, keys, help},
    UI_ACTIONS(UI_ACTION_INFO)
#undef UI_ACTION_INFO
};

const char *ui_action_name(enum ui_action a)
{
	return (unsigned)a < UI_ACT__COUNT ? actions[a].name : "?";
}

const char *ui_action_help(enum ui_action a)
{
	return (unsigned)a < UI_ACT__COUNT ? actions[a].help : "";
}

enum ui_action ui_action_by_name(const char *name)
{
	for (int i = 0; i < UI_ACT__COUNT; i++)
		if (strcmp(actions[i].name, name) == 0)
			return (enum ui_action)i;
	return UI_ACT__COUNT;
}

static const struct {
	const char *name;
	int key;
} named[] = {
    {"Enter", '\n'},
    {"Esc", UI_KEY_ESC},
    {"Tab", '\t'},
    {"S-Tab", UI_KEY(KEY_BTAB)},
    {"Space", ' '},
    {"Backspace", UI_KEY(KEY_BACKSPACE)},
    {"Del", UI_KEY(KEY_DC)},
    {"Ins", UI_KEY(KEY_IC)},
    {"Up", UI_KEY(KEY_UP)},
    {"Down", UI_KEY(KEY_DOWN)},
    {"Left", UI_KEY(KEY_LEFT)},
    {"Right", UI_KEY(KEY_RIGHT)},
    {"Home", UI_KEY(KEY_HOME)},
    {"End", UI_KEY(KEY_END)},
    {"PgUp", UI_KEY(KEY_PPAGE)},
    {"PgDn", UI_KEY(KEY_NPAGE)},
};

int ui_key_is_text(int key)
{
	return key >= 0x20 && key != 0x7f && !(key & UI_KEY_FN) && !(key >= 0x80 && key < 0xa0);
}

const char *ui_key_name(int key, char buf[16])
{
	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++)
		if (named[i].key == key)
			return named[i].name;
	if ((key & UI_KEY_FN) && (key & ~UI_KEY_FN) >= KEY_F(1) &&
	    (key & ~UI_KEY_FN) <= KEY_F(12)) {
		snprintf(buf, 16, "F%d", (key & ~UI_KEY_FN) - KEY_F0);
		return buf;
	}
	if (key > 0 && key < 0x20) {
		snprintf(buf, 16, "C-%c", key + 'a' - 1);
		return buf;
	}
	if (ui_key_is_text(key)) {
		char tmp[4];
		size_t n = text_encode(key, tmp);

		/* Make sure it is safe to draw. */
		text_sanitize_buf(tmp, n, buf, 16);
		return buf;
	}
	snprintf(buf, 16, "key-%d", key & ~UI_KEY_FN);
	return buf;
}

int ui_key_parse(const char *name)
{
	int32_t cp;
	size_t len = strlen(name);

	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++)
		if (strcasecmp(named[i].name, name) == 0)
			return named[i].key;
	if ((name[0] == 'F' || name[0] == 'f') && len >= 2 && len <= 3) {
		int n = atoi(name + 1);

		if (n >= 1 && n <= 12)
			return UI_KEY(KEY_F(n));
	}
	if ((name[0] == 'C' || name[0] == 'c') && name[1] == '-' && len == 3) {
		char c = name[2];

		if (c >= 'a' && c <= 'z')
			return c - 'a' + 1;
		if (c >= 'A' && c <= 'Z')
			return c - 'A' + 1;
		return 0;
	}
	if (len > 0 && text_decode(name, len, &cp) == len && cp > 0 && ui_key_is_text(cp))
		return cp;
	return 0;
}

static int bind(struct ui_keymap *km, int key, enum ui_action a)
{
	for (int i = 0; i < km->n; i++) {
		if (km->b[i].key == key) {
			km->b[i].act = a;
			return 0;
		}
	}
	if (km->n >= UI_MAX_BINDINGS)
		return -1;
	km->b[km->n].key = key;
	km->b[km->n].act = a;
	km->n++;
	return 0;
}

void ui_keymap_defaults(struct ui_keymap *km)
{
	km->n = 0;
	for (int a = 0; a < UI_ACT__COUNT; a++) {
		char buf[64], *save = NULL, *tok;

		snprintf(buf, sizeof(buf), "%s", actions[a].keys);
		for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
			int k = ui_key_parse(tok);

			if (k)
				bind(km, k, (enum ui_action)a);
		}
	}
}

enum ui_action ui_keymap_lookup(const struct ui_keymap *km, int key)
{
	for (int i = 0; i < km->n; i++)
		if (km->b[i].key == key)
			return km->b[i].act;
	return UI_ACT_NONE;
}

void ui_keymap_keys(const struct ui_keymap *km, enum ui_action a, char *buf, size_t n)
{
	size_t len = 0;

	buf[0] = '\0';
	for (int i = 0; i < km->n && len < n; i++) {
		char nb[16];

		if (km->b[i].act != a)
			continue;
		len += (size_t)snprintf(buf + len, n - len, "%s%s", len ? " " : "",
					ui_key_name(km->b[i].key, nb));
	}
}

int ui_keymap_load(struct ui_keymap *km, const char *path, struct tater_err *err)
{
	FILE *f = fopen(path, "r");
	char line[256];
	int lineno = 0, rc = 0;

	if (!f) {
		if (errno == ENOENT)
			return 0;
		return tater_errf(err, TATER_EIO, "%s: %s", path, strerror(errno));
	}
	while (fgets(line, sizeof(line), f)) {
		char *save = NULL, *verb, *keyname, *act, *extra;
		enum ui_action a = UI_ACT_NONE;
		int key;

		lineno++;
		verb = strtok_r(line, " \t\r\n", &save);
		if (!verb || verb[0] == '#')
			continue;
		keyname = strtok_r(NULL, " \t\r\n", &save);
		act = strtok_r(NULL, " \t\r\n", &save);
		extra = strtok_r(NULL, " \t\r\n", &save);
		key = keyname ? ui_key_parse(keyname) : 0;
		if (strcmp(verb, "bind") == 0 && key && act && (!extra || extra[0] == '#')) {
			a = ui_action_by_name(act);
			if (a == UI_ACT__COUNT) {
				rc = tater_errf(err, TATER_EINVAL,
						"%s:%d: no action named \"%.40s\"", path, lineno,
						act);
				continue;
			}
		} else if (!(strcmp(verb, "unbind") == 0 && key && (!act || act[0] == '#'))) {
			rc = tater_errf(err, TATER_EINVAL,
					"%s:%d: expected \"bind KEY ACTION\" or \"unbind KEY\"",
					path, lineno);
			continue;
		}
		if (bind(km, key, a) < 0)
			rc =
			    tater_errf(err, TATER_EINVAL, "%s:%d: too many bindings", path, lineno);
	}
	fclose(f);
	return rc;
}

int ui_keys_default_path(char *buf, size_t n)
{
	const char *x = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	int r;

	if (x && x[0] == '/')
		r = snprintf(buf, n, "%s/tater/keys.conf", x);
	else if (home && home[0])
		r = snprintf(buf, n, "%s/.config/tater/keys.conf", home);
	else
		return -1;
	return (r < 0 || (size_t)r >= n) ? -1 : 0;
}

/* Man-page text needs its backslashes and leading dots/quotes escaped. */
static void man_escape(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\e", out);
		else if (*s == '-')
			fputs("\\-", out);
		else
			fputc(*s, out);
	}
}

void ui_keys_print_man(FILE *out)
{
	fputs(".SS Keys\n"
	      "Every action of the console, its default keys and what it does.\n"
	      "This list is generated from the action table of the program\n"
	      "(the same table the \\fB?\\fR help screen shows).\n",
	      out);
	for (int a = 1; a < UI_ACT__COUNT; a++) {
		fputs(".TP\n.B \"", out);
		man_escape(out, actions[a].keys[0] ? actions[a].keys : "(unbound)");
		fputs("\"\n", out);
		man_escape(out, actions[a].help);
		fputs(" (\\fI", out);
		man_escape(out, actions[a].name);
		fputs("\\fR)\n", out);
	}
	fputs(".SS Key bindings file\n"
	      "Bindings are read from \\fI$XDG_CONFIG_HOME/tater/keys.conf\\fR\n"
	      "(\\fI~/.config/tater/keys.conf\\fR when XDG_CONFIG_HOME is unset).\n"
	      "One binding per line; \\fB#\\fR starts a comment:\n"
	      ".PP\n.nf\n"
	      "bind KEY ACTION     # e.g. bind x quit, bind C-n down\n"
	      "unbind KEY          # the key does nothing\n"
	      ".fi\n.PP\n"
	      "KEY is a printable character, \\fBC\\-\\fIx\\fR (Ctrl), or one of\n"
	      "Enter, Esc, Tab, S\\-Tab, Space, Backspace, Del, Ins, Up, Down, Left, Right,\n"
	      "Home, End, PgUp, PgDn, F1\\-F12.\n"
	      "ACTION is a name from the list above.\n"
	      "Inside text fields and while filtering, printable keys are text, not actions.\n",
	      out);
}
