/*
 * The PDF renderer: a filtered document laid out on A4 pages in the Council's layout, with cairo
 * (the PDF surface, which embeds subsets of the fonts and keeps text as text) and pango (line
 * breaking, justification, font fallback for any script). The layout is one pass down the tree
 * with a cursor: each block is broken into lines, and a line that does not fit on the page
 * together with the footnotes it references starts a new page; footnotes are printed at the
 * bottom of the page of their reference; a table repeats its header rows on each page and splits
 * a row taller than what is left. Every page carries the banner of what is shown at its top and
 * bottom and the Council footer (number, initials, directorate, language, page number).
 *
 * Text is handed to pango as plain text with an attribute list, never as markup, so nothing in a
 * document can be read as formatting; invalid UTF-8 and control characters are replaced first.
 */
#include "docs/doc.h"
#include "docs/doc_text.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <glib.h>
#include <pango/pangocairo.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

/* A4 in points, and the margins of a Council document. */
#define PAGE_W 595.276
#define PAGE_H 841.89
#define MARGIN_X 70.87
#define BODY_W (PAGE_W - 2 * MARGIN_X)
#define BODY_TOP 85.0
#define BODY_BOTTOM 760.0
#define FOOT_RULE_Y 768.0
#define FOOT_LINE1_Y 772.0
#define FOOT_LINE2_Y 784.0
#define BANNER_TOP_Y 36.0
#define BANNER_BOTTOM_Y 804.0
#define RIGHT_X (MARGIN_X + BODY_W / 2)       /* the date line and number block */
#define FOOT_MID_X (MARGIN_X + BODY_W * 0.62) /* initials over directorate, as the Council does */
#define META_LABEL_W 100.0
#define META_VALUE_X (MARGIN_X + 110.0)
#define ITEM_TEXT_X (MARGIN_X + 28.0)
#define NOTE_SEP 14.0 /* the room for the short rule above a page's footnotes */
#define NOTE_HANG 12.0
#define CELL_PAD 3.0
#define CELL_MIN_W 14.0
#define EMPTY_ROW_H 12.0
#define MAX_PAGES 2000
#define MAX_DEPTH 64
/* Column widths come from the first rows only: enough to size them, and a long table does not
 * pay for measuring every cell twice. */
#define MEASURE_ROWS 300

#define FAMILY "Liberation Serif, DejaVu Serif"

enum { F_BODY, F_NUMBER, F_TABLE, F_NOTE, F_FOOT, F_BANNER, F_COUNT };

static const char *const FONTS[F_COUNT] = {
        [F_BODY] = FAMILY " 12", [F_NUMBER] = FAMILY " Bold 14", [F_TABLE] = FAMILY " 10",
        [F_NOTE] = FAMILY " 10", [F_FOOT] = FAMILY " 9",         [F_BANNER] = FAMILY " Bold 11",
};

/* How high a reference mark rises above the baseline, per font (points). */
static const double RISE[F_COUNT] = {
        [F_BODY] = 4.5, [F_NUMBER] = 5.0, [F_TABLE] = 3.5, [F_NOTE] = 3.5, [F_FOOT] = 3.0, [F_BANNER] = 4.0,
};

static const char LIMIT_MSG[] = "the document is larger than the render limit";

/* Where cairo's output goes: the caller's buffer, until its cap. */
typedef struct sink {
	ep_buf *out;
	ep_status st; /* why a write failed, or EP_OK */
	bool discard; /* the render failed: nothing more is wanted */
} sink;

/* A footnote reference in a block of text. */
typedef struct tref {
	size_t pos; /* the byte offset of its mark in the block's text */
	const ep_dnote *note;
	PangoLayout *layout; /* the footnote's own text, made when first measured */
	double h;
	bool queued; /* on a page already; its layout went with it */
} tref;

/* A block of text being put together: the text, its styles, its footnote references. */
typedef struct tb {
	ep_buf text;
	PangoAttrList *attrs;
	tref *refs;
	size_t nrefs, cap;
	size_t mark_end; /* where the last mark ends: two marks in a row get a comma between */
	double rise;
	bool space_next; /* a marker was just added: a word right after it needs a space */
} tb;

/* A footnote waiting for the bottom of a page; a long one may go on over the next page. */
typedef struct qnote {
	PangoLayout *layout;
	int line;    /* the first line not yet drawn */
	double left; /* the height of the lines not yet drawn */
} qnote;

typedef struct pdf {
	const ep_doc *d;
	ep_err *err;
	ep_status st; /* the first failure; once set, nothing more is drawn */
	sink *sink;
	cairo_surface_t *surface;
	cairo_t *cr;
	PangoFontMap *fm;
	PangoContext *ctx;
	PangoFontDescription *font[F_COUNT];
	/* The furniture of every page, made once. */
	PangoLayout *banner, *f_number, *f_initials, *f_dir, *f_lang;
	int page;
	double y;   /* the cursor */
	bool fresh; /* nothing has been drawn in the body of this page yet */
	qnote *q;   /* footnotes referenced on this page (or carried over) */
	size_t nq, capq;
	double notes_h; /* what they need at the bottom of the page, rule included */
	int first_page; /* where the first line of the last flowed block went (for the outline) */
	double first_y;
	int outline[4]; /* the outline item of the current section at each level */
	int depth;
} pdf;

static double pu(int v)
{
	return (double)v / PANGO_SCALE;
}

static void fail(pdf *r, ep_status s, const char *msg)
{
	if (r->st == EP_OK)
		r->st = ep_err_set(r->err, s, NULL, "%s", msg);
}

static cairo_status_t write_out(void *closure, const unsigned char *data, unsigned int length)
{
	sink *s = closure;
	if (s->discard || s->st != EP_OK)
		return CAIRO_STATUS_WRITE_ERROR;
	ep_status st = ep_buf_append(s->out, data, length);
	if (st != EP_OK) {
		s->st = st;
		return CAIRO_STATUS_WRITE_ERROR;
	}
	return CAIRO_STATUS_SUCCESS;
}

/* ---- text ---- */

/* Appends s[0..n) as text pango can take: invalid UTF-8 becomes U+FFFD, and control characters
 * (C0 but the line break, DEL, C1) become spaces, since pango would draw them as boxes. */
static ep_status put_clean(ep_buf *b, const char *s, size_t n)
{
	ep_status st = EP_OK;
	size_t i = 0;
	while (i < n && st == EP_OK) {
		const gchar *end = NULL;
		g_utf8_validate(s + i, (gssize)(n - i), &end);
		size_t ok = (size_t)(end - (s + i)), from = i;
		for (size_t j = i; j < i + ok && st == EP_OK; j++) {
			unsigned char c = (unsigned char)s[j];
			bool c1 = c == 0xc2 && j + 1 < i + ok && (unsigned char)s[j + 1] >= 0x80 &&
			          (unsigned char)s[j + 1] <= 0x9f;
			if ((c < 0x20 && c != '\n') || c == 0x7f || c1) {
				st = ep_buf_append(b, s + from, j - from);
				if (st == EP_OK)
					st = ep_buf_putc(b, ' ');
				if (c1)
					j++;
				from = j + 1;
			}
		}
		if (st == EP_OK)
			st = ep_buf_append(b, s + from, i + ok - from);
		i += ok;
		if (i < n && st == EP_OK) {
			st = ep_buf_puts(b, "\xef\xbf\xbd");
			i++;
		}
	}
	return st;
}

