/*
 * Unit tests of string views and text checks (core/str.h): equality, prefixes, trimming,
 * cutting, UTF-8 validation (well-formed, overlong, surrogates, past U+10FFFF, truncated, NUL),
 * code points, codes, dotted numbers and constant-time comparison.
 */
#include "testutil.h"

#include "core/str.h"

#define SV(lit) ep_sv_make((lit), sizeof(lit) - 1)

static void test_sv_from_make(void **state)
{
	(void)state;
	ep_sv v = ep_sv_from("abc");
	assert_int_equal(v.n, 3);
	assert_memory_equal(v.p, "abc", 3);
	v = ep_sv_from("");
	assert_int_equal(v.n, 0);
	v = ep_sv_from(NULL);
	assert_null(v.p);
	assert_int_equal(v.n, 0);
	const char *text = "hello world";
	v = ep_sv_make(text + 6, 5);
	assert_ptr_equal(v.p, text + 6);
	assert_int_equal(v.n, 5);
}

static void test_sv_eq(void **state)
{
	(void)state;
	char a[] = "same", b[] = "same";
	assert_true(ep_sv_eq(ep_sv_from(a), ep_sv_from(b))); /* by content, not pointer */
	assert_false(ep_sv_eq(ep_sv_from("same"), ep_sv_from("Same")));
	assert_false(ep_sv_eq(ep_sv_from("same"), ep_sv_from("sam")));
	assert_false(ep_sv_eq(ep_sv_from("sam"), ep_sv_from("same")));
	assert_true(ep_sv_eq(ep_sv_from(""), ep_sv_from("")));
	/* Empty views are equal whatever their pointers. */
	assert_true(ep_sv_eq(ep_sv_make(NULL, 0), ep_sv_from("")));
	assert_true(ep_sv_eq(ep_sv_make("xyz", 0), ep_sv_make(NULL, 0)));
	/* Only the first n bytes count. */
	assert_true(ep_sv_eq(ep_sv_make("abcdef", 3), ep_sv_make("abcxyz", 3)));
	/* Embedded NUL bytes are content. */
	assert_true(ep_sv_eq(SV("a\0b"), SV("a\0b")));
	assert_false(ep_sv_eq(SV("a\0b"), SV("a\0c")));
}

static void test_sv_eq_cstr(void **state)
{
	(void)state;
	assert_true(ep_sv_eq_cstr(ep_sv_make("db = x", 2), "db"));
	assert_false(ep_sv_eq_cstr(ep_sv_make("db = x", 2), "d"));
	assert_false(ep_sv_eq_cstr(ep_sv_make("db = x", 2), "db "));
	assert_true(ep_sv_eq_cstr(ep_sv_make(NULL, 0), ""));
	assert_true(ep_sv_eq_cstr(ep_sv_make(NULL, 0), NULL));
	assert_false(ep_sv_eq_cstr(ep_sv_from("x"), ""));
}

static void test_sv_starts_with(void **state)
{
	(void)state;
	assert_true(ep_sv_starts_with(ep_sv_from("/api/v1/oaps"), "/api/"));
	assert_true(ep_sv_starts_with(ep_sv_from("/api/"), "/api/"));
	assert_false(ep_sv_starts_with(ep_sv_from("/api"), "/api/"));
	assert_false(ep_sv_starts_with(ep_sv_from("/oaps"), "/api/"));
	assert_true(ep_sv_starts_with(ep_sv_from("abc"), ""));
	/* The view's length bounds the match, not the NUL of the text behind it. */
	assert_false(ep_sv_starts_with(ep_sv_make("/api/v1", 3), "/api"));
	/* An empty view, such as what ep_sv_cut returns without a separator. */
	assert_true(ep_sv_starts_with(ep_sv_make(NULL, 0), ""));
	assert_false(ep_sv_starts_with(ep_sv_make(NULL, 0), "a"));
}

static void test_sv_trim(void **state)
{
	(void)state;
	ep_sv t = ep_sv_trim(ep_sv_from(" \t\r\n\v\fvalue with  spaces\f\v\n\r\t "));
	assert_true(ep_sv_eq_cstr(t, "value with  spaces"));
	t = ep_sv_trim(ep_sv_from("none"));
	assert_true(ep_sv_eq_cstr(t, "none"));
	t = ep_sv_trim(ep_sv_from("   "));
	assert_int_equal(t.n, 0);
	t = ep_sv_trim(ep_sv_from(""));
	assert_int_equal(t.n, 0);
	t = ep_sv_trim(ep_sv_make(NULL, 0));
	assert_int_equal(t.n, 0);
	t = ep_sv_trim(ep_sv_from("  left"));
	assert_true(ep_sv_eq_cstr(t, "left"));
	t = ep_sv_trim(ep_sv_from("right  "));
	assert_true(ep_sv_eq_cstr(t, "right"));
	/* Only ASCII white space: a non-breaking space (U+00A0) is content. */
	t = ep_sv_trim(ep_sv_from("\xc2\xa0x\xc2\xa0"));
	assert_int_equal(t.n, 5);
	/* Trimming works within the view's bounds. */
	const char *text = "  ab  cd";
	t = ep_sv_trim(ep_sv_make(text, 5));
	assert_true(ep_sv_eq_cstr(t, "ab"));
	assert_ptr_equal(t.p, text + 2);
}

