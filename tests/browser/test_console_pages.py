"""Every page of the duty console in a real browser (issue 15): compose and
send from a template (a form error first), the message page and
acknowledging from it, a reply, a check run and charted, the peers page,
the console in French, and the header and a whole message by keyboard
alone.  axe-core audits each page (no serious or critical violation) and
each is photographed (build/artefacts/screenshots, axe's findings in
build/artefacts/axe).

The tests share one pair of nodes (shared_consoles): each sends and
follows its own items, found by id, and asserts nothing about the others'.
ana is alpha's officer (plain HTTP), bob bravo's (HTTPS).  Each officer
has a browser of their own: cookies know no ports, so one browser signed
in at both nodes would hold one session cookie for the two."""
import re

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from browser_util import (audit, button, buttons, choose, chosen, field, focused, labelled,
                          link, nav_link, navigates, on_board, path_of, present, press, redrawn,
                          reload_until, ring_contrast, ring_seen, row, row_buttons, row_text,
                          shot, sign_in, tab_to, text_of, wait)
from parley_e2e import peek, wait_for
from test_advisory import advisory, write
from test_desk import INCIDENT, item, send_form

MESSAGE = re.compile(r"/message/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})")
HEADER = ["Board", "New message", "Checks", "Peers", "Language", "Change language", "Sign out"]


def signed_in(browsers, url, node, officer):
    """A browser of officer's own, signed in at node, on the board."""
    d = browsers()
    sign_in(d, url[node], officer)
    wait(d, lambda x: on_board(x, officer), f"{officer}'s board")
    return d


def flash_to(sender, peer, top, *args):
    """A flash incident notification sent with the CLI (args: more of
    parley send's): its id."""
    p = send_form(sender, peer, top, "incident-notification", INCIDENT, *args)
    assert p.returncode == 0, p.stderr
    return p.stdout.splitlines()[0]


def message_id(driver):
    m = MESSAGE.fullmatch(path_of(driver))
    assert m, f"not a message page: {driver.current_url}"
    return m.group(1)


def h1(driver):
    return driver.find_element(By.TAG_NAME, "h1").text.strip()


def current_nav(driver):
    """The navigation link marked as the page shown."""
    return [a.text for a in driver.find_elements(By.CSS_SELECTOR,
                                                   "header nav a[aria-current=page]")]


def form_row(driver, name):
    """A message page's form row for field name: [label, (peer's label,)
    value], each as shown."""
    return driver.execute_script(
        "var r = document.getElementById(arguments[0]); return r ? Array.prototype.map.call("
        "r.children, function (c) { return c.innerText.trim(); }) : null;", "field-" + name)


def steps(driver):
    return text_of(driver, "ol.steps") or ""


# ---- 1. compose ----

