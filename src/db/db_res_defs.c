/*
 * The descriptions of every resource the API exposes (see db_res.h): one table each, naming
 * the JSON field, the column, the type and what a client may do with it.
 */
#include "db/db_res.h"

#include <string.h>

#include "core/banned.h"

#define F(name, col, type, flags) {name, col, type, flags, 0, 0, NULL, NULL, NULL}
#define T(name, col, flags, max, doc) {name, col, EP_F_TEXT, flags, 0, max, NULL, NULL, doc}
#define I(name, col, flags, lo, hi, doc) {name, col, EP_F_INT, flags, lo, hi, NULL, NULL, doc}
#define E(name, col, flags, vals, doc) {name, col, EP_F_ENUM, flags, 0, 0, vals, NULL, doc}
#define R(name, col, flags, ref, doc) {name, col, EP_F_REF, flags, 1, INT64_MAX, NULL, ref, doc}
#define D(name, col, flags, doc) {name, col, EP_F_DATE, flags, 0, 0, NULL, NULL, doc}
#define B(name, col, flags, doc) {name, col, EP_F_BOOL, flags, 0, 0, NULL, NULL, doc}
#define N(name, col, flags, doc) {name, col, EP_F_REAL, flags, 0, 0, NULL, NULL, doc}
#define CLASS_FIELDS                                                                                          \
	{"classification", "classification", EP_F_CLASS, EP_F_FILTER, 0, 0, NULL, NULL,                        \
	 "unclassified, restreint_ue, confidentiel_ue, secret_ue or tres_secret_ue"},                            \
	{                                                                                                     \
		"marking", "marking", EP_F_MARK, EP_F_FILTER, 0, 0, NULL, NULL, "none or limite"              \
	}

#define NAME 1024
#define TEXT 65536
#define CODE 32

enum { RQ = EP_F_REQUIRED, RO = EP_F_READONLY, FX = EP_F_FIXED, FI = EP_F_FILTER, SO = EP_F_SORT,
       SE = EP_F_SEARCH, NU = EP_F_NULLABLE };

static const char *const org_kinds[] = {"member_state", "member_state_authority", "eu_institution", "eu_body",
					"eu_agency", "third_country", "international_organisation",
					"private_partner", "ngo", NULL};
static const char *const disciplines[] = {"police", "customs", "border", "judicial", "tax", "immigration", "multi", NULL};
static const char *const cycle_statuses[] = {"planning", "active", "closed", NULL};
static const char *const oap_statuses[] = {"drafting", "agreed_at_nec", "submitted_to_cosi", "adopted",
					   "in_implementation", "final_report", "closed", NULL};
static const char *const action_statuses[] = {"proposed", "planned", "ongoing", "completed", "not_completed",
					      "cancelled", "continued", NULL};
static const char *const directions[] = {"increase", "decrease", "maintain", NULL};
static const char *const aggregations[] = {"sum", "max", "latest", NULL};
static const char *const round_statuses[] = {"planned", "open", "compiled", "closed", NULL};
static const char *const grant_schemes[] = {"empact_grant", "low_value_grant", "isf", "other", NULL};
static const char *const grant_statuses[] = {"applied", "awarded", "rejected", "in_progress", "closed", NULL};
static const char *const practice_kinds[] = {"good", "bad", NULL};
static const char *const overlap_statuses[] = {"open", "decided", "dismissed", NULL};
static const char *const jad_statuses[] = {"planned", "conducted", "results_reported", "cancelled", NULL};
static const char *const practice_statuses[] = {"reported", "shared_with_est", "shared_with_necs", NULL};
static const char *const reported_statuses[] = {"planned", "ongoing", "completed", "not_completed", "cancelled",
						"continued", "status_unclear", NULL};
static const char *const report_statuses[] = {"requested", "draft", "submitted", "returned", "consolidated",
					      "compiled", "discussed_at_nec", "transmitted_to_cosi", NULL};
static const char *const follow_up_kinds[] = {"status_unclear", NULL};
static const char *const follow_up_statuses[] = {"open", "resolved", NULL};

