/*
 * Server-side SVG charts (see chart.h): lines, stacked bars, heat map, paired bars.
 *
 * Each chart is laid out before it is written: the legend wraps on an estimated text width
 * (CHAR_W per character at 12px; no font metrics on the server), so the height in the viewBox is
 * known when the <svg> element opens. Coordinates are rounded to 0.1 px and printed without the
 * C library's locale, and data values with at most 6 significant digits, so the same input always
 * gives the same bytes. All text goes through w_text, the one XML escaper of this file.
 */
#include "view/chart.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/banned.h"

#define CHART_W 640.0
#define CHAR_W 7.0      /* estimated advance of one 12px sans-serif character */
#define SMALL_W 6.4     /* the same at 11px */
#define LABEL_CHARS 28  /* row labels are shortened past this */
#define KEY_CHARS 32    /* legend names */
#define XLABEL_CHARS 12 /* x labels of the line chart */
#define COL_CHARS 16    /* column labels of the heat map */
#define UNIT_CHARS 16
#define LEGEND_Y 42.0 /* centre line of the first legend row */
#define LEGEND_ROW 20.0
#define GRID "#e0e0e0"  /* grid lines */
#define AXIS "#767676"  /* axis lines: 4.5:1 on white */
#define MUTED "#595959" /* tick labels: 7:1 on white */
#define LABEL "#333333" /* value labels */
#define ELLIPSIS "\xE2\x80\xA6"
#define REPLACEMENT "\xEF\xBF\xBD"

/* Okabe-Ito, strongest contrast first; orange, sky blue and yellow are too pale for a thin line on
 * white (under 3:1), so lines use darker tones in their place. */
static const char *const LINE_COLOURS[EP_CHART_MAX_KEYS] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                                            "#000000", "#8C6D00", "#666666", "#2E86C1"};
static const char *const LINE_DASHES[4] = {NULL, "7 4", "2 3", "9 3 2 3"};
#define MARKER_SHAPES 5

/* Okabe-Ito fills for areas, with the text colour of better contrast on each. */
static const struct fill {
	const char *fill, *ink;
} FILLS[EP_CHART_MAX_KEYS] = {
        {"#0072B2", "#ffffff"}, {"#E69F00", "#000000"}, {"#009E73", "#000000"}, {"#CC79A7", "#000000"},
        {"#56B4E9", "#000000"}, {"#D55E00", "#000000"}, {"#8C6D00", "#ffffff"}, {"#000000", "#ffffff"},
};

/* ColorBrewer Blues: one hue, light to dark, readable with any colour vision. */
static const char *const BLUES[9] = {"#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6",
                                     "#4292c6", "#2171b5", "#08519c", "#08306b"};

static const char PAIR_A[] = "#0072B2";
static const char PAIR_B[] = "#D55E00";

/* ---- output ---------------------------------------------------------------------------------- */

/* A writer: the first failure sticks, and w_end puts the buffer back as it was. */
typedef struct cw {
	ep_buf *out;
	size_t start;
	ep_status st;
} cw;

static void w_begin(cw *w, ep_buf *out)
{
	w->out = out;
	w->start = out->len;
	w->st = EP_OK;
}

static ep_status w_end(cw *w)
{
	if (w->st != EP_OK) {
		w->out->len = w->start;
		if (w->out->data)
			w->out->data[w->start] = '\0';
	}
	return w->st;
}

static void w_put(cw *w, const char *s, size_t n)
{
	if (w->st == EP_OK && n)
		w->st = ep_buf_append(w->out, s, n);
}

static void w_puts(cw *w, const char *s)
{
	w_put(w, s, strlen(s));
}

__attribute__((format(printf, 2, 3))) static void w_printf(cw *w, const char *fmt, ...)
{
	if (w->st != EP_OK)
		return;
	va_list ap;
	va_start(ap, fmt);
	w->st = ep_buf_vprintf(w->out, fmt, ap);
	va_end(ap);
}

/* A printed number, as a value so that several fit in one w_printf. */
typedef struct num {
	char s[40];
} num;

/* A coordinate, rounded to 0.1 and printed without the locale's decimal point. */
static num N(double v)
{
	num r;
	double t = round(v * 10);
	if (!isfinite(t) || fabs(t) > 1e15)
		t = 0;
	long long q = (long long)t;
	const char *sign = q < 0 ? "-" : "";
	if (q < 0)
		q = -q;
	if (q % 10)
		snprintf(r.s, sizeof r.s, "%s%lld.%lld", sign, q / 10, q % 10);
	else
		snprintf(r.s, sizeof r.s, "%s%lld", sign, q / 10);
	return r;
}

/* A data value for a person: 4 significant digits, or as many as the whole part has (up to 6), so
 * 22.1261 is "22.13" and 996000 stays "996000"; millions and up shortened ("1.2M", "2.5bn"). */
static num V(double v)
{
	num r;
	double a = fabs(v);
	if (!isfinite(v)) {
		snprintf(r.s, sizeof r.s, "-"); /* never reached: callers pass finite values */
	} else if (a < 999999.5) {
		int prec = a >= 1 ? (int)floor(log10(a)) + 1 : 4;
		for (prec = prec < 4 ? 4 : prec; prec <= 6; prec++) {
			snprintf(r.s, sizeof r.s, "%.*g", prec, v == 0 ? 0.0 : v);
			if (!strchr(r.s, 'e')) /* 9999.7 needs a fifth digit, not "1e+04" */
				break;
		}
	} else if (a < 999.95e6)
		snprintf(r.s, sizeof r.s, "%.4gM", v / 1e6);
	else if (a < 999.95e9)
		snprintf(r.s, sizeof r.s, "%.4gbn", v / 1e9);
	else
		snprintf(r.s, sizeof r.s, "%.4gtn", v / 1e12);
	for (char *p = r.s; *p; p++)
		if (*p == ',')
			*p = '.'; /* a locale with a decimal comma */
	return r;
}

