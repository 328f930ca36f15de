"""Blocking a few new records against a kept population, by stored join keys.

A full run (``dedupe.within_candidates``) plans its rules over the whole population: it
computes every record's key columns (one 64-bit key per record and equal-key join: a keyed
blocking key, the two filter hashes of a pair of specific fields combined, an LSH band) and
leaves out the blocks with more than ``max_block_pairs`` pairs. Here the rules are kept fixed
(``freeze``: the fields and LSH bands chosen once, on a whole population), each record's join
keys are computed once (``join_keys``) and stored beside it, and a month's new and changed
records are joined against the stored key columns (``delta_pairs``): a block is left out when
its size over the whole population, squared, exceeds the rule's limit, as the full run's
``oversized_blocks`` does. So the pairs are exactly the full run's pairs that touch a new or
changed record, and no record's filters are read or hashed unless it shares a block with one.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from linkcore.dataset import EncodedDataset
from linkcore.errors import ParameterError
from linkcore.linkage import blocking
from linkcore.linkage.blocking import (
    AllPairs,
    BlockingRule,
    FieldAgreement,
    HammingLSH,
    KeyedBlocking,
    _CodeUnion,
    _column_keys,
    _value_counts,
    join_rows,
)

_RULES: dict[str, type[BlockingRule]] = {"keys": KeyedBlocking, "agree": FieldAgreement,
                                          "lsh": HammingLSH}


@dataclass(frozen=True)
class JoinSpec:
    """One stored key column: whether key 0 means missing, and the largest block's pairs."""

    skip_zero: bool
    max_block_pairs: int | None


def freeze(ds: EncodedDataset) -> list[BlockingRule]:
    """The rules ``blocking='auto'`` uses above all-pairs size, with their choices fixed on ``ds``.

    Field agreement keeps the fields chosen on ``ds`` (dropped when fewer than two), LSH its
    bands and bits per band; keyed blocking names its keys. Raises ParameterError when the
    schema allows no blocking (no keys, no CLK, fewer than two fields).
    """
    out: list[BlockingRule] = []
    for rule in blocking.default_rules(ds, ds, all_pairs_limit=0):
        if isinstance(rule, KeyedBlocking):
            out.append(dataclasses.replace(rule, keys=tuple(ds.blocking_keys)))
        elif isinstance(rule, FieldAgreement):
            fields = tuple(rule.select(ds, ds)[0])
            if len(fields) >= 2:
                out.append(dataclasses.replace(rule, fields=fields))
        elif isinstance(rule, HammingLSH):
            f = rule._filters(ds)  # noqa: SLF001
            plan = rule.plan_bands(f, f)
            out.append(dataclasses.replace(rule, bands=plan.bands,
                                           bits_per_band=plan.bits_per_band))
        else:
            out.append(rule)
    return out


def rules_to_json(rules: Sequence[BlockingRule]) -> str:
    """The kept rules as a JSON text (their settings)."""
    return json.dumps([r.to_dict() for r in rules])


def rules_from_json(text: str) -> list[BlockingRule]:
    """Rebuild the kept rules from ``rules_to_json``'s text."""
    out = []
    for doc in json.loads(text):
        doc = dict(doc)
        cls = _RULES[doc.pop("rule")]
        out.append(cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in doc.items()}))
    return out


def active_rules(n: int, kept: Sequence[BlockingRule], all_pairs_limit: int
                 ) -> list[BlockingRule]:
    """The rules for a population of ``n``: all pairs when small (as 'auto'), else the kept ones."""
    if n * n <= all_pairs_limit:
        return [AllPairs(limit=max(all_pairs_limit, 1))]
    if not kept:
        raise ParameterError(
            f"{n} records is too many to compare all pairs, and the schema allows no blocking "
            "(no blocking keys, no CLK, fewer than two specific fields)")
    return list(kept)


def join_keys(ds: EncodedDataset, rules: Sequence[BlockingRule]
              ) -> tuple[np.ndarray, list[JoinSpec]]:
    """Each record's key for each equal-key join of ``rules`` (uint64 ``[n, joins]``), and specs."""
    n = len(ds)
    keys_a: dict[str, np.ndarray] = {}
    keys_b: dict[str, np.ndarray] = {}
    cols: list[np.ndarray] = []
    specs: list[JoinSpec] = []
    if n == 0:
        raise ParameterError("join keys of no records")
    for k, rule in enumerate(rules):
        if isinstance(rule, AllPairs):
            continue
        limit = getattr(rule, "max_block_pairs", getattr(rule, "max_bucket_pairs", None))
        plan = rule.plan(ds, ds, keys_a, keys_b, f"r{k}:")
        for col in plan.columns:
            cols.append(np.asarray(_column_keys(keys_a, col.sources), dtype=np.uint64))
            specs.append(JoinSpec(col.skip_zero, limit))
    matrix = np.stack(cols, axis=1) if cols else np.zeros((n, 0), np.uint64)
    return np.ascontiguousarray(matrix), specs


def delta_pairs(keys: np.ndarray, specs: Sequence[JoinSpec], delta: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (i < j) of population rows, at least one in ``delta``, that share a join key.

    ``keys``: every current record's join keys (rows in population order). A block is left out
    when its count over the whole population squared exceeds its spec's ``max_block_pairs``
    (``blocking.oversized_blocks`` on the full self-join), so these are the full run's pairs.
    """
    n = keys.shape[0]
    union = _CodeUnion()
    delta = np.asarray(delta, dtype=np.int64)
    for c, spec in enumerate(specs):
        col = keys[:, c]
        dv = col[delta]
        if spec.skip_zero:
            dv = dv[dv != 0]
        if dv.size == 0:
            continue
        members = np.flatnonzero(pd.Series(col, copy=False).isin(np.unique(dv)).to_numpy())
        mv = col[members]
        exclude = None
        if spec.max_block_pairs is not None:
            values, counts = _value_counts(mv)
            exclude = values[counts * counts > spec.max_block_pairs]
        left, right = join_rows(col[delta], mv, skip_zero=spec.skip_zero, exclude=exclude)
        a, b = delta[left], members[right]
        keep = a != b
        a, b = a[keep], b[keep]
        union.add(np.minimum(a, b) * n + np.maximum(a, b))
    codes = union.result()
    return codes // max(n, 1), codes % max(n, 1)


def all_pairs_with(n: int, delta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every pair (i < j) of ``n`` rows with at least one row in ``delta`` (all-pairs size)."""
    delta = np.asarray(delta, dtype=np.int64)
    if n < 2 or delta.size == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    d = np.repeat(delta, n)
    j = np.tile(np.arange(n, dtype=np.int64), delta.size)
    keep = d != j
    d, j = d[keep], j[keep]
    union = _CodeUnion()
    union.add(np.minimum(d, j) * n + np.maximum(d, j))
    codes = union.result()
    return codes // n, codes % n
