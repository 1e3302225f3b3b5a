/*
 * Progress reports, KPI actuals, JAD and grant links and results (see svc_monitor.h).
 */
#include "svc/svc_monitor.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/classif.h"
#include "core/markdown.h"
#include "core/time.h"
#include "db/db_monitor.h"
#include "core/banned.h"

#define MAX_ACTUALS 200
#define MAX_PRACTICES 20
#define MAX_LINKS 500
#define MAX_RESULTS 100
#define NOTE_MAX 4096

static const char *js(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static int64_t ji(json_t *o, const char *k)
{
	return (int64_t)json_integer_value(json_object_get(o, k));
}

static json_t *get(ep_db *db, const char *res, int64_t id)
{
	json_t *o = NULL;
	if (id > 0 && ep_db_res_get(db, ep_resdef_find(res), id, &o, NULL) != EP_OK)
		o = NULL;
	return o;
}

static bool blank(const char *s)
{
	return !s || !s[strspn(s, " \t\r\n")];
}

static const ep_resdef *reports(void)
{
	return ep_resdef_find("progress-reports");
}

ep_status ep_svc_report_get(ep_db *db, int64_t id, json_t **out, ep_err *err)
{
	json_t *r;
	ep_status s = ep_db_res_get(db, reports(), id, &r, err);
	if (s != EP_OK)
		return s;
	if ((s = ep_db_report_embed(db, r, err)) != EP_OK) {
		json_decref(r);
		return s;
	}
	const char *md = js(r, "narrative");
	char *html = md ? ep_markdown_html(md, strlen(md)) : NULL;
	json_object_set_new(r, "narrative_html", html ? json_string(html) : json_null());
	free(html);
	*out = r;
	return EP_OK;
}

/* The year a round's label starts with ("2018-H1"), 0 if none. */
static int64_t label_year(const char *label)
{
	if (!label || strlen(label) < 4)
		return 0;
	int64_t y = 0;
	for (int i = 0; i < 4; i++) {
		if (label[i] < '0' || label[i] > '9')
			return 0;
		y = y * 10 + (label[i] - '0');
	}
	return y;
}

/* Whether action (a record) owes a report in round: nothing in errs if it does. */
static void owes_report(ep_db *db, json_t *round, json_t *action, ep_errs *errs)
{
	json_t *oap = get(db, "oaps", ji(action, "oap_id"));
	json_t *prio = oap ? get(db, "priorities", ji(oap, "priority_id")) : NULL;
	const char *num = js(action, "number");
	const char *st = js(action, "status");
	int64_t year = label_year(js(round, "label"));
	if (json_is_true(json_object_get(action, "archived")))
		ep_errs_add(errs, EP_E_INVALID, "$.action_id", "action %s is archived", num);
	else if (!prio || ji(prio, "cycle_id") != ji(round, "cycle_id"))
		ep_errs_add(errs, EP_E_INVALID, "$.action_id", "action %s is not in the cycle of round %s", num,
			    js(round, "label"));
	else if (strcmp(st, "planned") != 0 && strcmp(st, "ongoing") != 0)
		ep_errs_add(errs, EP_E_INVALID, "$.action_id",
			    "action %s is %s: only planned and ongoing actions report in a round", num, st);
	else if (strcmp(js(oap, "status"), "adopted") != 0 && strcmp(js(oap, "status"), "in_implementation") != 0)
		ep_errs_add(errs, EP_E_INVALID, "$.action_id",
			    "the OAP of action %s is %s: only the actions of an adopted OAP report", num, js(oap, "status"));
	else if (year < ji(oap, "first_year") || year > ji(oap, "last_year"))
		ep_errs_add(errs, EP_E_INVALID, "$.action_id", "the OAP of action %s covers %lld-%lld, not round %s", num,
			    (long long)ji(oap, "first_year"), (long long)ji(oap, "last_year"), js(round, "label"));
	json_decref(oap);
	json_decref(prio);
}

ep_status ep_svc_report_create(ep_db *db, const ep_rules *rules, const ep_actor *who, json_t *body, int64_t *id,
			       ep_errs *errs, ep_err *err)
{
	(void)rules;
	const char *k;
	json_t *v;
	json_object_foreach(body, k, v)
	{
		if (strcmp(k, "round_id") != 0 && strcmp(k, "action_id") != 0)
			ep_errs_add(errs, EP_E_INVALID, "$.body",
				    "a new report takes only round_id and action_id; '%.64s' is written by saving it", k);
	}
	json_t *round = NULL, *action = NULL;
	if (!json_is_integer(json_object_get(body, "round_id")))
		ep_errs_add(errs, EP_E_INVALID, "$.round_id", "is required: the id of a reporting round");
	else if (!(round = get(db, "reporting-rounds", ji(body, "round_id"))))
		ep_errs_add(errs, EP_E_INVALID, "$.round_id", "there is no reporting round %lld", (long long)ji(body, "round_id"));
	if (!json_is_integer(json_object_get(body, "action_id")))
		ep_errs_add(errs, EP_E_INVALID, "$.action_id", "is required: the id of an operational action");
	else if (!(action = get(db, "actions", ji(body, "action_id"))))
		ep_errs_add(errs, EP_E_INVALID, "$.action_id", "there is no operational action %lld",
			    (long long)ji(body, "action_id"));
	ep_status s = EP_OK;
	if (round && action && !ep_errs_count(errs)) {
		if (strcmp(js(round, "status"), "open") != 0)
			s = ep_err_set(err, EP_E_CONFLICT, "round_id", "round %s is %s: reports are asked for while it is open",
				       js(round, "label"), js(round, "status"));
		else
			owes_report(db, round, action, errs);
	}
	if (s == EP_OK && ep_errs_count(errs))
		s = EP_E_INVALID;
	if (s == EP_OK) {
		char now[EP_TIMESTAMP_LEN];
		ep_time_format(ep_time_now(), now);
		json_t *row = json_pack("{s:I, s:I, s:s, s:O, s:O, s:s}", "round_id", (json_int_t)ji(round, "id"), "action_id",
					(json_int_t)ji(action, "id"), "status", "requested", "classification",
					json_object_get(action, "classification"), "marking", json_object_get(action, "marking"),
					"updated_at", now);
		s = ep_db_res_insert(db, reports(), row, id, err);
		json_decref(row);
		if (s == EP_E_CONFLICT)
			ep_err_set(err, EP_E_CONFLICT, "action_id", "action %s already has a report in round %s",
				   js(action, "number"), js(round, "label"));
		if (s == EP_OK)
			s = ep_db_report_event_add(db, *id, now, who ? who->user_id : 0, who && who->name ? who->name : "system",
						   "requested", "requested", "asked for after the round opened", err);
	}
	json_decref(round);
	json_decref(action);
	return s;
}

#define CHASE_MESSAGE_MAX 2000

/* The characters of a UTF-8 text (jansson holds only valid UTF-8): its bytes that start one. */
static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* The Leaders of the reports chased, each once: [{leader, leader_country, reports, created}]. */
static json_t *by_leader(json_t *rows)
{
	json_t *out = json_array(), *seen = json_object();
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r)
	{
		const char *key = js(r, "leader") ? js(r, "leader") : "";
		json_t *l = json_object_get(seen, key);
		if (!l) {
			l = json_pack("{s:O, s:O, s:i, s:i}", "leader", json_object_get(r, "leader"), "leader_country",
				      json_object_get(r, "leader_country"), "reports", 0, "created", 0);
			json_array_append_new(out, l);
			json_object_set(seen, key, l);
		}
		json_object_set_new(l, "reports", json_integer(ji(l, "reports") + 1));
		if (json_is_true(json_object_get(r, "created")))
			json_object_set_new(l, "created", json_integer(ji(l, "created") + 1));
	}
	json_decref(seen);
	return out;
}