/* ---- text ------------------------------------------------------------------------------------ */

/* Decodes one character of s (not at its NUL): its length, and *cp is U+FFFD when the bytes are
 * not valid UTF-8 (overlong, surrogate, past U+10FFFF, cut short), consuming one byte. */
static size_t utf8_next(const unsigned char *s, uint32_t *cp)
{
	unsigned c = s[0];
	size_t n;
	uint32_t v, min;
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2, v = c & 0x1F, min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3, v = c & 0x0F, min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4, v = c & 0x07, min = 0x10000;
	} else {
		*cp = 0xFFFD;
		return 1;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80) { /* also stops at the NUL */
			*cp = 0xFFFD;
			return 1;
		}
		v = (v << 6) | (s[i] & 0x3F);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
		*cp = 0xFFFD;
		return 1;
	}
	*cp = v;
	return n;
}

/* The number of characters of s (NULL is empty). */
static size_t chars(const char *s)
{
	size_t k = 0;
	if (!s)
		return 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; k++) {
		uint32_t cp;
		p += utf8_next(p, &cp);
	}
	return k;
}

/* The estimated width of s shortened to max characters, at 12px. */
static double text_w(const char *s, size_t max)
{
	size_t k = chars(s);
	return (double)(k < max ? k : max) * CHAR_W;
}

/* Writes s (NULL is empty) as XML text, valid in an element or a quoted attribute: & < > " '
 * escaped, control characters as spaces, invalid UTF-8 and non-characters as U+FFFD. With max > 0
 * a text longer than max characters is cut to max - 1 and an ellipsis. */
static void w_text(cw *w, const char *s, size_t max)
{
	if (!s)
		return;
	size_t keep = SIZE_MAX;
	if (max && chars(s) > max)
		keep = max - 1;
	const unsigned char *p = (const unsigned char *)s, *run = p;
	for (size_t k = 0; *p && k < keep; k++) {
		uint32_t cp;
		size_t n = utf8_next(p, &cp);
		const char *rep = NULL;
		switch (cp) {
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
		case 0xFFFD:
		case 0xFFFE:
		case 0xFFFF:
			rep = REPLACEMENT;
			break;
		default:
			if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
				rep = " ";
		}
		if (rep) {
			w_put(w, (const char *)run, (size_t)(p - run));
			w_puts(w, rep);
			run = p + n;
		}
		p += n;
	}
	w_put(w, (const char *)run, (size_t)(p - run));
	if (*p)
		w_puts(w, ELLIPSIS);
}

/* A unit after a value: "42 cases", but "42%". */
static void w_unit(cw *w, const char *unit)
{
	if (!unit || !*unit)
		return;
	if (strcmp(unit, "%") != 0)
		w_puts(w, " ");
	w_text(w, unit, UNIT_CHARS);
}

static size_t unit_chars(const char *unit)
{
	size_t k = chars(unit);
	if (k > UNIT_CHARS)
		k = UNIT_CHARS;
	return k && strcmp(unit, "%") != 0 ? k + 1 : k;
}

/* A row label, right-aligned at x; a shortened one keeps its full text as a tooltip. */
static void w_row_label(cw *w, const char *s, double x, double y)
{
	w_printf(w, "<text class=\"label\" x=\"%s\" y=\"%s\" text-anchor=\"end\">", N(x).s, N(y).s);
	if (chars(s) > LABEL_CHARS) {
		w_puts(w, "<title>");
		w_text(w, s, 0);
		w_puts(w, "</title>");
	}
	w_text(w, s, LABEL_CHARS);
	w_puts(w, "</text>");
}

/* The left margin for row labels. */
static double label_margin(const char *const *rows, size_t n)
{
	double m = 0;
	for (size_t i = 0; i < n; i++) {
		double t = text_w(rows[i], LABEL_CHARS);
		if (t > m)
			m = t;
	}
	return m + 16 < 48 ? 48 : m + 16;
}

/* ---- frame ----------------------------------------------------------------------------------- */

static bool id_ok(const char *id)
{
	size_t n = 0;
	if (!id)
		return false;
	for (; id[n]; n++) {
		char c = id[n];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
		if (!ok || n >= EP_CHART_ID_MAX)
			return false;
	}
	return n > 0;
}

static bool val_ok(double v)
{
	return isfinite(v) && fabs(v) <= EP_CHART_VALUE_MAX;
}

static void svg_open(cw *w, const char *id, const char *kind, double width, double height, const char *title,
                     const char *desc)
{
	w_printf(w,
	         "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-labelledby=\"%s-t %s-d\" "
	         "viewBox=\"0 0 %s %s\" width=\"%s\" height=\"%s\" class=\"chart chart-%s\" "
	         "font-family=\"sans-serif\" font-size=\"12\" fill=\"#000000\">",
	         id, id, N(width).s, N(height).s, N(width).s, N(height).s, kind);
	w_printf(w, "<title id=\"%s-t\">", id);
	w_text(w, title, 0);
	w_printf(w, "</title><desc id=\"%s-d\">", id);
	w_text(w, desc, 0);
	w_puts(w, "</desc>");
	if (title && *title) {
		w_puts(w, "<text class=\"chart-title\" x=\"0\" y=\"18\" font-size=\"15\" font-weight=\"bold\">");
		w_text(w, title, (size_t)(width / 8.5));
		w_puts(w, "</text>");
	}
}

