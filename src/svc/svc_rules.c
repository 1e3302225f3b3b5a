/*
 * The domain rules (see svc_rules.h). Messages name the rule that was broken and the value
 * that broke it, in words an Action Leader or a Support Team officer understands.
 */
#include "svc/svc_rules.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/str.h"
#include "core/time.h"
#include "core/banned.h"

const char *const ep_org_kinds[] = {"member_state", "member_state_authority", "eu_institution", "eu_body",
				    "eu_agency", "third_country", "international_organisation",
				    "private_partner", "ngo", NULL};
const char *const ep_disciplines[] = {"police", "customs", "border", "judicial", "tax", "immigration", "multi", NULL};
const char *const ep_cycle_statuses[] = {"planning", "active", "closed", NULL};
const char *const ep_oap_statuses[] = {"drafting", "agreed_at_nec", "submitted_to_cosi", "adopted",
				       "in_implementation", "final_report", "closed", NULL};
const char *const ep_action_statuses[] = {"proposed", "planned", "ongoing", "completed", "not_completed",
					  "cancelled", "continued", NULL};
const char *const ep_participant_statuses[] = {"invited", "confirmed", "declined", "withdrawn", NULL};
const char *const ep_kpi_directions[] = {"increase", "decrease", "maintain", NULL};
const char *const ep_kpi_aggregations[] = {"sum", "max", "latest", NULL};
const char *const ep_redaction_decisions[] = {"released", "deleted", "not_declassified", NULL};

void ep_rule_problem(ep_errs *errs, const char *path, const char *field, const char *fmt, ...)
{
	char where[1024], msg[EP_ERR_MSG_MAX];
	if (field && field[0])
		snprintf(where, sizeof where, "%s.%s", path, field);
	else
		snprintf(where, sizeof where, "%s", path);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	ep_errs_add(errs, EP_E_INVALID, where, "%s", msg);
}

bool ep_rule_text(ep_errs *errs, const char *path, const char *field, const char *value, bool required, size_t max)
{
	if (!value) {
		if (required)
			ep_rule_problem(errs, path, field, "is required");
		return !required;
	}
	size_t n = strlen(value);
	if (required && ep_sv_trim(ep_sv_make(value, n)).n == 0) {
		ep_rule_problem(errs, path, field, "may not be empty");
		return false;
	}
	if (n > max) {
		ep_rule_problem(errs, path, field, "is %zu bytes long, more than the %zu allowed", n, max);
		return false;
	}
	if (!ep_utf8_valid(value, n)) {
		ep_rule_problem(errs, path, field, "is not valid UTF-8 text");
		return false;
	}
	return true;
}

bool ep_rule_enum(ep_errs *errs, const char *path, const char *field, const char *value, const char *const *allowed)
{
	if (!value) {
		ep_rule_problem(errs, path, field, "is required");
		return false;
	}
	char list[512] = "";
	size_t used = 0;
	for (const char *const *a = allowed; *a; a++) {
		if (strcmp(*a, value) == 0)
			return true;
		int n = snprintf(list + used, sizeof list - used, "%s%s", used ? ", " : "", *a);
		if (n > 0 && (size_t)n < sizeof list - used)
			used += (size_t)n;
	}
	ep_rule_problem(errs, path, field, "'%.64s' is not one of: %s", value, list);
	return false;
}

bool ep_rule_date(ep_errs *errs, const char *path, const char *field, const char *value)
{
	if (!value || ep_date_parse(value, NULL) == EP_OK)
		return true;
	ep_rule_problem(errs, path, field, "'%.32s' is not a date (YYYY-MM-DD)", value);
	return false;
}

bool ep_rule_class(const ep_rules *r, ep_errs *errs, const char *path, const char *field, ep_class c)
{
	if (c <= r->max_class)
		return true;
	ep_rule_problem(errs, path, field,
			"%s is above %s, the highest level this installation is accredited for",
			ep_class_token(c), ep_class_token(r->max_class));
	return false;
}

static bool is_upper_alnum(const char *s, size_t min, size_t max)
{
	size_t n = strlen(s);
	if (n < min || n > max)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9')))
			return false;
	return true;
}

