/* embed.h - data files carried in the binary (built-in controls, playbooks, mappings).
 *
 * tools/embed.py turns a list of files into a table of these at build time, so an installed
 * tater needs no data directory.  Each table ends with {NULL, NULL}. */
#ifndef TATER_EMBED_H
#define TATER_EMBED_H

#include <stddef.h>

struct tater_embedded {
	const char *name; /* the file's base name */
	const char *text; /* its whole content */
};

#endif
