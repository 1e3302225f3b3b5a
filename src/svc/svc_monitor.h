/*
 * Progress reports (and the Support Team chasing the missing ones), KPI actuals and the links
 * and results of Joint Action Days and grants: the checks and writes behind their routes. Like
 * every service, a failure changes nothing and reports each problem with its field.
 */
#ifndef EP_SVC_MONITOR_H
#define EP_SVC_MONITOR_H

#include <jansson.h>

#include "svc/svc_res.h"

/* A report with its history, KPI actuals, practices and narrative rendered as HTML. */
ep_status ep_svc_report_get(ep_db *db, int64_t id, json_t **out, ep_err *err);
/* Asks for a report the round did not create: {"round_id", "action_id"}; the action must owe
 * one in the round. */
ep_status ep_svc_report_create(ep_db *db, const ep_rules *rules, const ep_actor *who, json_t *body, int64_t *id,
			       ep_errs *errs, ep_err *err);
/* The Support Team chases the missing reports of an open round, in one transaction: every
 * action that owes a report and has none is asked for one (as opening the round does), and every
 * report not yet submitted (requested, draft, returned) that vis may read gets a reminder from
 * who, with body's optional "message" (a text of at most 2000 characters; blank is none).
 * *out (the caller's): {"round", "sent_at", "sent_by", "message", "reminded", "created",
 * "reports": [{report_id, action_id, number, title, oap_id, priority_code, status, leader,
 * leader_country, created, chase_count, last_chased_at}], "by_leader": [{leader, leader_country,
 * reports, created}], "classification", "marking"}, counting what vis may read; *asked (may be
 * NULL): every report asked for, also of actions vis may not read. A round that is not open is
 * refused (EP_E_INVALID, the problem on "status"), an unknown one is EP_E_NOTFOUND. */
ep_status ep_svc_round_chase(ep_db *db, const ep_vis *vis, const ep_actor *who, int64_t round_id, json_t *body,
			     json_t **out, int64_t *asked, ep_errs *errs, ep_err *err);
/* Saves a report at version: its fields, "kpi_actuals" and "practices". */
ep_status ep_svc_report_update(ep_db *db, const ep_rules *rules, const ep_actor *who, int64_t id, int64_t version,
			       json_t *body, ep_errs *errs, ep_err *err);
/* Records the actual of an OAP, goal or shared-goal KPI in a round: {"value", "note"}. */
ep_status ep_svc_kpi_actual_put(ep_db *db, int64_t kpi_id, int64_t round_id, json_t *body, ep_errs *errs, ep_err *err);
/* Replaces the links of a JAD ({"participants", "actions", "priorities"}) or a grant
 * ({"beneficiaries", "actions"}) at version; resource is "jads" or "grants". An action or
 * priority the caller (vis) may not read is refused as missing. */
ep_status ep_svc_links_put(ep_db *db, const ep_vis *vis, const char *resource, int64_t id, int64_t version,
			   json_t *body, ep_errs *errs, ep_err *err);
/* Replaces the results of a conducted JAD at version: {"results": [{"metric", "value", "unit"}]}. */
ep_status ep_svc_jad_results_put(ep_db *db, int64_t id, int64_t version, json_t *body, ep_errs *errs, ep_err *err);
/* Adds the links (and results) of a JAD or a grant to its record. */
ep_status ep_svc_links_embed(ep_db *db, const char *resource, json_t *record, ep_err *err);

#endif