def test_compose_from_a_template_a_missing_field_then_sent(shared_consoles, browsers, axe):
    a, b, url = shared_consoles
    ana = signed_in(browsers, url, "alpha", "ana")

    navigates(ana, nav_link(ana, "New message").click, "the compose page")
    assert path_of(ana) == "/compose" and h1(ana) == "New message"
    assert current_nav(ana) == ["New message"]
    # the lists offer what the agreement allows; the table says so too
    allowed = text_of(ana, "#allowed")
    assert "urgent" in allowed and "Incident notification" in allowed and "TLP:AMBER" in allowed
    choose(ana, "Peer", "bravo")
    choose(ana, "Link", "urgent")
    choose(ana, "Template", "Incident notification")
    choose(ana, "Priority", "flash")
    shot(ana, "compose-step1", full=True)
    audit(ana, "compose-step1")

    navigates(ana, button(ana, "Next").click, "the template's form")
    assert h1(ana) == "New message: Incident notification"
    route = text_of(ana, "p.route")
    assert route.startswith("To bravo on link urgent, at priority flash"), route
    observed = labelled(ana, "What was observed")
    assert "(required)" in ana.find_element(By.CSS_SELECTOR, "label[for=f_observed]").text
    # the browser would not let the form go without it: its required
    # attribute is taken away so that the node's own check is what is seen
    ana.execute_script("arguments[0].removeAttribute('required')", observed)
    labelled(ana, "When it was observed").send_keys("2026-11-26T08:00:00Z")
    Select(labelled(ana, "Sector")).select_by_visible_text("energy")
    labelled(ana, "Systems affected").send_keys(INCIDENT["systems"])
    Select(labelled(ana, "Severity")).select_by_visible_text("high")
    labelled(ana, "Indicators of compromise").send_keys("203.0.113.7\n198.51.100.9")
    labelled(ana, "Action requested").send_keys(INCIDENT["action_requested"])
    assert chosen(labelled(ana, "TLP label")) == "TLP:AMBER"     # the ceiling, chosen
    before = len(a.json("desk"))
    navigates(ana, button(ana, "Send").click, "the form's answer")

    # not sent; the summary says why and leads to the field
    assert ana.title.startswith("Error: New message")
    summary = ana.find_element(By.CSS_SELECTOR, "main [role=alert]")
    assert summary.is_displayed()
    assert "The message was not sent." in summary.text
    assert "What was observed: required, and left empty" in summary.text, summary.text
    observed = labelled(ana, "What was observed")
    assert observed.get_attribute("aria-invalid") == "true"
    said = ana.find_element(By.ID, "e_observed")
    assert said.is_displayed() and "required, and left empty" in said.text
    assert "e_observed" in observed.get_attribute("aria-describedby").split()
    # what was typed is kept
    assert labelled(ana, "Systems affected").get_attribute("value") == INCIDENT["systems"]
    assert chosen(labelled(ana, "Severity")) == "high"
    assert labelled(ana, "Indicators of compromise").get_attribute("value") == \
        "203.0.113.7\n198.51.100.9"
    assert len(a.json("desk")) == before
    shot(ana, "compose-form-error", full=True)
    audit(ana, "compose-form-error")

    # the summary's link takes the focus to the field
    link(summary, "What was observed: required, and left empty").click()
    wait(ana, lambda d: focused(d)["id"] == "f_observed", "the focus on the empty field")
    press(ana, INCIDENT["observed"])
    navigates(ana, button(ana, "Send").click, "the message sent")

    mid = message_id(ana)
    assert h1(ana) == INCIDENT["observed"]
    lead = text_of(ana, "p.lead")
    assert lead == "flash sent to bravo", lead
    assert form_row(ana, "indicators")[-1].split("\n") == ["203.0.113.7", "198.51.100.9"]
    assert "ana" in text_of(ana, "dl.facts")          # written by her
    assert a.loggrep(f"console: ana sent {mid} to bravo \\(incident-notification\\)")
    reload_until(ana, lambda d: "delivered at" in steps(d), "the receipt on the page")
    shot(ana, "compose-sent", full=True)
    audit(ana, "message-sent")

    # bob's board, at bravo, shows it
    bob = signed_in(browsers, url, "bravo", "bob")
    wait(bob, lambda d: row(d, mid), "the message on bob's board")
    text = row_text(bob, mid)
    assert "from alpha" in text and INCIDENT["observed"] in text and "flash" in text, text
    assert "Acknowledge" in row_buttons(bob, mid)


# ---- 2. the message page ----

