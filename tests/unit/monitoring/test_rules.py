"""The rule that proposes recalculating limits at a go-live, and which measures cannot be
negative (commissioning.monitoring.rules: pure, no database)."""

from __future__ import annotations

import math

import pytest

from commissioning.monitoring.rules import (
    MINIMUM_VALUES,
    SHIFT_RUN,
    cannot_be_negative,
    go_live_evidence,
    is_percentage,
    longest_run,
)

BEFORE = [10.0, 11.0] * 6  # mean 10.5
ABOVE = [12.0] * 12


def test_the_numbers_are_those_of_making_data_count():
    # 12 values for firm limits (Plot the Dots: fewer are trial limits); the shift rule's 7.
    assert (MINIMUM_VALUES, SHIFT_RUN) == (12, 7)


def test_enough_values_either_side_and_a_sustained_shift_propose_it():
    evidence = go_live_evidence(BEFORE, ABOVE)
    assert evidence is not None
    assert (evidence.before, evidence.after, evidence.old_mean) == (12, 12, 10.5)
    assert (evidence.run, evidence.side, evidence.run_start, evidence.run_end) == (
        12,
        "above",
        0,
        11,
    )


def test_not_yet_with_eleven_values_after_go_live():
    assert go_live_evidence(BEFORE, ABOVE[:11]) is None
    assert go_live_evidence(BEFORE, ABOVE[:12]) is not None


def test_not_with_fewer_than_twelve_values_before_go_live():
    assert go_live_evidence(BEFORE[:11], ABOVE) is None


def test_hidden_values_do_not_count():
    # 12 after, but one hidden (NaN) and one missing (None): 10 shown, not enough.
    after = ABOVE[:10] + [math.nan, None]
    assert go_live_evidence(BEFORE, after) is None
    # ...and a gap neither breaks nor extends a run: 6 + 1 in a row across it.
    after = [9.0, 9.0] + [12.0] * 6 + [math.nan] + [12.0] + [9.0] * 4
    evidence = go_live_evidence(BEFORE, after)
    assert evidence is not None and evidence.run == 7


def test_no_sustained_change_no_proposal():
    # Plenty of values after go-live, but they wander either side of the old mean.
    wandering = [10.0, 11.0, 12.0, 9.0] * 6
    assert go_live_evidence(BEFORE, wandering) is None


@pytest.mark.parametrize(("run", "proposed"), [(6, False), (7, True)])
def test_a_run_of_seven_on_one_side_is_a_sustained_change(run, proposed):
    # Either side of the old mean (10.5) in turn, then ``run`` above it: 12 or 13 values.
    found = go_live_evidence(BEFORE, [12.0, 9.0] * 3 + [12.0] * run)
    assert (found is not None) is proposed
    if proposed:
        assert (found.run, found.run_start) == (7, 6)


def test_a_value_on_the_old_mean_breaks_the_run():
    assert longest_run([12, 12, 12, 10.5, 12, 12, 12, 12], 10.5) == (4, "above", 4, 7)
    assert longest_run([9, 9, 12, 9], 10.5) == (2, "below", 0, 1)
    assert longest_run([], 10.5) == (0, "", -1, -1)


@pytest.mark.parametrize(
    ("unit", "domain", "has_denominator", "expected"),
    [
        ("%", "quality", True, True),  # a percentage
        ("per 1,000", "outcome", True, True),  # a rate
        ("per 100,000 (standardised)", "outcome", True, True),
        ("patients", "activity", False, True),  # a count
        ("referrals", "activity", False, True),
        ("falls", "outcome", False, True),  # no denominator: a count, whatever its unit
        ("days", "quality", True, True),  # a time
        ("weeks", "quality", True, True),
        ("£", "finance", False, False),  # money may be negative
        ("£ per patient", "finance", True, False),
        ("£000", "activity", False, False),
        ("score", "experience", True, False),
        ("index", "outcome", False, False),
        ("change in %", "outcome", True, False),  # a change may be negative
        ("net change", "outcome", False, False),
        ("percentage points", "outcome", True, False),  # a gap or change between percentages
        ("% change", "outcome", True, False),
        ("percentage change", "activity", True, False),
        ("Percent difference", "quality", True, False),
        ("ratio", "outcome", True, False),  # neither a count, a time nor a rate: as computed
        ("count", "finance", False, False),  # the finance domain may be negative
    ],
)
def test_which_measures_cannot_be_negative(unit, domain, has_denominator, expected):
    assert cannot_be_negative(unit, domain, has_denominator) is expected


@pytest.mark.parametrize(
    ("unit", "expected"),
    [
        ("%", True),
        ("% of patients", True),
        ("Percent", True),
        ("per 1,000", False),  # a rate: its chart's axis may go above 100
        ("change in %", False),  # not a share of a whole: may be above 100
        ("percentage points", False),  # a difference of percentages: may be below 0
        ("% change", False),
        ("percentage change", False),
        ("percent difference", False),
        ("patients", False),
        ("", False),
    ],
)
def test_which_measures_are_percentages(unit, expected):
    assert is_percentage(unit) is expected
