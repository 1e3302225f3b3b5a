/*
 * Unit tests of the canonical JSON writer (core/jsonw.h): the fixed layout (two-space indent,
 * one member per line, empty containers on one line), string escapes, integers and doubles,
 * the depth and size limits, unbalanced documents, and output through a sink in pieces.
 */
#include "testutil.h"

#include <math.h>

#include "core/jsonw.h"

static void test_layout(void **state)
{
	(void)state;
	ep_jsonw w;
	ep_jsonw_init(&w, NULL, 0);
	ep_jsonw_obj_begin(&w);
	ep_jsonw_key(&w, "id");
	ep_jsonw_int(&w, 12);
	ep_jsonw_key(&w, "label");
	ep_jsonw_str(&w, "OAP 2018");
	ep_jsonw_key(&w, "goals");
	ep_jsonw_arr_begin(&w);
	ep_jsonw_int(&w, 1);
	ep_jsonw_obj_begin(&w);
	ep_jsonw_key(&w, "done");
	ep_jsonw_bool(&w, true);
	ep_jsonw_obj_end(&w);
	ep_jsonw_arr_end(&w);
	ep_jsonw_key(&w, "empty_obj");
	ep_jsonw_obj_begin(&w);
	ep_jsonw_obj_end(&w);
	ep_jsonw_key(&w, "empty_arr");
	ep_jsonw_arr_begin(&w);
	ep_jsonw_arr_end(&w);
	ep_jsonw_key(&w, "none");
	ep_jsonw_null(&w);
	ep_jsonw_key(&w, "no");
	ep_jsonw_bool(&w, false);
	ep_jsonw_obj_end(&w);
	assert_int_equal(ep_jsonw_finish(&w), EP_OK);
	assert_string_equal(ep_buf_str(&w.buf), "{\n"
						"  \"id\": 12,\n"
						"  \"label\": \"OAP 2018\",\n"
						"  \"goals\": [\n"
						"    1,\n"
						"    {\n"
						"      \"done\": true\n"
						"    }\n"
						"  ],\n"
						"  \"empty_obj\": {},\n"
						"  \"empty_arr\": [],\n"
						"  \"none\": null,\n"
						"  \"no\": false\n"
						"}\n");
	ep_jsonw_release(&w);
}

static void test_top_level_scalars(void **state)
{
	(void)state;
	ep_jsonw w;
	ep_jsonw_init(&w, NULL, 0);
	ep_jsonw_str(&w, "x");
	assert_int_equal(ep_jsonw_finish(&w), EP_OK);
	assert_string_equal(ep_buf_str(&w.buf), "\"x\"\n");
	ep_jsonw_release(&w);

	ep_jsonw_init(&w, NULL, 0);
	ep_jsonw_arr_begin(&w);
	ep_jsonw_arr_end(&w);
	assert_int_equal(ep_jsonw_finish(&w), EP_OK);
	assert_string_equal(ep_buf_str(&w.buf), "[]\n");
	ep_jsonw_release(&w);
}

static void test_string_escapes(void **state)
{
	(void)state;
	ep_jsonw w;
	ep_jsonw_init(&w, NULL, 0);
	ep_jsonw_arr_begin(&w);
	ep_jsonw_str(&w, "quote \" backslash \\ slash /");
	ep_jsonw_str(&w, "nl\n tab\t cr\r bs\b ff\f");
	ep_jsonw_str(&w, "\x01\x1f\x7f");
	ep_jsonw_str(&w, "\xc3\xa9t\xc3\xa9 \xe2\x82\xac \xf0\x9f\x87\xaa\xf0\x9f\x87\xba"); /* UTF-8 as is */
	ep_jsonw_str(&w, "");
	ep_jsonw_str(&w, NULL);
	ep_jsonw_arr_end(&w);
	assert_int_equal(ep_jsonw_finish(&w), EP_OK);
	assert_string_equal(ep_buf_str(&w.buf), "[\n"
						"  \"quote \\\" backslash \\\\ slash /\",\n"
						"  \"nl\\n tab\\t cr\\r bs\\b ff\\f\",\n"
						"  \"\\u0001\\u001f\x7f\",\n"
						"  \"\xc3\xa9t\xc3\xa9 \xe2\x82\xac \xf0\x9f\x87\xaa\xf0\x9f\x87\xba\",\n"
						"  \"\",\n"
						"  null\n"
						"]\n");
	ep_jsonw_release(&w);
}

