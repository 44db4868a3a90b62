"""The virtual assistant: a message in; a plan, a "did you mean" or an honest "I don't know" out.

One function, ``answer``, feeds the chat page and its JSON endpoint, so they
always say the same thing. It runs offline, in-process:

1. ``reading.read`` takes the whole message (up to 2,000 characters), restores
   its diacritics and cuts it into clauses.
2. Greetings and thanks get a greeting; small talk and questions outside public
   services (gold price, weather, football, …) a polite "I cannot help with this".
3. The situations (``situations.match``: life and business events and their
   phrases) are scored on the whole message; every clause, and the message with
   the clauses that state the need first, go through ``selectors.search``.
4. A confident situation gives its ordered plan (with the procedures a clause
   names that the situation does not hold appended); else a clearly best
   procedure gives a one-step plan; close candidates give alternatives; nothing
   clear gives "not understood" with three ways forward.

Every reply and every item carries a confidence between 0 and 1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext as _

from motcua.catalog.fees import quote
from motcua.catalog.models import ProcedureVersion

from . import situations as situation_module
from .folding import fold
from .index import STOPWORDS
from .reading import Reading, read, search_text
from .selectors import Hit, current_index, popular_procedures, search

# A situation is answered with its plan from this confidence up: one two-word
# event phrase ("vừa đẻ"), even when another situation scores the same (both
# then make the plan).
SITUATION_THRESHOLD = 0.44
# A single procedure is answered as a one-step plan from this confidence up…
PLAN_THRESHOLD = 0.5
# …and offered among alternatives from this one up; below, "not understood".
ALTERNATIVE_THRESHOLD = 0.2
# A clause names a procedure when its best hit is this sure.
NAMED_THRESHOLD = 0.45
# A procedure a clause names besides the situation's steps joins the plan from here.
EXTRA_THRESHOLD = 0.55
# A message with an off-topic cue is still answered when the rest of it names
# a procedure this clearly.
OFF_TOPIC_OVERRIDE = 0.8
# A second situation joins the plan when it scores this share of the first.
SECOND_SITUATION_SHARE = 0.45
# A name word or pair is distinctive when at most this share of procedure names hold it.
DISTINCTIVE_SHARE = 0.04
# Hits scoring this share of the best one are a near-tie the names may break.
NEAR_TIE = 0.9
MAX_CLAUSES = 8
MAX_ALTERNATIVES = 4

GREETINGS = ("xin chao", "chao", "hello", "helo", "hi", "alo", "a lo", "hey", "good morning")
THANKS = ("cam on", "thanks", "thank you", "thank", "tks", "thanks you")
# Words that may surround a greeting without making it a question (folded).
COURTESY = frozenset(
    "ban em anh chi ad admin tro ly ao oi a nhe nha minh nhieu bot buoi sang chieu toi "
    "co chu bac ong ba ah u vang da".split()
)
# Questions outside public services: small talk and everyday topics (folded phrases).
OUT_OF_SCOPE = (
    "gia vang",
    "vang sjc",
    "vang 9999",
    "ty gia",
    "gia usd",
    "gia do la",
    "bitcoin",
    "tien ao",
    "chung khoan",
    "co phieu",
    "gia xang",
    "thoi tiet",
    "du bao thoi tiet",
    "troi mua",
    "bong da",
    "ngoai hang anh",
    "world cup",
    "ket qua tran",
    "lich thi dau",
    "xo so",
    "xsmb",
    "so de",
    "cong thuc nau",
    "cach nau",
    "nau an",
    "mon an",
    "ga ran",
    "cach lam banh",
    "lam banh",
    "phim",
    "bai hat",
    "nghe nhac",
    "ca si",
    "game",
    "tu vi",
    "xem boi",
    "cung hoang dao",
    "nguoi yeu",
    "ban ten gi",
    "ten gi",
    "ban la ai",
    "may tuoi",
    "noi chuyen",
    "tam su",
    "ke chuyen",
    "ke chuyen cuoi",
    "lam tho",
    "giai toan",
    "bai tap",
    "dich sang tieng anh",
    "chatgpt",
    # Money and markets.
    "lai suat",
    "gui tiet kiem",
    "gia ca phe",
    "gia lua",
    "gia heo",
    "gia dien thoai",
    # Health advice (not the health procedures: those name a licence or a card).
    "uong thuoc gi",
    "dau dau",
    "dau bung",
    "bi sot",
    "sot nhe",
    "ho khan",
    "mat ngu",
    "giam can",
    "tang can",
    # Sport, games, entertainment.
    "ty so",
    "tran dau",
    "vo dich",
    "doi tuyen",
    "lien quan",
    "xem phim",
    "truyen cuoi",
    "chuyen cuoi",
    # Travel tips and shopping.
    "kinh nghiem du lich",
    "tu tuc",
    "an gi choi gi",
    "o dau ngon",
    "o dau re",
    "o dau dep",
    # Tech support.
    "wifi",
    "laptop",
    "man hinh",
    "cai win",
    # Love and chit-chat.
    "yeu em",
    "yeu anh",
    "ban gai",
    "ban trai",
    "het gian",
    "buon khong",
    "ai tao ra",
)


def _domain_vocabulary() -> tuple[frozenset[str], frozenset[str]]:
    """The words of public services: (single words, word pairs), folded.

    Pairs of adjacent words from the catalogue (every field the index holds),
    the lexicon (phrases and what they stand for) and the situations' phrases;
    single words only where the lexicon or a situation holds them alone
    ("cccd", "karaoke"). Pairs of two function words ("ở đâu") do not count.
    Cached on the search index and on the situation matcher, so it follows both.
    """
    index = current_index()
    matcher = situation_module.current_matcher()
    cached = getattr(index, "_domain", None)
    if cached is not None and cached[0] is matcher:
        return cached[1]
    common = situation_module.COMMON | STOPWORDS
    pairs = {term for term in index.postings if " " in term}
    singles: set[str] = set()

    def add(words: list[str]) -> None:
        if len(words) == 1:
            singles.add(words[0])
        pairs.update(f"{a} {b}" for a, b in zip(words, words[1:], strict=False))

    for words, expansion in index.lexicon:
        add(words)
        add(expansion)
    for candidate in matcher.candidates:
        for phrase in candidate.phrases:
            add([w.folded for w in phrase])
    vocabulary = (
        frozenset(singles - common),
        frozenset(p for p in pairs if not all(w in common for w in p.split())),
    )
    index._domain = (matcher, vocabulary)
    return vocabulary


def domain_terms(folded_words: list[str]) -> list[str]:
    """The public-service words and word pairs a message holds (folded)."""
    singles, pairs = _domain_vocabulary()
    found = [w for w in folded_words if w in singles]
    found += [
        f"{a} {b}"
        for a, b in zip(folded_words, folded_words[1:], strict=False)
        if f"{a} {b}" in pairs
    ]
    return found


def _distinctive_name_terms() -> dict[str, frozenset[str]]:
    """Each procedure's distinctive name words and word pairs (folded), by code.

    A word or pair counts when few procedure names hold it (at most
    ``DISTINCTIVE_SHARE`` of them, or two): "karaoke", "thai sản", "mai táng",
    not "đăng ký" or "giấy phép". Cached on the search index.
    """
    index = current_index()
    cached = getattr(index, "_distinctive", None)
    if cached is not None:
        return cached
    common = situation_module.COMMON | STOPWORDS
    named: list[tuple[str, set[str]]] = []
    counts: dict[str, int] = {}
    for doc in index.docs:
        words = fold(doc.name).split()
        terms = {w for w in words if w not in common and len(w) > 1}
        terms |= {
            f"{a} {b}"
            for a, b in zip(words, words[1:], strict=False)
            if not (a in common and b in common)
        }
        named.append((doc.code, terms))
        for term in terms:
            counts[term] = counts.get(term, 0) + 1
    limit = max(2, DISTINCTIVE_SHARE * len(index.docs))
    cached = {code: frozenset(t for t in terms if counts[t] <= limit) for code, terms in named}
    index._distinctive = cached
    return cached


def names_distinctly(code: str, folded_words: list[str]) -> bool:
    """Whether the message holds a distinctive word or pair of the procedure's name."""
    terms = _distinctive_name_terms().get(code)
    if not terms:
        return False
    found = set(folded_words) | {
        f"{a} {b}" for a, b in zip(folded_words, folded_words[1:], strict=False)
    }
    return not terms.isdisjoint(found)


