/*
 * The HTML template engine (see tmpl.h).
 *
 * Compiling scans the text once for "{{" and turns it into a flat array of operations: text
 * spans (offsets into the kept copy of the source), values (raw or escaped, with their filters),
 * sections that know the index of the operation after their body, and partials. Paths are split
 * into NUL-terminated segments in a pool sized from the text, so that rendering never parses
 * or allocates for a lookup.
 *
 * Rendering is a loop over an explicit stack of frames rather than recursion: a frame runs a
 * range of one template's operations and may push a context (an array item, an object). A
 * section pushes a frame for its body; a partial pushes a frame for the whole other template.
 * The stack is bounded by construction (sections nest at most EP_TMPL_MAX_NESTING deep in one
 * template, partials EP_TMPL_MAX_PARTIAL_DEPTH deep), and everything it holds lives on the
 * caller's stack or heap, so one compiled set serves any number of threads.
 */
#include "view/tmpl.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/time.h"
#include "core/classif.h"
#include "core/banned.h"

enum op_kind { OP_TEXT, OP_VAR, OP_RAW, OP_SECTION, OP_INVERTED, OP_EQ, OP_NEQ, OP_PARTIAL };
enum path_kind { PATH_KEYS, PATH_DOT, PATH_INDEX, PATH_FIRST, PATH_LAST };
enum filter { F_DATE, F_DATETIME, F_LABEL, F_UPPER, F_LOWER, F_COUNT, F_URL, F_CLASS };

static const char *const filter_names[] = {
        [F_DATE] = "date",   [F_DATETIME] = "datetime", [F_LABEL] = "label", [F_UPPER] = "upper",
        [F_LOWER] = "lower", [F_COUNT] = "count",       [F_URL] = "url",      [F_CLASS] = "classification",
};

typedef struct seg {
	const char *key; /* NUL-terminated, in the template's pool */
	size_t idx;      /* the array index the segment names; SIZE_MAX when it is not a number */
} seg;

typedef struct op {
	uint8_t kind, path, nfilt;
	uint8_t filt[EP_TMPL_MAX_FILTERS];
	uint32_t a, b;      /* OP_TEXT: offset and length in the source; sections: a is the op after the body */
	uint32_t seg, nseg; /* the path's segments (PATH_KEYS) */
	uint32_t line, col; /* where the tag is, for render errors */
	const char *str;    /* a comparison's text or a partial's name, NUL-terminated, in the pool */
	size_t slen;
} op;

typedef struct tmpl {
	char *name;
	char *src; /* the template text */
	size_t len;
	op *ops;
	size_t nops, capops;
	seg *segs;
	size_t nsegs, capsegs;
	char *pool; /* the strings of paths, comparisons and partial names: they fit in len + 1 bytes */
	size_t pool_len, pool_cap;
} tmpl;

struct ep_tmpl_set {
	tmpl **t; /* sorted by name, for a binary search */
	size_t n, cap;
};

/* ---- the set ---- */

static void tmpl_free(tmpl *t)
{
	if (!t)
		return;
	free(t->name);
	free(t->src);
	free(t->ops);
	free(t->segs);
	free(t->pool);
	free(t);
}

ep_tmpl_set *ep_tmpl_set_new(void)
{
	return calloc(1, sizeof(ep_tmpl_set));
}

void ep_tmpl_set_free(ep_tmpl_set *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		tmpl_free(s->t[i]);
	free(s->t);
	free(s);
}

/* The index of name in s, or where it would go (*found false). */
static size_t find(const ep_tmpl_set *s, const char *name, bool *found)
{
	size_t lo = 0, hi = s->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(s->t[mid]->name, name);
		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = false;
	return lo;
}

static const tmpl *get(const ep_tmpl_set *s, const char *name)
{
	bool found;
	size_t i = find(s, name, &found);
	return found ? s->t[i] : NULL;
}

bool ep_tmpl_has(const ep_tmpl_set *s, const char *name)
{
	return s && name && get(s, name) != NULL;
}

/* ---- compiling ---- */

typedef struct open_sec {
	uint32_t op;      /* the section's operation */
	size_t at;        /* the offset of its tag */
	const char *path; /* the path text, which the closing tag must repeat */
	size_t plen;
	const char *tag; /* the tag's content, for messages */
	size_t taglen;
} open_sec;

typedef struct comp {
	tmpl *t;
	ep_err *err;
	open_sec open[EP_TMPL_MAX_NESTING];
	size_t nopen;
	/* a cursor that turns offsets into line:col as the scan moves forward */
	size_t lc_off;
	unsigned lc_line, lc_col;
} comp;

/* What one tag asks for, before it becomes an operation. */
enum tag_kind { T_VAR, T_RAW, T_OPEN, T_CLOSE, T_COMMENT, T_PARTIAL };
typedef struct tag {
	enum tag_kind kind;
	op o;
	const char *path; /* T_OPEN, T_CLOSE: the path text */
	size_t plen;
} tag;

