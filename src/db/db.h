/*
 * The storage interface of empact. Everything above src/db/ stores and reads through these
 * functions and never sees SQL; the SQLite backend implements them (db_*.c), and a PostgreSQL
 * backend can implement the same header later.
 *
 * Conventions: functions return an ep_status and fill err on failure. EP_E_NOTFOUND means no
 * such row, EP_E_CONFLICT a uniqueness or version clash, EP_E_INTERNAL a database fault.
 * Readers that take a callback (*_each) pass each row in order; the row's strings are valid
 * until the callback returns; a callback that returns non-zero stops the walk and the reader
 * returns EP_E_INTERNAL with the message "stopped". One ep_db belongs to one thread at a time.
 */
#ifndef EP_DB_H
#define EP_DB_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "core/arena.h"
#include "core/status.h"
#include "db/model.h"

typedef struct ep_db ep_db;

typedef struct ep_db_opts {
	bool create;             /* create the file if it does not exist */
	int64_t busy_timeout_ms; /* how long a write waits for another writer */
} ep_db_opts;

/* Opens the database at path. A missing file (unless create), a file that is not a database,
 * and a database whose schema is newer than this empact knows are errors with a message that
 * says so and what to do. Does not migrate. */
ep_status ep_db_open(const char *path, const ep_db_opts *opts, ep_db **out, ep_err *err);
void ep_db_close(ep_db *db);

/* The schema version this empact knows (the number of its last migration). */
int ep_db_latest_schema(void);
/* The version the database is at (0 for a new, empty file). */
ep_status ep_db_schema_version(ep_db *db, int *version, ep_err *err);
/* Applies every migration newer than the database, each in its own transaction, recording it.
 * *applied (may be NULL) gets the number applied. */
ep_status ep_db_migrate(ep_db *db, int *applied, ep_err *err);
/* EP_OK if the database is at the latest schema; otherwise an error telling to run migrate. */
ep_status ep_db_require_current(ep_db *db, ep_err *err);

/* A stamp that changes whenever the database may have changed since it was last taken on this
 * connection: another connection's commit (PRAGMA data_version) or this one's own changes.
 * Responses built from the database can be reused while the stamp is the same. */
ep_status ep_db_change_stamp(ep_db *db, uint64_t stamp[2], ep_err *err);

/* How often, across all connections, a statement had to wait for another writer. */
uint64_t ep_db_busy_retries(void);

/* Transactions nest: an inner begin/commit/rollback is a savepoint of the outer one. */
ep_status ep_db_begin(ep_db *db, ep_err *err);
ep_status ep_db_commit(ep_db *db, ep_err *err);
/* Rolls back the open transaction, if any. Never fails in a way the caller can act on. */
void ep_db_rollback(ep_db *db);
bool ep_db_in_transaction(const ep_db *db);

/* Row counts of the main tables, for summaries. */
typedef struct ep_db_counts {
	int64_t organisations, cycles, priorities, goals, shared_goals, oaps, sections, actions,
		participants, kpis, documents;
} ep_db_counts;
ep_status ep_db_counts_get(ep_db *db, ep_db_counts *c, ep_err *err);

/* ---- writers (used inside a transaction) ---- */
ep_status ep_db_org_insert(ep_db *db, const ep_org *o, int64_t *id, ep_err *err);
ep_status ep_db_cycle_insert(ep_db *db, const ep_cycle *c, int64_t *id, ep_err *err);
ep_status ep_db_priority_insert(ep_db *db, const ep_priority *p, int64_t *id, ep_err *err);
ep_status ep_db_priority_driver_add(ep_db *db, int64_t priority_id, int64_t org_id, const char *role,
				    int64_t position, ep_err *err);
ep_status ep_db_priority_agency_add(ep_db *db, int64_t priority_id, int64_t org_id, int64_t position, ep_err *err);
ep_status ep_db_goal_insert(ep_db *db, const ep_goal *g, int64_t *id, ep_err *err);
ep_status ep_db_shared_goal_insert(ep_db *db, const ep_shared_goal *g, int64_t *id, ep_err *err);
ep_status ep_db_shared_goal_priority_add(ep_db *db, int64_t shared_goal_id, int64_t priority_id,
					 int64_t position, ep_err *err);
ep_status ep_db_footnote_insert(ep_db *db, const ep_footnote *f, ep_err *err);
ep_status ep_db_oap_insert(ep_db *db, const ep_oap *o, int64_t *id, ep_err *err);
ep_status ep_db_oap_driver_add(ep_db *db, int64_t oap_id, int64_t org_id, const char *role, int64_t position,
			       ep_err *err);
