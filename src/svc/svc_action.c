/*
 * Action links (see svc_action.h).
 */
#include "svc/svc_action.h"

#include <stdio.h>
#include <string.h>

#include "db/db_res.h"
#include "core/banned.h"

static const char *const roles[] = {"leader", "co_leader", NULL};

ep_status ep_svc_action_get(ep_db *db, int64_t id, json_t **out, ep_err *err)
{
	const ep_resdef *d = ep_resdef_find("actions");
	json_t *a;
	ep_status s = ep_db_res_get(db, d, id, &a, err);
	if (s != EP_OK)
		return s;
	json_t *arr = json_array();
	json_array_append(arr, a);
	s = ep_db_actions_embed(db, arr, err);
	json_decref(arr);
	if (s != EP_OK) {
		json_decref(a);
		return s;
	}
	*out = a;
	return EP_OK;
}

/* Reads {"key": id} from body; problems to errs. */
static int64_t body_id(json_t *body, const char *key, ep_errs *errs)
{
	json_t *v = json_object_get(body, key);
	char path[64];
	snprintf(path, sizeof path, "$.%s", key);
	if (!v) {
		ep_errs_add(errs, EP_E_INVALID, path, "is required");
		return 0;
	}
	if (!json_is_integer(v) || json_integer_value(v) < 1) {
		ep_errs_add(errs, EP_E_INVALID, path, "must be the id of a record");
		return 0;
	}
	return (int64_t)json_integer_value(v);
}

static const char *body_text(json_t *body, const char *key, bool required, size_t max, ep_errs *errs)
{
	json_t *v = json_object_get(body, key);
	char path[64];
	snprintf(path, sizeof path, "$.%s", key);
	if (!v || json_is_null(v)) {
		if (required)
			ep_errs_add(errs, EP_E_INVALID, path, "is required");
		return NULL;
	}
	if (!json_is_string(v)) {
		ep_errs_add(errs, EP_E_INVALID, path, "must be a text");
		return NULL;
	}
	ep_rule_text(errs, "$", key, json_string_value(v), required, max);
	return json_string_value(v);
}

static void only_keys(json_t *body, const char *const *keys, ep_errs *errs)
{
	const char *k;
	json_t *v;
	json_object_foreach(body, k, v)
	{
		bool ok = false;
		for (const char *const *a = keys; *a && !ok; a++)
			ok = strcmp(*a, k) == 0;
		if (!ok) {
			char path[160];
			snprintf(path, sizeof path, "$.%.100s", k);
			ep_errs_add(errs, EP_E_INVALID, path, "unknown field of this link");
		}
	}
}

/* Checks the target of a new link, and returns the text to store. */
static const char *check_add(ep_db *db, ep_link kind, int64_t action_id, json_t *body, int64_t *other, ep_errs *errs)
{
	ep_err e;
	const char *text = NULL;
	switch (kind) {
	case EP_LINK_LEADER: {
		static const char *const keys[] = {"org_id", "role", NULL};
		only_keys(body, keys, errs);
		*other = body_id(body, "org_id", errs);
		text = body_text(body, "role", true, 16, errs);
		if (text)
			ep_rule_enum(errs, "$", "role", text, roles);
		break;
	}
	case EP_LINK_PARTICIPANT: {
		static const char *const keys[] = {"org_id", "status", NULL};
		only_keys(body, keys, errs);
		*other = body_id(body, "org_id", errs);
		text = body_text(body, "status", false, 16, errs);
		if (!text)
			text = "invited";
		ep_rule_enum(errs, "$", "status", text, ep_participant_statuses);
		break;
	}
	case EP_LINK_GOAL: {
		static const char *const keys[] = {"goal_id", NULL};
		only_keys(body, keys, errs);
		*other = body_id(body, "goal_id", errs);
		break;
	}
	case EP_LINK_XREF: {
		static const char *const keys[] = {"action_id", "note", NULL};
		only_keys(body, keys, errs);
		*other = body_id(body, "action_id", errs);
		text = body_text(body, "note", false, EP_MAX_TEXT, errs);
		break;
	}
	}
	if (!*other)
		return text;
	if (kind == EP_LINK_LEADER || kind == EP_LINK_PARTICIPANT) {
		if (ep_db_res_exists(db, "organisations", *other, &e) != EP_OK)
			ep_errs_add(errs, EP_E_INVALID, "$.org_id", "there is no organisation %lld", (long long)*other);
	} else if (kind == EP_LINK_GOAL) {
		int64_t gp, ap;
		if (ep_db_goal_priority(db, *other, &gp, &e) != EP_OK)
			ep_errs_add(errs, EP_E_INVALID, "$.goal_id", "there is no strategic goal %lld", (long long)*other);
		else if (ep_db_action_priority(db, action_id, &ap, &e) == EP_OK && ap != gp)
			ep_errs_add(errs, EP_E_INVALID, "$.goal_id",
				    "strategic goal %lld belongs to another priority than the action's OAP", (long long)*other);
	} else {
		int64_t c1, c2;
		if (*other == action_id)
			ep_errs_add(errs, EP_E_INVALID, "$.action_id", "an action cannot refer to itself");
		else if (ep_db_action_cycle(db, *other, &c2, &e) != EP_OK)
			ep_errs_add(errs, EP_E_INVALID, "$.action_id", "there is no operational action %lld", (long long)*other);
		else if (ep_db_action_cycle(db, action_id, &c1, &e) == EP_OK && c1 != c2)
			ep_errs_add(errs, EP_E_INVALID, "$.action_id", "action %lld belongs to another cycle", (long long)*other);
	}
	return text;
}

