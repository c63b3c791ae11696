/* test_jsonscan.c - the page scanner agrees with jansson on what is well-formed JSON, and
 * reads the items count and the next link as the tree would. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "tater/jsonscan.h"

/* What jansson makes of a page: validity, object, items array and count, next link. */
struct expect {
	int ok, is_object, items_is_array, all_objects;
	size_t nitems;
	int next_found, next_is_string;
	const char *next;
	json_t *doc;
};

static void jansson_view(const char *p, size_t len, const char *key, struct expect *e)
{
	json_error_t jerr;
	json_t *items, *next;

	memset(e, 0, sizeof(*e));
	/* Any value at the top: the grammar is compared; "not an object" is the caller's. */
	e->doc = json_loadb(p, len, JSON_DECODE_ANY, &jerr);
	if (!e->doc)
		return;
	e->ok = 1;
	e->is_object = json_is_object(e->doc);
	items = json_object_get(e->doc, key ? key : "value");
	if (json_is_array(items)) {
		size_t i;
		json_t *it;

		e->items_is_array = 1;
		e->nitems = json_array_size(items);
		e->all_objects = 1;
		json_array_foreach(items, i, it) if (!json_is_object(it)) e->all_objects = 0;
	}
	next = json_object_get(e->doc, "@odata.nextLink");
	if (!next || json_is_null(next))
		next = json_object_get(e->doc, "nextLink");
	if (next && !json_is_null(next)) {
		e->next_found = 1;
		e->next_is_string = json_is_string(next);
		e->next = json_string_value(next);
	}
}

/* json_scan_items hands over every object item as jansson reads it, with its fields. */
static const char *const item_fields[] = {"id", "userId", "createdDateTime"};

struct items_seen {
	json_t *want; /* the items array (jansson) */
	size_t next;  /* the index of the next item expected */
	int calls;
};

static int on_item(void *ctx, const char *item, size_t len, const char *const *vals)
{
	struct items_seen *is = ctx;
	json_t *got = json_loadb(item, len, 0, NULL), *want;

	/* The next object item of the array (non-objects are not handed over). */
	while ((want = json_array_get(is->want, is->next)) && !json_is_object(want))
		is->next++;
	assert_non_null(want);
	assert_non_null(got);
	assert_true(json_equal(got, want));
	for (int k = 0; k < 3; k++) {
		const char *w = json_string_value(json_object_get(want, item_fields[k]));

		if (w)
			assert_string_equal(vals[k], w);
		else
			assert_null(vals[k]);
	}
	json_decref(got);
	is->next++;
	is->calls++;
	return 0;
}

static void check_items(const char *p, size_t len, const char *key, const struct expect *e)
{
	struct items_seen is = {0};
	struct json_item_opts io = {item_fields, 3, on_item, &is};
	struct json_page_scan s;
	json_t *items = json_object_get(e->doc, key ? key : "value");
	size_t objects = 0, i;
	json_t *it;

	/* A repeated items key hands over both arrays: not compared here. */
	{
		const char *k = "\"value\"", *q = p, *end = p + len;
		int seen = 0;

		while (q < end && (q = memmem(q, (size_t)(end - q), k, strlen(k)))) {
			seen++;
			q += strlen(k);
		}
		if (!json_is_array(items) || seen > 1)
			return;
	}
	json_array_foreach(items, i, it) objects += json_is_object(it) != 0;
	is.want = items;
	assert_int_equal(json_scan_items(p, len, key, &io, &s), 0);
	assert_int_equal(is.calls, objects);
	free(s.next);
}

/* The scanner and jansson agree on p; returns whether it was well-formed. */
static int agree(const char *p, size_t len, const char *key)
{
	struct expect e;
	struct json_page_scan s;
	int rc = json_scan_page(p, len, key, &s);

	jansson_view(p, len, key, &e);
	if ((rc == 0) != e.ok) {
		print_error("disagree on validity of [%.*s]: scanner %s, jansson %s\n", (int)len, p,
			    rc == 0 ? "ok" : s.error, e.ok ? "ok" : "invalid");
		fail();
	}
	if (rc == 0 && e.is_object) {
		assert_int_equal(s.is_object, 1);
		assert_int_equal(s.items_is_array, e.items_is_array);
		if (e.items_is_array) {
			assert_int_equal(s.nitems, e.nitems);
			assert_int_equal(s.items_all_objects, e.all_objects);
		}
		assert_int_equal(s.next_found, e.next_found);
		assert_int_equal(s.next_is_string, e.next_is_string);
		if (e.next_is_string) {
			assert_non_null(s.next);
			assert_string_equal(s.next, e.next);
		} else {
			assert_null(s.next);
		}
		check_items(p, len, key, &e);
	} else if (rc == 0) {
		assert_int_equal(s.is_object, 0);
	} else {
		assert_non_null(s.error);
		assert_true(s.line >= 1 && s.column >= 1);
	}
	free(s.next);
	json_decref(e.doc);
	return rc == 0;
}

#define AGREE(lit) agree(lit, sizeof(lit) - 1, NULL)

