/*
 * The configuration table and its three sources (see config.h). INI files are read by inih;
 * every value, wherever it comes from, goes through ep_config_set so that it is checked the
 * same way.
 */
#include "core/config.h"

#include <arpa/inet.h>
#include <ini.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/num.h"
#include "core/str.h"
#include "core/banned.h"

enum kind { K_STR, K_INT, K_CLASS, K_LOGLEVEL };

struct setting {
	const char *name;
	enum kind kind;
	size_t offset;
	int64_t min, max; /* K_INT bounds; K_STR: min 1 means it may not be empty */
	const char *help;
};

#define OFF(f) offsetof(ep_config, f)

static const struct setting settings[] = {
	{"db", K_STR, OFF(db), 1, 0, "SQLite database file"},
	{"listen", K_STR, OFF(listen), 1, 0, "address and port the server listens on, ADDR:PORT"},
	{"audit_anchor", K_STR, OFF(audit_anchor), 0, 0,
	 "file the head of the audit chain is appended to (default: the database path + .anchor)"},
	{"max_classification", K_CLASS, OFF(max_classification), 0, 0,
	 "highest classification this installation is accredited for; anything above is refused"},
	{"log_level", K_LOGLEVEL, OFF(log_level), 0, 0, "debug, info, warn, error or off"},
	{"threads", K_INT, OFF(threads), 0, 256, "worker threads of the server, 0 for one per core"},
	{"max_body_bytes", K_INT, OFF(max_body_bytes), 1024, 256 << 20, "largest request body in bytes"},
	{"max_render_bytes", K_INT, OFF(max_render_bytes), 4096, (int64_t)1 << 32,
	 "largest Council document a render may produce, in bytes"},
	{"max_url_bytes", K_INT, OFF(max_url_bytes), 256, 1 << 20, "longest request line in bytes"},
	{"max_header_bytes", K_INT, OFF(max_header_bytes), 1024, 1 << 20, "largest header block in bytes"},
	{"conn_timeout_s", K_INT, OFF(conn_timeout_s), 1, 3600, "seconds before an idle or slow connection is closed"},
	{"busy_timeout_ms", K_INT, OFF(busy_timeout_ms), 0, 600000,
	 "milliseconds a database write waits for another to finish"},
};

#define NSETTINGS (sizeof settings / sizeof settings[0])

void ep_config_defaults(ep_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	snprintf(cfg->db, sizeof cfg->db, "%s", "empact.db");
	snprintf(cfg->listen, sizeof cfg->listen, "%s", "127.0.0.1:8080");
	cfg->max_classification = EP_CLASS_RESTREINT;
	cfg->log_level = EP_LOG_INFO;
	cfg->threads = 0;
	cfg->max_body_bytes = 1 << 20;
	cfg->max_render_bytes = (int64_t)64 << 20;
	cfg->max_url_bytes = 8192;
	cfg->max_header_bytes = 32768;
	cfg->conn_timeout_s = 30;
	cfg->busy_timeout_ms = 5000;
}

static const struct setting *lookup(const char *name)
{
	for (size_t i = 0; i < NSETTINGS; i++)
		if (strcmp(settings[i].name, name) == 0)
			return &settings[i];
	return NULL;
}

