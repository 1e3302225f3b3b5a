/*
 * The pages of the plan: the home page of each user, the cycles with their priorities and
 * goals, the Operational Action Plan with its sections, annex table, workflow and history,
 * and the operational action with its leaders, participants, goals, cross-references, KPIs
 * (charted over the reporting rounds), reports and history.
 */
#include "api/pages.h"

#define str ep_pages_str
#define num ep_pages_num

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/num.h"
#include "core/time.h"
#include "view/chart.h"
#include "core/banned.h"

/* The audit records of an object, for its history, when the user may read the audit trail. */
static void history(ep_page *p, const char *kind, int64_t id)
{
	json_t *a = ep_page_find(p, NULL, "/api/v1/audit?object_kind=%s&object_id=%lld&limit=20", kind, (long long)id);
	json_t *items = json_array();
	size_t i;
	json_t *r;
	json_array_foreach(a ? json_object_get(a, "items") : NULL, i, r)
	{
		if (strcmp(str(r, "action"), "read") == 0)
			continue;
		json_array_append(items, r);
	}
	json_object_set_new(p->ctx, "history", items);
	json_object_set_new(p->ctx, "history_shown", json_boolean(a != NULL));
}

/* Puts an SVG chart drawn by fill into ctx[key] (a safe_ key: the chart escapes its text). */
static void chart_put(ep_page *p, const char *key, ep_buf *b, ep_status s)
{
	if (s == EP_OK)
		json_object_set_new(p->ctx, key, json_string(ep_buf_str(b)));
	ep_buf_release(b);
}

/* ---- home ---- */

/* "Adopt or Return to drafting": the moves a decision offers. */
static const char *moves_text(ep_page *p, json_t *moves)
{
	const char *t = "";
	size_t i;
	json_t *m;
	json_array_foreach(moves, i, m) t = ep_arena_printf(p->arena, "%s%s%s", t, i ? " or " : "", str(m, "label"));
	return t;
}

/* Starts the report of an action for an open round the round did not ask it for. */
ep_status ep_page_report_ask(ep_page *p)
{
	const char *r = ep_page_field(p, "round_id");
	int64_t round = 0;
	if (!r || ep_parse_i64z(r, 1, INT64_MAX, &round) != EP_OK)
		return EP_E_NOTFOUND;
	if (!ep_page_get(p, NULL, "/api/v1/actions/%lld", (long long)p->ids[0]))
		return EP_E_NOTFOUND;
	json_t *body = json_pack("{s:I, s:I}", "round_id", (json_int_t)round, "action_id", (json_int_t)p->ids[0]);
	ep_call c;
	int st = ep_page_send(p, &c, EP_POST, "/api/v1/progress-reports", body, 0);
	json_decref(body);
	if (st < 300) {
		const char *slash = strrchr(c.location, '/');
		return ep_page_redirect(p, "/progress-reports/%s", slash ? slash + 1 : "");
	}
	if (st == 404 || st == 403 || st == 401)
		return EP_E_NOTFOUND;
	return ep_pages_refused(p, "The report could not be started", st, c.err.msg, ep_arena_printf(p->arena, "/actions/%lld", (long long)p->ids[0]));
}

static bool led_by(json_t *action, const char *org)
{
	if (!org[0])
		return false;
	if (strcmp(str(json_object_get(action, "leader"), "org"), org) == 0)
		return true;
	size_t i;
	json_t *c;
	json_array_foreach(json_object_get(action, "co_leaders"), i, c) if (strcmp(str(c, "org"), org) == 0) return true;
	return false;
}

/* When the Support Team last chased each report due, how often, and its last message: from the
 * missing reports of each round the reports belong to (one call per round, not per report). */
static void chased(ep_page *p, json_t *due)
{
	json_t *done = json_object();
	size_t i;
	json_t *row;
	json_array_foreach(due, i, row)
	{
		char key[24];
		snprintf(key, sizeof key, "%lld", (long long)num(row, "round_id"));
		if (json_object_get(done, key))
			continue;
		json_object_set_new(done, key, json_true());
		json_t *miss = ep_page_find(p, NULL, "/api/v1/reporting-rounds/%s/missing-reports", key);
		size_t j;
		json_t *m;
		json_array_foreach(miss ? json_object_get(miss, "reports") : NULL, j, m)
		{
			size_t k;
			json_t *r;
			json_array_foreach(due, k, r)
			{
				if (num(r, "id") != num(m, "report_id") || num(m, "chase_count") == 0)
					continue;
				json_object_set(r, "chase_count", json_object_get(m, "chase_count"));
				json_object_set(r, "last_chased_at", json_object_get(m, "last_chased_at"));
				json_object_set(r, "last_chase_message", json_object_get(m, "last_chase_message"));
			}
		}
	}
	json_decref(done);
}

