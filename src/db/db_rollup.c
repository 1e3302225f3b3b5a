/*
 * The roll-ups of monitoring (see db_rollup.h). Each reads its rows with a handful of set
 * queries, filtered by the visibility conditions of the resources (db_res_defs.c), and
 * aggregates them here; none runs a query per action or per KPI.
 */
#include "db/db_rollup.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/classif.h"
#include "db/db_internal.h"
#include "core/banned.h"

#define VALIDATED "('consolidated', 'compiled', 'discussed_at_nec', 'transmitted_to_cosi')"
#define SQL_TEXT_MAX 24576

static const char *vis_of(const char *res)
{
	return ep_resdef_find(res)->vis;
}

static bool in_list(const char *s, const char *const *list)
{
	for (; s && *list; list++)
		if (strcmp(s, *list) == 0)
			return true;
	return false;
}

static const char *const validated[] = {"consolidated", "compiled", "discussed_at_nec", "transmitted_to_cosi", NULL};
static const char *const submitted[] = {"submitted", "consolidated", "compiled", "discussed_at_nec",
					"transmitted_to_cosi", NULL};
static const char *const report_states[] = {"requested", "draft", "submitted", "returned", "consolidated",
					    "compiled", "discussed_at_nec", "transmitted_to_cosi", NULL};
static const char *const reported_states[] = {"planned", "ongoing", "completed", "not_completed", "cancelled",
					      "continued", "status_unclear", NULL};

/* Prepares SQL assembled from constant pieces (visibility conditions) with what the caller may
 * read bound. */
static sqlite3_stmt *prep(ep_db *db, const ep_vis *vis, ep_err *err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static sqlite3_stmt *prep(ep_db *db, const ep_vis *vis, ep_err *err, const char *fmt, ...)
{
	char sql[SQL_TEXT_MAX];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(sql, sizeof sql, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof sql) {
		ep_err_set(err, EP_E_INTERNAL, NULL, "a roll-up query is too long");
		return NULL;
	}
	sqlite3_stmt *st = db_stmt_text(db, sql, err);
	if (st && vis)
		db_bind_vis(st, vis);
	return st;
}

static ep_status done(ep_db *db, sqlite3_stmt *st, int rc, ep_err *err)
{
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? EP_OK : db_fail(db, err, "computing a roll-up");
}

static json_t *col_real(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? json_null() : json_real(sqlite3_column_double(st, i));
}

static json_t *col_int(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? json_null() : json_integer(sqlite3_column_int64(st, i));
}

static json_t *col_str(sqlite3_stmt *st, int i)
{
	const char *s = db_col_text(st, i);
	return s ? json_string(s) : json_null();
}

static char *ids_text(json_t *ids)
{
	return json_dumps(ids, JSON_COMPACT);
}

/* The highest classification and marking a roll-up was computed from. */
struct level {
	int cls, mark;
};

static void raise_level(struct level *l, sqlite3_stmt *st, int ccol, int mcol)
{
	int c = sqlite3_column_int(st, ccol), m = sqlite3_column_int(st, mcol);
	if (c > l->cls)
		l->cls = c;
	if (m > l->mark)
		l->mark = m;
}

static void set_level(json_t *doc, const struct level *l)
{
	json_object_set_new(doc, "classification", json_string(ep_class_token((ep_class)l->cls)));
	json_object_set_new(doc, "marking", json_string(ep_marking_token((ep_marking)l->mark)));
}

bool ep_kpi_achievement(double v, double t, bool has_b, double b, const char *dir, double *out)
{
	double a;
	if (dir && strcmp(dir, "maintain") == 0) {
		if (v >= t)
			a = 1;
		else if (t == 0)
			return false;
		else
			a = v / t;
	} else if (has_b) {
		if (t == b)
			return false;
		a = (v - b) / (t - b);
	} else if (dir && strcmp(dir, "decrease") == 0) {
		a = v <= t ? 1 : t / v;
	} else {
		if (t == 0)
			return false;
		a = v / t;
	}
	if (!isfinite(a))
		return false;
	*out = round(a * 10000) / 10000;
	return true;
}

/* ---- rounds ---- */

struct round {
	int64_t id, cycle_id;
	char label[40], status[16], opens_on[12], closes_on[12];
	json_t *rank;     /* round id -> order in the cycle */
	char *upto;       /* the ids of the rounds up to this one, as a JSON array */
};

static void round_release(struct round *r)
{
	json_decref(r->rank);
	free(r->upto);
}

static ep_status round_load(ep_db *db, int64_t id, int64_t cycle_id, struct round *r, ep_err *err)
{
	static const char SQL_ONE[] = "SELECT id, cycle_id, label, status, opens_on, closes_on FROM reporting_rounds WHERE id = ?1";
	static const char SQL_LATEST[] = "SELECT id, cycle_id, label, status, opens_on, closes_on FROM reporting_rounds"
					 " WHERE cycle_id = ?2 AND status <> 'planned' ORDER BY opens_on DESC, id DESC LIMIT 1";
	static const char SQL_ALL[] = "SELECT id FROM reporting_rounds WHERE cycle_id = ?1 ORDER BY opens_on, id";
	memset(r, 0, sizeof *r);
	sqlite3_stmt *st = db_stmt(db, id ? SQL_ONE : SQL_LATEST, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, id);
	db_bind_i64(st, 2, cycle_id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		r->id = sqlite3_column_int64(st, 0);
		r->cycle_id = sqlite3_column_int64(st, 1);
		snprintf(r->label, sizeof r->label, "%s", db_col_text(st, 2));
		snprintf(r->status, sizeof r->status, "%s", db_col_text(st, 3));
		snprintf(r->opens_on, sizeof r->opens_on, "%s", db_col_text(st, 4));
		snprintf(r->closes_on, sizeof r->closes_on, "%s", db_col_text(st, 5));
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE && !id) {
		/* No round has opened in the cycle yet: the roll-up is empty, for round null. */
		r->cycle_id = cycle_id;
		r->rank = json_object();
		json_t *none = json_array();
		r->upto = ids_text(none);
		json_decref(none);
		return EP_OK;
	}
	if (rc == SQLITE_DONE)
		return ep_err_set(err, EP_E_INVALID, "round_id", "there is no reporting round %lld", (long long)id);
	if (rc != SQLITE_ROW)
		return db_fail(db, err, "reading a round");
	if (cycle_id && r->cycle_id != cycle_id)
		return ep_err_set(err, EP_E_INVALID, "round_id", "round %s is not of this cycle", r->label);
	if (!(st = db_stmt(db, SQL_ALL, err)))
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, r->cycle_id);
	r->rank = json_object();
	json_t *upto = json_array();
	int64_t n = 0;
	bool reached = false;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char key[24];
		int64_t rid = sqlite3_column_int64(st, 0);
		snprintf(key, sizeof key, "%lld", (long long)rid);
		json_object_set_new(r->rank, key, json_integer(++n));
		if (!reached)
			json_array_append_new(upto, json_integer(rid));
		reached = reached || rid == r->id;
	}
	ep_status s = done(db, st, rc, err);
	r->upto = ids_text(upto);
	json_decref(upto);
	return s;
}

static json_t *round_json(const struct round *r)
{
	if (!r->id)
		return json_null();
	return json_pack("{s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)r->id, "label", r->label, "status", r->status,
			 "opens_on", r->opens_on, "closes_on", r->closes_on);
}

