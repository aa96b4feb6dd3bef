"""Labour of commissioning: hours split across stages, FTE and cost, worked by hand."""

import importlib.util
from pathlib import Path

import pandas as pd
import pytest

from commissioning.analytics.work import labour
from commissioning.analytics.work.pay_rates import hours_per_fte_year, load_pay_rates
from commissioning.errors import InputError

_spec = importlib.util.spec_from_file_location(
    "work_community", Path(__file__).with_name("test_work_community.py")
)
community = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(community)
HOURLY, HOURS_PER_FTE = community.HOURLY, community.HOURS_PER_FTE
northfield, empty_community = community.northfield, community.empty_community


@pytest.fixture
def f():
    return northfield()


@pytest.fixture
def split(f):
    return labour.stage_hours(f.activities, f.activity_stages, f.participations)


def test_hours_of_an_activity_with_several_stages_are_split_equally_and_add_up(split):
    a1 = split[split["activity_id"] == 1]
    # A1: P1 3 h and P2 2 h over scoping and needs assessment: half of each in each stage.
    assert a1.groupby("stage")["hours"].sum().to_dict() == {"needs_assessment": 2.5, "scoping": 2.5}
    a4 = split[(split["activity_id"] == 4) & (split["person_id"] == 1)]
    assert a4["hours"].tolist() == [1.0, 1.0, 1.0]  # 3 h over three stages
    assert split["hours"].sum() == pytest.approx(37.5)


def test_hours_by_stage_match_the_hand_count(split):
    by_stage = split.groupby("stage")["hours"].sum().to_dict()
    assert by_stage == pytest.approx(
        {
            "scoping": 2.5,
            "needs_assessment": 8.5,  # 2.5 (A1) + 6 (A2)
            "procurement": 8.0,
            "planning": 3.0,
            "monitoring": 4.5,  # 3 (A4) + 1.5 (A5)
            "review": 5.0,  # 3 (A4) + 2 (A7)
            labour.NO_STAGE: 6.0,  # A6 has no stage
        }
    )


def test_hours_fte_and_cost_by_development(split):
    table = labour.labour_table(split, HOURLY, HOURS_PER_FTE, by=["development_id"])
    rows = {(None if pd.isna(d) else int(d)): r for d, r in zip(table["development_id"],
            table.to_dict("records"), strict=True)}  # fmt: skip
    assert rows[1]["hours"] == 19.0
    # D1 cost: A1 3x40 + 2x80 = 280; A2 4x40 + 2x30 = 220; A3 6x30 + 2x40 = 260.
    assert rows[1]["cost"] == pytest.approx(760.0)
    assert rows[1]["fte_years"] == pytest.approx(19 / 1687.5)
    # D2: A4 3x40 + 3x40 + 3x0 = 240; A5 1.5x40 = 60; A7 40 + 35 = 75.
    assert rows[2]["hours"] == 12.5 and rows[2]["cost"] == pytest.approx(375.0)
    # The annual contract round, outside any development: 4x30 + 2x40.
    assert rows[None]["hours"] == 6.0 and rows[None]["cost"] == pytest.approx(200.0)


def test_full_grouping_adds_up_to_the_total(split):
    table = labour.labour_table(split, HOURLY, HOURS_PER_FTE)
    assert list(table.columns) == [
        "development_id", "stage", "role_type", "nature", "hours", "fte_years", "cost",
    ]  # fmt: skip
    assert table["hours"].sum() == pytest.approx(37.5)
    assert table["cost"].sum() == pytest.approx(760 + 375 + 200)
    row = table[
        (table["development_id"] == 1)
        & (table["stage"] == "needs_assessment")
        & (table["role_type"] == "commissioning_manager")
    ]
    # 1.5 relational (A1) + 4 technical (A2)
    assert row.set_index("nature")["hours"].to_dict() == {"relational": 1.5, "technical": 4.0}


def test_a_role_without_a_pay_rate_leaves_the_cost_empty_not_zero(split):
    rates = {k: v for k, v in HOURLY.items() if k != "gp"}
    table = labour.labour_table(split, rates, HOURS_PER_FTE, by=["role_type"])
    gp = table[table["role_type"] == "gp"]
    assert gp["hours"].item() == 2.0 and pd.isna(gp["cost"].item())


def test_cumulative_effort_runs_by_month(split):
    cum = labour.cumulative_effort(split)
    d1 = cum[cum["development_id"] == 1]
    assert d1["month"].dt.strftime("%Y-%m").tolist() == ["2011-05", "2011-09", "2012-02"]
    assert d1["cumulative_hours"].tolist() == [5.0, 11.0, 19.0]


