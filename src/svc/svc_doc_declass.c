/*
 * Partial declassification: the originating organisation or the Council secretariat proposes
 * what of a document to release, passage by passage and section by section, with a reason for
 * each removal; a second person signs it off; empact then issues the EXT version (same number,
 * "EXT n"), public, dated the day of release, frozen. Until it is issued the proposal carries
 * the original's classification, so nobody without clearance sees it. Each step is one
 * transaction; the route writes its audit record.
 */
#include <string.h>

#include "core/classif.h"
#include "core/num.h"
#include "core/time.h"
#include "db/db_res.h"
#include "svc/svc_doc.h"

#include "core/banned.h"

#define MAX_DECISIONS 2000
#define MAX_REASON 2000

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

/* What a redaction map must decide: the passages of the original (key -> text held?) and the
 * sections of its OAP (number -> text held?). Asked with `shown` (ep_svc_doc_declass_subject),
 * it also lists them in order with what a person needs to decide on each. */
typedef struct subject {
	json_t *passages; /* object key -> bool */
	json_t *sections;
	bool shown;             /* fill the lists below */
	const ep_vis *vis;      /* whose text it is to read (NULL: everything) */
	json_t *list_passages;  /* [{key, position, heading, inline, held, readable, text, ...}] */
	json_t *list_sections;  /* [{number, title, position, held, readable, text, ...}] */
	json_t *list_priorities; /* [{code, title, position}] */
	char above[80];          /* the first part above vis's clearance ("section 7"), or "" */
} subject;

/* Whether the caller may read a part at this level: the original as a whole may be at a lower
 * one than a part of it (a section of the OAP it carries), and a part above the caller's
 * clearance is listed by its key or number alone, without its heading or text. */
static bool part_readable(const ep_vis *vis, ep_class c, ep_marking m)
{
	return !vis || ((int)c <= vis->clearance && (m != EP_MARK_LIMITE || vis->limite));
}

static int on_passage(void *ctx, const ep_passage *p)
{
	subject *s = ctx;
	json_object_set_new(s->passages, p->key, json_boolean(p->text != NULL));
	bool r = part_readable(s->vis, p->classification, p->marking);
	if (!r && !s->above[0])
		snprintf(s->above, sizeof s->above, "passage %.60s", p->key);
	if (s->shown) {
		json_array_append_new(s->list_passages,
				      json_pack("{s:s, s:I, s:s?, s:b, s:b, s:b, s:s?, s:s, s:s}", "key", p->key,
						"position", (json_int_t)p->position, "heading", r ? p->heading : NULL,
						"inline", p->inline_, "held", p->text != NULL, "readable", r, "text",
						r ? p->text : NULL, "classification", ep_class_token(p->classification),
						"marking", ep_marking_token(p->marking)));
	}
	return 0;
}

static int on_section(void *ctx, const ep_section *x)
{
	subject *s = ctx;
	json_object_set_new(s->sections, x->number, json_boolean(x->text != NULL));
	bool r = part_readable(s->vis, x->classification, x->marking);
	if (!r && !s->above[0])
		snprintf(s->above, sizeof s->above, "section %.60s", x->number);
	if (s->shown) {
		json_array_append_new(s->list_sections,
				      json_pack("{s:s, s:s?, s:I, s:b, s:b, s:s?, s:s, s:s}", "number", x->number,
						"title", r ? x->heading : NULL, "position", (json_int_t)x->position,
						"held", x->text != NULL, "readable", r, "text", r ? x->text : NULL,
						"classification", ep_class_token(x->classification), "marking",
						ep_marking_token(x->marking)));
	}
	return 0;
}

static int on_priority(void *ctx, const ep_priority *p)
{
	subject *s = ctx;
	json_object_set_new(s->sections, p->code, json_true());
	if (s->shown)
		json_array_append_new(s->list_priorities, json_pack("{s:s, s:s?, s:I}", "code", p->code, "title",
								    p->short_name, "position", (json_int_t)p->position));
	return 0;
}

/* The sections of a strategic goals note are its priorities, named by their code. A caller
 * (s->vis) who may not read every part may not decide on the release of any: the original as a
 * whole may be at a lower level than a section of the OAP it carries. */
