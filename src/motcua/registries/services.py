"""Looking citizens and businesses up in the national databases.

The portal uses three functions:

- ``prefill_form(schema, applicant)`` fills the e-form fields whose ``source`` a
  registry knows (and the person blocks whose ``prefill`` names a relation) and says
  which registry each value came from; a registry that does not answer yields a
  Vietnamese message instead, and the citizen types the fields.
- ``verify_prefilled(schema, applicant, submitted, sources)`` looks the values up
  again on submit and names every registry-marked value that was changed.
- ``lookup(registry, subject)`` for a single lookup.

Issued results are written back by ``writes.register_result`` (``writes.py``).

Each lookup goes: short cache (``MOTCUA_REGISTRY_CACHE_SECONDS``) → the registry's
circuit breaker → its connector (HTTP with timeouts and retries), and writes one
``LookupLog`` row, cache hits included. Lookups of one form run in parallel threads
(network only); the cache and the log are used from the calling thread.
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import hmac
import logging
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import pybreaker
from django.conf import settings
from django.core.cache import caches
from django.utils.translation import gettext as _

from motcua.accounts.models import Applicant, mask_identifier
from motcua.audit.masking import mask_personal_ids
from motcua.audit.services import actor_label_for
from motcua.catalog import eform
from motcua.catalog.models import Registry
from motcua.lib.inserts import insert_rows

from . import forms
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
    missing: dict[str, str] = field(default_factory=dict)


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


class HeldLogs:
    """The lookup log rows of a :func:`logs_held` block, not written yet."""

    def __init__(self):
        self.rows: list[LookupLog] = []

    def write(self) -> None:
        """Write the rows held so far, inside the caller's transaction: they share its
        fate, as the lookups of a new draft share the draft's."""
        rows, self.rows = self.rows, []
        insert_rows(LookupLog, rows)


_HELD: contextvars.ContextVar[HeldLogs | None] = contextvars.ContextVar(
    "motcua_registry_logs", default=None
)


@contextlib.contextmanager
def logs_held() -> Iterator[HeldLogs]:
    """Keep the lookup logs of the block in memory, for the caller to write them in the
    transaction of the change the lookups were made for (``HeldLogs.write``: one
    transaction fewer); what is still held when the block ends is written then."""
    held = HeldLogs()
    token = _HELD.set(held)
    try:
        yield held
    finally:
        _HELD.reset(token)
        try:
            held.write()
        except Exception:  # never hide the block's own outcome
            logger.exception("registry lookup logs could not be written")


def subject_hash(subject: str) -> str:
    """HMAC-SHA256 of an identity number: finds a subject's lookups without storing it."""
    key = settings.MOTCUA_REGISTRY_LOG_HASH_KEY or settings.SECRET_KEY
    return hmac.new(key.encode(), subject.encode(), hashlib.sha256).hexdigest()


def _cache_get(cache, keys: list[str]) -> dict:
    """The cached attributes of ``keys`` (absent: not cached), in one round trip.

    The cache is an optimisation: with Redis down the registries are simply asked."""
    try:
        if len(keys) == 1:
            value = cache.get(keys[0])
            return {} if value is None else {keys[0]: value}
        return cache.get_many(keys)
    except Exception as failure:
        logger.warning("registry cache unavailable: %s", type(failure).__name__)
        return {}


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
    keys = {registry: _cache_key(registry, subject) for registry, subject in subjects.items()}
    found = _cache_get(cache, list(keys.values())) if ttl > 0 and keys else {}
    for registry, subject in subjects.items():
        cached = found.get(keys[registry])
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
                    keys[registry],
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
        # Ids only: never the identity number or the values. An answer from the cache
        # (no other system asked; its row above records it) only at DEBUG: a log line
        # cost more than the cache's read.
        logger.log(
            logging.DEBUG if fetch.from_cache else logging.INFO,
            "registry lookup registry=%s outcome=%s cache=%s attempts=%s ms=%s request_id=%s",
            fetch.registry,
            fetch.outcome,
            fetch.from_cache,
            fetch.attempts,
            fetch.duration_ms,
            fetch.request_id,
        )
    held = _HELD.get()
    if held is not None:
        held.rows += rows
    else:
        insert_rows(LookupLog, rows)


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


