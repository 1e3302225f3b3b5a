/*
 * The spreadsheet renderer: each table of a document (the OAP's annex of operational actions,
 * each roll-up table) becomes one worksheet, so that a reader can sort and filter it; a
 * document without a table becomes one sheet listing its paragraphs. Every sheet carries the
 * marking of what is shown above its table and in its printed header and footer.
 *
 * libxlsxwriter 1.1.4 writes only to a named file, so the workbook goes to a private temporary
 * directory (with libxlsxwriter's own temporary files) and is read back into the output
 * buffer; the directory is emptied and removed on every path. Text is only ever written as a
 * string, never as a formula, and a text too long for a cell is an error: a Council document
 * is never silently truncated.
 */
#include "docs/doc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "docs/doc_text.h"

#include "core/banned.h"

/* Excel's limit on a cell's text, in UTF-16 code units (what Excel counts). */
#define XL_CELL_MAX 32767
/* The widest a table column is made; longer lines wrap. */
#define XL_WIDTH_TABLE 60
/* The one column of the paragraph sheet: about a printed A4 line. */
#define XL_WIDTH_DOC 90
/* The height of a line of the default font (Calibri 11), and the tallest row Excel allows. */
#define XL_LINE_HEIGHT 15
#define XL_ROW_HEIGHT_MAX 409
/* A number keeps as many decimals as its text shows; 15 digits is what a double holds exactly. */
#define XL_DIGITS_MAX 15
/* The working buffer of one cell's text: far above what a cell may hold (4 bytes per 2 units),
 * so running out of it means the text is too long for a cell anyway. */
#define XL_LINE_MAX ((size_t)1 << 20)
#define XL_PAPER_A4 9

typedef struct xl {
	const ep_doc *d;
	ep_err *err;
	lxw_workbook *wb;
	ep_arena *a; /* sheet names, column widths, the notes of a sheet */
	ep_buf line; /* the text of the cell being written */
	lxw_format *banner, *text, *strong, *head;
	lxw_format *num[2][XL_DIGITS_MAX + 1]; /* [header row][decimals], made when first needed */
	const char **used;                      /* sheet names taken so far */
	size_t nused, capused;
	const ep_dnote **notes; /* footnotes of the sheet being written, listed at its end */
	size_t nnotes, capnotes;
	int ntables;
	/* The sheet being written. */
	lxw_worksheet *ws;
	const char *sheet;
	size_t *width; /* of each column, in characters: its longest line, then as set */
	size_t ncols;
} xl;

static ep_status lxw_fail(xl *x, lxw_error e)
{
	return ep_err_set(x->err, EP_E_INTERNAL, NULL, "the spreadsheet could not be written: %s", lxw_strerror(e));
}

static ep_status out_of_memory(xl *x)
{
	return ep_err_set(x->err, EP_E_INTERNAL, NULL, "out of memory while writing the spreadsheet");
}

static bool utf8_lead(unsigned char c)
{
	return (c & 0xC0) != 0x80;
}

/* Characters (code points) in n bytes of UTF-8. */
static size_t utf8_chars(const char *s, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += utf8_lead((unsigned char)s[i]);
	return k;
}

/* Excel counts a cell's length in UTF-16 units: a character past U+FFFF counts twice. */
static size_t utf16_units(const char *s)
{
	size_t k = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (utf8_lead(*p))
			k += *p >= 0xF0 ? 2 : 1;
	return k;
}

static size_t longest_line(const char *s)
{
	size_t best = 0;
	for (;;) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);
		size_t k = utf8_chars(s, n);
		if (k > best)
			best = k;
		if (!nl)
			return best;
		s = nl + 1;
	}
}

/*
 * Whether s is a plain decimal number: an optional '-', digits without a leading zero (but
 * "0" and "0.5"), optionally '.' and digits; at most 15 significant digits and decimals, and
 * not a negative zero. The value is computed from the digits, not by strtod, so the locale
 * cannot change it: a mantissa below 10^15 and a power of ten up to 10^15 are both exact
 * doubles, so one division gives the correctly rounded value.
 */
