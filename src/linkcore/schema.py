"""The linkage schema (shared by every party) and the column mapping (local to one holder).

The schema is a versioned JSON document (``"linkcore_schema": 1``, ``2`` or ``3``) that fixes how
each field is normalised, tokenised, hashed into a Bloom filter and hardened, and how the linkage
unit compares it.
Its canonical serialisation (every default written out, keys sorted, no whitespace) is hashed with
SHA-256 into a fingerprint that proves two encoded files were made the same way.

The mapping says which of a holder's columns feeds each field and how its values are written
(date format, sex codes). It is local: two holders with different column names and formats share
one schema and one fingerprint.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
from collections.abc import Mapping as AbcMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import MappingError, SchemaError

SCHEMA_VERSION = 3  # the newest format version read (docs/spec.md §1)
CANONICAL_VERSION = 2  # what to_dict writes: every value explicit, so versions 2 and 3 agree
MAPPING_VERSION = 1

KINDS = ("name", "date", "postcode", "sex", "categorical", "text", "identifier")
TOKEN_TYPES = ("qgram", "exact", "date_parts", "postcode_parts")
HASHINGS = ("prf", "aes", "double")
HARDENING_TYPES = ("balance", "xor_fold", "rule90", "blip")
KEY_TRANSFORMS = (
    "value",
    "year",
    "month",
    "day",
    "soundex",
    "metaphone",
    "nysiis",
    "first_char",
    "postcode_area",
    "postcode_district",
    "postcode_sector",
)
#: A salt-only transform: field g's value joined (0x1F) to g's own salt value (docs/spec.md §8),
#: so that views salted with it share g's equality classes exactly and refine none of them.
VALUE_WITH_SALT = "value_with_salt"
SALT_TRANSFORMS = (*KEY_TRANSFORMS, VALUE_WITH_SALT)

_ALL_KINDS = frozenset(KINDS)
# Which field kinds each key transform applies to.
TRANSFORM_KINDS: dict[str, frozenset[str]] = {
    "value": _ALL_KINDS,
    "year": frozenset({"date"}),
    "month": frozenset({"date"}),
    "day": frozenset({"date"}),
    "soundex": frozenset({"name", "text"}),
    "metaphone": frozenset({"name", "text"}),
    "nysiis": frozenset({"name", "text"}),
    "first_char": frozenset({"name", "text", "identifier", "categorical", "postcode"}),
    "postcode_area": frozenset({"postcode"}),
    "postcode_district": frozenset({"postcode"}),
    "postcode_sector": frozenset({"postcode"}),
    VALUE_WITH_SALT: _ALL_KINDS,
}

# Defaults per kind: tokens, filter bits, positions per token (k), positions per token in the CLK,
# the Dice thresholds that define the comparison levels, and the hardening. Rationale and
# measurements: docs/parameters.md. k is chosen so that a typical value sets about a sixth to a
# fifth of the bits before folding (1 - exp(-k * n_tokens / m) ~ 0.15-0.2); XOR-folding then
# stores 2f(1-f) ~ 0.25-0.35 of the bits set. Measured on 1,500 surnames with one typo: this
# separates typo pairs from unrelated pairs better than the textbook half-full filter
# (d' 5.5 at k=12 against 3.8 at k=40 once folded, and 5.0 unfolded at k=40).
# Hardening: XOR-folding by default (it stopped bit-pattern mining at a cost of ~0.005 F1). What a
# field that omits salt, hardening or comparison gets on top of these depends on the schema
# format version (_version_defaults): names salted with the whole date of birth and balanced, the
# postcode compared whole, AES positions, in version 2; names salted with the year of birth in
# version 1.
KIND_DEFAULTS: dict[str, dict[str, Any]] = {
    "name": {"tokens": {"type": "qgram", "q": 2, "padded": True, "positional": False},
             "filter_bits": 512, "k": 12, "clk_k": 10, "thresholds": [0.8, 0.62, 0.45],
             "hardening": [{"type": "xor_fold"}]},
    "date": {"tokens": {"type": "date_parts"},
             "filter_bits": 512, "k": 8, "clk_k": 8, "thresholds": [0.75, 0.55],
             "hardening": [{"type": "xor_fold"}]},
    "postcode": {"tokens": {"type": "postcode_parts"},
                 "filter_bits": 512, "k": 8, "clk_k": 8, "thresholds": [0.75, 0.55],
                 "hardening": [{"type": "xor_fold"}]},
    "sex": {"tokens": {"type": "exact"},
            "filter_bits": 64, "k": 20, "clk_k": 4, "thresholds": [], "hardening": []},
    "categorical": {"tokens": {"type": "exact"},
                    "filter_bits": 128, "k": 30, "clk_k": 4, "thresholds": [],
                    "hardening": [{"type": "xor_fold"}]},
    "text": {"tokens": {"type": "qgram", "q": 2, "padded": True, "positional": False},
             "filter_bits": 1024, "k": 8, "clk_k": 5, "thresholds": [0.8, 0.6, 0.45],
             "hardening": [{"type": "xor_fold"}]},
    "identifier": {"tokens": {"type": "qgram", "q": 2, "padded": True, "positional": False},
                   "filter_bits": 512, "k": 10, "clk_k": 6, "thresholds": [0.75, 0.55],
                   "hardening": [{"type": "xor_fold"}]},
}
ALLOWED_TOKENS = {
    "name": {"qgram", "exact"},
    "date": {"date_parts", "qgram", "exact"},
    "postcode": {"postcode_parts", "qgram", "exact"},
    "sex": {"exact"},
    "categorical": {"exact", "qgram"},
    "text": {"qgram", "exact"},
    "identifier": {"qgram", "exact"},
}
NORMALISE_DEFAULTS: dict[str, dict[str, Any]] = {
    "name": {"remove_titles": True},
    "text": {"expand_abbreviations": True},
}
DEFAULT_CLK_BITS = 1024
# A mapping may take some words of a normalised value, for a holder whose one column holds
# several names: FORENAME "mary jane" -> first_name ("first"), middle_name ("rest"); a whole
# name "mary jane smith" -> first_name ("first"), middle_name ("middle"), last_name ("last").
WORD_SELECTIONS = ("all", "first", "rest", "last", "middle")

_NAME_RE = re.compile(r"^[\w.-]+$")
_FIELD_KEYS = {"name", "kind", "tokens", "filter_bits", "k", "hashing", "clk_k", "salt",
               "hardening", "comparison", "normalise", "source", "disclosed",
               "key_with", "spread", "pad"}
MAX_SPREAD = 1024  # sub-tokens per value (spec §5, "Spread")
MAX_PAD = 1024  # tokens a value is padded to (spec §5, "Padding")
_TOP_KEYS = {"linkcore_schema", "description", "fields", "clk", "blocking_keys"}


@dataclass(frozen=True)
class TokenSpec:
    """How a normalised value becomes tokens (docs/spec.md, "Tokens")."""

    type: str
    q: int = 2
    padded: bool = True
    positional: bool = False

    def to_dict(self) -> dict[str, Any]:
        """Return the document as a plain dict (every default written out)."""
        if self.type == "qgram":
            return {"type": "qgram", "q": self.q, "padded": self.padded,
                    "positional": self.positional}
        return {"type": self.type}


@dataclass(frozen=True)
class KeyPart:
    """One part of a salt or blocking key: a field's normalised value put through a transform."""

    field: str
    transform: str = "value"

    def to_dict(self) -> dict[str, Any]:
        """Return the document as a plain dict (every default written out)."""
        return {"field": self.field, "transform": self.transform}


