/*
 * The decoder of HTML form submissions (application/x-www-form-urlencoded): the bodies the
 * web UI's forms post. Unlike a query string, a form may repeat a name (a group of check
 * boxes), so the result is a JSON object whose values are strings, or arrays of strings for a
 * repeated name. Strict like the query decoder: a malformed escape, a NUL byte, invalid UTF-8
 * or an empty name is an error naming the field; past EP_FORM_MAX_FIELDS fields, EP_E_LIMIT.
 * Line breaks of text areas (CR LF, or a lone CR) become LF.
 */
#ifndef EP_HTTP_FORM_H
#define EP_HTTP_FORM_H

#include <jansson.h>
#include <stddef.h>

#include "core/arena.h"
#include "core/status.h"

#define EP_FORM_MAX_FIELDS 400

/* Decodes s[0..len) into a new object (*out, owned by the caller). */
ep_status ep_form_parse(const char *s, size_t len, ep_arena *a, json_t **out, ep_err *err);
/* The string value of name ("" is a value), the last one when it is repeated, or NULL. */
const char *ep_form_get(const json_t *form, const char *name);

#endif
