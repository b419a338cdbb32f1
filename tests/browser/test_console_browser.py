"""The duty console in a real browser (issue 15): headless Chromium signs
in, watches the board update itself, acknowledges with the mouse and with
the keyboard, signs out; the session's protections hold in the browser
(CSRF, a cookie from another node); axe-core finds nothing serious on the
pages.  Each test asserts what an officer would notice on the page.

Screenshots land in $PARLEY_ARTEFACTS/screenshots (default
build/artefacts/screenshots), axe's findings in .../axe."""
import re

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from browser_util import (alarms, audit, button, buttons, click, field, navigates, on_board,
                          path_of, present, redrawn, row, row_buttons, row_text, shot, sign_in,
                          wait, xq)
from parley_e2e import wait_for
from test_desk import INCIDENT, item, send_form

WRONG = "Wrong officer name, password or code."
COUNTDOWN = re.compile(r"^\d+[smh] (left|OVER)$")


def on_signin_page(driver):
    return (path_of(driver) == "/signin" and buttons(driver, "Sign in")
            and field(driver, "Officer").is_displayed()
            and field(driver, "Password").is_displayed())


def countdown(driver, mid):
    return driver.execute_script(
        "var e = document.querySelector('#' + CSS.escape(arguments[0]) + ' [data-due]');"
        "return e ? e.textContent : null;", f"item-{mid}")


def send_flash(a, top):
    p = send_form(a, "bravo", top, "incident-notification", INCIDENT)
    assert p.returncode == 0, p.stderr
    return p.stdout.splitlines()[0]


def test_sign_in_wrong_password_then_right(shared_consoles, driver):
    a, b, url = shared_consoles
    driver.get(url["bravo"] + "/board")
    wait(driver, on_signin_page, "the board to send to the sign-in page")

    sign_in(driver, url["bravo"], "bob", "not the password at all", go=False)
    err = driver.find_element(By.XPATH, f"//*[normalize-space()={xq(WRONG)}]")
    assert err.is_displayed()
    shot(driver, "signin-wrong-password")
    assert on_signin_page(driver) and present(driver, By.ID, "board") is None
    assert "Signed in as" not in driver.find_element(By.TAG_NAME, "body").text

    sign_in(driver, url["bravo"], "bob", go=False)
    wait(driver, lambda d: on_board(d, "bob"), "bob's board")
    assert WRONG not in driver.find_element(By.TAG_NAME, "body").text
    assert buttons(driver, "Sign out")


def test_the_board_shows_a_flash_item_live_with_its_alarm(consoles, driver, top):
    a, b, url = consoles
    sign_in(driver, url["bravo"], "bob")
    wait(driver, lambda d: on_board(d, "bob"), "bob's board")
    assert not alarms(driver)
    driver.execute_script("window.__noReload = 1")

    mid = send_flash(a, top)
    wait(driver, lambda d: row(d, mid), "the new item's row, without a reload")
    assert driver.execute_script("return window.__noReload") == 1, "the page was reloaded"
    text = row_text(driver, mid)
    assert "flash" in text and INCIDENT["observed"][:40] in text, text
    assert wait(driver, alarms, "the alarm banner") == ["1 urgent item not acknowledged"]
    assert "Acknowledge" in row_buttons(driver, mid)

    # the acknowledgement's deadline counts down, second by second
    first = wait(driver, lambda d: countdown(d, mid), "the countdown's first reading")
    assert COUNTDOWN.match(first), first
    later = wait(driver, lambda d: (countdown(d, mid) or first) != first and countdown(d, mid),
                 "the countdown to move", timeout=10)
    assert COUNTDOWN.match(later), later
    assert driver.execute_script("return window.__noReload") == 1
    shot(driver, "board-live-alarm")


