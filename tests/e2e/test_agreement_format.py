"""The agreement's JWS General Serialization, checked without parley's code.

fuzz/corpus/agreement/signed-both is the example of docs/AGREEMENTS.md
signed by alpha and countersigned by bravo with parley's functions (the
fuzz keys: Ed25519 seeds of 32 bytes 0x07 and 0x08).  Here the cryptography
package derives those keys, computes their RFC 7638 thumbprints, and checks
every signature over the base64url as it stands (RFC 7515 §5.2), so a JOSE
library holding the parties' keys verifies what parley writes.  The payload
is the doc's example in canonical form.  (The end-to-end test with
python-jwcrypto and real daemons comes with the `parley agreement` verbs.)
"""
import base64
import hashlib
import json
import os
import re

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

TOP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def b64u(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def unb64u(s):
    assert "=" not in s
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def fuzz_key(fill):
    key = Ed25519PrivateKey.from_private_bytes(bytes([fill]) * 32)
    x = b64u(key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))
    kid = b64u(hashlib.sha256(('{"crv":"Ed25519","kty":"OKP","x":"%s"}' % x).encode()).digest())
    return kid, key.public_key()


def doc_example():
    with open(os.path.join(TOP, "docs", "AGREEMENTS.md")) as f:
        text = f.read()
    m = re.search(r"<!-- agreement-example:begin -->\n```json\n(.*?)```\n"
                  r"<!-- agreement-example:end -->", text, re.S)
    assert m
    return json.loads(m.group(1))


def test_general_serialization_verifies_independently():
    with open(os.path.join(TOP, "fuzz", "corpus", "agreement", "signed-both")) as f:
        doc = json.load(f)
    assert sorted(doc) == ["payload", "signatures"]
    payload = unb64u(doc["payload"])
    example = doc_example()
    # what was signed is the example in canonical form (sorted keys, compact)
    assert json.loads(payload) == example
    assert payload == json.dumps(example, sort_keys=True, separators=(",", ":"),
                                 ensure_ascii=False).encode()
    keys = dict(fuzz_key(f) for f in (7, 8))
    parties = {p["kid"]: p["name"] for p in example["parties"]}
    assert set(parties) == set(keys)
    signed = []
    for s in doc["signatures"]:
        assert sorted(s) == ["protected", "signature"]
        hdr = json.loads(unb64u(s["protected"]))
        assert hdr == {"alg": "EdDSA", "kid": hdr["kid"], "typ": "parley-agreement"}
        keys[hdr["kid"]].verify(unb64u(s["signature"]),
                                (s["protected"] + "." + doc["payload"]).encode())
        signed.append(parties[hdr["kid"]])
    assert signed == ["alpha", "bravo"]
