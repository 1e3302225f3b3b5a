/*
 * The monitoring pages: the progress report form of an Action Leader (save a draft, submit)
 * with the Drivers' return and consolidation, the Support Team's reporting rounds (open, ask
 * for missing reports, compile, close), the NEC's participation screen for its country, and
 * the COSI view of adoption decisions and the cross-priority overview.
 */
#include "api/pages.h"

#define str ep_pages_str
#define num ep_pages_num

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/num.h"
#include "view/chart.h"
#include "core/banned.h"

/* The version a form carries (_version), or the current one when it carries none. */
static int64_t form_version(ep_page *p, int64_t current)
{
	int64_t v = ep_page_version(p);
	return v ? v : current;
}

static const char *cents_text(ep_page *p, json_t *v)
{
	return json_is_integer(v) ? ep_arena_printf(p->arena, "%.2f", (double)json_integer_value(v) / 100.0) : "";
}

ep_status ep_page_report(ep_page *p)
{
	int64_t id = p->ids[0];
	ep_call got;
	json_t *r = ep_page_get(p, &got, "/api/v1/progress-reports/%lld", (long long)id);
	if (!r)
		return EP_E_NOTFOUND;
	char target[96];
	snprintf(target, sizeof target, "/api/v1/progress-reports/%lld", (long long)id);
	bool may_write = ep_page_may(p, EP_PATCH, target, NULL);
	json_t *errors = json_object();
	if (p->method == EP_POST) {
		if (!may_write) {
			json_decref(errors);
			return EP_E_NOTFOUND;
		}
		json_t *body = json_object();
		static const char *const texts[] = {"narrative", "problems", "action_status", NULL};
		for (size_t i = 0; texts[i]; i++) {
			const char *v = ep_page_field(p, texts[i]);
			if (v)
				json_object_set_new(body, texts[i], v[0] ? json_string(v) : json_null());
		}
		static const char *const money[] = {"resources_allocated_cents", "resources_used_cents", NULL};
		for (size_t i = 0; money[i]; i++) {
			const char *v = ep_page_field(p, money[i]);
			int64_t c;
			if (!v)
				continue;
			if (!v[0])
				json_object_set_new(body, money[i], json_null());
			else if (ep_pages_euros(v, &c))
				json_object_set_new(body, money[i], json_integer(c));
			else
				json_object_set_new(errors, money[i], json_string("is not an amount in euros (such as 1250.50)"));
		}
		json_t *actuals = json_array();
		size_t i;
		json_t *k;
		json_array_foreach(json_object_get(r, "kpi_actuals"), i, k)
		{
			const char *name = ep_arena_printf(p->arena, "kpi_%lld", (long long)num(k, "kpi_id"));
			const char *v = ep_page_field(p, name);
			if (!v || !v[0])
				continue;
			char *end;
			double x = strtod(v, &end);
			if (*end || !isfinite(x))
				json_object_set_new(errors, name, json_string("is not a number"));
			else
				json_array_append_new(actuals, json_pack("{s:I, s:f}", "kpi_id", num(k, "kpi_id"), "value", x));
		}
		json_object_set_new(body, "kpi_actuals", actuals);
		int64_t version = ep_page_version(p);
		if (!json_object_size(errors)) {
			ep_call c;
			int st = ep_page_send(p, &c, EP_PATCH, target, body, version);
			if (st == 200) {
				json_decref(body);
				json_decref(errors);
				const char *button = ep_page_field(p, "_do");
				if (button && strcmp(button, "submit") == 0) {
					ep_call t;
					json_t *mv = json_pack("{s:s}", "to", "submitted");
					char tt[112];
					snprintf(tt, sizeof tt, "%s/transitions", target);
					int st2 = ep_page_send(p, &t, EP_POST, tt, mv, c.version);
					json_decref(mv);
					if (st2 >= 300) {
						ep_page_get(p, &got, "/api/v1/progress-reports/%lld", (long long)id);
						return ep_pages_refused(p, "The report could not be submitted", 422, ep_arena_printf(p->arena, "Your changes are saved as a draft, but the report could not be submitted: %s", t.err.msg), ep_arena_printf(p->arena, "/progress-reports/%lld", (long long)id));
					}
					return ep_page_redirect(p, "/progress-reports/%lld?done=submitted", (long long)id);
				}
				return ep_page_redirect(p, "/progress-reports/%lld?done=saved", (long long)id);
			}
			ep_page_form_failed(p, &c);
			if (st == 412) {
				json_object_set_new(p->ctx, "conflict", json_pack("{s:s, s:s}", "theirs", str(r, "narrative"), "mine",
										  ep_page_field(p, "narrative") ? ep_page_field(p, "narrative") : ""));
				json_object_set_new(p->ctx, "error_message", json_string("Someone else saved this report after you opened it. Both versions of the narrative are shown; your input is kept in the form. Save again to replace theirs."));
			}
			json_t *e = json_object_get(p->ctx, "errors");
			json_object_update(errors, e);
		} else {
			json_object_set_new(p->ctx, "error_message", json_string("Some fields need fixing: see below."));
			json_object_set(p->ctx, "values", p->form);
			p->status = 422;
		}
		json_decref(body);
	}
	json_object_set_new(p->ctx, "errors", errors);
	json_object_set(p->ctx, "report", r);
	json_object_set_new(p->ctx, "version", json_integer(got.version));
	json_object_set_new(p->ctx, "may_write", json_boolean(may_write));
	json_object_set(p->ctx, "safe_narrative", json_object_get(r, "narrative_html"));
	/* The form's values: the user's input after a failed send, else the report's. */
	json_t *v = json_object();
	json_object_set_new(v, "narrative", json_string(p->form && ep_page_field(p, "narrative") ? ep_page_field(p, "narrative") : str(r, "narrative")));
	json_object_set_new(v, "problems", json_string(p->form && ep_page_field(p, "problems") ? ep_page_field(p, "problems") : str(r, "problems")));
	json_object_set_new(v, "resources_allocated_cents", json_string(p->form && ep_page_field(p, "resources_allocated_cents") ? ep_page_field(p, "resources_allocated_cents") : cents_text(p, json_object_get(r, "resources_allocated_cents"))));
	json_object_set_new(v, "resources_used_cents", json_string(p->form && ep_page_field(p, "resources_used_cents") ? ep_page_field(p, "resources_used_cents") : cents_text(p, json_object_get(r, "resources_used_cents"))));
	json_object_set_new(p->ctx, "v", v);
	static const char *const reported[] = {"planned", "ongoing", "completed", "not_completed", "cancelled", "continued", "status_unclear", NULL};
	const char *cur = p->form && ep_page_field(p, "action_status") ? ep_page_field(p, "action_status") : str(r, "action_status");
	json_t *opts = json_array();
	json_array_append_new(opts, json_pack("{s:s, s:s, s:b}", "value", "", "label", "(not said yet)", "selected", !cur[0]));
	for (size_t i = 0; reported[i]; i++)
		json_array_append_new(opts, json_pack("{s:s, s:s, s:b}", "value", reported[i], "label", reported[i], "selected", strcmp(cur, reported[i]) == 0));
	json_object_set_new(p->ctx, "status_options", opts);
	json_t *kp = json_array();
	size_t i;
	json_t *k;
	json_array_foreach(json_object_get(r, "kpi_actuals"), i, k)
	{
		const char *name = ep_arena_printf(p->arena, "kpi_%lld", (long long)num(k, "kpi_id"));
		json_t *val = json_object_get(k, "value");
		const char *typed = p->form ? ep_page_field(p, name) : NULL;
		json_t *row = json_pack("{s:s, s:s, s:s, s:f}", "name", name, "kpi", str(k, "kpi"), "unit", str(k, "unit"), "target",
					json_number_value(json_object_get(k, "target")));
		json_object_set_new(row, "value", json_string(typed ? typed : json_is_number(val) ? ep_arena_printf(p->arena, "%g", json_number_value(val)) : ""));
		if (json_object_get(errors, name))
			json_object_set(row, "error", json_object_get(errors, name));
		json_array_append_new(kp, row);
	}
	json_object_set_new(p->ctx, "kpis", kp);
	json_t *moves = ep_pages_moves(p, "progress-reports", id, str(r, "status"));
	/* Submitting is the form's own button; the other moves are the Drivers' and the Support Team's. */
	json_t *others = json_array();
	json_array_foreach(moves, i, k) if (strcmp(str(k, "to"), "submitted") != 0) json_array_append(others, k);
	json_decref(moves);
	json_object_set_new(p->ctx, "moves", others);
	json_object_set_new(p->ctx, "move_action", json_string(ep_arena_printf(p->arena, "/progress-reports/%lld/transitions", (long long)id)));
	json_object_set_new(p->ctx, "may_submit", json_boolean(may_write && (strcmp(str(r, "status"), "requested") == 0 || strcmp(str(r, "status"), "draft") == 0 || strcmp(str(r, "status"), "returned") == 0)));
	json_t *a = ep_page_find(p, NULL, "/api/v1/actions/%lld", (long long)num(r, "action_id"));
	json_t *round = ep_page_find(p, NULL, "/api/v1/reporting-rounds/%lld", (long long)num(r, "round_id"));
	json_object_set(p->ctx, "action", a);
	json_object_set(p->ctx, "round", round);
	p->title = ep_arena_printf(p->arena, "Progress report: action %s, round %s", str(a, "number"), str(round, "label"));
	p->tmpl = "report";
	ep_pages_done(p);
	ep_page_crumb(p, "Home", "/");
	if (a)
		ep_page_crumb(p, ep_arena_printf(p->arena, "Action %s", str(a, "number")), "/actions/%lld", (long long)num(a, "id"));
	ep_page_crumb(p, ep_arena_printf(p->arena, "Report %s", str(round, "label")), NULL);
	return EP_OK;
}

