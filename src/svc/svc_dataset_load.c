/*
 * Loading a dataset (docs/dataset.md). One walker visits the parsed file in four passes:
 *
 *   REGISTER    field types, unknown keys and the domain rules of each object; every natural
 *               key is declared, so duplicates in the file and clashes with the database show;
 *   REFS        every reference is resolved against the file and the database;
 *   WRITE       (only when the first two found nothing) everything is inserted, in file order,
 *               inside one transaction;
 *   WRITE_LATE  cross-references and predecessors, which may point forward in the file.
 *
 * Keeping one walker for all passes means a field is read the same way when it is checked and
 * when it is stored. Problems are reported only in the pass that owns them, so each appears once.
 */
#include "svc/svc_dataset.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/map.h"
#include "core/num.h"
#include "core/str.h"
#include "core/banned.h"

enum pass { P_REGISTER, P_REFS, P_WRITE, P_WRITE_LATE };

#define PATH_MAX_LEN 384
#define KEY_MAX_LEN 512

/* What the file says about a cycle, an OAP or a document, for the checks of the objects that
 * refer to them. */
struct fcycle {
	ep_cycle c;
};
struct fdoc {
	const char *date;
	const char *oap; /* the OAP reference it carries, or NULL */
	bool ext;
};

struct ld {
	ep_db *db;
	const ep_rules *rules;
	ep_errs *errs;
	enum pass pass;
	ep_arena *arena;
	ep_load_stats *stats;
	/* natural key -> database id (-1 while declared in the file but not yet written) */
	ep_map orgs, cycles, priorities, goals, oaps, actions, docs;
	/* natural key -> 1 (text held) or 2 (text not held) */
	ep_map sections, passages;
	/* label -> index in fcycles; document key -> index in fdocs */
	ep_map cycle_idx, doc_idx;
	struct fcycle *fcycles;
	size_t nfcycles, capfcycles;
	struct fdoc *fdocs;
	size_t nfdocs, capfdocs;
	ep_status wst; /* first write failure */
	ep_err *werr;
};

/* ---- reporting ---- */

/* Adds a problem when the walk is in the pass that owns it, so that each appears once. */
static void vreport(struct ld *ld, enum pass owner, const char *path, const char *key, const char *fmt, va_list ap)
	__attribute__((format(printf, 5, 0)));
static void vreport(struct ld *ld, enum pass owner, const char *path, const char *key, const char *fmt, va_list ap)
{
	if (ld->pass != owner)
		return;
	char msg[EP_ERR_MSG_MAX];
	vsnprintf(msg, sizeof msg, fmt, ap);
	ep_rule_problem(ld->errs, path, key, "%s", msg);
}

/* A problem of the file itself: types, keys, domain rules (REGISTER). */
static void bad(struct ld *ld, const char *path, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void bad(struct ld *ld, const char *path, const char *key, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport(ld, P_REGISTER, path, key, fmt, ap);
	va_end(ap);
}

/* A reference that does not resolve (REFS). */
static void badref(struct ld *ld, const char *path, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void badref(struct ld *ld, const char *path, const char *key, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport(ld, P_REFS, path, key, fmt, ap);
	va_end(ap);
}

static bool writing(const struct ld *ld)
{
	return (ld->pass == P_WRITE || ld->pass == P_WRITE_LATE) && ld->wst == EP_OK;
}

/* Records the outcome of a write; returns true when it succeeded. */
static bool wrote(struct ld *ld, ep_status s)
{
	if (s != EP_OK && ld->wst == EP_OK)
		ld->wst = s;
	return s == EP_OK;
}

static void oom(struct ld *ld)
{
	if (ld->wst == EP_OK)
		ld->wst = ep_err_set(ld->werr, EP_E_INTERNAL, NULL, "out of memory");
}

static void put(struct ld *ld, ep_map *m, const char *key, int64_t v)
{
	if (ep_map_put(m, key, v) != 0)
		oom(ld);
}

static size_t nerrs(const struct ld *ld)
{
	return ep_errs_count(ld->errs);
}

/* ---- reading fields ---- */

static const char *type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "a list";
	case JSON_STRING: return "a text";
	case JSON_INTEGER: return "a whole number";
	case JSON_REAL: return "a number";
	case JSON_TRUE:
	case JSON_FALSE: return "true or false";
	case JSON_NULL: return "null";
	}
	return "a value";
}

/* Reports every key of o that is not in allowed (NULL-terminated). */
static void known_keys(struct ld *ld, json_t *o, const char *path, const char *const *allowed)
{
	if (ld->pass != P_REGISTER)
		return;
	const char *k;
	json_t *v;
	json_object_foreach(o, k, v)
	{
		bool ok = false;
		for (const char *const *a = allowed; *a && !ok; a++)
			ok = strcmp(*a, k) == 0;
		if (!ok) {
			char list[512] = "";
			size_t used = 0;
			for (const char *const *a = allowed; *a; a++) {
				int n = snprintf(list + used, sizeof list - used, "%s%s", used ? ", " : "", *a);
				if (n > 0 && (size_t)n < sizeof list - used)
					used += (size_t)n;
			}
			bad(ld, path, NULL, "unknown field '%.64s' (known: %s)", k, list);
		}
	}
}

static const char *get_str(struct ld *ld, json_t *o, const char *path, const char *key)
{
	json_t *v = json_object_get(o, key);
	if (!v || json_is_null(v))
		return NULL;
	if (!json_is_string(v)) {
		bad(ld, path, key, "must be a text, not %s", type_name(v));
		return NULL;
	}
	return json_string_value(v);
}

/* *present tells whether the key had a value. */
static int64_t get_int(struct ld *ld, json_t *o, const char *path, const char *key, int64_t dflt, bool *present)
{
	json_t *v = json_object_get(o, key);
	if (present)
		*present = false;
	if (!v || json_is_null(v))
		return dflt;
	if (!json_is_integer(v)) {
		bad(ld, path, key, "must be a whole number, not %s", type_name(v));
		return dflt;
	}
	if (present)
		*present = true;
	return (int64_t)json_integer_value(v);
}

static bool get_num(struct ld *ld, json_t *o, const char *path, const char *key, double *out)
{
	json_t *v = json_object_get(o, key);
	if (!v || json_is_null(v))
		return false;
	if (!json_is_number(v)) {
		bad(ld, path, key, "must be a number, not %s", type_name(v));
		return false;
	}
	*out = json_number_value(v);
	return true;
}

static bool get_bool(struct ld *ld, json_t *o, const char *path, const char *key)
{
	json_t *v = json_object_get(o, key);
	if (!v || json_is_null(v))
		return false;
	if (!json_is_boolean(v)) {
		bad(ld, path, key, "must be true or false, not %s", type_name(v));
		return false;
	}
	return json_is_true(v);
}

static json_t *get_arr(struct ld *ld, json_t *o, const char *path, const char *key)
{
	json_t *v = json_object_get(o, key);
	if (!v || json_is_null(v))
		return NULL;
	if (!json_is_array(v)) {
		bad(ld, path, key, "must be a list, not %s", type_name(v));
		return NULL;
	}
	return v;
}

static ep_class get_class(struct ld *ld, json_t *o, const char *path)
{
	const char *s = get_str(ld, o, path, "classification");
	ep_class c = EP_CLASS_UNCLASSIFIED;
	if (s && ep_class_parse(s, &c) != EP_OK)
		bad(ld, path, "classification",
		    "'%.40s' is not one of: unclassified, restreint_ue, confidentiel_ue, secret_ue, tres_secret_ue", s);
	return c;
}

static ep_marking get_marking(struct ld *ld, json_t *o, const char *path)
{
	const char *s = get_str(ld, o, path, "marking");
	ep_marking m = EP_MARK_NONE;
	if (s && ep_marking_parse(s, &m) != EP_OK)
		bad(ld, path, "marking", "'%.40s' is not one of: none, limite", s);
	return m;
}

/* Element i of a list, which must be an object (reported otherwise, NULL returned). */
static json_t *elem_obj(struct ld *ld, json_t *arr, size_t i, const char *path)
{
	json_t *v = json_array_get(arr, i);
	if (!json_is_object(v)) {
		bad(ld, path, NULL, "must be an object, not %s", type_name(v));
		return NULL;
	}
	return v;
}

static const char *elem_str(struct ld *ld, json_t *arr, size_t i, const char *path)
{
	json_t *v = json_array_get(arr, i);
	if (!json_is_string(v)) {
		bad(ld, path, NULL, "must be a text, not %s", type_name(v));
		return NULL;
	}
	return json_string_value(v);
}

