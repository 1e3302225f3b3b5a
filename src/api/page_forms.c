/*
 * Pages made from the resource descriptions (db_res_defs.c): the form to create or change a
 * record, its workflow moves, and the list and record pages of the registers. A form's fields
 * are the writable fields of the resource; what the user typed is converted to the JSON the
 * API takes, and the API's own validation decides. A field the user typed wrong (a number that
 * is not one) is reported by the page before the API is asked, in the same way.
 */
#include "api/pages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/num.h"
#include "db/db_res.h"
#include "svc/svc_res.h"
#include "core/banned.h"

ep_status ep_pages_refused(ep_page *p, const char *title, int status, const char *msg, const char *back)
{
	p->title = title;
	p->tmpl = "refused";
	p->status = status == 412 ? 409 : status;
	json_object_set_new(p->ctx, "message", json_string(msg && msg[0] ? msg : "The step was refused."));
	json_object_set_new(p->ctx, "back", json_string(back));
	return EP_OK;
}

const char *ep_pages_param(const ep_page *p, const char *name)
{
	return ep_query_get(&p->query, name);
}

void ep_pages_name_actions(ep_page *p, json_t *rows)
{
	if (!json_array_size(rows))
		return;
	json_t *acts = ep_page_find(p, NULL, "/api/v1/actions?limit=500");
	size_t i, j;
	json_t *r, *a;
	json_array_foreach(rows, i, r)
	{
		json_int_t id = json_integer_value(json_object_get(r, "action_id"));
		json_array_foreach(acts ? json_object_get(acts, "items") : NULL, j, a)
		{
			if (json_integer_value(json_object_get(a, "id")) != id)
				continue;
			json_object_set(r, "action_number", json_object_get(a, "number"));
			json_object_set(r, "action_title", json_object_get(a, "title"));
			break;
		}
	}
}

const char *ep_pages_enc(ep_page *p, const char *s)
{
	size_t n = strlen(s);
	char *out = ep_arena_alloc(p->arena, 3 * n + 1), *o = out;
	if (!out)
		return "";
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || strchr("-._~", *c)) {
			*o++ = (char)*c;
		} else {
			static const char hex[] = "0123456789ABCDEF";
			*o++ = '%';
			*o++ = hex[*c >> 4];
			*o++ = hex[*c & 15];
		}
	}
	*o = '\0';
	return out;
}

const char *ep_pages_resource(const ep_page *p)
{
	const char *s = p->path + 1, *e = strchr(s, '/');
	size_t n = e ? (size_t)(e - s) : strlen(s);
	char *out = ep_arena_alloc(p->arena, n + 1);
	if (!out)
		return "";
	memcpy(out, s, n);
	out[n] = '\0';
	return out;
}

/* "start_date" -> "Start date", "org_id" -> "Org". */
static const char *label_of(ep_page *p, const char *name)
{
	char *l = ep_arena_strdup(p->arena, name);
	if (!l)
		return name;
	size_t n = strlen(l);
	if (n > 3 && strcmp(l + n - 3, "_id") == 0)
		l[n - 3] = '\0';
	if (n > 6 && strcmp(l + n - 6, "_cents") == 0)
		l[n - 6] = '\0';
	for (char *c = l; *c; c++)
		if (*c == '_' || *c == '-')
			*c = ' ';
	/* The cycle's acronyms keep their capitals. */
	static const char *const acronyms[][2] = {{"jad", "JAD"}, {"kpi", "KPI"}, {"oap", "OAP"}, {"nec", "NEC"}, {"cosi", "COSI"}, {"est", "EST"}};
	for (size_t i = 0; i < sizeof acronyms / sizeof acronyms[0]; i++) {
		size_t an = strlen(acronyms[i][0]);
		for (char *w = l; (w = strstr(w, acronyms[i][0])) != NULL; w += an)
			if ((w == l || w[-1] == ' ') && (w[an] == '\0' || w[an] == ' '))
				memcpy(w, acronyms[i][1], an);
	}
	if (l[0] >= 'a' && l[0] <= 'z')
		l[0] = (char)(l[0] - 'a' + 'A');
	return l;
}

