/*
 * Storage of monitoring and reporting (see db_monitor.h).
 */
#include "db/db_monitor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db_internal.h"
#include "core/banned.h"

ep_status ep_db_round_open_reports(ep_db *db, int64_t round_id, int64_t year, const char *now, int64_t *created,
				   ep_err *err)
{
	static const char SQL[] =
		"INSERT INTO progress_reports (round_id, action_id, status, classification, marking, updated_at)"
		" SELECT r.id, a.id, 'requested', a.classification, a.marking, ?3 FROM reporting_rounds r"
		" JOIN priorities p ON p.cycle_id = r.cycle_id JOIN oaps o ON o.priority_id = p.id"
		" JOIN actions a ON a.oap_id = o.id"
		" WHERE r.id = ?1 AND a.archived = 0 AND a.status IN ('planned', 'ongoing') AND o.archived = 0"
		" AND o.status IN ('adopted', 'in_implementation') AND ?2 BETWEEN o.first_year AND o.last_year"
		" AND NOT EXISTS (SELECT 1 FROM progress_reports x WHERE x.round_id = r.id AND x.action_id = a.id)"
		" ORDER BY p.position, o.first_year, a.position";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, round_id);
	db_bind_i64(st, 2, year);
	db_bind_text(st, 3, now);
	ep_status s = db_exec_stmt(db, st, err, "asking for the reports of a round");
	if (s == EP_OK)
		*created = sqlite3_changes(db->h);
	return s;
}

ep_status ep_db_round_other_open(ep_db *db, int64_t round_id, int64_t *other, ep_err *err)
{
	static const char SQL[] = "SELECT o.id FROM reporting_rounds r JOIN reporting_rounds o ON o.cycle_id = r.cycle_id"
				  " WHERE r.id = ?1 AND o.id <> r.id AND o.status = 'open' LIMIT 1";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, round_id);
	ep_status s = db_one_i64(db, st, other, err, "looking for an open round");
	if (s == EP_E_NOTFOUND) {
		*other = 0;
		s = EP_OK;
	}
	return s;
}

ep_status ep_db_round_compile(ep_db *db, int64_t round_id, const char *now, int64_t actor_id, const char *actor,
			      int64_t *compiled, ep_err *err)
{
	static const char SQL_EVENTS[] =
		"INSERT INTO report_events (report_id, at, actor_id, actor, from_status, to_status, comment)"
		" SELECT id, ?2, ?3, ?4, 'consolidated', 'compiled', 'compiled with the round'"
		" FROM progress_reports WHERE round_id = ?1 AND status = 'consolidated'";
	static const char SQL_MOVE[] = "UPDATE progress_reports SET status = 'compiled', version = version + 1"
				       " WHERE round_id = ?1 AND status = 'consolidated'";
	sqlite3_stmt *st = db_stmt(db, SQL_EVENTS, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, round_id);
	db_bind_text(st, 2, now);
	db_bind_id(st, 3, actor_id);
	db_bind_text(st, 4, actor);
	ep_status s = db_exec_stmt(db, st, err, "recording the compilation");
	if (s != EP_OK)
		return s;
	if (!(st = db_stmt(db, SQL_MOVE, err)))
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, round_id);
	s = db_exec_stmt(db, st, err, "compiling the reports");
	if (s == EP_OK)
		*compiled = sqlite3_changes(db->h);
	return s;
}

ep_status ep_db_chase_marks(ep_db *db, int64_t *report_id, int64_t *reminder_id, ep_err *err)
{
	static const char SQL_REPORTS[] = "SELECT coalesce(max(id), 0) FROM progress_reports";
	static const char SQL_REMINDERS[] = "SELECT coalesce(max(id), 0) FROM report_reminders";
	sqlite3_stmt *st = db_stmt(db, SQL_REPORTS, err);
	if (!st)
		return EP_E_INTERNAL;
	ep_status s = db_one_i64(db, st, report_id, err, "reading the last report");
	if (s != EP_OK)
		return s;
	if (!(st = db_stmt(db, SQL_REMINDERS, err)))
		return EP_E_INTERNAL;
	return db_one_i64(db, st, reminder_id, err, "reading the last reminder");
}

