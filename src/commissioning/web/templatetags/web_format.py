"""Number formats for pages: 12,345 people, £1,250,000, 7.5 hours."""

from __future__ import annotations

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def thousands(value) -> str:
    if value is None or value == "":
        return "Not known"
    if value == "*":  # hidden under the small-numbers rule
        return value
    return f"{int(value):,}"


@register.filter
def pounds(value) -> str:
    if value is None or value == "":
        return "Not known"
    return f"£{Decimal(value):,.0f}"


@register.filter
def hours(value) -> str:
    """Hours with at most two decimals and no trailing zeros: 12, 7.5, 0.25."""
    if value is None or value == "":
        return "0"
    text = f"{Decimal(str(value)):,.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
