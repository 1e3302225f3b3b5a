/*
 * Unit tests of the domain rules (svc/svc_rules.h). One test per rule, each from both sides: a
 * record that keeps the rule gives no problem, and one that breaks it gives exactly the problem
 * of that rule, at "PATH.FIELD", with a message that names what is wrong. The valid records are
 * built by the base_*() functions below and changed one field at a time, so that a failing side
 * reports that rule and nothing else.
 */
#include "testutil.h"

#include "core/classif.h"
#include "core/status.h"
#include "svc/svc_rules.h"

/* The installation default: accredited up to RESTREINT UE. */
static const ep_rules RULES = {EP_CLASS_RESTREINT};

static void dump(const ep_errs *e)
{
	for (size_t i = 0; i < e->n; i++)
		print_message("  problem: %s: %s\n", e->items[i].path, e->items[i].msg);
}

static bool has_problem(const ep_errs *e, const char *path, const char *needle)
{
	for (size_t i = 0; i < e->n; i++)
		if (strcmp(e->items[i].path, path) == 0 && strstr(e->items[i].msg, needle))
			return true;
	return false;
}

/* No problem at all. */
#define ASSERT_CLEAN(e)                                                                                            \
	do {                                                                                                       \
		if (ep_errs_count(e) != 0)                                                                         \
			dump(e);                                                                                   \
		assert_int_equal(ep_errs_count(e), 0);                                                             \
	} while (0)

/* Exactly one problem, at path, whose message contains needle. */
#define ASSERT_ONLY(e, path, needle)                                                                               \
	do {                                                                                                       \
		if (ep_errs_count(e) != 1 || !has_problem(e, path, needle)) {                                     \
			print_message("  expected only %s: ...%s...\n", path, needle);                             \
			dump(e);                                                                                   \
		}                                                                                                  \
		assert_int_equal(ep_errs_count(e), 1);                                                             \
		assert_true(has_problem(e, path, needle));                                                         \
		assert_int_equal((e)->items[0].status, EP_E_INVALID);                                              \
	} while (0)

/* Runs stmt on a fresh problem list named e, then check, then releases the list. */
#define CHECK(stmt, check)                                                                                         \
	do {                                                                                                       \
		ep_errs e;                                                                                         \
		ep_errs_init(&e);                                                                                  \
		stmt;                                                                                              \
		check;                                                                                             \
		ep_errs_release(&e);                                                                               \
	} while (0)

#define OK(stmt) CHECK(stmt, ASSERT_CLEAN(&e))
#define BAD(stmt, path, needle) CHECK(stmt, ASSERT_ONLY(&e, path, needle))

/* A string of n bytes of 'x'; the caller frees it. */
static char *xstr(size_t n)
{
	char *s = malloc(n + 1);
	assert_non_null(s);
	memset(s, 'x', n);
	s[n] = '\0';
	return s;
}

/* ---- valid records ---- */

static ep_org base_org(void)
{
	return (ep_org){.code = "FRONTEX", .kind = "eu_agency", .name = "Frontex", .discipline = "border"};
}

static ep_cycle base_cycle(void)
{
	return (ep_cycle){.label = "2011-2013",
			  .first_year = 2011,
			  .last_year = 2013,
			  .oap_period_years = 1,
			  .threat_assessment = "OCTA 2011",
			  .priorities_document = "11050/11",
			  .status = "closed"};
}

static ep_priority base_priority(void)
{
	return (ep_priority){.code = "C", .short_name = "Illegal immigration", .aim = "Weaken the capacity of OCGs."};
}

static ep_goal base_goal(void)
{
	return (ep_goal){.number = 1, .text = "To encourage MS and relevant third parties."};
}

static ep_oap base_oap(void)
{
	return (ep_oap){.first_year = 2018,
			.last_year = 2018,
			.title = "Facilitated illegal immigration",
			.status = "submitted_to_cosi",
			.classification = EP_CLASS_RESTREINT};
}

static ep_cycle base_oap_cycle(void)
{
	return (ep_cycle){.label = "2018-2021", .first_year = 2018, .last_year = 2021, .oap_period_years = 1,
			  .status = "closed"};
}

static ep_section base_section(void)
{
	return (ep_section){.number = "5.1", .heading = "Planning", .text = "Para.", .classification = EP_CLASS_RESTREINT};
}

static ep_action base_action(void)
{
	return (ep_action){.number = "1.2",
			   .title = "Joint investigation",
			   .start_date = "2018-01-01",
			   .end_date = "2018-12-31",
			   .status = "planned",
			   .has_budget = true,
			   .budget_cents = 15000000,
			   .classification = EP_CLASS_RESTREINT};
}

static ep_kpi base_kpi(void)
{
	return (ep_kpi){.name = "Arrests", .unit = "persons", .direction = "increase", .target = 200};
}

static ep_document base_doc(void)
{
	return (ep_document){.number = "13874/17",
			     .suffix = "",
			     .date = "2017-11-23",
			     .language = "en",
			     .kind = "NOTE",
			     .subject = "Draft Operational Action Plan 2018",
			     .classification = EP_CLASS_RESTREINT};
}

static ep_document base_ext(void)
{
	ep_document d = base_doc();
	d.suffix = "EXT 1";
	d.date = "2018-03-01";
	d.new_status = "Public";
	d.classification = EP_CLASS_UNCLASSIFIED;
	return d;
}

static ep_passage base_passage(void)
{
	return (ep_passage){.key = "p2", .text = "developed under the overall responsibility of the",
			    .classification = EP_CLASS_RESTREINT};
}

static ep_redaction base_redaction(void)
{
	return (ep_redaction){.passage_key = "p2", .decision = "deleted", .reason = "Regulation 1049/2001 Art. 4(1)(a)"};
}

/* ---- organisations ---- */

