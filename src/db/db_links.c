/*
 * Storage of action links (see db_links.h). A page of actions gets its links with one query
 * per kind, the page's ids passed as one JSON array parameter (json_each), so the statement
 * is prepared once whatever the page size.
 */
#include "db/db_links.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/map.h"
#include "db/db_internal.h"
#include "core/banned.h"

static json_t *find(ep_map *ids, json_t *actions, int64_t id)
{
	char key[24];
	int64_t idx;
	snprintf(key, sizeof key, "%lld", (long long)id);
	return ep_map_get(ids, key, &idx) ? json_array_get(actions, (size_t)idx) : NULL;
}

/* Indexes a page of records by id (id -> position in items) and gives the ids as the JSON
 * array text the queries take through json_each. NULL when memory runs out. */
static char *page_ids(json_t *items, ep_map *ids)
{
	json_t *idlist = json_array();
	for (size_t i = 0; idlist && i < json_array_size(items); i++) {
		int64_t id = (int64_t)json_integer_value(json_object_get(json_array_get(items, i), "id"));
		char key[24];
		snprintf(key, sizeof key, "%lld", (long long)id);
		ep_map_put(ids, key, (int64_t)i);
		json_array_append_new(idlist, json_integer(id));
	}
	char *text = idlist ? json_dumps(idlist, JSON_COMPACT) : NULL;
	json_decref(idlist);
	return text;
}

ep_status ep_db_actions_embed(ep_db *db, json_t *actions, ep_err *err)
{
	static const char SQL_LEADERS[] =
		"SELECT l.action_id, l.role, o.id, o.code FROM action_leaders l JOIN organisations o ON o.id = l.org_id"
		" WHERE l.action_id IN (SELECT value FROM json_each(?1)) ORDER BY l.action_id, l.role = 'co_leader', l.position";
	static const char SQL_PARTICIPANTS[] =
		"SELECT x.action_id, x.status, o.id, o.code FROM action_participants x JOIN organisations o ON o.id = x.org_id"
		" WHERE x.action_id IN (SELECT value FROM json_each(?1)) ORDER BY x.action_id, x.position";
	static const char SQL_GOALS[] =
		"SELECT g.action_id, NULL, g.goal_id, NULL FROM action_goals g"
		" WHERE g.action_id IN (SELECT value FROM json_each(?1)) ORDER BY g.action_id, g.position";
	static const char SQL_XREFS[] =
		"SELECT x.from_action_id, x.note, x.to_action_id, NULL FROM action_xrefs x"
		" WHERE x.from_action_id IN (SELECT value FROM json_each(?1)) ORDER BY x.from_action_id, x.position";
	size_t n = json_array_size(actions);
	if (n == 0)
		return EP_OK;
	ep_map ids;
	ep_map_init(&ids);
	char *idtext = page_ids(actions, &ids);
	for (size_t i = 0; i < n; i++) {
		json_t *a = json_array_get(actions, i);
		json_object_set_new(a, "leader", json_null());
		json_object_set_new(a, "co_leaders", json_array());
		json_object_set_new(a, "participants", json_array());
		json_object_set_new(a, "goals", json_array());
		json_object_set_new(a, "cross_references", json_array());
	}
	const char *sqls[] = {SQL_LEADERS, SQL_PARTICIPANTS, SQL_GOALS, SQL_XREFS};
	ep_status s = idtext ? EP_OK : ep_err_set(err, EP_E_INTERNAL, NULL, "out of memory");
	/* The four queries read one snapshot, in one read transaction: on their own, each would
	 * take and release the WAL read lock (fcntl calls and the wal-index), which was a quarter
	 * of the CPU time of GET /api/v1/actions/{id}. Inside a caller's transaction, that one. */
	static const char SQL_BEGIN_READ[] = "BEGIN", SQL_END_READ[] = "COMMIT";
	bool own_tx = s == EP_OK && sqlite3_get_autocommit(db->h);
	if (own_tx) {
		sqlite3_stmt *b = db_stmt(db, SQL_BEGIN_READ, err);
		s = b ? db_exec_stmt(db, b, err, "starting a read") : EP_E_INTERNAL;
		own_tx = s == EP_OK;
	}
	for (int k = 0; k < 4 && s == EP_OK; k++) {
		sqlite3_stmt *st = db_stmt(db, sqls[k], err);
		if (!st) {
			s = EP_E_INTERNAL;
			break;
		}
		sqlite3_bind_text(st, 1, idtext, -1, SQLITE_STATIC);
		int rc;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			json_t *a = find(&ids, actions, sqlite3_column_int64(st, 0));
			if (!a)
				continue;
			const char *text = db_col_text(st, 1);
			int64_t other = sqlite3_column_int64(st, 2);
			const char *code = db_col_text(st, 3);
			json_t *org = NULL;
			if (k <= 1) {
				org = json_object();
				json_object_set_new(org, "org_id", json_integer(other));
				json_object_set_new(org, "org", json_string(code ? code : ""));
			}
			switch (k) {
			case 0:
				if (strcmp(text, "leader") == 0) {
					json_object_set_new(a, "leader", org);
				} else {
					json_array_append_new(json_object_get(a, "co_leaders"), org);
				}
				break;
			case 1:
				json_object_set_new(org, "status", json_string(text));
				json_array_append_new(json_object_get(a, "participants"), org);
				break;
			case 2: json_array_append_new(json_object_get(a, "goals"), json_integer(other)); break;
			default: {
				json_t *x = json_object();
				json_object_set_new(x, "action_id", json_integer(other));
				json_object_set_new(x, "note", text ? json_string(text) : json_null());
				json_array_append_new(json_object_get(a, "cross_references"), x);
			}
			}
		}
		if (rc != SQLITE_DONE)
			s = db_fail(db, err, "reading action links");
		sqlite3_reset(st);
	}
	if (own_tx) {
		sqlite3_stmt *c = db_stmt(db, SQL_END_READ, err);
		ep_status s2 = c ? db_exec_stmt(db, c, err, "ending a read") : EP_E_INTERNAL;
		if (s2 != EP_OK)
			ep_db_rollback(db);
		if (s == EP_OK)
			s = s2;
	}
	free(idtext);
	ep_map_release(&ids);
	return s;
}

