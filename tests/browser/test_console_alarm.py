"""The alarm's sound (issue 15): an unacknowledged flash item sounds a tone
every 2 s that nothing on the page turns off, and it stops with the
acknowledgement; a browser that holds sound back until the page is
touched tells the officer so, and the first key lets the tone sound.

The page makes its tone with Web Audio; a script run before the page's
own (through the debugger) counts the tones it starts in window.__tones.
"""
import requests
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By

from browser_util import PASSWORD, alarms, button, click, shot, wait
from test_console_browser import on_board, row, row_text, send_flash, sign_in
from test_desk import INCIDENT, send_form

COUNT_TONES = """
window.__tones = 0;
(function () {
  var C = window.AudioContext || window.webkitAudioContext;
  if (!C) return;
  var make = C.prototype.createOscillator;
  C.prototype.createOscillator = function () {
    var o = make.call(this), start = o.start;
    o.start = function () { window.__tones++; return start.apply(o, arguments); };
    return o;
  };
})();
"""
MUTE = ("mute", "silence", "sound off", "turn off", "couper", "silencieux")


def counting(driver):
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": COUNT_TONES})
    return driver


def tones(driver):
    return driver.execute_script("return window.__tones")


def test_the_alarm_sounds_until_acknowledged_and_cannot_be_muted(consoles, browsers, top):
    a, b, url = consoles
    # a browser that lets pages sound at once, as a desk's kiosk is set up
    driver = counting(browsers(["--autoplay-policy=no-user-gesture-required"]))
    mid = send_flash(a, top)
    sign_in(driver, url["bravo"], "bob")
    wait(driver, lambda d: on_board(d, "bob") and row(d, mid) and alarms(d),
         "the board with its alarm")
    wait(driver, lambda d: tones(d) >= 2, "two tones of the alarm", timeout=15)
    # nothing on the page offers to silence it
    controls = driver.find_elements(By.CSS_SELECTOR, "button, input, select, a")
    names = " ".join((c.text or c.get_attribute("value") or "").lower() for c in controls)
    assert not any(m in names for m in MUTE), names
    shot(driver, "board-alarm-sounding")

    click(driver, lambda d: button(row(d, mid), "Acknowledge"), "the item's Acknowledge")
    wait(driver, lambda d: "acknowledged by bob" in (row_text(d, mid) or "") and not alarms(d),
         "the acknowledgement, the alarm gone")
    heard = tones(driver)
    # not a wait for something to happen but a window to watch: two and a
    # half of the tone's periods by the page's own clock, and no tone in it
    t0 = driver.execute_script("return performance.now()")
    wait(driver, lambda d: d.execute_script("return performance.now()") - t0 > 5000,
         "five seconds of the page's clock")
    assert tones(driver) == heard, "the alarm sounded on after the acknowledgement"


def test_sound_held_back_is_said_and_the_first_key_lets_it_sound(consoles, browsers, top):
    """A page the officer has not touched: the session is made outside the
    browser (as a bookmark opened on a desk's screen after a restart), so
    the browser's rule holds the sound back."""
    a, b, url = consoles
    driver = counting(browsers(["--autoplay-policy=document-user-activation-required"]))
    p = send_form(b, "alpha", top, "incident-notification", INCIDENT)
    assert p.returncode == 0, p.stderr
    mid = p.stdout.splitlines()[0]
    s = requests.Session()
    s.trust_env = False
    r = s.post(url["alpha"] + "/signin", data={"officer": "ana", "password": PASSWORD},
               allow_redirects=False, timeout=30)
    assert r.status_code == 303, r.text
    driver.get(url["alpha"] + "/static/console.css")      # the cookie's origin, no page
    driver.add_cookie({"name": "parley_session", "value": s.cookies["parley_session"],
                       "path": "/"})
    driver.get(url["alpha"] + "/board")
    wait(driver, lambda d: on_board(d, "ana") and row(d, mid) and alarms(d),
         "the board with its alarm")
    notice = wait(driver, lambda d: d.find_elements(By.ID, "sound"),
                  "the notice that the browser holds the sound back")[0]
    assert "press any key or click" in notice.text
    assert tones(driver) == 0
    shot(driver, "board-sound-held-back")
    ActionChains(driver).send_keys("x").perform()      # a key that does nothing else
    wait(driver, lambda d: tones(d) > 0, "the tone after a key", timeout=15)
    wait(driver, lambda d: not d.find_elements(By.ID, "sound"), "the notice to go")
