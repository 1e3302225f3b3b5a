/*
 * The block-tree builder: from a source (a dataset in the layout of docs/dataset.md, and which
 * document of it to build; or a roll-up's tables) to the tree of a Council document. The source
 * is untrusted: a member of the wrong type is an error naming it, a missing one is left out,
 * and nothing is assumed about sizes beyond the arena's cap. Each block gets the
 * classification and marking of the record its text comes from; the furniture built from the
 * document record (date line, number, subject codes) is public, as it is on a Council cover.
 */
#include <ctype.h>
#include <string.h>

#include "core/classif.h"
#include "docs/doc.h"

#include "core/banned.h"

/* The classification of what the caller may not read at all: above every release level. */
#define HIDDEN_CLS 99

typedef struct bld {
	ep_doc *d;
	ep_err *err;
	json_t *ds;    /* the dataset */
	json_t *cycle;      /* the cycle of the goals note being built */
	bool ext;           /* building the original inside a declassified version */
	json_t *redactions; /* that version's redaction map (NULL: it names nothing) */
	ep_ddecision list_dec; /* how a list announced by a passage is decided: as the passage */
	ep_status st;
} bld;

/* ---- reading the source ---- */

static bool fail(bld *b, ep_status s, const char *field, const char *msg)
{
	if (b->st == EP_OK)
		b->st = ep_err_set(b->err, s, field, "%s", msg);
	return false;
}

static bool oom(bld *b)
{
	return fail(b, EP_E_LIMIT, NULL, "the document is too large to build");
}

/* The string member k of o: NULL if absent or null; a wrong type is an error. */
static const char *str(bld *b, json_t *o, const char *k)
{
	json_t *v = json_is_object(o) ? json_object_get(o, k) : NULL;
	if (!v || json_is_null(v))
		return NULL;
	if (!json_is_string(v)) {
		fail(b, EP_E_INVALID, k, "must be a string");
		return NULL;
	}
	return json_string_value(v);
}

static json_t *arr(bld *b, json_t *o, const char *k)
{
	json_t *v = json_is_object(o) ? json_object_get(o, k) : NULL;
	if (!v || json_is_null(v))
		return NULL;
	if (!json_is_array(v)) {
		fail(b, EP_E_INVALID, k, "must be an array");
		return NULL;
	}
	return v;
}

static json_t *obj(bld *b, json_t *o, const char *k)
{
	json_t *v = json_is_object(o) ? json_object_get(o, k) : NULL;
	if (!v || json_is_null(v))
		return NULL;
	if (!json_is_object(v)) {
		fail(b, EP_E_INVALID, k, "must be an object");
		return NULL;
	}
	return v;
}

static long long num(bld *b, json_t *o, const char *k, long long dflt)
{
	json_t *v = json_is_object(o) ? json_object_get(o, k) : NULL;
	if (!v || json_is_null(v))
		return dflt;
	if (!json_is_integer(v)) {
		fail(b, EP_E_INVALID, k, "must be an integer");
		return dflt;
	}
	return json_integer_value(v);
}

/* The classification and marking of a record; "hidden": true (set by the service layer for a
 * record the caller may not read) puts it above every release level. */
static void class_of(bld *b, json_t *o, int *cls, int *limite)
{
	ep_class c = EP_CLASS_UNCLASSIFIED;
	ep_marking m = EP_MARK_NONE;
	const char *ct = str(b, o, "classification"), *mt = str(b, o, "marking");
	if (ct && ep_class_parse(ct, &c) != EP_OK)
		fail(b, EP_E_INVALID, "classification", "is not a classification level");
	if (mt && ep_marking_parse(mt, &m) != EP_OK)
		fail(b, EP_E_INVALID, "marking", "is not a distribution marking");
	*cls = (int)c;
	*limite = m == EP_MARK_LIMITE;
	json_t *h = json_is_object(o) ? json_object_get(o, "hidden") : NULL;
	if (json_is_true(h))
		*cls = HIDDEN_CLS;
}

/* ---- making nodes ---- */

static ep_dnode *node(bld *b, ep_dnode *parent, ep_dkind kind, const char *text)
{
	ep_dnode *n = ep_doc_node(b->d, kind, text);
	if (!n) {
		oom(b);
		return NULL;
	}
	return ep_doc_append(parent, n);
}

static ep_dnode *meta(bld *b, ep_dnode *parent, const char *label, const char *text)
{
	ep_dnode *n = node(b, parent, EP_D_META, text);
	if (n)
		n->label = label;
	return n;
}

static char *checked(bld *b, char *s)
{
	if (!s)
		oom(b);
	return s;
}

/* printf into the document's arena; out of room is the build's error. */
#define APRINTF(b, ...) checked((b), ep_arena_printf((b)->d->arena, __VA_ARGS__))

/* Footnotes [{anchor, text}] of a record onto node n. */
static void notes(bld *b, ep_dnode *n, json_t *rec)
{
	json_t *fa = arr(b, rec, "footnotes");
	size_t count = fa ? json_array_size(fa) : 0;
	if (!n || count == 0)
		return;
	ep_dnote *v = ep_arena_array(b->d->arena, count, sizeof *v);
	if (!v) {
		oom(b);
		return;
	}
	size_t k = 0;
	for (size_t i = 0; i < count; i++) {
		json_t *f = json_array_get(fa, i);
		const char *t = str(b, f, "text");
		if (!t)
			continue;
		const char *an = str(b, f, "anchor");
		v[k].anchor = an ? ep_arena_strdup(b->d->arena, an) : NULL;
		v[k].text = ep_arena_strdup(b->d->arena, t);
		if (!v[k].text || (an && !v[k].anchor)) {
			oom(b);
			return;
		}
		k++;
	}
	n->notes = v;
	n->nnotes = k;
}

