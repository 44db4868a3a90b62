"""The public look-up's answer, cached per dossier code (the Redis cache in production).

A look-up reads a handful of fields: the dossier's status and dates, the names of its
procedure, agency and applicant, and its status history. They are read with one
``values()`` query and one ``values_list()`` query (no ORM objects, no form or schema
JSON) and kept in Django's cache under the dossier code as printed (stripped, in
capitals: however the citizen types it, one entry), next to an HMAC of the look-up
secret keyed from ``SECRET_KEY`` (:func:`django.utils.crypto.salted_hmac`), never the
secret itself nor a plain hash of it (short legacy secrets would be brute-forced from a
leaked cache). A later look-up of the same code compares the HMAC of what the citizen
typed with the cached one in constant time (:func:`hmac.compare_digest`) and answers
without touching the database.

The entry is dropped when the dossier changes: :mod:`motcua.portal.apps` connects
:func:`forget` to ``dossiers.signals.dossier_event``, which deletes the entry and gives
the code a new generation token at once (inside the change's transaction) and again once
that transaction commits. A look-up reads the code's generation before it reads the
database and stores it in its entry; an entry whose generation is no longer the code's
is a miss. So a look-up that read the old row before the commit and stored it after the
on-commit delete is never served. Entries also expire after
``MOTCUA_LOOKUP_CACHE_SECONDS`` (a bound on anything changed without an event, and on
the estimated result date, which is computed from today's calendar).

Labels (status, action) are translated when the answer is shown, so one entry serves
every language.

The API's answer as Django rendered it (the JSON bytes, per language) is kept beside
the entry (:func:`remember_rendered`) by the WSGI hot path (:mod:`motcua.portal.hotpath`),
under the generation it read before Django looked the code up and with the HMAC of the
secret that was answered; :func:`rendered_body` gives it back only for the code's
current generation, the same secret (compared in constant time) and while the entry
above is cached, so it never outlives what Django itself would answer.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from types import SimpleNamespace

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils.crypto import salted_hmac

from motcua.accounts.models import Applicant, mask_identifier
from motcua.agencies.models import Agency
from motcua.catalog.models import ProcedureVersion
from motcua.dossiers.models import Dossier, Status, StatusChange
from motcua.dossiers.services import compute_due_date
from motcua.dossiers.workflow import TRANSITIONS

log = logging.getLogger(__name__)

KEY_PREFIX = "motcua:lookup:v2:"
GENERATION_PREFIX = "motcua:lookup:gen:"
RENDERED_PREFIX = "motcua:lookup:api:"
_HMAC_SALT = "motcua.portal.lookup_cache.secret"
# The hash of an unknown code: no secret has it.
_NO_DOSSIER = "-"
_SECRET_TYPOS = str.maketrans({"O": "0", "I": "1", "L": "1", " ": None, "-": None})


def normalize_lookup_secret(secret: str | None) -> str:
    """A look-up secret as stored: capitals, no spaces or dashes, O → 0, I and L → 1."""
    return (secret or "").strip().upper().translate(_SECRET_TYPOS)


def normalize_code(code: str | None) -> str:
    """A dossier code as printed: no surrounding spaces, capitals."""
    return (code or "").strip().upper()


def secret_hash(secret: str) -> str:
    """HMAC-SHA-256 (hex) of the normalised secret, keyed from ``SECRET_KEY``."""
    normalized = normalize_lookup_secret(secret)
    return salted_hmac(_HMAC_SALT, normalized, algorithm="sha256").hexdigest()


def _digest(code: str) -> str:
    return hashlib.sha256(normalize_code(code).encode()).hexdigest()[:40]


def cache_key(code: str) -> str:
    return KEY_PREFIX + _digest(code)


def generation_key(code: str) -> str:
    return GENERATION_PREFIX + _digest(code)


def rendered_key(code: str, language: str) -> str:
    return f"{RENDERED_PREFIX}{language}:{_digest(code)}"


@dataclass(frozen=True)
class LookupEntry:
    status_label: str
    action_label: str
    at: dt.datetime
    note: str = ""


@dataclass(frozen=True)
class LookupAnswer:
    """What the look-up shows, and no more than the receipt: the applicant's identity
    number masked, no notes."""

    code: str
    status: str
    procedure_name: str
    agency_code: str
    agency_name: str
    applicant_name: str
    masked_identifier: str
    submitted_at: dt.datetime | None
    expected_result_date: dt.date | None
    expected_is_estimate: bool
    history: tuple  # (from_status, to_status, action, at) oldest first

    @property
    def status_label(self) -> str:
        return str(dict(Status.choices).get(self.status, self.status))

    def get_status_display(self) -> str:  # the templates' name for it
        return self.status_label

    # The look-up page's template reads the dossier's names through its relations.
    @property
    def procedure_version(self) -> SimpleNamespace:
        return SimpleNamespace(name=self.procedure_name)

    @property
    def agency(self) -> SimpleNamespace:
        return SimpleNamespace(code=self.agency_code, name=self.agency_name)

    @property
    def applicant(self) -> SimpleNamespace:
        return SimpleNamespace(name=self.applicant_name)

    def timeline(self) -> list[LookupEntry]:
        """Every status the dossier went through (hand-overs that keep it left out)."""
        statuses = dict(Status.choices)
        entries = []
        for from_status, to_status, action, at in self.history:
            if from_status == to_status:
                continue
            rule = TRANSITIONS.get(action)
            entries.append(
                LookupEntry(
                    status_label=str(statuses.get(to_status, to_status)),
                    action_label=str(rule.label) if rule else action,
                    at=at,
                )
            )
        return entries

    def as_api(self) -> dict:
        return {
            "code": self.code,
            "status": self.status,
            "status_label": self.status_label,
            "procedure_name": self.procedure_name,
            "agency": {"code": self.agency_code, "name": self.agency_name},
            "masked_identifier": self.masked_identifier,
            "submitted_at": self.submitted_at,
            "expected_result_date": self.expected_result_date,
            "expected_is_estimate": self.expected_is_estimate,
            "timeline": [vars(e) for e in self.timeline()],
        }


_FIELDS = (
    "id",
    "code",
    "status",
    "lookup_secret",
    "submitted_at",
    "due_date",
    "agency_id",
    "procedure_version_id",
    "procedure_version__name",
    "procedure_version__processing_days",
    "procedure_version__processing_unit",
    "agency__code",
    "agency__intake_cutoff",
    "agency__parent_id",
    "agency__name",
    "applicant__name",
    "applicant__kind",
    "applicant__personal_id",
    "applicant__tax_code",
)


def _expected(row: dict) -> tuple[dt.date | None, bool]:
    """As ``portal.selectors.expected_result_date``: the legal due date once received;
    before, estimated as if received on the day of submission."""
    if row["due_date"]:
        return row["due_date"], False
    if row["status"] == Status.SUBMITTED:
        # The calendar rules read the version's time limit and the agency's cut-off
        # hour (its parents' when it has none): unsaved instances holding those fields.
        version = ProcedureVersion(
            processing_days=row["procedure_version__processing_days"],
            processing_unit=row["procedure_version__processing_unit"],
        )
        agency = Agency(
            pk=row["agency_id"],
            intake_cutoff=row["agency__intake_cutoff"],
            parent_id=row["agency__parent_id"],
        )
        start = row["submitted_at"] or dt.datetime.now(dt.UTC)
        return compute_due_date(version, start, agency), True
    return None, False


def _read(code: str) -> tuple[str, LookupAnswer | None]:
    """(HMAC of the secret, the answer) from the database; (``_NO_DOSSIER``, None)
    when no submitted dossier has ``code``."""
    code = (code or "").strip()
    row = (
        # Exact matches use the unique index; codes are printed in capitals. Whatever
        # matches is cached under the capitals (``cache_key``), which ``forget`` drops.
        Dossier.objects.filter(code__in={code, code.upper()})
        .exclude(status=Status.DRAFT)
        .values(*_FIELDS)
        .first()
    )
    if row is None:
        return _NO_DOSSIER, None
    history = tuple(
        StatusChange.objects.filter(dossier_id=row["id"])
        .order_by("at", "pk")
        .values_list("from_status", "to_status", "action", "at")
    )
    expected, estimated = _expected(row)
    answer = LookupAnswer(
        code=row["code"],
        status=row["status"],
        procedure_name=row["procedure_version__name"],
        agency_code=row["agency__code"],
        agency_name=row["agency__name"],
        applicant_name=row["applicant__name"],
        masked_identifier=mask_identifier(
            row["applicant__personal_id"]
            if row["applicant__kind"] == Applicant.Kind.PERSON
            else row["applicant__tax_code"]
        ),
        submitted_at=row["submitted_at"],
        expected_result_date=expected,
        expected_is_estimate=estimated,
        history=history,
    )
    return secret_hash(row["lookup_secret"]), answer


def find_answer(code: str, secret: str) -> LookupAnswer | None:
    """The look-up's answer for ``code`` and ``secret``, or None (a wrong code and a
    wrong secret look the same).

    The secret is read as people type it (any case, spaces and dashes ignored, O as 0,
    I and L as 1) and compared in constant time with the cached HMAC.
    """
    code = (code or "").strip()
    typed = normalize_lookup_secret(secret)
    if not code:
        return None
    key, gen_key = cache_key(code), generation_key(code)
    try:
        # One round trip: the entry and the code's current generation.
        found = cache.get_many([key, gen_key])
    except Exception as failure:  # an unreachable cache must not stop the look-up
        log.warning("look-up cache not read: %s", type(failure).__name__)
        found = {}
    generation = found.get(gen_key)
    entry = found.get(key)
    cached = None
    if entry is not None and entry[0] == generation:
        cached = entry[1:]
    if cached is None:
        # ``generation`` was read before the row: if the dossier changes meanwhile,
        # ``forget`` gives the code a new one and this entry is a miss.
        cached = _read(code)
        # Unknown codes are not kept: guesses must not fill the cache.
        if cached[1] is not None:
            try:
                cache.set(key, (generation, *cached), timeout=settings.MOTCUA_LOOKUP_CACHE_SECONDS)
            except Exception as failure:
                log.warning("look-up cache not written: %s", type(failure).__name__)
    expected_hash, answer = cached
    typed_hash = secret_hash(typed)
    matches = hmac.compare_digest(expected_hash.encode(), typed_hash.encode())
    return answer if answer is not None and typed and matches else None


def _delete(code: str) -> None:
    """Drop the code's entry and give it a new generation (kept longer than any entry
    stored under the old one can live, so an eviction-free cache never lets it match)."""
    timeout = 2 * settings.MOTCUA_LOOKUP_CACHE_SECONDS + 60
    try:
        cache.set(generation_key(code), secrets.token_hex(8), timeout=timeout)
        cache.delete(cache_key(code))
    except Exception as failure:
        log.warning("look-up cache entry not dropped: %s", type(failure).__name__)


def forget(sender=None, dossier=None, **kwargs) -> None:
    """``dossier_event`` receiver: drop the cached answer now and after the commit.

    Nothing is dropped when a draft is submitted: a code is only ever looked up for a
    dossier past its draft (``_read``), and an unknown code is never kept, so no entry
    can exist for the code a submission gives (a look-up that reads the row after the
    commit keeps what it read, which is then current)."""
    code = getattr(dossier, "code", None)
    if not code or kwargs.get("from_status") == Status.DRAFT:
        return
    _delete(code)
    transaction.on_commit(lambda: _delete(code))


def remember_rendered(code: str, language: str, generation, secret: str, body: bytes) -> None:
    """Keep the API's answer ``body`` (in ``language``) to ``code`` and ``secret``, read
    under ``generation`` (the code's generation before the answer was looked up)."""
    entry = (generation, secret_hash(secret), body)
    try:
        cache.set(rendered_key(code, language), entry, timeout=settings.MOTCUA_LOOKUP_CACHE_SECONDS)
    except Exception as failure:
        log.warning("look-up answer not kept: %s", type(failure).__name__)


def rendered_body(entry, generation, secret: str) -> bytes | None:
    """The body of a :func:`remember_rendered` ``entry`` when it was read under the
    code's current ``generation`` and ``secret`` is the one it answered (HMACs compared
    in constant time); else None."""
    if not (isinstance(entry, tuple) and len(entry) == 3) or entry[0] != generation:
        return None
    typed = normalize_lookup_secret(secret)
    if not typed:
        return None
    if not hmac.compare_digest(entry[1].encode(), secret_hash(typed).encode()):
        return None
    return entry[2]
