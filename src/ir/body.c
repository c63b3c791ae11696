/* body.c - playbook bodies: phases and steps, editing, validation, the file
 * format (parse and produce) and the line diff between two revisions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "ir_internal.h"
#include "tater/strbuf.h"
#include "tater/validate.h"

static const char *const phase_names[IR_PHASES] = {
    "Detection & Analysis", "Containment", "Eradication", "Recovery", "Post-Incident",
};
static const char *const phase_keys[IR_PHASES] = {
    "detection", "containment", "eradication", "recovery", "post_incident",
};

const char *ir_phase_name(int phase)
{
	return phase >= 0 && phase < IR_PHASES ? phase_names[phase] : "?";
}

const char *ir_phase_key(int phase)
{
	return phase >= 0 && phase < IR_PHASES ? phase_keys[phase] : "?";
}

int ir_phase_parse(const char *s)
{
	if (!s)
		return -1;
	if (s[0] >= '1' && s[0] <= '5' && s[1] == '\0')
		return s[0] - '1';
	for (int i = 0; i < IR_PHASES; i++)
		if (!strcasecmp(s, phase_keys[i]) || !strcasecmp(s, phase_names[i]))
			return i;
	/* Spellings people type: "post-incident", "detection-and-analysis". */
	if (!strcasecmp(s, "post-incident") || !strcasecmp(s, "post"))
		return IR_PHASE_POST_INCIDENT;
	if (!strcasecmp(s, "detection-and-analysis") || !strcasecmp(s, "analysis"))
		return IR_PHASE_DETECTION;
	return -1;
}

int ir_text_ok(const char *s, int multiline)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (multiline && (*p == '\n' || *p == '\t'))
			continue;
		if (*p < 0x20 || *p == 0x7f)
			return 0;
		/* C1 controls arrive as U+0080-U+009F: 0xC2 0x80-0x9F. */
		if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			return 0;
	}
	return 1;
}

/* ---- the in-memory body ---- */

void ir_body_init(struct ir_body *b)
{
	memset(b, 0, sizeof(*b));
}

static void step_free(struct ir_step *st)
{
	free(st->title);
	free(st->detail);
	free(st->evidence);
	memset(st, 0, sizeof(*st));
}

void ir_body_free(struct ir_body *b)
{
	if (!b)
		return;
	for (int p = 0; p < IR_PHASES; p++) {
		for (size_t i = 0; i < b->phase[p].n; i++)
			step_free(&b->phase[p].steps[i]);
		free(b->phase[p].steps);
	}
	free(b->description);
	ir_body_init(b);
}

static char *dup_or_null(const char *s)
{
	return s && *s ? strdup(s) : NULL;
}

/* Fill st from the texts; 0 or TATER_ENOMEM.  st is left empty on failure. */
static int step_fill(struct ir_step *st, const char *title, const char *detail,
		     const char *evidence)
{
	memset(st, 0, sizeof(*st));
	st->title = strdup(title ? title : "");
	st->detail = dup_or_null(detail);
	st->evidence = dup_or_null(evidence);
	if (!st->title || (detail && *detail && !st->detail) ||
	    (evidence && *evidence && !st->evidence)) {
		step_free(st);
		return TATER_ENOMEM;
	}
	return 0;
}

int ir_body_copy(struct ir_body *dst, const struct ir_body *src, struct tater_err *err)
{
	ir_body_init(dst);
	if (src->description && !(dst->description = strdup(src->description)))
		goto nomem;
	for (int p = 0; p < IR_PHASES; p++) {
		for (size_t i = 0; i < src->phase[p].n; i++) {
			const struct ir_step *st = &src->phase[p].steps[i];

			if (ir_body_step_add(dst, p, dst->phase[p].n, st->title, st->detail,
					     st->evidence, err) < 0) {
				ir_body_free(dst);
				return err ? err->code : TATER_ENOMEM;
			}
		}
	}
	return 0;
nomem:
	ir_body_free(dst);
	return tater_errf(err, TATER_ENOMEM, "out of memory");
}

static int check_phase(int phase, struct tater_err *err)
{
	if (phase < 0 || phase >= IR_PHASES)
		return tater_errf(err, TATER_EINVAL, "no phase %d (phases are 1 to %d)", phase + 1,
				  IR_PHASES);
	return 0;
}

