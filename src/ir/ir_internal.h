/* ir_internal.h - private to src/ir. */
#ifndef TATER_IR_INTERNAL_H
#define TATER_IR_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <sqlite3.h>

#include "tater/embed.h"
#include "tater/ir.h"

/* The pre-built playbooks, embedded at build time from catalog/playbooks/. */
const struct tater_embedded *ir_builtin_files(size_t *n);

/* Body <-> JSON (the "phases" part of the file format).  where: prefix for
 * messages ("" or a file name). */
json_t *ir_body_to_json(const struct ir_body *b);
char *ir_body_dump(const struct ir_body *b); /* compact JSON, malloc'd */
int ir_body_from_json(json_t *obj, struct ir_body *out, struct tater_err *err);
int ir_body_load(const char *json, struct ir_body *out, struct tater_err *err);

/* Is s a text we accept: UTF-8 (jansson checked) with no control character
 * but, when multiline, LF and TAB? */
int ir_text_ok(const char *s, int multiline);

#endif
