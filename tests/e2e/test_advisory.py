"""Vulnerability advisories between partners (issue 17; docs/CSAF.md):
parley advisory import, validate, list, show, send, timeline; the receiving
desk acknowledging; an update reaching everyone who had the earlier
version; an overdue acknowledgement; onward transfer refused; an invalid
document refused on import and on arrival.
"""
import json
import os

from parley_e2e import wait_for

T0 = "2026-01-05T10:00:00.000Z"


def advisory(tracking="PARLEY-2026-0001", version="1", tlp="WHITE",
             title="Buffer overflow in Widget", status="final"):
    """A CSAF 2.0 security advisory, valid under the standard's schema and
    mandatory tests: one vulnerability with a CVE, a CVSS 3.1 score and a
    vendor fix; revision history 1..version."""
    n = int(version)
    revs = [{"date": f"2026-01-{5 + i:02d}T10:00:00.000Z", "number": str(i + 1),
             "summary": "Initial version." if i == 0 else f"Update {i + 1}."} for i in range(n)]
    return {
        "document": {
            "category": "csaf_security_advisory",
            "csaf_version": "2.0",
            "distribution": {"tlp": {"label": tlp}},
            "notes": [{"category": "summary", "title": "Summary",
                       "text": "A buffer overflow lets a remote attacker run code."}],
            "publisher": {"category": "vendor", "name": "Example Vendor",
                          "namespace": "https://vendor.example"},
            "references": [{"category": "self", "summary": "This advisory",
                            "url": "https://vendor.example/csaf/parley-2026-0001.json"}],
            "title": title,
            "tracking": {"current_release_date": revs[-1]["date"], "id": tracking,
                         "initial_release_date": T0, "revision_history": revs,
                         "status": status, "version": version},
        },
        "product_tree": {"full_product_names": [
            {"name": "Widget 1.0", "product_id": "CSAFPID-0001"},
            {"name": "Widget 1.1", "product_id": "CSAFPID-0002"}]},
        "vulnerabilities": [{
            "cve": "CVE-2026-12345",
            "title": "Overflow in the parser",
            "notes": [{"category": "description", "text": "The parser overflows."}],
            "product_status": {"known_affected": ["CSAFPID-0001"], "fixed": ["CSAFPID-0002"]},
            "remediations": [{"category": "vendor_fix", "details": "Update to Widget 1.1.",
                              "product_ids": ["CSAFPID-0001"],
                              "url": "https://vendor.example/widget/1.1"}],
            "scores": [{"products": ["CSAFPID-0001"], "cvss_v3": {
                "version": "3.1", "vectorString": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
                "baseScore": 9.8, "baseSeverity": "CRITICAL"}}],
        }],
    }


def write(top, name, doc):
    path = os.path.join(top, name)
    with open(path, "w") as f:
        f.write(json.dumps(doc, indent=2) if not isinstance(doc, str) else doc)
    return path


def pair(make_node, edit=None, names=("alpha", "bravo")):
    a, b = make_node(names[0]), make_node(names[1])
    a.pin(b, edit=edit)
    b.pin(a, edit=edit)
    a.start()
    b.start()
    a.cli("officer", "add", "ana", "--role", "duty")
    b.cli("officer", "add", "bob", "--role", "duty")
    return a, b


def listed(node, *extra):
    return node.json("advisory", "list", *extra)["advisories"]


def partner(node, tracking, peer, version=None):
    args = ["advisory", "timeline", tracking] + (["--version", version] if version else [])
    tl = node.json(*args)
    for v in tl["versions"]:
        if version and v["version"] != version:
            continue
        for p in v.get("partners", []):
            if p["peer"] == peer:
                return p
    return None


