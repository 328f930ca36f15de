import re

import numpy as np
import pandas as pd
import pytest

from linkcore.errors import ParameterError
from linkcore.synth import generate_population
from linkcore.synth import names as tables
from linkcore.synth.population import NI_PREFIXES, POPULATION_COLUMNS, REFERENCE_DATE

# UK postcode formats: A9, A99, AA9, AA99, A9A, AA9A outward; digit + two letters inward.
POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]? [0-9][ABD-HJLNP-UW-Z]{2}$")
NINO = re.compile(r"^[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z][0-9]{6}[A-D]$")


@pytest.fixture(scope="module")
def pop() -> pd.DataFrame:
    return generate_population(20_000, seed=11)


def test_same_seed_same_people_other_seed_other_people():
    a = generate_population(2_000, seed=5)
    b = generate_population(2_000, seed=5)
    c = generate_population(2_000, seed=6)
    pd.testing.assert_frame_equal(a, b)
    assert not a[["first_name", "last_name"]].equals(c[["first_name", "last_name"]])


def test_columns_and_basic_types(pop):
    assert tuple(pop.columns) == POPULATION_COLUMNS
    assert pop["person_id"].tolist() == list(range(1, len(pop) + 1))
    assert set(pop["sex"]) == {"F", "M"}
    assert 0.45 < (pop["sex"] == "F").mean() < 0.57
    assert pop[["first_name", "last_name", "street", "town", "postcode"]].notna().all().all()
    assert (pop["house_number"] >= 1).all()


def test_postcodes_are_valid_uk_format(pop):
    assert pop["postcode"].map(lambda p: bool(POSTCODE.match(p))).all()


def test_dates_of_birth_are_iso_and_plausible(pop):
    dob = pd.to_datetime(pop["date_of_birth"], format="%Y-%m-%d")
    age = (pd.Timestamp(str(REFERENCE_DATE)) - dob).dt.days / 365.25
    assert age.min() >= 0 and age.max() < 100
    assert 30 < age.mean() < 50
    assert 0.1 < (age < 18).mean() < 0.35


def test_ni_numbers_valid_unique_and_missing_for_children(pop):
    ni = pop["ni_number"].dropna()
    assert ni.map(lambda v: bool(NINO.match(v))).all()
    assert ni.str[:2].isin(set(NI_PREFIXES)).all()
    assert ni.str[:8].is_unique  # the prefix+digits part is unique per person
    dob = pd.to_datetime(pop["date_of_birth"])
    age = (pd.Timestamp(str(REFERENCE_DATE)) - dob).dt.days / 365.25
    assert pop.loc[age < 16, "ni_number"].isna().all()
    adults = pop.loc[age >= 16.01, "ni_number"]
    assert 0.005 < adults.isna().mean() < 0.05


def test_surnames_are_heavy_tailed(pop):
    counts = pop["last_name"].value_counts(normalize=True)
    assert "Smith" in counts.index[:3]  # households share surnames, so allow some noise
    assert 0.006 < counts.iloc[0] < 0.02  # Smith is about 1.15% in Great Britain
    assert counts.iloc[:10].sum() < 0.08
    assert len(counts) > 2_000  # a long tail of rare names
    assert (counts < 1 / len(pop) * 1.5).sum() > 500  # many names held by one person


def test_first_names_follow_tables_by_sex(pop):
    women = pop.loc[pop["sex"] == "F", "first_name"]
    men = pop.loc[pop["sex"] == "M", "first_name"]
    assert women.isin(set(tables.first_names("F").values)).all()
    assert men.isin(set(tables.first_names("M").values)).all()
    assert women.value_counts(normalize=True).iloc[0] < 0.06
    assert 0.5 < pop["middle_name"].notna().mean() < 0.7


def test_special_characters_at_a_small_rate(pop):
    names = pd.concat([pop["first_name"], pop["last_name"]])
    apostrophe = names.str.contains("'", regex=False).mean()
    hyphen = pop["last_name"].str.contains("-", regex=False).mean()
    accent = names.map(lambda v: any(ord(c) > 127 for c in v)).mean()
    for rate in (apostrophe, hyphen, accent):
        assert 0.001 < rate < 0.05


def test_households_share_addresses(pop):
    per_address = pop.groupby(["house_number", "street", "town", "postcode"]).size()
    assert per_address.max() >= 3
    assert 1.8 < len(pop) / len(per_address) < 3.5
    # a town keeps to one postcode area
    area = pop["postcode"].str.extract(r"^([A-Z]+)")[0]
    assert (pop.assign(area=area).groupby("town")["area"].nunique() == 1).all()


def test_tables_are_proper_distributions():
    for table in (tables.first_names("F"), tables.first_names("M"), tables.surnames()):
        assert np.isclose(table.probs.sum(), 1.0)
        assert (table.probs > 0).all()
        assert len(set(table.values)) == len(table.values)
    assert np.isclose(tables.surnames().share("Smith"), 0.0115)


@pytest.mark.parametrize("n", [0, 1, 7])
def test_small_sizes(n):
    df = generate_population(n, seed=1)
    assert len(df) == n
    assert tuple(df.columns) == POPULATION_COLUMNS


@pytest.mark.parametrize("bad", [-1, 2.5, True, "10"])
def test_bad_size_is_a_parameter_error(bad):
    with pytest.raises(ParameterError):
        generate_population(bad, seed=1)
