/*
 * Unit tests of the CSV export of roll-up tables (core/csv.h) and of the Markdown rendering of
 * narratives (core/markdown.h): the header from the keys in order of first appearance, RFC 4180
 * quoting, CRLF line ends, numbers, booleans and empty cells, the formula prefix that keeps a
 * spreadsheet from running a cell, refused input; and that a narrative never carries script.
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "core/csv.h"
#include "core/markdown.h"

static char *csv_of(const char *json)
{
	json_t *rows = json_loads(json, 0, NULL);
	assert_non_null(rows);
	size_t len = 0;
	char *out = ep_csv_from_rows(rows, &len);
	json_decref(rows);
	if (out)
		assert_int_equal(len, strlen(out));
	return out;
}

static void test_header_and_rows(void **state)
{
	(void)state;
	char *out = csv_of("[{\"number\": \"1.1\", \"kpis\": 2, \"met\": true}, {\"number\": \"1.2\", \"kpis\": 0, \"met\": false,"
			   " \"extra\": 1.5}]");
	assert_string_equal(out, "number,kpis,met,extra\r\n1.1,2,true,\r\n1.2,0,false,1.5\r\n");
	free(out);
}

static void test_quoting(void **state)
{
	(void)state;
	char *out = csv_of("[{\"title\": \"Smuggling, \\\"routes\\\"\", \"text\": \"line one\\nline two\"}]");
	assert_string_equal(out, "title,text\r\n\"Smuggling, \"\"routes\"\"\",\"line one\nline two\"\r\n");
	free(out);
}

static void test_formulas_are_not_run(void **state)
{
	(void)state;
	char *out = csv_of("[{\"a\": \"=HYPERLINK(\\\"x\\\")\", \"b\": \"+1\", \"c\": \"-2\", \"d\": \"@SUM(A1)\", \"e\": -3}]");
	/* text cells are prefixed and quoted; a real negative number stays a number */
	assert_string_equal(out, "a,b,c,d,e\r\n\"'=HYPERLINK(\"\"x\"\")\",\"'+1\",\"'-2\",\"'@SUM(A1)\",-3\r\n");
	free(out);
}

static void test_empty_and_null(void **state)
{
	(void)state;
	char *out = csv_of("[]");
	assert_string_equal(out, "");
	free(out);
	out = csv_of("[{\"a\": null, \"b\": [1], \"c\": {\"x\": 1}}]");
	assert_string_equal(out, "a,b,c\r\n,,\r\n");
	free(out);
}

static void test_refused(void **state)
{
	(void)state;
	assert_null(csv_of("[1, 2]"));
	assert_null(csv_of("{\"a\": 1}"));
	size_t len;
	assert_null(ep_csv_from_rows(NULL, &len));
}

static void test_markdown_is_safe(void **state)
{
	(void)state;
	const char *md = "**Done**: 3 arrests.\n\n<script>alert(1)</script>\n\n[link](javascript:alert(1)) <img src=x onerror=alert(1)>";
	char *html = ep_markdown_html(md, strlen(md));
	assert_non_null(html);
	assert_non_null(strstr(html, "<strong>Done</strong>"));
	assert_null(strstr(html, "<script"));
	assert_null(strstr(html, "javascript:"));
	assert_null(strstr(html, "onerror"));
	free(html);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_and_rows),	  cmocka_unit_test(test_quoting),
		cmocka_unit_test(test_formulas_are_not_run), cmocka_unit_test(test_empty_and_null),
		cmocka_unit_test(test_refused),		  cmocka_unit_test(test_markdown_is_safe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
