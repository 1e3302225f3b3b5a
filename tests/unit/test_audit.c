/*
 * Unit tests of the audit trail (audit/audit.h) on temporary database files: the canonical
 * encoding byte for byte and its SHA-256 (the expected digests were computed with
 * `printf ... | sha256sum`), appending and chaining, a record appended inside a transaction
 * that rolls back leaving nothing, the page reader, every kind of anchor problem, and a log of
 * 100,000 records tampered with 1,000 times at random: each change, removal, insertion and
 * reordering must be found, and the record named must be the one tampered with.
 *
 * The triggers that make the table append-only are dropped for the tampering, which is done
 * with SQLite directly on a connection of its own, as an intruder with the file would.
 */
#include "testutil.h"

#include <math.h>
#include <sys/stat.h>
#include <time.h>

#include <sodium.h>
#include <sqlite3.h>

#include "audit/audit.h"
#include "core/status.h"
#include "core/time.h"
#include "db/db.h"

static const ep_db_opts CREATE = {.create = true};

#define ZEROS "0000000000000000000000000000000000000000000000000000000000000000"

/* ---- helpers ---- */

static ep_db *new_db(char *path, size_t n, const char *tag)
{
	tu_temp_path(path, n, tag);
	ep_db *db = NULL;
	ep_err err;
	ep_err_clear(&err);
	assert_int_equal(ep_db_open(path, &CREATE, &db, &err), EP_OK);
	assert_int_equal(ep_db_migrate(db, NULL, &err), EP_OK);
	return db;
}

