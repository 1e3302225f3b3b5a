/*
 * Status names, single errors and problem lists (see status.h).
 */
#include "core/status.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

const char *ep_status_name(ep_status s)
{
	switch (s) {
	case EP_OK: return "ok";
	case EP_E_INVALID: return "invalid";
	case EP_E_NOTFOUND: return "not_found";
	case EP_E_DENIED: return "denied";
	case EP_E_CONFLICT: return "conflict";
	case EP_E_LIMIT: return "limit";
	case EP_E_INTERNAL: return "internal";
	}
	return "internal";
}

ep_status ep_err_vset(ep_err *err, ep_status s, const char *field, const char *fmt, va_list ap)
{
	if (!err)
		return s;
	err->status = s;
	snprintf(err->field, sizeof err->field, "%s", field ? field : "");
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	return s;
}

ep_status ep_err_set(ep_err *err, ep_status s, const char *field, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	ep_err_vset(err, s, field, fmt, ap);
	va_end(ap);
	return s;
}

void ep_err_clear(ep_err *err)
{
	if (!err)
		return;
	err->status = EP_OK;
	err->field[0] = '\0';
	err->msg[0] = '\0';
}

void ep_errs_init(ep_errs *e)
{
	memset(e, 0, sizeof *e);
}

void ep_errs_release(ep_errs *e)
{
	for (size_t i = 0; i < e->n; i++) {
		free(e->items[i].path);
		free(e->items[i].msg);
	}
	free(e->items);
	memset(e, 0, sizeof *e);
}

static char *dup_or_null(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = malloc(n);
	if (d)
		memcpy(d, s, n);
	return d;
}

void ep_errs_add(ep_errs *e, ep_status s, const char *path, const char *fmt, ...)
{
	if (e->n >= EP_ERRS_MAX) {
		e->dropped++;
		return;
	}
	if (e->n == e->cap) {
		size_t cap = e->cap ? e->cap * 2 : 16;
		ep_problem *items = realloc(e->items, cap * sizeof *items);
		if (!items) {
			e->dropped++;
			return;
		}
		e->items = items;
		e->cap = cap;
	}
	char msg[EP_ERR_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	ep_problem *p = &e->items[e->n];
	p->status = s;
	p->path = dup_or_null(path ? path : "");
	p->msg = dup_or_null(msg);
	if (!p->path || !p->msg) {
		free(p->path);
		free(p->msg);
		e->dropped++;
		return;
	}
	e->n++;
}

size_t ep_errs_count(const ep_errs *e)
{
	return e->n + e->dropped;
}
