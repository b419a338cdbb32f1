"""Redundant paths (issue 14): a card lists several endpoints, in order of
preference; the link uses the first that works, fails over to the next at
once, shows each path in `parley status`, and goes back to the preferred
path when it answers again."""
import json
import os
import socket
import threading

from parley_e2e import free_port, run, wait_for


def stop(listener):
    """Close a listening socket another thread waits in accept() on: the
    shutdown wakes it, so that the port is free at once."""
    try:
        listener.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    listener.close()


class BlackHole:
    """A port that accepts TCP and never answers: the TLS handshake of whoever
    dials it can only time out."""

    def __init__(self, port):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", port))
        self.sock.listen(64)
        self.held = []
        self.accepted = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            self.held.append(c)     # held open, never read, never written
            self.accepted += 1

    def close(self):
        stop(self.sock)
        for c in self.held:
            c.close()


class Forwarder:
    """A TCP forwarder from port to 127.0.0.1:target: a route to the node
    that can be cut and restored."""

    def __init__(self, port, target):
        self.target = target
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", port))
        self.sock.listen(64)
        self.conns = []
        self.accepted = 0
        self.bytes = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            try:
                u = socket.create_connection(("127.0.0.1", self.target))
            except OSError:
                c.close()
                continue
            self.conns += [c, u]
            self.accepted += 1
            threading.Thread(target=self._pump, args=(c, u), daemon=True).start()
            threading.Thread(target=self._pump, args=(u, c), daemon=True).start()

    def _pump(self, src, dst):
        try:
            while True:
                b = src.recv(65536)
                if not b:
                    break
                self.bytes += len(b)
                dst.sendall(b)
        except OSError:
            pass
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def close(self):
        stop(self.sock)
        for c in self.conns:
            try:
                c.close()
            except OSError:
                pass


def paths_of(node, peer):
    st = node.json("status")
    return next(p for p in st["peers"] if p["name"] == peer)["paths"]


def active(paths):
    return [p["n"] for p in paths if p["active"]]


def test_failover_to_a_backup_and_back_to_the_primary(make_node):
    a, b = make_node("alpha"), make_node("bravo")
    hole_port, dead_port = free_port(), free_port()
    primary = f"https://127.0.0.1:{hole_port}"
    dead = f"https://127.0.0.1:{dead_port}"
    real = f"https://127.0.0.1:{b.port}"
    hole = BlackHole(hole_port)
    try:
        # bravo's card: a primary route (for now a black hole), a route that
        # refuses, then its own listening address
        b.cli("config", "set", "endpoints", f"{primary} {dead} {real}")
        a.cli("config", "set", "path_probe_ms", "1000")
        a.pin(b)
        b.pin(a)
        listed = {p["name"]: p for p in a.json("peer", "list")}["bravo"]
        assert listed["endpoints"] == [primary, dead, real]
        assert listed["endpoint"] == primary
        a.start()
        b.start()

        # delivered over the backup: path 0 times out in its TLS handshake,
        # path 1 refuses, at once, with no backoff between them
        p = a.send("bravo", "over the backup", wait=40)
        assert p.returncode == 0, p.stderr
        paths = paths_of(a, "bravo")
        assert [p["url"] for p in paths] == [primary, dead, real]
        assert [p["n"] for p in paths] == [0, 1, 2]
        assert active(paths) == [2], paths
        assert [p["state"] for p in paths] == ["down", "down", "up"], paths
        assert "timed out" in paths[0]["last_error"]["reason"], paths[0]
        assert paths[0]["last_error"]["at"] and paths[0]["last_ok"] is None
        assert paths[1]["last_error"]["reason"], paths[1]
        assert paths[2]["last_ok"] and paths[2]["last_error"] is None
        assert hole.accepted > 0
        st = {p["name"]: p for p in a.json("status")["peers"]}["bravo"]
        assert st["endpoint"] == real and st["reachable"] is True
        text = a.cli("status").stdout
        assert f"* path 2 up      {real}" in text, text
        assert f"  path 0 down    {primary}" in text and "timed out" in text, text
        # one line for the change, not one per lane or per request
        changed = a.loggrep("peer bravo: now on path 2")
        assert len(changed) == 1, a.loggrep("peer bravo:")
        assert "TLS handshake timed out" in changed[0], changed

        # the primary comes back: the black hole gives way to a route to bravo
        hole.close()
        fwd = Forwarder(hole_port, b.port)
        try:
            wait_for(lambda: active(paths_of(a, "bravo")) == [0], 30,
                     "alpha to take the primary path back")
            paths = paths_of(a, "bravo")
            assert paths[0]["state"] == "up" and paths[0]["last_ok"], paths
            assert a.loggrep(r"peer bravo: back on path 0 \(" + primary)
            before = fwd.bytes
            p = a.send("bravo", "over the primary again", wait=30)
            assert p.returncode == 0, p.stderr
            assert fwd.bytes > before, "the message did not go over the primary"
            assert [m["subject"] for m in b.inbox()] == ["over the backup",
                                                          "over the primary again"]
            assert all(m["state"] == "delivered" for m in a.outbox())
        finally:
            fwd.close()
    finally:
        hole.close()