static void svg_empty(cw *w, const char *id, const char *title, const char *desc)
{
	svg_open(w, id, "empty", CHART_W, 80, title, desc);
	w_printf(w,
	         "<text class=\"empty\" x=\"%s\" y=\"56\" text-anchor=\"middle\" font-size=\"14\" "
	         "fill=\"#555555\">No data yet</text></svg>",
	         N(CHART_W / 2).s);
}

/* Legend items flow left to right and wrap; the same flow run twice gives the same places, once
 * to measure the legend's height and once to draw it. */
typedef struct flow {
	double x0, x1, x, y;
} flow;

static void flow_init(flow *f, double x0, double x1)
{
	f->x0 = x0, f->x1 = x1, f->x = x0, f->y = LEGEND_Y;
}

static void flow_place(flow *f, double width, double *x, double *y)
{
	if (f->x > f->x0 && f->x + width > f->x1) {
		f->x = f->x0;
		f->y += LEGEND_ROW;
	}
	if (x)
		*x = f->x;
	if (y)
		*y = f->y;
	f->x += width;
}

/* The bottom of the legend drawn by f. */
static double flow_bottom(const flow *f)
{
	return f->y + LEGEND_ROW / 2;
}

static double key_w(const char *name, double swatch)
{
	return swatch + 6 + text_w(name, KEY_CHARS) + 18;
}

/* ---- scale ----------------------------------------------------------------------------------- */

/* A linear scale with round ticks: lo + i * step for i in 0..n; lo maps to p0, hi to p1. */
typedef struct scale {
	double lo, hi, step, p0, p1;
	int n;
} scale;

/* Heckbert's nice numbers: 1, 2, 5 or 10 times a power of ten, near x (> 0). */
static double nice(double x, bool rnd)
{
	double e = floor(log10(x)), p = pow(10, e), f = x / p, nf;
	if (rnd)
		nf = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
	else
		nf = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
	return nf * p;
}

static void scale_fit(scale *s, double dmin, double dmax, double p0, double p1)
{
	if (!(dmin <= dmax))
		dmin = 0, dmax = 1;
	double mag = fmax(fabs(dmin), fabs(dmax));
	if (mag == 0) {
		dmin = 0, dmax = 1;
	} else if (dmax - dmin < mag * 1e-3) {
		/* a flat series: widen it so that tick labels differ in 6 digits */
		double c = (dmin + dmax) / 2;
		dmin = c - mag * 1e-3, dmax = c + mag * 1e-3;
	}
	double step = nice(nice(dmax - dmin, false) / 5, true);
	double lo = floor(dmin / step) * step, hi = ceil(dmax / step) * step;
	if (lo > dmin)
		lo -= step;
	if (hi < dmax)
		hi += step;
	double n = round((hi - lo) / step);
	if (!isfinite(step) || step <= 0 || !isfinite(lo) || !isfinite(hi) || !(n >= 1 && n <= 50)) {
		lo = dmin, hi = dmax, step = dmax - dmin, n = 1;
	}
	s->lo = lo, s->hi = hi, s->step = step, s->n = (int)n, s->p0 = p0, s->p1 = p1;
}

static double scale_tick(const scale *s, int i)
{
	double t = i == s->n ? s->hi : s->lo + i * s->step;
	return fabs(t) < s->step * 1e-9 ? 0 : t;
}

static double scale_pos(const scale *s, double v)
{
	return s->p0 + (v - s->lo) / (s->hi - s->lo) * (s->p1 - s->p0);
}

/* The widest tick label, in characters. */
static size_t scale_label_chars(const scale *s)
{
	size_t m = 0;
	for (int i = 0; i <= s->n; i++) {
		size_t k = strlen(V(scale_tick(s, i)).s);
		if (k > m)
			m = k;
	}
	return m;
}

/* A horizontal value axis (stacked and paired bars): vertical grid lines from y0 to y1, tick
 * labels under y1; the line at 0 is darker when 0 is inside. */
static void w_value_axis(cw *w, const scale *s, double y0, double y1)
{
	w_puts(w, "<g class=\"axis x\">");
	for (int i = 0; i <= s->n; i++) {
		double t = scale_tick(s, i), x = scale_pos(s, t);
		w_printf(w, "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"%s\" stroke-width=\"1\"/>", N(x).s,
		         N(y0).s, N(x).s, N(y1).s, t == 0 ? AXIS : GRID);
		w_printf(w,
		         "<text class=\"tick\" x=\"%s\" y=\"%s\" text-anchor=\"middle\" font-size=\"11\" "
		         "fill=\"" MUTED "\">%s</text>",
		         N(x).s, N(y1 + 16).s, V(t).s);
	}
	w_printf(w, "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"" AXIS "\" stroke-width=\"1\"/></g>",
	         N(s->p0).s, N(y1).s, N(s->p1).s, N(y1).s);
}

/* ---- line chart ------------------------------------------------------------------------------ */

static bool series_has(const ep_series *s, size_t i)
{
	return (!s->present || s->present[i]) && val_ok(s->values[i]);
}

