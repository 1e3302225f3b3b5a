/*
 * The HTML template engine of the web UI: Mustache-like templates that escape by default.
 *
 * A set of templates is compiled once at start-up (ep_tmpl_add for each file) and is read-only
 * afterwards, so any number of threads may render from it at once: rendering keeps its state
 * on the caller's stack and in the caller's buffer only. Compiling turns each template into a
 * flat list of operations with its paths already split, so rendering walks that list with an
 * explicit context stack and never parses.
 *
 * Syntax:
 *   {{path}}            the value at a dotted path, HTML-escaped. The first segment is looked
 *                       up from the innermost context outward, the rest followed from there;
 *                       "." is the current context, a number segment indexes an array. Strings
 *                       as is, integers in decimal, reals with %g, true "yes", false "no";
 *                       null, missing, arrays and objects print nothing.
 *   {{path|f|g}}        filters, applied left to right: date ("23.11.2026"), datetime
 *                       ("23.11.2026 10:05", UTC as stored), label ("not_started" gives
 *                       "Not started"), upper, lower (ASCII and the two-byte letters of Latin-1,
 *                       Latin Extended-A, Greek and Cyrillic), count (items of an array or keys
 *                       of an object, else 0), url (percent-encodes all but A-Za-z0-9-._~).
 *                       Text that is not a date passes date and datetime unchanged.
 *   {{#path}}..{{/path}} once per item of a non-empty array (the item pushed; {{@index}} is the
 *                       1-based position, @first and @last are booleans), once for a non-empty
 *                       object (pushed), once without a push for true, a non-empty string or a
 *                       nonzero number; nothing for false, null, missing, "", 0, [] and {}.
 *   {{^path}}..{{/path}} once when the section above would render nothing.
 *   {{#path=text}}..{{/path}} once (no push) when the value as {{path}} prints it (before
 *                       escaping) equals text, which runs to "}}" (trimmed, unquoted);
 *                       {{^path=text}} is the negation.
 *   {{>name}}           the template name with the current context stack, at most 16 deep.
 *                       Partial names may hold [A-Za-z0-9_./-].
 *   {{! comment }}      nothing.
 *   {{{safe_path}}}     the value unescaped, only when the path's last segment begins with
 *                       "safe_": C code puts trusted, already escaped HTML (server-drawn SVG)
 *                       under such keys. Any other raw tag is a compile error.
 * A line holding only whitespace and one section, inverted, close, comment or partial tag is
 * left out whole (indentation and newline), as in the Mustache spec. Whitespace inside tags is
 * allowed. Paths hold [A-Za-z0-9_.-]; @index, @first and @last are the only names with '@'.
 *
 * Limits: a template is at most EP_TMPL_MAX_TEXT bytes and nests sections at most
 * EP_TMPL_MAX_NESTING deep (compile errors, EP_E_LIMIT); partials nest at most
 * EP_TMPL_MAX_PARTIAL_DEPTH deep (a render error, EP_E_LIMIT).
 */
#ifndef EP_VIEW_TMPL_H
#define EP_VIEW_TMPL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"
#include "core/status.h"

#define EP_TMPL_MAX_TEXT ((size_t)1 << 20)
#define EP_TMPL_MAX_NESTING 64
#define EP_TMPL_MAX_PARTIAL_DEPTH 16
#define EP_TMPL_MAX_FILTERS 8 /* filters on one tag */

typedef struct ep_tmpl_set ep_tmpl_set;

/* An empty set; NULL when out of memory. */
ep_tmpl_set *ep_tmpl_set_new(void);
/* Frees the set and every template in it; NULL is fine. */
void ep_tmpl_set_free(ep_tmpl_set *s);

/* Compiles template text (len bytes, a copy is kept) under name. A second add of the same name
 * is EP_E_INVALID (nothing is replaced). A syntax error is EP_E_INVALID, a template over the
 * limits EP_E_LIMIT, with err->msg "NAME:LINE:COL: what is wrong" (columns count characters)
 * and err->field the name; the set is then unchanged. Partials are resolved at render time, so
 * templates may be added in any order. */
ep_status ep_tmpl_add(ep_tmpl_set *s, const char *name, const char *text, size_t len, ep_err *err);
/* Whether the set holds a template of this name. */
bool ep_tmpl_has(const ep_tmpl_set *s, const char *name);

/* Renders template name with ctx (any JSON, usually an object; NULL is an empty context),
 * appending to out. EP_E_NOTFOUND for an unknown template or partial, EP_E_LIMIT when out is
 * full or partials nest deeper than EP_TMPL_MAX_PARTIAL_DEPTH, EP_E_INTERNAL when memory runs
 * out. On failure out may hold part of the page: the caller discards it. */
ep_status ep_tmpl_render(const ep_tmpl_set *s, const char *name, json_t *ctx, ep_buf *out, ep_err *err);

/* Appends n bytes of s HTML-escaped (& < > " ' as &amp; &lt; &gt; &quot; &#39;), for C code
 * that writes HTML itself. EP_E_LIMIT when out is full. */
ep_status ep_html_escape(ep_buf *out, const char *s, size_t n);

#endif
