"""The environment reader (motcua/conf/env.py), its reference (docs/ENVIRONMENT.md), the
settings' system checks (motcua/conf/checks.py) and the settings files' imports."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.core.checks import run_checks

from motcua.conf import env
from motcua.conf.checks import (
    check_log_format,
    check_no_published_secret,
    check_secrets_from_environment,
    check_storage,
)
from motcua.conf.payments import _DEMO_HASH_SECRET
from motcua.conf.postal import DEMO_POSTAL_KEY

REPO = Path(__file__).resolve().parents[4]
SRC = REPO / "src" / "motcua"
REFERENCE = REPO / "docs" / "ENVIRONMENT.md"

# Settings named MOTCUA_* that no variable sets (fixed tables, or computed).
NOT_FROM_THE_ENVIRONMENT = {
    "MOTCUA_CSP_PATH_UPDATES",
    "MOTCUA_IDP_SESSION_COOKIE_NAME",
    "MOTCUA_LOCKOUT_TEMPLATES",
    "MOTCUA_REPLICA_DATABASE",
}


@pytest.fixture
def registry(monkeypatch):
    """A fresh registry, so that these tests leave the settings' one alone."""
    fresh: dict[str, env.Variable] = {}
    monkeypatch.setattr(env, "REGISTRY", fresh)
    return fresh


# --- The helpers ------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["1", "true", "TRUE", " yes ", "On"])
def test_true_values(monkeypatch, registry, value):
    monkeypatch.setenv("MOTCUA_X_TEST", value)
    assert env.env_bool("MOTCUA_X_TEST", False, "a test flag") is True


@pytest.mark.parametrize("value", ["0", "false", "no", "off", "", "2", "enabled"])
def test_anything_else_is_false(monkeypatch, registry, value):
    monkeypatch.setenv("MOTCUA_X_TEST", value)
    assert env.env_bool("MOTCUA_X_TEST", True, "a test flag") is False


def test_an_unset_variable_gives_the_default_and_records_it(monkeypatch, registry):
    monkeypatch.delenv("MOTCUA_X_TEST", raising=False)
    assert env.env_bool("MOTCUA_X_TEST", True, "a test flag") is True
    assert env.env_int("MOTCUA_X_INT", "24", "hours") == 24
    assert env.env_float("MOTCUA_X_FLOAT", "0.5", "seconds") == 0.5
    assert env.env_str("MOTCUA_X_STR", "plain", "format") == "plain"
    assert env.env_path("MOTCUA_X_PATH", "/tmp/a", "folder") == Path("/tmp/a")
    recorded = {name: (v.kind, v.default, v.description) for name, v in registry.items()}
    assert recorded == {
        "MOTCUA_X_TEST": ("on/off", "on", "a test flag"),
        "MOTCUA_X_INT": ("integer", "24", "hours"),
        "MOTCUA_X_FLOAT": ("number", "0.5", "seconds"),
        "MOTCUA_X_STR": ("text", "plain", "format"),
        "MOTCUA_X_PATH": ("path", "/tmp/a", "folder"),
    }
    # The reader is the module that called the helper.
    assert {v.module for v in registry.values()} == {__name__}


def test_a_set_variable_wins_and_the_default_recorded_stays_the_default(monkeypatch, registry):
    monkeypatch.setenv("MOTCUA_X_INT", "7")
    assert env.env_int("MOTCUA_X_INT", "24", "hours") == 7
    assert registry["MOTCUA_X_INT"].default == "24"


def test_a_computed_default_is_shown_as_described(registry):
    env.env_bool("MOTCUA_X_TEST", True, "a flag", doc_default="MOTCUA_PRODUCTION")
    assert registry["MOTCUA_X_TEST"].default == "MOTCUA_PRODUCTION"


