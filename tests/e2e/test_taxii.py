"""The TAXII 2.1 server (issue 16; docs/TAXII.md): served by parleyd when
taxii_listen is set.  The client here is written from the OASIS TAXII 2.1
specification with requests: discovery, the API root, collections by the
user's grants, POST with its status resource, GET objects with every
filter, paging with limit and next across rows added in one millisecond
(and across a restart), match[version], the manifest, an object's
versions, the X-TAXII-Date-Added-* headers, DELETE, and every error
status.  What crosses to a peer is in test_taxii_share.py.
"""
import base64
import hashlib
import json
import lzma
import os
import uuid

import pytest
import requests

from parley_e2e import ATTACK, free_port, peek


MEDIA = "application/taxii+json;version=2.1"
PASSWORD = "correct horse battery staple"
IND = "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"


def sdo(type_, id_, modified="2024-01-01T00:00:00.000Z", **kw):
    o = {"type": type_, "spec_version": "2.1", "id": id_,
         "created": "2024-01-01T00:00:00.000Z", "modified": modified}
    o.update(kw)
    return o


def indicator(i, modified="2024-01-01T00:00:00.000Z"):
    return sdo("indicator", "indicator--%s" % uuid.UUID(int=i + 1, version=4), modified,
               name="ip %d" % i, pattern="[ipv4-addr:value = '198.51.100.%d']" % (i % 250),
               pattern_type="stix", valid_from="2024-01-01T00:00:00Z")


def envelope(objs):
    return json.dumps({"objects": objs})


class Taxii:
    """A TAXII 2.1 client of one node's server, as one user."""

    def __init__(self, url, user=None, password=PASSWORD, token=None, cert=None):
        self.url = url
        self.s = requests.Session()
        self.s.trust_env = False     # else a CA bundle named in the environment wins
        self.s.verify = cert if cert else True
        self.s.headers["Accept"] = MEDIA
        if token:
            self.s.headers["Authorization"] = "Bearer " + token
        elif user:
            self.s.auth = (user, password)

    def get(self, path, **kw):
        return self.s.get(self.url + path, timeout=60, **kw)

    def post(self, path, body, ctype=MEDIA, **kw):
        return self.s.post(self.url + path, data=body, headers={"Content-Type": ctype},
                           timeout=120, **kw)

    def delete(self, path):
        return self.s.delete(self.url + path, timeout=60)

    def collections(self):
        r = self.get("/taxii2/api/collections/")
        assert r.status_code == 200, r.text
        return {c["title"]: c for c in r.json().get("collections", [])}

    def objects_path(self, title):
        return "/taxii2/api/collections/%s/objects/" % self.collections()[title]["id"]


def serve(node, https=False, users=(("admin", "all", "all"),), **cfg):
    """Set node's taxii_listen (and other settings) and its users; the
    server's URL."""
    port = free_port()
    url = ("https" if https else "http") + "://127.0.0.1:%d" % port
    node.cli("config", "set", "taxii_listen", url)
    for k, v in cfg.items():
        node.cli("config", "set", k, str(v))
    pw = os.path.join(node.dir, "..", node.name + ".pw")
    with open(pw, "w") as f:
        f.write(PASSWORD + "\n")
    for name, rd, wr in users:
        node.cli("taxii", "user", "add", name, "--password-file", pw, "--read", rd,
                 "--write", wr)
    return url


def cert_of(node):
    return os.path.join(node.dir, "server.crt")


@pytest.fixture
def alpha(make_node):
    """alpha serving TAXII on loopback HTTP, with bravo pinned (not running),
    and three users: admin (all), reader (reads local), writer (writes
    local, reads nothing)."""
    a, b = make_node("alpha"), make_node("bravo")
    a.pin(b)
    url = serve(a, users=(("admin", "all", "all"), ("reader", "local", ""),
                          ("writer", "", "local")))
    a.start()
    return a, url


def post_ok(c, title, objs):
    r = c.post(c.objects_path(title), envelope(objs))
    assert r.status_code == 202, r.text
    assert r.headers["Content-Type"] == MEDIA
    return r.json()


