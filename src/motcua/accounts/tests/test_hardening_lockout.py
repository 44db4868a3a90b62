"""Sign-in lockout (django-axes): officers at /dang-nhap/, the admin, and the bundled
identity provider; a user name + address pair is locked after 5 failures for 15 minutes,
with a Vietnamese page, and a successful sign-in resets the count."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt

from motcua.agencies.models import Role
from tests.factories import AgencyFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "matkhau-demo-123"
PID = "001090003333"
LOCKED = "Vui lòng thử lại sau 15 phút."


@pytest.fixture
def officer():
    user = UserFactory(username="motcua.kinhbac")
    MembershipFactory(user=user, agency=AgencyFactory(), role=Role.DESK_OFFICER)
    return user


def officer_login(client, password, username="motcua.kinhbac", address="198.51.100.7"):
    return client.post(
        "/dang-nhap/", {"username": username, "password": password}, REMOTE_ADDR=address
    )


def fail(client, times, **kwargs):
    return [officer_login(client, "sai-mat-khau", **kwargs).status_code for _ in range(times)]


def test_the_fifth_failure_locks_the_officer_out_with_a_vietnamese_page(client, officer):
    assert fail(client, 4) == [200] * 4
    fifth = officer_login(client, "sai-mat-khau")
    assert fifth.status_code == 429
    body = fifth.content.decode()
    assert "Tạm khóa đăng nhập" in body and LOCKED in body
    assert "sai 5 lần liên tiếp" in body
    assert fifth["Retry-After"] == str(15 * 60)
    # Even the right password is refused while the lock lasts.
    right = officer_login(client, PASSWORD)
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lock_holds_for_one_user_name_from_one_address_only(client, officer):
    fail(client, 5)
    colleague = UserFactory(username="motcua.dong.nghiep")
    MembershipFactory(user=colleague, role=Role.DESK_OFFICER)
    assert officer_login(client, PASSWORD, username="motcua.dong.nghiep").status_code == 302
    client.logout()
    assert officer_login(client, PASSWORD, address="198.51.100.99").status_code == 302


def test_the_lock_ends_after_the_cool_off(client, officer):
    fail(client, 5)
    AccessAttempt.objects.update(attempt_time=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=16))
    assert officer_login(client, PASSWORD).status_code == 302


def test_attempts_during_the_lock_do_not_extend_it(client, officer):
    fail(client, 5)
    locked_at = AccessAttempt.objects.get().attempt_time
    fail(client, 3)
    assert AccessAttempt.objects.get().attempt_time == locked_at


def test_a_successful_sign_in_resets_the_count(client, officer):
    fail(client, 4)
    assert officer_login(client, PASSWORD).status_code == 302
    client.logout()
    assert fail(client, 4) == [200] * 4
    assert officer_login(client, PASSWORD).status_code == 302


def test_the_limit_and_cool_off_are_settings(client, officer, settings):
    settings.AXES_FAILURE_LIMIT = settings.MOTCUA_LOGIN_FAILURE_LIMIT = 2
    settings.MOTCUA_LOGIN_COOLOFF_MINUTES = 30
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=30)
    assert fail(client, 2) == [200, 429]
    assert "Vui lòng thử lại sau 30 phút." in officer_login(client, PASSWORD).content.decode()


def test_the_admin_login_locks_out_too(client):
    UserFactory(username="quantri", is_staff=True, is_superuser=True)
    statuses = [
        client.post(
            "/quan-tri/login/?next=/quan-tri/", {"username": "quantri", "password": "sai"}
        ).status_code
        for _ in range(5)
    ]
    assert statuses == [200, 200, 200, 200, 429]
    locked = client.post("/quan-tri/login/", {"username": "quantri", "password": PASSWORD})
    assert locked.status_code == 429 and LOCKED in locked.content.decode()


def idp_login(client, personal_id, password):
    return client.post("/idp/dang-nhap/", {"personal_id": personal_id, "password": password})


def test_the_identity_provider_locks_a_citizen_out_on_its_own_page(client):
    UserFactory(username=PID, personal_id=PID)
    statuses = [idp_login(client, PID, "sai-mat-khau").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    locked = idp_login(client, PID, PASSWORD)
    body = locked.content.decode()
    assert locked.status_code == 429 and LOCKED in body
    assert "idp/idp.css" in body  # the provider's look, not the portal's
    # The personal identification number is never kept in clear in the attempt's form data.
    attempt = AccessAttempt.objects.get()
    assert PID not in attempt.post_data


def test_an_unknown_number_is_locked_out_alike(client):
    # Otherwise the lockout page would tell which numbers have an account.
    statuses = [idp_login(client, "001090009999", "sai-mat-khau").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]


def test_a_citizen_signs_in_at_the_provider_after_failures_below_the_limit(client):
    UserFactory(username=PID, personal_id=PID)
    for _ in range(4):
        idp_login(client, PID, "sai-mat-khau")
    assert idp_login(client, PID, PASSWORD).status_code == 302
    assert not AccessAttempt.objects.exists()
