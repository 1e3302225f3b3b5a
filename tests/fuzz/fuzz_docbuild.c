/*
 * libFuzzer target for the block-tree builder of Council documents (src/docs/doc_build.c), fed
 * with arbitrary dataset content, then the release filter and the plain-text and HTML renderers.
 *
 * The input is JSON. An object with "dataset" or "rollup" is a document source as it is; any
 * other object is taken as a dataset (docs/dataset.md) and wrapped into sources, one for each
 * document of its "documents" (by number and suffix), each OAP of its "oaps" (by
 * "CYCLE/PRIORITY/YEAR", and with "/REVISION" where the revision is not 0) and each cycle label
 * of its "cycles", plus one source that names nothing. Each source is built twice in a fresh
 * arena: filtered at release public, then at restreint_ue, and rendered as text and HTML.
 *
 * Beyond "no crash, no leak, no undefined behaviour", it checks:
 * - a refused source is EP_E_INVALID, EP_E_NOTFOUND or EP_E_LIMIT with a message, never
 *   anything else (a source is untrusted input: doc.h);
 * - filtering twice is EP_E_INVALID; a renderer fails only with EP_E_LIMIT;
 * - the one that matters most: nothing withheld reaches the output. A record whose content the
 *   release does not show (a passage or section whose classification is above the release or
 *   whose marking is LIMITE at public, an action of such a level, a goal or any of those with
 *   "hidden": true, a roll-up of such a level) may carry the canary "LEAKCANARY" in its text;
 *   when the canary (in any letter case) is nowhere else in the source, the text and HTML output
 *   must not contain it. "Nowhere else" is computed on a copy of the source with the withheld
 *   content removed, so what the model shows by design stays allowed: section and passage
 *   headings (kept above a withheld section's marker), OAP and roll-up titles, the document
 *   record's furniture, and content released by a redaction map ("released" in any document's
 *   map exempts the passage key or section number it names; a hidden goal stays withheld even in
 *   a priority the map releases).
 * A violation abort()s, so libFuzzer reports the input.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/classif.h"
#include "core/status.h"
#include "docs/doc.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_INPUT ((size_t)1 << 20)
#define ARENA_CAP ((size_t)64 << 20)
#define OUT_CAP ((size_t)8 << 20)
#define MAX_EACH 8 /* documents, OAPs and cycles tried per input */
#define CANARY "leakcanary"

/* Whether hay[0..n) contains needle (lower case), ignoring ASCII case. */
static bool contains_ci(const char *hay, size_t n, const char *needle)
{
	size_t m = strlen(needle);
	for (size_t i = 0; m <= n && i <= n - m; i++) {
		size_t k = 0;
		while (k < m) {
			char c = hay[i + k];
			if (c >= 'A' && c <= 'Z')
				c = (char)(c - 'A' + 'a');
			if (c != needle[k])
				break;
			k++;
		}
		if (k == m)
			return true;
	}
	return false;
}

/* ---- the public copy of a source: what remains when the withheld content is removed ---- */

/* The passage keys and section numbers a redaction map anywhere in the dataset releases. */
static void collect_released(json_t *ds, json_t *set)
{
	json_t *docs = json_object_get(ds, "documents");
	for (size_t i = 0; i < json_array_size(docs); i++) {
		json_t *reds = json_object_get(json_array_get(docs, i), "redactions");
		for (size_t k = 0; k < json_array_size(reds); k++) {
			json_t *r = json_array_get(reds, k);
			json_t *dec = json_object_get(r, "decision");
			if (!json_is_string(dec) || strcmp(json_string_value(dec), "released") != 0)
				continue;
			json_t *p = json_object_get(r, "passage"), *s = json_object_get(r, "section");
			if (json_is_string(p))
				json_object_set_new(set, json_string_value(p), json_true());
			if (json_is_string(s))
				json_object_set_new(set, json_string_value(s), json_true());
		}
	}
}

/* Whether release r withholds rec's content: "hidden", or a classification or marking above
 * r. A classification or marking that does not parse fails the build, so it withholds nothing
 * here. keymember names the member a redaction map releases the record by (or NULL). */
static bool withheld(json_t *rec, ep_release r, json_t *released, const char *keymember)
{
	if (!json_is_object(rec))
		return false;
	if (keymember) {
		json_t *k = json_object_get(rec, keymember);
		if (json_is_string(k) && json_object_get(released, json_string_value(k)))
			return false;
	}
	if (json_is_true(json_object_get(rec, "hidden")))
		return true;
	ep_class c = EP_CLASS_UNCLASSIFIED;
	ep_marking m = EP_MARK_NONE;
	json_t *ct = json_object_get(rec, "classification"), *mt = json_object_get(rec, "marking");
	if (json_is_string(ct) && ep_class_parse(json_string_value(ct), &c) != EP_OK)
		return false;
	if (json_is_string(mt) && ep_marking_parse(json_string_value(mt), &m) != EP_OK)
		return false;
	return !ep_release_shows(r, (int)c, m == EP_MARK_LIMITE);
}

