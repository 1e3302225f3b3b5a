#!/usr/bin/env bash
# The Council documents benchmark (see the "Council documents" section of bench/RESULTS.md).
#
#   bench/docs.sh                 (from anywhere; make bench runs it after bench/monitor.sh)
#
# Issue "Council documents": render the 2018 OAP with a synthetic 60-action annex, PDF under
# 200 ms, DOCX under 100 ms, HTML under 20 ms; in the same run, LibreOffice converting that DOCX
# to PDF, as the peer figure. In bench/out/docs/ (git-ignored), with `empact` a private copy of
# build/empact:
#   - builds bench/bench_render.c against build/libempact.a with the Makefile's flags (as
#     bench/audit.sh builds its driver);
#   - python3 bench/gen_docs.py: the organisations and the 2018 OAP of data/ (its sections, its
#     Council document 13874/17 with its passages, the EXT 1 version) plus six strategic goals and
#     ACTIONS (60) synthetic operational actions, which the document's annex lists;
#   - `empact init` (not --demo: the demo already holds that OAP, and a dataset cannot add
#     actions to an OAP the database holds) and `empact load` of that dataset;
#   - bench_render: 13874/17 at release RELEASE (restreint_ue: the annex and every action shown)
#     through ep_svc_doc_render, the path of `empact doc render` and of the API, in pdf, docx,
#     html, txt and xlsx, interleaved (each round renders each format once), WARMUP (3) rounds
#     then N (30) measured; median, p95 (nearest rank), min, max per format; the same rounds time
#     the stages (the cycle's dataset exported and parsed, build, filter, each renderer);
#   - checks that the text rendering has the 60 rows of the annex;
#   - LibreOffice (`soffice --headless --convert-to pdf`, a private profile in
#     -env:UserInstallation, made by one unmeasured conversion first) converting the DOCX that
#     bench_render wrote, LO_RUNS (3) times, timed with $EPOCHREALTIME around the process; median;
#     then the same command on a one-line text file LO_RUNS times: LibreOffice's start-up floor.
# It prints (and writes to bench/out/docs/results.md) Markdown tables with PASS/FAIL against the
# targets on the end-to-end medians. bench/RESULTS.md is not changed: copy the figures into its
# section by hand. Exit status 1 if a target fails, a step fails, or LibreOffice is missing
# (SOFFICE=none skips the peer figure).
#
# Environment: EMPACT (default build/empact), N (30), WARMUP (3), LO_RUNS (3), SEED (20260101),
# ACTIONS (60), RELEASE (restreint_ue), SOFFICE (libreoffice or soffice on PATH; "none"), CC (gcc).
set -euo pipefail
export LC_ALL=C

cd "$(dirname "$0")/.."
ROOT=$(pwd)
EMPACT=${EMPACT:-$ROOT/build/empact}
LIB=$ROOT/build/libempact.a
OUT=$ROOT/bench/out/docs
N=${N:-30}
WARMUP=${WARMUP:-3}
LO_RUNS=${LO_RUNS:-3}
SEED=${SEED:-20260101}
ACTIONS=${ACTIONS:-60}
RELEASE=${RELEASE:-restreint_ue}
CC=${CC:-gcc}
DOC=13874/17
CYCLE=2018-2021

die() { echo "bench/docs.sh: $*" >&2; exit 1; }
say() { echo "== $*"; }

command -v python3 >/dev/null || die "python3 is not installed"
if [ -z "${SOFFICE:-}" ]; then
	SOFFICE=$(command -v libreoffice || command -v soffice || true)
	[ -n "$SOFFICE" ] || die "LibreOffice is not installed (apt-get install libreoffice-writer-nogui; SOFFICE=none skips it)"
fi
if [ ! -x "$EMPACT" ] || [ ! -f "$LIB" ]; then make --no-print-directory all; fi
[ -x "$EMPACT" ] || die "no empact binary at $EMPACT"
[ -f "$LIB" ] || die "no $LIB (run make)"

rm -rf "$OUT"
mkdir -p "$OUT/lo"
cp "$EMPACT" "$OUT/empact.new" && mv "$OUT/empact.new" "$OUT/empact"
EMPACT_SRC=$EMPACT
EMPACT=$OUT/empact