static bool plain_number(const char *s, double *value, int *decimals)
{
	static const double POW10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12,
		1e13, 1e14, 1e15};
	const char *p = s;
	bool neg = *p == '-';
	uint64_t m = 0;
	int sig = 0, dec = 0;
	if (neg)
		p++;
	if (*p < '0' || *p > '9' || (p[0] == '0' && p[1] >= '0' && p[1] <= '9'))
		return false;
	for (bool frac = false;; p++) {
		if (*p == '.' && !frac) {
			frac = true;
			if (p[1] < '0' || p[1] > '9')
				return false;
			continue;
		}
		if (*p < '0' || *p > '9')
			break;
		if (m > 0 || *p != '0')
			sig++;
		if (frac)
			dec++;
		if (sig > XL_DIGITS_MAX || dec > XL_DIGITS_MAX)
			return false;
		m = m * 10 + (uint64_t)(*p - '0');
	}
	if (*p || (neg && m == 0))
		return false;
	*value = (double)m / POW10[dec];
	if (neg)
		*value = -*value;
	*decimals = dec;
	return true;
}

/* The format of a number cell: as many decimals as its text, so "1.50" still reads "1.50" and
 * a 15-digit number is not shown in exponent form. */
static lxw_format *num_format(xl *x, bool head, int dec)
{
	lxw_format **slot = &x->num[head][dec];
	if (!*slot) {
		char fmt[XL_DIGITS_MAX + 3] = "0";
		if (dec > 0) {
			fmt[1] = '.';
			memset(fmt + 2, '0', (size_t)dec);
			fmt[2 + dec] = '\0';
		}
		lxw_format *f = workbook_add_format(x->wb);
		if (!f)
			return NULL;
		format_set_num_format(f, fmt);
		format_set_align(f, LXW_ALIGN_VERTICAL_TOP);
		if (head) {
			format_set_bold(f);
			format_set_bottom(f, LXW_BORDER_THIN);
		}
		*slot = f;
	}
	return *slot;
}

static ep_status too_long(xl *x, lxw_row_t r, lxw_col_t c)
{
	char cell[LXW_MAX_CELL_NAME_LENGTH];
	char field[EP_ERR_FIELD_MAX];
	lxw_rowcol_to_cell(cell, r, c);
	snprintf(field, sizeof field, "%s!%s", x->sheet, cell);
	return ep_err_set(x->err, EP_E_LIMIT, field,
		"the text of cell %s on sheet \"%s\" is longer than the %d characters a spreadsheet cell can hold",
		cell, x->sheet, XL_CELL_MAX);
}

static ep_status check_row(xl *x, lxw_row_t r)
{
	if (r >= LXW_ROW_MAX)
		return ep_err_set(x->err, EP_E_LIMIT, x->sheet, "the sheet \"%s\" would have more rows than a worksheet holds",
			x->sheet);
	return EP_OK;
}

/* Writes text as a string: worksheet_write_string never reads it as a formula, so a text
 * starting with '=', '+', '-' or '@' stays text. */
static ep_status put_text(xl *x, lxw_row_t r, lxw_col_t c, const char *s, lxw_format *f)
{
	ep_status st = check_row(x, r);
	if (st != EP_OK)
		return st;
	if (utf16_units(s) > XL_CELL_MAX)
		return too_long(x, r, c);
	lxw_error e = worksheet_write_string(x->ws, r, c, s, f);
	return e == LXW_NO_ERROR ? EP_OK : lxw_fail(x, e);
}

static void note_width(xl *x, size_t c, const char *s)
{
	if (c < x->ncols && s) {
		size_t w = longest_line(s);
		if (w > x->width[c])
			x->width[c] = w;
	}
}

/* Sets each column from its longest line (a little room, at least the default, at most cap);
 * x->width then holds the width set. */
static ep_status set_widths(xl *x, size_t cap)
{
	for (size_t c = 0; c < x->ncols; c++) {
		size_t w = x->width[c] + 2;
		if (w < 9)
			w = 9;
		if (w > cap)
			w = cap;
		x->width[c] = w;
		lxw_error e = worksheet_set_column(x->ws, (lxw_col_t)c, (lxw_col_t)c, (double)w, NULL);
		if (e != LXW_NO_ERROR)
			return lxw_fail(x, e);
	}
	return EP_OK;
}

/* How many lines s takes in column c once wrapped: a character is taken as wide as the '0'
 * that column widths are measured in, which errs on the tall side for text. */