ep_status ep_page_rounds(ep_page *p)
{
	json_t *r = ep_page_get(p, NULL, "/api/v1/reporting-rounds?limit=200");
	if (!r)
		return EP_E_NOTFOUND;
	json_object_set(p->ctx, "rounds", json_object_get(r, "items"));
	p->title = "Reporting rounds";
	p->tmpl = "rounds";
	ep_page_crumb(p, "Home", "/");
	ep_page_crumb(p, "Reporting rounds", NULL);
	return EP_OK;
}

/* What a chase did, after its redirect: the counts come from the query as numbers only, so the
 * banner is the page's own text. */
static void chased_message(ep_page *p)
{
	const char *d = ep_pages_param(p, "done"), *rs = ep_pages_param(p, "reminded");
	const char *as = ep_pages_param(p, "asked");
	int64_t n, asked = 0;
	if (!d || strcmp(d, "chased") != 0 || !rs || ep_parse_i64z(rs, 0, 1000000, &n) != EP_OK ||
	    (as && ep_parse_i64z(as, 0, 1000000, &asked) != EP_OK))
		return;
	const char *fresh = "";
	if (asked == 1)
		fresh = " One of them the round lacked and was asked for now.";
	else if (asked > 1)
		fresh = ep_arena_printf(p->arena, " %lld of them the round lacked and were asked for now.",
					(long long)asked);
	const char *m = "Nobody was chased: no report of the round is missing.";
	if (n == 1)
		m = ep_arena_printf(p->arena, "1 missing report chased: its Action Leader was reminded.%s", fresh);
	else if (n > 1)
		m = ep_arena_printf(p->arena, "%lld missing reports chased: their Action Leaders were reminded.%s",
				    (long long)n, fresh);
	json_object_set_new(p->ctx, "done_message", json_string(m));
}

