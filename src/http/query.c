/*
 * The strict query-string decoder (see query.h).
 */
#include "http/query.h"

#include <string.h>

#include "core/str.h"
#include "core/banned.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

char *ep_url_decode(const char *s, size_t len, ep_arena *a)
{
	char *out = ep_arena_alloc(a, len + 1);
	if (!out)
		return NULL;
	size_t o = 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c == '%') {
			if (len - i < 3)
				return NULL;
			int h = hexval(s[i + 1]), l = hexval(s[i + 2]);
			if (h < 0 || l < 0)
				return NULL;
			c = (char)(h * 16 + l);
			i += 2;
		} else if (c == '+') {
			c = ' ';
		}
		if (c == '\0')
			return NULL;
		out[o++] = c;
	}
	out[o] = '\0';
	if (!ep_utf8_valid(out, o))
		return NULL;
	return out;
}

ep_status ep_query_parse(const char *s, size_t len, ep_arena *a, ep_query *q, ep_err *err)
{
	q->n = 0;
	ep_sv rest = ep_sv_make(s, len), item;
	while (rest.p && rest.n) {
		rest = ep_sv_cut(rest, '&', &item);
		if (item.n == 0)
			continue; /* "a=1&&b=2" and a trailing '&' are harmless */
		ep_sv value, name;
		value = ep_sv_cut(item, '=', &name);
		if (name.n == 0)
			return ep_err_set(err, EP_E_INVALID, "query", "a query parameter has no name");
		char *n = ep_url_decode(name.p, name.n, a);
		if (!n)
			return ep_err_set(err, EP_E_INVALID, "query", "a query parameter name is not validly encoded");
		char *v = ep_url_decode(value.p ? value.p : "", value.p ? value.n : 0, a);
		if (!v)
			return ep_err_set(err, EP_E_INVALID, n, "the value of query parameter '%.64s' is not validly encoded",
					  n);
		if (ep_query_get(q, n))
			return ep_err_set(err, EP_E_INVALID, n, "query parameter '%.64s' is given more than once", n);
		if (q->n == EP_QUERY_MAX_PARAMS)
			return ep_err_set(err, EP_E_LIMIT, "query", "more than %d query parameters", EP_QUERY_MAX_PARAMS);
		q->p[q->n].name = n;
		q->p[q->n].value = v;
		q->n++;
	}
	return EP_OK;
}

const char *ep_query_get(const ep_query *q, const char *name)
{
	for (size_t i = 0; i < q->n; i++)
		if (strcmp(q->p[i].name, name) == 0)
			return q->p[i].value;
	return NULL;
}