ep_status ep_db_round_remind(ep_db *db, const ep_vis *vis, int64_t round_id, const char *now, int64_t actor_id,
			     const char *actor, const char *message, int64_t *reminded, ep_err *err)
{
	/* The reports the caller may read: the visibility condition of progress reports (alias t,
	 * db_res_defs.c), a constant of the program. */
	char sql[4096];
	int n = snprintf(sql, sizeof sql,
			 "INSERT INTO report_reminders (report_id, round_id, sent_at, sent_by_id, sent_by, message)"
			 " SELECT t.id, t.round_id, ?2, ?3, ?4, ?5 FROM progress_reports t"
			 " WHERE t.round_id = ?1 AND t.status IN ('requested', 'draft', 'returned') AND %s"
			 " ORDER BY t.id",
			 ep_resdef_find("progress-reports")->vis);
	if (n < 0 || (size_t)n >= sizeof sql)
		return ep_err_set(err, EP_E_INTERNAL, NULL, "the reminders' query is too long");
	sqlite3_stmt *st = db_stmt_text(db, sql, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, round_id);
	db_bind_text(st, 2, now);
	db_bind_id(st, 3, actor_id);
	db_bind_text(st, 4, actor);
	db_bind_text(st, 5, message);
	db_bind_vis(st, vis);
	ep_status s = db_exec_stmt(db, st, err, "recording the reminders");
	if (s == EP_OK)
		*reminded = sqlite3_changes(db->h);
	return s;
}

static json_t *col_json_int(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? json_null() : json_integer(sqlite3_column_int64(st, i));
}

static json_t *col_json_str(sqlite3_stmt *st, int i)
{
	const char *v = db_col_text(st, i);
	return v ? json_string(v) : json_null();
}

ep_status ep_db_round_reminded(ep_db *db, int64_t round_id, int64_t reminder_mark, int64_t report_mark, json_t **rows,
			       int *cls, int *mark, ep_err *err)
{
	static const char SQL[] =
		"SELECT r.id, a.id, a.number, a.title, a.oap_id, p.code, r.status, lo.code, lo.country, r.id > ?3,"
		" (SELECT count(*) FROM report_reminders x WHERE x.report_id = r.id),"
		" (SELECT max(x.sent_at) FROM report_reminders x WHERE x.report_id = r.id), r.classification, r.marking"
		" FROM report_reminders m JOIN progress_reports r ON r.id = m.report_id"
		" JOIN actions a ON a.id = r.action_id"
		" JOIN oaps o ON o.id = a.oap_id JOIN priorities p ON p.id = o.priority_id"
		" LEFT JOIN action_leaders l ON l.action_id = a.id AND l.role = 'leader'"
		" LEFT JOIN organisations lo ON lo.id = l.org_id"
		" WHERE m.round_id = ?1 AND m.id > ?2 ORDER BY p.position, o.first_year, a.position, a.id";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	json_t *out = json_array();
	if (!st || !out) {
		json_decref(out);
		return EP_E_INTERNAL;
	}
	db_bind_i64(st, 1, round_id);
	db_bind_i64(st, 2, reminder_mark);
	db_bind_i64(st, 3, report_mark);
	*cls = 0;
	*mark = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *row = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:b, s:I, s:o}", "report_id",
					col_json_int(st, 0), "action_id", col_json_int(st, 1), "number",
					col_json_str(st, 2), "title", col_json_str(st, 3), "oap_id",
					col_json_int(st, 4), "priority_code", col_json_str(st, 5), "status",
					col_json_str(st, 6), "leader", col_json_str(st, 7), "leader_country",
					col_json_str(st, 8), "created", sqlite3_column_int(st, 9) != 0, "chase_count",
					(json_int_t)sqlite3_column_int64(st, 10), "last_chased_at",
					col_json_str(st, 11));
		json_array_append_new(out, row);
		if (sqlite3_column_int(st, 12) > *cls)
			*cls = sqlite3_column_int(st, 12);
		if (sqlite3_column_int(st, 13) > *mark)
			*mark = sqlite3_column_int(st, 13);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		json_decref(out);
		return db_fail(db, err, "reading the reminders");
	}
	*rows = out;
	return EP_OK;
}

