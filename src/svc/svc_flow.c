/*
 * The workflows of empact (see svc_res.h): which state each record may move to from where it
 * is, which fields a move takes, and what a move entails, all in one transaction with the move.
 * The OAP and action workflows follow domain.md; a reporting round opens (every action in
 * implementation then owes a report), is compiled and closed, and can be reopened with a
 * reason; a progress report goes from its Action Leader to the Driver, the Support Team, the
 * NEC meeting and COSI.
 */
#include "svc/svc_res.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/time.h"
#include "db/db_monitor.h"
#include "core/banned.h"

struct edge {
	const char *from;
	const char *const to[6];
};

/* The OAP workflow of domain.md; a draft may be sent back before adoption. */
static const struct edge oap_flow[] = {
	{"drafting", {"agreed_at_nec", NULL}},
	{"agreed_at_nec", {"submitted_to_cosi", "drafting", NULL}},
	{"submitted_to_cosi", {"adopted", "drafting", NULL}},
	{"adopted", {"in_implementation", NULL}},
	{"in_implementation", {"final_report", NULL}},
	{"final_report", {"closed", NULL}},
	{"closed", {NULL}},
};

static const struct edge action_flow[] = {
	{"proposed", {"planned", "cancelled", NULL}},
	{"planned", {"ongoing", "cancelled", NULL}},
	{"ongoing", {"completed", "not_completed", "cancelled", "continued", NULL}},
	{"completed", {NULL}},
	{"not_completed", {"continued", NULL}},
	{"cancelled", {NULL}},
	{"continued", {NULL}},
};

static const struct edge round_flow[] = {
	{"planned", {"open", NULL}},
	{"open", {"compiled", NULL}},
	{"compiled", {"closed", "open", NULL}},
	{"closed", {"open", NULL}},
};

static const struct edge report_flow[] = {
	{"requested", {"submitted", NULL}},
	{"draft", {"submitted", NULL}},
	{"submitted", {"returned", "consolidated", NULL}},
	{"returned", {"submitted", NULL}},
	{"consolidated", {"compiled", NULL}},
	{"compiled", {"discussed_at_nec", NULL}},
	{"discussed_at_nec", {"transmitted_to_cosi", NULL}},
	{"transmitted_to_cosi", {NULL}},
};

static const struct edge follow_up_flow[] = {
	{"open", {"resolved", NULL}},
	{"resolved", {NULL}},
};

static const struct edge jad_flow[] = {
	{"planned", {"conducted", "cancelled", NULL}},
	{"conducted", {"results_reported", NULL}},
	{"results_reported", {NULL}},
	{"cancelled", {NULL}},
};

static const struct edge grant_flow[] = {
	{"applied", {"awarded", "rejected", NULL}},
	{"awarded", {"in_progress", NULL}},
	{"in_progress", {"closed", NULL}},
	{"rejected", {NULL}},
	{"closed", {NULL}},
};

static const struct edge practice_flow[] = {
	{"reported", {"shared_with_est", NULL}},
	{"shared_with_est", {"shared_with_necs", NULL}},
	{"shared_with_necs", {NULL}},
};

static const struct edge overlap_flow[] = {
	{"open", {"decided", "dismissed", NULL}},
	{"decided", {NULL}},
	{"dismissed", {NULL}},
};

/* A field a move takes besides "to". */
struct arg {
	const char *name;
	const char *to;   /* the move that takes it; NULL: every move */
	bool required;
	bool integer;     /* an id; otherwise a text */
	size_t max;       /* most bytes of a text */
};

struct flow {
	const char *resource;
	const struct edge *edges;
	size_t nedges;
	struct arg args[3];
};

#define FLOW(res, edges, ...) {res, edges, sizeof edges / sizeof edges[0], {__VA_ARGS__}}

