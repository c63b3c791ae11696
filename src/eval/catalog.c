/* catalog.c - load controls from their text files (built-in and the user's).
 *
 * The format is deliberately small: "-- key: value" header lines, "--" plus two spaces to
 * continue a value, then the SQL.  Every mistake is an error naming file and line, because
 * a silently dropped framework mapping or control is worse than a refusal to start. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "tater/catalog.h"

#define CONTROL_FILE_MAX (1024 * 1024)

struct catalog {
	struct control **v;
	size_t n, cap;
};

/* Header keys: the frameworks first, in enum order, so a key's index is its framework. */
enum hkey {
	K_CIS,
	K_SCUBA,
	K_NIST,
	K_ISO,
	K_SOC2,
	K_ID,
	K_TITLE,
	K_SEVERITY,
	K_AREA,
	K_GROUP,
	K_SOURCES,
	K_REMEDIATION,
	K_DESCRIPTION,
	K_RATIONALE,
	K_NKEYS
};

static const char *const hkey_names[K_NKEYS] = {
    "cis-m365", "scuba", "nist-800-53", "iso-27001", "soc2",	    "id",	   "title",
    "severity", "area",	 "group",	"sources",   "remediation", "description", "rationale",
};

static const char *const fw_labels[CATALOG_NFRAMEWORKS] = {
    "CIS M365", "CISA SCuBA", "NIST 800-53", "ISO 27001", "SOC 2",
};

const char *catalog_framework_key(enum catalog_framework fw)
{
	return (unsigned)fw < CATALOG_NFRAMEWORKS ? hkey_names[fw] : "?";
}

const char *catalog_framework_label(enum catalog_framework fw)
{
	return (unsigned)fw < CATALOG_NFRAMEWORKS ? fw_labels[fw] : "?";
}

int catalog_severity_rank(const char *sev)
{
	static const char *const names[] = {"critical", "high", "medium", "low"};

	for (int i = 0; sev && i < 4; i++)
		if (strcmp(sev, names[i]) == 0)
			return i;
	return -1;
}

int catalog_severity_weight(const char *sev)
{
	static const int weights[] = {10, 5, 3, 1};
	int r = catalog_severity_rank(sev);

	return r < 0 ? 0 : weights[r];
}

/* ---- lists ---- */

static void list_free(struct catalog_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static char *trimdup(const char *s, size_t len)
{
	char *out;

	while (len && isspace((unsigned char)*s))
		s++, len--;
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	out = malloc(len + 1);
	if (out) {
		memcpy(out, s, len);
		out[len] = 0;
	}
	return out;
}

/* Split "a, b,c" into a list, dropping empty items. */
static int list_split(struct catalog_list *l, const char *text)
{
	const char *p = text;

	while (*p) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		char *item = trimdup(p, len);
		char **nv;

		if (!item)
			return -1;
		if (!*item) {
			free(item);
		} else {
			nv = realloc(l->v, (l->n + 1) * sizeof(*nv));
			if (!nv) {
				free(item);
				return -1;
			}
			l->v = nv;
			l->v[l->n++] = item;
		}
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}

/* ---- controls ---- */

static void control_free(struct control *c)
{
	if (!c)
		return;
	free(c->id);
	free(c->title);
	free(c->severity);
	free(c->area);
	free(c->group);
	for (int i = 0; i < CATALOG_NFRAMEWORKS; i++)
		list_free(&c->refs[i]);
	list_free(&c->sources);
	free(c->remediation);
	free(c->description);
	free(c->rationale);
	free(c->check);
	free(c->origin);
	free(c);
}

static int id_ok(const char *id)
{
	if (!*id || strlen(id) > 100 || !isalnum((unsigned char)*id))
		return 0;
	for (const char *p = id; *p; p++)
		if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) &&
		    !strchr(".-_", *p))
			return 0;
	return 1;
}

static int source_ok(const char *src)
{
	if (!*src || !strchr(src, '.'))
		return 0;
	for (const char *p = src; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr(".-_", *p))
			return 0;
	return 1;
}

