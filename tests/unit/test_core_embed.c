/*
 * Unit tests of the embedded files (core/embed.h): the table ends with a NULL name, every entry
 * is found by its exact name and is NUL-terminated after its length, and the migrations and
 * datasets of the source tree are all there.
 */
#include "testutil.h"

#include "core/embed.h"

static void test_table_entries(void **state)
{
	(void)state;
	size_t n = 0;
	for (const ep_embedded *e = ep_embedded_files; e->name; e++, n++) {
		assert_non_null(e->data);
		assert_true(e->len > 0);
		if (e->data[e->len] != '\0')
			fail_msg("%s is not NUL-terminated after its %zu bytes", e->name, e->len);
		/* Found by its name, and it is this very entry. */
		assert_ptr_equal(ep_embedded_find(e->name), e);
		/* Names are unique. */
		for (const ep_embedded *f = e + 1; f->name; f++)
			assert_string_not_equal(e->name, f->name);
	}
	assert_true(n > 0);
}

static void test_sources_present(void **state)
{
	(void)state;
	/* The migrations come in order from 0001, and the datasets are JSON. */
	bool first_migration = false, dataset = false;
	for (const ep_embedded *e = ep_embedded_files; e->name; e++) {
		if (strncmp(e->name, "migrations/0001_", 16) == 0) {
			first_migration = true;
			assert_non_null(strstr((const char *)e->data, "CREATE TABLE"));
		}
		if (strncmp(e->name, "data/", 5) == 0 && strstr(e->name, ".json")) {
			dataset = true;
			const char *p = (const char *)e->data;
			p += strspn(p, " \t\r\n");
			assert_true(*p == '{' || *p == '[');
		}
		/* Migrations and datasets are text: no NUL before the end. */
		if (strncmp(e->name, "migrations/", 11) == 0 || strncmp(e->name, "data/", 5) == 0)
			assert_int_equal(strlen((const char *)e->data), e->len);
	}
	assert_true(first_migration);
	assert_true(dataset);
}

static void test_find_missing(void **state)
{
	(void)state;
	assert_null(ep_embedded_find(""));
	assert_null(ep_embedded_find("no/such/file"));
	assert_null(ep_embedded_find("migrations/"));
	assert_null(ep_embedded_find("migrations/0001"));
	assert_null(ep_embedded_find("MIGRATIONS/0001_domain.sql"));
	/* Exact names only: no prefix or suffix matches. */
	const ep_embedded *e = &ep_embedded_files[0];
	char name[1024];
	snprintf(name, sizeof name, "%s/", e->name);
	assert_null(ep_embedded_find(name));
	snprintf(name, sizeof name, "./%s", e->name);
	assert_null(ep_embedded_find(name));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_entries),
		cmocka_unit_test(test_sources_present),
		cmocka_unit_test(test_find_missing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
