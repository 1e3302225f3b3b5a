/*
 * Files built into the binary by tools/embed.c: the migrations, the seed datasets and (later)
 * templates and static assets. Each is NUL-terminated after its len bytes.
 */
#ifndef EP_EMBED_H
#define EP_EMBED_H

#include <stddef.h>

typedef struct ep_embedded {
	const char *name; /* path in the source tree, such as "migrations/0001_domain.sql" */
	const unsigned char *data;
	size_t len;
} ep_embedded;

/* Terminated by an entry whose name is NULL. */
extern const ep_embedded ep_embedded_files[];

/* The embedded file of that name, or NULL. */
const ep_embedded *ep_embedded_find(const char *name);

#endif