static void test_graph_pages(void **state)
{
	(void)state;
	assert_true(
	    AGREE("{\"@odata.context\":\"x\",\"value\":[{\"id\":\"1\"},{\"id\":\"2\"}],"
		  "\"@odata.nextLink\":\"https://graph.microsoft.com/v1.0/users?$skiptoken=a\"}"));
	assert_true(AGREE("{\"value\":[]}"));
	assert_true(AGREE(" { \"value\" : [ { } , { \"a\" : [ 1 , 2 ] } ] } \n"));
	/* ARM's nextLink; Graph's wins when both are there, unless it is null. */
	assert_true(AGREE("{\"value\":[],\"nextLink\":\"https://m/x?skip=1\"}"));
	assert_true(AGREE("{\"nextLink\":\"b\",\"@odata.nextLink\":\"a\",\"value\":[]}"));
	assert_true(AGREE("{\"nextLink\":\"b\",\"@odata.nextLink\":null,\"value\":[]}"));
	assert_true(AGREE("{\"@odata.nextLink\":null,\"nextLink\":\"b\",\"value\":[]}"));
	assert_true(AGREE("{\"@odata.nextLink\":\"a\",\"nextLink\":\"b\",\"value\":[]}"));
	assert_true(AGREE("{\"@odata.nextLink\":5,\"value\":[]}"));
	assert_true(AGREE("{\"@odata.nextLink\":\"a\",\"@odata.nextLink\":\"c\",\"value\":[1]}"));
	/* Escapes in the link and in a key. */
	assert_true(AGREE(
	    "{\"value\":[],\"@odata.nextLink\":\"https:\\/\\/h\\/p?q=\\u00e9&r=\\ud83d\\ude00\"}"));
	assert_true(AGREE("{\"val\\u0075e\":[{},{}],\"@odata.next\\u004cink\":\"x\"}"));
	/* Fields of items: escaped, repeated (the last counts), not strings, nested look-alikes. */
	assert_true(AGREE("{\"value\":[{\"id\":\"a\\u00e9\",\"userId\":\"u1\","
			  "\"createdDateTime\":\"2026-11-30T12:34:56.1234567Z\"},"
			  "{\"id\":1,\"userId\":null,\"x\":{\"id\":\"inner\"}},"
			  "{\"i\\u0064\":\"escaped-key\",\"id\":\"first\",\"id\":\"last\"},"
			  "{\"id\":\"ok\",\"userId\":[\"not\",\"a\",\"string\"]}]}"));
	/* Items that are not all objects; items that are not an array; nested look-alikes. */
	assert_true(AGREE("{\"value\":[{},1,\"s\",null,[]]}"));
	assert_true(AGREE("{\"value\":{\"value\":[1,2]}}"));
	assert_true(AGREE("{\"x\":{\"value\":[1],\"@odata.nextLink\":\"no\"},\"value\":[{}]}"));
	assert_true(AGREE("{\"value\":[{\"value\":[{},{}]}]}"));
	/* A repeated items key: the last one counts. */
	assert_true(AGREE("{\"value\":[{},{}],\"value\":[{}]}"));
	assert_true(AGREE("{\"value\":[{},{}],\"value\":3}"));
	/* Not an object at the top. */
	assert_true(AGREE("[1,2]"));
	assert_true(AGREE("\"s\""));
	assert_true(AGREE("12.5e-3"));
	{
		const char *exo = "{\"Results\":[{},{}],\"value\":[],\"@odata.nextLink\":\"n\"}";

		assert_true(agree(exo, strlen(exo), "Results"));
	}
}

