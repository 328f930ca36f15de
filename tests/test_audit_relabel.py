"""A field of a few values split right but named the wrong way round is broken all the same.

Regression (a review, 2026-12-07): sex encoded deterministically split the file into two
classes; frequency alignment named them by a coin toss, and about half the runs scored 0.0 %
against a chance of 50 % and called the field ok (`--fail-on-risk` exiting 0), where swapping
the two labels, which any first name does, re-identifies every record.
"""

import numpy as np

from linkcore.audit.frequency import FEW_CLASSES, frequency_attack
from linkcore.audit.scoring import best_labelling, chance_level, score_guesses


def test_best_labelling_renames_classes_one_to_one():
    guesses = np.array(["M", "M", "F", None, "F"], dtype=object)
    truth = np.array(["F", "F", "M", "M", "M"], dtype=object)
    assert best_labelling(guesses, truth).tolist() == ["F", "F", "M", None, "M"]
    # one to one: two classes cannot both take the same value
    assert best_labelling(np.array(["a", "b", "c"], dtype=object),
                          np.array(["x", "x", "x"], dtype=object)).tolist().count("x") == 1


def test_a_two_valued_field_is_scored_under_its_best_labelling():
    rng = np.random.default_rng(5)
    truth = rng.choice(np.array(["M", "F"], dtype=object), 400)
    reference = rng.choice(np.array(["M", "F"], dtype=object), 400)
    # identical encodings per value: class 0 for M, class 1 for F
    filters = np.where(truth == "M", 1, 2).astype(np.uint64).reshape(-1, 1)
    guesses = frequency_attack(filters, np.zeros(400, bool), reference, reference)
    assert guesses.relabel and len(np.unique(filters)) <= FEW_CLASSES
    chance = chance_level(truth, reference)
    wrong_way = np.where(guesses.guesses == "M", "F", "M").astype(object)
    for named in (guesses.guesses, wrong_way):
        assert score_guesses(named, guesses.confident, truth, chance,
                             relabel=True).reidentified == 1.0
    assert score_guesses(wrong_way, guesses.confident, truth, chance).reidentified < 0.5


def test_many_classes_are_scored_as_named():
    values = np.array([f"v{i}" for i in range(50)], dtype=object)
    truth = np.repeat(values, 4)
    filters = np.repeat(np.arange(50, dtype=np.uint64), 4).reshape(-1, 1)
    assert not frequency_attack(filters, np.zeros(200, bool), truth, truth).relabel
