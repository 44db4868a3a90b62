"""Looking citizens and businesses up in the national databases.

The portal uses three functions:

- ``prefill_form(schema, applicant)`` fills the e-form fields whose ``source`` a
  registry knows and says which registry each value came from; a registry that does
  not answer yields a Vietnamese message instead, and the citizen types the fields.
- ``verify_prefilled(schema, applicant, submitted, sources)`` looks the values up
  again on submit and names every registry-marked field whose value was changed.
- ``lookup(registry, subject)`` for a single lookup.

Each lookup goes: short cache (``MOTCUA_REGISTRY_CACHE_SECONDS``) → the registry's
circuit breaker → its connector (HTTP with timeouts and retries), and writes one
``LookupLog`` row, cache hits included. Lookups of one form run in parallel threads
(network only); the cache and the log are used from the calling thread.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pybreaker
from django.conf import settings
from django.core.cache import caches
from django.utils.translation import gettext as _

from motcua.accounts.models import Applicant, mask_identifier
from motcua.audit.masking import mask_personal_ids
from motcua.audit.services import actor_label_for
from motcua.catalog.models import Registry

from .breakers import breaker_for
from .connectors import (
    RegistryError,
    RegistryRejected,
    RegistryUnavailable,
    SubjectNotFound,
    connector_for,
    connector_name,
)
from .models import LookupLog
from .subjects import is_valid_subject, sourced_fields, subject_for

logger = logging.getLogger(__name__)
Outcome = LookupLog.Outcome
# Outcomes after which the citizen may type the fields and a submit is not rejected.
NO_ANSWER = {Outcome.UNAVAILABLE, Outcome.REJECTED, Outcome.CIRCUIT_OPEN}


class InvalidLookup(ValueError):
    """A lookup asked of an unknown registry or with a malformed identifier."""


@dataclass(frozen=True)
class LookupResult:
    """What one lookup gave: the record's attributes, or why there are none."""

    registry: str
    outcome: str
    attributes: dict[str, Any] = field(default_factory=dict)
    from_cache: bool = False
    message: str = ""  # Vietnamese, for the citizen, when nothing was found

    @property
    def found(self) -> bool:
        return self.outcome == Outcome.FOUND


@dataclass(frozen=True)
class Prefill:
    """Prefilled e-form values, where each came from, and the registries that failed."""

    values: dict[str, Any]
    sources: dict[str, str]
    unavailable: dict[str, str]


@dataclass
class _Fetch:
    registry: str
    subject: str
    outcome: str
    attributes: dict[str, Any] = field(default_factory=dict)
    from_cache: bool = False
    attempts: int = 0
    status: int | None = None
    duration_ms: int = 0
    connector: str = ""
    request_id: str = ""
    detail: str = ""


def subject_hash(subject: str) -> str:
    """HMAC-SHA256 of an identity number: finds a subject's lookups without storing it."""
    key = settings.MOTCUA_REGISTRY_LOG_HASH_KEY or settings.SECRET_KEY
    return hmac.new(key.encode(), subject.encode(), hashlib.sha256).hexdigest()


def _cache_get(cache, key: str):
    # The cache is an optimisation: with Redis down the registries are simply asked.
    try:
        return cache.get(key)
    except Exception as failure:
        logger.warning("registry cache unavailable: %s", type(failure).__name__)
        return None


def _cache_set(cache, key: str, value, ttl: int) -> None:
    try:
        cache.set(key, value, ttl)
    except Exception as failure:
        logger.warning("registry cache unavailable: %s", type(failure).__name__)


def _cache_key(registry: str, subject: str) -> str:
    return f"motcua:registries:v1:{registry}:{subject_hash(subject)}"


def citizen_message(registry: str, outcome: str) -> str:
    """The Vietnamese sentence shown beside the fields a registry could not fill."""
    label = Registry(registry).label
    if outcome == Outcome.NOT_FOUND:
        return _(
            "Không tìm thấy thông tin trong %(registry)s; bạn có thể tự nhập các trường này."
        ) % {"registry": label}
    return _("Không kết nối được %(registry)s; bạn có thể tự nhập các trường này.") % {
        "registry": label
    }