/* Footnotes whose anchor is in one of the blocks made from a section's text go on that block;
 * the rest on the last block. */
static void notes_spread(bld *b, ep_dnode *first, json_t *rec)
{
	json_t *fa = arr(b, rec, "footnotes");
	if (!first || !fa)
		return;
	for (size_t i = 0; i < json_array_size(fa); i++) {
		json_t *f = json_array_get(fa, i);
		const char *an = str(b, f, "anchor"), *t = str(b, f, "text");
		if (!t)
			continue;
		ep_dnode *target = NULL, *last = NULL;
		for (ep_dnode *n = first; n; n = n->next) {
			ep_dnode *holder = n->kind == EP_D_PARA ? n->first : n->kind == EP_D_LIST ? n->first : n;
			for (ep_dnode *h = holder; h; h = h->next) {
				last = h;
				if (!target && an && h->text && strstr(h->text, an))
					target = h;
			}
		}
		if (!target)
			target = last;
		if (!target)
			return;
		ep_dnote *v = ep_arena_array(b->d->arena, target->nnotes + 1, sizeof *v);
		if (!v) {
			oom(b);
			return;
		}
		if (target->nnotes)
			memcpy(v, target->notes, target->nnotes * sizeof *v);
		v[target->nnotes].anchor = an ? ep_arena_strdup(b->d->arena, an) : NULL;
		v[target->nnotes].text = ep_arena_strdup(b->d->arena, t);
		target->notes = v;
		target->nnotes++;
	}
}

static void set_class(ep_dnode *n, int cls, int limite, ep_ddecision dec)
{
	if (!n)
		return;
	n->cls = cls;
	n->limite = limite;
	n->decision = dec;
}

/* A text with blank-line paragraphs and "- " list lines, as blocks appended to parent; returns
 * the first block made. Every block gets the classification of the record. */
static ep_dnode *text_blocks(bld *b, ep_dnode *parent, const char *text, int cls, int limite, ep_ddecision dec)
{
	ep_dnode *first = NULL;
	const char *p = text;
	ep_dnode *list = NULL;
	while (p && *p && b->st == EP_OK) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		const char *next = e ? e + 1 : p + len;
		/* Trim the line. */
		const char *s = p;
		size_t n = len;
		while (n && isspace((unsigned char)*s)) {
			s++;
			n--;
		}
		while (n && isspace((unsigned char)s[n - 1]))
			n--;
		if (n == 0) {
			list = NULL;
		} else if (n >= 2 && (s[0] == '-' || s[0] == '*') && s[1] == ' ') {
			if (!list) {
				list = node(b, parent, EP_D_LIST, NULL);
				set_class(list, cls, limite, dec);
				if (!first)
					first = list;
			}
			char *t = ep_arena_strndup(b->d->arena, s + 2, n - 2);
			ep_dnode *it = t ? node(b, list, EP_D_ITEM, NULL) : NULL;
			if (!it)
				return oom(b), first;
			it->text = t;
			set_class(it, cls, limite, dec);
		} else {
			list = NULL;
			ep_dnode *para = node(b, parent, EP_D_PARA, NULL);
			char *t = ep_arena_strndup(b->d->arena, s, n);
			ep_dnode *run = t && para ? node(b, para, EP_D_RUN, NULL) : NULL;
			if (!run)
				return oom(b), first;
			run->text = t;
			set_class(para, cls, limite, dec);
			set_class(run, cls, limite, dec);
			if (!first)
				first = para;
		}
		p = next;
	}
	return first;
}

/* ---- the redaction map of a declassified version ---- */

static ep_ddecision decided(bld *b, const char *member, const char *key)
{
	if (!b->ext)
		return EP_DD_LEVEL;
	for (size_t i = 0; key && i < json_array_size(b->redactions); i++) {
		json_t *r = json_array_get(b->redactions, i);
		const char *k = str(b, r, member), *dec = str(b, r, "decision");
		if (!k || !dec || strcmp(k, key) != 0)
			continue;
		if (strcmp(dec, "released") == 0)
			return EP_DD_RELEASED;
		if (strcmp(dec, "not_declassified") == 0)
			return EP_DD_NOT_DECLASSIFIED;
		return EP_DD_DELETED;
	}
	/* What the map does not name was not released. */
	return EP_DD_DELETED;
}

/* ---- parts ---- */

static json_t *find(bld *b, const char *list, const char *k1, const char *v1, const char *k2, const char *v2)
{
	json_t *a = arr(b, b->ds, list);
	for (size_t i = 0; a && i < json_array_size(a); i++) {
		json_t *o = json_array_get(a, i);
		const char *x = str(b, o, k1), *y = k2 ? str(b, o, k2) : NULL;
		if (x && v1 && strcmp(x, v1) == 0 && (!k2 || (y ? strcmp(y, v2 ? v2 : "") == 0 : !v2 || !*v2)))
			return o;
	}
	return NULL;
}

static const char *full_number(bld *b, json_t *doc)
{
	const char *nu = str(b, doc, "number"), *sx = str(b, doc, "suffix");
	if (!nu)
		return "";
	/* Always a copy: the document outlives its source. */
	if (!sx || !*sx)
		return APRINTF(b, "%s", nu);
	return APRINTF(b, "%s %s", nu, sx);
}