/* Opens a marker of one of MARKER_SHAPES shapes centred on (x, y); returns the tag to close. */
static const char *w_marker(cw *w, size_t shape, double x, double y, const char *colour, const char *cls)
{
	const char *tag = "path";
	switch (shape % MARKER_SHAPES) {
	case 0:
		tag = "circle";
		w_printf(w, "<circle class=\"%s\" cx=\"%s\" cy=\"%s\" r=\"4\"", cls, N(x).s, N(y).s);
		break;
	case 1:
		tag = "rect";
		w_printf(w, "<rect class=\"%s\" x=\"%s\" y=\"%s\" width=\"7\" height=\"7\"", cls, N(x - 3.5).s,
		         N(y - 3.5).s);
		break;
	case 2: /* triangle */
		w_printf(w, "<path class=\"%s\" d=\"M%s %sL%s %sL%s %sZ\"", cls, N(x).s, N(y - 5).s, N(x + 4.5).s,
		         N(y + 3.5).s, N(x - 4.5).s, N(y + 3.5).s);
		break;
	case 3: /* diamond */
		w_printf(w, "<path class=\"%s\" d=\"M%s %sL%s %sL%s %sL%s %sZ\"", cls, N(x).s, N(y - 5).s, N(x + 5).s,
		         N(y).s, N(x).s, N(y + 5).s, N(x - 5).s, N(y).s);
		break;
	default: /* triangle pointing down */
		w_printf(w, "<path class=\"%s\" d=\"M%s %sL%s %sL%s %sZ\"", cls, N(x).s, N(y + 5).s, N(x + 4.5).s,
		         N(y - 3.5).s, N(x - 4.5).s, N(y - 3.5).s);
		break;
	}
	w_printf(w, " fill=\"%s\" stroke=\"#ffffff\" stroke-width=\"1\">", colour);
	return tag;
}

static void w_line_style(cw *w, size_t s)
{
	w_printf(w, " fill=\"none\" stroke=\"%s\" stroke-width=\"2\"", LINE_COLOURS[s]);
	if (LINE_DASHES[s % 4])
		w_printf(w, " stroke-dasharray=\"%s\"", LINE_DASHES[s % 4]);
}