ep_status ep_db_report_round_status(ep_db *db, int64_t report_id, char status[16], ep_err *err)
{
	static const char SQL[] =
		"SELECT r.status FROM progress_reports p JOIN reporting_rounds r ON r.id = p.round_id WHERE p.id = ?1";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, report_id);
	int rc = sqlite3_step(st);
	ep_status s = EP_OK;
	if (rc == SQLITE_ROW)
		snprintf(status, 16, "%s", db_col_text(st, 0) ? db_col_text(st, 0) : "");
	else if (rc == SQLITE_DONE)
		s = ep_err_set(err, EP_E_NOTFOUND, NULL, "no progress report %lld", (long long)report_id);
	else
		s = db_fail(db, err, "reading the round of a report");
	sqlite3_reset(st);
	return s;
}

ep_status ep_db_report_event_add(ep_db *db, int64_t report_id, const char *at, int64_t actor_id, const char *actor,
				 const char *from, const char *to, const char *comment, ep_err *err)
{
	static const char SQL[] = "INSERT INTO report_events (report_id, at, actor_id, actor, from_status, to_status, comment)"
				  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, report_id);
	db_bind_text(st, 2, at);
	db_bind_id(st, 3, actor_id);
	db_bind_text(st, 4, actor);
	db_bind_text(st, 5, from);
	db_bind_text(st, 6, to);
	db_bind_text(st, 7, comment);
	return db_exec_stmt(db, st, err, "recording a report's move");
}

/* The Support Team's reminders of a report, newest first, with how many and the last one's time. */
static ep_status reminders_embed(ep_db *db, int64_t id, json_t *report, ep_err *err)
{
	static const char SQL[] =
		"SELECT sent_at, sent_by, message FROM report_reminders WHERE report_id = ?1 ORDER BY id DESC";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	json_t *list = json_array();
	if (!st || !list) {
		json_decref(list);
		return EP_E_INTERNAL;
	}
	db_bind_i64(st, 1, id);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(list, json_pack("{s:s?, s:s?, s:s?}", "sent_at", db_col_text(st, 0), "sent_by",
						      db_col_text(st, 1), "message", db_col_text(st, 2)));
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		json_decref(list);
		return db_fail(db, err, "reading a report's reminders");
	}
	json_object_set_new(report, "chase_count", json_integer((json_int_t)json_array_size(list)));
	json_t *last = json_object_get(json_array_get(list, 0), "sent_at");
	json_object_set_new(report, "last_chased_at", last ? json_incref(last) : json_null());
	json_object_set_new(report, "reminders", list);
	return EP_OK;
}

