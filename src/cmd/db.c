/* db.c - `tater db init|verify|info|passwd`: the store itself. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sqlite3.h>

#include "tater/activity.h"
#include "tater/cli.h"
#include "tater/roles.h"
#include "tater/store.h"
#include "tater/vault.h"

static const char db_usage[] =
	"usage: tater db init                 create the store and its vault (asks a passphrase)\n"
	"       tater db verify [--json]      integrity check and the activity-log hash chain\n"
	"       tater db info [--json]        path, schema version, sizes, cipher (no secrets)\n"
	"       tater db passwd [--new-key-file F]  change the vault passphrase\n"
	"       tater db role [USER [viewer|responder|admin]]  show or grant console roles\n";

static int db_init(struct cli *c)
{
	struct tater_err err = {0};
	struct store *s = NULL;
	struct vault *v = NULL;
	struct vault_source src = {.key_file = c->key_file,
				   .prompt = "New vault passphrase: "};
	int ret = CLI_ERROR;

	if (store_open(&s, c->store_path, STORE_CREATE, &err) < 0)
		goto out;
	if (vault_exists(s)) {
		printf("The store %s is already initialised (schema %d).\n", store_path(s),
		       store_schema_version(s));
		ret = CLI_OK;
		goto out;
	}
	if (vault_unlock_from(s, &src, 1, &v, &err) < 0)
		goto out;
	if (activity_append(s, "db.init", store_path(s), "ok", vault_cipher(), &err) < 0)
		goto out;
	printf("Created the store %s (schema %d, secrets sealed with %s).\n", store_path(s),
	       store_schema_version(s), vault_cipher());
	ret = CLI_OK;
out:
	if (ret != CLI_OK)
		cli_error(&err);
	vault_close(v);
	store_close(s);
	return ret;
}

static int db_verify(struct cli *c)
{
	struct tater_err err = {0}, chain_err = {0};
	struct store *s = NULL;
	int64_t bad = 0, count = 0;
	int integrity, chain, ret;

	if (cli_open_store(c, 0, &s, &err) < 0) {
		cli_error(&err);
		return CLI_ERROR;
	}
	integrity = store_integrity_check(s, &err);
	chain = activity_verify(s, &bad, &count, &chain_err);
	ret = (integrity < 0 || chain < 0) ? CLI_FOUND : CLI_OK;
	if (c->json) {
		json_t *o = json_pack("{s:s, s:b, s:s, s:b, s:I, s:s?, s:I}", "store",
				      store_path(s), "integrity_ok", integrity == 0, "integrity",
				      integrity == 0 ? "ok" : err.msg, "activity_chain_ok",
				      chain == 0, "activity_entries", (json_int_t)count,
				      "activity_problem", chain == 0 ? NULL : chain_err.msg,
				      "first_bad_entry", (json_int_t)bad);
		json_dumpf(o, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
		putchar('\n');
		json_decref(o);
	} else {
		printf("store:         %s\n", store_path(s));
		printf("integrity:     %s\n", integrity == 0 ? "ok" : err.msg);
		if (chain == 0)
			printf("activity log:  ok (%" PRId64 " entries, hash chain intact)\n",
			       count);
		else
			printf("activity log:  BROKEN at entry #%" PRId64 ": %s\n", bad,
			       chain_err.msg);
	}
	store_close(s);
	return ret;
}

static int64_t count_rows(struct store *s, const char *table)
{
	char sql[128];
	sqlite3_stmt *st;
	int64_t n = -1;

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", table);
	if (sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static int db_info(struct cli *c)
{
	static const char *const tables[] = {"tenants", "cloud_accounts", "scans", "objects",
					     "control_results", "playbooks", "incidents",
					     "alerts", "data_assets", "activity_log"};
	struct tater_err err = {0};
	struct store_info info;
	struct store *s = NULL;
	char wrap_alg[32] = "", kdf[32] = "";
	sqlite3_stmt *st;

	if (cli_open_store(c, 0, &s, &err) < 0 || store_info(s, &info, &err) < 0) {
		cli_error(&err);
		store_close(s);
		return CLI_ERROR;
	}
	if (sqlite3_prepare_v2(store_db(s), "SELECT wrap_alg, kdf FROM vault WHERE id = 1", -1,
			       &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW) {
		snprintf(wrap_alg, sizeof(wrap_alg), "%s", sqlite3_column_text(st, 0));
		snprintf(kdf, sizeof(kdf), "%s", sqlite3_column_text(st, 1));
	}
	sqlite3_finalize(st);

	if (c->json) {
		json_t *counts = json_object();
		json_t *o;

		for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
			json_object_set_new(counts, tables[i],
					    json_integer(count_rows(s, tables[i])));
		o = json_pack("{s:s, s:i, s:i, s:I, s:I, s:s, s:b, s:s, s:s, s:s, s:o}", "store",
			      store_path(s), "schema_version", info.schema_version,
			      "binary_schema_version", STORE_SCHEMA_VERSION, "file_bytes",
			      (json_int_t)info.file_bytes, "wal_bytes", (json_int_t)info.wal_bytes,
			      "journal_mode", info.journal_mode, "vault", wrap_alg[0] != 0,
			      "vault_cipher", wrap_alg, "kdf", kdf, "new_values_cipher",
			      vault_cipher(), "rows", counts);
		json_dumpf(o, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
		putchar('\n');
		json_decref(o);
	} else {
		printf("store:           %s\n", store_path(s));
		printf("schema version:  %d (this tater writes %d)\n", info.schema_version,
		       STORE_SCHEMA_VERSION);
		printf("size:            %" PRId64 " bytes (+ %" PRId64 " in the WAL), %s journal\n",
		       info.file_bytes, info.wal_bytes, info.journal_mode);
		if (wrap_alg[0])
			printf("vault:           data key wrapped with %s under %s; new secrets "
			       "sealed with %s\n",
			       wrap_alg, kdf, vault_cipher());
		else
			printf("vault:           none yet (tater db init creates it)\n");
		printf("rows:           ");
		for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
			printf(" %s %" PRId64 "%s", tables[i], count_rows(s, tables[i]),
			       i + 1 < sizeof(tables) / sizeof(tables[0]) ? "," : "\n");
	}
	store_close(s);
	return CLI_OK;
}

static int db_passwd(struct cli *c, const char *new_key_file)
{
	struct tater_err err = {0};
	struct store *s = NULL;
	struct vault *v = NULL;
	struct vault_source nsrc = {.key_file = new_key_file, .prompt = "New vault passphrase: "};
	char *pass = NULL;
	size_t len = 0;
	int ret = CLI_ERROR;

	if (c->readonly) {
		tater_errf(&err, TATER_EPERM, "read-only mode: the passphrase was not changed");
		goto out;
	}
	if (cli_open_store(c, 0, &s, &err) < 0 || cli_unlock(c, s, &v, &err) < 0)
		goto out;
	if (!new_key_file && !getenv("TATER_NEW_KEY_FILE")) {
		/* the new one from the terminal; never from the old key file */
		nsrc.key_file = NULL;
		if (c->key_file || getenv("TATER_KEY_FILE")) {
			tater_errf(&err, TATER_EINVAL,
				   "with a key file, give the new passphrase as --new-key-file F");
			goto out;
		}
	} else if (!new_key_file) {
		nsrc.key_file = getenv("TATER_NEW_KEY_FILE");
	}
	if (vault_read_passphrase(&nsrc, 1, &pass, &len, &err) < 0)
		goto out;
	if (vault_rewrap(v, pass, len, &err) < 0)
		goto out;
	if (activity_append(s, "vault.passwd", store_path(s), "ok", NULL, &err) < 0)
		goto out;
	printf("The vault passphrase of %s was changed.\n", store_path(s));
	ret = CLI_OK;
