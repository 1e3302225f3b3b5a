/*
 * Unit tests of the status vocabulary (core/status.h): stable names, single errors with field
 * and message (truncated, never overflowing), and problem lists with their cap of EP_ERRS_MAX
 * kept entries, past which problems are counted as dropped.
 */
#include "testutil.h"

#include "core/status.h"

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(ep_status_name(EP_OK), "ok");
	assert_string_equal(ep_status_name(EP_E_INVALID), "invalid");
	assert_string_equal(ep_status_name(EP_E_NOTFOUND), "not_found");
	assert_string_equal(ep_status_name(EP_E_DENIED), "denied");
	assert_string_equal(ep_status_name(EP_E_CONFLICT), "conflict");
	assert_string_equal(ep_status_name(EP_E_LIMIT), "limit");
	assert_string_equal(ep_status_name(EP_E_INTERNAL), "internal");
	/* A value outside the enumeration is named, not a crash. */
	assert_string_equal(ep_status_name((ep_status)99), "internal");
	assert_string_equal(ep_status_name((ep_status)-1), "internal");
}

static void test_names_distinct(void **state)
{
	(void)state;
	for (int a = EP_OK; a <= EP_E_INTERNAL; a++)
		for (int b = a + 1; b <= EP_E_INTERNAL; b++)
			assert_string_not_equal(ep_status_name((ep_status)a), ep_status_name((ep_status)b));
}

static void test_err_set(void **state)
{
	(void)state;
	ep_err err;
	memset(&err, 0x55, sizeof err);
	assert_int_equal(ep_err_set(&err, EP_E_NOTFOUND, "oap", "no OAP %d in cycle '%s'", 12, "2018-2021"),
			 EP_E_NOTFOUND);
	assert_int_equal(err.status, EP_E_NOTFOUND);
	assert_string_equal(err.field, "oap");
	assert_string_equal(err.msg, "no OAP 12 in cycle '2018-2021'");

	/* A NULL field is the empty field. */
	assert_int_equal(ep_err_set(&err, EP_E_INTERNAL, NULL, "disk full"), EP_E_INTERNAL);
	assert_string_equal(err.field, "");
	assert_string_equal(err.msg, "disk full");

	/* A NULL err is allowed: the status still comes back. */
	assert_int_equal(ep_err_set(NULL, EP_E_DENIED, "x", "y"), EP_E_DENIED);
}

static void test_err_truncates(void **state)
{
	(void)state;
	ep_err err;
	char longer[2000];
	memset(longer, 'f', sizeof longer - 1);
	longer[sizeof longer - 1] = '\0';
	ep_err_set(&err, EP_E_INVALID, longer, "%s", longer);
	assert_int_equal(strlen(err.field), EP_ERR_FIELD_MAX - 1);
	assert_int_equal(strlen(err.msg), EP_ERR_MSG_MAX - 1);
	assert_int_equal(err.status, EP_E_INVALID);
}

static void test_err_clear(void **state)
{
	(void)state;
	ep_err err;
	ep_err_set(&err, EP_E_CONFLICT, "version", "stale");
	ep_err_clear(&err);
	assert_int_equal(err.status, EP_OK);
	assert_string_equal(err.field, "");
	assert_string_equal(err.msg, "");
	ep_err_clear(NULL); /* allowed */
}