def _lookups_for(
    attributes: dict[str, list[str]], applicant, *, actor, dossier_ref, purpose
) -> dict[str, LookupResult]:
    """Look ``applicant`` up in each registry of ``attributes`` (registry -> attributes read)."""
    subjects = {registry: subject_for(registry, applicant) for registry in attributes}
    subjects = {r: s for r, s in subjects.items() if s and is_valid_subject(r, s)}
    return _lookup_many(
        subjects,
        actor=actor,
        applicant=applicant if applicant.pk else None,
        dossier_ref=dossier_ref,
        purpose=purpose,
        attributes={r: sorted(set(attributes[r])) for r in subjects},
    )


def _is_scalar(value: Any) -> bool:
    return isinstance(value, str | int | bool) and value != ""


def _usable(value: Any) -> bool:
    """A value worth filling in: a non-empty scalar, or an address with something in it."""
    if isinstance(value, dict):
        return any(_is_scalar(v) for v in value.values())
    return _is_scalar(value)


# The couple's woman and man, whoever of the two applies (khai sinh: mother and father).
COUPLE = {"wife": "nu", "husband": "nam"}


def relative(attributes: dict[str, Any], relation: str) -> dict[str, Any] | None:
    """The person ``relation`` names in a population record (``self``, ``spouse``,
    ``father``, ``mother``, ``child``: the youngest living child, or ``wife`` /
    ``husband``: the woman / the man of the couple the applicant belongs to, whichever
    of the applicant and their spouse that is), or None."""
    if relation == "self":
        return attributes
    if relation in COUPLE:
        if attributes.get("sex") == COUPLE[relation]:
            return attributes
        spouse = relative(attributes, "spouse")
        return spouse if spouse is not None and spouse.get("sex") == COUPLE[relation] else None
    relations = attributes.get("relations")
    if not isinstance(relations, dict):
        return None
    if relation == "child":
        children = [
            c
            for c in relations.get("children") or []
            if isinstance(c, dict) and not c.get("deceased")
        ]
        return max(children, key=lambda c: c.get("birth_date") or "") if children else None
    found = relations.get(relation)
    return found if isinstance(found, dict) else None


@dataclass(frozen=True)
class _Lock:
    """A value a registry fills (and locks): its data path, registry and how to read it."""

    path: str
    registry: str
    label: str
    attribute: str  # logged as read
    relation: str = ""  # person blocks: the relation, and ``attribute`` is the part

    def expected(self, attributes: dict[str, Any]) -> Any:
        if not self.relation:
            return attributes.get(self.attribute)
        person = relative(attributes, self.relation)
        return person.get(self.attribute) if person is not None else None


def _locks(schema) -> list[_Lock]:
    locks = []
    for registry, fields in sourced_fields(schema).items():
        for form_field, attribute in fields:
            name = form_field["name"]
            locks.append(_Lock(name, registry, form_field.get("label", name), attribute))
    for form_field, relation, parts in forms.person_blocks(schema):
        name = form_field["name"]
        for part in parts:
            label = f"{form_field.get('label', name)}: {forms.part_label(part)}"
            locks.append(_Lock(f"{name}.{part}", Registry.POPULATION, label, part, relation))
    return locks


def _read(locks: list[_Lock]) -> dict[str, list[str]]:
    read: dict[str, list[str]] = {}
    for lock in locks:
        what = f"relations.{lock.relation}.{lock.attribute}" if lock.relation else lock.attribute
        if lock.relation == "self":
            what = lock.attribute
        read.setdefault(lock.registry, []).append(what)
    return read


def eid_contacts(applicant: Applicant) -> dict[str, str]:
    """The phone and e-mail the national e-ID asserted for the applicant's account.

    Sign-in copies the claims to the account (``User.phone``/``email``) and to the
    person's own Applicant; a business answers with its representative's account.
    """
    user = applicant.user
    own = applicant.kind == Applicant.Kind.PERSON
    return {
        "phone": (getattr(user, "phone", "") or "") or (applicant.phone if own else ""),
        "email": (getattr(user, "email", "") or "") or (applicant.email if own else ""),
    }


