/*
 * The tamper-evident audit trail (audit.h): the canonical encoding of a record and its SHA-256,
 * appending a record chained to the head, the anchor file, the verification that recomputes
 * the chain and checks it against the anchors, and the page reader of the API. The SQL is in
 * db/db_audit.c.
 *
 * Verification walks the whole trail in one statement and hashes each record from the
 * columns as stored, without allocating per record, and stops at the first problem: a million
 * records take a few seconds, most of it SHA-256.
 */
#include "audit/audit.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "core/num.h"
#include "core/time.h"
#include "db/db_audit.h"
#include "core/banned.h"

#define MAGIC "empact-audit/1\n"
#define NFIELDS 12 /* the encoded fields: every column but the hash */
#define HASH_LEN 64
#define HASH_BYTES 32

static const char ZERO_HASH[] = "0000000000000000000000000000000000000000000000000000000000000000";
static const char HEX[] = "0123456789abcdef";

/* snprintf into a report or a line, where the format is a literal at each call. */
static void fmt(char *out, size_t n, const char *f, ...) __attribute__((format(printf, 3, 4)));
static void fmt(char *out, size_t n, const char *f, ...)
{
	va_list ap;
	va_start(ap, f);
	int r = vsnprintf(out, n, f, ap);
	va_end(ap);
	if (r < 0 && n)
		out[0] = '\0';
}

/* ---- the canonical encoding ---- */

/* Where encoded bytes go: into a SHA-256 state (through a buffer, so that the many small
 * pieces of a record cost one update call), or into the caller's memory. */
typedef struct enc {
	crypto_hash_sha256_state *h; /* NULL: write to out */
	char *out;
	size_t cap, n;
	bool over;
	unsigned char buf[1024];
	size_t bn;
} enc;

static void enc_put(enc *e, const void *p, size_t n)
{
	if (!e->h) {
		if (e->over || n > e->cap - e->n) {
			e->over = true;
			return;
		}
		memcpy(e->out + e->n, p, n);
		e->n += n;
		return;
	}
	if (n > sizeof e->buf - e->bn) {
		crypto_hash_sha256_update(e->h, e->buf, e->bn);
		e->bn = 0;
		if (n > sizeof e->buf) {
			crypto_hash_sha256_update(e->h, p, n);
			return;
		}
	}
	memcpy(e->buf + e->bn, p, n);
	e->bn += n;
}

/* Writes the decimal of v (v >= 0) and returns its length; out holds at least 21 bytes. */
static size_t dec(uint64_t v, char *out)
{
	char tmp[24];
	size_t n = 0, len = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		out[len++] = tmp[--n];
	return len;
}

static size_t dec_i64(int64_t v, char *out)
{
	if (v >= 0)
		return dec((uint64_t)v, out);
	out[0] = '-';
	return 1 + dec((uint64_t)0 - (uint64_t)v, out + 1);
}

/* One field: "~," for NULL, otherwise "LEN:BYTES,". */
static void enc_field(enc *e, const char *s, size_t n)
{
	if (!s) {
		enc_put(e, "~,", 2);
		return;
	}
	char len[24];
	size_t k = dec(n, len);
	len[k++] = ':';
	enc_put(e, len, k);
	enc_put(e, s, n);
	enc_put(e, ",", 1);
}

static void enc_record(enc *e, const char *const col[NFIELDS], const size_t len[NFIELDS])
{
	enc_put(e, MAGIC, sizeof MAGIC - 1);
	for (int i = 0; i < NFIELDS; i++)
		enc_field(e, col[i], len[i]);
}