static size_t wrapped_lines(const xl *x, size_t c, const char *s)
{
	size_t usable = c < x->ncols && x->width[c] > 2 ? x->width[c] - 1 : 1, lines = 0;
	for (;;) {
		const char *nl = strchr(s, '\n');
		size_t k = utf8_chars(s, nl ? (size_t)(nl - s) : strlen(s));
		lines += k > usable ? (k + usable - 1) / usable : 1;
		if (!nl)
			return lines;
		s = nl + 1;
	}
}

/* Makes a row of wrapped text tall enough for its lines. Neither Excel nor LibreOffice can be
 * relied on to fit a row's height on opening a file, and a row left one line high shows only
 * the first line of its cells. */
static ep_status fit_row(xl *x, lxw_row_t r, size_t lines)
{
	if (lines <= 1)
		return EP_OK;
	double h = lines > XL_ROW_HEIGHT_MAX / XL_LINE_HEIGHT ? XL_ROW_HEIGHT_MAX : (double)(lines * XL_LINE_HEIGHT);
	lxw_error e = worksheet_set_row(x->ws, r, h, NULL);
	return e == LXW_NO_ERROR ? EP_OK : lxw_fail(x, e);
}

/* ---- text with footnote marks ---- */

static ep_status queue_note(xl *x, const ep_dnote *note)
{
	if (x->nnotes == x->capnotes) {
		size_t cap = x->capnotes ? x->capnotes * 2 : 16;
		const ep_dnote **v = ep_arena_array(x->a, cap, sizeof *v);
		if (!v)
			return EP_E_INTERNAL;
		if (x->nnotes)
			memcpy(v, x->notes, x->nnotes * sizeof *v);
		x->notes = v;
		x->capnotes = cap;
	}
	x->notes[x->nnotes++] = note;
	return EP_OK;
}

/* Appends n's text to the line with its footnote marks after their anchors (as the other
 * renderers print them) and queues its notes for the end of the sheet. EP_E_LIMIT: the line
 * is too long for any cell. */
static ep_status marked(xl *x, const ep_dnode *n)
{
	const char *s = n->text ? n->text : "";
	size_t at = 0, len = strlen(s);
	ep_status st = EP_OK;
	ep_dnote_order ord;
	ep_dnote_sort(n, &ord);
	for (size_t k = 0; k < ord.n && st == EP_OK; k++) {
		const ep_dnote *note = &n->notes[ord.idx[k]];
		size_t pos = ep_dnote_pos(s, note);
		char mark[32];
		if (pos < at)
			pos = at;
		ep_doc_superscript(note->number, mark, sizeof mark);
		st = ep_buf_append(&x->line, s + at, pos - at);
		if (st == EP_OK)
			st = ep_buf_puts(&x->line, mark);
		at = pos;
	}
	if (st == EP_OK)
		st = ep_buf_append(&x->line, s + at, len - at);
	for (size_t i = 0; i < n->nnotes && st == EP_OK; i++)
		st = queue_note(x, &n->notes[i]);
	return st;
}

/* The status of building the line of cell (r, c), as the caller's error. */
static ep_status line_status(xl *x, ep_status st, lxw_row_t r, lxw_col_t c)
{
	if (st == EP_E_LIMIT)
		return too_long(x, r, c);
	if (st != EP_OK)
		return out_of_memory(x);
	return EP_OK;
}

/* The sheet's footnotes, after a blank row, one per row. They are written unwrapped so that a
 * long note runs across the empty columns beside it. */
static ep_status flush_notes(xl *x, lxw_row_t *row)
{
	ep_status st = EP_OK;
	if (x->nnotes == 0)
		return EP_OK;
	(*row)++;
	for (size_t i = 0; i < x->nnotes && st == EP_OK; i++, (*row)++) {
		char mark[32];
		ep_doc_superscript(x->notes[i]->number, mark, sizeof mark);
		ep_buf_reset(&x->line);
		st = ep_buf_puts(&x->line, mark);
		if (st == EP_OK)
			st = ep_buf_putc(&x->line, ' ');
		if (st == EP_OK)
			st = ep_buf_puts(&x->line, x->notes[i]->text ? x->notes[i]->text : "");
		st = line_status(x, st, *row, 0);
		if (st == EP_OK)
			st = put_text(x, *row, 0, ep_buf_str(&x->line), NULL);
	}
	x->nnotes = 0;
	return st;
}

/* ---- sheets ---- */

