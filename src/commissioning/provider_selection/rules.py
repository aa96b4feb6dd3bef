"""What each provider selection process requires, and what a finalised record must hold (pure).

From the Health Care Services (Provider Selection Regime) Regulations 2023 (SI 2023/1348, in
force 1 January 2024; as amended by the Procurement Act 2023 (Consequential and Other Amendments)
Regulations 2025, which moved notices to the central digital platform and added exclusion and
debarment, regulations 20-20D) and NHS England's statutory guidance (updated April 2025):

- regulation 5: the key criteria (quality and innovation; value; integration, collaboration and
  service sustainability; improving access, reducing health inequalities and facilitating
  choice; social value), which the authority weighs by their relative importance;
- regulation 6(3): Direct Award Process A must be followed where there is an existing provider,
  the services are capable of being provided only by that provider, and it is not a framework;
- regulation 6(4): Direct Award Process B must be followed where patients are offered a choice
  of provider, the number of providers is not restricted, contracts are offered to all providers
  who meet the requirements, there are arrangements for providers to express an interest, and it
  is not a framework;
- regulation 6(5): Direct Award Process C may be followed where A and B do not apply, an existing
  contract is due to expire and is to be replaced by a new one, the considerable change threshold
  is not met, and the existing provider is satisfying the existing contract and will likely
  satisfy the proposed one to a sufficient standard;
- regulation 6(10)-(12): the considerable change threshold is met where the proposed
  arrangements are materially different in character from the existing contract, or where the
  change is attributable to the authority's decision and the lifetime value is at least
  £500,000 and at least 25% higher than the existing contract's when it was entered into;
- regulations 9, 10 and 11: assessing the existing provider (C), the providers considered (most
  suitable provider) or every bidder (competitive) against the key criteria and the basic
  selection criteria (regulation 19); notice of intention to follow the most suitable provider
  process (10) and the contract notice (11); a notice of intention to award before the standstill
  period (9(3), 10(7), 11(9));
- regulation 12: no award before the end of the standstill period (see :mod:`.standstill`);
- regulation 21: conflicts of interest declared and managed;
- regulation 24: the record: the provider awarded and its address, the decision-making process
  and who decided, how the key criteria were taken into account and the basic selection criteria
  assessed (C and most suitable provider) or the award criteria evaluated (competitive), the
  reasons, and the declared conflicts of interest and how they were managed.

:func:`problems` lists everything that stops a record from being finalised, each with the
regulation behind it. A record with no problems may be finalised.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from commissioning.provider_selection.standstill import standstill

DIRECT_A, DIRECT_B, DIRECT_C = "direct_award_a", "direct_award_b", "direct_award_c"
MOST_SUITABLE, COMPETITIVE = "most_suitable_provider", "competitive"
PROCESSES = {
    DIRECT_A: "Direct Award Process A",
    DIRECT_B: "Direct Award Process B",
    DIRECT_C: "Direct Award Process C",
    MOST_SUITABLE: "Most Suitable Provider Process",
    COMPETITIVE: "Competitive Process",
}
#: the processes after which a notice of intention and a standstill period come (regulation 12)
WITH_STANDSTILL = (DIRECT_C, MOST_SUITABLE, COMPETITIVE)
#: the processes whose record says how the key criteria were weighed (regulation 24(e), (f))
ASSESSED = WITH_STANDSTILL

CRITERIA = {
    "quality_innovation": "Quality and innovation",
    "value": "Value",
    "integration": "Integration, collaboration and service sustainability",
    "access": "Improving access, reducing health inequalities and facilitating choice",
    "social_value": "Social value",
}
CONSIDERABLE_VALUE = Decimal("500000")
CONSIDERABLE_SHARE = Decimal("0.25")
AWARD_NOTICE_DAYS = 30


@dataclass(frozen=True)
class Problem:
    field: str  # the form field or section it concerns
    message: str
    regulation: str  # e.g. "regulation 6(5)"

    def __str__(self) -> str:
        return f"{self.message} ({self.regulation})"


@dataclass
class Considered:
    """A provider considered (the existing provider, a provider assessed, or a bidder)."""

    provider: int
    name: str
    meets_basic_selection: bool | None
    scores: dict[str, Decimal | None] = field(default_factory=dict)  # criterion -> score


@dataclass
class Facts:
    """What a decision record says, as plain values."""

    process: str
    services: int = 0
    estimated_value: Decimal | None = None
    contract_start: dt.date | None = None
    contract_end: dt.date | None = None
    chosen_provider: int | None = None
    existing_provider: int | None = None  # the provider of the existing contract, if any
    existing_contract_end: dt.date | None = None
    existing_lifetime_value: Decimal | None = None
    framework: bool = False
    only_existing_capable: bool | None = None
    patient_choice: bool | None = None
    providers_unrestricted: bool | None = None
    offered_to_all: bool | None = None
    expressions_of_interest: bool | None = None
    existing_satisfactory: bool | None = None
    materially_different: bool | None = None
    change_by_authority: bool | None = None
    can_identify_most_suitable: bool | None = None
    weights: dict[str, Decimal] = field(default_factory=dict)
    considered: list[Considered] = field(default_factory=list)
    decision_makers: int = 0
    forum: str = ""
    conflicts: list[tuple[str, str]] = field(default_factory=list)  # (interest, how managed)
    no_conflicts_declared: bool = False
    reasons: str = ""
    process_notice: dt.date | None = None  # intention to follow MSP (10) / contract notice (11)
    intention_published: dt.date | None = None
    representations: dt.date | None = None
    further_decision: dt.date | None = None
    further_decision_kind: str = ""  # proceed, repeat or abandon
    award_date: dt.date | None = None
    award_notice: dt.date | None = None


def considerable_change(facts: Facts) -> bool | None:
    """Whether the considerable change threshold (regulation 6(10)-(12)) is met; None when the
    record does not yet say enough to tell."""
    if facts.materially_different:
        return True
    if facts.materially_different is None or facts.change_by_authority is None:
        return None
    if not facts.change_by_authority:
        return False
    new, old = facts.estimated_value, facts.existing_lifetime_value
    if new is None or old is None:
        return None
    increase = new - old
    return increase >= CONSIDERABLE_VALUE and increase >= CONSIDERABLE_SHARE * old


def _must_follow_a(f: Facts) -> bool:
    return bool(f.existing_provider and f.only_existing_capable and not f.framework)


def _must_follow_b(f: Facts) -> bool:
    return bool(
        f.patient_choice
        and f.providers_unrestricted
        and f.offered_to_all
        and f.expressions_of_interest
        and not f.framework
    )


def _yes(p: list[Problem], value, name: str, message: str, regulation: str) -> None:
    if value is not True:
        p.append(Problem(name, message, regulation))


def preconditions(f: Facts) -> list[Problem]:
    """The conditions under which the record's process may (or must) be followed."""
    p: list[Problem] = []
    if f.process not in PROCESSES:
        return [Problem("process", "Choose the provider selection process", "regulation 6")]
    if f.process == DIRECT_A:
        if not f.existing_provider:
            p.append(
                Problem("existing_contract", "Name the existing contract", "regulation 6(3)(a)")
            )
        _yes(
            p,
            f.only_existing_capable,
            "only_existing_capable",
            "Direct Award Process A needs the services to be capable of being provided only by "
            "the existing provider",
            "regulation 6(3)(b)",
        )
        if f.chosen_provider and f.existing_provider and f.chosen_provider != f.existing_provider:
            p.append(
                Problem(
                    "chosen_provider",
                    "Direct Award Process A awards the contract to the existing provider",
                    "regulation 6(3)",
                )
            )
    elif f.process == DIRECT_B:
        for name, value, text, reg in (
            ("patient_choice", f.patient_choice, "patients are offered a choice of provider", "a"),
            (
                "providers_unrestricted",
                f.providers_unrestricted,
                "the number of providers is not restricted",
                "b",
            ),
            (
                "offered_to_all",
                f.offered_to_all,
                "contracts are offered to every provider that meets the requirements",
                "c",
            ),
            (
                "expressions_of_interest",
                f.expressions_of_interest,
                "providers can express an interest",
                "d",
            ),
        ):
            _yes(p, value, name, f"Direct Award Process B needs: {text}", f"regulation 6(4)({reg})")
    elif f.process == DIRECT_C:
        if _must_follow_a(f):
            p.append(
                Problem(
                    "only_existing_capable",
                    "Only the existing provider can provide these services: Direct Award "
                    "Process A must be followed",
                    "regulation 6(3), 6(5)(a)",
                )
            )
        if _must_follow_b(f):
            p.append(
                Problem(
                    "patient_choice",
                    "Patients choose among unrestricted providers: Direct Award Process B must "
                    "be followed",
                    "regulation 6(4), 6(5)(a)",
                )
            )
        if not f.existing_provider:
            p.append(
                Problem(
                    "existing_contract",
                    "Direct Award Process C replaces an existing contract that is due to expire: "
                    "name it",
                    "regulation 6(5)(b)",
                )
            )
        elif f.chosen_provider and f.chosen_provider != f.existing_provider:
            p.append(
                Problem(
                    "chosen_provider",
                    "Direct Award Process C awards the new contract to the existing provider",
                    "regulation 6(5)",
                )
            )
        change = considerable_change(f)
        if change is None:
            p.append(
                Problem(
                    "materially_different",
                    "Say whether the proposed contract is materially different in character and "
                    "whether the change is the authority's decision, with both lifetime values",
                    "regulation 6(10)-(12)",
                )
            )
        elif change:
            p.append(
                Problem(
                    "materially_different",
                    "The considerable change threshold is met: Direct Award Process C cannot be "
                    "followed (use the most suitable provider or competitive process)",
                    "regulation 6(5)(c), 6(10)-(12)",
                )
            )
        _yes(
            p,
            f.existing_satisfactory,
            "existing_satisfactory",
            "Direct Award Process C needs the existing provider to be satisfying the existing "
            "contract and likely to satisfy the new one to a sufficient standard",
            "regulation 6(5)(d)",
        )
    elif f.process == MOST_SUITABLE:
        if _must_follow_a(f) or _must_follow_b(f):
            p.append(
                Problem(
                    "process",
                    "Direct Award Process A or B must be followed here",
                    "regulation 6(3), 6(4)",
                )
            )
        _yes(
            p,
            f.can_identify_most_suitable,
            "can_identify_most_suitable",
            "The most suitable provider process needs the authority to be able to identify the "
            "most suitable provider without a competition",
            "regulation 6, 10",
        )
        if f.process_notice is None:
            p.append(
                Problem(
                    "process_notice",
                    "Publish the notice of intention to follow the most suitable provider process",
                    "regulation 10",
                )
            )
    elif f.process == COMPETITIVE:
        if _must_follow_a(f) or _must_follow_b(f):
            p.append(
                Problem(
                    "process",
                    "Direct Award Process A or B must be followed here",
                    "regulation 6(3), 6(4)",
                )
            )
        if f.process_notice is None:
            p.append(Problem("process_notice", "Publish the contract notice", "regulation 11"))
    if f.framework and f.process in (DIRECT_A, DIRECT_B, DIRECT_C, MOST_SUITABLE):
        p.append(
            Problem(
                "framework",
                "A framework agreement is concluded only by the competitive process",
                "regulation 6, 16",
            )
        )
    return p


