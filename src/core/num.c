/*
 * Range-checked integer parsing (see num.h). Written by hand rather than over strtoll so that
 * it needs no NUL terminator and has no locale or errno subtleties.
 */
#include "core/num.h"

#include <string.h>

#include "core/banned.h"

ep_status ep_parse_i64(const char *s, size_t n, int64_t min, int64_t max, int64_t *out)
{
	size_t i = 0;
	int neg = 0;
	if (n && s[0] == '-') {
		neg = 1;
		i = 1;
	}
	if (i == n)
		return EP_E_INVALID;
	/* Accumulate as a negative number: its range is the larger one. */
	int64_t v = 0;
	int over = 0;
	for (; i < n; i++) {
		char c = s[i];
		if (c < '0' || c > '9')
			return EP_E_INVALID;
		int d = c - '0';
		if (v < (INT64_MIN + d) / 10)
			over = 1;
		else
			v = v * 10 - d;
	}
	if (over)
		return EP_E_LIMIT;
	if (!neg) {
		if (v == INT64_MIN)
			return EP_E_LIMIT;
		v = -v;
	}
	if (v < min || v > max)
		return EP_E_LIMIT;
	*out = v;
	return EP_OK;
}

ep_status ep_parse_i64z(const char *s, int64_t min, int64_t max, int64_t *out)
{
	return ep_parse_i64(s, strlen(s), min, max, out);
}
