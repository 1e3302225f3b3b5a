/*
 * The permission table of empact and the one policy check. Each row names a permission the
 * route table asks for, the roles that hold it on every object, and the roles that hold it only
 * on objects of their scope (a Driver on its priority, an Action Leader on its action, a
 * National EMPACT Coordinator on its country's participations). The table follows "Who may do
 * what" of the domain: Drivers and Co-Drivers edit their OAP and all its actions; an Action
 * Leader edits the operational fields of its own action; participants read their own action;
 * NECs read all OAPs and confirm their country's participation; the Support Team reads
 * everything, runs reporting rounds and compiles reports; COSI members read everything and
 * record approvals and adoptions; the Council secretariat issues documents. Reading also needs
 * clearance and need to know, which the storage layer applies in SQL (db_res_defs.c).
 */
#include "access/access.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/str.h"
#include "core/banned.h"

static const struct {
	const char *token, *title;
} roles[EP_ROLE_COUNT] = {
	[EP_ROLE_ADMIN] = {"admin", "Administrator"},
	[EP_ROLE_COSI] = {"cosi_member", "COSI member"},
	[EP_ROLE_GSC] = {"council_secretariat", "Council secretariat (GSC)"},
	[EP_ROLE_COMMISSION] = {"commission", "Commission"},
	[EP_ROLE_EST] = {"est", "EMPACT Support Team"},
	[EP_ROLE_NEC] = {"nec", "National EMPACT Coordinator"},
	[EP_ROLE_DRIVER] = {"driver", "Driver"},
	[EP_ROLE_CO_DRIVER] = {"co_driver", "Co-Driver"},
	[EP_ROLE_ACTION_LEADER] = {"action_leader", "Action Leader"},
	[EP_ROLE_CO_ACTION_LEADER] = {"co_action_leader", "Co-Action Leader"},
	[EP_ROLE_PARTICIPANT] = {"participant", "Participant"},
	[EP_ROLE_OBSERVER] = {"observer", "Observer"},
	[EP_ROLE_PUBLIC] = {"public", "Public"},
};

const char *ep_role_token(ep_role r)
{
	return (unsigned)r < EP_ROLE_COUNT ? roles[r].token : "";
}

const char *ep_role_title(ep_role r)
{
	return (unsigned)r < EP_ROLE_COUNT ? roles[r].title : "";
}

int ep_role_parse(const char *token)
{
	for (int i = 0; token && i < EP_ROLE_COUNT; i++)
		if (strcmp(roles[i].token, token) == 0)
			return i;
	return -1;
}

#define B(r) EP_ROLE_BIT(EP_ROLE_##r)
#define ADMIN B(ADMIN)
#define COSI B(COSI)
#define GSC B(GSC)
#define COM B(COMMISSION)
#define EST B(EST)
#define NEC B(NEC)
#define DRIVERS (B(DRIVER) | B(CO_DRIVER))
#define LEADERS (B(ACTION_LEADER) | B(CO_ACTION_LEADER))
#define PART B(PARTICIPANT)
#define OBS B(OBSERVER)
#define PUB B(PUBLIC)
/* Roles whose need to know covers every OAP and action. */
#define READERS (ADMIN | COSI | GSC | COM | EST | NEC | OBS)
#define SCOPED (DRIVERS | LEADERS | PART)
#define MEMBERS (READERS | SCOPED)
#define EVERYONE (MEMBERS | PUB)

/* The fields of an operational action its Action Leaders may change: how the action is run,
 * not what the OAP commits to (number, title, classification) nor its workflow state. */
const char *const ep_operational_fields[] = {"description", "what", "when", "where", "who", "how",
					     "documentation_ref", "start_date", "end_date", NULL};

#define READ(res, who, doc) {res ".read", who, 0, 0, NULL, doc}

