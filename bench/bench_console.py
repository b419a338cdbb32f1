#!/usr/bin/python3
"""bench_console.py - the duty console (issue 15), with two real daemons on
loopback: alpha sends, bravo's console serves the board.

Bravo's desk holds BENCH_CONSOLE_ITEMS open items (default 10,000: one flash
notification delivered for real, then copied in bravo's store, while bravo
is stopped, as routine items with their acknowledgement due in a day).
Prints:
  1. the board's weight: the page, its stylesheet and its script, in bytes,
     against the goal of 200 KB;
  2. the board's render at the server (request to last byte, from a client
     on the same machine): the first page as the console keeps it between
     changes, and made afresh (a later page: the same pass over every open
     item); p50 / p99 / max of BENCH_CONSOLE_RUNS requests;
  3. first render in Debian's chromium (headless, through selenium), when
     it is installed: the browser's own navigation timing (response end,
     DOM content loaded, first contentful paint), p50 / max of 5 loads,
     against the goal of 300 ms;
  4. event to screen with BENCH_CONSOLE_N pages open (default 50): each page
     a client doing what the console's script does (a Server-Sent Events
     stream; on each change, fetch the board), and BENCH_CONSOLE_EVENTS
     flash notifications (default 20) sent by alpha one after another; the
     time from alpha's send to each page holding a board that shows the new
     item (so the delivery between the nodes is in it): p50 / p99 / max
     over pages and events, against the goal of 1 s at p99.
BENCH_PARTS, when set, runs this part only if it lists "console".
The clients are Python threads on the daemons' machine: their CPU is the
daemons' CPU.  Timings are printed, never asserted.
"""
import os
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "e2e"))

import requests  # noqa: E402

from parley_e2e import Node, free_port, short_tmp, wait_for  # noqa: E402

ITEMS = int(os.environ.get("BENCH_CONSOLE_ITEMS", "10000"))
PAGES = int(os.environ.get("BENCH_CONSOLE_N", "50"))
EVENTS = int(os.environ.get("BENCH_CONSOLE_EVENTS", "20"))
RUNS = int(os.environ.get("BENCH_CONSOLE_RUNS", "30"))
PASSWORD = "bench password 1234"
FORM = ('{"observed":"%s","observed_at":"2026-11-26T08:00:00Z","sector":"energy",'
        '"systems":"substation gateways","severity":"high","indicators":["203.0.113.7"],'
        '"action_requested":"Please confirm."}')


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def session(url):
    s = requests.Session()
    s.trust_env = False
    r = s.post(url + "/signin", data={"officer": "bob", "password": PASSWORD},
               allow_redirects=False, timeout=30)
    assert r.status_code == 303, r.text
    return s


def send(a, top, marker):
    path = os.path.join(top, "form.json")
    with open(path, "w") as f:
        f.write(FORM % marker)
    p = a.cli("send", "bravo", "--link", "urgent", "--template", "incident-notification",
              "--form", path, "--priority", "flash", check=False)
    assert p.returncode == 0, p.stderr
    return p.stdout.split()[0]


def fill(b, n):
    """Copy bravo's one desk item n - 1 times as routine items (bravo stopped)."""
    db = sqlite3.connect(os.path.join(b.dir, "parley.db"))
    cols = [r[1] for r in db.execute("PRAGMA table_info(desk_item)")]
    row = db.execute("SELECT * FROM desk_item").fetchone()
    now = int(time.time() * 1000)
    rows = []
    for i in range(n - 1):
        r = dict(zip(cols, row))
        r.update(msg=str(uuid.uuid4()), priority="routine", made_ms=r["made_ms"] - n + i,
                 ack_due_ms=now + 86400000, reply_due_ms=now + 2 * 86400000,
                 subject="Routine item %d of the bench" % i)
        rows.append(tuple(r[c] for c in cols))
    db.executemany("INSERT INTO desk_item VALUES (%s)" % ",".join("?" * len(cols)), rows)
    db.commit()
    db.close()


def timed_get(s, url):
    t = time.perf_counter()
    r = s.get(url, timeout=60)
    assert r.status_code == 200, r.status_code
    return (time.perf_counter() - t) * 1000, len(r.content)


def browser_render(url):
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        return None, "python3-selenium is not installed"
    if not os.path.exists("/usr/bin/chromium") or not os.path.exists("/usr/bin/chromedriver"):
        return None, "chromium or chromium-driver is not installed"
    o = webdriver.ChromeOptions()
    o.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                "--window-size=1280,1000"):
        o.add_argument(arg)
    d = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=o)
    try:
        d.get(url + "/signin")
        d.find_element("id", "officer").send_keys("bob")
        d.find_element("id", "password").send_keys(PASSWORD)
        d.find_element("css selector", "button[type=submit]").click()
        wait_for(lambda: d.find_elements("id", "board"), 30, "the board in chromium")
        got = []
        for _ in range(5):
            d.get(url + "/board")
            wait_for(lambda: d.execute_script(
                "return document.readyState === 'complete' && "
                "performance.getEntriesByName('first-contentful-paint').length > 0"),
                30, "the board painted")
            got.append(d.execute_script(
                "var n = performance.getEntriesByType('navigation')[0];"
                "var p = performance.getEntriesByName('first-contentful-paint')[0];"
                "return [n.responseEnd, n.domContentLoadedEventEnd, p ? p.startTime : -1];"))
        return got, None
    finally:
        d.quit()


