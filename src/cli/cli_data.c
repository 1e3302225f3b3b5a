/*
 * The database and dataset commands: init, migrate, load, export and check-config. init --demo
 * also makes the demo: illustrative operational actions in the seed OAP (whose real actions were
 * never declassified) and one account per role, all with the same published password.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "access/password.h"
#include "access/totp.h"
#include "audit/audit.h"
#include "cli/cli.h"
#include "core/embed.h"
#include "db/db_user.h"
#include "svc/svc_action.h"
#include "svc/svc_dataset.h"
#include "svc/svc_res.h"
#include "core/banned.h"

/* The demo data, loaded in this order by `init --demo`. */
static const char *const demo_files[] = {
	"data/organisations.json",
	"data/cycle-2011-2013.json",
	"data/oap-2018-illegal-immigration.json",
};

static void print_stats(const char *what, const ep_load_stats *s)
{
	printf("%s: %zu organisations, %zu cycles, %zu priorities, %zu strategic goals, %zu shared goals, "
	       "%zu OAPs, %zu sections, %zu actions, %zu documents\n",
	       what, s->organisations, s->cycles, s->priorities, s->goals, s->shared_goals, s->oaps, s->sections,
	       s->actions, s->documents);
}

/* ---- the demo actions and accounts ---- */

/* Published in the README and printed by init --demo: a demo database is never for real data. */
#define DEMO_PASSWORD "demo-empact-2026"
#define DEMO_CYCLE "2018-2021"
#define DEMO_PRIORITY "3"
#define DEMO_OAP_YEAR 2018

#define DEMO_DESCRIPTION                                                                                   \
	"Illustrative demo data created by `empact init --demo`, not a real operational action: the "     \
	"annex of this OAP that lists its operational actions was not declassified, so empact holds none " \
	"of them. This action only shows how actions, their leaders and their participants work."

typedef struct demo_org_status {
	const char *org, *status;
} demo_org_status;

typedef struct demo_action {
	const char *number;
	int position;
	const char *title, *classification, *marking;
	const char *leader, *co_leader; /* co_leader may be NULL */
	demo_org_status participants[4]; /* up to the first NULL org */
} demo_action;

static const demo_action demo_actions[] = {
	{"1.1", 1, "Demo action: joint investigation of a smuggling network on the Central Mediterranean route",
	 "unclassified", "none", "DE", "FRONTEX", {{"AT", "confirmed"}, {"NL", "invited"}, {"IT", "confirmed"}}},
	{"1.2", 2, "Demo action: exchange of intelligence on document fraud used by facilitation networks",
	 "restreint_ue", "none", "FR", NULL, {{"NL", "invited"}, {"ES", "invited"}}},
	{"2.1", 3, "Demo action: cooperation with a third country on online advertising of smuggling services",
	 "unclassified", "limite", "NL", NULL, {{"US", "invited"}}},
};
#define NDEMO_ACTIONS (sizeof demo_actions / sizeof demo_actions[0])

typedef enum demo_scope { DS_GLOBAL, DS_COUNTRY_NL, DS_PRIORITY, DS_ACTION } demo_scope;

typedef struct demo_account {
	const char *user, *role;
	demo_scope scope;
	const char *org; /* NULL: none */
	ep_class clearance;
} demo_account;

