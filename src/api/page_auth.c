/*
 * Signing in (password and one-time code), signing out, the account page, changing the
 * password and enrolling a TOTP authenticator with its QR code. Each form posts to the same
 * API routes a script would use; the session cookie the sign-in route sets goes to the browser.
 */
#include "api/pages.h"

#include <stdio.h>
#include <string.h>

#include "core/banned.h"

bool ep_pages_safe_next(const char *next)
{
	if (!next || next[0] != '/' || next[1] == '/' || next[1] == '\\' || strchr(next, '\\') || strlen(next) >= 900 ||
	    strncmp(next, "/sign-in", 8) == 0 || strncmp(next, "/sign-out", 9) == 0)
		return false;
	/* It becomes a Location header: no control character, no space. */
	for (const unsigned char *c = (const unsigned char *)next; *c; c++)
		if (*c <= 0x20 || *c == 0x7f)
			return false;
	return true;
}

ep_status ep_page_sign_in(ep_page *p)
{
	const char *next = p->method == EP_POST ? ep_page_field(p, "next") : ep_pages_param(p, "next");
	if (!ep_pages_safe_next(next))
		next = "/";
	p->title = "Sign in";
	p->tmpl = "sign_in";
	ep_pages_done(p);
	json_object_set_new(p->ctx, "next", json_string(next));
	if (p->method == EP_GET) {
		if (p->who->user.id)
			return ep_page_redirect(p, "%s", next);
		return EP_OK;
	}
	const char *user = ep_page_field(p, "username"), *pass = ep_page_field(p, "password"),
		   *code = ep_page_field(p, "totp");
	json_t *body = json_object();
	json_object_set_new(body, "username", json_string(user ? user : ""));
	json_object_set_new(body, "password", json_string(pass ? pass : ""));
	if (code && code[0])
		json_object_set_new(body, "totp", json_string(code));
	ep_call c;
	int st = ep_page_send(p, &c, EP_POST, "/api/v1/auth/login", body, 0);
	json_decref(body);
	if (st == 200) {
		snprintf(p->set_cookie, sizeof p->set_cookie, "%s", c.set_cookie);
		json_t *enrol = c.data ? json_object_get(c.data, "totp_enrolment_required") : NULL;
		return ep_page_redirect(p, "%s", json_is_true(enrol) ? "/account/totp" : next);
	}
	/* The password is never sent back; what was typed as the user name is. */
	json_t *values = json_object();
	json_object_set_new(values, "username", json_string(user ? user : ""));
	json_object_set_new(p->ctx, "values", values);
	const char *msg = st == 429 ? c.err.msg
			  : st == 422 || st == 400
			      ? "Enter your user name and password."
			      : "The user name, the password or the one-time code is wrong. Accounts with a clearance "
				"need the code of their authenticator app.";
	json_object_set_new(p->ctx, "error_message", json_string(msg[0] ? msg : "Too many attempts: wait a little."));
	p->status = st == 429 ? 429 : 422;
	return EP_OK;
}

ep_status ep_page_sign_out(ep_page *p)
{
	ep_call c;
	ep_page_send(p, &c, EP_POST, "/api/v1/auth/logout", NULL, 0);
	snprintf(p->set_cookie, sizeof p->set_cookie, "%s", c.set_cookie);
	return ep_page_redirect(p, "/sign-in?done=signed-out");
}

ep_status ep_page_account(ep_page *p)
{
	json_t *s = ep_page_get(p, NULL, "/api/v1/auth/session");
	if (!s)
		return EP_E_NOTFOUND;
	json_object_set(p->ctx, "session", s);
	json_t *tokens = ep_page_get(p, NULL, "/api/v1/auth/tokens");
	if (tokens)
		json_object_set(p->ctx, "tokens", json_object_get(tokens, "items"));
	ep_pages_done(p);
	p->title = "Your account";
	p->tmpl = "account";
	ep_page_crumb(p, "Home", "/");
	ep_page_crumb(p, "Your account", NULL);
	return EP_OK;
}

ep_status ep_page_password(ep_page *p)
{
	p->title = "Change your password";
	p->tmpl = "password";
	ep_page_crumb(p, "Home", "/");
	ep_page_crumb(p, "Your account", "/account");
	ep_page_crumb(p, "Change your password", NULL);
	if (p->method == EP_GET)
		return EP_OK;
	const char *cur = ep_page_field(p, "current_password"), *nw = ep_page_field(p, "new_password"),
		   *again = ep_page_field(p, "new_password_again");
	if (!nw || !again || strcmp(nw, again) != 0) {
		json_object_set_new(p->ctx, "errors", json_pack("{s:s}", "new_password_again", "the two new passwords differ"));
		json_object_set_new(p->ctx, "error_message", json_string("Type the same new password twice."));
		p->status = 422;
		return EP_OK;
	}
	json_t *body = json_pack("{s:s, s:s}", "current_password", cur ? cur : "", "new_password", nw);
	ep_call c;
	int st = ep_page_send(p, &c, EP_POST, "/api/v1/auth/password", body, 0);
	json_decref(body);
	if (st == 200) {
		snprintf(p->set_cookie, sizeof p->set_cookie, "%s", c.set_cookie);
		return ep_page_redirect(p, "/account?done=password");
	}
	ep_page_form_failed(p, &c);
	json_object_del(p->ctx, "values"); /* passwords are never written back into a page */
	return EP_OK;
}

ep_status ep_page_totp(ep_page *p)
{
	p->title = "Two-step sign-in";
	p->tmpl = "totp";
	ep_page_crumb(p, "Home", "/");
	ep_page_crumb(p, "Your account", "/account");
	ep_page_crumb(p, "Two-step sign-in", NULL);
	bool enrolled = p->who->user.totp_secret[0] != '\0';
	json_object_set_new(p->ctx, "enrolled", json_boolean(enrolled));
	json_object_set_new(p->ctx, "required", json_boolean(p->who->enrol_only));
	if (p->method == EP_GET)
		return EP_OK;
	const char *step = ep_page_field(p, "step");
	ep_call c;
	if (step && strcmp(step, "confirm") == 0) {
		const char *code = ep_page_field(p, "code");
		json_t *body = json_pack("{s:s}", "code", code ? code : "");
		int st = ep_page_send(p, &c, EP_POST, "/api/v1/auth/totp/confirm", body, 0);
		json_decref(body);
		if (st == 200)
			return ep_page_redirect(p, "/account?done=totp");
		/* The secret being enrolled stays pending: show it again with the problem. */
		json_object_set_new(p->ctx, "pending", json_true());
		json_object_set_new(p->ctx, "secret", json_string(ep_page_field(p, "secret") ? ep_page_field(p, "secret") : ""));
		ep_page_form_failed(p, &c);
		json_object_set_new(p->ctx, "error_message",
				    json_string("That code is not right. Check the clock of your phone, start again if needed, "
						"and type the code it shows now."));
		return EP_OK;
	}
	json_t *body = json_object();
	const char *cur = ep_page_field(p, "current_password");
	if (cur)
		json_object_set_new(body, "current_password", json_string(cur));
	int st = ep_page_send(p, &c, EP_POST, "/api/v1/auth/totp", body, 0);
	json_decref(body);
	if (st != 201) {
		ep_page_form_failed(p, &c);
		json_object_del(p->ctx, "values");
		return EP_OK;
	}
	json_object_set_new(p->ctx, "pending", json_true());
	json_object_set(p->ctx, "secret", json_object_get(c.data, "secret"));
	json_object_set(p->ctx, "safe_qr", json_object_get(c.data, "qr_svg"));
	return EP_OK;
}