static const char *const done_codes[][2] = {
	{"saved", "Saved."},
	{"created", "Created."},
	{"moved", "The workflow step is done."},
	{"password", "Your password is changed. Other sessions were signed out."},
	{"totp", "Two-step sign-in is on."},
	{"submitted", "The report is submitted to the Drivers."},
	{"participation", "The participation is recorded."},
	{"chased", "The Action Leaders with missing reports were reminded."},
	{"proposed", "The declassification is proposed. A second person signs it off."},
	{"proposal-changed", "The proposal is changed. A second person signs it off."},
	{"signed-off", "The declassification is signed off and issued."},
	{"signed-out", "You have signed out."},
	{"granted", "The role is granted. It takes effect at the account's next request."},
	{"withdrawn", "The role is withdrawn."},
	{"password-set", "The new password is set and the account's sessions are ended. Give the password to its holder by a separate channel."},
	{"totp-reset", "Two-step sign-in is reset: the holder enrols again at the next sign-in. Their sessions are ended."},
};

void ep_pages_done(ep_page *p)
{
	const char *d = ep_pages_param(p, "done");
	for (size_t i = 0; d && i < sizeof done_codes / sizeof done_codes[0]; i++)
		if (strcmp(d, done_codes[i][0]) == 0) {
			json_object_set_new(p->ctx, "done", json_string(done_codes[i][0]));
			json_object_set_new(p->ctx, "done_message", json_string(done_codes[i][1]));
		}
}

/* What the button of a workflow move says: a verb, per resource where the state names repeat. */
static const char *move_label(ep_page *p, const char *resource, const char *to)
{
	static const char *const verbs[][3] = {
		{"oaps", "agreed_at_nec", "Record agreement at the NEC meeting"},
		{"oaps", "submitted_to_cosi", "Submit to COSI"},
		{"oaps", "adopted", "Adopt"},
		{"oaps", "in_implementation", "Start implementation"},
		{"oaps", "final_report", "Record the final report"},
		{"oaps", "closed", "Close the plan"},
		{"oaps", "drafting", "Return to drafting"},
		{"actions", "planned", "Plan"},
		{"actions", "ongoing", "Start"},
		{"actions", "completed", "Mark completed"},
		{"actions", "not_completed", "Mark not completed"},
		{"actions", "cancelled", "Cancel the action"},
		{"actions", "continued", "Continue in the next OAP"},
		{"reporting-rounds", "open", "Open the round"},
		{"reporting-rounds", "compiled", "Compile the round"},
		{"reporting-rounds", "closed", "Close the round"},
		{"progress-reports", "submitted", "Submit"},
		{"progress-reports", "returned", "Return to the Action Leader"},
		{"progress-reports", "consolidated", "Consolidate"},
		{"progress-reports", "compiled", "Compile"},
		{"progress-reports", "discussed_at_nec", "Record the NEC discussion"},
		{"progress-reports", "transmitted_to_cosi", "Transmit to COSI"},
		{"follow-ups", "resolved", "Resolve"},
		{"jads", "conducted", "Record as conducted"},
		{"jads", "results_reported", "Record the results"},
		{"jads", "cancelled", "Cancel the JAD"},
		{"grants", "awarded", "Award"},
		{"grants", "rejected", "Reject"},
		{"grants", "in_progress", "Start"},
		{"grants", "closed", "Close the grant"},
		{"good-practices", "shared_with_est", "Share with the Support Team"},
		{"good-practices", "shared_with_necs", "Share with the NECs"},
		{"overlaps", "decided", "Decide"},
		{"overlaps", "dismissed", "Dismiss"},
	};
	for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
		if (strcmp(verbs[i][0], resource) == 0 && strcmp(verbs[i][1], to) == 0)
			return verbs[i][2];
	return label_of(p, to);
}

json_t *ep_pages_moves(ep_page *p, const char *resource, int64_t id, const char *state)
{
	json_t *moves = json_array();
	const ep_resdef *d = ep_resdef_find(resource);
	const char *const *to = d ? ep_svc_transitions(d, state) : NULL;
	for (size_t i = 0; to && to[i]; i++) {
		json_t *body = json_pack("{s:s}", "to", to[i]);
		char target[128];
		snprintf(target, sizeof target, "/api/v1/%s/%lld/transitions", resource, (long long)id);
		if (ep_page_may(p, EP_POST, target, body)) {
			json_t *m = json_pack("{s:s, s:s}", "to", to[i], "label", move_label(p, resource, to[i]));
			/* What a move takes besides its target state, asked for next to its button. */
			const char *field = NULL, *flabel = NULL;
			if (strcmp(resource, "reporting-rounds") == 0 && strcmp(to[i], "open") == 0 && state && strcmp(state, "planned") != 0)
				field = "reason", flabel = "Why it opens again";
			else if (strcmp(resource, "progress-reports") == 0 && strcmp(to[i], "returned") == 0)
				field = "comment", flabel = "What the Action Leader should change";
			else if (strcmp(resource, "follow-ups") == 0)
				field = "resolution", flabel = "Resolution";
			else if (strcmp(resource, "overlaps") == 0)
				field = "decision", flabel = "Decision";
			if (field)
				json_object_set_new(m, "field", json_string(field)), json_object_set_new(m, "field_label", json_string(flabel)),
					json_object_set_new(m, "required", json_true());
			static const char *const back_moves[] = {"drafting", "cancelled", "returned", "rejected", "dismissed", "not_completed", NULL};
			for (size_t k = 0; back_moves[k]; k++)
				if (strcmp(to[i], back_moves[k]) == 0)
					json_object_set_new(m, "secondary", json_true());
			json_array_append_new(moves, m);
		}
		json_decref(body);
	}
	return moves;
}

