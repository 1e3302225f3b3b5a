/*
 * The roll-ups of monitoring (docs/monitoring.md): each is computed in one read from what the
 * caller may read (vis: an action, report, KPI, goal, grant or JAD the caller may not read is
 * left out of every count and sum) and returned as a JSON document of flat tables, with the
 * classification and marking of the highest record it was computed from. today ("YYYY-MM-DD")
 * decides which missing reports are overdue.
 */
#ifndef EP_DB_ROLLUP_H
#define EP_DB_ROLLUP_H

#include <jansson.h>

#include "db/db_res.h"

/* Achievement of value v against target t (baseline b when has_b) in direction dir, rounded to
 * 4 decimals; false when it is undefined (a target equal to its baseline, or zero). */
bool ep_kpi_achievement(double v, double t, bool has_b, double b, const char *dir, double *out);

/* round_id 0: the latest round of the OAP's cycle that is not planned. */
ep_status ep_db_rollup_oap(ep_db *db, const ep_vis *vis, int64_t oap_id, int64_t round_id, const char *today,
			   json_t **out, ep_err *err);
ep_status ep_db_rollup_overview(ep_db *db, const ep_vis *vis, int64_t round_id, const char *today, json_t **out,
				ep_err *err);
/* The reports of the round not yet submitted, each with how often and when last the Support Team
 * chased it and its last message ("chase_count", "last_chased_at", "last_chase_message"). */
ep_status ep_db_rollup_missing(ep_db *db, const ep_vis *vis, int64_t round_id, const char *today, json_t **out,
			       ep_err *err);
/* round_id 0: the latest round of the cycle that is not planned. */
ep_status ep_db_rollup_goals(ep_db *db, const ep_vis *vis, int64_t cycle_id, int64_t round_id, json_t **out,
			     ep_err *err);
ep_status ep_db_rollup_matrix(ep_db *db, const ep_vis *vis, int64_t oap_id, json_t **out, ep_err *err);
ep_status ep_db_rollup_funding(ep_db *db, const ep_vis *vis, int64_t cycle_id, json_t **out, ep_err *err);
ep_status ep_db_rollup_jads(ep_db *db, const ep_vis *vis, int64_t cycle_id, json_t **out, ep_err *err);
ep_status ep_db_rollup_sheet(ep_db *db, const ep_vis *vis, int64_t action_id, json_t **out, ep_err *err);

#endif
