"""Fixtures for parley's end-to-end tests (helpers live in parley_e2e.py)."""
import shutil

import pytest

from parley_e2e import Node, short_tmp


@pytest.fixture
def top():
    d = short_tmp()
    nodes = []
    yield d, nodes
    for n in nodes:
        n.kill9()
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture
def make_node(top):
    d, nodes = top

    def make(name, **kw):
        n = Node(d, name, **kw)
        nodes.append(n)
        return n
    return make


@pytest.fixture
def pair(make_node):
    """alpha and bravo, each pinning the other on urgent and cert; running."""
    a, b = make_node("alpha"), make_node("bravo")
    a.pin(b)
    b.pin(a)
    a.start()
    b.start()
    return a, b


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """On failure, show the daemons' logs."""
    outcome = yield
    rep = outcome.get_result()
    if rep.when == "call" and rep.failed and "top" in item.funcargs:
        for n in item.funcargs["top"][1]:
            rep.sections.append((f"{n.name} log", n.logtail(4000)))
