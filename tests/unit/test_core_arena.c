/*
 * Unit tests of the region allocator (core/arena.h): alignment, zeroing, many small and one
 * large allocation, the cap, string helpers, and cleanups that run newest first on free.
 */
#include "testutil.h"

#include <stdalign.h>

#include "core/arena.h"

#ifdef __SANITIZE_ADDRESS__
/* Impossible sizes must come back as NULL, as they do from malloc outside AddressSanitizer,
 * instead of aborting the test. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "allocator_may_return_null=1";
}
#endif

#define ALIGN_OK(p) (((uintptr_t)(p) % alignof(max_align_t)) == 0)

static void test_new_free(void **state)
{
	(void)state;
	ep_arena *a = ep_arena_new(0);
	assert_non_null(a);
	assert_int_equal(ep_arena_used(a), 0);
	ep_arena_free(a);
	ep_arena_free(NULL); /* allowed */
}

static void test_alignment(void **state)
{
	(void)state;
	ep_arena *a = ep_arena_new(0);
	for (size_t n = 0; n < 200; n++) {
		void *p = ep_arena_alloc(a, n);
		assert_non_null(p);
		if (!ALIGN_OK(p))
			fail_msg("allocation of %zu bytes at %p is not aligned", n, p);
	}
	/* Odd sizes interleaved with types that need the strictest alignment. */
	for (int i = 0; i < 50; i++) {
		char *c = ep_arena_alloc(a, 1);
		long double *ld = ep_arena_alloc(a, sizeof *ld);
		int64_t *i64 = ep_arena_array(a, 3, sizeof *i64);
		assert_non_null(c);
		assert_true(ALIGN_OK(ld));
		assert_true(ALIGN_OK(i64));
		*ld = 1.5L;
		i64[2] = INT64_MAX;
	}
	ep_arena_free(a);
}

static void test_zeroed(void **state)
{
	(void)state;
	ep_arena *a = ep_arena_new(0);
	for (size_t n = 1; n < 300; n += 7) {
		unsigned char *p = ep_arena_alloc(a, n);
		assert_non_null(p);
		for (size_t i = 0; i < n; i++)
			assert_int_equal(p[i], 0);
		memset(p, 0xAB, n); /* dirty it for the next round */
	}
	unsigned char *big = ep_arena_alloc(a, 100000);
	assert_non_null(big);
	for (size_t i = 0; i < 100000; i++)
		if (big[i])
			fail_msg("byte %zu of a large allocation is not zero", i);
	ep_arena_free(a);
}

static void test_zero_size_distinct(void **state)
{
	(void)state;
	ep_arena *a = ep_arena_new(0);
	void *p = ep_arena_alloc(a, 0);
	void *q = ep_arena_alloc(a, 0);
	assert_non_null(p);
	assert_non_null(q);
	assert_ptr_not_equal(p, q);
	ep_arena_free(a);
}

static void test_many_small(void **state)
{
	(void)state;
	ep_arena *a = ep_arena_new(0);
	enum { N = 100000 };
	uint32_t **ptrs = calloc(N, sizeof *ptrs);
	assert_non_null(ptrs);
	for (uint32_t i = 0; i < N; i++) {
		size_t words = 1 + i % 7;
		ptrs[i] = ep_arena_array(a, words, sizeof(uint32_t));
		assert_non_null(ptrs[i]);
		for (size_t k = 0; k < words; k++)
			ptrs[i][k] = i * 7 + (uint32_t)k;
	}
	/* Nothing overwrote anything else. */
	for (uint32_t i = 0; i < N; i++) {
		size_t words = 1 + i % 7;
		for (size_t k = 0; k < words; k++)
			if (ptrs[i][k] != i * 7 + (uint32_t)k)
				fail_msg("allocation %u word %zu was overwritten", i, k);
	}
	assert_true(ep_arena_used(a) >= (size_t)N * sizeof(uint32_t));
	free(ptrs);
	ep_arena_free(a);
}

static void test_large_then_small(void **state)
{
	(void)state;
	ep_arena *a = ep_arena_new(0);
	char *s1 = ep_arena_strdup(a, "before");
	size_t big_n = 5u << 20;
	unsigned char *big = ep_arena_alloc(a, big_n);
	assert_non_null(big);
	assert_true(ALIGN_OK(big));
	memset(big, 0x5A, big_n);
	/* Small allocations after a large one still work and do not overlap it. */
	char *s2 = ep_arena_strdup(a, "after");
	assert_non_null(s2);
	assert_true((unsigned char *)s2 + 6 <= big || (unsigned char *)s2 >= big + big_n);
	assert_string_equal(s1, "before");
	assert_string_equal(s2, "after");
	for (int i = 0; i < 1000; i++)
		assert_non_null(ep_arena_strdup(a, "more small strings"));
	assert_int_equal(big[0], 0x5A);
	assert_int_equal(big[big_n - 1], 0x5A);
	assert_true(ep_arena_used(a) >= big_n);
	ep_arena_free(a);
}