def _by_distinct_name(hits: list[Hit], folded_words: list[str]) -> list[Hit]:
    """A near-tie is broken by the name the message holds.

    When the best hit's name has no distinctive word in the message and a hit
    scoring nearly as well (``NEAR_TIE``) has one ("thế chấp"), that one leads.
    """
    if len(hits) < 2 or names_distinctly(hits[0].code, folded_words):
        return hits
    for hit in hits[1:3]:
        if hit.score < NEAR_TIE * hits[0].score:
            break
        if names_distinctly(hit.code, folded_words):
            return [hit] + [h for h in hits if h.code != hit.code]
    return hits


@dataclass(frozen=True)
class Scored:
    hit: Hit
    confidence: float


def _procedure_confidence(hits: list[Hit]) -> float:
    """How sure a search's best hit is: its score and its margin over the second."""
    if not hits:
        return 0.0
    best = hits[0].score
    second = hits[1].score if len(hits) > 1 else 0.0
    margin = (best - second) / best if best else 0.0
    strength = 1 - math.exp(-best / 0.35)
    return round(strength * (0.45 + 0.55 * margin), 3)


def _has(folded: str, phrases) -> list[str]:
    padded = f" {folded} "
    return [p for p in phrases if f" {p} " in padded]


def _strip(folded_words: list[str], phrases) -> list[str]:
    text = f" {' '.join(folded_words)} "
    for phrase in sorted(phrases, key=len, reverse=True):
        while f" {phrase} " in text:
            text = text.replace(f" {phrase} ", " ")
    return text.split()


