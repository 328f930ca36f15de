"""Fixed test keys: distinct, repeatable, and random-looking (linkcore refuses degenerate keys)."""

from __future__ import annotations

import hashlib


def key_bytes(label: str, n: int = 32) -> bytes:
    """Return ``n`` key bytes derived from ``label`` (the same every run)."""
    return hashlib.shake_256(label.encode("utf-8")).digest(n)
