/*
 * Unit tests of the capped byte buffer (core/buf.h): appending, the cap that fails with
 * EP_E_LIMIT and leaves the content as it was, printf growth, reset, release and detach.
 */
#include "testutil.h"

#include "core/buf.h"

static void test_init_empty(void **state)
{
	(void)state;
	ep_buf b;
	ep_buf_init(&b, 0);
	assert_int_equal(b.len, 0);
	assert_null(b.data);
	assert_int_equal(b.max, EP_BUF_DEFAULT_MAX);
	/* An empty buffer is "" as a C string, never NULL. */
	assert_non_null(ep_buf_str(&b));
	assert_string_equal(ep_buf_str(&b), "");
	ep_buf_release(&b);

	ep_buf_init(&b, 100);
	assert_int_equal(b.max, 100);
	ep_buf_release(&b);
}

static void test_append_puts_putc(void **state)
{
	(void)state;
	ep_buf b;
	ep_buf_init(&b, 0);
	assert_int_equal(ep_buf_append(&b, "abc", 3), EP_OK);
	assert_int_equal(ep_buf_puts(&b, "def"), EP_OK);
	assert_int_equal(ep_buf_putc(&b, 'g'), EP_OK);
	assert_int_equal(ep_buf_append(&b, "xyz", 0), EP_OK);
	assert_int_equal(ep_buf_append(&b, NULL, 0), EP_OK);
	assert_int_equal(ep_buf_puts(&b, ""), EP_OK);
	assert_int_equal(b.len, 7);
	assert_string_equal(ep_buf_str(&b), "abcdefg");
	assert_int_equal(b.data[b.len], '\0');
	ep_buf_release(&b);
}

static void test_binary_content(void **state)
{
	(void)state;
	ep_buf b;
	ep_buf_init(&b, 0);
	const char bytes[] = {'a', '\0', 'b', '\0', '\xff'};
	assert_int_equal(ep_buf_append(&b, bytes, sizeof bytes), EP_OK);
	assert_int_equal(b.len, sizeof bytes);
	assert_memory_equal(b.data, bytes, sizeof bytes);
	assert_int_equal(b.data[b.len], '\0');
	ep_buf_release(&b);
}

static void test_growth_keeps_content(void **state)
{
	(void)state;
	ep_buf b;
	ep_buf_init(&b, 0);
	/* 1 MiB, one byte at a time, through many reallocations. */
	for (size_t i = 0; i < (1u << 20); i++)
		assert_int_equal(ep_buf_putc(&b, (char)('a' + i % 26)), EP_OK);
	assert_int_equal(b.len, 1u << 20);
	assert_true(b.cap >= b.len);
	for (size_t i = 0; i < b.len; i++)
		if (b.data[i] != (char)('a' + i % 26))
			fail_msg("byte %zu changed", i);
	assert_int_equal(b.data[b.len], '\0');
	ep_buf_release(&b);
}

static void test_cap_exact_fits(void **state)
{
	(void)state;
	ep_buf b;
	ep_buf_init(&b, 10);
	assert_int_equal(ep_buf_puts(&b, "0123456789"), EP_OK);
	assert_int_equal(b.len, 10);
	assert_string_equal(ep_buf_str(&b), "0123456789");
	ep_buf_release(&b);
}

static void test_cap_past_max_fails_unchanged(void **state)
{
	(void)state;
	ep_buf b;
	ep_buf_init(&b, 10);
	assert_int_equal(ep_buf_puts(&b, "01234"), EP_OK);
	/* One byte too many: refused, and what was there stays. */
	assert_int_equal(ep_buf_puts(&b, "567890"), EP_E_LIMIT);
	assert_int_equal(b.len, 5);
	assert_string_equal(ep_buf_str(&b), "01234");
	assert_int_equal(ep_buf_append(&b, "567890", 6), EP_E_LIMIT);
	assert_int_equal(b.len, 5);
	/* What still fits goes in. */
	assert_int_equal(ep_buf_puts(&b, "56789"), EP_OK);
	assert_string_equal(ep_buf_str(&b), "0123456789");
	/* The buffer is full: even one byte is refused. */
	assert_int_equal(ep_buf_putc(&b, 'x'), EP_E_LIMIT);
	assert_int_equal(ep_buf_printf(&b, "%c", 'x'), EP_E_LIMIT);
	assert_int_equal(b.len, 10);
	assert_string_equal(ep_buf_str(&b), "0123456789");
	/* Empty appends are still fine at the cap. */
	assert_int_equal(ep_buf_append(&b, "", 0), EP_OK);
	ep_buf_release(&b);
}

