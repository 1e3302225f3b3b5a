/*
 * Storage of monitoring and reporting: what opening, chasing and compiling a reporting round
 * writes, the history, KPI actuals, practices and reminders of progress reports, follow-up
 * items, carrying an action over into the next OAP, and the links and results of Joint Action
 * Days and grants.
 * Every writer runs inside the caller's transaction.
 */
#ifndef EP_DB_MONITOR_H
#define EP_DB_MONITOR_H

#include <jansson.h>

#include "db/db_res.h"

/* Gives every action that owes a report in the round (planned or ongoing, not archived, of an
 * adopted or implemented OAP of the round's cycle whose years cover year) a requested report
 * at the action's classification and marking. *created: how many. */
ep_status ep_db_round_open_reports(ep_db *db, int64_t round_id, int64_t year, const char *now, int64_t *created,
				   ep_err *err);
/* The id of another open round of the same cycle, 0 if there is none. */
ep_status ep_db_round_other_open(ep_db *db, int64_t round_id, int64_t *other, ep_err *err);
/* Moves every consolidated report of the round to compiled, recording each move. */
ep_status ep_db_round_compile(ep_db *db, int64_t round_id, const char *now, int64_t actor_id, const char *actor,
			      int64_t *compiled, ep_err *err);
/* The highest ids of progress reports and of reminders so far: what a chase then adds has higher
 * ones, which is how its answer tells the reports it asked for and the reminders it recorded. */
ep_status ep_db_chase_marks(ep_db *db, int64_t *report_id, int64_t *reminder_id, ep_err *err);
/* Records a reminder of the Support Team (actor; message NULL for none) on every report of the
 * round not yet submitted (requested, draft or returned) that vis may read. *reminded: how many. */
ep_status ep_db_round_remind(ep_db *db, const ep_vis *vis, int64_t round_id, const char *now, int64_t actor_id,
			     const char *actor, const char *message, int64_t *reminded, ep_err *err);
/* The reports the reminders after reminder_mark were recorded on, in plan order:
 * [{report_id, action_id, number, title, oap_id, priority_code, status, leader, leader_country,
 * created (the report is after report_mark: asked for by this chase), chase_count, last_chased_at}],
 * and the highest classification and marking among them (*cls, *mark). */
ep_status ep_db_round_reminded(ep_db *db, int64_t round_id, int64_t reminder_mark, int64_t report_mark, json_t **rows,
			       int *cls, int *mark, ep_err *err);
/* Whether the round of a report is open: *status gets the round's status (a static string). */
ep_status ep_db_report_round_status(ep_db *db, int64_t report_id, char status[16], ep_err *err);

ep_status ep_db_report_event_add(ep_db *db, int64_t report_id, const char *at, int64_t actor_id, const char *actor,
				 const char *from, const char *to, const char *comment, ep_err *err);
/* Adds "history", "kpi_actuals", "practices" and the Support Team's reminders to a report read by
 * ep_db_res_get: "reminders" [{sent_at, sent_by, message}] newest first, "chase_count" and
 * "last_chased_at" (null when it was never chased). */
ep_status ep_db_report_embed(ep_db *db, json_t *report, ep_err *err);
/* Records a save of a report: meta holds its new "status", "updated_at" and "author_id" (the
 * version was moved by the save itself). */
ep_status ep_db_report_saved(ep_db *db, int64_t report_id, json_t *meta, ep_err *err);
/* The practices a report carries until it is submitted, as JSON text (NULL: none). */
ep_status ep_db_report_practices_set(ep_db *db, int64_t report_id, const char *json, ep_err *err);
/* Puts the report's practices into the good-practice register, replacing what an earlier
 * submission of the same report put there and nobody has shared yet. */
ep_status ep_db_practices_register(ep_db *db, int64_t report_id, int64_t actor_id, ep_err *err);
/* Opens the follow-up item of a report's action and round, unless one is open already. */
ep_status ep_db_follow_up_open(ep_db *db, int64_t report_id, const char *text, const char *now, ep_err *err);

/* Sets (value not NULL) or removes the actual of a KPI in a round. */
ep_status ep_db_kpi_actual_set(ep_db *db, int64_t kpi_id, int64_t round_id, int64_t report_id, const double *value,
			       const char *note, ep_err *err);
/* The actuals of a KPI by round: [{round_id, round, value, note, report_id, report_status}]. */
ep_status ep_db_kpi_actuals(ep_db *db, int64_t kpi_id, json_t **out, ep_err *err);
/* The number of KPIs that feed kpi_id. */
ep_status ep_db_kpi_feeders(ep_db *db, int64_t kpi_id, int64_t *n, ep_err *err);

/* A new action in oap_id continuing from_id: its texts, leaders, participants (invited),
 * goals and KPIs (without actuals), with predecessor_id set. */
ep_status ep_db_action_carry_over(ep_db *db, int64_t from_id, int64_t oap_id, const char *number, int64_t *new_id,
				  ep_err *err);

/* The link sets of Joint Action Days and grants. */
typedef enum ep_mlink {
	EP_ML_JAD_PARTICIPANTS,
	EP_ML_JAD_ACTIONS,
	EP_ML_JAD_PRIORITIES,
	EP_ML_GRANT_BENEFICIARIES,
	EP_ML_GRANT_ACTIONS,
} ep_mlink;
/* Replaces the set kind of parent_id by ids (a JSON array of integers). */
ep_status ep_db_mlinks_replace(ep_db *db, ep_mlink kind, int64_t parent_id, json_t *ids, ep_err *err);
/* The set as a JSON array of ids. */
ep_status ep_db_mlinks(ep_db *db, ep_mlink kind, int64_t parent_id, json_t **ids, ep_err *err);
/* Replaces the results of a JAD by results ([{metric, value, unit}], already checked). */
ep_status ep_db_jad_results_replace(ep_db *db, int64_t jad_id, json_t *results, ep_err *err);
ep_status ep_db_jad_results(ep_db *db, int64_t jad_id, json_t **out, ep_err *err);

#endif