ep_status ep_chart_lines(ep_buf *out, const char *id, const char *title, const char *desc, const char *const *xlabels,
                         size_t nx, const ep_series *series, size_t nseries, const char *unit)
{
	if (!out || !id_ok(id))
		return EP_E_INVALID;
	if (nx > EP_CHART_MAX_ITEMS || nseries > EP_CHART_MAX_KEYS)
		return EP_E_LIMIT;
	if ((nx && !xlabels) || (nseries && !series))
		return EP_E_INVALID;
	for (size_t s = 0; s < nseries; s++)
		if (nx && !series[s].values)
			return EP_E_INVALID;

	cw w;
	w_begin(&w, out);
	double dmin = 0, dmax = 0;
	bool any = false;
	size_t last[EP_CHART_MAX_KEYS]; /* the last known point of each series, nx if none */
	for (size_t s = 0; s < nseries; s++) {
		last[s] = nx;
		for (size_t i = 0; i < nx; i++) {
			if (!series_has(&series[s], i))
				continue;
			double v = series[s].values[i];
			dmin = any ? fmin(dmin, v) : v;
			dmax = any ? fmax(dmax, v) : v;
			any = true;
			last[s] = i;
		}
	}
	if (!any) {
		svg_empty(&w, id, title, desc);
		return w_end(&w);
	}
	/* Zero is on the axis unless the data would then fill less than 40% of the height. */
	if (dmin >= 0 && dmin <= 0.6 * dmax)
		dmin = 0;
	if (dmax <= 0 && dmax >= 0.6 * dmin)
		dmax = 0;

	flow f;
	flow_init(&f, 8, CHART_W - 8);
	for (size_t s = 0; s < nseries; s++)
		flow_place(&f, key_w(series[s].name, 30), NULL, NULL);
	bool has_unit = unit && *unit;
	double unit_y = flow_bottom(&f) + 16;
	double y0 = flow_bottom(&f) + (has_unit ? 28 : 16), y1 = y0 + 240;
	scale sc;
	scale_fit(&sc, dmin, dmax, y1, y0);
	double left = (double)scale_label_chars(&sc) * SMALL_W + 12;
	if (left < 36)
		left = 36;
	double right = 24;
	for (size_t s = 0; s < nseries; s++) {
		if (last[s] == nx)
			continue;
		double r = (double)strlen(V(series[s].values[last[s]]).s) * SMALL_W + 16;
		if (r > right)
			right = r;
	}
	double x0 = left, x1 = CHART_W - right, band = (x1 - x0) / (double)nx;
	double height = y1 + 34;

	svg_open(&w, id, "lines", CHART_W, height, title, desc);

	/* legend */
	flow_init(&f, 8, CHART_W - 8);
	w_puts(&w, "<g class=\"legend\">");
	for (size_t s = 0; s < nseries; s++) {
		double x, y;
		flow_place(&f, key_w(series[s].name, 30), &x, &y);
		w_printf(&w, "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\"", N(x).s, N(y).s, N(x + 30).s, N(y).s);
		w_line_style(&w, s);
		w_puts(&w, "/>");
		w_printf(&w, "</%s>", w_marker(&w, s, x + 15, y, LINE_COLOURS[s], "key"));
		w_printf(&w, "<text x=\"%s\" y=\"%s\">", N(x + 36).s, N(y + 4).s);
		w_text(&w, series[s].name, KEY_CHARS);
		w_puts(&w, "</text>");
	}
	w_puts(&w, "</g>");
	if (has_unit) {
		w_printf(&w, "<text class=\"unit\" x=\"%s\" y=\"%s\" font-size=\"11\" fill=\"" MUTED "\">", N(x0).s,
		         N(unit_y).s);
		w_text(&w, unit, UNIT_CHARS);
		w_puts(&w, "</text>");
	}

	/* value axis: horizontal grid lines and tick labels */
	w_puts(&w, "<g class=\"axis y\">");
	for (int i = 0; i <= sc.n; i++) {
		double t = scale_tick(&sc, i), y = scale_pos(&sc, t);
		w_printf(&w, "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"%s\" stroke-width=\"1\"/>",
		         N(x0).s, N(y).s, N(x1).s, N(y).s, t == 0 && i > 0 ? AXIS : GRID);
		w_printf(&w,
		         "<text class=\"tick\" x=\"%s\" y=\"%s\" text-anchor=\"end\" font-size=\"11\" "
		         "fill=\"" MUTED "\">%s</text>",
		         N(x0 - 6).s, N(y + 4).s, V(t).s);
	}
	w_puts(&w, "</g>");

	/* rounds: the axis line, a tick per round, as many labels as fit */
	double xlab = 0;
	for (size_t i = 0; i < nx; i++) {
		double t = text_w(xlabels[i], XLABEL_CHARS);
		if (t > xlab)
			xlab = t;
	}
	size_t every = (size_t)ceil((xlab * SMALL_W / CHAR_W + 10) / band);
	if (every < 1)
		every = 1;
	w_printf(&w,
	         "<g class=\"axis x\"><line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"" AXIS
	         "\" stroke-width=\"1\"/>",
	         N(x0).s, N(y1).s, N(x1).s, N(y1).s);
	for (size_t i = 0; i < nx; i++) {
		double x = x0 + ((double)i + 0.5) * band;
		if (i % every)
			continue;
		w_printf(&w, "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"" AXIS "\" stroke-width=\"1\"/>",
		         N(x).s, N(y1).s, N(x).s, N(y1 + 4).s);
		w_printf(&w,
		         "<text class=\"xlabel\" x=\"%s\" y=\"%s\" text-anchor=\"middle\" font-size=\"11\" "
		         "fill=\"" LABEL "\">",
		         N(x).s, N(y1 + 17).s);
		w_text(&w, xlabels[i], XLABEL_CHARS);
		w_puts(&w, "</text>");
	}
	w_puts(&w, "</g>");

	/* series: one path per series broken at every gap, then a marker per known value */
	for (size_t s = 0; s < nseries; s++) {
		const ep_series *se = &series[s];
		bool open = false;
		for (size_t i = 0; i + 1 < nx; i++) {
			if (!series_has(se, i) || !series_has(se, i + 1))
				continue;
			if (!open) {
				w_printf(&w, "<path class=\"series s%zu\"", s);
				w_line_style(&w, s);
				w_puts(&w, " stroke-linejoin=\"round\" d=\"");
				open = true;
			}
			double xa = x0 + ((double)i + 0.5) * band, ya = scale_pos(&sc, se->values[i]);
			if (i == 0 || !series_has(se, i - 1))
				w_printf(&w, "M%s %s", N(xa).s, N(ya).s);
			double xb = xa + band, yb = scale_pos(&sc, se->values[i + 1]);
			w_printf(&w, "L%s %s", N(xb).s, N(yb).s);
		}
		if (open)
			w_puts(&w, "\"/>");
		char cls[32];
		snprintf(cls, sizeof cls, "pt s%zu", s);
		w_printf(&w, "<g class=\"points s%zu\">", s);
		for (size_t i = 0; i < nx; i++) {
			if (!series_has(se, i))
				continue;
			double v = se->values[i];
			const char *tag =
			        w_marker(&w, s, x0 + ((double)i + 0.5) * band, scale_pos(&sc, v), LINE_COLOURS[s], cls);
			w_puts(&w, "<title>");
			w_text(&w, se->name, 0);
			w_puts(&w, ", ");
			w_text(&w, xlabels[i], 0);
			w_printf(&w, ": %s", V(v).s);
			w_unit(&w, unit);
			w_printf(&w, "</title></%s>", tag);
		}
		w_puts(&w, "</g>");
	}

	/* the last value of each series, next to its point, pushed apart so that none overlap */
	size_t order[EP_CHART_MAX_KEYS], nl = 0;
	double ly[EP_CHART_MAX_KEYS];
	for (size_t s = 0; s < nseries; s++) {
		if (last[s] == nx)
			continue;
		ly[s] = scale_pos(&sc, series[s].values[last[s]]) + 4;
		size_t j = nl++;
		while (j > 0 && (ly[order[j - 1]] > ly[s] || (ly[order[j - 1]] == ly[s] && order[j - 1] > s))) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = s;
	}
	for (size_t j = 1; j < nl; j++)
		if (ly[order[j]] < ly[order[j - 1]] + 13)
			ly[order[j]] = ly[order[j - 1]] + 13;
	if (nl && ly[order[nl - 1]] > y1 + 4) {
		double up = ly[order[nl - 1]] - (y1 + 4);
		for (size_t j = 0; j < nl; j++)
			ly[order[j]] -= up;
	}
	w_puts(&w, "<g class=\"last\">");
	for (size_t j = 0; j < nl; j++) {
		size_t s = order[j];
		w_printf(&w, "<text x=\"%s\" y=\"%s\" font-size=\"11\" fill=\"" LABEL "\">%s</text>",
		         N(x0 + ((double)last[s] + 0.5) * band + 8).s, N(ly[s]).s, V(series[s].values[last[s]]).s);
	}
	w_puts(&w, "</g></svg>");
	return w_end(&w);
}

/* ---- stacked bars ---------------------------------------------------------------------------- */

static bool count_ok(double v)
{
	return val_ok(v) && v >= 0;
}

