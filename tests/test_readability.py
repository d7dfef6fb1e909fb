"""Reading-level figures: kedu.localization.readability."""

# CJK punctuation and typographic dashes below are intended.
# ruff: noqa: RUF001

from __future__ import annotations

import json
import socket
from typing import Any

import pytest
import textstat

from kedu.localization import localize
from kedu.localization.readability import readability, split_sentences
from kedu.models import Article
from tests.conftest import LOCALES, SHIPPED_LOCALES

# Plain sentences, each paragraph ending with a full stop, so that joining them with
# spaces is exactly the text kedu hands to textstat.
ENGLISH = [
    "Ketamine is a medicine. Doctors use it to treat pain and low mood.",
    "You may feel calm or a little strange during a session. "
    "These feelings usually fade within an hour after the treatment ends.",
    "Tell your care team if you feel scared.",
]

LONG = (
    "This sentence has been written on purpose to be much longer than twenty words "
    "so that it shows up first in the list of the longest sentences in the article."
)  # 30 words


def article(sections: list[dict[str, Any]], **extra: Any) -> Article:
    return Article.model_validate({"id": "demo", "title": "A title", **extra, "sections": sections})


def prose(
    paragraphs: list[str], ident: str = "body", heading: str = "What to know"
) -> dict[str, Any]:
    return {"type": "prose", "id": ident, "heading": heading, "paragraphs": paragraphs}


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """textstat must score offline (CI has no internet): any connection attempt fails."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("readability tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_english_scores_are_textstats_own() -> None:
    report = readability(article([prose(ENGLISH)]), "en")
    joined = " ".join(ENGLISH)
    assert report.formula == "Flesch–Kincaid grade"
    assert report.grade == textstat.flesch_kincaid_grade(joined)
    assert report.ease_formula == "Flesch reading ease"
    assert report.ease == textstat.flesch_reading_ease(joined)
    assert report.note is None
    assert report.unit == "words"
    assert report.sentences == 5
    assert report.words == 43
    assert report.mean_words == pytest.approx(43 / 5)
    assert report.share_over_20 == 0.0


def test_sentence_count_and_share_over_20() -> None:
    doc = article(
        [
            prose(["One two three four five.", LONG, "Short again? Yes!"], ident="body"),
            {
                "type": "list",
                "id": "feelings",
                "heading": "Common feelings people report, which is a heading not a sentence",
                "items": [
                    {
                        "id": "calm",
                        "term": "A term that is long but never counted as a sentence at all",
                        "description": "You may feel calm",  # no final punctuation: one sentence
                    }
                ],
            },
            {
                "type": "faq",
                "id": "faq",
                "heading": "Questions",
                "entries": [
                    {"id": "hurt", "question": "Will it hurt?", "answer": "No, it will not."}
                ],
            },
            {"type": "image", "id": "photo", "src": "a.jpg", "alt": "Alt text is not printed."},
        ],
        subtitle="A subtitle is not counted either",
    )
    report = readability(doc, "en")
    # body: 5 + 30 + 2 + 1; description 4; question 3; answer 4 (titles, heading, term, alt out)
    assert report.sentences == 7
    assert report.words == 5 + 30 + 2 + 1 + 4 + 3 + 4
    assert report.share_over_20 == pytest.approx(1 / 7)
    assert report.mean_words == pytest.approx(49 / 7)


def test_longest_sentences_carry_msgctxt_paths() -> None:
    doc = article(
        [
            prose(["Short one.", LONG], ident="body"),
            {
                "type": "list",
                "id": "feelings",
                "heading": "Feelings",
                "items": [
                    {
                        "id": "calm",
                        "term": "Calm",
                        "description": "You may feel very calm and rested.",
                    },
                ],
            },
            {
                "type": "callout",
                "id": "warn",
                "kind": "warning",
                "text": "Call us right away if you feel unwell.",
            },
            {
                "type": "faq",
                "id": "faq",
                "heading": "Questions",
                "entries": [{"id": "hurt", "question": "Will it hurt?", "answer": "No."}],
            },
        ],
        summary="A summary with seven words in it. And more.",
        disclaimer="This is not medical advice.",
    )
    report = readability(doc, "en")
    assert [(s.path, s.words) for s in report.longest] == [
        ("body/p2", 30),
        ("warn/text", 8),
        ("summary", 7),
        ("feelings/calm/description", 7),
        ("disclaimer", 5),
    ]
    assert report.longest[0].text == LONG


def test_spanish_uses_fernandez_huerta() -> None:
    texts = ["La ketamina es un medicamento. Los médicos la usan para tratar el dolor."]
    report = readability(article([prose(texts)], language="es"), "es")
    assert report.ease_formula == "Fernández Huerta"
    textstat.set_lang("es")
    try:
        expected = textstat.fernandez_huerta(texts[0])
    finally:
        textstat.set_lang("en_US")
    assert report.ease == pytest.approx(expected)
    assert report.formula is not None and "Crawford" in report.formula
    assert report.grade is not None


def test_language_without_formula_says_so() -> None:
    doc = article([prose(["Ketamin se yon medikaman. Li ka ede w."])], language="ht")
    report = readability(doc, "ht")
    assert report.grade is None and report.formula is None
    assert report.ease is None and report.ease_formula is None
    assert report.note is not None
    assert "no published readability formula for Haitian Creole" in report.note
    assert report.sentences == 2 and report.words == 8


def test_chinese_counts_characters() -> None:
    text = "氯胺酮是一种药物。您会感到害怕吗？请告诉FDA医生！"
    report = readability(article([prose([text])], language="zh-Hans"), "zh_Hans")
    assert report.unit == "characters"
    assert report.sentences == 3
    # punctuation is not counted; "FDA" counts as one
    assert [s.words for s in report.longest] == [8, 7, 6]
    assert report.words == 21
    assert report.grade is None
    assert report.note is not None and "characters" in report.note


def test_arabic_question_mark_ends_a_sentence() -> None:
    assert split_sentences("هل سيؤلمني العلاج؟ لا، لن يؤلمك.") == [
        "هل سيؤلمني العلاج؟",
        "لا، لن يؤلمك.",
    ]


def test_sentence_splitting_keeps_numbers_and_abbreviations() -> None:
    assert split_sentences("Take 2.5 mg, e.g. with water. Then rest! Ask us (why?) anytime") == [
        "Take 2.5 mg, e.g. with water.",
        "Then rest!",
        "Ask us (why?) anytime",
    ]


def test_as_dict_is_json_ready() -> None:
    report = readability(article([prose(["Hello there, how are you today?", LONG])]), "en")
    data = report.as_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["longest"][0] == {"path": "body/p2", "words": 30, "text": LONG}
    assert data["share_over_20"] == 0.5


def test_example_english_is_at_most_grade_8(example: Article) -> None:
    report = readability(example, "en")
    assert report.grade is not None and report.grade <= 8
    assert report.sentences > 50


@pytest.mark.parametrize("locale", SHIPPED_LOCALES)
def test_example_translations(example: Article, locale: str) -> None:
    doc = localize(example, locale, catalogs=LOCALES)
    report = readability(doc.article, doc.locale)
    assert report.sentences > 50
    assert 0 < report.mean_words < 40
    assert len(report.longest) == 5
    paths = {s.path for s in example.segments()}
    assert all(s.path in paths for s in report.longest)
    assert (report.grade is None and report.ease is None) == (locale in {"ht", "vi", "zh_Hans"})
