/*
 * Unit tests of datasets (svc/svc_dataset.h) on temporary database files: loading a file gives
 * the right counts; export, load into an empty database and export again gives the same bytes
 * (for the test dataset and for the seed datasets in data/); an export of one cycle holds only
 * that cycle. Every kind of bad input is refused with its JSON path and a message that names the
 * problem, and leaves the database exactly as it was: a full export before and after the
 * attempt must be byte-identical.
 *
 * Tests run from the repository root, so the datasets are read by relative paths.
 */
#include "testutil.h"

#include <jansson.h>

#include "core/classif.h"
#include "core/status.h"
#include "db/db.h"
#include "svc/svc_dataset.h"
#include "svc/svc_rules.h"

#define FULL_JSON "tests/data/full.json"

/* The installation default: accredited up to RESTREINT UE. */
static const ep_rules RULES = {EP_CLASS_RESTREINT};

/* ---- helpers ---- */

struct fixture {
	char path[1024];
	ep_db *db;
	char *before; /* a full export taken after setup */
	size_t before_len;
};

static ep_db *new_db(char *path, size_t n, const char *tag)
{
	tu_temp_path(path, n, tag);
	ep_db *db = NULL;
	ep_err err;
	ep_err_clear(&err);
	ep_db_opts opts = {.create = true};
	if (ep_db_open(path, &opts, &db, &err) != EP_OK)
		print_error("open %s: %s\n", path, err.msg);
	assert_non_null(db);
	if (ep_db_migrate(db, NULL, &err) != EP_OK)
		print_error("migrate %s: %s\n", path, err.msg);
	assert_int_equal(ep_db_require_current(db, &err), EP_OK);
	return db;
}

/* The whole file at path, NUL-terminated; NULL if it cannot be read. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap + 1);
	assert_non_null(buf);
	for (;;) {
		size_t got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (n < cap)
			break;
		cap *= 2;
		buf = realloc(buf, cap + 1);
		assert_non_null(buf);
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

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

/* Loads text; on failure prints the problems. */
static ep_status load(ep_db *db, const char *text, size_t len, ep_errs *errs, ep_load_stats *stats)
{
	ep_err err;
	ep_err_clear(&err);
	ep_status s = ep_svc_dataset_load(db, &RULES, text, len, errs, stats, &err);
	if (s == EP_E_INTERNAL)
		print_message("  load: internal: %s\n", err.msg);
	return s;
}

/* Loads text and requires success. */
static void load_ok(ep_db *db, const char *text, size_t len, ep_load_stats *stats)
{
	ep_errs errs;
	ep_errs_init(&errs);
	ep_status s = load(db, text, len, &errs, stats);
	if (s != EP_OK)
		dump(&errs);
	assert_int_equal(s, EP_OK);
	assert_int_equal(ep_errs_count(&errs), 0);
	ep_errs_release(&errs);
}

/* Exports (the whole database, or the cycle label) into memory; the caller frees the text. */
static char *export_db(ep_db *db, const char *label, size_t *len)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	assert_non_null(f);
	ep_err err;
	ep_err_clear(&err);
	ep_status s = ep_svc_dataset_export(db, label, f, &err);
	assert_int_equal(fclose(f), 0);
	if (s != EP_OK)
		print_error("export: %s\n", err.msg);
	assert_int_equal(s, EP_OK);
	assert_non_null(buf);
	*len = n;
	return buf;
}

static void assert_same_bytes(const char *a, size_t alen, const char *b, size_t blen)
{
	if (alen != blen || memcmp(a, b, alen) != 0) {
		size_t i = 0;
		while (i < alen && i < blen && a[i] == b[i])
			i++;
		size_t from = i > 60 ? i - 60 : 0;
		print_message("  exports differ at byte %zu (lengths %zu, %zu)\n  first:  %.120s\n  second: %.120s\n", i,
			      alen, blen, a + from, b + from);
	}
	assert_int_equal(alen, blen);
	assert_memory_equal(a, b, alen);
}

/* Export, load that into an empty database, export again: the same bytes. */
static void assert_roundtrip(ep_db *db)
{
	size_t alen, blen;
	char *a = export_db(db, NULL, &alen);
	char path[1024];
	ep_db *db2 = new_db(path, sizeof path, "roundtrip");
	load_ok(db2, a, alen, NULL);
	char *b = export_db(db2, NULL, &blen);
	assert_same_bytes(a, alen, b, blen);
	free(a);
	free(b);
	ep_db_close(db2);
	tu_remove_db(path);
}

