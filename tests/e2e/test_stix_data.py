"""parley's STIX 2.1 reader (src/fmt/stix.c) against material no one on
the team wrote, through `parley intel validate --json`:

(a) MITRE ATT&CK for ICS 18.1: every object of the bundle is accepted, and
    the counts per type are the bundle's own;
(b) the OASIS STIX 2.1 JSON schemas: objects mutated from ATT&CK's (each
    required property dropped, the id broken, a timestamp broken, modified
    before created, references of the wrong type, ...) are refused by
    parley exactly when the schemas refuse them, but for the deliberate
    differences listed in DIFFERENCES, each with its reason.

Both read ../shared/data (docs/STIX.md; PARLEY_SHARED_DATA overrides) and
skip with one line when it is absent, as in a user's clone.
"""
import collections
import copy
import glob
import json
import lzma
import os
import subprocess

import pytest

from parley_e2e import ATTACK, SHARED_DATA, BIN

DATA = SHARED_DATA
SCHEMAS = os.path.join(DATA, "stix2-json-schemas", "schemas")

U4 = "11111111-2222-4333-8444-555555555555"
U5 = "11111111-2222-5333-8444-555555555555"


def need(path):
    if not os.path.exists(path):
        pytest.skip(f"no {os.path.normpath(path)}: the shared test data is absent")


@pytest.fixture(scope="module")
def attack(tmp_path_factory):
    """The ATT&CK for ICS bundle: its objects, and its path decompressed."""
    need(ATTACK)
    path = tmp_path_factory.mktemp("attack") / "ics-attack-18.1.json"
    with lzma.open(ATTACK) as f:
        text = f.read()
    path.write_bytes(text)
    return json.loads(text), str(path)


