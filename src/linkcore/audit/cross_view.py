"""Cross-view bridge: one column's equality classes locate a value's bits in another column.

When a field is encoded twice under different protections -- salted field filters beside an
unsalted record-level CLK, say -- the two views join. Records with an identical deterministic
field filter share the field's value (and its salt), so the AND of their CLKs holds that value's
CLK positions, plus whatever else they happen to share. The attacker

1. takes every equality class of the field filter with two records or more, ANDs their CLKs, and
   removes the bits shared by their whole rebuilt salt group (the salt's own tokens, e.g. the
   year of birth) and the bits set in most classes (a trivially shared attribute such as sex);
2. purifies each class's set against the whole file (:func:`_purified_sets`): the same value
   under another salt has the same CLK positions when the CLK is not salted the same way, so the
   records that overlap the set far beyond chance are mostly that value's, and the bits nearly
   all of them hold are its clean bit set; identical sets are merged;
3. assigns every record whose CLK contains a set (largest contained set first) to it -- records
   of a unique (value, salt), whose field filter is no help, are found this way too;
4. labels the sets with register values (:func:`_label`): one to one on frequency and token
   count (set bits / clk_k, from the public schema), refined by the q-grams the sets share.

Several labellings are made (expected counts scaled to the records the sets caught or to all
records holding the field; two weights of frequency against shared q-grams; both namings of the
sex classes) and the attacker keeps the one whose q-gram overlaps fit the bit overlaps best -- a
choice that needs no ground truth.

Confidence: the set holds two records or more, and set and label are each other's best choice
(a mutual best).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from .. import kernels
from .._sets import sorted_unique
from .scoring import Guesses

MEMBER_Z = 4.0
CORE_SHARE = 0.7
MAX_SEEDS = 600
PURE_SHARE = 0.9
BACKGROUND_SHARE = 0.5
MAX_SETS = 3000
TOKEN_WEIGHT = 2.0
MAX_LABELLED = 400
ANCHORS = 150
REFINE_ROUNDS = 10
PRIOR_WEIGHTS = (0.05, 0.3)
MIX_WEIGHT = 4.0


def _and_reduce(clk: np.ndarray, rows: np.ndarray, labels: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """AND of the CLKs of each label's rows: (labels, AND per label, rows per label)."""
    order = np.argsort(labels, kind="stable")
    lab = labels[order]
    starts = np.flatnonzero(np.r_[True, lab[1:] != lab[:-1]])
    anded = np.bitwise_and.reduceat(clk[rows[order]], starts, axis=0)
    sizes = np.diff(np.r_[starts, len(lab)])
    return lab[starts], anded, sizes


def _contains(clk: np.ndarray, s: np.ndarray) -> np.ndarray:
    """Rows of ``clk`` that have every bit of ``s`` set."""
    return ((clk & s[None, :]) == s[None, :]).all(axis=1)


def _class_rows(rows: np.ndarray, codes: np.ndarray, wanted: np.ndarray) -> list[np.ndarray]:
    """Rows of each wanted class code."""
    order = np.argsort(codes, kind="stable")
    sc = codes[order]
    lo, hi = np.searchsorted(sc, wanted, "left"), np.searchsorted(sc, wanted, "right")
    return [rows[order[a:b]] for a, b in zip(lo, hi, strict=True)]


def _one_class_per_group(groups: np.ndarray, classes: np.ndarray) -> bool:
    """Tell whether records sharing a salt group nearly always share one field filter too."""
    known = classes >= 0
    frame = pd.DataFrame({"g": groups[known], "c": classes[known]})
    per = frame.groupby("g")["c"].agg(["size", "nunique"])
    multi = per[per["size"] >= 2]
    return len(multi) >= 1 and float((multi["nunique"] == 1).mean()) >= PURE_SHARE