static void anchor_path(char *out, size_t n, const char *db_path)
{
	snprintf(out, n, "%s.anchor", db_path);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void sha256_hex(const void *p, size_t n, char out[EP_AUDIT_HASH_HEX])
{
	unsigned char d[32];
	crypto_hash_sha256(d, p, n);
	for (int i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int64_t append(ep_db *db, const char *actor, const char *action, const char *outcome, int64_t object_id,
		      char head[EP_AUDIT_HASH_HEX])
{
	ep_audit_rec r = {.actor_id = 3,
			  .actor = actor,
			  .org_code = "EUROPOL",
			  .action = action,
			  .object_kind = object_id ? "actions" : NULL,
			  .object_id = object_id,
			  .outcome = outcome,
			  .request_id = "req-1"};
	int64_t id = 0;
	ep_err err;
	ep_err_clear(&err);
	assert_int_equal(ep_audit_append(db, &r, &id, head, &err), EP_OK);
	return id;
}

static ep_audit_report verify(ep_db *db, const char *anchor)
{
	ep_audit_report rep;
	ep_err err;
	ep_err_clear(&err);
	assert_int_equal(ep_audit_verify(db, anchor, &rep, &err), EP_OK);
	return rep;
}

/* ---- the encoding ---- */

static void test_encode_format(void **state)
{
	(void)state;
	char out[512];
	size_t n = ep_audit_encode(1, "2026-11-23T12:25:42Z", 7, "alice", "EUROPOL", "actions.write", "actions", 42, "ok",
				   "r-1", "changed the title", ZEROS, out, sizeof out);
	const char *want = "empact-audit/1\n1:1,20:2026-11-23T12:25:42Z,1:7,5:alice,7:EUROPOL,13:actions.write,"
			   "7:actions,2:42,2:ok,3:r-1,17:changed the title,64:" ZEROS ",";
	assert_int_equal(n, strlen(want));
	assert_memory_equal(out, want, n);
	char hex[EP_AUDIT_HASH_HEX];
	sha256_hex(out, n, hex);
	assert_string_equal(hex, "0c7686b1ebafecbc5f5c2218741a1c4183e74fd6eee5ea53cd412f4f73c6b35f");

	/* NULLs and 0-for-none are "~"; lengths are in bytes, not characters. */
	const char *ab = "abababababababababababababababababababababababababababababababab";
	n = ep_audit_encode(12345, "2026-01-02T03:04:05Z", 0, "system", NULL, "login", NULL, 0, "denied", NULL,
			    "Z\xc3\xbcrich, 3 \xe2\x82\xac", ab, out, sizeof out);
	want = "empact-audit/1\n5:12345,20:2026-01-02T03:04:05Z,~,6:system,~,5:login,~,~,6:denied,~,"
	       "14:Z\xc3\xbcrich, 3 \xe2\x82\xac,64:abababababababababababababababababababababababababababababababab,";
	assert_int_equal(n, strlen(want));
	assert_memory_equal(out, want, n);
	sha256_hex(out, n, hex);
	assert_string_equal(hex, "f44ce8ba97bd4e057cd9836fe430ada35ae5c7ddd164bd928441dcba7c59a6b4");

	/* Too small a buffer: 0, whatever the size. */
	assert_int_equal(ep_audit_encode(1, "2026-11-23T12:25:42Z", 7, "alice", NULL, "a", NULL, 0, "ok", NULL, NULL,
					 ZEROS, out, 40),
			 0);
	assert_int_equal(ep_audit_encode(1, "x", 0, "a", NULL, "a", NULL, 0, "ok", NULL, NULL, ZEROS, out, 0), 0);
}

/* ---- appending ---- */

/* Every record of the trail, oldest first, read through the page reader. */
static json_t *all_records(ep_db *db)
{
	ep_audit_filter f = {.limit = 500};
	json_t *items = NULL;
	int64_t next = 0;
	ep_err err;
	ep_err_clear(&err);
	assert_int_equal(ep_audit_list(db, &f, &items, &next, &err), EP_OK);
	assert_int_equal(next, 0);
	json_t *asc = json_array();
	for (size_t i = json_array_size(items); i > 0; i--)
		json_array_append(asc, json_array_get(items, i - 1));
	json_decref(items);
	return asc;
}

static const char *str_or_null(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* Recomputes a listed record's hash from its fields. */
static void rehash(json_t *o, char hex[EP_AUDIT_HASH_HEX])
{
	static char buf[8192];
	size_t n = ep_audit_encode(json_integer_value(json_object_get(o, "id")), str_or_null(o, "at"),
				   json_integer_value(json_object_get(o, "actor_id")), str_or_null(o, "actor"),
				   str_or_null(o, "org_code"), str_or_null(o, "action"), str_or_null(o, "object_kind"),
				   json_integer_value(json_object_get(o, "object_id")), str_or_null(o, "outcome"),
				   str_or_null(o, "request_id"), str_or_null(o, "detail"), str_or_null(o, "prev_hash"), buf,
				   sizeof buf);
	assert_true(n > 0);
	sha256_hex(buf, n, hex);
}

static void test_append_chains(void **state)
{
	(void)state;
	char path[1024], anchor[1100];
	ep_db *db = new_db(path, sizeof path, "chain");
	anchor_path(anchor, sizeof anchor, path);
	char h1[EP_AUDIT_HASH_HEX], h2[EP_AUDIT_HASH_HEX], h3[EP_AUDIT_HASH_HEX];
	assert_int_equal(append(db, "alice", "actions.write", "ok", 12, h1), 1);
	assert_int_equal(append(db, "bob", "login", "denied", 0, h2), 2);
	assert_int_equal(append(db, "alice", "actions.read", "failed", 12, h3), 3);
	assert_string_not_equal(h1, h2);

	json_t *recs = all_records(db);
	assert_int_equal(json_array_size(recs), 3);
	const char *hashes[] = {h1, h2, h3};
	for (size_t i = 0; i < 3; i++) {
		json_t *o = json_array_get(recs, i);
		assert_int_equal(json_integer_value(json_object_get(o, "id")), (json_int_t)i + 1);
		assert_string_equal(str_or_null(o, "hash"), hashes[i]);
		assert_string_equal(str_or_null(o, "prev_hash"), i ? hashes[i - 1] : ZEROS);
		char hex[EP_AUDIT_HASH_HEX];
		rehash(o, hex);
		assert_string_equal(hex, hashes[i]);
		const char *at = str_or_null(o, "at");
		int64_t t;
		assert_int_equal(ep_time_parse(at, &t), EP_OK);
	}
	json_t *second = json_array_get(recs, 1);
	assert_true(json_is_null(json_object_get(second, "object_kind")));
	assert_true(json_is_null(json_object_get(second, "object_id")));
	assert_true(json_is_null(json_object_get(second, "detail")));
	assert_string_equal(str_or_null(second, "outcome"), "denied");
	json_decref(recs);

	/* Anchored, the trail verifies; without anchoring the last record, it is unanchored. */
	ep_err err;
	ep_err_clear(&err);
	assert_int_equal(ep_audit_anchor_head(db, anchor, &err), EP_OK);
	ep_audit_report rep = verify(db, anchor);
	assert_int_equal(rep.problem, EP_AUDIT_GOOD);
	assert_int_equal(rep.records, 3);
	assert_int_equal(rep.anchors, 1);
	append(db, "carol", "login", "ok", 0, NULL);
	rep = verify(db, anchor);
	assert_int_equal(rep.problem, EP_AUDIT_UNANCHORED);
	assert_int_equal(rep.record_id, 4);
	rep = verify(db, NULL);
	assert_int_equal(rep.problem, EP_AUDIT_GOOD);
	assert_int_equal(rep.records, 4);
	assert_int_equal(rep.anchors, 0);
	ep_db_close(db);
	tu_remove_db(path);
}

static void test_append_rejects_bad_records(void **state)
{
	(void)state;
	char path[1024];
	ep_db *db = new_db(path, sizeof path, "badrec");
	ep_err err;
	ep_err_clear(&err);
	ep_audit_rec r = {.actor = "alice", .action = "login", .outcome = "maybe"};
	assert_int_equal(ep_audit_append(db, &r, NULL, NULL, &err), EP_E_INVALID);
	assert_string_equal(err.field, "outcome");
	r.outcome = "ok";
	r.actor = NULL;
	assert_int_equal(ep_audit_append(db, &r, NULL, NULL, &err), EP_E_INVALID);
	assert_string_equal(err.field, "actor");
	r.actor = "alice";
	r.action = "";
	assert_int_equal(ep_audit_append(db, &r, NULL, NULL, &err), EP_E_INVALID);
	assert_string_equal(err.field, "action");
	assert_int_equal(ep_audit_anchor("/nonexistent-dir/x.anchor", 1, ZEROS, &err), EP_E_INTERNAL);
	assert_int_equal(ep_audit_anchor("/tmp/never-written.anchor", 1, "abc", &err), EP_E_INVALID);
	assert_int_equal(ep_audit_anchor(NULL, 1, ZEROS, &err), EP_OK);
	assert_int_equal(ep_audit_anchor("", 1, ZEROS, &err), EP_OK);
	ep_audit_report rep = verify(db, NULL);
	assert_int_equal(rep.problem, EP_AUDIT_GOOD);
	assert_int_equal(rep.records, 0);
	ep_db_close(db);
	tu_remove_db(path);
}

static void test_append_in_rolled_back_transaction(void **state)
{
	(void)state;
	char path[1024], anchor[1100];
	ep_db *db = new_db(path, sizeof path, "rollback");
	anchor_path(anchor, sizeof anchor, path);
	ep_err err;
	ep_err_clear(&err);
	assert_int_equal(ep_db_begin(db, &err), EP_OK);
	assert_int_equal(append(db, "alice", "actions.write", "ok", 1, NULL), 1);
	ep_db_rollback(db);
	ep_audit_report rep = verify(db, anchor);
	assert_int_equal(rep.problem, EP_AUDIT_GOOD);
	assert_int_equal(rep.records, 0);

	/* A savepoint inside: the inner record goes, the outer one stays and takes id 1 again. */
	assert_int_equal(ep_db_begin(db, &err), EP_OK);
	assert_int_equal(append(db, "alice", "actions.write", "ok", 1, NULL), 1);
	assert_int_equal(ep_db_begin(db, &err), EP_OK);
	assert_int_equal(append(db, "alice", "actions.write", "ok", 2, NULL), 2);
	ep_db_rollback(db);
	assert_int_equal(ep_db_commit(db, &err), EP_OK);
	char head[EP_AUDIT_HASH_HEX];
	assert_int_equal(append(db, "bob", "login", "ok", 0, head), 2);
	assert_int_equal(ep_audit_anchor(anchor, 2, head, &err), EP_OK);
	rep = verify(db, anchor);
	assert_int_equal(rep.problem, EP_AUDIT_GOOD);
	assert_int_equal(rep.records, 2);
	ep_db_close(db);
	tu_remove_db(path);
}

/* A record too long for verification's small buffer takes the streaming path: the same hash. */
static void test_long_record(void **state)
{
	(void)state;
	char path[1024];
	ep_db *db = new_db(path, sizeof path, "long");
	static char detail[5000];
	memset(detail, 'd', sizeof detail - 1);
	ep_audit_rec r = {.actor = "alice", .action = "actions.write", .outcome = "ok", .detail = detail};
	char head[EP_AUDIT_HASH_HEX];
	ep_err err;
	ep_err_clear(&err);
	assert_int_equal(ep_audit_append(db, &r, NULL, head, &err), EP_OK);
	append(db, "bob", "login", "ok", 0, NULL);
	json_t *recs = all_records(db);
	char hex[EP_AUDIT_HASH_HEX];
	rehash(json_array_get(recs, 0), hex);
	assert_string_equal(hex, head);
	json_decref(recs);
	ep_audit_report rep = verify(db, NULL);
	assert_int_equal(rep.problem, EP_AUDIT_GOOD);
	assert_int_equal(rep.records, 2);
	ep_db_close(db);
	tu_remove_db(path);
}

/* ---- anchors ---- */

static void test_anchor_problems(void **state)
{
	(void)state;
	char path[1024], anchor[1100];
	ep_db *db = new_db(path, sizeof path, "anchors");
	anchor_path(anchor, sizeof anchor, path);

	/* No records, no anchor file: good. */
	ep_audit_report rep = verify(db, anchor);
	assert_int_equal(rep.problem, EP_AUDIT_GOOD);

	char heads[21][EP_AUDIT_HASH_HEX];
	ep_err err;
	ep_err_clear(&err);
	for (int i = 1; i <= 20; i++) {
		append(db, "alice", "actions.write", "ok", i, heads[i]);
		assert_int_equal(ep_audit_anchor(anchor, i, heads[i], &err), EP_OK);
	}
	rep = verify(db, anchor);
	assert_int_equal(rep.problem, EP_AUDIT_GOOD);
	assert_int_equal(rep.records, 20);
	assert_int_equal(rep.anchors, 20);

	/* Anchor lines in any order (concurrent writers) are fine. */
	char text[4096];
	snprintf(text, sizeof text, "20 %s\n3 %s\n17 %s\n", heads[20], heads[3], heads[17]);
	write_file(anchor, text);
	rep = verify(db, anchor);
	assert_int_equal(rep.problem, EP_AUDIT_GOOD);
	assert_int_equal(rep.anchors, 3);

	/* An anchor with another hash names its record. */
	snprintf(text, sizeof text, "5 %s\n20 %s\n", heads[6], heads[20]);
	write_file(anchor, text);
	rep = verify(db, anchor);
	assert_int_equal(rep.problem, EP_AUDIT_ANCHOR);
	assert_int_equal(rep.record_id, 5);
	assert_non_null(strstr(rep.message, "line 1"));

	/* An anchor naming a record past the end: records were removed from the end. */
	snprintf(text, sizeof text, "20 %s\n25 %s\n", heads[20], heads[20]);
	write_file(anchor, text);
	rep = verify(db, anchor);
	assert_int_equal(rep.problem, EP_AUDIT_ANCHOR);
	assert_int_equal(rep.record_id, 21);
	assert_non_null(strstr(rep.message, "record 25"));

	/* Records after the last anchor. */
	snprintf(text, sizeof text, "10 %s\n15 %s\n", heads[10], heads[15]);
	write_file(anchor, text);
	rep = verify(db, anchor);
	assert_int_equal(rep.problem, EP_AUDIT_UNANCHORED);
	assert_int_equal(rep.record_id, 16);
	assert_non_null(strstr(rep.message, "records 16 to 20"));
	assert_non_null(strstr(rep.message, "stopping between a commit"));

	/* An empty anchor file: nothing is anchored. */
	write_file(anchor, "");
	rep = verify(db, anchor);
	assert_int_equal(rep.problem, EP_AUDIT_UNANCHORED);
	assert_int_equal(rep.record_id, 1);

	/* Malformed lines name their line number: each case is the text before, in place of and
	 * after the hash of record 7 on line 2. */
	char upper[EP_AUDIT_HASH_HEX];
	for (int i = 0; i < 65; i++)
		upper[i] = (char)(heads[7][i] >= 'a' && heads[7][i] <= 'f' ? heads[7][i] - 32 : heads[7][i]);
	struct {
		const char *before, *hash, *after;
	} bad[] = {
		{"x ", heads[7], "\n"},  {"0 ", heads[7], "\n"},	   {"7  ", heads[7], "\n"},
		{"7 ", heads[7] + 1, "\n"}, {"7 ", heads[7], "ff\n"}, {"7 ", upper, "\n"},
		{"", "", "\n"},		   {"-7 ", heads[7], "\n"},  {"7 ", heads[7], " \n"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(text, sizeof text, "7 %s\n%s%s%s20 %s\n", heads[7], bad[i].before, bad[i].hash, bad[i].after,
			 heads[20]);
		write_file(anchor, text);
		rep = verify(db, anchor);
		assert_int_equal(rep.problem, EP_AUDIT_ANCHOR);
		assert_non_null(strstr(rep.message, "line 2"));
	}
	/* A last line without its newline was cut short. */
	snprintf(text, sizeof text, "7 %s\n20 %s\n21 abc", heads[7], heads[20]);
	write_file(anchor, text);
	rep = verify(db, anchor);
	assert_int_equal(rep.problem, EP_AUDIT_ANCHOR);
	assert_non_null(strstr(rep.message, "line 3"));
	assert_non_null(strstr(rep.message, "cut short"));
	/* A line far too long. */
	char longline[600];
	memset(longline, '1', sizeof longline - 2);
	longline[sizeof longline - 2] = '\n';
	longline[sizeof longline - 1] = '\0';
	snprintf(text, sizeof text, "%s20 %s\n", longline, heads[20]);
	write_file(anchor, text);
	rep = verify(db, anchor);
	assert_int_equal(rep.problem, EP_AUDIT_ANCHOR);
	assert_non_null(strstr(rep.message, "line 1"));
	assert_non_null(strstr(rep.message, "too long"));

	/* No anchor file at all while there are records. */
	unlink(anchor);
	rep = verify(db, anchor);
	assert_int_equal(rep.problem, EP_AUDIT_ANCHOR);
	assert_non_null(strstr(rep.message, "does not exist"));
	/* And the anchor file is created 0600. */
	assert_int_equal(ep_audit_anchor_head(db, anchor, &err), EP_OK);
	struct stat st;
	assert_int_equal(stat(anchor, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	rep = verify(db, anchor);
	assert_int_equal(rep.problem, EP_AUDIT_GOOD);
	ep_db_close(db);
	tu_remove_db(path);
}

/* ---- the page reader ---- */

static void test_list_filters_and_pages(void **state)
{
	(void)state;
	char path[1024];
	ep_db *db = new_db(path, sizeof path, "list");
	for (int i = 1; i <= 30; i++)
		append(db, i % 3 ? "alice" : "bob", "actions.write", i % 5 ? "ok" : "denied", i % 2 ? 7 : 8, NULL);
	ep_err err;
	ep_err_clear(&err);
	json_t *items = NULL;
	int64_t next = 0;

	/* Pages of 7, newest first, chained by before_id. */
	ep_audit_filter f = {.limit = 7};
	int64_t seen = 0, expect = 30;
	for (int page = 0; page < 10; page++) {
		assert_int_equal(ep_audit_list(db, &f, &items, &next, &err), EP_OK);
		for (size_t i = 0; i < json_array_size(items); i++, seen++)
			assert_int_equal(json_integer_value(json_object_get(json_array_get(items, i), "id")), expect--);
		json_decref(items);
		if (!next)
			break;
		f.before_id = next;
	}
	assert_int_equal(seen, 30);

	ep_audit_filter g = {.actor = "bob", .outcome = "denied", .limit = 100};
	assert_int_equal(ep_audit_list(db, &g, &items, &next, &err), EP_OK);
	assert_int_equal(json_array_size(items), 2); /* 15 and 30 */
	assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 0), "id")), 30);
	json_decref(items);

	ep_audit_filter h = {.object_kind = "actions", .object_id = 7, .limit = 100};
	assert_int_equal(ep_audit_list(db, &h, &items, &next, &err), EP_OK);
	assert_int_equal(json_array_size(items), 15);
	json_decref(items);

	ep_audit_filter t = {.since = "2000-01-01", .until = "2999-01-01T00:00:00Z", .limit = 100};
	assert_int_equal(ep_audit_list(db, &t, &items, &next, &err), EP_OK);
	assert_int_equal(json_array_size(items), 30);
	json_decref(items);
	t.until = "2000-01-02";
	assert_int_equal(ep_audit_list(db, &t, &items, &next, &err), EP_OK);
	assert_int_equal(json_array_size(items), 0);
	json_decref(items);

	ep_audit_filter bad[] = {
		{.limit = 0}, {.limit = 501}, {.limit = 5, .since = "yesterday"}, {.limit = 5, .until = "2026-13-01"},
		{.limit = 5, .outcome = "maybe"},
	};
	const char *fields[] = {"limit", "limit", "since", "until", "outcome"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(ep_audit_list(db, &bad[i], &items, &next, &err), EP_E_INVALID);
		assert_string_equal(err.field, fields[i]);
		assert_null(items);
	}
	ep_db_close(db);
	tu_remove_db(path);
}

/* ---- tampering ---- */

/* A small seeded PRNG (xorshift64*), so that a failure can be replayed. */
static uint64_t rng_state;
static uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ull;
}

static void raw(sqlite3 *h, const char *fmt_, ...) __attribute__((format(printf, 2, 3)));
static void raw(sqlite3 *h, const char *fmt_, ...)
{
	char sql[2048];
	va_list ap;
	va_start(ap, fmt_);
	vsnprintf(sql, sizeof sql, fmt_, ap);
	va_end(ap);
	char *msg = NULL;
	int rc = sqlite3_exec(h, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK)
		fail_msg("%s: %s", sql, msg ? msg : "?");
	sqlite3_free(msg);
}

/* The stored hash of record id, read on the intruder's connection. */
static void raw_hash(sqlite3 *h, int64_t id, char out[EP_AUDIT_HASH_HEX])
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(h, "SELECT hash FROM audit WHERE id = ?1", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, id);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	snprintf(out, EP_AUDIT_HASH_HEX, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
}

/* Stores a forged record with a correct hash: what an intruder who knows the format writes. */
static void forge(sqlite3 *h, int64_t id, const char *prev)
{
	char buf[512], hex[EP_AUDIT_HASH_HEX];
	const char *at = "2026-11-23T12:00:00Z";
	size_t n = ep_audit_encode(id, at, 66, "mallory", "EUROPOL", "actions.write", "actions", 5, "ok", NULL, NULL,
				   prev, buf, sizeof buf);
	assert_true(n > 0);
	sha256_hex(buf, n, hex);
	raw(h,
	    "INSERT INTO audit (id, at, actor_id, actor, org_code, action, object_kind, object_id, outcome, prev_hash, "
	    "hash) VALUES (%lld, '%s', 66, 'mallory', 'EUROPOL', 'actions.write', 'actions', 5, 'ok', '%s', '%s')",
	    (long long)id, at, prev, hex);
}

/* Rewrites record id with another actor and a recomputed hash, keeping its prev_hash. */
static void rewrite(sqlite3 *h, int64_t id)
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(h,
					    "SELECT at, actor_id, org_code, action, object_kind, object_id, outcome, "
					    "request_id, detail, prev_hash FROM audit WHERE id = ?1",
					    -1, &st, NULL),
			 SQLITE_OK);
	sqlite3_bind_int64(st, 1, id);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	char buf[1024], hex[EP_AUDIT_HASH_HEX];
	const char *t[10];
	for (int i = 0; i < 10; i++)
		t[i] = (const char *)sqlite3_column_text(st, i);
	size_t n = ep_audit_encode(id, t[0], sqlite3_column_int64(st, 1), "mallory", t[2], t[3], t[4],
				   sqlite3_column_int64(st, 5), t[6], t[7], t[8], t[9], buf, sizeof buf);
	assert_true(n > 0);
	sha256_hex(buf, n, hex);
	sqlite3_finalize(st);
	raw(h, "UPDATE audit SET actor = 'mallory', hash = '%s' WHERE id = %lld", hex, (long long)id);
}