/* ---- forms from the resource descriptions ---- */

/* Money is stored in cents and typed in euros. */
static bool is_cents(const ep_field *f)
{
	size_t n = strlen(f->name);
	return f->type == EP_F_INT && n > 6 && strcmp(f->name + n - 6, "_cents") == 0;
}

bool ep_pages_euros(const char *s, int64_t *cents)
{
	char clean[64];
	size_t n = 0;
	for (const char *c = s; *c && n < sizeof clean - 1; c++) {
		if (*c == ' ' || *c == '\'')
			continue;
		clean[n++] = *c == ',' ? '.' : *c;
	}
	clean[n] = '\0';
	if (!n)
		return false;
	char *end;
	double v = strtod(clean, &end);
	if (*end || !(v >= 0) || v > 9e13)
		return false;
	*cents = (int64_t)(v * 100.0 + 0.5);
	return true;
}

static bool writable(const ep_field *f, bool create, const char *bind)
{
	if (f->flags & EP_F_READONLY)
		return false;
	if (!create && (f->flags & EP_F_FIXED))
		return false;
	if (bind && strcmp(f->name, bind) == 0)
		return false;
	return true;
}

static const char *text_of(ep_page *p, json_t *v)
{
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v))
		return ep_arena_printf(p->arena, "%lld", (long long)json_integer_value(v));
	if (json_is_real(v))
		return ep_arena_printf(p->arena, "%g", json_real_value(v));
	return "";
}

void ep_pages_conflict(ep_page *p, json_t *stored, json_t *sent, const char *const labels[][2], size_t nlabels,
		       const char *what)
{
	json_t *theirs = json_array(), *mine = json_array();
	const char *k;
	json_t *v;
	json_object_foreach(sent, k, v)
	{
		json_t *old = json_object_get(stored, k);
		const char *a = text_of(p, old), *b = text_of(p, v);
		if (json_is_boolean(v))
			b = json_is_true(v) ? "yes" : "no", a = json_is_true(old) ? "yes" : "no";
		if (strcmp(a, b) == 0)
			continue;
		const char *label = NULL;
		for (size_t i = 0; i < nlabels && !label; i++)
			if (strcmp(labels[i][0], k) == 0)
				label = labels[i][1];
		if (!label)
			label = label_of(p, k);
		json_array_append_new(theirs, json_pack("{s:s, s:s}", "field", label, "value", a));
		json_array_append_new(mine, json_pack("{s:s, s:s}", "field", label, "value", b));
	}
	json_object_set_new(p->ctx, "conflict", json_pack("{s:o, s:o}", "theirs", theirs, "mine", mine));
	json_object_set_new(p->ctx, "error_message",
			    json_string(ep_arena_printf(p->arena,
							"Someone else %s after you opened it. Their version and yours are shown "
							"below; your input is kept in the form. Send it again to replace theirs, or go "
							"back to keep it.",
							what)));
}

static json_t *options(ep_page *p, const char *const *values, const char *current, bool blank)
{
	json_t *o = json_array();
	if (blank)
		json_array_append_new(o, json_pack("{s:s, s:s, s:b}", "value", "", "label", "(none)", "selected", !current || !current[0]));
	for (size_t i = 0; values && values[i]; i++)
		json_array_append_new(o, json_pack("{s:s, s:s, s:b}", "value", values[i], "label", label_of(p, values[i]),
						   "selected", current && strcmp(current, values[i]) == 0));
	return o;
}

/* The fields of the form: each with its value (the user's input after a failed send, else
 * the record's), its problem, and how to enter it. */
