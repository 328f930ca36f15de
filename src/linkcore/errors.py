"""linkcore's exceptions: one base class, narrow subclasses.

Every message says what is wrong and what to do next. No message ever carries an
identifier value, a token, or key material: callers pass field names, column names,
row numbers and counts, never values.

    LinkcoreError                 base; the CLI maps it to exit status 2 (bad input)
    ├── SchemaError               the linkage schema is invalid (lists every problem)
    ├── MappingError              a holder's column mapping does not fit the schema or the data
    ├── SecretError               the secret key is missing, unreadable or too short
    ├── InputDataError            the input table cannot be read or lacks a column
    ├── OutputError               an output file cannot be written there
    ├── InvalidValueError         --strict: some values could not be normalised (row numbers only)
    ├── DatasetError              a file is not a valid encoded dataset
    │   └── IncompatibleDatasetsError  two datasets differ in schema, key or spec version
    ├── ModelError                a saved model is invalid or does not fit the data
    ├── StoreError                a linked-population store cannot be used (version, lock, ...)
    ├── ParameterError            an option is out of range (threshold, overlap, size, ...)
    └── ClusterError              a dask cluster stopped running the work (no workers, ...)
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable

#: What an error shows instead of a value that looks like key material.
HIDDEN = "(a value like a key, not shown)"
#: The first text of a key file that ``linkcore keygen`` writes (linkcore/_keyfile.py).
KEY_FILE_HEADER = "linkcore-secret-v1"
_HEX_RUN = re.compile(r"[0-9a-fA-F]{32,}")  # 128 bits or more of hex
_B64_RUN = re.compile(r"[A-Za-z0-9+/]{40,}={0,2}")  # 240 bits or more of base64
_B64URL_RUN = re.compile(r"[A-Za-z0-9_-]{40,}={0,2}")  # or of base64url
_FROM_URLSAFE = str.maketrans("-_", "+/")
_WORD = re.compile(r"[^\s'\"(),;]+")


def looks_like_key(text: str) -> bool:
    """Whether a value (a path, a name) holds key material: a key file's header, or key text.

    Wider than what reads as a key, on purpose: a key typed with a character missing or split
    by a space is still the key. A long path of letters, digits and a few slashes may be
    taken for one too; it is then only not shown.
    """
    t = str(text)
    if KEY_FILE_HEADER in t or _HEX_RUN.search(t):
        return True
    if any(_random_looking(run) for run in (*_B64_RUN.findall(t), *_B64URL_RUN.findall(t))):
        return True
    compact = "".join(t.split())
    return len(compact) >= 22 and _random_looking(compact) and _decodes(compact)


def _random_looking(run: str) -> bool:
    """Base64 (or base64url) of random bytes: few of ``/ - _``, digits, capitals and small letters.

    Random base64url of 32 bytes holds one or two of ``- _``; a long name written with
    underscores between its words holds more.
    """
    urlsafe = run.count("-") + run.count("_")
    if urlsafe and ("+" in run or "/" in run):
        return False
    return (run.count("/") <= 3 and urlsafe <= 4
            and re.fullmatch(r"[A-Za-z0-9+/_-]+={0,2}", run) is not None
            and re.search(r"[0-9]", run) is not None and re.search(r"[a-z]", run) is not None
            and re.search(r"[A-Z]", run) is not None)


def _decodes(text: str) -> bool:
    """Whether text is base64 of at least 128 bits, as a key file may hold."""
    standard = text.translate(_FROM_URLSAFE)
    standard += "=" * (-len(standard.rstrip("=")) % 4 if "=" not in standard else 0)
    try:
        return len(base64.b64decode(standard, validate=True)) >= 16
    except (binascii.Error, ValueError):
        return False


def scrub(message: str) -> str:
    """Replace each word of a message that looks like key material (``looks_like_key``)."""
    return _WORD.sub(lambda m: HIDDEN if looks_like_key(m.group(0)) else m.group(0), message)


class LinkcoreError(Exception):
    """Base class for every error linkcore raises on purpose (bad input, not a bug).

    Its message never shows key material, even when a caller put a key where a path or a name
    belongs: words that look like a key are replaced (``scrub``).
    """

    exit_code = 2

    def __init__(self, *args: object) -> None:
        super().__init__(*(scrub(a) if isinstance(a, str) else a for a in args))


class SchemaError(LinkcoreError):
    """The linkage schema is invalid; ``problems`` lists each problem with its location."""

    def __init__(self, problems: Iterable[str] | str):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        if len(self.problems) == 1:
            text = f"invalid schema: {self.problems[0]}"
        else:
            text = f"invalid schema ({len(self.problems)} problems): " + "; ".join(self.problems)
        super().__init__(text)


class MappingError(LinkcoreError):
    """A holder's column mapping does not fit the schema or the input table."""


class SecretError(LinkcoreError):
    """The secret key is missing, unreadable or too short. Never carries key material."""


class InputDataError(LinkcoreError):
    """The input table cannot be read (empty, not UTF-8, unknown format) or lacks a column."""


class OutputError(LinkcoreError):
    """An output file cannot be written (permissions, a file where a folder should be, ...)."""


class InvalidValueError(LinkcoreError):
    """Values that could not be normalised, raised under ``strict``; reports rows, never values."""


class DatasetError(LinkcoreError):
    """A file is not a valid linkcore encoded dataset (foreign, truncated or corrupted)."""


class IncompatibleDatasetsError(DatasetError):
    """Two encoded datasets cannot be linked: schema, key or spec version differ."""


class ModelError(LinkcoreError):
    """A saved linkage model is invalid, or does not fit the datasets it is applied to."""


class StoreError(LinkcoreError):
    """A linked-population store is missing, foreign, of another version, or busy."""


class ParameterError(LinkcoreError):
    """An option is out of its allowed range (a threshold outside [0, 1], a negative size, ...)."""


class ClusterError(LinkcoreError):
    """A dask cluster stopped running the work: no worker, or none running its tasks, for long."""


def refuse_one_string(value: object, what: str) -> None:
    """Refuse one string where a list belongs (a str is iterable, one name a letter at a time)."""
    if isinstance(value, str | bytes):
        raise ParameterError(f"{what} must be a list, not one string (write [...] around it)")


def format_rows(rows: Iterable[int], limit: int = 10) -> str:
    """Render row numbers (1-based, as a spreadsheet shows them) for an error summary."""
    rows = list(rows)
    shown = ", ".join(str(r) for r in rows[:limit])
    return shown + (f" and {len(rows) - limit} more" if len(rows) > limit else "")