static const struct flow flows[] = {
	FLOW("oaps", oap_flow, {NULL}),
	FLOW("actions", action_flow, {"oap_id", "continued", false, true, 0}, {"number", "continued", false, false, 32}),
	FLOW("reporting-rounds", round_flow, {"reason", "open", false, false, 4096}),
	FLOW("progress-reports", report_flow, {"comment", NULL, false, false, 8192}),
	FLOW("follow-ups", follow_up_flow, {"resolution", "resolved", true, false, 8192}),
	FLOW("jads", jad_flow, {NULL}),
	FLOW("grants", grant_flow, {NULL}),
	FLOW("good-practices", practice_flow, {NULL}),
	FLOW("overlaps", overlap_flow, {"decision", NULL, true, false, 65536}),
};

static const struct flow *flow_of(const ep_resdef *d)
{
	for (size_t i = 0; i < sizeof flows / sizeof flows[0]; i++)
		if (strcmp(flows[i].resource, d->name) == 0)
			return &flows[i];
	return NULL;
}

const char *const *ep_svc_transitions(const ep_resdef *d, const char *state)
{
	const struct flow *f = flow_of(d);
	if (!f)
		return NULL;
	static const char *const none[] = {NULL};
	for (size_t i = 0; i < f->nedges; i++)
		if (state && strcmp(f->edges[i].from, state) == 0)
			return f->edges[i].to;
	return none;
}

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

/* Checks the fields of a move besides "to". */
static void check_args(const struct flow *f, const char *from, const char *to, json_t *args, ep_errs *errs)
{
	const char *k;
	json_t *v;
	json_object_foreach(args, k, v)
	{
		const struct arg *a = NULL;
		for (size_t i = 0; i < 3 && f->args[i].name; i++)
			if (strcmp(f->args[i].name, k) == 0 && (!f->args[i].to || strcmp(f->args[i].to, to) == 0))
				a = &f->args[i];
		char path[80];
		snprintf(path, sizeof path, "$.%.64s", k);
		if (!a) {
			ep_errs_add(errs, EP_E_INVALID, path, "unknown field: moving a %s to %.40s takes no '%.64s'",
				    f->resource, to, k);
			continue;
		}
		if (json_is_null(v))
			continue;
		if (a->integer ? !json_is_integer(v) || json_integer_value(v) <= 0 : !json_is_string(v))
			ep_errs_add(errs, EP_E_INVALID, path, "must be %s", a->integer ? "the id of a record" : "a text");
		else if (!a->integer && strlen(json_string_value(v)) > a->max)
			ep_errs_add(errs, EP_E_INVALID, path, "is longer than %zu bytes", a->max);
	}
	for (size_t i = 0; i < 3 && f->args[i].name; i++) {
		const struct arg *a = &f->args[i];
		bool applies = !a->to || strcmp(a->to, to) == 0;
		json_t *x = json_object_get(args, a->name);
		bool given = x && !json_is_null(x) && (!json_is_string(x) || json_string_value(x)[strspn(json_string_value(x), " \t\r\n")]);
		/* A reopening (a move back to open) needs its reason; a returned report its comment. */
		bool needed = (applies && a->required) ||
			      (strcmp(a->name, "reason") == 0 && strcmp(to, "open") == 0 && strcmp(from, "planned") != 0) ||
			      (strcmp(a->name, "comment") == 0 && strcmp(to, "returned") == 0);
		if (needed && !given) {
			char path[80];
			snprintf(path, sizeof path, "$.%s", a->name);
			ep_errs_add(errs, EP_E_INVALID, path, "is required to move a %s to %.40s", f->resource, to);
		}
	}
}

/* What a move entails, before the state is set: the conditions it depends on. patch gets the
 * columns the move sets besides the state. */