static void tb_init(tb *t, int font)
{
	ep_buf_init(&t->text, 0);
	t->attrs = pango_attr_list_new();
	t->refs = NULL;
	t->nrefs = t->cap = 0;
	t->mark_end = SIZE_MAX;
	t->rise = RISE[font];
	t->space_next = false;
}

static void tb_free(tb *t)
{
	ep_buf_release(&t->text);
	pango_attr_list_unref(t->attrs);
	for (size_t i = 0; i < t->nrefs; i++)
		if (t->refs[i].layout)
			g_object_unref(t->refs[i].layout);
	free(t->refs);
}

static void put(pdf *r, tb *t, const char *s, size_t n)
{
	if (r->st == EP_OK && put_clean(&t->text, s, n) != EP_OK)
		fail(r, EP_E_LIMIT, LIMIT_MSG);
}

/* Text of the renderer's own (a tab before a hanging text), which put() would clean away. */
static void put_raw(pdf *r, tb *t, const char *s)
{
	if (r->st == EP_OK && ep_buf_puts(&t->text, s) != EP_OK)
		fail(r, EP_E_LIMIT, LIMIT_MSG);
}

static void attr_range(PangoAttrList *l, PangoAttribute *a, size_t start, size_t end)
{
	a->start_index = (guint)start;
	a->end_index = (guint)end;
	pango_attr_list_insert(l, a);
}

static void tb_style(tb *t, unsigned style, size_t start)
{
	if (t->text.len == start)
		return;
	if (style & EP_DS_BOLD)
		attr_range(t->attrs, pango_attr_weight_new(PANGO_WEIGHT_BOLD), start, t->text.len);
	if (style & EP_DS_ITALIC)
		attr_range(t->attrs, pango_attr_style_new(PANGO_STYLE_ITALIC), start, t->text.len);
}

/* A footnote's reference mark: its number, raised and smaller. */
static void tb_mark(pdf *r, tb *t, const ep_dnote *note)
{
	char num[24];
	if (note->number <= 0 || r->st != EP_OK)
		return;
	if (t->nrefs == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 4;
		tref *p = realloc(t->refs, cap * sizeof *p);
		if (!p) {
			fail(r, EP_E_INTERNAL, "out of memory");
			return;
		}
		t->refs = p;
		t->cap = cap;
	}
	size_t start = t->text.len;
	if (t->mark_end == start)
		put(r, t, ",", 1);
	size_t pos = t->text.len;
	int n = snprintf(num, sizeof num, "%d", note->number);
	put(r, t, num, (size_t)n);
	if (r->st != EP_OK)
		return;
	attr_range(t->attrs, pango_attr_rise_new((int)(t->rise * PANGO_SCALE)), start, t->text.len);
	attr_range(t->attrs, pango_attr_scale_new(0.65), start, t->text.len);
	t->refs[t->nrefs++] = (tref){.pos = pos, .note = note};
	t->mark_end = t->text.len;
	t->space_next = false;
}

/* Appends text s with style bits, and the marks of its notes after each note's anchor. */
static void tb_add(pdf *r, tb *t, const char *s, unsigned style, const ep_dnote *notes, size_t nnotes)
{
	const char *src = s ? s : "";
	size_t start = t->text.len, at = 0, last_pos = 0, last_i = 0;
	if (t->space_next && *src && (g_ascii_isalnum(*src) || (unsigned char)*src >= 0x80))
		put(r, t, " ", 1);
	if (*src)
		t->space_next = false;
	/* The marks go in order of position (then of the notes' order), without sorting in place:
	 * the notes belong to the tree. */
	for (size_t k = 0; k < nnotes && r->st == EP_OK; k++) {
		size_t best = SIZE_MAX, bpos = 0;
		for (size_t i = 0; i < nnotes; i++) {
			size_t p = ep_dnote_pos(src, &notes[i]);
			bool later = k == 0 || p > last_pos || (p == last_pos && i > last_i);
			if (later && (best == SIZE_MAX || p < bpos || (p == bpos && i < best))) {
				best = i;
				bpos = p;
			}
		}
		if (best == SIZE_MAX)
			break;
		put(r, t, src + at, bpos - at);
		at = bpos;
		tb_mark(r, t, &notes[best]);
		last_pos = bpos;
		last_i = best;
	}
	put(r, t, src + at, strlen(src) - at);
	tb_style(t, style, start);
}

/* A withheld-content marker inside a paragraph: bold, and kept apart from the words around it
 * when the runs do not carry the spaces themselves. */
static void tb_marker(pdf *r, tb *t, const char *s, unsigned style)
{
	if (!s || !*s)
		return;
	if (t->text.len > 0) {
		char c = t->text.data[t->text.len - 1];
		if (c != ' ' && c != '\n' && c != '(' && c != '[' && c != '"')
			put(r, t, " ", 1);
	}
	tb_add(r, t, s, style | EP_DS_BOLD, NULL, 0);
	t->space_next = true;
}

static PangoLayout *layout_of(pdf *r, int font, double width, const tb *t, PangoAlignment align, bool justify)
{
	PangoLayout *l = pango_layout_new(r->ctx);
	pango_layout_set_font_description(l, r->font[font]);
	pango_layout_set_width(l, width > 0 ? (int)(width * PANGO_SCALE) : -1);
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_alignment(l, align);
	pango_layout_set_justify(l, justify);
	pango_layout_set_text(l, ep_buf_str(&t->text), (int)t->text.len);
	pango_layout_set_attributes(l, t->attrs);
	return l;
}

/* One line of furniture (a footer field, the banner); NULL when there is no text. */
static PangoLayout *text_layout(pdf *r, int font, const char *s, double width, PangoAlignment align)
{
	if (!s || !*s)
		return NULL;
	tb t;
	tb_init(&t, font);
	tb_add(r, &t, s, 0, NULL, 0);
	PangoLayout *l = r->st == EP_OK ? layout_of(r, font, width, &t, align, false) : NULL;
	tb_free(&t);
	return l;
}

static double layout_h(PangoLayout *l)
{
	PangoRectangle lr;
	pango_layout_get_extents(l, NULL, &lr);
	return pu(lr.height);
}

static double layout_w(PangoLayout *l)
{
	PangoRectangle lr;
	pango_layout_get_extents(l, NULL, &lr);
	return pu(lr.width);
}

/* ---- footnotes ---- */

static double note_h(pdf *r, tref *f)
{
	if (f->layout || f->queued || r->st != EP_OK)
		return f->h;
	tb t;
	tb_init(&t, F_NOTE);
	tb_mark(r, &t, f->note);
	put_raw(r, &t, "\t");
	tb_add(r, &t, f->note->text, 0, NULL, 0);
	if (r->st == EP_OK) {
		/* The number hangs in the margin of the note; wrapped lines align with the text. */
		f->layout = layout_of(r, F_NOTE, BODY_W, &t, PANGO_ALIGN_LEFT, false);
		pango_layout_set_indent(f->layout, (int)(-NOTE_HANG * PANGO_SCALE));
		PangoTabArray *tabs = pango_tab_array_new_with_positions(1, TRUE, PANGO_TAB_LEFT, (int)NOTE_HANG);
		pango_layout_set_tabs(f->layout, tabs);
		pango_tab_array_free(tabs);
		f->h = layout_h(f->layout);
	}
	tb_free(&t);
	return f->h;
}

