/*
 * Unit tests of the HTML template engine (view/tmpl.h): escaping of every special character,
 * raw output only under safe_ keys, the filters (dates good and bad, labels, case, counts, URL
 * encoding of UTF-8 and reserved characters), sections over arrays, objects, scalars and empty
 * values, inverted sections and comparisons, @index/@first/@last, lookup through outer
 * contexts, partials and their depth limit, standalone lines, every compile error with its
 * line:col, and the output cap. Expected outputs are exact strings.
 */
#include "testutil.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "view/tmpl.h"

/* Renders template text (named "t") with the JSON context; fails the test if anything fails. */
static char *render_text(const char *text, const char *json)
{
	ep_tmpl_set *s = ep_tmpl_set_new();
	assert_non_null(s);
	ep_err err;
	ep_err_clear(&err);
	ep_status st = ep_tmpl_add(s, "t", text, strlen(text), &err);
	if (st != EP_OK)
		fail_msg("compile: %s", err.msg);
	json_t *ctx = NULL;
	if (json) {
		json_error_t je;
		ctx = json_loads(json, JSON_DECODE_ANY, &je);
		if (!ctx)
			fail_msg("bad test JSON: %s", je.text);
	}
	ep_buf out;
	ep_buf_init(&out, 0);
	st = ep_tmpl_render(s, "t", ctx, &out, &err);
	if (st != EP_OK)
		fail_msg("render: %s", err.msg);
	char *r = strdup(ep_buf_str(&out));
	ep_buf_release(&out);
	json_decref(ctx);
	ep_tmpl_set_free(s);
	return r;
}

#define EXPECT(text, json, want)                      \
	do {                                          \
		char *got_ = render_text(text, json); \
		assert_string_equal(got_, want);      \
		free(got_);                           \
	} while (0)

/* Compiles text as "t" and expects it to fail with status st and exactly message msg. */
static void expect_error(const char *text, ep_status st, const char *msg)
{
	ep_tmpl_set *s = ep_tmpl_set_new();
	ep_err err;
	ep_err_clear(&err);
	assert_int_equal(ep_tmpl_add(s, "t", text, strlen(text), &err), st);
	assert_string_equal(err.msg, msg);
	assert_string_equal(err.field, "t");
	assert_false(ep_tmpl_has(s, "t"));
	ep_tmpl_set_free(s);
}

static void test_escape(void **state)
{
	(void)state;
	EXPECT("<p>{{v}}</p>", "{\"v\": \"<script>alert(1)</script>\"}",
	       "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>");
	EXPECT("{{v}}", "{\"v\": \"a&b <c> \\\"d\\\" 'e'\"}", "a&amp;b &lt;c&gt; &quot;d&quot; &#39;e&#39;");
	EXPECT("<a title=\"{{v}}\">", "{\"v\": \"\\\" onmouseover=\\\"x\"}",
	       "<a title=\"&quot; onmouseover=&quot;x\">");

	ep_buf b;
	ep_buf_init(&b, 0);
	assert_int_equal(ep_html_escape(&b, "&<>\"'xyz", 7), EP_OK); /* n stops before the z */
	assert_string_equal(ep_buf_str(&b), "&amp;&lt;&gt;&quot;&#39;xy");
	assert_int_equal(ep_html_escape(&b, "", 0), EP_OK);
	assert_string_equal(ep_buf_str(&b), "&amp;&lt;&gt;&quot;&#39;xy");
	ep_buf_release(&b);
}

static void test_values(void **state)
{
	(void)state;
	const char *ctx =
	        "{\"s\": \"text\", \"i\": 42, \"neg\": -7, \"r\": 1.5, \"big\": 1e20, \"t\": true, \"f\": false,"
	        " \"n\": null, \"a\": [1, 2], \"o\": {\"k\": 1}}";
	EXPECT("[{{s}}|{{i}}|{{neg}}|{{r}}|{{big}}|{{t}}|{{f}}]", ctx, "[text|42|-7|1.5|1e+20|yes|no]");
	EXPECT("[{{n}}|{{a}}|{{o}}|{{missing}}|{{o.missing.deeper}}]", ctx, "[||||]");
	/* text around tags, and a template without any */
	EXPECT("plain { } }} text", NULL, "plain { } }} text");
	EXPECT("", "{}", "");
	EXPECT("{{s}}", NULL, "");
}

