/*
 * Exporting a dataset (docs/dataset.md) in the canonical layout of ep_jsonw: top-level lists
 * sorted by their keys, nested lists in their stored order, optional fields omitted when they
 * are empty. A dataset that was loaded from an export therefore exports to the same bytes.
 *
 * The per-action lists (leaders, participants, goals, cross-references, KPIs) are read for a
 * whole OAP at once into arrays, in action order, and merged while the actions stream out, so
 * that the cost grows with the number of rows, not with the number of queries.
 */
#include "svc/svc_dataset.h"

#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/jsonw.h"
#include "core/banned.h"

struct ex {
	ep_db *db;
	ep_jsonw *w;
	ep_err *err;
	ep_status st;
	ep_arena *arena; /* per OAP */
};

static void key_str(ep_jsonw *w, const char *k, const char *v)
{
	if (v) {
		ep_jsonw_key(w, k);
		ep_jsonw_str(w, v);
	}
}

static void key_int(ep_jsonw *w, const char *k, int64_t v)
{
	ep_jsonw_key(w, k);
	ep_jsonw_int(w, v);
}

static void key_class(ep_jsonw *w, ep_class c, ep_marking m)
{
	ep_jsonw_key(w, "classification");
	ep_jsonw_str(w, ep_class_token(c));
	ep_jsonw_key(w, "marking");
	ep_jsonw_str(w, ep_marking_token(m));
}

/* ---- small lists ---- */

struct pairs {
	const char **a, **b;
	size_t n, cap;
	ep_arena *arena;
};

static int collect_pair(void *ctx, const char *a, const char *b)
{
	struct pairs *p = ctx;
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 8;
		const char **na = ep_arena_array(p->arena, cap, sizeof *na);
		const char **nb = ep_arena_array(p->arena, cap, sizeof *nb);
		if (!na || !nb)
			return 1;
		if (p->n) {
			memcpy(na, p->a, p->n * sizeof *na);
			memcpy(nb, p->b, p->n * sizeof *nb);
		}
		p->a = na;
		p->b = nb;
		p->cap = cap;
	}
	p->a[p->n] = a ? ep_arena_strdup(p->arena, a) : NULL;
	p->b[p->n] = b ? ep_arena_strdup(p->arena, b) : NULL;
	p->n++;
	return 0;
}

static bool pairs_get(struct ex *x, ep_pairs kind, int64_t owner, struct pairs *p)
{
	memset(p, 0, sizeof *p);
	p->arena = x->arena;
	if (x->st != EP_OK)
		return false;
	x->st = ep_db_pairs_each(x->db, kind, owner, collect_pair, p, x->err);
	return x->st == EP_OK;
}

/* Writes "key": [a...] for the rows whose b equals role (or all rows when role is NULL). */
static void write_codes(struct ex *x, const char *key, const struct pairs *p, const char *role)
{
	size_t n = 0;
	for (size_t i = 0; i < p->n; i++)
		n += !role || (p->b[i] && strcmp(p->b[i], role) == 0);
	if (!n)
		return;
	ep_jsonw_key(x->w, key);
	ep_jsonw_arr_begin(x->w);
	for (size_t i = 0; i < p->n; i++)
		if (!role || (p->b[i] && strcmp(p->b[i], role) == 0))
			ep_jsonw_str(x->w, p->a[i]);
	ep_jsonw_arr_end(x->w);
}

static const char *first_with(const struct pairs *p, const char *role)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->b[i] && strcmp(p->b[i], role) == 0)
			return p->a[i];
	return NULL;
}

/* ---- footnotes ---- */

struct fnctx {
	struct ex *x;
	size_t n;
};

static int write_footnote(void *ctx, const ep_footnote *f)
{
	struct fnctx *c = ctx;
	ep_jsonw *w = c->x->w;
	if (c->n++ == 0) {
		ep_jsonw_key(w, "footnotes");
		ep_jsonw_arr_begin(w);
	}
	ep_jsonw_obj_begin(w);
	key_str(w, "anchor", f->anchor);
	key_str(w, "text", f->text);
	ep_jsonw_obj_end(w);
	return 0;
}

