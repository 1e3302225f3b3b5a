/*
 * Unit tests of the configuration (core/config.h): defaults; ep_config_set for every type with
 * good and bad values, each problem naming where the value came from; INI text with the right
 * FILE:LINE for unknown keys, bad values, unknown sections, over-long and malformed lines;
 * invalid UTF-8; files; the environment; validation of the whole; listen addresses; and
 * printing, which reads back to the same configuration.
 */
#include "testutil.h"

#include "core/config.h"

/* The variables ep_config_load_env reads, so that the caller's environment cannot leak in. */
static void clear_env(void)
{
	for (size_t i = 0;; i++) {
		const char *name = ep_config_setting(i, NULL, NULL);
		if (!name)
			break;
		char var[64] = "EMPACT_";
		size_t k = 7;
		for (const char *p = name; *p && k < sizeof var - 1; p++)
			var[k++] = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
		var[k] = '\0';
		unsetenv(var);
	}
}

static int group_setup(void **state)
{
	(void)state;
	clear_env();
	return 0;
}

static int env_teardown(void **state)
{
	(void)state;
	clear_env();
	return 0;
}

/* The problem whose path is path and whose message contains part, or NULL. */
static const ep_problem *find_problem(const ep_errs *e, const char *path, const char *part)
{
	for (size_t i = 0; i < e->n; i++)
		if (strcmp(e->items[i].path, path) == 0 && strstr(e->items[i].msg, part))
			return &e->items[i];
	return NULL;
}

static void dump_problems(const ep_errs *e)
{
	for (size_t i = 0; i < e->n; i++)
		print_message("#   problem: %s: %s\n", e->items[i].path, e->items[i].msg);
}

#define assert_problem(e, path, part)                                                               \
	do {                                                                                        \
		if (!find_problem((e), (path), (part))) {                                             \
			dump_problems(e);                                                           \
			fail_msg("no problem '%s' containing '%s'", (path), (part));               \
		}                                                                                   \
	} while (0)

#define assert_no_problems(e)                                                                       \
	do {                                                                                        \
		if (ep_errs_count(e) != 0) {                                                        \
			dump_problems(e);                                                           \
			fail_msg("%zu unexpected problems", ep_errs_count(e));                    \
		}                                                                                   \
	} while (0)

/* Parses INI text the way a file is parsed: from a copy with room for the NUL. */
static void parse(ep_config *cfg, const char *path, const char *text, ep_errs *errs)
{
	size_t n = strlen(text);
	char *copy = malloc(n + 1);
	assert_non_null(copy);
	memcpy(copy, text, n);
	ep_config_parse_text(cfg, path, copy, n, errs);
	free(copy);
}

static void parse_n(ep_config *cfg, const char *path, const char *text, size_t n, ep_errs *errs)
{
	char *copy = malloc(n + 1);
	assert_non_null(copy);
	memcpy(copy, text, n);
	ep_config_parse_text(cfg, path, copy, n, errs);
	free(copy);
}

static bool same_config(const ep_config *a, const ep_config *b)
{
	return strcmp(a->db, b->db) == 0 && strcmp(a->listen, b->listen) == 0 &&
	       strcmp(a->audit_anchor, b->audit_anchor) == 0 && a->max_classification == b->max_classification &&
	       a->log_level == b->log_level && a->threads == b->threads && a->max_body_bytes == b->max_body_bytes &&
	       a->max_url_bytes == b->max_url_bytes && a->max_header_bytes == b->max_header_bytes &&
	       a->conn_timeout_s == b->conn_timeout_s && a->busy_timeout_ms == b->busy_timeout_ms;
}

static void test_defaults(void **state)
{
	(void)state;
	ep_config cfg;
	memset(&cfg, 0x7f, sizeof cfg);
	ep_config_defaults(&cfg);
	assert_string_equal(cfg.db, "empact.db");
	assert_string_equal(cfg.listen, "127.0.0.1:8080");
	assert_string_equal(cfg.audit_anchor, "");
	assert_int_equal(cfg.max_classification, EP_CLASS_RESTREINT);
	assert_int_equal(cfg.log_level, EP_LOG_INFO);
	assert_int_equal(cfg.threads, 0);
	assert_int_equal(cfg.max_body_bytes, 1 << 20);
	assert_int_equal(cfg.max_url_bytes, 8192);
	assert_int_equal(cfg.max_header_bytes, 32768);
	assert_int_equal(cfg.conn_timeout_s, 30);
	assert_int_equal(cfg.busy_timeout_ms, 5000);
	assert_string_equal(cfg.config_file, "");

	ep_errs errs;
	ep_errs_init(&errs);
	ep_config_validate(&cfg, &errs);
	assert_no_problems(&errs);
	ep_errs_release(&errs);
}

static void test_setting_table(void **state)
{
	(void)state;
	const char *want[] = {"db", "listen", "audit_anchor", "max_classification", "log_level", "threads",
			      "max_body_bytes", "max_render_bytes", "max_url_bytes", "max_header_bytes", "conn_timeout_s",
			      "busy_timeout_ms"};
	size_t n = 0;
	for (;; n++) {
		const char *type = NULL, *help = NULL;
		const char *name = ep_config_setting(n, &type, &help);
		if (!name)
			break;
		assert_true(n < sizeof want / sizeof want[0]);
		assert_string_equal(name, want[n]);
		assert_non_null(type);
		assert_true(strcmp(type, "text") == 0 || strcmp(type, "number") == 0 ||
			    strcmp(type, "classification") == 0 || strcmp(type, "level") == 0);
		assert_non_null(help);
		assert_true(strlen(help) > 5);
		/* type and help may be NULL. */
		assert_string_equal(ep_config_setting(n, NULL, NULL), name);
	}
	assert_int_equal(n, sizeof want / sizeof want[0]);
	assert_null(ep_config_setting(n + 100, NULL, NULL));
	const char *type;
	assert_string_equal(ep_config_setting(5, &type, NULL), "threads");
	assert_string_equal(type, "number");
	assert_string_equal(ep_config_setting(3, &type, NULL), "max_classification");
	assert_string_equal(type, "classification");
}