#define MSG_TEXT 60 /* at most this much of a template's text is quoted in a message */

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void trim(const char **p, size_t *n)
{
	while (*n && is_ws(**p)) {
		(*p)++;
		(*n)--;
	}
	while (*n && is_ws((*p)[*n - 1]))
		(*n)--;
}

static void lc_to(comp *c, size_t off)
{
	if (off < c->lc_off) {
		c->lc_off = 0;
		c->lc_line = 1;
		c->lc_col = 1;
	}
	const char *s = c->t->src;
	for (; c->lc_off < off; c->lc_off++) {
		unsigned char ch = (unsigned char)s[c->lc_off];
		if (ch == '\n') {
			c->lc_line++;
			c->lc_col = 1;
		} else if ((ch & 0xC0) != 0x80) {
			c->lc_col++; /* columns count characters, not the continuation bytes of UTF-8 */
		}
	}
}

static ep_status cerr(comp *c, ep_status st, size_t at, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static ep_status cerr(comp *c, ep_status st, size_t at, const char *fmt, ...)
{
	char msg[EP_ERR_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	lc_to(c, at);
	return ep_err_set(c->err, st, c->t->name, "%s:%u:%u: %s", c->t->name, c->lc_line, c->lc_col, msg);
}

static int clip(size_t n)
{
	return n > MSG_TEXT ? MSG_TEXT : (int)n;
}

static ep_status oom(comp *c)
{
	return ep_err_set(c->err, EP_E_INTERNAL, c->t->name, "%s: out of memory", c->t->name);
}

/* Copies n bytes into the pool, NUL-terminated. The pool holds len + 1 bytes, and every string
 * put there is shorter than the tag it comes from, so it cannot run out; the check stays. */
static const char *pool_put(tmpl *t, const char *p, size_t n)
{
	if (t->pool_cap - t->pool_len < n + 1)
		return NULL;
	char *dst = t->pool + t->pool_len;
	memcpy(dst, p, n);
	dst[n] = '\0';
	t->pool_len += n + 1;
	return dst;
}

static bool grow(void **arr, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return true;
	size_t nc = *cap ? *cap * 2 : 16;
	while (nc < need)
		nc *= 2;
	void *p = realloc(*arr, nc * size);
	if (!p)
		return false;
	*arr = p;
	*cap = nc;
	return true;
}

static bool path_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' ||
	       ch == '.' || ch == '-' || ch == '@';
}

static ep_status bad_char(comp *c, size_t at, char ch, const char *what)
{
	unsigned char u = (unsigned char)ch;
	if (u >= 0x20 && u < 0x7F)
		return cerr(c, EP_E_INVALID, at, "'%c' is not allowed in a %s", ch, what);
	return cerr(c, EP_E_INVALID, at, "byte 0x%02x is not allowed in a %s", u, what);
}

/* Parses a path into o (path kind and segments). */
static ep_status parse_path(comp *c, size_t at, const char *p, size_t n, op *o)
{
	if (n == 0)
		return cerr(c, EP_E_INVALID, at, "a path is missing");
	for (size_t i = 0; i < n; i++)
		if (!path_char(p[i]))
			return bad_char(c, at, p[i], "path");
	if (n == 1 && p[0] == '.') {
		o->path = PATH_DOT;
		return EP_OK;
	}
	if (memchr(p, '@', n)) {
		if (n == 6 && memcmp(p, "@index", 6) == 0)
			o->path = PATH_INDEX;
		else if (n == 6 && memcmp(p, "@first", 6) == 0)
			o->path = PATH_FIRST;
		else if (n == 5 && memcmp(p, "@last", 5) == 0)
			o->path = PATH_LAST;
		else
			return cerr(c, EP_E_INVALID, at, "\"%.*s\": '@' is only for @index, @first and @last", clip(n),
			            p);
		return EP_OK;
	}
	tmpl *t = c->t;
	o->path = PATH_KEYS;
	o->seg = (uint32_t)t->nsegs;
	o->nseg = 0;
	size_t start = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && p[i] != '.')
			continue;
		if (i == start)
			return cerr(c, EP_E_INVALID, at, "\"%.*s\" has an empty segment", clip(n), p);
		if (!grow((void **)&t->segs, &t->capsegs, t->nsegs + 1, sizeof(seg)))
			return oom(c);
		seg *s = &t->segs[t->nsegs++];
		s->key = pool_put(t, p + start, i - start);
		if (!s->key)
			return oom(c);
		s->idx = 0;
		for (size_t k = start; k < i && s->idx != SIZE_MAX; k++) {
			if (p[k] < '0' || p[k] > '9')
				s->idx = SIZE_MAX;
			else if (s->idx > SIZE_MAX / 20)
				s->idx = SIZE_MAX - 1; /* beyond any array */
			else
				s->idx = s->idx * 10 + (size_t)(p[k] - '0');
		}
		o->nseg++;
		start = i + 1;
	}
	return EP_OK;
}