static void write_footnotes(struct ex *x, ep_owner owner, int64_t id)
{
	struct fnctx c = {x, 0};
	if (x->st != EP_OK)
		return;
	x->st = ep_db_footnotes_each(x->db, owner, id, write_footnote, &c, x->err);
	if (c.n)
		ep_jsonw_arr_end(x->w);
}

/* ---- organisations ---- */

static int write_org(void *ctx, const ep_org *o)
{
	ep_jsonw *w = ((struct ex *)ctx)->w;
	ep_jsonw_obj_begin(w);
	key_str(w, "code", o->code);
	key_str(w, "kind", o->kind);
	key_str(w, "name", o->name);
	key_str(w, "country", o->country);
	key_str(w, "discipline", o->discipline);
	ep_jsonw_obj_end(w);
	return 0;
}

/* ---- cycles ---- */

static int write_goal(void *ctx, const ep_goal *g)
{
	struct ex *x = ctx;
	ep_jsonw *w = x->w;
	ep_jsonw_obj_begin(w);
	key_int(w, "number", g->number);
	key_str(w, "group", g->subgroup);
	key_str(w, "text", g->text);
	/* The goal's strings are needed no further, so the nested query may run now. */
	int64_t id = g->id;
	write_footnotes(x, EP_OWNER_GOAL, id);
	ep_jsonw_obj_end(w);
	return x->st != EP_OK;
}

static int write_priority(void *ctx, const ep_priority *p)
{
	struct ex *x = ctx;
	ep_jsonw *w = x->w;
	ep_jsonw_obj_begin(w);
	key_str(w, "code", p->code);
	key_str(w, "short_name", p->short_name);
	key_str(w, "aim", p->aim);
	int64_t id = p->id;
	struct pairs d, a;
	if (pairs_get(x, EP_PAIRS_PRIORITY_DRIVERS, id, &d) && pairs_get(x, EP_PAIRS_PRIORITY_AGENCIES, id, &a)) {
		key_str(w, "driver", first_with(&d, "driver"));
		write_codes(x, "co_drivers", &d, "co_driver");
		write_codes(x, "supporting_agencies", &a, NULL);
	}
	if (x->st == EP_OK) {
		ep_jsonw_key(w, "goals");
		ep_jsonw_arr_begin(w);
		x->st = ep_db_goals_each(x->db, id, write_goal, x, x->err);
		ep_jsonw_arr_end(w);
	}
	ep_jsonw_obj_end(w);
	return x->st != EP_OK;
}

static int write_shared_goal(void *ctx, const ep_shared_goal *g)
{
	struct ex *x = ctx;
	ep_jsonw *w = x->w;
	ep_jsonw_obj_begin(w);
	key_int(w, "number", g->number);
	key_str(w, "text", g->text);
	key_str(w, "scope", g->scope);
	if (g->horizontal) {
		ep_jsonw_key(w, "horizontal");
		ep_jsonw_bool(w, true);
	}
	int64_t id = g->id;
	struct pairs p;
	if (pairs_get(x, EP_PAIRS_SHARED_GOAL_PRIORITIES, id, &p))
		write_codes(x, "priorities", &p, NULL);
	write_footnotes(x, EP_OWNER_SHARED_GOAL, id);
	ep_jsonw_obj_end(w);
	return x->st != EP_OK;
}

/* Cycles are collected first: their rows' strings would not survive the nested queries. */
struct cycles {
	ep_cycle *c;
	size_t n, cap;
	ep_arena *arena;
};

static int collect_cycle(void *ctx, const ep_cycle *c)
{
	struct cycles *cs = ctx;
	if (cs->n == cs->cap) {
		size_t cap = cs->cap ? cs->cap * 2 : 8;
		ep_cycle *nc = ep_arena_array(cs->arena, cap, sizeof *nc);
		if (!nc)
			return 1;
		if (cs->n)
			memcpy(nc, cs->c, cs->n * sizeof *nc);
		cs->c = nc;
		cs->cap = cap;
	}
	ep_cycle *d = &cs->c[cs->n++];
	*d = *c;
	const char **s[] = {&d->label, &d->threat_assessment, &d->priorities_document, &d->status};
	for (size_t i = 0; i < 4; i++)
		if (*s[i] && !(*s[i] = ep_arena_strdup(cs->arena, *s[i])))
			return 1;
	return 0;
}

