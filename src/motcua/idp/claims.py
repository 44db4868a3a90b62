"""What the demo identity provider asserts about a citizen (ID token and userinfo).

Claims, by the scope that releases them:

============================ ========== =================================================
claim                        scope      value
============================ ========== =================================================
``sub``                      openid     stable opaque id: a UUID derived from the personal id
``name``                     profile    full name
``personal_id``              citizen    số định danh cá nhân (12 digits)
``birth_date``               citizen    ``YYYY-MM-DD``
``phone``                    phone      phone number
``email``                    email      e-mail address
``represented_businesses``   business   list of ``{"tax_code", "name", "address"}``: the
                                        businesses whose legal representative
                                        (người đại diện theo pháp luật) this person is
``acr``                      openid     the e-ID level of the account (Decree 69/2024/NĐ-CP
                                        Art. 9): ``vneid:level2`` (identity verified in
                                        person against the chip ID card) or
                                        ``vneid:level1``; from ``User.eid_level``
============================ ========== =================================================

A claim without a value is left out, except ``represented_businesses``, which is
always present (possibly empty) when its scope is granted, so that a relying party
can tell "represents none" from "not asked".
"""

import uuid

from oauth2_provider.oauth2_validators import OAuth2Validator

from motcua.accounts.models import Applicant

# Fixed forever: changing it would change every citizen's ``sub``.
SUBJECT_NAMESPACE = uuid.UUID("5c1f6a52-7d0e-4a43-9a55-2f0b6c1d9e37")

# The ``acr`` values (OpenID Connect Core §2) of the two e-ID levels, by level.
ACR_BY_LEVEL = {1: "vneid:level1", 2: "vneid:level2"}

CUSTOM_CLAIM_SCOPES = {
    "acr": "openid",
    "personal_id": "citizen",
    "birth_date": "citizen",
    "phone": "phone",
    "email": "email",
    "represented_businesses": "business",
}


def subject_for(user) -> str:
    """The ``sub`` of a user: the same for a personal id on every deployment, never reused."""
    if user.personal_id:
        return str(uuid.uuid5(SUBJECT_NAMESPACE, f"personal_id:{user.personal_id}"))
    return str(uuid.uuid5(SUBJECT_NAMESPACE, f"user:{user.pk}"))


def citizen_claims(user) -> dict:
    """Every claim the provider can assert about ``user`` (before filtering by scope)."""
    person = (
        Applicant.objects.filter(kind=Applicant.Kind.PERSON, personal_id=user.personal_id).first()
        if user.personal_id
        else None
    )
    claims = {
        "sub": subject_for(user),
        "acr": ACR_BY_LEVEL.get(user.eid_level, ACR_BY_LEVEL[1]),
        "name": user.full_name or (person.name if person else ""),
        "personal_id": user.personal_id or "",
        "birth_date": person.birth_date.isoformat() if person and person.birth_date else "",
        "phone": user.phone or (person.phone if person else ""),
        "email": user.email or (person.email if person else ""),
    }
    claims = {name: value for name, value in claims.items() if value}
    businesses = (
        Applicant.objects.filter(kind=Applicant.Kind.BUSINESS, representative=person)
        .order_by("name", "tax_code")
        .values("tax_code", "name", "address")
        if person
        else []
    )
    claims["represented_businesses"] = [dict(business) for business in businesses]
    return claims


class CitizenClaimsValidator(OAuth2Validator):
    """DOT's validator with the citizen claims above (``OAUTH2_VALIDATOR_CLASS``)."""

    oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, **CUSTOM_CLAIM_SCOPES}

    def get_additional_claims(self, request):
        return citizen_claims(request.user)

    def get_discovery_claims(self, request):
        return ["sub", "name", *CUSTOM_CLAIM_SCOPES]

    def validate_user(self, username, password, client, request, *args, **kwargs):
        # No resource-owner password grant (RFC 9700 §2.4): people sign in on the
        # provider's page, behind its lockout. oauthlib checks the password before it
        # asks whether the client may use this grant, so DOT's own refusal (after the
        # check) told a right password from a wrong one; refusing here, without looking
        # at the password, gives every attempt the same answer.
        return False