ep_status ep_chart_stacked(ep_buf *out, const char *id, const char *title, const char *desc, const char *const *rows,
                           size_t nrows, const char *const *cats, size_t ncats, const double *counts)
{
	if (!out || !id_ok(id))
		return EP_E_INVALID;
	if (nrows > EP_CHART_MAX_ITEMS || ncats > EP_CHART_MAX_KEYS)
		return EP_E_LIMIT;
	if ((nrows && !rows) || (ncats && !cats) || (nrows && ncats && !counts))
		return EP_E_INVALID;

	cw w;
	w_begin(&w, out);
	bool any = false;
	double max = 0;
	size_t total_chars = 1;
	for (size_t r = 0; r < nrows; r++) {
		double t = 0;
		for (size_t c = 0; c < ncats; c++)
			if (count_ok(counts[r * ncats + c])) {
				t += counts[r * ncats + c];
				any = true;
			}
		max = fmax(max, t);
		size_t k = strlen(V(t).s);
		if (k > total_chars)
			total_chars = k;
	}
	if (!any) {
		svg_empty(&w, id, title, desc);
		return w_end(&w);
	}

	flow f;
	flow_init(&f, 8, CHART_W - 8);
	for (size_t c = 0; c < ncats; c++)
		flow_place(&f, key_w(cats[c], 12), NULL, NULL);
	const double row_h = 30, bar_h = 20;
	double top = flow_bottom(&f) + 8;
	double left = label_margin(rows, nrows);
	double right = (double)total_chars * SMALL_W + 14;
	if (right < 30)
		right = 30;
	double axis_y = top + (double)nrows * row_h + 2;
	scale sc;
	scale_fit(&sc, 0, max, left, CHART_W - right);

	svg_open(&w, id, "stacked", CHART_W, axis_y + 28, title, desc);
	flow_init(&f, 8, CHART_W - 8);
	w_puts(&w, "<g class=\"legend\">");
	for (size_t c = 0; c < ncats; c++) {
		double x, y;
		flow_place(&f, key_w(cats[c], 12), &x, &y);
		w_printf(&w, "<rect x=\"%s\" y=\"%s\" width=\"12\" height=\"12\" fill=\"%s\"/>", N(x).s, N(y - 6).s,
		         FILLS[c].fill);
		w_printf(&w, "<text x=\"%s\" y=\"%s\">", N(x + 18).s, N(y + 4).s);
		w_text(&w, cats[c], KEY_CHARS);
		w_puts(&w, "</text>");
	}
	w_puts(&w, "</g>");
	w_value_axis(&w, &sc, top, axis_y);

	for (size_t r = 0; r < nrows; r++) {
		double y = top + (double)r * row_h + 5, cum = 0;
		w_printf(&w, "<g class=\"row\">");
		w_row_label(&w, rows[r], left - 8, y + bar_h / 2 + 4);
		for (size_t c = 0; c < ncats; c++) {
			double v = counts[r * ncats + c];
			if (!count_ok(v) || v == 0)
				continue;
			double xa = scale_pos(&sc, cum), xb = scale_pos(&sc, cum + v);
			cum += v;
			w_printf(&w,
			         "<rect class=\"seg c%zu\" x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\" fill=\"%s\" "
			         "stroke=\"#ffffff\" stroke-width=\"1\"><title>",
			         c, N(xa).s, N(y).s, N(xb - xa).s, N(bar_h).s, FILLS[c].fill);
			w_text(&w, rows[r], 0);
			w_puts(&w, " \xE2\x80\x94 ");
			w_text(&w, cats[c], 0);
			w_printf(&w, ": %s</title></rect>", V(v).s);
			num lab = V(v);
			if ((double)strlen(lab.s) * SMALL_W + 6 <= xb - xa)
				w_printf(&w,
				         "<text x=\"%s\" y=\"%s\" text-anchor=\"middle\" font-size=\"11\" "
				         "fill=\"%s\">%s</text>",
				         N((xa + xb) / 2).s, N(y + bar_h / 2 + 4).s, FILLS[c].ink, lab.s);
		}
		w_printf(&w,
		         "<text class=\"total\" x=\"%s\" y=\"%s\" font-size=\"11\" fill=\"" LABEL "\">%s</text></g>",
		         N(scale_pos(&sc, cum) + 6).s, N(y + bar_h / 2 + 4).s, V(cum).s);
	}
	w_puts(&w, "</svg>");
	return w_end(&w);
}

/* ---- heat map -------------------------------------------------------------------------------- */

/* The Blues step of level k of n, light to dark, never the near-white first step. */
static size_t ramp_index(size_t k, size_t n)
{
	if (n <= 1)
		return 5;
	return 1 + (k * 7 + (n - 1) / 2) / (n - 1);
}

static const char *ramp_ink(size_t idx)
{
	return idx >= 6 ? "#ffffff" : "#000000";
}