def _fetch(registry: str, subject: str) -> _Fetch:
    """Ask the registry through its breaker and connector (network only: no DB, no cache)."""
    started = time.monotonic()
    result = _Fetch(registry, subject, Outcome.UNAVAILABLE, connector=connector_name(registry))
    try:
        fetched = breaker_for(registry).call(connector_for(registry).fetch, subject)
    except pybreaker.CircuitBreakerError:
        result.outcome, result.detail = Outcome.CIRCUIT_OPEN, "circuit open"
    except RegistryError as exc:
        result.outcome = {
            SubjectNotFound: Outcome.NOT_FOUND,
            RegistryRejected: Outcome.REJECTED,
            RegistryUnavailable: Outcome.UNAVAILABLE,
        }.get(type(exc), Outcome.UNAVAILABLE)
        result.attempts, result.status = exc.attempts, exc.status
        result.request_id, result.detail = exc.request_id, exc.reason[:200]
    else:
        result.outcome, result.attributes = Outcome.FOUND, fetched.attributes
        result.attempts, result.status = fetched.attempts, fetched.status
        result.request_id = fetched.request_id
    result.duration_ms = int((time.monotonic() - started) * 1000)
    return result


def _lookup_many(
    subjects: dict[str, str],
    *,
    actor=None,
    applicant: Applicant | None = None,
    dossier_ref: str = "",
    purpose: str = "",
    attributes: dict[str, list[str]] | None = None,
) -> dict[str, LookupResult]:
    """Look up each ``registry -> subject`` pair (in parallel), log each, return results."""
    cache = caches[settings.MOTCUA_REGISTRY_CACHE_ALIAS]
    ttl = settings.MOTCUA_REGISTRY_CACHE_SECONDS
    fetches: dict[str, _Fetch] = {}
    misses = []
    for registry, subject in subjects.items():
        cached = _cache_get(cache, _cache_key(registry, subject)) if ttl > 0 else None
        if cached is not None:
            fetches[registry] = _Fetch(
                registry, subject, Outcome.FOUND, cached, from_cache=True, connector="cache"
            )
        else:
            misses.append(registry)
    if len(misses) > 1:
        with ThreadPoolExecutor(max_workers=len(misses)) as pool:
            done = pool.map(lambda reg: _fetch(reg, subjects[reg]), misses)
            fetches.update(zip(misses, done, strict=True))
    elif misses:
        fetches[misses[0]] = _fetch(misses[0], subjects[misses[0]])
    if ttl > 0:
        for registry in misses:
            if fetches[registry].outcome == Outcome.FOUND:
                _cache_set(
                    cache,
                    _cache_key(registry, subjects[registry]),
                    fetches[registry].attributes,
                    ttl,
                )
    _write_logs(fetches.values(), actor, applicant, dossier_ref, purpose, attributes or {})
    return {
        registry: LookupResult(
            registry=registry,
            outcome=fetch.outcome,
            attributes=fetch.attributes,
            from_cache=fetch.from_cache,
            message=""
            if fetch.outcome == Outcome.FOUND
            else citizen_message(registry, fetch.outcome),
        )
        for registry, fetch in fetches.items()
    }


def _write_logs(fetches, actor, applicant, dossier_ref, purpose, attributes) -> None:
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None  # an anonymous visitor
    label = mask_personal_ids(actor_label_for(actor))[:300]
    rows = []
    for fetch in fetches:
        rows.append(
            LookupLog(
                actor=actor,
                actor_label=label,
                registry=fetch.registry,
                subject_masked=mask_identifier(fetch.subject),
                subject_hash=subject_hash(fetch.subject),
                applicant=applicant,
                dossier_ref=str(dossier_ref or "")[:64],
                purpose=purpose[:100],
                attributes=attributes.get(fetch.registry, []),
                outcome=fetch.outcome,
                from_cache=fetch.from_cache,
                attempts=fetch.attempts,
                http_status=fetch.status,
                duration_ms=fetch.duration_ms,
                connector=fetch.connector[:200],
                request_id=fetch.request_id,
                detail=fetch.detail,
            )
        )
        # Ids only: never the identity number or the values.
        logger.info(
            "registry lookup registry=%s outcome=%s cache=%s attempts=%s ms=%s request_id=%s",
            fetch.registry,
            fetch.outcome,
            fetch.from_cache,
            fetch.attempts,
            fetch.duration_ms,
            fetch.request_id,
        )
    LookupLog.objects.bulk_create(rows)