/* Removes the content members of rec (all members but its level when every is true). */
static void drop_content(json_t *rec, bool every)
{
	if (every) {
		json_t *keep_c = json_incref(json_object_get(rec, "classification"));
		json_t *keep_m = json_incref(json_object_get(rec, "marking"));
		json_object_clear(rec);
		if (keep_c)
			json_object_set_new(rec, "classification", keep_c);
		if (keep_m)
			json_object_set_new(rec, "marking", keep_m);
		return;
	}
	json_object_del(rec, "text");
	json_object_del(rec, "footnotes");
}

static void strip_dataset(json_t *ds, ep_release r, json_t *released)
{
	if (!json_is_object(ds))
		return;
	json_t *docs = json_object_get(ds, "documents");
	for (size_t i = 0; i < json_array_size(docs); i++) {
		json_t *pa = json_object_get(json_array_get(docs, i), "passages");
		for (size_t k = 0; k < json_array_size(pa); k++)
			if (withheld(json_array_get(pa, k), r, released, "key"))
				drop_content(json_array_get(pa, k), false);
	}
	json_t *oaps = json_object_get(ds, "oaps");
	for (size_t i = 0; i < json_array_size(oaps); i++) {
		json_t *oap = json_array_get(oaps, i);
		json_t *secs = json_object_get(oap, "sections"), *acts = json_object_get(oap, "actions");
		for (size_t k = 0; k < json_array_size(secs); k++)
			if (withheld(json_array_get(secs, k), r, released, "number"))
				drop_content(json_array_get(secs, k), false);
		for (size_t k = 0; k < json_array_size(acts); k++)
			if (withheld(json_array_get(acts, k), r, released, NULL))
				drop_content(json_array_get(acts, k), true);
	}
	json_t *cycles = json_object_get(ds, "cycles");
	for (size_t i = 0; i < json_array_size(cycles); i++) {
		json_t *prs = json_object_get(json_array_get(cycles, i), "priorities");
		for (size_t k = 0; k < json_array_size(prs); k++) {
			/* A hidden goal stays withheld, even in a priority a map releases. */
			json_t *goals = json_object_get(json_array_get(prs, k), "goals");
			for (size_t g = 0; g < json_array_size(goals); g++) {
				json_t *goal = json_array_get(goals, g);
				if (json_is_object(goal) && json_is_true(json_object_get(goal, "hidden")))
					drop_content(goal, false);
			}
		}
	}
}

static void strip_rollup(json_t *ru, ep_release r)
{
	if (!withheld(ru, r, NULL, NULL))
		return;
	json_object_del(ru, "paragraphs");
	json_t *tables = json_object_get(ru, "tables");
	for (size_t i = 0; i < json_array_size(tables); i++) {
		json_t *t = json_array_get(tables, i);
		if (json_is_object(t)) {
			json_object_del(t, "columns");
			json_object_del(t, "rows");
		}
	}
}

/* Whether the canary check applies to src at r: the canary is nowhere in the public copy. */
static bool armed(json_t *src, ep_release r)
{
	json_t *copy = json_deep_copy(src);
	if (!copy)
		return false;
	json_t *released = json_object();
	json_t *ds = json_object_get(copy, "dataset");
	if (released && json_is_object(ds))
		collect_released(ds, released);
	strip_dataset(ds, r, released);
	json_t *ru = json_object_get(copy, "rollup");
	if (json_is_object(ru))
		strip_rollup(ru, r);
	char *text = json_dumps(copy, JSON_COMPACT | JSON_ENCODE_ANY);
	bool on = text && released && !contains_ci(text, strlen(text), "canary");
	free(text);
	json_decref(released);
	json_decref(copy);
	return on;
}

/* ---- building, filtering, rendering ---- */

static void fail_on(const char *what, json_t *src, const char *detail)
{
	char *text = json_dumps(src, JSON_COMPACT | JSON_ENCODE_ANY);
	fprintf(stderr, "fuzz_docbuild: %s\n%s\n--- source ---\n%.4000s\n", what, detail ? detail : "",
	        text ? text : "?");
	free(text);
	abort();
}

static void render_checked(const ep_doc *d, ep_dformat f, json_t *src, bool check, ep_release r)
{
	ep_buf out;
	ep_err err = {0};
	ep_buf_init(&out, OUT_CAP);
	ep_status s = f == EP_DF_TXT ? ep_doc_render_txt(d, &out, &err) : ep_doc_render_html(d, &out, &err);
	if (s != EP_OK && s != EP_E_LIMIT) {
		fprintf(stderr, "fuzz_docbuild: %s renderer failed with %s: %s\n", ep_dformat_token(f),
		        ep_status_name(s), err.msg);
		fail_on("a renderer failed otherwise than by its cap", src, NULL);
	}
	if (s == EP_OK && check && contains_ci(ep_buf_str(&out), out.len, CANARY)) {
		fprintf(stderr, "fuzz_docbuild: withheld content in the %s output at release %s\n", ep_dformat_token(f),
		        ep_release_token(r));
		fail_on("LEAKCANARY leaked", src, ep_buf_str(&out));
	}
	ep_buf_release(&out);
}

