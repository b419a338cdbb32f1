#!/usr/bin/python3
"""bench_csafpub.py - the CSAF trusted provider (issue 17) with a real
daemon on loopback.

One node (alpha) serves the provider on loopback HTTP.  BENCH_CSAF_N small
valid CSAF 2.0 documents (default 10,000; TLP:WHITE, three years of
initial releases, shuffled current release dates) are written into its
store as the advisory service keeps them (rows of its schema, while the
daemon is stopped: the import path is measured by the advisory benchmarks,
not here), then published one by one through the local API as `parley
advisory publish` does.  Measured:
  - publish: the time per advisory (hashes, the detached OpenPGP signature
    by gpg through GPGME, the commit with fsync, the listings changed);
  - with all of them published: p50 / p99 / max of GET index.txt,
    changes.csv, the ROLIE feed and provider-metadata.json, BENCH_CSAF_GETS
    requests each (default 200) on one keep-alive connection, the first
    after a change included once (a listing is joined on the first request
    after a change);
  - the first request of each listing right after one more publication.
Timings are printed, never asserted.
"""
import datetime
import hashlib
import json
import os
import random
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time

import requests

HERE = os.path.dirname(os.path.abspath(__file__))
BIN = os.environ.get("PARLEY_BIN", os.path.join(HERE, "..", "build"))
N = int(os.environ.get("BENCH_CSAF_N", "10000"))
GETS = int(os.environ.get("BENCH_CSAF_GETS", "200"))
ROOT = "/.well-known/csaf/"


def parley(*args):
    return subprocess.run([os.path.join(BIN, "parley"), *map(str, args)], check=True,
                          capture_output=True, text=True, timeout=120)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(len(xs) * p / 100))]


def iso(ms):
    return datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ")


def document(i, rnd):
    initial = 1672531200000 + (i % 3) * 31536000000 + rnd.randrange(0, 300) * 86400000
    current = initial + rnd.randrange(0, 60) * 86400000
    tracking = "PARLEY-BENCH-%05d" % i
    return tracking, initial, current, json.dumps({"document": {
        "category": "csaf_base", "csaf_version": "2.0",
        "distribution": {"tlp": {"label": "WHITE"}},
        "publisher": {"category": "coordinator", "name": "parley bench CERT",
                      "namespace": "https://cert.example.org"},
        "title": "Benchmark advisory %d" % i,
        "tracking": {"current_release_date": iso(current), "id": tracking,
                     "initial_release_date": iso(initial),
                     "revision_history": [{"date": iso(initial), "number": "1",
                                           "summary": "Initial version."}],
                     "status": "final", "version": "1"}}}).encode()


class Api:
    """The local API, one request at a time on one connection."""

    def __init__(self, d):
        self.s = socket.socket(socket.AF_UNIX)
        self.s.connect(os.path.join(d, "parleyd.sock"))
        self.f = self.s.makefile("r")

    def ask(self, req):
        self.s.sendall((json.dumps(req) + "\n").encode())
        return json.loads(self.f.readline())


def main():
    top = tempfile.mkdtemp(prefix="bcsaf", dir="/tmp")
    d = os.path.join(top, "alpha")
    proc = None
    try:
        parley("init", "alpha", "--dir", d, "--listen", "127.0.0.1:%d" % free_port())
        url = "http://127.0.0.1:%d" % free_port()
        parley("config", "set", "csaf_listen", url, "--dir", d)
        rnd = random.Random(17)
        db = sqlite3.connect(os.path.join(d, "parley.db"))
        with db:
            for i in range(N):
                tracking, initial, current, doc = document(i, rnd)
                db.execute(
                    "INSERT INTO advisory(origin, ns, tracking, version, title, status, tlp,"
                    " publisher, initial_ms, current_ms, added_ms, msg, doc, sha256)"
                    " VALUES (0, 'https://cert.example.org', ?, '1', ?, 'final', 'WHITE',"
                    " 'parley bench CERT', ?, ?, ?, '', ?, ?)",
                    (tracking, "Benchmark advisory %d" % i, initial, current,
                     int(time.time() * 1000), doc, hashlib.sha256(doc).digest()))
        db.close()
        proc = subprocess.Popen([os.path.join(BIN, "parleyd"), "--dir", d],
                                stderr=open(os.path.join(top, "alpha.log"), "w"))
        end = time.monotonic() + 30
        while not os.path.exists(os.path.join(d, "parleyd.sock")):
            if time.monotonic() > end or proc.poll() is not None:
                sys.exit("bench_csafpub: parleyd did not start")
            time.sleep(0.05)
        api = Api(d)
        st = api.ask({"op": "csaf_status"})
        if not st.get("ok"):
            sys.exit("bench_csafpub: no CSAF provider: %s" % st)
        pub = []
        t0 = time.monotonic()
        for i in range(N):
            t = time.monotonic()
            r = api.ask({"op": "csaf_publish", "id": "PARLEY-BENCH-%05d" % i})
            pub.append(time.monotonic() - t)
            if not r.get("ok"):
                sys.exit("bench_csafpub: publish %d: %s" % (i, r))
        total = time.monotonic() - t0
        s = requests.Session()
        s.trust_env = False

        def timed(path):
            t = time.monotonic()
            r = s.get(url + path, timeout=60)
            dt = time.monotonic() - t
            assert r.status_code == 200, (path, r.status_code)
            return dt, len(r.content)

        paths = (("index.txt", ROOT + "white/index.txt"),
                 ("changes.csv", ROOT + "white/changes.csv"),
                 ("ROLIE feed", ROOT + "white/csaf-feed-tlp-white.json"),
                 ("provider-metadata.json", ROOT + "provider-metadata.json"))
        rows = []
        for name, path in paths:
            xs, size = [], 0
            for _ in range(GETS):
                dt, size = timed(path)
                xs.append(dt)
            rows.append((name, size, xs))
        # the first request of each listing after one more publication
        first = []
        for k, (name, path) in enumerate(paths[:3]):
            r = api.ask({"op": "csaf_unpublish", "id": "PARLEY-BENCH-%05d" % k})
            r = api.ask({"op": "csaf_publish", "id": "PARLEY-BENCH-%05d" % k})
            assert r.get("ok"), r
            first.append((name, timed(path)[0]))
        rss = 0
        with open("/proc/%d/status" % proc.pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1]) / 1024
        print("\n11. CSAF trusted provider: %d advisories published (TLP:WHITE), loopback"
              " HTTP\n" % N)
        print("  publish, per advisory (hashes, OpenPGP signature by gpg, commit with fsync,"
              " listings changed):")
        print("    mean %.1f ms   p50 %.1f ms   p99 %.1f ms   max %.1f ms   (%d in %.1f s)" % (
            1000 * total / N, 1000 * pct(pub, 50), 1000 * pct(pub, 99), 1000 * max(pub), N,
            total))
        print("\n  %-24s %10s %9s %9s %9s   (%d GETs each, keep-alive)" % (
            "GET", "bytes", "p50 ms", "p99 ms", "max ms", GETS))
        for name, size, xs in rows:
            print("  %-24s %10d %9.2f %9.2f %9.2f" % (name, size, 1000 * pct(xs, 50),
                                                     1000 * pct(xs, 99), 1000 * max(xs)))
        print("\n  first GET after a publication (the listing joined again):")
        for name, dt in first:
            print("    %-22s %9.2f ms" % (name, 1000 * dt))
        print("\n  parleyd RSS with %d published: %.0f MB" % (N, rss))
    finally:
        if proc and proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=60)
        shutil.rmtree(top, ignore_errors=True)


if __name__ == "__main__":
    main()
