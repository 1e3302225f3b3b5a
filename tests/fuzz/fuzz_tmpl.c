/*
 * Fuzz target: the HTML template engine. The input is a template text; when it compiles, it is
 * rendered (twice, the same bytes both times) with a fixed context into a buffer capped at
 * 1 MiB. Invariants: no crash or leak; a compile error names the template; a render fails
 * only for the cap, the partial depth or an unknown partial; and data never reaches the page
 * unescaped. For the last, every special character in the context's marker strings is followed
 * by a 0x7f byte, which the escaped forms end in ';' before: so a 0x7f in the output after
 * anything but ';' is data that escaped escaping (checked unless the template text itself holds
 * a 0x7f). As the brief puts it more simply: without "{{{" and without '<' in the template, the
 * output holds no "<b>", whose only other source is the data. ep_html_escape of the input
 * itself must leave no special character.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/buf.h"
#include "view/tmpl.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every array holds at most two items, which with the tag counts of too_costly() keeps the
 * work of one input small: sections over arrays multiply it, self-including partials repeat
 * it 16 times over. */
static const char context_json[] =
        "{\"title\": \"<b>&\\\"'\", \"mark\": \"<\\u007fb>\\u007f&\\u007f\\\"\\u007f'\\u007f\","
        " \"code\": \"restreint_ue\", \"d\": \"2026-11-23\", \"ts\": \"2026-11-23T10:05:00Z\","
        " \"url\": \"a b/\\u00e9?<b>\", \"n\": 42, \"r\": 2.5, \"zero\": 0, \"t\": true, \"f\": false,"
        " \"nul\": null, \"empty\": \"\", \"ea\": [], \"eo\": {},"
        " \"safe_x\": \"<svg><b>raw</b></svg>\","
        " \"rows\": [{\"name\": \"<b>row\", \"mark\": \"x<\\u007f\", \"status\": \"done\", \"n\": 1,"
        "            \"tags\": [\"<b>\", \"a'\\u007f\"]},"
        "           {\"name\": \"r2\", \"status\": \"in-progress\", \"owner\": {\"name\": \"\\\"q\\\"\"}}],"
        " \"list\": [\"<b>\", 7],"
        " \"oap\": {\"title\": \"<b>OAP\", \"goal\": {\"text\": \"&\\u007f\", \"safe_svg\": \"<i>ok</i>\"}}}";

static json_t *context(void)
{
	static json_t *ctx;
	if (!ctx) {
		ctx = json_loads(context_json, 0, NULL);
		if (!ctx)
			abort();
	}
	return ctx;
}

/* How many tags begin with sigil (after the whitespace the parser skips): an over-count at
 * worst, which only makes too_costly() more careful. */
static size_t count_tags(const char *s, size_t n, char sigil)
{
	size_t c = 0;
	for (size_t i = 0; i + 2 < n; i++) {
		if (s[i] != '{' || s[i + 1] != '{')
			continue;
		size_t j = i + 2;
		while (j < n && (s[j] == ' ' || s[j] == '\t' || s[j] == '\r' || s[j] == '\n'))
			j++;
		if (j < n && s[j] == sigil)
			c++;
	}
	return c;
}

/* Whether rendering could take too long for a fuzzer: each section may run its body twice,
 * and with partials each instance of the template may include itself again, 16 deep. The
 * engine has no work budget (templates are trusted code), so the target keeps to inputs whose
 * work, bounded by instances times text length, stays under a few million steps. */
static bool too_costly(const char *s, size_t n)
{
	size_t sections = count_tags(s, n, '#'), partials = count_tags(s, n, '>');
	if (sections > 20)
		return true;
	size_t per_instance = (size_t)1 << sections; /* body runs of one template instance */
	size_t instances = 1;
	if (partials) {
		size_t base = partials * per_instance;
		if (base > 2)
			return true;
		instances = base == 1 ? 17 : (size_t)1 << 17;
	}
	return instances * per_instance * (n + 1) > ((size_t)8 << 20);
}

/* memmem is a GNU extension. */
static bool contains(const char *s, size_t n, const char *pat)
{
	size_t m = strlen(pat);
	for (size_t i = 0; i + m <= n; i++)
		if (memcmp(s + i, pat, m) == 0)
			return true;
	return false;
}

/* Whether an escaped text is safe: no special character, and every '&' starts an entity. */
static bool escaped_ok(const char *s, size_t n)
{
	static const char *const ents[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&#39;"};
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '<' || s[i] == '>' || s[i] == '"' || s[i] == '\'')
			return false;
		if (s[i] != '&')
			continue;
		bool ok = false;
		for (size_t k = 0; k < 5 && !ok; k++)
			ok = n - i >= strlen(ents[k]) && memcmp(s + i, ents[k], strlen(ents[k])) == 0;
		if (!ok)
			return false;
	}
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	ep_buf esc;
	ep_buf_init(&esc, 8 * size + 16);
	if (ep_html_escape(&esc, text, size) != EP_OK)
		abort();
	if (!escaped_ok(esc.data ? esc.data : "", esc.len))
		abort();
	ep_buf_release(&esc);

	ep_tmpl_set *set = ep_tmpl_set_new();
	if (!set)
		return 0;
	ep_err err;
	ep_err_clear(&err);
	ep_status st = ep_tmpl_add(set, "t", text, size, &err);
	if (st != EP_OK) {
		if ((st != EP_E_INVALID && st != EP_E_LIMIT) || strncmp(err.msg, "t:", 2) != 0 || ep_tmpl_has(set, "t"))
			abort();
		ep_tmpl_set_free(set);
		return 0;
	}
	if (!ep_tmpl_has(set, "t"))
		abort();
	if (too_costly(text, size)) {
		ep_tmpl_set_free(set);
		return 0;
	}

	ep_buf out[2];
	ep_status got[2];
	for (int k = 0; k < 2; k++) {
		ep_buf_init(&out[k], (size_t)1 << 20);
		ep_err_clear(&err);
		got[k] = ep_tmpl_render(set, "t", context(), &out[k], &err);
		if (got[k] != EP_OK && ((got[k] != EP_E_LIMIT && got[k] != EP_E_NOTFOUND) || !err.msg[0]))
			abort();
	}
	if (got[0] != got[1] ||
	    (got[0] == EP_OK && (out[0].len != out[1].len || memcmp(out[0].data ? out[0].data : "",
	                                                            out[1].data ? out[1].data : "", out[0].len) != 0)))
		abort();

	const char *o = out[0].data ? out[0].data : "";
	size_t olen = out[0].len;
	if (!memchr(text, 0x7f, size))
		for (size_t i = 0; i < olen; i++)
			if (o[i] == 0x7f && (i == 0 || o[i - 1] != ';'))
				abort();
	if (!memchr(text, '<', size) && !contains(text, size, "{{{") && contains(o, olen, "<b>"))
		abort();

	ep_buf_release(&out[0]);
	ep_buf_release(&out[1]);
	ep_tmpl_set_free(set);
	return 0;
}