static void dateline(bld *b, ep_dnode *part, json_t *doc)
{
	char date[64];
	ep_doc_date_long(str(b, doc, "date"), date, sizeof date);
	const char *lang = str(b, doc, "language");
	char up[16] = "en";
	if (lang) {
		size_t i = 0;
		for (; lang[i] && i + 1 < sizeof up; i++)
			up[i] = (char)tolower((unsigned char)lang[i]);
		up[i] = '\0';
	}
	/* The Council's document template changed in 2016: before, the first page was headed
	 * "COUNCIL OF THE EUROPEAN UNION" and the date line had no original language. */
	const char *iso = str(b, doc, "date");
	bool old = iso && strlen(iso) >= 4 && strncmp(iso, "2016", 4) < 0;
	char line[160];
	if (old) {
		node(b, part, EP_D_TITLE, "COUNCIL OF");
		node(b, part, EP_D_TITLE, "THE EUROPEAN UNION");
		snprintf(line, sizeof line, "Brussels, %s", date);
	} else {
		snprintf(line, sizeof line, "Brussels, %s (OR. %s)", date, up);
	}
	node(b, part, EP_D_DATELINE, line);
}

static void codes(bld *b, ep_dnode *part, json_t *doc)
{
	json_t *a = arr(b, doc, "subject_codes");
	if (!a || json_array_size(a) == 0)
		return;
	ep_dnode *c = node(b, part, EP_D_CODES, NULL);
	for (size_t i = 0; c && i < json_array_size(a); i++) {
		json_t *v = json_array_get(a, i);
		if (json_is_string(v))
			node(b, c, EP_D_LINE, json_string_value(v));
	}
}

static void marking_line(bld *b, ep_dnode *part, json_t *doc)
{
	int cls = 0, lim = 0;
	class_of(b, doc, &cls, &lim);
	if (cls > 0 && cls <= EP_CLASS_TRES_SECRET)
		node(b, part, EP_D_MARKING, ep_class_label((ep_class)cls));
	else if (lim)
		node(b, part, EP_D_MARKING, "LIMITE");
}

static const char *join(bld *b, json_t *a, const char *sep)
{
	ep_buf buf;
	ep_buf_init(&buf, 1 << 16);
	for (size_t i = 0; a && i < json_array_size(a); i++) {
		json_t *v = json_array_get(a, i);
		if (!json_is_string(v))
			continue;
		if (buf.len)
			ep_buf_puts(&buf, sep);
		ep_buf_puts(&buf, json_string_value(v));
	}
	char *s = ep_arena_strdup(b->d->arena, ep_buf_str(&buf));
	ep_buf_release(&buf);
	if (!s)
		oom(b);
	return s;
}

/* The passages of a document: a passage with a heading opens a section; an inline passage
 * continues the paragraph before it. lists[] are inserted after the passages that announce
 * them (those ending in ':'), in order. */
typedef void (*list_fn)(bld *b, ep_dnode *parent, int which, int cls, int limite);

static void passages(bld *b, ep_dnode *part, json_t *doc, list_fn lists)
{
	json_t *pa = arr(b, doc, "passages");
	ep_dnode *where = part, *para = NULL;
	int announced = 0;
	for (size_t i = 0; pa && i < json_array_size(pa) && b->st == EP_OK; i++) {
		json_t *p = json_array_get(pa, i);
		int cls = 0, lim = 0;
		class_of(b, p, &cls, &lim);
		const char *key = str(b, p, "key"), *heading = str(b, p, "heading"), *text = str(b, p, "text");
		ep_ddecision dec = decided(b, "passage", key);
		if (heading) {
			where = node(b, part, EP_D_SECTION, heading);
			if (!where)
				return;
			where->level = 1;
			para = NULL;
		}
		json_t *inl = json_object_get(p, "inline");
		bool is_inline = json_is_true(inl) && para;
		if (!is_inline) {
			/* A paragraph of one passage is shown or withheld as that passage (one DELETED). */
			para = node(b, where, EP_D_PARA, NULL);
			set_class(para, cls, lim, dec);
		} else {
			/* Once it holds several, each passage is decided on its own. */
			set_class(para, 0, 0, EP_DD_LEVEL);
		}
		ep_dnode *run = node(b, para, EP_D_RUN, text);
		if (!run)
			return;
		set_class(run, cls, lim, dec);
		run->key = key ? ep_arena_strdup(b->d->arena, key) : NULL;
		notes(b, run, p);
		if (lists && text && *text && text[strlen(text) - 1] == ':') {
			b->list_dec = dec == EP_DD_RELEASED ? EP_DD_RELEASED : EP_DD_LEVEL;
			lists(b, where, announced++, cls, lim);
			para = NULL;
		}
	}
}

static void doc_header(bld *b, ep_dnode *part, json_t *doc)
{
	dateline(b, part, doc);
	node(b, part, EP_D_NUMBER, full_number(b, doc));
	marking_line(b, part, doc);
	codes(b, part, doc);
	const char *kind = str(b, doc, "kind");
	node(b, part, EP_D_KIND, kind ? kind : "NOTE");
	const char *from = str(b, doc, "from"), *to = str(b, doc, "to");
	if (from)
		meta(b, part, "From:", from);
	if (to)
		meta(b, part, "To:", to);
	json_t *prev = arr(b, doc, "previous_documents");
	if (prev && json_array_size(prev))
		meta(b, part, "No. prev. doc.:", join(b, prev, ", "));
	const char *subj = str(b, doc, "subject");
	if (subj)
		meta(b, part, "Subject:", subj);
}

/* ---- the OAP ---- */

static int depth_of(const char *number)
{
	int d = 1;
	for (const char *p = number; p && *p; p++)
		if (*p == '.' && p[1])
			d++;
	return d > 3 ? 3 : d;
}

