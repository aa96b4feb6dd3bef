"""Groupings of organisations: the list with a form to make or change one, and one grouping.

A community's groupings (localities, federations, clinical networks, caseloads, peer groups)
and the shared ones are listed; the community's commissioners (and administrators) make and
change the community's own, choosing members from the organisations taking part in the
community. One grouping's page shows its members as at a date (``?on=YYYY-MM-DD``), the GP
practices it covers then, and links to the monitoring page filtered to those practices (whose
``?grouping=CODE`` filter is :func:`commissioning.monitoring.records.grouping_totals`).
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from commissioning.access import policy
from commissioning.access.communities import community_groupings, community_or_404, grouping_or_404
from commissioning.store.groupings import members_on, practices_of
from commissioning.store.models import Grouping, GroupingKind, Organisation, OrganisationKind

# --- finding groupings --------------------------------------------------------------------


def parse_day(text: str | None) -> dt.date | None:
    """A yyyy-mm-dd date, or None when empty or not a real date."""
    try:
        return dt.date.fromisoformat((text or "").strip())
    except ValueError:
        return None


# --- the form -----------------------------------------------------------------------------


class GroupingForm(forms.Form):
    name = forms.CharField(max_length=200)
    code = forms.SlugField(
        max_length=60,
        required=False,
        help_text="Short name used in addresses: letters, digits and hyphens. Left empty, it "
        "is made from the name.",
    )
    kind = forms.ChoiceField(choices=GroupingKind.choices)
    valid_from = forms.DateField(required=False, input_formats=["%Y-%m-%d", "%d/%m/%Y"])
    valid_to = forms.DateField(required=False, input_formats=["%Y-%m-%d", "%d/%m/%Y"])
    description = forms.CharField(required=False, widget=forms.Textarea, max_length=2000)
    members = forms.MultipleChoiceField(required=False)

    def __init__(self, *args, organisations, editing: Grouping | None = None, **kwargs):
        # The page writes each control with its field's name as its id; the form's ids say the
        # same, so the error summary's links reach the controls.
        super().__init__(*args, auto_id="%s", **kwargs)
        self.editing = editing
        self.fields["members"].choices = [(str(o.pk), str(o)) for o in organisations]

    def clean_code(self) -> str:
        code = self.cleaned_data.get("code") or slugify(self.cleaned_data.get("name", ""))[:60]
        code = code.strip("-")
        if not code:
            raise forms.ValidationError("Enter a code, or a name with letters or digits in it")
        taken = Grouping.objects.filter(code=code)
        if self.editing is not None:
            taken = taken.exclude(pk=self.editing.pk)
        if taken.exists():
            raise forms.ValidationError(
                f"The code '{code}' is already used by another grouping: choose another"
            )
        return code

    def clean(self):
        data = super().clean()
        start, end = data.get("valid_from"), data.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", "The last day in use must be on or after the first day")
        return data


def _choosable(user, community) -> list[Organisation]:
    """Organisations taking part in the community, for the members checkboxes."""
    return list(
        policy.visible(user, Organisation)
        .filter(pk__in=policy.community_organisations(community.pk))
        .order_by("kind", "name")
    )


def _member_groups(organisations, chosen: set[str]) -> list[dict]:
    labels = dict(OrganisationKind.choices)
    groups: dict[str, dict] = {}
    for o in organisations:
        group = groups.setdefault(o.kind, {"label": labels.get(o.kind, o.kind), "items": []})
        group["items"].append({"org": o, "value": str(o.pk), "checked": str(o.pk) in chosen})
    return list(groups.values())


def _editable(user, community, grouping: Grouping | None) -> bool:
    if grouping is None:
        return policy.can_edit(user, Grouping(community=community), policy.ADD)
    return grouping.community_id == community.pk and policy.can_edit(user, grouping)


def _save(form: GroupingForm, community, grouping: Grouping | None) -> Grouping:
    data = form.cleaned_data
    with transaction.atomic():
        grouping = grouping or Grouping(community=community)
        grouping.code = data["code"]
        grouping.name = data["name"]
        grouping.kind = data["kind"]
        grouping.valid_from = data["valid_from"]
        grouping.valid_to = data["valid_to"]
        grouping.description = data["description"]
        grouping.save()
        grouping.members.set([int(pk) for pk in data["members"]])
    return grouping


def groupings(request, code: str):
    """The community's groupings and shared ones; a form to make or change one (commissioners)."""
    user = request.user
    community = community_or_404(user, code)
    edit_code = request.POST.get("grouping") or request.GET.get("edit") or ""
    editing = grouping_or_404(user, community, edit_code) if edit_code else None
    may_edit = _editable(user, community, editing)
    organisations = _choosable(user, community)
    form = None
    status = 200
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied("Only the community's commissioners change its groupings.")
        form = GroupingForm(request.POST, organisations=organisations, editing=editing)
        if form.is_valid():
            saved = _save(form, community, editing)
            return redirect(reverse("community-grouping", args=[community.code, saved.code]))
        status = 400
    elif may_edit:
        initial = {}
        if editing is not None:
            initial = {
                "name": editing.name,
                "code": editing.code,
                "kind": editing.kind,
                "valid_from": editing.valid_from,
                "valid_to": editing.valid_to,
                "description": editing.description,
                "members": [str(pk) for pk in editing.members.values_list("pk", flat=True)],
            }
        form = GroupingForm(initial=initial, organisations=organisations, editing=editing)
    chosen: set[str] = set()
    if form is not None:
        chosen = (
            set(form.data.getlist("members"))
            if form.is_bound
            else set(form.initial.get("members", []))
        )
    today = timezone.localdate()
    rows = community_groupings(user, community).annotate(n_members=Count("members"))
    context = {
        "community": community,
        "groupings": rows.order_by("kind", "name"),
        "today": today,
        "form": form,
        "editing": editing,
        "member_groups": _member_groups(organisations, chosen) if form is not None else [],
        "kinds": GroupingKind.choices,
        "value": _form_values(form),
    }
    return render(request, "web/groupings.html", context, status=status)


