"""The watch desk (issue 14): formal messages from templates, a person's
signed acknowledgement, the answer, deadlines and overdue notices, with
real daemons on loopback.  Both parties' boards must tell the same story.
"""
import json
import os

import pytest

from parley_e2e import wait_for
from test_agreement_enforce import craft
from test_node_refusals import post

INCIDENT = {
    "observed": "Scanning of SCADA gateways from 203.0.113.7",
    "observed_at": "2026-11-26T08:00:00Z",
    "sector": "energy",
    "systems": "substation gateways",
    "severity": "high",
    "indicators": ["203.0.113.7"],
    "action_requested": "Please confirm whether the source is known to you.",
}


def write(top, name, obj):
    path = os.path.join(top[0], name)
    with open(path, "w") as f:
        f.write(obj if isinstance(obj, str) else json.dumps(obj))
    return path


def short_deadlines(ack, reply):
    """An agreement edit: every urgent deadline ack/reply (ISO 8601)."""
    def edit(payload):
        u = payload["links"]["urgent"]
        u["deadlines"] = {p: {"ack": ack, "reply": reply} for p in u["priorities"]}
    return edit


@pytest.fixture
def desk(make_node):
    """alpha and bravo under an agreement whose urgent link lists every
    template; one officer each.  Deadlines long enough not to pass."""
    a, b = make_node("alpha"), make_node("bravo")
    a.pin(b)
    b.pin(a)
    a.start()
    b.start()
    a.cli("officer", "add", "ana", "--role", "duty")
    b.cli("officer", "add", "bob", "--role", "duty")
    return a, b


def item(node, mid):
    got = [i for i in node.json("desk") if i["id"] == mid]
    return got[0] if got else None


def send_form(node, peer, top, tmpl, form, *extra, prio="flash"):
    p = node.cli("send", peer, "--link", "urgent", "--template", tmpl, "--form",
                 write(top, tmpl + ".json", form), "--priority", prio, "--wait=20", *extra,
                 check=False)
    return p


def test_notification_acknowledged_and_answered_on_both_boards(desk, top):
    a, b = desk
    p = send_form(a, "bravo", top, "incident-notification", INCIDENT, "--as", "ana")
    assert p.returncode == 0 and "delivered" in p.stdout, p.stderr
    mid = p.stdout.splitlines()[0]

    # the subject comes from the form; both boards hold the item
    wait_for(lambda: (item(a, mid) or {}).get("state") == "delivered", 20, "alpha's item")
    got_b, got_a = item(b, mid), item(a, mid)
    assert got_b["direction"] == "received" and got_a["direction"] == "sent"
    assert got_b["subject"] == INCIDENT["observed"][:80]
    assert got_b["template"] == "incident-notification" and got_b["priority"] == "flash"
    # the agreement's flash deadlines (the draft: PT10M, PT1H), from the receipt
    for it in (got_a, got_b):
        assert it["receipt_at"] == got_b["receipt_at"]
        assert 0 < it["ack_left_s"] <= 600 and 600 < it["reply_left_s"] <= 3600, it
    assert got_b["state"] == "delivered" and got_b["acknowledged_by"] is None
    # rendered from its template: labels in the reader's language, free
    # text as written, times in UTC (and the zones the desks have set)
    fr = b.cli("show", mid, "--lang", "fr").stdout
    assert "Ce qui a été observé:\n  Scanning of SCADA gateways" in fr, fr
    assert "officer:    ana" in fr and "2026-11-26T08:00:00Z UTC" in fr
    shown = b.json("show", mid)["form"]
    assert shown["template"] == "incident-notification" and shown["officer"] == "ana"
    assert [f["name"] for f in shown["fields"]][:3] == ["observed", "observed_at", "sector"]
    assert shown["fields"][0]["label"] == "What was observed"
    ar = b.json("show", mid, "--lang", "ar")["form"]
    assert ar["fields"][0]["label"] == "ما تمت ملاحظته" and ar["lang"] == "ar"
    bad = b.cli("show", mid, "--lang", "xx", check=False)
    assert bad.returncode == 1 and "--lang takes" in bad.stderr

    # bravo's officer acknowledges: a signed statement naming her
    ack = b.cli("ack", mid, "--as", "bob", "--note", "looking into it").stdout.strip()
    assert len(ack) == 36
    wait_for(lambda: item(a, mid)["state"] == "acknowledged", 20, "the ack at alpha")
    for n in (a, b):
        it = item(n, mid)
        assert it["acknowledged_by"] == "bob" and it["ack_role"] == "duty", it
        assert it["ack_note"] == "looking into it"
        assert it["seconds_to_ack"] is not None and it["ack_left_s"] is None
    assert item(a, mid)["acknowledged_at"] == item(b, mid)["acknowledged_at"]
    # the acknowledgement is a message like any other: signed, in the log
    assert b.json("show", ack)["type"] == "desk.ack"
    # twice is refused, naming who did it first
    again = b.cli("ack", mid, "--as", "bob", check=False)
    assert again.returncode == 1 and "acknowledged already by bob" in again.stderr

    # the answer: a reply form naming the message
    reply = write(top, "reply.json", {"answer": "The source is a research scanner."})
    p = b.cli("reply", mid, "--as", "bob", "--form", reply, "--wait=20")
    assert "delivered" in p.stdout
    rid = p.stdout.splitlines()[0]
    wait_for(lambda: item(a, mid)["state"] == "answered", 20, "the answer at alpha")
    for n in (a, b):
        it = item(n, mid)
        assert it["state"] == "answered" and it["answer"] == rid and not it["open"], it
        assert it["seconds_to_answer"] is not None
    assert a.json("show", rid)["type"] == "reply"


