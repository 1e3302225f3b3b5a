/*
 * The page table of the web UI: method, path pattern and handler of every page. Patterns are
 * matched segment by segment; {id} matches a positive whole number. Like the API's route
 * table it is the one list of what the UI serves: a path not here is a 404 page.
 */
#include "api/page.h"
#include "api/pages.h"

#include <string.h>

#include "core/num.h"
#include "core/banned.h"

#define GET(p, h) {EP_GET, p, h, false}
#define POST(p, h) {EP_POST, p, h, false}

static const ep_page_route routes[] = {
	{EP_GET, "/sign-in", ep_page_sign_in, true},
	{EP_POST, "/sign-in", ep_page_sign_in, true},
	POST("/sign-out", ep_page_sign_out),
	GET("/", ep_page_home),
	GET("/account", ep_page_account),
	GET("/account/password", ep_page_password),
	POST("/account/password", ep_page_password),
	GET("/account/totp", ep_page_totp),
	POST("/account/totp", ep_page_totp),
	GET("/cycles", ep_page_cycles),
	GET("/cycles/{id}", ep_page_cycle),
	GET("/priorities/{id}", ep_page_priority),
	GET("/oaps/{id}", ep_page_oap),
	GET("/oaps/{id}/participation", ep_page_oap_matrix),
	GET("/actions/{id}", ep_page_action),
	POST("/actions/{id}/participants/{id}", ep_page_participation_set),
	POST("/actions/{id}/participants", ep_page_link_add),
	POST("/actions/{id}/leaders", ep_page_link_add),
	POST("/actions/{id}/reports", ep_page_report_ask),
	GET("/progress-reports/{id}", ep_page_report),
	POST("/progress-reports/{id}", ep_page_report),
	GET("/reporting-rounds", ep_page_rounds),
	GET("/reporting-rounds/{id}", ep_page_round),
	POST("/reporting-rounds/{id}/chase", ep_page_round_chase),
	GET("/participation", ep_page_participation),
	GET("/cosi", ep_page_cosi),
	GET("/documents", ep_page_documents),
	GET("/documents/{id}", ep_page_document),
	GET("/documents/{id}/declassify", ep_page_declassify),
	POST("/documents/{id}/declassify", ep_page_declassify),
	GET("/registers", ep_page_registers),
	GET("/search", ep_page_search),
	GET("/audit", ep_page_audit),
	GET("/admin/users", ep_page_users),
	GET("/admin/users/new", ep_page_user_new),
	POST("/admin/users/new", ep_page_user_new),
	GET("/admin/users/{id}", ep_page_user),
	GET("/admin/users/{id}/edit", ep_page_user_edit),
	POST("/admin/users/{id}/edit", ep_page_user_edit),
	POST("/admin/users/{id}/roles", ep_page_user_step),
	POST("/admin/users/{id}/roles/{id}/withdraw", ep_page_user_step),
	POST("/admin/users/{id}/password", ep_page_user_step),
	POST("/admin/users/{id}/totp-reset", ep_page_user_step),
	/* Forms made from the resource descriptions: new, edit and workflow moves. */
	GET("/oaps/{id}/actions/new", ep_page_new),
	POST("/oaps/{id}/actions/new", ep_page_new),
	GET("/oaps/{id}/sections/new", ep_page_new),
	POST("/oaps/{id}/sections/new", ep_page_new),
	GET("/priorities/{id}/goals/new", ep_page_new),
	POST("/priorities/{id}/goals/new", ep_page_new),
	GET("/oaps/new", ep_page_new),
	POST("/oaps/new", ep_page_new),
	GET("/good-practices/new", ep_page_new),
	POST("/good-practices/new", ep_page_new),
	GET("/jads/new", ep_page_new),
	POST("/jads/new", ep_page_new),
	GET("/grants/new", ep_page_new),
	POST("/grants/new", ep_page_new),
	GET("/overlaps/new", ep_page_new),
	POST("/overlaps/new", ep_page_new),
	GET("/organisations/new", ep_page_new),
	POST("/organisations/new", ep_page_new),
	GET("/oaps/{id}/edit", ep_page_edit),
	POST("/oaps/{id}/edit", ep_page_edit),
	GET("/actions/{id}/edit", ep_page_edit),
	POST("/actions/{id}/edit", ep_page_edit),
	GET("/sections/{id}/edit", ep_page_edit),
	POST("/sections/{id}/edit", ep_page_edit),
	GET("/good-practices/{id}/edit", ep_page_edit),
	POST("/good-practices/{id}/edit", ep_page_edit),
	GET("/jads/{id}/edit", ep_page_edit),
	POST("/jads/{id}/edit", ep_page_edit),
	GET("/grants/{id}/edit", ep_page_edit),
	POST("/grants/{id}/edit", ep_page_edit),
	GET("/organisations/{id}/edit", ep_page_edit),
	POST("/organisations/{id}/edit", ep_page_edit),
	POST("/oaps/{id}/transitions", ep_page_transition),
	POST("/actions/{id}/transitions", ep_page_transition),
	POST("/progress-reports/{id}/transitions", ep_page_transition),
	POST("/reporting-rounds/{id}/transitions", ep_page_transition),
	POST("/jads/{id}/transitions", ep_page_transition),
	POST("/grants/{id}/transitions", ep_page_transition),
	POST("/good-practices/{id}/transitions", ep_page_transition),
	POST("/overlaps/{id}/transitions", ep_page_transition),
	POST("/follow-ups/{id}/transitions", ep_page_transition),
	/* Registers: lists and records made from the resource descriptions. */
	GET("/good-practices", ep_page_list),
	GET("/good-practices/{id}", ep_page_record),
	GET("/jads", ep_page_list),
	GET("/jads/{id}", ep_page_record),
	GET("/grants", ep_page_list),
	GET("/grants/{id}", ep_page_record),
	GET("/overlaps", ep_page_list),
	GET("/overlaps/{id}", ep_page_record),
	GET("/organisations", ep_page_list),
	GET("/organisations/{id}", ep_page_record),
	GET("/follow-ups", ep_page_list),
	GET("/follow-ups/{id}", ep_page_record),
	GET("/goals/{id}", ep_page_record),
	GET("/shared-goals/{id}", ep_page_record),
	GET("/sections/{id}", ep_page_record),
	GET("/kpis/{id}", ep_page_record),
};

