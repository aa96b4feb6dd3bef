"""Who may see what: the one place that decides which commissioning communities a login sees.

- Administrators (superusers, staff, or a profile with the administrator role) see every
  community.
- Everyone else sees only the community on their profile (commissioners, providers and viewers
  alike); a login without a profile sees none.
- Viewers see contracts without their values.

Pages ask for a community through :func:`community_or_404`, so a community the user may not see
answers "page not found", exactly like one that does not exist.
"""

from __future__ import annotations

from django.http import Http404

from commissioning.store.models import CommissioningCommunity, Profile, Role


def _profile(user) -> Profile | None:
    if not user.is_authenticated:
        return None
    try:
        return user.profile
    except Profile.DoesNotExist:
        return None


def is_admin(user) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser or user.is_staff:
        return True
    profile = _profile(user)
    return profile is not None and profile.role == Role.ADMIN


def visible_communities(user):
    """The commissioning communities ``user`` may see, as a queryset."""
    communities = CommissioningCommunity.objects.all()
    if is_admin(user):
        return communities
    profile = _profile(user)
    if profile is None or profile.community_id is None:
        return communities.none()
    return communities.filter(pk=profile.community_id)


def community_or_404(user, code: str) -> CommissioningCommunity:
    """The community with this code if ``user`` may see it; otherwise "page not found"."""
    community = visible_communities(user).select_related("commissioner").filter(code=code).first()
    if community is None:
        raise Http404("No such commissioning community")
    return community


def sees_contract_values(user) -> bool:
    """Viewers see that contracts exist but not what they are worth."""
    if is_admin(user):
        return True
    profile = _profile(user)
    return profile is not None and profile.role != Role.VIEWER
