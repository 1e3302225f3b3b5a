#!/usr/bin/env bash
# The HTTP API benchmark (see the "HTTP API" section of bench/RESULTS.md).
#
#   bench/http.sh                 (from the repository root; make bench runs it after run.sh)
#
# In one run, on this machine, with wrk (THREADS threads, CONNS connections, WARMUP s of warm-up
# then DURATION s measured, --latency), against two databases:
#   demo   `empact init --demo`, plus DEMO_ACTIONS operational actions with leaders and
#          participants added to the seed OAP through the API, so that a page of 100 exists;
#   large  `empact init` + `empact load` of bench/gen_dataset.py's ACTIONS-action dataset;
# and three requests:
#   list   GET /api/v1/oaps/{id}/actions?limit=100 (100 actions with leaders and participants)
#   get    GET /api/v1/actions/{id}
#   patch  PATCH /api/v1/actions/{id} {"description"} with a correct If-Match (bench/http_patch.lua;
#          not the title, which an adopted OAP's plan freezes)
# Every request (the seeding, curl, wrk, the PATCH script) is authenticated as an Administrator
# with an API token (Authorization: Bearer): the demo database's `admin` account, and on the
# large one an account bench-admin (COMMISSION, restreint_ue) that the script creates. The list
# is then run twice more, with the same URL, as two Action Leaders, each holding action_leader
# on 64 actions (EP_ROLES_MAX, the most roles an account may hold) and its own token:
#   al-list   bench-al (DE, restreint_ue): the first 64 actions of the admin's page;
#   alu-list  bench-al-u (DE, restreint_ue): the first 64 actions of the OAP, in list order,
#             that are unclassified and not LIMITE, so that its page may be cached;
# and compared with the list figures recorded before authentication existed (BEFORE_AUTH in the
# report below). A response holding classified or LIMITE records is cached like any other, and
# each read of it (from the cache too) queues an audit record that one writer appends in batches
# every 20 ms: the report counts those records in each page.
# An nginx of its own (config in bench/out/http/nginx/, 127.0.0.1 only, 2 workers, no access
# log) serves the very bytes empact answered for list and get as static files, on another
# port, in the same run: the reference for requests per second. The script also samples the
# empact process's VmRSS/VmHWM during the runs and times `empact serve` from exec to the first
# 200 from /healthz (REPS times, median). It prints a Markdown report with PASS/FAIL per target,
# writes it to bench/out/http/results.md and puts it, as the section "HTTP API", into
# bench/RESULTS.md (replacing the generated part of an earlier HTTP API section; text written by
# hand between its heading and the generated part, and every other section, stay as they are).
# Exit status 1 if a check or a target fails. Every process it starts is stopped on exit.
#
# Environment: EMPACT (default build/empact; the script runs a copy of it, bench/out/http/empact,
# so that a rebuild during the run changes nothing), ACTIONS (100000), SEED (20260101),
# DEMO_ACTIONS (120), THREADS (2), CONNS (16), WARMUP (2), DURATION (10), REPS (7), RESULTS
# (bench/RESULTS.md; "-" to leave it alone). Tokens are never written to the report.
set -euo pipefail
export LC_ALL=C
# the accounts the script creates need no costly password hash
export EMPACT_PASSWORD_COST=test

cd "$(dirname "$0")/.."
ROOT=$(pwd)
EMPACT=${EMPACT:-$ROOT/build/empact}
OUT=$ROOT/bench/out/http
ACTIONS=${ACTIONS:-100000}
SEED=${SEED:-20260101}
DEMO_ACTIONS=${DEMO_ACTIONS:-120}
THREADS=${THREADS:-2}
CONNS=${CONNS:-16}
WARMUP=${WARMUP:-2}
DURATION=${DURATION:-10}
REPS=${REPS:-7}
RESULTS=${RESULTS:-$ROOT/bench/RESULTS.md}
PATCH_IDS=32 # actions the PATCH run cycles through (more than CONNS, dealt to the threads)
AL_ROLES=64  # action_leader roles of bench-al and bench-al-u: EP_ROLES_MAX (src/db/db_user.h)
AL_PASSWORD=bench-empact-passphrase-2026
declare -A ADMIN_TOKEN # per database

die() { echo "bench/http.sh: $*" >&2; exit 1; }
say() { echo "== $*"; }

scripts/deps.sh --bench
[ -x "$EMPACT" ] || make --no-print-directory all
[ -x "$EMPACT" ] || die "no empact binary at $EMPACT"
mkdir -p "$OUT"
cp "$EMPACT" "$OUT/empact.new" && mv "$OUT/empact.new" "$OUT/empact"
EMPACT_SRC=$EMPACT
EMPACT=$OUT/empact
for c in wrk nginx curl python3; do command -v $c >/dev/null || die "$c is not installed"; done
[ -x /usr/bin/time ] || die "/usr/bin/time is not installed"

