/*
 * Storage of the operational layer: OAPs with their Drivers and sections, operational actions
 * with leaders, participants, goal links, cross-references and predecessors, and KPIs. The
 * per-action lists are read for a whole OAP at once, in action order, so that an export of
 * 100,000 actions costs a handful of queries rather than several per action.
 */
#include "db/db_internal.h"

#include <string.h>

#include "core/banned.h"

/* ---- OAPs ---- */

ep_status ep_db_oap_insert(ep_db *db, const ep_oap *o, int64_t *id, ep_err *err)
{
	static const char SQL[] = "INSERT INTO oaps (priority_id, first_year, last_year, revision, title, status,"
				  " classification, marking) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, o->priority_id);
	db_bind_i64(st, 2, o->first_year);
	db_bind_i64(st, 3, o->last_year);
	db_bind_i64(st, 4, o->revision);
	db_bind_text(st, 5, o->title);
	db_bind_text(st, 6, o->status);
	db_bind_i64(st, 7, o->classification);
	db_bind_i64(st, 8, o->marking);
	return db_insert_stmt(db, st, id, err, "storing an OAP");
}

ep_status ep_db_oap_id(ep_db *db, int64_t priority_id, int64_t first_year, int64_t revision, int64_t *id,
		       ep_err *err)
{
	static const char SQL[] = "SELECT id FROM oaps WHERE priority_id = ?1 AND first_year = ?2 AND revision = ?3";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, priority_id);
	db_bind_i64(st, 2, first_year);
	db_bind_i64(st, 3, revision);
	return db_one_i64(db, st, id, err, "OAP");
}

ep_status ep_db_oap_driver_add(ep_db *db, int64_t oap_id, int64_t org_id, const char *role, int64_t position,
			       ep_err *err)
{
	static const char SQL[] = "INSERT INTO oap_drivers (oap_id, org_id, role, position) VALUES (?1, ?2, ?3, ?4)";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, oap_id);
	db_bind_i64(st, 2, org_id);
	db_bind_text(st, 3, role);
	db_bind_i64(st, 4, position);
	return db_exec_stmt(db, st, err, "storing an OAP Driver");
}

ep_status ep_db_oaps_each(ep_db *db, int64_t cycle_id, ep_oap_fn fn, void *ctx, ep_err *err)
{
	static const char SQL[] =
		"SELECT o.id, o.priority_id, o.first_year, o.last_year, o.revision, o.title, o.status,"
		" o.classification, o.marking, o.version, c.label, p.code"
		" FROM oaps o JOIN priorities p ON p.id = o.priority_id JOIN cycles c ON c.id = p.cycle_id"
		" WHERE ?1 = 0 OR c.id = ?1 ORDER BY c.label, p.position, o.first_year, o.revision";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, cycle_id);
	ep_status s = EP_OK;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ep_oap_row r = {
			.oap = {db_col_i64(st, 0), db_col_i64(st, 1), db_col_i64(st, 2), db_col_i64(st, 3),
				db_col_i64(st, 4), db_col_text(st, 5), db_col_text(st, 6), (ep_class)db_col_i64(st, 7),
				(ep_marking)db_col_i64(st, 8), db_col_i64(st, 9)},
			.cycle_label = db_col_text(st, 10),
			.priority_code = db_col_text(st, 11),
		};
		if (fn(ctx, &r)) {
			s = DB_STOPPED(err);
			break;
		}
	}
	if (s == EP_OK && rc != SQLITE_DONE)
		s = db_fail(db, err, "reading OAPs");
	sqlite3_reset(st);
	return s;
}

/* ---- sections ---- */

ep_status ep_db_section_insert(ep_db *db, const ep_section *x, int64_t *id, ep_err *err)
{
	static const char SQL[] = "INSERT INTO oap_sections (oap_id, number, position, heading, text, classification,"
				  " marking) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, x->oap_id);
	db_bind_text(st, 2, x->number);
	db_bind_i64(st, 3, x->position);
	db_bind_text(st, 4, x->heading);
	db_bind_text(st, 5, x->text);
	db_bind_i64(st, 6, x->classification);
	db_bind_i64(st, 7, x->marking);
	return db_insert_stmt(db, st, id, err, "storing an OAP section");
}

ep_status ep_db_section_exists(ep_db *db, int64_t oap_id, const char *number, ep_err *err)
{
	static const char SQL[] = "SELECT id FROM oap_sections WHERE oap_id = ?1 AND number = ?2";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, oap_id);
	db_bind_text(st, 2, number);
	int64_t id;
	return db_one_i64(db, st, &id, err, "OAP section");
}

