/*
 * The subcommand table, global options and the helpers every subcommand shares.
 */
#include "cli/cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <pwd.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "core/banned.h"

static const ep_cli_cmd commands[] = {
	{"init", ep_cli_init, "[--demo]", "create a new database (with --demo: the seed documents and demo data)",
	 "Creates the database named by --db (default empact.db) with the current schema. It refuses a\n"
	 "file that already holds data. With --demo it also loads the demo organisations and both seed\n"
	 "documents: the 2011-2013 cycle (Council doc 15850/11) and the 2018 OAP \"Facilitation of\n"
	 "illegal immigration\" (13874/17 and its partial declassification 13874/17 EXT 1).\n"},
	{"migrate", ep_cli_migrate, "", "bring the database schema up to date",
	 "Applies every migration the database does not have yet, each in its own transaction.\n"
	 "A database whose schema is newer than this empact is refused.\n"},
	{"load", ep_cli_load, "FILE", "load a dataset file, all or nothing",
	 "Validates the whole dataset FILE (docs/dataset.md; - for standard input) and loads it in one\n"
	 "transaction. On any problem it prints every one with its JSON path, exits 1 and leaves the\n"
	 "database as it was.\n"},
	{"export", ep_cli_export, "[--cycle LABEL] [-o FILE]", "write the database, or one cycle, as a dataset",
	 "Writes a dataset (docs/dataset.md) of the whole database, or with --cycle of one cycle with its\n"
	 "OAPs, documents and the organisations they name, to FILE or standard output. Loading an\n"
	 "export into an empty database and exporting again gives the same bytes.\n"},
	{"show", ep_cli_show, "[CYCLE | CYCLE/PRIORITY | CYCLE/PRIORITY/YEAR]",
	 "print a cycle, a priority or an OAP as a readable tree",
	 "Without an argument: every cycle with its priorities, goals and shared goals, every OAP with\n"
	 "its sections, and the Council documents. CYCLE is a label (2011-2013), CYCLE/PRIORITY a\n"
	 "priority (2011-2013/C), CYCLE/PRIORITY/YEAR an OAP (2018-2021/3/2018).\n"},
	{"doc", ep_cli_doc, "render DOC [--format F] [--release LEVEL] -o FILE | declassify propose|sign-off|show DOC",
	 "render a Council document, or run its partial declassification",
	 "empact doc render DOC --format pdf|docx|xlsx|html|txt --release LEVEL -o FILE\n"
	 "    renders DOC at a release level (public, limite, restreint_ue, confidentiel_ue, secret_ue,\n"
	 "    tres_secret_ue; default public) to FILE (- for standard output; the format defaults to\n"
	 "    FILE's extension). DOC is a document id or Council number with its suffix (\"15850/11\",\n"
	 "    \"13874/17 EXT 1\"), or oap:ID, cycle:ID, report:OAP_ID[:ROUND_ID], overview:ROUND_ID.\n"
	 "    Withheld text becomes DELETED or NOT DECLASSIFIED; it never reaches the file. The file is\n"
	 "    written whole or not at all. --max-bytes N refuses a larger document.\n"
	 "empact doc declassify propose DOC --decisions FILE [--as NAME]\n"
	 "    proposes the next EXT version of DOC with the redaction map in FILE: {\"decisions\": [\n"
	 "    {\"passage\"|\"section\": KEY, \"decision\": \"released\"|\"deleted\"|\"not_declassified\",\n"
	 "    \"reason\": TEXT}]}, one decision for every passage and every section of its OAP\n"
	 "empact doc declassify sign-off \"DOC EXT n\" --as NAME\n"
	 "    a second person (never the proposer) signs the proposal off: the EXT version is issued,\n"
	 "    public, dated today and frozen\n"
	 "empact doc declassify show \"DOC EXT n\"   prints the proposal or the issued version's map\n"},
	{"serve", ep_cli_serve, "[--listen ADDR:PORT]", "serve the web API (default 127.0.0.1:8080)",
	 "Serves the JSON API of the database named by --db on --listen (default 127.0.0.1:8080; port 0\n"
	 "picks a free port, which the first line printed names) until SIGTERM or SIGINT, when it stops\n"
	 "accepting, finishes the requests in flight and closes the database. One access log line per\n"
	 "request goes to standard output, diagnostics to standard error. /healthz, /metrics and\n"
	 "/api/v1/openapi.json describe the running server.\n"},
	{"user", ep_cli_user, "add|role|passwd|disable|token NAME ...", "manage accounts, roles and API tokens",
	 "empact user add NAME --org CODE [--clearance LEVEL] [--name \"DISPLAY NAME\"] [--email ADDR]\n"
	 "    creates an account; the password is read from standard input (or prompted for)\n"
	 "empact user role NAME ROLE [--scope KIND:ID] [--remove]\n"
	 "    grants (or with --remove withdraws) a role: admin, cosi_member, council_secretariat,\n"
	 "    commission, est and observer are global; nec takes --scope country:CC; driver and\n"
	 "    co_driver --scope priority:ID; action_leader, co_action_leader and participant\n"
	 "    --scope action:ID; public is global\n"
	 "empact user passwd NAME     sets a new password (standard input); ends every session\n"
	 "empact user disable NAME    disables the account; ends its sessions, its tokens stop working\n"
	 "empact user token NAME [--expires DAYS] [--label TEXT]\n"
	 "    prints a new API token once (default 90 days); only its hash is kept\n"
	 "empact user list            lists accounts with their organisation, clearance and roles\n"},
	{"audit", ep_cli_audit, "verify", "check the audit trail for tampering",
	 "empact audit verify recomputes the hash chain of the audit trail and checks it against the\n"
	 "anchor file (--audit-anchor, default the database path + .anchor). It exits 0 when every\n"
	 "record is intact, and 1 naming the first record that was changed, removed, inserted or\n"
	 "reordered.\n"},
	{"check-config", ep_cli_check_config, "", "validate the configuration and print it",
	 "Reads the configuration (defaults, then --config FILE or EMPACT_CONFIG, then EMPACT_*\n"
	 "variables, then flags), prints every problem, or the effective settings when there is none.\n"},
	{"help", ep_cli_help, "[COMMAND]", "explain empact or one command", ""},
	{"version", ep_cli_version, "", "print the version", ""},
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

const char *ep_cli_anchor(const ep_cli *cli, char *buf, size_t n)
{
	if (cli->cfg.audit_anchor[0])
		snprintf(buf, n, "%s", cli->cfg.audit_anchor);
	else
		snprintf(buf, n, "%s.anchor", cli->cfg.db);
	return buf;
}

const char *ep_cli_actor(void)
{
	static char name[80];
	const struct passwd *pw = getpwuid(getuid());
	snprintf(name, sizeof name, "cli:%.64s", pw && pw->pw_name ? pw->pw_name : "unknown");
	return name;
}

const ep_cli_cmd *ep_cli_find(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

void ep_cli_fail(const ep_cli *cli, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "empact%s%s: ", cli && cli->cmd ? " " : "", cli && cli->cmd ? cli->cmd : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void ep_cli_print_problems(const ep_cli *cli, const char *where, const ep_errs *errs)
{
	for (size_t i = 0; i < errs->n; i++) {
		if (where)
			fprintf(stderr, "%s: %s: %s\n", where, errs->items[i].path, errs->items[i].msg);
		else
			fprintf(stderr, "%s: %s\n", errs->items[i].path, errs->items[i].msg);
	}
	if (errs->dropped)
		fprintf(stderr, "... and %zu more problems\n", errs->dropped);
	ep_cli_fail(cli, "%zu problem%s found%s", ep_errs_count(errs), ep_errs_count(errs) == 1 ? "" : "s",
		    strcmp(cli->cmd, "load") == 0 || strcmp(cli->cmd, "init") == 0 ? "; nothing was loaded" : "");
}

ep_rules ep_cli_rules(const ep_cli *cli)
{
	return (ep_rules){.max_class = cli->cfg.max_classification};
}

ep_db *ep_cli_open_db(ep_cli *cli, bool create, bool any_schema)
{
	ep_db *db;
	ep_err err;
	ep_db_opts opts = {.create = create, .busy_timeout_ms = cli->cfg.busy_timeout_ms};
	if (ep_db_open(cli->cfg.db, &opts, &db, &err) != EP_OK) {
		ep_cli_fail(cli, "%s", err.msg);
		return NULL;
	}
	if (!any_schema && ep_db_require_current(db, &err) != EP_OK) {
		ep_cli_fail(cli, "%s", err.msg);
		ep_db_close(db);
		return NULL;
	}
	return db;
}

char *ep_cli_read_file(const ep_cli *cli, const char *path, size_t max, size_t *len)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (!f) {
		ep_cli_fail(cli, "cannot open %s: %s", path, strerror(errno));
		return NULL;
	}
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap + 1);
	while (buf) {
		size_t got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (n > max) {
			ep_cli_fail(cli, "%s: larger than the %zu bytes allowed", path, max);
			free(buf);
			buf = NULL;
			break;
		}
		if (got == 0) {
			if (ferror(f)) {
				ep_cli_fail(cli, "cannot read %s: %s", path, strerror(errno));
				free(buf);
				buf = NULL;
			}
			break;
		}
		if (n == cap) {
			cap *= 2;
			char *nb = realloc(buf, cap + 1);
			if (!nb) {
				free(buf);
				buf = NULL;
				ep_cli_fail(cli, "out of memory reading %s", path);
			}
			buf = nb;
		}
	}
	if (f != stdin)
		fclose(f);
	if (buf) {
		buf[n] = '\0';
		*len = n;
	}
	return buf;
}

int ep_cli_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return 1;
	return 0;
}