def _links(code: str) -> dict:
    return {
        "url": reverse("portal:procedure", args=[code]),
        "apply_url": reverse("portal:apply", args=[code]),
    }


def _names() -> dict[str, str]:
    """Published procedures by code: their current name (from the search index)."""
    index = current_index()
    cached = getattr(index, "_names_by_code", None)
    if cached is None:
        cached = {d.code: d.name for d in index.docs}
        index._names_by_code = cached
    return cached


def _details(code: str) -> dict | None:
    """The one procedure's documents, fee, time and authority (a one-step plan)."""
    version = (
        ProcedureVersion.objects.select_related("procedure")
        .prefetch_related("components")
        .filter(procedure__code=code, procedure__current_version__isnull=False)
        .filter(pk=F("procedure__current_version"))
        .first()
    )
    if version is None:
        return None
    fee = quote(version)
    return {
        "code": code,
        "name": version.name,
        **_links(code),
        "documents": [c.name for c in version.components.all()],
        "fee_vnd": fee.counter_vnd,
        "online_fee_vnd": fee.online_vnd,
        "processing_days": version.processing_days,
        "processing_time": version.processing_time_label,
        "authority": version.authority,
        "level": version.get_level_display(),
        "service_level": version.get_service_level_display(),
        "offered_online": version.is_offered_online,
        "result": version.result_name,
    }


def _reply(reading: Reading, kind: str, confidence: float, message: str) -> dict:
    return {
        "question": reading.text,
        "understood_as": reading.restored if reading.restored != reading.text.lower() else "",
        "kind": kind,
        "confidence": round(max(0.0, min(1.0, confidence)), 3),
        "message": message,
        "plan": [],
        "alternatives": [],
        "situation": None,
        "procedures": [],
        "suggestions": [],
        "situations": [],
    }


def life_events() -> list[dict]:
    return [
        {
            "slug": c.slug,
            "name": c.name,
            "url": f"{reverse('portal:assistant')}?tinh_huong={c.slug}",
        }
        for c in situation_module.current_matcher().candidates
    ]


def life_event_plans(limit: int | None = None) -> list[dict]:
    """The active life and business events with the published procedures each needs
    (in the situation's order): what the home page offers next to the search box."""
    names = _names()
    plans = []
    for c in situation_module.current_matcher().candidates:
        steps = [
            {"code": s.code, "name": names[s.code], "why": s.why, **_links(s.code)}
            for s in c.steps
            if s.code in names
        ]
        if steps:
            plans.append(
                {
                    "slug": c.slug,
                    "name": c.name,
                    "description": c.description,
                    "ordered": c.ordered,
                    "url": f"{reverse('portal:assistant')}?tinh_huong={c.slug}",
                    "steps": steps,
                }
            )
    return plans[:limit] if limit else plans


