/* vault.h - sealed secrets in the store.
 *
 * A random 256-bit data key seals every secret with AES-256-GCM (libsodium),
 * or XChaCha20-Poly1305 where the CPU has no AES-NI; the algorithm is recorded
 * in each sealed value.  The associated data names table, row and column, so a
 * sealed value copied elsewhere fails to open.  The data key is wrapped by a
 * key derived with Argon2id from the passphrase.  Key material lives in
 * sodium_malloc'd memory and is wiped when freed.
 *
 * Passphrase sources, first that applies: an explicit key file (--key-file),
 * $TATER_KEY_FILE, the controlling terminal (no echo).  A key file must be
 * mode 0600 or stricter. */
#ifndef TATER_VAULT_H
#define TATER_VAULT_H

#include <stddef.h>
#include <stdint.h>

#include "tater/err.h"

struct store;
struct vault;

struct vault_source {
	const char *key_file; /* NULL: $TATER_KEY_FILE, then the terminal */
	const char *prompt;   /* terminal prompt; NULL for a default */
};

/* Read a passphrase from the source into sodium_malloc'd memory.  confirm:
 * ask twice on a terminal (for a new passphrase). */
int vault_read_passphrase(const struct vault_source *src, int confirm, char **pass, size_t *len,
			  struct tater_err *err);
void vault_free_passphrase(char *pass, size_t len);

/* Read a secret from a file (a key file, a client-secret file, a certificate PEM): refused
 * unless mode 0600 or stricter; a trailing newline is dropped.  *out is sodium_malloc'd:
 * free with vault_free_passphrase. */
int vault_read_file(const char *path, char **out, size_t *len, struct tater_err *err);

/* Does the store hold a vault yet? */
int vault_exists(struct store *s);

/* Create the vault with a new passphrase (refused if one exists). */
int vault_create(struct store *s, const char *pass, size_t len, struct tater_err *err);

/* Unlock with a passphrase.  Wrong passphrase: TATER_EAUTH, nothing changed. */
int vault_unlock(struct store *s, const char *pass, size_t len, struct vault **out,
		 struct tater_err *err);

/* Read the passphrase from src and unlock (or create when create_missing and
 * there is no vault yet). */
int vault_unlock_from(struct store *s, const struct vault_source *src, int create_missing,
		      struct vault **out, struct tater_err *err);

void vault_close(struct vault *v);

/* A second handle on the same unlocked key for another store connection (a
 * worker thread's), so the passphrase is asked once per process. */
int vault_clone(const struct vault *v, struct store *other, struct vault **out,
		struct tater_err *err);

/* Re-wrap the data key under a new passphrase (sealed values are unchanged). */
int vault_rewrap(struct vault *v, const char *newpass, size_t len, struct tater_err *err);

/* "aes256gcm" or "xchacha20poly1305": what new values are sealed with. */
const char *vault_cipher(void);

/* Tests only: seal new values with this cipher ("aes256gcm", "xchacha20poly1305"),
 * NULL to choose by CPU again.  Shows that both paths seal and open. */
int vault_force_cipher(const char *name);

/* Seal plain into a new malloc'd blob bound to (table, row, column). */
int vault_seal(struct vault *v, const char *table, int64_t row, const char *column,
	       const void *plain, size_t len, unsigned char **blob, size_t *bloblen,
	       struct tater_err *err);
/* Open a blob; *plain is sodium_malloc'd, NUL-terminated; free with vault_free_plain. */
int vault_open_value(struct vault *v, const char *table, int64_t row, const char *column,
		     const unsigned char *blob, size_t bloblen, char **plain, size_t *len,
		     struct tater_err *err);
void vault_free_plain(char *plain, size_t len);

/* Store / load a secret column of a row: UPDATE table SET column = sealed WHERE id = row.
 * Only the secret columns of the schema are accepted. */
int vault_put(struct vault *v, const char *table, int64_t row, const char *column,
	      const char *plain, size_t len, struct tater_err *err);
int vault_get(struct vault *v, const char *table, int64_t row, const char *column, char **plain,
	      size_t *len, struct tater_err *err); /* TATER_ENOTFOUND when NULL */

/* Redact a secret for display: URLs keep scheme, host and query keys
 * ("https://host/…?token=****"), anything else becomes "****" plus its length class. */
void vault_redact(const char *secret, char *out, size_t n);

#endif
