"""Disclosure control: small counts hidden, others rounded, no lone suppressed cell derivable."""

import hmac

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from commissioning.analytics.disclosure import (
    SUPPRESSED,
    SuppressionPolicy,
    disclose_observation,
    disclose_observations,
    shown_numbers,
    shown_values,
    suppress,
)
from commissioning.analytics.pseudonyms import (
    check_digit,
    is_valid_nhs_number,
    looks_like_nhs_numbers,
    pseudonymise,
)


def test_primary_suppression_and_rounding():
    df = pd.DataFrame({"count": [0, 1, 7, 8, 12, 13, 1002]})
    out = suppress(df, ["count"])
    assert out["count"].tolist() == [0, SUPPRESSED, SUPPRESSED, 10, 10, 15, 1000]


def test_secondary_suppression_hides_the_next_smallest_cell_in_the_group():
    # Practice A: one cell of 3 would be derivable from A's total, so 20 (the next smallest)
    # is hidden too. Practice B already has two hidden cells. Practice C has none.
    df = pd.DataFrame(
        {
            "practice": ["A", "A", "A", "B", "B", "B", "C", "C"],
            "band": ["0-4", "5-9", "10-14"] * 2 + ["0-4", "5-9"],
            "count": [3, 20, 41, 2, 5, 40, 30, 31],
        }
    )
    out = suppress(df, ["count"], groups=["practice"])
    assert out["count"].tolist() == [
        SUPPRESSED,
        SUPPRESSED,
        40,
        SUPPRESSED,
        SUPPRESSED,
        40,
        30,
        30,
    ]


def test_a_ratio_is_hidden_with_its_counts_and_recomputed_from_rounded_counts():
    df = pd.DataFrame({"num": [3, 52], "den": [100, 98], "pct": [3.0, 52 / 98 * 100]})
    out = suppress(df, ["num", "den"], derived={"pct": ("num", "den")})
    assert out.loc[0, "pct"] == SUPPRESSED
    assert out.loc[1, "pct"] == pytest.approx(50 / 100 * 100)


def test_policy_is_configurable():
    out = suppress(pd.DataFrame({"c": [4, 6, 11]}), ["c"], policy=SuppressionPolicy(5, 1))
    assert out["c"].tolist() == [SUPPRESSED, 6, 11]


@given(st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=30))
def test_no_shown_count_is_small_and_every_shown_count_is_a_multiple_of_five(counts):
    out = suppress(pd.DataFrame({"c": counts}), ["c"])["c"]
    for original, shown in zip(counts, out, strict=True):
        if 1 <= original <= 7:
            assert shown == SUPPRESSED
        else:
            assert shown % 5 == 0 and abs(shown - original) <= 2.5


def test_nhs_number_check_digit():
    # 943 476 5919 is the NHS's own published example of a valid number.
    assert is_valid_nhs_number("943 476 5919")
    assert is_valid_nhs_number("9434765919")
    assert not is_valid_nhs_number("9434765918")
    assert not is_valid_nhs_number("943476591")
    # Worked by hand: 4*10+0*9+1*8+0*7+2*6+3*5+4*4+5*3+6*2 = 118; 118 % 11 = 8; 11 - 8 = 3.
    assert check_digit("401023456") == 3


def test_a_column_of_nhs_numbers_is_recognised():
    assert looks_like_nhs_numbers(pd.Series(["9434765919", "4010234563", ""]))
    assert not looks_like_nhs_numbers(pd.Series(["B86001", "B86002"]))


def test_pseudonyms_are_stable_under_one_key_and_differ_under_another():
    ids = pd.Series(["943 476 5919", "9434765919", None])
    a = pseudonymise(ids, b"key-one")
    assert a[0] == a[1] and pd.isna(a[2])
    assert "9434765919" not in "".join(a.dropna())
    assert pseudonymise(ids, b"key-two")[0] != a[0]
    assert a[0] == hmac.new(b"key-one", b"9434765919", "sha256").hexdigest()[:20]


