"""The duty console's checks and peers pages (issue 15): running a
communication check from the console ("Run check"), its figures, chart and
history per peer and path; the peers page with each peer's paths,
reachability, backlog, alarms, agreements in force and contacts.  HTTP as
a browser speaks it (requests, cookies kept); what an officer would see."""
import html
import re

import pytest

from parley_e2e import wait_for
from test_console import browser, csrf_of, make_consoles, sign_in
from test_desk import CONTACTS, short_deadlines, write


@pytest.fixture
def pair_consoles(make_node):
    return make_consoles(make_node)


def get(s, url, path):
    r = s.get(url + path, timeout=30)
    assert r.status_code == 200, (path, r.status_code, r.text[:2000])
    return r.text


def run_check(s, url, peer="bravo", kind="machine", path="any", csrf=None):
    """POST /check as the form does; the response (not followed)."""
    form = {"peer": peer, "kind": kind, "path": path}
    if csrf is not None:
        form["csrf"] = csrf
    return s.post(url + "/check", data=form, allow_redirects=False, timeout=30)


def sent_id(r):
    assert r.status_code == 303, (r.status_code, r.text[:2000])
    m = re.fullmatch(r"/checks\?sent=([0-9a-f-]{36})", r.headers["Location"])
    assert m, r.headers["Location"]
    return m.group(1)


def groups(page):
    """The checks page's groups: (peer, direction, path) -> the section's
    HTML, its figures (data-key -> value or None) and its rows by id."""
    out = {}
    for m in re.finditer(r'<section class="group" aria-labelledby="g\d+" data-peer="([^"]*)"'
                         r' data-direction="(\w+)" data-path="(-?\d+)">(.*?)</section>',
                         page, re.S):
        body = m.group(4)
        figs = {k: (int(v) if v else None)
                for k, v in re.findall(r'data-key="([\w.]+)" data-value="(-?\d*)"', body)}
        rows = dict(re.findall(r'<tr id="check-([0-9a-f-]{36})" (class="[^"]*">.*?)</tr>',
                               body, re.S))
        out[(html.unescape(m.group(1)), m.group(2), int(m.group(3)))] = (body, figs, rows)
    return out


def row_of(page, mid):
    for body, figs, rows in groups(page).values():
        if mid in rows:
            return rows[mid], figs, body
    return None, None, None


def answered(s, url, mid):
    row, _, _ = row_of(get(s, url, "/checks"), mid)
    return row is not None and row.startswith('class="check-answered"')


def same_as_cli(node, page):
    """Every figure on the page is what `parley checks --json` says."""
    cli = {(g["peer"], g["direction"], -1 if g["path"] is None else g["path"]): g
           for g in node.json("checks")}
    got = groups(page)
    assert set(cli) == set(got), (cli, list(got))
    for key, (_, figs, _) in got.items():
        for name, v in figs.items():
            kind, member = name.split(".")
            assert cli[key][kind][member] == v, (key, name, cli[key], figs)