ep_status ep_db_sections_each(ep_db *db, int64_t oap_id, ep_section_fn fn, void *ctx, ep_err *err)
{
	static const char SQL[] = "SELECT id, oap_id, position, number, heading, text, classification, marking,"
				  " version FROM oap_sections WHERE oap_id = ?1 ORDER BY position";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, oap_id);
	ep_status s = EP_OK;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ep_section x = {db_col_i64(st, 0),	    db_col_i64(st, 1),	db_col_i64(st, 2),
				db_col_text(st, 3),	    db_col_text(st, 4), db_col_text(st, 5),
				(ep_class)db_col_i64(st, 6), (ep_marking)db_col_i64(st, 7), db_col_i64(st, 8)};
		if (fn(ctx, &x)) {
			s = DB_STOPPED(err);
			break;
		}
	}
	if (s == EP_OK && rc != SQLITE_DONE)
		s = db_fail(db, err, "reading OAP sections");
	sqlite3_reset(st);
	return s;
}

/* ---- actions ---- */

ep_status ep_db_action_insert(ep_db *db, const ep_action *a, int64_t *id, ep_err *err)
{
	static const char SQL[] =
		"INSERT INTO actions (oap_id, number, position, title, description, what, when_text, where_text, who,"
		" how, documentation_ref, start_date, end_date, possible_jad, predecessor_id, budget_cents, status,"
		" classification, marking) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,"
		" ?16, ?17, ?18, ?19)";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, a->oap_id);
	db_bind_text(st, 2, a->number);
	db_bind_i64(st, 3, a->position);
	const char *texts[] = {a->title, a->description, a->what, a->when_text, a->where_text,
			       a->who,	 a->how,	 a->documentation_ref, a->start_date, a->end_date};
	for (int i = 0; i < 10; i++)
		db_bind_text(st, 4 + i, texts[i]);
	db_bind_i64(st, 14, a->possible_jad);
	db_bind_id(st, 15, a->predecessor_id);
	if (a->has_budget)
		db_bind_i64(st, 16, a->budget_cents);
	db_bind_text(st, 17, a->status);
	db_bind_i64(st, 18, a->classification);
	db_bind_i64(st, 19, a->marking);
	return db_insert_stmt(db, st, id, err, "storing an operational action");
}

ep_status ep_db_action_predecessor_set(ep_db *db, int64_t action_id, int64_t predecessor_id, ep_err *err)
{
	static const char SQL[] = "UPDATE actions SET predecessor_id = ?2 WHERE id = ?1";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, action_id);
	db_bind_id(st, 2, predecessor_id);
	return db_exec_stmt(db, st, err, "linking an action to its predecessor");
}

ep_status ep_db_action_id(ep_db *db, int64_t oap_id, const char *number, int64_t *id, ep_err *err)
{
	static const char SQL[] = "SELECT id FROM actions WHERE oap_id = ?1 AND number = ?2";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, oap_id);
	db_bind_text(st, 2, number);
	return db_one_i64(db, st, id, err, "operational action");
}

static ep_status link_add(ep_db *db, const char *sql, int64_t action_id, int64_t other_id, const char *text,
			  int64_t position, ep_err *err, const char *what)
{
	sqlite3_stmt *st = db_stmt(db, sql, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, action_id);
	db_bind_i64(st, 2, other_id);
	db_bind_i64(st, 3, position);
	db_bind_text(st, 4, text);
	return db_exec_stmt(db, st, err, what);
}

ep_status ep_db_action_leader_add(ep_db *db, int64_t action_id, int64_t org_id, const char *role,
				  int64_t position, ep_err *err)
{
	static const char SQL[] =
		"INSERT INTO action_leaders (action_id, org_id, position, role) VALUES (?1, ?2, ?3, ?4)";
	return link_add(db, SQL, action_id, org_id, role, position, err, "storing an Action Leader");
}

ep_status ep_db_action_participant_add(ep_db *db, int64_t action_id, int64_t org_id, const char *status,
				       int64_t position, ep_err *err)
{
	static const char SQL[] =
		"INSERT INTO action_participants (action_id, org_id, position, status) VALUES (?1, ?2, ?3, ?4)";
	return link_add(db, SQL, action_id, org_id, status, position, err, "storing a participant");
}

