/*
 * CSV export (see csv.h).
 */
#include "core/csv.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/banned.h"

#define CSV_MAX ((size_t)256 << 20) /* the largest export: a roll-up is far smaller */

static ep_status cell(ep_buf *b, const json_t *v)
{
	char num[64];
	const char *s = NULL;
	switch (json_typeof(v)) {
	case JSON_STRING: s = json_string_value(v); break;
	case JSON_INTEGER:
		snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
		return ep_buf_puts(b, num);
	case JSON_REAL: {
		double d = json_real_value(v);
		for (int prec = 1; prec <= 17; prec++) {
			snprintf(num, sizeof num, "%.*g", prec, d);
			if (strtod(num, NULL) == d)
				break;
		}
		return ep_buf_puts(b, num);
	}
	case JSON_TRUE: return ep_buf_puts(b, "true");
	case JSON_FALSE: return ep_buf_puts(b, "false");
	default: return EP_OK;
	}
	bool formula = s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r';
	bool quote = formula || strpbrk(s, ",\"\r\n") != NULL;
	ep_status st = EP_OK;
	if (quote)
		st |= ep_buf_putc(b, '"');
	if (formula)
		st |= ep_buf_putc(b, '\'');
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			st |= ep_buf_putc(b, '"');
		st |= ep_buf_putc(b, *p);
	}
	if (quote)
		st |= ep_buf_putc(b, '"');
	return st ? EP_E_LIMIT : EP_OK;
}

char *ep_csv_from_rows(const json_t *rows, size_t *len)
{
	if (!json_is_array(rows))
		return NULL;
	/* The columns: every key, in the order it first appears. */
	json_t *cols = json_array(), *seen = json_object();
	size_t i;
	json_t *row;
	bool ok = cols && seen;
	json_array_foreach(rows, i, row)
	{
		if (!json_is_object(row)) {
			ok = false;
			break;
		}
		const char *k;
		json_t *v;
		json_object_foreach((json_t *)row, k, v)
		{
			if (!json_object_get(seen, k)) {
				json_object_set_new(seen, k, json_true());
				json_array_append_new(cols, json_string(k));
			}
		}
	}
	char *out = NULL;
	if (ok) {
		ep_buf b;
		ep_buf_init(&b, CSV_MAX);
		ep_status st = EP_OK;
		size_t ncols = json_array_size(cols);
		if (json_array_size(rows) > 0) {
			for (size_t c = 0; c < ncols; c++) {
				if (c)
					st |= ep_buf_putc(&b, ',');
				st |= cell(&b, json_array_get(cols, c));
			}
			st |= ep_buf_puts(&b, "\r\n");
		}
		json_array_foreach(rows, i, row)
		{
			for (size_t c = 0; c < ncols; c++) {
				if (c)
					st |= ep_buf_putc(&b, ',');
				json_t *v = json_object_get(row, json_string_value(json_array_get(cols, c)));
				if (v)
					st |= cell(&b, v);
			}
			st |= ep_buf_puts(&b, "\r\n");
		}
		if (st == EP_OK)
			out = ep_buf_detach(&b, len);
		ep_buf_release(&b);
	}
	json_decref(cols);
	json_decref(seen);
	return out;
}
