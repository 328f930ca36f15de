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
A join on two fields is not run in a month where one of them implies a key joined already, over
the rows that share its values with the month's records (a name salted with the date of birth
and the date-of-birth key): it would add no pair.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from linkcore._sets import sorted_unique
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
    _combine_keys,
    _value_counts,
    join_rows,
)

_RULES: dict[str, type[BlockingRule]] = {"keys": KeyedBlocking, "agree": FieldAgreement,
                                          "lsh": HammingLSH}


@dataclass(frozen=True)
class JoinSpec:
    """One equal-key join: its stored key columns, key 0's meaning, its largest block.

    ``sources``: one key column, or two combined; ``skip_zero``: key 0 is missing and never
    joins; ``max_block_pairs``: a larger block is left out.
    """

    sources: tuple[int, ...]
    skip_zero: bool
    max_block_pairs: int | None

    def column(self, keys: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        """Return the join's key per row (of ``rows``, default all) of ``keys[n, columns]``."""
        cols = [keys[:, c] if rows is None else keys[rows, c] for c in self.sources]
        return cols[0] if len(cols) == 1 else _combine_keys(cols[0], cols[1])


def freeze(ds: EncodedDataset) -> list[BlockingRule]:
    """Return the rules ``blocking='auto'`` uses above all-pairs size, choices fixed on ``ds``.

    Field agreement keeps the fields chosen on ``ds`` (dropped when fewer than two), LSH its
    bands and bits per band; keyed blocking names its keys. Keys are joined whole, never
    refined (the stored key matrix holds 64-bit keys, and a month's pairs are those of the
    full run with the same rules). Raises ParameterError when the
    schema allows no blocking (no keys, no CLK, fewer than two fields).
    """
    out: list[BlockingRule] = []
    for rule in blocking.default_rules(ds, ds, all_pairs_limit=0):
        if isinstance(rule, KeyedBlocking):
            out.append(dataclasses.replace(rule, keys=tuple(ds.blocking_keys),
                                           refine_above=None))
        elif isinstance(rule, FieldAgreement):
            fields = tuple(rule.select(ds, ds)[0])
            if len(fields) >= 2:
                out.append(dataclasses.replace(rule, fields=fields, refine_above=None))
        elif isinstance(rule, HammingLSH):
            f = rule._filters(ds)  # noqa: SLF001
            plan = rule.plan_bands(f, f)
            out.append(dataclasses.replace(rule, bands=plan.bands,
                                           bits_per_band=plan.bits_per_band))
        else:
            out.append(rule)
    return out


def rules_to_json(rules: Sequence[BlockingRule]) -> str:
    """Return the kept rules as a JSON text (their settings)."""
    return json.dumps([r.to_dict() for r in rules])


def rules_from_json(text: str) -> list[BlockingRule]:
    """Rebuild the kept rules from ``rules_to_json``'s text."""
    out = []
    for doc in json.loads(text):
        doc = dict(doc)
        cls = _RULES[doc.pop("rule")]
        if cls in (KeyedBlocking, FieldAgreement):
            doc.setdefault("refine_above", None)  # kept before refining existed: whole keys
        out.append(cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in doc.items()}))
    return out


def active_rules(n: int, kept: Sequence[BlockingRule], all_pairs_limit: int
                 ) -> list[BlockingRule]:
    """Return the rules for ``n`` records: all pairs when small (as 'auto'), else the kept ones."""
    if n * n <= all_pairs_limit:
        return [AllPairs(limit=max(all_pairs_limit, 1))]
    if not kept:
        raise ParameterError(
            f"{n} records is too many to compare all pairs, and the schema allows no blocking "
            "(no blocking keys, no CLK, fewer than two specific fields)")
    return list(kept)


def join_keys(ds: EncodedDataset, rules: Sequence[BlockingRule]
              ) -> tuple[np.ndarray, list[JoinSpec]]:
    """Each record's key columns for ``rules`` (uint64 ``[n, columns]``) and their joins.

    The columns are the rules' own (a keyed blocking key, a field's filter hash, an LSH band);
    a field-agreement join combines two of them, so it is stored as two columns, not one.
    """
    n = len(ds)
    keys_a: dict[str, np.ndarray] = {}
    keys_b: dict[str, np.ndarray] = {}
    specs: list[JoinSpec] = []
    if n == 0:
        raise ParameterError("join keys of no records")
    joins = []
    for k, rule in enumerate(rules):
        if isinstance(rule, AllPairs):
            continue
        if isinstance(rule, KeyedBlocking):  # the store's key matrix holds 64-bit keys only
            rule = dataclasses.replace(rule, refine_above=None)
        limit = getattr(rule, "max_block_pairs", getattr(rule, "max_bucket_pairs", None))
        plan = rule.plan(ds, ds, keys_a, keys_b, f"r{k}:")
        joins += [(col, limit) for col in plan.columns]
    names = list(keys_a)
    for col, limit in joins:
        specs.append(JoinSpec(tuple(names.index(s) for s in col.sources), col.skip_zero, limit))
    matrix = np.stack([np.asarray(keys_a[c], dtype=np.uint64) for c in names], axis=1) \
        if names else np.zeros((n, 0), np.uint64)
    return np.ascontiguousarray(matrix), specs


