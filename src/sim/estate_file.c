/* estate_file.c - --estate FILE: a JSON object, real path -> what is served there.
 *
 * An array stands in for a collection (paged, $select/$filter/$top applied like the
 * synthetic ones), an object for a singleton.  A /beta path falls back to its /v1.0
 * key, so one scenario serves both versions unless it says otherwise. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim.h"

struct sim_estate_file {
	json_t *root;
};

int sim_estate_load(struct sim *s, const char *path, struct tater_err *err)
{
	json_error_t jerr;
	json_t *root = json_load_file(path, 0, &jerr);
	const char *key;
	json_t *v;

	if (!root)
		return tater_errf(err, TATER_EFORMAT, "--estate %s: %s (line %d)", path, jerr.text,
				  jerr.line);
	if (!json_is_object(root)) {
		json_decref(root);
		return tater_errf(err, TATER_EFORMAT,
				  "--estate %s: want a JSON object keyed by path", path);
	}
	json_object_foreach(root, key, v)
	{
		if (key[0] != '/' || !(json_is_array(v) || json_is_object(v))) {
			json_decref(root);
			return tater_errf(
			    err, TATER_EFORMAT,
			    "--estate %s: key '%s' must be a path starting with / and "
			    "its value an array or an object",
			    path, key);
		}
	}
	s->estate = calloc(1, sizeof(*s->estate));
	if (!s->estate)
		abort();
	s->estate->root = root;
	return 0;
}

void sim_estate_free(struct sim_estate_file *e)
{
	if (!e)
		return;
	json_decref(e->root);
	free(e);
}

static json_t *lookup(json_t *root, const char *path)
{
	json_t *v = json_object_get(root, path);
	const char *key;
	size_t n = strlen(path);

	if (v)
		return v;
	/* Paths are case-insensitive at the services; a trailing slash is the same path. */
	json_object_foreach(root, key, v)
	{
		size_t k = strlen(key);

		if (k > 1 && key[k - 1] == '/')
			k--;
		if (n > 1 && path[n - 1] == '/' && n - 1 == k && strncasecmp(key, path, k) == 0)
			return v;
		if (k == n && strncasecmp(key, path, k) == 0)
			return v;
	}
	return NULL;
}

json_t *sim_estate_get(struct sim *s, const char *path)
{
	json_t *v;

	if (!s->estate)
		return NULL;
	v = lookup(s->estate->root, path);
	if (!v && strncmp(path, "/beta/", 6) == 0) {
		char *alt = sim_xasprintf("/v1.0/%s", path + 6);

		v = lookup(s->estate->root, alt);
		free(alt);
	}
	return v;
}
