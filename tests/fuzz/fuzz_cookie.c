/*
 * Fuzz target: the Cookie header parser, looking for the session cookie. A value found must be
 * NUL-terminated within EP_COOKIE_VALUE_MAX and made of cookie-octets only (no ';', ',',
 * space, '"', backslash or control bytes); a header with the cookie twice is never accepted.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "access/authhdr.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A heap copy of exactly size bytes, so that ASan catches any read past the header. */
	char *h = malloc(size ? size : 1);
	if (!h)
		return 0;
	if (size)
		memcpy(h, data, size);
	char out[EP_COOKIE_VALUE_MAX];
	memset(out, 'Z', sizeof out);
	bool found = true;
	ep_err err;
	ep_status st = ep_cookie_find(h, size, EP_SESSION_COOKIE, out, &found, &err);
	if (st != EP_OK && found)
		abort();
	if (st != EP_OK && st != EP_E_INVALID && st != EP_E_LIMIT)
		abort();
	if (found) {
		size_t n = strnlen(out, sizeof out);
		if (n >= EP_COOKIE_VALUE_MAX)
			abort();
		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)out[i];
			if (c <= 0x20 || c >= 0x7F || c == ';' || c == ',' || c == '"' || c == '\\')
				abort();
		}
		/* The value is in the header. */
		bool in = n == 0;
		for (size_t i = 0; !in && i + n <= size; i++)
			in = memcmp(h + i, out, n) == 0;
		if (!in)
			abort();
		/* The name occurs at most once as a cookie name; twice would have been refused. */
		size_t nl = strlen(EP_SESSION_COOKIE);
		int seen = 0;
		for (size_t i = 0; i + nl < size; i++)
			if (memcmp(h + i, EP_SESSION_COOKIE "=", nl + 1) == 0 &&
			    (i == 0 || h[i - 1] == ' ' || h[i - 1] == '\t' || h[i - 1] == ';'))
				seen++;
		if (seen != 1)
			abort();
	}
	free(h);
	return 0;
}
