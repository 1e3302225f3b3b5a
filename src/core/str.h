/*
 * String views (a pointer and a length, not NUL-terminated) for parsing without copying, and
 * the text checks every input goes through: UTF-8 validity and simple character classes.
 */
#ifndef EP_STR_H
#define EP_STR_H

#include <stdbool.h>
#include <stddef.h>

typedef struct ep_sv {
	const char *p;
	size_t n;
} ep_sv;

ep_sv ep_sv_from(const char *s);
ep_sv ep_sv_make(const char *p, size_t n);
bool ep_sv_eq(ep_sv a, ep_sv b);
bool ep_sv_eq_cstr(ep_sv a, const char *s);
bool ep_sv_starts_with(ep_sv a, const char *prefix);
ep_sv ep_sv_trim(ep_sv a);
/* Splits at the first sep: *head gets what precedes it, the return value what follows.
 * Without sep, *head is the whole view and the return value is empty with p == NULL. */
ep_sv ep_sv_cut(ep_sv a, char sep, ep_sv *head);

/* True when s[0..n) is well-formed UTF-8: no overlong forms, no surrogates, nothing past
 * U+10FFFF. NUL bytes are refused too, since empact texts are C strings. */
bool ep_utf8_valid(const char *s, size_t n);
/* The number of code points in valid UTF-8. */
size_t ep_utf8_len(const char *s, size_t n);

/* Every byte of s satisfies: first in [A-Z], then [A-Z0-9_-]. */
bool ep_is_code(const char *s, size_t min, size_t max);
/* A dotted number: "3", "3.2", "10.4.1" (digits, no leading zeros, dots between). */
bool ep_is_dotted_number(const char *s);

/* Constant-time comparison of two byte ranges of equal length. */
bool ep_mem_eq_ct(const void *a, const void *b, size_t n);

#endif
