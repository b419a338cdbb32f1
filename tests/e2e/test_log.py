"""The tamper-evident log: checkpoints, cosignatures, proofs, evidence, forks.

Formats are checked with an independent implementation (hashlib and the
cryptography package), not with parley's own code.
"""
import base64
import hashlib
import http.client
import json
import os
import sqlite3
import struct

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from parley_e2e import ckpt_size, log_size, run, send_req, tls_client, wait_for


def card(node):
    return json.loads(node.cli("card").stdout)["card"]


def pubkey(node):
    x = card(node)["key"]["x"]
    return base64.urlsafe_b64decode(x + "=" * (-len(x) % 4))


def key_id(name, typ, pk):
    return hashlib.sha256(name.encode() + b"\n" + bytes([typ]) + pk).digest()[:4]


def split_note(note):
    text, _, sigs = note.rpartition("\n\n")
    return text + "\n", [line for line in sigs.split("\n") if line]


def note_sigs(note, name, pk):
    """The Ed25519 (0x01) and cosignature (0x04) lines by name/pk that verify."""
    text, lines = split_note(note)
    found = {}
    for line in lines:
        dash, who, b64 = line.split(" ")
        assert dash == "\u2014"
        raw = base64.b64decode(b64, validate=True)
        if who != name:
            continue
        if raw[:4] == key_id(name, 1, pk):
            Ed25519PublicKey.from_public_bytes(pk).verify(raw[4:], text.encode())
            found[1] = True
        elif raw[:4] == key_id(name, 4, pk):
            t = struct.unpack(">Q", raw[4:12])[0]
            msg = b"cosignature/v1\ntime %d\n" % t + text.encode()
            Ed25519PublicKey.from_public_bytes(pk).verify(raw[12:], msg)
            found[4] = t
    return found


def origin(node):
    return "parley/%s/%s" % (node.name, node.json("status")["kid"])


def node_hash(l, r):
    return hashlib.sha256(b"\x01" + l + r).digest()


def root_from_inclusion(index, size, leaf, proof):
    """RFC 9162 section 2.1.3.2."""
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        assert sn != 0
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    assert sn == 0
    return r


def parse_proof(text):
    head, _, note = text.partition("\n\n")
    lines = head.split("\n")
    assert lines[0] == "c2sp.org/tlog-proof@v1"
    assert lines[1].startswith("index ")
    return int(lines[1][6:]), [base64.b64decode(h, validate=True) for h in lines[2:]], note


def cosigned(node, peer, size):
    st = node.json("status")["peers"]
    return [p for p in st if p["name"] == peer and p["cosigned_size"] >= size]


def send_wait(a, peer, n, subject="m"):
    ids = []
    for i in range(n):
        out = a.cli("send", peer, "--link", "urgent", "--type", "notification", "--priority",
                    "flash", "--subject", f"{subject} {i}", "--body", "-", "--wait=20",
                    stdin=f"body {i}\n").stdout
        ids.append(out.splitlines()[0])
    return ids


def test_checkpoint_vkey_and_cosignature_verify_independently(pair):
    a, b = pair
    ids = send_wait(a, "bravo", 3)
    vkey = a.cli("log", "vkey").stdout.strip()
    assert vkey == card(a)["vkey"]
    name, kid_hex, key = vkey.split("+", 2)
    assert name == origin(a) and bytes.fromhex(kid_hex) == key_id(name, 1, pubkey(a))
    assert base64.b64decode(key) == b"\x01" + pubkey(a)
    wait_for(lambda: cosigned(a, "bravo", 3), 20, "bravo to cosign alpha's log")
    note = a.cli("log", "checkpoint").stdout
    text, _ = split_note(note)
    o, size, root = text.splitlines()
    assert o == origin(a) and int(size) >= 3 and len(base64.b64decode(root)) == 32
    assert note_sigs(note, origin(a), pubkey(a)) .get(1) is True
    assert note_sigs(note, origin(b), pubkey(b)).get(4, 0) > 1700000000
    # The inclusion proof of a message leads to the checkpoint's root.
    for i, mid in enumerate(ids):
        proof = a.cli("log", "prove", mid).stdout
        index, hashes, pnote = parse_proof(proof)
        ptext, _ = split_note(pnote)
        _, psize, proot = ptext.splitlines()
        leaf = hashlib.sha256(b"\x00" + a.cli("show", mid, "--jws").stdout.strip().encode()).digest()
        assert root_from_inclusion(index, int(psize), leaf, hashes) == base64.b64decode(proot)
        assert note_sigs(pnote, origin(b), pubkey(b)).get(4)
    v = a.cli("log", "verify")
    assert v.returncode == 0
    assert "every signed checkpoint and every stored cosignature" in v.stdout
    assert b.cli("log", "verify").returncode == 0
    # bravo's log holds its receipts: proven in bravo's log, cosigned by alpha.
    wait_for(lambda: cosigned(b, "alpha", 3), 20, "alpha to cosign bravo's log")
    rproof = b.cli("log", "prove", ids[0]).stdout
    index, hashes, pnote = parse_proof(rproof)
    leaf = hashlib.sha256(b"\x00" + a.cli("receipt", ids[0], "--jws").stdout.strip().encode()).digest()
    ptext, _ = split_note(pnote)
    assert root_from_inclusion(index, int(ptext.splitlines()[1]), leaf, hashes) == \
        base64.b64decode(ptext.splitlines()[2])