ep_status ep_page_round(ep_page *p)
{
	int64_t id = p->ids[0];
	ep_call got;
	json_t *round = ep_page_get(p, &got, "/api/v1/reporting-rounds/%lld", (long long)id);
	if (!round)
		return EP_E_NOTFOUND;
	json_object_set(p->ctx, "round", round);
	json_object_set_new(p->ctx, "version", json_integer(got.version));
	json_t *missing = ep_page_find(p, NULL, "/api/v1/reporting-rounds/%lld/missing-reports", (long long)id);
	json_object_set(p->ctx, "missing", missing ? json_object_get(missing, "reports") : NULL);
	json_t *reps = ep_page_find(p, NULL, "/api/v1/reporting-rounds/%lld/progress-reports?limit=500", (long long)id);
	json_object_set(p->ctx, "reports", reps ? json_object_get(reps, "items") : NULL);
	ep_pages_name_actions(p, reps ? json_object_get(reps, "items") : NULL);
	json_t *ov = ep_page_find(p, NULL, "/api/v1/reporting-rounds/%lld/overview", (long long)id);
	json_object_set(p->ctx, "overview", ov);
	json_object_set_new(p->ctx, "moves", ep_pages_moves(p, "reporting-rounds", id, str(round, "status")));
	json_object_set_new(p->ctx, "move_action", json_string(ep_arena_printf(p->arena, "/reporting-rounds/%lld/transitions", (long long)id)));
	json_t *body = json_object();
	const char *chase = ep_arena_printf(p->arena, "/api/v1/reporting-rounds/%lld/chase", (long long)id);
	json_object_set_new(p->ctx, "may_chase", json_boolean(ep_page_may(p, EP_POST, chase, body)));
	json_decref(body);
	p->title = ep_arena_printf(p->arena, "Reporting round %s", str(round, "label"));
	p->tmpl = "round";
	ep_pages_done(p);
	chased_message(p);
	ep_page_crumb(p, "Home", "/");
	ep_page_crumb(p, "Reporting rounds", "/reporting-rounds");
	ep_page_crumb(p, str(round, "label"), NULL);
	return EP_OK;
}

