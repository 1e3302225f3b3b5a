/*
 * Authentication: who a request comes from. Sign-in with a password (and a TOTP code for
 * accounts that have one, which every account with a clearance must), cookie sessions with an
 * idle and an absolute lifetime, and API tokens for scripts. Every function here that changes
 * something writes its audit record in the same transaction.
 */
#ifndef EP_ACCESS_AUTH_H
#define EP_ACCESS_AUTH_H

#include <stdbool.h>
#include <stdint.h>

#include "access/access.h"
#include "access/throttle.h"
#include "access/token.h"
#include "core/arena.h"
#include "core/classif.h"
#include "db/db.h"

#define EP_SESSION_IDLE_S (30 * 60)
#define EP_SESSION_ABSOLUTE_S (12 * 60 * 60)
/* A session's last use is written at most this often, so that reads do not all become writes. */
#define EP_SESSION_TOUCH_S 60

/* Where a request comes from, for audit records and throttling. */
typedef struct ep_auth_ctx {
	ep_db *db;
	ep_class max_class;
	ep_arena *arena;
	const char *address;    /* client address */
	const char *request_id;
	ep_throttle *throttle;  /* NULL: none */
	const char *anchor;     /* the audit anchor file, or NULL */
	int64_t now;            /* unix seconds */
} ep_auth_ctx;

/* What a successful sign-in gives the client. */
typedef struct ep_login {
	char session[EP_TOKEN_LEN]; /* the cookie value */
	char csrf[EP_TOKEN_LEN];
	bool enrol_only;            /* TOTP enrolment is owed before anything else */
	int64_t user_id;
	int retry_after;            /* when throttled: seconds to wait */
	bool totp_required;         /* the password was right but a TOTP code is missing */
} ep_login;

/* Signs in. EP_E_INVALID with the one message "wrong user name or password" for an unknown
 * user, a disabled account, an account without a password and a wrong password alike;
 * EP_E_INVALID (field "totp") when a code is missing (out->totp_required), malformed, wrong or
 * replayed; EP_E_LIMIT when throttled (out->retry_after). Writes the audit record of the attempt
 * (ok or failed) in the transaction that creates the session. */
ep_status ep_auth_login(const ep_auth_ctx *c, const char *username, const char *password, const char *totp,
			ep_login *out, ep_err *err);

/* The principal of a session cookie. EP_E_DENIED ("the session has expired or ended") when it
 * is unknown, idle too long, too old, or its account is disabled; an expired session is
 * removed. */
ep_status ep_auth_session(const ep_auth_ctx *c, const char *cookie, ep_principal *p, ep_err *err);
/* The principal of an API token; EP_E_DENIED when it is unknown, revoked, expired or its
 * account is disabled. */
ep_status ep_auth_token(const ep_auth_ctx *c, const char *token, ep_principal *p, ep_err *err);
/* Ends the caller's session. */
ep_status ep_auth_logout(const ep_auth_ctx *c, const ep_principal *p, ep_err *err);
/* Changes the caller's password after checking the current one and the policy: every session of
 * the account ends, and a new one is issued (out). */
ep_status ep_auth_change_password(const ep_auth_ctx *c, const ep_principal *p, const char *current,
				  const char *next, ep_login *out, ep_errs *problems, ep_err *err);
/* Starts TOTP enrolment: a new pending secret, its otpauth URI and QR code (SVG, malloc'd). */
ep_status ep_auth_totp_begin(const ep_auth_ctx *c, const ep_principal *p, char secret[64], char *uri, size_t urin,
			     char **svg, ep_err *err);
/* Completes enrolment with a code of the pending secret; an enrol-only session becomes full. */
ep_status ep_auth_totp_confirm(const ep_auth_ctx *c, const ep_principal *p, const char *code, ep_err *err);
/* A new API token for the caller (printed once); days 1..366. */
ep_status ep_auth_token_new(const ep_auth_ctx *c, const ep_principal *p, const char *name, int64_t days,
			    char token[EP_TOKEN_LEN], int64_t *id, ep_err *err);
ep_status ep_auth_token_revoke(const ep_auth_ctx *c, const ep_principal *p, int64_t id, ep_err *err);

#endif