ep_status ep_svc_round_chase(ep_db *db, const ep_vis *vis, const ep_actor *who, int64_t round_id, json_t *body,
			     json_t **out, int64_t *asked, ep_errs *errs, ep_err *err)
{
	const char *k;
	json_t *v;
	json_object_foreach(body, k, v)
	{
		if (strcmp(k, "message") != 0)
			ep_errs_add(errs, EP_E_INVALID, "$.body", "unknown field '%.64s': a chase takes only a message",
				    k);
	}
	json_t *m = json_object_get(body, "message");
	const char *message = json_is_string(m) && !blank(json_string_value(m)) ? json_string_value(m) : NULL;
	if (m && !json_is_null(m) && !json_is_string(m))
		ep_errs_add(errs, EP_E_INVALID, "$.message", "the message must be a text (or null for none)");
	else if (message && utf8_chars(message) > CHASE_MESSAGE_MAX)
		ep_errs_add(errs, EP_E_INVALID, "$.message",
			    "the message is %zu characters long; it may have at most %d", utf8_chars(message),
			    CHASE_MESSAGE_MAX);
	json_t *round = get(db, "reporting-rounds", round_id);
	if (!round)
		return ep_err_set(err, EP_E_NOTFOUND, NULL, "no reporting round %lld", (long long)round_id);
	/* Reports are written, and so chased, only while their round is open. */
	const char *st = js(round, "status");
	const char *hint = strcmp(st, "planned") == 0 ? " (opening it asks for them)"
			   : strcmp(st, "closed") == 0 ? " (a closed round is locked; it may be reopened with a reason)"
						       : "";
	if (!ep_errs_count(errs) && strcmp(st, "open") != 0)
		ep_errs_add(errs, EP_E_INVALID, "status",
			    "round %s is %s: missing reports are chased while the round is open%s", js(round, "label"),
			    st, hint);
	if (ep_errs_count(errs)) {
		json_decref(round);
		return EP_E_INVALID;
	}
	char now[EP_TIMESTAMP_LEN];
	ep_time_format(ep_time_now(), now);
	const char *actor = who && who->name ? who->name : "system";
	int64_t report_mark = 0, reminder_mark = 0, created = 0, reminded = 0;
	int cls = 0, mark = 0;
	json_t *rows = NULL;
	ep_status s = ep_db_begin(db, err);
	if (s != EP_OK) {
		json_decref(round);
		return s;
	}
	/* The reports the round lacks are asked for exactly as opening the round asks for them. */
	int64_t year = label_year(js(round, "label")), actor_id = who ? who->user_id : 0;
	if ((s = ep_db_chase_marks(db, &report_mark, &reminder_mark, err)) == EP_OK &&
	    (s = ep_db_round_open_reports(db, round_id, year, now, &created, err)) == EP_OK &&
	    (s = ep_db_round_remind(db, vis, round_id, now, actor_id, actor, message, &reminded, err)) == EP_OK &&
	    (s = ep_db_round_reminded(db, round_id, reminder_mark, report_mark, &rows, &cls, &mark, err)) == EP_OK)
		s = ep_db_commit(db, err);
	if (s != EP_OK) {
		ep_db_rollback(db);
		json_decref(rows);
		json_decref(round);
		return s;
	}
	json_int_t fresh = 0;
	size_t i;
	json_array_foreach(rows, i, v) fresh += json_is_true(json_object_get(v, "created"));
	json_t *doc = json_pack("{s:{s:I, s:s, s:s, s:O?}, s:s, s:s, s:s?, s:I, s:I, s:s, s:s}", "round", "id",
				(json_int_t)round_id, "label", js(round, "label"), "status", js(round, "status"),
				"closes_on", json_object_get(round, "closes_on"), "sent_at", now, "sent_by", actor,
				"message", message, "reminded", (json_int_t)json_array_size(rows), "created", fresh,
				"classification", ep_class_token((ep_class)cls), "marking",
				ep_marking_token((ep_marking)mark));
	json_object_set_new(doc, "by_leader", by_leader(rows));
	json_object_set_new(doc, "reports", rows);
	json_decref(round);
	if (asked)
		*asked = created;
	*out = doc;
	return EP_OK;
}

