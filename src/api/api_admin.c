/*
 * What administrators read and do: accounts with their roles, the roles themselves, and the
 * audit trail. The changes to accounts are checked and made by svc_user.c; the route's write
 * transaction holds them and their audit record, which says what changed.
 */
#include "api/api.h"

#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "core/num.h"
#include "db/db_user.h"
#include "svc/svc_user.h"
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

ep_status ep_api_roles_list(ep_req *req, ep_resp *resp)
{
	(void)req;
	return ep_resp_page(resp, ep_svc_roles_json());
}

static ep_user_admin admin_of(const ep_req *req)
{
	return (ep_user_admin){.db = req->db, .cfg = req->cfg, .actor_id = req->who->user.id};
}

/* The account as it is after a change, as the answer. */
static ep_status answer_account(ep_req *req, ep_resp *resp, int64_t id, ep_user_admin *a)
{
	resp->audit_note = ep_arena_strdup(req->arena, a->note);
	resp->audit_object_id = id;
	json_t *o;
	ep_status s = ep_db_user_json(req->db, id, &o, &resp->err);
	if (s != EP_OK)
		return s;
	resp->version = (int64_t)json_integer_value(json_object_get(o, "version"));
	return ep_resp_json(resp, o);
}

static ep_status need_body(const ep_req *req, ep_resp *resp)
{
	if (!req->body)
		return ep_err_set(&resp->err, EP_E_INVALID, "body", "this request needs a JSON object as its body");
	return EP_OK;
}

ep_status ep_api_user_create(ep_req *req, ep_resp *resp)
{
	ep_status s = need_body(req, resp);
	ep_user_admin a = admin_of(req);
	int64_t id = 0;
	if (s == EP_OK)
		s = ep_svc_user_create(&a, req->body, &id, &resp->problems, &resp->err);
	if (s != EP_OK)
		return s;
	snprintf(resp->location, sizeof resp->location, "/api/v1/users/%lld", (long long)id);
	resp->status = 201;
	return answer_account(req, resp, id, &a);
}

ep_status ep_api_user_update(ep_req *req, ep_resp *resp)
{
	int64_t version;
	ep_status s = need_body(req, resp);
	if (s == EP_OK)
		s = ep_api_if_match(req, &version, &resp->err);
	ep_user_admin a = admin_of(req);
	if (s == EP_OK)
		s = ep_svc_user_update(&a, req->ids[0], version, req->body, &resp->problems, &resp->err);
	if (s != EP_OK)
		return s;
	return answer_account(req, resp, req->ids[0], &a);
}

ep_status ep_api_user_role_grant(ep_req *req, ep_resp *resp)
{
	ep_status s = need_body(req, resp);
	ep_user_admin a = admin_of(req);
	int64_t role_id = 0;
	if (s == EP_OK)
		s = ep_svc_user_role_grant(&a, req->ids[0], req->body, &role_id, &resp->problems, &resp->err);
	if (s != EP_OK)
		return s;
	snprintf(resp->location, sizeof resp->location, "/api/v1/users/%lld/roles/%lld", (long long)req->ids[0],
		 (long long)role_id);
	resp->status = 201;
	return answer_account(req, resp, req->ids[0], &a);
}

ep_status ep_api_user_role_withdraw(ep_req *req, ep_resp *resp)
{
	ep_user_admin a = admin_of(req);
	ep_status s = ep_svc_user_role_withdraw(&a, req->ids[0], req->ids[1], &resp->err);
	if (s != EP_OK)
		return s;
	resp->audit_note = ep_arena_strdup(req->arena, a.note);
	resp->status = 204;
	return EP_OK;
}

ep_status ep_api_user_password(ep_req *req, ep_resp *resp)
{
	ep_status s = need_body(req, resp);
	ep_user_admin a = admin_of(req);
	if (s == EP_OK)
		s = ep_svc_user_password_reset(&a, req->ids[0], req->body, &resp->problems, &resp->err);
	if (s != EP_OK)
		return s;
	return answer_account(req, resp, req->ids[0], &a);
}

ep_status ep_api_user_totp_reset(ep_req *req, ep_resp *resp)
{
	ep_user_admin a = admin_of(req);
	int64_t version;
	ep_status s = ep_api_if_match(req, &version, &resp->err);
	if (s == EP_OK)
		s = ep_svc_user_totp_reset(&a, req->ids[0], version, &resp->err);
	if (s != EP_OK)
		return s;
	return answer_account(req, resp, req->ids[0], &a);
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