# ---- processes: every one this script starts is listed, and stopped on exit ----
PIDS=()
stop() { # PID: SIGTERM, then wait for it
	local pid=$1
	kill -TERM "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	local keep=() p
	for p in "${PIDS[@]}"; do [ "$p" = "$pid" ] || keep+=("$p"); done
	PIDS=("${keep[@]+"${keep[@]}"}")
}
cleanup() {
	local p
	for p in "${PIDS[@]+"${PIDS[@]}"}"; do kill -TERM "$p" 2>/dev/null || true; done
	for p in "${PIDS[@]+"${PIDS[@]}"}"; do wait "$p" 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_empact DB LOG: serves DB on a free port (port 0); sets EMP_PID and EMP_PORT. The
# access log (stdout) goes to LOG, a file.
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

# rss_sampler PID FILE: appends the VmRSS of PID (KiB) to FILE every 100 ms while PID lives
# (bash builtins only: the sampler costs no fork per sample).
rss_sampler() {
	local pid=$1 file=$2 k v rest
	while [ -r "/proc/$pid/status" ]; do
		while read -r k v rest; do
			[ "$k" = "VmRSS:" ] && { echo "$v" >>"$file"; break; }
		done <"/proc/$pid/status" 2>/dev/null || break
		sleep 0.1
	done
}
vm_field() { # PID FIELD: VmHWM or VmRSS in KiB
	awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"
}

# ---- the databases ----
mkdir -p "$OUT"
rm -rf "$OUT/wrk" "$OUT/www" "$OUT/nginx" "$OUT"/*.db "$OUT"/*.db-* "$OUT"/*.db.anchor "$OUT"/*.log* "$OUT"/*.txt "$OUT"/*.rss
mkdir -p "$OUT/wrk" "$OUT/www/demo" "$OUT/www/large" "$OUT/nginx/tmp"

DS=$OUT/ds
STAMP="$(sha256sum bench/gen_dataset.py | cut -c1-16) actions=$ACTIONS seed=$SEED"
if [ "$(cat "$DS/stamp" 2>/dev/null)" != "$STAMP" ]; then
	say "generating the $ACTIONS-action dataset (bench/gen_dataset.py, seed $SEED)"
	rm -rf "$DS"
	python3 bench/gen_dataset.py --actions "$ACTIONS" --seed "$SEED" "$DS" >/dev/null
	echo "$STAMP" >"$DS/stamp"
else
	say "reusing the dataset in bench/out/http/ds ($STAMP)"
fi
say "loading it into bench/out/http/large.db"
"$EMPACT" --db "$OUT/large.db" init >/dev/null
"$EMPACT" --db "$OUT/large.db" load "$DS/dataset.json" >/dev/null
# `init` + `load` create no account: an Administrator for the benchmark
printf '%s\n' "$AL_PASSWORD" | "$EMPACT" --db "$OUT/large.db" user add bench-admin --org COMMISSION \
	--clearance restreint_ue >/dev/null
"$EMPACT" --db "$OUT/large.db" user role bench-admin admin >/dev/null
ADMIN_TOKEN[large]=$("$EMPACT" --db "$OUT/large.db" user token bench-admin --label bench 2>/dev/null)

say "creating bench/out/http/demo.db and adding $DEMO_ACTIONS actions through the API"
"$EMPACT" --db "$OUT/demo.db" init --demo >/dev/null
ADMIN_TOKEN[demo]=$("$EMPACT" --db "$OUT/demo.db" user token admin --label bench 2>/dev/null)
for db in demo large; do
	[[ ${ADMIN_TOKEN[$db]} == ept_* ]] || die "no API token for the administrator of the $db database"
done
start_empact "$OUT/demo.db" "$OUT/seed.log"
python3 - "$EMP_PORT" "$DEMO_ACTIONS" "$SEED" "${ADMIN_TOKEN[demo]}" <<'PY'
# Adds N operational actions to the first OAP of the demo database, shaped like the dataset's:
# title, description, dates, budget, one Action Leader, 0-2 co-leaders, 2-6 participants.
import http.client, json, random, sys
port, n, seed, token = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
c = http.client.HTTPConnection("127.0.0.1", port)
def call(method, path, body=None, version=None):
    h = {"Content-Type": "application/json"} if body is not None else {}
    h["Authorization"] = "Bearer " + token
    if version is not None:
        h["If-Match"] = '"%d"' % version
    c.request(method, path, json.dumps(body) if body is not None else None, h)
    r = c.getresponse()
    data = r.read()
    if r.status not in (200, 201):
        sys.exit("seed: %s %s: %d %s" % (method, path, r.status, data[:300]))
    return json.loads(data), int(r.getheader("ETag", '"0"').strip('"'))
oap = call("GET", "/api/v1/oaps?limit=1")[0]["items"][0]["id"]
orgs = [o["id"] for o in call("GET", "/api/v1/organisations?limit=500")[0]["items"]]
# `init --demo` already puts a few actions in this OAP: the new ones come after them, with
# numbers of their own
have = call("GET", "/api/v1/oaps/%d/actions?limit=500" % oap)[0]["items"]
taken, first = {a["number"] for a in have}, 1 + max([a["position"] for a in have] + [0])
numbers = ("%d.%d" % (1 + k // 20, 1 + k % 20) for k in range(10 * n + 100))
numbers = [x for x in numbers if x not in taken][:n]
rng = random.Random(seed)
verbs = ["Organise a workshop for practitioners on", "Set up joint investigations into",
         "Exchange intelligence and best practice on", "Map the modus operandi of",
         "Train border guards and police officers to detect"]
topics = ["document fraud along the Western Balkan route", "facilitation networks using online platforms",
          "sham marriages and fraudulent residence permits", "secondary movements within the Schengen area",
          "money flows of smuggling networks", "exploitation of migrants in the labour market"]
for i in range(1, n + 1):
    title = "%s %s" % (rng.choice(verbs), rng.choice(topics))
    desc = ("This action addresses %s through intelligence-led policing. Language and legal obstacles "
            "to cross-border evidence gathering are identified and addressed." % rng.choice(topics))
    start = "2018-%02d-%02d" % (rng.randint(1, 6), rng.randint(1, 28))
    body = {"number": numbers[i - 1], "position": first + i - 1, "title": title,
            "description": desc, "documentation_ref": "OAP 2018/3/%d" % i, "start_date": start,
            "end_date": "2018-%02d-%02d" % (rng.randint(7, 12), rng.randint(1, 28)),
            "budget_cents": rng.randrange(500000, 50000000, 100)}
    a, v = call("POST", "/api/v1/oaps/%d/actions" % oap, body)
    nco, npart = rng.randint(0, 2), rng.randint(2, 6)
    picked = rng.sample(orgs, 1 + nco + npart)
    leaders, parts = picked[:1 + nco], picked[1 + nco:]
    for j, org in enumerate(leaders):
        _, v = call("POST", "/api/v1/actions/%d/leaders" % a["id"],
                    {"org_id": org, "role": "leader" if j == 0 else "co_leader"}, v)
    for org in parts:
        _, v = call("POST", "/api/v1/actions/%d/participants" % a["id"],
                    {"org_id": org, "status": rng.choice(["invited", "confirmed", "confirmed", "confirmed"])}, v)
print("seed: %d actions added to the %d of OAP %d" % (n, len(have), oap))
PY
stop "$EMP_PID"

# ---- `empact serve` from exec to the first 200 from /healthz ----
for db in demo large; do
	say "healthz after start, $db database, $REPS times"
	: >"$OUT/healthz-$db.txt"
	for rep in $(seq "$REPS"); do
		port=$(free_port)
		t0=$EPOCHREALTIME
		"$EMPACT" --db "$OUT/$db.db" serve --listen "127.0.0.1:$port" >/dev/null 2>&1 &
		pid=$!
		PIDS+=("$pid")
		tries=0
		until curl -sf -o /dev/null -H "Authorization: Bearer ${ADMIN_TOKEN[$db]}" "http://127.0.0.1:$port/healthz"; do
			tries=$((tries + 1))
			[ $tries -lt 20000 ] || die "no answer from /healthz"
		done
		t1=$EPOCHREALTIME
		stop "$pid"
		awk -v a="$t0" -v b="$t1" -v n="$tries" 'BEGIN { printf "%.1f %d\n", (b - a) * 1000, n }' >>"$OUT/healthz-$db.txt"
	done
done

# ---- nginx, serving the same bytes ----
NGINX_PORT=$(free_port)
cat >"$OUT/nginx/nginx.conf" <<EOF
# bench/http.sh: nginx serving the bodies empact answered, as static files.
daemon off;
worker_processes 2;
pid $OUT/nginx/nginx.pid;
error_log $OUT/nginx/error.log warn;
events { worker_connections 1024; }
http {
	access_log off;
	sendfile on;
	tcp_nopush on;
	tcp_nodelay on;
	keepalive_timeout 65;
	keepalive_requests 1000000;
	open_file_cache max=64 inactive=60s;
	types { }
	default_type application/json;
	charset utf-8;
	charset_types application/json;
	client_body_temp_path $OUT/nginx/tmp/body;
	proxy_temp_path $OUT/nginx/tmp/proxy;
	fastcgi_temp_path $OUT/nginx/tmp/fastcgi;
	uwsgi_temp_path $OUT/nginx/tmp/uwsgi;
	scgi_temp_path $OUT/nginx/tmp/scgi;
	server {
		listen 127.0.0.1:$NGINX_PORT;
		root $OUT/www;
	}
}
EOF
nginx -t -q -c "$OUT/nginx/nginx.conf" -p "$OUT/nginx" -e "$OUT/nginx/error.log" || die "bad nginx config"
nginx -c "$OUT/nginx/nginx.conf" -p "$OUT/nginx" -e "$OUT/nginx/error.log" &
NGINX_PID=$!
PIDS+=("$NGINX_PID")
for i in $(seq 200); do curl -s -o /dev/null "http://127.0.0.1:$NGINX_PORT/" && break; sleep 0.025; done

# run_wrk NAME URL [LUA ARG...]: WARMUP s of warm-up, then DURATION s measured with --latency,
# every request with "Authorization: Bearer $TOKEN" ($TOKEN_NAME names it in the command shown);
# the output goes to wrk/NAME.txt and the command to wrk/NAME.cmd.
run_wrk() {
	local name=$1 url=$2
	shift 2
	local script=() args=() auth=(-H "Authorization: Bearer $TOKEN")
	if [ $# -gt 0 ]; then
		script=(-s "$1")
		shift
		args=(-- "$@")
	fi
	wrk -t"$THREADS" -c"$CONNS" -d"${WARMUP}s" "${auth[@]}" "${script[@]}" "$url" "${args[@]}" >/dev/null
	# a PATCH run needs the versions as they are after the warm-up
	if [ ${#args[@]} -gt 0 ]; then args=(-- "$THREADS" $(versions)); fi
	local shown="${args[*]:0:4}"
	[ ${#args[@]} -le 4 ] || shown="$shown ..."
	echo "wrk -t$THREADS -c$CONNS -d${DURATION}s --latency -H 'Authorization: Bearer \$$TOKEN_NAME' ${script[*]} $url $shown" |
		sed "s|$ROOT/||g; s/ *$//; s/  */ /g" >"$OUT/wrk/$name.cmd"
	local c0 s0 c1 s1
	c0=$(cpu_busy)
	s0=$(proc_cpu $SRV_PIDS)
	task_cpu $SRV_PIDS >"$OUT/wrk/$name.tasks0"
	/usr/bin/time -f '%U %S' -o "$OUT/wrk/$name.wrkcpu" \
		wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --latency "${auth[@]}" "${script[@]}" "$url" "${args[@]}" >"$OUT/wrk/$name.txt"
	s1=$(proc_cpu $SRV_PIDS)
	task_cpu $SRV_PIDS >"$OUT/wrk/$name.tasks1"
	c1=$(cpu_busy)
	# CPU seconds: the whole machine (busy), the server, wrk
	echo "$(awk -v a="$c0" -v b="$c1" -v t="$TCK" 'BEGIN { print (b - a) / t }') $(awk -v a="$s0" -v b="$s1" -v t="$TCK" \
		'BEGIN { print (b - a) / t }') $(awk '{ print $1 + $2 }' "$OUT/wrk/$name.wrkcpu")" >"$OUT/wrk/$name.cpu"
	grep -E 'Requests/sec|99%' "$OUT/wrk/$name.txt" | tr -s ' ' | tr '\n' ' ' | sed "s/^/   $name: /"
	echo
}
# cpu_busy: jiffies the machine's CPUs were busy since boot; proc_cpu PID...: utime + stime
# of those processes (and their threads) in jiffies
TCK=$(getconf CLK_TCK)
cpu_busy() { awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }
proc_cpu() {
	local pid t=0 u s
	for pid in "$@"; do
		read -r u s < <(awk '{ print $14, $15 }' "/proc/$pid/stat" 2>/dev/null || echo "0 0")
		t=$((t + u + s))
	done
	echo "$t"
}
# task_cpu PID...: "TID JIFFIES" for every thread of those processes
task_cpu() {
	local pid t
	for pid in "$@"; do
		for t in /proc/"$pid"/task/*; do
			awk -v t="${t##*/}" '{ print t, $14 + $15 }' "$t/stat" 2>/dev/null || true
		done
	done
}
# versions: ID=VERSION for each of the PATCH actions, read now
versions() {
	local id
	for id in $PATCH_LIST; do
		echo "$id=$(curl -s -o /dev/null -D - -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$EMP_PORT/api/v1/actions/$id" |
			sed -nE 's/^ETag: "([0-9]+)".*/\1/p')"
	done
}