ep_status ep_page_home(ep_page *p)
{
	const char *org = p->who->user.org_code;
	char today[11];
	char ts[EP_TIMESTAMP_LEN];
	ep_time_format(ep_time_now(), ts);
	snprintf(today, sizeof today, "%.10s", ts);
	p->title = "Home";
	p->tmpl = "home";
	ep_pages_done(p);
	/* My actions: the ones my organisation leads or co-leads, else the ones I may see. */
	json_t *acts = ep_page_find(p, NULL, "/api/v1/actions?limit=200");
	json_t *mine = json_array();
	size_t i;
	json_t *a;
	json_array_foreach(acts ? json_object_get(acts, "items") : NULL, i, a) if (led_by(a, org)) json_array_append(mine, a);
	json_object_set_new(p->ctx, "my_actions", mine);
	/* Reports I am to write: requested, draft or returned, that I may save. */
	json_t *due = json_array(), *decide = json_array();
	static const char *const open_states[] = {"requested", "draft", "returned", NULL};
	json_t *rounds = ep_page_find(p, NULL, "/api/v1/reporting-rounds?limit=100");
	for (size_t k = 0; open_states[k]; k++) {
		json_t *reps = ep_page_find(p, NULL, "/api/v1/progress-reports?status=%s&limit=100", open_states[k]);
		json_array_foreach(reps ? json_object_get(reps, "items") : NULL, i, a)
		{
			char target[64];
			snprintf(target, sizeof target, "/api/v1/progress-reports/%lld", (long long)num(a, "id"));
			if (!ep_page_may(p, EP_PATCH, target, NULL))
				continue;
			json_t *row = json_pack("{s:I, s:s, s:I, s:I}", "id", num(a, "id"), "status", str(a, "status"), "action_id",
						num(a, "action_id"), "round_id", num(a, "round_id"));
			size_t j;
			json_t *r;
			json_array_foreach(rounds ? json_object_get(rounds, "items") : NULL, j, r) if (num(r, "id") == num(a, "round_id"))
			{
				json_object_set_new(row, "round", json_string(str(r, "label")));
				json_object_set_new(row, "closes_on", json_string(str(r, "closes_on")));
				json_object_set_new(row, "overdue", json_boolean(str(r, "closes_on")[0] && strcmp(str(r, "closes_on"), today) < 0));
			}
			json_array_append_new(due, row);
		}
	}
	/* Waiting for my decision: submitted reports I may return or consolidate. */
	json_t *sub = ep_page_find(p, NULL, "/api/v1/progress-reports?status=submitted&limit=100");
	json_array_foreach(sub ? json_object_get(sub, "items") : NULL, i, a)
	{
		json_t *moves = ep_pages_moves(p, "progress-reports", num(a, "id"), "submitted");
		if (json_array_size(moves))
			json_array_append_new(decide, json_pack("{s:s, s:s, s:I}", "what", "Progress report to consolidate", "href",
								"", "id", num(a, "id")));
		json_decref(moves);
		json_t *last = json_array_get(decide, json_array_size(decide) - 1);
		if (last && !str(last, "href")[0])
			json_object_set_new(last, "href", json_string(ep_arena_printf(p->arena, "/progress-reports/%lld", (long long)num(a, "id"))));
	}
	/* OAPs whose next step is mine. */
	json_t *oaps = ep_page_find(p, NULL, "/api/v1/oaps?limit=100");
	json_array_foreach(oaps ? json_object_get(oaps, "items") : NULL, i, a)
	{
		json_t *moves = ep_pages_moves(p, "oaps", num(a, "id"), str(a, "status"));
		if (json_array_size(moves))
			json_array_append_new(decide, json_pack("{s:s, s:s}", "what", ep_arena_printf(p->arena, "OAP %lld %s: %s", (long long)num(a, "first_year"), str(a, "title"), moves_text(p, moves)),
								"href", ep_arena_printf(p->arena, "/oaps/%lld", (long long)num(a, "id"))));
		json_decref(moves);
	}
	/* Participations my country is asked to confirm. */
	if (p->who->user.org_country[0]) {
		json_array_foreach(acts ? json_object_get(acts, "items") : NULL, i, a)
		{
			size_t j;
			json_t *pt;
			json_array_foreach(json_object_get(a, "participants"), j, pt)
			{
				char target[96];
				snprintf(target, sizeof target, "/api/v1/actions/%lld/participants/%lld", (long long)num(a, "id"), (long long)num(pt, "org_id"));
				json_t *body = json_pack("{s:s}", "status", "confirmed");
				if (strcmp(str(pt, "status"), "invited") == 0 && ep_page_may(p, EP_PATCH, target, body))
					json_array_append_new(decide, json_pack("{s:s, s:s}", "what", ep_arena_printf(p->arena, "Participation of %s in action %s", str(pt, "org"), str(a, "number")),
										"href", "/participation"));
				json_decref(body);
			}
		}
	}
	ep_pages_name_actions(p, due);
	chased(p, due);
	json_object_set_new(p->ctx, "reports_due", due);
	json_object_set_new(p->ctx, "decide", decide);
	json_t *recent = ep_page_find(p, NULL, "/api/v1/audit?outcome=ok&limit=40");
	json_t *rec = json_array();
	json_array_foreach(recent ? json_object_get(recent, "items") : NULL, i, a)
	{
		if (strcmp(str(a, "action"), "read") == 0 || json_array_size(rec) >= 10)
			continue;
		json_array_append(rec, a);
	}
	json_object_set_new(p->ctx, "recent", rec);
	json_object_set_new(p->ctx, "recent_shown", json_boolean(recent != NULL));
	return EP_OK;
}