/* Append to a growing value: continuation lines join with a space, or with a newline when
 * a bare "--" line separated paragraphs. */
static int value_append(char **val, const char *text, size_t len, int newline)
{
	size_t old = strlen(*val);
	char *nv = realloc(*val, old + len + 2);

	if (!nv)
		return -1;
	if (old && !newline && nv[old - 1] != '\n')
		nv[old++] = ' ';
	if (newline)
		nv[old++] = '\n';
	memcpy(nv + old, text, len);
	nv[old + len] = 0;
	*val = nv;
	return 0;
}

static int line_blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!isspace((unsigned char)s[i]))
			return 0;
	return 1;
}

/* Does the SQL hold anything but whitespace and comments? */
static int sql_has_code(const char *s)
{
	while (*s) {
		if (isspace((unsigned char)*s)) {
			s++;
		} else if (s[0] == '-' && s[1] == '-') {
			s += strcspn(s, "\n");
		} else if (s[0] == '/' && s[1] == '*') {
			const char *end = strstr(s + 2, "*/");

			if (!end)
				return 0;
			s = end + 2;
		} else {
			return 1;
		}
	}
	return 0;
}

#define PERR(...) tater_errf(err, TATER_EINVAL, __VA_ARGS__)

static int parse_control(const char *origin, const char *text, struct control **out,
			 struct tater_err *err)
{
	char *vals[K_NKEYS] = {0};
	int key_line[K_NKEYS] = {0};
	int last = -1, lineno = 0, ret = TATER_ENOMEM;
	const char *p = text, *sql = NULL;
	struct control *c = NULL;

	/* The header: every line up to the first that is not a "--" line. */
	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		const char *rest;
		size_t rlen;

