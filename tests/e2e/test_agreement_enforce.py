"""Agreements enforced (issue 13): what may flow is what every party signed.

Real daemons on loopback.  The nodes here pin each other with a plain
`peer add` (plain_pin), not the harness's pin(), which would also import an
agreement: what is in force is what each test makes so, with the CLI
(propose, sign) or, where the terms must be narrow, by a document both
keys signed (sign_agreement) and `agreement import`.
"""
import json
import os
import sqlite3
import time

import pytest

from parley_e2e import sign_agreement, wait_for
from test_node_refusals import key_of, post, uuid7

pytestmark = pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")


# ---- helpers ----------------------------------------------------------------

def plain_pin(x, y):
    """x pins y, and nothing else: no agreement comes with it."""
    x.cli("peer", "add", y.card_path(), "--fingerprint", y.fingerprint())


def write(top, name, text):
    path = os.path.join(top[0], name)
    with open(path, "w") as f:
        f.write(text)
    return path


def agreements(node):
    return {a["id"]: a for a in node.json("agreement", "list")}


def state(node, aid):
    return agreements(node).get(aid, {}).get("state")


def all_in_force(nodes, aid):
    return all(state(n, aid) == "in force" for n in nodes)


def send(node, peer, *extra, link="urgent", mtype="notification", prio="flash",
         subject="hello", body=None, wait=None):
    """parley send; the CompletedProcess (not checked)."""
    args = ["send", peer, "--link", link, "--type", mtype, "--priority", prio,
            "--subject", subject, *extra]
    if body is not None:
        args += ["--body", "-"]
    if wait:
        args.append(f"--wait={wait}")
    return node.cli(*args, check=False, stdin=body)


def delivered(node, peer, subject, wait=20):
    """Send on urgent and wait for the receipt; the message id."""
    p = send(node, peer, subject=subject, wait=wait)
    assert p.returncode == 0 and "delivered" in p.stdout, p.stderr
    return p.stdout.splitlines()[0]


def signed_doc(top, name, payload, signers):
    """The payload signed by every node of signers (each with its own key,
    as any JOSE library would), written to a file for `agreement import`."""
    return write(top, name, sign_agreement(payload, signers))


def craft(sender, recipient, seq, agreement, link="urgent", mtype="notification",
          prio="routine", tlp="TLP:AMBER", body="x"):
    """A raw v2 message signed with sender's own key, naming agreement."""
    from jwcrypto import jws
    key = key_of(sender)
    payload = {"v": 2, "id": uuid7(), "from": key.thumbprint(),
               "to": key_of(recipient).thumbprint(), "link": link, "seq": seq,
               "type": mtype, "priority": prio, "tlp": tlp, "agreement": agreement,
               "subject": f"raw {seq}", "body": body,
               "created_at": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())}
    s = jws.JWS(json.dumps(payload, separators=(",", ":")).encode())
    s.add_signature(key, alg="EdDSA", protected=json.dumps(
        {"alg": "EdDSA", "kid": key.thumbprint(), "typ": "parley-message"}))
    return s.serialize(compact=True)


def result(r):
    return r.json()["results"][0]


def peer_status(node, name):
    return next(p for p in node.json("status")["peers"] if p["name"] == name)


# ---- 1. propose -> sign -> in force -> messages flow ---------------------------