def test_form_checked_before_signing_and_by_the_receiver(desk, top):
    a, b = desk
    bad = dict(INCIDENT, severity="apocalyptic")
    p = send_form(a, "bravo", top, "incident-notification", bad)
    assert p.returncode == 1 and "severity: not one of" in p.stderr, p.stderr
    missing = {k: v for k, v in INCIDENT.items() if k != "observed"}
    p = send_form(a, "bravo", top, "incident-notification", missing)
    assert p.returncode == 1 and "observed: missing" in p.stderr, p.stderr
    p = send_form(a, "bravo", top, "reply", {"answer": "no question"})
    assert p.returncode == 1 and "in_reply_to: missing" in p.stderr, p.stderr
    p = a.cli("send", "bravo", "--link", "urgent", "--template", "telegram", "--form",
              write(top, "t.json", {}), "--priority", "flash", check=False)
    assert p.returncode == 1 and "no template named" in p.stderr
    assert a.outbox() == []

    # the daemon holds a form to its template too, whatever the CLI did
    r = a.api([{"op": "send", "peer": "bravo", "link": "urgent", "type": "inquiry",
                "priority": "flash", "subject": "raw", "body": "{\"not\":\"a form\"}"}])
    assert not r[0]["ok"] and "not a form of template inquiry" in r[0]["error"], r
    # and nobody sends a desk statement by hand
    r = a.api([{"op": "send", "peer": "bravo", "link": "urgent", "type": "desk.ack",
                "priority": "flash", "subject": "raw", "body": "{}"}])
    assert not r[0]["ok"] and "desk statement" in r[0]["error"], r


def test_receiver_refuses_a_form_that_does_not_fit(make_node):
    a, b = make_node("alpha"), make_node("bravo")
    aid = b.pin(a)
    b.start()
    body = json.dumps({"template": "inquiry", "version": 1,
                       "form": {"activity": "x", "questions": []}})
    r = post(b, a, craft(a, b, 1, aid, mtype="inquiry", prio="flash", body=body))
    res = r.json()["results"][0]
    assert res["status"] == 400 and "questions: empty list" in res["reason"], res
    # refused for good (no desk item), and the number used: seq 2 is next
    assert b.json("desk") == []
    body = json.dumps({"template": "inquiry", "version": 1,
                       "form": {"activity": "x", "questions": ["why?"]}})
    r = post(b, a, craft(a, b, 2, aid, mtype="inquiry", prio="flash", body=body))
    assert r.json()["results"][0]["status"] == 200
    assert [i["template"] for i in b.json("desk")] == ["inquiry"]