def test_the_message_page_and_acknowledging_from_it(shared_consoles, browsers, shared_top,
                                                     axe):
    a, b, url = shared_consoles
    mid = flash_to(a, "bravo", shared_top, "--as", "ana")
    ana = signed_in(browsers, url, "alpha", "ana")
    ana.get(f"{url['alpha']}/message/{mid}")
    wait(ana, lambda d: "not acknowledged yet" in steps(d), "ana's page of it, not acknowledged")

    bob = signed_in(browsers, url, "bravo", "bob")
    wait(bob, lambda d: row(d, mid), "the message on bob's board")
    redrawn(bob)
    navigates(bob, lambda: link(row(bob, mid), INCIDENT["observed"]).click(),
              "the message page")
    assert message_id(bob) == mid
    assert h1(bob) == INCIDENT["observed"]
    assert text_of(bob, "p.lead") == "flash from alpha"
    facts = text_of(bob, "dl.facts")
    for said in ("Incident notification", "urgent", "TLP:AMBER", "valid, signed by alpha",
                 "Written by", "ana"):
        assert said in facts, (said, facts)
    # each field: its label (English, bob's and alpha's language) and value
    assert form_row(bob, "observed") == ["What was observed", INCIDENT["observed"]]
    assert form_row(bob, "severity") == ["Severity", "high"]
    assert form_row(bob, "sector") == ["Sector", "energy"]
    at = form_row(bob, "observed_at")[1]
    assert "2026-11-26T08:00:00Z UTC" in at, at
    st = steps(bob)
    assert "received at" in st and "not acknowledged yet; due" in st, st
    assert "no answer yet; due" in st, st
    assert buttons(bob, "Acknowledge") and link(bob, "Reply") and link(bob, "Download the evidence")
    shot(bob, "message-received", full=True)
    audit(bob, "message-received")

    # acknowledged from the page: the board's acknowledgement, and back
    # on the message's page
    navigates(bob, button(bob, "Acknowledge").click, "the answer to the acknowledgement")
    wait(bob, lambda d: d.current_url.endswith(f"/message/{mid}") and
         "acknowledged by bob (duty) at" in steps(d), "the acknowledgement on the page")
    st = steps(bob)
    assert "acknowledged by bob (duty) at" in st, st
    assert not buttons(bob, "Acknowledge")
    assert link(bob, "Reply")                 # the answer is still due
    shot(bob, "message-acknowledged", full=True)
    audit(bob, "message-acknowledged")

    # alpha's page of it says so, without a reload: the page is live
    wait(ana, lambda d: "acknowledged by bob (duty) at" in steps(d),
         "bob's acknowledgement on ana's open page")
    assert "delivered at" in steps(ana)
    assert not buttons(ana, "Acknowledge")   # she sent it


def test_an_advisory_read_and_acknowledged_from_its_page(shared_consoles, browsers,
                                                        shared_top, axe):
    """A CSAF advisory alpha sent is on bob's board; its page shows what a
    duty officer needs (tracking id, TLP, products, the CVE with its CVSS
    score, the remediations by category, no link to follow) instead of the
    raw document, and bob acknowledges it there."""
    a, b, url = shared_consoles
    a.cli("advisory", "import", write(shared_top[0], "adv-console.json",
                                      advisory(tracking="CONSOLE-2026-0001")))
    sent = a.json("advisory", "send", "CONSOLE-2026-0001", "--to", "bravo")
    mid = sent["sent"][0]["msg"]
    bob = signed_in(browsers, url, "bravo", "bob")
    wait(bob, lambda d: row(d, mid), "the advisory on bob's board")
    bob.get(f"{url['bravo']}/message/{mid}")
    wait(bob, lambda d: present(d, By.ID, "advisory"), "the advisory's page")
    main = text_of(bob, "main")
    for said in ("CONSOLE-2026-0001", "WHITE", "Widget 1.0", "CVE-2026-12345", "9.8",
                 "CRITICAL", "vendor_fix", "Update to Widget 1.1.",
                 "Remedies are information only"):
        assert said in main, (said, main)
    assert '"document"' not in main          # not the raw JSON
    # the remediation's URL is shown, never a link
    assert not bob.find_elements(By.CSS_SELECTOR, "main a[href^='https://vendor.example']")
    shot(bob, "advisory-received", full=True)
    audit(bob, "advisory-received")
    navigates(bob, button(bob, "Acknowledge").click, "the answer to the acknowledgement")
    wait(bob, lambda d: "acknowledged by bob (duty) at" in steps(d), "the acknowledgement")
    wait_for(lambda: (a.json("advisory", "timeline", "CONSOLE-2026-0001")["versions"][0]
                      ["partners"][0]["officer"]) == "bob", 30, "alpha's timeline")


# ---- 3. reply ----