static void test_paths(void **state)
{
	(void)state;
	const char *ctx = "{\"oap\": {\"title\": \"OAP 2026\", \"goals\": [{\"name\": \"G1\"}, {\"name\": \"G2\"}]},"
	                  " \"m\": {\"0\": \"zero key\"}, \"list\": [\"x\", \"y\"]}";
	EXPECT("{{oap.title}}/{{ oap.title }}/{{\toap.goals.1.name }}", ctx, "OAP 2026/OAP 2026/G2");
	EXPECT("{{m.0}}|{{list.0}}{{list.1}}|{{list.2}}|{{oap.goals.x}}", ctx, "zero key|xy||");
	EXPECT("{{#list}}[{{.}}]{{/list}}", ctx, "[x][y]");
	EXPECT("{{.}}", "\"top\"", "top");
	EXPECT("{{#oap}}{{title}}{{/oap}}", ctx, "OAP 2026");
}

static void test_outer_contexts(void **state)
{
	(void)state;
	const char *ctx = "{\"title\": \"T\", \"owner\": {\"name\": \"root owner\"},"
	                  " \"items\": [{\"name\": \"a\", \"owner\": {}}, {\"name\": \"b\"}]}";
	/* title is found in the root; name in the item first */
	EXPECT("{{#items}}{{name}} in {{title}};{{/items}}", ctx, "a in T;b in T;");
	/* the first segment is found in the innermost context that has it, the rest is followed
	 * from there only: items[0].owner has no name, so nothing, not the root owner's */
	EXPECT("{{#items}}[{{owner.name}}]{{/items}}", ctx, "[][root owner]");
	/* sections without a push keep the outer context for "." */
	EXPECT("{{#items}}{{#name}}<{{.}}>{{/name}}{{/items}}", "{\"items\": [\"x\"]}", "");
	EXPECT("{{#items}}{{#title}}{{name}}{{/title}}{{/items}}", ctx, "ab");
}

static void test_raw_only_safe(void **state)
{
	(void)state;
	const char *ctx = "{\"safe_svg\": \"<svg><title>x</title></svg>\", \"chart\": {\"safe_html\": \"<b>ok</b>\"},"
	                  " \"svg\": \"<svg/>\"}";
	EXPECT("{{{safe_svg}}}|{{{ chart.safe_html }}}", ctx, "<svg><title>x</title></svg>|<b>ok</b>");
	/* the double-brace form escapes even safe_ keys */
	EXPECT("{{safe_svg}}", ctx, "&lt;svg&gt;&lt;title&gt;x&lt;/title&gt;&lt;/svg&gt;");
	expect_error("{{{svg}}}", EP_E_INVALID, "t:1:1: raw output is only for safe_ keys ({{{svg}}})");
	expect_error("x\n {{{safe_x.svg}}}", EP_E_INVALID,
	             "t:2:2: raw output is only for safe_ keys ({{{safe_x.svg}}})");
	expect_error("{{{.}}}", EP_E_INVALID, "t:1:1: raw output is only for safe_ keys ({{{.}}})");
	expect_error("{{{Safe_x}}}", EP_E_INVALID, "t:1:1: raw output is only for safe_ keys ({{{Safe_x}}})");
	expect_error("{{{safe_x|upper}}}", EP_E_INVALID, "t:1:1: filters are not allowed in raw output");
}

