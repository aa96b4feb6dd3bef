"""Monitoring pages: SPC charts of the indicators of a community, a development or a contract."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from commissioning.access.communities import community_or_404
from commissioning.access.policy import scope_of, visible, visible_or_404
from commissioning.monitoring.community import community_series
from commissioning.monitoring.presenter import (
    ASSURANCES,
    VARIATIONS,
    build,
    development_annotations,
)
from commissioning.monitoring.recalculations import (
    AlreadyDecided,
    decide,
    go_lives,
    may_decide,
    parse_series,
    reason_problems,
    recorded,
)
from commissioning.monitoring.records import community_observations, latest_period
from commissioning.monitoring.rules import MINIMUM_VALUES, SHIFT_RUN
from commissioning.store.computed import remembered
from commissioning.store.models import Activity, Contract, Indicator, ServiceDevelopment


def _crumbs(community, *extra):
    return [
        {"label": "Commissioning communities", "url": reverse("home")},
        {"label": community.name, "url": reverse("community", args=[community.code])},
        *extra,
    ]


CELL = ("variation", "assurance")  # the matrix cell the charts may be narrowed to


def _paging(request) -> dict:
    """The ``page``, ``indicator`` and matrix cell asked for: a page that is not a whole number
    is the first; a cell is a known variation and a known assurance, or none."""
    raw = request.GET.get("page", "")
    page = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else 1
    variation, assurance = (request.GET.get(name) for name in CELL)
    if variation not in dict(VARIATIONS) or assurance not in dict(ASSURANCES):
        variation = assurance = None
    return {
        "page": page,
        "indicator": request.GET.get("indicator") or None,
        "variation": variation,
        "assurance": assurance,
    }


def _query(request, *, keep_cell: bool = True, **values) -> str:
    """This page's query (its grouping, its limits, its matrix cell unless not ``keep_cell``)
    with ``values`` set: a link's ``?...``."""
    query = request.GET.copy()
    for name in ("page", "indicator", "series", *(() if keep_cell else CELL)):
        query.pop(name, None)
    for name, value in values.items():
        if value not in (None, ""):
            query[name] = str(value)
    return query.urlencode()


def _matrix_rows(monitoring, href, kept: str) -> list[dict]:
    """The summary matrix with each cell's links made (many at ICB scale: not in the template).

    ``href(series)`` links to one chart; a group of more than a page of one indicator's charts
    gets one link to those charts (``kept`` is the query every link keeps, ending in ``&``).
    """
    rows = []
    for row in monitoring.matrix:
        cells = []
        for cell in row["cells"]:
            links = []
            for group in cell["groups"]:
                if group["grouped"]:  # one link to the charts of this indicator in this cell
                    asked = urlencode(
                        {
                            "indicator": group["indicator"].code,
                            "variation": row["variation"],
                            "assurance": cell["assurance"],
                        }
                    )
                    links.append(
                        format_html(
                            '<li><a href="?{}{}#charts" data-group="{}">{}: {} charts</a></li>',
                            kept,
                            asked,
                            group["indicator"].code,
                            group["indicator"].name,
                            f"{len(group['series']):,}",
                        )
                    )
                else:
                    links.append(
                        format_html_join(
                            "",
                            '<li><a href="{}" data-series="{}">{}: {}</a></li>',
                            (
                                (href(s), s.key, s.indicator.name, s.subject)
                                for s in group["series"]
                            ),
                        )
                    )
            # each part escaped by format_html
            cells.append({**cell, "links": mark_safe("".join(links))})  # noqa: S308
        rows.append({**row, "cells": cells})
    return rows


def _exception_rows(monitoring, href) -> str:
    """The rows of the data quality exceptions table (189 at ICB scale), as HTML."""
    return format_html_join(
        "\n",
        '<tr class="nhsuk-table__row" data-indicator="{}">'
        '<td class="nhsuk-table__cell">{}</td><td class="nhsuk-table__cell">{}</td>'
        '<td class="nhsuk-table__cell">{}</td><td class="nhsuk-table__cell">{}</td></tr>',
        (
            (
                e["indicator"].code,
                e["indicator"].name
                if e["series"] is None
                else format_html('<a href="{}">{}</a>', href(e["series"]), e["indicator"].name),
                "None" if e["series"] is None else e["series"].subject,
                e["indicator"].get_frequency_display(),
                e["reason"],
            )
            for e in monitoring.exceptions
        ),
    )