def test_reply_from_the_board(shared_consoles, browsers, shared_top, axe):
    a, b, url = shared_consoles
    mid = flash_to(a, "bravo", shared_top, "--as", "ana")
    bob = signed_in(browsers, url, "bravo", "bob")
    wait(bob, lambda d: row(d, mid), "the message on bob's board")
    redrawn(bob)
    navigates(bob, lambda: link(row(bob, mid), "Reply").click(), "the reply form")
    assert path_of(bob) == "/compose"
    assert h1(bob) == "Reply" and bob.title == "Reply - parley"
    answers = text_of(bob, "p.answers")
    assert answers == f"In reply to {INCIDENT['observed']} (from alpha, Incident notification)", \
        answers
    assert text_of(bob, "p.route").startswith("To alpha on link urgent, at priority flash")
    labelled(bob, "Answer").send_keys("The source is a research scanner.\nWe asked it to stop.")
    labelled(bob, "References").send_keys("ticket 42")
    Select(labelled(bob, "TLP label")).select_by_visible_text("TLP:GREEN")
    shot(bob, "reply-form", full=True)
    audit(bob, "reply-form")

    navigates(bob, button(bob, "Send the reply").click, "the reply sent")
    rid = message_id(bob)
    assert rid != mid and text_of(bob, "p.lead") == "flash sent to alpha"
    assert mid in text_of(bob, "dl.facts")          # in reply to
    # the same signed answer as parley reply: alpha's desk has it answered
    wait_for(lambda: item(a, mid)["state"] == "answered", 20, "the answer at alpha")
    assert item(a, mid)["answer"] == rid
    shown = a.json("show", rid)
    assert shown["tlp"] == "TLP:GREEN" and shown["form"]["officer"] == "bob"
    # and bob's board no longer offers to reply
    bob.get(url["bravo"] + "/board")
    wait(bob, lambda d: row(d, mid), "the item on the board")
    assert not row(bob, mid).find_elements(By.XPATH, ".//a[normalize-space()='Reply']")


# ---- 4. checks ----

def check_row(driver, mid):
    return driver.execute_script(
        "var r = document.getElementById(arguments[0]);"
        "return r ? [r.className, r.innerText] : null;", "check-" + mid)


def points(driver, peer):
    """The answered points of the chart of the checks sent to peer."""
    return driver.execute_script(
        "var s = document.querySelector('section.group[data-peer=\"' + arguments[0] + '\"]"
        "[data-direction=sent]'); return s ? s.querySelectorAll('svg circle.point').length : 0;",
        peer)


def test_a_check_run_and_charted(shared_consoles, browsers, axe):
    a, b, url = shared_consoles
    ana = signed_in(browsers, url, "alpha", "ana")
    navigates(ana, nav_link(ana, "Checks").click, "the checks page")
    assert path_of(ana) == "/checks" and current_nav(ana) == ["Checks"]
    choose(ana, "Peer", "bravo")
    ana.find_element(By.XPATH, "//label[starts-with(normalize-space(), 'Machine')]").click()
    assert ana.find_element(By.ID, "kind-machine").is_selected()
    choose(ana, "Path", "Any path (the one in use)")
    navigates(ana, button(ana, "Run check").click, "the check sent")

    said = ana.find_element(By.CSS_SELECTOR, "[role=status]")
    assert said.text.startswith("Check sent:"), said.text
    mid = re.search(r"[0-9a-f-]{36}", said.text).group(0)
    assert check_row(ana, mid), "the check is not listed"
    assert a.loggrep("console: ana ran a machine check of bravo")
    # the history brings itself up to date when the receipt comes
    ana.execute_script("window.__noReload = 1")
    wait(ana, lambda d: (check_row(d, mid) or [""])[0] == "check-answered",
         "the check answered, on the page")
    assert ana.execute_script("return window.__noReload") == 1, "the page was reloaded"
    cls, text = check_row(ana, mid)
    assert re.search(r"\d+(\.\d)? m?s", text), text
    assert points(ana, "bravo") >= 1
    chart = ana.find_element(By.CSS_SELECTOR, "section.group[data-peer=bravo] svg.chart")
    assert chart.get_attribute("role") == "img"
    assert "answered" in chart.get_attribute("aria-label")
    assert chart.size["width"] > 200 and chart.size["height"] > 50
    shot(ana, "checks-charted", full=True)
    audit(ana, "checks")