static void test_filter_dates(void **state)
{
	(void)state;
	const char *ctx =
	        "{\"d\": \"2026-11-23\", \"ts\": \"2026-11-23T10:05:00Z\", \"sp\": \"2026-11-23 10:05:00\","
	        " \"frac\": \"2026-02-28T23:59:59.123Z\", \"short\": \"2026-11-23T10:05\","
	        " \"leap\": \"2024-02-29\", \"bad1\": \"2026-02-30\", \"bad2\": \"2026-13-01\","
	        " \"bad3\": \"23.11.2026\", \"bad4\": \"2026-11-23T24:00:00Z\", \"bad5\": \"2026-11-23Tnoon\","
	        " \"bad6\": \"2026-11-23T10:05:00+02:00\", \"bad7\": \"<2026-11-23>\", \"n\": 20261123}";
	EXPECT("{{d|date}} {{ts|date}} {{sp|date}} {{frac|date}} {{short|date}} {{leap|date}}", ctx,
	       "23.11.2026 23.11.2026 23.11.2026 28.02.2026 23.11.2026 29.02.2024");
	EXPECT("{{ts|datetime}}|{{sp|datetime}}|{{frac|datetime}}|{{d|datetime}}", ctx,
	       "23.11.2026 10:05|23.11.2026 10:05|28.02.2026 23:59|23.11.2026");
	/* what is not a date passes through unchanged (and is still escaped) */
	EXPECT("{{bad1|date}}|{{bad2|date}}|{{bad3|date}}|{{bad4|datetime}}|{{bad5|date}}|{{bad6|datetime}}", ctx,
	       "2026-02-30|2026-13-01|23.11.2026|2026-11-23T24:00:00Z|2026-11-23Tnoon|2026-11-23T10:05:00+02:00");
	EXPECT("{{bad7|date}}|{{n|date}}|{{missing|date}}|", ctx, "&lt;2026-11-23&gt;|20261123||");
}

static void test_filter_text(void **state)
{
	(void)state;
	const char *ctx =
	        "{\"c1\": \"restreint_ue\", \"c2\": \"in-progress\", \"c3\": \"not_started\","
	        " \"c4\": \"\\u00e9lan_vital\", \"c5\": \"<x>_y\", \"de\": \"Stra\\u00dfe \\u00f6sterreich \\u00c5\","
	        " \"el\": \"\\u0391\\u03b8\\u03ae\\u03bd\\u03b1 \\u03c2\", \"bg\": "
	        "\"\\u0421\\u043e\\u0444\\u0438\\u044f\","
	        " \"pl\": \"\\u0141\\u00f3d\\u017a\", \"b\": true}";
	EXPECT("{{c1|label}}|{{c2|label}}|{{c3|label}}|{{c4|label}}|{{c5|label}}|{{missing|label}}", ctx,
	       "Restreint ue|In progress|Not started|\xc3\x89lan vital|&lt;x&gt; y|");
	/* ß has no one-character capital and stays */
	EXPECT("{{de|upper}}|{{de|lower}}", ctx,
	       "STRA\xc3\x9f"
	       "E \xc3\x96STERREICH \xc3\x85|stra\xc3\x9f"
	       "e \xc3\xb6sterreich \xc3\xa5");
	EXPECT("{{el|upper}}|{{el|lower}}", ctx,
	       "\xce\x91\xce\x98\xce\x89\xce\x9d\xce\x91 \xce\xa3|\xce\xb1\xce\xb8\xce\xae\xce\xbd\xce\xb1 \xcf\x82");
	EXPECT("{{bg|upper}}|{{pl|upper}}|{{pl|lower}}", ctx,
	       "\xd0\xa1\xd0\x9e\xd0\xa4\xd0\x98\xd0\xaf|\xc5\x81\xc3\x93\x44\xc5\xb9|\xc5\x82\xc3\xb3\x64\xc5\xba");
	EXPECT("{{b|upper}}|{{c1|label|upper}}|{{c2|upper|label}}", ctx, "YES|RESTREINT UE|IN PROGRESS");
	/* Classification tokens in the Council's wording; other text passes unchanged. */
	EXPECT("{{c1|classification}}|{{c2|classification}}|{{c5|classification}}", ctx,
	       "RESTREINT UE/EU RESTRICTED|in-progress|&lt;x&gt;_y");
	EXPECT("{{a|classification}}|{{b|classification}}|{{c|classification}}|{{d|classification}}",
	       "{\"a\": \"limite\", \"b\": \"unclassified\", \"c\": \"secret_ue\", \"d\": \"none\"}",
	       "LIMITE|Unclassified|SECRET UE/EU SECRET|None");
}