static void write_cycle(struct ex *x, const ep_cycle *c)
{
	ep_jsonw *w = x->w;
	ep_jsonw_obj_begin(w);
	key_str(w, "label", c->label);
	key_int(w, "first_year", c->first_year);
	key_int(w, "last_year", c->last_year);
	key_int(w, "oap_period_years", c->oap_period_years);
	key_str(w, "threat_assessment", c->threat_assessment);
	key_str(w, "priorities_document", c->priorities_document);
	key_str(w, "status", c->status);
	if (x->st == EP_OK) {
		ep_jsonw_key(w, "priorities");
		ep_jsonw_arr_begin(w);
		x->st = ep_db_priorities_each(x->db, c->id, write_priority, x, x->err);
		ep_jsonw_arr_end(w);
	}
	if (x->st == EP_OK) {
		ep_jsonw_key(w, "shared_goals");
		ep_jsonw_arr_begin(w);
		x->st = ep_db_shared_goals_each(x->db, c->id, write_shared_goal, x, x->err);
		ep_jsonw_arr_end(w);
	}
	ep_jsonw_obj_end(w);
}

/* ---- OAPs ---- */

static int write_section(void *ctx, const ep_section *s)
{
	struct ex *x = ctx;
	ep_jsonw *w = x->w;
	ep_jsonw_obj_begin(w);
	key_str(w, "number", s->number);
	key_str(w, "heading", s->heading);
	key_class(w, s->classification, s->marking);
	ep_jsonw_key(w, "text");
	ep_jsonw_str(w, s->text); /* null says empact does not hold the text */
	int64_t id = s->id;
	write_footnotes(x, EP_OWNER_SECTION, id);
	ep_jsonw_obj_end(w);
	return x->st != EP_OK;
}

/* The links of every action of one OAP, in action order. */
struct links {
	ep_action_link *v;
	size_t n, cap, at; /* at: the merge cursor */
	ep_arena *arena;
};

static int collect_link(void *ctx, const ep_action_link *l)
{
	struct links *ls = ctx;
	if (ls->n == ls->cap) {
		size_t cap = ls->cap ? ls->cap * 2 : 64;
		ep_action_link *nv = realloc(ls->v, cap * sizeof *nv);
		if (!nv)
			return 1;
		ls->v = nv;
		ls->cap = cap;
	}
	ep_action_link *d = &ls->v[ls->n++];
	*d = *l;
	const char **s[] = {&d->a, &d->b, &d->cycle, &d->priority};
	for (size_t i = 0; i < 4; i++)
		if (*s[i] && !(*s[i] = ep_arena_strdup(ls->arena, *s[i])))
			return 1;
	return 0;
}

struct kpis {
	ep_kpi *v;
	size_t n, cap, at;
	ep_arena *arena;
};

static int collect_kpi(void *ctx, const ep_kpi *k)
{
	struct kpis *ks = ctx;
	if (ks->n == ks->cap) {
		size_t cap = ks->cap ? ks->cap * 2 : 64;
		ep_kpi *nv = realloc(ks->v, cap * sizeof *nv);
		if (!nv)
			return 1;
		ks->v = nv;
		ks->cap = cap;
	}
	ep_kpi *d = &ks->v[ks->n++];
	*d = *k;
	const char **s[] = {&d->name, &d->unit, &d->direction, &d->aggregation};
	for (size_t i = 0; i < 4; i++)
		if (*s[i] && !(*s[i] = ep_arena_strdup(ks->arena, *s[i])))
			return 1;
	return 0;
}

struct oapex {
	struct ex *x;
	struct links leaders, participants, goals, xrefs, preds;
	struct kpis kpis;
};

static void ref_text(char *out, size_t n, const ep_action_link *l)
{
	if (l->revision)
		snprintf(out, n, "%s/%s/%lld/r%lld/%s", l->cycle, l->priority, (long long)l->first_year,
			 (long long)l->revision, l->a);
	else
		snprintf(out, n, "%s/%s/%lld/%s", l->cycle, l->priority, (long long)l->first_year, l->a);
}