static void run_at(json_t *src, const char *release)
{
	ep_release r;
	ep_err err = {0};
	if (ep_release_parse(release, &r, &err) != EP_OK)
		abort();
	ep_arena *a = ep_arena_new(ARENA_CAP);
	if (!a)
		abort();
	ep_doc *d = NULL;
	ep_status s = ep_doc_build(a, src, &d, &err);
	if (s == EP_OK) {
		if (!d || !d->root)
			fail_on("a build succeeded without a document", src, NULL);
		s = ep_doc_filter(d, r, &err);
		if (s == EP_OK) {
			ep_err again = {0};
			if (ep_doc_filter(d, r, &again) != EP_E_INVALID)
				fail_on("filtering twice was not refused", src, NULL);
			bool check = armed(src, r);
			render_checked(d, EP_DF_TXT, src, check, r);
			render_checked(d, EP_DF_HTML, src, check, r);
		} else if (s != EP_E_LIMIT) {
			fprintf(stderr, "fuzz_docbuild: filter: %s: %s\n", ep_status_name(s), err.msg);
			fail_on("the filter failed otherwise than by the arena's cap", src, NULL);
		}
	} else if (s != EP_E_INVALID && s != EP_E_NOTFOUND && s != EP_E_LIMIT) {
		fprintf(stderr, "fuzz_docbuild: build: %s: %s\n", ep_status_name(s), err.msg);
		fail_on("a source was refused with an unexpected status", src, NULL);
	} else if (!err.msg[0]) {
		fail_on("a source was refused without a message", src, NULL);
	}
	ep_arena_free(a);
}

static void run(json_t *src)
{
	if (!src)
		return;
	run_at(src, "public");
	run_at(src, "restreint_ue");
	json_decref(src);
}

/* A source {"dataset": ds, key: value} (value stolen). */
static json_t *wrap(json_t *ds, const char *key, json_t *value)
{
	json_t *src = json_object();
	if (!src || !value) {
		json_decref(src);
		json_decref(value);
		return NULL;
	}
	json_object_set(src, "dataset", ds);
	json_object_set_new(src, key, value);
	return src;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > MAX_INPUT)
		return 0;
	json_error_t je;
	json_t *in = json_loadb((const char *)data, size, JSON_DECODE_ANY, &je);
	if (!in)
		return 0;
	if (!json_is_object(in) || json_object_get(in, "dataset") || json_object_get(in, "rollup")) {
		/* A source as it is (a non-object is refused by the builder: that is checked too). */
		run(json_incref(in));
		json_decref(in);
		return 0;
	}
	/* A dataset: no selector, then every document, OAP and cycle it names. */
	run(wrap(in, "nothing", json_null()));
	json_t *docs = json_object_get(in, "documents");
	for (size_t i = 0; i < json_array_size(docs) && i < MAX_EACH; i++) {
		json_t *doc = json_array_get(docs, i), *sel = json_object();
		json_t *nu = json_object_get(doc, "number"), *sx = json_object_get(doc, "suffix");
		if (sel && nu)
			json_object_set(sel, "number", nu);
		if (sel && sx)
			json_object_set(sel, "suffix", sx);
		run(wrap(in, "document", sel));
	}
	json_t *oaps = json_object_get(in, "oaps");
	for (size_t i = 0; i < json_array_size(oaps) && i < MAX_EACH; i++) {
		json_t *o = json_array_get(oaps, i);
		json_t *c = json_object_get(o, "cycle"), *p = json_object_get(o, "priority");
		json_t *y = json_object_get(o, "first_year"), *rv = json_object_get(o, "revision");
		char ref[512];
		int n = snprintf(ref, sizeof ref, "%.200s/%.200s/%lld", json_is_string(c) ? json_string_value(c) : "",
		                 json_is_string(p) ? json_string_value(p) : "",
		                 json_is_integer(y) ? (long long)json_integer_value(y) : 0LL);
		if (n < 0 || (size_t)n >= sizeof ref)
			continue;
		run(wrap(in, "oap", json_string(ref)));
		if (json_is_integer(rv) && json_integer_value(rv) != 0) {
			char rref[600];
			snprintf(rref, sizeof rref, "%s/%lld", ref, (long long)json_integer_value(rv));
			run(wrap(in, "oap", json_string(rref)));
		}
	}
	json_t *cycles = json_object_get(in, "cycles");
	for (size_t i = 0; i < json_array_size(cycles) && i < MAX_EACH; i++) {
		json_t *label = json_object_get(json_array_get(cycles, i), "label");
		if (json_is_string(label))
			run(wrap(in, "cycle", json_incref(label)));
	}
	json_decref(in);
	return 0;
}