int ir_body_step_add(struct ir_body *b, int phase, size_t at, const char *title, const char *detail,
		     const char *evidence, struct tater_err *err)
{
	struct ir_step *grown, st;
	size_t n;

	if (check_phase(phase, err) < 0)
		return TATER_EINVAL;
	n = b->phase[phase].n;
	if (n >= IR_STEPS_MAX)
		return tater_errf(err, TATER_EINVAL,
				  "%s already has %d steps, the most a phase holds",
				  ir_phase_name(phase), IR_STEPS_MAX);
	if (at > n)
		at = n;
	if (step_fill(&st, title, detail, evidence) < 0)
		return tater_errf(err, TATER_ENOMEM, "out of memory");
	grown = realloc(b->phase[phase].steps, (n + 1) * sizeof(*grown));
	if (!grown) {
		step_free(&st);
		return tater_errf(err, TATER_ENOMEM, "out of memory");
	}
	memmove(&grown[at + 1], &grown[at], (n - at) * sizeof(*grown));
	grown[at] = st;
	b->phase[phase].steps = grown;
	b->phase[phase].n = n + 1;
	return 0;
}

static int check_step(const struct ir_body *b, int phase, size_t idx, struct tater_err *err)
{
	if (check_phase(phase, err) < 0)
		return TATER_EINVAL;
	if (idx >= b->phase[phase].n)
		return tater_errf(err, TATER_EINVAL, "%s has no step %zu", ir_phase_name(phase),
				  idx + 1);
	return 0;
}

int ir_body_step_set(struct ir_body *b, int phase, size_t idx, const char *title,
		     const char *detail, const char *evidence, struct tater_err *err)
{
	struct ir_step st;

	if (check_step(b, phase, idx, err) < 0)
		return TATER_EINVAL;
	if (step_fill(&st, title, detail, evidence) < 0)
		return tater_errf(err, TATER_ENOMEM, "out of memory");
	step_free(&b->phase[phase].steps[idx]);
	b->phase[phase].steps[idx] = st;
	return 0;
}

int ir_body_step_remove(struct ir_body *b, int phase, size_t idx, struct tater_err *err)
{
	struct ir_step *v;

	if (check_step(b, phase, idx, err) < 0)
		return TATER_EINVAL;
	v = b->phase[phase].steps;
	step_free(&v[idx]);
	memmove(&v[idx], &v[idx + 1], (b->phase[phase].n - idx - 1) * sizeof(*v));
	b->phase[phase].n--;
	return 0;
}

int ir_body_step_move(struct ir_body *b, int phase, size_t idx, int to_phase, size_t to_idx,
		      struct tater_err *err)
{
	struct ir_step st;
	int ret;

	if (check_step(b, phase, idx, err) < 0 || check_phase(to_phase, err) < 0)
		return TATER_EINVAL;
	if (to_phase != phase && b->phase[to_phase].n >= IR_STEPS_MAX)
		return tater_errf(err, TATER_EINVAL,
				  "%s already has %d steps, the most a phase holds",
				  ir_phase_name(to_phase), IR_STEPS_MAX);
	/* Take it out by hand (no free), then add a copy at the new place. */
	st = b->phase[phase].steps[idx];
	if ((ret = ir_body_step_add(b, to_phase, b->phase[to_phase].n, st.title, st.detail,
				    st.evidence, err)) < 0)
		return ret;
	ir_body_step_remove(b, phase, idx, NULL);
	/* The copy is last in to_phase; move it to to_idx. */
	{
		size_t n = b->phase[to_phase].n, from = n - 1;
		struct ir_step *v = b->phase[to_phase].steps, moved = v[from];

		if (to_idx > from)
			to_idx = from;
		memmove(&v[to_idx + 1], &v[to_idx], (from - to_idx) * sizeof(*v));
		v[to_idx] = moved;
	}
	return 0;
}

static int check_text(const char *what, int phase, size_t step, const char *s, size_t max,
		      int multiline, struct tater_err *err)
{
	char where[48] = "";

	if (phase >= 0)
		snprintf(where, sizeof(where), "phase %d step %zu: ", phase + 1, step + 1);
	if (!s)
		return 0;
	if (strlen(s) > max)
		return tater_errf(err, TATER_EFORMAT, "%s%s is too long (%zu bytes; at most %zu)",
				  where, what, strlen(s), max);
	if (!ir_text_ok(s, multiline))
		return tater_errf(err, TATER_EFORMAT, "%s%s holds a control character", where,
				  what);
	return 0;
}

