/*
 * Unit tests of passwords (access/password.h): the cost switch, hashing and verification with
 * the test cost (round trip, wrong password, malformed or foreign hashes, salting), the dummy
 * verification, and each rule of the policy, with passphrases that must pass.
 */
#include "testutil.h"

#include <sodium.h>

#include "access/password.h"

static void use_test_cost(void)
{
	setenv("EMPACT_PASSWORD_COST", "test", 1);
}

static void expect_ok(const char *pw, const char *user, const char *org)
{
	ep_err err;
	ep_status st = ep_password_check_policy(pw, user, org, &err);
	if (st != EP_OK)
		fail_msg("\"%s\" was refused: %s", pw, err.msg);
}

/* Refused with field "password" and a message containing want. */
static void expect_refused(const char *pw, const char *user, const char *org, const char *want)
{
	ep_err err;
	memset(&err, 0, sizeof err);
	ep_status st = ep_password_check_policy(pw, user, org, &err);
	if (st != EP_E_INVALID)
		fail_msg("\"%s\" was accepted (status %d)", pw, (int)st);
	assert_string_equal(err.field, "password");
	if (!strstr(err.msg, want))
		fail_msg("\"%s\": message \"%s\" does not mention \"%s\"", pw, err.msg, want);
}

static void test_cost_default(void **state)
{
	(void)state;
	unsetenv("EMPACT_PASSWORD_COST");
	ep_password_cost c = ep_password_cost_default();
	assert_int_equal(c.opslimit, 2);
	assert_int_equal(c.memlimit, 64u << 20);
	setenv("EMPACT_PASSWORD_COST", "fast", 1);
	c = ep_password_cost_default();
	assert_int_equal(c.memlimit, 64u << 20);
	use_test_cost();
	c = ep_password_cost_default();
	assert_true(c.memlimit < (64u << 20));
	assert_true(c.opslimit >= 1);
}

static void test_hash_verify(void **state)
{
	(void)state;
	use_test_cost();
	ep_password_cost c = ep_password_cost_default();
	char h[EP_PASSWORD_HASH_MAX];
	ep_err err;
	assert_int_equal(ep_password_hash("correct horse battery staple", &c, h, &err), EP_OK);
	assert_true(strncmp(h, "$argon2id$v=19$", 15) == 0);
	assert_true(strlen(h) < EP_PASSWORD_HASH_MAX);
	assert_true(ep_password_verify(h, "correct horse battery staple"));
	assert_false(ep_password_verify(h, "correct horse battery stapler"));
	assert_false(ep_password_verify(h, "Correct horse battery staple"));
	assert_false(ep_password_verify(h, ""));
	assert_false(ep_password_verify(h, NULL));
	assert_false(ep_password_verify(NULL, "x"));
}

static void test_hash_salted(void **state)
{
	(void)state;
	use_test_cost();
	ep_password_cost c = ep_password_cost_default();
	char a[EP_PASSWORD_HASH_MAX], b[EP_PASSWORD_HASH_MAX];
	ep_err err;
	assert_int_equal(ep_password_hash("the same password twice", &c, a, &err), EP_OK);
	assert_int_equal(ep_password_hash("the same password twice", &c, b, &err), EP_OK);
	assert_string_not_equal(a, b);
	assert_true(ep_password_verify(a, "the same password twice"));
	assert_true(ep_password_verify(b, "the same password twice"));
	/* A NULL cost is the default cost, which the environment made cheap here. */
	assert_int_equal(ep_password_hash("the same password twice", NULL, a, &err), EP_OK);
	assert_true(ep_password_verify(a, "the same password twice"));
	assert_int_equal(ep_password_hash(NULL, &c, a, &err), EP_E_INVALID);
}

