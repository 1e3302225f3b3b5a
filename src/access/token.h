/*
 * Secrets handed to clients: session ids (the cookie), API tokens (Authorization: Bearer) and
 * CSRF tokens. Each is 32 random bytes from libsodium's CSPRNG, written as unpadded base64url
 * after a short prefix that says what it is ("eps_" session, "ept_" API token, "epc_" CSRF).
 * Only the SHA-256 of a session id or API token is ever stored, so a copy of the database does
 * not hand out working credentials.
 */
#ifndef EP_ACCESS_TOKEN_H
#define EP_ACCESS_TOKEN_H

#include <stdbool.h>
#include <stddef.h>

#include "core/status.h"

#define EP_TOKEN_LEN 48   /* prefix (4) + base64url of 32 bytes (43) + NUL */
#define EP_TOKEN_HASH 32  /* SHA-256 */

typedef enum ep_token_kind { EP_TOKEN_SESSION, EP_TOKEN_API, EP_TOKEN_CSRF } ep_token_kind;

/* A new token of the kind. */
void ep_token_new(ep_token_kind kind, char out[EP_TOKEN_LEN]);
/* Whether s has the shape of a token of the kind: the prefix and 43 base64url characters. */
bool ep_token_well_formed(ep_token_kind kind, const char *s);
/* The SHA-256 of the token's text, which is what the database keeps. */
void ep_token_hash(const char *token, unsigned char out[EP_TOKEN_HASH]);
/* Compares two NUL-terminated secrets in time that depends only on their lengths. */
bool ep_token_equal(const char *a, const char *b);

#endif
