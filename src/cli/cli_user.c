/*
 * The user command: accounts, their scoped roles, passwords, disabling and API tokens, as an
 * administrator manages them from the shell. Input is checked before the database is touched
 * (a bad name, role, scope or flag is a usage error, exit 2); what must exist (the account, the
 * organisation, the priority, OAP or action of a scope) is checked against the database (exit
 * 1). Every change runs in one transaction and goes through changed(), the one place where its
 * audit record is written. Passwords come from standard input, one line, or from the terminal
 * with echo off; they must meet the password policy and are stored only as Argon2id hashes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "access/password.h"
#include "audit/audit.h"
#include "access/token.h"
#include "cli/cli.h"
#include "core/classif.h"
#include "core/num.h"
#include "core/time.h"
#include "db/db_res.h"
#include "db/db_user.h"
#include "svc/svc_user.h"
#include "core/banned.h"

#define TOKEN_DAYS_DEFAULT 90
#define TOKEN_DAYS_MAX 366
#define TOKEN_LABEL_MAX 128
#define TEXT_MAX 256 /* display name and e-mail address */

/* The audit record of the change. */
static ep_status changed(ep_db *db, const char *action, int64_t user_id, const char *detail, ep_err *err)
{
	ep_audit_rec r = {
		.actor = ep_cli_actor(),
		.action = action,
		.object_kind = "users",
		.object_id = user_id,
		.outcome = "ok",
		.detail = detail,
	};
	return ep_audit_append(db, &r, NULL, NULL, err);
}

/* ---- roles, their scopes and user names (the rules are those of svc_user.h) ---- */

#define CLASS_LIST "unclassified, restreint_ue, confidentiel_ue, secret_ue or tres_secret_ue"

/* Parses --scope for the role (NULL when not given). Prints the problem and returns false. */
static bool scope_parse(const ep_cli *cli, const ep_role_def *r, const char *arg, ep_role_scope *sc)
{
	ep_err err;
	if (ep_role_scope_parse(r, arg, true, sc, &err) == EP_OK)
		return true;
	ep_cli_fail(cli, "%s", err.msg);
	return false;
}

/* Whether what the scope names exists; prints the problem. */
static bool scope_exists(const ep_cli *cli, ep_db *db, const ep_role_scope *sc)
{
	ep_err err;
	if (ep_role_scope_exists(db, sc, &err) == EP_OK)
		return true;
	ep_cli_fail(cli, "%s", err.msg);
	return false;
}

/* Checks NAME; prints the problem. */
static bool check_username(const ep_cli *cli, const char *name)
{
	if (ep_username_ok(name))
		return true;
	ep_cli_fail(cli, "'%s' is not a user name: " EP_USERNAME_RULE, name);
	return false;
}

/* The value of the flag at argv[*i] (advancing *i), or NULL with the problem printed. */
static const char *flag_value(const ep_cli *cli, int argc, char **argv, int *i)
{
	if (*i + 1 >= argc) {
		ep_cli_fail(cli, "%s needs a value", argv[*i]);
		return NULL;
	}
	return argv[++*i];
}

static int unknown_arg(const ep_cli *cli, const char *arg, const char *usage)
{
	ep_cli_fail(cli, "unknown argument '%s' (usage: empact user %s)", arg, usage);
	return EP_EXIT_USAGE;
}

/* ---- passwords ---- */

/* Reads one line from f into buf (n bytes), without its line end. -1 at end of input, -2
 * when the line does not fit. */
static int read_line(FILE *f, char *buf, size_t n)
{
	if (!fgets(buf, (int)n, f))
		return -1;
	size_t len = strlen(buf);
	if (len && buf[len - 1] == '\n') {
		buf[--len] = '\0';
		if (len && buf[len - 1] == '\r')
			buf[--len] = '\0';
		return 0;
	}
	if (len + 1 >= n && !feof(f))
		return -2;
	return 0;
}

