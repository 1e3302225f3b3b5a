/*
 * The tamper-evident audit trail. Each record says who did what to which object, when, with
 * what outcome and in which request, and carries the SHA-256 of the record before it; its own
 * hash covers a canonical encoding of all its fields, its id and that previous hash. A record
 * is appended inside the transaction of the change it records, so that a change and its record
 * commit together or not at all. After the commit the head of the chain (id and hash) is also
 * appended to a separate anchor file, so that even a rewrite of the whole chain with fresh
 * hashes is detected. ep_audit_verify recomputes everything and names the first bad record.
 *
 * Canonical encoding of a record, hashed with SHA-256 (hex, lower case):
 *   "empact-audit/1\n" then, for each of id, at, actor_id, actor, org_code, action,
 *   object_kind, object_id, outcome, request_id, detail, prev_hash in this order: "~" for NULL,
 *   otherwise the decimal byte length, ":", the bytes; each followed by ",".
 * Integers are written in decimal. The first record's prev_hash is 64 zeros.
 */
#ifndef EP_AUDIT_AUDIT_H
#define EP_AUDIT_AUDIT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/status.h"
#include "db/db.h"

#define EP_AUDIT_HASH_HEX 65 /* 64 hex digits + NUL */

typedef struct ep_audit_rec {
	int64_t actor_id;        /* 0: none (anonymous, or the system) */
	const char *actor;       /* user name, "anonymous" or "system"; required */
	const char *org_code;    /* the actor's organisation, or NULL */
	const char *action;      /* what was attempted: "actions.write", "login", "read", ...; required */
	const char *object_kind; /* the resource ("actions"), or NULL */
	int64_t object_id;       /* 0: none */
	const char *outcome;     /* "ok", "denied" or "failed"; required */
	const char *request_id;  /* or NULL */
	const char *detail;      /* a short sentence, never a secret; or NULL */
} ep_audit_rec;

/* Appends a record. Inside an open transaction it becomes part of it; otherwise it runs in a
 * transaction of its own. The time is now (UTC, seconds). *id and head (either may be NULL) get
 * the new record's id and hash, for ep_audit_anchor after the commit. */
ep_status ep_audit_append(ep_db *db, const ep_audit_rec *r, int64_t *id, char head[EP_AUDIT_HASH_HEX], ep_err *err);

/* Appends "ID HASH\n" to the anchor file at path (created 0600 if missing), with O_APPEND so
 * that concurrent writers never interleave within a line. NULL or "" path: does nothing. */
ep_status ep_audit_anchor(const char *path, int64_t id, const char *head, ep_err *err);

/* Anchors the current head of the chain (if there is any record). */
ep_status ep_audit_anchor_head(ep_db *db, const char *path, ep_err *err);

typedef enum ep_audit_problem {
	EP_AUDIT_GOOD = 0,
	EP_AUDIT_CHANGED,   /* a record's hash does not match its contents */
	EP_AUDIT_BROKEN,    /* a record's prev_hash is not the previous record's hash: removed,
			     * inserted or reordered before it */
	EP_AUDIT_GAP,       /* ids are not consecutive: a record was removed */
	EP_AUDIT_ANCHOR,    /* an anchor names a record that is missing or has another hash */
	EP_AUDIT_UNANCHORED /* records after the last anchor (appended without anchoring) */
} ep_audit_problem;

typedef struct ep_audit_report {
	int64_t records;         /* records checked */
	int64_t anchors;         /* anchor lines checked */
	ep_audit_problem problem;
	int64_t record_id;       /* the first bad record (or the anchor's record) */
	char message[512];       /* a sentence naming it */
} ep_audit_report;

/* Recomputes the whole chain and checks the anchor file (NULL or "": no anchor check; a
 * missing file when records exist is EP_AUDIT_ANCHOR). EP_OK with problem EP_AUDIT_GOOD when
 * everything holds; EP_OK with another problem when tampering is found (the report names the
 * first record); an error status only when the check itself could not run. */
ep_status ep_audit_verify(ep_db *db, const char *anchor_path, ep_audit_report *rep, ep_err *err);

/* The canonical bytes of a record (for the benchmark against sha256sum, and tests): writes
 * them to out (cap bytes), returns the length, or 0 if they do not fit. */
size_t ep_audit_encode(int64_t id, const char *at, int64_t actor_id, const char *actor, const char *org_code,
		       const char *action, const char *object_kind, int64_t object_id, const char *outcome,
		       const char *request_id, const char *detail, const char *prev_hash, char *out, size_t cap);

/* A page of the trail, newest first, for GET /api/v1/audit. Filters may be 0/NULL. */
typedef struct ep_audit_filter {
	const char *object_kind;
	int64_t object_id;
	const char *actor;  /* user name */
	const char *since;  /* "YYYY-MM-DDTHH:MM:SSZ" or a date, inclusive */
	const char *until;  /* exclusive */
	const char *outcome;
	int64_t before_id;  /* keyset cursor: records with id < before_id; 0 none */
	int64_t limit;      /* 1..500 */
} ep_audit_filter;

/* *items gets a JSON array of records ({id, at, actor_id, actor, org_code, action, object_kind,
 * object_id, outcome, request_id, detail, prev_hash, hash}); *next_before the cursor of the next
 * page, or 0 at the end. */
ep_status ep_audit_list(ep_db *db, const ep_audit_filter *f, json_t **items, int64_t *next_before, ep_err *err);

#endif