PKGS="sqlite3 jansson inih libsodium libmicrohttpd liboath libqrencode libcmark pangocairo cairo-pdf fontconfig libzip xlsxwriter"
say "building bench/bench_render.c"
# shellcheck disable=SC2046
"$CC" -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Wpedantic -Wshadow \
	-Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wvla -Werror -g -O2 -D_FORTIFY_SOURCE=2 -fPIE -pie \
	-Isrc $(pkg-config --cflags $PKGS | sed 's/-I/-isystem /g') -o "$OUT/bench_render" bench/bench_render.c "$LIB" \
	$(pkg-config --libs $PKGS) -lm

{ grep -m1 'model name' /proc/cpuinfo; echo "cpus: $(nproc)"; grep MemTotal /proc/meminfo
  echo "python $(python3 -c 'import platform; print(platform.python_version())'), pango $(pkg-config --modversion pango), cairo $(pkg-config --modversion cairo), libzip $(pkg-config --modversion libzip), libxlsxwriter $(pkg-config --modversion xlsxwriter)"
  if [ "$SOFFICE" != none ]; then "$SOFFICE" --version 2>/dev/null | head -n 1; fi
  echo "empact $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- src migrations 2>/dev/null || echo ' (src or migrations modified)')" \
	"(${EMPACT_SRC#"$ROOT/"} sha256 $(sha256sum "$EMPACT" | cut -c1-12))"
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$OUT/machine.txt"

say "generating the 2018 OAP with $ACTIONS synthetic actions (seed $SEED)"
python3 bench/gen_docs.py --seed "$SEED" --actions "$ACTIONS" "$OUT/dataset.json" | tee "$OUT/gen.txt"
"$EMPACT" --db "$OUT/docs.db" init >/dev/null
"$EMPACT" --db "$OUT/docs.db" load "$OUT/dataset.json" | tee "$OUT/load.txt"

say "rendering $DOC at $RELEASE: $WARMUP warm-up rounds, then $N measured, each format in turn"
"$OUT/bench_render" "$OUT/docs.db" "$DOC" "$CYCLE" "$RELEASE" "$N" "$WARMUP" "$OUT" | tee "$OUT/render.txt"
rows=$(grep -cE '^[0-9]+\.[0-9]+ \| ' "$OUT/doc.txt" || true)
[ "$rows" = "$ACTIONS" ] || die "the text rendering has $rows annex rows, not $ACTIONS"
echo "$rows" >"$OUT/rows.txt"
pages=-
if command -v pdfinfo >/dev/null; then
	pages=$(pdfinfo "$OUT/doc.pdf" 2>/dev/null | sed -n 's/^Pages: *//p')
fi
echo "${pages:--}" >"$OUT/pages.txt"

: >"$OUT/lo.times"
if [ "$SOFFICE" != none ]; then
	say "LibreOffice: $SOFFICE --headless --convert-to pdf doc.docx, one unmeasured run then $LO_RUNS"
	PROFILE="file://$OUT/lo-profile"
	lo() {
		rm -f "$OUT/lo/doc.pdf"
		"$SOFFICE" "-env:UserInstallation=$PROFILE" --headless --norestore --convert-to pdf --outdir "$OUT/lo" \
			"$OUT/doc.docx" >>"$OUT/lo.log" 2>&1 || die "LibreOffice failed (see $OUT/lo.log)"
		[ -s "$OUT/lo/doc.pdf" ] || die "LibreOffice wrote no PDF (see $OUT/lo.log)"
	}
	lo
	for _ in $(seq "$LO_RUNS"); do
		t0=$EPOCHREALTIME
		lo
		t1=$EPOCHREALTIME
		awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f\n", (b - a) * 1000 }' | tee -a "$OUT/lo.times"
	done
	# The start-up floor: the same command on a one-line text file.
	echo "Start-up floor." >"$OUT/tiny.txt"
	: >"$OUT/lo-floor.times"
	for _ in $(seq "$LO_RUNS"); do
		t0=$EPOCHREALTIME
		"$SOFFICE" "-env:UserInstallation=$PROFILE" --headless --norestore --convert-to pdf --outdir "$OUT/lo" \
			"$OUT/tiny.txt" >>"$OUT/lo.log" 2>&1 || die "LibreOffice failed (see $OUT/lo.log)"
		t1=$EPOCHREALTIME
		awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f\n", (b - a) * 1000 }' >>"$OUT/lo-floor.times"
	done
	lo_pages=-
	if command -v pdfinfo >/dev/null; then
		lo_pages=$(pdfinfo "$OUT/lo/doc.pdf" 2>/dev/null | sed -n 's/^Pages: *//p')
	fi
	echo "${lo_pages:--} $(stat -c %s "$OUT/lo/doc.pdf")" >"$OUT/lo.pdf.txt"
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/machine.txt"

# ---- the report ----
python3 - "$OUT" "$N" "$WARMUP" "$RELEASE" "$DOC" <<'PY'
import os, statistics, sys
out, n, warm, release, doc = sys.argv[1:6]
E, S = {}, {}
for line in open(os.path.join(out, "render.txt")):
    f = line.split()
    if len(f) == 8:
        rec = dict(n=int(f[2]), med=float(f[3]), p95=float(f[4]), min=float(f[5]), max=float(f[6]), bytes=int(f[7]))
        (E if f[0] == "e2e" else S)[f[1]] = rec
TARGETS = {"pdf": 200.0, "docx": 100.0, "html": 20.0}
pages = open(os.path.join(out, "pages.txt")).read().strip()
lo = [float(x) for x in open(os.path.join(out, "lo.times")).read().split()]
md = []
w = md.append
w("Machine: " + "; ".join(l.strip() for l in open(os.path.join(out, "machine.txt")) if l.strip()) + ".")
w("")
w("%s at release %s, %s actions in the annex; %s measured renders per format after %s warm-up rounds, "
  "formats interleaved; through ep_svc_doc_render (dataset export, build, filter, render)."
  % (doc, release, open(os.path.join(out, "rows.txt")).read().strip(), n, warm))
w("")
w("| format | median | p95 | min | max | output | target | result |")
w("|---|---:|---:|---:|---:|---:|---:|---|")
checks = []
for fmt in ("pdf", "docx", "html", "txt", "xlsx"):
    r = E[fmt]
    t = TARGETS.get(fmt)
    res = ""
    if t:
        ok = r["med"] < t
        checks.append(ok)
        res = ("PASS" if ok else "**FAIL**") + ("" if r["p95"] < t else " (p95 over)")
    size = "%d bytes" % r["bytes"] + (", %s pages" % pages if fmt == "pdf" and pages != "-" else "")
    w("| %s | %.2f ms | %.2f ms | %.2f ms | %.2f ms | %s | %s | %s |" % (
        fmt, r["med"], r["p95"], r["min"], r["max"], size, "< %g ms" % t if t else "", res))
w("")
w("| stage | median | p95 | min | max |")
w("|---|---:|---:|---:|---:|")
for name in ("source", "build", "filter", "render-pdf", "render-docx", "render-html", "render-txt", "render-xlsx"):
    r = S[name]
    w("| %s | %.3f ms | %.3f ms | %.3f ms | %.3f ms |" % (name, r["med"], r["p95"], r["min"], r["max"]))
w("")
if lo:
    lp = open(os.path.join(out, "lo.pdf.txt")).read().split()
    med = statistics.median(lo)
    w("| peer | median | runs | output |")
    w("|---|---:|---|---:|")
    w("| LibreOffice `--headless --convert-to pdf` of doc.docx (process included) | %.1f ms | %s ms | %s bytes%s |" % (
        med, ", ".join("%.1f" % x for x in lo), lp[1], ", %s pages" % lp[0] if lp[0] != "-" else ""))
    floor = [float(x) for x in open(os.path.join(out, "lo-floor.times")).read().split()]
    if floor:
        w("| LibreOffice, the same command on a one-line .txt (start-up floor) | %.1f ms | %s ms | |" % (
            statistics.median(floor), ", ".join("%.1f" % x for x in floor)))
    w("| empact PDF (end to end, median) | %.2f ms | | |" % E["pdf"]["med"])
    w("| LibreOffice / empact PDF | %.1fx | | |" % (med / E["pdf"]["med"]))
text = "\n".join(md) + "\n"
open(os.path.join(out, "results.md"), "w").write(text)
print(text)
sys.exit(0 if checks and all(checks) else 1)
PY