/* The sign rule: a KPI counts or measures something, so its actual is not negative unless its
 * baseline or target is. */
static bool sign_ok(json_t *kpi, double v)
{
	json_t *b = json_object_get(kpi, "baseline"), *t = json_object_get(kpi, "target");
	return v >= 0 || (json_is_number(b) && json_number_value(b) < 0) || (json_is_number(t) && json_number_value(t) < 0);
}

static bool same_unit(const char *a, const char *b)
{
	if (!a || !b)
		return !a && !b;
	return strcasecmp(a, b) == 0;
}

/* Checks kpi_actuals of a report of action_id. */
static void check_actuals(ep_db *db, int64_t action_id, json_t *actuals, ep_errs *errs)
{
	if (!json_is_array(actuals)) {
		ep_errs_add(errs, EP_E_INVALID, "$.kpi_actuals", "must be a list of {\"kpi_id\", \"value\", \"unit\", \"note\"}");
		return;
	}
	if (json_array_size(actuals) > MAX_ACTUALS) {
		ep_errs_add(errs, EP_E_INVALID, "$.kpi_actuals", "holds more than %d actuals", MAX_ACTUALS);
		return;
	}
	size_t i;
	json_t *a;
	json_array_foreach(actuals, i, a)
	{
		char path[64], pk[80], pv[80], pu[80], pn[80];
		snprintf(path, sizeof path, "$.kpi_actuals[%zu]", i);
		snprintf(pk, sizeof pk, "%s.kpi_id", path);
		snprintf(pv, sizeof pv, "%s.value", path);
		snprintf(pu, sizeof pu, "%s.unit", path);
		snprintf(pn, sizeof pn, "%s.note", path);
		if (!json_is_object(a)) {
			ep_errs_add(errs, EP_E_INVALID, path, "must be an object {\"kpi_id\", \"value\", \"unit\", \"note\"}");
			continue;
		}
		const char *k;
		json_t *v;
		json_object_foreach(a, k, v)
		{
			if (strcmp(k, "kpi_id") && strcmp(k, "value") && strcmp(k, "unit") && strcmp(k, "note") && strcmp(k, "kpi"))
				ep_errs_add(errs, EP_E_INVALID, path, "unknown field '%.64s' in a KPI actual", k);
		}
		json_t *kid = json_object_get(a, "kpi_id"), *val = json_object_get(a, "value");
		json_t *unit = json_object_get(a, "unit"), *note = json_object_get(a, "note");
		json_t *kpi = json_is_integer(kid) ? get(db, "kpis", (int64_t)json_integer_value(kid)) : NULL;
		if (!json_is_integer(kid))
			ep_errs_add(errs, EP_E_INVALID, pk, "kpi_id is required: the id of a KPI of the action");
		else if (!kpi || ji(kpi, "action_id") != action_id)
			ep_errs_add(errs, EP_E_INVALID, pk, "KPI %lld does not measure the action of this report",
				    (long long)json_integer_value(kid));
		if (!val)
			ep_errs_add(errs, EP_E_INVALID, pv, "value is required (null removes the actual)");
		else if (!json_is_null(val) && (!json_is_number(val) || !isfinite(json_number_value(val))))
			ep_errs_add(errs, EP_E_INVALID, pv, "value must be a number");
		else if (kpi && json_is_number(val) && !sign_ok(kpi, json_number_value(val)))
			ep_errs_add(errs, EP_E_INVALID, pv, "value %g is negative: KPI '%s' counts in %s and cannot go below zero",
				    json_number_value(val), js(kpi, "name"), js(kpi, "unit") ? js(kpi, "unit") : "units");
		if (unit && !json_is_null(unit) && !json_is_string(unit))
			ep_errs_add(errs, EP_E_INVALID, pu, "unit must be a text");
		else if (kpi && json_is_string(unit) && !same_unit(json_string_value(unit), js(kpi, "unit")))
			ep_errs_add(errs, EP_E_INVALID, pu, "unit: KPI '%s' is measured in %s%s%s, not '%.64s'", js(kpi, "name"),
				    js(kpi, "unit") ? "'" : "", js(kpi, "unit") ? js(kpi, "unit") : "no unit",
				    js(kpi, "unit") ? "'" : "", json_string_value(unit));
		if (note && !json_is_null(note) && (!json_is_string(note) || strlen(json_string_value(note)) > NOTE_MAX))
			ep_errs_add(errs, EP_E_INVALID, pn, "note must be a text of at most %d bytes", NOTE_MAX);
		for (size_t j = 0; j < i && json_is_integer(kid); j++)
			if (json_equal(json_object_get(json_array_get(actuals, j), "kpi_id"), kid))
				ep_errs_add(errs, EP_E_INVALID, pk, "KPI %lld is given twice", (long long)json_integer_value(kid));
		json_decref(kpi);
	}
}

