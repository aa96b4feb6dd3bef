"""The effective-commissioning scorecard: nine measures worked by hand on Northfield."""

import importlib.util
from pathlib import Path

import pandas as pd
import pytest

_spec = importlib.util.spec_from_file_location(
    "work_community", Path(__file__).with_name("test_work_community.py")
)
community = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(community)
AS_OF = community.AS_OF
northfield, empty_community = community.northfield, community.empty_community

from commissioning.analytics.work import scorecard as sc  # noqa: E402
from commissioning.errors import InputError  # noqa: E402
from commissioning.store.frames import frame  # noqa: E402

DECISIONS = [
    # id, development, date, title, what it cites
    (1, 1, "2011-06-01", "Go ahead with a memory service", ["evidence"]),  # before go-live
    (2, 1, "2012-10-01", "Continue the memory service", ["monitoring", "evidence"]),
    (3, 2, "2012-12-01", "Re-commission podiatry", ["evidence"]),
]


def with_decisions(f):
    """Northfield with its decision log: what each decision cites."""
    f.decisions = frame(
        "decisions",
        [{"decision_id": i, "development_id": d, "date": day, "title": t}
         for i, d, day, t, _ in DECISIONS],
    )  # fmt: skip
    f.decision_links = frame(
        "decision_links",
        [{"decision_id": i, "kind": k, "indicator_id": 11 if k == "monitoring" else None}
         for i, _, _, _, kinds in DECISIONS for k in kinds],
    )  # fmt: skip
    return f


@pytest.fixture
def card():
    return sc.scorecard(with_decisions(northfield()), as_of=AS_OF)


def values(card):
    return {
        m.id: (m.numerator, m.denominator, None if m.value is None else round(m.value, 4),
               m.status)
        for m in card.measures
    }  # fmt: skip


def test_the_nine_measures_in_order_with_definitions(card):
    assert [m.id for m in card.measures] == [
        "convening", "whole_budget", "relational_balance", "monitoring_feeds_review",
        "shared_risk", "manager_support", "clinical_involvement", "measurable_objectives",
        "costliest_reviewed",
    ]  # fmt: skip
    for m in card.measures:
        assert m.name and m.definition and m.numerator_definition and m.denominator_definition
        assert "{" not in m.definition  # settings filled in
    assert "3 years" in card.measure("costliest_reviewed").definition
    assert "80%" in card.measure("costliest_reviewed").definition


def test_every_figure_matches_the_hand_count(card):
    assert values(card) == {
        # Meetings on developments: A1 (D1) brought in a GP only, A4 (D2) a provider and a
        # patient; neither three groups. (A6 is on no development; A7 is a decision.)
        "convening": (0, 2, 0.0, "not met"),
        # Spend 2012/13 on services of developments with needs or planning work: memory
        # 200,000 (D1) + podiatry 60,000 (D2), of the whole commissioned spend: the five
        # contracts running in 2012/13, 700,000.
        "whole_budget": (260_000, 700_000, round(260 / 700, 4), "partly met"),
        # Relational: A1 5 + A4 9 + A6 6 + A7 2 = 22 of 37.5 hours; inside 30-70%.
        "relational_balance": (22, 37.5, round(22 / 37.5, 4), "met"),
        # Decisions on live services (review decisions): D1's of October 2012 cites a
        # monitoring chart, D2's of December 2012 cites evidence only; D1's of June 2011 came
        # before go-live. (The old measure counted D2 as monitoring fed its review because
        # one activity was tagged both monitoring and review: true by construction.)
        "monitoring_feeds_review": (1, 2, 0.5, "partly met"),
        # Running on 31 March 2013: MH-1 (3 years, risk shared), COM-1, ACU-1, ACU-2
        # (VOL-1 ended): 1 of 4 contracts.
        "shared_risk": (1, 4, 0.25, "partly met"),
        # The manager took part in all six activities on developments (A1-A5, A7): finance
        # beside them in A2, contracts in A3.
        "manager_support": (2, 6, round(2 / 6, 4), "not met"),
        # A GP in A1, a specialist nurse in A7: 2 of the 6.
        "clinical_involvement": (2, 6, round(2 / 6, 4), "not met"),
        # New or re-commissioned: D1 (went live, procured) and D2 (went live); only D1 has a
        # measurable objective. D2 has no objectives at all.
        "measurable_objectives": (1, 2, 0.5, "not met"),
        # Pareto set: outpatients (never reviewed) and memory assessment (reviewed 2012).
        "costliest_reviewed": (1, 2, 0.5, "partly met"),
    }


