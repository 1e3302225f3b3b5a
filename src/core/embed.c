/*
 * Lookup of embedded files (see embed.h); the table itself is generated at build time.
 */
#include "core/embed.h"

#include <string.h>

#include "core/banned.h"

const ep_embedded *ep_embedded_find(const char *name)
{
	for (const ep_embedded *e = ep_embedded_files; e->name; e++)
		if (strcmp(e->name, name) == 0)
			return e;
	return NULL;
}
