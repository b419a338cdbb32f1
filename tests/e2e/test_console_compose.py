"""The duty console's compose page (issue 15): an officer chooses a peer,
link, template and priority among what the agreement in force allows,
fills in a form made from the template (its rules checked, field by
field, before anything is signed), labels it with a TLP label up to the
link's ceiling, and sends it as herself; a reply answers a received item
as `parley reply` does.  The agreement is the one `pin` makes: the urgent
link lists every template (TLP:AMBER at most), the cert link none."""
import html
import re

from parley_e2e import wait_for
from test_console import browser, consoles, csrf_of, sign_in   # noqa: F401 (fixture)
from test_desk import INCIDENT, item, send_form

COMBO = "peer=bravo&link=urgent&template=incident-notification&priority=flash"


def fields(form):
    """The incident form as the page posts it: each field f_NAME, a list
    one item per line (the browser's CR LF)."""
    out = {}
    for k, v in form.items():
        out["f_" + k] = "\r\n".join(v) if isinstance(v, list) else v
    return out


def control(page, fid):
    """The opening tag of the control whose id is fid."""
    m = re.search(r'<(?:input|textarea|select)[^>]* id="%s"[^>]*>' % re.escape(fid), page)
    assert m, f"no control {fid} in:\n{page}"
    return m.group(0)


def desk_count(node):
    return len(node.json("desk"))


def test_compose_an_incident_notification(consoles, top):
    a, b, url = consoles
    s, _ = sign_in(url["alpha"], "ana")
    # the first step offers only what the agreement allows: the urgent
    # link lists the templates; the cert link lists none
    first = s.get(url["alpha"] + "/compose", timeout=30)
    assert first.status_code == 200
    page = first.text
    assert '<select id="peer" name="peer" required>' in page
    assert '<option value="bravo">bravo</option>' in page
    assert '<option value="urgent">urgent</option>' in page
    assert 'value="cert"' not in page
    assert '<option value="incident-notification">Incident notification</option>' in page
    assert '<option value="reply"' not in page          # a reply answers an item
    assert '<option value="flash">flash</option>' in page
    assert "<td>TLP:AMBER</td>" in page
    assert 'aria-current="page">New message</a>' in page

    # the second step: the template's form, the TLP label up to the ceiling
    form = s.get(url["alpha"] + "/compose?" + COMBO, timeout=30)
    assert form.status_code == 200, form.text
    page = form.text
    tag = control(page, "f_observed")
    assert tag.startswith("<textarea") and " required" in tag
    assert 'aria-describedby="h_observed"' in tag
    assert '<label for="f_observed">What was observed <strong class="req">(required)</strong>' \
        in page
    assert 'id="h_observed">Text of 1 to 4000 bytes' in page
    assert " required" not in control(page, "f_indicators")     # optional
    assert control(page, "f_severity").startswith("<select")
    assert '<option value="critical">critical</option>' in page
    assert "YYYY-MM-DDTHH:MM:SSZ" in control(page, "f_observed_at")
    tlp = page[page.index('<select id="tlp"'):]
    tlp = tlp[:tlp.index("</select>")]
    assert re.findall(r'<option value="([^"]+)"', tlp) == \
        ["TLP:CLEAR", "TLP:GREEN", "TLP:AMBER"]
    assert '<option value="TLP:AMBER" selected>' in tlp
    for name, value in (("peer", "bravo"), ("link", "urgent"), ("priority", "flash"),
                        ("template", "incident-notification")):
        assert f'<input type="hidden" name="{name}" value="{value}">' in page
    csrf = csrf_of(page)

    # sent: to the message's page, as ana, TLP:AMBER
    post = dict(fields(INCIDENT), peer="bravo", link="urgent", priority="flash",
                template="incident-notification", tlp="TLP:AMBER", csrf=csrf)
    post["f_observed_at"] = "2026-11-26T08:00"      # UTC, the seconds left out
    r = s.post(url["alpha"] + "/compose", data=post, allow_redirects=False, timeout=30)
    assert r.status_code == 303, r.text
    m = re.fullmatch(r"/message/([0-9a-f-]{36})", r.headers["Location"])
    assert m, r.headers["Location"]
    mid = m.group(1)
    assert a.loggrep(f"console: ana sent {mid} to bravo \\(incident-notification\\)")

    # bob's board shows it; alpha's desk holds it, sent by ana
    bob, _ = sign_in(url["bravo"], "bob")
    wait_for(lambda: f'id="item-{mid}"' in bob.get(url["bravo"] + "/board", timeout=30).text,
             20, "the notification on bob's board")
    it = item(a, mid)
    assert it["direction"] == "sent" and it["template"] == "incident-notification"
    assert it["priority"] == "flash" and it["link"] == "urgent"
    assert it["subject"] == INCIDENT["observed"]
    shown = a.json("show", mid)
    assert shown["tlp"] == "TLP:AMBER" and shown["form"]["officer"] == "ana"
    got = {f["name"]: f["value"] for f in shown["form"]["fields"]}
    assert got["observed_at"] == "2026-11-26T08:00:00Z"
    assert got["indicators"] == INCIDENT["indicators"]
    wait_for(lambda: (item(b, mid) or {}).get("direction") == "received", 20, "bravo's item")


