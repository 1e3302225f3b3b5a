/*
 * Fuzz target: the router. The first byte picks a method, the rest is a request target
 * (path and query) as the server receives it: matching, query decoding and query checking
 * must never crash, and a match must have its ids inside their bounds.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "http/query.h"
#include "http/router.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	if (!ready) {
		ep_router_init();
		ready = 1;
	}
	if (size < 1 || size > 16384)
		return 0;
	static const ep_method methods[] = {EP_GET, EP_HEAD, EP_POST, EP_PATCH, EP_PUT, EP_DELETE};
	ep_method m = methods[data[0] % 6];
	char *target = malloc(size);
	memcpy(target, data + 1, size - 1);
	target[size - 1] = '\0';
	char *q = strchr(target, '?');
	if (q)
		*q++ = '\0';
	const ep_route *r;
	int64_t ids[EP_MAX_PATH_IDS];
	size_t n = 0;
	unsigned allow = 0;
	ep_match mt = ep_router_match(m, target, &r, ids, &n, &allow);
	if (mt == EP_MATCH_OK) {
		if (n > EP_MAX_PATH_IDS)
			abort();
		for (size_t i = 0; i < n; i++)
			if (ids[i] < 1)
				abort();
		ep_arena *a = ep_arena_new(1 << 20);
		ep_query query;
		ep_err err;
		if (q && ep_query_parse(q, strlen(q), a, &query, &err) == EP_OK)
			ep_router_check_query(r, &query, &err);
		ep_arena_free(a);
	} else if (mt == EP_MATCH_NOMETHOD && allow == 0) {
		abort(); /* a known path always allows something */
	}
	free(target);
	return 0;
}