/*
 * Formats into a fixed buffer. Paths and keys are built from values whose length the rules
 * bound (codes, numbers, labels), so a value long enough to be cut here has already been
 * reported by its own rule.
 */
static void fmt(char *out, size_t n, const char *f, ...) __attribute__((format(printf, 3, 4)));
static void fmt(char *out, size_t n, const char *f, ...)
{
	va_list ap;
	va_start(ap, f);
	vsnprintf(out, n, f, ap);
	va_end(ap);
}

#define SUBPATH(buf, ...) fmt(buf, sizeof buf, __VA_ARGS__)

/* ---- natural keys and references ---- */

/* Declares key in map m during REGISTER; a second declaration is a duplicate. */
static bool declare(struct ld *ld, ep_map *m, const char *key, int64_t value, const char *path, const char *field,
		    const char *what)
{
	if (ld->pass != P_REGISTER)
		return true;
	if (ep_map_get(m, key, NULL)) {
		bad(ld, path, field, "%s '%s' appears more than once in the file", what, key);
		return false;
	}
	put(ld, m, key, value);
	return true;
}

static void oap_key(char *out, size_t n, const char *cycle, const char *prio, int64_t year, int64_t rev)
{
	if (rev)
		fmt(out, n, "%s/%s/%lld/r%lld", cycle, prio, (long long)year, (long long)rev);
	else
		fmt(out, n, "%s/%s/%lld", cycle, prio, (long long)year);
}

static int64_t org_ref(struct ld *ld, const char *code, const char *path, const char *field)
{
	int64_t id = 0;
	if (!code)
		return 0;
	if (ep_map_get(&ld->orgs, code, &id))
		return id;
	ep_err e;
	ep_status s = ep_db_org_id(ld->db, code, &id, &e);
	if (s == EP_OK) {
		put(ld, &ld->orgs, code, id);
		return id;
	}
	if (s == EP_E_NOTFOUND)
		badref(ld, path, field, "no organisation '%.40s' in the file or the database", code);
	else if (ld->pass == P_REFS)
		ep_errs_add(ld->errs, s, path, "%s", e.msg);
	return 0;
}

/* Files what the checks of other objects need to know of a cycle or a document, under its
 * key; returns the filed record, or NULL when memory ran out. */
static struct fcycle *file_cycle(struct ld *ld, const ep_cycle *c)
{
	if (ld->nfcycles == ld->capfcycles) {
		size_t cap = ld->capfcycles ? ld->capfcycles * 2 : 8;
		struct fcycle *nc = realloc(ld->fcycles, cap * sizeof *nc);
		if (!nc) {
			oom(ld);
			return NULL;
		}
		ld->fcycles = nc;
		ld->capfcycles = cap;
	}
	ld->fcycles[ld->nfcycles].c = *c;
	put(ld, &ld->cycle_idx, c->label, (int64_t)ld->nfcycles);
	return &ld->fcycles[ld->nfcycles++];
}

static void file_doc(struct ld *ld, const char *key, struct fdoc f)
{
	if (ld->nfdocs == ld->capfdocs) {
		size_t cap = ld->capfdocs ? ld->capfdocs * 2 : 8;
		struct fdoc *nd = realloc(ld->fdocs, cap * sizeof *nd);
		if (!nd) {
			oom(ld);
			return;
		}
		ld->fdocs = nd;
		ld->capfdocs = cap;
	}
	ld->fdocs[ld->nfdocs] = f;
	put(ld, &ld->doc_idx, key, (int64_t)ld->nfdocs++);
}

/* A cycle by label: its id (-1 while only declared in the file) and, where known, its record. */
static int64_t cycle_ref(struct ld *ld, const char *label, const ep_cycle **rec, const char *path, const char *field)
{
	int64_t id = 0, idx;
	*rec = NULL;
	if (!label)
		return 0;
	if (ep_map_get(&ld->cycle_idx, label, &idx))
		*rec = &ld->fcycles[idx].c;
	if (ep_map_get(&ld->cycles, label, &id))
		return id;
	ep_cycle c;
	ep_err e;
	ep_status s = ep_db_cycle_find(ld->db, label, ld->arena, &c, &e);
	if (s == EP_OK) {
		put(ld, &ld->cycles, label, c.id);
		/* Keep the record for the OAP checks. */
		struct fcycle *f = file_cycle(ld, &c);
		*rec = f ? &f->c : NULL;
		return c.id;
	}
	if (s == EP_E_NOTFOUND)
		badref(ld, path, field, "no cycle '%.40s' in the file or the database", label);
	else if (ld->pass == P_REFS)
		ep_errs_add(ld->errs, s, path, "%s", e.msg);
	return 0;
}

static int64_t priority_ref(struct ld *ld, const char *cycle, int64_t cycle_id, const char *code, const char *path,
			    const char *field)
{
	char key[KEY_MAX_LEN];
	int64_t id = 0;
	if (!cycle || !code)
		return 0;
	fmt(key, sizeof key, "%s/%s", cycle, code);
	if (ep_map_get(&ld->priorities, key, &id))
		return id;
	if (cycle_id > 0) {
		ep_err e;
		ep_status s = ep_db_priority_id(ld->db, cycle_id, code, &id, &e);
		if (s == EP_OK) {
			put(ld, &ld->priorities, key, id);
			return id;
		}
	}
	if (cycle_id)
		badref(ld, path, field, "no priority '%.16s' in cycle %.40s", code, cycle);
	return 0;
}

/*
 * Splits an OAP or action reference "CYCLE/PRIORITY/YEAR[/rN][/NUMBER]". want_action says
 * whether a trailing action number is expected. Returns false when it does not parse.
 */
struct ref {
	char cycle[64], prio[16], number[40];
	int64_t year, rev;
};

static bool parse_ref(const char *s, bool want_action, struct ref *r)
{
	char parts[5][64];
	size_t np = 0;
	ep_sv rest = ep_sv_from(s), head;
	if (strlen(s) > 200)
		return false;
	while (rest.p && np < 5) {
		rest = ep_sv_cut(rest, '/', &head);
		if (head.n == 0 || head.n >= sizeof parts[0])
			return false;
		memcpy(parts[np], head.p, head.n);
		parts[np][head.n] = '\0';
		np++;
	}
	if (rest.p)
		return false;
	memset(r, 0, sizeof *r);
	if (np < 3)
		return false;
	size_t want = 3 + (want_action ? 1 : 0);
	bool has_rev = np == want + 1 && parts[3][0] == 'r';
	if (np != want && !has_rev)
		return false;
	if (strlen(parts[0]) >= sizeof r->cycle || strlen(parts[1]) >= sizeof r->prio)
		return false;
	memcpy(r->cycle, parts[0], strlen(parts[0]) + 1);
	memcpy(r->prio, parts[1], strlen(parts[1]) + 1);
	if (ep_parse_i64z(parts[2], 1000, 9999, &r->year) != EP_OK)
		return false;
	if (has_rev && ep_parse_i64z(parts[3] + 1, 1, 99, &r->rev) != EP_OK)
		return false;
	if (want_action) {
		const char *num = parts[np - 1];
		if (!ep_is_dotted_number(num) || strlen(num) >= sizeof r->number)
			return false;
		memcpy(r->number, num, strlen(num) + 1);
	}
	return true;
}

static int64_t oap_ref(struct ld *ld, const char *ref, const char *path, const char *field)
{
	int64_t id = 0;
	struct ref r;
	if (!ref)
		return 0;
	if (!parse_ref(ref, false, &r)) {
		badref(ld, path, field, "'%.80s' is not an OAP reference (CYCLE/PRIORITY/YEAR, such as 2018-2021/3/2018)",
		       ref);
		return 0;
	}
	char key[KEY_MAX_LEN];
	oap_key(key, sizeof key, r.cycle, r.prio, r.year, r.rev);
	if (ep_map_get(&ld->oaps, key, &id))
		return id;
	/* Not in the file: look in the database, unless its cycle is one the file brings (then the
	 * OAP would have to be in the file too). */
	int64_t cid = 0, pid = 0;
	ep_status s = EP_E_NOTFOUND;
	if (!ep_map_get(&ld->cycles, r.cycle, &cid)) {
		ep_cycle c;
		if (ep_db_cycle_find(ld->db, r.cycle, ld->arena, &c, NULL) == EP_OK)
			cid = c.id;
	}
	if (cid > 0 && ep_db_priority_id(ld->db, cid, r.prio, &pid, NULL) == EP_OK)
		s = ep_db_oap_id(ld->db, pid, r.year, r.rev, &id, NULL);
	if (s == EP_OK) {
		put(ld, &ld->oaps, key, id);
		return id;
	}
	badref(ld, path, field, "no OAP '%.80s' in the file or the database", ref);
	return 0;
}

