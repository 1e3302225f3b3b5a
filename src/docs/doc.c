/*
 * The document tree: its nodes, release levels, and the filter that applies a release level or
 * a declassification's redaction map before any renderer sees the tree. The filter is the one
 * place where empact decides what of a Council document is shown; it removes withheld text from
 * the tree itself, so a renderer cannot print it by mistake.
 */
#include "docs/doc.h"

#include <string.h>

#include "core/classif.h"

#include "core/banned.h"

static const struct {
	const char *token;
	ep_release r;
} RELEASES[] = {
	{"public", {0, 0}},
	{"limite", {0, 1}},
	{"restreint_ue", {1, 1}},
	{"confidentiel_ue", {2, 1}},
	{"secret_ue", {3, 1}},
	{"tres_secret_ue", {4, 1}},
};

ep_status ep_release_parse(const char *token, ep_release *out, ep_err *err)
{
	for (size_t i = 0; token && i < sizeof RELEASES / sizeof RELEASES[0]; i++)
		if (strcmp(token, RELEASES[i].token) == 0) {
			*out = RELEASES[i].r;
			return EP_OK;
		}
	return ep_err_set(err, EP_E_INVALID, "release",
		"unknown release level; use public, limite, restreint_ue, confidentiel_ue, secret_ue or tres_secret_ue");
}

const char *ep_release_token(ep_release r)
{
	for (size_t i = 0; i < sizeof RELEASES / sizeof RELEASES[0]; i++)
		if (RELEASES[i].r.cls == r.cls && RELEASES[i].r.limite == r.limite)
			return RELEASES[i].token;
	return "public";
}

bool ep_release_shows(ep_release r, int cls, int limite)
{
	return cls <= r.cls && (!limite || r.limite);
}

