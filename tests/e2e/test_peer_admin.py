"""Peer administration against real daemons: `parley peer remove` and
`parley peer update`, and errors that name their real cause (an unreadable
key file is not "not found"; a socket the user may not reach is not a
daemon that is not running)."""
import json
import os
import shutil
import subprocess

import pytest
import requests
import urllib3

from parley_e2e import BIN, deadline, free_port, make_card, peek, wait_for

urllib3.disable_warnings()
pytestmark = pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")


def hello_as(to, as_node):
    """POST /v1/hello to `to` over mutual TLS with as_node's own key."""
    cert = (os.path.join(as_node.dir, "identity.crt"), os.path.join(as_node.dir, "identity.key"))
    return requests.post(f"https://127.0.0.1:{to.port}/v1/hello", data="{}", cert=cert,
                         verify=False, timeout=deadline(10))


def queue(node, peer, subject):
    """parley send without --wait: the message id once it is queued."""
    return node.cli("send", peer, "--link", "urgent", "--type", "notification",
                    "--priority", "flash", "--subject", subject).stdout.split()[-1]


def row(node, mid):
    return next(m for m in node.outbox() if m["id"] == mid)


def peers(node, *flags):
    return {p["name"]: p for p in node.json("peer", "list", *flags)}


def status_peers(node):
    return [p["name"] for p in node.json("status")["peers"]]


def keep(path, as_path):
    shutil.copy(path, as_path)
    return as_path