static int64_t action_ref(struct ld *ld, const char *ref, struct ref *r, const char *path, const char *field)
{
	int64_t id = 0;
	if (!parse_ref(ref, true, r)) {
		badref(ld, path, field,
		       "'%.80s' is not an action reference (CYCLE/PRIORITY/YEAR/NUMBER, such as 2018-2021/3/2018/1.2)", ref);
		return 0;
	}
	char key[KEY_MAX_LEN];
	oap_key(key, sizeof key, r->cycle, r->prio, r->year, r->rev);
	size_t n = strlen(key);
	fmt(key + n, sizeof key - n, "/%s", r->number);
	if (ep_map_get(&ld->actions, key, &id))
		return id;
	char oref[KEY_MAX_LEN];
	oap_key(oref, sizeof oref, r->cycle, r->prio, r->year, r->rev);
	int64_t oid = 0;
	if (ep_map_get(&ld->oaps, oref, &oid) && oid < 0) {
		/* The OAP is in the file, so the action would be too. */
		badref(ld, path, field, "no action '%.80s' in the file", ref);
		return 0;
	}
	ep_err e;
	size_t before = nerrs(ld);
	oid = oap_ref(ld, oref, path, field);
	if (oid > 0 && ep_db_action_id(ld->db, oid, r->number, &id, &e) == EP_OK) {
		put(ld, &ld->actions, key, id);
		return id;
	}
	if (nerrs(ld) == before)
		badref(ld, path, field, "no action '%.80s' in the file or the database", ref);
	return 0;
}

/* ---- organisations ---- */

static const char *const ORG_KEYS[] = {"code", "kind", "name", "country", "discipline", NULL};

static void walk_org(struct ld *ld, json_t *o, const char *path)
{
	known_keys(ld, o, path, ORG_KEYS);
	size_t before = nerrs(ld);
	ep_org org = {
		.code = get_str(ld, o, path, "code"),
		.kind = get_str(ld, o, path, "kind"),
		.name = get_str(ld, o, path, "name"),
		.country = get_str(ld, o, path, "country"),
		.discipline = get_str(ld, o, path, "discipline"),
	};
	if (ld->pass == P_REGISTER) {
		if (nerrs(ld) == before)
			ep_rule_org(ld->rules, &org, path, ld->errs);
		if (org.code && declare(ld, &ld->orgs, org.code, -1, path, "code", "organisation")) {
			int64_t id;
			if (ep_db_org_id(ld->db, org.code, &id, NULL) == EP_OK)
				bad(ld, path, "code", "organisation '%s' already exists in the database", org.code);
		}
	} else if (ld->pass == P_WRITE && writing(ld)) {
		int64_t id;
		if (wrote(ld, ep_db_org_insert(ld->db, &org, &id, ld->werr))) {
			put(ld, &ld->orgs, org.code, id);
			ld->stats->organisations++;
		}
	}
}

/* ---- footnotes ---- */

static const char *const FOOTNOTE_KEYS[] = {"anchor", "text", NULL};

static void walk_footnotes(struct ld *ld, json_t *o, const char *path, ep_owner owner, int64_t owner_id,
			   const char *text, const char *text2)
{
	json_t *arr = get_arr(ld, o, path, "footnotes");
	char p[PATH_MAX_LEN];
	for (size_t i = 0; arr && i < json_array_size(arr); i++) {
		SUBPATH(p, "%s.footnotes[%zu]", path, i);
		json_t *f = elem_obj(ld, arr, i, p);
		if (!f)
			continue;
		known_keys(ld, f, p, FOOTNOTE_KEYS);
		size_t before = nerrs(ld);
		ep_footnote fn = {owner, owner_id, (int64_t)i + 1, get_str(ld, f, p, "anchor"), get_str(ld, f, p, "text")};
		if (ld->pass == P_REGISTER && nerrs(ld) == before)
			ep_rule_footnote(&fn, text, text2, p, ld->errs);
		else if (ld->pass == P_WRITE && writing(ld))
			wrote(ld, ep_db_footnote_insert(ld->db, &fn, ld->werr));
	}
}

/* A list of organisation codes without repeats. fn stores each (WRITE) with its position. */
typedef ep_status (*org_link_fn)(ep_db *db, int64_t owner, int64_t org, const char *role, int64_t pos, ep_err *err);

static void walk_org_list(struct ld *ld, json_t *o, const char *path, const char *key, int64_t owner, org_link_fn fn,
			  const char *role, const char *other)
{
	json_t *arr = get_arr(ld, o, path, key);
	char p[PATH_MAX_LEN];
	for (size_t i = 0; arr && i < json_array_size(arr); i++) {
		SUBPATH(p, "%s.%s[%zu]", path, key, i);
		const char *code = elem_str(ld, arr, i, p);
		if (!code)
			continue;
		if (ld->pass == P_REGISTER) {
			for (size_t j = 0; j < i; j++) {
				json_t *prev = json_array_get(arr, j);
				if (json_is_string(prev) && strcmp(json_string_value(prev), code) == 0)
					bad(ld, p, NULL, "'%.40s' is listed twice", code);
			}
			if (other && strcmp(other, code) == 0)
				bad(ld, p, NULL, "'%.40s' is already the Driver or Leader", code);
		} else if (ld->pass == P_REFS) {
			org_ref(ld, code, p, NULL);
		} else if (ld->pass == P_WRITE && writing(ld)) {
			int64_t org = org_ref(ld, code, p, NULL);
			wrote(ld, fn(ld->db, owner, org, role, (int64_t)i + 1, ld->werr));
		}
	}
}

static ep_status add_agency(ep_db *db, int64_t owner, int64_t org, const char *role, int64_t pos, ep_err *err)
{
	(void)role;
	return ep_db_priority_agency_add(db, owner, org, pos, err);
}

/* ---- cycles, priorities, goals, shared goals ---- */

static const char *const CYCLE_KEYS[] = {"label", "first_year", "last_year", "oap_period_years", "threat_assessment",
					 "priorities_document", "status", "priorities", "shared_goals", NULL};
static const char *const PRIORITY_KEYS[] = {"code", "short_name", "aim", "driver", "co_drivers",
					    "supporting_agencies", "goals", NULL};
static const char *const GOAL_KEYS[] = {"number", "group", "text", "footnotes", NULL};
static const char *const SHARED_GOAL_KEYS[] = {"number", "text", "scope", "horizontal", "priorities", "footnotes",
					       NULL};

static void walk_goal(struct ld *ld, json_t *o, const char *path, const char *pkey, int64_t priority_id)
{
	known_keys(ld, o, path, GOAL_KEYS);
	size_t before = nerrs(ld);
	ep_goal g = {
		.priority_id = priority_id,
		.number = get_int(ld, o, path, "number", 0, NULL),
		.subgroup = get_str(ld, o, path, "group"),
		.text = get_str(ld, o, path, "text"),
	};
	char key[KEY_MAX_LEN];
	fmt(key, sizeof key, "%s#%lld", pkey, (long long)g.number);
	int64_t id = 0;
	if (ld->pass == P_REGISTER) {
		if (nerrs(ld) == before)
			ep_rule_goal(ld->rules, &g, path, ld->errs);
		declare(ld, &ld->goals, key, -1, path, "number", "strategic goal");
	} else if (ld->pass == P_WRITE && writing(ld)) {
		if (!wrote(ld, ep_db_goal_insert(ld->db, &g, &id, ld->werr)))
			return;
		put(ld, &ld->goals, key, id);
		ld->stats->goals++;
	}
	walk_footnotes(ld, o, path, EP_OWNER_GOAL, id, g.text, NULL);
}