@dataclass(frozen=True)
class HardeningStep:
    """One hardening step applied to a finished filter, in the order listed."""

    type: str
    epsilon: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the document as a plain dict (every default written out)."""
        d: dict[str, Any] = {"type": self.type}
        if self.type == "blip":
            d["epsilon"] = self.epsilon
        return d


@dataclass(frozen=True)
class FieldSpec:
    """One linkage field: its kind, tokens, filter and hashing, hardening and comparison levels."""

    name: str
    kind: str
    tokens: TokenSpec
    filter_bits: int
    k: int
    hashing: str = "prf"
    clk_k: int = 0
    salt: KeyPart | None = None
    hardening: tuple[HardeningStep, ...] = ()
    thresholds: tuple[float, ...] = ()
    normalise: tuple[tuple[str, Any], ...] = ()
    source: str | None = None
    disclosed: bool = False
    key_with: str | None = None
    spread: int | None = None
    pad: int | None = None
    #: a view of several fields: the fields whose values follow ``source``'s, joined by 0x1F
    joined: tuple[str, ...] = ()

    @property
    def sources(self) -> tuple[str, ...]:
        """The fields whose values a view carries (``source``, then ``joined``); () if none."""
        return () if self.source is None else (self.source, *self.joined)

    @property
    def key_owner(self) -> str:
        """The field whose subkeys place this field's bits: ``key_with`` if set, else itself."""
        return self.key_with or self.name

    @property
    def normalise_options(self) -> dict[str, Any]:
        """Return the kind's normalisation options as a dict."""
        return dict(self.normalise)

    @property
    def stored_bits(self) -> int:
        """Bits of the filter as stored, after hardening (balancing doubles, XOR-folding halves)."""
        return stored_bits(self.filter_bits, self.hardening)

    def to_dict(self) -> dict[str, Any]:
        """Return the document as a plain dict (every default written out)."""
        return {
            "name": self.name,
            "kind": self.kind,
            "tokens": self.tokens.to_dict(),
            "filter_bits": self.filter_bits,
            "k": self.k,
            "hashing": self.hashing,
            "clk_k": self.clk_k,
            "salt": self.salt.to_dict() if self.salt else None,
            "hardening": [h.to_dict() for h in self.hardening],
            "comparison": {"thresholds": list(self.thresholds)},
            "normalise": dict(self.normalise),
            # written only when set, so schemas without views keep their fingerprints
            **({"source": list(self.sources) if self.joined else self.source}
               if self.source is not None else {}),
            **({"disclosed": True} if self.disclosed else {}),
            **({"key_with": self.key_with} if self.key_with is not None else {}),
            **({"spread": self.spread} if self.spread is not None else {}),
            **({"pad": self.pad} if self.pad is not None else {}),
        }


@dataclass(frozen=True)
class ClkSpec:
    """The record-level CLK: every field's tokens (``clk_k`` positions each) in one filter."""

    bits: int = DEFAULT_CLK_BITS
    hashing: str = "prf"
    salt: KeyPart | None = None
    hardening: tuple[HardeningStep, ...] = ()

    @property
    def stored_bits(self) -> int:
        """Return the stored length in bits, after hardening."""
        return stored_bits(self.bits, self.hardening)

    def to_dict(self) -> dict[str, Any]:
        """Return the document as a plain dict (every default written out)."""
        return {
            "bits": self.bits,
            "hashing": self.hashing,
            "salt": self.salt.to_dict() if self.salt else None,
            "hardening": [h.to_dict() for h in self.hardening],
        }


@dataclass(frozen=True)
class BlockingKeySpec:
    """A keyed blocking key: HMAC of the concatenated transformed parts, computed by each holder."""

    name: str
    parts: tuple[KeyPart, ...]

    def to_dict(self) -> dict[str, Any]:
        """Return the document as a plain dict (every default written out)."""
        return {"name": self.name, "parts": [p.to_dict() for p in self.parts]}


def stored_bits(bits: int, hardening: tuple[HardeningStep, ...]) -> int:
    """Length of a filter after its hardening steps."""
    for step in hardening:
        if step.type == "balance":
            bits *= 2
        elif step.type == "xor_fold":
            bits //= 2
    return bits