/* One change of one field of record k: the SET clause. Every one changes the encoding. */
static const char *const CHANGES[] = {
	"at = '2001-02-03T04:05:06Z'",
	"actor_id = coalesce(actor_id, 0) + 1",
	"actor = actor || 'x'",
	"org_code = CASE WHEN org_code IS NULL THEN 'XX' ELSE NULL END",
	"action = action || '.x'",
	"object_kind = CASE WHEN object_kind IS NULL THEN 'actions' ELSE NULL END",
	"object_id = CASE WHEN object_id IS NULL THEN 0 ELSE object_id + 1 END",
	"outcome = CASE outcome WHEN 'ok' THEN 'denied' ELSE 'ok' END",
	"request_id = CASE WHEN request_id IS NULL THEN 'r' ELSE NULL END",
	"detail = coalesce(detail, '') || '.'",
	"detail = CASE WHEN detail IS NULL THEN X'' ELSE NULL END", /* an empty BLOB is not NULL */
	"prev_hash = CASE substr(prev_hash, 1, 1) WHEN '0' THEN '1' ELSE '0' END || substr(prev_hash, 2)",
	"hash = CASE substr(hash, 1, 1) WHEN '0' THEN '1' ELSE '0' END || substr(hash, 2)",
	"id = 1000000000", /* moved away: record k is missing */
	NULL,              /* rewritten with a recomputed hash (rewrite()) */
};
#define NCHANGES (sizeof CHANGES / sizeof CHANGES[0])