static void test_filter_count_url(void **state)
{
	(void)state;
	const char *ctx = "{\"a\": [1, 2, 3], \"o\": {\"x\": 1, \"y\": 2}, \"e\": [], \"s\": \"abc\", \"n\": 5,"
	                  " \"q\": \"a b&c/d?e=\\u00e9~-._\", \"r\": \"#%+;,:@!$'()*[]<>\\\"\", \"d\": \"2026-11-23\"}";
	EXPECT("{{a|count}} {{o|count}} {{e|count}} {{s|count}} {{n|count}} {{missing|count}}", ctx, "3 2 0 0 0 0");
	EXPECT("{{a|count|url}} {{s|upper|count}}", ctx, "3 0");
	EXPECT("<a href=\"/search?q={{q|url}}\">", ctx, "<a href=\"/search?q=a%20b%26c%2Fd%3Fe%3D%C3%A9~-._\">");
	EXPECT("{{r|url}}", ctx, "%23%25%2B%3B%2C%3A%40%21%24%27%28%29%2A%5B%5D%3C%3E%22");
	EXPECT("{{d|date|url}} {{ d | date | label }}", ctx, "23.11.2026 23.11.2026");
	EXPECT("{{a|count}}{{#a}}{{.|url}}{{/a}}", ctx, "3123");
}

static void test_sections(void **state)
{
	(void)state;
	const char *ctx =
	        "{\"rows\": [{\"n\": \"a\"}, {\"n\": \"b\"}], \"obj\": {\"k\": \"v\"}, \"t\": true, \"f\": false,"
	        " \"s\": \"x\", \"es\": \"\", \"i\": 3, \"zero\": 0, \"rz\": 0.0, \"r\": 0.5, \"nul\": null,"
	        " \"ea\": [], \"eo\": {}, \"k\": \"outer\"}";
	EXPECT("{{#rows}}<{{n}}>{{/rows}}", ctx, "<a><b>");
	EXPECT("{{#obj}}{{k}}{{/obj}}", ctx, "v");
	/* scalars render once without a push: {{k}} stays the root's */
	EXPECT("{{#t}}T{{k}}{{/t}}{{#s}}S{{k}}{{/s}}{{#i}}I{{/i}}{{#r}}R{{/r}}", ctx, "TouterSouterIR");
	EXPECT("[{{#f}}x{{/f}}{{#nul}}x{{/nul}}{{#missing}}x{{/missing}}{{#es}}x{{/es}}{{#zero}}x{{/zero}}"
	       "{{#rz}}x{{/rz}}{{#ea}}x{{/ea}}{{#eo}}x{{/eo}}]",
	       ctx, "[]");
	/* inverted: exactly the other way round */
	EXPECT("[{{^f}}1{{/f}}{{^nul}}2{{/nul}}{{^missing}}3{{/missing}}{{^es}}4{{/es}}{{^zero}}5{{/zero}}"
	       "{{^rz}}6{{/rz}}{{^ea}}7{{/ea}}{{^eo}}8{{/eo}}]",
	       ctx, "[12345678]");
	EXPECT("[{{^rows}}x{{/rows}}{{^obj}}x{{/obj}}{{^t}}x{{/t}}{{^s}}x{{/s}}{{^i}}x{{/i}}]", ctx, "[]");
	/* nested sections, the same array twice */
	EXPECT("{{#rows}}{{#rows}}{{n}}{{/rows}};{{/rows}}", ctx, "ab;ab;");
	/* an array of arrays indexes by number, and "." of a null item is nothing */
	EXPECT("{{#m}}{{0}}-{{1}} {{/m}}", "{\"m\": [[\"a\", \"b\"], [\"c\", \"d\"]]}", "a-b c-d ");
	EXPECT("{{#m}}[{{.}}]{{/m}}", "{\"m\": [1, null, \"x\"]}", "[1][][x]");
}