/* ---- cycles, priorities, goals ---- */

ep_status ep_page_cycles(ep_page *p)
{
	json_t *c = ep_page_get(p, NULL, "/api/v1/cycles?limit=100");
	if (!c)
		return EP_E_NOTFOUND;
	json_object_set(p->ctx, "cycles", json_object_get(c, "items"));
	p->title = "Policy cycles";
	p->tmpl = "cycles";
	ep_page_crumb(p, "Home", "/");
	ep_page_crumb(p, "Policy cycles", NULL);
	return EP_OK;
}

ep_status ep_page_cycle(ep_page *p)
{
	int64_t id = p->ids[0];
	json_t *c = ep_page_get(p, NULL, "/api/v1/cycles/%lld", (long long)id);
	if (!c)
		return EP_E_NOTFOUND;
	json_object_set(p->ctx, "cycle", c);
	json_t *pr = ep_page_find(p, NULL, "/api/v1/cycles/%lld/priorities?limit=200", (long long)id);
	json_object_set(p->ctx, "priorities", pr ? json_object_get(pr, "items") : json_array());
	json_t *sg = ep_page_find(p, NULL, "/api/v1/cycles/%lld/shared-goals?limit=200", (long long)id);
	json_object_set(p->ctx, "shared_goals", sg ? json_object_get(sg, "items") : NULL);
	json_t *rounds = ep_page_find(p, NULL, "/api/v1/cycles/%lld/reporting-rounds?limit=100", (long long)id);
	json_object_set(p->ctx, "rounds", rounds ? json_object_get(rounds, "items") : NULL);
	p->title = ep_arena_printf(p->arena, "Policy cycle %s", str(c, "label"));
	p->tmpl = "cycle";
	ep_page_crumb(p, "Home", "/");
	ep_page_crumb(p, "Policy cycles", "/cycles");
	ep_page_crumb(p, str(c, "label"), NULL);
	/* Funding allocated against used: per grant, and per action as its reports say. */
	json_t *fund = ep_page_find(p, NULL, "/api/v1/cycles/%lld/funding", (long long)id);
	static const char *const sets[2][5] = {{"grants", "reference", "allocated_cents", "used_cents", "safe_grants_chart"},
					       {"actions", "number", "reported_allocated_cents", "reported_used_cents", "safe_actions_chart"}};
	for (size_t k = 0; fund && k < 2; k++) {
		json_t *items = json_object_get(fund, sets[k][0]), *shown = json_array();
		size_t i;
		json_t *g;
		json_array_foreach(items, i, g)
		{
			json_t *a = json_object_get(g, sets[k][2]), *u = json_object_get(g, sets[k][3]);
			if ((json_is_integer(a) || json_is_integer(u)) && json_array_size(shown) < 60)
				json_array_append_new(shown, json_pack("{s:s, s:s, s:s}", "name", str(g, sets[k][1]), "allocated",
								       ep_arena_printf(p->arena, "%.2f", (double)json_integer_value(a) / 100.0), "used",
								       ep_arena_printf(p->arena, "%.2f", (double)json_integer_value(u) / 100.0)));
		}
		size_t n = json_array_size(shown);
		const char **rows = n ? ep_arena_alloc(p->arena, n * sizeof *rows) : NULL;
		double *al = n ? ep_arena_alloc(p->arena, n * sizeof *al) : NULL, *us = n ? ep_arena_alloc(p->arena, n * sizeof *us) : NULL;
		if (n && rows && al && us) {
			for (size_t r = 0; r < n; r++) {
				json_t *x = json_array_get(shown, r);
				rows[r] = str(x, "name");
				al[r] = strtod(str(x, "allocated"), NULL);
				us[r] = strtod(str(x, "used"), NULL);
			}
			ep_buf b;
			ep_buf_init(&b, 1 << 20);
			chart_put(p, sets[k][4], &b,
				  ep_chart_pairs(&b, k ? "funding-actions" : "funding-grants",
						 k ? "Resources allocated against used, per action" : "Funding allocated against used, per grant",
						 "Euros allocated and used; the table below has the figures.", rows, n, "Allocated", al, "Used", us, "EUR"));
		}
		json_object_set_new(p->ctx, k ? "funding_actions" : "funding_grants", shown);
	}
	return EP_OK;
}

