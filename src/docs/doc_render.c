/*
 * The one entry to the renderers: a filtered document in the format asked for. Kept apart from
 * the tree so that a renderer's tests link only the renderer they test.
 */
#include "docs/doc.h"

#include "core/banned.h"

ep_status ep_doc_render(const ep_doc *d, ep_dformat f, ep_buf *out, ep_err *err)
{
	if (!d->filtered)
		return ep_err_set(err, EP_E_INTERNAL, NULL, "a document is rendered only after its release filter");
	switch (f) {
	case EP_DF_TXT:
		return ep_doc_render_txt(d, out, err);
	case EP_DF_HTML:
		return ep_doc_render_html(d, out, err);
	case EP_DF_PDF:
		return ep_doc_render_pdf(d, out, err);
	case EP_DF_DOCX:
		return ep_doc_render_docx(d, out, err);
	case EP_DF_XLSX:
		return ep_doc_render_xlsx(d, out, err);
	}
	return ep_err_set(err, EP_E_INVALID, "format", "unknown document format");
}