def test_acknowledge_with_the_mouse(consoles, browsers, top):
    a, b, url = consoles
    mid = send_flash(a, top)
    bob = browsers()
    sign_in(bob, url["bravo"], "bob")
    wait(bob, lambda d: on_board(d, "bob") and row(d, mid), "bob's board with the item")
    assert alarms(bob)

    redrawn(bob)
    click(bob, lambda d: button(row(d, mid), "Acknowledge"), "the item's Acknowledge")
    wait(bob, lambda d: "acknowledged by bob" in (row_text(d, mid) or ""),
         "the row to show the acknowledgement")
    wait(bob, lambda d: not alarms(d), "the alarm to end")
    assert "Acknowledge" not in row_buttons(bob, mid)
    shot(bob, "ack-mouse-bravo")

    # the same signed statement as parley ack: alpha's desk has it ...
    wait_for(lambda: item(a, mid)["acknowledged_by"] == "bob", 20, "the ack at alpha")
    # ... and so has alpha's console, where ana signs in (her own browser:
    # cookies know no ports, and bob's is Secure)
    ana = browsers()
    sign_in(ana, url["alpha"], "ana")
    wait(ana, lambda d: on_board(d, "ana") and row(d, mid), "ana's board with the item")
    assert "acknowledged by bob" in row_text(ana, mid)
    assert "Acknowledge" not in row_buttons(ana, mid)     # she sent it
    shot(ana, "ack-mouse-alpha")


def test_acknowledge_with_three_keystrokes(consoles, driver, top):
    """From the board just loaded, Tab reaches "Acknowledge the top item"
    (the page's first focusable element), Enter takes the focus to the top
    item's Acknowledge button, Enter acknowledges."""
    a, b, url = consoles
    mid = send_flash(a, top)
    sign_in(driver, url["bravo"], "bob")
    driver.get(url["bravo"] + "/board")
    wait(driver, lambda d: row(d, mid), "the item on the board")
    # no wait for the page's own refresh (it fetches the board again when
    # its event stream opens): an officer does not wait for it either, so
    # the page must keep the focus where it was across a refresh
    assert driver.execute_script("return document.activeElement === document.body")
    keys = ActionChains(driver)

    keys.send_keys(Keys.TAB).perform()
    tag, text = driver.execute_script(
        "var e = document.activeElement; return [e.tagName, e.textContent.trim()];")
    assert tag == "A" and text == "Acknowledge the top item", f"Tab reached <{tag}> {text!r}"

    keys = ActionChains(driver)
    keys.send_keys(Keys.ENTER).perform()
    wait(driver, lambda d: d.execute_script(
        "var e = document.activeElement, r = e && e.closest('tr');"
        "return e.tagName === 'BUTTON' && e.textContent.trim() === 'Acknowledge'"
        " && r !== null && r.id === arguments[0];", f"item-{mid}"),
        "the focus on the top item's Acknowledge button", timeout=5)

    keys = ActionChains(driver)
    keys.send_keys(Keys.ENTER).perform()
    wait(driver, lambda d: "acknowledged by bob" in (row_text(d, mid) or ""),
         "the row to show the acknowledgement")
    assert not alarms(driver)
    assert item(b, mid)["acknowledged_by"] == "bob"


def test_each_row_names_its_peer(shared_consoles, driver, shared_top):
    a, b, url = shared_consoles
    mid = send_flash(a, shared_top)
    sign_in(driver, url["bravo"], "bob")
    wait(driver, lambda d: on_board(d, "bob") and row(d, mid), "bob's board with the item")
    peer = driver.execute_script(
        "return document.querySelector('#' + CSS.escape(arguments[0]) + ' > td:nth-child(2)')"
        ".textContent.trim();", f"item-{mid}")
    assert peer == "from alpha", f"the Peer column reads {peer!r}"
    # and nothing of the board's lies outside it
    between = driver.execute_script(
        "var r = document.createRange(); r.setStartAfter(document.querySelector('h1'));"
        "r.setEndBefore(document.getElementById('board')); return r.toString().trim();")
    assert "alpha" not in between, f"text between the heading and the table: {between!r}"


def test_a_click_is_not_lost_when_the_board_redraws_under_it(consoles, driver, top):
    """The officer presses Acknowledge just as the board redraws itself
    (another item came in) and releases: the item is acknowledged."""
    a, b, url = consoles
    mid = send_flash(a, top)
    sign_in(driver, url["bravo"], "bob")
    wait(driver, lambda d: on_board(d, "bob") and row(d, mid), "bob's board with the item")
    redrawn(driver)
    pressed = button(row(driver, mid), "Acknowledge")
    ActionChains(driver).click_and_hold(pressed).perform()
    send_flash(a, top)
    wait(driver, lambda d: d.execute_script("return window.__redraws") >= 2,
         "the board to redraw under the pointer")
    ActionChains(driver).release().perform()
    wait(driver, lambda d: "acknowledged by bob" in (row_text(d, mid) or ""),
         "the click to acknowledge the item", timeout=5)