static json_t *form_fields(ep_page *p, const ep_resdef *d, bool create, const char *bind, json_t *record, json_t *errors)
{
	static const char *const classes[] = {"unclassified", "restreint_ue", "confidentiel_ue", "secret_ue", "tres_secret_ue", NULL};
	static const char *const marks[] = {"none", "limite", NULL};
	json_t *fields = json_array();
	json_t *orgs = NULL;
	for (size_t i = 0; i < d->nfields; i++) {
		const ep_field *f = &d->fields[i];
		if (!writable(f, create, bind))
			continue;
		const char *value = p->form ? ep_page_field(p, f->name) : text_of(p, record ? json_object_get(record, f->name) : NULL);
		if (!value)
			value = "";
		bool cents = is_cents(f);
		if (cents && !p->form && record && json_is_integer(json_object_get(record, f->name)))
			value = ep_arena_printf(p->arena, "%.2f", (double)json_integer_value(json_object_get(record, f->name)) / 100.0);
		json_t *o = json_pack("{s:s, s:s, s:s, s:b}", "name", f->name, "label",
				      cents ? ep_arena_printf(p->arena, "%s (EUR)", label_of(p, f->name)) : label_of(p, f->name), "value", value,
				      "required", create && (f->flags & EP_F_REQUIRED));
		/* A hint that says more than the label: money is typed in euros, a classification is
		 * chosen from its list, and a one-word description adds nothing. */
		if (cents)
			json_object_set_new(o, "hint", json_string("in euros, such as 1250.50"));
		else if (f->doc && f->type != EP_F_CLASS && f->type != EP_F_MARK && strlen(f->doc) > 14 &&
			 strcasecmp(f->doc, label_of(p, f->name)) != 0)
			json_object_set_new(o, "hint", json_string(f->doc));
		json_t *err = errors ? json_object_get(errors, f->name) : NULL;
		if (err)
			json_object_set(o, "error", err);
		/* The hint and the problem are read out with the field. */
		bool hint = json_object_get(o, "hint") != NULL;
		if (hint || err)
			json_object_set_new(o, "describedby",
					    json_string(ep_arena_printf(p->arena, "%s%s%s", hint ? ep_arena_printf(p->arena, "f-%s-hint", f->name) : "",
									hint && err ? " " : "", err ? ep_arena_printf(p->arena, "f-%s-error", f->name) : "")));
		const char *kind = "text";
		switch (f->type) {
		case EP_F_TEXT: kind = f->max > 2000 ? "textarea" : "text"; break;
		case EP_F_INT: kind = cents ? "decimal" : "number"; break;
		case EP_F_REAL: kind = "decimal"; break;
		case EP_F_DATE: kind = "date"; break;
		case EP_F_BOOL:
			kind = "checkbox";
			json_object_set_new(o, "checked", json_boolean(p->form ? ep_page_field(p, f->name) != NULL
									      : json_is_true(record ? json_object_get(record, f->name) : NULL)));
			break;
		case EP_F_CLASS: {
			/* No level above the user's clearance is offered: the API would refuse it. */
			static const char *offer[6];
			size_t n = 0;
			for (int c = 0; classes[c] && c <= p->who->vis.clearance && c <= p->who->max_class; c++)
				n++;
			const char **lv = ep_arena_alloc(p->arena, (n + 1) * sizeof *lv);
			for (size_t c = 0; lv && c < n; c++)
				lv[c] = classes[c];
			if (lv)
				lv[n] = NULL;
			(void)offer;
			kind = "select";
			json_object_set_new(o, "options", options(p, lv ? lv : classes, value[0] ? value : "unclassified", false));
			break;
		}
		case EP_F_MARK:
			kind = "select";
			json_object_set_new(o, "options", options(p, marks, value[0] ? value : "none", false));
			break;
		case EP_F_ENUM:
			kind = "select";
			json_object_set_new(o, "options", options(p, f->values, value, !(f->flags & EP_F_REQUIRED) || !create));
			break;
		case EP_F_REF:
			kind = "number";
			if (strcmp(f->ref, "organisations") == 0) {
				if (!orgs)
					orgs = ep_page_find(p, NULL, "/api/v1/organisations?limit=200&sort=code");
				json_t *opts = json_array();
				json_array_append_new(opts, json_pack("{s:s, s:s, s:b}", "value", "", "label", "(none)", "selected", !value[0]));
				size_t j;
				json_t *org;
				json_array_foreach(json_object_get(orgs, "items"), j, org)
				{
					const char *id = text_of(p, json_object_get(org, "id"));
					json_array_append_new(opts, json_pack("{s:s, s:s, s:b}", "value", id, "label",
									      ep_arena_printf(p->arena, "%s: %s", text_of(p, json_object_get(org, "code")), text_of(p, json_object_get(org, "name"))),
									      "selected", strcmp(id, value) == 0));
				}
				kind = "select";
				json_object_set_new(o, "options", opts);
			}
			break;
		}
		json_object_set_new(o, "kind", json_string(kind));
		json_object_set_new(o, ep_arena_printf(p->arena, "is_%s", kind), json_true());
		json_array_append_new(fields, o);
	}
	return fields;
}

