/*
 * The canonical JSON writer (see jsonw.h).
 */
#include "core/jsonw.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

#define FLUSH_AT (256 * 1024)

void ep_jsonw_init(ep_jsonw *w, FILE *sink, size_t max)
{
	memset(w, 0, sizeof *w);
	ep_buf_init(&w->buf, sink ? 4 * FLUSH_AT : max);
	w->sink = sink;
}

void ep_jsonw_release(ep_jsonw *w)
{
	ep_buf_release(&w->buf);
}

static void put(ep_jsonw *w, const char *s, size_t n)
{
	if (w->status != EP_OK)
		return;
	ep_status s2 = ep_buf_append(&w->buf, s, n);
	if (s2 != EP_OK) {
		w->status = s2;
		return;
	}
	if (w->sink && w->buf.len >= FLUSH_AT) {
		if (fwrite(w->buf.data, 1, w->buf.len, w->sink) != w->buf.len)
			w->status = EP_E_INTERNAL;
		ep_buf_reset(&w->buf);
	}
}

static void puts_(ep_jsonw *w, const char *s)
{
	put(w, s, strlen(s));
}

static void newline_indent(ep_jsonw *w)
{
	static const char spaces[] = "                                                                ";
	put(w, "\n", 1);
	int n = w->depth * 2;
	while (n > 0) {
		int k = n > 64 ? 64 : n;
		put(w, spaces, (size_t)k);
		n -= k;
	}
}

/* Called before any value or key: separates it from the previous sibling. */
static void before_item(ep_jsonw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->depth == 0)
		return;
	if (!w->first[w->depth])
		put(w, ",", 1);
	w->first[w->depth] = false;
	newline_indent(w);
}

static void open_(ep_jsonw *w, char c)
{
	before_item(w);
	put(w, &c, 1);
	if (w->depth + 1 >= EP_JSONW_DEPTH) {
		w->status = EP_E_LIMIT;
		return;
	}
	w->depth++;
	w->first[w->depth] = true;
}

static void close_(ep_jsonw *w, char c)
{
	if (w->depth == 0) {
		w->status = EP_E_INTERNAL;
		return;
	}
	bool empty = w->first[w->depth];
	w->depth--;
	if (!empty)
		newline_indent(w);
	put(w, &c, 1);
}

void ep_jsonw_obj_begin(ep_jsonw *w) { open_(w, '{'); }
void ep_jsonw_obj_end(ep_jsonw *w) { close_(w, '}'); }
void ep_jsonw_arr_begin(ep_jsonw *w) { open_(w, '['); }
void ep_jsonw_arr_end(ep_jsonw *w) { close_(w, ']'); }

static void put_string(ep_jsonw *w, const char *s)
{
	put(w, "\"", 1);
	const char *run = s;
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		put(w, run, (size_t)(p - run));
		char esc[8];
		switch (c) {
		case '"': puts_(w, "\\\""); break;
		case '\\': puts_(w, "\\\\"); break;
		case '\n': puts_(w, "\\n"); break;
		case '\t': puts_(w, "\\t"); break;
		case '\r': puts_(w, "\\r"); break;
		case '\b': puts_(w, "\\b"); break;
		case '\f': puts_(w, "\\f"); break;
		default:
			snprintf(esc, sizeof esc, "\\u%04x", c);
			puts_(w, esc);
		}
		run = p + 1;
	}
	puts_(w, run);
	put(w, "\"", 1);
}

void ep_jsonw_key(ep_jsonw *w, const char *key)
{
	before_item(w);
	put_string(w, key);
	put(w, ": ", 2);
	w->after_key = true;
}

void ep_jsonw_str(ep_jsonw *w, const char *s)
{
	if (!s) {
		ep_jsonw_null(w);
		return;
	}
	before_item(w);
	put_string(w, s);
}

void ep_jsonw_int(ep_jsonw *w, int64_t v)
{
	char tmp[32];
	before_item(w);
	snprintf(tmp, sizeof tmp, "%lld", (long long)v);
	puts_(w, tmp);
}

void ep_jsonw_num(ep_jsonw *w, double v)
{
	if (!isfinite(v)) {
		ep_jsonw_null(w); /* JSON has no infinities; empact never stores them */
		return;
	}
	if (v == floor(v) && fabs(v) <= 9007199254740992.0) {
		ep_jsonw_int(w, (int64_t)v);
		return;
	}
	char tmp[40];
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(tmp, sizeof tmp, "%.*g", prec, v);
		if (strtod(tmp, NULL) == v)
			break;
	}
	before_item(w);
	puts_(w, tmp);
}

void ep_jsonw_bool(ep_jsonw *w, bool v)
{
	before_item(w);
	puts_(w, v ? "true" : "false");
}

void ep_jsonw_null(ep_jsonw *w)
{
	before_item(w);
	puts_(w, "null");
}

ep_status ep_jsonw_finish(ep_jsonw *w)
{
	if (w->depth != 0 && w->status == EP_OK)
		w->status = EP_E_INTERNAL;
	put(w, "\n", 1);
	if (w->status == EP_OK && w->sink && w->buf.len) {
		if (fwrite(w->buf.data, 1, w->buf.len, w->sink) != w->buf.len || fflush(w->sink) != 0)
			w->status = EP_E_INTERNAL;
		ep_buf_reset(&w->buf);
	}
	return w->status;
}
