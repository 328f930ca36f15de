import math
import re

import numpy as np
import pandas as pd
import pytest

from linkcore.errors import ParameterError
from linkcore.synth import (
    PROFILES,
    Profile,
    agency_sizes,
    generate_extracts,
    generate_population,
    id_column,
    make_extracts,
)
from linkcore.synth import corruption as C

STYLE_COLUMNS = {
    1: [
        "rec_id",
        "given_name",
        "middle_name",
        "surname",
        "sex",
        "dob",
        "address",
        "town",
        "postcode",
        "ni_number",
    ],
    2: [
        "record_id",
        "FORENAME",
        "SURNAME",
        "GENDER",
        "DOB",
        "ADDRESS_LINE_1",
        "TOWN",
        "POST_CODE",
        "NINO",
    ],
    3: [
        "id",
        "first_name",
        "middle_initial",
        "last_name",
        "birth_date",
        "sex_code",
        "house_no",
        "street",
        "town",
        "postcode",
        "ni",
    ],
}


@pytest.fixture(scope="module")
def population() -> pd.DataFrame:
    return generate_population(24_000, seed=3)


@pytest.fixture(scope="module")
def heavy(population):
    return generate_extracts(population, agencies=2, overlap=0.5, profile="heavy", seed=4)


def tolerance(rate: float, n: int) -> float:
    """Four binomial standard deviations plus a small allowance for rare no-op corruptions."""
    return 4 * math.sqrt(max(rate * (1 - rate), 1e-9) / n) + 0.003


def test_deterministic_for_a_seed(population):
    small = population.iloc[:3000]
    a_ex, a_truth = make_extracts(small, 2, 0.5, "moderate", seed=8)
    b_ex, b_truth = make_extracts(small, 2, 0.5, "moderate", seed=8)
    c_ex, _ = make_extracts(small, 2, 0.5, "moderate", seed=9)
    for x, y in zip(a_ex, b_ex, strict=True):
        pd.testing.assert_frame_equal(x, y)
    pd.testing.assert_frame_equal(a_truth, b_truth)
    assert not a_ex[0].equals(c_ex[0])


@pytest.mark.parametrize(("agencies", "overlap"), [(2, 0.5), (2, 0.0), (2, 1.0), (3, 0.3)])
def test_realised_overlap_is_the_requested_share(population, agencies, overlap):
    res = generate_extracts(population.iloc[:6000], agencies, overlap, "none", seed=1)
    people = [set(k["person_id"]) for k in res.keys]
    m, shared = agency_sizes(6000, agencies, overlap)
    for i in range(agencies):
        assert len(people[i]) == m
        for j in range(agencies):
            if i != j:
                assert abs(len(people[i] & people[j]) / m - overlap) <= 1 / m + 1e-9
    assert len(set().union(*people)) <= 6000
    if overlap < 1:
        assert len(set().union(*people)) >= 6000 - agencies  # everyone is held somewhere


def test_truth_matches_the_keys_and_is_apart_from_the_extracts(heavy):
    a, b = heavy.keys
    expected = a.merge(b, on="person_id")
    assert len(heavy.truth) == len(expected)
    assert list(heavy.truth.columns) == ["id_a", "id_b"]
    got = set(zip(heavy.truth["id_a"], heavy.truth["id_b"], strict=True))
    assert got == set(zip(expected["record_id_x"], expected["record_id_y"], strict=True))
    for i, df in enumerate(heavy.extracts, start=1):
        assert list(df.columns) == STYLE_COLUMNS[i]
        assert "person_id" not in df.columns and "truth" not in " ".join(df.columns).lower()
        ids = df[id_column(i)]
        assert ids.is_unique and ids.notna().all()
    # record ids are not derived from person ids
    assert not set(heavy.keys[0]["record_id"]) & {str(p) for p in heavy.keys[0]["person_id"]}


