"""Sharing STIX 2.1 objects between CERTs over the cert link (issue 16;
docs/STIX.md, "Sharing with a peer"): parley share, signed batches with
their objects staged at the peer, every object kept exactly once at the
receiver with its origin, the rules of the agreement (TLP ceiling and
default, critical infrastructure, personal data, onward transfer) refusing,
pseudonymising and allowing, each object's evidence verified offline,
parley intel reconcile, and kill -9 of either side mid-transfer.
"""
import json
import lzma
import os
import sqlite3

import pytest

from parley_e2e import ATTACK, peek, request_as, wait_for


IDENT = "identity--11111111-2222-4333-8444-555555555555"
IND = "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"
MAL = "malware--31b940d4-6f7f-459a-80ea-9c1f17b58abc"
EMAIL = "email-addr--2d77a846-6264-5d51-b586-e43822ea1ea3"
TLP2 = {  # the OASIS TLP 2.0 marking-definitions
    "GREEN": "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "AMBER": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "RED": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}


def sdo(type_, id_, modified="2024-01-01T00:00:00.000Z", **kw):
    o = {"type": type_, "spec_version": "2.1", "id": id_,
         "created": "2024-01-01T00:00:00.000Z", "modified": modified}
    o.update(kw)
    return o


def indicator(id_=IND, modified="2024-01-01T00:00:00.000Z", tlp="GREEN", **kw):
    kw.setdefault("name", "bad ip")
    return sdo("indicator", id_, modified, pattern="[ipv4-addr:value = '198.51.100.7']",
               pattern_type="stix", valid_from="2024-01-01T00:00:00Z",
               object_marking_refs=[TLP2[tlp]], **kw)


def bundle(objs, n=1):
    return {"type": "bundle", "id": f"bundle--00000000-0000-4000-8000-{n:012d}",
            "objects": objs}


def write(top, name, doc):
    path = os.path.join(top, name)
    with open(path, "w") as f:
        f.write(json.dumps(doc) if not isinstance(doc, str) else doc)
    return path


def share(node, peer, path, check=True):
    p = node.cli("share", path, "--to", peer, "--json", check=False)
    if check:
        assert p.returncode == 0, p.stdout + p.stderr
    return p


# parley's origin extension's definition, kept beside what a peer shared
ORIGIN_EXT = "extension-definition--5fc28f09-479f-485d-b216-7a0291325a29"


def listed(node, **kw):
    """The objects of a collection, every version, but the definition of
    the origin extension (test_origin_extension_definition checks that)."""
    args = ["intel", "list", "--json", "--all-versions"]
    for k, v in kw.items():
        args += ["--" + k, v]
    return [o for o in node.json(*args)["objects"] if o["id"] != ORIGIN_EXT]


def ids(objs):
    return sorted(o["id"] for o in objs)


def cert_pair(make_node, edit=None, names=("alpha", "bravo")):
    """Two nodes pinned on urgent and cert under one agreement (edit may
    change its payload first), running."""
    a, b = make_node(names[0]), make_node(names[1])
    a.pin(b, edit=edit)
    b.pin(a, edit=edit)
    a.start()
    b.start()
    return a, b


def delivered(node, peer, n):
    objs = listed(node, to=peer)
    return len(objs) == n and all(o["shared"] == "delivered" for o in objs)


def test_shared_both_ways_exactly_once(make_node, top):
    """alpha shares three objects with bravo and bravo one with alpha: each
    arrives at the other, named as from its sender, with its TLP label;
    sharing the same again sends nothing new; a newer version supersedes."""
    a, b = cert_pair(make_node)
    d = top[0]
    objs = [sdo("identity", IDENT, name="CERT A", identity_class="organization"),
            indicator(), sdo("malware", MAL, name="wiper", is_family=True)]
    out = json.loads(share(a, "bravo", write(d, "b1.json", bundle(objs))).stdout)
    assert out["queued"] == 3 and out["refused"] == 0
    wait_for(lambda: len(listed(b, **{"from": "alpha"})) == 3, 30, "bravo to hold alpha's three")
    wait_for(lambda: delivered(a, "bravo", 3), 30, "alpha to see the three delivered")
    got = {o["id"]: o for o in listed(b, **{"from": "alpha"})}
    assert got[IND]["tlp"] == "TLP:GREEN"
    shown = b.json("intel", "show", IND, "--from", "alpha")
    assert shown["object"]["pattern"] == objs[1]["pattern"]
    # bravo's own collection stays empty: received objects are apart
    assert listed(b) == []
    # beside them, once, the definition of the origin extension
    defs = [o for o in b.json("intel", "list", "--json", "--from", "alpha")["objects"]
            if o["id"] == ORIGIN_EXT]
    assert len(defs) == 1 and defs[0]["type"] == "extension-definition"

    # the other way
    share(b, "alpha", write(d, "a1.json", indicator(MAL.replace("malware", "indicator"))))
    wait_for(lambda: len(listed(a, **{"from": "bravo"})) == 1, 30, "alpha to hold bravo's one")

    # the same again: nothing new; a newer version: kept and current
    out = json.loads(share(a, "bravo", write(d, "b1.json", bundle(objs))).stdout)
    assert {r["outcome"] for r in out["results"]} == {"same"}
    newer = indicator(modified="2024-02-01T00:00:00.000Z")
    share(a, "bravo", write(d, "b2.json", newer))
    wait_for(lambda: len(listed(b, **{"from": "alpha"})) == 4, 30, "the newer version at bravo")
    cur = b.json("intel", "show", IND, "--from", "alpha")
    assert cur["object"]["modified"] == "2024-02-01T00:00:00.000Z"
    assert len(cur["versions"]) == 2

    # one signed message per batch, not one per object
    assert b.loggrep("batch .* from alpha: 3 objects kept, 0 refused")


def test_object_evidence_verifies_offline(make_node, top):
    """An object's evidence (its batch's signed manifest and receipt, both
    cosigned log proofs, its Merkle path) verifies with the two cards
    alone; a changed object does not."""
    a, b = cert_pair(make_node)
    d = top[0]
    share(a, "bravo", write(d, "b.json", bundle([indicator(), sdo("malware", MAL, name="w",
                                                                  is_family=True)])))
    wait_for(lambda: delivered(a, "bravo", 2), 30, "the batch delivered")
    ev = os.path.join(d, "ind.evidence")

    def made():
        p = a.cli("intel", "evidence", IND, "--peer", "bravo", check=False)
        if p.returncode == 0:
            with open(ev, "w") as f:
                f.write(p.stdout)
        return p.returncode == 0
    wait_for(made, 60, "the object's evidence (both logs cosigned)")
    p = a.cli("evidence", "verify", ev, "--card", a.card_path(), "--card", b.card_path())
    assert IND in p.stdout and "leaf" in p.stdout
    # bravo makes the same proof from its side
    p = b.cli("intel", "evidence", IND, "--peer", "alpha", check=False)
    assert p.returncode == 0, p.stderr
    doc = json.loads(open(ev).read())
    doc["object"] = doc["object"].replace("bad ip", "good ip")
    forged = write(d, "forged.evidence", doc)
    p = a.cli("evidence", "verify", forged, "--card", a.card_path(), "--card", b.card_path(),
              check=False)
    assert p.returncode != 0 and "NOT verify" in p.stderr


def refusals(node):
    return node.json("intel", "refusals", "--json")["refusals"]


def test_tlp_ceiling_default_and_red(make_node, top):
    """The cert link's tlp_max is TLP:AMBER: a RED object is refused with the
    clause and never leaves; an unmarked one counts as AMBER and leaves; a
    GREEN one leaves.  Every refusal is kept with the object's id."""
    a, b = cert_pair(make_node, edit=lambda p: p["links"]["cert"].update(tlp_max="TLP:AMBER"))
    d = top[0]
    red = indicator(IND.replace("8e2e", "aaaa"), tlp="RED")
    unmarked = sdo("malware", MAL, name="wiper", is_family=True)
    p = share(a, "bravo", write(d, "t.json", bundle([red, unmarked, indicator()])), check=False)
    assert p.returncode == 1
    out = json.loads(p.stdout)
    assert out["queued"] == 2 and out["refused"] == 1
    why = [r["why"] for r in out["results"] if r["verdict"] == "refused"][0]
    assert red["id"] in why and "links.cert.tlp_max is TLP:AMBER" in why and "TLP:RED" in why
    wait_for(lambda: delivered(a, "bravo", 2), 30, "the two allowed objects delivered")
    got = {o["id"]: o["tlp"] for o in listed(b, **{"from": "alpha"})}
    assert red["id"] not in got and got[IND] == "TLP:GREEN"
    assert [r["id"] for r in refusals(a)] == [red["id"]]
    assert refusals(a)[0]["direction"] == "out" and refusals(a)[0]["peer"] == "bravo"
    assert "bravo" in a.cli("intel", "refusals").stdout
    # the text form names it too
    p = a.cli("share", write(d, "r.json", red), "--to", "bravo", check=False)
    assert p.returncode == 1 and "REFUSED" in p.stdout and "tlp_max" in p.stdout


def test_red_leaves_only_where_agreed(make_node, top):
    """With tlp_max TLP:RED the agreement allows RED explicitly: it leaves."""
    a, b = cert_pair(make_node, edit=lambda p: p["links"]["cert"].update(tlp_max="TLP:RED"))
    share(a, "bravo", write(top[0], "r.json", indicator(tlp="RED")))
    wait_for(lambda: len(listed(b, **{"from": "alpha"})) == 1, 30, "the RED object at bravo")
    assert listed(b, **{"from": "alpha"})[0]["tlp"] == "TLP:RED"


def person_objs():
    mail = {"type": "email-addr", "spec_version": "2.1", "id": EMAIL,
            "value": "ana@cert.example", "display_name": "Ana"}
    msg = {"type": "email-message", "spec_version": "2.1",
           "id": "email-message--0b9d1a9a-8a0f-4e3a-9d6b-0f2d8f0c6e01",
           "is_multipart": False, "from_ref": EMAIL, "subject": "invoice"}
    return mail, msg


def with_data(**kw):
    def edit(p):
        p["data"].update(kw)
    return edit


def test_personal_data_refused(make_node, top):
    a, b = cert_pair(make_node, edit=with_data(personal_data="refuse"))
    mail, msg = person_objs()
    p = share(a, "bravo", write(top[0], "p.json", bundle([mail, msg, indicator()])),
              check=False)
    out = json.loads(p.stdout)
    assert p.returncode == 1 and out["queued"] == 1 and out["refused"] == 2
    assert all("data.personal_data is refuse" in r["why"]
               for r in out["results"] if r["verdict"] == "refused")


def test_personal_data_pseudonymised_consistently(make_node, top):
    """Under "pseudonymise" the address becomes a keyed pseudonym, the same
    in every object that names it, and the message's from_ref still points
    at the pseudonymised address."""
    a, b = cert_pair(make_node, edit=with_data(personal_data="pseudonymise"))
    mail, msg = person_objs()
    share(a, "bravo", write(top[0], "p.json", bundle([mail, msg])))
    wait_for(lambda: len(listed(b, **{"from": "alpha"})) == 2, 30, "both at bravo")
    got = {o["type"]: b.json("intel", "show", o["id"], "--from", "alpha")["object"]
           for o in listed(b, **{"from": "alpha"})}
    addr, em = got["email-addr"], got["email-message"]
    assert "ana@cert.example" not in json.dumps(got) and "Ana" not in json.dumps(got)
    assert addr["value"].endswith("@pseudonymised.invalid")
    assert em["from_ref"] == addr["id"] and addr["id"] != EMAIL
    # the same address in another document gets the same pseudonym
    mail2 = dict(mail, id=EMAIL)
    share(a, "bravo", write(top[0], "p2.json", mail2))
    again = a.json("intel", "show", addr["id"], "--to", "bravo")["object"]
    assert again["value"] == addr["value"]


def test_personal_data_allowed(make_node, top):
    a, b = cert_pair(make_node, edit=with_data(personal_data="allow"))
    mail, _ = person_objs()
    share(a, "bravo", write(top[0], "p.json", mail))
    wait_for(lambda: len(listed(b, **{"from": "alpha"})) == 1, 30, "the address at bravo")
    assert b.json("intel", "show", EMAIL, "--from", "alpha")["object"]["value"] == \
        "ana@cert.example"


def test_critical_infrastructure(make_node, top):
    """Data labelled critical-infrastructure leaves only where the agreement
    allows it."""
    ci = indicator(labels=["critical-infrastructure"])
    a, b = cert_pair(make_node, edit=with_data(critical_infrastructure=False))
    p = share(a, "bravo", write(top[0], "c.json", ci), check=False)
    assert p.returncode == 1
    assert "data.critical_infrastructure is false" in json.loads(p.stdout)["results"][0]["why"]
    c, e = cert_pair(make_node, edit=with_data(critical_infrastructure=True),
                     names=("charlie", "echo"))
    share(c, "echo", write(top[0], "c2.json", ci))
    wait_for(lambda: len(listed(e, **{"from": "charlie"})) == 1, 30, "the CI object at echo")


def three(make_node, onward="never"):
    """alpha, bravo, charlie: alpha-bravo and bravo-charlie each under an
    agreement on urgent and cert (onward as given for alpha-bravo)."""
    a, b, c = make_node("alpha"), make_node("bravo"), make_node("charlie")
    edit = with_data(onward_transfer=onward)
    a.pin(b, edit=edit)
    b.pin(a, edit=edit)
    b.pin(c)
    c.pin(b)
    for n in (a, b, c):
        n.start()
    return a, b, c


@pytest.mark.parametrize("onward,tlp,ok", [("never", "GREEN", False),
                                          ("with-consent", "AMBER", False),
                                          ("with-consent", "GREEN", True)])
def test_onward_transfer(make_node, top, onward, tlp, ok):
    """What bravo received from alpha moves on to charlie only when alpha's
    agreement allows onward transfer and its TLP allows it (CLEAR or GREEN);
    the origin travels with it."""
    a, b, c = three(make_node, onward)
    share(a, "bravo", write(top[0], "o.json", indicator(tlp=tlp)))
    wait_for(lambda: len(listed(b, **{"from": "alpha"})) == 1, 30, "alpha's object at bravo")
    # bravo re-shares it as a tool would (the object as read back)
    obj = b.json("intel", "show", IND, "--from", "alpha")["object"]
    p = share(b, "charlie", write(top[0], "again.json", obj), check=False)
    out = json.loads(p.stdout)
    if not ok:
        assert p.returncode == 1 and out["refused"] == 1
        assert "alpha" in out["results"][0]["why"] and "onward" in out["results"][0]["why"]
        assert refusals(b)[0]["id"] == IND
    else:
        assert p.returncode == 0, p.stdout
        wait_for(lambda: len(listed(c, **{"from": "bravo"})) == 1, 30, "the object at charlie")


def test_forged_stage_refused(make_node, top):
    """A stage whose objects are not those of its manifest's root is
    refused (400) and kept nowhere; a stranger cannot stage at all."""
    a, b = cert_pair(make_node)
    man = ('{"v":1,"batch":"01a21b44-7f06-7f54-8000-620d0feb9c27","n":1,"root":"%s"}'
           % ("ab" * 32))
    status, text = request_as(a, b, "/v1/intel/stage", man + "\n" + json.dumps(indicator()) + "\n")
    assert status == 400 and "root" in text
    status, text = request_as(a, b, "/v1/intel/stage", "not a stage")
    assert status == 400


def many(n, start=0):
    return [indicator("indicator--%08x-0000-4000-8000-%012x" % (start + i, i), tlp="GREEN",
                      name="ip %d" % i) for i in range(n)]


def held_from(node, peer_row="from:%"):
    return int(peek(node, "SELECT count(*) FROM intel_obj WHERE collection LIKE '"
                    + peer_row + "' AND id <> '" + ORIGIN_EXT + "'") or 0)


def reconciled(node, peer):
    p = node.cli("intel", "reconcile", peer, "--json", check=False)
    return json.loads(p.stdout) if p.stdout.strip() else None


@pytest.mark.parametrize("victim", ["receiver", "sender"])
def test_kill9_mid_transfer(make_node, top, victim):
    """kill -9 of either side while batches are on their way: once both run
    again, bravo holds every object exactly once, alpha sees every one
    delivered, and reconcile finds both sides the same."""
    n = 20000
    a, b = cert_pair(make_node)
    share(a, "bravo", write(top[0], "many.json", bundle(many(n))))
    wait_for(lambda: held_from(b) > 0, 60, "the first batch at bravo")
    (b if victim == "receiver" else a).kill9()
    got = held_from(b)
    assert got % 1000 == 0    # whole batches: a batch is taken in at once or not at all
    assert 0 < got < n        # the kill came mid-transfer
    (b if victim == "receiver" else a).start()
    wait_for(lambda: held_from(b) == n, 120, "every object at bravo")
    assert int(peek(b, "SELECT count(DISTINCT id) FROM intel_obj WHERE collection LIKE"
                    " 'from:%' AND id <> '" + ORIGIN_EXT + "'")) == n
    wait_for(lambda: int(peek(a, "SELECT count(*) FROM intel_batch WHERE state = 2")) == n // 1000,
             60, "every batch receipted at alpha")
    rep = reconciled(a, "bravo")
    assert rep["shared"]["same"] and rep["shared"]["here"] == n == rep["shared"]["there"]
    assert rep["received"]["same"] and rep["received"]["here"] == 0
    p = a.cli("intel", "reconcile", "bravo")
    assert "the same" in p.stdout and p.returncode == 0


def test_reconcile_names_a_difference(make_node, top):
    """An object bravo lost (a row deleted behind parley's back) is named by
    alpha's reconcile, and its exit status says so."""
    a, b = cert_pair(make_node)
    share(a, "bravo", write(top[0], "b.json", bundle([indicator(), sdo("malware", MAL,
                                                                       name="w", is_family=True)])))
    wait_for(lambda: delivered(a, "bravo", 2), 30, "both delivered")
    b.stop()
    db = sqlite3.connect(os.path.join(b.dir, "parley.db"))
    with db:
        db.execute("DELETE FROM intel_obj WHERE id = ?", (MAL,))
    db.close()
    b.start()
    p = a.cli("intel", "reconcile", "bravo", check=False)
    assert p.returncode == 1 and "DIFFERENT" in p.stdout and MAL in p.stdout
    rep = reconciled(a, "bravo")
    assert rep["shared"]["missing_there"] == [MAL]


def test_operator_settings(make_node, top):
    """stix_tlp_default is the label an unmarked object gets (RED here, so
    it cannot leave under an AMBER ceiling); stix_personal names a custom
    property as personal data, refused as the agreement says."""
    a, b = cert_pair(make_node, edit=with_data(personal_data="refuse"))
    a.cli("config", "set", "stix_tlp_default", "TLP:RED")
    a.cli("config", "set", "stix_personal", "indicator.x_reporter")
    unmarked = sdo("malware", MAL, name="wiper", is_family=True)
    reporter = indicator(x_reporter="Ana, +1 555 0100")
    p = share(a, "bravo", write(top[0], "s.json", bundle([unmarked, reporter, indicator(
        IND.replace("8e2e", "bbbb"))])), check=False)
    out = json.loads(p.stdout)
    why = {r["id"]: r.get("why", "") for r in out["results"]}
    assert out["queued"] == 1 and "TLP:RED" in why[MAL]
    assert "data.personal_data is refuse" in why[IND]
    a.cli("config", "set", "stix_tlp_default", "TLP:GREEN")
    assert json.loads(share(a, "bravo", write(top[0], "u.json", unmarked)).stdout)["queued"] == 1
    wait_for(lambda: len(listed(b, **{"from": "alpha"})) == 2, 30, "both at bravo")


@pytest.mark.skipif(not os.path.exists(ATTACK), reason="../shared/data/attack absent")
def test_attack_shared_whole(make_node, top):
    """MITRE ATT&CK for ICS 18.1 (1,826 objects, x-mitre-* custom types
    included), written by no one on the team, travels whole: every object
    at bravo, byte for byte as it left alpha, and reconcile agrees."""
    with lzma.open(ATTACK, "rt") as f:
        doc = f.read()
    n = len(json.loads(doc)["objects"])
    a, b = cert_pair(make_node)
    out = json.loads(share(a, "bravo", write(top[0], "attack.json", doc)).stdout)
    assert out["queued"] == n == 1826 and out["refused"] == 0
    wait_for(lambda: held_from(b) == n, 120, "ATT&CK at bravo")
    wait_for(lambda: reconciled(a, "bravo")["shared"]["same"], 60, "reconcile to agree")
    sent = peek(a, "SELECT hex(hash) FROM intel_obj WHERE collection LIKE 'to:%' ORDER BY id LIMIT 1")
    got = peek(b, "SELECT hex(hash) FROM intel_obj WHERE collection LIKE 'from:%' ORDER BY id LIMIT 1")
    assert sent == got
