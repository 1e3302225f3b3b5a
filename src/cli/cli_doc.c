/*
 * `empact doc`: render a Council document (or an OAP, a cycle's goals, a roll-up) in a format at
 * a release level, and run the partial declassification workflow from the command line. A
 * render is written to a temporary file beside the output and renamed over it only once whole,
 * so a failed render never leaves a half-written file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "audit/audit.h"
#include "cli/cli.h"
#include "core/num.h"
#include "core/time.h"
#include "svc/svc_doc.h"

#include "core/banned.h"

/* Writes len bytes to path atomically: a temporary file in the same directory, then rename. */
static int write_atomic(ep_cli *cli, const char *path, const char *data, size_t len)
{
	if (strcmp(path, "-") == 0) {
		if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0) {
			ep_cli_fail(cli, "could not write to standard output");
			return EP_EXIT_FAIL;
		}
		return EP_EXIT_OK;
	}
	char tmp[4096];
	int n = snprintf(tmp, sizeof tmp, "%s.tmp-XXXXXX", path);
	if (n < 0 || (size_t)n >= sizeof tmp) {
		ep_cli_fail(cli, "the output path is too long");
		return EP_EXIT_USAGE;
	}
	int fd = mkstemp(tmp);
	if (fd < 0) {
		ep_cli_fail(cli, "%s: %s", path, strerror(errno));
		return EP_EXIT_FAIL;
	}
	size_t off = 0;
	bool ok = true;
	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			ok = false;
			break;
		}
		off += (size_t)w;
	}
	ok = ok && fchmod(fd, 0644) == 0 && fsync(fd) == 0;
	if (close(fd) != 0)
		ok = false;
	if (!ok || rename(tmp, path) != 0) {
		int e = errno;
		unlink(tmp);
		ep_cli_fail(cli, "%s: %s", path, strerror(e));
		return EP_EXIT_FAIL;
	}
	return EP_EXIT_OK;
}

/* DOC: a document id or Council number ("15850/11", "13874/17 EXT 1"), or oap:ID, cycle:ID,
 * report:OAP_ID[:ROUND_ID], overview:ROUND_ID. */
static int target_of(ep_cli *cli, ep_db *db, const char *doc, ep_doc_target *t)
{
	ep_err err;
	ep_err_clear(&err);
	memset(t, 0, sizeof *t);
	static const struct {
		const char *prefix;
		ep_doc_target_kind kind;
	} KINDS[] = {{"oap:", EP_DOCT_OAP}, {"cycle:", EP_DOCT_CYCLE}, {"report:", EP_DOCT_OAP_REPORT},
		{"overview:", EP_DOCT_OVERVIEW}};
	for (size_t i = 0; i < sizeof KINDS / sizeof KINDS[0]; i++) {
		size_t pl = strlen(KINDS[i].prefix);
		if (strncmp(doc, KINDS[i].prefix, pl) != 0)
			continue;
		char idtext[64];
		snprintf(idtext, sizeof idtext, "%s", doc + pl);
		char *colon = strchr(idtext, ':');
		if (colon)
			*colon++ = '\0';
		t->kind = KINDS[i].kind;
		if (ep_parse_i64z(idtext, 1, INT64_MAX, &t->id) != EP_OK ||
		    (colon && ep_parse_i64z(colon, 1, INT64_MAX, &t->round_id) != EP_OK)) {
			ep_cli_fail(cli, "'%s' is not %sID", doc, KINDS[i].prefix);
			return EP_EXIT_USAGE;
		}
		return EP_EXIT_OK;
	}
	t->kind = EP_DOCT_DOCUMENT;
	if (ep_svc_doc_resolve(db, doc, &t->id, &err) != EP_OK) {
		ep_cli_fail(cli, "%s", err.msg);
		return EP_EXIT_FAIL;
	}
	return EP_EXIT_OK;
}