static void test_comparisons(void **state)
{
	(void)state;
	const char *ctx = "{\"status\": \"in_progress\", \"name\": \"EU Policy Cycle\", \"n\": 3, \"f\": false,"
	                  " \"t\": true, \"r\": 2.5, \"es\": \"\", \"lt\": \"<b>\"}";
	EXPECT("{{#status=in_progress}}A{{/status}}{{#status=done}}B{{/status}}", ctx, "A");
	EXPECT("{{^status=in_progress}}A{{/status}}{{^status=done}}B{{/status}}", ctx, "B");
	EXPECT("{{#name=EU Policy Cycle}}1{{/name}}{{# name = EU Policy Cycle }}2{{/ name }}{{#name=EU}}3{{/name}}",
	       ctx, "12");
	EXPECT("{{#n=3}}a{{/n}}{{#n=03}}b{{/n}}{{#t=yes}}c{{/t}}{{#f=no}}d{{/f}}{{#r=2.5}}e{{/r}}", ctx, "acde");
	EXPECT("{{#es=}}a{{/es}}{{#missing=}}b{{/missing}}{{^n=}}c{{/n}}{{#lt=<b>}}d{{/lt}}", ctx, "abcd");
	/* no push: the comparison's body sees the same context */
	EXPECT("{{#rows}}{{#k=x}}[{{v}}]{{/k}}{{/rows}}",
	       "{\"rows\": [{\"k\": \"x\", \"v\": 1}, {\"k\": \"y\", \"v\": 2}, {\"k\": \"x\", \"v\": 3}]}", "[1][3]");
}

static void test_loop_positions(void **state)
{
	(void)state;
	const char *ctx = "{\"items\": [{\"name\": \"a\", \"sub\": [1, 2]}, {\"name\": \"b\", \"sub\": [3]},"
	                  " {\"name\": \"c\", \"sub\": []}]}";
	EXPECT("{{#items}}{{^@first}}, {{/@first}}{{@index}}:{{name}}{{#@last}}.{{/@last}}{{/items}}", ctx,
	       "1:a, 2:b, 3:c.");
	/* the innermost loop counts; an object section inside a loop keeps the loop's position */
	EXPECT("{{#items}}{{@index}}({{#sub}}{{@index}}{{/sub}}){{/items}}", ctx, "1(12)2(1)3()");
	EXPECT("{{#items}}{{#@index=2}}{{name}}{{/@index}}{{/items}}", ctx, "b");
	EXPECT("{{#o}}{{#a}}{{@index}}{{/a}}{{/o}}", "{\"o\": {\"a\": [\"x\", \"y\"]}}", "12");
	/* outside a loop there is no position */
	EXPECT("[{{@index}}{{#@first}}f{{/@first}}{{^@last}}n{{/@last}}]", ctx, "[n]");
}

static ep_tmpl_set *set_of(const char *const *pairs)
{
	ep_tmpl_set *s = ep_tmpl_set_new();
	assert_non_null(s);
	for (size_t i = 0; pairs[i]; i += 2) {
		ep_err err;
		if (ep_tmpl_add(s, pairs[i], pairs[i + 1], strlen(pairs[i + 1]), &err) != EP_OK)
			fail_msg("compile %s: %s", pairs[i], err.msg);
	}
	return s;
}

static ep_status render_set(const ep_tmpl_set *s, const char *name, const char *json, char **outp, ep_err *err)
{
	json_t *ctx = json ? json_loads(json, JSON_DECODE_ANY, NULL) : NULL;
	ep_buf out;
	ep_buf_init(&out, 0);
	ep_err_clear(err);
	ep_status st = ep_tmpl_render(s, name, ctx, &out, err);
	*outp = strdup(ep_buf_str(&out));
	ep_buf_release(&out);
	json_decref(ctx);
	return st;
}

