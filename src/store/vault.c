/* vault.c - sealed secrets: a data key wrapped under an Argon2id-derived key.
 *
 * Sealed value layout (a BLOB column):
 *   byte 0   format version (1)
 *   byte 1   algorithm: 1 = AES-256-GCM, 2 = XChaCha20-Poly1305-IETF
 *   nonce    12 or 24 bytes
 *   rest     ciphertext || 16-byte tag
 * Associated data: "tater:v1:<table>:<row>:<column>", so a value copied to
 * another row or column no longer opens. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>

#include "store_internal.h"
#include "tater/store.h"
#include "tater/vault.h"

#define KEY_BYTES 32
#define MAX_PASS 1024
#define MAX_FILE (64 * 1024) /* a certificate PEM with its key fits easily */
#define MIN_NEW_PASS 8

enum { ALG_AES256GCM = 1, ALG_XCHACHA = 2 };

struct vault {
	struct store *store;
	unsigned char *key; /* sodium_malloc'd data key */
};

/* Which columns hold secrets, and the key column of their table. */
static const struct secret_column {
	const char *table, *column, *key;
} secret_columns[] = {
	{"tenants", "client_secret", "id"},
	{"tenants", "certificate", "id"},
	{"remediation_config", "webhook_url", "tenant_ref"},
	{"cloud_accounts", "secret", "id"},
};

static int init_sodium(struct tater_err *err)
{
	if (sodium_init() < 0)
		return tater_errf(err, TATER_ECRYPTO, "libsodium failed to initialise");
	return 0;
}

static int forced_alg; /* 0: choose by CPU */

static int preferred_alg(void)
{
	if (forced_alg)
		return forced_alg;
	return crypto_aead_aes256gcm_is_available() ? ALG_AES256GCM : ALG_XCHACHA;
}

int vault_force_cipher(const char *name)
{
	if (!name)
		forced_alg = 0;
	else if (!strcmp(name, "xchacha20poly1305"))
		forced_alg = ALG_XCHACHA;
	else if (!strcmp(name, "aes256gcm") && crypto_aead_aes256gcm_is_available())
		forced_alg = ALG_AES256GCM;
	else
		return TATER_EINVAL;
	return 0;
}

const char *vault_cipher(void)
{
	if (sodium_init() < 0)
		return "unavailable";
	return preferred_alg() == ALG_AES256GCM ? "aes256gcm" : "xchacha20poly1305";
}

static size_t nonce_len(int alg)
{
	return alg == ALG_AES256GCM ? crypto_aead_aes256gcm_NPUBBYTES
				    : crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
}

/* AEAD over (alg, key): out = version || alg || nonce || ct||tag. */
static int seal_raw(int alg, const unsigned char *key, const char *ad, const void *plain,
		    size_t len, unsigned char **out, size_t *outlen, struct tater_err *err)
{
	size_t nl = nonce_len(alg);
	size_t total = 2 + nl + len + 16;
	unsigned char *buf = malloc(total);
	unsigned long long clen = 0;

	if (!buf)
		return tater_errf(err, TATER_ENOMEM, "out of memory");
	buf[0] = 1;
	buf[1] = (unsigned char)alg;
	randombytes_buf(buf + 2, nl);
	if (alg == ALG_AES256GCM)
		crypto_aead_aes256gcm_encrypt(buf + 2 + nl, &clen, plain, len,
					      (const unsigned char *)ad, strlen(ad), NULL,
					      buf + 2, key);
	else
		crypto_aead_xchacha20poly1305_ietf_encrypt(buf + 2 + nl, &clen, plain, len,
							   (const unsigned char *)ad, strlen(ad),
							   NULL, buf + 2, key);
	*out = buf;
	*outlen = 2 + nl + (size_t)clen;
	return 0;
}

