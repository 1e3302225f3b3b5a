/*
 * Accounts as administrators manage them (see svc_user.h). Every change checks its whole input
 * first and reports each problem with its field; then it writes, and then it checks that the
 * installation still has an enabled administrator, so that nobody can lock everyone out by
 * disabling or demoting the last one (the caller rolls the change back).
 */
#include "svc/svc_user.h"

#include <stdio.h>
#include <string.h>

#include "access/access.h"
#include "access/password.h"
#include "core/classif.h"
#include "core/num.h"
#include "db/db_res.h"
#include "db/db_user.h"
#include "core/banned.h"

#define TEXT_MAX 256 /* display name and e-mail address */

/* In the order of ep_role (access.h), so that a role's permissions are found by its index. */
static const ep_role_def role_defs[] = {
	{"admin", {NULL}, NULL},
	{"cosi_member", {NULL}, NULL},
	{"council_secretariat", {NULL}, NULL},
	{"commission", {NULL}, NULL},
	{"est", {NULL}, NULL},
	{"nec", {"country", NULL}, "country:CC (the two-letter code of a Member State)"},
	{"driver", {"priority", "oap", NULL}, "priority:ID or oap:ID"},
	{"co_driver", {"priority", "oap", NULL}, "priority:ID or oap:ID"},
	{"action_leader", {"action", NULL}, "action:ID"},
	{"co_action_leader", {"action", NULL}, "action:ID"},
	{"participant", {"action", NULL}, "action:ID"},
	{"observer", {NULL}, NULL},
	{"public", {NULL}, NULL},
};
#define NROLES (sizeof role_defs / sizeof role_defs[0])
_Static_assert(NROLES == EP_ROLE_COUNT, "every role of the permission table has its scope here");

const ep_role_def *ep_role_defs(size_t *n)
{
	*n = NROLES;
	return role_defs;
}

const ep_role_def *ep_role_def_find(const char *name)
{
	for (size_t i = 0; name && i < NROLES; i++)
		if (strcmp(role_defs[i].name, name) == 0)
			return &role_defs[i];
	return NULL;
}

ep_status ep_role_scope_parse(const ep_role_def *r, const char *arg, bool cli, ep_role_scope *sc, ep_err *err)
{
	/* The command line names its flag; the API and the pages their field. */
	const char *no = cli ? "--scope" : "scope", *needs = cli ? "--scope " : "a scope: ", *takes = cli ? "--scope " : "the scope ";
	memset(sc, 0, sizeof *sc);
	if (arg && !arg[0])
		arg = NULL;
	if (!r->kinds[0]) {
		if (arg)
			return ep_err_set(err, EP_E_INVALID, "scope", "%s is a global role and takes no %s", r->name, no);
		sc->kind = "global";
		snprintf(sc->text, sizeof sc->text, "global");
		return EP_OK;
	}
	if (!arg)
		return ep_err_set(err, EP_E_INVALID, "scope", "%s needs %s%s", r->name, needs, r->scope_help);
	const char *colon = strchr(arg, ':');
	size_t klen = colon ? (size_t)(colon - arg) : strlen(arg);
	for (size_t i = 0; r->kinds[i]; i++)
		if (strlen(r->kinds[i]) == klen && strncmp(r->kinds[i], arg, klen) == 0)
			sc->kind = r->kinds[i];
	if (!sc->kind || !colon)
		return ep_err_set(err, EP_E_INVALID, "scope", "%s takes %s%s, not '%.64s'", r->name, takes,
				  r->scope_help, arg);
	const char *v = colon + 1;
	if (strcmp(sc->kind, "country") == 0) {
		if (strlen(v) != 2 || v[0] < 'A' || v[0] > 'Z' || v[1] < 'A' || v[1] > 'Z')
			return ep_err_set(err, EP_E_INVALID, "scope",
					  "'%.64s' is not a country code: give two upper-case letters (country:NL)", v);
		memcpy(sc->country, v, 3);
		snprintf(sc->text, sizeof sc->text, "country:%s", sc->country);
		return EP_OK;
	}
	if (ep_parse_i64z(v, 1, INT64_MAX, &sc->id) != EP_OK)
		return ep_err_set(err, EP_E_INVALID, "scope", "'%.64s' is not the id of a %s: give a whole number (%s:12)", v,
				  sc->kind, sc->kind);
	snprintf(sc->text, sizeof sc->text, "%s:%lld", sc->kind, (long long)sc->id);
	return EP_OK;
}

