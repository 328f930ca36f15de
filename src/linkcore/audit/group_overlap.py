"""Read values from how much two records' filters overlap inside a rebuilt salt group.

Two records that share a salt have comparable filters: their common bits count the tokens their
values share, plus what chance gives. Where the encoding makes that count depend on more than
the shared tokens (names spread over a fixed number of sub-tokens: a token's replicas are the
spread over the name's length, so short names overlap more), every pair in a group tells
something about both values. Found by a red-team session on 2026-12-06 against the spread
defaults: first names 2.07-2.49 % re-identified over five keys against 1.22 % chance, inside
postcode-and-initial groups (docs/parameters.md, "Padding").

The attack: the attacker encodes each candidate value (the reference's frequent values) without
salt under a few keys of his own and takes, for every two candidates a and b, the mean and the
spread of their filters' overlap: what two records holding a and b show under one salt. Each
record first weighs its own evidence: the overlap of its filter with that of the field sharing
its bit positions (``key_with``: the surname under the first name's subkeys), in every view at
once, against the same overlaps of the reference's records under the attacker's keys (a kernel
over them, per candidate). Then every two records of one rebuilt group (of every view, each with
its own groups) send each other the likelihood of their overlap summed over the other record's
belief from that first step (one round of message passing). Candidates that the group's salt
rules out for the pair (a postcode view salted with the first name's initial) are left out.
Balanced filters are first unbalanced from the file (unbalance.py). Confident: posterior at
least one half.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from .._sets import sorted_unique
from ..holder.hardening import to_bits
from .scoring import Guesses

#: Candidates: the reference's most frequent values, at most this many, each MIN_COUNT times.
MAX_CANDIDATES = 2000
MIN_COUNT = 3
#: Pairs are formed within runs of at most this many records of one group (a household, a
#: birthday's records): a larger group is cut into such runs, so that no record hears from
#: more partners than that (their messages share the neighbours' beliefs and would compound).
MAX_GROUP = 12
#: The spread of an overlap around its mean, measured across the attacker's keys, is widened
#: by this factor: the mean itself comes from a few keys (on a held-out file the overlaps' z
#: scores had standard deviation 1.10-1.17).
WIDEN = 1.2
MAX_PAIRS = 60_000
CHUNK_PAIRS = 50_000
CHUNK_ROWS = 20_000
CHUNK_EDGES = 4096


@dataclass
class Bits:
    """A column of the file as the attack reads it: filters, missing, unbalanced columns."""

    filters: np.ndarray
    missing: np.ndarray
    columns: np.ndarray | None  # the columns of the unbalanced filter; None: as stored

    def rows(self, rows: np.ndarray) -> np.ndarray:
        """Return the given records' bits (bool), unbalanced when the columns are known."""
        bits = to_bits(self.filters[rows]).astype(bool)
        return bits if self.columns is None else bits[:, self.columns]


@dataclass
class Evidence:
    """Overlaps of two records of one group: ``common[e]`` between ``rows[e]`` and ``senders[e]``.

    ``expected[a, b]`` / ``spread[a, b]``: mean and standard deviation of the overlap of two
    records holding candidates a and b under one salt; ``allowed``: pairs the salt permits
    (None: all).
    """

    rows: np.ndarray
    senders: np.ndarray
    common: np.ndarray
    expected: np.ndarray
    spread: np.ndarray
    allowed: np.ndarray | None = None
    family: str = ""  # the salt whose rebuilt groups these are (chained attack: one per family)

    def likelihood(self, o: int) -> np.ndarray:
        """Return the (C, C) likelihood of seeing overlap ``o``, zero where not allowed."""
        lik = np.exp(-0.5 * ((o - self.expected) / self.spread) ** 2) / self.spread
        return lik if self.allowed is None else lik * self.allowed