@dataclass(frozen=True)
class Schema:
    """The shared linkage schema; build it with ``from_dict``, ``from_json`` or ``load``."""

    fields: tuple[FieldSpec, ...]
    clk: ClkSpec | None = field(default_factory=ClkSpec)
    blocking_keys: tuple[BlockingKeySpec, ...] = ()
    description: str = ""

    # -- construction -------------------------------------------------------------------
    @classmethod
    def from_dict(cls, doc: Any) -> Schema:
        """Validate a schema document; raise SchemaError listing every problem found."""
        return _parse_schema(doc)

    @classmethod
    def from_json(cls, text: str) -> Schema:
        """Parse and validate a JSON document."""
        return cls.from_dict(_parse_json(text, SchemaError, "schema"))

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Schema:
        """Read and validate a JSON file."""
        return cls.from_dict(_parse_json(_read_text(path, SchemaError, "schema"), SchemaError,
                                         f"schema file {Path(path)}"))

    # -- serialisation ------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Return the document as a plain dict (every default written out)."""
        return {
            "linkcore_schema": CANONICAL_VERSION,
            "description": self.description,
            "fields": [f.to_dict() for f in self.fields],
            "clk": self.clk.to_dict() if self.clk else None,
            "blocking_keys": [b.to_dict() for b in self.blocking_keys],
        }

    def to_json(self, indent: int | None = 2) -> str:
        """Human-readable JSON (for files people review)."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False) + "\n"

    def canonical_json(self) -> str:
        """Canonical form: all defaults explicit, keys sorted, no whitespace, UTF-8."""
        return canonical_json(self.to_dict())

    @property
    def fingerprint(self) -> str:
        """Hex SHA-256 of the canonical form; equal schemas have equal fingerprints."""
        return hashlib.sha256(self.canonical_json().encode("utf-8")).hexdigest()

    # -- lookups ------------------------------------------------------------------------
    @property
    def field_names(self) -> tuple[str, ...]:
        """Return the field names in schema order."""
        return tuple(f.name for f in self.fields)

    def field(self, name: str) -> FieldSpec:
        """Return the field called ``name``."""
        for f in self.fields:
            if f.name == name:
                return f
        raise SchemaError(f"no field named {name!r} in the schema")

    def stored_bits(self, field_name: str) -> int:
        """Return the stored length in bits, after hardening."""
        return self.field(field_name).stored_bits

    def stored_clk_bits(self) -> int | None:
        """Return the CLK's stored length in bits (None without a CLK)."""
        return self.clk.stored_bits if self.clk else None


def canonical_json(doc: Any) -> str:
    """Deterministic JSON text: sorted keys, no whitespace, non-ASCII kept as UTF-8."""
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False)


def _parse_json(text: str, error: type[Exception], what: str) -> Any:
    """Parse a JSON document; a syntax error names the line and column, never the content."""
    # the message is built inside each handler and raised after it, so that the parser's
    # exception (whose .doc is the whole text: a key or an extract given by mistake) is not
    # kept as the raised error's __context__
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        message = f"{what} is not valid JSON (line {exc.lineno}, column {exc.colno})"
    except ValueError:  # NaN or Infinity, or a number of 4,300+ digits
        message = (f"{what} is not valid JSON (it holds NaN, Infinity or a number thousands "
                   "of digits long)")
    except RecursionError:
        message = (f"{what} is not a linkcore document (its JSON is nested thousands of "
                   "levels deep)")
    raise error(message)


def _reject_constant(name: str) -> Any:
    """NaN and Infinity are not JSON (the fingerprint's canonical form cannot hold them)."""
    raise ValueError(f"{name} is not a JSON number")


def _read_text(path: str | os.PathLike[str], error: type[Exception], what: str) -> str:
    p = Path(path)
    if p.is_dir():
        raise error(f"{what} file {p} is a directory; give the file's path")
    if not p.exists():
        raise error(f"{what} file not found: {p}")
    if not p.is_file():
        raise error(f"{what} file {p} is not a regular file (a pipe, a device or a socket); "
                    "save it to a file and give its path")
    try:
        text = p.read_text(encoding="utf-8-sig")  # a byte-order mark is read past, as in a CSV
    except UnicodeDecodeError:
        raise error(f"{what} file is not UTF-8 text: {p}") from None
    if not text.strip():
        raise error(f"{what} file is empty: {p}")
    return text


# --------------------------------------------------------------------------------------
# Validation: collect every problem, each with its location, then raise once.
# --------------------------------------------------------------------------------------
class _Problems:
    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, where: str, what: str) -> None:
        self.items.append(f"{where}: {what}")


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def _parse_schema(doc: Any) -> Schema:
    p = _Problems()
    if not isinstance(doc, dict):
        raise SchemaError("the document must be a JSON object")
    version = doc.get("linkcore_schema")
    if version is None:
        raise SchemaError(f'missing "linkcore_schema": {SCHEMA_VERSION} (the schema format '
                          "version; the newest has the strongest defaults)")
    if not _is_int(version):
        raise SchemaError('"linkcore_schema" must be an integer version number')
    if version > SCHEMA_VERSION:
        raise SchemaError(
            f"schema format version {version} is newer than this linkcore supports "
            f"({SCHEMA_VERSION}); upgrade linkcore"
        )
    if version < 1:
        raise SchemaError(f'"linkcore_schema" must be 1 to {SCHEMA_VERSION} (got {version})')
    for key in sorted(set(doc) - _TOP_KEYS):
        p.add(f'"{key}"', f"unknown key (allowed: {', '.join(sorted(_TOP_KEYS))})")
    description = doc.get("description", "")
    if not isinstance(description, str):
        p.add('"description"', "must be a string")
        description = ""

    raw_fields = doc.get("fields")
    fields: list[FieldSpec] = []
    if not isinstance(raw_fields, list) or not raw_fields:
        p.add('"fields"', "must be a non-empty list of field objects")
        raw_fields = []
    names = [f.get("name") for f in raw_fields if isinstance(f, dict)]
    defaults = _version_defaults(version, default_salt_field(raw_fields))
    for i, raw in enumerate(raw_fields):
        parsed = _parse_field(i, raw, names, p, defaults)
        if parsed is not None:
            fields.append(parsed)
    _check_views(fields, p)
    _check_shared_keys(fields, p)
    seen: set[str] = set()
    for name in names:
        if isinstance(name, str) and name in seen:
            p.add(f"field {name!r}", "duplicate field name")
        if isinstance(name, str):
            seen.add(name)

    clk: ClkSpec | None = None
    raw_clk = doc.get("clk", {} if version == 1 else None)
    if raw_clk is not None:
        clk = _parse_clk(raw_clk, names, p)

    blocking: list[BlockingKeySpec] = []
    raw_blocking = doc.get("blocking_keys", [])
    if not isinstance(raw_blocking, list):
        p.add('"blocking_keys"', "must be a list")
        raw_blocking = []
    bnames: set[str] = set()
    for i, raw in enumerate(raw_blocking):
        where = f"blocking_keys[{i}]"
        if not isinstance(raw, dict):
            p.add(where, "must be an object with 'name' and 'parts'")
            continue
        bname = raw.get("name")
        if not isinstance(bname, str) or not _NAME_RE.match(bname):
            p.add(where, "needs a 'name' of letters, digits, '_', '-' and '.'")
            bname = f"#{i}"
        elif bname in bnames:
            p.add(where, f"duplicate blocking key name {bname!r}")
        bnames.add(bname)
        for key in sorted(set(raw) - {"name", "parts"}):
            p.add(where, f"unknown key {key!r} (allowed: name, parts)")
        raw_parts = raw.get("parts")
        if not isinstance(raw_parts, list) or not raw_parts:
            p.add(where, "needs a non-empty list 'parts'")
            continue
        parts = [_parse_keypart(f"{where}.parts[{j}]", rp, names, p)
                 for j, rp in enumerate(raw_parts)]
        if all(parts):
            blocking.append(BlockingKeySpec(bname, tuple(parts)))  # type: ignore[arg-type]

    _check_transform_kinds(fields, clk, blocking, p)
    if fields and clk is not None and not any(f.clk_k > 0 for f in fields):
        p.add('"clk"', "no field contributes to the CLK (every clk_k is 0); set clk to null")
    if p.items:
        raise SchemaError(p.items)
    return Schema(tuple(fields), clk, tuple(blocking), description)


