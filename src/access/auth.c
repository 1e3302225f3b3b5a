/*
 * Sign-in, sessions and API tokens (see auth.h). A wrong password and an unknown user get the
 * same answer after the same work (a dummy Argon2id verification), and throttling is checked
 * before any password is looked at, keyed by the name as typed, so that it reveals nothing
 * either. Session ids and tokens are random, shown to the client once and stored as SHA-256.
 */
#include "access/auth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access/password.h"
#include "access/qr.h"
#include "access/totp.h"
#include "audit/audit.h"
#include "core/log.h"
#include "db/db_user.h"
#include "core/banned.h"

#define WRONG "wrong user name or password"

/* Appends an audit record about the account (inside the open transaction, if any) and, when
 * it committed on its own, anchors it. */
static ep_status record(const ep_auth_ctx *c, const ep_user *u, const char *name, const char *action,
			const char *outcome, const char *detail, ep_err *err)
{
	ep_audit_rec r = {
		.actor_id = u ? u->id : 0,
		.actor = u ? u->username : name,
		.org_code = u && u->org_code[0] ? u->org_code : NULL,
		.action = action,
		.object_kind = u ? "users" : NULL,
		.object_id = u ? u->id : 0,
		.outcome = outcome,
		.request_id = c->request_id,
		.detail = detail,
	};
	int64_t id;
	char head[EP_AUDIT_HASH_HEX];
	bool own = !ep_db_in_transaction(c->db);
	ep_status s = ep_audit_append(c->db, &r, &id, head, err);
	if (s == EP_OK && own)
		ep_audit_anchor(c->anchor, id, head, NULL);
	return s;
}

/* Commits and anchors the head of the chain. */
static ep_status commit(const ep_auth_ctx *c, ep_err *err)
{
	ep_status s = ep_db_commit(c->db, err);
	if (s == EP_OK && !ep_db_in_transaction(c->db))
		ep_audit_anchor_head(c->db, c->anchor, NULL);
	return s;
}

static ep_status new_session(const ep_auth_ctx *c, const ep_user *u, bool enrol, ep_login *out, ep_err *err)
{
	unsigned char hash[EP_TOKEN_HASH];
	ep_token_new(EP_TOKEN_SESSION, out->session);
	ep_token_new(EP_TOKEN_CSRF, out->csrf);
	ep_token_hash(out->session, hash);
	out->enrol_only = enrol;
	out->user_id = u->id;
	int64_t sid;
	return ep_db_session_insert(c->db, hash, u->id, out->csrf, enrol ? "enrol" : "full", c->now, c->address, &sid,
				    err);
}

ep_status ep_auth_login(const ep_auth_ctx *c, const char *username, const char *password, const char *totp,
			ep_login *out, ep_err *err)
{
	memset(out, 0, sizeof *out);
	const char *addr = c->address ? c->address : "-";
	if (c->throttle) {
		int wait = ep_throttle_wait(c->throttle, username, addr, (time_t)c->now);
		if (wait > 0) {
			out->retry_after = wait;
			record(c, NULL, username, "auth.login", "denied", "throttled", NULL);
			return ep_err_set(err, EP_E_LIMIT, NULL, "too many failed sign-ins: try again in %d seconds", wait);
		}
	}
	ep_user u;
	ep_err e;
	ep_status s = ep_db_user_by_name(c->db, username, &u, &e);
	if (s != EP_OK && s != EP_E_NOTFOUND)
		return ep_err_set(err, s, NULL, "%s", e.msg);
	bool known = s == EP_OK && u.password_hash[0];
	bool good = false;
	if (known)
		good = ep_password_verify(u.password_hash, password);
	else
		ep_password_verify_dummy(password);
	if (!good || u.disabled) {
		if (c->throttle)
			ep_throttle_fail(c->throttle, username, addr, (time_t)c->now);
		record(c, s == EP_OK ? &u : NULL, username, "auth.login", "failed",
		       !known ? "unknown user or no password" : !good ? "wrong password" : "account disabled", NULL);
		return ep_err_set(err, EP_E_INVALID, "password", WRONG);
	}
	int64_t step = 0;
	if (u.totp_secret[0]) {
		if (!totp || !totp[0]) {
			out->totp_required = true;
			record(c, &u, username, "auth.login", "failed", "TOTP code missing", NULL);
			return ep_err_set(err, EP_E_INVALID, "totp", "this account needs its TOTP code: send it as \"totp\"");
		}
		if ((s = ep_totp_check(u.totp_secret, totp, (time_t)c->now, u.totp_last_step, &step, err)) != EP_OK) {
			if (c->throttle)
				ep_throttle_fail(c->throttle, username, addr, (time_t)c->now);
			record(c, &u, username, "auth.login", "failed", "wrong or replayed TOTP code", NULL);
			return s;
		}
	}
	bool enrol = !u.totp_secret[0] && u.clearance > 0;
	if ((s = ep_db_begin(c->db, err)) != EP_OK)
		return s;
	if (step && (s = ep_db_user_totp_used(c->db, u.id, step, err)) != EP_OK) {
		ep_db_rollback(c->db);
		record(c, &u, username, "auth.login", "failed", "replayed TOTP code", NULL);
		return ep_err_set(err, EP_E_INVALID, "totp", "the code is wrong or already used");
	}
	/* Sign-ins also sweep away sessions that can no longer be used, so that the table keeps
	 * only live ones without a housekeeping thread. */
	if ((s = ep_db_sessions_expire(c->db, c->now - EP_SESSION_IDLE_S, c->now - EP_SESSION_ABSOLUTE_S, err)) != EP_OK ||
	    (s = new_session(c, &u, enrol, out, err)) != EP_OK ||
	    (s = record(c, &u, username, "auth.login", "ok", enrol ? "TOTP enrolment owed" : NULL, err)) != EP_OK ||
	    (s = commit(c, err)) != EP_OK) {
		ep_db_rollback(c->db);
		return s;
	}
	if (c->throttle)
		ep_throttle_ok(c->throttle, username, addr, (time_t)c->now);
	return EP_OK;
}