static const demo_account demo_accounts[] = {
	{"admin", "admin", DS_GLOBAL, "COUNCIL_GSC", EP_CLASS_RESTREINT},
	{"cosi", "cosi_member", DS_GLOBAL, "COSI", EP_CLASS_RESTREINT},
	{"gsc", "council_secretariat", DS_GLOBAL, "COUNCIL_GSC", EP_CLASS_RESTREINT},
	{"commission", "commission", DS_GLOBAL, "COMMISSION", EP_CLASS_RESTREINT},
	{"est", "est", DS_GLOBAL, "EUROPOL", EP_CLASS_RESTREINT},
	{"nec-nl", "nec", DS_COUNTRY_NL, "NL", EP_CLASS_RESTREINT},
	{"driver", "driver", DS_PRIORITY, "FR", EP_CLASS_RESTREINT},
	{"co-driver", "co_driver", DS_PRIORITY, "ES", EP_CLASS_RESTREINT},
	{"action-leader", "action_leader", DS_ACTION, "DE", EP_CLASS_RESTREINT},
	{"co-action-leader", "co_action_leader", DS_ACTION, "FRONTEX", EP_CLASS_UNCLASSIFIED},
	{"participant", "participant", DS_ACTION, "AT", EP_CLASS_UNCLASSIFIED},
	{"observer", "observer", DS_GLOBAL, "EUROJUST", EP_CLASS_UNCLASSIFIED},
	{"public", "public", DS_GLOBAL, NULL, EP_CLASS_UNCLASSIFIED},
};
#define NDEMO_ACCOUNTS (sizeof demo_accounts / sizeof demo_accounts[0])

/* What init --demo prints about the demo once the database is complete. */
typedef struct demo_result {
	int64_t priority_id, oap_id, action_id; /* action 1.1 */
	int64_t cycle_id, action_ids[8];
	char scope[NDEMO_ACCOUNTS][32];
	char totp[NDEMO_ACCOUNTS][EP_TOTP_SECRET_B32]; /* "" for accounts without TOTP */
} demo_result;

/* The first problem of errs as err (the demo data is fixed: a problem is a bug). */
static ep_status first_problem(const ep_errs *errs, const char *what, ep_err *err)
{
	if (errs->n)
		return ep_err_set(err, EP_E_INTERNAL, NULL, "%s: %s: %s", what, errs->items[0].path, errs->items[0].msg);
	return ep_err_set(err, EP_E_INTERNAL, NULL, "%s was refused", what);
}

static ep_status org_id(ep_db *db, const char *code, int64_t *id, ep_err *err)
{
	ep_status s = ep_db_org_id(db, code, id, err);
	if (s == EP_E_NOTFOUND)
		return ep_err_set(err, EP_E_INTERNAL, NULL, "the demo organisation %s is missing", code);
	return s;
}

/* Adds a leader or participant link to the action, following its version. */
static ep_status demo_link(ep_db *db, ep_link kind, int64_t action_id, int64_t *version, const char *org,
			   const char *key, const char *text, ep_err *err)
{
	int64_t oid;
	ep_status s = org_id(db, org, &oid, err);
	if (s != EP_OK)
		return s;
	json_t *body = json_pack("{s:I, s:s}", "org_id", (json_int_t)oid, key, text);
	json_t *out = NULL;
	ep_errs errs;
	ep_errs_init(&errs);
	s = body ? ep_svc_action_link(db, EP_LINK_ADD, kind, action_id, *version, 0, body, &out, &errs, err)
		 : ep_err_set(err, EP_E_INTERNAL, NULL, "out of memory");
	if (s == EP_OK)
		*version = (int64_t)json_integer_value(json_object_get(out, "version"));
	else if (s == EP_E_INVALID)
		s = first_problem(&errs, "a demo action's link", err);
	ep_errs_release(&errs);
	json_decref(body);
	json_decref(out);
	return s;
}

