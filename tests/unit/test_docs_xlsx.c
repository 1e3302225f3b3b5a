/*
 * Unit tests of the spreadsheet renderer (docs/doc_xlsx.c): one sheet per table named after
 * its section, header rows, numbers as numbers and every other text as a string (a text that
 * looks like a formula too), a withheld row only as its DELETED marker, the paragraph sheet of
 * a document without a table, the render cap and the cell limit, and that no temporary file
 * is left behind. The workbook is read back with libzip.
 */
#include "testutil.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zip.h>

#include "core/arena.h"
#include "core/buf.h"
#include "docs/doc.h"

static char basedir[256], tmpdir[512];

static int setup(void **state)
{
	(void)state;
	/* A fresh TMPDIR per test, so that "nothing is left behind" can be checked exactly. */
	snprintf(tmpdir, sizeof tmpdir, "%s/empact-xlsx-test-XXXXXX", basedir);
	if (!mkdtemp(tmpdir))
		return -1;
	return setenv("TMPDIR", tmpdir, 1);
}

static void assert_tmpdir_empty(void)
{
	DIR *dir = opendir(tmpdir);
	assert_non_null(dir);
	struct dirent *e;
	while ((e = readdir(dir)))
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			fail_msg("left in the temporary directory: %s", e->d_name);
	closedir(dir);
}

static int teardown(void **state)
{
	(void)state;
	assert_tmpdir_empty();
	rmdir(tmpdir);
	return 0;
}

/* ---- building documents ---- */

static ep_doc *new_doc(ep_arena *a)
{
	ep_doc *d = ep_arena_alloc(a, sizeof *d);
	assert_non_null(d);
	d->arena = a;
	d->root = ep_doc_node(d, EP_D_DOC, NULL);
	d->number = "13874/17 EXT 1";
	d->title = "Operational Action Plan 2018 & annex";
	d->language = "EN";
	return d;
}

static ep_dnode *add(ep_doc *d, ep_dnode *parent, ep_dkind kind, const char *text, int cls)
{
	ep_dnode *n = ep_doc_node(d, kind, text);
	assert_non_null(n);
	n->cls = cls;
	return ep_doc_append(parent, n);
}

static ep_dnode *section(ep_doc *d, ep_dnode *parent, const char *number, const char *heading)
{
	ep_dnode *s = add(d, parent, EP_D_SECTION, heading, 0);
	s->label = number;
	s->level = 1;
	return s;
}

static ep_dnode *row(ep_doc *d, ep_dnode *table, int cls, const char *const *cells, size_t n)
{
	ep_dnode *r = add(d, table, EP_D_ROW, NULL, cls);
	for (size_t i = 0; i < n; i++)
		add(d, r, EP_D_CELL, cells[i], cls);
	return r;
}

/* The annex of operational actions, one row RESTREINT UE and one SECRET UE, and two more
 * tables: one in a section of the same heading, one outside any section. */
static ep_doc *annex_doc(ep_arena *a)
{
	ep_doc *d = new_doc(a);
	ep_dnode *part = add(d, d->root, EP_D_PART, NULL, 0);
	ep_dnode *sec = section(d, part, "5", "Annex: operational actions");
	ep_dnode *t = add(d, sec, EP_D_TABLE, NULL, 0);
	t->level = 1;
	static const char *const head[] = {"No.", "Operational action", "Leader", "Indicator"};
	static const char *const r1[] = {"1", "Joint action days\nwith Europol", "DE", "=1+1"};
	static const char *const r2[] = {"2", "SECRET PLAN ALPHA", "FR", "42"};
	static const char *const r3[] = {"3.50", "-7", "@SUM(A1)", "+1"};
	static const char *const r4[] = {"007", "-0", "1234567890123456", "0.25"};
	row(d, t, 0, head, 4);
	row(d, t, 1, r1, 4);
	row(d, t, 3, r2, 4);
	row(d, t, 0, r3, 4);
	row(d, t, 0, r4, 4);
	ep_dnode *sec2 = section(d, part, "6", "Annex: operational actions");
	ep_dnode *t2 = add(d, sec2, EP_D_TABLE, NULL, 0);
	t2->level = 1;
	static const char *const h2[] = {"Priority", "Actions"};
	static const char *const d2[] = {"Cannabis", "12"};
	row(d, t2, 0, h2, 2);
	row(d, t2, 0, d2, 2);
	ep_dnode *t3 = add(d, part, EP_D_TABLE, NULL, 0);
	static const char *const d3[] = {"loose"};
	row(d, t3, 0, d3, 1);
	return d;
}