uname -a >"$OUT/machine.txt"
{ grep -m1 'model name' /proc/cpuinfo; echo "cpus: $(nproc)"; grep MemTotal /proc/meminfo
  (wrk --version 2>&1 || true) | head -1; nginx -v 2>&1; echo "sqlite $(sqlite3 --version | cut -d' ' -f1)"
  echo "empact $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- src 2>/dev/null || echo ' (src modified)')" \
	"(${EMPACT_SRC#"$ROOT/"} sha256 $(sha256sum "$EMPACT" | cut -c1-12))"
} >>"$OUT/machine.txt"

for db in demo large; do
	say "$db database"
	start_empact "$OUT/$db.db" "$OUT/serve-$db.log"
	echo "$EMP_PORT" >"$OUT/port-$db.txt"
	rss_sampler "$EMP_PID" "$OUT/rss-$db.txt" &
	SAMPLER=$!
	PIDS+=("$SAMPLER")
	E=http://127.0.0.1:$EMP_PORT
	N=http://127.0.0.1:$NGINX_PORT
	TOKEN=${ADMIN_TOKEN[$db]}
	TOKEN_NAME=ADMIN_TOKEN
	AUTH="Authorization: Bearer $TOKEN"
	oap=$(curl -sf -H "$AUTH" "$E/api/v1/oaps?limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
	LIST="/api/v1/oaps/$oap/actions?limit=100"
	curl -sf -H "$AUTH" -o "$OUT/www/$db/list.json" "$E$LIST"
	read -r one PATCH_LIST < <(python3 - "$OUT/www/$db/list.json" "$PATCH_IDS" <<'PY'
import json, sys
items = json.load(open(sys.argv[1]))["items"]
assert len(items) == 100, "the page holds %d actions, not 100" % len(items)
assert all(a["leader"] and a["participants"] for a in items), "an action without leader or participants"
print(items[49]["id"], " ".join(str(a["id"]) for a in items[:int(sys.argv[2])]))
PY
	)
	GET="/api/v1/actions/$one"
	curl -sf -H "$AUTH" -o "$OUT/www/$db/action.json" "$E$GET"
	for f in list action; do
		curl -sf -H "$AUTH" -o "$OUT/www/$db/$f.check" "$N/$db/$f.json"
		cmp -s "$OUT/www/$db/$f.json" "$OUT/www/$db/$f.check" || die "nginx does not serve the bytes of $f.json"
		rm "$OUT/www/$db/$f.check"
	done
	{ echo "list $LIST $(stat -c %s "$OUT/www/$db/list.json")"; echo "get $GET $(stat -c %s "$OUT/www/$db/action.json")"
	  echo "patch /api/v1/actions/{$(echo $PATCH_LIST | cut -d' ' -f1)..}"; } >"$OUT/urls-$db.txt"
	# The two Action Leaders (see the top of this file): their actions, accounts, roles and tokens
	curl -sf -H "$AUTH" -o "$OUT/www/$db/oap-actions.json" "$E/api/v1/oaps/$oap/actions?limit=500"
	{ read -r AL_IDS; read -r ALU_IDS; } < <(python3 - "$OUT/www/$db/list.json" "$OUT/www/$db/oap-actions.json" \
		"$AL_ROLES" <<'PY'
import json, sys
page, oap, n = json.load(open(sys.argv[1]))["items"], json.load(open(sys.argv[2]))["items"], int(sys.argv[3])
plain = [a for a in oap if a["classification"] == "unclassified" and a["marking"] != "limite"]
assert len(plain) >= n, "the OAP has only %d unclassified, non-LIMITE actions" % len(plain)
print(" ".join(str(a["id"]) for a in page[:n]))
print(" ".join(str(a["id"]) for a in plain[:n]))
PY
	)
	declare -A AL_TOKEN=()
	for who in bench-al bench-al-u; do
		printf '%s\n' "$AL_PASSWORD" | "$EMPACT" --db "$OUT/$db.db" user add "$who" --org DE --clearance restreint_ue >/dev/null
		ids=$AL_IDS
		[ "$who" = bench-al ] || ids=$ALU_IDS
		for id in $ids; do
			"$EMPACT" --db "$OUT/$db.db" user role "$who" action_leader --scope "action:$id" >/dev/null
		done
		AL_TOKEN[$who]=$("$EMPACT" --db "$OUT/$db.db" user token "$who" --label bench 2>/dev/null)
		[[ ${AL_TOKEN[$who]} == ept_* ]] || die "no API token for $who"
		curl -sf -H "Authorization: Bearer ${AL_TOKEN[$who]}" -o "$OUT/www/$db/list-$who.json" "$E$LIST" ||
			die "$who cannot read $LIST"
	done
	# what each page holds: actions, and of those classified or LIMITE (each read audited)
	python3 - "$OUT/www/$db" "$AL_ROLES" "$AL_IDS" "$ALU_IDS" >"$OUT/pages-$db.txt" <<'PY'
import json, os, sys
d, n, al, alu = sys.argv[1], int(sys.argv[2]), sys.argv[3].split(), sys.argv[4].split()
for name, f, want in (("list", "list.json", None), ("al-list", "list-bench-al.json", al),
                      ("alu-list", "list-bench-al-u.json", alu)):
    items = json.load(open(os.path.join(d, f)))["items"]
    if want is not None:
        assert len(want) == n and sorted(str(a["id"]) for a in items) == sorted(want), \
            "%s: the Action Leader's page is not its %d actions" % (f, n)
    sens = sum(1 for a in items if a["classification"] != "unclassified" or a["marking"] == "limite")
    print(name, len(items), sens, os.path.getsize(os.path.join(d, f)))
PY
	NGINX_PIDS="$NGINX_PID $(pgrep -P "$NGINX_PID" | tr '\n' ' ')"
	SRV_PIDS=$EMP_PID run_wrk "$db-list-empact" "$E$LIST"
	SRV_PIDS=$NGINX_PIDS run_wrk "$db-list-nginx" "$N/$db/list.json"
	TOKEN=${AL_TOKEN[bench-al]} TOKEN_NAME=AL_TOKEN SRV_PIDS=$EMP_PID run_wrk "$db-al-list-empact" "$E$LIST"
	TOKEN=${AL_TOKEN[bench-al-u]} TOKEN_NAME=ALU_TOKEN SRV_PIDS=$EMP_PID run_wrk "$db-alu-list-empact" "$E$LIST"
	SRV_PIDS=$EMP_PID run_wrk "$db-get-empact" "$E$GET"
	SRV_PIDS=$NGINX_PIDS run_wrk "$db-get-nginx" "$N/$db/action.json"
	SRV_PIDS=$EMP_PID run_wrk "$db-patch-empact" "$E/" bench/http_patch.lua "$THREADS" $(versions)
	echo "$(vm_field "$EMP_PID" VmHWM) $(vm_field "$EMP_PID" VmRSS)" >"$OUT/vm-$db.txt"
	stop "$SAMPLER"
	stop "$EMP_PID"
done
stop "$NGINX_PID"

# ---- the report ----
python3 - "$OUT" "$RESULTS" "$THREADS" "$CONNS" "$WARMUP" "$DURATION" "$REPS" "$ACTIONS" "$DEMO_ACTIONS" <<'PY'
import os, re, statistics, sys
out, results = sys.argv[1], sys.argv[2]
threads, conns, warmup, duration, reps, actions, demo_actions = sys.argv[3:10]

def ms(s):
    m = re.match(r"([\d.]+)(us|ms|s)$", s)
    return float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]

