"""The duty console (issue 15): served by parleyd when
console_listen is set; officers sign in with the password `parley officer
passwd` set (and a TOTP code when they have one); sessions in HttpOnly,
SameSite=Strict cookies; every change carries the CSRF token; a strict
Content-Security-Policy.  These tests speak HTTP as a browser does
(requests, cookies kept); tests/browser drives the same pages in
Chromium."""
import hmac
import os
import re
import struct
import time
import base64
import hashlib

import pytest
import requests

from parley_e2e import free_port, wait_for
from test_desk import INCIDENT, item, send_form

PASSWORD = "correct horse battery staple"


def make_consoles(make_node, edit=None):
    """alpha (a console on plain HTTP on loopback) and bravo (HTTPS),
    pinned to each other under one agreement (edit: a change to its
    draft), each with a duty officer who has a password (ana, bob):
    (alpha, bravo, {name: url}, the agreement's id)."""
    a, b = make_node("alpha"), make_node("bravo")
    agreement = a.pin(b, edit=edit)
    b.pin(a)
    ports = {a.name: free_port(), b.name: free_port()}
    a.cli("config", "set", "console_listen", f"http://127.0.0.1:{ports['alpha']}")
    b.cli("config", "set", "console_listen", f"https://127.0.0.1:{ports['bravo']}")
    for n, who in ((a, "ana"), (b, "bob")):
        n.cli("officer", "add", who, "--role", "duty")
        n.cli("officer", "passwd", who, "--password-stdin", stdin=PASSWORD + "\n")
    a.start()
    b.start()
    url = {"alpha": f"http://127.0.0.1:{ports['alpha']}",
           "bravo": f"https://127.0.0.1:{ports['bravo']}"}
    CERT[url["bravo"]] = os.path.join(b.dir, "server.crt")   # self-signed at parley init
    return a, b, url, agreement


@pytest.fixture
def consoles(make_node, top):
    """alpha and bravo with their consoles (make_consoles)."""
    return make_consoles(make_node)[:3]


CERT = {}     # url -> the node's server certificate, to check it against


def browser(url=None):
    s = requests.Session()
    s.trust_env = False     # else a CA bundle named in the environment wins
    s.verify = CERT.get(url, True)
    return s


def sign_in(url, officer, password=PASSWORD, code=None, s=None):
    s = s or browser(url)
    form = {"officer": officer, "password": password}
    if code is not None:
        form["code"] = code
    r = s.post(url + "/signin", data=form, allow_redirects=False, timeout=30)
    return s, r


def csrf_of(page):
    m = re.search(r'name="csrf" value="([^"]+)"', page)
    assert m, page
    return m.group(1)


def test_sign_in_board_acknowledge_sign_out(consoles, top):
    a, b, url = consoles
    # not signed in: the board sends to the sign-in page
    s = browser(url["bravo"])
    r = s.get(url["bravo"] + "/board", allow_redirects=False, timeout=30)
    assert r.status_code == 303 and r.headers["Location"] == "/signin"
    page = s.get(url["bravo"] + "/signin", timeout=30)
    assert page.status_code == 200
    assert "<label for=\"officer\">Officer</label>" in page.text
    assert "<label for=\"password\">Password</label>" in page.text
    assert ">Sign in</button>" in page.text
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "<script>" not in page.text        # no inline script anywhere

    # a wrong password is refused, and says no more than that
    _, r = sign_in(url["bravo"], "bob", "not the password at all")
    assert r.status_code == 401 and "Wrong officer name, password or code." in r.text
    _, r = sign_in(url["bravo"], "nobody", PASSWORD)
    assert r.status_code == 401 and "Wrong officer name, password or code." in r.text
    assert b.loggrep("console: failed sign-in as bob from")

    s, r = sign_in(url["bravo"], "bob")
    assert r.status_code == 303 and r.headers["Location"] == "/board"
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Secure" in cookie
    assert b.loggrep("console: bob signed in from")

    # a flash notification from alpha: on the board, with its alarm and
    # the acknowledgement's countdown
    p = send_form(a, "bravo", top, "incident-notification", INCIDENT)
    mid = p.stdout.splitlines()[0]
    board = s.get(url["bravo"] + "/board", timeout=30).text
    assert f'id="item-{mid}"' in board
    assert 'class="alarm" role="alert"' in board and "1 urgent item not acknowledged" in board
    assert re.search(r'<time datetime="[^"]+" data-due="\d+">', board)
    # the first focusable thing: the keyboard's way to the top item
    assert f'<a class="skip" id="skip-ack" href="#ack-{mid}">Acknowledge the top item</a>' in board
    assert f'href="/compose?reply={mid}">Reply</a>' in board
    assert INCIDENT["observed"][:40] in board
    assert ">Acknowledge</button>" in board and ">Sign out</button>" in board

    # without the CSRF token the acknowledgement is refused
    r = s.post(url["bravo"] + "/ack", data={"id": mid}, allow_redirects=False, timeout=30)
    assert r.status_code == 403
    r = s.post(url["bravo"] + "/ack", data={"id": mid, "csrf": "x" * 43},
               allow_redirects=False, timeout=30)
    assert r.status_code == 403
    assert item(b, mid)["acknowledged_by"] is None

    # a "back" that is not the item's own page is not followed
    r = s.post(url["bravo"] + "/ack", data={"id": mid, "csrf": csrf_of(board),
                                           "back": "https://evil.example/"},
               allow_redirects=False, timeout=30)
    assert r.status_code == 303 and r.headers["Location"] == "/board", r.text
    # the same signed statement as parley ack: the sender's desk shows it
    wait_for(lambda: item(a, mid)["acknowledged_by"] == "bob", 20, "the ack at alpha")
    assert b.loggrep(f"console: bob acknowledged {mid}")
    board = s.get(url["bravo"] + "/board", timeout=30).text
    assert "acknowledged by bob" in board and 'class="alarm"' not in board

    # sign out: the session is gone
    r = s.post(url["bravo"] + "/signout", data={"csrf": csrf_of(board)},
               allow_redirects=False, timeout=30)
    assert r.status_code == 303 and r.headers["Location"] == "/signin"
    r = s.get(url["bravo"] + "/board", allow_redirects=False, timeout=30)
    assert r.status_code == 303