static int render(ep_cli *cli, int argc, char **argv)
{
	const char *doc = NULL, *format = NULL, *release = "public", *out = NULL;
	int64_t max = (int64_t)EP_DOC_MAX_BYTES;
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if ((strcmp(a, "--format") == 0 || strcmp(a, "-f") == 0) && v)
			format = v, i++;
		else if (strcmp(a, "--release") == 0 && v)
			release = v, i++;
		else if (strcmp(a, "-o") == 0 && v)
			out = v, i++;
		else if (strcmp(a, "--max-bytes") == 0 && v) {
			if (ep_parse_i64z(v, 1024, (int64_t)1 << 32, &max) != EP_OK) {
				ep_cli_fail(cli, "--max-bytes takes a number of bytes from 1024");
				return EP_EXIT_USAGE;
			}
			i++;
		} else if (a[0] == '-' && a[1]) {
			ep_cli_fail(cli, "unknown option %s", a);
			return EP_EXIT_USAGE;
		} else if (!doc)
			doc = a;
		else {
			ep_cli_fail(cli, "give one document");
			return EP_EXIT_USAGE;
		}
	}
	if (!doc || !out) {
		ep_cli_fail(cli, "usage: empact doc render DOC --format pdf|docx|xlsx|html|txt --release LEVEL -o FILE");
		return EP_EXIT_USAGE;
	}
	if (!format) {
		const char *dot = strrchr(out, '.');
		format = dot ? dot + 1 : "txt";
	}
	ep_db *db = ep_cli_open_db(cli, false, false);
	if (!db)
		return EP_EXIT_FAIL;
	ep_doc_target t;
	int rc = target_of(cli, db, doc, &t);
	if (rc == EP_EXIT_OK) {
		ep_doc_file f;
		ep_err err;
		ep_err_clear(&err);
		ep_status s = ep_svc_doc_render(db, NULL, &t, format, release, (size_t)max, &f, &err);
		if (s == EP_OK) {
			rc = write_atomic(cli, out, f.body.data ? f.body.data : "", f.body.len);
			if (rc == EP_EXIT_OK && strcmp(out, "-") != 0)
				fprintf(stderr, "empact doc: wrote %s (%zu bytes, %s, release %s, shows %s%s)\n", out,
					f.body.len, format, f.release, f.shown, f.shown_limite ? " LIMITE" : "");
		} else {
			ep_cli_fail(cli, "%s%s%s", err.field[0] ? err.field : "", err.field[0] ? ": " : "", err.msg);
			rc = s == EP_E_INVALID ? EP_EXIT_USAGE : EP_EXIT_FAIL;
		}
		ep_buf_release(&f.body);
	}
	ep_db_close(db);
	return rc;
}

/* Reads a JSON object from a file ("-": standard input). */
static json_t *read_json(ep_cli *cli, const char *path)
{
	json_error_t je;
	json_t *j = strcmp(path, "-") == 0 ? json_loadf(stdin, 0, &je) : json_load_file(path, 0, &je);
	if (!j)
		ep_cli_fail(cli, "%s:%d:%d: %s", path, je.line, je.column, je.text);
	else if (!json_is_object(j)) {
		ep_cli_fail(cli, "%s: a declassification is a JSON object with \"decisions\"", path);
		json_decref(j);
		j = NULL;
	}
	return j;
}