def _pagination(request, monitoring) -> dict:
    """Numbered links to the pages of charts: first, last, and those beside this one."""
    code = monitoring.indicator.code if monitoring.indicator else None
    current = monitoring.page

    def link(number):
        return f"?{_query(request, indicator=code, page=number)}#charts"

    numbers = sorted(
        {1, monitoring.pages, current - 1, current, current + 1}
        & set(range(1, monitoring.pages + 1))
    )
    items, previous = [], 0
    for number in numbers:
        if number - previous > 1:
            items.append({"ellipsis": True})
        items.append({"number": number, "url": link(number), "current": number == current})
        previous = number
    return {
        "items": items,
        "previous": link(current - 1) if current > 1 else None,
        "next": link(current + 1) if current < monitoring.pages else None,
        "last": min(monitoring.first + len(monitoring.shown) - 1, monitoring.total),
    }


def _page_context(request, monitoring) -> dict:
    """Links from the matrix and exceptions to each chart, and the pagination of the charts.

    The monitoring result may be shared with other requests (``remembered(shared=True)``), so
    nothing here changes it: the links go into new lists.
    """
    shown = {s.key for s in monitoring.shown}
    # What every link to a chart keeps (grouping, limits; not the matrix cell): the same for each.
    kept = _query(request, keep_cell=False)
    kept = f"{kept}&" if kept else ""

    def href(s) -> str:
        if s.key in shown:
            return f"#{s.anchor}"
        asked = urlencode({"indicator": s.indicator.code, "page": s.page})
        return f"?{kept}{asked}#{s.anchor}"

    code = monitoring.indicator.code if monitoring.indicator else None
    asked = request.GET.get("indicator")
    everything = _query(request, keep_cell=False, indicator=code)
    hidden = request.GET.copy()
    for name in ("page", "indicator"):
        hidden.pop(name, None)
    return {
        "matrix": _matrix_rows(monitoring, href, kept),
        "exception_rows": _exception_rows(monitoring, href),
        "pagination": _pagination(request, monitoring),
        "unknown_indicator": asked if asked and monitoring.indicator is None else None,
        "without_cell": f"?{everything}#charts",
        "kept": [(name, value) for name, values in hidden.lists() for value in values],
    }


def community_monitoring(request, code: str):
    community = community_or_404(request.user, code)
    asked_grouping = request.GET.get("grouping")
    paging = _paging(request)
    scope = repr(scope_of(request.user))
    # Every series worked out once, kept until a record changes (store.computed): what the login
    # may see, the community and the grouping make the key; the API's monitoring answer draws
    # from the same kept result. Each page of charts (a page, an indicator, a cell of the
    # matrix) is then drawn from it and kept as well: only its charts cost anything. Both are
    # read, never changed, by the requests that get them.
    computed, grouping = community_series(request.user, community, asked_grouping)
    monitoring = remembered(
        "community monitoring page",
        # the kept result's id ties a page to that very result (one worked out before a change
        # never lends a page to one worked out after)
        (id(computed), scope, community.code, asked_grouping, sorted(paging.items())),
        lambda: computed.page(**paging),
        shared=True,
    )
    wanted = request.GET.get("series")  # a link to one chart (from an alert): go to its page
    if wanted and "page" not in request.GET:
        target = next((s for s in monitoring.series if s.anchor == wanted), None)
        if target is not None and target.key not in {s.key for s in monitoring.shown}:
            query = _query(
                request, keep_cell=False, indicator=target.indicator.code, page=target.page
            )
            return redirect(f"{request.path}?{query}#{target.anchor}")
    # The matrix and exception links (hundreds at ICB scale) are kept with the result too: the
    # same query of the same result gives the same links. The result's id ties them to that very
    # result (one worked out before a change never lends its links to one worked out after).
    links = remembered(
        "community monitoring links",
        (id(monitoring), scope, community.code, sorted(request.GET.lists())),
        lambda: _page_context(request, monitoring),
        shared=True,
    )
    context = {
        **links,
        **_proposals_context(request, community, monitoring),
        "community": community,
        "monitoring": monitoring,
        "caption": f"Monitoring in {community.name}",
        "heading": "Indicators over time",
        "crumbs": _crumbs(community),
        "scope": "the services and organisations of this commissioning community",
    }
    if grouping is not None:
        context["heading"] = f"Indicators over time: {grouping.name}"
        context["scope"] = (
            f"the GP practices of {grouping.name} (those in it in each period) and its total"
        )
    return render(request, "web/monitoring.html", context)