ep_status ep_db_action_goal_add(ep_db *db, int64_t action_id, int64_t goal_id, int64_t position, ep_err *err)
{
	static const char SQL[] = "INSERT INTO action_goals (action_id, goal_id, position) VALUES (?1, ?2, ?3)";
	return link_add(db, SQL, action_id, goal_id, NULL, position, err, "linking an action to a goal");
}

ep_status ep_db_action_xref_add(ep_db *db, int64_t from_id, int64_t to_id, const char *note, int64_t position,
				ep_err *err)
{
	static const char SQL[] =
		"INSERT INTO action_xrefs (from_action_id, to_action_id, position, note) VALUES (?1, ?2, ?3, ?4)";
	return link_add(db, SQL, from_id, to_id, note, position, err, "storing a cross-reference");
}

#define ACTION_COLS                                                                                        \
	"id, oap_id, position, number, title, description, what, when_text, where_text, who, how,"        \
	" documentation_ref, start_date, end_date, status, possible_jad, predecessor_id, budget_cents,"  \
	" classification, marking, version"

ep_status ep_db_actions_each(ep_db *db, int64_t oap_id, ep_action_fn fn, void *ctx, ep_err *err)
{
	static const char SQL[] = "SELECT " ACTION_COLS " FROM actions WHERE oap_id = ?1 ORDER BY position";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, oap_id);
	ep_status s = EP_OK;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ep_action a = {
			.id = db_col_i64(st, 0),
			.oap_id = db_col_i64(st, 1),
			.position = db_col_i64(st, 2),
			.number = db_col_text(st, 3),
			.title = db_col_text(st, 4),
			.description = db_col_text(st, 5),
			.what = db_col_text(st, 6),
			.when_text = db_col_text(st, 7),
			.where_text = db_col_text(st, 8),
			.who = db_col_text(st, 9),
			.how = db_col_text(st, 10),
			.documentation_ref = db_col_text(st, 11),
			.start_date = db_col_text(st, 12),
			.end_date = db_col_text(st, 13),
			.status = db_col_text(st, 14),
			.possible_jad = db_col_i64(st, 15) != 0,
			.predecessor_id = db_col_i64(st, 16),
			.has_budget = sqlite3_column_type(st, 17) != SQLITE_NULL,
			.budget_cents = db_col_i64(st, 17),
			.classification = (ep_class)db_col_i64(st, 18),
			.marking = (ep_marking)db_col_i64(st, 19),
			.version = db_col_i64(st, 20),
		};
		if (fn(ctx, &a)) {
			s = DB_STOPPED(err);
			break;
		}
	}
	if (s == EP_OK && rc != SQLITE_DONE)
		s = db_fail(db, err, "reading operational actions");
	sqlite3_reset(st);
	return s;
}

ep_status ep_db_action_links_each(ep_db *db, ep_action_links kind, int64_t oap_id, ep_action_link_fn fn,
				  void *ctx, ep_err *err)
{
	static const char *const SQL[] = {
		[EP_LINKS_LEADERS] = "SELECT l.action_id, o.code, l.role, 0, NULL, NULL, 0, 0 FROM action_leaders l"
				     " JOIN actions a ON a.id = l.action_id JOIN organisations o ON o.id = l.org_id"
				     " WHERE a.oap_id = ?1 ORDER BY a.position, l.role = 'co_leader', l.position",
		[EP_LINKS_PARTICIPANTS] = "SELECT x.action_id, o.code, x.status, 0, NULL, NULL, 0, 0"
					  " FROM action_participants x JOIN actions a ON a.id = x.action_id"
					  " JOIN organisations o ON o.id = x.org_id WHERE a.oap_id = ?1"
					  " ORDER BY a.position, x.position",
		[EP_LINKS_GOALS] = "SELECT g.action_id, NULL, NULL, s.number, NULL, NULL, 0, 0 FROM action_goals g"
				   " JOIN actions a ON a.id = g.action_id JOIN strategic_goals s ON s.id = g.goal_id"
				   " WHERE a.oap_id = ?1 ORDER BY a.position, g.position",
		[EP_LINKS_XREFS] = "SELECT x.from_action_id, t.number, x.note, 0, c.label, p.code, o.first_year,"
				   " o.revision FROM action_xrefs x JOIN actions a ON a.id = x.from_action_id"
				   " JOIN actions t ON t.id = x.to_action_id JOIN oaps o ON o.id = t.oap_id"
				   " JOIN priorities p ON p.id = o.priority_id JOIN cycles c ON c.id = p.cycle_id"
				   " WHERE a.oap_id = ?1 ORDER BY a.position, x.position",
		[EP_LINKS_PREDECESSOR] = "SELECT a.id, t.number, NULL, 0, c.label, p.code, o.first_year, o.revision"
					 " FROM actions a JOIN actions t ON t.id = a.predecessor_id"
					 " JOIN oaps o ON o.id = t.oap_id JOIN priorities p ON p.id = o.priority_id"
					 " JOIN cycles c ON c.id = p.cycle_id WHERE a.oap_id = ?1 ORDER BY a.position",
	};
	if ((unsigned)kind >= sizeof SQL / sizeof SQL[0])
		return ep_err_set(err, EP_E_INTERNAL, NULL, "unknown action list");
	sqlite3_stmt *st = db_stmt(db, SQL[kind], err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, oap_id);
	ep_status s = EP_OK;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ep_action_link l = {db_col_i64(st, 0),	db_col_text(st, 1), db_col_text(st, 2), db_col_i64(st, 3),
				    db_col_text(st, 4), db_col_text(st, 5), db_col_i64(st, 6), db_col_i64(st, 7)};
		if (fn(ctx, &l)) {
			s = DB_STOPPED(err);
			break;
		}
	}
	if (s == EP_OK && rc != SQLITE_DONE)
		s = db_fail(db, err, "reading action links");
	sqlite3_reset(st);
	return s;
}