static bool name_taken(const xl *x, const char *name)
{
	/* Excel reserves "History" for its change tracking. */
	if (strcasecmp(name, "History") == 0)
		return true;
	for (size_t i = 0; i < x->nused; i++)
		if (strcasecmp(name, x->used[i]) == 0)
			return true;
	return false;
}

/* Drops trailing spaces and apostrophes (a sheet name may not end with one). */
static size_t trim_end(const char *s, size_t n)
{
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\''))
		n--;
	return n;
}

/* The byte length of the first max characters of s (n bytes). */
static size_t utf8_prefix(const char *s, size_t n, size_t max)
{
	size_t chars = 0;
	for (size_t i = 0; i < n; i++) {
		if (utf8_lead((unsigned char)s[i]) && chars++ == max)
			return i;
	}
	return n;
}

/*
 * A sheet name by Excel's rules from want (or fallback when nothing of want is left): none
 * of []:*?/\ nor control characters (each becomes a space), spaces collapsed, no apostrophe
 * first or last, at most 31 characters, and unique ignoring case, with " (2)", " (3)", ...
 * appended to a name already taken.
 */
static ep_status sheet_name(xl *x, const char *want, const char *fallback, const char **out)
{
	char base[LXW_MAX_SHEETNAME_LENGTH * 2];
	char cand[LXW_MAX_SHEETNAME_LENGTH * 2];
	size_t n = 0;
	for (int pass = 0; pass < 2 && n == 0; pass++) {
		const char *src = pass == 0 && want ? want : fallback;
		n = 0;
		for (const unsigned char *p = (const unsigned char *)src; *p && n + 1 < sizeof base; p++) {
			unsigned char c = *p;
			if (c < 0x20 || c == 0x7F || strchr("[]:*?/\\", c))
				c = ' ';
			if (c == ' ' && (n == 0 || base[n - 1] == ' '))
				continue;
			if (c == '\'' && n == 0)
				continue;
			base[n++] = (char)c;
		}
		/* Cut to 31 characters at a character boundary, then trim what the cut exposed. */
		n = trim_end(base, utf8_prefix(base, n, LXW_SHEETNAME_MAX));
	}
	base[n] = '\0';
	snprintf(cand, sizeof cand, "%s", base);
	for (unsigned k = 2; name_taken(x, cand); k++) {
		char suffix[16];
		int sl = snprintf(suffix, sizeof suffix, " (%u)", k);
		size_t keep = trim_end(base, utf8_prefix(base, n, LXW_SHEETNAME_MAX - (size_t)sl));
		snprintf(cand, sizeof cand, "%.*s%s", (int)keep, base, suffix);
	}
	lxw_error e = workbook_validate_sheet_name(x->wb, cand);
	if (e != LXW_NO_ERROR)
		return lxw_fail(x, e);
	if (x->nused == x->capused) {
		size_t cap = x->capused ? x->capused * 2 : 8;
		const char **v = ep_arena_array(x->a, cap, sizeof *v);
		if (!v)
			return out_of_memory(x);
		if (x->nused)
			memcpy(v, x->used, x->nused * sizeof *v);
		x->used = v;
		x->capused = cap;
	}
	if (!(*out = ep_arena_strdup(x->a, cand)))
		return out_of_memory(x);
	x->used[x->nused++] = *out;
	return EP_OK;
}

/* Text for a header or footer: '&' starts a control code there, so a literal one is "&&". */
static ep_status hf_text(xl *x, ep_buf *b, const char *s)
{
	ep_status st = EP_OK;
	for (const char *p = s ? s : ""; *p && st == EP_OK; p++)
		st = *p == '&' ? ep_buf_puts(b, "&&") : ep_buf_putc(b, *p);
	return st == EP_OK ? EP_OK : out_of_memory(x);
}

static ep_status set_hf(xl *x, ep_buf *b, bool header)
{
	if (utf8_chars(b->data ? b->data : "", b->len) > LXW_HEADER_FOOTER_MAX)
		return ep_err_set(x->err, EP_E_LIMIT, "number",
			"the document number and marking are too long for a printed page header (%d characters)",
			LXW_HEADER_FOOTER_MAX);
	lxw_error e = header ? worksheet_set_header(x->ws, ep_buf_str(b)) : worksheet_set_footer(x->ws, ep_buf_str(b));
	return e == LXW_NO_ERROR ? EP_OK : lxw_fail(x, e);
}