/* The demo actions in the seed OAP, through the same service as the API. */
static ep_status make_demo_actions(ep_db *db, const ep_rules *rules, demo_result *r, ep_err *err)
{
	const ep_resdef *d = ep_resdef_find("actions");
	ep_status s = EP_OK;
	for (size_t i = 0; s == EP_OK && i < NDEMO_ACTIONS; i++) {
		const demo_action *a = &demo_actions[i];
		json_t *body = json_pack("{s:I, s:s, s:i, s:s, s:s, s:s, s:s}", "oap_id", (json_int_t)r->oap_id, "number",
					 a->number, "position", a->position, "title", a->title, "description",
					 DEMO_DESCRIPTION, "classification", a->classification, "marking", a->marking);
		json_t *out = NULL;
		ep_errs errs;
		ep_errs_init(&errs);
		s = body && d ? ep_svc_res_create(db, rules, d, body, &out, &errs, err)
			      : ep_err_set(err, EP_E_INTERNAL, NULL, "out of memory");
		if (s == EP_E_INVALID)
			s = first_problem(&errs, "a demo action", err);
		ep_errs_release(&errs);
		json_decref(body);
		int64_t id = 0, version = 0;
		if (s == EP_OK) {
			id = (int64_t)json_integer_value(json_object_get(out, "id"));
			version = (int64_t)json_integer_value(json_object_get(out, "version"));
		}
		json_decref(out);
		if (s == EP_OK && i == 0)
			r->action_id = id;
		if (s == EP_OK)
			r->action_ids[i] = id;
		if (s == EP_OK)
			s = demo_link(db, EP_LINK_LEADER, id, &version, a->leader, "role", "leader", err);
		if (s == EP_OK && a->co_leader)
			s = demo_link(db, EP_LINK_LEADER, id, &version, a->co_leader, "role", "co_leader", err);
		for (size_t k = 0; s == EP_OK && k < 4 && a->participants[k].org; k++)
			s = demo_link(db, EP_LINK_PARTICIPANT, id, &version, a->participants[k].org, "status",
				      a->participants[k].status, err);
	}
	return s;
}

/* Creates one record of resource res through the service of the API; *id gets its id. */
static ep_status demo_create(ep_db *db, const ep_rules *rules, const char *res, json_t *body, int64_t *id, ep_err *err)
{
	json_t *out = NULL;
	ep_errs errs;
	ep_errs_init(&errs);
	ep_status s = body ? ep_svc_res_create(db, rules, ep_resdef_find(res), body, &out, &errs, err)
			   : ep_err_set(err, EP_E_INTERNAL, NULL, "out of memory");
	if (s == EP_E_INVALID)
		s = first_problem(&errs, res, err);
	if (s == EP_OK && id)
		*id = (int64_t)json_integer_value(json_object_get(out, "id"));
	ep_errs_release(&errs);
	json_decref(body);
	json_decref(out);
	return s;
}

/* What monitoring needs to be tried on the demo: a strategic goal of the demo priority (the
 * seed documents give none for the 2018 cycle), KPIs on the demo actions feeding a KPI of the
 * OAP and of the goal, and a reporting round ready for the Support Team to open. */
static ep_status make_demo_monitoring(ep_db *db, const ep_rules *rules, demo_result *r, ep_err *err)
{
	int64_t goal = 0, oap_kpi = 0, goal_kpi = 0;
	ep_status s = demo_create(db, rules, "goals",
				  json_pack("{s:I, s:i, s:s}", "priority_id", (json_int_t)r->priority_id, "number", 1, "text",
					    "Demo goal: disrupt the criminal networks that facilitate illegal immigration into the EU "
					    "(illustrative, created by empact init --demo)."),
				  &goal, err);
	if (s == EP_OK)
		s = demo_create(db, rules, "kpis",
				json_pack("{s:I, s:i, s:s, s:s, s:f, s:s, s:s}", "oap_id", (json_int_t)r->oap_id, "position", 1,
					  "name", "Suspects arrested under the OAP", "unit", "arrests", "target", 60.0, "direction",
					  "increase", "aggregation", "sum"),
				&oap_kpi, err);
	if (s == EP_OK)
		s = demo_create(db, rules, "kpis",
				json_pack("{s:I, s:i, s:s, s:s, s:f, s:s, s:s}", "goal_id", (json_int_t)goal, "position", 1, "name",
					  "Networks disrupted", "unit", "networks", "target", 10.0, "direction", "increase",
					  "aggregation", "sum"),
				&goal_kpi, err);
	struct {
		size_t action;
		const char *name, *unit;
		double baseline, target;
		int64_t *feeds;
	} kpis[] = {
		{0, "Suspects arrested", "arrests", 0, 40, &oap_kpi},
		{0, "Smuggling networks disrupted", "networks", 0, 4, &goal_kpi},
		{1, "Fraudulent documents detected", "documents", 50, 250, NULL},
		{2, "Online advertisements taken down", "advertisements", 0, 300, NULL},
	};
	for (size_t i = 0; s == EP_OK && i < sizeof kpis / sizeof kpis[0]; i++) {
		json_t *body = json_pack("{s:I, s:i, s:s, s:s, s:f, s:f, s:s}", "action_id",
					 (json_int_t)r->action_ids[kpis[i].action], "position", (int)i + 1, "name", kpis[i].name,
					 "unit", kpis[i].unit, "baseline", kpis[i].baseline, "target", kpis[i].target, "direction",
					 "increase");
		if (body && kpis[i].feeds)
			json_object_set_new(body, "feeds_kpi_id", json_integer(*kpis[i].feeds));
		s = demo_create(db, rules, "kpis", body, NULL, err);
	}
	if (s == EP_OK)
		s = demo_create(db, rules, "reporting-rounds",
				json_pack("{s:I, s:s, s:s, s:s, s:s}", "cycle_id", (json_int_t)r->cycle_id, "label", "2018-H2",
					  "opens_on", "2018-11-01", "closes_on", "2018-11-30", "nec_meeting",
					  "NEC meeting of December 2018 (demo)"),
				NULL, err);
	return s;
}