/* ---- KPI values ---- */

/* vals: "kpi id" -> [value, rank of its round]. The actual of each KPI of ids in the latest
 * round up to r, from reports the Driver consolidated (or later) that the caller may read, or
 * recorded directly. */
static ep_status kpi_values(ep_db *db, const ep_vis *vis, json_t *ids, const struct round *r, json_t *vals, ep_err *err)
{
	if (json_array_size(ids) == 0)
		return EP_OK;
	sqlite3_stmt *st = prep(db, vis, err,
				"SELECT x.kpi_id, x.value, x.round_id FROM kpi_actuals x LEFT JOIN progress_reports p ON p.id = x.report_id"
				" WHERE x.kpi_id IN (SELECT value FROM json_each(?1)) AND x.round_id IN (SELECT value FROM json_each(?2))"
				" AND (x.report_id IS NULL OR (p.status IN " VALIDATED " AND EXISTS (SELECT 1 FROM progress_reports t"
				" WHERE t.id = x.report_id AND %s)))",
				vis_of("progress-reports"));
	if (!st)
		return EP_E_INTERNAL;
	char *text = ids_text(ids);
	sqlite3_bind_text(st, 1, text, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, r->upto ? r->upto : "[]", -1, SQLITE_TRANSIENT);
	free(text);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char key[24], rkey[24];
		snprintf(key, sizeof key, "%lld", (long long)sqlite3_column_int64(st, 0));
		snprintf(rkey, sizeof rkey, "%lld", (long long)sqlite3_column_int64(st, 2));
		json_int_t rank = json_integer_value(json_object_get(r->rank, rkey));
		json_t *have = json_object_get(vals, key);
		if (!have || json_integer_value(json_array_get(have, 1)) < rank)
			json_object_set_new(vals, key, json_pack("[f, I]", sqlite3_column_double(st, 1), rank));
	}
	return done(db, st, rc, err);
}

/* The values of KPIs fed by action KPIs (kpis: objects with id and aggregation) from their
 * feeders the caller may read; feeders gets "kpi id" -> how many. */
static ep_status fed_values(ep_db *db, const ep_vis *vis, json_t *kpis, const struct round *r, json_t *vals,
			    json_t *feeders, ep_err *err)
{
	json_t *ids = json_array();
	size_t i;
	json_t *k;
	json_array_foreach(kpis, i, k) json_array_append(ids, json_object_get(k, "kpi_id"));
	if (json_array_size(ids) == 0) {
		json_decref(ids);
		return EP_OK;
	}
	sqlite3_stmt *st = prep(db, vis, err,
				"SELECT k.id, k.feeds_kpi_id FROM kpis k WHERE k.feeds_kpi_id IN (SELECT value FROM json_each(?1))"
				" AND EXISTS (SELECT 1 FROM actions t WHERE t.id = k.action_id AND %s)",
				vis_of("actions"));
	if (!st) {
		json_decref(ids);
		return EP_E_INTERNAL;
	}
	char *text = ids_text(ids);
	sqlite3_bind_text(st, 1, text, -1, SQLITE_TRANSIENT);
	free(text);
	json_decref(ids);
	json_t *fids = json_array(), *by = json_object();
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char key[24];
		snprintf(key, sizeof key, "%lld", (long long)sqlite3_column_int64(st, 1));
		json_t *list = json_object_get(by, key);
		if (!list)
			json_object_set_new(by, key, list = json_array());
		json_array_append_new(list, json_integer(sqlite3_column_int64(st, 0)));
		json_array_append_new(fids, json_integer(sqlite3_column_int64(st, 0)));
	}
	ep_status s = done(db, st, rc, err);
	json_t *fv = json_object();
	if (s == EP_OK)
		s = kpi_values(db, vis, fids, r, fv, err);
	json_array_foreach(s == EP_OK ? kpis : NULL, i, k)
	{
		char key[24];
		snprintf(key, sizeof key, "%lld", (long long)json_integer_value(json_object_get(k, "kpi_id")));
		json_t *list = json_object_get(by, key);
		json_object_set_new(feeders, key, json_integer((json_int_t)json_array_size(list)));
		if (!list)
			continue;
		const char *agg = json_string_value(json_object_get(k, "aggregation"));
		bool any = false;
		double acc = 0;
		json_int_t best = 0;
		size_t j;
		json_t *fid;
		json_array_foreach(list, j, fid)
		{
			char fkey[24];
			snprintf(fkey, sizeof fkey, "%lld", (long long)json_integer_value(fid));
			json_t *v = json_object_get(fv, fkey);
			if (!v)
				continue;
			double x = json_real_value(json_array_get(v, 0));
			json_int_t rank = json_integer_value(json_array_get(v, 1));
			if (agg && strcmp(agg, "max") == 0)
				acc = any && acc > x ? acc : x;
			else if (agg && strcmp(agg, "latest") == 0)
				acc = !any || rank >= best ? x : acc;
			else
				acc += x;
			if (!any || rank > best)
				best = rank;
			any = true;
		}
		if (any)
			json_object_set_new(vals, key, json_pack("[f, I]", acc, best));
		else
			json_object_del(vals, key);
	}
	json_decref(fv);
	json_decref(fids);
	json_decref(by);
	return s;
}

/* Adds value, achievement and met to a KPI row from vals; true when met. */
static bool kpi_score(json_t *row, json_t *vals, bool *has_value, double *ach_out, bool *has_ach)
{
	char key[24];
	snprintf(key, sizeof key, "%lld", (long long)json_integer_value(json_object_get(row, "kpi_id")));
	json_t *v = json_object_get(vals, key);
	*has_value = v != NULL;
	*has_ach = false;
	if (!v) {
		json_object_set_new(row, "value", json_null());
		json_object_set_new(row, "achievement", json_null());
		json_object_set_new(row, "met", json_false());
		return false;
	}
	double x = json_real_value(json_array_get(v, 0)), a;
	json_object_set_new(row, "value", json_real(x));
	json_t *b = json_object_get(row, "baseline");
	bool ok = ep_kpi_achievement(x, json_number_value(json_object_get(row, "target")), json_is_number(b),
				     json_number_value(b), json_string_value(json_object_get(row, "direction")), &a);
	json_object_set_new(row, "achievement", ok ? json_real(a) : json_null());
	json_object_set_new(row, "met", json_boolean(ok && a >= 1));
	*has_ach = ok;
	*ach_out = ok ? a : 0;
	return ok && a >= 1;
}

static json_t *kpi_row(sqlite3_stmt *st, int c)
{
	/* id, name, unit, baseline, target, direction, aggregation from column c on */
	return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "kpi_id", col_int(st, c), "name", col_str(st, c + 1), "unit",
			 col_str(st, c + 2), "baseline", col_real(st, c + 3), "target", col_real(st, c + 4), "direction",
			 col_str(st, c + 5), "aggregation", col_str(st, c + 6));
}

static json_t *counts(const char *const *states)
{
	json_t *o = json_object();
	for (; *states; states++)
		json_object_set_new(o, *states, json_integer(0));
	return o;
}

static void bump(json_t *o, const char *key, json_int_t by)
{
	json_object_set_new(o, key, json_integer(json_integer_value(json_object_get(o, key)) + by));
}

/* ---- the OAP monitoring report ---- */

