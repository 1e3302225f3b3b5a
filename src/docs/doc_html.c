/*
 * The HTML renderer: one self-contained page (its stylesheet inline in a <style> element, no
 * script) laid out like the Council document, with a print stylesheet: A4 pages, each part
 * starting on a new page, the marking banner at the top and bottom, table headers repeated on
 * each printed page. Every text is escaped here, at render time.
 */
#include <string.h>

#include "docs/doc.h"
#include "docs/doc_text.h"

#include "core/banned.h"

static const char CSS[] =
	"body{font-family:'Liberation Serif','Times New Roman',serif;font-size:12pt;line-height:1.35;"
	"max-width:48em;margin:2em auto;padding:0 1em;color:#000;background:#fff}"
	".banner{text-align:center;font-weight:bold;letter-spacing:.05em;border:2px solid #000;padding:.2em;"
	"margin:.5em 0}"
	".part{margin-bottom:3em}.part+.part{border-top:1px dashed #888;padding-top:2em}"
	".dateline,.number{text-align:right;margin:.2em 0}.number{font-weight:bold;font-size:14pt}"
	".marking{text-align:right;font-weight:bold}"
	".codes{list-style:none;padding:0;margin:1em 0}.kind{text-align:center;font-weight:bold;"
	"font-size:14pt;margin:1.5em 0}"
	"dl.meta{display:grid;grid-template-columns:9em 1fr;gap:.2em 1em;margin:1em 0}"
	"dl.meta dt{font-weight:normal}dl.meta dd{margin:0}"
	".title{text-align:center;font-weight:bold;font-size:14pt}"
	"h2{font-size:12pt;margin:1.2em 0 .4em}h3{font-size:12pt;margin:1em 0 .4em}"
	"h4{font-size:12pt;font-style:italic;margin:1em 0 .4em}"
	".marker{font-weight:bold}p.marker{text-align:left}"
	"table{border-collapse:collapse;width:100%;font-size:10pt;margin:1em 0}"
	"th,td{border:1px solid #000;padding:.25em .4em;vertical-align:top;text-align:left}"
	"thead{display:table-header-group}td.withheld{font-weight:bold}"
	".notes{font-size:10pt;border-top:1px solid #000;margin-top:1em;padding-top:.3em}"
	".notes p{margin:.2em 0}"
	"footer.doc{font-size:10pt;display:flex;justify-content:space-between;border-top:1px solid #000;"
	"margin-top:2em;padding-top:.3em}"
	"@page{size:A4;margin:2cm}"
	"@media print{body{margin:0;max-width:none}.part{break-before:page;border:0}"
	".part:first-of-type{break-before:auto}tr{break-inside:avoid}"
	".banner.top{position:running(top)}}";

typedef struct html {
	ep_buf *out;
	ep_status st;
	const ep_dnote *notes[512];
	size_t nnotes;
} html;

static void put(html *h, const char *s)
{
	if (h->st == EP_OK && s)
		h->st = ep_buf_puts(h->out, s);
}

/* Escapes text for element content and attribute values alike. */
static void esc_n(html *h, const char *s, size_t n)
{
	size_t run = 0;
	for (size_t i = 0; i < n && h->st == EP_OK; i++) {
		const char *rep = NULL;
		switch (s[i]) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = "&quot;";
			break;
		case '\'':
			rep = "&#39;";
			break;
		default:
			continue;
		}
		if (i > run)
			h->st = ep_buf_append(h->out, s + run, i - run);
		put(h, rep);
		run = i + 1;
	}
	if (h->st == EP_OK && n > run)
		h->st = ep_buf_append(h->out, s + run, n - run);
}

static void esc(html *h, const char *s)
{
	if (s)
		esc_n(h, s, strlen(s));
}

static void text_cb(void *ctx, const char *s, size_t n)
{
	esc_n(ctx, s, n);
}

static void mark_cb(void *ctx, const ep_dnote *note)
{
	char mark[96];
	snprintf(mark, sizeof mark, "<sup><a href=\"#fn%d\" id=\"fr%d\">%d</a></sup>", note->number, note->number,
		 note->number);
	put(ctx, mark);
}

