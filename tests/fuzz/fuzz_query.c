/*
 * Fuzz target: the query-string decoder. Every decoded name and value must be valid UTF-8
 * without NUL bytes, names are unique, and the count stays within the cap.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/str.h"
#include "http/query.h"
#include "http/router.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const ep_route *list;
	if (!list) {
		ep_router_init();
		const ep_route *r;
		int64_t ids[EP_MAX_PATH_IDS];
		size_t n;
		unsigned allow;
		ep_router_match(EP_GET, "/api/v1/actions", &r, ids, &n, &allow);
		list = r;
	}
	ep_arena *a = ep_arena_new(4 << 20);
	ep_query q;
	ep_err err;
	if (ep_query_parse((const char *)data, size, a, &q, &err) == EP_OK) {
		if (q.n > EP_QUERY_MAX_PARAMS)
			abort();
		for (size_t i = 0; i < q.n; i++) {
			if (!ep_utf8_valid(q.p[i].name, strlen(q.p[i].name)) ||
			    !ep_utf8_valid(q.p[i].value, strlen(q.p[i].value)) || !q.p[i].name[0])
				abort();
			for (size_t j = 0; j < i; j++)
				if (strcmp(q.p[i].name, q.p[j].name) == 0)
					abort();
		}
		ep_router_check_query(list, &q, &err);
	}
	ep_arena_free(a);
	return 0;
}