static void test_org_code_format(void **state)
{
	(void)state;
	const char *good[] = {"FRONTEX", "IT", "EL", "FR-DGDDI", "A_1", "AB34567890123456789012345678901Z"};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		ep_org o = base_org();
		o.code = good[i];
		OK(ep_rule_org(&RULES, &o, "$.o", &e));
	}
	const char *bad[] = {"I", "it", "1X", "_AB", "-AB", "FR DGDDI", "FR.X", "", "ÉT",
			     "AB345678901234567890123456789012X" /* 33 */};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ep_org o = base_org();
		o.code = bad[i];
		BAD(ep_rule_org(&RULES, &o, "$.o", &e), "$.o.code", "is not an organisation code");
	}
	ep_org o = base_org();
	o.code = NULL;
	BAD(ep_rule_org(&RULES, &o, "$.o", &e), "$.o.code", "is required");
}

static void test_org_kind_enum(void **state)
{
	(void)state;
	for (const char *const *k = ep_org_kinds; *k; k++) {
		ep_org o = base_org();
		o.kind = *k;
		o.country = "IT";
		OK(ep_rule_org(&RULES, &o, "$.o", &e));
	}
	ep_org o = base_org();
	o.kind = "agency";
	BAD(ep_rule_org(&RULES, &o, "$.o", &e), "$.o.kind", "'agency' is not one of: member_state");
	o.kind = "EU_AGENCY";
	BAD(ep_rule_org(&RULES, &o, "$.o", &e), "$.o.kind", "is not one of");
	o.kind = NULL;
	BAD(ep_rule_org(&RULES, &o, "$.o", &e), "$.o.kind", "is required");
}

static void test_org_country(void **state)
{
	(void)state;
	const char *kinds[] = {"member_state", "member_state_authority"};
	for (int i = 0; i < 2; i++) {
		ep_org o = base_org();
		o.kind = kinds[i];
		o.country = "EL";
		OK(ep_rule_org(&RULES, &o, "$.o", &e));
		o.country = NULL;
		BAD(ep_rule_org(&RULES, &o, "$.o", &e), "$.o.country", "is required for a");
		CHECK(ep_rule_org(&RULES, &o, "$.o", &e), assert_true(has_problem(&e, "$.o.country", kinds[i])));
	}
	/* Other kinds may go without one. */
	ep_org o = base_org();
	o.country = NULL;
	OK(ep_rule_org(&RULES, &o, "$.o", &e));
	/* Two capital letters, nothing else. */
	const char *bad[] = {"it", "It", "ITA", "I", "", "I1", "É"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		o = base_org();
		o.kind = "member_state";
		o.country = bad[i];
		BAD(ep_rule_org(&RULES, &o, "$.o", &e), "$.o.country", "is not a two-letter country code");
	}
}

static void test_org_discipline_enum(void **state)
{
	(void)state;
	for (const char *const *d = ep_disciplines; *d; d++) {
		ep_org o = base_org();
		o.discipline = *d;
		OK(ep_rule_org(&RULES, &o, "$.o", &e));
	}
	ep_org o = base_org();
	o.discipline = NULL;
	OK(ep_rule_org(&RULES, &o, "$.o", &e));
	o.discipline = "army";
	BAD(ep_rule_org(&RULES, &o, "$.o", &e), "$.o.discipline", "'army' is not one of: police");
}

static void test_org_name_required(void **state)
{
	(void)state;
	ep_org o = base_org();
	o.name = NULL;
	BAD(ep_rule_org(&RULES, &o, "$.o", &e), "$.o.name", "is required");
	o.name = " \t\n";
	BAD(ep_rule_org(&RULES, &o, "$.o", &e), "$.o.name", "may not be empty");
}

/* ---- cycles ---- */

static void test_cycle_label_matches_years(void **state)
{
	(void)state;
	ep_cycle c = base_cycle();
	OK(ep_rule_cycle(&RULES, &c, "$.c", &e));
	const char *bad[] = {"2011-2014", "2011 - 2013", "2011/2013", "11-13", "2011-2013 ", ""};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		c.label = bad[i];
		BAD(ep_rule_cycle(&RULES, &c, "$.c", &e), "$.c.label", "must be FIRST-LAST year, here '2011-2013'");
	}
	c.label = NULL;
	BAD(ep_rule_cycle(&RULES, &c, "$.c", &e), "$.c.label", "is required");
}

static void test_cycle_years(void **state)
{
	(void)state;
	ep_cycle c = base_cycle();
	/* The bounds themselves, and a one-year cycle. */
	c.first_year = 2000, c.last_year = 2100, c.label = "2000-2100";
	OK(ep_rule_cycle(&RULES, &c, "$.c", &e));
	c.first_year = 2013, c.last_year = 2013, c.label = "2013-2013";
	OK(ep_rule_cycle(&RULES, &c, "$.c", &e));

	c.first_year = 1999, c.last_year = 2013, c.label = "1999-2013";
	BAD(ep_rule_cycle(&RULES, &c, "$.c", &e), "$.c.first_year", "1999 is outside 2000-2100");
	c.first_year = 2011, c.last_year = 2101, c.label = "2011-2101";
	BAD(ep_rule_cycle(&RULES, &c, "$.c", &e), "$.c.last_year", "2101 is outside 2000-2100");
	c.first_year = 2013, c.last_year = 2011, c.label = "2013-2011";
	BAD(ep_rule_cycle(&RULES, &c, "$.c", &e), "$.c.last_year", "2011 is before first_year 2013");
}

static void test_cycle_oap_period(void **state)
{
	(void)state;
	ep_cycle c = base_cycle();
	c.oap_period_years = 1;
	OK(ep_rule_cycle(&RULES, &c, "$.c", &e));
	c.oap_period_years = 2;
	OK(ep_rule_cycle(&RULES, &c, "$.c", &e));
	const int64_t bad[] = {0, 3, -1, 4};
	for (size_t i = 0; i < 4; i++) {
		c.oap_period_years = bad[i];
		BAD(ep_rule_cycle(&RULES, &c, "$.c", &e), "$.c.oap_period_years", "is not 1 or 2");
	}
}