def wrk(name):
    t = open(os.path.join(out, "wrk", name + ".txt")).read()
    r = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1)),
         "p50": ms(re.search(r"^\s+50%\s+(\S+)", t, re.M).group(1)),
         "p99": ms(re.search(r"^\s+99%\s+(\S+)", t, re.M).group(1)),
         "n": int(re.search(r"(\d+) requests in", t).group(1)),
         "non2xx": int((re.search(r"Non-2xx or 3xx responses: (\d+)", t) or [0, 0])[1]),
         "errors": re.search(r"Socket errors: (.*)", t),
         "cmd": open(os.path.join(out, "wrk", name + ".cmd")).read().strip()}
    r["errors"] = r["errors"].group(1) if r["errors"] else ""
    busy, srv, wrkcpu = (float(x) for x in open(os.path.join(out, "wrk", name + ".cpu")).read().split())
    r["cpu_req"] = 1000.0 * srv / max(r["n"], 1)          # server CPU ms per request
    r["srv_cores"] = srv / float(duration)                # cores the server used
    r["wrk_cores"] = wrkcpu / float(duration)
    r["other_cores"] = max(0.0, busy - srv - wrkcpu) / float(duration)  # everything else on the machine
    t0 = dict(l.split() for l in open(os.path.join(out, "wrk", name + ".tasks0")) if l.strip())
    t1 = dict(l.split() for l in open(os.path.join(out, "wrk", name + ".tasks1")) if l.strip())
    d = sorted((int(v) - int(t0.get(k, 0)) for k, v in t1.items()), reverse=True)
    r["threads"] = "/".join("%d" % round(100.0 * x / max(sum(d), 1)) for x in d if x > 0.02 * max(sum(d), 1))
    p = re.search(r"patch-status: 200=(\d+) 412=(\d+) other=(\d+) lost=(\d+)", t)
    if p:
        r.update(s200=int(p[1]), s412=int(p[2]), sother=int(p[3]))
    return r

