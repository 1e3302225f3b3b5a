/*
 * The HTML view of empact: every page is its main template rendered with the page's view
 * model, inside the layout (header with the user and sign-out, navigation for the user's
 * roles, breadcrumbs, the classification banner at the top and bottom, footer). Templates are
 * the embedded templates/NAME.html files, compiled once; they escape every value by default.
 */
#ifndef EP_VIEW_VIEW_H
#define EP_VIEW_VIEW_H

#include <jansson.h>
#include <stdbool.h>

#include "core/buf.h"
#include "core/status.h"
#include "access/access.h"

typedef struct ep_view_frame {
	const char *title;        /* of the page, also in <title> */
	const ep_principal *who;  /* the user, or NULL / anonymous */
	json_t *crumbs;           /* [{"label", "href"}] or NULL */
	int banner_class;         /* ep_class of the most sensitive content shown */
	bool banner_limite;
	const char *path;         /* the page's path, for the navigation */
} ep_view_frame;

/* Compiles the embedded templates (once; later calls return the first result). */
ep_status ep_view_init(ep_err *err);
/* Renders template tmpl with ctx (csrf and me are added to it) inside the layout. */
ep_status ep_view_render(const char *tmpl, json_t *ctx, const ep_view_frame *f, ep_buf *out, ep_err *err);
/* An error page: 404 says there is nothing here; others say msg. Never fails (falls back to
 * plain HTML). */
void ep_view_error(ep_buf *out, int status, const char *msg, const ep_principal *who, const char *uri);
/* The banner text of a classification and marking: "RESTREINT UE/EU RESTRICTED", "LIMITE",
 * "" for public content. */
const char *ep_view_banner(int cls, bool limite, char *buf, size_t n);

#endif
