"""The records the survey and network pages read, through the access policy.

A community's pages are not for providers ("page not found"), nor for logins outside it; a
survey is one of its community's that the login may read; only the community's commissioners
change a survey; the organisations of a community are those taking part in it.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from commissioning.access import policy
from commissioning.access.communities import community_or_404
from commissioning.access.policy import CHANGE, scope_of
from commissioning.networks.models import Survey
from commissioning.store.models import Role


def community_for(request, code: str):
    """The community with this code if the login may see it; providers get "page not found"."""
    scope = scope_of(request.user)
    if scope is not None and scope.role == Role.PROVIDER:
        raise Http404("Not found")
    return community_or_404(request.user, code)


def survey_for(request, code: str, pk: int):
    """The community and one of its surveys the login may read, or "page not found"."""
    community = community_for(request, code)
    survey = policy.visible_or_404(
        request.user, Survey.objects.filter(community=community).select_related("condition"), pk=pk
    )
    return community, survey


def require_edit(request, survey: Survey) -> None:
    """Refuses (403) a login that may not change the survey."""
    if not policy.can_edit(request.user, survey, CHANGE):
        raise PermissionDenied("Only the community's commissioners change its surveys.")


def organisations_of(community):
    """The organisations taking part in the community, as the access policy counts them."""
    from commissioning.store.models import Organisation

    return Organisation.objects.filter(pk__in=policy.community_organisations(community.pk))