# The list as it was measured before authentication existed: anonymous, every read from the
# cache (bench/RESULTS.md of commit 10d0f32, the run of 2026-11-23 at 14:18-14:20 UTC of empact
# 7c028b9, on this machine with these wrk settings). Kept here because no run can measure it again.
BEFORE_AUTH_WHEN = "2026-11-23, empact 7c028b9"
BEFORE_AUTH = {  # requests/s, p50 ms, p99 ms, server CPU ms per request, actions in the page, other cores,
                 # threads' shares
    "demo": (42248, 0.29, 2.60, 0.023, 100, "0.03", "57/43"),
    "large": (40577, 0.33, 3.02, 0.023, 100, "0.04", "64/36"),
}
WHO = {"list": "admin", "al-list": "bench-al", "alu-list": "bench-al-u", "get": "admin", "patch": "admin"}
KINDS = ("list", "al-list", "alu-list", "get", "patch")

R = {}
for db in ("demo", "large"):
    for what in KINDS:
        for srv in ("empact", "nginx"):
            name = "%s-%s-%s" % (db, what, srv)
            if os.path.exists(os.path.join(out, "wrk", name + ".txt")):
                R[name] = wrk(name)

def lines(f):
    return [l.split() for l in open(os.path.join(out, f)) if l.strip()]