static const char *org_list(bld *b, json_t *a, bool with_status)
{
	ep_buf buf;
	ep_buf_init(&buf, 1 << 16);
	for (size_t i = 0; a && i < json_array_size(a); i++) {
		json_t *v = json_array_get(a, i);
		const char *s = json_is_string(v) ? json_string_value(v) : str(b, v, "org");
		if (!s)
			continue;
		if (buf.len)
			ep_buf_puts(&buf, ", ");
		ep_buf_puts(&buf, s);
		const char *st = with_status ? str(b, v, "status") : NULL;
		if (st && strcmp(st, "confirmed") != 0)
			ep_buf_printf(&buf, " (%s)", st);
	}
	char *s = ep_arena_strdup(b->d->arena, ep_buf_str(&buf));
	ep_buf_release(&buf);
	if (!s)
		oom(b);
	return s;
}

static void cell(bld *b, ep_dnode *row, const char *text, int cls, int lim)
{
	ep_dnode *c = node(b, row, EP_D_CELL, text ? text : "");
	set_class(c, cls, lim, EP_DD_LEVEL);
}

static void annex(bld *b, ep_dnode *section, json_t *actions, int scls, int slim, ep_ddecision sdec)
{
	ep_dnode *t = node(b, section, EP_D_TABLE, NULL);
	if (!t)
		return;
	t->level = 1;
	set_class(t, scls, slim, sdec);
	static const char *const HEAD[] = {"No.", "Operational action", "Action Leader", "Participants",
		"Strategic goals", "Cross-references", "JAD", "Documentation"};
	ep_dnode *h = node(b, t, EP_D_ROW, NULL);
	set_class(h, scls, slim, sdec);
	for (size_t i = 0; h && i < sizeof HEAD / sizeof HEAD[0]; i++) {
		ep_dnode *c = node(b, h, EP_D_CELL, HEAD[i]);
		set_class(c, scls, slim, sdec);
	}
	for (size_t i = 0; i < json_array_size(actions) && b->st == EP_OK; i++) {
		json_t *a = json_array_get(actions, i);
		int cls = 0, lim = 0;
		class_of(b, a, &cls, &lim);
		/* In a released annex, each row is still shown only at its own level. */
		if (cls < scls)
			cls = scls;
		lim = lim || slim;
		ep_dnode *r = node(b, t, EP_D_ROW, NULL);
		if (!r)
			return;
		set_class(r, cls, lim, sdec == EP_DD_RELEASED ? EP_DD_LEVEL : sdec);
		cell(b, r, str(b, a, "number"), cls, lim);
		cell(b, r, str(b, a, "title"), cls, lim);
		const char *leader = str(b, a, "leader");
		json_t *co = arr(b, a, "co_leaders");
		const char *cos = org_list(b, co, false);
		cell(b, r, cos && *cos ? APRINTF(b, "%s (co-leaders: %s)", leader ? leader : "", cos) : leader, cls, lim);
		cell(b, r, org_list(b, arr(b, a, "participants"), true), cls, lim);
		json_t *g = arr(b, a, "goals");
		ep_buf gb;
		ep_buf_init(&gb, 1 << 12);
		for (size_t k = 0; g && k < json_array_size(g); k++) {
			json_t *v = json_array_get(g, k);
			if (json_is_integer(v))
				ep_buf_printf(&gb, "%s%lld", gb.len ? ", " : "", (long long)json_integer_value(v));
			else if (json_is_string(v))
				ep_buf_printf(&gb, "%s%s", gb.len ? ", " : "", json_string_value(v));
		}
		cell(b, r, ep_arena_strdup(b->d->arena, ep_buf_str(&gb)), cls, lim);
		ep_buf_release(&gb);
		json_t *x = arr(b, a, "cross_references");
		ep_buf xb;
		ep_buf_init(&xb, 1 << 14);
		for (size_t k = 0; x && k < json_array_size(x); k++) {
			const char *ref = str(b, json_array_get(x, k), "action");
			const char *slash = ref ? strrchr(ref, '/') : NULL;
			if (ref)
				ep_buf_printf(&xb, "%s%s", xb.len ? ", " : "", slash ? slash + 1 : ref);
		}
		cell(b, r, ep_arena_strdup(b->d->arena, ep_buf_str(&xb)), cls, lim);
		ep_buf_release(&xb);
		json_t *jad = json_object_get(a, "possible_jad");
		cell(b, r, json_is_true(jad) ? "Yes" : "", cls, lim);
		cell(b, r, str(b, a, "documentation_ref"), cls, lim);
	}
}

