/*
 * String views and text checks (see str.h).
 */
#include "core/str.h"

#include <string.h>

#include "core/banned.h"

ep_sv ep_sv_from(const char *s)
{
	return (ep_sv){s, s ? strlen(s) : 0};
}

ep_sv ep_sv_make(const char *p, size_t n)
{
	return (ep_sv){p, n};
}

bool ep_sv_eq(ep_sv a, ep_sv b)
{
	return a.n == b.n && (a.n == 0 || memcmp(a.p, b.p, a.n) == 0);
}

bool ep_sv_eq_cstr(ep_sv a, const char *s)
{
	return ep_sv_eq(a, ep_sv_from(s));
}

bool ep_sv_starts_with(ep_sv a, const char *prefix)
{
	size_t n = strlen(prefix);
	return a.n >= n && (n == 0 || memcmp(a.p, prefix, n) == 0);
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

ep_sv ep_sv_trim(ep_sv a)
{
	while (a.n && is_space(a.p[0])) {
		a.p++;
		a.n--;
	}
	while (a.n && is_space(a.p[a.n - 1]))
		a.n--;
	return a;
}

ep_sv ep_sv_cut(ep_sv a, char sep, ep_sv *head)
{
	const char *q = a.n ? memchr(a.p, sep, a.n) : NULL;
	if (!q) {
		*head = a;
		return (ep_sv){NULL, 0};
	}
	*head = (ep_sv){a.p, (size_t)(q - a.p)};
	return (ep_sv){q + 1, a.n - (size_t)(q - a.p) - 1};
}

bool ep_utf8_valid(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	while (i < n) {
		unsigned c = s[i];
		if (c == 0)
			return false;
		if (c < 0x80) {
			i++;
			continue;
		}
		size_t len;
		unsigned cp;
		if (c >= 0xC2 && c <= 0xDF) {
			len = 2;
			cp = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			len = 3;
			cp = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			len = 4;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (n - i < len)
			return false;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
		    (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		i += len;
	}
	return true;
}

size_t ep_utf8_len(const char *s, size_t n)
{
	size_t count = 0;
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			count++;
	return count;
}

bool ep_is_code(const char *s, size_t min, size_t max)
{
	size_t n = strlen(s);
	if (n < min || n > max || !(s[0] >= 'A' && s[0] <= 'Z'))
		return false;
	for (size_t i = 1; i < n; i++) {
		char c = s[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
			return false;
	}
	return true;
}

bool ep_is_dotted_number(const char *s)
{
	size_t i = 0;
	if (!s[0] || strlen(s) > 32)
		return false;
	for (;;) {
		if (!(s[i] >= '0' && s[i] <= '9'))
			return false;
		if (s[i] == '0' && s[i + 1] >= '0' && s[i + 1] <= '9')
			return false;
		while (s[i] >= '0' && s[i] <= '9')
			i++;
		if (s[i] == '\0')
			return true;
		if (s[i] != '.')
			return false;
		i++;
	}
}

bool ep_mem_eq_ct(const void *a, const void *b, size_t n)
{
	const volatile unsigned char *x = a, *y = b;
	unsigned char d = 0;
	for (size_t i = 0; i < n; i++)
		d |= x[i] ^ y[i];
	return d == 0;
}
