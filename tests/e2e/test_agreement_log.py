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