void ep_config_set(ep_config *cfg, const char *name, const char *value, const char *origin, ep_errs *errs)
{
	const struct setting *s = lookup(name);
	if (!s) {
		ep_errs_add(errs, EP_E_INVALID, origin, "unknown setting '%s'", name);
		return;
	}
	char *field = (char *)cfg + s->offset;
	switch (s->kind) {
	case K_STR: {
		size_t n = strlen(value);
		if (n >= EP_CONFIG_STR_MAX)
			ep_errs_add(errs, EP_E_INVALID, origin, "%s: longer than %d bytes", name, EP_CONFIG_STR_MAX - 1);
		else if (s->min && n == 0)
			ep_errs_add(errs, EP_E_INVALID, origin, "%s: may not be empty", name);
		else if (!ep_utf8_valid(value, n))
			ep_errs_add(errs, EP_E_INVALID, origin, "%s: not valid UTF-8", name);
		else
			memcpy(field, value, n + 1);
		break;
	}
	case K_INT: {
		int64_t v;
		ep_status st = ep_parse_i64z(value, s->min, s->max, &v);
		if (st == EP_E_INVALID)
			ep_errs_add(errs, EP_E_INVALID, origin, "%s: '%s' is not a whole number", name, value);
		else if (st != EP_OK)
			ep_errs_add(errs, EP_E_INVALID, origin, "%s: %s is outside %lld..%lld", name, value,
				    (long long)s->min, (long long)s->max);
		else
			memcpy(field, &v, sizeof v);
		break;
	}
	case K_CLASS: {
		ep_class c;
		if (ep_class_parse(value, &c) != EP_OK)
			ep_errs_add(errs, EP_E_INVALID, origin,
				    "%s: '%s' is not a classification (unclassified, restreint_ue, confidentiel_ue, "
				    "secret_ue, tres_secret_ue)",
				    name, value);
		else
			memcpy(field, &c, sizeof c);
		break;
	}
	case K_LOGLEVEL: {
		ep_log_level l;
		if (ep_log_level_parse(value, &l) != 0)
			ep_errs_add(errs, EP_E_INVALID, origin, "%s: '%s' is not one of debug, info, warn, error, off",
				    name, value);
		else
			memcpy(field, &l, sizeof l);
		break;
	}
	}
}

/*
 * Debian's inih is built without line numbers in its handler, so the handler finds the line of
 * each name itself: it scans forward from the previous match for a line that starts with the
 * name followed by '=' or ':'. Lines are checked against inih's 200-byte line limit first,
 * because inih would otherwise split a longer line silently.
 */
#define INI_LINE_MAX 199
#define INI_FILE_MAX (64 * 1024)

struct ini_ctx {
	ep_config *cfg;
	ep_errs *errs;
	const char *path;
	const char *text;
	size_t pos;  /* where the scan for the next name starts */
	int line;    /* line number at pos */
};

static int find_line(struct ini_ctx *c, const char *name)
{
	size_t nlen = strlen(name);
	size_t pos = c->pos;
	int line = c->line;
	while (c->text[pos]) {
		const char *l = c->text + pos;
		const char *eol = strchr(l, '\n');
		size_t len = eol ? (size_t)(eol - l) : strlen(l);
		ep_sv t = ep_sv_trim(ep_sv_make(l, len));
		if (t.n > nlen && memcmp(t.p, name, nlen) == 0) {
			ep_sv rest = ep_sv_trim(ep_sv_make(t.p + nlen, t.n - nlen));
			if (rest.n && (rest.p[0] == '=' || rest.p[0] == ':')) {
				c->pos = pos + len + (eol ? 1 : 0);
				c->line = line + 1;
				return line;
			}
		}
		pos += len + (eol ? 1 : 0);
		line++;
	}
	return c->line;
}

static int on_ini(void *user, const char *section, const char *name, const char *value)
{
	struct ini_ctx *c = user;
	char origin[EP_CONFIG_STR_MAX + 32];
	int line = find_line(c, name);
	snprintf(origin, sizeof origin, "%s:%d", c->path, line);
	if (section[0] && strcmp(section, "empact") != 0) {
		ep_errs_add(c->errs, EP_E_INVALID, origin, "unknown section [%s]; settings go under [empact]", section);
		return 1;
	}
	ep_config_set(c->cfg, name, value ? value : "", origin, c->errs);
	return 1;
}

void ep_config_load_file(ep_config *cfg, const char *path, ep_errs *errs)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		ep_errs_add(errs, EP_E_INVALID, path, "cannot open the configuration file");
		return;
	}
	char *text = malloc(INI_FILE_MAX + 1);
	size_t n = text ? fread(text, 1, INI_FILE_MAX + 1, f) : 0;
	int bad_read = ferror(f);
	fclose(f);
	if (!text || bad_read) {
		ep_errs_add(errs, EP_E_INVALID, path, "cannot read the configuration file");
		free(text);
		return;
	}
	snprintf(cfg->config_file, sizeof cfg->config_file, "%s", path);
	ep_config_parse_text(cfg, path, text, n, errs);
	free(text);
}