/* A text with its footnote marks (links to the notes at the end of the part). */
static void marked(html *h, const ep_dnode *n)
{
	ep_dnote_walk(n, text_cb, mark_cb, h);
	for (size_t i = 0; i < n->nnotes; i++)
		if (h->nnotes < sizeof h->notes / sizeof h->notes[0])
			h->notes[h->nnotes++] = &n->notes[i];
}

static void flush_notes(html *h)
{
	if (!h->nnotes)
		return;
	put(h, "<aside class=\"notes\" aria-label=\"Footnotes\">");
	for (size_t i = 0; i < h->nnotes; i++) {
		char head[96];
		snprintf(head, sizeof head, "<p id=\"fn%d\"><sup>%d</sup> ", h->notes[i]->number, h->notes[i]->number);
		put(h, head);
		esc(h, h->notes[i]->text);
		put(h, "</p>");
	}
	put(h, "</aside>\n");
	h->nnotes = 0;
}

static void styled_open(html *h, unsigned style)
{
	if (style & EP_DS_BOLD)
		put(h, "<strong>");
	if (style & EP_DS_ITALIC)
		put(h, "<em>");
}

static void styled_close(html *h, unsigned style)
{
	if (style & EP_DS_ITALIC)
		put(h, "</em>");
	if (style & EP_DS_BOLD)
		put(h, "</strong>");
}

static void node(html *h, const ep_dnode *n);

static void children(html *h, const ep_dnode *n)
{
	for (const ep_dnode *c = n->first; c && h->st == EP_OK; c = c->next)
		node(h, c);
}

static void simple(html *h, const char *open, const ep_dnode *n, const char *close)
{
	put(h, open);
	marked(h, n);
	put(h, close);
}

static void table(html *h, const ep_dnode *n)
{
	int ncols = 1;
	for (const ep_dnode *r = n->first; r; r = r->next) {
		int c = 0;
		for (const ep_dnode *x = r->first; x; x = x->next)
			c++;
		if (c > ncols)
			ncols = c;
	}
	put(h, "<table>");
	int row = 0;
	bool body = false;
	for (const ep_dnode *r = n->first; r && h->st == EP_OK; r = r->next, row++) {
		bool head = row < n->level;
		if (row == 0 && head)
			put(h, "<thead>");
		if (!head && !body) {
			if (row > 0)
				put(h, "</thead>");
			put(h, "<tbody>");
			body = true;
		}
		put(h, "<tr>");
		if (r->first && r->first->kind == EP_D_MARKER) {
			char td[64];
			snprintf(td, sizeof td, "<td class=\"withheld\" colspan=\"%d\">", ncols);
			put(h, td);
			esc(h, r->first->text);
			put(h, "</td>");
		} else {
			for (const ep_dnode *c = r->first; c; c = c->next) {
				put(h, head ? "<th scope=\"col\">" : "<td>");
				const char *s = c->text ? c->text : "";
				for (const char *nl; (nl = strchr(s, '\n')); s = nl + 1) {
					esc_n(h, s, (size_t)(nl - s));
					put(h, "<br>");
				}
				esc(h, s);
				put(h, head ? "</th>" : "</td>");
			}
		}
		put(h, "</tr>");
	}
	put(h, body ? "</tbody>" : n->level > 0 && n->first ? "</thead>" : "");
	put(h, "</table>\n");
}

