"""The attacker's side: published attacks on Bloom-filter encodings, scored by the data holder.

``run_audit(data_df, schema, mapping, secret, reference_df)`` encodes DATA as it would be sent,
attacks the encoding with only what an attacker holds (the file, the public schema and a plaintext
reference population), and scores every attack against DATA's own values. Only rates and counts
come out. docs/privacy_audit.md describes each attack, its source and its scoring.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "run_audit": "linkcore.audit.run",
    "AuditResult": "linkcore.audit.run",
    "AttackResult": "linkcore.audit.run",
    "Score": "linkcore.audit.scoring",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'linkcore.audit' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
