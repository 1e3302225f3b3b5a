/*
 * The DOCX renderer: a filtered Council document as WordprocessingML written here, part by part,
 * and zipped in memory with libzip. The layout follows the Council's own: the date line, number
 * and marking on the right, the subject codes one per line, the kind centred, the metadata lines
 * "From:<tab>Presidency", then numbered headings that Word's navigation pane lists, paragraphs
 * with real Word footnotes, dash bullets, and tables whose header rows repeat on every page.
 * The page banner (the shown marking) is in the header and the footer of every page, with the
 * document number, the author's initials, the directorate, the language and the page number.
 *
 * Every part is built in its own ep_buf capped like the output, and any failing append is the
 * render limit: nothing half-written reaches the caller.
 */
#include "docs/doc.h"
#include "docs/doc_text.h"

#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <zip.h>

#include "core/banned.h"

/* A4 in twentieths of a point, 2.5 cm margins; TEXT_W is what is left between the margins. */
#define PAGE_W 11906
#define PAGE_H 16838
#define MARGIN 1418
#define TEXT_W (PAGE_W - 2 * MARGIN)
/* Word refuses tables wider than 63 columns; cells past it go into the last column. */
#define MAX_COLS 63
/* A tree built by ep_doc_build is a few levels deep; this only stops a hand-made cycle-free
 * but absurd tree from exhausting the stack. */
#define MAX_DEPTH 64

#define XML_DECL "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
#define NS_W "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define NS_R "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define REL "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
#define CT "application/vnd.openxmlformats-officedocument."
#define WT_OPEN "<w:t xml:space=\"preserve\">"

/* The parts of the package, in the order they are zipped ([Content_Types].xml first, as Word
 * itself writes it). */
enum {
	P_TYPES,
	P_RELS,
	P_CORE,
	P_APP,
	P_DOC,
	P_DOC_RELS,
	P_STYLES,
	P_SETTINGS,
	P_NUMBERING,
	P_FOOTNOTES,
	P_HEADER,
	P_FOOTER,
	P_COUNT
};

static const char *const PART_NAMES[P_COUNT] = {
        [P_TYPES] = "[Content_Types].xml",    [P_RELS] = "_rels/.rels",
        [P_CORE] = "docProps/core.xml",       [P_APP] = "docProps/app.xml",
        [P_DOC] = "word/document.xml",        [P_DOC_RELS] = "word/_rels/document.xml.rels",
        [P_STYLES] = "word/styles.xml",       [P_SETTINGS] = "word/settings.xml",
        [P_NUMBERING] = "word/numbering.xml", [P_FOOTNOTES] = "word/footnotes.xml",
        [P_HEADER] = "word/header1.xml",      [P_FOOTER] = "word/footer1.xml",
};

/* The state of one rendering. Appends are sticky: the first failure is kept in st and every
 * later append is skipped, so the walkers need not check each one. */
typedef struct rd {
	const ep_doc *d;
	ep_buf parts[P_COUNT];
	ep_status st;
	int fn;          /* the last footnote id used */
	int nparts;      /* PARTs seen: every one after the first starts a new page */
	bool page_break; /* the next block starts a new page */
	bool any;        /* the body holds at least one block */
} rd;

static void putn(rd *r, ep_buf *b, const char *s, size_t n)
{
	if (r->st == EP_OK && n && ep_buf_append(b, s, n) != EP_OK)
		r->st = EP_E_LIMIT;
}

static void put(rd *r, ep_buf *b, const char *s)
{
	putn(r, b, s, strlen(s));
}

static void putf(rd *r, ep_buf *b, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void putf(rd *r, ep_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (r->st == EP_OK && ep_buf_vprintf(b, fmt, ap) != EP_OK)
		r->st = EP_E_LIMIT;
	va_end(ap);
}

/* The length of the valid UTF-8 sequence at p (at most n bytes), or 0 if it is not one:
 * overlong forms, surrogates and code points past U+10FFFF are refused like stray bytes. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
	unsigned c = p[0];
	size_t len;
	unsigned lo = 0x80, hi = 0xBF;
	if (c >= 0xC2 && c <= 0xDF)
		len = 2;
	else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	} else
		return 0;
	if (n < len || p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (p[i] < 0x80 || p[i] > 0xBF)
			return 0;
	return len;
}

/*
 * Appends s[0..n) as XML character data. Markup characters become entities; what XML 1.0 does
 * not allow at all (control characters other than tab, newline and carriage return, U+FFFE,
 * U+FFFF, bytes that are not UTF-8) is dropped, since one such byte makes Word refuse the
 * whole file. Safe stretches are copied in one append.
 */
static void put_esc(rd *r, ep_buf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, start = 0;
	while (i < n && r->st == EP_OK) {
		unsigned c = p[i];
		const char *rep = NULL;
		size_t len = 1;
		if (c == '&')
			rep = "&amp;";
		else if (c == '<')
			rep = "&lt;";
		else if (c == '>')
			rep = "&gt;";
		else if (c == '"')
			rep = "&quot;";
		else if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
			rep = "";
		else if (c >= 0x80) {
			len = utf8_len(p + i, n - i);
			if (len == 0) {
				rep = "";
				len = 1;
			} else if (len == 3 && c == 0xEF && p[i + 1] == 0xBF && (p[i + 2] == 0xBE || p[i + 2] == 0xBF))
				rep = "";
		}
		if (rep) {
			putn(r, b, s + start, i - start);
			put(r, b, rep);
			start = i + len;
		}
		i += len;
	}
	if (start < n)
		putn(r, b, s + start, n - start);
}

static void put_esc_str(rd *r, ep_buf *b, const char *s)
{
	if (s)
		put_esc(r, b, s, strlen(s));
}

/* One run of s[0..n) in the given style: a line break becomes w:br and a tab w:tab, since Word
 * shows a raw newline or tab inside w:t as a plain space. */
static void put_run(rd *r, ep_buf *b, const char *s, size_t n, unsigned style)
{
	if (!s || n == 0)
		return;
	put(r, b, "<w:r>");
	if (style & (EP_DS_BOLD | EP_DS_ITALIC)) {
		put(r, b, "<w:rPr>");
		if (style & EP_DS_BOLD)
			put(r, b, "<w:b/><w:bCs/>");
		if (style & EP_DS_ITALIC)
			put(r, b, "<w:i/><w:iCs/>");
		put(r, b, "</w:rPr>");
	}
	put(r, b, WT_OPEN);
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c != '\n' && c != '\r' && c != '\t')
			continue;
		put_esc(r, b, s + start, i - start);
		if (c == '\r' && i + 1 < n && s[i + 1] == '\n')
			i++;
		put(r, b, c == '\t' ? "</w:t><w:tab/>" WT_OPEN : "</w:t><w:br/>" WT_OPEN);
		start = i + 1;
	}
	put_esc(r, b, s + start, n - start);
	put(r, b, "</w:t></w:r>");
}

