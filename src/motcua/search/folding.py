"""Vietnamese text folding for search: what makes "dang ky" find "Đăng ký".

``fold`` (from ``motcua.lib.text``) removes tones and marks, maps đ/Đ to d, lowercases
and turns punctuation into spaces. ``exact`` keeps the diacritics (NFC, lowercase,
punctuation → space) so an exact-diacritics match can be ranked above a folded one.
"""

from __future__ import annotations

from motcua.lib.text import fold
from motcua.lib.text import normalize as exact

__all__ = ["exact", "fold", "tokens"]


def tokens(text: str) -> list[str]:
    """The folded words of ``text``."""
    return fold(text).split()