def prefill_form(schema, applicant: Applicant, *, actor=None, dossier_ref: str = "") -> Prefill:
    """Fill the form's registry-sourced values for ``applicant``; never raises for outages.

    ``schema`` is a legacy field list or a v2 definition (``docs/EFORMS.md``): scalar
    top-level fields with ``source`` ``"<registry>.<attribute>"``, person blocks with
    ``prefill`` (``self``, ``spouse``, ``father``, ``mother``, ``child`` = the youngest
    child, from the population record's relations) and ``eid.phone``/``eid.email``
    fields (from the e-ID claims: filled but not locked).

    ``values`` is data in the form's shape (a block is an object; dates
    ``YYYY-MM-DD``); ``sources`` maps each filled registry value's path
    (``full_name``, ``mother.full_name``) to its registry code (the portal locks
    these); ``unavailable`` each registry that gave nothing (down, too slow, rejected,
    or no record) to a Vietnamese message inviting the citizen to type those fields;
    ``missing`` each person block whose relation the registry does not know.
    """
    locks = _locks(schema)
    results = _lookups_for(
        _read(locks), applicant, actor=actor, dossier_ref=dossier_ref, purpose="prefill"
    )
    values: dict[str, Any] = {}
    sources, unavailable = {}, {}
    for lock in locks:
        result = results.get(lock.registry)
        if result is None:
            continue
        if not result.found:
            unavailable[lock.registry] = result.message
            continue
        value = lock.expected(result.attributes)
        if _usable(value):
            forms.set_path(values, lock.path, value)
            sources[lock.path] = lock.registry
    missing = {}
    population = results.get(Registry.POPULATION)
    for form_field, relation, _parts in forms.person_blocks(schema):
        if population is not None and population.found:
            if relative(population.attributes, relation) is None:
                missing[form_field["name"]] = _(
                    "CSDL quốc gia về dân cư không có thông tin %(relation)s của bạn; "
                    "bạn hãy tự nhập phần “%(field)s”."
                ) % {
                    "relation": forms.relation_label(relation),
                    "field": form_field.get("label", form_field["name"]),
                }
    contacts = eid_contacts(applicant)
    for form_field, attribute in forms.eid_fields(schema):
        if contacts.get(attribute) and form_field["name"] not in values:
            values[form_field["name"]] = contacts[attribute]
    return Prefill(values=values, sources=sources, unavailable=unavailable, missing=missing)


def shown_fields(schema, data: dict[str, Any] | None) -> set[str]:
    """The top-level fields shown for ``data``: a block hidden by its condition (the
    other choice of "for whom", a father not declared) was dropped from the answers,
    so its prefilled values are not checked."""
    if not isinstance(schema, list) and not eform.is_v2(schema):
        return set()
    fields = eform.top_fields(eform.upgrade(schema))
    return {f["name"] for f in eform.visible_fields(fields, data if isinstance(data, dict) else {})}


def verify_prefilled(
    schema,
    applicant: Applicant,
    submitted: dict[str, Any],
    sources: dict[str, str],
    *,
    actor=None,
    dossier_ref: str = "",
) -> dict[str, str]:
    """Look the registry values up again and return {path: Vietnamese error} for every
    value marked as coming from a registry whose submitted value differs (tampering).

    Paths are field names for scalar fields and ``block.part`` for person blocks
    (``mother.full_name``). A registry that is down now: no error for it (the caller
    keeps the earlier source marking). A marked value the registry no longer knows is
    an error too (reloading the form unlocks it). Values cached since the prefill (at
    most ``MOTCUA_REGISTRY_CACHE_SECONDS`` old) count as the registry's answer, which
    also catches tampering while the registry is down. Never raises for outages.
    """
    shown = shown_fields(schema, submitted)
    locks = [
        lock
        for lock in _locks(schema)
        if lock.path in sources and lock.path.split(".", 1)[0] in shown
    ]
    results = _lookups_for(
        _read(locks), applicant, actor=actor, dossier_ref=dossier_ref, purpose="verify"
    )
    errors = {}
    for lock in locks:
        result = results.get(lock.registry)
        if result is not None and result.outcome in NO_ANSWER:
            continue
        label = Registry(lock.registry).label
        expected = lock.expected(result.attributes) if result is not None else None
        if result is None or not result.found or not _usable(expected):
            errors[lock.path] = _(
                "Không còn tìm thấy “%(field)s” trong %(registry)s để đối chiếu; "
                "hãy tải lại biểu mẫu và tự nhập trường này."
            ) % {"field": lock.label, "registry": label}
        elif eform.comparable(forms.get_path(submitted, lock.path)) != eform.comparable(expected):
            errors[lock.path] = _(
                "“%(field)s” phải đúng như trong %(registry)s và không sửa được; "
                "hãy tải lại biểu mẫu để lấy lại giá trị."
            ) % {"field": lock.label, "registry": label}
    return errors
