"""parley agreement draft and verify (issue 13, first verbs).

The signatures are made here with each node's own key by Python's
cryptography package, as any JOSE tool would, and checked by parley and by
python-jwcrypto: the document is the JWS JSON General Serialization of
docs/AGREEMENTS.md.
"""
import hashlib
import json
import os

from cryptography.hazmat.primitives import serialization

from parley_e2e import b64u, run


def card_kid(node):
    """The node's key id: the RFC 7638 thumbprint of the key in its card."""
    x = json.loads(node.cli("card").stdout)["card"]["key"]["x"]
    canon = ('{"crv":"Ed25519","kty":"OKP","x":"%s"}' % x).encode()
    return b64u(hashlib.sha256(canon).digest())


def sign(node, payload_b64):
    """A General Serialization signature entry by node's own key."""
    with open(os.path.join(node.dir, "identity.key"), "rb") as f:
        key = serialization.load_pem_private_key(f.read(), None)
    prot = b64u(json.dumps({"alg": "EdDSA", "kid": card_kid(node), "typ": "parley-agreement"},
                           separators=(",", ":")).encode())
    sig = b64u(key.sign(f"{prot}.{payload_b64}".encode()))
    return {"protected": prot, "signature": sig}


def document(payload, *signers):
    pay = b64u(json.dumps(payload, sort_keys=True, separators=(",", ":")).encode())
    return {"payload": pay, "signatures": [sign(n, pay) for n in signers]}


def write(top, name, doc):
    path = os.path.join(top, name)
    with open(path, "w") as f:
        json.dump(doc, f)
    return path


def test_draft_names_the_parties_by_their_pinned_keys(make_node):
    a, b = make_node("alpha"), make_node("bravo")
    a.pin(b)
    d = json.loads(a.cli("agreement", "draft", "bravo", "--title", "CBMs 2026").stdout)
    assert d["title"] == "CBMs 2026"
    assert [(p["name"], p["kid"]) for p in d["parties"]] == [
        ("alpha", card_kid(a)), ("bravo", card_kid(b))]
    assert set(d["links"]) >= {"urgent", "cert", "leaders", "wg"}
    assert d["supersedes"] is None
    p = a.cli("agreement", "draft", "charlie", check=False)
    assert p.returncode == 1 and "charlie: no such pinned peer" in p.stderr, p.stderr
    p = a.cli("agreement", "draft", check=False)
    assert p.returncode == 2 and "usage" in p.stderr


def test_verify_checks_every_signature_against_the_cards(make_node, top):
    a, b, c = make_node("alpha"), make_node("bravo"), make_node("charlie")
    a.pin(b)
    payload = json.loads(a.cli("agreement", "draft", "bravo").stdout)
    cards = ["--card", a.card_path(), "--card", b.card_path()]
    full = write(top[0], "full.json", document(payload, a, b))
    p = run("agreement", "verify", full, *cards)
    assert p.returncode == 0 and "2 of 2 parties signed, every signature valid" in p.stdout, \
        p.stderr
    out = json.loads(run("agreement", "verify", full, *cards, "--json").stdout)
    assert out["complete"] is True and out["id"] == payload["id"]
    assert [x["signed"] for x in out["parties"]] == [True, True]
    # Any JOSE library verifies it: python-jwcrypto, with each party's key.
    from jwcrypto import jwk, jws
    doc = jws.JWS()
    with open(full) as f:
        doc.deserialize(f.read())
    for n in (a, b):
        doc.verify(jwk.JWK(**json.loads(n.cli("card").stdout)["card"]["key"]))
    assert json.loads(doc.payload) == payload
    # One party yet to sign: the signature present verifies, exit 1 says who.
    half = write(top[0], "half.json", document(payload, a))
    p = run("agreement", "verify", half, *cards)
    assert p.returncode == 1 and "1 of 2 parties signed" in p.stdout
    assert "missing bravo" in p.stderr, p.stderr
    # A forged signature, a changed payload, a signer who is not a party.
    forged = document(payload, a, b)
    s = forged["signatures"][1]["signature"]
    forged["signatures"][1]["signature"] = s[:10] + ("A" if s[10] != "A" else "B") + s[11:]
    p = run("agreement", "verify", write(top[0], "forged.json", forged), *cards)
    assert p.returncode == 1 and "does NOT verify" in p.stderr, p.stderr
    changed = document(payload, a, b)
    changed["payload"] = b64u(json.dumps(dict(payload, title="other"), sort_keys=True,
                                         separators=(",", ":")).encode())
    p = run("agreement", "verify", write(top[0], "changed.json", changed), *cards)
    assert p.returncode == 1 and "does NOT verify" in p.stderr, p.stderr
    outsider = document(payload, a, b)
    outsider["signatures"].append(sign(c, outsider["payload"]))
    p = run("agreement", "verify", write(top[0], "outsider.json", outsider), *cards,
            "--card", c.card_path())
    assert p.returncode == 1 and "not a party" in p.stderr, p.stderr
    # A party whose card is not given cannot be checked.
    p = run("agreement", "verify", full, "--card", a.card_path())
    assert p.returncode == 1 and "does NOT verify" in p.stderr, p.stderr
    # A payload that breaks the schema is refused naming the field.
    bad = document(dict(payload, notice="10 days"), a, b)
    p = run("agreement", "verify", write(top[0], "bad.json", bad), *cards)
    assert p.returncode == 1 and "notice" in p.stderr, p.stderr