def test_propose_sign_in_force_then_messages_flow(make_node, top):
    a, b = make_node("alpha"), make_node("bravo")
    plain_pin(a, b)
    plain_pin(b, a)
    a.start()
    b.start()
    # a pin alone allows nothing, either way
    for x, y in ((a, "bravo"), (b, "alpha")):
        p = send(x, y)
        assert p.returncode == 1 and "no agreement in force" in p.stderr, p.stderr
        assert x.outbox() == []

    draft = write(top, "draft.json", a.cli("agreement", "draft", "bravo").stdout)
    aid = a.cli("agreement", "propose", draft).stdout.splitlines()[-1]
    wait_for(lambda: state(b, aid) == "proposed", 20, "bravo to receive the proposal")
    assert state(a, aid) == "proposed"
    # proposed is not in force: still refused
    p = send(b, "alpha")
    assert p.returncode == 1 and "no agreement in force" in p.stderr, p.stderr

    assert b.cli("agreement", "sign", aid).stdout.splitlines()[-1] == aid
    wait_for(lambda: all_in_force((a, b), aid), 20, "the agreement in force at both")

    mid = delivered(a, "bravo", "first under the agreement")
    for n in (a, b):
        shown = n.json("show", mid)
        assert shown["tlp"] == "TLP:AMBER", shown        # the draft's urgent tlp_max
        assert shown["agreement"] == aid, shown
    # the other way, with a label below the ceiling
    p = send(b, "alpha", "--tlp", "TLP:GREEN", subject="back", wait=20)
    assert p.returncode == 0 and "delivered" in p.stdout, p.stderr
    back = p.stdout.splitlines()[0]
    for n in (a, b):
        shown = n.json("show", back)
        assert (shown["tlp"], shown["agreement"]) == ("TLP:GREEN", aid), shown
    assert "tlp:        TLP:GREEN" in a.cli("show", back).stdout


# ---- 2. each refusal on send ----------------------------------------------------

SEND_REFUSALS = {
    "link not in the agreement": (
        dict(link="wg", mtype="document", prio="routine"), (),
        "no agreement in force with this peer names link wg"),
    "type not allowed": (
        dict(mtype="advisory"), (),
        'links.urgent.types does not include "advisory"'),
    "priority not allowed": (
        dict(link="cert", mtype="advisory", prio="flash"), (),
        'links.cert.priorities does not include "flash"'),
    "body over max_body": (
        dict(body="z" * 65), (),
        "links.urgent.max_body is 64 bytes; the message body is 65"),
    "tlp above tlp_max": (
        dict(), ("--tlp", "TLP:RED"),
        "links.urgent.tlp_max is TLP:AMBER; the message is TLP:RED"),
    "tlp not a label": (
        dict(), ("--tlp", "TLP:WHITE"),
        "not a TLP 2.0 label"),
    "unknown agreement": (
        dict(), ("--agreement", "019a3c2e-7b10-7c4a-9d2e-5f6a7b8c9d0e"),
        "agreement 019a3c2e-7b10-7c4a-9d2e-5f6a7b8c9d0e is not in force between this node"
        " and the peer"),
}


def narrow_terms(make_node, top):
    """alpha, running, holding with bravo the draft's terms without wg and
    with urgent bodies up to 64 bytes (bravo need not run)."""
    a, b = make_node("alpha"), make_node("bravo")
    plain_pin(a, b)
    plain_pin(b, a)
    payload = json.loads(a.cli("agreement", "draft", "bravo").stdout)
    del payload["links"]["wg"]
    payload["links"]["urgent"]["max_body"] = 64
    a.cli("agreement", "import", signed_doc(top, "ab.json", payload, [a, b]))
    a.start()
    return a


@pytest.mark.parametrize("case", SEND_REFUSALS)
def test_send_refuses_naming_the_clause(make_node, top, case):
    """alpha's send is refused before anything is signed or queued."""
    a = narrow_terms(make_node, top)
    # what the agreement allows is queued
    p = send(a, "bravo", subject="allowed")
    assert p.returncode == 0, p.stderr

    def queued():
        return [(m["id"], m["link"], m["seq"], m["subject"]) for m in a.outbox()]
    before = queued()
    assert [(link, seq) for _, link, seq, _ in before] == [("urgent", 1)]

    kw, extra, clause = SEND_REFUSALS[case]
    p = send(a, "bravo", *extra, subject="refused", **kw)
    assert p.returncode == 1 and clause in p.stderr, p.stderr
    assert p.stdout == ""                                 # no id: nothing was signed
    assert queued() == before
    # no sequence number was taken either
    p = send(a, "bravo", subject="allowed again")
    assert p.returncode == 0, p.stderr
    assert [m["seq"] for m in a.outbox() if m["link"] == "urgent"] == [1, 2]


