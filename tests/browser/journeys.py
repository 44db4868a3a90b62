"""Usability measured in a real browser: a recorder around Playwright's page.

What a journey counts (``Recorder``):

- **screens**: every document the browser loads in the tab (a full page navigation,
  including the first page of the journey); an HTTP redirect is not a screen (the
  browser shows nothing in between), a page that JavaScript updates in place is not
  one either, and a file download is not one. A journey may start on a page it does
  not count (``start(..., uncounted=1)``: the home page where the citizen types the
  search, for "search → submitted dossier"): ``screens`` then leaves it out and
  ``screens_from_home`` counts it;
- **clicks**: every deliberate activation: a link or button clicked, a radio or
  checkbox ticked, an option picked in a list, a file picked, Enter pressed to send
  a search;
- **typed fields**: the distinct fields the user types into (text, date, number,
  text area), whatever the number of keystrokes; a prefilled field left as is does
  not count;
- **slowest page**: for each screen, navigation start → end of the load event from
  the Navigation Timing API (``performance.getEntriesByType("navigation")``), the
  slowest one of the journey.

Every screen is checked with axe-core (the problems are collected, the caller decides
when to fail) and can be photographed. Elements are found by role, label and visible
text, or by the form field's ``name`` (a data contract, not a style), so that the
journeys survive changes of layout.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlparse

LOADED = """() => {
  const n = performance.getEntriesByType("navigation")[0];
  return !n || n.loadEventEnd > 0;
}"""
TIMING = """() => {
  const n = performance.getEntriesByType("navigation")[0];
  return {origin: performance.timeOrigin, url: location.href,
          ms: n ? n.loadEventEnd - n.startTime : null};
}"""
TEXT_TYPES = {"", "text", "search", "tel", "email", "number", "date", "url", "password"}


@dataclass
class Screen:
    path: str
    ms: float | None


@dataclass
class Journey:
    """The figures of one journey at one width."""

    name: str
    width: int
    uncounted: int = 0  # the first screens, shown but not counted (the home page)
    loads: int = 0
    clicks: int = 0
    fields: set[str] = field(default_factory=set)
    screens: list[Screen] = field(default_factory=list)

    def figures(self) -> dict:
        timed = [s.ms for s in self.screens if s.ms is not None]
        shown = max(self.loads, len(self.screens))
        counts = {"screens": shown - self.uncounted}
        if self.uncounted:
            counts["screens_from_home"] = shown
        return {
            **counts,
            "clicks": self.clicks,
            "typed_fields": len(self.fields),
            "slowest_page_ms": round(max(timed)) if timed else 0,
            "width": self.width,
            "pages": [
                {"path": s.path, "ms": None if s.ms is None else round(s.ms)} for s in self.screens
            ],
        }


class Recorder:
    """Counts what the user does in one tab; ``start``/``stop`` delimit a journey.

    ``audit(page, name)`` is called on every new screen (axe-core); ``shots`` is a
    folder for one screenshot per screen, ``pictures`` a folder for the named pictures
    that ``keep`` takes (None: none taken).
    """

    def __init__(
        self,
        page,
        width: int,
        *,
        audit: Callable[[object, str], None] | None = None,
        shots: Path | None = None,
        pictures: Path | None = None,
    ):
        self.page, self.width = page, width
        self.audit, self.shots, self.pictures = audit, shots, pictures
        self.journey: Journey | None = None
        self._seen: set[float] = set()
        page.on("load", self._on_load)
        page.on("dialog", self._on_dialog)

    # --- the journey -------------------------------------------------------------------

    def start(self, name: str, *, url: str | None = None, uncounted: int = 0) -> None:
        """Begin ``name``: at ``url`` (opened, one screen) or on the page already shown
        (it counts as the first screen, e.g. the landing page after signing in).
        ``uncounted``: how many of the first screens ``screens`` leaves out (they are
        still timed, checked and listed, and counted in ``screens_from_home``)."""
        self.journey = Journey(name, self.width, uncounted=uncounted)
        if url is None:
            self.journey.loads = 1
            self._seen.discard(self._timing()["origin"])
            self.settle()
        else:
            self.goto(url)

    def stop(self) -> Journey:
        journey, self.journey = self.journey, None
        return journey

    def _on_load(self, _page) -> None:
        if self.journey is not None:
            self.journey.loads += 1

    # --- what the user does ------------------------------------------------------------

    def goto(self, url: str) -> None:
        """Open an address (typed, from a bookmark or a QR code): a screen, no click."""
        self.page.goto(url)
        self.settle()

    def click(self, locator, *, navigates: bool = True) -> None:
        """Click a link or button; by default it loads the next screen."""
        if navigates:
            with self.page.expect_event("load"):
                locator.click()
            self.settle()
        else:
            locator.click()
        self._count_click()

    def press_enter(self, locator) -> None:
        """Send a form with the keyboard's Enter / "Go" key: one click, a new screen."""
        with self.page.expect_event("load"):
            locator.press("Enter")
        self._count_click()
        self.settle()

    def fill(self, locator, value: str) -> None:
        """Type ``value`` into a field (one typed field however often it is typed)."""
        kind = (locator.get_attribute("type") or "").lower()
        if kind == "date" and re.fullmatch(r"\d\d/\d\d/\d{4}", value):
            day, month, year = value.split("/")
            value = f"{year}-{month}-{day}"
        locator.fill(value)
        if self.journey is not None:
            self.journey.fields.add(self._field_key(locator))

    def tick(self, locator) -> None:
        """Tick a radio button or checkbox (a click, unless it already is)."""
        if not locator.is_checked():
            locator.check()
            self._count_click()

    def choose(self, locator, **option) -> None:
        """Pick an option of a drop-down list (one click)."""
        locator.select_option(**option)
        self._count_click()

    def pick_file(self, locator, files) -> None:
        """Pick a file for an upload field (one click). A page that sends the file as
        soon as it is picked may load a new screen: it is then timed and checked."""
        before = self._origin()
        locator.set_input_files(files)
        self._count_click()
        self.page.wait_for_timeout(300)  # time for a script to send the form
        self.page.wait_for_load_state("load")
        if self._origin() != before:
            self.settle()

    def download(self, locator) -> bytes:
        """Follow a link to a file (one click, no screen): its content.

        The file is fetched with the tab's cookies rather than by clicking, since a PDF
        served inline opens in Chromium's viewer while another browser saves it: either
        way the user gets the file in one click.
        """
        href = locator.get_attribute("href")
        assert href, "not a link to a file"
        response = self.page.context.request.get(urljoin(self.page.url, href))
        assert response.ok, f"{href}: HTTP {response.status}"
        self._count_click()
        return response.body()

    def keep(self, name: str) -> None:
        """Save the visible part of the page as ``<pictures>/<name>.png`` (README)."""
        if self.pictures is not None:
            self.pictures.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(self.pictures / f"{name}.png"))

    # --- bookkeeping -------------------------------------------------------------------

    def _count_click(self) -> None:
        if self.journey is not None:
            self.journey.clicks += 1

    @staticmethod
    def _field_key(locator) -> str:
        return locator.evaluate(
            "e => (e.form && e.form.action || location.pathname) + '#' +"
            " (e.name || e.id || e.getAttribute('aria-label') || '')"
        )

    def _origin(self) -> float | None:
        for _attempt in range(20):
            try:
                return self.page.evaluate("performance.timeOrigin")
            except Exception:  # the page is navigating: its context went away
                self.page.wait_for_timeout(100)
        return None

    def _on_dialog(self, dialog) -> None:
        """A confirmation (window.confirm) is accepted: one more click."""
        self._count_click()
        dialog.accept()

    def _timing(self) -> dict:
        self.page.wait_for_load_state("load")
        self.page.wait_for_function(LOADED)
        return self.page.evaluate(TIMING)

    def settle(self) -> None:
        """After a navigation: time the new screen, check it, photograph it."""
        timing = self._timing()
        if timing["origin"] in self._seen or self.journey is None:
            return
        self._seen.add(timing["origin"])
        journey = self.journey
        url = urlparse(timing["url"])
        path = f"{url.path}?{url.query}" if url.query else url.path
        journey.screens.append(Screen(path, timing["ms"]))
        name = f"{journey.name}-{self.width}-{len(journey.screens):02d}"
        if self.audit is not None:
            self.audit(self.page, name)
        if self.shots is not None:
            self.shots.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(self.shots / f"{name}.png"), full_page=True)


def first_visible(*locators):
    """The first of ``locators`` that shows an element (its first visible one), or None."""
    for locator in locators:
        for candidate in locator.all():
            if candidate.is_visible():
                return candidate
    return None