static void test_used_grows(void **state)
{
	(void)state;
	ep_arena *a = ep_arena_new(0);
	size_t before = ep_arena_used(a);
	assert_non_null(ep_arena_alloc(a, 10));
	size_t after = ep_arena_used(a);
	assert_true(after >= before + 10);
	assert_non_null(ep_arena_alloc(a, 1000));
	assert_true(ep_arena_used(a) >= after + 1000);
	ep_arena_free(a);
}

static void test_cap(void **state)
{
	(void)state;
	ep_arena *a = ep_arena_new(1024);
	assert_non_null(ep_arena_alloc(a, 512));
	assert_non_null(ep_arena_alloc(a, 256));
	/* Over what is left: refused, and the arena stays usable. */
	assert_null(ep_arena_alloc(a, 1024));
	assert_null(ep_arena_alloc(a, 300));
	assert_true(ep_arena_used(a) <= 1024);
	/* Filling to the cap with small pieces works, then nothing more fits. */
	size_t got = 0;
	while (ep_arena_alloc(a, 16))
		got++;
	assert_true(got > 0);
	assert_true(ep_arena_used(a) <= 1024);
	assert_null(ep_arena_alloc(a, 1));
	assert_null(ep_arena_strdup(a, "x"));
	assert_null(ep_arena_printf(a, "%d", 1));
	ep_arena_free(a);
}

static void test_cap_single_too_big(void **state)
{
	(void)state;
	ep_arena *a = ep_arena_new(4096);
	assert_null(ep_arena_alloc(a, 4097));
	assert_null(ep_arena_alloc(a, SIZE_MAX));
	assert_null(ep_arena_alloc(a, SIZE_MAX - 8));
	assert_int_equal(ep_arena_used(a), 0);
	assert_non_null(ep_arena_alloc(a, 4096));
	assert_null(ep_arena_alloc(a, 1));
	ep_arena_free(a);
}

static void test_no_cap_huge_fails(void **state)
{
	(void)state;
	ep_arena *a = ep_arena_new(0);
	/* Sizes that cannot be rounded up or allocated give NULL rather than wrapping. */
	assert_null(ep_arena_alloc(a, SIZE_MAX));
	assert_null(ep_arena_alloc(a, SIZE_MAX - 1));
	/* Just under SIZE_MAX: the block header must not wrap the size of the block around. */
	for (size_t k = 16; k <= 48; k += 8)
		assert_null(ep_arena_alloc(a, SIZE_MAX - k));
	/* Sizes malloc cannot give: NULL too. */
	assert_null(ep_arena_alloc(a, SIZE_MAX / 2));
	assert_null(ep_arena_array(a, SIZE_MAX / 16, 16));
	assert_non_null(ep_arena_alloc(a, 1));
	ep_arena_free(a);
}

static void test_array(void **state)
{
	(void)state;
	ep_arena *a = ep_arena_new(0);
	int64_t *v = ep_arena_array(a, 100, sizeof *v);
	assert_non_null(v);
	for (int i = 0; i < 100; i++) {
		assert_int_equal(v[i], 0);
		v[i] = i;
	}
	assert_int_equal(v[99], 99);
	/* n * sz overflowing size_t is refused. */
	assert_null(ep_arena_array(a, SIZE_MAX / 2 + 1, 2));
	assert_null(ep_arena_array(a, SIZE_MAX, SIZE_MAX));
	assert_null(ep_arena_array(a, (SIZE_MAX / 8) + 1, 8));
	/* Empty arrays are allowed. */
	assert_non_null(ep_arena_array(a, 0, 8));
	assert_non_null(ep_arena_array(a, 8, 0));
	ep_arena_free(a);
}

static void test_strdup(void **state)
{
	(void)state;
	ep_arena *a = ep_arena_new(0);
	char src[] = "copy me";
	char *d = ep_arena_strdup(a, src);
	assert_non_null(d);
	assert_ptr_not_equal(d, src);
	assert_string_equal(d, "copy me");
	src[0] = 'X'; /* a copy, not the same memory */
	assert_string_equal(d, "copy me");
	char *e = ep_arena_strdup(a, "");
	assert_non_null(e);
	assert_string_equal(e, "");
	ep_arena_free(a);
}