ep_status ep_db_report_embed(ep_db *db, json_t *report, ep_err *err)
{
	static const char SQL_HISTORY[] = "SELECT at, actor, from_status, to_status, comment FROM report_events"
					  " WHERE report_id = ?1 ORDER BY id";
	static const char SQL_ACTUALS[] =
		"SELECT k.id, k.name, k.unit, x.value, x.note, k.target, k.baseline FROM progress_reports p"
		" JOIN kpis k ON k.action_id = p.action_id"
		" LEFT JOIN kpi_actuals x ON x.kpi_id = k.id AND x.round_id = p.round_id"
		" WHERE p.id = ?1 ORDER BY k.position, k.id";
	static const char SQL_PRACTICES[] = "SELECT practices FROM progress_reports WHERE id = ?1";
	int64_t id = (int64_t)json_integer_value(json_object_get(report, "id"));
	json_t *history = json_array(), *actuals = json_array();
	sqlite3_stmt *st = db_stmt(db, SQL_HISTORY, err);
	if (!st || !history || !actuals) {
		json_decref(history);
		json_decref(actuals);
		return EP_E_INTERNAL;
	}
	db_bind_i64(st, 1, id);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *e = json_pack("{s:s?, s:s?, s:s?, s:s?, s:s?}", "at", db_col_text(st, 0), "actor", db_col_text(st, 1),
				      "from", db_col_text(st, 2), "to", db_col_text(st, 3), "comment", db_col_text(st, 4));
		json_array_append_new(history, e);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE || !(st = db_stmt(db, SQL_ACTUALS, err))) {
		json_decref(history);
		json_decref(actuals);
		return rc != SQLITE_DONE ? db_fail(db, err, "reading a report's history") : EP_E_INTERNAL;
	}
	db_bind_i64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *a = json_pack("{s:I, s:s?, s:s?, s:o, s:s?, s:f}", "kpi_id", (json_int_t)sqlite3_column_int64(st, 0),
				      "kpi", db_col_text(st, 1), "unit", db_col_text(st, 2), "value",
				      sqlite3_column_type(st, 3) == SQLITE_NULL ? json_null() : json_real(sqlite3_column_double(st, 3)),
				      "note", db_col_text(st, 4), "target", sqlite3_column_double(st, 5));
		json_array_append_new(actuals, a);
	}
	sqlite3_reset(st);
	json_object_set_new(report, "history", history);
	json_object_set_new(report, "kpi_actuals", actuals);
	if (rc != SQLITE_DONE)
		return db_fail(db, err, "reading a report's KPI actuals");
	if (!(st = db_stmt(db, SQL_PRACTICES, err)))
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, id);
	json_t *practices = NULL;
	if (sqlite3_step(st) == SQLITE_ROW && db_col_text(st, 0))
		practices = json_loads(db_col_text(st, 0), 0, NULL);
	sqlite3_reset(st);
	json_object_set_new(report, "practices", practices ? practices : json_array());
	return reminders_embed(db, id, report, err);
}

ep_status ep_db_report_saved(ep_db *db, int64_t report_id, json_t *meta, ep_err *err)
{
	static const char SQL[] = "UPDATE progress_reports SET status = ?2, updated_at = ?3,"
				  " author_id = COALESCE(?4, author_id) WHERE id = ?1";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, report_id);
	db_bind_text(st, 2, json_string_value(json_object_get(meta, "status")));
	db_bind_text(st, 3, json_string_value(json_object_get(meta, "updated_at")));
	db_bind_id(st, 4, (int64_t)json_integer_value(json_object_get(meta, "author_id")));
	return db_exec_stmt(db, st, err, "recording a report's save");
}

ep_status ep_db_report_practices_set(ep_db *db, int64_t report_id, const char *json, ep_err *err)
{
	static const char SQL[] = "UPDATE progress_reports SET practices = ?2 WHERE id = ?1";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, report_id);
	db_bind_text(st, 2, json);
	return db_exec_stmt(db, st, err, "saving a report's practices");
}