/* One account per role, all with the demo password; those cleared above unclassified are
 * enrolled in TOTP already, with the secret printed. */
static ep_status make_demo_accounts(ep_db *db, demo_result *r, ep_err *err)
{
	ep_password_cost cost = ep_password_cost_default();
	ep_status s = EP_OK;
	for (size_t i = 0; s == EP_OK && i < NDEMO_ACCOUNTS; i++) {
		const demo_account *a = &demo_accounts[i];
		int64_t oid = 0, uid = 0, scope_id = 0;
		const char *kind = "global", *country = NULL;
		char hash[EP_PASSWORD_HASH_MAX];
		if (a->org)
			s = org_id(db, a->org, &oid, err);
		ep_err perr;
		if (s == EP_OK && ep_password_check_policy(DEMO_PASSWORD, a->user, a->org, &perr) != EP_OK)
			s = ep_err_set(err, EP_E_INTERNAL, NULL, "the demo password does not pass the policy for %s: %s",
				       a->user, perr.msg);
		if (s == EP_OK)
			s = ep_password_hash(DEMO_PASSWORD, &cost, hash, err);
		if (s == EP_OK)
			s = ep_db_user_insert(db, a->user, NULL, NULL, oid, (int)a->clearance, hash, &uid, err);
		switch (a->scope) {
		case DS_GLOBAL: snprintf(r->scope[i], sizeof r->scope[i], "global"); break;
		case DS_COUNTRY_NL:
			kind = "country";
			country = "NL";
			snprintf(r->scope[i], sizeof r->scope[i], "country:NL");
			break;
		case DS_PRIORITY:
			kind = "priority";
			scope_id = r->priority_id;
			snprintf(r->scope[i], sizeof r->scope[i], "priority:%lld", (long long)scope_id);
			break;
		case DS_ACTION:
			kind = "action";
			scope_id = r->action_id;
			snprintf(r->scope[i], sizeof r->scope[i], "action:%lld", (long long)scope_id);
			break;
		}
		if (s == EP_OK)
			s = ep_db_role_add(db, uid, a->role, kind, scope_id, country, NULL, err);
		r->totp[i][0] = '\0';
		if (s == EP_OK && a->clearance > EP_CLASS_UNCLASSIFIED) {
			s = ep_totp_secret_new(r->totp[i], err);
			if (s == EP_OK)
				s = ep_db_user_set_totp(db, uid, r->totp[i], NULL, err);
		}
	}
	return s;
}