def test_import_send_receipt_ack_timeline(make_node, top):
    """alpha imports an advisory and sends it to bravo; bravo holds it with
    its origin and its desk has it to acknowledge; bravo's officer does; the
    timeline at alpha shows sent, received (the signed receipt) and
    acknowledged by bob, and the message's evidence proves the delivery."""
    a, b = pair(make_node)
    path = write(top[0], "adv.json", advisory())
    assert "VALID" in a.cli("advisory", "validate", path).stdout
    imp = a.json("advisory", "import", path)
    assert imp["tracking_id"] == "PARLEY-2026-0001" and imp["held"] is False
    # the same document again: held, nothing new
    assert a.json("advisory", "import", path)["held"] is True
    rows = listed(a)
    assert [(r["tracking_id"], r["version"], r["from"], r["tlp"]) for r in rows] == \
        [("PARLEY-2026-0001", "1", "ours", "WHITE")]

    sent = a.json("advisory", "send", "PARLEY-2026-0001", "--to", "bravo")
    assert [s["peer"] for s in sent["sent"]] == ["bravo"]
    msg = sent["sent"][0]["msg"]
    wait_for(lambda: listed(b, "--from", "alpha"), 30, "bravo to hold alpha's advisory")
    got = listed(b, "--from", "alpha")
    assert got[0]["title"] == "Buffer overflow in Widget" and got[0]["from"] == "alpha"
    # bravo's own list has it too, marked as alpha's; none of bravo's own
    assert listed(b, "--ours") == []
    shown = b.json("advisory", "show", "PARLEY-2026-0001")
    assert shown["vulnerabilities"][0]["cve"] == "CVE-2026-12345"
    assert shown["vulnerabilities"][0]["cvss"][0]["base_score"] == 9.8
    assert shown["vulnerabilities"][0]["remediations"][0]["category"] == "vendor_fix"
    text = b.cli("advisory", "show", "PARLEY-2026-0001").stdout
    assert "CVE-2026-12345" in text and "vendor_fix" in text and "from          alpha" in text

    # the receiving desk has it as an item to acknowledge
    wait_for(lambda: any(i["id"] == msg for i in b.json("desk")), 30, "bravo's desk item")
    # sending the same version again sends nothing
    again = a.json("advisory", "send", "PARLEY-2026-0001", "--to", "bravo")
    assert again["sent"] == [] and again["held"] == ["bravo"]

    wait_for(lambda: (partner(a, "PARLEY-2026-0001", "bravo") or {}).get("received"), 30,
             "alpha's timeline to show the receipt")
    p = partner(a, "PARLEY-2026-0001", "bravo")
    assert p["acknowledged"] is None and p["ack_due"] and p["overdue"] is False
    b.cli("ack", msg, "--as", "bob")
    wait_for(lambda: (partner(a, "PARLEY-2026-0001", "bravo") or {}).get("acknowledged"), 30,
             "alpha's timeline to show bob's acknowledgement")
    p = partner(a, "PARLEY-2026-0001", "bravo")
    assert p["officer"] == "bob" and p["sent"] <= p["received"] <= p["acknowledged"]
    text = a.cli("advisory", "timeline", "PARLEY-2026-0001").stdout
    assert "bravo" in text and "by bob" in text
    # the receiving side's timeline says who acknowledged there
    here = b.json("advisory", "timeline", "PARLEY-2026-0001")["versions"][0]["here"]
    assert here["officer"] == "bob"
    # each delivery's evidence bundle proves it to a third party
    ev = a.cli("evidence", msg).stdout
    assert "receipt" in ev


def test_invalid_document_refused_and_nothing_kept(make_node, top):
    """An invalid document is named by the test that fails and its path,
    exits 1, and keeps nothing; a document that is not JSON is refused."""
    a, b = pair(make_node)
    doc = advisory()
    doc["vulnerabilities"][0]["product_status"]["fixed"].append("CSAFPID-9999")  # 6.1.1
    path = write(top[0], "bad.json", doc)
    p = a.cli("advisory", "validate", path, check=False)
    assert p.returncode == 1 and "6.1.1" in p.stdout and "fixed" in p.stdout
    v = json.loads(a.cli("advisory", "validate", path, "--json", check=False).stdout)
    assert v["valid"] is False and any(x["test"] == "6.1.1" for x in v["problems"])
    p = a.cli("advisory", "import", path, check=False)
    assert p.returncode == 1 and "6.1.1" in p.stdout
    assert listed(a) == []
    p = a.cli("advisory", "import", write(top[0], "junk.json", "{not json"), check=False)
    assert p.returncode == 1 and listed(a) == []
    # the same version with other content is refused, the first kept
    a.cli("advisory", "import", write(top[0], "ok.json", advisory()))
    p = a.cli("advisory", "import", write(top[0], "other.json", advisory(title="Other")),
              check=False)
    assert p.returncode == 1 and "other content" in p.stderr
    assert [r["title"] for r in listed(a)] == ["Buffer overflow in Widget"]