ep_status ep_db_section_insert(ep_db *db, const ep_section *s, int64_t *id, ep_err *err);
ep_status ep_db_action_insert(ep_db *db, const ep_action *a, int64_t *id, ep_err *err);
ep_status ep_db_action_predecessor_set(ep_db *db, int64_t action_id, int64_t predecessor_id, ep_err *err);
ep_status ep_db_action_leader_add(ep_db *db, int64_t action_id, int64_t org_id, const char *role,
				  int64_t position, ep_err *err);
ep_status ep_db_action_participant_add(ep_db *db, int64_t action_id, int64_t org_id, const char *status,
				       int64_t position, ep_err *err);
ep_status ep_db_action_goal_add(ep_db *db, int64_t action_id, int64_t goal_id, int64_t position, ep_err *err);
ep_status ep_db_action_xref_add(ep_db *db, int64_t from_id, int64_t to_id, const char *note, int64_t position,
				ep_err *err);
ep_status ep_db_kpi_insert(ep_db *db, const ep_kpi *k, int64_t *id, ep_err *err);
ep_status ep_db_document_insert(ep_db *db, const ep_document *d, int64_t *id, ep_err *err);
ep_status ep_db_document_code_add(ep_db *db, int64_t document_id, const char *code, int64_t position, ep_err *err);
ep_status ep_db_document_previous_add(ep_db *db, int64_t document_id, const char *ref, int64_t position,
				      ep_err *err);
ep_status ep_db_passage_insert(ep_db *db, const ep_passage *p, int64_t *id, ep_err *err);
ep_status ep_db_redaction_insert(ep_db *db, const ep_redaction *r, ep_err *err);
/* Partial declassification: the next free EXT number of a document number; clearing an EXT
 * version's redaction map; its state ("proposed" by, "issued" signed off by); issuing it. */
ep_status ep_db_document_next_ext(ep_db *db, const char *number, int64_t *n, ep_err *err);
ep_status ep_db_redactions_clear(ep_db *db, int64_t document_id, ep_err *err);
ep_status ep_db_document_declass_set(ep_db *db, int64_t id, const char *state, const char *by, ep_err *err);
ep_status ep_db_document_issue(ep_db *db, int64_t id, const char *date, ep_err *err);
/* A document's subject codes, and its redaction map as [{passage|section, decision, reason}]. */
ep_status ep_db_document_codes(ep_db *db, int64_t document_id, json_t **out, ep_err *err);
ep_status ep_db_document_redactions_json(ep_db *db, int64_t document_id, json_t **out, ep_err *err);

/* ---- lookups by natural key (EP_E_NOTFOUND when absent) ---- */
ep_status ep_db_org_id(ep_db *db, const char *code, int64_t *id, ep_err *err);
/* Strings of *out are copied into a. */
ep_status ep_db_cycle_find(ep_db *db, const char *label, ep_arena *a, ep_cycle *out, ep_err *err);
ep_status ep_db_priority_id(ep_db *db, int64_t cycle_id, const char *code, int64_t *id, ep_err *err);
ep_status ep_db_goal_id(ep_db *db, int64_t priority_id, int64_t number, int64_t *id, ep_err *err);
ep_status ep_db_oap_id(ep_db *db, int64_t priority_id, int64_t first_year, int64_t revision, int64_t *id,
		       ep_err *err);
ep_status ep_db_action_id(ep_db *db, int64_t oap_id, const char *number, int64_t *id, ep_err *err);
ep_status ep_db_section_exists(ep_db *db, int64_t oap_id, const char *number, ep_err *err);
ep_status ep_db_document_id(ep_db *db, const char *number, const char *suffix, int64_t *id, ep_err *err);
ep_status ep_db_passage_exists(ep_db *db, int64_t document_id, const char *key, ep_err *err);

/* ---- readers ---- */
typedef int (*ep_org_fn)(void *ctx, const ep_org *o);
typedef int (*ep_cycle_fn)(void *ctx, const ep_cycle *c);
typedef int (*ep_priority_fn)(void *ctx, const ep_priority *p);
typedef int (*ep_goal_fn)(void *ctx, const ep_goal *g);
typedef int (*ep_shared_goal_fn)(void *ctx, const ep_shared_goal *g);
typedef int (*ep_footnote_fn)(void *ctx, const ep_footnote *f);
typedef int (*ep_section_fn)(void *ctx, const ep_section *s);
typedef int (*ep_action_fn)(void *ctx, const ep_action *a);
typedef int (*ep_kpi_fn)(void *ctx, const ep_kpi *k);
typedef int (*ep_passage_fn)(void *ctx, const ep_passage *p);
typedef int (*ep_redaction_fn)(void *ctx, const ep_redaction *r);

/* An OAP with the natural keys that name it. */
typedef struct ep_oap_row {
	ep_oap oap;
	const char *cycle_label, *priority_code;
} ep_oap_row;
typedef int (*ep_oap_fn)(void *ctx, const ep_oap_row *o);