static void put_run_str(rd *r, ep_buf *b, const char *s, unsigned style)
{
	if (s)
		put_run(r, b, s, strlen(s), style);
}

/*
 * A footnote: its reference mark in the body and its text in footnotes.xml. Word numbers the
 * marks itself in the order they appear, which is the filter's reading order; the id is the
 * note's number where that keeps ids unique and increasing, the next free one otherwise.
 */
static void put_footnote(rd *r, const ep_dnote *note)
{
	int id;
	if (note->number > r->fn)
		id = note->number;
	else if (r->fn < INT_MAX)
		id = r->fn + 1;
	else
		return;
	r->fn = id;
	putf(r, &r->parts[P_DOC],
	     "<w:r><w:rPr><w:rStyle w:val=\"FootnoteReference\"/></w:rPr><w:footnoteReference w:id=\"%d\"/></w:r>", id);
	ep_buf *fb = &r->parts[P_FOOTNOTES];
	putf(r, fb,
	     "<w:footnote w:id=\"%d\"><w:p><w:pPr><w:pStyle w:val=\"FootnoteText\"/></w:pPr>"
	     "<w:r><w:rPr><w:rStyle w:val=\"FootnoteReference\"/></w:rPr><w:footnoteRef/></w:r>",
	     id);
	put_run(r, fb, " ", 1, 0);
	put_run_str(r, fb, note->text, 0);
	put(r, fb, "</w:p></w:footnote>");
}

/*
 * A block's text with its footnote marks, each after its anchor (ep_dnote_pos). Marks are
 * placed in the order of the notes, which is the order the filter numbered them; a mark whose
 * anchor comes before the previous mark's follows that one, so Word's numbers stay the
 * filter's numbers.
 */
static void put_noted(rd *r, const char *text, const ep_dnote *notes, size_t nnotes, unsigned style)
{
	ep_buf *b = &r->parts[P_DOC];
	if (!text)
		text = ""; /* a block without text may still carry its notes' marks */
	size_t len = strlen(text), at = 0;
	for (size_t i = 0; notes && i < nnotes && r->st == EP_OK; i++) {
		size_t pos = ep_dnote_pos(text, &notes[i]);
		if (pos < at)
			pos = at;
		if (pos > len)
			pos = len;
		put_run(r, b, text + at, pos - at, style);
		at = pos;
		put_footnote(r, &notes[i]);
	}
	put_run(r, b, text + at, len - at, style);
}

static void put_node_text(rd *r, const ep_dnode *n, unsigned style)
{
	if (n->kind == EP_D_MARKER)
		style |= EP_DS_BOLD;
	put_noted(r, n->text, n->notes, n->nnotes, style);
}

/* Opens a body paragraph; a pending page break goes on it, so a new part starts a new page
 * without an empty paragraph at the top. */
static void p_open(rd *r, const char *style, const char *jc, bool bullet)
{
	ep_buf *b = &r->parts[P_DOC];
	r->any = true;
	if (!style && !r->page_break && !bullet && !jc) {
		put(r, b, "<w:p>");
		return;
	}
	put(r, b, "<w:p><w:pPr>");
	if (style)
		putf(r, b, "<w:pStyle w:val=\"%s\"/>", style);
	if (r->page_break) {
		put(r, b, "<w:pageBreakBefore/>");
		r->page_break = false;
	}
	if (bullet)
		put(r, b, "<w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"1\"/></w:numPr>");
	if (jc)
		putf(r, b, "<w:jc w:val=\"%s\"/>", jc);
	put(r, b, "</w:pPr>");
}

static void p_close(rd *r)
{
	put(r, &r->parts[P_DOC], "</w:p>");
}

/* A paragraph of one node's text; furniture without text (the filter withheld it) is left out. */
static void text_para(rd *r, const ep_dnode *n, const char *style, const char *jc, bool bullet)
{
	if (!n->text && n->nnotes == 0 && !bullet)
		return;
	p_open(r, style, jc, bullet);
	put_node_text(r, n, n->style);
	p_close(r);
}

/* ---- tables ---- */

/* A row that is one spanning cell: a withheld row (its only child the marker), or anything
 * other than a ROW found among a table's rows. */
static bool span_row(const ep_dnode *row)
{
	if (row->kind != EP_D_ROW)
		return true;
	return row->first && row->first == row->last && row->first->kind == EP_D_MARKER;
}