static void check_practices(json_t *practices, ep_errs *errs)
{
	if (!json_is_array(practices)) {
		ep_errs_add(errs, EP_E_INVALID, "$.practices", "must be a list of {\"kind\", \"title\", \"text\"}");
		return;
	}
	if (json_array_size(practices) > MAX_PRACTICES) {
		ep_errs_add(errs, EP_E_INVALID, "$.practices", "holds more than %d practices", MAX_PRACTICES);
		return;
	}
	size_t i;
	json_t *p;
	json_array_foreach(practices, i, p)
	{
		char path[64];
		snprintf(path, sizeof path, "$.practices[%zu]", i);
		if (!json_is_object(p)) {
			ep_errs_add(errs, EP_E_INVALID, path, "must be an object {\"kind\", \"title\", \"text\"}");
			continue;
		}
		const char *k;
		json_t *v;
		json_object_foreach(p, k, v)
		{
			if (strcmp(k, "kind") && strcmp(k, "title") && strcmp(k, "text"))
				ep_errs_add(errs, EP_E_INVALID, path, "unknown field '%.64s' in a practice", k);
		}
		const char *kind = js(p, "kind"), *title = js(p, "title"), *text = js(p, "text");
		if (!kind || (strcmp(kind, "good") != 0 && strcmp(kind, "bad") != 0))
			ep_errs_add(errs, EP_E_INVALID, path, "kind must be good or bad");
		if (blank(title) || strlen(title) > 1024)
			ep_errs_add(errs, EP_E_INVALID, path, "title is required, at most 1024 bytes");
		if (blank(text) || strlen(text) > 65536)
			ep_errs_add(errs, EP_E_INVALID, path, "text is required, at most 65536 bytes");
	}
}