ep_status ep_chart_heat(ep_buf *out, const char *id, const char *title, const char *desc, const char *const *rows,
                        size_t nrows, const char *const *cols, size_t ncols, const int *levels,
                        const char *const *level_names, size_t nlevels)
{
	if (!out || !id_ok(id))
		return EP_E_INVALID;
	if (nrows > EP_CHART_MAX_ITEMS || ncols > EP_CHART_MAX_ITEMS || nlevels > EP_CHART_MAX_KEYS)
		return EP_E_LIMIT;
	if ((nrows && !rows) || (ncols && !cols) || (nrows && ncols && !levels) || (nlevels && !level_names))
		return EP_E_INVALID;
	bool any = false, has_empty = false;
	for (size_t i = 0; i < nrows * ncols; i++) {
		if (levels[i] < -1 || levels[i] >= (int)nlevels)
			return EP_E_INVALID;
		if (levels[i] >= 0)
			any = true;
		else
			has_empty = true;
	}

	cw w;
	w_begin(&w, out);
	if (!any) {
		svg_empty(&w, id, title, desc);
		return w_end(&w);
	}

	double left = label_margin(rows, nrows);
	double cell_w = floor((CHART_W - left - 12) / (double)ncols);
	if (cell_w < 14)
		cell_w = 14;
	if (cell_w > 44)
		cell_w = 44;
	const double cell_h = 22;
	double width = left + (double)ncols * cell_w + 12;
	if (width < CHART_W)
		width = CHART_W;
	double col_w = 0;
	for (size_t c = 0; c < ncols; c++) {
		double t = (double)chars(cols[c]) * SMALL_W;
		if (t > col_w)
			col_w = t;
	}
	bool rotate = col_w > cell_w - 2;
	if (col_w > COL_CHARS * SMALL_W)
		col_w = COL_CHARS * SMALL_W;

	flow f;
	flow_init(&f, 8, width - 8);
	for (size_t k = 0; k < nlevels; k++)
		flow_place(&f, key_w(level_names[k], 16), NULL, NULL);
	if (has_empty)
		flow_place(&f, key_w("no entry", 16), NULL, NULL);
	double head = rotate ? col_w + 12 : 20;
	double gy = flow_bottom(&f) + 8 + head;
	bool numbers = cell_w >= 16;

	svg_open(&w, id, "heat", width, gy + (double)nrows * cell_h + 10, title, desc);
	flow_init(&f, 8, width - 8);
	w_puts(&w, "<g class=\"legend\">");
	for (size_t k = 0; k < nlevels; k++) {
		double x, y;
		size_t idx = ramp_index(k, nlevels);
		flow_place(&f, key_w(level_names[k], 16), &x, &y);
		w_printf(&w,
		         "<rect x=\"%s\" y=\"%s\" width=\"16\" height=\"16\" fill=\"%s\" stroke=\"#cccccc\" "
		         "stroke-width=\"1\"/>",
		         N(x).s, N(y - 8).s, BLUES[idx]);
		w_printf(&w, "<text x=\"%s\" y=\"%s\" text-anchor=\"middle\" font-size=\"11\" fill=\"%s\">%zu</text>",
		         N(x + 8).s, N(y + 4).s, ramp_ink(idx), k);
		w_printf(&w, "<text x=\"%s\" y=\"%s\">", N(x + 22).s, N(y + 4).s);
		w_text(&w, level_names[k], KEY_CHARS);
		w_puts(&w, "</text>");
	}
	if (has_empty) {
		double x, y;
		flow_place(&f, key_w("no entry", 16), &x, &y);
		w_printf(&w,
		         "<rect x=\"%s\" y=\"%s\" width=\"14\" height=\"14\" fill=\"#ffffff\" stroke=\"#cccccc\" "
		         "stroke-width=\"1\"/><text x=\"%s\" y=\"%s\">no entry</text>",
		         N(x + 1).s, N(y - 7).s, N(x + 22).s, N(y + 4).s);
	}
	w_puts(&w, "</g><g class=\"cols\">");
	for (size_t c = 0; c < ncols; c++) {
		double cx = left + ((double)c + 0.5) * cell_w;
		if (rotate)
			w_printf(&w, "<text x=\"%s\" y=\"%s\" transform=\"rotate(-90 %s %s)\" font-size=\"11\">",
			         N(cx + 4).s, N(gy - 6).s, N(cx + 4).s, N(gy - 6).s);
		else
			w_printf(&w, "<text x=\"%s\" y=\"%s\" text-anchor=\"middle\" font-size=\"11\">", N(cx).s,
			         N(gy - 6).s);
		w_text(&w, cols[c], COL_CHARS);
		w_puts(&w, "</text>");
	}
	w_puts(&w, "</g>");

	/* A large matrix (a 60-action plan with its organisations) is mostly empty cells: they are
	 * drawn as one background with grid lines instead of a cell each, so that the chart stays a
	 * few tens of kilobytes. */
	bool compact = nrows * ncols > 400;
	if (compact) {
		w_printf(&w,
		         "<rect class=\"grid\" x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\" fill=\"#ffffff\" "
		         "stroke=\"#cccccc\" stroke-width=\"1\"/><path class=\"grid\" stroke=\"#eeeeee\" stroke-width=\"1\" d=\"",
		         N(left).s, N(gy).s, N((double)ncols * cell_w).s, N((double)nrows * cell_h).s);
		for (size_t r = 1; r < nrows; r++)
			w_printf(&w, "M%s %sh%s", N(left).s, N(gy + (double)r * cell_h).s, N((double)ncols * cell_w).s);
		w_puts(&w, "\"/>");
	}
	for (size_t r = 0; r < nrows; r++) {
		double y = gy + (double)r * cell_h;
		w_puts(&w, "<g class=\"row\">");
		w_row_label(&w, rows[r], left - 8, y + cell_h / 2 + 4);
		for (size_t c = 0; c < ncols; c++) {
			int lv = levels[r * ncols + c];
			double x = left + (double)c * cell_w;
			if (compact && lv < 0)
				continue;
			size_t idx = lv >= 0 ? ramp_index((size_t)lv, nlevels) : 0;
			if (lv >= 0)
				w_printf(&w,
				         "<rect class=\"cell l%d\" x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\" "
				         "fill=\"%s\"><title>",
				         lv, N(x + 0.5).s, N(y + 0.5).s, N(cell_w - 1).s, N(cell_h - 1).s, BLUES[idx]);
			else
				w_printf(&w,
				         "<rect class=\"cell empty\" x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\" "
				         "fill=\"#ffffff\" stroke=\"#cccccc\" stroke-width=\"1\"><title>",
				         N(x + 1.5).s, N(y + 1.5).s, N(cell_w - 3).s, N(cell_h - 3).s);
			w_text(&w, rows[r], 0);
			w_puts(&w, " \xE2\x80\x94 ");
			w_text(&w, cols[c], 0);
			w_puts(&w, ": ");
			if (lv >= 0)
				w_text(&w, level_names[lv], 0);
			else
				w_puts(&w, "no entry");
			w_puts(&w, "</title></rect>");
			if (lv >= 0 && numbers)
				w_printf(&w,
				         "<text x=\"%s\" y=\"%s\" text-anchor=\"middle\" font-size=\"11\" "
				         "fill=\"%s\">%d</text>",
				         N(x + cell_w / 2).s, N(y + cell_h / 2 + 4).s, ramp_ink(idx), lv);
		}
		w_puts(&w, "</g>");
	}
	w_puts(&w, "</svg>");
	return w_end(&w);
}

