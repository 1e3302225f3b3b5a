/*
 * Storage of the strategic layer: organisations, cycles, priorities with their Drivers and
 * supporting agencies, strategic goals, shared goals, footnotes, and the small ordered lists
 * that hang from them.
 */
#include "db/db_internal.h"

#include <string.h>

#include "core/arena.h"
#include "core/banned.h"

/* ---- organisations ---- */

ep_status ep_db_org_insert(ep_db *db, const ep_org *o, int64_t *id, ep_err *err)
{
	static const char SQL[] =
		"INSERT INTO organisations (code, kind, name, country, discipline) VALUES (?1, ?2, ?3, ?4, ?5)";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_text(st, 1, o->code);
	db_bind_text(st, 2, o->kind);
	db_bind_text(st, 3, o->name);
	db_bind_text(st, 4, o->country);
	db_bind_text(st, 5, o->discipline);
	return db_insert_stmt(db, st, id, err, "storing an organisation");
}

ep_status ep_db_org_id(ep_db *db, const char *code, int64_t *id, ep_err *err)
{
	static const char SQL[] = "SELECT id FROM organisations WHERE code = ?1";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_text(st, 1, code);
	return db_one_i64(db, st, id, err, "organisation");
}

static int walk_orgs(ep_db *db, sqlite3_stmt *st, ep_org_fn fn, void *ctx, ep_err *err, ep_status *s)
{
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ep_org o = {
			.id = db_col_i64(st, 0),
			.code = db_col_text(st, 1),
			.kind = db_col_text(st, 2),
			.name = db_col_text(st, 3),
			.country = db_col_text(st, 4),
			.discipline = db_col_text(st, 5),
			.archived = db_col_i64(st, 6) != 0,
			.version = db_col_i64(st, 7),
		};
		if (fn(ctx, &o)) {
			*s = DB_STOPPED(err);
			break;
		}
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		*s = db_fail(db, err, "reading organisations");
	sqlite3_reset(st);
	return 0;
}

ep_status ep_db_orgs_each(ep_db *db, ep_org_fn fn, void *ctx, ep_err *err)
{
	static const char SQL[] = "SELECT id, code, kind, name, country, discipline, archived, version "
				  "FROM organisations ORDER BY code";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	ep_status s = EP_OK;
	walk_orgs(db, st, fn, ctx, err, &s);
	return s;
}

ep_status ep_db_orgs_of_cycle_each(ep_db *db, int64_t cycle_id, ep_org_fn fn, void *ctx, ep_err *err)
{
	static const char SQL[] =
		"SELECT id, code, kind, name, country, discipline, archived, version FROM organisations WHERE id IN ("
		" SELECT d.org_id FROM priority_drivers d JOIN priorities p ON p.id = d.priority_id WHERE p.cycle_id = ?1"
		" UNION SELECT g.org_id FROM priority_agencies g JOIN priorities p ON p.id = g.priority_id"
		"  WHERE p.cycle_id = ?1"
		" UNION SELECT d.org_id FROM oap_drivers d JOIN oaps o ON o.id = d.oap_id"
		"  JOIN priorities p ON p.id = o.priority_id WHERE p.cycle_id = ?1"
		" UNION SELECT l.org_id FROM action_leaders l JOIN actions a ON a.id = l.action_id"
		"  JOIN oaps o ON o.id = a.oap_id JOIN priorities p ON p.id = o.priority_id WHERE p.cycle_id = ?1"
		" UNION SELECT x.org_id FROM action_participants x JOIN actions a ON a.id = x.action_id"
		"  JOIN oaps o ON o.id = a.oap_id JOIN priorities p ON p.id = o.priority_id WHERE p.cycle_id = ?1"
		") ORDER BY code";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, cycle_id);
	ep_status s = EP_OK;
	walk_orgs(db, st, fn, ctx, err, &s);
	return s;
}

/* ---- cycles ---- */

ep_status ep_db_cycle_insert(ep_db *db, const ep_cycle *c, int64_t *id, ep_err *err)
{
	static const char SQL[] = "INSERT INTO cycles (label, first_year, last_year, oap_period_years,"
				  " threat_assessment, priorities_document, status) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_text(st, 1, c->label);
	db_bind_i64(st, 2, c->first_year);
	db_bind_i64(st, 3, c->last_year);
	db_bind_i64(st, 4, c->oap_period_years);
	db_bind_text(st, 5, c->threat_assessment);
	db_bind_text(st, 6, c->priorities_document);
	db_bind_text(st, 7, c->status);
	return db_insert_stmt(db, st, id, err, "storing a cycle");
}