int ir_body_validate(const struct ir_body *b, struct tater_err *err)
{
	if (check_text("description", -1, 0, b->description, IR_TEXT_MAX, 1, err) < 0)
		return TATER_EFORMAT;
	for (int p = 0; p < IR_PHASES; p++) {
		if (b->phase[p].n == 0)
			return tater_errf(err, TATER_EFORMAT, "phase %d (%s): has no steps", p + 1,
					  ir_phase_name(p));
		if (b->phase[p].n > IR_STEPS_MAX)
			return tater_errf(err, TATER_EFORMAT,
					  "phase %d (%s): %zu steps, at most %d", p + 1,
					  ir_phase_name(p), b->phase[p].n, IR_STEPS_MAX);
		for (size_t i = 0; i < b->phase[p].n; i++) {
			const struct ir_step *st = &b->phase[p].steps[i];
			const char *t = st->title;

			while (t && (*t == ' ' || *t == '\t'))
				t++;
			if (!t || !*t)
				return tater_errf(err, TATER_EFORMAT,
						  "phase %d step %zu: title is missing", p + 1,
						  i + 1);
			if (check_text("title", p, i, st->title, IR_TITLE_MAX, 0, err) < 0 ||
			    check_text("detail", p, i, st->detail, IR_TEXT_MAX, 1, err) < 0 ||
			    check_text("evidence", p, i, st->evidence, IR_TEXT_MAX, 1, err) < 0)
				return TATER_EFORMAT;
		}
	}
	return 0;
}

/* ---- JSON ---- */

json_t *ir_body_to_json(const struct ir_body *b)
{
	json_t *phases = json_array();

	for (int p = 0; p < IR_PHASES; p++) {
		json_t *steps = json_array();

		for (size_t i = 0; i < b->phase[p].n; i++) {
			const struct ir_step *st = &b->phase[p].steps[i];
			json_t *o = json_object();

			json_object_set_new(o, "title", json_string(st->title ? st->title : ""));
			if (st->detail)
				json_object_set_new(o, "detail", json_string(st->detail));
			if (st->evidence)
				json_object_set_new(o, "evidence", json_string(st->evidence));
			json_array_append_new(steps, o);
		}
		json_array_append_new(
		    phases, json_pack("{s:s, s:o}", "phase", phase_names[p], "steps", steps));
	}
	return phases;
}

char *ir_body_dump(const struct ir_body *b)
{
	json_t *o = json_object();
	char *s;

	if (b->description)
		json_object_set_new(o, "description", json_string(b->description));
	json_object_set_new(o, "phases", ir_body_to_json(b));
	s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	return s;
}

/* A string member: 0 with *out (borrowed) or NULL when absent; TATER_EFORMAT
 * when present but not a string. */
static int str_member(json_t *o, const char *key, const char **out, const char *where,
		      struct tater_err *err)
{
	json_t *v = json_object_get(o, key);

	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return tater_errf(err, TATER_EFORMAT, "%s%s must be a string", where, key);
	*out = json_string_value(v);
	return 0;
}

static int unknown_keys(json_t *o, const char *const *known, const char *where,
			struct tater_err *err)
{
	const char *key;
	json_t *v;

	json_object_foreach(o, key, v)
	{
		int ok = 0;

		for (const char *const *k = known; *k; k++)
			ok |= !strcmp(key, *k);
		if (!ok) {
			char *safe = strndup(key, 40);
			int ret;

			/* Quote only what is printable: the message reaches a terminal. */
			for (char *c = safe; c && *c; c++)
				if ((unsigned char)*c < 0x20 || *c == 0x7f)
					*c = '?';
			ret = tater_errf(err, TATER_EFORMAT, "%sunknown field \"%s\"", where,
					 safe ? safe : "?");
			free(safe);
			return ret;
		}
	}
	return 0;
}