/* The printed header carries the marking; the footer the number, the marking and the page, so
 * that every printed page of a classified or LIMITE sheet is marked top and bottom. */
static ep_status header_footer(xl *x)
{
	const char *banner = ep_doc_banner(x->d);
	ep_buf b;
	ep_status st = EP_OK;
	ep_buf_init(&b, 4096);
	if (*banner) {
		st = ep_buf_puts(&b, "&C") == EP_OK ? hf_text(x, &b, banner) : out_of_memory(x);
		if (st == EP_OK)
			st = set_hf(x, &b, true);
	}
	if (st == EP_OK) {
		ep_buf_reset(&b);
		st = ep_buf_puts(&b, "&L") == EP_OK ? hf_text(x, &b, x->d->number) : out_of_memory(x);
	}
	if (st == EP_OK && *banner)
		st = ep_buf_puts(&b, "&C") == EP_OK ? hf_text(x, &b, banner) : out_of_memory(x);
	if (st == EP_OK)
		st = ep_buf_puts(&b, "&R&P") == EP_OK ? set_hf(x, &b, false) : out_of_memory(x);
	ep_buf_release(&b);
	return st;
}

/* A new sheet: its name, its page set-up, and the block above its content (the marking, the
 * number, the title, a blank row). *row is the first row of the content. */
static ep_status new_sheet(xl *x, const char *want, const char *fallback, size_t ncols, lxw_row_t *row)
{
	const char *name = NULL;
	ep_status st = sheet_name(x, want, fallback, &name);
	if (st != EP_OK)
		return st;
	if (!(x->ws = workbook_add_worksheet(x->wb, name)))
		return ep_err_set(x->err, EP_E_INTERNAL, NULL, "the spreadsheet could not be written: no worksheet \"%s\"",
			name);
	x->sheet = name;
	x->nnotes = 0;
	x->ncols = ncols;
	x->width = NULL;
	if (ncols && !(x->width = ep_arena_array(x->a, ncols, sizeof *x->width)))
		return out_of_memory(x);
	worksheet_set_paper(x->ws, XL_PAPER_A4);
	/* Fit the width to the page; as many pages down as it takes. */
	worksheet_fit_to_pages(x->ws, 1, 0);
	if ((st = header_footer(x)) != EP_OK)
		return st;
	*row = 0;
	const char *banner = ep_doc_banner(x->d);
	if (*banner && (st = put_text(x, (*row)++, 0, banner, x->banner)) != EP_OK)
		return st;
	if (x->d->number && *x->d->number && (st = put_text(x, (*row)++, 0, x->d->number, NULL)) != EP_OK)
		return st;
	if (x->d->title && *x->d->title && (st = put_text(x, (*row)++, 0, x->d->title, NULL)) != EP_OK)
		return st;
	if (*row > 0)
		(*row)++;
	return EP_OK;
}

/* One cell of a table: a marker in bold, a plain number as a number, anything else as a
 * string (wrapped, so its line breaks show). *lines: how many lines it takes. */
static ep_status table_cell(xl *x, lxw_row_t r, lxw_col_t c, const ep_dnode *n, bool head, size_t *lines)
{
	ep_buf_reset(&x->line);
	ep_status st = line_status(x, marked(x, n), r, c);
	if (st != EP_OK)
		return st;
	const char *s = ep_buf_str(&x->line);
	double v;
	int dec;
	*lines = wrapped_lines(x, c, s);
	if (n->kind == EP_D_MARKER)
		return put_text(x, r, c, s, head ? x->head : x->strong);
	if (n->nnotes == 0 && plain_number(s, &v, &dec)) {
		lxw_format *f = num_format(x, head, dec);
		if (!f)
			return out_of_memory(x);
		if ((st = check_row(x, r)) != EP_OK)
			return st;
		lxw_error e = worksheet_write_number(x->ws, r, c, v, f);
		return e == LXW_NO_ERROR ? EP_OK : lxw_fail(x, e);
	}
	return put_text(x, r, c, s, head ? x->head : x->text);
}

/* The sheet of one table, named after the section it is in. Its first t->level rows are the
 * header: bold, underlined, frozen, repeated on every printed page, and carrying the filter. */
