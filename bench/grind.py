#!/usr/bin/python3
"""grind.py - instructions per message of each daemon, and of the Ed25519
work in them, counted by valgrind's callgrind: a measure that other jobs on
a shared host do not move (make bench's CPU figures do), for comparing two
builds.  Both daemons run under callgrind while SMALL and then LARGE
messages (500-byte bodies, as make bench sends) go through them; the
difference of the two runs, divided by LARGE - SMALL, is the cost of one
message without start-up and warm-up.  Ed25519 is what libsodium's
crypto_sign_detached and crypto_sign_verify_detached execute (checkpoint
signatures included).  Under valgrind OpenSSL does not use the CPU's SHA
instructions, so hashing counts for more than it costs on the machine.

Usage: PARLEY_BIN=build bench/grind.py [SMALL LARGE]   (default 200 1200)
"""
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time

# one set of helpers, and one build directory, with bench.py (PARLEY_BIN)
from bench import BIN, agree, cli, free_port, wait_for

ED = ("crypto_sign_detached", "crypto_sign_verify_detached")


def run(n, top):
    """n messages (after one warm-up) through two daemons under callgrind;
    returns the paths of their callgrind files."""
    a, b = os.path.join(top, "a"), os.path.join(top, "b")
    cli("init", "alpha", "--dir", a, "--listen", f"127.0.0.1:{free_port()}")
    cli("init", "bravo", "--dir", b, "--listen", f"127.0.0.1:{free_port()}")
    for me, other in ((a, b), (b, a)):
        card = os.path.join(top, os.path.basename(other) + ".card")
        with open(card, "w") as f:
            f.write(cli("card", "--dir", other))
        fp = cli("fingerprint", card).split("  (")[0]
        cli("peer", "add", card, "--dir", me, "--fingerprint", fp)
    outs = [os.path.join(top, name + ".callgrind") for name in ("alpha", "bravo")]
    procs = [subprocess.Popen(["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out,
                               os.path.join(BIN, "parleyd"), "--dir", d, "--quiet"],
                              stderr=open(out + ".log", "w"))
             for d, out in zip((a, b), outs)]
    try:
        up = lambda d: subprocess.run([os.path.join(BIN, "parley"), "status", "--dir", d],
                                      capture_output=True).returncode == 0
        wait_for(lambda: up(a) and up(b), 300, "the daemons to start")
        agree(top, a, b)    # as bench.py makes it: what flows is what both signed
        s = socket.socket(socket.AF_UNIX)
        s.connect(os.path.join(a, "parleyd.sock"))
        f = s.makefile("r")
        send = lambda reqs: s.sendall("".join(json.dumps(r) + "\n" for r in reqs).encode())
        send([{"op": "send", "peer": "bravo", "link": "urgent", "type": "ping",
               "priority": "routine", "subject": "warm-up", "wait_ms": 600000}])
        f.readline()
        if not json.loads(f.readline()).get("ok"):
            sys.exit("grind: warm-up message not delivered")
        req = {"op": "send", "peer": "bravo", "link": "cert", "type": "indicator",
               "priority": "routine", "subject": "indicator", "body": "x" * 500}
        sent = 0
        while sent < n:
            k = min(250, n - sent)
            send([req] * k)
            for _ in range(k):
                if not json.loads(f.readline()).get("ok"):
                    sys.exit("grind: send refused")
            sent += k
        adb = sqlite3.connect(os.path.join(a, "parley.db"))
        wait_for(lambda: adb.execute("select count(*) from out_queue").fetchone()[0] == 0,
                 1800, "the receipts")
        time.sleep(3)	# the last checkpoints and cosignatures
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            p.wait(timeout=600)
    return outs


def counts(path):
    """Total instructions, and those of the Ed25519 calls (inclusive)."""
    text = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--threshold=100", path],
                          capture_output=True, text=True, check=True).stdout
    total = int(re.search(r"([\d,]+) \(100.0%\)\s+PROGRAM TOTALS", text).group(1)
                .replace(",", ""))
    ed = 0
    for line in text.splitlines():
        m = re.match(r"\s*([\d,]+) \([^)]*\)\s+\S*:(\S+)", line)
        if m and m.group(2) in ED:
            ed += int(m.group(1).replace(",", ""))
    return total, ed


def main():
    small, large = (int(x) for x in sys.argv[1:3]) if len(sys.argv) > 2 else (200, 1200)
    top = tempfile.mkdtemp(prefix="pgrind")
    try:
        got = []
        for n in (small, large):
            d = os.path.join(top, str(n))
            os.mkdir(d)
            got.append([counts(p) for p in run(n, d)])
    finally:
        shutil.rmtree(top, ignore_errors=True)
    print(f"instructions per message (callgrind, {large} - {small} messages, 500-byte bodies)")
    print("| daemon | k instructions/msg | of which Ed25519 | ratio |")
    print("|---|---|---|---|")
    for k, name in enumerate(("alpha (sender)", "bravo (receiver)")):
        (t0, e0), (t1, e1) = got[0][k], got[1][k]
        per, ed = (t1 - t0) / (large - small), (e1 - e0) / (large - small)
        print(f"| {name} | {per / 1e3:.0f} | {ed / 1e3:.0f} | {per / ed:.2f}x |")


if __name__ == "__main__":
    main()
