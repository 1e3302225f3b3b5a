/*
 * A region allocator: many small allocations, one free. Every HTTP request and every command
 * gets one; what is allocated from it lives until ep_arena_free. Cleanup callbacks registered
 * on the arena run, newest first, when it is freed, so that resources that are not memory
 * (a prepared statement, a jansson value) end with the request too.
 */
#ifndef EP_ARENA_H
#define EP_ARENA_H

#include <stddef.h>

typedef struct ep_arena ep_arena;
typedef void (*ep_cleanup_fn)(void *arg);

/* A new arena that may hand out at most max bytes in all (0: no cap). NULL if out of memory. */
ep_arena *ep_arena_new(size_t max);
/* Runs the cleanups, newest first, then frees every block and the arena. NULL is allowed. */
void ep_arena_free(ep_arena *a);
/* n bytes aligned for any type, zeroed; NULL when out of memory or over the cap. */
void *ep_arena_alloc(ep_arena *a, size_t n);
/* An array of n elements of size sz; NULL on overflow, out of memory or over the cap. */
void *ep_arena_array(ep_arena *a, size_t n, size_t sz);
char *ep_arena_strdup(ep_arena *a, const char *s);
char *ep_arena_strndup(ep_arena *a, const char *s, size_t n);
char *ep_arena_printf(ep_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Registers fn(arg) to run when the arena is freed. 0 on success, -1 if out of memory. */
int ep_arena_defer(ep_arena *a, ep_cleanup_fn fn, void *arg);
/* Bytes handed out so far. */
size_t ep_arena_used(const ep_arena *a);

#endif
