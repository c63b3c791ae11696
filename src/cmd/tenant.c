/* tenant.c - `tater tenant add|list|test|remove`: the tenants tater scans, headless. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "tater/activity.h"
#include "tater/cli.h"
#include "tater/collect.h"
#include "tater/store.h"
#include "tater/tenants.h"
#include "tater/text.h"
#include "tater/validate.h"
#include "tater/vault.h"

static const char tenant_usage[] =
	"usage: tater tenant add NAME --tenant-id ID --client-id ID\n"
	"                        (--client-secret-file F | --certificate F)\n"
	"                        [--cloud public|gcchigh|dod|china|URL] [--stale-days N]\n"
	"       tater tenant list [--json]\n"
	"       tater tenant test NAME\n"
	"       tater tenant remove NAME\n"
	"       tater tenant settings NAME [--json]\n"
	"       tater tenant set NAME KEY VALUE     (VALUE default: back to the default)\n"
	"Settings (KEY): itdr.ingest on|off, itdr.first_days 1-3650, net.pacing on|off,\n"
	"dns.resolver https://... (a DNS-over-HTTPS JSON API).\n"
	"Secret and certificate files must be mode 0600; their content is sealed in the store.\n";

static int cmd_tenant_add(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"tenant-id", required_argument, NULL, 't'},
		{"client-id", required_argument, NULL, 'c'},
		{"client-secret-file", required_argument, NULL, 's'},
		{"certificate", required_argument, NULL, 'C'},
		{"cloud", required_argument, NULL, 'u'},
		{"stale-days", required_argument, NULL, 'd'},
		{0, 0, 0, 0},
	};
	const char *secret_file = NULL, *cert_file = NULL, *cloud = "public";
	struct tater_err err = {0};
	struct store *s = NULL;
	struct vault *v = NULL;
	struct tenant t;
	char *secret = NULL, msg[128];
	size_t slen = 0;
	long days;
	int ch, ret = CLI_ERROR;

	tenant_init(&t);
	optind = 0; /* 0 re-initialises GNU getopt (main stopped it in "+" mode) */
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 't':
			snprintf(t.tenant_id, sizeof(t.tenant_id), "%s", optarg);
			break;
		case 'c':
			snprintf(t.client_id, sizeof(t.client_id), "%s", optarg);
			break;
		case 's':
			secret_file = optarg;
			break;
		case 'C':
			cert_file = optarg;
			break;
		case 'u':
			cloud = optarg;
			break;
		case 'd':
			if (valid_int_range(optarg, 1, 3650, &days, msg, sizeof(msg)) < 0) {
				cli_errorf("--stale-days: %s", msg);
				return CLI_USAGE;
			}
			t.stale_days = (int)days;
			break;
		default:
			fputs(tenant_usage, stderr);
			return CLI_USAGE;
		}
	}
	if (optind + 1 != argc || !!secret_file == !!cert_file) {
		fputs(tenant_usage, stderr);
		return CLI_USAGE;
	}
	snprintf(t.name, sizeof(t.name), "%s", argv[optind]);
	snprintf(t.auth_kind, sizeof(t.auth_kind), "%s", cert_file ? "certificate" : "secret");
	if (strstr(cloud, "://")) {
		snprintf(t.cloud, sizeof(t.cloud), "custom");
		snprintf(t.base_url, sizeof(t.base_url), "%s", cloud);
	} else {
		snprintf(t.cloud, sizeof(t.cloud), "%s", cloud);
	}
	if (tenant_validate(&t, NULL, &err) < 0) {
		cli_error(&err);
		return CLI_USAGE;
	}
	if (c->readonly) {
		tater_errf(&err, TATER_EPERM, "read-only mode: the tenant was not added");
		goto out;
	}
	if (vault_read_file(secret_file ? secret_file : cert_file, &secret, &slen, &err) < 0)
		goto out;
	if (cli_open_store(c, 1, &s, &err) < 0)
		goto out;
	{
		struct vault_source src = {.key_file = c->key_file};

		if (vault_unlock_from(s, &src, 1, &v, &err) < 0)
			goto out;
	}
	if (store_begin(s, &err) < 0)
		goto out;
	if (tenant_save(s, &t, &err) < 0 ||
	    vault_put(v, "tenants", t.id, cert_file ? "certificate" : "client_secret", secret, slen,
		      &err) < 0 ||
	    activity_append(s, "tenant.add", t.name, "ok", t.tenant_id, &err) < 0) {
		store_rollback(s);
		goto out;
	}
	if (store_commit(s, &err) < 0)
		goto out;
	printf("Added tenant '%s' (#%lld). Next: tater tenant test %s\n", t.name, (long long)t.id,
	       t.name);
	ret = CLI_OK;
