"""NHS.UK form controls for the forms that record the work of commissioning."""

from __future__ import annotations

from django import template

register = template.Library()

ERROR_CLASSES = {
    "nhsuk-input": "nhsuk-input--error",
    "nhsuk-textarea": "nhsuk-textarea--error",
    "nhsuk-select": "nhsuk-select--error",
}


@register.filter
def control(field):
    """The field's control, described by its hint and error message, styled as in error."""
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}_helptext")
    if field.errors:
        described.append(f"{field.auto_id}_error")
    attrs = {"aria-describedby": " ".join(described)} if described else {}
    if field.errors:
        css = field.field.widget.attrs.get("class", "")
        extra = [ERROR_CLASSES[c] for c in css.split() if c in ERROR_CLASSES]
        attrs["class"] = " ".join([css, *extra]).strip()
    return field.as_widget(attrs=attrs)


@register.filter
def is_choice_group(field) -> bool:
    """Radios, or several checkboxes: laid out in a fieldset."""
    widget = field.field.widget
    kind = getattr(widget, "input_type", "")
    return kind == "radio" or (
        kind == "checkbox" and getattr(widget, "allow_multiple_selected", False)
    )