		lineno++;
		if (len && p[len - 1] == '\r')
			len--;
		if (len < 2 || p[0] != '-' || p[1] != '-') {
			if (last < 0 && line_blank(p, len)) { /* blank lines before the header */
				p = eol ? eol + 1 : p + len;
				continue;
			}
			sql = p;
			break;
		}
		rest = p + 2;
		rlen = len - 2;
		if (line_blank(rest, rlen) || (rlen >= 2 && rest[0] == ' ' && rest[1] == ' ')) {
			/* A continuation, or a bare "--" separating paragraphs of the value above.
			 */
			if (last < 0) {
				ret = PERR(
				    "%s:%d: a continuation line before any \"-- key: value\" line",
				    origin, lineno);
				goto out;
			}
			if (line_blank(rest, rlen)) {
				if (value_append(&vals[last], "", 0, 1) < 0)
					goto out;
			} else {
				while (rlen && isspace((unsigned char)*rest))
					rest++, rlen--;
				while (rlen && isspace((unsigned char)rest[rlen - 1]))
					rlen--;
				if (value_append(&vals[last], rest, rlen, 0) < 0)
					goto out;
			}
		} else {
			const char *colon;
			size_t klen;
			int k;

			while (rlen && *rest == ' ')
				rest++, rlen--;
			colon = memchr(rest, ':', rlen);
			klen = colon ? (size_t)(colon - rest) : 0;
			for (size_t i = 0; i < klen; i++)
				if (!islower((unsigned char)rest[i]) &&
				    !isdigit((unsigned char)rest[i]) && rest[i] != '-')
					colon = NULL;
			if (!colon || !klen) {
				ret =
				    PERR("%s:%d: expected \"-- key: value\" (end the header with a "
					 "blank line before any comment of the check)",
					 origin, lineno);
				goto out;
			}
			for (k = 0; k < K_NKEYS; k++)
				if (strlen(hkey_names[k]) == klen &&
				    memcmp(hkey_names[k], rest, klen) == 0)
					break;
			if (k == K_NKEYS) {
				ret = PERR("%s:%d: unknown key '%.*s'", origin, lineno, (int)klen,
					   rest);
				goto out;
			}
			if (vals[k]) {
				ret = PERR("%s:%d: key '%s' given twice (first on line %d)", origin,
					   lineno, hkey_names[k], key_line[k]);
				goto out;
			}
			vals[k] = trimdup(colon + 1, rlen - klen - 1);
			if (!vals[k])
				goto out;
			key_line[k] = lineno;
			last = k;
		}
		p = eol ? eol + 1 : p + len;
	}
	if (!sql)
		sql = p;
	{
		static const enum hkey required[] = {K_ID,   K_TITLE, K_SEVERITY,
						     K_AREA, K_GROUP, K_SOURCES};

		for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++)
			if (!vals[required[i]] || !*vals[required[i]]) {
				ret = PERR("%s:%d: missing required key '%s'", origin, lineno,
					   hkey_names[required[i]]);
				goto out;
			}
	}
	if (!sql_has_code(sql)) {
		ret = PERR("%s:%d: missing the check (the SQL after the header)", origin, lineno);
		goto out;
	}
	if (!id_ok(vals[K_ID])) {
		ret = PERR("%s:%d: bad id '%s' (lower-case letters, digits, '.', '-', '_')", origin,
			   key_line[K_ID], vals[K_ID]);
		goto out;
	}
	if (catalog_severity_rank(vals[K_SEVERITY]) < 0) {
		ret = PERR("%s:%d: bad severity '%s' (critical, high, medium or low)", origin,
			   key_line[K_SEVERITY], vals[K_SEVERITY]);
		goto out;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		goto out;
	if (list_split(&c->sources, vals[K_SOURCES]) < 0)
		goto out;
	if (c->sources.n == 0) {
		ret = PERR("%s:%d: 'sources' names no source", origin, key_line[K_SOURCES]);
		goto out;
	}
	for (size_t i = 0; i < c->sources.n; i++)
		if (!source_ok(c->sources.v[i])) {
			ret = PERR("%s:%d: bad source name '%s' (e.g. graph.users)", origin,
				   key_line[K_SOURCES], c->sources.v[i]);
			goto out;
		}
	for (int f = 0; f < CATALOG_NFRAMEWORKS; f++)
		if (vals[f] && list_split(&c->refs[f], vals[f]) < 0)
			goto out;
	c->check = trimdup(sql, strlen(sql));
	c->origin = strdup(origin);
	if (!c->check || !c->origin)
		goto out;
	c->id = vals[K_ID];
	c->title = vals[K_TITLE];
	c->severity = vals[K_SEVERITY];
	c->area = vals[K_AREA];
	c->group = vals[K_GROUP];
	c->description = vals[K_DESCRIPTION];
	c->rationale = vals[K_RATIONALE];
	if (vals[K_REMEDIATION] && *vals[K_REMEDIATION] && strcmp(vals[K_REMEDIATION], "none")) {
		c->remediation = vals[K_REMEDIATION];
		vals[K_REMEDIATION] = NULL;
	}
	vals[K_ID] = vals[K_TITLE] = vals[K_SEVERITY] = vals[K_AREA] = vals[K_GROUP] = NULL;
	vals[K_DESCRIPTION] = vals[K_RATIONALE] = NULL;
	c->line = key_line[K_ID];
	*out = c;
	c = NULL;
	ret = 0;
out:
	if (ret == TATER_ENOMEM)
		tater_errf(err, ret, "%s: out of memory", origin);
	for (int k = 0; k < K_NKEYS; k++)
		free(vals[k]);
	control_free(c);
	return ret;
}

/* ---- the catalog ---- */

int catalog_new(struct catalog **out, struct tater_err *err)
{
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : tater_errf(err, TATER_ENOMEM, "out of memory");
}

void catalog_free(struct catalog *cat)
{
	if (!cat)
		return;
	for (size_t i = 0; i < cat->n; i++)
		control_free(cat->v[i]);
	free(cat->v);
	free(cat);
}