out:
	if (ret != CLI_OK)
		cli_error(&err);
	vault_free_passphrase(secret, slen);
	vault_close(v);
	store_close(s);
	return ret;
}

static int cmd_tenant_list(struct cli *c)
{
	struct tater_err err = {0};
	struct store *s = NULL;
	struct tenant *ts = NULL;
	size_t n = 0;

	if (cli_open_store(c, 0, &s, &err) < 0 || tenant_list(s, &ts, &n, &err) < 0) {
		cli_error(&err);
		store_close(s);
		return CLI_ERROR;
	}
	if (c->json) {
		json_t *arr = json_array();

		for (size_t i = 0; i < n; i++)
			json_array_append_new(
				arr, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s?, s:i, s:b}",
					       "id", (json_int_t)ts[i].id, "name", ts[i].name,
					       "tenant_id", ts[i].tenant_id, "client_id",
					       ts[i].client_id, "auth", ts[i].auth_kind, "cloud",
					       ts[i].cloud, "base_url",
					       ts[i].base_url[0] ? ts[i].base_url : NULL,
					       "stale_days", ts[i].stale_days, "credential_stored",
					       ts[i].has_secret || ts[i].has_certificate));
		json_dumpf(arr, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(arr);
	} else if (n == 0) {
		printf("No tenants yet: tater tenant add NAME --tenant-id ID --client-id ID "
		       "--client-secret-file F\n");
	} else {
		printf("%-4s %-20s %-38s %-12s %-8s %s\n", "ID", "NAME", "TENANT", "AUTH", "CLOUD",
		       "CREDENTIAL");
		for (size_t i = 0; i < n; i++) {
			char *name = text_sanitize(ts[i].name, (size_t)-1);

			printf("%-4lld %-20s %-38s %-12s %-8s %s\n", (long long)ts[i].id,
			       name ? name : "", ts[i].tenant_id, ts[i].auth_kind, ts[i].cloud,
			       ts[i].has_secret || ts[i].has_certificate ? "sealed" : "missing");
			free(name);
		}
	}
	free(ts);
	store_close(s);
	return CLI_OK;
}

static int cmd_tenant_test(struct cli *c, const char *name)
{
	struct tater_err err = {0};
	struct store *s = NULL;
	struct vault *v = NULL;
	struct tenant t;
	char org[256];
	int ret = CLI_ERROR;

	if (cli_open_store(c, 0, &s, &err) < 0 || tenant_get(s, name, &t, &err) < 0 ||
	    cli_unlock(c, s, &v, &err) < 0)
		goto out;
	if (collect_tenant_test(v, &t, getenv("TATER_CA_FILE"), org, sizeof(org), &err) < 0) {
		tater_err_prefix(&err, "tenant '%s'", t.name);
		if (!c->readonly)
			activity_append(s, "tenant.test", t.name, "failed", err.msg, NULL);
		goto out;
	}
	{
		char *safe = text_sanitize(org, (size_t)-1);

		printf("Signed in to '%s' and read the organisation: %s\n", t.name,
		       safe ? safe : "");
		free(safe);
	}
	if (!c->readonly)
		activity_append(s, "tenant.test", t.name, "ok", NULL, NULL);
	ret = CLI_OK;
out:
	if (ret != CLI_OK)
		cli_error(&err);
	vault_close(v);
	store_close(s);
	return ret;
}