void ep_cli_print_help(const ep_cli_cmd *cmd)
{
	printf("usage: empact [OPTIONS] %s%s%s\n\n%s.\n\n%s", cmd->name, cmd->args[0] ? " " : "", cmd->args, cmd->summary,
	       cmd->help);
}

static void print_usage(FILE *f)
{
	fprintf(f,
		"empact: planning, monitoring and documents of the EU Policy Cycle (EMPACT)\n\n"
		"usage: empact [OPTIONS] COMMAND [ARGS]\n\ncommands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-13s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\noptions (before or after the command):\n"
		   "  --db PATH           the database file (EMPACT_DB; default empact.db)\n"
		   "  --config FILE       an INI file of settings (EMPACT_CONFIG)\n");
	const char *type, *help;
	for (size_t i = 0; ep_config_setting(i, &type, &help); i++) {
		const char *name = ep_config_setting(i, NULL, NULL);
		if (strcmp(name, "db") == 0)
			continue;
		char flag[64];
		snprintf(flag, sizeof flag, "--%s", name);
		for (char *p = flag + 2; *p; p++)
			if (*p == '_')
				*p = '-';
		fprintf(f, "  %-19s %s\n", flag, help);
	}
	fprintf(f, "\n'empact COMMAND --help' explains a command. Exit codes: 0 done, 1 failed, 2 usage.\n");
}

