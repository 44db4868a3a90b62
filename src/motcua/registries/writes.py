"""Results written back to the registries ("only once").

``register_result(action, reference, payload)`` asks the registry the action belongs to
to record an issued result (a birth, a death, a marriage, a household business); it
is idempotent by ``reference`` (the dossier's code): the same reference with changed
data amends the registration. ``result_payload`` maps a dossier's form and decision
data to that payload. Each write goes through the registry's circuit breaker and is
logged like a lookup (``LookupLog``, purpose ``register:<action>``).
"""

from __future__ import annotations

import time
from typing import Any

import pybreaker
from django.conf import settings
from django.core.cache import caches
from django.utils.translation import gettext as _

from motcua.accounts.models import Applicant
from motcua.audit.masking import mask_personal_ids
from motcua.catalog.models import Registry

from . import forms
from .breakers import breaker_for
from .connectors import RegistryError, RegistryRejected, connector_for, connector_name
from .services import InvalidLookup, Outcome, _cache_key, _Fetch, _write_logs, logger

# The registry each write goes to.
ACTION_REGISTRY = {
    "register_birth": Registry.POPULATION,
    "register_death": Registry.POPULATION,
    "register_marriage": Registry.CIVIL_STATUS,
    "register_household_business": Registry.BUSINESS,
}
# Payload keys naming the people a write concerns (their cached records are stale after it).
_PERSON_KEYS = (
    "mother_personal_id",
    "father_personal_id",
    "personal_id",
    "husband_personal_id",
    "wife_personal_id",
    "owner_personal_id",
)


class RegistryWriteError(Exception):
    """A result could not be written to its registry. ``message`` is Vietnamese, for the
    officer; ``retryable`` is True when the registry did not answer (try again later)
    and False when it refused the data."""

    def __init__(self, message: str, *, registry: str, action: str, retryable: bool):
        super().__init__(message)
        self.message = message
        self.registry = registry
        self.action = action
        self.retryable = retryable


def register_result(
    action: str,
    reference: str,
    payload: dict[str, Any],
    *,
    actor=None,
    applicant: Applicant | None = None,
) -> dict[str, Any]:
    """Write an issued result to its registry and return the identifiers it created.

    ``action`` is ``register_birth`` (→ ``{"personal_id", "household_id", ...}``),
    ``register_death``, ``register_marriage`` or ``register_household_business``
    (→ ``{"business_code", "tax_code", ...}``); ``reference`` the dossier code;
    ``payload`` as ``result_payload`` builds it. Idempotent by ``reference``: calling
    again (a retry, a second preview) returns the same identifiers and writes nothing;
    calling again with a corrected payload amends the records the first call created
    (the same identifiers, plus ``"amended": True``).
    Goes through the registry's circuit breaker and connector (HTTP POST with timeouts
    and retries) and writes a ``LookupLog`` row (purpose ``register:<action>``).
    Raises RegistryWriteError (Vietnamese message) when the registry does not answer
    or refuses the data (``retryable`` False, e.g. a personal ID that does not match
    the name or birth date given for that person), InvalidLookup for an unknown action.
    """
    registry = ACTION_REGISTRY.get(action)
    if registry is None:
        raise InvalidLookup(_("Không có nghiệp vụ ghi dữ liệu “%(action)s”.") % {"action": action})
    people = [str(payload.get(k)) for k in _PERSON_KEYS if payload.get(k)]
    subject = people[0] if people else str(reference)
    started = time.monotonic()
    log = _Fetch(registry, subject, Outcome.UNAVAILABLE, connector=connector_name(registry))
    error = None
    try:
        written = breaker_for(registry).call(
            connector_for(registry).register, action, str(reference), payload
        )
    except pybreaker.CircuitBreakerError:
        log.outcome, log.detail = Outcome.CIRCUIT_OPEN, "circuit open"
        error = RegistryWriteError(
            _("Không kết nối được %(registry)s để ghi kết quả; hãy thử lại sau ít phút.")
            % {"registry": Registry(registry).label},
            registry=registry,
            action=action,
            retryable=True,
        )
    except RegistryError as exc:
        rejected = isinstance(exc, RegistryRejected)
        log.outcome = Outcome.REJECTED if rejected else Outcome.UNAVAILABLE
        log.attempts, log.status = exc.attempts, exc.status
        log.request_id, log.detail = exc.request_id, mask_personal_ids(exc.reason)[:200]
        if rejected:
            message = _("%(registry)s không nhận kết quả: %(detail)s") % {
                "registry": Registry(registry).label,
                "detail": exc.reason,
            }
        else:
            message = _(
                "Không kết nối được %(registry)s để ghi kết quả; hãy thử lại sau ít phút."
            ) % {"registry": Registry(registry).label}
        error = RegistryWriteError(
            message, registry=registry, action=action, retryable=not rejected
        )
    else:
        log.outcome, log.attempts = Outcome.WRITTEN, written.attempts
        log.status, log.request_id = written.status, written.request_id
        if written.created:
            log.detail = "created"
        else:
            log.detail = "amended" if written.result.get("amended") else "already written"
    log.duration_ms = int((time.monotonic() - started) * 1000)
    _write_logs([log], actor, applicant, reference, f"register:{action}", {registry: [action]})
    if error is not None:
        raise error
    # The people's records changed: the next prefill must not read them from the cache.
    cache = caches[settings.MOTCUA_REGISTRY_CACHE_ALIAS]
    for personal_id in people:
        for stale in (Registry.POPULATION, Registry.CIVIL_STATUS):
            try:
                cache.delete(_cache_key(stale, personal_id))
            except Exception as failure:
                logger.warning("registry cache unavailable: %s", type(failure).__name__)
    return written.result


