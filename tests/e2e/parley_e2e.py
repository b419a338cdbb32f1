"""parley_e2e - helpers for the end-to-end tests: real daemons on loopback.

Every wait is on a condition with a deadline (wait_for); nothing sleeps to
synchronise.  PARLEY_BIN names the build directory (default: ../../build).
"""
import base64
import datetime
import hashlib
import json
import os
import re
import resource
import signal
import socket
import sqlite3
import ssl
import subprocess
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
BIN = os.environ.get("PARLEY_BIN", os.path.join(HERE, "..", "..", "build"))
# Published material the tests read but the repository never holds
# (../shared/data/README.md); tests skip with one line where it is absent.
SHARED_DATA = os.environ.get("PARLEY_SHARED_DATA",
                             os.path.join(HERE, "..", "..", "..", "shared", "data"))
ATTACK = os.path.join(SHARED_DATA, "attack", "ics-attack-18.1.json.xz")
# Sanitizer builds run several times slower: stretch every deadline.
SLOW = 4 if "asan" in os.path.basename(os.path.normpath(BIN)) else 1


def deadline(seconds):
    return seconds * SLOW


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_for(pred, timeout, what):
    end = time.monotonic() + deadline(timeout)
    last = None
    while time.monotonic() < end:
        last = pred()
        if last:
            return last
        time.sleep(0.02)
    raise AssertionError(f"timed out after {deadline(timeout)} s waiting for {what}")


def run(*args, stdin=None, check=False):
    p = subprocess.run([os.path.join(BIN, "parley"), *map(str, args)], input=stdin,
                       capture_output=True, text=True, timeout=deadline(60))
    if check and p.returncode != 0:
        raise AssertionError(f"parley {' '.join(map(str, args))} failed ({p.returncode}): {p.stderr}")
    return p


