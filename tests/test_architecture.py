"""The import rules written in docs/ARCHITECTURE.md hold in the code: which app may
import which (``ALLOWED``), which of an app's modules another app may import
(``PUBLIC``: its public face), no file-level import cycle, and the listeners of
``dossier_event`` in their order."""

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "motcua"

ALLOWED = {
    "audit": set(),
    "workdays": {"audit"},
    "accounts": {"audit"},
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
    "postsim": set(),
    # Results by post: the dossier's return, the applicant told, the address checked
    # against the current communes (catalog's e-form code lists).
    "postal": {"dossiers", "catalog", "agencies", "accounts", "audit", "notifications"},
    "payments": {"dossiers", "catalog", "agencies", "accounts", "audit"},
    # registries: an issued result is written back to its registry ("only once").
    "results": {"dossiers", "catalog", "agencies", "accounts", "audit", "registries"},
    "events": {"dossiers", "catalog", "agencies", "accounts", "audit"},
    # Phản ánh, kiến nghị: about a dossier, a procedure or an agency; answers are notified.
    "feedback": {
        "dossiers",
        "catalog",
        "agencies",
        "accounts",
        "workdays",
        "audit",
        "notifications",
    },
    # exchange: the sync rate and delay per agency on the national dashboard (public).
    "federation": {
        "monitoring",
        "catalog",
        "agencies",
        "accounts",
        "workdays",
        "audit",
        "exchange",
    },
    # Dossier exchange between instances (docs/EXCHANGE.md): listens to dossier_event,
    # applies peers' messages through the dossiers' services, payments and results.
    "exchange": {
        "dossiers",
        "catalog",
        "agencies",
        "accounts",
        "workdays",
        "audit",
        "events",
        "payments",
        "results",
        "notifications",
        "datastore",
    },
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
        "postal",
    },
    # events: the national portal's deliveries (sync rate); feedback: the PAKN facts;
    # postal: results delivered by post (selectors).
    "monitoring": {
        "dossiers",
        "catalog",
        "agencies",
        "accounts",
        "workdays",
        "audit",
        "events",
        "feedback",
        "postal",
    },
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
        "postal",
        # exchange.public: where a dossier settled by a province is, on the national portal.
        "exchange",
    },
    # Assisted filing: agents file through the portal's services for citizens.
    "assisted": {
        "portal",
        "dossiers",
        "registries",
        "notifications",
        "accounts",
        "agencies",
        "catalog",
        "audit",
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
        "feedback",
        "postal",
    },
}
# An app's public face: the only modules of it that another app may import. Everything
# else is the app's own. ``demo`` seeds data and may import anything.
PUBLIC = {
    "audit": {"services", "models", "masking", "admin"},
    "accounts": {"models", "services", "citizen", "ratelimit"},
    "workdays": {"calendar"},
    "agencies": {"models", "selectors"},
    "catalog": {"models", "selectors", "fees", "eform"},
    "dossiers": {
        "models",
        "services",
        "exceptions",
        "files",
        "signals",
        "workflow",
        "steps",
        "deadlines",
        "digitisation",
        "supplements",
        "timelimits",
        "remote",
    },
    "search": {"selectors", "assistant", "folding", "services"},
    "registries": {"services", "writes"},
    "datastore": {"models", "selectors", "services"},
    "payments": {"models", "services", "selectors", "exceptions", "receipt_pdf"},
    "results": {"models", "services", "selectors", "verify", "remote"},
    "portal": {"services", "selectors", "assurance"},
    "backoffice": {"scope"},
    "monitoring": {"public"},
    "notifications": {"services"},
    "feedback": {"public", "models", "services", "selectors", "forms", "exceptions"},
    "postal": {"services", "selectors", "addresses"},
    "events": {"public"},
    "exchange": {"public"},
}
UNRESTRICTED = {"demo"}
APPS = {p.name for p in SRC.iterdir() if (p / "apps.py").exists()}