static void test_set_text(void **state)
{
	(void)state;
	ep_config cfg;
	ep_errs errs;
	ep_config_defaults(&cfg);
	ep_errs_init(&errs);
	ep_config_set(&cfg, "db", "/var/lib/empact/empact.db", "--db", &errs);
	ep_config_set(&cfg, "listen", "[::1]:9000", "EMPACT_LISTEN", &errs);
	ep_config_set(&cfg, "audit_anchor", "/var/log/empact/anchor", "empact.ini:4", &errs);
	ep_config_set(&cfg, "db", "caf\xc3\xa9.db", "--db", &errs); /* UTF-8 is fine */
	assert_no_problems(&errs);
	assert_string_equal(cfg.db, "caf\xc3\xa9.db");
	assert_string_equal(cfg.listen, "[::1]:9000");
	assert_string_equal(cfg.audit_anchor, "/var/log/empact/anchor");
	/* audit_anchor may be empty (it then follows the database path); db and listen may not. */
	ep_config_set(&cfg, "audit_anchor", "", "--audit-anchor", &errs);
	assert_no_problems(&errs);
	assert_string_equal(cfg.audit_anchor, "");
	ep_errs_release(&errs);
}

static void test_set_text_bad(void **state)
{
	(void)state;
	ep_config cfg;
	ep_errs errs;
	ep_config_defaults(&cfg);
	ep_errs_init(&errs);
	ep_config_set(&cfg, "db", "", "--db", &errs);
	ep_config_set(&cfg, "listen", "", "EMPACT_LISTEN", &errs);
	ep_config_set(&cfg, "db", "caf\xe9.db", "site.ini:7", &errs);
	ep_config_set(&cfg, "db", "a\xed\xa0\x80", "site.ini:8", &errs); /* a surrogate */
	assert_int_equal(ep_errs_count(&errs), 4);
	assert_problem(&errs, "--db", "db: may not be empty");
	assert_problem(&errs, "EMPACT_LISTEN", "listen: may not be empty");
	assert_problem(&errs, "site.ini:7", "db: not valid UTF-8");
	assert_problem(&errs, "site.ini:8", "not valid UTF-8");
	for (size_t i = 0; i < errs.n; i++)
		assert_int_equal(errs.items[i].status, EP_E_INVALID);
	/* Refused values change nothing. */
	assert_string_equal(cfg.db, "empact.db");
	assert_string_equal(cfg.listen, "127.0.0.1:8080");
	ep_errs_release(&errs);
}

static void test_set_text_length(void **state)
{
	(void)state;
	ep_config cfg;
	ep_errs errs;
	ep_config_defaults(&cfg);
	ep_errs_init(&errs);
	char v[EP_CONFIG_STR_MAX + 10];
	memset(v, 'p', EP_CONFIG_STR_MAX - 1);
	v[EP_CONFIG_STR_MAX - 1] = '\0';
	ep_config_set(&cfg, "db", v, "--db", &errs); /* the longest that fits */
	assert_no_problems(&errs);
	assert_int_equal(strlen(cfg.db), EP_CONFIG_STR_MAX - 1);
	v[EP_CONFIG_STR_MAX - 1] = 'p';
	v[EP_CONFIG_STR_MAX] = '\0';
	ep_config_set(&cfg, "listen", v, "--listen", &errs);
	assert_int_equal(ep_errs_count(&errs), 1);
	assert_problem(&errs, "--listen", "listen: longer than 1023 bytes");
	assert_string_equal(cfg.listen, "127.0.0.1:8080");
	ep_errs_release(&errs);
}

struct int_case {
	const char *name;
	const char *value;
	int64_t want; /* the stored value when good */
	const char *problem; /* NULL when good, else part of the message */
};

