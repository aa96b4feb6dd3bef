"""A community's effective-commissioning scorecard: its nine measures as the page gives them.

The card comes from :func:`commissioning.work.presenter.community_scorecard`, the one card the
practice-of-commissioning page, the community's board report and the report across communities
show; it is kept until a record changes (:func:`commissioning.work.presenter.kept_scorecard`,
shared with each measure's page). As on the page, providers (who do not see a community's
commissioning work) get "not found", and logins that see no money get no numerator or
denominator for the measures that are sums of money (the share, which gives no amount, is
given): the money is left out here, on every request, from the card kept for everyone.
"""

from __future__ import annotations

from datetime import date

from ninja import Field, Path, Router, Schema

from commissioning.access.communities import community_or_404, refuse_providers, sees_money
from commissioning.api.communities import CODE_PATTERN
from commissioning.work.presenter import kept_scorecard
from commissioning.work.tables import MONEY_MEASURES

router = Router(tags=["practice of commissioning"])


class MeasureOut(Schema):
    id: str
    name: str
    definition: str
    numerator_definition: str
    denominator_definition: str
    numerator: float | None = Field(
        description="Null for a measure of money (pounds) when your login sees no money"
    )
    denominator: float | None = Field(
        description="Null for a measure of money (pounds) when your login sees no money"
    )
    money: bool = Field(description="True when the numerator and denominator are pounds")
    value: float | None = Field(description="The share, from 0 to 1; null when no data")
    status: str = Field(description="met, partly met, not met or no data")


class ScorecardOut(Schema):
    community: str
    start: date | None = Field(description="The first day the measures count; null: from the start")
    as_of: date = Field(description="The last day the measures count: the latest dated record")
    measures: list[MeasureOut]


@router.get(
    "/communities/{code}/scorecard",
    response=ScorecardOut,
    summary="A community's effective-commissioning scorecard: nine measures and their status",
    description=(
        "Each measure with its numerator, denominator, value (a share) and status, as the "
        "community's practice-of-commissioning page and board report give them. Not for "
        "providers. Money is left out for logins that see no money."
    ),
)
def get_scorecard(request, code: str = Path(..., pattern=CODE_PATTERN, max_length=40)):
    refuse_providers(request.user)
    community = community_or_404(request.user, code)
    money = sees_money(request.user)
    card = kept_scorecard(community.code)
    measures = []
    for m in card.measures:
        hidden = m.id in MONEY_MEASURES and not money
        measures.append(
            {
                "id": m.id,
                "name": m.name,
                "definition": m.definition,
                "numerator_definition": m.numerator_definition,
                "denominator_definition": m.denominator_definition,
                "numerator": None if hidden else float(m.numerator),
                "denominator": None if hidden else float(m.denominator),
                "money": m.id in MONEY_MEASURES,
                "value": m.value,
                "status": m.status,
            }
        )
    return {
        "community": community.code,
        "start": None if card.start is None else card.start.date(),
        "as_of": card.as_of.date(),
        "measures": measures,
    }