out:
	if (ret != CLI_OK)
		cli_error(&err);
	vault_free_passphrase(pass, len);
	vault_close(v);
	store_close(s);
	return ret;
}

/* Show the roles, one user's role, or grant one (admins only; logged). */
static int db_role(struct cli *c, int argc, char **argv)
{
	struct tater_err err = {0};
	struct store *s = NULL;
	enum store_role r;
	int ret = CLI_ERROR;

	if (argc > 4) {
		fputs(db_usage, stderr);
		return CLI_USAGE;
	}
	if (argc == 4 && store_role_parse(argv[3], &r, &err) < 0) {
		cli_error(&err);
		return CLI_USAGE;
	}
	if (argc == 4 && c->readonly) {
		tater_errf(&err, TATER_EPERM, "read-only mode: no role was changed");
		goto out;
	}
	if (cli_open_store(c, 0, &s, &err) < 0)
		goto out;
	if (argc == 4) {
		if (store_role_set(s, argv[2], r, &err) < 0)
			goto out;
		printf("%s is now %s.\n", argv[2], store_role_name(r));
	} else if (argc == 3) {
		if (store_role_of(s, argv[2], &r, &err) < 0)
			goto out;
		printf("%s: %s\n", argv[2], store_role_name(r));
	} else {
		sqlite3_stmt *st;

		if (store_role_of(s, store_actor(s), &r, &err) < 0)
			goto out;
		printf("you (%s): %s\n", store_actor(s), store_role_name(r));
		if (sqlite3_prepare_v2(store_db(s),
				       "SELECT os_user, role, granted_by, granted_at FROM roles"
				       " ORDER BY os_user",
				       -1, &st, NULL) == SQLITE_OK) {
			while (sqlite3_step(st) == SQLITE_ROW)
				printf("%-20s %-10s granted by %s at %s\n", sqlite3_column_text(st, 0),
				       sqlite3_column_text(st, 1), sqlite3_column_text(st, 2),
				       sqlite3_column_text(st, 3));
			sqlite3_finalize(st);
		}
		printf("Anyone else: viewer (the store's creator is admin).\n");
	}
	ret = CLI_OK;
out:
	if (ret != CLI_OK)
		cli_error(&err);
	store_close(s);
	return ret;
}