static void test_set_numbers(void **state)
{
	(void)state;
	static const struct int_case cases[] = {
		{"threads", "0", 0, NULL},
		{"threads", "8", 8, NULL},
		{"threads", "256", 256, NULL},
		{"threads", "257", 0, "threads: 257 is outside 0..256"},
		{"threads", "-1", 0, "threads: -1 is outside 0..256"},
		{"threads", "many", 0, "threads: 'many' is not a whole number"},
		{"threads", "", 0, "threads: '' is not a whole number"},
		{"threads", " 4", 0, "is not a whole number"},
		{"threads", "4 ", 0, "is not a whole number"},
		{"threads", "+4", 0, "is not a whole number"},
		{"threads", "4.0", 0, "is not a whole number"},
		{"threads", "99999999999999999999", 0, "is outside 0..256"},
		{"max_body_bytes", "1024", 1024, NULL},
		{"max_body_bytes", "268435456", 268435456, NULL},
		{"max_body_bytes", "1023", 0, "max_body_bytes: 1023 is outside 1024..268435456"},
		{"max_body_bytes", "268435457", 0, "is outside 1024..268435456"},
		{"max_url_bytes", "256", 256, NULL},
		{"max_url_bytes", "1048576", 1048576, NULL},
		{"max_url_bytes", "255", 0, "max_url_bytes: 255 is outside 256..1048576"},
		{"max_url_bytes", "1048577", 0, "is outside 256..1048576"},
		{"max_header_bytes", "1024", 1024, NULL},
		{"max_header_bytes", "1048576", 1048576, NULL},
		{"max_header_bytes", "1023", 0, "max_header_bytes: 1023 is outside 1024..1048576"},
		{"max_header_bytes", "1048577", 0, "is outside 1024..1048576"},
		{"conn_timeout_s", "1", 1, NULL},
		{"conn_timeout_s", "3600", 3600, NULL},
		{"conn_timeout_s", "0", 0, "conn_timeout_s: 0 is outside 1..3600"},
		{"conn_timeout_s", "3601", 0, "is outside 1..3600"},
		{"busy_timeout_ms", "0", 0, NULL},
		{"busy_timeout_ms", "600000", 600000, NULL},
		{"busy_timeout_ms", "600001", 0, "busy_timeout_ms: 600001 is outside 0..600000"},
		{"busy_timeout_ms", "-5", 0, "is outside 0..600000"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct int_case *c = &cases[i];
		ep_config cfg, before;
		ep_errs errs;
		ep_config_defaults(&cfg);
		before = cfg;
		ep_errs_init(&errs);
		char origin[64];
		snprintf(origin, sizeof origin, "origin-%zu", i);
		ep_config_set(&cfg, c->name, c->value, origin, &errs);
		if (!c->problem) {
			if (ep_errs_count(&errs) != 0) {
				dump_problems(&errs);
				fail_msg("%s = '%s' was refused", c->name, c->value);
			}
		} else {
			assert_int_equal(ep_errs_count(&errs), 1);
			assert_problem(&errs, origin, c->problem);
			assert_int_equal(errs.items[0].status, EP_E_INVALID);
			assert_true(same_config(&cfg, &before)); /* nothing changed */
		}
		int64_t got = strcmp(c->name, "threads") == 0           ? cfg.threads
			      : strcmp(c->name, "max_body_bytes") == 0   ? cfg.max_body_bytes
			      : strcmp(c->name, "max_url_bytes") == 0    ? cfg.max_url_bytes
			      : strcmp(c->name, "max_header_bytes") == 0 ? cfg.max_header_bytes
			      : strcmp(c->name, "conn_timeout_s") == 0   ? cfg.conn_timeout_s
									 : cfg.busy_timeout_ms;
		if (!c->problem && got != c->want)
			fail_msg("%s = '%s' stored %lld", c->name, c->value, (long long)got);
		ep_errs_release(&errs);
	}
}

static void test_set_classification(void **state)
{
	(void)state;
	ep_config cfg;
	ep_errs errs;
	ep_config_defaults(&cfg);
	ep_errs_init(&errs);
	const char *tokens[] = {"unclassified", "restreint_ue", "confidentiel_ue", "secret_ue", "tres_secret_ue"};
	for (int i = 0; i < 5; i++) {
		ep_config_set(&cfg, "max_classification", tokens[i], "EMPACT_MAX_CLASSIFICATION", &errs);
		assert_int_equal(cfg.max_classification, i);
	}
	assert_no_problems(&errs);
	ep_config_set(&cfg, "max_classification", "top", "--max-classification", &errs);
	ep_config_set(&cfg, "max_classification", "SECRET_UE", "site.ini:2", &errs);
	ep_config_set(&cfg, "max_classification", "", "site.ini:3", &errs);
	assert_int_equal(ep_errs_count(&errs), 3);
	assert_problem(&errs, "--max-classification", "max_classification: 'top' is not a classification");
	assert_problem(&errs, "site.ini:2", "'SECRET_UE' is not a classification");
	assert_problem(&errs, "site.ini:3", "is not a classification");
	/* The message lists what is accepted. */
	assert_non_null(strstr(errs.items[0].msg, "restreint_ue"));
	assert_int_equal(cfg.max_classification, EP_CLASS_TRES_SECRET);
	ep_errs_release(&errs);
}

static void test_set_log_level(void **state)
{
	(void)state;
	ep_config cfg;
	ep_errs errs;
	ep_config_defaults(&cfg);
	ep_errs_init(&errs);
	const char *levels[] = {"debug", "info", "warn", "error", "off"};
	for (int i = 0; i < 5; i++) {
		ep_config_set(&cfg, "log_level", levels[i], "--log-level", &errs);
		assert_int_equal(cfg.log_level, i);
	}
	assert_no_problems(&errs);
	ep_config_set(&cfg, "log_level", "verbose", "EMPACT_LOG_LEVEL", &errs);
	ep_config_set(&cfg, "log_level", "INFO", "x.ini:1", &errs);
	assert_int_equal(ep_errs_count(&errs), 2);
	assert_problem(&errs, "EMPACT_LOG_LEVEL", "log_level: 'verbose' is not one of debug, info, warn, error, off");
	assert_problem(&errs, "x.ini:1", "'INFO' is not one of");
	assert_int_equal(cfg.log_level, EP_LOG_OFF);
	ep_errs_release(&errs);
}

static void test_set_unknown(void **state)
{
	(void)state;
	ep_config cfg, before;
	ep_errs errs;
	ep_config_defaults(&cfg);
	before = cfg;
	ep_errs_init(&errs);
	ep_config_set(&cfg, "colour", "blue", "--colour", &errs);
	ep_config_set(&cfg, "DB", "x.db", "site.ini:9", &errs); /* names are case-sensitive */
	ep_config_set(&cfg, "", "x", "site.ini:10", &errs);
	ep_config_set(&cfg, "config_file", "x", "site.ini:11", &errs); /* not a setting */
	assert_int_equal(ep_errs_count(&errs), 4);
	assert_problem(&errs, "--colour", "unknown setting 'colour'");
	assert_problem(&errs, "site.ini:9", "unknown setting 'DB'");
	assert_problem(&errs, "site.ini:10", "unknown setting ''");
	assert_problem(&errs, "site.ini:11", "unknown setting 'config_file'");
	assert_true(same_config(&cfg, &before));
	assert_string_equal(cfg.config_file, "");
	ep_errs_release(&errs);
}

static void test_parse_valid_ini(void **state)
{
	(void)state;
	ep_config cfg;
	ep_errs errs;
	ep_config_defaults(&cfg);
	ep_errs_init(&errs);
	parse(&cfg, "empact.ini",
	      "; empact configuration\n"
	      "# another comment style\n"
	      "\n"
	      "[empact]\n"
	      "db = /srv/empact/data.db\n"
	      "listen   =   0.0.0.0:8443  \t\n"
	      "audit_anchor=/srv/empact/anchor\n"
	      "max_classification = confidentiel_ue\n"
	      "log_level: warn\n"
	      "threads = 16 ; inline comment\n"
	      "max_body_bytes = 2097152\n"
	      "max_url_bytes = 4096\n"
	      "max_header_bytes = 65536\n"
	      "conn_timeout_s = 60\n"
	      "busy_timeout_ms = 10000\n",
	      &errs);
	assert_no_problems(&errs);
	assert_string_equal(cfg.db, "/srv/empact/data.db");
	assert_string_equal(cfg.listen, "0.0.0.0:8443");
	assert_string_equal(cfg.audit_anchor, "/srv/empact/anchor");
	assert_int_equal(cfg.max_classification, EP_CLASS_CONFIDENTIEL);
	assert_int_equal(cfg.log_level, EP_LOG_WARN);
	assert_int_equal(cfg.threads, 16);
	assert_int_equal(cfg.max_body_bytes, 2097152);
	assert_int_equal(cfg.max_url_bytes, 4096);
	assert_int_equal(cfg.max_header_bytes, 65536);
	assert_int_equal(cfg.conn_timeout_s, 60);
	assert_int_equal(cfg.busy_timeout_ms, 10000);
	ep_config_validate(&cfg, &errs);
	assert_no_problems(&errs);
	ep_errs_release(&errs);
}

static void test_parse_no_section_crlf(void **state)
{
	(void)state;
	ep_config cfg;
	ep_errs errs;
	ep_config_defaults(&cfg);
	ep_errs_init(&errs);
	/* Settings before any section, Windows line ends, no final newline. */
	parse(&cfg, "win.ini", "db = c.db\r\nthreads = 3\r\nlog_level = error", &errs);
	assert_no_problems(&errs);
	assert_string_equal(cfg.db, "c.db");
	assert_int_equal(cfg.threads, 3);
	assert_int_equal(cfg.log_level, EP_LOG_ERROR);
	ep_errs_release(&errs);
}

static void test_parse_empty(void **state)
{
	(void)state;
	ep_config cfg, before;
	ep_errs errs;
	ep_config_defaults(&cfg);
	before = cfg;
	ep_errs_init(&errs);
	parse(&cfg, "empty.ini", "", &errs);
	parse(&cfg, "comments.ini", "; nothing\n\n# here\n[empact]\n", &errs);
	assert_no_problems(&errs);
	assert_true(same_config(&cfg, &before));
	ep_errs_release(&errs);
}

static void test_parse_unknown_key_line(void **state)
{
	(void)state;
	ep_config cfg;
	ep_errs errs;
	ep_config_defaults(&cfg);
	ep_errs_init(&errs);
	parse(&cfg, "/etc/empact.ini",
	      "; site settings\n"          /* 1 */
	      "[empact]\n"                 /* 2 */
	      "db = site.db\n"             /* 3 */
	      "\n"                         /* 4 */
	      "; the colour of the UI\n"   /* 5 */
	      "colour = blue\n"            /* 6 */
	      "threads = 2\n",             /* 7 */
	      &errs);
	assert_int_equal(ep_errs_count(&errs), 1);
	assert_problem(&errs, "/etc/empact.ini:6", "unknown setting 'colour'");
	/* The good settings around it still apply. */
	assert_string_equal(cfg.db, "site.db");
	assert_int_equal(cfg.threads, 2);
	ep_errs_release(&errs);
}

static void test_parse_bad_values_lines(void **state)
{
	(void)state;
	ep_config cfg;
	ep_errs errs;
	ep_config_defaults(&cfg);
	ep_errs_init(&errs);
	/* The same name twice, a name that is a prefix of another, values that look like names. */
	parse(&cfg, "bad.ini",
	      "[empact]\n"                      /* 1 */
	      "db = x.db\n"                     /* 2 */
	      "max_classification = top\n"      /* 3 */
	      "threads = many\n"                /* 4 */
	      "listen = nowhere\n"              /* 5 */
	      "max_url_bytes = 10\n"            /* 6 */
	      "; threads = comment\n"           /* 7 */
	      "threads = 999\n"                 /* 8 */
	      "max_header_bytes = threads\n",   /* 9 */
	      &errs);
	assert_problem(&errs, "bad.ini:3", "max_classification: 'top'");
	assert_problem(&errs, "bad.ini:4", "threads: 'many' is not a whole number");
	assert_problem(&errs, "bad.ini:6", "max_url_bytes: 10 is outside");
	assert_problem(&errs, "bad.ini:8", "threads: 999 is outside");
	assert_problem(&errs, "bad.ini:9", "max_header_bytes: 'threads' is not a whole number");
	assert_int_equal(ep_errs_count(&errs), 5);
	/* listen is only text to the parser; validation finds it. */
	ep_config_validate(&cfg, &errs);
	assert_problem(&errs, "listen", "'nowhere' is not ADDR:PORT");
	assert_int_equal(ep_errs_count(&errs), 6);
	ep_errs_release(&errs);
}

static void test_parse_unknown_section(void **state)
{
	(void)state;
	ep_config cfg;
	ep_errs errs;
	ep_config_defaults(&cfg);
	ep_errs_init(&errs);
	parse(&cfg, "s.ini",
	      "[empact]\n"          /* 1 */
	      "threads = 4\n"       /* 2 */
	      "\n"                  /* 3 */
	      "[server]\n"          /* 4 */
	      "db = other.db\n"     /* 5 */
	      "[empact]\n"          /* 6 */
	      "log_level = debug\n", /* 7 */
	      &errs);
	assert_int_equal(ep_errs_count(&errs), 1);
	assert_problem(&errs, "s.ini:5", "unknown section [server]");
	/* What is in the unknown section is not applied; the rest is. */
	assert_string_equal(cfg.db, "empact.db");
	assert_int_equal(cfg.threads, 4);
	assert_int_equal(cfg.log_level, EP_LOG_DEBUG);
	ep_errs_release(&errs);
}

static void test_parse_indented_lines(void **state)
{
	(void)state;
	ep_config cfg, before;
	ep_errs errs;
	ep_config_defaults(&cfg);
	before = cfg;
	ep_errs_init(&errs);
	/* In INI files an indented line after a setting continues its value: here db would become
	 * "log_level = debug" and the other two settings would vanish without a word. */
	parse(&cfg, "i.ini",
	      "[empact]\n"               /* 1 */
	      "  db = x.db\n"            /* 2 */
	      "  threads = 4\n"          /* 3 */
	      "\n"                       /* 4 */
	      "  log_level = debug\n",   /* 5 */
	      &errs);
	assert_int_equal(ep_errs_count(&errs), 2);
	assert_problem(&errs, "i.ini:3", "indented line");
	assert_problem(&errs, "i.ini:5", "indented line");
	assert_true(same_config(&cfg, &before)); /* nothing of such a file applies */
	ep_errs_release(&errs);

	/* Indentation that continues nothing is fine: the first line after a section header,
	 * indented comments, blank lines with spaces. */
	ep_errs_init(&errs);
	parse(&cfg, "ok.ini",
	      "  db = y.db\n"
	      "[empact]\n"
	      "\tthreads = 6\n"
	      "   ; an indented comment\n"
	      "\t# another\n"
	      "   \n"
	      "log_level = warn\n"
	      "[empact]\n"
	      "    listen = 127.0.0.1:9\n",
	      &errs);
	assert_no_problems(&errs);
	assert_string_equal(cfg.db, "y.db");
	assert_int_equal(cfg.threads, 6);
	assert_int_equal(cfg.log_level, EP_LOG_WARN);
	assert_string_equal(cfg.listen, "127.0.0.1:9");
	ep_errs_release(&errs);
}

static void test_parse_malformed_line(void **state)
{
	(void)state;
	ep_config cfg;
	ep_errs errs;
	ep_config_defaults(&cfg);
	ep_errs_init(&errs);
	parse(&cfg, "m.ini",
	      "[empact]\n"          /* 1 */
	      "db = m.db\n"         /* 2 */
	      "; fine\n"            /* 3 */
	      "just some words\n"   /* 4 */
	      "threads = 2\n",      /* 5 */
	      &errs);
	assert_int_equal(ep_errs_count(&errs), 1);
	assert_problem(&errs, "m.ini:4", "not a setting");
	ep_errs_release(&errs);

	ep_errs_init(&errs);
	parse(&cfg, "m2.ini", "db = a.db\n[empact\n", &errs);
	assert_int_equal(ep_errs_count(&errs), 1);
	assert_problem(&errs, "m2.ini:2", "not a setting");
	ep_errs_release(&errs);
}

/* A line of exactly len bytes (without its newline) that sets db. */
static void db_line(char *out, size_t len)
{
	memcpy(out, "db = ", 5);
	memset(out + 5, 'd', len - 5);
	out[len] = '\0';
}

static void test_parse_long_line(void **state)
{
	(void)state;
	char line[300], text[800];
	ep_config cfg;
	ep_errs errs;

	/* 199 bytes: the longest line, read whole. */
	ep_config_defaults(&cfg);
	ep_errs_init(&errs);
	db_line(line, 199);
	snprintf(text, sizeof text, "[empact]\n%s\nthreads = 5\n", line);
	parse(&cfg, "long.ini", text, &errs);
	assert_no_problems(&errs);
	assert_string_equal(cfg.db, line + 5);
	assert_int_equal(strlen(cfg.db), 194);
	assert_int_equal(cfg.threads, 5);
	ep_errs_release(&errs);

	/* 200 bytes: refused with its line, and nothing of the file applies. */
	ep_config_defaults(&cfg);
	ep_errs_init(&errs);
	db_line(line, 200);
	snprintf(text, sizeof text, "[empact]\nthreads = 5\n%s\n", line);
	parse(&cfg, "long.ini", text, &errs);
	assert_int_equal(ep_errs_count(&errs), 1);
	assert_problem(&errs, "long.ini:3", "line longer than 199 bytes");
	assert_string_equal(cfg.db, "empact.db");
	assert_int_equal(cfg.threads, 0);
	ep_errs_release(&errs);

	/* A long comment counts too, and so does the last line without a newline. */
	ep_config_defaults(&cfg);
	ep_errs_init(&errs);
	memset(line, ';', 250);
	line[250] = '\0';
	snprintf(text, sizeof text, "%s\ndb = a.db\n%s", line, line);
	parse(&cfg, "c.ini", text, &errs);
	assert_int_equal(ep_errs_count(&errs), 2);
	assert_problem(&errs, "c.ini:1", "line longer than 199 bytes");
	assert_problem(&errs, "c.ini:3", "line longer than 199 bytes");
	ep_errs_release(&errs);

	/* CR of a CRLF line end is part of the line's bytes. */
	ep_config_defaults(&cfg);
	ep_errs_init(&errs);
	db_line(line, 199);
	snprintf(text, sizeof text, "%s\r\n", line);
	parse(&cfg, "crlf.ini", text, &errs);
	assert_problem(&errs, "crlf.ini:1", "line longer than 199 bytes");
	ep_errs_release(&errs);
}

static void test_parse_lines_after_longest_line(void **state)
{
	(void)state;
	/* Line numbers stay right after lines of the longest allowed length, for every kind of
	 * problem, including the malformed lines whose number comes from inih itself. */
	char line[300], text[1200];
	ep_config cfg;
	ep_errs errs;
	ep_config_defaults(&cfg);
	ep_errs_init(&errs);
	db_line(line, 199);
	char comment[200];
	memset(comment, ';', 199);
	comment[199] = '\0';
	snprintf(text, sizeof text,
		 "[empact]\n"         /* 1 */
		 "%s\n"               /* 2: 199 bytes */
		 "%s\n"               /* 3: 199 bytes */
		 "colour = red\n"     /* 4 */
		 "%s\n"               /* 5: 199 bytes */
		 "not a setting\n"    /* 6 */
		 "threads = lots\n",  /* 7 */
		 comment, line, comment);
	parse(&cfg, "n.ini", text, &errs);
	assert_problem(&errs, "n.ini:4", "unknown setting 'colour'");
	assert_problem(&errs, "n.ini:6", "not a setting");
	assert_problem(&errs, "n.ini:7", "threads: 'lots'");
	assert_int_equal(ep_errs_count(&errs), 3);
	ep_errs_release(&errs);
}

static void test_parse_invalid_utf8(void **state)
{
	(void)state;
	ep_config cfg, before;
	ep_errs errs;
	ep_config_defaults(&cfg);
	before = cfg;
	ep_errs_init(&errs);
	parse(&cfg, "latin1.ini", "[empact]\ndb = caf\xe9.db\nthreads = 4\n", &errs);
	assert_int_equal(ep_errs_count(&errs), 1);
	assert_problem(&errs, "latin1.ini", "not valid UTF-8");
	/* Nothing of such a file is applied. */
	assert_true(same_config(&cfg, &before));
	ep_errs_release(&errs);

	/* An overlong form and a NUL byte are refused the same way. */
	ep_errs_init(&errs);
	parse(&cfg, "overlong.ini", "db = \xc0\xaf\n", &errs);
	parse_n(&cfg, "nul.ini", "db = a\0b\nthreads = 4\n", 21, &errs);
	assert_int_equal(ep_errs_count(&errs), 2);
	assert_problem(&errs, "overlong.ini", "not valid UTF-8");
	assert_problem(&errs, "nul.ini", "not valid UTF-8");
	assert_true(same_config(&cfg, &before));
	ep_errs_release(&errs);

	/* Valid UTF-8, with a byte-order mark, is fine. */
	ep_errs_init(&errs);
	parse(&cfg, "bom.ini", "\xef\xbb\xbf[empact]\ndb = \xc3\xa9t\xc3\xa9.db\n", &errs);
	assert_no_problems(&errs);
	assert_string_equal(cfg.db, "\xc3\xa9t\xc3\xa9.db");
	ep_errs_release(&errs);
}

static void test_parse_too_large(void **state)
{
	(void)state;
	size_t n = 64 * 1024 + 1;
	char *text = malloc(n + 1);
	assert_non_null(text);
	/* Short comment lines, so only the size is wrong. */
	for (size_t i = 0; i < n; i++)
		text[i] = i % 50 == 49 ? '\n' : ';';
	ep_config cfg;
	ep_errs errs;
	ep_config_defaults(&cfg);
	ep_errs_init(&errs);
	ep_config_parse_text(&cfg, "huge.ini", text, n, &errs);
	assert_int_equal(ep_errs_count(&errs), 1);
	assert_problem(&errs, "huge.ini", "larger than");
	ep_errs_release(&errs);

	/* Exactly 64 KiB is fine. */
	ep_errs_init(&errs);
	ep_config_parse_text(&cfg, "max.ini", text, n - 1, &errs);
	assert_no_problems(&errs);
	ep_errs_release(&errs);
	free(text);
}

static void test_load_file(void **state)
{
	(void)state;
	char path[512];
	tu_temp_path(path, sizeof path, "config");
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("[empact]\ndb = from-file.db\n\nbogus = 1\n", f);
	fclose(f);
	ep_config cfg;
	ep_errs errs;
	ep_config_defaults(&cfg);
	ep_errs_init(&errs);
	ep_config_load_file(&cfg, path, &errs);
	assert_string_equal(cfg.db, "from-file.db");
	assert_string_equal(cfg.config_file, path);
	char where[600];
	snprintf(where, sizeof where, "%s:4", path);
	assert_int_equal(ep_errs_count(&errs), 1);
	assert_problem(&errs, where, "unknown setting 'bogus'");
	ep_errs_release(&errs);
	unlink(path);

	/* A file that is not there. */
	ep_config_defaults(&cfg);
	ep_errs_init(&errs);
	ep_config_load_file(&cfg, path, &errs);
	assert_int_equal(ep_errs_count(&errs), 1);
	assert_problem(&errs, path, "cannot open");
	assert_string_equal(cfg.config_file, "");
	ep_errs_release(&errs);
}

static void test_load_env(void **state)
{
	(void)state;
	ep_config cfg;
	ep_errs errs;
	ep_config_defaults(&cfg);
	ep_errs_init(&errs);
	setenv("EMPACT_DB", "/tmp/from-env.db", 1);
	setenv("EMPACT_MAX_CLASSIFICATION", "secret_ue", 1);
	setenv("EMPACT_LOG_LEVEL", "debug", 1);
	setenv("EMPACT_THREADS", "12", 1);
	setenv("EMPACT_AUDIT_ANCHOR", "/tmp/anchor", 1);
	setenv("EMPACT_BUSY_TIMEOUT_MS", "250", 1);
	ep_config_load_env(&cfg, &errs);
	assert_no_problems(&errs);
	assert_string_equal(cfg.db, "/tmp/from-env.db");
	assert_int_equal(cfg.max_classification, EP_CLASS_SECRET);
	assert_int_equal(cfg.log_level, EP_LOG_DEBUG);
	assert_int_equal(cfg.threads, 12);
	assert_string_equal(cfg.audit_anchor, "/tmp/anchor");
	assert_int_equal(cfg.busy_timeout_ms, 250);
	/* What is not set keeps its value. */
	assert_string_equal(cfg.listen, "127.0.0.1:8080");
	ep_errs_release(&errs);
}

static void test_load_env_bad(void **state)
{
	(void)state;
	ep_config cfg;
	ep_errs errs;
	ep_config_defaults(&cfg);
	ep_errs_init(&errs);
	setenv("EMPACT_DB", "", 1);
	setenv("EMPACT_THREADS", "lots", 1);
	setenv("EMPACT_CONN_TIMEOUT_S", "0", 1);
	setenv("EMPACT_MAX_CLASSIFICATION", "cosmic", 1);
	setenv("empact_log_level", "debug", 1); /* the names are upper case */
	ep_config_load_env(&cfg, &errs);
	unsetenv("empact_log_level");
	assert_int_equal(ep_errs_count(&errs), 4);
	assert_problem(&errs, "EMPACT_DB", "db: may not be empty");
	assert_problem(&errs, "EMPACT_THREADS", "threads: 'lots' is not a whole number");
	assert_problem(&errs, "EMPACT_CONN_TIMEOUT_S", "conn_timeout_s: 0 is outside 1..3600");
	assert_problem(&errs, "EMPACT_MAX_CLASSIFICATION", "'cosmic' is not a classification");
	assert_string_equal(cfg.db, "empact.db");
	assert_int_equal(cfg.log_level, EP_LOG_INFO);
	ep_errs_release(&errs);
}

static void test_precedence(void **state)
{
	(void)state;
	/* Defaults, then the file, then the environment, then flags: each later one wins. */
	ep_config cfg;
	ep_errs errs;
	ep_config_defaults(&cfg);
	ep_errs_init(&errs);
	parse(&cfg, "p.ini", "db = file.db\nthreads = 2\nlog_level = warn\n", &errs);
	setenv("EMPACT_DB", "env.db", 1);
	setenv("EMPACT_THREADS", "3", 1);
	ep_config_load_env(&cfg, &errs);
	ep_config_set(&cfg, "db", "flag.db", "--db", &errs);
	assert_no_problems(&errs);
	assert_string_equal(cfg.db, "flag.db");
	assert_int_equal(cfg.threads, 3);
	assert_int_equal(cfg.log_level, EP_LOG_WARN);
	ep_errs_release(&errs);
}

static void test_validate(void **state)
{
	(void)state;
	ep_config cfg;
	ep_errs errs;

	ep_config_defaults(&cfg);
	ep_errs_init(&errs);
	snprintf(cfg.listen, sizeof cfg.listen, "%s", "nowhere");
	ep_config_validate(&cfg, &errs);
	assert_int_equal(ep_errs_count(&errs), 1);
	assert_problem(&errs, "listen", "'nowhere' is not ADDR:PORT");
	ep_errs_release(&errs);

	const char *bad[] = {"127.0.0.1:99999", "127.0.0.1:", ":8080", "127.0.0.1:http", "[::1]", "example.org:80"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ep_config_defaults(&cfg);
		ep_errs_init(&errs);
		snprintf(cfg.listen, sizeof cfg.listen, "%s", bad[i]);
		ep_config_validate(&cfg, &errs);
		if (!find_problem(&errs, "listen", "is not ADDR:PORT"))
			fail_msg("listen = '%s' passed validation", bad[i]);
		ep_errs_release(&errs);
	}

	const char *good[] = {"0.0.0.0:80", "[::]:8080", "[::1]:0", "localhost:8080"};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		ep_config_defaults(&cfg);
		ep_errs_init(&errs);
		snprintf(cfg.listen, sizeof cfg.listen, "%s", good[i]);
		ep_config_validate(&cfg, &errs);
		if (ep_errs_count(&errs) != 0) {
			dump_problems(&errs);
			fail_msg("listen = '%s' failed validation", good[i]);
		}
		ep_errs_release(&errs);
	}

	/* The header block must hold the request line. */
	ep_config_defaults(&cfg);
	ep_errs_init(&errs);
	cfg.max_url_bytes = 65536;
	cfg.max_header_bytes = 32768;
	ep_config_validate(&cfg, &errs);
	assert_int_equal(ep_errs_count(&errs), 1);
	assert_problem(&errs, "max_header_bytes", "must be at least max_url_bytes");
	ep_errs_release(&errs);

	ep_errs_init(&errs);
	cfg.max_header_bytes = 65536;
	ep_config_validate(&cfg, &errs);
	assert_no_problems(&errs);
	/* Every problem at once, not only the first. */
	snprintf(cfg.listen, sizeof cfg.listen, "%s", "bad");
	cfg.max_header_bytes = 1024;
	ep_config_validate(&cfg, &errs);
	assert_int_equal(ep_errs_count(&errs), 2);
	ep_errs_release(&errs);
}