/* The JSON body of a form: the writable fields the user filled; on a change, a field emptied
 * becomes null. Problems the page finds itself go to errors. */
static json_t *form_body(ep_page *p, const ep_resdef *d, bool create, const char *bind, json_t *errors)
{
	json_t *body = json_object();
	for (size_t i = 0; i < d->nfields; i++) {
		const ep_field *f = &d->fields[i];
		if (!writable(f, create, bind))
			continue;
		const char *v = ep_page_field(p, f->name);
		if (f->type == EP_F_BOOL) {
			json_object_set_new(body, f->name, json_boolean(v != NULL));
			continue;
		}
		if (!v)
			continue;
		if (!v[0]) {
			if (!create && (f->flags & EP_F_NULLABLE))
				json_object_set_new(body, f->name, json_null());
			else if (!create || (f->flags & EP_F_REQUIRED))
				json_object_set_new(body, f->name, json_string(""));
			continue;
		}
		if (is_cents(f)) {
			int64_t c;
			if (!ep_pages_euros(v, &c))
				json_object_set_new(errors, f->name, json_string("is not an amount in euros (such as 1250.50)"));
			else
				json_object_set_new(body, f->name, json_integer(c));
		} else if (f->type == EP_F_INT || f->type == EP_F_REF) {
			int64_t n;
			if (ep_parse_i64z(v, INT64_MIN, INT64_MAX, &n) != EP_OK)
				json_object_set_new(errors, f->name, json_string("is not a whole number"));
			else
				json_object_set_new(body, f->name, json_integer(n));
		} else if (f->type == EP_F_REAL) {
			char *end;
			double x = strtod(v, &end);
			if (*end || end == v)
				json_object_set_new(errors, f->name, json_string("is not a number"));
			else
				json_object_set_new(body, f->name, json_real(x));
		} else {
			json_object_set_new(body, f->name, json_string(v));
		}
	}
	return body;
}

/* Where a new record goes: the resource, its API collection and its parent's field. */
struct place {
	const ep_resdef *d;
	const char *collection; /* the API path to POST to */
	const char *bind;       /* the field the parent fills, or NULL */
	const char *back;       /* the page to go back to */
};

static ep_status place_of(ep_page *p, struct place *pl)
{
	const char *res = ep_pages_resource(p);
	memset(pl, 0, sizeof *pl);
	if (p->nids == 1) {
		/* /oaps/{id}/actions/new, /oaps/{id}/sections/new, /priorities/{id}/goals/new */
		const char *child = strstr(p->path, "/actions/") ? "actions" : strstr(p->path, "/sections/") ? "sections" : "goals";
		pl->d = ep_resdef_find(child);
		pl->bind = strcmp(res, "oaps") == 0 ? "oap_id" : "priority_id";
		pl->collection = ep_arena_printf(p->arena, "/api/v1/%s/%lld/%s", res, (long long)p->ids[0], child);
		pl->back = ep_arena_printf(p->arena, "/%s/%lld", res, (long long)p->ids[0]);
	} else {
		pl->d = ep_resdef_find(res);
		pl->collection = ep_arena_printf(p->arena, "/api/v1/%s", res);
		pl->back = strcmp(res, "oaps") == 0 ? "/cycles" : ep_arena_printf(p->arena, "/%s", res);
	}
	return pl->d ? EP_OK : EP_E_NOTFOUND;
}

/* The page a record is shown on. */
static const char *record_page(ep_page *p, const char *res, int64_t id)
{
	return ep_arena_printf(p->arena, "/%s/%lld", res, (long long)id);
}

/* Whether a new record names its place in the plan (a priority, OAP, action or goal), which
 * decides who may create it. */
static bool names_a_place(const ep_resdef *d)
{
	for (size_t i = 0; i < d->nfields; i++) {
		const ep_field *f = &d->fields[i];
		if (f->type == EP_F_REF && (strcmp(f->ref, "priorities") == 0 || strcmp(f->ref, "oaps") == 0 ||
					    strcmp(f->ref, "actions") == 0 || strcmp(f->ref, "goals") == 0))
			return true;
	}
	return false;
}

