/*
 * The command line of empact: one table of subcommands, each in a file of its own
 * (cli_<name>.c). Global options (--db, --config and one flag per setting) come before or
 * after the subcommand name. Exit codes: 0 done, 1 failed, 2 usage.
 */
#ifndef EP_CLI_H
#define EP_CLI_H

#include "core/config.h"
#include "db/db.h"
#include "svc/svc_rules.h"

enum { EP_EXIT_OK = 0, EP_EXIT_FAIL = 1, EP_EXIT_USAGE = 2 };

typedef struct ep_cli {
	ep_config cfg;
	const char *cmd; /* the subcommand's name */
} ep_cli;

typedef struct ep_cli_cmd {
	const char *name;
	int (*run)(ep_cli *cli, int argc, char **argv); /* argv[0] is the subcommand */
	const char *args;    /* synopsis of its own arguments */
	const char *summary; /* one line */
	const char *help;    /* the rest of `empact CMD --help` */
} ep_cli_cmd;

int ep_cli_main(int argc, char **argv);

/* The audit anchor file of the configured database (--audit-anchor, or the database path +
 * ".anchor"), written into buf. */
const char *ep_cli_anchor(const ep_cli *cli, char *buf, size_t n);
/* Who the audit trail names for a change made from the command line: "cli:" and the login
 * name of the operating-system user. */
const char *ep_cli_actor(void);

/* Prints "empact CMD: message" to standard error. */
void ep_cli_fail(const ep_cli *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints every problem of errs, one per line, prefixed with where (a file name) if not NULL. */
void ep_cli_print_problems(const ep_cli *cli, const char *where, const ep_errs *errs);
/* Opens the configured database (create: for init) and checks its schema is current (unless
 * any_schema). Prints the error and returns NULL on failure. */
ep_db *ep_cli_open_db(ep_cli *cli, bool create, bool any_schema);
/* The rules of the configured installation. */
ep_rules ep_cli_rules(const ep_cli *cli);
/* Reads a whole file (at most max bytes) into a malloc'd, NUL-terminated buffer; "-" is
 * standard input. Prints the error and returns NULL on failure. */
char *ep_cli_read_file(const ep_cli *cli, const char *path, size_t max, size_t *len);
/* True if argv[i] is --help or -h. */
int ep_cli_wants_help(int argc, char **argv);
/* Prints the help of the command (usage to stdout). */
void ep_cli_print_help(const ep_cli_cmd *cmd);
const ep_cli_cmd *ep_cli_find(const char *name);

int ep_cli_init(ep_cli *cli, int argc, char **argv);
int ep_cli_migrate(ep_cli *cli, int argc, char **argv);
int ep_cli_load(ep_cli *cli, int argc, char **argv);
int ep_cli_export(ep_cli *cli, int argc, char **argv);
int ep_cli_show(ep_cli *cli, int argc, char **argv);
int ep_cli_doc(ep_cli *cli, int argc, char **argv);
int ep_cli_serve(ep_cli *cli, int argc, char **argv);
int ep_cli_check_config(ep_cli *cli, int argc, char **argv);
int ep_cli_user(ep_cli *cli, int argc, char **argv);
int ep_cli_audit(ep_cli *cli, int argc, char **argv);
int ep_cli_help(ep_cli *cli, int argc, char **argv);
int ep_cli_version(ep_cli *cli, int argc, char **argv);

#endif
