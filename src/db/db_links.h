/*
 * The links of an operational action: its Action Leader and Co-Action Leaders, its
 * participants with their participation status, the strategic goals it pursues and the
 * actions it cross-references. Read in bulk for a page of actions; changed one at a time,
 * each change bumping the action's version so that concurrent edits are detected.
 */
#ifndef EP_DB_LINKS_H
#define EP_DB_LINKS_H

#include <jansson.h>

#include "db/db.h"

/* Adds to every action object of the array (each has "id") the members "leader",
 * "co_leaders", "participants", "goals" and "cross_references". */
ep_status ep_db_actions_embed(ep_db *db, json_t *actions, ep_err *err);

/* Adds the organisations and priorities a record names: to priorities "driver",
 * "co_drivers" and "supporting_agencies"; to OAPs "driver" and "co_drivers"; to shared goals
 * "priorities". resource is the resource name; other resources are left as they are. */
ep_status ep_db_embed_links(ep_db *db, const char *resource, json_t *items, ep_err *err);

typedef enum ep_link {
	EP_LINK_LEADER,      /* org_id, text = role (leader / co_leader) */
	EP_LINK_PARTICIPANT, /* org_id, text = status */
	EP_LINK_GOAL,        /* goal_id */
	EP_LINK_XREF,        /* to action_id, text = note */
} ep_link;

/* Adds a link (EP_E_CONFLICT if it exists, or if a second leader is added). */
ep_status ep_db_link_add(ep_db *db, ep_link kind, int64_t action_id, int64_t other_id, const char *text,
			 ep_err *err);
/* Changes a link's text (a participant's status, a cross-reference's note). EP_E_NOTFOUND if absent. */
ep_status ep_db_link_set(ep_db *db, ep_link kind, int64_t action_id, int64_t other_id, const char *text, ep_err *err);
ep_status ep_db_link_remove(ep_db *db, ep_link kind, int64_t action_id, int64_t other_id, ep_err *err);
/* How many leaders (role 'leader') the action has. */
ep_status ep_db_action_leader_count(ep_db *db, int64_t action_id, int64_t *n, ep_err *err);
/* The ids of the actions that cross-reference action_id, as a JSON array of action objects. */
ep_status ep_db_actions_referring(ep_db *db, int64_t action_id, json_t **ids, ep_err *err);
/* The priority of an action's OAP, and the priority of a goal. */
ep_status ep_db_action_priority(ep_db *db, int64_t action_id, int64_t *priority_id, ep_err *err);
ep_status ep_db_goal_priority(ep_db *db, int64_t goal_id, int64_t *priority_id, ep_err *err);
/* The cycle of an action's OAP. */
ep_status ep_db_action_cycle(ep_db *db, int64_t action_id, int64_t *cycle_id, ep_err *err);

#endif