static void oap_part(bld *b, json_t *oap, ep_dnode *part)
{
	int ocls = 0, olim = 0;
	class_of(b, oap, &ocls, &olim);
	const char *status = str(b, oap, "status");
	bool draft = !status || strcmp(status, "drafting") == 0 || strcmp(status, "agreed_at_nec") == 0 ||
		strcmp(status, "submitted_to_cosi") == 0;
	node(b, part, EP_D_TITLE, draft ? "Draft Operational Action Plan:" : "Operational Action Plan:");
	const char *title = str(b, oap, "title");
	if (title) {
		char *up = ep_arena_strdup(b->d->arena, title);
		if (!up)
			{
		oom(b);
		return;
	}
		for (char *p = up; *p; p++)
			*p = (char)toupper((unsigned char)*p);
		node(b, part, EP_D_TITLE, up);
	}
	json_t *secs = arr(b, oap, "sections");
	json_t *actions = arr(b, oap, "actions");
	ep_dnode *stack[4] = {part, NULL, NULL, NULL};
	bool annexed = false;
	for (size_t i = 0; secs && i < json_array_size(secs) && b->st == EP_OK; i++) {
		json_t *s = json_array_get(secs, i);
		const char *number = str(b, s, "number"), *heading = str(b, s, "heading");
		json_t *tv = json_object_get(s, "text");
		const char *text = json_is_string(tv) ? json_string_value(tv) : NULL;
		int cls = 0, lim = 0;
		class_of(b, s, &cls, &lim);
		int dep = depth_of(number);
		ep_dnode *parent = NULL;
		for (int k = dep - 1; k >= 0 && !parent; k--)
			parent = stack[k];
		ep_dnode *sec = node(b, parent, EP_D_SECTION, heading ? heading : "");
		if (!sec)
			return;
		sec->label = number ? ep_arena_strdup(b->d->arena, number) : NULL;
		sec->key = sec->label;
		sec->level = dep;
		ep_ddecision dec = decided(b, "section", number);
		set_class(sec, cls, lim, dec);
		/* A section whose text empact does not hold can never be shown, except the annex,
		 * whose content is the table of actions empact does hold. */
		bool is_annex = heading && !annexed && actions && json_array_size(actions) > 0 &&
			strncmp(heading, "Annex", 5) == 0;
		if (!json_is_string(tv) && dec != EP_DD_DELETED && !is_annex)
			sec->decision = EP_DD_NOT_DECLASSIFIED;
		stack[dep] = sec;
		for (int k = dep + 1; k < 4; k++)
			stack[k] = NULL;
		ep_dnode *first = text_blocks(b, sec, text, cls, lim, dec == EP_DD_RELEASED ? EP_DD_RELEASED : EP_DD_LEVEL);
		notes_spread(b, first, s);
		if (heading && !annexed && actions && strncmp(heading, "Annex", 5) == 0) {
			annex(b, sec, actions, cls, lim, dec == EP_DD_RELEASED ? EP_DD_RELEASED : EP_DD_LEVEL);
			annexed = true;
		}
	}
	if (!annexed && actions && json_array_size(actions) > 0) {
		ep_dnode *sec = node(b, part, EP_D_SECTION, "Annex: operational actions");
		if (!sec)
			return;
		sec->level = 1;
		set_class(sec, ocls, olim, b->redactions ? EP_DD_NOT_DECLASSIFIED : EP_DD_LEVEL);
		annex(b, sec, actions, ocls, olim, EP_DD_LEVEL);
	}
}

/* ---- the strategic goals note ---- */

/* How the note names an organisation: the short name its full name ends with in brackets
 * ("European Border and Coast Guard Agency (Frontex)" -> "Frontex"), else its code. */
static const char *org_short(bld *b, const char *code)
{
	json_t *o = find(b, "organisations", "code", code, NULL, NULL);
	const char *name = o ? str(b, o, "name") : NULL;
	size_t n = name ? strlen(name) : 0;
	if (n > 2 && name[n - 1] == ')') {
		const char *open = strrchr(name, '(');
		if (open && open[1] != ')')
			return ep_arena_strndup(b->d->arena, open + 1, (size_t)(name + n - 1 - (open + 1)));
	}
	return code;
}

/* A priority's short name as the note writes it inside a sentence: as given when its first word
 * is capitalised in the priority's aim too (a proper name: "Western Balkans"), else in lower
 * case ("illegal immigration", "container shipments"). */
static const char *short_in_text(bld *b, json_t *p)
{
	const char *sn = str(b, p, "short_name"), *aim = str(b, p, "aim");
	if (!sn || !*sn)
		return "";
	size_t w = strcspn(sn, " ");
	for (const char *q = aim ? strstr(aim, " ") : NULL; q; q = strstr(q + 1, " "))
		if (strncmp(q + 1, sn, w) == 0 && (q[1 + w] == ' ' || q[1 + w] == '\0'))
			return sn;
	char *low = ep_arena_strdup(b->d->arena, sn);
	if (!low)
		return sn;
	low[0] = (char)tolower((unsigned char)low[0]);
	return low;
}

static json_t *cycle_of(bld *b, const char *label)
{
	return find(b, "cycles", "label", label, NULL, NULL);
}