static void test_verify_malformed(void **state)
{
	(void)state;
	use_test_cost();
	ep_password_cost c = ep_password_cost_default();
	char h[EP_PASSWORD_HASH_MAX];
	ep_err err;
	assert_int_equal(ep_password_hash("a perfectly fine pass", &c, h, &err), EP_OK);
	assert_false(ep_password_verify("", "a perfectly fine pass"));
	assert_false(ep_password_verify("a perfectly fine pass", "a perfectly fine pass"));
	assert_false(ep_password_verify("$argon2id$", "a perfectly fine pass"));
	assert_false(ep_password_verify("$argon2id$v=19$m=8,t=1,p=1$garbage$garbage", "a perfectly fine pass"));
	/* Argon2i is valid for libsodium but not what empact writes. */
	char other[EP_PASSWORD_HASH_MAX];
	assert_int_equal(crypto_pwhash_str_alg(other, "a perfectly fine pass", 21, crypto_pwhash_argon2i_OPSLIMIT_MIN,
					       crypto_pwhash_MEMLIMIT_MIN, crypto_pwhash_ALG_ARGON2I13),
			 0);
	assert_true(strncmp(other, "$argon2i$", 9) == 0);
	assert_false(ep_password_verify(other, "a perfectly fine pass"));
	/* Truncated and tampered hashes. */
	char t[EP_PASSWORD_HASH_MAX];
	memcpy(t, h, sizeof t);
	t[strlen(t) - 3] = '\0';
	assert_false(ep_password_verify(t, "a perfectly fine pass"));
	memcpy(t, h, sizeof t);
	size_t n = strlen(t);
	t[n - 2] = t[n - 2] == 'A' ? 'B' : 'A';
	assert_false(ep_password_verify(t, "a perfectly fine pass"));
	/* Too long for the column: refused without being parsed. */
	char longer[EP_PASSWORD_HASH_MAX + 16];
	memset(longer, 'A', sizeof longer - 1);
	longer[sizeof longer - 1] = '\0';
	memcpy(longer, h, strlen(h));
	assert_false(ep_password_verify(longer, "a perfectly fine pass"));
}

static void test_verify_dummy(void **state)
{
	(void)state;
	use_test_cost();
	ep_password_verify_dummy("anything at all");
	ep_password_verify_dummy("");
	ep_password_verify_dummy(NULL);
}

static void test_policy_accepts(void **state)
{
	(void)state;
	expect_ok("correct horse battery staple", "alice", "EUROPOL");
	expect_ok("R\xc3\xa9-sum\xc3\xa9 of 14 ch", NULL, NULL); /* 14 code points, 16 bytes */
	expect_ok("Tr0ub4dor&3 is old", "bob", NULL);
	expect_ok("xkcd936-7Hq!pZ", NULL, NULL);
	expect_ok("4 dragons ate my homework", NULL, NULL);
	expect_ok("summer in Lisbon 2024", "alice", "PT");
	expect_ok("\xce\xba\xce\xb1\xce\xbb\xce\xb7\xce\xbc\xce\xad\xcf\x81\xce\xb1 \xce\xba\xcf\x8c\xcf\x83\xce\xbc\xce\xb5",
		  NULL, NULL); /* Greek "kalimera kosme" */
	expect_ok("alice-in-wonderland-tea", "alice", NULL); /* the name plus words, not only digits */
}

static void test_policy_length(void **state)
{
	(void)state;
	expect_refused("short pass", NULL, NULL, "at least 12");
	expect_refused("elevenchars", NULL, NULL, "has 11 characters");
	/* 12 bytes but 6 code points. */
	expect_refused("\xc3\xa9\xc3\xa9\xc3\xa8\xc3\xa8\xc3\xa0\xc3\xa0", NULL, NULL, "has 6 characters");
	expect_refused("", NULL, NULL, "required");
	expect_refused(NULL, NULL, NULL, "required");
	char *big = malloc(EP_PASSWORD_MAX + 2);
	assert_non_null(big);
	for (size_t i = 0; i < EP_PASSWORD_MAX + 1; i++)
		big[i] = "abcdefghij kl"[i % 13];
	big[EP_PASSWORD_MAX + 1] = '\0';
	expect_refused(big, NULL, NULL, "longer than 1024 bytes");
	big[EP_PASSWORD_MAX] = '\0';
	expect_ok(big, NULL, NULL);
	free(big);
}

