/*
 * The Council document model: a document built from the data (an OAP, a cycle's strategic
 * goals, a roll-up) as a tree of blocks, each block carrying its classification and marking.
 *
 * Life of a document: ep_doc_build() turns a source (JSON assembled by the service layer from
 * what the caller may read) into a tree; ep_doc_filter() applies a release level, or the
 * redaction map of a partial declassification, to the tree; only then does a renderer see it.
 * The filter drops the text of every withheld block and replaces the block by a marker
 * (DELETED, NOT DECLASSIFIED, or the tail marker), so that no renderer can ever print withheld
 * text: it is not in the tree it is handed.
 *
 * Every renderer takes a filtered document and appends its output to a capped ep_buf; going
 * over the cap is EP_E_LIMIT and the caller discards the buffer, so nothing half-written is
 * ever kept. Renderers never look at classification to decide what to show: the filter did.
 */
#ifndef EP_DOC_H
#define EP_DOC_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/status.h"

/* A release level: the highest classification shown, and whether LIMITE content is shown.
 * public = {0, 0}, limite = {0, 1}, restreint_ue = {1, 1}, ... tres_secret_ue = {4, 1}. */
typedef struct ep_release {
	int cls;
	int limite;
} ep_release;

/* "public", "limite", "restreint_ue", "confidentiel_ue", "secret_ue", "tres_secret_ue". */
ep_status ep_release_parse(const char *token, ep_release *out, ep_err *err);
const char *ep_release_token(ep_release r);
/* Whether content of this classification and marking may be shown at release r. */
bool ep_release_shows(ep_release r, int cls, int limite);

typedef enum ep_dkind {
	EP_D_DOC,      /* the root; its children are PARTs */
	EP_D_PART,     /* a part that starts on a new page: a cover page, the note, the plan */
	EP_D_DATELINE, /* text: "Brussels, 23 November 2017 (OR. en)" */
	EP_D_NUMBER,   /* text: "13874/17 EXT 1" */
	EP_D_MARKING,  /* text: the document's own marking line, "RESTREINT UE/EU RESTRICTED", "LIMITE" */
	EP_D_CODES,    /* children: LINEs, one subject code each ("JAI 988") */
	EP_D_LINE,     /* text: one line */
	EP_D_KIND,     /* text: "NOTE", "PARTIAL DECLASSIFICATION" */
	EP_D_META,     /* label: "From:", text: "Presidency"; a metadata line */
	EP_D_TITLE,    /* text: a centred bold title line */
	EP_D_SECTION,  /* label: its number ("5.1", may be NULL), text: its heading, level 1-3;
	                  children: its content */
	EP_D_PARA,     /* children: RUNs and inline MARKERs, in reading order */
	EP_D_RUN,      /* text: a stretch of a paragraph; style bits */
	EP_D_LIST,     /* children: ITEMs */
	EP_D_ITEM,     /* text: one list item */
	EP_D_TABLE,    /* level: how many leading ROWs are header rows (repeated on each page);
	                  children: ROWs */
	EP_D_ROW,      /* children: CELLs (or one MARKER for a withheld row) */
	EP_D_CELL,     /* text (may contain '\n' line breaks) */
	EP_D_MARKER,   /* text: what the filter leaves of withheld content; see ep_doc_filter */
} ep_dkind;

enum {
	EP_DS_BOLD = 1,
	EP_DS_ITALIC = 2,
	EP_DS_CENTER = 4,
};

/* How a partial declassification decided on a block (EP_DD_LEVEL: by the release level). */
typedef enum ep_ddecision {
	EP_DD_LEVEL = 0,
	EP_DD_RELEASED,
	EP_DD_DELETED,
	EP_DD_NOT_DECLASSIFIED,
} ep_ddecision;

/* A footnote of a block. Its reference mark follows the first occurrence of anchor in the
 * block's text (or ends the block if the anchor is not found); number is assigned by the
 * filter, in reading order over what is shown, from 1. */
typedef struct ep_dnote {
	const char *anchor;
	const char *text;
	int number;
} ep_dnote;

typedef struct ep_dnode ep_dnode;
struct ep_dnode {
	ep_dkind kind;
	int cls;               /* classification of this block's own content, 0-4 */
	int limite;            /* 1: LIMITE */
	ep_ddecision decision; /* set by the builder for a declassified version */
	int level;             /* SECTION: 1-3; TABLE: header rows */
	unsigned style;        /* EP_DS_* */
	const char *key;       /* the passage key or section number a redaction names, or NULL */
	const char *label;     /* META: its label; SECTION: its number */
	const char *text;      /* NULL where there is none; always NULL once withheld */
	ep_dnote *notes;       /* footnotes, nnotes of them */
	size_t nnotes;
	ep_dnode *first, *last, *next; /* children, in order */
};

