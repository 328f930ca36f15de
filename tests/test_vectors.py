"""Known-answer vectors (tests/vectors/*.json): linkcore must reproduce every filter bit for bit.

Three tests also re-derive vectors from docs/spec.md alone (HKDF, HMAC-PRF and AES positions, bit
order) without calling linkcore's encoder, so the spec and the code cannot drift apart.
"""

import hashlib
import hmac
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from linkcore.holder.encode import encode
from linkcore.holder.keys import Secret
from linkcore.schema import Mapping, Schema

VECTORS = sorted((Path(__file__).parent / "vectors").glob("*.json"))


def test_there_are_at_least_30_vectors():
    assert len(VECTORS) >= 30


@pytest.mark.parametrize("path", VECTORS, ids=[p.stem for p in VECTORS])
def test_vector(path):
    vec = json.loads(path.read_text(encoding="utf-8"))
    schema = Schema.from_dict(vec["schema"])
    assert schema.fingerprint == vec["schema_fingerprint"]
    secret = Secret(bytes.fromhex(vec["secret_hex"]))
    assert secret.key_check_value() == vec["key_check_value"]
    mapping = Mapping.from_dict(vec["mapping"])
    ds = encode(pd.DataFrame(vec["records"]), schema, secret, mapping,
                blip_nonce=bytes.fromhex(vec["blip_nonce_hex"]))
    for i, exp in enumerate(vec["expected"]):
        assert ds.record_ids[i] == exp["id"]
        for j, name in enumerate(schema.field_names):
            got = None if ds.missing[i, j] else ds.fields[name][i].astype("<u8").tobytes().hex()
            assert got == exp["fields"][name], f"{path.stem}: record {exp['id']} field {name}"
        if "clk" in exp:
            assert ds.clk[i].astype("<u8").tobytes().hex() == exp["clk"]
        for key, value in exp["blocking_keys"].items():
            got = int(ds.blocking_keys[key][i])
            assert (None if got == 0 else f"{got:016x}") == value


def _spec_hkdf(secret: bytes, info: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"linkcore/v1/hkdf-salt",
                info=info.encode()).derive(secret)


def _folded(positions: set[int] | list[int], m: int) -> str:
    bits = np.zeros(m, dtype=np.uint8)
    bits[list(positions)] = 1
    return np.packbits(bits[: m // 2] ^ bits[m // 2:], bitorder="little").tobytes().hex()


def test_vector_rederived_from_the_spec_alone():
    """defaults_v1, r1: 'John' salted '1975' -> padded bigrams -> HMAC PRF -> bits -> XOR-fold."""
    vec_path = Path(__file__).parent / "vectors" / "40_defaults_v1.json"
    vec = json.loads(vec_path.read_text("utf-8"))
    secret = bytes.fromhex(vec["secret_hex"])
    m, k = 512, 12  # the name kind's defaults (docs/spec.md), then XOR-fold (format version 1)
    key = _spec_hkdf(secret, "linkcore/v1/field/first_name/bloom")
    positions = []
    for g in ("_j", "jo", "oh", "hn", "n_"):
        msg = b"1975\x1f" + g.encode()
        stream = b"".join(hmac.new(key, b.to_bytes(4, "big") + msg, hashlib.sha256).digest()
                          for b in range(-(-k // 8)))
        positions += [int.from_bytes(stream[4 * i:4 * i + 4], "little") % m for i in range(k)]
    assert vec["expected"][0]["fields"]["first_name"] == _folded(positions, m)
    kcv_key = _spec_hkdf(secret, "linkcore/v1/kcv")
    kcv = hmac.new(kcv_key, b"linkcore/v1/key-check-value", hashlib.sha256).digest()[:16].hex()
    assert vec["key_check_value"] == kcv


def test_aes_vector_rederived_from_the_spec_alone():
    """hardening_xor_fold (format version 2: AES positions), r1: 'John', unsalted, XOR-folded."""
    vec_path = Path(__file__).parent / "vectors" / "24_hardening_xor_fold.json"
    vec = json.loads(vec_path.read_text("utf-8"))
    secret = bytes.fromhex(vec["secret_hex"])
    m, k = 512, 12
    tag_key = _spec_hkdf(secret, "linkcore/v1/field/first_name/bloom/tag")
    aes_key = _spec_hkdf(secret, "linkcore/v1/field/first_name/bloom/aes")
    salt_tag = hmac.new(tag_key, b"\x02", hashlib.sha256).digest()[:8]  # unsalted
    positions = []
    for g in ("_j", "jo", "oh", "hn", "n_"):
        token_tag = hmac.new(tag_key, b"\x00" + g.encode(), hashlib.sha256).digest()[:7]
        enc = Cipher(algorithms.AES(aes_key), modes.ECB()).encryptor()
        stream = b"".join(enc.update(token_tag + salt_tag + bytes([b])) for b in range(-(-k // 4)))
        positions += [int.from_bytes(stream[4 * i:4 * i + 4], "little") % m for i in range(k)]
    assert vec["expected"][0]["fields"]["first_name"] == _folded(positions, m)


def _aes_positions(secret: bytes, field: str, salt: str, grams: tuple[str, ...], m: int,
                   k: int) -> list[int]:
    tag_key = _spec_hkdf(secret, f"linkcore/v1/field/{field}/bloom/tag")
    aes_key = _spec_hkdf(secret, f"linkcore/v1/field/{field}/bloom/aes")
    salt_tag = hmac.new(tag_key, b"\x01" + salt.encode(), hashlib.sha256).digest()[:8]
    positions = []
    for g in grams:
        token_tag = hmac.new(tag_key, b"\x00" + g.encode(), hashlib.sha256).digest()[:7]
        enc = Cipher(algorithms.AES(aes_key), modes.ECB()).encryptor()
        stream = b"".join(enc.update(token_tag + salt_tag + bytes([b])) for b in range(-(-k // 4)))
        positions += [int.from_bytes(stream[4 * i:4 * i + 4], "little") % m for i in range(k)]
    return positions


def test_value_with_salt_vector_rederived_from_the_spec_alone():
    """value_with_salt, r1: 'john' salted 'SW1A 1AA' 0x1F 'j' (the postcode, then its own salt)."""
    vec = json.loads((Path(__file__).parent / "vectors" / "43_value_with_salt.json")
                     .read_text("utf-8"))
    secret = bytes.fromhex(vec["secret_hex"])
    m, k = 512, 12  # the name kind's defaults, no hardening
    positions = _aes_positions(secret, "first_name_by_postcode", "SW1A 1AA\x1fj",
                               ("_j", "jo", "oh", "hn", "n_"), m, k)
    bits = np.zeros(m, dtype=np.uint8)
    bits[positions] = 1
    expected = np.packbits(bits, bitorder="little").tobytes().hex()
    assert vec["expected"][0]["fields"]["first_name_by_postcode"] == expected
    # r4 shares r1's postcode but not its initial: no column of theirs is equal
    r1, r4 = vec["expected"][0], vec["expected"][3]
    assert r1["fields"]["postcode"] != r4["fields"]["postcode"]
    assert r1["blocking_keys"]["postcode-initial"] != r4["blocking_keys"]["postcode-initial"]
