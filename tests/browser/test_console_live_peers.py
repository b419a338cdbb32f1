"""The peers page is live (issue 15's follow-up): what the link layer knows
of a peer - a path up or down, the path in use, reachable or not, the
backlog - shows on the open page as it changes, with no reload.  The page
listens on /events as the board does; the node announces a change of the
link's state (link_watch, and the net layer's http_client_watch under it)
as it announces the desk's.

alpha pins bravo with two paths: path 0 a port where nothing listens at
first (a route that is cut), path 1 bravo's own address.  alpha probes a
preferred path every second (path_probe_ms), so when a route to bravo
opens on path 0 the link moves back to it with no message sent: nothing
but the link's notice can tell the page."""
from selenium.webdriver.common.by import By

from browser_util import nav_link, navigates, on_board, redrawn, shot, sign_in, wait
from conftest import Consoles
from parley_e2e import free_port
from test_paths import Forwarder

# What the peers page shows of bravo, read at once (the page may be
# redrawn between two reads): reachable, backlog, and each path's
# [number, state, in use].
SEEN = """
var s = document.getElementById('peer-bravo');
if (!s) return null;
var r = s.querySelector('[data-reachable]'), b = s.querySelector('[data-backlog]');
return {reachable: r && r.dataset.reachable, backlog: b && +b.dataset.backlog,
        text: s.innerText,
        paths: Array.prototype.map.call(s.querySelectorAll('tr.path'), function (t) {
          return [+t.dataset.path, t.dataset.state, t.cells[3].innerText.trim() === 'in use'];
        })};
"""


def seen(driver):
    return driver.execute_script(SEEN) or {"paths": [], "reachable": None, "backlog": None,
                                           "text": ""}


def test_the_peers_page_follows_the_link_without_a_reload(make_node, browsers):
    cut = free_port()

    def two_paths(a, b):
        b.cli("config", "set", "endpoints",
              f"https://127.0.0.1:{cut} https://127.0.0.1:{b.port}")
        a.cli("config", "set", "path_probe_ms", "1000")
    a, b, url = Consoles(make_node, before=two_paths)

    ana = browsers()
    sign_in(ana, url["alpha"], "ana")
    wait(ana, lambda d: on_board(d, "ana"), "ana's board")
    navigates(ana, nav_link(ana, "Peers").click, "the peers page")
    # alpha greets bravo at start: path 0 refuses, path 1 answers
    wait(ana, lambda d: seen(d)["paths"] == [[0, "down", False], [1, "up", True]],
         "path 0 down and path 1 in use")
    redrawn(ana, "the page's first redraw (its event stream open)")
    assert seen(ana)["reachable"] == "yes"
    ana.execute_script("window.__noReload = 1")
    before = ana.execute_script("return window.__redraws")

    # a route to bravo opens on path 0: the prober finds it, the link
    # moves back to it, and the open page says so
    fwd = Forwarder(cut, b.port)
    try:
        wait(ana, lambda d: seen(d)["paths"] == [[0, "up", True], [1, "up", False]],
             "path 0 up and in use again, on the open page", timeout=15)
        assert ana.execute_script("return window.__noReload") == 1, "the page was reloaded"
        assert ana.execute_script("return window.__redraws") > before
        shot(ana, "peers-live-path-back", full=True)
    finally:
        fwd.close()

    # bravo stops; a message for it is queued: delivery is tried on both
    # paths, both fail, and the page shows bravo unreachable, the error
    # and the backlog
    b.stop()
    a.api([{"op": "send", "peer": "bravo", "link": "urgent", "type": "notification",
            "priority": "flash", "subject": "while bravo is down", "body": ""}])
    wait(ana, lambda d: seen(d)["reachable"] == "no" and seen(d)["backlog"] == 1,
         "bravo unreachable with one message queued, on the open page", timeout=15)
    assert "Last error" in seen(ana)["text"]
    assert [p[1] for p in seen(ana)["paths"]] == ["down", "down"], seen(ana)
    assert ana.execute_script("return window.__noReload") == 1, "the page was reloaded"
    reach = ana.find_element(By.CSS_SELECTOR, "#peer-bravo [data-reachable]")
    assert reach.text == "no" and reach.is_displayed()
    shot(ana, "peers-live-unreachable", full=True)
