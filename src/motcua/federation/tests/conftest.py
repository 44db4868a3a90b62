"""Fixtures for the federation tests: national mode, a source instance, signed requests
(``instance_databases`` comes from tests/fixtures.py)."""

from __future__ import annotations

import hashlib
import hmac
import time

import pytest
from django.urls import reverse

from motcua.federation.models import SourceInstance

SECRET = "khoa-lien-thong-ha-noi-0123456789"


@pytest.fixture
def national(settings):
    settings.MOTCUA_FEDERATION_MODE = "national"
    settings.MOTCUA_INSTANCE_CODE = "HNI"
    return settings


@pytest.fixture
def hanoi(db):
    """The province the ``source`` instance reports for (its code is the instance's)."""
    from motcua.agencies.models import Agency
    from tests.factories import AgencyFactory

    return AgencyFactory(code="HNI", name="Thành phố Hà Nội", kind=Agency.Kind.PROVINCE)


@pytest.fixture
def source(national):
    return SourceInstance.objects.create(code="HNI", name="Thành phố Hà Nội", secret=SECRET)


def signed_headers(
    body: bytes,
    *,
    event_id: str,
    instance: str = "HNI",
    secret: str = SECRET,
    timestamp: int | None = None,
) -> dict[str, str]:
    """The headers a sender puts on an event (docs/EVENTS.md), computed independently."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return {
        "X-MotCua-Event-Id": event_id,
        "X-MotCua-Instance": instance,
        "X-MotCua-Timestamp": stamp,
        "X-MotCua-Signature": f"v1={digest}",
    }


def post_event(client, body: bytes, **kwargs):
    import json

    event_id = kwargs.pop("event_id", None) or json.loads(body)["id"]
    return client.post(
        reverse("federation:receive_event"),
        data=body,
        content_type="application/json",
        headers=signed_headers(body, event_id=event_id, **kwargs),
    )
