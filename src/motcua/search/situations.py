"""Life and business events ("sinh con", "mở quán karaoke") and matching a message to them.

The default set ships in ``data/situations.json`` (loaded by a data migration,
curated in the admin afterwards). ``match`` scores every active situation by
the phrases of it found in the message: a phrase is worth its number of words
(a single word 1.5), so "vừa đẻ" counts more than "đẻ" would; a long phrase
learned from a citizen's question (5 words or more) matches when most of its
words appear anywhere in the message. The matcher is cached in-process and
rebuilt when the situations or their steps change (a cheap fingerprint, as the
search index does).
"""

from __future__ import annotations

import json
import math
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from django.db.models import Count, Max, Q

from .models import LexiconEntry, Situation, SituationStep
from .reading import Reading, Word, positions, words_of

SITUATIONS_JSON = Path(__file__).resolve().parent / "data" / "situations.json"
LONG_PHRASE = 5
LONG_COVERAGE = 0.8
SINGLE_WORD_WEIGHT = 1.5
# A lexicon entry learned from a citizen's question carries its procedure code:
# "Học từ câu hỏi trợ lý ảo #12 [MC.HT.01]".
LEARNED_NOTE = "Học từ câu hỏi trợ lý ảo"
_LEARNED_CODE = re.compile(r"\[([^\]]+)\]\s*$")
# Words too common to count towards a learned long phrase's coverage (folded).
COMMON = frozenset(
    "toi tui minh em anh chi ban ong ba co chu bac thi la ma va voi cua de khi neu nao gi "
    "da se roi dang vua moi cung van nua a oi nhe nha vay lam can muon phai khong duoc the "
    "sao bao nhieu o dau cho hoi xin giup".split()
)


def packaged_situations() -> list[dict]:
    """The default situations: slug, name, description, ordered, phrases, steps."""
    return json.loads(SITUATIONS_JSON.read_text(encoding="utf-8"))


def load_situations(situation_model=Situation, step_model=SituationStep) -> int:
    """Create the packaged situations that do not exist yet (by slug); returns how many.

    Takes the models as arguments so the data migration can pass its historical ones.
    """
    existing = set(situation_model.objects.values_list("slug", flat=True))
    created = 0
    for order, row in enumerate(packaged_situations(), start=1):
        if row["slug"] in existing:
            continue
        situation = situation_model.objects.create(
            slug=row["slug"],
            name=row["name"],
            description=row["description"],
            ordered=row["ordered"],
            phrases="\n".join(row["phrases"]),
            order=order * 10,
        )
        step_model.objects.bulk_create(
            step_model(
                situation=situation,
                procedure_code=code,
                order=index * 10,
                why=why,
                produces=produces,
            )
            for index, (code, why, produces) in enumerate(row["steps"], start=1)
        )
        created += 1
    return created


@dataclass(frozen=True)
class Step:
    code: str
    why: str
    produces: str


@dataclass(frozen=True)
class Candidate:
    id: int
    slug: str
    name: str
    description: str
    ordered: bool
    steps: tuple[Step, ...]
    phrases: tuple[tuple[Word, ...], ...]


@dataclass(frozen=True)
class SituationMatch:
    situation: Candidate
    score: float
    phrases: tuple[str, ...]


def _content(words) -> set[str]:
    return {w.folded for w in words if w.folded not in COMMON}


def _phrase_value(phrase: tuple[Word, ...]) -> float:
    return SINGLE_WORD_WEIGHT if len(phrase) == 1 else float(len(phrase))


def _long_score(phrase: tuple[Word, ...], content: set[str]) -> float:
    wanted = _content(phrase)
    if not wanted:
        return 0.0
    coverage = len(wanted & content) / len(wanted)
    return 4.0 * coverage if coverage >= LONG_COVERAGE else 0.0


