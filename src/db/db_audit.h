/*
 * Storage of the audit trail (schema 1): the head of the chain, appending a record with its id
 * chosen by the caller, and two readers: every record in id order (for verification) and a
 * filtered page, newest first (for the API). The table is append-only: triggers refuse UPDATE
 * and DELETE, so nothing here changes or removes a record.
 */
#ifndef EP_DB_AUDIT_H
#define EP_DB_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "db/db.h"

#define EP_DB_AUDIT_HASH_HEX 65 /* 64 hex digits + NUL */

/* A record to store: every column. actor_id and object_id 0 store NULL. */
typedef struct ep_db_audit_rec {
	int64_t id;
	const char *at;
	int64_t actor_id;
	const char *actor, *org_code, *action, *object_kind;
	int64_t object_id;
	const char *outcome, *request_id, *detail, *prev_hash, *hash;
} ep_db_audit_rec;

/* The columns of a stored record in the order of the canonical encoding (audit/audit.h), and
 * then the stored hash. */
enum {
	EP_DB_AUDIT_ID,
	EP_DB_AUDIT_AT,
	EP_DB_AUDIT_ACTOR_ID,
	EP_DB_AUDIT_ACTOR,
	EP_DB_AUDIT_ORG_CODE,
	EP_DB_AUDIT_ACTION,
	EP_DB_AUDIT_OBJECT_KIND,
	EP_DB_AUDIT_OBJECT_ID,
	EP_DB_AUDIT_OUTCOME,
	EP_DB_AUDIT_REQUEST_ID,
	EP_DB_AUDIT_DETAIL,
	EP_DB_AUDIT_PREV_HASH,
	EP_DB_AUDIT_HASH,
	EP_DB_AUDIT_NCOLS
};

/* A stored record as it is, for hashing: each column as its text (integers in decimal), with
 * its length in bytes, or NULL for SQL NULL. The integers are also given as numbers (0 for
 * NULL). Valid until the callback returns. */
typedef struct ep_db_audit_row {
	int64_t id, actor_id, object_id;
	const char *col[EP_DB_AUDIT_NCOLS];
	size_t len[EP_DB_AUDIT_NCOLS];
	char num[3][24]; /* where the integer columns are formatted */
} ep_db_audit_row;
typedef int (*ep_db_audit_fn)(void *ctx, const ep_db_audit_row *r);

/* The last record's id and hash; *id 0 and hash "" when the trail is empty. */
ep_status ep_db_audit_head(ep_db *db, int64_t *id, char hash[EP_DB_AUDIT_HASH_HEX], ep_err *err);
/* Stores a record with the id it carries (EP_E_CONFLICT if that id is taken). */
ep_status ep_db_audit_insert(ep_db *db, const ep_db_audit_rec *r, ep_err *err);
/* Every record, in id order, with one statement. */
ep_status ep_db_audit_each(ep_db *db, ep_db_audit_fn fn, void *ctx, ep_err *err);

/* The filters of a page; 0 or NULL: no filter. */
typedef struct ep_db_audit_filter {
	const char *object_kind;
	int64_t object_id;
	const char *actor;   /* the actor column (a user name) */
	const char *since;   /* at >= since */
	const char *until;   /* at < until */
	const char *outcome;
	int64_t before_id;   /* id < before_id */
	int64_t limit;       /* at most this many rows */
} ep_db_audit_filter;
/* The matching records, newest (highest id) first. */
ep_status ep_db_audit_list(ep_db *db, const ep_db_audit_filter *f, ep_db_audit_fn fn, void *ctx, ep_err *err);

#endif