def test_invalid_advisory_refused_on_arrival(make_node, top):
    """A peer that sends an invalid CSAF document as an advisory (by hand,
    past its own import) has it refused for good by the receiver, which
    keeps nothing and names the failing test in the refusal."""
    a, b = pair(make_node)
    doc = advisory()
    doc["vulnerabilities"][0]["product_status"]["fixed"].append("CSAFPID-9999")
    p = a.cli("send", "bravo", "--link", "cert", "--type", "csaf-advisory", "--priority",
              "routine", "--subject", "bad", "--tlp", "TLP:CLEAR", "--body",
              write(top[0], "bad.json", doc), "--wait=20", check=False)
    assert p.returncode != 0
    out = [m for m in a.outbox() if m["type"] == "csaf-advisory"]
    wait_for(lambda: [m for m in a.outbox() if m["type"] == "csaf-advisory"][0]["state"]
             == "rejected", 30, "alpha's message to be refused")
    out = [m for m in a.outbox() if m["type"] == "csaf-advisory"][0]
    assert "6.1.1" in json.dumps(out)
    assert listed(b) == []


def test_update_reaches_everyone_who_had_the_earlier_version(make_node, top):
    """Version 2 of an advisory, when imported, goes at once to every partner
    that was sent version 1 (bravo), and not to one that was not (charlie)."""
    a, b = pair(make_node)
    c = make_node("charlie")
    a.pin(c)
    c.pin(a)
    c.start()
    a.cli("advisory", "import", write(top[0], "v1.json", advisory()))
    a.json("advisory", "send", "PARLEY-2026-0001", "--to", "bravo")
    wait_for(lambda: listed(b, "--from", "alpha"), 30, "bravo to hold version 1")
    imp = a.json("advisory", "import", write(top[0], "v2.json", advisory(version="2")))
    assert [u["peer"] for u in imp["updates"]] == ["bravo"]
    wait_for(lambda: len(listed(b, "--from", "alpha")) == 2, 30, "bravo to hold version 2")
    assert sorted(r["version"] for r in listed(b, "--from", "alpha")) == ["1", "2"]
    assert listed(c) == []
    # show gives the newest version
    assert b.json("advisory", "show", "PARLEY-2026-0001")["version"] == "2"
    assert b.json("advisory", "show", "PARLEY-2026-0001", "--version", "1")["version"] == "1"
    # --all now reaches charlie with version 2, and bravo had it
    sent = a.json("advisory", "send", "PARLEY-2026-0001", "--all")
    assert [s["peer"] for s in sent["sent"]] == ["charlie"] and sent["held"] == ["bravo"]
    wait_for(lambda: listed(c, "--from", "alpha"), 30, "charlie to hold version 2")


def test_update_compares_versions_not_the_order_kept(make_node, top):
    """A partner that had version 3 gets no update when version 2 is
    imported later, though version 1 was the last one sent to it."""
    a, b = pair(make_node)
    a.cli("advisory", "import", write(top[0], "v3.json", advisory(version="3")))
    a.json("advisory", "send", "PARLEY-2026-0001", "--to", "bravo")
    a.cli("advisory", "import", write(top[0], "v1.json", advisory(version="1")))
    a.json("advisory", "send", "PARLEY-2026-0001", "--version", "1", "--to", "bravo")
    imp = a.json("advisory", "import", write(top[0], "v2.json", advisory(version="2")))
    assert imp["updates"] == []
    wait_for(lambda: len(listed(b, "--from", "alpha")) == 2, 30, "bravo to hold 3 and 1")
    assert sorted(r["version"] for r in listed(b, "--from", "alpha")) == ["1", "3"]


def test_overdue_acknowledgement(make_node, top):
    """An advisory nobody acknowledges within the agreement's deadline is
    overdue at the sender: its timeline says so and the desk signs an
    overdue notice to the partner."""
    def short(payload):
        payload["links"]["cert"]["deadlines"]["routine"] = {"ack": "PT2S", "reply": "PT1H"}
    a, b = pair(make_node, edit=short)
    a.cli("advisory", "import", write(top[0], "v1.json", advisory()))
    sent = a.json("advisory", "send", "PARLEY-2026-0001", "--to", "bravo",
                  "--priority", "routine")
    msg = sent["sent"][0]["msg"]
    wait_for(lambda: (partner(a, "PARLEY-2026-0001", "bravo") or {}).get("overdue_notice"), 30,
             "the overdue notice")
    p = partner(a, "PARLEY-2026-0001", "bravo")
    assert p["overdue"] is True and p["acknowledged"] is None
    assert "OVERDUE" in a.cli("advisory", "timeline", "PARLEY-2026-0001").stdout
    wait_for(lambda: any(i["id"] == msg and "overdue" in i["state"] for i in b.json("desk")),
             30, "bravo's desk to show it overdue")