def test_a_machine_check_run_from_the_console_is_charted(pair_consoles):
    a, b, url, _ = pair_consoles
    s, r = sign_in(url["alpha"], "ana")
    assert r.status_code == 303
    page = get(s, url["alpha"], "/checks")
    # the form: every field labelled, the button's accessible name
    assert '<label for="peer">Peer</label>' in page and '<label for="path">Path</label>' in page
    assert '<label for="kind-machine" class="inline">' in page
    assert '<label for="kind-human" class="inline">' in page
    assert '<button type="submit">Run check</button>' in page
    assert '<option value="bravo">bravo</option>' in page
    assert '<a href="/checks" aria-current="page">Checks</a>' in page
    assert "No check in the last 7 days." in page
    assert "style=" not in page and "<script>" not in page

    mid = sent_id(run_check(s, url["alpha"], csrf=csrf_of(page)))
    assert a.loggrep("console: ana ran a machine check of bravo")
    page = get(s, url["alpha"], "/checks?sent=" + mid)
    assert f'<a href="#check-{mid}">{mid}</a>' in page     # said, and listed
    assert row_of(page, mid)[0] is not None
    wait_for(lambda: answered(s, url["alpha"], mid), 20, "the check's receipt")
    page = get(s, url["alpha"], "/checks")
    row, figs, body = row_of(page, mid)
    assert re.search(r'<td class="figure" data-ms="-?\d+">-?\d+(\.\d)? m?s</td>', row), row
    assert figs["machine.sent"] == 1 and figs["machine.answered"] == 1
    assert figs["machine.rtt_ms_p50"] is not None
    # the chart: an image with a label and a title, one point, no style
    svg = re.search(r"<svg (.*?)</svg>", body, re.S).group(0)
    assert 'role="img"' in svg and 'aria-label="Round trip of the machine checks (Sent to bravo,' \
        ' path 0): 1 answered' in svg
    assert "<title>Round trip of the machine checks" in svg
    assert svg.count('<circle class="point"') == 1
    # the table is the accessible form: caption, headers with scope
    assert '<caption>The latest checks (1): Sent to bravo, path 0</caption>' in body
    assert '<th scope="col">Figure</th>' in body
    same_as_cli(a, page)

    # on path 0 by name, and a second point: the chart draws a line
    mid2 = sent_id(run_check(s, url["alpha"], path="0", csrf=csrf_of(page)))
    assert a.loggrep(f"console: ana ran a machine check of bravo \\(path 0, message {mid2}\\)")
    wait_for(lambda: answered(s, url["alpha"], mid2), 20, "the second receipt")
    page = get(s, url["alpha"], "/checks")
    body = groups(page)[("bravo", "sent", 0)][0]
    assert body.count('<circle class="point"') == 2 and "<polyline" in body
    same_as_cli(a, page)
    # bravo's page shows the checks it answered, with the same figures
    sb, _ = sign_in(url["bravo"], "bob")
    pb = get(sb, url["bravo"], "/checks")
    assert ("alpha", "received", -1) in groups(pb)
    assert groups(pb)[("alpha", "received", -1)][1]["machine.rtt_ms_p50"] == \
        groups(page)[("bravo", "sent", 0)][1]["machine.rtt_ms_p50"]
    same_as_cli(b, pb)
    # and in French, for an officer who reads it
    r = sb.post(url["bravo"] + "/lang", data={"lang": "fr", "csrf": csrf_of(pb)},
                allow_redirects=False, timeout=30)
    assert r.status_code == 303
    pb = get(sb, url["bravo"], "/checks")
    assert '<html lang="fr">' in pb and ">Lancer la vérification</button>" in pb
    assert "Aller-retour des vérifications machine" in pb


def test_a_human_check_is_pending_until_an_officer_acknowledges_it(pair_consoles):
    a, b, url, _ = pair_consoles
    s, _ = sign_in(url["alpha"], "ana")
    page = get(s, url["alpha"], "/checks")
    mid = sent_id(run_check(s, url["alpha"], kind="human", csrf=csrf_of(page)))
    assert a.loggrep("console: ana ran a human check of bravo")
    # delivered, not acknowledged: pending
    wait_for(lambda: "pending: not acknowledged yet" in (row_of(get(s, url["alpha"], "/checks"),
             mid)[0] or ""), 20, "the human check delivered")
    row, figs, _ = row_of(get(s, url["alpha"], "/checks"), mid)
    assert row.startswith('class="check-pending"') and '<td class="figure">&ndash;</td>' in row
    assert figs["human.sent"] == 1 and figs["human.answered"] == 0
    assert figs["human.response_s_p50"] is None

    # bob acknowledges it on bravo's board
    sb, _ = sign_in(url["bravo"], "bob")
    board = get(sb, url["bravo"], "/board")
    assert f'id="ack-{mid}"' in board
    r = sb.post(url["bravo"] + "/ack", data={"id": mid, "csrf": csrf_of(board)},
                allow_redirects=False, timeout=30)
    assert r.status_code == 303
    wait_for(lambda: answered(s, url["alpha"], mid), 20, "the acknowledgement at alpha")
    page = get(s, url["alpha"], "/checks")
    row, figs, body = row_of(page, mid)
    assert "acknowledged" in row and " by bob</td>" in row
    assert re.search(r'data-ms="\d+"', row)
    assert figs["human.answered"] == 1 and figs["human.missed"] == 0
    assert figs["human.response_s_p50"] is not None
    assert 'aria-label="Time to acknowledge the human checks (Sent to bravo, path 0):' \
        ' 1 answered, 0 missed, 0 pending' in body
    same_as_cli(a, page)


