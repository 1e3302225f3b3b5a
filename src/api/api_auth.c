/*
 * Signing in and out and the caller's own account: password, TOTP enrolment, API tokens. The
 * session id goes only into the __Host- cookie; the CSRF token of the session is in the body of
 * the sign-in answer and of GET /api/v1/auth/session, for the client to send back in
 * X-CSRF-Token.
 */
#include "api/api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access/auth.h"
#include "access/authhdr.h"
#include "access/password.h"
#include "core/num.h"
#include "core/time.h"
#include "db/db_user.h"
#include "core/banned.h"

static ep_auth_ctx ctx_of(ep_req *req)
{
	return (ep_auth_ctx){
		.db = req->db,
		.max_class = req->cfg->max_classification,
		.arena = req->arena,
		.address = req->client_addr,
		.request_id = req->request_id,
		.throttle = req->throttle,
		.anchor = req->anchor,
		.now = ep_time_now(),
	};
}

/* A body of only text fields from names, each at most max bytes; other keys are refused. */
static ep_status text_fields(ep_req *req, ep_resp *resp, const char *const *names, const char **out, size_t max)
{
	if (!req->body)
		return ep_err_set(&resp->err, EP_E_INVALID, "body", "this request needs a JSON object as its body");
	const char *k;
	json_t *v;
	json_object_foreach(req->body, k, v)
	{
		size_t i = 0;
		while (names[i] && strcmp(names[i], k) != 0)
			i++;
		if (!names[i]) {
			ep_errs_add(&resp->problems, EP_E_INVALID, k, "unknown field '%.64s'", k);
			continue;
		}
		if (!json_is_string(v) || json_string_length(v) > max)
			ep_errs_add(&resp->problems, EP_E_INVALID, k, "must be a text of at most %zu bytes", max);
		else
			out[i] = json_string_value(v);
	}
	return ep_errs_count(&resp->problems) ? EP_E_INVALID : EP_OK;
}

static void set_cookie(ep_req *req, ep_resp *resp, const char *value, long max_age)
{
	(void)req;
	if (ep_cookie_set_session(value, max_age, resp->set_cookie, sizeof resp->set_cookie, NULL) != EP_OK)
		resp->set_cookie[0] = '\0';
}

static json_t *whoami(const ep_principal *p, const char *csrf)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(p->user.id));
	json_object_set_new(o, "username", json_string(p->user.username));
	json_object_set_new(o, "display_name", json_string(p->user.display_name));
	json_object_set_new(o, "org", p->user.org_code[0] ? json_string(p->user.org_code) : json_null());
	json_object_set_new(o, "clearance", json_string(ep_class_token((ep_class)p->vis.clearance)));
	json_object_set_new(o, "totp", json_boolean(p->user.totp_secret[0] != '\0'));
	json_t *roles = json_array();
	for (size_t i = 0; i < p->ngrants; i++) {
		json_t *g = json_object();
		json_object_set_new(g, "role", json_string(ep_role_token(p->grants[i].role)));
		json_object_set_new(g, "scope_kind", json_string(p->grants[i].scope_kind));
		json_object_set_new(g, "scope_id", p->grants[i].scope_id ? json_integer(p->grants[i].scope_id) : json_null());
		json_object_set_new(g, "scope_country", p->grants[i].country[0] ? json_string(p->grants[i].country) : json_null());
		json_array_append_new(roles, g);
	}
	json_object_set_new(o, "roles", roles);
	json_t *root = json_object();
	json_object_set_new(root, "user", o);
	json_object_set_new(root, "csrf_token", csrf && csrf[0] ? json_string(csrf) : json_null());
	json_object_set_new(root, "auth", json_string(p->auth == EP_AUTH_SESSION ? "session" : p->auth == EP_AUTH_TOKEN ? "token" : "none"));
	json_object_set_new(root, "totp_enrolment_required", json_boolean(p->enrol_only));
	return root;
}

