/*
 * The pages of the web UI. A page is the HTML view of the same handlers and data as the API:
 * its handler asks for what it shows by calling API routes (ep_page_get, ep_page_send), and
 * each call goes through the router's one policy check, exactly as a request from outside
 * would, so a page can show only what its user may read and offer only what its user may do
 * (ep_page_may asks the check without doing anything). The handler then names a template and
 * fills a view model (ctx); src/view renders it inside the layout, with the classification
 * banner of the most sensitive record any of its calls returned.
 *
 * Forms post application/x-www-form-urlencoded bodies with the session's CSRF token; a write
 * that succeeds answers 303 to the page to show (post/redirect/get); a write that fails
 * re-renders the form with the problems next to their fields and the user's input kept.
 */
#ifndef EP_API_PAGE_H
#define EP_API_PAGE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/config.h"
#include "access/access.h"
#include "http/query.h"
#include "http/req.h"

/* The answer of an API call made by a page. */
typedef struct ep_call {
	int status;        /* the HTTP status the API answered */
	json_t *data;      /* its data on success (kept by the page; do not free) */
	int64_t version;   /* its ETag, when it has one */
	char location[256];
	ep_err err;        /* why it failed */
	json_t *problems;  /* a failed write's problems: {"field": "message"} (kept by the page) */
	char set_cookie[512];
} ep_call;

typedef struct ep_page ep_page;

/* Supplied by the HTTP layer: runs one API request as the page's user. dry: only the policy
 * check, nothing done or recorded (returns its status). */
typedef void (*ep_page_caller)(void *conn, ep_method m, const char *target, json_t *body, int64_t if_match, bool dry,
			       ep_call *out);

struct ep_page {
	ep_arena *arena;
	const ep_config *cfg;
	const ep_principal *who;
	ep_method method;
	const char *path;
	ep_query query;
	int64_t ids[EP_MAX_PATH_IDS];
	size_t nids;
	json_t *form;            /* a POST's fields (owned by the caller) */
	void *conn;
	ep_page_caller caller;
	/* what the handler answers */
	int status;              /* 0: 200 */
	const char *tmpl;        /* the template of the page's main content */
	json_t *ctx;             /* its view model (an object, owned) */
	const char *title;
	json_t *crumbs;          /* breadcrumbs: [{"label", "href"}], the last is the page */
	char location[1024];     /* a redirect (303) */
	char set_cookie[512];
	json_t *kept;            /* every read's data, freed with the page; the banner comes from it */
	json_t *spare;           /* writes' answers, freed with the page */
	int banner_class;        /* the highest classification the page's calls returned */
	bool banner_limite;
	bool public_page;        /* shown without signing in */
};

typedef ep_status (*ep_page_handler)(ep_page *p);

typedef struct ep_page_route {
	ep_method method;
	const char *pattern; /* "/oaps/{id}" */
	ep_page_handler handler;
	bool anonymous;      /* served without a session (sign-in) */
} ep_page_route;

/* Finds the page for method and path ({id} segments into ids). Returns false for no page;
 * *allow then says which methods the path has (0: none). */
bool ep_page_match(ep_method m, const char *path, const ep_page_route **route, int64_t *ids, size_t *nids,
		   unsigned *allow);

/* GET target (printf-style) as the page's user: the data, or NULL with *call saying why
 * (call may be NULL). */
json_t *ep_page_get(ep_page *p, ep_call *call, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* A read a page shows only when the user may make it (a history, a roll-up beside the record):
 * asked of the policy check first without a trace, so that a page never fills the audit trail
 * with denials the user did not ask for; NULL when refused. The main record of a page is read
 * with ep_page_get, so that a refusal of it is recorded. */
json_t *ep_page_find(ep_page *p, ep_call *call, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* A write as the page's user; the answer in *call. Returns call->status. */
int ep_page_send(ep_page *p, ep_call *call, ep_method m, const char *target, json_t *body, int64_t if_match);
/* Whether the policy check lets the user make this request (body as it would be sent). */
bool ep_page_may(ep_page *p, ep_method m, const char *target, json_t *body);

/* Helpers of the handlers. */
void ep_page_crumb(ep_page *p, const char *label, const char *href_fmt, ...) __attribute__((format(printf, 3, 4)));
ep_status ep_page_redirect(ep_page *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The form's value of name, trimmed of nothing; NULL when absent. */
const char *ep_page_field(const ep_page *p, const char *name);
/* The version of the record a form was read at (its _version field); 0 when it carries none or
 * not a whole number, which the API answers as a missing If-Match. */
int64_t ep_page_version(const ep_page *p);
/* Moves a failed write's problems and the user's input into ctx (errors, values, message) so
 * that the form shows them; status 422 (or the call's). */
void ep_page_form_failed(ep_page *p, const ep_call *call);

#endif
