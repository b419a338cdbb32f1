#!/bin/sh
# check-layers-test.sh - the checks that guard src/ must catch what they
# are for: check-layers.sh and check-banned.sh run on small trees in a temp
# directory, one clean and one per broken rule; each broken tree must fail,
# naming the file:line.  Run by `make lint`.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
failed=0

# tree NAME - a small clean tree in $tmp/NAME: fmt and daemon include lower
# layers, util includes itself.
tree() {
	t="$tmp/$1"
	mkdir -p "$t/util" "$t/fmt" "$t/cli" "$t/daemon"
	printf '#include <stddef.h>\n' > "$t/util/buf.h"
	printf '#include "util/buf.h"\n' > "$t/util/buf.c"
	printf '#include <jansson.h>\n#include "util/buf.h"\n' > "$t/fmt/card.c"
	printf '#include "fmt/card.h"\n#include "util/buf.h"\n' > "$t/daemon/parleyd.c"
	printf '#include "fmt/card.h"\n\nint\nmain(void)\n{\n\treturn 0;\n}\n' > "$t/cli/parley.c"
	echo "$t"
}

# expect SCRIPT NAME WANT_RC PATTERN - run SCRIPT on tree NAME; it must exit
# WANT_RC and, when PATTERN is set, say PATTERN on stderr.
expect() {
	rc=0
	"$here/$1" "$tmp/$2" >"$tmp/out" 2>"$tmp/err" || rc=$?
	if [ "$rc" -ne "$3" ]; then
		echo "check-layers-test: $1 on $2: exit $rc, want $3" >&2
		cat "$tmp/err" >&2
		failed=1
	elif [ -n "$4" ] && ! grep -q -- "$4" "$tmp/err"; then
		echo "check-layers-test: $1 on $2: no '$4' in:" >&2
		cat "$tmp/err" >&2
		failed=1
	fi
}

tree clean >/dev/null
expect check-layers.sh clean 0 ''
expect check-banned.sh clean 0 ''

t=$(tree upward)
printf '#include <stddef.h>\n#include "fmt/card.h"\n' > "$t/util/buf.c"
expect check-layers.sh upward 1 'util/buf.c:2: upward include'

t=$(tree sideways)
printf '#include "util/buf.h"\n#include "daemon/parleyd.h"\n' >> "$t/cli/parley.c"
expect check-layers.sh sideways 1 'cli/parley.c:9: sideways include'

t=$(tree nofolder)
printf '#include "buf.h"\n' > "$t/fmt/card.c"
expect check-layers.sh nofolder 1 'fmt/card.c:1: #include "buf.h" names no folder'

t=$(tree unknown)
mkdir -p "$t/misc"
printf '#include "util/buf.h"\n' > "$t/misc/x.c"
expect check-layers.sh unknown 1 'misc/x.c: folder misc is not a layer'
t=$(tree unknown-inc)
printf '#include "misc/x.h"\n' > "$t/util/buf.c"
expect check-layers.sh unknown-inc 1 'util/buf.c:1: #include "misc/x.h": misc is not a layer'

t=$(tree impure)
printf '#include <sqlite3.h>\n#include "util/file.h"\n' >> "$t/fmt/card.c"
expect check-layers.sh impure 1 'fmt/card.c:3: fmt is pure'
expect check-layers.sh impure 1 'fmt/card.c:4: fmt is pure'

t=$(tree banned)
printf 'void\nf(char *d)\n{\n\tsnprintf(d, 2, "x");\n\tfgets(d, 2, stdin);\n' > "$t/util/buf.c"
printf '\tsprintf (d, "x");\n\t(void)atoi(d);\n}\n' >> "$t/util/buf.c"
expect check-banned.sh banned 1 'util/buf.c:6: banned call sprintf()'
expect check-banned.sh banned 1 'util/buf.c:7: banned call atoi()'
if grep -q 'buf.c:[45]:' "$tmp/err"; then
	echo "check-layers-test: check-banned.sh flagged snprintf or fgets" >&2
	failed=1
fi

if [ "$failed" -ne 0 ]; then
	echo "check-layers-test: FAILED" >&2
	exit 1
fi
echo "check-layers-test: the layer and banned-call checks catch every broken tree"