def validate(path):
    """parley intel validate PATH --json: (exit status, its JSON)."""
    p = subprocess.run([os.path.join(BIN, "parley"), "intel", "validate", path, "--json"],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode in (0, 1), p.stderr
    return p.returncode, json.loads(p.stdout)


def test_attack_ics_all_accepted(attack):
    bundle, path = attack
    rc, out = validate(path)
    objs = bundle["objects"]
    assert len(objs) == 1826
    assert rc == 0, [o["why"] for o in out["objects"] if not o["ok"]][:10]
    assert out["bundle"] == bundle["id"]
    assert out["summary"]["objects"] == out["summary"]["accepted"] == 1826
    assert out["summary"]["refused"] == 0
    assert out["summary"]["types"] == dict(collections.Counter(o["type"] for o in objs))
    assert sum(1 for o in objs if o["type"].startswith("x-mitre-")) > 0
    for mine, theirs in zip(out["objects"], objs):
        assert (mine["type"], mine["id"]) == (theirs["type"], theirs["id"])
        assert mine["custom"] == theirs["type"].startswith("x-")
        assert mine["modified"] == theirs.get("modified")
        # ATT&CK marks every object with its copyright statement, no TLP
        assert mine["tlp"] == "none"
        if theirs["type"] == "marking-definition":
            assert mine["version_key"] == "id"
        else:
            assert mine["version_key"] == "id+modified"


def test_refused_document(tmp_path):
    p = tmp_path / "cut.json"
    p.write_text('{"type":"bundle","id":"bundle--' + U4 + '","objects":[{"type":')
    rc, out = validate(str(p))
    assert rc == 1 and out["why"].startswith("(top): not JSON")
    p = subprocess.run([os.path.join(BIN, "parley"), "intel", "validate", str(p)],
                       capture_output=True, text=True)
    assert p.returncode == 1 and p.stdout.startswith("REFUSED  (top): not JSON")


# ---- (b) the OASIS schemas ------------------------------------------------

# Where parley and the schemas part on purpose: (mutation kind, the objects
# it concerns, parley's verdict, why).  The test holds both sides, so an
# entry that goes stale fails.
REFUSE, ACCEPT = False, True
ANY, CUSTOM, MARKING = "any type", "custom types", "marking-definition"
DIFFERENCES = [
    ("modified before created", ANY, REFUSE,
     "section 3.6.1: modified MUST NOT be earlier than created; a JSON schema cannot "
     "compare two properties"),
    ("spec_version 2.0", ANY, REFUSE,
     "section 3.2: spec_version MUST be 2.1; the schemas also take 2.0"),
    ("created_by_ref to a tool", ANY, REFUSE,
     "section 3.2: created_by_ref is the id of an identity; core.json takes any identifier"),
    ("object_marking_refs to an identity", ANY, REFUSE,
     "section 3.2: object_marking_refs are ids of marking-definitions; core.json takes any "
     "identifier (marking-definition.json restricts them, and agrees)"),
    ("February 30", ANY, REFUSE,
     "section 2.16: an RFC 3339 timestamp is a real date; the schemas' pattern takes any "
     "day 01-31 of any month"),
    ("name with a hyphen", ANY, REFUSE,
     "section 3.1: property names are a-z, 0-9 and _; properties.json's pattern is anchored "
     "at its start only, so bad-name passes on its first three letters"),
    ("defanged on an SDO", ANY, REFUSE,
     "section 3.2: defanged MUST NOT be used but on SCOs; properties.json takes it as a "
     "custom property"),
    ("integer over 2^53", ANY, REFUSE,
     "section 2.10: integers MUST fit 54 bits; the schemas bound no custom property"),
    ("id of another type", CUSTOM, REFUSE,
     "section 2.9: an id's type is its object's; each SDO schema pins its prefix, "
     "core.json (all a custom type has) cannot"),
    ("reserved severity", MARKING, REFUSE,
     "section 3.8: reserved names MUST NOT be present in any object; "
     "marking-definition.json, unlike core.json, does not check them"),
    ("name in upper case", MARKING, REFUSE,
     "section 3.1: property names are lower case; marking-definition.json does not apply "
     "properties.json"),
    ("custom property null", MARKING, REFUSE,
     "STIX has no null; marking-definition.json does not apply properties.json"),
    ("custom property empty list", MARKING, REFUSE,
     "section 2.12: no empty lists; marking-definition.json does not apply properties.json"),
]


def scope_of(t):
    return CUSTOM if t.startswith("x-") else MARKING if t == "marking-definition" else None


def difference(t, kind):
    """The entry of DIFFERENCES for kind on an object of type t, or None."""
    for d in DIFFERENCES:
        if d[0] == kind and d[1] in (ANY, scope_of(t)):
            return d
    return None


# ... and one the other way round: the bundle schema's oneOf between
# core.json and cyber-observable-core.json refuses every custom object that
# has the SDO common properties, since it matches both; ATT&CK's x-mitre-*
# objects are such objects.  This test judges a custom object by core.json
# (with created or modified) or cyber-observable-core.json (without), as
# parley reads it; test_schema_bundle_oneof holds the schema's behaviour.

REQUIRED = {
    "attack-pattern": ["name"],
    "campaign": ["name"],
    "course-of-action": ["name"],
    "identity": ["name"],
    "intrusion-set": ["name"],
    "malware": ["is_family", "name"],  # ATT&CK's are families: a family needs a name
    "relationship": ["relationship_type", "source_ref", "target_ref"],
    "marking-definition": ["definition", "definition_type"],
}
COMMON = {
    "marking-definition": ["type", "id", "spec_version", "created"],
}
DEFAULT_COMMON = ["type", "id", "spec_version", "created", "modified"]


def mutations(base):
    """(kind, object) for each way base is broken (or changed harmlessly)."""
    t = base["type"]
    sdo_like = "modified" in base

    def m(kind, **changes):
        o = copy.deepcopy(base)
        for k, v in changes.items():
            if v is DROP:
                o.pop(k, None)
            else:
                o[k] = v
        return kind, o

    out = []
    for p in COMMON.get(t, DEFAULT_COMMON) + REQUIRED.get(t, []):
        out.append(m(f"drop {p}", **{p: DROP}))
    if t.startswith("x-"):
        out.append(m("custom without created and modified", created=DROP, modified=DROP))
    uuid = base["id"].split("--", 1)[1]
    other = "tool" if t != "tool" else "malware"
    out += [
        m("id of another type", id=f"{other}--{uuid}"),
        m("id with one dash", id=f"{t}-{uuid}"),
        m("id with a version 0 UUID", id=f"{t}--{uuid[:14]}0{uuid[15:]}"),
        m("id with a version 6 UUID", id=f"{t}--{uuid[:14]}6{uuid[15:]}"),
        m("id with a variant c UUID", id=f"{t}--{uuid[:19]}c{uuid[20:]}"),
        m("id in upper case", id=f"{t}--{uuid.upper()}"),
        m("id with a version 1 UUID", id=f"{t}--{uuid[:14]}1{uuid[15:19]}a{uuid[20:]}"),
        m("created month 13", created="2024-13-01T00:00:00.000Z"),
        m("created with a space", created="2024-01-01 00:00:00.000Z"),
        m("created with an offset", created="2024-01-01T00:00:00.000+01:00"),
        m("created not a string", created=1704067200000),
        m("created leap second", created="2016-12-31T23:59:60.000Z"),
        m("February 30", created="2016-02-30T00:00:00.000Z"),
        m("spec_version 2.0", spec_version="2.0"),
        m("spec_version 3.0", spec_version="3.0"),
        m("reserved severity", severity="high"),
        m("name in upper case", Xname=1),
        m("name with a hyphen", **{"bad-name": 1}),
        m("custom property", x_acme_score={"a": [1, 2]}),
        m("custom property empty list", x_acme_tags=[]),
        m("custom property null", x_acme_tags=None),
        m("integer over 2^53", x_acme_count=2**53 + 1),
        m("created_by_ref not an identifier", created_by_ref="MITRE"),
        m("object_marking_refs empty", object_marking_refs=[]),
    ]
    if sdo_like:
        out += [
            m("created without milliseconds", created="2017-06-01T00:00:00Z",
              modified="2017-06-01T00:00:00Z"),
            m("created in microseconds", created="2017-06-01T00:00:00.123456Z",
              modified="2025-06-01T00:00:00.123456Z"),
            m("modified before created", created="2025-06-01T00:00:00.000Z",
              modified="2017-06-01T00:00:00.000Z"),
            m("revoked a string", revoked="yes"),
            m("labels empty", labels=[]),
            m("labels of numbers", labels=[1]),
            m("confidence 101", confidence=101),
            m("confidence 100", confidence=100),
            m("external reference without source_name",
              external_references=[{"url": "https://example.com/"}]),
            m("external reference with source_name alone",
              external_references=[{"source_name": "acme"}]),
            m("external reference to CVE badly", external_references=[
              {"source_name": "cve", "external_id": "CVE-14-160"}]),
            m("external reference to CAPEC", external_references=[
              {"source_name": "capec", "external_id": "CAPEC-550"}]),
            m("defanged on an SDO", defanged=True),
            m("created_by_ref to a tool", created_by_ref=f"tool--{U4}"),
            m("object_marking_refs to an identity",
              object_marking_refs=[f"identity--{U4}"]),
            m("object_marking_refs to TLP:AMBER+STRICT", object_marking_refs=[
              "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003"]),
            m("extensions empty", extensions={}),
            m("extension without extension_type",
              extensions={f"extension-definition--{U4}": {"rank": 1}}),
            m("extension", extensions={f"extension-definition--{U4}": {
                "extension_type": "property-extension", "rank": 1}}),
        ]
    if t == "marking-definition":
        out += [
            m("marking marked with an identity", object_marking_refs=[f"identity--{U4}"]),
        ]
    if "kill_chain_phases" in base:
        out += [
            m("kill chain phase without phase_name",
              kill_chain_phases=[{"kill_chain_name": "mitre-ics-attack"}]),
            m("kill chain phases empty", kill_chain_phases=[]),
        ]
    if t == "malware":
        out += [
            m("malware is_family a string", is_family="yes"),
            m("malware instance without a name", is_family=False, name=DROP),
        ]
    if t == "relationship":
        out += [
            m("source_ref to a marking-definition", source_ref=f"marking-definition--{U4}"),
            m("target_ref to a relationship", target_ref=f"relationship--{U4}"),
            m("target_ref to a sighting", target_ref=f"sighting--{U4}"),
            m("target_ref to language-content", target_ref=f"language-content--{U4}"),
            m("target_ref to a bundle", target_ref=f"bundle--{U4}"),
            m("source_ref to an SCO", source_ref=f"ipv4-addr--{U5}"),
            m("source_ref not an identifier", source_ref="T0800"),
            m("relationship_type in upper case", relationship_type="Uses"),
            m("start_time not a timestamp", start_time="yesterday"),
        ]
    if t == "campaign":
        out += [m("first_seen not a timestamp", first_seen="2024")]
    return out


class _Drop:
    pass


DROP = _Drop()


@pytest.fixture(scope="module")
def schemas():
    need(SCHEMAS)
    js = pytest.importorskip("jsonschema", reason="python3-jsonschema is not installed")
    store, by_file = {}, {}
    for p in glob.glob(os.path.join(SCHEMAS, "*", "*.json")):
        with open(p) as f:
            s = json.load(f)
        store[s["$id"]] = s
        by_file[os.path.relpath(p, SCHEMAS)] = s

    def no_fetch(uri):
        raise AssertionError(f"a schema asked for {uri}, which is not local")

    def validator(rel):
        s = by_file[rel]
        r = js.RefResolver(s["$id"], s, store=store,
                           handlers={"http": no_fetch, "https": no_fetch})
        return js.Draft202012Validator(s, resolver=r)

    cache = {}

    def for_object(o, original_type):
        """The schema that judges o: its type's file, or, for a custom type,
        core.json (with created or modified) or cyber-observable-core.json."""
        t = original_type
        if t.startswith("x-"):
            rel = ("common/core.json" if "created" in o or "modified" in o
                   else "common/cyber-observable-core.json")
        else:
            rel = next(k for k in by_file
                       if os.path.basename(k) == t + ".json")
        if rel not in cache:
            cache[rel] = validator(rel)
        return cache[rel]

    return for_object, validator


def test_schema_bundle_oneof(schemas, attack):
    """The difference noted above, held: the bundle schema refuses a
    custom object with the SDO common properties (it matches both cores)."""
    _, validator = schemas
    bundle, _ = attack
    custom = next(o for o in bundle["objects"] if o["type"] == "x-mitre-tactic")
    b = {"type": "bundle", "id": bundle["id"], "objects": [custom]}
    assert not validator("common/bundle.json").is_valid(b)
    assert validator("common/core.json").is_valid(custom)
    assert validator("common/cyber-observable-core.json").is_valid(custom)


def test_schema_cross_check(schemas, attack, tmp_path):
    for_object, _ = schemas
    bundle, _ = attack
    bases, seen = [], set()
    for o in bundle["objects"]:
        if o["type"] not in seen:
            seen.add(o["type"])
            bases.append(o)
    cases = []
    for b in bases:
        for kind, o in mutations(b):
            cases.append((b["type"], kind, o))
    # every base as it is, too: both accept
    cases += [(b["type"], "unchanged", b) for b in bases]
    assert len(cases) > 500

    objs = [o for _, _, o in cases]
    p = tmp_path / "mutated.json"
    p.write_text(json.dumps({"type": "bundle", "id": f"bundle--{U4}", "objects": objs}))
    _, out = validate(str(p))
    assert out["summary"]["objects"] == len(cases)

    wrong, differed = [], collections.Counter()
    for (t, kind, o), mine in zip(cases, out["objects"]):
        schema_ok = for_object(o, t).is_valid(o)
        d = difference(t, kind)
        if d:
            want = d[2]
            if schema_ok == want:
                wrong.append(f"{t} / {kind}: the schemas now agree with parley "
                             f"({'accept' if want else 'refuse'}): drop it from DIFFERENCES")
            differed[d[:2]] += 1
        else:
            want = schema_ok
        if mine["ok"] != want:
            wrong.append(f"{t} / {kind}: parley {'accepts' if mine['ok'] else 'refuses'}"
                         f" ({mine.get('why')}), want {'accept' if want else 'refuse'}"
                         f" (schema: {'accepts' if schema_ok else 'refuses'})")
    assert not wrong, "\n".join(wrong)
    # every listed difference was exercised
    assert set(differed) == {d[:2] for d in DIFFERENCES}, \
        {d[:2] for d in DIFFERENCES} - set(differed)
    # both verdicts occur, on every type
    by = collections.defaultdict(set)
    for (t, _, _), mine in zip(cases, out["objects"]):
        by[t].add(mine["ok"])
    assert all(v == {True, False} for v in by.values()), by