static void goals_lists(bld *b, ep_dnode *parent, int which, int cls, int lim)
{
	json_t *cy = b->cycle;
	json_t *pr = arr(b, cy, "priorities");
	ep_dnode *list = node(b, parent, EP_D_LIST, NULL);
	if (!list)
		return;
	set_class(list, cls, lim, b->list_dec);
	if (which == 0) {
		json_t *sg = arr(b, cy, "shared_goals");
		for (size_t i = 0; sg && i < json_array_size(sg); i++) {
			json_t *g = json_array_get(sg, i);
			const char *t = str(b, g, "text"), *scope = str(b, g, "scope");
			ep_dnode *it = node(b, list, EP_D_ITEM, scope ? APRINTF(b, "%s (%s)", t ? t : "", scope) : t);
			set_class(it, cls, lim, b->list_dec);
			notes(b, it, g);
		}
	} else if (which == 1) {
		for (size_t i = 0; pr && i < json_array_size(pr); i++) {
			json_t *p = json_array_get(pr, i);
			const char *drv = str(b, p, "driver");
			json_t *co = arr(b, p, "co_drivers");
			ep_buf cb;
			ep_buf_init(&cb, 1 << 12);
			for (size_t k = 0; co && k < json_array_size(co); k++) {
				json_t *v = json_array_get(co, k);
				if (json_is_string(v))
					ep_buf_printf(&cb, "%s%s", cb.len ? "/" : "", org_short(b, json_string_value(v)));
			}
			const char *line = cb.len ? ep_arena_printf(b->d->arena, "%s: %s (with %s as co-driver)",
							       str(b, p, "short_name"), drv ? org_short(b, drv) : "",
							       ep_buf_str(&cb))
						  : ep_arena_printf(b->d->arena, "%s: %s", str(b, p, "short_name"),
							       drv ? org_short(b, drv) : "");
			ep_buf_release(&cb);
			ep_dnode *it = node(b, list, EP_D_ITEM, line);
			set_class(it, cls, lim, b->list_dec);
		}
	} else if (which == 2) {
		/* Agencies grouped by the same set of priorities, in order of first appearance. */
		size_t np = pr ? json_array_size(pr) : 0;
		const char *agency[32];
		unsigned long long set[32];
		size_t na = 0;
		for (size_t i = 0; i < np && i < 64; i++) {
			json_t *ag = arr(b, json_array_get(pr, i), "supporting_agencies");
			for (size_t k = 0; ag && k < json_array_size(ag); k++) {
				json_t *v = json_array_get(ag, k);
				if (!json_is_string(v))
					continue;
				size_t j = 0;
				while (j < na && strcmp(agency[j], json_string_value(v)) != 0)
					j++;
				if (j == na) {
					if (na == 32)
						continue;
					agency[na] = json_string_value(v);
					set[na++] = 0;
				}
				set[j] |= 1ULL << i;
			}
		}
		unsigned long long all = np >= 64 ? ~0ULL : (1ULL << np) - 1;
		/* One line per set of priorities, the broadest support first (then the most agencies). */
		size_t group[32], ng = 0, members[32][32], nm[32];
		for (size_t j = 0; j < na; j++) {
			size_t g = 0;
			while (g < ng && set[members[g][0]] != set[j])
				g++;
			if (g == ng) {
				nm[ng] = 0;
				group[ng] = ng;
				ng++;
			}
			members[g][nm[g]++] = j;
		}
		for (size_t x = 1; x < ng; x++) {
			size_t y = x, gx = group[x];
			int px = __builtin_popcountll(set[members[gx][0]]);
			while (y > 0) {
				size_t gy = group[y - 1];
				int py = __builtin_popcountll(set[members[gy][0]]);
				if (py > px || (py == px && nm[gy] >= nm[gx]))
					break;
				group[y] = gy;
				y--;
			}
			group[y] = gx;
		}
		for (size_t gi = 0; gi < ng; gi++) {
			size_t g = group[gi];
			unsigned long long gs = set[members[g][0]];
			ep_buf lb;
			ep_buf_init(&lb, 1 << 12);
			for (size_t m = 0; m < nm[g]; m++)
				ep_buf_printf(&lb, "%s%s", m == 0 ? "" : m + 1 == nm[g] ? " and " : ", ",
					      org_short(b, agency[members[g][m]]));
			if (gs == all && np > 1) {
				ep_buf_puts(&lb, " on all priorities");
			} else {
				ep_buf_puts(&lb, " on ");
				size_t cnt = 0, total = (size_t)__builtin_popcountll(gs);
				for (size_t i = 0; i < np && i < 64; i++)
					if ((gs >> i) & 1) {
						cnt++;
						ep_buf_printf(&lb, "%s%s", cnt == 1 ? "" : cnt == total ? " and " : ", ",
							      short_in_text(b, json_array_get(pr, i)));
					}
			}
			ep_dnode *it = node(b, list, EP_D_ITEM, ep_buf_str(&lb));
			ep_buf_release(&lb);
			set_class(it, cls, lim, b->list_dec);
		}
	}
}

static void goals_part(bld *b, ep_dnode *part, json_t *cy, int cls, int lim)
{
	json_t *pr = arr(b, cy, "priorities");
	for (size_t i = 0; pr && i < json_array_size(pr) && b->st == EP_OK; i++) {
		json_t *p = json_array_get(pr, i);
		const char *code = str(b, p, "code");
		ep_dnode *sec = node(b, part, EP_D_SECTION, APRINTF(b, "PRIORITY %s%s", code ? code : "", ""));
		if (!sec)
			return;
		sec->level = 1;
		/* In a declassified version, a priority is released or not as a section (its code). */
		ep_ddecision dec = decided(b, "section", code);
		set_class(sec, cls, lim, dec);
		sec->key = code ? ep_arena_strdup(b->d->arena, code) : NULL;
		ep_ddecision inner = dec == EP_DD_RELEASED ? EP_DD_RELEASED : EP_DD_LEVEL;
		ep_dnode *para = node(b, sec, EP_D_PARA, NULL);
		ep_dnode *aim = node(b, para, EP_D_RUN, str(b, p, "aim"));
		set_class(para, cls, lim, inner);
		set_class(aim, cls, lim, inner);
		if (aim)
			aim->style = EP_DS_ITALIC;
		json_t *goals = arr(b, p, "goals");
		const char *group = NULL;
		for (size_t k = 0; goals && k < json_array_size(goals) && b->st == EP_OK; k++) {
			json_t *g = json_array_get(goals, k);
			const char *gr = str(b, g, "group");
			if (gr && (!group || strcmp(gr, group) != 0)) {
				ep_dnode *gp = node(b, sec, EP_D_PARA, NULL);
				ep_dnode *gt = node(b, gp, EP_D_RUN, gr);
				set_class(gp, cls, lim, inner);
				set_class(gt, cls, lim, inner);
				if (gt)
					gt->style = EP_DS_BOLD;
			}
			group = gr;
			char label[48];
			snprintf(label, sizeof label, "Goal %lld:", num(b, g, "number", 0));
			ep_dnode *gs = node(b, sec, EP_D_SECTION, label);
			if (!gs)
				return;
			gs->level = 2;
			int gcls = cls, glim = lim;
			json_t *h = json_object_get(g, "hidden");
			/* A goal the caller may not read stays withheld even in a released priority. */
			ep_ddecision gdec = inner;
			if (json_is_true(h)) {
				gcls = HIDDEN_CLS;
				gdec = EP_DD_LEVEL;
			}
			set_class(gs, gcls, glim, gdec);
			ep_dnode *first = text_blocks(b, gs, str(b, g, "text"), gcls, glim, gdec);
			notes_spread(b, first, g);
		}
	}
}

