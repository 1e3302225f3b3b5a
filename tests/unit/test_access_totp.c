/*
 * Unit tests of TOTP (access/totp.h): the 18 test vectors of RFC 6238 Appendix B (SHA-1,
 * SHA-256, SHA-512, 8 digits), new secrets, the login check (drift window, replay refusal,
 * malformed codes, a broken stored secret) and the otpauth:// URI.
 */
#include "testutil.h"

#include <time.h>

#include "access/totp.h"

/* "12345678901234567890" in base32. */
#define RFC_SECRET_B32 "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

static void test_rfc6238_vectors(void **state)
{
	(void)state;
	static const char seed20[] = "12345678901234567890";
	static const char seed32[] = "12345678901234567890123456789012";
	static const char seed64[] = "1234567890123456789012345678901234567890123456789012345678901234";
	static const struct {
		long long t;
		const char *sha1, *sha256, *sha512;
	} v[] = {
		{59LL, "94287082", "46119246", "90693936"},
		{1111111109LL, "07081804", "68084774", "25091201"},
		{1111111111LL, "14050471", "67062674", "99943326"},
		{1234567890LL, "89005924", "91819424", "93441116"},
		{2000000000LL, "69279037", "90698825", "38618901"},
		{20000000000LL, "65353130", "77737706", "47863826"},
	};
	int checked = 0;
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		char out[9];
		ep_err err;
		time_t t = (time_t)v[i].t;
		assert_int_equal(ep_totp_code((const unsigned char *)seed20, 20, t, 8, EP_TOTP_SHA1, out, &err), EP_OK);
		assert_string_equal(out, v[i].sha1);
		checked++;
		assert_int_equal(ep_totp_code((const unsigned char *)seed32, 32, t, 8, EP_TOTP_SHA256, out, &err), EP_OK);
		assert_string_equal(out, v[i].sha256);
		checked++;
		assert_int_equal(ep_totp_code((const unsigned char *)seed64, 64, t, 8, EP_TOTP_SHA512, out, &err), EP_OK);
		assert_string_equal(out, v[i].sha512);
		checked++;
	}
	assert_int_equal(checked, 18);
}

static void test_code_digits(void **state)
{
	(void)state;
	char out[9];
	ep_err err;
	const unsigned char *seed = (const unsigned char *)"12345678901234567890";
	assert_int_equal(ep_totp_code(seed, 20, 59, 6, EP_TOTP_SHA1, out, &err), EP_OK);
	assert_string_equal(out, "287082"); /* the last six of 94287082 */
	assert_int_equal(ep_totp_code(seed, 20, 59, 7, EP_TOTP_SHA1, out, &err), EP_OK);
	assert_string_equal(out, "4287082");
	assert_int_equal(ep_totp_code(seed, 20, 59, 5, EP_TOTP_SHA1, out, &err), EP_E_INVALID);
	assert_string_equal(out, "");
	assert_int_equal(ep_totp_code(seed, 20, 59, 9, EP_TOTP_SHA1, out, &err), EP_E_INVALID);
	assert_int_equal(ep_totp_code(seed, 20, -1, 6, EP_TOTP_SHA1, out, &err), EP_E_INVALID);
	assert_int_equal(ep_totp_code(seed, 20, 59, 6, (ep_totp_algo)7, out, &err), EP_E_INVALID);
}

/* RFC 4648 base32 without padding, written here so that the test does not check liboath with
 * liboath. Returns the bytes decoded, or -1. */
static int b32_decode(const char *s, unsigned char *out, size_t n)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	unsigned buf = 0, bits = 0;
	size_t k = 0;
	for (; *s; s++) {
		const char *p = strchr(alphabet, *s);
		if (!p)
			return -1;
		buf = (buf << 5) | (unsigned)(p - alphabet);
		bits += 5;
		if (bits >= 8) {
			if (k == n)
				return -1;
			out[k++] = (unsigned char)(buf >> (bits - 8));
			bits -= 8;
			buf &= (1u << bits) - 1;
		}
	}
	return (int)k;
}

