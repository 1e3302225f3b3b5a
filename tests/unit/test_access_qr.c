/*
 * Unit tests of QR code drawing (access/qr.h): the SVG's frame (viewBox with the quiet zone,
 * background, crisp edges, accessible name with escaping), and, without decoding, that the
 * path draws exactly the dark modules of the matrix libqrencode makes for the same text.
 */
#include "testutil.h"

#include <qrencode.h>

#include "access/qr.h"

static const char *uri = "otpauth://totp/empact:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=empact"
			 "&algorithm=SHA1&digits=6&period=30";

/* The d attribute of the SVG's only path, copied into a malloc'd string. */
static char *path_of(const char *svg)
{
	const char *p = strstr(svg, "<path");
	assert_non_null(p);
	assert_null(strstr(p + 1, "<path"));
	p = strstr(p, " d=\"");
	assert_non_null(p);
	p += 4;
	const char *e = strchr(p, '"');
	assert_non_null(e);
	char *d = malloc((size_t)(e - p) + 1);
	assert_non_null(d);
	memcpy(d, p, (size_t)(e - p));
	d[e - p] = '\0';
	return d;
}

static void test_frame(void **state)
{
	(void)state;
	char *svg = NULL;
	ep_err err;
	assert_int_equal(ep_qr_svg(uri, "QR code for alice <a&b> \"x\" 'y'", &svg, &err), EP_OK);
	assert_non_null(svg);
	size_t n = strlen(svg);
	assert_true(strncmp(svg, "<svg", 4) == 0);
	assert_string_equal(svg + n - 6, "</svg>");
	assert_non_null(strstr(svg, "xmlns=\"http://www.w3.org/2000/svg\""));
	assert_non_null(strstr(svg, "shape-rendering=\"crispEdges\""));
	assert_non_null(strstr(svg, "role=\"img\""));
	assert_non_null(strstr(svg, "aria-label=\"QR code for alice &lt;a&amp;b&gt; &quot;x&quot; &#39;y&#39;\""));
	assert_non_null(strstr(svg, "fill=\"#fff\""));
	/* No raw markup characters in the label made it through. */
	assert_null(strstr(svg, "<a&b>"));

	QRcode *qr = QRcode_encodeString(uri, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	assert_non_null(qr);
	char want[64];
	snprintf(want, sizeof want, "viewBox=\"0 0 %d %d\"", qr->width + 8, qr->width + 8);
	assert_non_null(strstr(svg, want));
	snprintf(want, sizeof want, "<rect width=\"%d\" height=\"%d\"", qr->width + 8, qr->width + 8);
	assert_non_null(strstr(svg, want));
	QRcode_free(qr);
	free(svg);
}

/* Draws the path's rectangles ("MX Yh W v1h-W z") into a grid and compares it with the matrix. */
static void check_modules(const char *text)
{
	char *svg = NULL;
	ep_err err;
	assert_int_equal(ep_qr_svg(text, NULL, &svg, &err), EP_OK);
	assert_non_null(strstr(svg, "aria-label=\"QR code\""));
	QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	assert_non_null(qr);
	int w = qr->width, size = w + 8;
	unsigned char *grid = calloc((size_t)size * (size_t)size, 1);
	assert_non_null(grid);
	char *d = path_of(svg);
	const char *p = d;
	while (*p) {
		int x, y, len, len2, used = 0;
		assert_int_equal(sscanf(p, "M%d %dh%dv1h-%dz%n", &x, &y, &len, &len2, &used), 4);
		assert_true(used > 0);
		assert_int_equal(len, len2);
		assert_true(x >= 4 && y >= 4 && len > 0 && x + len <= w + 4 && y < w + 4); /* inside the quiet zone */
		for (int i = 0; i < len; i++) {
			assert_int_equal(grid[y * size + x + i], 0); /* no overlaps */
			grid[y * size + x + i] = 1;
		}
		p += used;
	}
	for (int y = 0; y < w; y++)
		for (int x = 0; x < w; x++)
			assert_int_equal(grid[(y + 4) * size + x + 4], qr->data[y * w + x] & 1);
	free(d);
	free(grid);
	QRcode_free(qr);
	free(svg);
}

static void test_modules(void **state)
{
	(void)state;
	check_modules(uri);
	check_modules("x");
	check_modules("https://empact.example.org/ \xc3\xa9\xc3\xa8 0123456789");
}

static void test_different_texts(void **state)
{
	(void)state;
	char *a = NULL, *b = NULL;
	ep_err err;
	assert_int_equal(ep_qr_svg("otpauth://totp/empact:alice?secret=AAAA", "a", &a, &err), EP_OK);
	assert_int_equal(ep_qr_svg("otpauth://totp/empact:alice?secret=AAAB", "a", &b, &err), EP_OK);
	char *da = path_of(a), *db = path_of(b);
	assert_string_not_equal(da, db);
	free(da);
	free(db);
	free(a);
	free(b);
}

static void test_errors(void **state)
{
	(void)state;
	char *svg = (char *)1;
	ep_err err;
	assert_int_equal(ep_qr_svg("", "x", &svg, &err), EP_E_INVALID);
	assert_null(svg);
	assert_int_equal(ep_qr_svg(NULL, "x", &svg, &err), EP_E_INVALID);
	/* More than a version 40 symbol holds at level M (2331 bytes). */
	char *big = malloc(4001);
	assert_non_null(big);
	memset(big, 'x', 4000);
	big[4000] = '\0';
	assert_int_equal(ep_qr_svg(big, "x", &svg, &err), EP_E_LIMIT);
	assert_null(svg);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frame),
		cmocka_unit_test(test_modules),
		cmocka_unit_test(test_different_texts),
		cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
