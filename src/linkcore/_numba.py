"""numba's ``njit``, cached on disk where a cache can be written, compiled afresh where not.

numba caches beside the source (``__pycache__``) or under the user's home; a service account
that can write neither makes ``njit(cache=True)`` raise at import ("no locator available"),
and every command failed with an internal error. Such a user compiles the kernels each run.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numba


def njit(*args: Any, **options: Any) -> Any:
    """``numba.njit``, used as ``@njit`` or ``@njit(cache=True, ...)``; see the module doc."""
    if args and callable(args[0]) and not options:
        return _compile(args[0], {})
    return lambda function: _compile(function, options)


def _compile(function: Callable, options: dict[str, Any]) -> Any:
    try:
        return numba.njit(**options)(function)
    except RuntimeError as exc:
        if not options.get("cache") or "no locator available" not in str(exc):
            raise
        return numba.njit(**{k: v for k, v in options.items() if k != "cache"})(function)