/*
 * inih is built with multi-line values: an indented line after a setting is more of that
 * setting's value, so in an indented file "  threads = 4" under "  db = x.db" would set db to
 * "threads = 4" without a word. empact values are one line each, so such a line is refused.
 * This follows inih's reading of a line: blank lines and comments change nothing, a [section]
 * ends the setting before it, a line with '=' or ':' is a setting.
 */
static bool continues_value(const char *l, size_t len, bool first_line, bool *after_setting)
{
	if (first_line && len >= 3 && memcmp(l, "\xEF\xBB\xBF", 3) == 0) {
		l += 3;
		len -= 3;
	}
	ep_sv t = ep_sv_trim(ep_sv_make(l, len));
	if (t.n == 0 || t.p[0] == ';' || t.p[0] == '#')
		return false;
	if (*after_setting && t.p > l)
		return true;
	if (t.p[0] == '[') {
		if (memchr(t.p, ']', t.n))
			*after_setting = false;
	} else if (memchr(t.p, '=', t.n) || memchr(t.p, ':', t.n)) {
		*after_setting = true;
	}
	return false;
}

/* inih reads a line and its newline into 200 bytes, so a line of exactly INI_LINE_MAX bytes
 * reaches it in two reads (the text, then the newline alone), which it counts as two lines.
 * This maps inih's number of a line back to the line of the file. */
static int file_line(const char *text, size_t n, int inih_line)
{
	int line = 1, counted = 0;
	for (size_t i = 0, start = 0; i < n; i++) {
		if (text[i] != '\n')
			continue;
		counted += i - start == INI_LINE_MAX ? 2 : 1;
		if (counted >= inih_line)
			return line;
		line++;
		start = i + 1;
	}
	return line;
}

void ep_config_parse_text(ep_config *cfg, const char *path, char *text, size_t n, ep_errs *errs)
{
	if (n > INI_FILE_MAX) {
		ep_errs_add(errs, EP_E_INVALID, path, "configuration file larger than %d bytes", INI_FILE_MAX);
		return;
	}
	text[n] = '\0';
	if (!ep_utf8_valid(text, n)) {
		ep_errs_add(errs, EP_E_INVALID, path, "configuration file is not valid UTF-8 text");
		return;
	}
	int line = 1, bad = 0;
	bool after_setting = false;
	for (size_t i = 0, start = 0; i <= n; i++) {
		if (i == n || text[i] == '\n') {
			if (i - start > INI_LINE_MAX) {
				char origin[EP_CONFIG_STR_MAX + 32];
				snprintf(origin, sizeof origin, "%s:%d", path, line);
				ep_errs_add(errs, EP_E_INVALID, origin, "line longer than %d bytes", INI_LINE_MAX);
				bad = 1;
			} else if (continues_value(text + start, i - start, line == 1, &after_setting)) {
				char origin[EP_CONFIG_STR_MAX + 32];
				snprintf(origin, sizeof origin, "%s:%d", path, line);
				ep_errs_add(errs, EP_E_INVALID, origin,
					    "indented line: it would continue the value of the setting above; start each "
					    "setting at the beginning of its line");
				bad = 1;
			}
			start = i + 1;
			line++;
		}
	}
	if (bad)
		return;
	struct ini_ctx c = {cfg, errs, path, text, 0, 1};
	int rc = ini_parse_string(text, on_ini, &c);
	if (rc > 0) {
		char origin[EP_CONFIG_STR_MAX + 32];
		snprintf(origin, sizeof origin, "%s:%d", path, file_line(text, n, rc));
		ep_errs_add(errs, EP_E_INVALID, origin, "not a setting: expected 'name = value' or '[empact]'");
	} else if (rc < 0) {
		ep_errs_add(errs, EP_E_INVALID, path, "cannot parse the configuration file");
	}
}