def test_discovery_root_collections(alpha):
    a, url = alpha
    c = Taxii(url, "admin")
    r = c.get("/taxii2/")
    assert r.status_code == 200 and r.headers["Content-Type"] == MEDIA
    d = r.json()
    assert d["default"] == url + "/taxii2/api/" and d["api_roots"] == [url + "/taxii2/api/"]
    assert d["title"]
    r = c.get("/taxii2/api/")
    assert r.status_code == 200
    root = r.json()
    assert root["versions"] == [MEDIA]
    assert root["max_content_length"] == 64 << 20
    cols = c.collections()
    assert set(cols) == {"local", "to bravo", "from bravo"}
    assert (cols["local"]["can_read"], cols["local"]["can_write"]) == (True, True)
    assert (cols["to bravo"]["can_read"], cols["to bravo"]["can_write"]) == (False, True)
    assert (cols["from bravo"]["can_read"], cols["from bravo"]["can_write"]) == (True, False)
    for col in cols.values():
        assert uuid.UUID(col["id"]).version == 5
        assert col["media_types"] == ["application/stix+json;version=2.1"]
        r = c.get("/taxii2/api/collections/%s/" % col["id"])
        assert r.status_code == 200 and r.json() == col
    # grants: each user sees what theirs name, with their rights
    cols = Taxii(url, "reader").collections()
    assert list(cols) == ["local"] and cols["local"]["can_write"] is False
    cols = Taxii(url, "writer").collections()
    assert list(cols) == ["local"] and cols["local"]["can_read"] is False
    # the ids are stable: the same after a restart
    before = Taxii(url, "admin").collections()
    a.stop()
    a.start()
    assert Taxii(url, "admin").collections() == before


def test_post_get_filters(alpha):
    a, url = alpha
    c = Taxii(url, "admin")
    objs = [indicator(i) for i in range(5)]
    objs.append(sdo("malware", "malware--31b940d4-6f7f-459a-80ea-9c1f17b58abc",
                    name="bad", is_family=False))
    st = post_ok(c, "local", objs)
    assert st["status"] == "complete" and st["total_count"] == 6
    assert st["success_count"] == 6 and st["failure_count"] == 0 and st["pending_count"] == 0
    assert {s["id"] for s in st["successes"]} == {o["id"] for o in objs}
    path = c.objects_path("local")
    r = c.get(path)
    assert r.status_code == 200
    env = r.json()
    assert env["more"] is False and "next" not in env
    assert [o["id"] for o in env["objects"]] == [o["id"] for o in objs]
    assert env["objects"][0] == objs[0]
    first, last = r.headers["X-TAXII-Date-Added-First"], r.headers["X-TAXII-Date-Added-Last"]
    assert first <= last and first.endswith("Z")
    # match[type], match[id] (a list), match[spec_version]
    got = c.get(path, params={"match[type]": "malware"}).json()["objects"]
    assert [o["type"] for o in got] == ["malware"]
    ids = "%s,%s" % (objs[1]["id"], objs[3]["id"])
    got = c.get(path, params={"match[id]": ids}).json()["objects"]
    assert [o["id"] for o in got] == [objs[1]["id"], objs[3]["id"]]
    assert len(c.get(path, params={"match[spec_version]": "2.1"}).json()["objects"]) == 6
    # a match[...] given several times is the union of its values, as a list is
    got = c.get(path, params=[("match[id]", objs[1]["id"]), ("match[id]", objs[3]["id"])])
    assert [o["id"] for o in got.json()["objects"]] == [objs[1]["id"], objs[3]["id"]]
    got = c.get(path, params=[("match[type]", "malware"), ("match[type]", "indicator")])
    assert len(got.json()["objects"]) == 6
    assert "objects" not in c.get(path, params={"match[spec_version]": "2.0"}).json()
    # added_after: nothing after the last one added
    r = c.get(path, params={"added_after": last})
    assert r.status_code == 200 and "objects" not in r.json()
    # one object
    r = c.get(path + objs[2]["id"] + "/")
    assert r.status_code == 200 and r.json()["objects"] == [objs[2]]
    # the manifest
    r = c.get(path.replace("/objects/", "/manifest/"))
    assert r.status_code == 200 and "X-TAXII-Date-Added-First" in r.headers
    man = r.json()["objects"]
    assert [m["id"] for m in man] == [o["id"] for o in objs]
    assert man[0]["version"] == objs[0]["modified"]
    assert man[0]["media_type"] == "application/stix+json;version=2.1"
    assert all(m["date_added"].endswith("Z") for m in man)


