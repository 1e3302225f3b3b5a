/*
 * The domain rules of empact: what makes each entity valid on its own, whoever creates or
 * changes it (the dataset loader now, the API and the web UI later). Each check adds one
 * problem per broken rule to errs, at "PATH.FIELD", and never stops at the first. Rules that
 * need other rows (uniqueness, references, an OAP inside its cycle) take those rows as
 * arguments, so that callers resolve them from wherever they live.
 */
#ifndef EP_SVC_RULES_H
#define EP_SVC_RULES_H

#include <stdbool.h>

#include "core/classif.h"
#include "core/status.h"
#include "db/model.h"

/* Limits on texts, in bytes. */
#define EP_MAX_TEXT 65536
#define EP_MAX_NAME 1024
#define EP_MAX_CODE 32

typedef struct ep_rules {
	ep_class max_class; /* the installation's accredited maximum */
} ep_rules;

/* Adds "PATH.FIELD: message" (PATH alone when field is NULL or ""). */
void ep_rule_problem(ep_errs *errs, const char *path, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Shared field rules. Each returns true when the value passes. */
bool ep_rule_text(ep_errs *errs, const char *path, const char *field, const char *value, bool required,
		  size_t max);
bool ep_rule_enum(ep_errs *errs, const char *path, const char *field, const char *value,
		  const char *const *allowed);
bool ep_rule_date(ep_errs *errs, const char *path, const char *field, const char *value);
bool ep_rule_class(const ep_rules *r, ep_errs *errs, const char *path, const char *field, ep_class c);

/* Vocabularies, NULL-terminated. */
extern const char *const ep_org_kinds[];
extern const char *const ep_disciplines[];
extern const char *const ep_cycle_statuses[];
extern const char *const ep_oap_statuses[];
extern const char *const ep_action_statuses[];
extern const char *const ep_participant_statuses[];
extern const char *const ep_kpi_directions[];
extern const char *const ep_kpi_aggregations[];
extern const char *const ep_redaction_decisions[];

void ep_rule_org(const ep_rules *r, const ep_org *o, const char *path, ep_errs *errs);
void ep_rule_cycle(const ep_rules *r, const ep_cycle *c, const char *path, ep_errs *errs);
void ep_rule_priority(const ep_rules *r, const ep_priority *p, const char *path, ep_errs *errs);
void ep_rule_goal(const ep_rules *r, const ep_goal *g, const char *path, ep_errs *errs);
void ep_rule_shared_goal(const ep_rules *r, const ep_shared_goal *g, const char *path, ep_errs *errs);
/* The anchor must occur in one of the texts (text2 may be NULL). */
void ep_rule_footnote(const ep_footnote *f, const char *text, const char *text2, const char *path, ep_errs *errs);
/* cycle may be NULL when the cycle could not be resolved (then the year rules are skipped). */
void ep_rule_oap(const ep_rules *r, const ep_oap *o, const ep_cycle *cycle, const char *path, ep_errs *errs);
void ep_rule_section(const ep_rules *r, const ep_section *s, const ep_oap *oap, const char *path, ep_errs *errs);
void ep_rule_action(const ep_rules *r, const ep_action *a, const ep_oap *oap, const char *path, ep_errs *errs);
void ep_rule_kpi(const ep_rules *r, const ep_kpi *k, const char *path, ep_errs *errs);
/* A Council document number: "NNNN/YY" or "NNNN/R/YY". */
bool ep_rule_is_doc_number(const char *s);
/* A suffix: "", "REV n", "EXT n", "ADD n", "COR n". */
bool ep_rule_is_doc_suffix(const char *s);
/* A subject code under a document number: capitals, a space, a number ("JAI 988"). */
bool ep_rule_is_subject_code(const char *s);
/* has_parent: whether the document names a parent. */
void ep_rule_document(const ep_rules *r, const ep_document *d, bool has_parent, const char *path, ep_errs *errs);
/* first: the passage is the first of its document (which cannot continue a paragraph). */
void ep_rule_passage(const ep_rules *r, const ep_passage *p, const ep_document *doc, bool first, const char *path,
		     ep_errs *errs);
/* target_held: the passage or section it names has its text in empact. */
void ep_rule_redaction(const ep_redaction *x, bool target_held, const char *path, ep_errs *errs);

#endif
