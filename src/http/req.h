/*
 * A request as handlers see it, and the response they fill. Handlers are view-neutral: they
 * put the data of the answer (a jansson value) in resp->data, and the JSON view (here) or the
 * HTML view (the web UI) renders it. Handlers never see libmicrohttpd.
 */
#ifndef EP_HTTP_REQ_H
#define EP_HTTP_REQ_H

#include <jansson.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/config.h"
#include "core/status.h"
#include "access/access.h"
#include "access/throttle.h"
#include "db/db.h"
#include "http/query.h"
#include "svc/svc_rules.h"

typedef enum ep_method {
	EP_GET = 1,
	EP_HEAD = 2,
	EP_POST = 4,
	EP_PATCH = 8,
	EP_PUT = 16,
	EP_DELETE = 32,
} ep_method;

#define EP_MAX_PATH_IDS 4

struct ep_route;

typedef struct ep_req {
	ep_arena *arena; /* lives as long as the request */
	ep_db *db;       /* this worker's connection */
	const ep_config *cfg;
	ep_rules rules;
	ep_method method;
	const char *path;
	ep_query query;
	int64_t ids[EP_MAX_PATH_IDS]; /* the {id} segments of the path, in order */
	size_t nids;
	json_t *body;         /* the parsed JSON body, an object; NULL without one (borrowed) */
	const char *if_match; /* the If-Match header, or NULL */
	const char *request_id;
	const struct ep_route *route;
	const ep_principal *who; /* the caller, as the policy check saw it */
	const ep_vis *vis;       /* what the caller may read (&who->vis) */
	const char *client_addr;
	ep_throttle *throttle;   /* of failed sign-ins */
	bool tls;                /* the connection is TLS */
	const char *anchor;      /* the audit anchor file */
} ep_req;

typedef struct ep_resp {
	int status;      /* 0: derived from the handler's ep_status (200 for EP_OK) */
	json_t *data;    /* owned; rendered on success */
	ep_err err;      /* the error, when the handler fails */
	ep_errs problems; /* every problem, for a validation failure */
	int64_t version; /* > 0: sent as the ETag */
	char location[256];
	char *text;               /* a non-JSON body (malloc'd), such as the metrics */
	size_t text_len;          /* its length when it is binary (a PDF); 0: strlen(text) */
	char filename[160];       /* a download: the file name the client should save it as */
	const char *content_type; /* of text */
	char set_cookie[512];     /* a Set-Cookie header to send, or "" */
	int retry_after;          /* > 0: a Retry-After header (429) */
	bool audited;             /* the handler wrote the audit record of the request itself */
	int64_t audit_object_id;  /* the object a write created or changed, when not the path's */
	const char *audit_note;   /* what the audit record of a write should say besides its route */
	const char *csv_table;    /* a read answered as CSV: the table of data to export */
} ep_resp;

typedef ep_status (*ep_handler)(ep_req *req, ep_resp *resp);

/* Sets resp->data (taking the reference) and returns EP_OK. */
ep_status ep_resp_json(ep_resp *resp, json_t *data);
/* Answers a whole list in one page: {"items": items, "next_cursor": null} (takes items). */
ep_status ep_resp_page(ep_resp *resp, json_t *items);

#endif
