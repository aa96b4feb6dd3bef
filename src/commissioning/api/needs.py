"""Needs assessment: each condition's headline figures for a community, laid out from the needs
presenter (:func:`commissioning.needs.presenter.community_needs`), the same figures as the needs
pages and the board report. Nothing is worked out here: the presenter's result is kept until a
record changes, for the login's scope, and shared with the board report's needs section.

Counts are shown under the small-numbers rule: a hidden count, and a rate that would give it
back, is ``"*"``. Providers are refused ("not found"), as on the needs pages.
"""

from __future__ import annotations

from datetime import date

from ninja import Path, Router, Schema

from commissioning.access.communities import community_or_404, refuse_providers
from commissioning.api.communities import CODE_PATTERN
from commissioning.needs.presenter import community_needs

router = Router(tags=["needs"])

#: A figure: a number, "*" where the small-numbers rule hides it, or null when not known.
Figure = int | float | str | None


class StandardisedOut(Schema):
    kind: str  # "dsr" (directly standardised rate) or "isr" (indirectly standardised ratio)
    name: str
    value: Figure
    lower: Figure
    upper: Figure


class DiagnosisRateOut(Schema):
    name: str  # "Modelled diagnosis rate" or "Recorded diagnosis rate": they differ on purpose
    what: str
    label: str
    indicator: str
    subject: str
    date: date
    recorded: Figure
    expected: Figure
    gap: Figure
    rate: Figure
    lower: Figure
    upper: Figure


class TrendYearOut(Schema):
    year: str
    period_end: date
    register_size: Figure  # people on the register
    list_size: Figure
    denominator: str  # which patients the year's lists count
    list_types: list[str]
    prevalence: Figure
    lower: Figure
    upper: Figure
    definition_changed: str  # the note on the year the definition changed, else ""


class ConditionNeedsOut(Schema):
    condition: str
    slug: str
    period_end: date
    year: str
    practices: int
    register_size: Figure  # people on the register
    list_size: Figure
    list_types: list[str]
    denominator: str
    prevalence: Figure
    prevalence_lower: Figure
    prevalence_upper: Figure
    interval: str
    standardised: StandardisedOut | None
    diagnosis: list[DiagnosisRateOut]
    trend: list[TrendYearOut]


class CommunityNeedsOut(Schema):
    community: str
    practices: int
    patients: Figure
    patients_date: date | None
    conditions: list[ConditionNeedsOut]
    recorded_diagnosis: list[DiagnosisRateOut]


LAID_OUT = ("register_size", "diagnosis", "trend")


def _rate(r: dict) -> dict:
    return {k: r[k] for k in DiagnosisRateOut.model_fields}


def _condition(page: dict) -> dict:
    h = page["headline"]
    return {
        **{k: h[k] for k in ConditionNeedsOut.model_fields if k not in LAID_OUT},
        "register_size": h["register"],
        "diagnosis": [_rate(r) for r in h["diagnosis"]],
        "trend": [
            {
                "year": r["year"],
                "period_end": r["period_end"],
                "register_size": r["register_value"],
                "list_size": r["list_size_value"],
                "denominator": r["denominator"],
                "list_types": r["list_types"],
                "prevalence": r["prevalence_value"],
                "lower": r["lower"],
                "upper": r["upper"],
                "definition_changed": r["change"],
            }
            for r in page["trend"]["rows"]
        ],
    }


@router.get(
    "/communities/{code}/needs",
    response=CommunityNeedsOut,
    summary="Needs of a community: registers, prevalence, standardised and diagnosis rates",
)
def community_needs_out(request, code: str = Path(..., pattern=CODE_PATTERN, max_length=40)):
    refuse_providers(request.user)
    community = community_or_404(request.user, code)
    found = community_needs(request.user, community)
    return {
        "community": community.code,
        "practices": found["practices"],
        "patients": found["patients"],
        "patients_date": found["patients_date"],
        "conditions": [_condition(page) for page in found["conditions"]],
        "recorded_diagnosis": [_rate(r) for r in found["recorded"]],
    }
