"""Hot bit-vector kernels: popcounts, Dice over pairs and tiles, top-k, bit setting, LSH keys.

Conventions shared by every kernel:

* A filter of ``m`` bits (``m`` a multiple of 64) is a row of ``W = m / 64`` ``uint64`` words;
  bit ``i`` lives in word ``i // 64`` at bit position ``i % 64`` (least significant bit first).
  A set of filters is a C-contiguous ``uint64`` array of shape ``(n, W)``.
* ``Dice(a, b) = 2 |a & b| / (|a| + |b|)``, computed in float64 and returned as float32.
  When both filters are all-zero the value is defined as 0.0: an all-zero filter carries no
  information, so it never counts as agreement. (An empty *value* is a missing comparison,
  decided by the caller, not an empty filter.)
* A pair is kept by a threshold ``t`` when its float64 score is ``>= t``.

Each numba kernel sits beside a plain-numpy ``<name>_reference`` with the same signature; the
tests compare the two, and ``KERNELS`` maps each name to ``(kernel, reference)``. The one
kernel that is not compiled, ``hmac_sha256_many``, is HMAC-SHA256 over a batch of messages with
hashlib's SHA-256, checked against the standard library's ``hmac``. Kernels are
compiled lazily on first call and cached on disk (``cache=True``); nothing here changes numba's
global settings. No kernel uses ``fastmath``: every result is bit-for-bit the reference's.

Speed: the Dice inner loop is written as LLVM vector IR (``llvm.ctpop.v32i8`` on 256-bit chunks,
byte counts accumulated across up to 31 chunks and summed once per pair, one filter against four
others at a time). On AVX2 (this project's Zen 3 EPYC, which has no AVX-512) LLVM lowers it to the
``vpshufb`` nibble-table popcount with one ``vpsadbw`` per pair, checked with ``inspect_asm``; on
CPUs with AVX512-BITALG it may become ``vpopcntb`` (not measured here). All-pairs work is tiled
(a block of left rows against a tile of right rows that stays in L2), parallel over left blocks
(``prange``), and skips pairs that cannot reach the threshold, first from popcounts alone, then
after the first half of the words (used only while it pays off).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from types import FunctionType
from typing import Any

import numpy as np
from llvmlite import ir
from numba import prange, types
from numba.core import cgutils
from numba.extending import intrinsic

from linkcore._numba import njit
from linkcore.errors import ParameterError

__all__ = [
    "KERNELS",
    "dice_all_pairs",
    "dice_all_pairs_reference",
    "dice_levels",
    "dice_levels_reference",
    "dice_pairs",
    "dice_pairs_reference",
    "dice_top_k",
    "dice_top_k_reference",
    "filter_keys",
    "filter_keys_reference",
    "hamming_band_keys",
    "hamming_band_keys_reference",
    "near_block_pairs",
    "near_block_pairs_reference",
    "or_positions_csr",
    "or_positions_csr_reference",
    "tagged_blocks",
    "tagged_blocks_reference",
    "or_reduce_csr",
    "or_reduce_csr_reference",
    "gather_or_rows",
    "gather_or_rows_reference",
    "hmac_sha256_many",
    "hmac_sha256_many_reference",
    "popcounts",
    "popcounts_reference",
    "set_bits",
    "set_bits_reference",
    "balance_bits",
    "balance_bits_reference",
]

DEFAULT_TILE = 1024  # right rows per tile: 1024 x 128 bytes = 128 KiB for 1024-bit filters (L2)
_LEFT_BLOCK = 32  # left rows per parallel task
_MAX_CHUNKS = 31  # 256-bit chunks per byte accumulator: 31 * 8 = 248 < 256, no overflow

_I64 = ir.IntType(64)
_V4I64 = ir.VectorType(_I64, 4)
_V32I8 = ir.VectorType(ir.IntType(8), 32)
_V32I16 = ir.VectorType(ir.IntType(16), 32)


# --------------------------------------------------------------------------------------------
# LLVM building blocks
# --------------------------------------------------------------------------------------------


def _ir_loop(builder: ir.IRBuilder, count: ir.Value, body: Callable, *, vectorize: bool = True):
    """Emit ``for k in range(count): body(k)``; ``vectorize=False`` tells LLVM to keep it scalar."""
    bb_cond = builder.append_basic_block("loop.cond")
    bb_body = builder.append_basic_block("loop.body")
    bb_end = builder.append_basic_block("loop.end")
    bb_start = builder.basic_block
    builder.branch(bb_cond)
    builder.position_at_end(bb_cond)
    index = builder.phi(_I64)
    builder.cbranch(builder.icmp_signed("<", index, count), bb_body, bb_end)
    builder.position_at_end(bb_body)
    body(index)
    following = builder.add(index, ir.Constant(_I64, 1))
    latch = builder.branch(bb_cond)
    if not vectorize:
        module = builder.module
        hint = module.add_metadata(
            [ir.MetaDataString(module, "llvm.loop.vectorize.enable"), ir.Constant(ir.IntType(1), 0)]
        )
        loop_id = module.add_metadata([hint])
        loop_id.operands = (loop_id, *loop_id.operands)  # a loop id refers to itself
        latch.set_metadata("llvm.loop", loop_id)
    index.add_incoming(ir.Constant(_I64, 0), bb_start)
    index.add_incoming(following, builder.basic_block)
    builder.position_at_end(bb_end)


def _make_and_popcount(rows: int):
    """Build an intrinsic: popcounts of ``a[i] & b[j + r]`` for ``r < rows`` over a word range.

    Signature ``(a, i, b, j, start, n_chunks, n_scalar)``: words ``start .. start + 4 * n_chunks``
    are processed as 256-bit vectors (``n_chunks <= 31``), the next ``n_scalar`` words one by one.
    """

    @intrinsic
    def and_popcount(typingctx, a, i, b, j, start, n_chunks, n_scalar):
        for arr in (a, b):
            if not (isinstance(arr, types.Array) and arr.ndim == 2 and arr.layout == "C"):
                return None
            if arr.dtype != types.uint64:
                return None
        ret = types.int64 if rows == 1 else types.UniTuple(types.int64, rows)
        sig = ret(a, i, b, j, start, n_chunks, n_scalar)

        def codegen(context, builder, signature, args):
            a_ty, _, b_ty, _, _, _, _ = signature.args
            a_val, i_val, b_val, j_val, start_val, nc_val, ns_val = args
            i_val, j_val, start_val, nc_val, ns_val = (
                context.cast(builder, v, t, types.int64)
                for v, t in zip(
                    (i_val, j_val, start_val, nc_val, ns_val),
                    (signature.args[1], signature.args[3], *signature.args[4:]),
                    strict=True,
                )
            )
            arr_a = context.make_array(a_ty)(context, builder, a_val)
            arr_b = context.make_array(b_ty)(context, builder, b_val)
            width_a = builder.extract_value(arr_a.shape, 1)
            width_b = builder.extract_value(arr_b.shape, 1)
            row_a = builder.gep(arr_a.data, [builder.add(builder.mul(i_val, width_a), start_val)])
            rows_b = [
                builder.gep(
                    arr_b.data,
                    [
                        builder.add(
                            builder.mul(builder.add(j_val, ir.Constant(_I64, r)), width_b),
                            start_val,
                        )
                    ],
                )
                for r in range(rows)
            ]
            module = builder.module
            ctpop_v = cgutils.get_or_insert_function(
                module, ir.FunctionType(_V32I8, [_V32I8]), "llvm.ctpop.v32i8"
            )
            ctpop_s = cgutils.get_or_insert_function(
                module, ir.FunctionType(_I64, [_I64]), "llvm.ctpop.i64"
            )
            reduce_add = cgutils.get_or_insert_function(
                module, ir.FunctionType(ir.IntType(16), [_V32I16]), "llvm.vector.reduce.add.v32i16"
            )
            byte_acc = [
                cgutils.alloca_once_value(builder, ir.Constant(_V32I8, None)) for _ in rows_b
            ]
            word_acc = [cgutils.alloca_once_value(builder, ir.Constant(_I64, 0)) for _ in rows_b]

            def vector_body(k):
                offset = builder.mul(k, ir.Constant(_I64, 4))
                ptr_a = builder.bitcast(builder.gep(row_a, [offset]), _V4I64.as_pointer())
                words_a = builder.load(ptr_a, align=8)
                for row_b, acc in zip(rows_b, byte_acc, strict=True):
                    ptr_b = builder.bitcast(builder.gep(row_b, [offset]), _V4I64.as_pointer())
                    both = builder.bitcast(
                        builder.and_(words_a, builder.load(ptr_b, align=8)), _V32I8
                    )
                    builder.store(
                        builder.add(builder.load(acc), builder.call(ctpop_v, [both])), acc
                    )

            _ir_loop(builder, nc_val, vector_body)
            scalar_start = builder.mul(nc_val, ir.Constant(_I64, 4))
            for row_b, acc in zip(rows_b, word_acc, strict=True):

                def scalar_body(w, row_b=row_b, acc=acc):
                    offset = builder.add(scalar_start, w)
                    both = builder.and_(
                        builder.load(builder.gep(row_a, [offset])),
                        builder.load(builder.gep(row_b, [offset])),
                    )
                    builder.store(
                        builder.add(builder.load(acc), builder.call(ctpop_s, [both])), acc
                    )

                _ir_loop(builder, ns_val, scalar_body, vectorize=False)
            totals = []
            for bacc, wacc in zip(byte_acc, word_acc, strict=True):
                wide = builder.zext(builder.load(bacc), _V32I16)
                summed = builder.zext(builder.call(reduce_add, [wide]), _I64)
                totals.append(builder.add(summed, builder.load(wacc)))
            if rows == 1:
                return totals[0]
            return context.make_tuple(builder, signature.return_type, totals)

        return sig, codegen

    return and_popcount


_and_popcount_1 = _make_and_popcount(1)
_and_popcount_4 = _make_and_popcount(4)


@njit(cache=True, inline="always")
def _pop1(a, i, b, j, start, stop):  # pragma: no cover - compiled
    """Return ``|a[i] & b[j]|`` over words ``start .. stop``."""
    w = start
    c = 0
    while stop - w > 4 * _MAX_CHUNKS:
        c += _and_popcount_1(a, i, b, j, w, _MAX_CHUNKS, 0)
        w += 4 * _MAX_CHUNKS
    return c + _and_popcount_1(a, i, b, j, w, (stop - w) // 4, (stop - w) % 4)


@njit(cache=True, inline="always")
def _pop4(a, i, b, j, start, stop):  # pragma: no cover - compiled
    """Return ``|a[i] & b[j + r]|`` for ``r = 0..3`` over words ``start .. stop``."""
    w = start
    c0 = c1 = c2 = c3 = 0
    while stop - w > 4 * _MAX_CHUNKS:
        d0, d1, d2, d3 = _and_popcount_4(a, i, b, j, w, _MAX_CHUNKS, 0)
        c0 += d0
        c1 += d1
        c2 += d2
        c3 += d3
        w += 4 * _MAX_CHUNKS
    d0, d1, d2, d3 = _and_popcount_4(a, i, b, j, w, (stop - w) // 4, (stop - w) % 4)
    return c0 + d0, c1 + d1, c2 + d2, c3 + d3


@njit(cache=True, inline="always")
def _dice(c, total):  # pragma: no cover - compiled
    """Return ``2c / total`` in float64, 0.0 when ``total`` is 0 (two all-zero filters)."""
    if total == 0:
        return 0.0
    return 2.0 * c / total


@njit(cache=True, inline="always")
def _split_point(n_words):  # pragma: no cover - compiled
    """Return the word where the early-exit check happens: half the filter, in whole chunks."""
    half = (n_words // 2) // 4 * 4
    return half if half >= 4 else 0


# --------------------------------------------------------------------------------------------
# numba kernels
# --------------------------------------------------------------------------------------------


def _popcounts_py(filters, start, stop):  # pragma: no cover - compiled
    """Return ``|filters[i]|`` over words ``start .. stop`` for each row (int32)."""
    n = filters.shape[0]
    out = np.empty(n, np.int32)
    for i in prange(n):
        out[i] = _pop1(filters, i, filters, i, start, stop)
    return out


#: Multipliers of ``filter_keys``'s words (word j uses entry j % 4), and its round multiplier.
FILTER_KEY_MULTIPLIERS = np.array(
    [0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93],
    dtype=np.uint64,
)
_FILTER_KEY_ROUND = np.uint64(0xBF58476D1CE4E5B9)


def _filter_keys_py(filters, words, mult, empty_missing):  # pragma: no cover - compiled
    """One pass over each row: the hash of its first ``words`` words (see ``filter_keys``)."""
    n, w = filters.shape
    out = np.empty(n, np.uint64)
    m = mult.shape[0]
    for i in prange(n):
        key = np.uint64(0)
        for j in range(words):
            key = (key ^ (filters[i, j] * mult[j % m])) * _FILTER_KEY_ROUND + np.uint64(j + 1)
        if key == 0:
            key = np.uint64(1)
        if empty_missing:
            empty = True
            for j in range(w):
                if filters[i, j] != 0:
                    empty = False
                    break
            if empty:
                key = np.uint64(0)
        out[i] = key
    return out


def _dice_pairs_py(a, b, left, right, pop_a, pop_b):  # pragma: no cover - compiled
    """Return ``2|a[l] & b[r]| / (|a[l]| + |b[r]|)`` (0.0 for two all-zero rows) per pair."""
    n_pairs = left.shape[0]
    n_words = a.shape[1]
    out = np.empty(n_pairs, np.float32)
    block = 4096
    for blk in prange((n_pairs + block - 1) // block):
        for p in range(blk * block, min(n_pairs, (blk + 1) * block)):
            i = left[p]
            j = right[p]
            if n_words == 16:  # 1024-bit filters: a constant trip count unrolls fully
                c = _pop1(a, i, b, j, 0, 16)
            else:
                c = _pop1(a, i, b, j, 0, n_words)
            out[p] = _dice(c, pop_a[i] + pop_b[j])
    return out


def _dice_levels_py(a, b, left, right, pop_a, pop_b, edges, top, miss_a, miss_b, gate,
                    missing_level):  # pragma: no cover - compiled
    """Comparison level per pair: ``top`` minus the edges at or below its float32 Dice.

    ``missing_level`` where either side is missing or the pair's gate is closed (empty masks
    mean none); the Dice of a gated-off pair is never computed.
    """
    n_pairs = left.shape[0]
    n_words = a.shape[1]
    n_edges = edges.shape[0]
    has_ma = miss_a.shape[0] > 0
    has_mb = miss_b.shape[0] > 0
    has_gate = gate.shape[0] > 0
    out = np.empty(n_pairs, np.int8)
    block = 4096
    for blk in prange((n_pairs + block - 1) // block):
        for p in range(blk * block, min(n_pairs, (blk + 1) * block)):
            i = left[p]
            j = right[p]
            if (has_gate and not gate[p]) or (has_ma and miss_a[i]) or (has_mb and miss_b[j]):
                out[p] = missing_level
                continue
            if n_words == 16:
                c = _pop1(a, i, b, j, 0, 16)
            else:
                c = _pop1(a, i, b, j, 0, n_words)
            d = np.float32(_dice(c, pop_a[i] + pop_b[j]))
            passed = 0
            for e in range(n_edges):
                if edges[e] <= d:
                    passed += 1
            out[p] = top - passed
    return out


# Each per-row or per-pair kernel above comes in a parallel and a serial build. A parallel
# launch wakes the other core's thread and waits for it at the end: about 0.1 ms on an idle
# machine, several milliseconds when that core is busy, more than the loop itself for a few
# thousand rows (a monthly store update makes dozens of such calls). Below _SMALL_WORK words
# read (rows or pairs times words) the wrappers run the serial build. (The encoder's loops
# below count words written, several per record, against their own _PARALLEL_WORDS.)
_SMALL_WORK = 1 << 18


def _build(py_func: Callable[..., Any], parallel: bool) -> Any:
    """Compile one build of ``py_func`` under a name of its own, cached on disk.

    numba's cache files a function by module, name and first line, and looks a build up by
    signature and CPU only: a serial and a parallel build of one function would share one
    entry, and whichever compiled first would be loaded for the other (parallel code paying a
    thread launch on every small call, or serial code where two cores were meant). So each
    build compiles a copy of the function named for its kind.
    """
    name = f"{py_func.__name__}_{'parallel' if parallel else 'serial'}"
    code = py_func.__code__.replace(co_name=name, co_qualname=name)
    clone = FunctionType(code, py_func.__globals__, name, py_func.__defaults__,
                         py_func.__closure__)
    clone.__doc__ = py_func.__doc__
    return njit(cache=True, parallel=parallel)(clone)


def _twins(py_func: Callable[..., Any]) -> tuple[Any, Any]:
    """Return the serial and the parallel build of ``py_func``."""
    return _build(py_func, parallel=False), _build(py_func, parallel=True)


_popcounts_serial, _popcounts_nb = _twins(_popcounts_py)
_filter_keys_serial, _filter_keys_nb = _twins(_filter_keys_py)
_dice_pairs_serial, _dice_pairs_nb = _twins(_dice_pairs_py)
_dice_levels_serial, _dice_levels_nb = _twins(_dice_levels_py)


def _small(rows: int, words: int) -> bool:
    """Whether a kernel over ``rows`` rows (or pairs) of ``words`` words runs serially."""
    return rows * max(words, 1) < _SMALL_WORK


@njit(cache=True, inline="always")
def _below(x, total, low):  # pragma: no cover - compiled
    """Return whether ``2x / total`` is surely under the threshold (``low`` = t (1 - 1e-9)).

    A multiplication instead of a division: the margin covers rounding, so ``True`` implies
    ``_dice(x, total) < t``; pairs that pass get the exact test.
    """
    return 2.0 * x < low * total


@njit(cache=True, inline="always")
def _emit(
    out_left, out_right, out_score, base, k, capacity, i, j, c, total, threshold, low
):  # pragma: no cover - compiled
    """Record pair (i, j) if its Dice reaches the threshold; return the block's new pair count."""
    if _below(c, total, low):
        return k
    s = _dice(c, total)
    if s >= threshold:
        if k < capacity:
            out_left[base + k] = i
            out_right[base + k] = j
            out_score[base + k] = s
        k += 1
    return k


