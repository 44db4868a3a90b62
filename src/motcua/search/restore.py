"""Read a message as Vietnamese: put back the diacritics people leave out, and find its words.

People write to the assistant without accents ("vo e vua de thang cu o bv huyen"), in
teencode ("ko", "dc", "vk", "ck") and in regional words ("tui", "hổng", "mần"). Folding
everything to plain letters loses the difference between "để lại" (leave behind) and
"đẻ" (give birth). ``restore`` puts the most likely diacritics back using the context:

* a **syllable table** maps each unaccented syllable to the accented forms seen in the
  texts MotCua has – the catalogue (procedure names, components, results, provinces), the search
  lexicon, the labels of the forms library, the situations when they ship as data, and
  two curated lists of everyday words and sentences (``data/vi_words.txt``,
  ``data/vi_phrases.txt``);
* a **syllable bigram model** learned from the same texts (Witten-Bell smoothing
  towards the unigram) scores which accented form follows which;
* **Viterbi** picks the best sequence of forms for the whole message, so "de" becomes
  "đẻ" after "vừa" and "để" before "lại";
* **teencode and regional words** (``data/teencode.csv``) enter the same lattice as
  alternatives ("dk" may be "đăng ký" or "được": the context decides).

Syllables the user typed with diacritics are kept as typed and serve as context. Words
the model does not know (names, numbers, "sjc") are kept and break the context. The model
is built once per process from packaged files only (no database, nothing downloaded), so
it is deterministic; a 400-character message takes well under 2 ms.

``tokens`` segments the restored message into words (longest match over the known
multi-syllable words), which is what a packaged Vietnamese tokenizer would give for this
vocabulary without its dependencies (pyvi needs scikit-learn and pickled models;
underthesea downloads its models at run time).
"""

from __future__ import annotations

import csv
import json
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

from django.conf import settings

from motcua.lib.text import fold, strip_diacritics

__all__ = ["Model", "build_model", "default_model", "restore", "tokens"]

DATA = Path(__file__).resolve().parent / "data"
# The forms library's texts (labels, titles, choices), read as package data of catalog.
FORMS = Path(str(files("motcua.catalog").joinpath("data", "forms")))

# How much one occurrence of a text counts, by source: the curated sentences are the
# only place where everyday syllables meet each other, so they weigh the most.
WEIGHTS = {"catalogue": 1, "forms": 1, "lexicon": 2, "words": 2, "phrases": 4, "situations": 2}
# Witten-Bell weight of the unigram in the bigram, per distinct follower of a syllable.
PRIOR = 2.0
# At most this many accented forms per unaccented syllable (the most frequent).
MAX_FORMS = 8
# Longest word (in syllables) ``tokens`` looks for.
MAX_WORD = 4

_WORD = re.compile(r"\w+", re.UNICODE)
# Punctuation that ends a sentence or a clause: no context is carried across it (the
# corpus is learned in the same pieces).
_SENTENCE_END = re.compile(r"[.,:!?;()\n]")
# Punctuation that splits a text of the corpus into segments learned separately.
_SEGMENT = re.compile(r"[.,;:!?()\[\]|/\n\"“”–\-]+")
_AGE = re.compile(r"^(\d+)t$")


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text or "")


def _has_marks(syllable: str) -> bool:
    return strip_diacritics(syllable) != syllable


# --- The texts the model learns from ------------------------------------------------


def _lines(path: Path) -> Iterator[str]:
    if not path.exists():
        return
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            yield line