typedef struct country_find {
	const char *country;
	bool found;
} country_find;

static int find_member_state(void *ctx, const ep_org *o)
{
	country_find *c = ctx;
	if (o->kind && strcmp(o->kind, "member_state") == 0 && o->country && strcmp(o->country, c->country) == 0)
		c->found = true;
	return 0;
}

ep_status ep_role_scope_exists(ep_db *db, const ep_role_scope *sc, ep_err *err)
{
	if (strcmp(sc->kind, "global") == 0)
		return EP_OK;
	if (strcmp(sc->kind, "country") == 0) {
		country_find c = {.country = sc->country};
		ep_status s = ep_db_orgs_each(db, find_member_state, &c, err);
		if (s == EP_OK && !c.found)
			return ep_err_set(err, EP_E_INVALID, "scope", "no Member State organisation has the country '%s'",
					  sc->country);
		return s;
	}
	const char *res = strcmp(sc->kind, "priority") == 0 ? "priorities" : strcmp(sc->kind, "oap") == 0 ? "oaps" : "actions";
	ep_status s = ep_db_res_exists(db, res, sc->id, err);
	if (s == EP_E_NOTFOUND)
		return ep_err_set(err, EP_E_INVALID, "scope", "no %s %lld",
				  strcmp(sc->kind, "action") == 0 ? "operational action" : sc->kind, (long long)sc->id);
	return s;
}

bool ep_username_ok(const char *s)
{
	size_t n = strlen(s);
	if (n < 1 || n > EP_USERNAME_MAX)
		return false;
	if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= '0' && s[0] <= '9')))
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
			return false;
	}
	return true;
}

/* ---- the fields of a request ---- */

typedef struct fields {
	json_t *username, *password, *org_id, *clearance, *display_name, *email, *disabled;
} fields;

/* Picks the fields named in allowed out of body; any other is a problem. */
static void pick(json_t *body, const char *const *allowed, fields *f, ep_errs *errs)
{
	memset(f, 0, sizeof *f);
	const char *k;
	json_t *v;
	json_object_foreach(body, k, v)
	{
		bool ok = false;
		for (size_t i = 0; allowed[i]; i++)
			ok = ok || strcmp(allowed[i], k) == 0;
		if (!ok) {
			ep_errs_add(errs, EP_E_INVALID, k, "unknown field '%.64s'", k);
			continue;
		}
		json_t **slot = strcmp(k, "username") == 0	    ? &f->username
				: strcmp(k, "password") == 0	    ? &f->password
				: strcmp(k, "new_password") == 0    ? &f->password
				: strcmp(k, "org_id") == 0	    ? &f->org_id
				: strcmp(k, "clearance") == 0	    ? &f->clearance
				: strcmp(k, "display_name") == 0    ? &f->display_name
				: strcmp(k, "email") == 0	    ? &f->email
								    : &f->disabled;
		*slot = v;
	}
}

/* A text of 1 to TEXT_MAX bytes, or null / "" for none; *out gets it (NULL for none). */
static void optional_text(json_t *v, const char *name, const char **out, ep_errs *errs)
{
	*out = NULL;
	if (!v || json_is_null(v))
		return;
	if (!json_is_string(v) || json_string_length(v) > TEXT_MAX) {
		ep_errs_add(errs, EP_E_INVALID, name, "must be a text of at most %d bytes", TEXT_MAX);
		return;
	}
	if (json_string_length(v))
		*out = json_string_value(v);
}

static void check_email(const char *email, ep_errs *errs)
{
	if (email && (!strchr(email, '@') || strchr(email, ' ') || email[0] == '@'))
		ep_errs_add(errs, EP_E_INVALID, "email", "'%.64s' is not an e-mail address", email);
}

