"""No admin page shows a whole personal identification number: users, applicants and
sign-in attempts are listed with the last four digits only, change forms never write the
stored number into the page, and leaving the box empty keeps it."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt

from motcua.accounts.models import Applicant, User
from tests.factories import ApplicantFactory, UserFactory

pytestmark = pytest.mark.django_db

PID = "001090004444"
MASKED = "********4444"


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="quantri", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def citizen():
    # Citizens' user names are their numbers (accounts.citizen.sign_in_from_claims).
    return UserFactory(username=PID, personal_id=PID, full_name="Lê Thị Hoa")


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_the_user_list_masks_numbers_and_user_names(admin_client, citizen):
    body = page(admin_client, "/quan-tri/accounts/user/")
    assert "Lê Thị Hoa" in body and MASKED in body
    assert PID not in body


def test_searching_by_the_whole_number_still_finds_the_user(admin_client, citizen):
    body = page(admin_client, f"/quan-tri/accounts/user/?q={PID}")
    assert "Lê Thị Hoa" in body and MASKED in body  # (the search box repeats what was typed)


def test_the_user_page_never_writes_the_number(admin_client, citizen):
    body = page(admin_client, f"/quan-tri/accounts/user/{citizen.pk}/change/")
    assert PID not in body
    assert f'placeholder="{MASKED}"' in body


def user_form(user: User, **changes) -> dict:
    data = {
        "username": "",
        "personal_id": "",
        "full_name": user.full_name,
        "phone": "",
        "email": "",
        "is_active": "on",
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "initial-date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "initial-date_joined_1": user.date_joined.strftime("%H:%M:%S"),
    }
    data.update(changes)
    return data


def test_saving_with_the_boxes_left_empty_keeps_the_number(admin_client, citizen):
    response = admin_client.post(
        f"/quan-tri/accounts/user/{citizen.pk}/change/", user_form(citizen, full_name="Lê Hoa")
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    citizen.refresh_from_db()
    assert (citizen.username, citizen.personal_id, citizen.full_name) == (PID, PID, "Lê Hoa")


def test_typing_a_new_number_replaces_it(admin_client, citizen):
    response = admin_client.post(
        f"/quan-tri/accounts/user/{citizen.pk}/change/",
        user_form(citizen, personal_id="001090005555"),
    )
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert citizen.personal_id == "001090005555" and citizen.username == PID


def test_the_applicant_pages_mask_the_number(admin_client):
    applicant = ApplicantFactory(personal_id=PID, name="Lê Thị Hoa")
    listing = page(admin_client, "/quan-tri/accounts/applicant/")
    assert MASKED in listing and PID not in listing
    change = page(admin_client, f"/quan-tri/accounts/applicant/{applicant.pk}/change/")
    assert PID not in change and f'placeholder="{MASKED}"' in change
    assert Applicant.objects.get().personal_id == PID


def test_sign_in_attempts_are_listed_with_masked_user_names(admin_client, client):
    attempt = AccessAttempt.objects.create(
        username=PID,
        ip_address="203.0.113.4",
        user_agent="",
        failures_since_start=5,
        get_data="",
        post_data="",
        http_accept="",
        path_info="/idp/dang-nhap/",
    )
    listing = page(admin_client, "/quan-tri/axes/accessattempt/")
    assert MASKED in listing and "203.0.113.4" in listing and PID not in listing
    # A record has no page of its own (its title would be the name in clear).
    detail = admin_client.get(f"/quan-tri/axes/accessattempt/{attempt.pk}/change/")
    assert detail.status_code == 302 and detail["Location"] == "/quan-tri/axes/accessattempt/"
    assert page(admin_client, "/quan-tri/axes/accesslog/")
