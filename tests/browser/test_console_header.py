"""The console's header on one line at 1280 px, in English and in French:
the brand, the four navigation links, who is signed in, the language
form and Sign out side by side, at the body's text size, no word cut.
Narrower, whole items wrap, never a link in two."""
import pytest
from selenium.webdriver.common.by import By

from browser_util import PASSWORD, button, choose, navigates, on_board, shot, sign_in, wait
from parley_e2e import free_port

# The header's items (its children, and each navigation link): their
# boxes, texts, font sizes, and whether any text is cut (wider than its
# box) or broken over lines.
HEADER = """
var h = document.querySelector('header'), body = parseFloat(getComputedStyle(document.body).fontSize);
function box(e) {
  var r = e.getBoundingClientRect();
  return {text: e.innerText.trim(), top: r.top, bottom: r.bottom, lines: e.getClientRects().length,
          cut: e.scrollWidth > e.clientWidth + 1, size: parseFloat(getComputedStyle(e).fontSize)};
}
return {body: body, height: h.getBoundingClientRect().height, width: window.innerWidth,
        items: Array.prototype.map.call(h.children, box),
        links: Array.prototype.map.call(h.querySelectorAll('nav a'), box),
        buttons: Array.prototype.map.call(h.querySelectorAll('button, select'), box)};
"""


def one_line(boxes):
    """Every box shares one line: each overlaps every other vertically."""
    return max(b["top"] for b in boxes) < min(b["bottom"] for b in boxes)


def at_width(driver, width, height=800):
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
    wait(driver, lambda d: d.execute_script("return window.innerWidth") == width,
         f"a window {width} px wide")


@pytest.fixture
def alpha(make_node):
    """alpha alone, its console on loopback, officer ana."""
    a = make_node("alpha")
    url = f"http://127.0.0.1:{free_port()}"
    a.cli("config", "set", "console_listen", url)
    a.cli("officer", "add", "ana", "--role", "duty")
    a.cli("officer", "passwd", "ana", "--password-stdin", stdin=PASSWORD + "\n")
    a.start()
    return url


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_header_is_one_line_at_1280_px(alpha, driver, lang):
    sign_in(driver, alpha, "ana")
    wait(driver, lambda d: on_board(d, "ana"), "ana's board")
    if lang == "fr":
        choose(driver, "Language", "Français")
        navigates(driver, button(driver, "Change language").click, "the board in French")
        assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "fr"
    at_width(driver, 1280)
    h = driver.execute_script(HEADER)
    names = [b["text"] for b in h["links"]]
    assert names == (["Board", "New message", "Checks", "Peers"] if lang == "en" else
                     ["Tableau", "Nouveau message", "Vérifications", "Partenaires"]), names
    shot(driver, f"header-1280-{lang}")
    # one line: the links at one height, every item beside them
    assert len({round(b["top"]) for b in h["links"]}) == 1, h["links"]
    assert one_line(h["items"] + h["links"]), [(b["text"], b["top"], b["bottom"])
                                               for b in h["items"]]
    tallest = max(b["bottom"] - b["top"] for b in h["items"])
    assert h["height"] < 2 * tallest, (h["height"], tallest)
    # nothing cut or broken, nothing smaller than the body's text
    everything = h["items"] + h["links"] + h["buttons"]
    assert not [b["text"] for b in everything if b["cut"] or b["lines"] != 1], everything
    assert all(b["size"] >= h["body"] for b in everything), \
        [(b["text"], b["size"]) for b in everything]
    # the language list keeps its label (read by a screen reader)
    label = driver.find_element(By.CSS_SELECTOR, "header label[for=lang]")
    assert label.get_attribute("textContent") == ("Language" if lang == "en" else "Langue")

    # narrower, whole items wrap: no link broken over two lines
    at_width(driver, 700)
    h = driver.execute_script(HEADER)
    assert all(b["lines"] == 1 for b in h["links"] + h["buttons"]), h["links"]
    shot(driver, f"header-700-{lang}")
