/*
 * Text helpers the renderers share: footnote marks, the order of a block's footnotes, and the
 * space between two runs of one paragraph.
 */
#ifndef EP_DOC_TEXT_H
#define EP_DOC_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "docs/doc.h"

/* n as superscript digits ("¹²") into out (UTF-8, NUL-terminated). */
void ep_doc_superscript(int n, char *out, size_t size);

/* Whether a space goes between a run ending prev and one starting next ("the" + "DELETED":
 * yes; "DELETED" + ". This": no). */
bool ep_doc_needs_space(const char *prev, const char *next);

/* The footnotes of a block in the order their marks appear in its text (at most 64; the rest
 * keep their given order after them). */
typedef struct ep_dnote_order {
	size_t idx[64];
	size_t n;
} ep_dnote_order;
void ep_dnote_sort(const ep_dnode *n, ep_dnote_order *out);

/* Walks a block's text with its footnote marks in place: text(ctx, s, n) for each stretch of
 * text, mark(ctx, note) after each note's anchor, in the order the marks appear. */
typedef void (*ep_dtext_fn)(void *ctx, const char *s, size_t n);
typedef void (*ep_dmark_fn)(void *ctx, const ep_dnote *note);
void ep_dnote_walk(const ep_dnode *n, ep_dtext_fn text, ep_dmark_fn mark, void *ctx);

#endif
