"""Vietnamese text folding: what makes "dang ky" find "Đăng ký".

``fold`` removes tones and marks (NFD, drop combining marks), maps đ/Đ to d,
lowercases and turns punctuation into spaces. ``exact`` keeps the diacritics
(NFC, lowercase, punctuation → space) so an exact-diacritics match can be
ranked above a folded one.
"""

from __future__ import annotations

import re
import unicodedata

from motcua.agencies.loading import fold as strip_diacritics

_NON_WORD = re.compile(r"[^\w]+|_")


def exact(text: str) -> str:
    """Lowercase NFC text with punctuation turned into single spaces."""
    text = unicodedata.normalize("NFC", text or "").lower()
    return " ".join(_NON_WORD.sub(" ", text).split())


def fold(text: str) -> str:
    """Lowercase text without diacritics (đ → d) and with punctuation turned into spaces."""
    text = strip_diacritics(text or "").lower()
    return " ".join(_NON_WORD.sub(" ", text).split())


def tokens(text: str) -> list[str]:
    """The folded words of ``text``."""
    return fold(text).split()
