from __future__ import annotations

import json
from pathlib import Path

import pytest

from kedu.cli import main
from kedu.errors import ArticleError
from kedu.load import load_article
from tests.conftest import EXAMPLE, ROOT

BAD = ROOT / "tests" / "data" / "bad"

# file → fragments the one-line message must contain (file name always, plus these)
BAD_CASES = {
    "yaml-syntax.yaml": [":4:1:", "YAML syntax error"],
    "json-syntax.json": [":2:16:", "JSON syntax error"],
    "misspelt-key.yaml": [":2:", "unknown field 'titel'", "did you mean 'title'"],
    "duplicate-id.yaml": [":9:", "sections[1].id", "duplicate id 'intro'"],
    "duplicate-key.yaml": [":3:1:", "duplicate key 'title'"],
    "unknown-section.yaml": [":4:", "sections[0]", "unknown section type 'table'", "prose"],
    "unbalanced-bold.yaml": [":7:", "sections[0].paragraphs[0]", "'**' is never closed"],
    "bad-link.yaml": [":7:", "sections[0].paragraphs[0]", "must start with one of"],
    "empty-title.yaml": [":2:", "title", "must not be empty"],
    "control-char.yaml": [":2:", "title", "U+0007"],
    "bad-id.yaml": [":1:", "not a valid id"],
    "missing-term.yaml": [":11:", "sections[0].items[1].term", "required field is missing"],
    "not-a-mapping.yaml": ["must contain a mapping"],
    "image-without-alt.yaml": ["sections[0].alt", "required"],
    "not-utf8.yaml": ["not UTF-8"],
    "impossible-date.yaml": [":3:14:", "'2026-13-01' is not a valid date"],
    "json-duplicate-key.json": ["duplicate key 'title'"],
}


def test_corpus_is_complete() -> None:
    assert sorted(p.name for p in BAD.iterdir()) == sorted(BAD_CASES)


@pytest.mark.parametrize("name", sorted(BAD_CASES))
def test_bad_article_gives_one_clear_line(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    path = BAD / name
    with pytest.raises(ArticleError) as info:
        load_article(path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(str(path))
    for fragment in BAD_CASES[name]:
        assert fragment in message
    assert "pydantic" not in message and "errors.pydantic.dev" not in message

    assert main(["validate", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("kedu: error: ")


def test_missing_file() -> None:
    with pytest.raises(ArticleError, match=r"nope\.yaml: file not found"):
        load_article("nope.yaml")


def test_unsupported_extension(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("x")
    with pytest.raises(ArticleError, match=r"unsupported file type '\.txt'"):
        load_article(tmp_path / "a.txt")


def test_json_article_loads(tmp_path: Path) -> None:
    article = load_article(EXAMPLE)
    path = tmp_path / "a.json"
    path.write_text(json.dumps(article.model_dump(mode="json")), encoding="utf-8")
    assert load_article(path) == article
