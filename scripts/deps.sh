#!/usr/bin/env bash
# Installs what empact needs to build and test on Debian 12, and nothing that is already there:
# the Debian packages, then the npm test tools of package-lock.json (playwright-core, which
# drives Debian's /usr/bin/chromium and downloads no browser, and axe-core) into node_modules/.
# Idempotent: a second run installs nothing and says so. Runs apt-get as root, or through sudo.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

# Debian packages the build, the tests, the fuzzers and the benchmarks use.
packages=(
	build-essential pkg-config
	libsqlite3-dev sqlite3
	libjansson-dev
	libinih-dev
	libsodium-dev
	libmicrohttpd-dev
	liboath-dev libqrencode-dev oathtool
	libcmark-dev
	libcairo2-dev libpango1.0-dev libzip-dev libxlsxwriter-dev fonts-dejavu-core fonts-liberation2
	qpdf poppler-utils libreoffice-writer-nogui libreoffice-calc-nogui unzip python3
	libcmocka-dev
	clang libclang-rt-14-dev
	chromium
)
# End-to-end and browser tests run on Node.js (node --test); npm installs the browser tests' tools.
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)
# The benchmarks compare against nginx serving the same bytes, loaded by wrk.
if [ "${1:-}" = "--bench" ]; then
	packages+=(wrk nginx-light time)
fi

missing=()
for p in "${packages[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done

# Debian packages.
if [ ${#missing[@]} -eq 0 ]; then
	echo "deps: all ${#packages[@]} Debian packages already installed"
else
	if [ "$(id -u)" -eq 0 ]; then
		sudo=()
	elif command -v sudo >/dev/null 2>&1; then
		sudo=(sudo)
	else
		echo "deps: missing ${missing[*]}, and neither root nor sudo is available to install them" >&2
		exit 1
	fi
	echo "deps: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	"${sudo[@]}" apt-get update -qq
	"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
	echo "deps: installed ${#missing[@]} package(s)"
fi

# npm test tools, exactly as package-lock.json pins them, when one is missing or the lock file
# changed since the last install (npm ci writes node_modules/.package-lock.json). No install
# scripts run: neither package needs one, and nothing may fetch a browser.
cd "$root"
if [ -d node_modules/playwright-core ] && [ -d node_modules/axe-core ] &&
	[ -f node_modules/.package-lock.json ] && ! [ package-lock.json -nt node_modules/.package-lock.json ]; then
	echo "deps: npm test tools already installed"
else
	PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent --ignore-scripts
	echo "deps: installed npm test tools"
fi