class Page(threading.Thread):
    """One open console: the SSE stream, and the board fetched on each change."""

    def __init__(self, url, want):
        super().__init__(daemon=True)
        self.url, self.want, self.s = url, want, session(url)
        self.seen = {}          # marker -> the time its board showed it
        self.ready = threading.Event()
        self.stop = False

    def run(self):
        try:
            self.listen()
        except requests.RequestException:
            if not self.stop:       # the daemon going away at the end is no news
                raise

    def listen(self):
        with self.s.get(self.url + "/events", stream=True, timeout=(10, 120)) as r:
            self.ready.set()
            for line in r.iter_lines():
                if self.stop:
                    return
                if line != b"event: change":
                    continue
                text = self.s.get(self.url + "/board", timeout=60).text
                now = time.perf_counter()
                for m in self.want:
                    if m not in self.seen and m in text:
                        self.seen[m] = now


def main():
    parts = os.environ.get("BENCH_PARTS")
    if parts and "console" not in parts.split(","):
        return
    top = short_tmp()
    a, b = Node(top, "alpha"), Node(top, "bravo")
    a.pin(b)
    b.pin(a)
    port = free_port()
    url = "http://127.0.0.1:%d" % port
    b.cli("config", "set", "console_listen", url)
    a.cli("officer", "add", "ana", "--role", "duty")
    b.cli("officer", "add", "bob", "--role", "duty")
    b.cli("officer", "passwd", "bob", "--password-stdin", stdin=PASSWORD + "\n")
    try:
        a.start()
        b.start()
        first = send(a, top, "bench-first")
        wait_for(lambda: any(i["id"] == first for i in b.json("desk")), 30, "the first item")
        b.stop()
        fill(b, ITEMS)
        b.start()
        s = session(url)
        board = s.get(url + "/board", timeout=60)
        css = s.get(url + "/static/console.css", timeout=30).content
        js = s.get(url + "/static/console.js", timeout=30).content
        weight = len(board.content) + len(css) + len(js)
        print("\n8. the duty console: a board of %d open items (bravo's desk)\n" % ITEMS)
        print("  %-44s %10s" % ("board weight", "bytes"))
        print("  %-44s %10d" % ("the page (first 100 rows)", len(board.content)))
        print("  %-44s %10d" % ("its stylesheet and script", len(css) + len(js)))
        print("  %-44s %10d   goal < 200,000" % ("together", weight))
        warm = [timed_get(s, url + "/board")[0] for _ in range(RUNS)]
        cold = [timed_get(s, url + "/board?from=100")[0] for _ in range(RUNS)]
        print("\n  %-44s %8s %8s %8s" % ("render at the server (ms)", "p50", "p99", "max"))
        for name, xs in (("first page, kept between changes", warm),
                         ("made afresh (every open item read)", cold)):
            print("  %-44s %8.1f %8.1f %8.1f" % (name, pct(xs, 50), pct(xs, 99), max(xs)))
        got, why = browser_render(url)
        print("\n  %-44s %8s %8s" % ("first render in chromium (ms)", "p50", "max"))
        if got is None:
            print("  (skipped: %s)" % why)
        else:
            for i, name in enumerate(("response end", "DOM content loaded",
                                      "first contentful paint (goal < 300)")):
                xs = [g[i] for g in got]
                print("  %-44s %8.1f %8.1f" % (name, statistics.median(xs), max(xs)))

        markers = ["bench-event-%d" % i for i in range(EVENTS)]
        pages = [Page(url, markers) for _ in range(PAGES)]
        for p in pages:
            p.start()
        for p in pages:
            assert p.ready.wait(30), "a page's stream did not open"
        lat = []
        for m in markers:
            t0 = time.perf_counter()
            send(a, top, m)
            wait_for(lambda: all(m in p.seen for p in pages), 60, "every page to show " + m)
            lat += [(p.seen[m] - t0) * 1000 for p in pages]
        for p in pages:
            p.stop = True
        print("\n  %-44s %8s %8s %8s" % ("event to screen, %d pages open (ms)" % PAGES,
                                          "p50", "p99", "max"))
        print("  %-44s %8.1f %8.1f %8.1f   goal p99 < 1000" % (
            "alpha's send to every board showing it", pct(lat, 50), pct(lat, 99), max(lat)))
        print("  (%d events x %d pages = %d samples)" % (EVENTS, PAGES, len(lat)))
    finally:
        for n in (a, b):
            n.kill9()
        subprocess.run(["rm", "-rf", top])


if __name__ == "__main__":
    main()