static ep_status before_move(ep_db *db, const ep_resdef *d, json_t *cur, const char *to, json_t *args, json_t *patch,
			     const char *now, ep_errs *errs, ep_err *err)
{
	const char *from = js(cur, "status");
	int64_t id = ji(cur, "id");
	if (strcmp(d->name, "reporting-rounds") == 0 && strcmp(to, "open") == 0) {
		int64_t other;
		ep_status s = ep_db_round_other_open(db, id, &other, err);
		if (s != EP_OK)
			return s;
		if (other) {
			json_t *o = get(db, "reporting-rounds", other);
			s = ep_err_set(err, EP_E_CONFLICT, "to", "round %lld (%s) of the same cycle is open: close it first",
				       (long long)other, o && js(o, "label") ? js(o, "label") : "?");
			json_decref(o);
			return s;
		}
	}
	if (strcmp(d->name, "progress-reports") == 0) {
		char round[16];
		ep_status s = ep_db_report_round_status(db, id, round, err);
		if (s != EP_OK)
			return s;
		bool late = strcmp(to, "discussed_at_nec") == 0 || strcmp(to, "transmitted_to_cosi") == 0;
		if (strcmp(round, "open") != 0 && !(late && strcmp(round, "compiled") == 0))
			return ep_err_set(err, EP_E_CONFLICT, "round_id",
					  "the report's round is %s: %s", round,
					  strcmp(round, "closed") == 0 ? "it is locked; the Support Team may reopen it with a reason"
								       : "its reports move only while it is open");
		if (strcmp(to, "submitted") == 0) {
			const char *n = js(cur, "narrative");
			if (!n || !n[strspn(n, " \t\r\n")])
				ep_errs_add(errs, EP_E_INVALID, "$.narrative", "write the narrative before submitting the report");
			if (!js(cur, "action_status"))
				ep_errs_add(errs, EP_E_INVALID, "$.action_status",
					    "say the action's status (status_unclear if it is not known) before submitting the report");
			if (ep_errs_count(errs))
				return EP_E_INVALID;
			json_object_set_new(patch, "submitted_at", json_string(now));
		}
		if (strcmp(to, "returned") == 0)
			json_object_set(patch, "return_comment", json_object_get(args, "comment"));
	}
	if (strcmp(d->name, "follow-ups") == 0) {
		json_object_set(patch, "resolution", json_object_get(args, "resolution"));
		json_object_set_new(patch, "resolved_at", json_string(now));
	}
	if (strcmp(d->name, "overlaps") == 0)
		json_object_set(patch, "decision", json_object_get(args, "decision"));
	if (strcmp(d->name, "good-practices") == 0) {
		char day[EP_DATE_LEN];
		snprintf(day, sizeof day, "%.10s", now);
		json_object_set_new(patch, strcmp(to, "shared_with_est") == 0 ? "shared_with_est_on" : "shared_with_necs_on",
				    json_string(day));
	}
	if (strcmp(d->name, "actions") == 0 && strcmp(to, "continued") == 0 && ji(args, "oap_id") > 0) {
		json_t *next = get(db, "oaps", ji(args, "oap_id"));
		json_t *oap = get(db, "oaps", ji(cur, "oap_id"));
		ep_status s = EP_OK;
		if (!next)
			ep_errs_add(errs, EP_E_INVALID, "$.oap_id", "there is no OAP %lld", (long long)ji(args, "oap_id"));
		else if (!oap || ji(next, "priority_id") != ji(oap, "priority_id"))
			ep_errs_add(errs, EP_E_INVALID, "$.oap_id", "an action continues in an OAP of its own priority");
		else if (ji(next, "first_year") <= ji(oap, "first_year"))
			ep_errs_add(errs, EP_E_INVALID, "$.oap_id", "an action continues in a later OAP (after %lld)",
				    (long long)ji(oap, "first_year"));
		else if (strcmp(js(next, "status"), "drafting") != 0)
			s = ep_err_set(err, EP_E_CONFLICT, "oap_id",
				       "OAP %lld is %s: an action is carried over into an OAP still being drafted",
				       (long long)ji(next, "id"), js(next, "status"));
		json_decref(next);
		json_decref(oap);
		if (s != EP_OK)
			return s;
		if (ep_errs_count(errs))
			return EP_E_INVALID;
	}
	(void)from;
	return EP_OK;
}