static void walk_priority(struct ld *ld, json_t *o, const char *path, const char *cycle, int64_t cycle_id,
			  int64_t position)
{
	known_keys(ld, o, path, PRIORITY_KEYS);
	size_t before = nerrs(ld);
	ep_priority p = {
		.cycle_id = cycle_id,
		.position = position,
		.code = get_str(ld, o, path, "code"),
		.short_name = get_str(ld, o, path, "short_name"),
		.aim = get_str(ld, o, path, "aim"),
	};
	const char *driver = get_str(ld, o, path, "driver");
	char key[KEY_MAX_LEN];
	fmt(key, sizeof key, "%s/%s", cycle ? cycle : "?", p.code ? p.code : "?");
	int64_t id = 0;
	if (ld->pass == P_REGISTER) {
		if (nerrs(ld) == before)
			ep_rule_priority(ld->rules, &p, path, ld->errs);
		if (p.code)
			declare(ld, &ld->priorities, key, -1, path, "code", "priority");
	} else if (ld->pass == P_REFS) {
		org_ref(ld, driver, path, "driver");
	} else if (ld->pass == P_WRITE && writing(ld)) {
		if (!wrote(ld, ep_db_priority_insert(ld->db, &p, &id, ld->werr)))
			return;
		put(ld, &ld->priorities, key, id);
		ld->stats->priorities++;
		if (driver)
			wrote(ld, ep_db_priority_driver_add(ld->db, id, org_ref(ld, driver, path, "driver"), "driver", 1,
							    ld->werr));
	}
	walk_org_list(ld, o, path, "co_drivers", id, ep_db_priority_driver_add, "co_driver", driver);
	walk_org_list(ld, o, path, "supporting_agencies", id, add_agency, NULL, NULL);
	json_t *goals = get_arr(ld, o, path, "goals");
	char gp[PATH_MAX_LEN];
	for (size_t i = 0; goals && i < json_array_size(goals); i++) {
		SUBPATH(gp, "%s.goals[%zu]", path, i);
		json_t *g = elem_obj(ld, goals, i, gp);
		if (g)
			walk_goal(ld, g, gp, key, id);
	}
}

static void walk_shared_goal(struct ld *ld, json_t *o, const char *path, const char *cycle, int64_t cycle_id,
			     ep_map *numbers)
{
	known_keys(ld, o, path, SHARED_GOAL_KEYS);
	size_t before = nerrs(ld);
	ep_shared_goal g = {
		.cycle_id = cycle_id,
		.number = get_int(ld, o, path, "number", 0, NULL),
		.text = get_str(ld, o, path, "text"),
		.scope = get_str(ld, o, path, "scope"),
		.horizontal = get_bool(ld, o, path, "horizontal"),
	};
	int64_t id = 0;
	if (ld->pass == P_REGISTER) {
		if (nerrs(ld) == before)
			ep_rule_shared_goal(ld->rules, &g, path, ld->errs);
		char num[32];
		fmt(num, sizeof num, "%lld", (long long)g.number);
		declare(ld, numbers, num, -1, path, "number", "shared goal number");
	} else if (ld->pass == P_WRITE && writing(ld)) {
		if (!wrote(ld, ep_db_shared_goal_insert(ld->db, &g, &id, ld->werr)))
			return;
		ld->stats->shared_goals++;
	}
	json_t *arr = get_arr(ld, o, path, "priorities");
	char p[PATH_MAX_LEN], key[KEY_MAX_LEN];
	for (size_t i = 0; arr && i < json_array_size(arr); i++) {
		SUBPATH(p, "%s.priorities[%zu]", path, i);
		const char *code = elem_str(ld, arr, i, p);
		if (!code)
			continue;
		if (ld->pass == P_REGISTER) {
			for (size_t j = 0; j < i; j++) {
				json_t *prev = json_array_get(arr, j);
				if (json_is_string(prev) && strcmp(json_string_value(prev), code) == 0)
					bad(ld, p, NULL, "priority '%.16s' is listed twice", code);
			}
		} else if (ld->pass == P_REFS) {
			fmt(key, sizeof key, "%s/%s", cycle, code);
			if (!ep_map_get(&ld->priorities, key, NULL))
				badref(ld, p, NULL, "no priority '%.16s' in cycle %.40s", code, cycle);
		} else if (ld->pass == P_WRITE && writing(ld)) {
			int64_t pid = priority_ref(ld, cycle, cycle_id, code, p, NULL);
			wrote(ld, ep_db_shared_goal_priority_add(ld->db, id, pid, (int64_t)i + 1, ld->werr));
		}
	}
	walk_footnotes(ld, o, path, EP_OWNER_SHARED_GOAL, id, g.text, g.scope);
}

static void walk_cycle(struct ld *ld, json_t *o, const char *path)
{
	known_keys(ld, o, path, CYCLE_KEYS);
	size_t before = nerrs(ld);
	ep_cycle c = {
		.label = get_str(ld, o, path, "label"),
		.first_year = get_int(ld, o, path, "first_year", 0, NULL),
		.last_year = get_int(ld, o, path, "last_year", 0, NULL),
		.oap_period_years = get_int(ld, o, path, "oap_period_years", 1, NULL),
		.threat_assessment = get_str(ld, o, path, "threat_assessment"),
		.priorities_document = get_str(ld, o, path, "priorities_document"),
		.status = get_str(ld, o, path, "status"),
	};
	int64_t id = 0;
	if (ld->pass == P_REGISTER) {
		if (nerrs(ld) == before)
			ep_rule_cycle(ld->rules, &c, path, ld->errs);
		if (!c.label)
			return; /* nothing below can be keyed */
		if (declare(ld, &ld->cycles, c.label, -1, path, "label", "cycle")) {
			if (ep_db_cycle_find(ld->db, c.label, ld->arena, &(ep_cycle){0}, NULL) == EP_OK)
				bad(ld, path, "label", "cycle '%s' already exists in the database", c.label);
			if (!file_cycle(ld, &c))
				return;
		}
	} else if (!c.label) {
		return;
	} else if (ld->pass == P_WRITE && writing(ld)) {
		if (!wrote(ld, ep_db_cycle_insert(ld->db, &c, &id, ld->werr)))
			return;
		put(ld, &ld->cycles, c.label, id);
		ld->stats->cycles++;
	}
	json_t *arr = get_arr(ld, o, path, "priorities");
	char p[PATH_MAX_LEN];
	for (size_t i = 0; arr && i < json_array_size(arr); i++) {
		SUBPATH(p, "%s.priorities[%zu]", path, i);
		json_t *x = elem_obj(ld, arr, i, p);
		if (x)
			walk_priority(ld, x, p, c.label, id, (int64_t)i + 1);
	}
	ep_map numbers;
	ep_map_init(&numbers);
	arr = get_arr(ld, o, path, "shared_goals");
	for (size_t i = 0; arr && i < json_array_size(arr); i++) {
		SUBPATH(p, "%s.shared_goals[%zu]", path, i);
		json_t *x = elem_obj(ld, arr, i, p);
		if (x)
			walk_shared_goal(ld, x, p, c.label, id, &numbers);
	}
	ep_map_release(&numbers);
}

/* ---- OAPs, sections, actions ---- */

static const char *const OAP_KEYS[] = {"cycle", "priority", "first_year", "last_year", "revision", "title", "status",
				       "classification", "marking", "driver", "co_drivers", "sections", "actions", NULL};
static const char *const SECTION_KEYS[] = {"number", "heading", "classification", "marking", "text", "footnotes", NULL};
static const char *const ACTION_KEYS[] = {"number", "title", "description", "what", "when", "where", "who", "how",
					  "documentation_ref", "leader", "co_leaders", "participants", "goals",
					  "start_date", "end_date", "possible_jad", "cross_references", "predecessor",
					  "kpis", "budget_cents", "status", "classification", "marking", NULL};
static const char *const PARTICIPANT_KEYS[] = {"org", "status", NULL};
static const char *const XREF_KEYS[] = {"action", "note", NULL};
static const char *const KPI_KEYS[] = {"name", "unit", "baseline", "target", "direction", NULL};

struct oapctx {
	const char *key;   /* the OAP reference */
	const char *cycle; /* its cycle label and priority code */
	const char *prio;
	int64_t cycle_id, priority_id, id;
	const ep_oap *oap;
};

static void walk_section(struct ld *ld, json_t *o, const char *path, const struct oapctx *oc, int64_t position)
{
	known_keys(ld, o, path, SECTION_KEYS);
	size_t before = nerrs(ld);
	ep_section s = {
		.oap_id = oc->id,
		.position = position,
		.number = get_str(ld, o, path, "number"),
		.heading = get_str(ld, o, path, "heading"),
		.text = get_str(ld, o, path, "text"),
		.classification = get_class(ld, o, path),
		.marking = get_marking(ld, o, path),
	};
	int64_t id = 0;
	if (ld->pass == P_REGISTER) {
		if (nerrs(ld) == before)
			ep_rule_section(ld->rules, &s, oc->oap, path, ld->errs);
		if (s.number) {
			char key[KEY_MAX_LEN];
			fmt(key, sizeof key, "%s#%s", oc->key, s.number);
			declare(ld, &ld->sections, key, s.text ? 1 : 2, path, "number", "section");
		}
	} else if (ld->pass == P_WRITE && writing(ld)) {
		if (!wrote(ld, ep_db_section_insert(ld->db, &s, &id, ld->werr)))
			return;
		ld->stats->sections++;
	}
	walk_footnotes(ld, o, path, EP_OWNER_SECTION, id, s.text, NULL);
}