ep_status ep_page_new(ep_page *p)
{
	struct place pl;
	if (place_of(p, &pl) != EP_OK)
		return EP_E_NOTFOUND;
	/* The form is offered only to whom the API would let create it. */
	json_t *parent = NULL;
	if (p->nids == 1 && !(parent = ep_page_get(p, NULL, "/api/v1%s", pl.back)))
		return EP_E_NOTFOUND;
	/* A record that names no place in the plan (an organisation) has no scope its body could
	 * give: the policy check can answer before the form is shown. */
	if (!parent && !names_a_place(pl.d) && !ep_page_may(p, EP_POST, pl.collection, NULL))
		return EP_E_NOTFOUND;
	const char *pname = parent ? json_string_value(json_object_get(parent, "title")) : NULL;
	if (parent && !pname)
		pname = json_string_value(json_object_get(parent, "short_name"));
	p->title = ep_arena_printf(p->arena, "New %s", pl.d->singular);
	p->tmpl = "form";
	ep_page_crumb(p, "Home", "/");
	ep_page_crumb(p, pname ? pname : label_of(p, pl.d->name), "%s", pl.back);
	ep_page_crumb(p, p->title, NULL);
	json_t *errors = json_object();
	if (p->method == EP_POST) {
		json_t *body = form_body(p, pl.d, true, pl.bind, errors);
		if (!json_object_size(errors)) {
			ep_call c;
			int st = ep_page_send(p, &c, EP_POST, pl.collection, body, 0);
			json_decref(body);
			if (st == 201 || st == 200) {
				const char *slash = strrchr(c.location, '/');
				int64_t id = 0;
				if (slash)
					ep_parse_i64z(slash + 1, 1, INT64_MAX, &id);
				json_decref(errors);
				return ep_page_redirect(p, "%s?done=created", id ? record_page(p, pl.d->name, id) : pl.back);
			}
			ep_page_form_failed(p, &c);
			json_decref(errors);
			errors = json_incref(json_object_get(p->ctx, "errors"));
		} else {
			json_decref(body);
			json_object_set_new(p->ctx, "error_message", json_string("Some fields need fixing: see below."));
			p->status = 422;
		}
	}
	json_object_set_new(p->ctx, "heading", json_string(p->title));
	json_object_set_new(p->ctx, "action", json_string(p->path));
	json_object_set_new(p->ctx, "submit", json_string("Create"));
	json_object_set_new(p->ctx, "cancel", json_string(pl.back));
	json_object_set_new(p->ctx, "fields", form_fields(p, pl.d, true, pl.bind, NULL, errors));
	json_decref(errors);
	return EP_OK;
}

ep_status ep_page_edit(ep_page *p)
{
	const char *res = ep_pages_resource(p);
	const ep_resdef *d = ep_resdef_find(res);
	if (!d)
		return EP_E_NOTFOUND;
	ep_call got;
	json_t *rec = ep_page_get(p, &got, "/api/v1/%s/%lld", res, (long long)p->ids[0]);
	if (!rec)
		return EP_E_NOTFOUND;
	const char *back = record_page(p, res, p->ids[0]);
	char target[96];
	snprintf(target, sizeof target, "/api/v1/%s/%lld", res, (long long)p->ids[0]);
	if (!ep_page_may(p, EP_PATCH, target, NULL))
		return EP_E_NOTFOUND;
	const char *name = json_string_value(json_object_get(rec, "title"));
	if (!name)
		name = json_string_value(json_object_get(rec, "heading"));
	p->title = ep_arena_printf(p->arena, "Change %s", name ? name : d->singular);
	p->tmpl = "form";
	ep_page_crumb(p, "Home", "/");
	ep_page_crumb(p, name ? name : d->singular, "%s", back);
	ep_page_crumb(p, "Change", NULL);
	json_t *errors = json_object();
	int64_t version = got.version;
	if (p->method == EP_POST) {
		int64_t sent = ep_page_version(p);
		json_t *body = form_body(p, d, false, NULL, errors);
		if (!json_object_size(errors)) {
			ep_call c;
			int st = ep_page_send(p, &c, EP_PATCH, target, body, sent);
			if (st == 200) {
				json_decref(body);
				json_decref(errors);
				return ep_page_redirect(p, "%s?done=saved", back);
			}
			ep_page_form_failed(p, &c);
			if (st == 412)
				ep_pages_conflict(p, rec, body, NULL, 0, "saved this record");
			json_decref(errors);
			errors = json_incref(json_object_get(p->ctx, "errors"));
		} else {
			json_object_set_new(p->ctx, "error_message", json_string("Some fields need fixing: see below."));
			p->status = 422;
		}
		json_decref(body);
	}
	json_object_set_new(p->ctx, "heading", json_string(p->title));
	json_object_set_new(p->ctx, "action", json_string(p->path));
	json_object_set_new(p->ctx, "version", json_integer(version));
	json_object_set_new(p->ctx, "submit", json_string("Save"));
	json_object_set_new(p->ctx, "cancel", json_string(back));
	json_object_set_new(p->ctx, "fields", form_fields(p, d, false, NULL, rec, errors));
	json_decref(errors);
	return EP_OK;
}