static void filter(ep_doc *d, const char *level)
{
	ep_release r;
	ep_err err;
	assert_int_equal(ep_release_parse(level, &r, &err), EP_OK);
	assert_int_equal(ep_doc_filter(d, r, &err), EP_OK);
}

/* ---- reading the workbook back ---- */

typedef struct book {
	zip_t *z;
} book;

static void book_open(book *b, const ep_buf *out)
{
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(out->data, out->len, 0, &ze);
	assert_non_null(src);
	b->z = zip_open_from_source(src, ZIP_RDONLY, &ze);
	if (!b->z)
		zip_source_free(src);
	assert_non_null(b->z);
	zip_error_fini(&ze);
}

static void book_close(book *b)
{
	zip_discard(b->z);
}

/* The entry's content, NUL-terminated (free it), or NULL if there is no such entry. */
static char *entry(book *b, const char *name)
{
	zip_stat_t st;
	if (zip_stat(b->z, name, 0, &st) != 0)
		return NULL;
	char *s = malloc(st.size + 1);
	assert_non_null(s);
	zip_file_t *f = zip_fopen(b->z, name, 0);
	assert_non_null(f);
	assert_int_equal(zip_fread(f, s, st.size), (zip_int64_t)st.size);
	zip_fclose(f);
	s[st.size] = '\0';
	return s;
}

static bool has_entry(book *b, const char *name)
{
	zip_stat_t st;
	return zip_stat(b->z, name, 0, &st) == 0;
}

static void assert_contains(book *b, const char *name, const char *needle)
{
	char *s = entry(b, name);
	assert_non_null(s);
	if (!strstr(s, needle))
		fail_msg("%s does not contain %s", name, needle);
	free(s);
}

static void assert_lacks(book *b, const char *name, const char *needle)
{
	char *s = entry(b, name);
	assert_non_null(s);
	if (strstr(s, needle))
		fail_msg("%s contains %s", name, needle);
	free(s);
}

/* Whether any entry of the archive holds needle. */
static bool anywhere(book *b, const char *needle)
{
	zip_int64_t n = zip_get_num_entries(b->z, 0);
	for (zip_int64_t i = 0; i < n; i++) {
		char *s = entry(b, zip_get_name(b->z, (zip_uint64_t)i, 0));
		bool hit = s && strstr(s, needle);
		free(s);
		if (hit)
			return true;
	}
	return false;
}

static void render(const ep_doc *d, ep_buf *out)
{
	ep_err err;
	ep_buf_init(out, 0);
	ep_status s = ep_doc_render_xlsx(d, out, &err);
	if (s != EP_OK)
		fail_msg("render: %s", err.msg);
	assert_true(out->len > 4);
	assert_memory_equal(out->data, "PK\x03\x04", 4);
}

/* ---- tests ---- */