static const ep_perm perms[] = {
	{"metrics.read", ADMIN, 0, 0, NULL, "Read the server's Prometheus metrics."},
	{"audit.read", ADMIN | OBS, 0, 0, NULL, "Read the audit trail."},
	{"users.read", ADMIN, 0, 0, NULL, "List accounts and their roles."},
	{"users.write", ADMIN, 0, 0, NULL, "Create accounts, grant and withdraw roles, disable accounts."},
	READ("organisations", EVERYONE, "Read the directory of organisations."),
	{"organisations.write", ADMIN, 0, 0, NULL, "Add and change organisations."},
	READ("cycles", EVERYONE, "Read policy cycles."),
	{"cycles.write", ADMIN | GSC, 0, 0, NULL, "Record the cycles the Council sets."},
	READ("priorities", EVERYONE, "Read the crime priorities."),
	{"priorities.write", ADMIN | GSC | COSI, 0, 0, NULL, "Record priorities, their Drivers and tasked agencies."},
	READ("goals", MEMBERS, "Read strategic goals (they come from a LIMITE document)."),
	{"goals.write", ADMIN | COSI | GSC, DRIVERS, 0, NULL, "Draft and change the strategic goals of a priority."},
	READ("shared-goals", MEMBERS, "Read shared and horizontal goals."),
	{"shared-goals.write", ADMIN | COSI | GSC, 0, 0, NULL, "Record shared and horizontal goals."},
	READ("oaps", MEMBERS, "Read OAPs within clearance and need to know."),
	{"oaps.write", ADMIN, DRIVERS, 0, NULL, "Draft and change the OAPs of a priority (until adoption)."},
	READ("sections", MEMBERS, "Read the sections of an OAP, each at its own classification."),
	{"sections.write", ADMIN, DRIVERS, 0, NULL, "Write the sections of an OAP."},
	READ("actions", MEMBERS, "Read operational actions within clearance and need to know."),
	{"actions.write", ADMIN, DRIVERS | LEADERS, LEADERS, ep_operational_fields,
	 "Create and change operational actions; Action Leaders change only the operational fields of their own."},
	{"actions.links", ADMIN, DRIVERS, 0, NULL,
	 "Set an action's leaders, strategic goals and cross-references, and invite or remove participants."},
	{"actions.participation", ADMIN, NEC, 0, NULL,
	 "Confirm, decline or withdraw a participation, or add a participant other than as invited: the NEC of the "
	 "organisation's country."},
	READ("kpis", MEMBERS, "Read KPIs of what the caller may read."),
	{"kpis.write", ADMIN | EST, DRIVERS, 0, NULL,
	 "Define KPIs and targets (Action Leaders report against them; they do not set them), and record the "
	 "actuals of OAP and goal KPIs."},
	READ("reporting-rounds", MEMBERS, "Read reporting rounds, their overview and the reports missing."),
	{"reporting-rounds.write", ADMIN | EST, 0, 0, NULL, "Plan reporting rounds and change their window."},
	{"reporting-rounds.transition", ADMIN | EST, 0, 0, NULL,
	 "Open, compile, close and reopen reporting rounds; each target state has its own row below."},
	{"reporting-rounds.transition.open", ADMIN | EST, 0, 0, NULL,
	 "Open a round (every action in implementation then owes a report), or reopen it with a reason."},
	{"reporting-rounds.transition.compiled", ADMIN | EST, 0, 0, NULL, "Compile the consolidated reports of a round."},
	{"reporting-rounds.transition.closed", ADMIN | EST, 0, 0, NULL, "Close and lock a compiled round."},
	{"reporting-rounds.chase", ADMIN | EST, 0, 0, NULL,
	 "Chase the missing reports of an open round: ask for the reports it lacks and remind the Action Leader of "
	 "every report not yet submitted, with a message."},
	READ("progress-reports", MEMBERS, "Read progress reports of actions the caller may read."),
	{"progress-reports.write", ADMIN, LEADERS, 0, NULL,
	 "Write the progress report of one's own action while it is a draft, and ask for a missing one."},
	{"progress-reports.transition", ADMIN | EST | GSC, DRIVERS | LEADERS, 0, NULL,
	 "Move a progress report through its workflow; each target state has its own row below."},
	{"progress-reports.transition.submitted", ADMIN, LEADERS, 0, NULL, "Submit the report of one's own action."},
	{"progress-reports.transition.returned", ADMIN, DRIVERS, 0, NULL, "Return a submitted report with a comment."},
	{"progress-reports.transition.consolidated", ADMIN, DRIVERS, 0, NULL, "Consolidate a submitted report."},
	{"progress-reports.transition.compiled", ADMIN | EST, 0, 0, NULL, "Compile a consolidated report."},
	{"progress-reports.transition.discussed_at_nec", ADMIN | EST, 0, 0, NULL,
	 "Record that the NEC meeting discussed a compiled report."},
	{"progress-reports.transition.transmitted_to_cosi", ADMIN | EST | GSC, 0, 0, NULL,
	 "Record the transmission of a report to COSI."},
	READ("follow-ups", MEMBERS, "Read the follow-up items of actions the caller may read."),
	{"follow-ups.transition", ADMIN | EST, DRIVERS, 0, NULL, "Resolve a follow-up item (a status left unclear)."},
	{"follow-ups.transition.resolved", ADMIN | EST, DRIVERS, 0, NULL, "Resolve a follow-up item with a resolution."},
	READ("jads", MEMBERS, "Read Joint Action Days linked to what the caller may read, and their results."),
	{"jads.write", ADMIN | EST, 0, 0, NULL, "Record Joint Action Days, their participants, links and results."},
	{"jads.transition", ADMIN | EST, 0, 0, NULL, "Record that a JAD was conducted, cancelled or has its results."},
	READ("grants", MEMBERS, "Read grants funding actions the caller may read, and the funding report."),
	{"grants.write", ADMIN | EST | COM, 0, 0, NULL, "Record grants, their beneficiaries and the actions they fund."},
	{"grants.transition", ADMIN | EST | COM, 0, 0, NULL, "Award, reject, start and close grants."},
	READ("good-practices", MEMBERS, "Read good and bad practices."),
	{"good-practices.write", ADMIN | EST, DRIVERS | LEADERS, 0, NULL, "Record good and bad practices."},
	{"good-practices.transition", ADMIN | EST, DRIVERS, 0, NULL,
	 "Share practices; each target state has its own row below."},
	{"good-practices.transition.shared_with_est", ADMIN | EST, DRIVERS, 0, NULL,
	 "Share a practice of one's priority with the Support Team."},
	{"good-practices.transition.shared_with_necs", ADMIN | EST, 0, 0, NULL, "Share a practice with the NECs."},
	READ("overlaps", MEMBERS, "Read overlaps between actions."),
	{"overlaps.write", ADMIN | EST, DRIVERS, 0, NULL, "Record overlaps and coordination decisions."},
	{"overlaps.transition", ADMIN | EST, DRIVERS, 0, NULL, "Decide or dismiss an overlap, with the decision."},
	READ("documents", EVERYONE, "Read Council documents within clearance and marking (the public: public ones)."),
	{"documents.write", ADMIN | GSC, 0, 0, NULL, "Issue and change Council documents."},
	{"documents.declassify", ADMIN | GSC, DRIVERS, 0, NULL,
	 "Propose the partial declassification of a document, passage by passage: the Council secretariat, or the "
	 "Drivers of the OAP it carries (the originating organisation)."},
	{"documents.sign-off", ADMIN | GSC, 0, 0, NULL,
	 "Sign off a proposed declassification, never one's own, which issues the EXT version."},
	{"oaps.transition", ADMIN | COSI | EST, DRIVERS, 0, NULL,
	 "Move an OAP through its workflow; each target state has its own row below."},
	{"oaps.transition.agreed_at_nec", ADMIN | EST, DRIVERS, 0, NULL, "Record that the NECs agreed the draft."},
	{"oaps.transition.submitted_to_cosi", ADMIN | EST, DRIVERS, 0, NULL, "Submit the OAP to COSI."},
	{"oaps.transition.drafting", ADMIN | COSI | EST, DRIVERS, 0, NULL, "Send the OAP back to drafting."},
	{"oaps.transition.adopted", ADMIN | COSI, 0, 0, NULL, "Record COSI's adoption."},
	{"oaps.transition.in_implementation", ADMIN | EST, DRIVERS, 0, NULL, "Start implementation."},
	{"oaps.transition.final_report", ADMIN | EST, DRIVERS, 0, NULL, "Move to the final report."},
	{"oaps.transition.closed", ADMIN | EST | COSI, 0, 0, NULL, "Close the OAP."},
	{"actions.transition", ADMIN, DRIVERS | LEADERS, 0, NULL,
	 "Move an action through its workflow; each target state has its own row below."},
	{"actions.transition.planned", ADMIN, DRIVERS, 0, NULL, "Plan a proposed action."},
	{"actions.transition.ongoing", ADMIN, DRIVERS | LEADERS, 0, NULL, "Start an action."},
	{"actions.transition.completed", ADMIN, DRIVERS | LEADERS, 0, NULL, "Record an action as completed."},
	{"actions.transition.not_completed", ADMIN, DRIVERS | LEADERS, 0, NULL, "Record an action as not completed."},
	{"actions.transition.cancelled", ADMIN, DRIVERS, 0, NULL, "Cancel an action."},
	{"actions.transition.continued", ADMIN, DRIVERS, 0, NULL,
	 "Carry an action into the next OAP of its priority (a new action, linked to this one)."},
};