static const char *check_set(ep_link kind, json_t *body, ep_errs *errs)
{
	const char *text = NULL;
	switch (kind) {
	case EP_LINK_LEADER: {
		static const char *const keys[] = {"role", NULL};
		only_keys(body, keys, errs);
		text = body_text(body, "role", true, 16, errs);
		if (text)
			ep_rule_enum(errs, "$", "role", text, roles);
		break;
	}
	case EP_LINK_PARTICIPANT: {
		static const char *const keys[] = {"status", NULL};
		only_keys(body, keys, errs);
		text = body_text(body, "status", true, 16, errs);
		if (text)
			ep_rule_enum(errs, "$", "status", text, ep_participant_statuses);
		break;
	}
	case EP_LINK_XREF: {
		static const char *const keys[] = {"note", NULL};
		only_keys(body, keys, errs);
		text = body_text(body, "note", false, EP_MAX_TEXT, errs);
		break;
	}
	case EP_LINK_GOAL: ep_errs_add(errs, EP_E_INVALID, "$", "a goal link has nothing to change"); break;
	}
	return text;
}

ep_status ep_svc_action_link(ep_db *db, ep_link_op op, ep_link kind, int64_t action_id, int64_t version,
			     int64_t other_id, json_t *body, json_t **out, ep_errs *errs, ep_err *err)
{
	const ep_resdef *d = ep_resdef_find("actions");
	ep_status s = ep_db_res_exists(db, "actions", action_id, err);
	if (s != EP_OK)
		return s == EP_E_NOTFOUND ? ep_err_set(err, EP_E_NOTFOUND, NULL, "no operational action %lld",
						       (long long)action_id)
					  : s;
	const char *text = NULL;
	if (op == EP_LINK_ADD)
		text = check_add(db, kind, action_id, body, &other_id, errs);
	else if (op == EP_LINK_SET)
		text = check_set(kind, body, errs);
	if (ep_errs_count(errs))
		return EP_E_INVALID;
	if ((s = ep_db_begin(db, err)) != EP_OK)
		return s;
	int64_t nv;
	s = ep_db_res_touch(db, d, action_id, version, &nv, err);
	if (s == EP_OK) {
		if (op == EP_LINK_ADD)
			s = ep_db_link_add(db, kind, action_id, other_id, text, err);
		else if (op == EP_LINK_SET)
			s = ep_db_link_set(db, kind, action_id, other_id, text, err);
		else
			s = ep_db_link_remove(db, kind, action_id, other_id, err);
	}
	if (s == EP_OK && kind == EP_LINK_LEADER) {
		int64_t n;
		s = ep_db_action_leader_count(db, action_id, &n, err);
		if (s == EP_OK && n > 1)
			s = ep_err_set(err, EP_E_CONFLICT, "role", "an action has one Action Leader; add others as co_leader");
	}
	if (s == EP_OK)
		s = ep_db_commit(db, err);
	if (s != EP_OK) {
		ep_db_rollback(db);
		return s;
	}
	return ep_svc_action_get(db, action_id, out, err);
}
