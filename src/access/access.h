/*
 * Who the caller is and what it may do. A principal is built once per request from its
 * account, organisation, clearance and scoped roles; the one permission table (policy.c) says
 * which roles hold which permission, everywhere or only within their scope; ep_access_check is
 * the one policy check the router calls before any handler. What a principal may read becomes
 * an ep_vis, which the storage layer turns into SQL conditions, so that lists and searches
 * never select what the caller may not see.
 */
#ifndef EP_ACCESS_ACCESS_H
#define EP_ACCESS_ACCESS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/classif.h"
#include "core/status.h"
#include "db/db_res.h"
#include "db/db_user.h"

typedef enum ep_role {
	EP_ROLE_ADMIN,
	EP_ROLE_COSI,
	EP_ROLE_GSC,
	EP_ROLE_COMMISSION,
	EP_ROLE_EST,
	EP_ROLE_NEC,
	EP_ROLE_DRIVER,
	EP_ROLE_CO_DRIVER,
	EP_ROLE_ACTION_LEADER,
	EP_ROLE_CO_ACTION_LEADER,
	EP_ROLE_PARTICIPANT,
	EP_ROLE_OBSERVER,
	EP_ROLE_PUBLIC,
	EP_ROLE_COUNT
} ep_role;

#define EP_ROLE_BIT(r) (1u << (r))

/* "admin", "cosi_member", ...: the tokens of the database and the API; -1 if unknown. */
const char *ep_role_token(ep_role r);
int ep_role_parse(const char *token);
/* "Administrator", "COSI member", ...: for documents and pages. */
const char *ep_role_title(ep_role r);

typedef enum ep_auth_kind { EP_AUTH_NONE, EP_AUTH_SESSION, EP_AUTH_TOKEN } ep_auth_kind;

typedef struct ep_grant {
	ep_role role;
	char scope_kind[12]; /* global, country, priority, oap, action */
	int64_t scope_id;
	char country[3];
} ep_grant;

typedef struct ep_principal {
	ep_auth_kind auth;
	ep_user user;       /* id 0 when anonymous */
	ep_grant grants[EP_ROLES_MAX];
	size_t ngrants;
	int64_t session_id; /* the cookie session, or 0 */
	char csrf[64];      /* its CSRF token */
	bool enrol_only;    /* signed in with a password but owes TOTP enrolment */
	ep_vis vis;         /* what it may read (its lists point into scope_lists) */
	char scope_lists[3][EP_ROLES_MAX * 21 + 3]; /* JSON arrays of priority, OAP and action ids */
	int64_t token_expires_at; /* for an API token: when it expires (unix seconds) */
	int max_class;      /* the installation's accredited level */
	char vis_key[160];  /* a digest of vis, for keys of cached responses */
} ep_principal;

/* The anonymous caller: the public role, unclassified, no LIMITE. */
void ep_principal_anonymous(ep_principal *p);
/* Loads the account's roles and derives what it may read. max_class caps the clearance at the
 * installation's accredited level. */
ep_status ep_principal_load(ep_db *db, int64_t user_id, ep_class max_class, ep_arena *arena, ep_principal *p,
			    ep_err *err);
/* Derives vis and vis_key from the user and grants already in p. vis_key digests everything
 * the answer to a read may depend on: clearance, LIMITE, the roles held and every scope. */
void ep_principal_derive(ep_principal *p, ep_class max_class, ep_arena *arena);
/* Copies a principal (its vis lists point into its own buffers). */
void ep_principal_copy(ep_principal *dst, const ep_principal *src);
/* The caller's name for audit records: the user name, or "anonymous". */
const char *ep_principal_name(const ep_principal *p);

/* The fields of an operational action that say how it is run, not what the plan commits to:
 * what its Action Leaders may change, and all that may change once its OAP is adopted. */
extern const char *const ep_operational_fields[];

/* ---- the permission table ---- */

typedef struct ep_perm {
	const char *name;     /* "actions.write", "oaps.transition.adopted", ... */
	unsigned anywhere;    /* roles that hold it on every object */
	unsigned in_scope;    /* roles that hold it on objects of their scope */
	unsigned limited;     /* of those, roles that may change only the fields below */
	const char *const *fields;
	const char *doc;      /* one sentence, for docs/access.md */
} ep_perm;

const ep_perm *ep_perms(size_t *n);
const ep_perm *ep_perm_find(const char *name);

/* What the policy check needs to know about the request's target. */
typedef struct ep_target {
	bool has_scope;     /* the route names an object (or a parent) in the plan */
	ep_scope scope;
	const char *country; /* the country of an organisation the request is about, or NULL */
	json_t *body;       /* the request's body, or NULL: fields written */
	bool writes;        /* the request changes something */
	bool scoped;        /* a read that a scoped role may make only on objects of its scope, as a write */
} ep_target;

/* The one policy check: EP_OK when p holds permission on the target. EP_E_DENIED with a
 * message naming what is missing (a role, a scope, a field the role may not change, a
 * classification above the caller's clearance). The permission "public" is held by everyone,
 * "session" by every signed-in caller. An unknown permission is always denied. */
ep_status ep_access_check(const ep_principal *p, const char *permission, const ep_target *t, ep_err *err);

/* Writes docs/access.md (Markdown) from the permission table. */
char *ep_access_doc_markdown(void);

#endif