static int find_index(const struct catalog *cat, const char *id, size_t *at)
{
	size_t lo = 0, hi = cat->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(cat->v[mid]->id, id);

		if (c == 0) {
			*at = mid;
			return 1;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*at = lo;
	return 0;
}

int catalog_add_text(struct catalog *cat, const char *origin, const char *text, int replace,
		     struct tater_err *err)
{
	struct control *c = NULL;
	size_t at;
	int ret;

	if ((ret = parse_control(origin, text, &c, err)) < 0)
		return ret;
	c->builtin = strncmp(origin, "built-in:", 9) == 0;
	if (find_index(cat, c->id, &at)) {
		struct control *old = cat->v[at];

		if (!replace || !old->builtin) {
			ret = tater_errf(err, TATER_EEXIST,
					 "%s:%d: duplicate control id '%s' (also in %s:%d)", origin,
					 c->line, c->id, old->origin, old->line);
			control_free(c);
			return ret;
		}
		control_free(old);
		cat->v[at] = c;
		return 0;
	}
	if (cat->n == cat->cap) {
		size_t ncap = cat->cap ? cat->cap * 2 : 64;
		struct control **nv = realloc(cat->v, ncap * sizeof(*nv));

		if (!nv) {
			control_free(c);
			return tater_errf(err, TATER_ENOMEM, "out of memory");
		}
		cat->v = nv;
		cat->cap = ncap;
	}
	memmove(cat->v + at + 1, cat->v + at, (cat->n - at) * sizeof(*cat->v));
	cat->v[at] = c;
	cat->n++;
	return 0;
}

int catalog_add_builtin(struct catalog *cat, struct tater_err *err)
{
	size_t n;
	const struct tater_embedded *files = catalog_builtin_files(&n);
	char origin[256];
	int ret;

	for (size_t i = 0; i < n; i++) {
		snprintf(origin, sizeof(origin), "built-in:catalog/controls/%s", files[i].name);
		if ((ret = catalog_add_text(cat, origin, files[i].text, 0, err)) < 0)
			return ret;
	}
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int read_small_file(const char *path, char **out, struct tater_err *err)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len;
	int ret = 0;

	if (!f)
		return tater_errf(err, TATER_EIO, "%s: %s", path, strerror(errno));
	buf = malloc(CONTROL_FILE_MAX + 1);
	if (!buf) {
		ret = tater_errf(err, TATER_ENOMEM, "out of memory");
		goto out;
	}
	len = fread(buf, 1, CONTROL_FILE_MAX + 1, f);
	if (ferror(f)) {
		ret = tater_errf(err, TATER_EIO, "%s: cannot read: %s", path, strerror(errno));
		goto out;
	}
	if (len > CONTROL_FILE_MAX) {
		ret = tater_errf(err, TATER_EINVAL, "%s: larger than %d bytes", path,
				 CONTROL_FILE_MAX);
		goto out;
	}
	if (memchr(buf, 0, len)) {
		ret = tater_errf(err, TATER_EINVAL, "%s: not a text file (holds a NUL byte)", path);
		goto out;
	}
	buf[len] = 0;
	*out = buf;
	buf = NULL;
out:
	free(buf);
	fclose(f);
	return ret;
}

int catalog_add_dir(struct catalog *cat, const char *dir, struct tater_err *err)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL, *path = NULL, *text = NULL;
	size_t n = 0;
	int ret = 0;

	if (!d) {
		if (errno == ENOENT)
			return 0; /* no user controls: fine */
		return tater_errf(err, TATER_EIO, "%s: %s", dir, strerror(errno));
	}
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		char **nv;

		if (de->d_name[0] == '.' || len < 5 || strcmp(de->d_name + len - 4, ".sql"))
			continue;
		nv = realloc(names, (n + 1) * sizeof(*nv));
		if (!nv || !(nv[n] = strdup(de->d_name))) {
			names = nv ? nv : names;
			ret = tater_errf(err, TATER_ENOMEM, "out of memory");
			goto out;
		}
		names = nv;
		n++;
	}
	/* Sorted, so that which file wins an error is the same on every machine. */
	qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n; i++) {
		struct stat st;

		free(path);
		free(text);
		text = NULL;
		if (asprintf(&path, "%s/%s", dir, names[i]) < 0) {
			path = NULL;
			ret = tater_errf(err, TATER_ENOMEM, "out of memory");
			goto out;
		}
		if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		if ((ret = read_small_file(path, &text, err)) < 0)
			goto out;
		if ((ret = catalog_add_text(cat, path, text, 1, err)) < 0)
			goto out;
	}
out:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(path);
	free(text);
	closedir(d);
	return ret;
}

int catalog_default_dir(char *buf, size_t n, struct tater_err *err)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	int len;

	if (xdg && *xdg == '/')
		len = snprintf(buf, n, "%s/tater/controls", xdg);
	else if (home && *home)
		len = snprintf(buf, n, "%s/.config/tater/controls", home);
	else
		return tater_errf(err, TATER_ENOTFOUND,
				  "neither XDG_CONFIG_HOME nor HOME is set: cannot find the "
				  "user's controls directory");
	if (len < 0 || (size_t)len >= n)
		return tater_errf(err, TATER_EINVAL, "the controls directory path is too long");
	return 0;
}

int catalog_open(struct catalog **out, const char *user_dir, struct tater_err *err)
{
	struct catalog *cat = NULL;
	char dir[4096];
	int ret;

	*out = NULL;
	if ((ret = catalog_new(&cat, err)) < 0)
		return ret;
	if ((ret = catalog_add_builtin(cat, err)) < 0)
		goto out;
	if (!user_dir) {
		/* No HOME at all (a bare cron job): the built-ins alone. */
		if (catalog_default_dir(dir, sizeof(dir), NULL) < 0)
			goto done;
		user_dir = dir;
	}
	if (*user_dir && (ret = catalog_add_dir(cat, user_dir, err)) < 0)
		goto out;
done:
	*out = cat;
	cat = NULL;
	ret = 0;
out:
	catalog_free(cat);
	return ret;
}

size_t catalog_count(const struct catalog *cat)
{
	return cat ? cat->n : 0;
}

const struct control *catalog_at(const struct catalog *cat, size_t i)
{
	return cat && i < cat->n ? cat->v[i] : NULL;
}

const struct control *catalog_find(const struct catalog *cat, const char *id)
{
	size_t at;

	return cat && id && find_index(cat, id, &at) ? cat->v[at] : NULL;
}

/* ---- framework filters ---- */

static int framework_from(const char *name, size_t len)
{
	static const struct {
		const char *alias;
		int fw;
	} aliases[] = {
	    {"cis-m365", CATALOG_CIS_M365}, {"cis", CATALOG_CIS_M365},	   {"scuba", CATALOG_SCUBA},
	    {"cisa", CATALOG_SCUBA},	    {"nist-800-53", CATALOG_NIST}, {"nist", CATALOG_NIST},
	    {"iso-27001", CATALOG_ISO},	    {"iso", CATALOG_ISO},	   {"soc2", CATALOG_SOC2},
	    {"soc-2", CATALOG_SOC2},
	};

	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (strlen(aliases[i].alias) == len &&
		    strncasecmp(aliases[i].alias, name, len) == 0)
			return aliases[i].fw;
	return -1;
}

int catalog_framework_spec_ok(const char *spec, struct tater_err *err)
{
	size_t len = spec ? strcspn(spec, ":") : 0;

	if (!spec || framework_from(spec, len) < 0)
		return tater_errf(err, TATER_EINVAL,
				  "unknown framework '%s' (cis-m365, scuba, nist-800-53, iso-27001 "
				  "or soc2, optionally with :PREFIX such as scuba:MS.AAD.3)",
				  spec ? spec : "");
	return 0;
}

int catalog_control_cites(const struct control *c, const char *spec)
{
	size_t len = strcspn(spec, ":");
	int fw = framework_from(spec, len);
	const char *prefix = spec[len] == ':' ? spec + len + 1 : "";
	const struct catalog_list *l;

	if (fw < 0)
		return TATER_EINVAL;
	l = &c->refs[fw];
	for (size_t i = 0; i < l->n; i++)
		if (strncasecmp(l->v[i], prefix, strlen(prefix)) == 0)
			return 1;
	return 0;
}
