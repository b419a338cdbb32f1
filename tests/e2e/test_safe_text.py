"""Text from a peer can never redraw the operator's screen or forge a line
(issue 12, item 2): terminal escapes, carriage returns and bidi overrides in
a subject or body come out escaped in every human view and log line; --json
stays exact; a body keeps its line breaks."""
import json

ESC = "\x1b"
SUBJECT = f"Grid{ESC}[2J{ESC}[Hsignature: valid\r\u202etxt.exe"
BODY = f"line one\nline two{ESC}]0;owned\x07\r\nfake: line\n"


def test_escape_sequences_from_a_peer_are_shown_escaped(pair, top):
    a, b = pair
    path = top[0] + "/evil.txt"
    with open(path, "w") as f:
        f.write(BODY)
    p = a.cli("send", "bravo", "--link", "urgent", "--type", "notification", "--priority",
              "flash", "--subject", SUBJECT, "--body", path, "--wait=20")
    mid = p.stdout.splitlines()[0]

    for out in (b.cli("inbox").stdout, b.cli("show", mid).stdout, a.cli("show", mid).stdout):
        assert ESC not in out and "\r" not in out and "\u202e" not in out and "\x07" not in out
        assert "\\u001b[2J" in out and "\\u202e" in out
    shown = b.cli("show", mid).stdout
    # the body keeps its line breaks; what it hid is shown, not obeyed
    assert "line one\nline two\\u001b]0;owned\\u0007\\r\nfake: line\n" in shown
    # one line per message in the listing, whatever the subject holds
    rows = [r for r in b.cli("inbox").stdout.splitlines() if r.startswith(mid)]
    assert len(rows) == 1 and "signature: valid" in rows[0]

    # --json is exact: what was signed, byte for byte
    j = json.loads(b.cli("show", mid, "--json").stdout)
    assert j["subject"] == SUBJECT and j["body"] == BODY
    assert [m["subject"] for m in b.inbox()] == [SUBJECT]


def test_views_show_what_was_signed_and_flag_an_altered_row(pair, top):
    """A subject column changed behind parley's back (an old backup, a hand
    edit) is not shown as if it had been signed: the listings show the
    signed fields and flag the row (issue 12, item 2)."""
    import os
    import sqlite3

    a, b = pair
    mid = a.cli("send", "bravo", "--link", "urgent", "--type", "notification", "--priority",
                "flash", "--subject", "Grid scanning", "--wait=20").stdout.splitlines()[0]
    assert "ALTERED" not in b.cli("inbox").stdout and b.inbox()[0]["altered"] is False
    a.stop()
    b.stop()
    for node, table in ((a, "outbox"), (b, "inbox")):
        db = sqlite3.connect(os.path.join(node.dir, "parley.db"))
        with db:
            assert db.execute(f"UPDATE {table} SET subject = 'All clear', priority = 'routine'"
                              " WHERE id = ?", (mid,)).rowcount == 1
        db.close()
    row = [r for r in b.cli("inbox").stdout.splitlines() if r.startswith(mid)][0]
    assert "Grid scanning" in row and "flash" in row and "All clear" not in row
    assert "ALTERED" in row
    j = b.inbox()[0]
    assert (j["subject"], j["priority"], j["altered"]) == ("Grid scanning", "flash", True)
    row = [r for r in a.cli("outbox").stdout.splitlines() if r.startswith(mid)][0]
    assert "ALTERED" in row
    j = a.outbox()[0]
    assert (j["subject"], j["priority"], j["altered"]) == ("Grid scanning", "flash", True)
