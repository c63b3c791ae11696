/* severity.c - ITDR severity from a detection's type, risk level and risk state.
 *
 * The mapping is data (catalog/itdr-severity.json, embedded at build time): ordered rules,
 * each a set of conditions (types, levels, states: any listed value matches, an absent list
 * matches anything), then a default by risk level.  Type names compare case-insensitively:
 * Graph spells "attackerinTheMiddle" and people write "attackerInTheMiddle". */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "tater/itdr.h"

#include "tater/embed.h"

const struct tater_embedded *itdr_severity_files(size_t *n); /* generated */

static const char *const sev_names[4] = {"low", "medium", "high", "critical"};

struct sev_rule {
	json_t *types, *levels, *states; /* arrays or NULL */
	int sev;
};

struct itdr_sevmap {
	json_t *doc;
	struct sev_rule *rules;
	size_t n;
	json_t *deflt;
};

int itdr_severity_rank(const char *sev)
{
	for (int i = 0; sev && i < 4; i++)
		if (!strcasecmp(sev, sev_names[i]))
			return i;
	return -1;
}

int itdr_severity_parse(const char *s, const char **out, struct tater_err *err)
{
	static const struct {
		const char *alias;
		int rank;
	} aliases[] = {{"crit", 3}, {"med", 1}, {"medium", 1}, {"hi", 2}, {"lo", 0}};
	int r = itdr_severity_rank(s);

	for (size_t i = 0; r < 0 && s && i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (!strcasecmp(s, aliases[i].alias))
			r = aliases[i].rank;
	if (r < 0)
		return tater_errf(err, TATER_EINVAL,
				  "severity '%.40s': use critical, high, medium or low",
				  s ? s : "");
	*out = sev_names[r];
	return 0;
}

const char *itdr_sevmap_builtin(void)
{
	size_t n;

	return itdr_severity_files(&n)[0].text;
}

void itdr_sevmap_free(struct itdr_sevmap *m)
{
	if (!m)
		return;
	json_decref(m->doc);
	free(m->rules);
	free(m);
}

static int check_list(json_t *rule, const char *key, size_t idx, json_t **out,
		      struct tater_err *err)
{
	json_t *v = json_object_get(rule, key), *e;
	size_t i;

	*out = NULL;
	if (!v)
		return 0;
	if (!json_is_array(v) || json_array_size(v) == 0)
		return tater_errf(err, TATER_EFORMAT, "rule %zu: %s must be a non-empty list",
				  idx + 1, key);
	json_array_foreach(v, i, e) if (!json_is_string(e)) return tater_errf(
	    err, TATER_EFORMAT, "rule %zu: %s holds something other than names", idx + 1, key);
	*out = v;
	return 0;
}

int itdr_sevmap_load(const char *json, size_t len, struct itdr_sevmap **out, struct tater_err *err)
{
	struct itdr_sevmap *m = calloc(1, sizeof(*m));
	json_error_t je;
	json_t *rules, *r;
	const char *fmt, *k;
	json_t *v;
	size_t i;
	int ret = 0;

	*out = NULL;
	if (!m)
		return tater_errf(err, TATER_ENOMEM, "out of memory");
	if (!json) {
		json = itdr_sevmap_builtin();
		len = strlen(json);
	}
	m->doc = json_loadb(json, len, 0, &je);
	if (!m->doc || !json_is_object(m->doc)) {
		ret = tater_errf(err, TATER_EFORMAT,
				 "severity mapping: not a JSON object (%s, line %d)",
				 m->doc ? "not an object" : je.text, je.line);
		goto fail;
	}
	fmt = json_string_value(json_object_get(m->doc, "format"));
	if (!fmt || strcmp(fmt, "tater-itdr-severity/1") != 0) {
		ret = tater_errf(err, TATER_EFORMAT,
				 "severity mapping: format must be \"tater-itdr-severity/1\"");
		goto fail;
	}
	rules = json_object_get(m->doc, "rules");
	if (rules && !json_is_array(rules)) {
		ret = tater_errf(err, TATER_EFORMAT, "severity mapping: rules must be a list");
		goto fail;
	}
	m->rules = calloc(json_array_size(rules) + 1, sizeof(*m->rules));
	if (!m->rules) {
		ret = tater_errf(err, TATER_ENOMEM, "out of memory");
		goto fail;
	}
	json_array_foreach(rules, i, r)
	{
		struct sev_rule *sr = &m->rules[m->n];

		if (!json_is_object(r)) {
			ret = tater_errf(err, TATER_EFORMAT, "rule %zu: not an object", i + 1);
			goto fail;
		}
		if ((ret = check_list(r, "types", i, &sr->types, err)) < 0 ||
		    (ret = check_list(r, "levels", i, &sr->levels, err)) < 0 ||
		    (ret = check_list(r, "states", i, &sr->states, err)) < 0)
			goto fail;
		sr->sev = itdr_severity_rank(json_string_value(json_object_get(r, "severity")));
		if (sr->sev < 0) {
			ret = tater_errf(err, TATER_EFORMAT,
					 "rule %zu: severity must be critical, high, medium or low",
					 i + 1);
			goto fail;
		}
		if (!sr->types && !sr->levels && !sr->states) {
			ret = tater_errf(err, TATER_EFORMAT,
					 "rule %zu: give at least one of types, levels, states",
					 i + 1);
			goto fail;
		}
		m->n++;
	}
	m->deflt = json_object_get(m->doc, "default");
	if (!json_is_object(m->deflt)) {
		ret = tater_errf(err, TATER_EFORMAT,
				 "severity mapping: default must map risk levels to severities");
		goto fail;
	}
	json_object_foreach(m->deflt, k, v)
	{
		if (itdr_severity_rank(json_string_value(v)) < 0) {
			ret =
			    tater_errf(err, TATER_EFORMAT,
				       "default \"%.40s\": severity must be critical, high, medium "
				       "or low",
				       k);
			goto fail;
		}
	}
	*out = m;
	return 0;
fail:
	itdr_sevmap_free(m);
	return ret;
}

static int in_list(json_t *list, const char *v)
{
	json_t *e;
	size_t i;

	if (!list)
		return 1;
	if (!v)
		return 0;
	json_array_foreach(list, i, e) if (!strcasecmp(json_string_value(e), v)) return 1;
	return 0;
}

const char *itdr_severity_of(const struct itdr_sevmap *m, const char *type, const char *level,
			     const char *state)
{
	const char *d;

	for (size_t i = 0; m && i < m->n; i++) {
		const struct sev_rule *r = &m->rules[i];

		if (in_list(r->types, type) && in_list(r->levels, level) &&
		    in_list(r->states, state))
			return sev_names[r->sev];
	}
	if (!m)
		return "medium";
	d = json_string_value(json_object_get(m->deflt, level ? level : ""));
	if (!d)
		d = json_string_value(json_object_get(m->deflt, "*"));
	return d ? sev_names[itdr_severity_rank(d)] : "medium";
}
