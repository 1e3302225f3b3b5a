/*
 * The counters behind GET /metrics, in the Prometheus text format: requests by route and
 * status, a latency histogram, requests in flight, and the database's busy retries. All
 * counters are atomics updated without locks by the worker threads.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "http/http.h"
#include "http/router.h"
#include "core/banned.h"

#define MAX_TAGS (EP_MAX_ROUTES + 1) /* the routes, and one for requests that matched none */

static const int statuses[] = {200, 201, 204, 400, 403, 404, 405, 409, 412, 413, 414, 415, 422, 428, 431, 500, 503, 0};
#define NSTATUS (sizeof statuses / sizeof statuses[0])
static const double buckets[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};
#define NBUCKETS (sizeof buckets / sizeof buckets[0])

static atomic_ulong counts[MAX_TAGS][NSTATUS];
static atomic_ulong hist[NBUCKETS + 1];
static atomic_ulong total;
static atomic_ullong sum_us;
static atomic_long inflight;

void ep_http_metrics_count(int tag, int status, double seconds)
{
	size_t t = tag >= 0 && tag < MAX_TAGS - 1 ? (size_t)tag : MAX_TAGS - 1;
	size_t s = NSTATUS - 1;
	for (size_t i = 0; i < NSTATUS - 1; i++)
		if (statuses[i] == status)
			s = i;
	atomic_fetch_add(&counts[t][s], 1);
	size_t b = 0;
	while (b < NBUCKETS && seconds > buckets[b])
		b++;
	atomic_fetch_add(&hist[b], 1);
	atomic_fetch_add(&total, 1);
	atomic_fetch_add(&sum_us, (unsigned long long)(seconds * 1e6));
}

void ep_http_metrics_inflight(int delta)
{
	atomic_fetch_add(&inflight, delta);
}

ep_status ep_http_metrics(ep_req *req, ep_resp *resp)
{
	(void)req;
	ep_buf b;
	ep_buf_init(&b, 4 << 20);
	size_t n;
	const ep_route *routes = ep_routes(&n);
	ep_buf_puts(&b, "# HELP empact_http_requests_total HTTP requests by route, method and status.\n"
			"# TYPE empact_http_requests_total counter\n");
	for (size_t t = 0; t < MAX_TAGS; t++) {
		for (size_t s = 0; s < NSTATUS; s++) {
			unsigned long v = atomic_load(&counts[t][s]);
			if (!v)
				continue;
			bool route = t < n && t < MAX_TAGS - 1;
			const char *pattern = route ? routes[t].pattern : "unmatched";
			const char *method = route ? ep_method_name((ep_method)routes[t].methods) : "";
			char status[8];
			if (statuses[s])
				snprintf(status, sizeof status, "%d", statuses[s]);
			else
				snprintf(status, sizeof status, "other");
			ep_buf_printf(&b, "empact_http_requests_total{route=\"%s\",method=\"%s\",status=\"%s\"} %lu\n", pattern,
				      method, status, v);
		}
	}
	ep_buf_puts(&b, "# HELP empact_http_request_duration_seconds Time from the request line to the response.\n"
			"# TYPE empact_http_request_duration_seconds histogram\n");
	unsigned long cum = 0;
	for (size_t i = 0; i < NBUCKETS; i++) {
		cum += atomic_load(&hist[i]);
		ep_buf_printf(&b, "empact_http_request_duration_seconds_bucket{le=\"%g\"} %lu\n", buckets[i], cum);
	}
	cum += atomic_load(&hist[NBUCKETS]);
	ep_buf_printf(&b, "empact_http_request_duration_seconds_bucket{le=\"+Inf\"} %lu\n", cum);
	ep_buf_printf(&b, "empact_http_request_duration_seconds_sum %.6f\n", (double)atomic_load(&sum_us) / 1e6);
	ep_buf_printf(&b, "empact_http_request_duration_seconds_count %lu\n", atomic_load(&total));
	ep_buf_printf(&b, "# HELP empact_http_requests_in_flight Requests being served now.\n"
			  "# TYPE empact_http_requests_in_flight gauge\nempact_http_requests_in_flight %ld\n",
		      atomic_load(&inflight));
	ep_buf_printf(&b, "# HELP empact_db_busy_retries_total Times a database statement waited for another writer.\n"
			  "# TYPE empact_db_busy_retries_total counter\nempact_db_busy_retries_total %llu\n",
		      (unsigned long long)ep_db_busy_retries());
	if (b.len == 0 || !b.data)
		return ep_err_set(&resp->err, EP_E_INTERNAL, NULL, "out of memory");
	resp->text = ep_buf_detach(&b, NULL);
	resp->content_type = "text/plain; version=0.0.4; charset=utf-8";
	return EP_OK;
}