def as_nobody(*args):
    """parley ARGS run as user nobody (the tests run as root, who may read
    anything): the CompletedProcess."""
    setpriv = shutil.which("setpriv")
    if os.geteuid() != 0 or not setpriv:
        pytest.skip("needs root and setpriv to drop privileges")
    return subprocess.run([setpriv, "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                           os.path.join(BIN, "parley"), *args],
                          capture_output=True, text=True, timeout=deadline(30))


# ---- parley peer remove ----

def test_remove_is_refused_while_messages_are_queued_and_forced_marks_them_failed(make_node):
    a, b = make_node("alpha"), make_node("bravo")
    a.pin(b)
    b.pin(a)
    a.start()                               # bravo is down: the message stays queued
    mid = queue(a, "bravo", "waiting for bravo")

    r = a.cli("peer", "remove", "bravo", check=False)
    assert r.returncode == 1
    assert "1 message to bravo is still queued" in r.stderr and "--force" in r.stderr
    assert "bravo" in peers(a) and "bravo" in status_peers(a)
    assert row(a, mid)["state"] == "queued"

    r = a.cli("peer", "remove", "bravo", "--force")
    assert "removed peer bravo" in r.stdout
    assert '1 queued message marked failed ("peer removed")' in r.stdout
    m = row(a, mid)                         # kept, failed, with the reason
    assert (m["state"], m["last_error"]) == ("failed", "peer removed")
    assert "bravo" not in peers(a)
    assert peers(a, "--all")["bravo"]["removed_why"] == "peer removed"
    assert "bravo" not in status_peers(a)   # the running daemon dropped it at once
    r = a.send("bravo", wait=5)
    assert r.returncode != 0 and "no such peer" in r.stderr
    a.cli("log", "verify")                  # the history still verifies


def test_removed_peer_is_refused_at_the_handshake_and_can_be_pinned_again(pair):
    a, b = pair
    assert a.send("bravo", subject="before").returncode == 0
    assert hello_as(b, a).status_code == 200

    r = b.cli("peer", "remove", "alpha")
    assert "removed peer alpha" in r.stdout and "marked failed" not in r.stdout
    with pytest.raises(requests.exceptions.RequestException):
        hello_as(b, a)                      # its key is no longer pinned
    wait_for(lambda: "is not pinned" in b.logtext(), 10, "bravo to log the refused key")
    assert "alpha" not in status_peers(b)
    r = a.send("bravo", subject="after", wait=3)
    assert r.returncode != 0                # not delivered: bravo refuses alpha
    after = r.stdout.split()[0] if r.stdout else None
    # history stays: what alpha sent before is still in bravo's inbox, and verifies
    assert [m["subject"] for m in b.inbox()] == ["before"]
    b.cli("log", "verify")
    assert "signature:  valid" in b.cli("show", b.inbox()[0]["id"]).stdout
    r = b.cli("evidence", b.inbox()[0]["id"], check=False)
    assert r.returncode == 1 and "no longer pinned" in r.stderr

    # pinned again (same key, same name): the old pin again, its numbers go on
    b.pin(a)
    assert hello_as(b, a).status_code == 200
    wait_for(lambda: [m["subject"] for m in b.inbox()] == ["before", "after"], 30,
             "alpha's queued message to reach bravo once pinned again")
    assert after is None or row(a, after)["state"] == "delivered"


def test_remove_unknown_name_fails_naming_it(make_node):
    a = make_node("alpha")
    r = a.cli("peer", "remove", "charlie", check=False)
    assert r.returncode == 1
    assert "no peer named charlie is pinned" in r.stderr
    r = a.cli("peer", "remove", check=False)
    assert r.returncode == 2 and "usage: parley peer" in r.stderr


# ---- parley peer update ----

def test_update_moves_the_endpoint_without_a_restart_and_refuses_older_or_same_cards(pair, top):
    a, b = pair
    old_card = keep(a.card_path(), os.path.join(top[0], "alpha-old.card"))
    bravo_pid = b.proc.pid
    a.stop()
    a.port = free_port()
    a.cli("config", "set", "listen", f"127.0.0.1:{a.port}")
    a.cli("config", "set", "endpoints", f"https://127.0.0.1:{a.port}")
    a.start()
    mid = queue(b, "alpha", "to the new address")
    new_card = keep(a.card_path(), os.path.join(top[0], "alpha-new.card"))

    r = b.cli("peer", "update", new_card)
    assert f"endpoint:    https://127.0.0.1:{a.port} (was" in r.stdout
    wait_for(lambda: row(b, mid)["state"] == "delivered", 30,
             "bravo to deliver to alpha's new endpoint")
    assert b.proc.pid == bravo_pid and b.proc.poll() is None   # no restart
    assert peers(b)["alpha"]["endpoint"] == f"https://127.0.0.1:{a.port}"

    r = b.cli("peer", "update", old_card, check=False)
    assert r.returncode == 1 and "is older than the one pinned for alpha" in r.stderr
    r = b.cli("peer", "update", new_card, check=False)
    assert r.returncode == 1 and "is the one already pinned for alpha" in r.stderr
    assert peers(b)["alpha"]["endpoint"] == f"https://127.0.0.1:{a.port}"
    r = b.cli("peer", "update", os.path.join(top[0], "no-such.card"), check=False)
    assert r.returncode == 1 and "no such file or directory" in r.stderr


def test_update_with_a_new_key_needs_its_fingerprint_and_keeps_the_old_history(pair, top):
    a, b = pair
    assert a.send("bravo", subject="signed by the old key").returncode == 0
    wait_for(lambda: peek(b, "SELECT count(*) FROM cosig") > 0, 30,
             "alpha to cosign bravo's log")
    old_fp = a.fingerprint()
    text, new_fp = make_card("alpha", f"https://127.0.0.1:{free_port()}")
    card = os.path.join(top[0], "alpha-rekeyed.card")
    with open(card, "w") as f:
        f.write(text)

    r = b.cli("peer", "update", card, check=False)
    assert r.returncode == 1
    assert "carries a new key" in r.stderr and "a new key is a new pin" in r.stderr
    assert "--fingerprint" in r.stderr
    r = b.cli("peer", "update", card, "--fingerprint", old_fp, check=False)
    assert r.returncode == 1 and "does not match the fingerprint you gave" in r.stderr
    r = b.cli("peer", "update", card, "--fingerprint", "12345 678", check=False)
    assert r.returncode == 1 and "not a fingerprint" in r.stderr
    assert peers(b)["alpha"]["fingerprint"] == old_fp     # nothing changed

    r = b.cli("peer", "update", card, "--fingerprint", new_fp + "  (alpha)")
    assert "re-pinned peer alpha to a new key" in r.stdout
    assert peers(b)["alpha"]["fingerprint"] == new_fp
    assert peers(b)["alpha"]["links"] == ""     # links come from agreements
    old = [p for p in b.json("peer", "list", "--all") if p["fingerprint"] == old_fp]
    assert old and old[0]["removed_why"] == "peer key replaced"
    # the old key's statements and cosignatures still verify
    b.cli("log", "verify")
    assert "signature:  valid" in b.cli("show", b.inbox()[0]["id"]).stdout
    # and the old key is refused by the running daemon
    with pytest.raises(requests.exceptions.RequestException):
        hello_as(b, a)
    assert status_peers(b) == ["alpha"]


def test_new_key_with_messages_queued_for_the_old_needs_force(make_node, top):
    a, b = make_node("alpha"), make_node("bravo")
    b.pin(a)
    b.start()
    mid = queue(b, "alpha", "for the old key")
    text, fp = make_card("alpha", f"https://127.0.0.1:{free_port()}")
    card = os.path.join(top[0], "alpha-rekeyed.card")
    with open(card, "w") as f:
        f.write(text)
    r = b.cli("peer", "update", card, "--fingerprint", fp, check=False)
    assert r.returncode == 1 and "1 message to alpha is still queued" in r.stderr
    assert row(b, mid)["state"] == "queued"
    b.cli("peer", "update", card, "--fingerprint", fp, "--force")
    m = row(b, mid)
    assert (m["state"], m["last_error"]) == ("failed", "peer key replaced")


def test_update_of_an_unpinned_name_is_refused(make_node, top):
    b = make_node("bravo")
    text, fp = make_card("zulu", "https://127.0.0.1:9")
    card = os.path.join(top[0], "zulu.card")
    with open(card, "w") as f:
        f.write(text)
    r = b.cli("peer", "update", card, "--fingerprint", fp, check=False)
    assert r.returncode == 1 and "no peer named zulu is pinned" in r.stderr
    assert "parley peer add" in r.stderr


# ---- errors that name the real cause ----

def test_unreadable_key_file_is_not_reported_as_missing(make_node):
    a = make_node("alpha")
    key = os.path.join(a.dir, "identity.key")
    os.rename(key, key + ".kept")
    os.mkdir(key, 0o700)                    # a directory where the key should be
    r = a.cli("card", check=False)
    assert r.returncode == 1
    assert "identity.key: cannot load identity key: Is a directory" in r.stderr
    assert "not found" not in r.stderr
    d = subprocess.run([os.path.join(BIN, "parleyd"), "--dir", a.dir], capture_output=True,
                       text=True, timeout=deadline(30))
    assert d.returncode != 0 and "Is a directory" in d.stderr
    os.rmdir(key)
    os.symlink("/etc/hostname/key", key)    # a path component that is not a directory
    r = a.cli("card", check=False)
    assert r.returncode == 1 and "Not a directory" in r.stderr
    assert "not found" not in r.stderr
    os.remove(key)
    os.rename(key + ".kept", key)
    # a key the user may not read (root may read anything: run as nobody)
    os.chmod(os.path.dirname(a.dir), 0o711)
    os.chmod(a.dir, 0o711)
    os.chmod(os.path.join(a.dir, "parley.json"), 0o644)
    r = as_nobody("card", "--dir", a.dir)
    assert r.returncode == 1 and "Permission denied" in r.stderr
    assert "not found" not in r.stderr and "no node here" not in r.stderr
    assert a.cli("card").returncode == 0    # its owner still can


def test_socket_permission_denied_is_not_reported_as_not_running(make_node):
    a = make_node("alpha")
    a.start()
    r = as_nobody("status", "--dir", a.dir)
    assert r.returncode == 1
    assert f"permission denied: {a.dir}/parleyd.sock" in r.stderr
    assert "not running" not in r.stderr
    a.stop()
    r = a.cli("status", check=False)
    assert r.returncode == 1 and "parleyd is not running" in r.stderr
