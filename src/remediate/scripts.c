/* scripts.c - the remediation script catalog: .TATER headers and the Exchange detection.
 *
 * The header rules are those of doc/remediation-setup.md, read strictly so that a shell, C
 * and PowerShell agree; the Exchange detection compiles runbooks/exo-cmdlet-patterns.txt
 * with regcomp(REG_EXTENDED | REG_ICASE) and matches it line by line, as Run-Remediation
 * does, so the console says "5.1 (by delegation)" exactly when the runbook will delegate. */
#include <ctype.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "tater/remediate.h"

/* ---- patterns ---------------------------------------------------------------------------- */

struct rem_pat {
	regex_t re;
	int scc;
};

struct rem_patterns {
	struct rem_pat *v;
	size_t n;
};

void rem_patterns_free(struct rem_patterns *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++)
		regfree(&p->v[i].re);
	free(p->v);
	free(p);
}

/* Next line of text (without its LF and a CR before it) into a malloc'd string. */
static char *next_line(const char **pos)
{
	const char *s = *pos, *e;
	size_t len;
	char *out;

	if (!*s)
		return NULL;
	e = strchr(s, '\n');
	len = e ? (size_t)(e - s) : strlen(s);
	*pos = e ? e + 1 : s + len;
	if (len && s[len - 1] == '\r')
		len--;
	out = malloc(len + 1);
	if (!out)
		return NULL;
	memcpy(out, s, len);
	out[len] = '\0';
	return out;
}

int rem_patterns_compile(const char *text, struct rem_patterns **out, struct tater_err *err)
{
	struct rem_patterns *p = calloc(1, sizeof(*p));
	const char *pos = text;
	char *line;
	int scc = 0, lineno = 0;
	size_t cap = 0;

	if (!p)
		return tater_errf(err, TATER_ENOMEM, "out of memory");
	while ((line = next_line(&pos))) {
		char *l = line;
		int rc;

		lineno++;
		while (*l == ' ' || *l == '\t')
			l++;
		if (!strncmp(l, "#@", 2)) {
			char *sec = l + 2;

			while (*sec == ' ')
				sec++;
			scc = !strncmp(sec, "scc", 3);
		}
		if (!*l || *l == '#') {
			free(line);
			continue;
		}
		if (p->n == cap) {
			size_t nc = cap ? cap * 2 : 16;
			struct rem_pat *nv = realloc(p->v, nc * sizeof(*nv));

			if (!nv) {
				free(line);
				rem_patterns_free(p);
				return tater_errf(err, TATER_ENOMEM, "out of memory");
			}
			p->v = nv;
			cap = nc;
		}
		rc = regcomp(&p->v[p->n].re, l, REG_EXTENDED | REG_ICASE | REG_NOSUB);
		if (rc != 0) {
			char m[128];

			regerror(rc, &p->v[p->n].re, m, sizeof(m));
			free(line);
			rem_patterns_free(p);
			return tater_errf(err, TATER_EFORMAT,
					  "exo-cmdlet-patterns.txt line %d: %s", lineno, m);
		}
		p->v[p->n++].scc = scc;
		free(line);
	}
	*out = p;
	return 0;
}

int rem_patterns_match(const struct rem_patterns *p, const char *text, int *scc)
{
	const char *pos = text;
	char *line;
	int found = 0;

	if (scc)
		*scc = 0;
	while ((line = next_line(&pos))) {
		for (size_t i = 0; i < p->n; i++) {
			if (regexec(&p->v[i].re, line, 0, NULL, 0) == 0) {
				found = 1;
				if (p->v[i].scc && scc)
					*scc = 1;
			}
		}
		free(line);
	}
	return found;
}

/* ---- the header ---------------------------------------------------------------------------- */