/* Matches one pattern; ids gets the numbers of its {id} segments. */
static bool match(const char *pattern, const char *path, int64_t *ids, size_t *nids)
{
	size_t n = 0;
	const char *p = pattern, *s = path;
	while (*p && *s) {
		if (strncmp(p, "{id}", 4) == 0) {
			const char *e = s;
			while (*e >= '0' && *e <= '9')
				e++;
			char num[24];
			size_t len = (size_t)(e - s);
			if (len == 0 || len >= sizeof num || n >= EP_MAX_PATH_IDS)
				return false;
			memcpy(num, s, len);
			num[len] = '\0';
			if (ep_parse_i64z(num, 1, INT64_MAX, &ids[n]) != EP_OK)
				return false;
			n++;
			p += 4;
			s = e;
		} else if (*p == *s) {
			p++;
			s++;
		} else {
			return false;
		}
	}
	if (*p || *s)
		return false;
	*nids = n;
	return true;
}

bool ep_page_match(ep_method m, const char *path, const ep_page_route **route, int64_t *ids, size_t *nids,
		   unsigned *allow)
{
	*allow = 0;
	*route = NULL;
	int64_t tmp[EP_MAX_PATH_IDS];
	size_t nt;
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
		if (!match(routes[i].pattern, path, tmp, &nt))
			continue;
		*allow |= routes[i].method == EP_GET ? (EP_GET | EP_HEAD) : routes[i].method;
		if (routes[i].method == m && !*route) {
			*route = &routes[i];
			memcpy(ids, tmp, sizeof tmp);
			*nids = nt;
		}
	}
	return *route != NULL;
}
