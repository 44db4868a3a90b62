"""What the portal records when a provider vouches for a citizen (sign_in_from_claims)."""

import datetime as dt

import pytest

from motcua.accounts.citizen import SignInRefused, level_from_claims, sign_in_from_claims
from motcua.accounts.models import Applicant, User
from tests.factories import ApplicantFactory, UserFactory

pytestmark = pytest.mark.django_db


def claims(**overrides):
    data = {
        "sub": "subject-1",
        "personal_id": "001090004242",
        "name": "Đặng Thu Trang",
        "birth_date": "1988-03-08",
        "phone": "0911222333",
        "email": "trang@example.vn",
        "represented_businesses": [
            {"tax_code": "0109876543", "name": "Công ty TNHH Thu Trang", "address": "5 Hùng Vương"}
        ],
    }
    data.update(overrides)
    return data


def test_a_first_sign_in_creates_the_account_the_person_and_the_business():
    user = sign_in_from_claims(claims())
    person = Applicant.objects.get(kind=Applicant.Kind.PERSON, personal_id="001090004242")
    business = Applicant.objects.get(kind=Applicant.Kind.BUSINESS, tax_code="0109876543")
    assert (user.full_name, user.phone, user.email) == (
        "Đặng Thu Trang",
        "0911222333",
        "trang@example.vn",
    )
    assert not user.has_usable_password()
    assert (person.user, person.birth_date) == (user, dt.date(1988, 3, 8))
    assert (business.name, business.representative, business.user) == (
        "Công ty TNHH Thu Trang",
        person,
        user,
    )


def test_a_later_sign_in_updates_the_name_phone_and_email_from_the_provider():
    user = UserFactory(personal_id="001090004242", full_name="Tên cũ", phone="0900000000")
    signed_in = sign_in_from_claims(claims())
    user.refresh_from_db()
    assert signed_in == user
    assert (user.full_name, user.phone, user.email) == (
        "Đặng Thu Trang",
        "0911222333",
        "trang@example.vn",
    )
    assert User.objects.filter(personal_id="001090004242").count() == 1


def test_claims_the_provider_left_out_change_nothing():
    UserFactory(personal_id="001090004242", full_name="Đặng Thu Trang", phone="0900000000")
    user = sign_in_from_claims({"personal_id": "001090004242"})
    assert (user.full_name, user.phone) == ("Đặng Thu Trang", "0900000000")


def test_an_existing_counter_applicant_is_linked_not_duplicated():
    counter = ApplicantFactory(personal_id="001090004242", name="Đặng Thu Trang", user=None)
    user = sign_in_from_claims(claims())
    counter.refresh_from_db()
    assert counter.user == user
    assert Applicant.objects.filter(personal_id="001090004242").count() == 1


def test_a_business_no_longer_represented_loses_its_link_to_the_person():
    person = ApplicantFactory(personal_id="001090004242")
    former = Applicant.objects.create(
        kind=Applicant.Kind.BUSINESS,
        name="Hợp tác xã cũ",
        tax_code="0101010101",
        representative=person,
    )
    sign_in_from_claims(claims())
    former.refresh_from_db()
    assert former.representative is None
    assert list(
        Applicant.objects.filter(representative=person).values_list("tax_code", flat=True)
    ) == ["0109876543"]


def test_without_the_business_claim_existing_representations_stay():
    person = ApplicantFactory(personal_id="001090004242")
    kept = Applicant.objects.create(
        kind=Applicant.Kind.BUSINESS,
        name="Hợp tác xã",
        tax_code="0101010101",
        representative=person,
    )
    data = claims()
    del data["represented_businesses"]
    sign_in_from_claims(data)
    kept.refresh_from_db()
    assert kept.representative == person


def test_a_business_with_an_invalid_tax_code_is_skipped():
    sign_in_from_claims(claims(represented_businesses=[{"tax_code": "12", "name": "Lỗi"}]))
    assert not Applicant.objects.filter(kind=Applicant.Kind.BUSINESS).exists()


def test_an_invalid_personal_id_is_refused_with_a_vietnamese_message():
    with pytest.raises(SignInRefused) as refused:
        sign_in_from_claims(claims(personal_id="12345"))
    assert "không cung cấp số định danh cá nhân hợp lệ" in refused.value.message
    assert not User.objects.exists()


def test_a_username_taken_by_someone_else_does_not_block_the_citizen():
    UserFactory(username="001090004242")  # an officer's login happens to be the number
    user = sign_in_from_claims(claims())
    assert user.username == "cong-dan-001090004242"
    assert user.personal_id == "001090004242"


def test_a_personal_id_that_is_too_long_is_refused_not_shortened():
    with pytest.raises(SignInRefused):
        sign_in_from_claims(claims(personal_id="0010900042421"))
    assert not User.objects.exists()


@pytest.mark.parametrize(
    ("acr", "level"),
    [("vneid:level2", 2), ("vneid:level1", 1), (None, 1), ("urn:unknown", 1), ("", 1)],
)
def test_the_e_id_level_of_a_sign_in_comes_from_acr_and_defaults_to_level_1(acr, level):
    assert level_from_claims(claims(acr=acr)) == level


def test_a_sign_in_never_changes_the_providers_level_of_the_account():
    user = sign_in_from_claims(claims(acr="vneid:level2"))
    assert user.eid_level == 1  # the portal keeps the level in the session, not here
