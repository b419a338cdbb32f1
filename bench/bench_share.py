#!/usr/bin/python3
"""bench_share.py - sharing STIX 2.1 between nodes, and the TAXII server
(issue 16), with real daemons on loopback.

Part "share": alpha shares BENCH_SHARE_N objects (default 50,000) of
ATT&CK size with bravo over the cert link.  The objects are MITRE ATT&CK
for ICS 18.1 (../shared/data/attack/ics-attack-18.1.json.xz, 1,826 real
objects; PARLEY_SHARED_DATA to look elsewhere) copied with new ids (type
kept, a new UUID; every reference within a copy follows its object) and,
where an object has one, a new modified; when the file is absent, objects
of the same sizes are made up, and the table says so.  They are written as
bundles of at most 100,000 objects and 60 MB (a document's limit is 64 MB).
Measured, BENCH_SHARE_RUNS times (default 2), each run on a fresh pair:
  - `parley share`'s wall time (read, validate, the agreement's rules, the
    queue committed with fsync), summed over the files;
  - the end-to-end time until every batch is delivered (alpha's
    intel_batch all in state 2, the signed receipts back) and bravo holds
    the N objects in its from: collection: objects/s and MB/s;
  - each daemon's CPU seconds per 1,000 objects, and its peak RSS.

Part "taxii": the TAXII 2.1 server of the receiving node (bravo), when
this build has one (`parley taxii --help` exits 0):
  a. POST ingest into `local`: envelopes of 1,000 objects, BENCH_TAXII_N
     objects in all (default 100,000), until every status is complete;
  b. paging: `local` filled with BENCH_TAXII_PAGE_N objects (default
     1,000,000; rows written into the store in its own schema while the
     daemon is stopped), pages of 100 (`limit=100`) at offsets 0, 10%,
     50%, 90% and the last (reached with `added_after`), and 200
     consecutive pages walked with `next`: p50 / p99 / max per page;
  c. the daemon's RSS after 100k, 500k and the full collection.
Compared with the OASIS reference server (medallion) when it can be
installed, else with the issue's figures for it on this machine kind.
BENCH_PARTS, when set, runs only the parts it lists ("share", "taxii").
Timings are printed, never asserted.
"""
import datetime
import hashlib
import json
import lzma
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "e2e"))

from parley_e2e import BIN, Node, free_port, peek, short_tmp, wait_for  # noqa: E402

SHARE_N = int(os.environ.get("BENCH_SHARE_N", "50000"))
SHARE_RUNS = int(os.environ.get("BENCH_SHARE_RUNS", "2"))
PERF = os.environ.get("BENCH_SHARE_PERF")  # a directory: perf record both daemons in run 1
TAXII_N = int(os.environ.get("BENCH_TAXII_N", "100000"))
PAGE_N = int(os.environ.get("BENCH_TAXII_PAGE_N", "1000000"))
TAXII_TLS = os.environ.get("BENCH_TAXII_TLS", "") == "1"
DATA = os.environ.get("PARLEY_SHARED_DATA", os.path.join(HERE, "..", "..", "shared", "data"))
ATTACK = os.path.join(DATA, "attack", "ics-attack-18.1.json.xz")
FILE_OBJECTS = 100000
FILE_BYTES = 60 << 20
TAXII_MT = "application/taxii+json;version=2.1"
PASSWORD = "bench taxii password 1234"
# the OASIS TLP markings keep their ids (their meaning is their id)
KEEP = {"marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",
        "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
        "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82",
        "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed",
        "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
        "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
        "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
        "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
        "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"}
ID_RX = re.compile(r"\b([a-z0-9][a-z0-9-]*)--([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-"
                   r"[0-9a-f]{4}-[0-9a-f]{12})\b")


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


# --- the objects -------------------------------------------------------------

