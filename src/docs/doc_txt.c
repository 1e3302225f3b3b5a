/*
 * The plain-text renderer: one block per paragraph, blank lines between blocks, footnotes at
 * the end of the top-level section that carries them, the marking banner first and last when
 * what is shown is classified or LIMITE. Plain text is for diffing two versions of a document
 * and for reading one on the command line, so it has no page furniture.
 */
#include <string.h>

#include "docs/doc.h"
#include "docs/doc_text.h"

#include "core/banned.h"

typedef struct txt {
	ep_buf *out;
	ep_status st;
	const ep_dnote *pending[512]; /* footnotes waiting for the end of their section */
	size_t npending;
	size_t dropped; /* footnotes beyond pending[] are printed where they are */
} txt;

static void put(txt *t, const char *s)
{
	if (t->st == EP_OK && s)
		t->st = ep_buf_puts(t->out, s);
}

static void putn(txt *t, const char *s, size_t n)
{
	if (t->st == EP_OK && n)
		t->st = ep_buf_append(t->out, s, n);
}

static void block_end(txt *t)
{
	put(t, "\n\n");
}

static void queue_notes(txt *t, const ep_dnode *n)
{
	for (size_t i = 0; i < n->nnotes; i++) {
		if (t->npending < sizeof t->pending / sizeof t->pending[0]) {
			t->pending[t->npending++] = &n->notes[i];
		} else {
			char mark[32];
			ep_doc_superscript(n->notes[i].number, mark, sizeof mark);
			put(t, mark);
			put(t, " ");
			put(t, n->notes[i].text);
			block_end(t);
		}
	}
}

static void flush_notes(txt *t)
{
	for (size_t i = 0; i < t->npending; i++) {
		char mark[32];
		ep_doc_superscript(t->pending[i]->number, mark, sizeof mark);
		put(t, mark);
		put(t, " ");
		put(t, t->pending[i]->text);
		block_end(t);
	}
	t->npending = 0;
}

static void text_cb(void *ctx, const char *s, size_t n)
{
	putn(ctx, s, n);
}

static void mark_cb(void *ctx, const ep_dnote *note)
{
	char mark[32];
	ep_doc_superscript(note->number, mark, sizeof mark);
	put(ctx, mark);
}

/* A text with its footnote marks after their anchors. */
static void marked(txt *t, const ep_dnode *n)
{
	ep_dnote_walk(n, text_cb, mark_cb, t);
	queue_notes(t, n);
}

static void para(txt *t, const ep_dnode *p)
{
	const char *prev = NULL;
	for (const ep_dnode *c = p->first; c; c = c->next) {
		if (prev && ep_doc_needs_space(prev, c->text))
			put(t, " ");
		marked(t, c);
		prev = c->text;
	}
	block_end(t);
}

static void node(txt *t, const ep_dnode *n, bool top);

static void children(txt *t, const ep_dnode *n, bool top)
{
	for (const ep_dnode *c = n->first; c && t->st == EP_OK; c = c->next)
		node(t, c, top);
}

static void node(txt *t, const ep_dnode *n, bool top)
{
	switch (n->kind) {
	case EP_D_DOC:
		children(t, n, true);
		break;
	case EP_D_PART:
		children(t, n, true);
		flush_notes(t);
		break;
	case EP_D_CODES:
		for (const ep_dnode *c = n->first; c; c = c->next) {
			put(t, c->text);
			put(t, "\n");
		}
		put(t, "\n");
		break;
	case EP_D_META:
		put(t, n->label);
		put(t, " ");
		marked(t, n);
		block_end(t);
		break;
	case EP_D_SECTION: {
		char head[64] = "";
		if (n->label && *n->label)
			snprintf(head, sizeof head, "%s. ", n->label);
		put(t, head);
		put(t, n->text);
		block_end(t);
		children(t, n, false);
		if (top)
			flush_notes(t);
		break;
	}
	case EP_D_PARA:
		para(t, n);
		break;
	case EP_D_LIST:
		for (const ep_dnode *c = n->first; c; c = c->next) {
			put(t, "- ");
			marked(t, c);
			put(t, "\n");
		}
		put(t, "\n");
		break;
	case EP_D_TABLE:
		for (const ep_dnode *r = n->first; r; r = r->next) {
			for (const ep_dnode *c = r->first; c; c = c->next) {
				if (c != r->first)
					put(t, " | ");
				/* A cell's own line breaks would break the row: they become "; ". */
				const char *s = c->text ? c->text : "";
				for (const char *nl; (nl = strchr(s, '\n')); s = nl + 1) {
					putn(t, s, (size_t)(nl - s));
					put(t, "; ");
				}
				put(t, s);
			}
			put(t, "\n");
		}
		put(t, "\n");
		break;
	case EP_D_DATELINE:
	case EP_D_NUMBER:
	case EP_D_MARKING:
	case EP_D_KIND:
	case EP_D_TITLE:
	case EP_D_LINE:
	case EP_D_RUN:
	case EP_D_ITEM:
	case EP_D_CELL:
	case EP_D_MARKER:
		if (n->text) {
			marked(t, n);
			block_end(t);
		}
		break;
	case EP_D_ROW:
		children(t, n, false);
		break;
	}
}

ep_status ep_doc_render_txt(const ep_doc *d, ep_buf *out, ep_err *err)
{
	txt t = {.out = out, .st = EP_OK};
	const char *banner = ep_doc_banner(d);
	if (*banner) {
		put(&t, banner);
		block_end(&t);
	}
	if (d->root)
		node(&t, d->root, true);
	flush_notes(&t);
	if (*banner) {
		put(&t, banner);
		put(&t, "\n");
	}
	if (t.st == EP_E_LIMIT)
		return ep_err_set(err, EP_E_LIMIT, NULL, "the document is larger than the render limit");
	if (t.st != EP_OK)
		return ep_err_set(err, t.st, NULL, "the document could not be rendered as text");
	return EP_OK;
}
