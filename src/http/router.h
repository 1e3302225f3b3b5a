/*
 * The one route table of empact. Each route names its method, path pattern, handler, the
 * permission the policy check requires, the query parameters it accepts with their
 * validators, and its body limit. The router matches a request to a route (404 for an unknown
 * path, 405 with Allow for a known path and another method) and checks the query (400 for an
 * unknown or malformed parameter) before any handler runs.
 */
#ifndef EP_HTTP_ROUTER_H
#define EP_HTTP_ROUTER_H

#include <stdbool.h>
#include <stddef.h>

#include "http/req.h"

typedef enum ep_param_kind {
	EP_P_INT,    /* a whole number in [min, max] */
	EP_P_TEXT,   /* UTF-8 text of at most max bytes */
	EP_P_ENUM,   /* one of values */
	EP_P_CURSOR, /* an opaque pagination cursor */
	EP_P_BOOL,   /* true or false */
} ep_param_kind;

typedef struct ep_param_spec {
	const char *name;
	ep_param_kind kind;
	int64_t min, max;
	const char *const *values; /* EP_P_ENUM, NULL-terminated */
	const char *help;
} ep_param_spec;

#define EP_ROUTE_MAX_PARAMS 16

/* The most routes the table holds; the metrics keep a counter per route and one for requests
 * that matched none. */
#define EP_MAX_ROUTES 256

typedef struct ep_route {
	unsigned methods; /* ep_method bits (one method per route) */
	const char *pattern; /* "/api/v1/oaps/{id}/actions" */
	ep_handler handler;
	const char *permission; /* "oap.read", "action.write", ...: what the policy check requires */
	ep_param_spec params[EP_ROUTE_MAX_PARAMS];
	size_t body_max; /* 0: no body accepted; otherwise the largest body in bytes */
	const char *summary;
	const char *schema; /* the resource the route reads or writes (db_res.h) */
	const char *bind;   /* a nested route: the field its first {id} fills ("oap_id") */
	const char *kind;   /* the kind of object the audit trail names when it is not a resource ("users") */
	int tag;            /* index for metrics */
	unsigned flags;     /* EP_ROUTE_* */
} ep_route;

enum {
	EP_ROUTE_SELF_AUDIT = 1, /* the handler writes its own audit record, in its own transactions */
	EP_ROUTE_NO_AUTH = 2,    /* credentials the request carries are not looked at (signing in) */
	/* A read that prepares a write (what a declassification must decide): a scoped role must
	 * cover the object, as for the write, so that whoever may not make the write may not read
	 * what prepares it either. */
	EP_ROUTE_SCOPED = 4,
};

typedef enum ep_match {
	EP_MATCH_OK,
	EP_MATCH_NOPATH,   /* 404 */
	EP_MATCH_NOMETHOD, /* 405, allow says which */
} ep_match;

/* The whole table, filled by ep_router_init from the resource files. */
const ep_route *ep_routes(size_t *n);
/* Builds the table; body_max is the configured largest body of create and update routes. */
void ep_router_init_with(size_t body_max);
void ep_router_init(void);

/* Finds the route for method and path; ids get the {id} segments. */
ep_match ep_router_match(ep_method method, const char *path, const ep_route **route, int64_t *ids, size_t *nids,
			 unsigned *allow);
/* Checks q against the route's accepted parameters. */
ep_status ep_router_check_query(const ep_route *r, const ep_query *q, ep_err *err);
/* "GET, PATCH" for a method set. */
void ep_methods_text(unsigned methods, char *out, size_t n);
const char *ep_method_name(ep_method m);
ep_method ep_method_parse(const char *s);

#endif
