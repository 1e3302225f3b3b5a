/*
 * The administrator's pages: accounts with their roles, a new account, changing one, granting
 * and withdrawing roles, setting a password and resetting a lost second factor; the roles and
 * what each may do; organisations (their forms are the generic ones of page_forms.c). Like every
 * page they only call the API (/api/v1/users...), which checks and audits each step; a form the
 * API refuses comes back with each problem next to its field and the input kept.
 */
#include "api/pages.h"

#include <stdio.h>
#include <string.h>

#include "core/classif.h"
#include "core/num.h"
#include "core/banned.h"

#define str ep_pages_str
#define num ep_pages_num

/* One field of a form, in the shape templates/field.html draws. */
static json_t *field(ep_page *p, const char *name, const char *label, const char *kind, const char *value, bool required,
		     const char *hint, json_t *errors)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:b, s:b}", "name", name, "label", label, "value", value ? value : "", "required",
			      required, ep_arena_printf(p->arena, "is_%s", kind), 1);
	if (hint)
		json_object_set_new(o, "hint", json_string(hint));
	json_t *err = errors ? json_object_get(errors, name) : NULL;
	if (err)
		json_object_set(o, "error", err);
	if (hint || err)
		json_object_set_new(o, "describedby",
				    json_string(ep_arena_printf(p->arena, "%s%s%s", hint ? ep_arena_printf(p->arena, "f-%s-hint", name) : "",
								hint && err ? " " : "", err ? ep_arena_printf(p->arena, "f-%s-error", name) : "")));
	return o;
}

static json_t *select_field(ep_page *p, const char *name, const char *label, json_t *options, bool required, const char *hint,
			    json_t *errors)
{
	json_t *o = field(p, name, label, "select", "", required, hint, errors);
	json_object_set_new(o, "options", options);
	return o;
}

static json_t *option(const char *value, const char *label, bool selected)
{
	return json_pack("{s:s, s:s, s:b}", "value", value, "label", label, "selected", selected);
}

/* The organisations to choose from, the current one selected. */
static json_t *org_options(ep_page *p, const char *current)
{
	json_t *opts = json_array();
	json_array_append_new(opts, option("", "(choose)", !current || !current[0]));
	json_t *orgs = ep_page_find(p, NULL, "/api/v1/organisations?limit=500&sort=code");
	size_t i;
	json_t *o;
	json_array_foreach(orgs ? json_object_get(orgs, "items") : NULL, i, o)
	{
		const char *id = ep_arena_printf(p->arena, "%lld", (long long)num(o, "id"));
		json_array_append_new(opts, option(id, ep_arena_printf(p->arena, "%s: %s", str(o, "code"), str(o, "name")),
						   current && strcmp(current, id) == 0));
	}
	return opts;
}

/* The clearances this installation is accredited for. */
static json_t *clearance_options(ep_page *p, const char *current)
{
	json_t *opts = json_array();
	for (int c = 0; c <= (int)p->who->max_class && c <= EP_CLASS_TRES_SECRET; c++) {
		const char *tok = ep_class_token((ep_class)c);
		const char *label = c == EP_CLASS_UNCLASSIFIED ? "Unclassified" : ep_class_label((ep_class)c);
		json_array_append_new(opts, option(tok, label, current && current[0] ? strcmp(current, tok) == 0 : c == 0));
	}
	return opts;
}

/* The roles to grant. */
static json_t *role_options(ep_page *p, json_t *roles, const char *current)
{
	json_t *opts = json_array();
	json_array_append_new(opts, option("", "(choose)", !current || !current[0]));
	size_t i;
	json_t *r;
	json_array_foreach(roles, i, r)
	{
		const char *scope = str(r, "scope");
		json_array_append_new(opts, option(str(r, "role"),
						   scope[0] ? ep_arena_printf(p->arena, "%s (scope %s)", str(r, "title"), scope) : str(r, "title"),
						   current && strcmp(current, str(r, "role")) == 0));
	}
	return opts;
}

/* A whole number typed in a form, or a problem in errors. */
static bool form_id(ep_page *p, const char *name, int64_t *out, json_t *errors)
{
	const char *v = ep_page_field(p, name);
	if (v && v[0] && ep_parse_i64z(v, 1, INT64_MAX, out) == EP_OK)
		return true;
	json_object_set_new(errors, name, json_string("choose one from the list"));
	return false;
}

