"""The import edges written in docs/ARCHITECTURE.md hold in the code."""

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "motcua"

ALLOWED = {
    "audit": set(),
    "workdays": set(),
    "accounts": set(),
    "agencies": {"accounts", "audit"},
    "catalog": {"agencies", "workdays", "audit"},
    "dossiers": {"catalog", "agencies", "accounts", "workdays", "audit"},
    "search": {"catalog", "agencies", "dossiers"},
    "registrysim": set(),
    "registries": {"catalog", "accounts", "audit"},
    "idp": {"accounts", "audit"},
    "datastore": {"accounts", "audit", "dossiers"},
    "notifications": {"dossiers", "catalog", "agencies", "accounts", "audit"},
    "paygate": set(),
    "payments": {"dossiers", "catalog", "agencies", "accounts", "audit"},
    "results": {"dossiers", "catalog", "agencies", "accounts", "audit"},
    "events": {"dossiers", "catalog", "agencies", "accounts", "audit"},
    "federation": {"monitoring", "catalog", "agencies", "accounts", "workdays", "audit"},
    "api": {
        "dossiers",
        "catalog",
        "agencies",
        "accounts",
        "workdays",
        "audit",
        "search",
        "registries",
        "datastore",
        "payments",
        "results",
        "portal",
        "backoffice",
        "events",
    },
    "monitoring": {"dossiers", "catalog", "agencies", "accounts", "workdays", "audit"},
    # Runs the other apps' jobs by command name; counts dossier events for /metrics.
    "ops": {"dossiers"},
    "portal": {
        "catalog",
        "agencies",
        "accounts",
        "workdays",
        "dossiers",
        "audit",
        "search",
        "registries",
        "datastore",
        "notifications",
        "payments",
        "results",
    },
    "backoffice": {
        "dossiers",
        "catalog",
        "agencies",
        "accounts",
        "workdays",
        "audit",
        "search",
        "notifications",
        "payments",
        "results",
    },
}
APPS = {p.name for p in SRC.iterdir() if (p / "apps.py").exists()}


def imported_apps(app: str) -> set[str]:
    found = set()
    for path in (SRC / app).rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            for name in names:
                parts = name.split(".")
                if parts[0] == "motcua" and len(parts) > 1 and parts[1] in APPS:
                    found.add(parts[1])
    found.discard(app)
    return found


@pytest.mark.parametrize("app", sorted(ALLOWED))
def test_app_imports_only_what_architecture_allows(app):
    assert imported_apps(app) <= ALLOWED[app], f"{app} imports {imported_apps(app) - ALLOWED[app]}"
