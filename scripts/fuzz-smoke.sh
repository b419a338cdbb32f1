#!/bin/sh
# fuzz-smoke.sh SECONDS BIN... - run each libFuzzer target for SECONDS on a
# copy of its seed corpus (fuzz/corpus/NAME); fail if any finds a crash,
# a leak or undefined behaviour.
set -u
secs=$1
shift
top=$(cd "$(dirname "$0")/.." && pwd)
fail=0
for bin in "$@"; do
	name=$(basename "$bin")
	name=${name#fuzz_}
	work=$(mktemp -d)
	[ -d "$top/fuzz/corpus/$name" ] && cp -r "$top/fuzz/corpus/$name/." "$work/"
	if "$bin" -max_total_time="$secs" -max_len=65536 -rss_limit_mb=2048 \
	    -print_final_stats=0 "$work" >"$work.log" 2>&1; then
		echo "fuzz: $name: ok ($(grep -c '' "$work.log") log lines, $(ls "$work" | wc -l) corpus files)"
	else
		echo "fuzz: $name: FAILED" >&2
		tail -n 40 "$work.log" >&2
		fail=1
	fi
	rm -rf "$work" "$work.log"
done
exit $fail
