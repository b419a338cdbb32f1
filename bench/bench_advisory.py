#!/usr/bin/python3
"""bench_advisory.py - vulnerability advisories (issue 17): the CSAF 2.0
validator, and one advisory sent to 10 partners and acknowledged by each,
end to end, with real daemons on loopback.

Part "csaf" (12): bench_csaf (bench/bench_csaf.c) in this build: csaf_read
over every document of $PARLEY_SHARED_DATA/csaf/examples (default
../shared/data; documents made by bench_csaf where it is absent, and the
table says so): median and p99 per document and MB/s; the largest example
(cisco-sa-20180328-smi2.json, 130 KB) alone over >= 200 runs, with
jansson's parse of it beside; the invalid examples refused.

Part "partners" (13): one sender and BENCH_ADVISORY_PARTNERS partner nodes
(default 10), each pinned both ways under an agreement as parley_e2e's
pin() makes them (the draft's cert link lists csaf-advisory), each partner
with a duty officer.  For each of BENCH_ADVISORY_RUNS advisories (default
3; tests/e2e/test_advisory.py's advisory(), a tracking id of its own):
the sender runs `parley advisory import` and `parley advisory send ID
--all`; at each partner a script (a thread) polls `parley desk --json`
every BENCH_ADVISORY_POLL_MS (default 20) and, as soon as the item is
there, runs `parley ack MSG --as OFFICER`; the sender polls `parley
advisory timeline ID --json` until all partners show acknowledged.
Measured from the moment `advisory send` was started (t0, the wall
clock every daemon on this machine shares):
  - send: `parley advisory send --all`'s wall time (every message signed,
    queued and committed with fsync before it answers);
  - received: each partner's signed receipt time as the sender's timeline
    shows it; all: the last of them; spread: last less first;
  - acknowledged: each partner's acknowledgement time as the timeline
    shows it (the officer's signed acknowledgement, carried back);
  - seen: when the sender's poll first saw all acknowledged.
BENCH_PARTS, when set, runs only the parts it lists ("csaf", "partners").
Timings are printed, never asserted.  No sleep synchronises anything:
every wait is on a condition with a deadline.
"""
import datetime
import json
import os
import shutil
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "e2e"))

from parley_e2e import BIN, Node, deadline, short_tmp, wait_for  # noqa: E402

RUNS = int(os.environ.get("BENCH_ADVISORY_RUNS", "3"))
PARTNERS = int(os.environ.get("BENCH_ADVISORY_PARTNERS", "10"))
POLL = int(os.environ.get("BENCH_ADVISORY_POLL_MS", "20")) / 1000
DEADLINE = 120  # seconds for one advisory to be acknowledged by all
DATA = os.environ.get("PARLEY_SHARED_DATA", os.path.join(HERE, "..", "..", "shared", "data"))


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def when(text):
    """Seconds since the epoch of a time as parley prints it (UTC, ms)."""
    for fmt in ("%Y-%m-%dT%H:%M:%S.%fZ", "%Y-%m-%dT%H:%M:%SZ"):
        try:
            d = datetime.datetime.strptime(text, fmt)
            return d.replace(tzinfo=datetime.timezone.utc).timestamp()
        except ValueError:
            pass
    raise AssertionError("a time parley printed that this bench cannot read: %r" % text)


# --- part 12: the validator ---------------------------------------------------

