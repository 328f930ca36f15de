import datetime as dt

import jellyfish
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linkcore.synth import corruption as C
from linkcore.synth.nicknames import NICKNAMES


def arr(*values):
    return np.array(values, dtype=object)


def rng(seed=0):
    return np.random.default_rng(seed)


def test_qwerty_neighbours_are_real_keyboard_neighbours():
    assert set(C.QWERTY_NEIGHBOURS["g"]) == set("tyfhvb")
    assert set(C.QWERTY_NEIGHBOURS["q"]) == set("wa")
    assert set(C.QWERTY_NEIGHBOURS["m"]) == set("njk")
    assert set(C.QWERTY_NEIGHBOURS["5"]) == set("46")
    # symmetric
    for key, near in C.QWERTY_NEIGHBOURS.items():
        for other in near:
            assert key in C.QWERTY_NEIGHBOURS[other]


def _diff_positions(a, b):
    return [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]


def test_typo_substitution_uses_a_neighbour_and_keeps_case():
    names = arr(*(["Margaret"] * 50))
    out = C.keyboard_typo(names, rng(1), kind="substitute")
    for new in out:
        (i,) = _diff_positions("Margaret", new)
        assert new[i].lower() in C.QWERTY_NEIGHBOURS["Margaret"[i].lower()]
        assert new[i].isupper() == "Margaret"[i].isupper()


def test_typo_deletion_insertion_transposition():
    names = arr(*(["Stephen"] * 40))
    for new in C.keyboard_typo(names, rng(2), kind="delete"):
        assert len(new) == 6 and jellyfish.levenshtein_distance("Stephen", new) == 1
    for new in C.keyboard_typo(names, rng(3), kind="insert"):
        assert len(new) == 8 and jellyfish.levenshtein_distance("Stephen", new) == 1
        # the extra letter is a neighbour of the key before it
        i = next(i for i in range(7) if new[i] != "Stephen"[i]) if new[:7] != "Stephen" else 7
        assert new[i].lower() in C.QWERTY_NEIGHBOURS[new[i - 1].lower()]
    for new in C.keyboard_typo(names, rng(4), kind="transpose"):
        i, j = _diff_positions("Stephen", new)
        assert j == i + 1 and new[i] == "Stephen"[j] and new[j] == "Stephen"[i]


def test_typo_leaves_values_without_keys_alone():
    out = C.keyboard_typo(arr("-", "é"), rng(0))
    assert out.tolist() == ["-", "é"]


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGH", min_size=2, max_size=12),
    st.integers(0, 2**32 - 1),
)
def test_every_typo_is_one_edit(value, seed):
    (new,) = C.keyboard_typo(arr(value), rng(seed))
    assert jellyfish.damerau_levenshtein_distance(value, new) == 1


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Barney", "Bamey"),
        ("Emma", "Ernma"),
        ("Maclean", "Madean"),
        ("Sally", "5ally"),
        ("Bob", "8ob"),
        ("O'Neil", "0'Neil"),
    ],
)
def test_ocr_confusions(value, expected):
    outcomes = {
        C._apply_spot(value, C._spots(value, C.OCR_CONFUSIONS), u)
        for u in np.linspace(0, 0.999, 200)
    }
    assert expected in outcomes
    assert value not in outcomes


def test_ocr_without_lookalikes_is_unchanged():
    assert C.ocr_error(arr("Ky", "Fox"), rng(0)).tolist() == ["Ky", "Fox"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Philip", "Filip"),
        ("Jackson", "Jakson"),
        ("Christie", "Christy"),
        ("Kathy", "Kathie"),
        ("Stephen", "Stefen"),
        ("Cooper", "Kooper"),
        ("Lee", "Lea"),
        ("PHILLIPS", "FILLIPS"),
    ],
)
def test_phonetic_misspellings(value, expected):
    outcomes = {C._phonetic_one(value, u) for u in np.linspace(0, 0.999, 300)}
    assert expected in outcomes
    assert value not in outcomes


def test_phonetic_keeps_values_without_rules():
    assert C.phonetic_error(arr("Bo"), rng(0)).tolist() == ["Bo"]


def test_nicknames():
    out = C.nickname(arr("William", "WILLIAM", "Zebedee", "Margaret"), rng(0))
    assert out[0] in NICKNAMES["william"]
    assert out[1] in {n.upper() for n in NICKNAMES["william"]}
    assert out[2] == "Zebedee"
    assert out[3] in NICKNAMES["margaret"]
    assert C.has_nickname(arr("william", "Zebedee", None)).tolist() == [True, False, False]
    assert "Bill" in NICKNAMES["william"] and "Bob" in NICKNAMES["robert"]


def test_dob_transpose():
    dates = arr("1975-02-11", "1975-02-13", "1975-03-03", "2000-12-01")
    assert C.can_transpose_dob(dates).tolist() == [True, False, False, True]
    assert C.dob_transpose(dates).tolist() == [
        "1975-11-02",
        "1975-02-13",
        "1975-03-03",
        "2000-01-12",
    ]


@settings(max_examples=100, deadline=None)
@given(
    st.dates(min_value=dt.date(1901, 1, 1), max_value=dt.date(2098, 12, 31)),
    st.integers(0, 2**32 - 1),
)
def test_dob_digit_off_changes_one_part_by_one(day, seed):
    (new,) = C.dob_digit_off(arr(day.isoformat()), rng(seed))
    other = dt.date.fromisoformat(new)  # always a valid date
    assert other != day
    changed = [
        a != b for a, b in ((day.year, other.year), (day.month, other.month), (day.day, other.day))
    ]
    if changed[0] or changed[1]:  # year or month moved by one (day clipped to month end)
        assert abs((day.year * 12 + day.month) - (other.year * 12 + other.month)) in (1, 12)
        assert changed[2] is False or other.day < day.day
    else:
        assert abs(day.day - other.day) == 1


def test_leap_day_year_off_becomes_28_february():
    out = C.dob_digit_off(arr(*(["2000-02-29"] * 60)), rng(5))
    assert "2001-02-28" in set(out) or "1999-02-28" in set(out)
    for v in out:
        dt.date.fromisoformat(v)


def test_corruptions_are_deterministic_for_a_seed():
    names = arr("Margaret", "Philip", "Rebecca", "Stephen")
    for fn in (C.keyboard_typo, C.ocr_error, C.phonetic_error, C.nickname):
        assert fn(names, rng(9)).tolist() == fn(names, rng(9)).tolist()
