"""Equivocation caught by the peer (issue 12, item 1).

alpha's store is restored from an older copy and alpha sends on from it: its
new messages reuse sequence numbers that bravo already holds with other
messages, all signed by alpha.  Two statements signed by one key for one
(link, seq) are proof of equivocation, and bravo must keep and show it.
"""
import base64
import json
import os
import shutil

from cryptography.hazmat.primitives import serialization

from parley_e2e import b64u, log_size, request_as, run, send_req, wait_for


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
    return request_as(a, b, path, body, method)


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


def test_restored_node_recovers_its_history_from_the_peer(pair, top):
    """alpha's store is restored from an older copy.  At its first hello
    bravo's marks show that bravo holds more of alpha's history than alpha
    does: alpha halts before it signs anything, fetches that history from
    bravo, checks every signature, rebuilds its store and log, checks the log
    against the checkpoint bravo cosigned, and signs again.  bravo sees no
    fork; every receipt is the very one issued before."""
    a, b = pair
    send_wait(a, "bravo", 2, "before")
    a.stop()
    saved = os.path.join(top[0], "alpha-old.db")
    shutil.copy(os.path.join(a.dir, "parley.db"), saved)
    a.start()
    send_wait(a, "bravo", 2, "after")
    send_wait(b, "alpha", 2, "from bravo")
    send_wait(a, "bravo", 1, "last")
    wait_for(lambda: (peer_status(a, "bravo")["cosigned_size"] or 0) >= 7, 20,
             "bravo to cosign alpha's log")
    before = {m["id"]: a.cli("receipt", m["id"], "--jws").stdout for m in a.outbox()}
    inbox = [(m["id"], m["subject"]) for m in a.inbox()]
    restore(a, saved)
    wait_for(lambda: "RECOVERED: 1 peer(s) gave back 5 statements" in a.logtext(), 20,
             "alpha to recover its history from bravo")
    assert "HALT: peer bravo holds our messages on link urgent up to seq 5" in a.logtext()
    assert a.json("status")["halted"] is None
    out = a.outbox()
    assert [(m["seq"], m["subject"], m["state"]) for m in out] == [
        (1, "before 0", "delivered"), (2, "before 1", "delivered"),
        (3, "after 0", "delivered"), (4, "after 1", "delivered"), (5, "last 0", "delivered")]
    assert {m["id"]: a.cli("receipt", m["id"], "--jws").stdout for m in out} == before
    assert [(m["id"], m["subject"]) for m in a.inbox()] == inbox
    assert a.cli("log", "verify").returncode == 0
    # alpha signs again, after what it recovered, and bravo sees no fork.
    p = a.send("bravo", "after recovery")
    assert p.returncode == 0, p.stderr
    assert [m["seq"] for m in a.outbox()][-1] == 6
    p = b.send("alpha", "to alpha again")
    assert p.returncode == 0, p.stderr
    assert b.json("log", "forks") == []
    wait_for(lambda: (peer_status(a, "bravo")["cosigned_size"] or 0) >= 9, 20,
             "bravo to cosign alpha's log past the recovery")
    # A recovered message's evidence verifies offline with the two cards.
    bundle = os.path.join(top[0], "bundle.json")
    with open(bundle, "w") as f:
        f.write(a.cli("evidence", out[2]["id"]).stdout)
    p = run("evidence", "verify", bundle, "--card", a.card_path(), "--card", b.card_path())
    assert p.returncode == 0, p.stderr


def test_restored_node_recovers_from_every_peer_once_all_answer(make_node, top):
    """alpha's log holds statements for bravo and for charlie: the rebuild
    needs both.  While charlie is down alpha stays stopped and says so; once
    charlie answers, alpha recovers from both and signs again."""
    a, b, c = make_node("alpha"), make_node("bravo"), make_node("charlie")
    for x, y in ((a, b), (b, a), (a, c), (c, a)):
        x.pin(y)
    for x in (a, b, c):
        x.start()
    send_wait(a, "bravo", 1, "before")
    send_wait(a, "charlie", 1, "before")
    a.stop()
    saved = os.path.join(top[0], "alpha-old.db")
    shutil.copy(os.path.join(a.dir, "parley.db"), saved)
    a.start()
    send_wait(a, "bravo", 1, "after")
    send_wait(a, "charlie", 1, "after")
    send_wait(c, "alpha", 1, "from charlie")
    send_wait(a, "bravo", 1, "last")
    wait_for(lambda: (peer_status(a, "bravo")["cosigned_size"] or 0) >= 6 and
             (peer_status(a, "charlie")["cosigned_size"] or 0) >= 6, 20,
             "both peers to cosign alpha's log")
    c.stop()
    restore(a, saved)
    wait_for(lambda: "could not be fetched" in (a.json("status")["halted"] or ""), 20,
             "alpha to say what it is missing")
    assert "charlie" in a.json("status")["halted"]
    p = a.send("bravo", "too early", wait=5)
    assert p.returncode != 0 and "stopped signing" in p.stderr, p.stderr
    c.start()
    wait_for(lambda: "RECOVERED: 2 peer(s) gave back 4 statements" in a.logtext(), 60,
             "alpha to recover from both peers")
    assert a.json("status")["halted"] is None
    assert [(m["to"], m["seq"], m["subject"]) for m in a.outbox()] == [
        ("bravo", 1, "before 0"), ("charlie", 1, "before 0"), ("bravo", 2, "after 0"),
        ("charlie", 2, "after 0"), ("bravo", 3, "last 0")]
    assert [m["subject"] for m in a.inbox()] == ["from charlie 0"]
    assert a.cli("log", "verify").returncode == 0
    assert a.send("charlie", "after recovery").returncode == 0
    assert b.json("log", "forks") == [] and c.json("log", "forks") == []


