/*
 * The region allocator (see arena.h): a chain of blocks, each at least 8 KiB; a large
 * allocation gets a block of its own so that it wastes nothing.
 */
#include "core/arena.h"

#include <stdarg.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

#define BLOCK_MIN 8192
#define ALIGN alignof(max_align_t)

struct block {
	struct block *next;
	size_t used, size;
	alignas(max_align_t) unsigned char data[];
};

struct cleanup {
	struct cleanup *next;
	ep_cleanup_fn fn;
	void *arg;
};

struct ep_arena {
	struct block *head;
	struct cleanup *cleanups;
	size_t used, max;
};

ep_arena *ep_arena_new(size_t max)
{
	ep_arena *a = calloc(1, sizeof *a);
	if (a)
		a->max = max;
	return a;
}

void ep_arena_free(ep_arena *a)
{
	if (!a)
		return;
	/* Cleanups are allocated from the arena, so they run before any block goes. */
	for (struct cleanup *c = a->cleanups; c; c = c->next)
		c->fn(c->arg);
	struct block *b = a->head;
	while (b) {
		struct block *next = b->next;
		free(b);
		b = next;
	}
	free(a);
}

void *ep_arena_alloc(ep_arena *a, size_t n)
{
	if (n == 0)
		n = 1;
	/* Room for the rounding and for the header of a block of its own, so that neither the
	 * rounded size nor the block size can wrap around. */
	if (n > SIZE_MAX - ALIGN - sizeof(struct block))
		return NULL;
	size_t rounded = (n + ALIGN - 1) & ~(ALIGN - 1);
	if (a->max && (rounded > a->max || a->used > a->max - rounded))
		return NULL;
	struct block *b = a->head;
	if (!b || b->size - b->used < rounded) {
		size_t size = rounded > BLOCK_MIN ? rounded : BLOCK_MIN;
		struct block *nb = malloc(sizeof *nb + size);
		if (!nb)
			return NULL;
		nb->used = 0;
		nb->size = size;
		/* A block made for one large allocation goes behind the head, so the head's free
		 * room stays usable for the small allocations that follow. */
		if (b && rounded > BLOCK_MIN) {
			nb->next = b->next;
			b->next = nb;
		} else {
			nb->next = b;
			a->head = nb;
		}
		b = nb;
	}
	void *p = b->data + b->used;
	b->used += rounded;
	a->used += rounded;
	memset(p, 0, n);
	return p;
}

void *ep_arena_array(ep_arena *a, size_t n, size_t sz)
{
	if (sz && n > SIZE_MAX / sz)
		return NULL;
	return ep_arena_alloc(a, n * sz);
}

char *ep_arena_strndup(ep_arena *a, const char *s, size_t n)
{
	if (n == SIZE_MAX)
		return NULL;
	char *d = ep_arena_alloc(a, n + 1);
	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

char *ep_arena_strdup(ep_arena *a, const char *s)
{
	return ep_arena_strndup(a, s, strlen(s));
}

char *ep_arena_printf(ep_arena *a, const char *fmt, ...)
{
	va_list ap, cp;
	va_start(ap, fmt);
	va_copy(cp, ap);
	int n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	char *d = NULL;
	if (n >= 0 && (d = ep_arena_alloc(a, (size_t)n + 1)) != NULL)
		vsnprintf(d, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return d;
}

int ep_arena_defer(ep_arena *a, ep_cleanup_fn fn, void *arg)
{
	struct cleanup *c = ep_arena_alloc(a, sizeof *c);
	if (!c)
		return -1;
	c->fn = fn;
	c->arg = arg;
	c->next = a->cleanups;
	a->cleanups = c;
	return 0;
}

size_t ep_arena_used(const ep_arena *a)
{
	return a->used;
}
