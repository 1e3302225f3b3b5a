/*
 * Markdown rendering (see markdown.h) through cmark, always with CMARK_OPT_SAFE.
 */
#include "core/markdown.h"

#include <cmark.h>

#include "core/banned.h"

char *ep_markdown_html(const char *md, size_t len)
{
	return cmark_markdown_to_html(md ? md : "", md ? len : 0, CMARK_OPT_SAFE | CMARK_OPT_VALIDATE_UTF8 | CMARK_OPT_SMART);
}