/* The Support Team chases the missing reports of the round, with an optional message to the
 * Action Leaders: the API asks for the reports the round lacks and reminds every leader whose
 * report is not yet submitted (POST /api/v1/reporting-rounds/{id}/chase). */
ep_status ep_page_round_chase(ep_page *p)
{
	int64_t id = p->ids[0];
	if (!ep_page_get(p, NULL, "/api/v1/reporting-rounds/%lld", (long long)id))
		return EP_E_NOTFOUND;
	const char *message = ep_page_field(p, "message");
	json_t *body = json_object();
	if (message && message[strspn(message, " \t\r\n")])
		json_object_set_new(body, "message", json_string(message));
	ep_call c;
	const char *target = ep_arena_printf(p->arena, "/api/v1/reporting-rounds/%lld/chase", (long long)id);
	int st = ep_page_send(p, &c, EP_POST, target, body, 0);
	json_decref(body);
	if (st < 300)
		return ep_page_redirect(p, "/reporting-rounds/%lld?done=chased&reminded=%lld&asked=%lld", (long long)id,
					(long long)num(c.data, "reminded"), (long long)num(c.data, "created"));
	if (st == 404 || st == 403 || st == 401)
		return EP_E_NOTFOUND;
	/* A message too long is shown next to its field with what was typed; a round that is not
	 * open (someone compiled it meanwhile) on the page of the round, with the reason. */
	ep_page_form_failed(p, &c);
	bool field = json_object_get(json_object_get(p->ctx, "errors"), "message") != NULL;
	if (!field)
		json_object_del(p->ctx, "errors");
	const char *why = field ? "the message needs fixing, see below." : c.err.msg;
	json_object_set_new(p->ctx, "error_message",
			    json_string(ep_arena_printf(p->arena, "The missing reports were not chased: %s", why)));
	int status = p->status;
	ep_status s = ep_page_round(p);
	p->status = status;
	return s;
}

ep_status ep_page_participation(ep_page *p)
{
	const char *country = p->who->user.org_country;
	json_t *acts = ep_page_get(p, NULL, "/api/v1/actions?limit=500");
	if (!acts)
		return EP_E_NOTFOUND;
	json_t *rows = json_array();
	size_t i;
	json_t *a;
	json_array_foreach(json_object_get(acts, "items"), i, a)
	{
		size_t j;
		json_t *pt;
		json_array_foreach(json_object_get(a, "participants"), j, pt)
		{
			char target[96];
			snprintf(target, sizeof target, "/api/v1/actions/%lld/participants/%lld", (long long)num(a, "id"), (long long)num(pt, "org_id"));
			json_t *body = json_pack("{s:s}", "status", "confirmed");
			bool may = ep_page_may(p, EP_PATCH, target, body);
			json_decref(body);
			if (!may)
				continue;
			json_array_append_new(rows, json_pack("{s:I, s:s, s:s, s:I, s:s, s:s, s:s, s:I}", "action_id", num(a, "id"), "number", str(a, "number"),
							      "title", str(a, "title"), "oap_id", num(a, "oap_id"), "org", str(pt, "org"), "status",
							      str(pt, "status"), "decide_action",
							      ep_arena_printf(p->arena, "/actions/%lld/participants/%lld", (long long)num(a, "id"), (long long)num(pt, "org_id")),
							      "org_id", num(pt, "org_id")));
			json_object_set(json_array_get(rows, json_array_size(rows) - 1), "version", json_object_get(a, "version"));
		}
	}
	json_object_set_new(p->ctx, "rows", rows);
	json_object_set_new(p->ctx, "country", json_string(country));
	p->title = country[0] ? ep_arena_printf(p->arena, "Participation of %s", country) : "Participation";
	p->tmpl = "participation";
	ep_pages_done(p);
	ep_page_crumb(p, "Home", "/");
	ep_page_crumb(p, p->title, NULL);
	return EP_OK;
}

