"""Issue 16: things a new user of kedu tripped over (one test per item, or near it)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

import kedu
from kedu.cli import main
from tests.conftest import EXAMPLE, minimal_article


def _write(tmp_path: Path, data: dict[str, object], name: str = "a.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


# --- 12: ids keep the meaning of their words -------------------------------------------------


def test_imported_ids_keep_negations(tmp_path: Path) -> None:
    post = tmp_path / "post.md"
    post.write_text(
        "# Skin care after treatment\n\nA short guide.\n\n## What to avoid\n\n"
        "- **No scrubbing** — let the skin heal on its own.\n"
        "- **Not too much sun** — wear a hat outside.\n",
        encoding="utf-8",
    )
    article = kedu.import_article(post).article
    ids = [item.id for section in article.sections for item in getattr(section, "items", [])]
    assert ids == ["no-scrubbing", "not-sun"]


# --- 13: a wrongly written date says how to write it -----------------------------------------


@pytest.mark.parametrize("value", ["15/10/2026", "October 15, 2026", "next week"])
def test_bad_review_date_names_the_format(
    value: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, minimal_article(review_date=value))
    assert main(["validate", str(path)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    assert "a.yaml:" in err and "review_date" in err and "YYYY-MM-DD" in err
    assert "invalid character" not in err


# --- 16: concise reprs -----------------------------------------------------------------------


def test_reprs_are_short(example: kedu.Article) -> None:
    job = kedu.ExportJob(article=example, locale="es", format="json", base_dir=EXAMPLE.parent)
    (result,) = kedu.export_many([job])
    assert result.ok and result.data is not None and len(result.data) > 10_000
    for value, expected in [
        (example, "Article(id='ketamine-therapy', "),
        (job, "ExportJob(article='ketamine-therapy', locale='es', format='json')"),
        (result, "JobResult('ketamine-therapy es json', ok: ketamine-therapy.es.json, "),
        (kedu.localize(example, "es", base_dir=EXAMPLE.parent),
         "LocalizedArticle('ketamine-therapy', locale='es', direction='ltr', review='draft')"),
    ]:
        assert repr(value).startswith(expected) and str(value) == repr(value)
        assert len(repr(value)) < 200
    failed = kedu.export_many([job.model_copy(update={"locale": "xx"})])[0]
    assert repr(failed).startswith("JobResult('ketamine-therapy xx json', failed: no translation")


# --- 17: the schema selects a section's kind by its type -------------------------------------


def test_schema_discriminates_sections_and_has_a_versioned_id() -> None:
    from kedu.schema import SCHEMA_ID, schema_text

    schema = json.loads(schema_text())
    assert schema["$id"] == SCHEMA_ID == "urn:kedu:schema:article:v1"
    assert "example.org" not in schema_text()
    validator = jsonschema.Draft202012Validator(schema)
    source = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    source["review_date"] = str(source["review_date"])
    assert not list(validator.iter_errors(source))

    source["sections"][1] = dict(source["sections"][1], paragraphz=["x"])
    error = jsonschema.exceptions.best_match(validator.iter_errors(source))
    assert error is not None and "'paragraphz' was unexpected" in error.message
    assert list(error.absolute_path) == ["sections", 1]

    source["sections"][1] = {"type": "pros", "id": "x"}
    error = jsonschema.exceptions.best_match(validator.iter_errors(source))
    assert error is not None and "'pros' is not one of" in error.message
    assert "is not valid under any of the given schemas" not in error.message