static void test_one_sheet_per_table(void **state)
{
	(void)state;
	ep_arena *a = ep_arena_new(0);
	ep_doc *d = annex_doc(a);
	filter(d, "restreint_ue");
	ep_buf out;
	render(d, &out);
	book b;
	book_open(&b, &out);
	/* ':' is not allowed in a sheet name; the second sheet of the same heading is "(2)"; a
	 * table outside any section is "Table N". */
	assert_contains(&b, "xl/workbook.xml", "name=\"Annex operational actions\"");
	assert_contains(&b, "xl/workbook.xml", "name=\"Annex operational actions (2)\"");
	assert_contains(&b, "xl/workbook.xml", "name=\"Table 3\"");
	assert_true(has_entry(&b, "xl/worksheets/sheet3.xml"));
	assert_false(has_entry(&b, "xl/worksheets/sheet4.xml"));
	/* The marking, the number and the title above the table; the cells' text. */
	assert_contains(&b, "xl/sharedStrings.xml", "RESTREINT UE/EU RESTRICTED");
	assert_contains(&b, "xl/sharedStrings.xml", "13874/17 EXT 1");
	assert_contains(&b, "xl/sharedStrings.xml", "Operational Action Plan 2018 &amp; annex");
	assert_contains(&b, "xl/sharedStrings.xml", "Joint action days\nwith Europol");
	assert_contains(&b, "xl/sharedStrings.xml", "<t>Operational action</t>");
	/* Workbook properties. */
	assert_contains(&b, "docProps/core.xml", "<dc:title>Operational Action Plan 2018 &amp; annex</dc:title>");
	assert_contains(&b, "docProps/core.xml", "<dc:creator>empact</dc:creator>");
	assert_contains(&b, "docProps/app.xml", "<Company>empact</Company>");
	/* The header row: frozen below it, filtered, repeated when printed; the printed header
	 * and footer carry the marking, the number ('&' doubled) and the page. */
	assert_contains(&b, "xl/worksheets/sheet1.xml", "state=\"frozen\"");
	assert_contains(&b, "xl/worksheets/sheet1.xml", "<autoFilter ref=\"A5:D9\"/>");
	assert_contains(&b, "xl/workbook.xml", "_xlnm.Print_Titles");
	assert_contains(&b, "xl/worksheets/sheet1.xml", "<oddHeader>&amp;CRESTREINT UE/EU RESTRICTED</oddHeader>");
	assert_contains(&b, "xl/worksheets/sheet1.xml",
		"<oddFooter>&amp;L13874/17 EXT 1&amp;CRESTREINT UE/EU RESTRICTED&amp;R&amp;P</oddFooter>");
	assert_contains(&b, "xl/worksheets/sheet1.xml", "<col min=\"2\" max=\"2\" width=\"20.7109375\"");
	book_close(&b);
	ep_buf_release(&out);
	ep_arena_free(a);
}

static void test_formulas_are_strings(void **state)
{
	(void)state;
	ep_arena *a = ep_arena_new(0);
	ep_doc *d = annex_doc(a);
	filter(d, "restreint_ue");
	ep_buf out;
	render(d, &out);
	book b;
	book_open(&b, &out);
	/* Texts that a spreadsheet would run are shared strings, never formulas. */
	assert_contains(&b, "xl/sharedStrings.xml", "<t>=1+1</t>");
	assert_contains(&b, "xl/sharedStrings.xml", "<t>@SUM(A1)</t>");
	assert_contains(&b, "xl/sharedStrings.xml", "<t>+1</t>");
	for (int i = 1; i <= 3; i++) {
		char name[64];
		snprintf(name, sizeof name, "xl/worksheets/sheet%d.xml", i);
		assert_lacks(&b, name, "<f>");
	}
	book_close(&b);
	ep_buf_release(&out);
	ep_arena_free(a);
}

static void test_numbers(void **state)
{
	(void)state;
	ep_arena *a = ep_arena_new(0);
	ep_doc *d = annex_doc(a);
	filter(d, "restreint_ue");
	ep_buf out;
	render(d, &out);
	book b;
	book_open(&b, &out);
	/* Plain decimals are numbers (shown with the decimals they were written with)... */
	assert_contains(&b, "xl/worksheets/sheet1.xml", "<v>3.5</v>");
	assert_contains(&b, "xl/worksheets/sheet1.xml", "<v>-7</v>");
	assert_contains(&b, "xl/worksheets/sheet1.xml", "<v>0.25</v>");
	assert_contains(&b, "xl/styles.xml", "formatCode=\"0.00\"");
	assert_contains(&b, "xl/worksheets/sheet2.xml", "<v>12</v>");
	/* ...but not a leading zero, a negative zero or 16 significant digits. */
	assert_contains(&b, "xl/sharedStrings.xml", "<t>007</t>");
	assert_contains(&b, "xl/sharedStrings.xml", "<t>-0</t>");
	assert_contains(&b, "xl/sharedStrings.xml", "<t>1234567890123456</t>");
	book_close(&b);
	ep_buf_release(&out);
	ep_arena_free(a);
}

