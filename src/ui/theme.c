/* theme.c - semantic colours over scheme tables (htop's ColorElements idea).
 *
 * The monochrome scheme uses attributes only and never starts colour, so a
 * NO_COLOR console sends no colour sequence at all. */
#include <curses.h>

#include "ui_internal.h"

struct style {
	short fg, bg; /* -1: terminal default */
	attr_t attr;
};

static const struct style color_scheme[UI_COLOR__COUNT] = {
    [UI_NORMAL] = {-1, -1, A_NORMAL},
    [UI_TITLE] = {COLOR_CYAN, -1, A_BOLD},
    [UI_TAB] = {COLOR_WHITE, COLOR_BLUE, A_NORMAL},
    [UI_TAB_ACTIVE] = {COLOR_BLACK, COLOR_CYAN, A_BOLD},
    [UI_HEADER] = {COLOR_BLACK, COLOR_GREEN, A_NORMAL},
    [UI_HEADER_SORT] = {COLOR_BLACK, COLOR_CYAN, A_BOLD},
    [UI_SELECTED] = {COLOR_BLACK, COLOR_CYAN, A_NORMAL},
    [UI_STATUS] = {COLOR_WHITE, COLOR_BLUE, A_NORMAL},
    [UI_STATUS_ERROR] = {COLOR_WHITE, COLOR_RED, A_BOLD},
    [UI_ERROR] = {COLOR_RED, -1, A_BOLD},
    [UI_WARN] = {COLOR_YELLOW, -1, A_BOLD},
    [UI_OK] = {COLOR_GREEN, -1, A_NORMAL},
    [UI_DIM] = {COLOR_BLUE, -1, A_BOLD},
    [UI_FIELD] = {-1, -1, A_UNDERLINE},
    [UI_FIELD_FOCUS] = {COLOR_BLACK, COLOR_CYAN, A_NORMAL},
    [UI_BUTTON] = {-1, -1, A_NORMAL},
    [UI_BUTTON_FOCUS] = {COLOR_BLACK, COLOR_CYAN, A_BOLD},
    [UI_MODAL] = {COLOR_WHITE, COLOR_BLACK, A_NORMAL},
    [UI_MODAL_TITLE] = {COLOR_CYAN, COLOR_BLACK, A_BOLD},
    [UI_BAR] = {COLOR_GREEN, -1, A_BOLD},
    [UI_BAR_EMPTY] = {COLOR_BLUE, -1, A_NORMAL},
};

static const struct style mono_scheme[UI_COLOR__COUNT] = {
    [UI_NORMAL] = {-1, -1, A_NORMAL},
    [UI_TITLE] = {-1, -1, A_BOLD},
    [UI_TAB] = {-1, -1, A_NORMAL},
    [UI_TAB_ACTIVE] = {-1, -1, A_REVERSE | A_BOLD},
    [UI_HEADER] = {-1, -1, A_BOLD | A_UNDERLINE},
    [UI_HEADER_SORT] = {-1, -1, A_REVERSE | A_BOLD},
    [UI_SELECTED] = {-1, -1, A_REVERSE},
    [UI_STATUS] = {-1, -1, A_REVERSE},
    [UI_STATUS_ERROR] = {-1, -1, A_REVERSE | A_BOLD},
    [UI_ERROR] = {-1, -1, A_BOLD},
    [UI_WARN] = {-1, -1, A_BOLD},
    [UI_OK] = {-1, -1, A_NORMAL},
    [UI_DIM] = {-1, -1, A_NORMAL},
    [UI_FIELD] = {-1, -1, A_UNDERLINE},
    [UI_FIELD_FOCUS] = {-1, -1, A_REVERSE},
    [UI_BUTTON] = {-1, -1, A_NORMAL},
    [UI_BUTTON_FOCUS] = {-1, -1, A_REVERSE | A_BOLD},
    [UI_MODAL] = {-1, -1, A_NORMAL},
    [UI_MODAL_TITLE] = {-1, -1, A_BOLD},
    [UI_BAR] = {-1, -1, A_BOLD},
    [UI_BAR_EMPTY] = {-1, -1, A_NORMAL},
};

static int use_mono = 1;

void ui_theme_init(int mono)
{
	use_mono = mono || !has_colors();
	if (use_mono)
		return;
	start_color();
	use_default_colors();
	for (int i = 0; i < UI_COLOR__COUNT; i++)
		init_pair((short)(i + 1), color_scheme[i].fg, color_scheme[i].bg);
}

int ui_theme_mono(void)
{
	return use_mono;
}

void ui_style(enum ui_color c)
{
	if ((unsigned)c >= UI_COLOR__COUNT)
		c = UI_NORMAL;
	/* Plain text uses pair 0, what werase fills with: the gaps between
	 * cells then match it and cost no attribute changes on the wire. */
	if (use_mono || c == UI_NORMAL)
		wattr_set(stdscr, use_mono ? mono_scheme[c].attr : color_scheme[c].attr, 0, NULL);
	else
		wattr_set(stdscr, color_scheme[c].attr, (short)(c + 1), NULL);
}