const ep_perm *ep_perms(size_t *n)
{
	*n = sizeof perms / sizeof perms[0];
	return perms;
}

const ep_perm *ep_perm_find(const char *name)
{
	for (size_t i = 0; name && i < sizeof perms / sizeof perms[0]; i++)
		if (strcmp(perms[i].name, name) == 0)
			return &perms[i];
	return NULL;
}

/* ---- principals ---- */

static void set_grant(ep_grant *g, ep_role role, const char *kind, int64_t id, const char *country)
{
	memset(g, 0, sizeof *g);
	g->role = role;
	snprintf(g->scope_kind, sizeof g->scope_kind, "%s", kind);
	g->scope_id = id;
	if (country)
		snprintf(g->country, sizeof g->country, "%s", country);
}

void ep_principal_anonymous(ep_principal *p)
{
	memset(p, 0, sizeof *p);
	p->auth = EP_AUTH_NONE;
	snprintf(p->user.username, sizeof p->user.username, "anonymous");
	set_grant(&p->grants[0], EP_ROLE_PUBLIC, "global", 0, NULL);
	p->ngrants = 1;
	ep_principal_derive(p, EP_CLASS_UNCLASSIFIED, NULL);
}

const char *ep_principal_name(const ep_principal *p)
{
	return p->user.id ? p->user.username : "anonymous";
}

