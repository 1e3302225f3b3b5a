/*
 * Fuzz target: the form decoder of the web UI, and the page matcher on the same bytes taken as
 * a path. Every decoded value is valid UTF-8 without NUL or CR, names are non-empty, the
 * field count stays within the cap, and the last value of a repeated name is what
 * ep_form_get answers.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/page.h"
#include "core/arena.h"
#include "core/str.h"
#include "http/form.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_value(json_t *v)
{
	const char *s = json_string_value(v);
	if (!s)
		abort();
	size_t n = strlen(s);
	if (n != json_string_length(v) || !ep_utf8_valid(s, n) || strchr(s, '\r'))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ep_arena *a = ep_arena_new(8 << 20);
	json_t *form = NULL;
	ep_err err;
	if (ep_form_parse((const char *)data, size, a, &form, &err) == EP_OK) {
		size_t fields = 0;
		const char *k;
		json_t *v;
		json_object_foreach(form, k, v)
		{
			if (!k[0] || !ep_utf8_valid(k, strlen(k)))
				abort();
			if (json_is_array(v)) {
				size_t i;
				json_t *x;
				json_array_foreach(v, i, x) check_value(x);
				fields += json_array_size(v);
				const char *last = json_string_value(json_array_get(v, json_array_size(v) - 1));
				if (!last || strcmp(ep_form_get(form, k), last) != 0)
					abort();
			} else {
				check_value(v);
				fields++;
			}
		}
		if (fields > EP_FORM_MAX_FIELDS)
			abort();
		json_decref(form);
	} else if (form) {
		abort(); /* a failed decode hands nothing back */
	}
	/* The same bytes as a page path: a match never yields more ids than a path holds. */
	char path[512];
	size_t n = size < sizeof path - 1 ? size : sizeof path - 1;
	memcpy(path, data, n);
	path[n] = '\0';
	const ep_page_route *r;
	int64_t ids[EP_MAX_PATH_IDS];
	size_t nids = 0;
	unsigned allow;
	if (ep_page_match(EP_GET, path, &r, ids, &nids, &allow) && (nids > EP_MAX_PATH_IDS || !r))
		abort();
	ep_arena_free(a);
	return 0;
}
