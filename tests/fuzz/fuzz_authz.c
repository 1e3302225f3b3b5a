/*
 * Fuzz target: Authorization (Bearer) and Origin against Host. The input is read as an
 * Authorization header; then, split at its first NUL or newline, as an Origin header and a
 * Host header. A bearer token read must be token68 and fit the buffer; an origin that matches
 * must start with http:// or https:// and name the same host (case aside) as the Host header.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "access/authhdr.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool token68(const char *s)
{
	size_t i = 0;
	while (s[i] && strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/", s[i]))
		i++;
	if (i == 0)
		return false;
	while (s[i] == '=')
		i++;
	return s[i] == '\0';
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* The length of the host in host[:port]: through the ']' of an IPv6 literal, else up to ':'. */
static size_t host_len(const char *s, size_t n)
{
	size_t i = 0;
	if (n > 0 && s[0] == '[') {
		while (i < n && s[i] != ']')
			i++;
		return i < n ? i + 1 : 0;
	}
	while (i < n && s[i] != ':')
		i++;
	return i;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *h = malloc(size + 1);
	if (!h)
		return 0;
	if (size)
		memcpy(h, data, size);
	h[size] = '\0';

	char tok[64];
	ep_err err;
	ep_status st = ep_authz_bearer(h, size, tok, sizeof tok, &err);
	if (st == EP_OK) {
		size_t n = strnlen(tok, sizeof tok);
		if (n == 0 || n >= sizeof tok || !token68(tok) || size < 7 + n || memcmp(h + size - n, tok, n) != 0)
			abort();
		for (size_t i = 0; i < 6; i++)
			if (lower(h[i]) != "bearer"[i])
				abort();
	} else if (st != EP_E_INVALID && st != EP_E_LIMIT) {
		abort();
	}

	size_t cut = 0;
	while (cut < size && h[cut] != '\0' && h[cut] != '\n')
		cut++;
	const char *host = cut < size ? h + cut + 1 : "";
	if (ep_origin_matches_host(h, cut, host)) {
		size_t skip;
		if (cut > 8 && memcmp(h, "https://", 8) == 0)
			skip = 8;
		else if (cut > 7 && memcmp(h, "http://", 7) == 0)
			skip = 7;
		else
			abort();
		/* No path, query, user information or whitespace on either side. */
		for (size_t i = skip; i < cut; i++)
			if (strchr("/?#@ \t\r", h[i]))
				abort();
		if (!host[0] || strpbrk(host, "/?#@ \t\r\n"))
			abort();
		/* The host names (before any port) agree, ignoring ASCII case. */
		size_t on = host_len(h + skip, cut - skip), hn = host_len(host, strlen(host));
		if (on == 0 || on != hn)
			abort();
		for (size_t i = 0; i < on; i++)
			if (lower(h[skip + i]) != lower(host[i]))
				abort();
	}
	free(h);
	return 0;
}