ep_status ep_api_login(ep_req *req, ep_resp *resp)
{
	static const char *const names[] = {"username", "password", "totp", NULL};
	const char *v[3] = {NULL, NULL, NULL};
	ep_status s = text_fields(req, resp, names, v, 1024);
	if (s != EP_OK)
		return s;
	if (!v[0])
		ep_errs_add(&resp->problems, EP_E_INVALID, "username", "is required");
	if (!v[1])
		ep_errs_add(&resp->problems, EP_E_INVALID, "password", "is required");
	if (ep_errs_count(&resp->problems))
		return EP_E_INVALID;
	ep_auth_ctx c = ctx_of(req);
	ep_login l;
	resp->audited = true; /* ep_auth_login records every attempt */
	s = ep_auth_login(&c, v[0], v[1], v[2], &l, &resp->err);
	if (s == EP_E_LIMIT) {
		resp->status = 429;
		resp->retry_after = l.retry_after;
		return s;
	}
	if (s != EP_OK) {
		resp->status = 401;
		return s;
	}
	set_cookie(req, resp, l.session, EP_SESSION_ABSOLUTE_S);
	ep_principal p;
	if ((s = ep_principal_load(req->db, l.user_id, req->cfg->max_classification, req->arena, &p, &resp->err)) != EP_OK)
		return s;
	p.auth = EP_AUTH_SESSION;
	p.enrol_only = l.enrol_only;
	return ep_resp_json(resp, whoami(&p, l.csrf));
}

ep_status ep_api_logout(ep_req *req, ep_resp *resp)
{
	ep_auth_ctx c = ctx_of(req);
	ep_status s = ep_auth_logout(&c, req->who, &resp->err);
	if (s != EP_OK)
		return s;
	set_cookie(req, resp, "", 0);
	resp->status = 204;
	resp->audit_object_id = req->who->user.id;
	return EP_OK;
}

ep_status ep_api_session(ep_req *req, ep_resp *resp)
{
	return ep_resp_json(resp, whoami(req->who, req->who->csrf));
}

ep_status ep_api_password(ep_req *req, ep_resp *resp)
{
	static const char *const names[] = {"current_password", "new_password", NULL};
	const char *v[2] = {NULL, NULL};
	ep_status s = text_fields(req, resp, names, v, 1024);
	if (s != EP_OK)
		return s;
	if (!v[0])
		ep_errs_add(&resp->problems, EP_E_INVALID, "current_password", "is required");
	if (!v[1])
		ep_errs_add(&resp->problems, EP_E_INVALID, "new_password", "is required");
	if (ep_errs_count(&resp->problems))
		return EP_E_INVALID;
	ep_auth_ctx c = ctx_of(req);
	ep_login l;
	if ((s = ep_auth_change_password(&c, req->who, v[0], v[1], &l, &resp->problems, &resp->err)) != EP_OK)
		return s;
	resp->audit_object_id = req->who->user.id;
	json_t *o = json_object();
	json_object_set_new(o, "changed", json_true());
	if (l.session[0]) {
		set_cookie(req, resp, l.session, EP_SESSION_ABSOLUTE_S);
		json_object_set_new(o, "csrf_token", json_string(l.csrf));
	}
	return ep_resp_json(resp, o);
}

ep_status ep_api_totp_begin(ep_req *req, ep_resp *resp)
{
	/* Replacing a second factor takes the password: a session alone (which may have been left
	 * open, or stolen) must not be enough to move the account to someone else's phone. */
	if (req->who->user.totp_secret[0]) {
		static const char *const names[] = {"current_password", NULL};
		const char *v[1] = {NULL};
		ep_status s = text_fields(req, resp, names, v, 1024);
		if (s != EP_OK)
			return s;
		if (!v[0] || !ep_password_verify(req->who->user.password_hash, v[0])) {
			ep_errs_add(&resp->problems, EP_E_INVALID, "current_password",
				    "replacing the TOTP secret needs your current password");
			return EP_E_INVALID;
		}
	}
	ep_auth_ctx c = ctx_of(req);
	char secret[64], uri[512];
	char *svg = NULL;
	ep_status s = ep_auth_totp_begin(&c, req->who, secret, uri, sizeof uri, &svg, &resp->err);
	if (s != EP_OK)
		return s;
	resp->audit_object_id = req->who->user.id;
	json_t *o = json_object();
	json_object_set_new(o, "secret", json_string(secret));
	json_object_set_new(o, "otpauth_uri", json_string(uri));
	json_object_set_new(o, "qr_svg", json_string(svg));
	free(svg);
	resp->status = 201;
	return ep_resp_json(resp, o);
}

