/*
 * Monitoring and reporting handlers: progress reports, KPI actuals, JAD and grant links and
 * results, and the roll-ups, each also exportable as CSV (?format=csv&table=NAME).
 */
#include "api/api.h"

#include <stdio.h>
#include <string.h>

#include "core/time.h"
#include "db/db_monitor.h"
#include "db/db_rollup.h"
#include "http/router.h"
#include "svc/svc_monitor.h"
#include "core/banned.h"

static ep_actor actor(const ep_req *req)
{
	return (ep_actor){req->who ? req->who->user.id : 0, req->who ? ep_principal_name(req->who) : NULL};
}

static ep_status body_needed(ep_req *req, ep_resp *resp)
{
	if (!req->body)
		return ep_err_set(&resp->err, EP_E_INVALID, NULL, "send a JSON object as the body");
	return EP_OK;
}

static ep_status report_answer(ep_req *req, int64_t id, ep_resp *resp)
{
	json_t *row;
	ep_status s = ep_svc_report_get(req->db, id, &row, &resp->err);
	if (s != EP_OK)
		return s;
	resp->version = (int64_t)json_integer_value(json_object_get(row, "version"));
	return ep_resp_json(resp, row);
}

ep_status ep_api_report_get(ep_req *req, ep_resp *resp)
{
	return report_answer(req, req->ids[0], resp);
}

ep_status ep_api_report_create(ep_req *req, ep_resp *resp)
{
	ep_status s = body_needed(req, resp);
	if (s != EP_OK)
		return s;
	ep_actor who = actor(req);
	int64_t id;
	if ((s = ep_svc_report_create(req->db, &req->rules, &who, req->body, &id, &resp->problems, &resp->err)) != EP_OK)
		return s;
	snprintf(resp->location, sizeof resp->location, "/api/v1/progress-reports/%lld", (long long)id);
	resp->status = 201;
	return report_answer(req, id, resp);
}

ep_status ep_api_report_update(ep_req *req, ep_resp *resp)
{
	int64_t version;
	ep_status s = body_needed(req, resp);
	if (s != EP_OK || (s = ep_api_if_match(req, &version, &resp->err)) != EP_OK)
		return s;
	ep_actor who = actor(req);
	if ((s = ep_svc_report_update(req->db, &req->rules, &who, req->ids[0], version, req->body, &resp->problems,
				      &resp->err)) != EP_OK)
		return s;
	return report_answer(req, req->ids[0], resp);
}

ep_status ep_api_round_chase(ep_req *req, ep_resp *resp)
{
	ep_status s = body_needed(req, resp);
	if (s != EP_OK)
		return s;
	ep_actor who = actor(req);
	json_t *doc;
	int64_t asked = 0;
	if ((s = ep_svc_round_chase(req->db, req->vis, &who, req->ids[0], req->body, &doc, &asked, &resp->problems,
				    &resp->err)) != EP_OK)
		return s;
	json_int_t reminded = json_integer_value(json_object_get(doc, "reminded"));
	const char *label = json_string_value(json_object_get(json_object_get(doc, "round"), "label"));
	resp->audit_note = ep_arena_printf(req->arena,
					   "chased round %.40s: %lld missing report%s reminded, %lld asked for", label,
					   (long long)reminded, reminded == 1 ? "" : "s", (long long)asked);
	resp->status = 200;
	return ep_resp_json(resp, doc);
}

ep_status ep_api_kpi_actuals(ep_req *req, ep_resp *resp)
{
	json_t *items;
	ep_status s = ep_db_kpi_actuals(req->db, req->ids[0], &items, &resp->err);
	if (s != EP_OK)
		return s;
	/* Actuals from reports the caller may not read are left out. */
	const ep_resdef *rd = ep_resdef_find("progress-reports");
	for (size_t i = json_array_size(items); i-- > 0;) {
		json_t *rid = json_object_get(json_array_get(items, i), "report_id");
		ep_scope sc;
		if (json_is_integer(rid) &&
		    ep_db_res_scope(req->db, rd, (int64_t)json_integer_value(rid), req->vis, &sc, NULL) != EP_OK)
			json_array_remove(items, i);
	}
	return ep_resp_page(resp, items);
}

ep_status ep_api_kpi_actual_put(ep_req *req, ep_resp *resp)
{
	ep_status s = body_needed(req, resp);
	if (s != EP_OK)
		return s;
	if ((s = ep_svc_kpi_actual_put(req->db, req->ids[0], req->ids[1], req->body, &resp->problems, &resp->err)) != EP_OK)
		return s;
	return ep_api_kpi_actuals(req, resp);
}

static ep_status record_answer(ep_req *req, const char *res, ep_resp *resp)
{
	json_t *row;
	ep_status s = ep_db_res_get(req->db, ep_resdef_find(res), req->ids[0], &row, &resp->err);
	if (s == EP_OK && (s = ep_svc_links_embed(req->db, res, row, &resp->err)) != EP_OK)
		json_decref(row);
	if (s != EP_OK)
		return s;
	json_t *acts = json_object_get(row, "actions");
	const ep_resdef *ad = ep_resdef_find("actions");
	for (size_t i = json_array_size(acts); i-- > 0;) {
		ep_scope sc;
		if (ep_db_res_scope(req->db, ad, (int64_t)json_integer_value(json_array_get(acts, i)), req->vis, &sc, NULL) != EP_OK)
			json_array_remove(acts, i);
	}
	resp->version = (int64_t)json_integer_value(json_object_get(row, "version"));
	return ep_resp_json(resp, row);
}

