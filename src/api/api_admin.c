/*
 * What administrators read: accounts with their roles, and the audit trail.
 */
#include "api/api.h"

#include <string.h>

#include "audit/audit.h"
#include "core/num.h"
#include "db/db_user.h"
#include "core/banned.h"

ep_status ep_api_users_list(ep_req *req, ep_resp *resp)
{
	json_t *items;
	ep_status s = ep_db_users_json(req->db, &items, &resp->err);
	if (s != EP_OK)
		return s;
	return ep_resp_page(resp, items);
}

ep_status ep_api_user_get(ep_req *req, ep_resp *resp)
{
	json_t *o;
	ep_status s = ep_db_user_json(req->db, req->ids[0], &o, &resp->err);
	if (s == EP_E_NOTFOUND)
		return ep_err_set(&resp->err, EP_E_NOTFOUND, NULL, "no account %lld", (long long)req->ids[0]);
	if (s != EP_OK)
		return s;
	resp->version = (int64_t)json_integer_value(json_object_get(o, "version"));
	return ep_resp_json(resp, o);
}

ep_status ep_api_audit_list(ep_req *req, ep_resp *resp)
{
	ep_audit_filter f = {.limit = 50};
	const char *v;
	if ((v = ep_query_get(&req->query, "limit")))
		ep_parse_i64z(v, 1, 500, &f.limit);
	if ((v = ep_query_get(&req->query, "before")))
		ep_parse_i64z(v, 1, INT64_MAX, &f.before_id);
	if ((v = ep_query_get(&req->query, "object_id")))
		ep_parse_i64z(v, 1, INT64_MAX, &f.object_id);
	f.object_kind = ep_query_get(&req->query, "object_kind");
	f.actor = ep_query_get(&req->query, "actor");
	f.outcome = ep_query_get(&req->query, "outcome");
	f.since = ep_query_get(&req->query, "since");
	f.until = ep_query_get(&req->query, "until");
	json_t *items;
	int64_t next = 0;
	ep_status s = ep_audit_list(req->db, &f, &items, &next, &resp->err);
	if (s != EP_OK)
		return s;
	json_t *page = json_object();
	json_object_set_new(page, "items", items);
	json_object_set_new(page, "next_before", next ? json_integer(next) : json_null());
	return ep_resp_json(resp, page);
}