/* Creates the demo actions and accounts in one transaction. */
static ep_status make_demo(ep_db *db, const ep_rules *rules, demo_result *r, ep_err *err)
{
	ep_arena *a = ep_arena_new(1 << 16);
	ep_cycle cycle;
	ep_status s = a ? ep_db_cycle_find(db, DEMO_CYCLE, a, &cycle, err)
			: ep_err_set(err, EP_E_INTERNAL, NULL, "out of memory");
	if (s == EP_OK) {
		r->cycle_id = cycle.id;
		s = ep_db_priority_id(db, cycle.id, DEMO_PRIORITY, &r->priority_id, err);
	}
	if (s == EP_OK)
		s = ep_db_oap_id(db, r->priority_id, DEMO_OAP_YEAR, 0, &r->oap_id, err);
	ep_arena_free(a);
	if (s != EP_OK)
		return s;
	if ((s = ep_db_begin(db, err)) != EP_OK)
		return s;
	s = make_demo_actions(db, rules, r, err);
	if (s == EP_OK)
		s = make_demo_monitoring(db, rules, r, err);
	if (s == EP_OK)
		s = make_demo_accounts(db, r, err);
	if (s == EP_OK) {
		ep_audit_rec rec = {.actor = ep_cli_actor(), .action = "init.demo", .outcome = "ok",
				    .detail = "the demo data: seed datasets, illustrative actions and one account per role"};
		s = ep_audit_append(db, &rec, NULL, NULL, err);
	}
	if (s == EP_OK)
		s = ep_db_commit(db, err);
	if (s != EP_OK)
		ep_db_rollback(db);
	return s;
}

static void print_demo(const demo_result *r)
{
	printf("%s/%s/%d: %zu illustrative demo actions (the OAP's annex of actions was not declassified)\n",
	       DEMO_CYCLE, DEMO_PRIORITY, DEMO_OAP_YEAR, NDEMO_ACTIONS);
	printf("\nDemo accounts (password: %s). THIS DATABASE IS A DEMO: do not put real data in it.\n", DEMO_PASSWORD);
	for (size_t i = 0; i < NDEMO_ACCOUNTS; i++) {
		const demo_account *a = &demo_accounts[i];
		printf("  %-17s %-20s %-11s %-12s ", a->user, a->role, r->scope[i], a->org ? a->org : "-");
		if (r->totp[i][0])
			printf("%-13s TOTP secret %s\n", ep_class_token(a->clearance), r->totp[i]);
		else
			printf("%s\n", ep_class_token(a->clearance));
	}
	printf("Add a TOTP secret to an authenticator app (or: oathtool --totp -b SECRET) to sign in as that "
	       "account.\n");
}

static void remove_db_files(const char *path)
{
	char p[1100];
	unlink(path);
	snprintf(p, sizeof p, "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", path);
	unlink(p);
}

