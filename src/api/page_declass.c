/*
 * The declassification form: the secretariat, or a Driver of the OAP a document carries,
 * decides passage by passage and section by section what of a Council document the public may
 * read: released as it is, deleted (replaced by DELETED) or not declassified (replaced by NOT
 * DECLASSIFIED), with a reason for every removal. On an original the form proposes a new EXT
 * version; on a proposal not yet issued the same form, filled with its map, changes the map.
 * The sign-off of a proposal (a second person) is posted here too.
 *
 * What the form must decide, and the text a person reads to decide it, comes from the API
 * (GET /api/v1/documents/{id}/declassification-subject), which also refuses whoever may not
 * propose. Each row of the form posts a hidden "k<i>" (the part: "passage:p3", "section:5.1",
 * a priority of a goals note "section:A"), "d<i>" (the decision) and "r<i>" (the reason); the
 * page turns them into the JSON body of the API, in row order, so that the API's problems
 * ("decisions[i].reason") come back next to the field of row i.
 */
#include "api/pages.h"

#define str ep_pages_str
#define num ep_pages_num

#include <stdio.h>
#include <string.h>

#include "core/num.h"
#include "http/form.h"
#include "core/banned.h"

/* How much of a part's text the form shows before "The whole text". */
#define EXCERPT_BYTES 280
/* The fields of a form besides its rows (_csrf, _version, suffix, step, and a margin): each
 * row posts at most three, and a form carries at most EP_FORM_MAX_FIELDS. */
#define OTHER_FIELDS 10
#define MAX_ROWS ((EP_FORM_MAX_FIELDS - OTHER_FIELDS) / 3)

static const char *const decision_labels[][2] = {
	{"released", "Released"},
	{"deleted", "Deleted"},
	{"not_declassified", "Not declassified"},
};

static const char *decision_label(const char *d)
{
	for (size_t i = 0; i < sizeof decision_labels / sizeof decision_labels[0]; i++)
		if (strcmp(d, decision_labels[i][0]) == 0)
			return decision_labels[i][1];
	return d;
}

/* The start of a text, at most max bytes, cut after a whole word and never inside a UTF-8
 * character; *more says whether anything was left out. */
static const char *excerpt_of(ep_page *p, const char *text, size_t max, bool *more)
{
	size_t n = strlen(text);
	*more = n > max;
	if (!*more)
		return text;
	size_t cut = max;
	while (cut > 0 && ((unsigned char)text[cut] & 0xC0) == 0x80)
		cut--;
	size_t word = cut;
	while (word > max / 2 && text[word] != ' ' && text[word] != '\n')
		word--;
	if (word > max / 2)
		cut = word;
	return ep_arena_printf(p->arena, "%.*s…", (int)cut, text);
}

/* One row of the form: what it decides ("passage:p3"), how it is named, and its text. */
static json_t *row_new(ep_page *p, const char *kind, const char *key, const char *label, json_t *part)
{
	json_t *r = json_pack("{s:s, s:s, s:s, s:s}", "kind", kind, "key", key, "id",
			      ep_arena_printf(p->arena, "%s:%s", kind, key), "label", label);
	bool held = !part || json_is_true(json_object_get(part, "held"));
	json_object_set_new(r, "held", json_boolean(held));
	const char *text = part ? json_string_value(json_object_get(part, "text")) : NULL;
	if (part && held && !json_is_true(json_object_get(part, "readable")))
		json_object_set_new(r, "unreadable", json_true());
	if (text && text[0]) {
		bool more;
		json_object_set_new(r, "excerpt", json_string(excerpt_of(p, text, EXCERPT_BYTES, &more)));
		if (more)
			json_object_set_new(r, "text", json_string(text));
	}
	return r;
}

/* The rows: every passage of the original, then every section of its OAP, then every priority
 * of its goals note, as the API lists them. */
