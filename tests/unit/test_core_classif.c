/*
 * Unit tests of the classification and marking vocabulary (core/classif.h): the order of the
 * levels, tokens and labels, and parsing that accepts exactly the tokens.
 */
#include "testutil.h"

#include "core/classif.h"

static void test_order(void **state)
{
	(void)state;
	/* "clearance >= classification" must be one comparison. */
	assert_true(EP_CLASS_UNCLASSIFIED < EP_CLASS_RESTREINT);
	assert_true(EP_CLASS_RESTREINT < EP_CLASS_CONFIDENTIEL);
	assert_true(EP_CLASS_CONFIDENTIEL < EP_CLASS_SECRET);
	assert_true(EP_CLASS_SECRET < EP_CLASS_TRES_SECRET);
	assert_int_equal(EP_CLASS_UNCLASSIFIED, 0);
}

static void test_tokens_and_labels(void **state)
{
	(void)state;
	assert_string_equal(ep_class_token(EP_CLASS_UNCLASSIFIED), "unclassified");
	assert_string_equal(ep_class_token(EP_CLASS_RESTREINT), "restreint_ue");
	assert_string_equal(ep_class_token(EP_CLASS_CONFIDENTIEL), "confidentiel_ue");
	assert_string_equal(ep_class_token(EP_CLASS_SECRET), "secret_ue");
	assert_string_equal(ep_class_token(EP_CLASS_TRES_SECRET), "tres_secret_ue");
	assert_string_equal(ep_class_label(EP_CLASS_UNCLASSIFIED), "");
	assert_string_equal(ep_class_label(EP_CLASS_RESTREINT), "RESTREINT UE/EU RESTRICTED");
	assert_string_equal(ep_class_label(EP_CLASS_CONFIDENTIEL), "CONFIDENTIEL UE/EU CONFIDENTIAL");
	assert_string_equal(ep_class_label(EP_CLASS_SECRET), "SECRET UE/EU SECRET");
	assert_string_equal(ep_class_label(EP_CLASS_TRES_SECRET), "TRES SECRET UE/EU TOP SECRET");
	/* Out of range: a visible "?", not a crash. */
	assert_string_equal(ep_class_token((ep_class)5), "?");
	assert_string_equal(ep_class_token((ep_class)-1), "?");
	assert_string_equal(ep_class_label((ep_class)5), "?");
	assert_string_equal(ep_class_label((ep_class)-1), "?");
}

static void test_class_parse(void **state)
{
	(void)state;
	for (int i = EP_CLASS_UNCLASSIFIED; i <= EP_CLASS_TRES_SECRET; i++) {
		ep_class c = (ep_class)99;
		assert_int_equal(ep_class_parse(ep_class_token((ep_class)i), &c), EP_OK);
		assert_int_equal(c, i);
	}
	const char *bad[] = {"",          "RESTREINT_UE",   "restreint",  "restreint_ue ", " restreint_ue",
			     "restricted", "RESTREINT UE/EU RESTRICTED", "secret", "top_secret", "?", "1"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ep_class c = EP_CLASS_SECRET;
		if (ep_class_parse(bad[i], &c) != EP_E_INVALID)
			fail_msg("'%s' was taken for a classification", bad[i]);
		assert_int_equal(c, EP_CLASS_SECRET);
	}
}

static void test_marking(void **state)
{
	(void)state;
	assert_string_equal(ep_marking_token(EP_MARK_NONE), "none");
	assert_string_equal(ep_marking_token(EP_MARK_LIMITE), "limite");
	ep_marking m = EP_MARK_LIMITE;
	assert_int_equal(ep_marking_parse("none", &m), EP_OK);
	assert_int_equal(m, EP_MARK_NONE);
	assert_int_equal(ep_marking_parse("limite", &m), EP_OK);
	assert_int_equal(m, EP_MARK_LIMITE);
	assert_int_equal(ep_marking_parse("LIMITE", &m), EP_E_INVALID);
	assert_int_equal(ep_marking_parse("", &m), EP_E_INVALID);
	assert_int_equal(ep_marking_parse("limited", &m), EP_E_INVALID);
	assert_int_equal(m, EP_MARK_LIMITE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_tokens_and_labels),
		cmocka_unit_test(test_class_parse),
		cmocka_unit_test(test_marking),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
