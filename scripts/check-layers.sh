#!/bin/sh
# check-layers.sh [DIR] - hold the includes of DIR (default src) to the
# layer order of docs/ARCHITECTURE.md.
#
# Every file lives in a layer folder, and every `#include "folder/file.h"`
# names its folder.  A file may include headers of its own folder and of
# lower layers only: not of a higher layer, and not of another folder of
# the same rank (daemon and cli are both at the top; neither includes the
# other).  fmt is pure besides: no I/O, no libevent, no SQLite.
#
# Exit 0 when every include keeps the order; 1 naming each file:line and
# the rule it breaks; 2 on a usage error.
set -eu

# The layers, lowest first: one rank per line, folders of the same rank on
# one line.  This list is the only place the order is written down (the
# Makefile's LIB_LAYERS only says what goes into libparley.a).
#
# Service folders (desk; later: share, advisory, console) slot in above
# link and below api, each on its own line or side by side on one.
# Services call downward only; an upward call (a lower layer telling a
# higher one that something happened) goes through a hook the lower layer
# offers and the higher one registers at start-up (the peer registry's
# hooks, the net layer's route registration), never through an include.
LAYERS='
util
crypto
fmt
store
node
net
log
link
agree
desk intel advisory
console taxii csafpub
api
daemon cli
'

# The pure layers and what they must not include: system headers for I/O,
# the event loop and the database, and util's file I/O.
PURE='fmt'
PURE_SYSTEM='^(event2/|sqlite3\.h$|unistd\.h$|fcntl\.h$|sys/|openssl/(ssl|bio)\.h$)'
PURE_LOCAL='^util/file\.h$'

dir=${1:-src}
if [ ! -d "$dir" ]; then
	echo "check-layers: no directory $dir" >&2
	exit 2
fi
dir=${dir%/}

# folder=rank pairs from LAYERS
ranks=$(printf '%s\n' "$LAYERS" | awk 'NF { for (i = 1; i <= NF; i++) printf "%s=%d ", $i, r; r++ }')

if ! find "$dir" -type f \( -name '*.c' -o -name '*.h' \) -print0 | LC_ALL=C sort -z |
xargs -0 -r awk -v root="$dir" -v ranks="$ranks" -v pure="$PURE" \
    -v pure_sys="$PURE_SYSTEM" -v pure_local="$PURE_LOCAL" '
BEGIN {
	n = split(ranks, pairs, " ")
	for (i = 1; i <= n; i++) {
		split(pairs[i], kv, "=")
		rank[kv[1]] = kv[2] + 0
		order = order (order ? " < " : "") kv[1]
	}
	np = split(pure, p, " ")
	for (i = 1; i <= np; i++)
		is_pure[p[i]] = 1
	bad = 0
}
function fail(msg) {
	printf "%s:%d: %s\n", rel, FNR, msg > "/dev/stderr"
	bad = 1
}
FNR == 1 {
	rel = substr(FILENAME, length(root) + 2)
	own = rel
	if (index(own, "/") == 0) {
		own = ""
		printf "%s: file outside a layer folder (put it in one of: %s)\n", \
		    rel, order > "/dev/stderr"
		bad = 1
	} else {
		sub(/\/.*/, "", own)
		if (!(own in rank)) {
			printf "%s: folder %s is not a layer (add it to LAYERS in scripts/check-layers.sh)\n", \
			    rel, own > "/dev/stderr"
			bad = 1
			own = ""
		}
	}
}
own != "" && /^[ \t]*#[ \t]*include[ \t]*"/ {
	inc = $0
	sub(/^[ \t]*#[ \t]*include[ \t]*"/, "", inc)
	sub(/".*/, "", inc)
	if (index(inc, "/") == 0) {
		fail("#include \"" inc "\" names no folder: write \"LAYER/" inc "\"")
		next
	}
	to = inc
	sub(/\/.*/, "", to)
	if (!(to in rank)) {
		fail("#include \"" inc "\": " to " is not a layer folder")
		next
	}
	if (own in is_pure && inc ~ pure_local)
		fail(own " is pure (no I/O): it must not include \"" inc "\"")
	if (to == own)
		next
	if (rank[to] > rank[own])
		fail("upward include: " own " must not include \"" inc "\" from the higher layer " \
		    to " (" order "); offer a hook in " own " instead")
	else if (rank[to] == rank[own])
		fail("sideways include: " own " and " to " are of the same rank and must not" \
		    " include each other (\"" inc "\")")
	next
}
own in is_pure && /^[ \t]*#[ \t]*include[ \t]*</ {
	inc = $0
	sub(/^[ \t]*#[ \t]*include[ \t]*</, "", inc)
	sub(/>.*/, "", inc)
	if (inc ~ pure_sys)
		fail(own " is pure (no I/O, no libevent, no SQLite): it must not include <" inc ">")
}
END {
	if (bad) {
		print "check-layers: includes break the layer order (docs/ARCHITECTURE.md)" > "/dev/stderr"
		exit 1
	}
}
'; then
	exit 1
fi
echo "check-layers: every include in $dir keeps the layer order"