/* The most a report may state as resources, in euro cents (one trillion euro): sums over every
 * report of a cycle stay far inside 64 bits. */
#define CENTS_MAX 100000000000000LL

static const ep_field org_f[] = {
	T("code", "code", RQ | FX | FI | SO, CODE, "the organisation's code (IT, FRONTEX)"),
	E("kind", "kind", RQ | FI, org_kinds, "what kind of organisation it is"),
	T("name", "name", RQ | SO | SE, NAME, "its name"),
	T("country", "country", FI | NU, 2, "two-letter country code"),
	E("discipline", "discipline", FI | NU, disciplines, "police, customs, border, judicial, tax, immigration or multi"),
};

static const ep_field cycle_f[] = {
	T("label", "label", RQ | FX | FI | SO, 9, "FIRST-LAST year, such as 2022-2025"),
	I("first_year", "first_year", RQ | SO, 2000, 2100, "first year of the cycle"),
	I("last_year", "last_year", RQ, 2000, 2100, "last year of the cycle"),
	I("oap_period_years", "oap_period_years", RQ, 1, 2, "how many years an OAP of the cycle covers"),
	T("threat_assessment", "threat_assessment", NU, NAME, "the threat assessment the priorities come from"),
	T("priorities_document", "priorities_document", NU, CODE, "the Council document that set the priorities"),
	E("status", "status", RQ | FI, cycle_statuses, "planning, active or closed"),
};

static const ep_field priority_f[] = {
	R("cycle_id", "cycle_id", RQ | FX | FI, "cycles", "the cycle"),
	T("code", "code", RQ | FI | SO, 8, "the priority's code in its cycle (A, 3)"),
	I("position", "position", RQ | SO, 1, 1000, "order of the priority in its cycle"),
	T("short_name", "short_name", RQ | SO | SE, NAME, "short name"),
	T("aim", "aim", RQ | SE, TEXT, "the priority as the Council worded it"),
};

static const ep_field goal_f[] = {
	R("priority_id", "priority_id", RQ | FX | FI, "priorities", "the priority"),
	I("number", "number", RQ | FI | SO, 1, 999, "goal number within the priority"),
	T("group", "subgroup", NU | FI, NAME, "sub-group of goals within the priority"),
	T("text", "text", RQ | SE, TEXT, "the goal"),
};

static const ep_field shared_goal_f[] = {
	R("cycle_id", "cycle_id", RQ | FX | FI, "cycles", "the cycle"),
	I("number", "number", RQ | SO, 1, 999, "number within the cycle"),
	T("text", "text", RQ | SE, TEXT, "the shared goal"),
	T("scope", "scope", NU, TEXT, "where it applies, as the source words it"),
	B("horizontal", "horizontal", FI, "a Common Horizontal Strategic Goal every OAP follows"),
};

static const ep_field oap_f[] = {
	R("priority_id", "priority_id", RQ | FX | FI, "priorities", "the priority"),
	I("first_year", "first_year", RQ | FX | FI | SO, 2000, 2100, "first year the OAP covers"),
	I("last_year", "last_year", RQ | FX, 2000, 2100, "last year the OAP covers"),
	I("revision", "revision", RO | FI, 0, 99, "0 for the original plan, n for REV n"),
	T("title", "title", RQ | SO | SE, NAME, "title"),
	E("status", "status", RO | FI, oap_statuses, "workflow state; changed through transitions"),
	CLASS_FIELDS,
};

static const ep_field section_f[] = {
	R("oap_id", "oap_id", RQ | FX | FI, "oaps", "the OAP"),
	T("number", "number", RQ | FI | SO, CODE, "section number (1, 4.2)"),
	I("position", "position", RQ | SO, 1, 1000, "order in the OAP"),
	T("heading", "heading", RQ | SE, NAME, "heading"),
	T("text", "text", NU | SE, TEXT, "text; null where empact does not hold it"),
	CLASS_FIELDS,
};