def seed_objects():
    """(objects, where from): ATT&CK for ICS, or made-up objects of its sizes."""
    if os.path.exists(ATTACK):
        with lzma.open(ATTACK, "rt") as f:
            return json.load(f)["objects"], "ATT&CK for ICS 18.1 (%s)" % os.path.basename(ATTACK)
    rnd = random.Random(16)
    out = []
    # sizes of ATT&CK for ICS 18.1's objects, compact JSON: roughly
    # log-normal around 1 KB, a tail to 20 KB (relationships small, techniques big)
    for i in range(1826):
        size = int(min(20000, max(300, rnd.lognormvariate(6.9, 0.8))))
        kind = rnd.choice(["attack-pattern", "relationship", "malware", "course-of-action"])
        o = {"type": kind, "spec_version": "2.1", "id": "%s--%s" % (kind, uuid.uuid4()),
             "created": "2024-01-01T00:00:00.000Z", "modified": "2024-01-01T00:00:00.000Z"}
        if kind == "relationship":
            o.update(relationship_type="uses", source_ref="malware--%s" % uuid.uuid4(),
                     target_ref="attack-pattern--%s" % uuid.uuid4())
        else:
            o["name"] = "synthetic %d" % i
        if kind == "malware":
            o["is_family"] = True
        o["description"] = "x" * max(0, size - len(json.dumps(o)) - 20)
        out.append(o)
    return out, "made-up objects of ATT&CK's sizes (%s absent)" % ATTACK