def test_overdue_at_the_sender_with_the_notice_in_both_logs(make_node, top):
    a, b = make_node("alpha"), make_node("bravo")
    a.pin(b, edit=short_deadlines("PT2S", "PT4S"))
    b.pin(a)
    a.start()
    b.start()
    p = send_form(a, "bravo", top, "inquiry", {"activity": "port scans",
                                               "questions": ["Who?"]}, prio="immediate")
    assert p.returncode == 0, p.stderr
    mid = p.stdout.splitlines()[0]
    wait_for(lambda: item(a, mid)["overdue_ack_notice"] is not None, 20,
             "the ack deadline to pass at alpha")
    assert item(a, mid)["state"] == "overdue-ack"
    # the notice is a signed message to bravo: in alpha's outbox and bravo's inbox
    wait_for(lambda: (item(b, mid) or {}).get("overdue_ack_notice") is not None, 20,
             "the notice at bravo")
    assert item(b, mid)["state"] == "overdue-ack"
    sent = [m for m in a.outbox() if m["type"] == "desk.overdue"]
    got = [m for m in b.inbox() if m["type"] == "desk.overdue"]
    assert sent and got and sent[0]["id"] == got[0]["id"]
    wait_for(lambda: item(a, mid)["overdue_reply_notice"] is not None, 20,
             "the reply deadline to pass")
    assert len([m for m in a.outbox() if m["type"] == "desk.overdue"]) == 2
    # a late acknowledgement still counts, and the board says when
    b.cli("officer", "add", "bob", "--role", "duty")
    b.cli("ack", mid, "--as", "bob")
    wait_for(lambda: item(a, mid)["acknowledged_by"] == "bob", 20, "the late ack")


def test_deadlines_survive_kill9(make_node, top):
    a, b = make_node("alpha"), make_node("bravo")
    a.pin(b, edit=short_deadlines("PT3S", "PT6S"))
    b.pin(a)
    a.start()
    b.start()
    p = send_form(a, "bravo", top, "inquiry", {"activity": "x", "questions": ["y"]},
                  prio="priority")
    mid = p.stdout.splitlines()[0]
    wait_for(lambda: item(a, mid)["receipt_at"] is not None, 20, "the receipt")
    a.kill9()
    # the deadline passes while the sender is down; at start it fires, late
    wait_for(lambda: item(a, mid)["ack_left_s"] < 0, 20, "the deadline to pass")
    a.start()
    wait_for(lambda: item(a, mid)["overdue_ack_notice"] is not None, 20,
             "the notice after the restart")
    wait_for(lambda: (item(b, mid) or {}).get("state") == "overdue-ack", 20,
             "the notice at bravo")


def test_machine_and_human_checks_with_the_same_figures_at_both(make_node):
    a, b = make_node("alpha"), make_node("bravo")
    a.pin(b, edit=short_deadlines("PT3S", "PT6S"))
    b.pin(a)
    a.start()
    b.start()
    b.cli("officer", "add", "bob", "--role", "duty")
    for _ in range(3):
        p = a.cli("check", "bravo", "--wait=20")
        assert "delivered" in p.stdout, p.stderr
    answered = a.cli("check", "bravo", "--human", "--wait=20").stdout.splitlines()[0]
    missed = a.cli("check", "bravo", "--human", "--wait=20").stdout.splitlines()[0]
    # a machine check needs no person: not on either board
    assert {i["id"] for i in b.json("desk")} == {answered, missed}
    b.cli("ack", answered, "--as", "bob")
    wait_for(lambda: item(a, answered)["acknowledged_by"] == "bob", 20, "the human answer")
    wait_for(lambda: item(a, missed)["overdue_ack_notice"] is not None, 20, "the miss")

    def figures(node, direction):
        rows = [r for r in node.json("checks") if r["direction"] == direction]
        assert len(rows) == 1, rows
        return rows[0]
    wait_for(lambda: figures(b, "received")["human"]["missed"] == 1, 20, "bravo's count")
    sent, got = figures(a, "sent"), figures(b, "received")
    assert sent["peer"] == "bravo" and got["peer"] == "alpha"
    assert sent["machine"]["sent"] == 3 and sent["machine"]["answered"] == 3
    assert sent["human"] == {"sent": 2, "answered": 1, "missed": 1,
                             "response_s_p50": sent["human"]["response_s_p50"],
                             "response_s_p90": sent["human"]["response_s_p90"],
                             "response_s_max": sent["human"]["response_s_max"]}
    # signed times both hold: the same figures at both ends
    assert sent["machine"] == got["machine"] and sent["human"] == got["human"], (sent, got)
    assert sent["machine"]["rtt_ms_p50"] is not None
    text = a.cli("checks").stdout
    assert "bravo" in text and "sent" in text


