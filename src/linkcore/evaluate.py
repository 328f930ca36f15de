"""Score a linkage against ground truth: precision, recall, F1, PR curve, blocking, clusters.

Pairs. A linkage is a set of record pairs ``(id_a, id_b)`` (with ``agency_a, agency_b`` when
there are more than two agencies); the truth is the set of pairs that belong to the same
person. Both are treated as *sets*: a pair listed twice counts once, and a many-to-many
truth (duplicate records within an agency) is scored pair by pair, so finding one of a
person's two records in A counts one true positive and missing the other one false negative.
Ids are compared as text.

Empty cases are defined so that every metric stays in [0, 1] and a perfect linkage scores 1:
precision is 1 when nothing was predicted (no claim was wrong) and recall is 1 when the truth
is empty (nothing was missed); F1 is their harmonic mean, 0 when both are 0.

Clusters. For several parties a linkage is a clustering of records ``(agency, id)``;
:func:`evaluate_clusters` scores it pairwise: every pair of records in one predicted cluster
is a predicted match, every pair in one true cluster (connected component of the truth
pairs) a true one, by default counting only pairs of records from different agencies.
:func:`cluster_metrics` adds pairs within one agency (duplicates), B-cubed precision and recall
and the share of people whose records form exactly one cluster.
"""

from __future__ import annotations

import math
import re
import sys
import types
from collections.abc import Iterable
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from ._sets import sorted_unique
from .errors import InputDataError, ParameterError, format_rows

ID_COLUMNS = ("id_a", "id_b")
AGENCY_COLUMNS = ("agency_a", "agency_b")
_SEP = "\x1f"


@dataclass(frozen=True)
class LinkageMetrics:
    """Pairwise quality of a linkage: counts and the ratios derived from them."""

    precision: float
    recall: float
    f1: float
    tp: int
    fp: int
    fn: int
    threshold: float | None = None

    def as_dict(self) -> dict[str, float | int | None]:
        """Return the metrics as a plain dict (for JSON)."""
        return asdict(self)


@dataclass(frozen=True)
class BlockingQuality:
    """How well candidate generation kept the true pairs while cutting comparisons."""

    pairs_completeness: float
    reduction_ratio: float
    candidates: int
    true_pairs_found: int
    true_pairs: int
    all_pairs: int

    def as_dict(self) -> dict[str, float | int]:
        """Return the figures as a plain dict (for JSON)."""
        return asdict(self)


