"""linkcore: privacy-preserving record linkage with keyed Bloom-filter encodings.

The public API is a handful of names; everything else is an implementation detail.
Names load lazily so that ``import linkcore`` stays fast (numba kernels compile on first use).
"""

from __future__ import annotations

import importlib
import logging
from typing import Any

__version__ = "0.1.0"

logging.getLogger("linkcore").addHandler(logging.NullHandler())

# public name -> module that defines it
_EXPORTS: dict[str, str] = {
    "Schema": "linkcore.schema",
    "Mapping": "linkcore.schema",
    "Secret": "linkcore.holder.keys",
    "encode": "linkcore.holder.encode",
    "EncodedDataset": "linkcore.dataset",
    "link": "linkcore.linkage.pipeline",
    "LinkResult": "linkcore.linkage.pipeline",
    "evaluate": "linkcore.evaluate",
    "LinkcoreError": "linkcore.errors",
}

__all__ = sorted(_EXPORTS) + ["__version__"]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'linkcore' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