static ep_status parse_var(comp *c, size_t at, const char *p, size_t n, tag *tg)
{
	const char *bar = memchr(p, '|', n);
	size_t plen = bar ? (size_t)(bar - p) : n;
	const char *path = p;
	trim(&path, &plen);
	tg->kind = T_VAR;
	tg->o.kind = OP_VAR;
	ep_status st = parse_path(c, at, path, plen, &tg->o);
	while (st == EP_OK && bar) {
		const char *f = bar + 1;
		size_t rest = n - (size_t)(f - p);
		bar = memchr(f, '|', rest);
		size_t flen = bar ? (size_t)(bar - f) : rest;
		trim(&f, &flen);
		if (flen == 0)
			return cerr(c, EP_E_INVALID, at, "a filter name is missing after '|'");
		if (tg->o.nfilt == EP_TMPL_MAX_FILTERS)
			return cerr(c, EP_E_INVALID, at, "more than %d filters", EP_TMPL_MAX_FILTERS);
		size_t k = 0, nf = sizeof filter_names / sizeof filter_names[0];
		while (k < nf && !(strlen(filter_names[k]) == flen && memcmp(filter_names[k], f, flen) == 0))
			k++;
		if (k == nf)
			return cerr(c, EP_E_INVALID, at, "unknown filter \"%.*s\"", clip(flen), f);
		tg->o.filt[tg->o.nfilt++] = (uint8_t)k;
	}
	return st;
}

/* Parses the content of the tag at offset at (between its braces) into tg. */
static ep_status parse_tag(comp *c, size_t at, bool triple, const char *p, size_t n, tag *tg)
{
	memset(tg, 0, sizeof *tg);
	trim(&p, &n);
	if (n == 0)
		return cerr(c, EP_E_INVALID, at, "empty tag");
	if (triple) {
		const char *last = p + n;
		while (last > p && last[-1] != '.')
			last--;
		if ((size_t)(p + n - last) < 5 || memcmp(last, "safe_", 5) != 0)
			return cerr(c, EP_E_INVALID, at, "raw output is only for safe_ keys ({{{%.*s}}})", clip(n), p);
		if (memchr(p, '|', n))
			return cerr(c, EP_E_INVALID, at, "filters are not allowed in raw output");
		tg->kind = T_RAW;
		tg->o.kind = OP_RAW;
		return parse_path(c, at, p, n, &tg->o);
	}
	char sigil = p[0];
	const char *r = p + 1;
	size_t rn = n - 1;
	trim(&r, &rn);
	switch (sigil) {
	case '!':
		tg->kind = T_COMMENT;
		return EP_OK;
	case '#':
	case '^': {
		const char *eq = memchr(r, '=', rn);
		tg->kind = T_OPEN;
		tg->path = r;
		tg->plen = eq ? (size_t)(eq - r) : rn;
		trim(&tg->path, &tg->plen);
		if (eq) {
			const char *lit = eq + 1;
			size_t llen = rn - (size_t)(lit - r);
			trim(&lit, &llen);
			tg->o.kind = sigil == '#' ? OP_EQ : OP_NEQ;
			tg->o.str = pool_put(c->t, lit, llen);
			tg->o.slen = llen;
			if (!tg->o.str)
				return oom(c);
		} else {
			tg->o.kind = sigil == '#' ? OP_SECTION : OP_INVERTED;
		}
		if (tg->plen == 0)
			return cerr(c, EP_E_INVALID, at, "{{%.*s}}: a section needs a path", clip(n), p);
		return parse_path(c, at, tg->path, tg->plen, &tg->o);
	}
	case '/':
		tg->kind = T_CLOSE;
		tg->path = r;
		tg->plen = rn;
		if (rn == 0)
			return cerr(c, EP_E_INVALID, at, "{{/}}: a closing tag needs the path of its section");
		return EP_OK;
	case '>':
		tg->kind = T_PARTIAL;
		tg->o.kind = OP_PARTIAL;
		if (rn == 0)
			return cerr(c, EP_E_INVALID, at, "{{>}}: a partial needs a template name");
		for (size_t i = 0; i < rn; i++)
			if (r[i] == '@' || (!path_char(r[i]) && r[i] != '/'))
				return bad_char(c, at, r[i], "template name");
		tg->o.str = pool_put(c->t, r, rn);
		tg->o.slen = rn;
		if (!tg->o.str)
			return oom(c);
		return EP_OK;
	default:
		return parse_var(c, at, p, n, tg);
	}
}

static ep_status emit(comp *c, const op *o)
{
	tmpl *t = c->t;
	if (!grow((void **)&t->ops, &t->capops, t->nops + 1, sizeof(op)))
		return oom(c);
	t->ops[t->nops++] = *o;
	return EP_OK;
}

static ep_status emit_text(comp *c, size_t from, size_t to)
{
	if (to <= from)
		return EP_OK;
	op o;
	memset(&o, 0, sizeof o);
	o.kind = OP_TEXT;
	o.a = (uint32_t)from;
	o.b = (uint32_t)(to - from);
	return emit(c, &o);
}

