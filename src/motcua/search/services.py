"""What the assistant learns from use: questions kept (numbers masked), rated, and attached.

An officer attaching the right procedure to a question adds a lexicon entry
(the question's meaningful words → the procedure's name, its code in the
note); attaching a situation adds the question's words as a phrase of that
situation. Both change what the next citizen gets, without code: the search
index and the situation matcher are rebuilt when the lexicon or the situations
change.
"""

from __future__ import annotations

import re

from django.db import transaction

from motcua.catalog.models import Procedure

from .folding import exact, fold
from .models import AssistantQuestion, LexiconEntry, Situation
from .reading import MAX_CHARS
from .situations import COMMON, LEARNED_NOTE

# Identity card, passport, phone and account numbers: any run of 8 digits or more
# (spaces and dots inside allowed) is personal, never kept.
_NUMBER = re.compile(r"(?<!\d)\d(?:[ .-]?\d){7,}(?!\d)")
LEARNED_WORDS = 12


def mask_numbers(text: str) -> str:
    """``text`` with every long number kept only as its last 2 digits."""
    return _NUMBER.sub(lambda m: "*" * 6 + re.sub(r"\D", "", m.group())[-2:], text)


def record_question(text: str, reply: dict) -> AssistantQuestion:
    """Keep a question and how the assistant answered it (long numbers masked)."""
    return AssistantQuestion.objects.create(
        text=mask_numbers(" ".join((text or "").split())[:MAX_CHARS]),
        kind=reply.get("kind", ""),
        confidence=float(reply.get("confidence") or 0.0),
        answer_codes=",".join(step["code"] for step in reply.get("plan") or [])[:255],
        answer_situation=((reply.get("situation") or {}).get("slug") or "")[:80],
    )


def question_pk(public_id) -> int | None:
    """The id of the recorded question whose public id is ``public_id`` (None if unknown)."""
    return (
        AssistantQuestion.objects.filter(public_id=public_id).values_list("pk", flat=True).first()
    )


def rate_question(question_id: int, helpful: bool) -> bool:
    """The citizen's verdict on the answer (useful or not); False when there is no such question."""
    return bool(AssistantQuestion.objects.filter(pk=question_id).update(helpful=helpful))


def refer_question(question_id: int) -> bool:
    """The citizen asks an officer to answer: the question joins the officers' list."""
    return bool(AssistantQuestion.objects.filter(pk=question_id).update(referred=True))


def learned_phrase(text: str) -> str:
    """The meaningful words of a question (diacritics kept, fillers dropped), ≤ 120 characters."""
    words = [w for w in exact(text).split() if fold(w) not in COMMON and not w.isdigit()]
    phrase = ""
    for word in words[:LEARNED_WORDS]:
        if len(phrase) + len(word) + 1 > 120:
            break
        phrase = f"{phrase} {word}" if phrase else word
    return phrase


@transaction.atomic
def attach(
    question: AssistantQuestion,
    *,
    procedure: Procedure | None = None,
    situation: Situation | None = None,
) -> AssistantQuestion:
    """Record the right answer to ``question`` and learn it for the next ones.

    A procedure becomes a lexicon entry (phrase → the procedure's name, the code
    in the note); a situation gets the question's words as one more phrase.
    Raises ``ValueError`` when neither is given or the question has no words to learn.
    """
    if procedure is None and situation is None:
        raise ValueError("attach needs a procedure or a situation")
    phrase = learned_phrase(question.text)
    if not phrase:
        raise ValueError("the question has no words to learn")
    if procedure is not None:
        name = procedure.current_version.name if procedure.current_version_id else procedure.code
        LexiconEntry.objects.update_or_create(
            phrase=phrase,
            defaults={
                "expansion": name[:255],
                "note": f"{LEARNED_NOTE} #{question.pk} [{procedure.code}]",
            },
        )
        question.resolved_procedure = procedure
    if situation is not None:
        if phrase not in situation.phrase_list():
            situation.phrases = "\n".join([*situation.phrase_list(), phrase])
            situation.save(update_fields=["phrases", "updated_at"])
        question.resolved_situation = situation
    question.learned = True
    question.save(update_fields=["resolved_procedure", "resolved_situation", "learned"])
    return question
