/*
 * The query-string decoder: "a=1&b=x%20y" into decoded name/value pairs. Strict: a malformed
 * percent escape, a NUL byte, invalid UTF-8 after decoding, an empty name or a repeated name
 * is an error that names the parameter, so that a request never means two things.
 */
#ifndef EP_HTTP_QUERY_H
#define EP_HTTP_QUERY_H

#include <stddef.h>

#include "core/arena.h"
#include "core/status.h"

#define EP_QUERY_MAX_PARAMS 32

typedef struct ep_param {
	const char *name, *value; /* decoded, NUL-terminated, in the arena */
} ep_param;

typedef struct ep_query {
	ep_param p[EP_QUERY_MAX_PARAMS];
	size_t n;
} ep_query;

/* Decodes s[0..len) into q. EP_E_INVALID or EP_E_LIMIT (too many parameters) with err. */
ep_status ep_query_parse(const char *s, size_t len, ep_arena *a, ep_query *q, ep_err *err);
/* The value of name, or NULL. */
const char *ep_query_get(const ep_query *q, const char *name);
/* Decodes one percent-encoded component ('+' is a space). NULL when malformed. */
char *ep_url_decode(const char *s, size_t len, ep_arena *a);

#endif