static void test_cycle_status(void **state)
{
	(void)state;
	for (const char *const *s = ep_cycle_statuses; *s; s++) {
		ep_cycle c = base_cycle();
		c.status = *s;
		OK(ep_rule_cycle(&RULES, &c, "$.c", &e));
	}
	ep_cycle c = base_cycle();
	c.status = "finished";
	BAD(ep_rule_cycle(&RULES, &c, "$.c", &e), "$.c.status", "'finished' is not one of: planning, active, closed");
	c.status = NULL;
	BAD(ep_rule_cycle(&RULES, &c, "$.c", &e), "$.c.status", "is required");
}

static void test_cycle_priorities_document(void **state)
{
	(void)state;
	ep_cycle c = base_cycle();
	c.priorities_document = NULL;
	OK(ep_rule_cycle(&RULES, &c, "$.c", &e));
	c.priorities_document = "11050-11";
	BAD(ep_rule_cycle(&RULES, &c, "$.c", &e), "$.c.priorities_document", "is not a Council document number");
}

/* ---- priorities and goals ---- */

static void test_priority_code(void **state)
{
	(void)state;
	const char *good[] = {"A", "H", "3", "10", "ABCDEFGH", "A1"};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		ep_priority p = base_priority();
		p.code = good[i];
		OK(ep_rule_priority(&RULES, &p, "$.p", &e));
	}
	const char *bad[] = {"a", "", "ABCDEFGHI", "A-1", "A 1", "A.1", "Ä"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ep_priority p = base_priority();
		p.code = bad[i];
		BAD(ep_rule_priority(&RULES, &p, "$.p", &e), "$.p.code", "is not a priority code: 1-8 characters");
	}
	ep_priority p = base_priority();
	p.code = NULL;
	BAD(ep_rule_priority(&RULES, &p, "$.p", &e), "$.p.code", "is required");
}

static void test_priority_short_name_and_aim_required(void **state)
{
	(void)state;
	ep_priority p = base_priority();
	OK(ep_rule_priority(&RULES, &p, "$.p", &e));
	p.short_name = NULL;
	BAD(ep_rule_priority(&RULES, &p, "$.p", &e), "$.p.short_name", "is required");
	p.short_name = "   ";
	BAD(ep_rule_priority(&RULES, &p, "$.p", &e), "$.p.short_name", "may not be empty");
	p = base_priority();
	p.aim = NULL;
	BAD(ep_rule_priority(&RULES, &p, "$.p", &e), "$.p.aim", "is required");
	p.aim = "\n\t ";
	BAD(ep_rule_priority(&RULES, &p, "$.p", &e), "$.p.aim", "may not be empty");
	p.aim = "";
	BAD(ep_rule_priority(&RULES, &p, "$.p", &e), "$.p.aim", "may not be empty");
}

static void test_goal_number(void **state)
{
	(void)state;
	const int64_t good[] = {1, 7, 999};
	for (size_t i = 0; i < 3; i++) {
		ep_goal g = base_goal();
		g.number = good[i];
		OK(ep_rule_goal(&RULES, &g, "$.g", &e));
		ep_shared_goal sg = {.number = good[i], .text = "Enhancing information exchange"};
		OK(ep_rule_shared_goal(&RULES, &sg, "$.s", &e));
	}
	const int64_t bad[] = {0, -1, 1000};
	for (size_t i = 0; i < 3; i++) {
		ep_goal g = base_goal();
		g.number = bad[i];
		BAD(ep_rule_goal(&RULES, &g, "$.g", &e), "$.g.number", "is not a goal number from 1 to 999");
		ep_shared_goal sg = {.number = bad[i], .text = "Enhancing information exchange"};
		BAD(ep_rule_shared_goal(&RULES, &sg, "$.s", &e), "$.s.number", "is not a goal number from 1 to 999");
	}
	ep_goal g = base_goal();
	g.text = NULL;
	BAD(ep_rule_goal(&RULES, &g, "$.g", &e), "$.g.text", "is required");
}

static void test_text_length_limits(void **state)
{
	(void)state;
	char *text_max = xstr(EP_MAX_TEXT), *text_over = xstr(EP_MAX_TEXT + 1);
	char *name_max = xstr(EP_MAX_NAME), *name_over = xstr(EP_MAX_NAME + 1);
	assert_int_equal(strlen(text_over), 65537);

	ep_goal g = base_goal();
	g.text = text_max;
	OK(ep_rule_goal(&RULES, &g, "$.g", &e));
	g.text = text_over;
	BAD(ep_rule_goal(&RULES, &g, "$.g", &e), "$.g.text", "is 65537 bytes long, more than the 65536 allowed");

	ep_priority p = base_priority();
	p.aim = text_max;
	p.short_name = name_max;
	OK(ep_rule_priority(&RULES, &p, "$.p", &e));
	p.short_name = name_over;
	BAD(ep_rule_priority(&RULES, &p, "$.p", &e), "$.p.short_name", "is 1025 bytes long, more than the 1024 allowed");
	p.short_name = name_max;
	p.aim = text_over;
	BAD(ep_rule_priority(&RULES, &p, "$.p", &e), "$.p.aim", "is 65537 bytes long");

	/* An optional text has the same limit. */
	ep_action a = base_action();
	a.description = text_max;
	OK(ep_rule_action(&RULES, &a, NULL, "$.a", &e));
	a.description = text_over;
	BAD(ep_rule_action(&RULES, &a, NULL, "$.a", &e), "$.a.description", "is 65537 bytes long");
	a = base_action();
	a.title = name_over;
	BAD(ep_rule_action(&RULES, &a, NULL, "$.a", &e), "$.a.title", "is 1025 bytes long");

	/* And the shared field rule itself, with a limit of its own. */
	OK(ep_rule_text(&e, "$", "f", "12345", true, 5));
	BAD(ep_rule_text(&e, "$", "f", "123456", true, 5), "$.f", "is 6 bytes long, more than the 5 allowed");
	free(text_max);
	free(text_over);
	free(name_max);
	free(name_over);
}