/* Reads a line from the terminal with echo off, after prompt (on stderr). */
static int read_hidden(const char *prompt, char *buf, size_t n)
{
	struct termios old, quiet;
	fputs(prompt, stderr);
	fflush(stderr);
	bool restore = tcgetattr(STDIN_FILENO, &old) == 0;
	if (restore) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		quiet.c_lflag |= ECHONL;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	int rc = read_line(stdin, buf, n);
	if (restore)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
	else
		fputc('\n', stderr);
	return rc;
}

/* Reads a new password for the account (prompting twice on a terminal) and checks it against
 * the policy. Prints the problem and returns false. */
static bool read_password(const ep_cli *cli, const char *username, const char *org_code, char *pw, size_t n)
{
	int rc;
	if (isatty(STDIN_FILENO)) {
		char prompt[EP_USERNAME_MAX + 32];
		snprintf(prompt, sizeof prompt, "New password for %s: ", username);
		rc = read_hidden(prompt, pw, n);
		if (rc == 0) {
			char again[EP_PASSWORD_MAX + 3];
			int rc2 = read_hidden("The same password again: ", again, sizeof again);
			bool same = rc2 == 0 && strcmp(pw, again) == 0;
			explicit_bzero(again, sizeof again);
			if (!same) {
				ep_cli_fail(cli, "the two passwords differ; nothing was changed");
				return false;
			}
		}
	} else {
		rc = read_line(stdin, pw, n);
	}
	if (rc == -1) {
		ep_cli_fail(cli, "no password: give it as one line on standard input");
		return false;
	}
	if (rc == -2) {
		ep_cli_fail(cli, "the password is longer than %d bytes", EP_PASSWORD_MAX);
		return false;
	}
	ep_err err;
	if (ep_password_check_policy(pw, username, org_code, &err) != EP_OK) {
		ep_cli_fail(cli, "%s", err.msg);
		return false;
	}
	return true;
}

/* Reads, checks and hashes a new password into hash. */
static bool new_password_hash(const ep_cli *cli, const char *username, const char *org_code,
			      char hash[EP_PASSWORD_HASH_MAX])
{
	char pw[EP_PASSWORD_MAX + 3];
	bool ok = read_password(cli, username, org_code, pw, sizeof pw);
	if (ok) {
		ep_password_cost cost = ep_password_cost_default();
		ep_err err;
		if (ep_password_hash(pw, &cost, hash, &err) != EP_OK) {
			ep_cli_fail(cli, "%s", err.msg);
			ok = false;
		}
	}
	explicit_bzero(pw, sizeof pw);
	return ok;
}

/* ---- transactions ---- */

/* Commits when s is EP_OK, otherwise rolls back; prints the problem. */
static int finish(const ep_cli *cli, ep_db *db, ep_status s, ep_err *err)
{
	if (s == EP_OK)
		s = ep_db_commit(db, err);
	if (s != EP_OK) {
		ep_db_rollback(db);
		ep_cli_fail(cli, "%s; nothing was changed", err->msg);
		return EP_EXIT_FAIL;
	}
	char anchor[1200];
	ep_audit_anchor_head(db, ep_cli_anchor(cli, anchor, sizeof anchor), NULL);
	return EP_EXIT_OK;
}

/* Opens the database and reads the account; prints the problem and returns NULL. */
static ep_db *open_with_user(ep_cli *cli, const char *name, ep_user *u)
{
	ep_db *db = ep_cli_open_db(cli, false, false);
	if (!db)
		return NULL;
	ep_err err;
	ep_status s = ep_db_user_by_name(db, name, u, &err);
	if (s != EP_OK) {
		if (s == EP_E_NOTFOUND)
			ep_cli_fail(cli, "no account '%s' ('empact user list' shows them)", name);
		else
			ep_cli_fail(cli, "%s", err.msg);
		ep_db_close(db);
		return NULL;
	}
	return db;
}

/* ---- the subcommands ---- */