/* Turns a parsed tag at offset at into operations and section bookkeeping. */
static ep_status apply_tag(comp *c, size_t at, const char *content, size_t clen, tag *tg)
{
	lc_to(c, at);
	tg->o.line = c->lc_line;
	tg->o.col = c->lc_col;
	switch (tg->kind) {
	case T_COMMENT:
		return EP_OK;
	case T_VAR:
	case T_RAW:
	case T_PARTIAL:
		return emit(c, &tg->o);
	case T_OPEN: {
		if (c->nopen == EP_TMPL_MAX_NESTING)
			return cerr(c, EP_E_LIMIT, at, "sections nest deeper than %d", EP_TMPL_MAX_NESTING);
		open_sec *os = &c->open[c->nopen++];
		os->op = (uint32_t)c->t->nops;
		os->at = at;
		os->path = tg->path;
		os->plen = tg->plen;
		os->tag = content;
		os->taglen = clen;
		return emit(c, &tg->o);
	}
	case T_CLOSE: {
		if (c->nopen == 0)
			return cerr(c, EP_E_INVALID, at, "{{/%.*s}} closes no section", clip(tg->plen), tg->path);
		open_sec *os = &c->open[c->nopen - 1];
		if (os->plen != tg->plen || memcmp(os->path, tg->path, tg->plen) != 0) {
			lc_to(c, os->at);
			unsigned line = c->lc_line;
			return cerr(c, EP_E_INVALID, at, "{{/%.*s}} does not close {{%.*s}} opened at line %u",
			            clip(tg->plen), tg->path, clip(os->taglen), os->tag, line);
		}
		c->t->ops[os->op].a = (uint32_t)c->t->nops;
		c->nopen--;
		return EP_OK;
	}
	}
	return EP_OK;
}

/* A standalone tag has only spaces and tabs between the start of its line and it, and between
 * it and the end of its line. Gives the line's start and where the text after it resumes. */
static bool standalone(const char *s, size_t len, size_t open, size_t after, size_t *line_start, size_t *next)
{
	size_t i = open;
	while (i > 0 && (s[i - 1] == ' ' || s[i - 1] == '\t'))
		i--;
	if (i > 0 && s[i - 1] != '\n')
		return false;
	size_t j = after;
	while (j < len && (s[j] == ' ' || s[j] == '\t'))
		j++;
	if (j < len && s[j] == '\r' && j + 1 < len && s[j + 1] == '\n')
		j++;
	if (j < len && s[j] != '\n')
		return false;
	*line_start = i;
	*next = j < len ? j + 1 : len;
	return true;
}

/* The first occurrence of pat (m bytes) in s (n bytes), or NULL; memmem is a GNU extension. */
static const char *find_mem(const char *s, size_t n, const char *pat, size_t m)
{
	while (n >= m) {
		const char *p = memchr(s, pat[0], n - m + 1);
		if (!p)
			return NULL;
		if (memcmp(p, pat, m) == 0)
			return p;
		n -= (size_t)(p - s) + 1;
		s = p + 1;
	}
	return NULL;
}

static ep_status compile(comp *c)
{
	tmpl *t = c->t;
	const char *s = t->src;
	size_t len = t->len, pos = 0, text_start = 0;
	for (;;) {
		const char *hit = find_mem(s + pos, len - pos, "{{", 2);
		if (!hit)
			break;
		size_t open = (size_t)(hit - s);
		bool triple = open + 2 < len && s[open + 2] == '{';
		size_t cstart = open + (triple ? 3 : 2);
		const char *close = find_mem(s + cstart, len - cstart, triple ? "}}}" : "}}", triple ? 3 : 2);
		if (!close)
			return cerr(c, EP_E_INVALID, open, "unterminated tag (no \"%s\")", triple ? "}}}" : "}}");
		size_t cend = (size_t)(close - s), after = cend + (triple ? 3 : 2);
		tag tg;
		ep_status st = parse_tag(c, open, triple, s + cstart, cend - cstart, &tg);
		if (st != EP_OK)
			return st;
		size_t ls, next;
		if (!triple && tg.kind != T_VAR && standalone(s, len, open, after, &ls, &next)) {
			st = emit_text(c, text_start, ls);
			pos = text_start = next;
		} else {
			st = emit_text(c, text_start, open);
			pos = text_start = after;
		}
		if (st == EP_OK) {
			const char *content = s + cstart;
			size_t clen = cend - cstart;
			trim(&content, &clen);
			st = apply_tag(c, open, content, clen, &tg);
		}
		if (st != EP_OK)
			return st;
	}
	ep_status st = emit_text(c, text_start, len);
	if (st != EP_OK)
		return st;
	if (c->nopen) {
		open_sec *os = &c->open[c->nopen - 1];
		return cerr(c, EP_E_INVALID, os->at, "{{%.*s}} is never closed", clip(os->taglen), os->tag);
	}
	return EP_OK;
}