ep_status ep_page_transition(ep_page *p)
{
	const char *res = ep_pages_resource(p);
	const char *to = ep_page_field(p, "to"), *back = ep_page_field(p, "back");
	if (!ep_pages_safe_next(back))
		back = record_page(p, res, p->ids[0]);
	int64_t version = ep_page_version(p);
	json_t *body = json_pack("{s:s}", "to", to ? to : "");
	static const char *const extra[] = {"comment", "reason", "resolution", "decision", NULL};
	for (size_t i = 0; extra[i]; i++) {
		const char *v = ep_page_field(p, extra[i]);
		if (v && v[0])
			json_object_set_new(body, extra[i], json_string(v));
	}
	char target[96];
	snprintf(target, sizeof target, "/api/v1/%s/%lld/transitions", res, (long long)p->ids[0]);
	ep_call c;
	int st = ep_page_send(p, &c, EP_POST, target, body, version);
	json_decref(body);
	if (st < 300)
		return ep_page_redirect(p, "%s?done=moved", back);
	if (st == 404 || st == 403 || st == 401)
		return EP_E_NOTFOUND;
	/* The move was refused (a stale page, a missing comment, a rule): say why on a page of its
	 * own, with the way back. */
	return ep_pages_refused(p, "The step could not be done", st, st == 412 ? "Someone else changed this record after you opened the page. Go back, look at it again, and repeat the step if it is still needed." : c.err.msg, back);
}

/* ---- registers ---- */

/* The columns a list shows: a few that say what a record is. */
static bool listed(const ep_field *f)
{
	static const char *const names[] = {"code", "name", "title", "kind", "number", "label", "country", "status",
		"date", "start_date", "planned_date", "amount_cents", "classification", "marking", NULL};
	for (size_t i = 0; names[i]; i++)
		if (strcmp(f->name, names[i]) == 0)
			return true;
	return false;
}

static json_t *row_cells(ep_page *p, const ep_resdef *d, json_t *rec, bool all)
{
	json_t *cells = json_array();
	for (size_t i = 0; i < d->nfields; i++) {
		const ep_field *f = &d->fields[i];
		if (!all && !listed(f))
			continue;
		json_t *v = json_object_get(rec, f->name);
		const char *text = json_is_boolean(v) ? (json_is_true(v) ? "yes" : "no") : text_of(p, v);
		json_t *c = json_pack("{s:s, s:s}", "name", label_of(p, f->name), "value", text);
		if (f->type == EP_F_DATE)
			json_object_set_new(c, "is_date", json_true());
		if (f->type == EP_F_ENUM || f->type == EP_F_CLASS || f->type == EP_F_MARK)
			json_object_set_new(c, "is_code", json_true());
		if (f->type == EP_F_INT && strstr(f->name, "_cents") && json_is_integer(v))
			json_object_set_new(c, "value", json_string(ep_arena_printf(p->arena, "%.2f EUR", (double)json_integer_value(v) / 100.0)));
		if (f->type == EP_F_TEXT && f->max > 2000)
			json_object_set_new(c, "is_long", json_true());
		if (f->type == EP_F_REF && json_is_integer(v)) {
			const ep_resdef *rd = ep_resdef_find(f->ref);
			if (rd && strcmp(rd->name, "progress-reports") != 0)
				json_object_set_new(c, "href", json_string(record_page(p, strcmp(rd->name, "priorities") == 0 ? "priorities" : rd->name, json_integer_value(v))));
		}
		json_array_append_new(cells, c);
	}
	return cells;
}

