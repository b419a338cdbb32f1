"""browser_util - helpers for the duty console's browser tests: headless
Chromium through Selenium, screenshots, and the axe-core audit.

Controls are found by what an officer reads (a button's text, a field's
label): those names are the console's contract.  Every wait is a
WebDriverWait on a condition with a deadline; nothing sleeps to
synchronise.
"""
import base64
import json
import os
import re
import shutil
import subprocess
import sys

from selenium import webdriver
from selenium.common.exceptions import (NoSuchElementException, StaleElementReferenceException,
                                        WebDriverException)
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))

from parley_e2e import deadline  # noqa: E402  (tests/e2e on the path first)

CHROMIUM = os.environ.get("PARLEY_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("PARLEY_CHROMEDRIVER", "/usr/bin/chromedriver")
PASSWORD = "correct horse battery staple"     # every officer's, in these tests
AXE = os.path.join(HERE, "node_modules", "axe-core", "axe.min.js")
# axe's rule sets the console is held to: WCAG 2.0, 2.1 and 2.2 at A and
# AA, and axe's best practices.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def artefacts(*sub):
    """$PARLEY_ARTEFACTS/sub... (default build/artefacts), created."""
    d = os.path.join(os.environ.get("PARLEY_ARTEFACTS") or os.path.join(ROOT, "build", "artefacts"),
                     *sub)
    os.makedirs(d, exist_ok=True)
    return d


# Run in every page before its own scripts (through the debugger, which
# the page's Content-Security-Policy does not bind): window.__redraws is
# the number of times the page's script brought the board up to date
# since it loaded (it counts them in <html data-redraws>).
WATCH_REDRAWS = """
Object.defineProperty(window, '__redraws', {get: function () {
  return +(document.documentElement.dataset.redraws || 0);
}});
"""


def new_driver(extra_args=()):
    """Headless Chromium, 1280x1000.  The self-signed certificate of a
    node's HTTPS console is accepted (acceptInsecureCerts): the tests are
    about the pages, and the e2e tests check the certificate itself."""
    o = webdriver.ChromeOptions()
    o.binary_location = CHROMIUM
    for a in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
              "--window-size=1280,1000", "--lang=en-US", *extra_args):
        o.add_argument(a)
    o.accept_insecure_certs = True
    d = webdriver.Chrome(service=Service(CHROMEDRIVER), options=o)
    d.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": WATCH_REDRAWS})
    d.set_page_load_timeout(deadline(30))
    d.set_script_timeout(deadline(30))
    return d


def shot(driver, name, full=False):
    """Save a PNG of what the window shows: screenshots/NAME.png; full: the
    whole page, below the window's bottom edge too (at most 8000 px), for
    the pages an officer scrolls (a form, a message, the checks' charts)."""
    path = os.path.join(artefacts("screenshots"), re.sub(r"[^\w.-]", "_", name) + ".png")
    if not full:
        driver.save_screenshot(path)
        return path
    # captured beyond the window, the page is laid out without a scroll
    # bar: the window's whole width
    size = driver.execute_script(
        "var e = document.documentElement;"
        "return [Math.max(e.scrollWidth, window.innerWidth),"
        " Math.max(e.scrollHeight, window.innerHeight)];")
    png = driver.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": size[0], "height": min(size[1], 8000), "scale": 1}})
    with open(path, "wb") as f:
        f.write(base64.b64decode(png["data"]))
    return path


def save_failure(driver, name):
    """A screenshot and the page source, for a test that failed."""
    try:
        path = shot(driver, name)
        with open(path[:-4] + ".html", "w") as f:
            f.write(driver.page_source)
        return f"{path} (and .html: the page source)"
    except WebDriverException as e:
        return f"no screenshot: {e.msg}"