def test_checks_the_agreement_schedules(make_node):
    import time
    now_min = time.gmtime().tm_hour * 60 + time.gmtime().tm_min

    def hhmm(m):
        return "%02d:%02d" % (m // 60, m % 60)

    def edit(payload):
        payload["checks"] = {"link": "urgent", "machine_every": "PT1M",
                             "human_window": {"from": hhmm(max(0, now_min - 5)),
                                              "to": hhmm(min(1440, now_min + 1))}}
    a, b = make_node("alpha"), make_node("bravo")
    a.pin(b, edit=edit)
    b.pin(a)
    a.start()
    b.start()

    def received(kind):
        return [r for r in b.json("checks") if r["direction"] == "received" and
                r[kind]["sent"] >= 1]
    # each party checks the other: a machine check at once, a human check
    # at a minute of the window (this one's window has begun)
    wait_for(lambda: received("machine") and received("human"), 30, "alpha's checks")
    wait_for(lambda: [r for r in a.json("checks") if r["direction"] == "received" and
                      r["machine"]["sent"] >= 1], 30, "bravo's checks")

    def human(node, direction):
        return [i for i in node.json("desk") if i["template"] == "comm-check" and
                i["direction"] == direction]
    # on bravo's board: alpha's human check to answer, and its own to alpha
    assert len(human(b, "received")) == 1, b.json("desk")
    wait_for(lambda: len(human(b, "sent")) == 1, 30, "bravo's human check")
    # a restart sends no second human check the same day
    a.stop()
    a.start()
    wait_for(lambda: len(a.loggrep("checks scheduled with 1 peers")) == 2, 20,
             "alpha's scheduler to run again")
    assert len(human(a, "sent")) == 1


def shifts(*rows):
    """A roster: (officer, role) on duty from an hour ago for a day."""
    import time
    t0 = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 3600))
    t1 = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 86400))
    return {"shifts": [{"officer": o, "role": r, "start": t0, "end": t1} for o, r in rows]}


def escalations(node, mid):
    return [e for e in node.json("desk", "--events") if e["event"] == "escalate" and
            e["id"] == mid]


def test_escalation_skips_empty_steps_and_stops_at_the_ack(desk, top):
    a, b = desk
    b.cli("officer", "add", "hal", "--role", "head")
    b.cli("roster", "set", write(top, "roster.json", shifts(("bob", "duty"), ("hal", "head"))))
    # nobody is on duty as supervisor: step 2 is skipped at once, so step 3
    # comes at step 2's time (4 s), not at its own (60 s)
    plan = {"steps": [{"after": "PT1S", "role": "duty"},
                      {"after": "PT4S", "role": "supervisor"},
                      {"after": "PT60S", "role": "head"}]}
    b.cli("escalation", "set", write(top, "plan.json", plan))
    assert [s["role"] for s in b.json("escalation")["steps"]] == ["duty", "supervisor", "head"]
    roster = b.json("roster")
    assert [r["role"] for r in roster["roles"] if r["on_duty"]] == ["duty", "head"]

    p = send_form(a, "bravo", top, "incident-notification", INCIDENT)
    mid = p.stdout.splitlines()[0]
    wait_for(lambda: len(escalations(b, mid)) == 2, 30, "the escalation to reach the head")
    got = sorted(escalations(b, mid), key=lambda e: e["json"]["level"])
    assert [(e["role"], e["officer"], e["json"]["level"]) for e in got] == \
        [("duty", "bob", 1), ("head", "hal", 3)], got
    assert item(b, mid)["escalation_level"] == 3
    assert item(b, mid)["escalation_next"] is None      # the plan is done
    # every event once per step, with what the command reads
    assert got[0]["json"]["subject"] == INCIDENT["observed"][:80]
    assert [e["event"] for e in b.json("desk", "--events") if e["id"] == mid].count(
        "incoming") == 1

    # an acknowledgement stops it at once
    p = send_form(a, "bravo", top, "incident-notification", INCIDENT)
    second = p.stdout.splitlines()[0]
    b.cli("ack", second, "--as", "bob")
    assert item(b, second)["state"] == "acknowledged"
    assert item(b, second)["escalation_next"] is None   # nothing more is planned
    # the first has ended its plan; the second had one step at most
    wait_for(lambda: item(a, second)["acknowledged_by"] == "bob", 20, "the ack")
    assert len(escalations(b, second)) <= 1
    assert item(b, second)["escalation_level"] <= 1