static ep_status table_sheet(xl *x, const ep_dnode *t, const ep_dnode *sec)
{
	char fallback[32];
	size_t nrows = 0, ncols = 0;
	lxw_row_t row = 0;
	lxw_error e = LXW_NO_ERROR;
	ep_status st;
	snprintf(fallback, sizeof fallback, "Table %d", ++x->ntables);
	for (const ep_dnode *r = t->first; r; r = r->next, nrows++) {
		size_t k = 0;
		for (const ep_dnode *c = r->first; c; c = c->next)
			k++;
		if (k > ncols)
			ncols = k;
	}
	if ((st = new_sheet(x, sec ? sec->text : NULL, fallback, ncols, &row)) != EP_OK)
		return st;
	if (ncols > LXW_COL_MAX || nrows >= LXW_ROW_MAX - row)
		return ep_err_set(x->err, EP_E_LIMIT, x->sheet, "the table of sheet \"%s\" is larger than a worksheet holds",
			x->sheet);
	lxw_row_t top = row;
	size_t hl = t->level > 0 ? (size_t)t->level : 0;
	if (hl > nrows)
		hl = nrows;
	/* The widths first, from the texts as given (a footnote mark adds a character or two), so
	 * that each row's height can be fitted to its wrapped lines as it is written. */
	for (const ep_dnode *r = t->first; r; r = r->next) {
		size_t c = 0;
		for (const ep_dnode *n = r->first; n; n = n->next, c++)
			note_width(x, c, n->text);
	}
	if ((st = set_widths(x, XL_WIDTH_TABLE)) != EP_OK)
		return st;
	size_t i = 0;
	for (const ep_dnode *r = t->first; r; r = r->next, i++, row++) {
		lxw_col_t c = 0;
		size_t lines = 1;
		for (const ep_dnode *n = r->first; n; n = n->next, c++) {
			size_t k = 1;
			if ((st = table_cell(x, row, c, n, i < hl, &k)) != EP_OK)
				return st;
			if (k > lines)
				lines = k;
		}
		if ((st = fit_row(x, row, lines)) != EP_OK)
			return st;
	}
	if (hl > 0) {
		lxw_row_t last_head = top + (lxw_row_t)hl - 1;
		worksheet_freeze_panes(x->ws, last_head + 1, 0);
		e = worksheet_repeat_rows(x->ws, top, last_head);
		/* The filter's buttons go on the last header row, over every data row. */
		if (e == LXW_NO_ERROR && ncols > 0)
			e = worksheet_autofilter(x->ws, last_head, 0, row - 1, (lxw_col_t)(ncols - 1));
		if (e != LXW_NO_ERROR)
			return lxw_fail(x, e);
	}
	if (ncols > 3)
		worksheet_set_landscape(x->ws);
	return flush_notes(x, &row);
}

static ep_status walk_tables(xl *x, const ep_dnode *n, const ep_dnode *sec)
{
	ep_status st = EP_OK;
	if (n->kind == EP_D_TABLE)
		return table_sheet(x, n, sec);
	if (n->kind == EP_D_SECTION)
		sec = n;
	for (const ep_dnode *c = n->first; c && st == EP_OK; c = c->next)
		st = walk_tables(x, c, sec);
	return st;
}

static bool has_table(const ep_dnode *n)
{
	if (n->kind == EP_D_TABLE)
		return true;
	for (const ep_dnode *c = n->first; c; c = c->next)
		if (has_table(c))
			return true;
	return false;
}

/* ---- the sheet of a document without a table ---- */

/* Writes the line as the next row of the paragraph sheet (nothing for an empty line). */
static ep_status doc_line(xl *x, ep_status built, lxw_row_t *row, lxw_format *f)
{
	ep_status st = line_status(x, built, *row, 0);
	if (st != EP_OK || x->line.len == 0)
		return st;
	if ((st = put_text(x, *row, 0, ep_buf_str(&x->line), f)) == EP_OK)
		st = fit_row(x, *row, wrapped_lines(x, 0, ep_buf_str(&x->line)));
	if (st == EP_OK)
		(*row)++;
	return st;
}