static void test_parse_listen(void **state)
{
	(void)state;
	char host[256];
	int port = -1;
	assert_int_equal(ep_config_parse_listen("127.0.0.1:8080", host, sizeof host, &port), EP_OK);
	assert_string_equal(host, "127.0.0.1");
	assert_int_equal(port, 8080);
	assert_int_equal(ep_config_parse_listen("[::1]:80", host, sizeof host, &port), EP_OK);
	assert_string_equal(host, "::1");
	assert_int_equal(port, 80);
	assert_int_equal(ep_config_parse_listen("[2001:db8::17]:65535", host, sizeof host, &port), EP_OK);
	assert_string_equal(host, "2001:db8::17");
	assert_int_equal(port, 65535);
	assert_int_equal(ep_config_parse_listen("localhost:0", host, sizeof host, &port), EP_OK);
	assert_string_equal(host, "localhost");
	assert_int_equal(port, 0); /* any free port */
	assert_int_equal(ep_config_parse_listen("0.0.0.0:0", host, sizeof host, &port), EP_OK);
	assert_string_equal(host, "0.0.0.0");
	assert_int_equal(port, 0);
}

static void test_parse_listen_bad(void **state)
{
	(void)state;
	const char *bad[] = {
		"noport",          /* no port at all */
		"host:0",          /* a name: only numeric addresses and localhost are bound */
		"example.org:80",
		"",
		":",
		":8080",           /* no host */
		"127.0.0.1:",      /* no port */
		"127.0.0.1:-1",
		"127.0.0.1:65536",
		"127.0.0.1:+80",
		"127.0.0.1: 80",
		"127.0.0.1:80 ",
		"127.0.0.1:8o",
		"256.0.0.1:80",    /* not an IPv4 address */
		"127.0.0:80",
		"[::1]",           /* brackets but no port */
		"[]:80",
		"[::1:80",
		"::1]:80",
		"::1:80",          /* IPv6 without brackets is ambiguous */
		"[127.0.0.1]:80",  /* brackets are for IPv6 */
		"[localhost]:80",
		"[::g]:80",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char host[256] = "untouched";
		int port = -7;
		if (ep_config_parse_listen(bad[i], host, sizeof host, &port) != EP_E_INVALID)
			fail_msg("'%s' was accepted as a listen address (host '%s', port %d)", bad[i], host, port);
		assert_string_equal(host, "untouched");
		assert_int_equal(port, -7);
	}
}

