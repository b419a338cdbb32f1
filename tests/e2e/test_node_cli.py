"""The CLI's contract: help, refusals of bad input, init, peering."""
import json
import os
import re
import stat
import subprocess

import pytest

from parley_e2e import BIN, run

VERBS = ["init", "card", "fingerprint", "peer", "send", "outbox", "inbox", "show",
         "receipt", "status"]


@pytest.mark.parametrize("verb", VERBS)
def test_every_verb_has_help(verb):
    p = run(verb, "--help")
    assert p.returncode == 0
    assert p.stdout.startswith("usage: parley " + verb)


def test_version():
    for prog in ("parley", "parleyd"):
        p = subprocess.run([os.path.join(BIN, prog), "--version"], capture_output=True, text=True,
                           timeout=10)
        assert p.returncode == 0 and re.fullmatch(prog + r" \d+\.\d+\.\d+\n", p.stdout), p


def test_daemon_help_and_unknown_verb():
    import subprocess
    p = subprocess.run([os.path.join(BIN, "parleyd"), "--help"], capture_output=True, text=True)
    assert p.returncode == 0 and "usage: parleyd" in p.stdout
    p = run("frobnicate")
    assert p.returncode == 2 and "unknown verb" in p.stderr


def test_dir_before_the_verb_is_explained():
    p = run("--dir", "/nonexistent", "status")
    assert p.returncode == 2
    assert p.stderr == "parley: --dir comes after the verb: parley VERB ... --dir DIR\n"


def test_a_reader_that_stops_early_ends_the_command_quietly(make_node):
    """parley templates | head: stdout closed before the list is written ends
    the command by SIGPIPE, as any Unix tool, with nothing on stderr."""
    a = make_node("alpha")
    r, w = os.pipe()
    os.close(r)     # closed before the command starts: its first write fails
    try:
        p = subprocess.run([os.path.join(BIN, "parley"), "templates", "--dir", a.dir],
                           stdout=w, stderr=subprocess.PIPE, timeout=30)
    finally:
        os.close(w)
    assert p.returncode == -13 and p.stderr == b""


def test_init_key_mode_and_no_overwrite(make_node):
    a = make_node("alpha")
    key = os.path.join(a.dir, "identity.key")
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600
    before = open(key, "rb").read()
    p = run("init", "alpha", "--dir", a.dir, "--listen", "127.0.0.1:1")
    assert p.returncode == 1 and "refusing to overwrite" in p.stderr
    assert open(key, "rb").read() == before


def test_init_bad_input(top):
    d, _ = top
    assert run("init", "Bad Name", "--dir", d + "/x", "--listen", "127.0.0.1:7").returncode == 1
    assert run("init", "ok", "--dir", d + "/y", "--listen", "nonsense").returncode == 1
    assert run("init", "ok", "--dir", d + "/z").returncode == 2  # --listen missing
    assert not os.path.exists(d + "/y/identity.key")


def test_init_refuses_a_dir_too_long_for_its_socket(top):
    d = os.path.join(top[0], "x" * (110 - len(top[0])))
    p = run("init", "alpha", "--dir", d, "--listen", "127.0.0.1:7999")
    assert p.returncode == 1 and "too long" in p.stderr and "parleyd.sock" in p.stderr
    assert not os.path.exists(d)


def test_key_readable_by_others_refused(make_node):
    a = make_node("alpha")
    os.chmod(os.path.join(a.dir, "identity.key"), 0o644)
    p = a.cli("card", check=False)
    assert p.returncode == 1 and "0600" in p.stderr


def test_card_is_signed_and_readable(make_node):
    a = make_node("alpha")
    card = json.loads(a.cli("card").stdout)
    assert card["card"]["name"] == "alpha"
    assert card["card"]["key"]["kty"] == "OKP" and card["card"]["key"]["crv"] == "Ed25519"
    assert card["card"]["endpoints"] == [f"https://127.0.0.1:{a.port}"]
    from jwcrypto import jwk, jws
    key = jwk.JWK(**card["card"]["key"])
    sig = jws.JWS()
    sig.deserialize(json.dumps({k: card[k] for k in ("protected", "payload", "signature")}))
    sig.verify(key)
    assert json.loads(sig.payload) == card["card"]


