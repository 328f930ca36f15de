"""Read a secret key from a file or an environment variable, never from argv.

Neutral ground between the data holders (holder/keys.py, the shared encoding secret) and the
linkage unit (linkage/pseudonyms.py, its own project key): both read the text that ``linkcore
keygen`` writes, ``linkcore-secret-v1:<base64>`` (or bare hex or base64; ``#`` lines are
comments), from a file only its owner may read, or from an environment variable. Errors name
the file or variable, never the key, and not the name given either when that looks like a key
(the key's text typed where its file's path or its variable's name belongs).
"""

from __future__ import annotations

import base64
import binascii
import os
from pathlib import Path

from .errors import KEY_FILE_HEADER, SecretError, looks_like_key

MIN_KEY_BYTES = 16
#: A key with fewer distinct byte values than this is not random (all zeros, one byte repeated,
#: a short word repeated): 16 random bytes have fewer than 8 distinct values with probability
#: below 10^-12, 32 random bytes far less.
MIN_DISTINCT_BYTES = 8


def refuse_degenerate(key: bytes, what: str) -> None:
    """Refuse a key that is plainly not random; ``what`` names it ("the secret")."""
    if len(set(key)) < MIN_DISTINCT_BYTES:
        raise SecretError(
            f"{what} has fewer than {MIN_DISTINCT_BYTES} distinct byte values (all zeros, one "
            "byte repeated or a short pattern repeated): it is not a random key, and its check "
            "value would tell anyone who holds a file which key it is; make one with "
            "`linkcore keygen`")


def shown(name: str | os.PathLike[str]) -> str:
    """Return a key file's path or a variable's name for a message, or a note if it is a key."""
    text = str(name).strip()
    if KEY_FILE_HEADER in text:
        return "(the value given, not shown: it is a key, not a name)"
    if looks_like_key(text):
        return "(the value given, not shown: it looks like a key, not a name)"
    try:
        parse_key_text(text, "")
    except SecretError:
        return str(name)
    return "(the value given, not shown: it looks like a key, not a name)"


def check_private(path: Path) -> None:
    """Refuse a key file that other users may read or change (POSIX modes; keygen writes 0600)."""
    if os.name != "posix":
        return
    try:
        mode = path.stat().st_mode & 0o777
    except OSError as exc:
        raise SecretError(f"cannot read key file {shown(path)}: "
                          f"{exc.strerror or type(exc).__name__}") from None
    if mode & 0o077:
        raise SecretError(
            f"key file {shown(path)} can be read or changed by other users (mode {mode:04o}); "
            f"make it private with `chmod 600 {shown(path)}` and try again"
        )


def parse_key_text(text: str, source: str) -> bytes:
    """Return the key bytes of a key file's text; ``source`` names where it came from."""
    body = "\n".join(line for line in text.splitlines()
                     if not line.lstrip().startswith("#")).strip()
    if not body:
        raise SecretError(f"{source} is empty")
    if body.startswith(KEY_FILE_HEADER + ":"):
        raw = _b64(body[len(KEY_FILE_HEADER) + 1:].strip(), source)
    elif all(c in "0123456789abcdefABCDEF" for c in body) and len(body) % 2 == 0:
        raw = bytes.fromhex(body)
    else:
        raw = _b64(body, source)
    if len(raw) < MIN_KEY_BYTES:
        raise SecretError(f"{source}: the key is {len(raw) * 8} bits; at least "
                          f"{MIN_KEY_BYTES * 8} are required (make one with `linkcore keygen`)")
    return raw


def read_key_file(path: str | os.PathLike[str]) -> bytes:
    """Read a private key file and return its key bytes."""
    p = Path(path)
    if p.is_dir():
        raise SecretError(f"key file {shown(path)} is a directory; give the key file's path")
    if not p.is_file():
        if p.exists():  # a pipe, a device: nothing linkcore wrote
            raise SecretError(f"key file {shown(path)} is not a regular file; give the key "
                              "file's path")
        raise SecretError(f"key file not found: {shown(path)}")
    check_private(p)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise SecretError(f"cannot read key file {shown(path)}: "
                          f"{exc.strerror or type(exc).__name__}") from None
    try:
        text = raw.decode("utf-8-sig")
        if not text.isascii():
            raise UnicodeDecodeError("ascii", b"", 0, 1, "not ASCII")
    except UnicodeDecodeError:
        raise SecretError(f"key file {shown(path)} is not a linkcore key (not text)") from None
    return parse_key_text(text, f"key file {shown(path)}")


def refuse_two_sources(key_file: str | os.PathLike[str] | None, env_var: str | None,
                       option: str) -> None:
    """Refuse a key named both as a file and as an environment variable (which one to use?)."""
    if key_file is not None and env_var is not None:
        env_option = option.replace("-file", "-env")
        raise SecretError(f"give the key either as a file ({option}) or through an "
                          f"environment variable ({env_option}), not both")


def read_key(key_file: str | os.PathLike[str] | None, env_var: str | None,
             default_env: str, option: str = "--key-file") -> bytes:
    """Key bytes from ``key_file`` if given, else from ``env_var`` (default ``default_env``).

    ``option``: the command-line option that names a key file, for the error message.
    """
    refuse_two_sources(key_file, env_var, option)
    if key_file is not None:
        return read_key_file(key_file)
    var = env_var or default_env
    value = os.environ.get(var)
    if value is None:
        raise SecretError(f"no key given: pass {option} FILE or set the environment "
                          f"variable {shown(var)}")
    return parse_key_text(value, f"environment variable {shown(var)}")


def _b64(body: str, source: str) -> bytes:
    try:
        raw = base64.b64decode(body, validate=True)
        # only the text that encodes it: a stray character before the padding is not dropped
        if base64.b64encode(raw).decode("ascii") != body:
            raise ValueError("not canonical base64")
        return raw
    except (binascii.Error, ValueError):
        raise SecretError(f"{source} is not a linkcore key (expected the text written by "
                          "`linkcore keygen`, or hex, or base64)") from None
