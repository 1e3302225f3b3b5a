#!/usr/bin/env bash
# Runs every test of empact and sums them up. Each suite prints TAP ("ok N - name" /
# "not ok N - name"): the cmocka unit tests (CMOCKA_MESSAGE_OUTPUT=TAP), the command-line tests
# (tests/cli/*.sh), the end-to-end API tests (tests/e2e/, node --test, when node is installed),
# the browser tests (tests/browser/, when Chromium and the npm test tools are installed; required
# when CI=true) and the fuzz-corpus replays. Unindented result lines are counted, so a suite
# whose tests have subtests counts its top-level tests; "not ok ... # TODO" (a known, marked
# gap) is not a failure. The last line is "N passed, N failed".
# Usage: tests/run.sh BUILD_DIR
set -u
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 1
export EMPACT_BIN="$root/$build/empact"
export CMOCKA_MESSAGE_OUTPUT=TAP
# A library's one-time allocations are not empact's leaks (tests/lsan.supp says which).
export LSAN_OPTIONS="suppressions=$root/tests/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/empact-tests.XXXXXX")
export TMPDIR="$tmp"
trap 'rm -rf "$tmp"' EXIT

passed=0
failed=0
suites_failed=()

run_suite() {
	local name=$1
	shift
	local out rc np nf
	out=$("$@" 2>&1)
	rc=$?
	np=$(printf '%s\n' "$out" | grep -cE '^ok [0-9]+')
	nf=$(printf '%s\n' "$out" | grep -E '^not ok [0-9]+' | grep -cvE '# (TODO|SKIP)')
	# A suite that crashed or exited non-zero without a failing test line counts as one failure.
	if [ "$rc" -ne 0 ] && [ "$nf" -eq 0 ]; then
		nf=1
	fi
	passed=$((passed + np))
	failed=$((failed + nf))
	if [ "$nf" -gt 0 ]; then
		suites_failed+=("$name")
		printf '%s\n' "$out" | grep -vE '^ok [0-9]+' | sed "s|^|  $name: |"
	fi
	printf '%-40s %4d passed, %d failed\n' "$name" "$np" "$nf"
}

for t in "$build"/tests/test_*; do
	[ -x "$t" ] || continue
	run_suite "unit/$(basename "$t")" "$t"
done

for t in tests/cli/test_*.sh; do
	[ -f "$t" ] || continue
	run_suite "cli/$(basename "$t" .sh)" bash "$t"
done

# The API over loopback against the real binary ($EMPACT_BIN); Node's own test runner only.
if command -v node >/dev/null 2>&1; then
	run_suite "e2e/api" node --test --test-reporter=tap tests/e2e/
else
	echo "e2e/api: skipped (node is not installed)"
fi

# The web UI in Debian's headless Chromium, driven by playwright-core (scripts/deps.sh installs
# both). Without them the suite is skipped, except in CI (CI=true), where that is a failure.
browser_missing=()
command -v node >/dev/null 2>&1 || browser_missing+=("node is not installed")
[ -x /usr/bin/chromium ] || browser_missing+=("no /usr/bin/chromium")
[ -d node_modules/playwright-core ] || browser_missing+=("no node_modules/playwright-core")
[ -d node_modules/axe-core ] || browser_missing+=("no node_modules/axe-core")
why=$(printf '%s, ' "${browser_missing[@]}")
why="${why%, }; run scripts/deps.sh"
if [ ${#browser_missing[@]} -eq 0 ]; then
	run_suite "browser" node --test --test-reporter=tap tests/browser/
elif [ "${CI:-}" = "true" ]; then
	echo "browser: cannot run in CI ($why)"
	printf '%-40s %4d passed, %d failed\n' "browser" 0 1
	failed=$((failed + 1))
	suites_failed+=("browser")
else
	echo "browser: skipped ($why)"
fi

if [ -n "${EMPACT_FUZZ_BINS:-}" ]; then
	for f in $EMPACT_FUZZ_BINS; do
		run_suite "fuzz/$(basename "$f")" tests/fuzz/run.sh regress "$f"
	done
fi

if [ ${#suites_failed[@]} -gt 0 ]; then
	echo "failing suites: ${suites_failed[*]}"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