static ep_status subject_of(ep_db *db, json_t *orig, subject *s, ep_err *err)
{
	s->passages = json_object();
	s->sections = json_object();
	if (s->shown) {
		s->list_passages = json_array();
		s->list_sections = json_array();
		s->list_priorities = json_array();
	}
	ep_status st = ep_db_passages_each(db, jint(orig, "id"), on_passage, s, err);
	if (st == EP_OK && jint(orig, "oap_id"))
		st = ep_db_sections_each(db, jint(orig, "oap_id"), on_section, s, err);
	if (st == EP_OK && jint(orig, "cycle_id"))
		st = ep_db_priorities_each(db, jint(orig, "cycle_id"), on_priority, s, err);
	if (st == EP_OK && s->above[0])
		st = ep_err_set(err, EP_E_DENIED, NULL,
				"deciding on the release of a document needs clearance for all of it: its %s is above yours",
				s->above);
	return st;
}

static void subject_release(subject *s)
{
	json_decref(s->passages);
	json_decref(s->sections);
	json_decref(s->list_passages);
	json_decref(s->list_sections);
	json_decref(s->list_priorities);
}

/* Checks a redaction map against the original: every passage and section decided once, a
 * known decision, a reason for each removal, nothing released that empact does not hold. */
static void check_map(json_t *decisions, const subject *sub, ep_errs *errs)
{
	if (!json_is_array(decisions)) {
		ep_errs_add(errs, EP_E_INVALID, "decisions", "must be an array of decisions");
		return;
	}
	if (json_array_size(decisions) > MAX_DECISIONS) {
		ep_errs_add(errs, EP_E_INVALID, "decisions", "at most %d decisions", MAX_DECISIONS);
		return;
	}
	json_t *seen_p = json_object(), *seen_s = json_object();
	size_t i;
	json_t *d;
	json_array_foreach(decisions, i, d)
	{
		/* Problems name the member they are about, so that a form shows each next to its field. */
		char path[64], dpath[80], rpath[80];
		snprintf(path, sizeof path, "decisions[%zu]", i);
		snprintf(dpath, sizeof dpath, "%s.decision", path);
		snprintf(rpath, sizeof rpath, "%s.reason", path);
		if (!json_is_object(d)) {
			ep_errs_add(errs, EP_E_INVALID, path, "must be an object");
			continue;
		}
		const char *p = jstr(d, "passage"), *s = jstr(d, "section"), *dec = jstr(d, "decision"),
			   *why = jstr(d, "reason");
		const char *key;
		json_t *v;
		json_object_foreach(d, key, v)
		{
			if (strcmp(key, "passage") && strcmp(key, "section") && strcmp(key, "decision") && strcmp(key, "reason"))
				ep_errs_add(errs, EP_E_INVALID, path, "unknown member \"%.64s\"", key);
		}
		if ((p != NULL) == (s != NULL)) {
			ep_errs_add(errs, EP_E_INVALID, path, "names exactly one passage or one section");
			continue;
		}
		json_t *known = p ? sub->passages : sub->sections;
		json_t *seen = p ? seen_p : seen_s;
		const char *k = p ? p : s;
		json_t *held = json_object_get(known, k);
		if (!held) {
			ep_errs_add(errs, EP_E_INVALID, path, "the document has no %s \"%.64s\"", p ? "passage" : "section", k);
			continue;
		}
		if (json_object_get(seen, k))
			ep_errs_add(errs, EP_E_INVALID, path, "%s \"%.64s\" is decided twice", p ? "passage" : "section", k);
		json_object_set_new(seen, k, json_true());
		if (!dec || (strcmp(dec, "released") && strcmp(dec, "deleted") && strcmp(dec, "not_declassified"))) {
			ep_errs_add(errs, EP_E_INVALID, dpath, "decision must be released, deleted or not_declassified");
			continue;
		}
		bool release = strcmp(dec, "released") == 0;
		if (release && !json_is_true(held))
			ep_errs_add(errs, EP_E_INVALID, dpath,
				    "empact does not hold the text of %s \"%.64s\": it cannot be released", p ? "passage" : "section",
				    k);
		if (!release && (!why || !*why))
			ep_errs_add(errs, EP_E_INVALID, rpath, "a removal needs its reason");
		if (why && strlen(why) > MAX_REASON)
			ep_errs_add(errs, EP_E_INVALID, rpath, "the reason is longer than %d bytes", MAX_REASON);
		if (release && json_object_get(d, "reason") && !json_is_null(json_object_get(d, "reason")) && !why)
			ep_errs_add(errs, EP_E_INVALID, rpath, "reason must be a string");
	}
	const char *key;
	json_t *v;
	json_object_foreach(sub->passages, key, v)
	{
		if (!json_object_get(seen_p, key))
			ep_errs_add(errs, EP_E_INVALID, "decisions", "passage \"%.64s\" is not decided", key);
	}
	json_object_foreach(sub->sections, key, v)
	{
		if (!json_object_get(seen_s, key))
			ep_errs_add(errs, EP_E_INVALID, "decisions", "section \"%.64s\" is not decided", key);
	}
	json_decref(seen_p);
	json_decref(seen_s);
}

