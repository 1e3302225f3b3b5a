/*
 * What every page handler shares (see page.h): the calls to the API as the page's user, the
 * breadcrumbs, redirects, and putting a failed form's problems and input back into the view
 * model. The page table itself is in page_routes.c.
 */
#include "api/page.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/num.h"
#include "core/banned.h"

json_t *ep_page_get(ep_page *p, ep_call *call, const char *fmt, ...)
{
	char target[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(target, sizeof target, fmt, ap);
	va_end(ap);
	ep_call local;
	ep_call *c = call ? call : &local;
	if (n < 0 || (size_t)n >= sizeof target) {
		memset(c, 0, sizeof *c);
		c->status = 414;
		ep_err_set(&c->err, EP_E_LIMIT, NULL, "the address is too long");
		return NULL;
	}
	p->caller(p->conn, EP_GET, target, NULL, 0, false, c);
	if (c->data)
		json_array_append_new(p->kept, c->data);
	if (c->problems)
		json_array_append_new(p->kept, c->problems);
	return c->data;
}

json_t *ep_page_find(ep_page *p, ep_call *call, const char *fmt, ...)
{
	char target[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(target, sizeof target, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof target || !ep_page_may(p, EP_GET, target, NULL)) {
		if (call) {
			memset(call, 0, sizeof *call);
			call->status = 404;
		}
		return NULL;
	}
	return ep_page_get(p, call, "%s", target);
}

int ep_page_send(ep_page *p, ep_call *call, ep_method m, const char *target, json_t *body, int64_t if_match)
{
	p->caller(p->conn, m, target, body, if_match, false, call);
	/* What a write answers is freed with the page but does not raise its banner: only what
	 * the page reads and shows does. */
	if (call->data)
		json_array_append_new(p->spare, call->data);
	if (call->problems)
		json_array_append_new(p->spare, call->problems);
	return call->status;
}

bool ep_page_may(ep_page *p, ep_method m, const char *target, json_t *body)
{
	ep_call c;
	p->caller(p->conn, m, target, body, 0, true, &c);
	json_decref(c.problems); /* a dry run answers none; freed in case */
	return c.status < 300;
}

void ep_page_crumb(ep_page *p, const char *label, const char *href_fmt, ...)
{
	json_t *c = json_object();
	json_object_set_new(c, "label", json_string(label ? label : ""));
	if (href_fmt) {
		char href[512];
		va_list ap;
		va_start(ap, href_fmt);
		vsnprintf(href, sizeof href, href_fmt, ap);
		va_end(ap);
		json_object_set_new(c, "href", json_string(href));
	}
	json_array_append_new(p->crumbs, c);
}

ep_status ep_page_redirect(ep_page *p, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->location, sizeof p->location, fmt, ap);
	va_end(ap);
	return EP_OK;
}

const char *ep_page_field(const ep_page *p, const char *name)
{
	json_t *v = p->form ? json_object_get(p->form, name) : NULL;
	if (json_is_array(v))
		v = json_array_get(v, json_array_size(v) - 1);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

int64_t ep_page_version(const ep_page *p)
{
	const char *vs = ep_page_field(p, "_version");
	int64_t v;
	return vs && ep_parse_i64z(vs, 1, INT64_MAX, &v) == EP_OK ? v : 0;
}

void ep_page_form_failed(ep_page *p, const ep_call *call)
{
	json_t *errors = json_object();
	if (call->problems) {
		const char *k;
		json_t *v;
		json_object_foreach(call->problems, k, v) json_object_set(errors, k, v);
	}
	json_object_set_new(p->ctx, "errors", errors);
	if (p->form)
		json_object_set(p->ctx, "values", p->form);
	json_object_set_new(p->ctx, "error_message",
			    json_string(call->err.msg[0] ? call->err.msg : "the form has problems: see the fields below"));
	/* A stale version is the page's 409 (both versions are shown); a rule of the plan that
	 * refuses the change (the API's 409) is a form to fix, like any other problem: 422. */
	p->status = call->status == 412 ? 409 : call->status == 409 || call->status < 400 ? 422 : call->status;
}