int ir_body_from_json(json_t *obj, struct ir_body *out, struct tater_err *err)
{
	static const char *const step_keys[] = {"title", "detail", "evidence", NULL};
	static const char *const phase_keys_ok[] = {"phase", "steps", NULL};
	json_t *phases = json_object_get(obj, "phases");
	const char *desc;
	int ret;

	ir_body_init(out);
	if ((ret = str_member(obj, "description", &desc, "", err)) < 0)
		return ret;
	if (desc && *desc && !(out->description = strdup(desc)))
		return tater_errf(err, TATER_ENOMEM, "out of memory");
	if (!phases) {
		ret = tater_errf(err, TATER_EFORMAT, "phases is missing");
		goto fail;
	}
	if (!json_is_array(phases) || json_array_size(phases) != IR_PHASES) {
		ret = tater_errf(err, TATER_EFORMAT,
				 "phases must list the %d phases in order (Detection & Analysis, "
				 "Containment, Eradication, Recovery, Post-Incident); found %zu",
				 IR_PHASES, json_is_array(phases) ? json_array_size(phases) : 0);
		goto fail;
	}
	for (int p = 0; p < IR_PHASES; p++) {
		json_t *ph = json_array_get(phases, (size_t)p), *steps;
		const char *name;
		char where[48];

		snprintf(where, sizeof(where), "phase %d: ", p + 1);
		if (!json_is_object(ph)) {
			ret = tater_errf(err, TATER_EFORMAT, "phase %d: must be an object", p + 1);
			goto fail;
		}
		if ((ret = unknown_keys(ph, phase_keys_ok, where, err)) < 0 ||
		    (ret = str_member(ph, "phase", &name, where, err)) < 0)
			goto fail;
		if (!name) {
			ret = tater_errf(err, TATER_EFORMAT, "phase %d: phase is missing (\"%s\")",
					 p + 1, phase_names[p]);
			goto fail;
		}
		if (ir_phase_parse(name) != p) {
			ret = tater_errf(err, TATER_EFORMAT,
					 "phase %d: expected \"%s\" here (phases come in order)",
					 p + 1, phase_names[p]);
			goto fail;
		}
		steps = json_object_get(ph, "steps");
		if (!json_is_array(steps) || json_array_size(steps) == 0) {
			ret = tater_errf(
			    err, TATER_EFORMAT, "phase %d (%s): steps %s", p + 1, phase_names[p],
			    json_is_array(steps) ? "is empty" : "is missing or not a list");
			goto fail;
		}
		if (json_array_size(steps) > IR_STEPS_MAX) {
			ret =
			    tater_errf(err, TATER_EFORMAT, "phase %d (%s): %zu steps, at most %d",
				       p + 1, phase_names[p], json_array_size(steps), IR_STEPS_MAX);
			goto fail;
		}
		for (size_t i = 0; i < json_array_size(steps); i++) {
			json_t *st = json_array_get(steps, i);
			const char *title, *detail, *evidence;

			snprintf(where, sizeof(where), "phase %d step %zu: ", p + 1, i + 1);
			if (!json_is_object(st)) {
				ret = tater_errf(err, TATER_EFORMAT, "%smust be an object", where);
				goto fail;
			}
			if ((ret = unknown_keys(st, step_keys, where, err)) < 0 ||
			    (ret = str_member(st, "title", &title, where, err)) < 0 ||
			    (ret = str_member(st, "detail", &detail, where, err)) < 0 ||
			    (ret = str_member(st, "evidence", &evidence, where, err)) < 0)
				goto fail;
			if (!title || !*title) {
				ret = tater_errf(err, TATER_EFORMAT, "%stitle is missing", where);
				goto fail;
			}
			if ((ret = ir_body_step_add(out, p, out->phase[p].n, title, detail,
						    evidence, err)) < 0)
				goto fail;
		}
	}
	if ((ret = ir_body_validate(out, err)) < 0)
		goto fail;
	return 0;
fail:
	ir_body_free(out);
	return ret;
}

int ir_body_load(const char *json, struct ir_body *out, struct tater_err *err)
{
	json_error_t je;
	json_t *o = json_loads(json, 0, &je);
	int ret;

	if (!o) {
		ir_body_init(out);
		return tater_errf(err, TATER_EFORMAT, "a stored revision is not valid JSON: %s",
				  je.text);
	}
	ret = ir_body_from_json(o, out, err);
	json_decref(o);
	return ret;
}

/* ---- the file ---- */

void ir_file_free(struct ir_file *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->n_alert_types; i++)
		free(f->alert_types[i]);
	free(f->alert_types);
	ir_body_free(&f->body);
	memset(f, 0, sizeof(*f));
}

static int valid_slug(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 63 || !(s[0] >= 'a' && s[0] <= 'z'))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return 0;
	return 1;
}

static int copy_field(char *dst, size_t n, const char *v, const char *key, int required,
		      struct tater_err *err)
{
	dst[0] = '\0';
	if (!v || !*v) {
		if (required)
			return tater_errf(err, TATER_EFORMAT, "%s is missing", key);
		return 0;
	}
	if (strlen(v) >= n)
		return tater_errf(err, TATER_EFORMAT, "%s is too long (at most %zu bytes)", key,
				  n - 1);
	if (!ir_text_ok(v, 0))
		return tater_errf(err, TATER_EFORMAT, "%s holds a control character", key);
	memcpy(dst, v, strlen(v) + 1);
	return 0;
}