static void test_cap_on_empty_buffer(void **state)
{
	(void)state;
	ep_buf b;
	ep_buf_init(&b, 4);
	assert_int_equal(ep_buf_puts(&b, "12345"), EP_E_LIMIT);
	assert_int_equal(b.len, 0);
	assert_string_equal(ep_buf_str(&b), "");
	ep_buf_release(&b);
}

static void test_cap_large(void **state)
{
	(void)state;
	ep_buf b;
	size_t max = 100000;
	ep_buf_init(&b, max);
	char chunk[1000];
	memset(chunk, 'q', sizeof chunk);
	for (size_t i = 0; i < max / sizeof chunk; i++)
		assert_int_equal(ep_buf_append(&b, chunk, sizeof chunk), EP_OK);
	assert_int_equal(b.len, max);
	assert_int_equal(ep_buf_append(&b, chunk, 1), EP_E_LIMIT);
	assert_int_equal(b.len, max);
	assert_int_equal(b.data[max], '\0');
	ep_buf_release(&b);
}

static void test_reserve(void **state)
{
	(void)state;
	ep_buf b;
	ep_buf_init(&b, 1000);
	assert_int_equal(ep_buf_reserve(&b, 500), EP_OK);
	assert_true(b.cap >= 500);
	assert_int_equal(b.len, 0);
	assert_string_equal(ep_buf_str(&b), "");
	assert_int_equal(ep_buf_reserve(&b, 1000), EP_OK);
	assert_int_equal(ep_buf_reserve(&b, 1001), EP_E_LIMIT);
	/* Sizes near SIZE_MAX must not wrap around the cap check. */
	assert_int_equal(ep_buf_reserve(&b, SIZE_MAX), EP_E_LIMIT);
	assert_int_equal(ep_buf_puts(&b, "abc"), EP_OK);
	assert_int_equal(ep_buf_reserve(&b, 998), EP_E_LIMIT);
	assert_int_equal(ep_buf_reserve(&b, 997), EP_OK);
	assert_int_equal(ep_buf_reserve(&b, SIZE_MAX - 1), EP_E_LIMIT);
	assert_string_equal(ep_buf_str(&b), "abc");
	ep_buf_release(&b);
}

static void test_printf(void **state)
{
	(void)state;
	ep_buf b;
	ep_buf_init(&b, 0);
	assert_int_equal(ep_buf_printf(&b, "%d-%s-%c", 42, "x", 'z'), EP_OK);
	assert_string_equal(ep_buf_str(&b), "42-x-z");
	assert_int_equal(ep_buf_printf(&b, "%s", ""), EP_OK);
	assert_int_equal(ep_buf_printf(&b, "|%05lld", (long long)-7), EP_OK);
	assert_string_equal(ep_buf_str(&b), "42-x-z|-0007");
	assert_int_equal(b.len, strlen("42-x-z|-0007"));
	ep_buf_release(&b);
}

static void test_printf_growth(void **state)
{
	(void)state;
	ep_buf b;
	ep_buf_init(&b, 0);
	/* Each printf is longer than the first allocation, and many follow one another. */
	char big[300];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	for (int i = 0; i < 100; i++)
		assert_int_equal(ep_buf_printf(&b, "%d:%s;", i, big), EP_OK);
	size_t expect = 0;
	for (int i = 0; i < 100; i++)
		expect += (size_t)snprintf(NULL, 0, "%d", i) + 1 + 299 + 1;
	assert_int_equal(b.len, expect);
	assert_int_equal(strlen(b.data), expect);
	assert_memory_equal(b.data, "0:xxx", 5);
	assert_string_equal(b.data + b.len - 5, "xxxx;");
	ep_buf_release(&b);
}

static void test_printf_cap(void **state)
{
	(void)state;
	ep_buf b;
	ep_buf_init(&b, 8);
	assert_int_equal(ep_buf_printf(&b, "%s", "abcd"), EP_OK);
	assert_int_equal(ep_buf_printf(&b, "%d", 123456), EP_E_LIMIT);
	assert_int_equal(b.len, 4);
	assert_string_equal(ep_buf_str(&b), "abcd");
	assert_int_equal(ep_buf_printf(&b, "%d", 1234), EP_OK);
	assert_string_equal(ep_buf_str(&b), "abcd1234");
	ep_buf_release(&b);
}