enum { T_CHANGE, T_DELETE, T_INSERT_END, T_INSERT_MID, T_REORDER, T_KINDS };

#define BIG 100000
#define ROUNDS 1000
/* Insertions in the middle renumber every later record, twice per round (tamper, restore);
 * they are placed among the last records to keep that cheap. */
#define MID_WINDOW 1000

/* A position from 1 to n, uniform in its logarithm: every scale of the log (the first record,
 * the first thousand, the last tens of thousands) gets its share of rounds, and verification,
 * which stops at the first problem, stays fast. */
static int64_t pick(int64_t n)
{
	double u = (double)(rng() >> 11) / 9007199254740992.0;
	int64_t k = (int64_t)floor(exp(u * log((double)n + 1)));
	return k < 1 ? 1 : k > n ? n : k;
}

static void build_big(ep_db *db, const char *anchor)
{
	static const char *const actors[] = {"alice", "bob", "carol", "system", "anonymous"};
	static const char *const actions[] = {"actions.write", "login", "actions.read", "oaps.write", "read"};
	static const char *const outcomes[] = {"ok", "ok", "ok", "denied", "failed"};
	ep_err err;
	ep_err_clear(&err);
	assert_int_equal(ep_db_begin(db, &err), EP_OK);
	char head[EP_AUDIT_HASH_HEX], rid[32];
	for (int64_t i = 1; i <= BIG; i++) {
		uint64_t r = rng();
		snprintf(rid, sizeof rid, "%llx", (unsigned long long)(r >> 40));
		ep_audit_rec rec = {
			.actor_id = (int64_t)(r % 7),
			.actor = actors[r % 5],
			.org_code = r % 3 ? (r % 3 == 1 ? "DE" : "IT") : NULL,
			.action = actions[(r >> 8) % 5],
			.object_kind = r % 4 ? "actions" : NULL,
			.object_id = r % 4 ? (int64_t)((r >> 16) % 1000) : 0,
			.outcome = outcomes[(r >> 24) % 5],
			.request_id = r % 2 ? rid : NULL,
			.detail = r % 10 == 0 ? "changed" : NULL,
		};
		int64_t id;
		assert_int_equal(ep_audit_append(db, &rec, &id, head, &err), EP_OK);
		assert_int_equal(id, i);
	}
	assert_int_equal(ep_db_commit(db, &err), EP_OK);
	assert_int_equal(ep_audit_anchor(anchor, BIG, head, &err), EP_OK);
}

