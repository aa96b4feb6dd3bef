"""A community's monitoring: each indicator series as its SPC chart on the monitoring page
judges it.

Everything comes from the community monitoring page's own result
(:func:`commissioning.monitoring.community.community_series`: every series of the community's
observations that the login may read, worked out once and kept until a record changes): the
same series, in the same order, with the same latest value as shown, variation and assurance
words and caution, and the same limits: recalculated where a commissioner confirmed it (each
such recalculation is listed with its reason, as the chart marks it). A value resting on a small
count is hidden (null, ``latest_hidden`` true), as on the page. Each page of the answer is kept
too, for the login's scope, until a record changes.
"""

from __future__ import annotations

from datetime import date

from ninja import Field, Path, Query, Router, Schema

from commissioning.access.communities import community_or_404
from commissioning.access.policy import scope_of
from commissioning.api.communities import CODE_PATTERN
from commissioning.api.paging import PageQuery, paged
from commissioning.monitoring.community import community_series
from commissioning.store.computed import remembered

router = Router(tags=["monitoring"])


class RecalculationOut(Schema):
    period: date = Field(description="The first period of the new limits")
    reason: str = Field(description="Why the limits were recalculated, as the commissioner gave it")


class SeriesOut(Schema):
    key: str = Field(description="The series' key; its chart on the page is #series-KEY")
    indicator: str = Field(description="Indicator code")
    indicator_name: str
    unit: str
    subject: str = Field(description="The organisation or service the series is of")
    points: int = Field(description="Values shown, from which the mean and limits are worked out")
    latest_period: date | None = Field(description="The latest period with a value recorded")
    latest_value: float | None = Field(
        description="That value as shown; null when it rests on a small count (hidden)"
    )
    latest_hidden: bool = Field(description="True when the latest value is hidden: small numbers")
    mean: float | None
    lower_limit: float | None = Field(description="Lower process limit")
    upper_limit: float | None = Field(description="Upper process limit")
    target: float | None
    variation: str = Field(
        description="Variation of the latest point, in the words of the page's icon"
    )
    variation_kind: str = Field(
        description="common_cause, special_cause_improvement, special_cause_concern, "
        "special_cause_neutral, or none (not judged)"
    )
    assurance: str = Field(description="Assurance against the target, in the words of its icon")
    assurance_kind: str = Field(
        description="consistent_pass, consistent_fail, inconsistent, or none"
    )
    caution: str = Field(description="What to know before trusting the limits; empty when none")
    limits_recalculated: list[RecalculationOut] = Field(
        description="Where the limits were recalculated (confirmed by a commissioner at a "
        "development's go-live), oldest first; the limits given are those of the latest period"
    )


def series_out(s) -> dict:
    latest = s.latest
    summary = s.summary
    return {
        "key": s.key,
        "indicator": s.indicator.code,
        "indicator_name": s.indicator.name,
        "unit": s.indicator.unit,
        "subject": s.subject,
        "points": summary["points"],
        "latest_period": None if latest is None else latest["period"],
        "latest_value": None if latest is None or latest["hidden"] else latest["value"],
        "latest_hidden": bool(latest and latest["hidden"]),
        "mean": summary["mean"],
        "lower_limit": summary["lpl"],
        "upper_limit": summary["upl"],
        "target": summary["target"],
        "variation": s.variation.label,
        "variation_kind": s.variation.kind,
        "assurance": s.assurance.label,
        "assurance_kind": s.assurance.kind,
        "caution": s.caution,
        "limits_recalculated": [
            {"period": r["period"], "reason": r["reason"]} for r in s.recalculations
        ],
    }


@router.get(
    "/communities/{code}/monitoring",
    response=paged(SeriesOut, "SeriesPage"),
    summary="A community's indicator series: latest value, variation, assurance and caution",
    description=(
        "One item per indicator and subject (organisation or service), in the order of the "
        "community's monitoring page, judged as its SPC charts judge them (NHS Making Data "
        "Count). Only observations your login may read are used. A value resting on a count "
        "of patients the small-numbers rule hides is never given."
    ),
)
def list_series(
    request, query: Query[PageQuery], code: str = Path(..., pattern=CODE_PATTERN, max_length=40)
):
    user = request.user
    community = community_or_404(user, code)

    def answer() -> dict:
        # the page's own result: the same series, worked out once for the login's scope
        computed, _ = community_series(user, community)
        found = computed.page(query.page, render=False, page_size=query.page_size)
        shown = found.shown if query.page <= found.pages else []
        return {
            "count": len(found.series),
            "page": query.page,
            "page_size": query.page_size,
            "items": [series_out(s) for s in shown],
        }

    # Kept until a record changes, for what the login may see (its scope) and the page asked
    # for; as objects, among the most recent of these answers alone (a client paging through an
    # ICB's thousands of series pushes out only earlier answers, never a page's result). Read
    # only: the answer is never changed.
    return remembered(
        "community monitoring answer",
        (repr(scope_of(user)), community.code, query.page, query.page_size),
        answer,
        shared=True,
    )