static ep_status call_vprintf(ep_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static ep_status call_vprintf(ep_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	ep_status s = ep_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return s;
}

static void test_vprintf(void **state)
{
	(void)state;
	ep_buf b;
	ep_buf_init(&b, 0);
	assert_int_equal(call_vprintf(&b, "%s=%u", "n", 7u), EP_OK);
	assert_string_equal(ep_buf_str(&b), "n=7");
	ep_buf_release(&b);
}

static void test_reset_keeps_memory(void **state)
{
	(void)state;
	ep_buf b;
	ep_buf_init(&b, 0);
	assert_int_equal(ep_buf_puts(&b, "hello world"), EP_OK);
	char *data = b.data;
	size_t cap = b.cap;
	ep_buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(ep_buf_str(&b), "");
	assert_ptr_equal(b.data, data);
	assert_int_equal(b.cap, cap);
	assert_int_equal(ep_buf_puts(&b, "again"), EP_OK);
	assert_string_equal(ep_buf_str(&b), "again");
	ep_buf_release(&b);

	/* Reset of a buffer that never held anything. */
	ep_buf_init(&b, 0);
	ep_buf_reset(&b);
	assert_string_equal(ep_buf_str(&b), "");
	ep_buf_release(&b);
}

static void test_release_then_reuse(void **state)
{
	(void)state;
	ep_buf b;
	ep_buf_init(&b, 16);
	assert_int_equal(ep_buf_puts(&b, "abc"), EP_OK);
	ep_buf_release(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_string_equal(ep_buf_str(&b), "");
	/* Usable again, with the same cap. */
	assert_int_equal(ep_buf_puts(&b, "0123456789abcdef"), EP_OK);
	assert_int_equal(ep_buf_putc(&b, 'x'), EP_E_LIMIT);
	ep_buf_release(&b);
	ep_buf_release(&b); /* twice is harmless */
}

static void test_detach(void **state)
{
	(void)state;
	ep_buf b;
	ep_buf_init(&b, 0);
	assert_int_equal(ep_buf_puts(&b, "owned by the caller"), EP_OK);
	size_t len = 0;
	char *s = ep_buf_detach(&b, &len);
	assert_non_null(s);
	assert_int_equal(len, strlen("owned by the caller"));
	assert_string_equal(s, "owned by the caller");
	/* The buffer is empty and usable again. */
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_string_equal(ep_buf_str(&b), "");
	assert_int_equal(ep_buf_puts(&b, "next"), EP_OK);
	assert_string_equal(ep_buf_str(&b), "next");
	free(s);

	/* len may be NULL. */
	s = ep_buf_detach(&b, NULL);
	assert_string_equal(s, "next");
	free(s);
	ep_buf_release(&b);
}

static void test_detach_empty(void **state)
{
	(void)state;
	ep_buf b;
	ep_buf_init(&b, 0);
	size_t len = 99;
	char *s = ep_buf_detach(&b, &len);
	assert_non_null(s);
	assert_string_equal(s, "");
	assert_int_equal(len, 0);
	free(s);

	/* Emptied by a reset, then detached: "" with length 0. */
	assert_int_equal(ep_buf_puts(&b, "gone"), EP_OK);
	ep_buf_reset(&b);
	s = ep_buf_detach(&b, &len);
	assert_string_equal(s, "");
	assert_int_equal(len, 0);
	free(s);
	ep_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_empty),
		cmocka_unit_test(test_append_puts_putc),
		cmocka_unit_test(test_binary_content),
		cmocka_unit_test(test_growth_keeps_content),
		cmocka_unit_test(test_cap_exact_fits),
		cmocka_unit_test(test_cap_past_max_fails_unchanged),
		cmocka_unit_test(test_cap_on_empty_buffer),
		cmocka_unit_test(test_cap_large),
		cmocka_unit_test(test_reserve),
		cmocka_unit_test(test_printf),
		cmocka_unit_test(test_printf_growth),
		cmocka_unit_test(test_printf_cap),
		cmocka_unit_test(test_vprintf),
		cmocka_unit_test(test_reset_keeps_memory),
		cmocka_unit_test(test_release_then_reuse),
		cmocka_unit_test(test_detach),
		cmocka_unit_test(test_detach_empty),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