def test_send_refusals_pipelined_each_name_their_own_clause(make_node, top):
    """(2, continued) The same refusals pipelined on one local API connection,
    an allowed request among them: each answer names its own clause (each
    once got the last one's), and the allowed one is queued."""
    a = narrow_terms(make_node, top)
    reqs, clauses = [], []
    for kw, extra, clause in SEND_REFUSALS.values():
        r = {"op": "send", "peer": "bravo", "link": kw.get("link", "urgent"),
             "type": kw.get("mtype", "notification"), "priority": kw.get("prio", "flash"),
             "subject": "refused", "body": kw.get("body", "")}
        r.update({extra[0][2:]: extra[1]} if extra else {})
        reqs.append(r)
        clauses.append(clause)
    reqs.insert(3, dict(reqs[0], link="urgent", type="notification", subject="allowed"))
    clauses.insert(3, None)
    answers = a.api(reqs)
    for answer, clause in zip(answers, clauses):
        if clause is None:
            assert answer["ok"] is True, answer
        else:
            assert answer["ok"] is False and clause in answer["error"], (clause, answer)
    assert [m["subject"] for m in a.outbox()] == ["allowed"]


# ---- 3. the receiver refuses a breach -------------------------------------------

@pytest.fixture
def held(make_node, top):
    """bravo running, pinning alpha and charlie, holding an agreement with
    alpha: the draft's urgent and cert (urgent bodies up to 100 bytes).
    alpha's daemon never runs: raw requests as alpha own its sequence
    numbers.  Returns (alpha, bravo, charlie, agreement id)."""
    a, b, c = make_node("alpha"), make_node("bravo"), make_node("charlie")
    plain_pin(b, a)
    plain_pin(b, c)
    payload = json.loads(b.cli("agreement", "draft", "alpha").stdout)
    payload["links"] = {k: payload["links"][k] for k in ("urgent", "cert")}
    payload["links"]["urgent"]["max_body"] = 100
    b.cli("agreement", "import", signed_doc(top, "ab.json", payload, [b, a]))
    b.start()
    return a, b, c, payload["id"]


BREACHES = {
    # case: (the message's fields, the clause, the answer to the next seq)
    "type": (dict(mtype="advisory"), 'links.urgent.types does not include "advisory"', 200),
    "priority": (dict(link="cert", mtype="advisory", prio="flash"),
                 'links.cert.priorities does not include "flash"', 200),
    "tlp": (dict(tlp="TLP:RED"), "links.urgent.tlp_max is TLP:AMBER; the message is TLP:RED",
            200),
    "size": (dict(body="y" * 101), "links.urgent.max_body is 100 bytes; the message body is 101",
             200),
    # nothing at all may flow on wg: its next number is refused as a breach
    # too, not as out of order (425), so the first one was used
    "link": (dict(link="wg", mtype="document"), "links.wg: no such link in agreement", 451),
}


@pytest.mark.parametrize("case", BREACHES)
def test_receiver_refuses_a_breach_and_keeps_it(held, case):
    a, b, c, aid = held
    fields, clause, next_code = BREACHES[case]
    link = fields.get("link", "urgent")
    bad = craft(a, b, 1, aid, **fields)
    r = post(b, a, bad)
    assert r.status_code == 451, r.text
    assert result(r)["reason"].startswith("breach of agreement: " + clause), result(r)
    assert "receipt" not in result(r)
    # the same bytes again: the same answer, nothing kept twice
    r = post(b, a, bad)
    assert r.status_code == 451 and clause in result(r)["reason"], r.text

    allowed = {"urgent": "notification", "cert": "advisory", "wg": "document"}[link]
    nxt = craft(a, b, 2, aid, link=link, mtype=allowed)
    r = post(b, a, nxt)
    assert r.status_code == next_code, r.text
    if next_code == 200:
        assert "receipt" in result(r)
        assert [(m["link"], m["seq"]) for m in b.inbox()] == [(link, 2)]
    else:
        assert b.inbox() == []

    found = b.json("agreement", "breaches")
    assert [(x["peer"], x["link"], x["seq"]) for x in found][0] == ("alpha", link, 1)
    assert clause in found[0]["reason"]
    assert found[0]["jws"] == bad                     # the signed evidence, byte for byte
    assert len(found) == (1 if next_code == 200 else 2)

    st = peer_status(b, "alpha")
    assert st["breaches"] == len(found)
    assert st["alarm"].startswith("BREACH") and clause in st["alarm"], st
    human = b.cli("status").stdout
    assert "BREACH" in human and "parley agreement breaches" in human, human
    assert clause in b.cli("agreement", "breaches").stdout


