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
     and consistency proofs produced and verified at that size;
  5. round trip under the descriptor-exhaustion attack: the receiver
     restarted with RLIMIT_NOFILE 1024 (soft and hard), then BENCH_ATTACK_N
     lone round trips from the real peer (as in 1) without the attack, while
     1,100 connections from 127.0.0.2-127.0.0.21 each hold half a
     ClientHello (another process, at BENCH_ATTACK_NICE; every connection the receiver closes,
     at its handshake deadline or otherwise, is opened again, so the attack
     lasts the whole measurement; bounded in connections opened and in
     time), and without it again: p50 / p99 against the goal; what the
     attack did meanwhile, and what the receiver logged;
  6. the agreements in force (bench_policy.c), with the daemons stopped:
     policy_send and policy_receive per message against a store holding 1
     and 20 agreements, and a pin's local agreement;
  7. the watch desk (bench_desk.c), with no daemon running: BENCH_DESK_N
     pending deadlines (half sent items, whose overdue notice the desk
     signs and queues; half received, whose escalation step it records)
     fired by the real desk on an event loop as parleyd runs it, due
     evenly over 30 s and again in bursts of 256 due at once (a batch of
     messages the link accepts together): how late each fired, against
     the goal of 100 ms; `parley desk --json` and `parley desk` (the
     CLI, wall clock) on a store of BENCH_DESK_MESSAGES messages with a
     desk item for one in ten, with the store's pages in the page cache
     and evicted from it, against the goal of 50 ms, and the same desk
     beside a tenth of the messages; the notify command runner
     (desk/hook.c): /bin/true and a shell script that reads the event,
     one and four at once, runs per second.