static void test_malformed_pages(void **state)
{
	static const char *bad[] = {
	    "",
	    "   ",
	    "{",
	    "{\"value\":[",
	    "{\"value\":[{}",
	    "{\"value\":[{},]}",
	    "{\"value\":[{}],}",
	    "{\"value\" [{}]}",
	    "{value:[]}",
	    "{\"a\":tru}",
	    "{\"a\":nul}",
	    "{\"a\":01}",
	    "{\"a\":1.}",
	    "{\"a\":-}",
	    "{\"a\":1e}",
	    "{\"a\":+1}",
	    "{\"a\":.5}",
	    "{\"a\":\"\\x\"}",
	    "{\"a\":\"\\u12\"}",
	    "{\"a\":\"\\ud800\"}",
	    "{\"a\":\"\\udc00\"}",
	    "{\"a\":\"\\ud800\\u0041\"}",
	    "{\"a\":\"\\u0000\"}",
	    "{\"a\":\"tab\there\"}",
	    "{\"a\":\"x}",
	    "{} {}",
	    "{}x",
	    "{\"a\":\"\xc3\"}",
	    "{\"a\":\"\xc0\xaf\"}",
	    "{\"a\":\"\xed\xa0\x80\"}",
	    "{\"a\":\"\xf4\x90\x80\x80\"}",
	    "{\"a\":\"\xff\"}",
	    "\xef\xbb\xbf{}",
	    "{\"a\":[1 2]}",
	    "{\"a\":{\"b\" 1}}",
	    "{\"a\":1 \"b\":2}",
	    "{\"a\":NaN}",
	    "{\"a\":Infinity}",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(agree(bad[i], strlen(bad[i]), NULL));
	/* A NUL byte inside a string, and in the middle of the text. */
	assert_false(agree("{\"a\":\"x\0y\"}", 11, NULL));
	assert_false(agree("{}\0", 3, NULL));
}

static int stop_at_second(void *ctx, const char *item, size_t len, const char *const *vals)
{
	int *n = ctx;

	(void)item, (void)len, (void)vals;
	return ++*n == 2 ? -1 : 0;
}

static void test_items_stop_and_bad_options(void **state)
{
	const char *p = "{\"value\":[{\"id\":\"1\"},{\"id\":\"2\"},{\"id\":\"3\"}]}";
	const char *const f[] = {"id"};
	int n = 0;
	struct json_item_opts io = {f, 1, stop_at_second, &n};
	struct json_page_scan s;

	(void)state;
	assert_int_equal(json_scan_items(p, strlen(p), NULL, &io, &s), -2);
	assert_int_equal(n, 2);
	io.nfields = JSON_SCAN_MAX_FIELDS + 1;
	assert_int_equal(json_scan_items(p, strlen(p), NULL, &io, &s), -1);
	assert_non_null(s.error);
	assert_int_equal(json_scan_items(p, strlen(p), NULL, NULL, &s), -1);
}

static void test_where_it_went_wrong(void **state)
{
	struct json_page_scan s;
	const char *p = "{\n  \"value\": [\n    {\"id\": 1},\n    {\"id\": tru}\n  ]\n}";

	(void)state;
	assert_int_equal(json_scan_page(p, strlen(p), NULL, &s), -1);
	assert_int_equal(s.line, 4);
	assert_int_equal(s.column, 12);
	assert_non_null(strstr(s.error, "literal"));
	assert_null(s.next);
}

static void test_depth_limit(void **state)
{
	size_t n = 5000;
	char *p = malloc(2 * n + 1);
	struct json_page_scan s;

	(void)state;
	memset(p, '[', n);
	memset(p + n, ']', n);
	p[2 * n] = '\0';
	assert_int_equal(json_scan_page(p, 2 * n, NULL, &s), -1);
	assert_non_null(strstr(s.error, "deep"));
	/* 2,000 levels are fine. */
	assert_int_equal(json_scan_page(p + n - 2000, 4000, NULL, &s), 0);
	free(p);
}

/* Mutations of a real-looking page: every one judged alike by both. */
static void test_mutations_agree(void **state)
{
	const char *seed =
	    "{\"@odata.context\":\"https://graph.microsoft.com/v1.0/$metadata#users\","
	    "\"value\":[{\"id\":\"6e7b768e-07e2-4810-8459-485f84f8f204\",\"displayName\":"
	    "\"Ana \\u00c1lvarez \xe2\x9c\x93\",\"accountEnabled\":true,\"signInActivity\":"
	    "{\"lastSignInDateTime\":\"2026-11-02T10:00:00Z\",\"n\":-12.5e+3}},"
	    "{\"id\":\"2\",\"tags\":[null,false,0,\"\\\"q\\\"\"]}],"
	    "\"@odata.nextLink\":\"https://graph.microsoft.com/v1.0/users?$skiptoken=X%2b\"}";
	static const char alphabet[] = "{}[]\",:\\ 0123456789.eE+-tfnul\x80\xc3\xbf\x01u";
	size_t len = strlen(seed);
	char *buf = malloc(len + 2);
	unsigned rnd = 12345;
	int valid = 0, invalid = 0;

	(void)state;
	for (int round = 0; round < 20000; round++) {
		size_t n = len;
		int edits = 1 + round % 3;

		memcpy(buf, seed, len);
		for (int e = 0; e < edits; e++) {
			size_t at;

			rnd = rnd * 1103515245u + 12345u;
			at = (rnd >> 8) % n;
			rnd = rnd * 1103515245u + 12345u;
			switch ((rnd >> 16) % 3) {
			case 0: /* replace a byte */
				buf[at] = alphabet[(rnd >> 4) % (sizeof(alphabet) - 1)];
				break;
			case 1: /* delete a byte */
				memmove(buf + at, buf + at + 1, n - at - 1);
				n--;
				break;
			default: /* cut the page there */
				n = at;
				break;
			}
			if (n == 0)
				break;
		}
		if (agree(buf, n, NULL))
			valid++;
		else
			invalid++;
	}
	/* The mutations reach both sides of the line. */
	assert_true(valid > 100);
	assert_true(invalid > 100);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_graph_pages),
	    cmocka_unit_test(test_malformed_pages),
	    cmocka_unit_test(test_where_it_went_wrong),
	    cmocka_unit_test(test_depth_limit),
	    cmocka_unit_test(test_mutations_agree),
	    cmocka_unit_test(test_items_stop_and_bad_options),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
