#!/usr/bin/env bash
# Accounts from the command line: empact user add, role, passwd, disable, enable, token and
# list, every bad input with its exit code (2 usage, 1 refused) and message, and the demo
# accounts and actions of init --demo. Password hashes use the cheap test cost.
. "$(dirname "$0")/lib.sh"
export EMPACT_PASSWORD_COST=test

PW="correct horse battery staple"

# run_in INPUT ARGS...: runs empact with INPUT (and a newline) on standard input.
run_in() {
	local input=$1
	shift
	printf '%s\n' "$input" | "$EMPACT_BIN" "$@" >"$T/out" 2>"$T/err"
	rc=$?
	out=$(cat "$T/out")
	err=$(cat "$T/err")
}

# sql DB QUERY: one value from the database.
sql() {
	sqlite3 "$1" "$2"
}

# ---- init ----
fresh="$T/fresh.db"
run --db "$fresh" init
check "init without --demo creates no accounts and says how to add the first" 0 "empact user add NAME --org CODE" \
	"empact user role NAME admin"
[ "$(sql "$fresh" 'SELECT count(*) FROM users')" = 0 ] && ok "init without --demo: no accounts" ||
	not_ok "init without --demo: no accounts"
run --db "$fresh" user list
check "user list on a database without accounts" 0 "no accounts yet"

db="$T/demo.db"
run --db "$db" init --demo
check "init --demo prints the demo accounts and the demo notice" 0 "with the demo data" \
	"Demo accounts (password: demo-empact-2026). THIS DATABASE IS A DEMO: do not put real data in it." \
	"oathtool --totp -b SECRET" "3 illustrative demo actions"
for u in admin cosi gsc commission est nec-nl driver co-driver action-leader co-action-leader participant observer public; do
	grep -qE "^  $u +" "$T/out" || not_ok "init --demo lists the account $u"
done
ok "init --demo lists one account per role"
grep -qE '^  admin +admin +global +COUNCIL_GSC +restreint_ue +TOTP secret [A-Z2-7]{32}$' "$T/out" &&
	ok "a restreint_ue demo account comes with a TOTP secret" || not_ok "a restreint_ue demo account comes with a TOTP secret"
grep -qE '^  public +public +global +- +unclassified$' "$T/out" &&
	ok "the public demo account has no organisation and no TOTP" || not_ok "the public demo account has no organisation and no TOTP"
grep -qE '^  nec-nl +nec +country:NL +NL ' "$T/out" && ok "the NEC demo account is scoped to NL" ||
	not_ok "the NEC demo account is scoped to NL"
secret=$(sed -nE 's/^  driver .*TOTP secret ([A-Z2-7]+)$/\1/p' "$T/out")
code=$(oathtool --totp -b "$secret" 2>/dev/null)
[[ "$code" =~ ^[0-9]{6}$ ]] && ok "a demo TOTP secret works in oathtool" || not_ok "a demo TOTP secret works in oathtool" "secret '$secret'"
[ "$(sql "$db" "SELECT count(*) FROM users WHERE totp_secret IS NOT NULL")" = 9 ] &&
	ok "the nine demo accounts above unclassified are enrolled in TOTP" || not_ok "the nine demo accounts above unclassified are enrolled in TOTP"
[ "$(sql "$db" "SELECT count(*) FROM users WHERE password_hash LIKE '\$argon2id\$%'")" = 13 ] &&
	ok "every demo account has an Argon2id password hash" || not_ok "every demo account has an Argon2id password hash"
[ "$(sql "$db" "SELECT count(*) FROM actions WHERE title LIKE 'Demo action:%' AND description LIKE '%empact init --demo%'")" = 3 ] &&
	ok "init --demo creates three illustrative actions" || not_ok "init --demo creates three illustrative actions"