def assessment_problems(f: Facts) -> list[Problem]:
    """The key criteria, their weights and each provider's assessment (regulations 5, 24)."""
    if f.process not in ASSESSED:
        return []
    p: list[Problem] = []
    missing = [label for key, label in CRITERIA.items() if key not in f.weights]
    if missing:
        p.append(
            Problem(
                "weights",
                "Weigh every key criterion (missing: " + "; ".join(missing) + ")",
                "regulation 5",
            )
        )
    elif sum(f.weights.values()) != 100:
        total = sum(f.weights.values())
        p.append(Problem("weights", f"The weights add up to {total:g}, not 100", "regulation 5"))
    chosen = [c for c in f.considered if c.provider == f.chosen_provider]
    if f.chosen_provider and not chosen:
        what = {DIRECT_C: "the existing provider", COMPETITIVE: "the winning bidder"}.get(
            f.process, "the chosen provider"
        )
        p.append(Problem("assessments", f"Record the assessment of {what}", "regulation 24"))
    if f.process == COMPETITIVE and not f.considered:
        p.append(Problem("assessments", "Record every bidder's assessment", "regulation 24(f)"))
    for c in f.considered:
        gaps = [CRITERIA[k] for k in CRITERIA if k in f.weights and c.scores.get(k) is None]
        if gaps:
            p.append(
                Problem(
                    "assessments",
                    f"Assess {c.name} against every key criterion (missing: "
                    + "; ".join(gaps)
                    + ")",
                    "regulation 24(e)" if f.process != COMPETITIVE else "regulation 24(f)",
                )
            )
        if c.meets_basic_selection is None:
            p.append(
                Problem(
                    "assessments",
                    f"Say whether {c.name} meets the basic selection criteria",
                    "regulation 19, 24(e)",
                )
            )
    for c in chosen:
        if c.meets_basic_selection is False:
            p.append(
                Problem(
                    "chosen_provider",
                    f"{c.name} does not meet the basic selection criteria and cannot be chosen",
                    "regulation 19",
                )
            )
    return p