def development_monitoring(request, code: str, slug: str):
    user = request.user
    community = community_or_404(user, code)
    dev = visible_or_404(user, ServiceDevelopment, community=community, slug=slug)
    indicators = list(
        Indicator.objects.filter(objectives__development=dev).distinct().order_by("code")
    )
    observations = community_observations(user, community).filter(
        Q(indicator__in=indicators) | Q(service__in=dev.services.all())
    )
    activities = visible(user, Activity).filter(development=dev).order_by("date", "id")
    monitoring = build(
        observations,
        indicators=indicators,
        annotations={None: development_annotations(dev, activities)},
        latest=latest_period(user, community),
        recalculations=recorded(user, community),
        go_lives=go_lives(user, community, dev),
        **_paging(request),
    )
    context = {
        **_page_context(request, monitoring),
        **_proposals_context(request, community, monitoring, dev),
        "community": community,
        "development": dev,
        "monitoring": monitoring,
        "caption": f"Monitoring: {dev.title}",
        "heading": "Indicators of this development",
        "crumbs": _crumbs(
            community,
            {"label": dev.title, "url": reverse("development", args=[community.code, dev.slug])},
        ),
        "scope": "the indicators of this development's objectives and of its services",
    }
    return render(request, "web/monitoring.html", context)


def contract_monitoring(request, code: str, reference: str):
    user = request.user
    community = community_or_404(user, code)
    contract = visible_or_404(
        user, Contract.objects.select_related("provider"), community=community, reference=reference
    )
    observations = community_observations(user, community).filter(
        Q(service__in=contract.services.all()) | Q(organisation=contract.provider)
    )
    developments = visible(user, ServiceDevelopment).filter(
        community=community, services__in=contract.services.all(), go_live_date__isnull=False
    )
    marks = [
        {"date": d.go_live_date, "label": f"Go-live: {d.title}"} for d in developments.distinct()
    ]
    monitoring = build(
        observations,
        annotations={None: marks},
        latest=latest_period(user, community),
        recalculations=recorded(user, community),
        **_paging(request),
    )
    context = {
        **_page_context(request, monitoring),
        "community": community,
        "contract": contract,
        "monitoring": monitoring,
        "caption": f"Monitoring: contract {contract.reference}",
        "heading": contract.title,
        "crumbs": _crumbs(community),
        "scope": f"the services of this contract and its provider, {contract.provider.name}",
        "performance_url": reverse("contract", args=[community.code, contract.reference]),
    }
    return render(request, "web/monitoring.html", context)


# --- recalculating limits at a go-live ---------------------------------------------------


def _review_url(community, proposal, development=None) -> str:
    g = proposal.go_live
    query = {"series": g.series, "from": g.date.isoformat(), "development": g.slug}
    if development is not None:
        query["back"] = "development"
    return f"{reverse('monitoring-recalculation', args=[community.code])}?{urlencode(query)}"


def _proposals_context(request, community, monitoring, development=None) -> dict:
    """What the page says of the recalculations proposed here: to the community's commissioners
    (and administrators) each with a link to confirm or dismiss it; to anyone else, only that
    there are some, as a note."""
    proposals = monitoring.proposals
    if not proposals:
        return {"proposals": [], "may_decide": False}
    if not may_decide(request.user, community):
        return {"proposals": [], "proposals_waiting": len(proposals), "may_decide": False}
    return {
        "may_decide": True,
        "proposals": [
            {"proposal": p, "url": _review_url(community, p, development)} for p in proposals
        ],
    }