static const ep_dnode *span_content(const ep_dnode *row)
{
	return row->kind == EP_D_ROW ? row->first : row;
}

/* The longest line of s in characters, to share the width among the columns. */
static size_t longest_line(const char *s)
{
	size_t best = 0, cur = 0;
	for (const unsigned char *p = (const unsigned char *)s; s && *p; p++) {
		if (*p == '\n') {
			cur = 0;
			continue;
		}
		if ((*p & 0xC0) != 0x80 && ++cur > best)
			best = cur;
	}
	return best;
}

/* The longest word of a text, in tenths of an average character (a capital counts 1.4): a
 * column narrower than that breaks words. A hyphenated word may break after its hyphen. */
static size_t longest_word(const char *s)
{
	size_t best = 0, cur = 0;
	for (const char *p = s ? s : ""; *p; p++) {
		if (*p == ' ' || *p == '\n' || *p == '\t') {
			cur = 0;
			continue;
		}
		if (((unsigned char)*p & 0xC0) != 0x80)
			cur += (*p >= 'A' && *p <= 'Z') ? 14 : 10;
		if (cur > best)
			best = cur;
		if (*p == '-')
			cur = 0;
	}
	return best;
}

/* Column widths in twips summing to TEXT_W. Each column first gets room for its longest word
 * (so "No." and "JAD" never break inside a word), then what is left goes by the longest line of
 * each column, clamped so that a column of prose does not crowd out the others. */
static int table_grid(const ep_dnode *t, int widths[MAX_COLS])
{
	/* About 115 twips per character of the 10 pt table text (bold in the header), plus the
	 * cell's margins (108 twips a side). */
	enum { CHAR_W = 115, PAD = 226 };
	size_t weight[MAX_COLS] = {0}, word[MAX_COLS] = {0};
	int ncols = 0;
	for (const ep_dnode *row = t->first; row; row = row->next) {
		if (span_row(row))
			continue;
		int col = 0;
		for (const ep_dnode *c = row->first; c; c = c->next) {
			int k = col < MAX_COLS ? col : MAX_COLS - 1;
			size_t w = longest_line(c->text), wd = longest_word(c->text);
			if (w > weight[k])
				weight[k] = w;
			if (wd > word[k])
				word[k] = wd;
			if (col < MAX_COLS)
				col++;
		}
		if (col > ncols)
			ncols = col;
	}
	if (ncols == 0)
		ncols = 1;
	int minw[MAX_COLS], need = 0;
	for (int k = 0; k < ncols; k++) {
		size_t wd = word[k] > 240 ? 240 : word[k];
		minw[k] = (int)wd * CHAR_W / 10 + PAD;
		need += minw[k];
	}
	/* Too many columns for their words: the widest give way first (their long words break),
	 * so that short columns ("No.", "JAD") keep theirs. */
	while (need > TEXT_W) {
		int widest = 0;
		for (int k = 1; k < ncols; k++)
			if (minw[k] > minw[widest])
				widest = k;
		int cut = need - TEXT_W < 50 ? need - TEXT_W : 50;
		if (minw[widest] - cut < PAD + CHAR_W)
			break;
		minw[widest] -= cut;
		need -= cut;
	}
	if (need > TEXT_W) {
		for (int k = 0; k < ncols; k++)
			minw[k] = (int)((long)TEXT_W * minw[k] / need);
		need = TEXT_W;
	}
	int spare = TEXT_W - need;
	size_t sum = 0;
	for (int k = 0; k < ncols; k++) {
		size_t extra = weight[k] > word[k] / 10 ? weight[k] - word[k] / 10 : 0;
		if (extra > 40)
			extra = 40;
		weight[k] = extra;
		sum += extra;
	}
	int used = 0;
	for (int k = 0; k < ncols; k++) {
		int w = minw[k] + (sum ? (int)((long)spare * (long)weight[k] / (long)sum) : spare / ncols);
		widths[k] = k == ncols - 1 ? TEXT_W - used : w;
		used += widths[k];
	}
	return ncols;
}

static void cell_open(rd *r, int width, int span, bool header)
{
	ep_buf *b = &r->parts[P_DOC];
	putf(r, b, "<w:tc><w:tcPr><w:tcW w:w=\"%d\" w:type=\"dxa\"/>", width);
	if (span > 1)
		putf(r, b, "<w:gridSpan w:val=\"%d\"/>", span);
	if (header)
		put(r, b, "<w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"D9D9D9\"/>");
	put(r, b, "</w:tcPr>");
}

/* One paragraph of a cell; a cell always holds at least one, as Word requires. */
static void cell_para(rd *r, const ep_dnode *c, bool header)
{
	ep_buf *b = &r->parts[P_DOC];
	put(r, b, "<w:p><w:pPr><w:pStyle w:val=\"TableText\"/></w:pPr>");
	if (c)
		put_node_text(r, c, c->style | (header ? EP_DS_BOLD : 0));
	put(r, b, "</w:p>");
}