static json_t *subject_rows(ep_page *p, json_t *subj)
{
	json_t *rows = json_array(), *x;
	size_t i;
	json_array_foreach(json_object_get(subj, "passages"), i, x)
	{
		const char *key = str(x, "key"), *heading = str(x, "heading");
		bool cont = json_is_true(json_object_get(x, "inline"));
		const char *label = ep_arena_printf(p->arena, "Passage %s%s%s%s", key, heading[0] ? ": " : "", heading,
						    cont ? " (continues the paragraph before it)" : "");
		json_array_append_new(rows, row_new(p, "passage", key, label, x));
	}
	json_array_foreach(json_object_get(subj, "sections"), i, x)
	{
		const char *n = str(x, "number"), *title = str(x, "title");
		const char *label = ep_arena_printf(p->arena, "Section %s%s%s", n, title[0] ? " " : "", title);
		json_array_append_new(rows, row_new(p, "section", n, label, x));
	}
	json_array_foreach(json_object_get(subj, "priorities"), i, x)
	{
		const char *code = str(x, "code"), *title = str(x, "title");
		const char *label = ep_arena_printf(p->arena, "Priority %s%s%s, with its strategic goals", code,
						    title[0] ? ": " : "", title);
		json_array_append_new(rows, row_new(p, "section", code, label, NULL));
	}
	/* The form's own numbering, once the order is known. */
	json_array_foreach(rows, i, x) json_object_set_new(x, "i", json_integer((json_int_t)i));
	return rows;
}

static json_t *row_by_id(json_t *rows, const char *id)
{
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r) if (strcmp(str(r, "id"), id) == 0) return r;
	return NULL;
}

/* The posted value of name<i>, or NULL. */
static const char *posted(const ep_page *p, char name, size_t i)
{
	char f[32];
	snprintf(f, sizeof f, "%c%zu", name, i);
	return ep_page_field(p, f);
}

/* The decisions of a map (the API's [{passage|section, decision, reason}]) on the rows, as
 * what the form shows chosen and typed. */
static void rows_from_map(json_t *rows, json_t *map)
{
	size_t i;
	json_t *d;
	json_array_foreach(map, i, d)
	{
		const char *pk = str(d, "passage"), *sk = str(d, "section");
		char id[160];
		snprintf(id, sizeof id, "%s:%s", pk[0] ? "passage" : "section", pk[0] ? pk : sk);
		json_t *r = row_by_id(rows, id);
		if (!r)
			continue;
		json_object_set(r, "decision", json_object_get(d, "decision"));
		if (json_is_string(json_object_get(d, "reason")))
			json_object_set(r, "reason", json_object_get(d, "reason"));
	}
}

/* The rows as the user sent them: each posted row's choice and reason on the row of the same
 * part (the document may have changed since the form was drawn: a part no longer there is
 * left out, a new one stays undecided). */
static void rows_from_form(ep_page *p, json_t *rows)
{
	for (size_t i = 0; i < EP_FORM_MAX_FIELDS; i++) {
		const char *k = posted(p, 'k', i);
		if (!k)
			break;
		json_t *r = row_by_id(rows, k);
		if (!r)
			continue;
		const char *d = posted(p, 'd', i), *why = posted(p, 'r', i);
		if (d)
			json_object_set_new(r, "decision", json_string(d));
		if (why)
			json_object_set_new(r, "reason", json_string(why));
	}
}

/* The API's body from the posted rows, in their order: {"decisions": [...], "suffix"?}. A reason
 * is sent for a removal only: a released part needs none. */
static json_t *body_from_form(ep_page *p, bool proposing)
{
	json_t *decisions = json_array();
	for (size_t i = 0; i < EP_FORM_MAX_FIELDS; i++) {
		const char *k = posted(p, 'k', i);
		if (!k)
			break;
		const char *colon = strchr(k, ':');
		bool section = colon && strncmp(k, "section:", 8) == 0;
		json_t *d = json_object();
		json_object_set_new(d, section ? "section" : "passage", json_string(colon ? colon + 1 : k));
		const char *dec = posted(p, 'd', i), *why = posted(p, 'r', i);
		if (dec && dec[0])
			json_object_set_new(d, "decision", json_string(dec));
		if (why && why[0] && !(dec && strcmp(dec, "released") == 0))
			json_object_set_new(d, "reason", json_string(why));
		json_array_append_new(decisions, d);
	}
	json_t *body = json_pack("{s:o}", "decisions", decisions);
	const char *sx = proposing ? ep_page_field(p, "suffix") : NULL;
	if (sx && sx[0]) {
		const char *ext = strncmp(sx, "EXT ", 4) == 0 ? sx : ep_arena_printf(p->arena, "EXT %s", sx);
		json_object_set_new(body, "suffix", json_string(ext));
	}
	return body;
}

