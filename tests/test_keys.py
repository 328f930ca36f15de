"""Secret: reading, writing (0600), refusing short or garbage keys, subkeys, key check value."""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import os
import pickle
import stat

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from hypothesis import given
from hypothesis import strategies as st
from keybytes import key_bytes
from strategies import FAST_SETTINGS

from linkcore.errors import SecretError
from linkcore.holder.keys import (
    DEFAULT_ENV_VAR,
    HKDF_SALT,
    KCV_LABEL,
    KEY_FILE_HEADER,
    Secret,
    load_secret,
)

KEY = bytes(range(100, 132))


def key_forms(key: bytes) -> list[str]:
    """Every text form in which a key might leak."""
    return [key.hex(), key.hex().upper(), base64.b64encode(key).decode(),
            base64.urlsafe_b64encode(key).decode(), repr(key), key.decode("latin-1")]

#: Keys of 16-64 bytes with at least 8 distinct values (degenerate keys are refused: see below).
RANDOM_LOOKING_KEYS = st.binary(min_size=16, max_size=64).filter(lambda k: len(set(k)) >= 8)


@FAST_SETTINGS
@given(RANDOM_LOOKING_KEYS)
def test_repr_and_str_never_show_the_key(key):
    s = Secret(key)
    for text in (repr(s), str(s), f"{s}", f"{s!r}"):
        for form in key_forms(key):
            assert form not in text
        assert f"{len(key) * 8} bits" in text


def test_secret_cannot_be_pickled_or_copied():
    s = Secret(KEY)
    with pytest.raises(TypeError):
        pickle.dumps(s)
    with pytest.raises(TypeError):
        copy.deepcopy(s)


@pytest.mark.parametrize("n_bytes", [0, 1, 8, 15])
def test_short_keys_are_refused(n_bytes):
    with pytest.raises(SecretError) as info:
        Secret(b"\x01" * n_bytes)
    assert f"{n_bytes * 8} bits" in str(info.value) and "128" in str(info.value)


def test_sixteen_bytes_is_enough_and_non_bytes_refused():
    assert Secret(key_bytes("\x01", 16))
    assert Secret(bytearray(key_bytes("\x02")))
    with pytest.raises(SecretError):
        Secret("a" * 32)  # type: ignore[arg-type]


@FAST_SETTINGS
@given(RANDOM_LOOKING_KEYS)
def test_text_forms_round_trip(key):
    ref = Secret(key).key_check_value()
    for text in (Secret(key).to_text(), key.hex(), key.hex().upper(),
                 base64.b64encode(key).decode(), f"  {key.hex()}\r\n"):
        assert Secret.from_text(text).key_check_value() == ref


def test_write_is_0600_and_reads_back(tmp_path):
    s = Secret.generate()
    p = tmp_path / "k.key"
    s.write(p)
    assert stat.S_IMODE(os.stat(p).st_mode) == 0o600
    assert p.read_text().startswith(KEY_FILE_HEADER + ":")
    assert Secret.from_file(p).key_check_value() == s.key_check_value()
    assert len(base64.b64decode(p.read_text().split(":", 1)[1])) == 32
    # refuses to overwrite without overwrite=True, and leaves the old key alone
    before = p.read_bytes()
    with pytest.raises(SecretError, match="already exists"):
        Secret.generate().write(p)
    assert p.read_bytes() == before
    Secret.generate().write(p, overwrite=True)
    assert p.read_bytes() != before
    assert stat.S_IMODE(os.stat(p).st_mode) == 0o600
    assert [x.name for x in tmp_path.iterdir()] == ["k.key"]  # no temporary files left


def test_generate_gives_fresh_256_bit_keys():
    kcvs = {Secret.generate().key_check_value() for _ in range(20)}
    assert len(kcvs) == 20
    assert "256 bits" in repr(Secret.generate())


BAD_KEY_FILES = [
    (b"", "empty"),
    (b"   \n", "empty"),
    (b"\xff\xfe\x00garbage\x80", "not text"),
    (b"hello world, this is not a key", "not a linkcore key"),
    (KEY_FILE_HEADER.encode() + b":!!!notbase64!!!", "not a linkcore key"),
    (KEY_FILE_HEADER.encode() + b":" + base64.b64encode(b"short"), "40 bits"),
    (b"00112233445566778899aabbccddee", "120 bits"),  # 15 bytes of hex
    (base64.b64encode(b"x" * 8), "64 bits"),
    # one stray character before a keygen key's padding decoded to another 264-bit key
    (KEY_FILE_HEADER.encode() + b":x" + base64.b64encode(bytes(range(1, 33))),
     "not a linkcore key"),
]


