/*
 * libFuzzer target for the dataset loader (docs/dataset.md). Each input is loaded into an empty,
 * migrated in-memory database. Beyond "no crash, no leak", it checks the promises of the format:
 * a file the loader accepts exports to a dataset that loads again and exports to the same bytes;
 * a file it refuses as invalid comes with at least one problem that says why and changes nothing;
 * and a file never makes the loader fail as if the database had (EP_E_INTERNAL), because a fresh
 * in-memory database does not fail: that status means a rule of the schema that the loader's
 * validation does not check.
 *
 * Opening and migrating a database costs far more than loading a small file, and most inputs
 * are refused, so the empty database is kept from one input to the next as long as the loads
 * leave it empty (which is checked); after an accepted file it is replaced by a fresh one.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"
#include "db/db.h"
#include "svc/svc_dataset.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const ep_rules rules = {.max_class = EP_CLASS_RESTREINT};

/* A fresh, migrated in-memory database; aborts if there is none, because then nothing below
 * tests the loader. */
static ep_db *fresh_db(void)
{
	ep_db *db = NULL;
	ep_err err = {0};
	if (ep_db_open(":memory:", &(ep_db_opts){.create = true}, &db, &err) != EP_OK ||
	    ep_db_migrate(db, NULL, &err) != EP_OK) {
		fprintf(stderr, "fuzz_dataset: cannot set up the database: %s\n", err.msg);
		abort();
	}
	return db;
}

static void print_errs(const char *what, const ep_errs *errs)
{
	fprintf(stderr, "fuzz_dataset: %s: %zu problem(s)\n", what, ep_errs_count(errs));
	for (size_t i = 0; i < errs->n && i < 20; i++)
		fprintf(stderr, "  %s: %s\n", errs->items[i].path, errs->items[i].msg);
}

/* Exports db into a malloc'd buffer (*out, *outlen); aborts when the export fails. */
static void export_all(ep_db *db, char **out, size_t *outlen)
{
	ep_err err = {0};
	*out = NULL;
	*outlen = 0;
	FILE *f = open_memstream(out, outlen);
	if (!f)
		abort();
	ep_status s = ep_svc_dataset_export(db, NULL, f, &err);
	if (fclose(f) != 0 || s != EP_OK) {
		fprintf(stderr, "fuzz_dataset: export failed (%s): %s\n", ep_status_name(s), err.msg);
		abort();
	}
}

/* The load-export-load-export round trip of an accepted file. */
static void check_round_trip(ep_db *db)
{
	char *e1 = NULL, *e2 = NULL;
	size_t n1 = 0, n2 = 0;
	export_all(db, &e1, &n1);

	ep_db *db2 = fresh_db();
	ep_errs errs;
	ep_errs_init(&errs);
	ep_err err = {0};
	ep_status s = ep_svc_dataset_load(db2, &rules, e1, n1, &errs, NULL, &err);
	if (s != EP_OK) {
		fprintf(stderr, "fuzz_dataset: the export of an accepted file does not load (%s): %s\n",
			ep_status_name(s), err.msg);
		print_errs("reloading the export", &errs);
		fprintf(stderr, "--- export ---\n%.*s\n", (int)n1, e1);
		abort();
	}
	export_all(db2, &e2, &n2);
	if (n1 != n2 || memcmp(e1, e2, n1) != 0) {
		fprintf(stderr, "fuzz_dataset: export, load, export does not give the same bytes\n");
		fprintf(stderr, "--- first export ---\n%.*s\n--- second export ---\n%.*s\n", (int)n1, e1, (int)n2, e2);
		abort();
	}
	ep_errs_release(&errs);
	ep_db_close(db2);
	free(e1);
	free(e2);
}

/* Aborts unless db holds no rows: a refused file must change nothing. */
static void check_empty(ep_db *db)
{
	ep_db_counts c;
	ep_err err = {0};
	if (ep_db_counts_get(db, &c, &err) != EP_OK) {
		fprintf(stderr, "fuzz_dataset: cannot count rows: %s\n", err.msg);
		abort();
	}
	if (c.organisations || c.cycles || c.priorities || c.goals || c.shared_goals || c.oaps || c.sections ||
	    c.actions || c.participants || c.kpis || c.documents) {
		fprintf(stderr, "fuzz_dataset: a refused file left rows in the database\n");
		abort();
	}
}

/* The empty database the next input is loaded into. */
static ep_db *empty_db;

static void release_empty_db(void)
{
	ep_db_close(empty_db);
	empty_db = NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!empty_db) {
		empty_db = fresh_db();
		atexit(release_empty_db);
	}
	ep_errs errs;
	ep_errs_init(&errs);
	ep_err err = {0};
	ep_status s = ep_svc_dataset_load(empty_db, &rules, (const char *)data, size, &errs, NULL, &err);
	if (s == EP_OK) {
		check_round_trip(empty_db);
		ep_db_close(empty_db);
		empty_db = fresh_db();
	} else if (s == EP_E_INVALID) {
		if (ep_errs_count(&errs) == 0) {
			fprintf(stderr, "fuzz_dataset: refused as invalid without a problem to show\n");
			abort();
		}
		check_empty(empty_db);
	} else {
		fprintf(stderr, "fuzz_dataset: load failed with %s: %s%s%s\n", ep_status_name(s),
			err.field[0] ? err.field : "", err.field[0] ? ": " : "", err.msg);
		print_errs("load", &errs);
		abort();
	}
	ep_errs_release(&errs);
	return 0;
}