static void test_partials(void **state)
{
	(void)state;
	/* the page is added before its partials: they are resolved when rendering */
	const char *const pairs[] = {
	        "page",        "<ul>{{#rows}}{{>row}}{{/rows}}</ul>{{>footer/note}}",
	        "row",         "<li>{{name}} ({{title}}){{>cell}}</li>",
	        "cell",        "{{#@last}}!{{/@last}}",
	        "footer/note", "<p>{{title}}</p>",
	        "self",        "x{{>self}}",
	        "lost",        "a{{>nowhere}}b",
	        NULL,
	};
	ep_tmpl_set *s = set_of(pairs);
	assert_true(ep_tmpl_has(s, "row"));
	assert_true(ep_tmpl_has(s, "footer/note"));
	assert_false(ep_tmpl_has(s, "nowhere"));
	assert_false(ep_tmpl_has(s, NULL));
	ep_err err;
	char *out;
	assert_int_equal(render_set(s, "page", "{\"title\": \"T\", \"rows\": [{\"name\": \"a\"}, {\"name\": \"b\"}]}",
	                            &out, &err),
	                 EP_OK);
	assert_string_equal(out, "<ul><li>a (T)</li><li>b (T)!</li></ul><p>T</p>");
	free(out);

	/* a self-including partial stops cleanly at the depth limit */
	assert_int_equal(render_set(s, "self", "{}", &out, &err), EP_E_LIMIT);
	assert_string_equal(err.msg, "self:1:2: partials nest deeper than 16 at {{>self}} (rendering self)");
	assert_string_equal(err.field, "self");
	free(out);

	assert_int_equal(render_set(s, "lost", "{}", &out, &err), EP_E_NOTFOUND);
	assert_string_equal(err.msg, "lost:1:2: no template \"nowhere\" for {{>nowhere}}");
	free(out);
	assert_int_equal(render_set(s, "nothing", "{}", &out, &err), EP_E_NOTFOUND);
	assert_string_equal(err.msg, "no template \"nothing\"");
	free(out);
	ep_tmpl_set_free(s);
}

/* A chain p0 > p1 > ... > pN of partials: 16 levels render, 17 do not. */
static void test_partial_depth(void **state)
{
	(void)state;
	for (int levels = 16; levels <= 17; levels++) {
		ep_tmpl_set *s = ep_tmpl_set_new();
		char name[16], text[64];
		for (int i = 0; i <= levels; i++) {
			snprintf(name, sizeof name, "p%d", i);
			if (i < levels)
				snprintf(text, sizeof text, "%d{{>p%d}}", i, i + 1);
			else
				snprintf(text, sizeof text, "end");
			assert_int_equal(ep_tmpl_add(s, name, text, strlen(text), NULL), EP_OK);
		}
		ep_err err;
		char *out;
		ep_status st = render_set(s, "p0", NULL, &out, &err);
		if (levels == 16) {
			assert_int_equal(st, EP_OK);
			assert_string_equal(out, "0123456789101112131415end");
		} else {
			assert_int_equal(st, EP_E_LIMIT);
			assert_string_equal(err.msg,
			                    "p16:1:3: partials nest deeper than 16 at {{>p17}} (rendering p0)");
		}
		free(out);
		ep_tmpl_set_free(s);
	}
}

static void test_standalone(void **state)
{
	(void)state;
	const char *ctx = "{\"items\": [\"a\", \"b\"], \"v\": \"x\"}";
	EXPECT("<ul>\n  {{#items}}\n  <li>{{.}}</li>\n  {{/items}}\n</ul>\n", ctx,
	       "<ul>\n  <li>a</li>\n  <li>b</li>\n</ul>\n");
	EXPECT("a\n\t{{! a comment }}  \nb\n", ctx, "a\nb\n");
	EXPECT("a\n{{!\n  a comment\n  on lines\n}}\nb", ctx, "a\nb");
	EXPECT("a\r\n  {{^items}}\r\n  none\r\n  {{/items}}\r\nb", ctx, "a\r\nb");
	/* a standalone partial loses its indentation and newline; the partial's text is as is */
	{
		const char *const pairs[] = {"page", "<div>\n  {{>inner}}\n</div>", "inner", "<p>{{v}}</p>\n", NULL};
		ep_tmpl_set *s = set_of(pairs);
		ep_err err;
		char *out;
		assert_int_equal(render_set(s, "page", ctx, &out, &err), EP_OK);
		assert_string_equal(out, "<div>\n<p>x</p>\n</div>");
		free(out);
		ep_tmpl_set_free(s);
	}
	/* at the very start and at the end without a newline */
	EXPECT("{{#v}}\nyes\n{{/v}}", ctx, "yes\n");
	/* not standalone: a value tag, other text, or two tags on the line */
	EXPECT("  {{v}}\n", ctx, "  x\n");
	EXPECT("  {{#v}}y{{/v}}\n", ctx, "  y\n");
	EXPECT("- {{#v}}\ny\n{{/v}}\n", ctx, "- \ny\n");
	EXPECT("{{#v}}{{/v}}\n", ctx, "\n");
	EXPECT("{{{safe_x}}}\n", "{\"safe_x\": \"s\"}", "s\n");
}