def _asked_proposal(request, community):
    """The proposal a review page is about (its series, go-live date and development, in the
    address), as the monitoring presenter proposes it now; "not found" when it is not
    proposed (or never was, or is decided), or the login may not decide."""
    user = request.user
    if not may_decide(user, community):
        raise Http404("Not found")
    ids = parse_series(request.GET.get("series", ""))
    try:
        when = dt.date.fromisoformat(request.GET.get("from", ""))
    except ValueError:
        when = None
    if ids is None or when is None:
        raise Http404("Not found")
    indicator_id, organisation_id, service_id = ids
    candidates = [
        g
        for g in go_lives(user, community)
        if g.series == request.GET["series"]
        and g.date == when
        and g.slug == request.GET.get("development")
    ]
    if not candidates:
        raise Http404("Not found")
    subject = {"service_id": service_id} if service_id else {"organisation_id": organisation_id}
    observations = community_observations(user, community).filter(
        indicator_id=indicator_id, **subject
    )
    decisions = recorded(user, community)
    found = build(
        observations,
        latest=latest_period(user, community),
        recalculations=decisions,
        go_lives=candidates,
        page_size=None,
        render=False,
    )
    if not found.proposals:
        raise Http404("Not found")
    return found.proposals[0], observations, decisions


def recalculation(request, code: str):
    """Review a proposed recalculation of a series' limits at a go-live: confirm it with the
    reason, or dismiss it. Only the community's commissioners and administrators."""
    community = community_or_404(request.user, code)
    proposal, observations, decisions = _asked_proposal(request, community)
    g = proposal.go_live
    back_to_development = request.GET.get("back") == "development"
    if back_to_development:
        page = reverse("development-monitoring", args=[community.code, g.slug])
    else:
        page = reverse("community-monitoring", args=[community.code])
    errors: list[dict] = []
    reason = ""
    if request.method == "POST":
        reason = request.POST.get("reason", "").strip()
        decision = request.POST.get("decision")
        if decision not in ("confirmed", "dismissed"):
            errors.append({"field": "decision", "message": "Choose to confirm or dismiss it"})
        elif decision == "confirmed" or reason:  # a reason given to dismiss is checked too
            errors += [
                {"field": "reason", "message": f"Why the limits change: {problem}"}
                for problem in reason_problems(reason)
            ]
        if not errors:
            try:
                decide(request.user, community, g, decision, reason)
            except AlreadyDecided:
                errors.append(
                    {
                        "field": "decision",
                        "message": "Someone has already confirmed or dismissed this "
                        "recalculation: go back to the charts to see it",
                    }
                )
            else:
                anchor = proposal.series.anchor
                return redirect(f"{page}?{urlencode({'series': anchor})}#{anchor}")
    now = proposal.series
    preview = build(
        observations,
        recalculations=[*decisions, _Preview(g)],
        page_size=None,
        render=False,
    ).series[0]
    context = {
        "community": community,
        "proposal": proposal,
        "go_live": g,
        "now": now,
        "after": preview,
        "start": preview.recalculations[0]["period"] if preview.recalculations else g.date,
        "evidence": proposal.evidence,
        "minimum": MINIMUM_VALUES,
        "shift_run": SHIFT_RUN,
        "errors": errors,
        "reason": reason,
        "back": f"{page}?{urlencode({'series': now.anchor})}#{now.anchor}",
        "crumbs": _crumbs(
            community, {"label": "Monitoring", "url": reverse("community-monitoring", args=[code])}
        ),
    }
    return render(
        request, "web/monitoring_recalculation.html", context, status=400 if errors else 200
    )


class _Preview:
    """A recalculation as it would be if confirmed (never saved): for the review page."""

    decision = "confirmed"
    reason = "Proposed"
    development_id = None
    decided_by_name = ""
    decided_at = None

    def __init__(self, go_live):
        self.series = go_live.series
        self.starts = go_live.date
