/*
 * The libmicrohttpd glue (see http.h). A request passes through, in order: the URI log
 * callback (its context and start time), the header checks of the first access-handler call
 * (request-line length, route, method, query, content type, declared body size), the body
 * chunks (capped), and the final call (JSON body parsing with a nesting limit, the handler,
 * the JSON view). Whatever fails, the answer is a JSON error with the security headers, and
 * nothing reaches a handler.
 */
#include "http/http.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/log.h"
#include "core/num.h"
#include "core/str.h"
#include "core/time.h"
#include "access/auth.h"
#include "access/authhdr.h"
#include "api/api.h"
#include "audit/audit.h"
#include "http/json_out.h"
#include "http/router.h"
#include "http/form.h"
#include "api/page.h"
#include "core/embed.h"
#include "view/view.h"
#include "core/csv.h"
#include "core/banned.h"

#define JSON_DEPTH_MAX 64

static const ep_config *g_cfg;
static atomic_int g_inflight;
static ep_throttle *g_throttle;
static char g_anchor[1200];

/* Database connections, one per worker thread, closed when the server stops. */
static pthread_mutex_t dbs_lock = PTHREAD_MUTEX_INITIALIZER;
static ep_db *dbs[512];
static size_t ndbs;
static _Thread_local ep_db *tl_db;

static ep_db *worker_db(ep_err *err)
{
	if (tl_db)
		return tl_db;
	ep_db_opts opts = {.create = false, .busy_timeout_ms = g_cfg->busy_timeout_ms};
	ep_db *db;
	if (ep_db_open(g_cfg->db, &opts, &db, err) != EP_OK)
		return NULL;
	pthread_mutex_lock(&dbs_lock);
	if (ndbs < sizeof dbs / sizeof dbs[0])
		dbs[ndbs++] = db;
	pthread_mutex_unlock(&dbs_lock);
	tl_db = db;
	return db;
}

struct conn {
	ep_arena *arena;
	char *uri;     /* the raw request target, with its query */
	double start;  /* monotonic seconds */
	int stage;     /* 0: headers not seen yet; 1: receiving the body */
	ep_buf body;
	bool too_large;
	int early;     /* an error decided from the headers: its status */
	ep_err early_err;
	unsigned allow;
	ep_req req;
	char rid[17];
	ep_principal who;
	char addr[64];
	uint64_t stamp[2]; /* the database's change stamp when the request began */
	bool stamped;
	/* A page of the web UI (not an API route), or a static file. */
	const ep_page_route *page;
	const ep_embedded *file;
	bool dry; /* a page's question to the policy check: nothing is done or recorded */
	bool page_mode; /* answers are HTML pages */
};

static double now_mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
	(void)cls;
	(void)c;
	struct conn *k = calloc(1, sizeof *k);
	if (!k)
		return NULL;
	k->arena = ep_arena_new(0);
	k->uri = k->arena ? ep_arena_strdup(k->arena, uri) : NULL;
	k->start = now_mono();
	unsigned char rnd[8];
	randombytes_buf(rnd, sizeof rnd);
	sodium_bin2hex(k->rid, sizeof k->rid, rnd, sizeof rnd);
	ep_buf_init(&k->body, 1);
	atomic_fetch_add(&g_inflight, 1);
	ep_http_metrics_inflight(1);
	return k;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **req_cls, enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)c;
	(void)toe;
	struct conn *k = *req_cls;
	if (!k)
		return;
	ep_buf_release(&k->body);
	ep_arena_free(k->arena);
	free(k);
	*req_cls = NULL;
	atomic_fetch_sub(&g_inflight, 1);
	ep_http_metrics_inflight(-1);
}

static int http_status(ep_status s, const ep_resp *resp)
{
	if (resp->status && (s == EP_OK || resp->status >= 400))
		return resp->status;
	switch (s) {
	case EP_OK: return 200;
	case EP_E_INVALID:
		if (strcmp(resp->err.field, "If-Match") == 0 && strstr(resp->err.msg, "send the version"))
			return 428;
		return ep_errs_count(&resp->problems) ? 422 : 400;
	case EP_E_NOTFOUND: return 404;
	case EP_E_DENIED: return 403;
	case EP_E_CONFLICT: return strcmp(resp->err.field, "version") == 0 ? 412 : 409;
	case EP_E_LIMIT: return 413;
	case EP_E_INTERNAL: return 500;
	}
	return 500;
}

static const char *code_for(int status)
{
	switch (status) {
	case 400: return "bad_request";
	case 401: return "unauthorized";
	case 429: return "too_many_requests";
	case 403: return "forbidden";
	case 404: return "not_found";
	case 405: return "method_not_allowed";
	case 409: return "conflict";
	case 412: return "precondition_failed";
	case 413: return "payload_too_large";
	case 414: return "uri_too_long";
	case 415: return "unsupported_media_type";
	case 422: return "invalid";
	case 428: return "precondition_required";
	case 431: return "headers_too_large";
	case 503: return "unavailable";
	default: return "internal";
	}
}

static json_t *error_json(int status, const ep_err *err, const ep_errs *problems)
{
	json_t *e = json_object();
	json_object_set_new(e, "code", json_string(code_for(status)));
	const char *msg = err->msg[0] ? err->msg : NULL;
	char summary[128];
	if (!msg && problems && ep_errs_count(problems)) {
		snprintf(summary, sizeof summary, "%zu problem%s with the request", ep_errs_count(problems),
			 ep_errs_count(problems) == 1 ? "" : "s");
		msg = problems->n == 1 ? problems->items[0].msg : summary;
	}
	json_object_set_new(e, "message", json_string(msg ? msg : "the request failed"));
	const char *field = err->field[0] ? err->field : (problems && problems->n ? problems->items[0].path : NULL);
	json_object_set_new(e, "field", field ? json_string(field) : json_null());
	if (problems && problems->n) {
		json_t *arr = json_array();
		for (size_t i = 0; i < problems->n; i++) {
			json_t *p = json_object();
			json_object_set_new(p, "field", json_string(problems->items[i].path));
			json_object_set_new(p, "message", json_string(problems->items[i].msg));
			json_array_append_new(arr, p);
		}
		json_object_set_new(e, "problems", arr);
	}
	json_t *root = json_object();
	json_object_set_new(root, "error", e);
	return root;
}

/* Pages load only the server's own style sheet and script: no inline script or style, no
 * other origin, forms post only here. */
#define PAGE_CSP                                                                                      \
	"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; " \
	"base-uri 'none'; frame-ancestors 'none'"

static void security_headers(struct MHD_Response *r, const char *ctype, bool immutable)
{
	bool page = ctype && strncmp(ctype, "text/html", 9) == 0;
	MHD_add_response_header(r, "Content-Security-Policy", page ? PAGE_CSP : "default-src 'none'; frame-ancestors 'none'");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Referrer-Policy", page ? "same-origin" : "no-referrer");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	/* The style sheet and script are the binary's own: cached for an hour. Nothing else is. */
	MHD_add_response_header(r, "Cache-Control", immutable ? "public, max-age=3600" : "no-store");
}

/* The client's address as text, "-" when unknown. */
static void client_address(struct MHD_Connection *c, char *addr, size_t n)
{
	snprintf(addr, n, "-");
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci && ci->client_addr) {
		if (ci->client_addr->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)ci->client_addr)->sin_addr, addr, (socklen_t)n);
		else if (ci->client_addr->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ci->client_addr)->sin6_addr, addr, (socklen_t)n);
	}
}

static void access_log(struct MHD_Connection *c, const struct conn *k, const char *method, int status, size_t bytes,
		       double secs)
{
	char ts[EP_TIMESTAMP_LEN], addr[64];
	ep_time_format(ep_time_now(), ts);
	client_address(c, addr, sizeof addr);
	char line[1200];
	int n = snprintf(line, sizeof line, "%s %s %s %.600s %d %zu %.3fms %s\n", ts, addr, method,
			 k && k->uri ? k->uri : "-", status, bytes, secs * 1000.0, k ? k->rid : "-");
	if (n > 0) {
		ssize_t w = write(STDOUT_FILENO, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
		(void)w;
	}
}

static enum MHD_Result respond(struct MHD_Connection *c, struct conn *k, const char *method, int status,
			       json_t *data, const ep_resp *resp)
{
	char *body = NULL;
	size_t len = 0;
	const char *ctype = "application/json; charset=utf-8";
	if (resp && resp->text) {
		body = resp->text;
		len = resp->text_len ? resp->text_len : strlen(body);
		ctype = resp->content_type ? resp->content_type : "text/plain; charset=utf-8";
	} else if (data && status != 204) {
		body = ep_json_out(data, &len); /* the bytes of json_dumps(JSON_COMPACT), faster */
	}
	if (!body)
		body = calloc(1, 1);
	struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(body);
		return MHD_NO;
	}
	security_headers(r, ctype, k && k->file && status == 200);
	if (status != 204)
		MHD_add_response_header(r, "Content-Type", ctype);
	if (k)
		MHD_add_response_header(r, "X-Request-Id", k->rid);
	if (resp && resp->version > 0) {
		char etag[32];
		snprintf(etag, sizeof etag, "\"%lld\"", (long long)resp->version);
		MHD_add_response_header(r, "ETag", etag);
	}
	if (resp && resp->location[0])
		MHD_add_response_header(r, "Location", resp->location);
	if (resp && resp->filename[0]) {
		char cd[220];
		snprintf(cd, sizeof cd, "attachment; filename=\"%s\"", resp->filename);
		MHD_add_response_header(r, "Content-Disposition", cd);
	}
	if (resp && resp->set_cookie[0])
		MHD_add_response_header(r, "Set-Cookie", resp->set_cookie);
	if (resp && resp->retry_after > 0) {
		char ra[24];
		snprintf(ra, sizeof ra, "%d", resp->retry_after);
		MHD_add_response_header(r, "Retry-After", ra);
	}
	if (status == 401)
		MHD_add_response_header(r, "WWW-Authenticate", "Bearer realm=\"empact\"");
	if (status == 405 && k) {
		char allow[64];
		ep_methods_text(k->allow, allow, sizeof allow);
		MHD_add_response_header(r, "Allow", allow);
	}
	enum MHD_Result ret = MHD_queue_response(c, (unsigned)status, r);
	MHD_destroy_response(r);
	double secs = k ? now_mono() - k->start : 0;
	access_log(c, k, method, status, len, secs);
	ep_http_metrics_count(k && k->req.route ? k->req.route->tag : -1, status, secs);
	return ret;
}

