/*
 * Unit tests of the Council document model (docs/doc.h): building the tree from a dataset
 * source and filtering it for a release level or a redaction map. What is withheld must leave
 * the tree entirely (no renderer can print it), become exactly one DELETED per passage, keep a
 * withheld section's heading with NOT DECLASSIFIED, and collapse a withheld tail into the one
 * tail marker; a bad source is an error naming the member, never a crash.
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "docs/doc.h"

/* A small dataset: one cycle, one OAP with sections at several levels, its Council document
 * with an inline restreint passage, and an EXT version whose map releases some of it. */
static const char DATASET[] =
	"{\"format\": \"empact-dataset/1\","
	" \"organisations\": [{\"code\": \"IT\", \"kind\": \"member_state\", \"name\": \"Italy\"}],"
	" \"cycles\": [{\"label\": \"2030-2033\", \"first_year\": 2030, \"last_year\": 2033, \"status\": \"open\","
	"   \"priorities\": [{\"code\": \"1\", \"short_name\": \"Test\", \"aim\": \"An aim.\", \"goals\": []}]}],"
	" \"oaps\": [{\"cycle\": \"2030-2033\", \"priority\": \"1\", \"first_year\": 2030, \"last_year\": 2030,"
	"   \"revision\": 0, \"title\": \"Test plan\", \"status\": \"drafting\", \"classification\": \"restreint_ue\","
	"   \"sections\": ["
	"     {\"number\": \"1\", \"heading\": \"Aim\", \"classification\": \"unclassified\", \"text\": \"Open aim text.\","
	"      \"footnotes\": [{\"anchor\": \"aim\", \"text\": \"A public note\"}]},"
	"     {\"number\": \"2\", \"heading\": \"Method\", \"classification\": \"unclassified\", \"text\": \"\"},"
	"     {\"number\": \"2.1\", \"heading\": \"Planning\", \"classification\": \"restreint_ue\","
	"      \"text\": \"SECRET-PLANNING-CANARY\", \"footnotes\": [{\"anchor\": \"PLANNING\", \"text\": \"NOTE-CANARY\"}]},"
	"     {\"number\": \"2.2\", \"heading\": \"Doing\", \"classification\": \"unclassified\", \"text\": \"Open doing.\"},"
	"     {\"number\": \"3\", \"heading\": \"Tail one\", \"classification\": \"restreint_ue\", \"text\": \"TAIL1-CANARY\"},"
	"     {\"number\": \"4\", \"heading\": \"Annex: operational actions\", \"classification\": \"restreint_ue\","
	"      \"text\": null}],"
	"   \"actions\": [{\"number\": \"1.1\", \"title\": \"ACTION-CANARY\", \"leader\": \"IT\","
	"     \"classification\": \"restreint_ue\", \"status\": \"proposed\"}]}],"
	" \"documents\": ["
	"   {\"number\": \"1/30\", \"suffix\": \"\", \"date\": \"2030-01-02\", \"subject\": \"Test plan\","
	"    \"classification\": \"restreint_ue\", \"pages\": 9, \"oap\": \"2030-2033/1/2030\","
	"    \"passages\": [{\"key\": \"p1\", \"text\": \"Developed under\", \"classification\": \"unclassified\"},"
	"      {\"key\": \"p2\", \"text\": \"WHO-CANARY\", \"inline\": true, \"classification\": \"restreint_ue\"},"
	"      {\"key\": \"p3\", \"text\": \". Agreed.\", \"inline\": true, \"classification\": \"unclassified\"},"
	"      {\"key\": \"p4\", \"text\": \"WHOLE-CANARY\", \"classification\": \"restreint_ue\"}]},"
	"   {\"number\": \"1/30\", \"suffix\": \"EXT 1\", \"date\": \"2030-03-04\", \"subject\": \"Test plan\","
	"    \"parent\": \"1/30\", \"new_status\": \"Public\","
	"    \"passages\": [{\"key\": \"p1\", \"text\": \"Cover text.\", \"classification\": \"unclassified\"}],"
	"    \"redactions\": [{\"passage\": \"p1\", \"decision\": \"released\"},"
	"      {\"passage\": \"p2\", \"decision\": \"deleted\", \"reason\": \"r\"},"
	"      {\"passage\": \"p3\", \"decision\": \"released\"},"
	"      {\"passage\": \"p4\", \"decision\": \"released\"},"
	"      {\"section\": \"1\", \"decision\": \"released\"}, {\"section\": \"2\", \"decision\": \"released\"},"
	"      {\"section\": \"2.1\", \"decision\": \"not_declassified\", \"reason\": \"r\"},"
	"      {\"section\": \"2.2\", \"decision\": \"released\"},"
	"      {\"section\": \"3\", \"decision\": \"not_declassified\", \"reason\": \"r\"},"
	"      {\"section\": \"4\", \"decision\": \"not_declassified\", \"reason\": \"r\"}]}]}";

static char *render(const char *select, const char *release, ep_status *st)
{
	json_error_t je;
	char src_text[sizeof DATASET + 256];
	snprintf(src_text, sizeof src_text, "{\"dataset\": %s, %s}", DATASET, select);
	json_t *src = json_loads(src_text, 0, &je);
	assert_non_null(src);
	ep_arena *a = ep_arena_new(0);
	ep_doc *d = NULL;
	ep_err err;
	ep_release r;
	assert_int_equal(ep_release_parse(release, &r, &err), EP_OK);
	*st = ep_doc_build(a, src, &d, &err);
	char *out = NULL;
	if (*st == EP_OK && (*st = ep_doc_filter(d, r, &err)) == EP_OK) {
		ep_buf b;
		ep_buf_init(&b, 1 << 20);
		*st = ep_doc_render_txt(d, &b, &err);
		out = ep_buf_detach(&b, NULL);
	}
	ep_arena_free(a);
	json_decref(src);
	return out;
}