ep_status ep_api_totp_confirm(ep_req *req, ep_resp *resp)
{
	static const char *const names[] = {"code", NULL};
	const char *v[1] = {NULL};
	ep_status s = text_fields(req, resp, names, v, 16);
	if (s == EP_OK && !v[0]) {
		ep_errs_add(&resp->problems, EP_E_INVALID, "code", "is required");
		return EP_E_INVALID;
	}
	if (s != EP_OK)
		return s;
	ep_auth_ctx c = ctx_of(req);
	if ((s = ep_auth_totp_confirm(&c, req->who, v[0], &resp->err)) != EP_OK)
		return s;
	resp->audit_object_id = req->who->user.id;
	json_t *o = json_object();
	json_object_set_new(o, "totp", json_true());
	return ep_resp_json(resp, o);
}

ep_status ep_api_tokens_list(ep_req *req, ep_resp *resp)
{
	json_t *items;
	ep_status s = ep_db_tokens_json(req->db, req->who->user.id, &items, &resp->err);
	if (s != EP_OK)
		return s;
	return ep_resp_page(resp, items);
}

ep_status ep_api_token_create(ep_req *req, ep_resp *resp)
{
	if (!req->body)
		return ep_err_set(&resp->err, EP_E_INVALID, "body", "this request needs a JSON object as its body");
	const char *k;
	json_t *v, *name = NULL, *days = NULL;
	json_object_foreach(req->body, k, v)
	{
		if (strcmp(k, "name") == 0)
			name = v;
		else if (strcmp(k, "expires_days") == 0)
			days = v;
		else
			ep_errs_add(&resp->problems, EP_E_INVALID, k, "unknown field '%.64s'", k);
	}
	if (!json_is_string(name) || json_string_length(name) < 1 || json_string_length(name) > 128)
		ep_errs_add(&resp->problems, EP_E_INVALID, "name", "is required: a text of 1 to 128 bytes saying what the token is for");
	if (days && (!json_is_integer(days) || json_integer_value(days) < 1 || json_integer_value(days) > 366))
		ep_errs_add(&resp->problems, EP_E_INVALID, "expires_days", "must be a whole number of days, 1 to 366");
	if (ep_errs_count(&resp->problems))
		return EP_E_INVALID;
	ep_auth_ctx c = ctx_of(req);
	char token[EP_TOKEN_LEN];
	int64_t id;
	int64_t d = days ? (int64_t)json_integer_value(days) : 90;
	ep_status s = ep_auth_token_new(&c, req->who, json_string_value(name), d, token, &id, &resp->err);
	if (s != EP_OK)
		return s;
	resp->audit_object_id = id;
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(id));
	json_object_set_new(o, "name", json_string(json_string_value(name)));
	json_object_set_new(o, "token", json_string(token));
	char at[EP_TIMESTAMP_LEN];
	ep_time_format(c.now + d * 86400, at);
	json_object_set_new(o, "expires_at", json_string(at));
	resp->status = 201;
	return ep_resp_json(resp, o);
}

ep_status ep_api_token_revoke(ep_req *req, ep_resp *resp)
{
	ep_auth_ctx c = ctx_of(req);
	ep_status s = ep_auth_token_revoke(&c, req->who, req->ids[0], &resp->err);
	if (s == EP_E_NOTFOUND)
		return ep_err_set(&resp->err, EP_E_NOTFOUND, NULL, "you have no API token %lld", (long long)req->ids[0]);
	if (s != EP_OK)
		return s;
	resp->status = 204;
	return EP_OK;
}
