/* test_vault.c - sealed secrets: round trip, binding to table/row/column,
 * nothing in clear on disk, wrong passphrase, re-wrap, both ciphers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "tater/store.h"
#include "tater/vault.h"
#include "testutil.h"

static const char PASS[] = "correct horse battery staple";
static const char SECRET[] = "Zq8~SuperSecretClientValue-7f3a91";

struct fx {
	char *dir, *path;
	struct store *s;
	struct vault *v;
};

static void add_tenant(struct store *s, const char *name)
{
	char sql[256];

	snprintf(sql, sizeof(sql),
		 "INSERT INTO tenants (name, tenant_id, client_id, created_at, updated_at)"
		 " VALUES ('%s', 'contoso.example', '11111111-1111-4111-8111-111111111111', 'x', 'x')",
		 name);
	assert_int_equal(store_exec(s, sql, NULL), 0);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct tater_err err = {0};

	f->s = tu_store_new("vault", "t.db", &f->dir, &f->path);
	assert_int_equal(vault_create(f->s, PASS, strlen(PASS), &err), 0);
	assert_int_equal(vault_unlock(f->s, PASS, strlen(PASS), &f->v, &err), 0);
	add_tenant(f->s, "one");
	add_tenant(f->s, "two");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	vault_force_cipher(NULL);
	vault_close(f->v);
	tu_store_free(f->s, f->dir, f->path);
	free(f);
	return 0;
}

static void test_round_trip(void **state)
{
	struct fx *f = *state;
	struct tater_err err = {0};
	char *plain = NULL;
	size_t len = 0;

	assert_int_equal(vault_put(f->v, "tenants", 1, "client_secret", SECRET, strlen(SECRET), &err),
			 0);
	assert_int_equal(vault_get(f->v, "tenants", 1, "client_secret", &plain, &len, &err), 0);
	assert_int_equal(len, strlen(SECRET));
	assert_string_equal(plain, SECRET);
	vault_free_plain(plain, len);

	/* Nothing stored for row 2 yet: a clear "not found", not garbage. */
	assert_int_equal(vault_get(f->v, "tenants", 2, "client_secret", &plain, &len, &err),
			 TATER_ENOTFOUND);
	/* Columns that are not secrets are refused. */
	assert_int_equal(vault_put(f->v, "tenants", 1, "name", "x", 1, &err), TATER_EINVAL);
}

static void copy_blob(struct store *s, const char *sql)
{
	assert_int_equal(store_exec(s, sql, NULL), 0);
}

static void test_moved_value_fails(void **state)
{
	struct fx *f = *state;
	struct tater_err err = {0};
	char *plain = NULL;
	size_t len = 0;

	assert_int_equal(vault_put(f->v, "tenants", 1, "client_secret", SECRET, strlen(SECRET), &err),
			 0);
	/* Into another row. */
	copy_blob(f->s, "UPDATE tenants SET client_secret = (SELECT client_secret FROM tenants"
			" WHERE id = 1) WHERE id = 2");
	assert_int_equal(vault_get(f->v, "tenants", 2, "client_secret", &plain, &len, &err),
			 TATER_ECRYPTO);
	assert_null(plain);
	assert_true(tu_contains(err.msg, "moved"));
	/* Into another column of the same row. */
	copy_blob(f->s, "UPDATE tenants SET certificate = client_secret WHERE id = 1");
	assert_int_equal(vault_get(f->v, "tenants", 1, "certificate", &plain, &len, &err),
			 TATER_ECRYPTO);
	/* A flipped bit. */
	copy_blob(f->s, "UPDATE tenants SET certificate = NULL WHERE id = 1");
	{
		sqlite3_stmt *st;
		unsigned char buf[256];
		int n;

		assert_int_equal(sqlite3_prepare_v2(store_db(f->s),
						    "SELECT client_secret FROM tenants WHERE id = 1",
						    -1, &st, NULL),
				 SQLITE_OK);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		n = sqlite3_column_bytes(st, 0);
		assert_true(n > 20 && n < (int)sizeof(buf));
		memcpy(buf, sqlite3_column_blob(st, 0), (size_t)n);
		sqlite3_finalize(st);
		buf[n - 1] ^= 1;
		assert_int_equal(vault_open_value(f->v, "tenants", 1, "client_secret", buf,
						  (size_t)n, &plain, &len, &err),
				 TATER_ECRYPTO);
	}
	/* The original still opens. */
	assert_int_equal(vault_get(f->v, "tenants", 1, "client_secret", &plain, &len, &err), 0);
	vault_free_plain(plain, len);
}

static int file_has(const char *path, const char *needle)
{
	size_t len = 0;
	char *buf = tu_read_file(path, &len);
	int found;

	if (!buf)
		return 0;
	found = memmem(buf, len, needle, strlen(needle)) != NULL;
	free(buf);
	return found;
}

static void test_no_secret_in_clear_on_disk(void **state)
{
	struct fx *f = *state;
	struct tater_err err = {0};
	char *wal;

	assert_int_equal(vault_put(f->v, "tenants", 1, "client_secret", SECRET, strlen(SECRET), &err),
			 0);
	assert_int_equal(vault_put(f->v, "remediation_config", 1, "webhook_url", "x", 1, &err),
			 TATER_ENOTFOUND);
	wal = tu_path(f->dir, "t.db-wal");
	/* Before and after a checkpoint: neither the WAL nor the main file. */
	assert_false(file_has(f->path, SECRET));
	assert_false(file_has(wal, SECRET));
	assert_false(file_has(f->path, PASS));
	assert_false(file_has(wal, PASS));
	assert_int_equal(store_exec(f->s, "PRAGMA wal_checkpoint(TRUNCATE)", NULL), 0);
	assert_false(file_has(f->path, SECRET));
	assert_false(file_has(f->path, PASS));
	free(wal);
}