/* Opens into sodium_malloc'd memory (NUL-terminated). */
static int open_raw(const unsigned char *key, const char *ad, const unsigned char *blob,
		    size_t bloblen, unsigned char **plain, size_t *len, struct tater_err *err)
{
	unsigned long long plen = 0;
	unsigned char *p;
	size_t nl;
	int alg, rc;

	if (bloblen < 2 || blob[0] != 1 || (blob[1] != ALG_AES256GCM && blob[1] != ALG_XCHACHA))
		return tater_errf(err, TATER_ECRYPTO, "sealed value has an unknown format");
	alg = blob[1];
	nl = nonce_len(alg);
	if (bloblen < 2 + nl + 16)
		return tater_errf(err, TATER_ECRYPTO, "sealed value is truncated");
	if (alg == ALG_AES256GCM && !crypto_aead_aes256gcm_is_available())
		return tater_errf(err, TATER_ECRYPTO,
				  "value sealed with AES-256-GCM, which this CPU cannot run");
	p = sodium_malloc(bloblen - 2 - nl - 16 + 1);
	if (!p)
		return tater_errf(err, TATER_ENOMEM, "out of memory");
	if (alg == ALG_AES256GCM)
		rc = crypto_aead_aes256gcm_decrypt(p, &plen, NULL, blob + 2 + nl, bloblen - 2 - nl,
						   (const unsigned char *)ad, strlen(ad), blob + 2,
						   key);
	else
		rc = crypto_aead_xchacha20poly1305_ietf_decrypt(
			p, &plen, NULL, blob + 2 + nl, bloblen - 2 - nl, (const unsigned char *)ad,
			strlen(ad), blob + 2, key);
	if (rc != 0) {
		sodium_free(p);
		return TATER_ECRYPTO;
	}
	p[plen] = '\0';
	*plain = p;
	*len = (size_t)plen;
	return 0;
}

/* ---- passphrases ---- */

int vault_read_file(const char *path, char **pass, size_t *len, struct tater_err *err)
{
	struct stat st;
	char *buf;
	ssize_t n;
	size_t got = 0;
	int fd, ret;

	if ((ret = init_sodium(err)) < 0)
		return ret;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return tater_errf(err, errno == ENOENT ? TATER_ENOTFOUND : TATER_EIO,
				  "cannot read %s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return tater_errf(err, TATER_EINVAL, "%s is not a regular file", path);
	}
	if (st.st_mode & 077) {
		close(fd);
		return tater_errf(err, TATER_EPERM,
				  "%s has mode %04o: others can read it; it must be 0600 "
				  "or stricter (chmod 600 %s)",
				  path, (unsigned)(st.st_mode & 07777), path);
	}
	if (st.st_size > MAX_FILE) {
		close(fd);
		return tater_errf(err, TATER_EINVAL, "%s is larger than %d KiB", path,
				  MAX_FILE / 1024);
	}
	buf = sodium_malloc(MAX_FILE + 1);
	if (!buf) {
		close(fd);
		return tater_errf(err, TATER_ENOMEM, "out of memory");
	}
	while (got < MAX_FILE && (n = read(fd, buf + got, MAX_FILE - got)) > 0)
		got += (size_t)n;
	close(fd);
	while (got > 0 && (buf[got - 1] == '\n' || buf[got - 1] == '\r'))
		got--;
	buf[got] = '\0';
	if (got == 0) {
		ret = tater_errf(err, TATER_EINVAL, "%s is empty", path);
		sodium_free(buf);
		return ret;
	}
	*pass = buf;
	*len = got;
	return 0;
}

/* Read one line from the terminal with echo off.  Ctrl-C cancels. */
static int read_tty_line(int fd, const char *prompt, char *buf, size_t cap, size_t *len,
			 struct tater_err *err)
{
	struct termios old, raw;
	size_t n = 0;
	int ret = 0;

	if (tcgetattr(fd, &old) < 0)
		return tater_errf(err, TATER_EIO, "cannot set up the terminal for a passphrase");
	raw = old;
	raw.c_lflag &= ~(tcflag_t)(ECHO | ICANON | ISIG);
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
	if (tcsetattr(fd, TCSAFLUSH, &raw) < 0)
		return tater_errf(err, TATER_EIO, "cannot set up the terminal for a passphrase");
	if (write(fd, prompt, strlen(prompt)) < 0)
		ret = tater_errf(err, TATER_EIO, "cannot write to the terminal");
	while (ret == 0) {
		unsigned char c;
		ssize_t r = read(fd, &c, 1);

		if (r <= 0 || c == 3 || c == 4) {
			ret = tater_errf(err, TATER_ECANCELED, "passphrase entry canceled");
			break;
		}
		if (c == '\r' || c == '\n')
			break;
		if (c == 0x7f || c == 8) {
			if (n > 0)
				n--;
		} else if (c == 0x15) { /* Ctrl-U */
			n = 0;
		} else if (n < cap - 1) {
			buf[n++] = (char)c;
		}
	}
	tcsetattr(fd, TCSAFLUSH, &old);
	if (write(fd, "\n", 1) < 0) {
		/* nothing more to say: the prompt line just stays open */
	}
	buf[n] = '\0';
	*len = n;
	return ret;
}

