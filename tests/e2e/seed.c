/* seed.c - put hostile and wide text into a store for the end-to-end tests.
 *
 * usage: e2e_seed STORE [FILLER]
 * Appends activity entries whose target holds terminal escape sequences
 * (an OSC title change ended by BEL, and a clear-screen CSI), one with
 * CJK and emoji text, one with a bidi override, then FILLER plain entries. */
#include <stdio.h>
#include <stdlib.h>

#include "tater/activity.h"
#include "tater/store.h"

int main(int argc, char **argv)
{
	struct store *s = NULL;
	struct tater_err err = {0};
	long filler = argc > 2 ? atol(argv[2]) : 0;
	int rc;

	if (argc < 2) {
		fprintf(stderr, "usage: e2e_seed STORE [FILLER]\n");
		return 2;
	}
	if (store_open(&s, argv[1], STORE_CREATE, &err) < 0) {
		fprintf(stderr, "e2e_seed: %s\n", err.msg);
		return 1;
	}
	rc = store_begin(s, &err);
	for (long i = 0; rc == 0 && i < filler; i++) {
		char target[64];

		snprintf(target, sizeof(target), "filler-%06ld", i);
		rc = activity_append(s, "test.fill", target, "ok", "bulk entry", &err);
	}
	if (rc == 0)
		rc = activity_append(s, "tenant.add", "evil\x1b]0;x\x07name\x1b[2Jend", "ok",
				     "title \x1b]0;pwned\x07 and clear \x1b[2J", &err);
	if (rc == 0)
		rc =
		    activity_append(s, "tenant.add", "\xe6\x9d\xb1\xe4\xba\xac\xf0\x9f\x94\x92wide",
				    "ok", "CJK and emoji", &err);
	if (rc == 0)
		rc = activity_append(s, "tenant.add",
				     "abc\xe2\x80\xae"
				     "def",
				     "ok", "bidi override", &err);
	if (rc == 0)
		rc = store_commit(s, &err);
	if (rc < 0) {
		fprintf(stderr, "e2e_seed: %s\n", err.msg);
		store_rollback(s);
	}
	store_close(s);
	return rc < 0 ? 1 : 0;
}