/* Puts each of the API's problems next to its row ("decisions[3].reason" is the reason of the
 * part posted as row 3); what belongs to no row is listed above the form. */
static void problems_on_rows(ep_page *p, json_t *rows, json_t *problems)
{
	json_t *general = json_array();
	const char *f;
	json_t *msg;
	json_object_foreach(problems, f, msg)
	{
		if (strcmp(f, "suffix") == 0)
			continue; /* shown at its own field */
		json_t *r = NULL;
		const char *member = "";
		if (strncmp(f, "decisions[", 10) == 0 && strchr(f, ']')) {
			const char *close = strchr(f, ']');
			char digits[16];
			int64_t i = 0;
			snprintf(digits, sizeof digits, "%.*s", (int)(close - f - 10), f + 10);
			const char *k = NULL;
			if (ep_parse_i64z(digits, 0, EP_FORM_MAX_FIELDS, &i) == EP_OK)
				k = posted(p, 'k', (size_t)i);
			r = k ? row_by_id(rows, k) : NULL;
			member = close + 1;
		}
		if (!r) {
			json_array_append(general, msg);
			continue;
		}
		if (strcmp(member, ".reason") == 0) {
			json_object_set(r, "reason_error", msg);
		} else if (strcmp(member, ".decision") == 0 && !str(r, "decision")[0]) {
			json_object_set_new(r, "decision_error",
					    json_string("Choose whether it is released, deleted or not declassified."));
		} else {
			json_object_set(r, "decision_error", msg);
		}
		json_object_set_new(r, "invalid", json_true());
	}
	json_object_set_new(p->ctx, "general_errors", general);
	size_t n = 0, i;
	json_t *r;
	json_array_foreach(rows, i, r) n += json_is_true(json_object_get(r, "invalid"));
	const char *msg_all = NULL;
	if (n == 1)
		msg_all = "1 part of the form needs fixing: it is marked below.";
	else if (n)
		msg_all = ep_arena_printf(p->arena, "%zu parts of the form need fixing: they are marked below.", n);
	else if (json_array_size(general))
		msg_all = "The document has changed since the form was drawn:";
	if (msg_all)
		json_object_set_new(p->ctx, "error_message", json_string(msg_all));
}

/* Someone changed the proposal after the user opened it: their map and the user's, where they
 * differ, part by part. */
static void both_maps(ep_page *p, json_t *rows, json_t *theirs_map)
{
	json_t *theirs = json_array(), *mine = json_array(), *stored = json_deep_copy(rows);
	rows_from_map(stored, theirs_map);
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r)
	{
		json_t *s = json_array_get(stored, i);
		const char *a = str(s, "decision"), *b = str(r, "decision");
		/* A reason counts only for a removal: the form does not send one for a release. */
		const char *ra = strcmp(a, "released") ? str(s, "reason") : "";
		const char *rb = strcmp(b, "released") ? str(r, "reason") : "";
		if (strcmp(a, b) == 0 && strcmp(ra, rb) == 0)
			continue;
		const char *ta = a[0] ? ep_arena_printf(p->arena, "%s%s%s", decision_label(a), ra[0] ? ": " : "", ra)
				      : "undecided";
		const char *tb = b[0] ? ep_arena_printf(p->arena, "%s%s%s", decision_label(b), rb[0] ? ": " : "", rb)
				      : "undecided";
		json_array_append_new(theirs, json_pack("{s:s, s:s}", "field", str(r, "label"), "value", ta));
		json_array_append_new(mine, json_pack("{s:s, s:s}", "field", str(r, "label"), "value", tb));
	}
	json_decref(stored);
	json_object_set_new(p->ctx, "conflict", json_pack("{s:o, s:o}", "theirs", theirs, "mine", mine));
	json_object_set_new(p->ctx, "error_message",
			    json_string("Someone else changed this proposal after you opened it. Their decisions "
					"and yours are shown below where they differ; yours are kept in the form. "
					"Send it again to replace theirs, or go back to keep them."));
}