def unrecoverable(make_node, top):
    """alpha restored from a copy after which bravo refused one of its
    messages (so bravo holds none of its bytes): alpha halts for good."""
    a, b = make_node("alpha"), make_node("bravo", max_body="100")
    a.pin(b)
    b.pin(a)
    a.start()
    b.start()
    send_wait(a, "bravo", 2, "before")
    a.stop()
    saved = os.path.join(top[0], "alpha-old.db")
    shutil.copy(os.path.join(a.dir, "parley.db"), saved)
    a.start()
    a.cli("send", "bravo", "--link", "urgent", "--type", "notification", "--priority",
          "flash", "--subject", "too big", "--body", "-", "--wait=20", stdin="x" * 200,
          check=False)
    send_wait(a, "bravo", 1, "after")
    restore(a, saved)
    wait_for(lambda: "could not be recovered" in (a.json("status")["halted"] or ""), 20,
             "alpha to give up recovering")
    return a, b


def test_restored_node_that_cannot_recover_stays_stopped(make_node, top):
    """alpha cannot rebuild its log, stays halted and says why; it signs
    nothing, and bravo sees no fork."""
    a, b = unrecoverable(make_node, top)
    halted = a.json("status")["halted"]
    assert "refused one of our messages" in halted, halted
    assert "STOPPED" in a.cli("status").stdout
    p = a.send("bravo", "rewritten", wait=5)
    assert p.returncode != 0 and "stopped signing" in p.stderr, p.stderr
    assert [m["seq"] for m in a.outbox()] == [1, 2]
    assert b.json("log", "forks") == []
    # bravo's messages to a halted alpha wait (503): no receipt is signed.
    b.api([send_req("alpha", 0, subject="to a halted node")])
    wait_for(lambda: "recovering its history" in (peer_status(b, "alpha")["last_error"] or ""),
             20, "bravo to be told that alpha is recovering")
    assert a.inbox() == []
    # The halt is on record: it holds across a restart, before any hello.
    a.stop()
    a.start()
    assert a.json("status")["halted"]


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
    assert post_as(a, b, "/v1/history?link=Fax!", None, method="GET")[0] == 404
    assert post_as(a, b, "/v1/history?link=urgent&sent_after=-1", None, method="GET")[0] == 400
    assert post_as(a, b, "/v1/history?link=urgent&limit=x", None, method="GET")[0] == 400


def test_accept_loss_goes_on_and_tells_the_peer(make_node, top):
    """parley log accept-loss: alpha skips the sequence numbers bravo holds,
    goes on from its log as it is under a signed loss statement, and bravo
    records the loss, shows it, and cosigns alpha's log again from there."""
    a, b = unrecoverable(make_node, top)
    b.api([send_req("alpha", 0, subject="held while alpha was stopped")])
    p = a.cli("log", "accept-loss", check=False)
    assert p.returncode == 1 and "--yes" in p.stderr and "could not be recovered" in p.stderr
    assert a.json("status")["halted"]
    p = a.cli("log", "accept-loss", "--yes")
    assert "loss accepted" in p.stdout
    assert a.json("status")["halted"] is None
    assert "LOSS ACCEPTED" in a.logtext()
    wait_for(lambda: [f for f in b.json("log", "forks") if f["kind"] == "loss"], 20,
             "bravo to record alpha's loss")
    loss = [f for f in b.json("log", "forks") if f["kind"] == "loss"][0]
    assert "parley-loss" in loss["presented"] and loss["presented"].startswith("parley/alpha/")
    assert "LOSS: alpha declared its history lost" in peer_status(b, "alpha")["alarm"]
    assert "LOSS: alpha declared its history lost" in b.logtext()
    p = b.cli("evidence", "fork", str(loss["id"]), check=False)
    assert p.returncode == 1 and "not an equivocation" in p.stderr, p.stderr
    # alpha signs again past what bravo holds: seq 5 (bravo received 1-4).
    p = a.send("bravo", "after the loss")
    assert p.returncode == 0, p.stderr
    assert [m["seq"] for m in a.outbox()][-1] == 5
    # bravo's message waiting for alpha is delivered now.
    wait_for(lambda: [m for m in a.inbox() if m["subject"] == "held while alpha was stopped"],
             20, "bravo's message to reach alpha")
    # bravo cosigns alpha's log again, from the loss statement on.
    size = log_size(a)
    wait_for(lambda: (peer_status(a, "bravo")["cosigned_size"] or 0) >= size, 20,
             "bravo to cosign alpha's log after the loss")
    assert a.cli("log", "verify").returncode == 0
    assert [f for f in b.json("log", "forks") if f["kind"] != "loss"] == []
    # Nothing more to accept; the loss holds across a restart of both.
    p = a.cli("log", "accept-loss", "--yes", check=False)
    assert p.returncode == 1 and "nothing to accept" in p.stderr
    a.stop()
    b.stop()
    b.start()
    a.start()
    assert a.send("bravo", "after restarts").returncode == 0
    assert a.json("status")["halted"] is None
