/*
 * Unit tests of the SVG charts (view/chart.h): every chart is well-formed XML with its title and
 * description escaped, uses no style attribute, script or external reference, never prints NaN or
 * infinity, breaks lines at missing values, has a scale that covers the data, refuses a bad id and
 * too many rows, says "No data yet" for empty data, and leaves the buffer as it was on an error.
 *
 * With EMPACT_CHART_SAMPLES set to a directory, test_samples also writes one chart of each kind
 * there (chart-lines.svg, ...) to look at.
 */
#include "testutil.h"

#include <ctype.h>
#include <math.h>

#include "core/buf.h"
#include "core/str.h"
#include "view/chart.h"

/* ---- helpers --------------------------------------------------------------------------------- */

static size_t count(const char *s, const char *needle)
{
	size_t n = 0, k = strlen(needle);
	for (const char *p = strstr(s, needle); p; p = strstr(p + k, needle))
		n++;
	return n;
}

static bool contains_ci(const char *s, const char *needle)
{
	size_t k = strlen(needle);
	for (; *s; s++)
		if (strncasecmp(s, needle, k) == 0)
			return true;
	return false;
}

/* An entity at s ('&'): one of the five XML ones or a decimal character reference. */
static size_t entity_len(const char *s)
{
	static const char *const ents[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"};
	for (size_t i = 0; i < sizeof ents / sizeof *ents; i++)
		if (strncmp(s, ents[i], strlen(ents[i])) == 0)
			return strlen(ents[i]);
	if (s[1] == '#') {
		size_t i = 2;
		while (isdigit((unsigned char)s[i]))
			i++;
		if (i > 2 && s[i] == ';')
			return i + 1;
	}
	return 0;
}

/* A small XML checker, enough for what the charts write: one root element, balanced tags, quoted
 * attributes without '<' and unique per element, every '&' an entity, no raw '>' in text, and no
 * comment, processing instruction, CDATA or DOCTYPE. Fails the test with the offset of a fault. */
static void assert_xml(const char *s)
{
	char stack[64][32];
	int depth = 0, roots = 0;
	const char *p = s;
#define BAD(why) fail_msg("not well-formed at %ld: %s (near \"%.40s\")", (long)(p - s), why, p)
	while (*p) {
		if (*p == '&') {
			size_t n = entity_len(p);
			if (!n)
				BAD("bare &");
			p += n;
			continue;
		}
		if (*p == '>')
			BAD("raw > in text");
		if (*p != '<') {
			if (depth == 0 && !isspace((unsigned char)*p))
				BAD("text outside the root");
			p++;
			continue;
		}
		p++;
		bool close = *p == '/';
		if (close)
			p++;
		if (!isalpha((unsigned char)*p))
			BAD("not a tag name");
		char name[32];
		size_t n = 0;
		while (isalnum((unsigned char)*p) || *p == '-' || *p == ':') {
			if (n + 1 >= sizeof name)
				BAD("tag name too long");
			name[n++] = *p++;
		}
		name[n] = '\0';
		if (close) {
			if (*p != '>')
				BAD("junk in a closing tag");
			p++;
			if (depth == 0 || strcmp(stack[depth - 1], name) != 0)
				BAD("closing tag does not match");
			depth--;
			continue;
		}
		char attrs[32][32];
		int na = 0;
		for (;;) {
			while (isspace((unsigned char)*p))
				p++;
			if (*p == '>' || (p[0] == '/' && p[1] == '>'))
				break;
			char an[32];
			size_t k = 0;
			while (isalnum((unsigned char)*p) || *p == '-' || *p == ':') {
				if (k + 1 >= sizeof an)
					BAD("attribute name too long");
				an[k++] = *p++;
			}
			an[k] = '\0';
			if (!k || *p != '=' || p[1] != '"')
				BAD("attribute not name=\"value\"");
			for (int i = 0; i < na; i++)
				if (strcmp(attrs[i], an) == 0)
					BAD("duplicate attribute");
			if (na >= 32)
				BAD("too many attributes");
			memcpy(attrs[na++], an, k + 1);
			p += 2;
			while (*p && *p != '"') {
				if (*p == '<')
					BAD("< in an attribute");
				if (*p == '&') {
					size_t e = entity_len(p);
					if (!e)
						BAD("bare & in an attribute");
					p += e;
				} else {
					p++;
				}
			}
			if (*p != '"')
				BAD("unterminated attribute");
			p++;
			if (!isspace((unsigned char)*p) && *p != '>' && *p != '/')
				BAD("no space after an attribute");
		}
		if (depth == 0)
			roots++;
		if (*p == '/') {
			p += 2;
			continue;
		}
		p++;
		if (depth >= 64)
			BAD("too deep");
		memcpy(stack[depth++], name, n + 1);
	}
	if (depth != 0)
		fail_msg("not well-formed: %d element(s) left open, innermost <%s>", depth, stack[depth - 1]);
	if (roots != 1)
		fail_msg("not well-formed: %d root elements", roots);
#undef BAD
}

/* What every chart must be: well-formed, one <svg> labelled by its title and desc, nothing the
 * Content-Security-Policy forbids, no NaN or infinity, valid UTF-8. */
static void assert_chart(const char *s, const char *id)
{
	char head[200];
	snprintf(head, sizeof head,
	         "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-labelledby=\"%s-t %s-d\" viewBox=\"", id,
	         id);
	assert_xml(s);
	assert_true(strncmp(s, head, strlen(head)) == 0);
	char t[80];
	snprintf(t, sizeof t, "<title id=\"%s-t\">", id);
	assert_int_equal(count(s, t), 1);
	snprintf(t, sizeof t, "<desc id=\"%s-d\">", id);
	assert_int_equal(count(s, t), 1);
	assert_int_equal(count(s, "<svg"), 1);
	assert_non_null(strstr(s, "class=\"chart "));
	assert_false(contains_ci(s, "style"));
	assert_false(contains_ci(s, "<script"));
	assert_false(contains_ci(s, "foreignObject"));
	assert_false(contains_ci(s, "href"));
	assert_false(contains_ci(s, "url("));
	assert_false(contains_ci(s, "nan"));
	assert_false(contains_ci(s, "inf"));
	assert_true(ep_utf8_valid(s, strlen(s)));
}

/* The smallest and largest tick labels (class="tick"). Understands the M suffix. */
static void tick_range(const char *s, double *lo, double *hi)
{
	*lo = HUGE_VAL, *hi = -HUGE_VAL;
	for (const char *p = strstr(s, "class=\"tick\""); p; p = strstr(p + 1, "class=\"tick\"")) {
		const char *q = strchr(p, '>');
		assert_non_null(q);
		char *end;
		double v = strtod(q + 1, &end);
		assert_true(end > q + 1);
		if (*end == 'M')
			v *= 1e6, end++;
		assert_int_equal(*end, '<');
		*lo = fmin(*lo, v), *hi = fmax(*hi, v);
	}
	assert_true(*lo <= *hi); /* there are ticks */
}

static double max_tick(const char *s)
{
	double lo, hi;
	tick_range(s, &lo, &hi);
	return hi;
}

static double min_tick(const char *s)
{
	double lo, hi;
	tick_range(s, &lo, &hi);
	return lo;
}

/* Whether s holds a number in exponent form ("1e+06", "2.5e-05"). */
static bool has_exponent(const char *s)
{
	for (; *s; s++)
		if (isdigit((unsigned char)s[0]) && (s[1] == 'e' || s[1] == 'E') && (s[2] == '+' || s[2] == '-') &&
		    isdigit((unsigned char)s[3]))
			return true;
	return false;
}

/* Whether the start tag at p has the attribute name. */
static bool tag_has(const char *p, const char *name)
{
	const char *end = strchr(p, '>'), *a = strstr(p, name);
	return a && a < end;
}

/* The number of subpaths ("M") in the d attribute of the path of series s; 0 without a path. */
static size_t subpaths(const char *svg, size_t s)
{
	char key[48];
	snprintf(key, sizeof key, "<path class=\"series s%zu\"", s);
	const char *p = strstr(svg, key);
	if (!p)
		return 0;
	assert_null(strstr(p + 1, key)); /* one path per series */
	p = strstr(p, " d=\"");
	assert_non_null(p);
	size_t n = 0;
	for (p += 4; *p && *p != '"'; p++)
		n += *p == 'M';
	return n;
}

static size_t markers(const char *svg, size_t s)
{
	char key[48];
	snprintf(key, sizeof key, "class=\"pt s%zu\"", s);
	return count(svg, key);
}

/* ---- data ------------------------------------------------------------------------------------ */

static const char *const ROUNDS[8] = {"2018-H1", "2018-H2", "2019-H1", "2019-H2",
                                      "2020-H1", "2020-H2", "2021-H1", "2021-H2"};
/* Round 2 is unknown (its value, 9999, must not be drawn), round 5 is NaN. */
static const double ACTUAL[8] = {40, 55, 9999, 81, 96, NAN, 120, 137};
static const bool ACTUAL_KNOWN[8] = {true, true, false, true, true, true, true, true};
static const double TARGET[8] = {50, 60, 70, 80, 90, 100, 110, 120};

static ep_status lines(ep_buf *b, const char *id)
{
	const ep_series s[2] = {{"Actual", ACTUAL, ACTUAL_KNOWN}, {"Target", TARGET, NULL}};
	return ep_chart_lines(b, id, "KPI 1.2: cases opened", "Cases opened per round against the target", ROUNDS, 8, s,
	                      2, "cases");
}

static const char *const OAPS[3] = {"OAP 2022 Cybercrime", "OAP 2022 Firearms", "OAP 2022 Drugs"};
static const char *const STATUS[4] = {"Planned", "Ongoing", "Completed", "Cancelled"};
static const double COUNTS[12] = {3, 10, 4, 1, 0, 6, 12, 0, 2, 2, 2, 2};

static ep_status stacked(ep_buf *b, const char *id)
{
	return ep_chart_stacked(b, id, "Actions by status", "Operational actions per OAP by status", OAPS, 3, STATUS, 4,
	                        COUNTS);
}

static const char *const ACTIONS[3] = {"OA 1.1 Joint action days", "OA 2.3 Training", "OA 4.1 Money laundering"};
static const char *const COUNTRIES[5] = {"AT", "BE", "DE", "FR", "Europol"};
static const int LEVELS[15] = {3, 1, 2, -1, 2, 0, 2, 3, 1, 2, -1, -1, 1, 3, 0};
static const char *const LEVEL_NAMES[4] = {"none", "invited", "confirmed", "leader"};

static ep_status heat(ep_buf *b, const char *id)
{
	return ep_chart_heat(b, id, "Participation", "Countries and organisations per action", ACTIONS, 3, COUNTRIES, 5,
	                     LEVELS, LEVEL_NAMES, 4);
}

static const char *const GRANTS[3] = {"Grant 101", "Grant 102", "Grant 103"};
static const double ALLOC[3] = {1200000, 450000, 80000};
static const double USED[3] = {996000, 450000, NAN};

static ep_status pairs(ep_buf *b, const char *id)
{
	return ep_chart_pairs(b, id, "Funding", "Allocated against used per grant", GRANTS, 3, "Allocated", ALLOC,
	                      "Used", USED, "EUR");
}

/* ---- tests ----------------------------------------------------------------------------------- */

static void test_lines(void **state)
{
	(void)state;
	ep_buf b;
	ep_buf_init(&b, 0);
	assert_int_equal(lines(&b, "kpi-12"), EP_OK);
	const char *s = ep_buf_str(&b);
	assert_chart(s, "kpi-12");
	assert_non_null(strstr(s, "<title id=\"kpi-12-t\">KPI 1.2: cases opened</title>"));
	assert_non_null(strstr(s, "<desc id=\"kpi-12-d\">Cases opened per round against the target</desc>"));
	/* Actual: known at 0 1 . 3 4 . 6 7: three runs, six markers; the unknown 9999 nowhere. */
	assert_int_equal(subpaths(s, 0), 3);
	assert_int_equal(markers(s, 0), 6);
	assert_int_equal(subpaths(s, 1), 1);
	assert_int_equal(markers(s, 1), 8);
	assert_null(strstr(s, "9999"));
	/* The scale covers the largest value (137), and not the unknown one. */
	double top = max_tick(s);
	assert_true(top >= 137);
	assert_true(top < 9999);
	assert_true(min_tick(s) == 0); /* counts start at 0 */
	/* Series differ by more than colour: a dash pattern and another marker shape. */
	const char *p0 = strstr(s, "<path class=\"series s0\""), *p1 = strstr(s, "<path class=\"series s1\"");
	assert_non_null(p0);
	assert_non_null(p1);
	assert_false(tag_has(p0, "stroke-dasharray"));
	assert_true(tag_has(p1, "stroke-dasharray"));
	assert_non_null(strstr(s, "<circle class=\"pt s0\""));
	assert_non_null(strstr(s, "<rect class=\"pt s1\""));
	/* Legend, unit, round labels, tooltips, the last values. */
	assert_non_null(strstr(s, ">Actual</text>"));
	assert_non_null(strstr(s, ">Target</text>"));
	assert_non_null(strstr(s, "class=\"unit\""));
	assert_non_null(strstr(s, ">2018-H1</text>"));
	assert_non_null(strstr(s, "<title>Actual, 2021-H2: 137 cases</title>"));
	assert_non_null(strstr(s, ">137</text>"));
	ep_buf_release(&b);
}

static void test_lines_gaps(void **state)
{
	(void)state;
	ep_buf b;
	ep_buf_init(&b, 0);
	/* Isolated points are markers without a line; a series with no known value has neither. */
	const double v[6] = {1, NAN, 3, INFINITY, 5, 6};
	const double none[6] = {NAN, NAN, NAN, NAN, NAN, NAN};
	const bool known[6] = {true, true, true, true, true, false};
	const ep_series s[3] = {{"a", v, NULL}, {"b", v, known}, {"c", none, NULL}};
	assert_int_equal(ep_chart_lines(&b, "g", "t", "d", ROUNDS, 6, s, 3, NULL), EP_OK);
	const char *out = ep_buf_str(&b);
	assert_chart(out, "g");
	assert_int_equal(subpaths(out, 0), 1); /* 5-6 */
	assert_int_equal(markers(out, 0), 4);
	assert_int_equal(subpaths(out, 1), 0); /* 1 . 3 . 5 . */
	assert_int_equal(markers(out, 1), 3);
	assert_int_equal(subpaths(out, 2), 0);
	assert_int_equal(markers(out, 2), 0);
	assert_null(strstr(out, "class=\"unit\""));
	ep_buf_release(&b);
}

static void test_lines_negative_and_flat(void **state)
{
	(void)state;
	ep_buf b;
	ep_buf_init(&b, 0);
	const double neg[3] = {-5, 12.5, -0.25};
	const ep_series s1 = {"n", neg, NULL};
	assert_int_equal(ep_chart_lines(&b, "n", "t", "d", ROUNDS, 3, &s1, 1, "%"), EP_OK);
	assert_chart(ep_buf_str(&b), "n");
	assert_true(max_tick(ep_buf_str(&b)) >= 12.5);
	assert_non_null(strstr(ep_buf_str(&b), ": 12.5%</title>"));
	ep_buf_reset(&b);
	const double flat[2] = {7, 7};
	const ep_series s2 = {"f", flat, NULL};
	assert_int_equal(ep_chart_lines(&b, "f", "t", "d", ROUNDS, 2, &s2, 1, NULL), EP_OK);
	assert_chart(ep_buf_str(&b), "f");
	assert_true(max_tick(ep_buf_str(&b)) >= 7);
	ep_buf_reset(&b);
	const double big[2] = {2.5e6, 4e6};
	const ep_series s3 = {"m", big, NULL};
	assert_int_equal(ep_chart_lines(&b, "m", "t", "d", ROUNDS, 2, &s3, 1, NULL), EP_OK);
	assert_chart(ep_buf_str(&b), "m");
	assert_true(max_tick(ep_buf_str(&b)) >= 4e6);
	assert_false(has_exponent(ep_buf_str(&b))); /* "4M", not "4e+06" */
	ep_buf_release(&b);
}

static void test_stacked(void **state)
{
	(void)state;
	ep_buf b;
	ep_buf_init(&b, 0);
	assert_int_equal(stacked(&b, "oap-status"), EP_OK);
	const char *s = ep_buf_str(&b);
	assert_chart(s, "oap-status");
	/* One segment per positive count (two are 0), one total per row, the scale covers 18. */
	assert_int_equal(count(s, "<rect class=\"seg "), 10);
	assert_int_equal(count(s, "class=\"total\""), 3);
	assert_non_null(strstr(s, ">18</text>"));
	assert_true(max_tick(s) >= 18);
	assert_true(min_tick(s) == 0);
	assert_non_null(strstr(s, "<title>OAP 2022 Cybercrime \xE2\x80\x94 Ongoing: 10</title>"));
	assert_non_null(strstr(s, ">Cancelled</text>"));
	/* The 12 segment is wide enough for its value. */
	assert_non_null(strstr(s, ">12</text>"));
	ep_buf_release(&b);
}

static void test_heat(void **state)
{
	(void)state;
	ep_buf b;
	ep_buf_init(&b, 0);
	assert_int_equal(heat(&b, "part"), EP_OK);
	const char *s = ep_buf_str(&b);
	assert_chart(s, "part");
	assert_int_equal(count(s, "<rect class=\"cell "), 15);
	assert_int_equal(count(s, "<rect class=\"cell empty\""), 3);
	assert_int_equal(count(s, "<rect class=\"cell l3\""), 3);
	assert_non_null(strstr(s, "<title>OA 1.1 Joint action days \xE2\x80\x94 AT: leader</title>"));
	assert_non_null(strstr(s, "<title>OA 2.3 Training \xE2\x80\x94 Europol: confirmed</title>"));
	assert_non_null(strstr(s, "<title>OA 4.1 Money laundering \xE2\x80\x94 BE: no entry</title>"));
	for (size_t k = 0; k < 4; k++) {
		char t[40];
		snprintf(t, sizeof t, ">%s</text>", LEVEL_NAMES[k]);
		assert_non_null(strstr(s, t));
	}
	assert_non_null(strstr(s, ">Europol</text>"));
	ep_buf_release(&b);
}

/* A plan of 60 actions and 70 organisations: the empty cells are one background, so the chart
 * stays small, and every filled cell is still drawn with its tooltip. */
static void test_heat_large_is_compact(void **state)
{
	(void)state;
	enum { R = 70, C = 60 };
	static const char *rows[R], *cols[C];
	static char rn[R][8], cn[C][8];
	static int lv[R * C];
	size_t filled = 0;
	for (size_t r = 0; r < R; r++) {
		snprintf(rn[r], sizeof rn[r], "O%zu", r);
		rows[r] = rn[r];
	}
	for (size_t c = 0; c < C; c++) {
		snprintf(cn[c], sizeof cn[c], "%zu.%zu", c / 10 + 1, c % 10 + 1);
		cols[c] = cn[c];
	}
	for (size_t i = 0; i < R * C; i++) {
		lv[i] = i % 17 == 0 ? (int)(i % 4) : -1;
		filled += lv[i] >= 0;
	}
	ep_buf b;
	ep_buf_init(&b, 0);
	assert_int_equal(ep_chart_heat(&b, "big", "Participation", "Who takes part", rows, R, cols, C, lv, LEVEL_NAMES, 4),
	                 EP_OK);
	const char *s = ep_buf_str(&b);
	assert_chart(s, "big");
	assert_int_equal(count(s, "<rect class=\"cell empty\""), 0);
	assert_int_equal(count(s, "<rect class=\"cell l"), filled);
	assert_true(b.len < 80 * 1024);
	ep_buf_release(&b);
}

static void test_heat_levels_checked(void **state)
{
	(void)state;
	ep_buf b;
	ep_buf_init(&b, 0);
	const int bad_hi[2] = {0, 4}, bad_lo[2] = {0, -2}, empty[2] = {-1, -1};
	assert_int_equal(ep_chart_heat(&b, "h", "t", "d", ACTIONS, 1, COUNTRIES, 2, bad_hi, LEVEL_NAMES, 4),
	                 EP_E_INVALID);
	assert_int_equal(ep_chart_heat(&b, "h", "t", "d", ACTIONS, 1, COUNTRIES, 2, bad_lo, LEVEL_NAMES, 4),
	                 EP_E_INVALID);
	assert_int_equal(ep_chart_heat(&b, "h", "t", "d", ACTIONS, 1, COUNTRIES, 2, empty, NULL, 4), EP_E_INVALID);
	assert_int_equal(b.len, 0);
	/* All cells empty: nothing to show. */
	assert_int_equal(ep_chart_heat(&b, "h", "t", "d", ACTIONS, 1, COUNTRIES, 2, empty, LEVEL_NAMES, 4), EP_OK);
	assert_chart(ep_buf_str(&b), "h");
	assert_non_null(strstr(ep_buf_str(&b), "No data yet"));
	ep_buf_release(&b);
}

static void test_pairs(void **state)
{
	(void)state;
	ep_buf b;
	ep_buf_init(&b, 0);
	assert_int_equal(pairs(&b, "funds"), EP_OK);
	const char *s = ep_buf_str(&b);
	assert_chart(s, "funds");
	assert_int_equal(count(s, "<rect class=\"bar a\""), 3);
	assert_int_equal(count(s, "<rect class=\"bar b\""), 2); /* the NaN is no bar */
	assert_int_equal(count(s, ">no data</text>"), 1);
	assert_non_null(strstr(s, ">1.2M EUR</text>"));
	assert_non_null(strstr(s, ">996000 EUR (83%)</text>"));
	assert_non_null(strstr(s, ">450000 EUR (100%)</text>"));
	assert_true(max_tick(s) >= 1200000);
	assert_true(min_tick(s) == 0);
	assert_non_null(strstr(s, ">Allocated</text>"));
	assert_non_null(strstr(s, ">Used</text>"));
	ep_buf_release(&b);
}

static void test_number_format(void **state)
{
	(void)state;
	ep_buf b;
	ep_buf_init(&b, 0);
	/* Value labels: 4 significant digits or the whole part, no exponent, M and bn for money. */
	static const char *const rows[8] = {"a", "b", "c", "d", "e", "f", "g", "h"};
	const double a[8] = {22.1261, 9999.7, 996000, 2.5e9, 0.0250368, -0.0, 1234567, 123456.7};
	const char *const want[8] = {">22.13</text>",   ">9999.7</text>", ">996000</text>", ">2.5bn</text>",
	                             ">0.02504</text>", ">0</text>",      ">1.235M</text>", ">123457</text>"};
	assert_int_equal(ep_chart_pairs(&b, "f", "t", "d", rows, 8, "a", a, "b", a, NULL), EP_OK);
	const char *s = ep_buf_str(&b);
	assert_chart(s, "f");
	for (size_t i = 0; i < 8; i++)
		if (!strstr(s, want[i]))
			fail_msg("no label %s", want[i]);
	assert_false(has_exponent(s));
	assert_null(strstr(s, ">-0<"));
	ep_buf_release(&b);
}

static const char XSS[] = "<script>alert(1)</script>";
static const char XSS_ESC[] = "&lt;script&gt;alert(1)&lt;/script&gt;";
static const char QUOTES[] = "Tom & \"Jerry's\" <b>";
static const char QUOTES_ESC[] = "Tom &amp; &quot;Jerry&#39;s&quot; &lt;b&gt;";

static void test_escaping(void **state)
{
	(void)state;
	ep_buf b;
	ep_buf_init(&b, 0);
	const char *const labels[2] = {XSS, QUOTES};
	const double v[2] = {1, 2}, c4[4] = {1, 2, 3, 4};
	const ep_series s[2] = {{XSS, v, NULL}, {QUOTES, v, NULL}};
	const int lv[4] = {0, 1, 1, 0};
	const char *const names[2] = {XSS, QUOTES};
	for (int kind = 0; kind < 4; kind++) {
		ep_buf_reset(&b);
		ep_status st = EP_E_INTERNAL;
		switch (kind) {
		case 0:
			st = ep_chart_lines(&b, "x", XSS, QUOTES, labels, 2, s, 2, XSS);
			break;
		case 1:
			st = ep_chart_stacked(&b, "x", XSS, QUOTES, labels, 2, labels, 2, c4);
			break;
		case 2:
			st = ep_chart_heat(&b, "x", XSS, QUOTES, labels, 2, labels, 2, lv, names, 2);
			break;
		default:
			st = ep_chart_pairs(&b, "x", XSS, QUOTES, labels, 2, XSS, v, QUOTES, v, XSS);
			break;
		}
		assert_int_equal(st, EP_OK);
		const char *out = ep_buf_str(&b);
		assert_chart(out, "x"); /* includes: no "<script" anywhere */
		char want[200];
		snprintf(want, sizeof want, "<title id=\"x-t\">%s</title>", XSS_ESC);
		assert_non_null(strstr(out, want));
		snprintf(want, sizeof want, "<desc id=\"x-d\">%s</desc>", QUOTES_ESC);
		assert_non_null(strstr(out, want));
		/* in the visible title, the legend or labels, and tooltips */
		assert_true(count(out, "&lt;script&gt;") >= 3);
		assert_true(count(out, "&quot;Jerry&#39;s&quot;") >= 2);
	}
	ep_buf_release(&b);
}

static void test_bad_text(void **state)
{
	(void)state;
	ep_buf b;
	ep_buf_init(&b, 0);
	/* Invalid UTF-8, a control character, an overlong '<', a surrogate: all replaced. */
	const char *const rows[2] = {"bad \xff\xfe byte\x01\x1b[31m", "over \xC0\xBC long \xED\xA0\x80 sur"};
	const double a[2] = {1, 2};
	assert_int_equal(ep_chart_pairs(&b, "u", "t\tx\ny", "d", rows, 2, "a", a, "b", a, NULL), EP_OK);
	const char *s = ep_buf_str(&b);
	assert_chart(s, "u"); /* valid UTF-8, well-formed */
	assert_null(strchr(s, '\x01'));
	assert_null(strchr(s, '\x1b'));
	assert_null(strchr(s, '\t'));
	assert_non_null(strstr(s, "bad \xEF\xBF\xBD\xEF\xBF\xBD byte  [31m"));
	assert_non_null(strstr(s, "<title id=\"u-t\">t x y</title>"));
	ep_buf_release(&b);
}

static void test_long_labels(void **state)
{
	(void)state;
	ep_buf b;
	ep_buf_init(&b, 0);
	const char *const rows[1] = {"Operational action 7.4: joint investigation teams on \xC3\xA9migr\xC3\xA9 "
	                             "smuggling networks"};
	const double c[1] = {4};
	const char *const cats[1] = {"Ongoing"};
	assert_int_equal(ep_chart_stacked(&b, "l", "t", "d", rows, 1, cats, 1, c), EP_OK);
	const char *s = ep_buf_str(&b);
	assert_chart(s, "l");
	/* Shortened on screen with an ellipsis, whole in the tooltip and the segment's title. */
	assert_non_null(strstr(s, "\xE2\x80\xA6</text>"));
	assert_int_equal(count(s, "smuggling networks"), 2);
	ep_buf_release(&b);
}

static void test_non_finite(void **state)
{
	(void)state;
	ep_buf b;
	ep_buf_init(&b, 0);
	const double v[4] = {NAN, INFINITY, -INFINITY, 1e300};
	const double w[4] = {-INFINITY, 2, NAN, -1e300};
	const ep_series s[2] = {{"a", v, NULL}, {"b", w, NULL}};
	assert_int_equal(ep_chart_lines(&b, "q", "t", "d", ROUNDS, 4, s, 2, NULL), EP_OK);
	assert_chart(ep_buf_str(&b), "q");
	assert_int_equal(markers(ep_buf_str(&b), 0), 0);
	assert_int_equal(markers(ep_buf_str(&b), 1), 1);
	ep_buf_reset(&b);
	assert_int_equal(ep_chart_stacked(&b, "q", "t", "d", OAPS, 2, STATUS, 2, v), EP_OK);
	assert_chart(ep_buf_str(&b), "q");
	assert_non_null(strstr(ep_buf_str(&b), "No data yet"));
	ep_buf_reset(&b);
	assert_int_equal(ep_chart_stacked(&b, "q", "t", "d", OAPS, 2, STATUS, 2, w), EP_OK);
	assert_chart(ep_buf_str(&b), "q");
	assert_int_equal(count(ep_buf_str(&b), "<rect class=\"seg "), 1);
	ep_buf_reset(&b);
	assert_int_equal(ep_chart_pairs(&b, "q", "t", "d", ROUNDS, 4, "a", v, "b", w, NULL), EP_OK);
	assert_chart(ep_buf_str(&b), "q");
	assert_int_equal(count(ep_buf_str(&b), "<rect class=\"bar "), 1);
	ep_buf_release(&b);
}

typedef ep_status (*render_fn)(ep_buf *b, const char *id);

static void test_invalid_id(void **state)
{
	(void)state;
	static const render_fn fns[4] = {lines, stacked, heat, pairs};
	char long_id[EP_CHART_ID_MAX + 2];
	memset(long_id, 'a', sizeof long_id - 1);
	long_id[sizeof long_id - 1] = '\0';
	const char *const bad[] = {NULL, "", "a b", "x\"y", "<s>", "a_b", "kpi.1", "\xC3\xA9", long_id};
	ep_buf b;
	ep_buf_init(&b, 0);
	assert_int_equal(ep_buf_puts(&b, "before"), EP_OK);
	for (size_t f = 0; f < 4; f++) {
		for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
			assert_int_equal(fns[f](&b, bad[i]), EP_E_INVALID);
		assert_string_equal(ep_buf_str(&b), "before");
		/* the longest allowed id, and every allowed character */
		long_id[EP_CHART_ID_MAX] = '\0';
		assert_int_equal(fns[f](&b, long_id), EP_OK);
		long_id[EP_CHART_ID_MAX] = 'a';
		assert_int_equal(fns[f](&b, "Az-09"), EP_OK);
		ep_buf_reset(&b);
		assert_int_equal(ep_buf_puts(&b, "before"), EP_OK);
	}
	ep_buf_release(&b);
}

static void test_limits(void **state)
{
	(void)state;
	enum { N = EP_CHART_MAX_ITEMS + 1 };
	static const char *labels[N];
	static double vals[N];
	static int lv[N];
	for (size_t i = 0; i < N; i++) {
		labels[i] = "r";
		vals[i] = (double)i;
		lv[i] = (int)(i % 2);
	}
	const ep_series s = {"s", vals, NULL};
	ep_series many[EP_CHART_MAX_KEYS + 1];
	for (size_t i = 0; i <= EP_CHART_MAX_KEYS; i++)
		many[i] = s;
	ep_buf b;
	ep_buf_init(&b, 0);
	assert_int_equal(ep_chart_lines(&b, "l", "t", "d", labels, N, &s, 1, NULL), EP_E_LIMIT);
	assert_int_equal(ep_chart_lines(&b, "l", "t", "d", labels, 3, many, EP_CHART_MAX_KEYS + 1, NULL), EP_E_LIMIT);
	assert_int_equal(ep_chart_stacked(&b, "l", "t", "d", labels, N, labels, 1, vals), EP_E_LIMIT);
	assert_int_equal(ep_chart_stacked(&b, "l", "t", "d", labels, 1, labels, EP_CHART_MAX_KEYS + 1, vals),
	                 EP_E_LIMIT);
	assert_int_equal(ep_chart_heat(&b, "l", "t", "d", labels, N, labels, 1, lv, LEVEL_NAMES, 2), EP_E_LIMIT);
	assert_int_equal(ep_chart_heat(&b, "l", "t", "d", labels, 1, labels, N, lv, LEVEL_NAMES, 2), EP_E_LIMIT);
	assert_int_equal(ep_chart_pairs(&b, "l", "t", "d", labels, N, "a", vals, "b", vals, NULL), EP_E_LIMIT);
	assert_int_equal(b.len, 0);
	/* Exactly the limit is fine. */
	assert_int_equal(ep_chart_lines(&b, "l", "t", "d", labels, N - 1, many, EP_CHART_MAX_KEYS, NULL), EP_OK);
	assert_chart(ep_buf_str(&b), "l");
	assert_int_equal(markers(ep_buf_str(&b), 7), N - 1);
	assert_true(max_tick(ep_buf_str(&b)) >= N - 2);
	ep_buf_reset(&b);
	assert_int_equal(ep_chart_stacked(&b, "l", "t", "d", labels, N - 1, labels, 1, vals), EP_OK);
	assert_chart(ep_buf_str(&b), "l");
	ep_buf_reset(&b);
	assert_int_equal(ep_chart_heat(&b, "l", "t", "d", labels, 1, labels, N - 1, lv, LEVEL_NAMES, 2), EP_OK);
	assert_chart(ep_buf_str(&b), "l");
	ep_buf_reset(&b);
	assert_int_equal(ep_chart_pairs(&b, "l", "t", "d", labels, N - 1, "a", vals, "b", vals, NULL), EP_OK);
	assert_chart(ep_buf_str(&b), "l");
	ep_buf_release(&b);
}

static void test_null_arrays(void **state)
{
	(void)state;
	ep_buf b;
	ep_buf_init(&b, 0);
	const ep_series nov = {"s", NULL, NULL};
	assert_int_equal(ep_chart_lines(NULL, "i", "t", "d", ROUNDS, 2, &nov, 1, NULL), EP_E_INVALID);
	assert_int_equal(ep_chart_lines(&b, "i", "t", "d", NULL, 2, &nov, 1, NULL), EP_E_INVALID);
	assert_int_equal(ep_chart_lines(&b, "i", "t", "d", ROUNDS, 2, &nov, 1, NULL), EP_E_INVALID);
	assert_int_equal(ep_chart_lines(&b, "i", "t", "d", ROUNDS, 2, NULL, 1, NULL), EP_E_INVALID);
	assert_int_equal(ep_chart_stacked(&b, "i", "t", "d", OAPS, 1, STATUS, 1, NULL), EP_E_INVALID);
	assert_int_equal(ep_chart_heat(&b, "i", "t", "d", OAPS, 1, NULL, 1, LEVELS, LEVEL_NAMES, 4), EP_E_INVALID);
	assert_int_equal(ep_chart_pairs(&b, "i", "t", "d", OAPS, 1, "a", ALLOC, "b", NULL, NULL), EP_E_INVALID);
	assert_int_equal(b.len, 0);
	/* NULL texts are empty. */
	const char *const rows[1] = {NULL};
	assert_int_equal(ep_chart_pairs(&b, "i", NULL, NULL, rows, 1, NULL, ALLOC, NULL, USED, NULL), EP_OK);
	assert_chart(ep_buf_str(&b), "i");
	ep_buf_release(&b);
}

static void test_empty(void **state)
{
	(void)state;
	ep_buf b;
	ep_buf_init(&b, 0);
	const ep_series s = {"s", TARGET, NULL};
	for (int kind = 0; kind < 7; kind++) {
		ep_buf_reset(&b);
		ep_status st = EP_E_INTERNAL;
		switch (kind) {
		case 0:
			st = ep_chart_lines(&b, "e", "Empty <1>", "d", NULL, 0, &s, 1, NULL);
			break;
		case 1:
			st = ep_chart_lines(&b, "e", "Empty <1>", "d", ROUNDS, 3, NULL, 0, NULL);
			break;
		case 2:
			st = ep_chart_stacked(&b, "e", "Empty <1>", "d", NULL, 0, STATUS, 4, NULL);
			break;
		case 3:
			st = ep_chart_stacked(&b, "e", "Empty <1>", "d", OAPS, 3, NULL, 0, NULL);
			break;
		case 4:
			st = ep_chart_heat(&b, "e", "Empty <1>", "d", NULL, 0, COUNTRIES, 5, NULL, LEVEL_NAMES, 4);
			break;
		case 5:
			st = ep_chart_heat(&b, "e", "Empty <1>", "d", ACTIONS, 3, NULL, 0, NULL, NULL, 0);
			break;
		default:
			st = ep_chart_pairs(&b, "e", "Empty <1>", "d", NULL, 0, "a", NULL, "b", NULL, "EUR");
			break;
		}
		assert_int_equal(st, EP_OK);
		const char *out = ep_buf_str(&b);
		assert_chart(out, "e");
		assert_non_null(strstr(out, ">No data yet</text>"));
		assert_non_null(strstr(out, "<title id=\"e-t\">Empty &lt;1&gt;</title>"));
		assert_null(strstr(out, "<path"));
		assert_null(strstr(out, "<rect"));
	}
	ep_buf_release(&b);
}

static void test_deterministic(void **state)
{
	(void)state;
	static const render_fn fns[4] = {lines, stacked, heat, pairs};
	for (size_t f = 0; f < 4; f++) {
		ep_buf a, b;
		ep_buf_init(&a, 0);
		ep_buf_init(&b, 0);
		assert_int_equal(fns[f](&a, "same"), EP_OK);
		assert_int_equal(fns[f](&b, "same"), EP_OK);
		assert_int_equal(a.len, b.len);
		assert_memory_equal(a.data, b.data, a.len);
		ep_buf_release(&a);
		ep_buf_release(&b);
	}
}

static void test_buffer_cap(void **state)
{
	(void)state;
	static const render_fn fns[4] = {lines, stacked, heat, pairs};
	for (size_t f = 0; f < 4; f++) {
		ep_buf b;
		ep_buf_init(&b, 600);
		assert_int_equal(ep_buf_puts(&b, "<p>kept</p>"), EP_OK);
		assert_int_equal(fns[f](&b, "cap"), EP_E_LIMIT);
		assert_string_equal(ep_buf_str(&b), "<p>kept</p>");
		/* and the buffer is usable afterwards */
		assert_int_equal(ep_buf_puts(&b, "!"), EP_OK);
		ep_buf_release(&b);
	}
}

static void write_sample(const char *dir, const char *name, const ep_buf *b)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/chart-%s.svg", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(b->data, 1, b->len, f), b->len);
	assert_int_equal(fclose(f), 0);
}

