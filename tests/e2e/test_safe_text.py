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