def test_paging_ties_and_restart(alpha):
    """250 objects posted at once share a millisecond (or a few): paging by
    7 gives each once, in order, and a token survives a restart."""
    a, url = alpha
    c = Taxii(url, "admin")
    objs = [indicator(i) for i in range(250)]
    st = post_ok(c, "local", objs)
    assert st["success_count"] == 250
    path = c.objects_path("local")
    seen, token, pages = [], None, 0
    while True:
        params = {"limit": 7}
        if token:
            params["next"] = token
        r = c.get(path, params=params)
        assert r.status_code == 200, r.text
        env = r.json()
        seen += [o["id"] for o in env.get("objects", [])]
        pages += 1
        if pages == 10:     # a restart mid-way: the token is the store's cursor
            a.stop()
            a.start()
        if not env["more"]:
            assert "next" not in env
            break
        assert len(env["objects"]) == 7 and env["next"]
        token = env["next"]
    assert pages == 36
    assert seen == [o["id"] for o in objs]   # no skip, no repeat, in the order added
    # the server's maximum page, and the default
    assert len(c.get(path, params={"limit": 5000}).json()["objects"]) == 250
    r = c.get(path).json()
    assert len(r["objects"]) == 100 and r["more"] is True


def test_versions(alpha):
    a, url = alpha
    c = Taxii(url, "admin")
    times = ["2024-01-01T00:00:00.000Z", "2024-02-01T00:00:00.000Z",
             "2024-03-01T00:00:00.000Z"]
    for t in (times[1], times[0], times[2]):      # not in order
        post_ok(c, "local", [indicator(0, t)])
    oid = indicator(0)["id"]
    path = c.objects_path("local")

    def mods(params=None, p=path):
        r = c.get(p, params=params or {})
        assert r.status_code == 200, r.text
        return sorted(o["modified"] for o in r.json().get("objects", []))
    assert mods() == [times[2]]                               # last, by default
    assert mods({"match[version]": "last"}) == [times[2]]
    assert mods({"match[version]": "first"}) == [times[0]]
    assert mods({"match[version]": "all"}) == times
    assert mods({"match[version]": times[1]}) == [times[1]]
    assert mods({"match[version]": "first,last"}) == [times[0], times[2]]
    assert mods({"match[version]": "2024-02-01T00:00:00.000000Z"}) == [times[1]]
    assert mods({"match[version]": "all"}, path + oid + "/") == times
    r = c.get(path + oid + "/versions/")
    assert r.status_code == 200
    assert sorted(r.json()["versions"]) == times and r.json()["more"] is False
    assert "X-TAXII-Date-Added-Last" in r.headers
    r = c.get(path + oid + "/versions/", params={"limit": 2})
    assert len(r.json()["versions"]) == 2 and r.json()["more"] is True
    r2 = c.get(path + oid + "/versions/", params={"limit": 2, "next": r.json()["next"]})
    assert len(r2.json()["versions"]) == 1 and r2.json()["more"] is False
    man = c.get(path.replace("/objects/", "/manifest/"), params={"match[version]": "all"})
    assert sorted(m["version"] for m in man.json()["objects"]) == times


def test_delete_and_status_after_restart(alpha):
    a, url = alpha
    c = Taxii(url, "admin")
    objs = [indicator(i) for i in range(3)]
    st = post_ok(c, "local", objs)
    path = c.objects_path("local")
    post_ok(c, "local", [indicator(0, "2024-05-01T00:00:00.000Z")])
    r = c.delete(path + objs[0]["id"] + "/")
    assert r.status_code == 200, r.text
    assert c.get(path + objs[0]["id"] + "/").status_code == 404
    got = c.get(path, params={"match[version]": "all"}).json()["objects"]
    assert objs[0]["id"] not in [o["id"] for o in got] and len(got) == 2
    assert c.delete(path + objs[0]["id"] + "/").status_code == 404
    # the status is kept: read after a restart, by its poster or an admin only
    a.stop()
    a.start()
    r = c.get("/taxii2/api/status/%s/" % st["id"])
    assert r.status_code == 200 and r.json() == st
    w = Taxii(url, "writer")
    st2 = post_ok(w, "local", [indicator(7)])
    assert w.get("/taxii2/api/status/%s/" % st2["id"]).status_code == 200
    assert c.get("/taxii2/api/status/%s/" % st2["id"]).status_code == 200   # admin
    assert w.get("/taxii2/api/status/%s/" % st["id"]).status_code == 404
    assert c.get("/taxii2/api/status/%s/" % uuid.uuid4()).status_code == 404


def test_refused_objects_are_failures(alpha):
    a, url = alpha
    c = Taxii(url, "admin")
    bad = sdo("indicator", "indicator--0f0f0f0f-0f0f-4f0f-8f0f-0f0f0f0f0f0f", name="no pattern")
    st = post_ok(c, "local", [indicator(1), bad])
    assert st["status"] == "complete"
    assert st["success_count"] == 1 and st["failure_count"] == 1
    f = st["failures"][0]
    assert f["id"] == bad["id"] and f["version"] == bad["modified"]
    assert '"pattern" is required' in f["message"]