def record_problems(f: Facts) -> list[Problem]:
    """What regulation 24 asks every record to hold."""
    p: list[Problem] = []
    if f.services < 1:
        p.append(Problem("services", "Name the services the contract covers", "regulation 24"))
    if f.estimated_value is None:
        p.append(Problem("estimated_value", "Give the estimated lifetime value", "Schedules 3, 10"))
    if f.contract_start is None or f.contract_end is None:
        p.append(Problem("contract_start", "Give the contract's start and end", "regulation 24"))
    elif f.contract_end < f.contract_start:
        p.append(Problem("contract_end", "The contract ends before it starts", "regulation 24"))
    if not f.chosen_provider:
        p.append(Problem("chosen_provider", "Name the provider chosen", "regulation 24(a)"))
    if f.decision_makers < 1:
        p.append(
            Problem(
                "decision_makers",
                "Name the individuals who made the decision",
                "regulation 24(d)",
            )
        )
    if not f.forum.strip():
        p.append(
            Problem(
                "forum",
                "Say where the decision was made (the committee or forum)",
                "regulation 24(d)",
            )
        )
    if not f.conflicts and not f.no_conflicts_declared:
        p.append(
            Problem(
                "conflicts",
                "Record the conflicts of interest declared, or confirm that none were declared",
                "regulation 21, 24",
            )
        )
    for interest, managed in f.conflicts:
        if not managed.strip():
            p.append(
                Problem(
                    "conflicts",
                    f"Say how the conflict of interest “{interest}” was managed",
                    "regulation 21, 24",
                )
            )
    if not f.reasons.strip():
        p.append(Problem("reasons", "Give the reasons for the decision", "regulation 24"))
    return p