int ep_cli_help(ep_cli *cli, int argc, char **argv)
{
	(void)cli;
	if (argc > 2) {
		ep_cli_fail(cli, "give at most one command");
		return EP_EXIT_USAGE;
	}
	if (argc == 2) {
		const ep_cli_cmd *c = ep_cli_find(argv[1]);
		if (!c) {
			ep_cli_fail(cli, "no command '%s'; 'empact help' lists them", argv[1]);
			return EP_EXIT_USAGE;
		}
		ep_cli_print_help(c);
		return EP_EXIT_OK;
	}
	print_usage(stdout);
	return EP_EXIT_OK;
}

int ep_cli_version(ep_cli *cli, int argc, char **argv)
{
	(void)cli;
	(void)argv;
	if (argc > 1) {
		ep_cli_fail(cli, "takes no arguments");
		return EP_EXIT_USAGE;
	}
	printf("empact 0.1 (schema %d, dataset format empact-dataset/1)\n", ep_db_latest_schema());
	return EP_EXIT_OK;
}

/*
 * Separates global options from the subcommand's own arguments: every "--NAME VALUE" or
 * "--NAME=VALUE" where NAME is a setting (with - for _) or "config" is taken, wherever it
 * stands. The rest, in order, goes to the subcommand.
 */
static int take_globals(int argc, char **argv, int *outc, char **outv, const char **config_file,
			char ***flag_names, char ***flag_values, int *nflags)
{
	int n = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strncmp(a, "--", 2) != 0 || strcmp(a, "--") == 0) {
			outv[n++] = argv[i];
			continue;
		}
		char name[64];
		const char *eq = strchr(a, '=');
		size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
		if (len >= sizeof name) {
			outv[n++] = argv[i];
			continue;
		}
		memcpy(name, a + 2, len);
		name[len] = '\0';
		for (char *p = name; *p; p++)
			if (*p == '-')
				*p = '_';
		bool is_setting = strcmp(name, "config") == 0;
		for (size_t k = 0; !is_setting && ep_config_setting(k, NULL, NULL); k++)
			is_setting = strcmp(ep_config_setting(k, NULL, NULL), name) == 0;
		if (!is_setting) {
			outv[n++] = argv[i];
			continue;
		}
		const char *value = eq ? eq + 1 : NULL;
		if (!value) {
			if (i + 1 >= argc) {
				fprintf(stderr, "empact: %s needs a value\n", a);
				return -1;
			}
			value = argv[++i];
		}
		if (strcmp(name, "config") == 0) {
			*config_file = value;
		} else {
			(*flag_names)[*nflags] = strdup(name);
			(*flag_values)[*nflags] = (char *)value;
			(*nflags)++;
		}
	}
	outv[n] = NULL;
	*outc = n;
	return 0;
}