/* ---- roll-ups ---- */

static void rollup(bld *b, json_t *ru)
{
	ep_dnode *part = node(b, b->d->root, EP_D_PART, NULL);
	int cls = 0, lim = 0;
	class_of(b, ru, &cls, &lim);
	const char *title = str(b, ru, "title");
	b->d->title = title ? ep_arena_strdup(b->d->arena, title) : "empact report";
	const char *date = str(b, ru, "date");
	if (date) {
		json_t *dd = json_pack("{s:s}", "date", date);
		if (dd) {
			dateline(b, part, dd);
			json_decref(dd);
		}
	}
	if (cls > 0 && cls <= EP_CLASS_TRES_SECRET)
		node(b, part, EP_D_MARKING, ep_class_label((ep_class)cls));
	else if (lim)
		node(b, part, EP_D_MARKING, "LIMITE");
	node(b, part, EP_D_TITLE, b->d->title);
	json_t *paras = arr(b, ru, "paragraphs");
	for (size_t i = 0; paras && i < json_array_size(paras); i++) {
		json_t *v = json_array_get(paras, i);
		if (json_is_string(v))
			text_blocks(b, part, json_string_value(v), cls, lim, EP_DD_LEVEL);
	}
	json_t *tables = arr(b, ru, "tables");
	for (size_t i = 0; tables && i < json_array_size(tables) && b->st == EP_OK; i++) {
		json_t *t = json_array_get(tables, i);
		ep_dnode *sec = node(b, part, EP_D_SECTION, str(b, t, "title"));
		if (!sec)
			return;
		sec->level = 1;
		set_class(sec, cls, lim, EP_DD_LEVEL);
		json_t *rows0 = arr(b, t, "rows");
		if (!rows0 || json_array_size(rows0) == 0) {
			text_blocks(b, sec, "None.", cls, lim, EP_DD_LEVEL);
			continue;
		}
		ep_dnode *tab = node(b, sec, EP_D_TABLE, NULL);
		if (!tab)
			return;
		tab->level = 1;
		set_class(tab, cls, lim, EP_DD_LEVEL);
		json_t *cols = arr(b, t, "columns"), *rows = arr(b, t, "rows");
		ep_dnode *h = node(b, tab, EP_D_ROW, NULL);
		set_class(h, cls, lim, EP_DD_LEVEL);
		for (size_t c = 0; h && cols && c < json_array_size(cols); c++) {
			json_t *v = json_array_get(cols, c);
			ep_dnode *x = node(b, h, EP_D_CELL, json_is_string(v) ? json_string_value(v) : "");
			set_class(x, cls, lim, EP_DD_LEVEL);
		}
		for (size_t r = 0; rows && r < json_array_size(rows) && b->st == EP_OK; r++) {
			json_t *row = json_array_get(rows, r);
			ep_dnode *rn = node(b, tab, EP_D_ROW, NULL);
			set_class(rn, cls, lim, EP_DD_LEVEL);
			for (size_t c = 0; rn && json_is_array(row) && c < json_array_size(row); c++) {
				json_t *v = json_array_get(row, c);
				char tmp[64];
				const char *txt = "";
				if (json_is_string(v))
					txt = json_string_value(v);
				else if (json_is_integer(v))
					snprintf(tmp, sizeof tmp, "%lld", (long long)json_integer_value(v)), txt = tmp;
				else if (json_is_real(v))
					snprintf(tmp, sizeof tmp, "%.4g", json_real_value(v)), txt = tmp;
				else if (json_is_true(v))
					txt = "yes";
				else if (json_is_false(v))
					txt = "no";
				ep_dnode *x = node(b, rn, EP_D_CELL, txt);
				set_class(x, cls, lim, EP_DD_LEVEL);
			}
		}
	}
}

/* ---- documents ---- */

static json_t *oap_by_ref(bld *b, const char *ref)
{
	/* "cycle/priority/first_year[/revision]" */
	json_t *a = arr(b, b->ds, "oaps");
	for (size_t i = 0; ref && a && i < json_array_size(a); i++) {
		json_t *o = json_array_get(a, i);
		char r[256];
		long long rev = num(b, o, "revision", 0);
		const char *c = str(b, o, "cycle"), *p = str(b, o, "priority");
		long long y = num(b, o, "first_year", 0);
		snprintf(r, sizeof r, "%s/%s/%lld", c ? c : "", p ? p : "", y);
		if (strcmp(r, ref) == 0 && rev == 0)
			return o;
		snprintf(r, sizeof r, "%s/%s/%lld/%lld", c ? c : "", p ? p : "", y, rev);
		if (strcmp(r, ref) == 0)
			return o;
	}
	return NULL;
}

