/*
 * Client secrets (see token.h): 32 bytes from libsodium's CSPRNG behind a prefix that names
 * the kind, the shape check run before any database lookup, the SHA-256 the database keeps,
 * and a comparison whose time does not reveal where two secrets differ.
 */
#include "access/token.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/banned.h"

#define TOKEN_RAW 32
#define TOKEN_PREFIX 4
#define TOKEN_B64 43 /* base64url of 32 bytes, unpadded */

_Static_assert(TOKEN_PREFIX + TOKEN_B64 + 1 == EP_TOKEN_LEN, "EP_TOKEN_LEN is prefix + base64url + NUL");
_Static_assert(sodium_base64_ENCODED_LEN(TOKEN_RAW, sodium_base64_VARIANT_URLSAFE_NO_PADDING) == TOKEN_B64 + 1,
	       "43 base64url characters hold 32 bytes");
_Static_assert(crypto_hash_sha256_BYTES == EP_TOKEN_HASH, "EP_TOKEN_HASH is a SHA-256");

static const char *prefix(ep_token_kind kind)
{
	switch (kind) {
	case EP_TOKEN_SESSION:
		return "eps_";
	case EP_TOKEN_API:
		return "ept_";
	case EP_TOKEN_CSRF:
		return "epc_";
	}
	return "???_";
}

void ep_token_new(ep_token_kind kind, char out[EP_TOKEN_LEN])
{
	unsigned char raw[TOKEN_RAW];
	/* Without a working CSPRNG there is no safe token to return, and the signature leaves no
	 * way to report it: stopping is the only answer that does not hand out a guessable one. */
	if (sodium_init() < 0)
		abort();
	randombytes_buf(raw, sizeof raw);
	memcpy(out, prefix(kind), TOKEN_PREFIX);
	sodium_bin2base64(out + TOKEN_PREFIX, EP_TOKEN_LEN - TOKEN_PREFIX, raw, sizeof raw,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof raw);
}

static bool is_b64url(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

bool ep_token_well_formed(ep_token_kind kind, const char *s)
{
	if (!s || strncmp(s, prefix(kind), TOKEN_PREFIX) != 0)
		return false;
	for (size_t i = 0; i < TOKEN_B64; i++)
		if (!is_b64url(s[TOKEN_PREFIX + i]))
			return false;
	return s[TOKEN_PREFIX + TOKEN_B64] == '\0';
}

void ep_token_hash(const char *token, unsigned char out[EP_TOKEN_HASH])
{
	const char *t = token ? token : "";
	crypto_hash_sha256(out, (const unsigned char *)t, strlen(t));
}

bool ep_token_equal(const char *a, const char *b)
{
	/* An empty string is never a secret: two of them must not "match". */
	if (!a || !b || !a[0] || !b[0])
		return false;
	size_t n = strlen(a);
	if (n != strlen(b))
		return false;
	return sodium_memcmp(a, b, n) == 0;
}