def _cell(x):
    """A shown cell compared across the two ways: hidden, empty or a number."""
    if isinstance(x, str):
        return x
    return None if x is None or x != x else round(float(x), 9)


_counts = st.one_of(
    st.none(), st.integers(min_value=0, max_value=500), st.floats(min_value=0, max_value=1e6)
)
_values = st.one_of(st.none(), st.floats(min_value=-1e6, max_value=1e6))


@given(
    st.lists(st.tuples(_counts, _counts, _values), min_size=1, max_size=40),
    st.sampled_from([SuppressionPolicy(), SuppressionPolicy(10, 10), SuppressionPolicy(0, 1)]),
)
def test_one_observation_is_disclosed_as_a_table_of_them_is(rows, policy):
    """The plain-Python rules for one row (API pages) agree with the data-frame ones."""
    frame = pd.DataFrame(rows, columns=["numerator", "denominator", "value"], dtype=float)
    table = disclose_observations(frame, pd.Series(True, index=frame.index), policy)
    for i, (numerator, denominator, value) in enumerate(rows):
        one = disclose_observation(numerator, denominator, value, policy)
        expected = table.loc[i, ["numerator", "denominator", "value", "suppressed"]].tolist()
        assert [_cell(x) for x in one[:3]] == [_cell(x) for x in expected[:3]], (rows[i], one)
        assert one[3] == bool(expected[3])


@given(
    st.lists(
        st.tuples(_counts, _counts, _values, st.booleans(), st.sampled_from([None, "a", "b"])),
        min_size=1,
        max_size=40,
    ),
    st.sampled_from([SuppressionPolicy(), SuppressionPolicy(10, 10), SuppressionPolicy(0, 1)]),
    st.booleans(),
)
def test_shown_numbers_are_the_shown_values(rows, policy, grouped):
    """The arrays of numbers the monitoring pages work on (600,000 observations at once) show
    what the data-frame rule shows: the same cells hidden, the same numbers otherwise, for rows
    that count patients and rows that do not, with and without a grouping's total beside its
    parts (the first row of each group its total)."""
    frame = pd.DataFrame(
        [r[:3] for r in rows], columns=["numerator", "denominator", "value"], dtype=float
    )
    counted = pd.Series([r[3] for r in rows])
    groups = totals = None
    if grouped:
        groups = pd.Series([r[4] for r in rows], dtype=object)
        totals = pd.Series(~groups.duplicated() & groups.notna())
    table = shown_values(frame, counted, policy, groups=groups, totals=totals)
    arrays = shown_numbers(
        frame["numerator"].to_numpy(),
        frame["denominator"].to_numpy(),
        frame["value"].to_numpy(),
        counted.to_numpy(),
        policy,
        groups=groups,
        totals=totals,
    )
    for i in range(len(rows)):
        expected = table.loc[i]
        assert bool(arrays.hidden[i]) == bool(expected["hidden"]), rows[i]
        assert _cell(arrays.value[i]) == _cell(expected["value"]), rows[i]
        for name in ("numerator", "denominator"):
            star = bool(getattr(arrays, f"{name}_hidden")[i])
            shown = SUPPRESSED if star else getattr(arrays, name)[i]
            assert _cell(shown) == _cell(expected[name]), (rows[i], name)


def test_one_observation_worked_by_hand():
    # 23 of 98 = 23.47%: shown as 25 of 100 and 25%; 3 of 40 hides the count and the value.
    assert disclose_observation(23, 98, 23.469388) == (25.0, 100.0, 25.0, False)
    assert disclose_observation(3, 40, 7.5) == (SUPPRESSED, 40.0, SUPPRESSED, True)
    # a bare value with no counts cannot be checked for small numbers: hidden (issue 20)
    assert disclose_observation(None, None, 4.2) == (None, None, SUPPRESSED, True)
    assert disclose_observation(0, 12, 0.0) == (0.0, 10.0, 0.0, False)
