/*
 * Datasets (docs/dataset.md): loading a whole file all-or-nothing, and exporting the database
 * or one cycle in the canonical layout, so that load followed by export gives back the same
 * bytes.
 */
#ifndef EP_SVC_DATASET_H
#define EP_SVC_DATASET_H

#include <stddef.h>
#include <stdio.h>

#include "core/status.h"
#include "db/db.h"
#include "svc/svc_rules.h"

#define EP_DATASET_FORMAT "empact-dataset/1"
#define EP_DATASET_MAX_BYTES ((size_t)256 << 20)

typedef struct ep_load_stats {
	size_t organisations, cycles, priorities, goals, shared_goals, oaps, sections, actions, documents;
} ep_load_stats;

/*
 * Validates the dataset text data[0..len) as a whole, reporting every problem to errs with its
 * JSON path; if there is none, writes it in one transaction. EP_E_INVALID when the file has
 * problems (nothing written), EP_E_INTERNAL (with err) when the database failed (rolled back,
 * nothing written). stats (may be NULL) gets what was loaded.
 */
ep_status ep_svc_dataset_load(ep_db *db, const ep_rules *rules, const char *data, size_t len, ep_errs *errs,
			      ep_load_stats *stats, ep_err *err);

/*
 * Writes the whole database, or with cycle_label the cycle, its OAPs, its documents and the
 * organisations they refer to, as a dataset to out. EP_E_NOTFOUND for an unknown cycle.
 */
ep_status ep_svc_dataset_export(ep_db *db, const char *cycle_label, FILE *out, ep_err *err);

#endif
