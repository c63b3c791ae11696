/* text.h - the one sanitiser for untrusted text, and display widths.
 *
 * Every string that came from outside (API data, files, the store) passes
 * through text_sanitize before it reaches a window, a log, an export or a
 * message printed after endwin.  The result is valid UTF-8 holding no byte a
 * terminal would act on:
 *   - ESC becomes "\e"; TAB, LF, CR become "\t", "\n", "\r";
 *   - every other C0 control, DEL and the C1 controls become "\xNN";
 *   - bidi overrides, embeddings, isolates and marks (U+202A-202E,
 *     U+2066-2069, U+200E, U+200F, U+061C) and line/paragraph separators
 *     become "\uXXXX", so a name cannot reorder what is drawn after it;
 *   - invalid UTF-8 (bad bytes, overlongs, surrogates, > U+10FFFF) becomes
 *     U+FFFD, one per offending byte;
 *   - a code point wcwidth() calls unprintable becomes U+FFFD.
 * A backslash is kept as is: escapes are for people to read, not to parse.
 *
 * Widths are display cells (wcwidth), so CJK and emoji line up; cropping never
 * splits a UTF-8 sequence or a double-width character.  Width and crop expect
 * sanitised text and a UTF-8 locale (the console makes sure of one). */
#ifndef TATER_TEXT_H
#define TATER_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* Sanitise len bytes of s (len == (size_t)-1: up to the NUL) into out, which
 * always ends NUL-terminated when outsz > 0.  Returns the length the whole
 * result needs (excluding the NUL), like snprintf: a result >= outsz means
 * it was cut, at a character boundary. */
size_t text_sanitize_buf(const char *s, size_t len, char *out, size_t outsz);

/* The same, into a new malloc'd string (NULL when out of memory; s NULL gives ""). */
char *text_sanitize(const char *s, size_t len);

/* Is s already safe as is (text_sanitize would not change it)? */
int text_is_clean(const char *s, size_t len);

/* Decode one UTF-8 character at s (n bytes available).  Returns the bytes
 * used (>= 1) and sets *cp, or returns 1 with *cp = -1 for an invalid byte. */
size_t text_decode(const char *s, size_t n, int32_t *cp);

/* Encode one code point as UTF-8 into out (no NUL); returns the bytes (1-4). */
size_t text_encode(int32_t cp, char out[4]);

/* Display cells of one code point (0 for combining marks, 2 for wide). */
int text_cp_width(int32_t cp);

/* Display cells of a sanitised string. */
int text_width(const char *s);
int text_nwidth(const char *s, size_t len);

/* How many bytes of s fit in `cells` display cells, never splitting a
 * character; *used (may be NULL) gets the cells those bytes take. */
size_t text_crop(const char *s, int cells, int *used);

/* Copy s into out cropped to `cells` cells; when it does not fit, the last
 * cell shows an ellipsis.  Returns the cells used. */
int text_fit(const char *s, int cells, char *out, size_t outsz);

/* Case-insensitive substring search (ASCII folding; other bytes compared as
 * they are).  needle "" matches everything. */
int text_contains_ci(const char *hay, const char *needle);

#endif
