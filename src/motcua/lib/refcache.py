"""A per-process memo of rarely-changing reference data, invalidated across processes.

Every API filing used to read the same catalogue rows again (the procedure and its
version, the receiving agencies, the e-form's province and commune lists, the version's
components, the fee schedule, the event subscribers). ``memoised(key, read)`` answers
them from a dict of this process instead, keyed by ``(generation, key)``:

* The **generation** is a random token kept in Django's default cache (Redis in
  production, shared by every process; the memory cache in development and tests). A
  request reads it at most once (``RequestScopeMiddleware`` keeps it for the request;
  outside a request each ``memoised`` call reads it). When the key is missing — the
  cache was emptied, restarted, or the token expired after ``GENERATION_SECONDS`` — a
  new random token is made (``cache.add``, so concurrent processes agree on one): nothing
  memoised under an earlier token is ever served again. A counter starting at 0 would
  be reused after an emptied cache; a random token never is.
* **Changes** call ``bump()``: a new random token at once and again when the transaction
  commits (``transaction.on_commit``), so every process's next request reads the rows
  again. The owning apps connect ``watch(*models)`` (post_save, post_delete,
  m2m_changed) in their ``AppConfig.ready``, and call ``bump()`` themselves after a
  queryset ``.update()``, ``.bulk_create()`` or raw SQL write to those tables.
* While the current transaction has written such rows (a ``bump()`` inside an atomic
  block whose on-commit callback is still pending), this thread neither reads nor fills
  the memo: it reads the database, which shows its own uncommitted changes. Otherwise
  another thread of the process could be served rows that a rollback then removes; and
  after a rollback (the callback discarded with the transaction) the memo is used again,
  still holding only committed rows. The bump at once makes the writer's own request
  (and the other processes) read the generation again; the bump on commit is the one
  that matters for the others, as their reads before it saw the old committed rows.
* **Cache down**: the generation cannot be read, so ``memoised`` reads the database
  (the cache is not tried again for ``RETRY_SECONDS``). A bump that cannot reach the
  cache empties this process's memo; other processes see it at the latest when the
  token expires (``GENERATION_SECONDS``).

The remaining window: between a COMMIT and its on-commit bump a request elsewhere may
still read the old token and get the old rows, as it would had it started a moment
earlier. Memoised values must be immutable or plain data (tuples, frozen dataclasses,
field values): they are shared by the threads of a process. Callers that hand out
model instances memoise ``row_of(obj)`` and build fresh ones with ``instance``.
"""

from __future__ import annotations

import contextvars
import functools
import json
import logging
import secrets
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

logger = logging.getLogger(__name__)

T = TypeVar("T")

KEY = "motcua:refcache:generation"
GENERATION_SECONDS = 600  # bounds what a bump lost while the cache was unreachable costs
RETRY_SECONDS = 5  # after a cache error, memoised() reads the database this long
MAX_ENTRIES = 4096

# The generation read by this request ([token or None]); None outside a request scope.
_request: contextvars.ContextVar[list | None] = contextvars.ContextVar(
    "motcua_refcache_generation", default=None
)


class _Store:
    __slots__ = ("generation", "data")

    def __init__(self, generation: str | None):
        self.generation = generation
        self.data: dict[Any, Any] = {}


_store = _Store(None)
_lock = threading.Lock()
_down_until = 0.0


def _token() -> str:
    return secrets.token_hex(12)


def _cache_failed(exc: Exception) -> None:
    global _down_until, _store
    _down_until = time.monotonic() + RETRY_SECONDS
    _store = _Store(None)
    logger.warning("refcache: the cache is out of reach (%s); reading the database", exc)


def _shared_generation() -> str | None:
    if time.monotonic() < _down_until:
        return None
    try:
        token = cache.get(KEY)
        if token is None:
            fresh = _token()
            token = fresh if cache.add(KEY, fresh, GENERATION_SECONDS) else cache.get(KEY)
    except Exception as exc:  # noqa: BLE001 - any cache failure: read the database
        _cache_failed(exc)
        return None
    return token


def generation() -> str | None:
    """The current generation (read once per request scope); None: the cache is down."""
    holder = _request.get()
    if holder is not None and holder[0] is not None:
        return holder[0]
    token = _shared_generation()
    if holder is not None:
        holder[0] = token
    return token


def wanted() -> bool:
    """Whether this request still has to read the generation: a caller making a round
    trip to the cache anyway may read it along (``KEY``) and hand it to :func:`prime`."""
    holder = _request.get()
    return holder is not None and holder[0] is None and time.monotonic() >= _down_until


