/*
 * A streaming JSON writer with a fixed, canonical layout: two-space indentation, one member
 * or element per line, keys in the order they are written, UTF-8 passed through, only the
 * characters JSON requires escaped. The same data always gives the same bytes, which is what
 * makes `empact export` reproducible. Output goes to an ep_buf and, when a sink is set, is
 * flushed to it in large pieces so that exports of any size use little memory.
 */
#ifndef EP_JSONW_H
#define EP_JSONW_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/buf.h"
#include "core/status.h"

#define EP_JSONW_DEPTH 64

typedef struct ep_jsonw {
	ep_buf buf;
	FILE *sink;      /* NULL: everything stays in buf */
	int depth;
	bool first[EP_JSONW_DEPTH]; /* no member written yet at this depth */
	bool after_key;
	ep_status status; /* the first failure; later calls do nothing */
} ep_jsonw;

/* sink may be NULL (collect into w->buf, at most max bytes; 0 for the buffer default). */
void ep_jsonw_init(ep_jsonw *w, FILE *sink, size_t max);
void ep_jsonw_release(ep_jsonw *w);
void ep_jsonw_obj_begin(ep_jsonw *w);
void ep_jsonw_obj_end(ep_jsonw *w);
void ep_jsonw_arr_begin(ep_jsonw *w);
void ep_jsonw_arr_end(ep_jsonw *w);
void ep_jsonw_key(ep_jsonw *w, const char *key);
void ep_jsonw_str(ep_jsonw *w, const char *s); /* NULL writes null */
void ep_jsonw_int(ep_jsonw *w, int64_t v);
/* Integral values within 2^53 are written as integers, others in the shortest form that reads
 * back to the same double. */
void ep_jsonw_num(ep_jsonw *w, double v);
void ep_jsonw_bool(ep_jsonw *w, bool v);
void ep_jsonw_null(ep_jsonw *w);
/* Writes the final newline and flushes to the sink. Returns the first failure, if any. */
ep_status ep_jsonw_finish(ep_jsonw *w);

#endif