static void free_strv(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void rem_script_clear(struct rem_script *sc)
{
	if (!sc)
		return;
	free(sc->id);
	free(sc->title);
	free(sc->area);
	free(sc->runtime);
	free(sc->description);
	free_strv(sc->controls, sc->ncontrols);
	for (size_t i = 0; i < sc->nparams; i++) {
		free(sc->params[i].name);
		free(sc->params[i].type);
		free(sc->params[i].def);
		free(sc->params[i].description);
	}
	free(sc->params);
	memset(sc, 0, sizeof(*sc));
}

static char *trimdup(const char *s, size_t len)
{
	char *out;

	while (len && isspace((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	out = malloc(len + 1);
	if (out) {
		memcpy(out, s, len);
		out[len] = '\0';
	}
	return out;
}

static int parse_param(const char *v, struct rem_param *p)
{
	const char *f[4];
	size_t len[4];
	const char *s = v;

	for (int i = 0; i < 4; i++) {
		const char *bar = i < 3 ? strchr(s, '|') : NULL;

		if (i < 3 && !bar)
			return -1;
		f[i] = s;
		len[i] = bar ? (size_t)(bar - s) : strlen(s);
		s = bar ? bar + 1 : s + len[i];
	}
	p->name = trimdup(f[0], len[0]);
	p->type = trimdup(f[1], len[1]);
	p->def = trimdup(f[2], len[2]);
	p->description = trimdup(f[3], len[3]);
	if (!p->name || !p->type || !p->def || !p->description || !*p->name)
		return -1;
	if (strcmp(p->type, "bool") && strcmp(p->type, "int") && strcmp(p->type, "string") &&
	    strcmp(p->type, "string[]"))
		return -1;
	return 0;
}

static int split_controls(const char *v, struct rem_script *sc)
{
	const char *s = v;

	while (*s) {
		const char *e = strstr(s, ", ");
		size_t len = e ? (size_t)(e - s) : strlen(s);
		char **nv = realloc(sc->controls, (sc->ncontrols + 1) * sizeof(*nv));

		if (!nv)
			return -1;
		sc->controls = nv;
		if (!(sc->controls[sc->ncontrols] = trimdup(s, len)))
			return -1;
		sc->ncontrols++;
		s = e ? e + 2 : s + len;
	}
	return sc->ncontrols ? 0 : -1;
}

int rem_script_parse(const char *name, const char *text, struct rem_script *out,
		     struct tater_err *err)
{
	static const char *const keys[] = {"id",	 "title",     "area",	   "controls",
					   "runtime",	 "idempotent", "parameter", "description"};
	const char *pos = text;
	char *line;
	int lineno = 0, closed = 0, ret = 0;

	memset(out, 0, sizeof(*out));
	out->text = text;
	while ((line = next_line(&pos))) {
		char *colon, *val, **slot = NULL;
		size_t k;

		lineno++;
		if (lineno == 1 || lineno == 2) {
			if (strcmp(line, lineno == 1 ? "<#" : ".TATER") != 0) {
				ret = tater_errf(err, TATER_EFORMAT,
						 "%s:%d: a script starts with \"<#\" then "
						 "\".TATER\"",
						 name, lineno);
				free(line);
				goto out;
			}
			free(line);
			continue;
		}
		if (!strcmp(line, "#>")) {
			closed = 1;
			free(line);
			break;
		}
		colon = strchr(line, ':');
		if (!colon || colon[1] != ' ' || !colon[2] || isspace((unsigned char)colon[2]) ||
		    isspace((unsigned char)line[strlen(line) - 1]) || strchr(line, '\t')) {
			ret = tater_errf(err, TATER_EFORMAT,
					 "%s:%d: want \"key: value\" (one space, no tab, not "
					 "empty)",
					 name, lineno);
			free(line);
			goto out;
		}
		*colon = '\0';
		val = colon + 2;
		for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
			if (!strcmp(line, keys[k]))
				break;
		switch (k) {
		case 0: slot = &out->id; break;
		case 1: slot = &out->title; break;
		case 2: slot = &out->area; break;
		case 4: slot = &out->runtime; break;
		case 7: slot = &out->description; break;
		case 3:
			if (out->ncontrols || split_controls(val, out) < 0)
				ret = tater_errf(err, TATER_EFORMAT,
						 "%s:%d: controls: once, \"a, b\"", name, lineno);
			break;
		case 5:
			if (out->idempotent || strcmp(val, "true") != 0)
				ret = tater_errf(err, TATER_EFORMAT,
						 "%s:%d: idempotent: true, once", name, lineno);
			out->idempotent = 1;
			break;
		case 6: {
			struct rem_param *nv =
			    realloc(out->params, (out->nparams + 1) * sizeof(*nv));

			if (!nv) {
				ret = tater_errf(err, TATER_ENOMEM, "out of memory");
				break;
			}
			out->params = nv;
			memset(&nv[out->nparams], 0, sizeof(*nv));
			if (parse_param(val, &nv[out->nparams++]) < 0)
				ret = tater_errf(err, TATER_EFORMAT,
						 "%s:%d: parameter: \"Name | type | default | "
						 "description\" (type bool, int, string, string[])",
						 name, lineno);
			break;
		}
		default:
			ret = tater_errf(err, TATER_EFORMAT, "%s:%d: unknown key '%s'", name,
					 lineno, line);
		}
		if (slot && !ret) {
			if (*slot)
				ret = tater_errf(err, TATER_EFORMAT, "%s:%d: '%s' appears twice",
						 name, lineno, line);
			else if (!(*slot = strdup(val)))
				ret = tater_errf(err, TATER_ENOMEM, "out of memory");
		}
		free(line);
		if (ret)
			goto out;
	}
	if (!closed)
		ret = tater_errf(err, TATER_EFORMAT, "%s: the header never ends (\"#>\")", name);
	else if (!out->id || !out->title || !out->area || !out->runtime || !out->description ||
		 !out->ncontrols || !out->idempotent)
		ret = tater_errf(err, TATER_EFORMAT,
				 "%s: the header lacks one of id, title, area, controls, runtime, "
				 "idempotent, description",
				 name);
out:
	if (ret)
		rem_script_clear(out);
	return ret;
}

/* ---- the catalog ------------------------------------------------------------------------- */

struct rem_catalog {
	struct rem_script *v;
	size_t n;
};

void rem_catalog_free(struct rem_catalog *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++)
		rem_script_clear(&c->v[i]);
	free(c->v);
	free(c);
}

const struct tater_embedded *rem_embedded_pattern_files(size_t *n); /* generated */

const char *rem_embedded_patterns(void)
{
	size_t n;

	return rem_embedded_pattern_files(&n)[0].text;
}

int rem_catalog_open(struct rem_catalog **out, struct tater_err *err)
{
	size_t n;
	const struct tater_embedded *e = rem_embedded_scripts(&n);
	struct rem_patterns *pat = NULL;
	struct rem_catalog *c = calloc(1, sizeof(*c));
	int ret;

	if (!c || !(c->v = calloc(n ? n : 1, sizeof(*c->v)))) {
		free(c);
		return tater_errf(err, TATER_ENOMEM, "out of memory");
	}
	if ((ret = rem_patterns_compile(rem_embedded_patterns(), &pat, err)) < 0)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		if ((ret = rem_script_parse(e[i].name, e[i].text, &c->v[c->n], err)) < 0)
			goto fail;
		c->v[c->n].exo = rem_patterns_match(pat, e[i].text, &c->v[c->n].scc);
		c->n++;
	}
	rem_patterns_free(pat);
	*out = c;
	return 0;
fail:
	rem_patterns_free(pat);
	rem_catalog_free(c);
	return ret;
}

size_t rem_catalog_count(const struct rem_catalog *c)
{
	return c ? c->n : 0;
}

const struct rem_script *rem_catalog_at(const struct rem_catalog *c, size_t i)
{
	return c && i < c->n ? &c->v[i] : NULL;
}

const struct rem_script *rem_catalog_find(const struct rem_catalog *c, const char *id)
{
	for (size_t i = 0; c && id && i < c->n; i++)
		if (!strcmp(c->v[i].id, id))
			return &c->v[i];
	return NULL;
}

const struct rem_script *rem_catalog_for_control(const struct rem_catalog *c,
						 const char *control_id, const char *remediation)
{
	const struct rem_script *sc;

	if (remediation && strcmp(remediation, "none") != 0 &&
	    (sc = rem_catalog_find(c, remediation)))
		return sc;
	for (size_t i = 0; c && control_id && i < c->n; i++)
		for (size_t k = 0; k < c->v[i].ncontrols; k++)
			if (!strcmp(c->v[i].controls[k], control_id))
				return &c->v[i];
	return NULL;
}

const char *rem_runtime_label(const struct rem_script *sc)
{
	return sc && sc->exo ? "PowerShell 5.1 (by delegation to Run-Remediation-EXO)"
			     : "PowerShell 7.2";
}

/* ---- parameters -------------------------------------------------------------------------- */

static json_t *typed_value(const struct rem_param *p, const char *v, struct tater_err *err)
{
	if (!strcmp(p->type, "bool")) {
		if (!strcasecmp(v, "true") || !strcmp(v, "1") || !strcasecmp(v, "yes"))
			return json_true();
		if (!strcasecmp(v, "false") || !strcmp(v, "0") || !strcasecmp(v, "no"))
			return json_false();
		tater_errf(err, TATER_EINVAL, "parameter %s: true or false", p->name);
		return NULL;
	}
	if (!strcmp(p->type, "int")) {
		char *end;
		long long x = strtoll(v, &end, 10);

		if (!*v || *end) {
			tater_errf(err, TATER_EINVAL, "parameter %s: a whole number", p->name);
			return NULL;
		}
		return json_integer(x);
	}
	if (!strcmp(p->type, "string[]")) {
		json_t *a = json_array();
		const char *s = v;

		while (*s) {
			const char *e = strchr(s, ',');
			size_t len = e ? (size_t)(e - s) : strlen(s);
			char *item = trimdup(s, len);

			if (item && *item)
				json_array_append_new(a, json_string(item));
			free(item);
			s = e ? e + 1 : s + len;
		}
		return a;
	}
	return json_string(v);
}

int rem_params_json(const struct rem_script *sc, const char *const *assign, size_t n,
		    char **json, struct tater_err *err)
{
	json_t *o = json_object();

	for (size_t i = 0; i < n; i++) {
		const char *eq = strchr(assign[i], '=');
		const struct rem_param *p = NULL;
		json_t *val;

		if (!eq || eq == assign[i]) {
			json_decref(o);
			return tater_errf(err, TATER_EINVAL, "parameter '%s': want name=value",
					  assign[i]);
		}
		for (size_t k = 0; k < sc->nparams; k++)
			if (strlen(sc->params[k].name) == (size_t)(eq - assign[i]) &&
			    !strncasecmp(sc->params[k].name, assign[i], (size_t)(eq - assign[i])))
				p = &sc->params[k];
		if (!p) {
			char names[512] = "";
			size_t o2 = 0;

			for (size_t k = 0; k < sc->nparams && o2 < sizeof(names); k++)
				o2 += (size_t)snprintf(names + o2, sizeof(names) - o2, "%s%s",
						       k ? ", " : "", sc->params[k].name);
			json_decref(o);
			return tater_errf(err, TATER_EINVAL,
					  "script %s has no parameter '%.*s' (it takes: %s)", sc->id,
					  (int)(eq - assign[i]), assign[i],
					  sc->nparams ? names : "none");
		}
		if (!(val = typed_value(p, eq + 1, err))) {
			json_decref(o);
			return TATER_EINVAL;
		}
		json_object_set_new(o, p->name, val);
	}
	*json = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	return *json ? 0 : tater_errf(err, TATER_ENOMEM, "out of memory");
}