def _check_transform_kinds(fields: list[FieldSpec], clk: ClkSpec | None,
                           blocking: list[BlockingKeySpec], p: _Problems) -> None:
    kinds = {f.name: f.kind for f in fields}
    uses: list[tuple[str, KeyPart, bool]] = []  # (where, part, a field's salt)
    uses += [(f"field {f.name!r} salt", f.salt, True) for f in fields if f.salt]
    if clk is not None and clk.salt:
        uses.append(('"clk" salt', clk.salt, False))
    uses += [(f"blocking key {b.name!r}", part, False) for b in blocking for part in b.parts]
    salts = {f.name: f.salt for f in fields}
    for where, part, field_salt in uses:
        if part.transform == VALUE_WITH_SALT:
            _check_value_with_salt(where, part, field_salt, salts, p)
            continue
        kind = kinds.get(part.field)
        if kind is not None and kind not in TRANSFORM_KINDS[part.transform]:
            p.add(where, f"transform {part.transform!r} does not apply to {kind} field "
                         f"{part.field!r}")


def _check_value_with_salt(where: str, part: KeyPart, field_salt: bool,
                           salts: dict[str, KeyPart | None], p: _Problems) -> None:
    """value_with_salt: a field's salt only, naming a field salted with a plain transform."""
    if not field_salt:
        p.add(where, f"transform {VALUE_WITH_SALT!r} applies only to a field's salt")
        return
    own = salts.get(part.field)
    if own is None:
        p.add(where, f"transform {VALUE_WITH_SALT!r} needs field {part.field!r} to have a salt "
                     "(without one, use 'value')")
    elif own.transform == VALUE_WITH_SALT:
        p.add(where, f"transform {VALUE_WITH_SALT!r} cannot name field {part.field!r}, whose "
                     f"own salt is {VALUE_WITH_SALT!r}")


def _check_views(fields: list[FieldSpec], p: _Problems) -> None:
    """Check each view: a plain field of its own kind as source, under a salt of its own."""
    by_name = {f.name: f for f in fields}
    for f in fields:
        where = f"field {f.name!r}"
        for name in f.sources:
            if name not in by_name:
                continue
            src = by_name[name]
            if src.source is not None:
                p.add(where, f"its source {src.name!r} is itself a view; name the original field")
            if src.kind != f.kind or src.normalise != f.normalise:
                p.add(where, f"a view must have the kind and normalisation of its source "
                             f"{src.name!r}")
            if src.salt == f.salt:
                p.add(where, f"a view must be salted differently from its source {src.name!r}")
        if f.joined and f.tokens.type != "exact":
            p.add(where, "a view of several fields must be one exact token (tokens "
                         "{\"type\": \"exact\"}): its parts are not compared one by one")


def _check_shared_keys(fields: list[FieldSpec], p: _Problems) -> None:
    """Check each ``key_with``: an owner that keys itself, encoded exactly like this field."""
    by_name = {f.name: f for f in fields}
    for f in fields:
        if f.key_with is None or f.key_with not in by_name:
            continue
        owner = by_name[f.key_with]
        where = f"field {f.name!r}"
        if owner.key_with is not None:
            p.add(where, f"'key_with' {owner.name!r} itself names another field; name the owner")
        same = (owner.kind, owner.tokens, owner.filter_bits, owner.k, owner.hashing,
                owner.hardening, owner.salt, owner.normalise, owner.thresholds, owner.spread,
                owner.pad)
        if same != (f.kind, f.tokens, f.filter_bits, f.k, f.hashing, f.hardening, f.salt,
                    f.normalise, f.thresholds, f.spread, f.pad):
            p.add(where, f"'key_with' {owner.name!r}: the two fields must have the same kind, "
                         "tokens, filter_bits, k, hashing, hardening, salt, normalisation, "
                         "thresholds, spread and pad, so that their filters can be compared "
                         "with each other")


def default_salt_field(raw_fields: list[Any]) -> str | None:
    """Return the date field whose year salts name fields that do not say otherwise.

    A field of kind date named like a date of birth (``dob``, ``*birth*``), else the only date
    field; None when there is no such field (then names are not salted by default).
    """
    dates = [f["name"] for f in raw_fields
             if isinstance(f, dict) and f.get("kind") == "date" and isinstance(f.get("name"), str)]
    births = [d for d in dates if "birth" in d.lower() or d.lower() in ("dob", "d_o_b")]
    if len(births) == 1:
        return births[0]
    return dates[0] if len(dates) == 1 else None


