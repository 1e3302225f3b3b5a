/*
 * The driver of bench/docs.sh: renders one Council document of an empact database through
 * ep_svc_doc_render (the path of `empact doc render` and of the API), N times per format after
 * WARMUP unmeasured rounds, and prints the median, p95 (nearest rank), min and max in ms per
 * format. The formats are interleaved: each round renders every format once, in turn.
 *
 *   bench_render DB DOC CYCLE RELEASE N WARMUP OUTDIR
 *
 * DOC is a Council number ("13874/17"), CYCLE the label of the cycle it lives in ("2018-2021"),
 * RELEASE the release level. Each format's last end-to-end output is written to
 * OUTDIR/doc.FORMAT. The same rounds also time the stages one by one, as the service runs them:
 *   source  the cycle's dataset exported from the database and parsed back into JSON (what
 *           ep_svc_doc_render does before the build, bar the visibility checks and withholding,
 *           which change nothing here: the command line reads everything);
 *   build   ep_doc_build of {"dataset", "document"};
 *   filter  ep_doc_filter at RELEASE;
 *   render  ep_doc_render of that one filtered document, per format.
 * Output, one line per figure: "e2e|stage FORMAT|NAME n median p95 min max bytes".
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/num.h"
#include "core/status.h"
#include "db/db.h"
#include "docs/doc.h"
#include "svc/svc_dataset.h"
#include "svc/svc_doc.h"
#include "core/banned.h"

static const char *const FORMATS[] = {"pdf", "docx", "html", "txt", "xlsx"};
#define NFMT (sizeof FORMATS / sizeof FORMATS[0])

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void die(const char *what, const ep_err *err)
{
	fprintf(stderr, "bench_render: %s: %s%s%s\n", what, err && err->field[0] ? err->field : "",
	        err && err->field[0] ? ": " : "", err ? err->msg : "");
	exit(1);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void report(const char *kind, const char *name, double *v, size_t n, size_t bytes)
{
	qsort(v, n, sizeof *v, cmp_double);
	double med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	size_t rank = (size_t)((95 * n + 99) / 100); /* nearest rank: ceil(0.95 n) */
	printf("%s %s %zu %.3f %.3f %.3f %.3f %zu\n", kind, name, n, med, v[rank - 1], v[0], v[n - 1], bytes);
}

static void write_file(const char *dir, const char *fmt, const ep_buf *b)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/doc.%s", dir, fmt);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(b->data ? b->data : "", 1, b->len, f) != b->len || fclose(f) != 0) {
		fprintf(stderr, "bench_render: cannot write %s\n", path);
		exit(1);
	}
}

/* The source the service builds a document from: {"dataset": the cycle, "document": {...}}. */
static json_t *source(ep_db *db, const char *cycle, const char *number, const char *suffix)
{
	char *text = NULL;
	size_t len = 0;
	ep_err err;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		die("open_memstream", NULL);
	ep_status s = ep_svc_dataset_export(db, cycle, f, &err);
	if (fclose(f) != 0 || s != EP_OK)
		die("export", &err);
	json_error_t je;
	json_t *ds = json_loadb(text, len, 0, &je);
	free(text);
	if (!ds)
		die("the export does not parse", NULL);
	return json_pack("{s:o, s:{s:s, s:s}}", "dataset", ds, "document", "number", number, "suffix", suffix);
}

