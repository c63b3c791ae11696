/* eval_internal.h - private to src/eval. */
#ifndef TATER_EVAL_INTERNAL_H
#define TATER_EVAL_INTERNAL_H

#include <stddef.h>

#include "tater/err.h"

/* A scope string is printable ASCII without spaces, at most 128 bytes. */
int eval_scope_ok(const char *scope, struct tater_err *err);

/* Make s one line (control characters to spaces) of at most max bytes, cut on a UTF-8
 * boundary. */
void eval_one_line(char *s, size_t max);

#endif
