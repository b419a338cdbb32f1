"""parley config (issue 14): every setting listed with its value or its
default, get and set, values checked by the setting's rule (a refusal names
the key and leaves parley.json byte for byte as it was), the file written
atomically mode 0600, and a running parleyd applying at once what applies
at once."""
import json
import os
import stat

import pytest

KEYS = ["name", "listen", "endpoints", "max_body", "retry_max_ms", "path_probe_ms",
        "max_conns", "max_conns_per_addr", "handshake_timeout_ms", "peer_max_conns",
        "body_budget", "resolv_conf", "notify_cmd", "notify_timeout_ms", "desk_tz",
        "desk_lang", "console_listen", "stix_tlp_default", "stix_personal", "taxii_listen",
        "taxii_max_body", "csaf_listen", "csaf_base_url", "csaf_publisher_category",
        "csaf_publisher_name", "csaf_publisher_namespace", "created_at"]


def cfg_path(n):
    return os.path.join(n.dir, "parley.json")


def raw(n):
    with open(cfg_path(n), "rb") as f:
        return f.read()


def test_list_get_set_unset(make_node):
    a = make_node("alpha")
    listed = a.json("config")
    assert list(listed) == KEYS
    assert listed["name"] == {"value": "alpha", "default": None, "applies": "read-only"}
    assert listed["endpoints"]["value"] == [f"https://127.0.0.1:{a.port}"]
    assert listed["desk_tz"] == {"value": None, "default": "UTC", "applies": "now"}
    assert listed["desk_lang"] == {"value": None, "default": "en", "applies": "now"}
    assert listed["notify_cmd"] == {"value": None, "default": "", "applies": "now"}
    assert listed["notify_timeout_ms"]["default"] == 10000
    assert listed["max_conns"]["default"] is None          # computed when parleyd starts
    assert listed["max_body"]["applies"] == "restart"
    text = a.cli("config").stdout.splitlines()
    assert text[0].split() == ["KEY", "APPLIES", "VALUE"]
    assert [line.split()[0] for line in text[1:]] == KEYS
    assert any(line.split()[:3] == ["desk_tz", "now", "(default:"] for line in text), text

    assert a.cli("config", "get", "desk_tz").stdout == "UTC\n"
    assert a.cli("config", "get", "name").stdout == "alpha\n"
    r = a.cli("config", "set", "desk_tz", "Europe/Paris")
    assert "desk_tz = Europe/Paris" in r.stdout
    assert "parleyd is not running: it reads it when it starts" in r.stdout
    assert a.cli("config", "get", "desk_tz").stdout == "Europe/Paris\n"
    assert json.loads(raw(a))["desk_tz"] == "Europe/Paris"
    assert json.loads(a.cli("config", "get", "desk_tz", "--json").stdout)["value"] == \
        "Europe/Paris"
    a.cli("config", "set", "desk_lang", "ar")
    a.cli("config", "set", "notify_timeout_ms", "2500")
    assert json.loads(raw(a))["notify_timeout_ms"] == 2500
    a.cli("config", "set", "endpoints", f"https://127.0.0.1:{a.port}  https://b.example.net:7400")
    assert a.cli("config", "get", "endpoints").stdout == \
        f"https://127.0.0.1:{a.port} https://b.example.net:7400\n"
    card = json.loads(a.cli("card").stdout)
    assert card["card"]["endpoints"] == [f"https://127.0.0.1:{a.port}",
                                         "https://b.example.net:7400"]
    # unset: the key leaves the file, its default is back
    r = a.cli("config", "set", "desk_tz", "")
    assert "desk_tz unset (default: UTC)" in r.stdout
    assert "desk_tz" not in json.loads(raw(a))
    assert a.cli("config", "get", "desk_tz").stdout == "UTC\n"
    # a key the table does not know is kept as it is
    with open(cfg_path(a)) as f:
        cfg = json.load(f)
    cfg["someone_elses"] = {"kept": True}
    with open(cfg_path(a), "w") as f:
        json.dump(cfg, f, indent=2)
    a.cli("config", "set", "desk_lang", "zh")
    assert json.loads(raw(a))["someone_elses"] == {"kept": True}


def test_notify_cmd_takes_an_executable_file(make_node, top):
    a = make_node("alpha")
    script = os.path.join(top[0], "notify.sh")
    with open(script, "w") as f:
        f.write("#!/bin/sh\nexit 0\n")
    os.chmod(script, 0o700)
    a.cli("config", "set", "notify_cmd", script)
    assert a.cli("config", "get", "notify_cmd").stdout == script + "\n"
    a.cli("config", "set", "notify_cmd", "")
    assert a.cli("config", "get", "notify_cmd").stdout == "\n"


