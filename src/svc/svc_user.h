/*
 * Accounts as administrators manage them, from the command line (`empact user`) and from the
 * web UI and API: the rules for user names, the roles and the scope each takes, and the changes
 * themselves. Both front ends check input here, so an account made one way obeys the same rules
 * as one made the other. The caller holds the transaction and writes the audit record; a
 * failure changes nothing once the caller rolls back.
 */
#ifndef EP_SVC_USER_H
#define EP_SVC_USER_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/config.h"
#include "db/db.h"

#define EP_ROLE_LIST                                                                                        \
	"admin, cosi_member, council_secretariat, commission, est, nec, driver, co_driver, action_leader, " \
	"co_action_leader, participant, observer, public"

/* A role token and the scope kinds it takes (none: a global role). */
typedef struct ep_role_def {
	const char *name;
	const char *kinds[3];
	const char *scope_help; /* how to write its scope, for messages; NULL for a global role */
} ep_role_def;

const ep_role_def *ep_role_def_find(const char *name);
/* Every role, in the order of the permission table. */
const ep_role_def *ep_role_defs(size_t *n);

/* A role's scope as written on the command line and in the API: "country:NL", "priority:9",
 * "oap:1", "action:3"; "global" for a global role. */
typedef struct ep_role_scope {
	const char *kind; /* "global", "country", "priority", "oap", "action" */
	int64_t id;       /* 0 for global and country */
	char country[3];
	char text[64];
} ep_role_scope;

/* Parses the scope of role r (arg NULL or "" when none was given). EP_E_INVALID with field
 * "scope" and a message saying what the role takes (naming the --scope flag for the command
 * line when cli). */
ep_status ep_role_scope_parse(const ep_role_def *r, const char *arg, bool cli, ep_role_scope *sc, ep_err *err);
/* Whether what the scope names exists: a Member State organisation of that country, or the
 * priority, OAP or action. EP_E_INVALID (field "scope") when it does not. */
ep_status ep_role_scope_exists(ep_db *db, const ep_role_scope *sc, ep_err *err);

/* 1 to 64 of a-z, 0-9, '.', '_', '-', starting with a letter or digit. */
bool ep_username_ok(const char *s);
#define EP_USERNAME_RULE "use 1 to 64 of a-z, 0-9, '.', '_' and '-', starting with a letter or digit"

/* What an administrator may change of an account, checked against the account being changed
 * and the one changing it. */
typedef struct ep_user_admin {
	ep_db *db;
	const ep_config *cfg;
	int64_t actor_id; /* the administrator; never disables or resets themselves */
	char note[256];   /* what was done, for the audit record */
} ep_user_admin;

/* A new account: {"username", "password", "org_id", "clearance"?, "display_name"?, "email"?}. */
ep_status ep_svc_user_create(ep_user_admin *a, json_t *body, int64_t *id, ep_errs *errs, ep_err *err);
/* Changes an account at version: {"display_name"?, "email"?, "org_id"?, "clearance"?,
 * "disabled"?}. Disabling ends its sessions and revokes its API tokens. */
ep_status ep_svc_user_update(ep_user_admin *a, int64_t id, int64_t version, json_t *body, ep_errs *errs,
			     ep_err *err);
/* Grants a role: {"role", "scope"?}; *role_id gets the grant's id. */
ep_status ep_svc_user_role_grant(ep_user_admin *a, int64_t id, json_t *body, int64_t *role_id, ep_errs *errs,
				 ep_err *err);
/* Withdraws the grant role_id of the account. */
ep_status ep_svc_user_role_withdraw(ep_user_admin *a, int64_t id, int64_t role_id, ep_err *err);
/* Sets a new password chosen by the administrator: {"new_password"}; ends every session. */
ep_status ep_svc_user_password_reset(ep_user_admin *a, int64_t id, json_t *body, ep_errs *errs, ep_err *err);
/* Clears the account's second factor (a lost phone) at version: it enrols again at its next
 * sign-in. Ends every session. */
ep_status ep_svc_user_totp_reset(ep_user_admin *a, int64_t id, int64_t version, ep_err *err);

/* Every role with its title, the scope it takes and the permissions it holds, anywhere or only
 * within its scope: [{role, title, scope_kinds, permissions: [{name, where, doc}]}]. */
json_t *ep_svc_roles_json(void);

#endif