/* ---- the fixture for bad input: a database holding full.json ---- */

static int setup_full(void **state)
{
	struct fixture *fx = calloc(1, sizeof *fx);
	assert_non_null(fx);
	fx->db = new_db(fx->path, sizeof fx->path, "bad");
	size_t len;
	char *text = slurp(FULL_JSON, &len);
	assert_non_null(text);
	load_ok(fx->db, text, len, NULL);
	free(text);
	fx->before = export_db(fx->db, NULL, &fx->before_len);
	*state = fx;
	return 0;
}

static int teardown_full(void **state)
{
	struct fixture *fx = *state;
	ep_db_close(fx->db);
	tu_remove_db(fx->path);
	free(fx->before);
	free(fx);
	return 0;
}

/* Loads text into the fixture's database: it must be refused, with a problem at path whose
 * message contains needle, and the database must be unchanged. Returns the problem count. */
static size_t expect_refused_n(void **state, const char *text, size_t len, const char *path, const char *needle)
{
	struct fixture *fx = *state;
	ep_errs errs;
	ep_errs_init(&errs);
	ep_load_stats stats;
	ep_status s = load(fx->db, text, len, &errs, &stats);
	bool found = has_problem(&errs, path, needle);
	if (s != EP_E_INVALID || !found) {
		print_message("  expected %s: ...%s...\n", path, needle);
		dump(&errs);
	}
	assert_int_equal(s, EP_E_INVALID);
	assert_true(found);
	for (size_t i = 0; i < errs.n; i++)
		assert_true(errs.items[i].status == EP_E_INVALID || errs.items[i].status == EP_E_LIMIT);
	/* Nothing counted as loaded, nothing written. */
	assert_int_equal(stats.organisations + stats.cycles + stats.priorities + stats.goals + stats.oaps +
				 stats.actions + stats.documents,
			 0);
	size_t n = ep_errs_count(&errs);
	ep_errs_release(&errs);
	size_t alen;
	char *after = export_db(fx->db, NULL, &alen);
	assert_same_bytes(fx->before, fx->before_len, after, alen);
	free(after);
	return n;
}

static void expect_refused(void **state, const char *text, const char *path, const char *needle)
{
	expect_refused_n(state, text, strlen(text), path, needle);
}

/* ---- loading and export ---- */

static void test_load_full(void **state)
{
	(void)state;
	char path[1024];
	ep_db *db = new_db(path, sizeof path, "full");
	size_t len;
	char *text = slurp(FULL_JSON, &len);
	assert_non_null(text);
	ep_load_stats st;
	load_ok(db, text, len, &st);
	assert_int_equal(st.organisations, 5);
	assert_int_equal(st.cycles, 1);
	assert_int_equal(st.priorities, 2);
	assert_int_equal(st.goals, 3);
	assert_int_equal(st.shared_goals, 1);
	assert_int_equal(st.oaps, 3);
	assert_int_equal(st.sections, 2);
	assert_int_equal(st.actions, 4);
	assert_int_equal(st.documents, 3);

	ep_db_counts c;
	ep_err err;
	assert_int_equal(ep_db_counts_get(db, &c, &err), EP_OK);
	assert_int_equal(c.organisations, 5);
	assert_int_equal(c.cycles, 1);
	assert_int_equal(c.priorities, 2);
	assert_int_equal(c.goals, 3);
	assert_int_equal(c.shared_goals, 1);
	assert_int_equal(c.oaps, 3);
	assert_int_equal(c.sections, 2);
	assert_int_equal(c.actions, 4);
	assert_int_equal(c.participants, 2);
	assert_int_equal(c.kpis, 2);
	assert_int_equal(c.documents, 3);
	free(text);
	ep_db_close(db);
	tu_remove_db(path);
}

