/*
 * Unit tests of the DOCX renderer (docs/doc_docx.c): a hand-built Council document with two
 * parts, metadata, nested sections, a footnote, text that needs escaping, a list, a long table
 * with a header row and a withheld row, and withheld sections, filtered and rendered, then read
 * back with libzip: every part is there, text is escaped, the header row repeats, the markers
 * stand where the withheld content was (and the withheld text is nowhere), the footnote is a
 * real Word footnote, the banner is in the header and footer, and the render limit holds.
 */
#include "testutil.h"

#include <zip.h>

#include "docs/doc.h"

#define SECRET "Operation Nightjar targets"

static ep_dnode *add(ep_doc *d, ep_dnode *parent, ep_dkind kind, const char *text)
{
	ep_dnode *n = ep_doc_node(d, kind, text);
	assert_non_null(n);
	return ep_doc_append(parent, n);
}

static ep_dnode *section(ep_doc *d, ep_dnode *parent, const char *number, const char *heading, int level)
{
	ep_dnode *s = add(d, parent, EP_D_SECTION, heading);
	s->label = number;
	s->level = level;
	return s;
}

/* The test document, filtered at release r. restricted: the document's own content is
 * RESTREINT UE, so that the banner shows when released at that level. */
static ep_doc *build(ep_arena *a, const char *release, int rows, bool restricted)
{
	ep_doc *d = ep_arena_alloc(a, sizeof *d);
	assert_non_null(d);
	d->arena = a;
	d->title = "Draft OAP 2018 \"Facilitation\" <FII>";
	d->number = "13874/17 EXT 1";
	d->initials = "SB/dk";
	d->directorate = "DGD 1";
	d->language = "EN";
	d->root = ep_doc_node(d, EP_D_DOC, NULL);
	assert_non_null(d->root);

	ep_dnode *cover = add(d, d->root, EP_D_PART, NULL);
	add(d, cover, EP_D_DATELINE, "Brussels, 23 November 2017 (OR. en)");
	add(d, cover, EP_D_NUMBER, "13874/17");
	ep_dnode *codes = add(d, cover, EP_D_CODES, NULL);
	add(d, codes, EP_D_LINE, "JAI 988");
	add(d, codes, EP_D_LINE, "COSI 257");
	add(d, cover, EP_D_KIND, "NOTE");
	ep_dnode *m = add(d, cover, EP_D_META, "Presidency");
	m->label = "From:";
	m = add(d, cover, EP_D_META, "Delegations");
	m->label = "To:";

	ep_dnode *plan = add(d, d->root, EP_D_PART, NULL);
	add(d, plan, EP_D_TITLE, "FACILITATED ILLEGAL IMMIGRATION");
	ep_dnode *s1 = section(d, plan, "1", "Aim", 1);
	ep_dnode *p = add(d, s1, EP_D_PARA, NULL);
	ep_dnode *run =
	        add(d, p, EP_D_RUN, "Policy Cycle for organised crime. Tags <&\"\xC3\xA9\xE2\x80\x99 stay\x01 text.");
	run->cls = restricted ? 1 : 0;
	run->notes = ep_arena_alloc(a, sizeof *run->notes);
	assert_non_null(run->notes);
	run->notes[0].anchor = "organised crime";
	run->notes[0].text = "Council conclusions 7704/17";
	run->nnotes = 1;
	ep_dnode *b = add(d, p, EP_D_RUN, " in bold");
	b->style = EP_DS_BOLD;
	ep_dnode *s11 = section(d, s1, "1.1", "Management", 2);
	ep_dnode *list = add(d, s11, EP_D_LIST, NULL);
	add(d, list, EP_D_ITEM, "Cross-reference between operational actions");
	add(d, list, EP_D_ITEM, "Identification of possible JADs");

	ep_dnode *s2 = section(d, plan, "2", "Annex", 1);
	ep_dnode *t = add(d, s2, EP_D_TABLE, NULL);
	t->level = 1;
	for (int i = 0; i < rows; i++) {
		ep_dnode *row = add(d, t, EP_D_ROW, NULL);
		if (i == 5)
			row->cls = 1; /* withheld at public: one DELETED row */
		char buf[64];
		snprintf(buf, sizeof buf, i == 0 ? "Action" : "OA %d.1\nline two", i);
		add(d, row, EP_D_CELL, buf);
		snprintf(buf, sizeof buf, i == 0 ? "Leader" : "Member State %d", i);
		add(d, row, EP_D_CELL, i == 5 ? SECRET : buf);
		add(d, row, EP_D_CELL, i == 0 ? "Year" : "2018");
	}

	ep_dnode *s3 = section(d, plan, "3", "Planning", 1);
	s3->cls = 1;
	add(d, add(d, s3, EP_D_PARA, NULL), EP_D_RUN, SECRET " in section 3");
	ep_dnode *s4 = section(d, plan, "4", "Reporting", 1);
	add(d, add(d, s4, EP_D_PARA, NULL), EP_D_RUN, "Reporting is done in SIENA.");
	ep_dnode *s5 = section(d, plan, "5", "Operational actions", 1);
	s5->cls = 1;
	add(d, add(d, s5, EP_D_PARA, NULL), EP_D_RUN, SECRET " in section 5");
	d->pages = 42;

	ep_release rel;
	ep_err err;
	assert_int_equal(ep_release_parse(release, &rel, &err), EP_OK);
	assert_int_equal(ep_doc_filter(d, rel, &err), EP_OK);
	return d;
}

