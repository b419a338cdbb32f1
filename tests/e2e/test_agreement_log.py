"""Agreements in the cosigned log (issue 13): every act of a node on an
agreement - its signature ("sign"), a decline, a notice of termination - is
a statement of its own log, cosigned by its peers like its messages, and a
node restored from an older copy gets them back from the parties that hold
them, so that its rebuilt log matches what the peers cosigned."""
import json
import os
import shutil

from parley_e2e import wait_for
from test_agreement_enforce import all_in_force, plain_pin, state, write
from test_fork import peer_status, restore, send_wait


def log_size(node):
    """The size of the node's latest signed checkpoint."""
    return int(node.cli("log", "checkpoint").stdout.splitlines()[1])


def agreed(a, b, top, name="draft.json", edit=None):
    """alpha proposes, bravo signs; both hold it in force: its id."""
    payload = json.loads(a.cli("agreement", "draft", b.name).stdout)
    if edit:
        edit(payload)
    aid = a.cli("agreement", "propose", write(top, name, json.dumps(payload))
                ).stdout.splitlines()[-1]
    wait_for(lambda: state(b, aid) == "proposed", 20, "bravo to receive the proposal")
    b.cli("agreement", "sign", aid)
    wait_for(lambda: all_in_force((a, b), aid), 20, "the agreement in force at both")
    return aid


def test_acts_are_statements_of_the_signers_log(make_node, top):
    """alpha's proposal and bravo's countersignature each add one entry to
    the signer's own log, and a notice of termination one more; each log
    verifies, and the peer cosigns it past them."""
    a, b = make_node("alpha"), make_node("bravo")
    plain_pin(a, b)
    plain_pin(b, a)
    a.start()
    b.start()
    aid = agreed(a, b, top)
    wait_for(lambda: log_size(a) == 1 and log_size(b) == 1, 20,
             "each node to sign a checkpoint of its log holding its act")
    wait_for(lambda: (peer_status(a, "bravo")["cosigned_size"] or 0) >= 1, 20,
             "bravo to cosign alpha's log")
    a.cli("agreement", "terminate", aid, "--reason", "the memorandum lapses")
    wait_for(lambda: log_size(a) == 2, 20, "alpha's notice in its log")
    for n in (a, b):
        p = n.cli("log", "verify")
        assert p.returncode == 0, p.stderr
    shown = a.json("agreement", "show", aid)
    assert [(x["act"], x["by"]) for x in shown["acts"]] == [
        ("sign", "alpha"), ("sign", "bravo"), ("terminate", "alpha")]


def test_restored_node_recovers_its_acts_from_the_parties(make_node, top):
    """alpha's store is restored from a copy made before it proposed an
    agreement and sent under it: its rebuilt log needs its "sign" act, which
    bravo holds; bravo's answer gives it back, the log matches the
    checkpoint bravo cosigned, and alpha signs again.  The agreement itself
    comes back by `agreement import` of bravo's copy."""
    a, b = make_node("alpha"), make_node("bravo")
    plain_pin(a, b)
    plain_pin(b, a)
    a.start()
    b.start()
    a.stop()
    saved = os.path.join(top[0], "alpha-old.db")
    shutil.copy(os.path.join(a.dir, "parley.db"), saved)
    a.start()
    aid = agreed(a, b, top)
    send_wait(a, "bravo", 2, "under it")
    send_wait(b, "alpha", 1, "from bravo")
    # alpha's log: its sign act, two messages, one receipt
    wait_for(lambda: (peer_status(a, "bravo")["cosigned_size"] or 0) >= 4, 20,
             "bravo to cosign alpha's log")
    restore(a, saved)
    wait_for(lambda: "RECOVERED: 1 peer(s) gave back 4 statements" in a.logtext(), 30,
             "alpha to recover its history, its act too, from bravo")
    assert a.json("status")["halted"] is None
    assert a.cli("log", "verify").returncode == 0
    assert [m["subject"] for m in a.outbox()] == ["under it 0", "under it 1"]
    # the agreement, lost with the store, comes back from bravo's copy
    doc = write(top, "held.json", b.cli("agreement", "show", aid, "--jws").stdout)
    assert a.cli("agreement", "import", doc).stdout.splitlines()[-1] == aid
    assert state(a, aid) == "in force"
    p = a.send("bravo", "after recovery")
    assert p.returncode == 0, p.stderr
    assert b.json("log", "forks") == []


def test_agreement_evidence_verifies_offline_with_the_cards(make_node, top):
    """`parley evidence ID` of an agreement: the signed document and every
    act on it (both signatures, a notice of termination), each proven in its
    signer's log against a checkpoint the other party cosigned; `evidence
    verify` checks it with the two cards alone, and refuses it with a card
    missing, a stranger's card instead, or an act or the document altered."""
    from parley_e2e import run
    a, b = make_node("alpha"), make_node("bravo")
    plain_pin(a, b)
    plain_pin(b, a)
    a.start()
    b.start()
    aid = agreed(a, b, top)
    a.cli("agreement", "terminate", aid, "--reason", "the memorandum lapses")
    wait_for(lambda: len(b.json("agreement", "show", aid)["acts"]) == 3, 20,
             "bravo to hold alpha's notice")

    def bundle(node):
        p = node.cli("evidence", aid, check=False)
        return p.stdout if p.returncode == 0 else None
    text = wait_for(lambda: bundle(a), 30, "every act cosigned, the bundle made")
    doc = json.loads(text)
    assert doc["type"] == "parley-agreement-evidence"
    assert json.dumps(doc["agreement"], sort_keys=True) == json.dumps(
        json.loads(b.cli("agreement", "show", aid, "--jws").stdout), sort_keys=True)
    assert len(doc["acts"]) == 3
    path = write(top, "agreement-evidence.json", text)
    cards = ["--card", a.card_path(), "--card", b.card_path()]
    p = run("evidence", "verify", path, *cards)
    assert p.returncode == 0, p.stderr
    assert "AGREEMENT PROVEN" in p.stdout and aid in p.stdout, p.stdout
    assert "alpha" in p.stdout and "bravo" in p.stdout
    # bravo makes the same evidence from its side
    other = wait_for(lambda: bundle(b), 30, "bravo's bundle")
    assert run("evidence", "verify", write(top, "b.json", other), *cards).returncode == 0

    p = run("evidence", "verify", path, "--card", a.card_path())
    assert p.returncode == 1 and "does NOT verify" in p.stderr, p.stderr
    c = a.__class__(top[0], "charlie")
    p = run("evidence", "verify", path, "--card", a.card_path(), "--card", c.card_path())
    assert p.returncode == 1 and "does NOT verify" in p.stderr, p.stderr
    act = doc["acts"][0]["act"]
    forged = dict(doc, acts=[dict(doc["acts"][0], act=act[:-3] + (
        "A" if act[-3] != "A" else "B") + act[-2:])] + doc["acts"][1:])
    p = run("evidence", "verify", write(top, "forged.json", json.dumps(forged)), *cards)
    assert p.returncode == 1 and "does NOT verify" in p.stderr, p.stderr
    sigs = doc["agreement"]["signatures"][:1]
    cut = dict(doc, agreement=dict(doc["agreement"], signatures=sigs))
    p = run("evidence", "verify", write(top, "cut.json", json.dumps(cut)), *cards)
    assert p.returncode == 1 and "does NOT verify" in p.stderr, p.stderr
