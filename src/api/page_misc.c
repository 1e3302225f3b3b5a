/*
 * The remaining pages: Council documents (render and download at a release level, the
 * declassification record; its form and sign-off are in page_declass.c), the registers of
 * good practices, JADs, grants and overlaps, search across everything the user may see, the
 * audit trail viewer and the accounts of the installation for administrators.
 */
#include "api/pages.h"

#define str ep_pages_str
#define num ep_pages_num

#include <stdio.h>
#include <string.h>

#include "core/num.h"
#include "db/db_res.h"
#include "core/banned.h"

ep_status ep_page_documents(ep_page *p)
{
	json_t *d = ep_page_get(p, NULL, "/api/v1/documents?limit=500");
	if (!d)
		return EP_E_NOTFOUND;
	json_object_set(p->ctx, "documents", json_object_get(d, "items"));
	p->title = "Council documents";
	p->tmpl = "documents";
	ep_page_crumb(p, "Home", "/");
	ep_page_crumb(p, "Council documents", NULL);
	return EP_OK;
}

/* The release levels a user may render at: public, LIMITE if allowed, then up to the clearance. */
static json_t *release_levels(ep_page *p)
{
	static const char *const levels[] = {"public", "limite", "restreint_ue", "confidentiel_ue", "secret_ue", "tres_secret_ue"};
	json_t *o = json_array();
	json_array_append_new(o, json_pack("{s:s, s:s}", "value", "public", "label", "Public"));
	if (p->who->vis.limite)
		json_array_append_new(o, json_pack("{s:s, s:s}", "value", "limite", "label", "LIMITE"));
	for (int c = 1; c <= p->who->vis.clearance && c <= 4; c++)
		json_array_append_new(o, json_pack("{s:s, s:s}", "value", levels[c + 1], "label", ep_class_label((ep_class)c)));
	return o;
}

ep_status ep_page_document(ep_page *p)
{
	int64_t id = p->ids[0];
	ep_call got;
	json_t *d = ep_page_get(p, &got, "/api/v1/documents/%lld", (long long)id);
	if (!d)
		return EP_E_NOTFOUND;
	json_object_set(p->ctx, "doc", d);
	json_object_set_new(p->ctx, "version", json_integer(got.version));
	json_object_set_new(p->ctx, "releases", release_levels(p));
	json_t *rec = ep_page_find(p, NULL, "/api/v1/documents/%lld/declassification", (long long)id);
	json_object_set(p->ctx, "declass", rec);
	json_t *ext = ep_page_find(p, NULL, "/api/v1/documents/%lld/documents?limit=50", (long long)id);
	json_object_set(p->ctx, "versions", ext ? json_object_get(ext, "items") : NULL);
	char target[96];
	snprintf(target, sizeof target, "/api/v1/documents/%lld/sign-off", (long long)id);
	/* The proposer never signs off their own proposal: a second person does. */
	bool proposer = strcmp(str(d, "proposed_by"), p->who->user.username) == 0 ||
			(rec && strcmp(str(rec, "proposed_by"), p->who->user.username) == 0);
	json_object_set_new(p->ctx, "may_sign_off", json_boolean(rec && !proposer && !json_is_true(json_object_get(d, "frozen")) &&
							 ep_page_may(p, EP_POST, target, NULL)));
	json_object_set_new(p->ctx, "own_proposal", json_boolean(rec && proposer && !json_is_true(json_object_get(d, "frozen"))));
	/* The form that proposes a declassification of an original, or changes a proposal's map. */
	bool original = !num(d, "parent_id");
	bool open = rec && strcmp(str(rec, "state"), "proposed") == 0 && !json_is_true(json_object_get(d, "frozen"));
	snprintf(target, sizeof target, "/api/v1/documents/%lld/%s", (long long)id,
		 original ? "declassifications" : "redactions");
	json_object_set_new(p->ctx, "may_propose", json_boolean(original && ep_page_may(p, EP_POST, target, NULL)));
	json_object_set_new(p->ctx, "may_change", json_boolean(open && ep_page_may(p, EP_PUT, target, NULL)));
	/* What a proposal decides, for whoever signs it off or changes it. */
	json_object_set_new(p->ctx, "show_map",
			    json_boolean(open && json_array_size(json_object_get(rec, "decisions"))));
	p->title = ep_arena_printf(p->arena, "%s%s%s", str(d, "number"), str(d, "suffix")[0] ? " " : "", str(d, "suffix"));
	p->tmpl = "document";
	ep_pages_done(p);
	ep_page_crumb(p, "Home", "/");
	ep_page_crumb(p, "Council documents", "/documents");
	ep_page_crumb(p, p->title, NULL);
	return EP_OK;
}