/* The text of one entry of the archive (NUL-terminated, free() it), or NULL if absent. */
static char *entry(zip_t *za, const char *name)
{
	zip_stat_t st;
	if (zip_stat(za, name, 0, &st) != 0)
		return NULL;
	zip_file_t *f = zip_fopen(za, name, 0);
	assert_non_null(f);
	char *text = malloc((size_t)st.size + 1);
	assert_non_null(text);
	assert_int_equal(zip_fread(f, text, st.size), (zip_int64_t)st.size);
	text[st.size] = '\0';
	zip_fclose(f);
	return text;
}

static zip_t *open_archive(const ep_buf *out)
{
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(out->data, out->len, 0, &ze);
	assert_non_null(src);
	zip_t *za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
	if (!za)
		zip_source_free(src);
	zip_error_fini(&ze);
	assert_non_null(za);
	return za;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

static void test_public_render(void **state)
{
	(void)state;
	ep_arena *a = ep_arena_new(0);
	assert_non_null(a);
	ep_doc *d = build(a, "public", 30, false);
	ep_buf out;
	ep_buf_init(&out, 0);
	ep_err err;
	assert_int_equal(ep_doc_render_docx(d, &out, &err), EP_OK);
	assert_true(out.len > 4);
	assert_memory_equal(out.data, "PK\x03\x04", 4);

	zip_t *za = open_archive(&out);
	static const char *const NAMES[] = {"[Content_Types].xml",
	                                    "_rels/.rels",
	                                    "docProps/core.xml",
	                                    "docProps/app.xml",
	                                    "word/document.xml",
	                                    "word/styles.xml",
	                                    "word/settings.xml",
	                                    "word/footnotes.xml",
	                                    "word/header1.xml",
	                                    "word/footer1.xml",
	                                    "word/_rels/document.xml.rels",
	                                    "word/numbering.xml"};
	for (size_t i = 0; i < sizeof NAMES / sizeof NAMES[0]; i++) {
		char *t = entry(za, NAMES[i]);
		assert_non_null(t);
		assert_non_null(strstr(t, "<?xml version=\"1.0\" encoding=\"UTF-8\""));
		free(t);
	}
	char *doc = entry(za, "word/document.xml");
	/* escaped, the UTF-8 kept, the control character dropped */
	assert_non_null(strstr(doc, "Tags &lt;&amp;&quot;\xC3\xA9\xE2\x80\x99 stay text."));
	assert_null(strchr(doc, '\x01'));
	/* the header row, and only it, repeats on each page; the withheld row spans the table */
	assert_int_equal(count(doc, "<w:tblHeader/>"), 1);
	assert_int_equal(count(doc, "<w:tr>"), 30);
	assert_non_null(strstr(doc, "<w:gridSpan w:val=\"3\"/>"));
	assert_non_null(strstr(doc, "DELETED"));
	assert_non_null(strstr(doc, "OA 1.1</w:t><w:br/>"));
	/* withheld sections keep their headings; the middle one is marked, the tail collapses */
	assert_non_null(strstr(doc, "Planning"));
	assert_non_null(strstr(doc, "NOT DECLASSIFIED</w:t>"));
	assert_non_null(strstr(doc, "NOT DECLASSIFIED FROM THIS POINT UNTIL THE END OF THE DOCUMENT (page 42)"));
	assert_null(strstr(doc, "Nightjar"));
	/* structure: headings by level, the second part on a new page, bullets, A4, the footnote mark */
	assert_non_null(strstr(doc, "<w:pStyle w:val=\"Heading1\"/>"));
	assert_non_null(strstr(doc, "<w:pStyle w:val=\"Heading2\"/>"));
	assert_non_null(strstr(doc, "<w:pStyle w:val=\"Title\"/>"));
	assert_int_equal(count(doc, "<w:pageBreakBefore/>"), 1);
	assert_int_equal(count(doc, "<w:numId w:val=\"1\"/>"), 2);
	assert_non_null(strstr(doc, "<w:pgSz w:w=\"11906\" w:h=\"16838\"/>"));
	assert_non_null(strstr(doc, "organised crime</w:t></w:r><w:r><w:rPr><w:rStyle w:val=\"FootnoteReference\"/>"
	                            "</w:rPr><w:footnoteReference w:id=\"1\"/>"));
	assert_non_null(strstr(doc, "From:</w:t></w:r><w:r><w:tab/></w:r>"));
	free(doc);

	char *notes = entry(za, "word/footnotes.xml");
	assert_non_null(strstr(notes, "w:id=\"-1\""));
	assert_non_null(strstr(notes, "w:id=\"0\""));
	assert_non_null(strstr(notes, "<w:footnote w:id=\"1\">"));
	assert_non_null(strstr(notes, "Council conclusions 7704/17"));
	free(notes);

	char *styles = entry(za, "word/styles.xml");
	assert_non_null(strstr(styles, "<w:outlineLvl w:val=\"2\"/>"));
	free(styles);
	char *core = entry(za, "docProps/core.xml");
	assert_non_null(strstr(core, "<dc:title>Draft OAP 2018 &quot;Facilitation&quot; &lt;FII&gt;</dc:title>"));
	assert_non_null(strstr(core, "<dc:creator>empact</dc:creator>"));
	free(core);
	/* public: no banner; the footer still has the number, the initials and the page */
	char *footer = entry(za, "word/footer1.xml");
	assert_non_null(strstr(footer, "13874/17 EXT 1"));
	assert_non_null(strstr(footer, "DGD 1"));
	assert_non_null(strstr(footer, " PAGE "));
	assert_null(strstr(footer, "RESTREINT"));
	free(footer);

	zip_close(za);
	ep_buf_release(&out);
	ep_arena_free(a);
}

static void test_banner(void **state)
{
	(void)state;
	ep_arena *a = ep_arena_new(0);
	ep_doc *d = build(a, "restreint_ue", 3, true);
	ep_buf out;
	ep_buf_init(&out, 0);
	assert_int_equal(ep_doc_render_docx(d, &out, NULL), EP_OK);
	zip_t *za = open_archive(&out);
	char *header = entry(za, "word/header1.xml");
	assert_non_null(strstr(header, "RESTREINT UE/EU RESTRICTED"));
	free(header);
	char *footer = entry(za, "word/footer1.xml");
	assert_non_null(strstr(footer, "RESTREINT UE/EU RESTRICTED"));
	free(footer);
	char *doc = entry(za, "word/document.xml");
	assert_non_null(strstr(doc, "Nightjar"));
	free(doc);
	zip_close(za);
	ep_buf_release(&out);
	ep_arena_free(a);
}

static void test_same_bytes(void **state)
{
	(void)state;
	ep_arena *a = ep_arena_new(0);
	ep_doc *d = build(a, "public", 10, false);
	ep_buf one, two;
	ep_buf_init(&one, 0);
	ep_buf_init(&two, 0);
	assert_int_equal(ep_doc_render_docx(d, &one, NULL), EP_OK);
	assert_int_equal(ep_doc_render_docx(d, &two, NULL), EP_OK);
	assert_int_equal(one.len, two.len);
	assert_memory_equal(one.data, two.data, one.len);
	ep_buf_release(&one);
	ep_buf_release(&two);
	ep_arena_free(a);
}

static void test_limit(void **state)
{
	(void)state;
	ep_arena *a = ep_arena_new(0);
	ep_doc *d = build(a, "public", 30, false);
	/* too small for the smallest part, for the styles, and for the body */
	static const size_t CAPS[] = {64, 1024, 6000};
	for (size_t i = 0; i < sizeof CAPS / sizeof CAPS[0]; i++) {
		ep_buf out;
		ep_buf_init(&out, CAPS[i]);
		ep_err err;
		ep_err_clear(&err);
		assert_int_equal(ep_doc_render_docx(d, &out, &err), EP_E_LIMIT);
		assert_int_equal(out.len, 0);
		assert_non_null(strstr(err.msg, "render limit"));
		ep_buf_release(&out);
	}
	ep_arena_free(a);
}

/* Input the builder would not make but a renderer must survive: a table wider than Word allows,
 * ragged and empty rows, an empty table, text and notes where there are none, bytes that are
 * not UTF-8 or not allowed in XML, an anchor that is not in the text, a heading without a
 * number or level. */
static ep_doc *build_odd(ep_arena *a, ep_dnode **para)
{
	ep_doc *d = ep_arena_alloc(a, sizeof *d);
	assert_non_null(d);
	d->arena = a;
	d->language = "fr";
	d->root = ep_doc_node(d, EP_D_DOC, NULL);
	assert_non_null(d->root);
	ep_dnode *part = add(d, d->root, EP_D_PART, NULL);
	ep_dnode *t = add(d, part, EP_D_TABLE, NULL);
	t->level = 5; /* more header rows than rows */
	ep_dnode *row = add(d, t, EP_D_ROW, NULL);
	for (int i = 0; i < 70; i++) {
		char buf[16];
		snprintf(buf, sizeof buf, "c%d", i);
		add(d, row, EP_D_CELL, buf);
	}
	add(d, add(d, t, EP_D_ROW, NULL), EP_D_CELL, NULL);
	add(d, t, EP_D_ROW, NULL);
	add(d, part, EP_D_TABLE, NULL);
	ep_dnode *s = add(d, part, EP_D_SECTION, "No number \xff\xc3( \xef\xbf\xbe\xed\xa0\x80 end");
	ep_dnode *p = add(d, s, EP_D_PARA, NULL);
	add(d, p, EP_D_RUN, "tab\there\r\nCRLF");
	add(d, s, EP_D_ITEM, "a lone item");
	add(d, s, EP_D_LINE, NULL);
	add(d, s, EP_D_DATELINE, NULL);
	*para = p;
	return d;
}

static void test_odd_input(void **state)
{
	(void)state;
	ep_arena *a = ep_arena_new(0);
	ep_dnode *p;
	ep_doc *d = build_odd(a, &p);
	ep_err err;
	assert_int_equal(ep_doc_filter(d, (ep_release){0, 0}, &err), EP_OK);
	/* notes on a run without text (the filter would have made it a marker; a renderer still
	 * must not trip on it), one without text and one whose anchor is absent */
	ep_dnode *run = add(d, p, EP_D_RUN, NULL);
	run->notes = ep_arena_array(a, 2, sizeof *run->notes);
	assert_non_null(run->notes);
	run->notes[0].text = "note on nothing";
	run->notes[0].number = 1;
	run->notes[1].anchor = "absent";
	run->notes[1].number = 1; /* a duplicate number still gets an id of its own */
	run->nnotes = 2;
	ep_buf out;
	ep_buf_init(&out, 0);
	assert_int_equal(ep_doc_render_docx(d, &out, &err), EP_OK);
	zip_t *za = open_archive(&out);
	char *doc = entry(za, "word/document.xml");
	assert_int_equal(count(doc, "<w:gridCol "), 63);
	assert_non_null(strstr(doc, "c69"));
	assert_int_equal(count(doc, "<w:tblHeader/>"), 3);
	assert_int_equal(count(doc, "<w:tbl>"), 1);
	assert_non_null(strstr(doc, "No number (  end"));
	assert_non_null(strstr(doc, "tab</w:t><w:tab/><w:t xml:space=\"preserve\">here</w:t><w:br/>"));
	assert_non_null(strstr(doc, "<w:footnoteReference w:id=\"2\"/>"));
	free(doc);
	char *styles = entry(za, "word/styles.xml");
	assert_non_null(strstr(styles, "<w:lang w:val=\"fr\"/>"));
	free(styles);
	zip_close(za);
	ep_buf_release(&out);
	ep_arena_free(a);

	/* nesting deeper than any Council document is refused, not recursed into */
	a = ep_arena_new(0);
	d = ep_arena_alloc(a, sizeof *d);
	d->arena = a;
	d->root = ep_doc_node(d, EP_D_DOC, NULL);
	ep_dnode *n = d->root;
	for (int i = 0; i < 200; i++)
		n = add(d, n, EP_D_SECTION, "deep");
	assert_int_equal(ep_doc_filter(d, (ep_release){0, 0}, &err), EP_OK);
	ep_buf_init(&out, 0);
	assert_int_equal(ep_doc_render_docx(d, &out, &err), EP_E_INVALID);
	assert_int_equal(out.len, 0);
	ep_buf_release(&out);
	ep_arena_free(a);
}

static void test_unfiltered_and_empty(void **state)
{
	(void)state;
	ep_arena *a = ep_arena_new(0);
	ep_doc *d = ep_arena_alloc(a, sizeof *d);
	d->arena = a;
	ep_buf out;
	ep_buf_init(&out, 0);
	ep_err err;
	assert_int_not_equal(ep_doc_render_docx(d, &out, &err), EP_OK);
	assert_int_equal(out.len, 0);
	/* no root, no title, no number: still a valid package with an empty body */
	assert_int_equal(ep_doc_filter(d, (ep_release){0, 0}, &err), EP_OK);
	assert_int_equal(ep_doc_render_docx(d, &out, &err), EP_OK);
	zip_t *za = open_archive(&out);
	char *doc = entry(za, "word/document.xml");
	assert_non_null(strstr(doc, "<w:body><w:p/><w:sectPr>"));
	free(doc);
	zip_close(za);
	ep_buf_release(&out);
	ep_arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_public_render), cmocka_unit_test(test_banner),
	        cmocka_unit_test(test_same_bytes),    cmocka_unit_test(test_limit),
	        cmocka_unit_test(test_odd_input),     cmocka_unit_test(test_unfiltered_and_empty),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
