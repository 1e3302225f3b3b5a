/*
 * The one growable byte buffer of empact, always capped. Appending past the cap fails with
 * EP_E_LIMIT and leaves the buffer as it was, so that an over-long input or output is an error
 * the caller reports (a 413, a CLI message), never silent growth. The content is always
 * NUL-terminated, so data can be used as a C string when it holds text.
 */
#ifndef EP_BUF_H
#define EP_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "core/status.h"

typedef struct ep_buf {
	char *data; /* owned; NULL until the first append */
	size_t len;
	size_t cap; /* allocated bytes, excluding the terminating NUL */
	size_t max; /* the most bytes the buffer may hold */
} ep_buf;

#define EP_BUF_DEFAULT_MAX ((size_t)64 << 20)

/* Starts an empty buffer that may grow to max bytes (0 means EP_BUF_DEFAULT_MAX). */
void ep_buf_init(ep_buf *b, size_t max);
/* Frees the content; the buffer is empty and usable again. */
void ep_buf_release(ep_buf *b);
/* Empties the buffer, keeping its memory. */
void ep_buf_reset(ep_buf *b);
/* Makes room for extra more bytes: EP_E_LIMIT past max, EP_E_INTERNAL if memory runs out. */
ep_status ep_buf_reserve(ep_buf *b, size_t extra);
ep_status ep_buf_append(ep_buf *b, const void *p, size_t n);
ep_status ep_buf_puts(ep_buf *b, const char *s);
ep_status ep_buf_putc(ep_buf *b, char c);
ep_status ep_buf_printf(ep_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
ep_status ep_buf_vprintf(ep_buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* The content as a C string: "" for an empty buffer, never NULL. Owned by the buffer. */
const char *ep_buf_str(const ep_buf *b);
/* Hands the content to the caller (free() it), leaving the buffer empty. Never NULL. */
char *ep_buf_detach(ep_buf *b, size_t *len);

#endif
