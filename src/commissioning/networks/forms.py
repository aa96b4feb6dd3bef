"""Forms for the survey builder and the public response page."""

from __future__ import annotations

from django import forms

from commissioning.networks.models import Strength, Survey
from commissioning.store.models import RoleType

MAX_UPLOAD = 2 * 1024 * 1024


def style(form: forms.Form) -> None:
    """NHS.UK frontend classes on the widgets."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, (forms.CheckboxSelectMultiple, forms.CheckboxInput)):
            continue
        if isinstance(widget, forms.Textarea):
            css = "nhsuk-textarea"
        elif isinstance(widget, forms.Select):
            css = "nhsuk-select"
        elif isinstance(widget, forms.FileInput):
            css = "nhsuk-file-upload"
        else:
            css = "nhsuk-input"
        widget.attrs.setdefault("class", css)


class SurveyForm(forms.ModelForm):
    class Meta:
        model = Survey
        fields = ["title", "question", "condition", "max_sources", "opens", "closes"]
        labels = {"max_sources": "Most sources each person may name"}
        help_texts = {
            "title": "For example: Diabetes advice networks 2011",
            "opens": "For example, 2011-03-01. Leave empty to open now",
            "closes": "Leave empty to keep it open until you close it",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["condition"].required = False
        self.fields["max_sources"].min_value = 1
        self.fields["max_sources"].widget.attrs.update({"min": 1, "max": 20})
        style(self)

    def clean_max_sources(self):
        value = self.cleaned_data["max_sources"]
        if not 1 <= value <= 20:
            raise forms.ValidationError("Enter a number from 1 to 20.")
        return value

    def clean(self):
        data = super().clean()
        opens, closes = data.get("opens"), data.get("closes")
        if opens and closes and closes < opens:
            self.add_error("closes", "The survey must close on or after the day it opens.")
        return data


class PeopleForm(forms.Form):
    people = forms.ModelMultipleChoiceField(
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        label="People of this community",
        help_text="Choose the people to invite",
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = people
        self.fields["people"].label_from_instance = lambda p: (
            f"{p.name}, {p.get_role_type_display()}"
            + (f", {p.organisation.name}" if p.organisation_id else "")
        )


class UploadForm(forms.Form):
    file = forms.FileField(label="CSV file", help_text="Up to 2 MB")

    def __init__(self, *args, help_text: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if help_text:
            self.fields["file"].help_text = help_text
        style(self)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError("The file is larger than 2 MB.")
        return upload


SOURCE_TYPES = [("", "Choose a role")] + list(RoleType.choices)


class NominationForm(forms.Form):
    """One row of the response form: a person or team the respondent goes to for advice."""

    source_name = forms.CharField(label="Name", max_length=200, required=False)
    source_type = forms.ChoiceField(label="Their role", choices=SOURCE_TYPES, required=False)
    source_organisation = forms.ModelChoiceField(
        label="Where they work", queryset=None, required=False, empty_label="Not listed or not sure"
    )
    strength = forms.TypedChoiceField(
        label="How often you go to them",
        choices=[("", "Choose how often")] + list(Strength.choices),
        coerce=int,
        required=False,
        empty_value=None,
    )

    def __init__(self, *args, organisations, own_name: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source_organisation"].queryset = organisations
        self.own_name = own_name
        style(self)

    def clean(self):
        data = super().clean()
        name = (data.get("source_name") or "").strip()
        if not name:
            if data.get("source_type") or data.get("strength") or data.get("source_organisation"):
                self.add_error(
                    "source_name", "Enter the name of the person or team, or clear this row."
                )
            return data
        if not data.get("source_type"):
            self.add_error("source_type", "Choose their role.")
        if not data.get("strength"):
            self.add_error("strength", "Choose how often you go to them.")
        from commissioning.networks.logic import person_key

        if self.own_name and person_key(name) == person_key(self.own_name):
            self.add_error("source_name", "Name the people you go to, not yourself.")
        data["source_name"] = name
        return data


class BaseNominationFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        from commissioning.networks.logic import person_key

        seen = set()
        for form in self.forms:
            name = form.cleaned_data.get("source_name")
            if not name:
                continue
            key = person_key(name)
            if key in seen:
                form.add_error("source_name", "You have named this person already.")
            seen.add(key)


def nomination_formset(max_sources: int):
    return forms.formset_factory(
        NominationForm,
        formset=BaseNominationFormSet,
        extra=max_sources,
        max_num=max_sources,
        validate_max=True,
        absolute_max=max_sources,
    )


class NobodyForm(forms.Form):
    nobody = forms.BooleanField(label="I do not go to anyone for advice on this", required=False)