ep_status ep_page_users(ep_page *p)
{
	ep_call c;
	json_t *u = ep_page_get(p, &c, "/api/v1/users");
	if (!u)
		return EP_E_NOTFOUND;
	json_object_set(p->ctx, "users", json_object_get(u, "items"));
	json_t *o = ep_page_find(p, NULL, "/api/v1/organisations?limit=500&sort=code");
	json_object_set(p->ctx, "organisations", o ? json_object_get(o, "items") : NULL);
	json_t *roles = ep_page_find(p, NULL, "/api/v1/roles");
	json_object_set(p->ctx, "roles", roles ? json_object_get(roles, "items") : NULL);
	json_object_set_new(p->ctx, "may_create", json_boolean(ep_page_may(p, EP_POST, "/api/v1/users", NULL)));
	json_object_set_new(p->ctx, "may_create_org", json_boolean(ep_page_may(p, EP_POST, "/api/v1/organisations", NULL)));
	p->title = "Users, organisations and roles";
	p->tmpl = "users";
	ep_pages_done(p);
	ep_page_crumb(p, "Home", "/");
	ep_page_crumb(p, "Users", NULL);
	return EP_OK;
}

ep_status ep_page_user_new(ep_page *p)
{
	if (!ep_page_may(p, EP_POST, "/api/v1/users", NULL))
		return EP_E_NOTFOUND;
	p->title = "New account";
	p->tmpl = "form";
	ep_page_crumb(p, "Home", "/");
	ep_page_crumb(p, "Users", "/admin/users");
	ep_page_crumb(p, p->title, NULL);
	json_t *errors = json_object();
	if (p->method == EP_POST) {
		const char *pw = ep_page_field(p, "password"), *again = ep_page_field(p, "password_again");
		json_t *body = json_object();
		static const char *const texts[] = {"username", "display_name", "email", "clearance", NULL};
		for (size_t i = 0; texts[i]; i++) {
			const char *v = ep_page_field(p, texts[i]);
			if (v && (v[0] || strcmp(texts[i], "username") == 0))
				json_object_set_new(body, texts[i], json_string(v));
		}
		int64_t org = 0;
		if (form_id(p, "org_id", &org, errors))
			json_object_set_new(body, "org_id", json_integer(org));
		json_object_set_new(body, "password", json_string(pw ? pw : ""));
		if (!pw || !again || strcmp(pw, again) != 0)
			json_object_set_new(errors, "password_again", json_string("the two passwords differ"));
		if (!json_object_size(errors)) {
			ep_call c;
			int st = ep_page_send(p, &c, EP_POST, "/api/v1/users", body, 0);
			json_decref(body);
			if (st == 201) {
				const char *slash = strrchr(c.location, '/');
				int64_t id = 0;
				if (slash)
					ep_parse_i64z(slash + 1, 1, INT64_MAX, &id);
				json_decref(errors);
				return ep_page_redirect(p, "/admin/users/%lld?done=created", (long long)id);
			}
			ep_page_form_failed(p, &c);
			json_decref(errors);
			errors = json_incref(json_object_get(p->ctx, "errors"));
		} else {
			json_decref(body);
			json_object_set_new(p->ctx, "error_message", json_string("Some fields need fixing: see below."));
			p->status = 422;
		}
	}
	const char *v;
	json_t *fields = json_array();
	json_array_append_new(fields, field(p, "username", "User name", "text", (v = ep_page_field(p, "username")) ? v : "", true,
					    "what the person signs in with: a-z, 0-9, '.', '_' and '-'", errors));
	json_array_append_new(fields, field(p, "display_name", "Name", "text", ep_page_field(p, "display_name"), false, NULL, errors));
	json_array_append_new(fields, field(p, "email", "E-mail address", "email", ep_page_field(p, "email"), false, NULL, errors));
	json_array_append_new(fields, select_field(p, "org_id", "Organisation", org_options(p, ep_page_field(p, "org_id")), true, NULL, errors));
	json_array_append_new(fields, select_field(p, "clearance", "Clearance", clearance_options(p, ep_page_field(p, "clearance")), true,
						   "a cleared account must enrol two-step sign-in at its first sign-in", errors));
	json_array_append_new(fields, field(p, "password", "First password", "password", NULL, true,
					    "at least 12 characters, not a common password, not the user name or organisation; give it to the "
					    "person by a separate channel",
					    errors));
	json_array_append_new(fields, field(p, "password_again", "First password again", "password", NULL, true, NULL, errors));
	json_object_set_new(p->ctx, "heading", json_string(p->title));
	json_object_set_new(p->ctx, "action", json_string(p->path));
	json_object_set_new(p->ctx, "submit", json_string("Create the account"));
	json_object_set_new(p->ctx, "cancel", json_string("/admin/users"));
	json_object_set_new(p->ctx, "fields", fields);
	json_decref(errors);
	return EP_OK;
}