def test_a_form_with_problems_is_shown_again(consoles, top):
    a, b, url = consoles
    s, _ = sign_in(url["alpha"], "ana")
    csrf = csrf_of(s.get(url["alpha"] + "/compose?" + COMBO, timeout=30).text)
    before = desk_count(a)
    base = dict(peer="bravo", link="urgent", priority="flash",
                template="incident-notification", tlp="TLP:AMBER", csrf=csrf)

    # a required field left out, another broken, a value with markup in it
    bad = fields({k: v for k, v in INCIDENT.items() if k != "observed"})
    bad["f_severity"] = "apocalyptic"
    bad["f_systems"] = "<script>alert(1)</script>"
    r = s.post(url["alpha"] + "/compose", data=dict(base, **bad), allow_redirects=False,
               timeout=30)
    assert r.status_code == 400, r.text
    page = r.text
    summary = page[page.index('<div class="summary" role="alert"'):]
    summary = summary[:summary.index("</div>")]
    assert '<a href="#f_observed">What was observed: required, and left empty</a>' in summary
    assert '<a href="#f_severity">Severity: not one of low, medium, high, critical</a>' \
        in summary
    tag = control(page, "f_observed")
    assert 'aria-invalid="true"' in tag and 'aria-describedby="h_observed e_observed"' in tag
    assert 'id="e_observed"' in page
    assert 'aria-invalid="true"' not in control(page, "f_sector")
    # the values are kept, escaped
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert" not in page
    assert INCIDENT["action_requested"] in page
    assert '<option value="energy" selected>' in page
    assert "<title>Error: New message" in page
    assert desk_count(a) == before

    # a TLP label above the link's ceiling: refused, naming the clause
    r = s.post(url["alpha"] + "/compose", data=dict(base, tlp="TLP:RED", **fields(INCIDENT)),
               allow_redirects=False, timeout=30)
    assert r.status_code == 400
    assert "links.urgent.tlp_max is TLP:AMBER; the message is TLP:RED" in r.text
    assert 'aria-invalid="true"' in control(r.text, "tlp")
    r = s.post(url["alpha"] + "/compose", data=dict(base, tlp="TLP:WHITE", **fields(INCIDENT)),
               allow_redirects=False, timeout=30)
    assert r.status_code == 400 and "not a TLP 2.0 label" in r.text

    # a template the link does not list: refused at either step
    other = "peer=bravo&link=cert&template=incident-notification&priority=immediate"
    r = s.get(url["alpha"] + "/compose?" + other, timeout=30)
    assert r.status_code == 400
    said = html.unescape(r.text)
    assert 'links.cert.templates does not include "incident-notification"' in said
    assert '<select id="peer"' in r.text       # the first step again
    r = s.post(url["alpha"] + "/compose", data=dict(base, link="cert", priority="immediate",
                                                    **fields(INCIDENT)),
               allow_redirects=False, timeout=30)
    assert r.status_code == 400
    assert 'links.cert.templates does not include "incident-notification"' in \
        html.unescape(r.text)
    # a link no agreement names, a peer not pinned, a template not known
    r = s.get(url["alpha"] + "/compose?peer=bravo&link=wg&template=inquiry&priority=routine",
              timeout=30)
    assert r.status_code == 400 and "no agreement in force with bravo names link wg" in r.text
    r = s.get(url["alpha"] + "/compose?peer=carol&link=urgent&template=inquiry&priority=flash",
              timeout=30)
    assert r.status_code == 400 and "carol is not a pinned peer" in r.text
    r = s.get(url["alpha"] + "/compose?peer=bravo&link=urgent&template=telegram&priority=flash",
              timeout=30)
    assert r.status_code == 400 and "no template named telegram" in r.text

    # without the CSRF token nothing is sent
    nocsrf = dict(base, **fields(INCIDENT))
    del nocsrf["csrf"]
    r = s.post(url["alpha"] + "/compose", data=nocsrf, allow_redirects=False, timeout=30)
    assert r.status_code == 403
    r = s.post(url["alpha"] + "/compose", data=dict(nocsrf, csrf="x" * 43),
               allow_redirects=False, timeout=30)
    assert r.status_code == 403
    # not signed in: nothing either
    r = browser().post(url["alpha"] + "/compose", data=dict(base, **fields(INCIDENT)),
                       allow_redirects=False, timeout=30)
    assert r.status_code == 401
    assert desk_count(a) == before and a.outbox() == []
    assert not a.loggrep("console: ana sent")