static void test_full_roundtrip(void **state)
{
	(void)state;
	char path[1024];
	ep_db *db = new_db(path, sizeof path, "fullrt");
	size_t len;
	char *text = slurp(FULL_JSON, &len);
	assert_non_null(text);
	load_ok(db, text, len, NULL);
	free(text);

	size_t alen;
	char *a = export_db(db, NULL, &alen);
	/* The export is a dataset that says what it is, and keeps what was loaded. */
	json_error_t jerr;
	json_t *root = json_loadb(a, alen, 0, &jerr);
	assert_non_null(root);
	assert_string_equal(json_string_value(json_object_get(root, "format")), "empact-dataset/1");
	assert_int_equal(json_array_size(json_object_get(root, "organisations")), 5);
	assert_int_equal(json_array_size(json_object_get(root, "oaps")), 3);
	assert_int_equal(json_array_size(json_object_get(root, "documents")), 3);
	json_decref(root);
	free(a);

	assert_roundtrip(db);
	ep_db_close(db);
	tu_remove_db(path);
}

static const char *const SEEDS[] = {"data/organisations.json", "data/cycle-2011-2013.json",
				    "data/oap-2018-illegal-immigration.json"};

static void test_seed_datasets(void **state)
{
	(void)state;
	char *texts[3] = {NULL, NULL, NULL};
	size_t lens[3];
	for (int i = 0; i < 3; i++) {
		texts[i] = slurp(SEEDS[i], &lens[i]);
		if (!texts[i]) {
			print_message("  %s is not there (yet): the seed datasets are not tested\n", SEEDS[i]);
			for (int j = 0; j < i; j++)
				free(texts[j]);
			skip();
		}
	}
	char path[1024];
	ep_db *db = new_db(path, sizeof path, "seeds");
	ep_load_stats st[3];
	for (int i = 0; i < 3; i++) {
		ep_errs errs;
		ep_errs_init(&errs);
		ep_status s = load(db, texts[i], lens[i], &errs, &st[i]);
		if (s != EP_OK) {
			print_message("  loading %s:\n", SEEDS[i]);
			dump(&errs);
		}
		assert_int_equal(s, EP_OK);
		ep_errs_release(&errs);
	}
	/* The 2011-2013 cycle of Council doc 15850/11: 8 priorities (A-H), 55 strategic goals. */
	assert_int_equal(st[1].cycles, 1);
	assert_int_equal(st[1].priorities, 8);
	assert_int_equal(st[1].goals, 55);
	/* The 2018 OAP "Facilitation of Illegal Immigration". */
	assert_true(st[2].oaps >= 1);
	assert_true(st[2].sections >= 1);
	assert_true(st[2].documents >= 1);

	size_t clen;
	char *cyc = export_db(db, "2011-2013", &clen);
	json_error_t jerr;
	json_t *root = json_loadb(cyc, clen, 0, &jerr);
	assert_non_null(root);
	json_t *cycles = json_object_get(root, "cycles");
	assert_int_equal(json_array_size(cycles), 1);
	json_t *prios = json_object_get(json_array_get(cycles, 0), "priorities");
	assert_int_equal(json_array_size(prios), 8);
	size_t goals = 0;
	for (size_t i = 0; i < json_array_size(prios); i++)
		goals += json_array_size(json_object_get(json_array_get(prios, i), "goals"));
	assert_int_equal(goals, 55);
	json_decref(root);
	free(cyc);

	assert_roundtrip(db);
	for (int i = 0; i < 3; i++)
		free(texts[i]);
	ep_db_close(db);
	tu_remove_db(path);
}

/* A second cycle beside full.json's 2022-2025, with an organisation, an OAP and a document of
 * its own. */
static const char OTHER_CYCLE[] =
	"{\"format\": \"empact-dataset/1\","
	" \"organisations\": [{\"code\": \"DE\", \"kind\": \"member_state\", \"name\": \"Germany\", \"country\": \"DE\"}],"
	" \"cycles\": [{\"label\": \"2014-2017\", \"first_year\": 2014, \"last_year\": 2017, \"oap_period_years\": 1,"
	"   \"status\": \"closed\", \"priorities\": [{\"code\": \"7\", \"short_name\": \"Firearms\","
	"   \"aim\": \"Reduce the illicit trafficking of firearms.\", \"driver\": \"DE\","
	"   \"goals\": [{\"number\": 1, \"text\": \"Trace firearms.\"}]}]}],"
	" \"oaps\": [{\"cycle\": \"2014-2017\", \"priority\": \"7\", \"first_year\": 2016, \"title\": \"Firearms 2016\","
	"   \"status\": \"closed\", \"classification\": \"unclassified\", \"marking\": \"none\","
	"   \"actions\": [{\"number\": \"2\", \"title\": \"Tracing\", \"leader\": \"DE\", \"goals\": [1]}]}],"
	" \"documents\": [{\"number\": \"5555/16\", \"date\": \"2016-01-10\", \"subject\": \"OAP Firearms 2016\","
	"   \"oap\": \"2014-2017/7/2016\", \"classification\": \"unclassified\", \"marking\": \"limite\"}]}";

