from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from kedu.cli import main
from kedu.exporters import ExportOptions, get_exporter
from kedu.load import load_article
from kedu.localization import localize
from kedu.models import Article
from kedu.schema import schema_text
from tests.conftest import EXAMPLE, ROOT


def test_source_language_round_trip(example: Article, tmp_path: Path) -> None:
    doc = localize(example, "en", base_dir=EXAMPLE.parent)
    data = get_exporter("json").export(doc, ExportOptions())
    envelope = json.loads(data)
    assert envelope["kedu"] == 1
    assert envelope["locale"] == "en" and envelope["direction"] == "ltr"
    assert envelope["source_checksum"].startswith("sha256:")
    assert envelope["review"]["state"] == "source"
    path = tmp_path / "a.json"
    path.write_bytes(data)
    assert load_article(path) == example


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
    jsonschema.validate(exported["article"], schema)
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