static void node(html *h, const ep_dnode *n)
{
	switch (n->kind) {
	case EP_D_DOC:
		children(h, n);
		break;
	case EP_D_PART:
		put(h, "<section class=\"part\">\n");
		children(h, n);
		flush_notes(h);
		put(h, "</section>\n");
		break;
	case EP_D_DATELINE:
		simple(h, "<p class=\"dateline\">", n, "</p>\n");
		break;
	case EP_D_NUMBER:
		simple(h, "<p class=\"number\">", n, "</p>\n");
		break;
	case EP_D_MARKING:
		simple(h, "<p class=\"marking\">", n, "</p>\n");
		break;
	case EP_D_CODES:
		put(h, "<ul class=\"codes\">");
		for (const ep_dnode *c = n->first; c; c = c->next)
			simple(h, "<li>", c, "</li>");
		put(h, "</ul>\n");
		break;
	case EP_D_LINE:
		simple(h, "<p>", n, "</p>\n");
		break;
	case EP_D_KIND:
		simple(h, "<p class=\"kind\">", n, "</p>\n");
		break;
	case EP_D_META:
		put(h, "<dl class=\"meta\"><dt>");
		esc(h, n->label);
		put(h, "</dt><dd>");
		marked(h, n);
		put(h, "</dd></dl>\n");
		break;
	case EP_D_TITLE:
		simple(h, "<p class=\"title\">", n, "</p>\n");
		break;
	case EP_D_SECTION: {
		int lv = n->level < 1 ? 1 : n->level > 3 ? 3 : n->level;
		char open[16], close[16];
		snprintf(open, sizeof open, "<h%d>", lv + 1);
		snprintf(close, sizeof close, "</h%d>\n", lv + 1);
		put(h, "<section>");
		put(h, open);
		if (n->label && *n->label) {
			esc(h, n->label);
			put(h, ". ");
		}
		esc(h, n->text);
		put(h, close);
		children(h, n);
		put(h, "</section>\n");
		break;
	}
	case EP_D_PARA: {
		put(h, "<p>");
		const char *prev = NULL;
		for (const ep_dnode *c = n->first; c; c = c->next) {
			if (prev && ep_doc_needs_space(prev, c->text))
				put(h, " ");
			unsigned st = c->kind == EP_D_MARKER ? EP_DS_BOLD : c->style;
			if (c->kind == EP_D_MARKER)
				put(h, "<span class=\"marker\">");
			styled_open(h, st);
			marked(h, c);
			styled_close(h, st);
			if (c->kind == EP_D_MARKER)
				put(h, "</span>");
			prev = c->text;
		}
		put(h, "</p>\n");
		break;
	}
	case EP_D_RUN:
	case EP_D_ITEM:
	case EP_D_CELL:
		simple(h, "<p>", n, "</p>\n");
		break;
	case EP_D_LIST:
		put(h, "<ul>");
		for (const ep_dnode *c = n->first; c; c = c->next)
			simple(h, "<li>", c, "</li>");
		put(h, "</ul>\n");
		break;
	case EP_D_TABLE:
		table(h, n);
		break;
	case EP_D_ROW:
		children(h, n);
		break;
	case EP_D_MARKER:
		simple(h, "<p class=\"marker\"><strong>", n, "</strong></p>\n");
		break;
	}
}

ep_status ep_doc_render_html(const ep_doc *d, ep_buf *out, ep_err *err)
{
	html h = {.out = out, .st = EP_OK};
	const char *banner = ep_doc_banner(d);
	put(&h, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>");
	esc(&h, d->title);
	put(&h, "</title><style>");
	put(&h, CSS);
	put(&h, "</style></head><body>\n");
	if (*banner) {
		put(&h, "<div class=\"banner top\" role=\"note\">");
		esc(&h, banner);
		put(&h, "</div>\n");
	}
	put(&h, "<main>\n");
	if (d->root)
		node(&h, d->root);
	flush_notes(&h);
	put(&h, "</main>\n<footer class=\"doc\"><span>");
	esc(&h, d->number);
	if (d->initials) {
		put(&h, " ");
		esc(&h, d->initials);
	}
	put(&h, "</span><span>");
	if (d->directorate) {
		esc(&h, d->directorate);
		put(&h, " ");
	}
	esc(&h, d->language);
	put(&h, "</span></footer>\n");
	if (*banner) {
		put(&h, "<div class=\"banner bottom\" role=\"note\">");
		esc(&h, banner);
		put(&h, "</div>\n");
	}
	put(&h, "</body></html>\n");
	if (h.st == EP_E_LIMIT)
		return ep_err_set(err, EP_E_LIMIT, NULL, "the document is larger than the render limit");
	if (h.st != EP_OK)
		return ep_err_set(err, h.st, NULL, "the document could not be rendered as HTML");
	return EP_OK;
}
