from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from kedu.cli import main
from kedu.errors import ArticleError
from kedu.exporters import ExportOptions, get_exporter
from kedu.load import load_article
from kedu.localization import localize
from kedu.models import Article
from kedu.schema import schema_text
from tests.conftest import EXAMPLE, LOCALES, ROOT, SHIPPED_LOCALES


def test_envelope_version_2(example: Article) -> None:
    doc = localize(example, "en", base_dir=EXAMPLE.parent)
    envelope = json.loads(get_exporter("json").export(doc, ExportOptions()))
    assert envelope["kedu"] == 2
    assert envelope["locale"] == "en" and envelope["direction"] == "ltr"
    assert envelope["source_checksum"].startswith("sha256:")
    assert envelope["review"]["state"] == "source" and envelope["draft_notice"] is None
    assert envelope["labels"]["warning"] == "Warning"


def test_translation_says_its_language_labels_and_draft_state(example: Article) -> None:
    doc = localize(example, "es", catalogs=LOCALES)
    envelope = json.loads(get_exporter("json").export(doc, ExportOptions()))
    assert envelope["article"]["language"] == "es" == envelope["language_tag"]
    assert envelope["source_language"] == "en"
    assert envelope["review"]["state"] == "draft"
    assert envelope["draft_notice"] == doc.labels.draft_notice
    labels = envelope["labels"]
    assert labels["warning"] == doc.labels.warning
    assert labels["disclaimer_heading"] == doc.labels.disclaimer_heading
    assert labels["call_us"] == doc.labels.call_us
    blocks = envelope["document"]["blocks"]
    how = next(b for b in blocks if b["key"] == "how-it-feels")
    paragraph = how["blocks"][2]["content"]
    # Structured spans and sanitized HTML, never raw markdown.
    assert "**" not in json.dumps(envelope["document"], ensure_ascii=False)
    strong = [span for span in paragraph["spans"] if span.get("strong")]
    assert strong and strong[0]["text"].startswith("Personal médico capacitado")
    assert "<strong>Personal médico capacitado" in paragraph["html"]
    box = next(b for s in blocks if s["type"] == "section" for b in s["blocks"]
               if b["type"] == "box")
    assert box["label"]["text"] == doc.labels.warning
    contact = next(b for s in blocks if s["type"] == "section" for b in s["blocks"]
                   if b["type"] == "contact")
    assert contact["details"][0]["label"] == doc.labels.call_us
    assert contact["details"][0]["href"] == "tel:+15550100"  # E.164
    link = [sp for sp in contact["text"]["spans"] if sp["type"] == "link"]
    assert link and link[0]["href"] == "tel:+15550100"
    disclaimer = blocks[-1]
    assert disclaimer["type"] == "disclaimer"
    assert disclaimer["heading"]["text"] == doc.labels.disclaimer_heading


def test_hostile_text_is_escaped_in_the_html_of_blocks(tmp_path: Path) -> None:
    from tests.handouts import every_block_article

    hostile = "<script>alert(1)</script> & <b>x</b>"
    path = every_block_article(tmp_path, title=hostile)
    doc = localize(load_article(path), "en", base_dir=tmp_path)
    envelope = json.loads(get_exporter("json").export(doc, ExportOptions()))
    title = envelope["document"]["blocks"][1]
    assert title["type"] == "title" and title["content"]["text"] == hostile
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;x&lt;/b&gt;"
    assert title["content"]["html"] == escaped


@pytest.mark.parametrize("version", [1, 2])
def test_an_export_is_refused_as_a_source(
    example: Article, tmp_path: Path, capsys: pytest.CaptureFixture[str], version: int
) -> None:
    doc = localize(example, "es", catalogs=LOCALES)
    envelope = json.loads(get_exporter("json").export(doc, ExportOptions()))
    if version == 1:  # kedu 0.x wrote the bare article in a small envelope
        envelope = {"kedu": 1, "locale": "es", "article": envelope["article"]}
    exported = tmp_path / "ketamine-therapy.es.json"
    exported.write_text(json.dumps(envelope, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ArticleError, match=r"is a kedu JSON export .* not an article source"):
        load_article(exported)
    out = tmp_path / "out"
    for command in (["validate", str(exported)],
                    ["export", str(exported), "--format", "all", "--out", str(out)]):
        assert main(command) == 1
        err = capsys.readouterr().err
        assert err.count("\n") == 1, err
        assert f"{exported}: this is a kedu JSON export (envelope version {version}) of " \
               "article 'ketamine-therapy' in 'es', not an article source" in err
        assert "YAML" in err
    assert not out.exists()  # nothing written


def test_export_schema_is_shipped_and_current() -> None:
    from kedu.schema.export import export_schema_text

    shipped = ROOT / "kedu" / "schema" / "export.schema.json"
    assert shipped.read_text(encoding="utf-8") == export_schema_text()
    schema = json.loads(export_schema_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    assert main(["schema", "--export"]) == 0


@pytest.mark.parametrize("locale", ["en", *SHIPPED_LOCALES])
def test_every_language_validates_against_the_export_schema(
    example: Article, locale: str
) -> None:
    from kedu.schema.export import export_schema

    doc = localize(example, locale, catalogs=LOCALES)
    envelope = json.loads(get_exporter("json").export(doc, ExportOptions()))
    validator = jsonschema.Draft202012Validator(
        export_schema(), format_checker=jsonschema.FormatChecker()
    )
    validator.validate(envelope)
    assert envelope["article"]["language"] == doc.language_tag
    broken = json.loads(json.dumps(envelope))
    broken["document"]["blocks"][1]["content"]["spans"][0]["href"] = "javascript:alert(1)"
    assert not validator.is_valid(broken)
    del broken["document"]["blocks"][1]["content"]["spans"][0]["href"]
    broken["labels"] = []
    assert not validator.is_valid(broken)


def test_every_block_article_validates(tmp_path: Path) -> None:
    from kedu.schema.export import export_schema
    from tests.handouts import localized_every_block

    doc = localized_every_block(tmp_path)
    envelope = json.loads(get_exporter("json").export(doc, ExportOptions()))
    jsonschema.validate(envelope, export_schema())
    kinds = {b["type"] for s in envelope["document"]["blocks"] if s["type"] == "section"
             for b in s["blocks"]}
    assert kinds == {"paragraph", "list", "box", "figure", "faq_entry", "contact"}


def test_shipped_schema_is_current() -> None:
    assert (ROOT / "kedu" / "schema" / "article.schema.json").read_text() == schema_text()


def test_schema_validates_example_and_export(tmp_path: Path) -> None:
    import yaml

    schema = json.loads(schema_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    source = yaml.safe_load(EXAMPLE.read_text())
    source["review_date"] = str(source["review_date"])
    jsonschema.validate(source, schema)
    assert main(["export", str(EXAMPLE), "--format", "json", "--out", str(tmp_path), "-q"]) == 0
    exported = json.loads((tmp_path / "ketamine-therapy.en.json").read_text())
    jsonschema.validate(exported["article"], schema)  # the article part is an article
    bad = dict(source, titel="typo")
    try:
        jsonschema.validate(bad, schema)
    except jsonschema.ValidationError as exc:
        assert "titel" in exc.message
    else:
        raise AssertionError("the schema accepted an unknown key")


def test_every_field_is_described() -> None:
    schema = json.loads(schema_text())
    missing = [
        f"{name}.{prop}"
        for name, definition in schema["$defs"].items()
        for prop, spec in definition.get("properties", {}).items()
        if "description" not in spec
    ]
    missing += [p for p, spec in schema["properties"].items() if "description" not in spec]
    assert missing == []