def test_drill_downs_list_the_records_behind_each_measure(card):
    conv = card.measure("convening").drilldown.set_index("title")
    assert conv.loc["Podiatry workshop", "groups"] == "patient_or_carer, provider"
    assert conv.loc["Podiatry workshop", "development"] == "Diabetic podiatry review"
    assert conv.loc["Scoping meeting", "groups"] == "clinician"
    # With the specialist nurse at the workshop it brings in three groups.
    f = with_decisions(northfield())
    nurse = f.participations[f.participations["person_id"] == 7].iloc[[0]].assign(activity_id=4)
    f.participations = pd.concat([f.participations, nurse], ignore_index=True)
    m = sc.scorecard(f, as_of=AS_OF).measure("convening")
    assert (m.numerator, m.denominator) == (1, 2)
    support = card.measure("manager_support").drilldown.set_index("title")["support"]
    assert support.to_dict() == {
        "Scoping meeting": "", "Needs analysis": "finance", "Tender evaluation": "contracts",
        "Podiatry workshop": "", "Quarterly monitoring": "", "Decision to re-commission": "",
    }  # fmt: skip
    objectives = card.measure("measurable_objectives").drilldown.set_index("title")
    assert objectives.loc["Diabetic podiatry review", "objectives"] == 0
    assert objectives["counted"].tolist() == [False, True]  # by title: podiatry, memory
    risk = card.measure("shared_risk").drilldown
    assert risk["reference"].tolist() == ["ACU-1", "MH-1", "ACU-2", "COM-1"]
    assert risk["counted"].tolist() == [False, True, False, False]
    reviewed = card.measure("costliest_reviewed").drilldown
    assert reviewed["service"].tolist() == ["Diabetes outpatients", "Memory assessment"]
    for m in card.measures:  # what is counted adds up to the numerator
        dd = m.drilldown
        if m.id in ("whole_budget",):
            assert dd.loc[dd["counted"], "amount"].sum() == m.numerator
        elif m.id == "relational_balance":
            assert dd.loc[dd["counted"], "hours"].sum() == m.numerator
        else:
            assert dd["counted"].sum() == m.numerator and len(dd) == m.denominator


def test_organisational_changes_in_the_period_are_given_as_context(card):
    assert card.changes["description"].tolist() == ["PCT cluster formed"]


def test_a_period_start_leaves_out_earlier_work():
    card = sc.scorecard(northfield(), start="2012-01-01", as_of=AS_OF)
    # From 2012 only D1's procurement (A3) and D2's work remain.
    assert card.measure("relational_balance").denominator == 8 + 9 + 1.5 + 6 + 2
    assert card.measure("clinical_involvement").numerator == 1  # D1's GP was in 2011


def test_an_empty_community_has_no_data_for_every_measure():
    card = sc.scorecard(empty_community(), as_of=AS_OF)
    assert {m.status for m in card.measures} == {"no data"}
    assert all(m.value is None and m.denominator == 0 for m in card.measures)


def test_zero_spend_gives_no_data_for_the_money_measures():
    f = northfield()
    f.spend = f.spend.assign(amount=0.0)
    card = sc.scorecard(f, as_of=AS_OF)
    assert card.measure("whole_budget").status == "no data"
    assert card.measure("whole_budget").value is None
    assert card.measure("costliest_reviewed").status == "no data"
    assert card.measure("clinical_involvement").value == 2 / 6  # the rest still counts


