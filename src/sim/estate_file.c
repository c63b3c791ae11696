/* estate_file.c - --estate FILE: a JSON object, real path -> what is served there.
 *
 * An array stands in for a collection (paged, $select/$filter/$top applied like the
 * synthetic ones), an object for a singleton.  A /beta path falls back to its /v1.0
 * key, so one scenario serves both versions unless it says otherwise. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim.h"

/* root maps path -> value; a value handed out by sim_estate_get is never changed nor freed
 * before sim_estate_free: sim_estate_patch replaces it with a patched copy and keeps the
 * old one in `gone`, so readers on other threads may use what they got without a lock. */
struct sim_estate_file {
	json_t *root;
	json_t *gone;
};

static pthread_mutex_t estate_lock = PTHREAD_MUTEX_INITIALIZER;

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
		/* Paths, and the keys of what has no path: "exo:<Cmdlet>" / "scc:<Cmdlet>" (the
		 * cmdlet's output), "dns:TXT:<name>" (the TXT strings of a name). */
		if ((key[0] != '/' && strncmp(key, "exo:", 4) && strncmp(key, "scc:", 4) &&
		     strncmp(key, "dns:", 4)) ||
		    !(json_is_array(v) || json_is_object(v))) {
			json_decref(root);
			return tater_errf(
			    err, TATER_EFORMAT,
			    "--estate %s: key '%s' must be a path starting with / (or exo:, scc:, "
			    "dns:) and its value an array or an object",
			    path, key);
		}
	}
	s->estate = calloc(1, sizeof(*s->estate));
	if (!s->estate)
		abort();
	s->estate->root = root;
	s->estate->gone = json_array();
	return 0;
}

void sim_estate_free(struct sim_estate_file *e)
{
	if (!e)
		return;
	json_decref(e->root);
	json_decref(e->gone);
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
	json_t *v = NULL;

	pthread_mutex_lock(&estate_lock);
	if (s->estate) {
		v = lookup(s->estate->root, path);
		if (!v && strncmp(path, "/beta/", 6) == 0) {
			char *alt = sim_xasprintf("/v1.0/%s", path + 6);

			v = lookup(s->estate->root, alt);
			free(alt);
		}
	}
	pthread_mutex_unlock(&estate_lock);
	return v;
}

int sim_estate_patch(struct sim *s, const char *key, json_t *base,
		     int (*fn)(json_t *value, void *ctx), void *ctx)
{
	json_t *cur, *copy;
	int rc;

	pthread_mutex_lock(&estate_lock);
	if (!s->estate) {
		s->estate = calloc(1, sizeof(*s->estate));
		if (!s->estate)
			abort();
		s->estate->root = json_object();
		s->estate->gone = json_array();
	}
	cur = lookup(s->estate->root, key);
	copy = cur ? json_deep_copy(cur) : json_incref(base);
	json_decref(base);
	if (!copy) {
		pthread_mutex_unlock(&estate_lock);
		return -1;
	}
	rc = fn(copy, ctx);
	if (rc < 0) {
		json_decref(copy);
		pthread_mutex_unlock(&estate_lock);
		return rc;
	}
	if (cur)
		json_array_append(s->estate->gone, cur); /* readers may still hold it */
	json_object_set_new(s->estate->root, key, copy);
	pthread_mutex_unlock(&estate_lock);
	return rc;
}
