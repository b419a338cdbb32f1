#!/bin/sh
# demo.sh - the main job of `make run`: two nodes, alpha and bravo, on
# loopback; peered after a fingerprint check; an agreement alpha proposes
# and bravo signs; a formal incident notification sent under it from a
# template, acknowledged by bravo's duty officer and answered, both desks
# shown; then both run until Ctrl-C.
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

# the duty console of each, on loopback; the officers' demo password
$parley config set console_listen "http://127.0.0.1:$((port + 10))" --dir alpha >/dev/null
$parley config set console_listen "http://127.0.0.1:$((port + 11))" --dir bravo >/dev/null
$parley config set taxii_listen "https://127.0.0.1:$((port + 20))" --dir alpha >/dev/null
$parley config set taxii_listen "https://127.0.0.1:$((port + 21))" --dir bravo >/dev/null
$parley config set csaf_listen "https://127.0.0.1:$((port + 30))" --dir alpha >/dev/null
$parley config set csaf_publisher_name "CERT alpha" --dir alpha >/dev/null
$parley config set csaf_publisher_namespace "https://cert.alpha.example" --dir alpha >/dev/null
printf '%s\n' 'demo taxii pass phrase' > taxii.pw
chmod 600 taxii.pw
for n in alpha bravo; do
	$parley taxii user remove soc --dir $n >/dev/null 2>&1 || true
	$parley taxii user add soc --password-file taxii.pw --read all --write all --dir $n >/dev/null
done
for who in alpha:ana bravo:bob; do
	$parley officer add "${who#*:}" --role duty --dir "${who%%:*}" >/dev/null 2>&1 || true
	echo "demo password 1234" | $parley officer passwd "${who#*:}" --password-stdin \
	    --dir "${who%%:*}" >/dev/null
done

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

say "4. Each desk has its duty officer (added before the daemons started)"
$parley officer list --dir alpha
$parley officer list --dir bravo

say "5. alpha's desk sends a formal incident notification, filled in from its template"
cat > notice.json <<'JSON'
{"observed": "Coordinated scanning of the national power grid's SCADA gateways",
 "observed_at": "2026-11-26T03:10:00Z", "sector": "energy",
 "systems": "SCADA gateways of three transmission operators", "severity": "high",
 "indicators": ["203.0.113.7", "203.0.113.41"],
 "action_requested": "Please check your networks for the same indicators and tell us what you find."}
JSON
if ! sent=$($parley send bravo --dir alpha --link urgent --template incident-notification \
	--form notice.json --priority flash --as ana --wait=10); then
	echo "(an agreement kept from an earlier run may predate templates: make run-clean)"
	exit 1
fi
printf '%s\n' "$sent"
id=$(printf '%s\n' "$sent" | sed -n 1p)

say "6. bravo's desk: the board, the message in French, an officer's acknowledgement, the answer"
$parley desk --dir bravo
$parley show "$id" --dir bravo --lang fr
$parley ack "$id" --as bob --note "Checking our sensors now" --dir bravo
echo '{"answer": "We see the same scanning from 203.0.113.7 since 03:20 UTC; our CERT is in touch with yours."}' |
	$parley reply "$id" --as bob --form - --dir bravo --wait=10
answered() { $parley desk --json --dir alpha | grep -q '"state": "answered"'; }
wait_until answered
echo "--- alpha's desk: delivered, acknowledged by bob, answered, each step signed"
$parley desk --dir alpha

say "7. What each side holds"
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

say "8. alpha's CERT shares STIX 2.1 intelligence with bravo's over the cert link"
cat > sample-bundle.json <<'JSON'
{"type": "bundle", "id": "bundle--6f1b2d0e-3c4a-4b6e-9a1f-0d2c3b4a5e60", "objects": [
 {"type": "identity", "spec_version": "2.1", "id": "identity--1d4c2f6a-7b3e-4c1d-9e2f-3a4b5c6d7e80",
  "created": "2026-11-26T03:30:00.000Z", "modified": "2026-11-26T03:30:00.000Z",
  "name": "CERT alpha", "identity_class": "organization"},
 {"type": "indicator", "spec_version": "2.1", "id": "indicator--5a0c3e1f-2b4d-4f6a-8c9e-1d2f3a4b5c6d",
  "created": "2026-11-26T03:30:00.000Z", "modified": "2026-11-26T03:30:00.000Z",
  "created_by_ref": "identity--1d4c2f6a-7b3e-4c1d-9e2f-3a4b5c6d7e80",
  "name": "SCADA gateway scanner", "pattern": "[ipv4-addr:value = '203.0.113.7']",
  "pattern_type": "stix", "valid_from": "2026-11-26T03:10:00Z",
  "object_marking_refs": ["marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"]},
 {"type": "email-addr", "spec_version": "2.1", "id": "email-addr--0c1d2e3f-4a5b-5c6d-8e7f-9a0b1c2d3e4f",
  "value": "operator@grid.example"}]}
JSON
echo "(the agreement's data section refuses personal data: the e-mail address stays home)"
out=$($parley share sample-bundle.json --to bravo --dir alpha 2>&1) || true
printf '%s\n' "$out"
case $out in
*"queued for bravo"*) ;;
*) echo "(an agreement kept from an earlier run may not list stix-batch: make run-clean)"; exit 1 ;;
esac
shared() { $parley intel list --from alpha --dir bravo | grep -q indicator; }
wait_until shared
echo "--- bravo: what alpha shared (kept as sent, in a collection of its own)"
$parley intel list --from alpha --dir bravo
echo "--- alpha: as it left, and whether it arrived"
$parley intel list --to bravo --dir alpha
echo "--- alpha: both sides hold the same?"
$parley intel reconcile bravo --dir alpha || true

