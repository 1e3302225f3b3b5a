/*
 * Route matching and query checking (see router.h). The table itself is in routes.c.
 */
#include "http/router.h"

#include <stdio.h>
#include <string.h>

#include "core/num.h"
#include "core/str.h"
#include "core/banned.h"

static const char *const method_names[] = {"GET", "HEAD", "POST", "PATCH", "PUT", "DELETE"};

const char *ep_method_name(ep_method m)
{
	for (int i = 0; i < 6; i++)
		if (m == (1u << i))
			return method_names[i];
	return "?";
}

ep_method ep_method_parse(const char *s)
{
	for (int i = 0; i < 6; i++)
		if (strcmp(s, method_names[i]) == 0)
			return (ep_method)(1u << i);
	return 0;
}

void ep_methods_text(unsigned methods, char *out, size_t n)
{
	size_t used = 0;
	out[0] = '\0';
	for (int i = 0; i < 6; i++) {
		if (!(methods & (1u << i)))
			continue;
		int k = snprintf(out + used, n - used, "%s%s", used ? ", " : "", method_names[i]);
		if (k < 0 || (size_t)k >= n - used)
			break;
		used += (size_t)k;
	}
}

/* Matches path against pattern; fills ids. */
static bool match_pattern(const char *pattern, const char *path, int64_t *ids, size_t *nids)
{
	size_t n = 0;
	const char *p = pattern, *s = path;
	while (*p && *s) {
		if (*p == '{') {
			const char *pe = strchr(p, '}');
			const char *se = strchr(s, '/');
			size_t len = se ? (size_t)(se - s) : strlen(s);
			int64_t v;
			if (!pe || n == EP_MAX_PATH_IDS || len == 0 || s[0] == '0' ||
			    ep_parse_i64(s, len, 1, INT64_MAX, &v) != EP_OK)
				return false;
			ids[n++] = v;
			p = pe + 1;
			s += len;
			continue;
		}
		if (*p != *s)
			return false;
		p++;
		s++;
	}
	if (*p || *s)
		return false;
	*nids = n;
	return true;
}

ep_match ep_router_match(ep_method method, const char *path, const ep_route **route, int64_t *ids, size_t *nids,
			 unsigned *allow)
{
	size_t n;
	const ep_route *routes = ep_routes(&n);
	unsigned methods = 0;
	*route = NULL;
	for (size_t i = 0; i < n; i++) {
		int64_t tmp[EP_MAX_PATH_IDS];
		size_t tn = 0;
		if (!match_pattern(routes[i].pattern, path, tmp, &tn))
			continue;
		methods |= routes[i].methods;
		/* HEAD is served by the GET route. */
		if ((routes[i].methods & method) || (method == EP_HEAD && (routes[i].methods & EP_GET))) {
			*route = &routes[i];
			memcpy(ids, tmp, sizeof tmp);
			*nids = tn;
			return EP_MATCH_OK;
		}
	}
	if (allow)
		*allow = methods & EP_GET ? methods | EP_HEAD : methods;
	return methods ? EP_MATCH_NOMETHOD : EP_MATCH_NOPATH;
}

static const ep_param_spec *find_spec(const ep_route *r, const char *name)
{
	for (size_t i = 0; i < EP_ROUTE_MAX_PARAMS && r->params[i].name; i++)
		if (strcmp(r->params[i].name, name) == 0)
			return &r->params[i];
	return NULL;
}

ep_status ep_router_check_query(const ep_route *r, const ep_query *q, ep_err *err)
{
	for (size_t i = 0; i < q->n; i++) {
		const char *name = q->p[i].name, *v = q->p[i].value;
		const ep_param_spec *sp = find_spec(r, name);
		if (!sp) {
			char list[512] = "";
			size_t used = 0;
			for (size_t k = 0; k < EP_ROUTE_MAX_PARAMS && r->params[k].name; k++) {
				int w = snprintf(list + used, sizeof list - used, "%s%s", used ? ", " : "", r->params[k].name);
				if (w > 0 && (size_t)w < sizeof list - used)
					used += (size_t)w;
			}
			return ep_err_set(err, EP_E_INVALID, name, "unknown query parameter '%.64s'%s%s", name,
					  used ? "; this resource accepts: " : "; this resource accepts none", list);
		}
		switch (sp->kind) {
		case EP_P_INT: {
			int64_t x;
			ep_status s = ep_parse_i64z(v, sp->min, sp->max, &x);
			if (s != EP_OK)
				return ep_err_set(err, EP_E_INVALID, name, "%s must be a whole number from %lld to %lld", name,
						  (long long)sp->min, (long long)sp->max);
			break;
		}
		case EP_P_TEXT:
			if ((int64_t)strlen(v) > sp->max || !v[0])
				return ep_err_set(err, EP_E_INVALID, name, "%s must be a text of 1 to %lld bytes", name,
						  (long long)sp->max);
			break;
		case EP_P_ENUM: {
			bool ok = false;
			char list[512] = "";
			size_t used = 0;
			for (const char *const *e = sp->values; *e; e++) {
				ok = ok || strcmp(*e, v) == 0;
				int w = snprintf(list + used, sizeof list - used, "%s%s", used ? ", " : "", *e);
				if (w > 0 && (size_t)w < sizeof list - used)
					used += (size_t)w;
			}
			if (!ok)
				return ep_err_set(err, EP_E_INVALID, name, "%s must be one of: %s", name, list);
			break;
		}
		case EP_P_CURSOR: {
			size_t len = strlen(v);
			bool ok = len > 0 && len <= 2048; /* CURSOR_MAX of api_res.c */
			for (size_t k = 0; ok && k < len; k++)
				ok = (v[k] >= 'a' && v[k] <= 'z') || (v[k] >= 'A' && v[k] <= 'Z') ||
				     (v[k] >= '0' && v[k] <= '9') || v[k] == '-' || v[k] == '_';
			if (!ok)
				return ep_err_set(err, EP_E_INVALID, name, "%s is not a cursor this server issued", name);
			break;
		}
		case EP_P_BOOL:
			if (strcmp(v, "true") != 0 && strcmp(v, "false") != 0)
				return ep_err_set(err, EP_E_INVALID, name, "%s must be true or false", name);
			break;
		}
	}
	return EP_OK;
}
