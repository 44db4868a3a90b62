"""Fixtures shared by the agency tests."""

import pytest


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    # UserFactory hashes a password; the production hasher is deliberately slow.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
