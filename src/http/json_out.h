/*
 * The JSON text of a response body. It gives the bytes json_dumps(v, JSON_COMPACT |
 * JSON_ENCODE_ANY) gives, in a single pass. jansson 2.14's json_dumps costs about 100
 * instructions per byte: it appends each piece through a callback, decodes every character of
 * every string, and for its loop check formats the address of every object and array with
 * snprintf into a hashtable. That made it the largest cost of a page of 100 actions (42%).
 * The trees the handlers build never contain a cycle; the nesting is capped anyway.
 */
#ifndef EP_HTTP_JSON_OUT_H
#define EP_HTTP_JSON_OUT_H

#include <jansson.h>
#include <stddef.h>

/* A NUL-terminated compact JSON text (free() it) and its length, or NULL when memory runs out,
 * the nesting is deeper than 512 or a value cannot be written (a non-finite real). */
char *ep_json_out(const json_t *v, size_t *len);

#endif