# Version 2 of the schema format changed the defaults of the keys a field omits (docs/spec.md §1):
# names (and sex) salted with the whole date of birth rather than its year, names balanced rather
# than XOR-folded, on the balanced scale's thresholds, and no CLK. A version 1 document keeps the
# version 1 defaults, so its meaning never changes. Measurements: docs/parameters.md.
V2_NAME_DEFAULTS: dict[str, Any] = {"hardening": [{"type": "balance"}],
                                    "thresholds": [0.94, 0.9, 0.85]}
V2_POSTCODE_DEFAULTS: dict[str, Any] = {"tokens": {"type": "exact"}, "filter_bits": 128, "k": 30,
                                        "thresholds": []}
V2_SALTED_KINDS = ("name",)
# Version 3 adds what red-team sessions broke in version 2's defaults (docs/parameters.md,
# "Padding" and "Identifiers as one token"): names padded to 16 tokens of k 6 (set bits and two
# names' overlaps no longer tell lengths) on thresholds for padded filters, and identifiers as
# one exact token (bigrams without a salt were decoded from the file).
V3_NAME_DEFAULTS: dict[str, Any] = {"k": 6, "pad": 16, "thresholds": [0.86, 0.81, 0.78]}
V3_IDENTIFIER_DEFAULTS: dict[str, Any] = {"tokens": {"type": "exact"}, "filter_bits": 128,
                                          "k": 30, "thresholds": []}
# Positions from AES-256 on 16-byte blocks of keyed token and salt tags (docs/spec.md §6): a
# whole-value salt makes almost every (salt, token) pair distinct, one HMAC each was the
# encoder's cost (3,170 records/s at 10^6, benchmarks/README.md), and AES runs over a whole
# batch in one call.
V2_HASHING = "aes"
# Kinds whose few values the holders may declare disclosed: the linkage unit then sees which
# records share a value, by design, and the audit reports the field as disclosed, not as safe.
DISCLOSABLE_KINDS = ("sex", "categorical")


def _version_defaults(version: int, dob: str | None) -> dict[str, dict[str, Any]]:
    """Per-kind defaults that depend on the schema format version, on top of KIND_DEFAULTS."""
    if version == 1:
        salt = {"field": dob, "transform": "year"} if dob else None
        return {"name": {"salt": salt}}
    salt = {"field": dob, "transform": "value"} if dob else None
    out: dict[str, dict[str, Any]] = {kind: {"hashing": V2_HASHING} for kind in KINDS}
    for kind in V2_SALTED_KINDS:
        out[kind]["salt"] = salt
    out["name"].update(V2_NAME_DEFAULTS)
    out["postcode"].update(V2_POSTCODE_DEFAULTS)
    if version >= 3:
        out["name"].update(V3_NAME_DEFAULTS)
        out["identifier"].update(V3_IDENTIFIER_DEFAULTS)
    return out