/* Writes the scope ids of the grants of kind as a JSON array ("[3,7]") into out, which holds
 * EP_ROLES_MAX ids of 20 characters. Cheap: it runs for every request. */
static const char *scope_ids(const ep_principal *p, const char *kind, char *out)
{
	size_t o = 0;
	out[o++] = '[';
	for (size_t i = 0; i < p->ngrants; i++) {
		if (strcmp(p->grants[i].scope_kind, kind) != 0 || p->grants[i].scope_id <= 0)
			continue;
		if (o > 1)
			out[o++] = ',';
		char digits[20];
		size_t n = 0;
		for (uint64_t v = (uint64_t)p->grants[i].scope_id; v; v /= 10)
			digits[n++] = (char)('0' + v % 10);
		while (n)
			out[o++] = digits[--n];
	}
	out[o++] = ']';
	out[o] = '\0';
	return out;
}

void ep_principal_copy(ep_principal *dst, const ep_principal *src)
{
	memcpy(dst, src, sizeof *dst);
	dst->vis.priorities = dst->scope_lists[0];
	dst->vis.oaps = dst->scope_lists[1];
	dst->vis.actions = dst->scope_lists[2];
}

static bool org_may_read_limite(const char *kind)
{
	/* LIMITE: not for the public and not for third parties outside the EU's own authorities. */
	return strcmp(kind, "third_country") != 0 && strcmp(kind, "private_partner") != 0 && strcmp(kind, "ngo") != 0;
}

