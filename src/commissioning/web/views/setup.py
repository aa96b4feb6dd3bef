"""Setting up: administrators set up an area (a community from a commissioner's ODS code) and add
logins, as ``commissioning area create`` and ``commissioning user add`` do, with the same rules
(:func:`commissioning.store.communities.build_area`, :func:`commissioning.access.logins.add_login`).

Every other login gets "page not found": the pages are not there for them.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from commissioning.access.logins import add_login
from commissioning.access.policy import is_admin
from commissioning.errors import UserError
from commissioning.needs.presenter import shown_count
from commissioning.store.communities import build_area
from commissioning.store.models import CommissioningCommunity, OrganisationKind, Role

ROLE_CHOICES = [
    (Role.ADMIN, "Administrator: sees and changes everything"),
    (Role.COMMISSIONER, "Commissioner: reads and changes their community's records"),
    (Role.PROVIDER, "Provider: their organisation's services, contracts and observations"),
    (Role.VIEWER, "Viewer: reads their community's records, without money"),
]


def _admin_or_404(user) -> None:
    if not is_admin(user):
        raise Http404("Not found")


class _HandWrittenForm(forms.Form):
    """A form its page writes out by hand, each control with its field's name as its id; the
    form's ids (``auto_id``) say the same, so the error summary's links reach the controls."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, auto_id="%s", **kwargs)


class AreaForm(_HandWrittenForm):
    commissioner = forms.CharField(max_length=12, label="Commissioner's ODS code")
    as_at = forms.DateField(
        required=False, input_formats=["%Y-%m-%d", "%d/%m/%Y"], label="Practices as at"
    )
    code = forms.SlugField(max_length=40, required=False, label="Short name for addresses")
    name = forms.CharField(max_length=200, required=False, label="Name")


class LoginForm(_HandWrittenForm):
    username = forms.CharField(max_length=150, label="User name")
    full_name = forms.CharField(max_length=300, required=False, label="Full name")
    email = forms.EmailField(required=False, label="Email address")
    role = forms.ChoiceField(choices=ROLE_CHOICES, label="Role")
    community = forms.CharField(max_length=40, required=False, label="Community")
    organisation = forms.CharField(max_length=12, required=False, label="Organisation")
    password = forms.CharField(widget=forms.PasswordInput, label="Password", strip=False)
    password_again = forms.CharField(
        widget=forms.PasswordInput, label="The same password again", strip=False
    )

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", "The two passwords differ")
        return data


def _values(form: forms.Form, names: list[str]) -> dict:
    """What each field shows: what was sent (never a password), else nothing."""
    if not form.is_bound:
        return {n: "" for n in names}
    return {n: form.data.get(n, "") for n in names}


def setup(request):
    """The communities and logins, with links to set up an area and to add a login."""
    _admin_or_404(request.user)
    communities = (
        CommissioningCommunity.objects.select_related("commissioner")
        .annotate(
            practices=Count(
                "members", filter=Q(members__kind=OrganisationKind.GP_PRACTICE), distinct=True
            ),
            logins=Count("profiles", distinct=True),
        )
        .order_by("name")
    )
    logins = (
        get_user_model()
        .objects.select_related("profile__community", "profile__organisation")
        .order_by("username")
    )
    return render(request, "web/setup.html", {"communities": communities, "logins": logins})


def setup_area(request):
    _admin_or_404(request.user)
    form = AreaForm(request.POST or None)
    built = None
    problem = None
    status = 200
    as_at = None
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            as_at = data["as_at"] or timezone.localdate()
            try:
                built = build_area(
                    data["commissioner"],
                    as_at=as_at,
                    code=data["code"] or None,
                    name=data["name"] or None,
                )
            except UserError as exc:
                problem = str(exc)
                status = 400
        else:
            status = 400
    context = {
        "form": form,
        "value": _values(form, ["commissioner", "as_at", "code", "name"]),
        "built": built,
        "as_at": as_at,
        "patients": shown_count(built.population) if built and built.population else None,
        "problem": problem,
    }
    return render(request, "web/setup_area.html", context, status=status)


def setup_login(request):
    _admin_or_404(request.user)
    form = LoginForm(request.POST or None)
    added = None
    problem = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                added = add_login(
                    data["username"],
                    data["role"],
                    data["password"],
                    community=data["community"] or None,
                    organisation=data["organisation"] or None,
                    name=data["full_name"],
                    email=data["email"],
                )
            except UserError as exc:
                problem = str(exc)
                status = 400
            else:
                form = LoginForm()  # an empty form for the next one
        else:
            status = 400
    context = {
        "form": form,
        "value": _values(
            form, ["username", "full_name", "email", "role", "community", "organisation"]
        ),
        "roles": ROLE_CHOICES,
        "communities": CommissioningCommunity.objects.order_by("name"),
        "added": added,
        "problem": problem,
    }
    return render(request, "web/setup_login.html", context, status=status)