static void read_cycle(sqlite3_stmt *st, ep_cycle *c)
{
	c->id = db_col_i64(st, 0);
	c->label = db_col_text(st, 1);
	c->first_year = db_col_i64(st, 2);
	c->last_year = db_col_i64(st, 3);
	c->oap_period_years = db_col_i64(st, 4);
	c->threat_assessment = db_col_text(st, 5);
	c->priorities_document = db_col_text(st, 6);
	c->status = db_col_text(st, 7);
	c->version = db_col_i64(st, 8);
}

#define CYCLE_COLS "id, label, first_year, last_year, oap_period_years, threat_assessment, priorities_document, status, version"

ep_status ep_db_cycle_find(ep_db *db, const char *label, ep_arena *a, ep_cycle *out, ep_err *err)
{
	static const char SQL[] = "SELECT " CYCLE_COLS " FROM cycles WHERE label = ?1";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_text(st, 1, label);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		read_cycle(st, out);
		const char **strs[] = {&out->label, &out->threat_assessment, &out->priorities_document, &out->status};
		int ok = 1;
		for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
			if (*strs[i] && !(*strs[i] = ep_arena_strdup(a, *strs[i])))
				ok = 0;
		sqlite3_reset(st);
		return ok ? EP_OK : ep_err_set(err, EP_E_INTERNAL, NULL, "out of memory");
	}
	ep_status s = rc == SQLITE_DONE ? ep_err_set(err, EP_E_NOTFOUND, "cycle", "no cycle '%s'", label)
					: db_fail(db, err, "reading a cycle");
	sqlite3_reset(st);
	return s;
}

ep_status ep_db_cycles_each(ep_db *db, int64_t cycle_id, ep_cycle_fn fn, void *ctx, ep_err *err)
{
	static const char SQL[] = "SELECT " CYCLE_COLS " FROM cycles WHERE ?1 = 0 OR id = ?1 ORDER BY label";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, cycle_id);
	ep_status s = EP_OK;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ep_cycle c;
		read_cycle(st, &c);
		if (fn(ctx, &c)) {
			s = DB_STOPPED(err);
			break;
		}
	}
	if (s == EP_OK && rc != SQLITE_DONE)
		s = db_fail(db, err, "reading cycles");
	sqlite3_reset(st);
	return s;
}

/* ---- priorities ---- */

ep_status ep_db_priority_insert(ep_db *db, const ep_priority *p, int64_t *id, ep_err *err)
{
	static const char SQL[] =
		"INSERT INTO priorities (cycle_id, code, position, short_name, aim) VALUES (?1, ?2, ?3, ?4, ?5)";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, p->cycle_id);
	db_bind_text(st, 2, p->code);
	db_bind_i64(st, 3, p->position);
	db_bind_text(st, 4, p->short_name);
	db_bind_text(st, 5, p->aim);
	return db_insert_stmt(db, st, id, err, "storing a priority");
}

ep_status ep_db_priority_id(ep_db *db, int64_t cycle_id, const char *code, int64_t *id, ep_err *err)
{
	static const char SQL[] = "SELECT id FROM priorities WHERE cycle_id = ?1 AND code = ?2";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, cycle_id);
	db_bind_text(st, 2, code);
	return db_one_i64(db, st, id, err, "priority");
}

ep_status ep_db_priority_driver_add(ep_db *db, int64_t priority_id, int64_t org_id, const char *role,
				    int64_t position, ep_err *err)
{
	static const char SQL[] =
		"INSERT INTO priority_drivers (priority_id, org_id, role, position) VALUES (?1, ?2, ?3, ?4)";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, priority_id);
	db_bind_i64(st, 2, org_id);
	db_bind_text(st, 3, role);
	db_bind_i64(st, 4, position);
	return db_exec_stmt(db, st, err, "storing a Driver");
}

ep_status ep_db_priority_agency_add(ep_db *db, int64_t priority_id, int64_t org_id, int64_t position, ep_err *err)
{
	static const char SQL[] = "INSERT INTO priority_agencies (priority_id, org_id, position) VALUES (?1, ?2, ?3)";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, priority_id);
	db_bind_i64(st, 2, org_id);
	db_bind_i64(st, 3, position);
	return db_exec_stmt(db, st, err, "storing a supporting agency");
}

ep_status ep_db_priorities_each(ep_db *db, int64_t cycle_id, ep_priority_fn fn, void *ctx, ep_err *err)
{
	static const char SQL[] = "SELECT id, cycle_id, position, code, short_name, aim, version FROM priorities"
				  " WHERE cycle_id = ?1 ORDER BY position";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, cycle_id);
	ep_status s = EP_OK;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ep_priority p = {db_col_i64(st, 0), db_col_i64(st, 1), db_col_i64(st, 2), db_col_text(st, 3),
				 db_col_text(st, 4), db_col_text(st, 5), db_col_i64(st, 6)};
		if (fn(ctx, &p)) {
			s = DB_STOPPED(err);
			break;
		}
	}
	if (s == EP_OK && rc != SQLITE_DONE)
		s = db_fail(db, err, "reading priorities");
	sqlite3_reset(st);
	return s;
}