static ep_status call_vset(ep_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static ep_status call_vset(ep_err *err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	ep_status s = ep_err_vset(err, EP_E_LIMIT, "body", fmt, ap);
	va_end(ap);
	return s;
}

static void test_err_vset(void **state)
{
	(void)state;
	ep_err err;
	assert_int_equal(call_vset(&err, "over %zu bytes", (size_t)1048576), EP_E_LIMIT);
	assert_string_equal(err.field, "body");
	assert_string_equal(err.msg, "over 1048576 bytes");
}

static void test_errs_add(void **state)
{
	(void)state;
	ep_errs e;
	ep_errs_init(&e);
	assert_int_equal(ep_errs_count(&e), 0);
	ep_errs_add(&e, EP_E_INVALID, "$.cycles[0].label", "missing %s", "label");
	ep_errs_add(&e, EP_E_CONFLICT, "$.orgs[3].code", "duplicate code '%s'", "IT");
	ep_errs_add(&e, EP_E_LIMIT, NULL, "too many");
	assert_int_equal(ep_errs_count(&e), 3);
	assert_int_equal(e.n, 3);
	assert_int_equal(e.dropped, 0);
	/* Kept in the order added. */
	assert_int_equal(e.items[0].status, EP_E_INVALID);
	assert_string_equal(e.items[0].path, "$.cycles[0].label");
	assert_string_equal(e.items[0].msg, "missing label");
	assert_int_equal(e.items[1].status, EP_E_CONFLICT);
	assert_string_equal(e.items[1].path, "$.orgs[3].code");
	assert_string_equal(e.items[1].msg, "duplicate code 'IT'");
	assert_int_equal(e.items[2].status, EP_E_LIMIT);
	assert_string_equal(e.items[2].path, ""); /* NULL path */
	assert_string_equal(e.items[2].msg, "too many");
	ep_errs_release(&e);
	assert_int_equal(ep_errs_count(&e), 0);
	/* Usable again after release. */
	ep_errs_add(&e, EP_E_INVALID, "p", "m");
	assert_int_equal(ep_errs_count(&e), 1);
	ep_errs_release(&e);
}

static void test_errs_copies(void **state)
{
	(void)state;
	ep_errs e;
	ep_errs_init(&e);
	char path[16] = "field";
	ep_errs_add(&e, EP_E_INVALID, path, "bad");
	path[0] = 'X';
	assert_string_equal(e.items[0].path, "field");
	/* A long message is truncated, not overflowed. */
	char longer[3000];
	memset(longer, 'm', sizeof longer - 1);
	longer[sizeof longer - 1] = '\0';
	ep_errs_add(&e, EP_E_INVALID, longer, "%s", longer);
	assert_int_equal(strlen(e.items[1].msg), EP_ERR_MSG_MAX - 1);
	assert_string_equal(e.items[1].path, longer); /* paths are kept whole */
	ep_errs_release(&e);
}

static void test_errs_cap(void **state)
{
	(void)state;
	ep_errs e;
	ep_errs_init(&e);
	for (int i = 0; i < EP_ERRS_MAX; i++)
		ep_errs_add(&e, EP_E_INVALID, "p", "problem %d", i);
	assert_int_equal(e.n, EP_ERRS_MAX);
	assert_int_equal(e.dropped, 0);
	assert_int_equal(ep_errs_count(&e), EP_ERRS_MAX);
	/* Past the cap: counted, not kept. */
	for (int i = 0; i < 25; i++)
		ep_errs_add(&e, EP_E_INVALID, "q", "extra %d", i);
	assert_int_equal(e.n, EP_ERRS_MAX);
	assert_int_equal(e.dropped, 25);
	assert_int_equal(ep_errs_count(&e), EP_ERRS_MAX + 25);
	/* The kept ones are the first ones, intact. */
	assert_string_equal(e.items[0].msg, "problem 0");
	assert_string_equal(e.items[EP_ERRS_MAX - 1].msg, "problem 999");
	ep_errs_release(&e);
	assert_int_equal(ep_errs_count(&e), 0);
	assert_int_equal(e.dropped, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_names_distinct),
		cmocka_unit_test(test_err_set),
		cmocka_unit_test(test_err_truncates),
		cmocka_unit_test(test_err_clear),
		cmocka_unit_test(test_err_vset),
		cmocka_unit_test(test_errs_add),
		cmocka_unit_test(test_errs_copies),
		cmocka_unit_test(test_errs_cap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