static bool editable(const char *st)
{
	return strcmp(st, "requested") == 0 || strcmp(st, "draft") == 0 || strcmp(st, "returned") == 0;
}

ep_status ep_svc_report_update(ep_db *db, const ep_rules *rules, const ep_actor *who, int64_t id, int64_t version,
			       json_t *body, ep_errs *errs, ep_err *err)
{
	const ep_resdef *d = reports();
	json_t *cur;
	ep_status s = ep_db_res_get(db, d, id, &cur, err);
	if (s != EP_OK)
		return s;
	char st[32], round[16];
	snprintf(st, sizeof st, "%s", js(cur, "status"));
	int64_t action_id = ji(cur, "action_id"), round_id = ji(cur, "round_id");
	json_decref(cur);
	if (!editable(st))
		return ep_err_set(err, EP_E_CONFLICT, "status",
				  "the report is %s: it changes only when the Driver returns it for revision", st);
	if ((s = ep_db_report_round_status(db, id, round, err)) != EP_OK)
		return s;
	if (strcmp(round, "open") != 0)
		return ep_err_set(err, EP_E_CONFLICT, "round_id", "the report's round is %s: reports change only while it is open",
				  round);
	json_t *actuals = json_object_get(body, "kpi_actuals"), *practices = json_object_get(body, "practices");
	if (actuals)
		check_actuals(db, action_id, actuals, errs);
	if (practices && !json_is_null(practices))
		check_practices(practices, errs);
	json_t *fields = json_deep_copy(body);
	json_object_del(fields, "kpi_actuals");
	json_object_del(fields, "practices");
	if (json_object_size(fields) == 0 && !actuals && !practices) {
		json_decref(fields);
		return ep_err_set(err, EP_E_INVALID, NULL, "the change is empty: send the fields to change");
	}
	int64_t nv;
	if ((s = ep_db_begin(db, err)) != EP_OK) {
		json_decref(fields);
		return s;
	}
	if (json_object_size(fields)) {
		json_t *out = NULL;
		s = ep_svc_res_update(db, rules, d, id, version, fields, &out, errs, err);
		json_decref(out);
	} else {
		s = ep_errs_count(errs) ? EP_E_INVALID : ep_db_res_touch(db, d, id, version, &nv, err);
	}
	json_decref(fields);
	if (s == EP_OK && ep_errs_count(errs))
		s = EP_E_INVALID;
	char now[EP_TIMESTAMP_LEN];
	ep_time_format(ep_time_now(), now);
	size_t i;
	json_t *a;
	json_array_foreach(s == EP_OK ? actuals : NULL, i, a)
	{
		json_t *val = json_object_get(a, "value");
		double dv = json_is_number(val) ? json_number_value(val) : 0;
		s = ep_db_kpi_actual_set(db, ji(a, "kpi_id"), round_id, id, json_is_number(val) ? &dv : NULL, js(a, "note"), err);
		if (s != EP_OK)
			break;
	}
	if (s == EP_OK && practices) {
		char *text = json_is_array(practices) && json_array_size(practices) ? json_dumps(practices, JSON_COMPACT) : NULL;
		s = ep_db_report_practices_set(db, id, text, err);
		free(text);
	}
	if (s == EP_OK) {
		json_t *meta = json_pack("{s:s, s:s}", "status", strcmp(st, "requested") == 0 ? "draft" : st, "updated_at", now);
		if (who && who->user_id)
			json_object_set_new(meta, "author_id", json_integer(who->user_id));
		s = ep_db_report_saved(db, id, meta, err);
		json_decref(meta);
	}
	if (s == EP_OK && strcmp(st, "requested") == 0)
		s = ep_db_report_event_add(db, id, now, who ? who->user_id : 0, who && who->name ? who->name : "system",
					   "requested", "draft", NULL, err);
	if (s == EP_OK)
		return ep_db_commit(db, err);
	ep_db_rollback(db);
	return s;
}