static const struct {
	const char *token, *mime;
} FORMATS[] = {
	[EP_DF_TXT] = {"txt", "text/plain; charset=utf-8"},
	[EP_DF_HTML] = {"html", "text/html; charset=utf-8"},
	[EP_DF_PDF] = {"pdf", "application/pdf"},
	[EP_DF_DOCX] = {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
	[EP_DF_XLSX] = {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
};

ep_status ep_dformat_parse(const char *token, ep_dformat *out, ep_err *err)
{
	for (size_t i = 0; token && i < sizeof FORMATS / sizeof FORMATS[0]; i++)
		if (strcmp(token, FORMATS[i].token) == 0) {
			*out = (ep_dformat)i;
			return EP_OK;
		}
	return ep_err_set(err, EP_E_INVALID, "format", "unknown document format; use pdf, docx, xlsx, html or txt");
}

const char *ep_dformat_token(ep_dformat f)
{
	return FORMATS[f].token;
}

const char *ep_dformat_mime(ep_dformat f)
{
	return FORMATS[f].mime;
}

ep_dnode *ep_doc_node(ep_doc *d, ep_dkind kind, const char *text)
{
	ep_dnode *n = ep_arena_alloc(d->arena, sizeof *n);
	if (!n)
		return NULL;
	n->kind = kind;
	if (text && !(n->text = ep_arena_strdup(d->arena, text)))
		return NULL;
	return n;
}

ep_dnode *ep_doc_append(ep_dnode *parent, ep_dnode *child)
{
	if (!parent || !child)
		return child;
	child->next = NULL;
	if (parent->last)
		parent->last->next = child;
	else
		parent->first = child;
	parent->last = child;
	return child;
}

size_t ep_dnote_pos(const char *text, const ep_dnote *note)
{
	size_t len = text ? strlen(text) : 0;
	if (!text || !note->anchor || !*note->anchor)
		return len;
	const char *p = strstr(text, note->anchor);
	return p ? (size_t)(p - text) + strlen(note->anchor) : len;
}

void ep_doc_date_long(const char *iso, char *out, size_t n)
{
	static const char *const MONTHS[] = {"January", "February", "March", "April", "May", "June", "July",
		"August", "September", "October", "November", "December"};
	int y = 0, m = 0, dd = 0;
	if (!iso || n == 0) {
		if (n)
			out[0] = '\0';
		return;
	}
	/* Only "YYYY-MM-DD" exactly; anything else is shown as given. */
	if (strlen(iso) == 10 && iso[4] == '-' && iso[7] == '-') {
		for (int i = 0; i < 10; i++) {
			if (i == 4 || i == 7)
				continue;
			if (iso[i] < '0' || iso[i] > '9')
				goto raw;
		}
		y = (iso[0] - '0') * 1000 + (iso[1] - '0') * 100 + (iso[2] - '0') * 10 + (iso[3] - '0');
		m = (iso[5] - '0') * 10 + (iso[6] - '0');
		dd = (iso[8] - '0') * 10 + (iso[9] - '0');
		if (m >= 1 && m <= 12 && dd >= 1 && dd <= 31) {
			snprintf(out, n, "%d %s %d", dd, MONTHS[m - 1], y);
			return;
		}
	}
raw:
	snprintf(out, n, "%s", iso);
}

/* ---- the filter ---- */

typedef struct filt {
	ep_doc *d;
	ep_err *err;
	int note_no;
} filt;

static bool shows(const filt *f, const ep_dnode *n)
{
	switch (n->decision) {
	case EP_DD_RELEASED:
		return true;
	case EP_DD_DELETED:
	case EP_DD_NOT_DECLASSIFIED:
		return false;
	case EP_DD_LEVEL:
	default:
		return ep_release_shows(f->d->release, n->cls, n->limite);
	}
}

/* Drops everything a withheld node held: its text, its notes and its children. */
static void strip(ep_dnode *n)
{
	n->text = NULL;
	n->notes = NULL;
	n->nnotes = 0;
	n->first = n->last = NULL;
}

static void become_marker(ep_dnode *n, const char *text)
{
	strip(n);
	n->kind = EP_D_MARKER;
	n->text = text;
	n->label = NULL;
	n->style = EP_DS_BOLD;
}

static void note_shown(filt *f, ep_dnode *n)
{
	if (n->cls > f->d->shown_cls)
		f->d->shown_cls = n->cls;
	if (n->limite)
		f->d->shown_limite = 1;
}

/* Kinds whose text is content (and so needs text to be released); the others are furniture
 * built from the record itself (a date line, a number, a section's heading). */
static bool content_kind(ep_dkind k)
{
	return k == EP_D_RUN || k == EP_D_ITEM || k == EP_D_CELL || k == EP_D_META || k == EP_D_TITLE ||
		k == EP_D_LINE;
}

static ep_status filter_node(filt *f, ep_dnode *n);

static ep_status filter_children(filt *f, ep_dnode *n)
{
	for (ep_dnode *c = n->first; c; c = c->next) {
		ep_status s = filter_node(f, c);
		if (s != EP_OK)
			return s;
	}
	return EP_OK;
}

static ep_status filter_node(filt *f, ep_dnode *n)
{
	bool show = shows(f, n);
	/* Content empact does not hold (or the source left out) cannot be shown: it is withheld. */
	if (show && content_kind(n->kind) && !n->text)
		show = false;
	if (n->kind == EP_D_MARKER)
		return EP_OK;
	if (!show) {
		if (n->kind == EP_D_SECTION) {
			/* The heading stays; the content goes. */
			n->first = n->last = NULL;
			n->notes = NULL;
			n->nnotes = 0;
			ep_dnode *m = ep_doc_node(f->d, EP_D_MARKER, NULL);
			if (!m)
				return ep_err_set(f->err, EP_E_LIMIT, NULL, "the document is too large to render");
			m->text = "NOT DECLASSIFIED";
			m->style = EP_DS_BOLD;
			m->key = "withheld-section";
			ep_doc_append(n, m);
			f->d->not_declassified++;
			/* The heading of a withheld section is shown, with the section's own marking off:
			 * a heading is furniture, its classification is the content's. */
			return EP_OK;
		}
		if (n->kind == EP_D_ROW) {
			strip(n);
			ep_dnode *m = ep_doc_node(f->d, EP_D_MARKER, NULL);
			if (!m)
				return ep_err_set(f->err, EP_E_LIMIT, NULL, "the document is too large to render");
			m->text = "DELETED";
			m->style = EP_DS_BOLD;
			ep_doc_append(n, m);
			f->d->deleted++;
			return EP_OK;
		}
		if (n->kind == EP_D_PARA || n->kind == EP_D_RUN || n->kind == EP_D_ITEM || n->kind == EP_D_LIST ||
			n->kind == EP_D_TABLE || n->kind == EP_D_CELL || n->kind == EP_D_META || n->kind == EP_D_TITLE ||
			n->kind == EP_D_LINE) {
			become_marker(n, "DELETED");
			f->d->deleted++;
			return EP_OK;
		}
		/* Furniture (a date line, a number, the codes, a part): kept without text. */
		strip(n);
		return EP_OK;
	}
	/* Released by a declassification: its marking was lifted with it. */
	if ((n->text || n->kind == EP_D_SECTION) && n->decision != EP_DD_RELEASED)
		note_shown(f, n);
	for (size_t i = 0; i < n->nnotes; i++)
		n->notes[i].number = ++f->note_no;
	return filter_children(f, n);
}

static bool withheld_section(const ep_dnode *n)
{
	return n->kind == EP_D_SECTION && n->first && n->first == n->last && n->first->kind == EP_D_MARKER &&
		n->first->key && strcmp(n->first->key, "withheld-section") == 0;
}

/* Withheld top-level sections that run to the end of the last part (and every subsection of the
 * last shown one after them) collapse into the tail marker. */
static ep_status collapse_tail(filt *f)
{
	ep_dnode *part = f->d->root ? f->d->root->last : NULL;
	if (!part)
		return EP_OK;
	ep_dnode *first_withheld = NULL, *before = NULL, *prev = NULL;
	for (ep_dnode *c = part->first; c; c = c->next) {
		if (withheld_section(c)) {
			if (!first_withheld) {
				first_withheld = c;
				before = prev;
			}
		} else {
			first_withheld = NULL;
		}
		prev = c;
	}
	if (!first_withheld)
		return EP_OK;
	int collapsed = 0;
	for (ep_dnode *c = first_withheld; c; c = c->next)
		collapsed++;
	ep_dnode *m = ep_doc_node(f->d, EP_D_MARKER, NULL);
	if (!m)
		return ep_err_set(f->err, EP_E_LIMIT, NULL, "the document is too large to render");
	m->text = f->d->pages > 0 ? ep_arena_printf(f->d->arena,
					    "NOT DECLASSIFIED FROM THIS POINT UNTIL THE END OF THE DOCUMENT (page %d)",
					    f->d->pages)
				  : "NOT DECLASSIFIED FROM THIS POINT UNTIL THE END OF THE DOCUMENT";
	if (!m->text)
		return ep_err_set(f->err, EP_E_LIMIT, NULL, "the document is too large to render");
	m->style = EP_DS_BOLD;
	m->key = "tail";
	if (before)
		before->next = m;
	else
		part->first = m;
	part->last = m;
	f->d->not_declassified -= collapsed - 1;
	return EP_OK;
}

ep_status ep_doc_filter(ep_doc *d, ep_release r, ep_err *err)
{
	if (d->filtered)
		return ep_err_set(err, EP_E_INVALID, NULL, "the document has already been filtered");
	d->filtered = true;
	d->release = r;
	d->shown_cls = 0;
	d->shown_limite = 0;
	filt f = {.d = d, .err = err};
	ep_status s = d->root ? filter_node(&f, d->root) : EP_OK;
	if (s == EP_OK)
		s = collapse_tail(&f);
	return s;
}

const char *ep_doc_banner(const ep_doc *d)
{
	if (d->shown_cls > 0)
		return ep_class_label((ep_class)d->shown_cls);
	return d->shown_limite ? "LIMITE" : "";
}