static void table(rd *r, const ep_dnode *t)
{
	ep_buf *b = &r->parts[P_DOC];
	int widths[MAX_COLS];
	if (!t->first)
		return;
	int ncols = table_grid(t, widths);
	/* A table cannot carry a page break itself: a part that opens with one gets a paragraph. */
	if (r->page_break) {
		p_open(r, "TableText", NULL, false);
		p_close(r);
	}
	put(r, b, "<w:tbl><w:tblPr><w:tblStyle w:val=\"TableGrid\"/>");
	putf(r, b, "<w:tblW w:w=\"%d\" w:type=\"dxa\"/>", TEXT_W);
	/* The borders are also given directly, so that a reader that ignores table styles draws them. */
	put(r, b,
	    "<w:tblBorders><w:top w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"auto\"/>"
	    "<w:left w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"auto\"/>"
	    "<w:bottom w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"auto\"/>"
	    "<w:right w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"auto\"/>"
	    "<w:insideH w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"auto\"/>"
	    "<w:insideV w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"auto\"/></w:tblBorders>"
	    "<w:tblLayout w:type=\"fixed\"/><w:tblLook w:val=\"04A0\"/></w:tblPr><w:tblGrid>");
	for (int k = 0; k < ncols; k++)
		putf(r, b, "<w:gridCol w:w=\"%d\"/>", widths[k]);
	put(r, b, "</w:tblGrid>");
	int ri = 0;
	for (const ep_dnode *row = t->first; row && r->st == EP_OK; row = row->next, ri++) {
		/* Only leading rows can repeat on each page, so the header rows are the first `level`. */
		bool header = ri < t->level;
		put(r, b, "<w:tr>");
		if (header)
			put(r, b, "<w:trPr><w:tblHeader/></w:trPr>");
		if (span_row(row)) {
			cell_open(r, TEXT_W, ncols, header);
			cell_para(r, span_content(row), header);
			put(r, b, "</w:tc>");
		} else {
			int col = 0;
			for (const ep_dnode *c = row->first; c; c = c->next) {
				if (col < ncols) {
					if (col > 0)
						put(r, b, "</w:tc>");
					cell_open(r, widths[col], 1, header);
					col++;
				}
				cell_para(r, c, header);
			}
			if (col == 0) {
				cell_open(r, widths[0], 1, header);
				cell_para(r, NULL, header);
				col = 1;
			}
			put(r, b, "</w:tc>");
			for (; col < ncols; col++) {
				cell_open(r, widths[col], 1, header);
				cell_para(r, NULL, header);
				put(r, b, "</w:tc>");
			}
		}
		put(r, b, "</w:tr>");
	}
	put(r, b, "</w:tbl>");
	/* Word merges two tables that touch and wants a paragraph after a table; this one is also
	 * the space between the table and what follows. */
	put(r, b, "<w:p/>");
	r->any = true;
}

/* ---- the body ---- */

static void block(rd *r, const ep_dnode *n, int depth);

static void blocks(rd *r, const ep_dnode *parent, int depth)
{
	for (const ep_dnode *c = parent->first; c && r->st == EP_OK; c = c->next)
		block(r, c, depth);
}

static void heading(rd *r, const ep_dnode *n, int depth)
{
	static const char *const STYLES[] = {"Heading1", "Heading2", "Heading3"};
	int level = n->level >= 1 && n->level <= 3 ? n->level : (depth < 1 ? 1 : depth > 3 ? 3 : depth);
	if (!n->label && !n->text && n->nnotes == 0)
		return;
	p_open(r, STYLES[level - 1], NULL, false);
	if (n->label && *n->label) {
		size_t len = strlen(n->label);
		/* "5.1" and "5.1." both read "5.1. Heading", as in the Council's own numbering. */
		put_run(r, &r->parts[P_DOC], n->label, len, 0);
		if (n->text)
			put_run_str(r, &r->parts[P_DOC], n->label[len - 1] == '.' ? " " : ". ", 0);
	}
	put_node_text(r, n, 0);
	p_close(r);
}

static void para(rd *r, const ep_dnode *n)
{
	if (!n->first && !n->text && n->nnotes == 0)
		return;
	p_open(r, NULL, (n->style & EP_DS_CENTER) ? "center" : NULL, false);
	unsigned base = n->style & (EP_DS_BOLD | EP_DS_ITALIC);
	if (n->text || n->nnotes)
		put_node_text(r, n, base);
	const char *prev = n->text;
	for (const ep_dnode *c = n->first; c; c = c->next) {
		/* Runs of one paragraph are joined as the other renderers join them. */
		if (prev && ep_doc_needs_space(prev, c->text))
			put(r, &r->parts[P_DOC], "<w:r><w:t xml:space=\"preserve\"> </w:t></w:r>");
		put_node_text(r, c, base | c->style);
		prev = c->text;
	}
	p_close(r);
}

static void meta(rd *r, const ep_dnode *n)
{
	if (!n->label && !n->text && n->nnotes == 0)
		return;
	p_open(r, "Meta", NULL, false);
	if (n->label) {
		put_run_str(r, &r->parts[P_DOC], n->label, 0);
		put(r, &r->parts[P_DOC], "<w:r><w:tab/></w:r>");
	}
	put_node_text(r, n, n->style);
	p_close(r);
}

static void block(rd *r, const ep_dnode *n, int depth)
{
	if (depth > MAX_DEPTH) {
		if (r->st == EP_OK)
			r->st = EP_E_INVALID;
		return;
	}
	switch (n->kind) {
	case EP_D_DOC:
		blocks(r, n, depth + 1);
		break;
	case EP_D_PART:
		if (r->nparts++ > 0)
			r->page_break = true;
		blocks(r, n, depth + 1);
		break;
	case EP_D_DATELINE:
	case EP_D_NUMBER:
		text_para(r, n, "Dateline", NULL, false);
		break;
	case EP_D_MARKING:
		text_para(r, n, "Marking", NULL, false);
		break;
	case EP_D_CODES:
		for (const ep_dnode *c = n->first; c; c = c->next)
			text_para(r, c, "CodeLine", NULL, false);
		break;
	case EP_D_LINE:
	case EP_D_RUN:
	case EP_D_CELL:
		text_para(r, n, NULL, (n->style & EP_DS_CENTER) ? "center" : NULL, false);
		break;
	case EP_D_KIND:
		text_para(r, n, "Kind", NULL, false);
		break;
	case EP_D_META:
		meta(r, n);
		break;
	case EP_D_TITLE:
		text_para(r, n, "Title", NULL, false);
		break;
	case EP_D_SECTION:
		heading(r, n, depth);
		blocks(r, n, depth + 1);
		break;
	case EP_D_PARA:
		para(r, n);
		break;
	case EP_D_LIST:
		for (const ep_dnode *c = n->first; c; c = c->next)
			if (c->text || c->nnotes)
				text_para(r, c, "ListBullet", NULL, true);
		break;
	case EP_D_ITEM:
		if (n->text || n->nnotes)
			text_para(r, n, "ListBullet", NULL, true);
		break;
	case EP_D_TABLE:
		table(r, n);
		break;
	case EP_D_ROW:
		blocks(r, n, depth + 1);
		break;
	case EP_D_MARKER:
		text_para(r, n, "Marker", NULL, false);
		break;
	}
}