def delta_pairs(keys: np.ndarray, specs: Sequence[JoinSpec], delta: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (i < j) of population rows, at least one in ``delta``, that share a join key.

    ``keys``: every current record's key columns (rows in population order). A block is left out
    when its count over the whole population squared exceeds its spec's ``max_block_pairs``
    (``blocking.oversized_blocks`` on the full self-join), so these are the full run's pairs.
    """
    n = keys.shape[0]
    union = _CodeUnion()
    delta = np.asarray(delta, dtype=np.int64)
    masks: dict[tuple[int, bool], np.ndarray] = {}
    singles: list[tuple[int, np.ndarray]] = []  # one-column joins done: column, blocks left out
    covers: dict[int, bool] = {}

    def sharing(c: int, skip_zero: bool) -> np.ndarray:
        """Rows whose key column ``c`` holds a value of some delta row's (one pass a column)."""
        if (c, skip_zero) not in masks:
            values = sorted_unique(keys[delta, c])
            if skip_zero:
                values = values[values != 0]
            masks[(c, skip_zero)] = pd.Series(keys[:, c], copy=False).isin(values).to_numpy()
        return masks[(c, skip_zero)]

    def covered(c: int) -> bool:
        """Whether a one-column join done already makes every pair a join on ``c`` could.

        Among the rows sharing column ``c``'s value with a delta row, equal ``c`` must imply
        an equal, present key of that join outside its left-out blocks (a name salted with
        the date of birth and the date-of-birth key): then a join on ``c`` and another
        column adds no pair, and is not run.
        """
        if c not in covers:
            rows = np.flatnonzero(sharing(c, True))
            covers[c] = rows.size == 0 or any(
                _implies_rows(keys[rows, c], keys[rows, k], left_out)
                for k, left_out in singles)
        return covers[c]

    for spec in specs:
        if len(spec.sources) == 2 and spec.skip_zero and (covered(spec.sources[0])
                                                           or covered(spec.sources[1])):
            continue
        # a row can share the join's key with a delta row only if it shares every source
        # column's value with some delta row: only those rows' keys are combined and joined
        member = sharing(spec.sources[0], spec.skip_zero)
        for c in spec.sources[1:]:
            member = member & sharing(c, spec.skip_zero)
        members = np.flatnonzero(member)
        if members.size == 0:
            continue
        mv = spec.column(keys, members)
        exclude = None
        if spec.max_block_pairs is not None:
            values, counts = _value_counts(mv[mv != 0] if spec.skip_zero else mv)
            exclude = values[counts * counts > spec.max_block_pairs]
        # the members probe the few delta keys (join_rows sorts its second side)
        left, right = join_rows(mv, spec.column(keys, delta), skip_zero=spec.skip_zero,
                                exclude=exclude)
        a, b = delta[right], members[left]
        keep = a != b
        a, b = a[keep], b[keep]
        union.add(np.minimum(a, b) * n + np.maximum(a, b))
        if len(spec.sources) == 1 and spec.skip_zero:
            singles.append((spec.sources[0], np.zeros(0, np.uint64) if exclude is None
                            else np.sort(np.asarray(exclude, dtype=np.uint64))))
    codes = union.result()
    return codes // max(n, 1), codes % max(n, 1)


def _implies_rows(s: np.ndarray, k: np.ndarray, left_out: np.ndarray) -> bool:
    """Whether, over these rows, equal present ``s`` implies an equal key ``k`` that joins.

    ``k`` joins when it is present (not 0) and not among the sorted ``left_out`` blocks.
    """
    present = s != 0
    s, k = s[present], k[present]
    if s.size == 0:
        return True
    if bool((k == 0).any()):
        return False
    if left_out.size:
        at = np.minimum(np.searchsorted(left_out, k), left_out.size - 1)
        if bool((left_out[at] == k).any()):
            return False
    order = np.argsort(s, kind="stable")
    s, k = s[order], k[order]
    return not bool(((s[1:] == s[:-1]) & (k[1:] != k[:-1])).any())


def pairs_between(keys_a: np.ndarray, keys_b: np.ndarray, specs: Sequence[JoinSpec]
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (i, j) of rows of two small key tables that share some join's key (no block limit)."""
    union = _CodeUnion()
    n_b = keys_b.shape[0]
    both = np.concatenate([keys_a, keys_b])
    none = np.zeros(0, np.uint64)
    singles = [s.sources[0] for s in specs if len(s.sources) == 1 and s.skip_zero]
    covers: dict[int, bool] = {}

    def covered(c: int) -> bool:
        if c not in covers:
            covers[c] = any(_implies_rows(both[:, c], both[:, k], none) for k in singles)
        return covers[c]

    for spec in specs:
        if len(spec.sources) == 2 and spec.skip_zero and any(covered(c) for c in spec.sources):
            continue  # a one-column join makes every pair this one could (see delta_pairs)
        left, right = join_rows(spec.column(keys_a), spec.column(keys_b),
                                skip_zero=spec.skip_zero)
        union.add(left * n_b + right)
    codes = union.result()
    return codes // max(n_b, 1), codes % max(n_b, 1)


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