int main(int argc, char **argv)
{
	if (argc != 8) {
		fprintf(stderr, "usage: bench_render DB DOC CYCLE RELEASE N WARMUP OUTDIR\n");
		return 2;
	}
	const char *dbpath = argv[1], *doc = argv[2], *cycle = argv[3], *release = argv[4], *outdir = argv[7];
	int64_t n = 0, warm = 0;
	if (ep_parse_i64z(argv[5], 1, 100000, &n) != EP_OK || ep_parse_i64z(argv[6], 0, 100000, &warm) != EP_OK) {
		fprintf(stderr, "bench_render: N from 1, WARMUP from 0\n");
		return 2;
	}
	ep_db *db = NULL;
	ep_err err;
	ep_db_opts opts = {.create = false, .busy_timeout_ms = 5000};
	if (ep_db_open(dbpath, &opts, &db, &err) != EP_OK || ep_db_require_current(db, &err) != EP_OK)
		die(dbpath, &err);
	ep_doc_target t = {.kind = EP_DOCT_DOCUMENT};
	if (ep_svc_doc_resolve(db, doc, &t.id, &err) != EP_OK)
		die(doc, &err);
	char number[128], suffix[128] = "";
	const char *sp = strchr(doc, ' ');
	snprintf(number, sizeof number, "%.*s", sp ? (int)(sp - doc) : (int)strlen(doc), doc);
	if (sp)
		snprintf(suffix, sizeof suffix, "%s", sp + 1);
	ep_release rel;
	ep_dformat fmts[NFMT];
	if (ep_release_parse(release, &rel, &err) != EP_OK)
		die(release, &err);
	for (size_t k = 0; k < NFMT; k++)
		if (ep_dformat_parse(FORMATS[k], &fmts[k], &err) != EP_OK)
			die(FORMATS[k], &err);

	size_t rounds = (size_t)(warm + n), got = 0;
	double *e2e[NFMT], *rend[NFMT], *src_ms = calloc(rounds, sizeof(double)),
	                                *build_ms = calloc(rounds, sizeof(double)),
	                                *filt_ms = calloc(rounds, sizeof(double));
	size_t e2e_bytes[NFMT] = {0}, rend_bytes[NFMT] = {0};
	for (size_t k = 0; k < NFMT; k++) {
		e2e[k] = calloc(rounds, sizeof(double));
		rend[k] = calloc(rounds, sizeof(double));
		if (!e2e[k] || !rend[k])
			die("out of memory", NULL);
	}
	if (!src_ms || !build_ms || !filt_ms)
		die("out of memory", NULL);

	for (size_t r = 0; r < rounds; r++) {
		bool measured = r >= (size_t)warm;
		/* End to end, through the service, each format in turn. */
		for (size_t k = 0; k < NFMT; k++) {
			ep_doc_file f;
			double t0 = now_ms();
			ep_status s = ep_svc_doc_render(db, NULL, &t, FORMATS[k], release, 0, &f, &err);
			double t1 = now_ms();
			if (s != EP_OK)
				die(FORMATS[k], &err);
			if (measured)
				e2e[k][got] = t1 - t0;
			e2e_bytes[k] = f.body.len;
			if (r + 1 == rounds)
				write_file(outdir, FORMATS[k], &f.body);
			ep_buf_release(&f.body);
		}
		/* The stages, one by one. */
		double t0 = now_ms();
		json_t *src = source(db, cycle, number, suffix);
		double t1 = now_ms();
		if (!src)
			die("out of memory", NULL);
		ep_arena *a = ep_arena_new(EP_DOC_MAX_BYTES * 4);
		ep_doc *d = NULL;
		if (!a || ep_doc_build(a, src, &d, &err) != EP_OK)
			die("build", &err);
		double t2 = now_ms();
		if (ep_doc_filter(d, rel, &err) != EP_OK)
			die("filter", &err);
		double t3 = now_ms();
		json_decref(src);
		if (measured) {
			src_ms[got] = t1 - t0;
			build_ms[got] = t2 - t1;
			filt_ms[got] = t3 - t2;
		}
		for (size_t k = 0; k < NFMT; k++) {
			ep_buf b;
			ep_buf_init(&b, EP_DOC_MAX_BYTES);
			double r0 = now_ms();
			if (ep_doc_render(d, fmts[k], &b, &err) != EP_OK)
				die(FORMATS[k], &err);
			double r1 = now_ms();
			if (measured)
				rend[k][got] = r1 - r0;
			rend_bytes[k] = b.len;
			ep_buf_release(&b);
		}
		ep_arena_free(a);
		if (measured)
			got++;
	}
	for (size_t k = 0; k < NFMT; k++)
		report("e2e", FORMATS[k], e2e[k], got, e2e_bytes[k]);
	report("stage", "source", src_ms, got, 0);
	report("stage", "build", build_ms, got, 0);
	report("stage", "filter", filt_ms, got, 0);
	for (size_t k = 0; k < NFMT; k++) {
		char name[32];
		snprintf(name, sizeof name, "render-%s", FORMATS[k]);
		report("stage", name, rend[k], got, rend_bytes[k]);
	}
	for (size_t k = 0; k < NFMT; k++) {
		free(e2e[k]);
		free(rend[k]);
	}
	free(src_ms);
	free(build_ms);
	free(filt_ms);
	ep_db_close(db);
	return 0;
}