CONTACTS = {"contacts": [
    {"role": "desk", "name": "Watch desk", "phone": ["+43 1 531 15 0"],
     "email": ["desk@cert.example"], "languages": ["en", "fr"], "hours": "24/7",
     "tz": "Europe/Vienna"},
    {"role": "technical", "name": "CERT duty", "phone": [], "email": ["cert@cert.example"],
     "languages": ["en"], "hours": "Mon-Fri 08:00-18:00", "tz": "Europe/Vienna"}]}


def test_contacts_versions_reach_the_peer_with_what_changed(desk, top):
    a, b = desk
    bad = dict(CONTACTS, contacts=[dict(CONTACTS["contacts"][1])])
    p = a.cli("contacts", "set", write(top, "bad.json", bad), check=False)
    assert p.returncode == 1 and "desk" in p.stderr, p.stderr     # a desk contact is required
    assert a.json("contacts")["version"] is None

    a.cli("contacts", "set", write(top, "c1.json", CONTACTS))
    assert a.json("contacts")["version"] == 1
    wait_for(lambda: b.json("directory"), 20, "version 1 at bravo")
    got = b.json("directory")[0]
    assert got["peer"] == "alpha" and got["version"] == 1 and not got["stale"]
    assert [c["name"] for c in got["contacts"]] == ["Watch desk", "CERT duty"]

    changed = json.loads(json.dumps(CONTACTS))
    changed["contacts"][0]["phone"] = ["+43 1 531 15 9"]
    changed["contacts"].append({"role": "senior-official", "name": "Office of the director",
                                "phone": ["+43 1 531 15 1"], "email": [],
                                "languages": ["de", "en"], "hours": "office hours",
                                "tz": "Europe/Vienna"})
    a.cli("contacts", "set", write(top, "c2.json", changed))
    wait_for(lambda: b.json("directory")[0]["version"] == 2, 20, "version 2 at bravo")
    hist = b.json("directory", "alpha", "--history")[0]["history"]
    assert [v["version"] for v in hist] == [1, 2]
    changes = hist[1]["changes"]
    assert {"change": "changed", "role": "desk", "name": "Watch desk", "field": "phone",
            "from": ["+43 1 531 15 0"], "to": ["+43 1 531 15 9"]} in changes, changes
    assert any(c["change"] == "added" and c["role"] == "senior-official" for c in changes)
    # a formal message alpha sends now shows the time at both desks:
    # alpha's zone (desk_tz) and bravo's, from the contacts bravo sent
    b.cli("contacts", "set", write(top, "cb.json", {"contacts": [dict(
        CONTACTS["contacts"][0], name="Bravo desk", tz="Asia/Tokyo")]}))
    wait_for(lambda: a.json("directory"), 20, "bravo's contacts at alpha")
    a.cli("config", "set", "desk_tz", "Europe/Vienna")
    p = send_form(a, "bravo", top, "goodwill", {"message": "Season's greetings"})
    shown = a.cli("show", p.stdout.splitlines()[0]).stdout
    assert "CET (UTC+01:00) at alpha (Europe/Vienna)" in shown, shown
    assert "JST (UTC+09:00) at bravo (Asia/Tokyo)" in shown, shown
    assert a.json("show", p.stdout.splitlines()[0])["form"]["receiver_tz"] == "Asia/Tokyo"
    # the change reached the notify queue once, and the text view says it
    assert [e["key"] for e in b.json("desk", "--events") if e["event"] == "contacts-changed"] \
        == ["contacts-changed:%s:2" % hist[1]["message"],
            "contacts-changed:%s:1" % hist[0]["message"]]
    text = b.cli("directory", "--history").stdout
    assert "version 2" in text and "changed desk Watch desk: phone" in text
    # each version is a signed message alpha sent and bravo received
    assert b.json("show", hist[1]["message"])["type"] == "desk.contacts"