say "9. Each CERT's own tools reach the same objects over TAXII 2.1 (user soc, password in $run/taxii.pw)"
for n in alpha bravo; do
	echo "--- $n: $($parley taxii --dir $n | tr '\n' ' ')"
done
coll=$($parley taxii --json --dir bravo | sed -n 's/.*"discovery": *"\([^"]*\)".*/\1/p')
echo "  e.g.: curl --cacert $run/bravo/server.crt -u soc:'demo taxii pass phrase' \\"
echo "          -H 'Accept: application/taxii+json;version=2.1' ${coll:-https://127.0.0.1:$((port + 21))/taxii2/}api/collections/"
echo "  (bravo's \"from alpha\" collection holds what alpha shared, with parley's origin extension)"

say "10. alpha's CERT tells bravo's of a vulnerability: a CSAF 2.0 advisory, acknowledged by a person"
cat > sample-advisory.json <<'JSON'
{"document": {"category": "csaf_security_advisory", "csaf_version": "2.0",
  "distribution": {"tlp": {"label": "WHITE"}},
  "notes": [{"category": "summary", "title": "Summary",
    "text": "A crafted Modbus request makes the gateway run code of the sender's choosing."}],
  "publisher": {"category": "coordinator", "name": "CERT alpha", "namespace": "https://cert.alpha.example"},
  "references": [{"category": "self", "summary": "This advisory",
    "url": "https://cert.alpha.example/.well-known/csaf/white/2026/alpha-2026-0042.json"}],
  "title": "Remote code execution in the SCADA gateway's Modbus parser",
  "tracking": {"current_release_date": "2026-11-26T06:00:00.000Z", "id": "ALPHA-2026-0042",
    "initial_release_date": "2026-11-26T06:00:00.000Z",
    "revision_history": [{"date": "2026-11-26T06:00:00.000Z", "number": "1", "summary": "Initial version."}],
    "status": "final", "version": "1"}},
 "product_tree": {"full_product_names": [
   {"name": "Example SCADA Gateway 4.2", "product_id": "CSAFPID-0001"},
   {"name": "Example SCADA Gateway 4.3", "product_id": "CSAFPID-0002"}]},
 "vulnerabilities": [{"cve": "CVE-2026-40042", "title": "Heap overflow in the Modbus parser",
   "notes": [{"category": "description", "text": "A length field is trusted."}],
   "product_status": {"known_affected": ["CSAFPID-0001"], "fixed": ["CSAFPID-0002"]},
   "remediations": [{"category": "vendor_fix", "details": "Update to 4.3.", "product_ids": ["CSAFPID-0001"]},
     {"category": "workaround", "details": "Block TCP 502 from outside the plant network.", "product_ids": ["CSAFPID-0001"]}],
   "scores": [{"products": ["CSAFPID-0001"], "cvss_v3": {"version": "3.1",
     "vectorString": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "baseScore": 9.8, "baseSeverity": "CRITICAL"}}]}]}
JSON
$parley advisory validate sample-advisory.json
$parley advisory import sample-advisory.json --dir alpha
out=$($parley advisory send ALPHA-2026-0042 --to bravo --priority immediate --dir alpha 2>&1) || true
printf '%s\n' "$out"
advised=yes
case $out in
*"sent to bravo"*|*"had this version"*) ;;
*) echo "(an agreement kept from an earlier run may not list csaf-advisory: make run-clean)"
   advised= ;;
esac
if [ -n "$advised" ]; then
arrived() { $parley advisory list --from alpha --dir bravo | grep -q ALPHA-2026-0042; }
wait_until arrived
echo "--- bravo: the advisory, as its desk reads it"
$parley advisory show ALPHA-2026-0042 --dir bravo
msg=$($parley advisory timeline ALPHA-2026-0042 --json --dir bravo |
	sed -n 's/.*"msg": *"\([^"]*\)".*/\1/p' | head -1)
$parley ack "$msg" --as bob --note "Gateways patched by noon." --dir bravo >/dev/null 2>&1 || true
acked() { $parley advisory timeline ALPHA-2026-0042 --dir alpha | grep -q "by bob"; }
wait_until acked
echo "--- alpha: when bravo was told, and who acknowledged (each step signed)"
$parley advisory timeline ALPHA-2026-0042 --dir alpha
echo "--- alpha: published for users too, by its CSAF trusted provider (signed with its OpenPGP key)"
$parley advisory publish ALPHA-2026-0042 --dir alpha || true
$parley csaf --dir alpha
meta=$($parley csaf --json --dir alpha | sed -n 's/.*"metadata_url": *"\([^"]*\)".*/\1/p')
echo "  e.g.: curl --cacert $run/alpha/server.crt ${meta:-https://127.0.0.1:$((port + 30))/.well-known/csaf/provider-metadata.json}"
fi

say "The duty consoles (sign in with the demo password: demo password 1234)"
echo "  alpha: http://127.0.0.1:$((port + 10))/  officer ana"
echo "  bravo: http://127.0.0.1:$((port + 11))/  officer bob"
echo "  pages: Board (Tab, Enter, Enter acknowledges the top item), New message, Checks, Peers;"
echo "  the header's Language form switches an officer to French (or: parley officer lang NAME fr)"

say "Both nodes keep running. Try, in another terminal:"
cat <<TXT
  export PARLEY_DIR=$run/alpha
  echo '{"activity": "the scanning", "questions": ["Is it over?"]}' |
      $parley send bravo --link urgent --template inquiry --form - --priority immediate --wait
  $parley desk
  $parley status
Press Ctrl-C to stop.
TXT
wait
