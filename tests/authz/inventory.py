"""Every route the platform serves: the URL configuration and the OpenAPI document.

``web_routes()`` walks ``get_resolver()`` through every include and namespace and keys
each route by its URL name (``namespace:name``), or by its full pattern when it has no
name. The API's operations under /api/v1/ are keyed ``METHOD /api/v1/path`` from the
OpenAPI document (``api_operations()``); a URL under /api/v1/ that the document does not
describe is listed as ``ANY /api/v1/…`` so that it cannot hide from the matrix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

from motcua.api.openapi import openapi_document

API_PREFIX = "api/v1/"


@dataclass(frozen=True)
class Route:
    key: str
    pattern: str  # the full pattern, as in the URL configuration
    converters: dict[str, str]  # parameter → converter name ("uuid", "int", "str", …)


def _walk(patterns, prefix: str = "", namespace: str | None = None, converters=None):
    for item in patterns:
        found = {**(converters or {}), **_converters(item)}
        if isinstance(item, URLResolver):
            inner = namespace
            if item.namespace:
                inner = f"{namespace}:{item.namespace}" if namespace else item.namespace
            yield from _walk(item.url_patterns, prefix + str(item.pattern), inner, found)
        elif isinstance(item, URLPattern):
            pattern = prefix + str(item.pattern)
            name = f"{namespace}:{item.name}" if namespace and item.name else item.name
            yield Route(name or pattern, pattern, found)


def _converters(item) -> dict[str, str]:
    """The parameters of one pattern and their converters (regex groups count as "re")."""
    pattern = item.pattern
    found = {
        name: type(converter).__name__.removesuffix("Converter").lower()
        for name, converter in getattr(pattern, "converters", {}).items()
    }
    regex = getattr(pattern, "_regex", "")
    if not getattr(pattern, "converters", None):
        for name in re.findall(r"\(\?P<(\w+)>", str(regex)):
            found[name] = "re"
    # A <name> without a converter is a str parameter.
    for name in re.findall(r"<(\w+)>", str(pattern)):
        found.setdefault(name, "str")
    return found


def all_routes() -> list[Route]:
    return list(_walk(get_resolver().url_patterns))


def web_routes() -> dict[str, Route]:
    """Every route outside /api/v1/ (keyed by name or pattern), plus stray /api/v1/ URLs."""
    routes = {}
    documented = {_as_django(path) for path in openapi_document()["paths"]}
    for route in all_routes():
        if route.pattern.startswith(API_PREFIX):
            if route.pattern not in documented:
                routes[f"ANY /{route.pattern}"] = route
            continue
        routes[route.key] = route
    return routes


def _as_django(openapi_path: str) -> str:
    return re.sub(r"\{(\w+)\}", r"<\1>", openapi_path).lstrip("/")


def api_operations() -> dict[str, dict]:
    """``METHOD /api/v1/path`` → the OpenAPI operation."""
    operations = {}
    for path, methods in openapi_document()["paths"].items():
        for method, operation in methods.items():
            operations[f"{method.upper()} {path}"] = operation
    return operations