@pytest.mark.parametrize("key,value,says", [
    ("desk_tz", "Mars/Olympus_Mons", "desk_tz must be a time zone"),
    ("desk_tz", "../../etc/passwd", "desk_tz must be a time zone"),
    ("desk_lang", "de", "desk_lang must be one of en, fr, ru, zh, es, ar"),
    ("notify_timeout_ms", "99", "notify_timeout_ms must be an integer from 100 to 600000"),
    ("notify_timeout_ms", "600001", "notify_timeout_ms must be an integer"),
    ("notify_timeout_ms", "ten", "notify_timeout_ms must be an integer"),
    ("notify_cmd", "notify.sh", "notify_cmd must be the absolute path of an executable"),
    ("notify_cmd", "/nonexistent/notify", "No such file or directory"),
    ("notify_cmd", "PLAIN", "is not executable"),
    ("notify_cmd", "/tmp", "is not a regular file"),
    ("endpoints", "http://127.0.0.1:1", "endpoints must be 1 to 4 URLs"),
    ("endpoints", "", "endpoints cannot be unset"),
    ("path_probe_ms", "5", "path_probe_ms must be an integer from 1000"),
    ("max_body", "0", "max_body must be an integer from 1 to 16777216"),
    ("listen", "nowhere", "listen must be HOST:PORT"),
    ("name", "other", "name is read-only"),
    ("created_at", "2026-01-01T00:00:00Z", "created_at is read-only"),
    ("colour", "blue", "no setting is named \"colour\""),
])
def test_a_bad_value_is_refused_naming_the_key_and_nothing_is_written(make_node, top, key,
                                                                       value, says):
    a = make_node("alpha")
    if value == "PLAIN":
        value = os.path.join(top[0], "plain")
        with open(value, "w") as f:
            f.write("not a program\n")
        os.chmod(value, 0o600)
    before, st = raw(a), os.stat(cfg_path(a))
    r = a.cli("config", "set", key, value, check=False)
    assert r.returncode == 1, r
    assert says in r.stderr, r.stderr
    assert r.stderr.count("\n") == 1, r.stderr          # one line
    assert r.stdout == ""
    assert raw(a) == before                               # byte for byte
    assert os.stat(cfg_path(a)).st_ino == st.st_ino       # not even rewritten
    assert not os.path.exists(cfg_path(a) + ".tmp")


@pytest.mark.parametrize("args", [
    ["config", "set", "desk_tz"], ["config", "set"], ["config", "get"],
    ["config", "get", "a", "b"], ["config", "extra"], ["config", "--bogus"],
    ["config", "set", "desk_tz", "UTC", "--json"],
])
def test_usage_errors_exit_2(make_node, args):
    a = make_node("alpha")
    r = a.cli(*args, check=False)
    assert r.returncode == 2, r
    assert "usage: parley config" in r.stderr


@pytest.mark.parametrize("args", [["config"], ["config", "get"], ["config", "set"]])
def test_help(make_node, args):
    a = make_node("alpha")
    r = a.cli(*args, "--help")
    assert r.stdout.startswith("usage: parley config")
    assert "parley config set KEY VALUE" in r.stdout


def test_written_atomically_mode_0600(make_node):
    a = make_node("alpha")
    os.chmod(cfg_path(a), 0o644)
    a.cli("config", "set", "retry_max_ms", "2000")
    st = os.stat(cfg_path(a))
    assert stat.S_IMODE(st.st_mode) == 0o600
    assert json.loads(raw(a))["retry_max_ms"] == 2000
    assert not os.path.exists(cfg_path(a) + ".tmp")


def test_a_running_daemon_applies_at_once_what_applies_at_once(make_node):
    a = make_node("alpha")
    a.start()
    assert a.json("status")["desk_tz"] == "UTC"
    r = a.cli("config", "set", "desk_tz", "Asia/Tokyo")
    assert "the running parleyd applies it now" in r.stdout
    assert a.json("status")["desk_tz"] == "Asia/Tokyo"     # no restart
    pid = a.proc.pid
    # a setting read at start says so, and the daemon keeps its value until then
    r = a.cli("config", "set", "max_body", "4096")
    assert "takes effect when parleyd restarts" in r.stdout
    r = a.cli("config", "set", "desk_tz", "")
    assert a.json("status")["desk_tz"] == "UTC"
    assert a.proc.pid == pid and a.proc.poll() is None
    a.stop()
    a.start()
    assert a.json("config")["max_body"]["value"] == 4096
    a.cli("config", "set", "desk_tz", "America/Argentina/Buenos_Aires")
    assert a.json("status")["desk_tz"] == "America/Argentina/Buenos_Aires"