Environment: PARLEY_BIN (build dir), BENCH_RTT_N (default 1000),
BENCH_SECONDS (default 30), BENCH_LOG_SIZE (default 1000000),
BENCH_PARTS (default "rtt,sustained,log,attack,policy,desk": which parts to
run; parts 1-3 are "rtt" and "sustained", "log" is part 4 with the Ed25519
reference of 2b and needs bench_log; "policy" is part 6 and needs
bench_policy; "desk" is part 7 and needs bench_desk, and "policy,desk"
starts no daemon; "rtt,sustained" runs with any build of parleyd, for
interleaved comparisons of two builds), BENCH_DESK_N (default 100000),
BENCH_DESK_MESSAGES (default 1000000), BENCH_ATTACK_N (default 500),
BENCH_ATTACK_NICE (the attacker's niceness, default 0: the same priority
as the daemons, as when the attacker's connections cost the receiver's
machine what they would from afar plus the attacker's own CPU; 19: the
lowest),
BENCH_ATTACK_TIMEOUT_MS (the receiver's handshake_timeout_ms during part 5;
default: the daemon's own), BENCH_ATTACK_GAP_MS (a pause between part 5's
round trips, default 0: with pauses the idle virtual CPUs wake slowly and
the round trip without the attack grows several-fold here),
BENCH_STRACE (set: also count fsyncs with strace, as when write_bytes is 0),
BENCH_PERF (a directory: record each daemon with
`perf record -g` during the sustained run, into alpha.data and bravo.data,
and bravo under the attack of part 5, into bravo-attack.data; the
sustained part then also prints libsodium's share of each daemon's CPU in
the run, its Ed25519 work, and so CPU / Ed25519 measured under the run's
own contention).
Timings are printed, never asserted.
"""
import collections
import ctypes
import ctypes.util
import errno
import json
import multiprocessing
import os
import platform
import re
import resource
import selectors
import shutil
import signal
import socket
import sqlite3
import ssl
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
PARTS = set(os.environ.get("BENCH_PARTS", "rtt,sustained,log,attack,policy,desk").split(","))
ATTACK_N = int(os.environ.get("BENCH_ATTACK_N", "500"))
ATTACK_TIMEOUT_MS = os.environ.get("BENCH_ATTACK_TIMEOUT_MS")	# None: the daemon's default
ATTACK_NICE = int(os.environ.get("BENCH_ATTACK_NICE", "0"))	# the attacker's niceness
ATTACK_CONNS = 1100
ATTACK_SOURCES = [f"127.0.0.{i}" for i in range(2, 22)]	# 55 each: under max_conns_per_addr
ATTACK_NOFILE = 1024
ATTACK_GAP_S = float(os.environ.get("BENCH_ATTACK_GAP_MS", "0")) / 1000	# between round trips of part 5
ATTACK_MAX_S = 120	# the attacker stops by itself after this ...
ATTACK_MAX_OPENS = 2000000	# ... or after opening this many connections
GOAL_ATTACK_P99_MS = 50
DESK_N = int(os.environ.get("BENCH_DESK_N", "100000"))
DESK_MESSAGES = int(os.environ.get("BENCH_DESK_MESSAGES", "1000000"))
DESK_LEAD_MS, DESK_WINDOW_MS = 5000, 30000	# the deadlines fall due from 5 s to 35 s
DESK_BURST = 256	# due at once: what one batch the link accepts gives
GOAL_FIRE_MS = 100
GOAL_BOARD_MS = 50


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


def bench_policy():
    """Run bench_policy; its table (text, printed as it stands)."""
    r = subprocess.run([os.path.join(BIN, "bench_policy")], stdout=subprocess.PIPE,
                       text=True)
    if r.returncode != 0:
        sys.exit("bench: bench_policy failed")
    return r.stdout


def bench_desk(*args, log=None):
    """Run bench_desk; its result lines (JSON) as a list.  Its stderr (the
    desk's own log lines, one per escalation) goes to the file log."""
    with open(log or os.devnull, "w") as err:
        r = subprocess.run([os.path.join(BIN, "bench_desk"), *map(str, args)],
                           stdout=subprocess.PIPE, stderr=err, text=True)
    if r.returncode != 0:
        sys.exit(f"bench: bench_desk {args[0]} failed" + (f" (see {log})" if log else ""))
    return [json.loads(line) for line in r.stdout.splitlines() if line.strip()]


def evict(d):
    """Drop node d's store files from the page cache (posix_fadvise
    DONTNEED: clean pages of a file anyone may read): the next read of
    each page goes to the disk, as after a reboot."""
    for x in ("", "-wal", "-shm"):
        p = os.path.join(d, "parley.db" + x)
        if os.path.exists(p):
            fd = os.open(p, os.O_RDONLY)
            try:
                os.fsync(fd)
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(fd)


def board_times(d, warm_runs=15, cold_runs=7):
    """Wall clock of `parley desk --json` and `parley desk` on node d, ms,
    warm (after one run not counted) and cold (the store evicted before
    each run), the two commands alternating."""
    cmds = {"parley desk --json": ["desk", "--json"], "parley desk": ["desk"]}
    out = {(c, k): [] for c in cmds for k in ("warm", "cold")}
    rows = None

    def once(args):
        t = time.perf_counter()
        r = subprocess.run([os.path.join(BIN, "parley"), *args, "--dir", d],
                           stdout=subprocess.PIPE, check=True)
        return (time.perf_counter() - t) * 1000, r.stdout

    for args in cmds.values():
        _, text = once(args)
        if args[-1] == "--json":
            rows = json.loads(text)
    for k, runs in (("warm", warm_runs), ("cold", cold_runs)):
        for _ in range(runs):
            for c, args in cmds.items():
                if k == "cold":
                    evict(d)
                out[(c, k)].append(once(args)[0])
    return out, rows


def desk_part(top):
    """7. The watch desk, no daemon running: deadlines fired, the board,
    the notify command runner."""
    r = {}
    print(f"  ... desk: {DESK_N} deadlines due evenly over {DESK_WINDOW_MS // 1000} s",
          file=sys.stderr)
    for name, burst in (("even", 1), ("bursts", DESK_BURST)):
        d = os.path.join(top, "desk-" + name)
        cli("init", "alpha", "--dir", d, "--listen", f"127.0.0.1:{free_port()}")
        log = os.path.join(top, f"desk-{name}.log")
        r[name] = bench_desk("fire", d, DESK_N, DESK_LEAD_MS, DESK_WINDOW_MS, 50, burst,
                             log=log)
        with open(log, "rb") as f:
            r[name + "_log"] = sum(1 for _ in f)
        shutil.rmtree(d, ignore_errors=True)
        if name == "even":
            print(f"  ... desk: again, in bursts of {DESK_BURST}", file=sys.stderr)
    # the board: the full store, and the same desk beside a tenth of the messages
    items = DESK_MESSAGES // 10
    r["boards"] = []
    for messages in (DESK_MESSAGES, items):
        print(f"  ... desk: the board with {messages} messages stored", file=sys.stderr)
        d = os.path.join(top, f"board-{messages}")
        cli("init", "alpha", "--dir", d, "--listen", f"127.0.0.1:{free_port()}")
        fill = bench_desk("board", d, messages, items, 300, 365)[0]
        fill["store_mb"] = store_bytes(d) / 2**20
        times, rows = board_times(d)
        fill["shown"] = len(rows)
        fill["shown_open"] = sum(1 for x in rows if x["open"])
        r["boards"].append((fill, times))
        shutil.rmtree(d, ignore_errors=True)
    # the notify command runner
    print("  ... desk: the notify command runner", file=sys.stderr)
    script = os.path.join(top, "notify.sh")
    with open(script, "w") as f:
        f.write('#!/bin/sh\n# what a notifier does first: read the event\n'
                'event=$(cat)\n[ -n "$event" ]\n')
    os.chmod(script, 0o755)
    r["hooks"] = [bench_desk("hook", 3, m, cmd)[0]
                  for cmd in ("/bin/true", script) for m in (1, 4)]
    return r


def print_desk(r):
    print()
    run0 = r["even"][0]
    print(f"watch desk: {run0['n']:,} pending deadlines fired by the real desk (desk_new on "
          f"an event loop, as parleyd), due from {DESK_LEAD_MS // 1000} s after start over "
          f"{DESK_WINDOW_MS // 1000} s; half sent items (an overdue notice signed and "
          f"queued), half received (an escalation event); lateness, ms: acted = the "
          f"desk's clock when it acted on the item, committed = when its row was seen "
          f"committed (a 2 ms timer on the same loop), less the due time")
    print("| deadlines due | items | fired | acted p50 | acted p99 | acted max | committed p50 "
          "| committed p99 | committed max | committed over 100 ms | goal |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for name, label in (("even", f"evenly, {run0['n'] * 1000 // DESK_WINDOW_MS:,}/s"),
                        ("bursts", f"in bursts of {DESK_BURST} at once, same rate")):
        for row in r[name][1:]:
            if not row["fired"]:
                continue
            kind = {"all": "", "received": " (received)", "sent": " (sent)"}[row["kind"]]
            print(f"| {label}{kind} | {row['items']} | {row['fired']} | {row['acted_p50']} | "
                  f"{row['acted_p99']} | {row['acted_max']} | {row['committed_p50']} | "
                  f"{row['committed_p99']} | {row['committed_max']} | "
                  f"{row['committed_over']} | <= {GOAL_FIRE_MS} |")
    for name in ("even", "bursts"):
        run = r[name][0]
        wk = (f", {run['written_kb'] / run['n']:.1f} KB written per item (write_bytes)"
              if run["written_kb"] > 0 else "")
        print(f"{name}: {run['n']:,} items written in {run['build_ms']} ms; desk_new rebuilt "
              f"its timers from the open items in {run['rebuild_ms']} ms; the desk used "
              f"{run['cpu_s']:.1f} s of CPU over {run['wall_s']:.1f} s "
              f"({run['cpu_s'] / run['n'] * 1e6:.0f} us per item){wk}; "
              f"{r[name + '_log']} log lines")
    print()
    for fill, times in r["boards"]:
        print(f"parley desk with {fill['messages']:,} messages stored ({fill['store_mb']:,.0f} MB; "
              f"{fill['items']:,} desk items, {fill['open']} open, {fill['closed_last_day']} "
              f"closed in the last 24 h; the board shows {fill['shown']}, {fill['shown_open']} "
              f"of them open), wall clock of the CLI, ms; cold: the store's files evicted "
              f"from the page cache before each run")
        print("| command | cache | runs | median | max | goal |")
        print("|---|---|---|---|---|---|")
        for (c, k), xs in times.items():
            print(f"| {c} | {k} | {len(xs)} | {pct(xs, 50):.1f} | {max(xs):.1f} | "
                  f"< {GOAL_BOARD_MS} |")
        print(f"(the store was filled in {fill['seconds']:.0f} s)")
        print()
    print("notify command runner (desk/hook.c): an escalate event on stdin and in PARLEY_* "
          "variables, a new run from each callback, 3 s each")
    print("| command | at once | runs | per second | p50 ms | p99 ms | max ms | "
          "CPU us per run: runner / command |")
    print("|---|---|---|---|---|---|---|---|")
    for h in r["hooks"]:
        name = "/bin/true" if h["path"] == "/bin/true" else "sh script: event=$(cat)"
        print(f"| {name} | {h['max_running']} | {h['runs']} | {h['per_s']:.0f} | "
              f"{h['p50_ms']:.2f} | {h['p99_ms']:.2f} | {h['max_ms']:.2f} | "
              f"{h['cpu_us']:.0f} / {h['child_cpu_us']:.0f} |"
              + (f" {h['failed']} failed" if h["failed"] else ""))


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100.0 * (len(xs) - 1))))]