def test_onward_transfer(make_node, top):
    """bravo may not pass alpha's advisory on to charlie while alpha's
    agreement says onward_transfer never; with with-consent, a TLP:WHITE one
    goes and a TLP:AMBER one does not."""
    def consent(payload):
        payload["data"]["onward_transfer"] = "with-consent"
    a, b = make_node("alpha"), make_node("bravo")
    c = make_node("charlie")
    a.pin(b)
    b.pin(a)
    b.pin(c)
    c.pin(b)
    for n in (a, b, c):
        n.start()
    a.cli("advisory", "import", write(top[0], "w.json", advisory()))
    a.json("advisory", "send", "PARLEY-2026-0001", "--to", "bravo")
    wait_for(lambda: listed(b, "--from", "alpha"), 30, "bravo to hold it")
    p = b.cli("advisory", "send", "PARLEY-2026-0001", "--to", "charlie", check=False)
    assert p.returncode == 1 and "onward_transfer" in p.stdout
    # sending it back to its origin is refused too
    p = b.cli("advisory", "send", "PARLEY-2026-0001", "--to", "alpha", check=False)
    assert p.returncode == 1 and "came from" in p.stdout
    assert listed(c) == []


def test_onward_transfer_with_consent(make_node, top):
    def consent(payload):
        payload["data"]["onward_transfer"] = "with-consent"
    a, b = make_node("alpha"), make_node("bravo")
    c = make_node("charlie")
    a.pin(b, edit=consent)
    b.pin(a, edit=consent)
    b.pin(c)
    c.pin(b)
    for n in (a, b, c):
        n.start()
    a.cli("advisory", "import", write(top[0], "w.json", advisory()))
    a.cli("advisory", "import", write(top[0], "r.json", advisory(tracking="PARLEY-2026-0002",
                                                                   tlp="AMBER")))
    a.json("advisory", "send", "PARLEY-2026-0001", "--to", "bravo")
    a.json("advisory", "send", "PARLEY-2026-0002", "--to", "bravo")
    wait_for(lambda: len(listed(b, "--from", "alpha")) == 2, 30, "bravo to hold both")
    assert b.json("advisory", "send", "PARLEY-2026-0001", "--to", "charlie")["sent"]
    p = b.cli("advisory", "send", "PARLEY-2026-0002", "--to", "charlie", check=False)
    assert p.returncode == 1 and "TLP:AMBER" in p.stdout
    wait_for(lambda: listed(c, "--from", "bravo"), 30, "charlie to hold the white one")
    assert [r["tracking_id"] for r in listed(c, "--from", "bravo")] == ["PARLEY-2026-0001"]


def test_kill9_after_send_delivers_exactly_once(make_node, top):
    """What send answered as queued survives a kill -9 of the sender before
    delivery (bravo stopped): at restart it is delivered, exactly once, and
    the timeline has its receipt."""
    a, b = pair(make_node)
    b.stop()
    a.cli("advisory", "import", write(top[0], "v1.json", advisory()))
    sent = a.json("advisory", "send", "PARLEY-2026-0001", "--to", "bravo")
    msg = sent["sent"][0]["msg"]
    a.kill9()
    a.start()
    b.start()
    wait_for(lambda: (partner(a, "PARLEY-2026-0001", "bravo") or {}).get("received"), 30,
             "the receipt after the restart")
    assert [r["version"] for r in listed(b, "--from", "alpha")] == ["1"]
    assert [m["id"] for m in b.inbox() if m["type"] == "csaf-advisory"] == [msg]
    # the sending is kept once: sending again changes nothing
    assert a.json("advisory", "send", "PARLEY-2026-0001", "--to", "bravo")["held"] == ["bravo"]


def test_help_and_usage(make_node):
    a = make_node("alpha")
    for sub in ("validate", "import", "list", "show", "send", "timeline"):
        p = a.cli("advisory", sub, "--help")
        assert p.returncode == 0 and "usage: parley advisory " + sub in p.stdout
    assert a.cli("advisory", "send", "X", check=False).returncode == 2
    p = a.cli("advisory", "show", "NOPE", check=False)
    assert p.returncode == 1 and "no advisory NOPE" in p.stderr
