/*
 * QR codes as SVG (see qr.h). libqrencode gives the module matrix; each row's runs of dark
 * modules become one rectangle of a single path, drawn over a white square that includes the
 * quiet zone the standard asks for (four modules), so scanners read it on any page colour.
 */
#include "access/qr.h"

#include <errno.h>
#include <stdlib.h>

#include <qrencode.h>

#include "core/buf.h"
#include "core/banned.h"

#define QUIET 4
#define PX_PER_MODULE 4
/* A version 40 symbol (177 modules) drawn as every other module dark stays far below this. */
#define SVG_MAX ((size_t)4 << 20)

/* Keeps the first failure of a series of appends, so that one check at the end covers all. */
static void keep(ep_status *st, ep_status s)
{
	if (*st == EP_OK)
		*st = s;
}

/* Text as an XML attribute value: the five special characters as entities. */
static ep_status put_xml(ep_buf *b, const char *s)
{
	ep_status st = EP_OK;
	for (; *s && st == EP_OK; s++) {
		switch (*s) {
		case '&':
			st = ep_buf_puts(b, "&amp;");
			break;
		case '<':
			st = ep_buf_puts(b, "&lt;");
			break;
		case '>':
			st = ep_buf_puts(b, "&gt;");
			break;
		case '"':
			st = ep_buf_puts(b, "&quot;");
			break;
		case '\'':
			st = ep_buf_puts(b, "&#39;");
			break;
		default:
			st = ep_buf_putc(b, *s);
		}
	}
	return st;
}

ep_status ep_qr_svg(const char *text, const char *label, char **svg, ep_err *err)
{
	*svg = NULL;
	if (!text || !text[0])
		return ep_err_set(err, EP_E_INVALID, "text", "there is no text to encode as a QR code");
	errno = 0;
	QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!qr) {
		if (errno == ERANGE)
			return ep_err_set(err, EP_E_LIMIT, "text", "the text is too long for a QR code");
		return ep_err_set(err, EP_E_INTERNAL, "", "encoding the QR code failed");
	}

	int w = qr->width, size = w + 2 * QUIET;
	ep_buf b;
	ep_buf_init(&b, SVG_MAX);
	ep_status st = EP_OK;
	keep(&st, ep_buf_printf(&b,
		      "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" "
		      "shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"",
		      size, size, size * PX_PER_MODULE, size * PX_PER_MODULE));
	keep(&st, put_xml(&b, label ? label : "QR code"));
	keep(&st, ep_buf_printf(&b, "\"><rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
				size, size));
	/* Bit 0 of each matrix byte is the module's colour (1 dark); the other bits describe its
	 * role in the symbol, which a drawing does not need. */
	for (int y = 0; y < w && st == EP_OK; y++) {
		const unsigned char *row = qr->data + (size_t)y * (size_t)w;
		for (int x = 0; x < w;) {
			if (!(row[x] & 1)) {
				x++;
				continue;
			}
			int start = x;
			while (x < w && (row[x] & 1))
				x++;
			keep(&st, ep_buf_printf(&b, "M%d %dh%dv1h-%dz", start + QUIET, y + QUIET, x - start, x - start));
		}
	}
	keep(&st, ep_buf_puts(&b, "\"/></svg>"));
	QRcode_free(qr);
	if (st != EP_OK) {
		ep_buf_release(&b);
		return ep_err_set(err, st == EP_E_LIMIT ? EP_E_LIMIT : EP_E_INTERNAL, "",
				  "the QR code image could not be written");
	}
	*svg = ep_buf_detach(&b, NULL);
	return EP_OK;
}