[ "$(sql "$db" "SELECT classification || ' ' || marking FROM actions WHERE number = '2.1'")" = "0 1" ] &&
	ok "demo action 2.1 is unclassified and LIMITE" || not_ok "demo action 2.1 is unclassified and LIMITE"
[ "$(sql "$db" "SELECT group_concat(o.code || ':' || p.status, ' ') FROM action_participants p JOIN organisations o ON o.id = p.org_id JOIN actions a ON a.id = p.action_id WHERE a.number = '1.1' ORDER BY p.position")" = "AT:confirmed NL:invited IT:confirmed" ] &&
	ok "demo action 1.1 has its participants with their status" || not_ok "demo action 1.1 has its participants with their status"
[ "$(sql "$db" "SELECT group_concat(o.code || ':' || l.role, ' ') FROM action_leaders l JOIN organisations o ON o.id = l.org_id JOIN actions a ON a.id = l.action_id WHERE a.number = '1.1'")" = "DE:leader FRONTEX:co_leader" ] &&
	ok "demo action 1.1 has its leader and co-leader" || not_ok "demo action 1.1 has its leader and co-leader"

prio=$(sql "$db" "SELECT p.id FROM priorities p JOIN cycles c ON c.id = p.cycle_id WHERE c.label = '2018-2021' AND p.code = '3'")
oap=$(sql "$db" "SELECT id FROM oaps WHERE priority_id = $prio")
action=$(sql "$db" "SELECT id FROM actions WHERE number = '1.1' AND oap_id = $oap")
[ "$(sql "$db" "SELECT r.scope_id FROM user_roles r JOIN users u ON u.id = r.user_id WHERE u.username = 'driver'")" = "$prio" ] &&
	ok "the Driver demo account is scoped to priority 3 of 2018-2021" || not_ok "the Driver demo account is scoped to priority 3 of 2018-2021"

run --db "$db" user list
check "user list shows the demo accounts with their roles" 0 "USER" "nec country:NL" "driver priority:$prio" \
	"participant action:$action"
grep -qE '^public +- +unclassified +active +no +public$' "$T/out" && ok "user list shows an account without organisation" ||
	not_ok "user list shows an account without organisation"

# ---- add ----
run_in "$PW" --db "$db" user add anna --org NL --clearance restreint_ue --name "Anna de Vries" --email anna@example.nl
check "user add creates an account" 0 "created account anna (NL, clearance restreint_ue)"
[ "$(sql "$db" "SELECT display_name || '|' || email || '|' || clearance FROM users WHERE username = 'anna'")" = "Anna de Vries|anna@example.nl|1" ] &&
	ok "user add stores the name, e-mail and clearance" || not_ok "user add stores the name, e-mail and clearance"
sql "$db" "SELECT password_hash FROM users WHERE username = 'anna'" | grep -q '^\$argon2id\$' &&
	ok "the password is stored as an Argon2id hash" || not_ok "the password is stored as an Argon2id hash"
sql "$db" "SELECT count(*) FROM users WHERE password_hash LIKE '%horse%'" | grep -qx 0 &&
	ok "the password itself is not stored" || not_ok "the password itself is not stored"