/* The organisation's code, or a problem when there is none with that id. */
static void check_org(ep_db *db, json_t *v, int64_t *org_id, char code[33], ep_errs *errs, ep_err *err,
		      ep_status *fault)
{
	*org_id = 0;
	code[0] = '\0';
	if (!json_is_integer(v) || json_integer_value(v) < 1) {
		ep_errs_add(errs, EP_E_INVALID, "org_id", "is required: the id of the account's organisation");
		return;
	}
	json_t *org = NULL;
	ep_status s = ep_db_res_get(db, ep_resdef_find("organisations"), (int64_t)json_integer_value(v), &org, err);
	if (s == EP_E_NOTFOUND) {
		ep_errs_add(errs, EP_E_INVALID, "org_id", "there is no organisation %lld", (long long)json_integer_value(v));
		return;
	}
	if (s != EP_OK) {
		*fault = s;
		return;
	}
	*org_id = (int64_t)json_integer_value(v);
	json_t *c = json_object_get(org, "code");
	snprintf(code, 33, "%s", json_is_string(c) ? json_string_value(c) : "");
	json_decref(org);
}

static void check_clearance(const ep_user_admin *a, json_t *v, int *level, ep_errs *errs)
{
	ep_class c;
	if (!json_is_string(v) || ep_class_parse(json_string_value(v), &c) != EP_OK) {
		ep_errs_add(errs, EP_E_INVALID, "clearance",
			    "must be unclassified, restreint_ue, confidentiel_ue, secret_ue or tres_secret_ue");
		return;
	}
	if (c > a->cfg->max_classification) {
		ep_errs_add(errs, EP_E_INVALID, "clearance",
			    "%s is above %s, the highest level this installation is accredited for", ep_class_token(c),
			    ep_class_token(a->cfg->max_classification));
		return;
	}
	*level = (int)c;
}

/* Checks a new password against the policy and hashes it. */
static void new_hash(json_t *v, const char *field, const char *username, const char *org_code,
		     char hash[EP_PASSWORD_HASH_MAX], ep_errs *errs, ep_status *fault, ep_err *err)
{
	if (!json_is_string(v) || !json_string_length(v)) {
		ep_errs_add(errs, EP_E_INVALID, field, "is required: the account's first password, which its holder changes");
		return;
	}
	ep_err perr;
	if (ep_password_check_policy(json_string_value(v), username, org_code, &perr) != EP_OK) {
		ep_errs_add(errs, EP_E_INVALID, field, "%s", perr.msg);
		return;
	}
	if (ep_errs_count(errs))
		return; /* no hashing, which is slow on purpose, for a request that fails anyway */
	ep_password_cost cost = ep_password_cost_default();
	if (ep_password_hash(json_string_value(v), &cost, hash, err) != EP_OK)
		*fault = EP_E_INTERNAL;
}

/* After a change: refuses it when no enabled administrator is left. */
static ep_status admin_left(ep_db *db, ep_errs *errs, const char *field, ep_err *err)
{
	int64_t n = 0;
	ep_status s = ep_db_admins_enabled(db, &n, err);
	if (s != EP_OK || n > 0)
		return s;
	static const char why[] = "this would leave no enabled administrator: make another one first";
	if (!errs)
		return ep_err_set(err, EP_E_CONFLICT, field, why);
	ep_errs_add(errs, EP_E_INVALID, field, why);
	return EP_E_INVALID;
}

static ep_status account(ep_db *db, int64_t id, ep_user *u, ep_err *err)
{
	ep_status s = ep_db_user_by_id(db, id, u, err);
	if (s == EP_E_NOTFOUND)
		return ep_err_set(err, EP_E_NOTFOUND, NULL, "no account %lld", (long long)id);
	return s;
}

/* ---- the changes ---- */

