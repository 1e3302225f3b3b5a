/*
 * The one route table of empact. The routes of each resource are derived from its
 * description (db_res.h): list with its filters, sort keys and search, get, create, update and
 * archive or delete, plus the nested lists, workflow transitions and action links a client
 * needs. Every route names the permission the policy check will require.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "db/db_res.h"
#include "http/http.h"
#include "http/router.h"
#include "core/banned.h"

#define MAX_ROUTES EP_MAX_ROUTES
#define POOL_BYTES 65536

static ep_route table[MAX_ROUTES];
static size_t nroutes;
static char pool[POOL_BYTES];
static size_t pool_used;
static const char *sort_values[32][64];
static size_t nsorts;

static const char *const class_values[] = {"unclassified", "restreint_ue", "confidentiel_ue", "secret_ue",
					   "tres_secret_ue", NULL};
static const char *const mark_values[] = {"none", "limite", NULL};

/* Formats a string into the table's pool, where it lives as long as the table. */
static const char *keep(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static const char *keep(const char *fmt, ...)
{
	char *p = pool + pool_used;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(p, POOL_BYTES - pool_used, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= POOL_BYTES - pool_used)
		return "";
	pool_used += (size_t)n + 1;
	return p;
}

static ep_route *add(unsigned method, const char *pattern, ep_handler h, const char *perm, const char *schema,
		     const char *summary)
{
	if (nroutes == MAX_ROUTES)
		return &table[MAX_ROUTES - 1];
	ep_route *r = &table[nroutes];
	memset(r, 0, sizeof *r);
	r->methods = method;
	r->pattern = pattern;
	r->handler = h;
	r->permission = perm;
	r->schema = schema;
	r->summary = summary;
	r->tag = (int)nroutes;
	nroutes++;
	return r;
}

static void list_params(ep_route *r, const ep_resdef *d)
{
	size_t n = 0;
	r->params[n++] = (ep_param_spec){"limit", EP_P_INT, 1, 500, NULL, "page size, 1-500 (default 50)"};
	r->params[n++] = (ep_param_spec){"cursor", EP_P_CURSOR, 0, 0, NULL, "the next_cursor of the previous page"};
	const char **sv = sort_values[nsorts < 32 ? nsorts++ : 31];
	size_t k = 0;
	sv[k++] = "id";
	sv[k++] = "-id";
	for (size_t i = 0; i < d->nfields && k < 62; i++) {
		if (!(d->fields[i].flags & EP_F_SORT))
			continue;
		sv[k++] = d->fields[i].name;
		sv[k++] = keep("-%s", d->fields[i].name);
	}
	sv[k] = NULL;
	r->params[n++] = (ep_param_spec){"sort", EP_P_ENUM, 0, 0, sv, "sort key; a leading - sorts descending"};
	if (d->fts)
		r->params[n++] = (ep_param_spec){"q", EP_P_TEXT, 0, 200, NULL, "words to search for, all required"};
	if (d->archive)
		r->params[n++] = (ep_param_spec){"archived", EP_P_BOOL, 0, 0, NULL, "true to include archived records"};
	for (size_t i = 0; i < d->nfields && n < EP_ROUTE_MAX_PARAMS; i++) {
		const ep_field *f = &d->fields[i];
		if (!(f->flags & EP_F_FILTER) || (r->bind && strcmp(r->bind, f->name) == 0))
			continue;
		ep_param_spec p = {f->name, EP_P_TEXT, 0, f->max ? f->max : 64, NULL, f->doc};
		switch (f->type) {
		case EP_F_INT:
		case EP_F_REF:
			p.kind = EP_P_INT;
			p.min = f->min;
			p.max = f->max;
			break;
		case EP_F_BOOL: p.kind = EP_P_BOOL; break;
		case EP_F_ENUM:
			p.kind = EP_P_ENUM;
			p.values = f->values;
			break;
		case EP_F_CLASS:
			p.kind = EP_P_ENUM;
			p.values = class_values;
			break;
		case EP_F_MARK:
			p.kind = EP_P_ENUM;
			p.values = mark_values;
			break;
		case EP_F_DATE: p.max = 10; break;
		default: break;
		}
		r->params[n++] = p;
	}
}

static const char *perm(const ep_resdef *d, const char *what)
{
	return keep("%s.%s", d->name, what);
}

static void resource_routes(const ep_resdef *d, size_t body_max)
{
	const char *coll = keep("/api/v1/%s", d->name);
	const char *item = keep("/api/v1/%s/{id}", d->name);
	/* Progress reports are asked for by their round and saved with their KPI actuals and
	 * practices; follow-up items are opened by reports and only resolved. Neither is deleted. */
	bool report = strcmp(d->name, "progress-reports") == 0, follow = strcmp(d->name, "follow-ups") == 0;
	ep_route *r = add(EP_GET, coll, ep_api_list, perm(d, "read"), d->name, keep("List %s", d->doc));
	list_params(r, d);
	if (!follow) {
		r = add(EP_POST, coll, report ? ep_api_report_create : ep_api_create, perm(d, "write"), d->name,
			report ? "Ask for a report the round did not create: {\"round_id\", \"action_id\"}"
			       : keep("Create a %s", d->singular));
		r->body_max = body_max;
	}
	add(EP_GET, item, report ? ep_api_report_get : ep_api_get, perm(d, "read"), d->name,
	    report ? "Read a progress report with its history, KPI actuals, practices and narrative as HTML"
		   : keep("Read a %s", d->singular));
	if (follow)
		return;
	r = add(EP_PATCH, item, report ? ep_api_report_update : ep_api_update, perm(d, "write"), d->name,
		report ? "Save a progress report (If-Match), with \"kpi_actuals\" and \"practices\""
		       : keep("Change a %s (If-Match: its version)", d->singular));
	r->body_max = body_max;
	if (report)
		return;
	add(EP_DELETE, item, ep_api_delete, perm(d, "write"), d->name,
	    keep("%s a %s (If-Match: its version)", d->archive ? "Archive" : "Delete", d->singular));
}

/* A roll-up: JSON, or one of its tables as CSV. */
static ep_route *rollup(const char *path, ep_handler h, const char *permission, const char *schema, const char *summary,
			bool by_round)
{
	static const char *const formats[] = {"json", "csv", NULL};
	ep_route *r = add(EP_GET, path, h, permission, schema, summary);
	size_t n = 0;
	r->params[n++] = (ep_param_spec){"format", EP_P_ENUM, 0, 0, formats, "json (default) or csv"};
	r->params[n++] = (ep_param_spec){"table", EP_P_TEXT, 0, 64, NULL, "with format=csv: the table to export"};
	if (by_round)
		r->params[n++] = (ep_param_spec){"round_id", EP_P_INT, 1, INT64_MAX, NULL,
						 "the reporting round (default: the latest one not planned)"};
	return r;
}

static void render(const char *path, ep_handler h, const char *permission, const char *schema, const char *summary,
		   bool by_round)
{
	static const char *const formats[] = {"pdf", "docx", "xlsx", "html", "txt", NULL};
	static const char *const releases[] = {"public", "limite", "restreint_ue", "confidentiel_ue", "secret_ue",
		"tres_secret_ue", NULL};
	ep_route *r = add(EP_GET, path, h, permission, schema, summary);
	size_t n = 0;
	r->params[n++] = (ep_param_spec){"format", EP_P_ENUM, 0, 0, formats, "pdf (default), docx, xlsx, html or txt"};
	r->params[n++] = (ep_param_spec){"release", EP_P_ENUM, 0, 0, releases,
					 "the release level (default public); at most the caller's clearance"};
	if (by_round)
		r->params[n++] = (ep_param_spec){"round_id", EP_P_INT, 1, INT64_MAX, NULL,
						 "the reporting round (default: the latest one not planned)"};
}

static void nested(const char *parent, const char *child, const char *bind, size_t body_max)
{
	const ep_resdef *d = ep_resdef_find(child);
	const char *path = keep("/api/v1/%s/{id}/%s", parent, child);
	ep_route *r = add(EP_GET, path, ep_api_list, perm(d, "read"), child,
			  keep("List the %s of one of the %s", child, parent));
	r->bind = bind;
	list_params(r, d);
	if (body_max) {
		r = add(EP_POST, path, ep_api_create, perm(d, "write"), child, keep("Create a %s in one of the %s", d->singular, parent));
		r->bind = bind;
		r->body_max = body_max;
	}
}

void ep_router_init_with(size_t body_max)
{
	nroutes = 0;
	pool_used = 0;
	nsorts = 0;
	add(EP_GET, "/healthz", ep_http_healthz, "public", NULL, "Liveness and database check");
	add(EP_GET, "/metrics", ep_http_metrics, "metrics.read", NULL, "Prometheus metrics");
	add(EP_GET, "/api/v1/openapi.json", ep_http_openapi, "public", NULL, "This API, described in OpenAPI 3.1");
	size_t n;
	const ep_resdef *defs = ep_resdefs(&n);
	for (size_t i = 0; i < n; i++)
		resource_routes(&defs[i], body_max);
	nested("cycles", "priorities", "cycle_id", body_max);
	nested("cycles", "shared-goals", "cycle_id", body_max);
	nested("cycles", "reporting-rounds", "cycle_id", 0);
	nested("cycles", "jads", "cycle_id", 0);
	nested("priorities", "goals", "priority_id", body_max);
	nested("priorities", "oaps", "priority_id", 0);
	nested("oaps", "sections", "oap_id", body_max);
	nested("oaps", "actions", "oap_id", body_max);
	nested("actions", "kpis", "action_id", 0);
	nested("reporting-rounds", "progress-reports", "round_id", 0);
	nested("actions", "progress-reports", "action_id", 0);
	nested("documents", "documents", "parent_id", 0);
	ep_route *r = add(EP_POST, "/api/v1/oaps/{id}/transitions", ep_api_transition, "oaps.transition", "oaps",
			  "Move an OAP through its workflow: {\"to\": STATE}");
	r->body_max = 1024;
	r = add(EP_POST, "/api/v1/actions/{id}/transitions", ep_api_transition, "actions.transition", "actions",
		"Move an operational action through its workflow: {\"to\": STATE}");
	r->body_max = 1024;
	struct {
		unsigned m;
		const char *path;
		ep_handler h;
		const char *summary;
	} links[] = {
		{EP_POST, "/api/v1/actions/{id}/leaders", ep_api_leader_add, "Add the Action Leader or a Co-Action Leader: {\"org_id\", \"role\"}"},
		{EP_PATCH, "/api/v1/actions/{id}/leaders/{org_id}", ep_api_leader_set, "Change a leader's role: {\"role\"}"},
		{EP_DELETE, "/api/v1/actions/{id}/leaders/{org_id}", ep_api_leader_remove, "Remove a leader"},
		{EP_POST, "/api/v1/actions/{id}/participants", ep_api_participant_add, "Add a participant: {\"org_id\", \"status\"}"},
		{EP_PATCH, "/api/v1/actions/{id}/participants/{org_id}", ep_api_participant_set, "Change a participation status: {\"status\"}"},
		{EP_DELETE, "/api/v1/actions/{id}/participants/{org_id}", ep_api_participant_remove, "Remove a participant"},
		{EP_POST, "/api/v1/actions/{id}/goals", ep_api_goal_link_add, "Link a strategic goal: {\"goal_id\"}"},
		{EP_DELETE, "/api/v1/actions/{id}/goals/{goal_id}", ep_api_goal_link_remove, "Unlink a strategic goal"},
		{EP_POST, "/api/v1/actions/{id}/cross-references", ep_api_xref_add, "Cross-reference another action: {\"action_id\", \"note\"}"},
		{EP_PATCH, "/api/v1/actions/{id}/cross-references/{action_id}", ep_api_xref_set, "Change a cross-reference's note: {\"note\"}"},
		{EP_DELETE, "/api/v1/actions/{id}/cross-references/{action_id}", ep_api_xref_remove, "Remove a cross-reference"},
	};
	for (size_t i = 0; i < sizeof links / sizeof links[0]; i++) {
		/* Confirming a participation is the NEC's; every other link is the Drivers'. */
		const char *lp = links[i].h == ep_api_participant_set ? "actions.participation" : "actions.links";
		r = add(links[i].m, links[i].path, links[i].h, lp, "actions", links[i].summary);
		if (links[i].m != EP_DELETE)
			r->body_max = 64 * 1024;
	}
	add(EP_GET, "/api/v1/actions/{id}/referenced-by", ep_api_referenced_by, "actions.read", "actions",
	    "The actions that cross-reference this one");

	/* Monitoring and reporting: workflows, KPI actuals, links and results, roll-ups. */
	static const struct {
		const char *res, *summary;
	} flows[] = {
		{"reporting-rounds", "Open, compile, close or reopen a round: {\"to\", \"reason\"}"},
		{"progress-reports", "Submit, return, consolidate, compile, discuss or transmit a report: {\"to\", \"comment\"}"},
		{"follow-ups", "Resolve a follow-up item: {\"to\": \"resolved\", \"resolution\"}"},
		{"jads", "Record a Joint Action Day as conducted, cancelled or with its results reported: {\"to\"}"},
		{"grants", "Award, reject, start or close a grant: {\"to\"}"},
		{"good-practices", "Share a practice with the Support Team or the NECs: {\"to\"}"},
		{"overlaps", "Decide or dismiss an overlap: {\"to\", \"decision\"}"},
	};
	for (size_t i = 0; i < sizeof flows / sizeof flows[0]; i++) {
		r = add(EP_POST, keep("/api/v1/%s/{id}/transitions", flows[i].res), ep_api_transition,
			keep("%s.transition", flows[i].res), flows[i].res, flows[i].summary);
		r->body_max = 16 * 1024;
	}
	r = add(EP_POST, "/api/v1/reporting-rounds/{id}/chase", ep_api_round_chase, "reporting-rounds.chase",
		"reporting-rounds",
		"Chase the missing reports of an open round: {\"message\"?}; asks for the reports it lacks and "
		"reminds the Action Leader of every report not yet submitted");
	r->body_max = 16 * 1024;
	add(EP_GET, "/api/v1/kpis/{id}/actuals", ep_api_kpi_actuals, "kpis.read", "kpis", "The actuals of a KPI by round");
	r = add(EP_PUT, "/api/v1/kpis/{id}/actuals/{round_id}", ep_api_kpi_actual_put, "kpis.write", "kpis",
		"Record the actual of an OAP or goal KPI in a round: {\"value\", \"note\"}");
	r->body_max = 8192;
	r = add(EP_PUT, "/api/v1/jads/{id}/links", ep_api_links_put, "jads.write", "jads",
		"Set a JAD's participants, actions and priorities (If-Match): {\"participants\", \"actions\", \"priorities\"}");
	r->body_max = 64 * 1024;
	r = add(EP_PUT, "/api/v1/jads/{id}/results", ep_api_jad_results_put, "jads.write", "jads",
		"Record a conducted JAD's results (If-Match): {\"results\": [{\"metric\", \"value\", \"unit\"}]}");
	r->body_max = 64 * 1024;
	r = add(EP_PUT, "/api/v1/grants/{id}/links", ep_api_links_put, "grants.write", "grants",
		"Set a grant's beneficiaries and actions (If-Match): {\"beneficiaries\", \"actions\"}");
	r->body_max = 64 * 1024;
	rollup("/api/v1/actions/{id}/progress-sheet", ep_api_rollup_sheet, "actions.read", "actions",
	       "The progress sheet of an action: its reports and KPI actuals by round", false);
	rollup("/api/v1/oaps/{id}/monitoring-report", ep_api_rollup_oap, "oaps.read", "oaps",
	       "The OAP monitoring report of a round: reports, action statuses, KPI achievement, resources, problems, practices",
	       true);
	rollup("/api/v1/oaps/{id}/participation-matrix", ep_api_rollup_matrix, "actions.read", "oaps",
	       "Organisation x action, with the participation status", false);
	rollup("/api/v1/reporting-rounds/{id}/overview", ep_api_rollup_overview, "reporting-rounds.read", "reporting-rounds",
	       "The cross-priority overview of a round, for the NEC meeting", false);
	rollup("/api/v1/reporting-rounds/{id}/missing-reports", ep_api_rollup_missing, "reporting-rounds.read",
	       "reporting-rounds", "The reports of a round not yet submitted, which are overdue, per Driver and per NEC", false);
	rollup("/api/v1/cycles/{id}/goal-achievement", ep_api_rollup_goals, "kpis.read", "cycles",
	       "KPI achievement against the strategic goals and shared goals of a cycle", true);
	rollup("/api/v1/cycles/{id}/funding", ep_api_rollup_funding, "grants.read", "cycles",
	       "Budgets, reported resources and grants of the actions of a cycle", false);
	rollup("/api/v1/cycles/{id}/jad-results", ep_api_rollup_jads, "jads.read", "cycles",
	       "The results of the Joint Action Days of a cycle, by metric", false);

	/* Council documents: renders at a release level, and partial declassification. */
	render("/api/v1/documents/{id}/render", ep_api_render_document, "documents.read", "documents",
	       "A Council document (an EXT version included) as a file at a release level", false);
	render("/api/v1/oaps/{id}/render", ep_api_render_oap, "oaps.read", "oaps",
	       "An OAP as a Council document (its document if it has one) with the annex of actions", false);
	render("/api/v1/cycles/{id}/render", ep_api_render_cycle, "cycles.read", "cycles",
	       "The strategic goals note of a cycle (its Council document if it has one)", false);
	render("/api/v1/oaps/{id}/monitoring-report/render", ep_api_render_oap_report, "oaps.read", "oaps",
	       "The OAP monitoring report of a round as a document", true);
	render("/api/v1/reporting-rounds/{id}/overview/render", ep_api_render_overview, "reporting-rounds.read",
	       "reporting-rounds", "The cross-priority overview of a round as a document", false);
	add(EP_GET, "/api/v1/documents/{id}/declassification", ep_api_declass_get, "documents.read", "documents",
	    "The declassification record of an EXT version: its state, proposer, signer and redaction map");
	r = add(EP_GET, "/api/v1/documents/{id}/declassification-subject", ep_api_declass_subject,
		"documents.declassify", "documents",
		"What a declassification proposal must decide: the passages of an original, the sections of its OAP or "
		"the priorities of its goals note, with their text; for a proposed EXT version also its map (ETag: its "
		"version). An issued EXT version is 409");
	r->flags = EP_ROUTE_SCOPED;
	r = add(EP_POST, "/api/v1/documents/{id}/declassifications", ep_api_declass_propose, "documents.declassify",
		"documents",
		"Propose the partial declassification of a document: {\"decisions\": [{\"passage\" | \"section\", "
		"\"decision\", \"reason\"}], \"suffix\"?}; creates its next EXT version, unissued");
	r->body_max = 256 * 1024;
	r = add(EP_PUT, "/api/v1/documents/{id}/redactions", ep_api_declass_redactions, "documents.declassify",
		"documents", "Replace the redaction map of a proposed EXT version (If-Match): {\"decisions\": [...]}");
	r->body_max = 256 * 1024;
	r = add(EP_POST, "/api/v1/documents/{id}/sign-off", ep_api_declass_sign_off, "documents.sign-off", "documents",
		"Sign off a proposed EXT version (If-Match; never one's own proposal): it is issued, public and frozen");
	r->body_max = 1024;

	/* Signing in and out, the caller's own account, and the audit trail. */
	r = add(EP_POST, "/api/v1/auth/login", ep_api_login, "public", NULL,
		"Sign in: {\"username\", \"password\", \"totp\"}; sets the session cookie");
	r->body_max = 8192;
	/* Signing in starts afresh: a session cookie the client still carries (live, expired or
	 * made up) is not looked at, and the new session always gets an id of the server's. */
	r->flags = EP_ROUTE_SELF_AUDIT | EP_ROUTE_NO_AUTH;
	r = add(EP_POST, "/api/v1/auth/logout", ep_api_logout, "session", NULL, "End this session");
	r->body_max = 1024;
	add(EP_GET, "/api/v1/auth/session", ep_api_session, "session", NULL,
	    "Who is signed in: account, roles, clearance and the CSRF token of the session");
	r = add(EP_POST, "/api/v1/auth/password", ep_api_password, "self", NULL,
		"Change your password: {\"current_password\", \"new_password\"}; ends every session");
	r->body_max = 8192;
	r = add(EP_POST, "/api/v1/auth/totp", ep_api_totp_begin, "session", NULL,
		"Start TOTP enrolment: a new secret, its otpauth URI and a QR code (SVG)");
	r->body_max = 1024;
	r = add(EP_POST, "/api/v1/auth/totp/confirm", ep_api_totp_confirm, "session", NULL,
		"Finish TOTP enrolment with a code of the new secret: {\"code\"}");
	r->body_max = 1024;
	add(EP_GET, "/api/v1/auth/tokens", ep_api_tokens_list, "self", NULL, "Your API tokens (never the tokens themselves)");
	r = add(EP_POST, "/api/v1/auth/tokens", ep_api_token_create, "self", NULL,
		"A new API token, shown once: {\"name\", \"expires_days\"}");
	r->body_max = 4096;
	add(EP_DELETE, "/api/v1/auth/tokens/{id}", ep_api_token_revoke, "self", NULL, "Revoke one of your API tokens");
	r = add(EP_GET, "/api/v1/audit", ep_api_audit_list, "audit.read", NULL,
		"The audit trail, newest first, filtered by object, actor, outcome and time");
	{
		static const char *const outcomes[] = {"ok", "denied", "failed", NULL};
		size_t np = 0;
		r->params[np++] = (ep_param_spec){"limit", EP_P_INT, 1, 500, NULL, "page size, 1-500 (default 50)"};
		r->params[np++] = (ep_param_spec){"before", EP_P_INT, 1, INT64_MAX, NULL, "the next_before of the previous page"};
		r->params[np++] = (ep_param_spec){"object_kind", EP_P_TEXT, 0, 64, NULL, "the kind of object (actions)"};
		r->params[np++] = (ep_param_spec){"object_id", EP_P_INT, 1, INT64_MAX, NULL, "the object's id"};
		r->params[np++] = (ep_param_spec){"actor", EP_P_TEXT, 0, 64, NULL, "the user name of the actor"};
		r->params[np++] = (ep_param_spec){"outcome", EP_P_ENUM, 0, 0, outcomes, "ok, denied or failed"};
		r->params[np++] = (ep_param_spec){"since", EP_P_TEXT, 0, 20, NULL, "from this time (YYYY-MM-DD or ...THH:MM:SSZ)"};
		r->params[np++] = (ep_param_spec){"until", EP_P_TEXT, 0, 20, NULL, "before this time"};
	}
	add(EP_GET, "/api/v1/users", ep_api_users_list, "users.read", NULL, "Accounts with their organisation, clearance and roles");
	add(EP_GET, "/api/v1/users/{id}", ep_api_user_get, "users.read", NULL, "One account");
	add(EP_GET, "/api/v1/roles", ep_api_roles_list, "users.read", NULL,
	    "The roles an account can hold: the scope each takes and the permissions it gives");

	/* Administrators manage accounts: every change is audited under the account it concerns. */
	r = add(EP_POST, "/api/v1/users", ep_api_user_create, "users.write", NULL,
		"Create an account: {\"username\", \"password\", \"org_id\", \"clearance\"?, \"display_name\"?, "
		"\"email\"?}; the holder changes the password and enrols a second factor");
	r->body_max = 8192;
	r->kind = "users";
	r = add(EP_PATCH, "/api/v1/users/{id}", ep_api_user_update, "users.write", NULL,
		"Change an account (If-Match): {\"display_name\", \"email\", \"org_id\", \"clearance\", \"disabled\"}; "
		"disabling ends its sessions and revokes its API tokens");
	r->body_max = 8192;
	r->kind = "users";
	r = add(EP_POST, "/api/v1/users/{id}/roles", ep_api_user_role_grant, "users.write", NULL,
		"Grant a role: {\"role\", \"scope\"?} with the scope as country:NL, priority:9, oap:1 or action:3");
	r->body_max = 4096;
	r->kind = "users";
	r = add(EP_DELETE, "/api/v1/users/{id}/roles/{id}", ep_api_user_role_withdraw, "users.write", NULL,
		"Withdraw a role of an account (never the last enabled administrator's)");
	r->kind = "users";
	r = add(EP_POST, "/api/v1/users/{id}/password", ep_api_user_password, "users.write", NULL,
		"Set a new password for an account: {\"new_password\"}; ends its sessions");
	r->body_max = 8192;
	r->kind = "users";
	r = add(EP_POST, "/api/v1/users/{id}/totp-reset", ep_api_user_totp_reset, "users.write", NULL,
		"Clear an account's second factor (a lost phone), If-Match: it enrols again at its next sign-in");
	r->body_max = 1024;
	r->kind = "users";
}

void ep_router_init(void)
{
	ep_router_init_with(1 << 20);
}

const ep_route *ep_routes(size_t *n)
{
	*n = nroutes;
	return table;
}
