"""``{% officer_identity as me %}``: who is signed in to the back office (their name and
every agency and role they hold), for the back-office header."""

from django import template

from motcua.agencies.models import Role

from ..scope import NOT_OFFICER_ROLES

register = template.Library()


def _where(agency) -> str:
    """A unit is named with the agency it works for ("Bộ phận một cửa – Sở Tư pháp")."""
    home = agency.home_agency
    return agency.name if home.pk == agency.pk else f"{agency.name} – {home.name}"


@register.simple_tag(takes_context=True)
def officer_identity(context) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"name": "", "posts": [], "roles": set()}
    cached = getattr(request, "_motcua_officer_identity", None)
    if cached is not None:
        return cached
    memberships = (
        user.memberships.exclude(role__in=NOT_OFFICER_ROLES)
        .select_related("agency__parent")
        .order_by("agency__name", "role")
    )
    posts = [(Role(m.role).label, _where(m.agency)) for m in memberships]
    identity = {
        "name": user.full_name or user.username,
        "posts": posts,
        "roles": {m.role for m in memberships},
    }
    request._motcua_officer_identity = identity
    return identity