static void test_text_utf8(void **state)
{
	(void)state;
	ep_goal g = base_goal();
	g.text = "Stra\xc3\x9f" "e \xe2\x80\x94 ok";
	OK(ep_rule_goal(&RULES, &g, "$.g", &e));
	g.text = "bad \xff\xfe bytes";
	BAD(ep_rule_goal(&RULES, &g, "$.g", &e), "$.g.text", "is not valid UTF-8 text");
	g.text = "truncated \xe2\x80";
	BAD(ep_rule_goal(&RULES, &g, "$.g", &e), "$.g.text", "is not valid UTF-8 text");
}

static void test_footnote_anchor_in_text(void **state)
{
	(void)state;
	const char *text = "To encourage MS to tackle Western Balkans organised crime.";
	const char *scope = "included in all 8 priorities";
	ep_footnote f = {.anchor = "Western Balkans organised crime", .text = "Including Albanian speaking OCGs"};
	OK(ep_rule_footnote(&f, text, NULL, "$.f", &e));
	OK(ep_rule_footnote(&f, text, scope, "$.f", &e));
	/* In the second text (a shared goal's scope). */
	f.anchor = "all 8 priorities";
	OK(ep_rule_footnote(&f, text, scope, "$.f", &e));
	OK(ep_rule_footnote(&f, NULL, scope, "$.f", &e));
	BAD(ep_rule_footnote(&f, text, NULL, "$.f", &e), "$.f.anchor", "'all 8 priorities' does not occur in the text");
	f.anchor = "western balkans"; /* case matters */
	BAD(ep_rule_footnote(&f, text, scope, "$.f", &e), "$.f.anchor", "does not occur in the text");
	BAD(ep_rule_footnote(&f, NULL, NULL, "$.f", &e), "$.f.anchor", "does not occur in the text");
	f.anchor = NULL;
	BAD(ep_rule_footnote(&f, text, NULL, "$.f", &e), "$.f.anchor", "is required");
	f.anchor = "Western Balkans";
	f.text = NULL;
	BAD(ep_rule_footnote(&f, text, NULL, "$.f", &e), "$.f.text", "is required");
}

/* ---- OAPs and sections ---- */

static void test_oap_years_in_cycle(void **state)
{
	(void)state;
	ep_cycle c = base_oap_cycle();
	ep_oap o = base_oap();
	OK(ep_rule_oap(&RULES, &o, &c, "$.o", &e));
	o.first_year = o.last_year = 2021;
	OK(ep_rule_oap(&RULES, &o, &c, "$.o", &e));
	/* Without the cycle the cycle rules are skipped. */
	o.first_year = o.last_year = 2030;
	OK(ep_rule_oap(&RULES, &o, NULL, "$.o", &e));

	o.first_year = o.last_year = 2017;
	BAD(ep_rule_oap(&RULES, &o, &c, "$.o", &e), "$.o.first_year", "2017-2017 lies outside the cycle 2018-2021");
	o.first_year = o.last_year = 2022;
	BAD(ep_rule_oap(&RULES, &o, &c, "$.o", &e), "$.o.first_year", "lies outside the cycle");
	o.first_year = 2021, o.last_year = 2022;
	BAD(ep_rule_oap(&RULES, &o, &c, "$.o", &e), "$.o.first_year", "lies outside the cycle");
	o.first_year = 2019, o.last_year = 2018;
	BAD(ep_rule_oap(&RULES, &o, &c, "$.o", &e), "$.o.last_year", "2018 is before first_year 2019");
}

static void test_oap_span_within_period(void **state)
{
	(void)state;
	ep_cycle c = base_oap_cycle(); /* one-year OAPs */
	ep_oap o = base_oap();
	o.first_year = 2018, o.last_year = 2019;
	BAD(ep_rule_oap(&RULES, &o, &c, "$.o", &e), "$.o.last_year",
	    "the OAP spans 2 years but OAPs of cycle 2018-2021 last 1 year(s)");
	c.oap_period_years = 2; /* two-year OAPs, as from 2022 */
	OK(ep_rule_oap(&RULES, &o, &c, "$.o", &e));
	o.last_year = 2018;
	OK(ep_rule_oap(&RULES, &o, &c, "$.o", &e));
	o.last_year = 2020;
	BAD(ep_rule_oap(&RULES, &o, &c, "$.o", &e), "$.o.last_year", "spans 3 years");
}

static void test_oap_classification_max(void **state)
{
	(void)state;
	ep_oap o = base_oap();
	o.classification = EP_CLASS_UNCLASSIFIED;
	OK(ep_rule_oap(&RULES, &o, NULL, "$.o", &e));
	o.classification = EP_CLASS_RESTREINT; /* the maximum itself */
	OK(ep_rule_oap(&RULES, &o, NULL, "$.o", &e));
	o.classification = EP_CLASS_CONFIDENTIEL;
	BAD(ep_rule_oap(&RULES, &o, NULL, "$.o", &e), "$.o.classification",
	    "confidentiel_ue is above restreint_ue, the highest level this installation is accredited for");
	const ep_rules secret = {EP_CLASS_SECRET};
	OK(ep_rule_oap(&secret, &o, NULL, "$.o", &e));
	o.classification = EP_CLASS_TRES_SECRET;
	BAD(ep_rule_oap(&secret, &o, NULL, "$.o", &e), "$.o.classification", "accredited");
}

static void test_oap_status_title_revision(void **state)
{
	(void)state;
	for (const char *const *s = ep_oap_statuses; *s; s++) {
		ep_oap o = base_oap();
		o.status = *s;
		OK(ep_rule_oap(&RULES, &o, NULL, "$.o", &e));
	}
	ep_oap o = base_oap();
	o.status = "approved";
	BAD(ep_rule_oap(&RULES, &o, NULL, "$.o", &e), "$.o.status", "'approved' is not one of: drafting");
	o = base_oap();
	o.title = "";
	BAD(ep_rule_oap(&RULES, &o, NULL, "$.o", &e), "$.o.title", "may not be empty");
	o = base_oap();
	o.revision = 99;
	OK(ep_rule_oap(&RULES, &o, NULL, "$.o", &e));
	o.revision = -1;
	BAD(ep_rule_oap(&RULES, &o, NULL, "$.o", &e), "$.o.revision", "outside 0-99");
}