static int count(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static void test_public_withholds_by_level(void **state)
{
	(void)state;
	ep_status st;
	char *t = render("\"document\": {\"number\": \"1/30\", \"suffix\": \"\"}", "public", &st);
	assert_int_equal(st, EP_OK);
	assert_null(strstr(t, "CANARY"));
	/* p2 inline and p4 whole: one DELETED each; the restreint action row is inside the withheld
	 * tail, so it adds none. */
	assert_int_equal(count(t, "DELETED"), 2);
	assert_non_null(strstr(t, "Developed under DELETED. Agreed."));
	/* 2.1 keeps its heading and says NOT DECLASSIFIED; 3 and 4 collapse into the tail. */
	assert_non_null(strstr(t, "2.1. Planning\n\nNOT DECLASSIFIED\n"));
	assert_null(strstr(t, "Tail one"));
	assert_int_equal(count(t, "NOT DECLASSIFIED FROM THIS POINT UNTIL THE END OF THE DOCUMENT (page 9)"), 1);
	/* The public note is numbered 1; the withheld one is gone with its section. */
	assert_non_null(strstr(t, "aim¹"));
	assert_null(strstr(t, "²"));
	/* Nothing classified is shown: no banner. */
	assert_null(strstr(t, "RESTREINT UE/EU RESTRICTED\n\nBrussels"));
	free(t);
}

static void test_restreint_shows_all_with_banner(void **state)
{
	(void)state;
	ep_status st;
	char *t = render("\"document\": {\"number\": \"1/30\", \"suffix\": \"\"}", "restreint_ue", &st);
	assert_int_equal(st, EP_OK);
	assert_non_null(strstr(t, "WHO-CANARY"));
	assert_non_null(strstr(t, "SECRET-PLANNING²-CANARY"));
	assert_non_null(strstr(t, "ACTION-CANARY"));
	assert_int_equal(count(t, "DELETED"), 0);
	assert_true(strncmp(t, "RESTREINT UE/EU RESTRICTED\n", 27) == 0);
	free(t);
}

static void test_ext_follows_the_map(void **state)
{
	(void)state;
	ep_status st;
	char *t = render("\"document\": {\"number\": \"1/30\", \"suffix\": \"EXT 1\"}", "public", &st);
	assert_int_equal(st, EP_OK);
	assert_non_null(strstr(t, "PARTIAL DECLASSIFICATION"));
	assert_non_null(strstr(t, "of document: 1/30"));
	assert_non_null(strstr(t, "dated: 2 January 2030"));
	/* p4 is released by the map although restreint; p2 is deleted. */
	assert_non_null(strstr(t, "WHOLE-CANARY"));
	assert_null(strstr(t, "WHO-CANARY"));
	assert_null(strstr(t, "SECRET-PLANNING-CANARY"));
	assert_null(strstr(t, "NOTE-CANARY"));
	assert_null(strstr(t, "TAIL1-CANARY"));
	assert_null(strstr(t, "ACTION-CANARY"));
	assert_int_equal(count(t, "DELETED"), 1);
	free(t);
}

static void test_bad_sources(void **state)
{
	(void)state;
	static const char *const BAD[] = {
		"[]",
		"{\"dataset\": 3, \"cycle\": \"x\"}",
		"{\"dataset\": {\"cycles\": 3}, \"cycle\": \"x\"}",
		"{\"dataset\": {\"documents\": [{\"number\": 5}]}, \"document\": {\"number\": \"1\"}}",
		"{\"dataset\": {}, \"document\": {\"number\": \"1\", \"suffix\": \"\"}}",
		"{\"rollup\": {\"tables\": [{\"rows\": 7}]}}",
		"{\"dataset\": {\"oaps\": [{\"cycle\": \"c\", \"priority\": \"p\", \"first_year\": 1,"
		" \"sections\": [{\"number\": \"1\", \"classification\": \"nonsense\"}]}]}, \"oap\": \"c/p/1\"}",
	};
	for (size_t i = 0; i < sizeof BAD / sizeof BAD[0]; i++) {
		json_t *src = json_loads(BAD[i], 0, NULL);
		assert_non_null(src);
		ep_arena *a = ep_arena_new(0);
		ep_doc *d = NULL;
		ep_err err;
		ep_err_clear(&err);
		assert_int_not_equal(ep_doc_build(a, src, &d, &err), EP_OK);
		assert_true(err.msg[0] != '\0');
		ep_arena_free(a);
		json_decref(src);
	}
}

static void test_release_and_format_tokens(void **state)
{
	(void)state;
	ep_release r;
	ep_dformat f;
	ep_err err;
	assert_int_equal(ep_release_parse("limite", &r, &err), EP_OK);
	assert_true(ep_release_shows(r, 0, 1));
	assert_false(ep_release_shows(r, 1, 0));
	assert_int_equal(ep_release_parse("secret", &r, &err), EP_E_INVALID);
	assert_string_equal(err.field, "release");
	assert_int_equal(ep_dformat_parse("odt", &f, &err), EP_E_INVALID);
	assert_string_equal(err.field, "format");
	char out[32];
	ep_doc_date_long("2017-11-23", out, sizeof out);
	assert_string_equal(out, "23 November 2017");
	ep_doc_date_long("2017-13-01", out, sizeof out);
	assert_string_equal(out, "2017-13-01");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_public_withholds_by_level),
		cmocka_unit_test(test_restreint_shows_all_with_banner),
		cmocka_unit_test(test_ext_follows_the_map),
		cmocka_unit_test(test_bad_sources),
		cmocka_unit_test(test_release_and_format_tokens),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