def _parse_field(i: int, raw: Any, names: list[Any], p: _Problems,
                 version_defaults: dict[str, dict[str, Any]] | None = None) -> FieldSpec | None:
    where = f"fields[{i}]"
    if not isinstance(raw, dict):
        p.add(where, "must be an object")
        return None
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        p.add(where, "needs a non-empty string 'name'")
        return None
    if not _NAME_RE.match(name):
        p.add(where, "the name may use only letters, digits, '_', '-' and '.'")
    where = f"fields[{i}] {name!r}"
    n_before = len(p.items)
    for key in sorted(set(raw) - _FIELD_KEYS):
        p.add(where, f"unknown key {key!r} (allowed: {', '.join(sorted(_FIELD_KEYS))})")
    kind = raw.get("kind")
    if kind not in KINDS:
        p.add(where, f"unknown kind {kind!r} (expected one of: {', '.join(KINDS)})")
        return None
    defaults = {**KIND_DEFAULTS[kind], "salt": None,
                **(version_defaults or {}).get(kind, {})}

    raw_tokens = raw.get("tokens", defaults["tokens"])
    tokens = None
    if not isinstance(raw_tokens, dict):
        p.add(where, "'tokens' must be an object like {\"type\": \"qgram\", \"q\": 2}")
    else:
        ttype = raw_tokens.get("type")
        if ttype not in TOKEN_TYPES:
            p.add(where, f"unknown token type {ttype!r} "
                         f"(expected one of: {', '.join(TOKEN_TYPES)})")
        elif ttype not in ALLOWED_TOKENS[kind]:
            p.add(where, f"token type {ttype!r} does not suit kind {kind!r} "
                         f"(use one of: {', '.join(sorted(ALLOWED_TOKENS[kind]))})")
        else:
            allowed = {"type", "q", "padded", "positional"} if ttype == "qgram" else {"type"}
            for key in sorted(set(raw_tokens) - allowed):
                p.add(where, f"unknown tokens key {key!r} for type {ttype!r}")
            q = raw_tokens.get("q", 2)
            padded = raw_tokens.get("padded", True)
            positional = raw_tokens.get("positional", False)
            if not _is_int(q) or q < 1:
                p.add(where, f"q must be an integer >= 1 (got {q!r})")
            elif q > 8:
                p.add(where, f"q must be at most 8 (got {q})")
            if not isinstance(padded, bool) or not isinstance(positional, bool):
                p.add(where, "'padded' and 'positional' must be true or false")
            tokens = TokenSpec(ttype, q if _is_int(q) else 2, bool(padded), bool(positional))

    filter_bits = raw.get("filter_bits", defaults["filter_bits"])
    if not _is_int(filter_bits) or filter_bits < 64 or filter_bits % 64:
        p.add(where, f"filter_bits must be a positive multiple of 64 (got {filter_bits!r})")
    elif filter_bits > 65536:
        p.add(where, f"filter_bits must be at most 65536 (got {filter_bits})")
    k = raw.get("k", defaults["k"])
    if not _is_int(k) or k < 1:
        p.add(where, f"k (hash positions per token) must be an integer >= 1 (got {k!r})")
    elif k > 256:
        p.add(where, f"k must be at most 256 (got {k})")
    hashing = raw.get("hashing", defaults.get("hashing", "prf"))
    if hashing not in HASHINGS:
        p.add(where, f"unknown hashing {hashing!r} (expected one of: {', '.join(HASHINGS)})")
    clk_k = raw.get("clk_k", defaults["clk_k"])
    if not _is_int(clk_k) or clk_k < 0 or clk_k > 256:
        p.add(where, f"clk_k must be an integer from 0 to 256 (got {clk_k!r})")

    salt = None
    raw_salt = raw.get("salt", defaults["salt"])
    if "salt" not in raw and raw_salt is not None and (
            raw.get("source") is not None or raw_salt["field"] == name):
        raw_salt = None  # a view names its salt; a date field is not salted with itself
    if raw_salt is not None:
        salt = _parse_keypart(f"{where} salt", raw_salt, names, p)
        if salt is not None and salt.field == name and salt.transform in ("value",
                                                                     VALUE_WITH_SALT):
            p.add(where, "a field cannot be salted with its own whole value (a coarser "
                         "transform of it, such as postcode_district, can)")

    default_hardening = defaults["hardening"]
    if _is_int(filter_bits) and filter_bits % 128:
        default_hardening = []  # a length that cannot be folded keeps its filter as it is
    hardening = _parse_hardening(where, raw.get("hardening", default_hardening), filter_bits, p)

    raw_cmp = raw.get("comparison", {"thresholds": defaults["thresholds"]})
    thresholds: tuple[float, ...] = ()
    if not isinstance(raw_cmp, dict) or set(raw_cmp) - {"thresholds"}:
        p.add(where, "'comparison' must be an object {\"thresholds\": [...]}")
    else:
        th = raw_cmp.get("thresholds", defaults["thresholds"])
        if not isinstance(th, list) or not all(_is_number(t) and 0 < t < 1 for t in th):
            p.add(where, "comparison thresholds must be a list of numbers strictly between 0 and 1")
        elif any(a <= b for a, b in zip(th, th[1:], strict=False)):
            p.add(where, "comparison thresholds must be strictly decreasing")
        else:
            thresholds = tuple(float(t) for t in th)

    norm_defaults = NORMALISE_DEFAULTS.get(kind, {})
    raw_norm = raw.get("normalise", {})
    normalise: dict[str, Any] = dict(norm_defaults)
    if not isinstance(raw_norm, dict):
        p.add(where, "'normalise' must be an object")
    else:
        for key, value in raw_norm.items():
            if key not in norm_defaults:
                allowed = ", ".join(norm_defaults) or "none"
                p.add(where, f"unknown normalise option {key!r} for kind {kind!r} "
                             f"(allowed: {allowed})")
            elif not isinstance(value, bool):
                p.add(where, f"normalise option {key!r} must be true or false")
            else:
                normalise[key] = value

    source = raw.get("source")
    joined: tuple[str, ...] = ()
    if isinstance(source, list):
        parts = source
        if len(parts) < 2 or len(set(map(str, parts))) < len(parts) or not all(
                isinstance(x, str) and x in names and x != name for x in parts):
            p.add(where, "'source' must name another field of the schema, or a list of two or "
                         f"more other fields, each once (got {parts!r})")
        source, joined = str(parts[0]) if parts else None, tuple(map(str, parts[1:]))
    if source is not None:
        if not joined and (source not in names or source == name):
            p.add(where, f"'source' must name another field of the schema (got {source!r})")
        elif salt is None:
            p.add(where, "a field with a 'source' is a second view of that field's value and "
                         "needs a salt of its own")

    disclosed = raw.get("disclosed", False)
    if not isinstance(disclosed, bool):
        p.add(where, "'disclosed' must be true or false")
    elif disclosed and kind not in DISCLOSABLE_KINDS:
        p.add(where, f"only a {' or '.join(DISCLOSABLE_KINDS)} field can be disclosed (a field of "
                     "a few values whose classes the holders accept the linkage unit sees)")
    elif disclosed and (salt is not None or source is not None):
        p.add(where, "a disclosed field is compared across the whole file: give it no salt "
                     "and no source")

    key_with = raw.get("key_with")
    if key_with is not None and (key_with not in names or key_with == name):
        p.add(where, f"'key_with' must name another field of the schema (got {key_with!r})")

    spread = raw.get("spread")
    if spread is not None:
        _check_length_option(where, "spread", "sub-tokens per value", spread, MAX_SPREAD,
                             tokens, p)

    pad = raw.get("pad")
    if "pad" not in raw and defaults.get("pad") is not None and spread is None \
            and tokens is not None and tokens.type == "qgram":
        pad = defaults["pad"]  # format version 3's default, where it applies
    if pad is not None:
        if _check_length_option(where, "pad", "tokens a value is padded to", pad, MAX_PAD,
                                tokens, p) and spread is not None:
            p.add(where, "'pad' and 'spread' are two ways to hide a value's length: set one")

    if len(p.items) > n_before or tokens is None:
        return None
    return FieldSpec(name, kind, tokens, filter_bits, k, hashing, clk_k, salt, hardening,
                     thresholds, tuple(sorted(normalise.items())), source, disclosed is True,
                     key_with, spread, pad, joined)


def _check_length_option(where: str, key: str, meaning: str, value: Any, maximum: int,
                         tokens: TokenSpec | None, p: _Problems) -> bool:
    """Check a q-gram field's 'spread' or 'pad' count; True when it is valid."""
    if not _is_int(value) or not 1 <= value <= maximum:
        p.add(where, f"'{key}' ({meaning}) must be an integer from 1 to {maximum} "
                     f"(got {value!r})")
        return False
    if tokens is not None and tokens.type != "qgram":
        p.add(where, f"'{key}' applies to q-gram tokens (a single token sets k bits for "
                     "every value already)")
        return False
    return True


def _parse_hardening(where: str, raw: Any, bits: Any, p: _Problems) -> tuple[HardeningStep, ...]:
    if not isinstance(raw, list):
        p.add(where, "'hardening' must be a list of steps like {\"type\": \"balance\"}")
        return ()
    steps: list[HardeningStep] = []
    length = bits if _is_int(bits) else 64
    for j, step in enumerate(raw):
        w = f"{where} hardening[{j}]"
        if not isinstance(step, dict) or step.get("type") not in HARDENING_TYPES:
            got = step.get("type") if isinstance(step, dict) else step
            p.add(w, f"unknown hardening {got!r} (expected one of: {', '.join(HARDENING_TYPES)})")
            continue
        htype = step["type"]
        allowed = {"type", "epsilon"} if htype == "blip" else {"type"}
        for key in sorted(set(step) - allowed):
            p.add(w, f"unknown key {key!r} for hardening {htype!r}")
        eps = None
        if htype == "blip":
            eps = step.get("epsilon")
            if not _is_number(eps) or not 0 < eps <= 20:
                p.add(w, f"blip needs an epsilon in (0, 20] (got {eps!r})")
                continue
            eps = float(eps)
        if htype == "balance":
            length *= 2
        elif htype == "xor_fold":
            if length % 128:
                p.add(w, "xor_fold needs a filter length that is a multiple of 128 "
                         f"(it is {length})")
            length //= 2
        elif htype in ("rule90", "blip") and any(s.type == htype for s in steps):
            p.add(w, f"{htype} is listed twice")
        steps.append(HardeningStep(htype, eps))
    return tuple(steps)