static void test_section_number_dotted(void **state)
{
	(void)state;
	const char *good[] = {"5.1", "1", "4.2", "10.4.1", "0"};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		ep_section s = base_section();
		s.number = good[i];
		OK(ep_rule_section(&RULES, &s, NULL, "$.s", &e));
	}
	const char *bad[] = {"5.", "05", "a", "", ".5", "5..1", "5.01", "5 1", "5.1a", "-1"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ep_section s = base_section();
		s.number = bad[i];
		BAD(ep_rule_section(&RULES, &s, NULL, "$.s", &e), "$.s.number", "is not a section number such as 4 or 5.3");
	}
	ep_section s = base_section();
	s.number = NULL;
	BAD(ep_rule_section(&RULES, &s, NULL, "$.s", &e), "$.s.number", "is required");
}

static void test_section_text_null_only_when_classified(void **state)
{
	(void)state;
	ep_section s = base_section();
	s.text = NULL; /* classified, known only from its public version */
	OK(ep_rule_section(&RULES, &s, NULL, "$.s", &e));
	s.classification = EP_CLASS_UNCLASSIFIED;
	BAD(ep_rule_section(&RULES, &s, NULL, "$.s", &e), "$.s.text", "allowed only for a classified section");
	s.text = "Held.";
	OK(ep_rule_section(&RULES, &s, NULL, "$.s", &e));
}

static void test_section_classification_not_above_oap(void **state)
{
	(void)state;
	ep_oap o = base_oap(); /* restreint_ue */
	ep_section s = base_section();
	OK(ep_rule_section(&RULES, &s, &o, "$.s", &e));
	s.classification = EP_CLASS_UNCLASSIFIED;
	OK(ep_rule_section(&RULES, &s, &o, "$.s", &e));
	o.classification = EP_CLASS_UNCLASSIFIED;
	s.classification = EP_CLASS_RESTREINT;
	BAD(ep_rule_section(&RULES, &s, &o, "$.s", &e), "$.s.classification",
	    "restreint_ue is above the OAP's own classification unclassified");
	/* Above the accredited maximum: that problem, not both. */
	o.classification = EP_CLASS_RESTREINT;
	s.classification = EP_CLASS_CONFIDENTIEL;
	BAD(ep_rule_section(&RULES, &s, &o, "$.s", &e), "$.s.classification", "accredited");
}

/* ---- operational actions and KPIs ---- */

static void test_action_number_dotted(void **state)
{
	(void)state;
	const char *good[] = {"1.2", "3", "10.4.1"};
	for (size_t i = 0; i < 3; i++) {
		ep_action a = base_action();
		a.number = good[i];
		OK(ep_rule_action(&RULES, &a, NULL, "$.a", &e));
	}
	const char *bad[] = {"1.", "01", "a", "", "1.2.", "OA 1"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ep_action a = base_action();
		a.number = bad[i];
		BAD(ep_rule_action(&RULES, &a, NULL, "$.a", &e), "$.a.number", "is not an action number such as 3 or 3.2");
	}
	ep_action a = base_action();
	a.number = NULL;
	BAD(ep_rule_action(&RULES, &a, NULL, "$.a", &e), "$.a.number", "is required");
	a = base_action();
	a.title = NULL;
	BAD(ep_rule_action(&RULES, &a, NULL, "$.a", &e), "$.a.title", "is required");
}

static void test_action_dates(void **state)
{
	(void)state;
	ep_action a = base_action();
	a.start_date = "2024-02-29"; /* a leap day */
	a.end_date = "2024-02-29";   /* one-day action */
	OK(ep_rule_action(&RULES, &a, NULL, "$.a", &e));
	a.start_date = a.end_date = NULL; /* optional */
	OK(ep_rule_action(&RULES, &a, NULL, "$.a", &e));

	const char *bad[] = {"2023-02-29", "2018-13-01", "2018-04-31", "2018-1-1", "18-01-01", "2018-01-01T00:00",
			     "tomorrow", ""};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		a = base_action();
		a.start_date = bad[i];
		BAD(ep_rule_action(&RULES, &a, NULL, "$.a", &e), "$.a.start_date", "is not a date (YYYY-MM-DD)");
		a = base_action();
		a.end_date = bad[i];
		BAD(ep_rule_action(&RULES, &a, NULL, "$.a", &e), "$.a.end_date", "is not a date (YYYY-MM-DD)");
	}
	a = base_action();
	a.start_date = "2018-12-31";
	a.end_date = "2018-01-01";
	BAD(ep_rule_action(&RULES, &a, NULL, "$.a", &e), "$.a.end_date", "2018-01-01 is before start_date 2018-12-31");
}

static void test_action_status(void **state)
{
	(void)state;
	for (const char *const *s = ep_action_statuses; *s; s++) {
		ep_action a = base_action();
		a.status = *s;
		OK(ep_rule_action(&RULES, &a, NULL, "$.a", &e));
	}
	ep_action a = base_action();
	a.status = "done";
	BAD(ep_rule_action(&RULES, &a, NULL, "$.a", &e), "$.a.status", "'done' is not one of: proposed");
	a.status = "status unclear";
	BAD(ep_rule_action(&RULES, &a, NULL, "$.a", &e), "$.a.status", "is not one of");
}

static void test_action_budget_not_negative(void **state)
{
	(void)state;
	ep_action a = base_action();
	a.budget_cents = 0;
	OK(ep_rule_action(&RULES, &a, NULL, "$.a", &e));
	a.budget_cents = -1;
	BAD(ep_rule_action(&RULES, &a, NULL, "$.a", &e), "$.a.budget_cents", "may not be negative");
	a.has_budget = false; /* no budget given: nothing to check */
	OK(ep_rule_action(&RULES, &a, NULL, "$.a", &e));
}

