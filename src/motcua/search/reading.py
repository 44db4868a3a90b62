"""Reading a citizen's message: the whole of it, as Vietnamese, split into the parts that ask.

``read`` caps a message at a sane length (never at 200 characters), restores
the diacritics of unaccented text and normalises teencode (``restore``), then
keeps each word in two forms: as typed/restored (with diacritics) and folded.
A phrase matches a word exactly when both carry diacritics, and by the folded
form when either side is unaccented – so "để lại" never matches "đẻ", while
"karaoke" or a word the restorer left alone still matches.

The message is also cut into clauses (punctuation and joining words: "và",
"rồi", "với", …), each searched on its own, and ordered so the clauses that
state the need ("muốn", "cần", "làm sao", …) come first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .folding import exact, fold
from .restore import restore

MAX_CHARS = 2000
SEARCH_CHARS = 200

# Joining words that separate two needs in one sentence (folded).
JOINERS = frozenset({"va", "roi", "voi", "xong", "nhung", "sau do", "con nua", "dong thoi"})
# Words that mark the part of a message that says what the person wants (folded).
NEED_CUES = (
    "muon",
    "can",
    "xin",
    "lam sao",
    "the nao",
    "phai lam",
    "lam gi",
    "giay to gi",
    "thu tuc",
    "dang ky",
    "cap",
    "lam lai",
    "o dau",
    "hoi",
    "nhu the nao",
)
# Exact (restored) words that carry no need and that the search's folded
# lexicon would misread ("để" folds to "de", the everyday word for giving birth).
# Only words typed (or restored) with their diacritics: "còn" is noise, "con" is a child.
SEARCH_NOISE = frozenset(
    """để đã đó đấy ạ ơi nhé hả à ừ còn không gì nữa thế vậy rồi chưa đâu nào được
    cũng vẫn đang mình bạn hỏi giúp với""".split()
)
# When restoration is not available: an unaccented "de" before these words is "để".
_DE_BEFORE = frozenset({"lai", "cho", "danh", "xe", "y", "lam", "duoc", "biet", "nghi", "xem"})

_SPLIT = re.compile(r"[.,;:!?\n\r…()\[\]]+")


@dataclass(frozen=True)
class Word:
    exact: str
    folded: str

    @property
    def unaccented(self) -> bool:
        return self.exact == self.folded


@dataclass
class Reading:
    text: str  # the message as received (capped)
    restored: str
    words: list[Word]
    clauses: list[str] = field(default_factory=list)

    @property
    def folded(self) -> str:
        return " ".join(w.folded for w in self.words)


def words_of(text: str) -> list[Word]:
    """The words of ``text``: exact (lowercase NFC) and folded."""
    out = []
    for token in exact(text).split():
        out.append(Word(token, fold(token)))
    return out


def _guard_false_friends(words: list[Word]) -> list[Word]:
    out = list(words)
    for i, word in enumerate(out[:-1]):
        if word.exact == "de" and out[i + 1].folded in _DE_BEFORE:
            out[i] = Word("để", "de")
    return out


def _clauses(restored: str) -> list[str]:
    parts: list[str] = []
    for chunk in _SPLIT.split(restored):
        current: list[str] = []
        tokens = exact(chunk).split()
        i = 0
        while i < len(tokens):
            two = fold(" ".join(tokens[i : i + 2]))
            one = fold(tokens[i])
            if two in JOINERS and len(tokens[i : i + 2]) == 2:
                parts.append(" ".join(current))
                current, i = [], i + 2
            elif one in JOINERS:
                parts.append(" ".join(current))
                current, i = [], i + 1
            else:
                current.append(tokens[i])
                i += 1
        parts.append(" ".join(current))
    return [p for p in parts if p]


def need_weight(clause: str) -> int:
    folded = f" {fold(clause)} "
    return sum(1 for cue in NEED_CUES if f" {cue} " in folded)


def read(message: str) -> Reading:
    """The message, capped at ``MAX_CHARS``, restored, as words and clauses."""
    text = " ".join((message or "").split())[:MAX_CHARS]
    restored = restore(text) if text else ""
    words = _guard_false_friends(words_of(restored))
    restored = " ".join(w.exact for w in words) if words else ""
    reading = Reading(text=text, restored=restored, words=words)
    reading.clauses = _clauses(restore(text) if text else "")
    reading.clauses = [
        " ".join(w.exact for w in _guard_false_friends(words_of(c))) for c in reading.clauses
    ]
    return reading


def search_text(text: str) -> str:
    """``text`` without the words the search would misread, cut at a word under 200 chars."""
    kept = [w for w in text.split() if w not in SEARCH_NOISE]
    out = ""
    for word in kept:
        if len(out) + len(word) + 1 > SEARCH_CHARS:
            break
        out = f"{out} {word}" if out else word
    return out


def need_first(reading: Reading) -> str:
    """The clauses that state the need first, then the rest, as one search query."""
    ranked = sorted(
        enumerate(reading.clauses), key=lambda item: (-min(need_weight(item[1]), 1), item[0])
    )
    return search_text(" ".join(clause for _, clause in ranked))


def matches(words: list[Word], phrase: list[Word], start: int) -> bool:
    """Whether ``phrase`` occurs in ``words`` at ``start`` (exact, or folded when unaccented)."""
    if start + len(phrase) > len(words):
        return False
    for word, want in zip(words[start : start + len(phrase)], phrase, strict=True):
        if word.exact == want.exact:
            continue
        if word.folded == want.folded and (word.unaccented or want.unaccented):
            continue
        return False
    return True


def find(words: list[Word], phrase: list[Word]) -> bool:
    return bool(phrase) and any(matches(words, phrase, i) for i in range(len(words)))


def positions(words: list[Word], phrase: list[Word]) -> list[int]:
    """Where ``phrase`` starts in ``words``."""
    if not phrase:
        return []
    return [i for i in range(len(words)) if matches(words, phrase, i)]