static void test_export_one_cycle(void **state)
{
	(void)state;
	char path[1024];
	ep_db *db = new_db(path, sizeof path, "cycle");
	size_t len;
	char *text = slurp(FULL_JSON, &len);
	assert_non_null(text);
	load_ok(db, text, len, NULL);
	free(text);
	load_ok(db, OTHER_CYCLE, strlen(OTHER_CYCLE), NULL);

	size_t alen, blen;
	char *a = export_db(db, "2022-2025", &alen);
	char *b = export_db(db, "2014-2017", &blen);
	assert_null(strstr(a, "2014-2017"));
	assert_null(strstr(a, "5555/16"));
	assert_null(strstr(a, "Germany"));
	assert_null(strstr(b, "2022-2025"));
	assert_null(strstr(b, "9999/22"));
	assert_null(strstr(b, "Netherlands"));

	json_error_t jerr;
	json_t *ra = json_loadb(a, alen, 0, &jerr);
	json_t *rb = json_loadb(b, blen, 0, &jerr);
	assert_non_null(ra);
	assert_non_null(rb);
	json_t *ca = json_object_get(ra, "cycles"), *cb = json_object_get(rb, "cycles");
	assert_int_equal(json_array_size(ca), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(ca, 0), "label")), "2022-2025");
	assert_int_equal(json_array_size(cb), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(cb, 0), "label")), "2014-2017");
	json_t *oaps = json_object_get(ra, "oaps");
	assert_int_equal(json_array_size(oaps), 3);
	for (size_t i = 0; i < json_array_size(oaps); i++)
		assert_string_equal(json_string_value(json_object_get(json_array_get(oaps, i), "cycle")), "2022-2025");
	assert_int_equal(json_array_size(json_object_get(ra, "documents")), 3);
	assert_int_equal(json_array_size(json_object_get(ra, "organisations")), 5);
	oaps = json_object_get(rb, "oaps");
	assert_int_equal(json_array_size(oaps), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(oaps, 0), "cycle")), "2014-2017");
	json_t *docs = json_object_get(rb, "documents");
	assert_int_equal(json_array_size(docs), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(docs, 0), "number")), "5555/16");
	json_t *orgs = json_object_get(rb, "organisations");
	assert_int_equal(json_array_size(orgs), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(orgs, 0), "code")), "DE");
	json_decref(ra);
	json_decref(rb);

	/* Each cycle's export loads on its own into an empty database and exports the same. */
	char path2[1024];
	ep_db *db2 = new_db(path2, sizeof path2, "cycle2");
	load_ok(db2, b, blen, NULL);
	size_t clen;
	char *c = export_db(db2, NULL, &clen);
	assert_same_bytes(b, blen, c, clen);
	free(c);
	ep_db_close(db2);
	tu_remove_db(path2);

	/* An unknown cycle. */
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	assert_non_null(f);
	ep_err err;
	ep_err_clear(&err);
	assert_int_equal(ep_svc_dataset_export(db, "2030-2033", f, &err), EP_E_NOTFOUND);
	fclose(f);
	free(buf);

	free(a);
	free(b);
	ep_db_close(db);
	tu_remove_db(path);
}

/* ---- bad input: refused, reported, nothing changed ---- */

#define HEAD "{\"format\": \"empact-dataset/1\", "

static void test_bad_malformed_json(void **state)
{
	expect_refused(state,
		       "{\"format\": \"empact-dataset/1\",\n"
		       " \"organisations\": [\n"
		       "  {\"code\": \"DE\",, \"kind\": \"member_state\"}\n"
		       " ]\n"
		       "}\n",
		       "$", "line 3, column");
	expect_refused(state, "", "$", "not valid JSON at line");
	expect_refused(state, "[1, 2]", "$", "a dataset is a JSON object");
}