@pytest.mark.parametrize(
    ("value", "status"),
    [(None, "no data"), (0.8, "met"), (0.79, "partly met"), (0.5, "partly met"),
     (0.49, "not met")],
)  # fmt: skip
def test_status_from_thresholds(value, status):
    assert sc.status(value, {"met": 0.8, "partly": 0.5}) == status


def test_band_status_for_the_relational_balance():
    band = {"met_low": 0.3, "met_high": 0.7, "partly_low": 0.2, "partly_high": 0.8}
    assert [sc.status(v, band) for v in (0.1, 0.25, 0.5, 0.75, 0.9)] == [
        "not met", "partly met", "met", "partly met", "not met",
    ]  # fmt: skip


def test_thresholds_and_settings_from_a_user_file(tmp_path):
    path = tmp_path / "thresholds.toml"
    path.write_text("[settings]\nreview_years = 1\n[measures.measurable_objectives]\nmet = 0.5\n")
    config = sc.load_thresholds(path)
    assert config["measures"]["measurable_objectives"] == {"met": 0.5, "partly": 0.75}
    card = sc.scorecard(northfield(), config=config, as_of=AS_OF)
    assert card.measure("measurable_objectives").status == "met"
    # Memory assessment was reviewed on 1 March 2012: more than a year before 31 March 2013.
    assert card.measure("costliest_reviewed").numerator == 0
    assert "in the 1 years up to" in card.measure("costliest_reviewed").definition


def test_a_bad_thresholds_file_is_a_located_error(tmp_path):
    path = tmp_path / "thresholds.toml"
    path.write_text("[measures.clinical]\nmet = 0.5\n")
    with pytest.raises(InputError, match="measures.clinical"):
        sc.load_thresholds(path)
    path.write_text("[measures.clinical_involvement]\nmet = 80\n")
    with pytest.raises(InputError, match="between 0 and 1"):
        sc.load_thresholds(path)
    path.write_text("[settings]\nreview_years = 'three'\n")
    with pytest.raises(InputError, match="settings.review_years"):
        sc.load_thresholds(path)
    # A band replaced by plain thresholds must give both.
    path.write_text(
        "[measures.relational_balance]\nmet_low = 0.4\n[measures.convening]\nmet = 0.9\n"
    )
    assert sc.load_thresholds(path)["measures"]["convening"]["partly"] == 0.5


def test_the_period_ends_at_the_latest_record_by_default():
    f = northfield()
    # The latest dated record: the PCT's abolition on 1 April 2013.
    assert sc.default_as_of(f) == pd.Timestamp("2013-04-01")
    assert sc.default_as_of(empty_community()) == pd.Timestamp.today().normalize()


def test_which_contracts_share_risk():
    f = northfield()
    contracts = f.contracts.set_index("reference")
    contracts.loc["ACU-1", "risk_share"] = "2% withheld against the agreed outcomes"  # "against"
    contracts.loc["COM-1", "risk_share"] = "Pooled budget with the council"
    contracts.loc["COM-1", "end_date"] = pd.Timestamp("2015-03-31")  # now a 3-year term
    f.contracts = contracts.reset_index()
    card = sc.scorecard(f, as_of=AS_OF)
    risk = card.measure("shared_risk").drilldown.set_index("reference")
    assert risk["risk_shared"].to_dict() == {
        "ACU-1": False, "MH-1": True, "ACU-2": True, "COM-1": True,  # ACU-2: cost and volume
    }  # fmt: skip
    assert risk["long_horizon"].to_dict() == {
        "ACU-1": True, "MH-1": True, "ACU-2": False, "COM-1": True,
    }  # fmt: skip
    assert card.measure("shared_risk").numerator == 2  # MH-1 and COM-1