void ep_rule_org(const ep_rules *r, const ep_org *o, const char *path, ep_errs *errs)
{
	(void)r;
	if (!o->code)
		ep_rule_problem(errs, path, "code", "is required");
	else if (!ep_is_code(o->code, 2, EP_MAX_CODE))
		ep_rule_problem(errs, path, "code",
				"'%.40s' is not an organisation code: 2-32 characters A-Z, 0-9, _ or -, starting with a letter",
				o->code);
	bool kind_ok = ep_rule_enum(errs, path, "kind", o->kind, ep_org_kinds);
	ep_rule_text(errs, path, "name", o->name, true, EP_MAX_NAME);
	if (o->country && !(strlen(o->country) == 2 && o->country[0] >= 'A' && o->country[0] <= 'Z' &&
			    o->country[1] >= 'A' && o->country[1] <= 'Z'))
		ep_rule_problem(errs, path, "country", "'%.16s' is not a two-letter country code such as IT or EL",
				o->country);
	if (kind_ok && !o->country &&
	    (strcmp(o->kind, "member_state") == 0 || strcmp(o->kind, "member_state_authority") == 0))
		ep_rule_problem(errs, path, "country", "is required for a %s", o->kind);
	if (o->discipline)
		ep_rule_enum(errs, path, "discipline", o->discipline, ep_disciplines);
}

void ep_rule_cycle(const ep_rules *r, const ep_cycle *c, const char *path, ep_errs *errs)
{
	(void)r;
	bool years_ok = true;
	if (c->first_year < 2000 || c->first_year > 2100) {
		ep_rule_problem(errs, path, "first_year", "%lld is outside 2000-2100", (long long)c->first_year);
		years_ok = false;
	}
	if (c->last_year < 2000 || c->last_year > 2100) {
		ep_rule_problem(errs, path, "last_year", "%lld is outside 2000-2100", (long long)c->last_year);
		years_ok = false;
	}
	if (years_ok && c->first_year > c->last_year)
		ep_rule_problem(errs, path, "last_year", "%lld is before first_year %lld", (long long)c->last_year,
				(long long)c->first_year);
	if (!c->label) {
		ep_rule_problem(errs, path, "label", "is required");
	} else {
		char expect[32];
		snprintf(expect, sizeof expect, "%04lld-%04lld", (long long)c->first_year, (long long)c->last_year);
		if (strcmp(c->label, expect) != 0)
			ep_rule_problem(errs, path, "label", "'%.32s' must be FIRST-LAST year, here '%s'", c->label,
					expect);
	}
	if (c->oap_period_years != 1 && c->oap_period_years != 2)
		ep_rule_problem(errs, path, "oap_period_years", "%lld is not 1 or 2", (long long)c->oap_period_years);
	ep_rule_text(errs, path, "threat_assessment", c->threat_assessment, false, EP_MAX_NAME);
	if (c->priorities_document && !ep_rule_is_doc_number(c->priorities_document))
		ep_rule_problem(errs, path, "priorities_document", "'%.32s' is not a Council document number (NNNN/YY)",
				c->priorities_document);
	ep_rule_enum(errs, path, "status", c->status, ep_cycle_statuses);
}

void ep_rule_priority(const ep_rules *r, const ep_priority *p, const char *path, ep_errs *errs)
{
	(void)r;
	if (!p->code)
		ep_rule_problem(errs, path, "code", "is required");
	else if (!is_upper_alnum(p->code, 1, 8))
		ep_rule_problem(errs, path, "code", "'%.16s' is not a priority code: 1-8 characters A-Z or 0-9", p->code);
	ep_rule_text(errs, path, "short_name", p->short_name, true, EP_MAX_NAME);
	ep_rule_text(errs, path, "aim", p->aim, true, EP_MAX_TEXT);
}

void ep_rule_goal(const ep_rules *r, const ep_goal *g, const char *path, ep_errs *errs)
{
	(void)r;
	if (g->number < 1 || g->number > 999)
		ep_rule_problem(errs, path, "number", "%lld is not a goal number from 1 to 999", (long long)g->number);
	ep_rule_text(errs, path, "group", g->subgroup, false, EP_MAX_NAME);
	ep_rule_text(errs, path, "text", g->text, true, EP_MAX_TEXT);
}