ep_status ep_db_rollup_oap(ep_db *db, const ep_vis *vis, int64_t oap_id, int64_t round_id, const char *today,
			   json_t **out, ep_err *err)
{
	static const char SQL_OAP[] = "SELECT o.id, o.title, o.status, p.cycle_id, o.classification, o.marking FROM oaps o"
				      " JOIN priorities p ON p.id = o.priority_id WHERE o.id = ?1";
	sqlite3_stmt *st = db_stmt(db, SQL_OAP, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, oap_id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return ep_err_set(err, EP_E_NOTFOUND, NULL, "no OAP %lld", (long long)oap_id);
	}
	struct level lv = {0, 0};
	raise_level(&lv, st, 4, 5);
	json_t *oap = json_pack("{s:o, s:o, s:o}", "id", col_int(st, 0), "title", col_str(st, 1), "status", col_str(st, 2));
	int64_t cycle = sqlite3_column_int64(st, 3);
	sqlite3_reset(st);
	struct round r;
	ep_status s = round_load(db, round_id, cycle, &r, err);
	if (s != EP_OK) {
		json_decref(oap);
		round_release(&r);
		return s;
	}
	bool late = strcmp(today, r.closes_on) > 0;
	json_t *doc = json_object(), *by_status = counts(report_states), *astatus = counts(reported_states);
	json_object_set_new(astatus, "not_reported", json_integer(0));
	json_t *actions = json_array(), *problems = json_array(), *action_ids = json_array(), *valid_ids = json_array();
	json_t *rows_by_action = json_object();
	json_int_t owed = 0, nsub = 0, nval = 0, missing = 0, overdue = 0, alloc = 0, used = 0;
	st = prep(db, vis, err,
		  "SELECT a.id, a.number, a.title, r.id, r.status, r.action_status, r.resources_allocated_cents,"
		  " r.resources_used_cents, r.problems, a.classification, a.marking, r.classification, r.marking"
		  " FROM progress_reports r JOIN actions a ON a.id = r.action_id WHERE r.round_id = ?1 AND a.oap_id = ?2"
		  " AND EXISTS (SELECT 1 FROM progress_reports t WHERE t.id = r.id AND %s) ORDER BY a.position, a.id",
		  vis_of("progress-reports"));
	int rc = SQLITE_DONE;
	if (st) {
		db_bind_i64(st, 1, r.id);
		db_bind_i64(st, 2, oap_id);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			raise_level(&lv, st, 9, 10);
			raise_level(&lv, st, 11, 12);
			const char *rs = db_col_text(st, 4), *as = db_col_text(st, 5);
			bool isval = in_list(rs, validated), issub = in_list(rs, submitted);
			owed++;
			bump(by_status, rs, 1);
			nsub += issub;
			nval += isval;
			if (!issub) {
				missing++;
				overdue += late;
			}
			if (isval && as)
				bump(astatus, as, 1);
			else
				bump(astatus, "not_reported", 1);
			json_int_t ra = isval ? sqlite3_column_int64(st, 6) : 0, ru = isval ? sqlite3_column_int64(st, 7) : 0;
			alloc += ra;
			used += ru;
			const char *pb = db_col_text(st, 8);
			if (isval && pb && pb[strspn(pb, " \t\r\n")])
				json_array_append_new(problems, json_pack("{s:o, s:o, s:s}", "action_id", col_int(st, 0), "number",
									  col_str(st, 1), "problems", pb));
			json_t *row = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:i, s:i}", "action_id", col_int(st, 0),
						"number", col_str(st, 1), "title", col_str(st, 2), "report_id", col_int(st, 3),
						"report_status", col_str(st, 4), "action_status",
						isval ? col_str(st, 5) : json_null(), "allocated_cents",
						isval ? col_int(st, 6) : json_null(), "used_cents", isval ? col_int(st, 7) : json_null(),
						"kpis", 0, "kpis_met", 0);
			json_array_append_new(actions, row);
			json_array_append_new(action_ids, json_integer(sqlite3_column_int64(st, 0)));
			if (isval)
				json_array_append_new(valid_ids, json_integer(sqlite3_column_int64(st, 3)));
			char key[24];
			snprintf(key, sizeof key, "%lld", (long long)sqlite3_column_int64(st, 0));
			json_object_set(rows_by_action, key, row);
		}
		s = done(db, st, rc, err);
	} else {
		s = EP_E_INTERNAL;
	}
	/* The KPIs: of the reported actions, then the OAP's own. */
	json_t *kpis = json_array(), *direct = json_array(), *fedk = json_array();
	if (s == EP_OK && (st = prep(db, NULL, err,
				     "SELECT k.id, k.name, k.unit, k.baseline, k.target, k.direction, k.aggregation, k.action_id,"
				     " a.number FROM kpis k LEFT JOIN actions a ON a.id = k.action_id"
				     " WHERE k.action_id IN (SELECT value FROM json_each(?1)) OR k.oap_id = ?2"
				     " ORDER BY k.oap_id IS NOT NULL, a.position, k.position, k.id")) != NULL) {
		char *text = ids_text(action_ids);
		sqlite3_bind_text(st, 1, text, -1, SQLITE_TRANSIENT);
		free(text);
		db_bind_i64(st, 2, oap_id);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			json_t *k = kpi_row(st, 0);
			bool own = sqlite3_column_type(st, 7) == SQLITE_NULL;
			json_object_set_new(k, "owner", json_string(own ? "oap" : "action"));
			json_object_set_new(k, "action_number", col_str(st, 8));
			json_object_set_new(k, "action_id", col_int(st, 7));
			json_array_append_new(kpis, k);
			json_array_append(direct, json_object_get(k, "kpi_id"));
			if (own)
				json_array_append(fedk, k);
		}
		s = done(db, st, rc, err);
	} else if (s == EP_OK) {
		s = EP_E_INTERNAL;
	}
	json_t *vals = json_object(), *feeders = json_object();
	if (s == EP_OK)
		s = kpi_values(db, vis, direct, &r, vals, err);
	if (s == EP_OK)
		s = fed_values(db, vis, fedk, &r, vals, feeders, err);
	json_int_t nk = 0, nwith = 0, nmet = 0;
	double sum = 0;
	size_t i;
	json_t *k;
	json_array_foreach(s == EP_OK ? kpis : NULL, i, k)
	{
		bool hv, ha;
		double a;
		bool met = kpi_score(k, vals, &hv, &a, &ha);
		nk++;
		nwith += hv;
		nmet += met;
		if (ha)
			sum += a;
		json_t *aid = json_object_get(k, "action_id");
		if (json_is_integer(aid)) {
			char key[24];
			snprintf(key, sizeof key, "%lld", (long long)json_integer_value(aid));
			json_t *row = json_object_get(rows_by_action, key);
			if (row) {
				bump(row, "kpis", 1);
				bump(row, "kpis_met", met);
			}
		}
		json_object_del(k, "action_id");
		json_object_del(k, "aggregation");
	}
	json_int_t nach = 0;
	json_array_foreach(s == EP_OK ? kpis : NULL, i, k) nach += json_is_real(json_object_get(k, "achievement"));
	/* The practices of the validated reports. */
	json_t *practices = json_array();
	if (s == EP_OK && (st = prep(db, vis, err,
				     "SELECT t.id, t.action_id, t.kind, t.title, t.status, t.classification, t.marking FROM good_practices t"
				     " WHERE t.report_id IN (SELECT value FROM json_each(?1)) AND %s ORDER BY t.id",
				     vis_of("good-practices"))) != NULL) {
		char *text = ids_text(valid_ids);
		sqlite3_bind_text(st, 1, text, -1, SQLITE_TRANSIENT);
		free(text);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			raise_level(&lv, st, 5, 6);
			json_array_append_new(practices, json_pack("{s:o, s:o, s:o, s:o, s:o}", "id", col_int(st, 0), "action_id",
								   col_int(st, 1), "kind", col_str(st, 2), "title", col_str(st, 3),
								   "status", col_str(st, 4)));
		}
		s = done(db, st, rc, err);
	}
	json_object_set_new(doc, "oap", oap);
	json_object_set_new(doc, "round", round_json(&r));
	set_level(doc, &lv);
	json_object_set_new(doc, "reports", json_pack("{s:I, s:I, s:I, s:I, s:I, s:o}", "owed", owed, "submitted", nsub,
						      "validated", nval, "missing", missing, "overdue", overdue, "by_status",
						      by_status));
	json_object_set_new(doc, "action_status", astatus);
	json_object_set_new(doc, "kpi_summary",
			    json_pack("{s:I, s:I, s:I, s:o}", "count", nk, "with_value", nwith, "met", nmet, "mean_achievement",
				      nach ? json_real(round(sum / (double)nach * 10000) / 10000) : json_null()));
	json_object_set_new(doc, "resources", json_pack("{s:I, s:I}", "allocated_cents", alloc, "used_cents", used));
	json_object_set_new(doc, "actions", actions);
	json_object_set_new(doc, "kpis", kpis);
	json_object_set_new(doc, "problems", problems);
	json_object_set_new(doc, "practices", practices);
	json_decref(action_ids);
	json_decref(valid_ids);
	json_decref(rows_by_action);
	json_decref(direct);
	json_decref(fedk);
	json_decref(vals);
	json_decref(feeders);
	round_release(&r);
	if (s != EP_OK) {
		json_decref(doc);
		return s;
	}
	*out = doc;
	return EP_OK;
}