ep_status ep_db_practices_register(ep_db *db, int64_t report_id, int64_t actor_id, ep_err *err)
{
	static const char SQL_DROP[] = "DELETE FROM good_practices WHERE report_id = ?1 AND status = 'reported'";
	static const char SQL_ADD[] =
		"INSERT INTO good_practices (action_id, report_id, kind, title, text, reported_by, classification, marking)"
		" SELECT p.action_id, p.id, json_extract(j.value, '$.kind'), json_extract(j.value, '$.title'),"
		" json_extract(j.value, '$.text'), ?2, p.classification, p.marking"
		" FROM progress_reports p, json_each(p.practices) j WHERE p.id = ?1 AND p.practices IS NOT NULL";
	sqlite3_stmt *st = db_stmt(db, SQL_DROP, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, report_id);
	ep_status s = db_exec_stmt(db, st, err, "replacing a report's practices");
	if (s != EP_OK)
		return s;
	if (!(st = db_stmt(db, SQL_ADD, err)))
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, report_id);
	db_bind_id(st, 2, actor_id);
	return db_exec_stmt(db, st, err, "registering a report's practices");
}

ep_status ep_db_follow_up_open(ep_db *db, int64_t report_id, const char *text, const char *now, ep_err *err)
{
	static const char SQL[] = "INSERT OR IGNORE INTO follow_ups (action_id, round_id, report_id, kind, text, created_at)"
				  " SELECT action_id, round_id, id, 'status_unclear', ?2, ?3 FROM progress_reports WHERE id = ?1";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, report_id);
	db_bind_text(st, 2, text);
	db_bind_text(st, 3, now);
	return db_exec_stmt(db, st, err, "opening a follow-up item");
}

ep_status ep_db_kpi_actual_set(ep_db *db, int64_t kpi_id, int64_t round_id, int64_t report_id, const double *value,
			       const char *note, ep_err *err)
{
	static const char SQL_SET[] =
		"INSERT INTO kpi_actuals (kpi_id, round_id, report_id, value, note) VALUES (?1, ?2, ?3, ?4, ?5)"
		" ON CONFLICT (kpi_id, round_id) DO UPDATE SET report_id = excluded.report_id, value = excluded.value,"
		" note = excluded.note, version = version + 1";
	static const char SQL_DEL[] = "DELETE FROM kpi_actuals WHERE kpi_id = ?1 AND round_id = ?2";
	sqlite3_stmt *st = db_stmt(db, value ? SQL_SET : SQL_DEL, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, kpi_id);
	db_bind_i64(st, 2, round_id);
	if (value) {
		db_bind_id(st, 3, report_id);
		sqlite3_bind_double(st, 4, *value);
		db_bind_text(st, 5, note);
	}
	return db_exec_stmt(db, st, err, "saving a KPI actual");
}

ep_status ep_db_kpi_actuals(ep_db *db, int64_t kpi_id, json_t **out, ep_err *err)
{
	static const char SQL[] =
		"SELECT x.round_id, r.label, x.value, x.note, x.report_id, p.status FROM kpi_actuals x"
		" JOIN reporting_rounds r ON r.id = x.round_id LEFT JOIN progress_reports p ON p.id = x.report_id"
		" WHERE x.kpi_id = ?1 ORDER BY r.opens_on, r.id";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	json_t *items = json_array();
	if (!st || !items) {
		json_decref(items);
		return EP_E_INTERNAL;
	}
	db_bind_i64(st, 1, kpi_id);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *report = sqlite3_column_type(st, 4) == SQLITE_NULL ? json_null() : json_integer(sqlite3_column_int64(st, 4));
		json_array_append_new(items, json_pack("{s:I, s:s?, s:f, s:s?, s:o, s:s?}", "round_id",
						       (json_int_t)sqlite3_column_int64(st, 0), "round", db_col_text(st, 1),
						       "value", sqlite3_column_double(st, 2), "note", db_col_text(st, 3),
						       "report_id", report, "report_status", db_col_text(st, 5)));
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		json_decref(items);
		return db_fail(db, err, "reading KPI actuals");
	}
	*out = items;
	return EP_OK;
}

ep_status ep_db_kpi_feeders(ep_db *db, int64_t kpi_id, int64_t *n, ep_err *err)
{
	static const char SQL[] = "SELECT count(*) FROM kpis WHERE feeds_kpi_id = ?1";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, kpi_id);
	return db_one_i64(db, st, n, err, "counting a KPI's feeders");
}