int vault_read_passphrase(const struct vault_source *src, int confirm, char **pass, size_t *len,
			  struct tater_err *err)
{
	const char *file = src ? src->key_file : NULL;
	char *a = NULL, *b = NULL;
	size_t alen = 0, blen = 0;
	int fd, ret;

	if ((ret = init_sodium(err)) < 0)
		return ret;
	if (!file || !*file)
		file = getenv("TATER_KEY_FILE");
	if (file && *file)
		return vault_read_file(file, pass, len, err);

	fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return tater_errf(err, TATER_EAUTH,
				  "the vault needs a passphrase and there is no terminal to ask on: "
				  "pass --key-file FILE or set TATER_KEY_FILE");
	a = sodium_malloc(MAX_PASS + 1);
	b = sodium_malloc(MAX_PASS + 1);
	if (!a || !b) {
		ret = tater_errf(err, TATER_ENOMEM, "out of memory");
		goto out;
	}
	ret = read_tty_line(fd, src && src->prompt ? src->prompt : "Vault passphrase: ", a,
			    MAX_PASS + 1, &alen, err);
	if (ret < 0)
		goto out;
	if (confirm) {
		if (alen < MIN_NEW_PASS) {
			ret = tater_errf(err, TATER_EINVAL,
					 "a new passphrase needs at least %d characters",
					 MIN_NEW_PASS);
			goto out;
		}
		ret = read_tty_line(fd, "Repeat the passphrase: ", b, MAX_PASS + 1, &blen, err);
		if (ret < 0)
			goto out;
		if (alen != blen || sodium_memcmp(a, b, alen) != 0) {
			ret = tater_errf(err, TATER_EINVAL, "the two passphrases differ");
			goto out;
		}
	} else if (alen == 0) {
		ret = tater_errf(err, TATER_EAUTH, "no passphrase given");
		goto out;
	}
	*pass = a;
	*len = alen;
	a = NULL;
out:
	if (a)
		sodium_free(a);
	if (b)
		sodium_free(b);
	close(fd);
	return ret;
}

void vault_free_passphrase(char *pass, size_t len)
{
	(void)len;
	if (pass)
		sodium_free(pass); /* sodium_free wipes before freeing */
}

/* ---- the vault row ---- */

int vault_exists(struct store *s)
{
	sqlite3_stmt *st;
	int n = 0;

	if (sqlite3_prepare_v2(s->db, "SELECT count(*) FROM vault", -1, &st, NULL) != SQLITE_OK)
		return 0;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n > 0;
}

static const char wrap_ad[] = "tater:v1:vault:data-key";

static int derive_kek(const char *pass, size_t len, const unsigned char *salt,
		      unsigned long long ops, size_t mem, unsigned char *kek,
		      struct tater_err *err)
{
	if (crypto_pwhash(kek, KEY_BYTES, pass, len, salt, ops, mem, crypto_pwhash_ALG_ARGON2ID13) !=
	    0)
		return tater_errf(err, TATER_ENOMEM,
				  "cannot derive the vault key (Argon2id needs %zu MiB of memory)",
				  mem >> 20);
	return 0;
}

/* Argon2id for new vaults (and each new passphrase): 32 MiB, 4 passes.  The same
 * memory-time product as libsodium's "interactive" 64 MiB x 2 (and above every setting in
 * OWASP's password-storage guidance), at half the peak memory: a scan on a shared jump host
 * peaks near 43 MB instead of 75 MB.  ~48 ms here against ~64 ms.  Each vault records its
 * own parameters, so older stores keep theirs until the passphrase changes. */
#define VAULT_KDF_OPS 4ULL
#define VAULT_KDF_MEM ((size_t)32 << 20)