static const ep_field action_f[] = {
	R("oap_id", "oap_id", RQ | FX | FI, "oaps", "the OAP"),
	T("number", "number", RQ | FI | SO, CODE, "action number, unique in the OAP (3.2)"),
	I("position", "position", RQ | SO, 1, 1000000, "order in the annex table"),
	T("title", "title", RQ | SO | SE, NAME, "title"),
	T("description", "description", NU | SE, TEXT, "description"),
	T("what", "what", NU, TEXT, "what will be done"),
	T("when", "when_text", NU, TEXT, "when"),
	T("where", "where_text", NU, TEXT, "where"),
	T("who", "who", NU, TEXT, "who"),
	T("how", "how", NU, TEXT, "how"),
	T("documentation_ref", "documentation_ref", NU, NAME, "reference to the activity documentation"),
	D("start_date", "start_date", NU | FI, "start date"),
	D("end_date", "end_date", NU | FI, "end date"),
	B("possible_jad", "possible_jad", FI, "a possible Joint Action Day"),
	R("predecessor_id", "predecessor_id", NU | FI, "actions", "the action of an earlier OAP this one continues"),
	I("budget_cents", "budget_cents", NU, 0, INT64_MAX, "budget in euro cents"),
	E("status", "status", RO | FI, action_statuses, "workflow state; changed through transitions"),
	CLASS_FIELDS,
};

static const ep_field kpi_f[] = {
	R("action_id", "action_id", FX | FI | NU, "actions", "the action the KPI measures"),
	R("oap_id", "oap_id", FX | FI | NU, "oaps", "the OAP the KPI measures"),
	R("goal_id", "goal_id", FX | FI | NU, "goals", "the strategic goal the KPI measures"),
	R("shared_goal_id", "shared_goal_id", FX | FI | NU, "shared-goals", "the shared goal the KPI measures"),
	I("position", "position", RQ | SO, 1, 1000, "order"),
	T("name", "name", RQ | SO | SE, NAME, "name"),
	T("unit", "unit", NU, NAME, "unit"),
	N("baseline", "baseline", NU, "baseline value"),
	N("target", "target", RQ, "target value"),
	E("direction", "direction", RQ, directions, "increase, decrease or maintain"),
	E("aggregation", "aggregation", 0, aggregations, "how fed values combine: sum, max or latest"),
	R("feeds_kpi_id", "feeds_kpi_id", NU | FI, "kpis", "the goal or OAP KPI this one feeds"),
};

static const ep_field round_f[] = {
	R("cycle_id", "cycle_id", RQ | FX | FI, "cycles", "the cycle"),
	T("label", "label", RQ | FI | SO, CODE, "label such as 2018-H1"),
	D("opens_on", "opens_on", RQ | SO, "first day of the collection window"),
	D("closes_on", "closes_on", RQ, "last day of the collection window"),
	T("nec_meeting", "nec_meeting", NU, NAME, "the NEC meeting the round feeds"),
	E("status", "status", RO | FI, round_statuses, "planned, open, compiled or closed"),
};

static const ep_field jad_f[] = {
	R("cycle_id", "cycle_id", RQ | FX | FI, "cycles", "the cycle"),
	T("name", "name", RQ | SO | SE, NAME, "name of the Joint Action Day"),
	D("start_date", "start_date", RQ | SO | FI, "first day"),
	D("end_date", "end_date", RQ, "last day"),
	R("coordinator_id", "coordinator_id", NU | FI, "organisations", "coordinating organisation"),
	T("description", "description", NU | SE, TEXT, "description"),
	E("status", "status", RO | FI, jad_statuses, "planned, conducted, results_reported or cancelled; changed through transitions"),
	CLASS_FIELDS,
};

static const ep_field grant_f[] = {
	E("scheme", "scheme", RQ | FI, grant_schemes, "grant scheme"),
	T("reference", "reference", RQ | FX | FI | SO, NAME, "grant reference"),
	T("title", "title", NU | SE, NAME, "title"),
	I("amount_allocated_cents", "amount_allocated_cents", RQ, 0, INT64_MAX, "amount allocated, euro cents"),
	I("amount_used_cents", "amount_used_cents", 0, 0, INT64_MAX, "amount used, euro cents"),
	E("status", "status", RO | FI, grant_statuses, "applied, awarded, rejected, in_progress or closed; changed through transitions"),
};