void ep_rule_shared_goal(const ep_rules *r, const ep_shared_goal *g, const char *path, ep_errs *errs)
{
	(void)r;
	if (g->number < 1 || g->number > 999)
		ep_rule_problem(errs, path, "number", "%lld is not a goal number from 1 to 999", (long long)g->number);
	ep_rule_text(errs, path, "text", g->text, true, EP_MAX_TEXT);
	ep_rule_text(errs, path, "scope", g->scope, false, EP_MAX_TEXT);
}

void ep_rule_footnote(const ep_footnote *f, const char *text, const char *text2, const char *path, ep_errs *errs)
{
	bool ok = ep_rule_text(errs, path, "anchor", f->anchor, true, EP_MAX_NAME);
	ep_rule_text(errs, path, "text", f->text, true, EP_MAX_TEXT);
	if (ok && !(text && strstr(text, f->anchor)) && !(text2 && strstr(text2, f->anchor)))
		ep_rule_problem(errs, path, "anchor", "'%.80s' does not occur in the text the footnote belongs to",
				f->anchor);
}

void ep_rule_oap(const ep_rules *r, const ep_oap *o, const ep_cycle *cycle, const char *path, ep_errs *errs)
{
	ep_rule_text(errs, path, "title", o->title, true, EP_MAX_NAME);
	ep_rule_enum(errs, path, "status", o->status, ep_oap_statuses);
	ep_rule_class(r, errs, path, "classification", o->classification);
	if (o->revision < 0 || o->revision > 99)
		ep_rule_problem(errs, path, "revision", "%lld is outside 0-99", (long long)o->revision);
	if (o->first_year > o->last_year) {
		ep_rule_problem(errs, path, "last_year", "%lld is before first_year %lld", (long long)o->last_year,
				(long long)o->first_year);
		return;
	}
	if (!cycle)
		return;
	if (o->first_year < cycle->first_year || o->last_year > cycle->last_year)
		ep_rule_problem(errs, path, "first_year", "%lld-%lld lies outside the cycle %s", (long long)o->first_year,
				(long long)o->last_year, cycle->label);
	else if (o->last_year - o->first_year + 1 > cycle->oap_period_years)
		ep_rule_problem(errs, path, "last_year",
				"the OAP spans %lld years but OAPs of cycle %s last %lld year(s)",
				(long long)(o->last_year - o->first_year + 1), cycle->label,
				(long long)cycle->oap_period_years);
}

void ep_rule_section(const ep_rules *r, const ep_section *s, const ep_oap *oap, const char *path, ep_errs *errs)
{
	if (!s->number)
		ep_rule_problem(errs, path, "number", "is required");
	else if (!ep_is_dotted_number(s->number))
		ep_rule_problem(errs, path, "number", "'%.32s' is not a section number such as 4 or 5.3", s->number);
	ep_rule_text(errs, path, "heading", s->heading, true, EP_MAX_NAME);
	ep_rule_text(errs, path, "text", s->text, false, EP_MAX_TEXT);
	if (ep_rule_class(r, errs, path, "classification", s->classification) && oap &&
	    s->classification > oap->classification)
		ep_rule_problem(errs, path, "classification", "%s is above the OAP's own classification %s",
				ep_class_token(s->classification), ep_class_token(oap->classification));
	if (!s->text && s->classification == EP_CLASS_UNCLASSIFIED)
		ep_rule_problem(errs, path, "text",
				"is missing, which is allowed only for a classified section whose text empact does not hold");
}