void ep_principal_derive(ep_principal *p, ep_class max_class, ep_arena *arena)
{
	(void)arena;
	ep_vis *v = &p->vis;
	memset(v, 0, sizeof *v);
	unsigned held = 0;
	for (size_t i = 0; i < p->ngrants; i++)
		held |= EP_ROLE_BIT(p->grants[i].role);
	p->max_class = (int)max_class;
	v->member = (held & ~PUB) != 0;
	v->all = (held & READERS) != 0;
	v->clearance = p->user.clearance < (int)max_class ? p->user.clearance : (int)max_class;
	if (!v->member)
		v->clearance = EP_CLASS_UNCLASSIFIED;
	v->limite = v->member && org_may_read_limite(p->user.org_kind);
	v->priorities = scope_ids(p, "priority", p->scope_lists[0]);
	v->oaps = scope_ids(p, "oap", p->scope_lists[1]);
	v->actions = scope_ids(p, "action", p->scope_lists[2]);
	/* The digest covers the roles too (and the countries of NECs), so that a cached answer is
	 * only ever reused for a caller the policy check would treat the same way. */
	crypto_generichash_state h;
	crypto_generichash_init(&h, NULL, 0, 16);
	int head[5] = {v->clearance, v->limite, v->all, v->member, (int)held};
	crypto_generichash_update(&h, (const unsigned char *)head, sizeof head);
	for (int i = 0; i < 3; i++)
		crypto_generichash_update(&h, (const unsigned char *)p->scope_lists[i], strlen(p->scope_lists[i]) + 1);
	for (size_t i = 0; i < p->ngrants; i++)
		if (p->grants[i].country[0])
			crypto_generichash_update(&h, (const unsigned char *)p->grants[i].country, 3);
	unsigned char d[16];
	crypto_generichash_final(&h, d, sizeof d);
	sodium_bin2hex(p->vis_key, sizeof p->vis_key, d, sizeof d);
}

ep_status ep_principal_load(ep_db *db, int64_t user_id, ep_class max_class, ep_arena *arena, ep_principal *p,
			    ep_err *err)
{
	memset(p, 0, sizeof *p);
	ep_status s = ep_db_user_by_id(db, user_id, &p->user, err);
	if (s != EP_OK)
		return s;
	ep_user_role r[EP_ROLES_MAX];
	size_t n = 0;
	if ((s = ep_db_user_roles(db, user_id, r, EP_ROLES_MAX, &n, err)) != EP_OK)
		return s;
	for (size_t i = 0; i < n; i++) {
		int role = ep_role_parse(r[i].role);
		if (role < 0)
			continue;
		set_grant(&p->grants[p->ngrants++], (ep_role)role, r[i].scope_kind, r[i].scope_id, r[i].scope_country);
	}
	ep_principal_derive(p, max_class, arena);
	return EP_OK;
}

/* ---- the check ---- */

static bool grant_covers(const ep_grant *g, const ep_target *t)
{
	if (strcmp(g->scope_kind, "global") == 0)
		return true;
	if (strcmp(g->scope_kind, "country") == 0)
		return t->country && strcmp(t->country, g->country) == 0;
	if (!t->has_scope || g->scope_id == 0)
		return false;
	if (strcmp(g->scope_kind, "priority") == 0)
		return t->scope.priority_id == g->scope_id;
	if (strcmp(g->scope_kind, "oap") == 0)
		return t->scope.oap_id == g->scope_id;
	if (strcmp(g->scope_kind, "action") == 0)
		return t->scope.action_id == g->scope_id;
	return false;
}

static bool field_allowed(const char *const *fields, const char *name)
{
	for (const char *const *f = fields; f && *f; f++)
		if (strcmp(*f, name) == 0)
			return true;
	return false;
}