static enum MHD_Result respond_error(struct MHD_Connection *c, struct conn *k, const char *method, int status,
				     const ep_err *err)
{
	json_t *e = error_json(status, err, NULL);
	enum MHD_Result r = respond(c, k, method, status, e, NULL);
	json_decref(e);
	return r;
}

/*
 * Reads are answered from a small per-worker cache while the database has not changed: the
 * entry is keyed by the request target and stamped with ep_db_change_stamp, which moves with
 * any commit of any connection. A page of 100 actions costs about a millisecond to build and
 * nothing to repeat. Only GET routes of resources are cached, never /healthz or /metrics.
 * When accounts arrive, the key must also carry what the caller may see.
 */
#define CACHE_SLOTS 64
#define CACHE_KEY_MAX 512
#define CACHE_BODY_MAX (512 * 1024)

struct cached {
	char key[CACHE_KEY_MAX];
	uint64_t stamp[2];
	char *body;
	size_t len;
	int64_t version;
	char detail[300]; /* "" or, for classified or LIMITE content, what its reading records */
};
static pthread_key_t cache_key;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;

/* A worker's cache goes with its thread. */
static void cache_free(void *p)
{
	struct cached *c = p;
	for (size_t i = 0; i < CACHE_SLOTS; i++)
		free(c[i].body);
	free(c);
}

static void cache_init(void)
{
	pthread_key_create(&cache_key, cache_free);
}

static struct cached *worker_cache(void)
{
	pthread_once(&cache_once, cache_init);
	struct cached *c = pthread_getspecific(cache_key);
	if (!c && (c = calloc(CACHE_SLOTS, sizeof *c)) != NULL && pthread_setspecific(cache_key, c) != 0) {
		free(c);
		c = NULL;
	}
	return c;
}

static bool cacheable(const ep_req *req)
{
	return (req->method == EP_GET || req->method == EP_HEAD) && req->route->schema &&
	       strncmp(req->route->pattern, "/api/v1/", 8) == 0;
}

static struct cached *cache_slot(const char *key)
{
	struct cached *cache = worker_cache();
	if (!cache)
		return NULL;
	uint64_t h = 1469598103934665603ULL;
	for (const char *p = key; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	return &cache[h % CACHE_SLOTS];
}

/* A fresh copy of the cached body for key, if it is still current. */
static char *cache_get(const char *key, const uint64_t stamp[2], size_t *len, int64_t *version, char detail[300])
{
	struct cached *c = cache_slot(key);
	if (!c || !c->body || strcmp(c->key, key) != 0 || c->stamp[0] != stamp[0] || c->stamp[1] != stamp[1])
		return NULL;
	char *copy = malloc(c->len + 1);
	if (!copy)
		return NULL;
	memcpy(copy, c->body, c->len + 1);
	*len = c->len;
	*version = c->version;
	memcpy(detail, c->detail, sizeof c->detail);
	return copy;
}

static void cache_put(const char *key, const uint64_t stamp[2], const char *body, size_t len, int64_t version,
		      const char *detail)
{
	if (strlen(key) >= CACHE_KEY_MAX || len > CACHE_BODY_MAX)
		return;
	struct cached *c = cache_slot(key);
	char *copy = c ? malloc(len + 1) : NULL;
	if (!copy)
		return;
	memcpy(copy, body, len + 1);
	free(c->body);
	snprintf(c->key, sizeof c->key, "%s", key);
	c->stamp[0] = stamp[0];
	c->stamp[1] = stamp[1];
	c->body = copy;
	c->len = len;
	c->version = version;
	snprintf(c->detail, sizeof c->detail, "%s", detail ? detail : "");
}

/* The deepest nesting of arrays and objects in a JSON text (strings skipped). */
static int json_depth(const char *s, size_t n)
{
	int depth = 0, max = 0;
	bool in_str = false;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		if (in_str) {
			if (ch == '\\')
				i++;
			else if (ch == '"')
				in_str = false;
		} else if (ch == '"') {
			in_str = true;
		} else if (ch == '[' || ch == '{') {
			if (++depth > max)
				max = depth;
		} else if (ch == ']' || ch == '}') {
			depth--;
		}
	}
	return max;
}

/* Whether a Content-Type is exactly type (case-insensitive), bare or with charset=utf-8. */
static bool content_type_is(const char *ct, const char *type)
{
	if (!ct)
		return false;
	ep_sv v = ep_sv_from(ct), head;
	ep_sv rest = ep_sv_cut(v, ';', &head);
	head = ep_sv_trim(head);
	size_t n = strlen(type);
	if (head.n != n || strncasecmp(head.p, type, n) != 0)
		return false;
	if (!rest.p)
		return true;
	rest = ep_sv_trim(rest);
	return rest.n == 13 && strncasecmp(rest.p, "charset=utf-8", 13) == 0;
}

static bool is_json_type(const char *ct)
{
	return content_type_is(ct, "application/json");
}

/* What the header fields of a request say about its framing (see check_framing). */
struct framing {
	int hosts, lengths, encodings;
	bool bad_field; /* a name that is not a token, or a value with a control character */
	bool bad_host;  /* a Host that is not host[:port] */
	bool chunked;   /* the one Transfer-Encoding is exactly "chunked" */
	size_t bytes;   /* of every name and value */
};

static bool is_tchar(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       (ch && strchr("!#$%&'*+-.^_`|~", ch));
}

static enum MHD_Result scan_field(void *cls, enum MHD_ValueKind kind, const char *key, size_t key_size,
				  const char *value, size_t value_size)
{
	(void)kind;
	struct framing *f = cls;
	bool ok = key && key_size > 0;
	for (size_t i = 0; ok && i < key_size; i++)
		ok = is_tchar((unsigned char)key[i]);
	/* RFC 9110 5.5: a value is visible characters, spaces and tabs; NUL, CR and LF never. */
	for (size_t i = 0; ok && value && i < value_size; i++) {
		unsigned char ch = (unsigned char)value[i];
		ok = ch >= 0x20 ? ch != 0x7f : ch == '\t';
	}
	if (!ok) {
		f->bad_field = true;
		return MHD_YES;
	}
	f->bytes += key_size + value_size + 4;
	if (key_size == 4 && strncasecmp(key, "Host", 4) == 0) {
		f->hosts++;
		/* RFC 3986 uri-host [":" port]: unreserved, pct-encoded, sub-delims, IP literals. */
		for (size_t i = 0; value && i < value_size; i++) {
			unsigned char ch = (unsigned char)value[i];
			if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
			      strchr("-._~%!$&'()*+,;=:[]", ch)))
				f->bad_host = true;
		}
	} else if (key_size == 14 && strncasecmp(key, "Content-Length", 14) == 0) {
		f->lengths++;
	} else if (key_size == 17 && strncasecmp(key, "Transfer-Encoding", 17) == 0) {
		f->encodings++;
		f->chunked = value && value_size == 7 && strncasecmp(value, "chunked", 7) == 0;
	}
	return MHD_YES;
}

/* The message framing rules of RFC 9112 that libmicrohttpd leaves to the application: a
 * request whose length or target host is ambiguous is refused before it is routed, so that
 * nothing behind the server (a proxy, a cache) can read it differently (request smuggling).
 * Returns the status to answer with, or 0. */
static int check_framing(struct MHD_Connection *c, ep_err *err)
{
	struct framing f = {0};
	MHD_get_connection_values_n(c, MHD_HEADER_KIND, scan_field, &f);
	int status = 400;
	if (f.bad_field) {
		ep_err_set(err, EP_E_INVALID, "headers",
			   "a header field has a name that is not a token or a value with a control character");
	} else if (f.bytes > (size_t)g_cfg->max_header_bytes) {
		status = 431;
		ep_err_set(err, EP_E_LIMIT, "headers", "the header fields are larger than %lld bytes",
			   (long long)g_cfg->max_header_bytes);
	} else if (f.hosts > 1) {
		ep_err_set(err, EP_E_INVALID, "Host", "the request has more than one Host header");
	} else if (f.bad_host) {
		ep_err_set(err, EP_E_INVALID, "Host", "the Host header is not a host name or address");
	} else if (f.lengths > 1) {
		ep_err_set(err, EP_E_INVALID, "Content-Length", "the request has more than one Content-Length");
	} else if (f.lengths && f.encodings) {
		ep_err_set(err, EP_E_INVALID, "Transfer-Encoding", "the request has both Content-Length and Transfer-Encoding");
	} else if (f.encodings > 1 || (f.encodings && !f.chunked)) {
		ep_err_set(err, EP_E_INVALID, "Transfer-Encoding", "the only Transfer-Encoding accepted is chunked");
	} else {
		status = 0;
	}
	return status;
}

