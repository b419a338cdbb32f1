#!/bin/sh
# demo.sh - the main job of `make run`: two nodes, alpha and bravo, on
# loopback; peered after a fingerprint check; an agreement alpha proposes
# and bravo signs; a sample urgent notification sent under it with its
# receipt shown; then both run until Ctrl-C.
#
# Usage: scripts/demo.sh BUILD_DIR    (PARLEY_DEMO_PORT: first port, default 7401)
set -eu
bin=$(cd "${1:-build}" && pwd)
port=${PARLEY_DEMO_PORT:-7401}
top=$(cd "$(dirname "$0")/.." && pwd)
run=$top/run/demo
parley=$bin/parley

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

pids=
stop() {
	trap - INT TERM EXIT
	[ -n "$pids" ] && kill $pids 2>/dev/null && wait $pids 2>/dev/null
	printf '\nstopped; the nodes are kept in %s\n' "$run"
	exit 0
}
trap stop INT TERM EXIT

if [ -f "$run/alpha/parley.db" ] && [ -f "$run/bravo/parley.db" ] &&
    [ -f "$run/peered" ]; then
	cd "$run"
	say "1-2. The demo nodes of an earlier run are kept in $run (make run-clean starts over)"
	grep -h '"listen"' alpha/parley.json bravo/parley.json
else
	rm -rf "$run"
	mkdir -p "$run"
	cd "$run"

	say "1. Each party creates its node (identity key, TLS certificate, store)"
	$parley init alpha --dir alpha --listen 127.0.0.1:$port
	$parley init bravo --dir bravo --listen 127.0.0.1:$((port + 1))

	say "2. They exchange cards and confirm fingerprints over a second channel"
	$parley card --dir alpha > alpha.card
	$parley card --dir bravo > bravo.card
	echo "alpha reads its fingerprint aloud: $($parley fingerprint --dir alpha)"
	echo "bravo reads its fingerprint aloud: $($parley fingerprint --dir bravo)"
	# the line `parley fingerprint CARD` prints is what peer add takes
	$parley peer add bravo.card --dir alpha --fingerprint "$($parley fingerprint bravo.card)"
	$parley peer add alpha.card --dir bravo --fingerprint "$($parley fingerprint alpha.card)"
	touch peered
fi

say "3. Both start their daemons (logs: $run/*.log)"
"$bin/parleyd" --dir alpha 2> alpha.log &
pids="$!"
"$bin/parleyd" --dir bravo 2> bravo.log &
pids="$pids $!"
deadline=$(( $(date +%s) + 10 ))
until $parley status --dir alpha >/dev/null 2>&1 && $parley status --dir bravo >/dev/null 2>&1; do
	[ "$(date +%s)" -lt "$deadline" ] || { echo "daemons did not start:"; cat alpha.log bravo.log; exit 1; }
	sleep 0.1
done
echo "alpha and bravo are running"

# wait_until CMD... - run CMD until it succeeds, for at most 20 s
wait_until() {
	deadline=$(( $(date +%s) + 20 ))
	until "$@" >/dev/null 2>&1; do
		[ "$(date +%s)" -lt "$deadline" ] || { echo "timed out: $*"; cat alpha.log bravo.log; exit 1; }
		sleep 0.1
	done
}
in_force() { $parley agreement list --dir "$1" | grep -q "in force"; }

if in_force alpha && in_force bravo; then
	say "3b. The agreement of an earlier run is in force"
	$parley agreement list --dir alpha
else
	say "3b. alpha drafts an agreement, signs it and sends it; bravo reads it and countersigns"
	$parley agreement draft bravo --dir alpha \
	    --title "Agreement between alpha and bravo on urgent communications" > agreement.json
	echo "(the draft, to edit before proposing: $run/agreement.json; docs/AGREEMENTS.md)"
	aid=$($parley agreement propose agreement.json --dir alpha | tail -n 1)
	echo "alpha proposed agreement $aid"
	wait_until $parley agreement show "$aid" --dir bravo
	$parley agreement show "$aid" --dir bravo | sed -n 1,12p
	$parley agreement sign "$aid" --dir bravo
	wait_until in_force alpha
	echo "--- alpha: agreements"
	$parley agreement list --dir alpha
fi

say "4. alpha's watch desk sends an urgent notification under it and waits for the receipt"
cat > notice.txt <<'TXT'
Incident of national concern: coordinated scanning of the national power
grid's SCADA gateways from addresses in our space since 03:10 UTC. We are
investigating and ask your CERT to check for the same indicators.
TXT
sent=$($parley send bravo --dir alpha --link urgent --type notification --priority flash \
	--subject "Scanning of grid SCADA gateways" --body notice.txt --wait=10)
printf '%s\n' "$sent"
id=$(printf '%s\n' "$sent" | sed -n 1p)

say "5. What each side holds"
echo "--- alpha: outbox"
$parley outbox --dir alpha
echo "--- bravo: inbox"
$parley inbox --dir bravo
echo "--- bravo: the message, signature checked again"
$parley show "$id" --dir bravo
echo "--- alpha: bravo's signed receipt"
$parley receipt "$id" --dir alpha
echo "--- alpha: link status"
$parley status --dir alpha

say "Both nodes keep running. Try, in another terminal:"
cat <<TXT
  export PARLEY_DIR=$run/alpha
  $parley send bravo --link urgent --type inquiry --priority immediate --subject "Status?" --wait
  $parley status
Press Ctrl-C to stop.
TXT
wait