static void test_compile_errors(void **state)
{
	(void)state;
	expect_error("{{}}", EP_E_INVALID, "t:1:1: empty tag");
	expect_error("ab\n  {{  }}", EP_E_INVALID, "t:2:3: empty tag");
	expect_error("\xc3\xa9t\xc3\xa9 {{ }}", EP_E_INVALID, "t:1:5: empty tag"); /* columns count characters */
	expect_error("x {{a", EP_E_INVALID, "t:1:3: unterminated tag (no \"}}\")");
	expect_error("x\n\n{{{safe_a}}", EP_E_INVALID, "t:3:1: unterminated tag (no \"}}}\")");
	expect_error("a\n {{/x}}", EP_E_INVALID, "t:2:2: {{/x}} closes no section");
	expect_error("{{#a}}\n{{#b}}\n{{/a}}", EP_E_INVALID, "t:3:1: {{/a}} does not close {{#b}} opened at line 2");
	expect_error("{{#a=1}}{{/a=1}}", EP_E_INVALID, "t:1:9: {{/a=1}} does not close {{#a=1}} opened at line 1");
	expect_error("x\n  {{^a}}\n", EP_E_INVALID, "t:2:3: {{^a}} is never closed");
	expect_error("{{#a}}{{#b}}{{/b}}", EP_E_INVALID, "t:1:1: {{#a}} is never closed");
	expect_error("{{a b}}", EP_E_INVALID, "t:1:1: ' ' is not allowed in a path");
	expect_error("{{a$}}", EP_E_INVALID, "t:1:1: '$' is not allowed in a path");
	expect_error("{{&a}}", EP_E_INVALID, "t:1:1: '&' is not allowed in a path");
	expect_error("{{a\x01}}", EP_E_INVALID, "t:1:1: byte 0x01 is not allowed in a path");
	expect_error("{{#a|date}}{{/a|date}}", EP_E_INVALID, "t:1:1: '|' is not allowed in a path");
	expect_error("{{a..b}}", EP_E_INVALID, "t:1:1: \"a..b\" has an empty segment");
	expect_error("{{.a}}", EP_E_INVALID, "t:1:1: \".a\" has an empty segment");
	expect_error("{{@foo}}", EP_E_INVALID, "t:1:1: \"@foo\": '@' is only for @index, @first and @last");
	expect_error("{{a.@index}}", EP_E_INVALID, "t:1:1: \"a.@index\": '@' is only for @index, @first and @last");
	expect_error("{{a|nope}}", EP_E_INVALID, "t:1:1: unknown filter \"nope\"");
	expect_error("{{a|date|}}", EP_E_INVALID, "t:1:1: a filter name is missing after '|'");
	expect_error("{{|date}}", EP_E_INVALID, "t:1:1: a path is missing");
	expect_error("{{a|upper|upper|upper|upper|upper|upper|upper|upper|upper}}", EP_E_INVALID,
	             "t:1:1: more than 8 filters");
	expect_error("{{#}}", EP_E_INVALID, "t:1:1: {{#}}: a section needs a path");
	expect_error("{{^ =x}}", EP_E_INVALID, "t:1:1: {{^ =x}}: a section needs a path");
	expect_error("{{/}}", EP_E_INVALID, "t:1:1: {{/}}: a closing tag needs the path of its section");
	expect_error("{{>}}", EP_E_INVALID, "t:1:1: {{>}}: a partial needs a template name");
	expect_error("{{>a b}}", EP_E_INVALID, "t:1:1: ' ' is not allowed in a template name");
	expect_error("{{>a@b}}", EP_E_INVALID, "t:1:1: '@' is not allowed in a template name");
}