/* ---- pages: what the first call decides ---- */

/* Everything but the API and the server's own routes is a page of the web UI. */
static bool is_page_path(const char *url)
{
	return strncmp(url, "/api/", 5) != 0 && strcmp(url, "/api") != 0 && strcmp(url, "/healthz") != 0 &&
	       strcmp(url, "/metrics") != 0;
}

static bool is_form_type(const char *ct)
{
	return content_type_is(ct, "application/x-www-form-urlencoded");
}

/* A static file: /static/NAME of the embedded static/ directory. */
static const ep_embedded *static_file(const char *url)
{
	if (strncmp(url, "/static/", 8) != 0)
		return NULL;
	const char *name = url + 8;
	size_t n = strlen(name);
	if (n == 0 || n > 64 || strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789-.") != n || name[0] == '.')
		return NULL;
	char path[80];
	snprintf(path, sizeof path, "static/%s", name);
	return ep_embedded_find(path);
}

static void check_page_headers(struct MHD_Connection *c, struct conn *k, const char *url, const char *method)
{
	ep_err *err = &k->early_err;
	ep_req *req = &k->req;
	ep_method m = req->method;
	k->page_mode = true;
	if (strncmp(url, "/static/", 8) == 0) {
		if (!(k->file = static_file(url))) {
			k->early = 404;
			ep_err_set(err, EP_E_NOTFOUND, NULL, "there is no file %.120s", url);
		} else if (m != EP_GET && m != EP_HEAD) {
			k->allow = EP_GET | EP_HEAD;
			k->early = 405;
			ep_err_set(err, EP_E_INVALID, NULL, "%.16s is not allowed here; allowed: GET, HEAD", method);
		}
		return;
	}
	unsigned allow = 0;
	if (!m || !ep_page_match(m == EP_HEAD ? EP_GET : m, url, &k->page, req->ids, &req->nids, &allow)) {
		if (allow) {
			k->allow = allow;
			k->early = 405;
			ep_err_set(err, EP_E_INVALID, NULL, "%.16s is not allowed on this page", method);
		} else {
			k->early = 404;
			ep_err_set(err, EP_E_NOTFOUND, NULL, "there is no page at this address");
		}
		return;
	}
	const char *q = strchr(k->uri, '?');
	if (q && ep_query_parse(q + 1, strlen(q + 1), k->arena, &req->query, err) != EP_OK) {
		k->early = 400;
		return;
	}
	const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	const char *te = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING);
	int64_t length = 0;
	if (cl && ep_parse_i64z(cl, 0, INT64_MAX, &length) != EP_OK) {
		k->early = 400;
		ep_err_set(err, EP_E_INVALID, "Content-Length", "Content-Length is not a number");
		return;
	}
	bool has_body = length > 0 || te;
	if (has_body && m != EP_POST) {
		k->early = 400;
		ep_err_set(err, EP_E_INVALID, "body", "%s takes no body", method);
		return;
	}
	if (has_body &&
	    !is_form_type(MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE))) {
		k->early = 415;
		ep_err_set(err, EP_E_INVALID, "Content-Type", "a form is sent as application/x-www-form-urlencoded");
		return;
	}
	size_t max = (size_t)g_cfg->max_body_bytes;
	if (length > (int64_t)max) {
		k->early = 413;
		ep_err_set(err, EP_E_LIMIT, "body", "the form is %lld bytes, more than the %zu a form may have", (long long)length,
			   max);
		return;
	}
	ep_buf_init(&k->body, max ? max : 1);
}

/* The first call: everything that can be decided from the request line and headers. */
static void check_headers(struct MHD_Connection *c, struct conn *k, const char *url, const char *method)
{
	ep_err *err = &k->early_err;
	if ((int64_t)strlen(k->uri) > g_cfg->max_url_bytes) {
		k->early = 414;
		ep_err_set(err, EP_E_LIMIT, NULL, "the request target is longer than %lld bytes",
			   (long long)g_cfg->max_url_bytes);
		return;
	}
	if ((k->early = check_framing(c, err)) != 0)
		return;
	ep_method m = ep_method_parse(method);
	ep_req *req = &k->req;
	req->arena = k->arena;
	req->cfg = g_cfg;
	req->rules.max_class = g_cfg->max_classification;
	req->method = m;
	req->path = url;
	req->request_id = k->rid;
	if (is_page_path(url)) {
		check_page_headers(c, k, url, method);
		return;
	}
	const ep_route *route = NULL;
	ep_match mt = m ? ep_router_match(m, url, &route, req->ids, &req->nids, &k->allow) : EP_MATCH_NOMETHOD;
	if (!m) {
		/* A method empact does not serve at all: 405 where the path exists, else 404. */
		const ep_route *r2;
		int64_t ids[EP_MAX_PATH_IDS];
		size_t nids;
		mt = ep_router_match(EP_GET, url, &r2, ids, &nids, &k->allow);
		if (mt == EP_MATCH_OK) {
			k->allow = 0;
			ep_router_match((ep_method)0x40, url, &r2, ids, &nids, &k->allow);
			mt = EP_MATCH_NOMETHOD;
		}
	}
	if (mt == EP_MATCH_NOPATH) {
		k->early = 404;
		ep_err_set(err, EP_E_NOTFOUND, NULL, "there is nothing at %.200s", url);
		return;
	}
	if (mt == EP_MATCH_NOMETHOD) {
		char allow[64];
		ep_methods_text(k->allow, allow, sizeof allow);
		k->early = 405;
		ep_err_set(err, EP_E_INVALID, NULL, "%.16s is not allowed here; allowed: %s", method, allow);
		return;
	}
	req->route = route;
	const char *q = strchr(k->uri, '?');
	if (q && ep_query_parse(q + 1, strlen(q + 1), k->arena, &req->query, err) != EP_OK) {
		k->early = 400;
		return;
	}
	if (ep_router_check_query(route, &req->query, err) != EP_OK) {
		k->early = 400;
		return;
	}
	req->if_match = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-Match");
	const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	const char *te = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING);
	int64_t length = 0;
	if (cl && ep_parse_i64z(cl, 0, INT64_MAX, &length) != EP_OK) {
		k->early = 400;
		ep_err_set(err, EP_E_INVALID, "Content-Length", "Content-Length is not a number");
		return;
	}
	bool has_body = length > 0 || te;
	if (has_body && route->body_max == 0) {
		k->early = 400;
		ep_err_set(err, EP_E_INVALID, "body", "%s %s takes no body", method, route->pattern);
		return;
	}
	if (has_body && !is_json_type(MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE))) {
		k->early = 415;
		ep_err_set(err, EP_E_INVALID, "Content-Type", "send the body as application/json (UTF-8)");
		return;
	}
	size_t max = route->body_max < (size_t)g_cfg->max_body_bytes ? route->body_max : (size_t)g_cfg->max_body_bytes;
	if (length > (int64_t)max) {
		k->early = 413;
		ep_err_set(err, EP_E_LIMIT, "body", "the body is %lld bytes, more than the %zu this request accepts",
			   (long long)length, max);
		return;
	}
	ep_buf_init(&k->body, max ? max : 1);
}

/*
 * Reads of classified or LIMITE content are recorded in the audit trail too, but a read changes
 * nothing, so its record need not share a transaction with anything: the workers queue them and
 * one writer thread appends them in batches, every READS_FLUSH_MS at the most, in one
 * transaction each, then anchors the head. A worker thus never waits for a disk flush to answer
 * a read. The queue is bounded: when it is full, a worker appends its record itself. Stopping the
 * server writes what is queued before the database closes.
 */
#define READS_MAX 4096
#define READS_FLUSH_MS 20

struct read_rec {
	int64_t actor_id, object_id;
	char actor[EP_USERNAME_MAX + 1], org[33], kind[32], rid[17], detail[300];
};

static pthread_mutex_t reads_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t reads_cond = PTHREAD_COND_INITIALIZER;
static struct read_rec *reads, *reads_spare;
static size_t nreads;
static bool reads_stop;
static pthread_t reads_thread;
static bool reads_running;

static void reads_write(ep_db *db, const struct read_rec *r, size_t n)
{
	ep_err err;
	if (ep_db_begin(db, &err) != EP_OK) {
		ep_error("audit: %s", err.msg);
		return;
	}
	int64_t id = 0;
	char head[EP_AUDIT_HASH_HEX];
	ep_status s = EP_OK;
	for (size_t i = 0; i < n && s == EP_OK; i++) {
		ep_audit_rec a = {
			.actor_id = r[i].actor_id,
			.actor = r[i].actor,
			.org_code = r[i].org[0] ? r[i].org : NULL,
			.action = "read",
			.object_kind = r[i].kind[0] ? r[i].kind : NULL,
			.object_id = r[i].object_id,
			.outcome = "ok",
			.request_id = r[i].rid,
			.detail = r[i].detail,
		};
		s = ep_audit_append(db, &a, &id, head, &err);
	}
	if (s == EP_OK)
		s = ep_db_commit(db, &err);
	if (s != EP_OK) {
		ep_db_rollback(db);
		ep_error("audit: %zu read records: %s", n, err.msg);
		return;
	}
	ep_audit_anchor(g_anchor, id, head, NULL);
}