int ir_file_parse(const char *json, size_t len, struct ir_file *out, struct tater_err *err)
{
	static const char *const keys[] = {"format",	  "slug",  "name",	 "incident_type",
					   "description", "owner", "review_due", "alert_types",
					   "phases",	  NULL};
	const char *format, *slug, *name, *type, *owner, *due;
	json_error_t je;
	json_t *o, *types;
	char msg[128];
	int ret;

	memset(out, 0, sizeof(*out));
	o = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je);
	if (!o)
		return tater_errf(err, TATER_EFORMAT, "not valid JSON: line %d column %d: %s",
				  je.line, je.column, je.text);
	if (!json_is_object(o)) {
		ret = tater_errf(err, TATER_EFORMAT, "a playbook file holds one JSON object");
		goto out;
	}
	if ((ret = unknown_keys(o, keys, "", err)) < 0 ||
	    (ret = str_member(o, "format", &format, "", err)) < 0 ||
	    (ret = str_member(o, "slug", &slug, "", err)) < 0 ||
	    (ret = str_member(o, "name", &name, "", err)) < 0 ||
	    (ret = str_member(o, "incident_type", &type, "", err)) < 0 ||
	    (ret = str_member(o, "owner", &owner, "", err)) < 0 ||
	    (ret = str_member(o, "review_due", &due, "", err)) < 0)
		goto out;
	if (!format || strcmp(format, "tater-playbook/1") != 0) {
		ret = tater_errf(err, TATER_EFORMAT,
				 "format must be \"tater-playbook/1\" (is this a tater playbook?)");
		goto out;
	}
	if (!slug || !valid_slug(slug)) {
		ret = tater_errf(err, TATER_EFORMAT,
				 "slug %s: lowercase letters, digits and '-', starting with a "
				 "letter, at most 63",
				 slug ? "is not valid" : "is missing");
		goto out;
	}
	snprintf(out->slug, sizeof(out->slug), "%s", slug);
	if ((ret = copy_field(out->name, sizeof(out->name), name, "name", 1, err)) < 0 ||
	    (ret = copy_field(out->incident_type, sizeof(out->incident_type), type, "incident_type",
			      1, err)) < 0 ||
	    (ret = copy_field(out->owner, sizeof(out->owner), owner, "owner", 0, err)) < 0 ||
	    (ret = copy_field(out->review_due, sizeof(out->review_due), due, "review_due", 0,
			      err)) < 0)
		goto out;
	if (out->review_due[0] && valid_date(out->review_due, msg, sizeof(msg)) < 0) {
		ret = tater_errf(err, TATER_EFORMAT, "review_due: %s", msg);
		goto out;
	}
	types = json_object_get(o, "alert_types");
	if (types && !json_is_null(types)) {
		size_t i;
		json_t *t;

		if (!json_is_array(types)) {
			ret = tater_errf(err, TATER_EFORMAT, "alert_types must be a list of names");
			goto out;
		}
		out->alert_types = calloc(json_array_size(types) + 1, sizeof(char *));
		if (!out->alert_types) {
			ret = tater_errf(err, TATER_ENOMEM, "out of memory");
			goto out;
		}
		json_array_foreach(types, i, t)
		{
			const char *v = json_string_value(t);

			if (!v || !*v || strlen(v) > 63 || !ir_text_ok(v, 0)) {
				ret = tater_errf(err, TATER_EFORMAT,
						 "alert_types %zu: a detection type name (text, at "
						 "most 63 bytes)",
						 i + 1);
				goto out;
			}
			if (!(out->alert_types[out->n_alert_types++] = strdup(v))) {
				ret = tater_errf(err, TATER_ENOMEM, "out of memory");
				goto out;
			}
		}
	}
	ret = ir_body_from_json(o, &out->body, err);
out:
	json_decref(o);
	if (ret < 0)
		ir_file_free(out);
	return ret;
}

/* ---- diff ---- */

struct lines {
	char **v;
	size_t n, cap;
};

static void lines_add(struct lines *l, const char *prefix, const char *s, size_t len)
{
	size_t plen = strlen(prefix);
	char *line;

	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		char **v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return;
		l->v = v;
		l->cap = cap;
	}
	if (!(line = malloc(plen + len + 1)))
		return;
	memcpy(line, prefix, plen);
	memcpy(line + plen, s, len);
	line[plen + len] = '\0';
	l->v[l->n++] = line;
}