def half_client_hello():
    """The first half of a real TLS 1.3 ClientHello."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    out = ssl.MemoryBIO()
    obj = ctx.wrap_bio(ssl.MemoryBIO(), out)
    try:
        obj.do_handshake()
    except ssl.SSLWantReadError:
        pass
    hello = out.read()
    return hello[:len(hello) // 2]


def attacker(port, first, stop, stats):
    """The descriptor-exhaustion attack, in a process of its own: keeps
    ATTACK_CONNS non-blocking connections to 127.0.0.1:port from
    ATTACK_SOURCES, each sending `first` once connected and nothing more;
    a connection the receiver closes (EOF, reset) or refuses is opened
    again.  Bounded: ATTACK_MAX_OPENS connections, ATTACK_MAX_S seconds.
    stats (shared): held now, opened, closed by the receiver, refused or
    failed to connect, and the fewest held since stats[5] was last set to
    -1 by the parent.  At niceness ATTACK_NICE: a real attacker is not on
    the receiver's machine, so at 19 its process takes little of the
    receiver's CPU (the kernel's share of its connections still does); at
    0 it competes with the daemons as an equal."""
    if ATTACK_NICE:
        os.nice(ATTACK_NICE)
    sel = selectors.DefaultSelector()
    opened = closed = failed = 0
    held = 0
    t_end = time.monotonic() + ATTACK_MAX_S

    def open_one(i):
        nonlocal opened, failed
        s = socket.socket()
        s.setblocking(False)
        try:
            s.bind((ATTACK_SOURCES[i % len(ATTACK_SOURCES)], 0))
            rc = s.connect_ex(("127.0.0.1", port))
        except OSError:
            s.close()
            failed += 1
            return
        opened += 1
        if rc not in (0, errno.EINPROGRESS):
            s.close()
            failed += 1
            return
        sel.register(s, selectors.EVENT_WRITE, [i, False])

    try:
        for i in range(ATTACK_CONNS):
            open_one(i)
        while not stop.is_set() and time.monotonic() < t_end:
            reopen = []
            for key, _ in sel.select(timeout=0.05):
                s, (i, sent) = key.fileobj, key.data
                if not sent:
                    if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0:
                        try:
                            s.send(first)
                            sel.modify(s, selectors.EVENT_READ, [i, True])
                            held += 1
                            continue
                        except OSError:
                            pass
                    failed += 1
                else:
                    try:
                        if s.recv(4096):
                            continue	# the receiver said something: keep holding
                    except BlockingIOError:
                        continue
                    except OSError:
                        pass
                    closed += 1
                    held -= 1
                sel.unregister(s)
                s.close()
                reopen.append(i)
            for i in reopen:
                if opened < ATTACK_MAX_OPENS:
                    open_one(i)
            stats[0], stats[1], stats[2], stats[3] = held, opened, closed, failed
            if stats[5] < 0 or held < stats[4]:
                stats[4], stats[5] = held, 0
    finally:
        for key in list(sel.get_map().values()):
            key.fileobj.close()
        sel.close()


def round_trips(api, n, subject, gap=0.0, between=None):
    """n lone urgent messages to bravo through the local API, one at a
    time: (daemon rtt ms, client ms, first message id).  between(i) is
    called after each, untimed."""
    daemon_ms, client_ms, first_id = [], [], None
    for i in range(n):
        t0 = time.perf_counter()
        api.send_many([{"op": "send", "peer": "bravo", "link": "urgent",
                        "type": "notification", "priority": "flash",
                        "subject": f"{subject} {i}", "body": "x" * 200, "wait_ms": 10000}])
        q = api.recv()
        r = api.recv()
        if not r.get("ok"):
            sys.exit(f"bench: message not delivered: {r} {q}")
        client_ms.append((time.perf_counter() - t0) * 1000)
        daemon_ms.append(r["rtt_ms"])
        if first_id is None:
            first_id = q["id"]
        if between:
            between(i)
        if gap:
            time.sleep(gap)
    return daemon_ms, client_ms, first_id


def start_daemon(d, quiet=True, nofile=None):
    def limit():
        resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))
    return subprocess.Popen([os.path.join(BIN, "parleyd"), "--dir", d] +
                            (["--quiet"] if quiet else []),
                            stderr=open(d + ".log", "a"), preexec_fn=limit if nofile else None)


def daemon_up(d):
    return subprocess.run([os.path.join(BIN, "parley"), "status", "--dir", d],
                          capture_output=True).returncode == 0


def warm_up(api):
    """One message delivered (opens the link; handshakes are not part of a
    round trip)."""
    api.send_many([{"op": "send", "peer": "bravo", "link": "urgent", "type": "ping",
                    "priority": "routine", "subject": "warm-up", "wait_ms": 30000}])
    api.recv()
    r = api.recv()
    if not r.get("ok"):
        sys.exit(f"bench: warm-up message not delivered: {r}")


def agree(top, a, b):
    """An agreement between alpha and bravo in force, as parley makes one:
    alpha's draft on urgent and cert (the warm-up's type "ping" added to
    urgent), proposed by alpha, countersigned by bravo."""
    draft = json.loads(cli("agreement", "draft", "bravo", "--dir", a))
    draft["links"] = {k: v for k, v in draft["links"].items() if k in ("urgent", "cert")}
    draft["links"]["urgent"]["types"].append("ping")
    path = os.path.join(top, "agreement.json")
    with open(path, "w") as f:
        json.dump(draft, f, indent=2)
    aid = cli("agreement", "propose", path, "--dir", a).split()[-1]
    state = lambda d: {x["id"]: x["state"] for x in
                       json.loads(cli("agreement", "list", "--json", "--dir", d))}.get(aid)
    wait_for(lambda: state(b) is not None, 20, "bravo to hold the proposal")
    cli("agreement", "sign", aid, "--dir", b)
    wait_for(lambda: state(a) == "in force" and state(b) == "in force", 20,
             "the agreement in force at both")


def attack_part(api, procs, b):
    """Part 5: bravo restarted with RLIMIT_NOFILE ATTACK_NOFILE, logging as
    in production (no --quiet); round trips without the attack, under it,
    and without it again; what the attack did, and bravo's log meanwhile."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if hard < ATTACK_CONNS + 200:
        print(f"bench: skipping the attack: this process may open {hard} descriptors",
              file=sys.stderr)
        return None
    cfg_path = os.path.join(b, "parley.json")
    with open(cfg_path) as f:
        cfg = json.load(f)
    if ATTACK_TIMEOUT_MS:
        cfg["handshake_timeout_ms"] = int(ATTACK_TIMEOUT_MS)
        with open(cfg_path, "w") as f:
            json.dump(cfg, f, indent=2)
    procs[1].terminate()
    procs[1].wait()
    procs[1] = start_daemon(b, quiet=False, nofile=ATTACK_NOFILE)
    wait_for(lambda: procs[1].poll() is not None or daemon_up(b), 20, "bravo to restart")
    if procs[1].poll() is not None:
        sys.exit("bench: bravo did not restart with RLIMIT_NOFILE 1024")
    warm_up(api)
    quiet_ms = round_trips(api, ATTACK_N, "calm", ATTACK_GAP_S)[:2]
    port = int(cfg["listen"].rsplit(":", 1)[1])
    ctx = multiprocessing.get_context("fork")
    stop, stats = ctx.Event(), ctx.Array("q", 6)
    stats[5] = -1
    att = ctx.Process(target=attacker, args=(port, half_client_hello(), stop, stats),
                      daemon=True)
    log_attack = os.path.getsize(b + ".log")
    att.start()
    try:
        # All opened, and bravo holding as many as its cap (max_conns: half
        # its descriptors) lets it: past that it closes the oldest, and the
        # attacker opens them again.
        fd_dir = f"/proc/{procs[1].pid}/fd"
        wait_for(lambda: not att.is_alive() or (
                     stats[1] >= ATTACK_CONNS and stats[0] >= ATTACK_NOFILE // 2 and
                     len(os.listdir(fd_dir)) >= ATTACK_NOFILE // 2), 30,
                 "the attack's connections")
        if not att.is_alive():
            sys.exit("bench: the attacker stopped")
        s0, stats[5] = list(stats[:4]), -1
        fds = []
        def sample(i):
            if i % 10 == 0:
                fds.append(len(os.listdir(fd_dir)))
        perf = None
        if PERF:
            os.makedirs(PERF, exist_ok=True)
            perf = subprocess.Popen(["perf", "record", "-g", "-q", "-o",
                                     os.path.join(PERF, "bravo-attack.data"), "-p",
                                     str(procs[1].pid)], stderr=subprocess.DEVNULL)
        cpu0, acpu0, t0 = cpu_s(procs[1].pid), cpu_s(att.pid), time.monotonic()
        alpha0, self0, mach0 = cpu_s(procs[0].pid), self_s(), machine_s()[0]
        siege_ms = round_trips(api, ATTACK_N, "under attack", ATTACK_GAP_S, sample)[:2]
        took = time.monotonic() - t0
        acpu_alpha = (cpu_s(procs[0].pid) - alpha0) / took
        others = (machine_s()[0] - mach0 - (self_s() - self0) - (cpu_s(procs[0].pid) - alpha0)
                  - (cpu_s(procs[1].pid) - cpu0) - (cpu_s(att.pid) - acpu0)) / took
        if perf:
            perf.send_signal(signal.SIGINT)
            perf.wait()
        cpu = (cpu_s(procs[1].pid) - cpu0) / took
        acpu = (cpu_s(att.pid) - acpu0) / took
        s1, fewest = list(stats[:4]), stats[4]
        lasted = att.is_alive() and s1[1] < ATTACK_MAX_OPENS
    finally:
        stop.set()
        att.join(10)
        if att.is_alive():
            att.terminate()
            att.join()
    alive = procs[1].poll() is None
    log_after = os.path.getsize(b + ".log")
    after_ms = round_trips(api, ATTACK_N, "calm again", ATTACK_GAP_S)[:2] if alive else None
    n_lines, shapes = log_shapes(b + ".log", log_attack, log_after)
    return {"quiet": quiet_ms, "siege": siege_ms, "after": after_ms, "took": took,
            "cpu": cpu, "acpu": acpu, "alpha_cpu": acpu_alpha, "others": others,
            "fds": (min(fds), max(fds)), "lasted": lasted,
            "held": (s0[0], fewest, s1[0]), "reopened": s1[2] - s0[2],
            "failed": s1[3] - s0[3], "opened": s1[1], "alive": alive,
            "log_lines": n_lines, "log_shapes": shapes}


def log_shapes(path, start, end, n=6):
    """The lines of a log between two offsets: how many, and the n commonest
    with their numbers blurred (read line by line: a log may be huge)."""
    counts = collections.Counter()
    lines = 0
    with open(path, "rb") as f:
        f.seek(start)
        pos = start
        while pos < end:
            ln = f.readline()
            if not ln:
                break
            pos += len(ln)
            lines += 1
            text = ln.decode(errors="replace").rstrip("\n").split("parleyd: ", 1)[-1]
            counts[re.sub(r"[0-9]+", "N", text)[:110]] += 1
    return lines, counts.most_common(n)


def main():
    top = tempfile.mkdtemp(prefix="pbench")
    a, b = os.path.join(top, "a"), os.path.join(top, "b")
    sustained = "sustained" in PARTS
    daemons = bool(PARTS & {"rtt", "sustained", "log", "attack"})
    attack = None
    if daemons:
        cli("init", "alpha", "--dir", a, "--listen", f"127.0.0.1:{free_port()}")
        cli("init", "bravo", "--dir", b, "--listen", f"127.0.0.1:{free_port()}")
        for me, other in ((a, b), (b, a)):
            card = os.path.join(top, os.path.basename(other) + ".card")
            with open(card, "w") as f:
                f.write(cli("card", "--dir", other))
            fp = cli("fingerprint", card).split("  (")[0]
            cli("peer", "add", card, "--dir", me, "--fingerprint", fp)
        procs = [start_daemon(d) for d in (a, b)]
    try:
        if daemons:
            for d in (a, b):
                wait_for(lambda d=d: daemon_up(d), 20, "daemons to start")
            agree(top, a, b)
            api = Api(a)
            # Warm up the connections (handshakes are not part of the round trip).
            warm_up(api)
            time.sleep(0.5)
            idle = [mem_kb(p.pid, "VmRSS") for p in procs]

            # 1. Round trip, one message at a time.
            daemon_ms, client_ms, first_id = round_trips(api, RTT_N if "rtt" in PARTS else 1,
                                                         "rtt")

            if sustained:
                sustained = sustained_part(api, procs, a, b)
            if "log" in PARTS:
                # 4a. An evidence bundle of the first round-trip message, once both
                # halves are cosigned; its verification timed in-process.
                bundle = os.path.join(top, "bundle.json")
                def evidence():
                    r = subprocess.run([os.path.join(BIN, "parley"), "evidence", first_id,
                                        "--dir", a], capture_output=True)
                    if r.returncode == 0:
                        with open(bundle, "wb") as f:
                            f.write(r.stdout)
                    return r.returncode == 0
                wait_for(evidence, 60, "an evidence bundle")
            if "attack" in PARTS:
                attack = attack_part(api, procs, b)
    finally:
        if daemons:
            for p in procs:
                p.terminate()
                p.wait()

    # 4b. Timed with no daemon running: the bundle's verification, then the
    # log on a node of its own.
    log_rows, policy, desk = [], None, None
    try:
        if "log" in PARTS:
            log_rows = bench_log("bundle", bundle, os.path.join(top, "a.card"),
                                 os.path.join(top, "b.card"))
            c = os.path.join(top, "c")
            cli("init", "charlie", "--dir", c, "--listen", f"127.0.0.1:{free_port()}")
            log_rows += bench_log("append", c, str(LOG_MESSAGES), str(LOG_SIZE), "1000")
        if "policy" in PARTS:
            policy = bench_policy()
        if "desk" in PARTS:
            desk = desk_part(top)
    finally:
        shutil.rmtree(top, ignore_errors=True)

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, "
          f"{platform.system()} {platform.release()}")
    print()
    if "rtt" in PARTS:
        print(f"round trip (send -> durable at peer -> receipt durable at sender), {RTT_N} messages")
        print(f"| measured by | p50 ms | p99 ms | max ms |")
        print(f"|---|---|---|---|")
        for name, xs in (("daemon", daemon_ms), ("client (incl. local API)", client_ms)):
            print(f"| {name} | {pct(xs, 50):.2f} | {pct(xs, 99):.2f} | {max(xs):.2f} |")
        print()
    if sustained:
        print_sustained(idle, **sustained)
    if log_rows:
        print_log(log_rows)
    if attack:
        print_attack(attack)
    if policy:
        print()
        print(policy, end="")
    if desk:
        print_desk(desk)