def test_a_human_check_not_acknowledged_in_time_is_missed_and_overdue(make_node):
    a, b, url, _ = make_consoles(make_node, edit=short_deadlines("PT2S", "PT4S"))
    s, _ = sign_in(url["alpha"], "ana")
    mid = sent_id(run_check(s, url["alpha"], kind="human",
                            csrf=csrf_of(get(s, url["alpha"], "/checks"))))
    wait_for(lambda: (row_of(get(s, url["alpha"], "/checks"), mid)[0] or "")
             .startswith('class="check-missed"'), 20, "the check missed")
    page = get(s, url["alpha"], "/checks")
    row, figs, body = row_of(page, mid)
    assert "<td>missed</td>" in row and figs["human.missed"] == 1
    assert '<path class="missed"' in body          # a cross, not a colour alone
    same_as_cli(a, page)
    # an overdue item is an alarm of the peer
    peers = get(s, url["alpha"], "/peers")
    assert '<span data-alarm="overdue">1</span>' in peers
    assert f'<a href="/message/{mid}">' in peers and "(sent, overdue-ack)" in peers


def test_refusals_send_nothing(pair_consoles):
    a, b, url, _ = pair_consoles
    # not signed in
    anon = browser(url["alpha"])
    r = anon.get(url["alpha"] + "/checks", allow_redirects=False, timeout=30)
    assert r.status_code == 303 and r.headers["Location"] == "/signin"
    r = anon.get(url["alpha"] + "/peers", allow_redirects=False, timeout=30)
    assert r.status_code == 303 and r.headers["Location"] == "/signin"
    assert run_check(anon, url["alpha"], csrf="x" * 43).status_code == 401

    s, _ = sign_in(url["alpha"], "ana")
    csrf = csrf_of(get(s, url["alpha"], "/checks"))
    # no CSRF token, or another one: 403
    assert run_check(s, url["alpha"]).status_code == 403
    assert run_check(s, url["alpha"], csrf="x" * 43).status_code == 403

    def refused(field, text, **form):
        r = run_check(s, url["alpha"], csrf=csrf, **form)
        assert r.status_code == 400, (form, r.status_code, r.text[:2000])
        assert text in r.text, r.text
        # the error is tied to its field, and the form keeps what was asked
        assert f'aria-invalid="true" aria-describedby="{field}-error' in r.text
        assert f'<p class="error" role="alert" id="{field}-error">' in r.text
        return r.text

    refused("peer", "No pinned peer has this name: charlie", peer="charlie")
    page = refused("peer", "No pinned peer has this name: &lt;script&gt;alert(1)&lt;/script&gt;",
                   peer="<script>alert(1)</script>")
    assert "<script>alert" not in page
    refused("peer", "Choose a peer to check.", peer="")
    refused("kind", "Choose machine or human.", kind="robot")
    page = refused("path", "bravo has no such path; the paths of its card are 0 to 0.", path="3")
    assert '<option value="bravo" selected>' in page
    refused("path", "The path is not a number from 0 to 3.", path="x")
    refused("path", "The path is not a number from 0 to 3.", path="-1")
    # nothing was sent
    assert a.json("checks") == []
    assert not a.loggrep("ran a machine check")
    assert "No check in the last 7 days." in get(s, url["alpha"], "/checks")