def part_csaf():
    print("\n12. CSAF 2.0 validation: csaf_read per document (bench_csaf, one core)\n")
    exe = os.path.join(BIN, "bench_csaf")
    if not os.path.exists(exe):
        print("  bench_csaf is not in this build (make %s); skipped" % exe)
        return
    r = subprocess.run([exe, os.path.join(DATA, "csaf", "examples")], stdout=subprocess.PIPE,
                       text=True, timeout=1800)
    if r.returncode != 0:
        sys.exit("bench: bench_csaf failed")
    rows = [json.loads(x) for x in r.stdout.splitlines() if x.startswith("{")]
    by = {}
    for x in rows:
        by.setdefault(x["part"], []).append(x)
    s = by["set"][0]
    if s["source"] == "made":
        where = "documents made by bench_csaf (%s absent)" % os.path.normpath(s["dir"])
    else:
        where = "every file of %s" % os.path.normpath(s["dir"])
    print("  documents: %d, %s; %.0f KB in all; %d rounds, each document once per round" % (
        s["docs"], where, s["bytes"] / 1024, s["rounds"]))
    if s["refused"]:
        print("  NOTE: %d of them refused by the validator (see stderr): a validator bug" %
              s["refused"])
    print("\n  %-44s %7s %9s %8s %8s %8s %6s" % ("", "KB", "median us", "p99 us", "min us",
                                                "max us", "MB/s"))
    print("  %-44s %7.1f %9.0f %8.0f %8.0f %8.0f %6.1f" % (
        "every validation of every document", s["bytes"] / 1024 / s["docs"], s["median_us"],
        s["p99_us"], s["min_us"], s["max_us"], s["mbs"]))
    for name in ("large", "parse"):
        x = by[name][0]
        what = ("%s alone, %d runs" % (x["name"], x["runs"]) if name == "large" else
                "  the same, jansson's parse only")
        print("  %-44s %7.1f %9.0f %8.0f %8.0f %8.0f %6.1f" % (
            what, x["bytes"] / 1024, x["median_us"], x["p99_us"], x["min_us"], x["max_us"],
            x["mbs"]))
    for x in by.get("invalid", []):
        print("  %-44s %7s %9.0f %8.0f %8.0f %8.0f" % (
            "the %d invalid examples, each refused" % x["docs"], "", x["median_us"],
            x["p99_us"], x["min_us"], x["max_us"]))
        if x["accepted"]:
            print("  NOTE: %d invalid example(s) accepted (see stderr)" % x["accepted"])
    print("  (KB: the first row's is the mean document; MB/s: bytes over the time of every"
          " validation, for the\n  large document and its parse at the median)")
    print("\n  per document, by size:")
    print("  %-44s %8s %9s %9s %7s" % ("document", "KB", "median us", "p99 us", "MB/s"))
    for x in sorted(by.get("doc", []), key=lambda d: d["bytes"]):
        print("  %-44s %8.1f %9.0f %9.0f %7.1f%s" % (
            x["name"][:44], x["bytes"] / 1024, x["median_us"], x["p99_us"], x["mbs"],
            "" if x["status"] == "ok" else "  REFUSED: " + x["status"]))
    sys.stdout.flush()


# --- part 13: ten partners ----------------------------------------------------

def advisory_present():
    try:
        p = subprocess.run([os.path.join(BIN, "parley"), "advisory", "--help"],
                           capture_output=True, text=True, timeout=30)
    except OSError:
        return False
    return p.returncode == 0


def setup(top):
    """The sender and the partners: pinned both ways, agreements signed by
    both (pin()), started, each partner with a duty officer."""
    s = Node(top, "sender")
    ps = [Node(top, "p%02d" % i) for i in range(1, PARTNERS + 1)]
    for p in ps:
        s.pin(p)
        p.pin(s)
    s.start()
    s.cli("officer", "add", "duty-sender", "--role", "duty")
    for p in ps:
        p.start()
        p.cli("officer", "add", "duty-" + p.name, "--role", "duty")
    return s, ps


class Partner(threading.Thread):
    """A partner's script: poll its desk, acknowledge each received item
    not yet acknowledged, stop once want items are acknowledged or at
    end (monotonic)."""

    def __init__(self, node, want, end):
        super().__init__(daemon=True)
        self.node, self.want, self.end = node, want, end
        self.seen = {}    # msg -> wall time a poll of the desk first showed it
        self.acked = {}   # msg -> wall time the ack command returned
        self.ack_s = []   # each ack command's wall time
        self.polls = 0
        self.error = None

    def run(self):
        try:
            while len(self.acked) < self.want and time.monotonic() < self.end:
                self.polls += 1
                for it in self.node.json("desk"):
                    if it["direction"] == "received" and not it["acknowledged_at"] and \
                            it["id"] not in self.acked:
                        self.seen[it["id"]] = t = time.time()
                        self.node.cli("ack", it["id"], "--as", "duty-" + self.node.name)
                        self.acked[it["id"]] = time.time()
                        self.ack_s.append(self.acked[it["id"]] - t)
                if len(self.acked) < self.want:
                    time.sleep(POLL)   # the poll interval; nothing waits on it
        except Exception as e:  # reported by the main thread
            self.error = e


