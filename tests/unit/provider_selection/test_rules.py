"""Each process's preconditions (SI 2023/1348 regulation 6) and what a record needs before it is
finalised (regulations 5, 12, 21 and 24), positive and negative."""

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest

from commissioning.provider_selection import rules
from commissioning.provider_selection.rules import Considered, Facts, considerable_change

D = dt.date
EXISTING, OTHER = 1, 2
ALL_SCORES = {k: Decimal(70) for k in rules.CRITERIA}
WEIGHTS = {
    "quality_innovation": Decimal(30),
    "value": Decimal(25),
    "integration": Decimal(20),
    "access": Decimal(15),
    "social_value": Decimal(10),
}


def complete(process: str, **changes) -> Facts:
    """A record of ``process`` with everything its regulations ask for."""
    base = Facts(
        process=process,
        services=1,
        estimated_value=Decimal("1200000"),
        contract_start=D(2025, 4, 1),
        contract_end=D(2028, 3, 31),
        chosen_provider=EXISTING,
        existing_provider=EXISTING,
        existing_lifetime_value=Decimal("1000000"),
        decision_makers=2,
        forum="Contracts committee",
        no_conflicts_declared=True,
        reasons="Good performance; continuity of care.",
        award_date=D(2025, 3, 20),
        weights=dict(WEIGHTS),
        considered=[Considered(EXISTING, "Existing Trust", True, dict(ALL_SCORES))],
    )
    if process == rules.DIRECT_A:
        base = replace(base, only_existing_capable=True)
    elif process == rules.DIRECT_B:
        base = replace(
            base,
            existing_provider=None,
            patient_choice=True,
            providers_unrestricted=True,
            offered_to_all=True,
            expressions_of_interest=True,
        )
    elif process == rules.DIRECT_C:
        base = replace(
            base,
            existing_satisfactory=True,
            materially_different=False,
            change_by_authority=False,
            intention_published=D(2025, 3, 3),
        )
    elif process == rules.MOST_SUITABLE:
        base = replace(
            base,
            can_identify_most_suitable=True,
            process_notice=D(2025, 1, 6),
            intention_published=D(2025, 3, 3),
        )
    elif process == rules.COMPETITIVE:
        base = replace(
            base,
            process_notice=D(2024, 10, 1),
            intention_published=D(2025, 3, 3),
            considered=[
                Considered(EXISTING, "Existing Trust", True, dict(ALL_SCORES)),
                Considered(OTHER, "Challenger Ltd", True, {k: Decimal(60) for k in WEIGHTS}),
            ],
        )
    return replace(base, **changes)


def fields(facts: Facts) -> set[str]:
    return {p.field for p in rules.problems(facts)}


@pytest.mark.parametrize("process", list(rules.PROCESSES))
def test_a_complete_record_of_each_process_can_be_finalised(process):
    assert rules.problems(complete(process)) == []


def test_direct_award_a_needs_an_only_capable_existing_provider():
    assert "only_existing_capable" in fields(complete(rules.DIRECT_A, only_existing_capable=False))
    assert "existing_contract" in fields(complete(rules.DIRECT_A, existing_provider=None))
    assert "chosen_provider" in fields(complete(rules.DIRECT_A, chosen_provider=OTHER))


def test_direct_award_b_needs_unrestricted_patient_choice():
    assert "patient_choice" in fields(complete(rules.DIRECT_B, patient_choice=None))
    assert "offered_to_all" in fields(complete(rules.DIRECT_B, offered_to_all=False))


def test_direct_award_c_needs_a_satisfactory_existing_provider():
    assert "existing_satisfactory" in fields(complete(rules.DIRECT_C, existing_satisfactory=False))
    assert "existing_contract" in fields(complete(rules.DIRECT_C, existing_provider=None))
    assert "chosen_provider" in fields(complete(rules.DIRECT_C, chosen_provider=OTHER))


def test_direct_award_c_is_refused_where_a_or_b_must_be_followed():
    assert "only_existing_capable" in fields(complete(rules.DIRECT_C, only_existing_capable=True))