static ep_status store_map(ep_db *db, int64_t ext_id, json_t *decisions, ep_err *err)
{
	size_t i;
	json_t *d;
	ep_status s = EP_OK;
	json_array_foreach(decisions, i, d)
	{
		ep_redaction r = {.document_id = ext_id,
			.position = (int64_t)i + 1,
			.passage_key = jstr(d, "passage"),
			.section_number = jstr(d, "section"),
			.decision = jstr(d, "decision"),
			.reason = jstr(d, "reason")};
		if (r.reason && !*r.reason)
			r.reason = NULL;
		s = ep_db_redaction_insert(db, &r, err);
		if (s != EP_OK)
			break;
	}
	return s;
}

/* The caller may decide on a document's release only if it may read all of it. */
static ep_status may_read_whole(const ep_vis *vis, json_t *orig, ep_err *err)
{
	ep_class c = EP_CLASS_UNCLASSIFIED;
	const char *ct = jstr(orig, "classification"), *mt = jstr(orig, "marking");
	if (ct)
		ep_class_parse(ct, &c);
	if (vis && ((int)c > vis->clearance || (mt && strcmp(mt, "limite") == 0 && !vis->limite)))
		return ep_err_set(err, EP_E_DENIED, NULL,
				  "deciding on the release of a document needs clearance for all of it");
	return EP_OK;
}

static ep_status visible_doc(ep_db *db, const ep_vis *vis, int64_t id, json_t **out, ep_err *err)
{
	const ep_resdef *d = ep_resdef_find("documents");
	ep_scope sc;
	ep_status s = ep_db_res_scope(db, d, id, vis, &sc, err);
	if (s == EP_OK)
		s = ep_db_res_get(db, d, id, out, err);
	if (s == EP_E_NOTFOUND)
		ep_err_set(err, EP_E_NOTFOUND, NULL, "no Council document %lld", (long long)id);
	return s;
}