static void test_policy_utf8(void **state)
{
	(void)state;
	expect_refused("abc\xff\xfe defghijklmn", NULL, NULL, "UTF-8");
	expect_refused("overlong \xc0\xaf slash here", NULL, NULL, "UTF-8");
	expect_refused("truncated at the end \xe2\x82", NULL, NULL, "UTF-8");
}

static void test_policy_common(void **state)
{
	(void)state;
	const char *bad[] = {
		"Password2024!",   "Qwertyuiop123",      "password1234",     "P@ssw0rd2024!!",  "letmein12345",
		"Welcome2024!!",   "iloveyou!!!!",       "Summer2024!!",     "WINTER-2023!!",   "europol12345",
		"Empact2024!!",    "monkey 12345678",    "123456789012!",    "Football#1234",   "2024-Dragon!!!",
		"1q2w3e4r5t6y78",  "qwertyuiop[]\\",     "Passw0rd123456",   "Admin1234567",    "!!letmein2024!!",
		"Correcthorsebatterystaple", "asdfghjkl;'123", "zaq12wsx!!!!", "qwertz123456",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		expect_refused(bad[i], NULL, NULL, "commonly used");
	/* A listed word inside other words is fine. */
	expect_ok("password manager of mine", NULL, NULL);
	expect_ok("my monkey plays football", NULL, NULL);
}

static void test_policy_runs(void **state)
{
	(void)state;
	expect_refused("aaaaaaaaaaaa", NULL, NULL, "repeated");
	expect_refused("AaAaAaAaAaAa", NULL, NULL, "repeated");
	expect_refused("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9",
		       NULL, NULL, "repeated");
	expect_refused("............", NULL, NULL, "repeated");
	expect_refused("abcdefghijkl", NULL, NULL, "consecutive");
	expect_refused("ABCDEFGHIJKLM", NULL, NULL, "consecutive");
	expect_refused("123456789012", NULL, NULL, "consecutive");
	expect_refused("987654321098", NULL, NULL, "consecutive");
	expect_refused("zyxwvutsrqpo", NULL, NULL, "consecutive");
	expect_refused("uvwxyzabcdefg", NULL, NULL, "consecutive");
	expect_ok("abcdefghijkm", NULL, NULL); /* one break ends the run */
	expect_ok("aaaaaaaaaaab", NULL, NULL);
}

static void test_policy_names(void **state)
{
	(void)state;
	expect_refused("alice.wonderland", "Alice.Wonderland", NULL, "user name");
	expect_refused("Alice.Wonderland2024", "alice.wonderland", NULL, "user name");
	expect_refused("2024!alice.smith!", "alice.smith", NULL, "user name");
	expect_refused("aliceALICEalice", "alice", NULL, "user name");
	expect_refused("marie.dupont.fr", "marie.dupont.fr@example.org", NULL, "user name"); /* a piece of it */
	expect_refused("EUROJUSTEUROJUST", NULL, "EUROJUST", "organisation");
	expect_refused("ctif-cfi-2024-01", NULL, "CTIF-CFI", "organisation");
	expect_ok("alice has 12 cats", "alice", "BE");
	expect_ok("ctif-cfi-2024-01", "bob", NULL); /* no organisation to compare */
	expect_ok("be happy, be kind", NULL, ""); /* an empty code is no code */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cost_default),
		cmocka_unit_test(test_hash_verify),
		cmocka_unit_test(test_hash_salted),
		cmocka_unit_test(test_verify_malformed),
		cmocka_unit_test(test_verify_dummy),
		cmocka_unit_test(test_policy_accepts),
		cmocka_unit_test(test_policy_length),
		cmocka_unit_test(test_policy_utf8),
		cmocka_unit_test(test_policy_common),
		cmocka_unit_test(test_policy_runs),
		cmocka_unit_test(test_policy_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