/* The language of the text for Word's proofing: the document's two- or three-letter language
 * code ("EN" is British English, as in the Council's own documents). */
static void put_lang(rd *r, ep_buf *b)
{
	const char *l = r->d->language;
	char code[4] = "";
	size_t n = l ? strlen(l) : 0;
	if (n == 2 && (l[0] == 'E' || l[0] == 'e') && (l[1] == 'N' || l[1] == 'n'))
		n = 0;
	for (size_t i = 0; i < n && n <= 3; i++) {
		char c = l[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c < 'a' || c > 'z') {
			n = 0;
			break;
		}
		code[i] = c;
		code[i + 1] = '\0';
	}
	if (n < 2 || n > 3)
		put(r, b, "<w:lang w:val=\"en-GB\" w:eastAsia=\"en-GB\" w:bidi=\"ar-SA\"/>");
	else
		putf(r, b, "<w:lang w:val=\"%s\"/>", code);
}

static void document_part(rd *r)
{
	ep_buf *b = &r->parts[P_DOC];
	put(r, b, XML_DECL "<w:document xmlns:w=\"" NS_W "\" xmlns:r=\"" NS_R "\"><w:body>");
	if (r->d->root)
		block(r, r->d->root, 0);
	if (!r->any)
		put(r, b, "<w:p/>");
	putf(r, b,
	     "<w:sectPr><w:headerReference w:type=\"default\" r:id=\"rIdHeader1\"/>"
	     "<w:footerReference w:type=\"default\" r:id=\"rIdFooter1\"/>"
	     "<w:pgSz w:w=\"%d\" w:h=\"%d\"/>"
	     "<w:pgMar w:top=\"%d\" w:right=\"%d\" w:bottom=\"%d\" w:left=\"%d\" w:header=\"709\" w:footer=\"709\" "
	     "w:gutter=\"0\"/><w:cols w:space=\"708\"/></w:sectPr></w:body></w:document>",
	     PAGE_W, PAGE_H, MARGIN, MARGIN, MARGIN, MARGIN);
}

/* ---- the fixed parts ---- */

static void footnotes_open(rd *r)
{
	/* Word requires the separator (-1) and continuation separator (0) footnotes, named again
	 * in settings.xml, before any real footnote. */
	put(r, &r->parts[P_FOOTNOTES],
	    XML_DECL
	    "<w:footnotes xmlns:w=\"" NS_W "\" xmlns:r=\"" NS_R "\">"
	    "<w:footnote w:type=\"separator\" w:id=\"-1\"><w:p><w:pPr><w:spacing w:after=\"0\" w:line=\"240\" "
	    "w:lineRule=\"auto\"/></w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>"
	    "<w:footnote w:type=\"continuationSeparator\" w:id=\"0\"><w:p><w:pPr><w:spacing w:after=\"0\" "
	    "w:line=\"240\" w:lineRule=\"auto\"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>");
}

static void header_footer(rd *r)
{
	const char *banner = ep_doc_banner(r->d);
	ep_buf *h = &r->parts[P_HEADER], *f = &r->parts[P_FOOTER];
	put(r, h, XML_DECL "<w:hdr xmlns:w=\"" NS_W "\" xmlns:r=\"" NS_R "\">");
	put(r, h, "<w:p><w:pPr><w:pStyle w:val=\"Header\"/><w:jc w:val=\"center\"/></w:pPr>");
	put_run_str(r, h, banner, EP_DS_BOLD);
	put(r, h, "</w:p></w:hdr>");

	put(r, f, XML_DECL "<w:ftr xmlns:w=\"" NS_W "\" xmlns:r=\"" NS_R "\">");
	if (banner && *banner) {
		put(r, f, "<w:p><w:pPr><w:pStyle w:val=\"Footer\"/><w:jc w:val=\"center\"/></w:pPr>");
		put_run_str(r, f, banner, EP_DS_BOLD);
		put(r, f, "</w:p>");
	}
	/* "13874/17 EXT 1   SB/dk" on the left, "DGD 1   EN" at the right tab of the Footer style. */
	const ep_doc *d = r->d;
	put(r, f, "<w:p><w:pPr><w:pStyle w:val=\"Footer\"/></w:pPr>");
	put_run_str(r, f, d->number, 0);
	if (d->number && d->initials)
		put_run(r, f, "   ", 3, 0);
	put_run_str(r, f, d->initials, 0);
	put(r, f, "<w:r><w:tab/></w:r>");
	put_run_str(r, f, d->directorate, 0);
	if (d->directorate && d->language)
		put_run(r, f, "   ", 3, 0);
	put_run_str(r, f, d->language, 0);
	put(r, f, "</w:p>");
	put(r, f,
	    "<w:p><w:pPr><w:pStyle w:val=\"Footer\"/><w:jc w:val=\"center\"/></w:pPr>"
	    "<w:fldSimple w:instr=\" PAGE \"><w:r><w:t>1</w:t></w:r></w:fldSimple></w:p></w:ftr>");
}

