#!/usr/bin/env bash
# The command line as an administrator uses it: init, the demo data, show, export and load
# round trips, migrate, check-config, help, and the exit codes 0 / 1 / 2.
. "$(dirname "$0")/lib.sh"

db="$T/demo.db"
run --db "$db" init --demo
check "init --demo creates the demo database" 0 "created" "with the demo data"

run --db "$db" init
check "init refuses a database that holds data" 1 "already holds data"

# The 2011-2013 cycle of Council doc 15850/11: 8 priorities and 55 strategic goals.
run --db "$db" show 2011-2013
check "show prints the 2011-2013 cycle" 0 "Cycle 2011-2013" "(8 priorities, 55 strategic goals, 6 shared goals)" \
	"Priority A: West Africa" "Priority H: Cybercrime" "(New psychoactive substances)" \
	"[footnote after \"Western Balkans organised crime\"] Western Balkans organised crime include"
goals=$(grep -c '^      Goal [0-9]' "$T/out")
[ "$goals" -eq 55 ] && ok "show lists each of the 55 goals" || not_ok "show lists each of the 55 goals" "found $goals"

run --db "$db" show 2011-2013/C
check "show prints one priority with Driver and co-driver" 0 "Priority C: Illegal immigration" "Driver: IT" "Co-Drivers: FRONTEX"

run --db "$db" show 2018-2021/3/2018
check "show prints the 2018 OAP with its sections and markings" 0 "Facilitated illegal immigration" \
	"5.1 Planning [RESTREINT UE/EU RESTRICTED]" "(text not held by empact: classified)" "4.3 Information management [public]" \
	"SIENA (Secure Information Exchange Network Application)"

run --db "$db" show
check "show without argument prints everything, documents included" 0 "Cycle 2011-2013" "Cycle 2018-2021" \
	"Document 15850/11" "Document 13874/17 EXT 1"

run --db "$db" show 2011-2013/Z
check "show of an unknown priority" 1 "has no priority 'Z'"
run --db "$db" show 1999-2000
check "show of an unknown cycle" 1 "no cycle '1999-2000'"

# Export, load into an empty database, export again: the same bytes.
run --db "$db" export -o "$T/all.json"
check "export writes the whole database" 0
"$EMPACT_BIN" --db "$T/copy.db" init >/dev/null
run --db "$T/copy.db" load "$T/all.json"
# 55 strategic goals of 15850/11 and the demo goal of the 2018-2021 priority.
check "an export loads into an empty database" 0 "45 organisations" "2 cycles" "56 strategic goals" "3 documents"
"$EMPACT_BIN" --db "$T/copy.db" export -o "$T/again.json"
cmp -s "$T/all.json" "$T/again.json" && ok "load of an export exports the same bytes" || not_ok "load of an export exports the same bytes"

run --db "$db" export --cycle 2011-2013
check "export --cycle writes one cycle" 0 '"label": "2011-2013"' '"code": "UK"'
grep -q '"label": "2018-2021"' "$T/out" && not_ok "export --cycle leaves other cycles out" || ok "export --cycle leaves other cycles out"
grep -q '"code": "SE"' "$T/out" && not_ok "export --cycle keeps only the organisations the cycle names" ||
	ok "export --cycle keeps only the organisations the cycle names"

run --db "$db" export --cycle 1999-2000 -o "$T/none.json"
check "export of an unknown cycle" 1 "no cycle '1999-2000'"
[ ! -e "$T/none.json" ] && ok "a failed export leaves no file" || not_ok "a failed export leaves no file"

EMPACT_DB="$db" run show 2011-2013/A
check "EMPACT_DB chooses the database" 0 "Priority A: West Africa"

run --db "$db" migrate
check "migrate on a current database does nothing" 0 "nothing to do"

run --db "$T/fresh.db" init
check "init without --demo creates an empty database" 0 "created"
run --db "$T/fresh.db" show
check "show on an empty database prints nothing and succeeds" 0

run help
check "help lists the commands" 0 "init" "load" "export" "show" "check-config"
run load --help
check "COMMAND --help explains it" 0 "usage: empact [OPTIONS] load FILE" "all or nothing"
run frobnicate
check "an unknown command is a usage error" 2 "no command 'frobnicate'"
run --db "$db" load
check "load without a file is a usage error" 2 "give one dataset file"
run --db "$db" init --bogus
check "an unknown argument is a usage error" 2 "unknown argument '--bogus'"

run check-config
check "check-config prints the effective settings" 0 "the configuration is valid" "db = empact.db" "max_classification = restreint_ue"
printf '[empact]\ndb = x.db\nmax_classification = top\nthreads = many\nlisten = nowhere\n' >"$T/bad.ini"
run --config "$T/bad.ini" check-config
check "check-config names every bad setting with file and line" 1 "bad.ini:3: max_classification: 'top'" \
	"bad.ini:4: threads: 'many' is not a whole number" "listen: 'nowhere' is not ADDR:PORT" "3 problems"
printf '[empact]\ncolour = blue\n' >"$T/unknown.ini"
run --config "$T/unknown.ini" check-config
check "check-config refuses an unknown setting" 1 "unknown.ini:2: unknown setting 'colour'"
EMPACT_MAX_CLASSIFICATION=secret_ue run check-config
check "environment variables override defaults" 0 "max_classification = secret_ue"
printf '[empact]\nlog_level = debug\n' >"$T/good.ini"
EMPACT_LOG_LEVEL=warn run --config "$T/good.ini" --log-level error check-config
check "flags override the environment, which overrides the file" 0 "log_level = error"
run --db "$db" --max-classification nonsense show
check "a bad flag value stops any command" 1 "--max-classification: max_classification: 'nonsense'"

finish
