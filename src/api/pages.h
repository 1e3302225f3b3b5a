/*
 * The handlers of the web UI's pages (see page.h and page_routes.c), and what they share.
 */
#ifndef EP_API_PAGES_H
#define EP_API_PAGES_H

#include "api/page.h"

/* Signing in and out, the account. */
ep_status ep_page_sign_in(ep_page *p);
ep_status ep_page_sign_out(ep_page *p);
ep_status ep_page_account(ep_page *p);
ep_status ep_page_password(ep_page *p);
ep_status ep_page_totp(ep_page *p);
/* The plan. */
ep_status ep_page_home(ep_page *p);
ep_status ep_page_cycles(ep_page *p);
ep_status ep_page_cycle(ep_page *p);
ep_status ep_page_priority(ep_page *p);
ep_status ep_page_oap(ep_page *p);
ep_status ep_page_oap_matrix(ep_page *p);
ep_status ep_page_action(ep_page *p);
ep_status ep_page_report_ask(ep_page *p);
/* Monitoring and participation. */
ep_status ep_page_report(ep_page *p);
ep_status ep_page_rounds(ep_page *p);
ep_status ep_page_round(ep_page *p);
ep_status ep_page_round_chase(ep_page *p);
ep_status ep_page_participation(ep_page *p);
ep_status ep_page_participation_set(ep_page *p);
ep_status ep_page_link_add(ep_page *p);
ep_status ep_page_cosi(ep_page *p);
/* Documents, registers, search, audit, administration. */
ep_status ep_page_documents(ep_page *p);
ep_status ep_page_document(ep_page *p);
ep_status ep_page_declassify(ep_page *p);
ep_status ep_page_registers(ep_page *p);
ep_status ep_page_search(ep_page *p);
ep_status ep_page_audit(ep_page *p);
/* Accounts and roles (page_admin.c). */
ep_status ep_page_users(ep_page *p);
ep_status ep_page_user_new(ep_page *p);
ep_status ep_page_user(ep_page *p);
ep_status ep_page_user_edit(ep_page *p);
ep_status ep_page_user_step(ep_page *p);
/* Made from the resource descriptions. */
ep_status ep_page_new(ep_page *p);
ep_status ep_page_edit(ep_page *p);
ep_status ep_page_transition(ep_page *p);
ep_status ep_page_list(ep_page *p);
ep_status ep_page_record(ep_page *p);

/* Shared by the handlers. */
/* A member of a record the API answered: its text ("" when absent), its whole number (0). */
static inline const char *ep_pages_str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}
static inline json_int_t ep_pages_num(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}
/* The page that says a step was refused, why, and the way back (status: the API's). */
ep_status ep_pages_refused(ep_page *p, const char *title, int status, const char *msg, const char *back);
/* The value of a query parameter, or NULL. */
const char *ep_pages_param(const ep_page *p, const char *name);
/* The workflow moves the user may make on a record now: [{"to", "label"}]. */
json_t *ep_pages_moves(ep_page *p, const char *resource, int64_t id, const char *state);
/* A status message for ?done=CODE after a redirect (a fixed text, never the query's). */
void ep_pages_done(ep_page *p);
/* Adds action_number and action_title to rows that have an action_id (actions the user may
 * read; the others stay unnamed). */
void ep_pages_name_actions(ep_page *p, json_t *rows);
/* s percent-encoded for a query value, in the arena. */
const char *ep_pages_enc(ep_page *p, const char *s);
/* An amount typed in euros ("1 250,50", "1250.5") as cents; false when it is not one. */
bool ep_pages_euros(const char *s, int64_t *cents);
/* The path's first segment ("oaps" of "/oaps/3/edit"), in the arena. */
const char *ep_pages_resource(const ep_page *p);
/* After a stale change (412): each field of sent whose value differs from stored, both
 * versions side by side ("conflict": {theirs, mine}) with a message that someone else `what`
 * ("saved this record"); the user's input stays in the form. labels: field -> label pairs, a
 * field not among them labelled from its name. */
void ep_pages_conflict(ep_page *p, json_t *stored, json_t *sent, const char *const labels[][2], size_t nlabels,
		       const char *what);
/* A local path safe to go back to after signing in: starts with one '/', no scheme. */
bool ep_pages_safe_next(const char *next);

#endif