/* Wrap key under pass with fresh salt and write the vault row (insert or replace). */
static int write_vault_row(struct store *s, const char *pass, size_t len, const unsigned char *key,
			   int replace, struct tater_err *err)
{
	unsigned char salt[crypto_pwhash_SALTBYTES];
	unsigned long long ops = VAULT_KDF_OPS;
	size_t mem = VAULT_KDF_MEM;
	unsigned char *kek = sodium_malloc(KEY_BYTES), *wrapped = NULL;
	size_t wlen = 0;
	sqlite3_stmt *st = NULL;
	char now[32];
	int ret, alg = preferred_alg();

	if (!kek)
		return tater_errf(err, TATER_ENOMEM, "out of memory");
	randombytes_buf(salt, sizeof(salt));
	if ((ret = derive_kek(pass, len, salt, ops, mem, kek, err)) < 0)
		goto out;
	if ((ret = seal_raw(alg, kek, wrap_ad, key, KEY_BYTES, &wrapped, &wlen, err)) < 0)
		goto out;
	store_now(now);
	if (sqlite3_prepare_v2(s->db,
			       replace ? "UPDATE vault SET kdf = ?, salt = ?, opslimit = ?, "
					 "memlimit = ?, wrap_alg = ?, wrapped_key = ?, updated_at = ?"
					 " WHERE id = 1"
				       : "INSERT INTO vault (kdf, salt, opslimit, memlimit, wrap_alg,"
					 " wrapped_key, updated_at, created_at, id)"
					 " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)",
			       -1, &st, NULL) != SQLITE_OK) {
		ret = store_sqlerr(s, "writing the vault", err);
		goto out;
	}
	sqlite3_bind_text(st, 1, "argon2id13", -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, salt, sizeof(salt), SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)ops);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)mem);
	sqlite3_bind_text(st, 5, alg == ALG_AES256GCM ? "aes256gcm" : "xchacha20poly1305", -1,
			  SQLITE_STATIC);
	sqlite3_bind_blob(st, 6, wrapped, (int)wlen, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, now, -1, SQLITE_STATIC);
	if (!replace)
		sqlite3_bind_text(st, 8, now, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		ret = store_sqlerr(s, "writing the vault", err);
out:
	sqlite3_finalize(st);
	free(wrapped);
	sodium_free(kek);
	return ret;
}

int vault_create(struct store *s, const char *pass, size_t len, struct tater_err *err)
{
	unsigned char *key;
	int ret;

	if ((ret = init_sodium(err)) < 0)
		return ret;
	if (len == 0)
		return tater_errf(err, TATER_EINVAL, "the passphrase is empty");
	if ((ret = store_begin(s, err)) < 0)
		return ret;
	if (vault_exists(s)) {
		store_rollback(s);
		return tater_errf(err, TATER_EEXIST, "the store %s already has a vault",
				  store_path(s));
	}
	key = sodium_malloc(KEY_BYTES);
	if (!key) {
		store_rollback(s);
		return tater_errf(err, TATER_ENOMEM, "out of memory");
	}
	crypto_aead_aes256gcm_keygen(key);
	ret = write_vault_row(s, pass, len, key, 0, err);
	sodium_free(key);
	if (ret < 0) {
		store_rollback(s);
		return ret;
	}
	return store_commit(s, err);
}

int vault_unlock(struct store *s, const char *pass, size_t len, struct vault **out,
		 struct tater_err *err)
{
	sqlite3_stmt *st = NULL;
	unsigned char *kek = NULL, *key = NULL;
	size_t klen = 0;
	struct vault *v;
	int ret;

	*out = NULL;
	if ((ret = init_sodium(err)) < 0)
		return ret;
	if (sqlite3_prepare_v2(s->db,
			       "SELECT kdf, salt, opslimit, memlimit, wrapped_key FROM vault"
			       " WHERE id = 1",
			       -1, &st, NULL) != SQLITE_OK)
		return store_sqlerr(s, "reading the vault", err);
	if (sqlite3_step(st) != SQLITE_ROW) {
		ret = tater_errf(err, TATER_ENOTFOUND,
				 "the store %s has no vault yet (run `tater db init`)",
				 store_path(s));
		goto out;
	}
	if (strcmp((const char *)sqlite3_column_text(st, 0), "argon2id13") != 0 ||
	    sqlite3_column_bytes(st, 1) != crypto_pwhash_SALTBYTES) {
		ret = tater_errf(err, TATER_ECRYPTO, "the vault uses an unknown key derivation");
		goto out;
	}
	kek = sodium_malloc(KEY_BYTES);
	if (!kek) {
		ret = tater_errf(err, TATER_ENOMEM, "out of memory");
		goto out;
	}
	ret = derive_kek(pass, len, sqlite3_column_blob(st, 1),
			 (unsigned long long)sqlite3_column_int64(st, 2),
			 (size_t)sqlite3_column_int64(st, 3), kek, err);
	if (ret < 0)
		goto out;
	ret = open_raw(kek, wrap_ad, sqlite3_column_blob(st, 4),
		       (size_t)sqlite3_column_bytes(st, 4), &key, &klen, err);
	if (ret < 0 || klen != KEY_BYTES) {
		ret = tater_errf(err, TATER_EAUTH,
				 "wrong passphrase for the vault of %s; nothing was changed",
				 store_path(s));
		goto out;
	}
	v = calloc(1, sizeof(*v));
	if (!v) {
		ret = tater_errf(err, TATER_ENOMEM, "out of memory");
		goto out;
	}
	v->store = s;
	v->key = key;
	key = NULL;
	*out = v;
out:
	sqlite3_finalize(st);
	if (kek)
		sodium_free(kek);
	if (key)
		sodium_free(key);
	return ret;
}