ep_status ep_access_check(const ep_principal *p, const char *permission, const ep_target *t, ep_err *err)
{
	static const char ENROL[] = "this account must enrol a TOTP second factor before anything else: POST /api/v1/auth/totp";
	if (strcmp(permission, "public") == 0)
		return EP_OK;
	if (strcmp(permission, "session") == 0)
		return p->user.id ? EP_OK : ep_err_set(err, EP_E_DENIED, NULL, "sign in first");
	if (strcmp(permission, "self") == 0) {
		if (!p->user.id)
			return ep_err_set(err, EP_E_DENIED, NULL, "sign in first");
		return p->enrol_only ? ep_err_set(err, EP_E_DENIED, NULL, "%s", ENROL) : EP_OK;
	}
	const ep_perm *perm = ep_perm_find(permission);
	if (!perm)
		return ep_err_set(err, EP_E_DENIED, NULL, "no one may do this (%.64s)", permission);
	if (p->enrol_only)
		return ep_err_set(err, EP_E_DENIED, NULL, "%s", ENROL);
	/* A write may not carry a classification above what the caller may read. Above the
	 * accredited level it is invalid for everyone, which the service rules say (422). */
	json_t *cls = t->body ? json_object_get(t->body, "classification") : NULL;
	ep_class c;
	if (t->writes && json_is_string(cls) && ep_class_parse(json_string_value(cls), &c) == EP_OK &&
	    (int)c > p->user.clearance && (int)c <= p->max_class)
		return ep_err_set(err, EP_E_DENIED, "classification",
				  "you may not mark a record %s: it is above your clearance (%s)", json_string_value(cls),
				  ep_class_token((ep_class)p->user.clearance));
	bool full = false, limited = false, scoped_elsewhere = false;
	for (size_t i = 0; i < p->ngrants; i++) {
		unsigned bit = EP_ROLE_BIT(p->grants[i].role);
		if (perm->anywhere & bit) {
			full = true;
			break;
		}
		if (!(perm->in_scope & bit))
			continue;
		/* Reads are filtered in SQL by need to know: holding the role is enough here, unless
		 * the read prepares a write (t->scoped). */
		if ((!t->writes && !t->scoped) || grant_covers(&p->grants[i], t)) {
			if (t->writes && (perm->limited & bit))
				limited = true;
			else
				full = true;
		} else {
			scoped_elsewhere = true;
		}
	}
	if (full)
		return EP_OK;
	if (limited) {
		if (!t->body)
			return ep_err_set(err, EP_E_DENIED, NULL, "your role may change only some fields of this record, not remove it");
		const char *k;
		json_t *v;
		json_object_foreach(t->body, k, v)
		{
			if (!field_allowed(perm->fields, k))
				return ep_err_set(err, EP_E_DENIED, k, "your role may not change %.64s here", k);
		}
		return EP_OK;
	}
	if (scoped_elsewhere)
		return ep_err_set(err, EP_E_DENIED, NULL, "your roles do not cover this record (%.64s)", permission);
	return ep_err_set(err, EP_E_DENIED, NULL, "none of your roles may do this (%.64s)", permission);
}

/* ---- docs/access.md ---- */

static void role_list(ep_buf *b, unsigned bits)
{
	size_t n = 0;
	for (int r = 0; r < EP_ROLE_COUNT; r++)
		if (bits & EP_ROLE_BIT(r))
			ep_buf_printf(b, "%s%s", n++ ? ", " : "", roles[r].title);
	if (!n)
		ep_buf_puts(b, "-");
}