/* ---- the cross-priority overview ---- */

static const char *const overview_counts[] = {"owed", "submitted", "validated", "missing", "overdue", "ongoing",
					      "completed", "not_completed", "cancelled", "status_unclear", "kpis",
					      "kpis_with_value", "kpis_met", "allocated_cents", "used_cents", NULL};

ep_status ep_db_rollup_overview(ep_db *db, const ep_vis *vis, int64_t round_id, const char *today, json_t **out,
				ep_err *err)
{
	struct round r;
	ep_status s = round_load(db, round_id, 0, &r, err);
	if (s != EP_OK) {
		round_release(&r);
		return s == EP_E_INVALID ? ep_err_set(err, EP_E_NOTFOUND, NULL, "no reporting round %lld", (long long)round_id) : s;
	}
	bool late = strcmp(today, r.closes_on) > 0;
	struct level lv = {0, 0};
	json_t *oaps = json_array(), *by_oap = json_object(), *oap_of_action = json_object(), *action_ids = json_array();
	sqlite3_stmt *st = prep(db, vis, err,
				"SELECT o.id, o.title, p.id, p.code, p.short_name, r.status, r.action_status,"
				" r.resources_allocated_cents, r.resources_used_cents, a.id, r.classification, r.marking,"
				" o.classification, o.marking FROM progress_reports r JOIN actions a ON a.id = r.action_id"
				" JOIN oaps o ON o.id = a.oap_id JOIN priorities p ON p.id = o.priority_id WHERE r.round_id = ?1"
				" AND r.id IN (SELECT t.id FROM progress_reports t WHERE t.round_id = ?1 AND %s)"
				" AND o.id IN (SELECT t.id FROM oaps t WHERE %s) ORDER BY p.position, o.first_year, o.id",
				vis_of("progress-reports"), vis_of("oaps"));
	int rc = SQLITE_DONE;
	if (!st)
		s = EP_E_INTERNAL;
	else {
		db_bind_i64(st, 1, r.id);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			raise_level(&lv, st, 10, 11);
			raise_level(&lv, st, 12, 13);
			char key[24], akey[24];
			snprintf(key, sizeof key, "%lld", (long long)sqlite3_column_int64(st, 0));
			json_t *row = json_object_get(by_oap, key);
			if (!row) {
				row = json_pack("{s:o, s:o, s:o, s:o, s:o}", "priority_id", col_int(st, 2), "priority_code",
						col_str(st, 3), "priority", col_str(st, 4), "oap_id", col_int(st, 0), "oap",
						col_str(st, 1));
				for (const char *const *c = overview_counts; *c; c++)
					json_object_set_new(row, *c, json_integer(0));
				json_array_append_new(oaps, row);
				json_object_set(by_oap, key, row);
			}
			const char *rs = db_col_text(st, 5), *as = db_col_text(st, 6);
			bool isval = in_list(rs, validated), issub = in_list(rs, submitted);
			bump(row, "owed", 1);
			bump(row, "submitted", issub);
			bump(row, "validated", isval);
			bump(row, "missing", !issub);
			bump(row, "overdue", !issub && late);
			if (isval && as && json_object_get(row, as) && strcmp(as, "owed") != 0)
				bump(row, as, 1);
			if (isval) {
				bump(row, "allocated_cents", sqlite3_column_int64(st, 7));
				bump(row, "used_cents", sqlite3_column_int64(st, 8));
			}
			snprintf(akey, sizeof akey, "%lld", (long long)sqlite3_column_int64(st, 9));
			json_object_set(oap_of_action, akey, row);
			json_array_append_new(action_ids, json_integer(sqlite3_column_int64(st, 9)));
		}
		s = done(db, st, rc, err);
	}
	/* The KPIs of the reported actions, each with its value found in the same statement (the
	 * overview counts thousands of them: no JSON per KPI), then the OAPs' own KPIs. */
	json_t *own = json_array(), *vals = json_object(), *feeders = json_object(), *oap_ids = json_array();
	const char *okey;
	json_t *orow;
	json_object_foreach(by_oap, okey, orow) json_array_append(oap_ids, json_object_get(orow, "oap_id"));
	if (s == EP_OK && (st = prep(db, vis, err,
				     "SELECT a.id, k.baseline, k.target, k.direction, (SELECT x.value FROM kpi_actuals x"
				     " JOIN reporting_rounds rr ON rr.id = x.round_id LEFT JOIN progress_reports p ON p.id = x.report_id"
				     " WHERE x.kpi_id = k.id AND rr.cycle_id = ?2 AND (rr.opens_on < ?3 OR (rr.opens_on = ?3 AND rr.id <= ?4))"
				     " AND (x.report_id IS NULL OR (p.status IN " VALIDATED " AND EXISTS (SELECT 1 FROM progress_reports t"
				     " WHERE t.id = x.report_id AND %s))) ORDER BY rr.opens_on DESC, rr.id DESC LIMIT 1)"
				     " FROM kpis k JOIN actions a ON a.id = k.action_id WHERE k.action_id IN (SELECT value FROM json_each(?1))",
				     vis_of("progress-reports"))) != NULL) {
		char *text = ids_text(action_ids);
		sqlite3_bind_text(st, 1, text, -1, SQLITE_TRANSIENT);
		free(text);
		db_bind_i64(st, 2, r.cycle_id);
		db_bind_text(st, 3, r.opens_on);
		db_bind_i64(st, 4, r.id);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			char akey[24];
			snprintf(akey, sizeof akey, "%lld", (long long)sqlite3_column_int64(st, 0));
			json_t *row = json_object_get(oap_of_action, akey);
			bool hv = sqlite3_column_type(st, 4) != SQLITE_NULL;
			double a = 0;
			bool met = hv && ep_kpi_achievement(sqlite3_column_double(st, 4), sqlite3_column_double(st, 2),
							  sqlite3_column_type(st, 1) != SQLITE_NULL, sqlite3_column_double(st, 1),
							  db_col_text(st, 3), &a) && a >= 1;
			bump(row, "kpis", 1);
			bump(row, "kpis_with_value", hv);
			bump(row, "kpis_met", met);
		}
		s = done(db, st, rc, err);
	}
	if (s == EP_OK && (st = prep(db, NULL, err,
				     "SELECT k.id, k.name, k.unit, k.baseline, k.target, k.direction, k.aggregation, k.oap_id"
				     " FROM kpis k WHERE k.oap_id IN (SELECT value FROM json_each(?1))")) != NULL) {
		char *text = ids_text(oap_ids);
		sqlite3_bind_text(st, 1, text, -1, SQLITE_TRANSIENT);
		free(text);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			json_t *k = kpi_row(st, 0);
			json_object_set_new(k, "oap_id", col_int(st, 7));
			json_array_append_new(own, k);
		}
		s = done(db, st, rc, err);
	}
	json_t *ids = json_array();
	size_t i;
	json_t *k;
	json_array_foreach(own, i, k) json_array_append(ids, json_object_get(k, "kpi_id"));
	if (s == EP_OK)
		s = kpi_values(db, vis, ids, &r, vals, err);
	if (s == EP_OK)
		s = fed_values(db, vis, own, &r, vals, feeders, err);
	json_array_foreach(s == EP_OK ? own : NULL, i, k)
	{
		char okey2[24];
		snprintf(okey2, sizeof okey2, "%lld", (long long)json_integer_value(json_object_get(k, "oap_id")));
		json_t *row = json_object_get(by_oap, okey2);
		bool hv, ha;
		double a;
		bool met = kpi_score(k, vals, &hv, &a, &ha);
		bump(row, "kpis", 1);
		bump(row, "kpis_with_value", hv);
		bump(row, "kpis_met", met);
	}
	json_t *totals = json_object();
	for (const char *const *c = overview_counts; *c; c++) {
		json_int_t sum = 0;
		json_t *row;
		json_array_foreach(oaps, i, row) sum += json_integer_value(json_object_get(row, *c));
		json_object_set_new(totals, *c, json_integer(sum));
	}
	json_t *doc = json_object();
	json_object_set_new(doc, "round", round_json(&r));
	set_level(doc, &lv);
	json_object_set_new(doc, "oaps", oaps);
	json_object_set_new(doc, "totals", totals);
	json_decref(by_oap);
	json_decref(oap_of_action);
	json_decref(action_ids);
	json_decref(ids);
	json_decref(vals);
	json_decref(own);
	json_decref(feeders);
	json_decref(oap_ids);
	round_release(&r);
	if (s != EP_OK) {
		json_decref(doc);
		return s;
	}
	*out = doc;
	return EP_OK;
}