@njit(cache=True, inline="always")
def _all_pairs_block(
    a,
    b,
    pop_a,
    pop_b,
    rest_a,
    rest_b,
    b0,
    b1,
    base,
    threshold,
    low,
    tile,
    capacity,
    out_left,
    out_right,
    out_score,
    n_words,
    split,
):  # pragma: no cover - compiled
    """Emit the pairs of left rows ``b0 .. b1`` (see ``_all_pairs_nb``); return their count.

    ``n_words`` and ``split`` are arguments so that a caller passing constants gets a loop
    that LLVM fully unrolls.
    """
    m = b.shape[0]
    k = 0
    early = split > 0
    for j0 in range(0, m, tile):
        j1 = min(m, j0 + tile)
        tried = 0
        ruled_out = 0
        for i in range(b0, b1):
            pa = pop_a[i]
            ra = rest_a[i]
            check = split > 0 and (early or i == b0)
            j = j0
            while j + 4 <= j1:
                p0 = pop_b[j]
                p1 = pop_b[j + 1]
                p2 = pop_b[j + 2]
                p3 = pop_b[j + 3]
                t0 = pa + p0
                t1 = pa + p1
                t2 = pa + p2
                t3 = pa + p3
                if (
                    _below(min(pa, p0), t0, low)
                    and _below(min(pa, p1), t1, low)
                    and _below(min(pa, p2), t2, low)
                    and _below(min(pa, p3), t3, low)
                ):
                    j += 4
                    continue
                if check:
                    c0, c1, c2, c3 = _pop4(a, i, b, j, 0, split)
                    tried += 1
                    if (
                        _below(c0 + min(ra, rest_b[j]), t0, low)
                        and _below(c1 + min(ra, rest_b[j + 1]), t1, low)
                        and _below(c2 + min(ra, rest_b[j + 2]), t2, low)
                        and _below(c3 + min(ra, rest_b[j + 3]), t3, low)
                    ):
                        ruled_out += 1
                        j += 4
                        continue
                    d0, d1, d2, d3 = _pop4(a, i, b, j, split, n_words)
                    c0 += d0
                    c1 += d1
                    c2 += d2
                    c3 += d3
                else:
                    c0, c1, c2, c3 = _pop4(a, i, b, j, 0, n_words)
                k = _emit(
                    out_left,
                    out_right,
                    out_score,
                    base,
                    k,
                    capacity,
                    i,
                    j,
                    c0,
                    t0,
                    threshold,
                    low,
                )
                k = _emit(
                    out_left,
                    out_right,
                    out_score,
                    base,
                    k,
                    capacity,
                    i,
                    j + 1,
                    c1,
                    t1,
                    threshold,
                    low,
                )
                k = _emit(
                    out_left,
                    out_right,
                    out_score,
                    base,
                    k,
                    capacity,
                    i,
                    j + 2,
                    c2,
                    t2,
                    threshold,
                    low,
                )
                k = _emit(
                    out_left,
                    out_right,
                    out_score,
                    base,
                    k,
                    capacity,
                    i,
                    j + 3,
                    c3,
                    t3,
                    threshold,
                    low,
                )
                j += 4
            while j < j1:
                t0 = pa + pop_b[j]
                if not _below(min(pa, pop_b[j]), t0, low):
                    c0 = _pop1(a, i, b, j, 0, n_words)
                    k = _emit(
                        out_left,
                        out_right,
                        out_score,
                        base,
                        k,
                        capacity,
                        i,
                        j,
                        c0,
                        t0,
                        threshold,
                        low,
                    )
                j += 1
        if tried > 0:
            early = 4 * ruled_out >= tried
    return k