def sustained_part(api, procs, a, b):
    """2. A producer keeps the sender's queue non-empty for SECONDS; what
    it cost.  Returns the figures for print_sustained."""
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
    shares = ([sodium_share(os.path.join(PERF, n + ".data")) for n in ("alpha", "bravo")]
              if PERF else None)
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
    sig = bench_log("ed25519", *map(str, jws_lens(a)))[0] if "log" in PARTS else None
    return dict(delivered=delivered, elapsed=elapsed, rate=rate, used=used, producer=producer,
                others=others, steal=steal1 - steal0, cpu=cpu, peak=peak, speed=speed, wb=wb,
                wc=wc, growth=growth, no_write_bytes=no_write_bytes, syncs=syncs, sig=sig,
                shares=shares)


def sodium_share(data):
    """libsodium's share (0..1) of the samples in perf file data, or None.
    In the sustained run that is the daemon's Ed25519 work: one signature
    and one verification per message (uprobe counts, docs/BENCHMARKS.md)."""
    try:
        out = subprocess.run(["perf", "report", "-i", data, "--stdio", "--no-children",
                              "--sort", "dso", "-g", "none"], capture_output=True,
                             text=True, timeout=300).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    for line in out.splitlines():
        m = re.match(r"\s*([0-9.]+)%\s+libsodium", line)
        if m:
            return float(m.group(1)) / 100
    return None