static void digest_record(const char *const col[NFIELDS], const size_t len[NFIELDS], unsigned char out[HASH_BYTES])
{
	/* The usual record fits a small buffer and is written there directly, with one call to
	 * SHA-256; verification spends a good share of its time here. */
	size_t need = sizeof MAGIC;
	for (int i = 0; i < NFIELDS; i++)
		need += len[i] + 24;
	unsigned char small[1024];
	if (need <= sizeof small) {
		unsigned char *p = small;
		memcpy(p, MAGIC, sizeof MAGIC - 1);
		p += sizeof MAGIC - 1;
		for (int i = 0; i < NFIELDS; i++) {
			if (!col[i]) {
				*p++ = '~';
			} else {
				p += dec(len[i], (char *)p);
				*p++ = ':';
				memcpy(p, col[i], len[i]);
				p += len[i];
			}
			*p++ = ',';
		}
		crypto_hash_sha256(out, small, (unsigned long long)(p - small));
		return;
	}
	crypto_hash_sha256_state h;
	enc e;
	e.h = &h;
	e.bn = 0;
	crypto_hash_sha256_init(&h);
	enc_record(&e, col, len);
	crypto_hash_sha256_update(&h, e.buf, e.bn);
	crypto_hash_sha256_final(&h, out);
}

static void to_hex(const unsigned char *b, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = HEX[b[i] >> 4];
		out[2 * i + 1] = HEX[b[i] & 15];
	}
	out[2 * n] = '\0';
}

/* The columns of a record given as typed values: ids and 0-for-none integers as decimal. */
typedef struct typed_cols {
	const char *col[NFIELDS];
	size_t len[NFIELDS];
	char num[3][24];
} typed_cols;

static void set_text(typed_cols *t, int i, const char *s)
{
	t->col[i] = s;
	t->len[i] = s ? strlen(s) : 0;
}

static void set_num(typed_cols *t, int i, int slot, int64_t v, bool zero_is_null)
{
	if (zero_is_null && v == 0) {
		t->col[i] = NULL;
		t->len[i] = 0;
		return;
	}
	t->len[i] = dec_i64(v, t->num[slot]);
	t->col[i] = t->num[slot];
}

static void typed(typed_cols *t, int64_t id, const char *at, int64_t actor_id, const char *actor,
		  const char *org_code, const char *action, const char *object_kind, int64_t object_id,
		  const char *outcome, const char *request_id, const char *detail, const char *prev_hash)
{
	set_num(t, EP_DB_AUDIT_ID, 0, id, false);
	set_text(t, EP_DB_AUDIT_AT, at);
	set_num(t, EP_DB_AUDIT_ACTOR_ID, 1, actor_id, true);
	set_text(t, EP_DB_AUDIT_ACTOR, actor);
	set_text(t, EP_DB_AUDIT_ORG_CODE, org_code);
	set_text(t, EP_DB_AUDIT_ACTION, action);
	set_text(t, EP_DB_AUDIT_OBJECT_KIND, object_kind);
	set_num(t, EP_DB_AUDIT_OBJECT_ID, 2, object_id, true);
	set_text(t, EP_DB_AUDIT_OUTCOME, outcome);
	set_text(t, EP_DB_AUDIT_REQUEST_ID, request_id);
	set_text(t, EP_DB_AUDIT_DETAIL, detail);
	set_text(t, EP_DB_AUDIT_PREV_HASH, prev_hash);
}

size_t ep_audit_encode(int64_t id, const char *at, int64_t actor_id, const char *actor, const char *org_code,
		       const char *action, const char *object_kind, int64_t object_id, const char *outcome,
		       const char *request_id, const char *detail, const char *prev_hash, char *out, size_t cap)
{
	typed_cols t;
	typed(&t, id, at, actor_id, actor, org_code, action, object_kind, object_id, outcome, request_id, detail,
	      prev_hash);
	enc e = {.h = NULL, .out = out, .cap = cap};
	enc_record(&e, t.col, t.len);
	return e.over ? 0 : e.n;
}

/* ---- appending and anchoring ---- */

static bool valid_outcome(const char *s)
{
	return s && (strcmp(s, "ok") == 0 || strcmp(s, "denied") == 0 || strcmp(s, "failed") == 0);
}

