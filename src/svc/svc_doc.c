/*
 * Council documents from the data. A render reads what the caller may read (the object itself
 * behind the visibility check, the operational actions of the annex one by one), assembles the
 * document's source from the cycle's dataset, withholds in the source every text the release
 * level (or the declassification's redaction map) does not release, and only then builds the
 * block tree, filters it and hands it to a renderer. The partial declassification workflow
 * (propose, correct, sign off) lives here too: each step is one transaction.
 */
#define _GNU_SOURCE /* open_memstream */
#include "svc/svc_doc.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/classif.h"
#include "core/num.h"
#include "core/str.h"
#include "core/time.h"
#include "db/db_rollup.h"
#include "docs/doc.h"
#include "svc/svc_dataset.h"

#include "core/banned.h"

/* ---- reading rows ---- */

static ep_status get_row(ep_db *db, const char *res, int64_t id, const ep_vis *vis, json_t **out, ep_err *err)
{
	const ep_resdef *d = ep_resdef_find(res);
	ep_scope sc;
	*out = NULL;
	if (!d)
		return ep_err_set(err, EP_E_INTERNAL, NULL, "unknown resource %s", res);
	ep_status s = ep_db_res_scope(db, d, id, vis, &sc, err);
	if (s == EP_OK)
		s = ep_db_res_get(db, d, id, out, err);
	if (s == EP_E_NOTFOUND)
		ep_err_set(err, EP_E_NOTFOUND, NULL, "no %s %lld", d->singular, (long long)id);
	return s;
}

