/*
 * The OpenAPI 3.1 document of the API, generated from the route table and the resource
 * descriptions, so that it cannot describe a route that does not exist or miss one that does.
 */
#include <stdio.h>
#include <string.h>

#include "db/db_res.h"
#include "http/http.h"
#include "http/router.h"
#include "core/banned.h"

static json_t *field_schema(const ep_field *f)
{
	json_t *s = json_object();
	const char *type = "string";
	switch (f->type) {
	case EP_F_INT:
	case EP_F_REF: type = "integer"; break;
	case EP_F_BOOL: type = "boolean"; break;
	case EP_F_REAL: type = "number"; break;
	default: break;
	}
	if (f->flags & EP_F_NULLABLE) {
		json_t *t = json_array();
		json_array_append_new(t, json_string(type));
		json_array_append_new(t, json_string("null"));
		json_object_set_new(s, "type", t);
	} else {
		json_object_set_new(s, "type", json_string(type));
	}
	if (f->type == EP_F_INT || f->type == EP_F_REF) {
		json_object_set_new(s, "minimum", json_integer(f->min));
		json_object_set_new(s, "maximum", json_integer(f->max));
	}
	if (f->type == EP_F_TEXT && f->max)
		json_object_set_new(s, "maxLength", json_integer(f->max));
	if (f->type == EP_F_DATE)
		json_object_set_new(s, "format", json_string("date"));
	const char *const *vals = f->values;
	static const char *const cls[] = {"unclassified", "restreint_ue", "confidentiel_ue", "secret_ue", "tres_secret_ue", NULL};
	static const char *const mk[] = {"none", "limite", NULL};
	if (f->type == EP_F_CLASS)
		vals = cls;
	if (f->type == EP_F_MARK)
		vals = mk;
	if (vals) {
		json_t *e = json_array();
		for (const char *const *v = vals; *v; v++)
			json_array_append_new(e, json_string(*v));
		json_object_set_new(s, "enum", e);
	}
	if (f->doc)
		json_object_set_new(s, "description", json_string(f->doc));
	if (f->flags & EP_F_READONLY)
		json_object_set_new(s, "readOnly", json_true());
	return s;
}

static json_t *resource_schema(const ep_resdef *d)
{
	json_t *props = json_object(), *req = json_array();
	json_object_set_new(props, "id", json_pack("{s:s, s:b}", "type", "integer", "readOnly", 1));
	for (size_t i = 0; i < d->nfields; i++) {
		json_object_set_new(props, d->fields[i].name, field_schema(&d->fields[i]));
		if (d->fields[i].flags & EP_F_REQUIRED)
			json_array_append_new(req, json_string(d->fields[i].name));
	}
	json_object_set_new(props, "version", json_pack("{s:s, s:b, s:s}", "type", "integer", "readOnly", 1,
						       "description", "the row version; send it in If-Match to change the record"));
	if (d->archive)
		json_object_set_new(props, "archived", json_pack("{s:s, s:b}", "type", "boolean", "readOnly", 1));
	/* The links a record is read with (db_links.h); they are changed through their own routes
	 * or by loading a dataset. */
	static const struct {
		const char *resource, *name, *type, *doc;
	} embeds[] = {
		{"priorities", "driver", "object", "the Driver COSI confirmed: {id, code}, or null"},
		{"priorities", "co_drivers", "array", "the Co-Drivers: [{id, code}]"},
		{"priorities", "supporting_agencies", "array", "the agencies COSI tasked: [{id, code}]"},
		{"oaps", "driver", "object", "the OAP's Driver: {id, code}, or null"},
		{"oaps", "co_drivers", "array", "the OAP's Co-Drivers: [{id, code}]"},
		{"shared-goals", "priorities", "array", "the priorities it applies to: [{id, code}]"},
		{"actions", "leader", "object", "the Action Leader: {org_id, org}, or null"},
		{"actions", "co_leaders", "array", "Co-Action Leaders: [{org_id, org}]"},
		{"actions", "participants", "array", "participants: [{org_id, org, status}]"},
		{"actions", "goals", "array", "ids of the strategic goals it pursues"},
		{"actions", "cross_references", "array", "related actions: [{action_id, note}]"},
	};
	for (size_t i = 0; i < sizeof embeds / sizeof embeds[0]; i++) {
		if (strcmp(embeds[i].resource, d->name) != 0)
			continue;
		json_t *type = strcmp(embeds[i].type, "object") == 0 ? json_pack("[s,s]", "object", "null")
								    : json_string(embeds[i].type);
		json_object_set_new(props, embeds[i].name,
				    json_pack("{s:o, s:b, s:s}", "type", type, "readOnly", 1, "description", embeds[i].doc));
	}
	return json_pack("{s:s, s:s, s:o, s:o, s:b}", "type", "object", "description", d->doc, "properties", props,
			 "required", req, "additionalProperties", 0);
}