static void test_action_classification(void **state)
{
	(void)state;
	ep_oap o = base_oap();
	ep_action a = base_action();
	OK(ep_rule_action(&RULES, &a, &o, "$.a", &e));
	a.classification = EP_CLASS_CONFIDENTIEL;
	BAD(ep_rule_action(&RULES, &a, NULL, "$.a", &e), "$.a.classification",
	    "confidentiel_ue is above restreint_ue, the highest level this installation is accredited for");
	/* Within the maximum but above the OAP's own. */
	o.classification = EP_CLASS_UNCLASSIFIED;
	a.classification = EP_CLASS_RESTREINT;
	BAD(ep_rule_action(&RULES, &a, &o, "$.a", &e), "$.a.classification", "is above the OAP's own classification");
}

static void test_kpi_direction_and_name(void **state)
{
	(void)state;
	for (const char *const *d = ep_kpi_directions; *d; d++) {
		ep_kpi k = base_kpi();
		k.direction = *d;
		OK(ep_rule_kpi(&RULES, &k, "$.k", &e));
	}
	ep_kpi k = base_kpi();
	k.direction = "up";
	BAD(ep_rule_kpi(&RULES, &k, "$.k", &e), "$.k.direction", "'up' is not one of: increase, decrease, maintain");
	k.direction = NULL;
	BAD(ep_rule_kpi(&RULES, &k, "$.k", &e), "$.k.direction", "is required");
	k = base_kpi();
	k.name = NULL;
	BAD(ep_rule_kpi(&RULES, &k, "$.k", &e), "$.k.name", "is required");
	k.name = "  ";
	BAD(ep_rule_kpi(&RULES, &k, "$.k", &e), "$.k.name", "may not be empty");
	k = base_kpi();
	k.unit = NULL;
	OK(ep_rule_kpi(&RULES, &k, "$.k", &e));
}

/* ---- Council documents ---- */

static void test_doc_number_format(void **state)
{
	(void)state;
	const char *good[] = {"13874/17", "15220/1/16", "1/17", "15850/11", "123456/99", "9450/12/17"};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		assert_true(ep_rule_is_doc_number(good[i]));
	const char *bad[] = {"13874-17", "1/2/3/4", "13874/2017", "13874/7", "/17", "13874/", "", "1234567/17",
			     "13874/123/17", "13874/1x", "13874/17 ", " 13874/17", "13874//17", "a/17", "13874/17 EXT 1"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (ep_rule_is_doc_number(bad[i]))
			print_message("accepted '%s'\n", bad[i]);
		assert_false(ep_rule_is_doc_number(bad[i]));
	}
	/* And through the document rule, with its path. */
	ep_document d = base_doc();
	OK(ep_rule_document(&RULES, &d, false, "$.d", &e));
	d.number = "13874-17";
	BAD(ep_rule_document(&RULES, &d, false, "$.d", &e), "$.d.number",
	    "'13874-17' is not a Council document number such as 13874/17");
	d.number = NULL;
	BAD(ep_rule_document(&RULES, &d, false, "$.d", &e), "$.d.number", "is required");
}

static void test_doc_suffix(void **state)
{
	(void)state;
	const char *good[] = {"", "REV 1", "EXT 1", "ADD 2", "COR 1", "REV 12", "ADD 100"};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		assert_true(ep_rule_is_doc_suffix(good[i]));
	const char *bad[] = {"EXT 0", "EXT", "EXT ", "REV x", "rev 1", "REV 01", "REV 1000", "REV1", "EXT 1 ",
			     " EXT 1", "INIT", "AMD 1", "REV -1"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (ep_rule_is_doc_suffix(bad[i]))
			print_message("accepted '%s'\n", bad[i]);
		assert_false(ep_rule_is_doc_suffix(bad[i]));
	}
	ep_document d = base_doc();
	d.suffix = "REV 2";
	OK(ep_rule_document(&RULES, &d, false, "$.d", &e));
	d.suffix = NULL; /* the original */
	OK(ep_rule_document(&RULES, &d, false, "$.d", &e));
	d.suffix = "REV x";
	BAD(ep_rule_document(&RULES, &d, false, "$.d", &e), "$.d.suffix",
	    "'REV x' is not one of \"\", REV n, EXT n, ADD n, COR n");
}

static void test_doc_subject_code(void **state)
{
	(void)state;
	const char *good[] = {"JAI 988", "COSI 257", "ENFOPOL 502", "CRIMORG 1", "JAI 123456"};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		assert_true(ep_rule_is_subject_code(good[i]));
	const char *bad[] = {"jai 988", "JAI", "JAI 9x", "JAI ", " 988", "JAI  988", "JAI 1234567", "Jai 988",
			     "JAI-988", "JAI 988 ", "J1 988", ""};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (ep_rule_is_subject_code(bad[i]))
			print_message("accepted '%s'\n", bad[i]);
		assert_false(ep_rule_is_subject_code(bad[i]));
	}
}

static void test_doc_ext_parent_and_status(void **state)
{
	(void)state;
	ep_document d = base_ext();
	OK(ep_rule_document(&RULES, &d, true, "$.d", &e));
	BAD(ep_rule_document(&RULES, &d, false, "$.d", &e), "$.d.parent",
	    "is required for an EXT (partially declassified) document");
	d.new_status = NULL;
	BAD(ep_rule_document(&RULES, &d, true, "$.d", &e), "$.d.new_status", "is required for an EXT document");
	/* Only an EXT document names a parent. */
	d = base_doc();
	OK(ep_rule_document(&RULES, &d, false, "$.d", &e));
	BAD(ep_rule_document(&RULES, &d, true, "$.d", &e), "$.d.parent", "is only for an EXT document");
	d.suffix = "REV 1";
	BAD(ep_rule_document(&RULES, &d, true, "$.d", &e), "$.d.parent", "not for suffix 'REV 1'");
}