static const ep_field practice_f[] = {
	R("action_id", "action_id", FX | FI | NU, "actions", "the action it comes from"),
	R("oap_id", "oap_id", FX | FI | NU, "oaps", "the OAP it comes from"),
	E("kind", "kind", RQ | FI, practice_kinds, "good or bad practice"),
	T("title", "title", RQ | SO | SE, NAME, "title"),
	T("text", "text", RQ | SE, TEXT, "what was learnt"),
	D("shared_with_est_on", "shared_with_est_on", RO, "when it was shared with the EMPACT Support Team"),
	D("shared_with_necs_on", "shared_with_necs_on", RO, "when it was shared with the NECs"),
	R("report_id", "report_id", RO | FI, "progress-reports", "the progress report it came from"),
	E("status", "status", RO | FI, practice_statuses, "reported, shared_with_est or shared_with_necs; changed through transitions"),
	CLASS_FIELDS,
};

static const ep_field report_f[] = {
	R("round_id", "round_id", RQ | FX | FI, "reporting-rounds", "the reporting round"),
	R("action_id", "action_id", RQ | FX | FI, "actions", "the operational action reported on"),
	T("narrative", "narrative", NU, TEXT, "progress and results, in Markdown"),
	E("action_status", "action_status", NU | FI, reported_statuses,
	  "the action's status as reported: planned, ongoing, completed, not_completed, cancelled, continued or status_unclear"),
	I("resources_allocated_cents", "resources_allocated_cents", NU, 0, CENTS_MAX,
	  "resources allocated to the action to date, euro cents"),
	I("resources_used_cents", "resources_used_cents", NU, 0, CENTS_MAX, "resources used to date, euro cents"),
	T("problems", "problems", NU, TEXT, "problems met"),
	E("status", "status", RO | FI, report_statuses, "workflow state; changed through transitions"),
	T("return_comment", "return_comment", RO, TEXT, "the Driver's comment when the report was returned"),
	I("author_id", "author_id", RO, 1, INT64_MAX, "the account that last saved it"),
	T("updated_at", "updated_at", RO, 32, "when it was last saved"),
	T("submitted_at", "submitted_at", RO, 32, "when it was last submitted"),
	CLASS_FIELDS,
};

static const ep_field follow_up_f[] = {
	R("action_id", "action_id", RO | FI, "actions", "the action to follow up"),
	R("round_id", "round_id", RO | FI, "reporting-rounds", "the round it came from"),
	R("report_id", "report_id", RO, "progress-reports", "the report it came from"),
	E("kind", "kind", RO, follow_up_kinds, "why: status_unclear"),
	T("text", "text", RO, TEXT, "what the Driver should clear up"),
	E("status", "status", RO | FI, follow_up_statuses, "open or resolved; resolved through transitions"),
	T("resolution", "resolution", RO, TEXT, "how it was resolved"),
	T("created_at", "created_at", RO, 32, "when it was opened"),
	T("resolved_at", "resolved_at", RO, 32, "when it was resolved"),
};

static const ep_field overlap_f[] = {
	R("action_a_id", "action_a_id", RQ | FX | FI, "actions", "one action (the lower id)"),
	R("action_b_id", "action_b_id", RQ | FX | FI, "actions", "the other action"),
	T("description", "description", RQ | SE, TEXT, "what overlaps"),
	T("decision", "decision", NU, TEXT, "the coordination decision"),
	E("status", "status", FI, overlap_statuses, "open, decided or dismissed"),
};

static const char *const declass_states[] = {"proposed", "issued", NULL};