def test_receiver_agreement_not_held_or_not_binding(held, top):
    """(3, continued) A message naming an agreement bravo does not hold is
    not refused for good: 503, its number unused, accepted once the
    agreement is imported.  One naming an agreement bravo holds but that
    does not bind alpha is a breach."""
    a, b, c, aid = held
    plain_pin(a, c)
    plain_pin(c, b)
    # another agreement between alpha and bravo, not (yet) held by bravo
    later = json.loads(b.cli("agreement", "draft", "alpha", "--title", "later").stdout)
    later_doc = signed_doc(top, "later.json", later, [a, b])
    early = craft(a, b, 1, later["id"])
    for _ in range(2):                                  # the sender retries
        r = post(b, a, early)
        assert r.status_code == 503, r.text
        assert "is not in force here yet" in result(r)["reason"], r.text
    assert b.inbox() == [] and b.json("agreement", "breaches") == []
    # an agreement bravo cannot even hold (alpha-charlie): bravo cannot tell
    # it from one whose last signature is still on its way, so it is 503 too
    ac = json.loads(a.cli("agreement", "draft", "charlie").stdout)
    ac_doc = signed_doc(top, "ac.json", ac, [a, c])
    p = b.cli("agreement", "import", ac_doc, check=False)
    assert p.returncode == 1 and "not a party" in p.stderr, p.stderr
    r = post(b, a, craft(a, b, 1, ac["id"]))
    assert r.status_code == 503, r.text

    assert b.cli("agreement", "import", later_doc).stdout.split()[-1] == later["id"]
    r = post(b, a, early)                               # the very same bytes, seq 1
    assert r.status_code == 200 and "receipt" in result(r), r.text
    assert [(m["seq"], m["subject"]) for m in b.inbox()] == [(1, "raw 1")]
    assert b.json("show", b.inbox()[0]["id"])["agreement"] == later["id"]

    # an agreement bravo holds, binding bravo and charlie: not alpha's to use
    bc = json.loads(b.cli("agreement", "draft", "charlie").stdout)
    b.cli("agreement", "import", signed_doc(top, "bc.json", bc, [b, c]))
    other = craft(a, b, 2, bc["id"])
    r = post(b, a, other)
    assert r.status_code == 451, r.text
    assert f"agreement {bc['id']} does not bind you and this node" in result(r)["reason"]
    r = post(b, a, craft(a, b, 3, aid))                 # seq 2 was used
    assert r.status_code == 200, r.text
    found = b.json("agreement", "breaches")
    assert [(x["seq"], x["jws"]) for x in found] == [(2, other)]
    assert peer_status(b, "alpha")["breaches"] == 1


# ---- 4. the last signature still travelling -------------------------------------

