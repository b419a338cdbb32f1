"""TAXII and sharing together (issue 16; docs/TAXII.md, "to PEER"): what a
TAXII client posts to alpha's "to bravo" goes to bravo through the sharing
service; its status is pending until bravo's receipt for it is kept, then
complete; bravo's TAXII client reads it from "from alpha", with parley's
origin extension naming alpha.  Both directions.  An object the agreement
refuses (TLP above the cert link's ceiling) is a failure in the status,
with the clause.  These tests depend on the sharing service (intel.h).
"""
import json

from parley_e2e import wait_for
from test_taxii import MEDIA, Taxii, envelope, sdo, serve

ORIGIN_EXT = "extension-definition--5fc28f09-479f-485d-b216-7a0291325a29"
TLP2 = {
    "GREEN": "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "RED": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}


def indicator(n, tlp="GREEN"):
    return sdo("indicator", "indicator--8e2e2d2b-17d4-4cbf-938f-%012d" % n,
               name="bad ip %d" % n, pattern="[ipv4-addr:value = '198.51.100.%d']" % n,
               pattern_type="stix", valid_from="2024-01-01T00:00:00Z",
               object_marking_refs=[TLP2[tlp]])


def taxii_pair(make_node, edit=None):
    """alpha and bravo pinned under one agreement on urgent and cert, each
    serving TAXII (admin: all), running; their clients."""
    a, b = make_node("alpha"), make_node("bravo")
    a.pin(b, edit=edit)
    b.pin(a, edit=edit)
    urls = {n.name: serve(n) for n in (a, b)}
    a.start()
    b.start()
    return a, b, Taxii(urls["alpha"], "admin"), Taxii(urls["bravo"], "admin")


def status_of(c, sid):
    r = c.get("/taxii2/api/status/%s/" % sid)
    assert r.status_code == 200, r.text
    return r.json()


def shared_through(sender, receiver, sname, rname, objs):
    """objs posted to sender's "to RNAME": pending, then complete; read at
    the receiver from "from SNAME" with the origin extension."""
    r = sender.post(sender.objects_path("to " + rname), envelope(objs))
    assert r.status_code == 202, r.text
    st = r.json()
    assert st["total_count"] == len(objs) and st["failure_count"] == 0
    assert st["success_count"] + st["pending_count"] == len(objs)
    done = wait_for(lambda: (lambda s: s if s["status"] == "complete" else None)(
        status_of(sender, st["id"])), 60, "the status to be complete once delivered")
    assert done["success_count"] == len(objs) and done["pending_count"] == 0
    assert sorted(s["id"] for s in done["successes"]) == sorted(o["id"] for o in objs)
    path = receiver.objects_path("from " + sname)
    got = wait_for(lambda: receiver.get(path).json().get("objects"), 30,
                   "the objects at the receiver")
    assert sorted(o["id"] for o in got) == sorted(o["id"] for o in objs)
    for o in got:
        ext = o["extensions"][ORIGIN_EXT]
        assert ext["origin"] == sname and ext["extension_type"] == "property-extension"
    return st


def test_to_peer_pending_then_complete_both_ways(make_node):
    a, b, ca, cb = taxii_pair(make_node)
    shared_through(ca, cb, "alpha", "bravo", [indicator(1), indicator(2)])
    shared_through(cb, ca, "bravo", "alpha", [indicator(3)])
    # the receiver's own collection is untouched; "to PEER" cannot be read
    assert "objects" not in cb.get(cb.objects_path("local")).json()
    assert ca.get(ca.objects_path("to bravo")).status_code == 403


def test_refused_by_the_agreement_is_a_failure(make_node):
    a, b, ca, cb = taxii_pair(
        make_node, edit=lambda p: p["links"]["cert"].update(tlp_max="TLP:AMBER"))
    red = indicator(9, tlp="RED")
    r = ca.post(ca.objects_path("to bravo"), envelope([red, indicator(4)]))
    assert r.status_code == 202 and r.headers["Content-Type"] == MEDIA
    st = r.json()
    assert st["failure_count"] == 1
    f = st["failures"][0]
    assert f["id"] == red["id"] and "tlp_max" in f["message"] and "TLP:RED" in f["message"]
    done = wait_for(lambda: (lambda s: s if s["status"] == "complete" else None)(
        status_of(ca, st["id"])), 60, "the allowed object delivered")
    assert done["success_count"] == 1 and done["failure_count"] == 1
    got = wait_for(lambda: cb.get(cb.objects_path("from alpha")).json().get("objects"), 30,
                   "the allowed object at bravo")
    assert [o["id"] for o in got] == [indicator(4)["id"]]
    # the status outlives a restart, complete
    a.stop()
    a.start()
    assert json.dumps(status_of(ca, st["id"]), sort_keys=True) == json.dumps(done,
                                                                            sort_keys=True)