static ep_status doc_rows(xl *x, const ep_dnode *n, lxw_row_t *row)
{
	ep_status st = EP_OK, b = EP_OK;
	bool descend = false;
	ep_buf_reset(&x->line);
	switch (n->kind) {
	case EP_D_SECTION:
		/* "5.1 Heading", in bold, then the section's content. */
		if (n->label && *n->label) {
			b = ep_buf_puts(&x->line, n->label);
			if (b == EP_OK && n->text && *n->text)
				b = ep_buf_putc(&x->line, ' ');
		}
		if (b == EP_OK)
			b = marked(x, n);
		st = doc_line(x, b, row, x->strong);
		descend = true;
		break;
	case EP_D_PARA: {
		/* A paragraph's runs and inline markers make one row. */
		const char *prev = NULL;
		for (const ep_dnode *c = n->first; c && b == EP_OK; c = c->next) {
			if (prev && ep_doc_needs_space(prev, c->text))
				b = ep_buf_putc(&x->line, ' ');
			if (b == EP_OK)
				b = marked(x, c);
			prev = c->text;
		}
		st = doc_line(x, b, row, x->text);
		break;
	}
	case EP_D_META:
		if (n->label && *n->label) {
			b = ep_buf_puts(&x->line, n->label);
			if (b == EP_OK)
				b = ep_buf_putc(&x->line, ' ');
		}
		if (b == EP_OK)
			b = marked(x, n);
		st = doc_line(x, b, row, x->text);
		break;
	case EP_D_DOC:
	case EP_D_PART:
	case EP_D_CODES:
	case EP_D_LIST:
	case EP_D_TABLE:
	case EP_D_ROW:
		descend = true;
		break;
	case EP_D_MARKER:
		st = doc_line(x, marked(x, n), row, x->strong);
		break;
	case EP_D_DATELINE:
	case EP_D_NUMBER:
	case EP_D_MARKING:
	case EP_D_LINE:
	case EP_D_KIND:
	case EP_D_TITLE:
	case EP_D_RUN:
	case EP_D_ITEM:
	case EP_D_CELL:
		if (n->text)
			st = doc_line(x, marked(x, n), row, (n->style & EP_DS_BOLD) ? x->strong : x->text);
		break;
	}
	for (const ep_dnode *c = descend ? n->first : NULL; c && st == EP_OK; c = c->next)
		st = doc_rows(x, c, row);
	return st;
}

static ep_status doc_sheet(xl *x)
{
	lxw_row_t row = 0;
	ep_status st = new_sheet(x, "Document", "Document", 1, &row);
	/* One column about as wide as a printed line: paragraphs wrap in it. */
	if (st == EP_OK) {
		x->width[0] = XL_WIDTH_DOC;
		st = set_widths(x, XL_WIDTH_DOC);
	}
	if (st == EP_OK && x->d->root)
		st = doc_rows(x, x->d->root, &row);
	if (st == EP_OK)
		st = flush_notes(x, &row);
	return st;
}

/* ---- the workbook ---- */

static ep_status make_formats(xl *x)
{
	x->banner = workbook_add_format(x->wb);
	x->text = workbook_add_format(x->wb);
	x->strong = workbook_add_format(x->wb);
	x->head = workbook_add_format(x->wb);
	if (!x->banner || !x->text || !x->strong || !x->head)
		return out_of_memory(x);
	format_set_bold(x->banner);
	format_set_text_wrap(x->text);
	format_set_align(x->text, LXW_ALIGN_VERTICAL_TOP);
	format_set_bold(x->strong);
	format_set_text_wrap(x->strong);
	format_set_align(x->strong, LXW_ALIGN_VERTICAL_TOP);
	format_set_bold(x->head);
	format_set_text_wrap(x->head);
	format_set_align(x->head, LXW_ALIGN_VERTICAL_TOP);
	format_set_bottom(x->head, LXW_BORDER_THIN);
	return EP_OK;
}