static void *reads_main(void *arg)
{
	ep_db *db = arg;
	pthread_mutex_lock(&reads_lock);
	for (;;) {
		while (nreads == 0 && !reads_stop)
			pthread_cond_wait(&reads_cond, &reads_lock);
		if (nreads == 0 && reads_stop)
			break;
		/* Let a burst gather, then write it in one transaction. */
		if (!reads_stop) {
			pthread_mutex_unlock(&reads_lock);
			usleep(READS_FLUSH_MS * 1000);
			pthread_mutex_lock(&reads_lock);
		}
		struct read_rec *batch = reads;
		size_t n = nreads;
		reads = reads_spare;
		reads_spare = batch;
		nreads = 0;
		pthread_mutex_unlock(&reads_lock);
		reads_write(db, batch, n);
		pthread_mutex_lock(&reads_lock);
	}
	pthread_mutex_unlock(&reads_lock);
	ep_db_close(db);
	return NULL;
}

static bool reads_start(void)
{
	ep_err err;
	ep_db *db;
	ep_db_opts opts = {.create = false, .busy_timeout_ms = g_cfg->busy_timeout_ms};
	reads = calloc(READS_MAX, sizeof *reads);
	reads_spare = calloc(READS_MAX, sizeof *reads_spare);
	if (!reads || !reads_spare || ep_db_open(g_cfg->db, &opts, &db, &err) != EP_OK)
		return false;
	reads_stop = false;
	if (pthread_create(&reads_thread, NULL, reads_main, db) != 0) {
		ep_db_close(db);
		return false;
	}
	reads_running = true;
	return true;
}

static void reads_finish(void)
{
	if (reads_running) {
		pthread_mutex_lock(&reads_lock);
		reads_stop = true;
		pthread_cond_signal(&reads_cond);
		pthread_mutex_unlock(&reads_lock);
		pthread_join(reads_thread, NULL);
		reads_running = false;
	}
	free(reads);
	free(reads_spare);
	reads = reads_spare = NULL;
}

static void audit_alone(const struct conn *k, const char *action, const char *kind, int64_t id, const char *outcome,
			const char *detail);

/* Records the reading of classified or LIMITE content: queued, or written at once when the queue
 * is full or not running. */
static void audit_read(const struct conn *k, const char *kind, int64_t id, const char *detail)
{
	pthread_mutex_lock(&reads_lock);
	if (reads_running && nreads < READS_MAX) {
		struct read_rec *r = &reads[nreads++];
		const ep_principal *p = &k->who;
		r->actor_id = p->user.id;
		r->object_id = id;
		snprintf(r->actor, sizeof r->actor, "%s", ep_principal_name(p));
		snprintf(r->org, sizeof r->org, "%s", p->user.org_code);
		snprintf(r->kind, sizeof r->kind, "%s", kind ? kind : "");
		snprintf(r->rid, sizeof r->rid, "%s", k->rid);
		snprintf(r->detail, sizeof r->detail, "%s", detail);
		pthread_cond_signal(&reads_cond);
		pthread_mutex_unlock(&reads_lock);
		return;
	}
	pthread_mutex_unlock(&reads_lock);
	audit_alone(k, "read", kind, id, "ok", detail);
}

/* ---- the policy check, and the audit records of the router ---- */

/* Appends an audit record about the request on its own (outside any transaction) and anchors
 * it. A failure is logged: the answer to the client does not change. */
static void audit_alone(const struct conn *k, const char *action, const char *kind, int64_t id, const char *outcome,
			const char *detail)
{
	if (k->dry)
		return;
	const ep_principal *p = &k->who;
	ep_audit_rec r = {
		.actor_id = p->user.id,
		.actor = ep_principal_name(p),
		.org_code = p->user.org_code[0] ? p->user.org_code : NULL,
		.action = action,
		.object_kind = kind,
		.object_id = id,
		.outcome = outcome,
		.request_id = k->rid,
		.detail = detail,
	};
	ep_err err;
	int64_t rid;
	char head[EP_AUDIT_HASH_HEX];
	if (ep_audit_append(k->req.db, &r, &rid, head, &err) != EP_OK)
		ep_error("audit: %s", err.msg);
	else
		ep_audit_anchor(g_anchor, rid, head, NULL);
}

static const char *route_action(const ep_req *req)
{
	return req->route->permission;
}

/* The object a request is about, for audit records: the first {id} of its path. */
static const char *route_kind(const ep_req *req)
{
	return req->route->schema ? req->route->schema : req->route->kind;
}

/*
 * The principals of API tokens, kept per worker while the database has not changed: a script
 * calls many times with the same token, and loading an account with its roles and deriving what
 * it may see costs more than answering a cached read. Any commit (a revoked token, a withdrawn
 * role, a disabled account) moves the change stamp and so empties this cache; expiry is checked
 * on every use.
 */
#define PRINCIPAL_SLOTS 8

struct known_token {
	unsigned char hash[EP_TOKEN_HASH];
	uint64_t stamp[2];
	bool used;
	ep_principal who;
};
static pthread_key_t tokens_key;
static pthread_once_t tokens_once = PTHREAD_ONCE_INIT;

static void tokens_init(void)
{
	pthread_key_create(&tokens_key, free);
}

static struct known_token *token_slot(const unsigned char hash[EP_TOKEN_HASH])
{
	pthread_once(&tokens_once, tokens_init);
	struct known_token *t = pthread_getspecific(tokens_key);
	if (!t && (t = calloc(PRINCIPAL_SLOTS, sizeof *t)) != NULL && pthread_setspecific(tokens_key, t) != 0) {
		free(t);
		t = NULL;
	}
	return t ? &t[hash[0] % PRINCIPAL_SLOTS] : NULL;
}

static ep_status token_principal(const struct conn *k, ep_auth_ctx *ac, const char *token, ep_principal *who,
				 ep_err *err)
{
	unsigned char hash[EP_TOKEN_HASH];
	ep_token_hash(token, hash);
	struct known_token *slot = token_slot(hash);
	/* The stamp was taken before any lookup, so that a change racing with it empties the slot. */
	bool stamped = slot && k->stamped;
	const uint64_t *stamp = k->stamp;
	if (stamped && slot->used && memcmp(slot->hash, hash, sizeof hash) == 0 && slot->stamp[0] == stamp[0] &&
	    slot->stamp[1] == stamp[1] && slot->who.token_expires_at > ac->now) {
		ep_principal_copy(who, &slot->who);
		return EP_OK;
	}
	ep_status s = ep_auth_token(ac, token, who, err);
	if (s == EP_OK && stamped) {
		memcpy(slot->hash, hash, sizeof hash);
		slot->stamp[0] = stamp[0];
		slot->stamp[1] = stamp[1];
		ep_principal_copy(&slot->who, who);
		slot->used = true;
	}
	return s;
}

/* Who the request comes from: an API token, a session cookie, or no one (the public). */
static ep_status authenticate(struct MHD_Connection *c, struct conn *k, ep_resp *resp)
{
	ep_req *req = &k->req;
	ep_principal_anonymous(&k->who);
	ep_auth_ctx ac = {.db = req->db, .max_class = g_cfg->max_classification, .arena = k->arena,
			  .address = k->addr, .request_id = k->rid, .anchor = g_anchor, .now = ep_time_now()};
	const char *authz = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
	ep_status s;
	if (authz) {
		char token[EP_TOKEN_LEN + 8];
		if ((s = ep_authz_bearer(authz, strlen(authz), token, sizeof token, &resp->err)) != EP_OK) {
			resp->status = 401;
			return ep_err_set(&resp->err, EP_E_DENIED, "Authorization",
					  "send an API token as Authorization: Bearer TOKEN");
		}
		if ((s = token_principal(k, &ac, token, &k->who, &resp->err)) != EP_OK) {
			if (s == EP_E_DENIED)
				resp->status = 401;
			ep_principal_anonymous(&k->who);
			return s;
		}
		return EP_OK;
	}
	const char *cookie = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_COOKIE);
	if (!cookie)
		return EP_OK;
	char value[EP_COOKIE_VALUE_MAX];
	bool found = false;
	if ((s = ep_cookie_find(cookie, strlen(cookie), EP_SESSION_COOKIE, value, &found, &resp->err)) != EP_OK) {
		/* Other software on the same host may set cookies empact cannot parse: without its own
		 * cookie in the header, the request is simply anonymous. With it (twice, or garbled),
		 * it is refused: that is how cookie tossing looks. */
		if (!strstr(cookie, EP_SESSION_COOKIE))
			return EP_OK;
		resp->status = 400;
		snprintf(resp->err.field, sizeof resp->err.field, "Cookie");
		return EP_E_INVALID;
	}
	if (!found)
		return EP_OK;
	if ((s = ep_auth_session(&ac, value, &k->who, &resp->err)) != EP_OK) {
		if (s == EP_E_DENIED) {
			resp->status = 401;
			ep_cookie_set_session("", 0, resp->set_cookie, sizeof resp->set_cookie, NULL);
		}
		ep_principal_anonymous(&k->who);
		return s;
	}
	return EP_OK;
}

/* A state-changing request may not come from another site: its Origin (when the client sends
 * one) must be this server, and with a cookie session it must carry the session's CSRF token. */
