"""parley agreement decline, terminate, and supersession (issue 13).

Real daemons on loopback: what a party does to an agreement reaches the
other party, and both nodes end in the same state.  The acts a hostile
or mistaken peer could post are made here with Python's cryptography
package, as any JOSE tool would: a compact JWS, typ parley-agreement-act
(docs/AGREEMENTS.md, "Acts").
"""
import base64
import datetime
import hashlib
import json
import os

from cryptography.hazmat.primitives import serialization

from parley_e2e import b64u, request_as, wait_for


def card_kid(node):
    """The node's key id: the RFC 7638 thumbprint of the key in its card."""
    x = json.loads(node.cli("card").stdout)["card"]["key"]["x"]
    canon = ('{"crv":"Ed25519","kty":"OKP","x":"%s"}' % x).encode()
    return b64u(hashlib.sha256(canon).digest())


def stamp(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (dt.microsecond // 1000)


def now(**delta):
    return stamp(datetime.datetime.utcnow() + datetime.timedelta(**delta))


def act(node, kind, aid, sha, reason="a reason", at=None, typ="parley-agreement-act"):
    """An act signed with node's own key: header.payload.signature."""
    with open(os.path.join(node.dir, "identity.key"), "rb") as f:
        key = serialization.load_pem_private_key(f.read(), None)
    kid = card_kid(node)
    hdr = b64u(json.dumps({"alg": "EdDSA", "kid": kid, "typ": typ},
                          separators=(",", ":")).encode())
    pay = b64u(json.dumps({"v": 1, "act": kind, "agreement": aid, "payload_sha256": sha,
                           "by": kid, "reason": reason, "at": at or now()},
                          separators=(",", ":")).encode())
    return f"{hdr}.{pay}.{b64u(key.sign(f'{hdr}.{pay}'.encode()))}"


def payload_sha(node, aid):
    """The SHA-256 of the agreement's payload bytes, as node holds it."""
    pay = json.loads(node.cli("agreement", "show", aid, "--jws").stdout)["payload"]
    return hashlib.sha256(base64.urlsafe_b64decode(pay + "=" * (-len(pay) % 4))).hexdigest()


def notices(shown):
    """The acts of `agreement show --json` but the signatures' records."""
    return [x for x in shown["acts"] if x["act"] != "sign"]


def state(node, aid):
    return {a["id"]: a for a in node.json("agreement", "list")}.get(aid, {}).get("state")


def propose(a, top, name="draft.json", **fields):
    """alpha proposes a draft with bravo (fields changed); its id."""
    draft = dict(json.loads(a.cli("agreement", "draft", "bravo").stdout), **fields)
    path = os.path.join(top[0], name)
    with open(path, "w") as f:
        json.dump(draft, f)
    return a.cli("agreement", "propose", path).stdout.splitlines()[-1]


def in_force(a, b, top, name="draft.json", **fields):
    """An agreement alpha proposed and bravo countersigned, in force at both."""
    aid = propose(a, top, name, **fields)
    wait_for(lambda: state(b, aid) == "proposed", 20, "bravo to receive the proposal")
    assert b.cli("agreement", "sign", aid).stdout.splitlines()[-1] == aid
    for n in (a, b):
        wait_for(lambda: state(n, aid) == "in force", 20, f"{n.name} to hold it in force")
    return aid


def refused(node, *args):
    """Run a verb that must fail with exit 1: its stderr."""
    p = node.cli(*args, check=False)
    assert p.returncode == 1, (p.returncode, p.stdout, p.stderr)
    return p.stderr


def test_decline_ends_the_signing_at_both_nodes(pair, top):
    a, b = pair
    aid = propose(a, top)
    wait_for(lambda: state(b, aid) == "proposed", 20, "bravo to receive the proposal")
    # a reason is text a person reads: control characters are refused
    assert "reason: holds a control character" in refused(
        b, "agreement", "decline", aid, "--reason", "two\nlines")
    assert "--reason" in refused(b, "agreement", "decline", aid)
    assert "no agreement" in refused(b, "agreement", "decline",
                                     "01a218f7-aaaa-73c7-b448-dd0ebd9ca9c7", "--reason", "x")
    # the proposer has signed: it cannot decline its own proposal
    assert "signed" in refused(a, "agreement", "decline", aid, "--reason", "changed my mind")
    # a notice needs every signature first
    assert "not signed by every party" in refused(
        a, "agreement", "terminate", aid, "--reason", "too early")
    reason = "cert is too wide \u202e for us"
    out = b.cli("agreement", "decline", aid, "--reason", reason).stdout
    assert out.splitlines()[-1] == aid
    assert state(b, aid) == "declined"
    wait_for(lambda: state(a, aid) == "declined", 20, "alpha to hold bravo's decline")
    for n in (a, b):
        assert "declined" in refused(n, "agreement", "sign", aid)
        shown = n.json("agreement", "show", aid)
        assert shown["state"] == "declined"
        assert shown["declined"]["by"] == "bravo" and shown["declined"]["reason"] == reason
        assert [x["act"] for x in shown["acts"]] == ["sign", "decline"]    # alpha's, then
        human = n.cli("agreement", "show", aid).stdout
        # the peer's text is escaped where a person reads it
        assert "declined by bravo at " in human and "\\u202e" in human, human
        assert "\u202e" not in human
    assert "declined already" in refused(b, "agreement", "decline", aid, "--reason", "again")
    # it is not offered again for signing, and survives a restart
    a.stop()
    a.start()
    assert state(a, aid) == "declined"


def test_terminate_with_notice(pair, top):
    a, b = pair
    aid = in_force(a, b, top, notice="PT3S")
    out = a.cli("agreement", "terminate", aid, "--reason", "the treaty lapsed").stdout
    assert out.splitlines()[-1] == aid
    assert state(a, aid) == "terminating"
    # bravo may see the end pass before it looks: what it holds is the same end
    wait_for(lambda: state(b, aid) in ("terminating", "terminated"), 20,
             "bravo to hold alpha's notice")
    shown = [n.json("agreement", "show", aid) for n in (a, b)]
    assert shown[0]["ends"] is not None and shown[0]["ends"] == shown[1]["ends"]
    at = datetime.datetime.strptime(notices(shown[0])[0]["at"], "%Y-%m-%dT%H:%M:%S.%fZ")
    ends = datetime.datetime.strptime(shown[0]["ends"], "%Y-%m-%dT%H:%M:%S.%fZ")
    assert ends - at == datetime.timedelta(seconds=3)
    for n in (a, b):
        wait_for(lambda: state(n, aid) == "terminated", 20, f"{n.name} to end it")
        shown = n.json("agreement", "show", aid)
        assert [(x["act"], x["by"], x["reason"]) for x in notices(shown)] == [
            ("terminate", "alpha", "the treaty lapsed")]
        assert "notice of termination by alpha" in n.cli("agreement", "show", aid).stdout
    assert "has ended" in refused(b, "agreement", "terminate", aid, "--reason", "too")


def test_second_notice_keeps_the_earliest_end(pair, top):
    a, b = pair
    aid = in_force(a, b, top, notice="PT1H")
    a.cli("agreement", "terminate", aid, "--reason", "first")
    wait_for(lambda: state(b, aid) == "terminating", 20, "bravo to hold alpha's notice")
    first = b.json("agreement", "show", aid)["ends"]
    assert "gave notice" in refused(a, "agreement", "terminate", aid, "--reason", "again")
    b.cli("agreement", "terminate", aid, "--reason", "second")
    wait_for(lambda: len(notices(a.json("agreement", "show", aid))) == 2, 20,
             "alpha to hold bravo's notice")
    for n in (a, b):
        shown = n.json("agreement", "show", aid)
        assert shown["state"] == "terminating" and shown["ends"] == first


def test_acts_reach_a_party_that_was_down(pair, top):
    """An act a party missed is offered again when it is next heard from."""
    a, b = pair
    aid = in_force(a, b, top, name="a.json", notice="PT1H")
    other = propose(a, top, "b.json")
    wait_for(lambda: state(b, other) == "proposed", 20, "bravo to receive the proposal")
    b.stop()
    a.cli("agreement", "terminate", aid, "--reason", "while you were out")
    b.start()
    wait_for(lambda: state(b, aid) == "terminating", 40, "bravo to receive the notice")
    a.stop()
    b.cli("agreement", "decline", other, "--reason", "while you were out")
    a.start()
    wait_for(lambda: state(a, other) == "declined", 40, "alpha to receive the decline")


def test_supersede(pair, top):
    a, b = pair
    old = in_force(a, b, top, name="a.json")
    assert "not held here" in refused(a, "agreement", "propose", write_draft(
        a, top, "x.json", supersedes="01a218f7-aaaa-73c7-b448-dd0ebd9ca9c7"))
    new = propose(a, top, "b.json", supersedes=old)
    wait_for(lambda: state(b, new) == "proposed", 20, "bravo to receive the new one")
    # the old one stays in force until the new one is signed by all
    for n in (a, b):
        assert state(n, old) == "in force" and state(n, new) == "proposed"
    b.cli("agreement", "sign", new)
    for n in (a, b):
        wait_for(lambda: state(n, new) == "in force", 20, f"{n.name} to hold the new one")
        wait_for(lambda: state(n, old) == "superseded", 20, f"{n.name} to supersede the old")
        assert n.json("agreement", "show", old)["superseded_by"] == new
        assert n.json("agreement", "show", new)["supersedes"] == old
        assert f"superseded by {new}" in n.cli("agreement", "show", old).stdout
    # what has ended cannot be superseded again, nor terminated
    assert "has ended" in refused(a, "agreement", "propose", write_draft(
        a, top, "c.json", supersedes=old))
    assert "has ended" in refused(a, "agreement", "terminate", old, "--reason", "x")


def write_draft(a, top, name, **fields):
    draft = dict(json.loads(a.cli("agreement", "draft", "bravo").stdout), **fields)
    path = os.path.join(top[0], name)
    with open(path, "w") as f:
        json.dump(draft, f)
    return path


def test_route_refuses_forged_and_outsiders_acts(make_node, top):
    """POST /v1/agreement/act: only a party's own act, verified with its
    pinned key, on the very text held, dated no further ahead than five
    minutes; nothing is kept of a refused one."""
    a, b, c = make_node("alpha"), make_node("bravo"), make_node("charlie")
    for x, y in ((a, b), (b, a), (b, c), (c, b)):
        x.pin(y)
    for x in (a, b, c):
        x.start()
    aid = in_force(a, b, top)
    sha = payload_sha(b, aid)
    good = act(a, "terminate", aid, sha)
    # a forged signature: one character of it changed
    head, sig = good.rsplit(".", 1)
    forged = f"{head}.{sig[:5]}{'A' if sig[5] != 'A' else 'B'}{sig[6:]}"
    code, text = request_as(a, b, "/v1/agreement/act", forged)
    assert code == 403 and "signature" in text, (code, text)
    # alpha's act posted by charlie: verified with charlie's key, refused
    code, text = request_as(c, b, "/v1/agreement/act", good)
    assert code == 403, (code, text)
    # charlie's own act: charlie is pinned, but no party
    code, text = request_as(c, b, "/v1/agreement/act", act(c, "terminate", aid, sha))
    assert code == 403 and "not a party" in text, (code, text)
    # another text, an agreement not held, a time too far ahead, another typ
    code, text = request_as(a, b, "/v1/agreement/act", act(a, "terminate", aid, "0" * 64))
    assert code == 409 and "another text" in text, (code, text)
    other = "01a218f7-aaaa-73c7-b448-dd0ebd9ca9c7"
    code, text = request_as(a, b, "/v1/agreement/act", act(a, "terminate", other, sha))
    assert code == 404 and other in text, (code, text)
    code, text = request_as(a, b, "/v1/agreement/act",
                            act(a, "terminate", aid, sha, at=now(minutes=10)))
    assert code == 400 and "ahead" in text, (code, text)
    code, text = request_as(a, b, "/v1/agreement/act",
                            act(a, "terminate", aid, sha, typ="parley-agreement"))
    assert code == 400 and "typ" in text, (code, text)
    # a party that has signed cannot decline
    code, text = request_as(a, b, "/v1/agreement/act", act(a, "decline", aid, sha))
    assert code == 409 and "signed" in text, (code, text)
    shown = b.json("agreement", "show", aid)
    assert shown["state"] == "in force" and notices(shown) == [] and shown["ends"] is None
    # the genuine act is taken, and taken again as the same
    for _ in range(2):
        code, text = request_as(a, b, "/v1/agreement/act", good)
        assert code == 200 and text == good, (code, text)
    shown = b.json("agreement", "show", aid)
    assert shown["state"] == "terminating" and len(notices(shown)) == 1


def test_kill9_after_countersigning_keeps_the_signature(pair, top):
    """sign answers after the fsync'd commit: a kill -9 right after it loses
    neither the countersignature nor its delivery to the proposer."""
    a, b = pair
    aid = propose(a, top)
    wait_for(lambda: state(b, aid) == "proposed", 20, "bravo to receive the proposal")
    assert b.cli("agreement", "sign", aid).stdout.splitlines()[-1] == aid
    b.kill9()
    b.start()
    held = {x["id"]: x for x in b.json("agreement", "list")}[aid]
    assert held["signed"] == "alpha,bravo"
    for n in (a, b):
        wait_for(lambda: state(n, aid) == "in force", 40, f"{n.name} to hold it signed by all")
    docs = [json.loads(n.cli("agreement", "show", aid, "--jws").stdout) for n in (a, b)]
    assert docs[0]["payload"] == docs[1]["payload"]
    assert len(docs[0]["signatures"]) == len(docs[1]["signatures"]) == 2