static bool in_range(size_t pos, size_t start, size_t len)
{
	return pos >= start && pos < start + len;
}

/* What the footnotes referenced in t[start, start+len) need at the bottom of this page. */
static double refs_h(pdf *r, tb *t, size_t start, size_t len)
{
	double h = 0;
	for (size_t i = 0; i < t->nrefs; i++)
		if (!t->refs[i].queued && in_range(t->refs[i].pos, start, len))
			h += note_h(r, &t->refs[i]);
	return h > 0 && r->nq == 0 ? h + NOTE_SEP : h;
}

/* The footnotes referenced in t[start, start+len) are now on this page. */
static void queue_refs(pdf *r, tb *t, size_t start, size_t len)
{
	for (size_t i = 0; i < t->nrefs && r->st == EP_OK; i++) {
		tref *f = &t->refs[i];
		if (f->queued || !in_range(f->pos, start, len))
			continue;
		note_h(r, f);
		if (!f->layout)
			continue;
		if (r->nq == r->capq) {
			size_t cap = r->capq ? r->capq * 2 : 8;
			qnote *p = realloc(r->q, cap * sizeof *p);
			if (!p) {
				fail(r, EP_E_INTERNAL, "out of memory");
				return;
			}
			r->q = p;
			r->capq = cap;
		}
		if (r->nq == 0)
			r->notes_h += NOTE_SEP;
		r->q[r->nq++] = (qnote){.layout = f->layout, .line = 0, .left = f->h};
		r->notes_h += f->h;
		f->layout = NULL;
		f->queued = true;
	}
}

/* Prints the waiting footnotes at the bottom of the page, under a short rule; what does not fit
 * above the footer (a footnote longer than the room left) goes on at the bottom of the next. */
static void draw_notes(pdf *r)
{
	if (r->nq == 0)
		return;
	cairo_t *cr = r->cr;
	double top = BODY_BOTTOM - r->notes_h;
	if (top < r->y)
		top = r->y;
	cairo_set_line_width(cr, 0.5);
	cairo_move_to(cr, MARGIN_X, top + NOTE_SEP - 4);
	cairo_line_to(cr, MARGIN_X + BODY_W / 3, top + NOTE_SEP - 4);
	cairo_stroke(cr);
	double y = top + NOTE_SEP;
	bool any = false, full = false;
	size_t done = 0;
	for (size_t k = 0; k < r->nq && !full; k++) {
		qnote *n = &r->q[k];
		PangoLayoutIter *it = pango_layout_get_iter(n->layout);
		int i = 0;
		do {
			if (i++ < n->line)
				continue;
			PangoRectangle lr;
			pango_layout_iter_get_line_extents(it, NULL, &lr);
			double h = pu(lr.height), base = pu(pango_layout_iter_get_baseline(it)) - pu(lr.y);
			if (any && y + h > FOOT_RULE_Y - 2) {
				full = true;
				break;
			}
			cairo_move_to(cr, MARGIN_X + pu(lr.x), y + base);
			pango_cairo_show_layout_line(cr, pango_layout_iter_get_line_readonly(it));
			y += h;
			n->line++;
			n->left -= h;
			any = true;
		} while (pango_layout_iter_next_line(it));
		pango_layout_iter_free(it);
		if (!full)
			done++;
	}
	for (size_t k = 0; k < done; k++)
		g_object_unref(r->q[k].layout);
	memmove(r->q, r->q + done, (r->nq - done) * sizeof *r->q);
	r->nq -= done;
}

/* ---- pages ---- */

static void show_at(pdf *r, PangoLayout *l, double x, double y)
{
	if (!l)
		return;
	cairo_move_to(r->cr, x, y);
	pango_cairo_show_layout(r->cr, l);
}

static void hrule(pdf *r, double x0, double x1, double y)
{
	cairo_set_line_width(r->cr, 0.5);
	cairo_move_to(r->cr, x0, y);
	cairo_line_to(r->cr, x1, y);
	cairo_stroke(r->cr);
}

/* The banner at the top and the bottom, the footer, the page number. */
static void draw_furniture(pdf *r)
{
	show_at(r, r->banner, MARGIN_X, BANNER_TOP_Y);
	show_at(r, r->banner, MARGIN_X, BANNER_BOTTOM_Y);
	hrule(r, MARGIN_X, PAGE_W - MARGIN_X, FOOT_RULE_Y);
	show_at(r, r->f_number, MARGIN_X, FOOT_LINE1_Y);
	show_at(r, r->f_initials, FOOT_MID_X, FOOT_LINE1_Y);
	show_at(r, r->f_dir, FOOT_MID_X, FOOT_LINE2_Y);
	show_at(r, r->f_lang, MARGIN_X, FOOT_LINE2_Y);
	char num[16];
	snprintf(num, sizeof num, "%d", r->page);
	PangoLayout *l = text_layout(r, F_FOOT, num, BODY_W, PANGO_ALIGN_CENTER);
	show_at(r, l, MARGIN_X, FOOT_LINE1_Y);
	if (l)
		g_object_unref(l);
}

static void begin_page(pdf *r)
{
	if (r->st != EP_OK)
		return;
	if (r->page >= MAX_PAGES) {
		fail(r, EP_E_LIMIT, "the document would be longer than 2000 pages");
		return;
	}
	r->page++;
	r->y = BODY_TOP;
	r->fresh = true;
	r->notes_h = 0;
	for (size_t k = 0; k < r->nq; k++)
		r->notes_h += (k == 0 ? NOTE_SEP : 0) + r->q[k].left;
}

static void finish_page(pdf *r)
{
	if (r->st != EP_OK)
		return;
	draw_notes(r);
	draw_furniture(r);
	cairo_show_page(r->cr);
	if (r->sink->st == EP_E_LIMIT)
		fail(r, EP_E_LIMIT, LIMIT_MSG);
	else if (r->sink->st != EP_OK)
		fail(r, EP_E_INTERNAL, "out of memory writing the PDF");
	else if (cairo_status(r->cr) != CAIRO_STATUS_SUCCESS)
		fail(r, EP_E_INTERNAL, cairo_status_to_string(cairo_status(r->cr)));
}

static void new_page(pdf *r)
{
	finish_page(r);
	begin_page(r);
}

/* Whether h more points of content, and footnotes needing nh, fit on this page. */
static bool fits(const pdf *r, double h, double nh)
{
	return r->y + h <= BODY_BOTTOM - r->notes_h - nh + 0.01;
}

static void space(pdf *r, double pt)
{
	if (!r->fresh)
		r->y += pt;
}

/* ---- the flow ---- */

/* Draws l at x from the cursor down, a line at a time: a line that does not fit with the
 * footnotes it references goes to a new page. side (a label, a bullet) is drawn beside the
 * first line, on the same baseline. */