/* Moves the cursor of ls to the rows of action id; returns how many there are. */
static size_t rows_for(struct links *ls, int64_t id)
{
	size_t n = 0;
	while (ls->at + n < ls->n && ls->v[ls->at + n].action_id == id)
		n++;
	return n;
}

static int write_action(void *ctx, const ep_action *a)
{
	struct oapex *o = ctx;
	ep_jsonw *w = o->x->w;
	char ref[512];
	ep_jsonw_obj_begin(w);
	key_str(w, "number", a->number);
	key_str(w, "title", a->title);
	key_str(w, "description", a->description);
	key_str(w, "what", a->what);
	key_str(w, "when", a->when_text);
	key_str(w, "where", a->where_text);
	key_str(w, "who", a->who);
	key_str(w, "how", a->how);
	key_str(w, "documentation_ref", a->documentation_ref);

	size_t n = rows_for(&o->leaders, a->id);
	for (size_t i = 0; i < n; i++)
		if (strcmp(o->leaders.v[o->leaders.at + i].b, "leader") == 0)
			key_str(w, "leader", o->leaders.v[o->leaders.at + i].a);
	size_t co = 0;
	for (size_t i = 0; i < n; i++) {
		const ep_action_link *l = &o->leaders.v[o->leaders.at + i];
		if (strcmp(l->b, "co_leader") != 0)
			continue;
		if (co++ == 0) {
			ep_jsonw_key(w, "co_leaders");
			ep_jsonw_arr_begin(w);
		}
		ep_jsonw_str(w, l->a);
	}
	if (co)
		ep_jsonw_arr_end(w);
	o->leaders.at += n;

	n = rows_for(&o->participants, a->id);
	if (n) {
		ep_jsonw_key(w, "participants");
		ep_jsonw_arr_begin(w);
		for (size_t i = 0; i < n; i++) {
			const ep_action_link *l = &o->participants.v[o->participants.at + i];
			ep_jsonw_obj_begin(w);
			key_str(w, "org", l->a);
			key_str(w, "status", l->b);
			ep_jsonw_obj_end(w);
		}
		ep_jsonw_arr_end(w);
		o->participants.at += n;
	}

	n = rows_for(&o->goals, a->id);
	if (n) {
		ep_jsonw_key(w, "goals");
		ep_jsonw_arr_begin(w);
		for (size_t i = 0; i < n; i++)
			ep_jsonw_int(w, o->goals.v[o->goals.at + i].n);
		ep_jsonw_arr_end(w);
		o->goals.at += n;
	}

	key_str(w, "start_date", a->start_date);
	key_str(w, "end_date", a->end_date);
	if (a->possible_jad) {
		ep_jsonw_key(w, "possible_jad");
		ep_jsonw_bool(w, true);
	}

	n = rows_for(&o->xrefs, a->id);
	if (n) {
		ep_jsonw_key(w, "cross_references");
		ep_jsonw_arr_begin(w);
		for (size_t i = 0; i < n; i++) {
			const ep_action_link *l = &o->xrefs.v[o->xrefs.at + i];
			ref_text(ref, sizeof ref, l);
			ep_jsonw_obj_begin(w);
			key_str(w, "action", ref);
			key_str(w, "note", l->b);
			ep_jsonw_obj_end(w);
		}
		ep_jsonw_arr_end(w);
		o->xrefs.at += n;
	}

	n = rows_for(&o->preds, a->id);
	if (n) {
		ref_text(ref, sizeof ref, &o->preds.v[o->preds.at]);
		key_str(w, "predecessor", ref);
		o->preds.at += n;
	}

	size_t k0 = o->kpis.at, nk = 0;
	while (k0 + nk < o->kpis.n && o->kpis.v[k0 + nk].owner_id == a->id)
		nk++;
	if (nk) {
		ep_jsonw_key(w, "kpis");
		ep_jsonw_arr_begin(w);
		for (size_t i = 0; i < nk; i++) {
			const ep_kpi *k = &o->kpis.v[k0 + i];
			ep_jsonw_obj_begin(w);
			key_str(w, "name", k->name);
			key_str(w, "unit", k->unit);
			if (k->has_baseline) {
				ep_jsonw_key(w, "baseline");
				ep_jsonw_num(w, k->baseline);
			}
			ep_jsonw_key(w, "target");
			ep_jsonw_num(w, k->target);
			key_str(w, "direction", k->direction);
			ep_jsonw_obj_end(w);
		}
		ep_jsonw_arr_end(w);
		o->kpis.at += nk;
	}

	if (a->has_budget)
		key_int(w, "budget_cents", a->budget_cents);
	key_str(w, "status", a->status);
	key_class(w, a->classification, a->marking);
	ep_jsonw_obj_end(w);
	return w->status != EP_OK;
}