ep_status ep_db_link_add(ep_db *db, ep_link kind, int64_t action_id, int64_t other_id, const char *text, ep_err *err)
{
	static const char *const SQL[] = {
		"INSERT INTO action_leaders (action_id, org_id, role, position) VALUES (?1, ?2, ?3,"
		" (SELECT coalesce(max(position), 0) + 1 FROM action_leaders WHERE action_id = ?1))",
		"INSERT INTO action_participants (action_id, org_id, status, position) VALUES (?1, ?2, ?3,"
		" (SELECT coalesce(max(position), 0) + 1 FROM action_participants WHERE action_id = ?1))",
		"INSERT INTO action_goals (action_id, goal_id, position) SELECT ?1, ?2,"
		" (SELECT coalesce(max(position), 0) + 1 FROM action_goals WHERE action_id = ?1) WHERE ?3 IS NULL",
		"INSERT INTO action_xrefs (from_action_id, to_action_id, note, position) VALUES (?1, ?2, ?3,"
		" (SELECT coalesce(max(position), 0) + 1 FROM action_xrefs WHERE from_action_id = ?1))",
	};
	static const char *const what[] = {"leader", "participant", "goal", "cross-reference"};
	sqlite3_stmt *st = db_stmt(db, SQL[kind], err);
	if (!st)
		return EP_E_INTERNAL;
	sqlite3_bind_int64(st, 1, action_id);
	sqlite3_bind_int64(st, 2, other_id);
	db_bind_text(st, 3, text);
	int rc = sqlite3_step(st);
	ep_status s = EP_OK;
	if (rc != SQLITE_DONE) {
		s = db_fail(db, err, "adding a link");
		if (s == EP_E_CONFLICT)
			s = ep_err_set(err, EP_E_CONFLICT, NULL,
				       kind == EP_LINK_LEADER && text && strcmp(text, "leader") == 0
					       ? "the action already has an Action Leader, or this organisation already leads it"
					       : "this %s is already linked to the action",
				       what[kind]);
	}
	sqlite3_reset(st);
	return s;
}

ep_status ep_db_link_set(ep_db *db, ep_link kind, int64_t action_id, int64_t other_id, const char *text, ep_err *err)
{
	static const char *const SQL[] = {
		"UPDATE action_leaders SET role = ?3 WHERE action_id = ?1 AND org_id = ?2",
		"UPDATE action_participants SET status = ?3, version = version + 1 WHERE action_id = ?1 AND org_id = ?2",
		"UPDATE action_goals SET position = position WHERE action_id = ?1 AND goal_id = ?2 AND ?3 IS NULL",
		"UPDATE action_xrefs SET note = ?3 WHERE from_action_id = ?1 AND to_action_id = ?2",
	};
	sqlite3_stmt *st = db_stmt(db, SQL[kind], err);
	if (!st)
		return EP_E_INTERNAL;
	sqlite3_bind_int64(st, 1, action_id);
	sqlite3_bind_int64(st, 2, other_id);
	db_bind_text(st, 3, text);
	ep_status s = db_exec_stmt(db, st, err, "changing a link");
	if (s == EP_E_CONFLICT && kind == EP_LINK_LEADER)
		s = ep_err_set(err, EP_E_CONFLICT, "role",
			       "the action already has an Action Leader: make that one a co_leader first");
	else if (s == EP_OK && sqlite3_changes(db->h) == 0)
		s = ep_err_set(err, EP_E_NOTFOUND, NULL, "no such link on the action");
	return s;
}

