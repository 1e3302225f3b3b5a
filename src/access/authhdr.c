/*
 * Strict parsers of the header fields that carry credentials (see authhdr.h), and the one
 * Set-Cookie value empact sends. Each parser accepts exactly the grammar of its RFC and turns
 * everything else into EP_E_INVALID (or false), so that a request whose credentials are
 * ambiguous is refused instead of being read one way here and another way by a proxy.
 */
#include "access/authhdr.h"

#include <stdio.h>
#include <string.h>

#include "core/banned.h"

/* RFC 9110 section 5.6.2: tchar. */
static bool is_tchar(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return true;
	return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* RFC 6265 section 4.1.1: cookie-octet, US-ASCII without controls, whitespace, DQUOTE,
 * comma, semicolon and backslash. */
static bool is_cookie_octet(unsigned char c)
{
	return c == 0x21 || (c >= 0x23 && c <= 0x2B) || (c >= 0x2D && c <= 0x3A) || (c >= 0x3C && c <= 0x5B) ||
	       (c >= 0x5D && c <= 0x7E);
}

static bool is_ows(char c)
{
	return c == ' ' || c == '\t';
}

ep_status ep_cookie_find(const char *header, size_t len, const char *name, char out[EP_COOKIE_VALUE_MAX],
			 bool *found, ep_err *err)
{
	*found = false;
	out[0] = '\0';
	if (!header || !name || !name[0])
		return ep_err_set(err, EP_E_INVALID, "cookie", "there is no Cookie header to read");
	size_t name_len = strlen(name);
	const char *val = NULL;
	size_t val_len = 0;
	size_t i = 0;
	while (i < len && is_ows(header[i]))
		i++;
	if (i == len)
		return ep_err_set(err, EP_E_INVALID, "cookie", "the Cookie header is empty");

	/* Every pair is checked, also those of other cookies: a header that does not parse as a
	 * whole is refused rather than searched. */
	for (;;) {
		size_t n0 = i;
		while (i < len && is_tchar((unsigned char)header[i]))
			i++;
		size_t n1 = i;
		if (n1 == n0 || i == len || header[i] != '=')
			return ep_err_set(err, EP_E_INVALID, "cookie",
					  "the Cookie header is malformed: expected name=value at byte %zu", n0);
		i++;
		bool quoted = i < len && header[i] == '"';
		if (quoted)
			i++;
		size_t v0 = i;
		while (i < len && is_cookie_octet((unsigned char)header[i]))
			i++;
		size_t v1 = i;
		if (quoted) {
			if (i == len || header[i] != '"')
				return ep_err_set(err, EP_E_INVALID, "cookie",
						  "the Cookie header is malformed: an unterminated quoted value at byte %zu",
						  v0 - 1);
			i++;
		}
		if (n1 - n0 == name_len && memcmp(header + n0, name, name_len) == 0) {
			if (val)
				return ep_err_set(err, EP_E_INVALID, "cookie",
						  "the cookie %s appears twice in the Cookie header; clear this site's "
						  "cookies and sign in again",
						  name);
			val = header + v0;
			val_len = v1 - v0;
		}
		/* Then: the end, or optional whitespace, ";", optional whitespace and another pair. */
		while (i < len && is_ows(header[i]))
			i++;
		if (i == len)
			break;
		if (header[i] != ';')
			return ep_err_set(err, EP_E_INVALID, "cookie",
					  "the Cookie header is malformed: unexpected character at byte %zu", i);
		i++;
		while (i < len && is_ows(header[i]))
			i++;
	}

	if (!val)
		return EP_OK;
	if (val_len >= EP_COOKIE_VALUE_MAX)
		return ep_err_set(err, EP_E_LIMIT, "cookie", "the cookie %s is longer than %d bytes", name,
				  EP_COOKIE_VALUE_MAX - 1);
	memcpy(out, val, val_len);
	out[val_len] = '\0';
	*found = true;
	return EP_OK;
}

ep_status ep_cookie_set_session(const char *value, long max_age, char *out, size_t n, ep_err *err)
{
	if (n > 0)
		out[0] = '\0';
	if (!value)
		value = "";
	for (const char *p = value; *p; p++)
		if (!is_cookie_octet((unsigned char)*p))
			return ep_err_set(err, EP_E_INVALID, "cookie", "a cookie value may not contain byte 0x%02x",
					  (unsigned)(unsigned char)*p);
	if (max_age < 0)
		return ep_err_set(err, EP_E_INVALID, "cookie", "a cookie's Max-Age cannot be negative");
	int k = snprintf(out, n, "%s=%s; Path=/; Max-Age=%ld; HttpOnly; Secure; SameSite=Strict", EP_SESSION_COOKIE,
			 value, max_age);
	if (k < 0 || (size_t)k >= n) {
		if (n > 0)
			out[0] = '\0';
		return ep_err_set(err, EP_E_LIMIT, "cookie", "the Set-Cookie value does not fit in %zu bytes", n);
	}
	return EP_OK;
}

static bool is_token68_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
	       c == '_' || c == '~' || c == '+' || c == '/';
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

ep_status ep_authz_bearer(const char *header, size_t len, char *out, size_t n, ep_err *err)
{
	static const char scheme[] = "bearer";
	const size_t slen = sizeof scheme - 1;
	if (n > 0)
		out[0] = '\0';
	if (!header)
		return ep_err_set(err, EP_E_INVALID, "authorization", "there is no Authorization header to read");
	size_t i = 0;
	while (i < len && i < slen && lower(header[i]) == scheme[i])
		i++;
	if (i < slen || len == slen || header[slen] != ' ')
		return ep_err_set(err, EP_E_INVALID, "authorization",
				  "the Authorization header must be \"Bearer\", a space and an API token");
	while (i < len && header[i] == ' ')
		i++;
	size_t t0 = i;
	while (i < len && is_token68_char((unsigned char)header[i]))
		i++;
	if (i == t0)
		return ep_err_set(err, EP_E_INVALID, "authorization", "the Authorization header has no token after Bearer");
	while (i < len && header[i] == '=')
		i++;
	if (i != len)
		return ep_err_set(err, EP_E_INVALID, "authorization",
				  "the Authorization header has an unexpected character at byte %zu", i);
	size_t tlen = len - t0;
	if (tlen >= n)
		return ep_err_set(err, EP_E_LIMIT, "authorization", "the bearer token is longer than %zu bytes",
				  n > 0 ? n - 1 : 0);
	memcpy(out, header + t0, tlen);
	out[tlen] = '\0';
	return EP_OK;
}

/* host[:port] as in the Host header (RFC 9110 section 7.2) and the end of an origin: a
 * registered name of letters, digits, '-', '.' and '_', or an IPv6 literal in brackets, then an
 * optional port of one to five digits without leading zeros. *port is 0 when there is none. */
static bool parse_hostport(const char *s, size_t n, size_t *host_len, long *port)
{
	size_t i = 0;
	if (n > 0 && s[0] == '[') {
		i = 1;
		while (i < n && (s[i] == ':' || s[i] == '.' || (s[i] >= '0' && s[i] <= '9') ||
				 (lower(s[i]) >= 'a' && lower(s[i]) <= 'f')))
			i++;
		if (i == 1 || i == n || s[i] != ']')
			return false;
		i++;
	} else {
		while (i < n && ((lower(s[i]) >= 'a' && lower(s[i]) <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
				 s[i] == '-' || s[i] == '.' || s[i] == '_'))
			i++;
		if (i == 0)
			return false;
	}
	*host_len = i;
	*port = 0;
	if (i == n)
		return true;
	if (s[i] != ':')
		return false;
	i++;
	size_t d0 = i;
	long p = 0;
	while (i < n && s[i] >= '0' && s[i] <= '9' && i - d0 < 5)
		p = p * 10 + (s[i++] - '0');
	if (i != n || i == d0 || s[d0] == '0' || p > 65535)
		return false;
	*port = p;
	return true;
}

bool ep_origin_matches_host(const char *origin, size_t len, const char *host)
{
	if (!origin || !host)
		return false;
	long def;
	size_t i;
	if (len > 7 && strncmp(origin, "http://", 7) == 0) {
		def = 80;
		i = 7;
	} else if (len > 8 && strncmp(origin, "https://", 8) == 0) {
		def = 443;
		i = 8;
	} else {
		return false; /* also "null", which a browser sends for an opaque origin */
	}
	size_t ohl, hhl;
	long op, hp;
	const char *oh = origin + i;
	if (!parse_hostport(oh, len - i, &ohl, &op))
		return false;
	size_t hlen = strlen(host);
	if (!parse_hostport(host, hlen, &hhl, &hp))
		return false;
	if (ohl != hhl || (op ? op : def) != (hp ? hp : def))
		return false;
	for (size_t k = 0; k < ohl; k++)
		if (lower(oh[k]) != lower(host[k]))
			return false;
	return true;
}
