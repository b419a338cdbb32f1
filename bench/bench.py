#!/usr/bin/python3
"""bench.py - parley's benchmarks: two real daemons on loopback.

Prints tables:
  1. urgent round trip (send -> durable at peer -> receipt durable at sender)
     for N single messages, one at a time: p50 / p99 / max;
  2. sustained signed messages per second over one link for S seconds, with
     a producer that keeps the sender's queue non-empty; then where the
     machine's CPU went meanwhile and how fast the machine was (it is shared
     and virtualised: compare runs only with that in view);
  2b. over the same sustained interval, per daemon: bytes written to disk
     per message delivered (write_bytes of /proc/PID/io: what the kernel
     wrote back, in 4 KiB pages, for the process; wchar, what it asked
     write() for, beside it), CPU per message, and the reference cost of the
     Ed25519 work each side must do per message (one sign and one verify:
     the sender signs the message and verifies its receipt, the receiver
     verifies the message and signs the receipt; bench_log.c, libsodium,
     timed once the daemons have drained their backlog);
     where write_bytes reads 0 (a filesystem that does not account it), the
     growth of the store's files and the fsyncs counted by strace on a
     short run instead, labelled as such;
  3. resident memory of each daemon: idle, and peak;
  4. the cosigned log (bench_log.c), with the daemons stopped:
     evidence-bundle verification (a bundle made by `parley evidence`); appends
     in batches with a checkpoint per batch (messages with their log
     entries, then the log alone) up to BENCH_LOG_SIZE entries; inclusion
     and consistency proofs produced and verified at that size.

Environment: PARLEY_BIN (build dir), BENCH_RTT_N (default 1000),
BENCH_SECONDS (default 30), BENCH_LOG_SIZE (default 1000000),
BENCH_STRACE (set: also count fsyncs with strace, as when write_bytes is 0),
BENCH_PERF (a directory: record each daemon with
`perf record -g` during the sustained run, into alpha.data and bravo.data).
Timings are printed, never asserted.
"""
import ctypes
import ctypes.util
import json
import os
import platform
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time

BIN = os.environ.get("PARLEY_BIN", os.path.join(os.path.dirname(__file__), "..", "build"))
RTT_N = int(os.environ.get("BENCH_RTT_N", "1000"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "30"))
PERF = os.environ.get("BENCH_PERF")
STRACE = bool(os.environ.get("BENCH_STRACE"))
GOAL_KB = (6, 4)	# bytes written per message: sender, receiver (issue)
GOAL_CPU = 1.5		# CPU per message against its Ed25519 work
LOG_SIZE = int(os.environ.get("BENCH_LOG_SIZE", "1000000"))
LOG_MESSAGES = min(100000, LOG_SIZE)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def cli(*args):
    return subprocess.run([os.path.join(BIN, "parley"), *args], check=True,
                          capture_output=True, text=True).stdout


def wait_for(pred, timeout, what):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return
        time.sleep(0.02)
    sys.exit(f"bench: timed out waiting for {what}")


class Api:
    def __init__(self, d):
        self.s = socket.socket(socket.AF_UNIX)
        self.s.connect(os.path.join(d, "parleyd.sock"))
        self.f = self.s.makefile("r")

    def send_many(self, reqs):
        self.s.sendall("".join(json.dumps(r) + "\n" for r in reqs).encode())

    def recv(self):
        return json.loads(self.f.readline())


