/*
 * The form decoder (see form.h).
 */
#include "http/form.h"

#include <string.h>

#include "core/str.h"
#include "http/query.h"
#include "core/banned.h"

/* A text area sends CR LF; empact stores LF. A lone CR is a line break too. */
static void strip_cr(char *s)
{
	char *o = s;
	for (const char *p = s; *p; p++) {
		if (*p == '\r') {
			*o++ = '\n';
			if (p[1] == '\n')
				p++;
		} else {
			*o++ = *p;
		}
	}
	*o = '\0';
}

ep_status ep_form_parse(const char *s, size_t len, ep_arena *a, json_t **out, ep_err *err)
{
	*out = NULL;
	json_t *form = json_object();
	if (!form)
		return ep_err_set(err, EP_E_INTERNAL, NULL, "out of memory");
	size_t fields = 0;
	ep_sv rest = ep_sv_make(s, len), item;
	while (rest.p && rest.n) {
		rest = ep_sv_cut(rest, '&', &item);
		if (item.n == 0)
			continue;
		if (++fields > EP_FORM_MAX_FIELDS) {
			json_decref(form);
			return ep_err_set(err, EP_E_LIMIT, "form", "the form has more than %d fields", EP_FORM_MAX_FIELDS);
		}
		ep_sv value, name;
		value = ep_sv_cut(item, '=', &name);
		char *n = ep_url_decode(name.p, name.n, a);
		if (!n || !n[0] || strlen(n) > 128) {
			json_decref(form);
			return ep_err_set(err, EP_E_INVALID, "form", "a field of the form has no valid name");
		}
		char *v = value.p ? ep_url_decode(value.p, value.n, a) : ep_arena_strdup(a, "");
		if (!v) {
			json_decref(form);
			return ep_err_set(err, EP_E_INVALID, n, "the field %.64s is not valid UTF-8 text", n);
		}
		strip_cr(v);
		json_t *js = json_string(v), *old = json_object_get(form, n);
		if (!js) {
			json_decref(form);
			return ep_err_set(err, EP_E_INTERNAL, NULL, "out of memory");
		}
		if (!old) {
			json_object_set_new(form, n, js);
		} else if (json_is_array(old)) {
			json_array_append_new(old, js);
		} else {
			json_t *arr = json_array();
			json_array_append(arr, old);
			json_array_append_new(arr, js);
			json_object_set_new(form, n, arr);
		}
	}
	*out = form;
	return EP_OK;
}

const char *ep_form_get(const json_t *form, const char *name)
{
	json_t *v = json_object_get(form, name);
	if (json_is_array(v))
		v = json_array_get(v, json_array_size(v) - 1);
	return json_is_string(v) ? json_string_value(v) : NULL;
}