def test_lists_and_pairs(monkeypatch, registry):
    monkeypatch.setenv("MOTCUA_X_LIST", " a, b ,,c ,")
    assert env.env_list("MOTCUA_X_LIST", "", "items") == ["a", "b", "c"]
    assert env.env_list("MOTCUA_X_UNSET_LIST", "x,y", "items") == ["x", "y"]
    assert env.env_list("MOTCUA_X_EMPTY_LIST", "", "items") == []
    monkeypatch.setenv("MOTCUA_X_PAIRS", "dan_cu=http, thue = disabled,junk,k=a=b")
    assert env.env_pairs("MOTCUA_X_PAIRS", "", "pairs") == {
        "dan_cu": "http",
        "thue": "disabled",
        "k": "a=b",
    }
    assert registry["MOTCUA_X_UNSET_LIST"].default == "x,y"


def test_every_variable_needs_a_description(registry):
    with pytest.raises(ValueError, match="MOTCUA_X_TEST"):
        env.env_str("MOTCUA_X_TEST", "")


def test_a_second_reader_is_named_and_the_first_kept(registry):
    env.declare("MOTCUA_X_TEST", "1", "first", module="a.first")
    env.declare("MOTCUA_X_TEST", "2", "second", module="b.second")
    variable = registry["MOTCUA_X_TEST"]
    assert (variable.module, variable.default, variable.also_read_by) == (
        "a.first",
        "1",
        ["b.second"],
    )


# --- The reference -----------------------------------------------------------------------------


def test_the_environment_reference_is_up_to_date():
    """Any new or changed variable shows in review: regenerate and commit the file."""
    assert REFERENCE.read_text(encoding="utf-8") == env.render_reference() + "\n", (
        "run: motcua env_reference docs/ENVIRONMENT.md"
    )


def _names_in_source() -> set[str]:
    names = set()
    for path in SRC.rglob("*.py"):
        if "tests" in path.relative_to(SRC).parts:
            continue
        # A name followed by "*" (``MOTCUA_OIDC_*``) is a family, not a variable.
        names |= set(re.findall(r"\bMOTCUA_[A-Z0-9_]*[A-Z0-9](?![A-Z0-9_]|\*)", path.read_text()))
    return names


def test_every_motcua_variable_in_the_source_is_in_the_registry():
    from django.conf import settings

    missing = _names_in_source() - set(env.REGISTRY) - NOT_FROM_THE_ENVIRONMENT
    assert not missing, f"read these through motcua.conf.env with a description: {missing}"
    # The exceptions are settings indeed, set by no variable.
    for name in NOT_FROM_THE_ENVIRONMENT:
        assert hasattr(settings, name) and name not in env.REGISTRY


def test_the_reference_lists_every_registered_variable():
    text = REFERENCE.read_text(encoding="utf-8")
    for name in env.REGISTRY:
        assert f"| `{name}` |" in text
    assert sum(name.startswith("MOTCUA_") for name in env.REGISTRY) >= 160


# --- No import cycle ---------------------------------------------------------------------------


