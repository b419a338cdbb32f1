"""Faults are named and recovered from (issue 12, item 3): a full disk, a
damaged store, and the ordinary disorder of recovery after kill -9."""
import errno
import os
import sqlite3
import subprocess
import time

import pytest

from parley_e2e import BIN, deadline, peek, send_req, wait_for


@pytest.fixture
def small_fs(top):
    """mount(name): a 2 MiB tmpfs at top/name, to be a node's DIR; unmounted
    (after the daemons are killed) at teardown."""
    d, nodes = top
    mounted = []

    def mount(name, size="2m"):
        path = os.path.join(d, name)
        os.makedirs(path, mode=0o700, exist_ok=True)
        p = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs",
                            path], capture_output=True, text=True)
        if p.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {p.stderr.strip() or p.returncode}")
        mounted.append(path)
        return path
    yield mount
    for n in nodes:
        n.kill9()
    for path in mounted:
        subprocess.run(["umount", "-l", path], capture_output=True)


def fill(path):
    """Fill the filesystem holding path to the last byte; the filler's path."""
    f = os.path.join(path, "filler")
    fd = os.open(f, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for chunk in (1 << 16, 4096, 512, 1):
            try:
                while True:
                    os.write(fd, b"\0" * chunk)
            except OSError as e:
                assert e.errno == errno.ENOSPC, e
    finally:
        os.close(fd)
    assert os.statvfs(path).f_bavail == 0
    return f


def peer_status(node, name):
    return next(p for p in node.json("status")["peers"] if p["name"] == name)


def send_plain(node, peer, subject="hello"):
    return node.cli("send", peer, "--link", "urgent", "--type", "notification",
                    "--priority", "flash", "--subject", subject, check=False)


def test_send_on_a_full_disk_says_disk_full_and_the_daemon_logs_why(make_node, small_fs):
    small_fs("alpha")
    a, b = make_node("alpha"), make_node("bravo")
    a.pin(b)
    a.start()
    filler = fill(a.dir)
    p = send_plain(a, "bravo", "on a full disk")
    assert p.returncode != 0
    assert "disk full: message not queued" in p.stderr
    assert "free" in p.stderr and "store error" not in p.stderr
    logged = a.loggrep("cannot commit queued messages")
    assert logged and all("full" in line for line in logged), logged
    assert not a.loggrep("not an error")
    os.remove(filler)
    p = send_plain(a, "bravo", "after space was freed")
    assert p.returncode == 0, p.stderr
    assert [m["subject"] for m in a.outbox()] == ["after space was freed"]


def test_sends_rolled_back_on_a_full_disk_are_never_delivered(make_node, small_fs):
    """The sender keeps what it queues in memory to send it without reading
    it back (link_out.c); what a rollback took back must be forgotten with
    it, since the sequence numbers it used are handed out again."""
    small_fs("alpha")
    a, b = make_node("alpha"), make_node("bravo")
    a.pin(b)
    b.pin(a)
    a.start()
    b.start()
    assert a.send("bravo", "before").returncode == 0
    filler = fill(a.dir)
    answers = a.api([send_req("bravo", i, body="x" * 200) for i in range(5)])
    assert not any(x["ok"] for x in answers), answers
    os.remove(filler)
    answers = a.api([send_req("bravo", 100 + i, body="y" * 200) for i in range(5)])
    assert all(x["ok"] for x in answers), answers
    ids = [x["id"] for x in answers]
    wait_for(lambda: len(a.outbox()) == 6 and
             all(m["state"] == "delivered" for m in a.outbox()), 30, "every receipt")
    got = b.inbox()
    assert [m["id"] for m in got][1:] == ids
    assert [m["subject"] for m in got][1:] == [f"message {100 + i}" for i in range(5)]


def test_peer_out_of_storage_is_named_backed_off_from_and_recovers(make_node, small_fs):
    small_fs("bravo")
    a, b = make_node("alpha"), make_node("bravo")
    a.pin(b)
    b.pin(a)
    a.start()
    b.start()
    assert a.send("bravo", "before").returncode == 0
    filler = fill(b.dir)
    answers = a.api([send_req("bravo", i, body="x" * 200) for i in range(20)])
    assert all(x["ok"] for x in answers)
    ids = [x["id"] for x in answers]
    wait_for(lambda: peer_status(a, "bravo")["last_error"] == "peer bravo is out of storage",
             20, "alpha to say that bravo is out of storage")
    st = peer_status(a, "bravo")
    assert st["alarm"] is None, st                      # not a dishonest peer
    assert "out of storage" in a.cli("status").stdout
    assert any("full" in line for line in b.loggrep("cannot commit received messages"))
    assert not b.loggrep("not an error")

    def attempts():
        return peek(a, "SELECT max(attempts) FROM out_queue")
    # Backing off: without it alpha re-posted every 25 to 50 ms.
    before, t0 = attempts(), time.monotonic()
    time.sleep(3)       # a measurement over a window, not a synchronisation
    rate = (attempts() - before) / (time.monotonic() - t0)
    assert rate < 4, f"{rate:.1f} attempts a second"
    os.remove(filler)                                  # no operator action beyond this
    wait_for(lambda: all(m["state"] == "delivered" for m in a.outbox()), 30,
             "delivery to resume once bravo has space")
    assert [m["id"] for m in b.inbox()][1:] == ids
    wait_for(lambda: peer_status(a, "bravo")["last_error"] is None, 20, "the error to clear")


def corrupt_middle(path):
    """Overwrite 16 KiB in the middle of the database file, beyond its
    header, as a failing disk or a stray write would."""
    size = os.path.getsize(path)
    assert size > 64 * 1024, size
    with open(path, "r+b") as f:
        f.seek(size // 2 // 4096 * 4096)
        f.write(b"\xa5" * 16384)


def queue_some(node, n=300):
    answers = node.api([send_req("bravo", i, body="indicator %d " % i * 20) for i in range(n)])
    assert all(x["ok"] for x in answers)


def test_a_damaged_store_stops_the_daemon_at_start_with_sqlites_words(make_node):
    a, b = make_node("alpha"), make_node("bravo")
    a.pin(b)
    a.start()
    queue_some(a)
    a.stop()
    corrupt_middle(os.path.join(a.dir, "parley.db"))
    p = subprocess.run([os.path.join(BIN, "parleyd"), "--dir", a.dir], capture_output=True,
                       text=True, timeout=deadline(60))
    assert p.returncode != 0
    assert "damaged" in p.stderr, p.stderr
    assert "quick_check" in p.stderr, p.stderr
    assert not os.path.exists(os.path.join(a.dir, "parleyd.sock"))


def test_log_verify_prints_sqlites_message_on_a_damaged_store(make_node):
    a, b = make_node("alpha"), make_node("bravo")
    a.pin(b)
    a.start()
    queue_some(a)
    a.stop()
    assert a.cli("log", "verify", check=False).returncode == 0
    corrupt_middle(os.path.join(a.dir, "parley.db"))
    p = a.cli("log", "verify", check=False)
    assert p.returncode != 0
    assert "damaged" in p.stderr and "SQLite" in p.stderr, p.stderr
    assert "store error" not in p.stderr


def damage_inbox_under(node):
    """Damage the running node's inbox table on disk: the store checkpointed,
    the table's root page overwritten, then a write through SQLite (the
    same bytes again) so that the daemon drops its cached pages."""
    path = os.path.join(node.dir, "parley.db")
    db = sqlite3.connect(path, timeout=10)
    try:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        root = db.execute("SELECT rootpage FROM sqlite_schema WHERE name = 'inbox'").fetchone()[0]
        psize = db.execute("PRAGMA page_size").fetchone()[0]
        with open(path, "r+b") as f:
            f.seek((root - 1) * psize)
            f.write(b"\xa5" * psize)
        db.execute("UPDATE peers SET links = links")
        db.commit()
    finally:
        db.close()


def test_damage_met_while_running_is_an_alarm_and_refuses_new_messages(pair):
    a, b = pair
    assert a.send("bravo", "before").returncode == 0
    damage_inbox_under(b)
    p = send_plain(a, "bravo", "after the damage")
    assert p.returncode == 0, p.stderr               # queued at alpha, kept there
    wait_for(lambda: "store damaged" in (peer_status(a, "bravo")["last_error"] or ""), 20,
             "alpha to be told to retry later")
    assert "503" in peer_status(a, "bravo")["last_error"]
    assert peer_status(a, "bravo")["alarm"] is None
    st = b.json("status")
    assert "malformed" in st["store_damaged"]
    assert "ALARM: store damaged" in b.cli("status").stdout
    assert b.loggrep("ALARM store damaged")
    p = send_plain(b, "alpha", "from a damaged store")
    assert p.returncode != 0 and "store damaged: message not queued" in p.stderr
    assert [m["subject"] for m in b.outbox()] == []   # reads still work
    assert [m["state"] for m in a.outbox()] == ["delivered", "queued"]


def test_recovery_after_kill9_raises_no_alarm_and_no_warning(make_node):
    """Batches out of order while a restarted receiver catches up are the
    ordinary course of recovery: info lines at most, never an alarm."""
    a, b = make_node("alpha"), make_node("bravo")
    a.pin(b)
    b.pin(a)
    a.start()
    for start in range(0, 1500, 500):
        assert all(x["ok"] for x in a.api([send_req("bravo", i, link="cert")
                                            for i in range(start, start + 500)]))
    for _ in range(3):
        b.start()
        wait_for(lambda: peek(b, "SELECT count(*) FROM inbox") > 0 or b.proc.poll(), 20,
                 "bravo to take a batch")
        b.kill9()
    b.start()
    wait_for(lambda: all(m["state"] == "delivered" for m in a.outbox()), 120, "every receipt")
    assert peer_status(a, "bravo")["alarm"] is None
    assert not a.loggrep(r"ALARM|expects another sequence"), a.loggrep(r"ALARM|expects")
    assert not b.loggrep(r"warning: .*(out of order|refused message)")
