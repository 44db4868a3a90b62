"""An in-process index of the published catalogue, and the ranking.

Why in-process rather than the database's text search: the hard part of this
search is Vietnamese-specific (folding đ, the lexicon, typo correction against
our own vocabulary, syllable bigrams), and it must rank identically on SQLite
and PostgreSQL. The index for thousands of procedures is a few megabytes and
answers in milliseconds (see ``bench/bench_search.py``, which measures it
against a BM25 baseline in the same run).

Ranking, per document: for every query term (folded syllables and adjacent
syllable pairs, after lexicon expansion and typo correction) the term's IDF
times the weight of the strongest field that contains it (name > result >
sector > components > authority), normalised by the query's maximum; then
small bonuses for covering the whole name (short, exact names win over long
ones that merely contain them), for exact-diacritics matches, and for
popularity.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

from .folding import exact, fold

FIELD_WEIGHTS = {"name": 3.0, "result": 1.6, "sector": 1.2, "components": 1.0, "authority": 0.6}
BIGRAM_FACTOR = 1.5
OTHER_FIELD_SHARE = 0.2
NAME_COVERAGE_BONUS = 0.4
EXACT_BONUS = 0.05
POPULARITY_BONUS = 0.04
MIN_SCORE = 0.12

# Everyday words that carry no meaning for finding a procedure: they are known
# (so never "corrected" into a catalogue word) and never scored. Only words
# whose folded form is not also a catalogue syllable belong here.
STOPWORDS = frozenset(
    fold(word)
    for word in """
    tôi tui tao ta chúng em anh bác ông bà
    thì là với của cho để khi nếu nào gì nhiêu ở ra
    phải muốn bị không chưa đã sẽ rồi hả ạ ơi nhé vậy
    làm xin cách như những các này đó kia đi về nữa cũng vẫn thêm hay hoặc lâu
    """.split()
)
# Words that are noise when typed with their diacritics but whose folded form
# is a catalogue syllable ("cần" vs "căn", "được" vs "dược", "sao" in "bản sao").
EXACT_STOPWORDS = frozenset(
    word
    for word in """cần được đang thế đâu hỏi mình bạn chị chú cô có tại mà""".split()
    if word != fold(word)
)
# Multi-word question phrases, folded, removed before anything else.
STOP_PHRASES = [
    p.split()
    for p in (
        "nhu the nao",
        "the nao",
        "lam sao",
        "bao nhieu",
        "bao lau",
        "mat bao lau",
        "o dau",
        "thu tuc",
        "ho so",
        "giay to gi",
        "can gi",
        "can nhung gi",
        "phai lam gi",
    )
]
STOP_PHRASES.sort(key=len, reverse=True)
# Words people use that are not stopwords but need no correction either.
KNOWN = frozenset({"con", "nha", "moi", "sinh", "can", "mat", "sao", "dau", "minh"})


@dataclass
class Doc:
    code: str
    name: str
    version_id: int
    sector_id: int
    level: str
    agency_ids: frozenset[int]
    name_terms: frozenset[str]
    exact_name_words: frozenset[str]
    popularity: float = 0.0


@dataclass
class QueryPlan:
    """What the query became: its weighted terms and the exact words typed."""

    terms: dict[str, float] = field(default_factory=dict)
    # Weight of a word that came from a lexicon expansion: a long official
    # phrase stands for two everyday words, so it must not outweigh the rest
    # of the query.

    unigrams: list[str] = field(default_factory=list)
    exact_words: set[str] = field(default_factory=set)
    corrections: dict[str, str] = field(default_factory=dict)
    expansions: list[str] = field(default_factory=list)


def _terms(words: list[str]) -> list[str]:
    """Syllables and adjacent syllable pairs ("khai", "sinh", "khai sinh")."""
    return words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]


def _drop_phrases(words: list[str], phrases: list[list[str]]) -> list[str]:
    out, i = [], 0
    while i < len(words):
        for phrase in phrases:
            if words[i : i + len(phrase)] == phrase:
                i += len(phrase)
                break
        else:
            out.append(words[i])
            i += 1
    return out


class SearchIndex:
    """Inverted index over folded terms; build once, query many times."""

    def __init__(self, records: Iterable[dict], lexicon: Iterable[tuple[str, str]]):
        self.docs: list[Doc] = []
        postings: dict[str, dict[int, float]] = defaultdict(dict)
        for i, record in enumerate(records):
            name_words = fold(record["name"]).split()
            self.docs.append(
                Doc(
                    code=record["code"],
                    name=record["name"],
                    version_id=record["version_id"],
                    sector_id=record["sector_id"],
                    level=record["level"],
                    agency_ids=frozenset(record.get("agency_ids") or ()),
                    name_terms=frozenset(name_words),
                    exact_name_words=frozenset(exact(record["name"]).split()),
                    popularity=record.get("popularity", 0),
                )
            )
            for field_name, weight in FIELD_WEIGHTS.items():
                values = record[field_name]
                if isinstance(values, str):
                    values = [values]
                found = {t for value in values for t in _terms(fold(value).split())}
                for term in found:
                    # The strongest field counts fully, every other one a little.
                    old = postings[term].get(i, 0.0)
                    postings[term][i] = max(old, weight) + OTHER_FIELD_SHARE * min(old, weight)
        self.postings = dict(postings)
        n = max(len(self.docs), 1)
        self.arrays = {
            term: (
                np.fromiter(p.keys(), dtype=np.int32, count=len(p)),
                np.fromiter(p.values(), dtype=np.float32, count=len(p)),
            )
            for term, p in self.postings.items()
        }
        name_index: dict[str, list[int]] = defaultdict(list)
        exact_index: dict[str, list[int]] = defaultdict(list)
        for i, doc in enumerate(self.docs):
            for word in doc.name_terms:
                name_index[word].append(i)
            for word in doc.exact_name_words:
                exact_index[word].append(i)
        self.name_index = {w: np.array(ix, dtype=np.int32) for w, ix in name_index.items()}
        self.exact_index = {w: np.array(ix, dtype=np.int32) for w, ix in exact_index.items()}
        self.name_lengths = np.array([max(len(d.name_terms), 1) for d in self.docs], np.float32)
        self.sector_ids = np.array([d.sector_id for d in self.docs], dtype=np.int64)
        self.levels = np.array([d.level for d in self.docs], dtype=object)
        agencies: dict[int, list[int]] = defaultdict(list)
        for i, doc in enumerate(self.docs):
            for agency_id in doc.agency_ids:
                agencies[agency_id].append(i)
        self.agency_index = {a: np.array(ix, dtype=np.int32) for a, ix in agencies.items()}
        self.idf = {
            term: math.log(1 + (n - len(p) + 0.5) / (len(p) + 0.5))
            for term, p in self.postings.items()
        }
        # Longest phrases first, so "sang tên sổ đỏ" wins over "sổ đỏ".
        self.lexicon: list[tuple[list[str], list[str]]] = sorted(
            (
                (fold(phrase).split(), fold(expansion).split())
                for phrase, expansion in lexicon
                if fold(phrase) and fold(expansion)
            ),
            key=lambda entry: -len(entry[0]),
        )
        self.lexicon_first = {words[0] for words, _ in self.lexicon}
        vocabulary = {t for t in self.postings if " " not in t}
        vocabulary |= {w for words, _ in self.lexicon for w in words}
        self.vocabulary = vocabulary | STOPWORDS | KNOWN
        self.fuzzy_choices = sorted(w for w in vocabulary if len(w) >= 3)
        max_pop = max((d.popularity for d in self.docs), default=0)
        self.popularity = np.array(
            [math.log1p(d.popularity) / math.log1p(max_pop) if max_pop else 0.0 for d in self.docs],
            dtype=np.float32,
        )

    # -- query analysis -------------------------------------------------

    def correct(self, word: str) -> str | list[str]:
        """A known word as is; an unknown one corrected (typo) or split ("khaisinh")."""
        if word in self.vocabulary or len(word) < 4 or word.isdigit():
            return word
        max_distance = 1 if len(word) < 8 else 2
        best = process.extract(
            word, self.fuzzy_choices, scorer=OSA.distance, score_cutoff=max_distance, limit=8
        )
        if len(word) < 6:
            # Short words: only swaps and substitutions ("sihn" → "sinh"), else
            # "trau" would become "tru".
            best = [m for m in best if len(m[0]) == len(word)]
        if best:
            # Closest first, then the word most documents use.
            best.sort(key=lambda m: (m[1], -len(self.postings.get(m[0], ()))))
            return best[0][0]
        for cut in range(2, len(word) - 1):
            left, right = word[:cut], word[cut:]
            if left in self.vocabulary and right in self.vocabulary:
                return [left, right]
        return word

    def analyse(self, query: str) -> QueryPlan:
        plan = QueryPlan()
        typed = [w for w in exact(query).split() if w not in EXACT_STOPWORDS]
        plan.exact_words = {w for w in typed if w != fold(w)}
        folded = _drop_phrases(fold(" ".join(typed)).split(), STOP_PHRASES)
        words: list[str] = []
        for word in folded:
            fixed = self.correct(word)
            if isinstance(fixed, list):
                words.extend(fixed)
            else:
                words.append(fixed)
            if fixed != word:
                plan.corrections[word] = " ".join(fixed) if isinstance(fixed, list) else fixed
        # Replace lexicon phrases by their official terms (longest phrase first).
        out: list[tuple[str, float]] = []
        i = 0
        while i < len(words):
            if words[i] in self.lexicon_first:
                for phrase, expansion in self.lexicon:
                    if words[i : i + len(phrase)] == phrase:
                        scale = min(1.0, (len(phrase) + 2) / len(expansion))
                        out.extend((word, scale) for word in expansion)
                        plan.expansions.append(" ".join(expansion))
                        i += len(phrase)
                        break
                else:
                    out.append((words[i], 1.0))
                    i += 1
            else:
                out.append((words[i], 1.0))
                i += 1
        content = [(w, s) for w, s in out if w not in STOPWORDS]
        plan.unigrams = list(dict.fromkeys(w for w, _ in content))
        weighted = [(w, s) for w, s in content] + [
            (f"{a} {b}", min(sa, sb))
            for (a, sa), (b, sb) in zip(content, content[1:], strict=False)
        ]
        for term, scale in weighted:
            if term in self.postings:
                idf = self.idf[term]
                if " " in term:
                    # A pair of syllables is worth more than its parts, but a
                    # rare pair across two words ("ký hộ") must not dominate.
                    idf = BIGRAM_FACTOR * min(idf, max(self.idf.get(p, 0) for p in term.split()))
                weight = idf * scale
                plan.terms[term] = max(plan.terms.get(term, 0.0), weight)
        return plan

    # -- ranking ----------------------------------------------------------

    def mask(self, *, sector_id=None, level=None, agency_id=None):
        """A boolean array of the documents the filters allow, or None for no filter."""
        if not (sector_id or level or agency_id):
            return None
        allowed = np.ones(len(self.docs), dtype=bool)
        if sector_id:
            allowed &= self.sector_ids == sector_id
        if level:
            allowed &= self.levels == level
        if agency_id:
            in_agency = np.zeros(len(self.docs), dtype=bool)
            in_agency[self.agency_index.get(agency_id, [])] = True
            allowed &= in_agency
        return allowed

    def rank(self, plan: QueryPlan, allowed=None, limit: int = 10):
        """``(score, doc index, matched terms)``, best first, above the noise floor."""
        if not plan.terms or not self.docs or limit <= 0:
            return []
        n = len(self.docs)
        raw = np.zeros(n, dtype=np.float32)
        for term, weight in plan.terms.items():
            ix, field_weights = self.arrays[term]
            raw[ix] += weight * field_weights
        score = raw / (sum(plan.terms.values()) * max(FIELD_WEIGHTS.values()))
        covered = np.zeros(n, dtype=np.float32)
        for word in plan.unigrams:
            if word in self.name_index:
                covered[self.name_index[word]] += 1
        score += NAME_COVERAGE_BONUS * covered / self.name_lengths
        for word in plan.exact_words:
            if word in self.exact_index:
                score[self.exact_index[word]] += EXACT_BONUS
        score += POPULARITY_BONUS * self.popularity
        candidates = raw > 0
        if allowed is not None:
            candidates &= allowed
        ix = np.flatnonzero(candidates)
        if not len(ix):
            return []
        # Best first; equal scores by code (the documents are sorted by code).
        order = ix[np.lexsort((ix, -score[ix]))][:limit]
        best = float(score[order[0]])
        if best < MIN_SCORE:
            return []
        floor = max(MIN_SCORE, best * 0.3)
        return [
            (float(score[i]), int(i), sorted(t for t in plan.unigrams if self._in(t, int(i))))
            for i in order
            if score[i] >= floor
        ]

    def _in(self, term: str, i: int) -> bool:
        return i in self.postings.get(term, ())
