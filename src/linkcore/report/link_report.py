"""The linkage report: one offline HTML file that shows what a link did and why pairs matched.

Built from a :class:`~linkcore.linkage.pipeline.LinkResult` only -- what the linkage unit holds,
which is never a plaintext value. It shows the match-probability and match-weight histograms,
each field's m and u per level with its match weights, model-estimated precision and recall
against the threshold, blocking statistics, the model's training, time per stage, and waterfall
explanations of a sample of pairs near the threshold (record ids, levels and weights only).
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .._io import write_text_atomic
from . import charts
from .html import cards, esc, figure, fmt_num, key_values, page, section, table

if TYPE_CHECKING:
    import pandas as pd

    from ..linkage.pipeline import LinkResult

#: Thresholds at which the precision/recall curves are evaluated.
CURVE_GRID = np.round(np.linspace(0.01, 0.99, 99), 4)

#: Pairs explained on each side of the threshold (accepted just above, rejected just below).
DEFAULT_SAMPLE = 5

#: Pairs sampled from are the nearest this many to the threshold on each side.
NEAR_POOL = 200

SECTIONS = (
    ("summary", "Summary"),
    ("scores", "Match scores"),
    ("model", "Model"),
    ("quality", "Precision and recall"),
    ("blocking", "Blocking"),
    ("explain", "Pairs near the threshold"),
    ("timing", "Time per stage"),
)


#: Corrections a pair's explanation may carry, and how a waterfall names them.
CORRECTION_LABELS = (
    ("salt_correction", "salt-group correction"),
    ("dependence_correction", "dependence correction"),
)


# --------------------------------------------------------------------------- data


def quality_curve(probabilities: np.ndarray, grid: Sequence[float] = CURVE_GRID
                  ) -> dict[str, list[float | None]]:
    """Model-estimated precision and recall at each threshold (before one-to-one resolution).

    The same estimate as :func:`linkcore.linkage.model.estimate_quality`: expected true
    positives are the accepted pairs' probabilities summed, expected matches all of them summed.
    """
    p = np.sort(np.asarray(probabilities, dtype=np.float64))
    return _curve(p, np.ones_like(p), np.asarray(grid, dtype=np.float64))


def _curve(p_sorted: np.ndarray, weight: np.ndarray, grid: np.ndarray
           ) -> dict[str, list[float | None]]:
    """Precision/recall curve: probabilities ``p_sorted`` (ascending), ``weight`` pairs each."""
    mass = np.concatenate([[0.0], np.cumsum(p_sorted * weight)])
    count = np.concatenate([[0.0], np.cumsum(weight)])
    below = np.searchsorted(p_sorted, grid, side="left")
    tp = mass[-1] - mass[below]
    accepted = count[-1] - count[below]
    total = mass[-1]
    precision = [float(a / n) if n > 0 else None for a, n in zip(tp, accepted, strict=True)]
    recall = [float(a / total) if total > 0 else None for a in tp]
    return {"threshold": [float(t) for t in grid], "precision": precision, "recall": recall,
            "accepted": [int(round(a)) for a in accepted]}


def _curve_from_weight_histogram(hist: dict[str, Any]) -> dict[str, list[float | None]]:
    """Approximate curve when only the match-weight histogram is kept (bin midpoints)."""
    from ..linkage.model import weights_to_probabilities

    edges = np.asarray(hist["edges"], dtype=np.float64)
    counts = np.asarray(hist["counts"], dtype=np.float64)
    mid = weights_to_probabilities((edges[:-1] + edges[1:]) / 2)
    order = np.argsort(mid, kind="stable")
    return _curve(mid[order], counts[order], CURVE_GRID)


def _true_curve(candidates: pd.DataFrame, truth: pd.DataFrame) -> dict[str, list[float | None]]:
    """Precision and recall against ground truth at each threshold (synthetic data only)."""
    import pandas as pd

    from ..evaluate import pr_curve

    scored = candidates.loc[candidates["probability"] >= CURVE_GRID[0],
                            ["id_a", "id_b", "probability"]]
    curve = pr_curve(pd.DataFrame(scored), truth, thresholds=CURVE_GRID)
    return {"threshold": curve["threshold"].tolist(), "precision": curve["precision"].tolist(),
            "recall": curve["recall"].tolist()}


def _field_tables(result: LinkResult) -> list[dict[str, Any]]:
    model = result.model
    if not model.is_fitted:
        return []
    out = []
    m_tables, u_tables = model.m or {}, model.u or {}
    for c, w in zip(model.comparisons, model.weight_tables(), strict=True):
        m, u = m_tables[c.field], u_tables[c.field]
        out.append({"field": c.field, "levels": c.level_names[1:],
                    "m": [float(x) for x in np.asarray(m)[1:]],
                    "u": [float(x) for x in np.asarray(u)[1:]],
                    "weights": [float(x) for x in np.asarray(w)[1:]]})
    return out


def _near_threshold(result: LinkResult, per_side: int, seed: int
                    ) -> tuple[list[dict[str, Any]], str]:
    """Explanations of pairs sampled near the threshold, and a note on where they came from."""
    model = result.model
    if not model.is_fitted or per_side <= 0:
        return [], "The model is not fitted, so no pair can be explained."
    rng = np.random.default_rng(seed)
    t = result.threshold
    cands = result.candidates
    chosen: list[tuple[str, str, np.ndarray | None, str, int | None]] = []
    if cands is not None and len(cands):
        prob = cands["probability"].to_numpy()
        accepted = cands["accepted"].to_numpy(dtype=bool)
        level_cols = [f"level_{c.field}" for c in model.comparisons]
        levels_all = cands[level_cols].to_numpy(dtype=np.int8)
        for side in (accepted, ~accepted & (prob > 0)):
            idx = np.flatnonzero(side)
            if not idx.size:
                continue
            near = idx[np.argsort(np.abs(prob[idx] - t), kind="stable")[:NEAR_POOL]]
            # one pair per distinct comparison pattern: many pairs near the threshold share
            # one pattern (household members), and one explanation of it is enough
            _, first = np.unique(levels_all[near], axis=0, return_index=True)
            distinct = near[np.sort(first)]
            pick = rng.choice(distinct, size=min(per_side, distinct.size), replace=False)
            pick = pick[np.argsort(-prob[pick], kind="stable")]
            for i in pick:
                levels = levels_all[i].astype(np.int64)
                same = int((levels_all == levels_all[i]).all(axis=1).sum())
                if accepted[i]:
                    status = "accepted"
                elif prob[i] >= t:
                    status = "above the threshold, but one of its records matched better"
                else:
                    status = "below the threshold"
                chosen.append((str(cands["id_a"].iat[i]), str(cands["id_b"].iat[i]), levels,
                               status, same))
        note = (f"Up to {per_side} accepted and {per_side} rejected pairs, sampled at random "
                f"from the {NEAR_POOL} on each side whose probability is nearest the threshold "
                f"{t:g}, one pair per distinct pattern of comparison levels.")
    else:
        matches = result.matches
        if len(matches):
            order = np.argsort(matches["probability"].to_numpy(), kind="stable")[:NEAR_POOL]
            pick = rng.choice(order, size=min(per_side, order.size), replace=False)
            for i in sorted(pick, key=lambda k: -matches["probability"].iat[k]):
                chosen.append((str(matches["id_a"].iat[i]), str(matches["id_b"].iat[i]), None,
                               "accepted", None))
        note = (f"Accepted pairs sampled from the {NEAR_POOL} least probable matches. Rejected "
                "pairs are shown only when the link kept its candidates (return_candidates=True).")
    out = []
    for id_a, id_b, levels, status, same in chosen:
        if levels is not None:
            exp = result.explain_levels(levels)
        else:
            exp = result.explain(id_a, id_b)
        rows = [{"field": f["field"], "level": f["level_name"], "weight": float(f["weight"])}
                for f in exp["fields"]]
        for key, label in CORRECTION_LABELS:
            if exp.get(key):
                rows.append({"field": label, "level": "", "weight": float(exp[key])})
        out.append({"id_a": id_a, "id_b": id_b, "accepted": status == "accepted",
                    "status": status, "same_pattern": same,
                    "prior_weight": float(exp["prior_weight"]),
                    "total_weight": float(exp["total_weight"]),
                    "probability": float(exp["probability"]),
                    "fields": rows})
    return out, note


def link_report_data(result: LinkResult, *, sample: int = DEFAULT_SAMPLE, seed: int = 0,
                     truth: pd.DataFrame | None = None,
                     evaluation: dict[str, Any] | None = None,
                     stages: dict[str, float] | None = None,
                     context: Sequence[tuple[str, Any]] = ()) -> dict[str, Any]:
    """Everything the report shows, as JSON-ready data: aggregates, the model, sampled pairs.

    ``truth`` (synthetic data only) adds the true precision/recall curve when the result kept
    its candidates; ``evaluation`` (e.g. ``LinkageMetrics.as_dict()``) adds measured quality;
    ``stages`` adds times of steps outside the link (encoding); ``context`` adds labelled facts.
    """
    summary = result.summary()
    if result.candidates is not None:
        curve = quality_curve(result.candidates["probability"].to_numpy())
        curve_source = "exact, from every candidate pair's probability"
    elif "match_weight" in result.histograms:
        curve = _curve_from_weight_histogram(result.histograms["match_weight"])
        curve_source = "approximate, from the match-weight histogram (bin midpoints)"
    else:
        curve, curve_source = None, "no candidate pairs"
    true_curve = None
    if truth is not None and result.candidates is not None:
        true_curve = _true_curve(result.candidates, truth)
    pairs, pairs_note = _near_threshold(result, sample, seed)
    return {
        "summary": summary,
        "fields": _field_tables(result),
        "lambda": result.model.lambda_,
        "training": result.model.training,
        "histograms": result.histograms,
        "curve": curve,
        "curve_source": curve_source,
        "true_curve": true_curve,
        "pairs": pairs,
        "pairs_note": pairs_note,
        "evaluation": evaluation,
        "stages": dict(stages or {}),
        "context": [(str(k), v) for k, v in context],
    }


# --------------------------------------------------------------------------- HTML


def _pct(x: Any) -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "n/a"
    return f"{100 * float(x):.1f}%"


def _summary_html(data: dict[str, Any]) -> str:
    s = data["summary"]
    q = s.get("estimated_quality") or {}
    blocking = s.get("blocking") or {}
    items = [("records in A", f"{s['n_a']:,}"), ("records in B", f"{s['n_b']:,}"),
             ("candidate pairs", f"{blocking.get('union', 0):,}"),
             ("matches", f"{s['matches']:,}"),
             ("estimated precision", _pct(q.get("precision"))),
             ("estimated recall", _pct(q.get("recall")))]
    if q.get("blocking_recall") is not None:
        items.append(("estimated blocking recall",
                      f"{_pct(q.get('blocking_recall'))} ({_pct(q.get('blocking_recall_low'))}"
                      f"-{_pct(q.get('blocking_recall_high'))})"))
    ev = data.get("evaluation")
    if ev:
        items += [("true precision", _pct(ev.get("precision"))),
                  ("true recall", _pct(ev.get("recall"))), ("true F1", _pct(ev.get("f1")))]
    parts = [cards(items)]
    em = s.get("em") or {}
    facts: list[tuple[str, Any]] = list(data.get("context") or [])
    facts += [("threshold (match probability)", s["threshold"]),
              ("one-to-one resolution", s["one_to_one"]),
              ("model", em.get("message") or ("converged" if em.get("converged") else "-")),
              ("prior match probability among candidates (λ)", data.get("lambda"))]
    if ev and ev.get("tp") is not None:
        facts += [("true positives / false positives / missed",
                   f"{ev['tp']:,} / {ev['fp']:,} / {ev['fn']:,}")]
    parts.append(key_values(facts))
    if q.get("blocking_recall") is not None:
        how = {"capture-recapture": "by capture-recapture over the blocking passes (the "
                                    "candidates counted by which passes proposed them)",
               "sample-expected": "from sampled records scored against every record, each "
                                  "pair counted by its probability",
               "sample": "from sampled records scored against every record (likely matches "
                         "only)",
               "exact": "exactly (every pair was compared)"}
        method = esc(str(q.get("blocking_recall_method")))
        note = (" Recall includes blocking's recall, estimated "
                f"{how.get(q.get('blocking_recall_method'), method)}; its 95 % interval does "
                "not cover blocking passes that fail together.")
    else:
        note = (" Recall is among the candidate pairs: a true match that blocking never "
                "proposed is invisible to it.")
    parts.append("<p class='muted'>Estimated precision and recall come from the model alone "
                 "(no ground truth): expected true matches are the accepted pairs' "
                 f"probabilities summed.{note}</p>")
    return "".join(parts)


def _scores_html(data: dict[str, Any], threshold: float) -> str:
    hist = data["histograms"] or {}
    parts = []
    if "probability" in hist:
        h = hist["probability"]
        parts.append(figure(
            charts.histogram(h["edges"], h["counts"], x_label="match probability",
                             marker=threshold, marker_label=f"threshold {threshold:g}"),
            "Candidate pairs by match probability (count axis logarithmic). A good model "
            "puts nearly every pair at the two ends; pairs in the middle are the uncertain ones."))
    if "match_weight" in hist:
        h = hist["match_weight"]
        t = min(max(threshold, 1e-9), 1 - 1e-9)
        w_t = math.log2(t / (1 - t))
        parts.append(figure(
            charts.histogram(h["edges"], h["counts"], x_label="match weight (log2 odds)",
                             marker=w_t, marker_label="threshold"),
            "Candidate pairs by total match weight. Matches and non-matches form two humps; the "
            "threshold should fall in the valley between them."))
    return "".join(parts) or "<p class='muted'>No candidate pairs were scored.</p>"


def _model_html(data: dict[str, Any]) -> str:
    fields = data["fields"]
    if not fields:
        return "<p class='muted'>The model is not fitted.</p>"
    parts = [figure(charts.model_chart(fields),
                    "For each field and comparison level: m, the share of true matches at that "
                    "level, and u, the share of non-matches; the match weight log2(m/u) is what "
                    "a pair at that level adds to its score. 'missing' (either side empty) "
                    "always adds 0 and is not drawn.")]
    rows = []
    for f in fields:
        for level, m, u, w in zip(f["levels"], f["m"], f["u"], f["weights"], strict=True):
            rows.append((f["field"], level, m, u, w))
    parts.append("<details><summary>The same as a table</summary>"
                 + table(["field", "level", "m", "u", "weight log2(m/u)"], rows, left=2)
                 + "</details>")
    parts.append(_corrections_html(data))
    sessions = (data.get("training") or {}).get("sessions") or []
    if sessions:
        srows = [(s["field"], f"{s['pairs']:,}", "yes" if s.get("used") else "no",
                  fmt_num(s.get("expected_matches"), 1), s.get("reason") or "")
                 for s in sessions]
        parts.append("<h3>Training sessions</h3><p class='muted'>m is learned by EM on pairs "
                     "whose filters agree exactly on one field, with that field left out "
                     "(as Splink trains on blocking rules); u from random pairs.</p>")
        parts.append(table(["field agreed on", "pairs", "used", "expected matches", "note"],
                           srows, left=(0, 4)))
    return "".join(parts)


def _corrections_html(data: dict[str, Any]) -> str:
    """Show what the score adds beyond per-field weights: salt groups, field sets, counted u."""
    corr = (data.get("summary") or {}).get("corrections") or {}
    counted = ((data.get("training") or {}).get("u") or {}).get("exact_counted_over_all_pairs")
    parts = []
    for g in corr.get("salt_groups") or []:
        parts.append(
            f"<p>Fields salted with <b>{esc(g['salt_field'])}</b> "
            f"({esc(', '.join(g['salted']))}) are scored together with it: a non-matching pair "
            "agrees on a salted field only when the two salts agree, which is counted once "
            f"(share of non-matching pairs with the same salt: {g['same_salt_share']:.4g}, "
            f"measured on {g['non_matching_pairs_measured']:,.0f} non-matching pairs).</p>")
    rows = [(" + ".join(c["agree"]), c["weight"]) for c in corr.get("exact_dependence") or []]
    if rows:
        parts.append("<p>Pairs that agree exactly on these fields together are more common among "
                     "non-matches than the fields' own weights say; their weight is lowered by:"
                     "</p>" + table(["fields agreeing exactly", "correction (bits)"], rows,
                                    left=1))
    if counted:
        crow = [(f, v["random_pairs"], v["counted"], v["weight_change_bits"])
                for f, v in counted.items()]
        parts.append("<p class='muted'>u of the exact level, counted over all pairs instead of "
                     "sampled (random pairs rarely see an identifier agree):</p>"
                     + table(["field", "u from random pairs", "u counted", "weight change (bits)"],
                             crow, left=1))
    if not parts:
        return ""
    return "<h3>Corrections</h3>" + "".join(parts)


def _quality_html(data: dict[str, Any], threshold: float) -> str:
    curve = data.get("curve")
    if not curve:
        return "<p class='muted'>No candidate pairs, so no curve.</p>"
    series = [("estimated precision", curve["precision"], charts.COLOURS[0], False),
              ("estimated recall", curve["recall"], charts.COLOURS[1], False)]
    true_curve = data.get("true_curve")
    if true_curve:
        series += [("true precision", true_curve["precision"], charts.COLOURS[0], True),
                   ("true recall", true_curve["recall"], charts.COLOURS[1], True)]
    svg = charts.line_chart(curve["threshold"], series, x_label="threshold (match probability)",
                            y_label="precision / recall", marker=threshold,
                            marker_label=f"threshold {threshold:g}")
    caption = ("Model-estimated precision and recall if the threshold were set elsewhere "
               f"({data['curve_source']}; before one-to-one resolution).")
    if true_curve:
        caption += (" Dashed: measured against the synthetic ground truth, so a reader can see "
                    "how well the model's own estimate is calibrated.")
    rows = []
    for t in (0.1, 0.3, 0.5, 0.7, 0.9, 0.95, 0.99):
        i = int(np.argmin(np.abs(np.asarray(curve["threshold"]) - t)))
        row = [f"{curve['threshold'][i]:g}", curve["accepted"][i], curve["precision"][i],
               curve["recall"][i]]
        if true_curve:
            row += [true_curve["precision"][i], true_curve["recall"][i]]
        rows.append(row)
    headers = ["threshold", "pairs at or above", "est. precision", "est. recall"]
    if true_curve:
        headers += ["true precision", "true recall"]
    return figure(svg, caption) + table(headers, rows)


def _blocking_html(data: dict[str, Any]) -> str:
    b = data["summary"].get("blocking") or {}
    rules = b.get("rules") or []
    labels, values, rows = [], [], []
    for r in rules:
        labels.append(f"rule {r['rule']}")
        values.append(r["pairs"])
        for key, count in (r.get("per_key") or {}).items():
            labels.append(f"  key {key}")
            values.append(count)
    parts = []
    if labels:
        parts.append(figure(charts.hbars(labels, values, value_label="candidate pairs"),
                            "Distinct candidate pairs proposed by each blocking rule (and each "
                            "keyed blocking key); a pair proposed by several counts once in "
                            "the union."))
    facts: list[tuple[str, Any]] = [
        ("all pairs (A x B)", b.get("n_a", 0) * b.get("n_b", 0)),
        ("candidate pairs (union)", b.get("union", 0)),
        ("reduction ratio", b.get("reduction_ratio")),
    ]
    ev = data.get("evaluation") or {}
    if ev.get("pairs_completeness") is not None:
        facts.append(("pairs completeness (true pairs among candidates)",
                      ev["pairs_completeness"]))
    for r in rules:
        if r["rule"] == "lsh":
            for k in ("bands", "bits_per_band", "expected_recall_at_target",
                      "bit_agreement_random", "bit_agreement_target"):
                if k in r:
                    facts.append((f"LSH {k.replace('_', ' ')}", r[k]))
        rows.append((r["rule"], r["pairs"], r.get("seconds")))
    parts.append(key_values(facts))
    if rows:
        parts.append(table(["rule", "pairs", "seconds"], rows))
    return "".join(parts)


def _pairs_html(data: dict[str, Any]) -> str:
    pairs = data["pairs"]
    parts = [f"<p class='muted'>{esc(data['pairs_note'])} Each chart starts from the prior "
             "weight and adds each field's weight for its comparison level; the end of the last "
             "step is the pair's match weight. Only record ids, levels and weights are shown."
             "</p>"]
    if not pairs:
        parts.append("<p class='muted'>No pair to explain.</p>")
    for p in pairs:
        tag = ("<span class='tag ok'>accepted</span>" if p["accepted"]
               else f"<span class='tag risk'>rejected: {esc(p['status'])}</span>")
        if p.get("same_pattern"):
            tag += (f" <span class='muted'>{p['same_pattern']:,} candidate pair(s) have these "
                    "levels</span>")
        svg = charts.waterfall(p["prior_weight"],
                               [(f["field"], f["level"], f["weight"]) for f in p["fields"]],
                               p["total_weight"], p["probability"])
        parts.append(f"<div class='pair'><h3>A {esc(p['id_a'])} &harr; B {esc(p['id_b'])} "
                     f"<span class='muted'>probability {p['probability']:.3f}</span>{tag}</h3>"
                     f"{svg}</div>")
    return "".join(parts)


def _timing_html(data: dict[str, Any]) -> str:
    rows = [(name, secs) for name, secs in (data.get("stages") or {}).items()]
    timings = data["summary"].get("timings") or {}
    rows += [(f"link: {k}", v) for k, v in timings.items() if k != "total"]
    if "total" in timings:
        rows.append(("link: total", timings["total"]))
    return table(["stage", "seconds"], [(n, float(s)) for n, s in rows])


def render_link_report(result: LinkResult, *, title: str = "linkcore linkage report",
                       **options: Any) -> str:
    """Render the linkage report as one self-contained HTML page (see link_report_data)."""
    data = link_report_data(result, **options)
    return render_report_data(data, title=title)


def render_report_data(data: dict[str, Any], *, title: str = "linkcore linkage report") -> str:
    """Render report data (from :func:`link_report_data`) as HTML."""
    threshold = float(data["summary"]["threshold"])
    body = "".join([
        section("summary", "Summary", _summary_html(data)),
        section("scores", "Match scores", _scores_html(data, threshold)),
        section("model", "Model: m, u and match weights", _model_html(data)),
        section("quality", "Precision and recall against the threshold",
                _quality_html(data, threshold)),
        section("blocking", "Blocking", _blocking_html(data)),
        section("explain", "Pairs near the threshold", _pairs_html(data)),
        section("timing", "Time per stage", _timing_html(data)),
    ])
    s = data["summary"]
    subtitle = (f"{s['n_a']:,} x {s['n_b']:,} encoded records; {s['matches']:,} matches at "
                f"probability &ge; {float(s['threshold']):g}. This report holds record ids, "
                "comparison levels, weights and counts: no identifier value.")
    return page(title, body, subtitle=subtitle, sections=SECTIONS,
                footer="Rationale for every default: docs/parameters.md.")


def write_link_report(result: LinkResult, path: str | os.PathLike[str], **options: Any) -> None:
    """Write the linkage report for ``result`` to ``path`` (atomically: no partial file)."""
    write_text_atomic(path, render_link_report(result, **options))