static void test_parse_listen_small_host(void **state)
{
	(void)state;
	/* The host must fit the caller's buffer with its NUL. */
	char host[10];
	int port;
	assert_int_equal(ep_config_parse_listen("127.0.0.1:80", host, sizeof host, &port), EP_OK);
	assert_string_equal(host, "127.0.0.1");
	assert_int_equal(ep_config_parse_listen("127.0.0.1:80", host, 9, &port), EP_E_INVALID);
	assert_int_equal(ep_config_parse_listen("[2001:db8::1]:80", host, sizeof host, &port), EP_E_INVALID);
}

static char *print_to_string(const ep_config *cfg)
{
	FILE *f = tmpfile();
	assert_non_null(f);
	ep_config_print(cfg, f);
	long n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	char *s = malloc((size_t)n + 1);
	assert_non_null(s);
	size_t got = fread(s, 1, (size_t)n, f);
	s[got] = '\0';
	fclose(f);
	return s;
}

static void test_print(void **state)
{
	(void)state;
	ep_config cfg;
	ep_config_defaults(&cfg);
	char *s = print_to_string(&cfg);
	assert_string_equal(s, "[empact]\n"
			       "db = empact.db\n"
			       "listen = 127.0.0.1:8080\n"
			       "audit_anchor = \n"
			       "max_classification = restreint_ue\n"
			       "log_level = info\n"
			       "threads = 0\n"
			       "max_body_bytes = 1048576\n"
			       "max_render_bytes = 67108864\n"
			       "max_url_bytes = 8192\n"
			       "max_header_bytes = 32768\n"
			       "conn_timeout_s = 30\n"
			       "busy_timeout_ms = 5000\n");
	free(s);
}