class Node:
    def __init__(self, top, name, max_body=None):
        self.name = name
        self.dir = os.path.join(top, name)
        self.port = free_port()
        self.proc = None
        self.log = os.path.join(top, name + ".log")
        args = ["init", name, "--dir", self.dir, "--listen", f"127.0.0.1:{self.port}"]
        if max_body:
            args += ["--max-body", max_body]
        run(*args, check=True)

    def cli(self, *args, check=True, stdin=None):
        return run(*args, "--dir", self.dir, stdin=stdin, check=check)

    def json(self, *args):
        return json.loads(self.cli(*args, "--json").stdout)

    def card_path(self):
        path = self.dir + ".card"
        with open(path, "w") as f:
            f.write(self.cli("card").stdout)
        return path

    def fingerprint(self):
        return self.cli("fingerprint").stdout.split("  (")[0]

    def pin(self, other, links="urgent,cert", edit=None):
        """Pin other, and hold an agreement between the two on links (signed
        by both keys here, as any JOSE library would, and imported: the
        same document at both ends, whichever pins first)."""
        self.cli("peer", "add", other.card_path(), "--fingerprint", other.fingerprint())
        key = tuple(sorted((self.dir, other.dir)))
        doc = _AGREED.get(key)
        if doc is None:
            doc = _AGREED[key] = agreement_doc(self, other, links, edit)
        path = os.path.join(os.path.dirname(self.dir), "agreement-%s.json" % self.name)
        with open(path, "w") as f:
            f.write(doc)
        return self.cli("agreement", "import", path).stdout.split()[-1]

    def kid(self):
        return node_kid(self)

    def configure(self, **keys):
        """Set keys in DIR/parley.json (read by parleyd when it starts)."""
        path = os.path.join(self.dir, "parley.json")
        with open(path) as f:
            cfg = json.load(f)
        cfg.update(keys)
        with open(path, "w") as f:
            json.dump(cfg, f, indent=2)

    def start(self, nofile=None, prefix=()):
        """Start parleyd; nofile: its RLIMIT_NOFILE (soft and hard); prefix: a
        command that execs the daemon (it must keep the pid, e.g. unshare)."""
        assert self.proc is None or self.proc.poll() is not None

        def limit():
            resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))
        self.proc = subprocess.Popen([*prefix, os.path.join(BIN, "parleyd"), "--dir", self.dir],
                                     stderr=open(self.log, "a"),
                                     preexec_fn=limit if nofile else None)
        wait_for(lambda: self.proc.poll() is not None or
                 self.cli("status", check=False).returncode == 0, 20, f"{self.name} to start")
        assert self.proc.poll() is None, \
            f"{self.name} exited ({self.proc.returncode}):\n{self.logtail(4000)}"

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            assert self.proc.wait(timeout=deadline(20)) == 0, self.logtext()
        self.proc = None

    def kill9(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.proc = None

    def logtext(self):
        try:
            with open(self.log) as f:
                return f.read()
        except OSError:
            return ""

    def loglines(self):
        return self.logtext().splitlines()

    def loggrep(self, pattern=None, limit=1000):
        """Up to limit log lines matching pattern (any line if None), read
        as a stream: a flooded log of gigabytes costs no more than limit."""
        rx = re.compile(pattern, re.I) if pattern else None
        out = []
        try:
            with open(self.log, errors="replace") as f:
                for line in f:
                    if rx is None or rx.search(line):
                        out.append(line.rstrip("\n"))
                        if len(out) >= limit:
                            break
        except OSError:
            pass
        return out

    def logtail(self, n):
        """The last n bytes of the log."""
        try:
            with open(self.log, "rb") as f:
                f.seek(max(0, os.path.getsize(self.log) - n))
                return f.read().decode(errors="replace")
        except OSError:
            return ""

    def proc_status(self, field):
        """A field of /proc/PID/status in kB (VmHWM: peak RSS, VmRSS, ...)."""
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
        raise AssertionError(f"no {field} in /proc/{self.proc.pid}/status")

    def cpu_seconds(self):
        """User plus system CPU time the daemon has used."""
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def status_within(self, seconds):
        """`parley status --json` if it answers within seconds, else None."""
        try:
            p = subprocess.run([os.path.join(BIN, "parley"), "status", "--json", "--dir", self.dir],
                               capture_output=True, text=True, timeout=deadline(seconds))
        except subprocess.TimeoutExpired:
            return None
        return json.loads(p.stdout) if p.returncode == 0 else None

    def send(self, peer, subject="hello", wait=30):
        """parley send ... --wait: the CompletedProcess (0: receipt received)."""
        return self.cli("send", peer, "--link", "urgent", "--type", "notification",
                        "--priority", "flash", "--subject", subject, f"--wait={wait}", check=False)

    def api(self, reqs):
        """Pipeline requests on one local API connection; return the answers."""
        s = socket.socket(socket.AF_UNIX)
        s.connect(os.path.join(self.dir, "parleyd.sock"))
        s.sendall("".join(json.dumps(r) + "\n" for r in reqs).encode())
        f = s.makefile("r")
        out = [json.loads(f.readline()) for _ in reqs]
        s.close()
        return out

    def outbox(self):
        return self.json("outbox", "--all")

    def inbox(self):
        return self.json("inbox", "--all")


def ckpt_size(node):
    """The size in the node's latest signed checkpoint (0: none yet)."""
    p = node.cli("log", "checkpoint", check=False)
    return int(p.stdout.split("\n")[1]) if p.returncode == 0 else 0


def peek(node, sql):
    """The one value sql reads from the node's store, read-only beside the
    daemon: cheap enough to poll (WAL readers never block)."""
    db = sqlite3.connect(f"file:{node.dir}/parley.db?mode=ro", uri=True, timeout=5)
    try:
        return db.execute(sql).fetchone()[0]
    finally:
        db.close()


def log_size(node):
    """Entries in the node's log."""
    return peek(node, "SELECT count(*) FROM tlog WHERE idx IS NOT NULL")


def send_req(peer, i=0, link="urgent", body="", **kw):
    r = {"op": "send", "peer": peer, "link": link, "type": "notification",
         "priority": "flash", "subject": f"message {i}", "body": body}
    r.update(kw)
    return r


def tls_client(cert=None, key=None):
    """A TLS 1.3 client context that checks nothing; cert/key: client identity."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    if cert:
        ctx.load_cert_chain(cert, key)
    return ctx


def client_hello():
    """The bytes of a real TLS 1.3 ClientHello (several hundred)."""
    out = ssl.MemoryBIO()
    obj = tls_client().wrap_bio(ssl.MemoryBIO(), out)
    try:
        obj.do_handshake()
    except ssl.SSLWantReadError:
        pass
    return out.read()


def closed_by_peer(s):
    """1 if the peer has closed the (non-blocking) socket s: EOF or reset."""
    try:
        return s.recv(4096, socket.MSG_PEEK) == b""
    except (BlockingIOError, InterruptedError):
        return False
    except OSError:
        return True


def tls_identity(top, kind, name="x"):
    """A self-signed certificate and key in top: kind ed25519, p256 or rsa.
    Returns (cert_path, key_path)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
    from cryptography.x509.oid import NameOID
    key = {"ed25519": lambda: ed25519.Ed25519PrivateKey.generate(),
           "p256": lambda: ec.generate_private_key(ec.SECP256R1()),
           "rsa": lambda: rsa.generate_private_key(65537, 2048)}[kind]()
    dn = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.utcnow()
    cert = (x509.CertificateBuilder().subject_name(dn).issuer_name(dn)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30))
            .sign(key, None if kind == "ed25519" else hashes.SHA256()))
    cp, kp = os.path.join(top, f"{name}-{kind}.crt"), os.path.join(top, f"{name}-{kind}.key")
    with open(cp, "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(kp, "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()))
    return cp, kp


