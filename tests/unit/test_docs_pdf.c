/*
 * Unit tests of the PDF renderer (docs/doc_pdf.c): a hand-built Council document with two parts,
 * metadata lines, nested sections, a footnote, text that needs care (<, &, accents, a control
 * character, invalid UTF-8), a list, a 120-row table with a header row and a withheld row, and a
 * withheld section, filtered and rendered: the output is a whole PDF of several pages with its
 * metadata; an empty document is one page; missing texts are no crash; the render limit and the
 * page limit are EP_E_LIMIT and leave nothing in the buffer; an unfiltered document is refused.
 * What the pages look like is checked by hand (qpdf, pdftotext, pdftoppm), not here.
 */
#include "testutil.h"

#include "docs/doc.h"

/* fontconfig loses a few hundred bytes parsing its configuration files, once per process (the
 * same 288 bytes after 1 render or 30): not a leak of the renderer, so LeakSanitizer is told
 * about memory that fontconfig itself allocates. The sanitizer's fast unwinder stops in the
 * library, so the library is what can be named; a pango, cairo or glib object left behind by
 * the renderer is allocated elsewhere and still reported. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libfontconfig.so\n";
}

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

static ep_dnode *meta(ep_doc *d, ep_dnode *parent, const char *label, const char *text)
{
	ep_dnode *m = add(d, parent, EP_D_META, text);
	m->label = label;
	return m;
}

static void note(ep_doc *d, ep_dnode *n, const char *anchor, const char *text)
{
	n->notes = ep_arena_alloc(d->arena, sizeof *n->notes);
	assert_non_null(n->notes);
	n->notes[0].anchor = anchor;
	n->notes[0].text = text;
	n->nnotes = 1;
}

static ep_doc *new_doc(ep_arena *a)
{
	ep_doc *d = ep_arena_alloc(a, sizeof *d);
	assert_non_null(d);
	d->arena = a;
	d->root = ep_doc_node(d, EP_D_DOC, NULL);
	assert_non_null(d->root);
	return d;
}

static void filter(ep_doc *d, const char *release)
{
	ep_release rel;
	ep_err err;
	assert_int_equal(ep_release_parse(release, &rel, &err), EP_OK);
	assert_int_equal(ep_doc_filter(d, rel, &err), EP_OK);
}

/* The test document, released at RESTREINT UE: what is CONFIDENTIEL UE is withheld. */
static ep_doc *build(ep_arena *a, int rows)
{
	ep_doc *d = new_doc(a);
	d->title = "Draft OAP 2018 <FII> & \xC3\xA9t\xC3\xA9";
	d->number = "13874/17 EXT 1";
	d->initials = "SB/dk";
	d->directorate = "DGD 1";
	d->language = "EN";

	ep_dnode *cover = add(d, d->root, EP_D_PART, NULL);
	add(d, cover, EP_D_DATELINE, "Brussels, 25 January 2018 (OR. en)");
	add(d, cover, EP_D_NUMBER, "13874/17 EXT 1");
	ep_dnode *codes = add(d, cover, EP_D_CODES, NULL);
	add(d, codes, EP_D_LINE, "JAI 988");
	add(d, codes, EP_D_LINE, "COSI 257");
	add(d, cover, EP_D_KIND, "PARTIAL DECLASSIFICATION");
	meta(d, cover, "of document:", "13874/17");
	meta(d, cover, "new status:", "Public");
	add(d, add(d, cover, EP_D_PARA, NULL), EP_D_RUN,
	    "Delegations will find attached the partially declassified version.");

	ep_dnode *note_part = add(d, d->root, EP_D_PART, NULL);
	add(d, note_part, EP_D_DATELINE, "Brussels, 23 November 2017 (OR. en)");
	add(d, note_part, EP_D_NUMBER, "13874/17");
	ep_dnode *mk = add(d, note_part, EP_D_MARKING, "RESTREINT UE/EU RESTRICTED");
	mk->cls = 1;
	add(d, note_part, EP_D_KIND, "NOTE");
	meta(d, note_part, "From:", "General Secretariat of the Council");
	meta(d, note_part, "To:", "Delegations");
	meta(d, note_part, "Subject:",
	     "Draft Operational Action Plan 2018 related to the EU crime priority "
	     "\"Facilitation of Illegal Immigration\"")
	        ->style = EP_DS_BOLD;
	ep_dnode *p = add(d, note_part, EP_D_PARA, NULL);
	add(d, p, EP_D_RUN, "Developed under the overall responsibility of the ");
	add(d, p, EP_D_RUN, "Driver (ES)")->cls = 2; /* withheld: an inline DELETED */
	add(d, p, EP_D_RUN, ". Tags <b>&amp; caf\xC3\xA9 \xC3\xBC \xE2\x80\x99 bell\x07 bad\xFF byte.");

	ep_dnode *plan = add(d, d->root, EP_D_PART, NULL);
	add(d, plan, EP_D_TITLE, "Draft Operational Action Plan:");
	add(d, plan, EP_D_TITLE, "FACILITATED ILLEGAL IMMIGRATION");
	ep_dnode *s1 = section(d, plan, "1.", "Aim", 1);
	ep_dnode *run =
	        add(d, add(d, s1, EP_D_PARA, NULL), EP_D_RUN,
	            "This Operational Action Plan has been created within the framework of the EU Policy Cycle for "
	            "organised and serious international crime. It corresponds to priority 3.");
	note(d, run, "international crime", "Council conclusions 7704/17 on the EU Policy Cycle.");
	ep_dnode *s4 = section(d, plan, "4.", "Management & Project Support", 1);
	ep_dnode *s41 = section(d, s4, "4.1.", "Management", 2);
	add(d, add(d, s41, EP_D_PARA, NULL), EP_D_RUN, "Overall management responsibility lies with the Driver.");
	ep_dnode *list = add(d, s41, EP_D_LIST, NULL);
	add(d, list, EP_D_ITEM, "Cross-reference between different, but related, operational actions");
	add(d, list, EP_D_ITEM, "Identification of possible JADs");
	ep_dnode *s411 = section(d, s41, "4.1.1.", "Reporting", 3);
	add(d, add(d, s411, EP_D_PARA, NULL), EP_D_RUN, "Reporting is done in SIENA.")->style = EP_DS_ITALIC;
	ep_dnode *s5 = section(d, plan, "5.", "Methodology", 1);
	s5->cls = 2; /* withheld: the heading stays, NOT DECLASSIFIED */
	add(d, add(d, s5, EP_D_PARA, NULL), EP_D_RUN, "Planning details");

	ep_dnode *s6 = section(d, plan, "6.", "Operational actions", 1);
	ep_dnode *t = add(d, s6, EP_D_TABLE, NULL);
	t->level = 1;
	for (int i = 0; i < rows; i++) {
		ep_dnode *row = add(d, t, EP_D_ROW, NULL);
		char buf[160];
		if (i == 7)
			row->cls = 2; /* withheld: one DELETED row */
		snprintf(buf, sizeof buf, i == 0 ? "Operational action" : "OA %d.1\nJoint action days", i);
		add(d, row, EP_D_CELL, buf);
		snprintf(buf, sizeof buf,
		         i == 0        ? "Leader"
		         : i % 10 == 3 ? "Member State %d with a long list of partners: Europol, Frontex, "
		                         "Eurojust, CEPOL, EMCDDA and the Commission"
		                       : "MS %d",
		         i);
		add(d, row, EP_D_CELL, buf);
		add(d, row, EP_D_CELL, i == 0 ? "Year" : "2018");
	}
	add(d, add(d, s6, EP_D_PARA, NULL), EP_D_RUN, "End of the plan.");
	filter(d, "restreint_ue");
	return d;
}