static int user_add(ep_cli *cli, int argc, char **argv)
{
	static const char usage[] = "add NAME --org CODE [--clearance LEVEL] [--name TEXT] [--email ADDR]";
	const char *name = NULL, *org = NULL, *clearance = "unclassified", *display = NULL, *email = NULL;
	for (int i = 2; i < argc; i++) {
		const char **dst = strcmp(argv[i], "--org") == 0	   ? &org
				   : strcmp(argv[i], "--clearance") == 0 ? &clearance
				   : strcmp(argv[i], "--name") == 0	   ? &display
				   : strcmp(argv[i], "--email") == 0	   ? &email
									   : NULL;
		if (dst) {
			if (!(*dst = flag_value(cli, argc, argv, &i)))
				return EP_EXIT_USAGE;
		} else if (!name && argv[i][0] != '-') {
			name = argv[i];
		} else {
			return unknown_arg(cli, argv[i], usage);
		}
	}
	if (!name || !org) {
		ep_cli_fail(cli, "give the account's NAME and --org CODE (usage: empact user %s)", usage);
		return EP_EXIT_USAGE;
	}
	if (!check_username(cli, name))
		return EP_EXIT_USAGE;
	ep_class level;
	if (ep_class_parse(clearance, &level) != EP_OK) {
		ep_cli_fail(cli, "unknown clearance '%s': use %s", clearance, CLASS_LIST);
		return EP_EXIT_USAGE;
	}
	if (display && (!display[0] || strlen(display) > TEXT_MAX)) {
		ep_cli_fail(cli, "--name takes 1 to %d bytes", TEXT_MAX);
		return EP_EXIT_USAGE;
	}
	if (email && (strlen(email) > TEXT_MAX || !strchr(email, '@') || strchr(email, ' '))) {
		ep_cli_fail(cli, "'%s' is not an e-mail address", email);
		return EP_EXIT_USAGE;
	}
	if (level > cli->cfg.max_classification) {
		ep_cli_fail(cli, "clearance %s is above %s, the highest level this installation is accredited for",
			    ep_class_token(level), ep_class_token(cli->cfg.max_classification));
		return EP_EXIT_FAIL;
	}
	ep_db *db = ep_cli_open_db(cli, false, false);
	if (!db)
		return EP_EXIT_FAIL;
	int rc = EP_EXIT_FAIL;
	ep_err err;
	int64_t org_id, id = 0;
	ep_user existing;
	ep_status s = ep_db_org_id_by_code(db, org, &org_id, &err);
	if (s == EP_OK) {
		s = ep_db_user_by_name(db, name, &existing, &err);
		if (s == EP_OK)
			s = ep_err_set(&err, EP_E_CONFLICT, "username", "there is already an account '%s'", name);
		else if (s == EP_E_NOTFOUND)
			s = EP_OK;
	}
	if (s != EP_OK) {
		ep_cli_fail(cli, "%s", err.msg);
		goto done;
	}
	char hash[EP_PASSWORD_HASH_MAX];
	if (!new_password_hash(cli, name, org, hash))
		goto done;
	s = ep_db_begin(db, &err);
	if (s == EP_OK) {
		s = ep_db_user_insert(db, name, display, email, org_id, (int)level, hash, &id, &err);
		char detail[160];
		snprintf(detail, sizeof detail, "account created (organisation %s, clearance %s)", org,
			 ep_class_token(level));
		if (s == EP_OK)
			s = changed(db, "users.add", id, detail, &err);
		if ((rc = finish(cli, db, s, &err)) == EP_EXIT_OK)
			printf("created account %s (%s, clearance %s); give it a role with: empact user role %s ROLE\n", name,
			       org, ep_class_token(level), name);
	} else {
		ep_cli_fail(cli, "%s", err.msg);
	}
done:
	ep_db_close(db);
	return rc;
}