static const ep_field document_f[] = {
	T("number", "number", RQ | FX | FI | SO, CODE, "Council document number (13874/17)"),
	T("suffix", "suffix", FX | FI, CODE, "\"\", REV n, EXT n, ADD n or COR n"),
	D("date", "doc_date", RQ | SO, "date of the document"),
	T("language", "language", 0, 2, "original language (en)"),
	T("kind", "kind", 0, NAME, "NOTE, COVER NOTE, ..."),
	T("from", "from_text", NU, NAME, "sender"),
	T("to", "to_text", NU, NAME, "recipient"),
	T("subject", "subject", RQ | SE, TEXT, "subject"),
	CLASS_FIELDS,
	T("initials", "initials", NU, CODE, "drafting initials (SB/dk)"),
	T("directorate", "directorate", NU, CODE, "directorate (DGD 1)"),
	I("pages", "pages", NU, 1, 100000, "pages of the original"),
	R("cycle_id", "cycle_id", NU | FI, "cycles", "the cycle it carries"),
	R("oap_id", "oap_id", NU | FI, "oaps", "the OAP it carries"),
	R("parent_id", "parent_id", NU | FX | FI, "documents", "for an EXT version: the original"),
	T("new_status", "new_status", NU, CODE, "for an EXT version: Public"),
	B("frozen", "frozen", RO | FI, "an issued release record that can no longer change"),
	E("declass_state", "declass_state", RO | NU | FI, declass_states,
	  "for an EXT version made in empact: proposed, then issued once signed off"),
	T("proposed_by", "proposed_by", RO | NU, NAME, "who proposed the declassification"),
	T("signed_off_by", "signed_off_by", RO | NU, NAME, "who signed it off (never the proposer)"),
};

/*
 * Visibility. The parameters are numbered ?91 to ?97 (clearance, LIMITE, all, member, and the
 * priority, OAP and action ids of the caller's scope) so that they never meet the ?1, ?2 ... a
 * list assembles for its filters. A caller reads a row when its clearance covers the row's classification, when
 * LIMITE rows are open to it, and when it has need to know: its roles cover every OAP and
 * action (?93), or the row belongs to a priority, OAP or action of its scope (?95, ?96,
 * ?97, JSON arrays of ids). What hangs off an action is visible only with the action. Goals,
 * KPIs and reporting rounds are for members of the EMPACT community (?94), not the public.
 */
#define IN_JSON(p) " IN (SELECT value FROM json_each(" p "))"
#define OAP_NTK(x)                                                                                       \
	"(?93 OR " x ".priority_id" IN_JSON("?95") " OR " x ".id" IN_JSON("?96") " OR " x                 \
	".id IN (SELECT oap_id FROM actions WHERE id" IN_JSON("?97") "))"
#define CLEARED(x) x ".classification <= ?91 AND " x ".marking <= ?92"
#define OAP_VIS(x) "(" CLEARED(x) " AND " OAP_NTK(x) ")"
/* What hangs off an OAP needs the OAP's need to know, not its classification: an OAP as a
 * whole may be RESTREINT UE while some of its sections and actions are not. */
#define VIS_OAP(col) col " IN (SELECT vo.id FROM oaps vo WHERE " OAP_NTK("vo") ")"
#define ACTION_NTK(x)                                                                                    \
	"(?93 OR " x ".id" IN_JSON("?97") " OR " x ".oap_id" IN_JSON("?96") " OR " x                      \
	".oap_id IN (SELECT id FROM oaps WHERE priority_id" IN_JSON("?95") "))"
#define ACTION_VIS(x) "(" CLEARED(x) " AND " ACTION_NTK(x) ")"
#define VIS_ACTION(col) col " IN (SELECT va.id FROM actions va WHERE " ACTION_VIS("va") ")"

#define V_OPEN "1"
/* Need to know of a priority: holding it, or an OAP or an action of it. */
#define PRIORITY_NTK(col)                                                                               \
	"(?93 OR " col IN_JSON("?95") " OR " col " IN (SELECT priority_id FROM oaps WHERE id" IN_JSON("?96") \
	" OR id IN (SELECT oap_id FROM actions WHERE id" IN_JSON("?97") ")))"
/* Strategic goals come from a LIMITE Council document (15850/11): members who may read LIMITE,
 * with need to know of their priority. Shared goals run across the priorities of a cycle. */