static void test_key_escapes(void **state)
{
	(void)state;
	ep_jsonw w;
	ep_jsonw_init(&w, NULL, 0);
	ep_jsonw_obj_begin(&w);
	ep_jsonw_key(&w, "a\"b\n");
	ep_jsonw_int(&w, 1);
	ep_jsonw_obj_end(&w);
	assert_int_equal(ep_jsonw_finish(&w), EP_OK);
	assert_string_equal(ep_buf_str(&w.buf), "{\n  \"a\\\"b\\n\": 1\n}\n");
	ep_jsonw_release(&w);
}

static void test_integers(void **state)
{
	(void)state;
	ep_jsonw w;
	ep_jsonw_init(&w, NULL, 0);
	ep_jsonw_arr_begin(&w);
	ep_jsonw_int(&w, 0);
	ep_jsonw_int(&w, -1);
	ep_jsonw_int(&w, INT64_MAX);
	ep_jsonw_int(&w, INT64_MIN);
	ep_jsonw_arr_end(&w);
	assert_int_equal(ep_jsonw_finish(&w), EP_OK);
	assert_string_equal(ep_buf_str(&w.buf),
			    "[\n  0,\n  -1,\n  9223372036854775807,\n  -9223372036854775808\n]\n");
	ep_jsonw_release(&w);
}

static void test_doubles(void **state)
{
	(void)state;
	ep_jsonw w;
	ep_jsonw_init(&w, NULL, 0);
	ep_jsonw_arr_begin(&w);
	ep_jsonw_num(&w, 1.5);
	ep_jsonw_num(&w, 0.1);
	ep_jsonw_num(&w, -2.0);                /* integral: written as an integer */
	ep_jsonw_num(&w, 9007199254740992.0);  /* 2^53 */
	ep_jsonw_num(&w, 1e300);
	ep_jsonw_num(&w, 1.0 / 3.0);
	ep_jsonw_num(&w, -0.0);
	ep_jsonw_num(&w, NAN);                 /* no NaN or infinity in JSON */
	ep_jsonw_num(&w, INFINITY);
	ep_jsonw_num(&w, -INFINITY);
	ep_jsonw_arr_end(&w);
	assert_int_equal(ep_jsonw_finish(&w), EP_OK);
	assert_string_equal(ep_buf_str(&w.buf), "[\n"
						"  1.5,\n"
						"  0.1,\n"
						"  -2,\n"
						"  9007199254740992,\n"
						"  1e+300,\n"
						"  0.3333333333333333,\n"
						"  0,\n"
						"  null,\n"
						"  null,\n"
						"  null\n"
						"]\n");
	ep_jsonw_release(&w);
}

static void test_doubles_read_back(void **state)
{
	(void)state;
	/* The shortest form is still exact: each value reads back as the same double. */
	double vals[] = {0.1, 0.2, 0.30000000000000004, 1e-300, 123456.789, 5e-324, 1.7976931348623157e308,
			 9007199254740993.0 * 2.5, -1e-7, 2.5e15 + 0.5};
	for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
		ep_jsonw w;
		ep_jsonw_init(&w, NULL, 0);
		ep_jsonw_num(&w, vals[i]);
		assert_int_equal(ep_jsonw_finish(&w), EP_OK);
		double back = strtod(ep_buf_str(&w.buf), NULL);
		if (back != vals[i])
			fail_msg("%.17g written as '%s'", vals[i], ep_buf_str(&w.buf));
		ep_jsonw_release(&w);
	}
}