static void test_tampering_is_found(void **state)
{
	(void)state;
	char path[1024], anchor[1100];
	ep_db *db = new_db(path, sizeof path, "tamper");
	anchor_path(anchor, sizeof anchor, path);
	rng_state = 20261123;
	double t0 = now_s();
	build_big(db, anchor);
	double t1 = now_s();
	ep_audit_report rep = verify(db, anchor);
	double t2 = now_s();
	assert_int_equal(rep.problem, EP_AUDIT_GOOD);
	assert_int_equal(rep.records, BIG);

	sqlite3 *h = NULL;
	assert_int_equal(sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	/* The intruder's connection need not be durable, and the triggers stay off until the end. */
	raw(h, "PRAGMA synchronous = OFF");
	raw(h, "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete");
	raw(h, "CREATE TEMP TABLE save AS SELECT * FROM audit WHERE 0");

	int counts[T_KINDS] = {0};
	int64_t walked = 0;
	for (int round = 0; round < ROUNDS; round++) {
		/* Insertions are the fewest: each one makes verification walk the whole log. */
		int kind = (int)(rng() % 100);
		kind = kind < 40 ? T_CHANGE : kind < 68 ? T_DELETE : kind < 96 ? T_REORDER : kind < 98 ? T_INSERT_END : T_INSERT_MID;
		int64_t k = pick(BIG), lo, hi, want;
		ep_audit_problem want_problem;
		char prev[EP_AUDIT_HASH_HEX];
		size_t c = 0;
		switch (kind) {
		case T_CHANGE:
			c = (size_t)(rng() % NCHANGES);
			lo = hi = k;
			break;
		case T_DELETE:
			lo = hi = k;
			break;
		case T_INSERT_END:
			lo = BIG + 1;
			hi = BIG;
			break;
		case T_INSERT_MID:
			k = BIG - (int64_t)(rng() % MID_WINDOW);
			lo = k;
			hi = BIG;
			break;
		default: /* T_REORDER */
			if (k == BIG)
				k--;
			lo = k;
			hi = k + 1;
			break;
		}
		raw(h, "BEGIN; DELETE FROM temp.save; INSERT INTO temp.save SELECT * FROM audit WHERE id BETWEEN %lld AND %lld",
		    (long long)lo, (long long)hi);
		switch (kind) {
		case T_CHANGE:
			if (CHANGES[c])
				raw(h, "UPDATE audit SET %s WHERE id = %lld", CHANGES[c], (long long)k);
			else
				rewrite(h, k);
			want = k;
			/* A rewritten record is intact in itself: the next record's prev_hash shows it,
			 * or for the last record the anchor. */
			want_problem = CHANGES[c] == NULL ? (k == BIG ? EP_AUDIT_ANCHOR : EP_AUDIT_BROKEN)
				       : strncmp(CHANGES[c], "id =", 4) == 0 ? EP_AUDIT_GAP
									      : EP_AUDIT_CHANGED;
			break;
		case T_DELETE:
			raw(h, "DELETE FROM audit WHERE id = %lld", (long long)k);
			want = k;
			want_problem = k == BIG ? EP_AUDIT_ANCHOR : EP_AUDIT_GAP;
			break;
		case T_INSERT_END:
			raw_hash(h, BIG, prev);
			forge(h, BIG + 1, prev);
			want = BIG + 1;
			want_problem = EP_AUDIT_UNANCHORED;
			break;
		case T_INSERT_MID:
			raw_hash(h, k - 1, prev);
			raw(h, "UPDATE audit SET id = -id WHERE id >= %lld; UPDATE audit SET id = 1 - id WHERE id < 0",
			    (long long)k);
			forge(h, k, prev);
			want = k;
			/* The forged record fits its predecessor; the next one was renumbered. At the end,
			 * the anchor of record BIG names the forgery. */
			want_problem = k == BIG ? EP_AUDIT_ANCHOR : EP_AUDIT_BROKEN;
			break;
		default:
			raw(h,
			    "UPDATE audit SET (at, actor_id, actor, org_code, action, object_kind, object_id, outcome, "
			    "request_id, detail, prev_hash, hash) = (SELECT at, actor_id, actor, org_code, action, "
			    "object_kind, object_id, outcome, request_id, detail, prev_hash, hash FROM temp.save WHERE id = "
			    "%lld) WHERE id = %lld;"
			    "UPDATE audit SET (at, actor_id, actor, org_code, action, object_kind, object_id, outcome, "
			    "request_id, detail, prev_hash, hash) = (SELECT at, actor_id, actor, org_code, action, "
			    "object_kind, object_id, outcome, request_id, detail, prev_hash, hash FROM temp.save WHERE id = "
			    "%lld) WHERE id = %lld",
			    (long long)k + 1, (long long)k, (long long)k, (long long)k + 1);
			want = k;
			want_problem = EP_AUDIT_BROKEN;
			break;
		}
		raw(h, "COMMIT");

		rep = verify(db, anchor);
		walked += rep.records;
		if (rep.problem != want_problem || rep.record_id != want)
			fail_msg("round %d: tampering of kind %d (change %zu) at record %lld: expected problem %d at "
				 "record %lld, got %d at %lld: %s",
				 round, kind, c, (long long)k, want_problem, (long long)want, rep.problem,
				 (long long)rep.record_id, rep.message);
		assert_true(rep.message[0] != '\0');
		counts[kind]++;

		raw(h,
		    "BEGIN; DELETE FROM audit WHERE id BETWEEN %lld AND %lld OR id > %d OR id < 1;"
		    "INSERT INTO audit SELECT * FROM temp.save; COMMIT",
		    (long long)lo, (long long)(hi > BIG ? BIG : hi), BIG);
	}
	double t3 = now_s();
	sqlite3_close(h);

	/* Everything was put back: the trail verifies again. */
	rep = verify(db, anchor);
	assert_int_equal(rep.problem, EP_AUDIT_GOOD);
	assert_int_equal(rep.records, BIG);
	for (int i = 0; i < T_KINDS; i++)
		assert_true(counts[i] > 0);
	fprintf(stderr,
		"# %d records appended in %.2f s, verified in %.2f s; %d tamperings (%d changes, %d removals, %d "
		"insertions at the end, %d in the middle, %d reorderings) found in %.2f s, %lld records walked\n",
		BIG, t1 - t0, t2 - t1, ROUNDS, counts[T_CHANGE], counts[T_DELETE], counts[T_INSERT_END],
		counts[T_INSERT_MID], counts[T_REORDER], t3 - t2, (long long)walked);
	ep_db_close(db);
	tu_remove_db(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode_format),
		cmocka_unit_test(test_append_chains),
		cmocka_unit_test(test_append_rejects_bad_records),
		cmocka_unit_test(test_append_in_rolled_back_transaction),
		cmocka_unit_test(test_long_record),
		cmocka_unit_test(test_anchor_problems),
		cmocka_unit_test(test_list_filters_and_pages),
		cmocka_unit_test(test_tampering_is_found),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