#define V_GOALS "(?94 AND ?92 AND " PRIORITY_NTK("t.priority_id") ")"
#define V_SHARED_GOALS "(?94 AND ?92)"
#define V_MEMBER "?94"
#define V_OAPS OAP_VIS("t")
#define V_SECTIONS "(" CLEARED("t") " AND " VIS_OAP("t.oap_id") ")"
#define V_ACTIONS ACTION_VIS("t")
#define V_KPIS                                                                                           \
	"(?94 AND ((t.action_id IS NOT NULL AND " VIS_ACTION("t.action_id") ") OR (t.oap_id IS NOT NULL AND " \
	"t.oap_id IN (SELECT vo.id FROM oaps vo WHERE " OAP_VIS("vo") ")) OR (t.goal_id IS NOT NULL AND ?92 AND " \
	"t.goal_id IN (SELECT vg.id FROM strategic_goals vg WHERE " PRIORITY_NTK("vg.priority_id") ")) OR " \
	"(t.shared_goal_id IS NOT NULL AND ?92)))"
#define V_JADS                                                                                           \
	"(" CLEARED("t") " AND (?93 OR t.id IN (SELECT jad_id FROM jad_actions WHERE " VIS_ACTION("action_id") \
	") OR t.id IN (SELECT jad_id FROM jad_priorities WHERE " PRIORITY_NTK("priority_id") ")))"
#define V_GRANTS "(?93 OR t.id IN (SELECT grant_id FROM grant_actions WHERE " VIS_ACTION("action_id") "))"
#define V_PRACTICES                                                                                      \
	"(" CLEARED("t") " AND ((t.action_id IS NOT NULL AND " VIS_ACTION("t.action_id") ") OR (t.action_id IS NULL AND " \
	VIS_OAP("t.oap_id") ")))"
#define V_REPORTS "(?94 AND " CLEARED("t") " AND " VIS_ACTION("t.action_id") ")"
#define V_FOLLOW_UPS "(?94 AND " VIS_ACTION("t.action_id") ")"
#define V_OVERLAPS "(" VIS_ACTION("t.action_a_id") " AND " VIS_ACTION("t.action_b_id") ")"
#define V_DOCUMENTS                                                                                      \
	"(" CLEARED("t") " AND (t.oap_id IS NULL OR (t.classification = 0 AND t.marking = 0) OR " VIS_OAP("t.oap_id") "))"

/* Scopes: the priority, OAP and action a row belongs to. */
#define S_NONE(table) "SELECT NULL, NULL, NULL FROM " table " t"
#define S_OAPS "SELECT t.priority_id, t.id, NULL FROM oaps t"
#define S_SECTIONS "SELECT o.priority_id, t.oap_id, NULL FROM oap_sections t JOIN oaps o ON o.id = t.oap_id"
#define S_ACTIONS "SELECT o.priority_id, t.oap_id, t.id FROM actions t JOIN oaps o ON o.id = t.oap_id"
#define S_OWNED(table)                                                                                   \
	"SELECT COALESCE(o.priority_id, g.priority_id), COALESCE(a.oap_id, t.oap_id), t.action_id FROM " table \
	" t LEFT JOIN actions a ON a.id = t.action_id LEFT JOIN oaps o ON o.id = COALESCE(a.oap_id, t.oap_id)" \
	" LEFT JOIN strategic_goals g ON g.id = t.goal_id"
#define S_PRACTICES                                                                                      \
	"SELECT o.priority_id, COALESCE(a.oap_id, t.oap_id), t.action_id FROM good_practices t LEFT JOIN actions a" \
	" ON a.id = t.action_id LEFT JOIN oaps o ON o.id = COALESCE(a.oap_id, t.oap_id)"
#define S_ACTION_OF(table)                                                                               \
	"SELECT o.priority_id, a.oap_id, t.action_id FROM " table " t JOIN actions a ON a.id = t.action_id"      \
	" JOIN oaps o ON o.id = a.oap_id"
#define S_GOALS "SELECT t.priority_id, NULL, NULL FROM strategic_goals t"
#define S_PRIORITIES "SELECT t.id, NULL, NULL FROM priorities t"
#define S_OVERLAPS                                                                                       \
	"SELECT o.priority_id, a.oap_id, t.action_a_id FROM overlaps t JOIN actions a ON a.id = t.action_a_id" \
	" JOIN oaps o ON o.id = a.oap_id"
