"""The shared secret, its per-purpose subkeys (HKDF-SHA256), and the published key check value.

Only data holders ever hold a :class:`Secret`. Every use of the key goes through a subkey derived
with HKDF-SHA256 under a distinct ``info`` label (domain separation, docs/spec.md "Keys"), so that
no two purposes -- a field's Bloom-filter positions, its CLK positions, a blocking key, BLIP's
randomness, the key check value -- ever share key material.

Keys are read from a file or an environment variable, never from a command-line argument (argv is
visible to other users in ``ps`` and lands in shell history). Subkeys live only as long as the
encoding call that derived them: nothing here is cached process-wide.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from .._io import atomic_path
from .._keyfile import (
    KEY_FILE_HEADER,
    parse_key_text,
    read_key_file,
    refuse_degenerate,
    refuse_two_sources,
    shown,
)
from ..errors import SecretError

SECRET_BYTES = 32
MIN_SECRET_BYTES = 16
HKDF_SALT = b"linkcore/v1/hkdf-salt"
KCV_LABEL = b"linkcore/v1/key-check-value"
KCV_BYTES = 16
DEFAULT_ENV_VAR = "LINKCORE_SECRET"


class Secret:
    """A data holders' shared secret (at least 128 bits). Its repr never shows the key."""

    __slots__ = ("_key",)

    def __init__(self, key: bytes):
        if not isinstance(key, bytes | bytearray):
            raise SecretError("the secret must be bytes")
        if len(key) < MIN_SECRET_BYTES:
            raise SecretError(
                f"the secret is {len(key) * 8} bits; at least {MIN_SECRET_BYTES * 8} bits are "
                "required (make one with `linkcore keygen -o FILE`)"
            )
        refuse_degenerate(bytes(key), "the secret")
        self._key = bytes(key)

    def __repr__(self) -> str:
        return f"Secret(<{len(self._key) * 8} bits, kcv={self.key_check_value()[:8]}…>)"

    __str__ = __repr__

    def __reduce__(self):  # never pickle key material by accident
        raise TypeError("a Secret cannot be pickled")

    # -- construction -------------------------------------------------------------------
    @classmethod
    def generate(cls) -> Secret:
        """Make a fresh 256-bit secret from the operating system's CSPRNG."""
        return cls(secrets.token_bytes(SECRET_BYTES))

    @classmethod
    def from_text(cls, text: str, *, source: str = "the key") -> Secret:
        """Parse a key file's text: ``linkcore-secret-v1:<base64>``, or bare hex or base64.

        Lines starting with ``#`` are comments (the demo's key file marks itself demo-only so).
        """
        if not isinstance(text, str):
            raise SecretError("the key text must be a str (a key file's text), not "
                              f"{type(text).__name__}")
        return cls(parse_key_text(text, source))

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> Secret:
        """Read a private key file written by ``linkcore keygen`` (or hex or base64 text)."""
        return cls(read_key_file(path))

    @classmethod
    def from_env(cls, var: str = DEFAULT_ENV_VAR) -> Secret:
        """Read the secret from an environment variable (hex, base64 or key-file text)."""
        value = os.environ.get(var)
        if value is None:
            raise SecretError(f"environment variable {shown(var)} is not set")
        return cls.from_text(value, source=f"environment variable {shown(var)}")

    def to_text(self) -> str:
        """Return the key-file form: ``linkcore-secret-v1:<base64>`` and a newline."""
        return f"{KEY_FILE_HEADER}:{base64.b64encode(self._key).decode('ascii')}\n"

    def write(self, path: str | os.PathLike[str], *, overwrite: bool = False) -> None:
        """Write the key file readable only by its owner (mode 0600), atomically."""
        p = Path(path)
        if p.exists() and not overwrite:
            raise SecretError(f"{p} already exists; refusing to overwrite a key (overwrite=True, "
                              "or --force on the command line)")
        with atomic_path(p, key=True) as tmp:
            os.chmod(tmp, 0o600)
            tmp.write_text(self.to_text(), encoding="ascii")
            os.chmod(tmp, 0o600)

    # -- derivation ---------------------------------------------------------------------
    def derive(self, info: str, length: int = 32) -> bytes:
        """HKDF-SHA256(secret, salt=HKDF_SALT, info=UTF-8(info)) -> ``length`` bytes."""
        return derive_key(self._key, info, length)

    def field_key(self, field: str, purpose: str) -> bytes:
        """Subkey for one purpose of one field: info ``linkcore/v1/field/<field>/<purpose>``."""
        return self.derive(f"linkcore/v1/field/{field}/{purpose}")

    def key_check_value(self) -> str:
        """Return the public proof of the key: hex of HMAC-SHA256(kcv subkey, label)[:16]."""
        kcv_key = self.derive("linkcore/v1/kcv")
        return hmac.new(kcv_key, KCV_LABEL, hashlib.sha256).digest()[:KCV_BYTES].hex()


def secret_bytes(secret: Secret) -> bytes:
    """Return the key itself, for a child process of this holder's encoder (its stdin only)."""
    return secret._key  # noqa: SLF001


def derive_key(master: bytes, info: str, length: int = 32) -> bytes:
    """HKDF-SHA256 with linkcore's fixed salt; ``info`` gives domain separation."""
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=HKDF_SALT,
                info=info.encode("utf-8")).derive(master)


@dataclass(frozen=True)
class KeySource:
    """Where to read the key (a key file's path or an environment variable's name), not the key.

    Tasks on other processes or machines carry this and read the key themselves, so the key
    itself never travels in a task (a Secret cannot be pickled at all).
    """

    key_file: str | None = None
    key_env: str | None = None

    def load(self) -> Secret:
        """Read the key from its file or variable, as ``load_secret`` does."""
        return load_secret(self.key_file, self.key_env)


def load_secret(key_file: str | os.PathLike[str] | None = None,
                env_var: str | None = None) -> Secret:
    """Load the secret from a key file if given, else from an environment variable."""
    refuse_two_sources(key_file, env_var, "--key-file")
    if key_file is not None:
        return Secret.from_file(key_file)
    var = env_var or DEFAULT_ENV_VAR
    if os.environ.get(var) is None:
        raise SecretError(
            f"no key given: pass --key-file FILE or set the environment variable {shown(var)}")
    return Secret.from_env(var)