ep_status ep_db_link_remove(ep_db *db, ep_link kind, int64_t action_id, int64_t other_id, ep_err *err)
{
	static const char *const SQL[] = {
		"DELETE FROM action_leaders WHERE action_id = ?1 AND org_id = ?2",
		"DELETE FROM action_participants WHERE action_id = ?1 AND org_id = ?2",
		"DELETE FROM action_goals WHERE action_id = ?1 AND goal_id = ?2",
		"DELETE FROM action_xrefs WHERE from_action_id = ?1 AND to_action_id = ?2",
	};
	sqlite3_stmt *st = db_stmt(db, SQL[kind], err);
	if (!st)
		return EP_E_INTERNAL;
	sqlite3_bind_int64(st, 1, action_id);
	sqlite3_bind_int64(st, 2, other_id);
	ep_status s = db_exec_stmt(db, st, err, "removing a link");
	if (s == EP_OK && sqlite3_changes(db->h) == 0)
		s = ep_err_set(err, EP_E_NOTFOUND, NULL, "no such link on the action");
	return s;
}

ep_status ep_db_action_leader_count(ep_db *db, int64_t action_id, int64_t *n, ep_err *err)
{
	static const char SQL[] = "SELECT count(*) FROM action_leaders WHERE action_id = ?1 AND role = 'leader'";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	sqlite3_bind_int64(st, 1, action_id);
	return db_one_i64(db, st, n, err, "leaders");
}

ep_status ep_db_actions_referring(ep_db *db, int64_t action_id, json_t **ids, ep_err *err)
{
	static const char SQL[] = "SELECT from_action_id, note FROM action_xrefs WHERE to_action_id = ?1 ORDER BY from_action_id";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	sqlite3_bind_int64(st, 1, action_id);
	json_t *arr = json_array();
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *x = json_object();
		json_object_set_new(x, "action_id", json_integer(sqlite3_column_int64(st, 0)));
		const char *note = db_col_text(st, 1);
		json_object_set_new(x, "note", note ? json_string(note) : json_null());
		json_array_append_new(arr, x);
	}
	ep_status s = rc == SQLITE_DONE ? EP_OK : db_fail(db, err, "reading cross-references");
	sqlite3_reset(st);
	if (s != EP_OK) {
		json_decref(arr);
		return s;
	}
	*ids = arr;
	return EP_OK;
}

static ep_status one(ep_db *db, const char *sql, int64_t id, int64_t *out, ep_err *err, const char *what)
{
	sqlite3_stmt *st = db_stmt(db, sql, err);
	if (!st)
		return EP_E_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	return db_one_i64(db, st, out, err, what);
}

ep_status ep_db_action_priority(ep_db *db, int64_t action_id, int64_t *priority_id, ep_err *err)
{
	static const char SQL[] = "SELECT o.priority_id FROM actions a JOIN oaps o ON o.id = a.oap_id WHERE a.id = ?1";
	return one(db, SQL, action_id, priority_id, err, "operational action");
}

ep_status ep_db_goal_priority(ep_db *db, int64_t goal_id, int64_t *priority_id, ep_err *err)
{
	static const char SQL[] = "SELECT priority_id FROM strategic_goals WHERE id = ?1";
	return one(db, SQL, goal_id, priority_id, err, "strategic goal");
}

ep_status ep_db_action_cycle(ep_db *db, int64_t action_id, int64_t *cycle_id, ep_err *err)
{
	static const char SQL[] = "SELECT p.cycle_id FROM actions a JOIN oaps o ON o.id = a.oap_id"
				  " JOIN priorities p ON p.id = o.priority_id WHERE a.id = ?1";
	return one(db, SQL, action_id, cycle_id, err, "operational action");
}