def _csv_rows(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _strings(value: object) -> Iterator[str]:
    """Every string with Vietnamese diacritics inside a JSON value (labels, titles, choices)."""
    if isinstance(value, str):
        if _has_marks(value):
            yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _catalogue_texts() -> Iterator[str]:
    path = Path(settings.MOTCUA_SHARED_DATA_DIR) / "procedures.csv"
    for row in _csv_rows(path):
        for key in ("name", "sector", "authority", "partial_reason"):
            if row.get(key):
                yield row[key]
        for key in ("components", "result"):
            yield from re.split(r"[|;]", row.get(key) or "")
    for row in _csv_rows(Path(settings.MOTCUA_SHARED_DATA_DIR) / "provinces.csv"):
        yield from (value for value in row.values() if value and _has_marks(value))


def _forms_texts() -> Iterator[str]:
    for path in sorted(FORMS.glob("*.json")):
        yield from _strings(json.loads(path.read_text(encoding="utf-8")))


def _lexicon_texts() -> Iterator[str]:
    for row in _csv_rows(DATA / "lexicon.csv"):
        yield row.get("phrase") or ""
        yield row.get("expansion") or ""


def _situation_texts() -> Iterator[str]:
    """The situations, when they ship as data files beside the lexicon."""
    for path in sorted(DATA.glob("situations*.json")):
        yield from _strings(json.loads(path.read_text(encoding="utf-8")))
    for path in sorted(DATA.glob("situations*.csv")):
        for row in _csv_rows(path):
            yield from (value for value in row.values() if value and _has_marks(value))


def teencode() -> dict[str, tuple[str, ...]]:
    """Teencode and regional words: short form → what it may stand for (most likely first)."""
    table: dict[str, tuple[str, ...]] = {}
    for row in _csv_rows(DATA / "teencode.csv"):
        short = _nfc(row.get("short", "")).strip().lower()
        full = tuple(_nfc(option).strip() for option in (row.get("full") or "").split("|"))
        if short and any(full):
            table[short] = tuple(option for option in full if option)
    return table


def packaged_corpus() -> list[tuple[str, str]]:
    """(source, text) pairs of every packaged text the model learns from."""
    corpus: list[tuple[str, str]] = []
    corpus += [("catalogue", text) for text in _catalogue_texts()]
    corpus += [("forms", text) for text in _forms_texts()]
    corpus += [("lexicon", text) for text in _lexicon_texts()]
    corpus += [("situations", text) for text in _situation_texts()]
    corpus += [("words", text) for text in _lines(DATA / "vi_words.txt")]
    corpus += [("phrases", text) for text in _lines(DATA / "vi_phrases.txt")]
    for options in teencode().values():
        corpus += [("words", option) for option in options]
    return corpus


# --- The model ----------------------------------------------------------------------


@dataclass
class Model:
    """Syllable table, unigram and bigram log-probabilities, and the word list."""

    forms: dict[str, tuple[str, ...]]
    unigram: dict[str, float]
    bigram: dict[tuple[str, str], float]
    backoff: dict[str, float]
    floor: float
    words: frozenset[str]
    shortcuts: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def transition(self, previous: str | None, syllable: str) -> float:
        """log P(syllable | previous); the unigram when there is no context."""
        unigram = self.unigram.get(syllable, self.floor)
        if previous is None:
            return unigram
        seen = self.bigram.get((previous, syllable))
        if seen is not None:
            return seen
        return self.backoff.get(previous, 0.0) + unigram

    def inside(self, option: tuple[str, ...]) -> float:
        """The score of a multi-syllable option's own syllables after its first."""
        return sum(self.transition(a, b) for a, b in zip(option, option[1:], strict=False))


def _segments(text: str) -> Iterator[list[str]]:
    for segment in _SEGMENT.split(_nfc(text).lower()):
        syllables = [s for s in _WORD.findall(segment) if not s.isdigit() and s != "_"]
        if syllables:
            yield syllables


def build_model(corpus: Iterable[tuple[str, str]]) -> Model:
    """Learn the syllable table and the bigram model from (source, text) pairs."""
    unigrams: Counter[str] = Counter()
    bigrams: Counter[tuple[str, str]] = Counter()
    words: set[str] = set()
    for source, text in corpus:
        weight = WEIGHTS.get(source, 1)
        for syllables in _segments(text):
            for syllable in syllables:
                unigrams[syllable] += weight
            for pair in zip(syllables, syllables[1:], strict=False):
                bigrams[pair] += weight
            if source in ("words", "lexicon") and 1 < len(syllables) <= MAX_WORD:
                words.add(" ".join(syllables))
    total = sum(unigrams.values()) or 1
    vocabulary = len(unigrams) or 1
    smoothing = 0.5
    unigram = {
        s: math.log((count + smoothing) / (total + smoothing * vocabulary))
        for s, count in unigrams.items()
    }
    floor = math.log(smoothing / (total + smoothing * vocabulary)) - 2.0
    # Witten-Bell: a syllable followed by many different syllables leaves more room
    # for a follower never seen than one always followed by the same.
    followers: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    for (a, _b), count in bigrams.items():
        followers[a] += count
        kinds[a] += 1
    room = {a: PRIOR * kinds[a] for a in followers}
    bigram = {
        (a, b): math.log((count + room[a] * math.exp(unigram[b])) / (followers[a] + room[a]))
        for (a, b), count in bigrams.items()
    }
    backoff = {a: math.log(room[a] / (followers[a] + room[a])) for a in followers}
    by_fold: dict[str, Counter[str]] = {}
    for syllable, count in unigrams.items():
        by_fold.setdefault(fold(syllable), Counter())[syllable] += count
    forms = {
        key: tuple(form for form, _n in counts.most_common(MAX_FORMS))
        for key, counts in by_fold.items()
        if key
    }
    return Model(
        forms=forms,
        unigram=unigram,
        bigram=bigram,
        backoff=backoff,
        floor=floor,
        words=frozenset(words),
        shortcuts=teencode(),
    )


@lru_cache(maxsize=1)
def default_model() -> Model:
    """The model learned from the packaged texts, built once per process."""
    return build_model(packaged_corpus())


# --- Restoration --------------------------------------------------------------------


@dataclass
class _Slot:
    """One word of the message and the forms it may take (each a tuple of syllables)."""

    start: int
    end: int
    original: str
    options: list[tuple[str, ...]]
    known: bool  # False: not in the model, kept as typed and breaking the context
    expanded: bool = False  # a teencode / regional word replaced by its full form
    breaks_before: bool = False


def _options(word: str, model: Model) -> tuple[list[tuple[str, ...]], bool, bool]:
    lower = word.lower()
    age = _AGE.match(lower)
    if age:
        return [(age.group(1), "tuổi")], False, True
    short = model.shortcuts.get(lower)
    if short and not (word.isupper() and len(word) <= 2):
        options = [tuple(option.lower().split()) for option in short]
        return options, True, True
    if _has_marks(lower):
        return [(lower,)], lower in model.unigram, False
    forms = model.forms.get(lower)
    if not forms or (word.isupper() and len(word) <= 2):
        return [(lower,)], False, False
    return [(form,) for form in forms], True, False


def _slots(text: str, model: Model) -> list[_Slot]:
    slots: list[_Slot] = []
    last = 0
    for match in _WORD.finditer(text):
        options, known, expanded = _options(match.group(), model)
        slot = _Slot(match.start(), match.end(), match.group(), options, known, expanded)
        slot.breaks_before = bool(_SENTENCE_END.search(text, last, match.start()))
        slots.append(slot)
        last = match.end()
    return slots


def _viterbi(slots: list[_Slot], model: Model) -> list[tuple[str, ...]]:
    chosen: list[tuple[str, ...]] = []
    # One lattice per run of known words; unknown words and sentence ends cut it.
    run: list[_Slot] = []

    def flush() -> None:
        if not run:
            return
        scores = [
            model.transition(None, option[0]) + model.inside(option) for option in run[0].options
        ]
        back: list[list[int]] = []
        for slot in run[1:]:
            new_scores, pointers = [], []
            for option in slot.options:
                own = model.inside(option)
                best, best_i = -math.inf, 0
                for i, previous in enumerate(run[len(back)].options):
                    score = scores[i] + model.transition(previous[-1], option[0])
                    if score > best:
                        best, best_i = score, i
                new_scores.append(best + own)
                pointers.append(best_i)
            scores = new_scores
            back.append(pointers)
        i = max(range(len(scores)), key=scores.__getitem__)
        picks = [i]
        for pointers in reversed(back):
            i = pointers[i]
            picks.append(i)
        picks.reverse()
        chosen.extend(slot.options[pick] for slot, pick in zip(run, picks, strict=True))
        run.clear()

    for slot in slots:
        if not slot.known or slot.breaks_before:
            flush()
        if slot.known:
            run.append(slot)
        else:
            chosen.append(slot.options[0])
    flush()
    return chosen


def _cased(slot: _Slot, syllables: tuple[str, ...]) -> str:
    text = " ".join(syllables)
    if slot.expanded:
        return text
    if slot.original.isupper() and len(slot.original) > 1:
        return text.upper()
    if slot.original[:1].isupper():
        return text[:1].upper() + text[1:]
    return text


def restore(text: str, model: Model | None = None) -> str:
    """``text`` with its likely diacritics restored and teencode spelled out.

    Punctuation and spacing are kept; words typed with diacritics are kept as typed;
    words the model does not know are kept unchanged.
    """
    text = _nfc(text)
    model = model or default_model()
    slots = _slots(text, model)
    if not slots:
        return text
    pieces: list[str] = []
    last = 0
    for slot, syllables in zip(slots, _viterbi(slots, model), strict=True):
        pieces.append(text[last : slot.start])
        pieces.append(_cased(slot, syllables))
        last = slot.end
    pieces.append(text[last:])
    return "".join(pieces)


def tokens(text: str, model: Model | None = None) -> list[str]:
    """The words of ``text`` once restored, lowercase; known multi-syllable words kept
    together ("bệnh viện", "nhập khẩu"), by longest match."""
    model = model or default_model()
    words: list[str] = []
    for segment in _SEGMENT.split(restore(text, model).lower()):
        syllables = _WORD.findall(segment)
        i = 0
        while i < len(syllables):
            for size in range(min(MAX_WORD, len(syllables) - i), 0, -1):
                candidate = " ".join(syllables[i : i + size])
                if size == 1 or candidate in model.words:
                    words.append(candidate)
                    i += size
                    break
    return words
