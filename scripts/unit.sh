#!/bin/sh
# unit.sh - run each cmocka test binary; fail if any fails.
set -u
fail=0
for t in "$@"; do
	"$t" || { echo "unit: FAILED: $t" >&2; fail=1; }
done
exit $fail
