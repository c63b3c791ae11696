/* test_ui.c - the widgets: row set, table, form, key map, drawn into a
 * virtual terminal (newterm on /dev/null) and read back as text. */
#include <curses.h>
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <cmocka.h>

#include "tater/text.h"
#include "tater/ui.h"
#include "tater/ui_form.h"
#include "tater/ui_table.h"

static SCREEN *scr;
static FILE *fout, *fin;

static int term_up(void **state)
{
	(void)state;
	setlocale(LC_ALL, "C.UTF-8");
	setenv("LINES", "24", 1);
	setenv("COLUMNS", "80", 1);
	fout = fopen("/dev/null", "w");
	fin = fopen("/dev/null", "r");
	scr = newterm("xterm-256color", fout, fin);
	assert_non_null(scr);
	set_term(scr);
	return 0;
}

static int term_down(void **state)
{
	(void)state;
	endwin();
	delscreen(scr);
	fclose(fout);
	fclose(fin);
	return 0;
}

/* Row y of the virtual screen as UTF-8, trailing spaces trimmed. */
static void screen_line(int y, char *out, size_t n)
{
	wchar_t w[512];
	size_t o = 0;
	mbstate_t st;
	int k = mvwinnwstr(stdscr, y, 0, w, COLS);

	memset(&st, 0, sizeof(st));
	for (int i = 0; k > 0 && i < k && w[i]; i++) {
		char mb[8];
		size_t m = wcrtomb(mb, w[i], &st);

		if (m == (size_t)-1 || o + m >= n)
			break;
		memcpy(out + o, mb, m);
		o += m;
	}
	while (o > 0 && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
}

static struct ui_event key(int k)
{
	struct ui_event ev = {0};

	ev.key = k;
	switch (k) {
	case 'j':
		ev.act = UI_ACT_DOWN;
		break;
	case 'k':
		ev.act = UI_ACT_UP;
		break;
	case 'G':
		ev.act = UI_ACT_BOTTOM;
		break;
	case 's':
		ev.act = UI_ACT_SORT;
		break;
	case 'l':
		ev.act = UI_ACT_RIGHT;
		break;
	case '/':
		ev.act = UI_ACT_FILTER;
		break;
	case UI_KEY_ESC:
		ev.act = UI_ACT_BACK;
		break;
	default:
		break;
	}
	return ev;
}

static void type(struct ui_table *t, const char *s)
{
	for (; *s; s++) {
		struct ui_event ev = key(*s);

		ui_table_key(t, &ev);
	}
}

static void test_rowset_sanitises_filters_sorts(void **state)
{
	struct ui_rowset *rs = ui_rowset_new(2);
	struct ui_table_source src;
	const char *r1[] = {"10", "evil\x1b[2J"}, *r2[] = {"9", "Alpha"}, *r3[] = {"100", "beta"};

	(void)state;
	ui_rowset_add(rs, r1);
	ui_rowset_add(rs, r2);
	ui_rowset_add(rs, r3);
	assert_string_equal(ui_rowset_cell(rs, 0, 1), "evil\\e[2J");
	ui_rowset_source(rs, &src);
	src.query(src.ctx, "", 0, 0); /* numeric sort: 9 10 100 */
	assert_string_equal(src.row(src.ctx, 0)[0], "9");
	assert_string_equal(src.row(src.ctx, 2)[0], "100");
	src.query(src.ctx, "", 1, 1); /* text, descending, case-blind */
	assert_string_equal(src.row(src.ctx, 0)[1], "evil\\e[2J");
	assert_string_equal(src.row(src.ctx, 2)[1], "Alpha");
	src.query(src.ctx, "A", 1, 1); /* Alpha, beta: case-blind match */
	assert_int_equal(src.count(src.ctx), 2);
	src.query(src.ctx, "al", 1, 1); /* narrows */
	assert_int_equal(src.count(src.ctx), 1);
	src.query(src.ctx, "a", 1, 1); /* widens again */
	assert_int_equal(src.count(src.ctx), 2);
	/* A filter cannot match across two cells. */
	src.query(src.ctx, "9alpha", -1, 0);
	assert_int_equal(src.count(src.ctx), 0);
	ui_rowset_free(rs);
}

static void test_table_moves_filters_and_draws(void **state)
{
	static const struct ui_column cols[] = {{"Name", 10, 1, 0}, {"City", 8, 1, 0}};
	struct ui_table *t = ui_table_new(cols, 2);
	struct ui_rowset *rs = ui_rowset_new(2);
	struct ui_table_source src;
	char line[1024];
	int x1 = -1, x2 = -1;

	(void)state;
	for (int i = 0; i < 100000; i++) {
		char name[32];
		const char *cells[2] = {name, i == 7 ? "\xe6\x9d\xb1\xe4\xba\xac\xf0\x9f\x94\x92"
						     : "Paris"};

		snprintf(name, sizeof(name), "row-%06d", i);
		ui_rowset_add(rs, cells);
	}
	ui_rowset_source(rs, &src);
	ui_table_set_source(t, &src);
	assert_int_equal(ui_table_count(t), 100000);
	{
		struct ui_event e = key('G');

		ui_table_key(t, &e);
	}
	assert_int_equal(ui_table_selected(t), 99999);
	{
		struct ui_event e = key('/');

		ui_table_key(t, &e);
	}
	assert_true(ui_table_filtering(t));
	type(t, "row-00000"); /* j and k are text while filtering */
	assert_int_equal(ui_table_count(t), 10);
	type(t, "7");
	assert_int_equal(ui_table_count(t), 1);
	{
		struct ui_event e = key(UI_KEY_ESC);

		ui_table_key(t, &e);
	}
	assert_false(ui_table_filtering(t));
	assert_int_equal(ui_table_count(t), 100000);

	/* Rows 6..8 on screen: the wide cell must not push the next column. */
	ui_table_select(t, 8);
	werase(stdscr);
	ui_table_draw(t, (struct ui_rect){0, 0, 5, 40}, 1);
	for (int y = 1; y <= 3; y++) {
		screen_line(y, line, sizeof(line));
		if (strstr(line, "row-000007")) {
			assert_non_null(strstr(line, "\xe6\x9d\xb1\xe4\xba\xac"));
		}
	}
	/* Column 2 starts at the same cell on every row. */
	for (int y = 1; y <= 3; y++) {
		cchar_t c;
		wchar_t wc[4];
		attr_t a;
		short p;

		for (int x = 0; x < 40; x++) {
			mvwin_wch(stdscr, y, x, &c);
			getcchar(&c, wc, &a, &p, NULL);
			if (wc[0] == L'P' || wc[0] == 0x6771) { /* Paris or 東 */
				if (y == 1)
					x1 = x;
				else
					x2 = x;
				break;
			}
		}
		if (y > 1)
			assert_int_equal(x1, x2);
	}
	ui_table_free(t);
	ui_rowset_free(rs);
}

static const struct ui_field_def defs[] = {
    {"Name", UI_FIELD_TEXT, 1, NULL, NULL, NULL, 0, 0, 0},
    {"Client ID", UI_FIELD_TEXT, 1, ui_valid_guid, NULL, NULL, 0, 0, 0},
    {"Secret", UI_FIELD_SECRET, 1, NULL, NULL, NULL, 0, 0, 0},
    {"Days", UI_FIELD_TEXT, 1, ui_valid_int_range, NULL, NULL, 0, 1, 3650},
    {"URL", UI_FIELD_TEXT, 0, ui_valid_https_url, NULL, NULL, 0, 0, 0},
};

static void form_type(struct ui_form *f, const char *s)
{
	for (; *s; s++) {
		struct ui_event ev = {0};

		ev.key = (unsigned char)*s;
		ui_form_key(f, &ev);
	}
}

static enum ui_form_result form_key(struct ui_form *f, int k)
{
	struct ui_event ev = {0};

	ev.key = k;
	return ui_form_key(f, &ev);
}

static void test_form_validates_and_masks(void **state)
{
	struct ui_form *f = ui_form_new("Test", defs, 5);
	char line[1024];
	int found_secret = 0, found_msg = 0;

	(void)state;
	assert_false(ui_form_dirty(f));
	form_type(f, "Contoso");
	form_key(f, '\t');
	form_type(f, "not-a-guid");
	form_key(f, '\t'); /* leaving the field checks it */
	assert_string_not_equal(ui_form_error(f, 1), "");
	form_type(f, "hunter2-secret");
	form_key(f, '\t');
	form_key(f, UI_KEY(KEY_BACKSPACE));
	form_type(f, "0"); /* Days: 0 is out of range */
	form_key(f, '\t');
	form_type(f, "http://example.com");
	assert_true(ui_form_dirty(f));
	assert_true(ui_form_secret_changed(f, 2));
	/* Save refuses while anything is wrong and focuses the first problem. */
	ui_form_set_focus(f, 5);
	assert_int_equal(form_key(f, '\n'), UI_FORM_NONE);
	assert_int_equal(ui_form_focus(f), 1);
	assert_string_not_equal(ui_form_error(f, 3), "");
	assert_string_not_equal(ui_form_error(f, 4), "");

	werase(stdscr);
	ui_form_draw(f, (struct ui_rect){0, 0, 20, 80});
	for (int y = 0; y < 20; y++) {
		screen_line(y, line, sizeof(line));
		if (strstr(line, "hunter2"))
			found_secret = 1;
		if (strstr(line, "GUID"))
			found_msg = 1;
	}
	assert_false(found_secret); /* never drawn in clear */
	assert_true(found_msg);	    /* the message is on screen */

	ui_form_set(f, 1, "11111111-2222-3333-4444-555555555555");
	ui_form_set(f, 3, "90");
	ui_form_set(f, 4, "http://127.0.0.1:8080");
	ui_form_set_focus(f, 5);
	assert_int_equal(form_key(f, '\n'), UI_FORM_SAVE);
	assert_int_equal(form_key(f, UI_KEY_ESC), UI_FORM_CANCEL);
	ui_form_free(f);
}

static void test_keys_names_and_man(void **state)
{
	char buf[16];
	FILE *man;
	char *text;
	size_t len;

	(void)state;
	assert_int_equal(ui_key_parse("C-d"), 4);
	assert_int_equal(ui_key_parse("Enter"), '\n');
	assert_int_equal(ui_key_parse("S-Tab"), UI_KEY(KEY_BTAB));
	assert_string_equal(ui_key_name(UI_KEY(KEY_F(5)), buf), "F5");
	assert_string_equal(ui_key_name(4, buf), "C-d");
	assert_int_equal(ui_key_parse("nonsense"), 0);
	assert_int_equal(ui_action_by_name("filter"), UI_ACT_FILTER);

	man = tmpfile();
	ui_keys_print_man(man);
	len = (size_t)ftell(man);
	rewind(man);
	text = calloc(1, len + 1);
	assert_int_equal(fread(text, 1, len, man), len);
	fclose(man);
	for (int a = 1; a < UI_ACT__COUNT; a++) {
		/* man-escaped: "-" is "\-" */
		char want[64];
		size_t o2 = 0;

		for (const char *p = ui_action_name((enum ui_action)a); *p && o2 < sizeof(want) - 3;
		     p++) {
			if (*p == '-')
				want[o2++] = '\\';
			want[o2++] = *p;
		}
		want[o2] = '\0';
		assert_non_null(strstr(text, want));
	}
	assert_non_null(strstr(text, "keys.conf"));
	free(text);
}

/* Text cut by its width says so with an ellipsis in the last cell; blanks left out do not
 * count, a wide character is never split, and the text is sanitised first. */
static void test_text_cut_shows_ellipsis(void **state)
{
	char line[256];

	(void)state;
	erase();
	assert_int_equal(ui_text(0, 0, 10, UI_NORMAL, "abcdefghijkl"), 10);
	screen_line(0, line, sizeof(line));
	assert_string_equal(line, "abcdefghi\xe2\x80\xa6");
	assert_int_equal(ui_text(1, 0, 10, UI_NORMAL, "abcdefghij"), 10); /* fits exactly */
	screen_line(1, line, sizeof(line));
	assert_string_equal(line, "abcdefghij");
	ui_text(2, 0, 5, UI_NORMAL, "abc      ");
	screen_line(2, line, sizeof(line));
	assert_string_equal(line, "abc");
	/* Two-cell characters: four cells hold one and the ellipsis (never half of one). */
	ui_text(3, 0, 4, UI_NORMAL, "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e");
	screen_line(3, line, sizeof(line));
	assert_string_equal(line, "\xe6\x97\xa5\xe2\x80\xa6");
	ui_text(4, 0, 8, UI_NORMAL, "a\x1b[2Jbcdefgh");
	screen_line(4, line, sizeof(line));
	assert_string_equal(line, "a\\e[2Jb\xe2\x80\xa6");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rowset_sanitises_filters_sorts),
	    cmocka_unit_test(test_table_moves_filters_and_draws),
	    cmocka_unit_test(test_form_validates_and_masks),
	    cmocka_unit_test(test_keys_names_and_man),
	    cmocka_unit_test(test_text_cut_shows_ellipsis),
	};

	return cmocka_run_group_tests(tests, term_up, term_down);
}