def prime(token: Any) -> None:
    """Take ``token``, the value of ``KEY`` read by the caller, as this request's
    generation (an absent one is left to :func:`generation`, which creates it)."""
    holder = _request.get()
    if holder is not None and holder[0] is None and isinstance(token, str):
        holder[0] = token


def _pending(connection) -> bool:
    """Whether this connection's open transaction has written memoised rows."""
    callback, at = getattr(connection, "_refcache_on_commit", (None, 0))
    if callback is None or not connection.in_atomic_block:
        return False
    queued = connection.run_on_commit
    if at < len(queued) and queued[at][1] is callback:  # where it was queued
        return True
    return any(entry[1] is callback for entry in queued)  # a savepoint rolled back


def memoised(key: Any, read: Callable[[], T]) -> T:
    """``read()``'s value, kept in this process under the current generation.

    ``key`` must name everything the value depends on (e.g. the day for a dated list)."""
    global _store
    token = generation()
    if token is None or _pending(connections[DEFAULT_DB_ALIAS]):
        return read()
    store = _store
    if store.generation == token:
        try:
            return store.data[key]
        except KeyError:
            pass
    value = read()
    with _lock:
        if _store.generation != token:
            _store = _Store(token)
        if len(_store.data) >= MAX_ENTRIES:
            _store.data.clear()
        _store.data[key] = value
    return value


def _new_generation() -> None:
    global _store
    token = _token()
    try:
        cache.set(KEY, token, GENERATION_SECONDS)
    except Exception as exc:  # noqa: BLE001 - the memo of this process at least is emptied
        _cache_failed(exc)
        token = None
    _store = _Store(None)
    holder = _request.get()
    if holder is not None:
        holder[0] = token


def invalidate() -> None:
    """A new generation now, whatever the transaction (e.g. between tests, whose
    database is emptied without signals)."""
    _new_generation()


def bump(using: str = DEFAULT_DB_ALIAS) -> None:
    """Memoised reference data changed: a new generation now and on commit."""
    _new_generation()
    connection = connections[using]
    if connection.in_atomic_block and not _pending(connection):

        def on_commit() -> None:
            _new_generation()

        connection._refcache_on_commit = (on_commit, len(connection.run_on_commit))
        transaction.on_commit(on_commit, using=using)


def _changed(sender, using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    if kwargs.get("action", "post_").startswith("pre_"):
        return  # m2m_changed: pre_add/pre_remove/pre_clear; the post_ one bumps
    bump(using or DEFAULT_DB_ALIAS)


def watch(*models) -> None:
    """Bump the generation whenever a row of ``models`` (or of their many-to-many
    tables) is saved or deleted through the ORM."""
    for model in models:
        uid = f"refcache:{model._meta.label}"
        post_save.connect(_changed, sender=model, dispatch_uid=uid + ":save", weak=False)
        post_delete.connect(_changed, sender=model, dispatch_uid=uid + ":delete", weak=False)
        for field in model._meta.many_to_many:
            m2m_changed.connect(
                _changed, sender=field.remote_field.through, dispatch_uid=f"{uid}:{field.name}"
            )


@functools.cache
def _layout(model) -> tuple[list[str], tuple[int, ...]]:
    fields = model._meta.concrete_fields
    names = [f.attname for f in fields]
    json_at = tuple(i for i, f in enumerate(fields) if isinstance(f, models.JSONField))
    return names, json_at


def row_of(obj) -> tuple:
    """The values of ``obj``'s columns as immutable data to memoise (JSON as text)."""
    names, json_at = _layout(type(obj))
    values = [getattr(obj, name) for name in names]
    for i in json_at:
        values[i] = json.dumps(values[i])
    return tuple(values)


def instance(model, row: tuple):
    """A fresh instance of ``model`` (as loaded from the database) from ``row_of``'s
    values: callers may change it without touching what other threads are served."""
    names, json_at = _layout(model)
    if json_at:
        texts, row = row, list(row)  # the memo's tuple keeps the JSON texts
        for i in json_at:
            row[i] = json.loads(row[i])
        # A model that keeps a loaded JSON value's text (to tell at save whether it was
        # changed in place) takes the memo's text instead of encoding the value again.
        from_memo = getattr(model, "from_memo", None)
        if from_memo is not None:
            return from_memo(DEFAULT_DB_ALIAS, names, row, {names[i]: texts[i] for i in json_at})
    return model.from_db(DEFAULT_DB_ALIAS, names, row)


class RequestScopeMiddleware:
    """Read the generation at most once per request (and forget it afterwards)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request.set([None])
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)