def evidence(node, mid):
    def get():
        p = node.cli("evidence", mid, check=False)
        return p.stdout if p.returncode == 0 else None
    return wait_for(get, 30, f"evidence of {mid} from {node.name}")


def test_evidence_from_both_sides_verifies_offline(pair, top):
    a, b = pair
    mid = send_wait(a, "bravo", 2, subject="Grid scanning")[1]
    ca, cb = a.card_path(), b.card_path()
    for node in (a, b):
        bundle = evidence(node, mid)
        path = os.path.join(top[0], node.name + ".evidence.json")
        open(path, "w").write(bundle)
        j = json.loads(bundle)
        assert j["type"] == "parley-evidence" and j["message"] == a.cli("show", mid, "--jws").stdout.strip()
        for cards in ((ca, cb), (cb, ca)):
            p = run("evidence", "verify", path, "--card", cards[0], "--card", cards[1])
            assert p.returncode == 0, p.stderr
            assert mid in p.stdout and "alpha" in p.stdout and "bravo" in p.stdout
            assert "cosigned by bravo" in p.stdout and "cosigned by alpha" in p.stdout
        # offline: --dir (or PARLEY_DIR) is taken and not used
        p = node.cli("evidence", "verify", path, "--card", ca, "--card", cb)
        assert p.returncode == 0 and mid in p.stdout, p.stderr
    # One byte altered anywhere that matters: refused, naming the check.
    j = json.loads(open(path).read())
    for field in ("message", "receipt", "message_proof", "receipt_proof"):
        bad = dict(j)
        s = bad[field]
        k = len(s) // 2
        bad[field] = s[:k] + ("A" if s[k] != "A" else "B") + s[k + 1:]
        bp = os.path.join(top[0], "bad.json")
        open(bp, "w").write(json.dumps(bad))
        p = run("evidence", "verify", bp, "--card", ca, "--card", cb)
        assert p.returncode == 1 and "does NOT verify" in p.stderr, (field, p.stderr)
    # A third party's card cannot stand in for either side.
    p = run("evidence", "verify", path, "--card", ca, "--card", ca)
    assert p.returncode == 1


def test_altered_stored_message_fails_log_verify(pair):
    a, b = pair
    ids = send_wait(a, "bravo", 3)
    wait_for(lambda: cosigned(a, "bravo", 3), 20, "bravo to cosign")
    a.stop()
    db = sqlite3.connect(os.path.join(a.dir, "parley.db"))
    jws = db.execute("SELECT jws FROM outbox WHERE id = ?", (ids[1],)).fetchone()[0]
    k = len(jws) // 2
    if isinstance(jws, bytes):  # schema 4: the bytes of its segments
        jws = jws[:k] + bytes([jws[k] ^ 1]) + jws[k + 1:]
    else:
        jws = jws[:k] + ("A" if jws[k] != "A" else "B") + jws[k + 1:]
    db.execute("UPDATE outbox SET jws = ? WHERE id = ?", (jws, ids[1]))
    db.commit()
    db.close()
    p = a.cli("log", "verify", check=False)
    assert p.returncode == 1 and "entry 1 " in p.stderr and ids[1] in p.stderr, p.stderr
    # bravo's copy is untouched: its log (receipts) still verifies.
    assert b.cli("log", "verify").returncode == 0


