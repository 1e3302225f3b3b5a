#!/usr/bin/env bash
# `empact load` with bad input: every class of problem gets its own message naming the JSON
# path, exit code 1, and the database is exactly as it was (its export is byte-identical).
. "$(dirname "$0")/lib.sh"

db="$T/base.db"
"$EMPACT_BIN" --db "$db" init >/dev/null
"$EMPACT_BIN" --db "$db" load tests/data/full.json >/dev/null
"$EMPACT_BIN" --db "$db" export -o "$T/before.json"

# bad NAME FILE PATTERN...: loading FILE fails with exit 1, the patterns, and no change.
bad() {
	local name=$1 file=$2
	shift 2
	run --db "$db" load "$file"
	"$EMPACT_BIN" --db "$db" export -o "$T/after.json"
	if ! cmp -s "$T/before.json" "$T/after.json"; then
		not_ok "$name" "the database changed"
		return
	fi
	check "$name" 1 "nothing was loaded" "$@"
}

# A valid small dataset, edited per case with sed or printf.
base='{"format": "empact-dataset/1", "organisations": [{"code": "ZZ", "kind": "member_state", "name": "Zedland", "country": "ZZ"}],
 "cycles": [{"label": "2030-2033", "first_year": 2030, "last_year": 2033, "oap_period_years": 1, "status": "planning",
  "priorities": [{"code": "A", "short_name": "Test", "aim": "Aim text.", "driver": "ZZ", "goals": [{"number": 1, "text": "Goal one."}]}]}],
 "oaps": [{"cycle": "2030-2033", "priority": "A", "first_year": 2030, "title": "OAP", "status": "drafting", "classification": "restreint_ue",
  "actions": [{"number": "1.1", "title": "Action", "leader": "ZZ", "goals": [1]}]}]}'
printf '%s' "$base" >"$T/good.json"

# The good file loads into an empty copy: the cases below differ from it in one way each.
"$EMPACT_BIN" --db "$T/empty.db" init >/dev/null
run --db "$T/empty.db" load "$T/good.json"
check "the reference dataset loads" 0 "1 OAPs" "1 actions"

printf '%s' "${base%?}" >"$T/truncated.json"
bad "malformed JSON names line and column" "$T/truncated.json" "not valid JSON at line" "column"

printf '%s' "$base" | sed 's/"first_year": 2030, "last_year"/"first_year": "2030", "last_year"/' >"$T/type.json"
bad "a wrong type names the field" "$T/type.json" '$.cycles[0].first_year: must be a whole number, not a text'

printf '%s' "$base" | sed 's/"short_name": "Test", //' >"$T/missing.json"
bad "a missing required field" "$T/missing.json" '$.cycles[0].priorities[0].short_name: is required'

printf '%s' "$base" | sed 's/"status": "planning"/"status": "planning", "colour": "red"/' >"$T/unknown.json"
bad "an unknown key" "$T/unknown.json" "\$.cycles[0]: unknown field 'colour'"

printf '%s' "$base" | sed 's/\[{"number": 1, "text": "Goal one."}\]/[{"number": 1, "text": "Goal one."}, {"number": 1, "text": "Again."}]/' >"$T/dupgoal.json"
bad "a duplicate goal number" "$T/dupgoal.json" '$.cycles[0].priorities[0].goals[1].number' "appears more than once"

printf '%s' "$base" | sed 's/"actions": \[{"number": "1.1", "title": "Action", "leader": "ZZ", "goals": \[1\]}\]/"actions": [{"number": "1.1", "title": "A", "leader": "ZZ"}, {"number": "1.1", "title": "B", "leader": "ZZ"}]/' >"$T/dupaction.json"
bad "a duplicate action number" "$T/dupaction.json" '$.oaps[0].actions[1].number' "appears more than once"

printf '%s' "$base" | sed 's/"leader": "ZZ"/"leader": "QQ"/' >"$T/dangling.json"
bad "a dangling reference" "$T/dangling.json" "\$.oaps[0].actions[0].leader: no organisation 'QQ' in the file or the database"

printf '%s' "$base" | sed 's/"goals": \[1\]/"goals": [7]/' >"$T/dangling-goal.json"
bad "a link to a goal the priority does not have" "$T/dangling-goal.json" "has no strategic goal 7"

long=$(head -c 70000 /dev/zero | tr '\0' 'x')
printf '%s' "$base" | sed "s/\"Aim text.\"/\"$long\"/" >"$T/long.json"
bad "an over-long text" "$T/long.json" '$.cycles[0].priorities[0].aim: is 70000 bytes long, more than the 65536 allowed'

printf '%s' "$base" | sed 's/Zedland/Zed\xff\xfeland/' >"$T/utf8.json"
bad "invalid UTF-8" "$T/utf8.json" "not valid JSON" "UTF-8"

printf '%s' "$base" | sed 's/"classification": "restreint_ue"/"classification": "secret_ue"/' >"$T/secret.json"
bad "a classification above the maximum" "$T/secret.json" '$.oaps[0].classification: secret_ue is above restreint_ue'

printf '%s' "$base" | sed 's#empact-dataset/1#empact-dataset/2#' >"$T/newer.json"
bad "a dataset of a newer format" "$T/newer.json" "newer dataset format"

bad "a dataset already in the database" tests/data/full.json "organisation 'NL' already exists in the database" "cycle '2022-2025' already exists"

printf '%s' "$base" | sed 's/"label": "2030-2033"/"label": "2030-2034"/; s/"code": "ZZ", "kind": "member_state", "name": "Zedland", "country": "ZZ"/"code": "zz", "kind": "state", "name": "", "country": "Z"/' >"$T/many.json"
run --db "$db" load "$T/many.json"
problems=$(grep -c '^.*: \$\.' "$T/err")
if [ "$rc" -eq 1 ] && [ "$problems" -ge 5 ]; then ok "every problem is reported, not only the first ($problems)"; else not_ok "every problem is reported" "found $problems problem lines"; fi

run --db "$db" load "$T/does-not-exist.json"
check "a missing file" 1 "cannot open"

run --db "$T/nowhere.db" load "$T/good.json"
check "a missing database" 1 "no database at" "empact init"
[ ! -e "$T/nowhere.db" ] && ok "a missing database is not created by load" || not_ok "a missing database is not created by load"

head -c 4096 /dev/urandom >"$T/corrupt.db"
run --db "$T/corrupt.db" load "$T/good.json"
check "a corrupt database file" 1 "not an empact database"

finish
