/*
 * Passwords (see password.h): Argon2id hashing and verification through libsodium, the dummy
 * verification that evens out the timing of unknown users, and the password policy with its
 * built-in list of commonly used passwords. The policy rejects what guessing tools try first:
 * short passwords, listed ones (also with digits or symbols added around them), one character
 * repeated, a run of consecutive characters, and the user name or organisation code.
 */
#include "access/password.h"

#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/str.h"
#include "core/banned.h"

_Static_assert(EP_PASSWORD_HASH_MAX == crypto_pwhash_STRBYTES, "the PHC string buffer is libsodium's");

#define FIELD "password"
#define ARGON2ID_PREFIX "$argon2id$"

ep_password_cost ep_password_cost_default(void)
{
	const char *v = getenv("EMPACT_PASSWORD_COST");
	if (v && strcmp(v, "test") == 0)
		return (ep_password_cost){crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN};
	return (ep_password_cost){crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}

ep_status ep_password_hash(const char *pw, const ep_password_cost *cost, char out[EP_PASSWORD_HASH_MAX],
			   ep_err *err)
{
	out[0] = '\0';
	if (!pw)
		return ep_err_set(err, EP_E_INVALID, FIELD, "a password is required");
	if (sodium_init() < 0)
		return ep_err_set(err, EP_E_INTERNAL, "", "libsodium could not be initialised");
	ep_password_cost c = cost ? *cost : ep_password_cost_default();
	if (crypto_pwhash_str_alg(out, pw, strlen(pw), c.opslimit, c.memlimit, crypto_pwhash_ALG_ARGON2ID13) != 0) {
		out[0] = '\0';
		return ep_err_set(err, EP_E_INTERNAL, "", "hashing the password failed (not enough memory for %zu KiB?)",
				  c.memlimit / 1024);
	}
	return EP_OK;
}

bool ep_password_verify(const char *stored, const char *pw)
{
	if (!stored || !pw)
		return false;
	/* Only Argon2id strings are accepted, and only ones that fit the column: anything else was
	 * not written by ep_password_hash and must not be trusted to mean "no password". */
	size_t n = strnlen(stored, EP_PASSWORD_HASH_MAX);
	if (n == EP_PASSWORD_HASH_MAX || strncmp(stored, ARGON2ID_PREFIX, sizeof ARGON2ID_PREFIX - 1) != 0)
		return false;
	if (sodium_init() < 0)
		return false;
	return crypto_pwhash_str_verify(stored, pw, strlen(pw)) == 0;
}

/* The hash the dummy verification checks against: made once, with the default cost, of a
 * random password nobody knows, so that it costs what a real account's verification costs. */
static char dummy_hash[EP_PASSWORD_HASH_MAX];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void dummy_init(void)
{
	unsigned char raw[24];
	char pw[2 * sizeof raw + 1];
	if (sodium_init() < 0)
		return;
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(pw, sizeof pw, raw, sizeof raw);
	ep_password_cost c = ep_password_cost_default();
	if (crypto_pwhash_str_alg(dummy_hash, pw, strlen(pw), c.opslimit, c.memlimit, crypto_pwhash_ALG_ARGON2ID13) != 0)
		dummy_hash[0] = '\0';
	sodium_memzero(pw, sizeof pw);
	sodium_memzero(raw, sizeof raw);
}

void ep_password_verify_dummy(const char *pw)
{
	pthread_once(&dummy_once, dummy_init);
	if (dummy_hash[0] && pw) {
		/* Nobody knows the dummy's password: the result only takes the time a real check takes. */
		int r = crypto_pwhash_str_verify(dummy_hash, pw, strlen(pw));
		(void)r;
	}
}

/* Commonly used passwords and their building blocks, lower case, in strcmp (byte) order, which
 * bsearch depends on: keep it sorted with `LC_ALL=C sort -u` when adding to it. Digits and
 * symbols around a word are ignored when comparing, so "password" covers "Password2024!"; the
 * list therefore holds words, keyboard walks and digit runs rather than their variations. */
static const char *const common[] = {
	"000000", "010203", "0123456789", "102030", "111111", "112233", "11223344", "1122334455", "1212",
	"121212", "123123", "123321", "1234", "12345", "123456", "1234567", "12345678", "123456789",
	"1234567890", "123654", "123abc", "123qwe", "147258", "147258369", "159357", "159753", "1q2w3e",
	"1q2w3e4r", "1q2w3e4r5t", "1q2w3e4r5t6y", "1qaz", "1qaz2wsx", "1qaz2wsx3edc", "1qaz2wsx3edc4rfv",
	"1qazxsw2", "2580", "4321", "456789", "5201314", "654321", "666666", "696969", "777777", "7777777",
	"789456", "789456123", "888888", "987654321", "9876543210", "999999", "a1b2c3", "a1b2c3d4", "aaa",
	"abc", "abc123", "abcd", "abcdef", "abcdefg", "abcdefgh", "access", "actionplan", "adgangskode",
	"admin", "admin123", "administrateur", "administrator", "adobe", "ajax", "amsterdam", "andrea",
	"andrew", "angel", "anthony", "apple", "april", "arsenal", "asdf", "asdfasdf", "asdfgh", "asdfghjk",
	"asdfghjkl", "ashley", "athens", "august", "automne", "autumn", "azerty", "azertyuiop", "baby",
	"babygirl", "bailey", "banana", "barcelona", "baseball", "basketball", "batman", "bayern", "benvenuto",
	"berlin", "bienvenido", "bienvenue", "blahblah", "bratislava", "brussel", "brussels", "bruxelles",
	"bucharest", "budapest", "buster", "butterfly", "cannabis", "carabinieri", "cepol", "changeit",
	"changeme", "charlie", "charlotte", "cheese", "chelsea", "chocolate", "christ", "cocaine", "computer",
	"contrasena", "contrase\xc3\xb1" "a", "cookie", "copenhagen", "correcthorsebatterystaple", "corvette",
	"crime", "customs", "cybercrime", "cycle", "dallas", "daniel", "december", "default", "demo",
	"denhaag", "detective", "diamond", "dolphin", "douane", "dragon", "drugs", "dublin", "empact",
	"empactpolicy", "eu", "eupolicycycle", "euro", "eurojust", "europa", "europe", "european", "europol",
	"facebook", "fall", "family", "february", "ferrari", "firearms", "flower", "football", "forever",
	"freedom", "friday", "friends", "frontex", "geheim", "gendarmerie", "ginger", "god", "golden", "golf",
	"google", "guardiacivil", "guest", "hannah", "harley", "haslo", "heaven", "hello", "helloworld",
	"helsinki", "herbst", "heslo", "hiver", "hockey", "hunter", "ihateyou", "iloveu", "iloveyou",
	"inspector", "intel", "intelligence", "internet", "interpol", "investigation", "january", "jelszo",
	"jennifer", "jessica", "jesus", "jordan", "jordan23", "joshua", "july", "june", "justice", "juventus",
	"kennwort", "killer", "kitten", "letmein", "letmeinnow", "linkedin", "lisboa", "lisbon", "liverpool",
	"ljubljana", "lkjhgfdsa", "login", "london", "losenord", "love", "lovely", "loveme", "lozinka",
	"luxembourg", "madrid", "maggie", "manchester", "manutd", "march", "master", "matrix", "matthew",
	"may", "mercedes", "michael", "michelle", "microsoft", "mnbvcxz", "monday", "monkey", "motdepasse",
	"mustang", "mylove", "mypassword", "newpassword", "nicole", "nicosia", "ninja", "nothing", "november",
	"october", "officer", "opensesame", "operation", "operational", "orange", "oslo", "p@ssw0rd",
	"p@ssword", "pa$$word", "pa55word", "paris", "parola", "pass", "passord", "passpass", "passw0rd",
	"passwd", "password", "password123", "passwordpassword", "passwort", "pepper", "photoshop",
	"poiuytrewq", "pokemon", "police", "policia", "policy", "policycycle", "polis", "politie", "polizei",
	"polizia", "porsche", "prague", "praha", "princess", "printemps", "project", "purple", "pussycat",
	"q1w2e3r4", "q1w2e3r4t5", "qazwsx", "qazwsxedc", "qwe123", "qweasd", "qweasdzxc", "qwer", "qwerqwer",
	"qwerty", "qwertyui", "qwertyuiop", "qwertyuiopasdfghjklzxcvbnm", "qwertz", "qwertzuiop", "ranger",
	"realmadrid", "riga", "robert", "roma", "rome", "root", "salasana", "salasona", "sample", "samsung",
	"saturday", "secret", "secreto", "secure", "security", "senha", "september", "sergeant", "shadow",
	"silver", "soccer", "sofia", "solo", "sommer", "sophie", "spiderman", "spring", "starwars",
	"stockholm", "summer", "summertime", "sunday", "sunshine", "superman", "superstar", "tallinn", "temp",
	"temporary", "tennis", "test", "tester", "testing", "thehague", "thomas", "thursday", "tigger", "toor",
	"trafficking", "trustno1", "trustnoone", "tuesday", "user", "valletta", "vienna", "vilnius",
	"wachtwoord", "warsaw", "warszawa", "wednesday", "welcome", "welkom", "whatever", "wien", "william",
	"willkommen", "winter", "wintertime", "wxcvbn", "yankees", "yellow", "yxcvbnm", "zagreb", "zaq12wsx",
	"zaq1xsw2", "zaq1xsw2cde3", "zaq1zaq1", "zoll", "zxcv", "zxcvbn", "zxcvbnm", "zxcvbnm123"
};

static int cmp_str(const void *key, const void *elem)
{
	return strcmp(key, *(const char *const *)elem);
}

static bool is_common(const char *s)
{
	return s[0] && bsearch(s, common, sizeof common / sizeof common[0], sizeof common[0], cmp_str) != NULL;
}

/* Digits, ASCII punctuation and spaces: what people add to a word to pass a policy. */
static bool is_filler(unsigned char c)
{
	return c == ' ' || (c < 0x80 && (isdigit(c) || ispunct(c)));
}

/* Whether the lower-cased password, with digits and symbols before it and after it removed,
 * is on the list. Every cut where only filler follows is tried, so that "123456" is found in
 * "123456789!" and "qwertyuiop" in "Qwertyuiop123", not only the shortest remainder. */
static bool common_core(char *low, size_t n)
{
	size_t lead = 0;
	while (lead < n && is_filler((unsigned char)low[lead]))
		lead++;
	for (size_t end = n; end > 0; end--) {
		char saved = low[end];
		low[end] = '\0';
		bool hit = is_common(low) || (lead > 0 && lead < end && is_common(low + lead));
		low[end] = saved;
		if (hit)
			return true;
		if (!is_filler((unsigned char)low[end - 1]))
			break;
	}
	return false;
}

static void ascii_lower(char *dst, const char *src, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)src[i];
		dst[i] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
	}
	dst[n] = '\0';
}