run_in "$PW" --db "$db" user add bert --org EUROPOL
check "user add defaults to unclassified" 0 "created account bert (EUROPOL, clearance unclassified)"
run_in "$PW" --db "$db" user add anna --org NL
check "a duplicate user is refused" 1 "there is already an account 'anna'"
run_in "$PW" --db "$db" user add carl --org XX
check "an unknown organisation is refused" 1 "no organisation 'XX'"
run_in "$PW" --db "$db" user add carl --org NL --clearance top
check "an unknown clearance is a usage error" 2 "unknown clearance 'top'" "restreint_ue, confidentiel_ue"
run_in "$PW" --db "$db" user add carl --org NL --clearance secret_ue
check "a clearance above max_classification is refused" 1 "clearance secret_ue is above restreint_ue"
run_in "$PW" --db "$db" --max-classification secret_ue user add carl --org NL --clearance secret_ue
check "a clearance up to max_classification is accepted" 0 "created account carl (NL, clearance secret_ue)"
run_in "short" --db "$db" user add dora --org NL
check "a short password is refused" 1 "use at least 12"
run_in "password1234" --db "$db" user add dora --org NL
check "a common password is refused" 1 "commonly used"
run_in "dora-dora-dora" --db "$db" user add dora --org NL
check "a password made of the user name is refused" 1 "user name"
run_in "aaaaaaaaaaaaaaaa" --db "$db" user add dora --org NL
check "a repeated character is refused" 1 "repeated"
"$EMPACT_BIN" --db "$db" user add dora --org NL </dev/null >"$T/out" 2>"$T/err"
rc=$?
check "no password on standard input is refused" 1 "no password"
[ "$(sql "$db" "SELECT count(*) FROM users WHERE username = 'dora'")" = 0 ] &&
	ok "a refused account is not created" || not_ok "a refused account is not created"
run_in "$PW" --db "$db" user add Dora --org NL
check "an upper-case user name is a usage error" 2 "'Dora' is not a user name"
run_in "$PW" --db "$db" user add -dora --org NL
check "a user name starting with a dash is a usage error" 2 "unknown argument '-dora'"
run_in "$PW" --db "$db" user add .dora --org NL
check "a user name starting with a dot is a usage error" 2 "is not a user name"
run_in "$PW" --db "$db" user add "$(printf 'a%.0s' {1..65})" --org NL
check "a user name longer than 64 is a usage error" 2 "is not a user name"
run_in "$PW" --db "$db" user add dora
check "user add without --org is a usage error" 2 "--org CODE"
run_in "$PW" --db "$db" user add dora --org NL --email nowhere
check "a bad e-mail address is a usage error" 2 "'nowhere' is not an e-mail address"
run_in "$PW" --db "$db" user add dora --org NL --frob
check "an unknown flag is a usage error" 2 "unknown argument '--frob'"
run_in "$PW" --db "$db" user add dora --org
check "a flag without its value is a usage error" 2 "--org needs a value"
printf 'long enough pass phrase\r\n' | "$EMPACT_BIN" --db "$db" user add dora.k_9 --org NL >"$T/out" 2>"$T/err"
rc=$?
check "a CRLF line end is not part of the password; dots, underscores and digits in names" 0 "created account dora.k_9"

# ---- role ----
run --db "$db" user role anna admin
check "user role grants a global role" 0 "granted admin (global) to anna"
run --db "$db" user role anna admin
check "granting a role twice is refused" 1 "anna already holds the role admin (global)"
run --db "$db" user role anna admin --scope country:NL
check "a global role takes no scope" 2 "admin is a global role and takes no --scope"
run --db "$db" user role anna king
check "an unknown role is a usage error listing the roles" 2 "unknown role 'king'" "admin, cosi_member, council_secretariat" \
	"participant, observer, public"