/* ---- missing and overdue reports ---- */

ep_status ep_db_rollup_missing(ep_db *db, const ep_vis *vis, int64_t round_id, const char *today, json_t **out,
			       ep_err *err)
{
	struct round r;
	ep_status s = round_load(db, round_id, 0, &r, err);
	if (s != EP_OK) {
		round_release(&r);
		return s == EP_E_INVALID ? ep_err_set(err, EP_E_NOTFOUND, NULL, "no reporting round %lld", (long long)round_id) : s;
	}
	bool late = strcmp(today, r.closes_on) > 0;
	struct level lv = {0, 0};
	json_t *reports = json_array(), *drivers = json_array(), *necs = json_array(), *dby = json_object(), *nby = json_object();
	sqlite3_stmt *st = prep(db, vis, err,
				"SELECT r.id, a.id, a.number, a.title, a.oap_id, p.id, p.code, r.status, lo.code, lo.country,"
				" (SELECT o2.code FROM oap_drivers d JOIN organisations o2 ON o2.id = d.org_id"
				" WHERE d.oap_id = a.oap_id AND d.role = 'driver'), r.classification, r.marking,"
				" (SELECT count(*) FROM report_reminders m WHERE m.report_id = r.id),"
				" (SELECT m.sent_at FROM report_reminders m WHERE m.report_id = r.id"
				" ORDER BY m.id DESC LIMIT 1),"
				" (SELECT m.message FROM report_reminders m WHERE m.report_id = r.id"
				" ORDER BY m.id DESC LIMIT 1)"
				" FROM progress_reports r JOIN actions a ON a.id = r.action_id JOIN oaps o ON o.id = a.oap_id"
				" JOIN priorities p ON p.id = o.priority_id"
				" LEFT JOIN action_leaders l ON l.action_id = a.id AND l.role = 'leader'"
				" LEFT JOIN organisations lo ON lo.id = l.org_id"
				" WHERE r.round_id = ?1 AND r.status IN ('requested', 'draft', 'returned')"
				" AND r.id IN (SELECT t.id FROM progress_reports t WHERE t.round_id = ?1 AND %s)"
				" ORDER BY p.position, o.first_year, a.position, a.id",
				vis_of("progress-reports"));
	int rc = SQLITE_DONE;
	if (!st)
		s = EP_E_INTERNAL;
	else {
		db_bind_i64(st, 1, r.id);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			raise_level(&lv, st, 11, 12);
			json_t *row = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:b, s:o, s:o, s:o}",
						"report_id", col_int(st, 0), "action_id", col_int(st, 1), "number",
						col_str(st, 2), "title", col_str(st, 3), "oap_id", col_int(st, 4),
						"priority_code", col_str(st, 6), "status", col_str(st, 7), "leader",
						col_str(st, 8), "leader_country", col_str(st, 9), "overdue", late,
						"chase_count", col_int(st, 13), "last_chased_at", col_str(st, 14),
						"last_chase_message", col_str(st, 15));
			json_array_append_new(reports, row);
			char key[24];
			snprintf(key, sizeof key, "%lld", (long long)sqlite3_column_int64(st, 5));
			json_t *d = json_object_get(dby, key);
			if (!d) {
				d = json_pack("{s:o, s:o, s:o, s:i, s:i}", "priority_id", col_int(st, 5), "priority_code",
					      col_str(st, 6), "driver", col_str(st, 10), "missing", 0, "overdue", 0);
				json_array_append_new(drivers, d);
				json_object_set(dby, key, d);
			}
			bump(d, "missing", 1);
			bump(d, "overdue", late);
			const char *cc = db_col_text(st, 9) ? db_col_text(st, 9) : "";
			json_t *n = json_object_get(nby, cc);
			if (!n) {
				n = json_pack("{s:o, s:i, s:i}", "country", cc[0] ? json_string(cc) : json_null(), "missing", 0,
					      "overdue", 0);
				json_array_append_new(necs, n);
				json_object_set(nby, cc, n);
			}
			bump(n, "missing", 1);
			bump(n, "overdue", late);
		}
		s = done(db, st, rc, err);
	}
	json_t *doc = json_object();
	json_object_set_new(doc, "round", round_json(&r));
	set_level(doc, &lv);
	json_object_set_new(doc, "reports", reports);
	json_object_set_new(doc, "by_driver", drivers);
	json_object_set_new(doc, "by_nec", necs);
	json_decref(dby);
	json_decref(nby);
	round_release(&r);
	if (s != EP_OK) {
		json_decref(doc);
		return s;
	}
	*out = doc;
	return EP_OK;
}

