/*
 * The layout and the template set of the web UI (see view.h). The set is compiled once from
 * the embedded templates/ files; rendering is read-only and runs on any worker thread.
 */
#include "view/view.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "core/embed.h"
#include "core/log.h"
#include "view/tmpl.h"
#include "core/banned.h"

static ep_tmpl_set *g_set;
static ep_err g_init_err;
static ep_status g_init_status = EP_E_INTERNAL;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static void init_once(void)
{
	g_set = ep_tmpl_set_new();
	if (!g_set) {
		ep_err_set(&g_init_err, EP_E_INTERNAL, NULL, "out of memory");
		return;
	}
	for (const ep_embedded *e = ep_embedded_files; e->name; e++) {
		if (strncmp(e->name, "templates/", 10) != 0)
			continue;
		char name[128];
		const char *base = e->name + 10, *dot = strrchr(base, '.');
		size_t n = dot ? (size_t)(dot - base) : strlen(base);
		if (n >= sizeof name)
			n = sizeof name - 1;
		memcpy(name, base, n);
		name[n] = '\0';
		if (ep_tmpl_add(g_set, name, (const char *)e->data, e->len, &g_init_err) != EP_OK) {
			ep_error("template %s: %s", e->name, g_init_err.msg);
			return;
		}
	}
	g_init_status = EP_OK;
}

ep_status ep_view_init(ep_err *err)
{
	pthread_once(&g_once, init_once);
	if (g_init_status != EP_OK && err)
		*err = g_init_err;
	return g_init_status;
}

const char *ep_view_banner(int cls, bool limite, char *buf, size_t n)
{
	const char *label = cls > 0 ? ep_class_label((ep_class)cls) : "";
	if (label[0] && limite)
		snprintf(buf, n, "%s - LIMITE", label);
	else if (label[0])
		snprintf(buf, n, "%s", label);
	else
		snprintf(buf, n, "%s", limite ? "LIMITE" : "");
	return buf;
}

static bool has_any(const ep_principal *who, unsigned bits)
{
	for (size_t i = 0; who && i < who->ngrants; i++)
		if (bits & EP_ROLE_BIT(who->grants[i].role))
			return true;
	return false;
}

static void nav_item(json_t *nav, const char *label, const char *href, const char *path)
{
	size_t n = strlen(href);
	bool current = path && (strcmp(href, "/") == 0 ? strcmp(path, "/") == 0
						     : strncmp(path, href, n) == 0 && (path[n] == '\0' || path[n] == '/'));
	json_array_append_new(nav, json_pack("{s:s, s:s, s:b}", "label", label, "href", href, "current", current));
}

/* The main navigation: the places the user's roles work in. Each page checks again. */
static json_t *navigation(const ep_principal *who, const char *path)
{
	json_t *nav = json_array();
	if (!who || !who->user.id)
		return nav;
	bool member = who->vis.member;
	nav_item(nav, "Home", "/", path);
	nav_item(nav, "Plans", "/cycles", path);
	if (member)
		nav_item(nav, "Reporting", "/reporting-rounds", path);
	if (has_any(who, EP_ROLE_BIT(EP_ROLE_NEC) | EP_ROLE_BIT(EP_ROLE_ADMIN)))
		nav_item(nav, "Participation", "/participation", path);
	if (has_any(who, EP_ROLE_BIT(EP_ROLE_COSI) | EP_ROLE_BIT(EP_ROLE_GSC) | EP_ROLE_BIT(EP_ROLE_EST) |
				 EP_ROLE_BIT(EP_ROLE_ADMIN) | EP_ROLE_BIT(EP_ROLE_COMMISSION)))
		nav_item(nav, "COSI", "/cosi", path);
	nav_item(nav, "Documents", "/documents", path);
	if (member)
		nav_item(nav, "Practices and JADs", "/registers", path);
	nav_item(nav, "Search", "/search", path);
	/* The places behind one permission are offered to whom the permission table gives it. */
	ep_target none = {0};
	if (ep_access_check(who, "audit.read", &none, NULL) == EP_OK)
		nav_item(nav, "Audit trail", "/audit", path);
	if (ep_access_check(who, "users.read", &none, NULL) == EP_OK)
		nav_item(nav, "Users", "/admin/users", path);
	return nav;
}