/* ---- paired bars ----------------------------------------------------------------------------- */

/* The share of b in a, as a whole percentage, or -1 when there is none to print. */
static double share(const double *a, const double *b, size_t r)
{
	if (!val_ok(a[r]) || !val_ok(b[r]) || a[r] <= 0)
		return -1;
	double p = round(b[r] / a[r] * 100);
	return isfinite(p) && p >= 0 && p < 1e6 ? p : -1;
}

static void w_pair_bar(cw *w, const scale *sc, const char *row, const char *name, const char *cls, const char *colour,
                       double v, double pct, double y, double h, const char *unit)
{
	if (!val_ok(v)) {
		w_printf(w, "<text x=\"%s\" y=\"%s\" font-size=\"11\" fill=\"" MUTED "\">no data</text>",
		         N(scale_pos(sc, 0) + 6).s, N(y + h / 2 + 4).s);
		return;
	}
	double xa = scale_pos(sc, fmin(0, v)), xb = scale_pos(sc, fmax(0, v));
	w_printf(w, "<rect class=\"bar %s\" x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\" fill=\"%s\"><title>", cls,
	         N(xa).s, N(y).s, N(xb - xa).s, N(h).s, colour);
	w_text(w, row, 0);
	w_puts(w, " \xE2\x80\x94 ");
	w_text(w, name, 0);
	w_printf(w, ": %s", V(v).s);
	w_unit(w, unit);
	w_puts(w, "</title></rect>");
	w_printf(w, "<text x=\"%s\" y=\"%s\" font-size=\"11\" fill=\"" LABEL "\">%s", N(xb + 5).s, N(y + h / 2 + 4).s,
	         V(v).s);
	w_unit(w, unit);
	if (pct >= 0)
		w_printf(w, " (%.0f%%)", pct);
	w_puts(w, "</text>");
}

ep_status ep_chart_pairs(ep_buf *out, const char *id, const char *title, const char *desc, const char *const *rows,
                         size_t nrows, const char *a_name, const double *a, const char *b_name, const double *b,
                         const char *unit)
{
	if (!out || !id_ok(id))
		return EP_E_INVALID;
	if (nrows > EP_CHART_MAX_ITEMS)
		return EP_E_LIMIT;
	if (nrows && (!rows || !a || !b))
		return EP_E_INVALID;

	cw w;
	w_begin(&w, out);
	bool any = false;
	double dmin = 0, dmax = 0;
	size_t lab = 7; /* "no data" */
	for (size_t r = 0; r < nrows; r++) {
		const double v2[2] = {a[r], b[r]};
		for (int k = 0; k < 2; k++) {
			if (!val_ok(v2[k]))
				continue;
			any = true;
			dmin = fmin(dmin, v2[k]);
			dmax = fmax(dmax, v2[k]);
			size_t n = strlen(V(v2[k]).s) + unit_chars(unit);
			if (k == 1 && share(a, b, r) >= 0)
				n += 8;
			if (n > lab)
				lab = n;
		}
	}
	if (!any) {
		svg_empty(&w, id, title, desc);
		return w_end(&w);
	}

	flow f;
	flow_init(&f, 8, CHART_W - 8);
	flow_place(&f, key_w(a_name, 12), NULL, NULL);
	flow_place(&f, key_w(b_name, 12), NULL, NULL);
	const double row_h = 40, bar_h = 14;
	double top = flow_bottom(&f) + 8;
	double left = label_margin(rows, nrows);
	double right = (double)lab * SMALL_W + 14;
	if (right > 220)
		right = 220;
	double axis_y = top + (double)nrows * row_h;
	bool has_unit = unit && *unit;
	scale sc;
	scale_fit(&sc, dmin, dmax, left, CHART_W - right);

	svg_open(&w, id, "pairs", CHART_W, axis_y + 28 + (has_unit ? 14 : 0), title, desc);
	flow_init(&f, 8, CHART_W - 8);
	w_puts(&w, "<g class=\"legend\">");
	for (int k = 0; k < 2; k++) {
		double x, y;
		const char *name = k ? b_name : a_name;
		flow_place(&f, key_w(name, 12), &x, &y);
		w_printf(&w, "<rect x=\"%s\" y=\"%s\" width=\"12\" height=\"12\" fill=\"%s\"/>", N(x).s, N(y - 6).s,
		         k ? PAIR_B : PAIR_A);
		w_printf(&w, "<text x=\"%s\" y=\"%s\">", N(x + 18).s, N(y + 4).s);
		w_text(&w, name, KEY_CHARS);
		w_puts(&w, "</text>");
	}
	w_puts(&w, "</g>");
	w_value_axis(&w, &sc, top, axis_y);
	if (has_unit) {
		w_printf(&w,
		         "<text class=\"unit\" x=\"%s\" y=\"%s\" text-anchor=\"end\" font-size=\"11\" "
		         "fill=\"" MUTED "\">",
		         N(sc.p1).s, N(axis_y + 32).s);
		w_text(&w, unit, UNIT_CHARS);
		w_puts(&w, "</text>");
	}
	for (size_t r = 0; r < nrows; r++) {
		double y = top + (double)r * row_h + 4;
		w_puts(&w, "<g class=\"row\">");
		w_row_label(&w, rows[r], left - 8, y + bar_h + 6);
		w_pair_bar(&w, &sc, rows[r], a_name, "a", PAIR_A, a[r], -1, y, bar_h, unit);
		w_pair_bar(&w, &sc, rows[r], b_name, "b", PAIR_B, b[r], share(a, b, r), y + bar_h + 4, bar_h, unit);
		w_puts(&w, "</g>");
	}
	w_puts(&w, "</svg>");
	return w_end(&w);
}