def test_peer_keeps_a_forged_checkpoint_as_a_fork(pair, top):
    """alpha's key signs a second checkpoint of the size bravo cosigned, with
    another root (what a log rewritten after a restore would give; a restored
    parleyd stops before that, see test_fork.py): bravo keeps both notes as
    the proof, raises the alarm, and cosigns alpha's log no more."""
    a, b = pair
    send_wait(a, "bravo", 3, subject="before")
    wait_for(lambda: cosigned(a, "bravo", 3), 20, "bravo to cosign size 3")
    name, pk = origin(a), pubkey(a)
    text = "%s\n3\n%s\n" % (name, base64.b64encode(os.urandom(32)).decode())
    with open(os.path.join(a.dir, "identity.key"), "rb") as f:
        key = serialization.load_pem_private_key(f.read(), None)
    sig = key_id(name, 1, pk) + key.sign(text.encode())
    note = text + "\n\u2014 %s %s\n" % (name, base64.b64encode(sig).decode())
    ctx = tls_client(os.path.join(a.dir, "identity.crt"), os.path.join(a.dir, "identity.key"))
    c = http.client.HTTPSConnection("127.0.0.1", b.port, context=ctx, timeout=20)
    c.request("POST", "/v1/witness/add-checkpoint", body=("old 3\n\n" + note).encode())
    r = c.getresponse()
    assert r.status == 422, (r.status, r.read())
    c.close()

    def fork_alarm():
        p = [p for p in b.json("status")["peers"] if p["name"] == "alpha"][0]
        return p["log_alarm"] and "FORK" in p["log_alarm"]
    wait_for(fork_alarm, 30, "bravo to record alpha's fork")
    forks = b.json("log", "forks")
    assert len(forks) == 1 and forks[0]["peer"] == "alpha" and forks[0]["kind"] == "checkpoint"
    # Both signed checkpoints are kept, each verifying with alpha's key.
    for which in ("held", "presented"):
        assert note_sigs(forks[0][which], origin(a), pubkey(a)).get(1) is True
    assert forks[0]["presented"] == note
    assert "FORK" in b.logtext()
    # The pair proves it offline with alpha's card alone.
    proof = os.path.join(top[0], "proof.json")
    with open(proof, "w") as f:
        f.write(b.cli("evidence", "fork", str(forks[0]["id"])).stdout)
    p = run("evidence", "verify", proof, "--card", a.card_path())
    assert p.returncode == 0 and "two different checkpoints" in p.stdout, p.stderr
    # bravo refuses to cosign alpha's log from now on, also after a restart.
    b.stop()
    b.start()
    wait_for(fork_alarm, 20, "the fork alarm to survive a restart")


def test_checkpoint_follows_the_batch_and_survives_a_crash_before_it(make_node):
    """The checkpoint is signed after the batch's commit, in a transaction of
    its own (and before the daemon stops); a crash between the two leaves
    entries unsigned, and the node signs them when it starts - the very same
    note, byte for byte."""
    a, b = make_node("alpha"), make_node("bravo")
    a.pin(b)
    b.pin(a)
    a.start()                               # bravo stays down: nothing is cosigned
    answers = a.api([send_req("bravo", i) for i in range(3)])
    assert all(x["ok"] for x in answers)
    a.stop()                                # at once: the daemon signs before it exits
    assert ckpt_size(a) == 3
    note = a.cli("log", "checkpoint").stdout
    # The store as a crash right after the batch's commit leaves it.
    db = sqlite3.connect(os.path.join(a.dir, "parley.db"))
    db.execute("DELETE FROM checkpoint")
    db.commit()
    db.close()
    assert ckpt_size(a) == 0 and log_size(a) == 3
    a.start()
    wait_for(lambda: ckpt_size(a) == 3, 20, "alpha to sign the unsigned entries at start")
    assert a.cli("log", "checkpoint").stdout == note
    assert a.cli("log", "verify").returncode == 0