static void test_sv_cut(void **state)
{
	(void)state;
	ep_sv head;
	ep_sv rest = ep_sv_cut(ep_sv_from("name=value"), '=', &head);
	assert_true(ep_sv_eq_cstr(head, "name"));
	assert_true(ep_sv_eq_cstr(rest, "value"));

	/* Only the first separator splits. */
	rest = ep_sv_cut(ep_sv_from("a=b=c"), '=', &head);
	assert_true(ep_sv_eq_cstr(head, "a"));
	assert_true(ep_sv_eq_cstr(rest, "b=c"));

	/* Without the separator: head is everything, the rest is empty with p == NULL. */
	ep_sv whole = ep_sv_from("no separator");
	rest = ep_sv_cut(whole, '=', &head);
	assert_true(ep_sv_eq(head, whole));
	assert_ptr_equal(head.p, whole.p);
	assert_null(rest.p);
	assert_int_equal(rest.n, 0);

	/* Separator at the end: the rest is empty but present (p != NULL). */
	rest = ep_sv_cut(ep_sv_from("key="), '=', &head);
	assert_true(ep_sv_eq_cstr(head, "key"));
	assert_non_null(rest.p);
	assert_int_equal(rest.n, 0);

	/* Separator at the start: an empty head. */
	rest = ep_sv_cut(ep_sv_from("=v"), '=', &head);
	assert_int_equal(head.n, 0);
	assert_true(ep_sv_eq_cstr(rest, "v"));

	/* An empty view. */
	rest = ep_sv_cut(ep_sv_from(""), '=', &head);
	assert_int_equal(head.n, 0);
	assert_null(rest.p);
	rest = ep_sv_cut(ep_sv_make(NULL, 0), '=', &head);
	assert_int_equal(head.n, 0);
	assert_null(rest.p);

	/* The separator past the view's length is not seen. */
	rest = ep_sv_cut(ep_sv_make("abc=d", 3), '=', &head);
	assert_true(ep_sv_eq_cstr(head, "abc"));
	assert_null(rest.p);
}

static void test_sv_cut_loop(void **state)
{
	(void)state;
	/* Splitting a list field by field, the way a path or a CSV line is parsed. */
	const char *want[] = {"a", "bc", "", "d", ""};
	ep_sv rest = ep_sv_from("a,bc,,d,");
	size_t k = 0;
	while (rest.p) {
		ep_sv field;
		rest = ep_sv_cut(rest, ',', &field);
		assert_true(k < 5);
		if (!ep_sv_eq_cstr(field, want[k]))
			fail_msg("field %zu is '%.*s', expected '%s'", k, (int)field.n, field.p, want[k]);
		k++;
	}
	assert_int_equal(k, 5);
}

static bool valid(const char *s)
{
	return ep_utf8_valid(s, strlen(s));
}

static void test_utf8_valid_text(void **state)
{
	(void)state;
	assert_true(ep_utf8_valid("", 0));
	assert_true(ep_utf8_valid(NULL, 0));
	assert_true(valid("plain ASCII ~\x7f"));
	assert_true(valid("\xc2\x80"));                 /* U+0080, first two-byte */
	assert_true(valid("\xc3\xa9t\xc3\xa9"));        /* été */
	assert_true(valid("\xdf\xbf"));                 /* U+07FF, last two-byte */
	assert_true(valid("\xe0\xa0\x80"));             /* U+0800, first three-byte */
	assert_true(valid("\xe2\x82\xac"));             /* € */
	assert_true(valid("\xed\x9f\xbf"));             /* U+D7FF, just below the surrogates */
	assert_true(valid("\xee\x80\x80"));             /* U+E000, just above them */
	assert_true(valid("\xef\xbb\xbf"));             /* U+FEFF (BOM) */
	assert_true(valid("\xef\xbf\xbf"));             /* U+FFFF */
	assert_true(valid("\xf0\x90\x80\x80"));         /* U+10000, first four-byte */
	assert_true(valid("\xf0\x9f\x87\xaa\xf0\x9f\x87\xba")); /* EU flag */
	assert_true(valid("\xf4\x8f\xbf\xbf"));         /* U+10FFFF, the last code point */
	assert_true(valid("Europol \xe2\x80\x93 \xce\x95\xce\xbb\xce\xbb\xce\xac\xce\xb4\xce\xb1 \xd0\x91\xd1\x8a\xd0\xbb"));
}