def wait(driver, cond, what, timeout=20, ignored=()):
    """Wait until cond(driver) is truthy (its value), else fail naming what.
    An element gone stale (the board redrawn under the condition) counts as
    not yet, and so do the exceptions in ignored."""
    return WebDriverWait(driver, deadline(timeout), poll_frequency=0.05,
                         ignored_exceptions=(StaleElementReferenceException, *ignored)).until(
        cond, f"timed out after {deadline(timeout)} s waiting for {what}")


def redrawn(driver, what="the board's first redraw"):
    """Wait until the board has been redrawn once since the page loaded:
    the page fetches it again when its event stream opens, and a test
    that audits or photographs the board lets that pass first."""
    wait(driver, lambda d: d.execute_script("return window.__redraws") >= 1, what)


def navigates(driver, act, what):
    """Do act() (a click that sends a form, ...), then wait until another
    page has replaced this one and has loaded.  The old page is marked and
    the new one is found without the mark: asked while the browser is
    between the two, the driver may answer with an error, which counts as
    not yet."""
    driver.execute_script("window.__before = 1")
    act()
    wait(driver, lambda d: d.execute_script(
        "return !window.__before && document.readyState === 'complete'"), what,
        ignored=(WebDriverException,))


def click(driver, find, what):
    """Click the element find(driver) returns.  The board redraws itself
    when the node announces a change: an element found just before that
    is gone, and the click is tried again on the new one (a stale element
    is never clicked, so nothing is clicked twice)."""
    wait(driver, lambda d: find(d).click() or True, f"a click on {what}",
         ignored=(NoSuchElementException,))


def xq(s):
    """s as an XPath string literal."""
    if "'" not in s:
        return f"'{s}'"
    return "concat(" + ", \"'\", ".join(f"'{p}'" for p in s.split("'")) + ")"


def button(scope, text):
    """The button whose accessible text is text, within scope."""
    return scope.find_element(By.XPATH, f".//button[normalize-space()={xq(text)}]")


def buttons(scope, text):
    return scope.find_elements(By.XPATH, f".//button[normalize-space()={xq(text)}]")


def field(driver, label):
    """The form control that the <label> reading label names."""
    lab = driver.find_element(By.XPATH, f"//label[normalize-space()={xq(label)}]")
    return driver.find_element(By.ID, lab.get_attribute("for"))


def labelled(driver, start):
    """The form control whose <label> begins with start: a template's field
    is labelled "What was observed (required)", or with the English after
    the officer's words."""
    lab = driver.find_element(By.XPATH, f"//main//label[starts-with(normalize-space(), {xq(start)})]")
    return driver.find_element(By.ID, lab.get_attribute("for"))


def choose(driver, label, text):
    """Choose the option reading text in the list labelled label."""
    Select(field(driver, label)).select_by_visible_text(text)


def chosen(el):
    """The text of the option chosen in a <select>."""
    return Select(el).first_selected_option.text.strip()


def nav_link(driver, text):
    """The header's navigation link reading text."""
    return driver.find_element(By.XPATH, f"//header//nav//a[normalize-space()={xq(text)}]")


def link(scope, text):
    """The link whose text is text, within scope."""
    return scope.find_element(By.XPATH, f".//a[normalize-space()={xq(text)}]")


def present(driver, by, what):
    """The element, or None (for waits: a condition, not an exception)."""
    try:
        return driver.find_element(by, what)
    except NoSuchElementException:
        return None


def alarms(driver):
    """The texts of the alarm banners shown (class alarm, role alert), read
    at once: the board may be redrawn between two reads."""
    return driver.execute_script(
        "return Array.prototype.filter.call(document.querySelectorAll('.alarm[role=alert]'),"
        " function (e) { return e.getClientRects().length > 0; })"
        ".map(function (e) { return e.innerText.trim(); });")


def path_of(driver):
    return driver.execute_script("return location.pathname")


def text_of(driver, css="main"):
    """What the element shows (innerText), read at once; None: no such."""
    return driver.execute_script(
        "var e = document.querySelector(arguments[0]); return e ? e.innerText : null;", css)