static void schema_name(char *out, size_t n, const char *res)
{
	/* "shared-goals" -> "SharedGoals" */
	size_t o = 0;
	bool up = true;
	for (const char *p = res; *p && o + 1 < n; p++) {
		if (*p == '-') {
			up = true;
			continue;
		}
		out[o++] = up && *p >= 'a' && *p <= 'z' ? (char)(*p - 32) : *p;
		up = false;
	}
	out[o] = '\0';
}

/* A reference to a component: kind is "schemas" or "responses". */
static json_t *ref(const char *kind, const char *name)
{
	char buf[128];
	snprintf(buf, sizeof buf, "#/components/%s/%s", kind, name);
	return json_pack("{s:s}", "$ref", buf);
}

static json_t *param_schema(const ep_param_spec *p)
{
	switch (p->kind) {
	case EP_P_INT: return json_pack("{s:s, s:I, s:I}", "type", "integer", "minimum", (json_int_t)p->min, "maximum", (json_int_t)p->max);
	case EP_P_BOOL: return json_pack("{s:s}", "type", "boolean");
	case EP_P_ENUM: {
		json_t *e = json_array();
		for (const char *const *v = p->values; *v; v++)
			json_array_append_new(e, json_string(*v));
		return json_pack("{s:s, s:o}", "type", "string", "enum", e);
	}
	default: return json_pack("{s:s, s:I}", "type", "string", "maxLength", (json_int_t)(p->max ? p->max : 256));
	}
}

static json_t *operation(const ep_route *r)
{
	json_t *op = json_object();
	json_object_set_new(op, "summary", json_string(r->summary ? r->summary : ""));
	char id[256];
	size_t o = 0;
	for (const char *p = ep_method_name((ep_method)r->methods); *p && o < 20; p++)
		id[o++] = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
	for (const char *p = r->pattern; *p && o + 1 < sizeof id; p++)
		if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9'))
			id[o++] = *p;
		else if (*p == '/' || *p == '-' || *p == '_')
			id[o++] = '_';
	id[o] = '\0';
	json_object_set_new(op, "operationId", json_string(id));
	json_object_set_new(op, "x-permission", json_string(r->permission));
	json_t *params = json_array();
	for (const char *p = strchr(r->pattern, '{'); p; p = strchr(p + 1, '{')) {
		const char *e = strchr(p, '}');
		char name[64];
		size_t len = (size_t)(e - p - 1);
		if (!e || len >= sizeof name)
			break;
		memcpy(name, p + 1, len);
		name[len] = '\0';
		json_array_append_new(params, json_pack("{s:s, s:s, s:b, s:{s:s, s:i}}", "name", name, "in", "path",
							"required", 1, "schema", "type", "integer", "minimum", 1));
	}
	for (size_t i = 0; i < EP_ROUTE_MAX_PARAMS && r->params[i].name; i++)
		json_array_append_new(params, json_pack("{s:s, s:s, s:s, s:o}", "name", r->params[i].name, "in", "query",
							"description", r->params[i].help ? r->params[i].help : "",
							"schema", param_schema(&r->params[i])));
	if (r->methods & (EP_PATCH | EP_DELETE) || strstr(r->pattern, "/transitions") ||
	    (r->methods & EP_POST && strstr(r->pattern, "/actions/{id}/")))
		json_array_append_new(params, json_pack("{s:s, s:s, s:b, s:s, s:{s:s}}", "name", "If-Match", "in", "header",
							"required", 1, "description", "the version read",
							"schema", "type", "string"));
	json_object_set_new(op, "parameters", params);
	char sname[64] = "";
	if (r->schema)
		schema_name(sname, sizeof sname, r->schema);
	/* Chasing a round's missing reports takes only the Support Team's message and answers what
	 * it did (200), not a new record. */
	bool chase = strstr(r->pattern, "/chase") != NULL;
	if (r->body_max) {
		json_t *schema = strstr(r->pattern, "/transitions")
					 ? json_pack("{s:s, s:{s:{s:s}}, s:[s]}", "type", "object", "properties", "to", "type",
						     "string", "required", "to")
				 : chase ? json_pack("{s:s, s:{s:{s:[s,s], s:i}}, s:b}", "type", "object", "properties",
						     "message", "type", "string", "null", "maxLength", 2000,
						     "additionalProperties", 0)
				 : sname[0] && !strstr(r->pattern, "/actions/{id}/") ? ref("schemas", sname)
										    : json_pack("{s:s}", "type", "object");
		json_object_set_new(op, "requestBody",
				    json_pack("{s:b, s:{s:{s:o}}}", "required", 1, "content", "application/json", "schema", schema));
	}
	json_t *responses = json_object();
	const char *ok = r->methods == EP_POST && !strstr(r->pattern, "/transitions") && !chase ? "201" : "200";
	json_t *okschema;
	if (r->handler == ep_http_metrics)
		okschema = NULL;
	else if (r->methods == EP_GET && !strstr(r->pattern, "{id}") && sname[0])
		okschema = json_pack("{s:s, s:{s:{s:s, s:o}, s:{s:[s,s]}}}", "type", "object", "properties", "items",
				     "type", "array", "items", ref("schemas", sname), "next_cursor", "type",
				     "string", "null");
	else if (chase)
		okschema = json_pack("{s:s, s:[s,s,s,s,s,s,s,s]}", "type", "object", "required", "round", "sent_at",
				     "sent_by", "message", "reminded", "created", "reports", "by_leader");
	else if (sname[0] && strstr(r->pattern, "/{id}/") && r->methods == EP_GET)
		okschema = json_pack("{s:s, s:{s:{s:s, s:o}, s:{s:[s,s]}}}", "type", "object", "properties", "items",
				     "type", "array", "items", ref("schemas", sname), "next_cursor", "type",
				     "string", "null");
	else if (sname[0])
		okschema = ref("schemas", sname);
	else
		okschema = json_pack("{s:s}", "type", "object");
	if (okschema)
		json_object_set_new(responses, ok,
				    json_pack("{s:s, s:{s:{s:o}}}", "description", "done", "content", "application/json",
					      "schema", okschema));
	else
		json_object_set_new(responses, ok,
				    json_pack("{s:s, s:{s:{s:{s:s}}}}", "description", "Prometheus text", "content",
					      "text/plain", "schema", "type", "string"));
	if (r->methods == EP_DELETE)
		json_object_set_new(responses, "204", json_pack("{s:s}", "description", "deleted"));
	json_object_set_new(responses, "default", ref("responses", "Error"));
	json_object_set_new(op, "responses", responses);
	return op;
}

