"""The settings' refusals as Django system checks (registered by ``motcua.ops``).

======================  =====================================================================
``motcua.E001``         production (``MOTCUA_PRODUCTION=1``): a secret that the zero-setup
                        mode makes up in ``var/`` or derives is not set in the environment
``motcua.E002``         production: a secret still has a demo value published in the repository
``motcua.E003``         ``MOTCUA_STORAGE`` is neither ``local`` nor ``s3``
``motcua.E004``         ``MOTCUA_LOG_FORMAT`` is neither ``plain`` nor ``json``
======================  =====================================================================

They run with every ``motcua check``, ``migrate`` (``deploy/run_stack.py``'s first step) and
``runserver``. gunicorn and Celery do not run system checks: with ``MOTCUA_PRODUCTION=1``,
``motcua/wsgi.py`` and ``motcua/celery.py`` (worker and beat) call :func:`refuse_to_start`,
which runs every check, deployment checks included, and refuses on any error, as
``motcua check --deploy --fail-level ERROR`` would.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured

SECRETS_HINT = (
    "Set it in the environment (docs/SECURITY.md, 'Secrets'); MOTCUA_ALLOW_DEMO_SECRETS=1 "
    "is only accepted on plain HTTP (MOTCUA_HTTPS=0)."
)


def _demo_secrets_refused() -> bool:
    return settings.MOTCUA_PRODUCTION and not (
        settings.MOTCUA_ALLOW_DEMO_SECRETS and not settings.MOTCUA_HTTPS
    )


@register(Tags.security, "motcua")
def check_secrets_from_environment(app_configs=None, **kwargs) -> list[Error]:
    """motcua.E001: in production every secret comes from the environment."""
    from motcua.conf.security import secrets_not_from_environment

    if not _demo_secrets_refused():
        return []
    return [
        Error(
            f"MOTCUA_PRODUCTION=1 refuses demo secrets: {problem}",
            hint=SECRETS_HINT,
            id="motcua.E001",
        )
        for problem in secrets_not_from_environment(os.environ)
    ]


@register(Tags.security, "motcua")
def check_no_published_secret(app_configs=None, **kwargs) -> list[Error]:
    """motcua.E002: in production no secret has a value published in this repository."""
    from motcua.conf.security import (
        SECRET_SETTINGS,
        SIMULATOR_SECRET_SETTINGS,
        published_demo_secrets,
    )

    if not _demo_secrets_refused():
        return []
    values = {name: getattr(settings, name, "") for name in SECRET_SETTINGS}
    for name, enabled in SIMULATOR_SECRET_SETTINGS.items():
        if getattr(settings, enabled, False):
            values[name] = getattr(settings, name, "")
    return [
        Error(
            f"MOTCUA_PRODUCTION=1 refuses demo secrets: {problem}",
            hint=SECRETS_HINT,
            id="motcua.E002",
        )
        for problem in published_demo_secrets(values)
    ]


@register(Tags.files, "motcua")
def check_storage(app_configs=None, **kwargs) -> list[Error]:
    """motcua.E003: MOTCUA_STORAGE names a known storage."""
    if settings.MOTCUA_STORAGE in ("local", "s3"):
        return []
    return [
        Error(
            f"MOTCUA_STORAGE must be 'local' or 's3', not {settings.MOTCUA_STORAGE!r}.",
            hint="local keeps files in MOTCUA_MEDIA_ROOT; s3 in the bucket of the AWS_* variables.",
            id="motcua.E003",
        )
    ]


@register("motcua")
def check_log_format(app_configs=None, **kwargs) -> list[Error]:
    """motcua.E004: MOTCUA_LOG_FORMAT names a known format."""
    if settings.MOTCUA_LOG_FORMAT in ("plain", "json"):
        return []
    return [
        Error(
            f"MOTCUA_LOG_FORMAT must be 'plain' or 'json', not {settings.MOTCUA_LOG_FORMAT!r}.",
            hint="Lines are written as plain text until it is fixed.",
            id="motcua.E004",
        )
    ]


def serious_problems(include_deployment_checks: bool = True) -> list:
    """Every system check message at ERROR or above that is not silenced."""
    from django.core.checks import run_checks

    return [
        message
        for message in run_checks(include_deployment_checks=include_deployment_checks)
        if message.is_serious() and not message.is_silenced()
    ]


def refuse_to_start(process: str) -> None:
    """Raise ImproperlyConfigured, naming each error, when a system check fails.

    The production entry points call it (gunicorn through ``motcua.wsgi``, the Celery
    worker and beat through ``motcua.celery``), since neither runs Django's checks.
    """
    problems = serious_problems()
    if problems:
        raise ImproperlyConfigured(
            f"MotCua's {process} refuses to start (docs/ENVIRONMENT.md, docs/SECURITY.md):\n- "
            + "\n- ".join(str(problem) for problem in problems)
        )