static void walk_kpis(struct ld *ld, json_t *o, const char *path, int64_t action_id)
{
	json_t *arr = get_arr(ld, o, path, "kpis");
	char p[PATH_MAX_LEN];
	for (size_t i = 0; arr && i < json_array_size(arr); i++) {
		SUBPATH(p, "%s.kpis[%zu]", path, i);
		json_t *k = elem_obj(ld, arr, i, p);
		if (!k)
			continue;
		known_keys(ld, k, p, KPI_KEYS);
		size_t before = nerrs(ld);
		ep_kpi kpi = {
			.owner = EP_OWNER_ACTION,
			.owner_id = action_id,
			.position = (int64_t)i + 1,
			.name = get_str(ld, k, p, "name"),
			.unit = get_str(ld, k, p, "unit"),
			.direction = get_str(ld, k, p, "direction"),
		};
		kpi.has_baseline = get_num(ld, k, p, "baseline", &kpi.baseline);
		bool has_target = get_num(ld, k, p, "target", &kpi.target);
		if (ld->pass == P_REGISTER) {
			if (!has_target && !json_object_get(k, "target"))
				bad(ld, p, "target", "is required");
			if (nerrs(ld) == before)
				ep_rule_kpi(ld->rules, &kpi, p, ld->errs);
		} else if (ld->pass == P_WRITE && writing(ld)) {
			wrote(ld, ep_db_kpi_insert(ld->db, &kpi, NULL, ld->werr));
		}
	}
}

static void walk_action(struct ld *ld, json_t *o, const char *path, const struct oapctx *oc, int64_t position)
{
	known_keys(ld, o, path, ACTION_KEYS);
	size_t before = nerrs(ld);
	bool has_budget;
	ep_action a = {
		.oap_id = oc->id,
		.position = position,
		.number = get_str(ld, o, path, "number"),
		.title = get_str(ld, o, path, "title"),
		.description = get_str(ld, o, path, "description"),
		.what = get_str(ld, o, path, "what"),
		.when_text = get_str(ld, o, path, "when"),
		.where_text = get_str(ld, o, path, "where"),
		.who = get_str(ld, o, path, "who"),
		.how = get_str(ld, o, path, "how"),
		.documentation_ref = get_str(ld, o, path, "documentation_ref"),
		.start_date = get_str(ld, o, path, "start_date"),
		.end_date = get_str(ld, o, path, "end_date"),
		.possible_jad = get_bool(ld, o, path, "possible_jad"),
		.budget_cents = get_int(ld, o, path, "budget_cents", 0, &has_budget),
		.status = get_str(ld, o, path, "status"),
		.classification = get_class(ld, o, path),
		.marking = get_marking(ld, o, path),
	};
	a.has_budget = has_budget;
	if (!a.status)
		a.status = "proposed";
	const char *leader = get_str(ld, o, path, "leader");
	const char *predecessor = get_str(ld, o, path, "predecessor");
	char key[KEY_MAX_LEN];
	fmt(key, sizeof key, "%s/%s", oc->key, a.number ? a.number : "?");
	int64_t id = 0;

	if (ld->pass == P_REGISTER) {
		if (nerrs(ld) == before) {
			ep_rule_action(ld->rules, &a, oc->oap, path, ld->errs);
			if (!leader)
				bad(ld, path, "leader", "is required: every action has an Action Leader");
		}
		if (a.number)
			declare(ld, &ld->actions, key, -1, path, "number", "action");
	} else if (ld->pass == P_REFS) {
		org_ref(ld, leader, path, "leader");
		if (predecessor) {
			struct ref r;
			/* A continued action is carried into the next OAP, so its predecessor is in an OAP
			 * that starts earlier. */
			if (action_ref(ld, predecessor, &r, path, "predecessor") && r.year >= oc->oap->first_year)
				badref(ld, path, "predecessor", "'%.80s' is not in an earlier OAP", predecessor);
		}
	} else if (ld->pass == P_WRITE && writing(ld)) {
		if (!wrote(ld, ep_db_action_insert(ld->db, &a, &id, ld->werr)))
			return;
		put(ld, &ld->actions, key, id);
		ld->stats->actions++;
		wrote(ld, ep_db_action_leader_add(ld->db, id, org_ref(ld, leader, path, "leader"), "leader", 1, ld->werr));
	} else if (ld->pass == P_WRITE_LATE) {
		if (!ep_map_get(&ld->actions, key, &id))
			return;
	}

	if (ld->pass != P_WRITE_LATE) {
		walk_org_list(ld, o, path, "co_leaders", id, ep_db_action_leader_add, "co_leader", leader);
		/* participants */
		json_t *arr = get_arr(ld, o, path, "participants");
		char p[PATH_MAX_LEN];
		for (size_t i = 0; arr && i < json_array_size(arr); i++) {
			SUBPATH(p, "%s.participants[%zu]", path, i);
			json_t *x = elem_obj(ld, arr, i, p);
			if (!x)
				continue;
			known_keys(ld, x, p, PARTICIPANT_KEYS);
			const char *org = get_str(ld, x, p, "org");
			const char *status = get_str(ld, x, p, "status");
			if (!status)
				status = "invited";
			if (ld->pass == P_REGISTER) {
				if (!org)
					bad(ld, p, "org", "is required");
				ep_rule_enum(ld->errs, p, "status", status, ep_participant_statuses);
				for (size_t j = 0; org && j < i; j++) {
					json_t *prev = json_array_get(arr, j);
					const char *po = json_is_object(prev) ? json_string_value(json_object_get(prev, "org")) : NULL;
					if (po && strcmp(po, org) == 0)
						bad(ld, p, "org", "'%.40s' takes part once per action", org);
				}
			} else if (ld->pass == P_REFS) {
				org_ref(ld, org, p, "org");
			} else if (writing(ld)) {
				wrote(ld, ep_db_action_participant_add(ld->db, id, org_ref(ld, org, p, "org"), status,
								       (int64_t)i + 1, ld->werr));
			}
		}
		/* goals */
		arr = get_arr(ld, o, path, "goals");
		for (size_t i = 0; arr && i < json_array_size(arr); i++) {
			SUBPATH(p, "%s.goals[%zu]", path, i);
			json_t *v = json_array_get(arr, i);
			if (!json_is_integer(v)) {
				bad(ld, p, NULL, "must be a goal number, not %s", type_name(v));
				continue;
			}
			int64_t n = (int64_t)json_integer_value(v);
			if (ld->pass == P_REGISTER) {
				for (size_t j = 0; j < i; j++)
					if (json_integer_value(json_array_get(arr, j)) == n)
						bad(ld, p, NULL, "goal %lld is listed twice", (long long)n);
				continue;
			}
			char gkey[KEY_MAX_LEN];
			fmt(gkey, sizeof gkey, "%s/%s#%lld", oc->cycle, oc->prio, (long long)n);
			int64_t gid = 0;
			if (!ep_map_get(&ld->goals, gkey, &gid) && oc->priority_id > 0 &&
			    ep_db_goal_id(ld->db, oc->priority_id, n, &gid, NULL) == EP_OK)
				put(ld, &ld->goals, gkey, gid);
			if (!gid)
				badref(ld, p, NULL, "priority %s of cycle %s has no strategic goal %lld", oc->prio, oc->cycle,
				       (long long)n);
			else if (writing(ld))
				wrote(ld, ep_db_action_goal_add(ld->db, id, gid, (int64_t)i + 1, ld->werr));
		}
		walk_kpis(ld, o, path, id);
		if (ld->pass == P_WRITE)
			return;
	}

	/* cross-references and the predecessor: checked in REFS, written in WRITE_LATE */
	json_t *arr = get_arr(ld, o, path, "cross_references");
	char p[PATH_MAX_LEN];
	for (size_t i = 0; arr && i < json_array_size(arr); i++) {
		SUBPATH(p, "%s.cross_references[%zu]", path, i);
		json_t *x = elem_obj(ld, arr, i, p);
		if (!x)
			continue;
		known_keys(ld, x, p, XREF_KEYS);
		const char *target = get_str(ld, x, p, "action");
		const char *note = get_str(ld, x, p, "note");
		if (!target) {
			bad(ld, p, "action", "is required");
			continue;
		}
		if (ld->pass == P_REGISTER) {
			ep_rule_text(ld->errs, p, "note", note, false, EP_MAX_TEXT);
			continue;
		}
		struct ref r;
		int64_t to = action_ref(ld, target, &r, p, "action");
		if (ld->pass == P_REFS && to && strcmp(target, key) == 0)
			badref(ld, p, "action", "an action cannot refer to itself");
		if (ld->pass == P_REFS) {
			for (size_t j = 0; j < i; j++) {
				json_t *prev = json_array_get(arr, j);
				const char *pt = json_is_object(prev) ? json_string_value(json_object_get(prev, "action")) : NULL;
				if (pt && strcmp(pt, target) == 0)
					badref(ld, p, "action", "'%.80s' is cross-referenced twice", target);
			}
		}
		if (ld->pass == P_WRITE_LATE && writing(ld))
			wrote(ld, ep_db_action_xref_add(ld->db, id, to, note, (int64_t)i + 1, ld->werr));
	}
	if (ld->pass == P_WRITE_LATE && predecessor && writing(ld)) {
		struct ref r;
		wrote(ld, ep_db_action_predecessor_set(ld->db, id, action_ref(ld, predecessor, &r, path, "predecessor"),
						       ld->werr));
	}
}