/* Where needle first occurs in b from offset at, or b->len (the PDF is binary: no strstr). */
static size_t find(const ep_buf *b, size_t at, const char *needle)
{
	size_t n = strlen(needle);
	for (size_t i = at; i + n <= b->len; i++)
		if (memcmp(b->data + i, needle, n) == 0)
			return i;
	return b->len;
}

static bool has(const ep_buf *b, const char *needle)
{
	return find(b, 0, needle) < b->len;
}

/* Page objects: "/Type /Page" not followed by 's' (the page tree is "/Type /Pages"). */
static size_t count_pages(const ep_buf *b)
{
	const char *key = "/Type /Page";
	size_t n = 0, k = strlen(key);
	for (size_t i = find(b, 0, key); i < b->len; i = find(b, i + k, key))
		if (i + k >= b->len || b->data[i + k] != 's')
			n++;
	return n;
}

static void assert_pdf(const ep_buf *b)
{
	assert_true(b->len > 100);
	assert_memory_equal(b->data, "%PDF-", 5);
	size_t end = b->len;
	if (b->data[end - 1] == '\n')
		end--;
	assert_true(end >= 5);
	assert_memory_equal(b->data + end - 5, "%%EOF", 5);
}

static void test_renders_pdf(void **state)
{
	(void)state;
	ep_arena *a = ep_arena_new(0);
	ep_doc *d = build(a, 120);
	assert_string_equal(ep_doc_banner(d), "RESTREINT UE/EU RESTRICTED");
	ep_buf b;
	ep_buf_init(&b, 0);
	ep_err err;
	assert_int_equal(ep_doc_render_pdf(d, &b, &err), EP_OK);
	assert_pdf(&b);
	assert_true(count_pages(&b) > 2);
	assert_true(has(&b, "/Creator (empact)"));
	/* The sections are in the outline. */
	assert_true(has(&b, "/Outlines"));
	ep_buf_release(&b);
	ep_arena_free(a);
}