def _parse_keypart(where: str, raw: Any, names: list[Any], p: _Problems) -> KeyPart | None:
    if not isinstance(raw, dict) or set(raw) - {"field", "transform"}:
        p.add(where, "must be an object {\"field\": NAME, \"transform\": T}")
        return None
    fname = raw.get("field")
    transform = raw.get("transform", "value")
    ok = True
    if fname not in names:
        p.add(where, f"refers to unknown field {fname!r}")
        ok = False
    if transform not in SALT_TRANSFORMS:
        p.add(where, f"unknown transform {transform!r} "
                     f"(expected one of: {', '.join(SALT_TRANSFORMS)})")
        ok = False
    return KeyPart(fname, transform) if ok else None


def _parse_clk(raw: Any, names: list[Any], p: _Problems) -> ClkSpec | None:
    if not isinstance(raw, dict):
        p.add('"clk"', "must be an object like {\"bits\": 1024} or null for no CLK")
        return None
    for key in sorted(set(raw) - {"bits", "hashing", "salt", "hardening"}):
        p.add('"clk"', f"unknown key {key!r} (allowed: bits, hashing, salt, hardening)")
    bits = raw.get("bits", DEFAULT_CLK_BITS)
    if not _is_int(bits) or bits < 64 or bits % 64 or bits > 65536:
        p.add('"clk"', f"bits must be a positive multiple of 64, at most 65536 (got {bits!r})")
        bits = DEFAULT_CLK_BITS
    hashing = raw.get("hashing", "prf")
    if hashing not in HASHINGS:
        p.add('"clk"', f"unknown hashing {hashing!r} (expected one of: {', '.join(HASHINGS)})")
    salt = None
    if raw.get("salt") is not None:
        salt = _parse_keypart('"clk" salt', raw["salt"], names, p)
    hardening = _parse_hardening('"clk"', raw.get("hardening", []), bits, p)
    return ClkSpec(bits, hashing, salt, hardening)


# --------------------------------------------------------------------------------------
# The column mapping (local to one holder; not part of the fingerprint)
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class FieldSource:
    """Where one schema field comes from in this holder's table, and how its values are written."""

    columns: tuple[str, ...]            # empty: this holder does not have the field (all missing)
    date_format: str | None = None      # strptime format, "excel" or "auto" (day first, UK)
    values: tuple[tuple[str, str], ...] = ()  # extra code map for sex/categorical, e.g. ("1", "m")
    words: str = "all"                  # "first" / "rest" / "last" / "middle": several names

    def to_dict(self) -> dict[str, Any]:
        """Return the document as a plain dict (every default written out)."""
        d: dict[str, Any] = {}
        if len(self.columns) == 1:
            d["column"] = self.columns[0]
        elif not self.columns:
            d["column"] = None
        else:
            d["columns"] = list(self.columns)
        if self.date_format is not None:
            d["date_format"] = self.date_format
        if self.values:
            d["values"] = dict(self.values)
        if self.words != "all":
            d["words"] = self.words
        return d


@dataclass(frozen=True)
class Mapping:
    """A holder's column mapping: its id column and the source of each schema field."""

    id_column: str
    sources: tuple[tuple[str, FieldSource], ...]
    description: str = ""

    @property
    def fields(self) -> dict[str, FieldSource]:
        """Return the field sources by field name."""
        return dict(self.sources)

    @property
    def columns(self) -> list[str]:
        """Return the table columns this mapping reads: the id column, then each source's."""
        return list(dict.fromkeys(
            [self.id_column] + [c for _, s in self.sources for c in s.columns]))

    @classmethod
    def from_dict(cls, doc: Any) -> Mapping:
        """Validate a mapping document."""
        return _parse_mapping(doc)

    @classmethod
    def from_json(cls, text: str) -> Mapping:
        """Parse and validate a JSON document."""
        return cls.from_dict(_parse_json(text, MappingError, "mapping"))

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Mapping:
        """Read and validate a JSON file."""
        return cls.from_dict(_parse_json(_read_text(path, MappingError, "mapping"), MappingError,
                                         f"mapping file {Path(path)}"))

    @classmethod
    def identity(cls, schema: Schema, id_column: str = "id") -> Mapping:
        """Make a mapping whose columns are named exactly like the schema's fields."""
        return cls(id_column, tuple((f.name, FieldSource((f.name,))) for f in schema.fields
                                    if f.source is None))

    def to_dict(self) -> dict[str, Any]:
        """Return the document as a plain dict (every default written out)."""
        return {
            "linkcore_mapping": MAPPING_VERSION,
            "description": self.description,
            "id_column": self.id_column,
            "fields": {name: src.to_dict() for name, src in self.sources},
        }

    def to_json(self) -> str:
        """Return human-readable JSON (for files people review)."""
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"

    def check_schema(self, schema: Schema) -> None:
        """Raise MappingError unless the mapping covers exactly the schema's fields."""
        if not isinstance(schema, Schema):
            raise TypeError("schema must be a linkcore.Schema (use Schema.load(path))")
        problems = []
        mapped = self.fields
        for f in schema.fields:
            if f.source is None and f.name not in mapped:
                problems.append(f"field {f.name!r} has no source (map it to a column, "
                                f"or to null if you do not hold it)")
            if f.source is not None and f.name in mapped:
                problems.append(f"field {f.name!r} is a view of {f.source!r} and takes its "
                                "value from there: leave it out of the mapping")
        for name in mapped:
            if name not in schema.field_names:
                problems.append(f"maps {name!r}, which is not a field of the schema")
        for name, src in self.sources:
            if name in schema.field_names:
                kind = schema.field(name).kind
                if src.date_format is not None and kind != "date":
                    problems.append(f"field {name!r}: date_format given for a {kind} field")
                if src.values and kind not in ("sex", "categorical"):
                    problems.append(
                        f"field {name!r}: 'values' applies only to sex/categorical fields")
            if self.id_column in src.columns:  # its values would travel in the clear as ids
                problems.append(f"the id column {self.id_column!r} is also a source of field "
                                f"{name!r}; record ids must be a column of their own")
        if problems:
            raise MappingError("the mapping does not fit the schema: " + "; ".join(problems))

    def check_columns(self, columns: AbcMapping[str, Any] | list[str] | Any) -> None:
        """Raise MappingError naming every mapped column absent from the table."""
        present = set(columns)
        missing = [c for c in self.columns if c not in present]
        if missing and any(not isinstance(c, str) for c in present):
            raise MappingError("the table's column names are not all text (a mapping names "
                               "columns by text); rename them, e.g. df.columns = "
                               "df.columns.astype(str)")
        if missing:
            raise MappingError(
                "the input has no column " + ", ".join(repr(c) for c in missing)
                + " named in the mapping (check the mapping's column names against the file header)"
            )