def _not_understood(reading: Reading, confidence: float, alternatives: list[dict]) -> dict:
    reply = _reply(
        reading,
        "not_understood",
        confidence,
        _(
            "Xin lỗi, tôi chưa hiểu rõ bạn cần làm gì. Bạn có thể: diễn đạt lại (ví dụ "
            "“vợ tôi vừa sinh con, cần làm giấy tờ gì?”), chọn một tình huống thường gặp "
            "bên dưới, hoặc gửi câu hỏi cho cán bộ trả lời."
        ),
    )
    reply["alternatives"] = alternatives
    reply["situations"] = life_events()
    reply["suggestions"] = [
        {"code": h.code, "name": h.name, **_links(h.code)} for h in popular_procedures()
    ]
    return reply


def _clause_hits(reading: Reading) -> list[Scored]:
    """Each clause's best procedure, when the clause names one clearly."""
    named: list[Scored] = []
    for clause in reading.clauses[:MAX_CLAUSES]:
        text = search_text(clause)
        if len(fold(text).split()) < 1:
            continue
        hits = search(text, limit=3).hits
        confidence = _procedure_confidence(hits)
        if hits and confidence >= NAMED_THRESHOLD:
            named.append(Scored(hits[0], confidence))
    return named


def _step(code: str, names: dict[str, str], why: str, produces: str, confidence: float) -> dict:
    return {
        "code": code,
        "name": names[code],
        **_links(code),
        "why": why,
        "produces": produces,
        "confidence": round(confidence, 3),
    }


def _situation_plan(
    matches, confidence: float, named: list[Scored], names: dict[str, str], ranked: list[str]
) -> tuple[list[dict], list[str]]:
    """The steps of the matched situation(s), then the procedures clauses named besides."""
    best = matches[0]
    chosen = [best] + [
        m for m in matches[1:3] if m.score >= SECOND_SITUATION_SHARE * best.score and m.score >= 2
    ]
    named_codes = [s.hit.code for s in named]
    named_conf = {s.hit.code: s.confidence for s in named}
    plan: list[dict] = []
    seen: set[str] = set()
    for match in chosen:
        steps = [s for s in match.situation.steps if s.code in names]
        if not match.situation.ordered:
            # The procedures the person named first, then the usual others.
            steps.sort(
                key=lambda s: (
                    named_codes.index(s.code) if s.code in named_codes else 99,
                    ranked.index(s.code) if s.code in ranked else 99,
                )
            )
        for step in steps:
            if step.code in seen:
                continue
            seen.add(step.code)
            step_conf = confidence if match is best else confidence * 0.8
            if step.code in named_conf:
                step_conf = max(step_conf, named_conf[step.code])
            elif not match.situation.ordered:
                step_conf *= 0.7
            plan.append(_step(step.code, names, step.why, step.produces, step_conf))
    for scored in named:
        if scored.confidence < EXTRA_THRESHOLD:
            continue
        if scored.hit.code not in seen and scored.hit.code in names:
            seen.add(scored.hit.code)
            plan.append(_step(scored.hit.code, names, "", "", scored.confidence))
    return plan, [m.situation.slug for m in chosen]


def _asked(hits: list[Hit], whole_confidence: float, named: list[Scored]) -> Scored | None:
    """The one procedure the message names most surely, if it names one.

    The whole message's best hit when it is sure enough, else the surest
    procedure a clause names clearly.
    """
    if hits and whole_confidence >= NAMED_THRESHOLD:
        return Scored(hits[0], whole_confidence)
    clear = [s for s in named if s.confidence >= EXTRA_THRESHOLD]
    return max(clear, key=lambda s: s.confidence) if clear else None


def _learned(reading: Reading) -> str | None:
    """A procedure an officer attached to a question like this one."""
    return situation_module.current_matcher().learned_procedure(reading)