def test_no_settings_file_imports_the_half_loaded_settings_module():
    offenders = []
    for path in sorted((SRC / "conf").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                imported = [a.name for a in node.names]
            else:
                continue
            if any(name == "motcua.settings" for name in imported):
                offenders.append(f"{path.name}:{node.lineno}")
    assert offenders == []


# --- The system checks -------------------------------------------------------------------------

REAL_SECRETS = {
    "SECRET_KEY": "k" * 50,
    "MOTCUA_PKI_PASSPHRASE": "a-real-passphrase",
    "MOTCUA_VNPAY_HASH_SECRET": "A-REAL-MERCHANT-SECRET",
    "MOTCUA_REGISTRY_API_KEY": "a-real-registry-key",
    "MOTCUA_OIDC_CLIENT_SECRET": "a-real-client-secret",
    "MOTCUA_AUDIT_KEY": "a-real-audit-key",
    "MOTCUA_POSTAL_KEY": "a-real-postal-key",
}
FROM_ENVIRONMENT = (
    "MOTCUA_SECRET_KEY",
    "MOTCUA_PKI_PASSPHRASE",
    "MOTCUA_OIDC_CLIENT_SECRET",
    "MOTCUA_AUDIT_KEY",
)


def _ids(messages) -> list[str]:
    return sorted(message.id for message in messages)


@pytest.fixture
def production(settings, monkeypatch):
    settings.MOTCUA_PRODUCTION = True
    settings.MOTCUA_HTTPS = True
    settings.MOTCUA_ALLOW_DEMO_SECRETS = False
    settings.MOTCUA_POSTSIM_ENABLED = False  # its default in production
    for name, value in REAL_SECRETS.items():
        setattr(settings, name, value)
    for name in FROM_ENVIRONMENT:
        monkeypatch.setenv(name, "set-in-the-environment")
    return settings


def test_production_with_real_secrets_passes(production):
    assert check_secrets_from_environment() == [] and check_no_published_secret() == []


def test_a_secret_missing_from_the_environment_is_motcua_e001(production, monkeypatch):
    monkeypatch.delenv("MOTCUA_PKI_PASSPHRASE")
    errors = check_secrets_from_environment()
    assert _ids(errors) == ["motcua.E001"]
    assert "MOTCUA_PKI_PASSPHRASE is not set" in errors[0].msg and errors[0].hint


def test_a_published_demo_secret_is_motcua_e002(production):
    production.MOTCUA_VNPAY_HASH_SECRET = _DEMO_HASH_SECRET
    production.MOTCUA_REGISTRY_API_KEY = "demo-registry-key"
    errors = check_no_published_secret()
    assert _ids(errors) == ["motcua.E002", "motcua.E002"]
    assert "MOTCUA_VNPAY_HASH_SECRET still has the demo value" in errors[0].msg


def test_the_published_postal_keys_are_motcua_e002(production):
    production.MOTCUA_POSTAL_KEY = DEMO_POSTAL_KEY
    production.MOTCUA_POSTSIM_KEY = DEMO_POSTAL_KEY
    production.MOTCUA_POSTSIM_ENABLED = False
    errors = check_no_published_secret()
    assert _ids(errors) == ["motcua.E002"]
    assert "MOTCUA_POSTAL_KEY still has the demo value" in errors[0].msg
    # The simulator's key matters only while the simulator is served.
    production.MOTCUA_POSTSIM_ENABLED = True
    errors = check_no_published_secret()
    assert _ids(errors) == ["motcua.E002", "motcua.E002"]
    assert "MOTCUA_POSTSIM_KEY still has the demo value" in errors[1].msg


def test_the_demo_secrets_pass_outside_production_and_opted_in_on_plain_http(
    production, monkeypatch
):
    production.MOTCUA_VNPAY_HASH_SECRET = _DEMO_HASH_SECRET
    monkeypatch.delenv("MOTCUA_SECRET_KEY")
    production.MOTCUA_ALLOW_DEMO_SECRETS = True
    # Never once the site is public over HTTPS.
    assert _ids(check_secrets_from_environment() + check_no_published_secret()) == [
        "motcua.E001",
        "motcua.E002",
    ]
    production.MOTCUA_HTTPS = False
    assert check_secrets_from_environment() + check_no_published_secret() == []
    production.MOTCUA_ALLOW_DEMO_SECRETS = False
    production.MOTCUA_PRODUCTION = False
    assert check_secrets_from_environment() + check_no_published_secret() == []


def test_an_unknown_storage_is_motcua_e003(settings):
    assert check_storage() == []
    settings.MOTCUA_STORAGE = "ftp"
    assert _ids(check_storage()) == ["motcua.E003"]


def test_an_unknown_log_format_is_motcua_e004(settings):
    assert check_log_format() == []
    settings.MOTCUA_LOG_FORMAT = "xml"
    assert _ids(check_log_format()) == ["motcua.E004"]


def test_the_checks_are_registered_with_django(settings):
    settings.MOTCUA_STORAGE = "ftp"
    settings.MOTCUA_LOG_FORMAT = "xml"
    found = _ids(m for m in run_checks(tags=["motcua"]) if m.id.startswith("motcua."))
    assert found == ["motcua.E003", "motcua.E004"]
