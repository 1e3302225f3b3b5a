/*
 * Creating, changing, archiving and moving through their workflow any resource of the API.
 * A body is checked field by field against the resource's description (types, ranges,
 * required, read-only and fixed fields, references that must exist, the accredited maximum
 * classification), then the whole resulting record against the domain rules of svc_rules.h.
 * Every problem is reported, each with its field. Nothing is written unless all pass.
 */
#ifndef EP_SVC_RES_H
#define EP_SVC_RES_H

#include <jansson.h>

#include "db/db_res.h"
#include "svc/svc_rules.h"

/* On EP_E_INVALID the problems are in errs; other failures are in err. *out gets the stored
 * record (a new reference). */
ep_status ep_svc_res_create(ep_db *db, const ep_rules *rules, const ep_resdef *d, json_t *body, json_t **out,
			    ep_errs *errs, ep_err *err);
ep_status ep_svc_res_update(ep_db *db, const ep_rules *rules, const ep_resdef *d, int64_t id, int64_t version,
			    json_t *patch, json_t **out, ep_errs *errs, ep_err *err);
ep_status ep_svc_res_delete(ep_db *db, const ep_resdef *d, int64_t id, int64_t version, ep_err *err);

/* Who makes a change, for the records a workflow keeps (report histories, follow-ups). */
typedef struct ep_actor {
	int64_t user_id; /* 0: the command line or the system */
	const char *name;
} ep_actor;

/* The workflow of a resource that has one: the states reachable from state, NULL-terminated;
 * NULL if the resource has no workflow. */
const char *const *ep_svc_transitions(const ep_resdef *d, const char *state);
/* Moves the record to state to, at version. args holds the fields the move takes besides
 * "to" (a comment, a reason, a decision, the OAP an action continues in), NULL for none; an
 * unknown or missing one is a problem in errs (EP_E_INVALID). EP_E_CONFLICT naming the allowed
 * states when the move is not allowed from where the record is, or when what it depends on
 * (an open round, a report's content) is not there. Runs in one transaction with everything
 * the move entails (the reports a round owes, a follow-up item, a carried-over action).
 * *out gets the record after the move. */
ep_status ep_svc_res_transition(ep_db *db, const ep_actor *who, const ep_resdef *d, int64_t id, int64_t version,
				const char *to, json_t *args, json_t **out, ep_errs *errs, ep_err *err);

#endif