def _purified_sets(clk: np.ndarray, anded: np.ndarray, sizes: np.ndarray,
                   cls_rows: list[np.ndarray], groups: np.ndarray, record_class: np.ndarray,
                   clk_k: int) -> np.ndarray:
    """Clean bit sets, one per value, grown from the classes' noisy ANDs (largest classes first).

    A class's AND holds the value's bits plus bits its few records share by chance. Records
    whose CLK overlaps the AND far beyond chance (z >= ``MEMBER_Z`` given each CLK's density)
    are the value's other records, under any salt; the bits set in nearly all of them
    (``CORE_SHARE``) are the value's bit set, and the records containing it the value's records.
    A set is kept when its records span two salt groups or more and, within each group, share
    one field filter (``record_class``): q-grams that several values share fail that test.
    """
    bits_all = np.unpackbits(clk.view(np.uint8), axis=1, bitorder="little")
    freq = bits_all.mean(axis=0)
    foreground = np.packbits((freq <= BACKGROUND_SHARE).astype(np.uint8),
                             bitorder="little").view(np.uint64)
    explained = np.zeros(len(clk), dtype=bool)
    found: dict[bytes, np.ndarray] = {}
    seeds = 0
    for i in np.argsort(-sizes, kind="stable"):
        if explained[cls_rows[i]].all() or seeds >= MAX_SEEDS:
            continue
        seeds += 1
        on = np.unpackbits((anded[i] & foreground).view(np.uint8), bitorder="little") > 0
        if on.sum() < 2 * clk_k:
            explained[cls_rows[i]] = True
            continue
        mean = float(freq[on].sum())
        sd = float(np.sqrt((freq[on] * (1 - freq[on])).sum()))
        members = np.flatnonzero(bits_all[:, on].sum(axis=1) >= mean + MEMBER_Z * sd)
        core = (bits_all[members].mean(axis=0) >= CORE_SHARE) & on
        s = np.packbits(core.astype(np.uint8), bitorder="little").view(np.uint64)
        explained[cls_rows[i]] = True
        if core.sum() < 2 * clk_k:
            continue
        holders = _contains(clk, s)
        if holders.sum() < 3 or len(sorted_unique(groups[holders])) < 2:
            continue
        # a value's records share one filter within each salt group; shared q-grams do not
        if not _one_class_per_group(groups[holders], record_class[holders]):
            continue
        explained |= holders
        found.setdefault(s.tobytes(), s)
    if not found:
        return np.zeros((0, clk.shape[1]), dtype=np.uint64)
    return np.vstack(list(found.values()))