int ep_cli_init(ep_cli *cli, int argc, char **argv)
{
	bool demo = false;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--demo") == 0) {
			demo = true;
		} else {
			ep_cli_fail(cli, "unknown argument '%s' (usage: empact init [--demo])", argv[i]);
			return EP_EXIT_USAGE;
		}
	}
	bool existed = access(cli->cfg.db, F_OK) == 0;
	ep_db *db = ep_cli_open_db(cli, true, true);
	if (!db)
		return EP_EXIT_FAIL;
	ep_err err;
	int version = 0;
	ep_db_counts counts = {0};
	if (ep_db_schema_version(db, &version, &err) != EP_OK) {
		ep_cli_fail(cli, "%s", err.msg);
		ep_db_close(db);
		return EP_EXIT_FAIL;
	}
	if (version > 0 && ep_db_counts_get(db, &counts, &err) == EP_OK &&
	    (counts.organisations || counts.cycles || counts.documents)) {
		ep_cli_fail(cli, "%s already holds data; init creates new databases only (use load to add a dataset)",
			    cli->cfg.db);
		ep_db_close(db);
		return EP_EXIT_FAIL;
	}
	int applied = 0;
	int rc = EP_EXIT_OK;
	if (ep_db_migrate(db, &applied, &err) != EP_OK) {
		ep_cli_fail(cli, "%s", err.msg);
		rc = EP_EXIT_FAIL;
	}
	ep_rules rules = ep_cli_rules(cli);
	for (size_t i = 0; demo && rc == EP_EXIT_OK && i < sizeof demo_files / sizeof demo_files[0]; i++) {
		const ep_embedded *e = ep_embedded_find(demo_files[i]);
		ep_errs errs;
		ep_errs_init(&errs);
		ep_load_stats stats;
		ep_status s = e ? ep_svc_dataset_load(db, &rules, (const char *)e->data, e->len, &errs, &stats, &err)
				: ep_err_set(&err, EP_E_INTERNAL, NULL, "%s is not built into this empact", demo_files[i]);
		if (s == EP_E_INVALID) {
			ep_cli_print_problems(cli, demo_files[i], &errs);
			rc = EP_EXIT_FAIL;
		} else if (s != EP_OK) {
			ep_cli_fail(cli, "%s: %s", demo_files[i], err.msg);
			rc = EP_EXIT_FAIL;
		} else {
			print_stats(demo_files[i], &stats);
		}
		ep_errs_release(&errs);
	}
	demo_result result;
	memset(&result, 0, sizeof result);
	if (demo && rc == EP_EXIT_OK && make_demo(db, &rules, &result, &err) != EP_OK) {
		ep_cli_fail(cli, "the demo actions and accounts: %s", err.msg);
		rc = EP_EXIT_FAIL;
	}
	if (demo && rc == EP_EXIT_OK) {
		char anchor[1200];
		ep_audit_anchor_head(db, ep_cli_anchor(cli, anchor, sizeof anchor), NULL);
	}
	ep_db_close(db);
	if (rc != EP_EXIT_OK) {
		/* A half-made database is worse than none: remove what this run created. */
		if (!existed)
			remove_db_files(cli->cfg.db);
		return rc;
	}
	printf("created %s (schema %d)%s\n", cli->cfg.db, ep_db_latest_schema(), demo ? " with the demo data" : "");
	if (demo)
		print_demo(&result);
	else
		printf("it has no accounts yet: add the first with: empact user add NAME --org CODE, then: "
		       "empact user role NAME admin\n");
	return EP_EXIT_OK;
}

int ep_cli_migrate(ep_cli *cli, int argc, char **argv)
{
	(void)argv;
	if (argc > 1) {
		ep_cli_fail(cli, "takes no arguments");
		return EP_EXIT_USAGE;
	}
	ep_db *db = ep_cli_open_db(cli, false, true);
	if (!db)
		return EP_EXIT_FAIL;
	ep_err err;
	int before = 0, applied = 0;
	int rc = EP_EXIT_OK;
	if (ep_db_schema_version(db, &before, &err) != EP_OK || ep_db_migrate(db, &applied, &err) != EP_OK) {
		ep_cli_fail(cli, "%s", err.msg);
		rc = EP_EXIT_FAIL;
	} else if (applied == 0) {
		printf("%s is at schema %d, the latest: nothing to do\n", cli->cfg.db, before);
	} else {
		printf("%s: applied %d migration%s, schema %d -> %d\n", cli->cfg.db, applied, applied == 1 ? "" : "s",
		       before, ep_db_latest_schema());
	}
	ep_db_close(db);
	return rc;
}

