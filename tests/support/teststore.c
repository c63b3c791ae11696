/* teststore.c - a store in a fresh temporary directory, for test fixtures.
 * Apart from testutil.c so that tests which never open a store do not link one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "tater/store.h"
#include "testutil.h"

struct store *tu_store_new(const char *tag, const char *name, char **dir, char **path)
{
	struct tater_err err = {0};
	struct store *s = NULL;

	*dir = tu_tmpdir(tag);
	*path = tu_path(*dir, name);
	assert_int_equal(store_open(&s, *path, STORE_CREATE, &err), 0);
	return s;
}

void tu_store_free(struct store *s, char *dir, char *path)
{
	store_close(s);
	tu_rmtree(dir);
	free(path);
	free(dir);
}