def mem_kb(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def cpu_s(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def proc_io(pid):
    """/proc/PID/io of a daemon (all its threads) as a dict."""
    with open(f"/proc/{pid}/io") as f:
        return {k: int(v) for k, v in (line.split(":") for line in f)}


def store_bytes(d):
    """Bytes of the store's files (db, WAL, shared memory) in node dir d."""
    return sum(os.path.getsize(p) for p in (os.path.join(d, "parley.db" + x)
                                             for x in ("", "-wal", "-shm"))
               if os.path.exists(p))


def strace_syncs(pids, seconds):
    """fsync + fdatasync calls of each process over `seconds`, counted by
    `strace -c -f` attached meanwhile (it slows them: counts, not timings)."""
    if not shutil.which("strace"):
        return None
    out = tempfile.mkdtemp(prefix="pstrace")
    runs = [subprocess.Popen(["strace", "-c", "-f", "-e", "trace=fsync,fdatasync",
                              "-o", os.path.join(out, str(p)), "-p", str(p)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for p in pids]
    time.sleep(seconds)
    counts = []
    for r, p in zip(runs, pids):
        r.send_signal(signal.SIGINT)
        r.wait()
        n = 0
        try:
            with open(os.path.join(out, str(p))) as f:
                for line in f:
                    w = line.split()
                    if w and w[-1] in ("fsync", "fdatasync"):
                        n += int(w[3])
        except (OSError, ValueError, IndexError):
            n = None
        counts.append(n)
    shutil.rmtree(out, ignore_errors=True)
    return counts


def jws_lens(d):
    """Mean signing-input bytes of the delivered messages and of their
    receipts in node d's outbox (a compact JWS less its '.' and signature)."""
    db = sqlite3.connect(f"file:{os.path.join(d, 'parley.db')}?mode=ro", uri=True)
    if db.execute("pragma user_version").fetchone()[0] < 4:
        m, r = db.execute("select avg(length(jws)), avg(length(receipt)) from outbox"
                          " where state = 1 and link = 'cert'").fetchone()
        db.close()
        return int(m - 87), int(r - 87)
    # schema 4 keeps a receipt as its fields, a message's JWS as the bytes of
    # its segments: their lengths, as rebuilt
    def b64(n):
        return n // 3 * 4 + (n % 3 + 1 if n % 3 else 0)

    def jwslen(v):
        if not isinstance(v, bytes):
            return len(v)
        h, p = int.from_bytes(v[:4], "big"), int.from_bytes(v[4:8], "big")
        return b64(h) + 1 + b64(p) + 1 + b64(len(v) - 8 - h - p)

    db.create_function("b64", 1, b64, deterministic=True)
    db.create_function("jwslen", 1, jwslen, deterministic=True)
    m, r = db.execute(
        "select avg(jwslen(o.jws)), avg(coalesce(length(d.receipt), "
        "b64(length('{\"alg\":\"EdDSA\",\"kid\":\"\",\"typ\":\"parley-receipt\"}')"
        " + length(p.kid)) + 1 + b64(length('{\"v\":1,\"id\":\"\",\"msg\":\"\","
        "\"msg_sha256\":\"\",\"from\":\"\",\"to\":\"\",\"link\":\"\",\"seq\":,"
        "\"received_at\":\"\"}') + length(d.rcpt_id) + length(o.id) + 64"
        " + length(p.kid) + length(d.rcpt_kid) + length(o.link) + length(o.seq) + 24)"
        " + 87)) from outbox o join out_done d on d.rid = o.rid"
        " join peers p on p.id = o.peer_id where d.state = 1 and o.link = 'cert'"
        ).fetchone()
    db.close()
    return int(m - 87), int(r - 87)


def machine_s():
    """CPU seconds the whole machine spent busy, and stolen by the hypervisor."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    tick = os.sysconf("SC_CLK_TCK")
    # user nice system idle iowait irq softirq steal
    return (v[0] + v[1] + v[2] + v[5] + v[6]) / tick, v[7] / tick


def self_s():
    t = os.times()
    return t.user + t.system


def verify_us():
    """Microseconds per Ed25519 verify of 1,200 bytes (libsodium, hot loop): how
    fast the (shared, virtualised) machine is right now; None without libsodium."""
    try:
        lib = ctypes.CDLL(ctypes.util.find_library("sodium") or "libsodium.so.23")
    except OSError:
        return None
    if lib.sodium_init() < 0:
        return None
    pk, sk, sig = (ctypes.create_string_buffer(n) for n in (32, 64, 64))
    m, mlen = b"x" * 1200, ctypes.c_ulonglong(1200)
    lib.crypto_sign_keypair(pk, sk)
    lib.crypto_sign_detached(sig, None, m, mlen, sk)
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < 0.3:
        if lib.crypto_sign_verify_detached(sig, m, mlen, pk) != 0:
            return None
        n += 1
    return (time.perf_counter() - t0) / n * 1e6


def bench_log(*args):
    """Run bench_log; its result lines (JSON) as a list."""
    r = subprocess.run([os.path.join(BIN, "bench_log"), *args], stdout=subprocess.PIPE,
                       text=True)
    if r.returncode != 0:
        sys.exit(f"bench: bench_log {args[0]} failed")
    return [json.loads(line) for line in r.stdout.splitlines() if line.strip()]


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100.0 * (len(xs) - 1))))]


def main():
    top = tempfile.mkdtemp(prefix="pbench")
    a, b = os.path.join(top, "a"), os.path.join(top, "b")
    cli("init", "alpha", "--dir", a, "--listen", f"127.0.0.1:{free_port()}")
    cli("init", "bravo", "--dir", b, "--listen", f"127.0.0.1:{free_port()}")
    for me, other in ((a, b), (b, a)):
        card = os.path.join(top, os.path.basename(other) + ".card")
        with open(card, "w") as f:
            f.write(cli("card", "--dir", other))
        fp = cli("fingerprint", card).split("  (")[0]
        cli("peer", "add", card, "--dir", me, "--fingerprint", fp, "--links", "urgent,cert")
    procs = [subprocess.Popen([os.path.join(BIN, "parleyd"), "--dir", d, "--quiet"],
                              stderr=open(d + ".log", "w")) for d in (a, b)]
    try:
        for d in (a, b):
            wait_for(lambda d=d: subprocess.run([os.path.join(BIN, "parley"), "status",
                                                 "--dir", d], capture_output=True).returncode == 0,
                     20, "daemons to start")
        api = Api(a)
        # Warm up the connections (handshakes are not part of the round trip).
        api.send_many([{"op": "send", "peer": "bravo", "link": "urgent", "type": "ping",
                        "priority": "routine", "subject": "warm-up", "wait_ms": 10000}])
        api.recv(); api.recv()
        time.sleep(0.5)
        idle = [mem_kb(p.pid, "VmRSS") for p in procs]

        # 1. Round trip, one message at a time.
        daemon_ms, client_ms = [], []
        for i in range(RTT_N):
            t0 = time.perf_counter()
            api.send_many([{"op": "send", "peer": "bravo", "link": "urgent",
                            "type": "notification", "priority": "flash",
                            "subject": f"rtt {i}", "body": "x" * 200, "wait_ms": 10000}])
            q = api.recv()
            r = api.recv()
            if not r.get("ok"):
                sys.exit(f"bench: message not delivered: {r} {q}")
            client_ms.append((time.perf_counter() - t0) * 1000)
            daemon_ms.append(r["rtt_ms"])
            if i == 0:
                first_id = q["id"]

        # 2. Sustained: a producer keeps up to WINDOW messages outstanding.
        window, chunk = 4000, 500
        bdb = sqlite3.connect(os.path.join(b, "parley.db"))
        # max(rid), not count(*): O(log n), so polling steals no CPU from the daemons
        count = lambda: bdb.execute("select coalesce(max(rid), 0) from inbox").fetchone()[0]
        base = count()
        sent = 0
        req = {"op": "send", "peer": "bravo", "link": "cert", "type": "indicator",
               "priority": "routine", "subject": "indicator", "body": "x" * 500}
        speed = [verify_us()]
        perfs = []
        if PERF:
            os.makedirs(PERF, exist_ok=True)
            perfs = [subprocess.Popen(["perf", "record", "-g", "-q", "-o",
                                       os.path.join(PERF, name + ".data"), "-p", str(p.pid)],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                     for name, p in zip(("alpha", "bravo"), procs)]
        cpu0 = [cpu_s(p.pid) for p in procs]
        io0 = [proc_io(p.pid) for p in procs]
        files0 = [store_bytes(d) for d in (a, b)]
        busy0, steal0 = machine_s()
        self0 = self_s()
        t0 = time.monotonic()
        delivered = 0
        mark, marked = t0, 0
        while time.monotonic() - t0 < SECONDS:
            if time.monotonic() - mark >= 5:
                print(f"  ... {delivered} delivered, {(delivered - marked) / (time.monotonic() - mark):.0f}/s"
                      " over the last 5 s", file=sys.stderr)
                mark, marked = time.monotonic(), delivered
            if sent - delivered < window:
                api.send_many([req] * chunk)
                for _ in range(chunk):
                    if not api.recv().get("ok"):
                        sys.exit("bench: send refused")
                sent += chunk
            else:
                time.sleep(0.05)
            delivered = count() - base
        elapsed = time.monotonic() - t0
        rate = delivered / elapsed
        used = [cpu_s(p.pid) - c0 for p, c0 in zip(procs, cpu0)]
        io1 = [proc_io(p.pid) for p in procs]
        files1 = [store_bytes(d) for d in (a, b)]
        busy1, steal1 = machine_s()
        producer = self_s() - self0
        others = max(0.0, (busy1 - busy0) - sum(used) - producer)
        cpu = [u / max(delivered, 1) * 1e6 for u in used]
        peak = [mem_kb(p.pid, "VmHWM") for p in procs]
        for pp in perfs:
            pp.send_signal(signal.SIGINT)
            pp.wait()
        speed.append(verify_us())
        # Per message: bytes written, and the fallback when write_bytes
        # is not accounted (then strace counts fsyncs on a short loaded run).
        per = max(delivered, 1)
        wb = [(i1["write_bytes"] - i0["write_bytes"]) / per for i0, i1 in zip(io0, io1)]
        wc = [(i1["wchar"] - i0["wchar"]) / per for i0, i1 in zip(io0, io1)]
        growth = [(f1 - f0) / per for f0, f1 in zip(files0, files1)]
        no_write_bytes = all(i1["write_bytes"] == i0["write_bytes"] for i0, i1 in zip(io0, io1))
        syncs = None
        if no_write_bytes or STRACE:
            d0 = count()
            if sent - d0 < window:
                api.send_many([req] * chunk)
                for _ in range(chunk):
                    api.recv()
                sent += chunk
            syncs_n = strace_syncs([p.pid for p in procs], 3)
            d1 = count()
            if syncs_n and None not in syncs_n and d1 > d0:
                syncs = [n / (d1 - d0) for n in syncs_n]
        # The reference Ed25519 work, once the daemons have drained their
        # backlog (idle, so that they do not slow the loop down).
        wait_for(lambda: count() - base >= sent, 120, "the backlog to drain")
        sig = bench_log("ed25519", *map(str, jws_lens(a)))[0]

        # 4a. An evidence bundle of the first round-trip message, once both
        # halves are cosigned; its verification timed in-process.
        bundle = os.path.join(top, "bundle.json")
        def evidence():
            r = subprocess.run([os.path.join(BIN, "parley"), "evidence", first_id, "--dir", a],
                               capture_output=True)
            if r.returncode == 0:
                with open(bundle, "wb") as f:
                    f.write(r.stdout)
            return r.returncode == 0
        wait_for(evidence, 60, "an evidence bundle")
    finally:
        for p in procs:
            p.terminate()
            p.wait()

    # 4b. Timed with no daemon running: the bundle's verification, then the
    # log on a node of its own.
    try:
        log_rows = bench_log("bundle", bundle, os.path.join(top, "a.card"),
                             os.path.join(top, "b.card"))
        c = os.path.join(top, "c")
        cli("init", "charlie", "--dir", c, "--listen", f"127.0.0.1:{free_port()}")
        log_rows += bench_log("append", c, str(LOG_MESSAGES), str(LOG_SIZE), "1000")
    finally:
        shutil.rmtree(top, ignore_errors=True)

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, "
          f"{platform.system()} {platform.release()}")
    print()
    print(f"round trip (send -> durable at peer -> receipt durable at sender), {RTT_N} messages")
    print(f"| measured by | p50 ms | p99 ms | max ms |")
    print(f"|---|---|---|---|")
    for name, xs in (("daemon", daemon_ms), ("client (incl. local API)", client_ms)):
        print(f"| {name} | {pct(xs, 50):.2f} | {pct(xs, 99):.2f} | {max(xs):.2f} |")
    print()
    print(f"sustained, one link, {elapsed:.0f} s, 500-byte bodies")
    print("| messages delivered with receipt | per second | sender CPU us/msg | receiver CPU us/msg |")
    print("|---|---|---|---|")
    print(f"| {delivered} | {rate:.0f} | {cpu[0]:.0f} | {cpu[1]:.0f} |")
    print()
    print(f"CPU during the sustained run, in cores: daemons {sum(used) / elapsed:.2f}, "
          f"producer {producer / elapsed:.2f}, everything else {others / elapsed:.2f}, "
          f"stolen by the hypervisor {(steal1 - steal0) / elapsed:.2f}")
    if None not in speed:
        print(f"machine speed: Ed25519 verify of 1,200 bytes (libsodium, hot loop) took "
              f"{speed[0]:.0f} us before the sustained run, {speed[1]:.0f} us after")
    print()
    # Each side signs one statement and verifies the other's, per message.
    work = [sig["sign_msg_us"] + sig["verify_receipt_us"],
            sig["verify_msg_us"] + sig["sign_receipt_us"]]
    print(f"bytes written and CPU per message, over the same {elapsed:.0f} s "
          f"({delivered} messages delivered with receipt)")
    print("| daemon | written KB/msg (write_bytes) | goal | wchar KB/msg | CPU us/msg "
          "| Ed25519 work us/msg | CPU / Ed25519 | goal |")
    print("|---|---|---|---|---|---|---|---|")
    for k, (name, what) in enumerate((("alpha (sender)", "sign msg + verify receipt"),
                                      ("bravo (receiver)", "verify msg + sign receipt"))):
        written = "n/a (0: not accounted)" if no_write_bytes else f"{wb[k] / 1024:.2f}"
        print(f"| {name} | {written} | <= {GOAL_KB[k]} | {wc[k] / 1024:.2f} | {cpu[k]:.0f} | "
              f"{work[k]:.0f} ({what}) | {cpu[k] / work[k]:.2f}x | <= {GOAL_CPU}x |")
    print(f"Ed25519 on this machine (libsodium, hot loop, median of 9 rounds): "
          f"message ({sig['msg_len']} bytes signed) sign {sig['sign_msg_us']:.1f} us, "
          f"verify {sig['verify_msg_us']:.1f} us; receipt ({sig['receipt_len']} bytes) "
          f"sign {sig['sign_receipt_us']:.1f} us, verify {sig['verify_receipt_us']:.1f} us")
    print(f"store files (db + WAL + shm) grew by {growth[0] / 1024:.2f} / "
          f"{growth[1] / 1024:.2f} KB per message (sender / receiver; the WAL is reused "
          f"after checkpoints, so this is the lasting growth)")
    if no_write_bytes:
        print("write_bytes read 0 for both daemons: this filesystem does not account "
              "it; use the file growth above and the fsync counts below instead")
    if syncs:
        print(f"fsync + fdatasync per message, counted by strace -c -f over a 3 s loaded "
              f"run (fallback measure): sender {syncs[0]:.3f}, receiver {syncs[1]:.3f}")
    print()
    print("memory (resident)")
    print("| daemon | idle MB | peak MB |")
    print("|---|---|---|")
    for name, i, pk in (("alpha (sender)", idle[0], peak[0]), ("bravo (receiver)", idle[1], peak[1])):
        print(f"| {name} | {i / 1024:.1f} | {pk / 1024:.1f} |")
    print()
    size = next(r["n"] for r in log_rows if r["what"] == "size")
    print(f"cosigned log: appends, {log_rows[1]['batch']} entries per transaction, "
          f"each fsync'd, then a checkpoint signed and committed on its own (as the daemon does); "
          f"{log_rows[1]['entry_bytes']}-byte statements")
    print("| appended | entries | per second | checkpoint signing, us per batch |")
    print("|---|---|---|---|")
    for r in log_rows:
        if r["what"] in ("messages", "log"):
            name = ("messages queued (outbox row + log entry)" if r["what"] == "messages"
                    else "log entries alone (leaf + subtree hashes)")
            print(f"| {name} | {r['n']} | {r['per_s']:.0f} | {r['checkpoint_us']:.0f} |")
    print()
    print(f"cosigned log: proofs on a log of {size:,} entries, and evidence verification")
    print("| operation | runs | p50 us | p99 us | max us |")
    print("|---|---|---|---|---|")
    for r in log_rows:
        if "p50_us" in r:
            print(f"| {r['what']} | {r['n']} | {r['p50_us']:.1f} | {r['p99_us']:.1f} | "
                  f"{r['max_us']:.1f} |")


if __name__ == "__main__":
    main()