static void test_bad_wrong_type(void **state)
{
	expect_refused(state,
		       HEAD "\"cycles\": [{\"label\": \"2011-2013\", \"first_year\": \"2011\", \"last_year\": 2013,"
			    " \"oap_period_years\": 1, \"status\": \"closed\"}]}",
		       "$.cycles[0].first_year", "must be a whole number, not a text");
	expect_refused(state, HEAD "\"organisations\": {\"code\": \"DE\"}}", "$.organisations", "must be a list");
}

static void test_bad_missing_required(void **state)
{
	expect_refused(state, HEAD "\"organisations\": [{\"code\": \"DE\", \"kind\": \"member_state\", \"country\": \"DE\"}]}",
		       "$.organisations[0].name", "is required");
	expect_refused(state, "{\"organisations\": []}", "$.format", "is required");
}

static void test_bad_unknown_key(void **state)
{
	expect_refused(state,
		       HEAD "\"organisations\": [{\"code\": \"DE\", \"kind\": \"member_state\", \"name\": \"Germany\","
			    " \"country\": \"DE\", \"colour\": \"black\"}]}",
		       "$.organisations[0]", "unknown field 'colour'");
	expect_refused(state, HEAD "\"organisation\": []}", "$", "unknown field 'organisation'");
}

static void test_bad_duplicate_goal_number(void **state)
{
	expect_refused(state,
		       HEAD "\"cycles\": [{\"label\": \"2011-2013\", \"first_year\": 2011, \"last_year\": 2013,"
			    " \"oap_period_years\": 1, \"status\": \"closed\", \"priorities\": [{\"code\": \"A\","
			    " \"short_name\": \"West African\", \"aim\": \"Weaken the capacity of West African OCGs.\","
			    " \"goals\": [{\"number\": 1, \"text\": \"One.\"}, {\"number\": 2, \"text\": \"Two.\"},"
			    " {\"number\": 1, \"text\": \"One again.\"}]}]}]}",
		       "$.cycles[0].priorities[0].goals[2].number", "strategic goal '2011-2013/A#1' appears more than once");
}

static void test_bad_duplicate_action_number(void **state)
{
	/* An OAP of a priority in the database (full.json's 2022-2025/2), for a year it has none. */
	expect_refused(state,
		       HEAD "\"oaps\": [{\"cycle\": \"2022-2025\", \"priority\": \"2\", \"first_year\": 2024,"
			    " \"last_year\": 2025, \"title\": \"Cyber attacks 2024-2025\", \"actions\": ["
			    " {\"number\": \"1.1\", \"title\": \"A\", \"leader\": \"FR\"},"
			    " {\"number\": \"1.2\", \"title\": \"B\", \"leader\": \"FR\"},"
			    " {\"number\": \"1.1\", \"title\": \"C\", \"leader\": \"NL\"}]}]}",
		       "$.oaps[0].actions[2].number", "action '2022-2025/2/2024/1.1' appears more than once");
}

static void test_bad_dangling_reference(void **state)
{
	expect_refused(state,
		       HEAD "\"oaps\": [{\"cycle\": \"2022-2025\", \"priority\": \"2\", \"first_year\": 2024,"
			    " \"last_year\": 2025, \"title\": \"Cyber attacks 2024-2025\", \"actions\": ["
			    " {\"number\": \"1\", \"title\": \"A\", \"leader\": \"XX\"}]}]}",
		       "$.oaps[0].actions[0].leader", "no organisation 'XX' in the file or the database");
	expect_refused(state,
		       HEAD "\"oaps\": [{\"cycle\": \"2030-2033\", \"priority\": \"2\", \"first_year\": 2030,"
			    " \"title\": \"Nowhere\"}]}",
		       "$.oaps[0].cycle", "no cycle '2030-2033'");
}