static void test_withheld_row(void **state)
{
	(void)state;
	ep_arena *a = ep_arena_new(0);
	ep_doc *d = annex_doc(a);
	filter(d, "restreint_ue");
	ep_buf out;
	render(d, &out);
	book b;
	book_open(&b, &out);
	/* The SECRET UE row is not in any entry of the archive; its DELETED marker is. */
	assert_false(anywhere(&b, "SECRET PLAN ALPHA"));
	assert_false(anywhere(&b, "<t>FR</t>"));
	assert_contains(&b, "xl/sharedStrings.xml", "<t>DELETED</t>");
	book_close(&b);
	ep_buf_release(&out);

	/* Public: the RESTREINT UE row goes too, and there is no banner. */
	ep_arena *a2 = ep_arena_new(0);
	ep_doc *d2 = annex_doc(a2);
	filter(d2, "public");
	render(d2, &out);
	book_open(&b, &out);
	assert_false(anywhere(&b, "Joint action days"));
	assert_false(anywhere(&b, "RESTREINT"));
	assert_contains(&b, "xl/sharedStrings.xml", "<t>DELETED</t>");
	book_close(&b);
	ep_buf_release(&out);
	ep_arena_free(a2);
	ep_arena_free(a);
}

static void test_sheet_names(void **state)
{
	(void)state;
	ep_arena *a = ep_arena_new(0);
	ep_doc *d = new_doc(a);
	ep_dnode *part = add(d, d->root, EP_D_PART, NULL, 0);
	static const char *const heads[] = {
		"A/B:C*D?E[F]G\\H and a heading of more than thirty-one characters",
		"History",
		"'Quoted'",
		"a/b:c*d?e[f]g\\h and a heading of more than thirty-one characters",
		"[]:*?/\\",
	};
	for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++) {
		ep_dnode *t = add(d, section(d, part, NULL, heads[i]), EP_D_TABLE, NULL, 0);
		static const char *const c[] = {"x"};
		row(d, t, 0, c, 1);
	}
	filter(d, "public");
	ep_buf out;
	render(d, &out);
	book b;
	book_open(&b, &out);
	/* At most 31 characters, the forbidden ones gone, unique ignoring case; "History" is
	 * Excel's; no apostrophe first or last; nothing left: "Table N". */
	assert_contains(&b, "xl/workbook.xml", "name=\"A B C D E F G H and a heading o\"");
	assert_contains(&b, "xl/workbook.xml", "name=\"History (2)\"");
	assert_contains(&b, "xl/workbook.xml", "name=\"Quoted\"");
	assert_contains(&b, "xl/workbook.xml", "name=\"a b c d e f g h and a headi (2)\"");
	assert_contains(&b, "xl/workbook.xml", "name=\"Table 5\"");
	book_close(&b);
	ep_buf_release(&out);
	ep_arena_free(a);
}

static void test_document_without_table(void **state)
{
	(void)state;
	ep_arena *a = ep_arena_new(0);
	ep_doc *d = new_doc(a);
	ep_dnode *part = add(d, d->root, EP_D_PART, NULL, 0);
	ep_dnode *meta = add(d, part, EP_D_META, "Presidency", 0);
	meta->label = "From:";
	ep_dnode *sec = section(d, part, "5.1", "Strategic goals");
	ep_dnode *p = add(d, sec, EP_D_PARA, NULL, 0);
	ep_dnode *run = add(d, p, EP_D_RUN, "The priority covers the Western Balkans", 0);
	ep_dnote *note = ep_arena_alloc(a, sizeof *note);
	note->anchor = "Western Balkans";
	note->text = "Including Albanian speaking groups";
	run->notes = note;
	run->nnotes = 1;
	add(d, p, EP_D_RUN, "hidden words", 2);
	add(d, p, EP_D_RUN, "and its routes.", 0);
	ep_dnode *list = add(d, sec, EP_D_LIST, NULL, 0);
	add(d, list, EP_D_ITEM, "first item", 0);
	add(d, list, EP_D_ITEM, "=cmd|' /C calc'!A0", 0);
	filter(d, "public");
	ep_buf out;
	render(d, &out);
	book b;
	book_open(&b, &out);
	assert_contains(&b, "xl/workbook.xml", "name=\"Document\"");
	assert_false(has_entry(&b, "xl/worksheets/sheet2.xml"));
	assert_contains(&b, "xl/sharedStrings.xml", "<t>From: Presidency</t>");
	assert_contains(&b, "xl/sharedStrings.xml", "<t>5.1 Strategic goals</t>");
	assert_contains(&b, "xl/sharedStrings.xml",
		"<t>The priority covers the Western Balkans\xc2\xb9 DELETED and its routes.</t>");
	assert_contains(&b, "xl/sharedStrings.xml", "<t>\xc2\xb9 Including Albanian speaking groups</t>");
	assert_contains(&b, "xl/sharedStrings.xml", "<t>first item</t>");
	assert_contains(&b, "xl/sharedStrings.xml", "<t>=cmd|' /C calc'!A0</t>");
	assert_lacks(&b, "xl/worksheets/sheet1.xml", "<f>");
	assert_false(anywhere(&b, "hidden words"));
	book_close(&b);
	ep_buf_release(&out);
	ep_arena_free(a);
}

