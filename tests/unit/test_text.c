/* test_text.c - the sanitiser, display widths and cropping. */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tater/strbuf.h"
#include "tater/text.h"

static void check(const char *in, size_t len, const char *want)
{
	char *got = text_sanitize(in, len);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void test_escapes_are_shown(void **state)
{
	(void)state;
	/* An OSC title change ended by BEL, and a clear screen. */
	check("a\x1b]0;x\x07z", (size_t)-1, "a\\e]0;x\\x07z");
	check("\x1b[2J", (size_t)-1, "\\e[2J");
	check("tab\there\nnl\rcr", (size_t)-1, "tab\\there\\nnl\\rcr");
	check("del\x7f", (size_t)-1, "del\\x7f");
	check("nul\0x", 5, "nul\\x00x");
	/* C1 controls as UTF-8 (U+0085, U+009B CSI). */
	check("c1\xc2\x85\xc2\x9b", (size_t)-1, "c1\\x85\\x9b");
	check("plain text, kept", (size_t)-1, "plain text, kept");
	check("back\\slash", (size_t)-1, "back\\slash");
}

static void test_invalid_utf8_replaced(void **state)
{
	(void)state;
	check("\xff", (size_t)-1, "\xef\xbf\xbd");
	/* An overlong '/' and an overlong ESC must not decode. */
	check("\xc0\xaf", (size_t)-1, "\xef\xbf\xbd\xef\xbf\xbd");
	check("\xe0\x80\x9b", (size_t)-1, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	/* A surrogate, and a sequence cut short. */
	check("\xed\xa0\x80", (size_t)-1, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	check("ok\xe6\x9d", (size_t)-1, "ok\xef\xbf\xbd\xef\xbf\xbd");
	check("\xe6\x9d\xb1", (size_t)-1, "\xe6\x9d\xb1");
}

static void test_bidi_neutralised(void **state)
{
	(void)state;
	check("abc\xe2\x80\xae"
	      "def",
	      (size_t)-1, "abc\\u202edef");
	check("\xe2\x81\xa6x\xe2\x81\xa9", (size_t)-1, "\\u2066x\\u2069");
	assert_false(text_is_clean("abc\xe2\x80\xae", (size_t)-1));
	assert_true(text_is_clean("\xe6\x9d\xb1\xe4\xba\xac", (size_t)-1));
}

static void test_widths(void **state)
{
	(void)state;
	assert_int_equal(text_width("abc"), 3);
	assert_int_equal(text_width("\xe6\x9d\xb1\xe4\xba\xac"), 4); /* 東京 */
	assert_int_equal(text_width("\xf0\x9f\x94\x92"), 2);	     /* 🔒 */
	assert_int_equal(text_width("e\xcc\x81"), 1);		     /* e + combining acute */
}

static void test_crop_never_splits(void **state)
{
	int used;
	char out[64];

	(void)state;
	/* 3 cells hold one double-width character, not one and a half. */
	assert_int_equal(text_crop("\xe6\x9d\xb1\xe4\xba\xac", 3, &used), 3);
	assert_int_equal(used, 2);
	assert_int_equal(text_crop("abc", 10, &used), 3);
	assert_int_equal(text_fit("abcdef", 4, out, sizeof(out)), 4);
	assert_string_equal(out, "abc\xe2\x80\xa6");
	assert_int_equal(text_fit("\xe6\x9d\xb1\xe4\xba\xac\xe4\xba\xac", 4, out, sizeof(out)), 3);
	assert_string_equal(out, "\xe6\x9d\xb1\xe2\x80\xa6");
	/* A small buffer cuts between escapes, never inside one. */
	assert_int_equal(text_sanitize_buf("\x1b\x1b", 2, out, 4), 4);
	assert_string_equal(out, "\\e");
}

static void test_contains_ci(void **state)
{
	(void)state;
	assert_true(text_contains_ci("Tenant.Add", "t.a"));
	assert_true(text_contains_ci("anything", ""));
	assert_false(text_contains_ci("tenant", "tenants"));
}

/* The growable buffer: grows past its first allocation and the printf stack buffer, stays
 * NUL-terminated, and keeps bytes after a NUL when given a length. */
static void test_strbuf(void **state)
{
	struct strbuf b = {0};
	char big[2000];

	(void)state;
	strbuf_put(&b, "a");
	strbuf_putn(&b, "b\0c", 3);
	assert_int_equal(b.len, 4);
	assert_memory_equal(b.s, "ab\0c", 5);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	for (int i = 0; i < 5; i++)
		strbuf_printf(&b, "%d:%s;", i, big);
	assert_int_equal(b.len, 4 + 5 * (2 + sizeof(big) - 1 + 1));
	assert_int_equal(b.s[b.len], '\0');
	assert_int_equal(b.s[4 + 2 * (sizeof(big) + 2)], '2');
	assert_false(b.oom);
	free(b.s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_escapes_are_shown), cmocka_unit_test(test_invalid_utf8_replaced),
	    cmocka_unit_test(test_bidi_neutralised),  cmocka_unit_test(test_widths),
	    cmocka_unit_test(test_crop_never_splits), cmocka_unit_test(test_contains_ci),
	    cmocka_unit_test(test_strbuf),
	};

	setlocale(LC_ALL, "C.UTF-8");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