int ep_cli_main(int argc, char **argv)
{
	ep_cli cli = {.cmd = NULL};
	char **sub = calloc((size_t)argc + 1, sizeof *sub);
	char **names = calloc((size_t)argc + 1, sizeof *names);
	char **values = calloc((size_t)argc + 1, sizeof *values);
	int subc = 0, nflags = 0, rc = EP_EXIT_USAGE;
	const char *config_file = getenv("EMPACT_CONFIG");
	if (!sub || !names || !values) {
		fprintf(stderr, "empact: out of memory\n");
		rc = EP_EXIT_FAIL;
		goto done;
	}
	if (take_globals(argc, argv, &subc, sub, &config_file, &names, &values, &nflags) != 0)
		goto done;
	if (subc == 0) {
		print_usage(stderr);
		goto done;
	}
	if (strcmp(sub[0], "--help") == 0 || strcmp(sub[0], "-h") == 0) {
		print_usage(stdout);
		rc = EP_EXIT_OK;
		goto done;
	}
	const ep_cli_cmd *cmd = ep_cli_find(sub[0]);
	if (!cmd) {
		fprintf(stderr, "empact: no command '%s'; 'empact help' lists them\n", sub[0]);
		goto done;
	}
	cli.cmd = cmd->name;
	if (ep_cli_wants_help(subc, sub)) {
		ep_cli_print_help(cmd);
		rc = EP_EXIT_OK;
		goto done;
	}

	/* The configuration, validated as a whole: defaults < file < environment < flags. */
	ep_errs errs;
	ep_errs_init(&errs);
	ep_config_defaults(&cli.cfg);
	if (config_file && config_file[0])
		ep_config_load_file(&cli.cfg, config_file, &errs);
	ep_config_load_env(&cli.cfg, &errs);
	for (int i = 0; i < nflags; i++) {
		char origin[80];
		snprintf(origin, sizeof origin, "--%s", names[i]);
		for (char *p = origin + 2; *p; p++)
			if (*p == '_')
				*p = '-';
		ep_config_set(&cli.cfg, names[i], values[i], origin, &errs);
	}
	ep_config_validate(&cli.cfg, &errs);
	if (ep_errs_count(&errs)) {
		for (size_t i = 0; i < errs.n; i++)
			fprintf(stderr, "%s: %s\n", errs.items[i].path, errs.items[i].msg);
		ep_cli_fail(&cli, "the configuration has %zu problem%s", ep_errs_count(&errs),
			    ep_errs_count(&errs) == 1 ? "" : "s");
		ep_errs_release(&errs);
		rc = EP_EXIT_FAIL;
		goto done;
	}
	ep_errs_release(&errs);
	ep_log_set_level(cli.cfg.log_level);
	rc = cmd->run(&cli, subc, sub);
done:
	for (int i = 0; names && i < nflags; i++)
		free(names[i]);
	free(names);
	free(values);
	free(sub);
	return rc;
}