int vault_unlock_from(struct store *s, const struct vault_source *src, int create_missing,
		      struct vault **out, struct tater_err *err)
{
	char *pass = NULL;
	size_t len = 0;
	int ret, create = create_missing && !vault_exists(s);

	if ((ret = vault_read_passphrase(src, create, &pass, &len, err)) < 0)
		return ret;
	if (create && (ret = vault_create(s, pass, len, err)) < 0)
		goto out;
	ret = vault_unlock(s, pass, len, out, err);
out:
	vault_free_passphrase(pass, len);
	return ret;
}

void vault_close(struct vault *v)
{
	if (!v)
		return;
	sodium_free(v->key);
	free(v);
}

int vault_clone(const struct vault *v, struct store *other, struct vault **out,
		struct tater_err *err)
{
	struct vault *c = calloc(1, sizeof(*c));

	*out = NULL;
	if (!c || !(c->key = sodium_malloc(KEY_BYTES))) {
		free(c);
		return tater_errf(err, TATER_ENOMEM, "out of memory");
	}
	memcpy(c->key, v->key, KEY_BYTES);
	c->store = other;
	*out = c;
	return 0;
}

int vault_rewrap(struct vault *v, const char *newpass, size_t len, struct tater_err *err)
{
	int ret;

	if (len == 0)
		return tater_errf(err, TATER_EINVAL, "the new passphrase is empty");
	if ((ret = store_begin(v->store, err)) < 0)
		return ret;
	if ((ret = write_vault_row(v->store, newpass, len, v->key, 1, err)) < 0) {
		store_rollback(v->store);
		return ret;
	}
	return store_commit(v->store, err);
}

static void make_ad(char *ad, size_t n, const char *table, int64_t row, const char *column)
{
	snprintf(ad, n, "tater:v1:%s:%lld:%s", table, (long long)row, column);
}

int vault_seal(struct vault *v, const char *table, int64_t row, const char *column,
	       const void *plain, size_t len, unsigned char **blob, size_t *bloblen,
	       struct tater_err *err)
{
	char ad[256];

	make_ad(ad, sizeof(ad), table, row, column);
	return seal_raw(preferred_alg(), v->key, ad, plain, len, blob, bloblen, err);
}

int vault_open_value(struct vault *v, const char *table, int64_t row, const char *column,
		     const unsigned char *blob, size_t bloblen, char **plain, size_t *len,
		     struct tater_err *err)
{
	char ad[256];
	int ret;

	make_ad(ad, sizeof(ad), table, row, column);
	ret = open_raw(v->key, ad, blob, bloblen, (unsigned char **)plain, len, err);
	if (ret == TATER_ECRYPTO && (!err || err->code != TATER_ECRYPTO || !err->msg[0]))
		tater_errf(err, TATER_ECRYPTO,
			   "the sealed %s.%s of row %lld does not open: it was altered or "
			   "moved from another row",
			   table, column, (long long)row);
	return ret;
}

void vault_free_plain(char *plain, size_t len)
{
	(void)len;
	if (plain)
		sodium_free(plain);
}

static const struct secret_column *find_secret_column(const char *table, const char *column)
{
	for (size_t i = 0; i < sizeof(secret_columns) / sizeof(secret_columns[0]); i++)
		if (!strcmp(secret_columns[i].table, table) &&
		    !strcmp(secret_columns[i].column, column))
			return &secret_columns[i];
	return NULL;
}