static void test_doc_other_fields(void **state)
{
	(void)state;
	ep_document d = base_doc();
	d.date = "2017-02-29";
	BAD(ep_rule_document(&RULES, &d, false, "$.d", &e), "$.d.date", "is not a date");
	d = base_doc();
	d.date = NULL;
	BAD(ep_rule_document(&RULES, &d, false, "$.d", &e), "$.d.date", "is required");
	d = base_doc();
	d.language = "EN";
	BAD(ep_rule_document(&RULES, &d, false, "$.d", &e), "$.d.language", "is not a two-letter language code");
	d = base_doc();
	d.subject = NULL;
	BAD(ep_rule_document(&RULES, &d, false, "$.d", &e), "$.d.subject", "is required");
	d = base_doc();
	d.classification = EP_CLASS_SECRET;
	BAD(ep_rule_document(&RULES, &d, false, "$.d", &e), "$.d.classification", "accredited");
	d = base_doc();
	d.pages = -1;
	BAD(ep_rule_document(&RULES, &d, false, "$.d", &e), "$.d.pages", "is not a page count");
	d = base_doc();
	d.cycle_id = 1, d.oap_id = 1;
	BAD(ep_rule_document(&RULES, &d, false, "$.d", &e), "$.d.oap", "a cycle or an OAP, not both");
}

/* ---- passages and redactions ---- */

static void test_passage_key_format(void **state)
{
	(void)state;
	ep_document d = base_doc();
	const char *good[] = {"p2", "a", "cover_note-1", "abcdefghijklmnopqrstuvwxyz012345" /* 32 */};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		ep_passage p = base_passage();
		p.key = good[i];
		OK(ep_rule_passage(&RULES, &p, &d, false, "$.p", &e));
	}
	const char *bad[] = {"P2", "", "p 2", "p.2", "p/2", "abcdefghijklmnopqrstuvwxyz0123456" /* 33 */, "é"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ep_passage p = base_passage();
		p.key = bad[i];
		BAD(ep_rule_passage(&RULES, &p, &d, false, "$.p", &e), "$.p.key", "is not a passage key: 1-32 of a-z");
	}
	ep_passage p = base_passage();
	p.key = NULL;
	BAD(ep_rule_passage(&RULES, &p, &d, false, "$.p", &e), "$.p.key", "is required");
}

static void test_passage_first_not_inline(void **state)
{
	(void)state;
	ep_document d = base_doc();
	ep_passage p = base_passage();
	OK(ep_rule_passage(&RULES, &p, &d, true, "$.p", &e));
	p.inline_ = true;
	OK(ep_rule_passage(&RULES, &p, &d, false, "$.p", &e));
	BAD(ep_rule_passage(&RULES, &p, &d, true, "$.p", &e), "$.p.inline",
	    "the first passage of a document cannot continue a paragraph");
	p.heading = "Introduction";
	BAD(ep_rule_passage(&RULES, &p, &d, false, "$.p", &e), "$.p.heading", "an inline passage cannot start a headed part");
}

static void test_passage_text_null_only_when_classified(void **state)
{
	(void)state;
	ep_document d = base_doc();
	ep_passage p = base_passage();
	p.text = NULL;
	OK(ep_rule_passage(&RULES, &p, &d, false, "$.p", &e));
	p.classification = EP_CLASS_UNCLASSIFIED;
	BAD(ep_rule_passage(&RULES, &p, &d, false, "$.p", &e), "$.p.text", "allowed only for a classified passage");
}

static void test_passage_classification(void **state)
{
	(void)state;
	ep_document d = base_doc();
	d.classification = EP_CLASS_UNCLASSIFIED;
	ep_passage p = base_passage(); /* restreint_ue */
	BAD(ep_rule_passage(&RULES, &p, &d, false, "$.p", &e), "$.p.classification",
	    "is above the document's own classification");
	/* An EXT document keeps the passages it withheld, classified, inside an unclassified whole. */
	d = base_ext();
	OK(ep_rule_passage(&RULES, &p, &d, false, "$.p", &e));
	p.classification = EP_CLASS_CONFIDENTIEL;
	BAD(ep_rule_passage(&RULES, &p, &d, false, "$.p", &e), "$.p.classification", "accredited");
}

static void test_redaction_exactly_one_target(void **state)
{
	(void)state;
	ep_redaction x = base_redaction();
	OK(ep_rule_redaction(&x, true, "$.r", &e));
	x.passage_key = NULL;
	x.section_number = "5.1";
	OK(ep_rule_redaction(&x, true, "$.r", &e));
	x.passage_key = "p2";
	BAD(ep_rule_redaction(&x, true, "$.r", &e), "$.r", "names exactly one of passage and section");
	x.passage_key = x.section_number = NULL;
	BAD(ep_rule_redaction(&x, true, "$.r", &e), "$.r", "names exactly one of passage and section");
}

static void test_redaction_reason(void **state)
{
	(void)state;
	ep_redaction x = base_redaction();
	x.decision = "released";
	x.reason = NULL;
	OK(ep_rule_redaction(&x, true, "$.r", &e));
	const char *withheld[] = {"deleted", "not_declassified"};
	for (int i = 0; i < 2; i++) {
		x = base_redaction();
		x.passage_key = NULL;
		x.section_number = "5.1";
		x.decision = withheld[i];
		OK(ep_rule_redaction(&x, true, "$.r", &e));
		x.reason = NULL;
		BAD(ep_rule_redaction(&x, true, "$.r", &e), "$.r.reason", "is required");
		x.reason = " ";
		BAD(ep_rule_redaction(&x, true, "$.r", &e), "$.r.reason", "may not be empty");
	}
	x = base_redaction();
	x.decision = "withheld";
	BAD(ep_rule_redaction(&x, true, "$.r", &e), "$.r.decision", "'withheld' is not one of: released, deleted");
	x.decision = NULL;
	BAD(ep_rule_redaction(&x, true, "$.r", &e), "$.r.decision", "is required");
}