def agreements(node):
    return {a["id"]: a for a in node.json("agreement", "list")}


def test_propose_sign_in_force_on_both_nodes(pair, top):
    """alpha proposes, bravo (stopped meanwhile) receives it when it is back,
    countersigns, and both hold the same fully signed document, in force."""
    from parley_e2e import wait_for
    a, b = pair
    draft = os.path.join(top[0], "draft.json")
    with open(draft, "w") as f:
        f.write(a.cli("agreement", "draft", "bravo", "--title", "CBMs 2026").stdout)
    b.stop()
    out = a.cli("agreement", "propose", draft).stdout
    aid = out.splitlines()[-1]
    assert agreements(a)[aid]["state"] == "proposed" and agreements(a)[aid]["signed"] == "alpha"
    p = a.cli("agreement", "propose", draft, check=False)
    assert p.returncode == 1 and "held already" in p.stderr, p.stderr
    b.start()
    wait_for(lambda: aid in agreements(b), 40, "bravo to receive the proposal")
    assert agreements(b)[aid]["signed"] == "alpha"
    assert "not signed" in b.cli("agreement", "show", aid).stdout
    assert b.cli("agreement", "sign", aid).stdout.splitlines()[-1] == aid
    p = b.cli("agreement", "sign", aid, check=False)
    assert p.returncode == 1 and "signed" in p.stderr, p.stderr
    wait_for(lambda: agreements(a)[aid]["state"] == "in force", 20,
             "alpha to hold bravo's countersignature")
    assert agreements(b)[aid]["state"] == "in force"
    docs = [json.loads(n.cli("agreement", "show", aid, "--jws").stdout) for n in (a, b)]
    assert docs[0]["payload"] == docs[1]["payload"]
    assert len(docs[0]["signatures"]) == len(docs[1]["signatures"]) == 2
    full = write(top[0], "held.json", docs[0])
    p = run("agreement", "verify", full, "--card", a.card_path(), "--card", b.card_path())
    assert p.returncode == 0, p.stderr
    from jwcrypto import jwk, jws
    doc = jws.JWS()
    doc.deserialize(json.dumps(docs[1]))
    for n in (a, b):
        doc.verify(jwk.JWK(**json.loads(n.cli("card").stdout)["card"]["key"]))
    shown = a.json("agreement", "show", aid)
    assert shown["complete"] is True and [x["signed"] for x in shown["parties"]] == [True, True]
    # Refusals: an unknown id, a payload that breaks the schema.
    p = a.cli("agreement", "sign", "01a218f7-aaaa-73c7-b448-dd0ebd9ca9c7", check=False)
    assert p.returncode == 1 and "no agreement" in p.stderr, p.stderr
    with open(draft) as f:
        bad = dict(json.load(f), id="01a218f7-aaaa-73c7-b448-dd0ebd9ca9c8", notice="soon")
    p = a.cli("agreement", "propose", write(top[0], "bad.json", bad), check=False)
    assert p.returncode == 1 and "notice" in p.stderr, p.stderr
    # Both keep it across a restart.
    a.stop()
    a.start()
    assert agreements(a)[aid]["state"] == "in force"


def test_route_refuses_outsiders_and_a_second_payload_under_one_id(make_node, top):
    """POST /v1/agreement: a pinned peer that is not a party is refused; so
    is another payload signed under an id already held (the proposer's
    equivocation); nothing is kept from either."""
    from parley_e2e import request_as
    a, b, c = make_node("alpha"), make_node("bravo"), make_node("charlie")
    for x, y in ((a, b), (b, a), (b, c), (c, b)):
        x.pin(y)
    for x in (a, b, c):
        x.start()
    held = [x["id"] for x in b.json("agreement", "list")]      # the pins' own
    payload = json.loads(a.cli("agreement", "draft", "bravo").stdout)
    doc = document(payload, a)
    code, text = request_as(c, b, "/v1/agreement", json.dumps(doc))
    assert code == 403 and "not a party" in text, (code, text)
    assert [x["id"] for x in b.json("agreement", "list")] == held
    code, text = request_as(a, b, "/v1/agreement", json.dumps(doc))
    assert code == 200, text
    assert [x["id"] for x in b.json("agreement", "list")] == held + [payload["id"]]
    other = document(dict(payload, title="another text, same id"), a)
    code, text = request_as(a, b, "/v1/agreement", json.dumps(other))
    assert code == 409 and "another payload" in text, (code, text)
    held = json.loads(b.cli("agreement", "show", payload["id"], "--jws").stdout)
    assert held["payload"] == doc["payload"]


def test_kill9_after_countersigning_loses_nothing(pair, top):
    """sign answers after the fsync'd commit: a kill -9 right after it loses
    neither the countersignature nor its delivery to the proposer."""
    from parley_e2e import wait_for
    a, b = pair
    draft = write(top[0], "d.json", json.loads(a.cli("agreement", "draft", "bravo").stdout))
    aid = a.cli("agreement", "propose", draft).stdout.splitlines()[-1]
    wait_for(lambda: aid in agreements(b), 20, "bravo to receive the proposal")
    a.stop()                                # the countersignature cannot leave at once
    assert b.cli("agreement", "sign", aid).stdout.splitlines()[-1] == aid
    b.kill9()
    b.start()
    assert agreements(b)[aid]["signed"] == "alpha,bravo"
    a.start()
    wait_for(lambda: agreements(a)[aid]["state"] == "in force", 40,
             "alpha to receive bravo's countersignature after both restarts")
