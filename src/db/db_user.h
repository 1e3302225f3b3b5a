/*
 * Storage of people: accounts, their scoped roles, sessions and API tokens (schema 1 and 4).
 * Sessions and tokens are looked up by the SHA-256 of what the client holds; the database
 * never has the secret itself.
 */
#ifndef EP_DB_USER_H
#define EP_DB_USER_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"

#define EP_USERNAME_MAX 64
#define EP_ROLES_MAX 64

typedef struct ep_user {
	int64_t id;
	char username[EP_USERNAME_MAX + 1];
	char display_name[257];
	char email[257];
	int64_t org_id;       /* 0: none */
	char org_code[33];    /* "" without an organisation */
	char org_kind[32];    /* organisations.kind: member_state, third_country, private_partner, ... */
	char org_country[3];  /* "" when the organisation has no country */
	int clearance;        /* ep_class */
	bool disabled;
	char password_hash[128]; /* "" when no password is set */
	char totp_secret[64];    /* active secret (base32), "" when not enrolled */
	char totp_pending[64];   /* secret being enrolled, "" when none */
	int64_t totp_last_step;
	int64_t version;
} ep_user;

typedef struct ep_user_role {
	int64_t id;
	char role[24];        /* admin, cosi_member, ..., public */
	char scope_kind[12];  /* global, country, priority, oap, action */
	int64_t scope_id;     /* priority, OAP or action id; 0 otherwise */
	char scope_country[3];
} ep_user_role;

/* EP_E_NOTFOUND when there is no such account. */
ep_status ep_db_user_by_name(ep_db *db, const char *username, ep_user *u, ep_err *err);
ep_status ep_db_user_by_id(ep_db *db, int64_t id, ep_user *u, ep_err *err);
/* Up to max roles of the user in a stable order (id); *n gets how many. */
ep_status ep_db_user_roles(ep_db *db, int64_t user_id, ep_user_role *roles, size_t max, size_t *n, ep_err *err);
/* Creates an account (created_at now). EP_E_CONFLICT (field "username") when the name is taken.
 * password_hash may be NULL (no password yet: cannot sign in). */
ep_status ep_db_user_insert(ep_db *db, const char *username, const char *display_name, const char *email,
			    int64_t org_id, int clearance, const char *password_hash, int64_t *id, ep_err *err);
/* Sets the password hash and password_changed_at, bumps version, and ends every session of
 * the user. */
ep_status ep_db_user_set_password(ep_db *db, int64_t id, const char *password_hash, ep_err *err);
/* Disables (or enables) the account, bumps version; disabling ends every session and revokes
 * every API token. */
ep_status ep_db_user_set_disabled(ep_db *db, int64_t id, bool disabled, ep_err *err);
/* Sets the active and pending TOTP secrets (NULL clears either); resets totp_last_step to 0
 * when the active secret changes. */
ep_status ep_db_user_set_totp(ep_db *db, int64_t id, const char *secret, const char *pending, ep_err *err);
/* Records the step of an accepted TOTP code, only if it is later than the one stored:
 * EP_E_CONFLICT when it is not (the same code raced in twice). */
ep_status ep_db_user_totp_used(ep_db *db, int64_t id, int64_t step, ep_err *err);
/* Changes the details of an account at version (EP_E_CONFLICT, field "version", when it is
 * stale); display_name and email "" or NULL store none, org_id 0 none. */
ep_status ep_db_user_update(ep_db *db, int64_t id, int64_t version, const char *display_name, const char *email,
			    int64_t org_id, int clearance, ep_err *err);
/* How many enabled accounts hold the administrator role. */
ep_status ep_db_admins_enabled(ep_db *db, int64_t *n, ep_err *err);
/* Grants a role. scope_id 0 and country NULL where the scope kind has none. EP_E_CONFLICT when
 * the user already holds exactly that role, EP_E_LIMIT when it holds EP_ROLES_MAX already. *id
 * may be NULL. */
ep_status ep_db_role_add(ep_db *db, int64_t user_id, const char *role, const char *scope_kind, int64_t scope_id,
			 const char *country, int64_t *id, ep_err *err);
/* Withdraws a role; EP_E_NOTFOUND when the user does not hold it. */
ep_status ep_db_role_remove(ep_db *db, int64_t user_id, const char *role, const char *scope_kind, int64_t scope_id,
			    const char *country, ep_err *err);
/* Every account as JSON objects {id, username, display_name, email, org_id, org_code,
 * clearance (token), disabled, totp (bool: enrolled), roles: [{id, role, scope_kind, scope_id,
 * scope_country}], version}, in username order. */
ep_status ep_db_users_json(ep_db *db, json_t **items, ep_err *err);
/* One account as above. */
ep_status ep_db_user_json(ep_db *db, int64_t id, json_t **out, ep_err *err);
/* The id of the organisation with code; EP_E_NOTFOUND if none. */
ep_status ep_db_org_id_by_code(ep_db *db, const char *code, int64_t *id, ep_err *err);

/* ---- sessions ---- */
typedef struct ep_session {
	int64_t id;
	int64_t user_id;
	char csrf[64];
	char state[8]; /* "full" or "enrol" */
	int64_t created_at, seen_at; /* unix seconds */
} ep_session;

ep_status ep_db_session_insert(ep_db *db, const unsigned char hash[32], int64_t user_id, const char *csrf,
			       const char *state, int64_t now, const char *address, int64_t *id, ep_err *err);
/* EP_E_NOTFOUND when no session has that hash. */
ep_status ep_db_session_get(ep_db *db, const unsigned char hash[32], ep_session *s, ep_err *err);
ep_status ep_db_session_touch(ep_db *db, int64_t id, int64_t now, ep_err *err);
ep_status ep_db_session_set_state(ep_db *db, int64_t id, const char *state, ep_err *err);
ep_status ep_db_session_delete(ep_db *db, int64_t id, ep_err *err);
/* Ends every session of the user except except_id (0: all). */
ep_status ep_db_sessions_end_user(ep_db *db, int64_t user_id, int64_t except_id, ep_err *err);
/* Removes sessions idle since before idle_before or created before created_before. */
ep_status ep_db_sessions_expire(ep_db *db, int64_t idle_before, int64_t created_before, ep_err *err);

/* ---- API tokens ---- */
typedef struct ep_api_token {
	int64_t id, user_id, created_at, expires_at, revoked_at; /* revoked_at 0: not revoked */
	char name[129];
} ep_api_token;

ep_status ep_db_token_insert(ep_db *db, int64_t user_id, const char *name, const unsigned char hash[32], int64_t now,
			     int64_t expires_at, int64_t *id, ep_err *err);
/* EP_E_NOTFOUND when no token has that hash (revoked and expired ones are found; the caller
 * decides). */
ep_status ep_db_token_get(ep_db *db, const unsigned char hash[32], ep_api_token *t, ep_err *err);
/* Revokes a token of the user; EP_E_NOTFOUND when the user has no such token. */
ep_status ep_db_token_revoke(ep_db *db, int64_t user_id, int64_t id, int64_t now, ep_err *err);
/* The user's tokens as JSON {id, name, created_at, expires_at, revoked_at} (times ISO 8601). */
ep_status ep_db_tokens_json(ep_db *db, int64_t user_id, json_t **items, ep_err *err);

#endif