static void test_render_cap(void **state)
{
	(void)state;
	ep_arena *a = ep_arena_new(0);
	ep_doc *d = annex_doc(a);
	filter(d, "restreint_ue");
	ep_buf out;
	ep_err err;
	ep_buf_init(&out, 200);
	assert_int_equal(ep_buf_puts(&out, "kept"), EP_OK);
	assert_int_equal(ep_doc_render_xlsx(d, &out, &err), EP_E_LIMIT);
	assert_string_equal(err.msg, "the document is larger than the render limit");
	/* What was in the buffer is left as it was. */
	assert_int_equal(out.len, 4);
	assert_string_equal(ep_buf_str(&out), "kept");
	ep_buf_release(&out);
	ep_arena_free(a);
}

static void test_cell_limit(void **state)
{
	(void)state;
	ep_arena *a = ep_arena_new(0);
	ep_doc *d = new_doc(a);
	ep_dnode *part = add(d, d->root, EP_D_PART, NULL, 0);
	ep_dnode *t = add(d, section(d, part, "1", "Long"), EP_D_TABLE, NULL, 0);
	t->level = 1;
	static const char *const h[] = {"A", "B"};
	row(d, t, 0, h, 2);
	/* 32767 characters fit; one more does not. (U+1F600 counts as two, as Excel counts.) */
	char *fits = calloc(32768, 1), *over = calloc(32771, 1);
	assert_non_null(fits);
	assert_non_null(over);
	memset(fits, 'x', 32767);
	memset(over, 'y', 32766);
	memcpy(over + 32766, "\xf0\x9f\x98\x80", 4);
	const char *r1[] = {"1", fits};
	row(d, t, 0, r1, 2);
	filter(d, "public");
	ep_buf out;
	render(d, &out);
	ep_buf_release(&out);

	ep_arena *a2 = ep_arena_new(0);
	ep_doc *d2 = new_doc(a2);
	part = add(d2, d2->root, EP_D_PART, NULL, 0);
	t = add(d2, section(d2, part, "1", "Long"), EP_D_TABLE, NULL, 0);
	t->level = 1;
	row(d2, t, 0, h, 2);
	const char *r2[] = {"1", over};
	row(d2, t, 0, r2, 2);
	filter(d2, "public");
	ep_err err;
	ep_buf_init(&out, 0);
	assert_int_equal(ep_doc_render_xlsx(d2, &out, &err), EP_E_LIMIT);
	assert_string_equal(err.field, "Long!B5");
	assert_non_null(strstr(err.msg, "cell B5"));
	assert_int_equal(out.len, 0);
	ep_buf_release(&out);
	free(fits);
	free(over);
	ep_arena_free(a2);
	ep_arena_free(a);
}

static void test_unfiltered_is_refused(void **state)
{
	(void)state;
	ep_arena *a = ep_arena_new(0);
	ep_doc *d = annex_doc(a);
	ep_buf out;
	ep_err err;
	ep_buf_init(&out, 0);
	assert_int_equal(ep_doc_render_xlsx(d, &out, &err), EP_E_INTERNAL);
	assert_int_equal(out.len, 0);
	ep_buf_release(&out);
	ep_arena_free(a);
}

int main(void)
{
	const char *base = getenv("TMPDIR");
	snprintf(basedir, sizeof basedir, "%s", base && *base ? base : "/tmp");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_one_sheet_per_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_formulas_are_strings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_numbers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_withheld_row, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sheet_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_document_without_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_render_cap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cell_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unfiltered_is_refused, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
