#!/usr/bin/env bash
# The monitoring roll-up benchmark (see the "Monitoring roll-ups" section of bench/RESULTS.md).
#
#   bench/monitor.sh              (from anywhere; make bench runs it after bench/audit.sh)
#
# For each SCALE in SCALES (default "1 10"), in a fresh temporary directory:
#   - `empact init`, then bench/gen_monitoring.py SCALE: one cycle of 10 x SCALE priorities x 2
#     OAPs (years Y, Y+1) x 60 actions x 8 KPIs, 4 reporting rounds (3 closed, the last open), a
#     progress report per action and round of its OAP's year, 8 KPI actuals per report;
#   - an Administrator bench-admin (COMMISSION, restreint_ue: it reads every record) and its API
#     token, with `empact user add/role/token` as bench/http.sh does;
#   - `empact serve` on 127.0.0.1 (port 0, the port read from its first line), then, over ONE
#     persistent HTTP/1.1 connection (Python http.client; one client, one request at a time),
#     for each of the two roll-ups
#       overview  GET /api/v1/reporting-rounds/{the open round}/overview
#       report    GET /api/v1/oaps/{the first priority's Y+1 OAP}/monitoring-report?round_id={the open round}
#     two series of N requests (default 200), each after WARMUP (default 20) unmeasured ones:
#       write   before each GET (not timed), a cheap write that moves the database's change stamp:
#               PATCH /api/v1/reporting-rounds/{open round} {"nec_meeting"} with If-Match, on the
#               same connection (BUST=api, the default), or an UPDATE of that row's nec_meeting
#               and version from another SQLite connection (BUST=sql: the server's connection
#               then also drops its page cache, as after another user's write). The server
#               caches GET responses per worker until the database changes (src/http/server.c),
#               and rejects unknown query parameters (400), so this is how every measured GET
#               is computed afresh: the figure the targets are about.
#       cached  the same GET repeated with no write in between: answered from the response
#               cache, as bench/http.sh measures its lists. A response holding classified or
#               LIMITE records queues an audit record per read, and the audit writer's commit
#               (every 20 ms) empties the cache, so some of these are recomputed; the report
#               counts the read records the series added to the audit trail.
#     Latency: from sending the request to the last byte of the response, on the client.
# It prints (and writes to bench/out/monitor/results.md) a Markdown table: scale, rows
# (actions, reports, actuals), route, series, median and p95 ms; then the ratio of the SCALE 10
# median to the SCALE 1 median per route and series, and PASS/FAIL against the issue's targets:
# each roll-up under 50 ms (median and p95 of the `write` series at scale 1), and growing no more
# than linearly with the data (`write` median at 10x / at 1x <= 10). bench/RESULTS.md is not
# changed: copy the figures into its section by hand. Exit status 1 if a target fails, a
# request fails or a route does not answer 200 (before the routes exist: 404).
#
# Environment: EMPACT (default build/empact; a private copy is run), SCALES ("1 10"), N (200),
# WARMUP (20), SEED (20260101), BUST (api or sql), KEEP (1: keep the temporary directories).
set -euo pipefail
export LC_ALL=C
# the account the script creates needs no costly password hash
export EMPACT_PASSWORD_COST=test

cd "$(dirname "$0")/.."
ROOT=$(pwd)
EMPACT=${EMPACT:-$ROOT/build/empact}
OUT=$ROOT/bench/out/monitor
SCALES=${SCALES:-1 10}
N=${N:-200}
WARMUP=${WARMUP:-20}
SEED=${SEED:-20260101}
BUST=${BUST:-api}
KEEP=${KEEP:-0}
YEAR=2026 # the generator's first OAP year (its --year default)
PASSWORD=bench-empact-passphrase-2026
TARGET_MS=50

die() { echo "bench/monitor.sh: $*" >&2; exit 1; }
say() { echo "== $*"; }