def test_peers_page(pair_consoles, top):
    a, b, url, agreement = pair_consoles
    # bravo's contacts, one with a name that is markup
    contacts = {"contacts": [dict(CONTACTS["contacts"][0], name="Bravo <script>x</script> desk",
                                  tz="Asia/Tokyo")]}
    b.cli("contacts", "set", write(top, "cb.json", contacts))
    wait_for(lambda: a.json("directory"), 20, "bravo's contacts at alpha")
    s, _ = sign_in(url["alpha"], "ana")

    def bravo():
        page = get(s, url["alpha"], "/peers")
        m = re.search(r'<section class="peer" id="peer-bravo".*?</section>', page, re.S)
        assert m, page
        return m.group(0)
    wait_for(lambda: 'data-reachable="yes"' in bravo(), 20, "bravo reachable")
    sec = bravo()
    assert '<h2 id="h-bravo">bravo</h2>' in sec
    assert b.fingerprint()[:11] in sec
    assert re.search(r'<tr class="path" data-path="0" data-state="up">', sec), sec
    assert f"127.0.0.1:{b.port}" in sec and "in use" in sec
    assert 'data-backlog="0"' in sec
    assert '<span data-alarm="forks">0</span>' in sec
    assert '<span data-alarm="breaches">0</span>' in sec
    assert '<span data-alarm="overdue">0</span>' in sec
    # the agreement in force: id, version, links, valid until
    row = re.search(rf'<tr class="agreement" data-id="{agreement}">.*?</tr>', sec, re.S)
    assert row, sec
    assert "<td>2</td>" in row.group(0) and "cert, urgent" in row.group(0)
    assert "no expiry" in row.group(0) and "in force" in row.group(0)
    # the contacts, escaped
    assert "Bravo &lt;script&gt;x&lt;/script&gt; desk" in sec and "<script>x" not in sec
    assert "Asia/Tokyo" in sec and "+43 1 531 15 0" in sec and "version 1" in sec
    assert "STALE" not in sec
    assert '<caption>Contacts: bravo</caption>' in sec and '<th scope="col">Role</th>' in sec
    assert "style=" not in sec

    # bravo goes away; a check from the console waits in the backlog, and
    # the path is seen down
    b.kill9()
    csrf = csrf_of(get(s, url["alpha"], "/checks"))
    sent_id(run_check(s, url["alpha"], csrf=csrf))
    wait_for(lambda: re.search(r'data-backlog="[1-9]', bravo()) and
             'data-reachable="no"' in bravo() and 'data-state="down"' in bravo(), 30,
             "bravo unreachable with a backlog")
    sec = bravo()
    assert "down: it does not answer" in sec and 'class="reach reach-no"' in sec
    # bravo back: the backlog drains
    b.start()
    wait_for(lambda: 'data-backlog="0"' in bravo() and 'data-reachable="yes"' in bravo(), 30,
             "the backlog delivered")


def test_a_check_the_agreement_does_not_allow_is_refused_naming_why(make_node):
    def no_urgent(payload):
        del payload["links"]["urgent"]
    a, b, url, _ = make_consoles(make_node, edit=no_urgent)
    s, _ = sign_in(url["alpha"], "ana")
    r = run_check(s, url["alpha"], csrf=csrf_of(get(s, url["alpha"], "/checks")))
    assert r.status_code == 409, (r.status_code, r.text[:2000])
    assert '<p class="error" role="alert" id="form-error">The check was not sent: ' in r.text
    assert "urgent" in r.text.split('id="form-error">')[1].split("</p>")[0]
    assert a.json("checks") == [] and not a.loggrep("ran a machine check")