def test_a_session_from_another_node_is_refused(consoles):
    a, b, url = consoles
    s, r = sign_in(url["alpha"], "ana")
    assert r.status_code == 303
    assert "Secure" not in r.headers["Set-Cookie"]        # plain HTTP on loopback
    token = s.cookies.get("parley_session")
    other = browser(url["bravo"])
    other.cookies.set("parley_session", token)
    r = other.get(url["bravo"] + "/board", allow_redirects=False, timeout=30)
    assert r.status_code == 303 and r.headers["Location"] == "/signin"
    assert s.get(url["alpha"] + "/board", timeout=30).status_code == 200


def test_failed_sign_ins_are_slowed(consoles):
    a, b, url = consoles
    for _ in range(3):
        _, r = sign_in(url["alpha"], "ana", "wrong password, wrong")
        assert r.status_code == 401
    _, r = sign_in(url["alpha"], "ana", "wrong password, wrong")
    assert r.status_code == 401
    # locked now, even with the right password, for a while
    _, r = sign_in(url["alpha"], "ana")
    assert r.status_code == 429 and "Too many failed sign-ins" in r.text


def totp(secret_b32, t=None):
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    counter = int((t or time.time()) // 30)
    mac = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    off = mac[-1] & 0x0F
    return "%06d" % ((struct.unpack(">I", mac[off:off + 4])[0] & 0x7FFFFFFF) % 1000000)


def test_second_factor(consoles):
    a, b, url = consoles
    out = a.cli("officer", "totp", "ana").stdout
    secret = re.search(r"secret: ([A-Z2-7]+)", out).group(1)
    assert re.search(r"uri:    otpauth://totp/parley:ana\?secret=" + secret, out)
    _, r = sign_in(url["alpha"], "ana")                    # no code
    assert r.status_code == 401
    code = totp(secret)
    _, r = sign_in(url["alpha"], "ana", code=code)
    assert r.status_code == 303
    _, r = sign_in(url["alpha"], "ana", code=code)         # the same code again: a replay
    assert r.status_code == 401
    a.cli("officer", "totp", "ana", "--off")
    _, r = sign_in(url["alpha"], "ana")
    assert r.status_code == 303


def test_console_listen_refused_off_loopback(make_node):
    a = make_node("alpha")
    p = a.cli("config", "set", "console_listen", "http://192.0.2.1:8443", check=False)
    assert p.returncode == 1 and "loopback" in p.stderr, p.stderr
    p = a.cli("officer", "passwd", "nobody", "--password-stdin", stdin=PASSWORD + "\n",
              check=False)
    assert p.returncode == 1 and "no officer named" in p.stderr
    a.cli("officer", "add", "ana", "--role", "duty")
    p = a.cli("officer", "passwd", "ana", "--password-stdin", stdin="short\n", check=False)
    assert p.returncode == 1 and "refused" in p.stderr


def test_the_board_hears_of_changes_as_they_happen(consoles, top):
    """The board's page listens on /events (Server-Sent Events): a flash
    notification from the other node is announced there at once, with no
    reload; /events wants a session; signing out ends the stream."""
    a, b, url = consoles
    assert browser(url["bravo"]).get(url["bravo"] + "/events", timeout=30).status_code == 401
    s, r = sign_in(url["bravo"], "bob")
    board = s.get(url["bravo"] + "/board", timeout=30).text
    assert 'id="board"' in board and '<script src="/static/console.js"' in board
    js = s.get(url["bravo"] + "/static/console.js", timeout=30)
    assert js.headers["Content-Type"].startswith("text/javascript")
    assert "EventSource('/events')" in js.text
    ev = s.get(url["bravo"] + "/events", stream=True, timeout=(10, 30))
    assert ev.status_code == 200
    assert ev.headers["Content-Type"].startswith("text/event-stream")
    lines = ev.iter_lines(decode_unicode=True)
    assert next(lines) == "retry: 3000"
    p = send_form(a, "bravo", top, "incident-notification", INCIDENT)
    assert p.returncode == 0, p.stderr
    for line in lines:          # each read waits at most 30 s (the timeout)
        if line == "event: change":
            break
    # the page then fetches the board again, and the item is there
    assert p.stdout.splitlines()[0] in s.get(url["bravo"] + "/board", timeout=30).text
    ev.close()


def test_language_per_officer(consoles, top):
    """ana reads the console in French (chosen with the CLI, then back to
    English and again French from the console's own form); the pages'
    words and the html lang follow; a language the console has no words
    for is refused; the CLI names a bad language or officer."""
    a, b, url = consoles
    p = a.cli("officer", "lang", "ana", "xx", check=False)
    assert p.returncode == 1 and "unknown language \"xx\"" in p.stderr
    p = a.cli("officer", "lang", "nobody", "fr", check=False)
    assert p.returncode == 1 and "no officer named \"nobody\"" in p.stderr
    assert a.json("officer", "list")[0]["lang"] == "desk"
    a.cli("officer", "lang", "ana", "fr")
    assert a.json("officer", "list")[0]["lang"] == "fr"
    s, r = sign_in(url["alpha"], "ana")
    board = s.get(url["alpha"] + "/board", timeout=30).text
    assert '<html lang="fr">' in board and ">Se déconnecter</button>" in board
    assert ">Nouveau message</a>" in board and "De permanence" in board
    # a message from bravo: its button in French
    p = send_form(b, "alpha", top, "incident-notification", INCIDENT)
    mid = p.stdout.splitlines()[0]
    board = s.get(url["alpha"] + "/board", timeout=30).text
    assert f'id="ack-{mid}">Accuser réception</button>' in board
    assert "1 élément urgent sans accusé de réception" in board
    # back to English from the console's form
    r = s.post(url["alpha"] + "/lang", data={"lang": "en", "csrf": csrf_of(board)},
               allow_redirects=False, timeout=30)
    assert r.status_code == 303
    board = s.get(url["alpha"] + "/board", timeout=30).text
    assert '<html lang="en">' in board and f'id="ack-{mid}">Acknowledge</button>' in board
    assert a.json("officer", "list")[0]["lang"] == "en"
    r = s.post(url["alpha"] + "/lang", data={"lang": "ru", "csrf": csrf_of(board)},
               allow_redirects=False, timeout=30)
    assert r.status_code == 400 and "does not speak that language" in r.text
    r = s.post(url["alpha"] + "/lang", data={"lang": "fr"}, allow_redirects=False, timeout=30)
    assert r.status_code == 403
    assert a.json("officer", "list")[0]["lang"] == "en"
    assert a.loggrep("console: ana reads the console in en")


def test_board_pages_and_bad_requests(consoles):
    a, b, url = consoles
    s, r = sign_in(url["alpha"], "ana")
    for bad in ("x", "-1", "", "99999999999"):
        r = s.get(url["alpha"] + "/board?from=" + bad, timeout=30)
        assert r.status_code == 400 and "not a number of rows" in r.text, bad
    board = s.get(url["alpha"] + "/board", timeout=30).text
    assert "Nothing on the desk." in board and "skip-ack" not in board
    r = s.post(url["alpha"] + "/ack", data={"id": "not-a-uuid", "csrf": csrf_of(board)},
               allow_redirects=False, timeout=30)
    assert r.status_code == 400 and "names no item" in r.text
    r = s.post(url["alpha"] + "/ack", data={"id": "01a21aa4-1b08-7f2f-bc22-464ed6d3a7eb",
                                           "csrf": csrf_of(board)},
               allow_redirects=False, timeout=30)
    assert r.status_code == 404 and "no received formal message" in r.text
    # not signed in: a change is refused, not redirected
    r = browser(url["alpha"]).post(url["alpha"] + "/ack", data={"id": "x"},
                                   allow_redirects=False, timeout=30)
    assert r.status_code == 401