int vault_put(struct vault *v, const char *table, int64_t row, const char *column,
	      const char *plain, size_t len, struct tater_err *err)
{
	const struct secret_column *sc = find_secret_column(table, column);
	unsigned char *blob = NULL;
	size_t bloblen = 0;
	sqlite3_stmt *st;
	char sql[256];
	int ret;

	if (!sc)
		return tater_errf(err, TATER_EINVAL, "%s.%s is not a secret column", table, column);
	snprintf(sql, sizeof(sql), "UPDATE %s SET %s = ? WHERE %s = ?", sc->table, sc->column,
		 sc->key);
	if (plain && (ret = vault_seal(v, table, row, column, plain, len, &blob, &bloblen, err)) < 0)
		return ret;
	if (sqlite3_prepare_v2(v->store->db, sql, -1, &st, NULL) != SQLITE_OK) {
		free(blob);
		return store_sqlerr(v->store, "storing a secret", err);
	}
	if (blob)
		sqlite3_bind_blob(st, 1, blob, (int)bloblen, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, row);
	ret = sqlite3_step(st) == SQLITE_DONE ? 0 : store_sqlerr(v->store, "storing a secret", err);
	if (ret == 0 && sqlite3_changes(v->store->db) == 0)
		ret = tater_errf(err, TATER_ENOTFOUND, "no %s row %lld to hold the secret", table,
				 (long long)row);
	sqlite3_finalize(st);
	free(blob);
	return ret;
}

int vault_get(struct vault *v, const char *table, int64_t row, const char *column, char **plain,
	      size_t *len, struct tater_err *err)
{
	const struct secret_column *sc = find_secret_column(table, column);
	sqlite3_stmt *st;
	char sql[256];
	int ret;

	*plain = NULL;
	if (!sc)
		return tater_errf(err, TATER_EINVAL, "%s.%s is not a secret column", table, column);
	snprintf(sql, sizeof(sql), "SELECT %s FROM %s WHERE %s = ?", sc->column, sc->table,
		 sc->key);
	if (sqlite3_prepare_v2(v->store->db, sql, -1, &st, NULL) != SQLITE_OK)
		return store_sqlerr(v->store, "reading a secret", err);
	sqlite3_bind_int64(st, 1, row);
	if (sqlite3_step(st) != SQLITE_ROW || sqlite3_column_type(st, 0) == SQLITE_NULL) {
		sqlite3_finalize(st);
		return tater_errf(err, TATER_ENOTFOUND, "no %s is stored for %s row %lld", column,
				  table, (long long)row);
	}
	ret = vault_open_value(v, table, row, column, sqlite3_column_blob(st, 0),
			       (size_t)sqlite3_column_bytes(st, 0), plain, len, err);
	sqlite3_finalize(st);
	return ret;
}

void vault_redact(const char *secret, char *out, size_t n)
{
	const char *scheme_end, *host, *host_end, *q;
	size_t used;

	if (!n)
		return;
	out[0] = '\0';
	if (!secret || !*secret) {
		snprintf(out, n, "(none)");
		return;
	}
	scheme_end = strstr(secret, "://");
	if (!scheme_end) {
		snprintf(out, n, "****");
		return;
	}
	host = scheme_end + 3;
	host_end = host + strcspn(host, "/?#");
	/* Userinfo can carry a password: drop it. */
	for (const char *at = host; at < host_end; at++)
		if (*at == '@')
			host = at + 1;
	used = (size_t)snprintf(out, n, "%.*s://%.*s/", (int)(scheme_end - secret), secret,
				(int)(host_end - host), host);
	if (used >= n)
		return;
	q = strchr(host_end, '?');
	if ((q && q > host_end + 1) || (!q && host_end[0] == '/' && host_end[1]))
		used += (size_t)snprintf(out + used, n - used, "\u2026");
	if (!q || used >= n)
		return;
	used += (size_t)snprintf(out + used, n - used, "?");
	for (const char *p = q + 1; *p && used < n;) {
		size_t klen = strcspn(p, "=&#");

		used += (size_t)snprintf(out + used, n - used, "%.*s=****", (int)klen, p);
		p += klen;
		p += strcspn(p, "&#");
		if (*p != '&')
			break;
		p++;
		if (used < n)
			used += (size_t)snprintf(out + used, n - used, "&");
	}
}