void ep_config_load_env(ep_config *cfg, ep_errs *errs)
{
	for (size_t i = 0; i < NSETTINGS; i++) {
		char var[64] = "EMPACT_";
		size_t k = 7;
		for (const char *p = settings[i].name; *p && k < sizeof var - 1; p++)
			var[k++] = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
		var[k] = '\0';
		const char *v = getenv(var);
		if (v)
			ep_config_set(cfg, settings[i].name, v, var, errs);
	}
}

ep_status ep_config_parse_listen(const char *s, char *host, size_t hostlen, int *port)
{
	const char *colon = strrchr(s, ':');
	if (!colon || colon == s)
		return EP_E_INVALID;
	size_t hn = (size_t)(colon - s);
	const char *h = s;
	bool v6 = s[0] == '[';
	if (v6) {
		if (hn < 3 || s[hn - 1] != ']')
			return EP_E_INVALID;
		h = s + 1;
		hn -= 2;
	}
	if (hn >= hostlen)
		return EP_E_INVALID;
	int64_t p;
	if (ep_parse_i64z(colon + 1, 0, 65535, &p) != EP_OK)
		return EP_E_INVALID;
	/* Only what the server binds without a name lookup: a numeric address of the family the
	 * brackets say, or localhost. Anything else would pass check-config and fail at serve. */
	char addr[INET6_ADDRSTRLEN];
	unsigned char bin[sizeof(struct in6_addr)];
	if (hn >= sizeof addr)
		return EP_E_INVALID;
	memcpy(addr, h, hn);
	addr[hn] = '\0';
	if (v6 ? inet_pton(AF_INET6, addr, bin) != 1
	       : strcmp(addr, "localhost") != 0 && inet_pton(AF_INET, addr, bin) != 1)
		return EP_E_INVALID;
	memcpy(host, addr, hn + 1);
	*port = (int)p;
	return EP_OK;
}

void ep_config_validate(const ep_config *cfg, ep_errs *errs)
{
	char host[256];
	int port;
	if (ep_config_parse_listen(cfg->listen, host, sizeof host, &port) != EP_OK)
		ep_errs_add(errs, EP_E_INVALID, "listen",
			    "'%s' is not ADDR:PORT: a numeric IPv4 address, an [IPv6] address or localhost, and a port "
			    "0-65535 (0: any free port), such as 127.0.0.1:8080 or [::1]:8080",
			    cfg->listen);
	if (cfg->max_header_bytes < cfg->max_url_bytes)
		ep_errs_add(errs, EP_E_INVALID, "max_header_bytes",
			    "max_header_bytes (%lld) must be at least max_url_bytes (%lld)",
			    (long long)cfg->max_header_bytes, (long long)cfg->max_url_bytes);
}

void ep_config_print(const ep_config *cfg, void *file)
{
	FILE *f = file;
	fprintf(f, "[empact]\n");
	for (size_t i = 0; i < NSETTINGS; i++) {
		const struct setting *s = &settings[i];
		const char *field = (const char *)cfg + s->offset;
		switch (s->kind) {
		case K_STR: fprintf(f, "%s = %s\n", s->name, field); break;
		case K_INT: {
			int64_t v;
			memcpy(&v, field, sizeof v);
			fprintf(f, "%s = %lld\n", s->name, (long long)v);
			break;
		}
		case K_CLASS: {
			ep_class c;
			memcpy(&c, field, sizeof c);
			fprintf(f, "%s = %s\n", s->name, ep_class_token(c));
			break;
		}
		case K_LOGLEVEL: {
			ep_log_level l;
			memcpy(&l, field, sizeof l);
			fprintf(f, "%s = %s\n", s->name, ep_log_level_name(l));
			break;
		}
		}
	}
}

const char *ep_config_setting(size_t i, const char **type, const char **help)
{
	static const char *const kinds[] = {"text", "number", "classification", "level"};
	if (i >= NSETTINGS)
		return NULL;
	if (type)
		*type = kinds[settings[i].kind];
	if (help)
		*help = settings[i].help;
	return settings[i].name;
}
