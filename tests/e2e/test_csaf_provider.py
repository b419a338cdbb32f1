"""The CSAF trusted provider (issue 17; docs/CSAF_PROVIDER.md): served by
parleyd when csaf_listen is set.  The client here follows section 7 of
CSAF 2.0 requirement by requirement: the provider metadata (7: valid
against the provider schema, role csaf_trusted_provider; 9: at the
well-known URL), TLS (3), TLP:WHITE free (4) and the other labels access
protected under their own paths (5), no redirects (6), one folder per year
(11), index.txt (12), changes.csv (13), directory listings (14), the ROLIE
feed per label (15) and service document (16), hashes (18), signatures (19)
verified with gpg against the listed key (20).  Then what parley adds:
publish and unpublish, a newer version taking the older's place, a restart
keeping everything, an advisory from a peer whose origin does not allow
onward transfer refused, and no gpg process outliving parleyd.
"""
import csv
import hashlib
import io
import json
import os
import re
import subprocess
import tempfile
import time

import pytest
import requests

from parley_e2e import SHARED_DATA, deadline, free_port, peek, wait_for

ROOT = "/.well-known/csaf/"
LABELS = ("WHITE", "GREEN", "AMBER", "RED")
SCHEMAS = os.path.join(SHARED_DATA, "csaf", "schemas")


def csaf_doc(tracking, version="1", tlp="WHITE", initial="2024-03-01T10:00:00Z",
             current=None, title=None):
    """A small valid CSAF 2.0 document (category csaf_base)."""
    current = current or initial
    history = [{"date": initial, "number": "1", "summary": "Initial version."}]
    history += [{"date": current, "number": str(n), "summary": "Update %d." % n}
                for n in range(2, int(version) + 1)]     # no gaps (test 6.1.21)
    return json.dumps({"document": {
        "category": "csaf_base", "csaf_version": "2.0",
        "distribution": {"tlp": {"label": tlp}},
        "publisher": {"category": "coordinator", "name": "parley test CERT",
                      "namespace": "https://cert.example.org"},
        "title": title or ("Advisory %s" % tracking),
        "tracking": {"current_release_date": current, "id": tracking,
                     "initial_release_date": initial, "revision_history": history,
                     "status": "final", "version": version}}}, indent=2).encode()


