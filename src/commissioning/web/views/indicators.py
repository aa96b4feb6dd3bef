"""The indicator library pages: every indicator a login may read, and one indicator's definition.

Shared indicators (the shipped library, and any an administrator adds without a community) are
read by everyone; a community's own indicators only by that community. Commissioners add
indicators for their own community, administrators for any community or for everyone, through
the form on the library page: the same rules as the library files' schema
(:func:`commissioning.indicators.check_indicator`) and the same access policy as everywhere.
"""

from __future__ import annotations

from django import forms
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.shortcuts import redirect, render

from commissioning.access import policy
from commissioning.indicators import USER_REQUIRED, check_indicator
from commissioning.indicators.scope import code_problem
from commissioning.store.models import CommissioningCommunity, Condition, Indicator
from commissioning.store.models.indicators import Domain, Frequency, Polarity

SHARED = "shared"


def _text(label: str, max_length: int | None = None, *, help_text: str = "", area=False):
    return forms.CharField(
        label=label,
        required=False,
        max_length=max_length,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 3}) if area else forms.TextInput(),
        strip=True,
    )


class IndicatorForm(forms.Form):
    code = _text(
        "Code",
        40,
        help_text="Capital letters, digits, underscores and hyphens, for example DM_EDU_ATTEND. "
        "Your community's own indicators start with its code and a full stop, for example "
        "NORTH.DM_EDU_ATTEND",
    )
    name = _text("Name", 250)
    description = _text("Description", help_text="What exactly is counted", area=True)
    why_it_matters = _text("Why it matters", area=True)
    domain = forms.ChoiceField(label="Domain", choices=[("", "Choose")] + Domain.choices)
    unit = _text("Unit", 40, help_text="For example %, per 1,000, days")
    numerator = _text("Numerator", area=True)
    denominator = _text(
        "Denominator", help_text="Leave empty for a count with no denominator", area=True
    )
    polarity = forms.ChoiceField(label="Polarity", choices=[("", "Choose")] + Polarity.choices)
    frequency = forms.ChoiceField(label="Frequency", choices=[("", "Choose")] + Frequency.choices)
    conditions = forms.MultipleChoiceField(label="Conditions", choices=(), required=False)
    source = _text("Source", 200, help_text="Where the data come from")
    national_driver = _text(
        "National driver", 250, help_text="The national guidance, standard or programme it serves"
    )
    patient_counts = forms.BooleanField(
        label="The numerator and denominator count patients (small numbers are suppressed)",
        required=False,
        initial=True,
    )
    community = forms.ChoiceField(label="Whose indicator", choices=(), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["conditions"].choices = list(
            policy.visible(user, Condition).order_by("name").values_list("slug", "name")
        )
        scope = policy.scope_of(user)
        if scope is not None and scope.is_admin:
            communities = CommissioningCommunity.objects.order_by("name")
            self.fields["community"].choices = [(SHARED, "Shared by every community")] + [
                (c.code, c.name) for c in communities
            ]
        else:
            own = CommissioningCommunity.objects.filter(pk=getattr(scope, "community_id", None))
            self.fields["community"].choices = [(c.code, c.name) for c in own]
            self.fields["community"].initial = own[0].code if own else None
        for name in ("domain", "polarity", "frequency"):
            self.fields[name].required = False  # checked below, with the schema's words

    def definition(self) -> dict:
        data = self.cleaned_data
        out = {k: data.get(k, "") for k in USER_REQUIRED if k != "conditions"}
        for k in ("why_it_matters", "source", "national_driver"):
            if data.get(k):
                out[k] = data[k]
        out["conditions"] = list(data.get("conditions") or [])
        out["patient_counts"] = bool(data.get("patient_counts"))
        return out

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        for p in check_indicator(self.definition()):
            field = p.column if p.column in self.fields else None
            message = p.message[0].upper() + p.message[1:]
            if field is None or field not in self.errors:
                self.add_error(field, message)
        code = data.get("code", "")
        owner = data.get("community")
        if owner not in {v for v, _ in self.fields["community"].choices}:
            self.add_error("community", "Choose whose indicator it is")
            return data
        taken = "An indicator with this code already exists: choose another"
        if code and policy.visible(self.user, Indicator).filter(code=code).exists():
            self.add_error("code", taken)  # one the user can see: saying so tells nothing new
        elif wrong := code_problem(self.user, code, None if owner == SHARED else owner):
            self.add_error("code", wrong[0].upper() + wrong[1:])
        elif code and Indicator.objects.filter(code=code).exists():
            self.add_error("code", taken)
        return data

    def instance(self) -> Indicator:
        data = self.definition()
        conditions = data.pop("conditions")
        owner = self.cleaned_data["community"]
        indicator = Indicator(
            **data,
            community=None if owner == SHARED else CommissioningCommunity.objects.get(code=owner),
        )
        indicator._condition_slugs = conditions
        return indicator


class LibraryFilter(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=100)
    condition = forms.ChoiceField(label="Condition", required=False, choices=())
    domain = forms.ChoiceField(
        label="Domain", required=False, choices=[("", "Any")] + Domain.choices
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, auto_id="filter_%s", **kwargs)  # ids apart from the add form's
        self.fields["condition"].choices = [("", "Any")] + list(
            policy.visible(user, Condition).order_by("name").values_list("slug", "name")
        )


def _filtered(user, form: LibraryFilter):
    qs = (
        policy.visible(user, Indicator)
        .select_related("community")
        .prefetch_related("conditions")
        .order_by("code")
    )
    if not form.is_valid():
        return qs
    data = form.cleaned_data
    if data["condition"]:
        qs = qs.filter(conditions__slug=data["condition"])
    if data["domain"]:
        qs = qs.filter(domain=data["domain"])
    if data["q"]:
        term = data["q"]
        qs = qs.filter(
            Q(code__icontains=term)
            | Q(name__icontains=term)
            | Q(description__icontains=term)
            | Q(national_driver__icontains=term)
        )
    return qs.distinct()


def can_add(user) -> bool:
    scope = policy.scope_of(user)
    return policy.editable(user, Indicator, policy.ADD) and (
        scope.is_admin or scope.community_id is not None
    )


def library(request):
    user = request.user
    adding = can_add(user)
    form = IndicatorForm(user=user) if adding else None
    status = 200
    if request.method == "POST":
        if not adding:
            status = 403
        else:
            form = IndicatorForm(request.POST, user=user)
            if form.is_valid():
                indicator = form.instance()
                if not policy.can_edit(user, indicator, policy.ADD):
                    form.add_error("community", "You cannot add an indicator for that community")
                else:
                    try:
                        with transaction.atomic():
                            indicator.save()
                            slugs = indicator._condition_slugs
                            indicator.conditions.set(Condition.objects.filter(slug__in=slugs))
                    except IntegrityError:
                        form.add_error("code", "An indicator with this code already exists")
                    else:
                        return redirect("indicator", code=indicator.code)
            status = 400
    filters = LibraryFilter(request.GET, user=user)
    indicators = list(_filtered(user, filters))
    context = {
        "filters": filters,
        "indicators": indicators,
        "form": form,
        "refused": request.method == "POST" and not adding,
        "filtered": any(request.GET.get(k) for k in ("q", "condition", "domain")),
    }
    return render(request, "web/indicators.html", context, status=status)


def indicator(request, code: str):
    qs = Indicator.objects.select_related("community").prefetch_related("conditions")
    item = policy.visible_or_404(request.user, qs, code=code)
    context = {
        "indicator": item,
        "conditions": list(item.conditions.order_by("name")),
        "editable": policy.can_edit(request.user, item, policy.CHANGE),
        "observations": item.observations.exists(),
    }
    return render(request, "web/indicator.html", context)


# -- imports ------------------------------------------------------------------------------------