ep_status ep_svc_user_create(ep_user_admin *a, json_t *body, int64_t *id, ep_errs *errs, ep_err *err)
{
	static const char *const allowed[] = {"username", "password", "org_id", "clearance", "display_name", "email", NULL};
	fields f;
	pick(body, allowed, &f, errs);
	const char *name = json_is_string(f.username) ? json_string_value(f.username) : NULL;
	if (!name)
		ep_errs_add(errs, EP_E_INVALID, "username", "is required: the name the person signs in with");
	else if (!ep_username_ok(name))
		ep_errs_add(errs, EP_E_INVALID, "username", "'%.64s' is not a user name: " EP_USERNAME_RULE, name);
	ep_status fault = EP_OK;
	ep_user existing;
	if (name && ep_username_ok(name)) {
		ep_status s = ep_db_user_by_name(a->db, name, &existing, err);
		if (s == EP_OK)
			ep_errs_add(errs, EP_E_INVALID, "username", "there is already an account '%s'", name);
		else if (s != EP_E_NOTFOUND)
			return s;
	}
	int64_t org_id;
	char org_code[33];
	check_org(a->db, f.org_id, &org_id, org_code, errs, err, &fault);
	int level = 0;
	if (f.clearance)
		check_clearance(a, f.clearance, &level, errs);
	const char *display, *email;
	optional_text(f.display_name, "display_name", &display, errs);
	optional_text(f.email, "email", &email, errs);
	check_email(email, errs);
	if (fault != EP_OK)
		return fault;
	char hash[EP_PASSWORD_HASH_MAX] = "";
	new_hash(f.password, "password", name ? name : "", org_code[0] ? org_code : NULL, hash, errs, &fault, err);
	if (fault != EP_OK)
		return fault;
	if (ep_errs_count(errs))
		return EP_E_INVALID;
	ep_status s = ep_db_user_insert(a->db, name, display, email, org_id, level, hash, id, err);
	explicit_bzero(hash, sizeof hash);
	if (s == EP_OK)
		snprintf(a->note, sizeof a->note, "account %s created (organisation %s, clearance %s)", name, org_code,
			 ep_class_token((ep_class)level));
	return s;
}

ep_status ep_svc_user_update(ep_user_admin *a, int64_t id, int64_t version, json_t *body, ep_errs *errs, ep_err *err)
{
	static const char *const allowed[] = {"org_id", "clearance", "display_name", "email", "disabled", NULL};
	ep_user u;
	ep_status s = account(a->db, id, &u, err);
	if (s != EP_OK)
		return s;
	fields f;
	pick(body, allowed, &f, errs);
	ep_status fault = EP_OK;
	int64_t org_id = u.org_id;
	char org_code[33];
	snprintf(org_code, sizeof org_code, "%s", u.org_code);
	if (f.org_id)
		check_org(a->db, f.org_id, &org_id, org_code, errs, err, &fault);
	int level = u.clearance;
	if (f.clearance)
		check_clearance(a, f.clearance, &level, errs);
	const char *display = u.display_name, *email = u.email;
	if (f.display_name)
		optional_text(f.display_name, "display_name", &display, errs);
	if (f.email) {
		optional_text(f.email, "email", &email, errs);
		check_email(email, errs);
	}
	bool disable = u.disabled;
	if (f.disabled) {
		if (!json_is_boolean(f.disabled))
			ep_errs_add(errs, EP_E_INVALID, "disabled", "must be true or false");
		else
			disable = json_is_true(f.disabled);
		if (disable && !u.disabled && id == a->actor_id)
			ep_errs_add(errs, EP_E_INVALID, "disabled", "you cannot disable your own account");
	}
	if (fault != EP_OK)
		return fault;
	if (ep_errs_count(errs))
		return EP_E_INVALID;
	/* Copies: the account's own buffers are read again below. */
	char d[257], e[257];
	snprintf(d, sizeof d, "%s", display ? display : "");
	snprintf(e, sizeof e, "%s", email ? email : "");
	s = ep_db_user_update(a->db, id, version, d, e, org_id, level, err);
	if (s == EP_OK && disable != u.disabled)
		s = ep_db_user_set_disabled(a->db, id, disable, err);
	if (s == EP_OK && disable && !u.disabled)
		s = admin_left(a->db, errs, "disabled", err);
	if (s != EP_OK)
		return s;
	int n = snprintf(a->note, sizeof a->note, "account %s changed", u.username);
	if (level != u.clearance && n > 0 && (size_t)n < sizeof a->note)
		n += snprintf(a->note + n, sizeof a->note - (size_t)n, "; clearance %s -> %s", ep_class_token((ep_class)u.clearance),
			      ep_class_token((ep_class)level));
	if (org_id != u.org_id && n > 0 && (size_t)n < sizeof a->note)
		n += snprintf(a->note + n, sizeof a->note - (size_t)n, "; organisation %s -> %s", u.org_code[0] ? u.org_code : "none",
			      org_code);
	if (disable != u.disabled && n > 0 && (size_t)n < sizeof a->note)
		snprintf(a->note + n, sizeof a->note - (size_t)n, "; %s", disable ? "disabled, sessions ended" : "enabled");
	return EP_OK;
}