def print_sustained(idle, delivered, elapsed, rate, used, producer, others, steal, cpu, peak,
                    speed, wb, wc, growth, no_write_bytes, syncs, sig, shares):
    print(f"sustained, one link, {elapsed:.0f} s, 500-byte bodies")
    print("| messages delivered with receipt | per second | sender CPU us/msg | receiver CPU us/msg |")
    print("|---|---|---|---|")
    print(f"| {delivered} | {rate:.0f} | {cpu[0]:.0f} | {cpu[1]:.0f} |")
    print()
    print(f"CPU during the sustained run, in cores: daemons {sum(used) / elapsed:.2f}, "
          f"producer {producer / elapsed:.2f}, everything else {others / elapsed:.2f}, "
          f"stolen by the hypervisor {steal / elapsed:.2f}")
    if None not in speed:
        print(f"machine speed: Ed25519 verify of 1,200 bytes (libsodium, hot loop) took "
              f"{speed[0]:.0f} us before the sustained run, {speed[1]:.0f} us after")
    print()
    # Each side signs one statement and verifies the other's, per message.
    work = ([sig["sign_msg_us"] + sig["verify_receipt_us"],
             sig["verify_msg_us"] + sig["sign_receipt_us"]] if sig else None)
    print(f"bytes written and CPU per message, over the same {elapsed:.0f} s "
          f"({delivered} messages delivered with receipt)")
    print("| daemon | written KB/msg (write_bytes) | goal | wchar KB/msg | CPU us/msg "
          "| Ed25519 work us/msg | CPU / Ed25519 | goal |")
    print("|---|---|---|---|---|---|---|---|")
    for k, (name, what) in enumerate((("alpha (sender)", "sign msg + verify receipt"),
                                      ("bravo (receiver)", "verify msg + sign receipt"))):
        written = "n/a (0: not accounted)" if no_write_bytes else f"{wb[k] / 1024:.2f}"
        ref = (f"{work[k]:.0f} ({what}) | {cpu[k] / work[k]:.2f}x" if work else
               "n/a (BENCH_PARTS without log) | n/a")
        print(f"| {name} | {written} | <= {GOAL_KB[k]} | {wc[k] / 1024:.2f} | {cpu[k]:.0f} | "
              f"{ref} | <= {GOAL_CPU}x |")
    if shares and None not in shares and all(shares):
        # measured in the run itself, under the same contention as the rest
        both = sum(cpu) / sum(c * sh for c, sh in zip(cpu, shares))
        print(f"in the run (perf, BENCH_PERF): libsodium took {shares[0] * 100:.1f} % of the "
              f"sender's CPU and {shares[1] * 100:.1f} % of the receiver's: CPU / Ed25519 work "
              f"{1 / shares[0]:.2f}x and {1 / shares[1]:.2f}x, both together {both:.2f}x "
              f"(goal <= {GOAL_CPU}x)")
    if sig:
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