def cross_view_attack(filters: np.ndarray, missing: np.ndarray, clk: np.ndarray,
                      groups: np.ndarray, clk_k: int, ref_values: np.ndarray,
                      ref_tokens_of: Callable[[np.ndarray], list[frozenset[str]]],
                      trivial: np.ndarray | None = None,
                      ref_trivial: np.ndarray | None = None) -> Guesses:
    """Locate each value's CLK positions from the field's equality classes; label them.

    ``groups`` is the rebuilt salt group per record (every record its own group when the field
    is unsalted), ``clk_k`` the field's public positions per token in the CLK, and
    ``ref_tokens_of`` the public tokeniser (register values -> token sets). With ``trivial``
    (class code per record of a trivially revealed attribute such as sex; -1 unknown) and
    ``ref_trivial`` (the register's value of it) the labelling also matches each set's sex mix
    with each value's, trying both ways of naming the two classes.
    """
    n = len(filters)
    present = ~np.asarray(missing, dtype=bool)
    rows = np.flatnonzero(present)
    if len(rows) == 0 or clk_k <= 0:
        return Guesses.none(n, "no encoded values", applicable=True)
    view = np.ascontiguousarray(filters[rows]).view(
        np.dtype((np.void, filters.dtype.itemsize * filters.shape[1]))).ravel()
    _, codes = np.unique(view, return_inverse=True)
    codes = codes.ravel()
    counts = np.bincount(codes)
    keep = counts[codes] >= 2
    if not keep.any():
        return Guesses.none(n, "no two records share a field filter", applicable=True)
    r2, c2 = rows[keep], codes[keep]
    cls, anded, sizes = _and_reduce(clk, r2, c2)
    cls_group = np.zeros(int(c2.max()) + 1, dtype=np.int64)
    cls_group[c2] = groups[r2]
    cls_group = cls_group[cls]

    # bits shared by the whole salt group (when it is larger than the class): the salt's tokens
    all_rows = np.arange(len(clk))
    glab, gand, gsize = _and_reduce(clk, all_rows, groups)
    g_index = np.searchsorted(glab, cls_group)
    bigger = gsize[g_index] > sizes
    anded = np.where(bigger[:, None], anded & ~gand[g_index], anded)
    # bits set in most classes: trivially shared attributes (sex), the century of birth
    bits = np.unpackbits(anded.view(np.uint8), axis=1, bitorder="little")
    common = bits.mean(axis=0) > BACKGROUND_SHARE
    background = np.packbits(common.astype(np.uint8), bitorder="little").view(np.uint64)
    anded = anded & ~background[None, :]
    pop = kernels.popcounts(anded)
    usable = pop >= 2 * clk_k
    anded, sizes = anded[usable], sizes[usable]
    cls_rows = _class_rows(r2, c2, cls[usable])
    if len(anded) == 0:
        return Guesses.none(n, "no class with a usable bit set", applicable=True)
    record_class = np.full(n, -1, dtype=np.int64)
    record_class[rows] = codes
    cand = _purified_sets(clk, anded, sizes, cls_rows, groups, record_class, clk_k)
    if len(cand) == 0:
        return Guesses.none(n, "no value's bit set recurs across salt groups", applicable=True)
    cpop = kernels.popcounts(cand)
    order = np.argsort(-cpop, kind="stable")[:MAX_SETS]
    cand, cpop = cand[order], cpop[order]

    # every record: the largest candidate set its CLK contains
    assigned = np.full(n, -1, dtype=np.int64)
    for j, s in enumerate(cand):
        hit = (assigned < 0) & _contains(clk, s)
        assigned[hit] = j
    counts_c = np.bincount(assigned[assigned >= 0], minlength=len(cand)).astype(float)

    has = assigned >= 0
    mixes = _mixes(assigned, len(cand), trivial, ref_values, ref_trivial)
    best = None
    # the attacker cannot tell how many of a value's records its set caught, nor how much to
    # trust frequencies against shared q-grams: he tries each and keeps the labelling whose
    # q-gram overlaps fit the sets' bit overlaps best (no ground truth needed)
    n_values = int((present | clk.any(axis=1)).sum())
    for set_mix, value_mix in mixes:
        for scale in (int(has.sum()), n_values):
            for weight in PRIOR_WEIGHTS:
                out = _label(cand, counts_c, clk_k, ref_values, ref_tokens_of, scale,
                             set_mix, value_mix, weight)
                if best is None or out[3] < best[3]:
                    best = out
    assert best is not None
    by_set, conf_set, labelled, _ = best
    out_g = np.full(n, None, dtype=object)
    out_c = np.zeros(n, dtype=bool)
    out_g[has] = by_set[assigned[has]]
    out_c[has] = conf_set[assigned[has]]
    details = {"classes": int(len(anded)), "bit_sets": int(len(cand)),
               "records_matched": int(has.sum()), "labelled": labelled}
    return Guesses(out_g, out_c, True, "", details)


def _mixes(assigned: np.ndarray, n_sets: int, trivial: np.ndarray | None,
           ref_values: np.ndarray, ref_trivial: np.ndarray | None
           ) -> list[tuple[np.ndarray | None, dict | None]]:
    """Per naming of the trivial classes: (share of class 0 per set, same share per value)."""
    if trivial is None or ref_trivial is None:
        return [(None, None)]
    known = (assigned >= 0) & (trivial >= 0)
    codes = sorted_unique(trivial[trivial >= 0])
    labels = pd.Series(ref_trivial, dtype=object).dropna().value_counts().index[:2]
    if len(codes) < 2 or len(labels) < 2:
        return [(None, None)]
    hits = np.bincount(assigned[known], weights=(trivial[known] == codes[0]).astype(float),
                       minlength=n_sets)
    total = np.bincount(assigned[known], minlength=n_sets)
    set_mix = np.where(total > 0, hits / np.maximum(total, 1), 0.5)
    frame = pd.DataFrame({"v": pd.Series(ref_values, dtype=object),
                          "a": pd.Series(ref_trivial, dtype=object)}).dropna()
    out = []
    for label in labels:
        share = (frame["a"] == label).groupby(frame["v"]).mean()
        out.append((set_mix, share.to_dict()))
    return out