ep_status ep_tmpl_add(ep_tmpl_set *s, const char *name, const char *text, size_t len, ep_err *err)
{
	if (!s || !name || !name[0] || (!text && len))
		return ep_err_set(err, EP_E_INVALID, name, "a template needs a name and a text");
	bool found;
	size_t at = find(s, name, &found);
	if (found)
		return ep_err_set(err, EP_E_INVALID, name, "%s: a template of this name exists already", name);
	if (len > EP_TMPL_MAX_TEXT)
		return ep_err_set(err, EP_E_LIMIT, name, "%s:1:1: the template is larger than %zu bytes", name,
		                  EP_TMPL_MAX_TEXT);
	if (!grow((void **)&s->t, &s->cap, s->n + 1, sizeof(tmpl *)))
		return ep_err_set(err, EP_E_INTERNAL, name, "%s: out of memory", name);
	tmpl *t = calloc(1, sizeof *t);
	comp *c = calloc(1, sizeof *c);
	size_t nlen = strlen(name);
	if (t) {
		t->name = malloc(nlen + 1);
		t->src = malloc(len + 1);
		t->pool = malloc(len + 1);
		t->pool_cap = len + 1;
		t->len = len;
	}
	if (!t || !c || !t->name || !t->src || !t->pool) {
		tmpl_free(t);
		free(c);
		return ep_err_set(err, EP_E_INTERNAL, name, "%s: out of memory", name);
	}
	memcpy(t->name, name, nlen + 1);
	if (len)
		memcpy(t->src, text, len);
	t->src[len] = '\0';
	c->t = t;
	c->err = err;
	c->lc_line = c->lc_col = 1;
	ep_status st = compile(c);
	free(c);
	if (st != EP_OK) {
		tmpl_free(t);
		return st;
	}
	memmove(s->t + at + 1, s->t + at, (s->n - at) * sizeof(tmpl *));
	s->t[at] = t;
	s->n++;
	return EP_OK;
}

/* ---- text helpers ---- */

ep_status ep_html_escape(ep_buf *out, const char *s, size_t n)
{
	static const char *const rep[256] = {
	        ['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;", ['"'] = "&quot;", ['\''] = "&#39;",
	};
	size_t run = 0;
	ep_status st = EP_OK;
	for (size_t i = 0; i < n && st == EP_OK; i++) {
		const char *r = rep[(unsigned char)s[i]];
		if (!r)
			continue;
		if (i > run)
			st = ep_buf_append(out, s + run, i - run);
		if (st == EP_OK)
			st = ep_buf_puts(out, r);
		run = i + 1;
	}
	if (st == EP_OK && n > run)
		st = ep_buf_append(out, s + run, n - run);
	return st;
}

/* The other case of code point c, for ASCII and the letters of the EU's languages that are two
 * bytes in UTF-8 with a two-byte partner (Latin-1, Latin Extended-A, Greek, Cyrillic); c itself
 * when it has none here. Mappings that change the length (dotless i, sharp s) are left out. */
static uint32_t case_of(uint32_t c, bool up)
{
	if (up) {
		if ((c >= 'a' && c <= 'z') || (c >= 0xE0 && c <= 0xFE && c != 0xF7))
			return c - 0x20;
		if (c == 0xFF)
			return 0x178;
		if ((c >= 0x100 && c <= 0x137) || (c >= 0x14A && c <= 0x177))
			return (c & 1) && c != 0x131 ? c - 1 : c;
		if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E))
			return (c & 1) ? c : c - 1;
		if ((c >= 0x3B1 && c <= 0x3CB && c != 0x3C2))
			return c - 0x20;
		if (c == 0x3C2)
			return 0x3A3;
		if (c == 0x3AC)
			return 0x386;
		if (c >= 0x3AD && c <= 0x3AF)
			return c - 0x25;
		if (c == 0x3CC)
			return 0x38C;
		if (c == 0x3CD || c == 0x3CE)
			return c - 0x3F;
		if (c >= 0x430 && c <= 0x44F)
			return c - 0x20;
		if (c >= 0x450 && c <= 0x45F)
			return c - 0x50;
		return c;
	}
	if ((c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0xDE && c != 0xD7))
		return c + 0x20;
	if (c == 0x178)
		return 0xFF;
	if ((c >= 0x100 && c <= 0x137) || (c >= 0x14A && c <= 0x177))
		return (c & 1) || c == 0x130 ? c : c + 1;
	if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E))
		return (c & 1) ? c + 1 : c;
	if (c >= 0x391 && c <= 0x3AB && c != 0x3A2)
		return c + 0x20;
	if (c == 0x386)
		return 0x3AC;
	if (c >= 0x388 && c <= 0x38A)
		return c + 0x25;
	if (c == 0x38C)
		return 0x3CC;
	if (c == 0x38E || c == 0x38F)
		return c + 0x3F;
	if (c >= 0x410 && c <= 0x42F)
		return c + 0x20;
	if (c >= 0x400 && c <= 0x40F)
		return c + 0x50;
	return c;
}

/* Changes the case of the character at s[*i] in place (ASCII or two bytes) and moves past it;
 * anything else is stepped over byte by byte, unchanged. */