def print_log(log_rows):
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



def print_attack(r):
    print()
    phases = [("without the attack, before", r["quiet"]), ("under the attack", r["siege"])]
    if r["after"]:
        phases.append(("without the attack, after", r["after"]))
    print(f"round trip under the descriptor-exhaustion attack: bravo restarted with "
          f"RLIMIT_NOFILE {ATTACK_NOFILE}, handshake_timeout_ms "
          f"{ATTACK_TIMEOUT_MS or 'default'}, logging "
          f"(no --quiet); {ATTACK_N} lone messages one at a time"
          f"{f', {ATTACK_GAP_S * 1000:.0f} ms apart' if ATTACK_GAP_S else ''}: without, "
          f"with, and again without {ATTACK_CONNS} connections from 127.0.0.2-127.0.0.21 each holding half a "
          f"ClientHello, reopened whenever bravo closes them (the attacker at nice {ATTACK_NICE})")
    print("| round trip | measured by | p50 ms | p99 ms | max ms | goal p99 |")
    print("|---|---|---|---|---|---|")
    for name, (d, c) in phases:
        for by, xs in (("daemon", d), ("client (incl. local API)", c)):
            print(f"| {name} | {by} | {pct(xs, 50):.2f} | {pct(xs, 99):.2f} | {max(xs):.2f} "
                  f"| <= {GOAL_ATTACK_P99_MS} |")
    held0, fewest, held1 = r["held"]
    print(f"the attack over the {r['took']:.1f} s measured: {held0} connections held at the "
          f"start, {held1} at the end, never fewer than {fewest}; {r['reopened']} closed by "
          f"bravo and opened again, {r['failed']} failed to connect; {r['opened']} opened in "
          f"all{'' if r['lasted'] else ' (THE ATTACKER HIT ITS BOUND BEFORE THE END)'}; "
          f"bravo's open descriptors {r['fds'][0]}-{r['fds'][1]} of {ATTACK_NOFILE}; CPU in "
          f"cores: bravo {r['cpu']:.2f}, the attacker {r['acpu']:.2f}, alpha "
          f"{r['alpha_cpu']:.2f}, everything else {r['others']:.2f}; "
          f"bravo {'alive' if r['alive'] else 'DIED'}")
    print(f"bravo's log during the attack: {r['log_lines']} lines; commonest (digits as N):")
    for shape, n in r["log_shapes"]:
        print(f"  {n} x {shape}")


if __name__ == "__main__":
    main()