static int declassify(ep_cli *cli, int argc, char **argv)
{
	/* empact doc declassify propose DOC --decisions FILE
	 * empact doc declassify sign-off "DOC EXT n" --as NAME
	 * empact doc declassify show "DOC EXT n" */
	if (argc < 4) {
		ep_cli_fail(cli, "usage: empact doc declassify propose|sign-off|show DOC ...");
		return EP_EXIT_USAGE;
	}
	const char *step = argv[2], *doc = argv[3], *file = NULL, *as = NULL;
	for (int i = 4; i < argc; i++) {
		if (strcmp(argv[i], "--decisions") == 0 && i + 1 < argc)
			file = argv[++i];
		else if (strcmp(argv[i], "--as") == 0 && i + 1 < argc)
			as = argv[++i];
		else {
			ep_cli_fail(cli, "unknown argument %s", argv[i]);
			return EP_EXIT_USAGE;
		}
	}
	bool propose = strcmp(step, "propose") == 0, sign = strcmp(step, "sign-off") == 0,
	     show = strcmp(step, "show") == 0;
	if (!propose && !sign && !show) {
		ep_cli_fail(cli, "unknown step %s: use propose, sign-off or show", step);
		return EP_EXIT_USAGE;
	}
	if (propose && !file) {
		ep_cli_fail(cli, "propose needs --decisions FILE (a JSON object with \"decisions\")");
		return EP_EXIT_USAGE;
	}
	json_t *body = file ? read_json(cli, file) : NULL;
	if (file && !body)
		return EP_EXIT_FAIL;
	ep_db *db = ep_cli_open_db(cli, false, false);
	if (!db) {
		json_decref(body);
		return EP_EXIT_FAIL;
	}
	int rc = EP_EXIT_OK;
	ep_err err;
	ep_errs errs;
	ep_err_clear(&err);
	ep_errs_init(&errs);
	int64_t id = 0;
	char who_name[160];
	snprintf(who_name, sizeof who_name, "%s", as ? as : ep_cli_actor());
	ep_actor who = {.user_id = 0, .name = who_name};
	ep_status s = ep_svc_doc_resolve(db, doc, &id, &err);
	/* The step and its audit record commit together (the service's own transaction nests). */
	bool change = propose || sign;
	if (s == EP_OK && change)
		s = ep_db_begin(db, &err);
	int64_t object = id;
	if (s == EP_OK && propose) {
		int64_t ext = 0;
		s = ep_svc_doc_propose(db, &who, NULL, id, body, &ext, &errs, &err);
		object = ext;
		if (s == EP_OK) {
			json_t *rec = NULL;
			if (ep_svc_doc_declassification(db, NULL, ext, &rec, &err) == EP_OK)
				printf("proposed %s (document %lld); a second person signs it off with\n"
				       "  empact doc declassify sign-off \"%s\" --as NAME\n",
				       json_string_value(json_object_get(rec, "document")), (long long)ext,
				       json_string_value(json_object_get(rec, "document")));
			json_decref(rec);
		}
	} else if (s == EP_OK && sign) {
		json_t *rec = NULL;
		s = ep_svc_doc_declassification(db, NULL, id, &rec, &err);
		if (s == EP_OK) {
			char ts[EP_TIMESTAMP_LEN], day[16];
			ep_time_format(ep_time_now(), ts);
			snprintf(day, sizeof day, "%.10s", ts);
			s = ep_svc_doc_sign_off(db, &who, NULL, id, json_integer_value(json_object_get(rec, "version")), day,
						&err);
			if (s == EP_OK)
				printf("issued %s, dated %s, new status Public\n",
				       json_string_value(json_object_get(rec, "document")), day);
		}
		json_decref(rec);
	} else if (s == EP_OK) {
		json_t *rec = NULL;
		s = ep_svc_doc_declassification(db, NULL, id, &rec, &err);
		if (s == EP_OK) {
			char *text = json_dumps(rec, JSON_INDENT(2) | JSON_SORT_KEYS);
			if (text)
				puts(text);
			free(text);
		}
		json_decref(rec);
	}
	if (change && s == EP_OK) {
		ep_audit_rec r = {.actor = who_name,
			.action = propose ? "documents.declassify" : "documents.sign-off",
			.object_kind = "documents",
			.object_id = object,
			.outcome = "ok",
			.detail = propose ? "proposed a partial declassification (command line)"
					  : "signed off and issued a partial declassification (command line)"};
		int64_t aid = 0;
		char head[EP_AUDIT_HASH_HEX], anchor[4096];
		s = ep_audit_append(db, &r, &aid, head, &err);
		if (s == EP_OK)
			s = ep_db_commit(db, &err);
		if (s == EP_OK)
			ep_audit_anchor(ep_cli_anchor(cli, anchor, sizeof anchor), aid, head, NULL);
	}
	while (ep_db_in_transaction(db))
		ep_db_rollback(db);
	if (s != EP_OK) {
		if (ep_errs_count(&errs))
			ep_cli_print_problems(cli, file, &errs);
		else
			ep_cli_fail(cli, "%s", err.msg);
		rc = s == EP_E_INVALID ? EP_EXIT_USAGE : EP_EXIT_FAIL;
	}
	ep_errs_release(&errs);
	json_decref(body);
	ep_db_close(db);
	return rc;
}

int ep_cli_doc(ep_cli *cli, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "render") == 0)
		return render(cli, argc, argv);
	if (argc >= 2 && strcmp(argv[1], "declassify") == 0)
		return declassify(cli, argc, argv);
	ep_cli_fail(cli, "usage: empact doc render DOC ... | empact doc declassify propose|sign-off|show DOC ...");
	return EP_EXIT_USAGE;
}
