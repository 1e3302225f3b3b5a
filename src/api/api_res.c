/*
 * Generic resource handlers (see api.h): list with filters, sort, keyset pagination and
 * full-text search; get; create; update with optimistic concurrency; archive or delete; and
 * workflow transitions. Operational actions come with their links embedded.
 */
#include "api/api.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/num.h"
#include "db/db_links.h"
#include "db/db_res.h"
#include "http/router.h"
#include "svc/svc_action.h"
#include "svc/svc_monitor.h"
#include "svc/svc_res.h"
#include "core/banned.h"

#define LIMIT_DEFAULT 50

ep_status ep_resp_json(ep_resp *resp, json_t *data)
{
	json_decref(resp->data);
	resp->data = data;
	return data ? EP_OK : ep_err_set(&resp->err, EP_E_INTERNAL, NULL, "out of memory");
}

ep_status ep_resp_page(ep_resp *resp, json_t *items)
{
	json_t *page = json_object();
	json_object_set_new(page, "items", items);
	json_object_set_new(page, "next_cursor", json_null());
	return ep_resp_json(resp, page);
}

/* Who drives a priority and which agencies support it come from the LIMITE Council document
 * that set the priorities (15850/11): a caller who may not read LIMITE gets the priority
 * without them. */
static void strip_limite_embeds(const ep_req *req, const ep_resdef *d, json_t *items)
{
	if (!req->vis || req->vis->limite || strcmp(d->name, "priorities") != 0)
		return;
	size_t i;
	json_t *p;
	json_array_foreach(items, i, p)
	{
		json_object_del(p, "driver");
		json_object_del(p, "co_drivers");
		json_object_del(p, "supporting_agencies");
	}
}

static const ep_resdef *resdef(const ep_req *req)
{
	return ep_resdef_find(req->route->schema);
}

static bool is_actions(const ep_resdef *d)
{
	return strcmp(d->name, "actions") == 0;
}

ep_status ep_api_if_match(const ep_req *req, int64_t *version, ep_err *err)
{
	const char *v = req->if_match;
	if (!v)
		return ep_err_set(err, EP_E_INVALID, "If-Match",
				  "send the version you read in an If-Match header, so that no one else's change is lost");
	char buf[32];
	size_t n = strlen(v);
	if (n >= 2 && v[0] == 'W' && v[1] == '/') {
		v += 2;
		n -= 2;
	}
	if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
		v++;
		n -= 2;
	}
	if (n == 0 || n >= sizeof buf)
		return ep_err_set(err, EP_E_INVALID, "If-Match", "If-Match must be the version number the server sent");
	memcpy(buf, v, n);
	buf[n] = '\0';
	if (ep_parse_i64z(buf, 1, INT64_MAX, version) != EP_OK)
		return ep_err_set(err, EP_E_INVALID, "If-Match", "If-Match must be the version number the server sent");
	return EP_OK;
}

/* ---- cursors: base64url of "sort \x1f desc \x1f value \x1f id" ----
 * The value is the whole sort value of the last row (a text may hold \x1f itself: it is what
 * lies between the second separator and the last one). */

#define CURSOR_RAW_MAX (64 + EP_SORT_VALUE_MAX + 32)
#define CURSOR_MAX 2048 /* base64 of CURSOR_RAW_MAX, and the most a client may send */

