"""parley_e2e - helpers for the end-to-end tests: real daemons on loopback.

Every wait is on a condition with a deadline (wait_for); nothing sleeps to
synchronise.  PARLEY_BIN names the build directory (default: ../../build).
"""
import json
import os
import signal
import socket
import sqlite3
import subprocess
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
BIN = os.environ.get("PARLEY_BIN", os.path.join(HERE, "..", "..", "build"))
# Sanitizer builds run several times slower: stretch every deadline.
SLOW = 4 if "asan" in os.path.basename(os.path.normpath(BIN)) else 1


def deadline(seconds):
    return seconds * SLOW


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_for(pred, timeout, what):
    end = time.monotonic() + deadline(timeout)
    last = None
    while time.monotonic() < end:
        last = pred()
        if last:
            return last
        time.sleep(0.02)
    raise AssertionError(f"timed out after {deadline(timeout)} s waiting for {what}")


def run(*args, stdin=None, check=False):
    p = subprocess.run([os.path.join(BIN, "parley"), *map(str, args)], input=stdin,
                       capture_output=True, text=True, timeout=deadline(60))
    if check and p.returncode != 0:
        raise AssertionError(f"parley {' '.join(map(str, args))} failed ({p.returncode}): {p.stderr}")
    return p


class Node:
    def __init__(self, top, name, max_body=None):
        self.name = name
        self.dir = os.path.join(top, name)
        self.port = free_port()
        self.proc = None
        self.log = os.path.join(top, name + ".log")
        args = ["init", name, "--dir", self.dir, "--listen", f"127.0.0.1:{self.port}"]
        if max_body:
            args += ["--max-body", max_body]
        run(*args, check=True)

    def cli(self, *args, check=True, stdin=None):
        return run(*args, "--dir", self.dir, stdin=stdin, check=check)

    def json(self, *args):
        return json.loads(self.cli(*args, "--json").stdout)

    def card_path(self):
        path = self.dir + ".card"
        with open(path, "w") as f:
            f.write(self.cli("card").stdout)
        return path

    def fingerprint(self):
        return self.cli("fingerprint").stdout.split("  (")[0]

    def pin(self, other, links="urgent,cert"):
        self.cli("peer", "add", other.card_path(), "--fingerprint", other.fingerprint(),
                 "--links", links)

    def start(self):
        assert self.proc is None or self.proc.poll() is not None
        self.proc = subprocess.Popen([os.path.join(BIN, "parleyd"), "--dir", self.dir],
                                     stderr=open(self.log, "a"))
        wait_for(lambda: self.proc.poll() is not None or
                 self.cli("status", check=False).returncode == 0, 20, f"{self.name} to start")
        assert self.proc.poll() is None, f"{self.name} exited:\n{self.logtext()}"

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            assert self.proc.wait(timeout=deadline(20)) == 0, self.logtext()
        self.proc = None

    def kill9(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.proc = None

    def logtext(self):
        try:
            with open(self.log) as f:
                return f.read()
        except OSError:
            return ""

    def api(self, reqs):
        """Pipeline requests on one local API connection; return the answers."""
        s = socket.socket(socket.AF_UNIX)
        s.connect(os.path.join(self.dir, "parleyd.sock"))
        s.sendall("".join(json.dumps(r) + "\n" for r in reqs).encode())
        f = s.makefile("r")
        out = [json.loads(f.readline()) for _ in reqs]
        s.close()
        return out

    def outbox(self):
        return self.json("outbox", "--all")

    def inbox(self):
        return self.json("inbox", "--all")


def ckpt_size(node):
    """The size in the node's latest signed checkpoint (0: none yet)."""
    p = node.cli("log", "checkpoint", check=False)
    return int(p.stdout.split("\n")[1]) if p.returncode == 0 else 0


def peek(node, sql):
    """The one value sql reads from the node's store, read-only beside the
    daemon: cheap enough to poll (WAL readers never block)."""
    db = sqlite3.connect(f"file:{node.dir}/parley.db?mode=ro", uri=True, timeout=5)
    try:
        return db.execute(sql).fetchone()[0]
    finally:
        db.close()


def log_size(node):
    """Entries in the node's log."""
    return peek(node, "SELECT count(*) FROM tlog WHERE idx IS NOT NULL")


def send_req(peer, i=0, link="urgent", body="", **kw):
    r = {"op": "send", "peer": peer, "link": link, "type": "notification",
         "priority": "flash", "subject": f"message {i}", "body": body}
    r.update(kw)
    return r


def short_tmp():
    # unix socket paths must stay under 108 bytes
    return tempfile.mkdtemp(prefix="pe2e")