def error_of(r, code):
    assert r.status_code == code, (r.status_code, r.text)
    assert r.headers["Content-Type"] == MEDIA
    e = r.json()
    assert e["http_status"] == str(code) and e["title"]
    return e


def test_errors(alpha):
    a, url = alpha
    c = Taxii(url, "admin")
    path = c.objects_path("local")
    cols = c.collections()
    # 401: none, a wrong password, an unknown user, a wrong token
    r = Taxii(url).get("/taxii2/")
    error_of(r, 401)
    assert r.headers["WWW-Authenticate"] == 'Basic realm="parley TAXII"'
    error_of(Taxii(url, "admin", "not the password at all").get("/taxii2/"), 401)
    error_of(Taxii(url, "nobody").get("/taxii2/"), 401)
    error_of(Taxii(url, token="x" * 43).get("/taxii2/"), 401)
    assert a.loggrep("taxii: failed authentication as admin from")
    # 403: a collection the user's grants do not name, or not for this use
    r = Taxii(url, "reader").get("/taxii2/api/collections/%s/" % cols["from bravo"]["id"])
    error_of(r, 403)
    error_of(Taxii(url, "reader").post(path, envelope([indicator(1)])), 403)
    error_of(Taxii(url, "writer").get(path), 403)
    to = "/taxii2/api/collections/%s/objects/" % cols["to bravo"]["id"]
    error_of(c.get(to), 403)                                  # to PEER: write only
    frm = "/taxii2/api/collections/%s/objects/" % cols["from bravo"]["id"]
    error_of(c.post(frm, envelope([indicator(1)])), 403)     # from PEER: read only
    error_of(c.delete(frm + IND + "/"), 403)
    # 404
    error_of(c.get("/taxii2/api/collections/%s/" % uuid.uuid4()), 404)
    error_of(c.get(path + IND + "/"), 404)
    error_of(c.get("/taxii2/api/status/not-a-uuid/"), 404)
    # 406
    error_of(c.get("/taxii2/", headers={"Accept": "application/json"}), 406)
    error_of(c.get("/taxii2/", headers={"Accept": "application/taxii+json;version=2.0"}), 406)
    for ok in ("application/taxii+json", "*/*", MEDIA):
        assert c.get("/taxii2/", headers={"Accept": ok}).status_code == 200
    # 415
    error_of(c.post(path, envelope([indicator(1)]), ctype="application/json"), 415)
    error_of(c.post(path, envelope([indicator(1)]),
                    ctype="application/taxii+json;version=2.0"), 415)
    # 400: a bad filter, a bad next, a next made for other filters, a bad body
    error_of(c.get(path, params={"added_after": "yesterday"}), 400)
    error_of(c.get(path, params={"limit": "0"}), 400)
    error_of(c.get(path, params={"match[version]": "newest"}), 400)
    error_of(c.get(path, params={"next": "garbage"}), 400)
    # the cursor and the page size are given once, not guessed between two
    for name, a1, a2 in (("limit", "1", "5"), ("added_after", "2020-01-01T00:00:00Z",
                                                "2030-01-01T00:00:00Z")):
        e = error_of(c.get(path, params=[(name, a1), (name, a2)]), 400)
        assert e["description"] == "%s is given more than once" % name
    post_ok(c, "local", [indicator(i) for i in range(3)])
    tok = c.get(path, params={"limit": 1}).json()["next"]
    assert c.get(path, params={"limit": 1, "next": tok}).status_code == 200
    e = error_of(c.get(path, params={"next": tok, "match[type]": "malware"}), 400)
    assert "other filters" in e["description"]
    error_of(c.post(path, "not json"), 400)
    error_of(c.post(path, json.dumps({"objects": []})), 400)


