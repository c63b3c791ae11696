/* catalog.h - the controls catalog: controls as data.
 *
 * A control is one text file: a header of "-- key: value" lines, then the SQL check
 * (doc/controls.md is the user's reference).  The built-in controls are the files of
 * catalog/controls/, embedded in the binary at build time; a user's directory adds to them
 * or replaces one by id.  A catalog is read-only once loaded and may be shared between
 * threads. */
#ifndef TATER_CATALOG_H
#define TATER_CATALOG_H

#include <stddef.h>

#include "tater/embed.h"
#include "tater/err.h"

/* The frameworks a control may cite; the header key of each is catalog_framework_key(). */
enum catalog_framework {
	CATALOG_CIS_M365,
	CATALOG_SCUBA,
	CATALOG_NIST,
	CATALOG_ISO,
	CATALOG_SOC2,
	CATALOG_NFRAMEWORKS
};

/* A list of short strings (framework references, source names). */
struct catalog_list {
	char **v;
	size_t n;
};

struct control {
	char *id; /* "aad.legacy-auth-blocked" */
	char *title;
	char *severity; /* critical, high, medium, low */
	char *area;	/* "Entra ID" */
	char *group;	/* "Identity" */
	struct catalog_list refs[CATALOG_NFRAMEWORKS];
	struct catalog_list sources; /* "graph.conditionalAccessPolicies", ... */
	char *remediation;	     /* script id, or NULL for none */
	char *description;	     /* may be NULL */
	char *rationale;	     /* may be NULL */
	char *check;		     /* the SQL */
	char *origin;		     /* "built-in:<file>" or the user file's path */
	int line;		     /* line of the id in origin */
	int builtin;		     /* 1 for a built-in control not replaced by the user */
};

struct catalog;

/* Load the built-in controls, then the user's: user_dir NULL means the default directory
 * (catalog_default_dir), "" means none.  A missing user directory is not an error; a bad
 * file in it is, naming the file and line, so a typo never silently drops a control. */
int catalog_open(struct catalog **out, const char *user_dir, struct tater_err *err);

/* An empty catalog, and the steps catalog_open takes, for tests and tools. */
int catalog_new(struct catalog **out, struct tater_err *err);
int catalog_add_builtin(struct catalog *cat, struct tater_err *err);
int catalog_add_dir(struct catalog *cat, const char *dir, struct tater_err *err);
/* Parse one control file's text.  origin names it in messages.  replace: a control with the
 * same id already loaded from another source is replaced (user over built-in); otherwise
 * a duplicate id is an error. */
int catalog_add_text(struct catalog *cat, const char *origin, const char *text, int replace,
		     struct tater_err *err);
void catalog_free(struct catalog *cat);

/* $XDG_CONFIG_HOME/tater/controls, else ~/.config/tater/controls. */
int catalog_default_dir(char *buf, size_t n, struct tater_err *err);

/* Controls in a stable order (by id). */
size_t catalog_count(const struct catalog *cat);
const struct control *catalog_at(const struct catalog *cat, size_t i);
const struct control *catalog_find(const struct catalog *cat, const char *id);

/* "cis-m365", "scuba", "nist-800-53", "iso-27001", "soc2". */
const char *catalog_framework_key(enum catalog_framework fw);
/* A person's name for it: "CIS M365", "CISA SCuBA", ... */
const char *catalog_framework_label(enum catalog_framework fw);

/* Does the control cite the framework?  spec is a framework key or short alias ("cis",
 * "nist", "iso"), optionally followed by ":" and a reference prefix: "scuba:MS.AAD.3",
 * "nist:IA-2" (case-insensitive).  Returns 1, 0, or TATER_EINVAL for an unknown framework. */
int catalog_control_cites(const struct control *c, const char *spec);
/* Just validate a framework spec (for command-line errors). */
int catalog_framework_spec_ok(const char *spec, struct tater_err *err);

/* 0 critical .. 3 low; -1 for anything else.  Weight: 10, 5, 3, 1; 0 for anything else. */
int catalog_severity_rank(const char *severity);
int catalog_severity_weight(const char *severity);

/* The files embedded at build time (name is the file name in catalog/controls). */
const struct tater_embedded *catalog_builtin_files(size_t *n);

#endif