def b64u(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def make_card(name, endpoint):
    """A card for a fresh Ed25519 key, built from README's Formats without
    parley: (card_text, fingerprint)."""
    from cryptography.hazmat.primitives.asymmetric import ed25519
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
    key = ed25519.Ed25519PrivateKey.generate()
    x = b64u(key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))
    canon = ('{"crv":"Ed25519","kty":"OKP","x":"%s"}' % x).encode()   # RFC 7638
    kid = b64u(hashlib.sha256(canon).digest())
    h = hashlib.sha512(canon).digest()
    fp = " ".join("%05d" % (int.from_bytes(h[i * 5:i * 5 + 5], "big") % 100000) for i in range(8))
    created = datetime.datetime.utcnow().strftime("%Y-%m-%dT%H:%M:%S.000Z")
    payload = {"v": 1, "name": name, "key": {"kty": "OKP", "crv": "Ed25519", "x": x},
               "endpoints": [endpoint], "created_at": created}
    prot = b64u(json.dumps({"alg": "EdDSA", "kid": kid, "typ": "parley-card"},
                           separators=(",", ":")).encode())
    pay = b64u(json.dumps(payload, separators=(",", ":")).encode())
    sig = b64u(key.sign(f"{prot}.{pay}".encode()))
    return json.dumps({"protected": prot, "payload": pay, "signature": sig}), fp


_AGREED = {}


def agreed_id(a, b):
    """The id of the agreement pin() made between a and b (a made-up one
    when there is none)."""
    doc = _AGREED.get(tuple(sorted((a.dir, b.dir))))
    if doc is None:
        return "019a3c2e-7b10-7c4a-9d2e-5f6a7b8c9d0e"
    doc = json.loads(doc)
    pay = doc["payload"]
    return json.loads(base64.urlsafe_b64decode(pay + "=" * (-len(pay) % 4)))["id"]


def node_key(node):
    from cryptography.hazmat.primitives import serialization
    with open(os.path.join(node.dir, "identity.key"), "rb") as f:
        return serialization.load_pem_private_key(f.read(), None)


def node_kid(node):
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
    x = b64u(node_key(node).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))
    canon = ('{"crv":"Ed25519","kty":"OKP","x":"%s"}' % x).encode()   # RFC 7638
    return b64u(hashlib.sha256(canon).digest())


def sign_agreement(payload, signers):
    """The JWS General Serialization of payload (a dict, in canonical form)
    signed by each node of signers with its own key."""
    pay = b64u(json.dumps(payload, sort_keys=True, separators=(",", ":"),
                          ensure_ascii=False).encode())
    sigs = []
    for n in signers:
        prot = b64u(json.dumps({"alg": "EdDSA", "kid": node_kid(n), "typ": "parley-agreement"},
                               separators=(",", ":")).encode())
        sigs.append({"protected": prot,
                     "signature": b64u(node_key(n).sign(f"{prot}.{pay}".encode()))})
    return json.dumps({"payload": pay, "signatures": sigs}, indent=2) + "\n"


def agreement_doc(a, b, links="urgent,cert", edit=None):
    """An agreement between a and b (a's draft, b pinned at a) on links,
    signed by both; edit(payload) may change the draft first."""
    payload = json.loads(a.cli("agreement", "draft", b.name).stdout)
    keep = links.split(",")
    payload["links"] = {k: v for k, v in payload["links"].items() if k in keep}
    # broad terms, so that tests of other things are not refused by them:
    # every type of the draft's links, every priority, the largest body
    types = sorted({t for v in payload["links"].values() for t in v["types"]} |
                   {"notification"})
    for v in payload["links"].values():
        # a type is a template's or free: the templates a link lists
        # (version 2) are not among its free types
        v.update(types=[t for t in types if t not in v.get("templates", [])],
                 priorities=["flash", "immediate", "priority", "routine"],
                 max_body=16777216)
    if edit:
        edit(payload)
    return sign_agreement(payload, [a, b])


def short_tmp():
    # unix socket paths must stay under 108 bytes
    return tempfile.mkdtemp(prefix="pe2e")


def request_as(a, b, path, body, method="POST"):
    """A request to node b over TLS with node a's own identity (a pinned
    peer of b, or a stranger): (HTTP status, text)."""
    import http.client
    ctx = tls_client(os.path.join(a.dir, "identity.crt"), os.path.join(a.dir, "identity.key"))
    c = http.client.HTTPSConnection("127.0.0.1", b.port, context=ctx, timeout=deadline(20))
    c.request(method, path, body=body.encode() if body is not None else None)
    r = c.getresponse()
    out = r.status, r.read().decode()
    c.close()
    return out