ep_status ep_page_participation_set(ep_page *p)
{
	const char *status = ep_page_field(p, "status"), *back = ep_page_field(p, "back");
	if (!ep_pages_safe_next(back))
		back = "/participation";
	json_t *body = json_pack("{s:s}", "status", status ? status : "");
	char target[96];
	snprintf(target, sizeof target, "/api/v1/actions/%lld/participants/%lld", (long long)p->ids[0], (long long)p->ids[1]);
	ep_call got;
	json_t *a = ep_page_get(p, &got, "/api/v1/actions/%lld", (long long)p->ids[0]);
	if (!a) {
		json_decref(body);
		return EP_E_NOTFOUND;
	}
	ep_call c;
	int st = ep_page_send(p, &c, EP_PATCH, target, body, form_version(p, got.version));
	json_decref(body);
	if (st < 300)
		return ep_page_redirect(p, "%s%sdone=participation", back, strchr(back, '?') ? "&" : "?");
	if (st == 404 || st == 403 || st == 401)
		return EP_E_NOTFOUND;
	return ep_pages_refused(p, "The participation could not be recorded", st, st == 412 ? "Someone else changed this action after you opened the page. Go back, look at it again, and repeat your decision if it still holds." : c.err.msg, back);
}

/* A leader or a participant added on the action's page: POST /actions/{id}/leaders or
 * /actions/{id}/participants with the organisation chosen (and the leader's role). */
ep_status ep_page_link_add(ep_page *p)
{
	bool leader = strstr(p->path, "/leaders") != NULL;
	const char *org = ep_page_field(p, "org_id"), *role = ep_page_field(p, "role");
	int64_t org_id = 0;
	const char *back = ep_arena_printf(p->arena, "/actions/%lld", (long long)p->ids[0]);
	ep_call got;
	json_t *a = ep_page_get(p, &got, "/api/v1/actions/%lld", (long long)p->ids[0]);
	if (!a)
		return EP_E_NOTFOUND;
	int64_t version = form_version(p, got.version);
	ep_call c;
	int st = 422;
	memset(&c, 0, sizeof c);
	if (!org || ep_parse_i64z(org, 1, INT64_MAX, &org_id) != EP_OK) {
		ep_err_set(&c.err, EP_E_INVALID, "org_id", "choose an organisation");
	} else {
		json_t *body = json_pack("{s:I}", "org_id", (json_int_t)org_id);
		if (leader)
			json_object_set_new(body, "role", json_string(role && role[0] ? role : "leader"));
		st = ep_page_send(p, &c, EP_POST, ep_arena_printf(p->arena, "/api/v1/actions/%lld/%s", (long long)p->ids[0], leader ? "leaders" : "participants"), body, version);
		json_decref(body);
		if (st < 300)
			return ep_page_redirect(p, "%s?done=saved", back);
		if (st == 404 || st == 403 || st == 401)
			return EP_E_NOTFOUND;
	}
	return ep_pages_refused(p, leader ? "The leader could not be added" : "The participant could not be added", st, c.err.msg, back);
}

ep_status ep_page_cosi(ep_page *p)
{
	json_t *oaps = ep_page_get(p, NULL, "/api/v1/oaps?limit=500");
	if (!oaps)
		return EP_E_NOTFOUND;
	json_t *waiting = json_array(), *decided = json_array();
	size_t i;
	json_t *o;
	json_array_foreach(json_object_get(oaps, "items"), i, o)
	{
		json_t *row = json_deep_copy(o);
		json_object_set_new(row, "moves", ep_pages_moves(p, "oaps", num(o, "id"), str(o, "status")));
		json_object_set_new(row, "move_action", json_string(ep_arena_printf(p->arena, "/oaps/%lld/transitions", (long long)num(o, "id"))));
		ep_call g;
		if (ep_page_get(p, &g, "/api/v1/oaps/%lld", (long long)num(o, "id")))
			json_object_set_new(row, "version", json_integer(g.version));
		json_array_append_new(strcmp(str(o, "status"), "submitted_to_cosi") == 0 ? waiting : decided, row);
	}
	json_object_set_new(p->ctx, "waiting", waiting);
	json_object_set_new(p->ctx, "decided", decided);
	json_t *rounds = ep_page_find(p, NULL, "/api/v1/reporting-rounds?limit=200");
	json_t *latest = NULL;
	json_array_foreach(rounds ? json_object_get(rounds, "items") : NULL, i, o) if (strcmp(str(o, "status"), "planned") != 0) latest = o;
	if (latest) {
		json_t *ov = ep_page_find(p, NULL, "/api/v1/reporting-rounds/%lld/overview", (long long)num(latest, "id"));
		json_object_set(p->ctx, "overview", ov);
	}
	p->title = "COSI: adoption and overview";
	p->tmpl = "cosi";
	ep_pages_done(p);
	ep_page_crumb(p, "Home", "/");
	ep_page_crumb(p, "COSI", NULL);
	return EP_OK;
}