urls = {db: {l[0]: l[1:] for l in lines("urls-%s.txt" % db)} for db in ("demo", "large")}
hz = {db: [float(l[0]) for l in lines("healthz-%s.txt" % db)] for db in ("demo", "large")}
vm = {db: [int(x) for x in lines("vm-%s.txt" % db)[0]] for db in ("demo", "large")}
# pages[db][kind] = (actions, of them classified or LIMITE, bytes)
pages = {db: {l[0]: tuple(int(x) for x in l[1:]) for l in lines("pages-%s.txt" % db)} for db in ("demo", "large")}
rss = {db: max(int(l[0]) for l in lines("rss-%s.txt" % db)) for db in ("demo", "large")}
machine = open(os.path.join(out, "machine.txt")).read().strip().splitlines()

checks = []  # (target, figure, ok)
def check(target, figure, ok):
    checks.append((target, figure, ok))

for db in ("demo", "large"):
    for what, need in (("list", 0.35), ("get", 0.50)):
        e, n = R["%s-%s-empact" % (db, what)], R["%s-%s-nginx" % (db, what)]
        check("%s, %s: empact >= %d%% of nginx's requests/s" % (what, db, need * 100),
              "%.0f / %.0f = %.1f%%" % (e["rps"], n["rps"], 100 * e["rps"] / n["rps"]), e["rps"] >= need * n["rps"])
for db in ("demo", "large"):
    for what in ("list", "get"):
        e = R["%s-%s-empact" % (db, what)]
        check("%s, %s: p99 latency < 10 ms" % (what, db), "%.2f ms" % e["p99"], e["p99"] < 10)
for what in ("list", "get", "patch"):
    d, l = R["demo-%s-empact" % what], R["large-%s-empact" % what]
    check("%s: large database within 20%% of demo (requests/s)" % what,
          "%.0f / %.0f = %.1f%%" % (l["rps"], d["rps"], 100 * l["rps"] / d["rps"]), l["rps"] >= 0.8 * d["rps"])
for what, label in (("al-list", "Action Leader list"), ("alu-list", "Action Leader list, 64 unclassified actions")):
    for db in ("demo", "large"):
        a, b = R["%s-%s-empact" % (db, what)], BEFORE_AUTH[db]
        check("%s, %s: within 15%% of the unauthenticated figure (requests/s)" % (label, db),
              "%.0f / %.0f = %.1f%%" % (a["rps"], b[0], 100 * a["rps"] / b[0]), a["rps"] >= 0.85 * b[0])
for db in ("demo", "large"):
    check("resident memory < 64 MiB, %s (VmHWM)" % db, "%.1f MiB" % (vm[db][0] / 1024), vm[db][0] < 64 * 1024)
for db in ("demo", "large"):
    med = statistics.median(hz[db])
    check("/healthz answers < 100 ms after start, %s (median)" % db, "%.1f ms" % med, med < 100)
# correctness of the runs themselves
for name, r in sorted(R.items()):
    bad = r["non2xx"] or r["errors"]
    if "patch" in name:
        bad = bad or r.get("s412", 1) or r.get("sother", 1)
    if bad:
        check("%s: every response 2xx, no socket errors" % name,
              "non-2xx %d; %s" % (r["non2xx"], r["errors"] or "no socket errors"), False)

