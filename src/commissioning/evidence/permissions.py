"""Who sees which evidence, following the central access policy.

- Evidence belongs to a community: only logins that see the community see its evidence.
- Confidential evidence is seen only by the community's commissioners and by administrators;
  providers and viewers see public and internal evidence.
- Commissioners of the community and administrators add and code evidence and review calendar
  proposals.
"""

from __future__ import annotations

from django.http import Http404

from commissioning.access.policy import scope_of
from commissioning.store.models import CommissioningCommunity, Role


def visible_evidence(user, queryset=None):
    from commissioning.evidence.models import Confidentiality, Evidence

    qs = Evidence.objects.all() if queryset is None else queryset
    scope = scope_of(user)
    if scope is None:
        return qs.none()
    if scope.is_admin:
        return qs
    qs = qs.filter(community_id=scope.community_id)
    if scope.role != Role.COMMISSIONER:
        qs = qs.exclude(confidentiality=Confidentiality.CONFIDENTIAL)
    return qs


def community_or_404(user, code: str) -> CommissioningCommunity:
    scope = scope_of(user)
    qs = CommissioningCommunity.objects.filter(code=code)
    if scope is None:
        raise Http404("No such commissioning community")
    if not scope.is_admin:
        qs = qs.filter(pk=scope.community_id)
    community = qs.first()
    if community is None:
        raise Http404("No such commissioning community")
    return community


def can_change(user, community) -> bool:
    scope = scope_of(user)
    if scope is None:
        return False
    return scope.is_admin or (
        scope.role == Role.COMMISSIONER and scope.community_id == community.pk
    )
