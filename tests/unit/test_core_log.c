/*
 * Unit tests of the diagnostics log (core/log.h): level names and parsing, filtering by level,
 * the line format (UTC time, level, request id, message, one newline), the per-thread request
 * id, and truncation of over-long lines. Standard error is redirected to a temporary file
 * while a test logs.
 */
#include "testutil.h"

#include <pthread.h>

#include "core/log.h"
#include "core/time.h"

static int saved_fd = -1;
static FILE *capture_file;

static void capture_begin(void)
{
	fflush(stderr);
	capture_file = tmpfile();
	assert_non_null(capture_file);
	saved_fd = dup(STDERR_FILENO);
	assert_true(saved_fd >= 0);
	assert_true(dup2(fileno(capture_file), STDERR_FILENO) >= 0);
}

/* Restores standard error and returns what was written (free() it). */
static char *capture_end(size_t *len)
{
	fflush(stderr);
	dup2(saved_fd, STDERR_FILENO);
	close(saved_fd);
	saved_fd = -1;
	/* The log writes with write(2), behind the FILE's back: find the end from the file. */
	fseek(capture_file, 0, SEEK_END);
	long n = ftell(capture_file);
	assert_true(n >= 0);
	rewind(capture_file);
	char *s = malloc((size_t)n + 1);
	assert_non_null(s);
	size_t got = fread(s, 1, (size_t)n, capture_file);
	s[got] = '\0';
	fclose(capture_file);
	capture_file = NULL;
	if (len)
		*len = got;
	return s;
}

static size_t count_lines(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static int reset_level(void **state)
{
	(void)state;
	/* A test that failed while capturing gets standard error back. */
	if (saved_fd >= 0) {
		dup2(saved_fd, STDERR_FILENO);
		close(saved_fd);
		saved_fd = -1;
	}
	if (capture_file) {
		fclose(capture_file);
		capture_file = NULL;
	}
	ep_log_set_level(EP_LOG_INFO);
	ep_log_set_request_id(NULL);
	return 0;
}

static void test_default_level(void **state)
{
	(void)state;
	/* Runs first, before any test sets a level. */
	assert_int_equal(ep_log_get_level(), EP_LOG_INFO);
}

static void test_level_names(void **state)
{
	(void)state;
	const char *names[] = {"debug", "info", "warn", "error", "off"};
	for (int i = EP_LOG_DEBUG; i <= EP_LOG_OFF; i++) {
		assert_string_equal(ep_log_level_name((ep_log_level)i), names[i]);
		ep_log_level l = (ep_log_level)-1;
		assert_int_equal(ep_log_level_parse(names[i], &l), 0);
		assert_int_equal(l, i);
	}
	assert_string_equal(ep_log_level_name((ep_log_level)99), "?");
	assert_string_equal(ep_log_level_name((ep_log_level)-1), "?");
	const char *bad[] = {"", "INFO", "Info", "warning", "err", "none", "info ", " debug", "0"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ep_log_level l = EP_LOG_ERROR;
		assert_int_equal(ep_log_level_parse(bad[i], &l), -1);
		assert_int_equal(l, EP_LOG_ERROR);
	}
}

static void test_set_get(void **state)
{
	(void)state;
	for (int i = EP_LOG_DEBUG; i <= EP_LOG_OFF; i++) {
		ep_log_set_level((ep_log_level)i);
		assert_int_equal(ep_log_get_level(), i);
	}
}

static void test_line_format(void **state)
{
	(void)state;
	ep_log_set_level(EP_LOG_DEBUG);
	int64_t before = ep_time_now();
	capture_begin();
	ep_log(EP_LOG_INFO, "loaded %d rows from %s", 42, "seed.json");
	char *out = capture_end(NULL);
	int64_t after = ep_time_now();
	/* "YYYY-MM-DDTHH:MM:SSZ info  loaded 42 rows from seed.json\n" */
	assert_int_equal(count_lines(out), 1);
	assert_true(strlen(out) > 21);
	char ts[EP_TIMESTAMP_LEN];
	memcpy(ts, out, EP_TIMESTAMP_LEN - 1);
	ts[EP_TIMESTAMP_LEN - 1] = '\0';
	int64_t t;
	assert_int_equal(ep_time_parse(ts, &t), EP_OK);
	assert_true(t >= before && t <= after);
	assert_string_equal(out + 20, " info  loaded 42 rows from seed.json\n");
	free(out);
}

static void test_levels_named(void **state)
{
	(void)state;
	ep_log_set_level(EP_LOG_DEBUG);
	capture_begin();
	ep_debug("d");
	ep_info("i");
	ep_warn("w");
	ep_error("e");
	char *out = capture_end(NULL);
	assert_int_equal(count_lines(out), 4);
	assert_non_null(strstr(out, "Z debug d\n"));
	assert_non_null(strstr(out, "Z info  i\n"));
	assert_non_null(strstr(out, "Z warn  w\n"));
	assert_non_null(strstr(out, "Z error e\n"));
	/* In the order written. */
	assert_true(strstr(out, " d\n") < strstr(out, " i\n"));
	assert_true(strstr(out, " w\n") < strstr(out, " e\n"));
	free(out);
}

static void test_filtering(void **state)
{
	(void)state;
	ep_log_set_level(EP_LOG_WARN);
	capture_begin();
	ep_debug("hidden debug");
	ep_info("hidden info");
	ep_warn("shown warn");
	ep_error("shown error");
	char *out = capture_end(NULL);
	assert_int_equal(count_lines(out), 2);
	assert_null(strstr(out, "hidden"));
	assert_non_null(strstr(out, "shown warn"));
	assert_non_null(strstr(out, "shown error"));
	free(out);

	ep_log_set_level(EP_LOG_ERROR);
	capture_begin();
	ep_warn("hidden");
	ep_error("shown");
	out = capture_end(NULL);
	assert_int_equal(count_lines(out), 1);
	assert_non_null(strstr(out, "shown"));
	free(out);
}

static void test_off(void **state)
{
	(void)state;
	ep_log_set_level(EP_LOG_OFF);
	capture_begin();
	ep_debug("x");
	ep_info("x");
	ep_warn("x");
	ep_error("x");
	ep_log(EP_LOG_OFF, "x");
	char *out = capture_end(NULL);
	assert_string_equal(out, "");
	free(out);

	/* OFF is not a level a line can have, even when everything is shown. */
	ep_log_set_level(EP_LOG_DEBUG);
	capture_begin();
	ep_log(EP_LOG_OFF, "never");
	out = capture_end(NULL);
	assert_string_equal(out, "");
	free(out);
}

static void test_request_id(void **state)
{
	(void)state;
	ep_log_set_level(EP_LOG_INFO);
	ep_log_set_request_id("r-1234");
	capture_begin();
	ep_info("with id");
	ep_log_set_request_id("");
	ep_info("without id");
	ep_log_set_request_id("r-2");
	ep_log_set_request_id(NULL);
	ep_info("cleared by NULL");
	char *out = capture_end(NULL);
	assert_int_equal(count_lines(out), 3);
	assert_non_null(strstr(out, "Z info  [r-1234] with id\n"));
	assert_non_null(strstr(out, "Z info  without id\n"));
	assert_non_null(strstr(out, "Z info  cleared by NULL\n"));
	free(out);
}

static void test_request_id_copied_and_bounded(void **state)
{
	(void)state;
	char id[200];
	memset(id, 'q', sizeof id - 1);
	id[sizeof id - 1] = '\0';
	ep_log_set_request_id(id);
	memset(id, 'z', sizeof id - 1); /* the log keeps its own copy */
	capture_begin();
	ep_info("m");
	char *out = capture_end(NULL);
	char want[80];
	memset(want, 'q', 63);
	want[63] = '\0';
	char *open = strchr(out, '[');
	assert_non_null(open);
	assert_memory_equal(open + 1, want, 63);
	assert_int_equal(open[64], ']');
	assert_null(strchr(out, 'z'));
	free(out);
}

static void *log_from_thread(void *arg)
{
	(void)arg;
	ep_info("from the other thread");
	ep_log_set_request_id("thread-id");
	ep_info("other thread with its id");
	return NULL;
}

static void test_request_id_per_thread(void **state)
{
	(void)state;
	ep_log_set_request_id("main-id");
	capture_begin();
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, log_from_thread, NULL), 0);
	assert_int_equal(pthread_join(th, NULL), 0);
	ep_info("main again");
	char *out = capture_end(NULL);
	assert_non_null(strstr(out, "Z info  from the other thread\n"));
	assert_non_null(strstr(out, "Z info  [thread-id] other thread with its id\n"));
	assert_non_null(strstr(out, "Z info  [main-id] main again\n"));
	free(out);
}

