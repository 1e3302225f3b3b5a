/*
 * The JSON text of a response body (see json_out.h).
 */
#include "http/json_out.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

#define DEPTH_MAX 512

struct out {
	char *p;
	size_t len, cap;
	bool failed;
};

static bool grow(struct out *o, size_t extra)
{
	if (o->failed)
		return false;
	if (o->len + extra + 1 <= o->cap)
		return true;
	size_t cap = o->cap ? o->cap : 4096;
	while (cap < o->len + extra + 1)
		cap *= 2;
	char *np = realloc(o->p, cap);
	if (!np) {
		o->failed = true;
		return false;
	}
	o->p = np;
	o->cap = cap;
	return true;
}

static void put(struct out *o, const char *s, size_t n)
{
	if (n && grow(o, n)) {
		memcpy(o->p + o->len, s, n);
		o->len += n;
	}
}

static void putc_(struct out *o, char c)
{
	if (grow(o, 1))
		o->p[o->len++] = c;
}

/* A string as jansson writes it without JSON_ENSURE_ASCII or JSON_ESCAPE_SLASH: \\ and \"
 * escaped, control characters as \b \f \n \r \t or \u00XX, everything else as it is. */
static void string(struct out *o, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	putc_(o, '"');
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		put(o, s + run, i - run);
		run = i + 1;
		char esc[6] = {'\\', 0, '0', '0', 0, 0};
		size_t k = 2;
		switch (c) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		default:
			esc[1] = 'u';
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			k = 6;
		}
		put(o, esc, k);
	}
	put(o, s + run, n - run);
	putc_(o, '"');
}

static void integer(struct out *o, json_int_t v)
{
	char buf[24];
	size_t i = sizeof buf;
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	do {
		buf[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		buf[--i] = '-';
	put(o, buf + i, sizeof buf - i);
}

/* jansson's jsonp_dtostr with the default precision: %.17g, ".0" added when the text would
 * read back as an integer, and the exponent without '+' or leading zeros. */
static void real(struct out *o, double v)
{
	char buf[48];
	if (!isfinite(v)) {
		o->failed = true;
		return;
	}
	int n = snprintf(buf, sizeof buf - 3, "%.17g", v);
	if (n < 0 || (size_t)n >= sizeof buf - 3) {
		o->failed = true;
		return;
	}
	size_t len = (size_t)n;
	for (size_t i = 0; i < len; i++)
		if (buf[i] == ',')
			buf[i] = '.'; /* a locale's decimal comma */
	if (!memchr(buf, '.', len) && !memchr(buf, 'e', len)) {
		buf[len++] = '.';
		buf[len++] = '0';
	}
	char *e = memchr(buf, 'e', len);
	if (e) {
		char *start = e + 1, *end = e + 2;
		if (*start == '-')
			start++;
		while (end < buf + len && *end == '0')
			end++;
		if (end != start) {
			memmove(start, end, (size_t)(buf + len - end));
			len -= (size_t)(end - start);
		}
	}
	put(o, buf, len);
}

static void value(struct out *o, const json_t *v, int depth)
{
	if (o->failed)
		return;
	if (!v || depth > DEPTH_MAX) {
		o->failed = true;
		return;
	}
	switch (json_typeof(v)) {
	case JSON_NULL: put(o, "null", 4); break;
	case JSON_TRUE: put(o, "true", 4); break;
	case JSON_FALSE: put(o, "false", 5); break;
	case JSON_INTEGER: integer(o, json_integer_value(v)); break;
	case JSON_REAL: real(o, json_real_value(v)); break;
	case JSON_STRING: string(o, json_string_value(v), json_string_length(v)); break;
	case JSON_ARRAY: {
		size_t n = json_array_size(v);
		putc_(o, '[');
		for (size_t i = 0; i < n && !o->failed; i++) {
			if (i)
				putc_(o, ',');
			value(o, json_array_get(v, i), depth + 1);
		}
		putc_(o, ']');
		break;
	}
	case JSON_OBJECT: {
		json_t *obj = (json_t *)v; /* iterating does not change it */
		putc_(o, '{');
		bool first = true;
		for (void *it = json_object_iter(obj); it && !o->failed; it = json_object_iter_next(obj, it)) {
			if (!first)
				putc_(o, ',');
			first = false;
			string(o, json_object_iter_key(it), json_object_iter_key_len(it));
			putc_(o, ':');
			value(o, json_object_iter_value(it), depth + 1);
		}
		putc_(o, '}');
		break;
	}
	default: o->failed = true;
	}
}

char *ep_json_out(const json_t *v, size_t *len)
{
	struct out o = {0};
	value(&o, v, 0);
	if (!o.failed)
		grow(&o, 0);
	if (o.failed) {
		free(o.p);
		return NULL;
	}
	o.p[o.len] = '\0';
	if (len)
		*len = o.len;
	return o.p;
}