static json_t *me(const ep_principal *who)
{
	if (!who || !who->user.id)
		return json_null();
	json_t *roles = json_array();
	for (size_t i = 0; i < who->ngrants; i++) {
		const ep_grant *g = &who->grants[i];
		bool seen = false;
		for (size_t j = 0; j < i; j++)
			seen = seen || who->grants[j].role == g->role;
		if (!seen)
			json_array_append_new(roles, json_string(ep_role_title(g->role)));
	}
	return json_pack("{s:I, s:s, s:s, s:s, s:o, s:s, s:b}", "id", (json_int_t)who->user.id, "username",
			 who->user.username, "name", who->user.display_name[0] ? who->user.display_name : who->user.username,
			 "org", who->user.org_code, "roles", roles, "clearance",
			 ep_class_label((ep_class)who->user.clearance)[0] ? ep_class_label((ep_class)who->user.clearance)
									  : "none",
			 "enrol_only", who->enrol_only);
}

ep_status ep_view_render(const char *tmpl, json_t *ctx, const ep_view_frame *f, ep_buf *out, ep_err *err)
{
	ep_status s = ep_view_init(err);
	if (s != EP_OK)
		return s;
	const ep_principal *who = f->who && f->who->user.id ? f->who : NULL;
	json_object_set_new(ctx, "me", me(who));
	json_object_set_new(ctx, "csrf", json_string(who ? who->csrf : ""));
	ep_buf main;
	ep_buf_init(&main, out->max);
	if ((s = ep_tmpl_render(g_set, tmpl, ctx, &main, err)) != EP_OK) {
		ep_buf_release(&main);
		return s;
	}
	char banner[96];
	ep_view_banner(f->banner_class, f->banner_limite, banner, sizeof banner);
	json_t *frame = json_object();
	json_object_set_new(frame, "title", json_string(f->title ? f->title : "empact"));
	json_object_set_new(frame, "me", me(who));
	json_object_set_new(frame, "csrf", json_string(who ? who->csrf : ""));
	json_object_set_new(frame, "nav", navigation(who, f->path));
	bool crumbs = f->crumbs && json_array_size(f->crumbs) > 1;
	if (crumbs) {
		json_t *last = json_array_get(f->crumbs, json_array_size(f->crumbs) - 1);
		json_object_set_new(last, "current", json_true());
		json_object_set(frame, "crumbs", f->crumbs);
	}
	json_object_set_new(frame, "has_crumbs", json_boolean(crumbs));
	json_object_set_new(frame, "banner", json_string(banner));
	json_object_set_new(frame, "banner_level", json_integer(f->banner_class));
	json_object_set_new(frame, "safe_content", json_string(ep_buf_str(&main)));
	ep_buf_release(&main);
	s = ep_tmpl_render(g_set, "layout", frame, out, err);
	json_decref(frame);
	return s;
}

void ep_view_error(ep_buf *out, int status, const char *msg, const ep_principal *who, const char *uri)
{
	(void)uri;
	const char *title = status == 404   ? "Page not found"
			    : status == 403 ? "Not allowed"
			    : status == 413 ? "Too large"
			    : status == 405 ? "Not allowed here"
			    : status >= 500 ? "Something went wrong"
					    : "The request could not be handled";
	json_t *ctx = json_pack("{s:i, s:s, s:s}", "status", status, "title", title, "message",
				status == 404 ? "There is nothing at this address, or you may not see it. Check the address, "
						"or go back to your home page."
					      : msg && msg[0] ? msg : "Please try again.");
	ep_view_frame f = {.title = title, .who = who};
	ep_err err;
	ep_buf_reset(out);
	if (ep_view_render("error", ctx, &f, out, &err) != EP_OK) {
		ep_buf_reset(out);
		ep_buf_printf(out, "<!doctype html><html lang=\"en\"><title>%d</title><h1>%d</h1></html>", status, status);
	}
	json_decref(ctx);
}