static int cmd_tenant_remove(struct cli *c, const char *name)
{
	struct tater_err err = {0};
	struct store *s = NULL;
	struct tenant t;
	int ret = CLI_ERROR;

	if (c->readonly) {
		tater_errf(&err, TATER_EPERM, "read-only mode: the tenant was not removed");
		goto out;
	}
	if (cli_open_store(c, 0, &s, &err) < 0 || tenant_get(s, name, &t, &err) < 0 ||
	    store_begin(s, &err) < 0)
		goto out;
	if (tenant_delete(s, t.id, &err) < 0 ||
	    activity_append(s, "tenant.remove", t.name, "ok", NULL, &err) < 0) {
		store_rollback(s);
		goto out;
	}
	if (store_commit(s, &err) < 0)
		goto out;
	printf("Removed tenant '%s' and its sealed credential.\n", t.name);
	ret = CLI_OK;
out:
	if (ret != CLI_OK)
		cli_error(&err);
	store_close(s);
	return ret;
}

/* `tater tenant settings NAME [--json]`: every setting, its value and whether it is the
 * default. */
static int cmd_tenant_settings(struct cli *c, const char *name)
{
	struct tater_err err = {0};
	struct store *s = NULL;
	struct tenant t;
	json_t *out = json_array();
	int ret = CLI_ERROR;

	if (!out || cli_open_store(c, 0, &s, &err) < 0 || tenant_get(s, name, &t, &err) < 0)
		goto out;
	for (size_t i = 0; i < TENANT_SETTING_COUNT; i++) {
		const struct tenant_setting_def *d = &tenant_setting_defs[i];
		char v[512];
		int set = tenant_setting_value(s, t.id, d->key, v, sizeof(v), &err);

		if (set < 0)
			goto out;
		if (c->json) {
			json_array_append_new(out, json_pack("{s:s, s:s, s:b, s:s}", "key", d->key,
							     "value", v, "default", !set,
							     "meaning", d->help));
		} else {
			char *safe = text_sanitize(v, (size_t)-1);

			printf("%-16s %-28s %s\n", d->key,
			       safe && *safe ? safe : "(built in)", set ? "" : "(default)");
			free(safe);
		}
	}
	if (c->json) {
		json_dumpf(out, stdout, JSON_INDENT(2));
		putchar('\n');
	}
	ret = CLI_OK;
out:
	if (ret != CLI_OK)
		cli_error(&err);
	json_decref(out);
	store_close(s);
	return ret;
}

/* `tater tenant set NAME KEY VALUE`. */
static int cmd_tenant_set(struct cli *c, const char *name, const char *key, const char *value)
{
	struct tater_err err = {0};
	struct store *s = NULL;
	struct tenant t;
	int ret = CLI_ERROR;

	if (!strcmp(value, "default"))
		value = "";
	if (c->readonly) {
		tater_errf(&err, TATER_EPERM, "read-only mode: the setting was not changed");
		goto out;
	}
	if (cli_open_store(c, 0, &s, &err) < 0 || tenant_get(s, name, &t, &err) < 0 ||
	    tenant_setting_save(s, t.id, key, value, &err) < 0)
		goto out;
	{
		char *shown = text_sanitize(t.name, (size_t)-1);

		printf("%s: %s = %s\n", shown ? shown : "", key, *value ? value : "(default)");
		free(shown);
	}
	ret = CLI_OK;
out:
	if (ret != CLI_OK)
		cli_error(&err);
	store_close(s);
	return ret;
}

int cmd_tenant(struct cli *c, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "";

	if (!strcmp(sub, "add"))
		return cmd_tenant_add(c, argc - 1, argv + 1);
	if (!strcmp(sub, "list")) {
		c->json = argc > 2 && !strcmp(argv[2], "--json");
		return cmd_tenant_list(c);
	}
	if (!strcmp(sub, "settings") && (argc == 3 || (argc == 4 && !strcmp(argv[3], "--json")))) {
		c->json = argc == 4;
		return cmd_tenant_settings(c, argv[2]);
	}
	if (!strcmp(sub, "set") && argc == 5)
		return cmd_tenant_set(c, argv[2], argv[3], argv[4]);
	if ((!strcmp(sub, "test") || !strcmp(sub, "remove")) && argc == 3)
		return sub[0] == 't' ? cmd_tenant_test(c, argv[2]) : cmd_tenant_remove(c, argv[2]);
	fputs(tenant_usage, argc > 1 && !strcmp(sub, "--help") ? stdout : stderr);
	return argc > 1 && !strcmp(sub, "--help") ? CLI_OK : CLI_USAGE;
}