run --db "$db" user role anna nec
check "nec needs a country scope" 2 "nec needs --scope country:CC"
run --db "$db" user role anna nec --scope priority:$prio
check "nec refuses another scope kind" 2 "nec takes --scope country:CC"
run --db "$db" user role anna nec --scope planet:1
check "an unknown scope kind is a usage error" 2 "not 'planet:1'"
run --db "$db" user role anna nec --scope country:nl
check "a lower-case country is a usage error" 2 "'nl' is not a country code"
run --db "$db" user role anna nec --scope country:XX
check "a country without a Member State is refused" 1 "no Member State organisation has the country 'XX'"
run --db "$db" user role anna nec --scope country:US
check "a third country is not a Member State" 1 "no Member State organisation has the country 'US'"
run --db "$db" user role anna nec --scope country:NL
check "nec with a Member State country" 0 "granted nec (country:NL) to anna"
run --db "$db" user role anna driver --scope priority:$prio
check "driver with a priority" 0 "granted driver (priority:$prio) to anna"
run --db "$db" user role anna co_driver --scope oap:$oap
check "co_driver with an OAP" 0 "granted co_driver (oap:$oap) to anna"
run --db "$db" user role anna driver --scope priority:987654
check "an unknown priority is refused naming it" 1 "no priority 987654"
run --db "$db" user role anna driver --scope oap:987654
check "an unknown OAP is refused naming it" 1 "no oap 987654"
run --db "$db" user role anna driver --scope action:$action
check "driver refuses an action scope" 2 "driver takes --scope priority:ID or oap:ID"
run --db "$db" user role anna driver --scope priority:abc
check "a scope id that is not a number is a usage error" 2 "'abc' is not the id of a priority"
run --db "$db" user role anna driver --scope priority
check "a scope without id is a usage error" 2 "driver takes --scope priority:ID or oap:ID"
run --db "$db" user role anna action_leader --scope action:$action
check "action_leader with an action" 0 "granted action_leader (action:$action) to anna"
run --db "$db" user role anna participant --scope action:987654
check "an unknown action is refused naming it" 1 "no operational action 987654"
run --db "$db" user role anna co_action_leader
check "co_action_leader needs an action scope" 2 "co_action_leader needs --scope action:ID"
run --db "$db" user role nobody admin
check "a role for an unknown user is refused" 1 "no account 'nobody'"
run --db "$db" user role anna
check "user role without ROLE is a usage error" 2 "give the account's NAME and a ROLE"
run --db "$db" user list
check "user list shows the roles granted" 0 "admin, nec country:NL, driver priority:$prio, co_driver oap:$oap, action_leader action:$action"
run --db "$db" user role anna admin --remove
check "user role --remove withdraws a role" 0 "withdrew admin (global) from anna"
run --db "$db" user role anna admin --remove
check "withdrawing a role not held is refused" 1 "anna does not hold the role admin (global)"
run --db "$db" user role anna nec --scope country:DE --remove
check "withdrawing a role with another scope is refused" 1 "does not hold the role nec (country:DE)"
run --db "$db" user role anna nec --scope country:NL --remove
check "withdrawing a scoped role" 0 "withdrew nec (country:NL) from anna"
run --db "$db" user role anna participant --scope action:987654 --remove
check "withdrawing checks the scope's syntax, not that it still exists" 1 "does not hold the role participant (action:987654)"

# ---- passwd ----
uid=$(sql "$db" "SELECT id FROM users WHERE username = 'anna'")
sql "$db" "INSERT INTO sessions (token_hash, user_id, csrf, state, created_at, seen_at) VALUES (x'01', $uid, 'c', 'full', 1, 1), (x'02', $uid, 'c', 'full', 1, 1)"
before=$(sql "$db" "SELECT password_hash FROM users WHERE username = 'anna'")
run_in "another long pass phrase" --db "$db" user passwd anna
check "user passwd sets a new password" 0 "changed the password of anna and ended its sessions"
[ "$(sql "$db" "SELECT password_hash FROM users WHERE username = 'anna'")" != "$before" ] &&
	ok "user passwd changes the hash" || not_ok "user passwd changes the hash"
[ "$(sql "$db" "SELECT count(*) FROM sessions WHERE user_id = $uid")" = 0 ] &&
	ok "user passwd ends the account's sessions" || not_ok "user passwd ends the account's sessions"
run_in "nl-nl-nl-nl-nl-nl" --db "$db" user passwd anna
check "user passwd applies the policy with the organisation code" 1 "organisation code"
run_in "$PW" --db "$db" user passwd nobody
check "user passwd of an unknown user" 1 "no account 'nobody'"
run_in "$PW" --db "$db" user passwd
check "user passwd without NAME is a usage error" 2 "give the account's NAME"