json_t *ep_http_openapi_doc(void)
{
	json_t *doc = json_object();
	json_object_set_new(doc, "openapi", json_string("3.1.0"));
	json_object_set_new(doc, "info",
			    json_pack("{s:s, s:s, s:s}", "title", "empact", "version", "1",
				      "description", "The EU Policy Cycle (EMPACT): priorities, strategic goals, Operational Action "
						     "Plans, operational actions, monitoring and Council documents."));
	json_t *paths = json_object();
	size_t n;
	const ep_route *routes = ep_routes(&n);
	for (size_t i = 0; i < n; i++) {
		json_t *item = json_object_get(paths, routes[i].pattern);
		if (!item) {
			item = json_object();
			json_object_set_new(paths, routes[i].pattern, item);
		}
		char m[16];
		snprintf(m, sizeof m, "%s", ep_method_name((ep_method)routes[i].methods));
		for (char *p = m; *p; p++)
			*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
		json_object_set_new(item, m, operation(&routes[i]));
	}
	json_object_set_new(doc, "paths", paths);
	json_t *schemas = json_object();
	size_t nd;
	const ep_resdef *defs = ep_resdefs(&nd);
	for (size_t i = 0; i < nd; i++) {
		char name[64];
		schema_name(name, sizeof name, defs[i].name);
		json_object_set_new(schemas, name, resource_schema(&defs[i]));
	}
	json_object_set_new(
		schemas, "Error",
		json_pack("{s:s, s:{s:{s:s, s:{s:{s:s}, s:{s:s}, s:{s:[s,s]}, s:{s:s}}}}}", "type", "object", "properties",
			  "error", "type", "object", "properties", "code", "type", "string", "message", "type", "string",
			  "field", "type", "string", "null", "problems", "type", "array"));
	json_object_set_new(doc, "components",
			    json_pack("{s:o, s:{s:{s:s, s:{s:{s:o}}}}}", "schemas", schemas, "responses", "Error",
				      "description", "an error, naming the problem and the field", "content",
				      "application/json", "schema", ref("schemas", "Error")));
	/* Scripts use API tokens; the web UI the session cookie, with its CSRF token on writes. */
	json_object_set_new(json_object_get(doc, "components"), "securitySchemes",
			    json_pack("{s:{s:s, s:s, s:s}, s:{s:s, s:s, s:s, s:s}}", "token", "type", "http", "scheme",
				      "bearer", "description", "an API token from empact user token or POST /api/v1/auth/tokens",
				      "session", "type", "apiKey", "in", "cookie", "name", "__Host-empact", "description",
				      "the session of POST /api/v1/auth/login; writes also send X-CSRF-Token"));
	json_object_set_new(doc, "security", json_pack("[{s:[]}, {s:[]}, {}]", "token", "session"));
	return doc;
}
