#!/bin/sh
# fuzz-smoke.sh SECONDS BIN... - run each libFuzzer target for SECONDS on a
# copy of its seed corpus (fuzz/corpus/NAME for build-fuzz/fuzz_NAME), so the
# repository's corpus is never modified; print one line per target and exit
# non-zero if any target crashed, leaked or hit undefined behaviour.
#
# The targets are built with -fsanitize=undefined without
# -fno-sanitize-recover, so UBSan would only print and carry on: halt on the
# first report instead, and also treat any "runtime error:" in the log as a
# failure.  A failing input is kept (its path is printed); nothing is written
# into the working directory.
set -u
if [ $# -lt 2 ]; then
	echo "usage: $0 SECONDS BIN..." >&2
	exit 2
fi
secs=$1
shift
top=$(cd "$(dirname "$0")/.." && pwd)
: "${UBSAN_OPTIONS:=halt_on_error=1:print_stacktrace=1}"
: "${ASAN_OPTIONS:=detect_leaks=1}"
export UBSAN_OPTIONS ASAN_OPTIONS
fail=0
count() { find "$1" -type f | wc -l | tr -d ' '; }
for bin in "$@"; do
	name=$(basename "$bin")
	name=${name#fuzz_}
	if [ ! -x "$bin" ]; then
		echo "fuzz: $name: FAILED (no executable $bin)"
		fail=1
		continue
	fi
	work=$(mktemp -d "${TMPDIR:-/tmp}/fuzz-$name.XXXXXX") || exit 1
	mkdir "$work/corpus" "$work/artifacts"
	if [ -d "$top/fuzz/corpus/$name" ]; then
		cp -R "$top/fuzz/corpus/$name/." "$work/corpus/"
	fi
	seeds=$(count "$work/corpus")
	if "$bin" -max_total_time="$secs" -max_len=65536 -rss_limit_mb=2048 \
	    -print_final_stats=1 -artifact_prefix="$work/artifacts/" \
	    "$work/corpus" >"$work/log" 2>&1 &&
	    ! grep -Eq 'runtime error:|ERROR: [A-Za-z]*Sanitizer' "$work/log"; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log")
		echo "fuzz: $name: ok (${runs:-?} runs in ${secs}s, $seeds seeds," \
		    "$(count "$work/corpus") corpus files)"
		rm -rf "$work"
	else
		echo "fuzz: $name: FAILED (log and inputs kept in $work)"
		grep -E -m 5 'runtime error:|ERROR: |SUMMARY: |Test unit written' \
		    "$work/log" >&2
		fail=1
	fi
done
exit $fail