static void test_utf8_overlong(void **state)
{
	(void)state;
	assert_false(valid("\xc0\x80"));         /* NUL in two bytes */
	assert_false(valid("\xc0\xaf"));         /* '/' in two bytes */
	assert_false(valid("\xc1\xbf"));         /* U+007F in two bytes */
	assert_false(valid("\xe0\x80\xaf"));     /* '/' in three bytes */
	assert_false(valid("\xe0\x9f\xbf"));     /* U+07FF in three bytes */
	assert_false(valid("\xf0\x80\x80\xaf")); /* '/' in four bytes */
	assert_false(valid("\xf0\x8f\xbf\xbf")); /* U+FFFF in four bytes */
}

static void test_utf8_surrogates(void **state)
{
	(void)state;
	assert_false(valid("\xed\xa0\x80")); /* U+D800 */
	assert_false(valid("\xed\xad\xbf")); /* U+DB7F */
	assert_false(valid("\xed\xb0\x80")); /* U+DC00 */
	assert_false(valid("\xed\xbf\xbf")); /* U+DFFF */
	/* A CESU-8 style surrogate pair for U+10000. */
	assert_false(valid("\xed\xa0\x80\xed\xb0\x80"));
}

static void test_utf8_past_max(void **state)
{
	(void)state;
	assert_false(valid("\xf4\x90\x80\x80")); /* U+110000 */
	assert_false(valid("\xf4\xbf\xbf\xbf"));
	assert_false(valid("\xf5\x80\x80\x80"));
	assert_false(valid("\xf7\xbf\xbf\xbf"));
	assert_false(valid("\xf8\x88\x80\x80\x80"));     /* old five-byte form */
	assert_false(valid("\xfc\x84\x80\x80\x80\x80")); /* old six-byte form */
	assert_false(valid("\xfe"));
	assert_false(valid("\xff"));
}

static void test_utf8_bad_sequences(void **state)
{
	(void)state;
	/* Continuation bytes without a lead. */
	assert_false(valid("\x80"));
	assert_false(valid("a\xbf"));
	assert_false(valid("\xc3\xa9\xa9"));
	/* Truncated sequences, at the end and before other text. */
	assert_false(valid("\xc3"));
	assert_false(valid("\xe2\x82"));
	assert_false(valid("\xe2"));
	assert_false(valid("\xf0\x9f\x87"));
	assert_false(valid("\xf0\x9f"));
	assert_false(valid("\xe2\x82" "A"));
	assert_false(valid("\xf0\x9f\x87 "));
	assert_false(valid("\xc3 x"));
	/* Truncated by the length given, though the bytes after it are fine. */
	assert_false(ep_utf8_valid("\xe2\x82\xac", 2));
	assert_true(ep_utf8_valid("\xe2\x82\xac", 3));
	assert_false(ep_utf8_valid("x\xf0\x9f\x87\xaa", 4));
	/* A lead byte where a continuation belongs. */
	assert_false(valid("\xe2\xe2\x82\xac"));
}

static void test_utf8_nul(void **state)
{
	(void)state;
	assert_false(ep_utf8_valid("\0", 1));
	assert_false(ep_utf8_valid("abc\0def", 7));
	assert_false(ep_utf8_valid("abc\0", 4));
	assert_true(ep_utf8_valid("abc\0", 3));
	/* A NUL in place of a continuation byte. */
	assert_false(ep_utf8_valid("\xc3\0", 2));
}

static void test_utf8_len(void **state)
{
	(void)state;
	assert_int_equal(ep_utf8_len("", 0), 0);
	assert_int_equal(ep_utf8_len("abc", 3), 3);
	assert_int_equal(ep_utf8_len("\xc3\xa9t\xc3\xa9", 5), 3);
	assert_int_equal(ep_utf8_len("\xe2\x82\xac", 3), 1);
	assert_int_equal(ep_utf8_len("\xf0\x9f\x87\xaa\xf0\x9f\x87\xba", 8), 2);
	assert_int_equal(ep_utf8_len("a\xf4\x8f\xbf\xbf" "b", 6), 3);
}

