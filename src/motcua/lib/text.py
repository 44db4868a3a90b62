"""Vietnamese text folding: what makes "dang ky" find "Đăng ký", and "Đắk Lắk" a code.

``strip_diacritics`` removes tones and marks (NFD, drop combining marks) and maps đ/Đ to
d/D, keeping the case. ``fold`` also lowercases and turns punctuation into single spaces;
``normalize`` does the same but keeps the diacritics (NFC), so an exact match can be told
from a folded one.
"""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^\w]+|_")


def strip_diacritics(text: str) -> str:
    """Vietnamese text without diacritics (đ → d, Đ → D), case kept."""
    text = (text or "").replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in text if unicodedata.category(ch) != "Mn")


def _words(text: str) -> str:
    return " ".join(_NON_WORD.sub(" ", text).split())


def normalize(text: str) -> str:
    """Lowercase NFC text with punctuation turned into single spaces."""
    return _words(unicodedata.normalize("NFC", text or "").lower())


def fold(text: str) -> str:
    """Lowercase text without diacritics (đ → d) and with punctuation turned into spaces."""
    return _words(strip_diacritics(text).lower())