static bool is_hash(const char *s, size_t n)
{
	if (n != HASH_LEN)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

static ep_status append_locked(ep_db *db, const ep_audit_rec *r, int64_t *id, char head[EP_AUDIT_HASH_HEX],
			       ep_err *err)
{
	int64_t last;
	char prev[EP_DB_AUDIT_HASH_HEX];
	ep_status s = ep_db_audit_head(db, &last, prev, err);
	if (s != EP_OK)
		return s;
	if (last == 0)
		memcpy(prev, ZERO_HASH, sizeof ZERO_HASH);
	char at[EP_TIMESTAMP_LEN];
	ep_time_format(ep_time_now(), at);
	typed_cols t;
	typed(&t, last + 1, at, r->actor_id, r->actor, r->org_code, r->action, r->object_kind, r->object_id,
	      r->outcome, r->request_id, r->detail, prev);
	unsigned char d[HASH_BYTES];
	char hex[EP_AUDIT_HASH_HEX];
	digest_record(t.col, t.len, d);
	to_hex(d, sizeof d, hex);
	ep_db_audit_rec row = {
		.id = last + 1,
		.at = at,
		.actor_id = r->actor_id,
		.actor = r->actor,
		.org_code = r->org_code,
		.action = r->action,
		.object_kind = r->object_kind,
		.object_id = r->object_id,
		.outcome = r->outcome,
		.request_id = r->request_id,
		.detail = r->detail,
		.prev_hash = prev,
		.hash = hex,
	};
	s = ep_db_audit_insert(db, &row, err);
	if (s == EP_OK) {
		if (id)
			*id = last + 1;
		if (head)
			memcpy(head, hex, sizeof hex);
	}
	return s;
}

ep_status ep_audit_append(ep_db *db, const ep_audit_rec *r, int64_t *id, char head[EP_AUDIT_HASH_HEX], ep_err *err)
{
	if (!r->actor || !r->actor[0])
		return ep_err_set(err, EP_E_INVALID, "actor", "an audit record needs an actor");
	if (!r->action || !r->action[0])
		return ep_err_set(err, EP_E_INVALID, "action", "an audit record needs an action");
	if (!valid_outcome(r->outcome))
		return ep_err_set(err, EP_E_INVALID, "outcome", "the outcome of an audit record is ok, denied or failed");
	/* Inside the caller's transaction the record commits or rolls back with the change it
	 * records; that transaction began IMMEDIATE, so no other writer can take the same id. */
	if (ep_db_in_transaction(db))
		return append_locked(db, r, id, head, err);
	ep_status s = ep_db_begin(db, err);
	if (s != EP_OK)
		return s;
	s = append_locked(db, r, id, head, err);
	if (s == EP_OK)
		s = ep_db_commit(db, err);
	if (s != EP_OK)
		ep_db_rollback(db);
	return s;
}

ep_status ep_audit_anchor(const char *path, int64_t id, const char *head, ep_err *err)
{
	if (!path || !path[0])
		return EP_OK;
	if (id < 1 || !head || !is_hash(head, strlen(head)))
		return ep_err_set(err, EP_E_INVALID, NULL, "an anchor needs a record id and a 64-digit hash");
	char line[128];
	int n = snprintf(line, sizeof line, "%lld %s\n", (long long)id, head);
	if (n < 0 || (size_t)n >= sizeof line)
		return ep_err_set(err, EP_E_INTERNAL, NULL, "cannot format the anchor line");
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return ep_err_set(err, EP_E_INTERNAL, "audit_anchor", "cannot open the audit anchor file %s: %s", path,
				  strerror(errno));
	/* One write of the whole line: with O_APPEND the kernel places it at the end in one piece,
	 * so concurrent writers never interleave within a line. A short write (a full disk) is
	 * reported; verify would then name the line as malformed. */
	ssize_t w;
	do
		w = write(fd, line, (size_t)n);
	while (w < 0 && errno == EINTR);
	int saved = errno;
	ep_status s = EP_OK;
	if (w != n)
		s = ep_err_set(err, EP_E_INTERNAL, "audit_anchor", "cannot write to the audit anchor file %s: %s", path,
			       w < 0 ? strerror(saved) : "short write");
	if (close(fd) != 0 && s == EP_OK)
		s = ep_err_set(err, EP_E_INTERNAL, "audit_anchor", "cannot write to the audit anchor file %s: %s", path,
			       strerror(errno));
	return s;
}

ep_status ep_audit_anchor_head(ep_db *db, const char *path, ep_err *err)
{
	int64_t id;
	char head[EP_DB_AUDIT_HASH_HEX];
	ep_status s = ep_db_audit_head(db, &id, head, err);
	if (s != EP_OK || id == 0)
		return s;
	return ep_audit_anchor(path, id, head, err);
}

/* ---- verification ---- */

typedef struct anchor {
	int64_t id;
	int64_t line;
	unsigned char hash[HASH_BYTES];
} anchor;

typedef struct anchors {
	anchor *v;
	size_t n, cap;
	bool missing;       /* the file does not exist */
	int64_t bad_line;   /* the first malformed line, 0 if none */
	char bad_why[96];
} anchors;

static int unhex(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Parses "ID HASH" (the newline already removed). */
static bool parse_anchor(const char *s, size_t n, anchor *a, char *why, size_t nwhy)
{
	const char *sp = memchr(s, ' ', n);
	if (!sp) {
		fmt(why, nwhy, "it is not 'ID HASH'");
		return false;
	}
	if (ep_parse_i64(s, (size_t)(sp - s), 1, INT64_MAX, &a->id) != EP_OK) {
		fmt(why, nwhy, "its record id is not a number from 1 up");
		return false;
	}
	const char *h = sp + 1;
	size_t hn = n - (size_t)(h - s);
	if (!is_hash(h, hn)) {
		fmt(why, nwhy, "its hash is not 64 lower-case hex digits");
		return false;
	}
	for (size_t i = 0; i < HASH_BYTES; i++)
		a->hash[i] = (unsigned char)(unhex(h[2 * i]) << 4 | unhex(h[2 * i + 1]));
	return true;
}

static int anchor_cmp(const void *pa, const void *pb)
{
	const anchor *a = pa, *b = pb;
	if (a->id != b->id)
		return a->id < b->id ? -1 : 1;
	return a->line < b->line ? -1 : a->line > b->line;
}

/* Reads every line of the anchor file. A malformed line is remembered (the first one) and
 * skipped; the others are still checked. */
static ep_status read_anchors(const char *path, anchors *as, ep_err *err)
{
	FILE *f = fopen(path, "re");
	if (!f) {
		if (errno == ENOENT) {
			as->missing = true;
			return EP_OK;
		}
		return ep_err_set(err, EP_E_INTERNAL, "audit_anchor", "cannot open the audit anchor file %s: %s", path,
				  strerror(errno));
	}
	ep_status s = EP_OK;
	char buf[160];
	int64_t line = 0;
	bool sorted = true;
	while (fgets(buf, sizeof buf, f)) {
		line++;
		size_t n = strlen(buf);
		bool whole = n > 0 && buf[n - 1] == '\n';
		anchor a = {.line = line};
		char why[96];
		bool ok;
		if (!whole && !feof(f)) {
			/* Longer than any anchor line: skip the rest of it. */
			int c;
			while ((c = fgetc(f)) != EOF && c != '\n')
				;
			fmt(why, sizeof why, "it is too long");
			ok = false;
		} else if (!whole) {
			fmt(why, sizeof why, "it is cut short (no newline at its end)");
			ok = false;
		} else {
			ok = parse_anchor(buf, n - 1, &a, why, sizeof why);
		}
		if (!ok) {
			if (!as->bad_line) {
				as->bad_line = line;
				fmt(as->bad_why, sizeof as->bad_why, "%s", why);
			}
			continue;
		}
		if (as->n == as->cap) {
			size_t cap = as->cap ? as->cap * 2 : 256;
			anchor *v = realloc(as->v, cap * sizeof *v);
			if (!v) {
				s = ep_err_set(err, EP_E_INTERNAL, NULL, "out of memory reading the anchor file");
				break;
			}
			as->v = v;
			as->cap = cap;
		}
		if (as->n && anchor_cmp(&as->v[as->n - 1], &a) > 0)
			sorted = false;
		as->v[as->n++] = a;
	}
	if (s == EP_OK && ferror(f))
		s = ep_err_set(err, EP_E_INTERNAL, "audit_anchor", "cannot read the audit anchor file %s", path);
	fclose(f);
	/* Concurrent appenders may anchor out of order; the walk wants them by id. */
	if (s == EP_OK && !sorted)
		qsort(as->v, as->n, sizeof *as->v, anchor_cmp);
	return s;
}

typedef struct walk {
	ep_audit_report *rep;
	const char *anchor_path;
	anchors *as;
	size_t apos;
	int64_t prev_id;
	char prev_hash[HASH_LEN]; /* the previous record's stored hash */
	size_t prev_hash_len;
	int64_t stray_id; /* the first record with an id below 1 (0: none) */
	bool has_stray;
	/* A record that holds what was the record after it: the next record tells whether the
	 * two were swapped or one was removed and the rest renumbered. */
	bool pending;
	int64_t pending_id;
	char pending_prev[HASH_LEN];
	size_t pending_prev_len;
	bool done;
} walk;

static void report(walk *w, ep_audit_problem p, int64_t id, const char *f, ...) __attribute__((format(printf, 4, 5)));
static void report(walk *w, ep_audit_problem p, int64_t id, const char *f, ...)
{
	w->rep->problem = p;
	w->rep->record_id = id;
	va_list ap;
	va_start(ap, f);
	int r = vsnprintf(w->rep->message, sizeof w->rep->message, f, ap);
	va_end(ap);
	if (r < 0)
		w->rep->message[0] = '\0';
	w->done = true;
}

/* The digest of a stored record, with its id replaced by id (to recognise a renumbered one). */
static void digest_as(const ep_db_audit_row *r, int64_t id, unsigned char d[HASH_BYTES])
{
	const char *col[NFIELDS];
	size_t len[NFIELDS];
	char num[24];
	memcpy(col, r->col, sizeof col);
	memcpy(len, r->len, sizeof len);
	len[EP_DB_AUDIT_ID] = dec_i64(id, num);
	col[EP_DB_AUDIT_ID] = num;
	digest_record(col, len, d);
}

static bool stored_hash_is(const ep_db_audit_row *r, const char *hex)
{
	return r->col[EP_DB_AUDIT_HASH] && r->len[EP_DB_AUDIT_HASH] == HASH_LEN &&
	       memcmp(r->col[EP_DB_AUDIT_HASH], hex, HASH_LEN) == 0;
}

static void resolve_pending(walk *w, const ep_db_audit_row *next)
{
	int64_t j = w->pending_id;
	bool swapped = next && next->col[EP_DB_AUDIT_HASH] && next->len[EP_DB_AUDIT_HASH] == w->pending_prev_len &&
		       memcmp(next->col[EP_DB_AUDIT_HASH], w->pending_prev, w->pending_prev_len) == 0;
	if (swapped)
		report(w, EP_AUDIT_BROKEN, j,
		       "records %lld and %lld were reordered: record %lld holds what was record %lld, and the other way "
		       "round",
		       (long long)j, (long long)j + 1, (long long)j, (long long)j + 1);
	else
		report(w, EP_AUDIT_BROKEN, j,
		       "record %lld was removed: the record now numbered %lld was record %lld, so the records after it "
		       "were renumbered",
		       (long long)j, (long long)j, (long long)j + 1);
}

static int check_record(void *ctx, const ep_db_audit_row *r)
{
	walk *w = ctx;
	if (w->pending) {
		resolve_pending(w, r);
		return 1;
	}
	int64_t j = r->id;
	if (j < 1) {
		/* Ids start at 1: a record below was renumbered or forged. Where it came from shows
		 * as a gap further on, which is the better report; this one is kept for the end. */
		if (!w->has_stray) {
			w->has_stray = true;
			w->stray_id = j;
		}
		return 0;
	}
	w->rep->records++;
	if (j != w->prev_id + 1) {
		if (w->prev_id == 0)
			report(w, EP_AUDIT_GAP, 1, "record 1 is missing: the trail starts at record %lld", (long long)j);
		else
			report(w, EP_AUDIT_GAP, w->prev_id + 1, "record %lld is missing: ids jump from %lld to %lld",
			       (long long)w->prev_id + 1, (long long)w->prev_id, (long long)j);
		return 1;
	}

	unsigned char d[HASH_BYTES];
	char hex[HASH_LEN + 1];
	digest_record(r->col, r->len, d);
	to_hex(d, sizeof d, hex);
	if (!stored_hash_is(r, hex)) {
		/* Before calling it changed, see whether it is an intact record under another id:
		 * one id down means a record was inserted before it, one id up that it was moved
		 * down (a swap, or a removal with the rest renumbered). */
		unsigned char alt[HASH_BYTES];
		char althex[HASH_LEN + 1];
		digest_as(r, j - 1, alt);
		to_hex(alt, sizeof alt, althex);
		if (j > 1 && stored_hash_is(r, althex)) {
			report(w, EP_AUDIT_BROKEN, j - 1,
			       "record %lld was inserted: the record now numbered %lld was record %lld, so the records after "
			       "it were renumbered",
			       (long long)j - 1, (long long)j, (long long)j - 1);
			return 1;
		}
		digest_as(r, j + 1, alt);
		to_hex(alt, sizeof alt, althex);
		if (stored_hash_is(r, althex)) {
			w->pending = true;
			w->pending_id = j;
			w->pending_prev_len = r->col[EP_DB_AUDIT_PREV_HASH] && r->len[EP_DB_AUDIT_PREV_HASH] <= HASH_LEN
						      ? r->len[EP_DB_AUDIT_PREV_HASH]
						      : 0;
			if (w->pending_prev_len)
				memcpy(w->pending_prev, r->col[EP_DB_AUDIT_PREV_HASH], w->pending_prev_len);
			return 0;
		}
		report(w, EP_AUDIT_CHANGED, j, "record %lld was changed: its hash does not match its contents",
		       (long long)j);
		return 1;
	}

	const char *prev = w->prev_id ? w->prev_hash : ZERO_HASH;
	size_t prev_len = w->prev_id ? w->prev_hash_len : HASH_LEN;
	const char *ph = r->col[EP_DB_AUDIT_PREV_HASH];
	if (!ph || r->len[EP_DB_AUDIT_PREV_HASH] != prev_len || memcmp(ph, prev, prev_len) != 0) {
		/* The record is intact in itself but does not follow the one before: that one was
		 * replaced by a record with a recomputed hash (or this one was rewritten whole). */
		if (j == 1)
			report(w, EP_AUDIT_BROKEN, 1,
			       "record 1 was replaced: it is intact in itself but does not start the chain (its "
			       "prev_hash is not 64 zeros)");
		else
			report(w, EP_AUDIT_BROKEN, j - 1,
			       "record %lld was replaced or rewritten: record %lld, which follows it, holds another hash of "
			       "it (prev_hash)",
			       (long long)j - 1, (long long)j);
		return 1;
	}

	/* The anchors of this record; the ones of earlier ids were handled at those ids. */
	anchors *as = w->as;
	while (as && w->apos < as->n && as->v[w->apos].id <= j) {
		const anchor *a = &as->v[w->apos++];
		if (a->id == j && memcmp(a->hash, d, HASH_BYTES) != 0) {
			char want[HASH_LEN + 1];
			to_hex(a->hash, HASH_BYTES, want);
			report(w, EP_AUDIT_ANCHOR, j,
			       "record %lld is not the record anchored at line %lld of %s (hash %.12s..., now %.12s...): "
			       "it was replaced, or the chain up to it was rewritten",
			       (long long)j, (long long)a->line, w->anchor_path, want, hex);
			return 1;
		}
	}

	w->prev_id = j;
	memcpy(w->prev_hash, hex, HASH_LEN);
	w->prev_hash_len = HASH_LEN;
	return 0;
}

static void check_anchors_after(walk *w)
{
	anchors *as = w->as;
	int64_t last = w->prev_id;
	if (as->missing) {
		if (last > 0)
			report(w, EP_AUDIT_ANCHOR, 0,
			       "the anchor file %s does not exist, but the trail holds %lld records: it was removed, or "
			       "--audit-anchor names another file",
			       w->anchor_path, (long long)last);
		return;
	}
	if (as->bad_line) {
		report(w, EP_AUDIT_ANCHOR, 0, "line %lld of the anchor file %s is malformed: %s", (long long)as->bad_line,
		       w->anchor_path, as->bad_why);
		return;
	}
	if (w->apos < as->n) {
		const anchor *a = &as->v[w->apos];
		char end[64];
		if (last)
			fmt(end, sizeof end, "ends at record %lld", (long long)last);
		else
			fmt(end, sizeof end, "is empty");
		report(w, EP_AUDIT_ANCHOR, last + 1,
		       "record %lld is missing: line %lld of %s anchors record %lld, but the trail %s, so records were "
		       "removed from its end",
		       (long long)last + 1, (long long)a->line, w->anchor_path, (long long)a->id, end);
		return;
	}
	int64_t top = as->n ? as->v[as->n - 1].id : 0;
	if (top < last)
		report(w, EP_AUDIT_UNANCHORED, top + 1,
		       "records %lld to %lld are not anchored in %s: they were added after the last anchor without "
		       "one, by someone writing to the database, or by empact stopping between a commit and writing "
		       "its anchor",
		       (long long)top + 1, (long long)last, w->anchor_path);
}

ep_status ep_audit_verify(ep_db *db, const char *anchor_path, ep_audit_report *rep, ep_err *err)
{
	memset(rep, 0, sizeof *rep);
	anchors as = {0};
	bool with_anchors = anchor_path && anchor_path[0];
	ep_status s = with_anchors ? read_anchors(anchor_path, &as, err) : EP_OK;
	if (s != EP_OK) {
		free(as.v);
		return s;
	}
	rep->anchors = (int64_t)as.n;
	walk w = {.rep = rep, .anchor_path = anchor_path, .as = with_anchors ? &as : NULL};
	s = ep_db_audit_each(db, check_record, &w, err);
	if (s != EP_OK && w.done)
		s = EP_OK; /* stopped at the problem found */
	if (s == EP_OK && !w.done && w.pending)
		resolve_pending(&w, NULL);
	if (s == EP_OK && !w.done && w.has_stray)
		report(&w, EP_AUDIT_CHANGED, w.stray_id,
		       "record %lld has an id below 1: audit ids start at 1, so it was renumbered or forged",
		       (long long)w.stray_id);
	if (s == EP_OK && !w.done && with_anchors)
		check_anchors_after(&w);
	if (s == EP_OK && !w.done)
		rep->problem = EP_AUDIT_GOOD;
	free(as.v);
	return s;
}

/* ---- the page reader ---- */

static json_t *text_or_null(const ep_db_audit_row *r, int i)
{
	/* A stored text that is not UTF-8 (possible only by tampering) cannot be a JSON string;
	 * verify names such a record, the list shows null. */
	json_t *v = r->col[i] ? json_stringn(r->col[i], r->len[i]) : NULL;
	return v ? v : json_null();
}

typedef struct list_ctx {
	json_t *items;
	int64_t limit, count, next_before;
	int64_t last_id; /* of the last item in the page */
	bool oom;
} list_ctx;

static int list_row(void *ctx, const ep_db_audit_row *r)
{
	list_ctx *c = ctx;
	if (c->count == c->limit) {
		/* One row more than the page: there is a next page, after the last item shown. */
		c->next_before = c->last_id;
		return 1;
	}
	json_t *o = json_object();
	if (!o || json_array_append_new(c->items, o) != 0) {
		c->oom = true;
		return 1;
	}
	static const char *const names[EP_DB_AUDIT_NCOLS] = {
		"id",	   "at",	 "actor_id",   "actor",	 "org_code",  "action",    "object_kind",
		"object_id", "outcome", "request_id", "detail", "prev_hash", "hash",
	};
	for (int i = 0; i < EP_DB_AUDIT_NCOLS; i++) {
		json_t *v;
		if (i == EP_DB_AUDIT_ID)
			v = json_integer(r->id);
		else if (i == EP_DB_AUDIT_ACTOR_ID || i == EP_DB_AUDIT_OBJECT_ID)
			v = r->col[i] ? json_integer(i == EP_DB_AUDIT_ACTOR_ID ? r->actor_id : r->object_id) : json_null();
		else
			v = text_or_null(r, i);
		if (json_object_set_new(o, names[i], v) != 0) {
			c->oom = true;
			return 1;
		}
	}
	c->count++;
	c->last_id = r->id;
	return 0;
}

static bool valid_time(const char *s)
{
	int64_t t;
	return ep_time_parse(s, &t) == EP_OK || ep_date_parse(s, NULL) == EP_OK;
}

ep_status ep_audit_list(ep_db *db, const ep_audit_filter *f, json_t **items, int64_t *next_before, ep_err *err)
{
	*items = NULL;
	*next_before = 0;
	if (f->limit < 1 || f->limit > 500)
		return ep_err_set(err, EP_E_INVALID, "limit", "limit is a number from 1 to 500");
	if (f->since && !valid_time(f->since))
		return ep_err_set(err, EP_E_INVALID, "since", "since is a date (YYYY-MM-DD) or a UTC time (YYYY-MM-DDTHH:MM:SSZ)");
	if (f->until && !valid_time(f->until))
		return ep_err_set(err, EP_E_INVALID, "until", "until is a date (YYYY-MM-DD) or a UTC time (YYYY-MM-DDTHH:MM:SSZ)");
	if (f->outcome && !valid_outcome(f->outcome))
		return ep_err_set(err, EP_E_INVALID, "outcome", "outcome is ok, denied or failed");
	if (f->before_id < 0)
		return ep_err_set(err, EP_E_INVALID, "before_id", "before_id is a record id");
	list_ctx c = {.items = json_array(), .limit = f->limit};
	if (!c.items)
		return ep_err_set(err, EP_E_INTERNAL, NULL, "out of memory");
	ep_db_audit_filter q = {
		.object_kind = f->object_kind,
		.object_id = f->object_id,
		.actor = f->actor,
		.since = f->since,
		.until = f->until,
		.outcome = f->outcome,
		.before_id = f->before_id,
		.limit = f->limit + 1,
	};
	ep_status s = ep_db_audit_list(db, &q, list_row, &c, err);
	if (c.oom)
		s = ep_err_set(err, EP_E_INTERNAL, NULL, "out of memory");
	else if (s != EP_OK && c.count == c.limit)
		s = EP_OK; /* stopped after a full page */
	if (s != EP_OK) {
		json_decref(c.items);
		return s;
	}
	*items = c.items;
	*next_before = c.next_before;
	return EP_OK;
}
