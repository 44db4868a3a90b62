"""The library of real e-forms: the official tờ khai of the most used procedures.

Each file ``data/forms/<CODE>.json`` is a ``motcua-eform/2`` definition (see
docs/EFORMS.md and docs/PROCEDURES.md) modelled on the paper form the law issues.
When the catalogue is imported, a procedure whose code has a file here gets that
definition as the form of its new version instead of the generic default form.
"""

from __future__ import annotations

import copy
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

FORMS_DIR = Path(__file__).resolve().parent / "data" / "forms"


@lru_cache(maxsize=1)
def _library() -> dict[str, dict[str, Any]]:
    return {
        path.stem: json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(FORMS_DIR.glob("*.json"))
    }


def codes() -> list[str]:
    """The procedure codes that have a modelled form, sorted."""
    return sorted(_library())


def definition_for(code: str) -> dict[str, Any] | None:
    """A fresh copy of the modelled form of procedure ``code``, or None when there is none."""
    definition = _library().get(code)
    return copy.deepcopy(definition) if definition is not None else None