/* The account's page, with errors of a failed step (grant or password) next to their fields. */
static ep_status user_page(ep_page *p, int64_t id, json_t *errors)
{
	ep_call got;
	json_t *u = ep_page_get(p, &got, "/api/v1/users/%lld", (long long)id);
	if (!u)
		return EP_E_NOTFOUND;
	json_object_set(p->ctx, "account", u);
	json_object_set_new(p->ctx, "version", json_integer(got.version));
	json_t *roles = ep_page_find(p, NULL, "/api/v1/roles");
	char target[96];
	snprintf(target, sizeof target, "/api/v1/users/%lld", (long long)id);
	bool may = ep_page_may(p, EP_PATCH, target, NULL);
	bool self = id == p->who->user.id;
	json_object_set_new(p->ctx, "may_change", json_boolean(may));
	json_object_set_new(p->ctx, "may_reset", json_boolean(may && !self));
	json_object_set_new(p->ctx, "self", json_boolean(self));
	if (may) {
		json_t *grant = json_array();
		json_array_append_new(grant, select_field(p, "role", "Role", role_options(p, roles ? json_object_get(roles, "items") : NULL, ep_page_field(p, "role")),
							  true, NULL, errors));
		json_array_append_new(grant, field(p, "scope", "Scope", "text", ep_page_field(p, "scope"), false,
						   "for a scoped role: country:NL for an NEC, priority:9 or oap:1 for a Driver, action:3 for an "
						   "Action Leader or Participant; empty for the others",
						   errors));
		json_object_set_new(p->ctx, "grant_fields", grant);
		json_t *pw = json_array();
		json_array_append_new(pw, field(p, "new_password", "New password", "password", NULL, true,
						"the person's sessions end; give the password by a separate channel", errors));
		json_array_append_new(pw, field(p, "new_password_again", "New password again", "password", NULL, true, NULL, errors));
		json_object_set_new(p->ctx, "password_fields", pw);
	}
	p->title = ep_arena_printf(p->arena, "Account %s", str(u, "username"));
	p->tmpl = "user";
	ep_pages_done(p);
	ep_page_crumb(p, "Home", "/");
	ep_page_crumb(p, "Users", "/admin/users");
	ep_page_crumb(p, str(u, "username"), NULL);
	return EP_OK;
}

ep_status ep_page_user(ep_page *p)
{
	return user_page(p, p->ids[0], NULL);
}

/* The steps taken from the account's page: grant a role, withdraw one, set a password, reset
 * the second factor. */
ep_status ep_page_user_step(ep_page *p)
{
	int64_t id = p->ids[0];
	const char *back = ep_arena_printf(p->arena, "/admin/users/%lld", (long long)id);
	ep_call c;
	int st;
	const char *done;
	if (p->nids == 2) {
		st = ep_page_send(p, &c, EP_DELETE, ep_arena_printf(p->arena, "/api/v1/users/%lld/roles/%lld", (long long)id, (long long)p->ids[1]),
				  NULL, 0);
		done = "withdrawn";
	} else if (strstr(p->path, "/totp-reset")) {
		st = ep_page_send(p, &c, EP_POST, ep_arena_printf(p->arena, "/api/v1/users/%lld/totp-reset", (long long)id), NULL,
				  ep_page_version(p));
		done = "totp-reset";
	} else {
		json_t *errors = json_object();
		json_t *body;
		const char *target;
		if (strstr(p->path, "/password")) {
			const char *pw = ep_page_field(p, "new_password"), *again = ep_page_field(p, "new_password_again");
			if (!pw || !again || strcmp(pw, again) != 0)
				json_object_set_new(errors, "new_password_again", json_string("the two passwords differ"));
			body = json_pack("{s:s}", "new_password", pw ? pw : "");
			target = ep_arena_printf(p->arena, "/api/v1/users/%lld/password", (long long)id);
			done = "password-set";
		} else {
			const char *role = ep_page_field(p, "role"), *scope = ep_page_field(p, "scope");
			body = json_pack("{s:s}", "role", role ? role : "");
			if (scope && scope[0])
				json_object_set_new(body, "scope", json_string(scope));
			target = ep_arena_printf(p->arena, "/api/v1/users/%lld/roles", (long long)id);
			done = "granted";
		}
		st = 0;
		if (!json_object_size(errors))
			st = ep_page_send(p, &c, EP_POST, target, body, 0);
		json_decref(body);
		if (st >= 200 && st < 300) {
			json_decref(errors);
			return ep_page_redirect(p, "%s?done=%s", back, done);
		}
		if (st == 404 || st == 401 || st == 403) {
			json_decref(errors);
			return EP_E_NOTFOUND;
		}
		if (st) {
			ep_page_form_failed(p, &c);
			json_decref(errors);
			errors = json_incref(json_object_get(p->ctx, "errors"));
		} else {
			json_object_set(p->ctx, "errors", errors);
			json_object_set_new(p->ctx, "error_message", json_string("Some fields need fixing: see below."));
			p->status = 422;
		}
		int status = p->status;
		ep_status s = user_page(p, id, errors);
		p->status = status;
		json_decref(errors);
		return s;
	}
	if (st >= 200 && st < 300)
		return ep_page_redirect(p, "%s?done=%s", back, done);
	if (st == 404 || st == 401 || st == 403)
		return EP_E_NOTFOUND;
	return ep_pages_refused(p, "The step could not be done", st,
				st == 412 ? "The account changed after you opened its page (its holder may have enrolled a new "
					    "authenticator). Go back, look at it again, and repeat the step if it is still needed."
					  : c.err.msg,
				back);
}

