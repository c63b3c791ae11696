/* common.c - helpers shared by the headless subcommands. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tater/cli.h"
#include "tater/store.h"
#include "tater/text.h"
#include "tater/vault.h"

int cli_open_store(struct cli *c, int create, struct store **out, struct tater_err *err)
{
	unsigned flags = create ? STORE_CREATE : 0;

	if (c->readonly && !create)
		flags |= STORE_READONLY;
	return store_open(out, c->store_path, flags, err);
}

int cli_unlock(struct cli *c, struct store *s, struct vault **out, struct tater_err *err)
{
	struct vault_source src = {.key_file = c->key_file, .prompt = "Vault passphrase: "};

	return vault_unlock_from(s, &src, 0, out, err);
}

/* Messages may quote things from outside (paths, service messages): they go through the
 * one sanitiser, so C1 controls, bidi overrides and bad UTF-8 are handled too. */
void cli_error(const struct tater_err *err)
{
	char safe[2 * sizeof(err->msg)];

	text_sanitize_buf(err && err->msg[0] ? err->msg : "unknown error", (size_t)-1, safe,
			  sizeof(safe));
	fprintf(stderr, "tater: %s\n", safe);
}

void cli_errorf(const char *fmt, ...)
{
	struct tater_err e;
	va_list ap;

	va_start(ap, fmt);
	tater_verrf(&e, TATER_EINVAL, fmt, ap);
	va_end(ap);
	cli_error(&e);
}
