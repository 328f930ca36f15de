"""Transforms of normalised values used by salts and keyed blocking keys (docs/spec.md).

A transform maps a field's normalised value to a coarser string: the year of a date, the
Soundex code of a surname, the district of a postcode. ``None`` stays ``None`` (missing).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import jellyfish

from ..schema import (
    TRANSFORM_KINDS,  # noqa: F401  (re-exported for callers)
    VALUE_WITH_SALT,
    KeyPart,
    Schema,
)

#: Joins a value and its field's own salt in a value_with_salt salt (docs/spec.md §8).
SALT_JOIN = "\x1f"


def _letters(value: str) -> str:
    return value.replace(" ", "")


def _postcode_area(pc: str) -> str:
    outward = pc.partition(" ")[0]
    area = ""
    for c in outward:
        if not c.isalpha():
            break
        area += c
    return area


TRANSFORMS: dict[str, Callable[[str], str]] = {
    "value": lambda v: v,
    "year": lambda v: v[0:4],
    "month": lambda v: v[5:7],
    "day": lambda v: v[8:10],
    "soundex": lambda v: jellyfish.soundex(_letters(v)),
    "metaphone": lambda v: jellyfish.metaphone(_letters(v)).replace(" ", ""),
    "nysiis": lambda v: jellyfish.nysiis(_letters(v)),
    "first_char": lambda v: v[0],
    "postcode_area": _postcode_area,
    "postcode_district": lambda v: v.partition(" ")[0],
    "postcode_sector": lambda v: v[: v.index(" ") + 2] if " " in v else v,
}

def apply_transform(name: str, value: str | None) -> str | None:
    """Apply one transform to one normalised value; empty results count as missing."""
    if value is None:
        return None
    out = TRANSFORMS[name](value)
    return out or None


def salt_values(schema: Schema, part: KeyPart | None,
                values: Mapping[str, Sequence[str | None]]) -> list[str | None] | None:
    """Per-record salt of a field or CLK salted with ``part`` (None: not salted).

    ``values`` holds each field's normalised values, one per record. A ``value_with_salt`` salt
    is the named field's value, 0x1F, and that field's own salt; missing if either is.
    """
    if part is None:
        return None
    if part.transform == VALUE_WITH_SALT:
        inner = salt_values(schema, schema.field(part.field).salt, values)
        assert inner is not None  # the schema checks the named field is salted
        return [None if v is None or s is None else v + SALT_JOIN + s
                for v, s in zip(values[part.field], inner, strict=True)]
    return [apply_transform(part.transform, v) for v in values[part.field]]