void ep_rule_action(const ep_rules *r, const ep_action *a, const ep_oap *oap, const char *path, ep_errs *errs)
{
	if (!a->number)
		ep_rule_problem(errs, path, "number", "is required");
	else if (!ep_is_dotted_number(a->number))
		ep_rule_problem(errs, path, "number", "'%.32s' is not an action number such as 3 or 3.2", a->number);
	ep_rule_text(errs, path, "title", a->title, true, EP_MAX_NAME);
	const char *names[] = {"description", "what", "when", "where", "who", "how"};
	const char *vals[] = {a->description, a->what, a->when_text, a->where_text, a->who, a->how};
	for (int i = 0; i < 6; i++)
		ep_rule_text(errs, path, names[i], vals[i], false, EP_MAX_TEXT);
	ep_rule_text(errs, path, "documentation_ref", a->documentation_ref, false, EP_MAX_NAME);
	bool d1 = ep_rule_date(errs, path, "start_date", a->start_date);
	bool d2 = ep_rule_date(errs, path, "end_date", a->end_date);
	if (d1 && d2 && a->start_date && a->end_date && strcmp(a->start_date, a->end_date) > 0)
		ep_rule_problem(errs, path, "end_date", "%s is before start_date %s", a->end_date, a->start_date);
	ep_rule_enum(errs, path, "status", a->status, ep_action_statuses);
	if (a->has_budget && a->budget_cents < 0)
		ep_rule_problem(errs, path, "budget_cents", "may not be negative");
	if (ep_rule_class(r, errs, path, "classification", a->classification) && oap &&
	    a->classification > oap->classification)
		ep_rule_problem(errs, path, "classification", "%s is above the OAP's own classification %s",
				ep_class_token(a->classification), ep_class_token(oap->classification));
}

void ep_rule_kpi(const ep_rules *r, const ep_kpi *k, const char *path, ep_errs *errs)
{
	(void)r;
	ep_rule_text(errs, path, "name", k->name, true, EP_MAX_NAME);
	ep_rule_text(errs, path, "unit", k->unit, false, EP_MAX_NAME);
	ep_rule_enum(errs, path, "direction", k->direction, ep_kpi_directions);
	if (k->aggregation)
		ep_rule_enum(errs, path, "aggregation", k->aggregation, ep_kpi_aggregations);
}