def test_every_path_down_backs_off_and_names_the_paths(make_node):
    a, b = make_node("alpha"), make_node("bravo")
    dead = f"https://127.0.0.1:{free_port()}"
    b.cli("config", "set", "endpoints", f"{dead} https://127.0.0.1:{b.port}")
    a.pin(b)
    b.pin(a)
    a.start()                   # bravo is not running: both paths refuse
    ids = [x["id"] for x in a.api([{"op": "send", "peer": "bravo", "link": "urgent",
                                    "type": "notification", "priority": "flash",
                                    "subject": "while down", "body": ""}])]

    def failed():
        st = {p["name"]: p for p in a.json("status")["peers"]}["bravo"]
        return st if st["last_error"] and all(p["state"] == "down" for p in st["paths"]) \
            else None
    st = wait_for(failed, 20, "both paths down")
    assert "all 2 paths failed" in st["last_error"], st
    assert active(st["paths"]) == [0]           # the next round starts at the primary
    b.start()
    wait_for(lambda: all(m["state"] == "delivered" for m in a.outbox()), 30,
             "delivery once bravo is up")
    assert [m["id"] for m in b.inbox()] == ids
    st = {p["name"]: p for p in a.json("status")["peers"]}["bravo"]
    assert active(st["paths"]) == [1] and st["paths"][1]["state"] == "up"