ep_status ep_svc_doc_propose(ep_db *db, const ep_actor *who, const ep_vis *vis, int64_t id, json_t *body,
			     int64_t *ext_id, ep_errs *errs, ep_err *err)
{
	json_t *orig = NULL;
	subject sub = {.vis = vis};
	ep_status s = visible_doc(db, vis, id, &orig, err);
	if (s != EP_OK)
		goto done;
	if (jint(orig, "parent_id")) {
		s = ep_err_set(err, EP_E_INVALID, "document", "a partially declassified version is not itself declassified; "
								"propose on the original");
		goto done;
	}
	if ((s = may_read_whole(vis, orig, err)) != EP_OK)
		goto done;
	if (!json_is_object(body)) {
		s = ep_err_set(err, EP_E_INVALID, NULL, "the body is a JSON object with \"decisions\"");
		goto done;
	}
	const char *key;
	json_t *v;
	json_object_foreach(body, key, v)
	{
		if (strcmp(key, "decisions") && strcmp(key, "suffix"))
			ep_errs_add(errs, EP_E_INVALID, key, "unknown member");
	}
	if ((s = subject_of(db, orig, &sub, err)) != EP_OK)
		goto done;
	check_map(json_object_get(body, "decisions"), &sub, errs);
	const char *number = jstr(orig, "number");
	char suffix[32];
	json_t *sx = json_object_get(body, "suffix");
	if (sx) {
		int64_t n = 0;
		const char *t = json_is_string(sx) ? json_string_value(sx) : "";
		if (strncmp(t, "EXT ", 4) != 0 || ep_parse_i64z(t + 4, 1, 999, &n) != EP_OK)
			ep_errs_add(errs, EP_E_INVALID, "suffix", "must be \"EXT n\" with n from 1 to 999");
		snprintf(suffix, sizeof suffix, "EXT %lld", (long long)n);
	}
	if (ep_errs_count(errs)) {
		s = ep_err_set(err, EP_E_INVALID, NULL, "the proposal has problems");
		goto done;
	}
	if ((s = ep_db_begin(db, err)) != EP_OK)
		goto done;
	if (!sx) {
		int64_t n = 0;
		s = ep_db_document_next_ext(db, number, &n, err);
		snprintf(suffix, sizeof suffix, "EXT %lld", (long long)n);
	} else {
		int64_t other = 0;
		ep_err e2;
		if (ep_db_document_id(db, number, suffix, &other, &e2) == EP_OK)
			s = ep_err_set(err, EP_E_CONFLICT, "suffix", "%s %s exists already", number, suffix);
	}
	ep_class c = EP_CLASS_UNCLASSIFIED;
	ep_marking m = EP_MARK_NONE;
	if (jstr(orig, "classification"))
		ep_class_parse(jstr(orig, "classification"), &c);
	if (jstr(orig, "marking"))
		ep_marking_parse(jstr(orig, "marking"), &m);
	char day[16];
	{
		char ts[EP_TIMESTAMP_LEN];
		ep_time_format(ep_time_now(), ts);
		snprintf(day, sizeof day, "%.10s", ts);
	}
	ep_document d = {.number = number,
		.suffix = suffix,
		.date = day,
		.language = jstr(orig, "language") ? jstr(orig, "language") : "en",
		.kind = "NOTE",
		.from = "General Secretariat of the Council",
		.to = "Delegations",
		.subject = jstr(orig, "subject"),
		.initials = jstr(orig, "initials"),
		.directorate = jstr(orig, "directorate"),
		.new_status = "Public",
		.classification = c,
		.marking = m,
		.cycle_id = jint(orig, "cycle_id"),
		.oap_id = jint(orig, "oap_id"),
		.parent_id = id};
	if (s == EP_OK)
		s = ep_db_document_insert(db, &d, ext_id, err);
	/* The cover of the EXT version carries the original's subject codes. */
	json_t *codes = NULL;
	if (s == EP_OK)
		s = ep_db_document_codes(db, id, &codes, err);
	for (size_t i = 0; s == EP_OK && i < json_array_size(codes); i++)
		s = ep_db_document_code_add(db, *ext_id, json_string_value(json_array_get(codes, i)), (int64_t)i + 1, err);
	json_decref(codes);
	if (s == EP_OK) {
		ep_passage p = {.document_id = *ext_id,
			.key = "p1",
			.position = 1,
			.text = "Delegations will find attached the partially declassified version of the above-mentioned document."};
		int64_t pid = 0;
		s = ep_db_passage_insert(db, &p, &pid, err);
	}
	if (s == EP_OK)
		s = store_map(db, *ext_id, json_object_get(body, "decisions"), err);
	if (s == EP_OK)
		s = ep_db_document_declass_set(db, *ext_id, "proposed", who->name, err);
	if (s == EP_OK)
		s = ep_db_commit(db, err);
	else
		ep_db_rollback(db);
done:
	subject_release(&sub);
	json_decref(orig);
	return s;
}