static ep_status check_csrf(struct MHD_Connection *c, struct conn *k, ep_resp *resp)
{
	const char *origin = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
	const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
	if (origin && (!host || !ep_origin_matches_host(origin, strlen(origin), host))) {
		resp->status = 403;
		return ep_err_set(&resp->err, EP_E_DENIED, "Origin", "a request from another site is refused");
	}
	if (k->who.auth != EP_AUTH_SESSION)
		return EP_OK;
	const char *csrf = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-CSRF-Token");
	if (!csrf || !ep_token_equal(csrf, k->who.csrf)) {
		resp->status = 403;
		return ep_err_set(&resp->err, EP_E_DENIED, "X-CSRF-Token",
				  "send the CSRF token of your session (csrf_token of the sign-in answer) in X-CSRF-Token");
	}
	return EP_OK;
}

/* A body's references to records the caller may not read are refused exactly as references to
 * records that do not exist, so that a write cannot probe or reach into what is hidden. */
static void hidden_refs(struct conn *k, const ep_resdef *d, ep_resp *resp)
{
	ep_req *req = &k->req;
	const char *k2;
	json_t *v;
	json_object_foreach(req->body, k2, v)
	{
		const char *ref = NULL;
		const ep_field *f = d ? ep_resdef_field(d, k2) : NULL;
		if (f && f->type == EP_F_REF)
			ref = f->ref;
		else if (strcmp(k2, "action_id") == 0)
			ref = "actions";
		else if (strcmp(k2, "goal_id") == 0)
			ref = "goals";
		const ep_resdef *rd = ref ? ep_resdef_find(ref) : NULL;
		if (!rd || !json_is_integer(v) || strcmp(rd->vis, "1") == 0)
			continue;
		ep_scope sc;
		if (ep_db_res_scope(req->db, rd, (int64_t)json_integer_value(v), req->vis, &sc, NULL) == EP_E_NOTFOUND) {
			char path[80];
			snprintf(path, sizeof path, "$.%.64s", k2);
			ep_errs_add(&resp->problems, EP_E_INVALID, path, "there is no %s %lld", rd->singular,
				    (long long)json_integer_value(v));
		}
	}
}

/* The one policy check: finds what the request is about (hidden records read as absent), then
 * asks the permission table. */
static ep_status guard(struct conn *k, bool writes, ep_resp *resp, const char **perm_out)
{
	ep_req *req = &k->req;
	const ep_route *rt = req->route;
	ep_target t = {.body = req->body, .writes = writes, .scoped = (rt->flags & EP_ROUTE_SCOPED) != 0};
	const char *perm = rt->permission;
	*perm_out = perm;
	const ep_resdef *d = rt->schema ? ep_resdef_find(rt->schema) : NULL;
	ep_status s;
	/* Which record the route names: the parent of a nested list or create, else its own. */
	const ep_resdef *named = NULL;
	if (d && req->nids > 0) {
		named = d;
		if (rt->bind) {
			const ep_field *f = ep_resdef_field(d, rt->bind);
			named = f ? ep_resdef_find(f->ref) : NULL;
		}
	}
	if (named) {
		if ((s = ep_db_res_scope(req->db, named, req->ids[0], req->vis, &t.scope, &resp->err)) != EP_OK) {
			if (s == EP_E_NOTFOUND) {
				ep_scope any;
				if (ep_db_res_scope(req->db, named, req->ids[0], NULL, &any, NULL) == EP_OK)
					audit_alone(k, route_action(req), named->name, req->ids[0], "denied",
						    "hidden from the caller: answered as not found");
				ep_err_set(&resp->err, EP_E_NOTFOUND, NULL, "no %s %lld", named->singular, (long long)req->ids[0]);
			}
			return s;
		}
		t.has_scope = true;
	} else if (d && writes && req->body) {
		/* A create names its place in the plan in its body. */
		for (size_t i = 0; i < d->nfields && !t.has_scope; i++) {
			const ep_field *f = &d->fields[i];
			json_t *v = json_object_get(req->body, f->name);
			if (f->type != EP_F_REF || !json_is_integer(v))
				continue;
			const ep_resdef *rd = ep_resdef_find(f->ref);
			if (rd && (strcmp(rd->name, "priorities") == 0 || strcmp(rd->name, "oaps") == 0 ||
				   strcmp(rd->name, "actions") == 0 || strcmp(rd->name, "goals") == 0) &&
			    ep_db_res_scope(req->db, rd, (int64_t)json_integer_value(v), req->vis, &t.scope, NULL) == EP_OK)
				t.has_scope = true;
		}
	}
	if (writes && req->body && (d || rt->handler == ep_api_xref_add || rt->handler == ep_api_goal_link_add)) {
		hidden_refs(k, d && !(rt->handler == ep_api_xref_add || rt->handler == ep_api_goal_link_add) ? d : NULL, resp);
		if (ep_errs_count(&resp->problems))
			return EP_E_INVALID;
	}
	/* A participation other than an invitation is the NEC's to decide, also when it comes
	 * with the participant being added. */
	int64_t org_id = rt->handler == ep_api_participant_set && req->nids > 1 ? req->ids[1] : 0;
	if (rt->handler == ep_api_participant_add && req->body) {
		json_t *st = json_object_get(req->body, "status"), *org = json_object_get(req->body, "org_id");
		if (json_is_string(st) && strcmp(json_string_value(st), "invited") != 0 && json_is_integer(org)) {
			perm = "actions.participation";
			org_id = (int64_t)json_integer_value(org);
		}
	}
	if (org_id) {
		json_t *org;
		if (ep_db_res_get(req->db, ep_resdef_find("organisations"), org_id, &org, NULL) == EP_OK) {
			json_t *cc = json_object_get(org, "country");
			if (json_is_string(cc))
				t.country = ep_arena_strdup(req->arena, json_string_value(cc));
			json_decref(org);
		}
	}
	if (rt->handler == ep_api_transition && req->body) {
		json_t *to = json_object_get(req->body, "to");
		const char *name = json_is_string(to) ? ep_arena_printf(req->arena, "%s.%.40s", perm, json_string_value(to)) : NULL;
		if (name && ep_perm_find(name))
			perm = name;
	}
	*perm_out = perm;
	if ((s = ep_access_check(&k->who, perm, &t, &resp->err)) != EP_OK) {
		resp->status = k->who.user.id ? 403 : 401;
		audit_alone(k, perm, route_kind(req), req->nids ? req->ids[0] : 0, "denied", resp->err.msg);
	}
	return s;
}

/* Counts the records of a response that are classified or LIMITE, and names the first few. */
static size_t sensitive(json_t *v, char *ids, size_t n, size_t *used)
{
	size_t count = 0;
	if (json_is_array(v)) {
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x) count += sensitive(x, ids, n, used);
	} else if (json_is_object(v)) {
		json_t *c = json_object_get(v, "classification"), *m = json_object_get(v, "marking");
		if ((json_is_string(c) && strcmp(json_string_value(c), "unclassified") != 0) ||
		    (json_is_string(m) && strcmp(json_string_value(m), "limite") == 0)) {
			count++;
			json_t *id = json_object_get(v, "id");
			if (json_is_integer(id) && *used < n) {
				int w = snprintf(ids + *used, n - *used, "%s%lld", *used ? " " : "", (long long)json_integer_value(id));
				if (w > 0)
					*used += (size_t)w < n - *used ? (size_t)w : n - *used;
			}
		}
		json_t *items = json_object_get(v, "items");
		if (items)
			count += sensitive(items, ids, n, used);
	}
	return count;
}

/* A read: answered from the cache while nothing changed and the caller sees the same; a
 * response with classified or LIMITE content is never cached and its reading is audited. */
static ep_status run_read(struct conn *k, ep_resp *resp, const char *key, const uint64_t stamp[2])
{
	ep_req *req = &k->req;
	size_t len;
	ep_status s = req->route->handler(req, resp);
	if (s != EP_OK || !resp->data)
		return s;
	char ids[200] = "";
	size_t used = 0;
	size_t n = req->route->schema ? sensitive(resp->data, ids, sizeof ids, &used) : 0;
	/* Strategic and shared goals come from a LIMITE Council document: reading them is audited. */
	const char *schema = req->route->schema;
	if (!n && schema && (strcmp(schema, "goals") == 0 || strcmp(schema, "shared-goals") == 0)) {
		json_t *items = json_object_get(resp->data, "items");
		n = items ? json_array_size(items) : 1;
		snprintf(ids, sizeof ids, "%s", strcmp(schema, "goals") == 0 ? "strategic goals" : "shared goals");
	}
	char detail[300] = "";
	if (n) {
		snprintf(detail, sizeof detail, "read %zu classified or LIMITE record%s: %s%s", n, n == 1 ? "" : "s", ids,
			 used >= sizeof ids - 1 ? " ..." : "");
		audit_read(k, route_kind(req), req->nids ? req->ids[0] : 0, detail);
	}
	if (resp->text)
		return EP_OK; /* a file (a rendered document): never cached, its reading audited above */
	if (resp->csv_table) {
		/* An export: the named table of the answer, after its reading was audited above. */
		resp->text = ep_csv_from_rows(json_object_get(resp->data, resp->csv_table), &len);
		if (!resp->text)
			return ep_err_set(&resp->err, EP_E_INTERNAL, NULL, "the table could not be written as CSV");
		resp->content_type = "text/csv; charset=utf-8";
		return EP_OK;
	}
	if (key && (!resp->status || resp->status == 200) && (resp->text = ep_json_out(resp->data, &len)) != NULL) {
		resp->content_type = "application/json; charset=utf-8";
		cache_put(key, stamp, resp->text, len, resp->version, detail);
	}
	return EP_OK;
}