/* Signs a proposal off (the button of the document page). */
static ep_status sign_off(ep_page *p, int64_t id)
{
	int64_t version = ep_page_version(p);
	char target[96];
	snprintf(target, sizeof target, "/api/v1/documents/%lld/sign-off", (long long)id);
	ep_call c;
	int st = ep_page_send(p, &c, EP_POST, target, NULL, version);
	if (st < 300)
		return ep_page_redirect(p, "/documents/%lld?done=signed-off", (long long)id);
	if (st == 404 || st == 403 || st == 401)
		return EP_E_NOTFOUND;
	return ep_pages_refused(p, "The declassification step could not be done", st, c.err.msg,
				ep_arena_printf(p->arena, "/documents/%lld", (long long)id));
}

ep_status ep_page_declassify(ep_page *p)
{
	int64_t id = p->ids[0];
	const char *back = ep_arena_printf(p->arena, "/documents/%lld", (long long)id);
	const char *step = p->method == EP_POST ? ep_page_field(p, "step") : NULL;
	if (step && strcmp(step, "sign-off") == 0)
		return sign_off(p, id);
	ep_call got;
	json_t *subj = ep_page_get(p, &got, "/api/v1/documents/%lld/declassification-subject", (long long)id);
	if (!subj && got.status == 409)
		return ep_pages_refused(p, "This declassification can no longer change", 409, got.err.msg, back);
	if (!subj)
		return EP_E_NOTFOUND;
	bool proposal = strcmp(str(subj, "kind"), "proposal") == 0;
	const char *name = str(subj, "document");
	p->title = proposal ? ep_arena_printf(p->arena, "Change the proposal %s", name)
			    : ep_arena_printf(p->arena, "Propose a declassification of %s", name);
	p->tmpl = "declassify";
	ep_page_crumb(p, "Home", "/");
	ep_page_crumb(p, "Council documents", "/documents");
	ep_page_crumb(p, name, "%s", back);
	ep_page_crumb(p, proposal ? "Change the proposal" : "Propose a declassification", NULL);
	json_object_set(p->ctx, "subject", subj);
	json_object_set_new(p->ctx, "heading", json_string(p->title));
	json_object_set_new(p->ctx, "proposal", json_boolean(proposal));
	json_object_set_new(p->ctx, "back", json_string(back));
	json_object_set_new(p->ctx, "action", json_string(p->path));
	json_object_set_new(p->ctx, "version", json_integer(got.version));
	json_t *rows = subject_rows(p, subj);
	json_object_set_new(p->ctx, "rows", rows);
	if (json_array_size(rows) > MAX_ROWS) {
		/* More parts than a form can carry: the API and the command line take any number. */
		json_object_set_new(p->ctx, "too_many", json_integer((json_int_t)MAX_ROWS));
		return EP_OK;
	}
	if (p->method != EP_POST) {
		if (proposal)
			rows_from_map(rows, json_object_get(subj, "decisions"));
		return EP_OK;
	}
	json_t *body = body_from_form(p, !proposal);
	ep_call c;
	int st;
	if (proposal) {
		int64_t sent = ep_page_version(p);
		char target[96];
		snprintf(target, sizeof target, "/api/v1/documents/%lld/redactions", (long long)id);
		st = ep_page_send(p, &c, EP_PUT, target, body, sent);
	} else {
		char target[96];
		snprintf(target, sizeof target, "/api/v1/documents/%lld/declassifications", (long long)id);
		st = ep_page_send(p, &c, EP_POST, target, body, 0);
	}
	json_decref(body);
	if (st < 300 && proposal)
		return ep_page_redirect(p, "%s?done=proposal-changed", back);
	if (st < 300) {
		const char *slash = strrchr(c.location, '/');
		int64_t nid = 0;
		if (slash)
			ep_parse_i64z(slash + 1, 1, INT64_MAX, &nid);
		return ep_page_redirect(p, "/documents/%lld?done=proposed", (long long)(nid ? nid : id));
	}
	if (st == 404 || st == 403 || st == 401)
		return EP_E_NOTFOUND;
	/* The form again, with what the user chose and typed, each problem at its row. */
	ep_page_form_failed(p, &c);
	rows_from_form(p, rows);
	if (st == 412)
		both_maps(p, rows, json_object_get(subj, "decisions"));
	else
		problems_on_rows(p, rows, c.problems);
	return EP_OK;
}
