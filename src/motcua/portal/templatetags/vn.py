"""Vietnamese formatting for templates."""

from django import template

register = template.Library()


@register.filter
def vnd(amount) -> str:
    """100000 → '100.000 đồng' (Vietnamese groups thousands with dots)."""
    if amount in (None, ""):
        return ""
    return f"{int(amount):,} đồng".replace(",", ".")