def date_problems(f: Facts) -> list[Problem]:
    """The notices and the standstill period (regulations 9-12)."""
    p: list[Problem] = []
    if f.award_date is None:
        p.append(Problem("award_date", "Give the date the contract was awarded", "regulation 24"))
    if f.process in WITH_STANDSTILL:
        if f.intention_published is None:
            p.append(
                Problem(
                    "intention_published",
                    "Give the date the notice of intention to award was published",
                    "regulation 9(3), 10(7), 11(9)",
                )
            )
        else:
            if f.process_notice and f.process_notice > f.intention_published:
                p.append(
                    Problem(
                        "process_notice",
                        "The process notice comes before the notice of intention to award",
                        "regulation 10, 11",
                    )
                )
            period = standstill(f.intention_published, f.representations, f.further_decision)
            if period.held_open and f.further_decision_kind in ("repeat", "abandon"):
                p.append(
                    Problem(
                        "further_decision",
                        "After the representations the authority decided not to go ahead with "
                        "this award",
                        "regulation 12(4)(d)",
                    )
                )
            elif period.held_open and f.further_decision is None:
                p.append(
                    Problem(
                        "further_decision",
                        "Representations were made: record the further decision before the award",
                        "regulation 12(4)",
                    )
                )
            elif f.award_date is not None and f.award_date < period.earliest_award:
                p.append(
                    Problem(
                        "award_date",
                        f"The award on {f.award_date:%-d %B %Y} falls inside the standstill "
                        f"period, which ends at midnight at the end of {period.ends:%-d %B %Y}",
                        "regulation 12(1)",
                    )
                )
    if f.award_notice and f.award_date and f.award_notice < f.award_date:
        p.append(
            Problem("award_notice", "The award notice comes after the award", "regulation 9-11")
        )
    return p


def problems(f: Facts) -> list[Problem]:
    """Everything that stops the record from being finalised."""
    return preconditions(f) + assessment_problems(f) + record_problems(f) + date_problems(f)


def award_notice_due(f: Facts) -> dt.date | None:
    """The last day for the award notice: 30 days after the award (regulations 7-11)."""
    if f.award_date is None:
        return None
    return f.award_date + dt.timedelta(days=AWARD_NOTICE_DAYS)