static void test_depth_limit(void **state)
{
	(void)state;
	ep_jsonw w;
	ep_jsonw_init(&w, NULL, 0);
	for (int i = 0; i < EP_JSONW_DEPTH - 1; i++)
		ep_jsonw_arr_begin(&w);
	assert_int_equal(w.status, EP_OK);
	ep_jsonw_arr_begin(&w); /* one too deep */
	assert_int_equal(w.status, EP_E_LIMIT);
	/* The first failure sticks. */
	ep_jsonw_int(&w, 1);
	assert_int_equal(ep_jsonw_finish(&w), EP_E_LIMIT);
	ep_jsonw_release(&w);

	/* The deepest allowed document is fine. */
	ep_jsonw_init(&w, NULL, 0);
	for (int i = 0; i < EP_JSONW_DEPTH - 1; i++)
		ep_jsonw_arr_begin(&w);
	for (int i = 0; i < EP_JSONW_DEPTH - 1; i++)
		ep_jsonw_arr_end(&w);
	assert_int_equal(ep_jsonw_finish(&w), EP_OK);
	ep_jsonw_release(&w);
}

static void test_unbalanced(void **state)
{
	(void)state;
	ep_jsonw w;
	ep_jsonw_init(&w, NULL, 0);
	ep_jsonw_obj_begin(&w);
	assert_int_equal(ep_jsonw_finish(&w), EP_E_INTERNAL); /* left open */
	ep_jsonw_release(&w);

	ep_jsonw_init(&w, NULL, 0);
	ep_jsonw_arr_end(&w); /* closed without opening */
	assert_int_equal(ep_jsonw_finish(&w), EP_E_INTERNAL);
	ep_jsonw_release(&w);
}

static void test_size_limit(void **state)
{
	(void)state;
	ep_jsonw w;
	ep_jsonw_init(&w, NULL, 100);
	ep_jsonw_arr_begin(&w);
	for (int i = 0; i < 50; i++)
		ep_jsonw_str(&w, "0123456789");
	ep_jsonw_arr_end(&w);
	assert_int_equal(ep_jsonw_finish(&w), EP_E_LIMIT);
	assert_true(w.buf.len <= 100);
	ep_jsonw_release(&w);
}

static void test_sink(void **state)
{
	(void)state;
	/* Far more than one flush: the file gets every byte, in order, and the buffer stays small. */
	FILE *f = tmpfile();
	assert_non_null(f);
	ep_jsonw w;
	ep_jsonw_init(&w, f, 0);
	ep_jsonw_arr_begin(&w);
	enum { N = 200000 };
	for (int i = 0; i < N; i++)
		ep_jsonw_int(&w, i);
	ep_jsonw_arr_end(&w);
	assert_true(w.buf.len < 2 * 1024 * 1024);
	assert_int_equal(ep_jsonw_finish(&w), EP_OK);
	ep_jsonw_release(&w);

	/* The same document collected in memory, to compare. */
	ep_jsonw m;
	ep_jsonw_init(&m, NULL, 0);
	ep_jsonw_arr_begin(&m);
	for (int i = 0; i < N; i++)
		ep_jsonw_int(&m, i);
	ep_jsonw_arr_end(&m);
	assert_int_equal(ep_jsonw_finish(&m), EP_OK);

	long n = ftell(f);
	assert_int_equal((size_t)n, m.buf.len);
	rewind(f);
	char *got = malloc((size_t)n);
	assert_non_null(got);
	assert_int_equal(fread(got, 1, (size_t)n, f), (size_t)n);
	assert_memory_equal(got, m.buf.data, (size_t)n);
	free(got);
	fclose(f);
	ep_jsonw_release(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_top_level_scalars),
		cmocka_unit_test(test_string_escapes),
		cmocka_unit_test(test_key_escapes),
		cmocka_unit_test(test_integers),
		cmocka_unit_test(test_doubles),
		cmocka_unit_test(test_doubles_read_back),
		cmocka_unit_test(test_depth_limit),
		cmocka_unit_test(test_unbalanced),
		cmocka_unit_test(test_size_limit),
		cmocka_unit_test(test_sink),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