ep_status ep_page_priority(ep_page *p)
{
	int64_t id = p->ids[0];
	json_t *pr = ep_page_get(p, NULL, "/api/v1/priorities/%lld", (long long)id);
	if (!pr)
		return EP_E_NOTFOUND;
	json_object_set(p->ctx, "priority", pr);
	json_t *c = ep_page_find(p, NULL, "/api/v1/cycles/%lld", (long long)num(pr, "cycle_id"));
	json_t *goals = ep_page_find(p, NULL, "/api/v1/priorities/%lld/goals?limit=200", (long long)id);
	json_object_set(p->ctx, "goals", goals ? json_object_get(goals, "items") : NULL);
	json_object_set_new(p->ctx, "goals_hidden", json_boolean(goals == NULL));
	json_t *oaps = ep_page_find(p, NULL, "/api/v1/priorities/%lld/oaps?limit=200", (long long)id);
	json_object_set(p->ctx, "oaps", oaps ? json_object_get(oaps, "items") : NULL);
	char target[64];
	snprintf(target, sizeof target, "/api/v1/oaps");
	json_t *body = json_pack("{s:I}", "priority_id", (json_int_t)id);
	json_object_set_new(p->ctx, "may_new_oap", json_boolean(ep_page_may(p, EP_POST, target, body)));
	json_decref(body);
	p->title = ep_arena_printf(p->arena, "Priority %s: %s", str(pr, "code"), str(pr, "short_name"));
	p->tmpl = "priority";
	ep_page_crumb(p, "Home", "/");
	ep_page_crumb(p, "Policy cycles", "/cycles");
	if (c)
		ep_page_crumb(p, str(c, "label"), "/cycles/%lld", (long long)num(c, "id"));
	ep_page_crumb(p, str(pr, "short_name"), NULL);
	return EP_OK;
}

/* ---- the OAP ---- */

static bool has_org(json_t *arr, const char *org)
{
	size_t i;
	json_t *x;
	json_array_foreach(arr, i, x) if (strcmp(str(x, "org"), org) == 0) return true;
	return false;
}

static bool has_goal(json_t *arr, json_int_t goal)
{
	size_t i;
	json_t *x;
	json_array_foreach(arr, i, x)
	{
		if ((json_is_integer(x) && json_integer_value(x) == goal) || num(x, "goal_id") == goal || num(x, "id") == goal)
			return true;
	}
	return false;
}

static void add_unique(json_t *arr, const char *v)
{
	size_t i;
	json_t *x;
	if (!v || !v[0])
		return;
	json_array_foreach(arr, i, x) if (strcmp(json_string_value(x), v) == 0) return;
	json_array_append_new(arr, json_string(v));
}

static json_t *choices(ep_page *p, json_t *values, const char *current)
{
	json_t *o = json_array();
	json_array_append_new(o, json_pack("{s:s, s:s, s:b}", "value", "", "label", "Any", "selected", !current || !current[0]));
	size_t i;
	json_t *v;
	json_array_foreach(values, i, v)
	{
		const char *s = json_string_value(v);
		json_array_append_new(o, json_pack("{s:s, s:s, s:b}", "value", s, "label", s, "selected", current && strcmp(current, s) == 0));
	}
	(void)p;
	return o;
}

