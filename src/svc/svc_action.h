/*
 * The links of an operational action as its Driver and Action Leader manage them: leaders,
 * participants and their status, goal links and cross-references. Every change names the
 * version of the action it was made against and makes a new version of it.
 */
#ifndef EP_SVC_ACTION_H
#define EP_SVC_ACTION_H

#include <jansson.h>

#include "db/db_links.h"
#include "svc/svc_rules.h"

typedef enum ep_link_op { EP_LINK_ADD, EP_LINK_SET, EP_LINK_REMOVE } ep_link_op;

/* body: for ADD the new link ({"org_id", "role"|"status"} / {"goal_id"} / {"action_id", "note"}),
 * for SET the changed text ({"status"} / {"role"} / {"note"}), NULL for REMOVE; other_id is
 * the link's target for SET and REMOVE. *out gets the action with its links. */
ep_status ep_svc_action_link(ep_db *db, ep_link_op op, ep_link kind, int64_t action_id, int64_t version,
			     int64_t other_id, json_t *body, json_t **out, ep_errs *errs, ep_err *err);
/* The action with its links (a new reference). */
ep_status ep_svc_action_get(ep_db *db, int64_t id, json_t **out, ep_err *err);

#endif
