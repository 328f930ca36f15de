"""The linkage unit's side: sees only encoded datasets, never plaintext or a key.

blocking → compare → model → resolve, assembled by :func:`link` (two datasets),
:func:`link_many` (several, pairwise) and :func:`link_and_dedupe` / :func:`dedupe` (one or
more files pooled, duplicates within a file included). Nothing here imports ``linkcore.holder``.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "link": "linkcore.linkage.pipeline",
    "link_many": "linkcore.linkage.pipeline",
    "LinkResult": "linkcore.linkage.pipeline",
    "ManyLinkResult": "linkcore.linkage.pipeline",
    "dedupe": "linkcore.linkage.dedupe",
    "link_and_dedupe": "linkcore.linkage.dedupe",
    "DedupeResult": "linkcore.linkage.dedupe",
    "ProjectKey": "linkcore.linkage.pseudonyms",
    "candidate_pairs": "linkcore.linkage.blocking",
    "AllPairs": "linkcore.linkage.blocking",
    "KeyedBlocking": "linkcore.linkage.blocking",
    "HammingLSH": "linkcore.linkage.blocking",
    "FieldAgreement": "linkcore.linkage.blocking",
    "CandidatePairs": "linkcore.linkage.blocking",
    "Comparator": "linkcore.linkage.compare",
    "FieldComparison": "linkcore.linkage.levels",
    "FellegiSunterModel": "linkcore.linkage.model",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'linkcore.linkage' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
