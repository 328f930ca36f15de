"""The u of names gated on the date of birth, from pairs within one file (_within_file_u)."""

import functools

import numpy as np
import pandas as pd
from keybytes import key_bytes

from linkcore.dataset import EncodedDataset
from linkcore.holder.encode import encode
from linkcore.holder.keys import Secret
from linkcore.holder.suggest import suggest_mapping, suggest_schema
from linkcore.linkage import gated_u
from linkcore.linkage.blocking import field_keys
from linkcore.linkage.compare import Comparator
from linkcore.linkage.dedupe import dedupe
from linkcore.linkage.levels import EXACT_LEVEL
from linkcore.linkage.pipeline import link
from linkcore.synth import generate_population, make_extracts

SECRET = Secret(key_bytes("w"))


@functools.lru_cache(maxsize=1)
def encoded():
    pop = generate_population(12000, seed=5)
    (a, b), truth = make_extracts(pop, agencies=2, seed=5)
    schema, map_a, _ = suggest_schema(a)
    map_b, _ = suggest_mapping(b, schema)
    return encode(a, schema, SECRET, map_a), encode(b, schema, SECRET, map_b), truth


def twice(ds: EncodedDataset) -> EncodedDataset:
    """The file with every record sent a second time under another id (a duplicate)."""
    ids = np.array([f"{x}" for x in ds.record_ids] + [f"{x}-again" for x in ds.record_ids],
                   dtype=object)
    fields = {f: np.concatenate([v, v]) for f, v in ds.fields.items()}
    keys = {k: np.concatenate([v, v]) for k, v in ds.blocking_keys.items()}
    clk = None if ds.clk is None else np.concatenate([ds.clk, ds.clk])
    return EncodedDataset(ids, fields, np.concatenate([ds.missing, ds.missing]), clk, keys,
                          ds.meta, schema=ds.schema)


@functools.lru_cache(maxsize=1)
def fitted():
    ea, eb, _ = encoded()
    return link(ea, eb).model


def test_names_get_their_u_from_pairs_within_each_file():
    model = fitted()
    report = model.training["u"]["same_salt"]["date_of_birth"]
    # the middle name is held by too few of these records to be measured this way
    assert set(report["within_file"]) == {"first_name", "last_name"}
    assert all(n >= gated_u.MIN_WITHIN_PAIRS for n in report["within_file"].values())
    # two people born the same day rarely share a first name, and rarely a surname
    assert 0 < model.u["first_name"][EXACT_LEVEL] < 0.05
    assert 0 < model.u["last_name"][EXACT_LEVEL] < 0.05


def test_the_within_file_u_is_the_share_among_pairs_that_disagree_elsewhere():
    ea, eb, _ = encoded()
    model = fitted()
    u = gated_u._within_file_u(model, [ea, eb], "date_of_birth", ["first_name"], 10**9,
                               np.random.default_rng(0))
    table, n = u["first_name"]
    # the same share counted by hand: every pair of one file with equal dates of birth whose
    # surnames and postcodes are both present and unlike
    fields = model.fields
    agree = total = 0
    for ds in (ea, eb):
        keys = pd.Series(field_keys(ds, "date_of_birth"))
        keys = keys[keys != 0]
        rows = keys.groupby(keys).groups.values()
        left, right = [], []
        for r in rows:
            r = np.asarray(r)
            i, j = np.triu_indices(r.size, 1)
            left.append(r[i])
            right.append(r[j])
        left, right = np.concatenate(left), np.concatenate(right)
        levels = Comparator(ds, ds, model.comparisons).levels(left, right)
        others = [j for j, f in enumerate(fields) if f not in ("date_of_birth", "first_name")]
        last = np.array([model.comparisons[j].n_levels - 1 for j in others])
        sub = levels[:, others]
        present = sub != 0
        unlike = np.all(~present | (sub == last), axis=1) & (present.sum(axis=1) >= 2)
        fn = levels[unlike, fields.index("first_name")]
        fn = fn[fn != 0]
        agree += int((fn == EXACT_LEVEL).sum())
        total += fn.size
    assert n == total
    assert np.isclose(table[EXACT_LEVEL], (agree + gated_u.SMOOTHING)
                      / (total + gated_u.SMOOTHING * (table.size - 1)))


def test_a_file_that_holds_everyone_twice_gives_the_same_u():
    """A duplicate agrees on the surname and postcode too, so it is not counted as unlike."""
    ea, eb, _ = encoded()
    model = fitted()
    rng = np.random.default_rng(0)
    once = gated_u._within_file_u(model, [ea, eb], "date_of_birth",
                                  ["first_name", "last_name"], 10**9, rng)
    doubled = gated_u._within_file_u(model, [twice(ea), twice(eb)], "date_of_birth",
                                     ["first_name", "last_name"], 10**9, rng)
    def counts(table, n):  # the pairs at each level, before smoothing
        levels = table.size - 1
        return table[1:] * (n + gated_u.SMOOTHING * levels) - gated_u.SMOOTHING

    for name in ("first_name", "last_name"):
        assert doubled[name][1] == 4 * once[name][1]  # each unlike pair four times, no more
        assert np.allclose(counts(*doubled[name]), 4 * counts(*once[name]), atol=1e-6)


def test_too_few_pairs_within_the_files_leave_the_block_estimate(monkeypatch):
    monkeypatch.setattr(gated_u, "MIN_WITHIN_PAIRS", 10**9)
    ea, eb, _ = encoded()
    model = link(ea, eb).model
    assert "within_file" not in model.training["u"]["same_salt"]["date_of_birth"]


def test_deduplication_does_not_use_pairs_within_the_file_twice():
    ea, _, _ = encoded()
    result = dedupe(ea)
    same_salt = result.model.training["u"].get("same_salt", {})
    assert all("within_file" not in v for v in same_salt.values())


def test_the_pairs_sampled_from_each_file_are_capped(monkeypatch):
    """A large file's same-day pairs are sampled by record, about WITHIN_PAIRS of them a file."""
    ea, eb, _ = encoded()
    model = fitted()
    everything = gated_u._within_file_u(model, [ea, eb], "date_of_birth", ["first_name"],
                                        10**9, np.random.default_rng(0))["first_name"][1]
    monkeypatch.setattr(gated_u, "MIN_WITHIN_PAIRS", 10)
    capped = gated_u._within_file_u(model, [ea, eb], "date_of_birth", ["first_name"], 200,
                                    np.random.default_rng(0))["first_name"][1]
    assert everything > 2_000 and 10 <= capped <= 2 * 2 * 200