def one_run(s, ps, r, top):
    from test_advisory import advisory   # tests/e2e: a valid CSAF 2.0 advisory
    tracking = "PARLEY-BENCH-%04d" % (r + 1)
    path = os.path.join(top, "adv-%d.json" % r)
    with open(path, "w") as f:
        json.dump(advisory(tracking=tracking, title="Bench advisory %d" % (r + 1)), f)
    s.cli("advisory", "import", path)
    end = time.monotonic() + deadline(DEADLINE)
    scripts = [Partner(p, 1, end) for p in ps]
    for t in scripts:
        t.start()
    t0 = time.time()
    sent = s.json("advisory", "send", tracking, "--all")
    t_send = time.time() - t0
    assert len(sent["sent"]) == len(ps), sent
    seen = {}

    def partners():
        tl = s.json("advisory", "timeline", tracking)
        return [p for v in tl["versions"] for p in v.get("partners", [])]

    def all_received():
        got = partners()
        if len(got) == len(ps) and all(p["received"] for p in got):
            seen.setdefault("received", time.time())
        if len(got) == len(ps) and all(p["acknowledged"] for p in got):
            seen["acked"] = time.time()
            return got
        return None
    got = wait_for(all_received, DEADLINE, "all %d partners to acknowledge %s" % (
        len(ps), tracking))
    for t in scripts:
        t.join(timeout=deadline(30))
        if t.error:
            raise t.error
    rec = {p["peer"]: when(p["received"]) - t0 for p in got}
    ack = {p["peer"]: when(p["acknowledged"]) - t0 for p in got}
    officers = {p["peer"]: p["officer"] for p in got}
    assert all(officers[p.name] == "duty-" + p.name for p in ps), officers
    desk = {t.node.name: min(t.seen.values()) - t0 for t in scripts}
    return dict(tracking=tracking, send=t_send, rec=rec, ack=ack, desk=desk,
                ack_cmd=[a for t in scripts for a in t.ack_s],
                seen_rec=seen.get("received", seen["acked"]) - t0, seen_ack=seen["acked"] - t0,
                polls=sum(t.polls for t in scripts))


INCIDENT = {
    "observed": "Scanning of SCADA gateways from 203.0.113.7",
    "observed_at": "2026-11-26T08:00:00Z",
    "sector": "energy",
    "systems": "substation gateways",
    "severity": "high",
    "indicators": ["203.0.113.7"],
    "action_requested": "Please confirm whether the source is known to you.",
}


def formal_run(s, ps, r, top):
    """The baseline: the desk's own formal message (an incident-notification
    form on the urgent link, at the advisory's priority) sent to every
    partner with `parley send`, one command per partner, acknowledged by
    the same scripts; the sender's desk polled until all are acknowledged."""
    path = os.path.join(top, "incident-%d.json" % r)
    with open(path, "w") as f:
        json.dump(INCIDENT, f)
    end = time.monotonic() + deadline(DEADLINE)
    scripts = [Partner(p, 1, end) for p in ps]
    for t in scripts:
        t.start()
    t0 = time.time()
    mids = {}
    for p in ps:
        out = s.cli("send", p.name, "--link", "urgent", "--template", "incident-notification",
                    "--form", path, "--priority", "priority", "--as", "duty-sender").stdout
        mids[out.split()[0]] = p.name
    t_send = time.time() - t0
    seen = {}

    def all_acked():
        got = [i for i in s.json("desk") if i["id"] in mids]
        if len(got) == len(ps) and all(i["receipt_at"] for i in got):
            seen.setdefault("received", time.time())
        if len(got) == len(ps) and all(i["acknowledged_at"] for i in got):
            seen["acked"] = time.time()
            return got
        return None
    got = wait_for(all_acked, DEADLINE, "all %d partners to acknowledge the formal message %d"
                   % (len(ps), r + 1))
    for t in scripts:
        t.join(timeout=deadline(30))
        if t.error:
            raise t.error
    return dict(tracking="formal %d" % (r + 1), send=t_send,
                rec={mids[i["id"]]: when(i["receipt_at"]) - t0 for i in got},
                ack={mids[i["id"]]: when(i["acknowledged_at"]) - t0 for i in got},
                desk={t.node.name: min(t.seen.values()) - t0 for t in scripts},
                ack_cmd=[a for t in scripts for a in t.ack_s],
                seen_rec=seen.get("received", seen["acked"]) - t0,
                seen_ack=seen["acked"] - t0, polls=sum(t.polls for t in scripts))