static int user_role(ep_cli *cli, int argc, char **argv)
{
	static const char usage[] = "role NAME ROLE [--scope KIND:ID] [--remove]";
	const char *name = NULL, *role = NULL, *scope_arg = NULL;
	bool remove = false;
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--scope") == 0) {
			if (!(scope_arg = flag_value(cli, argc, argv, &i)))
				return EP_EXIT_USAGE;
		} else if (strcmp(argv[i], "--remove") == 0) {
			remove = true;
		} else if (argv[i][0] != '-' && !name) {
			name = argv[i];
		} else if (argv[i][0] != '-' && !role) {
			role = argv[i];
		} else {
			return unknown_arg(cli, argv[i], usage);
		}
	}
	if (!name || !role) {
		ep_cli_fail(cli, "give the account's NAME and a ROLE (usage: empact user %s)", usage);
		return EP_EXIT_USAGE;
	}
	if (!check_username(cli, name))
		return EP_EXIT_USAGE;
	const ep_role_def *r = ep_role_def_find(role);
	if (!r) {
		ep_cli_fail(cli, "unknown role '%s': the roles are %s", role, EP_ROLE_LIST);
		return EP_EXIT_USAGE;
	}
	ep_role_scope sc;
	if (!scope_parse(cli, r, scope_arg, &sc))
		return EP_EXIT_USAGE;
	ep_user u;
	ep_db *db = open_with_user(cli, name, &u);
	if (!db)
		return EP_EXIT_FAIL;
	int rc = EP_EXIT_FAIL;
	/* A role is withdrawn even when what its scope names has gone since. */
	if (!remove && !scope_exists(cli, db, &sc))
		goto done;
	ep_err err;
	ep_status s = ep_db_begin(db, &err);
	if (s != EP_OK) {
		ep_cli_fail(cli, "%s", err.msg);
		goto done;
	}
	if (remove)
		s = ep_db_role_remove(db, u.id, r->name, sc.kind, sc.id, sc.country[0] ? sc.country : NULL, &err);
	else
		s = ep_db_role_add(db, u.id, r->name, sc.kind, sc.id, sc.country[0] ? sc.country : NULL, NULL, &err);
	if (s == EP_E_CONFLICT)
		ep_err_set(&err, s, "role", "%s already holds the role %s (%s)", name, r->name, sc.text);
	else if (s == EP_E_NOTFOUND)
		ep_err_set(&err, s, "role", "%s does not hold the role %s (%s)", name, r->name, sc.text);
	char detail[160];
	snprintf(detail, sizeof detail, "role %s (%s) %s", r->name, sc.text, remove ? "withdrawn" : "granted");
	if (s == EP_OK)
		s = changed(db, remove ? "users.role_remove" : "users.role_add", u.id, detail, &err);
	if ((rc = finish(cli, db, s, &err)) == EP_EXIT_OK)
		printf("%s %s (%s) %s %s\n", remove ? "withdrew" : "granted", r->name, sc.text, remove ? "from" : "to",
		       name);
done:
	ep_db_close(db);
	return rc;
}

/* NAME alone: the argument of passwd, disable and enable. */
static const char *only_name(const ep_cli *cli, int argc, char **argv, const char *usage)
{
	if (argc != 3 || argv[2][0] == '-') {
		if (argc > 3 || (argc == 3 && argv[2][0] == '-'))
			unknown_arg(cli, argv[argc > 3 ? 3 : 2], usage);
		else
			ep_cli_fail(cli, "give the account's NAME (usage: empact user %s)", usage);
		return NULL;
	}
	return check_username(cli, argv[2]) ? argv[2] : NULL;
}

static int user_passwd(ep_cli *cli, int argc, char **argv)
{
	const char *name = only_name(cli, argc, argv, "passwd NAME");
	if (!name)
		return EP_EXIT_USAGE;
	ep_user u;
	ep_db *db = open_with_user(cli, name, &u);
	if (!db)
		return EP_EXIT_FAIL;
	int rc = EP_EXIT_FAIL;
	char hash[EP_PASSWORD_HASH_MAX];
	if (new_password_hash(cli, name, u.org_code[0] ? u.org_code : NULL, hash)) {
		ep_err err;
		ep_status s = ep_db_begin(db, &err);
		if (s == EP_OK) {
			s = ep_db_user_set_password(db, u.id, hash, &err);
			if (s == EP_OK)
				s = changed(db, "users.passwd", u.id, "password changed; sessions ended", &err);
			if ((rc = finish(cli, db, s, &err)) == EP_EXIT_OK)
				printf("changed the password of %s and ended its sessions\n", name);
		} else {
			ep_cli_fail(cli, "%s", err.msg);
		}
	}
	ep_db_close(db);
	return rc;
}

