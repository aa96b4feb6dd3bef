"""Template tags for the Follow button and the report links shown on the app's pages."""

from __future__ import annotations

from django import template
from django.urls import reverse

from commissioning.access.policy import scope_of

register = template.Library()

# The sections of the HTML reports (``reports/content.py``) a page can link straight to.
SECTIONS = {
    "needs": "needs",
    "money": "spend, contracts and reviews",
    "monitoring": "monitoring",
    "impact": "impact",
    "labour": "labour and participation",
    "scorecard": "scorecard",
    "development": "the development",
}


def _pk(obj):
    return getattr(obj, "pk", None) if obj not in (None, "") else None


def _follows(request) -> dict:
    """The signed-in user's subscriptions by (indicator, development, community), once a request."""
    cached = getattr(request, "_reports_follows", None)
    if cached is None:
        from commissioning.reports.models import Subscription

        cached = {}
        rows = Subscription.objects.filter(user=request.user).values_list(
            "pk", "indicator_id", "development_id", "community_id"
        )
        for pk, indicator, development, community in rows.order_by("pk"):
            cached.setdefault((indicator, development, community), pk)
        request._reports_follows = cached
    return cached


@register.simple_tag(takes_context=True)
def follow_state(context, indicator=None, development=None, community=None, anchor=""):
    """What the Follow button for these shows, or None when the user can follow nothing."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or scope_of(user) is None:
        return None
    indicator, development, community = (
        x if x not in ("", None) else None for x in (indicator, development, community)
    )
    if development is not None:
        indicator, community = None, None
    if indicator is None and development is None and community is None:
        return None
    key = (_pk(indicator), _pk(development), _pk(community))
    if indicator is not None:
        name = indicator.name + (f" in {community.name}" if community is not None else "")
    elif development is not None:
        name = development.title
    else:
        name = community.name
    next_url = context.get("follow_next") or (
        request.get_full_path() + (f"#{anchor}" if anchor else "")
    )
    return {
        "following": key in _follows(request),
        "name": name,
        "indicator": _pk(indicator),
        "development": _pk(development),
        "community": _pk(community),
        "next": next_url,
        "key": "-".join(str(k or 0) for k in key),
    }


@register.simple_tag(takes_context=True)
def report_links(context, community=None, development=None, section=""):
    """The PDF, web page and Excel addresses of the report that fits a page, or None when the
    user may not have that report (the report module's own rule decides)."""
    from commissioning.reports.content import _communities

    request = context.get("request")
    if community in (None, "") or request is None:
        return None
    if not _communities(request.user).filter(pk=community.pk).exists():
        return None
    if development not in (None, ""):
        args = [community.code, development.slug]
        name, about = "reports:development", "this development"
    else:
        args = [community.code]
        name, about = "reports:community", community.name
    fragment = f"#section-{section}" if section in SECTIONS else ""
    return {
        "about": about,
        "pdf": reverse(name, args=[*args, "pdf"]),
        "html": reverse(name, args=[*args, "html"]) + fragment,
        "xlsx": reverse(name, args=[*args, "xlsx"]),
        "section": SECTIONS.get(section, ""),
    }