def test_message_before_the_last_signature_waits_and_is_delivered(make_node, top):
    """bravo signs last while alpha (the proposer) is down, and sends at once
    under the agreement: alpha, back, gets both the signature and the
    message, in either order, and the message ends delivered."""
    a, b = make_node("alpha"), make_node("bravo")
    plain_pin(a, b)
    plain_pin(b, a)
    b.configure(retry_max_ms=1000)
    a.start()
    b.start()
    draft = write(top, "draft.json", a.cli("agreement", "draft", "bravo").stdout)
    aid = a.cli("agreement", "propose", draft).stdout.splitlines()[-1]
    wait_for(lambda: state(b, aid) == "proposed", 20, "bravo to receive the proposal")
    a.stop()
    b.cli("agreement", "sign", aid)
    assert state(b, aid) == "in force" and state(a, aid) == "proposed"
    p = send(b, "alpha", subject="signed last, sent at once")
    assert p.returncode == 0, p.stderr
    mid = p.stdout.splitlines()[0]
    a.start()

    def outcome():
        m = next(m for m in b.outbox() if m["id"] == mid)
        return m["state"] if m["state"] != "queued" else None
    assert wait_for(outcome, 30, "the message to be settled") == "delivered", b.outbox()
    wait_for(lambda: state(a, aid) == "in force", 20, "alpha to hold bravo's signature")
    assert [m["subject"] for m in a.inbox()] == ["signed last, sent at once"]
    assert a.json("show", mid)["agreement"] == aid
    assert b.json("agreement", "breaches") == [] and a.json("agreement", "breaches") == []


# ---- 5. three parties ------------------------------------------------------------

def test_three_parties_in_force_once_all_signed(make_node, top):
    a, b, c = make_node("alpha"), make_node("bravo"), make_node("charlie")
    nodes = (a, b, c)
    for x in nodes:
        for y in nodes:
            if x is not y:
                plain_pin(x, y)
    for x in nodes:
        x.start()
    draft = write(top, "draft.json", a.cli("agreement", "draft", "bravo", "charlie").stdout)
    aid = a.cli("agreement", "propose", draft).stdout.splitlines()[-1]
    wait_for(lambda: state(b, aid) and state(c, aid), 20, "bravo and charlie to receive it")
    b.cli("agreement", "sign", aid)
    wait_for(lambda: all(agreements(n)[aid]["signed"] == "alpha,bravo" for n in nodes), 20,
             "every party to hold two signatures")
    assert all(state(n, aid) == "proposed" for n in nodes)
    p = send(a, "bravo")
    assert p.returncode == 1 and "no agreement in force" in p.stderr, p.stderr

    c.cli("agreement", "sign", aid)
    wait_for(lambda: all_in_force(nodes, aid), 20, "the agreement in force at all three")
    for x, y in ((a, b), (b, c), (c, a)):
        mid = delivered(x, y.name, f"{x.name} to {y.name}")
        assert x.json("show", mid)["agreement"] == y.json("show", mid)["agreement"] == aid


# ---- 6. the local agreement of the previous version ---------------------------------

def old_pins(node, links):
    """The node's pins as the previous version kept them (`peer add --links`),
    written into its store while parleyd is stopped."""
    db = sqlite3.connect(os.path.join(node.dir, "parley.db"))
    with db:
        db.execute("UPDATE peers SET links = ?", (links,))
    db.close()


def test_local_agreement_from_old_pins_until_a_real_one(make_node, top):
    a, b = make_node("alpha"), make_node("bravo")
    plain_pin(a, b)
    plain_pin(b, a)
    for n in (a, b):
        old_pins(n, "urgent,cert")
        n.start()

    rows = a.json("agreement", "list")
    assert [(r["id"], r["state"], r["links"]) for r in rows] == [("local", "local", "urgent,cert")]
    listing = a.cli("agreement", "list").stdout
    assert "local" in listing and "urgent,cert" in listing and "agreement draft bravo" in listing
    assert peer_status(a, "bravo")["local_agreement"] == "urgent,cert"
    assert "local agreement" in a.cli("status").stdout

    mid = delivered(a, "bravo", "under the local agreement")
    for n in (a, b):
        shown = n.json("show", mid)
        assert (shown["agreement"], shown["tlp"]) == ("local", "TLP:AMBER"), shown
    p = send(a, "bravo", link="wg", mtype="document", prio="routine")
    assert p.returncode == 1, p.stderr
    assert "the local agreement (links urgent,cert) does not name link wg" in p.stderr

    draft = write(top, "draft.json", a.cli("agreement", "draft", "bravo").stdout)
    aid = a.cli("agreement", "propose", draft).stdout.splitlines()[-1]
    wait_for(lambda: state(b, aid) == "proposed", 20, "bravo to receive the proposal")
    b.cli("agreement", "sign", aid)
    wait_for(lambda: all_in_force((a, b), aid), 20, "the agreement in force at both")
    for n, peer in ((a, "bravo"), (b, "alpha")):
        assert [r["id"] for r in n.json("agreement", "list")] == [aid]
        assert peer_status(n, peer)["local_agreement"] is None
        assert "local agreement" not in n.cli("status").stdout
    mid = delivered(a, "bravo", "under the real one")
    assert a.json("show", mid)["agreement"] == b.json("show", mid)["agreement"] == aid
    mid = delivered(b, "alpha", "and back")
    assert a.json("show", mid)["agreement"] == aid