@pytest.mark.parametrize("content, expected", BAD_KEY_FILES, ids=[e for _, e in BAD_KEY_FILES])
def test_bad_key_files_give_a_clear_error_without_content(tmp_path, content, expected):
    p = tmp_path / "bad.key"
    p.write_bytes(content)
    p.chmod(0o600)  # a private file, so that the content is what is refused
    with pytest.raises(SecretError) as info:
        Secret.from_file(p)
    text = str(info.value)
    assert expected in text
    assert str(p) in text
    body = content.decode("latin-1").strip()
    if len(body) >= 6:
        assert body not in text


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o620, 0o666, 0o700 | 0o004])
def test_a_key_file_other_users_can_open_is_refused(tmp_path, mode):
    p = tmp_path / "k.key"
    Secret(KEY).write(p)
    p.chmod(mode)
    with pytest.raises(SecretError) as info:
        Secret.from_file(p)
    text = str(info.value)
    assert f"chmod 600 {p}" in text and f"{mode:04o}" in text
    assert not any(form in text for form in key_forms(KEY))
    with pytest.raises(SecretError, match="chmod 600"):
        load_secret(p)
    p.chmod(0o600)
    assert Secret.from_file(p).key_check_value() == Secret(KEY).key_check_value()
    p.chmod(0o400)  # read-only for its owner is private too
    assert Secret.from_file(p).key_check_value() == Secret(KEY).key_check_value()


def test_missing_key_file(tmp_path):
    with pytest.raises(SecretError, match="not found"):
        Secret.from_file(tmp_path / "absent.key")
    with pytest.raises(SecretError, match="is a directory"):
        load_secret(tmp_path)  # a directory is not a key file


def test_key_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("MY_KEY", KEY.hex())
    assert Secret.from_env("MY_KEY").key_check_value() == Secret(KEY).key_check_value()
    assert load_secret(env_var="MY_KEY").key_check_value() == Secret(KEY).key_check_value()
    monkeypatch.setenv(DEFAULT_ENV_VAR, Secret(KEY).to_text())
    assert load_secret().key_check_value() == Secret(KEY).key_check_value()
    # a key file wins over the environment
    p = tmp_path / "k.key"
    other = Secret.generate()
    other.write(p)
    assert load_secret(p).key_check_value() == other.key_check_value()
    monkeypatch.delenv(DEFAULT_ENV_VAR)
    with pytest.raises(SecretError) as info:
        load_secret()
    assert "--key-file" in str(info.value) and DEFAULT_ENV_VAR in str(info.value)
    monkeypatch.setenv("MY_KEY", "abcd")
    with pytest.raises(SecretError) as info:
        Secret.from_env("MY_KEY")
    assert "environment variable MY_KEY" in str(info.value) and "abcd" not in str(info.value)
    with pytest.raises(SecretError, match="not set"):
        Secret.from_env("LINKCORE_TEST_SURELY_UNSET")


# --------------------------------------------------------------------------------------
# Derivation
# --------------------------------------------------------------------------------------
def test_derive_is_hkdf_sha256_with_the_documented_salt_and_info():
    s = Secret(KEY)
    expected = HKDF(algorithm=hashes.SHA256(), length=32, salt=HKDF_SALT,
                    info=b"linkcore/v1/field/surname/bloom").derive(KEY)
    assert s.field_key("surname", "bloom") == expected
    assert s.derive("linkcore/v1/field/surname/bloom") == expected
    assert len(s.derive("x", 16)) == 16


def test_key_check_value_matches_the_documented_construction():
    s = Secret(KEY)
    kcv_key = HKDF(algorithm=hashes.SHA256(), length=32, salt=HKDF_SALT,
                   info=b"linkcore/v1/kcv").derive(KEY)
    expected = hmac.new(kcv_key, KCV_LABEL, hashlib.sha256).digest()[:16].hex()
    assert s.key_check_value() == expected
    assert len(expected) == 32
    assert Secret(KEY[::-1]).key_check_value() != expected


def test_subkeys_are_domain_separated():
    s = Secret(KEY)
    subkeys = [s.field_key(f, p) for f in ("first_name", "last_name", "dob")
               for p in ("bloom", "clk", "balance", "blip", "bloom/h1", "bloom/h2")]
    subkeys += [s.derive("linkcore/v1/kcv"), s.derive("linkcore/v1/blocking/b1"),
                s.derive("linkcore/v1/clk/balance")]
    assert len(set(subkeys)) == len(subkeys)
    assert KEY not in subkeys


@pytest.mark.parametrize("key", [bytes(32), b"\xff" * 16, b"password" * 2, b"ab" * 32,
                                 bytes(range(7)) * 5])
def test_a_key_that_is_plainly_not_random_is_refused(key):
    """Regression: an all-zero key was accepted, and its check value in every file names it."""
    from linkcore.linkage.pseudonyms import ProjectKey

    for make in (Secret, ProjectKey, lambda k: Secret.from_text(k.hex())):
        with pytest.raises(SecretError, match="fewer than 8 distinct byte values") as err:
            make(key)
        assert key.hex() not in str(err.value)


def test_a_random_key_of_the_shortest_length_passes():
    """16 random bytes have fewer than 8 distinct values with probability below 10^-12."""
    import secrets

    for _ in range(200):
        assert Secret(secrets.token_bytes(16))