/* An EXT version that is still a proposal, and its original. */
static ep_status proposal(ep_db *db, const ep_vis *vis, int64_t ext_id, json_t **ext, json_t **orig, ep_err *err)
{
	ep_status s = visible_doc(db, vis, ext_id, ext, err);
	if (s != EP_OK)
		return s;
	if (!jint(*ext, "parent_id"))
		return ep_err_set(err, EP_E_INVALID, "document", "document %lld is not a partially declassified version",
				  (long long)ext_id);
	const char *st = jstr(*ext, "declass_state");
	if (!st || strcmp(st, "proposed") != 0)
		return ep_err_set(err, EP_E_CONFLICT, "document", "%s %s is issued; it can no longer change",
				  jstr(*ext, "number"), jstr(*ext, "suffix"));
	s = ep_db_res_get(db, ep_resdef_find("documents"), jint(*ext, "parent_id"), orig, err);
	if (s == EP_OK)
		s = may_read_whole(vis, *orig, err);
	return s;
}

ep_status ep_svc_doc_redactions_put(ep_db *db, const ep_actor *who, const ep_vis *vis, int64_t ext_id,
				    int64_t version, json_t *body, ep_errs *errs, ep_err *err)
{
	(void)who;
	json_t *ext = NULL, *orig = NULL;
	subject sub = {.vis = vis};
	ep_status s = proposal(db, vis, ext_id, &ext, &orig, err);
	if (s == EP_OK)
		s = subject_of(db, orig, &sub, err);
	if (s == EP_OK) {
		check_map(json_is_object(body) ? json_object_get(body, "decisions") : NULL, &sub, errs);
		if (ep_errs_count(errs))
			s = ep_err_set(err, EP_E_INVALID, NULL, "the redaction map has problems");
	}
	if (s == EP_OK && (s = ep_db_begin(db, err)) == EP_OK) {
		int64_t nv = 0;
		s = ep_db_res_touch(db, ep_resdef_find("documents"), ext_id, version, &nv, err);
		if (s == EP_OK)
			s = ep_db_redactions_clear(db, ext_id, err);
		if (s == EP_OK)
			s = store_map(db, ext_id, json_object_get(body, "decisions"), err);
		if (s == EP_OK)
			s = ep_db_commit(db, err);
		else
			ep_db_rollback(db);
	}
	subject_release(&sub);
	json_decref(ext);
	json_decref(orig);
	return s;
}

ep_status ep_svc_doc_sign_off(ep_db *db, const ep_actor *who, const ep_vis *vis, int64_t ext_id, int64_t version,
			      const char *today, ep_err *err)
{
	json_t *ext = NULL, *orig = NULL;
	subject sub = {.vis = vis};
	ep_errs errs;
	ep_errs_init(&errs);
	ep_status s = proposal(db, vis, ext_id, &ext, &orig, err);
	if (s == EP_OK && jstr(ext, "proposed_by") && who->name && strcmp(jstr(ext, "proposed_by"), who->name) == 0)
		s = ep_err_set(err, EP_E_CONFLICT, NULL,
			       "you proposed this declassification: a second person signs it off");
	/* The map must still decide everything the original holds now. */
	json_t *map = NULL;
	if (s == EP_OK)
		s = subject_of(db, orig, &sub, err);
	if (s == EP_OK)
		s = ep_db_document_redactions_json(db, ext_id, &map, err);
	if (s == EP_OK) {
		check_map(map, &sub, &errs);
		if (ep_errs_count(&errs))
			s = ep_err_set(err, EP_E_CONFLICT, NULL, "the redaction map no longer covers the document: %s",
				       errs.items[0].msg);
	}
	if (s == EP_OK && (s = ep_db_begin(db, err)) == EP_OK) {
		int64_t nv = 0;
		s = ep_db_res_touch(db, ep_resdef_find("documents"), ext_id, version, &nv, err);
		if (s == EP_OK)
			s = ep_db_document_declass_set(db, ext_id, "issued", who->name, err);
		if (s == EP_OK)
			s = ep_db_document_issue(db, ext_id, today, err);
		if (s == EP_OK)
			s = ep_db_commit(db, err);
		else
			ep_db_rollback(db);
	}
	json_decref(map);
	ep_errs_release(&errs);
	subject_release(&sub);
	json_decref(ext);
	json_decref(orig);
	return s;
}