@njit(cache=True, parallel=True)
def _all_pairs_nb(
    a,
    b,
    pop_a,
    pop_b,
    rest_a,
    rest_b,
    i_start,
    i_stop,
    threshold,
    tile,
    capacity,
    out_left,
    out_right,
    out_score,
    counts,
):  # pragma: no cover - compiled
    """Emit every pair of rows ``i_start <= i < i_stop`` of ``a`` and all of ``b`` with Dice >= t.

    Left block ``k`` writes at most ``capacity`` pairs at ``k * capacity``; ``counts[k]`` is its
    true number of pairs, so a caller that sees ``counts[k] > capacity`` reruns with more room.
    Bounds: ``Dice <= 2 min(|a|, |b|) / (|a| + |b|)`` and, after the words before ``split``,
    ``Dice <= 2 (c_1 + min(rest_a, rest_b)) / (|a| + |b|)``. The second check costs a little,
    so a block keeps using it for a tile only while it rules out at least a quarter of the pairs
    it is tried on (the first row of every tile always tries it).
    """
    n_words = a.shape[1]
    split = _split_point(n_words)
    low = threshold * (1.0 - 1e-9)
    n_blocks = (i_stop - i_start + _LEFT_BLOCK - 1) // _LEFT_BLOCK
    for blk in prange(n_blocks):
        base = blk * capacity
        b0 = i_start + blk * _LEFT_BLOCK
        b1 = min(i_stop, b0 + _LEFT_BLOCK)
        if n_words == 16:  # 1024-bit filters, the usual CLK size: constant trip counts
            k = _all_pairs_block(
                a,
                b,
                pop_a,
                pop_b,
                rest_a,
                rest_b,
                b0,
                b1,
                base,
                threshold,
                low,
                tile,
                capacity,
                out_left,
                out_right,
                out_score,
                16,
                8,
            )
        else:
            k = _all_pairs_block(
                a,
                b,
                pop_a,
                pop_b,
                rest_a,
                rest_b,
                b0,
                b1,
                base,
                threshold,
                low,
                tile,
                capacity,
                out_left,
                out_right,
                out_score,
                n_words,
                split,
            )
        counts[blk] = k


@njit(cache=True, inline="always")
def _offer(best_s, best_j, filled, row, score, j, k):  # pragma: no cover - compiled
    """Insert ``(score, j)`` into row ``row`` of a top-k list kept by score desc, then j asc."""
    n = filled[row]
    p = n
    while p > 0 and best_s[row, p - 1] < score:
        p -= 1
    if p >= k:
        return
    last = min(n, k - 1)
    for q in range(last, p, -1):
        best_s[row, q] = best_s[row, q - 1]
        best_j[row, q] = best_j[row, q - 1]
    best_s[row, p] = score
    best_j[row, p] = j
    if n < k:
        filled[row] = n + 1


@njit(cache=True, inline="always")
def _floor(best_s, filled, row, k, threshold):  # pragma: no cover - compiled
    """Return the score a new pair must reach: the threshold, or the k-th best once k are kept."""
    if filled[row] < k:
        return threshold
    return max(threshold, best_s[row, k - 1])


@njit(cache=True, parallel=True)
def _top_k_nb(
    a, b, pop_a, pop_b, rest_a, rest_b, k, threshold, tile, out_right, out_score, counts
):  # pragma: no cover - compiled
    """For each row of ``a``, keep its ``k`` best rows of ``b`` with Dice >= t (ties: lower j)."""
    n = a.shape[0]
    m = b.shape[0]
    n_words = a.shape[1]
    split = _split_point(n_words)
    n_blocks = (n + _LEFT_BLOCK - 1) // _LEFT_BLOCK
    for blk in prange(n_blocks):
        b0 = blk * _LEFT_BLOCK
        b1 = min(n, b0 + _LEFT_BLOCK)
        rows = b1 - b0
        best_s = np.empty((rows, k), np.float64)
        best_j = np.empty((rows, k), np.int64)
        filled = np.zeros(rows, np.int64)
        for j0 in range(0, m, tile):
            j1 = min(m, j0 + tile)
            for i in range(b0, b1):
                row = i - b0
                pa = pop_a[i]
                ra = rest_a[i]
                for j in range(j0, j1):
                    floor = _floor(best_s, filled, row, k, threshold)
                    low = floor * (1.0 - 1e-9)
                    total = pa + pop_b[j]
                    if _below(min(pa, pop_b[j]), total, low):
                        continue
                    c = _pop1(a, i, b, j, 0, split)
                    if split > 0:
                        if _below(c + min(ra, rest_b[j]), total, low):
                            continue
                    c += _pop1(a, i, b, j, split, n_words)
                    if _below(c, total, low):
                        continue
                    s = _dice(c, total)
                    if s >= floor:
                        _offer(best_s, best_j, filled, row, s, j, k)
        for row in range(rows):
            i = b0 + row
            counts[i] = filled[row]
            for q in range(filled[row]):
                out_right[i, q] = best_j[row, q]
                out_score[i, q] = best_s[row, q]


@njit(cache=True)
def _set_bits_nb(out, rows, positions):  # pragma: no cover - compiled
    """Set bit ``positions[p]`` of row ``rows[p]`` (word ``pos // 64``, bit ``pos % 64``)."""
    for p in range(rows.shape[0]):
        pos = positions[p]
        out[rows[p], pos >> 6] |= np.uint64(1) << np.uint64(pos & 63)


_DEBRUIJN = np.uint64(0x03F79D71B4CB0A89)
_DEBRUIJN_INDEX = np.array([
    0, 1, 48, 2, 57, 49, 28, 3, 61, 58, 50, 42, 38, 29, 17, 4, 62, 55, 59, 36, 53, 51, 43, 22,
    45, 39, 33, 30, 24, 18, 12, 5, 63, 47, 56, 27, 60, 41, 37, 16, 54, 35, 52, 21, 44, 32, 23,
    11, 46, 26, 40, 15, 34, 20, 31, 10, 25, 14, 19, 9, 13, 8, 7, 6], dtype=np.int64)


@njit(cache=True, inline="always")
def _low_bit_index(low, table):  # pragma: no cover - compiled
    """Index of the single set bit of ``low`` (a power of two), by de Bruijn multiplication."""
    return table[(low * _DEBRUIJN) >> np.uint64(58)]