static void style_para(rd *r, ep_buf *b, const char *id, const char *name, bool custom, const char *ppr,
                       const char *rpr)
{
	putf(r, b, "<w:style w:type=\"paragraph\"%s w:styleId=\"%s\"><w:name w:val=\"%s\"/>",
	     custom ? " w:customStyle=\"1\"" : "", id, name);
	put(r, b, "<w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:qFormat/>");
	if (ppr)
		putf(r, b, "<w:pPr>%s</w:pPr>", ppr);
	if (rpr)
		putf(r, b, "<w:rPr>%s</w:rPr>", rpr);
	put(r, b, "</w:style>");
}

/* One right tab at the margin: the footer's tab puts the directorate and language there. */
#define TABS "<w:tabs><w:tab w:val=\"right\" w:pos=\"9070\"/></w:tabs>"
_Static_assert(TEXT_W == 9070, "the tab stops of the Header and Footer styles are at the right margin");
#define TIGHT "<w:spacing w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/>"

static void styles_part(rd *r)
{
	ep_buf *b = &r->parts[P_STYLES];
	put(r, b,
	    XML_DECL "<w:styles xmlns:w=\"" NS_W "\"><w:docDefaults><w:rPrDefault><w:rPr>"
	             "<w:rFonts w:ascii=\"Times New Roman\" w:eastAsia=\"Times New Roman\" w:hAnsi=\"Times New Roman\" "
	             "w:cs=\"Times New Roman\"/><w:sz w:val=\"24\"/><w:szCs w:val=\"24\"/>");
	put_lang(r, b);
	put(r, b,
	    "</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after=\"240\" w:line=\"360\" "
	    "w:lineRule=\"auto\"/></w:pPr></w:pPrDefault></w:docDefaults>"
	    "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/>"
	    "<w:qFormat/><w:pPr><w:widowControl/><w:jc w:val=\"both\"/></w:pPr></w:style>"
	    "<w:style w:type=\"character\" w:default=\"1\" w:styleId=\"DefaultParagraphFont\">"
	    "<w:name w:val=\"Default Paragraph Font\"/><w:uiPriority w:val=\"1\"/><w:semiHidden/><w:unhideWhenUsed/>"
	    "</w:style>"
	    "<w:style w:type=\"table\" w:default=\"1\" w:styleId=\"TableNormal\"><w:name w:val=\"Normal Table\"/>"
	    "<w:uiPriority w:val=\"99\"/><w:semiHidden/><w:unhideWhenUsed/><w:tblPr><w:tblInd w:w=\"0\" "
	    "w:type=\"dxa\"/><w:tblCellMar><w:top w:w=\"0\" w:type=\"dxa\"/><w:left w:w=\"108\" w:type=\"dxa\"/>"
	    "<w:bottom w:w=\"0\" w:type=\"dxa\"/><w:right w:w=\"108\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr>"
	    "</w:style>"
	    "<w:style w:type=\"numbering\" w:default=\"1\" w:styleId=\"NoList\"><w:name w:val=\"No List\"/>"
	    "<w:uiPriority w:val=\"99\"/><w:semiHidden/><w:unhideWhenUsed/></w:style>");
	/* Word lists a paragraph in its navigation pane by the style's outline level. */
	style_para(r, b, "Title", "Title", false,
	           "<w:keepNext/><w:spacing w:before=\"240\" w:after=\"240\"/><w:jc w:val=\"center\"/>",
	           "<w:b/><w:bCs/>");
	style_para(r, b, "Heading1", "heading 1", false,
	           "<w:keepNext/><w:keepLines/><w:spacing w:before=\"360\" w:after=\"240\"/><w:jc w:val=\"left\"/>"
	           "<w:outlineLvl w:val=\"0\"/>",
	           "<w:b/><w:bCs/>");
	style_para(r, b, "Heading2", "heading 2", false,
	           "<w:keepNext/><w:keepLines/><w:spacing w:before=\"240\" w:after=\"240\"/><w:jc w:val=\"left\"/>"
	           "<w:outlineLvl w:val=\"1\"/>",
	           "<w:b/><w:bCs/>");
	style_para(r, b, "Heading3", "heading 3", false,
	           "<w:keepNext/><w:keepLines/><w:spacing w:before=\"240\" w:after=\"240\"/><w:jc w:val=\"left\"/>"
	           "<w:outlineLvl w:val=\"2\"/>",
	           "<w:b/><w:bCs/><w:i/><w:iCs/>");
	style_para(r, b, "FootnoteText", "footnote text", false, TIGHT, "<w:sz w:val=\"20\"/><w:szCs w:val=\"20\"/>");
	put(r, b,
	    "<w:style w:type=\"character\" w:styleId=\"FootnoteReference\"><w:name w:val=\"footnote reference\"/>"
	    "<w:basedOn w:val=\"DefaultParagraphFont\"/><w:rPr><w:vertAlign w:val=\"superscript\"/></w:rPr>"
	    "</w:style>");
	style_para(r, b, "Header", "header", false, TABS TIGHT, NULL);
	style_para(r, b, "Footer", "footer", false, TABS TIGHT "<w:jc w:val=\"left\"/>",
	           "<w:sz w:val=\"20\"/><w:szCs w:val=\"20\"/>");
	style_para(r, b, "ListBullet", "List Bullet", false, "<w:spacing w:after=\"120\"/>", NULL);
	style_para(r, b, "Dateline", "Dateline", true, "<w:spacing w:after=\"120\"/><w:jc w:val=\"right\"/>", NULL);
	style_para(r, b, "Marking", "Marking", true, "<w:spacing w:after=\"120\"/><w:jc w:val=\"right\"/>",
	           "<w:b/><w:bCs/>");
	style_para(r, b, "CodeLine", "Code Line", true,
	           "<w:spacing w:after=\"0\"/><w:ind w:left=\"6237\"/>"
	           "<w:jc w:val=\"left\"/>",
	           NULL);
	style_para(r, b, "Kind", "Kind", true,
	           "<w:keepNext/><w:spacing w:before=\"480\" w:after=\"480\"/><w:jc w:val=\"center\"/>",
	           "<w:b/><w:bCs/>");
	style_para(r, b, "Meta", "Meta", true,
	           "<w:tabs><w:tab w:val=\"left\" w:pos=\"2268\"/></w:tabs><w:spacing w:after=\"120\"/>"
	           "<w:ind w:left=\"2268\" w:hanging=\"2268\"/><w:jc w:val=\"left\"/>",
	           NULL);
	style_para(r, b, "Marker", "Marker", true, NULL, "<w:b/><w:bCs/>");
	style_para(r, b, "TableText", "Table Text", true, TIGHT "<w:jc w:val=\"left\"/>",
	           "<w:sz w:val=\"20\"/><w:szCs w:val=\"20\"/>");
	put(r, b,
	    "<w:style w:type=\"table\" w:styleId=\"TableGrid\"><w:name w:val=\"Table Grid\"/>"
	    "<w:basedOn w:val=\"TableNormal\"/><w:uiPriority w:val=\"59\"/><w:pPr>" TIGHT "</w:pPr>"
	    "<w:tblPr><w:tblBorders><w:top w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"auto\"/>"
	    "<w:left w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"auto\"/>"
	    "<w:bottom w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"auto\"/>"
	    "<w:right w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"auto\"/>"
	    "<w:insideH w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"auto\"/>"
	    "<w:insideV w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"auto\"/></w:tblBorders></w:tblPr>"
	    "</w:style></w:styles>");
}

