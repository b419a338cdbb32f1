"""parley templates and parley template show (issue 14, first slice).

Both verbs need no node: they run here with no --dir and no $PARLEY_DIR,
and take a --dir they ignore.
"""
import json

import pytest

from parley_e2e import run

NAMES = ["incident-notification", "inquiry", "request-for-assistance", "reply",
         "comm-check", "goodwill"]
LANGS = ["en", "fr", "ru", "zh", "es", "ar"]


@pytest.fixture(autouse=True)
def no_dir(monkeypatch):
    monkeypatch.delenv("PARLEY_DIR", raising=False)


def test_templates_json_lists_the_six():
    p = run("templates", "--json")
    assert p.returncode == 0, p.stderr
    got = json.loads(p.stdout)
    assert [t["name"] for t in got] == NAMES
    assert all(t["version"] == 1 and t["title"] and t["n_fields"] >= 1 for t in got)
    assert {t["name"]: t["n_fields"] for t in got}["incident-notification"] == 9
    text = run("templates", "--dir", "/nonexistent")
    assert text.returncode == 0, text.stderr
    assert all(n in text.stdout for n in NAMES)


def test_template_show_french_json():
    p = run("template", "show", "incident-notification", "--lang", "fr", "--json")
    assert p.returncode == 0, p.stderr
    t = json.loads(p.stdout)
    assert t["name"] == "incident-notification" and t["version"] == 1
    assert t["lang"] == "fr"
    assert t["titles"]["fr"] == "Notification d'incident"
    assert sorted(t["titles"]) == sorted(LANGS)
    fields = {f["name"]: f for f in t["fields"]}
    assert list(fields) == ["observed", "observed_at", "sector", "systems", "severity",
                            "indicators", "actions_taken", "action_requested", "reply_by"]
    for f in t["fields"]:
        assert sorted(f["labels"]) == sorted(LANGS)
        assert all(f["labels"][lang] for lang in LANGS)
    assert fields["severity"]["type"] == "choice"
    assert fields["severity"]["choices"] == ["low", "medium", "high", "critical"]
    assert fields["observed"]["required"] is True
    assert fields["indicators"]["type"] == "list" and fields["indicators"]["required"] is False
    assert fields["observed_at"]["type"] == "time"
    assert fields["systems"]["labels"]["fr"] == "Systèmes touchés"


def test_template_show_text_in_language():
    p = run("template", "show", "inquiry", "--lang", "ru", "--dir", "/nonexistent")
    assert p.returncode == 0, p.stderr
    assert "Запрос информации" in p.stdout and "Вопросы" in p.stdout
    assert "questions" in p.stdout and "required" in p.stdout


def test_unknown_name_and_language_exit_1():
    p = run("template", "show", "no-such-form")
    assert p.returncode == 1
    assert "no-such-form" in p.stderr
    p = run("template", "show", "goodwill", "--lang", "de")
    assert p.returncode == 1
    assert "'de'" in p.stderr


def test_help_and_usage():
    for args in (("templates", "--help"), ("template", "--help"),
                 ("template", "show", "--help")):
        p = run(*args)
        assert p.returncode == 0, args
        assert p.stdout.startswith("usage: parley template")
    assert run("template").returncode == 2
    assert run("templates", "extra").returncode == 2
    assert run("templates", "--lang", "fr").returncode == 2
    top = run("--help")
    assert "templates" in top.stdout and "template " in top.stdout