int ep_cli_load(ep_cli *cli, int argc, char **argv)
{
	if (argc != 2) {
		ep_cli_fail(cli, "give one dataset file (usage: empact load FILE)");
		return EP_EXIT_USAGE;
	}
	const char *path = argv[1];
	size_t len;
	char *data = ep_cli_read_file(cli, path, EP_DATASET_MAX_BYTES, &len);
	if (!data)
		return EP_EXIT_FAIL;
	ep_db *db = ep_cli_open_db(cli, false, false);
	if (!db) {
		free(data);
		return EP_EXIT_FAIL;
	}
	ep_rules rules = ep_cli_rules(cli);
	ep_errs errs;
	ep_errs_init(&errs);
	ep_err err;
	ep_load_stats stats;
	/* The load and its audit record commit together: the service's own transaction nests. */
	ep_status s = ep_db_begin(db, &err);
	if (s == EP_OK)
		s = ep_svc_dataset_load(db, &rules, data, len, &errs, &stats, &err);
	if (s == EP_OK) {
		char detail[600];
		snprintf(detail, sizeof detail, "loaded %.400s: %llu organisations, %llu cycles, %llu OAPs, %llu actions, %llu documents",
			 path, (unsigned long long)stats.organisations, (unsigned long long)stats.cycles,
			 (unsigned long long)stats.oaps, (unsigned long long)stats.actions, (unsigned long long)stats.documents);
		ep_audit_rec rec = {.actor = ep_cli_actor(), .action = "dataset.load", .outcome = "ok", .detail = detail};
		s = ep_audit_append(db, &rec, NULL, NULL, &err);
	}
	if (s == EP_OK)
		s = ep_db_commit(db, &err);
	if (s == EP_OK) {
		char anchor[1200];
		ep_audit_anchor_head(db, ep_cli_anchor(cli, anchor, sizeof anchor), NULL);
	} else {
		ep_db_rollback(db);
	}
	int rc = EP_EXIT_OK;
	if (s == EP_E_INVALID) {
		ep_cli_print_problems(cli, path, &errs);
		rc = EP_EXIT_FAIL;
	} else if (s != EP_OK) {
		ep_cli_fail(cli, "%s: %s; nothing was loaded", path, err.msg);
		rc = EP_EXIT_FAIL;
	} else {
		print_stats(path, &stats);
	}
	ep_errs_release(&errs);
	ep_db_close(db);
	free(data);
	return rc;
}

int ep_cli_export(ep_cli *cli, int argc, char **argv)
{
	const char *cycle = NULL, *out = NULL;
	for (int i = 1; i < argc; i++) {
		if ((strcmp(argv[i], "--cycle") == 0 || strcmp(argv[i], "-o") == 0) && i + 1 < argc) {
			if (argv[i][1] == 'o')
				out = argv[++i];
			else
				cycle = argv[++i];
		} else {
			ep_cli_fail(cli, "unknown argument '%s' (usage: empact export [--cycle LABEL] [-o FILE])", argv[i]);
			return EP_EXIT_USAGE;
		}
	}
	ep_db *db = ep_cli_open_db(cli, false, false);
	if (!db)
		return EP_EXIT_FAIL;
	/* Written to a temporary file first, so that a failed export never leaves half a file. */
	char tmp[1100] = "";
	FILE *f = stdout;
	if (out && strcmp(out, "-") != 0) {
		snprintf(tmp, sizeof tmp, "%s.tmp", out);
		f = fopen(tmp, "wb");
		if (!f) {
			ep_cli_fail(cli, "cannot write %s: %s", tmp, strerror(errno));
			ep_db_close(db);
			return EP_EXIT_FAIL;
		}
	}
	ep_err err;
	ep_status s = ep_svc_dataset_export(db, cycle, f, &err);
	ep_db_close(db);
	int rc = EP_EXIT_OK;
	if (f != stdout && fclose(f) != 0 && s == EP_OK)
		s = ep_err_set(&err, EP_E_INTERNAL, NULL, "cannot write %s: %s", tmp, strerror(errno));
	if (s != EP_OK) {
		ep_cli_fail(cli, "%s", err.msg);
		rc = EP_EXIT_FAIL;
		if (tmp[0])
			unlink(tmp);
	} else if (tmp[0] && rename(tmp, out) != 0) {
		ep_cli_fail(cli, "cannot write %s: %s", out, strerror(errno));
		unlink(tmp);
		rc = EP_EXIT_FAIL;
	}
	return rc;
}

int ep_cli_check_config(ep_cli *cli, int argc, char **argv)
{
	(void)argv;
	if (argc > 1) {
		ep_cli_fail(cli, "takes no arguments");
		return EP_EXIT_USAGE;
	}
	/* ep_cli_main has validated the configuration already; reaching here means it is good. */
	printf("# the configuration is valid%s%s\n", cli->cfg.config_file[0] ? "; file: " : "", cli->cfg.config_file);
	ep_config_print(&cli->cfg, stdout);
	return EP_EXIT_OK;
}