md = []
w = md.append
w("## HTTP API")
w("")
w("`bench/http.sh` (`make bench` runs it after `bench/run.sh`). wrk, %s threads, %s connections, "
  "%s s warm-up then %s s measured with `--latency`, one request kind at a time, on the same machine "
  "as the servers. empact serves with its default thread count (one per core) and its access "
  "log going to a file; nginx (its own instance, config `bench/out/http/nginx/nginx.conf`: "
  "2 workers, 127.0.0.1 only, `access_log off`, sendfile, open_file_cache, "
  "`application/json; charset=utf-8`) serves, on another port in the same run, the very bytes "
  "empact answered, fetched with curl and compared with `cmp`." % (threads, conns, warmup, duration))
w("")
w("Every request is authenticated with an API token (`Authorization: Bearer`, from `empact user token`; "
  "wrk `-H`, also to nginx so that both get the same request bytes): as an Administrator (demo: the demo "
  "account `admin`; large: `bench-admin`, COMMISSION, restreint_ue, created by the script) for the seeding, "
  "list, get and patch, and as two Action Leaders (DE, restreint_ue) for the same list URL: `bench-al` holds "
  "`action_leader` on the first 64 actions of the Administrator's page, `bench-al-u` on the first 64 actions "
  "of the OAP that are unclassified and not LIMITE. 64 is the most roles an account may hold (`EP_ROLES_MAX`), "
  "so **an Action Leader's page holds 64 actions, not 100**. A response that holds a classified or LIMITE "
  "record is cached like any other, and each read of it queues an audit record that one writer thread appends "
  "in batches every 20 ms (each batch a commit, which also empties every worker's cache); the table below says "
  "which pages hold such records.")
w("")
w("- demo database: `empact init --demo`, plus %s operational actions added to the seed OAP through "
  "the API (each with an Action Leader, 0-2 co-leaders and 2-6 participants)." % demo_actions)
w("- large database: `empact init` + `empact load` of `bench/gen_dataset.py --actions %s` "
  "(20 OAPs of 5,000 actions)." % actions)
w("- list: `GET %s` (demo, %s bytes) and `GET %s` (large, %s bytes); get: `GET %s` (%s bytes) and "
  "`GET %s` (%s bytes); patch: `PATCH /api/v1/actions/{id}` `{\"description\": ...}` (the title until "
  "the adopted plan froze it; the description is full-text indexed as the title is) with the right "
  "`If-Match`, cycling through the first 32 actions of the page (`bench/http_patch.lua` keeps each "
  "action's version from the ETag of its last answer, and never has one action in flight twice; it sends the "
  "`-H` headers of the command line)."
  % (urls["demo"]["list"][0], urls["demo"]["list"][1], urls["large"]["list"][0], urls["large"]["list"][1],
     urls["demo"]["get"][0], urls["demo"]["get"][1], urls["large"]["get"][0], urls["large"]["get"][1]))
w("")
def page_line(db, kind):
    n, sens, size = pages[db][kind]
    return "%s %d actions (%d bytes), %s" % (WHO[kind], n, size, "%d of them classified or LIMITE: cached, "
                                             "every read audited" % sens if sens else "none classified or LIMITE: cached")
if md[-1] == "":
    md.pop()  # one list with the bullets above
w("- the page of the list URL, by caller (each sees what it may read):")
for db in ("demo", "large"):
    w("  - %s: %s." % (db, "; ".join(page_line(db, k) for k in ("list", "al-list", "alu-list"))))