/* ---- goal achievement ---- */

ep_status ep_db_rollup_goals(ep_db *db, const ep_vis *vis, int64_t cycle_id, int64_t round_id, json_t **out,
			     ep_err *err)
{
	struct round r;
	ep_status s = round_load(db, round_id, cycle_id, &r, err);
	if (s != EP_OK) {
		round_release(&r);
		return s;
	}
	struct level lv = {0, 0};
	json_t *goals = json_array(), *ids = json_array();
	sqlite3_stmt *st = prep(db, vis, err,
				"SELECT k.id, k.name, k.unit, k.baseline, k.target, k.direction, k.aggregation, 'strategic', t.id,"
				" pr.code, t.number, pr.position FROM kpis k JOIN strategic_goals t ON t.id = k.goal_id"
				" JOIN priorities pr ON pr.id = t.priority_id WHERE pr.cycle_id = ?1 AND t.archived = 0 AND %s"
				" UNION ALL SELECT k.id, k.name, k.unit, k.baseline, k.target, k.direction, k.aggregation, 'shared',"
				" t.id, NULL, t.number, 1000000 FROM kpis k JOIN shared_goals t ON t.id = k.shared_goal_id"
				" WHERE t.cycle_id = ?1 AND t.archived = 0 AND %s ORDER BY 12, 11, 1",
				vis_of("goals"), vis_of("shared-goals"));
	int rc = SQLITE_DONE;
	if (!st)
		s = EP_E_INTERNAL;
	else {
		db_bind_i64(st, 1, r.cycle_id);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			lv.mark = 1; /* goals come from a LIMITE Council document */
			json_t *k = kpi_row(st, 0);
			json_t *row = json_pack("{s:o, s:o, s:o, s:o, s:O, s:O, s:O, s:O, s:O}", "kind", col_str(st, 7), "goal_id",
						col_int(st, 8), "priority_code", col_str(st, 9), "number", col_int(st, 10), "kpi_id",
						json_object_get(k, "kpi_id"), "kpi", json_object_get(k, "name"), "unit",
						json_object_get(k, "unit"), "baseline", json_object_get(k, "baseline"), "target",
						json_object_get(k, "target"));
			json_object_set(row, "direction", json_object_get(k, "direction"));
			json_object_set(row, "aggregation", json_object_get(k, "aggregation"));
			json_decref(k);
			json_array_append_new(goals, row);
			json_array_append(ids, json_object_get(row, "kpi_id"));
		}
		s = done(db, st, rc, err);
	}
	json_t *vals = json_object(), *feeders = json_object();
	if (s == EP_OK)
		s = kpi_values(db, vis, ids, &r, vals, err);
	if (s == EP_OK)
		s = fed_values(db, vis, goals, &r, vals, feeders, err);
	size_t i;
	json_t *row;
	json_array_foreach(s == EP_OK ? goals : NULL, i, row)
	{
		bool hv, ha;
		double a;
		kpi_score(row, vals, &hv, &a, &ha);
		char key[24];
		snprintf(key, sizeof key, "%lld", (long long)json_integer_value(json_object_get(row, "kpi_id")));
		json_object_set_new(row, "feeders", json_integer(json_integer_value(json_object_get(feeders, key))));
		json_object_del(row, "aggregation");
		json_object_del(row, "baseline");
		json_object_del(row, "direction");
	}
	json_t *doc = json_object();
	json_object_set_new(doc, "round", round_json(&r));
	set_level(doc, &lv);
	json_object_set_new(doc, "goals", goals);
	json_decref(ids);
	json_decref(vals);
	json_decref(feeders);
	round_release(&r);
	if (s != EP_OK) {
		json_decref(doc);
		return s;
	}
	*out = doc;
	return EP_OK;
}

/* ---- the participation matrix ---- */

ep_status ep_db_rollup_matrix(ep_db *db, const ep_vis *vis, int64_t oap_id, json_t **out, ep_err *err)
{
	struct level lv = {0, 0};
	json_t *actions = json_array(), *ids = json_array(), *number_of = json_object();
	sqlite3_stmt *st = prep(db, vis, err,
				"SELECT t.id, t.number, t.title, t.classification, t.marking FROM actions t WHERE t.oap_id = ?1"
				" AND t.archived = 0 AND %s ORDER BY t.position, t.id",
				vis_of("actions"));
	int rc = SQLITE_DONE;
	ep_status s = st ? EP_OK : EP_E_INTERNAL;
	if (st) {
		db_bind_i64(st, 1, oap_id);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			raise_level(&lv, st, 3, 4);
			json_array_append_new(actions, json_pack("{s:o, s:o, s:o}", "id", col_int(st, 0), "number", col_str(st, 1),
								 "title", col_str(st, 2)));
			json_array_append_new(ids, json_integer(sqlite3_column_int64(st, 0)));
			char key[24];
			snprintf(key, sizeof key, "%lld", (long long)sqlite3_column_int64(st, 0));
			json_object_set_new(number_of, key, col_str(st, 1));
		}
		s = done(db, st, rc, err);
	}
	json_t *rows = json_array(), *by_org = json_object();
	if (s == EP_OK && (st = prep(db, NULL, err,
				     "SELECT l.action_id, o.id, o.code, o.name, o.country, l.role FROM action_leaders l"
				     " JOIN organisations o ON o.id = l.org_id WHERE l.action_id IN (SELECT value FROM json_each(?1))"
				     " UNION ALL SELECT x.action_id, o.id, o.code, o.name, o.country, x.status FROM action_participants x"
				     " JOIN organisations o ON o.id = x.org_id WHERE x.action_id IN (SELECT value FROM json_each(?1))"
				     " ORDER BY 3")) != NULL) {
		char *text = ids_text(ids);
		sqlite3_bind_text(st, 1, text, -1, SQLITE_TRANSIENT);
		free(text);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			const char *code = db_col_text(st, 2);
			json_t *row = json_object_get(by_org, code);
			if (!row) {
				row = json_pack("{s:o, s:o, s:o, s:o}", "org_id", col_int(st, 1), "organisation", col_str(st, 2), "name",
						col_str(st, 3), "country", col_str(st, 4));
				size_t i;
				json_t *a;
				json_array_foreach(actions, i, a) json_object_set_new(row, json_string_value(json_object_get(a, "number")),
										      json_string(""));
				json_object_set_new(row, "confirmed", json_integer(0));
				json_array_append_new(rows, row);
				json_object_set(by_org, code, row);
			}
			char key[24];
			snprintf(key, sizeof key, "%lld", (long long)sqlite3_column_int64(st, 0));
			const char *status = db_col_text(st, 5);
			json_object_set_new(row, json_string_value(json_object_get(number_of, key)), json_string(status));
			if (strcmp(status, "confirmed") == 0)
				bump(row, "confirmed", 1);
		}
		s = done(db, st, rc, err);
	}
	json_t *doc = json_object();
	json_object_set_new(doc, "oap_id", json_integer(oap_id));
	set_level(doc, &lv);
	json_object_set_new(doc, "actions", actions);
	json_object_set_new(doc, "rows", rows);
	json_decref(ids);
	json_decref(number_of);
	json_decref(by_org);
	if (s != EP_OK) {
		json_decref(doc);
		return s;
	}
	*out = doc;
	return EP_OK;
}

