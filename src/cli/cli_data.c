/*
 * The database and dataset commands: init, migrate, load, export and check-config.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/embed.h"
#include "svc/svc_dataset.h"
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
	ep_db_close(db);
	if (rc != EP_EXIT_OK) {
		/* A half-made database is worse than none: remove what this run created. */
		if (!existed)
			remove_db_files(cli->cfg.db);
		return rc;
	}
	printf("created %s (schema %d)%s\n", cli->cfg.db, ep_db_latest_schema(), demo ? " with the demo data" : "");
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
	ep_status s = ep_svc_dataset_load(db, &rules, data, len, &errs, &stats, &err);
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