/* The cycle a KPI of an OAP, a goal or a shared goal belongs to, 0 if none. */
static int64_t kpi_cycle(ep_db *db, json_t *kpi)
{
	int64_t prio = 0, cycle = 0;
	json_t *o;
	if (ji(kpi, "oap_id") && (o = get(db, "oaps", ji(kpi, "oap_id")))) {
		prio = ji(o, "priority_id");
		json_decref(o);
	} else if (ji(kpi, "goal_id") && (o = get(db, "goals", ji(kpi, "goal_id")))) {
		prio = ji(o, "priority_id");
		json_decref(o);
	} else if (ji(kpi, "shared_goal_id") && (o = get(db, "shared-goals", ji(kpi, "shared_goal_id")))) {
		cycle = ji(o, "cycle_id");
		json_decref(o);
	}
	if (prio && (o = get(db, "priorities", prio))) {
		cycle = ji(o, "cycle_id");
		json_decref(o);
	}
	return cycle;
}

ep_status ep_svc_kpi_actual_put(ep_db *db, int64_t kpi_id, int64_t round_id, json_t *body, ep_errs *errs, ep_err *err)
{
	json_t *kpi = get(db, "kpis", kpi_id);
	if (!kpi)
		return ep_err_set(err, EP_E_NOTFOUND, NULL, "no KPI %lld", (long long)kpi_id);
	json_t *round = get(db, "reporting-rounds", round_id);
	ep_status s = EP_OK;
	int64_t feeders = 0;
	if (!round)
		s = ep_err_set(err, EP_E_NOTFOUND, NULL, "no reporting round %lld", (long long)round_id);
	else if (ji(kpi, "action_id"))
		s = ep_err_set(err, EP_E_CONFLICT, "kpi_id",
			       "KPI '%s' measures an action: its actuals come from the action's progress report", js(kpi, "name"));
	else if ((s = ep_db_kpi_feeders(db, kpi_id, &feeders, err)) == EP_OK && feeders > 0)
		s = ep_err_set(err, EP_E_CONFLICT, "kpi_id",
			       "KPI '%s' is fed by %lld action KPI%s: its value is computed from theirs", js(kpi, "name"),
			       (long long)feeders, feeders == 1 ? "" : "s");
	else if (kpi_cycle(db, kpi) != ji(round, "cycle_id"))
		s = ep_err_set(err, EP_E_CONFLICT, "round_id", "round %s is not of the cycle of KPI '%s'", js(round, "label"),
			       js(kpi, "name"));
	else if (strcmp(js(round, "status"), "open") != 0 && strcmp(js(round, "status"), "compiled") != 0)
		s = ep_err_set(err, EP_E_CONFLICT, "round_id", "round %s is %s: actuals are recorded while it is open",
			       js(round, "label"), js(round, "status"));
	if (s == EP_OK) {
		const char *k;
		json_t *v;
		json_object_foreach(body, k, v)
		{
			if (strcmp(k, "value") != 0 && strcmp(k, "note") != 0)
				ep_errs_add(errs, EP_E_INVALID, "$.body", "unknown field '%.64s': an actual has value and note", k);
		}
		json_t *val = json_object_get(body, "value"), *note = json_object_get(body, "note");
		if (!val)
			ep_errs_add(errs, EP_E_INVALID, "$.value", "is required (null removes the actual)");
		else if (!json_is_null(val) && (!json_is_number(val) || !isfinite(json_number_value(val))))
			ep_errs_add(errs, EP_E_INVALID, "$.value", "must be a number");
		else if (json_is_number(val) && !sign_ok(kpi, json_number_value(val)))
			ep_errs_add(errs, EP_E_INVALID, "$.value", "is negative: KPI '%s' cannot go below zero", js(kpi, "name"));
		if (note && !json_is_null(note) && (!json_is_string(note) || strlen(json_string_value(note)) > NOTE_MAX))
			ep_errs_add(errs, EP_E_INVALID, "$.note", "must be a text of at most %d bytes", NOTE_MAX);
		if (ep_errs_count(errs)) {
			s = EP_E_INVALID;
		} else {
			double dv = json_is_number(val) ? json_number_value(val) : 0;
			s = ep_db_kpi_actual_set(db, kpi_id, round_id, 0, json_is_number(val) ? &dv : NULL, js(body, "note"), err);
		}
	}
	json_decref(kpi);
	json_decref(round);
	return s;
}

