"""Forms for following things: only what the access policy lets the user read is offered."""

from __future__ import annotations

from django import forms

from commissioning.access.policy import visible
from commissioning.store.models import CommissioningCommunity, Indicator, ServiceDevelopment


class _Choice(forms.ModelChoiceField):
    def __init__(self, queryset, *, label: str, missing: str, **kwargs):
        super().__init__(
            queryset,
            label=label,
            error_messages={"required": missing, "invalid_choice": missing},
            widget=forms.Select(attrs={"class": "nhsuk-select"}),
            **kwargs,
        )


class _DevelopmentChoice(_Choice):
    def label_from_instance(self, obj) -> str:
        return f"{obj.title} ({obj.community.name})"


class FollowIndicatorForm(forms.Form):
    indicator = _Choice(
        Indicator.objects.none(),
        label="Indicator",
        missing="Choose an indicator from the list",
        empty_label="Choose an indicator",
    )
    community = _Choice(
        CommissioningCommunity.objects.none(),
        label="In",
        missing="Choose a community from the list, or every community you can see",
        required=False,
        empty_label="Every community you can see",
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, prefix="indicator", **kwargs)
        self.fields["indicator"].queryset = visible(user, Indicator).order_by("name")
        self.fields["community"].queryset = visible(user, CommissioningCommunity).order_by("name")

    def target(self) -> dict:
        return {
            "indicator": self.cleaned_data["indicator"],
            "community": self.cleaned_data["community"],
        }


class FollowDevelopmentForm(forms.Form):
    development = _DevelopmentChoice(
        ServiceDevelopment.objects.none(),
        label="Service development",
        missing="Choose a service development from the list",
        empty_label="Choose a service development",
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, prefix="development", **kwargs)
        self.fields["development"].queryset = (
            visible(user, ServiceDevelopment)
            .select_related("community")
            .order_by("community__name", "title")
        )

    def target(self) -> dict:
        return {"development": self.cleaned_data["development"]}


class FollowCommunityForm(forms.Form):
    community = _Choice(
        CommissioningCommunity.objects.none(),
        label="Commissioning community",
        missing="Choose a commissioning community from the list",
        empty_label="Choose a community",
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, prefix="community", **kwargs)
        self.fields["community"].queryset = visible(user, CommissioningCommunity).order_by("name")

    def target(self) -> dict:
        return {"community": self.cleaned_data["community"]}


FORMS = {
    "indicator": FollowIndicatorForm,
    "development": FollowDevelopmentForm,
    "community": FollowCommunityForm,
}