HOOK = """#!/bin/sh
# records each call: the environment's fields, then the JSON on stdin;
# fails its first call, to show the retry
log=%(log)s
if [ ! -f "$log.first" ]; then : > "$log.first"; exit 1; fi
# two calls may run at once: one write each, so lines never interleave
in=$(cat)
printf '%%s|%%s|%%s|%%s|%%s|%%s|%%s\\n' "$PARLEY_EVENT" "$PARLEY_ID" "$PARLEY_PEER" \\
    "$PARLEY_PRIORITY" "$PARLEY_ROLE" "$PARLEY_OFFICER" "$in" >> "$log"
"""


def hook_calls(log):
    try:
        with open(log) as f:
            rows = [line.rstrip("\n").split("|", 6) for line in f if line.strip()]
    except FileNotFoundError:
        return []
    return [dict(zip(("event", "id", "peer", "priority", "role", "officer"), r[:6]),
                 json=json.loads(r[6])) for r in rows]


def test_notify_command_gets_each_event_once_with_retries(make_node, top):
    log = os.path.join(top[0], "hook.log")
    script = write(top, "hook.sh", HOOK % {"log": log})
    os.chmod(script, 0o755)
    a, b = make_node("alpha"), make_node("bravo")
    a.pin(b)
    b.pin(a)
    b.configure(notify_cmd=script, notify_timeout_ms=5000)
    a.start()
    b.start()
    b.cli("officer", "add", "bob", "--role", "duty")
    b.cli("roster", "set", write(top, "roster.json", shifts(("bob", "duty"))))
    b.cli("escalation", "set", write(top, "plan.json",
                                     {"steps": [{"after": "PT1S", "role": "duty"}]}))
    p = send_form(a, "bravo", top, "incident-notification", INCIDENT)
    mid = p.stdout.splitlines()[0]
    # the first call fails and is tried again a second later: by then the
    # escalation's may have run, so the order is not promised
    wait_for(lambda: sorted(c["event"] for c in hook_calls(log)) == ["escalate", "incoming"],
             30, "the notify command's calls")
    esc, inc = sorted(hook_calls(log), key=lambda c: c["event"])
    assert (inc["id"], inc["peer"], inc["priority"]) == (mid, "alpha", "flash")
    assert inc["json"]["subject"] == INCIDENT["observed"][:80]
    assert (esc["role"], esc["officer"], esc["json"]["level"]) == ("duty", "bob", 1)
    # the first call failed and was tried again: done, after two tries
    ev = {e["event"]: e for e in b.json("desk", "--events")}
    assert ev["incoming"]["state"] == "done" and ev["incoming"]["tries"] == 2, ev
    assert ev["escalate"]["state"] == "done" and ev["escalate"]["tries"] == 1, ev
    # across a restart nothing is run twice
    b.stop()
    b.start()
    b.cli("ack", mid, "--as", "bob")
    wait_for(lambda: item(a, mid)["acknowledged_by"] == "bob", 20, "the ack")
    assert sorted(c["event"] for c in hook_calls(log)) == ["escalate", "incoming"]


def test_receiver_kill9_keeps_its_escalation(desk, top):
    """kill -9 of the receiver while a step is pending: at start the step
    is rebuilt from the store and fires (marked late when it fell due more
    than a minute before: test_desk.c)."""
    a, b = desk
    b.cli("escalation", "set", write(top, "plan.json",
                                     {"steps": [{"after": "PT3S", "role": "duty"}]}))
    p = send_form(a, "bravo", top, "incident-notification", INCIDENT)
    mid = p.stdout.splitlines()[0]
    assert item(b, mid)["escalation_next"] is not None
    b.kill9()
    due = item(b, mid)["escalation_next"]
    wait_for(lambda: time_passed(due), 20, "the step to fall due while bravo is down")
    assert escalations(b, mid) == []
    b.start()
    wait_for(lambda: escalations(b, mid), 20, "the step after the restart")
    assert len(escalations(b, mid)) == 1


def time_passed(rfc3339):
    import datetime
    t = datetime.datetime.strptime(rfc3339, "%Y-%m-%dT%H:%M:%S.%fZ").replace(
        tzinfo=datetime.timezone.utc)
    return datetime.datetime.now(datetime.timezone.utc) > t
