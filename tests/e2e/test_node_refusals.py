"""Refusals: TLS without a pinned key, and every kind of bad message."""
import json
import os
import time
import uuid

import pytest
import requests
import urllib3
from jwcrypto import jwk, jws

from parley_e2e import agreed_id, deadline, wait_for

urllib3.disable_warnings()
pytestmark = pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")


def key_of(node):
    with open(os.path.join(node.dir, "identity.key"), "rb") as f:
        return jwk.JWK.from_pem(f.read())


def uuid7():
    b = bytearray(int(time.time() * 1000).to_bytes(6, "big") + os.urandom(10))
    b[6] = 0x70 | (b[6] & 0x0F)
    b[8] = 0x80 | (b[8] & 0x3F)
    return str(uuid.UUID(bytes=bytes(b)))


def craft(sender, recipient, seq, link="cert", body="x", signer=None, to_kid=None, mid=None,
          tlp="TLP:AMBER", agreement=None, mtype="indicator"):
    key = signer or key_of(sender)
    payload = {"v": 2, "id": mid or uuid7(), "from": key_of(sender).thumbprint(),
               "to": to_kid or key_of(recipient).thumbprint(), "link": link, "seq": seq,
               "type": mtype, "priority": "routine", "tlp": tlp,
               "agreement": agreement or agreed_id(sender, recipient),
               "subject": "raw", "body": body,
               "created_at": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())}
    s = jws.JWS(json.dumps(payload, separators=(",", ":")).encode())
    s.add_signature(key, alg="EdDSA", protected=json.dumps(
        {"alg": "EdDSA", "kid": key.thumbprint(), "typ": "parley-message"}))
    return s.serialize(compact=True)


def post(to, as_node, body, path="/v1/messages"):
    cert = None
    if as_node is not None:
        cert = (os.path.join(as_node.dir, "identity.crt"), os.path.join(as_node.dir, "identity.key"))
    return requests.post(f"https://127.0.0.1:{to.port}{path}", data=body, cert=cert,
                         verify=False, timeout=deadline(10))


@pytest.fixture
def trio(make_node):
    """bravo (max_body 1024) running and pinning alpha on urgent and cert;
    charlie exists but is pinned by nobody.  alpha's daemon is not running,
    so raw requests as alpha own the sequence numbers."""
    a, b, c = make_node("alpha"), make_node("bravo", max_body=1024), make_node("charlie")
    b.pin(a)
    b.start()
    return a, b, c


def test_unpinned_and_anonymous_clients_refused(trio):
    a, b, c = trio
    with pytest.raises(requests.exceptions.RequestException):
        post(b, c, craft(c, b, 1))
    with pytest.raises(requests.exceptions.RequestException):
        post(b, None, craft(a, b, 1))
    wait_for(lambda: "is not pinned" in b.logtext(), 10, "bravo to log the refused key")
    assert key_of(c).thumbprint() in b.logtext()
    assert b.inbox() == []
    # the pinned peer gets through on the same port
    assert post(b, a, "", "/v1/hello").status_code == 200


def result(r):
    return r.json()["results"][0]


def test_each_bad_message_has_its_own_status(trio):
    a, b, c = trio
    r = post(b, a, "this is not a JWS")
    assert r.status_code == 400
    good = craft(a, b, 1)
    h, p, s = good.split(".")
    forged = f"{h}.{p}.{('A' if s[0] != 'A' else 'B') + s[1:]}"
    assert post(b, a, forged).status_code == 403
    assert post(b, a, craft(a, b, 1, signer=key_of(c))).status_code == 403
    assert post(b, a, f"{h}.{p}").status_code == 400          # truncated
    r = post(b, a, craft(a, b, 1, to_kid=key_of(c).thumbprint()))
    assert r.status_code == 421
    r = post(b, a, craft(a, b, 5))
    assert r.status_code == 425 and result(r)["expected"] == 1
    # out of order is the ordinary course of recovery: no warning in the log
    assert "seq 5" in b.logtext() and "warning: refused message from alpha (link urgent seq 5)" \
        not in b.logtext()
    assert b.inbox() == []

    r = post(b, a, good)
    assert r.status_code == 200
    receipt = result(r)["receipt"]
    assert len(b.inbox()) == 1
    # an exact retransmission: the same receipt, nothing applied twice
    r = post(b, a, good)
    assert r.status_code == 200 and result(r)["receipt"] == receipt
    assert len(b.inbox()) == 1
    # another message claiming the used sequence number
    r = post(b, a, craft(a, b, 1))
    assert r.status_code == 409
    assert len(b.inbox()) == 1


def test_refusals_that_consume_the_sequence_do_not_block(trio):
    a, b, c = trio
    # a link the agreement does not name: a breach, refused for good (451)
    assert post(b, a, craft(a, b, 1, link="wg")).status_code == 451
    assert post(b, a, craft(a, b, 2, link="wg")).status_code == 451   # not 425
    r = post(b, a, craft(a, b, 1, body="y" * 2000))
    assert r.status_code == 413 and "1024" in result(r)["reason"]
    r = post(b, a, "\n".join([craft(a, b, 2), craft(a, b, 3)]))
    assert r.status_code == 200
    assert [x["seq"] for x in r.json()["results"]] == [2, 3]
    assert [m["seq"] for m in b.inbox()] == [2, 3]


def test_oversized_body_rejected_and_link_goes_on(make_node):
    a, b = make_node("alpha", max_body=65536), make_node("bravo", max_body=1024)
    a.pin(b)
    b.pin(a)
    a.start()
    b.start()
    p = a.cli("send", "bravo", "--link", "urgent", "--type", "notification", "--priority",
              "flash", "--subject", "big", "--body", "-", "--wait=20", stdin="z" * 2000,
              check=False)
    assert p.returncode == 1 and "rejected" in p.stderr and "413" in p.stderr
    p = a.cli("send", "bravo", "--link", "urgent", "--type", "notification", "--priority",
              "flash", "--subject", "small", "--wait=20")
    assert p.returncode == 0
    out = a.outbox()
    assert [(m["seq"], m["state"]) for m in out] == [(1, "rejected"), (2, "delivered")]
    assert "413" in out[0]["last_error"]
    assert [m["subject"] for m in b.inbox()] == ["small"]
    # over the sender's own max_body: refused before anything is signed, naming the limit
    p = a.cli("send", "bravo", "--link", "urgent", "--type", "notification", "--priority",
              "flash", "--subject", "huge", "--body", "-", stdin="z" * 65537, check=False)
    assert p.returncode == 1 and "exceeds max_body (65536 bytes)" in p.stderr, p.stderr
    assert len(a.outbox()) == 2
