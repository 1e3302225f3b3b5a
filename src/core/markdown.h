/*
 * Markdown of progress reports and other narratives, rendered to HTML by cmark in safe mode:
 * raw HTML is replaced by a comment and links or images with javascript:, vbscript:, file: or
 * data: (other than images) URLs are emptied, so a narrative can never carry script into a
 * page that shows it.
 */
#ifndef EP_MARKDOWN_H
#define EP_MARKDOWN_H

#include <stddef.h>

/* Renders len bytes of Markdown (UTF-8; invalid sequences are replaced) as HTML. Returns a
 * malloc'd NUL-terminated text, or NULL when memory runs out. */
char *ep_markdown_html(const char *md, size_t len);

#endif