/* The id of the record a write created, from its Location. */
static int64_t created_id(const ep_resp *resp)
{
	const char *slash = strrchr(resp->location, '/');
	int64_t id = 0;
	if (slash)
		ep_parse_i64z(slash + 1, 1, INT64_MAX, &id);
	return id;
}

/* A write: the handler's change and its audit record commit together; a refused or failed
 * write is rolled back and its failure recorded on its own. */
static ep_status run_write(struct conn *k, const char *perm, ep_resp *resp)
{
	ep_req *req = &k->req;
	ep_status s = ep_db_begin(req->db, &resp->err);
	if (s != EP_OK)
		return s;
	s = req->route->handler(req, resp);
	int64_t object = resp->audit_object_id ? resp->audit_object_id : created_id(resp);
	if (!object && req->nids)
		object = req->ids[0];
	if (s == EP_OK) {
		ep_audit_rec r = {
			.actor_id = k->who.user.id,
			.actor = ep_principal_name(&k->who),
			.org_code = k->who.user.org_code[0] ? k->who.user.org_code : NULL,
			.action = perm,
			.object_kind = route_kind(req),
			.object_id = object,
			.outcome = "ok",
			.request_id = k->rid,
			.detail = ep_arena_printf(k->arena, "%s %s%s%s", ep_method_name(req->method), req->path,
						  resp->audit_note ? ": " : "", resp->audit_note ? resp->audit_note : ""),
		};
		int64_t id;
		char head[EP_AUDIT_HASH_HEX];
		if ((s = ep_audit_append(req->db, &r, &id, head, &resp->err)) == EP_OK &&
		    (s = ep_db_commit(req->db, &resp->err)) == EP_OK) {
			ep_audit_anchor(g_anchor, id, head, NULL);
			return EP_OK;
		}
		json_decref(resp->data);
		resp->data = NULL;
		resp->status = 0;
	}
	while (ep_db_in_transaction(req->db))
		ep_db_rollback(req->db);
	const char *why = resp->err.msg[0] ? resp->err.msg : ep_errs_count(&resp->problems) ? resp->problems.items[0].msg : "";
	audit_alone(k, perm, route_kind(req), object, "failed", ep_arena_printf(k->arena, "%s %s: %.200s",
										  ep_method_name(req->method), req->path, why));
	return s;
}

/* After authentication and CSRF: the policy check, then the handler as a read or a write. */
static ep_status dispatch(struct conn *k, bool writes, ep_resp *resp, const char *key, const uint64_t stamp[2])
{
	ep_req *req = &k->req;
	const char *perm;
	ep_status s;
	if ((s = guard(k, writes, resp, &perm)) != EP_OK)
		return s;
	if (!writes)
		return run_read(k, resp, key, stamp);
	if (req->route->flags & EP_ROUTE_SELF_AUDIT) {
		s = req->route->handler(req, resp);
		if (s != EP_OK && !resp->audited)
			audit_alone(k, perm, route_kind(req), 0, "failed",
				    resp->err.msg[0] ? resp->err.msg : ep_errs_count(&resp->problems) ? resp->problems.items[0].msg : "");
		return s;
	}
	return run_write(k, perm, resp);
}

static ep_status serve_request(struct MHD_Connection *c, struct conn *k, ep_resp *resp)
{
	ep_req *req = &k->req;
	bool writes = req->method != EP_GET && req->method != EP_HEAD;
	ep_status s = EP_OK;
	k->stamped = ep_db_change_stamp(req->db, k->stamp, NULL) == EP_OK;
	if (req->route->flags & EP_ROUTE_NO_AUTH)
		ep_principal_anonymous(&k->who);
	else
		s = authenticate(c, k, resp);
	req->who = &k->who;
	req->vis = &k->who.vis;
	if (s != EP_OK) {
		audit_alone(k, "authenticate", NULL, 0, "denied", resp->err.msg);
		return s;
	}
	if (writes && (s = check_csrf(c, k, resp)) != EP_OK) {
		audit_alone(k, route_action(req), route_kind(req), req->nids ? req->ids[0] : 0, "denied", resp->err.msg);
		return s;
	}
	/* A read already answered for a caller who sees the same (the key digests clearance,
	 * roles and scopes: the policy check would decide the same) is answered again at once. */
	/* The stamp of the start of the request, unless signing in by session wrote its last use. */
	uint64_t stamp[2] = {k->stamp[0], k->stamp[1]};
	char *key = NULL;
	bool fresh = k->who.auth != EP_AUTH_SESSION || ep_db_change_stamp(req->db, stamp, NULL) == EP_OK;
	if (!writes && !k->who.enrol_only && k->stamped && fresh && cacheable(req)) {
		key = ep_arena_printf(k->arena, "%s\x1f%s", k->uri, k->who.vis_key);
		size_t len;
		char detail[300];
		if (key && (resp->text = cache_get(key, stamp, &len, &resp->version, detail)) != NULL) {
			resp->content_type = "application/json; charset=utf-8";
			if (detail[0])
				audit_read(k, route_kind(req), req->nids ? req->ids[0] : 0, detail);
			return EP_OK;
		}
	}
	return dispatch(k, writes, resp, key, stamp);
}

/* ---- pages of the web UI ---- */

/* Answers an HTML page (body malloc'd, handed over). */
static enum MHD_Result respond_html(struct MHD_Connection *c, struct conn *k, const char *method, int status, char *html,
				    size_t len, const char *location, const char *set_cookie)
{
	ep_resp r;
	memset(&r, 0, sizeof r);
	r.text = html ? html : calloc(1, 1);
	r.text_len = html ? len : 0;
	r.content_type = "text/html; charset=utf-8";
	if (location)
		snprintf(r.location, sizeof r.location, "%s", location);
	if (set_cookie)
		snprintf(r.set_cookie, sizeof r.set_cookie, "%s", set_cookie);
	if (!r.text)
		return MHD_NO;
	if (!r.text_len && r.text[0])
		r.text_len = strlen(r.text);
	return respond(c, k, method, status, NULL, &r);
}

/* The error page: a 404 says only that there is nothing here, whatever the reason. */
static enum MHD_Result respond_page_error(struct MHD_Connection *c, struct conn *k, const char *method, int status,
					  const ep_err *err)
{
	ep_buf out;
	ep_buf_init(&out, 1 << 20);
	const ep_principal *who = k->req.who;
	ep_view_error(&out, status, status == 404 ? NULL : err->msg, who, k->uri);
	size_t len;
	char *html = ep_buf_detach(&out, &len);
	return respond_html(c, k, method, status, html, len, NULL, NULL);
}

static enum MHD_Result respond_file(struct MHD_Connection *c, struct conn *k, const char *method)
{
	const ep_embedded *f = k->file;
	ep_resp r;
	memset(&r, 0, sizeof r);
	r.text = malloc(f->len + 1);
	if (!r.text)
		return MHD_NO;
	memcpy(r.text, f->data, f->len);
	r.text[f->len] = '\0';
	r.text_len = f->len;
	const char *dot = strrchr(f->name, '.');
	r.content_type = dot && strcmp(dot, ".css") == 0  ? "text/css; charset=utf-8"
			 : dot && strcmp(dot, ".js") == 0 ? "text/javascript; charset=utf-8"
			 : dot && strcmp(dot, ".svg") == 0 ? "image/svg+xml"
							   : "application/octet-stream";
	return respond(c, k, method, 200, NULL, &r);
}

/* Keeps data for the page's lifetime and raises its banner to the most sensitive record in it. */
static void page_note(ep_page *p, json_t *v)
{
	if (json_is_array(v)) {
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x) page_note(p, x);
	} else if (json_is_object(v)) {
		json_t *cl = json_object_get(v, "classification"), *m = json_object_get(v, "marking");
		ep_class c;
		if (json_is_string(cl) && ep_class_parse(json_string_value(cl), &c) == EP_OK && (int)c > p->banner_class)
			p->banner_class = (int)c;
		if (json_is_string(m) && strcmp(json_string_value(m), "limite") == 0)
			p->banner_limite = true;
		const char *key;
		json_t *x;
		json_object_foreach(v, key, x)
		{
			if (json_is_array(x) || json_is_object(x))
				page_note(p, x);
		}
	}
}

/* One API request made by a page, as its user: the same route table, policy check, handler,
 * audit record and transaction as a request from outside. */