struct linkspec {
	const char *resource, *key, *ref;
	ep_mlink kind;
};

static const struct linkspec linkspecs[] = {
	{"jads", "participants", "organisations", EP_ML_JAD_PARTICIPANTS},
	{"jads", "actions", "actions", EP_ML_JAD_ACTIONS},
	{"jads", "priorities", "priorities", EP_ML_JAD_PRIORITIES},
	{"grants", "beneficiaries", "organisations", EP_ML_GRANT_BENEFICIARIES},
	{"grants", "actions", "actions", EP_ML_GRANT_ACTIONS},
};

static const struct linkspec *linkspec(const char *resource, const char *key)
{
	for (size_t i = 0; i < sizeof linkspecs / sizeof linkspecs[0]; i++)
		if (strcmp(linkspecs[i].resource, resource) == 0 && strcmp(linkspecs[i].key, key) == 0)
			return &linkspecs[i];
	return NULL;
}

ep_status ep_svc_links_put(ep_db *db, const ep_vis *vis, const char *resource, int64_t id, int64_t version,
			   json_t *body, ep_errs *errs, ep_err *err)
{
	const char *k;
	json_t *v;
	json_object_foreach(body, k, v)
	{
		char path[80];
		snprintf(path, sizeof path, "$.%.64s", k);
		const struct linkspec *ls = linkspec(resource, k);
		if (!ls) {
			ep_errs_add(errs, EP_E_INVALID, path, "unknown field: the links of %s are %s", resource,
				    strcmp(resource, "jads") == 0 ? "participants, actions and priorities" : "beneficiaries and actions");
			continue;
		}
		if (!json_is_array(v) || json_array_size(v) > MAX_LINKS) {
			ep_errs_add(errs, EP_E_INVALID, path, "must be a list of at most %d ids", MAX_LINKS);
			continue;
		}
		const ep_resdef *rd = ep_resdef_find(ls->ref);
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x)
		{
			ep_scope sc;
			if (!json_is_integer(x) || json_integer_value(x) <= 0)
				ep_errs_add(errs, EP_E_INVALID, path, "item %zu is not the id of a record", i);
			else if (ep_db_res_scope(db, rd, (int64_t)json_integer_value(x), vis, &sc, NULL) != EP_OK)
				ep_errs_add(errs, EP_E_INVALID, path, "there is no %s %lld", rd->singular,
					    (long long)json_integer_value(x));
		}
	}
	if (json_object_size(body) == 0)
		return ep_err_set(err, EP_E_INVALID, NULL, "the change is empty: send the links to set");
	if (ep_errs_count(errs))
		return EP_E_INVALID;
	const ep_resdef *d = ep_resdef_find(resource);
	int64_t nv;
	ep_status s = ep_db_begin(db, err);
	if (s != EP_OK)
		return s;
	s = ep_db_res_touch(db, d, id, version, &nv, err);
	json_object_foreach(body, k, v)
	{
		if (s != EP_OK)
			break;
		s = ep_db_mlinks_replace(db, linkspec(resource, k)->kind, id, v, err);
	}
	if (s == EP_OK)
		return ep_db_commit(db, err);
	ep_db_rollback(db);
	return s;
}

static bool metric_ok(const char *m)
{
	size_t n = m ? strlen(m) : 0;
	if (n == 0 || n > 64 || m[0] < 'a' || m[0] > 'z')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((m[i] >= 'a' && m[i] <= 'z') || (m[i] >= '0' && m[i] <= '9') || m[i] == '_'))
			return false;
	return true;
}