/* The body of a (non-EXT) document: its header and passages, then its OAP or its goals. */
static void document_body(bld *b, json_t *doc)
{
	ep_dnode *part = node(b, b->d->root, EP_D_PART, NULL);
	if (!part)
		return;
	doc_header(b, part, doc);
	const char *cyl = str(b, doc, "cycle");
	json_t *cy = cyl ? cycle_of(b, cyl) : NULL;
	int cls = 0, lim = 0;
	class_of(b, doc, &cls, &lim);
	b->cycle = cy;
	passages(b, part, doc, cy ? goals_lists : NULL);
	if (cy)
		goals_part(b, part, cy, 0, lim);
	json_t *oap = oap_by_ref(b, str(b, doc, "oap"));
	if (oap) {
		ep_dnode *op = node(b, b->d->root, EP_D_PART, NULL);
		if (op)
			oap_part(b, oap, op);
	}
}

static void document(bld *b, json_t *doc)
{
	const char *parent = str(b, doc, "parent");
	b->d->number = full_number(b, doc);
	const char *ini = str(b, doc, "initials"), *dir = str(b, doc, "directorate");
	b->d->initials = ini ? ep_arena_strdup(b->d->arena, ini) : NULL;
	b->d->directorate = dir ? ep_arena_strdup(b->d->arena, dir) : NULL;
	const char *subj = str(b, doc, "subject");
	b->d->title = APRINTF(b, "%s: %s", b->d->number, subj ? subj : "");
	if (!parent) {
		b->d->pages = (int)num(b, doc, "pages", 0);
		document_body(b, doc);
		return;
	}
	json_t *orig = find(b, "documents", "number", parent, "suffix", "");
	if (!orig)
		{
		fail(b, EP_E_INVALID, "parent", "the declassified document's original is not in the source");
		return;
	}
	/* The cover page of the partial declassification. */
	ep_dnode *part = node(b, b->d->root, EP_D_PART, NULL);
	if (!part)
		return;
	dateline(b, part, doc);
	node(b, part, EP_D_NUMBER, b->d->number);
	codes(b, part, doc);
	node(b, part, EP_D_KIND, "PARTIAL DECLASSIFICATION");
	meta(b, part, "of document:", parent);
	char date[64];
	ep_doc_date_long(str(b, orig, "date"), date, sizeof date);
	meta(b, part, "dated:", date);
	const char *ns = str(b, doc, "new_status");
	meta(b, part, "new status:", ns ? ns : "Public");
	if (subj)
		meta(b, part, "Subject:", subj);
	passages(b, part, doc, NULL);
	/* Then the original, as the redaction map releases it. */
	b->ext = true;
	b->redactions = arr(b, doc, "redactions");
	b->d->pages = (int)num(b, orig, "pages", 0);
	document_body(b, orig);
}

ep_status ep_doc_build(ep_arena *a, json_t *src, ep_doc **out, ep_err *err)
{
	*out = NULL;
	if (!json_is_object(src))
		return ep_err_set(err, EP_E_INVALID, NULL, "a document source must be a JSON object");
	ep_doc *d = ep_arena_alloc(a, sizeof *d);
	if (!d)
		return ep_err_set(err, EP_E_LIMIT, NULL, "the document is too large to build");
	d->arena = a;
	d->language = "EN";
	d->root = ep_doc_node(d, EP_D_DOC, NULL);
	if (!d->root)
		return ep_err_set(err, EP_E_LIMIT, NULL, "the document is too large to build");
	bld b = {.d = d, .err = err, .st = EP_OK};
	json_t *ru = obj(&b, src, "rollup");
	b.ds = obj(&b, src, "dataset");
	if (ru) {
		rollup(&b, ru);
	} else if (!b.ds) {
		fail(&b, EP_E_INVALID, "dataset", "a document source needs a dataset or a roll-up");
	} else {
		json_t *sel = obj(&b, src, "document");
		const char *oapref = str(&b, src, "oap"), *cyl = str(&b, src, "cycle");
		if (sel) {
			const char *nu = str(&b, sel, "number"), *sx = str(&b, sel, "suffix");
			json_t *doc = find(&b, "documents", "number", nu, "suffix", sx ? sx : "");
			if (!doc)
				fail(&b, EP_E_NOTFOUND, "document", "the document is not in the source");
			else
				document(&b, doc);
		} else if (oapref) {
			json_t *oap = oap_by_ref(&b, oapref);
			if (!oap) {
				fail(&b, EP_E_NOTFOUND, "oap", "the OAP is not in the source");
			} else {
				ep_dnode *part = node(&b, d->root, EP_D_PART, NULL);
				const char *t = str(&b, oap, "title");
				d->title = APRINTF(&b, "Operational Action Plan: %s%s", t ? t : "", "");
				d->number = "";
				if (part)
					oap_part(&b, oap, part);
			}
		} else if (cyl) {
			json_t *cy = cycle_of(&b, cyl);
			if (!cy) {
				fail(&b, EP_E_NOTFOUND, "cycle", "the cycle is not in the source");
			} else {
				ep_dnode *part = node(&b, d->root, EP_D_PART, NULL);
				d->title = APRINTF(&b, "Strategic goals of the EU crime priorities %s%s", cyl, "");
				d->number = "";
				node(&b, part, EP_D_TITLE, d->title);
				goals_part(&b, part, cy, 0, 0);
			}
		} else {
			fail(&b, EP_E_INVALID, NULL, "a document source names a document, an OAP or a cycle");
		}
	}
	if (b.st != EP_OK)
		return b.st;
	if (!d->title)
		d->title = "empact document";
	if (!d->number)
		d->number = "";
	*out = d;
	return EP_OK;
}