static void page_call(void *conn, ep_method m, const char *target, json_t *body, int64_t if_match, bool dry,
		      ep_call *out)
{
	struct conn *k = conn;
	ep_req saved = k->req;
	ep_req *req = &k->req;
	memset(out, 0, sizeof *out);
	ep_resp resp;
	memset(&resp, 0, sizeof resp);
	ep_errs_init(&resp.problems);
	const char *q = strchr(target, '?');
	size_t plen = q ? (size_t)(q - target) : strlen(target);
	char *path = ep_arena_alloc(k->arena, plen + 1);
	ep_status s = path ? EP_OK : EP_E_INTERNAL;
	if (path) {
		memcpy(path, target, plen);
		path[plen] = '\0';
	}
	req->method = m;
	req->path = path;
	req->nids = 0;
	memset(&req->query, 0, sizeof req->query);
	req->body = body;
	req->if_match = if_match > 0 ? ep_arena_printf(k->arena, "\"%lld\"", (long long)if_match) : NULL;
	req->route = NULL;
	unsigned allow = 0;
	const ep_route *route = NULL;
	if (s == EP_OK && ep_router_match(m, path, &route, req->ids, &req->nids, &allow) != EP_MATCH_OK)
		s = ep_err_set(&resp.err, EP_E_NOTFOUND, NULL, "no API route for %.200s", path);
	req->route = route;
	if (s == EP_OK && q && ep_query_parse(q + 1, strlen(q + 1), k->arena, &req->query, &resp.err) != EP_OK)
		s = EP_E_INVALID;
	if (s == EP_OK)
		s = ep_router_check_query(route, &req->query, &resp.err);
	bool writes = m != EP_GET && m != EP_HEAD;
	if (s == EP_OK && dry) {
		const char *perm;
		k->dry = true;
		s = guard(k, writes, &resp, &perm);
		k->dry = false;
		ep_errs_release(&resp.problems);
		ep_errs_init(&resp.problems);
	} else if (s == EP_OK) {
		s = dispatch(k, writes, &resp, NULL, NULL);
	}
	out->status = http_status(s, &resp);
	if (s == EP_OK && !dry) {
		out->data = resp.data;
		resp.data = NULL;
		out->version = resp.version;
		memcpy(out->location, resp.location, sizeof out->location);
		memcpy(out->set_cookie, resp.set_cookie, sizeof out->set_cookie);
	} else if (s != EP_OK && !dry) {
		out->err = resp.err;
		if (!out->err.msg[0] && resp.problems.n)
			snprintf(out->err.msg, sizeof out->err.msg, "%s", resp.problems.items[0].msg);
		if (resp.problems.n) {
			out->problems = json_object();
			for (size_t i = 0; i < resp.problems.n; i++) {
				const char *f = resp.problems.items[i].path;
				if (strncmp(f, "$.", 2) == 0)
					f += 2;
				if (!json_object_get(out->problems, f))
					json_object_set_new(out->problems, f, json_string(resp.problems.items[i].msg));
			}
		} else if (resp.err.field[0]) {
			out->problems = json_object();
			json_object_set_new(out->problems, resp.err.field, json_string(resp.err.msg));
		}
	}
	json_decref(resp.data);
	free(resp.text);
	ep_errs_release(&resp.problems);
	k->req = saved;
}

/* The sign-in page, and then back to where the user was going. */
static enum MHD_Result to_sign_in(struct MHD_Connection *c, struct conn *k, const char *method, const char *cookie)
{
	const char *next = k->req.method == EP_GET ? k->uri : k->req.path;
	ep_buf loc;
	ep_buf_init(&loc, 4096);
	ep_buf_puts(&loc, "/sign-in?next=");
	for (const unsigned char *p = (const unsigned char *)next; *p && loc.len < 3000; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || strchr("/-._~", *p))
			ep_buf_putc(&loc, (char)*p);
		else
			ep_buf_printf(&loc, "%%%02X", *p);
	}
	enum MHD_Result r = respond_html(c, k, method, 303, NULL, 0, ep_buf_str(&loc), cookie && cookie[0] ? cookie : NULL);
	ep_buf_release(&loc);
	return r;
}

static enum MHD_Result serve_page(struct MHD_Connection *c, struct conn *k, const char *method)
{
	ep_req *req = &k->req;
	ep_resp resp;
	memset(&resp, 0, sizeof resp);
	ep_errs_init(&resp.problems);
	enum MHD_Result r;
	req->db = worker_db(&resp.err);
	req->who = &k->who;
	req->vis = &k->who.vis;
	ep_principal_anonymous(&k->who);
	if (!req->db) {
		ep_error("%s %s: %s", method, req->path, resp.err.msg);
		ep_err e;
		ep_err_set(&e, EP_E_INTERNAL, NULL, "empact cannot reach its database; try again in a minute");
		return respond_page_error(c, k, method, 503, &e);
	}
	client_address(c, k->addr, sizeof k->addr);
	req->client_addr = k->addr;
	req->throttle = g_throttle;
	req->anchor = g_anchor;
	k->stamped = ep_db_change_stamp(req->db, k->stamp, NULL) == EP_OK;
	/* Pages are for people in a browser: a session cookie, never an API token. A session that
	 * ended (expired, signed out elsewhere) is cleared, and the user signs in again. */
	ep_status s = EP_OK;
	const char *cookie = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_COOKIE);
	if (cookie)
		s = authenticate(c, k, &resp);
	char clear[512];
	memcpy(clear, resp.set_cookie, sizeof clear);
	if (s != EP_OK)
		ep_principal_anonymous(&k->who);
	if (k->who.auth != EP_AUTH_SESSION)
		ep_principal_anonymous(&k->who);
	if (k->early) {
		/* An address with no page (or a bad query): the error page, in the user's layout. */
		ep_errs_release(&resp.problems);
		return respond_page_error(c, k, method, k->early, &k->early_err);
	}
	if (!k->who.user.id && !k->page->anonymous) {
		ep_errs_release(&resp.problems);
		return to_sign_in(c, k, method, clear);
	}
	/* An account that owes its TOTP enrolment may only enrol or sign out. */
	if (k->who.enrol_only && strcmp(k->page->pattern, "/account/totp") != 0 &&
	    strcmp(k->page->pattern, "/sign-out") != 0 && strcmp(k->page->pattern, "/sign-in") != 0) {
		ep_errs_release(&resp.problems);
		return respond_html(c, k, method, 303, NULL, 0, "/account/totp", NULL);
	}
	json_t *form = NULL;
	ep_err err;
	ep_err_clear(&err);
	int fail = 0;
	if (req->method == EP_POST) {
		const char *origin = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
		const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
		if (origin && (!host || !ep_origin_matches_host(origin, strlen(origin), host))) {
			fail = 403;
			ep_err_set(&err, EP_E_DENIED, "Origin", "a form from another site is refused");
		} else if (k->too_large) {
			fail = 413;
			ep_err_set(&err, EP_E_LIMIT, "body", "the form is larger than the %zu bytes a form may have", k->body.max);
		} else if (ep_form_parse(k->body.data ? k->body.data : "", k->body.len, k->arena, &form, &err) != EP_OK) {
			fail = err.status == EP_E_LIMIT ? 413 : 400;
		} else if (k->who.auth == EP_AUTH_SESSION) {
			const char *tok = ep_form_get(form, "_csrf");
			if (!tok || !ep_token_equal(tok, k->who.csrf)) {
				fail = 403;
				ep_err_set(&err, EP_E_DENIED, "_csrf",
					   "this form has expired or did not come from empact: reload the page and send it again");
			}
		}
		if (fail) {
			audit_alone(k, "page.form", NULL, 0, "denied", err.msg);
			json_decref(form);
			ep_errs_release(&resp.problems);
			return respond_page_error(c, k, method, fail, &err);
		}
	}
	ep_page p;
	memset(&p, 0, sizeof p);
	p.arena = k->arena;
	p.cfg = g_cfg;
	p.who = &k->who;
	p.method = req->method == EP_HEAD ? EP_GET : req->method;
	p.path = req->path;
	p.query = req->query;
	memcpy(p.ids, req->ids, sizeof p.ids);
	p.nids = req->nids;
	p.form = form;
	p.conn = k;
	p.caller = page_call;
	p.ctx = json_object();
	p.crumbs = json_array();
	p.kept = json_array();
	p.spare = json_array();
	s = k->page->handler(&p);
	if (s == EP_OK && p.location[0]) {
		const char *ck = p.set_cookie[0] ? p.set_cookie : clear[0] ? clear : NULL;
		r = respond_html(c, k, method, 303, NULL, 0, p.location, ck);
	} else if (s == EP_OK) {
		for (size_t i = 0; i < json_array_size(p.kept); i++)
			page_note(&p, json_array_get(p.kept, i));
		ep_buf out;
		ep_buf_init(&out, (size_t)8 << 20);
		ep_view_frame f = {.title = p.title, .who = &k->who, .crumbs = p.crumbs, .banner_class = p.banner_class,
				   .banner_limite = p.banner_limite, .path = req->path};
		if ((s = ep_view_render(p.tmpl ? p.tmpl : "error", p.ctx, &f, &out, &err)) == EP_OK) {
			size_t len;
			char *html = ep_buf_detach(&out, &len);
			const char *ck = p.set_cookie[0] ? p.set_cookie : clear[0] ? clear : NULL;
			r = respond_html(c, k, method, p.status ? p.status : 200, html, len, NULL, ck);
		} else {
			ep_error("%s %s: the page could not be rendered: %s", method, req->path, err.msg);
			r = respond_page_error(c, k, method, 500, &err);
		}
		ep_buf_release(&out);
	} else {
		int status = s == EP_E_NOTFOUND ? 404 : s == EP_E_DENIED ? 404 : s == EP_E_INVALID ? 400 : s == EP_E_LIMIT ? 413 : 500;
		if (p.status >= 400)
			status = p.status;
		if (status >= 500)
			ep_error("%s %s: %s", method, req->path, err.msg);
		ep_err_set(&err, s, NULL, "%s", p.title ? p.title : "the page could not be shown");
		r = respond_page_error(c, k, method, status, &err);
	}
	json_decref(p.ctx);
	json_decref(p.crumbs);
	json_decref(p.kept);
	json_decref(p.spare);
	json_decref(form);
	ep_errs_release(&resp.problems);
	return r;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
				  const char *version, const char *upload_data, size_t *upload_data_size, void **req_cls)
{
	(void)cls;
	(void)version;
	struct conn *k = *req_cls;
	if (!k || !k->arena || !k->uri)
		return MHD_NO; /* out of memory: drop the connection */
	if (k->stage == 0) {
		k->stage = 1;
		check_headers(c, k, url, method);
		/* A page that does not exist is answered once the session is known, so that its 404
		 * page shows the user's own navigation; limits are answered at once. */
		if (k->early && k->page_mode && (k->early == 404 || k->early == 405 || k->early == 400) && k->req.method)
			return MHD_YES;
		if (k->early && k->page_mode)
			return respond_page_error(c, k, method, k->early, &k->early_err);
		if (k->early)
			return respond_error(c, k, method, k->early, &k->early_err);
		return MHD_YES;
	}
	if (*upload_data_size) {
		if (!k->too_large && ep_buf_append(&k->body, upload_data, *upload_data_size) != EP_OK)
			k->too_large = true;
		*upload_data_size = 0;
		return MHD_YES;
	}
	ep_log_set_request_id(k->rid);
	if (k->page_mode) {
		enum MHD_Result pr = k->file && !k->early ? respond_file(c, k, method) : serve_page(c, k, method);
		ep_log_set_request_id(NULL);
		return pr;
	}
	ep_req *req = &k->req;
	ep_resp resp;
	memset(&resp, 0, sizeof resp);
	ep_errs_init(&resp.problems);
	ep_status s = EP_OK;
	int status;
	json_t *body = NULL;
	if (k->too_large) {
		ep_err_set(&resp.err, EP_E_LIMIT, "body", "the body is larger than the %zu bytes this request accepts",
			   k->body.max);
		s = EP_E_LIMIT;
	} else if (k->body.len) {
		json_error_t jerr;
		if (json_depth(k->body.data, k->body.len) > JSON_DEPTH_MAX) {
			s = ep_err_set(&resp.err, EP_E_INVALID, "body", "the JSON body is nested deeper than %d levels",
				       JSON_DEPTH_MAX);
		} else if (!(body = json_loadb(k->body.data, k->body.len, JSON_REJECT_DUPLICATES, &jerr))) {
			s = ep_err_set(&resp.err, EP_E_INVALID, "body", "the body is not valid JSON at line %d, column %d: %s",
				       jerr.line, jerr.column, jerr.text);
		} else if (!json_is_object(body)) {
			s = ep_err_set(&resp.err, EP_E_INVALID, "body", "the body must be a JSON object");
		}
	}
	if (s == EP_OK) {
		req->body = body;
		req->db = worker_db(&resp.err);
		req->client_addr = k->addr;
		req->throttle = g_throttle;
		req->anchor = g_anchor;
		client_address(c, k->addr, sizeof k->addr);
		s = req->db ? serve_request(c, k, &resp) : EP_E_INTERNAL;
	}
	status = http_status(s, &resp);
	enum MHD_Result r;
	if (s == EP_OK) {
		r = respond(c, k, method, status, resp.data, &resp);
	} else {
		if (status >= 500)
			ep_error("%s %s: %s", method, url, resp.err.msg);
		json_t *e = error_json(status, &resp.err, &resp.problems);
		ep_resp hdrs;
		memset(&hdrs, 0, sizeof hdrs);
		memcpy(hdrs.set_cookie, resp.set_cookie, sizeof hdrs.set_cookie);
		hdrs.retry_after = resp.retry_after;
		r = respond(c, k, method, status, e, &hdrs);
		json_decref(e);
		free(resp.text);
	}
	json_decref(resp.data);
	json_decref(body);
	ep_errs_release(&resp.problems);
	ep_log_set_request_id(NULL);
	return r;
}