def test_an_earlier_period_uses_the_spend_of_its_own_latest_year():
    card = sc.scorecard(northfield(), as_of="2012-03-31")  # the end of 2011/12
    # 2011/12 spend: outpatients 300,000 (never reviewed), memory 100,000 (reviewed on
    # 1 March 2012, within the period), podiatry 50,000, carers 20,000: 470,000 in all.
    # Pareto: outpatients (63.8%), then memory (85.1%).
    m = card.measure("costliest_reviewed")
    assert (m.numerator, m.denominator) == (1, 2)
    wb = card.measure("whole_budget")
    # The whole commissioned spend of 2011/12: MH-1 200,000, ACU-1 300,000 and VOL-1 40,000
    # running, and podiatry's 50,000 under no running contract (COM-1 began in April 2012).
    assert wb.denominator == 590_000
    # By March 2012 only D1 and D2 had needs or planning work: memory 100,000 + podiatry 50,000.
    assert wb.numerator == 150_000


def test_whole_budget_divides_by_the_whole_commissioned_spend():
    # Defect (issue 24): the denominator was the spend on the long-term-condition services
    # alone (600,000), so a community looking at those services alone scored as if it had
    # looked at its whole budget. The whole commissioned spend of 2012/13 is every contract
    # running in the year at its annual value: MH-1 200,000, COM-1 60,000, ACU-1 300,000,
    # VOL-1 40,000 (ended December 2012) and ACU-2 100,000 = 700,000, plus the spend on a
    # service no running contract covers (none here).
    wb = sc.scorecard(northfield(), as_of=AS_OF).measure("whole_budget")
    assert (wb.numerator, wb.denominator) == (260_000, 700_000)
    # A service under no contract adds its own spend to the whole.
    f = northfield()
    f.contract_services = f.contract_services[f.contract_services["service_id"] != 2]
    f.contracts = f.contracts[f.contracts["reference"] != "COM-1"]
    wb = sc.scorecard(f, as_of=AS_OF).measure("whole_budget")
    assert wb.denominator == 200_000 + 300_000 + 40_000 + 100_000 + 60_000


def test_each_measure_year_by_year():
    years = sc.by_year(with_decisions(northfield()), as_of=AS_OF)
    assert sorted(set(years["financial_year"])) == [2011, 2012]
    assert len(years) == 2 * 9
    got = years.set_index(["financial_year", "id"])
    # 2011/12: A1 (a GP), A2, A3, A4: 1 of 4.
    assert tuple(got.loc[(2011, "clinical_involvement"), ["numerator", "denominator"]]) == (1, 4)
    # 2012/13: A5 and A7 (a nurse): 1 of 2.
    assert tuple(got.loc[(2012, "clinical_involvement"), ["numerator", "denominator"]]) == (1, 2)
    # Review decisions: none in 2011/12 (D1's June 2011 decision came before go-live), 1 of 2
    # in 2012/13.
    assert got.loc[(2011, "monitoring_feeds_review"), "status"] == "no data"
    assert tuple(got.loc[(2012, "monitoring_feeds_review"), ["numerator", "denominator"]]) == (
        1,
        2,
    )
    # Each year's whole budget is its own year's: 2011/12's denominator is 590,000.
    assert got.loc[(2011, "whole_budget"), "denominator"] == 590_000
    assert sc.by_year(empty_community(), as_of=AS_OF).empty


def test_years_ending_before_the_first_activity_are_none_not_an_error():
    """Found adding `scorecard --by-year --as-of`: a date before the financial year of the
    first activity raised a KeyError (a traceback at the user) instead of giving no years."""
    years = sc.by_year(with_decisions(northfield()), as_of="2005-01-01")
    assert years.empty
    assert list(years.columns) == [
        "financial_year", "id", "name", "numerator", "denominator", "value", "status"
    ]  # fmt: skip
