/*
 * The handlers of the API, one file per resource family. Handlers are view-neutral: they
 * read the request, call the services and put the data of the answer in the response; the
 * route table (src/http/routes.c) binds them to paths and permissions.
 */
#ifndef EP_API_H
#define EP_API_H

#include "http/req.h"

/* Generic resource handlers: the resource is the route's schema; a nested list binds the
 * route's first {id} to its bind field. */
ep_status ep_api_list(ep_req *req, ep_resp *resp);
ep_status ep_api_get(ep_req *req, ep_resp *resp);
ep_status ep_api_create(ep_req *req, ep_resp *resp);
ep_status ep_api_update(ep_req *req, ep_resp *resp);
ep_status ep_api_delete(ep_req *req, ep_resp *resp);
ep_status ep_api_transition(ep_req *req, ep_resp *resp);

/* Action links: POST adds, PATCH changes, DELETE removes (the link target is the second {id}). */
ep_status ep_api_leader_add(ep_req *req, ep_resp *resp);
ep_status ep_api_leader_set(ep_req *req, ep_resp *resp);
ep_status ep_api_leader_remove(ep_req *req, ep_resp *resp);
ep_status ep_api_participant_add(ep_req *req, ep_resp *resp);
ep_status ep_api_participant_set(ep_req *req, ep_resp *resp);
ep_status ep_api_participant_remove(ep_req *req, ep_resp *resp);
ep_status ep_api_goal_link_add(ep_req *req, ep_resp *resp);
ep_status ep_api_goal_link_remove(ep_req *req, ep_resp *resp);
ep_status ep_api_xref_add(ep_req *req, ep_resp *resp);
ep_status ep_api_xref_set(ep_req *req, ep_resp *resp);
ep_status ep_api_xref_remove(ep_req *req, ep_resp *resp);
ep_status ep_api_referenced_by(ep_req *req, ep_resp *resp);

/* Signing in and the caller's own account (api_auth.c). */
ep_status ep_api_login(ep_req *req, ep_resp *resp);
ep_status ep_api_logout(ep_req *req, ep_resp *resp);
ep_status ep_api_session(ep_req *req, ep_resp *resp);
ep_status ep_api_password(ep_req *req, ep_resp *resp);
ep_status ep_api_totp_begin(ep_req *req, ep_resp *resp);
ep_status ep_api_totp_confirm(ep_req *req, ep_resp *resp);
ep_status ep_api_tokens_list(ep_req *req, ep_resp *resp);
ep_status ep_api_token_create(ep_req *req, ep_resp *resp);
ep_status ep_api_token_revoke(ep_req *req, ep_resp *resp);
/* Accounts, their roles and the audit trail (api_admin.c). */
ep_status ep_api_users_list(ep_req *req, ep_resp *resp);
ep_status ep_api_user_get(ep_req *req, ep_resp *resp);
ep_status ep_api_roles_list(ep_req *req, ep_resp *resp);
ep_status ep_api_user_create(ep_req *req, ep_resp *resp);
ep_status ep_api_user_update(ep_req *req, ep_resp *resp);
ep_status ep_api_user_role_grant(ep_req *req, ep_resp *resp);
ep_status ep_api_user_role_withdraw(ep_req *req, ep_resp *resp);
ep_status ep_api_user_password(ep_req *req, ep_resp *resp);
ep_status ep_api_user_totp_reset(ep_req *req, ep_resp *resp);
ep_status ep_api_audit_list(ep_req *req, ep_resp *resp);

/* Council documents (api_doc.c): renders and the partial declassification workflow. */
ep_status ep_api_render_document(ep_req *req, ep_resp *resp);
ep_status ep_api_render_oap(ep_req *req, ep_resp *resp);
ep_status ep_api_render_cycle(ep_req *req, ep_resp *resp);
ep_status ep_api_render_oap_report(ep_req *req, ep_resp *resp);
ep_status ep_api_render_overview(ep_req *req, ep_resp *resp);
ep_status ep_api_declass_get(ep_req *req, ep_resp *resp);
ep_status ep_api_declass_subject(ep_req *req, ep_resp *resp);
ep_status ep_api_declass_propose(ep_req *req, ep_resp *resp);
ep_status ep_api_declass_redactions(ep_req *req, ep_resp *resp);
ep_status ep_api_declass_sign_off(ep_req *req, ep_resp *resp);

/* Monitoring and reporting (api_monitor.c). */
ep_status ep_api_report_get(ep_req *req, ep_resp *resp);
ep_status ep_api_report_create(ep_req *req, ep_resp *resp);
ep_status ep_api_report_update(ep_req *req, ep_resp *resp);
/* POST /reporting-rounds/{id}/chase: the Support Team asks for the missing reports and reminds their leaders. */
ep_status ep_api_round_chase(ep_req *req, ep_resp *resp);
ep_status ep_api_kpi_actuals(ep_req *req, ep_resp *resp);
ep_status ep_api_kpi_actual_put(ep_req *req, ep_resp *resp);
ep_status ep_api_links_put(ep_req *req, ep_resp *resp);
ep_status ep_api_jad_results_put(ep_req *req, ep_resp *resp);
ep_status ep_api_rollup_sheet(ep_req *req, ep_resp *resp);
ep_status ep_api_rollup_oap(ep_req *req, ep_resp *resp);
ep_status ep_api_rollup_overview(ep_req *req, ep_resp *resp);
ep_status ep_api_rollup_missing(ep_req *req, ep_resp *resp);
ep_status ep_api_rollup_goals(ep_req *req, ep_resp *resp);
ep_status ep_api_rollup_matrix(ep_req *req, ep_resp *resp);
ep_status ep_api_rollup_funding(ep_req *req, ep_resp *resp);
ep_status ep_api_rollup_jads(ep_req *req, ep_resp *resp);
/* Parses an If-Match value ("3", "\"3\"" or W/"3") into a version. */
ep_status ep_api_if_match(const ep_req *req, int64_t *version, ep_err *err);

#endif
