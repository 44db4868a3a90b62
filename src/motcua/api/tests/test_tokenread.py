"""The bearer token's hand-written read builds the rows the ORM would build."""

import hashlib

import pytest
from django.forms.models import model_to_dict
from oauth2_provider.models import AccessToken

from motcua.accounts.models import Applicant
from motcua.api.tokenread import read_token

from .conftest import bearer_token

pytestmark = pytest.mark.django_db


def checksum(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def fields(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def test_a_persons_token_comes_with_their_user_and_own_applicant(citizen):
    raw = bearer_token(citizen)
    token, user, person = read_token(checksum(raw))
    orm = AccessToken.objects.select_related("user").get(token=raw)
    own = citizen.applicants.get(kind="person")
    assert fields(token) == fields(orm) and not token._state.adding
    assert fields(user) == fields(orm.user) and token.user is user
    assert fields(person) == fields(own) and person.user is user
    assert model_to_dict(person) == model_to_dict(own)
    assert not token.is_expired() and user.is_active is True


def test_no_applicant_when_the_person_is_not_linked_to_the_account(citizen):
    Applicant.objects.filter(user=citizen).update(user=None)
    token, user, person = read_token(checksum(bearer_token(citizen)))
    assert user.pk == citizen.pk and person is None


def test_a_system_token_has_no_user(system_client):
    _api, client = system_client
    raw = AccessToken.objects.filter(application=client.application).get().token
    token, user, person = read_token(checksum(raw))
    assert token.application_id == client.application_id and token.user_id is None
    assert user is None and person is None


def test_an_unknown_token_reads_nothing():
    assert read_token(checksum("no such token")) == (None, None, None)