static void test_bad_overlong_text(void **state)
{
	static const char pre[] = HEAD "\"cycles\": [{\"label\": \"2011-2013\", \"first_year\": 2011, \"last_year\": 2013,"
				       " \"oap_period_years\": 1, \"status\": \"closed\", \"priorities\": [{\"code\": \"A\","
				       " \"short_name\": \"West African\", \"aim\": \"Weaken West African OCGs.\","
				       " \"goals\": [{\"number\": 1, \"text\": \"";
	static const char post[] = "\"}]}]}]}";
	size_t n = EP_MAX_TEXT + 1;
	size_t len = strlen(pre) + n + strlen(post);
	char *text = malloc(len + 1);
	assert_non_null(text);
	memcpy(text, pre, strlen(pre));
	memset(text + strlen(pre), 'x', n);
	memcpy(text + strlen(pre) + n, post, strlen(post) + 1);
	expect_refused_n(state, text, len, "$.cycles[0].priorities[0].goals[0].text",
			 "is 65537 bytes long, more than the 65536 allowed");
	free(text);
}

static void test_bad_invalid_utf8(void **state)
{
	expect_refused(state,
		       HEAD "\"organisations\": [{\"code\": \"DE\", \"kind\": \"member_state\","
			    " \"name\": \"Deutschl\xe4nd\", \"country\": \"DE\"}]}",
		       "$", "UTF-8");
	expect_refused(state,
		       HEAD "\"organisations\": [{\"code\": \"DE\", \"kind\": \"member_state\","
			    " \"name\": \"\xff\xfe\", \"country\": \"DE\"}]}",
		       "$", "not valid UTF-8");
}

static void test_bad_classification_above_max(void **state)
{
	expect_refused(state,
		       HEAD "\"oaps\": [{\"cycle\": \"2022-2025\", \"priority\": \"2\", \"first_year\": 2024,"
			    " \"last_year\": 2025, \"title\": \"Cyber attacks 2024-2025\","
			    " \"classification\": \"confidentiel_ue\", \"marking\": \"none\"}]}",
		       "$.oaps[0].classification", "above restreint_ue, the highest level this installation is accredited for");
	expect_refused(state,
		       HEAD "\"oaps\": [{\"cycle\": \"2022-2025\", \"priority\": \"2\", \"first_year\": 2024,"
			    " \"last_year\": 2025, \"title\": \"Cyber attacks 2024-2025\","
			    " \"classification\": \"top_secret\"}]}",
		       "$.oaps[0].classification", "'top_secret' is not one of");
}

static void test_bad_newer_format(void **state)
{
	expect_refused(state, "{\"format\": \"empact-dataset/2\", \"organisations\": []}", "$.format",
		       "newer dataset format");
	expect_refused(state, "{\"format\": \"other-dataset/1\"}", "$.format", "is not a dataset format empact knows");
}

static void test_bad_ext_without_parent(void **state)
{
	expect_refused(state,
		       HEAD "\"documents\": [{\"number\": \"7777/22\", \"suffix\": \"EXT 1\", \"date\": \"2023-01-01\","
			    " \"subject\": \"Public version\", \"new_status\": \"Public\","
			    " \"classification\": \"unclassified\"}]}",
		       "$.documents[0].parent", "is required for an EXT");
}

static void test_bad_predecessor_not_earlier(void **state)
{
	/* A revision of the 2022 OAP of priority 2 continuing an action of the 2024 OAP of priority 1. */
	expect_refused(state,
		       HEAD "\"oaps\": [{\"cycle\": \"2022-2025\", \"priority\": \"2\", \"first_year\": 2022,"
			    " \"last_year\": 2023, \"revision\": 1, \"title\": \"Cyber attacks REV 1\", \"actions\": ["
			    " {\"number\": \"3\", \"title\": \"Botnet takedown\", \"leader\": \"FR\","
			    " \"predecessor\": \"2022-2025/1/2024/1.1\"}]}]}",
		       "$.oaps[0].actions[0].predecessor", "is not in an earlier OAP");
	/* An action of the same OAP. */
	expect_refused(state,
		       HEAD "\"oaps\": [{\"cycle\": \"2022-2025\", \"priority\": \"2\", \"first_year\": 2024,"
			    " \"last_year\": 2025, \"title\": \"Cyber attacks 2024-2025\", \"actions\": ["
			    " {\"number\": \"1\", \"title\": \"A\", \"leader\": \"FR\"},"
			    " {\"number\": \"2\", \"title\": \"B\", \"leader\": \"FR\", \"predecessor\": \"2022-2025/2/2024/1\"}]}]}",
		       "$.oaps[0].actions[1].predecessor", "is not in an earlier OAP");
}

