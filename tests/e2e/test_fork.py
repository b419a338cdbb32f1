"""Equivocation caught by the peer (issue 12, item 1).

alpha's store is restored from an older copy and alpha sends on from it: its
new messages reuse sequence numbers that bravo already holds with other
messages, all signed by alpha.  Two statements signed by one key for one
(link, seq) are proof of equivocation, and bravo must keep and show it.
"""
import base64
import http.client
import json
import os
import shutil

from cryptography.hazmat.primitives import serialization

from parley_e2e import b64u, deadline, run, send_req, tls_client, wait_for


def send_wait(a, peer, n, subject):
    for i in range(n):
        a.cli("send", peer, "--link", "urgent", "--type", "notification", "--priority",
              "flash", "--subject", f"{subject} {i}", "--body", "-", "--wait=20",
              stdin=f"body {i}\n")


def peer_status(node, name):
    return [p for p in node.json("status")["peers"] if p["name"] == name][0]


def restore(a, saved):
    a.stop()
    for ext in ("", "-wal", "-shm"):
        path = os.path.join(a.dir, "parley.db" + ext)
        if os.path.exists(path):
            os.unlink(path)
    shutil.copy(saved, os.path.join(a.dir, "parley.db"))
    a.start()


def message_forks(node):
    return [f for f in node.json("log", "forks") if f["kind"] == "message"]