def _balance_bits_py(filters, inverse, base, table, out):  # pragma: no cover - compiled
    """``out[i]`` = balanced row: ``base`` (the balanced all-zero row) with each set bit moved.

    Bit s of the input sets output bit ``inverse[s]`` and clears ``inverse[s + m]`` (its
    complement), so the work per row follows its set bits, not the 2m output bits.
    """
    m = filters.shape[1] * 64
    for i in prange(filters.shape[0]):
        for w in range(out.shape[1]):
            out[i, w] = base[w]
        for w in range(filters.shape[1]):
            x = filters[i, w]
            while x != np.uint64(0):
                low = x & (~x + np.uint64(1))
                s = w * 64 + _low_bit_index(low, table)
                on = inverse[s]
                off = inverse[s + m]
                out[i, on >> 6] ^= np.uint64(1) << np.uint64(on & 63)
                out[i, off >> 6] ^= np.uint64(1) << np.uint64(off & 63)
                x ^= low


def _or_positions_csr_py(positions, k, modulus, indptr, ids, out):  # pragma: no cover
    """Set in ``out[i]`` bits ``positions[ids[e], :k] % modulus``, e in indptr[i]..indptr[i+1]."""
    for i in prange(out.shape[0]):
        for e in range(indptr[i], indptr[i + 1]):
            t = ids[e]
            for q in range(k):
                pos = positions[t, q] % modulus
                out[i, pos >> 6] |= np.uint64(1) << np.uint64(pos & 63)


@njit(cache=True, parallel=True)
def _tagged_blocks_nb(first, second, first_idx, second_idx, n_blocks, out):  # pragma: no cover
    """Row r, block b of ``out`` = first[first_idx[r]] ‖ second[second_idx[r]] ‖ byte b."""
    w1 = first.shape[1]
    w2 = second.shape[1]
    for r in prange(first_idx.shape[0]):
        t = first_idx[r]
        s = second_idx[r]
        for b in range(n_blocks):
            base = b * 16
            for q in range(w1):
                out[r, base + q] = first[t, q]
            for q in range(w2):
                out[r, base + w1 + q] = second[s, q]
            out[r, base + 15] = b


def _or_reduce_csr_py(rows, indptr, ids, out):  # pragma: no cover - compiled
    """Set ``out[i] = OR of rows[ids[k]]`` for ``indptr[i] <= k < indptr[i + 1]``."""
    n_words = rows.shape[1]
    for i in prange(out.shape[0]):
        for k in range(indptr[i], indptr[i + 1]):
            t = ids[k]
            for w in range(n_words):
                out[i, w] |= rows[t, w]


def _gather_or_rows_py(out, table, codes):  # pragma: no cover - compiled
    """``out[i] |= table[codes[i]]`` for every i with ``codes[i] >= 0``."""
    n_words = table.shape[1]
    for i in prange(out.shape[0]):
        c = codes[i]
        if c >= 0:
            for w in range(n_words):
                out[i, w] |= table[c, w]


# The encoder's two loops come in a serial and a parallel build: for small inputs a parallel
# launch costs more than the loop (milliseconds when the other core is busy), so the wrappers
# go parallel only above _PARALLEL_WORDS words of output.
_PARALLEL_WORDS = 1 << 21
_or_reduce_csr_nb, _or_reduce_csr_par = _twins(_or_reduce_csr_py)
_gather_or_rows_nb, _gather_or_rows_par = _twins(_gather_or_rows_py)
_balance_bits_nb, _balance_bits_par = _twins(_balance_bits_py)
_or_positions_csr_nb, _or_positions_csr_par = _twins(_or_positions_csr_py)


@njit(cache=True, parallel=True)
def _band_keys_nb(filters, bit_positions):  # pragma: no cover - compiled
    """Pack, per band, the sampled bits of each filter into one integer (bit t = sample t)."""
    n = filters.shape[0]
    n_bands, r = bit_positions.shape
    out = np.empty((n, n_bands), np.uint64)
    for i in prange(n):
        for band in range(n_bands):
            key = np.uint64(0)
            for t in range(r):
                pos = bit_positions[band, t]
                bit = (filters[i, pos >> 6] >> np.uint64(pos & 63)) & np.uint64(1)
                key |= bit << np.uint64(t)
            out[i, band] = key
    return out


@njit(cache=True, inline="always")
def _near(fa, fb, pa, pb, min_dice, i, j):  # pragma: no cover - compiled
    """Whether rows ``i``, ``j`` reach a field's float32 minimum Dice on any field."""
    for k in range(len(fa)):
        a = fa[k]
        n_words = a.shape[1]
        if n_words == 16:
            c = _pop1(a, i, fb[k], j, 0, 16)
        else:
            c = _pop1(a, i, fb[k], j, 0, n_words)
        if np.float32(_dice(c, pa[k][i] + pb[k][j])) >= min_dice[k]:
            return True
    return False


_NEAR_ROWS = 256  # left rows per parallel task, taken in block order