/* The next code point of valid UTF-8 at *p, lower-cased if it is an ASCII letter. */
static unsigned long next_cp(const char **p)
{
	const unsigned char *s = (const unsigned char *)*p;
	unsigned long c;
	size_t len;
	if (s[0] < 0x80) {
		c = s[0];
		len = 1;
	} else if (s[0] < 0xE0) {
		c = s[0] & 0x1Fu;
		len = 2;
	} else if (s[0] < 0xF0) {
		c = s[0] & 0x0Fu;
		len = 3;
	} else {
		c = s[0] & 0x07u;
		len = 4;
	}
	for (size_t i = 1; i < len; i++)
		c = (c << 6) | (s[i] & 0x3Fu);
	*p += len;
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Whether b follows a by step (+1 or -1), counting "9" -> "0" and "z" -> "a" as steps so that
 * "890123" and "xyzabc" are runs too. */
static bool steps(unsigned long a, unsigned long b, int step)
{
	if (step < 0) {
		unsigned long t = a;
		a = b;
		b = t;
	}
	return b == a + 1 || (a == '9' && b == '0') || (a == 'z' && b == 'a');
}

typedef enum { RUN_NONE, RUN_REPEAT, RUN_SEQUENCE } run_kind;

static run_kind char_run(const char *pw)
{
	const char *p = pw;
	unsigned long prev = next_cp(&p);
	bool repeat = true, up = true, down = true;
	while (*p) {
		unsigned long c = next_cp(&p);
		repeat = repeat && c == prev;
		up = up && steps(prev, c, 1);
		down = down && steps(prev, c, -1);
		prev = c;
	}
	return repeat ? RUN_REPEAT : up || down ? RUN_SEQUENCE : RUN_NONE;
}

/* Whether the lower-cased password is the (lower-cased) name, repeated or with only digits
 * and symbols added, or a piece of the name. */
static bool based_on(const char *low, const char *name)
{
	if (!name || !name[0])
		return false;
	size_t m = strlen(name);
	char *lname = malloc(m + 1);
	if (!lname)
		return false;
	ascii_lower(lname, name, m);
	bool hit = strstr(lname, low) != NULL;
	if (!hit && strstr(low, lname)) {
		/* Remove every occurrence of the name; if only filler is left, the password adds
		 * nothing a guesser who knows the name would not try. */
		hit = true;
		const char *p = low;
		while (*p && hit) {
			if (strncmp(p, lname, m) == 0)
				p += m;
			else
				hit = is_filler((unsigned char)*p++);
		}
	}
	free(lname);
	return hit;
}

ep_status ep_password_check_policy(const char *pw, const char *username, const char *org_code, ep_err *err)
{
	if (!pw || !pw[0])
		return ep_err_set(err, EP_E_INVALID, FIELD, "a password is required");
	size_t n = strnlen(pw, EP_PASSWORD_MAX + 1);
	if (n > EP_PASSWORD_MAX)
		return ep_err_set(err, EP_E_INVALID, FIELD, "the password is longer than %d bytes; choose a shorter one",
				  EP_PASSWORD_MAX);
	if (!ep_utf8_valid(pw, n))
		return ep_err_set(err, EP_E_INVALID, FIELD,
				  "the password is not valid UTF-8 text; type it again with the keyboard");
	size_t chars = ep_utf8_len(pw, n);
	if (chars < EP_PASSWORD_MIN)
		return ep_err_set(err, EP_E_INVALID, FIELD,
				  "the password has %zu characters; use at least %d (a few unrelated words make a "
				  "passphrase that is long and easy to remember)",
				  chars, EP_PASSWORD_MIN);

	switch (char_run(pw)) {
	case RUN_REPEAT:
		return ep_err_set(err, EP_E_INVALID, FIELD,
				  "the password is one character repeated; choose one that is not a pattern, such as "
				  "a few unrelated words");
	case RUN_SEQUENCE:
		return ep_err_set(err, EP_E_INVALID, FIELD,
				  "the password is a run of consecutive characters (like \"abcdef\" or \"123456\"); "
				  "choose one that is not a pattern, such as a few unrelated words");
	case RUN_NONE:
		break;
	}

	char *low = malloc(n + 1);
	if (!low)
		return ep_err_set(err, EP_E_INTERNAL, "", "out of memory checking the password");
	ascii_lower(low, pw, n);
	ep_status st = EP_OK;
	if (common_core(low, n))
		st = ep_err_set(err, EP_E_INVALID, FIELD,
				"the password is a commonly used one (digits or symbols added to it do not help); "
				"choose something less predictable, such as a few unrelated words");
	else if (based_on(low, username))
		st = ep_err_set(err, EP_E_INVALID, FIELD,
				"the password is the user name or a variation of it; choose one that has nothing to do "
				"with the user name");
	else if (based_on(low, org_code))
		st = ep_err_set(err, EP_E_INVALID, FIELD,
				"the password is the organisation code or a variation of it; choose one that has "
				"nothing to do with the organisation");
	sodium_memzero(low, n + 1);
	free(low);
	return st;
}
