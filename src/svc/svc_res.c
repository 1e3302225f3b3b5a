/*
 * Resource rules and workflows (see svc_res.h).
 */
#include "svc/svc_res.h"

#include "access/access.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "access/access.h"
#include "core/classif.h"
#include "core/str.h"
#include "core/time.h"
#include "core/banned.h"

static const char *js(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static int64_t ji(json_t *o, const char *k)
{
	return (int64_t)json_integer_value(json_object_get(o, k));
}

static ep_class jclass(json_t *o)
{
	ep_class c = EP_CLASS_UNCLASSIFIED;
	const char *s = js(o, "classification");
	if (s)
		ep_class_parse(s, &c);
	return c;
}

static ep_marking jmark(json_t *o)
{
	ep_marking m = EP_MARK_NONE;
	const char *s = js(o, "marking");
	if (s)
		ep_marking_parse(s, &m);
	return m;
}

static const char *type_word(const ep_field *f)
{
	switch (f->type) {
	case EP_F_INT: return "a whole number";
	case EP_F_REF: return "the id of a record";
	case EP_F_BOOL: return "true or false";
	case EP_F_REAL: return "a number";
	default: return "a text";
	}
}

/* Checks one field's value; problems at "$.name". */
static void check_field(ep_db *db, const ep_rules *rules, const ep_field *f, json_t *v, ep_errs *errs)
{
	char path[128];
	snprintf(path, sizeof path, "$.%s", f->name);
	if (json_is_null(v)) {
		if (!(f->flags & EP_F_NULLABLE))
			ep_errs_add(errs, EP_E_INVALID, path, "may not be null");
		return;
	}
	switch (f->type) {
	case EP_F_INT:
	case EP_F_REF: {
		if (!json_is_integer(v)) {
			ep_errs_add(errs, EP_E_INVALID, path, "must be %s", type_word(f));
			return;
		}
		int64_t x = (int64_t)json_integer_value(v);
		if (x < f->min || x > f->max) {
			ep_errs_add(errs, EP_E_INVALID, path, "%lld is outside %lld..%lld", (long long)x, (long long)f->min,
				    (long long)f->max);
			return;
		}
		if (f->type == EP_F_REF) {
			ep_err e;
			ep_status s = ep_db_res_exists(db, f->ref, x, &e);
			if (s == EP_E_NOTFOUND)
				ep_errs_add(errs, EP_E_INVALID, path, "there is no %s %lld", ep_resdef_find(f->ref)->singular,
					    (long long)x);
			else if (s != EP_OK)
				ep_errs_add(errs, s, path, "%s", e.msg);
		}
		return;
	}
	case EP_F_BOOL:
		if (!json_is_boolean(v))
			ep_errs_add(errs, EP_E_INVALID, path, "must be true or false");
		return;
	case EP_F_REAL:
		if (!json_is_number(v))
			ep_errs_add(errs, EP_E_INVALID, path, "must be a number");
		return;
	default: break;
	}
	if (!json_is_string(v)) {
		ep_errs_add(errs, EP_E_INVALID, path, "must be a text");
		return;
	}
	const char *s = json_string_value(v);
	size_t n = json_string_length(v);
	if (strlen(s) != n || !ep_utf8_valid(s, n)) {
		ep_errs_add(errs, EP_E_INVALID, path, "must be UTF-8 text without NUL characters");
		return;
	}
	switch (f->type) {
	case EP_F_TEXT:
		if (f->max && (int64_t)n > f->max)
			ep_errs_add(errs, EP_E_INVALID, path, "is %zu bytes long, more than the %lld allowed", n,
				    (long long)f->max);
		else if ((f->flags & EP_F_REQUIRED) && ep_sv_trim(ep_sv_make(s, n)).n == 0)
			ep_errs_add(errs, EP_E_INVALID, path, "may not be empty");
		break;
	case EP_F_DATE:
		if (ep_date_parse(s, NULL) != EP_OK)
			ep_errs_add(errs, EP_E_INVALID, path, "'%.32s' is not a date (YYYY-MM-DD)", s);
		break;
	case EP_F_ENUM: ep_rule_enum(errs, "$", f->name, s, f->values); break;
	case EP_F_CLASS: {
		ep_class c;
		if (ep_class_parse(s, &c) != EP_OK)
			ep_errs_add(errs, EP_E_INVALID, path,
				    "'%.40s' is not one of: unclassified, restreint_ue, confidentiel_ue, secret_ue, tres_secret_ue",
				    s);
		else
			ep_rule_class(rules, errs, "$", f->name, c);
		break;
	}
	case EP_F_MARK: {
		ep_marking m;
		if (ep_marking_parse(s, &m) != EP_OK)
			ep_errs_add(errs, EP_E_INVALID, path, "'%.40s' is not one of: none, limite", s);
		break;
	}
	default: break;
	}
}

/* Field-level checks of a body. creating: a new record (required fields, fixed fields may be
 * given); otherwise a change (fixed fields may not be). */
static void check_body(ep_db *db, const ep_rules *rules, const ep_resdef *d, json_t *body, bool creating,
		       ep_errs *errs)
{
	const char *k;
	json_t *v;
	json_object_foreach(body, k, v)
	{
		const ep_field *f = ep_resdef_field(d, k);
		char path[160];
		snprintf(path, sizeof path, "$.%.100s", k);
		if (!f) {
			if (strcmp(k, "id") == 0 || strcmp(k, "version") == 0 || strcmp(k, "archived") == 0)
				ep_errs_add(errs, EP_E_INVALID, path,
					    "is set by empact%s", strcmp(k, "version") == 0 ? "; send the version you read in If-Match" : "");
			else
				ep_errs_add(errs, EP_E_INVALID, path, "unknown field: %s has no '%.64s'", d->name, k);
			continue;
		}
		if (f->flags & EP_F_READONLY) {
			ep_errs_add(errs, EP_E_INVALID, path, "is read-only%s", strcmp(k, "status") == 0
									   ? "; change it through the transitions resource"
									   : "");
			continue;
		}
		if (!creating && (f->flags & EP_F_FIXED)) {
			ep_errs_add(errs, EP_E_INVALID, path, "is fixed when the %s is created", d->singular);
			continue;
		}
		check_field(db, rules, f, v, errs);
	}
	if (creating) {
		for (size_t i = 0; i < d->nfields; i++) {
			const ep_field *f = &d->fields[i];
			if ((f->flags & EP_F_REQUIRED) && !json_object_get(body, f->name)) {
				char path[128];
				snprintf(path, sizeof path, "$.%s", f->name);
				ep_errs_add(errs, EP_E_INVALID, path, "is required");
			}
		}
	}
}

/* ---- domain rules on the whole record ---- */

/* Reads a record of another resource, or NULL. */
static json_t *get(ep_db *db, const char *res, int64_t id)
{
	json_t *o = NULL;
	const ep_resdef *d = ep_resdef_find(res);
	if (d && id > 0 && ep_db_res_get(db, d, id, &o, NULL) != EP_OK)
		o = NULL;
	return o;
}

static void rules_org(ep_db *db, const ep_rules *r, json_t *o, ep_errs *errs)
{
	(void)db;
	ep_org x = {.code = js(o, "code"), .kind = js(o, "kind"), .name = js(o, "name"), .country = js(o, "country"),
		    .discipline = js(o, "discipline")};
	ep_rule_org(r, &x, "$", errs);
}

static void rules_cycle(ep_db *db, const ep_rules *r, json_t *o, ep_errs *errs)
{
	(void)db;
	ep_cycle c = {.label = js(o, "label"),
		      .first_year = ji(o, "first_year"),
		      .last_year = ji(o, "last_year"),
		      .oap_period_years = ji(o, "oap_period_years"),
		      .threat_assessment = js(o, "threat_assessment"),
		      .priorities_document = js(o, "priorities_document"),
		      .status = js(o, "status")};
	ep_rule_cycle(r, &c, "$", errs);
}

static void rules_priority(ep_db *db, const ep_rules *r, json_t *o, ep_errs *errs)
{
	(void)db;
	ep_priority p = {.code = js(o, "code"), .short_name = js(o, "short_name"), .aim = js(o, "aim")};
	ep_rule_priority(r, &p, "$", errs);
}

static void rules_goal(ep_db *db, const ep_rules *r, json_t *o, ep_errs *errs)
{
	(void)db;
	ep_goal g = {.number = ji(o, "number"), .subgroup = js(o, "group"), .text = js(o, "text")};
	ep_rule_goal(r, &g, "$", errs);
}

static void rules_shared_goal(ep_db *db, const ep_rules *r, json_t *o, ep_errs *errs)
{
	(void)db;
	ep_shared_goal g = {.number = ji(o, "number"), .text = js(o, "text"), .scope = js(o, "scope")};
	ep_rule_shared_goal(r, &g, "$", errs);
}

static void rules_oap(ep_db *db, const ep_rules *r, json_t *o, ep_errs *errs)
{
	ep_oap x = {.first_year = ji(o, "first_year"),
		    .last_year = ji(o, "last_year"),
		    .revision = ji(o, "revision"),
		    .title = js(o, "title"),
		    .status = js(o, "status") ? js(o, "status") : "drafting",
		    .classification = jclass(o),
		    .marking = jmark(o)};
	json_t *prio = get(db, "priorities", ji(o, "priority_id"));
	json_t *cyc = prio ? get(db, "cycles", ji(prio, "cycle_id")) : NULL;
	ep_cycle c = {0};
	if (cyc) {
		c.label = js(cyc, "label");
		c.first_year = ji(cyc, "first_year");
		c.last_year = ji(cyc, "last_year");
		c.oap_period_years = ji(cyc, "oap_period_years");
	}
	ep_rule_oap(r, &x, cyc ? &c : NULL, "$", errs);
	json_decref(cyc);
	json_decref(prio);
}

/* The OAP a section or action belongs to, as the rules need it. */
static bool load_oap(ep_db *db, json_t *o, ep_oap *x)
{
	json_t *oap = get(db, "oaps", ji(o, "oap_id"));
	if (!oap)
		return false;
	x->classification = jclass(oap);
	x->marking = jmark(oap);
	json_decref(oap);
	return true;
}

static void rules_section(ep_db *db, const ep_rules *r, json_t *o, ep_errs *errs)
{
	ep_section s = {.number = js(o, "number"),
			.heading = js(o, "heading"),
			.text = js(o, "text"),
			.classification = jclass(o),
			.marking = jmark(o)};
	ep_oap oap;
	ep_rule_section(r, &s, load_oap(db, o, &oap) ? &oap : NULL, "$", errs);
}

static void rules_action(ep_db *db, const ep_rules *r, json_t *o, ep_errs *errs)
{
	ep_action a = {.number = js(o, "number"),
		       .title = js(o, "title"),
		       .description = js(o, "description"),
		       .what = js(o, "what"),
		       .when_text = js(o, "when"),
		       .where_text = js(o, "where"),
		       .who = js(o, "who"),
		       .how = js(o, "how"),
		       .documentation_ref = js(o, "documentation_ref"),
		       .start_date = js(o, "start_date"),
		       .end_date = js(o, "end_date"),
		       .status = js(o, "status") ? js(o, "status") : "proposed",
		       .has_budget = json_is_integer(json_object_get(o, "budget_cents")),
		       .budget_cents = ji(o, "budget_cents"),
		       .classification = jclass(o),
		       .marking = jmark(o)};
	ep_oap oap;
	ep_rule_action(r, &a, load_oap(db, o, &oap) ? &oap : NULL, "$", errs);
	int64_t pred = ji(o, "predecessor_id");
	if (pred && pred == ji(o, "id"))
		ep_errs_add(errs, EP_E_INVALID, "$.predecessor_id", "an action cannot continue itself");
}

static void rules_kpi(ep_db *db, const ep_rules *r, json_t *o, ep_errs *errs)
{
	ep_kpi k = {.name = js(o, "name"), .unit = js(o, "unit"), .direction = js(o, "direction"),
		    .aggregation = js(o, "aggregation")};
	ep_rule_kpi(r, &k, "$", errs);
	int owners = 0;
	const char *const names[] = {"action_id", "oap_id", "goal_id", "shared_goal_id"};
	for (int i = 0; i < 4; i++)
		owners += ji(o, names[i]) > 0;
	if (owners != 1)
		ep_errs_add(errs, EP_E_INVALID, "$.action_id",
			    "a KPI belongs to exactly one of action_id, oap_id, goal_id and shared_goal_id");
	/* Only an action KPI feeds, and only the KPI of an OAP, a goal or a shared goal, in the
	 * same unit: achievement rolls up from actions, never round in a circle. */
	int64_t fed = ji(o, "feeds_kpi_id");
	json_t *target = fed ? get(db, "kpis", fed) : NULL;
	if (fed && ji(o, "action_id") <= 0)
		ep_errs_add(errs, EP_E_INVALID, "$.feeds_kpi_id", "only the KPI of an action feeds another KPI");
	else if (target && ji(target, "action_id") > 0)
		ep_errs_add(errs, EP_E_INVALID, "$.feeds_kpi_id", "KPI %lld measures an action: an action KPI feeds the KPI of an OAP or a goal",
			    (long long)fed);
	else if (target && (js(o, "unit") || js(target, "unit")) &&
		 (!js(o, "unit") || !js(target, "unit") || strcasecmp(js(o, "unit"), js(target, "unit")) != 0))
		ep_errs_add(errs, EP_E_INVALID, "$.feeds_kpi_id", "KPI %lld is measured in %s, this one in %s: they must agree",
			    (long long)fed, js(target, "unit") ? js(target, "unit") : "no unit", js(o, "unit") ? js(o, "unit") : "no unit");
	json_decref(target);
}

static void dates_ordered(json_t *o, const char *a, const char *b, ep_errs *errs)
{
	const char *x = js(o, a), *y = js(o, b);
	if (x && y && ep_date_parse(x, NULL) == EP_OK && ep_date_parse(y, NULL) == EP_OK && strcmp(x, y) > 0) {
		char path[64];
		snprintf(path, sizeof path, "$.%s", b);
		ep_errs_add(errs, EP_E_INVALID, path, "%s is before %s %s", y, a, x);
	}
}

static void rules_round(ep_db *db, const ep_rules *r, json_t *o, ep_errs *errs)
{
	(void)r;
	dates_ordered(o, "opens_on", "closes_on", errs);
	/* The label names the period reported on: it starts with a year of the cycle (2018-H1). */
	const char *label = js(o, "label");
	json_t *cycle = get(db, "cycles", ji(o, "cycle_id"));
	if (label && cycle) {
		int64_t y = 0;
		bool digits = strlen(label) >= 4;
		for (int i = 0; digits && i < 4; i++) {
			digits = label[i] >= '0' && label[i] <= '9';
			y = y * 10 + (label[i] - '0');
		}
		if (!digits || y < ji(cycle, "first_year") || y > ji(cycle, "last_year"))
			ep_errs_add(errs, EP_E_INVALID, "$.label", "must start with a year of the cycle %s (such as %lld-H1)",
				    js(cycle, "label"), (long long)ji(cycle, "first_year"));
	}
	json_decref(cycle);
}

static void rules_jad(ep_db *db, const ep_rules *r, json_t *o, ep_errs *errs)
{
	(void)db;
	(void)r;
	dates_ordered(o, "start_date", "end_date", errs);
}

static void rules_grant(ep_db *db, const ep_rules *r, json_t *o, ep_errs *errs)
{
	(void)db;
	(void)r;
	if (ji(o, "amount_used_cents") > ji(o, "amount_allocated_cents"))
		ep_errs_add(errs, EP_E_INVALID, "$.amount_used_cents", "is more than the amount allocated");
}

static void rules_practice(ep_db *db, const ep_rules *r, json_t *o, ep_errs *errs)
{
	(void)db;
	(void)r;
	if (ji(o, "action_id") <= 0 && ji(o, "oap_id") <= 0)
		ep_errs_add(errs, EP_E_INVALID, "$.action_id", "a practice comes from an action or an OAP: give action_id or oap_id");
}

static void rules_overlap(ep_db *db, const ep_rules *r, json_t *o, ep_errs *errs)
{
	(void)db;
	(void)r;
	if (ji(o, "action_a_id") >= ji(o, "action_b_id"))
		ep_errs_add(errs, EP_E_INVALID, "$.action_b_id",
			    "must be a different action with a higher id than action_a_id (each pair is recorded once)");
}

static void rules_document(ep_db *db, const ep_rules *r, json_t *o, ep_errs *errs)
{
	ep_document d = {.number = js(o, "number"),
			 .suffix = js(o, "suffix") ? js(o, "suffix") : "",
			 .date = js(o, "date"),
			 .language = js(o, "language"),
			 .kind = js(o, "kind"),
			 .from = js(o, "from"),
			 .to = js(o, "to"),
			 .subject = js(o, "subject"),
			 .initials = js(o, "initials"),
			 .directorate = js(o, "directorate"),
			 .new_status = js(o, "new_status"),
			 .classification = jclass(o),
			 .marking = jmark(o),
			 .pages = ji(o, "pages"),
			 .cycle_id = ji(o, "cycle_id"),
			 .oap_id = ji(o, "oap_id")};
	ep_rule_document(r, &d, ji(o, "parent_id") > 0, "$", errs);
	json_t *parent = get(db, "documents", ji(o, "parent_id"));
	if (parent) {
		if (d.number && strcmp(js(parent, "number"), d.number) != 0)
			ep_errs_add(errs, EP_E_INVALID, "$.number", "an EXT document keeps the number of its parent, %s",
				    js(parent, "number"));
		if (d.date && strcmp(d.date, js(parent, "date")) < 0)
			ep_errs_add(errs, EP_E_INVALID, "$.date", "is before the date of the parent document (%s)",
				    js(parent, "date"));
		json_decref(parent);
	}
}

typedef void (*rules_fn)(ep_db *db, const ep_rules *r, json_t *o, ep_errs *errs);

static const struct {
	const char *name;
	rules_fn fn;
} domain_rules[] = {
	{"organisations", rules_org},	{"cycles", rules_cycle},	{"priorities", rules_priority},
	{"goals", rules_goal},		{"shared-goals", rules_shared_goal}, {"oaps", rules_oap},
	{"sections", rules_section},	{"actions", rules_action},	{"kpis", rules_kpi},
	{"reporting-rounds", rules_round}, {"jads", rules_jad},		{"grants", rules_grant},
	{"good-practices", rules_practice}, {"overlaps", rules_overlap}, {"documents", rules_document},
};

/* Runs the domain rules of the record, adding their problems to errs except on fields that
 * already have one (a wrong type there would only be reported again in other words). */
static void check_record(ep_db *db, const ep_rules *r, const ep_resdef *d, json_t *record, ep_errs *errs)
{
	ep_errs more;
	ep_errs_init(&more);
	for (size_t i = 0; i < sizeof domain_rules / sizeof domain_rules[0]; i++)
		if (strcmp(domain_rules[i].name, d->name) == 0)
			domain_rules[i].fn(db, r, record, &more);
	for (size_t i = 0; i < more.n; i++) {
		bool seen = false;
		for (size_t j = 0; j < errs->n && !seen; j++)
			seen = strcmp(errs->items[j].path, more.items[i].path) == 0;
		if (!seen)
			ep_errs_add(errs, more.items[i].status, more.items[i].path, "%s", more.items[i].msg);
	}
	ep_errs_release(&more);
}

/* Keeps only the fields of body that passed their own checks, for the domain rules. */
static json_t *passing_fields(json_t *body, const ep_errs *errs)
{
	json_t *copy = json_deep_copy(body);
	for (size_t i = 0; i < errs->n; i++)
		if (strncmp(errs->items[i].path, "$.", 2) == 0)
			json_object_del(copy, errs->items[i].path + 2);
	return copy;
}

static bool adopted(const char *st)
{
	return st && strcmp(st, "drafting") != 0 && strcmp(st, "agreed_at_nec") != 0 && strcmp(st, "submitted_to_cosi") != 0;
}

/* The plan an OAP adopted may not change in place: its sections, its actions and what they
 * commit to. How an action is run (its operational fields) and its workflow go on during
 * implementation. patch is the change (NULL for a create or a removal). */
static ep_status check_plan_mutable(ep_db *db, const ep_resdef *d, int64_t oap_id, json_t *patch, ep_err *err)
{
	if ((strcmp(d->name, "sections") != 0 && strcmp(d->name, "actions") != 0) || oap_id <= 0)
		return EP_OK;
	json_t *oap;
	if (ep_db_res_get(db, ep_resdef_find("oaps"), oap_id, &oap, NULL) != EP_OK)
		return EP_OK; /* a missing OAP is the field checks' to report */
	char st[32];
	snprintf(st, sizeof st, "%s", js(oap, "status") ? js(oap, "status") : "");
	json_decref(oap);
	if (!adopted(st))
		return EP_OK;
	if (patch && strcmp(d->name, "actions") == 0) {
		const char *k;
		json_t *v;
		json_object_foreach(patch, k, v)
		{
			bool operational = false;
			for (const char *const *f = ep_operational_fields; *f && !operational; f++)
				operational = strcmp(*f, k) == 0;
			if (!operational)
				return ep_err_set(err, EP_E_CONFLICT, k,
						  "the OAP is %s: %.64s is part of the adopted plan and changes only in a new revision; "
						  "how the action is run (what, when, where, who, how, dates) may still change",
						  st, k);
		}
		return EP_OK;
	}
	return ep_err_set(err, EP_E_CONFLICT, "oap_id",
			  "the OAP is %s: after adoption its %s change only in a new revision, never in place", st, d->name);
}

/* Records that may no longer change in place: an adopted OAP (a change is a new revision) and
 * the plan in it, a frozen document (the record of a release decision). */
static ep_status check_mutable(ep_db *db, const ep_resdef *d, json_t *current, json_t *patch, ep_err *err)
{
	if (strcmp(d->name, "oaps") == 0) {
		const char *st = js(current, "status");
		if (adopted(st))
			return ep_err_set(err, EP_E_CONFLICT, "status",
					  "the OAP is %s: after adoption a change is made in a new revision, never in place", st);
	}
	json_t *oap = json_object_get(current, "oap_id");
	ep_status s = check_plan_mutable(db, d, json_is_integer(oap) ? (int64_t)json_integer_value(oap) : 0, patch, err);
	if (s != EP_OK)
		return s;
	if (strcmp(d->name, "reporting-rounds") == 0 && js(current, "status") && strcmp(js(current, "status"), "closed") == 0)
		return ep_err_set(err, EP_E_CONFLICT, "status",
				  "the round is closed and locked: the Support Team may reopen it, with a reason, to change it");
	if (strcmp(d->name, "documents") == 0 && json_is_true(json_object_get(current, "frozen")))
		return ep_err_set(err, EP_E_CONFLICT, "frozen", "this document is an issued release record and cannot change");
	return EP_OK;
}

ep_status ep_svc_res_create(ep_db *db, const ep_rules *rules, const ep_resdef *d, json_t *body, json_t **out,
			    ep_errs *errs, ep_err *err)
{
	check_body(db, rules, d, body, true, errs);
	json_t *good = passing_fields(body, errs);
	check_record(db, rules, d, good, errs);
	json_decref(good);
	if (ep_errs_count(errs))
		return EP_E_INVALID;
	json_t *parent = json_object_get(body, "oap_id");
	ep_status ms = check_plan_mutable(db, d, json_is_integer(parent) ? (int64_t)json_integer_value(parent) : 0, NULL, err);
	if (ms != EP_OK)
		return ms;
	/* A client never sets a workflow state (it is read-only): a new OAP starts in drafting,
	 * which its table has no default for. */
	if (strcmp(d->name, "oaps") == 0 && !json_object_get(body, "status"))
		json_object_set_new(body, "status", json_string("drafting"));
	ep_status s = ep_db_begin(db, err);
	if (s != EP_OK)
		return s;
	int64_t id;
	s = ep_db_res_insert(db, d, body, &id, err);
	if (s == EP_OK)
		s = ep_db_commit(db, err);
	if (s != EP_OK) {
		ep_db_rollback(db);
		return s;
	}
	return ep_db_res_get(db, d, id, out, err);
}

ep_status ep_svc_res_update(ep_db *db, const ep_rules *rules, const ep_resdef *d, int64_t id, int64_t version,
			    json_t *patch, json_t **out, ep_errs *errs, ep_err *err)
{
	json_t *current;
	ep_status s = ep_db_res_get(db, d, id, &current, err);
	if (s != EP_OK)
		return s;
	if ((s = check_mutable(db, d, current, patch, err)) != EP_OK) {
		json_decref(current);
		return s;
	}
	check_body(db, rules, d, patch, false, errs);
	json_t *merged = json_deep_copy(current);
	json_t *good = passing_fields(patch, errs);
	json_object_update(merged, good);
	check_record(db, rules, d, merged, errs);
	json_decref(good);
	json_decref(merged);
	json_decref(current);
	if (ep_errs_count(errs))
		return EP_E_INVALID;
	if (json_object_size(patch) == 0)
		return ep_err_set(err, EP_E_INVALID, NULL, "the change is empty: send the fields to change");
	if ((s = ep_db_begin(db, err)) != EP_OK)
		return s;
	int64_t nv;
	s = ep_db_res_update(db, d, id, version, patch, &nv, err);
	if (s == EP_OK)
		s = ep_db_commit(db, err);
	if (s != EP_OK) {
		ep_db_rollback(db);
		return s;
	}
	return ep_db_res_get(db, d, id, out, err);
}

ep_status ep_svc_res_delete(ep_db *db, const ep_resdef *d, int64_t id, int64_t version, ep_err *err)
{
	json_t *current;
	ep_status s = ep_db_res_get(db, d, id, &current, err);
	if (s != EP_OK)
		return s;
	s = check_mutable(db, d, current, NULL, err);
	json_decref(current);
	if (s != EP_OK)
		return s;
	if ((s = ep_db_begin(db, err)) != EP_OK)
		return s;
	s = ep_db_res_delete(db, d, id, version, err);
	if (s == EP_OK)
		s = ep_db_commit(db, err);
	if (s != EP_OK)
		ep_db_rollback(db);
	return s;
}