ep_status ep_page_list(ep_page *p)
{
	const char *res = ep_pages_resource(p);
	const ep_resdef *d = ep_resdef_find(res);
	if (!d)
		return EP_E_NOTFOUND;
	const char *q = ep_pages_param(p, "q");
	ep_call c;
	json_t *list = q && q[0] ? ep_page_get(p, &c, "/api/v1/%s?limit=200&q=%s", res, ep_pages_enc(p, q))
				 : ep_page_get(p, &c, "/api/v1/%s?limit=200", res);
	if (!list && q && q[0])
		list = ep_page_get(p, &c, "/api/v1/%s?limit=200", res);
	if (!list)
		return EP_E_NOTFOUND;
	json_t *rows = json_array(), *heads = json_array();
	for (size_t i = 0; i < d->nfields; i++)
		if (listed(&d->fields[i]))
			json_array_append_new(heads, json_string(label_of(p, d->fields[i].name)));
	size_t i;
	json_t *rec;
	json_array_foreach(json_object_get(list, "items"), i, rec)
	{
		json_int_t id = json_integer_value(json_object_get(rec, "id"));
		const char *name = NULL;
		static const char *const keys[] = {"title", "name", "label", "code", NULL};
		for (size_t k = 0; keys[k] && !name; k++)
			name = json_string_value(json_object_get(rec, keys[k]));
		if (!name)
			name = ep_arena_printf(p->arena, "%s %lld", d->singular, (long long)id);
		json_array_append_new(rows, json_pack("{s:s, s:s, s:o}", "href", record_page(p, res, id), "name", name, "cells",
						      row_cells(p, d, rec, false)));
	}
	const char *title = label_of(p, res);
	p->title = title;
	p->tmpl = "list";
	ep_page_crumb(p, "Home", "/");
	ep_page_crumb(p, "Registers", "/registers");
	ep_page_crumb(p, title, NULL);
	json_object_set_new(p->ctx, "heading", json_string(title));
	json_object_set_new(p->ctx, "q", json_string(q ? q : ""));
	json_object_set_new(p->ctx, "doc", json_string(d->doc));
	json_object_set_new(p->ctx, "heads", heads);
	json_object_set_new(p->ctx, "rows", rows);
	json_object_set_new(p->ctx, "count", json_integer((json_int_t)json_array_size(rows)));
	json_object_set_new(p->ctx, "more", json_boolean(!json_is_null(json_object_get(list, "next_cursor"))));
	char target[64];
	snprintf(target, sizeof target, "/api/v1/%s", res);
	if (ep_resdef_find(res) && ep_page_may(p, EP_POST, target, NULL) &&
	    (strcmp(res, "good-practices") == 0 || strcmp(res, "jads") == 0 || strcmp(res, "grants") == 0 || strcmp(res, "overlaps") == 0 ||
	     strcmp(res, "organisations") == 0))
		json_object_set_new(p->ctx, "new_href", json_string(ep_arena_printf(p->arena, "/%s/new", res)));
	ep_pages_done(p);
	return EP_OK;
}

ep_status ep_page_record(ep_page *p)
{
	const char *res = ep_pages_resource(p);
	const ep_resdef *d = ep_resdef_find(res);
	if (!d)
		return EP_E_NOTFOUND;
	ep_call c;
	json_t *rec = ep_page_get(p, &c, "/api/v1/%s/%lld", res, (long long)p->ids[0]);
	if (!rec)
		return EP_E_NOTFOUND;
	const char *name = json_string_value(json_object_get(rec, "title"));
	if (!name)
		name = json_string_value(json_object_get(rec, "name"));
	if (!name)
		name = json_string_value(json_object_get(rec, "heading"));
	if (!name)
		name = ep_arena_printf(p->arena, "%s %lld", d->singular, (long long)p->ids[0]);
	p->title = name;
	p->tmpl = "record";
	ep_page_crumb(p, "Home", "/");
	ep_page_crumb(p, label_of(p, res), "/%s", res);
	ep_page_crumb(p, name, NULL);
	json_object_set_new(p->ctx, "heading", json_string(name));
	json_object_set_new(p->ctx, "singular", json_string(d->singular));
	json_object_set_new(p->ctx, "cells", row_cells(p, d, rec, true));
	json_object_set(p->ctx, "record", rec);
	const char *state = json_string_value(json_object_get(rec, "status"));
	if (state) {
		json_object_set_new(p->ctx, "moves", ep_pages_moves(p, res, p->ids[0], state));
		json_object_set_new(p->ctx, "version", json_integer(c.version));
		json_object_set_new(p->ctx, "move_action", json_string(ep_arena_printf(p->arena, "/%s/%lld/transitions", res, (long long)p->ids[0])));
	}
	char target[96];
	snprintf(target, sizeof target, "/api/v1/%s/%lld", res, (long long)p->ids[0]);
	bool editable = strcmp(res, "good-practices") == 0 || strcmp(res, "jads") == 0 || strcmp(res, "grants") == 0 ||
			strcmp(res, "sections") == 0 || strcmp(res, "organisations") == 0;
	if (editable && ep_page_may(p, EP_PATCH, target, NULL))
		json_object_set_new(p->ctx, "edit_href", json_string(ep_arena_printf(p->arena, "/%s/%lld/edit", res, (long long)p->ids[0])));
	ep_pages_done(p);
	return EP_OK;
}