struct oaps {
	ep_oap_row *v;
	size_t n, cap;
	ep_arena *arena;
};

static int collect_oap(void *ctx, const ep_oap_row *r)
{
	struct oaps *os = ctx;
	if (os->n == os->cap) {
		size_t cap = os->cap ? os->cap * 2 : 16;
		ep_oap_row *nv = ep_arena_array(os->arena, cap, sizeof *nv);
		if (!nv)
			return 1;
		if (os->n)
			memcpy(nv, os->v, os->n * sizeof *nv);
		os->v = nv;
		os->cap = cap;
	}
	ep_oap_row *d = &os->v[os->n++];
	*d = *r;
	const char **s[] = {&d->oap.title, &d->oap.status, &d->cycle_label, &d->priority_code};
	for (size_t i = 0; i < 4; i++)
		if (*s[i] && !(*s[i] = ep_arena_strdup(os->arena, *s[i])))
			return 1;
	return 0;
}

static void write_oap(struct ex *x, const ep_oap_row *r)
{
	ep_jsonw *w = x->w;
	const ep_oap *o = &r->oap;
	ep_jsonw_obj_begin(w);
	key_str(w, "cycle", r->cycle_label);
	key_str(w, "priority", r->priority_code);
	key_int(w, "first_year", o->first_year);
	key_int(w, "last_year", o->last_year);
	key_int(w, "revision", o->revision);
	key_str(w, "title", o->title);
	key_str(w, "status", o->status);
	key_class(w, o->classification, o->marking);
	struct pairs d;
	if (pairs_get(x, EP_PAIRS_OAP_DRIVERS, o->id, &d)) {
		key_str(w, "driver", first_with(&d, "driver"));
		write_codes(x, "co_drivers", &d, "co_driver");
	}
	if (x->st == EP_OK) {
		ep_jsonw_key(w, "sections");
		ep_jsonw_arr_begin(w);
		x->st = ep_db_sections_each(x->db, o->id, write_section, x, x->err);
		ep_jsonw_arr_end(w);
	}
	struct oapex oe = {.x = x};
	struct links *ls[] = {&oe.leaders, &oe.participants, &oe.goals, &oe.xrefs, &oe.preds};
	ep_action_links kinds[] = {EP_LINKS_LEADERS, EP_LINKS_PARTICIPANTS, EP_LINKS_GOALS, EP_LINKS_XREFS,
				   EP_LINKS_PREDECESSOR};
	for (size_t i = 0; i < 5 && x->st == EP_OK; i++) {
		ls[i]->arena = x->arena;
		x->st = ep_db_action_links_each(x->db, kinds[i], o->id, collect_link, ls[i], x->err);
	}
	oe.kpis.arena = x->arena;
	if (x->st == EP_OK)
		x->st = ep_db_action_kpis_each(x->db, o->id, collect_kpi, &oe.kpis, x->err);
	if (x->st == EP_OK) {
		ep_jsonw_key(w, "actions");
		ep_jsonw_arr_begin(w);
		x->st = ep_db_actions_each(x->db, o->id, write_action, &oe, x->err);
		ep_jsonw_arr_end(w);
	}
	for (size_t i = 0; i < 5; i++)
		free(ls[i]->v);
	free(oe.kpis.v);
	ep_jsonw_obj_end(w);
}

