"""``{% form_error_summary form %}``: the "Có N lỗi cần sửa" box of a Django form."""

from django import template

from motcua.portal.error_summary import error_summary_of

register = template.Library()


@register.inclusion_tag("portal/_error_summary.html")
def form_error_summary(form, extra=None):
    """The box for ``form``'s errors (and ``extra`` entries before them, if any)."""
    return {"error_summary": list(extra or []) + error_summary_of(form)}
