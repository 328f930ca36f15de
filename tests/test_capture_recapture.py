"""Blocking recall by capture-recapture: the matches that no blocking pass proposed."""

import functools
import math

import numpy as np
import pandas as pd
import pytest

from linkcore.holder.encode import encode
from linkcore.holder.keys import Secret
from linkcore.holder.suggest import suggest_mapping, suggest_schema
from linkcore.linkage.blocking import (
    FieldAgreement,
    KeyedBlocking,
    candidate_pairs,
    capture_sources,
    plan_blocking,
)
from linkcore.linkage.capture_recapture import (
    estimate_capture_recapture,
    fit_independent,
    pair_sums,
)
from linkcore.linkage.pipeline import link
from linkcore.synth import generate_population, make_extracts

SECRET = Secret(bytes(range(32)))


def _counts(total: float, q: tuple[float, ...]) -> np.ndarray:
    """Expected matches per capture pattern when sources catch independently with q."""
    k = len(q)
    out = np.zeros(1 << k)
    for code in range(1 << k):
        share = 1.0
        for s, qs in enumerate(q):
            share *= qs if code >> s & 1 else 1.0 - qs
        out[code] = total * share
    return out


def test_independent_sources_give_back_the_missed_share():
    counts = _counts(1000.0, (0.8, 0.7, 0.4))
    missed, q = fit_independent(counts, 3)  # counts[0] (0.2 * 0.3 * 0.6 * 1000) is unseen
    assert missed == pytest.approx(0.2 * 0.3 * 0.6, rel=1e-6)
    assert q == pytest.approx([0.8, 0.7, 0.4], rel=1e-6)


def test_two_sources_is_lincoln_petersen():
    counts = np.array([0.0, 240.0, 140.0, 560.0])  # only first, only second, both
    missed, _ = fit_independent(counts, 2)
    n_missed = 240.0 * 140.0 / 560.0
    assert missed == pytest.approx(n_missed / (940.0 + n_missed), rel=1e-6)


def test_nothing_to_estimate_without_overlap_or_with_one_complete_source():
    assert math.isnan(fit_independent(np.array([0.0, 50.0, 40.0, 0.0]), 2)[0])
    assert math.isnan(fit_independent(np.zeros(4), 2)[0])
    assert fit_independent(np.array([0.0, 0.0, 0.0, 90.0]), 2)[0] == 0.0  # both catch everything


def test_estimate_has_an_interval_around_it_and_is_seeded():
    counts = _counts(2000.0, (0.9, 0.75))
    sums = np.stack([counts, counts * 0.01])
    est = estimate_capture_recapture(sums, ["dob", "postcode"], seed=4)
    assert est.recall == pytest.approx(1 - 0.1 * 0.25, rel=1e-6)
    assert est.low < est.recall < est.high
    assert est.missed_matches == pytest.approx(2000.0 * 0.025, rel=1e-6)
    assert est.to_dict()["sources"] == {"dob": pytest.approx(0.9), "postcode": pytest.approx(0.75)}
    assert estimate_capture_recapture(sums, ["dob", "postcode"], seed=4) == est


def test_pair_sums_weigh_each_pattern_by_probability():
    sums = pair_sums(np.array([1, 1, 3, 2]), np.array([1.0, 0.5, 0.8, 0.0]), 2)
    assert sums[0] == pytest.approx([0.0, 1.5, 0.0, 0.8])
    assert sums[1] == pytest.approx([0.0, 0.25, 0.0, 0.16])


@functools.lru_cache(maxsize=4)
def _pair(share: float, seed: int = 3):
    """A synthetic pair where each record of B loses its date of birth and, independently, its
    postcode with probability ``share``: about share^2 of the matches keep neither key."""
    pop = generate_population(1500, seed=seed)
    (a, b), truth = make_extracts(pop, agencies=2, seed=seed)
    schema, map_a, _ = suggest_schema(a)
    map_b, _ = suggest_mapping(b, schema)
    b = b.copy()
    rng = np.random.default_rng(seed)
    for field in ("date_of_birth", "postcode"):
        column = map_b.to_dict()["fields"][field]["column"]
        b.loc[rng.random(len(b)) < share, column] = ""
    ea, eb = encode(a, schema, SECRET, map_a), encode(b, schema, SECRET, map_b)
    cand = candidate_pairs(ea, eb, ["keys"])
    completeness = cand.quality(truth, ea.record_ids, eb.record_ids).pairs_completeness
    return link(ea, eb, blocking=["keys"]), completeness


