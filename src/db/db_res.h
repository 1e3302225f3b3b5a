/*
 * Resources: the tables the API exposes, each described once by an ep_resdef (its fields,
 * their types, which can be written, filtered, sorted and searched). The storage functions
 * here read and write any resource from its description, with prepared statements whose SQL
 * is assembled only from the descriptions' identifiers, never from input. The same
 * descriptions drive validation (src/svc/) and the OpenAPI document (src/api/).
 */
#ifndef EP_DB_RES_H
#define EP_DB_RES_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"

typedef enum ep_ftype {
	EP_F_INT,
	EP_F_TEXT,
	EP_F_BOOL,
	EP_F_REAL,
	EP_F_DATE,
	EP_F_CLASS, /* stored 0-4, shown as its token */
	EP_F_MARK,  /* stored 0-1, shown as none / limite */
	EP_F_ENUM,
	EP_F_REF, /* the id of a row of another resource */
} ep_ftype;

enum {
	EP_F_REQUIRED = 1,  /* must be given on create */
	EP_F_READONLY = 2,  /* never written by a client (a workflow state, a derived flag) */
	EP_F_FIXED = 4,     /* may be given on create, never changed after */
	EP_F_FILTER = 8,    /* ?name=value filters lists */
	EP_F_SORT = 16,     /* ?sort=name orders lists */
	EP_F_SEARCH = 32,   /* indexed for ?q= full-text search */
	EP_F_NULLABLE = 64, /* may be set to null */
};

typedef struct ep_field {
	const char *name;   /* in JSON */
	const char *column; /* in SQL */
	ep_ftype type;
	unsigned flags;
	int64_t min, max;          /* EP_F_INT range; EP_F_TEXT most bytes */
	const char *const *values; /* EP_F_ENUM */
	const char *ref;           /* EP_F_REF: the resource referred to */
	const char *doc;           /* a sentence for the OpenAPI document */
} ep_field;

typedef struct ep_resdef {
	const char *name;     /* "operational-actions" style plural used in paths: "actions" */
	const char *singular; /* "action", for messages */
	const char *table;
	const ep_field *fields;
	size_t nfields;
	bool archive;          /* DELETE archives (the table has archived) */
	bool has_version;      /* the table has version */
	const char *fts;       /* the FTS5 table for ?q=, or NULL */
	const char *doc;
	/* Who may read a row: an SQL condition on the row (alias t) over the parameters of
	 * ep_vis (?91 to ?97, see db_res_defs.c). Lists, searches and reads add it to
	 * their WHERE, so what a caller may not read is never selected. */
	const char *vis;
	/* The row's place in the plan: SELECT priority_id, oap_id, action_id FROM table t ...
	 * (NULLs where it has none), for the scope of the roles that may change it. */
	const char *scope;
} ep_resdef;

/* What a caller may read: the values the visibility conditions bind. */
typedef struct ep_vis {
	int clearance; /* the highest classification the caller may read */
	int limite;    /* 1: may read LIMITE content */
	int all;       /* 1: need to know covers every OAP and action */
	int member;    /* 1: a member of the EMPACT community, not the public */
	const char *priorities; /* JSON arrays of the ids in the caller's scope, such as "[3]" */
	const char *oaps;
	const char *actions;
} ep_vis;

/* Where a row sits: its priority, OAP and action (0 where none). */
typedef struct ep_scope {
	int64_t priority_id, oap_id, action_id;
} ep_scope;

/* The scope of row id of d, if the caller (vis; NULL: anyone) may read it; EP_E_NOTFOUND
 * otherwise, whether the row is missing or hidden. */
ep_status ep_db_res_scope(ep_db *db, const ep_resdef *d, int64_t id, const ep_vis *vis, ep_scope *out, ep_err *err);

/* Every resource, and one by name (NULL if unknown). */
const ep_resdef *ep_resdefs(size_t *n);
const ep_resdef *ep_resdef_find(const char *name);
const ep_field *ep_resdef_field(const ep_resdef *d, const char *name);

/* A list request: equality filters, one sort key, a page size and a keyset cursor. */
#define EP_LIST_MAX_FILTERS 8
/* The longest sort value a cursor carries: a sortable text is at most a name (1,024 bytes). */
#define EP_SORT_VALUE_MAX 1025
typedef struct ep_list_opts {
	struct {
		const ep_field *field;
		const char *value; /* as text; NULL matches SQL NULL */
	} filters[EP_LIST_MAX_FILTERS];
	size_t nfilters;
	const ep_field *sort; /* NULL: by id */
	bool desc;
	int64_t limit;
	bool has_cursor;
	char cursor_value[EP_SORT_VALUE_MAX]; /* the sort value of the last row seen */
	int64_t cursor_id;      /* and its id */
	const char *q;          /* full-text search, or NULL */
	bool include_archived;
	const ep_vis *vis;      /* what the caller may read; NULL: everything */
} ep_list_opts;

/* Reads one row as a JSON object (id, every field, version). EP_E_NOTFOUND if absent. */
ep_status ep_db_res_get(ep_db *db, const ep_resdef *d, int64_t id, json_t **out, ep_err *err);
/* Reads a page. *items gets a JSON array; *more whether another page follows, in which case
 * last_value/last_id describe the last row for the next cursor (EP_E_INTERNAL if its sort value
 * does not fit in last_value_len). */
ep_status ep_db_res_list(ep_db *db, const ep_resdef *d, const ep_list_opts *o, json_t **items, bool *more,
			 char *last_value, size_t last_value_len, int64_t *last_id, ep_err *err);
/* Inserts obj's fields (already validated). */
ep_status ep_db_res_insert(ep_db *db, const ep_resdef *d, json_t *obj, int64_t *id, ep_err *err);
/* Updates the fields present in patch where the row is at version; EP_E_CONFLICT with
 * err->field "version" when the version is stale, EP_E_NOTFOUND when there is no row. */
ep_status ep_db_res_update(ep_db *db, const ep_resdef *d, int64_t id, int64_t version, json_t *patch,
			   int64_t *new_version, ep_err *err);
/* Archives (archive resources) or deletes the row at version. A row still referred to is
 * EP_E_CONFLICT. */
ep_status ep_db_res_delete(ep_db *db, const ep_resdef *d, int64_t id, int64_t version, ep_err *err);
/* Whether the row of resource ref with id exists. */
ep_status ep_db_res_exists(ep_db *db, const char *ref, int64_t id, ep_err *err);
/* Sets one column to a value (a workflow state) at version, bumping it. */
ep_status ep_db_res_set_state(ep_db *db, const ep_resdef *d, int64_t id, int64_t version, const char *column,
			      const char *value, int64_t *new_version, ep_err *err);
/* Bumps the version of a row whose links changed. */
ep_status ep_db_res_touch(ep_db *db, const ep_resdef *d, int64_t id, int64_t version, int64_t *new_version,
			  ep_err *err);

#endif