ep_status ep_page_oap(ep_page *p)
{
	int64_t id = p->ids[0];
	ep_call got;
	json_t *oap = ep_page_get(p, &got, "/api/v1/oaps/%lld", (long long)id);
	if (!oap)
		return EP_E_NOTFOUND;
	json_object_set(p->ctx, "oap", oap);
	json_object_set_new(p->ctx, "version", json_integer(got.version));
	json_t *pr = ep_page_find(p, NULL, "/api/v1/priorities/%lld", (long long)num(oap, "priority_id"));
	json_t *secs = ep_page_find(p, NULL, "/api/v1/oaps/%lld/sections?limit=500&sort=position", (long long)id);
	json_object_set(p->ctx, "sections", secs ? json_object_get(secs, "items") : NULL);
	json_t *acts = ep_page_find(p, NULL, "/api/v1/oaps/%lld/actions?limit=500&sort=position", (long long)id);
	/* The annex filters: leader, participant, goal, status, JAD. */
	const char *f_leader = ep_pages_param(p, "leader"), *f_part = ep_pages_param(p, "participant"),
		   *f_goal = ep_pages_param(p, "goal"), *f_status = ep_pages_param(p, "status"), *f_jad = ep_pages_param(p, "jad");
	json_int_t goal = 0;
	if (f_goal && f_goal[0]) {
		int64_t g;
		if (ep_parse_i64z(f_goal, 1, INT64_MAX, &g) == EP_OK)
			goal = g;
	}
	json_t *rows = json_array(), *leaders = json_array(), *parts = json_array(), *states = json_array(), *goals = json_array();
	static const char *const action_states[] = {"proposed", "planned", "ongoing", "completed", "not_completed", "cancelled", "continued"};
	double counts[7] = {0};
	size_t i, total = 0;
	json_t *a;
	json_array_foreach(acts ? json_object_get(acts, "items") : NULL, i, a)
	{
		total++;
		add_unique(leaders, str(json_object_get(a, "leader"), "org"));
		size_t j;
		json_t *x;
		json_array_foreach(json_object_get(a, "co_leaders"), j, x) add_unique(leaders, str(x, "org"));
		json_array_foreach(json_object_get(a, "participants"), j, x) add_unique(parts, str(x, "org"));
		add_unique(states, str(a, "status"));
		json_array_foreach(json_object_get(a, "goals"), j, x)
		{
			json_int_t gid = json_is_integer(x) ? json_integer_value(x) : num(x, "goal_id") ? num(x, "goal_id") : num(x, "id");
			add_unique(goals, ep_arena_printf(p->arena, "%lld", (long long)gid));
		}
		for (size_t s = 0; s < 7; s++)
			if (strcmp(str(a, "status"), action_states[s]) == 0)
				counts[s]++;
		if (f_leader && f_leader[0] && strcmp(str(json_object_get(a, "leader"), "org"), f_leader) != 0 &&
		    !has_org(json_object_get(a, "co_leaders"), f_leader))
			continue;
		if (f_part && f_part[0] && !has_org(json_object_get(a, "participants"), f_part))
			continue;
		if (goal && !has_goal(json_object_get(a, "goals"), goal))
			continue;
		if (f_status && f_status[0] && strcmp(str(a, "status"), f_status) != 0)
			continue;
		if (f_jad && f_jad[0] && json_is_true(json_object_get(a, "possible_jad")) != (strcmp(f_jad, "yes") == 0))
			continue;
		json_array_append(rows, a);
	}
	json_object_set_new(p->ctx, "actions", rows);
	json_object_set_new(p->ctx, "actions_total", json_integer((json_int_t)total));
	json_object_set_new(p->ctx, "actions_shown", json_integer((json_int_t)json_array_size(rows)));
	json_object_set_new(p->ctx, "filter_leader", choices(p, leaders, f_leader));
	json_object_set_new(p->ctx, "filter_participant", choices(p, parts, f_part));
	json_object_set_new(p->ctx, "filter_status", choices(p, states, f_status));
	json_object_set_new(p->ctx, "filter_goal", choices(p, goals, f_goal));
	json_t *jad = json_array();
	json_array_append_new(jad, json_string("yes"));
	json_array_append_new(jad, json_string("no"));
	json_object_set_new(p->ctx, "filter_jad", choices(p, jad, f_jad));
	json_decref(leaders);
	json_decref(parts);
	json_decref(states);
	json_decref(goals);
	json_decref(jad);
	json_object_set_new(p->ctx, "filtered", json_boolean((f_leader && f_leader[0]) || (f_part && f_part[0]) || goal ||
							     (f_status && f_status[0]) || (f_jad && f_jad[0])));
	/* Action status of the plan, charted. */
	if (total) {
		const char *row[1] = {"Actions"};
		static const char *const cats[7] = {"proposed", "planned", "ongoing", "completed", "not completed", "cancelled", "continued"};
		ep_buf b;
		ep_buf_init(&b, 1 << 20);
		chart_put(p, "safe_status_chart", &b,
			  ep_chart_stacked(&b, "oap-status", "Operational actions by status",
					   "How many of the plan's operational actions are in each status; the table next to it has the numbers.",
					   row, 1, cats, 7, counts));
		json_t *tbl = json_array();
		for (size_t s = 0; s < 7; s++)
			if (counts[s] > 0)
				json_array_append_new(tbl, json_pack("{s:s, s:i}", "status", action_states[s], "count", (int)counts[s]));
		json_object_set_new(p->ctx, "status_table", tbl);
	}
	/* The workflow and what the user may do here. */
	json_object_set_new(p->ctx, "moves", ep_pages_moves(p, "oaps", id, str(oap, "status")));
	json_object_set_new(p->ctx, "move_action", json_string(ep_arena_printf(p->arena, "/oaps/%lld/transitions", (long long)id)));
	char target[96];
	snprintf(target, sizeof target, "/api/v1/oaps/%lld/actions", (long long)id);
	json_t *body = json_pack("{s:I}", "oap_id", (json_int_t)id);
	json_object_set_new(p->ctx, "may_new_action", json_boolean(ep_page_may(p, EP_POST, target, body)));
	json_decref(body);
	snprintf(target, sizeof target, "/api/v1/oaps/%lld", (long long)id);
	json_object_set_new(p->ctx, "may_edit", json_boolean(ep_page_may(p, EP_PATCH, target, NULL)));
	snprintf(target, sizeof target, "/api/v1/oaps/%lld/sections", (long long)id);
	body = json_pack("{s:I}", "oap_id", (json_int_t)id);
	json_object_set_new(p->ctx, "may_new_section", json_boolean(ep_page_may(p, EP_POST, target, body)));
	json_decref(body);
	/* Revisions of the same plan. */
	json_t *all = ep_page_get(p, NULL, "/api/v1/priorities/%lld/oaps?limit=200", (long long)num(oap, "priority_id"));
	json_t *revs = json_array();
	json_array_foreach(all ? json_object_get(all, "items") : NULL, i, a) if (num(a, "first_year") == num(oap, "first_year"))
		json_array_append(revs, a);
	json_object_set_new(p->ctx, "revisions", revs);
	history(p, "oaps", id);
	p->title = ep_arena_printf(p->arena, "OAP %lld: %s", (long long)num(oap, "first_year"), str(oap, "title"));
	p->tmpl = "oap";
	ep_pages_done(p);
	ep_page_crumb(p, "Home", "/");
	ep_page_crumb(p, "Policy cycles", "/cycles");
	if (pr)
		ep_page_crumb(p, str(pr, "short_name"), "/priorities/%lld", (long long)num(pr, "id"));
	ep_page_crumb(p, ep_arena_printf(p->arena, "OAP %lld", (long long)num(oap, "first_year")), NULL);
	return EP_OK;
}