def test_a_change_before_the_stream_opens_is_not_missed(shared_consoles, browsers):
    """The checks page fetches its history again when its event stream
    opens, and every 5 s while it cannot: a receipt that came after the
    page was made, while the stream was held back (here /events blocked in
    the browser), still shows, with no reload."""
    a, b, url = shared_consoles
    ana = signed_in(browsers, url, "alpha", "ana")
    ana.execute_cdp_cmd("Network.enable", {})
    ana.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*/events"]})
    b.stop()    # the receipt waits until the page is made
    navigates(ana, nav_link(ana, "Checks").click, "the checks page")
    choose(ana, "Peer", "bravo")
    ana.find_element(By.XPATH, "//label[starts-with(normalize-space(), 'Machine')]").click()
    choose(ana, "Path", "Any path (the one in use)")
    navigates(ana, button(ana, "Run check").click, "the check sent")
    said = ana.find_element(By.CSS_SELECTOR, "[role=status]")
    mid = re.search(r"[0-9a-f-]{36}", said.text).group(0)
    assert check_row(ana, mid)[0] == "check-pending"
    b.start()
    wait_for(lambda: peek(a, "SELECT receipt_ms FROM desk_item WHERE msg = '%s'" % mid),
             30, "the check's receipt kept at alpha")
    assert check_row(ana, mid)[0] == "check-pending"   # nothing told the page yet
    ana.execute_script("window.__noReload = 1")
    ana.execute_cdp_cmd("Network.setBlockedURLs", {"urls": []})
    wait(ana, lambda d: (check_row(d, mid) or [""])[0] == "check-answered",
         "the check answered once the stream opens, or by the page's polling")
    assert ana.execute_script("return window.__noReload") == 1, "the page was reloaded"


# ---- 5. peers ----

def test_the_peers_page(shared_consoles, browsers, axe):
    a, b, url = shared_consoles
    ana = signed_in(browsers, url, "alpha", "ana")
    navigates(ana, nav_link(ana, "Peers").click, "the peers page")
    assert path_of(ana) == "/peers" and current_nav(ana) == ["Peers"]
    reload_until(ana, lambda d: d.find_element(By.CSS_SELECTOR, "#peer-bravo [data-reachable]")
                 .get_attribute("data-reachable") == "yes", "bravo reachable")
    sec = text_of(ana, "#peer-bravo")
    assert ana.find_element(By.CSS_SELECTOR, "#peer-bravo h2").text == "bravo"
    assert b.fingerprint()[:11] in sec
    reach = ana.find_element(By.CSS_SELECTOR, "#peer-bravo [data-reachable]")
    assert reach.text == "yes" and reach.is_displayed()
    assert ana.find_elements(By.CSS_SELECTOR, "#peer-bravo tr.path[data-state=up]")
    agreement = ana.find_element(By.CSS_SELECTOR, "#peer-bravo tr.agreement")
    assert "in force" in agreement.text and "cert, urgent" in agreement.text, agreement.text
    shot(ana, "peers", full=True)
    audit(ana, "peers")


# ---- 6. French ----

def test_the_console_in_french(shared_consoles, browsers, shared_top, axe):
    a, b, url = shared_consoles
    mid = flash_to(b, "alpha", shared_top)
    ana = signed_in(browsers, url, "alpha", "ana")
    try:
        wait(ana, lambda d: row(d, mid), "bravo's message on ana's board")
        choose(ana, "Language", "Français")
        navigates(ana, button(ana, "Change language").click, "the board in French")
        assert path_of(ana) == "/board"
        assert ana.find_element(By.TAG_NAME, "html").get_attribute("lang") == "fr"
        wait(ana, lambda d: row(d, mid), "the message on the French board")
        assert "Accuser réception" in row_buttons(ana, mid)
        assert "de bravo" in row_text(ana, mid)
        assert [a.text for a in ana.find_elements(By.CSS_SELECTOR, "header nav a")] == \
            ["Tableau", "Nouveau message", "Vérifications", "Partenaires"]
        assert h1(ana) == "Tableau"
        assert buttons(ana, "Se déconnecter") and buttons(ana, "Changer de langue")
        assert chosen(field(ana, "Langue")) == "Français"
        assert "De permanence" in text_of(ana, "p.duty")
        alarm = text_of(ana, "#alarm") or ""
        assert re.fullmatch(r"\d+ éléments? urgents? sans accusé de réception", alarm.strip()), \
            alarm
        redrawn(ana)
        shot(ana, "board-fr")
        audit(ana, "board-fr")
        # and back to English from the same form
        choose(ana, "Langue", "English")
        navigates(ana, button(ana, "Changer de langue").click, "the board in English")
        assert ana.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
        assert "Acknowledge" in row_buttons(ana, mid)
    finally:
        a.cli("officer", "lang", "ana", "desk")


# ---- 7. keyboard only ----

def named(name):
    return lambda f: f["name"] == name