def test_the_estimate_sees_matches_whose_keys_are_all_missing():
    base, base_pc = _pair(0.0)
    lossy, lossy_pc = _pair(0.4)
    assert lossy_pc < base_pc - 0.05  # the keys of about 16 % of B's records are all gone
    q0, q = base.quality, lossy.quality
    assert q["blocking_recall_method"] == "capture-recapture"
    assert q["blocking_recall"] == pytest.approx(lossy_pc, abs=0.03)
    assert q0["blocking_recall"] == pytest.approx(base_pc, abs=0.02)
    assert q0["blocking_recall"] - q["blocking_recall"] == pytest.approx(base_pc - lossy_pc,
                                                                        abs=0.03)
    # the scored sample cannot see those pairs: their names are salted with the missing date
    assert q["blocking_recall_sampled"] > lossy_pc + 0.05
    assert q["blocking_missed_matches"] > 0
    assert q["recall"] == pytest.approx(q["recall_among_candidates"] * q["blocking_recall"])


def test_sources_that_share_a_field_are_one_source():
    pop = generate_population(300, seed=1)
    (a, b), _ = make_extracts(pop, agencies=2, seed=1)
    schema, map_a, _ = suggest_schema(a)
    ea = encode(a, schema, SECRET, map_a)
    eb = encode(b, schema, SECRET, suggest_mapping(b, schema)[0])
    plan = plan_blocking(ea, eb, [KeyedBlocking(refine_above=None), FieldAgreement()])
    names = [name for name, _ in capture_sources(plan, ea.schema)]
    # the suggested names are salted by keyed fields: their joins are made by the keys already
    # (when the keys are joined whole: a refined key does not make every pair of its blocks)
    assert names == ["date_of_birth.value", "postcode.value-first_name.first_char",
                     "ni_number.value"]
    # names salted with the date of birth rest on it: two joins on such names are one source
    plan = plan_blocking(ea, eb, [KeyedBlocking(keys=("ni_number.value",)),
                                  FieldAgreement(fields=("first_name", "last_name")),
                                  FieldAgreement(fields=("middle_name", "postcode"))])
    assert [name for name, _ in capture_sources(plan, ea.schema)] == ["ni_number.value",
                                                                       "agree+agree2"]
    assert [name for name, _ in capture_sources(plan)] == ["ni_number.value", "agree", "agree2"]


def _encoded_pair(people: int, seed: int):
    """Two agencies' extracts of a synthetic population, encoded with the suggested schema."""
    pop = generate_population(people, seed=seed)
    (a, b), _ = make_extracts(pop, agencies=2, seed=seed)
    schema, map_a, _ = suggest_schema(a)
    return (encode(a, schema, SECRET, map_a),
            encode(b, schema, SECRET, suggest_mapping(b, schema)[0]))


def test_link_and_dedupe_reports_the_estimate_too():
    from linkcore.linkage.dedupe import link_and_dedupe

    ea, eb = _encoded_pair(600, seed=2)
    q = link_and_dedupe([ea, eb], blocking=["keys"]).quality
    assert q["blocking_recall_method"] == "capture-recapture"
    assert 0.9 < q["blocking_recall_low"] <= q["blocking_recall"] <= q["blocking_recall_high"]
    assert set(q["blocking_sources"]) == {"date_of_birth.value",
                                          "postcode.value-first_name.first_char",
                                          "ni_number.value"}


def test_the_report_shows_the_estimate_and_how_it_was_made(tmp_path):
    from linkcore.report import write_link_report

    result, _ = _pair(0.4)
    path = tmp_path / "report.html"
    write_link_report(result, path)
    html = path.read_text(encoding="utf-8")
    assert "estimated blocking recall" in html and "capture-recapture over the blocking" in html
    assert "invisible to it" not in html


def test_the_sample_counted_by_probability_sees_what_the_threshold_throws_away():
    lossy, lossy_pc = _pair(0.4)
    q = lossy.quality
    # pairs with both keys gone score low: the threshold misses them, their probabilities not
    assert q["blocking_recall_expected"] < q["blocking_recall_sampled"]
    assert q["blocking_expected_outside"] > q["blocking_likely_outside"]
    assert q["blocking_recall_expected_low"] <= q["blocking_recall_expected"] \
        <= q["blocking_recall_expected_high"]


def test_the_estimates_do_not_depend_on_the_partitions():
    ea, eb = _encoded_pair(900, seed=4)
    one = link(ea, eb, blocking=["keys"], blocking_recall_budget=200 * len(eb)).quality
    three = link(ea, eb, blocking=["keys"], blocking_recall_budget=200 * len(eb),
                 partitions=3).quality
    keys = [k for k in one if k.startswith("blocking")]
    assert {k: one[k] for k in keys} == {k: three[k] for k in keys}


def test_resolve_in_chunks_of_pairs_gives_the_same_matches_and_estimates(monkeypatch):
    from linkcore.linkage import partitions

    ea, eb = _encoded_pair(900, seed=4)
    whole = link(ea, eb, blocking=["keys"], blocking_recall_budget=200 * len(eb))
    monkeypatch.setattr(partitions, "PAIR_CHUNK", 97)
    chunked = link(ea, eb, blocking=["keys"], blocking_recall_budget=200 * len(eb))
    pd.testing.assert_frame_equal(whole.matches, chunked.matches, check_exact=True)
    assert whole.quality == chunked.quality