def _label(sets: np.ndarray, counts: np.ndarray, clk_k: int, ref_values: np.ndarray,
           tokens_of: Callable[[np.ndarray], list[frozenset[str]]], n_assigned: int,
           set_mix: np.ndarray | None = None, value_mix: dict | None = None,
           prior_weight: float = 0.05) -> tuple[np.ndarray, np.ndarray, int, float]:
    """Label bit sets with register values: frequency and size, then shared q-grams.

    Start: one-to-one (Hungarian) on frequency (records assigned) and token count (set bits /
    clk_k). Then seeded graph matching: two sets share about ``|S_i & S_j| / clk_k`` tokens, as
    their values share q-grams; each round re-assigns every set to the value whose q-gram overlaps
    with the current labels of the most frequent sets agree best with the set's bit overlaps.
    Confident: the set holds two records or more and set and label are each other's best choice.
    With ``set_mix``/``value_mix`` (share of one trivial class, e.g. one sex, per set and per
    value) a mismatch of mixes adds to every cost. Returns last the labelling's fit: the mean gap
    between the sets' bit overlaps and their labels' shared q-grams, plus the sex-mix mismatch.
    """
    guesses = np.full(len(counts), None, dtype=object)
    confident = np.zeros(len(counts), dtype=bool)
    vc = pd.Series(ref_values, dtype=object).dropna().value_counts()
    used = np.flatnonzero(counts > 0)
    used = used[np.argsort(-counts[used], kind="stable")][:MAX_LABELLED]
    top_u = min(len(vc), max(2 * len(used), 50))
    if len(used) == 0 or top_u == 0:
        return guesses, confident, 0, 0.0
    values = vc.index.to_numpy(dtype=object)[:top_u]
    expected = vc.to_numpy(dtype=float)[:top_u] / max(float(vc.sum()), 1.0) * n_assigned
    toks = tokens_of(values)
    n_tok = np.array([len(t) for t in toks], dtype=float)
    vocab = {t: j for j, t in enumerate(sorted(set().union(*toks)))}
    tm = np.zeros((top_u, len(vocab)), dtype=np.float32)
    for i, ts in enumerate(toks):
        tm[i, [vocab[t] for t in ts]] = 1.0
    shared = tm @ tm.T                                         # q-grams two values share
    bits = np.unpackbits(sets[used].view(np.uint8), axis=1, bitorder="little").astype(np.float32)
    overlap = (bits @ bits.T) / float(clk_k)                   # tokens two sets share
    size = np.diag(overlap).copy()

    c = counts[used][:, None]
    e = expected[None, :]
    prior = (c - e) ** 2 / (c + e + 1.0) + TOKEN_WEIGHT * (size[:, None] - n_tok[None, :]) ** 2
    mix_cost = np.zeros_like(prior)
    if set_mix is not None and value_mix is not None:
        vm = np.array([value_mix.get(v, 0.5) for v in values], dtype=float)
        mix_cost = MIX_WEIGHT * (set_mix[used][:, None] - vm[None, :]) ** 2
        prior = prior + mix_cost
    d, u = linear_sum_assignment(prior)
    label = np.full(len(used), -1, dtype=np.int64)
    label[d] = u
    anchors = np.arange(min(len(used), ANCHORS))
    prior_w = prior_weight * prior / max(float(prior.std()), 1e-9)
    cost = prior
    for _ in range(REFINE_ROUNDS):
        ref_a = shared[:, label[anchors]]                      # (values, anchors)
        cost = np.empty_like(prior)
        for start in range(0, len(used), 64):
            o = overlap[start:start + 64][:, anchors]          # (chunk, anchors)
            cost[start:start + 64] = np.abs(o[:, None, :] - ref_a[None, :, :]).mean(axis=2)
        cost += prior_w + mix_cost
        d, u = linear_sum_assignment(cost)
        new = np.full(len(used), -1, dtype=np.int64)
        new[d] = u
        if np.array_equal(new, label):
            break
        label = new
    ok = label >= 0
    guesses[used[ok]] = values[label[ok]]
    rows = np.flatnonzero(ok)
    mutual = (cost.argmin(axis=1)[rows] == label[rows]) & \
        (cost.argmin(axis=0)[label[rows]] == rows)
    confident[used[rows]] = mutual & (counts[used[rows]] >= 2)
    # fit: how far the sets' bit overlaps are from their labels' shared q-grams (lower is better)
    lab = label[anchors]
    good = lab >= 0
    fit = float(np.abs(overlap[np.ix_(rows, anchors[good])]
                       - shared[np.ix_(label[rows], lab[good])]).mean()) if good.any() else 0.0
    fit += float(mix_cost[rows, label[rows]].mean()) if len(rows) else 0.0
    return guesses, confident, int(ok.sum()), fit