static int user_disable(ep_cli *cli, int argc, char **argv, bool disable)
{
	const char *name = only_name(cli, argc, argv, disable ? "disable NAME" : "enable NAME");
	if (!name)
		return EP_EXIT_USAGE;
	ep_user u;
	ep_db *db = open_with_user(cli, name, &u);
	if (!db)
		return EP_EXIT_FAIL;
	ep_err err;
	int rc = EP_EXIT_FAIL;
	ep_status s = ep_db_begin(db, &err);
	if (s == EP_OK) {
		s = ep_db_user_set_disabled(db, u.id, disable, &err);
		if (s == EP_OK)
			s = changed(db, disable ? "users.disable" : "users.enable", u.id,
				    disable ? "account disabled; sessions ended" : "account enabled", &err);
		if ((rc = finish(cli, db, s, &err)) == EP_EXIT_OK) {
			if (disable)
				printf("disabled %s: its sessions were ended and its API tokens stop working\n", name);
			else
				printf("enabled %s\n", name);
		}
	} else {
		ep_cli_fail(cli, "%s", err.msg);
	}
	ep_db_close(db);
	return rc;
}

static int user_token(ep_cli *cli, int argc, char **argv)
{
	static const char usage[] = "token NAME [--expires DAYS] [--label TEXT]";
	const char *name = NULL, *expires = NULL, *label = "cli";
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--expires") == 0) {
			if (!(expires = flag_value(cli, argc, argv, &i)))
				return EP_EXIT_USAGE;
		} else if (strcmp(argv[i], "--label") == 0) {
			if (!(label = flag_value(cli, argc, argv, &i)))
				return EP_EXIT_USAGE;
		} else if (argv[i][0] != '-' && !name) {
			name = argv[i];
		} else {
			return unknown_arg(cli, argv[i], usage);
		}
	}
	if (!name) {
		ep_cli_fail(cli, "give the account's NAME (usage: empact user %s)", usage);
		return EP_EXIT_USAGE;
	}
	if (!check_username(cli, name))
		return EP_EXIT_USAGE;
	int64_t days = TOKEN_DAYS_DEFAULT;
	if (expires && ep_parse_i64z(expires, 1, TOKEN_DAYS_MAX, &days) != EP_OK) {
		ep_cli_fail(cli, "--expires takes a number of days from 1 to %d, not '%s'", TOKEN_DAYS_MAX, expires);
		return EP_EXIT_USAGE;
	}
	if (!label[0] || strlen(label) > TOKEN_LABEL_MAX) {
		ep_cli_fail(cli, "--label takes 1 to %d bytes", TOKEN_LABEL_MAX);
		return EP_EXIT_USAGE;
	}
	ep_user u;
	ep_db *db = open_with_user(cli, name, &u);
	if (!db)
		return EP_EXIT_FAIL;
	int rc = EP_EXIT_FAIL;
	if (u.disabled) {
		ep_cli_fail(cli, "%s is disabled; enable it first (empact user enable %s)", name, name);
		ep_db_close(db);
		return rc;
	}
	char token[EP_TOKEN_LEN];
	unsigned char hash[EP_TOKEN_HASH];
	ep_token_new(EP_TOKEN_API, token);
	ep_token_hash(token, hash);
	int64_t now = ep_time_now(), until = now + days * 86400, id = 0;
	char when[EP_TIMESTAMP_LEN];
	ep_time_format(until, when);
	ep_err err;
	ep_status s = ep_db_begin(db, &err);
	if (s == EP_OK) {
		s = ep_db_token_insert(db, u.id, label, hash, now, until, &id, &err);
		char detail[TOKEN_LABEL_MAX + 96];
		snprintf(detail, sizeof detail, "API token %lld '%s' created, expires %s", (long long)id, label, when);
		if (s == EP_OK)
			s = changed(db, "users.token", u.id, detail, &err);
		if ((rc = finish(cli, db, s, &err)) == EP_EXIT_OK) {
			printf("%s\n", token);
			fflush(stdout);
			fprintf(stderr,
				"API token %lld '%s' of %s expires %s. It is shown only this once: keep it "
				"secret, empact keeps only its hash.\n",
				(long long)id, label, name, when);
		}
	} else {
		ep_cli_fail(cli, "%s", err.msg);
	}
	explicit_bzero(token, sizeof token);
	ep_db_close(db);
	return rc;
}