static void test_print_reads_back(void **state)
{
	(void)state;
	/* What check-config prints is a configuration file that gives the same settings. */
	ep_config cfg, back;
	ep_errs errs;
	ep_config_defaults(&cfg);
	ep_errs_init(&errs);
	parse(&cfg, "in.ini",
	      "db = /data/e.db\nlisten = [::]:9090\naudit_anchor = /data/anchor\n"
	      "max_classification = tres_secret_ue\nlog_level = off\nthreads = 7\nmax_body_bytes = 5000\n"
	      "max_url_bytes = 300\nmax_header_bytes = 2000\nconn_timeout_s = 9\nbusy_timeout_ms = 1\n",
	      &errs);
	assert_no_problems(&errs);
	char *s = print_to_string(&cfg);
	ep_config_defaults(&back);
	parse(&back, "printed.ini", s, &errs);
	assert_no_problems(&errs);
	assert_true(same_config(&cfg, &back));
	free(s);

	/* The defaults too, including the empty audit_anchor. */
	ep_config_defaults(&cfg);
	s = print_to_string(&cfg);
	memset(&back, 0, sizeof back);
	ep_config_defaults(&back);
	snprintf(back.audit_anchor, sizeof back.audit_anchor, "%s", "something");
	parse(&back, "printed.ini", s, &errs);
	assert_no_problems(&errs);
	assert_true(same_config(&cfg, &back));
	free(s);
	ep_errs_release(&errs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_setting_table),
		cmocka_unit_test(test_set_text),
		cmocka_unit_test(test_set_text_bad),
		cmocka_unit_test(test_set_text_length),
		cmocka_unit_test(test_set_numbers),
		cmocka_unit_test(test_set_classification),
		cmocka_unit_test(test_set_log_level),
		cmocka_unit_test(test_set_unknown),
		cmocka_unit_test(test_parse_valid_ini),
		cmocka_unit_test(test_parse_no_section_crlf),
		cmocka_unit_test(test_parse_empty),
		cmocka_unit_test(test_parse_unknown_key_line),
		cmocka_unit_test(test_parse_bad_values_lines),
		cmocka_unit_test(test_parse_unknown_section),
		cmocka_unit_test(test_parse_indented_lines),
		cmocka_unit_test(test_parse_malformed_line),
		cmocka_unit_test(test_parse_long_line),
		cmocka_unit_test(test_parse_lines_after_longest_line),
		cmocka_unit_test(test_parse_invalid_utf8),
		cmocka_unit_test(test_parse_too_large),
		cmocka_unit_test(test_load_file),
		cmocka_unit_test_teardown(test_load_env, env_teardown),
		cmocka_unit_test_teardown(test_load_env_bad, env_teardown),
		cmocka_unit_test_teardown(test_precedence, env_teardown),
		cmocka_unit_test(test_validate),
		cmocka_unit_test(test_parse_listen),
		cmocka_unit_test(test_parse_listen_bad),
		cmocka_unit_test(test_parse_listen_small_host),
		cmocka_unit_test(test_print),
		cmocka_unit_test(test_print_reads_back),
	};
	return cmocka_run_group_tests(tests, group_setup, NULL);
}