def b64d(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def forge(a, jws, **changes):
    """The message jws with its payload changed and signed again with alpha's
    own key: what an equivocating alpha would send."""
    head, pay, _ = jws.split(".")
    payload = json.loads(b64d(pay))
    payload.update(changes)
    pay = b64u(json.dumps(payload, separators=(",", ":")).encode())
    with open(os.path.join(a.dir, "identity.key"), "rb") as f:
        key = serialization.load_pem_private_key(f.read(), None)
    return f"{head}.{pay}." + b64u(key.sign(f"{head}.{pay}".encode()))


def post_as(a, b, path, body, method="POST"):
    """A request to bravo over TLS with alpha's own identity: (status, text)."""
    ctx = tls_client(os.path.join(a.dir, "identity.crt"), os.path.join(a.dir, "identity.key"))
    c = http.client.HTTPSConnection("127.0.0.1", b.port, context=ctx, timeout=deadline(20))
    c.request(method, path, body=body.encode() if body is not None else None)
    r = c.getresponse()
    out = r.status, r.read().decode()
    c.close()
    return out


def equivocation(pair):
    """alpha sends 2 messages; then a second message for seq 2, signed by
    alpha's key, reaches bravo."""
    a, b = pair
    send_wait(a, "bravo", 2, "before")
    sent = {m["seq"]: m["id"] for m in a.json("outbox", "--all")}
    jws = a.cli("show", sent[2], "--jws").stdout.strip()
    other = forge(a, jws, subject="rewritten", id=sent[2][:-4] + "beef")
    code, text = post_as(a, b, "/v1/messages", other + "\n")
    res = json.loads(text)["results"][0]
    assert code == 409 and res["status"] == 409 and "fork" in res["reason"], text
    return a, b, jws, other


def test_peer_keeps_both_messages_and_raises_a_fork_alarm(pair):
    a, b, jws, other = equivocation(pair)
    forks = message_forks(b)
    assert len(forks) == 1, forks
    f = forks[0]
    assert f["peer"] == "alpha" and f["subject"] == "urgent 2"
    assert (f["held"], f["presented"]) == (jws, other)
    # The alarm: in status (human and JSON), in the daemon's log.
    st = peer_status(b, "alpha")
    assert "FORK" in st["alarm"] and st["forks"] == 1
    human = b.cli("status").stdout
    assert "FORK" in human, human
    assert "FORK: peer alpha signed two different messages for link urgent seq 2" in b.logtext()
    # The human list names the fork and how to prove it.
    listing = b.cli("log", "forks").stdout
    assert "FORK %d: message of alpha" % f["id"] in listing
    assert "parley evidence fork %d" % f["id"] in listing
    # bravo's inbox still holds the message it accepted first, unchanged.
    assert [m["subject"] for m in b.json("inbox", "--all")] == ["before 0", "before 1"]
    # The same statement again is recorded once; the alarm survives a restart.
    assert post_as(a, b, "/v1/messages", other + "\n")[0] == 409
    assert len(message_forks(b)) == 1
    b.stop()
    b.start()
    assert "FORK" in peer_status(b, "alpha")["alarm"]


def test_fork_proof_verifies_offline_with_the_signers_card(pair, top):
    a, b, jws, other = equivocation(pair)
    fid = message_forks(b)[0]["id"]
    proof = os.path.join(top[0], "proof.json")
    with open(proof, "w") as f:
        f.write(b.cli("evidence", "fork", str(fid)).stdout)
    acard, bcard = a.card_path(), b.card_path()
    p = run("evidence", "verify", proof, "--card", acard)
    assert p.returncode == 0, p.stderr
    assert "FORK PROVEN: alpha" in p.stdout and "seq 2" in p.stdout, p.stdout
    # Negative cases: the wrong card, one statement twice, a forged signature,
    # two messages for different sequence numbers, an unknown fork number.
    p = run("evidence", "verify", proof, "--card", bcard)
    assert p.returncode == 1 and "does NOT verify" in p.stderr, p.stderr
    with open(proof) as f:
        doc = json.load(f)

    def variant(name, statements):
        path = os.path.join(top[0], name)
        with open(path, "w") as f:
            json.dump(dict(doc, statements=statements), f)
        return run("evidence", "verify", path, "--card", acard)
    p = variant("same.json", [jws, jws])
    assert p.returncode == 1 and "the same" in p.stderr, p.stderr
    forged = other[:-3] + ("A" if other[-3] != "A" else "B") + other[-2:]
    p = variant("forged.json", [jws, forged])
    assert p.returncode == 1 and "second message does not verify" in p.stderr, p.stderr
    first = [m for m in a.json("outbox", "--all") if m["seq"] == 1][0]["id"]
    p = variant("seqs.json", [a.cli("show", first, "--jws").stdout.strip(), other])
    assert p.returncode == 1 and "different links or sequence numbers" in p.stderr, p.stderr
    p = b.cli("evidence", "fork", "99", check=False)
    assert p.returncode == 1 and "no fork 99" in p.stderr, p.stderr
    p = run("evidence", "verify", proof, "--card", acard, "--card", bcard)
    assert p.returncode == 1 and "one --card" in p.stderr, p.stderr


def test_restored_node_stops_signing_instead_of_rewriting_history(pair, top):
    """alpha's store is restored from an older copy: at its first hello
    bravo's marks show that bravo holds more of alpha's history than alpha
    does, so alpha signs nothing new, and bravo sees no fork."""
    a, b = pair
    send_wait(a, "bravo", 2, "before")
    a.stop()
    saved = os.path.join(top[0], "alpha-old.db")
    shutil.copy(os.path.join(a.dir, "parley.db"), saved)
    a.start()
    send_wait(a, "bravo", 2, "after")
    restore(a, saved)
    wait_for(lambda: a.json("status")["halted"], 20, "alpha to stop signing")
    halted = a.json("status")["halted"]
    assert ("bravo: holds our messages on link urgent up to seq 4; this store signed only"
            " up to seq 2") in halted, halted
    assert "STOPPED" in a.cli("status").stdout
    assert "HALT: peer bravo holds our messages on link urgent up to seq 4" in a.logtext()
    p = a.send("bravo", "rewritten", wait=5)
    assert p.returncode != 0 and "stopped signing" in p.stderr, p.stderr
    assert [m["seq"] for m in a.json("outbox", "--all")] == [1, 2]
    # bravo answers alpha's hello, sees nothing forked, holds what it held.
    assert b.json("log", "forks") == []
    assert [m["subject"] for m in b.json("inbox", "--all")] == \
        ["before 0", "before 1", "after 0", "after 1"]
    # bravo's messages to a halted alpha wait (503): no receipt is signed.
    b.api([send_req("alpha", 0, subject="to a halted node")])
    wait_for(lambda: "recovering its history" in (peer_status(b, "alpha")["last_error"] or ""),
             20, "bravo to be told that alpha is recovering")
    assert a.json("inbox", "--all") == []
    # The halt is on record: it holds across a restart, before any hello.
    a.stop()
    a.start()
    assert a.json("status")["halted"] == halted


def test_peer_serves_a_node_its_own_history(pair):
    """GET /v1/history: what bravo holds of alpha's history on a link, for a
    restored alpha to rebuild from: alpha's messages with bravo's receipts,
    bravo's messages answered by alpha with alpha's receipts, byte for byte,
    and the checkpoint of alpha's log bravo cosigned."""
    a, b = pair
    send_wait(a, "bravo", 3, "from alpha")
    send_wait(b, "alpha", 2, "from bravo")
    wait_for(lambda: (peer_status(a, "bravo")["cosigned_size"] or 0) >= 5, 20,
             "bravo to cosign alpha's log")
    mine = {m["seq"]: m["id"] for m in a.json("outbox", "--all")}
    theirs = {m["seq"]: m["id"] for m in b.json("outbox", "--all")}

    def get(query):
        code, text = post_as(a, b, "/v1/history?" + query, None, method="GET")
        return code, json.loads(text)
    code, h = get("link=urgent&sent_after=1&received_after=0")
    assert code == 200 and h["complete"] is True, h
    assert [m["seq"] for m in h["sent"]] == [2, 3]
    for m in h["sent"]:
        assert m["status"] == 200
        assert m["message"] == a.cli("show", mine[m["seq"]], "--jws").stdout.strip()
        assert m["receipt"] == a.cli("receipt", mine[m["seq"]], "--jws").stdout.strip()
    assert [m["seq"] for m in h["received"]] == [1, 2]
    for m in h["received"]:
        assert m["state"] == "delivered"
        assert m["message"] == b.cli("show", theirs[m["seq"]], "--jws").stdout.strip()
        assert m["receipt"] == b.cli("receipt", theirs[m["seq"]], "--jws").stdout.strip()
    assert h["cosigned"]["size"] >= 5
    assert h["cosigned"]["note"].startswith("parley/alpha/")
    # Pages: limit 1 gives one of each and says there is more.
    code, h = get("link=urgent&sent_after=0&received_after=0&limit=1")
    assert code == 200 and h["complete"] is False
    assert [m["seq"] for m in h["sent"]] == [1] and [m["seq"] for m in h["received"]] == [1]
    # Nothing after the last: complete and empty.
    code, h = get("link=urgent&sent_after=3&received_after=2")
    assert code == 200 and h["complete"] is True and h["sent"] == [] and h["received"] == []
    # Refusals: a link not agreed, a bad count.
    assert post_as(a, b, "/v1/history?link=leaders", None, method="GET")[0] == 404
    assert post_as(a, b, "/v1/history?link=urgent&sent_after=-1", None, method="GET")[0] == 400
    assert post_as(a, b, "/v1/history?link=urgent&limit=x", None, method="GET")[0] == 400