/* What a move entails once the state is set. */
static ep_status after_move(ep_db *db, const ep_actor *who, const ep_resdef *d, json_t *cur, const char *to,
			    json_t *args, const char *now, ep_err *err)
{
	const char *from = js(cur, "status");
	int64_t id = ji(cur, "id");
	const char *actor = who && who->name ? who->name : "system";
	int64_t actor_id = who ? who->user_id : 0;
	ep_status s = EP_OK;
	if (strcmp(d->name, "reporting-rounds") == 0) {
		int64_t n;
		if (strcmp(to, "open") == 0 && strcmp(from, "planned") == 0) {
			const char *label = js(cur, "label");
			int64_t year = label && strlen(label) >= 4 ? strtoll(label, NULL, 10) : 0;
			s = ep_db_round_open_reports(db, id, year, now, &n, err);
		} else if (strcmp(to, "compiled") == 0) {
			s = ep_db_round_compile(db, id, now, actor_id, actor, &n, err);
		}
		return s;
	}
	if (strcmp(d->name, "progress-reports") == 0) {
		s = ep_db_report_event_add(db, id, now, actor_id, actor, from, to, js(args, "comment"), err);
		if (s == EP_OK && strcmp(to, "submitted") == 0) {
			s = ep_db_practices_register(db, id, actor_id, err);
			const char *st = js(cur, "action_status");
			if (s == EP_OK && st && strcmp(st, "status_unclear") == 0)
				s = ep_db_follow_up_open(db, id,
							 "The progress report left the action's status unclear: find out "
							 "where the action stands and record it.",
							 now, err);
		}
		return s;
	}
	if (strcmp(d->name, "actions") == 0 && strcmp(to, "continued") == 0 && ji(args, "oap_id") > 0) {
		int64_t nid;
		return ep_db_action_carry_over(db, id, ji(args, "oap_id"), js(args, "number"), &nid, err);
	}
	return EP_OK;
}

ep_status ep_svc_res_transition(ep_db *db, const ep_actor *who, const ep_resdef *d, int64_t id, int64_t version,
				const char *to, json_t *args, json_t **out, ep_errs *errs, ep_err *err)
{
	const struct flow *f = flow_of(d);
	if (!f)
		return ep_err_set(err, EP_E_NOTFOUND, NULL, "a %s has no workflow", d->singular);
	json_t *cur;
	ep_status s = ep_db_res_get(db, d, id, &cur, err);
	if (s != EP_OK)
		return s;
	char state[64];
	snprintf(state, sizeof state, "%s", js(cur, "status") ? js(cur, "status") : "");
	const char *const *allowed = ep_svc_transitions(d, state);
	bool ok = false;
	char list[256] = "";
	size_t used = 0;
	for (const char *const *a = allowed; *a; a++) {
		ok = ok || strcmp(*a, to) == 0;
		int w = snprintf(list + used, sizeof list - used, "%s%s", used ? ", " : "", *a);
		if (w > 0 && (size_t)w < sizeof list - used)
			used += (size_t)w;
	}
	if (!ok) {
		json_decref(cur);
		return ep_err_set(err, EP_E_CONFLICT, "to", "the %s is %s and cannot move to %.64s; allowed: %s", d->singular,
				  state, to, used ? list : "none (it is final)");
	}
	check_args(f, state, to, args, errs);
	if (ep_errs_count(errs)) {
		json_decref(cur);
		return EP_E_INVALID;
	}
	char now[EP_TIMESTAMP_LEN];
	ep_time_format(ep_time_now(), now);
	json_t *patch = json_object();
	json_object_set_new(patch, "status", json_string(to));
	if ((s = ep_db_begin(db, err)) != EP_OK) {
		json_decref(cur);
		json_decref(patch);
		return s;
	}
	int64_t nv;
	if ((s = before_move(db, d, cur, to, args, patch, now, errs, err)) == EP_OK &&
	    (s = ep_db_res_update(db, d, id, version, patch, &nv, err)) == EP_OK &&
	    (s = after_move(db, who, d, cur, to, args, now, err)) == EP_OK)
		s = ep_db_commit(db, err);
	if (s != EP_OK)
		ep_db_rollback(db);
	json_decref(cur);
	json_decref(patch);
	if (s != EP_OK)
		return s;
	return ep_db_res_get(db, d, id, out, err);
}