static void lines_text(struct lines *l, const char *prefix, const char *s)
{
	while (s && *s) {
		const char *nl = strchr(s, '\n');
		size_t len = nl ? (size_t)(nl - s) : strlen(s);

		lines_add(l, prefix, s, len);
		s = nl ? nl + 1 : s + len;
	}
}

static void lines_free(struct lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

/* One line per title, detail and evidence line, no numbers: inserting a step
 * then shows as the lines added, not as every later step renumbered. */
static void body_lines(const struct ir_body *b, struct lines *l)
{
	lines_text(l, "", b->description);
	for (int p = 0; p < IR_PHASES; p++) {
		char head[64];

		snprintf(head, sizeof(head), "## %s", phase_names[p]);
		lines_add(l, "", head, strlen(head));
		for (size_t i = 0; i < b->phase[p].n; i++) {
			const struct ir_step *st = &b->phase[p].steps[i];

			lines_text(l, "* ", st->title);
			lines_text(l, "    ", st->detail);
			lines_text(l, "    Evidence: ", st->evidence);
		}
	}
}

static void buf_line(struct strbuf *b, const char *mark, const char *line)
{
	strbuf_put(b, mark);
	strbuf_put(b, line);
	strbuf_put(b, "\n");
}

#define DIFF_CONTEXT 1

char *ir_body_diff(const struct ir_body *a, const struct ir_body *b)
{
	struct lines la = {0}, lb = {0};
	struct strbuf out = {0};
	unsigned short *dp = NULL;
	size_t n, m, i, j;
	char *ops = NULL; /* the edit script: ' ', '-', '+' */
	const char **text = NULL;
	size_t nops = 0;

	body_lines(a, &la);
	body_lines(b, &lb);
	n = la.n;
	m = lb.n;
	/* LCS table; cells hold at most min(n, m), so cap the sizes to fit. */
	if (n < 60000 && m < 60000 && (n + 1) * (m + 1) <= 16u * 1024 * 1024)
		dp = calloc((n + 1) * (m + 1), sizeof(*dp));
	ops = malloc(n + m + 1);
	text = malloc((n + m + 1) * sizeof(*text));
	if (!ops || !text)
		goto out;
	if (dp) {
		for (i = n; i-- > 0;)
			for (j = m; j-- > 0;)
				dp[i * (m + 1) + j] =
				    !strcmp(la.v[i], lb.v[j])
					? (unsigned short)(dp[(i + 1) * (m + 1) + j + 1] + 1)
				    : dp[(i + 1) * (m + 1) + j] >= dp[i * (m + 1) + j + 1]
					? dp[(i + 1) * (m + 1) + j]
					: dp[i * (m + 1) + j + 1];
	}
	for (i = 0, j = 0; i < n || j < m;) {
		if (dp && i < n && j < m && !strcmp(la.v[i], lb.v[j])) {
			ops[nops] = ' ';
			text[nops++] = la.v[i];
			i++, j++;
		} else if (i < n && (j >= m || !dp ||
				     dp[(i + 1) * (m + 1) + j] >= dp[i * (m + 1) + j + 1])) {
			ops[nops] = '-';
			text[nops++] = la.v[i++];
		} else {
			ops[nops] = '+';
			text[nops++] = lb.v[j++];
		}
	}
	/* Print changes with a line of context; phase headers always, so each
	 * change shows where it is. */
	{
		size_t last = (size_t)-1;
		int changed = 0;

		for (size_t k = 0; k < nops; k++) {
			int near = 0;

			if (ops[k] != ' ')
				changed = 1;
			for (size_t d = k >= DIFF_CONTEXT ? k - DIFF_CONTEXT : 0;
			     d <= k + DIFF_CONTEXT && d < nops; d++)
				near |= ops[d] != ' ';
			if (!near && strncmp(text[k], "## ", 3) != 0)
				continue;
			if (last != (size_t)-1 && k > last + 1 && strncmp(text[k], "## ", 3) != 0)
				strbuf_put(&out, "  ...\n");
			buf_line(&out, ops[k] == ' ' ? "  " : ops[k] == '-' ? "- " : "+ ", text[k]);
			last = k;
		}
		if (!changed)
			strbuf_put(&out, "(no differences)\n");
	}
out:
	if (!out.s || out.oom) {
		free(out.s);
		out.s = NULL;
	}
	free(dp);
	free(ops);
	free(text);
	lines_free(&la);
	lines_free(&lb);
	return out.s;
}
