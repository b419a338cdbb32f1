"""The duty console's message page (issue 15): a message rendered from its
template with the labels in the officer's language and the peer's side by
side, every time in UTC and at both desks, the desk's steps, the buttons
to acknowledge and reply, and the evidence bundle to download.  HTTP as a
browser speaks it (requests); the pages are checked for what an officer
reads."""
import html
import json
import os
import re
import signal
import threading

import pytest
import requests

from parley_e2e import free_port, run, wait_for
from test_console import PASSWORD, browser, consoles, csrf_of, sign_in  # noqa: F401 (a fixture)
from test_desk import CONTACTS, INCIDENT, item, send_form, short_deadlines, write

# text a peer wrote that must never reach the page as markup or as a bidi
# override that reorders what the officer reads
HOSTILE = "<script>alert(1)</script> \u202egnp.exe"


def contacts(top, node, name, lang, tz):
    node.cli("contacts", "set", write(top, node.name + "-contacts.json", {"contacts": [
        dict(CONTACTS["contacts"][0], name=name, languages=[lang], tz=tz)]}))


def text_of(page):
    """What a person reads of a page: tags gone, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def row_of(page, field):
    m = re.search(r'<tr id="field-%s">(.*?)</tr>' % field, page, re.S)
    assert m, page
    return m.group(1)


def plain(node, subject, body, wait=20):
    """A message of free text (no template); wait None: queued, not waited for."""
    return node.cli("send", "bravo", "--link", "urgent", "--type", "notification",
                    "--priority", "routine", "--subject", subject, "--body", "-",
                    *([f"--wait={wait}"] if wait else []), stdin=body, check=False)


def evidence(s, url, mid):
    """The bundle, once the peer has cosigned the entries it needs."""
    def get():
        r = s.get(f"{url}/message/{mid}/evidence", timeout=60)
        return r if r.status_code == 200 else None
    return wait_for(get, 60, f"the evidence of {mid}")


def test_message_page_labels_times_steps_ack_and_evidence(consoles, top):
    a, b, url = consoles
    a.cli("config", "set", "desk_tz", "Europe/Paris")
    b.cli("config", "set", "desk_tz", "Asia/Tokyo")
    # alpha's desk speaks French, bravo's English: each node learns the
    # other's from the points of contact it sends
    contacts(top, a, "Alpha desk", "fr", "Europe/Paris")
    contacts(top, b, "Bravo desk", "en", "Asia/Tokyo")
    wait_for(lambda: b.json("directory"), 20, "alpha's contacts at bravo")
    wait_for(lambda: a.json("directory"), 20, "bravo's contacts at alpha")

    form = dict(INCIDENT, systems="substation gateways\nand the control centre",
                indicators=["203.0.113.7", "198.51.100.9"])
    p = send_form(a, "bravo", top, "incident-notification", form, "--as", "ana")
    assert p.returncode == 0 and "delivered" in p.stdout, p.stderr
    mid = p.stdout.splitlines()[0]

    s, r = sign_in(url["bravo"], "bob")
    assert r.status_code == 303
    # the board's subject leads to the page
    assert f'<a href="/message/{mid}">' in s.get(url["bravo"] + "/board", timeout=30).text
    r = s.get(f"{url['bravo']}/message/{mid}", timeout=30)
    assert r.status_code == 200, r.text
    assert "script-src 'self'" in r.headers["Content-Security-Policy"]
    page, shown = r.text, text_of(r.text)
    assert '<span class="prio prio-flash">flash</span> from alpha' in page
    assert "<h1>" + INCIDENT["observed"] + "</h1>" in page
    assert "Incident notification" in shown and "urgent" in shown
    assert "valid, signed by alpha" in shown and "Written by" in shown and "ana" in shown
    # labels in bob's language and in alpha's, side by side, then the value
    assert '<th scope="col" lang="en">English</th><th scope="col" lang="fr">Français</th>' in page
    observed = row_of(page, "observed")
    assert re.search(r'<th scope="row">What was observed</th><td lang="fr">Ce qui a été observé'
                     r'</td><td>Scanning of SCADA gateways', observed), observed
    # free text as written, a line break kept; a list as a list
    assert "substation gateways<br>\nand the control centre" in row_of(page, "systems")
    assert "<ul><li>203.0.113.7</li><li>198.51.100.9</li></ul>" in row_of(page, "indicators")
    assert ">high<" in row_of(page, "severity")
    # a time of the form: UTC, at alpha's desk (its message says its zone)
    # and at bravo's (desk_tz)
    at = text_of(row_of(page, "observed_at"))
    assert "2026-11-26T08:00:00Z UTC" in at
    assert "2026-11-26 09:00:00 CET (UTC+01:00) at alpha (Europe/Paris)" in at, at
    assert "2026-11-26 17:00:00 JST (UTC+09:00) at bravo (Asia/Tokyo)" in at, at
    # the message's own times, the same way
    times = re.search(r'<table class="times">.*?</table>', page, re.S).group(0)
    assert text_of(times).count(" UTC") >= 2
    assert "at alpha (Europe/Paris)" in times and "at bravo (Asia/Tokyo)" in times
    # the steps: received, delivered with the signed receipt, awaiting the
    # acknowledgement (a countdown) and the answer
    steps = text_of(re.search(r'<ol class="steps">.*?</ol>', page, re.S).group(0))
    assert "received at" in steps and "delivered at" in steps and "(the signed receipt)" in steps
    assert "not acknowledged yet; due" in steps and "no answer yet; due" in steps
    assert re.search(r'<time datetime="[^"]+" data-due="\d+">', page)
    # the actions: acknowledge (the board's form), reply, the evidence
    assert f'<button type="submit" name="id" value="{mid}" id="ack-{mid}">Acknowledge</button>' \
        in page
    assert re.search(r'<form method="post" action="/ack" class="inline"><input type="hidden" '
                     r'name="csrf" value="[^"]+">', page)
    assert f'<a class="button" href="/compose?reply={mid}">Reply</a>' in page
    assert f'<a href="/message/{mid}/evidence">Download the evidence</a>' in page

    assert f'<input type="hidden" name="back" value="/message/{mid}">' in page
    # acknowledging from the page is the board's acknowledgement, and
    # comes back to the page
    r = s.post(url["bravo"] + "/ack", data={"id": mid, "csrf": csrf_of(page),
                                           "back": f"/message/{mid}"},
               allow_redirects=False, timeout=30)
    assert r.status_code == 303 and r.headers["Location"] == f"/message/{mid}", r.text
    wait_for(lambda: item(a, mid)["acknowledged_by"] == "bob", 20, "the ack at alpha")
    page = s.get(f"{url['bravo']}/message/{mid}", timeout=30).text
    assert ">Acknowledge</button>" not in page and "acknowledged by bob (duty) at" in page
    assert f'href="/compose?reply={mid}">Reply</a>' in page     # the answer is still due

    # alpha's page: what alpha sent, acknowledged by bob; bravo's labels in
    # English beside alpha's officer's (the desk's English here)
    sa, r = sign_in(url["alpha"], "ana")
    page = sa.get(f"{url['alpha']}/message/{mid}", timeout=30).text
    assert "sent to bravo" in page and "acknowledged by bob (duty) at" in page, page
    # delivered with bravo's signed receipt, on the path its card lists first
    assert re.search(r"delivered at .*\(the signed receipt\), by path 0 \(https://127\.0\.0\.1:\d+\)",
                     text_of(page)), page
    assert ">Acknowledge</button>" not in page and "/compose?reply=" not in page
    assert "at bravo (Asia/Tokyo)" in page and "at alpha (Europe/Paris)" in page
    assert '<th scope="col" lang="en">English</th><th scope="col">Value</th>' in page  # one column

    # ana reads the console in French: the page's words and labels in
    # French, bravo's English labels beside them
    a.cli("officer", "lang", "ana", "fr")
    sa, r = sign_in(url["alpha"], "ana")
    page = sa.get(f"{url['alpha']}/message/{mid}", timeout=30).text
    assert '<html lang="fr">' in page
    assert "envoyé à bravo" in page and "Étapes" in page and "reçu par bob" in page
    assert "Télécharger la preuve" in page
    assert '<th scope="col" lang="fr">Français</th><th scope="col" lang="en">English</th>' in page
    assert re.search(r'<th scope="row">Ce qui a été observé</th><td lang="en">What was observed'
                     r'</td>', page)

    # bob answers (parley reply): the step links to the answer, which links back
    reply = write(top, "reply.json", {"answer": "The source is a research scanner."})
    p = b.cli("reply", mid, "--as", "bob", "--form", reply, "--wait=20")
    rid = p.stdout.splitlines()[0]
    wait_for(lambda: item(b, mid)["state"] == "answered", 20, "the answer at bravo")
    page = s.get(f"{url['bravo']}/message/{mid}", timeout=30).text
    assert f'answered by <a href="/message/{rid}">{rid}</a> at' in page, page
    assert "/compose?reply=" not in page
    page = s.get(f"{url['bravo']}/message/{rid}", timeout=30).text
    assert "sent to alpha" in page and f'<a href="/message/{mid}">{mid}</a>' in page
    assert "Reply" in page and "The source is a research scanner." in page

    # the evidence bundle: a download that `parley evidence verify` accepts
    r = evidence(s, url["bravo"], mid)
    assert r.headers["Content-Type"].startswith("application/json")
    assert r.headers["Content-Disposition"] == \
        f'attachment; filename="parley-evidence-{mid}.json"'
    bundle = json.loads(r.text)
    assert bundle["type"] == "parley-evidence"
    path = os.path.join(top[0], "bundle.json")
    with open(path, "w") as f:
        f.write(r.text)
    v = run("evidence", "verify", path, "--card", a.card_path(), "--card", b.card_path())
    assert v.returncode == 0 and mid in v.stdout, v.stderr
    assert b.loggrep(f"console: bob downloaded the evidence of {mid}")


def test_overdue_notices_on_both_pages(make_node, top):
    a, b = make_node("alpha"), make_node("bravo")
    a.pin(b, edit=short_deadlines("PT2S", "PT4S"))
    b.pin(a)
    ports = {}
    for n, who in ((a, "ana"), (b, "bob")):
        ports[n.name] = free_port()
        n.cli("config", "set", "console_listen", f"http://127.0.0.1:{ports[n.name]}")
        n.cli("officer", "add", who, "--role", "duty")
        n.cli("officer", "passwd", who, "--password-stdin", stdin=PASSWORD + "\n")
        n.start()
    p = send_form(a, "bravo", top, "inquiry", {"activity": "port scans",
                                               "questions": ["Who?"]}, prio="immediate")
    assert p.returncode == 0, p.stderr
    mid = p.stdout.splitlines()[0]
    wait_for(lambda: (item(b, mid) or {}).get("overdue_reply_notice") is not None, 30,
             "both notices at bravo")
    for n, who in ((a, "ana"), (b, "bob")):
        u = f"http://127.0.0.1:{ports[n.name]}"
        s, _ = sign_in(u, who)
        page = s.get(f"{u}/message/{mid}", timeout=30).text
        shown = text_of(page)
        assert "overdue notice for the acknowledgement at" in shown, shown
        assert "overdue notice for the answer at" in shown
        assert '<li class="over">' in page and "<dd>overdue-ack</dd>" in page, page
        assert '<span class="prio prio-immediate">immediate</span>' in page
    # the notice itself is a signed message, shown as its type and text
    notice = [m for m in b.inbox() if m["type"] == "desk.overdue"][0]["id"]
    page = s.get(f"{u}/message/{notice}", timeout=30).text
    assert "<dd>desk.overdue</dd>" in page and "from alpha" in page
    assert f"&quot;overdue&quot;:&quot;{mid}&quot;" in page


def test_free_text_and_refusals(consoles, top):
    a, b, url = consoles
    sent = plain(a, "plain words", "first line\n" + HOSTILE)
    assert sent.returncode == 0, sent.stderr
    mid = sent.stdout.splitlines()[0]
    s, _ = sign_in(url["alpha"], "ana")
    page = s.get(f"{url['alpha']}/message/{mid}", timeout=30).text
    assert "<h1>plain words</h1>" in page and "sent to bravo" in page
    assert '<h2 id="text">Text</h2>\n<div class="body">first line<br>\n' \
        '&lt;script&gt;alert(1)&lt;/script&gt; \\u202egnp.exe</div>' in page, page
    assert "queued at" in text_of(page) and "delivered at" in text_of(page)
    assert ">Acknowledge</button>" not in page and "/compose?reply=" not in page
    assert "<table class=\"form\">" not in page
    # bravo's page of the same message: received, no desk item to act on
    sb, _ = sign_in(url["bravo"], "bob")
    page = sb.get(f"{url['bravo']}/message/{mid}", timeout=30).text
    assert "from alpha" in page and "received at" in page and "first line<br>" in page
    assert ">Acknowledge</button>" not in page

    # not signed in: to the sign-in page, the page's id or not
    other = browser(url["alpha"])
    for path in (f"/message/{mid}", f"/message/{mid}/evidence", "/message/nonsense"):
        r = other.get(url["alpha"] + path, allow_redirects=False, timeout=30)
        assert r.status_code == 303 and r.headers["Location"] == "/signin", path
    # an id of nothing held here, and no id at all
    nothing = "01890a5d-ac96-774b-bcce-b302099a8057"
    for path in (f"/message/{nothing}", f"/message/{nothing}/evidence"):
        r = s.get(url["alpha"] + path, timeout=30)
        assert r.status_code == 404 and "No message with that id" in r.text, path
        assert 'role="alert"' in r.text
    for bad in ("nonsense", mid.upper(), mid[:-1], "%3Cscript%3E", mid + "x"):
        for tail in ("", "/evidence"):
            r = s.get(f"{url['alpha']}/message/{bad}{tail}", timeout=30)
            assert r.status_code == 400 and "not a message id" in r.text, (bad, r.status_code)
            assert "<script>" not in r.text


def test_foreign_text_is_shown_never_obeyed(consoles, top):
    """A subject and values holding markup and a right-to-left override are
    written out for the officer to see, never used as markup or order."""
    a, b, url = consoles
    form = dict(INCIDENT, observed=HOSTILE, systems=HOSTILE, indicators=[HOSTILE])
    p = send_form(a, "bravo", top, "incident-notification", form)
    assert p.returncode == 0, p.stderr
    mid = p.stdout.splitlines()[0]
    s, _ = sign_in(url["bravo"], "bob")
    for where in (f"/message/{mid}", "/board"):
        page = s.get(url["bravo"] + where, timeout=30).text
        assert "<script>alert" not in page and "\u202e" not in page, where
        assert "&lt;script&gt;alert(1)&lt;/script&gt; \\u202egnp.exe" in page, where
    page = s.get(f"{url['bravo']}/message/{mid}", timeout=30).text
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 4   # title, h1, subject, fields
    # a subject of free text, the same
    sent = a.send("bravo", subject=HOSTILE)
    assert sent.returncode == 0, sent.stderr
    plain = sent.stdout.splitlines()[0]
    sa, _ = sign_in(url["alpha"], "ana")
    page = sa.get(f"{url['alpha']}/message/{plain}", timeout=30).text
    assert "<script>alert" not in page and "\u202e" not in page
    assert "<h1>&lt;script&gt;alert(1)&lt;/script&gt; \\u202egnp.exe</h1>" in page


def test_evidence_refused_failed_abandoned_and_cut_short(consoles, top):
    """The download names what stops it: no receipt yet (409); the peer not
    answering for its half of the proof (5xx).  A page that goes away
    before the bundle is ready is forgotten, and a node that stops answers
    the downloads still waiting."""
    a, b, url = consoles
    mid = plain(a, "for the record", "text").stdout.splitlines()[0]
    s, _ = sign_in(url["alpha"], "ana")
    evidence(s, url["alpha"], mid)              # cosigned: a bundle can be made

    b.stop()
    queued = plain(a, "not yet", "text", wait=None)
    assert queued.returncode == 0, queued.stderr
    queued = queued.stdout.splitlines()[0]
    r = s.get(f"{url['alpha']}/message/{queued}/evidence", timeout=30)
    assert r.status_code == 409 and "No receipt yet" in r.text, r.text
    assert r.headers["Content-Type"].startswith("text/html")
    # the peer is gone: its half of the proof cannot be fetched
    r = s.get(f"{url['alpha']}/message/{mid}/evidence", timeout=60)
    assert r.status_code in (502, 503, 504) and "The evidence bundle cannot be made:" in r.text
    assert "Content-Disposition" not in r.headers

    # the peer hangs (stopped, its socket still open): the witness waits
    b.start()
    wait_for(lambda: s.get(f"{url['alpha']}/message/{queued}/evidence",
                           timeout=60).status_code == 200, 60, "the queued message delivered")
    os.kill(b.proc.pid, signal.SIGSTOP)
    try:
        # a page that gives up first: alpha forgets the request
        with pytest.raises(requests.exceptions.ReadTimeout):
            s.get(f"{url['alpha']}/message/{mid}/evidence", timeout=(10, 1))
        # one still waiting when alpha stops is answered (503, when the
        # answer leaves before the connection closes), and alpha stops cleanly
        got = {}

        def ask():
            try:
                got["r"] = s.get(f"{url['alpha']}/message/{mid}/evidence", timeout=60)
            except requests.exceptions.ConnectionError as e:
                got["r"] = e
        t = threading.Thread(target=ask)
        n = len(a.loggrep(f"console: ana asked for the evidence of {mid}"))
        t.start()
        wait_for(lambda: len(a.loggrep(f"console: ana asked for the evidence of {mid}")) > n,
                 20, "the request at alpha")
        a.stop()                # asserts that it exits 0
        t.join(60)
        r = got["r"]
        assert isinstance(r, requests.exceptions.ConnectionError) or \
            (r.status_code == 503 and "parleyd is stopping" in r.text), r
        assert not a.loggrep(f"console: ana downloaded the evidence of {mid}")[1:]
    finally:
        os.kill(b.proc.pid, signal.SIGCONT)