static bool all_digits(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

bool ep_rule_is_doc_number(const char *s)
{
	const char *a = strchr(s, '/');
	if (!a || !all_digits(s, (size_t)(a - s)) || a - s > 6)
		return false;
	const char *b = strchr(a + 1, '/');
	if (b) {
		if (!all_digits(a + 1, (size_t)(b - a - 1)) || b - a - 1 > 2)
			return false;
		a = b;
	}
	return strlen(a + 1) == 2 && all_digits(a + 1, 2);
}

bool ep_rule_is_doc_suffix(const char *s)
{
	if (!s[0])
		return true;
	static const char *const kinds[] = {"REV ", "EXT ", "ADD ", "COR "};
	for (int i = 0; i < 4; i++) {
		if (strncmp(s, kinds[i], 4) == 0) {
			const char *n = s + 4;
			size_t len = strlen(n);
			return len >= 1 && len <= 3 && n[0] != '0' && all_digits(n, len);
		}
	}
	return false;
}

static bool is_subject_code(const char *s)
{
	const char *sp = strchr(s, ' ');
	if (!sp || sp == s || sp - s > 16)
		return false;
	for (const char *p = s; p < sp; p++)
		if (*p < 'A' || *p > 'Z')
			return false;
	size_t n = strlen(sp + 1);
	return n >= 1 && n <= 6 && all_digits(sp + 1, n);
}

void ep_rule_document(const ep_rules *r, const ep_document *d, bool has_parent, const char *path, ep_errs *errs)
{
	if (!d->number)
		ep_rule_problem(errs, path, "number", "is required");
	else if (!ep_rule_is_doc_number(d->number))
		ep_rule_problem(errs, path, "number", "'%.32s' is not a Council document number such as 13874/17",
				d->number);
	const char *suffix = d->suffix ? d->suffix : "";
	if (!ep_rule_is_doc_suffix(suffix))
		ep_rule_problem(errs, path, "suffix", "'%.32s' is not one of \"\", REV n, EXT n, ADD n, COR n", suffix);
	if (!d->date)
		ep_rule_problem(errs, path, "date", "is required");
	else
		ep_rule_date(errs, path, "date", d->date);
	if (d->language && !(strlen(d->language) == 2 && d->language[0] >= 'a' && d->language[0] <= 'z' &&
			     d->language[1] >= 'a' && d->language[1] <= 'z'))
		ep_rule_problem(errs, path, "language", "'%.16s' is not a two-letter language code such as en",
				d->language);
	ep_rule_text(errs, path, "kind", d->kind, false, EP_MAX_NAME);
	ep_rule_text(errs, path, "from", d->from, false, EP_MAX_NAME);
	ep_rule_text(errs, path, "to", d->to, false, EP_MAX_NAME);
	ep_rule_text(errs, path, "subject", d->subject, true, EP_MAX_TEXT);
	ep_rule_text(errs, path, "initials", d->initials, false, EP_MAX_CODE);
	ep_rule_text(errs, path, "directorate", d->directorate, false, EP_MAX_CODE);
	ep_rule_text(errs, path, "new_status", d->new_status, false, EP_MAX_CODE);
	ep_rule_class(r, errs, path, "classification", d->classification);
	if (d->pages < 0 || d->pages > 100000)
		ep_rule_problem(errs, path, "pages", "%lld is not a page count", (long long)d->pages);
	bool ext = strncmp(suffix, "EXT ", 4) == 0;
	if (ext && !has_parent)
		ep_rule_problem(errs, path, "parent", "is required for an EXT (partially declassified) document");
	if (!ext && has_parent)
		ep_rule_problem(errs, path, "parent", "is only for an EXT document, not for suffix '%s'", suffix);
	if (ext && !d->new_status)
		ep_rule_problem(errs, path, "new_status", "is required for an EXT document (such as Public)");
	if (d->cycle_id && d->oap_id)
		ep_rule_problem(errs, path, "oap", "a document carries a cycle or an OAP, not both");
}

bool ep_rule_is_subject_code(const char *s)
{
	return is_subject_code(s);
}

void ep_rule_passage(const ep_rules *r, const ep_passage *p, const ep_document *doc, bool first, const char *path,
		     ep_errs *errs)
{
	if (!p->key) {
		ep_rule_problem(errs, path, "key", "is required");
	} else {
		size_t n = strlen(p->key);
		bool ok = n >= 1 && n <= 32;
		for (size_t i = 0; ok && i < n; i++) {
			char c = p->key[i];
			ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
		}
		if (!ok)
			ep_rule_problem(errs, path, "key", "'%.40s' is not a passage key: 1-32 of a-z, 0-9, _ and -",
					p->key);
	}
	ep_rule_text(errs, path, "heading", p->heading, false, EP_MAX_NAME);
	ep_rule_text(errs, path, "text", p->text, false, EP_MAX_TEXT);
	if (p->inline_ && first)
		ep_rule_problem(errs, path, "inline", "the first passage of a document cannot continue a paragraph");
	if (p->inline_ && p->heading)
		ep_rule_problem(errs, path, "heading", "an inline passage cannot start a headed part");
	if (ep_rule_class(r, errs, path, "classification", p->classification) && doc &&
	    p->classification > doc->classification && !(doc->suffix && strncmp(doc->suffix, "EXT ", 4) == 0))
		ep_rule_problem(errs, path, "classification", "%s is above the document's own classification %s",
				ep_class_token(p->classification), ep_class_token(doc->classification));
	if (!p->text && p->classification == EP_CLASS_UNCLASSIFIED)
		ep_rule_problem(errs, path, "text",
				"is missing, which is allowed only for a classified passage whose text empact does not hold");
}

void ep_rule_redaction(const ep_redaction *x, bool target_held, const char *path, ep_errs *errs)
{
	if (!!x->passage_key == !!x->section_number)
		ep_rule_problem(errs, path, NULL, "names exactly one of passage and section");
	if (!ep_rule_enum(errs, path, "decision", x->decision, ep_redaction_decisions))
		return;
	bool released = strcmp(x->decision, "released") == 0;
	if (!released)
		ep_rule_text(errs, path, "reason", x->reason, true, EP_MAX_TEXT);
	else
		ep_rule_text(errs, path, "reason", x->reason, false, EP_MAX_TEXT);
	if (released && !target_held)
		ep_rule_problem(errs, path, "decision",
				"cannot release a %s whose text empact does not hold",
				x->passage_key ? "passage" : "section");
	if (x->passage_key && strcmp(x->decision, "not_declassified") == 0)
		ep_rule_problem(errs, path, "decision", "a passage is released or deleted; not_declassified is for sections");
}