static void cursor_make(char *out, size_t n, const char *sort, bool desc, const char *value, int64_t id)
{
	char raw[CURSOR_RAW_MAX];
	int len = snprintf(raw, sizeof raw, "%s\x1f%d\x1f%s\x1f%lld", sort, desc ? 1 : 0, value, (long long)id);
	if (len < 0 || (size_t)len >= sizeof raw || sodium_base64_ENCODED_LEN((size_t)len, sodium_base64_VARIANT_URLSAFE_NO_PADDING) > n) {
		out[0] = '\0';
		return;
	}
	sodium_bin2base64(out, n, (const unsigned char *)raw, (size_t)len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

static ep_status cursor_read(const char *c, const char *sort, bool desc, ep_list_opts *o, ep_err *err)
{
	unsigned char raw[CURSOR_RAW_MAX];
	size_t len;
	if (sodium_base642bin(raw, sizeof raw - 1, c, strlen(c), NULL, &len, NULL,
			      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
		return ep_err_set(err, EP_E_INVALID, "cursor", "cursor is not one this server issued");
	raw[len] = '\0';
	char *parts[4];
	char *p = (char *)raw;
	for (int i = 0; i < 2; i++) {
		char *sep = strchr(p, '\x1f');
		if (!sep)
			return ep_err_set(err, EP_E_INVALID, "cursor", "cursor is not one this server issued");
		parts[i] = p;
		*sep = '\0';
		p = sep + 1;
	}
	char *last = strrchr(p, '\x1f');
	if (!last || (size_t)(last - p) >= sizeof o->cursor_value)
		return ep_err_set(err, EP_E_INVALID, "cursor", "cursor is not one this server issued");
	*last = '\0';
	parts[2] = p;
	parts[3] = last + 1;
	if (strlen(parts[0]) != strlen(sort) || strcmp(parts[0], sort) != 0 || (parts[1][0] == '1') != desc)
		return ep_err_set(err, EP_E_INVALID, "cursor", "cursor belongs to a listing in another order: keep the same sort");
	if (ep_parse_i64z(parts[3], 0, INT64_MAX, &o->cursor_id) != EP_OK)
		return ep_err_set(err, EP_E_INVALID, "cursor", "cursor is not one this server issued");
	snprintf(o->cursor_value, sizeof o->cursor_value, "%s", parts[2]);
	o->has_cursor = true;
	return EP_OK;
}

/* Turns a user's search words into an FTS5 query: each word a quoted term, all required. */
static const char *fts_query(ep_arena *a, const char *q)
{
	size_t n = strlen(q);
	char *out = ep_arena_alloc(a, n * 3 + 8);
	if (!out)
		return NULL;
	size_t o = 0;
	const char *p = q;
	while (*p) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		if (o)
			out[o++] = ' ';
		out[o++] = '"';
		while (*p && *p != ' ' && *p != '\t') {
			if (*p == '"')
				out[o++] = '"';
			out[o++] = *p++;
		}
		out[o++] = '"';
	}
	out[o] = '\0';
	return o ? out : NULL;
}

ep_status ep_api_list(ep_req *req, ep_resp *resp)
{
	const ep_resdef *d = resdef(req);
	ep_list_opts o = {.limit = LIMIT_DEFAULT, .vis = req->vis};
	ep_err *err = &resp->err;
	if (req->route->bind && req->nids > 0) {
		const ep_field *f = ep_resdef_field(d, req->route->bind);
		const ep_resdef *parent = f ? ep_resdef_find(f->ref) : NULL;
		/* A nested list of a parent that does not exist is a 404, not an empty list. */
		if (parent && ep_db_res_exists(req->db, parent->name, req->ids[0], NULL) != EP_OK)
			return ep_err_set(err, EP_E_NOTFOUND, NULL, "no %s %lld", parent->singular, (long long)req->ids[0]);
		o.filters[0].field = f;
		o.filters[0].value = ep_arena_printf(req->arena, "%lld", (long long)req->ids[0]);
		o.nfilters = 1;
	}
	const char *sort = "id";
	for (size_t i = 0; i < req->query.n; i++) {
		const char *k = req->query.p[i].name, *v = req->query.p[i].value;
		if (strcmp(k, "limit") == 0) {
			ep_parse_i64z(v, 1, 500, &o.limit);
		} else if (strcmp(k, "sort") == 0) {
			sort = v;
		} else if (strcmp(k, "q") == 0) {
			o.q = fts_query(req->arena, v);
			if (!o.q)
				return ep_err_set(err, EP_E_INVALID, "q", "q needs at least one word to search for");
		} else if (strcmp(k, "archived") == 0) {
			o.include_archived = strcmp(v, "true") == 0;
		} else if (strcmp(k, "cursor") != 0) {
			const ep_field *f = ep_resdef_field(d, k);
			if (f && o.nfilters < EP_LIST_MAX_FILTERS) {
				o.filters[o.nfilters].field = f;
				o.filters[o.nfilters].value = v;
				o.nfilters++;
			}
		}
	}
	o.desc = sort[0] == '-';
	const char *sort_name = o.desc ? sort + 1 : sort;
	o.sort = strcmp(sort_name, "id") == 0 ? NULL : ep_resdef_field(d, sort_name);
	const char *cursor = ep_query_get(&req->query, "cursor");
	ep_status s;
	if (cursor && (s = cursor_read(cursor, sort_name, o.desc, &o, err)) != EP_OK)
		return s;
	json_t *items;
	bool more;
	char last_value[EP_SORT_VALUE_MAX] = "";
	int64_t last_id = 0;
	s = ep_db_res_list(req->db, d, &o, &items, &more, last_value, sizeof last_value, &last_id, err);
	if (s != EP_OK)
		return s;
	if ((is_actions(d) && (s = ep_db_actions_embed(req->db, items, err)) != EP_OK) ||
	    (s = ep_db_embed_links(req->db, d->name, items, err)) != EP_OK) {
		json_decref(items);
		return s;
	}
	strip_limite_embeds(req, d, items);
	json_t *page = json_object();
	json_object_set_new(page, "items", items);
	if (more) {
		char next[CURSOR_MAX];
		cursor_make(next, sizeof next, sort_name, o.desc, last_value, last_id);
		json_object_set_new(page, "next_cursor", json_string(next));
	} else {
		json_object_set_new(page, "next_cursor", json_null());
	}
	return ep_resp_json(resp, page);
}

static ep_status get_record(ep_req *req, const ep_resdef *d, int64_t id, ep_resp *resp)
{
	json_t *row;
	bool report = strcmp(d->name, "progress-reports") == 0;
	ep_status s = is_actions(d) ? ep_svc_action_get(req->db, id, &row, &resp->err)
		      : report	    ? ep_svc_report_get(req->db, id, &row, &resp->err)
				    : ep_db_res_get(req->db, d, id, &row, &resp->err);
	if (s != EP_OK)
		return s;
	if (s == EP_OK && (strcmp(d->name, "jads") == 0 || strcmp(d->name, "grants") == 0)) {
		s = ep_svc_links_embed(req->db, d->name, row, &resp->err);
		json_t *acts = json_object_get(row, "actions");
		const ep_resdef *ad = ep_resdef_find("actions");
		for (size_t i = json_array_size(acts); i-- > 0;) {
			ep_scope sc;
			if (ep_db_res_scope(req->db, ad, (int64_t)json_integer_value(json_array_get(acts, i)), req->vis, &sc,
					    NULL) != EP_OK)
				json_array_remove(acts, i);
		}
	}
	if (s != EP_OK) {
		json_decref(row);
		return s;
	}
	json_t *one = json_array();
	json_array_append(one, row);
	s = ep_db_embed_links(req->db, d->name, one, &resp->err);
	strip_limite_embeds(req, d, one);
	json_decref(one);
	if (s != EP_OK) {
		json_decref(row);
		return s;
	}
	resp->version = (int64_t)json_integer_value(json_object_get(row, "version"));
	return ep_resp_json(resp, row);
}

ep_status ep_api_get(ep_req *req, ep_resp *resp)
{
	return get_record(req, resdef(req), req->ids[0], resp);
}

/* The body of a write: the JSON object the server parsed. */
static ep_status need_body(ep_req *req, ep_resp *resp)
{
	if (!req->body)
		return ep_err_set(&resp->err, EP_E_INVALID, "body", "this request needs a JSON object as its body");
	return EP_OK;
}

ep_status ep_api_create(ep_req *req, ep_resp *resp)
{
	const ep_resdef *d = resdef(req);
	ep_status s = need_body(req, resp);
	if (s != EP_OK)
		return s;
	json_t *body = req->body;
	/* A nested create binds the parent from the path; the body may not say otherwise. */
	if (req->route->bind && req->nids > 0) {
		json_t *given = json_object_get(body, req->route->bind);
		if (given && (!json_is_integer(given) || json_integer_value(given) != req->ids[0])) {
			char path[64];
			snprintf(path, sizeof path, "$.%s", req->route->bind); /* as every other problem names its field */
			ep_errs_add(&resp->problems, EP_E_INVALID, path, "is given by the path");
			return EP_E_INVALID;
		}
		json_object_set_new(body, req->route->bind, json_integer(req->ids[0]));
	}
	json_t *row;
	s = ep_svc_res_create(req->db, &req->rules, d, body, &row, &resp->problems, &resp->err);
	if (s != EP_OK)
		return s;
	int64_t id = (int64_t)json_integer_value(json_object_get(row, "id"));
	json_decref(row);
	snprintf(resp->location, sizeof resp->location, "/api/v1/%s/%lld", d->name, (long long)id);
	resp->status = 201;
	return get_record(req, d, id, resp);
}

ep_status ep_api_update(ep_req *req, ep_resp *resp)
{
	const ep_resdef *d = resdef(req);
	int64_t version;
	ep_status s = need_body(req, resp);
	if (s != EP_OK || (s = ep_api_if_match(req, &version, &resp->err)) != EP_OK)
		return s;
	json_t *row;
	s = ep_svc_res_update(req->db, &req->rules, d, req->ids[0], version, req->body, &row, &resp->problems,
			      &resp->err);
	if (s != EP_OK)
		return s;
	json_decref(row);
	return get_record(req, d, req->ids[0], resp);
}

ep_status ep_api_delete(ep_req *req, ep_resp *resp)
{
	const ep_resdef *d = resdef(req);
	int64_t version;
	ep_status s = ep_api_if_match(req, &version, &resp->err);
	if (s != EP_OK)
		return s;
	s = ep_svc_res_delete(req->db, d, req->ids[0], version, &resp->err);
	if (s != EP_OK)
		return s;
	if (d->archive)
		return get_record(req, d, req->ids[0], resp);
	resp->status = 204;
	return EP_OK;
}

ep_status ep_api_transition(ep_req *req, ep_resp *resp)
{
	const ep_resdef *d = resdef(req);
	int64_t version;
	ep_status s = need_body(req, resp);
	if (s != EP_OK || (s = ep_api_if_match(req, &version, &resp->err)) != EP_OK)
		return s;
	json_t *to = json_object_get(req->body, "to");
	if (!json_is_string(to)) {
		ep_errs_add(&resp->problems, EP_E_INVALID, "$.to", "is required: the state to move to");
		const char *k;
		json_t *v;
		json_object_foreach(req->body, k, v)
		{
			if (strcmp(k, "to") != 0)
				ep_errs_add(&resp->problems, EP_E_INVALID, "$.body",
					    "unknown field '%.64s': a transition takes \"to\" and what its move needs", k);
		}
		return EP_E_INVALID;
	}
	json_t *args = json_deep_copy(req->body);
	json_object_del(args, "to");
	ep_actor who = {req->who ? req->who->user.id : 0, req->who ? ep_principal_name(req->who) : NULL};
	json_t *row;
	s = ep_svc_res_transition(req->db, &who, d, req->ids[0], version, json_string_value(to), args, &row,
				  &resp->problems, &resp->err);
	/* A reason, a comment or a decision belongs in the audit record of the move. */
	const char *why = json_string_value(json_object_get(args, "reason"));
	if (!why)
		why = json_string_value(json_object_get(args, "comment"));
	if (!why)
		why = json_string_value(json_object_get(args, "decision"));
	if (!why)
		why = json_string_value(json_object_get(args, "resolution"));
	resp->audit_note = why ? ep_arena_printf(req->arena, "to %.40s: %.400s", json_string_value(to), why)
			       : ep_arena_printf(req->arena, "to %.40s", json_string_value(to));
	json_decref(args);
	if (s != EP_OK)
		return s;
	json_decref(row);
	return get_record(req, d, req->ids[0], resp);
}

/* ---- action links ---- */

static ep_status link(ep_req *req, ep_resp *resp, ep_link_op op, ep_link kind)
{
	int64_t version;
	ep_status s = EP_OK;
	if (op != EP_LINK_REMOVE)
		s = need_body(req, resp);
	if (s != EP_OK || (s = ep_api_if_match(req, &version, &resp->err)) != EP_OK)
		return s;
	json_t *row;
	s = ep_svc_action_link(req->db, op, kind, req->ids[0], version, req->nids > 1 ? req->ids[1] : 0, req->body, &row,
			       &resp->problems, &resp->err);
	if (s != EP_OK)
		return s;
	resp->version = (int64_t)json_integer_value(json_object_get(row, "version"));
	if (op == EP_LINK_ADD)
		resp->status = 201;
	return ep_resp_json(resp, row);
}

ep_status ep_api_leader_add(ep_req *req, ep_resp *resp) { return link(req, resp, EP_LINK_ADD, EP_LINK_LEADER); }
ep_status ep_api_leader_set(ep_req *req, ep_resp *resp) { return link(req, resp, EP_LINK_SET, EP_LINK_LEADER); }
ep_status ep_api_leader_remove(ep_req *req, ep_resp *resp) { return link(req, resp, EP_LINK_REMOVE, EP_LINK_LEADER); }
ep_status ep_api_participant_add(ep_req *req, ep_resp *resp) { return link(req, resp, EP_LINK_ADD, EP_LINK_PARTICIPANT); }
ep_status ep_api_participant_set(ep_req *req, ep_resp *resp) { return link(req, resp, EP_LINK_SET, EP_LINK_PARTICIPANT); }
ep_status ep_api_participant_remove(ep_req *req, ep_resp *resp)
{
	return link(req, resp, EP_LINK_REMOVE, EP_LINK_PARTICIPANT);
}
ep_status ep_api_goal_link_add(ep_req *req, ep_resp *resp) { return link(req, resp, EP_LINK_ADD, EP_LINK_GOAL); }
ep_status ep_api_goal_link_remove(ep_req *req, ep_resp *resp) { return link(req, resp, EP_LINK_REMOVE, EP_LINK_GOAL); }
ep_status ep_api_xref_add(ep_req *req, ep_resp *resp) { return link(req, resp, EP_LINK_ADD, EP_LINK_XREF); }
ep_status ep_api_xref_set(ep_req *req, ep_resp *resp) { return link(req, resp, EP_LINK_SET, EP_LINK_XREF); }
ep_status ep_api_xref_remove(ep_req *req, ep_resp *resp) { return link(req, resp, EP_LINK_REMOVE, EP_LINK_XREF); }

ep_status ep_api_referenced_by(ep_req *req, ep_resp *resp)
{
	ep_status s = ep_db_res_exists(req->db, "actions", req->ids[0], &resp->err);
	if (s != EP_OK)
		return s == EP_E_NOTFOUND ? ep_err_set(&resp->err, EP_E_NOTFOUND, NULL, "no operational action %lld",
						       (long long)req->ids[0])
					  : s;
	json_t *items;
	if ((s = ep_db_actions_referring(req->db, req->ids[0], &items, &resp->err)) != EP_OK)
		return s;
	/* Only the referring actions the caller may read: their notes are theirs. */
	const ep_resdef *actions = ep_resdef_find("actions");
	for (size_t i = json_array_size(items); req->vis && i-- > 0;) {
		ep_scope sc;
		int64_t from = (int64_t)json_integer_value(json_object_get(json_array_get(items, i), "action_id"));
		if (ep_db_res_scope(req->db, actions, from, req->vis, &sc, NULL) != EP_OK)
			json_array_remove(items, i);
	}
	return ep_resp_page(resp, items);
}