/* The participation matrix of a plan as a heat map, organisations by actions, with its table. */
ep_status ep_page_oap_matrix(ep_page *p)
{
	json_t *oap = ep_page_get(p, NULL, "/api/v1/oaps/%lld", (long long)p->ids[0]);
	if (!oap)
		return EP_E_NOTFOUND;
	json_object_set(p->ctx, "oap", oap);
	/* The participation matrix as a heat map: organisations by actions. */
	json_t *mx = ep_page_find(p, NULL, "/api/v1/oaps/%lld/participation-matrix", (long long)p->ids[0]);
	json_t *mcols = mx ? json_object_get(mx, "actions") : NULL, *mrows = mx ? json_object_get(mx, "rows") : NULL;
	size_t nc = json_array_size(mcols), nr = json_array_size(mrows);
	if (nc && nr && nc <= 500 && nr <= 500) {
		static const char *const level_names[] = {"declined or withdrawn", "invited", "confirmed", "co-leader", "leader"};
		const char **cols = ep_arena_alloc(p->arena, nc * sizeof *cols), **rws = ep_arena_alloc(p->arena, nr * sizeof *rws);
		int *lv = ep_arena_alloc(p->arena, nc * nr * sizeof *lv);
		if (cols && rws && lv) {
			for (size_t c = 0; c < nc; c++)
				cols[c] = str(json_array_get(mcols, c), "number");
			for (size_t r = 0; r < nr; r++) {
				json_t *row = json_array_get(mrows, r);
				rws[r] = str(row, "organisation");
				json_t *cells = json_array();
				for (size_t c = 0; c < nc; c++) {
					const char *v = str(row, cols[c]);
					json_array_append_new(cells, json_string(v));
					lv[r * nc + c] = strcmp(v, "invited") == 0	    ? 1
							 : strcmp(v, "confirmed") == 0 ? 2
							 : strcmp(v, "co_leader") == 0 ? 3
							 : strcmp(v, "leader") == 0    ? 4
							 : v[0]			       ? 0
										       : -1;
				}
				json_object_set_new(row, "cells", cells);
			}
			ep_buf b;
			ep_buf_init(&b, 4 << 20);
			chart_put(p, "safe_matrix_chart", &b,
				  ep_chart_heat(&b, "participation", "Participation matrix",
						"Which organisations lead, co-lead or take part in which operational actions of the plan; the table below has the same.",
						rws, nr, cols, nc, lv, level_names, 5));
			json_object_set(p->ctx, "matrix", mx);
		}
	}
	p->title = ep_arena_printf(p->arena, "Participation matrix: OAP %lld %s", (long long)num(oap, "first_year"), str(oap, "title"));
	p->tmpl = "oap_matrix";
	ep_page_crumb(p, "Home", "/");
	ep_page_crumb(p, ep_arena_printf(p->arena, "OAP %lld: %s", (long long)num(oap, "first_year"), str(oap, "title")), "/oaps/%lld", (long long)p->ids[0]);
	ep_page_crumb(p, "Participation matrix", NULL);
	return EP_OK;
}

