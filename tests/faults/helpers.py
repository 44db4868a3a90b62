"""Helpers shared by the fault and hostile-input tests."""

from __future__ import annotations

# The two lines docs/RESILIENCE.md asks settings.MIDDLEWARE to hold, right after
# motcua.ops.middleware.OpsEndpointsMiddleware.
TRUST_MIDDLEWARE = [
    "motcua.dossiers.middleware.NulCharactersMiddleware",
    "motcua.dossiers.middleware.DatabaseUnavailableMiddleware",
]


def with_trust_middleware(middleware: list[str]) -> list[str]:
    """``middleware`` with the trust middleware placed as documented (once)."""
    rest = [m for m in middleware if m not in TRUST_MIDDLEWARE]
    anchor = "motcua.ops.middleware.OpsEndpointsMiddleware"
    at = rest.index(anchor) + 1 if anchor in rest else 0
    return [*rest[:at], *TRUST_MIDDLEWARE, *rest[at:]]