static ep_status principal_of(const ep_auth_ctx *c, int64_t user_id, ep_principal *p, ep_err *err)
{
	ep_status s = ep_principal_load(c->db, user_id, c->max_class, c->arena, p, err);
	if (s == EP_E_NOTFOUND)
		return ep_err_set(err, EP_E_DENIED, NULL, "the account no longer exists");
	if (s == EP_OK && p->user.disabled)
		return ep_err_set(err, EP_E_DENIED, NULL, "the account is disabled");
	return s;
}

ep_status ep_auth_session(const ep_auth_ctx *c, const char *cookie, ep_principal *p, ep_err *err)
{
	if (!ep_token_well_formed(EP_TOKEN_SESSION, cookie))
		return ep_err_set(err, EP_E_DENIED, NULL, "the session has expired or ended: sign in again");
	unsigned char hash[EP_TOKEN_HASH];
	ep_token_hash(cookie, hash);
	ep_session ss;
	ep_err e;
	ep_status s = ep_db_session_get(c->db, hash, &ss, &e);
	if (s == EP_E_NOTFOUND)
		return ep_err_set(err, EP_E_DENIED, NULL, "the session has expired or ended: sign in again");
	if (s != EP_OK)
		return ep_err_set(err, s, NULL, "%s", e.msg);
	if (ss.seen_at + EP_SESSION_IDLE_S <= c->now || ss.created_at + EP_SESSION_ABSOLUTE_S <= c->now) {
		ep_db_session_delete(c->db, ss.id, NULL);
		return ep_err_set(err, EP_E_DENIED, NULL, "the session has expired or ended: sign in again");
	}
	if ((s = principal_of(c, ss.user_id, p, err)) != EP_OK)
		return s;
	p->auth = EP_AUTH_SESSION;
	p->session_id = ss.id;
	snprintf(p->csrf, sizeof p->csrf, "%s", ss.csrf);
	p->enrol_only = strcmp(ss.state, "enrol") == 0;
	if (c->now - ss.seen_at >= EP_SESSION_TOUCH_S)
		ep_db_session_touch(c->db, ss.id, c->now, NULL);
	return EP_OK;
}

ep_status ep_auth_token(const ep_auth_ctx *c, const char *token, ep_principal *p, ep_err *err)
{
	if (!ep_token_well_formed(EP_TOKEN_API, token))
		return ep_err_set(err, EP_E_DENIED, NULL, "the API token is not valid (unknown, expired or revoked)");
	unsigned char hash[EP_TOKEN_HASH];
	ep_token_hash(token, hash);
	ep_api_token t;
	ep_err e;
	ep_status s = ep_db_token_get(c->db, hash, &t, &e);
	if (s == EP_E_NOTFOUND || (s == EP_OK && (t.revoked_at || t.expires_at <= c->now)))
		return ep_err_set(err, EP_E_DENIED, NULL, "the API token is not valid (unknown, expired or revoked)");
	if (s != EP_OK)
		return ep_err_set(err, s, NULL, "%s", e.msg);
	if ((s = principal_of(c, t.user_id, p, err)) != EP_OK)
		return s;
	p->auth = EP_AUTH_TOKEN;
	p->token_expires_at = t.expires_at;
	return EP_OK;
}