static void test_wrong_passphrase(void **state)
{
	struct fx *f = *state;
	struct tater_err err = {0};
	struct vault *v = NULL;

	assert_int_equal(vault_unlock(f->s, "not the passphrase", 18, &v, &err), TATER_EAUTH);
	assert_null(v);
	assert_true(tu_contains(err.msg, "wrong passphrase"));
}

/* New vaults use Argon2id at 32 MiB and 4 passes, and unlocking follows what the vault row
 * records: other parameters there derive another key, so the passphrase no longer opens it. */
static void test_kdf_parameters(void **state)
{
	struct fx *f = *state;
	struct tater_err err = {0};
	struct vault *v = NULL;
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_prepare_v2(store_db(f->s),
					    "SELECT kdf, opslimit, memlimit FROM vault", -1, &st,
					    NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "argon2id13");
	assert_int_equal(sqlite3_column_int64(st, 1), 4);
	assert_int_equal(sqlite3_column_int64(st, 2), 32 << 20);
	sqlite3_finalize(st);
	assert_int_equal(store_exec(f->s, "UPDATE vault SET opslimit = 2", NULL), 0);
	assert_int_equal(vault_unlock(f->s, PASS, strlen(PASS), &v, &err), TATER_EAUTH);
	assert_int_equal(store_exec(f->s, "UPDATE vault SET opslimit = 4", NULL), 0);
	assert_int_equal(vault_unlock(f->s, PASS, strlen(PASS), &v, &err), 0);
	vault_close(v);
}

static void test_rewrap(void **state)
{
	struct fx *f = *state;
	struct tater_err err = {0};
	struct vault *v = NULL;
	char *plain = NULL;
	size_t len = 0;
	const char *np = "a brand new passphrase";

	assert_int_equal(vault_put(f->v, "tenants", 2, "client_secret", SECRET, strlen(SECRET), &err),
			 0);
	assert_int_equal(vault_rewrap(f->v, np, strlen(np), &err), 0);
	assert_int_equal(vault_unlock(f->s, PASS, strlen(PASS), &v, &err), TATER_EAUTH);
	assert_int_equal(vault_unlock(f->s, np, strlen(np), &v, &err), 0);
	assert_int_equal(vault_get(v, "tenants", 2, "client_secret", &plain, &len, &err), 0);
	assert_string_equal(plain, SECRET);
	vault_free_plain(plain, len);
	vault_close(v);
	/* Creating a second vault is refused. */
	assert_int_equal(vault_create(f->s, np, strlen(np), &err), TATER_EEXIST);
}

static void test_both_ciphers(void **state)
{
	struct fx *f = *state;
	struct tater_err err = {0};
	const char *names[] = {"xchacha20poly1305", "aes256gcm"};

	for (int i = 0; i < 2; i++) {
		unsigned char *blob = NULL;
		size_t bl = 0, len = 0;
		char *plain = NULL;

		if (vault_force_cipher(names[i]) < 0)
			continue; /* no AES-NI here: the fallback is what runs */
		assert_int_equal(vault_seal(f->v, "cloud_accounts", 7, "secret", SECRET,
					    strlen(SECRET), &blob, &bl, &err),
				 0);
		assert_int_equal(blob[1], i == 0 ? 2 : 1); /* the algorithm is recorded */
		assert_int_equal(vault_open_value(f->v, "cloud_accounts", 7, "secret", blob, bl,
						  &plain, &len, &err),
				 0);
		assert_string_equal(plain, SECRET);
		vault_free_plain(plain, len);
		free(blob);
	}
	/* A value sealed with one cipher still opens once the default changes. */
	vault_force_cipher("xchacha20poly1305");
	assert_int_equal(vault_put(f->v, "tenants", 1, "client_secret", SECRET, strlen(SECRET), &err),
			 0);
	vault_force_cipher(NULL);
	{
		char *plain = NULL;
		size_t len = 0;

		assert_int_equal(vault_get(f->v, "tenants", 1, "client_secret", &plain, &len, &err),
				 0);
		vault_free_plain(plain, len);
	}
}

static void test_redact(void **state)
{
	char out[256];

	(void)state;
	vault_redact("https://abc.webhook.weu.azure-automation.net/webhooks?token=s3cr%2Ft", out,
		     sizeof(out));
	assert_string_equal(out, "https://abc.webhook.weu.azure-automation.net/\u2026?token=****");
	assert_null(strstr(out, "s3cr"));
	vault_redact("https://user:pw@host.example/a/b?x=1&sig=zz", out, sizeof(out));
	assert_null(strstr(out, "pw"));
	assert_null(strstr(out, "zz"));
	assert_string_equal(out, "https://host.example/\u2026?x=****&sig=****");
	vault_redact("plain-secret-value", out, sizeof(out));
	assert_string_equal(out, "****");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_moved_value_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_secret_in_clear_on_disk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_passphrase, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kdf_parameters, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rewrap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_both_ciphers, setup, teardown),
		cmocka_unit_test(test_redact),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