static void test_bad_self_cross_reference(void **state)
{
	expect_refused(state,
		       HEAD "\"oaps\": [{\"cycle\": \"2022-2025\", \"priority\": \"2\", \"first_year\": 2024,"
			    " \"last_year\": 2025, \"title\": \"Cyber attacks 2024-2025\", \"actions\": ["
			    " {\"number\": \"1\", \"title\": \"A\", \"leader\": \"FR\","
			    " \"cross_references\": [{\"action\": \"2022-2025/1/2022/1.1\"}, {\"action\": \"2022-2025/2/2024/1\"}]}]}]}",
		       "$.oaps[0].actions[0].cross_references[1].action", "an action cannot refer to itself");
}

/* An EXT document whose parent is in the database, not in the file ("a reference may point into
 * the same file or to a row already in the database"): the same rules hold as for a parent in
 * the file. The fixture holds 9999/22 with passages p1 (text) and p2 (no text), carrying the
 * OAP 2022-2025/1/2022 with sections 1 (text) and 5.1 (no text). */
#define EXT2(fields, redactions)                                                                                   \
	HEAD "\"documents\": [{\"number\": \"9999/22\", \"suffix\": \"EXT 2\", \"subject\": \"Public again\","    \
	     " \"classification\": \"unclassified\", \"new_status\": \"Public\", " fields ","                     \
	     " \"redactions\": [" redactions "]}]}"

static void test_bad_release_unheld_of_db_parent(void **state)
{
	expect_refused(state, EXT2("\"date\": \"2023-06-01\", \"parent\": \"9999/22\"",
				   "{\"passage\": \"p2\", \"decision\": \"released\"}"),
		       "$.documents[0].redactions[0].decision", "cannot release a passage whose text empact does not hold");
	expect_refused(state, EXT2("\"date\": \"2023-06-01\", \"parent\": \"9999/22\"",
				   "{\"section\": \"5.1\", \"decision\": \"released\"}"),
		       "$.documents[0].redactions[0].decision", "cannot release a section whose text empact does not hold");
	expect_refused(state, EXT2("\"date\": \"2023-06-01\", \"parent\": \"9999/22\"",
				   "{\"passage\": \"p1\", \"decision\": \"released\"},"
				   " {\"passage\": \"p9\", \"decision\": \"deleted\", \"reason\": \"r\"}"),
		       "$.documents[0].redactions[1].passage", "the parent document 9999/22 has no passage 'p9'");
	expect_refused(state, EXT2("\"date\": \"2023-06-01\", \"parent\": \"9999/22\"",
				   "{\"section\": \"77\", \"decision\": \"deleted\", \"reason\": \"r\"}"),
		       "$.documents[0].redactions[0].section", "has no section '77'");
}

static void test_bad_ext_of_db_parent(void **state)
{
	expect_refused(state, EXT2("\"date\": \"2001-01-01\", \"parent\": \"9999/22\"", ""), "$.documents[0].date",
		       "is before the date of the parent document (2022-11-20)");
	expect_refused(state,
		       HEAD "\"documents\": [{\"number\": \"1111/22\", \"suffix\": \"EXT 1\", \"date\": \"2023-06-01\","
			    " \"subject\": \"S\", \"classification\": \"unclassified\", \"new_status\": \"Public\","
			    " \"parent\": \"9999/22\"}]}",
		       "$.documents[0].parent", "an EXT document keeps its parent's number");
	expect_refused(state, EXT2("\"date\": \"2023-06-01\", \"parent\": \"9999/22 EXT 1\"", ""), "$.documents[0].parent",
		       "is itself an EXT document");
}

static void test_ext_of_db_parent_loads(void **state)
{
	(void)state;
	char path[1024];
	ep_db *db = new_db(path, sizeof path, "extdb");
	size_t len;
	char *text = slurp(FULL_JSON, &len);
	assert_non_null(text);
	load_ok(db, text, len, NULL);
	free(text);
	static const char ext2[] = EXT2("\"date\": \"2023-06-01\", \"parent\": \"9999/22\"",
					"{\"passage\": \"p1\", \"decision\": \"released\"},"
					" {\"passage\": \"p2\", \"decision\": \"deleted\", \"reason\": \"Public security\"},"
					" {\"section\": \"1\", \"decision\": \"released\"},"
					" {\"section\": \"5.1\", \"decision\": \"not_declassified\", \"reason\": \"Public security\"}");
	ep_load_stats st;
	load_ok(db, ext2, strlen(ext2), &st);
	assert_int_equal(st.documents, 1);
	assert_roundtrip(db);
	ep_db_close(db);
	tu_remove_db(path);
}