def group_pairs(groups: np.ndarray, missing: np.ndarray) -> np.ndarray:
    """Return (p, 2) record pairs that share a rebuilt group (within runs of MAX_GROUP)."""
    rows = np.flatnonzero(~missing & (groups >= 0))
    if rows.size < 2:
        return np.zeros((0, 2), dtype=np.int64)
    order = rows[np.argsort(groups[rows], kind="stable")]
    codes = groups[order]
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    sizes = np.diff(np.r_[starts, len(order)])
    out: list[np.ndarray] = []
    total = 0
    for s, size in zip(starts, sizes, strict=True):
        for lo in range(0, size, MAX_GROUP):
            run = order[s + lo:s + min(size, lo + MAX_GROUP)]
            if len(run) < 2:
                continue
            i, j = np.triu_indices(len(run), 1)
            out.append(np.column_stack([run[i], run[j]]))
            total += len(i)
        if total >= MAX_PAIRS:
            break
    return np.concatenate(out)[:MAX_PAIRS] if out else np.zeros((0, 2), dtype=np.int64)


def overlaps(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Count each row pair's common set bits, and tell whether the two rows are identical."""
    common = np.zeros(len(a), dtype=np.int64)
    same = np.zeros(len(a), dtype=bool)
    for lo in range(0, len(a), CHUNK_PAIRS):
        x, y = a[lo:lo + CHUNK_PAIRS], b[lo:lo + CHUNK_PAIRS]
        common[lo:lo + CHUNK_PAIRS] = (x & y).sum(axis=1, dtype=np.int64)
        same[lo:lo + CHUNK_PAIRS] = (x == y).all(axis=1)
    return common, same


def group_evidence(view: Bits, groups: np.ndarray, expected: np.ndarray, spread: np.ndarray,
                   allowed: np.ndarray | None, family: str = "") -> Evidence | None:
    """Return the overlaps of every two differing records of a rebuilt group, seen by both."""
    pairs = group_pairs(groups, view.missing)
    if len(pairs) == 0:
        return None
    rows, local = np.unique(pairs, return_inverse=True)
    local = local.reshape(pairs.shape)
    bits = view.rows(rows)
    common, same = overlaps(bits[local[:, 0]], bits[local[:, 1]])
    pairs, common = pairs[~same], common[~same]
    if len(pairs) == 0:
        return None
    return Evidence(pairs.T.ravel(), pairs[:, ::-1].T.ravel(), np.tile(common, 2), expected,
                    spread, allowed, family)


@dataclass
class MateEvidence:
    """Each record's overlap with its mate field in every view (-1 where a view lacks either).

    The views hold the same two values, so their overlaps are read together, against the
    reference: ``sample_value[r]`` is a reference record's candidate, ``samples[r, v]`` the
    overlap of its two values' filters in view v under the attacker's keys (mean over keys,
    -1: missing), ``width[v]`` the kernel width that compares a file's overlap with a sample's.
    """

    rows: np.ndarray
    common: np.ndarray
    sample_value: np.ndarray
    samples: np.ndarray
    width: np.ndarray
    n_candidates: int

    def messages(self) -> tuple[np.ndarray, np.ndarray]:
        """Return each row's class (its overlaps across views) and each class's log message.

        The message for candidate a is the mean kernel of the observed overlaps over a's
        reference samples that were seen in every view the record was.
        """
        classes, cls = np.unique(self.common, axis=0, return_inverse=True)
        out = np.zeros((len(classes), self.n_candidates), dtype=np.float32)
        for c, seen in enumerate(classes):
            views = np.flatnonzero(seen >= 0)
            usable = (self.samples[:, views] >= 0).all(axis=1)
            log_k = np.zeros(int(usable.sum()))
            for v in views:
                z = (seen[v] - self.samples[usable, v]) / self.width[v]
                log_k += -0.5 * z * z
            values = self.sample_value[usable]
            top = log_k.max() if log_k.size else 0.0
            mass = np.bincount(values, weights=np.exp(log_k - top), minlength=self.n_candidates)
            count = np.bincount(values, minlength=self.n_candidates)
            out[c] = _log_normalised(mass / np.maximum(count, 1))
        return cls.ravel(), out


def mate_overlaps(view: Bits, mate: Bits) -> np.ndarray:
    """Return each record's overlap with its mate's filter (same record, same subkeys; -1: none)."""
    out = np.full(len(view.missing), -1, dtype=np.int64)
    rows = np.flatnonzero(~view.missing & ~mate.missing)
    for lo in range(0, rows.size, CHUNK_PAIRS):
        chunk = rows[lo:lo + CHUNK_PAIRS]
        out[chunk] = overlaps(view.rows(chunk), mate.rows(chunk))[0]
    return out


def mate_evidence(common: list[np.ndarray], own: list[np.ndarray], ref_values: np.ndarray,
                  cands: np.ndarray) -> MateEvidence | None:
    """Join the views' mate overlaps in the file with the reference's under the attacker's keys.

    ``common``: per view, each file record's overlap (-1: none); ``own``: per view, (K, n_ref)
    each reference record's overlap under each of the attacker's K keys; ``ref_values``: the
    reference's values of the attacked field. A file overlap and a sample's mean differ by
    the collisions of both: the kernel width is the spread across keys, times sqrt(1 + 1/K).
    """
    seen = np.column_stack(common)
    rows = np.flatnonzero((seen >= 0).any(axis=1))
    at = {v: i for i, v in enumerate(cands)}
    value = np.array([at.get(v, -1) for v in ref_values], dtype=np.int64)
    keep = value >= 0
    if rows.size == 0 or not keep.any():
        return None
    means, widths = [], []
    for o in own:
        present = (o >= 0).all(axis=0)
        means.append(np.where(present, o.mean(axis=0), -1.0))
        sd = float(np.sqrt(o[:, present].var(axis=0, ddof=1).mean())) if present.any() \
            and o.shape[0] > 1 else 3.0
        widths.append(WIDEN * max(1.0, sd) * np.sqrt(1 + 1 / o.shape[0]))
    samples = np.column_stack(means)[keep]
    has = (samples >= 0).any(axis=1)
    return MateEvidence(rows, seen[rows], value[keep][has], samples[has], np.array(widths),
                        len(cands))


def expected_overlaps(bits: list[np.ndarray], other: list[np.ndarray] | None = None
                      ) -> tuple[np.ndarray, np.ndarray]:
    """Return the candidates' mean overlap (with the other side's) over the attacker's keys, and sd.

    ``bits`` / ``other``: per key, (C, w) bits of each candidate encoded without salt (other:
    the mate field's candidates; default the same). The variance grows with the overlap (more
    shared positions, more that collide): it is fitted as a line in the mean, at least one bit.
    """
    other = bits if other is None else other
    mats = [a.astype(np.float32) @ b.astype(np.float32).T for a, b in zip(bits, other,
                                                                           strict=True)]
    stack = np.stack(mats)
    mean = stack.mean(axis=0)
    if len(mats) < 2:
        return mean, np.sqrt(np.maximum(mean, 1.0))
    var = stack.var(axis=0, ddof=1)
    slope, intercept = np.polyfit(mean.ravel()[::7], var.ravel()[::7], 1)
    return mean, WIDEN * np.sqrt(np.maximum(intercept + slope * mean, 1.0))


def candidates(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the reference's frequent values and their prior (frequency among themselves)."""
    present = np.array([v for v in values if isinstance(v, str)], dtype=object)
    if present.size == 0:
        return np.zeros(0, dtype=object), np.zeros(0)
    vals, counts = np.unique(present, return_counts=True)
    order = np.argsort(-counts, kind="stable")[:MAX_CANDIDATES]
    order = order[counts[order] >= MIN_COUNT]
    return vals[order], counts[order] / counts[order].sum()


def group_overlap_attack(evidence: list[Evidence], mates: list[MateEvidence],
                         cands: np.ndarray, priors: list[np.ndarray], codes: np.ndarray | None,
                         n: int, rounds: int = 1) -> Guesses:
    """Guess each record's value from the overlaps it sees (``rounds`` rounds of messages).

    First each record's own evidence (its mate's overlap) against its prior; then each pair of
    a group sends, to each record, the likelihood of their overlap summed over the other
    record's belief from that first step. With more rounds the families of groups are chained:
    in round r a sender's belief also holds what its groups of the *other* families told it in
    round r - 1 (never what its group of this family did, which would echo the receiver).
    ``priors``: candidate labellings of a trivially revealed attribute, each a (classes + 1, C)
    table whose row ``code + 1`` is the prior of the records of class ``code`` (row 0:
    unknown); ``codes``: each record's class (None: all unknown). The labelling under which the
    overlaps are likeliest is kept.
    """
    if len(cands) < 2:
        return Guesses.none(n, "fewer than two frequent reference values")
    codes = np.full(n, -1, dtype=np.int64) if codes is None else np.asarray(codes)
    counts, messages = [], []  # own evidence: (record, overlap class) counts; class messages
    for mate in mates:
        cls, msgs = mate.messages()
        messages.append(msgs)
        counts.append(sparse.csr_matrix((np.ones(len(mate.rows)), (mate.rows, cls)),
                                        shape=(n, len(msgs))))
    k = sparse.hstack(counts).tocsr() if counts else None
    m = np.concatenate(messages).astype(np.float32) if messages else None
    receivers = sorted_unique(np.concatenate([ev.rows for ev in evidence])) if evidence else \
        np.zeros(0, dtype=np.int64)
    touched = np.zeros(n, dtype=bool)
    touched[receivers] = True
    if k is not None:
        touched[np.flatnonzero(np.diff(k.indptr) > 0)] = True
    best = None
    for table in priors:
        log_prior = np.log(np.maximum(table, 1e-12)).astype(np.float32)

        def belief(rows: np.ndarray, log_prior: np.ndarray = log_prior) -> np.ndarray:
            out = log_prior[codes[rows] + 1]
            return out if k is None else out + (k[rows] @ m)

        extra, at = _chained_messages(evidence, receivers, belief, n, len(cands), rounds)
        guesses = cands[log_prior[codes + 1].argmax(axis=1)].astype(object)
        confident = np.zeros(n, dtype=bool)
        total = 0.0
        rows_all = np.flatnonzero(touched)
        for lo in range(0, len(rows_all), CHUNK_ROWS):
            rows = rows_all[lo:lo + CHUNK_ROWS]
            lp = belief(rows)
            inside = at[rows] >= 0
            lp[inside] += extra[at[rows[inside]]]
            top = lp.max(axis=1, keepdims=True)
            total += float((np.log(np.exp(lp - top).sum(axis=1)) + top[:, 0]).sum())
            post = _softmax(lp)
            guesses[rows] = cands[post.argmax(axis=1)]
            confident[rows] = post.max(axis=1) >= 0.5
        if best is None or total > best[0]:
            best = (total, guesses, confident)
    assert best is not None
    details = {"pairs": int(sum(len(ev.rows) for ev in evidence) // 2),
               "mates": int(sum(len(m.rows) for m in mates)), "candidates": int(len(cands)),
               "labellings": len(priors), "rounds": rounds,
               "families": len({ev.family for ev in evidence})}
    return Guesses(best[1], best[2], True, "", details)


def _chained_messages(evidence: list[Evidence], receivers: np.ndarray, belief, n: int,
                      n_cands: int, rounds: int) -> tuple[np.ndarray, np.ndarray]:
    """Sum the group messages per receiver over ``rounds`` rounds, chained across families."""
    families = sorted({ev.family for ev in evidence})
    at = np.full(n, -1, dtype=np.int64)
    at[receivers] = np.arange(len(receivers))
    extras = {g: np.zeros((len(receivers), n_cands), dtype=np.float32) for g in families}
    for _ in range(max(1, rounds)):
        new = {}
        for g in families:
            def sender_belief(rows: np.ndarray, g: str = g,
                              prev: dict[str, np.ndarray] = extras) -> np.ndarray:
                out = belief(rows)
                idx = at[rows]
                inside = idx >= 0
                for h in families:
                    if h != g:
                        out[inside] += prev[h][idx[inside]]
                return out
            new[g] = _group_messages([ev for ev in evidence if ev.family == g], receivers,
                                     sender_belief, n, n_cands)[0]
        extras = new
    total = np.zeros((len(receivers), n_cands), dtype=np.float32)
    for g in families:
        total += extras[g]
    return total, at


def _group_messages(evidence: list[Evidence], receivers: np.ndarray, belief, n: int,
                    n_cands: int) -> tuple[np.ndarray, np.ndarray]:
    """Sum, per receiving record, the log messages its group pairs send (and its row index)."""
    at = np.full(n, -1, dtype=np.int64)
    at[receivers] = np.arange(len(receivers))
    extra = np.zeros((len(receivers), n_cands), dtype=np.float32)
    for ev in evidence:
        order = np.argsort(ev.common, kind="stable")
        bounds = np.flatnonzero(np.r_[True, np.diff(ev.common[order]) != 0, True])
        for a, b in zip(bounds[:-1], bounds[1:], strict=True):
            lik_t = ev.likelihood(int(ev.common[order[a]])).T.astype(np.float32)
            for lo in range(a, b, CHUNK_EDGES):
                e = order[lo:min(b, lo + CHUNK_EDGES)]
                msg = _softmax(belief(ev.senders[e])) @ lik_t
                into = sparse.csr_matrix((np.ones(len(e), dtype=np.float32),
                                          (at[ev.rows[e]], np.arange(len(e)))),
                                         shape=(len(receivers), len(e)))
                extra += into @ _log_normalised(msg)
    return extra, at


def class_priors(cands: np.ndarray, ref_values: np.ndarray, ref_classes: np.ndarray | None,
                 codes: np.ndarray | None) -> list[np.ndarray]:
    """Return the candidate labellings' prior tables (see :func:`group_overlap_attack`).

    Without a trivially revealed attribute: one table, the candidates' frequencies. With one:
    a table for each way of naming the file's class codes with the reference's classes.
    """
    at = {v: i for i, v in enumerate(cands)}
    idx = np.array([at.get(v, -1) for v in ref_values], dtype=np.int64)
    ok = idx >= 0

    def freq(mask: np.ndarray) -> np.ndarray:
        c = np.bincount(idx[mask & ok], minlength=len(cands)).astype(np.float64) + 0.5
        return c / c.sum()

    pooled = freq(np.ones(len(idx), dtype=bool))
    if ref_classes is None or codes is None or not (np.asarray(codes) >= 0).any():
        return [pooled[None, :]]
    labels = [v for v in pd.Series(ref_classes, dtype=object).dropna().value_counts().index]
    present = sorted(int(c) for c in sorted_unique(codes) if c >= 0)
    k = min(len(present), len(labels))
    out = []
    for perm in itertools.permutations(labels, k):
        table = np.tile(pooled, (max(present) + 2, 1))
        for code, label in zip(present[:k], perm, strict=True):
            table[code + 1] = freq(np.asarray(ref_classes, dtype=object) == label)
        out.append(table)
    return out or [pooled[None, :]]


def _softmax(log_p: np.ndarray) -> np.ndarray:
    p = np.exp(log_p - log_p.max(axis=1, keepdims=True))
    return p / p.sum(axis=1, keepdims=True)


def _log_normalised(msg: np.ndarray) -> np.ndarray:
    """Log of a message scaled to a maximum of one (per row), floored far below any signal.

    An overflowed entry counts as the row's largest; a row holding NaN says nothing (all ones).
    """
    msg = np.where(np.isposinf(msg), np.finfo(np.float64).max, msg)
    msg = np.where(np.isnan(msg).any(axis=-1, keepdims=True), 1.0, msg)
    top = msg.max(axis=-1, keepdims=True)
    return np.log(np.maximum(msg / np.maximum(top, 1e-300), 1e-30)).astype(np.float32)