def ring_ok(f):
    """A focus ring drawn, 3:1 at least against what is behind it."""
    return ring_seen(f) and ring_contrast(f) >= 3


def test_keyboard_only_header_and_a_message(shared_consoles, browsers, shared_top):
    """bob, keys only: Tab walks the header in order, each control with a
    visible focus ring; Enter on New message, the lists chosen with arrow
    keys, Space on Next, the form typed in and sent with Enter."""
    a, b, url = shared_consoles
    flash_to(a, "bravo", shared_top)        # something for the skip link to reach
    bob = signed_in(browsers, url, "bravo", "bob")
    bob.get(url["bravo"] + "/board")
    wait(bob, lambda d: present(d, By.ID, "skip-ack"), "the board with an item to acknowledge")
    assert bob.execute_script("return document.activeElement === document.body")

    walked = tab_to(bob, named("Sign out"), "Sign out")
    names = [f["name"] for f in walked]
    assert names == ["Acknowledge the top item"] + HEADER, names
    assert [f["tag"] for f in walked[1:]] == ["A"] * 4 + ["SELECT", "BUTTON", "BUTTON"]
    unseen = [f for f in walked if not ring_seen(f)]
    assert not unseen, f"no visible focus on {unseen}"
    faint = [(f["name"], f["color"], f["behind"], round(ring_contrast(f), 2)) for f in walked[1:]
             if ring_contrast(f) < 3]
    assert not faint, f"a focus ring under 3:1 against what is behind it: {faint}"
    shot(bob, "keyboard-focus-header")
    # past the header: the board's own controls
    nxt = tab_to(bob, lambda f: True, "the next control")[-1]
    assert bob.execute_script("return !!document.activeElement.closest('#main')"), nxt

    # back up to New message with Shift+Tab, and Enter
    walked = tab_to(bob, named("New message"), "New message, backwards", back=True)
    assert [f["name"] for f in walked] == list(reversed(HEADER[1:])), walked
    navigates(bob, lambda: press(bob, Keys.ENTER), "the compose page, by Enter")
    assert path_of(bob) == "/compose"

    # step 1: peer, link, template (Inquiry: one down), priority (immediate)
    walked = tab_to(bob, named("Peer"), "the Peer list")
    assert [f["name"] for f in walked[:len(HEADER)]] == HEADER
    assert chosen(field(bob, "Peer")) == "alpha"
    tab_to(bob, named("Link"), "the Link list")
    tab_to(bob, named("Template"), "the Template list")
    press(bob, Keys.ARROW_DOWN)
    wait(bob, lambda d: chosen(field(d, "Template")) == "Inquiry", "Inquiry chosen")
    f = tab_to(bob, named("Priority"), "the Priority list")[-1]
    assert ring_ok(f), f
    press(bob, Keys.ARROW_DOWN)
    wait(bob, lambda d: chosen(field(d, "Priority")) == "immediate", "immediate chosen")
    f = tab_to(bob, named("Next"), "Next")[-1]
    assert ring_ok(f), f
    navigates(bob, lambda: press(bob, Keys.SPACE), "the Inquiry form, by Space")
    assert h1(bob) == "New message: Inquiry"

    # the form: typed in field by field, sent with Enter on Send
    f = tab_to(bob, lambda f: f["name"].startswith("Activity in question"), "the first field")[-1]
    assert ring_ok(f), f
    press(bob, "Port scans from 198.51.100.0/24")
    tab_to(bob, lambda f: f["name"].startswith("Questions"), "Questions")
    press(bob, "Is the source known to you?", Keys.ENTER, "Is it still active?")
    f = tab_to(bob, named("Send"), "Send")[-1]
    assert ring_ok(f), f
    navigates(bob, lambda: press(bob, Keys.ENTER), "the message sent, by Enter")
    rid = message_id(bob)
    assert h1(bob) == "Port scans from 198.51.100.0/24"
    assert text_of(bob, "p.lead") == "immediate sent to alpha"
    assert form_row(bob, "questions")[-1].split("\n") == \
        ["Is the source known to you?", "Is it still active?"]
    wait_for(lambda: item(a, rid), 20, "the inquiry at alpha")
    assert item(a, rid)["priority"] == "immediate"
    assert a.json("show", rid)["form"]["officer"] == "bob"
