"""Contract performance records read through the access policy.

:func:`register_access_rules` adds this app's rules to :mod:`commissioning.access.policy`
(from the app's ``ready``): every record belongs to its contract's community; providers read the
records of their own organisation's contracts only; viewers never see money (prices, planned
and actual costs, variation values, challenge values). Everything else here reads through the
policy, so a contract the user may not read is "not found".
"""

from __future__ import annotations

from django.db.models import Prefetch, Q

from commissioning.access import policy
from commissioning.access.policy import Rule
from commissioning.contracts.models import (
    ActivityChallenge,
    ContractLine,
    ContractVariation,
    IncentiveIndicator,
    Milestone,
    MonthlyActual,
    MonthlyPlan,
)
from commissioning.store.models import Contract, IncentiveScheme, Observation


def register_access_rules() -> None:
    own = {"providers": "own"}
    policy.register_rules(
        {
            ContractLine: Rule(
                community="contract__community",
                provider=("contract__provider",),
                money=("price",),
                **own,
            ),
            MonthlyPlan: Rule(
                community="line__contract__community",
                provider=("line__contract__provider",),
                money=("cost",),
                **own,
            ),
            MonthlyActual: Rule(
                community="line__contract__community",
                provider=("line__contract__provider",),
                money=("cost",),
                **own,
            ),
            ContractVariation: Rule(
                community="contract__community",
                provider=("contract__provider",),
                money=("value_change",),
                **own,
            ),
            IncentiveIndicator: Rule(
                community="scheme__contract__community",
                provider=("scheme__contract__provider",),
                **own,
            ),
            Milestone: Rule(
                community="indicator__scheme__contract__community",
                provider=("indicator__scheme__contract__provider",),
                **own,
            ),
            ActivityChallenge: Rule(
                community="contract__community",
                provider=("contract__provider",),
                money=("value", "value_agreed"),
                **own,
            ),
        }
    )


def sees_money(user) -> bool:
    """Viewers see activity but no money."""
    return "price" not in policy.hidden_fields(user, ContractLine)


def contracts(user, community):
    """The community's contracts ``user`` may read."""
    return (
        policy.visible(user, Contract)
        .filter(community=community)
        .select_related("provider", "commissioner", "community")
        .order_by("reference")
    )


def contract_or_404(user, community, reference: str) -> Contract:
    return policy.visible_or_404(
        user,
        Contract.objects.select_related("provider", "commissioner", "community"),
        community=community,
        reference=reference,
    )


def lines(user, contract) -> list[ContractLine]:
    return list(policy.visible(user, ContractLine).filter(contract=contract).order_by("code"))


def monthly(user, model, contract) -> list[dict]:
    """Plans or actuals of a contract as rows: line id, month, activity, cost."""
    return list(
        policy.visible(user, model)
        .filter(line__contract=contract)
        .values("line_id", "month", "activity", "cost")
        .order_by("line_id", "month")
    )


def variations(user, contract) -> list[ContractVariation]:
    return list(
        policy.visible(user, ContractVariation).filter(contract=contract).order_by("number")
    )


def challenges(user, contract) -> list[ActivityChallenge]:
    return list(
        policy.visible(user, ActivityChallenge)
        .filter(contract=contract)
        .select_related("line")
        .order_by("raised", "reference")
    )


def schemes(user, contract) -> list[IncentiveScheme]:
    """The contract's incentive schemes with their indicators and milestones (what ``user``
    may read of each)."""
    milestones = policy.visible(user, Milestone).order_by("due", "pk")
    indicators = (
        policy.visible(user, IncentiveIndicator)
        .select_related("indicator")
        .prefetch_related(Prefetch("milestones", queryset=milestones))
        .order_by("code")
    )
    return list(
        policy.visible(user, IncentiveScheme)
        .filter(contract=contract)
        .prefetch_related(Prefetch("indicators", queryset=indicators))
        .order_by("financial_year", "scheme")
    )


def monitored_values(user, contract, indicator_ids: set[int]) -> dict[int, list[tuple]]:
    """(period, value, target) of each monitored indicator for the contract's services and
    provider, oldest first: what milestones are judged from when nobody has recorded them."""
    if not indicator_ids:
        return {}
    rows = (
        policy.visible(user, Observation)
        .filter(indicator_id__in=indicator_ids, value__isnull=False)
        .filter(
            policy.observations_of_community(contract.community_id)
            & (Q(service__in=contract.services.values("pk")) | Q(organisation=contract.provider_id))
        )
        .values_list("indicator_id", "period", "value")
        .order_by("indicator_id", "period")
    )
    out: dict[int, list[tuple]] = {}
    for indicator_id, period, value in rows:
        out.setdefault(indicator_id, []).append((period, value))
    return out


def can_change(user, contract) -> bool:
    """Whether ``user`` may record variations, challenges and achievement for ``contract``."""
    probe = ContractVariation(contract=contract)
    return policy.can_edit(user, probe, policy.ADD)