ep_status ep_svc_doc_declassification(ep_db *db, const ep_vis *vis, int64_t ext_id, json_t **out, ep_err *err)
{
	json_t *ext = NULL, *map = NULL;
	*out = NULL;
	ep_status s = visible_doc(db, vis, ext_id, &ext, err);
	if (s == EP_OK && !jint(ext, "parent_id"))
		s = ep_err_set(err, EP_E_NOTFOUND, NULL, "document %lld is not a partially declassified version",
			       (long long)ext_id);
	if (s == EP_OK)
		s = ep_db_document_redactions_json(db, ext_id, &map, err);
	if (s == EP_OK) {
		char name[160];
		snprintf(name, sizeof name, "%s %s", jstr(ext, "number"), jstr(ext, "suffix"));
		const char *st = jstr(ext, "declass_state");
		*out = json_pack("{s:I, s:s, s:I, s:s, s:s?, s:s?, s:s, s:I, s:o}", "id", (json_int_t)ext_id, "document", name,
				 "parent_id", (json_int_t)jint(ext, "parent_id"), "state", st ? st : "issued", "proposed_by",
				 jstr(ext, "proposed_by"), "signed_off_by", jstr(ext, "signed_off_by"), "date",
				 jstr(ext, "date") ? jstr(ext, "date") : "", "version", (json_int_t)jint(ext, "version"),
				 "decisions", map);
		map = NULL;
		if (!*out)
			s = ep_err_set(err, EP_E_INTERNAL, NULL, "out of memory");
	}
	json_decref(map);
	json_decref(ext);
	return s;
}

/* "13874/17" or "13874/17 EXT 2": a document's number with its suffix, in the caller's buffer. */
static const char *doc_name(json_t *d, char *buf, size_t n)
{
	const char *sfx = jstr(d, "suffix");
	snprintf(buf, n, "%s%s%s", jstr(d, "number") ? jstr(d, "number") : "", sfx && *sfx ? " " : "", sfx ? sfx : "");
	return buf;
}

ep_status ep_svc_doc_declass_subject(ep_db *db, const ep_vis *vis, int64_t id, json_t **out, ep_err *err)
{
	json_t *doc = NULL, *orig = NULL, *map = NULL;
	subject sub = {.shown = true, .vis = vis};
	*out = NULL;
	ep_status s = visible_doc(db, vis, id, &doc, err);
	bool ext = s == EP_OK && jint(doc, "parent_id");
	if (ext) {
		/* A proposal is changed as a whole: the same subject as its original, and its map. */
		json_decref(doc);
		doc = NULL;
		s = proposal(db, vis, id, &doc, &orig, err);
	} else if (s == EP_OK) {
		orig = json_incref(doc);
		s = may_read_whole(vis, orig, err);
	}
	if (s == EP_OK)
		s = subject_of(db, orig, &sub, err);
	if (s == EP_OK && ext)
		s = ep_db_document_redactions_json(db, id, &map, err);
	if (s == EP_OK) {
		char name[160], oname[160];
		*out = json_pack("{s:I, s:s, s:s, s:I, s:s, s:s?, s:s?, s:s?, s:I, s:O, s:O, s:O}", "id", (json_int_t)id,
				 "document", doc_name(doc, name, sizeof name), "kind", ext ? "proposal" : "original",
				 "original_id", (json_int_t)jint(orig, "id"), "original",
				 doc_name(orig, oname, sizeof oname), "subject", jstr(orig, "subject"), "classification",
				 jstr(orig, "classification"), "marking", jstr(orig, "marking"), "version",
				 (json_int_t)jint(doc, "version"), "passages", sub.list_passages, "sections",
				 sub.list_sections, "priorities", sub.list_priorities);
		if (*out && ext) {
			const char *by = jstr(doc, "proposed_by");
			json_object_set_new(*out, "proposed_by", by ? json_string(by) : json_null());
			json_object_set(*out, "decisions", map);
		}
		if (!*out)
			s = ep_err_set(err, EP_E_INTERNAL, NULL, "out of memory");
	}
	json_decref(map);
	subject_release(&sub);
	json_decref(doc);
	json_decref(orig);
	return s;
}
