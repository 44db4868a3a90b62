"""Keep personal identification numbers out of the audit trail."""

from __future__ import annotations

import re
from typing import Any

# A 12-digit run not part of a longer number: the personal identification number
# (số định danh cá nhân / CCCD). Over-masking a rare 12-digit amount is the safe side.
PERSONAL_ID_RUN = re.compile(r"(?<!\d)\d{12}(?!\d)")


def _mask_match(match: re.Match[str]) -> str:
    return "*" * 8 + match.group()[-4:]


def mask_personal_ids(value: Any) -> Any:
    """Return ``value`` with every 12-digit number masked to its last 4 digits.

    Walks dicts (keys and values), lists and tuples; masks 12-digit runs inside
    strings and 12-digit integers (which become strings such as ``"********1234"``).
    Other values are returned unchanged.
    """
    if isinstance(value, str):
        return PERSONAL_ID_RUN.sub(_mask_match, value)
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        text = str(abs(value))
        return mask_personal_ids(text) if len(text) == 12 else value
    if isinstance(value, dict):
        return {mask_personal_ids(k): mask_personal_ids(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask_personal_ids(item) for item in value]
    return value
