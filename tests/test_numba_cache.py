"""Kernels compile where numba cannot write its cache (a service account without a home)."""

from __future__ import annotations

import numpy as np

from linkcore._numba import njit


def test_a_kernel_that_cannot_be_cached_is_compiled_afresh():
    namespace: dict = {}
    exec("def twice(x):\n    return 2 * x\n", namespace)  # no file: numba finds no cache locator
    twice = njit(cache=True)(namespace["twice"])
    assert twice(np.int64(21)) == 42


def test_bare_and_cached_kernels_compile():
    @njit
    def plus(x, y):
        return x + y

    @njit(cache=True)
    def minus(x, y):
        return x - y

    assert plus(2, 3) == 5 and minus(2, 3) == -1