def test_reply_from_the_console(consoles, top):
    a, b, url = consoles
    p = send_form(a, "bravo", top, "incident-notification", INCIDENT, "--as", "ana")
    assert p.returncode == 0, p.stderr
    mid = p.stdout.splitlines()[0]
    wait_for(lambda: item(b, mid), 20, "the notification at bravo")
    s, _ = sign_in(url["bravo"], "bob")

    page = s.get(url["bravo"] + f"/compose?reply={mid}", timeout=30)
    assert page.status_code == 200, page.text
    text = page.text
    assert f'In reply to <a href="/message/{mid}">{INCIDENT["observed"]}</a>' in text
    assert "(from alpha, Incident notification)" in text
    assert f'<input type="hidden" name="reply" value="{mid}">' in text
    assert 'name="peer"' not in text          # the item's own peer, link, priority
    assert " required" in control(text, "f_answer")
    assert "To <strong>alpha</strong> on link <strong>urgent</strong>" in text
    csrf = csrf_of(text)

    # the form's rules first: nothing sent without an answer
    r = s.post(url["bravo"] + "/compose", data={"reply": mid, "csrf": csrf, "f_answer": "  "},
               allow_redirects=False, timeout=30)
    assert r.status_code == 400 and '<a href="#f_answer">Answer: required' in r.text
    assert item(b, mid)["state"] != "answered"

    r = s.post(url["bravo"] + "/compose",
               data={"reply": mid, "csrf": csrf, "tlp": "TLP:GREEN",
                     "f_answer": "A research scanner.\r\nWe asked it to stop.",
                     "f_references": "ticket 42\r\n\r\n  ticket 43  \r\n"},
               allow_redirects=False, timeout=30)
    assert r.status_code == 303, r.text
    rid = r.headers["Location"].rsplit("/", 1)[1]
    assert b.loggrep(f"console: bob sent {rid} to alpha \\(reply\\)")
    # the same signed answer as parley reply: alpha's desk shows it answered
    wait_for(lambda: item(a, mid)["state"] == "answered", 20, "the answer at alpha")
    assert item(a, mid)["answer"] == rid and item(b, mid)["answer"] == rid
    shown = a.json("show", rid)
    assert shown["type"] == "reply" and shown["tlp"] == "TLP:GREEN"
    assert shown["form"]["officer"] == "bob"
    got = {f["name"]: f["value"] for f in shown["form"]["fields"]}
    assert got == {"answer": "A research scanner.\nWe asked it to stop.",
                   "references": ["ticket 42", "ticket 43"]}

    # answered already, unknown, sent by this desk: refused, naming why
    r = s.get(url["bravo"] + f"/compose?reply={mid}", timeout=30)
    assert r.status_code == 409 and "has been answered already" in r.text
    r = s.post(url["bravo"] + "/compose", data={"reply": mid, "csrf": csrf, "f_answer": "again"},
               allow_redirects=False, timeout=30)
    assert r.status_code == 409
    r = s.get(url["bravo"] + "/compose?reply=019a3c2e-7b10-7c4a-9d2e-5f6a7b8c9d0e", timeout=30)
    assert r.status_code == 404 and "nothing to reply to" in r.text
    r = s.get(url["bravo"] + "/compose?reply=../../etc", timeout=30)
    assert r.status_code == 400
    p = send_form(b, "alpha", top, "inquiry", {"activity": "a scan", "questions": ["why?"]},
                  "--as", "bob")
    assert p.returncode == 0, p.stderr
    sent = p.stdout.splitlines()[0]
    r = s.get(url["bravo"] + f"/compose?reply={sent}", timeout=30)
    assert r.status_code == 400 and "was sent by this desk" in r.text


def test_the_form_speaks_the_officers_language(consoles):
    a, b, url = consoles
    a.cli("officer", "lang", "ana", "fr")
    s, _ = sign_in(url["alpha"], "ana")
    page = s.get(url["alpha"] + "/compose?" + COMBO, timeout=30).text
    assert '<html lang="fr">' in page
    assert ('<label for="f_observed">Ce qui a été observé <span lang="en">(What was observed)'
            '</span> <strong class="req">(obligatoire)</strong>') in page
    assert "Texte de 1 à 4000 octets" in page
    r = s.post(url["alpha"] + "/compose",
               data={"csrf": csrf_of(page), "peer": "bravo", "link": "urgent",
                     "priority": "flash", "template": "incident-notification",
                     "f_observed": "x", "f_indicators": "a\r\n" + "b" * 501},
               allow_redirects=False, timeout=30)
    assert r.status_code == 400
    assert "élément 2: plus de 500 octets" in r.text
    assert "obligatoire, et laissé vide" in r.text
