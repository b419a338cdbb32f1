"""Fixtures for the duty console's browser tests: real daemons on loopback
(the helpers of tests/e2e) and headless Chromium driven by Selenium."""
import os
import shutil
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.normpath(os.path.join(HERE, "..", "e2e")))

from browser_util import PASSWORD, axe_source, new_driver, save_failure  # noqa: E402
from parley_e2e import Node, free_port, short_tmp  # noqa: E402

# The flash acknowledgement deadline: under two minutes, so that its
# countdown counts in seconds ("99s left") and is seen to move at once.
FLASH_ACK = "PT100S"


def flash_ack_in_seconds(payload):
    payload["links"]["urgent"]["deadlines"]["flash"]["ack"] = FLASH_ACK


class Consoles:
    """alpha (console on plain HTTP, officer ana) and bravo (HTTPS with
    its self-signed server.crt, officer bob), pinned to each other under
    an agreement whose urgent link lists every template; both running.
    before(a, b): called before the two are pinned and started (to set
    what a card carries, such as bravo's endpoints)."""

    def __init__(self, make_node, before=None):
        self.a, self.b = make_node("alpha"), make_node("bravo")
        if before:
            before(self.a, self.b)
        self.a.pin(self.b, edit=flash_ack_in_seconds)
        self.b.pin(self.a)
        self.url = {"alpha": f"http://127.0.0.1:{free_port()}",
                    "bravo": f"https://127.0.0.1:{free_port()}"}
        for n, who in ((self.a, "ana"), (self.b, "bob")):
            n.cli("config", "set", "console_listen", self.url[n.name])
            n.cli("officer", "add", who, "--role", "duty")
            n.cli("officer", "passwd", who, "--password-stdin", stdin=PASSWORD + "\n")
        self.a.start()
        self.b.start()

    def __iter__(self):
        return iter((self.a, self.b, self.url))


def _top():
    d = short_tmp()
    nodes = []
    return d, nodes


def _end(top):
    for n in top[1]:
        n.kill9()
    shutil.rmtree(top[0], ignore_errors=True)


def _maker(top):
    def make(name, **kw):
        n = Node(top[0], name, **kw)
        top[1].append(n)
        return n
    return make


@pytest.fixture
def top():
    t = _top()
    yield t
    _end(t)


@pytest.fixture
def make_node(top):
    return _maker(top)


@pytest.fixture
def consoles(make_node):
    """A fresh pair for a test that needs a board of its own."""
    return Consoles(make_node)


@pytest.fixture(scope="module")
def shared_top():
    t = _top()
    yield t
    _end(t)


@pytest.fixture(scope="module")
def shared_consoles(shared_top):
    """One pair for the tests of a module whose steps do not depend on
    what else is on the board (each finds its own items by id)."""
    return Consoles(_maker(shared_top))


@pytest.fixture
def browsers(request):
    """new(): another headless Chromium (each with its own cookies), all
    quit at the end.  When the test fails, a screenshot and the page
    source of each are saved first (pytest_runtest_makereport)."""
    opened = request.node.browsers = []

    def new(extra_args=()):
        d = new_driver(extra_args)
        opened.append(d)
        return d
    yield new
    for d in opened:
        d.quit()


@pytest.fixture
def driver(browsers):
    return browsers()


@pytest.fixture(scope="session")
def axe(request):
    """axe-core is there (installed on first use, the progress line shown
    past pytest's capture), or the test is skipped with the reason."""
    capman = request.config.pluginmanager.getplugin("capturemanager")

    def say(line):
        with capman.global_and_fixture_disabled():
            print("\n" + line, file=sys.stderr, flush=True)
    src, why = axe_source(say)
    if not src:
        pytest.skip(why)
    return src


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """On failure: what each browser showed (screenshots/FAILED-*.png and
    .html), and the daemons' logs."""
    outcome = yield
    rep = outcome.get_result()
    if rep.when != "call" or not rep.failed:
        return
    for i, d in enumerate(getattr(item, "browsers", [])):
        rep.sections.append((f"browser {i}", save_failure(d, f"FAILED-{item.name}-{i}")))
    for key in ("top", "shared_top"):
        if key in item.funcargs:
            for n in item.funcargs[key][1]:
                rep.sections.append((f"{n.name} log", n.logtail(4000)))