static void case_step(char *s, size_t n, size_t *i, bool up)
{
	unsigned char b0 = (unsigned char)s[*i];
	if (b0 < 0x80) {
		s[*i] = (char)case_of(b0, up);
		(*i)++;
		return;
	}
	if (b0 >= 0xC2 && b0 <= 0xDF && *i + 1 < n && ((unsigned char)s[*i + 1] & 0xC0) == 0x80) {
		uint32_t cp = ((uint32_t)(b0 & 0x1F) << 6) | ((unsigned char)s[*i + 1] & 0x3F);
		uint32_t m = case_of(cp, up); /* stays within U+0080..U+07FF: two bytes again */
		s[*i] = (char)(0xC0 | (m >> 6));
		s[*i + 1] = (char)(0x80 | (m & 0x3F));
		*i += 2;
		return;
	}
	(*i)++;
}

static bool digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static unsigned two(const char *s)
{
	return (unsigned)(s[0] - '0') * 10 + (unsigned)(s[1] - '0');
}

/* Formats an ISO 8601 date ("2026-11-23") or UTC timestamp ("2026-11-23T10:05:00Z", a space
 * for the T, seconds and fraction optional) the European way into out; false when s is not one. */
static bool euro_date(const char *s, size_t n, bool with_time, char out[32])
{
	if (n < 10)
		return false;
	char day[11];
	memcpy(day, s, 10);
	day[10] = '\0';
	if (ep_date_parse(day, NULL) != EP_OK)
		return false;
	bool has_time = n > 10;
	unsigned h = 0, mi = 0;
	if (has_time) {
		if ((s[10] != 'T' && s[10] != ' ') || n < 16 || !digits(s + 11, 2) || s[13] != ':' ||
		    !digits(s + 14, 2))
			return false;
		h = two(s + 11);
		mi = two(s + 14);
		size_t i = 16;
		if (i < n && s[i] == ':') {
			if (i + 3 > n || !digits(s + i + 1, 2) || two(s + i + 1) > 59)
				return false;
			i += 3;
			if (i < n && s[i] == '.') {
				size_t k = ++i;
				while (i < n && s[i] >= '0' && s[i] <= '9')
					i++;
				if (i == k)
					return false;
			}
		}
		if (i < n && s[i] == 'Z')
			i++;
		if (i != n || h > 23 || mi > 59)
			return false;
	}
	/* "DD.MM.YYYY" and " HH:MM", written directly: this runs for every date cell of a table */
	const char src[] = {s[8], s[9], '.', s[5], s[6], '.', s[0], s[1], s[2], s[3]};
	memcpy(out, src, sizeof src);
	size_t n_out = sizeof src;
	if (has_time && with_time) {
		const char tm[] = {' ', s[11], s[12], ':', s[14], s[15]};
		memcpy(out + n_out, tm, sizeof tm);
		n_out += sizeof tm;
	}
	out[n_out] = '\0';
	return true;
}

/* Appends s with every byte but A-Za-z0-9-._~ percent-encoded. */
static ep_status url_encode(ep_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	ep_status st = ep_buf_reserve(b, n * 3);
	if (st != EP_OK)
		return st;
	char *d = b->data + b->len;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-' ||
		    ch == '.' || ch == '_' || ch == '~') {
			*d++ = (char)ch;
		} else {
			*d++ = '%';
			*d++ = hex[ch >> 4];
			*d++ = hex[ch & 15];
		}
	}
	b->len = (size_t)(d - b->data);
	b->data[b->len] = '\0';
	return EP_OK;
}

/* ---- rendering ---- */

/* A looked-up value: JSON, or a number the engine made (@index, count). */
typedef struct val {
	json_t *j; /* NULL: missing, unless num */
	bool num;
	long long n;
} val;

typedef struct frame {
	const tmpl *t;
	uint32_t pc, end; /* the next operation and the end of the range */
	uint32_t body;    /* the start of the range, for the next item */
	json_t *ctx;      /* the context pushed (when pushed) */
	json_t *arr;      /* the array iterated, or NULL */
	size_t i, n;      /* the item and the item count */
	bool pushed;
	bool partial; /* a whole template (the root or a partial) */
} frame;

/* Each template frame holds at most EP_TMPL_MAX_NESTING section frames. */
#define MAX_FRAMES ((EP_TMPL_MAX_PARTIAL_DEPTH + 1) * (EP_TMPL_MAX_NESTING + 1))

typedef struct render {
	const ep_tmpl_set *set;
	const char *root;
	ep_buf *out;
	ep_err *err;
	frame *f;
	size_t nf, capf;
	unsigned depth; /* partials on the stack */
	ep_buf tmp[2];  /* for filters: one holds the input while the other takes the output */
} render;

static json_t *child(json_t *v, const seg *s)
{
	if (json_is_object(v))
		return json_object_get(v, s->key);
	if (json_is_array(v) && s->idx != SIZE_MAX)
		return json_array_get(v, s->idx);
	return NULL;
}

