#!/usr/bin/env bash
# Installs what empact needs to build and test on Debian 12, and nothing that is already there.
# Idempotent: a second run installs nothing and says so. Runs apt-get as root, or through sudo.
set -euo pipefail

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
)
# End-to-end and browser tests run on Node.js (node --test).
command -v node >/dev/null 2>&1 || packages+=(nodejs)
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

if [ ${#missing[@]} -eq 0 ]; then
	echo "deps: all ${#packages[@]} Debian packages already installed"
	exit 0
fi

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