ep_status ep_auth_logout(const ep_auth_ctx *c, const ep_principal *p, ep_err *err)
{
	if (!p->session_id)
		return ep_err_set(err, EP_E_INVALID, NULL, "there is no session to end: the request did not come with one");
	return ep_db_session_delete(c->db, p->session_id, err);
}

ep_status ep_auth_change_password(const ep_auth_ctx *c, const ep_principal *p, const char *current,
				  const char *next, ep_login *out, ep_errs *problems, ep_err *err)
{
	memset(out, 0, sizeof *out);
	if (!ep_password_verify(p->user.password_hash, current ? current : "")) {
		ep_errs_add(problems, EP_E_INVALID, "current_password", "is not your current password");
		return EP_E_INVALID;
	}
	ep_err e;
	if (ep_password_check_policy(next, p->user.username, p->user.org_code, &e) != EP_OK) {
		ep_errs_add(problems, EP_E_INVALID, "new_password", "%s", e.msg);
		return EP_E_INVALID;
	}
	ep_password_cost cost = ep_password_cost_default();
	char hash[EP_PASSWORD_HASH_MAX];
	ep_status s = ep_password_hash(next, &cost, hash, err);
	if (s != EP_OK)
		return s;
	/* The caller's transaction (the router's) holds the change and its audit record. */
	if ((s = ep_db_user_set_password(c->db, p->user.id, hash, err)) != EP_OK)
		return s;
	return p->auth == EP_AUTH_SESSION ? new_session(c, &p->user, p->enrol_only, out, err) : EP_OK;
}

ep_status ep_auth_totp_begin(const ep_auth_ctx *c, const ep_principal *p, char secret[64], char *uri, size_t urin,
			     char **svg, ep_err *err)
{
	char s32[EP_TOTP_SECRET_B32];
	ep_status s = ep_totp_secret_new(s32, err);
	if (s != EP_OK || (s = ep_totp_uri("empact", p->user.username, s32, uri, urin, err)) != EP_OK)
		return s;
	snprintf(secret, 64, "%s", s32);
	if ((s = ep_qr_svg(uri, "QR code to add empact to an authenticator app", svg, err)) != EP_OK)
		return s;
	s = ep_db_user_set_totp(c->db, p->user.id, p->user.totp_secret[0] ? p->user.totp_secret : NULL, s32, err);
	if (s != EP_OK) {
		free(*svg);
		*svg = NULL;
	}
	return s;
}

ep_status ep_auth_totp_confirm(const ep_auth_ctx *c, const ep_principal *p, const char *code, ep_err *err)
{
	if (!p->user.totp_pending[0])
		return ep_err_set(err, EP_E_CONFLICT, "code", "there is no enrolment to confirm: start one with POST /api/v1/auth/totp");
	int64_t step;
	ep_status s = ep_totp_check(p->user.totp_pending, code, (time_t)c->now, 0, &step, err);
	if (s != EP_OK)
		return s;
	if ((s = ep_db_user_set_totp(c->db, p->user.id, p->user.totp_pending, NULL, err)) != EP_OK ||
	    (s = ep_db_user_totp_used(c->db, p->user.id, step, err)) != EP_OK)
		return s;
	if (p->session_id && p->enrol_only)
		s = ep_db_session_set_state(c->db, p->session_id, "full", err);
	return s;
}

ep_status ep_auth_token_new(const ep_auth_ctx *c, const ep_principal *p, const char *name, int64_t days,
			    char token[EP_TOKEN_LEN], int64_t *id, ep_err *err)
{
	if (days < 1 || days > 366)
		return ep_err_set(err, EP_E_INVALID, "expires_days", "must be 1 to 366 days");
	unsigned char hash[EP_TOKEN_HASH];
	ep_token_new(EP_TOKEN_API, token);
	ep_token_hash(token, hash);
	return ep_db_token_insert(c->db, p->user.id, name, hash, c->now, c->now + days * 86400, id, err);
}

ep_status ep_auth_token_revoke(const ep_auth_ctx *c, const ep_principal *p, int64_t id, ep_err *err)
{
	return ep_db_token_revoke(c->db, p->user.id, id, c->now, err);
}