/* A document, all of it in one arena. */
typedef struct ep_doc {
	ep_arena *arena;
	ep_dnode *root;
	const char *title;       /* for file metadata and the HTML <title> */
	const char *number;      /* the footer's document number, "13874/17 EXT 1" */
	const char *initials;    /* the footer's author initials, "SB/dk", or NULL */
	const char *directorate; /* the footer's directorate, "DGD 1", or NULL */
	const char *language;    /* "EN" */
	int pages;               /* the original's page count where known (the tail marker), or 0 */
	/* Set by ep_doc_filter: */
	bool filtered;
	ep_release release;
	int shown_cls;    /* the highest classification of what is shown: the page banner */
	int shown_limite; /* 1: LIMITE content is shown */
	int deleted;      /* how many DELETED markers */
	int not_declassified; /* how many NOT DECLASSIFIED sections (the tail counts once) */
} ep_doc;

/* ---- building ---- */

/* A new, empty node of the document's arena (NULL if out of memory or over the arena's cap). */
ep_dnode *ep_doc_node(ep_doc *d, ep_dkind kind, const char *text);
/* Appends child to parent; returns child. */
ep_dnode *ep_doc_append(ep_dnode *parent, ep_dnode *child);

/*
 * Builds the tree of a document from its source, a JSON object made by the service layer:
 *   {"kind": "oap" | "goals_note" | "monitoring_report" | "overview" | "document",
 *    "document": {the Council document record with "passages", or null},
 *    "ext": {the EXT record and its "redactions", or absent},
 *    "oap": {..., "sections": [...], "actions": [...]}, "cycle": {...}, "rollup": {...}}
 * (assembled by src/svc/svc_doc.c; docs/documents.md). A source is untrusted input: anything missing,
 * of the wrong type or too large is EP_E_INVALID naming the member, never a crash. Text that
 * is null in the source is text empact does not hold or the caller may not read; it stays
 * null in the tree. The document and its nodes live in arena a.
 */
ep_status ep_doc_build(ep_arena *a, json_t *src, ep_doc **out, ep_err *err);

/*
 * Applies release level r (and the decisions of a declassified version) to d, in place:
 * - a block not shown at r (or deleted by the redaction map, or without text) loses its text
 *   and notes; a paragraph run or a passage becomes the marker "DELETED", a table row becomes
 *   one "DELETED" row;
 * - a withheld section keeps its number and heading, and its content becomes the one marker
 *   "NOT DECLASSIFIED";
 * - withheld sections that run to the end of the last part become the one marker
 *   "NOT DECLASSIFIED FROM THIS POINT UNTIL THE END OF THE DOCUMENT (page N)" (N: d->pages;
 *   without it, no page);
 * then numbers the footnotes of what is shown and sets the shown marking.
 * Calling it twice is EP_E_INVALID.
 */
ep_status ep_doc_filter(ep_doc *d, ep_release r, ep_err *err);

/* The banner of what is shown: "RESTREINT UE/EU RESTRICTED", "LIMITE", or "" (public). */
const char *ep_doc_banner(const ep_doc *d);

/* ---- renderers: each appends to out and fails with EP_E_LIMIT past out's cap ---- */

typedef enum ep_dformat {
	EP_DF_TXT,
	EP_DF_HTML,
	EP_DF_PDF,
	EP_DF_DOCX,
	EP_DF_XLSX,
} ep_dformat;

/* "txt", "html", "pdf", "docx", "xlsx" -> format; EP_E_INVALID names the unknown one. */
ep_status ep_dformat_parse(const char *token, ep_dformat *out, ep_err *err);
const char *ep_dformat_token(ep_dformat f);
const char *ep_dformat_mime(ep_dformat f);

ep_status ep_doc_render(const ep_doc *d, ep_dformat f, ep_buf *out, ep_err *err);
ep_status ep_doc_render_txt(const ep_doc *d, ep_buf *out, ep_err *err);
ep_status ep_doc_render_html(const ep_doc *d, ep_buf *out, ep_err *err);
ep_status ep_doc_render_pdf(const ep_doc *d, ep_buf *out, ep_err *err);
ep_status ep_doc_render_docx(const ep_doc *d, ep_buf *out, ep_err *err);
/* The tables of the document, one worksheet each (the annex, each roll-up table); a document
 * without a table gets one sheet listing its paragraphs. */
ep_status ep_doc_render_xlsx(const ep_doc *d, ep_buf *out, ep_err *err);

/* Helpers the renderers share. */
/* The text of a footnote mark for number n ("1", "2", ...). */
/* Where note->anchor ends in text, or strlen(text) if absent. */
size_t ep_dnote_pos(const char *text, const ep_dnote *note);
/* The "date of document" as the Council writes it: "2017-11-23" -> "23 November 2017" into
 * out (at least 32 bytes); the input itself if it is not a date. */
void ep_doc_date_long(const char *iso, char *out, size_t n);

#endif
