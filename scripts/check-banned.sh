#!/bin/sh
# check-banned.sh [DIR] - fail when C code under DIR (default src) calls a
# banned function: one whose safe use depends on a length it does not take
# (strcpy, sprintf, strcat, gets), that cannot report an error (atoi,
# sscanf's numbers) or that keeps hidden state (strtok).  Use snprintf,
# buf_* (util/buf.h), strtol/strtoull with an end pointer, and cursor
# parsers instead (docs/ARCHITECTURE.md, STYLE.md rule 7).
#
# A call is the name as a whole word followed by "(": snprintf, fgets,
# strtok_r or my_atoi( do not match.  Text in comments counts too, so write
# "strcpy" without the parenthesis when a comment names one.
#
# Exit 0 when clean; 1 naming every file:line that calls one.
set -eu

dir=${1:-src}
banned='strcpy|sprintf|strcat|atoi|strtok|sscanf|gets'

if [ ! -d "$dir" ]; then
	echo "check-banned: no directory $dir" >&2
	exit 2
fi

# A word boundary spelled out for POSIX grep -E: the start of the line or a
# character that cannot be part of an identifier before the name.
hits=$(find "$dir" -type f \( -name '*.c' -o -name '*.h' \) -print0 | LC_ALL=C sort -z |
	xargs -0 -r grep -nHE "(^|[^A-Za-z0-9_])($banned)[[:space:]]*\(" || true)

if [ -n "$hits" ]; then
	printf '%s\n' "$hits" | while IFS= read -r line; do
		fn=$(printf '%s\n' "$line" | cut -d: -f3- |
			grep -oE "(^|[^A-Za-z0-9_])($banned)[[:space:]]*\(" | head -n 1 |
			sed -E "s/^[^A-Za-z_]*//; s/[[:space:]]*\($//")
		echo "$(printf '%s\n' "$line" | cut -d: -f1-2): banned call $fn()" >&2
	done
	echo "check-banned: banned calls found (use snprintf, buf_*, strtol with an end pointer, cursor parsers)" >&2
	exit 1
fi
echo "check-banned: no banned calls in $dir"