/* ---- documents ---- */

static int write_passage(void *ctx, const ep_passage *p)
{
	struct ex *x = ctx;
	ep_jsonw *w = x->w;
	ep_jsonw_obj_begin(w);
	key_str(w, "key", p->key);
	key_str(w, "heading", p->heading);
	ep_jsonw_key(w, "text");
	ep_jsonw_str(w, p->text);
	if (p->inline_) {
		ep_jsonw_key(w, "inline");
		ep_jsonw_bool(w, true);
	}
	key_class(w, p->classification, p->marking);
	int64_t id = p->id;
	write_footnotes(x, EP_OWNER_PASSAGE, id);
	ep_jsonw_obj_end(w);
	return x->st != EP_OK;
}

static int write_redaction(void *ctx, const ep_redaction *r)
{
	ep_jsonw *w = ((struct ex *)ctx)->w;
	ep_jsonw_obj_begin(w);
	key_str(w, "passage", r->passage_key);
	key_str(w, "section", r->section_number);
	key_str(w, "decision", r->decision);
	key_str(w, "reason", r->reason);
	ep_jsonw_obj_end(w);
	return 0;
}

struct docs {
	ep_document_row *v;
	size_t n, cap;
	ep_arena *arena;
};

static int collect_doc(void *ctx, const ep_document_row *r)
{
	struct docs *ds = ctx;
	if (ds->n == ds->cap) {
		size_t cap = ds->cap ? ds->cap * 2 : 16;
		ep_document_row *nv = ep_arena_array(ds->arena, cap, sizeof *nv);
		if (!nv)
			return 1;
		if (ds->n)
			memcpy(nv, ds->v, ds->n * sizeof *nv);
		ds->v = nv;
		ds->cap = cap;
	}
	ep_document_row *d = &ds->v[ds->n++];
	*d = *r;
	const char **s[] = {&d->doc.number,	 &d->doc.suffix,      &d->doc.date,	     &d->doc.language,
			    &d->doc.kind,	 &d->doc.from,	      &d->doc.to,	     &d->doc.subject,
			    &d->doc.initials,	 &d->doc.directorate, &d->doc.new_status,    &d->cycle_label,
			    &d->oap_cycle,	 &d->oap_priority,    &d->parent_number,     &d->parent_suffix};
	for (size_t i = 0; i < sizeof s / sizeof s[0]; i++)
		if (*s[i] && !(*s[i] = ep_arena_strdup(ds->arena, *s[i])))
			return 1;
	return 0;
}

static void write_document(struct ex *x, const ep_document_row *r)
{
	ep_jsonw *w = x->w;
	const ep_document *d = &r->doc;
	char ref[256];
	ep_jsonw_obj_begin(w);
	key_str(w, "number", d->number);
	key_str(w, "suffix", d->suffix);
	key_str(w, "date", d->date);
	key_str(w, "language", d->language);
	key_str(w, "kind", d->kind);
	key_str(w, "from", d->from);
	key_str(w, "to", d->to);
	key_str(w, "subject", d->subject);
	struct pairs codes, prev;
	if (pairs_get(x, EP_PAIRS_DOCUMENT_CODES, d->id, &codes) &&
	    pairs_get(x, EP_PAIRS_DOCUMENT_PREVIOUS, d->id, &prev)) {
		write_codes(x, "subject_codes", &codes, NULL);
		write_codes(x, "previous_documents", &prev, NULL);
	}
	key_class(w, d->classification, d->marking);
	key_str(w, "initials", d->initials);
	key_str(w, "directorate", d->directorate);
	if (d->pages)
		key_int(w, "pages", d->pages);
	key_str(w, "cycle", r->cycle_label);
	if (r->oap_cycle) {
		if (r->oap_revision)
			snprintf(ref, sizeof ref, "%s/%s/%lld/r%lld", r->oap_cycle, r->oap_priority,
				 (long long)r->oap_first_year, (long long)r->oap_revision);
		else
			snprintf(ref, sizeof ref, "%s/%s/%lld", r->oap_cycle, r->oap_priority,
				 (long long)r->oap_first_year);
		key_str(w, "oap", ref);
	}
	if (r->parent_number) {
		snprintf(ref, sizeof ref, "%s%s%s", r->parent_number, r->parent_suffix[0] ? " " : "", r->parent_suffix);
		key_str(w, "parent", ref);
	}
	key_str(w, "new_status", d->new_status);
	if (x->st == EP_OK) {
		ep_jsonw_key(w, "passages");
		ep_jsonw_arr_begin(w);
		x->st = ep_db_passages_each(x->db, d->id, write_passage, x, x->err);
		ep_jsonw_arr_end(w);
	}
	if (x->st == EP_OK && r->parent_number) {
		ep_jsonw_key(w, "redactions");
		ep_jsonw_arr_begin(w);
		x->st = ep_db_redactions_each(x->db, d->id, write_redaction, x, x->err);
		ep_jsonw_arr_end(w);
	}
	ep_jsonw_obj_end(w);
}