ep_status ep_svc_user_role_grant(ep_user_admin *a, int64_t id, json_t *body, int64_t *role_id, ep_errs *errs,
				 ep_err *err)
{
	ep_user u;
	ep_status s = account(a->db, id, &u, err);
	if (s != EP_OK)
		return s;
	const char *role = NULL, *scope = NULL;
	const char *k;
	json_t *v;
	json_object_foreach(body, k, v)
	{
		if (strcmp(k, "role") == 0 && json_is_string(v))
			role = json_string_value(v);
		else if (strcmp(k, "scope") == 0 && (json_is_string(v) || json_is_null(v)))
			scope = json_is_string(v) ? json_string_value(v) : NULL;
		else if (strcmp(k, "role") == 0 || strcmp(k, "scope") == 0)
			ep_errs_add(errs, EP_E_INVALID, k, "must be a text");
		else
			ep_errs_add(errs, EP_E_INVALID, k, "unknown field '%.64s'", k);
	}
	const ep_role_def *r = ep_role_def_find(role);
	if (!role && !json_object_get(body, "role"))
		ep_errs_add(errs, EP_E_INVALID, "role", "is required: one of " EP_ROLE_LIST);
	else if (role && !r)
		ep_errs_add(errs, EP_E_INVALID, "role", "unknown role '%.64s': the roles are " EP_ROLE_LIST, role);
	ep_role_scope sc;
	ep_err e;
	if (r && (ep_role_scope_parse(r, scope, false, &sc, &e) != EP_OK || (s = ep_role_scope_exists(a->db, &sc, &e)) != EP_OK)) {
		if (e.status == EP_E_INTERNAL)
			return ep_err_set(err, EP_E_INTERNAL, NULL, "%s", e.msg);
		ep_errs_add(errs, EP_E_INVALID, "scope", "%s", e.msg);
	}
	if (ep_errs_count(errs))
		return EP_E_INVALID;
	s = ep_db_role_add(a->db, id, r->name, sc.kind, sc.id, sc.country[0] ? sc.country : NULL, role_id, err);
	if (s == EP_E_CONFLICT)
		return ep_err_set(err, s, "role", "%s already holds the role %s (%s)", u.username, r->name, sc.text);
	if (s == EP_OK)
		snprintf(a->note, sizeof a->note, "role %s (%s) granted to %s", r->name, sc.text, u.username);
	return s;
}

ep_status ep_svc_user_role_withdraw(ep_user_admin *a, int64_t id, int64_t role_id, ep_err *err)
{
	ep_user u;
	ep_status s = account(a->db, id, &u, err);
	if (s != EP_OK)
		return s;
	ep_user_role roles[EP_ROLES_MAX];
	size_t n = 0;
	if ((s = ep_db_user_roles(a->db, id, roles, EP_ROLES_MAX, &n, err)) != EP_OK)
		return s;
	const ep_user_role *r = NULL;
	for (size_t i = 0; i < n; i++)
		if (roles[i].id == role_id)
			r = &roles[i];
	if (!r)
		return ep_err_set(err, EP_E_NOTFOUND, NULL, "%s holds no role %lld", u.username, (long long)role_id);
	s = ep_db_role_remove(a->db, id, r->role, r->scope_kind, r->scope_id, r->scope_country[0] ? r->scope_country : NULL,
			      err);
	if (s == EP_OK && strcmp(r->role, "admin") == 0)
		s = admin_left(a->db, NULL, "role", err);
	if (s != EP_OK)
		return s;
	char scope[64];
	if (r->scope_country[0])
		snprintf(scope, sizeof scope, "country:%s", r->scope_country);
	else if (r->scope_id)
		snprintf(scope, sizeof scope, "%s:%lld", r->scope_kind, (long long)r->scope_id);
	else
		snprintf(scope, sizeof scope, "global");
	snprintf(a->note, sizeof a->note, "role %s (%s) withdrawn from %s", r->role, scope, u.username);
	return EP_OK;
}