@njit(cache=True, parallel=True)
def _near_block_counts_nb(visit, rows_a, first, counts, right_sorted, fa, fb, pa, pb,
                          min_dice):  # pragma: no cover - compiled
    """Per joining left row, how many of its block's right rows are near.

    Rows are visited in ``visit`` order (by block), so that a block's right filters, read
    once per left row of the block, stay in cache between consecutive rows.
    """
    n = rows_a.shape[0]
    out = np.zeros(n, np.int64)
    for task in prange((n + _NEAR_ROWS - 1) // _NEAR_ROWS):
        for v in range(task * _NEAR_ROWS, min(n, (task + 1) * _NEAR_ROWS)):
            r = visit[v]
            i = rows_a[r]
            kept = 0
            for t in range(first[r], first[r] + counts[r]):
                if _near(fa, fb, pa, pb, min_dice, i, right_sorted[t]):
                    kept += 1
            out[r] = kept
    return out


@njit(cache=True, parallel=True)
def _near_block_fill_nb(visit, rows_a, first, counts, right_sorted, fa, fb, pa, pb, min_dice,
                        starts, out_left, out_right):  # pragma: no cover - compiled
    """Write each joining left row's near pairs from ``starts[row]`` on, in block order."""
    n = rows_a.shape[0]
    for task in prange((n + _NEAR_ROWS - 1) // _NEAR_ROWS):
        for v in range(task * _NEAR_ROWS, min(n, (task + 1) * _NEAR_ROWS)):
            r = visit[v]
            i = rows_a[r]
            w = starts[r]
            for t in range(first[r], first[r] + counts[r]):
                j = right_sorted[t]
                if _near(fa, fb, pa, pb, min_dice, i, j):
                    out_left[w] = i
                    out_right[w] = j
                    w += 1


# --------------------------------------------------------------------------------------------
# input checks
# --------------------------------------------------------------------------------------------


def _filters(x: object, name: str) -> np.ndarray:
    """Check that ``x`` is a 2-D uint64 filter array; return it C-contiguous."""
    if not isinstance(x, np.ndarray):
        raise ParameterError(
            f"{name} must be a numpy array of uint64 words, got {type(x).__name__}"
        )
    if x.dtype != np.uint64:
        raise ParameterError(f"{name} must have dtype uint64 (packed filter words), got {x.dtype}")
    if x.ndim != 2:
        raise ParameterError(f"{name} must be 2-D (rows, words), got {x.ndim} dimension(s)")
    return np.ascontiguousarray(x)


def _same_width(a: np.ndarray, b: np.ndarray) -> None:
    """Check that both filter sets have the same number of words per row."""
    if a.shape[1] != b.shape[1]:
        raise ParameterError(
            f"filters differ in length: a has {a.shape[1]} words per row, b has {b.shape[1]}"
        )


def _indices(x: object, name: str, bound: int, bound_name: str) -> np.ndarray:
    """Check a 1-D integer index array with values in ``[0, bound)``; return it as int64."""
    arr = np.asarray(x)
    if arr.ndim != 1:
        raise ParameterError(f"{name} must be a 1-D array of row indices, got {arr.ndim}-D")
    if arr.size == 0:
        return np.zeros(0, np.int64)
    if not np.issubdtype(arr.dtype, np.integer):
        raise ParameterError(f"{name} must hold integers (row indices), got dtype {arr.dtype}")
    lo, hi = int(arr.min()), int(arr.max())
    if lo < 0 or hi >= bound:
        raise ParameterError(
            f"{name} has indices outside [0, {bound}) for {bound_name} with {bound} rows "
            f"(min {lo}, max {hi})"
        )
    return np.ascontiguousarray(arr, dtype=np.int64)


def _popcount_arg(pop: object, filters: np.ndarray, name: str) -> np.ndarray:
    """Return given popcounts as int32 (checked for shape) or compute them."""
    if pop is None:
        return popcounts(filters)
    arr = np.asarray(pop)
    if arr.shape != (filters.shape[0],) or not np.issubdtype(arr.dtype, np.integer):
        raise ParameterError(
            f"{name} must be one integer popcount per row ({filters.shape[0]}), "
            f"got shape {arr.shape} dtype {arr.dtype}"
        )
    if arr.size and (int(arr.min()) < 0 or int(arr.max()) > 64 * filters.shape[1]):
        raise ParameterError(f"{name} holds counts outside [0, {64 * filters.shape[1]}]")
    return np.ascontiguousarray(arr, dtype=np.int32)


def _threshold(t: object) -> float:
    """Check a similarity threshold in [0, 1]."""
    try:
        value = float(t)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ParameterError(
            f"threshold must be a number in [0, 1], got {type(t).__name__}"
        ) from None
    if not 0.0 <= value <= 1.0:
        raise ParameterError(f"threshold must be in [0, 1], got {value}")
    return value


def _positive_int(x: object, name: str, minimum: int) -> int:
    """Check an integer option that must be at least ``minimum``."""
    if isinstance(x, bool) or not isinstance(x, int | np.integer) or int(x) < minimum:
        raise ParameterError(f"{name} must be an integer >= {minimum}, got {x!r}")
    return int(x)


def _rest_counts(filters: np.ndarray) -> np.ndarray:
    """Return each row's popcount over the words after the early-exit split point."""
    n_words = filters.shape[1]
    half = (n_words // 2) // 4 * 4
    split = half if half >= 4 else 0
    if split == 0:
        return np.zeros(filters.shape[0], np.int32)
    return _popcounts_nb(filters, split, n_words)


def _empty_pairs() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return an empty (left, right, score) triple of the right dtypes."""
    return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float32)


# --------------------------------------------------------------------------------------------
# public kernels
# --------------------------------------------------------------------------------------------


def _pair_args(a, b, left, right, pop_a, pop_b) -> tuple[np.ndarray, ...]:
    """Check and convert the arguments of a per-pair kernel (two filter sets, pairs, counts)."""
    a = _filters(a, "a")
    b = _filters(b, "b")
    _same_width(a, b)
    left = _indices(left, "left", a.shape[0], "a")
    right = _indices(right, "right", b.shape[0], "b")
    if left.shape != right.shape:
        raise ParameterError(
            f"left and right must have the same length, got {left.shape[0]} and {right.shape[0]}"
        )
    pop_a = _popcount_arg(pop_a, a, "pop_a")
    pop_b = _popcount_arg(pop_b, b, "pop_b")
    return a, b, left, right, pop_a, pop_b


def popcounts(filters: np.ndarray) -> np.ndarray:
    """Return ``|f|``, the number of set bits of each filter row, as int32 of shape (n,)."""
    filters = _filters(filters, "filters")
    if filters.shape[0] == 0:
        return np.zeros(0, np.int32)
    kernel = _popcounts_serial if _small(*filters.shape) else _popcounts_nb
    return kernel(filters, 0, filters.shape[1])


def filter_keys(filters: np.ndarray, words: int | None = None,
                empty_missing: bool = False) -> np.ndarray:
    """Return a uint64 key per row, equal for rows equal on their first ``words`` words.

    key = fold over j < words of (key ^ f[j] * M[j % 4]) * R + (j + 1), from 0 (uint64 wrapping;
    M = ``FILTER_KEY_MULTIPLIERS``), then 1 if it came out 0. ``empty_missing``: an all-zero
    row (every word, not only the hashed ones) gets 0, the key of a missing value. One pass per
    row, where numpy's column-at-a-time passes read the whole array once per word.
    """
    filters = _filters(filters, "filters")
    words = filters.shape[1] if words is None else int(words)
    if not 0 <= words <= filters.shape[1]:
        raise ParameterError(f"words must lie in 0..{filters.shape[1]}, got {words}")
    if filters.shape[0] == 0:
        return np.zeros(0, np.uint64)
    kernel = _filter_keys_serial if _small(*filters.shape) else _filter_keys_nb
    return kernel(filters, words, FILTER_KEY_MULTIPLIERS, bool(empty_missing))


def dice_pairs(
    a: np.ndarray,
    b: np.ndarray,
    left: np.ndarray,
    right: np.ndarray,
    pop_a: np.ndarray | None = None,
    pop_b: np.ndarray | None = None,
) -> np.ndarray:
    """Return ``Dice(a[left[p]], b[right[p]]) = 2|a & b| / (|a| + |b|)`` per pair as float32.

    Two all-zero filters score 0.0. ``pop_a``/``pop_b`` may pass precomputed ``popcounts``.
    """
    a, b, left, right, pop_a, pop_b = _pair_args(a, b, left, right, pop_a, pop_b)
    if left.shape[0] == 0:
        return np.zeros(0, np.float32)
    kernel = _dice_pairs_serial if _small(left.shape[0], a.shape[1]) else _dice_pairs_nb
    return kernel(a, b, left, right, pop_a, pop_b)


def dice_levels(
    a: np.ndarray,
    b: np.ndarray,
    left: np.ndarray,
    right: np.ndarray,
    pop_a: np.ndarray,
    pop_b: np.ndarray,
    edges: np.ndarray,
    top: int,
    missing_level: int,
    miss_a: np.ndarray | None = None,
    miss_b: np.ndarray | None = None,
    gate: np.ndarray | None = None,
) -> np.ndarray:
    """Return int8 levels: ``top - #(edges <= float32 Dice)``, ``missing_level`` where masked.

    One pass instead of ``dice_pairs`` then a search per value: the comparison stage's hot path.
    ``edges``: ascending float32 level edges; ``miss_a``/``miss_b``: per-row missing masks;
    ``gate``: per-pair bool, closed pairs are ``missing_level`` without computing their Dice.
    """
    a, b, left, right, pop_a, pop_b = _pair_args(a, b, left, right, pop_a, pop_b)
    edges = np.ascontiguousarray(edges, dtype=np.float32)
    if edges.ndim != 1 or np.any(np.diff(edges) <= 0):
        raise ParameterError("edges must be a 1-D strictly ascending array")
    none = np.zeros(0, dtype=np.bool_)
    masks = []
    for mask, size, name in ((miss_a, a.shape[0], "miss_a"), (miss_b, b.shape[0], "miss_b"),
                             (gate, left.shape[0], "gate")):
        if mask is None:
            masks.append(none)
            continue
        mask = np.ascontiguousarray(mask, dtype=np.bool_)
        if mask.shape != (size,):
            raise ParameterError(f"{name} must be 1-D with {size} entries")
        masks.append(mask)
    return dice_levels_unchecked(a, b, left, right, pop_a, pop_b, edges, top, missing_level,
                                 *masks)


def dice_levels_unchecked(a, b, left, right, pop_a, pop_b, edges, top, missing_level,
                          miss_a, miss_b, gate) -> np.ndarray:
    """``dice_levels`` for callers that already hold checked arrays of the kernel's dtypes.

    The comparison stage checks a chunk's pairs once and runs every field on them: checking
    bounds again per field cost more than the Dice itself. Masks are bool, empty for none.
    """
    if left.shape[0] == 0:
        return np.zeros(0, np.int8)
    kernel = _dice_levels_serial if _small(left.shape[0], a.shape[1]) else _dice_levels_nb
    return kernel(a, b, left, right, pop_a, pop_b, edges, int(top), miss_a, miss_b, gate,
                  int(missing_level))


def dice_all_pairs(
    a: np.ndarray,
    b: np.ndarray,
    threshold: float,
    pop_a: np.ndarray | None = None,
    pop_b: np.ndarray | None = None,
    *,
    tile: int = DEFAULT_TILE,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return every pair with ``Dice(a[i], b[j]) >= threshold`` as (left, right, score), sorted.

    Sorted by (left, right); never builds an n x m matrix: left rows go in blocks against tiles of
    ``tile`` right rows, and pairs whose popcounts (``2 min(|a|, |b|) / (|a| + |b|)``) or first
    half of words already rule them out are skipped. Two all-zero filters score 0.0.
    """
    a = _filters(a, "a")
    b = _filters(b, "b")
    _same_width(a, b)
    threshold = _threshold(threshold)
    tile = _positive_int(tile, "tile", 4)
    pop_a = _popcount_arg(pop_a, a, "pop_a")
    pop_b = _popcount_arg(pop_b, b, "pop_b")
    n, m = a.shape[0], b.shape[0]
    if n == 0 or m == 0:
        return _empty_pairs()
    rest_a = _rest_counts(a)
    rest_b = _rest_counts(b)
    # left rows per call: about 2**25 comparisons, so that a chunk's output stays bounded
    chunk = max(_LEFT_BLOCK, (2**25 // m) // _LEFT_BLOCK * _LEFT_BLOCK)
    capacity = min(_LEFT_BLOCK * m, 4096)
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    for i0 in range(0, n, chunk):
        i1 = min(n, i0 + chunk)
        n_blocks = (i1 - i0 + _LEFT_BLOCK - 1) // _LEFT_BLOCK
        while True:
            out_left = np.empty(n_blocks * capacity, np.int64)
            out_right = np.empty(n_blocks * capacity, np.int64)
            out_score = np.empty(n_blocks * capacity, np.float32)
            counts = np.zeros(n_blocks, np.int64)
            _all_pairs_nb(
                a,
                b,
                pop_a,
                pop_b,
                rest_a,
                rest_b,
                i0,
                i1,
                threshold,
                tile,
                capacity,
                out_left,
                out_right,
                out_score,
                counts,
            )
            needed = int(counts.max())
            if needed <= capacity:
                break
            capacity = needed  # rerun this chunk once with room for its densest block
        keep = (np.arange(capacity)[None, :] < counts[:, None]).ravel()
        left, right, score = out_left[keep], out_right[keep], out_score[keep]
        # within a block pairs come tile by tile; each left row's rights already ascend
        order = np.argsort(left, kind="stable")
        parts.append((left[order], right[order], score[order]))
    return tuple(np.concatenate(col) for col in zip(*parts, strict=True))  # type: ignore[return-value]


def dice_top_k(
    a: np.ndarray,
    b: np.ndarray,
    k: int,
    threshold: float = 0.0,
    pop_a: np.ndarray | None = None,
    pop_b: np.ndarray | None = None,
    *,
    tile: int = DEFAULT_TILE,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return, for each row of ``a``, its ``k`` best rows of ``b`` with Dice >= threshold.

    Sorted by left, then score descending, then right ascending (ties go to the lower right
    index). Pairs that cannot beat the current k-th best are skipped. Two all-zero filters score 0.
    """
    a = _filters(a, "a")
    b = _filters(b, "b")
    _same_width(a, b)
    k = _positive_int(k, "k", 0)
    threshold = _threshold(threshold)
    tile = _positive_int(tile, "tile", 4)
    pop_a = _popcount_arg(pop_a, a, "pop_a")
    pop_b = _popcount_arg(pop_b, b, "pop_b")
    n, m = a.shape[0], b.shape[0]
    k = min(k, m)
    if n == 0 or k == 0:
        return _empty_pairs()
    out_right = np.empty((n, k), np.int64)
    out_score = np.empty((n, k), np.float64)
    counts = np.zeros(n, np.int64)
    _top_k_nb(
        a,
        b,
        pop_a,
        pop_b,
        _rest_counts(a),
        _rest_counts(b),
        k,
        threshold,
        tile,
        out_right,
        out_score,
        counts,
    )
    keep = np.arange(k)[None, :] < counts[:, None]
    left = np.repeat(np.arange(n, dtype=np.int64), counts)
    return left, out_right[keep], out_score[keep].astype(np.float32)


def set_bits(n_rows: int, n_words: int, rows: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """Return an ``(n_rows, n_words)`` uint64 array with bit ``positions[p]`` set in ``rows[p]``.

    Bit ``pos`` is word ``pos // 64``, bit ``pos % 64``; repeated positions are harmless.
    """
    n_rows = _positive_int(n_rows, "n_rows", 0)
    n_words = _positive_int(n_words, "n_words", 1)
    rows = _indices(rows, "rows", n_rows, "the output")
    positions = _indices(positions, "positions", 64 * n_words, f"{64 * n_words}-bit filters")
    if rows.shape != positions.shape:
        raise ParameterError(
            f"rows and positions must have the same length, "
            f"got {rows.shape[0]} and {positions.shape[0]}"
        )
    out = np.zeros((n_rows, n_words), np.uint64)
    if rows.shape[0]:
        _set_bits_nb(out, rows, positions)
    return out


def or_reduce_csr(rows: np.ndarray, indptr: np.ndarray, ids: np.ndarray, n: int) -> np.ndarray:
    """Return ``out[i] = OR of rows[ids[k]]`` for ``indptr[i] <= k < indptr[i+1]``, shape (n, W).

    A CSR layout (as scipy.sparse uses): record ``i`` owns ``ids[indptr[i]:indptr[i+1]]``, e.g.
    the token filters that make up one record's field or CLK filter. No ids gives a zero row.
    """
    rows = _filters(rows, "rows")
    n = _positive_int(n, "n", 0)
    ptr = np.asarray(indptr)
    if ptr.ndim != 1 or ptr.shape[0] != n + 1:
        raise ParameterError(f"indptr must be 1-D with n + 1 = {n + 1} entries, got {ptr.shape}")
    if not np.issubdtype(ptr.dtype, np.integer):
        raise ParameterError(f"indptr must hold integers, got dtype {ptr.dtype}")
    ids = _indices(ids, "ids", rows.shape[0], "rows")
    ptr = np.ascontiguousarray(ptr, dtype=np.int64)
    if ptr[0] != 0 or ptr[-1] != ids.shape[0] or np.any(np.diff(ptr) < 0):
        raise ParameterError(
            f"indptr must start at 0, never decrease and end at len(ids) = {ids.shape[0]}"
        )
    out = np.zeros((n, rows.shape[1]), np.uint64)
    if n and ids.shape[0]:
        kernel = _or_reduce_csr_par if out.size > _PARALLEL_WORDS else _or_reduce_csr_nb
        kernel(rows, ptr, ids, out)
    return out


def gather_or_rows(out: np.ndarray, table: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Set ``out[i] = out[i] | table[codes[i]]`` in place (code -1 leaves the row); return ``out``.

    The encoder's last step: each record takes the filter of its distinct value (or ORs a field's
    contribution into its CLK) without materialising a gathered copy.
    """
    out = _filters(out, "out")
    table = _filters(table, "table")
    _same_width(out, table)
    codes = np.ascontiguousarray(codes, dtype=np.int64)
    if codes.ndim != 1 or codes.shape[0] != out.shape[0]:
        raise ParameterError(f"codes must be 1-D with one entry per row of out ({out.shape[0]})")
    if codes.shape[0] and (codes.max() >= table.shape[0] or codes.min() < -1):
        raise ParameterError(f"codes must lie in [-1, {table.shape[0]})")
    if codes.shape[0] and table.shape[0]:
        kernel = _gather_or_rows_par if out.size > _PARALLEL_WORDS else _gather_or_rows_nb
        kernel(out, table, codes)
    return out


def balance_bits(filters: np.ndarray, perm: np.ndarray) -> np.ndarray:
    """Return (n, 2W) filters whose bit j = bit ``perm[j]`` of the row followed by its complement.

    The balancing step of hardening (holder/hardening.py): every output row sets exactly m of its
    2m bits. ``perm`` is a permutation of ``range(2 * 64 * W)``.
    """
    filters = _filters(filters, "filters")
    perm = np.ascontiguousarray(perm, dtype=np.int64)
    m2 = 2 * 64 * filters.shape[1]
    if perm.shape != (m2,) or (m2 and not np.array_equal(np.sort(perm), np.arange(m2))):
        raise ParameterError(f"perm must be a permutation of range({m2})")
    out = np.zeros((filters.shape[0], 2 * filters.shape[1]), np.uint64)
    if filters.shape[0]:
        inverse = np.empty(m2, np.int64)
        inverse[perm] = np.arange(m2, dtype=np.int64)
        base = np.zeros(2 * filters.shape[1], np.uint64)  # the balanced all-zero row
        ones = inverse[m2 // 2:]
        np.bitwise_or.at(base, ones >> 6,
                         np.left_shift(np.uint64(1), (ones & 63).astype(np.uint64)))
        kernel = _balance_bits_par if out.size > _PARALLEL_WORDS else _balance_bits_nb
        kernel(filters, inverse, base, _DEBRUIJN_INDEX, out)
    return out


def or_positions_csr(positions: np.ndarray, indptr: np.ndarray, ids: np.ndarray, n: int,
                     n_words: int, *, k: int | None = None, modulus: int | None = None
                     ) -> np.ndarray:
    """Return (n, n_words) filters: row i sets every bit ``positions[ids[e]]``, e in its range.

    The encoder's filter step: record (or unit) ``i`` owns tokens ``ids[indptr[i]:indptr[i+1]]``
    (CSR, as scipy.sparse), token ``t`` has its positions in ``positions[t]``; bit p is word
    ``p // 64``, bit ``p % 64``. Equals ``or_reduce_csr`` over ``set_bits`` rows of each token,
    without building those rows. With ``k`` and ``modulus`` the rows are raw PRF words: the
    positions are ``positions[t, :k] % modulus`` (read straight from the AES output).
    """
    n = _positive_int(n, "n", 0)
    n_words = _positive_int(n_words, "n_words", 1)
    positions = np.ascontiguousarray(positions)
    if positions.ndim != 2 or not np.issubdtype(positions.dtype, np.integer):
        raise ParameterError("positions must be a 2-D integer array (tokens x k)")
    k = positions.shape[1] if k is None else _positive_int(k, "k", 0)
    if k > positions.shape[1]:
        raise ParameterError(f"k = {k} exceeds the {positions.shape[1]} columns of positions")
    if modulus is None:
        modulus = 64 * n_words
        if positions.size and (positions.min() < 0 or positions.max() >= 64 * n_words):
            raise ParameterError(f"positions must lie in [0, {64 * n_words})")
    else:
        modulus = _positive_int(modulus, "modulus", 1)
        if modulus > 64 * n_words:
            raise ParameterError(f"modulus must be at most {64 * n_words} (the filter's bits)")
        if positions.size and positions.min() < 0:
            raise ParameterError("PRF words must not be negative")
    if positions.dtype not in (np.dtype(np.int64), np.dtype(np.uint32)):
        positions = positions.astype(np.int64)
    ptr = np.ascontiguousarray(indptr, dtype=np.int64)
    ids = _indices(ids, "ids", positions.shape[0], "positions")
    if ptr.shape != (n + 1,) or ptr[0] != 0 or ptr[-1] != ids.shape[0] or np.any(np.diff(ptr) < 0):
        raise ParameterError(
            f"indptr must have n + 1 = {n + 1} entries, start at 0, never decrease and end at "
            f"len(ids) = {ids.shape[0]}"
        )
    out = np.zeros((n, n_words), np.uint64)
    if n and ids.shape[0]:
        kernel = _or_positions_csr_par if out.size > _PARALLEL_WORDS else _or_positions_csr_nb
        kernel(positions, k, positions.dtype.type(modulus), ptr, ids, out)
    return out


def tagged_blocks(first: np.ndarray, second: np.ndarray, first_idx: np.ndarray,
                  second_idx: np.ndarray, n_blocks: int, out: np.ndarray | None = None
                  ) -> np.ndarray:
    """Return uint8 (n, 16 n_blocks): block b of row r = first[first_idx[r]] ‖ second[…] ‖ b.

    The AES input of ``aes`` positions (docs/spec.md §6): a token tag, a salt tag and the block
    counter, built in place for millions of (salt, token) pairs at once. ``out``: a C-contiguous
    uint8 buffer of at least that many bytes to build them in (reused memory costs no page
    faults); the result is a view of it.
    """
    first = np.ascontiguousarray(first, dtype=np.uint8)
    second = np.ascontiguousarray(second, dtype=np.uint8)
    if first.ndim != 2 or second.ndim != 2 or first.shape[1] + second.shape[1] != 15:
        raise ParameterError("the two tag tables must be 2-D with 15 bytes between them")
    n_blocks = _positive_int(n_blocks, "n_blocks", 0)
    if n_blocks > 256:
        raise ParameterError("at most 256 blocks (the counter is one byte)")
    first_idx = _indices(first_idx, "first_idx", first.shape[0], "first")
    second_idx = _indices(second_idx, "second_idx", second.shape[0], "second")
    if first_idx.shape != second_idx.shape:
        raise ParameterError("first_idx and second_idx must have the same length")
    shape = (first_idx.shape[0], 16 * n_blocks)
    if out is None:
        out = np.empty(shape, np.uint8)
    else:
        if (out.dtype != np.uint8 or out.ndim != 1 or not out.flags.c_contiguous
                or out.size < shape[0] * shape[1]):
            raise ParameterError("out must be a 1-D contiguous uint8 buffer large enough")
        out = out[:shape[0] * shape[1]].reshape(shape)
    if out.size:
        _tagged_blocks_nb(first, second, first_idx, second_idx, n_blocks, out)
    return out


_IPAD = bytes(b ^ 0x36 for b in range(256))  # RFC 2104 inner pad, as a bytes.translate table
_OPAD = bytes(b ^ 0x5C for b in range(256))  # RFC 2104 outer pad


def hmac_sha256_many(key: bytes, messages: Sequence[bytes]) -> bytes:
    """Return ``out = HMAC-SHA256(key, m_0) || HMAC-SHA256(key, m_1) || ...`` (RFC 2104).

    hashlib's (OpenSSL's) SHA-256 with the key's two pad blocks hashed once: each message then
    costs two ``copy()``-ed hashes, not the four compressions of a fresh ``hmac.digest``. Callers
    pass distinct messages (the encoder hashes each distinct (salt, token) once). Output identical
    to ``hmac.digest`` (property test against it, and the known-answer vectors).
    """
    # No hand-written SHA-256: until issue 12 a numba SHA-256 computed these HMACs. On the
    # 287,968 messages of a 10^6-record encode (benchmarks/hmac_speed.py, best of 7, load ~4):
    # this 0.39 s, the numba kernel 0.49 s (0.48 s vs 0.45 s at the lowest dependency versions),
    # hmac.new().copy() 0.89 s, cryptography's HMAC.copy() 0.35 s with cryptography 50 but
    # 1.32 s with 42 (the floor). The encode at 10^6 takes 4-9 s under that load either way, so
    # the >= 250,000 records/s target does not hinge on it (benchmarks/README.md).
    key = bytes(key)
    if len(key) > 64:
        key = hashlib.sha256(key).digest()
    key = key.ljust(64, b"\0")
    inner = hashlib.sha256(key.translate(_IPAD)).copy
    outer = hashlib.sha256(key.translate(_OPAD)).copy
    out = []
    append = out.append
    for message in messages:
        h = inner()
        h.update(message)
        o = outer()
        o.update(h.digest())
        append(o.digest())
    return b"".join(out)


def hmac_sha256_many_reference(key: bytes, messages: Sequence[bytes]) -> bytes:
    """Concatenated HMAC-SHA256 digests from the standard library (reference)."""
    import hmac as _hmac

    return b"".join(_hmac.digest(key, m, "sha256") for m in messages)


def hamming_band_keys(filters: np.ndarray, bit_positions: np.ndarray) -> np.ndarray:
    """Return ``key[i, band] = sum_t bit(filters[i], bit_positions[band, t]) << t`` as uint64.

    Hamming-LSH by bit sampling: two filters share a band's key when they agree on all its
    ``r <= 64`` sampled bits, which happens with probability ``(1 - hamming / m) ** r``.
    """
    filters = _filters(filters, "filters")
    pos = np.asarray(bit_positions)
    if pos.ndim != 2:
        raise ParameterError(f"bit_positions must be 2-D (bands, r), got {pos.ndim}-D")
    if pos.size and not np.issubdtype(pos.dtype, np.integer):
        raise ParameterError(f"bit_positions must hold integers, got dtype {pos.dtype}")
    n_bands, r = pos.shape
    if r > 64:
        raise ParameterError(f"a band samples at most 64 bits, got r = {r}")
    n_bits = 64 * filters.shape[1]
    if pos.size and (int(pos.min()) < 0 or int(pos.max()) >= n_bits):
        raise ParameterError(f"bit_positions must lie in [0, {n_bits}) for {n_bits}-bit filters")
    pos = np.ascontiguousarray(pos, dtype=np.int64)
    if filters.shape[0] == 0 or n_bands == 0:
        return np.zeros((filters.shape[0], n_bands), np.uint64)
    return _band_keys_nb(filters, pos)


def near_block_pairs(
    rows_a: np.ndarray,
    first: np.ndarray,
    counts: np.ndarray,
    right_sorted: np.ndarray,
    near_a: Sequence[np.ndarray],
    near_b: Sequence[np.ndarray],
    min_dice: Sequence[float],
) -> tuple[np.ndarray, np.ndarray]:
    """Return the near pairs of an equal-key join, without making the others.

    Left row ``rows_a[r]`` is paired with ``right_sorted[first[r] : first[r] + counts[r]]``
    (its block); a pair is kept when on some field ``k`` the float32 Dice of ``near_a[k]`` and
    ``near_b[k]`` reaches ``min_dice[k]`` (an all-zero filter scores 0). Pairs come in left-row
    order, each block's in its order: those of the expanded join, filtered. Two passes over
    the blocks (count, then fill), so memory follows the kept pairs.
    """
    if len(near_a) == 0 or len(near_a) != len(near_b) or len(near_a) != len(min_dice):
        raise ParameterError("near_block_pairs needs one minimum Dice per pair of filter sets")
    fa = tuple(_filters(f, "near_a") for f in near_a)
    fb = tuple(_filters(f, "near_b") for f in near_b)
    for a, b in zip(fa, fb, strict=True):
        _same_width(a, b)
    rows_a = np.ascontiguousarray(rows_a, dtype=np.int64)
    first = np.ascontiguousarray(first, dtype=np.int64)
    counts = np.ascontiguousarray(counts, dtype=np.int64)
    right_sorted = np.ascontiguousarray(right_sorted, dtype=np.int64)
    empty = np.zeros(0, np.int64)
    if rows_a.size == 0:
        return empty, empty
    pa = tuple(popcounts(f) for f in fa)
    pb = tuple(popcounts(f) for f in fb)
    limits = np.asarray(min_dice, dtype=np.float32)
    visit = np.argsort(first, kind="stable")  # the rows of one block one after another
    kept = _near_block_counts_nb(visit, rows_a, first, counts, right_sorted, fa, fb, pa, pb,
                                 limits)
    starts = np.cumsum(kept) - kept
    total = int(kept.sum())
    out_left, out_right = np.empty(total, np.int64), np.empty(total, np.int64)
    if total:
        _near_block_fill_nb(visit, rows_a, first, counts, right_sorted, fa, fb, pa, pb, limits,
                            starts, out_left, out_right)
    return out_left, out_right


# --------------------------------------------------------------------------------------------
# plain-numpy references (what the kernels must equal)
# --------------------------------------------------------------------------------------------


def _bit_count_reference(x: np.ndarray) -> np.ndarray:
    """Return the popcount of each uint64 element (numpy only)."""
    if hasattr(np, "bitwise_count"):
        return np.bitwise_count(x).astype(np.int64)
    as_bytes = x.astype("<u8").view(np.uint8).reshape(*x.shape, 8)
    return np.unpackbits(as_bytes, axis=-1).sum(axis=-1, dtype=np.int64)


def _dice_reference(common: np.ndarray, total: np.ndarray) -> np.ndarray:
    """Return ``2 common / total`` in float64, 0.0 where ``total`` is 0."""
    common = np.asarray(common, np.float64)
    total = np.asarray(total, np.int64)
    with np.errstate(invalid="ignore", divide="ignore"):
        score = 2.0 * common / total
    return np.where(total == 0, 0.0, score)


def popcounts_reference(filters: np.ndarray) -> np.ndarray:
    """Return the popcount of each row (numpy reference)."""
    filters = _filters(filters, "filters")
    return _bit_count_reference(filters).sum(axis=1).astype(np.int32)


def filter_keys_reference(filters: np.ndarray, words: int | None = None,
                          empty_missing: bool = False) -> np.ndarray:
    """Return ``filter_keys`` computed a word column at a time (numpy reference)."""
    filters = _filters(filters, "filters")
    words = filters.shape[1] if words is None else int(words)
    key = np.zeros(filters.shape[0], dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(words):
            mixed = filters[:, j] * FILTER_KEY_MULTIPLIERS[j % FILTER_KEY_MULTIPLIERS.size]
            key = (key ^ mixed) * _FILTER_KEY_ROUND + np.uint64(j + 1)
    key[key == 0] = 1
    if empty_missing:
        key[~filters.any(axis=1)] = 0
    return key


def dice_pairs_reference(a, b, left, right, pop_a=None, pop_b=None) -> np.ndarray:
    """Return the Dice coefficient of each listed pair (numpy reference)."""
    a, b = _filters(a, "a"), _filters(b, "b")
    left = np.asarray(left, np.int64)
    right = np.asarray(right, np.int64)
    common = _bit_count_reference(a[left] & b[right]).sum(axis=1)
    total = popcounts_reference(a)[left].astype(np.int64) + popcounts_reference(b)[right]
    return _dice_reference(common, total).astype(np.float32)


def dice_levels_reference(a, b, left, right, pop_a, pop_b, edges, top, missing_level,
                          miss_a=None, miss_b=None, gate=None) -> np.ndarray:
    """Return ``top - #(edges <= Dice)`` per pair, ``missing_level`` where masked (reference)."""
    d = dice_pairs_reference(a, b, left, right)
    out = (int(top) - np.searchsorted(np.asarray(edges, np.float32), d, side="right"))
    out = out.astype(np.int8)
    left, right = np.asarray(left, np.int64), np.asarray(right, np.int64)
    masked = np.zeros(left.shape[0], bool)
    if miss_a is not None:
        masked |= np.asarray(miss_a, bool)[left]
    if miss_b is not None:
        masked |= np.asarray(miss_b, bool)[right]
    if gate is not None:
        masked |= ~np.asarray(gate, bool)
    out[masked] = missing_level
    return out


def _dense_scores_reference(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Return the full float64 Dice matrix (small inputs only: tests and references)."""
    common = _bit_count_reference(a[:, None, :] & b[None, :, :]).sum(axis=2)
    total = popcounts_reference(a)[:, None].astype(np.int64) + popcounts_reference(b)[None, :]
    return _dice_reference(common, total)


def dice_all_pairs_reference(a, b, threshold, pop_a=None, pop_b=None, *, tile=None):
    """Return all pairs with Dice >= threshold sorted by (left, right) (numpy reference)."""
    a, b = _filters(a, "a"), _filters(b, "b")
    scores = _dense_scores_reference(a, b).reshape(a.shape[0], b.shape[0])
    left, right = np.nonzero(scores >= threshold)
    return left.astype(np.int64), right.astype(np.int64), scores[left, right].astype(np.float32)


def dice_top_k_reference(a, b, k, threshold=0.0, pop_a=None, pop_b=None, *, tile=None):
    """Return each left row's k best right rows at or above threshold (numpy reference)."""
    a, b = _filters(a, "a"), _filters(b, "b")
    scores = _dense_scores_reference(a, b).reshape(a.shape[0], b.shape[0])
    lefts, rights, values = [], [], []
    for i in range(a.shape[0]):
        js = np.nonzero(scores[i] >= threshold)[0]
        order = np.lexsort((js, -scores[i, js]))[:k]
        lefts.append(np.full(order.size, i, np.int64))
        rights.append(js[order].astype(np.int64))
        values.append(scores[i, js[order]])
    if not lefts:
        return _empty_pairs()
    return (
        np.concatenate(lefts),
        np.concatenate(rights),
        np.concatenate(values).astype(np.float32),
    )


def balance_bits_reference(filters, perm) -> np.ndarray:
    """Return the balanced filters (numpy reference: unpack, append the complement, permute)."""
    f = np.ascontiguousarray(filters, dtype="<u8")
    bits = np.unpackbits(f.view(np.uint8).reshape(f.shape[0], f.shape[1] * 8), axis=1,
                         bitorder="little")
    doubled = np.concatenate([bits, 1 - bits], axis=1)[:, np.asarray(perm, np.int64)]
    packed = np.packbits(doubled, axis=1, bitorder="little")
    return np.ascontiguousarray(packed).view("<u8").astype(np.uint64, copy=False)


def or_positions_csr_reference(positions, indptr, ids, n, n_words, *, k=None,
                               modulus=None) -> np.ndarray:
    """Return the OR over each row's tokens of their position rows (numpy reference)."""
    positions = np.asarray(positions, np.int64)
    if k is not None:
        positions = positions[:, :k]
    if modulus is not None:
        positions = positions % int(modulus)
    token_rows = set_bits_reference(positions.shape[0], n_words,
                                    np.repeat(np.arange(positions.shape[0]), positions.shape[1]),
                                    positions.ravel())
    return or_reduce_csr_reference(token_rows, indptr, ids, n)


def tagged_blocks_reference(first, second, first_idx, second_idx, n_blocks) -> np.ndarray:
    """Return the AES input blocks (numpy reference: broadcast the tags, write the counter)."""
    first, second = np.asarray(first, np.uint8), np.asarray(second, np.uint8)
    n, w1 = len(first_idx), first.shape[1]
    blocks = np.empty((n, n_blocks, 16), dtype=np.uint8)
    blocks[:, :, :w1] = first[np.asarray(first_idx, np.int64)][:, None, :]
    blocks[:, :, w1:15] = second[np.asarray(second_idx, np.int64)][:, None, :]
    blocks[:, :, 15] = np.arange(n_blocks, dtype=np.uint8)
    return blocks.reshape(n, 16 * n_blocks)


def set_bits_reference(n_rows, n_words, rows, positions) -> np.ndarray:
    """Return filters with the listed bits set (numpy reference)."""
    out = np.zeros((n_rows, n_words), np.uint64)
    positions = np.asarray(positions, np.int64)
    bits = np.left_shift(np.uint64(1), (positions % 64).astype(np.uint64))
    np.bitwise_or.at(out, (np.asarray(rows, np.int64), positions // 64), bits)
    return out


def or_reduce_csr_reference(rows, indptr, ids, n) -> np.ndarray:
    """Return the OR of each record's listed rows (numpy reference)."""
    rows = _filters(rows, "rows")
    out = np.zeros((n, rows.shape[1]), np.uint64)
    for i in range(n):
        chosen = rows[np.asarray(ids, np.int64)[indptr[i] : indptr[i + 1]]]
        if chosen.shape[0]:
            out[i] = np.bitwise_or.reduce(chosen, axis=0)
    return out


def gather_or_rows_reference(out, table, codes) -> np.ndarray:
    """OR each record's table row into a copy of ``out`` (numpy reference)."""
    out = np.array(out, dtype=np.uint64, copy=True)
    codes = np.asarray(codes, np.int64)
    present = codes >= 0
    out[present] |= np.asarray(table, np.uint64)[codes[present]]
    return out


def hamming_band_keys_reference(filters, bit_positions) -> np.ndarray:
    """Return the packed sampled bits per band (numpy reference)."""
    filters = _filters(filters, "filters")
    pos = np.asarray(bit_positions, np.int64)
    n_bands, r = pos.shape
    words = filters[:, pos // 64]  # (n, bands, r)
    bits = (words >> (pos % 64).astype(np.uint64)) & np.uint64(1)
    shifts = np.arange(r, dtype=np.uint64)
    return (
        np.bitwise_or.reduce(bits << shifts, axis=2)
        if r
        else np.zeros((filters.shape[0], n_bands), np.uint64)
    )


def near_block_pairs_reference(rows_a, first, counts, right_sorted, near_a, near_b,
                               min_dice) -> tuple[np.ndarray, np.ndarray]:
    """Expand every block's pairs, then keep those near on some field (numpy reference)."""
    counts = np.asarray(counts, np.int64)
    left = np.repeat(np.asarray(rows_a, np.int64), counts)
    offsets = np.arange(counts.sum(), dtype=np.int64) - np.repeat(np.cumsum(counts) - counts,
                                                                   counts)
    right = np.asarray(right_sorted, np.int64)[np.repeat(np.asarray(first, np.int64), counts)
                                               + offsets]
    keep = np.zeros(left.size, bool)
    for a, b, t in zip(near_a, near_b, min_dice, strict=True):
        keep |= dice_pairs_reference(a, b, left, right) >= np.float32(t)
    return left[keep], right[keep]


KERNELS: dict[str, tuple[Callable, Callable]] = {
    "popcounts": (popcounts, popcounts_reference),
    "dice_pairs": (dice_pairs, dice_pairs_reference),
    "dice_levels": (dice_levels, dice_levels_reference),
    "dice_all_pairs": (dice_all_pairs, dice_all_pairs_reference),
    "dice_top_k": (dice_top_k, dice_top_k_reference),
    "set_bits": (set_bits, set_bits_reference),
    "balance_bits": (balance_bits, balance_bits_reference),
    "or_reduce_csr": (or_reduce_csr, or_reduce_csr_reference),
    "or_positions_csr": (or_positions_csr, or_positions_csr_reference),
    "tagged_blocks": (tagged_blocks, tagged_blocks_reference),
    "gather_or_rows": (gather_or_rows, gather_or_rows_reference),
    "hmac_sha256_many": (hmac_sha256_many, hmac_sha256_many_reference),
    "hamming_band_keys": (hamming_band_keys, hamming_band_keys_reference),
    "near_block_pairs": (near_block_pairs, near_block_pairs_reference),
    "filter_keys": (filter_keys, filter_keys_reference),
}