int cmd_db(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"json", no_argument, NULL, 'j'},
		{"new-key-file", required_argument, NULL, 'n'},
		{"help", no_argument, NULL, 'h'},
		{0, 0, 0, 0},
	};
	const char *sub, *new_key_file = NULL;
	int ch;

	if (argc < 2) {
		fputs(db_usage, stderr);
		return CLI_USAGE;
	}
	sub = argv[1];
	if (!strcmp(sub, "role"))
		return db_role(c, argc, argv);
	optind = 0; /* 0 re-initialises GNU getopt (main stopped it in "+" mode) */
	while ((ch = getopt_long(argc - 1, argv + 1, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'j':
			c->json = 1;
			break;
		case 'n':
			new_key_file = optarg;
			break;
		case 'h':
			fputs(db_usage, stdout);
			return CLI_OK;
		default:
			fputs(db_usage, stderr);
			return CLI_USAGE;
		}
	}
	if (optind + 1 < argc) {
		cli_errorf("db %s: unexpected argument '%s'", sub, argv[optind + 1]);
		return CLI_USAGE;
	}
	if (!strcmp(sub, "init"))
		return db_init(c);
	if (!strcmp(sub, "verify"))
		return db_verify(c);
	if (!strcmp(sub, "info"))
		return db_info(c);
	if (!strcmp(sub, "passwd"))
		return db_passwd(c, new_key_file);
	cli_errorf("db: unknown command '%s'", sub);
	fputs(db_usage, stderr);
	return CLI_USAGE;
}