def test_too_big_and_tokens(make_node):
    a = make_node("alpha")
    url = serve(a, taxii_max_body=4096)
    a.start()
    c = Taxii(url, "admin")
    assert c.get("/taxii2/api/").json()["max_content_length"] == 4096
    r = c.post(c.objects_path("local"), envelope([indicator(i) for i in range(40)]))
    e = error_of(r, 413)      # a TAXII error message, as every other refusal
    assert "too large" in e["title"] and e["http_status"] == "413"
    # no such resource: the listener's own 404 is one too
    e = error_of(c.get("/taxii2/api/nowhere/"), 404)
    assert e["http_status"] == "404"
    # a bearer token, printed once; kept only as its hash
    tok = a.cli("taxii", "user", "token", "admin").stdout.strip()
    assert len(tok) == 43
    assert Taxii(url, token=tok).get("/taxii2/").status_code == 200
    assert peek(a, "SELECT count(*) FROM taxii_token WHERE hash = x'%s'"
                % hashlib.sha256(tok.encode()).hexdigest()) == 1
    assert peek(a, "SELECT count(*) FROM taxii_token WHERE hash = CAST('%s' AS BLOB)"
                % tok) == 0
    # the user removed: their token and password no longer work
    a.cli("taxii", "user", "remove", "admin")
    assert Taxii(url, token=tok).get("/taxii2/").status_code == 401
    assert Taxii(url, "admin").get("/taxii2/").status_code == 401


def test_https_and_cli(make_node):
    a = make_node("alpha")
    url = serve(a, https=True)
    p = a.cli("taxii", "user", "list", "--json")
    users = json.loads(p.stdout)
    assert [u["name"] for u in users] == ["admin"] and users[0]["read"] == "all"
    info = a.json("taxii")
    assert info["discovery"] == url + "/taxii2/"
    der = None
    pem = open(cert_of(a)).read()
    b64 = "".join(pem.split("-----")[2].split())
    der = base64.b64decode(b64)
    assert info["sha256"] == ":".join("%02X" % x for x in hashlib.sha256(der).digest())
    a.start()
    c = Taxii(url, "admin", cert=cert_of(a))
    assert c.get("/taxii2/").json()["api_roots"] == [url + "/taxii2/api/"]
    # CLI errors
    p = a.cli("taxii", "user", "add", "admin", "--password-file", "/nonexistent",
              "--read", "all", "--write", "all", check=False)
    assert p.returncode == 1 and "cannot read" in p.stderr
    p = a.cli("taxii", "user", "add", "bob", "--read", "all", check=False)
    assert p.returncode == 1
    p = a.cli("taxii", "user", "add", "Bad Name", "--password-file", "/dev/null", "--read",
              "all", "--write", "all", check=False)
    assert p.returncode == 1 and "invalid user name" in p.stderr
    p = a.cli("taxii", "user", "add", "bob", "--password-file", "/dev/null", "--read",
              "everything", "--write", "", check=False)
    assert p.returncode == 1 and "--read" in p.stderr
    p = a.cli("taxii", "user", "remove", "nobody", check=False)
    assert p.returncode == 1 and "no user named" in p.stderr
    p = a.cli("taxii", "user", "token", "nobody", check=False)
    assert p.returncode == 1
    p = a.cli("taxii", "bogus", check=False)
    assert p.returncode == 2
    for args in (("taxii",), ("taxii", "user", "add"), ("taxii", "user", "list")):
        p = a.cli(*args, "--help")
        assert p.returncode == 0 and "usage: parley taxii" in p.stdout


def test_attack_through_taxii(alpha):
    a, url = alpha
    if not os.path.exists(ATTACK):
        pytest.skip(f"no {os.path.normpath(ATTACK)}: the shared test data is absent")
    with lzma.open(ATTACK) as f:
        objs = json.loads(f.read())["objects"]
    c = Taxii(url, "admin")
    st = post_ok(c, "local", objs)
    assert st["status"] == "complete" and st["success_count"] == len(objs)
    path = c.objects_path("local")
    got = c.get(path, params={"match[type]": "attack-pattern", "limit": 1000}).json()
    want = [o["id"] for o in objs if o["type"] == "attack-pattern"]
    assert [o["id"] for o in got["objects"]] == want[:1000]
    man = c.get(path.replace("/objects/", "/manifest/"), params={"limit": 1000})
    assert man.status_code == 200 and len(man.json()["objects"]) == min(1000, len(objs))


def test_failed_attempts_wait(make_node):
    """Five failures from one address are free; the sixth makes the address
    wait (429), even with the right password; the failures are logged."""
    a = make_node("alpha")
    url = serve(a)
    a.start()
    for _ in range(6):
        error_of(Taxii(url, "admin", "wrong password, again").get("/taxii2/"), 401)
    error_of(Taxii(url, "admin", "wrong password, again").get("/taxii2/"), 429)
    error_of(Taxii(url, "admin").get("/taxii2/"), 429)
    assert a.loggrep("taxii: failed authentication as admin from 127.0.0.1")