static void test_samples(void **state)
{
	(void)state;
	const char *dir = getenv("EMPACT_CHART_SAMPLES");
	if (!dir || !*dir)
		skip();
	static const render_fn fns[4] = {lines, stacked, heat, pairs};
	static const char *const names[4] = {"lines", "stacked", "heat", "pairs"};
	for (size_t f = 0; f < 4; f++) {
		ep_buf b;
		ep_buf_init(&b, 0);
		assert_int_equal(fns[f](&b, names[f]), EP_OK);
		write_sample(dir, names[f], &b);
		ep_buf_release(&b);
	}
	ep_buf b;
	ep_buf_init(&b, 0);
	assert_int_equal(ep_chart_stacked(&b, "e", "Actions by status", "None yet", NULL, 0, STATUS, 4, NULL), EP_OK);
	write_sample(dir, "empty", &b);
	ep_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_lines),
	        cmocka_unit_test(test_lines_gaps),
	        cmocka_unit_test(test_lines_negative_and_flat),
	        cmocka_unit_test(test_stacked),
	        cmocka_unit_test(test_heat),
	        cmocka_unit_test(test_heat_large_is_compact),
	        cmocka_unit_test(test_heat_levels_checked),
	        cmocka_unit_test(test_pairs),
	        cmocka_unit_test(test_number_format),
	        cmocka_unit_test(test_escaping),
	        cmocka_unit_test(test_bad_text),
	        cmocka_unit_test(test_long_labels),
	        cmocka_unit_test(test_non_finite),
	        cmocka_unit_test(test_invalid_id),
	        cmocka_unit_test(test_limits),
	        cmocka_unit_test(test_null_arrays),
	        cmocka_unit_test(test_empty),
	        cmocka_unit_test(test_deterministic),
	        cmocka_unit_test(test_buffer_cap),
	        cmocka_unit_test(test_samples),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