def _sources(folder: Path):
    for path in sorted(folder.rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        yield path


def imported_modules(app: str) -> set[tuple[str, str]]:
    """(app, module) pairs of other apps that ``app`` imports, anywhere in its code."""
    found = set()
    for path in _sources(SRC / app):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                parts = node.module.split(".")
                if len(parts) == 2:  # from motcua.<app> import <module>
                    names = [f"{node.module}.{alias.name}" for alias in node.names]
                else:
                    names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            for name in names:
                parts = name.split(".")
                if parts[0] == "motcua" and len(parts) > 1 and parts[1] in APPS:
                    if parts[1] != app:
                        found.add((parts[1], parts[2] if len(parts) > 2 else ""))
    return found


def imported_apps(app: str) -> set[str]:
    return {other for other, _module in imported_modules(app)}


@pytest.mark.parametrize("app", sorted(ALLOWED))
def test_app_imports_only_what_architecture_allows(app):
    assert imported_apps(app) <= ALLOWED[app], f"{app} imports {imported_apps(app) - ALLOWED[app]}"


@pytest.mark.parametrize("app", sorted(APPS - UNRESTRICTED))
def test_app_imports_only_the_public_modules_of_other_apps(app):
    private = sorted(
        f"{other}.{module}"
        for other, module in imported_modules(app)
        if module not in PUBLIC.get(other, set())
    )
    assert not private, f"{app} imports private modules: {private}"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _module_level_imports(path: Path, name: str, modules: set[str]) -> set[str]:
    """The project modules ``path`` imports when it is loaded (not inside functions)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    tree = ast.parse(path.read_text())
    nodes = [n for top in tree.body for n in ast.walk(top) if not isinstance(top, ast.FunctionDef)]
    for node in nodes:
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([node.module] if node.module else []))
            for alias in node.names:
                target = f"{base}.{alias.name}"
                found.add(target if target in modules else base)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {m for m in found if m in modules and m != name}


def test_no_file_level_import_cycle():
    paths = {_module_name(p): p for p in _sources(SRC)}
    graph = {name: _module_level_imports(p, name, set(paths)) for name, p in paths.items()}
    cycles, visiting, done = [], [], set()

    def visit(name):
        if name in done:
            return
        if name in visiting:
            cycles.append(visiting[visiting.index(name) :] + [name])
            return
        visiting.append(name)
        for target in sorted(graph[name]):
            visit(target)
        visiting.pop()
        done.add(name)

    for name in sorted(graph):
        visit(name)
    assert not cycles, "import cycles: " + "; ".join(" → ".join(c) for c in cycles)


def test_the_listeners_of_dossier_event_are_these_in_this_order():
    """Every change of a dossier reaches these receivers, in this order, inside its
    transaction (docs/ARCHITECTURE.md, "Listeners of dossier_event")."""
    from motcua.dossiers.signals import dossier_event

    listeners = [
        f"{receiver().__module__}.{receiver().__qualname__}"
        for _key, receiver, *_rest in dossier_event.receivers
    ]
    assert listeners == [
        "motcua.datastore.receivers.keep_results",
        "motcua.notifications.receivers.queue_notifications",
        "motcua.payments.receivers.refund_on_refusal",
        "motcua.events.receivers.write_outbox",
        "motcua.exchange.receivers.send_to_peer",
        "motcua.monitoring.receivers.keep_rollups",
        "motcua.portal.lookup_cache.forget",
        "motcua.ops.metrics.count_dossier_event",
    ]


def test_lib_imports_no_app():
    """``motcua.lib`` holds helpers any app may use; it depends on none of them."""
    found = set()
    for path in _sources(SRC / "lib"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                parts = node.module.split(".")
                if parts[0] == "motcua" and len(parts) > 1 and parts[1] != "lib":
                    found.add(node.module)
    assert not found, f"motcua.lib imports {sorted(found)}"