/* "nec country:NL, driver priority:4, admin" into out. */
static void roles_text(json_t *roles, char *out, size_t n)
{
	size_t used = 0;
	out[0] = '\0';
	size_t i;
	json_t *r;
	json_array_foreach(roles, i, r)
	{
		const char *role = json_string_value(json_object_get(r, "role"));
		const char *kind = json_string_value(json_object_get(r, "scope_kind"));
		const char *country = json_string_value(json_object_get(r, "scope_country"));
		json_int_t id = json_integer_value(json_object_get(r, "scope_id"));
		int w;
		if (country)
			w = snprintf(out + used, n - used, "%s%s %s:%s", i ? ", " : "", role, kind, country);
		else if (id)
			w = snprintf(out + used, n - used, "%s%s %s:%lld", i ? ", " : "", role, kind, (long long)id);
		else
			w = snprintf(out + used, n - used, "%s%s", i ? ", " : "", role);
		if (w < 0 || (size_t)w >= n - used) {
			/* Cut, but say so. */
			if (n > 4)
				memcpy(out + n - 4, "...", 4);
			return;
		}
		used += (size_t)w;
	}
	if (!used && n > 1)
		memcpy(out, "-", 2);
}

static int user_list(ep_cli *cli, int argc, char **argv)
{
	if (argc > 2)
		return unknown_arg(cli, argv[2], "list");
	ep_db *db = ep_cli_open_db(cli, false, false);
	if (!db)
		return EP_EXIT_FAIL;
	ep_err err;
	json_t *items = NULL;
	int rc = EP_EXIT_OK;
	if (ep_db_users_json(db, &items, &err) != EP_OK) {
		ep_cli_fail(cli, "%s", err.msg);
		rc = EP_EXIT_FAIL;
	} else if (json_array_size(items) == 0) {
		fprintf(stderr, "no accounts yet; add the first with: empact user add NAME --org CODE, then: "
				"empact user role NAME admin\n");
	} else {
		printf("%-20s %-12s %-15s %-8s %-4s %s\n", "USER", "ORG", "CLEARANCE", "STATE", "TOTP", "ROLES");
		size_t i;
		json_t *u;
		json_array_foreach(items, i, u)
		{
			char rs[1024];
			const char *org = json_string_value(json_object_get(u, "org_code"));
			roles_text(json_object_get(u, "roles"), rs, sizeof rs);
			printf("%-20s %-12s %-15s %-8s %-4s %s\n", json_string_value(json_object_get(u, "username")),
			       org ? org : "-", json_string_value(json_object_get(u, "clearance")),
			       json_is_true(json_object_get(u, "disabled")) ? "disabled" : "active",
			       json_is_true(json_object_get(u, "totp")) ? "yes" : "no", rs);
		}
	}
	json_decref(items);
	ep_db_close(db);
	return rc;
}

int ep_cli_user(ep_cli *cli, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "";
	if (strcmp(sub, "add") == 0)
		return user_add(cli, argc, argv);
	if (strcmp(sub, "role") == 0)
		return user_role(cli, argc, argv);
	if (strcmp(sub, "passwd") == 0)
		return user_passwd(cli, argc, argv);
	if (strcmp(sub, "disable") == 0)
		return user_disable(cli, argc, argv, true);
	if (strcmp(sub, "enable") == 0)
		return user_disable(cli, argc, argv, false);
	if (strcmp(sub, "token") == 0)
		return user_token(cli, argc, argv);
	if (strcmp(sub, "list") == 0)
		return user_list(cli, argc, argv);
	if (sub[0])
		ep_cli_fail(cli, "no subcommand '%s': use add, role, passwd, disable, enable, token or list", sub);
	else
		ep_cli_fail(cli, "give a subcommand: add, role, passwd, disable, enable, token or list ('empact user "
				 "--help' explains them)");
	return EP_EXIT_USAGE;
}
