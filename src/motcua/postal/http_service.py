"""The HTTP postal connector: the bundled simulator or an operator with the same protocol.

``POST {MOTCUA_POSTAL_URL}api/cuoc/`` (quote), ``api/van-don/`` (book, idempotent by
reference, so retried like a read) and ``api/hanh-trinh/`` (track), JSON signed with
``signing``; the answer's signature is verified before it is believed. Each attempt is
bounded by ``MOTCUA_POSTAL_TIMEOUT_S``; timeouts, refused connections and 502/503/504
answers are retried ``MOTCUA_POSTAL_RETRIES`` times with urllib3's exponential backoff
(``MOTCUA_POSTAL_BACKOFF_S``), as the registries' connector does.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from urllib.parse import urljoin

import requests
from django.conf import settings
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from requests.adapters import HTTPAdapter
from urllib3.util import Retry, Timeout

from . import signing
from .connector import (
    Booked,
    InvalidSignature,
    Journey,
    Parcel,
    PostalError,
    PostalService,
    TrackedEvent,
)

logger = logging.getLogger(__name__)
RETRY_STATUSES = (502, 503, 504)


def _unavailable() -> PostalError:
    return PostalError(_("Chưa kết nối được với dịch vụ bưu chính, vui lòng thử lại sau ít phút."))


def tracked_event(item: dict) -> TrackedEvent:
    """A reported event from its JSON form. Raises PostalError when it is malformed."""
    at = parse_datetime(str(item.get("at") or ""))
    if not item.get("event_id") or not item.get("status") or at is None:
        raise PostalError(_("Dịch vụ bưu chính gửi thông tin không hợp lệ."), code="malformed")
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    return TrackedEvent(
        event_id=str(item["event_id"])[:64],
        tracking_number=str(item.get("tracking_number") or "")[:20],
        status=str(item["status"]),
        at=at,
        note=str(item.get("note") or "")[:255],
    )


class HttpPostalService(PostalService):
    def __init__(self):
        base = settings.MOTCUA_POSTAL_URL
        self.base_url = base if base.endswith("/") else base + "/"
        self.timeout = settings.MOTCUA_POSTAL_TIMEOUT_S
        self.retries = settings.MOTCUA_POSTAL_RETRIES
        self.backoff = settings.MOTCUA_POSTAL_BACKOFF_S

    def _session(self) -> requests.Session:
        retry = Retry(
            total=self.retries,
            connect=self.retries,
            read=self.retries,
            status=self.retries,
            other=0,
            redirect=0,
            # Every call is idempotent (booking by reference), so POSTs are retried too.
            allowed_methods=frozenset({"POST"}),
            status_forcelist=RETRY_STATUSES,
            backoff_factor=self.backoff,
            raise_on_status=False,
            respect_retry_after_header=False,
        )
        session = requests.Session()
        session.mount("http://", HTTPAdapter(max_retries=retry))
        session.mount("https://", HTTPAdapter(max_retries=retry))
        return session

    def _call(self, path: str, payload: dict) -> tuple[int, dict]:
        body = signing.dumps(payload)
        try:
            with self._session() as session:
                response = session.post(
                    urljoin(self.base_url, path),
                    data=body,
                    headers=signing.signed_headers(body),
                    timeout=Timeout(total=self.timeout),
                    allow_redirects=False,
                )
        except requests.RequestException as exc:
            logger.warning("postal %s failed: %s", path, type(exc).__name__)
            raise _unavailable() from exc
        if not signing.verify(response.headers, response.content):
            logger.warning("postal %s: answer %s not signed", path, response.status_code)
            raise InvalidSignature(
                _("Dịch vụ bưu chính trả lời không có chữ ký hợp lệ."), code="invalid_signature"
            )
        try:
            answer = json.loads(response.content or b"{}")
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            raise PostalError(_("Dịch vụ bưu chính gửi thông tin không hợp lệ."), code="malformed")
        if response.status_code >= 500:
            raise _unavailable()
        if response.status_code >= 400:
            logger.info("postal %s refused: %s", path, answer.get("error"))
            raise PostalError(
                _("Dịch vụ bưu chính từ chối yêu cầu: %(reason)s")
                % {"reason": answer.get("message") or answer.get("error") or response.status_code},
                code=str(answer.get("error") or "refused"),
            )
        return response.status_code, answer

    def quote(self, address: dict, *, origin_province: str) -> int:
        _status, answer = self._call(
            "api/cuoc/", {"address": address, "origin_province": origin_province}
        )
        try:
            return int(answer["postage_vnd"])
        except (KeyError, TypeError, ValueError):
            raise PostalError(
                _("Dịch vụ bưu chính gửi thông tin không hợp lệ."), code="malformed"
            ) from None

    def create_shipment(self, parcel: Parcel) -> Booked:
        _status, answer = self._call(
            "api/van-don/",
            {
                "reference": parcel.reference,
                "recipient": parcel.recipient,
                "phone": parcel.phone,
                "address": parcel.address,
                "origin_province": parcel.origin_province,
                "sender": parcel.sender,
                "callback_url": parcel.callback_url,
            },
        )
        try:
            return Booked(
                tracking_number=str(answer["tracking_number"]),
                status=str(answer["status"]),
                postage_vnd=int(answer["postage_vnd"]),
            )
        except (KeyError, TypeError, ValueError):
            raise PostalError(
                _("Dịch vụ bưu chính gửi thông tin không hợp lệ."), code="malformed"
            ) from None

    def track(self, tracking_number: str) -> Journey:
        _status, answer = self._call("api/hanh-trinh/", {"tracking_number": tracking_number})
        events = answer.get("events")
        if not isinstance(events, list):
            raise PostalError(_("Dịch vụ bưu chính gửi thông tin không hợp lệ."), code="malformed")
        return Journey(
            tracking_number=str(answer.get("tracking_number") or tracking_number),
            status=str(answer.get("status") or ""),
            events=[tracked_event(item) for item in events if isinstance(item, dict)],
        )
