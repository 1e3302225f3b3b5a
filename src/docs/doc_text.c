/*
 * Text helpers the renderers share (see doc_text.h).
 */
#include "docs/doc_text.h"

#include <string.h>

#include "core/banned.h"

void ep_doc_superscript(int n, char *out, size_t size)
{
	static const char *const SUP[] = {"⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"};
	char digits[16];
	snprintf(digits, sizeof digits, "%d", n < 0 ? 0 : n);
	size_t at = 0;
	if (size == 0)
		return;
	out[0] = '\0';
	for (const char *p = digits; *p; p++) {
		const char *s = SUP[*p - '0'];
		size_t l = strlen(s);
		if (at + l + 1 > size)
			break;
		memcpy(out + at, s, l);
		at += l;
		out[at] = '\0';
	}
}

bool ep_doc_needs_space(const char *prev, const char *next)
{
	if (!prev || !next || !*prev || !*next)
		return false;
	char last = prev[strlen(prev) - 1], first = next[0];
	if (last == ' ' || last == '(' || last == '\n' || last == '"')
		return false;
	return !strchr(" .,;:)!?'\n", first);
}

void ep_dnote_sort(const ep_dnode *n, ep_dnote_order *out)
{
	size_t pos[64];
	out->n = 0;
	for (size_t i = 0; i < n->nnotes && out->n < 64; i++) {
		size_t p = ep_dnote_pos(n->text, &n->notes[i]);
		size_t k = out->n++;
		/* Insertion sort: a block has a handful of notes; equal positions keep their order. */
		while (k > 0 && pos[k - 1] > p) {
			pos[k] = pos[k - 1];
			out->idx[k] = out->idx[k - 1];
			k--;
		}
		pos[k] = p;
		out->idx[k] = i;
	}
}

void ep_dnote_walk(const ep_dnode *n, ep_dtext_fn text, ep_dmark_fn mark, void *ctx)
{
	const char *s = n->text ? n->text : "";
	size_t at = 0, len = strlen(s);
	ep_dnote_order ord;
	ep_dnote_sort(n, &ord);
	for (size_t k = 0; k < ord.n; k++) {
		const ep_dnote *note = &n->notes[ord.idx[k]];
		size_t pos = ep_dnote_pos(s, note);
		if (pos < at)
			pos = at;
		text(ctx, s + at, pos - at);
		mark(ctx, note);
		at = pos;
	}
	text(ctx, s + at, len - at);
}
