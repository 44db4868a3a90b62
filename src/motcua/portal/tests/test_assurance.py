"""The e-ID level of the sign-in (Decree 69/2024/NĐ-CP Art. 9) goes with the dossier.

The citizen signs in through the bundled provider over real HTTP (as with VNeID); the
portal keeps the ``acr`` of that sign-in in the session, records it on the dossier at
submission, and a procedure requiring level 2 refuses a level-1 sign-in.
"""

import io
from importlib import import_module

import pytest
import requests
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from motcua.accounts.citizen import SESSION_EID_LEVEL
from motcua.accounts.tests.test_citizen_oidc_round_trip import (
    provider_sign_in_page,
    submit_password,
)
from motcua.catalog.models import ProcedureVersion
from motcua.dossiers.models import Dossier, IdentityAssurance, Status

from .conftest import applicant_of, complete_form_data, pdf_file

pytestmark = pytest.mark.django_db(transaction=True)
REFUSED = "Thủ tục này yêu cầu tài khoản định danh điện tử mức độ 2"


@pytest.fixture
def portal(live_server, settings):
    settings.MOTCUA_OIDC_DISCOVERY_URL = f"{live_server.url}/idp/.well-known/openid-configuration"
    settings.MOTCUA_OIDC_CLIENT_ID = "portal-assurance-test"
    settings.MOTCUA_OIDC_CLIENT_SECRET = "secret-for-the-assurance-test"
    call_command(
        "setup_idp",
        f"--base-url={live_server.url}",
        "--client-id=portal-assurance-test",
        "--client-secret=secret-for-the-assurance-test",
        stdout=io.StringIO(),
    )
    return live_server.url


def signed_in(portal, user, level) -> Client:
    """A test client holding the portal session of ``user`` after a real sign-in at the
    provider with an account of e-ID ``level``."""
    user.eid_level = level
    user.save(update_fields=["eid_level"])
    with requests.Session() as browser:
        landed = submit_password(browser, provider_sign_in_page(browser, portal), user.personal_id)
        assert landed.status_code == 200
        key = browser.cookies.get(settings.SESSION_COOKIE_NAME)
    store = import_module(settings.SESSION_ENGINE).SessionStore
    assert store(session_key=key).get(SESSION_EID_LEVEL) == level
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = key
    return client


def draft_with_files(client, user, version, commune) -> Dossier:
    dossier = Dossier.objects.create(
        applicant=applicant_of(user),
        procedure_version=version,
        agency=commune,
        status=Status.DRAFT,
        form_data=complete_form_data(),
    )
    for component in version.components.all():
        response = client.post(
            f"/ho-so/{dossier.public_id}/giay-to/tai-len/",
            {"component": component.pk, "file": pdf_file(f"tp{component.position}.pdf")},
        )
        assert response.status_code == 302
    return dossier


def require_level_2(version):
    ProcedureVersion.objects.filter(pk=version.pk).update(min_assurance=2)


def test_a_level_2_sign_in_is_recorded_on_the_dossier(portal, citizen, version, commune, registry):
    require_level_2(version)
    client = signed_in(portal, citizen, 2)
    dossier = draft_with_files(client, citizen, version, commune)
    assert REFUSED not in client.get(f"/ho-so/{dossier.public_id}/xem-lai/").content.decode()
    response = client.post(f"/ho-so/{dossier.public_id}/nop/")
    assert response.status_code == 302, response.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED
    assert dossier.identity_assurance == IdentityAssurance.EID_LEVEL2


def test_a_level_1_sign_in_is_refused_for_a_level_2_procedure_and_told_to_use_vneid_level_2(
    portal, citizen, version, commune, registry
):
    require_level_2(version)
    client = signed_in(portal, citizen, 1)
    dossier = draft_with_files(client, citizen, version, commune)
    # Said already on the review page, before the citizen presses "Nộp hồ sơ".
    assert REFUSED in client.get(f"/ho-so/{dossier.public_id}/xem-lai/").content.decode()
    response = client.post(f"/ho-so/{dossier.public_id}/nop/")
    assert response.status_code == 400
    page = response.content.decode()
    assert REFUSED in page and "đăng nhập lại bằng tài khoản VNeID mức độ 2" in page
    dossier.refresh_from_db()
    assert dossier.status == Status.DRAFT and not dossier.code


def test_a_level_1_sign_in_files_an_ordinary_procedure_as_level_1(
    portal, citizen, version, commune, registry
):
    client = signed_in(portal, citizen, 1)
    dossier = draft_with_files(client, citizen, version, commune)
    assert client.post(f"/ho-so/{dossier.public_id}/nop/").status_code == 302
    dossier.refresh_from_db()
    assert dossier.identity_assurance == IdentityAssurance.EID_LEVEL1