static void test_render_limit(void **state)
{
	(void)state;
	ep_arena *a = ep_arena_new(0);
	ep_doc *d = build(a, 120);
	ep_buf b;
	ep_buf_init(&b, 2000);
	ep_err err;
	assert_int_equal(ep_doc_render_pdf(d, &b, &err), EP_E_LIMIT);
	assert_string_equal(err.msg, "the document is larger than the render limit");
	assert_int_equal(b.len, 0);
	ep_buf_release(&b);
	ep_arena_free(a);
}

static void test_empty_document(void **state)
{
	(void)state;
	ep_arena *a = ep_arena_new(0);
	ep_doc *d = new_doc(a);
	filter(d, "public");
	ep_buf b;
	ep_buf_init(&b, 0);
	ep_err err;
	assert_int_equal(ep_doc_render_pdf(d, &b, &err), EP_OK);
	assert_pdf(&b);
	assert_int_equal(count_pages(&b), 1);
	ep_buf_release(&b);

	/* No root at all, and no number, title or language: one page still. */
	d = ep_arena_alloc(a, sizeof *d);
	assert_non_null(d);
	d->arena = a;
	filter(d, "public");
	ep_buf_init(&b, 0);
	assert_int_equal(ep_doc_render_pdf(d, &b, &err), EP_OK);
	assert_int_equal(count_pages(&b), 1);
	ep_buf_release(&b);
	ep_arena_free(a);
}

/* Every kind of block without its text, empty containers, and blocks where they do not
 * belong: drawn as well as they can be, never a crash. */
static void test_missing_texts(void **state)
{
	(void)state;
	ep_arena *a = ep_arena_new(0);
	ep_doc *d = new_doc(a);
	ep_dnode *part = add(d, d->root, EP_D_PART, NULL);
	for (int k = EP_D_DATELINE; k <= EP_D_MARKER; k++)
		add(d, part, (ep_dkind)k, NULL);
	meta(d, part, "From:", NULL);
	section(d, part, NULL, NULL, 0);
	section(d, part, "9", NULL, 7);
	ep_dnode *t = add(d, part, EP_D_TABLE, NULL);
	t->level = 5;
	add(d, add(d, t, EP_D_ROW, NULL), EP_D_CELL, NULL);
	add(d, t, EP_D_ROW, NULL);
	ep_dnode *lone = add(d, part, EP_D_CELL, "a cell outside a table");
	note(d, lone, "nowhere", "A note whose anchor is not in the text.");
	note(d, add(d, part, EP_D_PART, NULL), NULL, "A note of a part.");
	filter(d, "tres_secret_ue");
	ep_buf b;
	ep_buf_init(&b, 0);
	ep_err err;
	assert_int_equal(ep_doc_render_pdf(d, &b, &err), EP_OK);
	assert_pdf(&b);
	ep_buf_release(&b);
	ep_arena_free(a);
}

static void test_page_limit(void **state)
{
	(void)state;
	ep_arena *a = ep_arena_new(0);
	ep_doc *d = new_doc(a);
	for (int i = 0; i < 2001; i++)
		add(d, add(d, d->root, EP_D_PART, NULL), EP_D_LINE, "One page");
	filter(d, "public");
	ep_buf b;
	ep_buf_init(&b, 0);
	ep_err err;
	assert_int_equal(ep_doc_render_pdf(d, &b, &err), EP_E_LIMIT);
	assert_int_equal(b.len, 0);
	ep_buf_release(&b);
	ep_arena_free(a);
}

static void test_unfiltered_refused(void **state)
{
	(void)state;
	ep_arena *a = ep_arena_new(0);
	ep_doc *d = new_doc(a);
	ep_buf b;
	ep_buf_init(&b, 0);
	ep_err err;
	assert_int_equal(ep_doc_render_pdf(d, &b, &err), EP_E_INTERNAL);
	assert_int_equal(b.len, 0);
	ep_buf_release(&b);
	ep_arena_free(a);
}

int main(int argc, char **argv)
{
	/* glib's slice allocator keeps leaked objects in chunks of its own, out of the sanitizer's
	 * sight: with plain malloc a pango object the renderer forgets is a reported leak. glib
	 * reads G_SLICE before main, so the test starts itself again with it set. */
	(void)argc;
	if (!getenv("G_SLICE") && setenv("G_SLICE", "always-malloc", 1) == 0)
		execv("/proc/self/exe", argv);
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_renders_pdf),    cmocka_unit_test(test_render_limit),
	        cmocka_unit_test(test_empty_document), cmocka_unit_test(test_missing_texts),
	        cmocka_unit_test(test_page_limit),     cmocka_unit_test(test_unfiltered_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