static void walk_oap(struct ld *ld, json_t *o, const char *path)
{
	known_keys(ld, o, path, OAP_KEYS);
	size_t before = nerrs(ld);
	const char *cycle = get_str(ld, o, path, "cycle");
	const char *prio = get_str(ld, o, path, "priority");
	bool has_first;
	ep_oap oap = {
		.first_year = get_int(ld, o, path, "first_year", 0, &has_first),
		.revision = get_int(ld, o, path, "revision", 0, NULL),
		.title = get_str(ld, o, path, "title"),
		.status = get_str(ld, o, path, "status"),
		.classification = get_class(ld, o, path),
		.marking = get_marking(ld, o, path),
	};
	oap.last_year = get_int(ld, o, path, "last_year", oap.first_year, NULL);
	if (!oap.status)
		oap.status = "drafting";
	const char *driver = get_str(ld, o, path, "driver");
	if (ld->pass == P_REGISTER) {
		if (!cycle)
			bad(ld, path, "cycle", "is required");
		if (!prio)
			bad(ld, path, "priority", "is required");
		if (!has_first)
			bad(ld, path, "first_year", "is required");
	}
	if (!cycle || !prio)
		return;
	char key[KEY_MAX_LEN];
	oap_key(key, sizeof key, cycle, prio, oap.first_year, oap.revision);
	const ep_cycle *crec = NULL;
	int64_t cycle_id = 0, priority_id = 0, id = 0;
	if (ld->pass == P_REGISTER) {
		size_t mark = nerrs(ld);
		cycle_id = cycle_ref(ld, cycle, &crec, path, "cycle");
		if (nerrs(ld) == before && mark == nerrs(ld))
			ep_rule_oap(ld->rules, &oap, crec, path, ld->errs);
		if (declare(ld, &ld->oaps, key, -1, path, NULL, "OAP") && cycle_id > 0 &&
		    ep_db_priority_id(ld->db, cycle_id, prio, &priority_id, NULL) == EP_OK &&
		    ep_db_oap_id(ld->db, priority_id, oap.first_year, oap.revision, &id, NULL) == EP_OK)
			bad(ld, path, NULL, "OAP '%s' already exists in the database", key);
		id = 0;
	} else {
		cycle_id = cycle_ref(ld, cycle, &crec, path, "cycle");
		priority_id = priority_ref(ld, cycle, cycle_id, prio, path, "priority");
		if (ld->pass == P_REFS)
			org_ref(ld, driver, path, "driver");
		if (ld->pass == P_WRITE && writing(ld)) {
			oap.priority_id = priority_id;
			if (!wrote(ld, ep_db_oap_insert(ld->db, &oap, &id, ld->werr)))
				return;
			put(ld, &ld->oaps, key, id);
			ld->stats->oaps++;
			if (driver)
				wrote(ld, ep_db_oap_driver_add(ld->db, id, org_ref(ld, driver, path, "driver"), "driver", 1,
							       ld->werr));
		} else if (ld->pass == P_WRITE_LATE) {
			ep_map_get(&ld->oaps, key, &id);
		}
	}
	struct oapctx oc = {key, cycle, prio, cycle_id, priority_id, id, &oap};
	if (ld->pass != P_WRITE_LATE) {
		walk_org_list(ld, o, path, "co_drivers", id, ep_db_oap_driver_add, "co_driver", driver);
		json_t *arr = get_arr(ld, o, path, "sections");
		char p[PATH_MAX_LEN];
		for (size_t i = 0; arr && i < json_array_size(arr); i++) {
			SUBPATH(p, "%s.sections[%zu]", path, i);
			json_t *x = elem_obj(ld, arr, i, p);
			if (x)
				walk_section(ld, x, p, &oc, (int64_t)i + 1);
		}
	}
	json_t *arr = get_arr(ld, o, path, "actions");
	char p[PATH_MAX_LEN];
	for (size_t i = 0; arr && i < json_array_size(arr); i++) {
		SUBPATH(p, "%s.actions[%zu]", path, i);
		json_t *x = elem_obj(ld, arr, i, p);
		if (x)
			walk_action(ld, x, p, &oc, (int64_t)i + 1);
	}
}

/* ---- Council documents ---- */

static const char *const DOC_KEYS[] = {"number", "suffix", "date", "language", "kind", "from", "to", "subject",
				       "subject_codes", "previous_documents", "classification", "marking", "initials",
				       "directorate", "pages", "cycle", "oap", "parent", "new_status", "passages",
				       "redactions", NULL};
static const char *const PASSAGE_KEYS[] = {"key", "heading", "text", "inline", "classification", "marking",
					   "footnotes", NULL};
static const char *const REDACTION_KEYS[] = {"passage", "section", "decision", "reason", NULL};

static void doc_key(char *out, size_t n, const char *number, const char *suffix)
{
	fmt(out, n, "%s%s%s", number, suffix && suffix[0] ? " " : "", suffix ? suffix : "");
}

/*
 * A parent document found in the database rather than in the file is filed like one of the
 * file's (its date, the OAP it carries, whether it is an EXT), with which of its passages and of
 * its OAP's sections hold their text, so that an EXT document of it gets the same checks (date,
 * number, targets of the redaction map, nothing released whose text empact does not hold) as
 * one whose parent is in the same file. Done in REFS, where those checks run.
 */
struct dbparent {
	struct ld *ld;
	int64_t id, oap_id;
	const char *pkey; /* the parent reference as written: the passages' key prefix */
	struct fdoc f;
	bool found;
};

static char *ld_strdup(struct ld *ld, const char *s)
{
	char *d = s ? ep_arena_strdup(ld->arena, s) : NULL;
	if (s && !d)
		oom(ld);
	return d;
}

static int dbparent_doc(void *ctx, const ep_document_row *r)
{
	struct dbparent *p = ctx;
	if (r->doc.id != p->id)
		return 0;
	p->found = true;
	p->oap_id = r->doc.oap_id;
	p->f.date = ld_strdup(p->ld, r->doc.date);
	p->f.ext = r->doc.suffix && strncmp(r->doc.suffix, "EXT ", 4) == 0;
	if (r->oap_cycle && r->oap_priority) {
		char key[KEY_MAX_LEN];
		oap_key(key, sizeof key, r->oap_cycle, r->oap_priority, r->oap_first_year, r->oap_revision);
		p->f.oap = ld_strdup(p->ld, key);
	}
	return 0;
}

static int dbparent_passage(void *ctx, const ep_passage *ps)
{
	struct dbparent *p = ctx;
	char key[KEY_MAX_LEN];
	fmt(key, sizeof key, "%s#%s", p->pkey, ps->key);
	put(p->ld, &p->ld->passages, key, ps->text ? 1 : 2);
	return 0;
}

static int dbparent_section(void *ctx, const ep_section *s)
{
	struct dbparent *p = ctx;
	char key[KEY_MAX_LEN];
	fmt(key, sizeof key, "%s#%s", p->f.oap, s->number);
	put(p->ld, &p->ld->sections, key, s->text ? 1 : 2);
	return 0;
}

static void file_db_parent(struct ld *ld, const char *pkey, int64_t id, const char *path)
{
	struct dbparent p = {.ld = ld, .id = id, .pkey = pkey};
	ep_err e;
	ep_status s = ep_db_documents_each(ld->db, 0, dbparent_doc, &p, &e);
	if (s == EP_OK && p.found)
		s = ep_db_passages_each(ld->db, id, dbparent_passage, &p, &e);
	if (s == EP_OK && p.found && p.oap_id > 0 && p.f.oap)
		s = ep_db_sections_each(ld->db, p.oap_id, dbparent_section, &p, &e);
	if (s != EP_OK) {
		ep_errs_add(ld->errs, s, path, "%s", e.msg);
		return;
	}
	if (!p.found)
		return;
	file_doc(ld, pkey, p.f);
}