/* ---- goals ---- */

ep_status ep_db_goal_insert(ep_db *db, const ep_goal *g, int64_t *id, ep_err *err)
{
	static const char SQL[] =
		"INSERT INTO strategic_goals (priority_id, number, subgroup, text) VALUES (?1, ?2, ?3, ?4)";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, g->priority_id);
	db_bind_i64(st, 2, g->number);
	db_bind_text(st, 3, g->subgroup);
	db_bind_text(st, 4, g->text);
	return db_insert_stmt(db, st, id, err, "storing a strategic goal");
}

ep_status ep_db_goal_id(ep_db *db, int64_t priority_id, int64_t number, int64_t *id, ep_err *err)
{
	static const char SQL[] = "SELECT id FROM strategic_goals WHERE priority_id = ?1 AND number = ?2";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, priority_id);
	db_bind_i64(st, 2, number);
	return db_one_i64(db, st, id, err, "strategic goal");
}

ep_status ep_db_goals_each(ep_db *db, int64_t priority_id, ep_goal_fn fn, void *ctx, ep_err *err)
{
	static const char SQL[] = "SELECT id, priority_id, number, subgroup, text, version FROM strategic_goals"
				  " WHERE priority_id = ?1 ORDER BY number";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, priority_id);
	ep_status s = EP_OK;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ep_goal g = {db_col_i64(st, 0), db_col_i64(st, 1), db_col_i64(st, 2), db_col_text(st, 3),
			     db_col_text(st, 4), db_col_i64(st, 5)};
		if (fn(ctx, &g)) {
			s = DB_STOPPED(err);
			break;
		}
	}
	if (s == EP_OK && rc != SQLITE_DONE)
		s = db_fail(db, err, "reading strategic goals");
	sqlite3_reset(st);
	return s;
}

ep_status ep_db_shared_goal_insert(ep_db *db, const ep_shared_goal *g, int64_t *id, ep_err *err)
{
	static const char SQL[] =
		"INSERT INTO shared_goals (cycle_id, number, text, scope, horizontal) VALUES (?1, ?2, ?3, ?4, ?5)";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, g->cycle_id);
	db_bind_i64(st, 2, g->number);
	db_bind_text(st, 3, g->text);
	db_bind_text(st, 4, g->scope);
	db_bind_i64(st, 5, g->horizontal);
	return db_insert_stmt(db, st, id, err, "storing a shared goal");
}

ep_status ep_db_shared_goal_priority_add(ep_db *db, int64_t shared_goal_id, int64_t priority_id,
					 int64_t position, ep_err *err)
{
	static const char SQL[] =
		"INSERT INTO shared_goal_priorities (shared_goal_id, priority_id, position) VALUES (?1, ?2, ?3)";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, shared_goal_id);
	db_bind_i64(st, 2, priority_id);
	db_bind_i64(st, 3, position);
	return db_exec_stmt(db, st, err, "linking a shared goal to a priority");
}

ep_status ep_db_shared_goals_each(ep_db *db, int64_t cycle_id, ep_shared_goal_fn fn, void *ctx, ep_err *err)
{
	static const char SQL[] = "SELECT id, cycle_id, number, text, scope, horizontal, version FROM shared_goals"
				  " WHERE cycle_id = ?1 ORDER BY number";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, cycle_id);
	ep_status s = EP_OK;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ep_shared_goal g = {db_col_i64(st, 0), db_col_i64(st, 1), db_col_i64(st, 2), db_col_text(st, 3),
				    db_col_text(st, 4), db_col_i64(st, 5) != 0, db_col_i64(st, 6)};
		if (fn(ctx, &g)) {
			s = DB_STOPPED(err);
			break;
		}
	}
	if (s == EP_OK && rc != SQLITE_DONE)
		s = db_fail(db, err, "reading shared goals");
	sqlite3_reset(st);
	return s;
}

/* ---- footnotes ---- */

static const char *owner_column(ep_owner o)
{
	switch (o) {
	case EP_OWNER_GOAL: return "goal";
	case EP_OWNER_SHARED_GOAL: return "shared_goal";
	case EP_OWNER_SECTION: return "section";
	case EP_OWNER_PASSAGE: return "passage";
	default: return NULL;
	}
}