case $BUST in api | sql) ;; *) die "BUST must be api or sql, not '$BUST'" ;; esac
for c in python3 sqlite3; do command -v $c >/dev/null || die "$c is not installed"; done
[ -x "$EMPACT" ] || make --no-print-directory all
[ -x "$EMPACT" ] || die "no empact binary at $EMPACT"
mkdir -p "$OUT"
rm -f "$OUT"/*.txt "$OUT"/*.log "$OUT"/*.err "$OUT"/results.md
cp "$EMPACT" "$OUT/empact.new" && mv "$OUT/empact.new" "$OUT/empact"
EMPACT_SRC=$EMPACT
EMPACT=$OUT/empact

# ---- processes and temporary directories: stopped and removed on exit ----
PIDS=()
TMPS=()
stop() { # PID: SIGTERM, then wait for it
	local pid=$1 keep=() p
	kill -TERM "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	for p in "${PIDS[@]}"; do [ "$p" = "$pid" ] || keep+=("$p"); done
	PIDS=("${keep[@]+"${keep[@]}"}")
}
cleanup() {
	local p
	for p in "${PIDS[@]+"${PIDS[@]}"}"; do kill -TERM "$p" 2>/dev/null || true; done
	for p in "${PIDS[@]+"${PIDS[@]}"}"; do wait "$p" 2>/dev/null || true; done
	if [ "$KEEP" != 1 ]; then
		for p in "${TMPS[@]+"${TMPS[@]}"}"; do rm -rf "$p"; done
	elif [ ${#TMPS[@]} -gt 0 ]; then
		echo "bench/monitor.sh: kept ${TMPS[*]}" >&2
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start_empact DB LOG: serves DB on a free port (port 0); sets EMP_PID and EMP_PORT.
start_empact() {
	local db=$1 log=$2 i
	"$EMPACT" --db "$db" serve --listen 127.0.0.1:0 >"$log" 2>"$log.err" &
	EMP_PID=$!
	PIDS+=("$EMP_PID")
	for i in $(seq 400); do
		grep -q '^empact: serving' "$log" 2>/dev/null && break
		kill -0 "$EMP_PID" 2>/dev/null || { cat "$log.err" >&2; die "empact serve $db exited"; }
		sleep 0.025
	done
	EMP_PORT=$(sed -nE '1s|^empact: serving .* on http://127\.0\.0\.1:([0-9]+)/ .*|\1|p' "$log")
	[ -n "$EMP_PORT" ] || die "empact serve $db did not say its port"
}

{ grep -m1 'model name' /proc/cpuinfo; echo "cpus: $(nproc)"; grep MemTotal /proc/meminfo
  echo "python $(python3 -c 'import platform; print(platform.python_version())'), sqlite $(sqlite3 --version | cut -d' ' -f1)"
  echo "empact $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- src migrations 2>/dev/null || echo ' (src or migrations modified)')" \
	"(${EMPACT_SRC#"$ROOT/"} sha256 $(sha256sum "$EMPACT" | cut -c1-12))"
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$OUT/machine.txt"

for scale in $SCALES; do
	TMP=$(mktemp -d "${TMPDIR:-/tmp}/empact-monitor.XXXXXX")
	TMPS+=("$TMP")
	DB=$TMP/monitor.db
	say "scale $scale: a fresh database in $TMP"
	"$EMPACT" --db "$DB" init >/dev/null
	schema=$(sqlite3 "$DB" 'SELECT max(version) FROM schema_migrations')
	[ "$schema" -ge 5 ] || die "the database is at schema $schema; the monitoring tables need 5"
	t0=$EPOCHREALTIME
	python3 bench/gen_monitoring.py --seed "$SEED" --year "$YEAR" "$scale" "$DB" | tee "$OUT/gen-$scale.txt"
	t1=$EPOCHREALTIME
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f\n", b - a }' >"$OUT/gen-$scale.time"
	printf '%s\n' "$PASSWORD" | "$EMPACT" --db "$DB" user add bench-admin --org COMMISSION \
		--clearance restreint_ue >/dev/null
	"$EMPACT" --db "$DB" user role bench-admin admin >/dev/null
	TOKEN=$("$EMPACT" --db "$DB" user token bench-admin --label bench 2>/dev/null)
	[[ $TOKEN == ept_* ]] || die "no API token for bench-admin"
	# the open round, the OAP of the report (priority 1, year Y+1: it owes reports in the open
	# round), and the sizes
	read -r round oap actions reports actuals round_reports < <(sqlite3 -separator ' ' "$DB" "
		SELECT r.id, (SELECT o.id FROM oaps o JOIN priorities p ON p.id = o.priority_id
			      WHERE p.cycle_id = r.cycle_id AND o.first_year = $YEAR + 1 ORDER BY p.position LIMIT 1),
		       (SELECT count(*) FROM actions), (SELECT count(*) FROM progress_reports),
		       (SELECT count(*) FROM kpi_actuals),
		       (SELECT count(*) FROM progress_reports WHERE round_id = r.id)
		FROM reporting_rounds r JOIN cycles c ON c.id = r.cycle_id
		WHERE c.label = '$YEAR-$((YEAR + 3))' AND r.status = 'open'") || true
	[ -n "${oap:-}" ] || die "no open round or no year $((YEAR + 1)) OAP in the generated database"
	oap_reports=$(sqlite3 "$DB" "SELECT count(*) FROM progress_reports p JOIN actions a ON a.id = p.action_id
		WHERE a.oap_id = $oap AND p.round_id = $round")
	echo "$scale $actions $reports $actuals $round $oap $round_reports $oap_reports $(stat -c %s "$DB")" >"$OUT/sizes-$scale.txt"

	start_empact "$DB" "$OUT/serve-$scale.log"
	say "scale $scale: serving on port $EMP_PORT; round $round ($round_reports reports), OAP $oap ($oap_reports reports in it)"
	BENCH_TOKEN=$TOKEN python3 - "$EMP_PORT" "$DB" "$round" "$oap" "$N" "$WARMUP" "$BUST" "$OUT/lat-$scale.txt" <<'PY'
# One persistent connection; for each route, WARMUP then N measured GETs after a write
# (series "write"), then WARMUP then N measured GETs in a row (series "cached").
import http.client, json, math, os, sqlite3, statistics, sys, time
port, db, rnd, oap, n, warm, bust, out = sys.argv[1:9]
token = os.environ["BENCH_TOKEN"]  # not on the command line
port, n, warm = int(port), int(n), int(warm)
c = http.client.HTTPConnection("127.0.0.1", port)
AUTH = {"Authorization": "Bearer " + token}

def call(method, path, body=None, headers=None):
    h = dict(AUTH)
    h.update(headers or {})
    if body is not None:
        h["Content-Type"] = "application/json"
        body = json.dumps(body)
    t0 = time.perf_counter_ns()
    c.request(method, path, body, h)
    r = c.getresponse()
    data = r.read()
    t1 = time.perf_counter_ns()
    return r.status, r.getheader("ETag"), data, (t1 - t0) / 1e6

def fail(what, status, data):
    sys.exit("bench/monitor.sh: %s answered %d: %s" % (what, status, data[:300].decode("utf-8", "replace")))

ROUND = "/api/v1/reporting-rounds/%s" % rnd
status, etag, data, _ = call("GET", ROUND)
if status != 200:
    fail("GET " + ROUND, status, data)
version = int(etag.strip('"'))
sql = None
if bust == "sql":
    sql = sqlite3.connect(db, isolation_level=None)
    sql.execute("PRAGMA busy_timeout = 10000")
writes = 0

def write():
    """Moves the database's change stamp: a new nec_meeting for the open round."""
    global version, writes
    writes += 1
    text = "NEC meeting, bench write %d" % writes
    if sql is not None:
        sql.execute("UPDATE reporting_rounds SET nec_meeting = ?, version = version + 1 WHERE id = ?", (text, rnd))
        return
    status, etag, data, _ = call("PATCH", ROUND, {"nec_meeting": text}, {"If-Match": '"%d"' % version})
    if status != 200:
        fail("PATCH " + ROUND, status, data)
    version = int(etag.strip('"'))

def audit_rows():
    """The read records in the audit trail (a write's own record is not one)."""
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    try:
        return con.execute("SELECT count(*) FROM audit WHERE action = 'read'").fetchone()[0]
    finally:
        con.close()

routes = [("overview", "%s/overview" % ROUND),
          ("report", "/api/v1/oaps/%s/monitoring-report?round_id=%s" % (oap, rnd))]
with open(out, "w") as f:
    for name, path in routes:
        status, _, data, ms = call("GET", path)
        if status != 200:
            fail("GET " + path + " (the route does not exist yet?)" if status == 404 else "GET " + path,
                 status, data)
        try:
            doc = json.loads(data)
        except ValueError:
            sys.exit("bench/monitor.sh: GET %s: not JSON" % path)
        size = len(data)
        for series in ("write", "cached"):
            a0 = audit_rows()
            lat = []
            for i in range(warm + n):
                if series == "write":
                    write()
                status, _, data, ms = call("GET", path)
                if status != 200:
                    fail("GET " + path, status, data)
                if i >= warm:
                    lat.append(ms)
            time.sleep(0.1)  # the audit writer's last batch
            added = audit_rows() - a0
            s = sorted(lat)
            p95 = s[math.ceil(0.95 * len(s)) - 1]
            f.write("%s %s %s %d %.3f %.3f %.3f %.3f %d %d %s %s\n" % (
                name, series, path.replace(" ", "%20"), len(lat), statistics.median(s), p95, s[0], s[-1],
                size, added, doc.get("classification", "-"), doc.get("marking", "-")))
            print("   %-8s %-6s median %8.3f ms  p95 %8.3f ms  (min %.3f, max %.3f; %d bytes; %d reads audited)"
                  % (name, series, statistics.median(s), p95, s[0], s[-1], size, added))
            sys.stdout.flush()
PY
	stop "$EMP_PID"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/machine.txt"

# ---- the report ----
python3 - "$OUT" "$SCALES" "$N" "$WARMUP" "$BUST" "$TARGET_MS" <<'PY'
import os, statistics, sys
out, scales, n, warm, bust, target = sys.argv[1], sys.argv[2].split(), sys.argv[3], sys.argv[4], sys.argv[5], float(sys.argv[6])
R, S, G = {}, {}, {}
for sc in scales:
    a = open(os.path.join(out, "sizes-%s.txt" % sc)).read().split()
    S[sc] = dict(zip(("scale", "actions", "reports", "actuals", "round", "oap", "round_reports", "oap_reports",
                      "bytes"), a))
    G[sc] = open(os.path.join(out, "gen-%s.time" % sc)).read().strip()
    for line in open(os.path.join(out, "lat-%s.txt" % sc)):
        f = line.split()
        R[(sc, f[0], f[1])] = dict(path=f[2], n=int(f[3]), med=float(f[4]), p95=float(f[5]), min=float(f[6]),
                                   max=float(f[7]), size=int(f[8]), audit=int(f[9]), cls=f[10], marking=f[11])
    # the server's own time per request, from its access log ("TS ADDR GET URI STATUS BYTES 1.234ms RID"):
    # per route, the probe, then the write series (warm-up included), then the cached one
    logged = {}
    for line in open(os.path.join(out, "serve-%s.log" % sc)):
        f = line.split()
        if len(f) == 8 and f[2] == "GET" and f[6].endswith("ms"):
            logged.setdefault(f[3].split("?")[0], []).append(float(f[6][:-2]))
    for (s_, route, series), r in R.items():
        if s_ != sc:
            continue
        got = logged.get(r["path"].split("?")[0], [])
        start = 1 + int(warm) + (0 if series == "write" else r["n"] + int(warm))
        part = got[start:start + r["n"]]
        r["server"] = "%.2f ms" % statistics.median(part) if len(part) == r["n"] else "-"
md = []
w = md.append
w("Machine: " + "; ".join(l.strip() for l in open(os.path.join(out, "machine.txt")) if l.strip()) + ".")
w("")
w("%s measured requests per series after %s warm-up ones, one persistent connection, one request at a time; "
  "write series: a cache-busting write (BUST=%s) before each GET, not timed. Latency on the client, from "
  "sending the request to the last byte; server median: the time in empact's access log." % (n, warm, bust))
w("")
w("| scale | actions | reports | KPI actuals | database | generator | route | series | median | p95 | min | max | server median | response | reads audited |")
w("|---:|---:|---:|---:|---:|---:|---|---|---:|---:|---:|---:|---:|---:|---:|")
for sc in scales:
    s = S[sc]
    for route in ("overview", "report"):
        for series in ("write", "cached"):
            r = R.get((sc, route, series))
            if not r:
                continue
            w("| %s | %s | %s | %s | %.1f MB | %s s | %s `%s` | %s | %.2f ms | %.2f ms | %.2f ms | %.2f ms | %s | %d bytes | %d |" % (
                sc, s["actions"], s["reports"], s["actuals"], int(s["bytes"]) / 1e6, G[sc], route,
                r["path"].replace("%20", " "), series, r["med"], r["p95"], r["min"], r["max"], r["server"], r["size"],
                r["audit"]))
w("")
checks = []
lo = scales[0]
for route in ("overview", "report"):
    r = R.get((lo, route, "write"))
    if r:
        checks.append(("%s, scale %s, recomputed: median and p95 < %g ms" % (route, lo, target),
                       "%.2f / %.2f ms" % (r["med"], r["p95"]), r["med"] < target and r["p95"] < target))
if len(scales) >= 2:
    hi = scales[-1]
    factor = float(hi) / float(lo)
    for route in ("overview", "report"):
        for series in ("write", "cached"):
            a, b = R.get((lo, route, series)), R.get((hi, route, series))
            if a and b:
                ratio = b["med"] / a["med"]
                if series == "write":
                    checks.append(("%s: median at scale %s / scale %s <= %g (linear)" % (route, hi, lo, factor),
                                   "%.2f / %.2f ms = %.2f" % (b["med"], a["med"], ratio), ratio <= factor))
                else:
                    w("%s, cached: median at scale %s / scale %s = %.2f / %.2f ms = %.2f (not a target)."
                      % (route, hi, lo, b["med"], a["med"], ratio))
    w("")
w("| target | figure | result |")
w("|---|---|---|")
for t, f, ok in checks:
    w("| %s | %s | %s |" % (t, f, "PASS" if ok else "**FAIL**"))
text = "\n".join(md) + "\n"
open(os.path.join(out, "results.md"), "w").write(text)
print(text)
sys.exit(0 if checks and all(ok for _, _, ok in checks) else 1)
PY