/* ---- the handlers of the server itself ---- */

ep_status ep_http_healthz(ep_req *req, ep_resp *resp)
{
	ep_err err;
	int version = 0;
	json_t *o = json_object();
	if (ep_db_schema_version(req->db, &version, &err) != EP_OK) {
		json_decref(o);
		resp->status = 503;
		return ep_err_set(&resp->err, EP_E_INTERNAL, "database", "the database does not answer: %s", err.msg);
	}
	json_object_set_new(o, "status", json_string("ok"));
	json_object_set_new(o, "database", json_string("ok"));
	json_object_set_new(o, "schema", json_integer(version));
	return ep_resp_json(resp, o);
}

ep_status ep_http_openapi(ep_req *req, ep_resp *resp)
{
	(void)req;
	return ep_resp_json(resp, ep_http_openapi_doc());
}

/* ---- start and stop ---- */

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	char msg[512];
	vsnprintf(msg, sizeof msg, fmt, ap);
	size_t n = strlen(msg);
	if (n && msg[n - 1] == '\n')
		msg[n - 1] = '\0';
	ep_debug("libmicrohttpd: %s", msg);
}

int ep_http_serve(const ep_config *cfg)
{
	g_cfg = cfg;
	if (sodium_init() < 0) {
		ep_error("libsodium could not start");
		return 1;
	}
	ep_router_init_with((size_t)cfg->max_body_bytes);
	if (cfg->audit_anchor[0])
		snprintf(g_anchor, sizeof g_anchor, "%s", cfg->audit_anchor);
	else
		snprintf(g_anchor, sizeof g_anchor, "%s.anchor", cfg->db);
	ep_throttle_limits limits = ep_throttle_defaults();
	g_throttle = ep_throttle_new(&limits);
	if (!reads_start())
		ep_warn("the audit writer of reads did not start: each read of classified content is recorded on its own");
	char host[256];
	int port;
	if (ep_config_parse_listen(cfg->listen, host, sizeof host, &port) != EP_OK) {
		ep_error("listen: '%s' is not ADDR:PORT", cfg->listen);
		return 1;
	}
	/* Check the database once before accepting anyone. */
	ep_err err;
	ep_db *probe;
	ep_db_opts opts = {.create = false, .busy_timeout_ms = cfg->busy_timeout_ms};
	if (ep_db_open(cfg->db, &opts, &probe, &err) != EP_OK || ep_db_require_current(probe, &err) != EP_OK) {
		ep_error("%s", err.msg);
		return 1;
	}
	ep_db_close(probe);

	struct sockaddr_in sa4;
	struct sockaddr_in6 sa6;
	struct sockaddr *sa;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG;
	memset(&sa4, 0, sizeof sa4);
	memset(&sa6, 0, sizeof sa6);
	if (strcmp(host, "localhost") == 0)
		snprintf(host, sizeof host, "127.0.0.1");
	if (inet_pton(AF_INET, host, &sa4.sin_addr) == 1) {
		sa4.sin_family = AF_INET;
		sa4.sin_port = htons((uint16_t)port);
		sa = (struct sockaddr *)&sa4;
	} else if (inet_pton(AF_INET6, host, &sa6.sin6_addr) == 1) {
		sa6.sin6_family = AF_INET6;
		sa6.sin6_port = htons((uint16_t)port);
		sa = (struct sockaddr *)&sa6;
		flags |= MHD_USE_IPv6;
	} else {
		ep_error("listen: '%s' is not a numeric IPv4 or IPv6 address (or localhost)", host);
		return 1;
	}
	unsigned threads = cfg->threads > 0 ? (unsigned)cfg->threads : (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
	if (threads < 1)
		threads = 1;
	/* Connections are limited below the file-descriptor limit, so that hundreds of idle
	 * connections cannot starve the database and the log of descriptors. */
	struct rlimit rl;
	unsigned conn_limit = 1000;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur > 128 && rl.rlim_cur - 64 < conn_limit)
		conn_limit = (unsigned)(rl.rlim_cur - 64);

	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	struct MHD_Daemon *d = MHD_start_daemon(
		flags, (uint16_t)port, NULL, NULL, on_request, NULL, MHD_OPTION_SOCK_ADDR, sa,
		MHD_OPTION_THREAD_POOL_SIZE, threads, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)cfg->conn_timeout_s,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)cfg->max_header_bytes + 4096, MHD_OPTION_CONNECTION_LIMIT,
		conn_limit, MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL, MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
		MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, NULL, MHD_OPTION_STRICT_FOR_CLIENT, 1, MHD_OPTION_END);
	if (!d) {
		ep_error("cannot listen on %s (in use, or not an address of this machine?)", cfg->listen);
		return 1;
	}
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	printf("empact: serving %s on http://%s%s%s:%u/ with %u threads\n", cfg->db, sa == (struct sockaddr *)&sa6 ? "[" : "",
	       host, sa == (struct sockaddr *)&sa6 ? "]" : "", info ? info->port : (unsigned)port, threads);
	fflush(stdout);

	int sig = 0;
	sigwait(&set, &sig);
	ep_info("%s received: no new connections; finishing %d request(s) in flight", sig == SIGTERM ? "SIGTERM" : "SIGINT",
		atomic_load(&g_inflight));
	MHD_socket lsock = MHD_quiesce_daemon(d);
	if (lsock != MHD_INVALID_SOCKET)
		close(lsock);
	for (int i = 0; i < 100 && atomic_load(&g_inflight) > 0; i++)
		usleep(100 * 1000);
	MHD_stop_daemon(d);
	reads_finish();
	ep_throttle_free(g_throttle);
	g_throttle = NULL;
	pthread_mutex_lock(&dbs_lock);
	for (size_t i = 0; i < ndbs; i++)
		ep_db_close(dbs[i]);
	ndbs = 0;
	pthread_mutex_unlock(&dbs_lock);
	printf("empact: stopped\n");
	fflush(stdout);
	return 0;
}