/* ---- KPIs ---- */

ep_status ep_db_kpi_insert(ep_db *db, const ep_kpi *k, int64_t *id, ep_err *err)
{
	static const char SQL[] =
		"INSERT INTO kpis (action_id, oap_id, goal_id, shared_goal_id, position, name, unit, baseline,"
		" target, direction, aggregation, feeds_kpi_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
		" coalesce(?11, 'sum'), ?12)";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_id(st, 1, k->owner == EP_OWNER_ACTION ? k->owner_id : 0);
	db_bind_id(st, 2, k->owner == EP_OWNER_OAP ? k->owner_id : 0);
	db_bind_id(st, 3, k->owner == EP_OWNER_GOAL ? k->owner_id : 0);
	db_bind_id(st, 4, k->owner == EP_OWNER_SHARED_GOAL ? k->owner_id : 0);
	db_bind_i64(st, 5, k->position);
	db_bind_text(st, 6, k->name);
	db_bind_text(st, 7, k->unit);
	if (k->has_baseline)
		sqlite3_bind_double(st, 8, k->baseline);
	sqlite3_bind_double(st, 9, k->target);
	db_bind_text(st, 10, k->direction);
	db_bind_text(st, 11, k->aggregation);
	db_bind_id(st, 12, k->feeds_kpi_id);
	return db_insert_stmt(db, st, id, err, "storing a KPI");
}

ep_status ep_db_action_kpis_each(ep_db *db, int64_t oap_id, ep_kpi_fn fn, void *ctx, ep_err *err)
{
	static const char SQL[] =
		"SELECT k.id, k.action_id, k.position, k.name, k.unit, k.baseline, k.target, k.direction,"
		" k.aggregation, k.feeds_kpi_id, k.version FROM kpis k JOIN actions a ON a.id = k.action_id"
		" WHERE a.oap_id = ?1 ORDER BY a.position, k.position";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, oap_id);
	ep_status s = EP_OK;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ep_kpi k = {
			.id = db_col_i64(st, 0),
			.owner = EP_OWNER_ACTION,
			.owner_id = db_col_i64(st, 1),
			.position = db_col_i64(st, 2),
			.name = db_col_text(st, 3),
			.unit = db_col_text(st, 4),
			.has_baseline = sqlite3_column_type(st, 5) != SQLITE_NULL,
			.baseline = sqlite3_column_double(st, 5),
			.target = sqlite3_column_double(st, 6),
			.direction = db_col_text(st, 7),
			.aggregation = db_col_text(st, 8),
			.feeds_kpi_id = db_col_i64(st, 9),
			.version = db_col_i64(st, 10),
		};
		if (fn(ctx, &k)) {
			s = DB_STOPPED(err);
			break;
		}
	}
	if (s == EP_OK && rc != SQLITE_DONE)
		s = db_fail(db, err, "reading KPIs");
	sqlite3_reset(st);
	return s;
}