ep_status ep_db_footnote_insert(ep_db *db, const ep_footnote *f, ep_err *err)
{
	static const char SQL[] =
		"INSERT INTO footnotes (goal_id, shared_goal_id, section_id, passage_id, position, anchor, text)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
	if (!owner_column(f->owner))
		return ep_err_set(err, EP_E_INTERNAL, NULL, "a footnote cannot belong to that kind of object");
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_id(st, 1, f->owner == EP_OWNER_GOAL ? f->owner_id : 0);
	db_bind_id(st, 2, f->owner == EP_OWNER_SHARED_GOAL ? f->owner_id : 0);
	db_bind_id(st, 3, f->owner == EP_OWNER_SECTION ? f->owner_id : 0);
	db_bind_id(st, 4, f->owner == EP_OWNER_PASSAGE ? f->owner_id : 0);
	db_bind_i64(st, 5, f->position);
	db_bind_text(st, 6, f->anchor);
	db_bind_text(st, 7, f->text);
	return db_exec_stmt(db, st, err, "storing a footnote");
}

ep_status ep_db_footnotes_each(ep_db *db, ep_owner owner, int64_t owner_id, ep_footnote_fn fn, void *ctx,
			       ep_err *err)
{
	static const char *const SQL[] = {
		"SELECT position, anchor, text FROM footnotes WHERE goal_id = ?1 ORDER BY position",
		"SELECT position, anchor, text FROM footnotes WHERE shared_goal_id = ?1 ORDER BY position",
		"SELECT position, anchor, text FROM footnotes WHERE section_id = ?1 ORDER BY position",
		"SELECT position, anchor, text FROM footnotes WHERE passage_id = ?1 ORDER BY position",
	};
	if (!owner_column(owner))
		return ep_err_set(err, EP_E_INTERNAL, NULL, "no footnotes on that kind of object");
	sqlite3_stmt *st = db_stmt(db, SQL[owner], err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, owner_id);
	ep_status s = EP_OK;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ep_footnote f = {owner, owner_id, db_col_i64(st, 0), db_col_text(st, 1), db_col_text(st, 2)};
		if (fn(ctx, &f)) {
			s = DB_STOPPED(err);
			break;
		}
	}
	if (s == EP_OK && rc != SQLITE_DONE)
		s = db_fail(db, err, "reading footnotes");
	sqlite3_reset(st);
	return s;
}

/* ---- small ordered lists ---- */

ep_status ep_db_pairs_each(ep_db *db, ep_pairs kind, int64_t owner_id, ep_pair_fn fn, void *ctx, ep_err *err)
{
	static const char *const SQL[] = {
		[EP_PAIRS_PRIORITY_DRIVERS] = "SELECT o.code, d.role FROM priority_drivers d"
					      " JOIN organisations o ON o.id = d.org_id WHERE d.priority_id = ?1"
					      " ORDER BY d.role = 'co_driver', d.position",
		[EP_PAIRS_PRIORITY_AGENCIES] = "SELECT o.code, NULL FROM priority_agencies g"
					       " JOIN organisations o ON o.id = g.org_id WHERE g.priority_id = ?1"
					       " ORDER BY g.position",
		[EP_PAIRS_SHARED_GOAL_PRIORITIES] = "SELECT p.code, NULL FROM shared_goal_priorities s"
						    " JOIN priorities p ON p.id = s.priority_id"
						    " WHERE s.shared_goal_id = ?1 ORDER BY s.position",
		[EP_PAIRS_OAP_DRIVERS] = "SELECT o.code, d.role FROM oap_drivers d JOIN organisations o ON o.id = d.org_id"
					 " WHERE d.oap_id = ?1 ORDER BY d.role = 'co_driver', d.position",
		[EP_PAIRS_DOCUMENT_CODES] = "SELECT code, NULL FROM document_subject_codes WHERE document_id = ?1"
					    " ORDER BY position",
		[EP_PAIRS_DOCUMENT_PREVIOUS] = "SELECT reference, NULL FROM document_previous WHERE document_id = ?1"
					       " ORDER BY position",
	};
	if ((unsigned)kind >= sizeof SQL / sizeof SQL[0])
		return ep_err_set(err, EP_E_INTERNAL, NULL, "unknown list");
	sqlite3_stmt *st = db_stmt(db, SQL[kind], err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, owner_id);
	ep_status s = EP_OK;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (fn(ctx, db_col_text(st, 0), db_col_text(st, 1))) {
			s = DB_STOPPED(err);
			break;
		}
	}
	if (s == EP_OK && rc != SQLITE_DONE)
		s = db_fail(db, err, "reading a list");
	sqlite3_reset(st);
	return s;
}
