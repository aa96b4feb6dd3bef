"""Who may see what: the one place that decides which commissioning communities a login sees.

- Administrators (superusers, staff, or a profile with the administrator role) see every
  community.
- Everyone else sees only the community on their profile (commissioners, providers and viewers
  alike); a login without a profile sees none.
- Viewers see contracts without their values.

Pages ask for a community through :func:`community_or_404`, so a community the user may not see
answers "page not found", exactly like one that does not exist. The rules themselves live in
:mod:`commissioning.access.policy`, the one mechanism shared by pages, API, admin and reports.
"""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404

from commissioning.access import policy
from commissioning.store.models import CommissioningCommunity, Contract, Grouping, Role, Spend

is_admin = policy.is_admin


def visible_communities(user):
    """The commissioning communities ``user`` may see, as a queryset."""
    return policy.visible(user, CommissioningCommunity)


def community_or_404(user, code: str) -> CommissioningCommunity:
    """The community with this code if ``user`` may see it; otherwise "page not found"."""
    return policy.visible_or_404(
        user, CommissioningCommunity.objects.select_related("commissioner"), code=code
    )


def sees_contract_values(user) -> bool:
    """Viewers see that contracts exist but not what they are worth."""
    return "annual_value" not in policy.hidden_fields(user, Contract)


def sees_money(user) -> bool:
    """Viewers see no spend amounts (nor contract values)."""
    return "amount" not in policy.hidden_fields(user, Spend)


def refuse_providers(user) -> None:
    """Pages of a whole community's work and needs are not for providers: "not found"."""
    scope = policy.scope_of(user)
    if scope is not None and scope.role == Role.PROVIDER:
        raise Http404("Not found")


def community_groupings(user, community):
    """The groupings ``user`` may read that a community may use: its own and shared ones."""
    return (
        policy.visible(user, Grouping)
        .filter(Q(community=community) | Q(community__isnull=True))
        .select_related("community", "anchor")
    )


def grouping_or_404(user, community, code: str) -> Grouping:
    return policy.visible_or_404(user, community_groupings(user, community), code=code)