w("")
w("Machine: %s." % "; ".join(machine))
w("")
w("| database | request | caller | server | requests/s | p50 | p99 | requests | empact / nginx | server CPU per request | cores: server / wrk / other | server threads' shares (%) |")
w("|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
for db in ("demo", "large"):
    for what in KINDS:
        for srv in ("empact", "nginx"):
            name = "%s-%s-%s" % (db, what, srv)
            if name not in R:
                continue
            r = R[name]
            ratio = ""
            if srv == "empact" and ("%s-%s-nginx" % (db, what)) in R:
                ratio = "%.1f%%" % (100 * r["rps"] / R["%s-%s-nginx" % (db, what)]["rps"])
            extra = ""
            if "s200" in r:
                extra = " (200: %d, 412: %d, other: %d)" % (r["s200"], r["s412"], r["sother"])
            w("| %s | %s | %s | %s | %.0f | %.2f ms | %.2f ms | %d%s | %s | %.3f ms | %.2f / %.2f / %.2f | %s |" % (
                db, what.replace("al-list", "list").replace("alu-list", "list"), WHO[what] if srv == "empact" else "-",
                srv, r["rps"], r["p50"], r["p99"], r["n"], extra, ratio, r["cpu_req"], r["srv_cores"],
                r["wrk_cores"], r["other_cores"], r["threads"]))
w("")
w("Server CPU per request: the server's user + system CPU time during the measured run (all its threads; "
  "nginx: master and workers) divided by the requests wrk completed. Cores: CPU seconds per second of the "
  "server, of wrk, and of everything else on the machine (%s CPUs) during the run; work of other processes "
  "competes with both servers for the same CPUs, so requests/s and latencies move with it, the CPU per "
  "request much less. Server threads' shares: how the server's CPU time split between its threads (empact: "
  "its libmicrohttpd workers; nginx: its worker processes). libmicrohttpd's workers share one listening socket "
  "and each accepts up to 10 connections in a row, and wrk opens its %s connections at once, so in some runs "
  "most or all of them land on one worker, which then does all the work on one core (a share near 100): "
  "that halves empact's requests/s in that run whatever the database." % (os.cpu_count(), conns))
w("")
cmp_lines = []
for what in ("list", "get", "patch"):
    d, l = R["demo-%s-empact" % what], R["large-%s-empact" % what]
    cmp_lines.append("%s %.3f / %.3f ms = %.0f%%" % (what, l["cpu_req"], d["cpu_req"], 100 * l["cpu_req"] / d["cpu_req"]))
noisy = [n for n in R if R[n]["other_cores"] > 0.25]
if noisy:
    w("**Disturbed runs:** other processes used more than a quarter of a CPU during %s; their requests/s "
      "and latencies are lower than this machine gives when it is otherwise idle." % ", ".join(
          "%s (%.2f cores)" % (n, R[n]["other_cores"]) for n in noisy))
    w("")
w("Server CPU per request, large / demo database (not a target; independent of how the connections "
  "were spread): " + "; ".join(cmp_lines) + ".")
w("")
w("### The list as an Action Leader")
w("")
w("The list benchmark authenticated as an Action Leader with a token, next to the same run's Administrator "
  "and to the figure recorded before authentication existed (anonymous, every read from the cache; "
  "%s). Target: the Action Leader's requests/s within 15%% of that figure. The same-run Administrator "
  "figure separates the cost of authentication, and of what the page holds, from the machine's noise; "
  "so do the server CPU per request, the cores other processes took, and the server threads' shares (100: "
  "one worker did all the work, which about halves the requests/s, see above)."
  % BEFORE_AUTH_WHEN)
w("")
w("| database | caller | page | requests/s | vs before authentication | p99 | server CPU per request | cores: other | server threads' shares (%) |")
w("|---|---|---|---:|---:|---:|---:|---:|---:|")
for db in ("demo", "large"):
    b = BEFORE_AUTH[db]
    w("| %s | anonymous, before authentication (recorded %s) | %d actions, cached | %.0f | 100%% | %.2f ms | %.3f ms | %s | %s |"
      % (db, BEFORE_AUTH_WHEN, b[4], b[0], b[2], b[3], b[5], b[6]))
    for what in ("list", "al-list", "alu-list"):
        r = R["%s-%s-empact" % (db, what)]
        n, sens, _ = pages[db][what]
        w("| %s | %s, token | %d actions, %s | %.0f | %.1f%% | %.2f ms | %.3f ms | %.2f | %s |" % (
            db, WHO[what], n, "%d classified or LIMITE: cached, each read audited" % sens if sens else "cached",
            r["rps"], 100 * r["rps"] / b[0], r["p99"], r["cpu_req"], r["other_cores"], r["threads"]))
w("")
w("empact's memory during the runs (VmHWM at the end of each database's runs; the largest VmRSS "
  "sampled every 100 ms): demo %.1f MiB (VmRSS max %.1f MiB), large %.1f MiB (VmRSS max %.1f MiB)."
  % (vm["demo"][0] / 1024, rss["demo"] / 1024, vm["large"][0] / 1024, rss["large"] / 1024))
w("")
w("`empact serve` from exec to the first 200 from `/healthz` (curl in a tight loop, %s starts each): "
  "demo median %.1f ms (%s), large median %.1f ms (%s)."
  % (reps, statistics.median(hz["demo"]), ", ".join("%.1f" % x for x in hz["demo"]),
     statistics.median(hz["large"]), ", ".join("%.1f" % x for x in hz["large"])))
w("")
w("| target | figure | result |")
w("|---|---|---|")
for t, f, ok in checks:
    w("| %s | %s | %s |" % (t, f, "PASS" if ok else "**FAIL**"))
w("")
w("Commands (the PATCH runs take `-- THREADS ID=VERSION ...`, the versions read just before the run):")
w("")
w("```")
w("bench/http.sh")
for name in sorted(R, key=lambda n: list(R).index(n)):
    w(R[name]["cmd"])
w("# ADMIN_TOKEN: empact user token admin (demo) or bench-admin (large); AL_TOKEN: empact user token bench-al;")
w("# ALU_TOKEN: empact user token bench-al-u")
w("```")
text = "\n".join(md) + "\n"
open(os.path.join(out, "results.md"), "w").write(text)
print(text)

if results != "-":
    # Re-read RESULTS.md right now, replace our own section (or append it), leave the rest alone.
    old = open(results).read() if os.path.exists(results) else "# Benchmark results\n"
    m = re.search(r"^## HTTP API\n.*?(?=^## |\Z)", old, re.M | re.S)
    if m:
        # Text written by hand between the heading and the generated part stays.
        sect = m.group(0)
        i = sect.find("`bench/http.sh` (`make bench` runs it")
        if i > 0:
            text = text.replace("## HTTP API\n\n", "## HTTP API\n" + sect[len("## HTTP API\n"):i], 1)
        new = old[:m.start()] + text + ("\n" if old[m.end():] else "") + old[m.end():]
    else:
        new = old.rstrip("\n") + "\n\n" + text
    tmp = results + ".tmp"
    open(tmp, "w").write(new)
    os.replace(tmp, results)
    print("bench/http.sh: the HTTP API section is in %s" % os.path.relpath(results))
sys.exit(0 if all(ok for _, _, ok in checks) else 1)
PY
