"""The one reader of the environment: typed helpers that also record what they read.

Modelled on HackSoft's Django-Styleguide ``config/env.py``. Every variable the settings
read goes through one of ``env_str``, ``env_bool``, ``env_int``, ``env_float``,
``env_list``, ``env_pairs`` or ``env_path`` with a one-line description; each call
records the variable (name, default, description, the module that reads it) in
:data:`REGISTRY`, from which ``motcua env_reference`` writes ``docs/ENVIRONMENT.md``.
Variables read by a library or a script rather than by these helpers (``DATABASE_URL``
by dj-database-url, ``AWS_*`` by django-storages' options, ``deploy/run_stack.py``'s)
are recorded with :func:`declare`.

Read every variable unconditionally (hoist a read out of an ``if``), so that the
registry, and with it the reference, does not depend on the environment it was built
in; a default computed from another value is shown with ``doc_default``.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

TRUE_VALUES = frozenset({"1", "true", "yes", "on"})


@dataclass
class Variable:
    """One environment variable as recorded for the reference."""

    name: str
    kind: str
    default: str  # as shown in the reference ("" means: empty / unset)
    description: str
    module: str  # the module that reads it (first reader)
    also_read_by: list[str] = field(default_factory=list)


# name → Variable, in the order the variables were first read.
REGISTRY: dict[str, Variable] = {}


def _caller_module(depth: int) -> str:
    return sys._getframe(depth + 1).f_globals.get("__name__", "?")


def _record(
    name: str, kind: str, default: object, description: str, doc_default, module: str
) -> None:
    if not description.strip():
        raise ValueError(f"{name}: every environment variable needs a description")
    shown = doc_default if doc_default is not None else _show(default)
    known = REGISTRY.get(name)
    if known is None:
        REGISTRY[name] = Variable(name, kind, shown, description.strip(), module)
    elif module != known.module and module not in known.also_read_by:
        known.also_read_by.append(module)


def _show(default: object) -> str:
    if default is None:
        return ""
    if isinstance(default, bool):
        return "on" if default else "off"
    if isinstance(default, (list, tuple)):
        return ",".join(str(item) for item in default)
    return str(default)


def _raw(name: str) -> str | None:
    return os.environ.get(name)


def parse_bool(value: str) -> bool:
    """``1``, ``true``, ``yes``, ``on`` (any case, spaces ignored) are true; anything else false."""
    return value.strip().lower() in TRUE_VALUES


def parse_list(value: str) -> list[str]:
    """Comma-separated items, stripped, empty ones dropped."""
    return [item.strip() for item in value.split(",") if item.strip()]


def parse_pairs(value: str) -> dict[str, str]:
    """``key=value`` items, comma-separated; items without ``=`` are ignored."""
    pairs = {}
    for item in value.split(","):
        if "=" in item:
            key, found = item.split("=", 1)
            pairs[key.strip()] = found.strip()
    return pairs


def env_str(
    name: str, default: str = "", description: str = "", *, doc_default: str | None = None
) -> str:
    """The variable's value as is (not stripped), ``default`` when unset."""
    _record(name, "text", default, description, doc_default, _caller_module(1))
    value = _raw(name)
    return default if value is None else value


def env_bool(
    name: str, default: bool = False, description: str = "", *, doc_default: str | None = None
) -> bool:
    """On for ``1``/``true``/``yes``/``on``, off for anything else; ``default`` when unset."""
    _record(name, "on/off", default, description, doc_default, _caller_module(1))
    value = _raw(name)
    return default if value is None else parse_bool(value)


def env_int(
    name: str, default: int | str, description: str = "", *, doc_default: str | None = None
) -> int:
    _record(name, "integer", default, description, doc_default, _caller_module(1))
    value = _raw(name)
    return int(default if value is None else value)


def env_float(
    name: str, default: float | str, description: str = "", *, doc_default: str | None = None
) -> float:
    _record(name, "number", default, description, doc_default, _caller_module(1))
    value = _raw(name)
    return float(default if value is None else value)


def env_list(
    name: str, default: str = "", description: str = "", *, doc_default: str | None = None
) -> list[str]:
    """Comma-separated items (see :func:`parse_list`); ``default`` is parsed the same way."""
    _record(name, "list", default, description, doc_default, _caller_module(1))
    value = _raw(name)
    return parse_list(default if value is None else value)


def env_pairs(
    name: str, default: str = "", description: str = "", *, doc_default: str | None = None
) -> dict[str, str]:
    """``key=value`` pairs, comma-separated (see :func:`parse_pairs`)."""
    _record(name, "key=value list", default, description, doc_default, _caller_module(1))
    value = _raw(name)
    return parse_pairs(default if value is None else value)


def env_path(
    name: str, default: Path | str, description: str = "", *, doc_default: str | None = None
) -> Path:
    _record(name, "path", default, description, doc_default, _caller_module(1))
    value = _raw(name)
    return Path(default if value is None else value)


def declare(
    name: str,
    default: object,
    description: str,
    *,
    kind: str = "text",
    module: str | None = None,
) -> None:
    """Record a variable read elsewhere (by a library, a script), without reading it."""
    _record(name, kind, default, description, None, module or _caller_module(1))


def is_set(name: str) -> bool:
    """Whether the variable is set to something other than blanks."""
    return bool((_raw(name) or "").strip())


# --- The reference ------------------------------------------------------------------------------


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_reference(registry: dict[str, Variable] | None = None) -> str:
    """``docs/ENVIRONMENT.md``: every recorded variable, grouped by the module reading it."""
    registry = REGISTRY if registry is None else registry
    groups: dict[str, list[Variable]] = {}
    for variable in registry.values():
        groups.setdefault(variable.module, []).append(variable)
    lines = [
        "# Environment variables",
        "",
        "Generated by `motcua env_reference` from the calls to `motcua/conf/env.py` made",
        "while the settings load: do not edit by hand (a test fails when this file is out",
        "of date). Each variable is read by the module named in its section; an empty",
        "default means unset or empty. Wrong combinations are reported by the system checks",
        "`motcua.E001`–`motcua.E004` (`motcua/conf/checks.py`, run by `motcua check`, by",
        "`migrate`, and at start-up of the web and Celery processes in production).",
        "",
        f"{len(registry)} variables.",
        "",
    ]
    for module in sorted(groups, key=_module_order):
        lines += [f"## `{module}`", "", "| Variable | Type | Default | Description |"]
        lines.append("|---|---|---|---|")
        for variable in groups[module]:
            default = f"`{_cell(variable.default)}`" if variable.default else ""
            description = variable.description
            if variable.also_read_by:
                description += " (also read by " + ", ".join(variable.also_read_by) + ")"
            lines.append(
                f"| `{variable.name}` | {variable.kind} | {default} | {_cell(description)} |"
            )
        lines.append("")
    return "\n".join(lines)


def _module_order(module: str) -> tuple[int, str]:
    order = ("motcua.conf.base", "motcua.settings")
    if module in order:
        return order.index(module), module
    return (2 if module.startswith("motcua.") else 3), module
