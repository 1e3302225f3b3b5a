/*
 * Council documents over HTTP: rendering a document, an OAP, a cycle's goals or a roll-up at a
 * release level (the bytes of the file, with a download name), and the partial declassification
 * workflow. The render's own answer data (what it shows) is what the router audits, so the
 * rendering of classified or LIMITE content is recorded like any read of it.
 */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/time.h"
#include "http/http.h"
#include "svc/svc_doc.h"

#include "core/banned.h"

static ep_actor actor(const ep_req *req)
{
	return (ep_actor){req->who ? req->who->user.id : 0, req->who ? ep_principal_name(req->who) : NULL};
}

static ep_status render(ep_req *req, ep_resp *resp, ep_doc_target_kind kind)
{
	ep_doc_target t = {.kind = kind, .id = req->ids[0]};
	const char *round = ep_query_get(&req->query, "round_id");
	if (round)
		t.round_id = strtoll(round, NULL, 10); /* the route's parameter check made it a positive integer */
	ep_doc_file f;
	size_t max = req->cfg && req->cfg->max_render_bytes > 0 ? (size_t)req->cfg->max_render_bytes : EP_DOC_MAX_BYTES;
	ep_status s = ep_svc_doc_render(req->db, req->vis, &t, ep_query_get(&req->query, "format"),
					ep_query_get(&req->query, "release"), max, &f, &resp->err);
	if (s == EP_OK) {
		size_t len = 0;
		resp->text = ep_buf_detach(&f.body, &len);
		resp->text_len = len;
		resp->content_type = f.mime;
		snprintf(resp->filename, sizeof resp->filename, "%s", f.filename);
		/* What the render shows, for the audit of classified and LIMITE reads. */
		s = ep_resp_json(resp, json_pack("{s:s, s:s, s:s, s:s}", "document", f.number, "release", f.release,
						 "classification", f.shown, "marking", f.shown_limite ? "limite" : "none"));
	}
	ep_buf_release(&f.body);
	return s;
}

ep_status ep_api_render_document(ep_req *req, ep_resp *resp)
{
	return render(req, resp, EP_DOCT_DOCUMENT);
}

ep_status ep_api_render_oap(ep_req *req, ep_resp *resp)
{
	return render(req, resp, EP_DOCT_OAP);
}

ep_status ep_api_render_cycle(ep_req *req, ep_resp *resp)
{
	return render(req, resp, EP_DOCT_CYCLE);
}

ep_status ep_api_render_oap_report(ep_req *req, ep_resp *resp)
{
	return render(req, resp, EP_DOCT_OAP_REPORT);
}

ep_status ep_api_render_overview(ep_req *req, ep_resp *resp)
{
	return render(req, resp, EP_DOCT_OVERVIEW);
}

static ep_status declassification_answer(ep_req *req, ep_resp *resp, int64_t id)
{
	json_t *rec = NULL;
	ep_status s = ep_svc_doc_declassification(req->db, req->vis, id, &rec, &resp->err);
	if (s != EP_OK)
		return s;
	resp->version = json_integer_value(json_object_get(rec, "version"));
	return ep_resp_json(resp, rec);
}

ep_status ep_api_declass_get(ep_req *req, ep_resp *resp)
{
	return declassification_answer(req, resp, req->ids[0]);
}

/* What a proposal must decide, for the form that makes or changes one; its ETag is the version a
 * change of a proposal's map sends (If-Match). */
ep_status ep_api_declass_subject(ep_req *req, ep_resp *resp)
{
	json_t *subj = NULL;
	ep_status s = ep_svc_doc_declass_subject(req->db, req->vis, req->ids[0], &subj, &resp->err);
	if (s != EP_OK)
		return s;
	resp->version = json_integer_value(json_object_get(subj, "version"));
	return ep_resp_json(resp, subj);
}

ep_status ep_api_declass_propose(ep_req *req, ep_resp *resp)
{
	if (!req->body)
		return ep_err_set(&resp->err, EP_E_INVALID, NULL, "send a JSON object with \"decisions\"");
	ep_actor who = actor(req);
	int64_t ext = 0;
	ep_status s = ep_svc_doc_propose(req->db, &who, req->vis, req->ids[0], req->body, &ext, &resp->problems,
					 &resp->err);
	if (s != EP_OK)
		return s;
	resp->status = 201;
	resp->audit_object_id = ext;
	resp->audit_note = "proposed a partial declassification";
	snprintf(resp->location, sizeof resp->location, "/api/v1/documents/%lld", (long long)ext);
	return declassification_answer(req, resp, ext);
}

ep_status ep_api_declass_redactions(ep_req *req, ep_resp *resp)
{
	int64_t version;
	if (!req->body)
		return ep_err_set(&resp->err, EP_E_INVALID, NULL, "send a JSON object with \"decisions\"");
	ep_status s = ep_api_if_match(req, &version, &resp->err);
	if (s != EP_OK)
		return s;
	ep_actor who = actor(req);
	s = ep_svc_doc_redactions_put(req->db, &who, req->vis, req->ids[0], version, req->body, &resp->problems,
				      &resp->err);
	if (s != EP_OK)
		return s;
	resp->audit_note = "changed the redaction map of a proposed declassification";
	return declassification_answer(req, resp, req->ids[0]);
}

ep_status ep_api_declass_sign_off(ep_req *req, ep_resp *resp)
{
	int64_t version;
	ep_status s = ep_api_if_match(req, &version, &resp->err);
	if (s != EP_OK)
		return s;
	ep_actor who = actor(req);
	char ts[EP_TIMESTAMP_LEN], day[16];
	ep_time_format(ep_time_now(), ts);
	snprintf(day, sizeof day, "%.10s", ts);
	s = ep_svc_doc_sign_off(req->db, &who, req->vis, req->ids[0], version, day, &resp->err);
	if (s != EP_OK)
		return s;
	resp->audit_note = "signed off and issued a partial declassification";
	return declassification_answer(req, resp, req->ids[0]);
}