static void test_bad_already_in_database(void **state)
{
	/* Loading full.json a second time: everything in it is there already. */
	size_t len;
	char *text = slurp(FULL_JSON, &len);
	assert_non_null(text);
	expect_refused_n(state, text, len, "$.organisations[0].code", "organisation 'NL' already exists in the database");
	expect_refused_n(state, text, len, "$.cycles[0].label", "cycle '2022-2025' already exists in the database");
	free(text);
}

static void test_bad_three_problems(void **state)
{
	static const char text[] =
		HEAD "\"organisations\": [{\"code\": \"DE\", \"kind\": \"country\", \"name\": \"Germany\", \"country\": \"DE\"}],"
		     " \"cycles\": [{\"label\": \"2014-2017\", \"first_year\": 2014, \"last_year\": 2017,"
		     " \"oap_period_years\": 1, \"status\": \"done\"}],"
		     " \"documents\": [{\"number\": \"5555-16\", \"date\": \"2016-01-10\", \"subject\": \"S\"}]}";
	size_t n = expect_refused_n(state, text, strlen(text), "$.organisations[0].kind", "'country' is not one of");
	assert_int_equal(n, 3);
	/* And each of them, with its path. */
	struct fixture *fx = *state;
	ep_errs errs;
	ep_errs_init(&errs);
	assert_int_equal(load(fx->db, text, strlen(text), &errs, NULL), EP_E_INVALID);
	assert_int_equal(ep_errs_count(&errs), 3);
	assert_true(has_problem(&errs, "$.organisations[0].kind", "is not one of"));
	assert_true(has_problem(&errs, "$.cycles[0].status", "'done' is not one of"));
	assert_true(has_problem(&errs, "$.documents[0].number", "is not a Council document number"));
	ep_errs_release(&errs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_full),
		cmocka_unit_test(test_full_roundtrip),
		cmocka_unit_test(test_seed_datasets),
		cmocka_unit_test(test_export_one_cycle),
		cmocka_unit_test_setup_teardown(test_bad_malformed_json, setup_full, teardown_full),
		cmocka_unit_test_setup_teardown(test_bad_wrong_type, setup_full, teardown_full),
		cmocka_unit_test_setup_teardown(test_bad_missing_required, setup_full, teardown_full),
		cmocka_unit_test_setup_teardown(test_bad_unknown_key, setup_full, teardown_full),
		cmocka_unit_test_setup_teardown(test_bad_duplicate_goal_number, setup_full, teardown_full),
		cmocka_unit_test_setup_teardown(test_bad_duplicate_action_number, setup_full, teardown_full),
		cmocka_unit_test_setup_teardown(test_bad_dangling_reference, setup_full, teardown_full),
		cmocka_unit_test_setup_teardown(test_bad_overlong_text, setup_full, teardown_full),
		cmocka_unit_test_setup_teardown(test_bad_invalid_utf8, setup_full, teardown_full),
		cmocka_unit_test_setup_teardown(test_bad_classification_above_max, setup_full, teardown_full),
		cmocka_unit_test_setup_teardown(test_bad_newer_format, setup_full, teardown_full),
		cmocka_unit_test_setup_teardown(test_bad_ext_without_parent, setup_full, teardown_full),
		cmocka_unit_test_setup_teardown(test_bad_predecessor_not_earlier, setup_full, teardown_full),
		cmocka_unit_test_setup_teardown(test_bad_self_cross_reference, setup_full, teardown_full),
		cmocka_unit_test_setup_teardown(test_bad_release_unheld_of_db_parent, setup_full, teardown_full),
		cmocka_unit_test_setup_teardown(test_bad_ext_of_db_parent, setup_full, teardown_full),
		cmocka_unit_test(test_ext_of_db_parent_loads),
		cmocka_unit_test_setup_teardown(test_bad_already_in_database, setup_full, teardown_full),
		cmocka_unit_test_setup_teardown(test_bad_three_problems, setup_full, teardown_full),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