def lookup(
    registry: str, subject: str, *, actor=None, dossier_ref: str = "", purpose: str = ""
) -> LookupResult:
    """Look ``subject`` (a personal_id or tax code) up in ``registry`` and log the lookup.

    Never raises for registry trouble: the result's ``outcome`` says found, not_found,
    unavailable, rejected or circuit_open, with a Vietnamese ``message`` for the citizen.
    Raises InvalidLookup for an unknown registry code or a malformed identifier.
    """
    if registry not in Registry.values:
        raise InvalidLookup(_("Không có CSDL “%(registry)s”.") % {"registry": registry})
    if not is_valid_subject(registry, subject):
        raise InvalidLookup(
            _("Mã tra cứu trong %(registry)s phải là số định danh cá nhân hoặc mã số thuế hợp lệ.")
            % {"registry": Registry(registry).label}
        )
    results = _lookup_many(
        {registry: subject}, actor=actor, dossier_ref=dossier_ref, purpose=purpose
    )
    return results[registry]


def _lookups_for(schema, applicant, *, actor, dossier_ref, purpose, only=None):
    groups = sourced_fields(schema)
    if only is not None:
        groups = {
            registry: [(f, attr) for f, attr in fields if f["name"] in only]
            for registry, fields in groups.items()
        }
        groups = {registry: fields for registry, fields in groups.items() if fields}
    subjects = {registry: subject_for(registry, applicant) for registry in groups}
    subjects = {r: s for r, s in subjects.items() if s and is_valid_subject(r, s)}
    results = _lookup_many(
        subjects,
        actor=actor,
        applicant=applicant if applicant.pk else None,
        dossier_ref=dossier_ref,
        purpose=purpose,
        attributes={r: sorted({attr for _f, attr in groups[r]}) for r in subjects},
    )
    return groups, results


def _is_scalar(value: Any) -> bool:
    return isinstance(value, str | int | bool) and value != ""


def prefill_form(
    schema: list[dict], applicant: Applicant, *, actor=None, dossier_ref: str = ""
) -> Prefill:
    """Fill the schema's registry-sourced fields for ``applicant``; never raises for outages.

    ``values`` maps field names to JSON values (dates ``YYYY-MM-DD``); ``sources`` the
    filled fields to their registry code (the portal locks these); ``unavailable``
    each registry that gave nothing (down, too slow, rejected, or no record) to a
    Vietnamese message inviting the citizen to type those fields.
    """
    groups, results = _lookups_for(
        schema, applicant, actor=actor, dossier_ref=dossier_ref, purpose="prefill"
    )
    values, sources, unavailable = {}, {}, {}
    for registry, result in results.items():
        if not result.found:
            unavailable[registry] = result.message
            continue
        for form_field, attribute in groups[registry]:
            value = result.attributes.get(attribute)
            if _is_scalar(value):
                values[form_field["name"]] = value
                sources[form_field["name"]] = registry
    return Prefill(values=values, sources=sources, unavailable=unavailable)


def _comparable(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        value = value.isoformat()
    # Browsers may send decomposed Vietnamese letters; spacing is not tampering.
    return " ".join(unicodedata.normalize("NFC", str(value)).split())


def verify_prefilled(
    schema: list[dict],
    applicant: Applicant,
    submitted: dict[str, Any],
    sources: dict[str, str],
    *,
    actor=None,
    dossier_ref: str = "",
) -> dict[str, str]:
    """Look the registry values up again and return {field_name: Vietnamese error}
    for every field marked as coming from a registry whose submitted value differs
    (tampering). A registry that is down now: no error for it (the caller keeps the
    earlier source marking). A marked field the registry no longer knows is an error
    too (reloading the form unlocks it). Values cached since the prefill (at most
    ``MOTCUA_REGISTRY_CACHE_SECONDS`` old) count as the registry's answer, which also
    catches tampering while the registry is down. Never raises for outages.
    """
    groups, results = _lookups_for(
        schema,
        applicant,
        actor=actor,
        dossier_ref=dossier_ref,
        purpose="verify",
        only=set(sources),
    )
    errors = {}
    for registry, fields in groups.items():
        result = results.get(registry)
        if result is not None and result.outcome in NO_ANSWER:
            continue
        label = Registry(registry).label
        for form_field, attribute in fields:
            name = form_field["name"]
            expected = result.attributes.get(attribute) if result is not None else None
            if result is None or not result.found or not _is_scalar(expected):
                errors[name] = _(
                    "Không còn tìm thấy “%(field)s” trong %(registry)s để đối chiếu; "
                    "hãy tải lại biểu mẫu và tự nhập trường này."
                ) % {"field": form_field.get("label", name), "registry": label}
            elif _comparable(submitted.get(name)) != _comparable(expected):
                errors[name] = _(
                    "“%(field)s” phải đúng như trong %(registry)s và không sửa được; "
                    "hãy tải lại biểu mẫu để lấy lại giá trị."
                ) % {"field": form_field.get("label", name), "registry": label}
    return errors