/* ---- the file ---- */

ep_status ep_svc_dataset_export(ep_db *db, const char *cycle_label, FILE *out, ep_err *err)
{
	ep_jsonw w;
	ep_jsonw_init(&w, out, 0);
	ep_arena *arena = ep_arena_new(0);
	struct ex x = {db, &w, err, EP_OK, arena};
	int64_t cycle_id = 0;
	if (!arena) {
		ep_jsonw_release(&w);
		return ep_err_set(err, EP_E_INTERNAL, NULL, "out of memory");
	}
	if (cycle_label) {
		ep_cycle c;
		x.st = ep_db_cycle_find(db, cycle_label, arena, &c, err);
		if (x.st != EP_OK)
			goto done;
		cycle_id = c.id;
	}

	ep_jsonw_obj_begin(&w);
	ep_jsonw_key(&w, "format");
	ep_jsonw_str(&w, EP_DATASET_FORMAT);

	ep_jsonw_key(&w, "organisations");
	ep_jsonw_arr_begin(&w);
	x.st = cycle_id ? ep_db_orgs_of_cycle_each(db, cycle_id, write_org, &x, err)
			: ep_db_orgs_each(db, write_org, &x, err);
	ep_jsonw_arr_end(&w);

	struct cycles cs = {.arena = arena};
	if (x.st == EP_OK)
		x.st = ep_db_cycles_each(db, cycle_id, collect_cycle, &cs, err);
	ep_jsonw_key(&w, "cycles");
	ep_jsonw_arr_begin(&w);
	for (size_t i = 0; i < cs.n && x.st == EP_OK; i++)
		write_cycle(&x, &cs.c[i]);
	ep_jsonw_arr_end(&w);

	struct oaps os = {.arena = arena};
	if (x.st == EP_OK)
		x.st = ep_db_oaps_each(db, cycle_id, collect_oap, &os, err);
	ep_jsonw_key(&w, "oaps");
	ep_jsonw_arr_begin(&w);
	for (size_t i = 0; i < os.n && x.st == EP_OK; i++) {
		/* Each OAP's per-action lists live in an arena of their own. */
		x.arena = ep_arena_new(0);
		if (!x.arena) {
			x.st = ep_err_set(err, EP_E_INTERNAL, NULL, "out of memory");
			break;
		}
		write_oap(&x, &os.v[i]);
		ep_arena_free(x.arena);
		x.arena = arena;
	}
	ep_jsonw_arr_end(&w);

	struct docs ds = {.arena = arena};
	if (x.st == EP_OK)
		x.st = ep_db_documents_each(db, cycle_id, collect_doc, &ds, err);
	ep_jsonw_key(&w, "documents");
	ep_jsonw_arr_begin(&w);
	for (size_t i = 0; i < ds.n && x.st == EP_OK; i++)
		write_document(&x, &ds.v[i]);
	ep_jsonw_arr_end(&w);
	ep_jsonw_obj_end(&w);

	if (x.st == EP_OK && ep_jsonw_finish(&w) != EP_OK)
		x.st = ep_err_set(err, EP_E_INTERNAL, NULL, "cannot write the export (disk full or output closed?)");
done:
	ep_jsonw_release(&w);
	ep_arena_free(arena);
	return x.st;
}
