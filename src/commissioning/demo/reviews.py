"""The review decisions of the demo's live services, and whether each cites monitoring.

The field study's fourth activity of effective commissioning is "strong monitoring of activity,
finance and quality, used to inform review". Once a development's service is live its board
decides, about every quarter, to continue, change or re-commission it; the decision log records
what each decision rests on. How often a decision cites the service's monitoring charts follows
the study's narrative, not a constant:

- Somerset contracted most formally: a schedule of indicators reported to each review, so most
  of its review decisions cite a monitoring chart.
- Calderdale convened: its reviews rest on monitoring about as often as on what partners said.
- Wirral handed its dementia work over when its lead went to the PCT cluster (March 2012):
  before the handover its reviews cite monitoring about half the time, after it seldom.
- Mereshire, today's integrated care board, has monitoring dashboards most reviews cite.

Every decision is synthetic.
"""

from __future__ import annotations

import datetime as dt

from commissioning.demo import workdays
from commissioning.demo.context import DEMO_TODAY, Build
from commissioning.demo.developments import PLANS, Plan
from commissioning.demo.providers_contracts import era_of
from commissioning.work.models import Decision, EvidenceLink, LinkKind

HANDOVER = dt.date(2012, 3, 1)  # as in commissioning.demo.activities
# The chance that a review decision cites a monitoring chart (before, after Wirral's handover).
CITES_MONITORING = {
    "somerset": (0.85, 0.85),
    "calderdale": (0.55, 0.55),
    "wirral": (0.5, 0.1),
    "mereshire": (0.7, 0.7),
}
CHOICES = [
    "Continue {service} as commissioned",
    "Continue {service}; ask the provider for an action plan on waiting times",
    "Change the specification of {service} at the next contract round",
    "Continue {service}; re-commission it when the contract ends",
]


def _quarters(first: dt.date, last: dt.date) -> list[dt.date]:
    out, year, month = [], first.year, first.month
    while True:
        year, month = (year + (month + 2) // 12, (month + 2) % 12 + 1)
        day = workdays.on_or_after(dt.date(year, month, 15))
        if day > last:
            return out
        out.append(day)


def build_review_decisions(b: Build) -> None:
    """Quarterly review decisions on each live development, from its go-live to the end of its
    era's records (a live service goes on being reviewed after the work of setting it up)."""
    decisions: list[Decision] = []
    cites: list[tuple[int, str, object]] = []  # (index of the decision, kind, what it cites)
    for plan in PLANS:
        plan: Plan
        if plan.go_live is None or plan.community not in CITES_MONITORING or plan.parent:
            continue
        dev = b.developments[plan.slug]
        rng = b.rng(f"reviews:{plan.slug}")
        before, after = CITES_MONITORING[plan.community]
        indicators = [b.indicators[code] for _, code, *_ in plan.objectives if code]
        service = plan.title[:1].lower() + plan.title[1:]
        last = min(era_of(plan.community).last_day, DEMO_TODAY - dt.timedelta(days=1))
        for k, day in enumerate(_quarters(plan.go_live, last)):
            chance = before if day < HANDOVER else after
            cited = bool(indicators) and rng.random() < chance
            decisions.append(
                Decision(
                    development=dev,
                    date=day,
                    title=CHOICES[k % len(CHOICES)].format(service=service),
                    forum=f"{b.communities[plan.community].name} commissioning board",
                    rationale="Synthetic: a quarterly review of the live service.",
                )
            )
            if cited:  # the monitoring chart of one of the development's indicators
                cites.append((len(decisions) - 1, "monitoring", indicators[k % len(indicators)]))
            else:  # the needs assessment of its condition
                cites.append((len(decisions) - 1, "needs", b.conditions[plan.conditions[0]]))
    made = Decision.objects.bulk_create(decisions)
    links = [
        EvidenceLink(decision=made[i], kind=LinkKind.MONITORING, indicator=target)
        if kind == "monitoring"
        else EvidenceLink(decision=made[i], kind=LinkKind.NEEDS, condition=target)
        for i, kind, target in cites
    ]
    EvidenceLink.objects.bulk_create(links)
