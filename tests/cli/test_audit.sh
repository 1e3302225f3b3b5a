#!/usr/bin/env bash
# `empact audit verify` as an administrator runs it: an empty trail is intact, the anchor file
# is checked (by default the database path + .anchor, or --audit-anchor), and usage errors
# exit 2. Tampering with the records themselves is covered by tests/unit/test_audit.c, since no
# command writes audit records yet.
. "$(dirname "$0")/lib.sh"

db="$T/audit.db"
"$EMPACT_BIN" --db "$db" init >/dev/null 2>&1

run --db "$db" audit verify
check "verify on a new database: an empty, intact trail" 0 "audit trail intact: 0 records, 0 anchors checked"

run --db "$db" audit
check "audit without a subcommand is a usage error" 2 "usage: empact audit verify"
run --db "$db" audit check
check "an unknown audit subcommand is a usage error" 2 "no subcommand 'check'"
run --db "$db" audit verify --everything
check "an unknown argument to verify is a usage error" 2 "unknown argument '--everything'"
run audit --help
check "audit --help explains verify" 0 "usage: empact [OPTIONS] audit verify" "anchor file"

run --db "$T/none.db" audit verify
check "verify of a missing database fails" 1 "no database at"

# The default anchor file names a record the trail does not hold: records were removed.
zeros=0000000000000000000000000000000000000000000000000000000000000000
printf '1 %s\n' "$zeros" >"$db.anchor"
run --db "$db" audit verify
check "an anchor past the end of the trail is found in DB.anchor" 1 "record 1 is missing" "records were removed from its end"

# --audit-anchor chooses another file; a malformed line is named.
printf 'not an anchor\n' >"$T/other.anchor"
run --db "$db" --audit-anchor "$T/other.anchor" audit verify
check "--audit-anchor names the anchor file; a malformed line is reported" 1 "line 1 of the anchor file" "other.anchor"

rm -f "$db.anchor"
run --db "$db" audit verify
check "no anchor file and no records: intact" 0 "0 records"

finish
