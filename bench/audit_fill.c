/*
 * The driver of bench/audit.sh: fills an empty empact database with N audit records through
 * ep_audit_append (one transaction), anchors them as the server does (one anchor line per
 * record, or every Kth), and writes the canonical bytes of every record, as verify hashes
 * them, to a file for sha256sum to hash as the reference.
 *
 *   audit_fill DB N ANCHOR_FILE BYTES_FILE [K]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit/audit.h"
#include "core/num.h"
#include "db/db.h"
#include "db/db_audit.h"
#include "core/banned.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef struct writer {
	FILE *f;
	int64_t n;
	size_t bytes;
	int failed;
} writer;

static int write_row(void *ctx, const ep_db_audit_row *r)
{
	writer *w = ctx;
	char buf[4096];
	/* actor_id and object_id are never stored as 0, so 0 here is NULL as in the record. */
	size_t n = ep_audit_encode(r->id, r->col[EP_DB_AUDIT_AT], r->actor_id, r->col[EP_DB_AUDIT_ACTOR],
				   r->col[EP_DB_AUDIT_ORG_CODE], r->col[EP_DB_AUDIT_ACTION],
				   r->col[EP_DB_AUDIT_OBJECT_KIND], r->object_id, r->col[EP_DB_AUDIT_OUTCOME],
				   r->col[EP_DB_AUDIT_REQUEST_ID], r->col[EP_DB_AUDIT_DETAIL],
				   r->col[EP_DB_AUDIT_PREV_HASH], buf, sizeof buf);
	if (n == 0 || fwrite(buf, 1, n, w->f) != n) {
		w->failed = 1;
		return 1;
	}
	w->n++;
	w->bytes += n;
	return 0;
}

/* A small deterministic PRNG (xorshift64*), so that every run writes the same records. */
static uint64_t rng_state = 20261123;
static uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ull;
}

int main(int argc, char **argv)
{
	if (argc != 5 && argc != 6) {
		fprintf(stderr, "usage: audit_fill DB N ANCHOR_FILE BYTES_FILE [ANCHOR_EVERY]\n");
		return 2;
	}
	int64_t n, every = 1;
	if (ep_parse_i64z(argv[2], 1, 100000000, &n) != EP_OK ||
	    (argc == 6 && ep_parse_i64z(argv[5], 1, 100000000, &every) != EP_OK)) {
		fprintf(stderr, "audit_fill: N and ANCHOR_EVERY are numbers from 1\n");
		return 2;
	}
	ep_db *db;
	ep_err err;
	ep_db_opts opts = {.create = false};
	if (ep_db_open(argv[1], &opts, &db, &err) != EP_OK || ep_db_require_current(db, &err) != EP_OK) {
		fprintf(stderr, "audit_fill: %s\n", err.msg);
		return 1;
	}
	static const char *const users[] = {"alice.martin", "bogdan.nowak", "carla.rossi", "dieter.weber", "system",
					    "anonymous"};
	static const char *const orgs[] = {"EUROPOL", "FRONTEX", "DE", "IT", "PL", NULL};
	static const char *const actions[] = {"actions.write", "actions.read", "login", "oaps.write", "documents.read",
					      "kpis.write"};
	static const char *const kinds[] = {"actions", "actions", NULL, "oaps", "documents", "kpis"};
	static const char *const outcomes[] = {"ok", "ok", "ok", "ok", "denied", "failed"};
	/* The hash of every record is kept for the anchor file, written after the commit as the
	 * server would after each of its commits. */
	char (*heads)[EP_AUDIT_HASH_HEX] = malloc((size_t)n * sizeof *heads);
	if (!heads) {
		fprintf(stderr, "audit_fill: out of memory\n");
		return 1;
	}
	double t0 = now_s();
	if (ep_db_begin(db, &err) != EP_OK)
		goto fail;
	for (int64_t i = 0; i < n; i++) {
		uint64_t r = rng();
		char rid[24];
		snprintf(rid, sizeof rid, "%016llx", (unsigned long long)rng());
		int u = (int)(r % 6), a = (int)((r >> 8) % 6);
		ep_audit_rec rec = {
			.actor_id = u < 4 ? u + 1 : 0,
			.actor = users[u],
			.org_code = orgs[u],
			.action = actions[a],
			.object_kind = kinds[a],
			.object_id = kinds[a] ? (int64_t)((r >> 16) % 100000) + 1 : 0,
			.outcome = outcomes[(r >> 40) % 6],
			.request_id = u == 4 ? NULL : rid,
			.detail = (r >> 48) % 4 == 0 ? "changed the title and the description" : NULL,
		};
		int64_t id;
		if (ep_audit_append(db, &rec, &id, heads[i], &err) != EP_OK)
			goto fail;
	}
	if (ep_db_commit(db, &err) != EP_OK)
		goto fail;
	double t1 = now_s();
	for (int64_t i = 0; i < n; i++)
		if ((i + 1) % every == 0 || i + 1 == n)
			if (ep_audit_anchor(argv[3], i + 1, heads[i], &err) != EP_OK)
				goto fail;
	double t2 = now_s();
	writer w = {.f = fopen(argv[4], "wb")};
	if (!w.f) {
		fprintf(stderr, "audit_fill: cannot write %s\n", argv[4]);
		return 1;
	}
	if (ep_db_audit_each(db, write_row, &w, &err) != EP_OK || w.failed || fclose(w.f) != 0) {
		fprintf(stderr, "audit_fill: cannot write the canonical bytes to %s\n", argv[4]);
		return 1;
	}
	printf("appended %lld records in %.2f s, anchored in %.2f s; %lld records, %zu canonical bytes in %s\n",
	       (long long)n, t1 - t0, t2 - t1, (long long)w.n, w.bytes, argv[4]);
	free(heads);
	ep_db_close(db);
	return 0;
fail:
	fprintf(stderr, "audit_fill: %s\n", err.msg);
	return 1;
}