static void test_is_code(void **state)
{
	(void)state;
	assert_true(ep_is_code("IT", 2, 16));
	assert_true(ep_is_code("EMPACT", 2, 16));
	assert_true(ep_is_code("OAP_2018-1", 2, 16));
	assert_true(ep_is_code("A", 1, 1));
	assert_true(ep_is_code("A9", 2, 2));
	/* The first character must be a capital letter. */
	assert_false(ep_is_code("1A", 1, 16));
	assert_false(ep_is_code("_A", 1, 16));
	assert_false(ep_is_code("-A", 1, 16));
	assert_false(ep_is_code("it", 1, 16));
	assert_false(ep_is_code("iT", 1, 16));
	/* Then only capitals, digits, '_' and '-'. */
	assert_false(ep_is_code("It", 1, 16));
	assert_false(ep_is_code("A B", 1, 16));
	assert_false(ep_is_code("A.B", 1, 16));
	assert_false(ep_is_code("A/B", 1, 16));
	assert_false(ep_is_code("\xc3\x89U", 1, 16)); /* ÉU */
	assert_false(ep_is_code("EU\xc3\x89", 1, 16));
	/* Length bounds, both sides. */
	assert_false(ep_is_code("", 1, 16));
	assert_false(ep_is_code("A", 2, 16));
	assert_true(ep_is_code("AB", 2, 16));
	assert_true(ep_is_code("ABCDEFGHIJKLMNOP", 2, 16));
	assert_false(ep_is_code("ABCDEFGHIJKLMNOPQ", 2, 16));
}

static void test_is_dotted_number(void **state)
{
	(void)state;
	assert_true(ep_is_dotted_number("0"));
	assert_true(ep_is_dotted_number("3"));
	assert_true(ep_is_dotted_number("10"));
	assert_true(ep_is_dotted_number("3.2"));
	assert_true(ep_is_dotted_number("10.4.1"));
	assert_true(ep_is_dotted_number("1.0"));
	assert_true(ep_is_dotted_number("0.0.0"));
	assert_true(ep_is_dotted_number("120.30.4"));

	assert_false(ep_is_dotted_number(""));
	assert_false(ep_is_dotted_number("."));
	assert_false(ep_is_dotted_number(".1"));
	assert_false(ep_is_dotted_number("1."));
	assert_false(ep_is_dotted_number("1..2"));
	assert_false(ep_is_dotted_number("01"));
	assert_false(ep_is_dotted_number("1.02"));
	assert_false(ep_is_dotted_number("00"));
	assert_false(ep_is_dotted_number("1.2a"));
	assert_false(ep_is_dotted_number("a"));
	assert_false(ep_is_dotted_number("-1"));
	assert_false(ep_is_dotted_number("+1"));
	assert_false(ep_is_dotted_number(" 1"));
	assert_false(ep_is_dotted_number("1 "));
	assert_false(ep_is_dotted_number("1,2"));
	assert_false(ep_is_dotted_number("\xd9\xa1")); /* ARABIC-INDIC DIGIT ONE */

	/* At most 32 characters. */
	char s[40];
	memset(s, '1', 32);
	s[32] = '\0';
	assert_true(ep_is_dotted_number(s));
	s[32] = '1';
	s[33] = '\0';
	assert_false(ep_is_dotted_number(s));
}

static void test_mem_eq_ct(void **state)
{
	(void)state;
	assert_true(ep_mem_eq_ct("secret", "secret", 6));
	assert_false(ep_mem_eq_ct("secret", "secreT", 6));
	assert_false(ep_mem_eq_ct("Secret", "secret", 6));
	assert_true(ep_mem_eq_ct("abc", "abd", 2));
	assert_true(ep_mem_eq_ct("x", "y", 0));
	unsigned char a[64], b[64];
	for (int i = 0; i < 64; i++)
		a[i] = b[i] = (unsigned char)(i * 37);
	assert_true(ep_mem_eq_ct(a, b, sizeof a));
	for (int i = 0; i < 64; i++) {
		b[i] ^= 0x80;
		assert_false(ep_mem_eq_ct(a, b, sizeof a));
		b[i] ^= 0x80;
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sv_from_make),
		cmocka_unit_test(test_sv_eq),
		cmocka_unit_test(test_sv_eq_cstr),
		cmocka_unit_test(test_sv_starts_with),
		cmocka_unit_test(test_sv_trim),
		cmocka_unit_test(test_sv_cut),
		cmocka_unit_test(test_sv_cut_loop),
		cmocka_unit_test(test_utf8_valid_text),
		cmocka_unit_test(test_utf8_overlong),
		cmocka_unit_test(test_utf8_surrogates),
		cmocka_unit_test(test_utf8_past_max),
		cmocka_unit_test(test_utf8_bad_sequences),
		cmocka_unit_test(test_utf8_nul),
		cmocka_unit_test(test_utf8_len),
		cmocka_unit_test(test_is_code),
		cmocka_unit_test(test_is_dotted_number),
		cmocka_unit_test(test_mem_eq_ct),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