ep_status ep_svc_jad_results_put(ep_db *db, int64_t id, int64_t version, json_t *body, ep_errs *errs, ep_err *err)
{
	json_t *jad = get(db, "jads", id);
	if (!jad)
		return ep_err_set(err, EP_E_NOTFOUND, NULL, "no Joint Action Day %lld", (long long)id);
	char st[32];
	snprintf(st, sizeof st, "%s", js(jad, "status"));
	json_decref(jad);
	if (strcmp(st, "conducted") != 0 && strcmp(st, "results_reported") != 0)
		return ep_err_set(err, EP_E_CONFLICT, "status", "the Joint Action Day is %s: its results are recorded once it is conducted",
				  st);
	const char *k;
	json_t *v;
	json_object_foreach(body, k, v)
	{
		if (strcmp(k, "results") != 0)
			ep_errs_add(errs, EP_E_INVALID, "$.body", "unknown field '%.64s': send {\"results\": [...]}", k);
	}
	json_t *results = json_object_get(body, "results");
	if (!json_is_array(results) || json_array_size(results) > MAX_RESULTS) {
		ep_errs_add(errs, EP_E_INVALID, "$.results", "must be a list of at most %d {\"metric\", \"value\", \"unit\"}",
			    MAX_RESULTS);
		return EP_E_INVALID;
	}
	size_t i;
	json_t *r;
	json_array_foreach(results, i, r)
	{
		char path[64];
		snprintf(path, sizeof path, "$.results[%zu]", i);
		json_t *val = json_object_get(r, "value"), *unit = json_object_get(r, "unit");
		if (!json_is_object(r)) {
			ep_errs_add(errs, EP_E_INVALID, path, "must be an object {\"metric\", \"value\", \"unit\"}");
			continue;
		}
		json_object_foreach(r, k, v)
		{
			if (strcmp(k, "metric") && strcmp(k, "value") && strcmp(k, "unit"))
				ep_errs_add(errs, EP_E_INVALID, path, "unknown field '%.64s' in a result", k);
		}
		if (!metric_ok(js(r, "metric")))
			ep_errs_add(errs, EP_E_INVALID, path,
				    "metric must be a lower-case word of letters, digits and _ (arrests, victims_identified)");
		if (!json_is_number(val) || !isfinite(json_number_value(val)) || json_number_value(val) < 0)
			ep_errs_add(errs, EP_E_INVALID, path, "value must be a number, not negative");
		if (unit && !json_is_null(unit) && (!json_is_string(unit) || strlen(json_string_value(unit)) > 64))
			ep_errs_add(errs, EP_E_INVALID, path, "unit must be a text of at most 64 bytes");
		for (size_t j = 0; j < i && js(r, "metric"); j++) {
			const char *m = js(json_array_get(results, j), "metric");
			if (m && strcmp(m, js(r, "metric")) == 0)
				ep_errs_add(errs, EP_E_INVALID, path, "metric %.64s is given twice", m);
		}
	}
	if (ep_errs_count(errs))
		return EP_E_INVALID;
	int64_t nv;
	ep_status s = ep_db_begin(db, err);
	if (s != EP_OK)
		return s;
	if ((s = ep_db_res_touch(db, ep_resdef_find("jads"), id, version, &nv, err)) == EP_OK &&
	    (s = ep_db_jad_results_replace(db, id, results, err)) == EP_OK)
		return ep_db_commit(db, err);
	ep_db_rollback(db);
	return s;
}

ep_status ep_svc_links_embed(ep_db *db, const char *resource, json_t *record, ep_err *err)
{
	int64_t id = ji(record, "id");
	ep_status s = EP_OK;
	for (size_t i = 0; s == EP_OK && i < sizeof linkspecs / sizeof linkspecs[0]; i++) {
		if (strcmp(linkspecs[i].resource, resource) != 0)
			continue;
		json_t *ids;
		if ((s = ep_db_mlinks(db, linkspecs[i].kind, id, &ids, err)) == EP_OK)
			json_object_set_new(record, linkspecs[i].key, ids);
	}
	if (s == EP_OK && strcmp(resource, "jads") == 0) {
		json_t *results;
		if ((s = ep_db_jad_results(db, id, &results, err)) == EP_OK)
			json_object_set_new(record, "results", results);
	}
	return s;
}
