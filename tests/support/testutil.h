/* testutil.h - small helpers shared by the tests. */
#ifndef TATER_TESTUTIL_H
#define TATER_TESTUTIL_H

#include <stddef.h>
#include <sys/types.h>

/* A fresh directory under $TMPDIR (or /tmp), removed by tu_rmtree. */
char *tu_tmpdir(const char *tag);
void tu_rmtree(const char *path);

/* path = dir + "/" + name, malloc'd. */
char *tu_path(const char *dir, const char *name);

/* Write a file with the given mode. */
void tu_write_file(const char *path, const char *content, mode_t mode);
/* Read a whole file (malloc'd, NUL-terminated); NULL if missing. */
char *tu_read_file(const char *path, size_t *len);

/* Run argv (argv[0] a path) with optional stdin text and extra environment
 * ("NAME=value" strings, NULL-terminated; may be NULL).  Captures stdout and
 * stderr (malloc'd) and returns the exit status (128+signal if killed). */
int tu_run(char *const argv[], const char *stdin_text, char *const extra_env[], char **out,
	   char **errout);

/* The binary named by an environment variable ($TATER_BIN, $TATER_SIM). */
const char *tu_bin(const char *envname);

/* Does haystack contain needle? (for assertion messages) */
int tu_contains(const char *haystack, const char *needle);

/* A store created at dir/name, dir a fresh tu_tmpdir(tag); *dir and *path are
 * malloc'd.  Fails the test if the store cannot be created. */
struct store;
struct store *tu_store_new(const char *tag, const char *name, char **dir, char **path);
/* Close the store, remove dir and free dir and path. */
void tu_store_free(struct store *s, char *dir, char *path);

#endif
