"""parley intel import, list and show: STIX objects kept in a node's store
by version (docs/STIX.md, "Where objects are kept"), with no daemon
running.  A small bundle written here walks every outcome (new, same,
newer, conflict, older, refused); ATT&CK for ICS 18.1 is imported whole
from ../shared/data, skipped with one line when that is absent.
"""
import collections
import copy
import json
import lzma
import os
import time

import pytest

from parley_e2e import ATTACK, deadline


IDENT = "identity--11111111-2222-4333-8444-555555555555"
IND = "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"
MAL = "malware--31b940d4-6f7f-459a-80ea-9c1f17b58abc"
IP = "ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd"
AMBER = "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"   # TLP 1.0 AMBER


def sdo(type_, id_, modified="2024-01-01T00:00:00.000Z", **kw):
    o = {"type": type_, "spec_version": "2.1", "id": id_,
         "created": "2024-01-01T00:00:00.000Z", "modified": modified}
    o.update(kw)
    return o


def objects():
    return [
        sdo("identity", IDENT, name="CERT A", identity_class="organization"),
        sdo("indicator", IND, name="bad ip", pattern="[ipv4-addr:value = '198.51.100.7']",
            pattern_type="stix", valid_from="2024-01-01T00:00:00Z",
            object_marking_refs=[AMBER]),
        sdo("malware", MAL, name="wiper", is_family=True),
        {"type": "ipv4-addr", "id": IP, "value": "198.51.100.7"},
    ]


def bundle(objs, n=1):
    return {"type": "bundle", "id": f"bundle--00000000-0000-4000-8000-{n:012d}",
            "objects": objs}


def write(tmp_path, name, doc):
    path = tmp_path / name
    path.write_text(json.dumps(doc) if not isinstance(doc, str) else doc)
    return str(path)


def imp(node, path, check=True):
    p = node.cli("intel", "import", path, "--json", check=False)
    assert p.returncode in (0, 1), p.stderr
    if check:
        assert p.returncode == 0, p.stdout + p.stderr
    return p.returncode, json.loads(p.stdout)


def summary(**kw):
    s = dict(new=0, newer=0, same=0, conflict=0, older=0, refused=0)
    s.update(kw)
    return s


def current(node, *args):
    return {o["id"]: o for o in node.json("intel", "list", *args)["objects"]}


def test_versions(make_node, tmp_path):
    a = make_node("alpha")
    first = write(tmp_path, "b1.json", bundle(objects()))
    _, r = imp(a, first)
    assert r["summary"] == summary(new=4)
    assert {o["id"]: o["outcome"] for o in r["objects"]} == {
        IDENT: "new", IND: "new", MAL: "new", IP: "new"}

    # again: nothing changes
    _, r = imp(a, first)
    assert r["summary"] == summary(same=4)
    p = a.cli("intel", "import", first)
    assert p.stdout.strip() == "0 new, 0 newer, 4 same, 0 conflicts, 0 older, 0 refused"

    # a modified version is newer; an older one is history; the same
    # version with other content a conflict; a revoked version newer
    objs = objects()
    newer = copy.deepcopy(objs[2])
    newer.update(modified="2024-03-01T00:00:00.000Z", name="wiper v2")
    older = copy.deepcopy(objs[0])
    older.update(created="2023-01-01T00:00:00.000Z", modified="2023-06-01T00:00:00.000Z")
    other = copy.deepcopy(objs[1])
    other["name"] = "bad ip, other words"
    revoked = copy.deepcopy(objs[0])
    revoked.update(modified="2024-05-01T00:00:00.000Z", revoked=True)
    _, r = imp(a, write(tmp_path, "b2.json", bundle([newer, older, other], 2)))
    assert r["summary"] == summary(newer=1, older=1, conflict=1)
    p = a.cli("intel", "import", write(tmp_path, "b3.json", other))
    assert p.stdout.splitlines() == ["0 new, 0 newer, 1 same, 0 conflicts, 0 older, 0 refused"]
    other2 = copy.deepcopy(objs[1])
    other2["name"] = "a third content"
    p = a.cli("intel", "import", write(tmp_path, "b4.json", other2))
    assert p.stdout.splitlines()[0].startswith(f"CONFLICT {IND}  modified 2024-01-01T00:00:00.000Z")
    assert p.stdout.splitlines()[1] == "0 new, 0 newer, 0 same, 1 conflict, 0 older, 0 refused"
    _, r = imp(a, write(tmp_path, "b5.json", revoked))
    assert r["summary"] == summary(newer=1)

    cur = current(a)
    assert len(cur) == 4
    assert cur[MAL]["modified"] == "2024-03-01T00:00:00.000Z"
    assert cur[IDENT]["modified"] == "2024-05-01T00:00:00.000Z" and cur[IDENT]["revoked"]
    assert cur[IND]["conflict"] and cur[IND]["tlp"] == "TLP:AMBER"
    assert cur[IP]["modified"] is None
    assert not cur[MAL]["conflict"] and not cur[MAL]["revoked"]
    allv = a.json("intel", "list", "--all-versions")
    assert allv["count"] == 9
    assert [o["current"] for o in allv["objects"] if o["id"] == IDENT] == [False, False, True]
    lines = a.cli("intel", "list").stdout.splitlines()
    assert lines[-1] == "4 objects"
    assert any(l.startswith(IND) and "CONFLICT" in l and "TLP:AMBER" in l for l in lines)
    assert any(l.startswith(IDENT) and "revoked" in l for l in lines)

    # show: the first content stays current; every version is listed
    shown = a.json("intel", "show", IND)
    assert shown["object"]["name"] == "bad ip"
    assert [(v["current"], v["conflict"], v["object"]["name"]) for v in shown["versions"]] == [
        (True, True, "bad ip"), (False, True, "bad ip, other words"),
        (False, True, "a third content")]
    text = a.cli("intel", "show", IND).stdout
    assert json.loads(text[:text.index("\n\n")])["name"] == "bad ip"
    assert "3 versions kept:" in text and text.count("CONFLICT") == 3
    shown = a.json("intel", "show", IDENT)
    assert [v["modified"] for v in shown["versions"]] == [
        "2023-06-01T00:00:00.000Z", "2024-01-01T00:00:00.000Z", "2024-05-01T00:00:00.000Z"]
    assert shown["object"]["revoked"] is True
    p = a.cli("intel", "show", "tool--11111111-2222-4333-8444-555555555555", check=False)
    assert p.returncode == 1 and "no STIX object" in p.stderr

    # filters
    assert list(current(a, "--type", "malware")) == [MAL]
    assert current(a, "--type", "tool") == {}
    assert a.json("intel", "list", "--type", "identity", "--all-versions")["count"] == 3
    assert a.json("intel", "list")["types"] == {
        "identity": 1, "indicator": 1, "malware": 1, "ipv4-addr": 1}


