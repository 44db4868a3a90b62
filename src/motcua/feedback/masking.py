"""Anonymising a PAKN before it is published on the portal.

Decree 20/2008/NĐ-CP lets the result of handling be made public; the person who sent
it is not (Law 91/2025/QH15 on personal data protection; Decree 13/2023/NĐ-CP). What is
masked: personal identification numbers (12 digits, ``audit.masking``), old 9-digit
identity card numbers, the same numbers written in digit groups (``001 090 012 345``),
phone numbers, e-mail addresses, the sender's address, and the sender's own name
wherever it appears — in any Unicode form (NFC/NFD), with or without diacritics
(``Nguyen Van An``), and the given name after an honorific (``ông An``). The officer sees
the masked text before it is published.
"""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext as _

from motcua.audit.masking import mask_personal_ids
from motcua.lib.text import fold, strip_diacritics

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# Vietnamese phone numbers: 0 or +84/84, then 8–10 digits, spaces, dots or dashes allowed.
PHONE = re.compile(r"(?<![\w+])(?:\+84|84|0)(?:[\s.\-]?\d){8,10}(?!\d)")
OLD_ID = re.compile(r"(?<!\d)\d{9}(?!\d)")
# A number written in groups of digits separated by spaces, dots or dashes; masked when
# it has 9 to 12 digits (an ID card or personal number), unless it is an amount of money.
DIGIT_GROUPS = re.compile(r"(?<![\d.\-])\d+(?:[ .\-]\d+)+(?![\d]|[.\-]\d)")
MONEY_AFTER = re.compile(r"\s*(?:đ\b|đồng|vnđ|vnd)", re.IGNORECASE)
# How a Vietnamese text names a person by their given name (folded: without diacritics).
HONORIFICS = ("ong", "ba", "anh", "chi", "em", "co", "chu")


def _mask_digit_groups(text: str) -> str:
    def mask(match: re.Match) -> str:
        digits = re.sub(r"\D", "", match.group())
        if not 9 <= len(digits) <= 12 or MONEY_AFTER.match(text, match.end()):
            return match.group()
        if PHONE.fullmatch(match.group()):
            return match.group()  # a phone number: masked as such next
        return "*" * (len(digits) - 4) + digits[-4:]

    return DIGIT_GROUPS.sub(mask, text)


def _folded_chars(text: str) -> str:
    """``text`` (NFC) folded character by character: same length, so positions match."""
    out = []
    for ch in text:
        base = strip_diacritics(ch).lower()
        out.append(base if len(base) == 1 else ch.lower())
    return "".join(out)


def _replace_spans(text: str, spans: list[tuple[int, int, str]]) -> str:
    """Replace non-overlapping ``(start, end, by)`` spans of ``text`` (the first wins)."""
    taken: list[tuple[int, int, str]] = []
    for start, end, by in sorted(spans, key=lambda s: (s[0], -(s[1] - s[0]))):
        if taken and start < taken[-1][1]:
            continue
        taken.append((start, end, by))
    for start, end, by in reversed(taken):
        text = text[:start] + by + text[end:]
    return text


def _phrase_pattern(phrase: str) -> re.Pattern | None:
    words = fold(phrase).split()
    if not words:
        return None
    return re.compile(r"(?<!\w)" + r"[\s,.\-]+".join(map(re.escape, words)) + r"(?!\w)")


def _mask_phrases(text: str, phrases: dict[str, str], given_names: set[str]) -> str:
    """Mask each phrase (folded match) by its label, and ``<honorific> <Given>``."""
    folded = _folded_chars(text)
    spans = []
    for phrase, label in phrases.items():
        pattern = _phrase_pattern(phrase)
        if pattern:
            spans += [(m.start(), m.end(), label) for m in pattern.finditer(folded)]
    for given in given_names:
        pattern = re.compile(
            r"(?<!\w)(?:" + "|".join(HONORIFICS) + r")\s+(" + re.escape(given) + r")(?!\w)"
        )
        for match in pattern.finditer(folded):
            if text[match.start(1)].isupper():  # a name, not the word (“bà an toàn”)
                spans.append((match.start(1), match.end(1), _("[người gửi]")))
    return _replace_spans(text, spans)


def anonymise(
    text: str, names: list[str] | tuple[str, ...] = (), addresses: list[str] | tuple[str, ...] = ()
) -> str:
    """``text`` with personal numbers, phones, e-mails, the given ``names`` and
    ``addresses`` masked (text and names compared in NFC, without diacritics)."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text)
    text = EMAIL.sub(_("[thư điện tử đã ẩn]"), text)
    text = mask_personal_ids(text)
    text = _mask_digit_groups(text)
    text = PHONE.sub(_("[số điện thoại đã ẩn]"), text)
    text = OLD_ID.sub(lambda m: "*****" + m.group()[-4:], text)
    phrases: dict[str, str] = {}
    for address in addresses:
        address = unicodedata.normalize("NFC", (address or "").strip())
        if len(address) > 3:
            phrases[address] = _("[địa chỉ đã ẩn]")
            # The house number and street alone (the part before the first comma).
            street = address.split(",")[0].strip()
            if len(street) > 3 and any(ch.isdigit() for ch in street):
                phrases[street] = _("[địa chỉ đã ẩn]")
    given_names = set()
    for name in names:
        name = unicodedata.normalize("NFC", (name or "").strip())
        if len(name) > 2:
            phrases[name] = _("[người gửi]")
            words = fold(name).split()
            if len(words) > 1:
                given_names.add(words[-1])
    return _mask_phrases(text, phrases, given_names)