def reload_until(driver, cond, what, timeout=20):
    """For a page that does not update itself: load it again until
    cond(driver), at most every 0.3 s."""
    def again(d):
        got = cond(d)
        if not got:
            d.refresh()
        return got
    return WebDriverWait(driver, deadline(timeout), poll_frequency=0.3,
                         ignored_exceptions=(StaleElementReferenceException,
                                             NoSuchElementException)).until(
        again, f"timed out after {deadline(timeout)} s waiting for {what} (reloading)")


# ---- signing in, the board ----

def sign_in(driver, base, officer, password=PASSWORD, go=True):
    """Fill in the sign-in form as an officer would and send it; return
    once the answer's page has replaced the form."""
    if go:
        driver.get(base + "/signin")
    who = field(driver, "Officer")
    who.clear()
    who.send_keys(officer)
    field(driver, "Password").send_keys(password)
    navigates(driver, button(driver, "Sign in").click, "the answer to the sign-in")


def on_board(driver, officer):
    return (path_of(driver) == "/board" and driver.execute_script(
        "var b = document.getElementById('board'); return !!b && b.getClientRects().length > 0;")
        and f"Signed in as {officer}" in driver.find_element(By.TAG_NAME, "header").text)


def row(driver, mid):
    """The item's row (an element: good until the board is next redrawn)."""
    return present(driver, By.ID, f"item-{mid}")


def row_buttons(driver, mid):
    """The texts of the buttons in the item's row, read at once."""
    return driver.execute_script(
        "var r = document.getElementById(arguments[0]); return r ? Array.prototype.map.call("
        "r.querySelectorAll('button'), function (b) { return b.textContent.trim(); }) : null;",
        f"item-{mid}")


def row_text(driver, mid):
    """The row's text, read at once (the board may be redrawn between two
    reads: no element is held across a wait)."""
    return driver.execute_script(
        "var r = document.getElementById(arguments[0]); return r ? r.innerText : null;",
        f"item-{mid}")


# ---- the keyboard ----

# What has the focus, and how it is shown: its tag, id, the name an
# officer reads (a control's label, else its text), and the focus ring's
# computed outline.
FOCUSED = """
var e = document.activeElement, s = getComputedStyle(e), id = e.getAttribute('id') || '',
    l = id && document.querySelector('label[for="' + CSS.escape(id) + '"]'),
    behind = 'rgb(255, 255, 255)';
for (var p = e.parentElement; p; p = p.parentElement) {
  var bg = getComputedStyle(p).backgroundColor;
  if (bg && bg !== 'transparent' && !/^rgba\\(.*, 0\\)$/.test(bg)) { behind = bg; break; }
}
return {tag: e.tagName, id: id, type: e.getAttribute('type') || '',
        name: (l ? l.textContent : e.textContent).replace(/\\s+/g, ' ').trim(),
        outline: s.outlineStyle, width: s.outlineWidth, color: s.outlineColor,
        behind: behind, shown: e.getClientRects().length > 0};
"""


def focused(driver):
    return driver.execute_script(FOCUSED)


def ring_seen(f):
    """The focus ring of focused()'s element is drawn: an outline of some
    style and width, on an element that is on the page."""
    return f["shown"] and f["outline"] not in ("none", "") and f["width"] not in ("0px", "")