static void fixed_parts(rd *r)
{
	put(r, &r->parts[P_TYPES],
	    XML_DECL
	    "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
	    "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
	    "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
	    "<Override PartName=\"/word/document.xml\" ContentType=\"" CT "wordprocessingml.document.main+xml\"/>"
	    "<Override PartName=\"/word/styles.xml\" ContentType=\"" CT "wordprocessingml.styles+xml\"/>"
	    "<Override PartName=\"/word/settings.xml\" ContentType=\"" CT "wordprocessingml.settings+xml\"/>"
	    "<Override PartName=\"/word/numbering.xml\" ContentType=\"" CT "wordprocessingml.numbering+xml\"/>"
	    "<Override PartName=\"/word/footnotes.xml\" ContentType=\"" CT "wordprocessingml.footnotes+xml\"/>"
	    "<Override PartName=\"/word/header1.xml\" ContentType=\"" CT "wordprocessingml.header+xml\"/>"
	    "<Override PartName=\"/word/footer1.xml\" ContentType=\"" CT "wordprocessingml.footer+xml\"/>"
	    "<Override PartName=\"/docProps/core.xml\" "
	    "ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>"
	    "<Override PartName=\"/docProps/app.xml\" ContentType=\"" CT "extended-properties+xml\"/>"
	    "</Types>");
	put(r, &r->parts[P_RELS],
	    XML_DECL "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	             "<Relationship Id=\"rId1\" Type=\"" REL "officeDocument\" Target=\"word/document.xml\"/>"
	             "<Relationship Id=\"rId2\" "
	             "Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" "
	             "Target=\"docProps/core.xml\"/>"
	             "<Relationship Id=\"rId3\" Type=\"" REL "extended-properties\" Target=\"docProps/app.xml\"/>"
	             "</Relationships>");
	put(r, &r->parts[P_DOC_RELS],
	    XML_DECL "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	             "<Relationship Id=\"rIdStyles\" Type=\"" REL "styles\" Target=\"styles.xml\"/>"
	             "<Relationship Id=\"rIdSettings\" Type=\"" REL "settings\" Target=\"settings.xml\"/>"
	             "<Relationship Id=\"rIdNumbering\" Type=\"" REL "numbering\" Target=\"numbering.xml\"/>"
	             "<Relationship Id=\"rIdFootnotes\" Type=\"" REL "footnotes\" Target=\"footnotes.xml\"/>"
	             "<Relationship Id=\"rIdHeader1\" Type=\"" REL "header\" Target=\"header1.xml\"/>"
	             "<Relationship Id=\"rIdFooter1\" Type=\"" REL "footer\" Target=\"footer1.xml\"/>"
	             "</Relationships>");
	ep_buf *c = &r->parts[P_CORE];
	put(r, c,
	    XML_DECL "<cp:coreProperties "
	             "xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" "
	             "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" "
	             "xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" "
	             "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><dc:title>");
	put_esc_str(r, c, r->d->title);
	put(r, c, "</dc:title><dc:creator>empact</dc:creator><cp:lastModifiedBy>empact</cp:lastModifiedBy>");
	if (r->d->number) {
		put(r, c, "<dc:identifier>");
		put_esc_str(r, c, r->d->number);
		put(r, c, "</dc:identifier>");
	}
	put(r, c, "</cp:coreProperties>");
	put(r, &r->parts[P_APP],
	    XML_DECL "<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\" "
	             "xmlns:vt=\"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes\">"
	             "<Application>empact</Application><DocSecurity>0</DocSecurity></Properties>");
	put(r, &r->parts[P_SETTINGS],
	    XML_DECL
	    "<w:settings xmlns:w=\"" NS_W "\"><w:zoom w:percent=\"100\"/>"
	    "<w:defaultTabStop w:val=\"709\"/><w:characterSpacingControl w:val=\"doNotCompress\"/>"
	    "<w:footnotePr><w:footnote w:id=\"-1\"/><w:footnote w:id=\"0\"/></w:footnotePr>"
	    "<w:compat><w:compatSetting w:name=\"compatibilityMode\" "
	    "w:uri=\"http://schemas.microsoft.com/office/word\" "
	    "w:val=\"15\"/></w:compat><w:decimalSymbol w:val=\".\"/><w:listSeparator w:val=\",\"/></w:settings>");
	/* The Council's dash bullet, hanging so that wrapped lines align with the text. */
	put(r, &r->parts[P_NUMBERING],
	    XML_DECL
	    "<w:numbering xmlns:w=\"" NS_W "\"><w:abstractNum w:abstractNumId=\"0\">"
	    "<w:multiLevelType w:val=\"singleLevel\"/><w:lvl w:ilvl=\"0\"><w:start w:val=\"1\"/>"
	    "<w:numFmt w:val=\"bullet\"/><w:lvlText w:val=\"\xE2\x80\x93\"/><w:lvlJc w:val=\"left\"/>"
	    "<w:pPr><w:ind w:left=\"567\" w:hanging=\"567\"/></w:pPr><w:rPr><w:rFonts w:ascii=\"Times New Roman\" "
	    "w:hAnsi=\"Times New Roman\" w:cs=\"Times New Roman\"/></w:rPr></w:lvl></w:abstractNum>"
	    "<w:num w:numId=\"1\"><w:abstractNumId w:val=\"0\"/></w:num></w:numbering>");
}

