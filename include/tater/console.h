/* console.h - the interactive console: entry point called by main.c. */
#ifndef TATER_CONSOLE_H
#define TATER_CONSOLE_H

#include "tater/err.h"

struct console_opts {
	const char *store_path; /* resolved path of the store (created if missing) */
	const char *key_file;   /* passphrase file for the vault, or NULL */
	int readonly;           /* --readonly: every change refused at one chokepoint */
	int no_color;           /* --no-color or NO_COLOR set */
	int no_mouse;           /* --no-mouse */
	int arrow_cursor;       /* --arrow-cursor or TATER_ARROW_CURSOR set */
	const char *script;     /* --script FILE: keys and commands from a file (tests) */
	const char *banner;     /* a line for the status bar at start (the demo says so), or NULL */
};

/* Run the console until the user quits.  Returns 0, or a negative code with
 * err filled (printed by main after the terminal is restored). */
int console_run(const struct console_opts *o, struct tater_err *err);

#endif