def cli_ms(node, *args, n=15):
    """The median wall ms of a parley command (its process start included)."""
    xs = []
    for _ in range(n):
        t = time.perf_counter()
        node.cli(*args)
        xs.append((time.perf_counter() - t) * 1000)
    return pct(xs, 50)


def part_partners():
    print("\n13. an advisory to %d partners, each acknowledged by a script, end to end\n" %
          PARTNERS)
    if not advisory_present():
        print("  parley advisory is not in this build; skipped")
        return
    top = short_tmp()
    s, ps = None, []
    try:
        t = time.perf_counter()
        s, ps = setup(top)
        made = time.perf_counter() - t
        desk_ms = cli_ms(ps[0], "desk", "--json")
        print("  one sender, %d partners (real parleyd each, loopback), pinned both ways under"
              " agreements signed by both; set up in %.0f s" % (PARTNERS, made))
        print("  each partner's script polls `parley desk --json` every %.0f ms (one call:"
              " %.0f ms median) and runs `parley ack` as soon as the item is there" % (
                  POLL * 1000, desk_ms))
        rows = []
        print("\n  %-18s %7s %8s %8s %8s %8s %8s %8s %8s %7s %7s" % (
            "advisory", "send s", "rec med", "rec all", "rec sprd", "desk med", "ack med",
            "ack all", "ack sprd", "seen s", "ack ms"))
        base = []
        for r in range(RUNS):
            for kind in ("advisory", "formal"):
                if kind == "advisory":
                    x = one_run(s, ps, r, top)
                    rows.append(x)
                else:
                    x = formal_run(s, ps, r, top)
                    base.append(x)
                rec, ack = list(x["rec"].values()), list(x["ack"].values())
                print("  %-18s %7.3f %8.3f %8.3f %8.3f %8.3f %8.3f %8.3f %8.3f %7.3f %7.0f" % (
                    x["tracking"], x["send"], pct(rec, 50), max(rec), max(rec) - min(rec),
                    pct(list(x["desk"].values()), 50), pct(ack, 50), max(ack),
                    max(ack) - min(ack), x["seen_ack"], pct(x["ack_cmd"], 50) * 1000))
                sys.stdout.flush()
        for name, xs in (("advisories", rows), ("formal", base)):
            alls = [max(x["ack"].values()) for x in xs]
            recs = [max(x["rec"].values()) for x in xs]
            print("  %-18s %7.3f %8s %8.3f %8s %8s %8s %8.3f   (medians of the %d)" % (
                name, pct([x["send"] for x in xs], 50), "", pct(recs, 50), "", "", "",
                pct(alls, 50), len(xs)))
        print("  (seconds from the start of `parley advisory send --all`; rec: each"
              " partner's signed receipt, ack: its officer's acknowledgement, both as the"
              " sender's timeline shows them; med: median partner; all: the last; sprd:"
              " last less first; desk: a partner's script first saw the item on its desk;"
              " seen: the sender's poll of its timeline first showed all %d acknowledged;"
              " ack ms: `parley ack`'s wall time, median; formal N: the baseline run"
              " after advisory N, the desk's incident-notification form sent with one"
              " `parley send` per partner, the same scripts acknowledging)" % PARTNERS)
        print("\n  per partner, seconds from the send (advisory by advisory: received /"
              " acknowledged; ack-rec: from the receipt to the acknowledgement, median of the"
              " advisories)")
        print("  %-8s" % "partner" + "".join(" %17s" % ("advisory %d" % (r + 1)) for r in
                                             range(len(rows))) + " %12s" % "ack-rec med")
        for p in ps:
            cells = "".join(" %8.3f/%8.3f" % (x["rec"][p.name], x["ack"][p.name]) for x in rows)
            lag = pct([x["ack"][p.name] - x["rec"][p.name] for x in rows], 50)
            print("  %-8s%s %12.3f" % (p.name, cells, lag))
        print("  (desk polls by the partners' scripts, all runs: %d)" % sum(
            x["polls"] for x in rows + base))
    finally:
        for x in [s] + ps:
            if x:
                x.kill9()
        shutil.rmtree(top, ignore_errors=True)


def main():
    parts = os.environ.get("BENCH_PARTS")
    want = parts.split(",") if parts else ["csaf", "partners"]
    if "csaf" in want:
        part_csaf()
    if "partners" in want:
        part_partners()


if __name__ == "__main__":
    main()
