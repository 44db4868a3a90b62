"""The page side of the installable web app (motcua.portal.pwa)."""

from django import template
from django.utils.crypto import salted_hmac

register = template.Library()

_OWNER_SALT = "motcua.portal.pwa.draft-owner"


def draft_owner_for(user) -> str:
    """An opaque tag of the signed-in user for the drafts ``pwa.js`` keeps on the device
    (an HMAC of the account's key under ``SECRET_KEY``: nothing personal, nothing that
    names the account); empty when nobody is signed in."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    return salted_hmac(_OWNER_SALT, str(user.pk), algorithm="sha256").hexdigest()[:24]


@register.simple_tag(takes_context=True)
def draft_owner(context) -> str:
    if context.get("pwa_no_owner"):  # the offline page, cached for whoever comes next
        return ""
    request = context.get("request")
    user = context.get("user") or getattr(request, "user", None)
    return draft_owner_for(user)