def _ratios(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def metrics_from_counts(
    tp: int, fp: int, fn: int, threshold: float | None = None
) -> LinkageMetrics:
    """Compute precision, recall and F1 from pair counts (empty cases as in the module doc)."""
    if min(tp, fp, fn) < 0:
        raise ParameterError("pair counts must be >= 0")
    precision, recall, f1 = _ratios(tp, fp, fn)
    return LinkageMetrics(precision, recall, f1, int(tp), int(fp), int(fn), threshold)


def _require(df: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    if not isinstance(df, pd.DataFrame):
        raise InputDataError(f"{what} must be a table (DataFrame)")
    repeated = sorted({str(c) for c in df.columns[df.columns.duplicated()]})
    if repeated:
        raise InputDataError(f"{what} repeats column name(s) {', '.join(map(repr, repeated))}; "
                             "give each column a name of its own")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise InputDataError(
            f"{what} lacks column(s) {', '.join(missing)}; it needs {', '.join(columns)}"
        )
    for col in columns:
        empty = np.flatnonzero(df[col].isna().to_numpy())
        if len(empty):
            raise InputDataError(
                f"{what} has {len(empty)} empty value(s) in column {col} "
                f"(rows {format_rows(empty + 1)})"
            )


def _text(series: pd.Series) -> np.ndarray:
    """Ids as text, so that 12 and "12" are the same id."""
    values = series.to_numpy()
    if values.dtype.kind in "iu":
        return values.astype(str).astype(object)
    # a whole float reads as its integer, exactly (Python's int, not int64), as encode reads ids
    return np.array([str(int(v)) if isinstance(v, float) and math.isfinite(v) and v.is_integer()
                     else str(v) for v in values.tolist()], dtype=object)


def _with_agencies(matches: pd.DataFrame, truth: pd.DataFrame) -> bool:
    has_m = all(c in matches.columns for c in AGENCY_COLUMNS)
    has_t = all(c in truth.columns for c in AGENCY_COLUMNS)
    if has_m != has_t:
        raise InputDataError(
            "matches and truth must both have agency_a and agency_b columns, or neither"
        )
    return has_t


def within_one_agency(matches: pd.DataFrame, truth: pd.DataFrame
                      ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return matches and truth as unordered pairs within one agency, where that is what they are.

    The pairs of a one-file ``dedupe`` (``--pairs-out``) name one agency on both sides, and a
    truth of that file's duplicates may be plain ``id_a, id_b`` in either order: the truth
    then takes that agency, and both tables list each pair's ids in one order (text order), so
    that checks by column see one universe. Other tables come back unchanged.
    """
    if not (all(c in matches.columns for c in AGENCY_COLUMNS) and len(matches)
            and not any(c in truth.columns for c in AGENCY_COLUMNS)):
        return matches, truth
    names = pd.unique(np.concatenate([_text(matches["agency_a"]), _text(matches["agency_b"])]))
    if len(names) != 1:
        return matches, truth
    truth = truth.assign(agency_a=names[0], agency_b=names[0])
    return _ordered(matches), _ordered(truth)


def _ordered(df: pd.DataFrame) -> pd.DataFrame:
    a, b = _text(df["id_a"]), _text(df["id_b"])
    swap = b < a
    return df.assign(id_a=np.where(swap, b, a), id_b=np.where(swap, a, b))


def pair_keys(df: pd.DataFrame, agencies: bool | None = None) -> np.ndarray:
    """Make one text key per pair; with agencies, each pair is ordered lower agency first."""
    a, b = _text(df["id_a"]), _text(df["id_b"])
    if agencies is None:
        agencies = all(c in df.columns for c in AGENCY_COLUMNS)
    if not agencies:
        return a + _SEP + b
    ag_a, ag_b = _text(df["agency_a"]), _text(df["agency_b"])
    left, right = ag_a + _SEP + a, ag_b + _SEP + b
    swap = right < left
    first = np.where(swap, right, left)
    second = np.where(swap, left, right)
    return first + _SEP + second


def _probabilities(matches: pd.DataFrame) -> np.ndarray:
    if "probability" not in matches.columns:
        raise InputDataError("matches lacks column probability (needed for a threshold or curve)")
    prob = pd.to_numeric(matches["probability"], errors="coerce").to_numpy(dtype=float)
    bad = np.flatnonzero(~np.isfinite(prob) | (prob < 0) | (prob > 1))
    if len(bad):
        raise InputDataError(
            f"matches column probability has {len(bad)} value(s) that are not numbers in [0, 1] "
            f"(rows {format_rows(bad + 1)})"
        )
    return prob


def _scored_pairs(matches: pd.DataFrame, truth: pd.DataFrame, need_probability: bool):
    """Distinct predicted pair keys (with their best probability), truth keys, and hit flags."""
    _require(matches, ID_COLUMNS, "matches")
    _require(truth, ID_COLUMNS, "truth")
    agencies = _with_agencies(matches, truth)
    keys = pair_keys(matches, agencies)
    truth_keys = pd.unique(pair_keys(truth, agencies))
    if need_probability:
        prob = _probabilities(matches)
        best = pd.Series(prob).groupby(keys, sort=False).max()
        keys, prob = best.index.to_numpy(dtype=object), best.to_numpy(dtype=float)
    else:
        keys, prob = pd.unique(keys), None
    hit = pd.Index(truth_keys).get_indexer(keys) >= 0
    return keys, prob, hit, len(truth_keys)


def evaluate(
    matches: pd.DataFrame, truth: pd.DataFrame, threshold: float | None = None
) -> LinkageMetrics:
    """Score predicted pairs ``matches[id_a, id_b(, probability)]`` against ``truth[id_a, id_b]``.

    With ``threshold``, only pairs whose probability is at least the threshold count as
    predicted matches. Returns precision, recall, F1 and the tp/fp/fn counts.
    """
    threshold = _threshold(threshold)
    _, prob, hit, n_true = _scored_pairs(matches, truth, threshold is not None)
    if prob is not None:
        hit = hit[prob >= threshold]
    tp = int(hit.sum())
    if tp == 0 and len(hit) and not all(c in matches.columns for c in AGENCY_COLUMNS):
        _refuse_swapped_columns(matches, truth)
    return metrics_from_counts(tp, len(hit) - tp, n_true - tp, threshold)


def _refuse_swapped_columns(matches: pd.DataFrame, truth: pd.DataFrame) -> None:
    """Refuse matches that hit no true pair as given but some read the other way round.

    A truth whose id_a and id_b are swapped (or pairs of one file ordered otherwise) would
    score 0; the command line refuses it by its ids, and so does this.
    """
    truth_keys = pd.Index(pd.unique(pair_keys(truth, False)))
    flipped = matches.rename(columns={"id_a": "id_b", "id_b": "id_a"})
    if (truth_keys.get_indexer(pair_keys(flipped, False)) >= 0).any():
        raise InputDataError("no predicted pair is a true pair as given, but some are read "
                             "the other way round (id_a as id_b): the columns look swapped; "
                             "name the same file id_a in both tables, or order one file's "
                             "pairs the same way in both")


def _threshold(threshold: float | None) -> float | None:
    """Check a probability threshold (None: every predicted pair counts); return it as a float."""
    if threshold is None:
        return None
    if isinstance(threshold, bool) or not isinstance(threshold, int | float | np.number):
        raise ParameterError(f"threshold must be a number in [0, 1], not a "
                             f"{type(threshold).__name__}")
    if not 0.0 <= float(threshold) <= 1.0:
        raise ParameterError("threshold must be in [0, 1]")
    return float(threshold)


def pr_curve(
    matches: pd.DataFrame, truth: pd.DataFrame, thresholds: Iterable[float] | None = None
) -> pd.DataFrame:
    """Precision, recall and F1 at each probability threshold (every distinct one by default).

    Returns a DataFrame with columns threshold, precision, recall, f1, tp, fp, fn, sorted by
    threshold; a pair is predicted at threshold t when its probability is >= t.
    """
    _, prob, hit, n_true = _scored_pairs(matches, truth, True)
    order = np.argsort(-prob, kind="stable")
    prob, hit = prob[order], hit[order]
    cum_tp = np.concatenate([[0], np.cumsum(hit)])
    if thresholds is None:
        ts = sorted_unique(prob)
    else:
        try:
            ts = sorted_unique(np.asarray(list(thresholds), dtype=float))
        except (TypeError, ValueError):
            raise ParameterError("thresholds must be numbers in [0, 1]") from None
        if len(ts) and (ts.min() < 0 or ts.max() > 1 or not np.all(np.isfinite(ts))):
            raise ParameterError("thresholds must be in [0, 1]")
    # number of pairs with probability >= t (prob is sorted in decreasing order)
    predicted = np.searchsorted(-prob, -ts, side="right")
    tp = cum_tp[predicted]
    fp = predicted - tp
    fn = n_true - tp
    rows = [
        metrics_from_counts(int(a), int(b), int(c), float(t))
        for a, b, c, t in zip(tp, fp, fn, ts, strict=True)
    ]
    cols = ["threshold", "precision", "recall", "f1", "tp", "fp", "fn"]
    return pd.DataFrame([{c: getattr(r, c) for c in cols} for r in rows], columns=cols)


def best_threshold(matches: pd.DataFrame, truth: pd.DataFrame) -> LinkageMetrics:
    """Return the metrics at the threshold with the highest F1 (ties: the higher threshold)."""
    curve = pr_curve(matches, truth)
    if curve.empty:
        return evaluate(matches, truth)
    best = curve.iloc[::-1]["f1"].idxmax()
    row = curve.loc[best]
    return metrics_from_counts(int(row.tp), int(row.fp), int(row.fn), float(row.threshold))


#: Columns of :func:`calibration`'s table, one row per band of probability that holds pairs.
CALIBRATION_COLUMNS = ("low", "high", "pairs", "mean_probability", "true_share", "difference",
                       "spread")


def calibration(matches: pd.DataFrame, truth: pd.DataFrame, bands: int = 10) -> pd.DataFrame:
    """Per band of probability: pairs, mean probability, share that are true, and chance's spread.

    Checks whether the probabilities mean what they say. The pairs with a probability in
    ``[low, high)`` (the last band includes 1) are counted once each (a pair listed twice keeps
    its highest probability); ``difference`` is the true share minus the mean probability, and
    ``spread`` is twice the standard deviation of the true share if every pair were true with
    its own probability (``2 * sqrt(sum p(1 - p)) / pairs``): a calibrated model's difference
    stays within it about 19 times in 20. Bands without pairs are left out. Only the pairs in
    ``matches`` are seen: to check every candidate, link with a low threshold and no one-to-one
    resolution (resolution keeps the more probable pair of a record, so a resolved file's true
    shares run high).
    """
    if isinstance(bands, bool) or not isinstance(bands, int | np.integer) or bands < 1:
        raise ParameterError("bands must be a whole number of at least 1")
    _, prob, hit, _ = _scored_pairs(matches, truth, True)
    edges = np.arange(bands + 1) / bands  # 0.3 falls in [0.3, 0.4), which prob * 10 misses
    band = np.clip(np.searchsorted(edges, prob, side="right") - 1, 0, bands - 1)
    rows = []
    for b in sorted_unique(band).tolist():
        sel = band == b
        p, h = prob[sel], hit[sel]
        mean, share = float(p.mean()), float(h.mean())
        rows.append((float(edges[b]), float(edges[b + 1]), int(sel.sum()), mean, share,
                     share - mean,
                     2.0 * math.sqrt(float((p * (1.0 - p)).sum())) / p.size))
    return pd.DataFrame(rows, columns=list(CALIBRATION_COLUMNS))


def blocking_quality(
    candidate_left_ids,
    candidate_right_ids=None,
    *,
    truth: pd.DataFrame,
    n_a: int,
    n_b: int,
) -> BlockingQuality:
    """Pairs completeness (share of true pairs among the candidates) and reduction ratio.

    Candidates are either a DataFrame with id_a and id_b (and nothing else passed), or two
    equal-length arrays of left and right ids. Reduction ratio = 1 - candidates / (n_a * n_b).
    """
    if candidate_right_ids is None:
        _require(candidate_left_ids, ID_COLUMNS, "candidates")
        cands = candidate_left_ids[list(ID_COLUMNS)]
    else:
        left, right = np.asarray(candidate_left_ids), np.asarray(candidate_right_ids)
        if left.shape != right.shape or left.ndim != 1:
            raise InputDataError("candidate left and right ids must be 1-D arrays of one length")
        cands = pd.DataFrame({"id_a": left, "id_b": right})
    _require(truth, ID_COLUMNS, "truth")
    for name, value in (("n_a", n_a), ("n_b", n_b)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 0:
            raise ParameterError(f"{name} must be a whole number >= 0")
    all_pairs = int(n_a) * int(n_b)
    keys = pd.unique(pair_keys(cands, False))
    if len(keys) > all_pairs:
        raise ParameterError("more distinct candidate pairs than n_a * n_b; check n_a and n_b")
    truth_keys = pd.unique(pair_keys(truth, False))
    found = int((pd.Index(keys).get_indexer(truth_keys) >= 0).sum())
    completeness = found / len(truth_keys) if len(truth_keys) else 1.0
    reduction = 1.0 - len(keys) / all_pairs if all_pairs else 1.0
    return BlockingQuality(completeness, reduction, len(keys), found, len(truth_keys), all_pairs)


# --- clusters ----------------------------------------------------------------------------


def truth_clusters(truth: pd.DataFrame) -> pd.DataFrame:
    """Label each record (agency, id) with its connected component in the truth pairs.

    A two-agency truth (id_a, id_b only) is read as agency 1 and agency 2.
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    _require(truth, ID_COLUMNS, "truth")
    if all(c in truth.columns for c in AGENCY_COLUMNS):
        ag_a, ag_b = _text(truth["agency_a"]), _text(truth["agency_b"])
    else:
        ag_a = np.full(len(truth), "1", dtype=object)
        ag_b = np.full(len(truth), "2", dtype=object)
    left = ag_a + _SEP + _text(truth["id_a"])
    right = ag_b + _SEP + _text(truth["id_b"])
    codes, uniques = pd.factorize(np.concatenate([left, right]))
    n = len(uniques)
    i, j = codes[: len(truth)], codes[len(truth) :]
    graph = coo_matrix((np.ones(len(i)), (i, j)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    split = pd.Series(uniques, dtype=object).str.split(_SEP, n=1, expand=True) if n else None
    return pd.DataFrame(
        {
            "agency": split[0].to_numpy(dtype=object) if n else np.array([], dtype=object),
            "id": split[1].to_numpy(dtype=object) if n else np.array([], dtype=object),
            "cluster": labels,
        }
    )


def _count_pairs(df: pd.DataFrame, by: list[str], cross_agency_only: bool) -> int:
    sizes = df.groupby(by, sort=False).size().to_numpy(dtype=np.int64)
    total = int((sizes * (sizes - 1) // 2).sum())
    if cross_agency_only:
        same = df.groupby([*by, "agency"], sort=False).size().to_numpy(dtype=np.int64)
        total -= int((same * (same - 1) // 2).sum())
    return total


def evaluate_clusters(
    predicted: pd.DataFrame, truth: pd.DataFrame, *, cross_agency_only: bool = True
) -> LinkageMetrics:
    """Pairwise precision/recall/F1 of a clustering of ``(agency, id)`` records.

    ``predicted`` has columns agency, id, cluster. ``truth`` is either the same kind of table
    or truth pairs (see :func:`truth_clusters`). Records absent from one side are singletons
    there. With ``cross_agency_only``, pairs of records from one agency are not counted.
    """
    _require(predicted, ("agency", "id", "cluster"), "predicted clusters")
    if all(c in truth.columns for c in ("agency", "id", "cluster")):
        _require(truth, ("agency", "id", "cluster"), "truth clusters")
        true = truth
    else:
        true = truth_clusters(truth)
    pred = pd.DataFrame(
        {
            "record": _text(predicted["agency"]) + _SEP + _text(predicted["id"]),
            "p": _text(predicted["cluster"]),
        }
    )
    tru = pd.DataFrame(
        {"record": _text(true["agency"]) + _SEP + _text(true["id"]), "t": _text(true["cluster"])}
    )
    for name, df in (("predicted clusters", pred), ("truth clusters", tru)):
        dup = np.flatnonzero(df["record"].duplicated().to_numpy())
        if len(dup):
            raise InputDataError(
                f"{name} list {len(dup)} record(s) twice (rows {format_rows(dup + 1)})"
            )
    both = pred.merge(tru, on="record", how="outer")
    # records missing on one side become singletons there
    lonely_p, lonely_t = both["p"].isna(), both["t"].isna()
    both.loc[lonely_p, "p"] = "\x00" + both.loc[lonely_p, "record"]
    both.loc[lonely_t, "t"] = "\x00" + both.loc[lonely_t, "record"]
    both["agency"] = both["record"].str.split(_SEP, n=1).str[0]
    tp = _count_pairs(both, ["p", "t"], cross_agency_only)
    predicted_pairs = _count_pairs(both, ["p"], cross_agency_only)
    true_pairs = _count_pairs(both, ["t"], cross_agency_only)
    return metrics_from_counts(tp, predicted_pairs - tp, true_pairs - tp)


@dataclass(frozen=True)
class ClusterMetrics:
    """Quality of a clustering of records ``(agency, id)`` against the true people.

    Pairwise: every pair of records in one predicted cluster is a predicted match, every pair
    in one true cluster a true one; ``pairwise`` counts all pairs, ``within`` pairs of records of
    one agency (duplicates), ``across`` pairs of different agencies. B-cubed (Bagga and Baldwin,
    1998): per record, the share of its predicted cluster that is its person (precision) and
    the share of its person that is in its predicted cluster (recall), averaged over records.
    ``exact_share``: the share of true people whose records form exactly one predicted
    cluster, with no other record in it.
    """

    pairwise: LinkageMetrics
    within: LinkageMetrics
    across: LinkageMetrics
    bcubed_precision: float
    bcubed_recall: float
    bcubed_f1: float
    exact_share: float
    records: int
    people: int
    predicted_clusters: int
    #: agencies the truth holds and the predicted clusters do not (their records are singletons)
    truth_only_agencies: tuple[str, ...] = ()
    #: records the truth holds and the predicted clusters do not, and the other way round
    #: (singletons on the side that lacks them: a record withdrawn from a store counts as missed)
    truth_only_records: int = 0
    predicted_only_records: int = 0

    def as_dict(self) -> dict[str, object]:
        """Return the figures as a plain dict (for JSON)."""
        out = asdict(self)
        for key in ("pairwise", "within", "across"):
            part = out[key]
            part.pop("threshold", None)
            # undefined ratios are null, as the text report's n/a (not the 1.0 of convention)
            if part["tp"] + part["fp"] == 0:
                part["precision"] = None
            if part["tp"] + part["fn"] == 0:
                part["recall"] = None
            if part["precision"] is None or part["recall"] is None:
                part["f1"] = None
        return out


def _cluster_table(df: pd.DataFrame, what: str) -> pd.DataFrame:
    """Columns agency, id, label from a clusters table (agency or party; cluster or person).

    ``party`` is ``link_many``'s 0-based file position: as whole numbers it is read as agency
    ``party + 1``, the numbering of ``linkcore synth``'s truth (agency 1, 2, ...).
    """
    if "agency" not in df.columns and "party" in df.columns:
        party = df["party"]
        if pd.api.types.is_integer_dtype(party):
            party = party + 1
        df = df.drop(columns="party").assign(agency=party)
    label = "person" if "person" in df.columns and "cluster" not in df.columns else "cluster"
    _require(df, ("agency", "id", label), what)
    return pd.DataFrame({"record": _text(df["agency"]) + _SEP + _text(df["id"]),
                         "label": _text(df[label])})


def is_cluster_table(df: pd.DataFrame) -> bool:
    """Tell whether a table is a clustering: (agency or party), id, (cluster or person)."""
    cols = set(df.columns)
    return bool(cols & {"agency", "party"}) and "id" in cols and bool(cols & {"cluster", "person"})


def cluster_metrics(predicted: pd.DataFrame, truth: pd.DataFrame) -> ClusterMetrics:
    """Score a clustering of ``(agency, id)`` records: pairwise within/across, B-cubed, exact.

    ``predicted``: columns agency (or party, 0-based), id, cluster (or person). ``truth``: the
    same kind of table (every record and its true person, e.g. ``truth_clusters.csv`` from
    ``linkcore synth``), or truth pairs (see :func:`truth_clusters`; those list only records
    that have a partner in another agency, so a duplicate of a person no other agency holds is
    unseen). Pairs without agency columns against a clustering of one agency (a ``dedupe`` of
    one file) are read as pairs within it, in either order.
    Records absent from one side are singletons there.
    """
    pred = _cluster_table(predicted, "predicted clusters")
    if is_cluster_table(truth):
        tru = _cluster_table(truth, "truth clusters")
    else:
        agencies = pd.unique(pred["record"].str.split(_SEP, n=1).str[0])
        if len(agencies) == 1 and not all(c in truth.columns for c in AGENCY_COLUMNS):
            # one file deduplicated: plain (id_a, id_b) pairs are pairs within it, either way
            truth = truth.assign(agency_a=agencies[0], agency_b=agencies[0])
        tru = _cluster_table(truth_clusters(truth), "truth clusters")
    for name, df in (("predicted clusters", pred), ("truth clusters", tru)):
        dup = np.flatnonzero(df["record"].duplicated().to_numpy())
        if len(dup):
            raise InputDataError(
                f"{name} list {len(dup)} record(s) twice (rows {format_rows(dup + 1)})"
            )
    agencies_p = {r.split(_SEP, 1)[0] for r in pred["record"]}
    agencies_t = {r.split(_SEP, 1)[0] for r in tru["record"]}
    if len(pred) and len(tru) and not agencies_p & agencies_t:
        raise InputDataError(
            "the predicted clusters and the truth name no agency in common; name the agencies "
            "as the truth does (linkcore link --agency-names)"
        )
    both = pd.DataFrame({"record": pred["record"], "p": pred["label"]}).merge(
        pd.DataFrame({"record": tru["record"], "t": tru["label"]}), on="record", how="outer")
    lonely_p, lonely_t = both["p"].isna(), both["t"].isna()
    both.loc[lonely_p, "p"] = "\x00" + both.loc[lonely_p, "record"]
    both.loc[lonely_t, "t"] = "\x00" + both.loc[lonely_t, "record"]
    both["agency"] = both["record"].str.split(_SEP, n=1).str[0]
    p_code = pd.factorize(both["p"])[0]
    t_code = pd.factorize(both["t"])[0]
    a_code = pd.factorize(both["agency"])[0]
    frame = pd.DataFrame({"p": p_code, "t": t_code, "a": a_code})

    def pairs(by: list[str]) -> int:
        sizes = frame.groupby(by, sort=False).size().to_numpy(dtype=np.int64)
        return int((sizes * (sizes - 1) // 2).sum())

    tp_all, tp_in = pairs(["p", "t"]), pairs(["p", "t", "a"])
    pp_all, pp_in = pairs(["p"]), pairs(["p", "a"])
    tt_all, tt_in = pairs(["t"]), pairs(["t", "a"])
    pairwise = metrics_from_counts(tp_all, pp_all - tp_all, tt_all - tp_all)
    within = metrics_from_counts(tp_in, pp_in - tp_in, tt_in - tp_in)
    tp_x, pp_x, tt_x = tp_all - tp_in, pp_all - pp_in, tt_all - tt_in
    across = metrics_from_counts(tp_x, pp_x - tp_x, tt_x - tp_x)

    n = len(frame)
    n_pt = frame.groupby(["p", "t"], sort=False).size()
    n_p = frame.groupby("p").size()
    n_t = frame.groupby("t").size()
    idx_p = n_pt.index.get_level_values(0)
    idx_t = n_pt.index.get_level_values(1)
    sq = n_pt.to_numpy(dtype=np.float64) ** 2
    b_prec = float((sq / n_p.loc[idx_p].to_numpy()).sum() / n) if n else 1.0
    b_rec = float((sq / n_t.loc[idx_t].to_numpy()).sum() / n) if n else 1.0
    b_f1 = 2 * b_prec * b_rec / (b_prec + b_rec) if b_prec + b_rec else 0.0
    # a person is exact when one (p, t) group holds all of t and all of p
    whole = (n_pt.to_numpy() == n_t.loc[idx_t].to_numpy()) & (
        n_pt.to_numpy() == n_p.loc[idx_p].to_numpy())
    people = int(n_t.size)
    exact = int(whole.sum()) / people if people else 1.0
    return ClusterMetrics(pairwise, within, across, b_prec, b_rec, b_f1, exact, n, people,
                          int(n_p.size), tuple(sorted(agencies_t - agencies_p)),
                          int(lonely_p.sum()), int(lonely_t.sum()))


# --- universe checks (used by the CLI) ---------------------------------------------------

_DIGITS = re.compile(r"^\d+$")


def check_universe(
    matches: pd.DataFrame,
    truth: pd.DataFrame,
    ids_a: Iterable[str] | None = None,
    ids_b: Iterable[str] | None = None,
) -> None:
    """Refuse a matches file that cannot belong to the same linkage as the truth.

    With the record ids of the two extracts (``ids_a``, ``ids_b``), every id in the matches
    and in the truth must be one of them. Without them, since the truth lists only true
    pairs, two weaker checks: if a truth id column is all digits the matches' column must be
    too, and a non-empty matches table must share at least one id with a non-empty truth.
    Raises InputDataError naming columns, counts and row numbers, never ids.
    """
    _require(matches, ID_COLUMNS, "matches")
    _require(truth, ID_COLUMNS, "truth")
    if ids_a is not None and ids_b is not None:
        universe = {
            "id_a": pd.Index(pd.unique(np.asarray(list(ids_a), dtype=object).astype(str))),
            "id_b": pd.Index(pd.unique(np.asarray(list(ids_b), dtype=object).astype(str))),
        }
        for what, df in (("matches", matches), ("truth", truth)):
            for col in ID_COLUMNS:
                outside = np.flatnonzero(universe[col].get_indexer(_text(df[col])) < 0)
                if len(outside):
                    raise InputDataError(
                        f"{what} column {col} has {len(outside)} id(s) that are not in the "
                        f"{'first' if col == 'id_a' else 'second'} extract "
                        f"(rows {format_rows(outside + 1)})"
                    )
        return
    for col in ID_COLUMNS:
        t_ids, m_ids = _text(truth[col]), _text(matches[col])
        if len(t_ids) and all(_DIGITS.match(v) for v in t_ids):
            bad = np.flatnonzero([not _DIGITS.match(v) for v in m_ids])
            if len(bad):
                raise InputDataError(
                    f"matches column {col} has {len(bad)} id(s) that are not numbers, but the "
                    f"truth's {col} ids all are (rows {format_rows(bad + 1)})"
                )
    if len(matches) and len(truth):
        shared = {
            col: pd.Index(pd.unique(_text(truth[col]))).get_indexer(_text(matches[col])) >= 0
            for col in ID_COLUMNS
        }
        if not shared["id_a"].any() and not shared["id_b"].any():
            swapped = (
                pd.Index(pd.unique(_text(truth["id_b"]))).get_indexer(_text(matches["id_a"])) >= 0
            ).any()
            hint = " (its id_a values look like the truth's id_b: columns swapped?)"
            hint = hint if swapped else ""
            raise InputDataError(
                "no id in matches occurs in the truth; they do not look like the same linkage"
                f"{hint}. Pass the extracts to check ids against their full lists"
            )


class _CallableModule(types.ModuleType):
    """Make the module callable as :func:`evaluate`.

    ``linkcore.evaluate`` names both this module and the public function; importing the
    module sets the package attribute to the module, so calling it must still score.
    """

    def __call__(
        self, matches: pd.DataFrame, truth: pd.DataFrame, threshold: float | None = None
    ) -> LinkageMetrics:
        return evaluate(matches, truth, threshold)


sys.modules[__name__].__class__ = _CallableModule