static void test_limits(void **state)
{
	(void)state;
	/* nesting: 64 sections are fine, the 65th is an error at its tag */
	ep_buf b;
	ep_buf_init(&b, 0);
	for (int i = 0; i < 64; i++)
		ep_buf_puts(&b, "{{#a}}");
	for (int i = 0; i < 64; i++)
		ep_buf_puts(&b, "{{/a}}");
	char *out = render_text(ep_buf_str(&b), "{\"a\": {\"a\": true}}");
	assert_string_equal(out, "");
	free(out);
	ep_buf_reset(&b);
	for (int i = 0; i < 65; i++)
		ep_buf_puts(&b, "{{#a}}");
	expect_error(ep_buf_str(&b), EP_E_LIMIT, "t:1:385: sections nest deeper than 64");

	/* size: 1 MiB is fine, one byte more is not */
	ep_buf_release(&b);
	ep_buf_init(&b, 0);
	ep_buf_reserve(&b, EP_TMPL_MAX_TEXT + 1);
	memset(b.data, 'x', EP_TMPL_MAX_TEXT + 1);
	ep_tmpl_set *s = ep_tmpl_set_new();
	ep_err err;
	assert_int_equal(ep_tmpl_add(s, "big", b.data, EP_TMPL_MAX_TEXT + 1, &err), EP_E_LIMIT);
	assert_string_equal(err.msg, "big:1:1: the template is larger than 1048576 bytes");
	assert_int_equal(ep_tmpl_add(s, "big", b.data, EP_TMPL_MAX_TEXT, &err), EP_OK);
	ep_buf_release(&b);

	/* names: a second add of the same name is refused and keeps the first */
	assert_int_equal(ep_tmpl_add(s, "one", "1", 1, &err), EP_OK);
	assert_int_equal(ep_tmpl_add(s, "one", "2", 1, &err), EP_E_INVALID);
	assert_string_equal(err.msg, "one: a template of this name exists already");
	assert_int_equal(ep_tmpl_add(s, "", "2", 1, &err), EP_E_INVALID);
	assert_int_equal(ep_tmpl_add(s, "two", "{{", 2, &err), EP_E_INVALID);
	assert_false(ep_tmpl_has(s, "two"));
	ep_tmpl_set_free(s);
	ep_tmpl_set_free(NULL);
}

static void test_output_limit(void **state)
{
	(void)state;
	const char *const pairs[] = {"t", "0123456789{{v}}", "loop", "{{#a}}{{.}}{{/a}}", NULL};
	ep_tmpl_set *s = set_of(pairs);
	json_t *ctx = json_loads("{\"v\": \"<<<\", \"a\": [\"abc\", \"abc\", \"abc\", \"abc\"]}", 0, NULL);
	ep_err err;
	ep_buf out;
	ep_buf_init(&out, 5);
	assert_int_equal(ep_tmpl_render(s, "t", ctx, &out, &err), EP_E_LIMIT);
	assert_string_equal(err.msg, "t: the page is larger than 5 bytes");
	ep_buf_release(&out);
	/* the escaped value is what counts: 10 + 12 bytes */
	ep_buf_init(&out, 21);
	assert_int_equal(ep_tmpl_render(s, "t", ctx, &out, &err), EP_E_LIMIT);
	ep_buf_release(&out);
	ep_buf_init(&out, 22);
	assert_int_equal(ep_tmpl_render(s, "t", ctx, &out, &err), EP_OK);
	assert_string_equal(ep_buf_str(&out), "0123456789&lt;&lt;&lt;");
	ep_buf_release(&out);
	ep_buf_init(&out, 11);
	assert_int_equal(ep_tmpl_render(s, "loop", ctx, &out, &err), EP_E_LIMIT);
	ep_buf_release(&out);
	json_decref(ctx);
	ep_tmpl_set_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_escape),         cmocka_unit_test(test_values),
	        cmocka_unit_test(test_paths),          cmocka_unit_test(test_outer_contexts),
	        cmocka_unit_test(test_raw_only_safe),  cmocka_unit_test(test_filter_dates),
	        cmocka_unit_test(test_filter_text),    cmocka_unit_test(test_filter_count_url),
	        cmocka_unit_test(test_sections),       cmocka_unit_test(test_comparisons),
	        cmocka_unit_test(test_loop_positions), cmocka_unit_test(test_partials),
	        cmocka_unit_test(test_partial_depth),  cmocka_unit_test(test_standalone),
	        cmocka_unit_test(test_compile_errors), cmocka_unit_test(test_limits),
	        cmocka_unit_test(test_output_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
