"""Recording the work of commissioning: the forms that create and change developments and their
objectives, activities, decisions, risks and issues and planned benefits.

What each form checks, defaults and saves is in :mod:`commissioning.work.forms` (the importer's
rules, the last meeting's defaults, the concurrency check); who may do what is the access
policy's (:mod:`commissioning.work.records`). These views only choose the form, lay it out and
send the user back to the development page. Every form works without JavaScript; htmx only
fills the list of people as a name is typed (:func:`people`).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html_join

from commissioning.access.communities import community_or_404
from commissioning.store.models import Activity, Objective, ServiceDevelopment
from commissioning.work import records
from commissioning.work.forms import (
    ActivityForm,
    BenefitForm,
    DecisionForm,
    DevelopmentForm,
    ObjectiveForm,
    RiskForm,
)
from commissioning.work.models import Benefit, Decision, Risk

NOT_ALLOWED = "You may read this development's records but not change them"

#: kind in the address -> (model, form, template, anchor on the development page, words)
KINDS = {
    "objectives": (Objective, ObjectiveForm, "web/work/form.html", "objectives", "objective"),
    "activities": (Activity, ActivityForm, "web/work/activity.html", "activity-log", "activity"),
    "decisions": (Decision, DecisionForm, "web/work/decision.html", "decisions", "decision"),
    "risks": (Risk, RiskForm, "web/work/form.html", "risks", "risk or issue"),
    "benefits": (Benefit, BenefitForm, "web/work/form.html", "benefits", "planned benefit"),
}
HEADINGS = {
    ("objectives", False): "Add an objective",
    ("objectives", True): "Change an objective",
    ("activities", False): "Log an activity",
    ("activities", True): "Change an activity",
    ("decisions", False): "Record a decision",
    ("decisions", True): "Change a decision",
    ("risks", False): "Raise a risk or issue",
    ("risks", True): "Review a risk or issue",
    ("benefits", False): "Plan a benefit",
    ("benefits", True): "Change a planned benefit",
}
BUTTONS = {
    "objectives": "Save the objective",
    "activities": "Save the activity",
    "decisions": "Save the decision",
    "risks": "Save the risk or issue",
    "benefits": "Save the benefit",
}


def _people_attrs(community) -> dict:
    """htmx: as a name is typed, fill the list of suggestions with matching people."""
    return {
        "hx-get": reverse("community-people", args=[community.code]),
        "hx-trigger": "input changed delay:250ms",
        "hx-target": "#people-options",
        "hx-swap": "innerHTML",
    }


def _suggested(user, community) -> list:
    """The people suggested before anything is typed (all of them in a small community)."""
    return records.people(user, community, limit=records.PEOPLE_LISTED)


def _posted(request):
    """What was posted (even nothing at all), or None for a form to fill in."""
    return request.POST if request.method == "POST" else None


def _render(request, template, context, status=200):
    return render(request, template, context, status=status)


def new_development(request, code: str):
    community = community_or_404(request.user, code)
    if not records.may_add(
        request.user, ServiceDevelopment, ServiceDevelopment(community=community)
    ):
        raise PermissionDenied("Only the community's commissioners record new developments")
    return _development_form(request, community, None)


def edit_development(request, code: str, slug: str):
    community = community_or_404(request.user, code)
    development = records.development_of(request.user, community, slug)
    if not records.may_change(request.user, development):
        raise PermissionDenied(NOT_ALLOWED)
    return _development_form(request, community, development)


def _development_form(request, community, development):
    form = DevelopmentForm(
        _posted(request), user=request.user, community=community, instance=development
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                saved = form.save()
            except records.Conflict as found:
                form.conflict(found)
                status = 409
            else:
                messages.success(request, f"Saved the development {saved.title}.")
                return redirect("development", code=community.code, slug=saved.slug)
        else:
            status = 400
    heading = "Record a service development" if development is None else "Change the development"
    return _render(
        request,
        "web/work/development_form.html",
        {
            "community": community,
            "development": development,
            "form": form,
            "heading": heading,
            "button": "Save the development",
        },
        status,
    )


def record(request, code: str, slug: str, kind: str, pk: int | None = None):
    """Add (``pk`` None) or change one record of ``kind`` on a development."""
    model, form_class, template, anchor, noun = KINDS[kind]
    user = request.user
    community = community_or_404(user, code)
    development = records.development_of(user, community, slug)
    instance = records.record_of(user, model, development, pk) if pk is not None else None
    allowed = (
        records.may_change(user, instance)
        if instance is not None
        else records.may_add(user, model, development)
    )
    if not allowed:
        raise PermissionDenied(NOT_ALLOWED)
    kwargs = {"user": user, "development": development, "instance": instance}
    start_from = None
    if kind == "activities":
        kwargs["people_attrs"] = _people_attrs(community)
        if instance is None and request.GET.get("start") != "blank":
            start_from = records.last_meeting(user, development)
        kwargs["start_from"] = start_from
    elif kind in ("risks", "benefits"):
        kwargs["people_attrs"] = _people_attrs(community)
    form = form_class(_posted(request), **kwargs)
    status = 200
    if request.method == "POST" and not form.adding_row():
        if form.is_valid():
            try:
                form.save()
            except records.Conflict as found:
                form.conflict(found)
                status = 409
            else:
                messages.success(request, f"Saved the {noun}.")
                return redirect(
                    reverse("development", args=[community.code, development.slug]) + f"#{anchor}"
                )
        else:
            status = 400
    context = {
        "community": community,
        "development": development,
        "form": form,
        "kind": kind,
        "heading": HEADINGS[(kind, instance is not None)],
        "button": BUTTONS[kind],
        "start_from": start_from,
        "people": _suggested(user, community) if "people_attrs" in kwargs else None,
        "back": reverse("development", args=[community.code, development.slug]) + f"#{anchor}",
    }
    return _render(request, template, context, status)


def people(request, code: str):
    """The ``<option>`` s of the community's people whose names contain what was typed (htmx
    fills the form's list of suggestions with them); the whole list when nothing was typed."""
    community = community_or_404(request.user, code)
    typed = request.GET.get("q", "")
    if not typed:  # htmx sends the input's own name: person_3, owner
        typed = next((v for k, v in request.GET.items() if k.startswith(("person_", "owner"))), "")
    found = records.people(request.user, community, typed[:100])
    html = format_html_join(
        "\n",
        '<option value="{}">{}</option>',
        ((p.name, _person_label(p)) for p in found),
    )
    return render(request, "web/work/_people_options.html", {"options": html})


def _person_label(person) -> str:
    parts = [person.get_role_type_display()]
    if person.organisation_id:
        parts.append(person.organisation.name)
    return ", ".join(parts)