static void test_strndup(void **state)
{
	(void)state;
	ep_arena *a = ep_arena_new(0);
	const char *text = "hello world";
	char *d = ep_arena_strndup(a, text + 6, 5);
	assert_string_equal(d, "world");
	d = ep_arena_strndup(a, text, 5);
	assert_string_equal(d, "hello");
	assert_int_equal(strlen(d), 5);
	d = ep_arena_strndup(a, text, 0);
	assert_string_equal(d, "");
	assert_null(ep_arena_strndup(a, text, SIZE_MAX));
	ep_arena_free(a);
}

static void test_printf(void **state)
{
	(void)state;
	ep_arena *a = ep_arena_new(0);
	char *s = ep_arena_printf(a, "%s/%d/%05.1f", "oap", 12, 2.25);
	assert_non_null(s);
	assert_string_equal(s, "oap/12/002.2");
	s = ep_arena_printf(a, "%s", "");
	assert_string_equal(s, "");
	/* Longer than a block. */
	char big[20000];
	memset(big, 'z', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	s = ep_arena_printf(a, "<%s>", big);
	assert_non_null(s);
	assert_int_equal(strlen(s), sizeof big + 1);
	assert_int_equal(s[0], '<');
	assert_int_equal(s[sizeof big], '>');
	ep_arena_free(a);
}

/* Cleanups record the order in which they run. */
struct trace {
	int order[16];
	int n;
};

struct tag {
	struct trace *t;
	int id;
};

static void record(void *arg)
{
	struct tag *g = arg;
	g->t->order[g->t->n++] = g->id;
}

static void test_cleanups_newest_first(void **state)
{
	(void)state;
	struct trace t = {{0}, 0};
	struct tag tags[5];
	ep_arena *a = ep_arena_new(0);
	for (int i = 0; i < 5; i++) {
		tags[i] = (struct tag){&t, i + 1};
		assert_int_equal(ep_arena_defer(a, record, &tags[i]), 0);
		/* Allocations between registrations change nothing. */
		assert_non_null(ep_arena_alloc(a, 3000));
	}
	assert_int_equal(t.n, 0); /* nothing runs before the free */
	ep_arena_free(a);
	assert_int_equal(t.n, 5);
	for (int i = 0; i < 5; i++)
		assert_int_equal(t.order[i], 5 - i);
}

static int freed_count;

static void free_and_count(void *arg)
{
	free(arg);
	freed_count++;
}

static void test_cleanup_frees_resource(void **state)
{
	(void)state;
	freed_count = 0;
	ep_arena *a = ep_arena_new(0);
	for (int i = 0; i < 3; i++) {
		void *res = malloc(32);
		assert_non_null(res);
		assert_int_equal(ep_arena_defer(a, free_and_count, res), 0);
	}
	ep_arena_free(a);
	assert_int_equal(freed_count, 3); /* and the sanitizer build sees no leak */
}

/* A cleanup may still read arena memory: blocks go after every cleanup has run. */
static void check_arena_string(void *arg)
{
	const char *s = arg;
	if (strcmp(s, "still here") == 0)
		freed_count++;
}

static void test_cleanup_sees_arena_memory(void **state)
{
	(void)state;
	freed_count = 0;
	ep_arena *a = ep_arena_new(0);
	char *s = ep_arena_strdup(a, "still here");
	assert_int_equal(ep_arena_defer(a, check_arena_string, s), 0);
	for (int i = 0; i < 10; i++)
		assert_non_null(ep_arena_alloc(a, 10000)); /* more blocks */
	ep_arena_free(a);
	assert_int_equal(freed_count, 1);
}

static void test_defer_over_cap(void **state)
{
	(void)state;
	ep_arena *a = ep_arena_new(64);
	assert_non_null(ep_arena_alloc(a, 64));
	struct trace t = {{0}, 0};
	struct tag g = {&t, 1};
	assert_int_equal(ep_arena_defer(a, record, &g), -1);
	ep_arena_free(a);
	assert_int_equal(t.n, 0); /* a refused registration never runs */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_free),
		cmocka_unit_test(test_alignment),
		cmocka_unit_test(test_zeroed),
		cmocka_unit_test(test_zero_size_distinct),
		cmocka_unit_test(test_many_small),
		cmocka_unit_test(test_large_then_small),
		cmocka_unit_test(test_used_grows),
		cmocka_unit_test(test_cap),
		cmocka_unit_test(test_cap_single_too_big),
		cmocka_unit_test(test_no_cap_huge_fails),
		cmocka_unit_test(test_array),
		cmocka_unit_test(test_strdup),
		cmocka_unit_test(test_strndup),
		cmocka_unit_test(test_printf),
		cmocka_unit_test(test_cleanups_newest_first),
		cmocka_unit_test(test_cleanup_frees_resource),
		cmocka_unit_test(test_cleanup_sees_arena_memory),
		cmocka_unit_test(test_defer_over_cap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