def test_sign_out(shared_consoles, driver):
    a, b, url = shared_consoles
    sign_in(driver, url["bravo"], "bob")
    wait(driver, lambda d: on_board(d, "bob"), "bob's board")
    navigates(driver, button(driver, "Sign out").click, "the answer to signing out")
    wait(driver, on_signin_page, "the sign-in page")
    assert "Signed in as" not in driver.find_element(By.TAG_NAME, "body").text
    driver.get(url["bravo"] + "/board")
    wait(driver, on_signin_page, "the board to send to the sign-in page")
    assert present(driver, By.ID, "board") is None


POST_ACK = """
var done = arguments[arguments.length - 1], form = {id: arguments[0]};
if (arguments[1]) form.csrf = arguments[1];
fetch('/ack', {method: 'POST', body: new URLSearchParams(form),
               credentials: 'same-origin', redirect: 'manual'})
  .then(function (r) { done(r.type === 'opaqueredirect' ? 'redirect' : r.status); },
        function (e) { done('error: ' + e); });
"""


def test_an_acknowledgement_without_the_csrf_token_is_refused(shared_consoles, driver,
                                                              shared_top):
    a, b, url = shared_consoles
    mid = send_flash(a, shared_top)
    sign_in(driver, url["bravo"], "bob")
    wait(driver, lambda d: on_board(d, "bob") and row(d, mid), "bob's board with the item")

    assert driver.execute_async_script(POST_ACK, mid, None) == 403
    assert item(b, mid)["acknowledged_by"] is None
    driver.refresh()
    wait(driver, lambda d: row(d, mid), "the item after a reload")
    assert "acknowledged" not in row_text(driver, mid)
    assert "Acknowledge" in row_buttons(driver, mid) and alarms(driver)

    # the same request with the form's token: accepted (the see-other)
    token = driver.execute_script(
        "return document.getElementById(arguments[0]).querySelector('button').form"
        ".elements.csrf.value;", f"item-{mid}")
    assert driver.execute_async_script(POST_ACK, mid, token) == "redirect"
    wait_for(lambda: item(b, mid)["acknowledged_by"] == "bob", 20, "the acknowledgement")


def test_a_session_cookie_from_another_node_is_refused(shared_consoles, driver):
    a, b, url = shared_consoles
    sign_in(driver, url["alpha"], "ana")
    wait(driver, lambda d: on_board(d, "ana"), "ana's board at alpha")
    token = driver.get_cookie("parley_session")["value"]

    driver.get(url["bravo"] + "/signin")
    driver.delete_cookie("parley_session")
    driver.add_cookie({"name": "parley_session", "value": token, "path": "/",
                       "secure": True, "httpOnly": True, "sameSite": "Strict"})
    assert driver.get_cookie("parley_session")["value"] == token
    driver.get(url["bravo"] + "/board")
    wait(driver, on_signin_page, "bravo to send to its sign-in page")
    assert present(driver, By.ID, "board") is None
    assert "Signed in as" not in driver.find_element(By.TAG_NAME, "body").text


def test_accessibility_of_sign_in_and_board(consoles, driver, top, axe):
    """axe-core (WCAG 2.0-2.2 A and AA, best practices) on the sign-in
    page, the board with an alarm, the board after the acknowledgement:
    no serious or critical violation.  Each page's findings, all impacts,
    are printed and kept in the artefacts' axe/.  A board of its own, so
    that the screenshots show just these steps."""
    a, b, url = consoles
    driver.get(url["bravo"] + "/signin")
    wait(driver, on_signin_page, "the sign-in page")
    shot(driver, "signin")
    audit(driver, "signin")

    mid = send_flash(a, top)
    sign_in(driver, url["bravo"], "bob", go=False)
    wait(driver, lambda d: on_board(d, "bob") and row(d, mid) and alarms(d),
         "the board with its alarm")
    wait(driver, lambda d: COUNTDOWN.match(countdown(d, mid) or ""), "the countdown")
    redrawn(driver)         # not audited while it is replaced
    shot(driver, "board-with-alarm")
    audit(driver, "board-with-alarm")

    click(driver, lambda d: button(row(d, mid), "Acknowledge"), "the item's Acknowledge")
    wait(driver, lambda d: "acknowledged by bob" in (row_text(d, mid) or ""),
         "the acknowledgement")
    redrawn(driver)
    shot(driver, "board-acknowledged")
    audit(driver, "board-acknowledged")
