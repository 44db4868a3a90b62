"""The demo site on the live server: the portal wired to the bundled e-ID provider, the
registry simulator and the payment-gateway simulator on the same address (all over real
HTTP), and the demo data that the browser tests walk through."""

from __future__ import annotations

import importlib
import io

# Data migrations whose rows a transactional test's flush removes: put back before seeding.
DATA_MIGRATIONS = [
    ("motcua.search.migrations.0002_seed_lexicon", "seed"),  # everyday phrases of the search
    ("motcua.monitoring.migrations.0002_national_targets", "add_targets"),
]

DEMO_PASSWORD = "MotCua@2026"
OIDC_CLIENT = ("portal-browser-test", "secret-for-the-browser-test")


def wire_site(url: str, settings) -> None:
    """Point the portal at the provider, the registries and the gateway on ``url``."""
    settings.ALLOWED_HOSTS = ["*"]
    settings.MOTCUA_REGISTRY_BASE_URL = f"{url}/mo-phong/csdl/"
    settings.MOTCUA_REGISTRY_TIMEOUT_S = 5
    settings.MOTCUA_REGISTRYSIM_LATENCY_MS = 0
    settings.MOTCUA_NOTIFICATIONS_INLINE = False
    settings.MOTCUA_OIDC_DISCOVERY_URL = f"{url}/idp/.well-known/openid-configuration"
    settings.MOTCUA_OIDC_CLIENT_ID, settings.MOTCUA_OIDC_CLIENT_SECRET = OIDC_CLIENT
    settings.MOTCUA_PAYMENT_GATEWAY = "vnpay"
    settings.MOTCUA_VNPAY_PAY_URL = f"{url}/mo-phong/thanh-toan/paymentv2/vpcpay.html"
    settings.MOTCUA_VNPAY_API_URL = f"{url}/mo-phong/thanh-toan/merchant_webapi/api/transaction"
    settings.MOTCUA_PAYGATE_DEFAULT_SCENARIO = "normal"
    settings.MOTCUA_PAYMENT_CONNECT_TIMEOUT_S = 2
    settings.MOTCUA_PAYMENT_READ_TIMEOUT_S = 10
    settings.MOTCUA_PAYGATE_IPN_TIMEOUT_S = 10
    # The QR code of a signed result points at the live server.
    settings.MOTCUA_PORTAL_PUBLIC_URL = ""


def seed_site(
    url: str, *, dossiers: int, citizens: int, businesses: int, walkthrough: int = 3
) -> None:
    """The migrations' reference rows, the demo province, officers and citizens
    (``seed_demo``), and the provider's client."""
    from django.apps import apps
    from django.core.management import call_command

    for module, function in DATA_MIGRATIONS:  # both are idempotent
        getattr(importlib.import_module(module), function)(apps, None)
    out = io.StringIO()
    call_command(
        "seed_demo",
        "--dossiers",
        str(dossiers),
        "--citizens",
        str(citizens),
        "--businesses",
        str(businesses),
        "--walkthrough",
        str(walkthrough),
        "--signed-results",
        "0",
        stdout=out,
    )
    call_command(
        "setup_idp",
        f"--base-url={url}",
        f"--client-id={OIDC_CLIENT[0]}",
        f"--client-secret={OIDC_CLIENT[1]}",
        stdout=out,
    )