def test_fingerprint_is_forty_digits(make_node):
    a = make_node("alpha")
    fp = a.fingerprint()
    groups = fp.split()
    assert len(groups) == 8 and all(len(g) == 5 and g.isdigit() for g in groups)
    assert run("fingerprint", a.card_path()).stdout.split("  (")[0] == fp


def test_peer_add_checks(make_node, top):
    a, b = make_node("alpha"), make_node("bravo")
    card = b.card_path()
    fp = b.fingerprint()
    # wrong fingerprint: one digit changed
    wrong = ("1" if fp[0] != "1" else "2") + fp[1:]
    p = a.cli("peer", "add", card, "--fingerprint", wrong, check=False)
    assert p.returncode == 1 and "does not match" in p.stderr
    assert a.json("peer", "list") == []
    # the readable copy edited: refused
    doc = json.load(open(card))
    doc["card"]["name"] = "mallory"
    bad = os.path.join(top[0], "edited.card")
    json.dump(doc, open(bad, "w"))
    assert a.cli("peer", "add", bad, "--fingerprint", fp,
                 check=False).returncode == 1
    # one character of the signed payload changed: refused
    doc = json.load(open(card))
    doc["payload"] = doc["payload"][:10] + ("A" if doc["payload"][10] != "A" else "B") + doc["payload"][11:]
    del doc["card"]
    json.dump(doc, open(bad, "w"))
    assert a.cli("peer", "add", bad, "--fingerprint", fp,
                 check=False).returncode == 1
    # links come from agreements now: --links refused, saying what to do
    p = a.cli("peer", "add", card, "--fingerprint", fp, "--links", "urgent", check=False)
    assert p.returncode == 1 and "parley agreement draft" in p.stderr, p.stderr
    assert a.json("peer", "list") == []
    # not a fingerprint at all: a format error, not a warning of tampering
    p = a.cli("peer", "add", card, "--fingerprint", fp[:-3], check=False)
    assert p.returncode == 1 and "not a fingerprint" in p.stderr and "match" not in p.stderr
    assert a.json("peer", "list") == []
    # the right one, pasted exactly as `parley fingerprint CARD` printed it
    line = run("fingerprint", card).stdout.strip()
    assert line.endswith("(bravo)")
    a.cli("peer", "add", card, "--fingerprint", line)
    peers = a.json("peer", "list")
    assert [p["name"] for p in peers] == ["bravo"] and peers[0]["links"] == ""
    # twice (typed with dashes this time): refused
    p = a.cli("peer", "add", card, "--fingerprint", fp.replace(" ", "-"), check=False)
    assert p.returncode == 1 and "already pinned" in p.stderr
    # its own card: refused
    assert a.cli("peer", "add", a.card_path(), "--fingerprint", a.fingerprint(),
                 check=False).returncode == 1


def test_status_exits_nonzero_without_daemon(make_node):
    a = make_node("alpha")
    p = a.cli("status", check=False)
    assert p.returncode == 1 and "not running" in p.stderr
    p = a.cli("send", "bravo", "--link", "urgent", "--type", "notification", "--priority",
              "flash", "--subject", "x", check=False)
    assert p.returncode == 1 and "not running" in p.stderr


def test_send_bad_input(pair):
    a, b = pair
    base = ["send", "bravo", "--type", "notification", "--subject", "s"]
    cases = [
        (["--link", "urgent", "--priority", "urgentest"], "priority"),
        (["--link", "wg", "--priority", "flash"], "no agreement in force"),
        (["--link", "urgent", "--priority", "flash", "--type", "Bad Type"], "type"),
    ]
    for extra, word in cases:
        p = a.cli(*base, *extra, check=False)
        assert p.returncode == 1 and word in p.stderr, (extra, p.stderr)
    p = a.cli("send", "charlie", "--link", "urgent", "--type", "t", "--priority", "flash",
              "--subject", "s", check=False)
    assert p.returncode == 1 and "no such peer" in p.stderr
    assert a.outbox() == []