/* One query per kind of link, for a whole page: rows of (owner id, role, id, code). */
static ep_status embed_rows(ep_db *db, const char *sql, json_t *items, ep_map *ids, const char *idtext,
			    void (*attach)(json_t *owner, const char *role, json_t *ref), ep_err *err)
{
	sqlite3_stmt *st = db_stmt(db, sql, err);
	if (!st)
		return EP_E_INTERNAL;
	sqlite3_bind_text(st, 1, idtext, -1, SQLITE_STATIC);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *owner = find(ids, items, sqlite3_column_int64(st, 0));
		if (!owner)
			continue;
		json_t *ref = json_object();
		json_object_set_new(ref, "id", json_integer(sqlite3_column_int64(st, 2)));
		json_object_set_new(ref, "code", json_string(db_col_text(st, 3) ? db_col_text(st, 3) : ""));
		attach(owner, db_col_text(st, 1), ref);
	}
	ep_status s = rc == SQLITE_DONE ? EP_OK : db_fail(db, err, "reading linked records");
	sqlite3_reset(st);
	return s;
}

static void attach_driver(json_t *owner, const char *role, json_t *ref)
{
	if (role && strcmp(role, "driver") == 0)
		json_object_set_new(owner, "driver", ref);
	else
		json_array_append_new(json_object_get(owner, "co_drivers"), ref);
}

static void attach_agency(json_t *owner, const char *role, json_t *ref)
{
	(void)role;
	json_array_append_new(json_object_get(owner, "supporting_agencies"), ref);
}

static void attach_priority(json_t *owner, const char *role, json_t *ref)
{
	(void)role;
	json_array_append_new(json_object_get(owner, "priorities"), ref);
}

ep_status ep_db_embed_links(ep_db *db, const char *resource, json_t *items, ep_err *err)
{
	static const char SQL_PRIORITY_DRIVERS[] =
		"SELECT d.priority_id, d.role, o.id, o.code FROM priority_drivers d JOIN organisations o ON o.id = d.org_id"
		" WHERE d.priority_id IN (SELECT value FROM json_each(?1)) ORDER BY d.priority_id, d.role = 'co_driver', d.position";
	static const char SQL_PRIORITY_AGENCIES[] =
		"SELECT g.priority_id, NULL, o.id, o.code FROM priority_agencies g JOIN organisations o ON o.id = g.org_id"
		" WHERE g.priority_id IN (SELECT value FROM json_each(?1)) ORDER BY g.priority_id, g.position";
	static const char SQL_OAP_DRIVERS[] =
		"SELECT d.oap_id, d.role, o.id, o.code FROM oap_drivers d JOIN organisations o ON o.id = d.org_id"
		" WHERE d.oap_id IN (SELECT value FROM json_each(?1)) ORDER BY d.oap_id, d.role = 'co_driver', d.position";
	static const char SQL_SHARED_PRIORITIES[] =
		"SELECT s.shared_goal_id, NULL, p.id, p.code FROM shared_goal_priorities s JOIN priorities p ON p.id = s.priority_id"
		" WHERE s.shared_goal_id IN (SELECT value FROM json_each(?1)) ORDER BY s.shared_goal_id, s.position";
	bool prio = strcmp(resource, "priorities") == 0, oap = strcmp(resource, "oaps") == 0,
	     shared = strcmp(resource, "shared-goals") == 0;
	size_t n = json_array_size(items);
	if ((!prio && !oap && !shared) || n == 0)
		return EP_OK;
	ep_map ids;
	ep_map_init(&ids);
	char *idtext = page_ids(items, &ids);
	for (size_t i = 0; i < n; i++) {
		json_t *x = json_array_get(items, i);
		if (prio || oap) {
			json_object_set_new(x, "driver", json_null());
			json_object_set_new(x, "co_drivers", json_array());
		}
		if (prio)
			json_object_set_new(x, "supporting_agencies", json_array());
		if (shared)
			json_object_set_new(x, "priorities", json_array());
	}
	ep_status s = idtext ? EP_OK : ep_err_set(err, EP_E_INTERNAL, NULL, "out of memory");
	if (s == EP_OK && prio)
		s = embed_rows(db, SQL_PRIORITY_DRIVERS, items, &ids, idtext, attach_driver, err);
	if (s == EP_OK && prio)
		s = embed_rows(db, SQL_PRIORITY_AGENCIES, items, &ids, idtext, attach_agency, err);
	if (s == EP_OK && oap)
		s = embed_rows(db, SQL_OAP_DRIVERS, items, &ids, idtext, attach_driver, err);
	if (s == EP_OK && shared)
		s = embed_rows(db, SQL_SHARED_PRIORITIES, items, &ids, idtext, attach_priority, err);
	free(idtext);
	ep_map_release(&ids);
	return s;
}