/* Writes the workbook to path; libxlsxwriter's temporary files go to dir. */
static ep_status write_workbook(xl *x, const char *path, char *dir)
{
	lxw_workbook_options opt = {.constant_memory = LXW_FALSE, .tmpdir = dir, .use_zip64 = LXW_FALSE};
	/* libxlsxwriter copies the properties; it does not write through these pointers. */
	lxw_doc_properties props = {
		.title = (char *)(x->d->title ? x->d->title : ""),
		.author = "empact",
		.company = "empact",
	};
	ep_status st = EP_OK;
	lxw_error e;
	if (!(x->wb = workbook_new_opt(path, &opt)))
		return out_of_memory(x);
	if ((e = workbook_set_properties(x->wb, &props)) != LXW_NO_ERROR)
		st = lxw_fail(x, e);
	if (st == EP_OK)
		st = make_formats(x);
	if (st == EP_OK)
		st = x->d->root && has_table(x->d->root) ? walk_tables(x, x->d->root, NULL) : doc_sheet(x);
	if (st == EP_OK) {
		/* workbook_close writes the file and frees the workbook, whatever it returns. */
		e = workbook_close(x->wb);
		if (e != LXW_NO_ERROR)
			st = lxw_fail(x, e);
	} else {
		lxw_workbook_free(x->wb);
	}
	x->wb = NULL;
	return st;
}

/* Appends the file to out, or leaves out as it was. */
static ep_status read_back(const char *path, ep_buf *out, ep_err *err)
{
	ep_status st = EP_OK;
	size_t orig = out->len;
	struct stat sb;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &sb) != 0) {
		st = ep_err_set(err, EP_E_INTERNAL, NULL, "the spreadsheet could not be read back: %s", strerror(errno));
		goto done;
	}
	if (out->len > out->max || (uintmax_t)sb.st_size > (uintmax_t)(out->max - out->len)) {
		st = ep_err_set(err, EP_E_LIMIT, NULL, "the document is larger than the render limit");
		goto done;
	}
	for (;;) {
		char chunk[65536];
		ssize_t n = read(fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			st = ep_err_set(err, EP_E_INTERNAL, NULL, "the spreadsheet could not be read back: %s",
				strerror(errno));
			goto done;
		}
		if (n == 0)
			break;
		st = ep_buf_append(out, chunk, (size_t)n);
		if (st == EP_E_LIMIT) {
			/* The file grew after fstat: still over the cap. */
			st = ep_err_set(err, EP_E_LIMIT, NULL, "the document is larger than the render limit");
			goto done;
		}
		if (st != EP_OK) {
			st = ep_err_set(err, st, NULL, "out of memory while reading the spreadsheet back");
			goto done;
		}
	}
done:
	if (st != EP_OK && out->data) {
		out->len = orig;
		out->data[orig] = '\0';
	}
	if (fd >= 0)
		close(fd);
	return st;
}

ep_status ep_doc_render_xlsx(const ep_doc *d, ep_buf *out, ep_err *err)
{
	xl x = {.d = d, .err = err};
	ep_status st = EP_OK;
	char dir[4096] = "", path[4200] = "";
	const char *tmp = getenv("TMPDIR");
	int fd;
	ep_buf_init(&x.line, XL_LINE_MAX);
	/* The filter is what keeps withheld text out of the tree; never write an unfiltered one. */
	if (!d->filtered) {
		st = ep_err_set(err, EP_E_INTERNAL, NULL, "a document is rendered only after its release filter");
		goto done;
	}
	if (!(x.a = ep_arena_new(0))) {
		st = out_of_memory(&x);
		goto done;
	}
	if (!tmp || !*tmp)
		tmp = "/tmp";
	if ((size_t)snprintf(dir, sizeof dir, "%s/empact-xlsx-XXXXXX", tmp) >= sizeof dir) {
		dir[0] = '\0';
		st = ep_err_set(err, EP_E_INTERNAL, NULL, "the temporary directory's path is too long");
		goto done;
	}
	/* A private directory (0700) for the workbook and libxlsxwriter's own temporary files. */
	if (!mkdtemp(dir)) {
		st = ep_err_set(err, EP_E_INTERNAL, NULL, "no temporary directory for the spreadsheet: %s", strerror(errno));
		dir[0] = '\0';
		goto done;
	}
	snprintf(path, sizeof path, "%s/document.xlsx", dir);
	/* Created 0600 before libxlsxwriter opens it: its fopen truncates and keeps the mode. */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		st = ep_err_set(err, EP_E_INTERNAL, NULL, "no temporary file for the spreadsheet: %s", strerror(errno));
		goto done;
	}
	close(fd);
	if ((st = write_workbook(&x, path, dir)) != EP_OK)
		goto done;
	st = read_back(path, out, err);
done:
	if (path[0])
		unlink(path);
	if (dir[0])
		rmdir(dir);
	ep_buf_release(&x.line);
	ep_arena_free(x.a);
	return st;
}
