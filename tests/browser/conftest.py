"""Real-browser tests: Playwright driving Debian's Chromium against a live server.

Shared here: the browser, the demo site served by ``live_server`` (portal, bundled e-ID
provider, registry and payment-gateway simulators, all over real HTTP), and the page
check (axe-core: no serious or critical violation, plus a screenshot).

axe-core comes from the npm registry: ``npm install --no-save --prefix var/npm
axe-core@4`` runs once when ``var/npm/node_modules/axe-core/axe.min.js`` is missing and
``npm`` exists; without npm (or when the install fails) the copy bundled in
``axe-playwright-python`` is used. The copy used and every page's findings are printed
at the end of the run.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("MOTCUA_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = ROOT / "docs" / "screenshots"
NPM_PREFIX = ROOT / "var" / "npm"
AXE_NPM = NPM_PREFIX / "node_modules" / "axe-core"
AXE_SPEC = "axe-core@4"
BLOCKING = ("serious", "critical")


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium is needed for the browser tests: apt-get install -y chromium ({CHROMIUM})"
        )
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def shots(tmp_path):
    """Where screenshots go: docs/screenshots with MOTCUA_SCREENSHOTS=1, else a tmp dir."""
    folder = SCREENSHOTS if os.environ.get("MOTCUA_SCREENSHOTS") == "1" else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploads and signed results of the walk stay out of var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


# --- axe-core --------------------------------------------------------------------------


@dataclass
class AxeLog:
    """Which axe-core copy was used and what it found on each page."""

    source: str = ""
    pages: list[tuple[str, dict[str, list[str]]]] = field(default_factory=list)


AXE_LOG = AxeLog()


def _npm_axe() -> tuple[Path | None, str]:
    """The npm copy of axe-core (installed now if missing), or None and why not."""
    script = AXE_NPM / "axe.min.js"
    if script.exists():
        return script, ""
    npm = shutil.which("npm")
    if npm is None:
        return None, "npm is not installed"
    try:
        subprocess.run(
            [npm, "install", "--no-save", "--no-audit", "--no-fund", "--prefix", NPM_PREFIX]
            + [AXE_SPEC],
            check=True,
            capture_output=True,
            timeout=180,
        )
    except (OSError, subprocess.SubprocessError) as error:
        return None, f"npm install {AXE_SPEC} failed: {error}"
    return (script, "") if script.exists() else (None, f"npm gave no {script}")


@pytest.fixture(scope="session")
def axe():
    """An ``Axe`` runner with axe-core from npm, else the copy bundled in axe-playwright-python."""
    from axe_playwright_python.base import AXE_SCRIPT
    from axe_playwright_python.sync_playwright import Axe

    script, why_not = _npm_axe()
    if script is not None:
        npm_version = json.loads((AXE_NPM / "package.json").read_text())["version"]
        AXE_LOG.source = (
            f"axe-core {npm_version} from the npm registry ({script.relative_to(ROOT)})"
        )
        return Axe.from_file(script)
    bundled = re.search(r"axe v([\d.]+)", AXE_SCRIPT[:200])
    AXE_LOG.source = (
        f"axe-core {bundled[1] if bundled else '?'} bundled in axe-playwright-python "
        f"{version('axe-playwright-python')} ({why_not})"
    )
    return Axe()


@pytest.fixture
def check(axe, shots):
    """``check(page, name)``: no serious or critical accessibility violation on the page;
    keeps a full-page screenshot named ``name``."""

    def run(page, name: str) -> None:
        page.wait_for_load_state()
        violations = axe.run(page).response["violations"]
        found: dict[str, list[str]] = {}
        for violation in violations:
            found.setdefault(violation["impact"] or "unknown", []).append(violation["id"])
        AXE_LOG.pages.append((name, found))
        page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
        bad = [
            f"{v['id']} ({v['impact']}): {v['help']} – {[n['target'] for n in v['nodes']][:3]}"
            for v in violations
            if v["impact"] in BLOCKING
        ]
        assert not bad, f"{name} ({page.url}): " + "; ".join(bad)

    return run


def pytest_terminal_summary(terminalreporter):
    if not AXE_LOG.source:
        return
    terminalreporter.section("accessibility (axe-core)")
    terminalreporter.write_line(AXE_LOG.source)
    blocking = sum(1 for _name, found in AXE_LOG.pages if any(i in found for i in BLOCKING))
    terminalreporter.write_line(
        f"{len(AXE_LOG.pages)} page checks, {blocking} with a serious or critical violation"
    )
    for name, found in AXE_LOG.pages:
        text = "; ".join(f"{impact}: {', '.join(ids)}" for impact, ids in sorted(found.items()))
        terminalreporter.write_line(f"  {name}: {text or 'no violation'}")


@pytest.fixture
def clean_caches():
    """Empty caches, closed circuit breakers and no in-process search index (the
    catalogue is seeded anew) before and after the test."""
    from django.core.cache import cache

    from motcua.registries.breakers import reset_breakers
    from motcua.search.selectors import invalidate

    for clear in (cache.clear, reset_breakers, invalidate):
        clear()
    yield
    for clear in (cache.clear, reset_breakers, invalidate):
        clear()