ep_status ep_page_user_edit(ep_page *p)
{
	int64_t id = p->ids[0];
	ep_call got;
	json_t *u = ep_page_get(p, &got, "/api/v1/users/%lld", (long long)id);
	if (!u)
		return EP_E_NOTFOUND;
	char target[96];
	snprintf(target, sizeof target, "/api/v1/users/%lld", (long long)id);
	if (!ep_page_may(p, EP_PATCH, target, NULL))
		return EP_E_NOTFOUND;
	const char *back = ep_arena_printf(p->arena, "/admin/users/%lld", (long long)id);
	p->title = ep_arena_printf(p->arena, "Change account %s", str(u, "username"));
	p->tmpl = "form";
	ep_page_crumb(p, "Home", "/");
	ep_page_crumb(p, "Users", "/admin/users");
	ep_page_crumb(p, str(u, "username"), "%s", back);
	ep_page_crumb(p, "Change", NULL);
	json_t *errors = json_object();
	/* What the form shows: the account, or what the user typed. */
	const char *display = str(u, "display_name"), *email = str(u, "email"), *clearance = str(u, "clearance");
	const char *org = num(u, "org_id") ? ep_arena_printf(p->arena, "%lld", (long long)num(u, "org_id")) : "";
	bool disabled = json_is_true(json_object_get(u, "disabled"));
	if (p->method == EP_POST) {
		int64_t sent = ep_page_version(p);
		display = ep_page_field(p, "display_name");
		email = ep_page_field(p, "email");
		clearance = ep_page_field(p, "clearance");
		org = ep_page_field(p, "org_id");
		disabled = ep_page_field(p, "disabled") != NULL;
		json_t *body = json_pack("{s:s, s:s, s:s, s:b}", "display_name", display ? display : "", "email", email ? email : "",
					 "clearance", clearance ? clearance : "", "disabled", disabled);
		int64_t org_id = 0;
		if (form_id(p, "org_id", &org_id, errors))
			json_object_set_new(body, "org_id", json_integer(org_id));
		if (!json_object_size(errors)) {
			ep_call c;
			int st = ep_page_send(p, &c, EP_PATCH, target, body, sent);
			if (st == 200) {
				json_decref(body);
				json_decref(errors);
				return ep_page_redirect(p, "%s?done=saved", back);
			}
			ep_page_form_failed(p, &c);
			if (st == 412) {
				/* Someone saved first: both versions, the user's kept in the form, which now
				 * carries the stored version so that sending it again overwrites knowingly. */
				static const char *const labels[][2] = {{"display_name", "Name"}, {"email", "E-mail address"},
					{"clearance", "Clearance"}, {"org_id", "Organisation"}, {"disabled", "Disabled"}};
				ep_pages_conflict(p, u, body, labels, sizeof labels / sizeof labels[0], "changed this account");
			}
			json_decref(errors);
			errors = json_incref(json_object_get(p->ctx, "errors"));
		} else {
			json_object_set_new(p->ctx, "error_message", json_string("Some fields need fixing: see below."));
			p->status = 422;
		}
		json_decref(body);
	}
	json_t *fields = json_array();
	json_array_append_new(fields, field(p, "display_name", "Name", "text", display, false, NULL, errors));
	json_array_append_new(fields, field(p, "email", "E-mail address", "email", email, false, NULL, errors));
	json_array_append_new(fields, select_field(p, "org_id", "Organisation", org_options(p, org), true, NULL, errors));
	json_array_append_new(fields, select_field(p, "clearance", "Clearance", clearance_options(p, clearance), true, NULL, errors));
	json_t *dis = field(p, "disabled", "Disabled: the account cannot sign in, its sessions end and its API tokens stop working",
			    "checkbox", "", false, NULL, errors);
	json_object_set_new(dis, "checked", json_boolean(disabled));
	json_array_append_new(fields, dis);
	json_object_set_new(p->ctx, "heading", json_string(p->title));
	json_object_set_new(p->ctx, "action", json_string(p->path));
	json_object_set_new(p->ctx, "version", json_integer(got.version));
	json_object_set_new(p->ctx, "submit", json_string("Save"));
	json_object_set_new(p->ctx, "cancel", json_string(back));
	json_object_set_new(p->ctx, "fields", fields);
	json_decref(errors);
	return EP_OK;
}