/* A Council document with the natural keys of what it carries and of its parent. */
typedef struct ep_document_row {
	ep_document doc;
	const char *cycle_label;                            /* NULL if none */
	const char *oap_cycle, *oap_priority;               /* NULL if no OAP */
	int64_t oap_first_year, oap_revision;
	const char *parent_number, *parent_suffix;          /* NULL if no parent */
} ep_document_row;
typedef int (*ep_document_fn)(void *ctx, const ep_document_row *d);

/* A row of a small list hanging from an owner: (a, b) texts, b may be NULL. */
typedef int (*ep_pair_fn)(void *ctx, const char *a, const char *b);
typedef enum ep_pairs {
	EP_PAIRS_PRIORITY_DRIVERS,      /* org code, role */
	EP_PAIRS_PRIORITY_AGENCIES,     /* org code */
	EP_PAIRS_SHARED_GOAL_PRIORITIES, /* priority code */
	EP_PAIRS_OAP_DRIVERS,           /* org code, role */
	EP_PAIRS_DOCUMENT_CODES,        /* subject code */
	EP_PAIRS_DOCUMENT_PREVIOUS,     /* reference */
} ep_pairs;

/* A row of a per-action list, for all actions of one OAP at once, ordered by the action's
 * position: a leader (org code, role), a participant (org code, status), a goal (number), a
 * cross-reference (target's OAP keys, number and note). */
typedef struct ep_action_link {
	int64_t action_id;
	const char *a, *b;       /* leader/participant: org code, role/status; xref: number, note */
	int64_t n;               /* goal: number */
	const char *cycle, *priority; /* xref target's OAP */
	int64_t first_year, revision;
} ep_action_link;
typedef int (*ep_action_link_fn)(void *ctx, const ep_action_link *l);
typedef enum ep_action_links {
	EP_LINKS_LEADERS,
	EP_LINKS_PARTICIPANTS,
	EP_LINKS_GOALS,
	EP_LINKS_XREFS,
	EP_LINKS_PREDECESSOR,
} ep_action_links;

ep_status ep_db_orgs_each(ep_db *db, ep_org_fn fn, void *ctx, ep_err *err);
/* Organisations referred to by anything in the cycle (drivers, agencies, leaders, participants). */
ep_status ep_db_orgs_of_cycle_each(ep_db *db, int64_t cycle_id, ep_org_fn fn, void *ctx, ep_err *err);
/* cycle_id 0: all cycles, by label. */
ep_status ep_db_cycles_each(ep_db *db, int64_t cycle_id, ep_cycle_fn fn, void *ctx, ep_err *err);
ep_status ep_db_priorities_each(ep_db *db, int64_t cycle_id, ep_priority_fn fn, void *ctx, ep_err *err);
ep_status ep_db_goals_each(ep_db *db, int64_t priority_id, ep_goal_fn fn, void *ctx, ep_err *err);
ep_status ep_db_shared_goals_each(ep_db *db, int64_t cycle_id, ep_shared_goal_fn fn, void *ctx, ep_err *err);
ep_status ep_db_footnotes_each(ep_db *db, ep_owner owner, int64_t owner_id, ep_footnote_fn fn, void *ctx,
			       ep_err *err);
ep_status ep_db_pairs_each(ep_db *db, ep_pairs kind, int64_t owner_id, ep_pair_fn fn, void *ctx, ep_err *err);
/* cycle_id 0: every OAP. Ordered by cycle label, priority position, first year, revision. */
ep_status ep_db_oaps_each(ep_db *db, int64_t cycle_id, ep_oap_fn fn, void *ctx, ep_err *err);
ep_status ep_db_sections_each(ep_db *db, int64_t oap_id, ep_section_fn fn, void *ctx, ep_err *err);
ep_status ep_db_actions_each(ep_db *db, int64_t oap_id, ep_action_fn fn, void *ctx, ep_err *err);
ep_status ep_db_action_links_each(ep_db *db, ep_action_links kind, int64_t oap_id, ep_action_link_fn fn,
				  void *ctx, ep_err *err);
/* KPIs of every action of the OAP, ordered by action position then KPI position. */
ep_status ep_db_action_kpis_each(ep_db *db, int64_t oap_id, ep_kpi_fn fn, void *ctx, ep_err *err);
/* cycle_id 0: every document. Ordered by number, then suffix. With a cycle: the documents that
 * carry the cycle or one of its OAPs, and their EXT/REV versions. */
ep_status ep_db_documents_each(ep_db *db, int64_t cycle_id, ep_document_fn fn, void *ctx, ep_err *err);
ep_status ep_db_passages_each(ep_db *db, int64_t document_id, ep_passage_fn fn, void *ctx, ep_err *err);
ep_status ep_db_redactions_each(ep_db *db, int64_t document_id, ep_redaction_fn fn, void *ctx, ep_err *err);

#endif
