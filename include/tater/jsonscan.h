/* jsonscan.h - check a JSON page and read its paging members without building a tree.
 *
 * A collection of 100,000 users arrives as a few hundred pages of ~60 KB; the caller
 * stores them as they came and only needs to know that each is well-formed JSON (RFC
 * 8259, UTF-8), how many items its array holds, whether they are all objects, and where
 * the next page is.  Building a jansson tree for that cost more than the network. */
#ifndef TATER_JSONSCAN_H
#define TATER_JSONSCAN_H

#include <stddef.h>

struct json_page_scan {
	/* Set when the document is well-formed. */
	int is_object;	       /* the top level is an object */
	int items_found;       /* the items member is present */
	int items_is_array;    /* ... and is an array */
	size_t nitems;	       /* its elements */
	int items_all_objects; /* every element is an object */
	int next_found;	       /* a next link member that is not null */
	int next_is_string;    /* ... and is a string */
	char *next;	       /* its value, unescaped (malloc'd; free it), or NULL */
	/* Set when it is not: what is wrong, and where (1-based). */
	const char *error;
	int line, column;
};

/* Scan len bytes of p.  items_key names the top-level array ("value" when NULL); the
 * next link is "@odata.nextLink", or "nextLink" when that is absent or null.  Returns 0
 * when the document is well-formed, -1 when it is not (error, line and column set) or
 * when memory ran out (error says so).  Nesting deeper than 2048 levels is refused, as
 * jansson does. */
int json_scan_page(const char *p, size_t len, const char *items_key, struct json_page_scan *out);

/* The same, and each item of the items array that is an object handed to fn as its bytes
 * (len, not NUL-terminated) with the string values of the named members of the item itself
 * (vals[k] for fields[k]: decoded, NUL-terminated, valid during the call; NULL when the
 * member is absent or not a string).  An items key that appears twice has the items of both
 * handed over.  fn returns < 0 to stop: json_scan_items then returns -2 (the error it set is
 * the caller's to keep).  Items come before the document is known to be well-formed: a page
 * that turns out malformed still returns -1 after some items were handed over. */
#define JSON_SCAN_MAX_FIELDS 8
typedef int (*json_item_fn)(void *ctx, const char *item, size_t len, const char *const *vals);
struct json_item_opts {
	const char *const *fields;
	int nfields; /* at most JSON_SCAN_MAX_FIELDS */
	json_item_fn fn;
	void *ctx;
};
int json_scan_items(const char *p, size_t len, const char *items_key,
		    const struct json_item_opts *io, struct json_page_scan *out);

#endif