def test_effort_against_the_spend_of_the_services_affected(f, split):
    effort = labour.effort_by_development(
        split, HOURLY, HOURS_PER_FTE, f.developments, f.development_services, f.spend
    ).set_index("title")
    # D1 affects Memory assessment: £200,000 in 2012/13 (the latest year).
    assert effort.loc["Memory assessment service", "spend"] == 200_000
    assert effort.loc["Memory assessment service", "cost_per_pound_of_spend"] == pytest.approx(
        760 / 200_000
    )
    assert effort.loc["Diabetic podiatry review", "cost_per_pound_of_spend"] == pytest.approx(
        375 / 60_000
    )
    # The strategy has no services: no spend, and no division by zero.
    assert effort.loc["Diabetes strategy", "spend"] == 0
    assert pd.isna(effort.loc["Diabetes strategy", "cost_per_pound_of_spend"])
    assert effort.loc[labour.OUTSIDE, "hours"] == 6.0


def test_effort_against_measured_gain(f, split):
    effort = labour.effort_by_development(
        split, HOURLY, HOURS_PER_FTE, f.developments, f.development_services, f.spend
    )
    gains = labour.effort_against_gain(effort, f.objectives)
    assert len(gains) == 1  # only the dementia objective has data
    row = gains.iloc[0]
    assert row["gain"] == 10.0  # 50 - 40, higher is better
    assert row["cost_per_unit_gain"] == pytest.approx(76.0)  # £760 / 10 points


def test_a_lower_is_better_gain_is_turned_round(f):
    ob = f.objectives.assign(polarity="lower_better", latest_value=30.0)
    assert labour.measured_gain(ob)["gain"].item() == 10.0


def test_no_activities_gives_empty_tables_not_errors():
    e = empty_community()
    split = labour.stage_hours(e.activities, e.activity_stages, e.participations)
    assert split.empty
    assert labour.labour_table(split, HOURLY, HOURS_PER_FTE).empty
    assert labour.cumulative_effort(split).empty
    effort = labour.effort_by_development(
        split, HOURLY, HOURS_PER_FTE, e.developments, e.development_services, e.spend
    )
    assert effort.empty


def test_default_working_hours_and_a_band_8a_hourly_cost():
    rates = load_pay_rates()
    # 37.5 h x 52 weeks less (27 + 8) days x 7.5 h.
    assert rates.hours_per_fte_year == 1687.5
    cm = rates.rates.set_index("role_type").loc["commissioning_manager"]
    # Band 8a 2025/26 mid-point (55,690 + 62,682) / 2 = 59,186; pension 23.7% = 14,027.08;
    # NI 15% of (59,186 - 5,000) = 8,127.90; total 81,340.98 / 1,687.5 h = £48.20 an hour.
    assert cm["annual_salary"] == 59_186
    assert cm["annual_cost"] == pytest.approx(81_340.982)
    assert cm["hourly_cost"] == pytest.approx(48.2021, abs=1e-4)
    assert rates.hourly()["patient_representative"] == 0.0


def test_a_user_file_overrides_only_what_it_names(tmp_path):
    path = tmp_path / "rates.toml"
    path.write_text(
        "[hours]\nannual_leave_days = 33\n"
        "[roles.commissioning_manager]\nhourly_cost = 50\n"
        "[roles.patient_representative]\nhourly_cost = 18.75\n"
    )
    rates = load_pay_rates(path)
    assert rates.hours_per_fte_year == 1950 - (33 + 8) * 7.5
    hourly = rates.hourly()
    assert hourly["commissioning_manager"] == 50
    assert hourly["patient_representative"] == 18.75
    assert hourly["finance"] == pytest.approx(
        ((47810 + 54710) / 2 * 1.237 + 0.15 * ((47810 + 54710) / 2 - 5000)) / 1642.5
    )


def test_a_broken_pay_rates_file_is_a_plain_located_error(tmp_path):
    path = tmp_path / "rates.toml"
    path.write_text("[roles.gp]\nband = 'Z'\n")
    with pytest.raises(InputError, match="band 'Z'"):
        load_pay_rates(path)
    path.write_text("[hours\n")
    with pytest.raises(InputError, match="not a readable TOML"):
        load_pay_rates(path)


def test_hours_per_fte_formula():
    assert hours_per_fte_year(
        {"hours_per_week": 40, "weeks_per_year": 52, "annual_leave_days": 25,
         "bank_holiday_days": 8, "hours_per_day": 8}
    ) == 2080 - 33 * 8  # fmt: skip