static val lookup(const render *r, const tmpl *t, const op *o)
{
	val v = {NULL, false, 0};
	size_t i = r->nf;
	switch (o->path) {
	case PATH_DOT:
		while (i-- > 0)
			if (r->f[i].pushed) {
				v.j = r->f[i].ctx;
				break;
			}
		return v;
	case PATH_INDEX:
	case PATH_FIRST:
	case PATH_LAST:
		while (i-- > 0) {
			const frame *f = &r->f[i];
			if (!f->arr)
				continue;
			if (o->path == PATH_INDEX) {
				v.num = true;
				v.n = (long long)f->i + 1;
			} else {
				bool b = o->path == PATH_FIRST ? f->i == 0 : f->i + 1 == f->n;
				v.j = b ? json_true() : json_false();
			}
			break;
		}
		return v;
	default:
		break;
	}
	const seg *sg = t->segs + o->seg;
	json_t *cur = NULL;
	while (i-- > 0 && !cur)
		if (r->f[i].pushed)
			cur = child(r->f[i].ctx, &sg[0]);
	for (uint32_t k = 1; k < o->nseg && cur; k++)
		cur = child(cur, &sg[k]);
	v.j = cur;
	return v;
}

/* The text form of v, as {{path}} prints it before escaping; num is room for a number. */
static void text_of(const val *v, char num[64], const char **s, size_t *n)
{
	*s = "";
	*n = 0;
	if (v->num) {
		*n = (size_t)snprintf(num, 64, "%lld", v->n);
		*s = num;
		return;
	}
	switch (json_typeof(v->j ? v->j : json_null())) {
	case JSON_STRING:
		*s = json_string_value(v->j);
		*n = json_string_length(v->j);
		return;
	case JSON_INTEGER:
		*n = (size_t)snprintf(num, 64, "%lld", (long long)json_integer_value(v->j));
		*s = num;
		return;
	case JSON_REAL:
		*n = (size_t)snprintf(num, 64, "%g", json_real_value(v->j));
		*s = num;
		return;
	case JSON_TRUE:
		*s = "yes";
		*n = 3;
		return;
	case JSON_FALSE:
		*s = "no";
		*n = 2;
		return;
	default:
		return;
	}
}

static bool truthy(const val *v)
{
	if (v->num)
		return v->n != 0;
	if (!v->j)
		return false;
	switch (json_typeof(v->j)) {
	case JSON_STRING:
		return json_string_length(v->j) > 0;
	case JSON_INTEGER:
		return json_integer_value(v->j) != 0;
	case JSON_REAL:
		return json_real_value(v->j) != 0.0;
	case JSON_TRUE:
		return true;
	case JSON_ARRAY:
		return json_array_size(v->j) > 0;
	case JSON_OBJECT:
		return json_object_size(v->j) > 0;
	default:
		return false;
	}
}

static ep_status out_fail(render *r, ep_status st)
{
	if (st == EP_E_LIMIT)
		return ep_err_set(r->err, st, r->root, "%s: the page is larger than %zu bytes", r->root, r->out->max);
	return ep_err_set(r->err, st, r->root, "%s: out of memory", r->root);
}

/* Runs v through the tag's filters and appends it, escaped or raw. */
static ep_status put_value(render *r, const op *o, val v)
{
	char num[64];
	const char *s = NULL;
	size_t n = 0;
	bool is_text = false; /* s, n hold the text; otherwise v is still the value */
	unsigned which = 0;
	ep_status st = EP_OK;
	for (unsigned k = 0; k < o->nfilt && st == EP_OK; k++) {
		enum filter f = (enum filter)o->filt[k];
		if (f == F_COUNT) {
			long long c = 0;
			if (!is_text && json_is_array(v.j))
				c = (long long)json_array_size(v.j);
			else if (!is_text && json_is_object(v.j))
				c = (long long)json_object_size(v.j);
			v = (val){NULL, true, c};
			is_text = false;
			continue;
		}
		if (!is_text)
			text_of(&v, num, &s, &n);
		is_text = true;
		char date[32];
		if ((f == F_DATE || f == F_DATETIME)) {
			if (euro_date(s, n, f == F_DATETIME, date)) {
				ep_buf *b = &r->tmp[which ^= 1];
				ep_buf_reset(b);
				st = ep_buf_puts(b, date);
				s = ep_buf_str(b);
				n = b->len;
			}
			continue;
		}
		if (f == F_CLASS) {
			/* A classification or marking token in the Council's wording: "restreint_ue" is
			 * "RESTREINT UE/EU RESTRICTED", "limite" is "LIMITE"; anything else passes. */
			char tok[24];
			ep_class c;
			if (n < sizeof tok) {
				memcpy(tok, s, n);
				tok[n] = '\0';
				const char *w = strcmp(tok, "limite") == 0	     ? "LIMITE"
						: strcmp(tok, "unclassified") == 0 ? "Unclassified"
						: strcmp(tok, "none") == 0	     ? "None"
						: ep_class_parse(tok, &c) == EP_OK  ? ep_class_label(c)
										     : NULL;
				if (w) {
					s = w;
					n = strlen(w);
				}
			}
			continue;
		}
		ep_buf *b = &r->tmp[which ^= 1];
		ep_buf_reset(b);
		if (f == F_URL) {
			st = url_encode(b, s, n);
		} else {
			st = ep_buf_append(b, s, n);
			if (st == EP_OK && n) {
				size_t i = 0;
				if (f == F_LABEL) {
					for (size_t j = 0; j < n; j++)
						if (b->data[j] == '_' || b->data[j] == '-')
							b->data[j] = ' ';
					case_step(b->data, n, &i, true);
				} else {
					while (i < n)
						case_step(b->data, n, &i, f == F_UPPER);
				}
			}
		}
		s = ep_buf_str(b);
		n = b->len;
	}
	if (st == EP_OK && !is_text)
		text_of(&v, num, &s, &n);
	if (st == EP_OK)
		st = o->kind == OP_RAW ? ep_buf_append(r->out, s, n) : ep_html_escape(r->out, s, n);
	return st == EP_OK ? EP_OK : out_fail(r, st);
}