def test_local_message_crossing_the_real_agreement_is_no_breach(make_node, top):
    """(6, continued) alpha proposes; bravo signs last while alpha is down;
    alpha, back but not yet holding bravo's signature, sends under the local
    agreement (all it knows in force); bravo, for whom the real agreement
    is in force, must not lose the message nor raise a BREACH against an
    honest peer: the mirror of test_message_before_the_last_signature."""
    a, b = make_node("alpha"), make_node("bravo")
    plain_pin(a, b)
    plain_pin(b, a)
    for n in (a, b):
        old_pins(n, "urgent,cert")
        n.start()
    draft = write(top, "draft.json", a.cli("agreement", "draft", "bravo").stdout)
    aid = a.cli("agreement", "propose", draft).stdout.splitlines()[-1]
    wait_for(lambda: state(b, aid) == "proposed", 20, "bravo to receive the proposal")
    a.stop()
    b.cli("agreement", "sign", aid)
    b.stop()
    a.start()
    p = send(a, "bravo", subject="local, in good faith")
    assert p.returncode == 0, p.stderr
    assert a.json("show", p.stdout.split()[0])["agreement"] == "local"
    b.start()

    def settled():
        return [m["state"] for m in a.outbox() if m["state"] != "queued"]
    assert wait_for(settled, 30, "the message to be settled") == ["delivered"], a.outbox()
    assert b.json("agreement", "breaches") == []


def test_supersede_while_messages_flow(make_node, top):
    """(7) A in force and messages flowing both ways; B, superseding A with
    narrower terms (urgent TLP:GREEN at most), is proposed and signed while
    they flow.  Nothing is lost or counted a breach; until B is in force
    sends name A, after it they name B and B's terms hold; A shows
    superseded at both ends."""
    a, b = make_node("alpha"), make_node("bravo")
    plain_pin(a, b)
    plain_pin(b, a)
    a.start()
    b.start()
    first = json.loads(a.cli("agreement", "draft", "bravo").stdout)
    aid = a.cli("agreement", "propose", write(top, "a.json", json.dumps(first))
                ).stdout.splitlines()[-1]
    wait_for(lambda: state(b, aid) == "proposed", 20, "bravo to receive A")
    b.cli("agreement", "sign", aid)
    wait_for(lambda: all_in_force((a, b), aid), 20, "A in force at both")

    sent = []
    for i in range(5):
        for x, peer in ((a, "bravo"), (b, "alpha")):
            p = send(x, peer, subject=f"before {i}")
            assert p.returncode == 0, p.stderr
            sent.append((x, p.stdout.split()[0]))
    second = json.loads(a.cli("agreement", "draft", "bravo").stdout)
    second["supersedes"] = aid
    second["links"]["urgent"]["tlp_max"] = "TLP:GREEN"
    bid = a.cli("agreement", "propose", write(top, "b.json", json.dumps(second))
                ).stdout.splitlines()[-1]
    for i in range(5):                      # B proposed, not signed: A holds
        p = send(a, "bravo", subject=f"during {i}")
        assert p.returncode == 0, p.stderr
        assert a.json("show", p.stdout.split()[0])["agreement"] == aid
        sent.append((a, p.stdout.split()[0]))
    wait_for(lambda: state(b, bid) == "proposed", 20, "bravo to receive B")
    b.cli("agreement", "sign", bid)
    wait_for(lambda: all_in_force((a, b), bid), 20, "B in force at both")
    assert state(a, aid) == state(b, aid) == "superseded"
    for x, peer in ((a, "bravo"), (b, "alpha")):
        p = send(x, peer, subject="after", wait=20)
        assert p.returncode == 0 and "delivered" in p.stdout, p.stderr
        m = x.json("show", p.stdout.split()[0])
        assert m["agreement"] == bid and m["tlp"] == "TLP:GREEN"
        sent.append((x, p.stdout.split()[0]))
        p = send(x, peer, "--tlp", "TLP:AMBER", subject="too high now")
        assert p.returncode == 1 and "links.urgent.tlp_max is TLP:GREEN" in p.stderr, p.stderr

    def settled():
        return all(m["state"] == "delivered" for x in (a, b) for m in x.outbox())
    wait_for(settled, 30, "every message delivered")
    assert len(a.outbox()) + len(b.outbox()) == len(sent)
    assert a.json("agreement", "breaches") == [] and b.json("agreement", "breaches") == []