def test_duplicates_make_the_truth_many_to_many(heavy):
    assert heavy.truth["id_a"].duplicated().any() or heavy.truth["id_b"].duplicated().any()
    dup = heavy.log[0]
    assert abs(dup["duplicate"].sum() / (~dup["duplicate"]).sum() - 0.05) < tolerance(0.05, 16000)


def test_realised_error_rates_match_the_profile(population, heavy):
    """Rates among the records each corruption could apply to, within 4 sd + 0.003."""
    p = PROFILES["heavy"]
    pop = population.set_index("person_id")
    for keys, log in zip(heavy.keys, heavy.log, strict=True):
        person = pop.loc[keys["person_id"]].reset_index()
        n = len(log)
        always = {
            "moved": p.moved,
            "name_swap": p.name_swap,
            "dob_digit": p.dob_digit,
            "typo:first_name": p.typo,
            "typo:last_name": p.typo,
            "typo:street": p.typo,
            "missing:first_name": p.missing,
            "missing:last_name": p.missing,
            "missing:sex": p.missing,
            "missing:date_of_birth": p.missing,
            "missing:address": p.missing,
            "missing:town": p.missing,
            "missing:postcode": p.missing,
        }
        for name, rate in always.items():
            assert abs(log[name].mean() - rate) <= tolerance(rate, n), name
        female = (person["sex"] == "F").to_numpy()
        got = log["surname_change"][female].mean()
        assert abs(got - p.surname_change_female) <= tolerance(p.surname_change_female, n // 2)
        has_middle = person["middle_name"].notna().to_numpy()
        got = log["middle_dropped"][has_middle].mean()
        assert abs(got - p.middle_dropped) <= tolerance(p.middle_dropped, has_middle.sum())
        eligible = C.has_nickname(person["first_name"].to_numpy(dtype=object))
        got = log["nickname"][eligible].mean()
        assert abs(got - p.nickname) <= tolerance(p.nickname, eligible.sum())
        eligible = C.can_transpose_dob(person["date_of_birth"].to_numpy(dtype=object))
        got = log["dob_transposed"][eligible].mean()
        assert abs(got - p.dob_transposed) <= tolerance(p.dob_transposed, eligible.sum())
        eligible = person["ni_number"].notna().to_numpy() & ~log["missing:ni_number"].to_numpy()
        got = log["ni_missing"][eligible].mean()
        assert abs(got - p.ni_missing) <= tolerance(p.ni_missing, eligible.sum())
        # OCR and phonetic errors apply only where a rule fits: never above the rate
        for name in ("ocr:first_name", "ocr:last_name", "phonetic:last_name"):
            rate = p.ocr if name.startswith("ocr") else p.phonetic
            assert 0.3 * rate < log[name].mean() <= rate + tolerance(rate, n)


def test_missing_values_show_in_the_written_extract(heavy):
    rate = PROFILES["heavy"].missing
    a = heavy.extracts[0]
    for col in ("given_name", "surname", "dob", "postcode", "town", "sex"):
        assert abs(a[col].isna().mean() - rate) <= tolerance(rate, len(a)), col


def test_agency_styles(heavy):
    a, b = heavy.extracts
    assert set(a["sex"].dropna()) == {"Male", "Female"}
    assert a["dob"].dropna().str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    assert a["postcode"].dropna().str.contains(" ").mean() > 0.99
    assert a["rec_id"].str.fullmatch(r"R\d{8}").all()
    assert set(b["GENDER"].dropna()) == {"M", "F"}
    assert b["DOB"].dropna().str.fullmatch(r"\d{2}/\d{2}/\d{4}").all()
    assert not b["POST_CODE"].dropna().str.contains(" ").any()
    lower = b["POST_CODE"].dropna().str.islower().mean()
    assert 0.3 < lower < 0.7
    assert (b["SURNAME"].dropna() == b["SURNAME"].dropna().str.upper()).all()
    assert b["NINO"].dropna().str.fullmatch(r"[A-Z]{2} \d{2} \d{2} \d{2} [A-D]").all()
    assert b["record_id"].str.fullmatch(r"\d{8}").all()


def test_third_style_and_multi_agency_truth(population):
    res = generate_extracts(population.iloc[:3000], 3, 0.4, "moderate", seed=2)
    c = res.extracts[2]
    assert list(c.columns) == STYLE_COLUMNS[3]
    assert c["birth_date"].dropna().str.fullmatch(r"\d{8}").all()
    assert set(c["sex_code"].dropna()) == {"1", "2"}
    assert c["id"].str.fullmatch(r"[0-9a-f]{12}").all()
    assert list(res.truth.columns) == ["agency_a", "id_a", "agency_b", "id_b"]
    assert set(zip(res.truth["agency_a"], res.truth["agency_b"], strict=True)) == {
        (1, 2),
        (1, 3),
        (2, 3),
    }


def test_no_errors_profile_copies_the_population(population):
    small = population.iloc[:2000]
    res = generate_extracts(small, 2, 0.5, "none", seed=5)
    a = res.extracts[0].assign(person_id=res.keys[0]["person_id"]).merge(small, on="person_id")
    assert (a["given_name"] == a["first_name"]).all()
    assert (a["surname"] == a["last_name"]).all()
    assert (a["dob"] == a["date_of_birth"]).all()
    assert (a["address"] == a["house_number"].astype(str) + " " + a["street"]).all()
    assert a["middle_name_x"].isna().equals(a["middle_name_y"].isna())
    b = res.extracts[1].assign(person_id=res.keys[1]["person_id"]).merge(small, on="person_id")
    assert (b["SURNAME"] == b["last_name"].str.upper()).all()
    dob = b["DOB"].str[6:] + "-" + b["DOB"].str[3:5] + "-" + b["DOB"].str[:2]
    assert (dob == b["date_of_birth"]).all()
    assert (b["POST_CODE"].str.upper() == b["postcode"].str.replace(" ", "")).all()
    assert len(res.truth) == res.truth["id_a"].nunique() == res.truth["id_b"].nunique()


def test_per_agency_profiles_and_custom_rates(population):
    small = population.iloc[:4000]
    all_typos = Profile(typo=1.0)
    res = generate_extracts(small, 2, 0.5, ["none", all_typos], seed=1)
    assert not res.log[0].drop(columns=["record_id", "duplicate"]).any().any()
    assert res.log[1]["typo:first_name"].mean() > 0.99
    assert PROFILES["moderate"].with_rates(typo=0.5).typo == 0.5


@pytest.mark.parametrize(
    "kwargs",
    [
        {"overlap": -0.1},
        {"overlap": 1.5},
        {"overlap": float("nan")},
        {"agencies": 1},
        {"profile": "bogus"},
        {"profile": ["clean"]},  # one profile for two agencies given as a list
    ],
)
def test_bad_parameters(population, kwargs):
    with pytest.raises(ParameterError):
        make_extracts(population.iloc[:100], **kwargs)


def test_bad_profile_rates():
    with pytest.raises(ParameterError):
        Profile(typo=1.5)
    with pytest.raises(ParameterError):
        PROFILES["clean"].with_rates(typoo=0.1)


def test_profiles_are_ordered_by_severity():
    clean, moderate, heavy = (PROFILES[k].as_dict() for k in ("clean", "moderate", "heavy"))
    for name in clean:
        assert clean[name] <= moderate[name] <= heavy[name], name


def test_empty_agency_sizes():
    assert agency_sizes(0, 2, 0.5) == (0, 0)
    m, shared = agency_sizes(30_000, 2, 0.5)
    assert (m, shared) == (20_000, 10_000)
    assert re.fullmatch(r"\d+", str(m))
    assert np.all([shared + k * (m - shared) <= 30_000 for k in (2,)])