static void test_long_message_truncated(void **state)
{
	(void)state;
	ep_log_set_level(EP_LOG_INFO);
	size_t n = 10000;
	char *big = malloc(n + 1);
	assert_non_null(big);
	memset(big, 'L', n);
	big[n] = '\0';
	capture_begin();
	ep_info("%s", big);
	ep_info("next");
	size_t len;
	char *out = capture_end(&len);
	/* One bounded line ending in a newline, then the next line intact. */
	assert_int_equal(count_lines(out), 2);
	char *nl = strchr(out, '\n');
	assert_true((size_t)(nl - out) + 1 <= 2047);
	assert_true((size_t)(nl - out) > 2000);
	assert_int_equal(nl[-1], 'L');
	assert_non_null(strstr(nl + 1, " info  next\n"));
	free(out);
	free(big);
}

static void test_message_newline_kept_single(void **state)
{
	(void)state;
	ep_log_set_level(EP_LOG_INFO);
	capture_begin();
	ep_info("%s", "");
	char *out = capture_end(NULL);
	assert_int_equal(count_lines(out), 1);
	assert_string_equal(out + 20, " info  \n");
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_level),
		cmocka_unit_test_teardown(test_level_names, reset_level),
		cmocka_unit_test_teardown(test_set_get, reset_level),
		cmocka_unit_test_teardown(test_line_format, reset_level),
		cmocka_unit_test_teardown(test_levels_named, reset_level),
		cmocka_unit_test_teardown(test_filtering, reset_level),
		cmocka_unit_test_teardown(test_off, reset_level),
		cmocka_unit_test_teardown(test_request_id, reset_level),
		cmocka_unit_test_teardown(test_request_id_copied_and_bounded, reset_level),
		cmocka_unit_test_teardown(test_request_id_per_thread, reset_level),
		cmocka_unit_test_teardown(test_long_message_truncated, reset_level),
		cmocka_unit_test_teardown(test_message_newline_kept_single, reset_level),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