ep_status ep_db_action_carry_over(ep_db *db, int64_t from_id, int64_t oap_id, const char *number, int64_t *new_id,
				  ep_err *err)
{
	static const char SQL_ACTION[] =
		"INSERT INTO actions (oap_id, number, position, title, description, what, when_text, where_text, who, how,"
		" documentation_ref, start_date, end_date, possible_jad, predecessor_id, budget_cents, status,"
		" classification, marking)"
		" SELECT ?2, COALESCE(?3, a.number), (SELECT COALESCE(max(position), 0) + 1 FROM actions WHERE oap_id = ?2),"
		" a.title, a.description, a.what, a.when_text, a.where_text, a.who, a.how, a.documentation_ref, NULL, NULL,"
		" a.possible_jad, a.id, NULL, 'proposed', a.classification, a.marking FROM actions a WHERE a.id = ?1";
	static const char SQL_LEADERS[] = "INSERT INTO action_leaders (action_id, org_id, role, position)"
					  " SELECT ?2, org_id, role, position FROM action_leaders WHERE action_id = ?1";
	static const char SQL_PARTICIPANTS[] = "INSERT INTO action_participants (action_id, org_id, position, status)"
					       " SELECT ?2, org_id, position, 'invited' FROM action_participants"
					       " WHERE action_id = ?1 AND status <> 'withdrawn' AND status <> 'declined'";
	static const char SQL_GOALS[] = "INSERT INTO action_goals (action_id, goal_id, position)"
					" SELECT ?2, goal_id, position FROM action_goals WHERE action_id = ?1";
	/* A KPI that fed the old OAP's KPI feeds nothing in the new OAP; one that fed a goal's
	 * or shared goal's KPI (which span the cycle) goes on feeding it. */
	static const char SQL_KPIS[] =
		"INSERT INTO kpis (action_id, position, name, unit, baseline, target, direction, aggregation, feeds_kpi_id)"
		" SELECT ?2, k.position, k.name, k.unit, k.baseline, k.target, k.direction, k.aggregation,"
		" CASE WHEN f.goal_id IS NOT NULL OR f.shared_goal_id IS NOT NULL THEN f.id END"
		" FROM kpis k LEFT JOIN kpis f ON f.id = k.feeds_kpi_id WHERE k.action_id = ?1 ORDER BY k.position, k.id";
	sqlite3_stmt *st = db_stmt(db, SQL_ACTION, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, from_id);
	db_bind_i64(st, 2, oap_id);
	db_bind_text(st, 3, number);
	ep_status s = db_insert_stmt(db, st, new_id, err, "carrying an action over");
	const char *const more[] = {SQL_LEADERS, SQL_PARTICIPANTS, SQL_GOALS, SQL_KPIS};
	for (size_t i = 0; s == EP_OK && i < sizeof more / sizeof more[0]; i++) {
		if (!(st = db_stmt(db, more[i], err)))
			return EP_E_INTERNAL;
		db_bind_i64(st, 1, from_id);
		db_bind_i64(st, 2, *new_id);
		s = db_exec_stmt(db, st, err, "copying what an action carries over");
	}
	return s;
}

static const struct {
	const char *table, *parent, *child;
} mlinks[] = {
	[EP_ML_JAD_PARTICIPANTS] = {"jad_participants", "jad_id", "org_id"},
	[EP_ML_JAD_ACTIONS] = {"jad_actions", "jad_id", "action_id"},
	[EP_ML_JAD_PRIORITIES] = {"jad_priorities", "jad_id", "priority_id"},
	[EP_ML_GRANT_BENEFICIARIES] = {"grant_beneficiaries", "grant_id", "org_id"},
	[EP_ML_GRANT_ACTIONS] = {"grant_actions", "grant_id", "action_id"},
};

