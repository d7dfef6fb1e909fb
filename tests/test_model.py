from __future__ import annotations

import pytest
from pydantic import ValidationError

from kedu.errors import MarkupError
from kedu.models import Article, Run, escape, link_targets, parse_runs, plain_text
from tests.conftest import minimal_article


def test_inline_runs_bold_italic_link() -> None:
    runs = parse_runs("Take **two** *small* doses. [Call us](tel:+1-555-0100) now.")
    assert runs == (
        Run("Take "),
        Run("two", bold=True),
        Run(" "),
        Run("small", italic=True),
        Run(" doses. "),
        Run("Call us", href="tel:+1-555-0100"),
        Run(" now."),
    )


def test_bold_inside_link_and_escapes() -> None:
    runs = parse_runs(r"[**Read** more](https://example.org/a) \*not italic\* \[x\]")
    assert runs[0] == Run("Read", bold=True, href="https://example.org/a")
    assert runs[1] == Run(" more", href="https://example.org/a")
    assert runs[2].text == " *not italic* [x]"
    assert link_targets(r"[a](https://example.org) and [b](mailto:x@example.org)") == [
        "https://example.org",
        "mailto:x@example.org",
    ]


def test_angle_brackets_and_ampersands_are_text() -> None:
    text = '<img src="/etc/passwd"/> & <b>'
    assert plain_text(text) == text
    assert parse_runs(text) == (Run(text),)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("**bold", "'**' is never closed"),
        ("*it", "'*' is never closed"),
        ("a ] b", "']' without a matching '['"),
        ("[x](javascript:alert)", "must start with one of"),
        ("[x](ftp://example.org)", "must start with one of"),
        ("[x](https://)", "has no host"),
        ("[x](http://a.org", "closing ')'"),
        ("[x] alone", "'[' must start a link"),
        ("[[a](https://a.org)](https://b.org)", "cannot contain another link"),
        ("back\\slash", "backslash"),
    ],
)
def test_malformed_markup(text: str, problem: str) -> None:
    with pytest.raises(MarkupError) as info:
        parse_runs(text)
    assert problem in str(info.value)


def test_escape_round_trips() -> None:
    raw = r"5 * 3 [note] back\slash"
    assert plain_text(escape(raw)) == raw


def test_whitespace_is_collapsed() -> None:
    article = Article.model_validate(minimal_article(title="  Two\n   lines  "))
    assert article.title == "Two lines"


def test_segments_follow_reading_order_and_ids(example: Article) -> None:
    paths = [s.path for s in example.segments()]
    assert paths[:3] == ["title", "subtitle", "summary"]
    assert len(paths) == len(set(paths))
    assert "sensations/euphoria/term" in paths
    assert paths.index("sensations/euphoria/term") < paths.index("sensations/euphoria/description")
    assert paths[-1] == "disclaimer"


def test_example_has_the_reference_structure(example: Article) -> None:
    lists = [s for s in example.sections if s.type == "list"]
    assert [len(s.items) for s in lists] == [9, 5]
    faq = next(s for s in example.sections if s.type == "faq")
    assert len(faq.entries) == 4
    assert example.sections[-1].type == "call_to_action"
    assert [c.author for c in example.image_credits] == ["Gustavo Fring", "Los Muertos Crew"]
    printed = " ".join(s.text for s in example.segments()).lower()
    for seo in ("laser", "ipl", "aesthetic", "bradenton"):
        assert seo not in printed


def test_with_texts_revalidates_markup(example: Article) -> None:
    changed = example.with_texts({"title": "**Nuevo** título"})
    assert changed.title == "**Nuevo** título"
    assert changed.sections == example.sections
    with pytest.raises(ValidationError, match="never closed"):
        example.with_texts({"title": "**roto"})


def test_unknown_fields_are_errors() -> None:
    with pytest.raises(ValidationError, match="Extra inputs"):
        Article.model_validate(minimal_article(titel="x"))