def test_refused(make_node, tmp_path):
    a = make_node("alpha")
    objs = objects()
    del objs[1]["pattern"]
    rc, r = imp(a, write(tmp_path, "bad.json", bundle(objs)), check=False)
    assert rc == 1
    assert r["summary"] == summary(new=3, refused=1)
    assert r["refused"] == [f'{IND}: "pattern" is required']
    p = a.cli("intel", "import", str(tmp_path / "bad.json"), check=False)
    assert p.returncode == 1
    assert p.stdout.splitlines() == [f'REFUSED  {IND}: "pattern" is required',
                                     "0 new, 0 newer, 3 same, 0 conflicts, 0 older, 1 refused"]
    assert IND not in current(a)

    # a broken document keeps nothing, not even its good objects
    b = make_node("bravo")
    text = json.dumps(bundle(objects()))
    for name, doc in [("truncated", text[:-20]), ("dup", text[:-1] + ', "id": "x"}'),
                      ("empty", '{"type": "bundle", "id": "bundle--00000000-0000-4000-8000-'
                       '000000000009", "objects": []}')]:
        rc, r = imp(b, write(tmp_path, name + ".json", doc), check=False)
        assert rc == 1 and r["why"], name
        p = b.cli("intel", "import", str(tmp_path / (name + ".json")), check=False)
        assert p.returncode == 1 and p.stdout.startswith("REFUSED  ") and \
            p.stdout.endswith("nothing kept\n"), name
    assert b.json("intel", "list")["count"] == 0


def test_usage(make_node, tmp_path):
    a = make_node("alpha")
    for sub in ("import", "list", "show", "validate"):
        p = a.cli("intel", sub, "--help")
        assert p.returncode == 0 and p.stdout.startswith(f"usage: parley intel {sub}")
    for args in (["list", "x"], ["show"], ["import"], ["frob"], ["import", "a", "--type", "x"]):
        assert a.cli("intel", *args, check=False).returncode == 2, args
    p = a.cli("intel", "import", str(tmp_path / "missing.json"), check=False)
    assert p.returncode == 1 and "cannot read the STIX document" in p.stderr
    # from stdin
    p = a.cli("intel", "import", "-", stdin=json.dumps(objects()[2]))
    assert p.stdout.strip() == "1 new, 0 newer, 0 same, 0 conflicts, 0 older, 0 refused"
    # no node
    from parley_e2e import run
    p = run("intel", "list", "--dir", str(tmp_path / "nonode"))
    assert p.returncode == 1 and p.stderr


def test_attack(make_node, tmp_path):
    if not os.path.exists(ATTACK):
        pytest.skip(f"no {os.path.normpath(ATTACK)}: the shared test data is absent")
    with lzma.open(ATTACK) as f:
        text = f.read()
    path = tmp_path / "ics-attack-18.1.json"
    path.write_bytes(text)
    objs = json.loads(text)["objects"]
    want = collections.Counter(o["type"] for o in objs)
    a = make_node("alpha")
    t = time.monotonic()
    p = a.cli("intel", "import", str(path))
    took = time.monotonic() - t
    assert p.stdout.strip() == "1826 new, 0 newer, 0 same, 0 conflicts, 0 older, 0 refused"
    print(f"ATT&CK for ICS: 1826 objects imported in {took:.3f} s, "
          f"{1826 / took:.0f} objects/s")
    assert took < deadline(30)
    got = a.json("intel", "list")
    assert got["count"] == 1826
    assert got["types"] == dict(want)
    assert collections.Counter(o["type"] for o in got["objects"]) == want
    # again: all the same
    p = a.cli("intel", "import", str(path))
    assert p.stdout.strip() == "0 new, 0 newer, 1826 same, 0 conflicts, 0 older, 0 refused"
    # an object reads back as it was sent, but for the order of members
    o = next(o for o in objs if o["type"] == "attack-pattern")
    assert a.json("intel", "show", o["id"])["object"] == o
