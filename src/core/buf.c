/*
 * The capped growable buffer (see buf.h). Growth doubles the allocation up to the cap.
 */
#include "core/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

void ep_buf_init(ep_buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max ? max : EP_BUF_DEFAULT_MAX;
}

void ep_buf_release(ep_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

void ep_buf_reset(ep_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

ep_status ep_buf_reserve(ep_buf *b, size_t extra)
{
	if (extra > b->max || b->len > b->max - extra)
		return EP_E_LIMIT;
	size_t need = b->len + extra;
	if (need <= b->cap && b->data)
		return EP_OK;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > b->max / 2 ? b->max : cap * 2;
	char *d = realloc(b->data, cap + 1);
	if (!d)
		return EP_E_INTERNAL;
	if (!b->data)
		d[0] = '\0';
	b->data = d;
	b->cap = cap;
	return EP_OK;
}

ep_status ep_buf_append(ep_buf *b, const void *p, size_t n)
{
	ep_status s = ep_buf_reserve(b, n);
	if (s != EP_OK)
		return s;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return EP_OK;
}

ep_status ep_buf_puts(ep_buf *b, const char *s)
{
	return ep_buf_append(b, s, strlen(s));
}

ep_status ep_buf_putc(ep_buf *b, char c)
{
	return ep_buf_append(b, &c, 1);
}

ep_status ep_buf_vprintf(ep_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	va_copy(cp, ap);
	int n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return EP_E_INTERNAL;
	ep_status s = ep_buf_reserve(b, (size_t)n);
	if (s != EP_OK)
		return s;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return EP_OK;
}

ep_status ep_buf_printf(ep_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	ep_status s = ep_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return s;
}

const char *ep_buf_str(const ep_buf *b)
{
	return b->data ? b->data : "";
}

char *ep_buf_detach(ep_buf *b, size_t *len)
{
	char *d = b->data;
	if (!d) {
		d = calloc(1, 1);
		if (!d)
			abort(); /* one byte: nothing sensible is left to do */
	}
	if (len)
		*len = b->len;
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	return d;
}
