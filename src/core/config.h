/*
 * The configuration of empact: one table of settings, each with its type, default, bounds and
 * help. Values come, in rising precedence, from the defaults, an INI file (--config FILE or
 * EMPACT_CONFIG), the environment (EMPACT_<NAME>, such as EMPACT_DB) and command-line flags.
 * The result is validated as a whole and every problem is reported, naming where the bad value
 * came from (file and line, variable or flag).
 */
#ifndef EP_CONFIG_H
#define EP_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "core/classif.h"
#include "core/log.h"
#include "core/status.h"

#define EP_CONFIG_STR_MAX 1024

typedef struct ep_config {
	char db[EP_CONFIG_STR_MAX];           /* database file */
	char listen[EP_CONFIG_STR_MAX];       /* ADDR:PORT the server listens on */
	char audit_anchor[EP_CONFIG_STR_MAX]; /* file the audit chain head is appended to; "" = DB path + ".anchor" */
	ep_class max_classification;          /* highest level this installation is accredited for */
	ep_log_level log_level;
	int64_t threads;          /* worker threads; 0 = one per core */
	int64_t max_body_bytes;   /* largest JSON request body */
	int64_t max_render_bytes; /* largest rendered Council document */
	int64_t max_url_bytes;    /* longest request line */
	int64_t max_header_bytes; /* largest header block */
	int64_t conn_timeout_s;   /* idle or slow connection timeout */
	int64_t busy_timeout_ms;  /* how long a database write waits for a lock */
	char config_file[EP_CONFIG_STR_MAX]; /* where the file values came from, "" if none */
} ep_config;

/* Fills cfg with the defaults. */
void ep_config_defaults(ep_config *cfg);

/* Sets one setting by name (as in the file: "db", "max_classification", ...) from text.
 * origin says where the value came from, for messages ("empact.ini:12", "EMPACT_DB",
 * "--db"). Problems go to errs. */
void ep_config_set(ep_config *cfg, const char *name, const char *value, const char *origin, ep_errs *errs);

/* Reads an INI file ([empact] section, or no section). Unknown keys and sections are problems. */
void ep_config_load_file(ep_config *cfg, const char *path, ep_errs *errs);
/* Parses INI text of n bytes held in text (which must have room for a NUL at text[n]); path
 * names it in messages. The fuzz target drives this directly. */
void ep_config_parse_text(ep_config *cfg, const char *path, char *text, size_t n, ep_errs *errs);
/* Reads EMPACT_<NAME> for every setting from the environment. */
void ep_config_load_env(ep_config *cfg, ep_errs *errs);
/* Checks relations between settings (a listen address that parses, ...). */
void ep_config_validate(const ep_config *cfg, ep_errs *errs);

/* Writes the effective configuration as INI text (for check-config). */
void ep_config_print(const ep_config *cfg, void *file);

/* The table, for help texts: name, type word and help sentence of setting i; NULL past the end. */
const char *ep_config_setting(size_t i, const char **type, const char **help);

/* Parses "ADDR:PORT" into host (a numeric IPv4 or [IPv6] address or "localhost") and port. */
ep_status ep_config_parse_listen(const char *s, char *host, size_t hostlen, int *port);

#endif
