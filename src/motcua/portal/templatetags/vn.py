"""Vietnamese formatting for templates."""

from django import template

from motcua.lib.formatting import format_vnd

register = template.Library()


@register.filter
def vnd(amount) -> str:
    """100000 → '100.000 đồng' (Vietnamese groups thousands with dots)."""
    return format_vnd(amount)
