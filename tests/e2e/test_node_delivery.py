"""Delivery with signed receipts, verified by an independent JOSE library."""
import hashlib
import json

from jwcrypto import jwk, jws

from parley_e2e import send_req, wait_for


def card_key(node):
    return jwk.JWK(**json.loads(node.cli("card").stdout)["card"]["key"])


def verify(compact, key):
    s = jws.JWS()
    s.deserialize(compact)
    s.verify(key)
    return json.loads(s.payload)


def test_send_wait_receipt_and_independent_verification(pair, top):
    a, b = pair
    body = "Scanning of SCADA gateways since 03:10 UTC.\nPlease check.\n"
    path = top[0] + "/body.txt"
    open(path, "w").write(body)
    p = a.cli("send", "bravo", "--link", "urgent", "--type", "notification", "--priority",
              "flash", "--subject", "Grid scanning", "--body", path, "--wait=20")
    mid, second = p.stdout.splitlines()
    assert second.startswith("delivered: receipt verified, round trip")
    out = a.outbox()
    assert [(m["id"], m["state"], m["seq"], m["to"]) for m in out] == [(mid, "delivered", 1, "bravo")]
    inb = b.inbox()
    assert [(m["id"], m["from"], m["seq"], m["subject"]) for m in inb] == [(mid, "alpha", 1, "Grid scanning")]
    # The exact signed bytes verify with the key from the sender's card.
    msg = a.cli("show", mid, "--jws").stdout.strip()
    assert b.cli("show", mid, "--jws").stdout.strip() == msg
    payload = verify(msg, card_key(a))
    assert payload["id"] == mid and payload["body"] == body and payload["link"] == "urgent"
    assert payload["seq"] == 1 and payload["priority"] == "flash"
    assert payload["from"] == card_key(a).thumbprint() and payload["to"] == card_key(b).thumbprint()
    # The receipt verifies with the receiver's key and names those exact bytes.
    rc = a.cli("receipt", mid, "--jws").stdout.strip()
    r = verify(rc, card_key(b))
    assert r["msg"] == mid and r["seq"] == 1 and r["link"] == "urgent"
    assert r["msg_sha256"] == hashlib.sha256(msg.encode()).hexdigest()
    assert a.json("receipt", mid)["signature_valid"] is True
    for n in (a, b):
        shown = n.json("show", mid)
        assert shown["body"] == body and shown["signature_valid"] is True
    st = a.json("status")
    assert st["peers"][0]["reachable"] is True and st["peers"][0]["backlog"]["urgent"] == 0


def test_body_from_stdin_and_ordering_per_link(pair):
    a, b = pair
    a.cli("send", "bravo", "--link", "cert", "--type", "indicator", "--priority", "routine",
          "--subject", "ioc", "--body", "-", stdin="198.51.100.7\n")
    answers = a.api([send_req("bravo", i, link=("urgent" if i % 2 else "cert"))
                     for i in range(40)])
    assert all(x["ok"] and x["state"] == "queued" for x in answers)
    wait_for(lambda: len(b.inbox()) == 41, 30, "41 messages at bravo")
    inb = b.inbox()
    for link in ("urgent", "cert"):
        seqs = [m["seq"] for m in inb if m["link"] == link]
        assert seqs == sorted(seqs) == list(range(1, len(seqs) + 1))
    assert b.json("show", inb[0]["id"])["body"] == "198.51.100.7\n"


def test_receiver_down_then_up(pair):
    a, b = pair
    b.stop()
    ids = [x["id"] for x in a.api([send_req("bravo", i) for i in range(20)])]
    wait_for(lambda: all(m["attempts"] > 0 and m["last_error"] for m in a.outbox()), 20,
             "failed attempts recorded while bravo is down")
    assert all(m["state"] == "queued" for m in a.outbox())
    st = a.json("status")["peers"][0]
    assert st["reachable"] is False and st["backlog"]["urgent"] == 20
    b.start()
    wait_for(lambda: all(m["state"] == "delivered" for m in a.outbox()), 30, "delivery after restart")
    inb = b.inbox()
    assert [m["id"] for m in inb] == ids
    assert [m["seq"] for m in inb] == list(range(1, 21))


def test_restarted_sender_still_verifies_history(pair):
    a, b = pair
    out = a.api([send_req("bravo", 0)])
    wait_for(lambda: a.outbox()[0]["state"] == "delivered", 20, "delivery")
    a.stop()
    b.stop()
    # The record stays readable and verifiable with both daemons stopped.
    mid = a.outbox()[0]["id"]
    assert a.json("show", mid)["signature_valid"] is True
    assert b.json("show", mid)["signature_valid"] is True
    assert out[0]["ok"]