/* ---- the operational action ---- */

ep_status ep_page_action(ep_page *p)
{
	int64_t id = p->ids[0];
	ep_call got;
	json_t *a = ep_page_get(p, &got, "/api/v1/actions/%lld", (long long)id);
	if (!a)
		return EP_E_NOTFOUND;
	json_object_set(p->ctx, "action", a);
	json_object_set_new(p->ctx, "version", json_integer(got.version));
	char target[96];
	json_t *oap = ep_page_find(p, NULL, "/api/v1/oaps/%lld", (long long)num(a, "oap_id"));
	json_t *kpis = ep_page_find(p, NULL, "/api/v1/actions/%lld/kpis?limit=100", (long long)id);
	json_object_set(p->ctx, "kpis", kpis ? json_object_get(kpis, "items") : NULL);
	json_t *refby = ep_page_find(p, NULL, "/api/v1/actions/%lld/referenced-by", (long long)id);
	json_object_set(p->ctx, "referenced_by", refby ? json_object_get(refby, "items") : NULL);
	/* Participants: the NEC of a participant's country may confirm or decline here. */
	json_t *parts = json_object_get(a, "participants");
	size_t i;
	json_t *pt;
	json_array_foreach(parts, i, pt)
	{
		snprintf(target, sizeof target, "/api/v1/actions/%lld/participants/%lld", (long long)id, (long long)num(pt, "org_id"));
		json_t *body = json_pack("{s:s}", "status", "confirmed");
		bool may = ep_page_may(p, EP_PATCH, target, body);
		json_decref(body);
		json_object_set_new(pt, "may_decide", json_boolean(may));
		json_object_set_new(pt, "decide_action", json_string(ep_arena_printf(p->arena, "/actions/%lld/participants/%lld", (long long)id, (long long)num(pt, "org_id"))));
	}
	/* KPIs over the reporting rounds, with the reports of the rounds. */
	json_t *sheet = ep_page_find(p, NULL, "/api/v1/actions/%lld/progress-sheet", (long long)id);
	json_t *rounds = sheet ? json_object_get(sheet, "rounds") : NULL;
	json_object_set(p->ctx, "rounds", rounds);
	json_t *charts = json_array();
	size_t nx = json_array_size(rounds);
	json_t *k;
	json_array_foreach(sheet ? json_object_get(sheet, "kpis") : NULL, i, k)
	{
		const char **xl = ep_arena_alloc(p->arena, (nx + 1) * sizeof *xl);
		double *act = ep_arena_alloc(p->arena, (nx + 1) * sizeof *act), *tgt = ep_arena_alloc(p->arena, (nx + 1) * sizeof *tgt);
		bool *have = ep_arena_alloc(p->arena, (nx + 1) * sizeof *have);
		if (!xl || !act || !tgt || !have)
			break;
		json_t *table = json_array();
		double goal_value = json_number_value(json_object_get(k, "target"));
		for (size_t r = 0; r < nx; r++) {
			const char *label = str(json_array_get(rounds, r), "round");
			json_t *v = json_object_get(k, label);
			xl[r] = label;
			have[r] = json_is_number(v);
			act[r] = have[r] ? json_number_value(v) : 0;
			tgt[r] = goal_value;
			json_t *row = json_pack("{s:s, s:f}", "round", label, "target", goal_value);
			json_object_set(row, "actual", have[r] ? v : json_null());
			json_array_append_new(table, row);
		}
		ep_series series[2] = {{"Actual", act, have}, {"Target", tgt, NULL}};
		ep_buf b;
		ep_buf_init(&b, 1 << 20);
		const char *name = str(k, "name");
		ep_status s = ep_chart_lines(&b, ep_arena_printf(p->arena, "kpi-%lld", (long long)num(k, "kpi_id")),
					     ep_arena_printf(p->arena, "%s: actual against target", name),
					     ep_arena_printf(p->arena, "%s (%s) per reporting round, against the target of %g. The table below has the figures.",
							     name, str(k, "unit"), goal_value),
					     xl, nx, series, 2, str(k, "unit"));
		json_t *c = json_pack("{s:s, s:s, s:o, s:o, s:o}", "name", name, "unit", str(k, "unit"), "target",
				      json_incref(json_object_get(k, "target")), "latest", json_incref(json_object_get(k, "latest")), "table", table);
		json_object_set(c, "achievement", json_object_get(k, "achievement"));
		if (json_is_number(json_object_get(k, "achievement")))
			json_object_set_new(c, "achievement_pct", json_integer((json_int_t)lround(100.0 * json_number_value(json_object_get(k, "achievement")))));
		if (s == EP_OK)
			json_object_set_new(c, "safe_chart", json_string(ep_buf_str(&b)));
		ep_buf_release(&b);
		json_array_append_new(charts, c);
	}
	json_object_set_new(p->ctx, "kpi_charts", charts);
	/* Open rounds without a report of this action: its leaders may ask for one. */
	json_t *open = ep_page_find(p, NULL, "/api/v1/reporting-rounds?status=open&limit=50");
	json_t *ask = json_array();
	json_t *rd;
	json_array_foreach(open ? json_object_get(open, "items") : NULL, i, rd)
	{
		bool has = false;
		size_t j;
		json_t *x;
		json_array_foreach(rounds, j, x) has = has || (num(x, "round_id") == num(rd, "id") && num(x, "report_id"));
		json_t *body = json_pack("{s:I, s:I}", "round_id", num(rd, "id"), "action_id", (json_int_t)id);
		if (!has && ep_page_may(p, EP_POST, "/api/v1/progress-reports", body))
			json_array_append_new(ask, json_pack("{s:I, s:s}", "round_id", num(rd, "id"), "label", str(rd, "label")));
		json_decref(body);
	}
	json_object_set_new(p->ctx, "ask_reports", ask);
	/* Adding leaders and inviting participants, for whom the plan lets. */
	snprintf(target, sizeof target, "/api/v1/actions/%lld/participants", (long long)id);
	bool may_invite = ep_page_may(p, EP_POST, target, NULL);
	snprintf(target, sizeof target, "/api/v1/actions/%lld/leaders", (long long)id);
	bool may_lead = ep_page_may(p, EP_POST, target, NULL);
	if (may_invite || may_lead) {
		json_t *orgs = ep_page_find(p, NULL, "/api/v1/organisations?limit=200&sort=code");
		json_object_set(p->ctx, "orgs", orgs ? json_object_get(orgs, "items") : NULL);
	}
	json_object_set_new(p->ctx, "may_invite", json_boolean(may_invite));
	json_object_set_new(p->ctx, "may_lead", json_boolean(may_lead));
	json_object_set_new(p->ctx, "moves", ep_pages_moves(p, "actions", id, str(a, "status")));
	json_object_set_new(p->ctx, "move_action", json_string(ep_arena_printf(p->arena, "/actions/%lld/transitions", (long long)id)));
	snprintf(target, sizeof target, "/api/v1/actions/%lld", (long long)id);
	json_object_set_new(p->ctx, "may_edit", json_boolean(ep_page_may(p, EP_PATCH, target, NULL)));
	history(p, "actions", id);
	p->title = ep_arena_printf(p->arena, "Action %s: %s", str(a, "number"), str(a, "title"));
	p->tmpl = "action";
	ep_pages_done(p);
	ep_page_crumb(p, "Home", "/");
	if (oap) {
		ep_page_crumb(p, ep_arena_printf(p->arena, "OAP %lld: %s", (long long)num(oap, "first_year"), str(oap, "title")), "/oaps/%lld", (long long)num(oap, "id"));
		json_object_set(p->ctx, "oap", oap);
	}
	ep_page_crumb(p, ep_arena_printf(p->arena, "Action %s", str(a, "number")), NULL);
	return EP_OK;
}