def copies(seed, n, salt):
    """n distinct objects (compact JSON text each) made from seed: each
    copy renames every id it holds (its references follow) and sets a new
    modified where there is one."""
    texts = [(json.dumps(o, separators=(",", ":"), ensure_ascii=False), "modified" in o)
             for o in seed]
    mod = re.compile(r'"modified":"[^"]*"')
    out = []
    k = 0
    while len(out) < n:
        k += 1
        ids = {}

        def rename(m):
            old = m.group(0)
            if old in KEEP:
                return old
            new = ids.get(old)
            if new is None:
                new = ids[old] = "%s--%s" % (m.group(1), uuid.uuid4())
            return new
        stamp = '"modified":"2026-11-27T%02d:%02d:%02d.%03dZ"' % (
            salt % 24, k // 3600 % 60, k // 60 % 60, k % 60)
        for t, has in texts:
            t = ID_RX.sub(rename, t)
            if has:
                t = mod.sub(stamp, t, count=1)
            out.append(t)
            if len(out) == n:
                break
    return out


def write_bundles(top, name, texts):
    """Bundle files of <= FILE_OBJECTS objects and <= FILE_BYTES bytes."""
    paths, cur, size = [], [], 0

    def flush():
        path = os.path.join(top, "%s-%d.json" % (name, len(paths)))
        with open(path, "w") as f:
            f.write('{"type":"bundle","id":"bundle--%s","objects":[' % uuid.uuid4())
            f.write(",".join(cur))
            f.write("]}")
        paths.append(path)
    for t in texts:
        if cur and (len(cur) == FILE_OBJECTS or size + len(t) + 200 > FILE_BYTES):
            flush()
            cur, size = [], 0
        cur.append(t)
        size += len(t) + 1
    if cur:
        flush()
    return paths


# --- part 1: alpha shares with bravo ---------------------------------------

def cert_pair(top):
    a, b = Node(top, "alpha"), Node(top, "bravo")
    a.pin(b)
    b.pin(a)
    a.start()
    b.start()
    return a, b


def share_file(a, path):
    p = subprocess.run([os.path.join(BIN, "parley"), "share", path, "--to", "bravo",
                        "--dir", a.dir], capture_output=True, text=True, timeout=1200)
    assert p.returncode == 0, p.stdout[-2000:] + p.stderr
    return p.stdout.strip().splitlines()[-1]


def perf_start(nodes, tag="share-"):
    """perf record -g of each node (call graphs by frame pointers and DWARF
    are both poor in -O2 code: -g takes what there is), or []."""
    if not PERF or not shutil.which("perf"):
        return []
    os.makedirs(PERF, exist_ok=True)
    procs = []
    for x in nodes:
        out = os.path.join(PERF, tag + x.name + ".perf.data")
        procs.append(subprocess.Popen(["perf", "record", "-q", "-e", "cpu-clock", "-g", "-o", out,
                                       "-p", str(x.proc.pid)], stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL))
    # perf is attached once its output file has a header
    outs = [os.path.join(PERF, tag + x.name + ".perf.data") for x in nodes]
    wait_for(lambda: all(os.path.exists(o) and os.path.getsize(o) > 0 for o in outs), 20,
             "perf to attach")
    return procs


def perf_stop(procs):
    for p in procs:
        p.send_signal(2)
        p.wait(timeout=120)


def share_run(texts, paths, nbytes, profile=False):
    top = short_tmp()
    a = b = None
    try:
        a, b = cert_pair(top)
        n = len(texts)
        profs = perf_start([a, b]) if profile else []
        cpu0 = (a.cpu_seconds(), b.cpu_seconds())
        t0 = time.perf_counter()
        for p in paths:
            share_file(a, p)
        t_share = time.perf_counter() - t0
        cpu_s = (a.cpu_seconds(), b.cpu_seconds())
        batches = -(-n // 1000)
        first = [None]

        def progress():
            if first[0] is None and peek(a, "SELECT count(*) FROM intel_batch WHERE state = 2"):
                first[0] = time.perf_counter()
            return peek(a, "SELECT count(*) FROM intel_batch WHERE state = 2") >= batches and \
                peek(b, "SELECT count(*) FROM intel_obj WHERE collection LIKE 'from:%'") >= n
        wait_for(progress, 1800, "every batch delivered and bravo holding %d objects" % n)
        t_end = time.perf_counter() - t0
        cpu1 = (a.cpu_seconds(), b.cpu_seconds())
        perf_stop(profs)
        got = peek(b, "SELECT count(*) FROM intel_obj WHERE collection LIKE 'from:%'")
        nb = peek(a, "SELECT count(*) FROM intel_batch")
        return dict(n=n, got=got, batches=nb, t_share=t_share, t_end=t_end,
                    t_first=(first[0] - t0) if first[0] else float("nan"),
                    rate=n / t_end, mbs=nbytes / t_end / 1e6,
                    cpu_a=(cpu1[0] - cpu0[0]) / n * 1000, cpu_b=(cpu1[1] - cpu0[1]) / n * 1000,
                    cpu_as=(cpu_s[0] - cpu0[0]) / n * 1000, cpu_bs=(cpu_s[1] - cpu0[1]) / n * 1000,
                    rss_a=a.proc_status("VmHWM") / 1024, rss_b=b.proc_status("VmHWM") / 1024,
                    db_a=os.path.getsize(os.path.join(a.dir, "parley.db")) / 1e6,
                    db_b=os.path.getsize(os.path.join(b.dir, "parley.db")) / 1e6)
    finally:
        for x in (a, b):
            if x:
                x.kill9()
        shutil.rmtree(top, ignore_errors=True)


def part_share():
    seed, where = seed_objects()
    top = short_tmp()
    try:
        t = time.perf_counter()
        texts = copies(seed, SHARE_N, 1)
        paths = write_bundles(top, "share", texts)
        nbytes = sum(len(x.encode()) for x in texts)
        made = time.perf_counter() - t
        print("\n9. sharing STIX 2.1: alpha -> bravo over the cert link, durable end to end\n")
        print("  objects: %d copies of %s" % (SHARE_N, where))
        print("  %.1f MB of objects (compact JSON, %.0f B each on average), in %d file(s);"
              " made in %.1f s" % (nbytes / 1e6, nbytes / SHARE_N, len(paths), made))
        print("\n  %-5s %9s %8s %8s %9s %8s %7s %9s %9s %8s %8s" % (
            "run", "objects", "share s", "first s", "e2e s", "obj/s", "MB/s",
            "A cpu/1k", "B cpu/1k", "A RSS MB", "B RSS MB"))
        rows = []
        for r in range(SHARE_RUNS):
            x = share_run(texts, paths, nbytes, profile=(r == 0))
            rows.append(x)
            print("  %-5d %9d %8.1f %8.1f %9.1f %8.0f %7.2f %9.3f %9.3f %8.0f %8.0f" % (
                r + 1, x["n"], x["t_share"], x["t_first"], x["t_end"], x["rate"], x["mbs"],
                x["cpu_a"], x["cpu_b"], x["rss_a"], x["rss_b"]))
            sys.stdout.flush()
        print("  goal: >= 50,000 objects/s end to end")
        print("\n  CPU ms per 1,000 objects    while `parley share` ran   after, until delivered")
        for r, x in enumerate(rows):
            print("  run %d  alpha (sender)      %18.0f   %20.0f" % (
                r + 1, x["cpu_as"] * 1000, (x["cpu_a"] - x["cpu_as"]) * 1000))
            print("  run %d  bravo (receiver)    %18.0f   %20.0f" % (
                r + 1, x["cpu_bs"] * 1000, (x["cpu_b"] - x["cpu_bs"]) * 1000))
        print("  (share s: `parley share` over the files, answered once the queue is"
              " committed; first s: the first batch delivered; e2e s: every batch"
              " delivered at alpha and all %d objects held at bravo; cpu/1k: CPU"
              " seconds of each daemon per 1,000 objects; RSS: peak, VmHWM; stores"
              " at the end: alpha %.0f MB, bravo %.0f MB; %d batches)" % (
                  SHARE_N, rows[-1]["db_a"], rows[-1]["db_b"], rows[-1]["batches"]))
    finally:
        shutil.rmtree(top, ignore_errors=True)


# --- part 2: the TAXII server ----------------------------------------------

def taxii_present():
    try:
        p = subprocess.run([os.path.join(BIN, "parley"), "taxii", "--help"],
                           capture_output=True, text=True, timeout=30)
    except OSError:
        return False
    return p.returncode == 0


class Taxii:
    """A TAXII 2.1 client of one node's server (HTTP Basic, one session)."""

    def __init__(self, url, user, password, verify):
        import requests
        self.url = url
        self.s = requests.Session()
        self.s.trust_env = False
        self.s.auth = (user, password)
        self.s.verify = verify
        self.s.headers["Accept"] = TAXII_MT

    def get(self, path, **params):
        r = self.s.get(self.url + path, params=params, timeout=120)
        assert r.status_code == 200, (path, r.status_code, r.text[:500])
        return r.json()

    def collection(self, title):
        for c in self.get("/taxii2/api/collections/").get("collections", []):
            if c.get("title") == title:
                return c["id"]
        raise AssertionError("no collection titled %r" % title)

    def post(self, cid, body):
        r = self.s.post(self.url + "/taxii2/api/collections/%s/objects/" % cid, data=body,
                        headers={"Content-Type": TAXII_MT}, timeout=300)
        assert r.status_code == 202, (r.status_code, r.text[:500])
        return r.json()

    def status(self, sid):
        return self.get("/taxii2/api/status/%s/" % sid)

    def page(self, cid, **params):
        """One GET of the objects endpoint: (ms to the last byte, envelope,
        ms to the answer's headers)."""
        t = time.perf_counter()
        r = self.s.get(self.url + "/taxii2/api/collections/%s/objects/" % cid,
                       params=params, timeout=120)
        ms = (time.perf_counter() - t) * 1000
        assert r.status_code == 200, (r.status_code, r.text[:500])
        return ms, r.json(), r.elapsed.total_seconds() * 1000


def taxii_node(top):
    """bravo alone, its TAXII server on loopback, a user reading and writing all."""
    b = Node(top, "bravo")
    port = free_port()
    scheme = "https" if TAXII_TLS else "http"
    url = "%s://127.0.0.1:%d" % (scheme, port)
    b.cli("config", "set", "taxii_listen", url)
    pw = os.path.join(top, "taxii.pw")
    with open(pw, "w") as f:
        f.write(PASSWORD + "\n")
    b.cli("taxii", "user", "add", "bench", "--password-file", pw, "--read", "all",
          "--write", "all")
    if TAXII_TLS:
        # DIR/server.crt is the node's own; a bench on loopback checks nothing
        import urllib3
        urllib3.disable_warnings()
    return b, url, False


def ingest(t, cid, texts, node=None, rss=None):
    """POST texts in envelopes of 1,000; rss: {objects posted: VmRSS MB}
    sampled at each tenth of the way."""
    envs = [('{"objects":[%s]}' % ",".join(texts[i:i + 1000])).encode()
            for i in range(0, len(texts), 1000)]
    t0 = time.perf_counter()
    sids, each = [], []
    for i, e in enumerate(envs):
        t1 = time.perf_counter()
        st = t.post(cid, e)
        each.append(time.perf_counter() - t1)
        sids.append(st["id"])
        if node and rss is not None and (i + 1) % max(1, len(envs) // 10) == 0:
            rss[min(len(texts), (i + 1) * 1000)] = node.proc_status("VmRSS") / 1024
    t_posted = time.perf_counter() - t0
    ok = fail = 0
    for sid in sids:
        st = wait_for(lambda: (lambda s: s if s.get("status") == "complete" else None)(
            t.status(sid)), 600, "status %s complete" % sid)
        ok += st.get("success_count", 0)
        fail += st.get("failure_count", 0)
    tenth = max(1, len(each) // 10)
    ends = (1000 * tenth / sum(each[:tenth]), 1000 * tenth / sum(each[-tenth:]))
    return time.perf_counter() - t0, t_posted, ok, fail, ends


def fill_local(b, template, upto, have):
    """Rows of `local` (bravo stopped) from have to upto, copies of the rows
    template gives (the store's own schema: hash the SHA-256 of the JSON,
    current, added_ms increasing with ties of three)."""
    db = sqlite3.connect(os.path.join(b.dir, "parley.db"))
    db.execute("PRAGMA synchronous=OFF")
    base = db.execute("SELECT max(added_ms) FROM intel_obj WHERE collection = 'local'"
                      ).fetchone()[0] or int(time.time() * 1000)
    cols = ("collection, origin, id, type, modified, version_ms, tlp, revoked, json, hash,"
            " conflict, current, added_ms, batch, leaf")
    sql = "INSERT INTO intel_obj(%s) VALUES (%s)" % (cols, ",".join("?" * 15))
    rows = []
    for i in range(have, upto):
        typ, oid, modified, vms, tlp, revoked, js = template[i % len(template)]
        new = "%s--%s" % (typ, uuid.uuid4())
        js = js.replace(oid.encode(), new.encode(), 1)
        rows.append(("local", 0, new, typ, modified, vms, tlp, revoked, js,
                     hashlib.sha256(js).digest(), 0, 1, base + 1 + (i - have) // 3, "", 0))
        if len(rows) == 20000:
            db.executemany(sql, rows)
            rows = []
    db.executemany(sql, rows)
    db.commit()
    db.close()


def added_at(b, k):
    """The TAXII added_after timestamp just before the k-th object of local."""
    ms = peek(b, "SELECT added_ms FROM intel_obj WHERE collection = 'local'"
                 " ORDER BY added_ms, seq LIMIT 1 OFFSET %d" % k)
    d = datetime.datetime.fromtimestamp((ms - 1) / 1000, datetime.timezone.utc)
    return d.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (d.microsecond // 1000)


def paging(t, cid, b, n, reqs=200):
    """Pages of 100 at offsets 0, 10%, 50%, 90%, last: reqs/5 each, and
    200 pages walked with next from the start."""
    rows, heads = [], []
    each = max(1, reqs // 5)
    for name, k in (("0", 0), ("10%", n // 10), ("50%", n // 2), ("90%", n * 9 // 10),
                    ("last", max(0, n - 100))):
        after = added_at(b, k) if k else None
        xs = []
        for _ in range(each):
            ms, env, hd = t.page(cid, limit=100, **({"added_after": after} if after else {}))
            heads.append(hd)
            assert len(env.get("objects", [])) == 100 or name == "last", \
                "a page of %d at offset %s" % (len(env.get("objects", [])), name)
            xs.append(ms)
        rows.append(("offset %s" % name + (" (added_after)" if after else ""), xs))
    walk = []
    params = {"limit": 100}
    for _ in range(200):
        ms, env, hd = t.page(cid, **params)
        walk.append(ms)
        heads.append(hd)
        if not env.get("more"):
            break
        params = {"limit": 100, "next": env["next"]}
    rows.append(("200 pages walked with next", walk))
    return rows, heads


def medallion():
    try:
        p = subprocess.run(["apt-cache", "policy", "python3-medallion"], capture_output=True,
                           text=True, timeout=60)
        out = p.stdout
    except OSError:
        out = ""
    if "Candidate:" in out and "(none)" not in out:
        return "python3-medallion has a candidate: install it to run it side by side"
    return ("cannot be installed here (Debian has no python3-medallion; PyPI is not"
            " reachable from this machine)")


def warm(t, cid):
    """The first request after a start: the Basic password's Argon2id (then
    cached by the server), apart from the pages: ms."""
    return t.page(cid, limit=1)[0]


def part_taxii():
    print("\n10. the TAXII 2.1 server (one node's)\n")
    if not taxii_present():
        print("taxii: the TAXII server is not in this build; skipped")
        return
    seed, where = seed_objects()
    top = short_tmp()
    b = None
    try:
        b, url, verify = taxii_node(top)
        b.start()
        t = Taxii(url, "bench", PASSWORD, verify)
        t0 = time.perf_counter()
        cid = t.collection("local")
        first_ms = (time.perf_counter() - t0) * 1000
        texts = copies(seed, TAXII_N, 2)
        nbytes = sum(len(x.encode()) for x in texts)
        profs = perf_start([b], "taxii-post-")
        cpu0 = b.cpu_seconds()
        rss_in = {}
        secs, posted, ok, fail, ends = ingest(t, cid, texts, b, rss_in)
        cpu = b.cpu_seconds() - cpu0
        perf_stop(profs)
        print("  a. POST ingest into local: %d objects of %s (%.1f MB), envelopes of 1,000,"
              " one client, %s" % (TAXII_N, where, nbytes / 1e6, url.split(":")[0]))
        print("\n  %-40s %9s %9s %9s %10s %9s" % ("", "seconds", "obj/s", "MB/s", "cpu/1k",
                                               "RSS MB"))
        print("  %-40s %9.1f %9.0f %9.2f %10.3f %9.0f   goal >= 20,000 obj/s" % (
            "posted, every status complete", secs, TAXII_N / secs, nbytes / secs / 1e6,
            cpu / TAXII_N * 1000, b.proc_status("VmHWM") / 1024))
        print("  %-40s %9.1f %9.0f" % ("the POSTs alone (202 answers)", posted, TAXII_N / posted))
        print("  %-40s %9s %9.0f" % ("the POSTs of the first tenth", "", ends[0]))
        print("  %-40s %9s %9.0f" % ("the POSTs of the last tenth", "", ends[1]))
        print("  RSS (VmRSS, MB) as local grew by POST, one daemon: " +
              ", ".join("%dk %.0f" % (k // 1000, v) for k, v in sorted(rss_in.items())))
        print("  (statuses: %d objects succeeded, %d failed; the first request, with the"
              " Basic password's Argon2id before the server caches it: %.0f ms)" % (
                  ok, fail, first_ms))
        sys.stdout.flush()

        # b, c: paging in a growing collection
        template = sqlite3.connect(f"file:{b.dir}/parley.db?mode=ro", uri=True).execute(
            "SELECT type, id, modified, version_ms, tlp, revoked, json FROM intel_obj"
            " WHERE collection = 'local' AND current = 1 LIMIT 2000").fetchall()
        have = peek(b, "SELECT count(*) FROM intel_obj WHERE collection = 'local'")
        stages = sorted({s for s in (100000, 500000, PAGE_N) if s <= PAGE_N})
        print("\n  b, c. pages of 100 from local as it grows (rows written into the store,"
              " bravo stopped)")
        print("\n  %-10s %-34s %6s %8s %8s %8s %9s" % ("objects", "page", "reqs", "p50 ms",
                                                   "p99 ms", "max ms", "RSS MB"))
        for s in stages:
            if s > have:
                b.stop()
                t_fill = time.perf_counter()
                fill_local(b, template, s, have)
                t_fill = time.perf_counter() - t_fill
                have_was, have = have, s
                b.start()
                print("  (%d rows written in %.0f s; first request after the start, its"
                      " Basic password's Argon2id: %.0f ms)" % (s - have_was, t_fill,
                                                                 warm(t, cid)))
            rows, heads = paging(t, cid, b, have)
            rss = b.proc_status("VmRSS") / 1024
            allx = [x for _, xs in rows for x in xs]
            for name, xs in rows:
                print("  %-10d %-34s %6d %8.1f %8.1f %8.1f" % (have, name, len(xs), pct(xs, 50),
                                                               pct(xs, 99), max(xs)))
            print("  %-10d %-34s %6d %8.1f %8.1f %8.1f %9.0f   goal p99 <= 10 ms" % (
                have, "all of the above", len(allx), pct(allx, 50), pct(allx, 99), max(allx),
                rss))
            print("  %-10d %-34s %6d %8.1f %8.1f %8.1f" % (
                have, "  the same, to the answer's headers", len(heads), pct(heads, 50),
                pct(heads, 99), max(heads)))
            sys.stdout.flush()
        print("  (RSS: VmRSS after the stage's requests; store %.0f MB at the end)" %
              (os.path.getsize(os.path.join(b.dir, "parley.db")) / 1e6))
        print("\n  medallion, the OASIS reference server: %s;" % medallion())
        print("  the issue's figures for it on this machine kind: 3,651 objects/s posted,"
              " 141 s for the first page of 100 from a 5,000-object collection")
    finally:
        if b:
            b.kill9()
        shutil.rmtree(top, ignore_errors=True)


def main():
    parts = os.environ.get("BENCH_PARTS")
    want = parts.split(",") if parts else ["share", "taxii"]
    if "share" in want:
        part_share()
    if "taxii" in want:
        part_taxii()


if __name__ == "__main__":
    main()
