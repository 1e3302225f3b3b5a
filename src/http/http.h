/*
 * The HTTP server of empact: libmicrohttpd in thread-pool mode with epoll, a database
 * connection per worker thread, an arena and an id per request, the limits of the
 * configuration, security headers on every response, an access log line per request, and a
 * graceful stop on SIGTERM or SIGINT (stop accepting, finish what is in flight, close the
 * database).
 */
#ifndef EP_HTTP_H
#define EP_HTTP_H

#include "core/config.h"
#include "http/req.h"

/* Serves until SIGTERM or SIGINT; returns 0 after a clean stop, 1 if it could not start. */
int ep_http_serve(const ep_config *cfg);

/* Handlers that belong to the server itself. */
ep_status ep_http_healthz(ep_req *req, ep_resp *resp);
ep_status ep_http_metrics(ep_req *req, ep_resp *resp);
ep_status ep_http_openapi(ep_req *req, ep_resp *resp);

/* The OpenAPI 3.1 document of the route table (a new reference). */
json_t *ep_http_openapi_doc(void);

/* Counts a request for /metrics: its route tag (-1 for none), status and duration. */
void ep_http_metrics_count(int tag, int status, double seconds);
void ep_http_metrics_inflight(int delta);

#endif
