"""``{% paperwork_box dossier %}``: the official forms that apply to a dossier, linked
from the back-office dossier page (Circular 03/2025/TT-VPCP, Appendix I)."""

from django import template

from motcua.backoffice.paperwork.documents import applicable

register = template.Library()


@register.inclusion_tag("backoffice/paperwork/_box.html")
def paperwork_box(dossier):
    return {"dossier": dossier, "forms": applicable(dossier)}