def answer(question: str, situation: str | None = None) -> dict:
    """The assistant's reply to ``question`` as plain data (JSON-ready).

    ``kind`` is ``plan`` (the procedures needed, in order; ``situation`` when a
    life event was recognised), ``alternatives`` ("did you mean"),
    ``not_understood`` (rephrase, browse by situation, ask an officer),
    ``greeting`` or ``out_of_scope``. ``situation`` (a slug) asks for one
    situation's plan directly (browsing by life event). Never raises on user input.
    """
    reading = read(question)
    matcher = situation_module.current_matcher()
    names = _names()
    if situation:
        candidate = next((c for c in matcher.candidates if c.slug == situation), None)
        if candidate is not None:
            return _plan_reply(reading, candidate, 1.0, [], names, [candidate.slug])
    folded_words = [w.folded for w in reading.words]
    if not folded_words:
        return _not_understood(reading, 0.0, [])
    folded = " ".join(folded_words)
    rest = [w for w in _strip(folded_words, GREETINGS + THANKS) if w not in COURTESY]
    if not rest and (_has(folded, GREETINGS) or _has(folded, THANKS)):
        thanks = bool(_has(folded, THANKS))
        return _reply(
            reading,
            "greeting",
            1.0,
            _("Rất vui được giúp bạn. Bạn cần hỏi thêm thủ tục nào không?")
            if thanks
            else _(
                "Xin chào! Tôi là trợ lý ảo dịch vụ công. Hãy kể việc bạn cần làm, ví dụ "
                "“vợ tôi vừa sinh con” hoặc “tôi bị mất căn cước”."
            ),
        )

    matches = matcher.match(reading)
    situation_confidence = situation_module.confidence(matches)
    named = _clause_hits(reading)
    whole = search(search_text(" ".join(reading.clauses)) if reading.clauses else "", limit=10)
    hits = _by_distinct_name(whole.hits, folded_words)
    whole_confidence = _procedure_confidence(hits)
    learned = _learned(reading)
    off_topic = _has(folded, OUT_OF_SCOPE)

    if learned and learned in names:
        hits = [Hit(learned, names[learned], 1.0, 0)] + [h for h in hits if h.code != learned]
        whole_confidence = max(whole_confidence, 0.9)
        if not any(s.hit.code == learned for s in named):
            named.insert(0, Scored(hits[0], 0.9))
    if off_topic and not learned:
        # What is left once the off-topic words are gone must stand on its own:
        # a situation or a procedure named there, not in the off-topic words.
        # One stray public-service word ("cưới" in "áo dài cưới") is not enough.
        rest_words = _strip(folded_words, off_topic)
        remainder = " ".join(rest_words)
        left = left_situation = 0.0
        if len(domain_terms(rest_words)) >= 2:
            left = _procedure_confidence(search(search_text(remainder), limit=3).hits)
            left_situation = situation_module.confidence(matcher.match(read(remainder)))
        off_topic = left_situation < SITUATION_THRESHOLD and left < OFF_TOPIC_OVERRIDE
    if off_topic:
        return _reply(
            reading,
            "out_of_scope",
            0.9,
            _(
                "Tôi chưa thể giúp việc này: tôi chỉ trả lời về thủ tục hành chính và dịch vụ "
                "công. Bạn có thể hỏi, ví dụ, “làm lại căn cước” hoặc “đăng ký kết hôn”."
            ),
        )
    if not learned and not matches and not domain_terms(folded_words):
        # Not one word of public services: whatever the search makes of it is noise.
        return _not_understood(reading, min(whole_confidence, ALTERNATIVE_THRESHOLD), [])
    asked = _asked(hits, whole_confidence, named)
    if matches and situation_confidence >= SITUATION_THRESHOLD:
        ranked = [h.code for h in hits]
        # Equal scores: the situation that holds the best single procedure first.
        matches.sort(
            key=lambda m: (-m.score, not any(s.code in ranked[:1] for s in m.situation.steps))
        )
        plan, slugs = _situation_plan(matches, situation_confidence, named, names, ranked)
        steps = {st.code for m in matches if m.situation.slug in slugs for st in m.situation.steps}
        in_situation = asked is not None and asked.hit.code in steps
        # One short phrase ("mua nhà", "sổ đỏ") is weak evidence of a situation.
        only = matches[0].phrases
        weak = len(only) == 1 and len(only[0].split()) <= 2
        if (
            asked is not None
            and not in_situation
            and weak
            and asked.confidence >= situation_confidence
        ):
            # The message names a procedure outside the situation more surely than
            # its one situation phrase tells the situation: answer that procedure (below).
            plan = []
        elif asked is not None and asked.hit.code in names:
            # The procedure the message names is what the person asked first: one
            # of the situation's steps when a clause names it or it is named as
            # surely as the situation (not merely what a life story suggests);
            # another one when clear, or against one weak situation phrase.
            first = next((st for st in plan if st["code"] == asked.hit.code), None)
            by_name = names_distinctly(asked.hit.code, folded_words) and any(
                s.hit.code == asked.hit.code for s in named
            )
            if first is None and (asked.confidence >= EXTRA_THRESHOLD or weak):
                first = _step(asked.hit.code, names, "", "", asked.confidence)
            elif in_situation and asked.confidence < situation_confidence and not by_name:
                first = None
            if first is not None:
                plan = [first] + [st for st in plan if st["code"] != asked.hit.code]
        if plan:
            candidate = matches[0].situation
            return _plan_reply(reading, candidate, situation_confidence, plan, names, slugs)

    strong = [s for s in named if s.confidence >= PLAN_THRESHOLD]
    distinct = list(dict.fromkeys(s.hit.code for s in strong))
    if len(distinct) > 1:
        # Several needs in one message, no known situation: each named procedure, in order.
        best = {}
        if asked is not None and asked.hit.code in distinct:
            # The procedure the whole message names most surely comes first.
            best[asked.hit.code] = max(s.confidence for s in strong if s.hit.code == asked.hit.code)
        for scored in strong:
            best.setdefault(scored.hit.code, scored.confidence)
        plan = [_step(code, names, "", "", conf) for code, conf in best.items()]
        reply = _reply(
            reading,
            "plan",
            min(s["confidence"] for s in plan),
            _("Bạn cần các thủ tục sau, theo thứ tự bạn nêu:"),
        )
        reply["plan"] = plan
        return reply
    if asked is not None and hits and asked.hit.code != hits[0].code:
        hits = [asked.hit] + [h for h in hits if h.code != asked.hit.code]
        whole_confidence = max(whole_confidence, asked.confidence)
    if hits and whole_confidence >= PLAN_THRESHOLD:
        top = hits[0]
        reply = _reply(
            reading,
            "plan",
            whole_confidence,
            _("Thủ tục phù hợp nhất với câu hỏi của bạn là: %(name)s.") % {"name": top.name},
        )
        reply["plan"] = [_step(top.code, names, "", "", whole_confidence)]
        details = _details(top.code)
        reply["procedures"] = [details] if details else []
        reply["alternatives"] = _alternatives(hits[1:], top.score)
        return reply
    if hits:
        confidence = max(whole_confidence, 0.0)
        if confidence >= ALTERNATIVE_THRESHOLD or (
            matches and situation_confidence >= ALTERNATIVE_THRESHOLD
        ):
            reply = _reply(
                reading,
                "alternatives",
                max(confidence, situation_confidence),
                _("Có phải bạn muốn tìm một trong các thủ tục dưới đây?"),
            )
            reply["alternatives"] = _alternatives(hits, hits[0].score, first_conf=confidence)
            return reply
    if _has(folded, OUT_OF_SCOPE):
        return _reply(
            reading,
            "out_of_scope",
            0.7,
            _(
                "Tôi chưa thể giúp việc này: tôi chỉ trả lời về thủ tục hành chính và dịch vụ "
                "công. Bạn có thể hỏi, ví dụ, “làm lại căn cước” hoặc “đăng ký kết hôn”."
            ),
        )
    return _not_understood(
        reading,
        max(whole_confidence, situation_confidence),
        _alternatives(hits, hits[0].score) if hits else [],
    )