char *ep_access_doc_markdown(void)
{
	ep_buf b;
	ep_buf_init(&b, 1 << 20);
	ep_buf_puts(&b,
		    "# Who may do what in empact\n\n"
		    "This page is generated from the permission table in `src/access/policy.c` by\n"
		    "`make docs/access.md`; a test fails when it is out of date. Do not edit it by hand.\n\n"
		    "## How a request is decided\n\n"
		    "1. **Who is calling.** A session cookie (`__Host-empact`, set by `POST /api/v1/auth/login`)\n"
		    "   or an API token (`Authorization: Bearer ept_...`, from `empact user token`). A request\n"
		    "   with neither is the public. A bad, expired or revoked credential is 401.\n"
		    "2. **The one policy check.** Every route of the route table names a permission. The\n"
		    "   router checks it before any handler runs: the caller's roles must hold it, either on\n"
		    "   every object or on objects of their scope (below). A write with a cookie session also\n"
		    "   needs the session's CSRF token in `X-CSRF-Token` and, when the browser sends one, an\n"
		    "   `Origin` of this server.\n"
		    "3. **Need to know, in SQL.** Reads, lists, searches and nested lists add the caller's\n"
		    "   visibility to their SQL: clearance at or above the record's classification; `LIMITE`\n"
		    "   never for the public, third countries, private partners or NGOs; and need to know:\n"
		    "   the Administrator, COSI members, the Council secretariat, the Commission, the EMPACT\n"
		    "   Support Team, NECs and observers see every OAP and action; Drivers and Co-Drivers the\n"
		    "   OAPs and actions of their priority; Action Leaders, Co-Action Leaders and participants\n"
		    "   their own action, and the OAP it belongs to with its sections. Each section and action\n"
		    "   needs clearance for its own classification, not the OAP's: an OAP classified\n"
		    "   RESTREINT UE may have unclassified sections and actions. What hangs off an action\n"
		    "   (KPIs, good practices, overlaps, grants, Joint Action Days) is visible with the action.\n"
		    "   What a caller may not read answers 404, exactly as if it did not exist.\n"
		    "4. **Writes** are also refused when they would mark a record above the caller's\n"
		    "   clearance, and (as every write) above the installation's accredited level\n"
		    "   (`max_classification`).\n"
		    "5. **Audit.** Every change, every denial, every sign-in attempt and every read of\n"
		    "   classified or `LIMITE` content is written to the hash-chained audit trail.\n\n"
		    "## Roles and their scope\n\n"
		    "| role | token | scope |\n|---|---|---|\n");
	static const char *const scopes[EP_ROLE_COUNT] = {
		[EP_ROLE_ADMIN] = "global",        [EP_ROLE_COSI] = "global",
		[EP_ROLE_GSC] = "global",          [EP_ROLE_COMMISSION] = "global",
		[EP_ROLE_EST] = "global",          [EP_ROLE_NEC] = "a country (`country:NL`)",
		[EP_ROLE_DRIVER] = "a priority or an OAP (`priority:ID`, `oap:ID`)",
		[EP_ROLE_CO_DRIVER] = "a priority or an OAP (`priority:ID`, `oap:ID`)",
		[EP_ROLE_ACTION_LEADER] = "an action (`action:ID`)",
		[EP_ROLE_CO_ACTION_LEADER] = "an action (`action:ID`)",
		[EP_ROLE_PARTICIPANT] = "an action (`action:ID`)",
		[EP_ROLE_OBSERVER] = "global, read only", [EP_ROLE_PUBLIC] = "global, public content only",
	};
	for (int r = 0; r < EP_ROLE_COUNT; r++)
		ep_buf_printf(&b, "| %s | `%s` | %s |\n", roles[r].title, roles[r].token, scopes[r]);
	ep_buf_puts(&b, "\n## Permissions\n\n"
			"Three permissions are held without a row: `public` (anyone, signed in or not),\n"
			"`session` (any signed-in caller, also one who still owes TOTP enrolment) and `self`\n"
			"(a signed-in caller who has completed sign-in: its own password and API tokens).\n\n"
			"| permission | on every object | on objects of their scope | what it allows |\n|---|---|---|---|\n");
	for (size_t i = 0; i < sizeof perms / sizeof perms[0]; i++) {
		const ep_perm *p = &perms[i];
		ep_buf_printf(&b, "| `%s` | ", p->name);
		role_list(&b, p->anywhere);
		ep_buf_puts(&b, " | ");
		role_list(&b, p->in_scope);
		ep_buf_printf(&b, " | %s", p->doc);
		if (p->limited) {
			ep_buf_puts(&b, " (");
			role_list(&b, p->limited);
			ep_buf_puts(&b, ": only");
			for (const char *const *f = p->fields; *f; f++)
				ep_buf_printf(&b, " `%s`", *f);
			ep_buf_puts(&b, ")");
		}
		ep_buf_puts(&b, " |\n");
	}
	char *out = ep_buf_detach(&b, NULL);
	return out;
}