static ep_status push(render *r, const frame *f)
{
	if (r->nf == MAX_FRAMES)
		return ep_err_set(r->err, EP_E_LIMIT, r->root, "%s: templates nest too deep", r->root);
	if (!grow((void **)&r->f, &r->capf, r->nf + 1, sizeof(frame)))
		return out_fail(r, EP_E_INTERNAL);
	r->f[r->nf++] = *f;
	return EP_OK;
}

/* Runs the section operation at f->pc: the frame moves past the section, and a frame for its
 * body is pushed when it renders. */
static ep_status section(render *r, const op *o)
{
	frame *f = &r->f[r->nf - 1];
	frame body = {.t = f->t, .pc = f->pc + 1, .end = o->a, .body = f->pc + 1};
	val v = lookup(r, f->t, o);
	f->pc = o->a;
	bool go = false;
	switch (o->kind) {
	case OP_SECTION:
		go = truthy(&v);
		if (go && json_is_array(v.j)) {
			body.arr = v.j;
			body.n = json_array_size(v.j);
			body.ctx = json_array_get(v.j, 0);
			body.pushed = true;
		} else if (go && json_is_object(v.j)) {
			body.ctx = v.j;
			body.pushed = true;
		}
		break;
	case OP_INVERTED:
		go = !truthy(&v);
		break;
	default: {
		char num[64];
		const char *s;
		size_t n;
		text_of(&v, num, &s, &n);
		go = (n == o->slen && memcmp(s, o->str, n) == 0) == (o->kind == OP_EQ);
		break;
	}
	}
	return go ? push(r, &body) : EP_OK;
}

static ep_status partial(render *r, const op *o)
{
	frame *f = &r->f[r->nf - 1];
	f->pc++;
	const tmpl *p = get(r->set, o->str);
	if (!p)
		return ep_err_set(r->err, EP_E_NOTFOUND, r->root, "%s:%u:%u: no template \"%s\" for {{>%s}}",
		                  f->t->name, o->line, o->col, o->str, o->str);
	if (r->depth == EP_TMPL_MAX_PARTIAL_DEPTH)
		return ep_err_set(r->err, EP_E_LIMIT, r->root,
		                  "%s:%u:%u: partials nest deeper than %d at {{>%s}} (rendering %s)", f->t->name,
		                  o->line, o->col, EP_TMPL_MAX_PARTIAL_DEPTH, o->str, r->root);
	frame pf = {.t = p, .pc = 0, .end = (uint32_t)p->nops, .partial = true};
	r->depth++;
	return push(r, &pf);
}

static ep_status run(render *r)
{
	while (r->nf) {
		frame *f = &r->f[r->nf - 1];
		if (f->pc >= f->end) {
			if (f->arr && ++f->i < f->n) {
				f->ctx = json_array_get(f->arr, f->i);
				f->pc = f->body;
				continue;
			}
			if (f->partial && r->depth)
				r->depth--;
			r->nf--;
			continue;
		}
		const op *o = &f->t->ops[f->pc];
		ep_status st;
		switch (o->kind) {
		case OP_TEXT:
			st = ep_buf_append(r->out, f->t->src + o->a, o->b);
			if (st != EP_OK)
				return out_fail(r, st);
			f->pc++;
			break;
		case OP_VAR:
		case OP_RAW:
			f->pc++;
			st = put_value(r, o, lookup(r, f->t, o));
			if (st != EP_OK)
				return st;
			break;
		case OP_PARTIAL:
			st = partial(r, o);
			if (st != EP_OK)
				return st;
			break;
		default:
			st = section(r, o);
			if (st != EP_OK)
				return st;
			break;
		}
	}
	return EP_OK;
}

ep_status ep_tmpl_render(const ep_tmpl_set *s, const char *name, json_t *ctx, ep_buf *out, ep_err *err)
{
	const tmpl *t = s && name ? get(s, name) : NULL;
	if (!t)
		return ep_err_set(err, EP_E_NOTFOUND, name, "no template \"%s\"", name ? name : "");
	render r = {.set = s, .root = t->name, .out = out, .err = err};
	ep_buf_init(&r.tmp[0], out->max);
	ep_buf_init(&r.tmp[1], out->max);
	frame root = {.t = t, .pc = 0, .end = (uint32_t)t->nops, .ctx = ctx, .pushed = ctx != NULL, .partial = true};
	ep_status st = push(&r, &root);
	if (st == EP_OK)
		st = run(&r);
	free(r.f);
	ep_buf_release(&r.tmp[0]);
	ep_buf_release(&r.tmp[1]);
	return st;
}