def test_a_link_the_parties_name(make_node, top):
    """(8) An agreement may name links beyond the standard four: messages
    flow on "exercise" on its terms (its types, its TLP ceiling), both
    ways; a message queued on it while the peer is down is delivered after
    the sender restarts; a link no agreement names stays refused."""
    a, b = make_node("alpha"), make_node("bravo")
    plain_pin(a, b)
    plain_pin(b, a)
    a.start()
    b.start()
    payload = json.loads(a.cli("agreement", "draft", "bravo").stdout)
    payload["links"]["exercise"] = {
        "types": ["inject", "reply"], "priorities": ["routine"], "max_body": 65536,
        "tlp_max": "TLP:CLEAR", "deadlines": {}}
    aid = a.cli("agreement", "propose", write(top, "ex.json", json.dumps(payload))
                ).stdout.splitlines()[-1]
    wait_for(lambda: state(b, aid) == "proposed", 20, "bravo to receive it")
    b.cli("agreement", "sign", aid)
    wait_for(lambda: all_in_force((a, b), aid), 20, "in force at both")
    p = send(a, "bravo", link="exercise", mtype="inject", prio="routine",
             subject="inject 1", wait=20)
    assert p.returncode == 0 and "delivered" in p.stdout, p.stderr
    mid = p.stdout.split()[0]
    got = b.json("show", mid)
    assert got["link"] == "exercise" and got["tlp"] == "TLP:CLEAR" and got["agreement"] == aid
    p = send(b, "alpha", link="exercise", mtype="reply", prio="routine", subject="ack",
             wait=20)
    assert p.returncode == 0 and "delivered" in p.stdout, p.stderr
    p = send(a, "bravo", link="exercise", mtype="inject", prio="flash", subject="x")
    assert p.returncode == 1 and "links.exercise.priorities" in p.stderr, p.stderr
    p = send(a, "bravo", link="drill", mtype="inject", prio="routine", subject="x")
    assert p.returncode == 1 and "no agreement in force" in p.stderr, p.stderr
    # queued while bravo is down, then alpha restarts: still delivered
    b.stop()
    p = send(a, "bravo", link="exercise", mtype="inject", prio="routine", subject="later")
    assert p.returncode == 0, p.stderr
    a.stop()
    a.start()
    b.start()

    def delivered_all():
        return all(m["state"] == "delivered" for m in a.outbox())
    wait_for(delivered_all, 30, "the queued inject delivered after the restart")
    assert [m["seq"] for m in b.inbox() if m["link"] == "exercise"] == [1, 2]
    assert "exercise" in [p for p in a.json("status")["peers"]][0]["backlog"]
