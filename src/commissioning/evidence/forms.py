"""Forms for the evidence pages."""

from __future__ import annotations

from django import forms

from commissioning.evidence.extract import MAX_BYTES
from commissioning.evidence.models import Confidentiality, EvidenceKind


class UploadForm(forms.Form):
    file = forms.FileField(
        help_text=f"PDF, Word (.docx), OpenDocument (.odt), text (.txt) or e-mail (.eml), up to "
        f"{MAX_BYTES // 1024 // 1024} MB"
    )
    title = forms.CharField(
        max_length=250, required=False, help_text="Leave empty to use the file's own title"
    )
    kind = forms.ChoiceField(
        label="Type",
        choices=[("", "Work it out from the file")] + EvidenceKind.choices,
        required=False,
    )
    date = forms.DateField(required=False, help_text="For example, 2010-03-27")
    author = forms.CharField(label="Author or organisation", max_length=200, required=False)
    confidentiality = forms.ChoiceField(
        choices=Confidentiality.choices,
        initial=Confidentiality.INTERNAL,
        help_text="Confidential evidence is seen only by the community's commissioners and "
        "administrators",
    )
    development = forms.ModelChoiceField(queryset=None, required=False)
    activity = forms.ModelChoiceField(
        queryset=None, required=False, help_text="For meeting notes: the meeting they record"
    )

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["development"].queryset = community.developments.order_by("title")
        self.fields["activity"].queryset = community.activities.order_by("-date")
        style(self)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size / 1024 / 1024:.1f} MB. The largest file accepted is "
                f"{MAX_BYTES // 1024 // 1024} MB."
            )
        return upload


def style(form: forms.Form) -> None:
    """NHS.UK frontend classes on the widgets."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple):
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


class CodingForm(forms.Form):
    quote = forms.CharField(
        label="Passage",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Copy the passage exactly from the text above",
    )
    codes = forms.ModelMultipleChoiceField(
        queryset=None, widget=forms.CheckboxSelectMultiple, help_text="Choose one or more"
    )
    memo = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, codes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["codes"].queryset = codes
        style(self)


class CalendarForm(forms.Form):
    file = forms.FileField(label="Calendar file (.ics)")
    since = forms.DateField(label="From", help_text="For example, 2010-03-01")
    until = forms.DateField(label="To")
    rules = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Optional rules in TOML choosing a development, e.g. "
        '[[rule]] development = "falls-review" keywords = ["falls"]',
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)
