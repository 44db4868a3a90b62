"""HTML → PDF with WeasyPrint, reading local files only.

A document of the platform may hold text a citizen or an officer typed: it must not make
the server fetch a URL (server-side request forgery) or read a file outside the folder
it is allowed (``file:///etc/passwd``). Every PDF goes through ``local_only_fetcher``.
WeasyPrint is slow to import: it is imported when a document is made, not when Django
starts.

Each thread keeps one WeasyPrint ``FontConfiguration`` per allowed folder and lays every
document out with it. WeasyPrint makes a new one per document when none is given — a
Fontconfig configuration and a Pango font map that are never given back to the system
in full, about 0.2 MB per document: a web worker issuing results grew without a plateau
(``bench/bench_memory.py``). One per folder: a font that a document of one folder
loaded with ``@font-face`` is never served to a document of another folder without its
fetcher's check; one per thread: Pango's font maps are not made to be shared between
threads (gunicorn's gthread workers).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote, urlsplit


def local_only_fetcher(allowed_dirs: Iterable[Path], *, allow_data: bool = False, strict=True):
    """A WeasyPrint URL fetcher that reads files under ``allowed_dirs`` and nothing else.

    Any other URL (http, https, ftp, a file elsewhere, and ``data:`` unless
    ``allow_data``) is refused. ``strict``: a refusal stops the rendering
    (``FatalURLFetchingError``); otherwise WeasyPrint leaves the resource out and logs a
    warning.
    """
    from weasyprint.urls import FatalURLFetchingError, URLFetcher

    roots = [Path(folder).resolve() for folder in allowed_dirs]
    protocols = {"file", "data"} if allow_data else {"file"}
    refusal = FatalURLFetchingError if strict else ValueError

    class LocalFilesOnly(URLFetcher):
        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            scheme = parts.scheme.lower()
            if scheme not in protocols:
                raise refusal(f"refused URL scheme: {parts.scheme or url!r}")
            if scheme == "file":
                path = Path(unquote(parts.path)).resolve()
                if not any(path.is_relative_to(root) for root in roots):
                    raise refusal("refused file outside the allowed folders")
            return super().fetch(url, headers)

    return LocalFilesOnly(allowed_protocols=protocols, timeout=2)


_fonts = threading.local()


def font_configuration(folder: Path):
    """This thread's WeasyPrint ``FontConfiguration`` for documents of ``folder``."""
    from weasyprint.text.fonts import FontConfiguration

    configurations = _fonts.__dict__.setdefault("by_folder", {})
    key = str(Path(folder).resolve())
    if key not in configurations:
        configurations[key] = FontConfiguration()
    return configurations[key]


def render_document(
    html: str,
    *,
    folder: Path,
    stylesheet: Path | None = None,
    allow_data: bool = False,
    strict: bool = True,
):
    """``html`` laid out by WeasyPrint (a ``weasyprint.Document``), with ``stylesheet``.

    Relative URLs resolve in ``folder``, the only folder the document may read from.
    """
    from weasyprint import CSS, HTML

    fetcher = local_only_fetcher([folder], allow_data=allow_data, strict=strict)
    fonts = font_configuration(folder)
    stylesheets = (
        [CSS(filename=str(stylesheet), url_fetcher=fetcher, font_config=fonts)]
        if stylesheet
        else []
    )
    return HTML(string=html, base_url=str(folder), url_fetcher=fetcher).render(
        stylesheets=stylesheets, font_config=fonts
    )


def render_pdf(html: str, *, folder: Path, stylesheet: Path | None = None, **options) -> bytes:
    """``html`` as PDF bytes (see ``render_document``)."""
    return render_document(html, folder=folder, stylesheet=stylesheet, **options).write_pdf()