def _alternatives(hits: list[Hit], top_score: float, first_conf: float | None = None) -> list[dict]:
    out = []
    for i, hit in enumerate(hits[:MAX_ALTERNATIVES]):
        ratio = hit.score / top_score if top_score else 0.0
        conf = first_conf if (i == 0 and first_conf is not None) else 0.6 * ratio * (1 - 0.15 * i)
        out.append(
            {"code": hit.code, "name": hit.name, **_links(hit.code), "confidence": round(conf, 3)}
        )
    return out


def _plan_reply(reading, candidate, confidence, plan, names, slugs) -> dict:
    if not plan:
        plan = [
            _step(s.code, names, s.why, s.produces, confidence)
            for s in candidate.steps
            if s.code in names
        ]
    reply = _reply(
        reading,
        "plan",
        confidence,
        (
            _("Tình huống “%(name)s”: bạn cần làm các thủ tục sau, theo thứ tự.")
            if candidate.ordered
            else _("Tình huống “%(name)s”: đây là các thủ tục thường cần; hãy chọn việc của bạn.")
        )
        % {"name": candidate.name},
    )
    if candidate.description:
        reply["message"] = f"{reply['message']} {candidate.description}"
    reply["plan"] = plan
    reply["situation"] = {"slug": candidate.slug, "name": candidate.name}
    reply["also"] = [slug for slug in slugs if slug != candidate.slug]
    return reply