def luminance(css):
    """The relative luminance (WCAG 2) of a CSS rgb()/rgba() colour."""
    r, g, b = (int(v) / 255 for v in re.findall(r"[\d.]+", css)[:3])
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(c1, c2):
    hi, lo = sorted((luminance(c1), luminance(c2)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def ring_contrast(f):
    """How the focus ring of focused()'s element stands out from what is
    behind it (the first background of its ancestors): WCAG 1.4.11 asks
    3:1 of a state's indicator."""
    return contrast(f["color"], f["behind"])


def press(driver, *keys):
    """Keys pressed one after the other, as an officer types them."""
    chain = ActionChains(driver)
    for k in keys:
        chain.send_keys(k)
    chain.perform()


def tab_to(driver, cond, what, most=30, back=False):
    """Press Tab (back: Shift+Tab) until cond(focused()) holds: the
    focused() of each element passed on the way there (the last one
    cond's)."""
    seen = []
    for _ in range(most):
        if back:
            ActionChains(driver).key_down(Keys.SHIFT).send_keys(Keys.TAB).key_up(Keys.SHIFT) \
                .perform()
        else:
            press(driver, Keys.TAB)
        seen.append(focused(driver))
        if cond(seen[-1]):
            return seen
    raise AssertionError(f"{most} Tabs did not reach {what}: "
                         f"{[(f['tag'], f['name']) for f in seen]}")


# ---- axe-core ----

_axe = {}


def axe_source(say=None):
    """axe.min.js as text, installed with npm ci (the version
    package-lock.json pins, checked against its integrity hash) on first
    use: (text, None), or (None, the one-line reason it cannot be had: no
    npm, no registry).  say(line): where the progress line goes."""
    if "src" in _axe:
        return _axe["src"], _axe.get("why")
    if not os.path.exists(AXE):
        _axe["src"], _axe["why"] = None, npm_ci(say or (lambda m: print(m, file=sys.stderr)))
        if _axe["why"]:
            return None, _axe["why"]
    with open(AXE) as f:
        _axe["src"] = f.read()
    return _axe["src"], None


def npm_ci(say):
    """Install tests/browser/node_modules: None, or why it failed."""
    npm = shutil.which("npm")
    if not npm:
        return "axe-core is not installed and there is no npm (scripts/deps.sh test)"
    say("browser tests: installing axe-core: npm ci --prefix tests/browser")
    # the registry's own retries would take a minute to give up offline
    try:
        p = subprocess.run([npm, "ci", "--prefix", HERE, "--no-audit", "--no-fund",
                            "--ignore-scripts", "--fetch-retries=1",
                            "--fetch-retry-mintimeout=2000", "--fetch-retry-maxtimeout=5000"],
                           capture_output=True, text=True, timeout=180, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return "axe-core could not be installed: npm ci ran over 180 s"
    if p.returncode == 0 and os.path.exists(AXE):
        return None
    code = re.search(r"npm (?:ERR!|error) code (\S+)", p.stderr)
    last = [ln for ln in p.stderr.splitlines() if ln.strip()] or ["exit %d" % p.returncode]
    return "axe-core could not be installed: npm ci failed (%s)" % (
        code.group(1) if code else last[-1].strip())


def axe_run(driver):
    """axe's results for the page the driver shows (the JSON object)."""
    src, why = axe_source()
    assert src, why
    if not driver.execute_script("return !!window.axe"):
        # execute_script is the browser's debugger, which the page's
        # Content-Security-Policy does not bind: no inline script needed
        driver.execute_script(src)
    return driver.execute_async_script(
        "var done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})"
        ".then(function (r) { done(JSON.stringify(r)); },"
        " function (e) { done(JSON.stringify({error: String(e)})); });", AXE_TAGS)


def describe(v):
    nodes = "; ".join(" ".join(map(str, n.get("target", []))) for n in v["nodes"])
    return f"{v['impact']}: {v['id']}: {v['help']} [{nodes}]"


def audit(driver, page_name):
    """Run axe on the page; every violation is printed and kept in
    axe/PAGE.json; none may be serious or critical."""
    r = json.loads(axe_run(driver))
    assert "error" not in r, f"axe failed on {page_name}: {r['error']}"
    with open(os.path.join(artefacts("axe"), page_name + ".json"), "w") as f:
        json.dump({"url": r["url"], "testEngine": r["testEngine"], "violations": r["violations"],
                   "incomplete": r["incomplete"], "passes": [v["id"] for v in r["passes"]]},
                  f, indent=1)
    for v in r["violations"]:
        print(f"axe {page_name}: {describe(v)}")
    bad = [v for v in r["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, f"axe on {page_name}: {len(bad)} serious or critical violations:\n" + \
        "\n".join(describe(v) for v in bad)
    return r
