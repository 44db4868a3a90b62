"""`motcua setup_idp` registers the portal as the provider's client."""

import io
import os
import stat
import threading

import pytest
from django.contrib.auth.hashers import check_password
from django.core.management import call_command
from oauth2_provider.models import Application

from motcua.idp.keys import read_or_create_client_secret, read_or_create_rsa_private_key
from tests.factories import UserFactory


def setup_idp(*args):
    out = io.StringIO()
    call_command("setup_idp", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_setup_registers_the_portal_for_both_local_addresses(settings):
    setup_idp()
    application = Application.objects.get(client_id=settings.MOTCUA_OIDC_CLIENT_ID)
    assert application.redirect_uris.split() == [
        "http://127.0.0.1:8000/cong-dan/dang-nhap/hoan-tat/",
        "http://localhost:8000/cong-dan/dang-nhap/hoan-tat/",
    ]
    assert application.skip_authorization
    assert application.algorithm == "RS256"
    assert check_password(settings.MOTCUA_OIDC_CLIENT_SECRET, application.client_secret)


@pytest.mark.django_db
def test_running_setup_twice_keeps_one_client_with_the_latest_addresses():
    setup_idp("--client-id=portal", "--client-secret=one")
    setup_idp("--client-id=portal", "--client-secret=two", "--base-url=http://localhost:50123")
    application = Application.objects.get(client_id="portal")
    assert Application.objects.count() == 1
    assert application.redirect_uris == "http://localhost:50123/cong-dan/dang-nhap/hoan-tat/"
    assert check_password("two", application.client_secret)


@pytest.mark.django_db
def test_setup_can_give_demo_citizens_a_password_without_touching_officers():
    citizen = UserFactory(personal_id="001090000555")
    citizen.set_unusable_password()
    citizen.save()
    officer = UserFactory(personal_id="001090000556", is_staff=True)
    officer.set_unusable_password()
    officer.save()
    output = setup_idp("--citizen-password=matkhau-cong-dan")
    citizen.refresh_from_db()
    officer.refresh_from_db()
    assert citizen.check_password("matkhau-cong-dan")
    assert not officer.has_usable_password()
    assert "Citizens given the demo password: 1" in output


def test_the_signing_key_is_created_once_and_readable_by_its_owner_only(tmp_path):
    path = tmp_path / "key.pem"
    first = read_or_create_rsa_private_key(path)
    assert first.startswith("-----BEGIN PRIVATE KEY-----")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert read_or_create_rsa_private_key(path) == first


def test_processes_starting_together_agree_on_one_client_secret(tmp_path):
    path = tmp_path / "secret"
    results = []
    threads = [
        threading.Thread(target=lambda: results.append(read_or_create_client_secret(path)))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(results)) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["secret"]