/* A parent reference "NUMBER" or "NUMBER SUFFIX" as the map key it is filed under. */
static void walk_passages(struct ld *ld, json_t *o, const char *path, const char *dkey, const ep_document *d,
			  int64_t doc_id)
{
	json_t *arr = get_arr(ld, o, path, "passages");
	char p[PATH_MAX_LEN];
	for (size_t i = 0; arr && i < json_array_size(arr); i++) {
		SUBPATH(p, "%s.passages[%zu]", path, i);
		json_t *x = elem_obj(ld, arr, i, p);
		if (!x)
			continue;
		known_keys(ld, x, p, PASSAGE_KEYS);
		size_t before = nerrs(ld);
		ep_passage ps = {
			.document_id = doc_id,
			.position = (int64_t)i + 1,
			.key = get_str(ld, x, p, "key"),
			.heading = get_str(ld, x, p, "heading"),
			.text = get_str(ld, x, p, "text"),
			.inline_ = get_bool(ld, x, p, "inline"),
			.classification = get_class(ld, x, p),
			.marking = get_marking(ld, x, p),
		};
		int64_t id = 0;
		if (ld->pass == P_REGISTER) {
			if (nerrs(ld) == before)
				ep_rule_passage(ld->rules, &ps, d, i == 0, p, ld->errs);
			if (ps.key) {
				char key[KEY_MAX_LEN];
				fmt(key, sizeof key, "%s#%s", dkey, ps.key);
				declare(ld, &ld->passages, key, ps.text ? 1 : 2, p, "key", "passage");
			}
		} else if (ld->pass == P_WRITE && writing(ld)) {
			if (!wrote(ld, ep_db_passage_insert(ld->db, &ps, &id, ld->werr)))
				continue;
		}
		walk_footnotes(ld, x, p, EP_OWNER_PASSAGE, id, ps.text, NULL);
	}
}

static void walk_redactions(struct ld *ld, json_t *o, const char *path, int64_t doc_id, const char *parent,
			    int64_t parent_id)
{
	json_t *arr = get_arr(ld, o, path, "redactions");
	char p[PATH_MAX_LEN];
	int64_t pidx = -1;
	const struct fdoc *pf = parent && ep_map_get(&ld->doc_idx, parent, &pidx) ? &ld->fdocs[pidx] : NULL;
	for (size_t i = 0; arr && i < json_array_size(arr); i++) {
		SUBPATH(p, "%s.redactions[%zu]", path, i);
		json_t *x = elem_obj(ld, arr, i, p);
		if (!x)
			continue;
		known_keys(ld, x, p, REDACTION_KEYS);
		ep_redaction r = {
			.document_id = doc_id,
			.position = (int64_t)i + 1,
			.passage_key = get_str(ld, x, p, "passage"),
			.section_number = get_str(ld, x, p, "section"),
			.decision = get_str(ld, x, p, "decision"),
			.reason = get_str(ld, x, p, "reason"),
		};
		if (ld->pass == P_REGISTER) {
			for (size_t j = 0; j < i; j++) {
				json_t *prev = json_array_get(arr, j);
				const char *pp = json_string_value(json_object_get(prev, "passage"));
				const char *prs = json_string_value(json_object_get(prev, "section"));
				if ((r.passage_key && pp && strcmp(pp, r.passage_key) == 0) ||
				    (r.section_number && prs && strcmp(prs, r.section_number) == 0))
					bad(ld, p, NULL, "decides on the same %s twice", r.passage_key ? "passage" : "section");
			}
		} else if (ld->pass == P_REFS && parent) {
			/* The target must exist in the parent (or in the OAP the parent carries). When the
			 * parent is in the database rather than the file, its passages are checked there. */
			bool held = true;
			int64_t flag = 0;
			char key[KEY_MAX_LEN];
			if (r.passage_key) {
				fmt(key, sizeof key, "%s#%s", parent, r.passage_key);
				if (ep_map_get(&ld->passages, key, &flag))
					held = flag == 1;
				else if (!pf && parent_id > 0 &&
					 ep_db_passage_exists(ld->db, parent_id, r.passage_key, NULL) == EP_OK)
					held = true;
				else
					badref(ld, p, "passage", "the parent document %s has no passage '%.40s'", parent,
					       r.passage_key);
			} else if (r.section_number) {
				if (pf && pf->oap) {
					fmt(key, sizeof key, "%s#%s", pf->oap, r.section_number);
					if (ep_map_get(&ld->sections, key, &flag))
						held = flag == 1;
					else
						badref(ld, p, "section", "the OAP %s of the parent document has no section '%.32s'",
						       pf->oap, r.section_number);
				} else if (pf) {
					badref(ld, p, "section", "the parent document %s carries no OAP", parent);
				}
			}
			ep_rule_redaction(&r, held, p, ld->errs);
		} else if (ld->pass == P_WRITE && writing(ld)) {
			wrote(ld, ep_db_redaction_insert(ld->db, &r, ld->werr));
		}
	}
}

/* wave: in WRITE, 0 writes documents without a parent, 1 those with one. */
static void walk_document(struct ld *ld, json_t *o, const char *path, int wave)
{
	known_keys(ld, o, path, DOC_KEYS);
	size_t before = nerrs(ld);
	ep_document d = {
		.number = get_str(ld, o, path, "number"),
		.suffix = get_str(ld, o, path, "suffix"),
		.date = get_str(ld, o, path, "date"),
		.language = get_str(ld, o, path, "language"),
		.kind = get_str(ld, o, path, "kind"),
		.from = get_str(ld, o, path, "from"),
		.to = get_str(ld, o, path, "to"),
		.subject = get_str(ld, o, path, "subject"),
		.initials = get_str(ld, o, path, "initials"),
		.directorate = get_str(ld, o, path, "directorate"),
		.new_status = get_str(ld, o, path, "new_status"),
		.classification = get_class(ld, o, path),
		.marking = get_marking(ld, o, path),
		.pages = get_int(ld, o, path, "pages", 0, NULL),
	};
	if (!d.suffix)
		d.suffix = "";
	const char *cycle = get_str(ld, o, path, "cycle");
	const char *oap = get_str(ld, o, path, "oap");
	const char *parent = get_str(ld, o, path, "parent");
	if (!d.number) {
		bad(ld, path, "number", "is required");
		return;
	}
	if (ld->pass == P_WRITE && (wave == 0) != (parent == NULL))
		return;
	char key[KEY_MAX_LEN];
	doc_key(key, sizeof key, d.number, d.suffix);
	d.cycle_id = cycle ? 1 : 0; /* only for the "not both" rule until resolved */
	d.oap_id = oap ? 1 : 0;
	int64_t id = 0, parent_id = 0;
	if (ld->pass == P_REGISTER) {
		if (nerrs(ld) == before)
			ep_rule_document(ld->rules, &d, parent != NULL, path, ld->errs);
		if (declare(ld, &ld->docs, key, -1, path, "number", "document")) {
			if (ep_db_document_id(ld->db, d.number, d.suffix, &id, NULL) == EP_OK)
				bad(ld, path, "number", "document '%s' already exists in the database", key);
			file_doc(ld, key, (struct fdoc){d.date, oap, strncmp(d.suffix, "EXT ", 4) == 0});
		}
		/* subject codes and previous documents */
		json_t *arr = get_arr(ld, o, path, "subject_codes");
		char p[PATH_MAX_LEN];
		for (size_t i = 0; arr && i < json_array_size(arr); i++) {
			SUBPATH(p, "%s.subject_codes[%zu]", path, i);
			const char *c = elem_str(ld, arr, i, p);
			if (c && !ep_rule_is_subject_code(c))
				bad(ld, p, NULL, "'%.40s' is not a subject code such as JAI 988", c);
		}
		arr = get_arr(ld, o, path, "previous_documents");
		for (size_t i = 0; arr && i < json_array_size(arr); i++) {
			SUBPATH(p, "%s.previous_documents[%zu]", path, i);
			const char *c = elem_str(ld, arr, i, p);
			if (c)
				ep_rule_text(ld->errs, p, NULL, c, true, 128);
		}
	} else {
		const ep_cycle *crec;
		d.cycle_id = cycle ? cycle_ref(ld, cycle, &crec, path, "cycle") : 0;
		d.oap_id = oap ? oap_ref(ld, oap, path, "oap") : 0;
		if (parent) {
			char pkey[KEY_MAX_LEN];
			fmt(pkey, sizeof pkey, "%s", parent);
			int64_t idx;
			if (!ep_map_get(&ld->docs, pkey, &parent_id)) {
				/* "NUMBER" or "NUMBER SUFFIX" in the database */
				char num[64] = "";
				const char *sp = strchr(parent, ' ');
				size_t nlen = sp ? (size_t)(sp - parent) : strlen(parent);
				if (nlen < sizeof num) {
					memcpy(num, parent, nlen);
					num[nlen] = '\0';
				}
				if (ep_db_document_id(ld->db, num, sp ? sp + 1 : "", &parent_id, NULL) == EP_OK) {
					put(ld, &ld->docs, pkey, parent_id);
					if (ld->pass == P_REFS)
						file_db_parent(ld, pkey, parent_id, path);
				} else {
					badref(ld, path, "parent", "no document '%.64s' in the file or the database", parent);
				}
			}
			if (ld->pass == P_REFS && ep_map_get(&ld->doc_idx, pkey, &idx)) {
				const struct fdoc *pf = &ld->fdocs[idx];
				if (pf->ext)
					badref(ld, path, "parent", "'%.64s' is itself an EXT document", parent);
				if (pf->date && d.date && strcmp(d.date, pf->date) < 0)
					badref(ld, path, "date", "%s is before the date of the parent document (%s)", d.date,
					       pf->date);
				if (strncmp(parent, d.number, strlen(d.number)) != 0)
					badref(ld, path, "parent", "an EXT document keeps its parent's number, %s is not %s",
					       d.number, parent);
			}
		}
		d.parent_id = parent_id;
		if (ld->pass == P_WRITE && writing(ld)) {
			/* An EXT document is issued frozen: it is the record of a release decision. */
			d.frozen = strncmp(d.suffix, "EXT ", 4) == 0;
			if (!wrote(ld, ep_db_document_insert(ld->db, &d, &id, ld->werr)))
				return;
			put(ld, &ld->docs, key, id);
			ld->stats->documents++;
			json_t *arr = get_arr(ld, o, path, "subject_codes");
			for (size_t i = 0; arr && i < json_array_size(arr) && writing(ld); i++)
				wrote(ld, ep_db_document_code_add(ld->db, id, json_string_value(json_array_get(arr, i)),
								  (int64_t)i + 1, ld->werr));
			arr = get_arr(ld, o, path, "previous_documents");
			for (size_t i = 0; arr && i < json_array_size(arr) && writing(ld); i++)
				wrote(ld, ep_db_document_previous_add(ld->db, id, json_string_value(json_array_get(arr, i)),
								      (int64_t)i + 1, ld->werr));
		}
	}
	walk_passages(ld, o, path, key, &d, id);
	if (ld->pass == P_REGISTER && !parent && json_object_get(o, "redactions") &&
	    json_array_size(json_object_get(o, "redactions")))
		bad(ld, path, "redactions", "only an EXT document has a redaction map");
	walk_redactions(ld, o, path, id, parent, parent_id);
}