class Matcher:
    def __init__(
        self, candidates: list[Candidate], learned: list[tuple[tuple[Word, ...], str]] = ()
    ):
        self.candidates = candidates
        self.learned = list(learned)

    def learned_procedure(self, reading: Reading) -> str | None:
        """The procedure an officer attached to a question like this one, if any."""
        content = _content(reading.words)
        best, best_score = None, 0.0
        for phrase, code in self.learned:
            wanted = _content(phrase)
            if not wanted:
                continue
            # Its meaningful words, in any order (fillers were dropped when learned).
            score = len(wanted & content) / len(wanted)
            if score >= LONG_COVERAGE and score > best_score:
                best, best_score = code, score
        return best

    def match(self, reading: Reading) -> list[SituationMatch]:
        """The situations whose phrases the message contains, best first.

        Longer phrases are taken first; a phrase inside words another phrase of
        the same situation already covered ("công ty" in "lập công ty") adds nothing.
        """
        content = _content(reading.words)
        found = []
        for candidate in self.candidates:
            values, hits, covered = [], [], set()
            for phrase in sorted(candidate.phrases, key=len, reverse=True):
                if len(phrase) >= LONG_PHRASE:
                    value = _long_score(phrase, content)
                else:
                    value = 0.0
                    for start in positions(reading.words, list(phrase)):
                        span = set(range(start, start + len(phrase)))
                        if not span <= covered:
                            covered |= span
                            value = _phrase_value(phrase)
                            break
                if value:
                    values.append(value)
                    hits.append(" ".join(w.exact for w in phrase))
            # Diminishing returns: many phrases of one situation add up, slowly.
            score = sum(v * (0.6**i) for i, v in enumerate(sorted(values, reverse=True)))
            if score:
                found.append(SituationMatch(candidate, round(score, 3), tuple(hits)))
        found.sort(key=lambda m: (-m.score, m.situation.id))
        return found


def confidence(matches: list[SituationMatch]) -> float:
    """How sure the best situation is: its score, and its margin over the next one."""
    if not matches:
        return 0.0
    best = matches[0].score
    second = matches[1].score if len(matches) > 1 else 0.0
    margin = (best - second) / best
    return round((1 - math.exp(-best / 2.2)) * (0.75 + 0.25 * margin), 3)


class _State:
    lock = threading.Lock()
    matcher: Matcher | None = None
    fingerprint: tuple | None = None


def _fingerprint() -> tuple:
    situations = Situation.objects.aggregate(
        n=Count("id"),
        active=Count("id", filter=Q(active=True)),
        last=Max("updated_at"),
        top=Max("id"),
    )
    steps = SituationStep.objects.aggregate(n=Count("id"), last=Max("updated_at"), top=Max("id"))
    learned = LexiconEntry.objects.filter(note__startswith=LEARNED_NOTE).aggregate(
        n=Count("id"), last=Max("updated_at"), top=Max("id")
    )
    return (*situations.values(), *steps.values(), *learned.values())


def invalidate() -> None:
    with _State.lock:
        _State.matcher = None


def current_matcher() -> Matcher:
    """The matcher over the active situations as they are now."""
    fingerprint = _fingerprint()
    with _State.lock:
        if _State.matcher is not None and _State.fingerprint == fingerprint:
            return _State.matcher
    steps: dict[int, list[Step]] = {}
    for step in SituationStep.objects.order_by("order", "id"):
        steps.setdefault(step.situation_id, []).append(
            Step(step.procedure_code.strip(), step.why, step.produces)
        )
    candidates = [
        Candidate(
            id=s.id,
            slug=s.slug,
            name=s.name,
            description=s.description,
            ordered=s.ordered,
            steps=tuple(steps.get(s.id, ())),
            phrases=tuple(
                tuple(words) for words in (words_of(p) for p in s.phrase_list()) if words
            ),
        )
        for s in Situation.objects.filter(active=True).order_by("order", "id")
    ]
    learned = []
    for phrase, note in LexiconEntry.objects.filter(note__startswith=LEARNED_NOTE).values_list(
        "phrase", "note"
    ):
        found = _LEARNED_CODE.search(note)
        if found and words_of(phrase):
            learned.append((tuple(words_of(phrase)), found.group(1)))
    matcher = Matcher(candidates, learned)
    with _State.lock:
        _State.matcher, _State.fingerprint = matcher, fingerprint
    return matcher
