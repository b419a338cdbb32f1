#!/bin/sh
# deps.sh - install the Debian packages parley needs to build, test and run.
#
# Installs only what is missing, with apt-get; uses sudo when not root.
# Usage: scripts/deps.sh [build|test|all]   (default: all)
set -eu
build="gcc make pkg-config libsodium-dev libssl-dev libevent-dev libsqlite3-dev libjansson-dev libgpgme-dev gnupg tzdata"
test="$build libcmocka-dev python3 python3-pytest python3-requests python3-jwcrypto python3-cryptography python3-jsonschema clang libclang-rt-14-dev cppcheck openssl sqlite3 chromium chromium-driver fonts-dejavu-core python3-selenium"
case "${1:-all}" in
build) want=$build ;;
*)
	want=$test
	# The browser tests take axe-core from the npm registry: any npm will
	# do (one from elsewhere is kept); Debian's only when there is none.
	command -v npm >/dev/null 2>&1 || want="$want npm"
	;;
esac
missing=
for p in $want; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$st" in
	*" installed") ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0
echo "deps: installing:$missing" >&2
sudo=
if [ "$(id -u)" != 0 ]; then
	command -v sudo >/dev/null || { echo "deps: not root and no sudo; install:$missing" >&2; exit 1; }
	sudo=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