/* ---- funding ---- */

ep_status ep_db_rollup_funding(ep_db *db, const ep_vis *vis, int64_t cycle_id, json_t **out, ep_err *err)
{
	struct level lv = {0, 0};
	json_t *actions = json_array(), *by_action = json_object(), *ids = json_array();
	sqlite3_stmt *st = prep(db, vis, err,
				"SELECT t.id, t.oap_id, t.number, t.budget_cents, t.classification, t.marking FROM actions t"
				" JOIN oaps o ON o.id = t.oap_id JOIN priorities p ON p.id = o.priority_id"
				" WHERE p.cycle_id = ?1 AND t.archived = 0 AND %s ORDER BY p.position, o.first_year, t.position, t.id",
				vis_of("actions"));
	int rc = SQLITE_DONE;
	ep_status s = st ? EP_OK : EP_E_INTERNAL;
	if (st) {
		db_bind_i64(st, 1, cycle_id);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			raise_level(&lv, st, 4, 5);
			json_t *row = json_pack("{s:o, s:o, s:o, s:o, s:n, s:n, s:i, s:i}", "action_id", col_int(st, 0), "oap_id",
						col_int(st, 1), "number", col_str(st, 2), "budget_cents", col_int(st, 3),
						"reported_allocated_cents", "reported_used_cents", "grants_allocated_cents", 0,
						"grants_used_cents", 0);
			json_array_append_new(actions, row);
			char key[24];
			snprintf(key, sizeof key, "%lld", (long long)sqlite3_column_int64(st, 0));
			json_object_set(by_action, key, row);
			json_array_append_new(ids, json_integer(sqlite3_column_int64(st, 0)));
		}
		s = done(db, st, rc, err);
	}
	/* What the latest validated report of each action says. */
	if (s == EP_OK && (st = prep(db, vis, err,
				     "SELECT r.action_id, r.resources_allocated_cents, r.resources_used_cents, r.classification, r.marking"
				     " FROM progress_reports r JOIN reporting_rounds rr ON rr.id = r.round_id WHERE rr.cycle_id = ?1"
				     " AND r.status IN " VALIDATED " AND EXISTS (SELECT 1 FROM progress_reports t WHERE t.id = r.id AND %s)"
				     " ORDER BY r.action_id, rr.opens_on, rr.id",
				     vis_of("progress-reports"))) != NULL) {
		db_bind_i64(st, 1, cycle_id);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			char key[24];
			snprintf(key, sizeof key, "%lld", (long long)sqlite3_column_int64(st, 0));
			json_t *row = json_object_get(by_action, key);
			if (!row)
				continue;
			raise_level(&lv, st, 3, 4);
			json_object_set_new(row, "reported_allocated_cents", col_int(st, 1));
			json_object_set_new(row, "reported_used_cents", col_int(st, 2));
		}
		s = done(db, st, rc, err);
	}
	json_t *grants = json_array(), *schemes = json_array(), *by_scheme = json_object();
	if (s == EP_OK && (st = prep(db, vis, err,
				     "SELECT t.id, t.scheme, t.reference, t.status, t.amount_allocated_cents, t.amount_used_cents,"
				     " (SELECT json_group_array(action_id) FROM grant_actions WHERE grant_id = t.id),"
				     " (SELECT json_group_array(o.code) FROM grant_beneficiaries b JOIN organisations o ON o.id = b.org_id"
				     " WHERE b.grant_id = t.id) FROM grants t WHERE %s AND t.id IN (SELECT ga.grant_id FROM grant_actions ga"
				     " WHERE ga.action_id IN (SELECT value FROM json_each(?1))) ORDER BY t.scheme, t.reference",
				     vis_of("grants"))) != NULL) {
		char *text = ids_text(ids);
		sqlite3_bind_text(st, 1, text, -1, SQLITE_TRANSIENT);
		free(text);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			json_int_t al = sqlite3_column_int64(st, 4), us = sqlite3_column_int64(st, 5);
			json_t *linked = json_loads(db_col_text(st, 6) ? db_col_text(st, 6) : "[]", 0, NULL);
			json_t *bens = json_loads(db_col_text(st, 7) ? db_col_text(st, 7) : "[]", 0, NULL);
			/* Lists in a table cell are written as "1.1 2.1", so that the table stays flat. */
			ep_buf numbers, codes;
			ep_buf_init(&numbers, 0);
			ep_buf_init(&codes, 0);
			size_t i;
			json_t *x;
			json_array_foreach(linked, i, x)
			{
				char key[24];
				snprintf(key, sizeof key, "%lld", (long long)json_integer_value(x));
				json_t *row = json_object_get(by_action, key);
				if (!row)
					continue; /* an action of another cycle, or one the caller may not read */
				bump(row, "grants_allocated_cents", al);
				bump(row, "grants_used_cents", us);
				ep_buf_printf(&numbers, "%s%s", numbers.len ? " " : "", json_string_value(json_object_get(row, "number")));
			}
			json_array_foreach(bens, i, x) ep_buf_printf(&codes, "%s%s", codes.len ? " " : "", json_string_value(x));
			json_decref(linked);
			json_decref(bens);
			json_array_append_new(grants, json_pack("{s:o, s:o, s:o, s:o, s:I, s:I, s:s, s:s}", "grant_id",
								col_int(st, 0), "scheme", col_str(st, 1), "reference", col_str(st, 2),
								"status", col_str(st, 3), "allocated_cents", al, "used_cents", us,
								"actions", ep_buf_str(&numbers), "beneficiaries", ep_buf_str(&codes)));
			ep_buf_release(&numbers);
			ep_buf_release(&codes);
			const char *scheme = db_col_text(st, 1);
			json_t *sc = json_object_get(by_scheme, scheme);
			if (!sc) {
				sc = json_pack("{s:s, s:i, s:i, s:i}", "scheme", scheme, "grants", 0, "allocated_cents", 0, "used_cents", 0);
				json_array_append_new(schemes, sc);
				json_object_set(by_scheme, scheme, sc);
			}
			bump(sc, "grants", 1);
			bump(sc, "allocated_cents", al);
			bump(sc, "used_cents", us);
		}
		s = done(db, st, rc, err);
	}
	json_t *doc = json_object();
	json_object_set_new(doc, "cycle_id", json_integer(cycle_id));
	set_level(doc, &lv);
	json_object_set_new(doc, "actions", actions);
	json_object_set_new(doc, "grants", grants);
	json_object_set_new(doc, "schemes", schemes);
	json_decref(by_action);
	json_decref(ids);
	json_decref(by_scheme);
	if (s != EP_OK) {
		json_decref(doc);
		return s;
	}
	*out = doc;
	return EP_OK;
}

/* ---- JAD results ---- */