ep_status ep_page_registers(ep_page *p)
{
	static const char *const regs[][2] = {{"good-practices", "Good and bad practices"}, {"jads", "Joint Action Days"},
		{"grants", "Grants"}, {"overlaps", "Overlaps between actions"}, {"follow-ups", "Follow-up items"},
		{"organisations", "Organisations"}};
	json_t *items = json_array();
	for (size_t i = 0; i < sizeof regs / sizeof regs[0]; i++) {
		ep_call c;
		json_t *l = ep_page_find(p, &c, "/api/v1/%s?limit=200", regs[i][0]);
		if (!l)
			continue;
		json_array_append_new(items, json_pack("{s:s, s:s, s:i, s:b}", "href", ep_arena_printf(p->arena, "/%s", regs[i][0]), "label",
						       regs[i][1], "count", (int)json_array_size(json_object_get(l, "items")), "more",
						       !json_is_null(json_object_get(l, "next_cursor"))));
	}
	json_object_set_new(p->ctx, "registers", items);
	p->title = "Practices, JADs, grants and overlaps";
	p->tmpl = "registers";
	ep_page_crumb(p, "Home", "/");
	ep_page_crumb(p, "Registers", NULL);
	return EP_OK;
}

ep_status ep_page_search(ep_page *p)
{
	const char *q = ep_pages_param(p, "q");
	p->title = "Search";
	p->tmpl = "search";
	ep_page_crumb(p, "Home", "/");
	ep_page_crumb(p, "Search", NULL);
	json_object_set_new(p->ctx, "q", json_string(q ? q : ""));
	if (!q || !q[0])
		return EP_OK;
	size_t n;
	const ep_resdef *defs = ep_resdefs(&n);
	json_t *groups = json_array();
	size_t total = 0;
	for (size_t i = 0; i < n; i++) {
		if (!defs[i].fts)
			continue;
		ep_call c;
		json_t *l = ep_page_find(p, &c, "/api/v1/%s?q=%s&limit=20", defs[i].name, ep_pages_enc(p, q));
		if (!l && c.status == 400 && !json_object_get(p->ctx, "error_message")) {
			json_object_set_new(p->ctx, "error_message", json_string(c.err.msg));
			continue;
		}
		json_t *items = l ? json_object_get(l, "items") : NULL;
		if (!json_array_size(items))
			continue;
		json_t *hits = json_array();
		size_t j;
		json_t *r;
		json_array_foreach(items, j, r)
		{
			const char *name = str(r, "title")[0] ? str(r, "title") : str(r, "short_name")[0] ? str(r, "short_name") : str(r, "heading")[0] ? str(r, "heading") : str(r, "name")[0] ? str(r, "name") : str(r, "subject")[0] ? str(r, "subject") : str(r, "text");
			const char *page = strcmp(defs[i].name, "strategic goals") == 0 ? "goals" : defs[i].name;
			json_array_append_new(hits, json_pack("{s:s, s:s, s:s}", "href", ep_arena_printf(p->arena, "/%s/%lld", page, (long long)num(r, "id")),
							      "name", name, "classification", str(r, "classification")));
			total++;
		}
		json_array_append_new(groups, json_pack("{s:s, s:o}", "label", defs[i].doc, "hits", hits));
	}
	json_object_set_new(p->ctx, "groups", groups);
	json_object_set_new(p->ctx, "total", json_integer((json_int_t)total));
	json_object_set_new(p->ctx, "searched", json_true());
	return EP_OK;
}

ep_status ep_page_audit(ep_page *p)
{
	static const char *const keys[] = {"actor", "outcome", "object_kind", "object_id", "since", "before", NULL};
	char target[1024];
	size_t used = (size_t)snprintf(target, sizeof target, "/api/v1/audit?limit=100");
	json_t *f = json_object();
	for (size_t i = 0; keys[i]; i++) {
		const char *v = ep_pages_param(p, keys[i]);
		if (!v || !v[0])
			continue;
		json_object_set_new(f, keys[i], json_string(v));
		int w = snprintf(target + used, sizeof target - used, "&%s=%s", keys[i], ep_pages_enc(p, v));
		if (w > 0 && (size_t)w < sizeof target - used)
			used += (size_t)w;
	}
	json_object_set_new(p->ctx, "f", f);
	ep_call c;
	json_t *a = ep_page_get(p, &c, "%s", target);
	if (!a && (c.status == 403 || c.status == 401 || c.status == 404))
		return EP_E_NOTFOUND;
	if (!a) {
		json_object_set_new(p->ctx, "error_message", json_string(c.err.msg));
		p->status = 400;
	}
	json_object_set(p->ctx, "records", a ? json_object_get(a, "items") : NULL);
	json_t *nb = a ? json_object_get(a, "next_before") : NULL;
	if (json_is_integer(nb)) {
		char more[1100];
		snprintf(more, sizeof more, "/audit?before=%lld", (long long)json_integer_value(nb));
		const char *k;
		json_t *v;
		size_t m = strlen(more);
		json_object_foreach(f, k, v) if (strcmp(k, "before") != 0)
		{
			int w = snprintf(more + m, sizeof more - m, "&%s=%s", k, ep_pages_enc(p, json_string_value(v)));
			if (w > 0 && (size_t)w < sizeof more - m)
				m += (size_t)w;
		}
		json_object_set_new(p->ctx, "older", json_string(more));
	}
	p->title = "Audit trail";
	p->tmpl = "audit";
	ep_page_crumb(p, "Home", "/");
	ep_page_crumb(p, "Audit trail", NULL);
	return EP_OK;
}