ep_status ep_db_mlinks_replace(ep_db *db, ep_mlink kind, int64_t parent_id, json_t *ids, ep_err *err)
{
	char sql[256];
	snprintf(sql, sizeof sql, "DELETE FROM %s WHERE %s = ?1", mlinks[kind].table, mlinks[kind].parent);
	sqlite3_stmt *st = db_stmt_text(db, sql, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, parent_id);
	ep_status s = db_exec_stmt(db, st, err, "replacing links");
	if (s != EP_OK)
		return s;
	snprintf(sql, sizeof sql, "INSERT OR IGNORE INTO %s (%s, %s) SELECT ?1, value FROM json_each(?2)", mlinks[kind].table,
		 mlinks[kind].parent, mlinks[kind].child);
	if (!(st = db_stmt_text(db, sql, err)))
		return EP_E_INTERNAL;
	char *text = json_dumps(ids, JSON_COMPACT);
	if (!text)
		return ep_err_set(err, EP_E_INTERNAL, NULL, "out of memory");
	db_bind_i64(st, 1, parent_id);
	sqlite3_bind_text(st, 2, text, -1, SQLITE_TRANSIENT);
	free(text);
	return db_exec_stmt(db, st, err, "adding links");
}

ep_status ep_db_mlinks(ep_db *db, ep_mlink kind, int64_t parent_id, json_t **ids, ep_err *err)
{
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT %s FROM %s WHERE %s = ?1 ORDER BY %s", mlinks[kind].child, mlinks[kind].table,
		 mlinks[kind].parent, mlinks[kind].child);
	sqlite3_stmt *st = db_stmt_text(db, sql, err);
	json_t *out = json_array();
	if (!st || !out) {
		json_decref(out);
		return EP_E_INTERNAL;
	}
	db_bind_i64(st, 1, parent_id);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(out, json_integer(sqlite3_column_int64(st, 0)));
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		json_decref(out);
		return db_fail(db, err, "reading links");
	}
	*ids = out;
	return EP_OK;
}

ep_status ep_db_jad_results_replace(ep_db *db, int64_t jad_id, json_t *results, ep_err *err)
{
	static const char SQL_DROP[] = "DELETE FROM jad_results WHERE jad_id = ?1";
	static const char SQL_ADD[] =
		"INSERT INTO jad_results (jad_id, metric, value, unit) SELECT ?1, json_extract(value, '$.metric'),"
		" json_extract(value, '$.value'), json_extract(value, '$.unit') FROM json_each(?2)";
	sqlite3_stmt *st = db_stmt(db, SQL_DROP, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, jad_id);
	ep_status s = db_exec_stmt(db, st, err, "replacing JAD results");
	if (s != EP_OK)
		return s;
	if (!(st = db_stmt(db, SQL_ADD, err)))
		return EP_E_INTERNAL;
	char *text = json_dumps(results, JSON_COMPACT);
	if (!text)
		return ep_err_set(err, EP_E_INTERNAL, NULL, "out of memory");
	db_bind_i64(st, 1, jad_id);
	sqlite3_bind_text(st, 2, text, -1, SQLITE_TRANSIENT);
	free(text);
	return db_exec_stmt(db, st, err, "recording JAD results");
}

ep_status ep_db_jad_results(ep_db *db, int64_t jad_id, json_t **out, ep_err *err)
{
	static const char SQL[] = "SELECT metric, value, unit FROM jad_results WHERE jad_id = ?1 ORDER BY metric";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	json_t *items = json_array();
	if (!st || !items) {
		json_decref(items);
		return EP_E_INTERNAL;
	}
	db_bind_i64(st, 1, jad_id);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(items, json_pack("{s:s?, s:f, s:s?}", "metric", db_col_text(st, 0), "value",
						       sqlite3_column_double(st, 1), "unit", db_col_text(st, 2)));
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		json_decref(items);
		return db_fail(db, err, "reading JAD results");
	}
	*out = items;
	return EP_OK;
}