static void flow(pdf *r, PangoLayout *l, double x, tb *t, PangoLayout *side, double side_x)
{
	PangoLayoutIter *it = pango_layout_get_iter(l);
	bool first = true;
	double side_bottom = 0;
	do {
		if (r->st != EP_OK)
			break;
		PangoLayoutLine *line = pango_layout_iter_get_line_readonly(it);
		PangoRectangle lr;
		pango_layout_iter_get_line_extents(it, NULL, &lr);
		double h = pu(lr.height), base = pu(pango_layout_iter_get_baseline(it)) - pu(lr.y);
		size_t start = (size_t)line->start_index, len = (size_t)line->length;
		if (!fits(r, h, refs_h(r, t, start, len)) && !r->fresh)
			new_page(r);
		if (r->st != EP_OK)
			break;
		cairo_move_to(r->cr, x + pu(lr.x), r->y + base);
		pango_cairo_show_layout_line(r->cr, line);
		if (first) {
			r->first_page = r->page;
			r->first_y = r->y;
			if (side) {
				double sbase = pu(pango_layout_get_baseline(side));
				show_at(r, side, side_x, r->y + base - sbase);
				side_bottom = r->y + base - sbase + layout_h(side);
			}
		}
		queue_refs(r, t, start, len);
		r->y += h;
		r->fresh = false;
		first = false;
	} while (pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
	if (side && r->y < side_bottom)
		r->y = side_bottom;
}

/* A block of text in the flow; nothing for an empty one. */
static void block(pdf *r, tb *t, int font, double x, double w, PangoAlignment align, bool justify, PangoLayout *side,
                  double side_x)
{
	if (r->st != EP_OK || t->text.len == 0)
		return;
	PangoLayout *l = layout_of(r, font, w, t, align, justify);
	flow(r, l, x, t, side, side_x);
	g_object_unref(l);
}

static PangoAlignment align_of(unsigned style, PangoAlignment dflt)
{
	return (style & EP_DS_CENTER) ? PANGO_ALIGN_CENTER : dflt;
}

/* A node whose text is the block: a date line, a title, a marker. */
static void text_block(pdf *r, const ep_dnode *n, int font, unsigned style, double x, double w, PangoAlignment align,
                       bool justify)
{
	tb t;
	tb_init(&t, font);
	tb_add(r, &t, n->text, n->style | style, n->notes, n->nnotes);
	block(r, &t, font, x, w, align_of(n->style, align), justify, NULL, 0);
	tb_free(&t);
}

/* The marks of a container's own notes (a part, a table): they end the block, on a line of
 * their own, so that the footnotes are printed. */
static void notes_block(pdf *r, const ep_dnode *n)
{
	if (n->nnotes == 0)
		return;
	tb t;
	tb_init(&t, F_BODY);
	tb_add(r, &t, "", 0, n->notes, n->nnotes);
	block(r, &t, F_BODY, MARGIN_X, BODY_W, PANGO_ALIGN_LEFT, false, NULL, 0);
	tb_free(&t);
}

/* ---- blocks ---- */

static void render_block(pdf *r, const ep_dnode *n, const ep_dnode *prev);

static void render_children(pdf *r, const ep_dnode *n)
{
	const ep_dnode *prev = NULL;
	for (const ep_dnode *c = n->first; c && r->st == EP_OK; c = c->next) {
		render_block(r, c, prev);
		prev = c;
	}
}

static void meta(pdf *r, const ep_dnode *n, const ep_dnode *prev)
{
	if (!prev || prev->kind != EP_D_META) {
		space(r, 10);
		if (!r->fresh)
			hrule(r, MARGIN_X, PAGE_W - MARGIN_X, r->y);
		r->y += 6;
		r->fresh = false;
	}
	PangoLayout *label = text_layout(r, F_BODY, n->label, META_LABEL_W, PANGO_ALIGN_LEFT);
	tb t;
	tb_init(&t, F_BODY);
	tb_add(r, &t, n->text, n->style, n->notes, n->nnotes);
	if (t.text.len == 0 && label)
		put(r, &t, " ", 1); /* a label without a value still gets its line */
	block(r, &t, F_BODY, META_VALUE_X, PAGE_W - MARGIN_X - META_VALUE_X, PANGO_ALIGN_LEFT, false, label, MARGIN_X);
	tb_free(&t);
	if (label)
		g_object_unref(label);
	r->y += 6;
	if (!n->next || n->next->kind != EP_D_META) {
		if (fits(r, 0, 0)) /* not into the footnotes or the footer */
			hrule(r, MARGIN_X, PAGE_W - MARGIN_X, r->y);
		r->y += 14;
	}
}

static void add_outline(pdf *r, const ep_dnode *n, int level)
{
	ep_buf name;
	char link[96];
	ep_buf_init(&name, 4096);
	ep_status st = EP_OK;
	if (n->label && *n->label) {
		st = put_clean(&name, n->label, strlen(n->label));
		if (st == EP_OK && n->text && *n->text)
			st = ep_buf_putc(&name, ' ');
	}
	/* An outline entry is a title: a long heading is cut, on a character boundary. */
	if (st == EP_OK && n->text) {
		size_t len = strlen(n->text);
		if (len > 200) {
			len = 200;
			while (len > 0 && ((unsigned char)n->text[len] & 0xc0) == 0x80)
				len--;
		}
		st = put_clean(&name, n->text, len);
	}
	if (st == EP_OK && name.len > 0) {
		for (size_t i = 0; i < name.len; i++)
			if (name.data[i] == '\n')
				name.data[i] = ' ';
		snprintf(link, sizeof link, "page=%d pos=[%.2f %.2f]", r->first_page, MARGIN_X, r->first_y);
		int id = cairo_pdf_surface_add_outline(r->surface, r->outline[level - 1], ep_buf_str(&name), link,
		                                       level == 1 ? CAIRO_PDF_OUTLINE_FLAG_OPEN : 0);
		for (int i = level; i < 4; i++)
			r->outline[i] = id;
	}
	ep_buf_release(&name);
}

static void section(pdf *r, const ep_dnode *n)
{
	int level = n->level < 1 ? 1 : n->level > 3 ? 3 : n->level;
	unsigned style = n->style | EP_DS_BOLD | (level == 3 ? EP_DS_ITALIC : 0);
	space(r, level == 1 ? 16 : 10);
	tb t;
	tb_init(&t, F_BODY);
	double hang = 0;
	if (n->label && *n->label) {
		PangoLayout *lab = text_layout(r, F_BODY, n->label, -1, PANGO_ALIGN_LEFT);
		if (lab) {
			pango_layout_set_attributes(lab, NULL);
			hang = layout_w(lab) + 14;
			g_object_unref(lab);
		}
		if (hang < 36)
			hang = 36;
		tb_add(r, &t, n->label, style, NULL, 0);
		put_raw(r, &t, "\t");
	}
	size_t from = t.text.len;
	tb_add(r, &t, n->text, 0, n->notes, n->nnotes);
	tb_style(&t, style, from);
	if (r->st == EP_OK && t.text.len > 0) {
		PangoLayout *l = layout_of(r, F_BODY, BODY_W, &t, align_of(n->style, PANGO_ALIGN_LEFT), false);
		if (hang > 0) {
			/* The number hangs: wrapped lines of the heading align with its text. */
			pango_layout_set_indent(l, (int)(-hang * PANGO_SCALE));
			PangoTabArray *tabs = pango_tab_array_new_with_positions(1, TRUE, PANGO_TAB_LEFT, (int)hang);
			pango_layout_set_tabs(l, tabs);
			pango_tab_array_free(tabs);
		}
		/* A heading is not left alone at the bottom of a page: it keeps two lines of its
		 * content with it. */
		double first = layout_h(l) / (pango_layout_get_line_count(l) > 0 ? pango_layout_get_line_count(l) : 1);
		if (!r->fresh && !fits(r, first + 30, 0))
			new_page(r);
		flow(r, l, MARGIN_X, &t, NULL, 0);
		g_object_unref(l);
		if (r->st == EP_OK)
			add_outline(r, n, level);
		r->y += 8;
	}
	tb_free(&t);
	render_children(r, n);
}

static void para(pdf *r, const ep_dnode *n)
{
	tb t;
	tb_init(&t, F_BODY);
	if (n->text) /* a stray run or line standing as a paragraph */
		tb_add(r, &t, n->text, n->style, NULL, 0);
	const char *prev = n->text;
	for (const ep_dnode *c = n->first; c && r->st == EP_OK; c = c->next) {
		if (c->kind == EP_D_MARKER) {
			tb_marker(r, &t, c->text, c->style);
		} else {
			/* Runs of one paragraph are joined as the other renderers join them. */
			if (prev && ep_doc_needs_space(prev, c->text) && t.text.len > 0 &&
			    t.text.data[t.text.len - 1] != ' ')
				put(r, &t, " ", 1);
			tb_add(r, &t, c->text, c->style, c->notes, c->nnotes);
		}
		prev = c->text;
	}
	tb_add(r, &t, "", 0, n->notes, n->nnotes);
	block(r, &t, F_BODY, MARGIN_X, BODY_W, align_of(n->style, PANGO_ALIGN_LEFT), true, NULL, 0);
	if (t.text.len > 0)
		r->y += 8;
	tb_free(&t);
}

static void list(pdf *r, const ep_dnode *n)
{
	PangoLayout *dash = text_layout(r, F_BODY, "\xe2\x80\x93", -1, PANGO_ALIGN_LEFT); /* an en dash */
	for (const ep_dnode *c = n->first; c && r->st == EP_OK; c = c->next) {
		if (c->kind != EP_D_ITEM && c->kind != EP_D_MARKER) {
			render_block(r, c, NULL);
			continue;
		}
		tb t;
		tb_init(&t, F_BODY);
		tb_add(r, &t, c->text, c->style | (c->kind == EP_D_MARKER ? EP_DS_BOLD : 0), c->notes, c->nnotes);
		if (!c->next) /* the list's own notes end its last item */
			tb_add(r, &t, "", 0, n->notes, n->nnotes);
		block(r, &t, F_BODY, ITEM_TEXT_X, PAGE_W - MARGIN_X - ITEM_TEXT_X, align_of(c->style, PANGO_ALIGN_LEFT),
		      true, dash, MARGIN_X + 6);
		tb_free(&t);
		r->y += 4;
	}
	if (!n->first)
		notes_block(r, n);
	if (dash)
		g_object_unref(dash);
	r->y += 4;
}

/* ---- tables ---- */

typedef struct tcell {
	PangoLayout *l; /* NULL: an empty cell */
	tb t;
	double x, w;
	int line; /* the first line not yet drawn, when the row is split across pages */
	bool head;
} tcell;

typedef struct trow {
	tcell *c;
	size_t n;
	double h; /* padding included */
} trow;

typedef struct table {
	const ep_dnode *node;
	size_t ncols;
	double *w;
	const ep_dnode *last; /* the last row drawn: the table's own notes end it */
	size_t nlead;         /* how many leading rows are header rows (the node's level) */
	trow *head;           /* the header rows drawn, repeated on each page */
	size_t nhead;
	double head_h;
	bool repeat;
	int rows_on_page;
} table;

static bool withheld_row(const ep_dnode *row)
{
	return row->kind == EP_D_MARKER ||
	       (row->kind == EP_D_ROW && row->first && row->first == row->last && row->first->kind == EP_D_MARKER);
}

/* A row without cells or notes: nothing to draw. */
static bool empty_row(const ep_dnode *row)
{
	return row->kind == EP_D_ROW && !row->first && row->nnotes == 0;
}

static const ep_dnode *next_row(const ep_dnode *row)
{
	while (row && empty_row(row))
		row = row->next;
	return row;
}

static size_t count_cells(const ep_dnode *row)
{
	size_t n = 0;
	if (row->kind != EP_D_ROW)
		return 1;
	for (const ep_dnode *c = row->first; c; c = c->next)
		n++;
	return n;
}

/* The text of cell c of a table row into t; a header cell is bold, a marker too. */
static void cell_text(pdf *r, tb *t, const ep_dnode *c, bool head)
{
	unsigned style = c->style | (head || c->kind == EP_D_MARKER ? EP_DS_BOLD : 0);
	tb_add(r, t, c->text, style, c->notes, c->nnotes);
}

/* Shares the body width between columns that want want[j] (their widest line) and need lo[j]
 * (their longest word). Narrow columns get all they want first: a column whose want is at
 * most an equal share of what is left is served in full, until none is; the wide columns then
 * share the rest in proportion to their wants, each at least its longest word. When the words
 * cannot all fit that way, every column gets its longest word and the rest is shared by what
 * each still wants. What no column wants goes to all in proportion, so the table spans the
 * page. False when even the longest words do not fit (the widths are then in proportion to
 * them). */
static bool share_width(double *w, double *lo, double *want, size_t nc)
{
	enum { OPEN = -1, PINNED = -2 }; /* w[j] while the shares are worked out */
	double sum_lo = 0, sum = 0;
	for (size_t j = 0; j < nc; j++) {
		lo[j] = lo[j] < CELL_MIN_W ? CELL_MIN_W : lo[j] > BODY_W ? BODY_W : lo[j];
		want[j] = want[j] < lo[j] ? lo[j] : want[j] > BODY_W ? BODY_W : want[j];
		sum_lo += lo[j];
		w[j] = OPEN;
	}
	if (sum_lo >= BODY_W) {
		for (size_t j = 0; j < nc; j++)
			w[j] = BODY_W * lo[j] / sum_lo;
		return false;
	}
	double rest = BODY_W, lo_open = sum_lo;
	size_t open = nc;
	for (bool served = true; served && open > 0;) {
		served = false;
		for (size_t j = 0; j < nc; j++)
			if (w[j] == OPEN && want[j] <= rest / (double)open) {
				w[j] = want[j];
				rest -= want[j];
				lo_open -= lo[j];
				open--;
				served = true;
			}
	}
	if (lo_open > rest) {
		double extra = 0, left = BODY_W - sum_lo;
		for (size_t j = 0; j < nc; j++)
			extra += want[j] - lo[j];
		for (size_t j = 0; j < nc; j++)
			w[j] = lo[j] + (extra > 0 ? left * (want[j] - lo[j]) / extra : left / (double)nc);
		return true;
	}
	/* A wide column whose share would be under its longest word gets that word; the others
	 * share what is left, until every share holds. */
	for (bool pinned = true; pinned;) {
		pinned = false;
		double base = rest, wsum = 0;
		for (size_t j = 0; j < nc; j++) {
			if (w[j] == PINNED)
				base -= lo[j];
			else if (w[j] == OPEN)
				wsum += want[j];
		}
		for (size_t j = 0; j < nc && wsum > 0; j++)
			if (w[j] == OPEN && base * want[j] / wsum < lo[j]) {
				w[j] = PINNED;
				pinned = true;
			}
		if (!pinned)
			for (size_t j = 0; j < nc; j++)
				if (w[j] == OPEN)
					w[j] = base * want[j] / wsum;
	}
	for (size_t j = 0; j < nc; j++) {
		if (w[j] == PINNED)
			w[j] = lo[j];
		sum += w[j];
	}
	for (size_t j = 0; j < nc && sum < BODY_W; j++)
		w[j] += (BODY_W - sum) * w[j] / sum;
	return true;
}

/* Column widths from what the cells of the first rows need (see share_width). */
static bool column_widths(pdf *r, table *t)
{
	size_t nc = t->ncols;
	double *lo = calloc(nc, sizeof *lo), *lo_body = calloc(nc, sizeof *lo_body), *want = calloc(nc, sizeof *want);
	t->w = calloc(nc, sizeof *t->w);
	bool ok = lo && lo_body && want && t->w;
	PangoLayout *m = ok ? pango_layout_new(r->ctx) : NULL;
	if (m) {
		pango_layout_set_font_description(m, r->font[F_TABLE]);
		pango_layout_set_wrap(m, PANGO_WRAP_WORD);
	}
	size_t i = 0;
	for (const ep_dnode *row = t->node->first; ok && row && i < MEASURE_ROWS && r->st == EP_OK;
	     row = row->next, i++) {
		if (withheld_row(row) || row->kind != EP_D_ROW)
			continue;
		size_t j = 0;
		for (const ep_dnode *c = row->first; c && j < nc; c = c->next, j++) {
			tb ct;
			tb_init(&ct, F_TABLE);
			cell_text(r, &ct, c, i < t->nlead);
			pango_layout_set_text(m, ep_buf_str(&ct.text), (int)ct.text.len);
			pango_layout_set_attributes(m, ct.attrs);
			pango_layout_set_width(m, -1);
			double nat = layout_w(m) + 2 * CELL_PAD;
			pango_layout_set_width(m, 1); /* every word on its own line: the longest word */
			double word = layout_w(m) + 2 * CELL_PAD;
			pango_layout_set_attributes(m, NULL);
			tb_free(&ct);
			/* A header's words set the column's least width but not what it wants: a long
			 * heading over a column of numbers wraps. */
			if (word > lo[j])
				lo[j] = word;
			if (i >= t->nlead && word > lo_body[j])
				lo_body[j] = word;
			if (i >= t->nlead && nat > want[j])
				want[j] = nat;
		}
	}
	if (m)
		g_object_unref(m);
	/* Too many columns for their headings' words: the headings break inside words, the cells
	 * do not. */
	if (ok && !share_width(t->w, lo, want, nc))
		share_width(t->w, lo_body, want, nc);
	if (!ok)
		fail(r, EP_E_INTERNAL, "out of memory");
	free(lo);
	free(lo_body);
	free(want);
	return ok;
}

static void free_row(trow *row)
{
	for (size_t j = 0; j < row->n; j++) {
		if (row->c[j].l)
			g_object_unref(row->c[j].l);
		tb_free(&row->c[j].t);
	}
	free(row->c);
	row->c = NULL;
	row->n = 0;
}

/* Lays out a row; a withheld row is its marker across the whole width. The row's own notes,
 * and the table's for its last row, end its last cell. */
static void make_row(pdf *r, table *t, const ep_dnode *row, bool head, trow *out)
{
	bool withheld = withheld_row(row);
	out->n = withheld ? 1 : t->ncols;
	out->c = calloc(out->n, sizeof *out->c);
	out->h = 0;
	if (!out->c) {
		out->n = 0;
		fail(r, EP_E_INTERNAL, "out of memory");
		return;
	}
	const ep_dnode *c = withheld ? (row->kind == EP_D_MARKER ? row : row->first) : row->first;
	double x = MARGIN_X, h = 0;
	for (size_t j = 0; j < out->n; j++) {
		tcell *cell = &out->c[j];
		tb_init(&cell->t, F_TABLE);
		cell->x = x;
		cell->w = withheld ? BODY_W : t->w[j];
		cell->head = head;
		x += cell->w;
		if (c) {
			cell_text(r, &cell->t, c, head);
			c = c->next;
		}
		if (j + 1 == out->n) {
			if (row != t->node && row->kind == EP_D_ROW)
				tb_add(r, &cell->t, "", 0, row->notes, row->nnotes);
			if (row == t->last)
				tb_add(r, &cell->t, "", 0, t->node->notes, t->node->nnotes);
		}
		if (r->st == EP_OK && cell->t.text.len > 0) {
			PangoAlignment al = withheld ? PANGO_ALIGN_CENTER : PANGO_ALIGN_LEFT;
			cell->l = layout_of(r, F_TABLE, cell->w - 2 * CELL_PAD, &cell->t, al, false);
			double ch = layout_h(cell->l);
			if (ch > h)
				h = ch;
		}
	}
	out->h = (h > 0 ? h : EMPTY_ROW_H) + 2 * CELL_PAD;
}

static void cell_box(pdf *r, const tcell *c, double y, double h)
{
	cairo_t *cr = r->cr;
	if (c->head) {
		cairo_set_source_rgb(cr, 0.88, 0.88, 0.88);
		cairo_rectangle(cr, c->x, y, c->w, h);
		cairo_fill(cr);
		cairo_set_source_rgb(cr, 0, 0, 0);
	}
	cairo_set_line_width(cr, 0.5);
	cairo_rectangle(cr, c->x, y, c->w, h);
	cairo_stroke(cr);
}

static void draw_row(pdf *r, trow *row, bool notes)
{
	for (size_t j = 0; j < row->n; j++) {
		tcell *c = &row->c[j];
		cell_box(r, c, r->y, row->h);
		show_at(r, c->l, c->x + CELL_PAD, r->y + CELL_PAD);
		if (notes && c->l)
			queue_refs(r, &c->t, 0, c->t.text.len);
	}
	r->y += row->h;
	r->fresh = false;
}

static void draw_head(pdf *r, table *t)
{
	if (!t->repeat)
		return;
	for (size_t i = 0; i < t->nhead && r->st == EP_OK; i++)
		draw_row(r, &t->head[i], false);
	t->rows_on_page = 0;
}

/* The lines of cell c from c->line that fit in max_h (at least one if force): measured, or
 * drawn with their top at y. Returns their height; *next is the first line after them. */
static double cell_lines(pdf *r, tcell *c, double y, double max_h, bool force, bool draw, int *next)
{
	*next = c->line;
	if (!c->l)
		return 0;
	PangoLayoutIter *it = pango_layout_get_iter(c->l);
	int i = 0;
	double used = 0, y0 = -1;
	do {
		if (i++ < c->line)
			continue;
		PangoRectangle lr;
		pango_layout_iter_get_line_extents(it, NULL, &lr);
		if (y0 < 0)
			y0 = pu(lr.y);
		double bottom = pu(lr.y) + pu(lr.height) - y0;
		if (bottom > max_h && !(force && *next == c->line))
			break;
		if (draw) {
			PangoLayoutLine *line = pango_layout_iter_get_line_readonly(it);
			cairo_move_to(r->cr, c->x + CELL_PAD + pu(lr.x),
			              y + pu(pango_layout_iter_get_baseline(it)) - y0);
			pango_cairo_show_layout_line(r->cr, line);
			queue_refs(r, &c->t, (size_t)line->start_index, (size_t)line->length);
		}
		used = bottom;
		(*next)++;
	} while (pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
	return used;
}

/* A row taller than what is left of a page: as many lines of each cell as fit, then the rest
 * on the next page, under the header again. */
static void split_row(pdf *r, table *t, trow *row)
{
	for (;;) {
		double avail = BODY_BOTTOM - r->notes_h - r->y - 2 * CELL_PAD, frag = 0;
		bool progress = false, done = true;
		int next;
		for (size_t j = 0; j < row->n; j++) {
			double h = cell_lines(r, &row->c[j], 0, avail, false, false, &next);
			progress = progress || next > row->c[j].line;
			frag = h > frag ? h : frag;
		}
		/* Nothing fits even on this page: one line of each cell goes anyway, so the table
		 * always moves on. */
		bool force = !progress;
		if (force)
			for (size_t j = 0; j < row->n; j++) {
				double h = cell_lines(r, &row->c[j], 0, avail, true, false, &next);
				frag = h > frag ? h : frag;
			}
		double y = r->y;
		for (size_t j = 0; j < row->n; j++)
			cell_box(r, &row->c[j], y, frag + 2 * CELL_PAD);
		for (size_t j = 0; j < row->n && r->st == EP_OK; j++) {
			tcell *c = &row->c[j];
			cell_lines(r, c, y + CELL_PAD, avail, force, true, &next);
			c->line = next;
			if (c->l && c->line < pango_layout_get_line_count(c->l))
				done = false;
		}
		r->y = y + frag + 2 * CELL_PAD;
		r->fresh = false;
		if (done || r->st != EP_OK)
			break;
		new_page(r);
		draw_head(r, t);
	}
	t->rows_on_page++;
}

static void table_row(pdf *r, table *t, trow *row)
{
	double nh = 0;
	for (size_t j = 0; j < row->n; j++)
		nh += refs_h(r, &row->c[j].t, 0, row->c[j].t.text.len);
	/* A row that would not fit on a page of its own anyway is split where it is, unless
	 * hardly anything of it would be left here. */
	double page_room = BODY_BOTTOM - BODY_TOP - (t->repeat ? t->head_h : 0);
	bool splits_anyway = row->h > page_room && fits(r, 3 * EMPTY_ROW_H + 2 * CELL_PAD, 0);
	if (!fits(r, row->h, nh) && t->rows_on_page > 0 && !splits_anyway) {
		new_page(r);
		draw_head(r, t);
	}
	if (r->st != EP_OK)
		return;
	if (fits(r, row->h, 0)) {
		draw_row(r, row, true);
		t->rows_on_page++;
	} else {
		split_row(r, t, row);
	}
}

static void render_table(pdf *r, const ep_dnode *n)
{
	table t = {.node = n};
	size_t nrows = 0;
	for (const ep_dnode *row = n->first; row; row = row->next) {
		nrows++;
		if (!empty_row(row))
			t.last = row;
		if (!withheld_row(row)) {
			size_t c = count_cells(row);
			t.ncols = c > t.ncols ? c : t.ncols;
		}
	}
	if (!t.last) {
		notes_block(r, n);
		return;
	}
	if (t.ncols == 0)
		t.ncols = 1;
	t.nlead = n->level > 0 ? ((size_t)n->level < nrows ? (size_t)n->level : nrows) : 0;
	trow body = {0};
	const ep_dnode *row = n->first;
	space(r, 4);
	if (!column_widths(r, &t))
		goto done;
	if (t.nlead > 0 && !(t.head = calloc(t.nlead, sizeof *t.head))) {
		fail(r, EP_E_INTERNAL, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < t.nlead && r->st == EP_OK; i++, row = row->next) {
		if (empty_row(row))
			continue;
		make_row(r, &t, row, true, &t.head[t.nhead]);
		t.head_h += t.head[t.nhead++].h;
	}
	/* Header rows taller than a third of the page are printed once, not on every page. */
	t.repeat = t.nhead > 0 && t.head_h <= (BODY_BOTTOM - BODY_TOP) / 3;
	/* The header starts a page rather than end one: it goes with the start of the first row. */
	row = next_row(row);
	if (row && r->st == EP_OK) {
		make_row(r, &t, row, false, &body);
		double first = body.h < 120 ? body.h : 120;
		if (!r->fresh && !fits(r, t.head_h + first, 0))
			new_page(r);
	} else if (!r->fresh && !fits(r, t.head_h, 0)) {
		new_page(r);
	}
	for (size_t i = 0; i < t.nhead && r->st == EP_OK; i++)
		table_row(r, &t, &t.head[i]);
	t.rows_on_page = 0;
	while (row && r->st == EP_OK) {
		table_row(r, &t, &body);
		free_row(&body);
		row = next_row(row->next);
		if (row)
			make_row(r, &t, row, false, &body);
	}
	r->y += 10;
done:
	free_row(&body);
	for (size_t i = 0; i < t.nhead; i++)
		free_row(&t.head[i]);
	free(t.head);
	free(t.w);
}

/* A row or a cell outside a table: a table of one row. */
static void lone_row(pdf *r, const ep_dnode *n)
{
	ep_dnode copy = *n, row = {.kind = EP_D_ROW}, tab = {.kind = EP_D_TABLE};
	copy.next = NULL;
	if (n->kind == EP_D_ROW) {
		tab.first = tab.last = &copy;
	} else {
		row.first = row.last = &copy;
		tab.first = tab.last = &row;
	}
	render_table(r, &tab);
}

/* ---- the tree ---- */

static void render_block(pdf *r, const ep_dnode *n, const ep_dnode *prev)
{
	if (r->st != EP_OK)
		return;
	if (++r->depth > MAX_DEPTH) {
		fail(r, EP_E_LIMIT, "the document is nested too deeply to render");
		r->depth--;
		return;
	}
	switch (n->kind) {
	case EP_D_DOC:
		render_children(r, n);
		notes_block(r, n);
		break;
	case EP_D_PART:
		if (!r->fresh)
			new_page(r);
		render_children(r, n);
		notes_block(r, n);
		break;
	case EP_D_DATELINE:
		space(r, 8); /* after the old template's heading */
		text_block(r, n, F_BODY, 0, RIGHT_X, PAGE_W - MARGIN_X - RIGHT_X, PANGO_ALIGN_LEFT, false);
		r->y += 14;
		break;
	case EP_D_NUMBER:
		text_block(r, n, F_NUMBER, 0, RIGHT_X, PAGE_W - MARGIN_X - RIGHT_X, PANGO_ALIGN_LEFT, false);
		r->y += 6;
		break;
	case EP_D_MARKING:
		space(r, 4);
		text_block(r, n, F_BODY, EP_DS_BOLD, RIGHT_X, PAGE_W - MARGIN_X - RIGHT_X, PANGO_ALIGN_LEFT, false);
		r->y += 10;
		break;
	case EP_D_CODES:
		space(r, 6);
		for (const ep_dnode *c = n->first; c && r->st == EP_OK; c = c->next) {
			/* The codes' own notes end the last code. */
			tb t;
			tb_init(&t, F_BODY);
			tb_add(r, &t, c->text, c->style | (c->kind == EP_D_MARKER ? EP_DS_BOLD : 0), c->notes,
			       c->nnotes);
			if (!c->next)
				tb_add(r, &t, "", 0, n->notes, n->nnotes);
			block(r, &t, F_BODY, MARGIN_X, BODY_W / 2, PANGO_ALIGN_LEFT, false, NULL, 0);
			tb_free(&t);
		}
		if (!n->first)
			notes_block(r, n);
		r->y += 10;
		break;
	case EP_D_KIND:
		space(r, 14);
		text_block(r, n, F_BODY, EP_DS_BOLD, MARGIN_X, BODY_W, PANGO_ALIGN_CENTER, false);
		r->y += 10;
		break;
	case EP_D_META:
		meta(r, n, prev);
		break;
	case EP_D_TITLE:
		space(r, prev && prev->kind == EP_D_TITLE ? 0 : 10);
		text_block(r, n, F_BODY, EP_DS_BOLD, MARGIN_X, BODY_W, PANGO_ALIGN_CENTER, false);
		if (!n->next || n->next->kind != EP_D_TITLE)
			r->y += 10;
		break;
	case EP_D_SECTION:
		section(r, n);
		break;
	case EP_D_PARA:
	case EP_D_RUN:
		para(r, n);
		break;
	case EP_D_LINE:
		text_block(r, n, F_BODY, 0, MARGIN_X, BODY_W, PANGO_ALIGN_LEFT, false);
		break;
	case EP_D_LIST:
		list(r, n);
		break;
	case EP_D_ITEM: {
		ep_dnode copy = *n, wrap = {.kind = EP_D_LIST};
		copy.next = NULL;
		wrap.first = wrap.last = &copy;
		list(r, &wrap);
		break;
	}
	case EP_D_TABLE:
		render_table(r, n);
		break;
	case EP_D_ROW:
	case EP_D_CELL:
		lone_row(r, n);
		break;
	case EP_D_MARKER:
		text_block(r, n, F_BODY, EP_DS_BOLD, MARGIN_X, BODY_W, PANGO_ALIGN_LEFT, false);
		if (n->text)
			r->y += 8;
		break;
	}
	r->depth--;
}

/* ---- the entry ---- */

static void set_metadata(pdf *r)
{
	ep_buf title;
	ep_buf_init(&title, 0);
	if (r->d->title && put_clean(&title, r->d->title, strlen(r->d->title)) == EP_OK && title.len > 0)
		cairo_pdf_surface_set_metadata(r->surface, CAIRO_PDF_METADATA_TITLE, ep_buf_str(&title));
	ep_buf_release(&title);
	cairo_pdf_surface_set_metadata(r->surface, CAIRO_PDF_METADATA_CREATOR, "empact");
}

static void setup_text(pdf *r)
{
	/* A font map of our own, freed with the render, so that nothing of one render outlives
	 * it. pango's per-thread default map would keep its font caches between renders and take
	 * about half the time (some 17 ms of CPU against 30 ms for a six-page document with a
	 * 60-row table), but what it keeps cannot be told from a leak, and a leak is what the
	 * sanitizer runs are for. */
	r->fm = pango_cairo_font_map_new();
	pango_cairo_font_map_set_resolution(PANGO_CAIRO_FONT_MAP(r->fm), 72.0);
	r->ctx = pango_font_map_create_context(r->fm);
	/* Points are PDF units, and a PDF is not drawn on a pixel grid: no hinting, no rounding
	 * of metrics or glyph positions, or the text would be spaced for a screen. */
	cairo_font_options_t *fo = cairo_font_options_create();
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	pango_cairo_context_set_font_options(r->ctx, fo);
	cairo_font_options_destroy(fo);
	pango_cairo_context_set_resolution(r->ctx, 72.0);
	pango_context_set_round_glyph_positions(r->ctx, FALSE);
	pango_context_set_language(r->ctx, pango_language_from_string("en"));
	for (int i = 0; i < F_COUNT; i++)
		r->font[i] = pango_font_description_from_string(FONTS[i]);

	const ep_doc *d = r->d;
	const char *banner = ep_doc_banner(d);
	r->banner = text_layout(r, F_BANNER, banner, BODY_W, PANGO_ALIGN_CENTER);
	r->f_number = text_layout(r, F_FOOT, d->number, FOOT_MID_X - MARGIN_X - 40, PANGO_ALIGN_LEFT);
	r->f_initials = text_layout(r, F_FOOT, d->initials, PAGE_W - MARGIN_X - FOOT_MID_X - 30, PANGO_ALIGN_LEFT);
	r->f_dir = text_layout(r, F_FOOT, d->directorate, PAGE_W - MARGIN_X - FOOT_MID_X - 30, PANGO_ALIGN_LEFT);
	r->f_lang = text_layout(r, F_FOOT, d->language, BODY_W, PANGO_ALIGN_RIGHT);
}

static void teardown_text(pdf *r)
{
	PangoLayout *ls[] = {r->banner, r->f_number, r->f_initials, r->f_dir, r->f_lang};
	for (size_t i = 0; i < sizeof ls / sizeof ls[0]; i++)
		if (ls[i])
			g_object_unref(ls[i]);
	for (size_t k = 0; k < r->nq; k++)
		g_object_unref(r->q[k].layout);
	free(r->q);
	for (int i = 0; i < F_COUNT; i++)
		if (r->font[i])
			pango_font_description_free(r->font[i]);
	if (r->ctx)
		g_object_unref(r->ctx);
	if (r->fm)
		g_object_unref(r->fm);
}

ep_status ep_doc_render_pdf(const ep_doc *d, ep_buf *out, ep_err *err)
{
	if (!d || !out)
		return ep_err_set(err, EP_E_INTERNAL, NULL, "no document to render");
	if (!d->filtered)
		return ep_err_set(err, EP_E_INTERNAL, NULL, "a document is rendered only after its release filter");
	size_t start = out->len;
	sink s = {.out = out};
	pdf r = {.d = d, .err = err, .sink = &s};
	r.surface = cairo_pdf_surface_create_for_stream(write_out, &s, PAGE_W, PAGE_H);
	r.cr = cairo_create(r.surface);
	if (cairo_status(r.cr) != CAIRO_STATUS_SUCCESS) {
		fail(&r, EP_E_INTERNAL, cairo_status_to_string(cairo_status(r.cr)));
	} else {
		set_metadata(&r);
		setup_text(&r);
		begin_page(&r);
		if (d->root)
			render_block(&r, d->root, NULL);
		finish_page(&r);
	}
	teardown_text(&r);
	/* After a failure the rest of the output is not wanted: cairo stops at the first refused
	 * write. */
	if (r.st != EP_OK)
		s.discard = true;
	cairo_destroy(r.cr);
	cairo_surface_finish(r.surface);
	if (r.st == EP_OK) {
		if (s.st == EP_E_LIMIT)
			fail(&r, EP_E_LIMIT, LIMIT_MSG);
		else if (s.st != EP_OK)
			fail(&r, EP_E_INTERNAL, "out of memory writing the PDF");
		else if (cairo_surface_status(r.surface) != CAIRO_STATUS_SUCCESS)
			fail(&r, EP_E_INTERNAL, cairo_status_to_string(cairo_surface_status(r.surface)));
	}
	cairo_surface_destroy(r.surface);
	/* Nothing half-written is left in the caller's buffer. */
	if (r.st != EP_OK && out->len > start) {
		out->len = start;
		out->data[start] = '\0';
	}
	return r.st;
}