ep_status ep_db_rollup_jads(ep_db *db, const ep_vis *vis, int64_t cycle_id, json_t **out, ep_err *err)
{
	struct level lv = {0, 0};
	json_t *results = json_array(), *totals = json_array(), *by = json_object();
	sqlite3_stmt *st = prep(db, vis, err,
				"SELECT t.id, t.name, t.start_date, t.end_date, t.status, r.metric, r.value, r.unit,"
				" t.classification, t.marking FROM jads t JOIN jad_results r ON r.jad_id = t.id"
				" WHERE t.cycle_id = ?1 AND t.archived = 0 AND %s ORDER BY t.start_date, t.id, r.metric",
				vis_of("jads"));
	int rc = SQLITE_DONE;
	ep_status s = st ? EP_OK : EP_E_INTERNAL;
	if (st) {
		db_bind_i64(st, 1, cycle_id);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			raise_level(&lv, st, 8, 9);
			json_array_append_new(results, json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "jad_id", col_int(st, 0),
								 "jad", col_str(st, 1), "start_date", col_str(st, 2), "end_date",
								 col_str(st, 3), "status", col_str(st, 4), "metric", col_str(st, 5),
								 "value", col_real(st, 6), "unit", col_str(st, 7)));
			char key[160];
			snprintf(key, sizeof key, "%s\x1f%s", db_col_text(st, 5), db_col_text(st, 7) ? db_col_text(st, 7) : "");
			json_t *t = json_object_get(by, key);
			if (!t) {
				t = json_pack("{s:o, s:o, s:f, s:i}", "metric", col_str(st, 5), "unit", col_str(st, 7), "value", 0.0,
					      "jads", 0);
				json_array_append_new(totals, t);
				json_object_set(by, key, t);
			}
			json_object_set_new(t, "value", json_real(json_real_value(json_object_get(t, "value")) +
								  sqlite3_column_double(st, 6)));
			bump(t, "jads", 1);
		}
		s = done(db, st, rc, err);
	}
	json_t *doc = json_object();
	json_object_set_new(doc, "cycle_id", json_integer(cycle_id));
	set_level(doc, &lv);
	json_object_set_new(doc, "results", results);
	json_object_set_new(doc, "totals", totals);
	json_decref(by);
	if (s != EP_OK) {
		json_decref(doc);
		return s;
	}
	*out = doc;
	return EP_OK;
}

/* ---- the action progress sheet ---- */

ep_status ep_db_rollup_sheet(ep_db *db, const ep_vis *vis, int64_t action_id, json_t **out, ep_err *err)
{
	static const char SQL_ACTION[] = "SELECT t.id, t.number, t.title, t.status, t.classification, t.marking, t.oap_id"
					 " FROM actions t WHERE t.id = ?1";
	sqlite3_stmt *st = db_stmt(db, SQL_ACTION, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, action_id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return ep_err_set(err, EP_E_NOTFOUND, NULL, "no operational action %lld", (long long)action_id);
	}
	struct level lv = {0, 0};
	raise_level(&lv, st, 4, 5);
	json_t *action = json_pack("{s:o, s:o, s:o, s:o, s:o}", "id", col_int(st, 0), "number", col_str(st, 1), "title",
				   col_str(st, 2), "status", col_str(st, 3), "oap_id", col_int(st, 6));
	sqlite3_reset(st);
	json_t *rounds = json_array(), *labels = json_object();
	st = prep(db, vis, err,
		  "SELECT rr.id, rr.label, rr.status, r.id, r.status, r.action_status, r.resources_allocated_cents,"
		  " r.resources_used_cents, r.classification, r.marking FROM progress_reports r"
		  " JOIN reporting_rounds rr ON rr.id = r.round_id WHERE r.action_id = ?1"
		  " AND r.id IN (SELECT t.id FROM progress_reports t WHERE t.action_id = ?1 AND %s) ORDER BY rr.opens_on, rr.id",
		  vis_of("progress-reports"));
	int rc = SQLITE_DONE;
	ep_status s = st ? EP_OK : EP_E_INTERNAL;
	if (st) {
		db_bind_i64(st, 1, action_id);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			raise_level(&lv, st, 8, 9);
			json_array_append_new(rounds, json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "round_id", col_int(st, 0),
								"round", col_str(st, 1), "round_status", col_str(st, 2), "report_id",
								col_int(st, 3), "report_status", col_str(st, 4), "action_status",
								col_str(st, 5), "allocated_cents", col_int(st, 6), "used_cents",
								col_int(st, 7)));
			char key[24];
			snprintf(key, sizeof key, "%lld", (long long)sqlite3_column_int64(st, 0));
			json_object_set_new(labels, key, col_str(st, 1));
		}
		s = done(db, st, rc, err);
	}
	json_t *kpis = json_array(), *by_kpi = json_object();
	if (s == EP_OK && (st = prep(db, NULL, err,
				     "SELECT k.id, k.name, k.unit, k.baseline, k.target, k.direction, k.aggregation FROM kpis k"
				     " WHERE k.action_id = ?1 ORDER BY k.position, k.id")) != NULL) {
		db_bind_i64(st, 1, action_id);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			json_t *k = kpi_row(st, 0);
			json_object_del(k, "aggregation");
			size_t i;
			json_t *rd;
			json_array_foreach(rounds, i, rd) json_object_set_new(k, json_string_value(json_object_get(rd, "round")),
									       json_null());
			json_object_set_new(k, "latest", json_null());
			json_array_append_new(kpis, k);
			char key[24];
			snprintf(key, sizeof key, "%lld", (long long)sqlite3_column_int64(st, 0));
			json_object_set(by_kpi, key, k);
		}
		s = done(db, st, rc, err);
	}
	if (s == EP_OK && (st = prep(db, vis, err,
				     "SELECT x.kpi_id, x.round_id, x.value FROM kpi_actuals x JOIN reporting_rounds rr ON rr.id = x.round_id"
				     " WHERE x.kpi_id IN (SELECT id FROM kpis WHERE action_id = ?1) AND (x.report_id IS NULL OR EXISTS"
				     " (SELECT 1 FROM progress_reports t WHERE t.id = x.report_id AND %s)) ORDER BY rr.opens_on, rr.id",
				     vis_of("progress-reports"))) != NULL) {
		db_bind_i64(st, 1, action_id);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			char key[24], rkey[24];
			snprintf(key, sizeof key, "%lld", (long long)sqlite3_column_int64(st, 0));
			snprintf(rkey, sizeof rkey, "%lld", (long long)sqlite3_column_int64(st, 1));
			json_t *k = json_object_get(by_kpi, key);
			const char *label = json_string_value(json_object_get(labels, rkey));
			if (!k || !label)
				continue;
			json_object_set_new(k, label, json_real(sqlite3_column_double(st, 2)));
			json_object_set_new(k, "latest", json_real(sqlite3_column_double(st, 2)));
		}
		s = done(db, st, rc, err);
	}
	size_t i;
	json_t *k;
	json_array_foreach(s == EP_OK ? kpis : NULL, i, k)
	{
		json_t *v = json_object_get(k, "latest"), *b = json_object_get(k, "baseline");
		double a;
		bool ok = json_is_number(v) && ep_kpi_achievement(json_number_value(v), json_number_value(json_object_get(k, "target")),
								 json_is_number(b), json_number_value(b),
								 json_string_value(json_object_get(k, "direction")), &a);
		json_object_set_new(k, "achievement", ok ? json_real(a) : json_null());
		json_object_set_new(k, "met", json_boolean(ok && a >= 1));
	}
	json_t *doc = json_object();
	json_object_set_new(doc, "action", action);
	set_level(doc, &lv);
	json_object_set_new(doc, "rounds", rounds);
	json_object_set_new(doc, "kpis", kpis);
	json_decref(labels);
	json_decref(by_kpi);
	if (s != EP_OK) {
		json_decref(doc);
		return s;
	}
	*out = doc;
	return EP_OK;
}