ep_status ep_api_links_put(ep_req *req, ep_resp *resp)
{
	int64_t version;
	ep_status s = body_needed(req, resp);
	if (s != EP_OK || (s = ep_api_if_match(req, &version, &resp->err)) != EP_OK)
		return s;
	const char *res = req->route->schema;
	if ((s = ep_svc_links_put(req->db, req->vis, res, req->ids[0], version, req->body, &resp->problems, &resp->err)) != EP_OK)
		return s;
	return record_answer(req, res, resp);
}

ep_status ep_api_jad_results_put(ep_req *req, ep_resp *resp)
{
	int64_t version;
	ep_status s = body_needed(req, resp);
	if (s != EP_OK || (s = ep_api_if_match(req, &version, &resp->err)) != EP_OK)
		return s;
	if ((s = ep_svc_jad_results_put(req->db, req->ids[0], version, req->body, &resp->problems, &resp->err)) != EP_OK)
		return s;
	return record_answer(req, "jads", resp);
}

/* ---- roll-ups ---- */

static void today(char out[EP_DATE_LEN])
{
	char ts[EP_TIMESTAMP_LEN];
	ep_time_format(ep_time_now(), ts);
	snprintf(out, EP_DATE_LEN, "%.10s", ts);
}

static int64_t query_id(const ep_req *req, const char *name)
{
	const char *v = ep_query_get(&req->query, name);
	return v ? strtoll(v, NULL, 10) : 0;
}

/* Answers a roll-up as JSON, or one of its tables as CSV. */
static ep_status rollup_answer(ep_req *req, ep_resp *resp, ep_status s, json_t *doc, const char *const *tables)
{
	if (s != EP_OK)
		return s;
	const char *format = ep_query_get(&req->query, "format");
	if (format && strcmp(format, "csv") == 0) {
		const char *t = ep_query_get(&req->query, "table");
		const char *pick = NULL;
		for (const char *const *x = tables; *x; x++)
			if (!t || strcmp(*x, t) == 0) {
				pick = *x;
				break;
			}
		if (!pick) {
			char list[256] = "";
			size_t used = 0;
			for (const char *const *x = tables; *x; x++) {
				int w = snprintf(list + used, sizeof list - used, "%s%s", used ? ", " : "", *x);
				if (w > 0 && (size_t)w < sizeof list - used)
					used += (size_t)w;
			}
			json_decref(doc);
			return ep_err_set(&resp->err, EP_E_INVALID, "table", "this roll-up has no table '%.64s'; it has %s", t, list);
		}
		resp->csv_table = pick;
	}
	return ep_resp_json(resp, doc);
}

ep_status ep_api_rollup_sheet(ep_req *req, ep_resp *resp)
{
	static const char *const tables[] = {"rounds", "kpis", NULL};
	json_t *doc = NULL;
	ep_status s = ep_db_rollup_sheet(req->db, req->vis, req->ids[0], &doc, &resp->err);
	return rollup_answer(req, resp, s, doc, tables);
}

ep_status ep_api_rollup_oap(ep_req *req, ep_resp *resp)
{
	static const char *const tables[] = {"actions", "kpis", "problems", "practices", NULL};
	char day[EP_DATE_LEN];
	today(day);
	json_t *doc = NULL;
	ep_status s = ep_db_rollup_oap(req->db, req->vis, req->ids[0], query_id(req, "round_id"), day, &doc, &resp->err);
	return rollup_answer(req, resp, s, doc, tables);
}

ep_status ep_api_rollup_overview(ep_req *req, ep_resp *resp)
{
	static const char *const tables[] = {"oaps", NULL};
	char day[EP_DATE_LEN];
	today(day);
	json_t *doc = NULL;
	ep_status s = ep_db_rollup_overview(req->db, req->vis, req->ids[0], day, &doc, &resp->err);
	return rollup_answer(req, resp, s, doc, tables);
}

ep_status ep_api_rollup_missing(ep_req *req, ep_resp *resp)
{
	static const char *const tables[] = {"reports", "by_driver", "by_nec", NULL};
	char day[EP_DATE_LEN];
	today(day);
	json_t *doc = NULL;
	ep_status s = ep_db_rollup_missing(req->db, req->vis, req->ids[0], day, &doc, &resp->err);
	return rollup_answer(req, resp, s, doc, tables);
}

ep_status ep_api_rollup_goals(ep_req *req, ep_resp *resp)
{
	static const char *const tables[] = {"goals", NULL};
	json_t *doc = NULL;
	ep_status s = ep_db_rollup_goals(req->db, req->vis, req->ids[0], query_id(req, "round_id"), &doc, &resp->err);
	return rollup_answer(req, resp, s, doc, tables);
}

ep_status ep_api_rollup_matrix(ep_req *req, ep_resp *resp)
{
	static const char *const tables[] = {"rows", "actions", NULL};
	json_t *doc = NULL;
	ep_status s = ep_db_rollup_matrix(req->db, req->vis, req->ids[0], &doc, &resp->err);
	return rollup_answer(req, resp, s, doc, tables);
}

ep_status ep_api_rollup_funding(ep_req *req, ep_resp *resp)
{
	static const char *const tables[] = {"actions", "grants", "schemes", NULL};
	json_t *doc = NULL;
	ep_status s = ep_db_rollup_funding(req->db, req->vis, req->ids[0], &doc, &resp->err);
	return rollup_answer(req, resp, s, doc, tables);
}

ep_status ep_api_rollup_jads(ep_req *req, ep_resp *resp)
{
	static const char *const tables[] = {"results", "totals", NULL};
	json_t *doc = NULL;
	ep_status s = ep_db_rollup_jads(req->db, req->vis, req->ids[0], &doc, &resp->err);
	return rollup_answer(req, resp, s, doc, tables);
}