#define S_DOCUMENTS "SELECT o.priority_id, t.oap_id, NULL FROM council_documents t LEFT JOIN oaps o ON o.id = t.oap_id"

#define DEF(name, singular, table, fields, archive, fts, doc, vis, scope) \
	{name, singular, table, fields, sizeof fields / sizeof fields[0], archive, true, fts, doc, vis, scope}

static const ep_resdef defs[] = {
	DEF("organisations", "organisation", "organisations", org_f, true, "organisations_fts",
	    "Member State authorities, EU institutions and agencies, third countries and other partners", V_OPEN,
	    S_NONE("organisations")),
	DEF("cycles", "cycle", "cycles", cycle_f, false, NULL, "policy cycles (2011-2013, 2022-2025)", V_OPEN,
	    S_NONE("cycles")),
	DEF("priorities", "priority", "priorities", priority_f, true, "priorities_fts", "EU crime priorities of a cycle",
	    V_OPEN, S_PRIORITIES),
	DEF("goals", "strategic goal", "strategic_goals", goal_f, true, "strategic_goals_fts",
	    "strategic (MASP) goals of a priority", V_GOALS, S_GOALS),
	DEF("shared-goals", "shared goal", "shared_goals", shared_goal_f, true, "shared_goals_fts",
	    "goals shared across the priorities of a cycle", V_SHARED_GOALS, S_NONE("shared_goals")),
	DEF("oaps", "OAP", "oaps", oap_f, true, "oaps_fts", "Operational Action Plans", V_OAPS, S_OAPS),
	DEF("sections", "OAP section", "oap_sections", section_f, false, "oap_sections_fts", "sections of an OAP",
	    V_SECTIONS, S_SECTIONS),
	DEF("actions", "operational action", "actions", action_f, true, "actions_fts", "operational actions of an OAP",
	    V_ACTIONS, S_ACTIONS),
	DEF("kpis", "KPI", "kpis", kpi_f, false, NULL, "key performance indicators", V_KPIS, S_OWNED("kpis")),
	DEF("reporting-rounds", "reporting round", "reporting_rounds", round_f, false, NULL, "reporting rounds",
	    V_MEMBER, S_NONE("reporting_rounds")),
	DEF("jads", "Joint Action Day", "jads", jad_f, true, "jads_fts", "Joint Action Days", V_JADS, S_NONE("jads")),
	DEF("grants", "grant", "grants", grant_f, false, NULL, "grants funding actions", V_GRANTS, S_NONE("grants")),
	DEF("good-practices", "good practice", "good_practices", practice_f, false, "good_practices_fts",
	    "good and bad practices", V_PRACTICES, S_PRACTICES),
	DEF("overlaps", "overlap", "overlaps", overlap_f, false, NULL, "overlaps between actions", V_OVERLAPS,
	    S_OVERLAPS),
	DEF("progress-reports", "progress report", "progress_reports", report_f, false, NULL,
	    "progress reports of operational actions, one per action and reporting round", V_REPORTS,
	    S_ACTION_OF("progress_reports")),
	DEF("follow-ups", "follow-up item", "follow_ups", follow_up_f, false, NULL,
	    "follow-up items for Drivers (a status reported as unclear)", V_FOLLOW_UPS, S_ACTION_OF("follow_ups")),
	DEF("documents", "Council document", "council_documents", document_f, false, "council_documents_fts",
	    "Council documents", V_DOCUMENTS, S_DOCUMENTS),
};

const ep_resdef *ep_resdefs(size_t *n)
{
	*n = sizeof defs / sizeof defs[0];
	return defs;
}

const ep_resdef *ep_resdef_find(const char *name)
{
	for (size_t i = 0; i < sizeof defs / sizeof defs[0]; i++)
		if (strcmp(defs[i].name, name) == 0)
			return &defs[i];
	return NULL;
}

const ep_field *ep_resdef_field(const ep_resdef *d, const char *name)
{
	for (size_t i = 0; i < d->nfields; i++)
		if (strcmp(d->fields[i].name, name) == 0)
			return &d->fields[i];
	return NULL;
}