def _form_values(form: GroupingForm | None) -> dict:
    """What each field of the form shows: what was sent, else the initial values."""
    if form is None:
        return {}
    names = ["name", "code", "kind", "valid_from", "valid_to", "description"]
    if form.is_bound:
        return {n: form.data.get(n, "") for n in names}
    out = {}
    for n in names:
        v = form.initial.get(n)
        out[n] = v.isoformat() if hasattr(v, "isoformat") else (v or "")
    return out


def grouping(request, code: str, grouping: str):
    """One grouping: its members and GP practices as at a date, with links to use it."""
    user = request.user
    community = community_or_404(user, code)
    g = grouping_or_404(user, community, grouping)
    text = request.GET.get("on", "")
    on = parse_day(text)
    date_error = "" if on or not text else f"'{text}' is not a date: enter it as yyyy-mm-dd"
    on = on or timezone.localdate()
    readable = policy.visible(user, Organisation)
    members = readable.filter(pk__in=members_on(g, on).values("pk")).order_by("kind", "name")
    practices = readable.filter(pk__in=practices_of(g, on).values("pk")).order_by("name")
    all_members = g.members.count()
    context = {
        "community": community,
        "grouping": g,
        "on": on,
        "on_text": text if date_error else on.isoformat(),
        "date_error": date_error,
        "in_use": g.in_use_on(on),
        "members": members,
        "practices": practices,
        "not_shown": all_members - readable.filter(pk__in=g.members.values("pk")).count(),
        "may_edit": _editable(user, community, g),
        "monitoring_url": reverse("community-monitoring", args=[community.code])
        + f"?grouping={g.code}",
    }
    return render(request, "web/grouping.html", context)