def ms(t):
    import datetime
    return int(datetime.datetime.strptime(t, "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=datetime.timezone.utc).timestamp() * 1000)


def put_advisory(node, doc, origin=0, msg=""):
    """Keep doc in node's store: our own through `parley advisory import`
    (validated); a peer's as the advisory service keeps what arrives (a row
    of its schema written beside the daemon, origin the peer's id), so that
    the origin's agreement decides without a second node."""
    d = json.loads(doc)["document"]
    if origin == 0:
        path = os.path.join(os.path.dirname(node.dir), "adv-" + filename(d["tracking"]["id"]))
        with open(path, "wb") as f:
            f.write(doc)
        node.cli("advisory", "import", path)
        return
    import sqlite3
    db = sqlite3.connect(os.path.join(node.dir, "parley.db"), timeout=30)
    with db:
        db.execute(
            "INSERT INTO advisory(origin, ns, tracking, version, title, status, tlp,"
            " publisher, initial_ms, current_ms, added_ms, msg, doc, sha256)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (origin, d["publisher"]["namespace"], d["tracking"]["id"], d["tracking"]["version"],
             d["title"], d["tracking"]["status"], d["distribution"]["tlp"]["label"],
             d["publisher"]["name"], ms(d["tracking"]["initial_release_date"]),
             ms(d["tracking"]["current_release_date"]), int(time.time() * 1000), msg, doc,
             hashlib.sha256(doc).digest()))
    db.close()


def serve(node, https=False):
    port = free_port()
    url = ("https" if https else "http") + "://127.0.0.1:%d" % port
    node.cli("config", "set", "csaf_listen", url)
    return url


class Client:
    """A CSAF consumer of one provider: never follows a redirect."""

    def __init__(self, url, token=None, cert=None):
        self.url = url
        self.s = requests.Session()
        self.s.trust_env = False
        self.s.verify = cert if cert else True
        if token:
            self.s.headers["Authorization"] = "Bearer " + token

    def get(self, path):
        r = self.s.get(path if path.startswith("http") else self.url + path,
                       timeout=deadline(30), allow_redirects=False)
        assert not 300 <= r.status_code < 400, "a redirect (requirement 6): %s" % r.url
        return r

    def ok(self, path, ctype=None):
        r = self.get(path)
        assert r.status_code == 200, (path, r.status_code, r.text)
        if ctype:
            assert r.headers["Content-Type"].split(";")[0] == ctype, (path, r.headers)
        return r


def publish(node, tracking, version=None, ok=True):
    args = ["advisory", "publish", tracking, "--json"]
    if version:
        args[3:3] = ["--version", version]
    p = node.cli(*args, check=False)
    if ok:
        assert p.returncode == 0, p.stderr
        return json.loads(p.stdout)
    assert p.returncode != 0
    return p.stderr


def metadata(c):
    return c.ok(ROOT + "provider-metadata.json", "application/json").json()


def validate_metadata(md):
    """Requirement 7: valid against the provider metadata schema."""
    path = os.path.join(SCHEMAS, "provider_json_schema.json")
    if not os.path.exists(path):
        pytest.skip("no CSAF schemas in %s (published material, not in the repository)"
                    % SCHEMAS)
    import jsonschema
    schemas = [json.load(open(os.path.join(SCHEMAS, f)))
               for f in ("provider_json_schema.json", "csaf_json_schema.json")]
    kw = {"format_checker": jsonschema.FormatChecker()}
    try:        # the publisher is a $ref into the CSAF schema: resolved locally
        from referencing import Registry, Resource
        kw["registry"] = Registry().with_resources(
            [(s["$id"], Resource.from_contents(s)) for s in schemas])
    except ImportError:
        kw["resolver"] = jsonschema.RefResolver.from_schema(
            schemas[0], store={s["$id"]: s for s in schemas})
    v = jsonschema.Draft202012Validator(schemas[0], **kw)
    errors = [e.message for e in v.iter_errors(md)]
    assert not errors, errors


def gpg_verify(key, doc, sig):
    """Requirement 19/20: the signature verifies with gpg against the listed
    key, in a keyring of its own."""
    with tempfile.TemporaryDirectory(prefix="g", dir="/tmp") as home:
        os.chmod(home, 0o700)
        env = dict(os.environ, GNUPGHOME=home)
        try:
            for name, data in (("key.asc", key), ("doc.json", doc), ("doc.json.asc", sig)):
                with open(os.path.join(home, name), "wb") as f:
                    f.write(data)
            subprocess.run(["gpg", "--batch", "--import", os.path.join(home, "key.asc")],
                           env=env, check=True, capture_output=True, timeout=deadline(30))
            p = subprocess.run(["gpg", "--batch", "--status-fd", "1", "--verify",
                                os.path.join(home, "doc.json.asc"),
                                os.path.join(home, "doc.json")],
                               env=env, capture_output=True, text=True, timeout=deadline(30))
            return p.returncode == 0 and "[GNUPG:] GOODSIG" in p.stdout, p.stdout + p.stderr
        finally:
            subprocess.run(["gpgconf", "--homedir", home, "--kill", "all"],
                           capture_output=True, timeout=deadline(30))


def filename(tracking):
    """Section 5.1."""
    return re.sub(r"[^+\-a-z0-9]+", "_", tracking.lower()) + ".json"


def gpg_procs(homedir):
    """The processes whose command line names homedir."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if homedir in cmd and "gpg" in cmd:
            found.append(cmd)
    return found


@pytest.fixture
def provider(make_node):
    """alpha serving the CSAF provider on loopback HTTP, with bravo pinned
    (not running); stopped with SIGTERM at the end, so its agent stops."""
    a, b = make_node("alpha"), make_node("bravo")
    a.pin(b)
    url = serve(a)
    a.start()
    yield a, url
    a.stop()


WHITE_DOCS = (("PARLEY-2023-001", "2023-05-01T08:00:00Z", "2023-06-01T08:00:00Z"),
              ("Parley 2024/002", "2024-02-01T08:00:00Z", "2024-09-01T08:00:00Z"),
              ("PARLEY-2024-003", "2024-07-01T08:00:00Z", "2024-07-02T08:00:00Z"))


def test_metadata_key_and_schema(make_node):
    """Requirements 3, 7, 9, 20: over HTTPS with the server certificate,
    at the well-known URL, valid, the trusted provider's role, the key's
    fingerprint and URL, one distribution per label."""
    a = make_node("alpha")
    url = serve(a, https=True)
    a.start()
    try:
        c = Client(url, cert=os.path.join(a.dir, "server.crt"))
        md = metadata(c)
        assert md["role"] == "csaf_trusted_provider"
        assert md["canonical_url"] == url + ROOT + "provider-metadata.json"
        assert md["metadata_version"] == "2.0"
        assert md["publisher"]["name"] == "parley alpha"
        assert md["publisher"]["category"] == "coordinator"
        dists = {d["rolie"]["feeds"][0]["tlp_label"]: d for d in md["distributions"]}
        assert set(dists) == set(LABELS)
        for label, d in dists.items():
            assert d["directory_url"] == url + ROOT + label.lower() + "/"
            assert d["rolie"]["feeds"][0]["url"] == \
                url + ROOT + "%s/csaf-feed-tlp-%s.json" % (label.lower(), label.lower())
        (key,) = md["public_openpgp_keys"]
        st = a.json("csaf")
        assert key["fingerprint"] == st["fingerprint"] and len(key["fingerprint"]) == 40
        assert st["metadata_url"] == md["canonical_url"]
        pub = c.ok(key["url"], "application/pgp-keys").text
        assert pub.startswith("-----BEGIN PGP PUBLIC KEY BLOCK-----")
        svc = c.ok(md["distributions"][0]["rolie"]["services"][0], "application/json").json()
        hrefs = [col["href"] for w in svc["service"]["workspace"] for col in w["collection"]]
        assert sorted(hrefs) == sorted(d["rolie"]["feeds"][0]["url"] for d in dists.values())
        assert c.get(ROOT + "openpgp/0000.asc").status_code == 404
        feed = c.ok(ROOT + "white/csaf-feed-tlp-white.json", "application/json").json()
        assert feed["feed"]["entry"] == [] and feed["feed"]["updated"] > "1970-01-02"
        assert c.ok(ROOT + "white/index.txt").text == ""
        # the keyring: 0700, the key's files 0600
        home = os.path.join(a.dir, "csaf-gnupg")
        assert os.stat(home).st_mode & 0o777 == 0o700
        for f in os.listdir(os.path.join(home, "private-keys-v1.d")):
            assert os.stat(os.path.join(home, "private-keys-v1.d", f)).st_mode & 0o077 == 0
        validate_metadata(md)
    finally:
        a.stop()


def test_directory_rolie_hashes_signatures(provider):
    """Requirements 1, 2, 4, 11-15, 18, 19: what is published is listed
    exactly, at its year folder and file name, with hashes and signatures
    that verify against the listed key."""
    a, url = provider
    docs = {}
    for tracking, initial, current in WHITE_DOCS:
        docs[tracking] = csaf_doc(tracking, initial=initial, current=current)
        put_advisory(a, docs[tracking])
        r = publish(a, tracking)
        assert r["tlp"] == "WHITE" and not r["held"]
        assert r["path"] == "white/%s/%s" % (initial[:4], filename(tracking))
    assert publish(a, "PARLEY-2023-001")["held"]
    c = Client(url)
    md = metadata(c)
    key = c.ok(md["public_openpgp_keys"][0]["url"]).content
    base = url + ROOT + "white/"
    want = {"%s/%s" % (i[:4], filename(t)) for t, i, _ in WHITE_DOCS}
    index = c.ok(ROOT + "white/index.txt", "text/plain").text
    assert set(index.split()) == want and len(index.split()) == len(want)
    rows = list(csv.reader(io.StringIO(c.ok(ROOT + "white/changes.csv", "text/csv").text)))
    assert {r[0] for r in rows} == want and len(rows) == len(want)
    assert [r[1] for r in rows] == sorted((r[1] for r in rows), reverse=True)
    assert rows[0][0] == "2024/" + filename("Parley 2024/002")
    # each date as its document writes current_release_date
    assert {r[0]: r[1] for r in rows} == {"%s/%s" % (i[:4], filename(t)): cur
                                          for t, i, cur in WHITE_DOCS}
    feed = c.ok(ROOT + "white/csaf-feed-tlp-white.json", "application/json").json()["feed"]
    assert feed["link"][0]["href"] == base + "csaf-feed-tlp-white.json"
    assert feed["category"][0]["term"] == "csaf"
    assert {e["id"] for e in feed["entry"]} == set(docs)
    for e in feed["entry"]:
        rels = {}
        for link in e["link"]:
            rels.setdefault(link["rel"], []).append(link["href"])
        doc_url = rels["self"][0]
        assert e["content"] == {"type": "application/json", "src": doc_url}
        assert sorted(rels["hash"]) == [doc_url + ".sha256", doc_url + ".sha512"]
        assert rels["signature"] == [doc_url + ".asc"]
        assert e["format"]["version"] == "2.0"
        body = c.ok(doc_url, "application/json").content
        assert body == docs[e["id"]]
        assert json.loads(body)["document"]["tracking"]["id"] == e["id"]
        for ext, h in (("sha256", hashlib.sha256), ("sha512", hashlib.sha512)):
            line = c.ok(doc_url + "." + ext, "text/plain").text
            assert line.split()[0] == h(body).hexdigest()
            assert line.split()[1] == doc_url.rsplit("/", 1)[1]
        sig = c.ok(doc_url + ".asc", "application/pgp-signature").content
        good, out = gpg_verify(key, body, sig)
        assert good, out
        bad, _ = gpg_verify(key, body + b" ", sig)
        assert not bad, "a changed document must not verify"
    # requirement 14: directory listings, each file reachable from them
    top = c.ok(ROOT + "white/", "text/html").text
    for year in ("2023", "2024"):
        assert 'href="%swhite/%s/"' % (ROOT, year) in top
        page = c.ok(ROOT + "white/%s/" % year, "text/html").text
        for f in want:
            if f.startswith(year):
                assert 'href="%swhite/%s"' % (ROOT, f) in page
    assert c.get(ROOT + "white/2022/").status_code == 404
    assert c.get(ROOT + "white/2024/nothing.json").status_code == 404
    st = a.json("csaf")
    assert st["published"] == {"WHITE": 3, "GREEN": 0, "AMBER": 0, "RED": 0}


def test_tlp_access(provider):
    """Requirements 4 and 5: WHITE to anyone; GREEN, AMBER, RED, their
    listings and feeds, only to a user allowed the label (401, 403)."""
    a, url = provider
    for t, tlp in (("P-W-1", "WHITE"), ("P-G-1", "GREEN"), ("P-A-1", "AMBER"), ("P-R-1", "RED")):
        put_advisory(a, csaf_doc(t, tlp=tlp))
        assert publish(a, t)["tlp"] == tlp
    p = a.cli("csaf", "user", "add", "partner", "--tlp", "GREEN,AMBER")
    token = p.stdout.split()[-1]
    other = a.cli("csaf", "user", "add", "red-only", "--tlp", "RED").stdout.split()[-1]
    users = json.loads(a.cli("csaf", "user", "list", "--json").stdout)
    assert [(u["name"], u["tlp"]) for u in users] == [("partner", ["GREEN", "AMBER"]),
                                                      ("red-only", ["RED"])]
    assert token not in a.cli("csaf", "user", "list").stdout
    anon, partner, red = Client(url), Client(url, token), Client(url, other)
    wrong = Client(url, token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    for label, doc in (("green", "P-G-1"), ("amber", "P-A-1"), ("red", "P-R-1")):
        paths = [ROOT + "%s/index.txt" % label, ROOT + "%s/changes.csv" % label,
                 ROOT + "%s/csaf-feed-tlp-%s.json" % (label, label), ROOT + label + "/",
                 ROOT + "%s/2024/%s" % (label, filename(doc)),
                 ROOT + "%s/2024/%s.asc" % (label, filename(doc))]
        for path in paths:
            r = anon.get(path)
            assert r.status_code == 401, (path, r.status_code)
            assert r.headers["WWW-Authenticate"].startswith("Bearer")
            allowed = label in ("green", "amber")
            assert partner.get(path).status_code == (200 if allowed else 403), path
            assert red.get(path).status_code == (403 if allowed else 200), path
        reader = red if label == "red" else partner
        assert reader.get(ROOT + "%s/index.txt" % label).text.split() == \
            ["2024/" + filename(doc)]
    r = anon.ok(ROOT + "white/2024/" + filename("P-W-1"))
    assert json.loads(r.content)["document"]["distribution"]["tlp"]["label"] == "WHITE"
    # removing a user takes their token away at once
    a.cli("csaf", "user", "remove", "partner")
    assert partner.get(ROOT + "green/index.txt").status_code == 401
    p = a.cli("csaf", "user", "remove", "partner", check=False)
    assert p.returncode == 1 and "no user" in p.stderr
    p = a.cli("csaf", "user", "add", "x", "--tlp", "WHITE", check=False)
    assert p.returncode == 1 and "public" in p.stderr
    # a wrong token: 401, and past a few the address waits (429)
    codes = [wrong.get(ROOT + "green/index.txt").status_code for _ in range(8)]
    assert codes[0] == 401 and codes[-1] == 429, codes


def test_update_unpublish_restart(provider):
    """A newer version takes the older's place; unpublish removes it from
    every listing and its files answer 404, the record kept; a restart
    keeps what is published, the key and the users."""
    a, url = provider
    put_advisory(a, csaf_doc("UPD-1", "1", initial="2024-01-10T00:00:00Z"))
    put_advisory(a, csaf_doc("KEEP-1", initial="2024-01-11T00:00:00Z"))
    publish(a, "UPD-1")
    publish(a, "KEEP-1")
    v2 = csaf_doc("UPD-1", "2", initial="2024-01-10T00:00:00Z", current="2024-02-01T00:00:00Z")
    put_advisory(a, v2)
    r = publish(a, "UPD-1")
    assert r["version"] == "2" and r["replaced"] == ["white/2024/upd-1.json"]
    # the timeline says when the provider published each version listed
    tl = {v["version"]: v for v in a.json("advisory", "timeline", "UPD-1")["versions"]}
    assert tl["2"]["published"] and tl["2"]["published_path"] == "white/2024/upd-1.json"
    assert tl["1"]["published"] is None
    assert "published by the provider" in a.cli("advisory", "timeline", "UPD-1").stdout
    c = Client(url)
    doc_path = ROOT + "white/2024/upd-1.json"
    assert c.ok(doc_path).content == v2
    assert c.ok(ROOT + "white/index.txt").text.split().count("2024/upd-1.json") == 1
    feed = c.ok(ROOT + "white/csaf-feed-tlp-white.json").json()["feed"]
    assert sorted(e["id"] for e in feed["entry"]) == ["KEEP-1", "UPD-1"]
    before = metadata(c)["last_updated"]
    p = a.cli("advisory", "unpublish", "UPD-1")
    assert "white/2024/upd-1.json" in p.stdout
    assert metadata(c)["last_updated"] > before
    for path in (doc_path, doc_path + ".sha256", doc_path + ".sha512", doc_path + ".asc"):
        assert c.get(path).status_code == 404
    assert c.ok(ROOT + "white/index.txt").text.split() == ["2024/keep-1.json"]
    assert [r[0] for r in csv.reader(io.StringIO(c.ok(ROOT + "white/changes.csv").text))] == \
        ["2024/keep-1.json"]
    assert [e["id"] for e in c.ok(ROOT + "white/csaf-feed-tlp-white.json").json()["feed"]
            ["entry"]] == ["KEEP-1"]
    assert "upd-1" not in c.ok(ROOT + "white/2024/").text
    assert peek(a, "SELECT count(*) FROM csafpub_doc") == 3    # the records kept
    p = a.cli("advisory", "unpublish", "UPD-1", check=False)
    assert p.returncode == 1 and "not published" in p.stderr
    token = a.cli("csaf", "user", "add", "p", "--tlp", "GREEN").stdout.split()[-1]
    put_advisory(a, csaf_doc("G-1", tlp="GREEN"))
    publish(a, "G-1")
    fpr = a.json("csaf")["fingerprint"]
    lists = {p: c.ok(ROOT + p).text for p in ("white/index.txt", "white/changes.csv",
                                              "white/csaf-feed-tlp-white.json")}
    sig = c.ok(ROOT + "white/2024/keep-1.json.asc").content
    a.stop()
    a.start()
    assert a.json("csaf")["fingerprint"] == fpr
    for p, text in lists.items():
        assert c.ok(ROOT + p).text == text
    assert c.ok(ROOT + "white/2024/keep-1.json.asc").content == sig
    assert c.get(doc_path).status_code == 404
    assert Client(url, token).ok(ROOT + "green/index.txt").text.split() == \
        ["2024/g-1.json"]
    # published again after its withdrawal
    assert publish(a, "UPD-1", version="2")["version"] == "2"
    assert c.ok(doc_path).content == v2
    # the newest version by the standard's order, not the one kept last
    put_advisory(a, csaf_doc("ORDER-1", "10", initial="2024-01-10T00:00:00Z",
                             current="2024-03-01T00:00:00Z"))
    put_advisory(a, csaf_doc("ORDER-1", "9", initial="2024-01-10T00:00:00Z",
                             current="2024-02-01T00:00:00Z"))
    assert publish(a, "ORDER-1")["version"] == "10"
    assert publish(a, "ORDER-1", version="9")["replaced"] == ["white/2024/order-1.json"]


def test_received_advisory_onward(provider):
    """An advisory received from a peer whose agreement does not allow
    onward transfer cannot be published; nothing is listed."""
    a, url = provider
    peer = peek(a, "SELECT id FROM peers WHERE name = 'bravo'")
    put_advisory(a, csaf_doc("BRAVO-2024-1", tlp="AMBER"), origin=peer, msg="m-1")
    err = publish(a, "BRAVO-2024-1", ok=False)
    assert "cannot publish" in err
    p = a.cli("advisory", "publish", "NOPE-1", check=False)
    assert p.returncode == 1 and "no advisory" in p.stderr
    assert a.json("csaf")["published"]["AMBER"] == 0
    assert peek(a, "SELECT count(*) FROM csafpub_doc") == 0


def test_no_gpg_outlives_parleyd(make_node):
    a = make_node("alpha")
    serve(a)
    a.start()
    put_advisory(a, csaf_doc("G-2024-9"))
    publish(a, "G-2024-9")      # signing starts the keyring's agent
    home = os.path.join(a.dir, "csaf-gnupg")
    a.stop()
    wait_for(lambda: not gpg_procs(home), 10, "the keyring's gpg processes to end")


def test_cli_help_and_usage(make_node):
    a = make_node("alpha")
    for args in (("csaf", "--help"), ("advisory", "publish", "--help"),
                 ("advisory", "unpublish", "--help")):
        p = a.cli(*args)
        assert p.stdout.startswith("usage:")
    p = a.cli("csaf", "user", "add", "x", check=False)
    assert p.returncode == 1 and "--tlp" in p.stderr
    p = a.cli("csaf", "frob", check=False)
    assert p.returncode == 2
    p = a.cli("csaf", check=False)      # no daemon
    assert p.returncode == 1 and p.stderr


def received(make_node, top, edit=None):
    """bravo sends alpha (the provider) a TLP:WHITE and a TLP:AMBER
    advisory of its own over the cert link, under an agreement edited by
    edit; both running."""
    a, b = make_node("alpha"), make_node("bravo")
    a.pin(b, edit=edit)
    b.pin(a, edit=edit)
    serve(a)
    a.start()
    b.start()
    for tracking, tlp in (("BRAVO-2026-W", "WHITE"), ("BRAVO-2026-A", "AMBER")):
        put_advisory(b, csaf_doc(tracking, tlp=tlp))
        b.json("advisory", "send", tracking, "--to", "alpha")
    wait_for(lambda: len(a.json("advisory", "list", "--from", "bravo")["advisories"]) == 2,
             30, "alpha to hold bravo's two advisories")
    return a, b


def test_received_never_onward(make_node, top):
    """bravo's agreement says onward_transfer never: alpha publishes neither."""
    a, b = received(make_node, top)
    try:
        for tracking in ("BRAVO-2026-W", "BRAVO-2026-A"):
            err = publish(a, tracking, ok=False)
            assert "onward" in err, err
        assert a.json("csaf")["published"] == {"WHITE": 0, "GREEN": 0, "AMBER": 0, "RED": 0}
    finally:
        a.stop()
        b.stop()


def test_received_with_consent(make_node, top):
    """With onward transfer with consent, bravo's TLP:WHITE advisory may be
    published (its publisher still bravo's, byte for byte), its TLP:AMBER
    one not."""
    def consent(payload):
        payload["data"]["onward_transfer"] = "with-consent"
    a, b = received(make_node, top, consent)
    try:
        url = json.loads(a.cli("csaf", "--json").stdout)["metadata_url"].split(ROOT)[0]
        r = publish(a, "BRAVO-2026-W")
        assert r["tlp"] == "WHITE"
        body = Client(url).ok(ROOT + r["path"]).content
        assert body == csaf_doc("BRAVO-2026-W", tlp="WHITE")
        err = publish(a, "BRAVO-2026-A", ok=False)
        assert "AMBER" in err, err
    finally:
        a.stop()
        b.stop()
