"""Property-based tests: whatever text someone writes, kedu either accepts it and
makes every format, or refuses it with a KeduError naming the field - never an
internal error, never a traceback.

Hypothesis draws texts rich in what breaks parsers: markup characters, escapes,
control and bidi characters, other scripts, odd whitespace.  Examples are few and
the deadline generous so the suite stays fast on a busy machine.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kedu.errors import KeduError, MarkupError
from kedu.load import parse_article
from kedu.models.inline import escape, parse_runs, plain_text

# Characters that matter to some layer of kedu, mixed with ordinary ones.
_SPECIAL = (
    "*[]()\\_`<>&\"':#-!?.,;~|{}%$"  # markup, YAML and JSON syntax, placeholders
    "\t\n\r\x00\x07\x1b\x7f\x85\x9f\u00a0\u2028\u2029\ufeff"  # controls, odd spaces
    "\u200b\u200d\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c"  # bidi
    "ابتثمن中文字。、「」ёжĐđệ\u0301\u0651"  # scripts, combining marks
    "😀🧪\U0001f1fa\U0001f1f8"  # emoji, flags
)
TEXT = st.text(
    alphabet=st.one_of(st.sampled_from(_SPECIAL), st.characters(codec="utf-8")),
    max_size=60,
)
# Text every layer should accept: letters, digits, punctuation and spaces of any script.
PRINTABLE = st.text(
    alphabet=st.characters(categories=("L", "N", "P", "Zs")), min_size=1, max_size=40
).filter(lambda text: text.strip() != "")
FIELD = st.one_of(TEXT, PRINTABLE)
FAST = settings(
    max_examples=60,
    deadline=2000,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@FAST
@given(TEXT)
def test_inline_markup_parses_or_names_the_character(text: str) -> None:
    try:
        runs = parse_runs(text)
    except MarkupError as exc:
        assert 1 <= exc.column <= len(text) + 1
        assert "\n" not in str(exc)
        return
    assert "".join(run.text for run in runs) == plain_text(text)


@FAST
@given(TEXT)
def test_escaped_text_reads_back_as_itself(text: str) -> None:
    assert plain_text(escape(text)) == text


def _article(title: str, paragraph: str, term: str) -> dict[str, object]:
    return {
        "id": "prop",
        "title": title,
        "sections": [
            {"type": "prose", "id": "intro", "heading": "Intro", "paragraphs": [paragraph]},
            {
                "type": "list",
                "id": "items",
                "heading": "Items",
                "items": [{"id": "one", "term": term, "description": "Text."}],
            },
        ],
    }


@FAST
@given(st.text(max_size=300))
def test_any_yaml_text_loads_or_is_refused_in_one_line(source: str) -> None:
    try:
        parse_article(source, kind="yaml", path="any.yaml")
    except KeduError as exc:
        assert "\n" not in str(exc) and str(exc).startswith("any.yaml")


@FAST
@given(st.text(max_size=300))
def test_any_json_text_loads_or_is_refused_in_one_line(source: str) -> None:
    try:
        parse_article(source, kind="json", path="any.json")
    except KeduError as exc:
        assert "\n" not in str(exc) and str(exc).startswith("any.json")


@pytest.mark.parametrize("kind", ["yaml", "json"])
@settings(
    max_examples=8,
    deadline=None,  # the first PDF of a run loads fonts
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(title=FIELD, paragraph=FIELD, term=FIELD)
def test_any_field_text_exports_in_every_format_or_is_refused_with_its_field(
    kind: str, title: str, paragraph: str, term: str
) -> None:
    import kedu
    from kedu.exporters import available_formats

    data = _article(title, paragraph, term)
    source = json.dumps(data, ensure_ascii=False)
    if kind == "yaml":
        import yaml

        source = yaml.safe_dump(data, allow_unicode=True)
    try:
        article = parse_article(source, kind=kind, path=f"any.{kind}")
    except KeduError as exc:
        message = str(exc)
        assert "\n" not in message
        assert any(f in message for f in ("title", "paragraphs[0]", "term", f"any.{kind}:"))
        return
    doc = kedu.localize(article, "en")
    for name in available_formats():
        try:
            data_out = kedu.export(doc, name)
        except KeduError as exc:  # e.g. a character no bundled font has
            assert "\n" not in str(exc)
            assert any(f in str(exc) for f in ("title", "intro", "items", "U+")), str(exc)
            continue
        assert data_out