ep_status ep_svc_user_password_reset(ep_user_admin *a, int64_t id, json_t *body, ep_errs *errs, ep_err *err)
{
	static const char *const allowed[] = {"new_password", NULL};
	ep_user u;
	ep_status s = account(a->db, id, &u, err);
	if (s != EP_OK)
		return s;
	if (id == a->actor_id) {
		ep_errs_add(errs, EP_E_INVALID, "new_password",
			    "change your own password on your account page, with your current password");
		return EP_E_INVALID;
	}
	fields f;
	pick(body, allowed, &f, errs);
	ep_status fault = EP_OK;
	char hash[EP_PASSWORD_HASH_MAX] = "";
	new_hash(f.password, "new_password", u.username, u.org_code[0] ? u.org_code : NULL, hash, errs, &fault, err);
	if (fault != EP_OK)
		return fault;
	if (ep_errs_count(errs))
		return EP_E_INVALID;
	s = ep_db_user_set_password(a->db, id, hash, err);
	explicit_bzero(hash, sizeof hash);
	if (s == EP_OK)
		snprintf(a->note, sizeof a->note, "password of %s set by an administrator; sessions ended", u.username);
	return s;
}

ep_status ep_svc_user_totp_reset(ep_user_admin *a, int64_t id, int64_t version, ep_err *err)
{
	ep_user u;
	ep_status s = account(a->db, id, &u, err);
	if (s != EP_OK)
		return s;
	/* The holder may have enrolled again since the administrator looked. */
	if (u.version != version)
		return ep_err_set(err, EP_E_CONFLICT, "version", "the account is at version %lld, not %lld: someone changed it since",
				  (long long)u.version, (long long)version);
	if (id == a->actor_id)
		return ep_err_set(err, EP_E_CONFLICT, "totp", "replace your own second factor on your account page");
	if (!u.totp_secret[0] && !u.totp_pending[0])
		return ep_err_set(err, EP_E_CONFLICT, "totp", "%s has no second factor to reset", u.username);
	s = ep_db_user_set_totp(a->db, id, NULL, NULL, err);
	if (s == EP_OK)
		s = ep_db_sessions_end_user(a->db, id, 0, err);
	if (s == EP_OK)
		snprintf(a->note, sizeof a->note, "second factor of %s reset; sessions ended; it enrols again at sign-in",
			 u.username);
	return s;
}

json_t *ep_svc_roles_json(void)
{
	json_t *arr = json_array();
	size_t np;
	const ep_perm *perms = ep_perms(&np);
	for (size_t r = 0; r < NROLES; r++) {
		json_t *kinds = json_array(), *held = json_array();
		for (size_t k = 0; role_defs[r].kinds[k]; k++)
			json_array_append_new(kinds, json_string(role_defs[r].kinds[k]));
		for (size_t i = 0; i < np; i++) {
			const char *where = (perms[i].anywhere & EP_ROLE_BIT(r))   ? "anywhere"
					    : (perms[i].in_scope & EP_ROLE_BIT(r)) ? "in scope"
										   : NULL;
			if (!where)
				continue;
			json_t *o = json_pack("{s:s, s:s, s:s?}", "name", perms[i].name, "where", where, "doc", perms[i].doc);
			if (perms[i].limited & EP_ROLE_BIT(r))
				json_object_set_new(o, "fields_only", json_true());
			json_array_append_new(held, o);
		}
		json_array_append_new(arr, json_pack("{s:s, s:s, s:o, s:s?, s:o}", "role", role_defs[r].name, "title",
						     ep_role_title((ep_role)r), "scope_kinds", kinds, "scope",
						     role_defs[r].scope_help, "permissions", held));
	}
	return arr;
}
