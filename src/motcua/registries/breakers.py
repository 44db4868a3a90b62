"""One circuit breaker per registry (pybreaker), kept in this process's memory.

After ``MOTCUA_REGISTRY_BREAKER_FAILURES`` failed lookups in a row a registry's
circuit opens: lookups fail at once, without calling the registry, for
``MOTCUA_REGISTRY_BREAKER_RESET_S`` seconds; then one trial call decides whether it
closes again. Only unavailability counts: "no record" and "rejected" answers show
the registry is up. Each worker process has its own breakers (pybreaker's
``CircuitRedisStorage`` would share them if a deployment needs that).
"""

from __future__ import annotations

import logging
import threading

import pybreaker
from django.conf import settings

from .connectors import RegistryRejected, SubjectNotFound

logger = logging.getLogger(__name__)

_breakers: dict[str, pybreaker.CircuitBreaker] = {}
_lock = threading.Lock()


class _LogStateChanges(pybreaker.CircuitBreakerListener):
    def state_change(self, cb, old_state, new_state) -> None:
        logger.warning(
            "registry circuit %s: %s -> %s",
            cb.name,
            old_state.name if old_state else None,
            new_state.name,
        )


def breaker_for(registry: str) -> pybreaker.CircuitBreaker:
    """The breaker guarding ``registry`` (created with the current settings)."""
    with _lock:
        breaker = _breakers.get(registry)
        if breaker is None:
            breaker = pybreaker.CircuitBreaker(
                fail_max=settings.MOTCUA_REGISTRY_BREAKER_FAILURES,
                reset_timeout=settings.MOTCUA_REGISTRY_BREAKER_RESET_S,
                exclude=[SubjectNotFound, RegistryRejected],
                listeners=[_LogStateChanges()],
                name=registry,
                # The call that trips the circuit did reach the registry: keep its error.
                throw_new_error_on_trip=False,
            )
            _breakers[registry] = breaker
        return breaker


def reset_breakers() -> None:
    """Forget every breaker (closed again, new settings apply): for tests and operators."""
    with _lock:
        _breakers.clear()
