/*
 * The records empact stores, as the storage interface reads and writes them. Strings are
 * borrowed: on the way in they belong to the caller; on the way out they live in the arena the
 * caller passed, or (for the *_each readers) until the callback returns. Ids are database ids;
 * 0 means "none". Optional texts are NULL when absent.
 */
#ifndef EP_MODEL_H
#define EP_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "core/classif.h"

typedef struct ep_org {
	int64_t id;
	const char *code, *kind, *name, *country, *discipline;
	bool archived;
	int64_t version;
} ep_org;

typedef struct ep_cycle {
	int64_t id;
	const char *label;
	int64_t first_year, last_year, oap_period_years;
	const char *threat_assessment, *priorities_document, *status;
	int64_t version;
} ep_cycle;

typedef struct ep_priority {
	int64_t id, cycle_id, position;
	const char *code, *short_name, *aim;
	int64_t version;
} ep_priority;

typedef struct ep_goal {
	int64_t id, priority_id, number;
	const char *subgroup, *text;
	int64_t version;
} ep_goal;

typedef struct ep_shared_goal {
	int64_t id, cycle_id, number;
	const char *text, *scope;
	bool horizontal;
	int64_t version;
} ep_shared_goal;

/* What a footnote, a link row or a KPI hangs from. */
typedef enum ep_owner {
	EP_OWNER_GOAL,
	EP_OWNER_SHARED_GOAL,
	EP_OWNER_SECTION,
	EP_OWNER_PASSAGE,
	EP_OWNER_ACTION,
	EP_OWNER_OAP,
} ep_owner;

typedef struct ep_footnote {
	ep_owner owner;
	int64_t owner_id, position;
	const char *anchor, *text;
} ep_footnote;

typedef struct ep_oap {
	int64_t id, priority_id, first_year, last_year, revision;
	const char *title, *status;
	ep_class classification;
	ep_marking marking;
	int64_t version;
} ep_oap;

typedef struct ep_section {
	int64_t id, oap_id, position;
	const char *number, *heading, *text; /* text NULL: not held */
	ep_class classification;
	ep_marking marking;
	int64_t version;
} ep_section;

typedef struct ep_action {
	int64_t id, oap_id, position;
	const char *number, *title, *description, *what, *when_text, *where_text, *who, *how,
		*documentation_ref, *start_date, *end_date, *status;
	bool possible_jad;
	int64_t predecessor_id;
	bool has_budget;
	int64_t budget_cents;
	ep_class classification;
	ep_marking marking;
	int64_t version;
} ep_action;

typedef struct ep_kpi {
	int64_t id;
	ep_owner owner; /* EP_OWNER_ACTION, _OAP, _GOAL or _SHARED_GOAL */
	int64_t owner_id, position;
	const char *name, *unit, *direction, *aggregation;
	bool has_baseline;
	double baseline, target;
	int64_t feeds_kpi_id;
	int64_t version;
} ep_kpi;

typedef struct ep_document {
	int64_t id;
	const char *number, *suffix, *date, *language, *kind, *from, *to, *subject, *initials,
		*directorate, *new_status;
	ep_class classification;
	ep_marking marking;
	int64_t pages; /* 0: unknown */
	int64_t cycle_id, oap_id, parent_id;
	bool frozen;
	int64_t version;
} ep_document;

typedef struct ep_passage {
	int64_t id, document_id, position;
	const char *key, *heading, *text; /* text NULL: not held */
	bool inline_;
	ep_class classification;
	ep_marking marking;
	int64_t version;
} ep_passage;

typedef struct ep_redaction {
	int64_t id, document_id, position;
	const char *passage_key, *section_number; /* exactly one is set */
	const char *decision, *reason;
} ep_redaction;

#endif