def _first(data: dict[str, Any], *paths: str) -> Any:
    for path in paths:
        value = forms.get_path(data, path)
        if value not in (None, "", {}, []):
            return value
    return None


def _person_payload(block: Any) -> dict[str, Any]:
    if not isinstance(block, dict):
        return {}
    return {p: block[p] for p in forms.PERSON_PARTS if block.get(p) not in (None, "", {})}


def _known_person(form_data: dict[str, Any], prefix: str, *blocks: str) -> dict[str, Any]:
    """``<prefix>personal_id`` of an existing person and, for the registry to check the
    ID against its record, the ``<prefix>full_name`` and ``<prefix>birth_date`` the
    dossier gives; read from the first of ``blocks`` (person blocks) that is filled."""
    block = next(
        (
            form_data[name]
            for name in blocks
            if isinstance(form_data.get(name), dict) and form_data[name]
        ),
        {},
    )
    known = {f"{prefix}personal_id": block.get("personal_id") or ""}
    for part in ("full_name", "birth_date"):
        if block.get(part) not in (None, ""):
            known[f"{prefix}{part}"] = block[part]
    return known


# Decision data sent along (the payload's name ← the decision fields that may hold it:
# the v2 forms say ``register_book``/``register_page``).
_DECISION_KEYS = {
    "registered_on": ("registered_on",),
    "register_number": ("register_number",),
    "book": ("register_book", "book"),
    "page": ("register_page", "page"),
    "authority": ("authority",),
}


def result_payload(
    action: str, form_data: dict[str, Any], decision_data: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The payload ``register_result`` sends for a dossier's form and decision data.

    The v2 forms name their blocks as ``docs/EFORMS.md`` ("Results become data")
    says: ``child``/``mother``/``father`` for a birth, ``deceased`` and
    ``death_date`` for a death, ``husband``/``wife`` (or ``groom``/``bride``) for a
    marriage, ``business_name``, ``owner`` (or ``requester``), ``business_address``,
    ``business_lines`` and ``capital`` for a household business. Every existing person
    goes with the name and birth date the form gives, which the registry checks against
    the personal ID. The decision data may give ``registered_on``, ``register_number``,
    ``register_book`` (or ``book``) and ``register_page`` (or ``page``), sent as
    ``registered_on``, ``register_number``, ``book``, ``page``. Raises InvalidLookup for
    an unknown action.
    """
    form_data = form_data or {}
    decision = decision_data or {}
    common = {}
    for key, names in _DECISION_KEYS.items():
        value = next((decision[n] for n in names if decision.get(n) not in (None, "")), None)
        if value is not None:
            common[key] = value
    if action == "register_birth":
        return {
            "child": _person_payload(form_data.get("child")),
            **_known_person(form_data, "mother_", "mother"),
            **_known_person(form_data, "father_", "father"),
            **common,
        }
    if action == "register_death":
        return {
            **_known_person(form_data, "", "deceased"),
            "date_of_death": _first(form_data, "death_date", "date_of_death", "deceased.death_date")
            or "",
            **common,
        }
    if action == "register_marriage":
        return {
            **_known_person(form_data, "husband_", "husband", "groom"),
            **_known_person(form_data, "wife_", "wife", "bride"),
            **common,
        }
    if action == "register_household_business":
        capital = _first(form_data, "capital", "capital_vnd")
        lines = _first(form_data, "business_lines")
        return {
            "name": _first(form_data, "business_name", "name") or "",
            **_known_person(form_data, "owner_", "owner", "requester"),
            "address": _first(form_data, "business_address", "address") or "",
            "business_lines": lines if isinstance(lines, list) else ([lines] if lines else []),
            "capital_vnd": capital if isinstance(capital, int) else None,
            **common,
        }
    raise InvalidLookup(_("Không có nghiệp vụ ghi dữ liệu “%(action)s”.") % {"action": action})