def _parse_mapping(doc: Any) -> Mapping:
    if not isinstance(doc, dict):
        raise MappingError("the mapping must be a JSON object")
    version = doc.get("linkcore_mapping")
    if version is None:
        raise MappingError('missing "linkcore_mapping": 1 (the mapping format version)')
    if not _is_int(version) or version < 1:
        raise MappingError('"linkcore_mapping" must be 1')
    if version > MAPPING_VERSION:
        raise MappingError(f"mapping format version {version} is newer than this linkcore "
                           f"supports ({MAPPING_VERSION}); upgrade linkcore")
    problems: list[str] = []
    for key in sorted(set(doc) - {"linkcore_mapping", "description", "id_column", "fields"}):
        problems.append(f"unknown key {key!r}")
    id_column = doc.get("id_column")
    if not isinstance(id_column, str) or not id_column:
        problems.append("'id_column' must name the column that holds record ids")
    raw_fields = doc.get("fields")
    sources: list[tuple[str, FieldSource]] = []
    if not isinstance(raw_fields, dict) or not raw_fields:
        problems.append("'fields' must be an object from field name to {\"column\": ...}")
        raw_fields = {}
    for name, raw in raw_fields.items():
        where = f"field {name!r}"
        if not isinstance(raw, dict):
            problems.append(f"{where}: must be an object like {{\"column\": \"dob\"}}")
            continue
        extra = set(raw) - {"column", "columns", "date_format", "values", "words"}
        if extra:
            problems.append(f"{where}: unknown key(s) {', '.join(sorted(map(repr, extra)))}")
        if "column" in raw and "columns" in raw:
            problems.append(f"{where}: give 'column' or 'columns', not both")
            continue
        if "columns" in raw:
            cols = raw["columns"]
            if (not isinstance(cols, list) or not cols
                    or not all(isinstance(c, str) and c for c in cols)):
                problems.append(f"{where}: 'columns' must be a non-empty list of column names")
                continue
            columns = tuple(cols)
        elif "column" in raw:
            col = raw["column"]
            if col is None:
                columns = ()
            elif isinstance(col, str) and col:
                columns = (col,)
            else:
                problems.append(f"{where}: 'column' must be a column name or null")
                continue
        else:
            problems.append(
                f"{where}: needs 'column' (or 'columns', or null if you do not hold it)")
            continue
        date_format = raw.get("date_format")
        if date_format is not None and (not isinstance(date_format, str) or not date_format):
            problems.append(f"{where}: 'date_format' must be a strptime format like "
                            "\"%d/%m/%Y\", \"excel\" or \"auto\"")
            continue
        if date_format in (None, "auto", "excel"):  # excel: spreadsheet day numbers (spec §4)
            pass
        elif "%" not in date_format:
            problems.append(f"{where}: 'date_format' {date_format!r} has no % directives "
                            "(use e.g. \"%d/%m/%Y\", \"excel\" for spreadsheet day numbers, "
                            "or \"auto\")")
            continue
        elif not _strptime_format(date_format):
            problems.append(f"{where}: 'date_format' {date_format!r} holds a directive strptime "
                            "does not know (use e.g. \"%d/%m/%Y\", or \"auto\")")
            continue
        elif not _whole_date_format(date_format):
            problems.append(f"{where}: 'date_format' {date_format!r} does not give a day, a "
                            "month and a year (strptime would make up the parts it lacks); use "
                            "e.g. \"%d/%m/%Y\", or \"auto\"")
            continue
        values = raw.get("values", {})
        if not isinstance(values, dict) or not all(
            isinstance(a, str) and isinstance(b, str) for a, b in values.items()
        ):
            problems.append(f"{where}: 'values' must map strings to strings")
            continue
        words = raw.get("words", "all")
        if words not in WORD_SELECTIONS:
            problems.append(f"{where}: 'words' must be one of {', '.join(WORD_SELECTIONS)}")
            continue
        sources.append((name, FieldSource(columns, date_format, tuple(sorted(values.items())),
                                          words)))
    if problems:
        raise MappingError("invalid mapping: " + "; ".join(problems))
    return Mapping(id_column, tuple(sources), str(doc.get("description", "")))


def _whole_date_format(fmt: str) -> bool:
    """Whether ``fmt`` reads a year and a day of it (%d with a month, or %j), not a part."""
    directives = set(re.findall(r"%([^%])", fmt.replace("%%", "")))
    year = bool(directives & {"Y", "y"})
    month = bool(directives & {"m", "b", "B"})
    return year and (("d" in directives and month) or "j" in directives)


def _strptime_format(fmt: str) -> bool:
    """Whether ``strptime`` accepts ``fmt`` as a format (every % directive one it knows)."""
    import datetime

    try:
        datetime.datetime.strptime("", fmt)
    except ValueError as exc:  # a known format fails on "" with "does not match"
        return "does not match" in str(exc)
    return True