def test_considerable_change_threshold():
    """Regulation 6(10)-(12): materially different, or the authority's change with a lifetime
    value at least £500,000 and at least 25% higher. £1,000,000 -> £1,500,000 is +£500,000 and
    +50%: met. £4,000,000 -> £4,600,000 is +£600,000 but +15%: not met. £1,000,000 ->
    £1,400,000 is +40% but only +£400,000: not met."""
    c = complete(rules.DIRECT_C, change_by_authority=True)
    assert considerable_change(replace(c, estimated_value=Decimal("1500000"))) is True
    assert (
        considerable_change(
            replace(
                c,
                existing_lifetime_value=Decimal("4000000"),
                estimated_value=Decimal("4600000"),
            )
        )
        is False
    )
    assert considerable_change(replace(c, estimated_value=Decimal("1400000"))) is False
    assert considerable_change(replace(c, materially_different=True)) is True
    assert "materially_different" in fields(replace(c, estimated_value=Decimal("1500000")))
    assert "materially_different" in fields(complete(rules.DIRECT_C, materially_different=None))


def test_most_suitable_provider_needs_its_notice_and_a_view():
    assert "process_notice" in fields(complete(rules.MOST_SUITABLE, process_notice=None))
    assert "can_identify_most_suitable" in fields(
        complete(rules.MOST_SUITABLE, can_identify_most_suitable=False)
    )
    assert "framework" in fields(complete(rules.MOST_SUITABLE, framework=True))


def test_competitive_process_records_every_bidders_assessment():
    facts = complete(rules.COMPETITIVE)
    facts.considered[1].scores.pop("value")
    found = [p for p in rules.problems(facts) if p.field == "assessments"]
    assert found and "Challenger Ltd" in found[0].message
    assert "assessments" in fields(complete(rules.COMPETITIVE, considered=[]))
    assert "process_notice" in fields(complete(rules.COMPETITIVE, process_notice=None))


def test_every_key_criterion_weighed_to_100():
    weights = dict(WEIGHTS)
    weights.pop("social_value")
    assert "weights" in fields(complete(rules.DIRECT_C, weights=weights))
    assert "weights" in fields(complete(rules.DIRECT_C, weights={**WEIGHTS, "value": Decimal(35)}))


def test_a_record_needs_decision_makers_conflicts_and_reasons():
    assert "decision_makers" in fields(complete(rules.DIRECT_A, decision_makers=0))
    assert "conflicts" in fields(complete(rules.DIRECT_A, no_conflicts_declared=False))
    assert "conflicts" in fields(
        complete(rules.DIRECT_A, conflicts=[("Director of the provider", "")])
    )
    assert "conflicts" not in fields(
        complete(rules.DIRECT_A, conflicts=[("Director of the provider", "Left the room")])
    )
    assert "reasons" in fields(complete(rules.DIRECT_A, reasons=" "))


def test_no_award_inside_the_standstill_period():
    """Published 3 March 2025, the standstill ends at midnight at the end of 14 March."""
    assert "award_date" in fields(complete(rules.DIRECT_C, award_date=D(2025, 3, 14)))
    assert "award_date" not in fields(complete(rules.DIRECT_C, award_date=D(2025, 3, 15)))
    assert "intention_published" in fields(complete(rules.DIRECT_C, intention_published=None))
    held = complete(rules.DIRECT_C, representations=D(2025, 3, 10))
    assert "further_decision" in fields(held)
    abandoned = replace(held, further_decision=D(2025, 3, 20), further_decision_kind="abandon")
    assert "further_decision" in fields(abandoned)
    went_ahead = replace(
        held,
        further_decision=D(2025, 3, 20),
        further_decision_kind="proceed",
        award_date=D(2025, 3, 27),
    )
    # 5 working days after Thursday 20 March: 21, 24, 25, 26, 27 March.
    assert "award_date" in fields(went_ahead)
    assert rules.problems(replace(went_ahead, award_date=D(2025, 3, 28))) == []