# ---- disable, enable ----
sql "$db" "INSERT INTO sessions (token_hash, user_id, csrf, state, created_at, seen_at) VALUES (x'03', $uid, 'c', 'full', 1, 1)"
run --db "$db" user disable anna
check "user disable disables the account" 0 "disabled anna"
[ "$(sql "$db" "SELECT disabled FROM users WHERE id = $uid")" = 1 ] && ok "the account is marked disabled" ||
	not_ok "the account is marked disabled"
[ "$(sql "$db" "SELECT count(*) FROM sessions WHERE user_id = $uid")" = 0 ] &&
	ok "user disable ends the account's sessions" || not_ok "user disable ends the account's sessions"
run --db "$db" user list
grep -qE '^anna +NL +restreint_ue +disabled ' "$T/out" && ok "user list shows a disabled account" ||
	not_ok "user list shows a disabled account"
run --db "$db" user token anna
check "no token for a disabled account" 1 "anna is disabled"
run --db "$db" user enable anna
check "user enable enables the account" 0 "enabled anna"
[ "$(sql "$db" "SELECT disabled FROM users WHERE id = $uid")" = 0 ] && ok "the account is marked enabled" ||
	not_ok "the account is marked enabled"
run --db "$db" user disable nobody
check "user disable of an unknown user" 1 "no account 'nobody'"
run --db "$db" user disable anna bert
check "user disable takes one NAME" 2 "unknown argument 'bert'"

# ---- token ----
run --db "$db" user token anna --label "nightly report"
check "user token prints a token and its expiry" 0 "expires" "nightly report"
if [ "$(wc -l <"$T/out")" -eq 1 ] && grep -qE '^ept_[A-Za-z0-9_-]{43}$' "$T/out"; then
	ok "the token is alone on its line on standard output"
else
	not_ok "the token is alone on its line on standard output" "stdout: $out"
fi
token=$out
grep -q "$token" "$T/err" && not_ok "the token is not repeated on standard error" || ok "the token is not repeated on standard error"
days=$(sql "$db" "SELECT (expires_at - created_at) / 86400 FROM api_tokens WHERE name = 'nightly report'")
[ "$days" = 90 ] && ok "a token expires in 90 days by default" || not_ok "a token expires in 90 days by default" "got $days"
hash=$(printf '%s' "$token" | sha256sum | cut -d' ' -f1)
[ "$(sql "$db" "SELECT lower(hex(token_hash)) FROM api_tokens WHERE name = 'nightly report'")" = "$hash" ] &&
	ok "only the SHA-256 of the token is stored" || not_ok "only the SHA-256 of the token is stored"
run --db "$db" user token anna --expires 366
check "a token may last 366 days" 0 "expires"
[ "$(sql "$db" "SELECT (expires_at - created_at) / 86400 FROM api_tokens WHERE name = 'cli'")" = 366 ] &&
	ok "--expires sets the lifetime and the label defaults to cli" || not_ok "--expires sets the lifetime and the label defaults to cli"
run --db "$db" user token anna --expires 0
check "--expires 0 is a usage error" 2 "--expires takes a number of days from 1 to 366, not '0'"
run --db "$db" user token anna --expires 367
check "--expires 367 is a usage error" 2 "not '367'"
run --db "$db" user token anna --expires soon
check "--expires that is not a number is a usage error" 2 "not 'soon'"
run --db "$db" user token anna --label ""
check "an empty label is a usage error" 2 "--label takes 1 to 128 bytes"
run --db "$db" user token nobody
check "user token for an unknown user" 1 "no account 'nobody'"

# ---- the command itself ----
run --db "$db" user
check "user without a subcommand is a usage error" 2 "give a subcommand"
run --db "$db" user frob
check "an unknown subcommand is a usage error" 2 "no subcommand 'frob'"
run user --help
check "user --help explains the subcommands" 0 "empact user add NAME --org CODE" "--scope KIND:ID" "--expires DAYS"
run --db "$T/missing.db" user list
check "user on a missing database fails" 1 "missing.db"

finish