/* ---- the package ---- */

/* A fixed entry time (2018-01-01), so that the same document always gives the same bytes. */
#define ENTRY_MTIME ((time_t)1514764800)

/*
 * Zips the parts into an archive held in memory and appends it to out. The parts' buffers are
 * only lent to libzip (it reads them in zip_close), so their owner frees them on every path.
 */
static ep_status zip_parts(ep_buf parts[P_COUNT], ep_buf *out, ep_err *err)
{
	ep_status s = EP_E_INTERNAL;
	zip_error_t ze;
	zip_t *za = NULL;
	bool opened = false;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
	if (!src)
		goto done;
	za = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
	if (!za)
		goto done;
	/* The archive is read back from src after zip_close, which would otherwise free it. */
	zip_source_keep(src);
	for (int i = 0; i < P_COUNT; i++) {
		zip_source_t *ps = zip_source_buffer(za, ep_buf_str(&parts[i]), parts[i].len, 0);
		if (!ps)
			goto done;
		zip_int64_t idx = zip_file_add(za, PART_NAMES[i], ps, ZIP_FL_ENC_UTF_8);
		if (idx < 0) {
			zip_source_free(ps);
			goto done;
		}
		if (zip_file_set_mtime(za, (zip_uint64_t)idx, ENTRY_MTIME, 0) != 0)
			goto done;
	}
	if (zip_close(za) != 0)
		goto done;
	za = NULL;
	zip_stat_t st;
	zip_stat_init(&st);
	if (zip_source_stat(src, &st) != 0 || !(st.valid & ZIP_STAT_SIZE))
		goto done;
	if (st.size > SIZE_MAX || ep_buf_reserve(out, (size_t)st.size) != EP_OK) {
		s = EP_E_LIMIT;
		goto done;
	}
	if (zip_source_open(src) != 0)
		goto done;
	opened = true;
	size_t have = 0, want = (size_t)st.size;
	while (have < want) {
		zip_int64_t got = zip_source_read(src, out->data + out->len + have, want - have);
		if (got <= 0)
			goto done;
		have += (size_t)got;
	}
	out->len += have;
	out->data[out->len] = '\0';
	s = EP_OK;
done:
	if (opened)
		zip_source_close(src);
	if (za)
		zip_discard(za);
	zip_source_free(src);
	zip_error_fini(&ze);
	if (s == EP_E_LIMIT)
		ep_err_set(err, s, NULL, "the document is larger than the render limit");
	else if (s != EP_OK)
		ep_err_set(err, s, NULL, "the DOCX archive could not be written");
	return s;
}

ep_status ep_doc_render_docx(const ep_doc *d, ep_buf *out, ep_err *err)
{
	ep_status s = EP_OK;
	size_t start = out->len;
	rd r = {.d = d};
	for (int i = 0; i < P_COUNT; i++)
		ep_buf_init(&r.parts[i], out->max);
	if (!d || !d->filtered) {
		s = ep_err_set(err, EP_E_INTERNAL, NULL, "a document is rendered only after its release filter");
		goto done;
	}
	footnotes_open(&r);
	document_part(&r);
	put(&r, &r.parts[P_FOOTNOTES], "</w:footnotes>");
	header_footer(&r);
	styles_part(&r);
	fixed_parts(&r);
	if (r.st == EP_E_INVALID) {
		s = ep_err_set(err, EP_E_INVALID, NULL, "the document is nested too deeply to render");
		goto done;
	}
	if (r.st != EP_OK) {
		s = ep_err_set(err, EP_E_LIMIT, NULL, "the document is larger than the render limit");
		goto done;
	}
	s = zip_parts(r.parts, out, err);
done:
	for (int i = 0; i < P_COUNT; i++)
		ep_buf_release(&r.parts[i]);
	/* Nothing half-written is left behind in out. */
	if (s != EP_OK && out->len > start) {
		out->len = start;
		out->data[start] = '\0';
	}
	return s;
}