def test_init_peer_add_and_update_keep_every_endpoint_in_order(make_node, top):
    d = top[0]
    eps = [f"https://127.0.0.1:{free_port()}", "https://b.example.net:7400",
           "https://[::1]:7401"]
    c = os.path.join(d, "charlie")
    p = run("init", "charlie", "--dir", c, "--listen", f"127.0.0.1:{free_port()}",
            *[x for e in eps for x in ("--endpoint", e)])
    assert p.returncode == 0, p.stderr
    assert p.stdout.count("https://") == 3
    card = json.loads(run("card", "--dir", c, check=True).stdout)
    assert card["card"]["endpoints"] == eps
    assert json.load(open(os.path.join(c, "parley.json")))["endpoints"] == eps
    # refused: five endpoints, the same one twice
    p = run("init", "delta", "--dir", os.path.join(d, "delta"), "--listen", "127.0.0.1:1",
            *[x for i in range(5) for x in ("--endpoint", f"https://h:{i + 1}")])
    assert p.returncode == 1 and "at most 4 --endpoint" in p.stderr
    p = run("init", "delta", "--dir", os.path.join(d, "delta"), "--listen", "127.0.0.1:1",
            "--endpoint", "https://h:1", "--endpoint", "https://h:1")
    assert p.returncode == 1 and "given twice" in p.stderr
    assert not os.path.exists(os.path.join(d, "delta", "parley.json"))

    a = make_node("alpha")
    path = os.path.join(d, "charlie.card")
    with open(path, "w") as f:
        f.write(run("card", "--dir", c, check=True).stdout)
    fp = run("fingerprint", "--dir", c, check=True).stdout.split("  (")[0]
    r = a.cli("peer", "add", path, "--fingerprint", fp)
    assert all(e in r.stdout for e in eps), r.stdout
    peer = {p["name"]: p for p in a.json("peer", "list")}["charlie"]
    assert peer["endpoints"] == eps and peer["endpoint"] == eps[0]
    text = a.cli("peer", "list").stdout.splitlines()
    assert any(eps[1] in line and line.startswith(" ") for line in text), text

    # a newer card with another list replaces it, in its order
    run("config", "set", "endpoints", f"{eps[2]} {eps[0]}", "--dir", c, check=True)
    with open(path, "w") as f:
        f.write(run("card", "--dir", c, check=True).stdout)
    a.cli("peer", "update", path)
    peer = {p["name"]: p for p in a.json("peer", "list")}["charlie"]
    assert peer["endpoints"] == [eps[2], eps[0]]
    # --endpoint on peer add still overrides the card's list with that one
    a.cli("peer", "remove", "charlie")
    a.cli("peer", "add", path, "--fingerprint", fp, "--endpoint", "https://override:9")
    peer = {p["name"]: p for p in a.json("peer", "list")}["charlie"]
    assert peer["endpoints"] == ["https://override:9"]


def test_an_older_config_with_one_endpoint_still_runs(make_node):
    a, b = make_node("alpha"), make_node("bravo")
    for n in (a, b):                # as an older parley wrote it
        path = os.path.join(n.dir, "parley.json")
        cfg = json.load(open(path))
        cfg["endpoint"] = cfg.pop("endpoints")[0]
        with open(path, "w") as f:
            json.dump(cfg, f, indent=2)
    assert json.loads(b.cli("config", "get", "endpoints", "--json").stdout)["value"] == \
        [f"https://127.0.0.1:{b.port}"]
    a.pin(b)
    b.pin(a)
    a.start()
    b.start()
    assert a.send("bravo", "one endpoint").returncode == 0
    paths = paths_of(a, "bravo")
    assert len(paths) == 1 and paths[0]["active"] and paths[0]["state"] == "up"


def test_checks_per_path(make_node):
    """parley check --path N goes on the peer's path N; parley checks gives
    the figures of each path the checks came back on."""
    a, b = make_node("alpha"), make_node("bravo")
    fport = free_port()
    fwd = Forwarder(fport, b.port)
    try:
        b.cli("config", "set", "endpoints", f"https://127.0.0.1:{fport} "
              f"https://127.0.0.1:{b.port}")
        a.cli("config", "set", "path_probe_ms", "60000")    # stays where it is sent
        a.pin(b)
        b.pin(a)
        a.start()
        b.start()
        p = a.cli("check", "bravo", "--wait=20")
        assert "delivered" in p.stdout, p.stderr
        before = fwd.bytes
        p = a.cli("check", "bravo", "--path", "1", "--wait=20")
        assert "delivered" in p.stdout, p.stderr
        on1 = p.stdout.splitlines()[0]
        # the link stays on the path chosen (a request in flight on path 0
        # answering does not take it back) until the probe interval passes
        assert active(paths_of(a, "bravo")) == [1]
        p = a.cli("check", "bravo", "--path", "0", "--wait=20")
        assert "delivered" in p.stdout, p.stderr
        assert fwd.bytes > before
        rows = {r["path"]: r for r in a.json("checks") if r["direction"] == "sent"}
        assert set(rows) == {0, 1}, rows
        assert rows[0]["machine"]["answered"] == 2 and rows[1]["machine"]["answered"] == 1
        bad = a.cli("check", "bravo", "--path", "3", check=False)
        assert bad.returncode == 1 and "no such path" in bad.stderr, bad.stderr
        assert len(on1) == 36
    finally:
        fwd.close()