static void test_secret_new(void **state)
{
	(void)state;
	ep_err err;
	assert_int_equal(ep_totp_init(&err), EP_OK);
	assert_int_equal(ep_totp_init(&err), EP_OK); /* idempotent */
	char a[EP_TOTP_SECRET_B32], b[EP_TOTP_SECRET_B32];
	assert_int_equal(ep_totp_secret_new(a, &err), EP_OK);
	assert_int_equal(ep_totp_secret_new(b, &err), EP_OK);
	assert_int_equal(strlen(a), 32);
	assert_string_not_equal(a, b);
	for (size_t i = 0; a[i]; i++)
		assert_non_null(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", a[i]));
	/* It decodes to 20 bytes, and the check accepts the code of those bytes. */
	unsigned char raw[EP_TOTP_SECRET_BYTES];
	assert_int_equal(b32_decode(a, raw, sizeof raw), EP_TOTP_SECRET_BYTES);
	char c[9];
	assert_int_equal(ep_totp_code(raw, sizeof raw, 1700000000, 6, EP_TOTP_SHA1, c, &err), EP_OK);
	int64_t step = 0;
	assert_int_equal(ep_totp_check(a, c, 1700000000, -1, &step, &err), EP_OK);
	assert_int_equal(step, 1700000000 / 30);
}

/* The 6-digit code of the RFC secret at time t. */
static void code_at(time_t t, char out[9])
{
	ep_err err;
	assert_int_equal(ep_totp_code((const unsigned char *)"12345678901234567890", 20, t, 6, EP_TOTP_SHA1, out, &err),
			 EP_OK);
}

static void test_check_window(void **state)
{
	(void)state;
	const time_t now = 1700000015; /* step 56666667 */
	const int64_t cur = 1700000015 / 30;
	char c[9];
	int64_t step = 0;
	ep_err err;

	code_at(now, c);
	assert_int_equal(ep_totp_check(RFC_SECRET_B32, c, now, 0, &step, &err), EP_OK);
	assert_int_equal(step, cur);
	code_at(now - 30, c); /* the phone's clock is behind */
	assert_int_equal(ep_totp_check(RFC_SECRET_B32, c, now, 0, &step, &err), EP_OK);
	assert_int_equal(step, cur - 1);
	code_at(now + 30, c); /* ahead */
	assert_int_equal(ep_totp_check(RFC_SECRET_B32, c, now, 0, &step, &err), EP_OK);
	assert_int_equal(step, cur + 1);

	/* Two steps away is too far. */
	code_at(now - 60, c);
	step = -7;
	assert_int_equal(ep_totp_check(RFC_SECRET_B32, c, now, 0, &step, &err), EP_E_INVALID);
	assert_string_equal(err.field, "totp");
	assert_string_equal(err.msg, "the code is wrong or already used");
	assert_int_equal(step, -7);
	code_at(now + 60, c);
	assert_int_equal(ep_totp_check(RFC_SECRET_B32, c, now, 0, &step, &err), EP_E_INVALID);

	/* Lowercase base32 is the same secret. */
	code_at(now, c);
	char lower[] = RFC_SECRET_B32;
	for (char *p = lower; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	assert_int_equal(ep_totp_check(lower, c, now, 0, &step, &err), EP_OK);
}

static void test_check_wrong(void **state)
{
	(void)state;
	const time_t now = 1700000015;
	char c[9];
	int64_t step;
	ep_err err;
	code_at(now, c);
	c[5] = c[5] == '9' ? '0' : (char)(c[5] + 1);
	assert_int_equal(ep_totp_check(RFC_SECRET_B32, c, now, 0, &step, &err), EP_E_INVALID);
	assert_string_equal(err.msg, "the code is wrong or already used");
	/* The right code for another secret. */
	code_at(now, c);
	assert_int_equal(ep_totp_check("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", c, now, 0, &step, &err), EP_E_INVALID);
}

static void test_check_replay(void **state)
{
	(void)state;
	const time_t now = 1700000015;
	const int64_t cur = 1700000015 / 30;
	char c[9];
	int64_t step = 0;
	ep_err err;
	code_at(now, c);
	assert_int_equal(ep_totp_check(RFC_SECRET_B32, c, now, cur - 1, &step, &err), EP_OK);
	assert_int_equal(step, cur);
	/* The same code again, now that cur is the last step used: a replay. */
	assert_int_equal(ep_totp_check(RFC_SECRET_B32, c, now, step, &step, &err), EP_E_INVALID);
	assert_string_equal(err.msg, "the code is wrong or already used");
	/* Also a few seconds later, still in the window. */
	assert_int_equal(ep_totp_check(RFC_SECRET_B32, c, now + 20, cur, &step, &err), EP_E_INVALID);
	/* An older code than the last one used is refused too. */
	code_at(now - 30, c);
	assert_int_equal(ep_totp_check(RFC_SECRET_B32, c, now, cur, &step, &err), EP_E_INVALID);
	/* The next step's code is fine. */
	code_at(now + 30, c);
	assert_int_equal(ep_totp_check(RFC_SECRET_B32, c, now + 30, cur, &step, &err), EP_OK);
	assert_int_equal(step, cur + 1);
}

static void test_check_malformed(void **state)
{
	(void)state;
	const char *bad[] = {"", "12345", "1234567", "12345a", " 123456", "123456 ", "12 456", "+12345", "-12345",
			     "\xef\xbc\x91\xef\xbc\x92\xef\xbc\x93\xef\xbc\x94\xef\xbc\x95\xef\xbc\x96", NULL};
	int64_t step;
	ep_err err;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		memset(&err, 0, sizeof err);
		assert_int_equal(ep_totp_check(RFC_SECRET_B32, bad[i], 1700000015, 0, &step, &err), EP_E_INVALID);
		assert_string_equal(err.field, "totp");
		assert_non_null(strstr(err.msg, "6 digits"));
	}
	/* A broken stored secret is empact's fault, not the user's. */
	assert_int_equal(ep_totp_check("not base32!", "123456", 1700000015, 0, &step, &err), EP_E_INTERNAL);
	assert_int_equal(ep_totp_check("GEZDGNBV", "123456", 1700000015, 0, &step, &err), EP_E_INTERNAL);
	assert_int_equal(ep_totp_check(NULL, "123456", 1700000015, 0, &step, &err), EP_E_INTERNAL);
}

static void test_uri(void **state)
{
	(void)state;
	char out[512];
	ep_err err;
	assert_int_equal(ep_totp_uri("empact", "alice", RFC_SECRET_B32, out, sizeof out, &err), EP_OK);
	assert_string_equal(out, "otpauth://totp/empact:alice?secret=" RFC_SECRET_B32
				 "&issuer=empact&algorithm=SHA1&digits=6&period=30");
	assert_int_equal(ep_totp_uri("EU Agency & Co", "m.dupont@example.org", "ABC", out, sizeof out, &err), EP_OK);
	assert_string_equal(out, "otpauth://totp/EU%20Agency%20%26%20Co:m.dupont%40example.org?secret=ABC"
				 "&issuer=EU%20Agency%20%26%20Co&algorithm=SHA1&digits=6&period=30");
	assert_int_equal(ep_totp_uri(NULL, "Ren\xc3\xa9:x?y", "ABC", out, sizeof out, &err), EP_OK);
	assert_string_equal(out, "otpauth://totp/empact:Ren%C3%A9%3Ax%3Fy?secret=ABC"
				 "&issuer=empact&algorithm=SHA1&digits=6&period=30");

	/* Exactly fitting, and one byte short. */
	size_t need = strlen("otpauth://totp/empact:alice?secret=ABC&issuer=empact&algorithm=SHA1&digits=6&period=30");
	assert_int_equal(ep_totp_uri("empact", "alice", "ABC", out, need + 1, &err), EP_OK);
	assert_int_equal(ep_totp_uri("empact", "alice", "ABC", out, need, &err), EP_E_LIMIT);
	assert_string_equal(out, "");
	assert_int_equal(ep_totp_uri("empact", "alice", "ABC", out, 0, &err), EP_E_LIMIT);
	assert_int_equal(ep_totp_uri("empact", "", "ABC", out, sizeof out, &err), EP_E_INVALID);
	assert_int_equal(ep_totp_uri("empact", "alice", "", out, sizeof out, &err), EP_E_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc6238_vectors),
		cmocka_unit_test(test_code_digits),
		cmocka_unit_test(test_secret_new),
		cmocka_unit_test(test_check_window),
		cmocka_unit_test(test_check_wrong),
		cmocka_unit_test(test_check_replay),
		cmocka_unit_test(test_check_malformed),
		cmocka_unit_test(test_uri),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