static void test_redaction_release_needs_text(void **state)
{
	(void)state;
	ep_redaction x = base_redaction();
	x.decision = "released";
	OK(ep_rule_redaction(&x, true, "$.r", &e));
	BAD(ep_rule_redaction(&x, false, "$.r", &e), "$.r.decision", "cannot release a passage whose text empact does not hold");
	x.passage_key = NULL;
	x.section_number = "5.1";
	BAD(ep_rule_redaction(&x, false, "$.r", &e), "$.r.decision", "cannot release a section whose text");
	/* Withholding what is not held is fine. */
	x.decision = "not_declassified";
	x.reason = "Public security";
	OK(ep_rule_redaction(&x, false, "$.r", &e));
}

static void test_redaction_not_declassified_not_for_passages(void **state)
{
	(void)state;
	ep_redaction x = base_redaction();
	x.decision = "not_declassified";
	BAD(ep_rule_redaction(&x, true, "$.r", &e), "$.r.decision", "not_declassified is for sections");
	x.decision = "deleted";
	OK(ep_rule_redaction(&x, true, "$.r", &e));
	x.passage_key = NULL;
	x.section_number = "5.1";
	x.decision = "not_declassified";
	OK(ep_rule_redaction(&x, true, "$.r", &e));
}

/* ---- every problem, not the first ---- */

static void test_all_problems_reported(void **state)
{
	(void)state;
	ep_errs e;
	ep_errs_init(&e);
	ep_org o = {.code = "1X", .kind = "agency", .name = "", .country = "it", .discipline = "army"};
	ep_rule_org(&RULES, &o, "$.organisations[3]", &e);
	assert_true(ep_errs_count(&e) > 1);
	assert_int_equal(ep_errs_count(&e), 5);
	assert_true(has_problem(&e, "$.organisations[3].code", "not an organisation code"));
	assert_true(has_problem(&e, "$.organisations[3].kind", "is not one of"));
	assert_true(has_problem(&e, "$.organisations[3].name", "may not be empty"));
	assert_true(has_problem(&e, "$.organisations[3].country", "two-letter"));
	assert_true(has_problem(&e, "$.organisations[3].discipline", "is not one of"));
	ep_errs_release(&e);

	ep_errs_init(&e);
	ep_action a = {.number = "05", .title = "", .start_date = "2023-02-29", .end_date = "2018-13-01",
		       .status = "done", .has_budget = true, .budget_cents = -5,
		       .classification = EP_CLASS_SECRET};
	ep_rule_action(&RULES, &a, NULL, "$.a", &e);
	assert_int_equal(ep_errs_count(&e), 7);
	assert_true(has_problem(&e, "$.a.number", "not an action number"));
	assert_true(has_problem(&e, "$.a.title", "may not be empty"));
	assert_true(has_problem(&e, "$.a.start_date", "not a date"));
	assert_true(has_problem(&e, "$.a.end_date", "not a date"));
	assert_true(has_problem(&e, "$.a.status", "is not one of"));
	assert_true(has_problem(&e, "$.a.budget_cents", "negative"));
	assert_true(has_problem(&e, "$.a.classification", "accredited"));
	ep_errs_release(&e);

	ep_errs_init(&e);
	ep_cycle c = {.label = "2011-2013", .first_year = 1990, .last_year = 2200, .oap_period_years = 3,
		      .status = "over"};
	ep_rule_cycle(&RULES, &c, "$.c", &e);
	assert_int_equal(ep_errs_count(&e), 5);
	assert_true(has_problem(&e, "$.c.first_year", "outside"));
	assert_true(has_problem(&e, "$.c.last_year", "outside"));
	assert_true(has_problem(&e, "$.c.label", "FIRST-LAST"));
	assert_true(has_problem(&e, "$.c.oap_period_years", "1 or 2"));
	assert_true(has_problem(&e, "$.c.status", "is not one of"));
	ep_errs_release(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_org_code_format),
		cmocka_unit_test(test_org_kind_enum),
		cmocka_unit_test(test_org_country),
		cmocka_unit_test(test_org_discipline_enum),
		cmocka_unit_test(test_org_name_required),
		cmocka_unit_test(test_cycle_label_matches_years),
		cmocka_unit_test(test_cycle_years),
		cmocka_unit_test(test_cycle_oap_period),
		cmocka_unit_test(test_cycle_status),
		cmocka_unit_test(test_cycle_priorities_document),
		cmocka_unit_test(test_priority_code),
		cmocka_unit_test(test_priority_short_name_and_aim_required),
		cmocka_unit_test(test_goal_number),
		cmocka_unit_test(test_text_length_limits),
		cmocka_unit_test(test_text_utf8),
		cmocka_unit_test(test_footnote_anchor_in_text),
		cmocka_unit_test(test_oap_years_in_cycle),
		cmocka_unit_test(test_oap_span_within_period),
		cmocka_unit_test(test_oap_classification_max),
		cmocka_unit_test(test_oap_status_title_revision),
		cmocka_unit_test(test_section_number_dotted),
		cmocka_unit_test(test_section_text_null_only_when_classified),
		cmocka_unit_test(test_section_classification_not_above_oap),
		cmocka_unit_test(test_action_number_dotted),
		cmocka_unit_test(test_action_dates),
		cmocka_unit_test(test_action_status),
		cmocka_unit_test(test_action_budget_not_negative),
		cmocka_unit_test(test_action_classification),
		cmocka_unit_test(test_kpi_direction_and_name),
		cmocka_unit_test(test_doc_number_format),
		cmocka_unit_test(test_doc_suffix),
		cmocka_unit_test(test_doc_subject_code),
		cmocka_unit_test(test_doc_ext_parent_and_status),
		cmocka_unit_test(test_doc_other_fields),
		cmocka_unit_test(test_passage_key_format),
		cmocka_unit_test(test_passage_first_not_inline),
		cmocka_unit_test(test_passage_text_null_only_when_classified),
		cmocka_unit_test(test_passage_classification),
		cmocka_unit_test(test_redaction_exactly_one_target),
		cmocka_unit_test(test_redaction_reason),
		cmocka_unit_test(test_redaction_release_needs_text),
		cmocka_unit_test(test_redaction_not_declassified_not_for_passages),
		cmocka_unit_test(test_all_problems_reported),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