/* ---- the file ---- */

static const char *const TOP_KEYS[] = {"format", "organisations", "cycles", "oaps", "documents", NULL};

static void walk_list(struct ld *ld, json_t *root, const char *key, void (*fn)(struct ld *, json_t *, const char *))
{
	json_t *arr = get_arr(ld, root, "$", key);
	char p[PATH_MAX_LEN];
	for (size_t i = 0; arr && i < json_array_size(arr); i++) {
		SUBPATH(p, "$.%s[%zu]", key, i);
		json_t *x = elem_obj(ld, arr, i, p);
		if (x)
			fn(ld, x, p);
	}
}

static void walk_documents(struct ld *ld, json_t *root)
{
	json_t *arr = get_arr(ld, root, "$", "documents");
	char p[PATH_MAX_LEN];
	for (int wave = 0; wave < (ld->pass == P_WRITE ? 2 : 1); wave++) {
		for (size_t i = 0; arr && i < json_array_size(arr); i++) {
			SUBPATH(p, "$.documents[%zu]", i);
			json_t *x = elem_obj(ld, arr, i, p);
			if (x)
				walk_document(ld, x, p, wave);
		}
	}
}

static void walk_file(struct ld *ld, json_t *root)
{
	known_keys(ld, root, "$", TOP_KEYS);
	if (ld->pass != P_WRITE_LATE) {
		walk_list(ld, root, "organisations", walk_org);
		walk_list(ld, root, "cycles", walk_cycle);
	}
	walk_list(ld, root, "oaps", walk_oap);
	if (ld->pass != P_WRITE_LATE)
		walk_documents(ld, root);
}

/* Checks the format marker: a dataset of another format is refused as a whole. */
static bool check_format(json_t *root, ep_errs *errs)
{
	json_t *f = json_object_get(root, "format");
	if (!f) {
		ep_errs_add(errs, EP_E_INVALID, "$.format", "is required: this file does not say it is an empact dataset (\"format\": \"%s\")",
			    EP_DATASET_FORMAT);
		return false;
	}
	if (!json_is_string(f)) {
		ep_errs_add(errs, EP_E_INVALID, "$.format", "must be the text \"%s\"", EP_DATASET_FORMAT);
		return false;
	}
	const char *s = json_string_value(f);
	if (strcmp(s, EP_DATASET_FORMAT) == 0)
		return true;
	const char *prefix = "empact-dataset/";
	int64_t v;
	if (strncmp(s, prefix, strlen(prefix)) == 0 && ep_parse_i64z(s + strlen(prefix), 2, 1000000, &v) == EP_OK)
		ep_errs_add(errs, EP_E_INVALID, "$.format",
			    "'%.40s' is a newer dataset format than this empact reads (%s): use a newer empact", s,
			    EP_DATASET_FORMAT);
	else
		ep_errs_add(errs, EP_E_INVALID, "$.format", "'%.40s' is not a dataset format empact knows (%s)", s,
			    EP_DATASET_FORMAT);
	return false;
}

ep_status ep_svc_dataset_load(ep_db *db, const ep_rules *rules, const char *data, size_t len, ep_errs *errs,
			      ep_load_stats *stats, ep_err *err)
{
	ep_load_stats dummy;
	if (!stats)
		stats = &dummy;
	memset(stats, 0, sizeof *stats);
	if (len > EP_DATASET_MAX_BYTES) {
		ep_errs_add(errs, EP_E_LIMIT, "$", "the file is %zu bytes, more than the %zu a dataset may have", len,
			    EP_DATASET_MAX_BYTES);
		return EP_E_INVALID;
	}
	json_error_t jerr;
	json_t *root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		bool utf8 = json_error_code(&jerr) == json_error_invalid_utf8;
		ep_errs_add(errs, EP_E_INVALID, "$", "not valid JSON at line %d, column %d: %s%s", jerr.line, jerr.column,
			    jerr.text, utf8 ? " (the file is not valid UTF-8 text)" : "");
		return EP_E_INVALID;
	}
	if (!json_is_object(root)) {
		ep_errs_add(errs, EP_E_INVALID, "$", "a dataset is a JSON object, not %s", type_name(root));
		json_decref(root);
		return EP_E_INVALID;
	}
	if (!check_format(root, errs)) {
		json_decref(root);
		return EP_E_INVALID;
	}

	struct ld ld = {.db = db, .rules = rules, .errs = errs, .stats = stats, .werr = err};
	ld.arena = ep_arena_new(0);
	ep_map *maps[] = {&ld.orgs, &ld.cycles, &ld.priorities, &ld.goals, &ld.oaps, &ld.actions,
			  &ld.docs, &ld.sections, &ld.passages, &ld.cycle_idx, &ld.doc_idx};
	for (size_t i = 0; i < sizeof maps / sizeof maps[0]; i++)
		ep_map_init(maps[i]);
	ep_status s = EP_OK;
	if (!ld.arena) {
		s = ep_err_set(err, EP_E_INTERNAL, NULL, "out of memory");
		goto done;
	}

	ld.pass = P_REGISTER;
	walk_file(&ld, root);
	ld.pass = P_REFS;
	walk_file(&ld, root);
	if (ld.wst != EP_OK) {
		s = ld.wst;
		goto done;
	}
	if (ep_errs_count(errs) > 0) {
		s = EP_E_INVALID;
		goto done;
	}

	if ((s = ep_db_begin(db, err)) != EP_OK)
		goto done;
	ld.pass = P_WRITE;
	walk_file(&ld, root);
	ld.pass = P_WRITE_LATE;
	walk_file(&ld, root);
	s = ld.wst;
	if (s == EP_OK)
		s = ep_db_commit(db, err);
	if (s != EP_OK) {
		ep_db_rollback(db);
		memset(stats, 0, sizeof *stats);
	}

done:
	for (size_t i = 0; i < sizeof maps / sizeof maps[0]; i++)
		ep_map_release(maps[i]);
	free(ld.fcycles);
	free(ld.fdocs);
	ep_arena_free(ld.arena);
	json_decref(root);
	return s;
}