static const char *jstr(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static int64_t jint(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_integer(v) ? (int64_t)json_integer_value(v) : 0;
}

static int class_num(json_t *o)
{
	ep_class c = EP_CLASS_UNCLASSIFIED;
	const char *t = jstr(o, "classification");
	if (t)
		ep_class_parse(t, &c);
	return (int)c;
}

static int limite_of(json_t *o)
{
	const char *m = jstr(o, "marking");
	return m && strcmp(m, "limite") == 0;
}

/* The cycle label of an OAP row. */
static ep_status oap_ref(ep_db *db, json_t *oap, char *label, size_t ln, char *ref, size_t rn, ep_err *err)
{
	json_t *pr = NULL, *cy = NULL;
	ep_status s = ep_db_res_get(db, ep_resdef_find("priorities"), jint(oap, "priority_id"), &pr, err);
	if (s == EP_OK)
		s = ep_db_res_get(db, ep_resdef_find("cycles"), jint(pr, "cycle_id"), &cy, err);
	if (s == EP_OK) {
		snprintf(label, ln, "%s", jstr(cy, "label") ? jstr(cy, "label") : "");
		snprintf(ref, rn, "%s/%s/%lld/%lld", label, jstr(pr, "code") ? jstr(pr, "code") : "",
			 (long long)jint(oap, "first_year"), (long long)jint(oap, "revision"));
	}
	json_decref(pr);
	json_decref(cy);
	return s;
}

static ep_status cycle_label(ep_db *db, int64_t cycle_id, char *label, size_t ln, ep_err *err)
{
	json_t *cy = NULL;
	ep_status s = ep_db_res_get(db, ep_resdef_find("cycles"), cycle_id, &cy, err);
	if (s == EP_OK)
		snprintf(label, ln, "%s", jstr(cy, "label") ? jstr(cy, "label") : "");
	json_decref(cy);
	return s;
}

/* The dataset of one cycle, as JSON. */
static ep_status dataset(ep_db *db, const char *label, json_t **out, ep_err *err)
{
	char *text = NULL;
	size_t len = 0;
	*out = NULL;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return ep_err_set(err, EP_E_INTERNAL, NULL, "out of memory");
	ep_status s = ep_svc_dataset_export(db, label, f, err);
	if (fclose(f) != 0 && s == EP_OK)
		s = ep_err_set(err, EP_E_INTERNAL, NULL, "out of memory");
	if (s == EP_OK) {
		json_error_t je;
		*out = json_loadb(text, len, 0, &je);
		if (!*out)
			s = ep_err_set(err, EP_E_INTERNAL, NULL, "the cycle's data could not be read back: %s", je.text);
	}
	free(text);
	return s;
}

/* ---- withholding in the source ---- */

/* Replaces a record the caller may not see, or whose text is not released, by what the tree
 * needs to place a marker: its key, its classification, and no text. */
static void withhold_text(json_t *o, const char *const *members)
{
	for (const char *const *m = members; *m; m++)
		if (json_object_get(o, *m))
			json_object_set_new(o, *m, json_null());
	json_object_del(o, "footnotes");
}

static bool released(json_t *map, const char *member, const char *key)
{
	for (size_t i = 0; map && key && i < json_array_size(map); i++) {
		json_t *r = json_array_get(map, i);
		const char *k = jstr(r, member), *d = jstr(r, "decision");
		if (k && d && strcmp(k, key) == 0)
			return strcmp(d, "released") == 0;
	}
	return false;
}

static const char *const SECTION_TEXT[] = {"text", NULL};
static const char *const ACTION_TEXT[] = {"title", "description", "what", "when", "where", "who", "how",
	"documentation_ref", "leader", "co_leaders", "participants", "goals", "cross_references", "kpis",
	"predecessor", "budget_cents", "start_date", "end_date", "possible_jad", NULL};

/* The set of actions (by "ref/number") the caller may read. */
typedef struct seen {
	json_t *keys; /* object: key -> true */
} seen;

static ep_status visible_actions(ep_db *db, const ep_vis *vis, json_t *keys, ep_err *err)
{
	const ep_resdef *d = ep_resdef_find("actions");
	ep_list_opts o = {.limit = 500, .vis = vis, .include_archived = false};
	json_t *oap_refs = json_object();
	ep_status s = EP_OK;
	for (;;) {
		json_t *items = NULL;
		bool more = false;
		char last[EP_SORT_VALUE_MAX];
		int64_t last_id = 0;
		s = ep_db_res_list(db, d, &o, &items, &more, last, sizeof last, &last_id, err);
		if (s != EP_OK)
			break;
		size_t i;
		json_t *a;
		json_array_foreach(items, i, a)
		{
			char oid[32];
			snprintf(oid, sizeof oid, "%lld", (long long)jint(a, "oap_id"));
			json_t *ref = json_object_get(oap_refs, oid);
			if (!ref) {
				json_t *oap = NULL;
				char label[128], r[256];
				if (ep_db_res_get(db, ep_resdef_find("oaps"), jint(a, "oap_id"), &oap, err) == EP_OK &&
				    oap_ref(db, oap, label, sizeof label, r, sizeof r, err) == EP_OK)
					json_object_set_new(oap_refs, oid, ref = json_string(r));
				json_decref(oap);
			}
			if (ref && jstr(a, "number")) {
				char key[400];
				snprintf(key, sizeof key, "%s#%s", json_string_value(ref), jstr(a, "number"));
				json_object_set_new(keys, key, json_true());
			}
		}
		json_decref(items);
		if (!more)
			break;
		o.has_cursor = true;
		snprintf(o.cursor_value, sizeof o.cursor_value, "%s", last);
		o.cursor_id = last_id;
	}
	json_decref(oap_refs);
	return s;
}

/*
 * Withholds in the dataset what the document may not show: actions the caller may not read
 * (hidden, at any level), and the text of sections, passages and actions that the release
 * level, or the redaction map of the EXT version being rendered, does not release.
 */
static ep_status withhold(ep_db *db, const ep_vis *vis, json_t *ds, ep_release rel, json_t *ext, ep_err *err)
{
	json_t *keys = json_object();
	ep_status s = vis ? visible_actions(db, vis, keys, err) : EP_OK;
	json_t *map = ext ? json_object_get(ext, "redactions") : NULL;
	size_t i, k;
	json_t *oap, *x;
	json_array_foreach(json_object_get(ds, "oaps"), i, oap)
	{
		char ref[256];
		snprintf(ref, sizeof ref, "%s/%s/%lld/%lld", jstr(oap, "cycle") ? jstr(oap, "cycle") : "",
			 jstr(oap, "priority") ? jstr(oap, "priority") : "", (long long)jint(oap, "first_year"),
			 (long long)jint(oap, "revision"));
		json_array_foreach(json_object_get(oap, "sections"), k, x)
		{
			bool show = ext ? released(map, "section", jstr(x, "number"))
					: ep_release_shows(rel, class_num(x), limite_of(x));
			if (!show)
				withhold_text(x, SECTION_TEXT);
		}
		json_array_foreach(json_object_get(oap, "actions"), k, x)
		{
			char key[400];
			snprintf(key, sizeof key, "%s#%s", ref, jstr(x, "number") ? jstr(x, "number") : "");
			bool may = !vis || json_object_get(keys, key);
			if (!may)
				json_object_set_new(x, "hidden", json_true());
			if (!may || !ep_release_shows(rel, class_num(x), limite_of(x)))
				withhold_text(x, ACTION_TEXT);
		}
	}
	json_array_foreach(json_object_get(ds, "documents"), i, x)
	{
		/* The passages of an original rendered inside its EXT version follow the map. */
		bool original = ext && jstr(x, "suffix") && !*jstr(x, "suffix") && jstr(ext, "parent") &&
			jstr(x, "number") && strcmp(jstr(x, "number"), jstr(ext, "parent")) == 0;
		json_t *p;
		json_array_foreach(json_object_get(x, "passages"), k, p)
		{
			bool show = original ? released(map, "passage", jstr(p, "key"))
					     : ep_release_shows(rel, class_num(p), limite_of(p)) || x == ext;
			if (!show)
				withhold_text(p, SECTION_TEXT);
		}
	}
	json_decref(keys);
	return s;
}

/* ---- roll-ups as documents ---- */

/* A table of a roll-up (an array of flat objects) as {title, columns, rows}. */
static json_t *table_of(const char *title, json_t *items)
{
	json_t *cols = json_array(), *rows = json_array();
	json_t *first = json_array_get(items, 0);
	const char *key;
	json_t *v;
	json_object_foreach(first, key, v)
	{
		/* Ids are for machines; a Council document names things by number and title. */
		size_t kl = strlen(key);
		if (strcmp(key, "id") == 0 || (kl > 3 && strcmp(key + kl - 3, "_id") == 0))
			continue;
		if (!json_is_object(v) && !json_is_array(v))
			json_array_append_new(cols, json_string(key));
	}
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
	{
		json_t *row = json_array();
		size_t c;
		json_t *col;
		json_array_foreach(cols, c, col)
		{
			json_t *cell = json_object_get(it, json_string_value(col));
			json_array_append(row, cell ? cell : json_null());
		}
		json_array_append_new(rows, row);
	}
	/* Headings as words: "action_number" -> "Action number". */
	json_t *heads = json_array();
	json_array_foreach(cols, i, it)
	{
		char h[128];
		snprintf(h, sizeof h, "%s", json_string_value(it));
		for (char *c = h; *c; c++)
			if (*c == '_')
				*c = ' ';
		h[0] = (char)toupper((unsigned char)h[0]);
		json_array_append_new(heads, json_string(h));
	}
	json_decref(cols);
	return json_pack("{s:s, s:o, s:o}", "title", title, "columns", heads, "rows", rows);
}

static json_t *rollup_source(const char *title, json_t *doc, const char *const *tables, const char *const *titles,
			     const char *today)
{
	json_t *ts = json_array();
	for (size_t i = 0; tables[i]; i++) {
		json_t *items = json_object_get(doc, tables[i]);
		if (json_is_array(items))
			json_array_append_new(ts, table_of(titles[i], items));
	}
	json_t *ru = json_pack("{s:s, s:s, s:o}", "title", title, "date", today, "tables", ts);
	json_t *c = json_object_get(doc, "classification"), *m = json_object_get(doc, "marking");
	if (json_is_string(c))
		json_object_set(ru, "classification", c);
	if (json_is_string(m))
		json_object_set(ru, "marking", m);
	return json_pack("{s:o}", "rollup", ru);
}

/* ---- rendering ---- */

static void file_name(ep_doc_file *out, const char *base, const char *release, const char *ext)
{
	char clean[96];
	size_t n = 0;
	for (const char *p = base; *p && n + 1 < sizeof clean; p++)
		clean[n++] = isalnum((unsigned char)*p) ? *p : '-';
	clean[n] = '\0';
	snprintf(out->filename, sizeof out->filename, "%s-%s.%s", n ? clean : "document", release, ext);
}

ep_status ep_svc_doc_resolve(ep_db *db, const char *ref, int64_t *id, ep_err *err)
{
	int64_t n = 0;
	if (!ref || !*ref)
		return ep_err_set(err, EP_E_INVALID, "document", "name a document by its id or Council number");
	if (ep_parse_i64z(ref, 1, INT64_MAX, &n) == EP_OK) {
		*id = n;
		return ep_db_res_exists(db, "documents", n, err) == EP_OK
			? EP_OK
			: ep_err_set(err, EP_E_NOTFOUND, "document", "no Council document %lld", (long long)n);
	}
	char number[128], suffix[128] = "";
	const char *sp = strchr(ref, ' ');
	snprintf(number, sizeof number, "%.*s", sp ? (int)(sp - ref) : (int)strlen(ref), ref);
	if (sp)
		snprintf(suffix, sizeof suffix, "%s", sp + 1);
	ep_status s = ep_db_document_id(db, number, suffix, id, err);
	if (s == EP_E_NOTFOUND)
		ep_err_set(err, EP_E_NOTFOUND, "document", "no Council document \"%.200s\"", ref);
	return s;
}

/* The Council document carrying an OAP or a cycle (suffix ""), if the caller may read it. */
static int64_t carrying_doc(ep_db *db, const ep_vis *vis, const char *field, int64_t id)
{
	const ep_resdef *d = ep_resdef_find("documents");
	ep_list_opts o = {.limit = 50, .vis = vis};
	char v[32];
	snprintf(v, sizeof v, "%lld", (long long)id);
	o.filters[0].field = ep_resdef_field(d, field);
	o.filters[0].value = v;
	o.filters[1].field = ep_resdef_field(d, "suffix");
	o.filters[1].value = "";
	o.nfilters = 2;
	json_t *items = NULL;
	bool more = false;
	char last[EP_SORT_VALUE_MAX];
	int64_t last_id = 0;
	ep_err e;
	int64_t found = 0;
	if (ep_db_res_list(db, d, &o, &items, &more, last, sizeof last, &last_id, &e) == EP_OK)
		found = jint(json_array_get(items, 0), "id");
	json_decref(items);
	return found;
}

static ep_status document_source(ep_db *db, const ep_vis *vis, int64_t id, ep_release rel, json_t **src,
				 ep_doc_file *out, ep_err *err)
{
	json_t *row = NULL, *ds = NULL, *parent = NULL, *oap = NULL;
	ep_status s = get_row(db, "documents", id, vis, &row, err);
	if (s != EP_OK)
		goto done;
	snprintf(out->number, sizeof out->number, "%.60s%s%.30s", jstr(row, "number"), *jstr(row, "suffix") ? " " : "",
		 jstr(row, "suffix"));
	/* The cycle the document lives in: its own, its OAP's, or its original's. */
	json_t *home = row;
	if (jint(row, "parent_id")) {
		s = ep_db_res_get(db, ep_resdef_find("documents"), jint(row, "parent_id"), &parent, err);
		if (s != EP_OK)
			goto done;
		home = parent;
	}
	char label[128] = "", ref[256];
	if (jint(home, "cycle_id")) {
		s = cycle_label(db, jint(home, "cycle_id"), label, sizeof label, err);
	} else if (jint(home, "oap_id")) {
		s = ep_db_res_get(db, ep_resdef_find("oaps"), jint(home, "oap_id"), &oap, err);
		if (s == EP_OK)
			s = oap_ref(db, oap, label, sizeof label, ref, sizeof ref, err);
	} else {
		s = ep_err_set(err, EP_E_INVALID, "document", "document %s carries neither a cycle nor an OAP", out->number);
	}
	if (s == EP_OK)
		s = dataset(db, label, &ds, err);
	if (s != EP_OK)
		goto done;
	/* The EXT version being rendered, as the dataset has it (with its redaction map). */
	json_t *ext = NULL, *x;
	size_t i;
	json_array_foreach(json_object_get(ds, "documents"), i, x)
	{
		if (jstr(x, "number") && jstr(x, "suffix") && strcmp(jstr(x, "number"), jstr(row, "number")) == 0 &&
		    strcmp(jstr(x, "suffix"), jstr(row, "suffix")) == 0 && jstr(x, "parent"))
			ext = x;
	}
	s = withhold(db, vis, ds, rel, ext, err);
	if (s == EP_OK)
		*src = json_pack("{s:O, s:{s:s, s:s}}", "dataset", ds, "document", "number", jstr(row, "number"),
				 "suffix", jstr(row, "suffix"));
done:
	json_decref(row);
	json_decref(parent);
	json_decref(oap);
	json_decref(ds);
	return s;
}

ep_status ep_svc_doc_render(ep_db *db, const ep_vis *vis, const ep_doc_target *t, const char *format,
			    const char *release, size_t max_bytes, ep_doc_file *out, ep_err *err)
{
	ep_dformat fmt;
	ep_release rel;
	ep_buf_init(&out->body, max_bytes ? max_bytes : EP_DOC_MAX_BYTES);
	ep_status s = ep_dformat_parse(format ? format : "pdf", &fmt, err);
	if (s == EP_OK)
		s = ep_release_parse(release ? release : "public", &rel, err);
	if (s != EP_OK)
		return s;
	if (vis && rel.cls > vis->clearance)
		return ep_err_set(err, EP_E_DENIED, "release", "release level %s is above your clearance",
				  ep_release_token(rel));
	if (vis && rel.limite && !vis->limite)
		return ep_err_set(err, EP_E_DENIED, "release", "release level %s shows LIMITE content, which is not open to you",
				  ep_release_token(rel));
	snprintf(out->release, sizeof out->release, "%s", ep_release_token(rel));
	out->mime = ep_dformat_mime(fmt);

	json_t *src = NULL, *row = NULL;
	char day[16];
	{
		char ts[EP_TIMESTAMP_LEN];
		ep_time_format(ep_time_now(), ts);
		snprintf(day, sizeof day, "%.10s", ts);
	}
	switch (t->kind) {
	case EP_DOCT_DOCUMENT:
		s = document_source(db, vis, t->id, rel, &src, out, err);
		break;
	case EP_DOCT_OAP:
	case EP_DOCT_CYCLE: {
		bool is_oap = t->kind == EP_DOCT_OAP;
		s = get_row(db, is_oap ? "oaps" : "cycles", t->id, vis, &row, err);
		if (s != EP_OK)
			break;
		int64_t doc = carrying_doc(db, vis, is_oap ? "oap_id" : "cycle_id", t->id);
		if (doc) {
			s = document_source(db, vis, doc, rel, &src, out, err);
			break;
		}
		char label[128], ref[256] = "";
		json_t *ds = NULL;
		s = is_oap ? oap_ref(db, row, label, sizeof label, ref, sizeof ref, err)
			   : cycle_label(db, t->id, label, sizeof label, err);
		if (s == EP_OK)
			s = dataset(db, label, &ds, err);
		if (s == EP_OK)
			s = withhold(db, vis, ds, rel, NULL, err);
		if (s == EP_OK)
			src = json_pack("{s:O, s:s}", "dataset", ds, is_oap ? "oap" : "cycle", is_oap ? ref : label);
		snprintf(out->number, sizeof out->number, "%.90s", is_oap ? ref : label);
		json_decref(ds);
		break;
	}
	case EP_DOCT_OAP_REPORT: {
		static const char *const tables[] = {"actions", "kpis", "problems", "practices", NULL};
		static const char *const titles[] = {"Operational actions", "Key performance indicators", "Problems",
			"Good practices"};
		json_t *doc = NULL;
		s = ep_db_rollup_oap(db, vis, t->id, t->round_id, day, &doc, err);
		if (s == EP_OK) {
			json_t *oap = json_object_get(doc, "oap"), *round = json_object_get(doc, "round");
			char title[400];
			snprintf(title, sizeof title, "OAP monitoring report: %s, round %s",
				 jstr(oap, "title") ? jstr(oap, "title") : "",
				 jstr(round, "label") ? jstr(round, "label") : "(none reported yet)");
			src = rollup_source(title, doc, tables, titles, day);
			snprintf(out->number, sizeof out->number, "oap-%lld-report", (long long)t->id);
		}
		json_decref(doc);
		break;
	}
	case EP_DOCT_OVERVIEW: {
		static const char *const tables[] = {"oaps", NULL};
		static const char *const titles[] = {"Operational Action Plans"};
		json_t *doc = NULL;
		s = ep_db_rollup_overview(db, vis, t->id, day, &doc, err);
		if (s == EP_OK) {
			json_t *round = json_object_get(doc, "round");
			char title[300];
			snprintf(title, sizeof title, "Cross-priority overview, round %s",
				 jstr(round, "label") ? jstr(round, "label") : "");
			src = rollup_source(title, doc, tables, titles, day);
			snprintf(out->number, sizeof out->number, "round-%lld-overview", (long long)t->id);
		}
		json_decref(doc);
		break;
	}
	}
	json_decref(row);
	if (s != EP_OK) {
		json_decref(src);
		return s;
	}
	if (!src)
		return ep_err_set(err, EP_E_INTERNAL, NULL, "out of memory");

	ep_arena *a = ep_arena_new(max_bytes ? max_bytes * 4 : EP_DOC_MAX_BYTES * 4);
	ep_doc *d = NULL;
	s = a ? ep_doc_build(a, src, &d, err) : ep_err_set(err, EP_E_INTERNAL, NULL, "out of memory");
	json_decref(src);
	if (s == EP_OK)
		s = ep_doc_filter(d, rel, err);
	if (s == EP_OK)
		s = ep_doc_render(d, fmt, &out->body, err);
	if (s == EP_OK) {
		snprintf(out->shown, sizeof out->shown, "%s", ep_class_token((ep_class)d->shown_cls));
		out->shown_limite = d->shown_limite;
		file_name(out, out->number, out->release, ep_dformat_token(fmt));
	} else if (s == EP_E_LIMIT) {
		ep_err_set(err, EP_E_LIMIT, NULL, "the document is larger than the render limit of %zu bytes",
			   out->body.max);
	}
	ep_arena_free(a);
	return s;
}
