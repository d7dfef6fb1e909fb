"""The public API exactly as the README shows it: only names on the ``kedu`` package."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import kedu
from tests.conftest import EXAMPLE, ROOT


def test_readme_api_in_five_lines(tmp_path: Path) -> None:
    article = kedu.load_article(EXAMPLE)
    doc = kedu.localize(article, "es", base_dir=EXAMPLE.parent)
    data = kedu.export(doc, "json", kedu.ExportOptions(paper="a4"))
    path = kedu.write_atomic(tmp_path / "ketamine-therapy.es.json", data)
    assert path.read_bytes() == data
    assert isinstance(doc, kedu.LocalizedArticle) and isinstance(article, kedu.Article)
    assert doc.locale == "es"


def test_public_names_resolve_to_what_they_say() -> None:
    import kedu.localization  # importing the subpackage must not shadow kedu.localize

    assert callable(kedu.localize) and kedu.localize.__name__ == "localize"
    for name in kedu.__all__:
        assert getattr(kedu, name) is not None, name
    assert sorted(dir(kedu)) == sorted(kedu.__all__)


def test_example_script_runs(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "export_json.py")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("\n") == 7
    assert (tmp_path / "out" / "ketamine-therapy.ar.json").exists()
    assert "rtl, review: draft" in done.stdout


def test_export_needs_a_localized_article() -> None:
    import pytest

    article = kedu.load_article(EXAMPLE)
    with pytest.raises(TypeError, match=r"call kedu\.localize\(article, locale\) first"):
        kedu.export(article, "json")  # type: ignore[arg-type]


def test_bilingual_export_is_one_api() -> None:
    """``kedu.export(doc, fmt, source=...)`` and ``ExportJob(bilingual=True)`` make the
    same handout; the old ``ExportOptions(companion=...)`` says what to use instead."""
    import io

    import pytest
    from pypdf import PdfReader

    article = kedu.load_article(EXAMPLE)
    doc = kedu.localize(article, "es", base_dir=EXAMPLE.parent)
    source = kedu.localize(article, "en", base_dir=EXAMPLE.parent)
    direct = kedu.export(doc, "pdf", kedu.ExportOptions(paper="a4"), source=source)
    job = kedu.ExportJob(
        article=article, locale="es", format="pdf", base_dir=EXAMPLE.parent,
        options=kedu.ExportOptions(paper="a4"), bilingual=True,
    )
    (result,) = kedu.export_many([job])
    assert result.data == direct and result.filename == "ketamine-therapy.en-es.pdf"
    text = PdfReader(io.BytesIO(direct)).pages[0].extract_text()
    assert "English" in text and "español" in text.lower()
    assert direct != kedu.export(doc, "pdf", kedu.ExportOptions(paper="a4"))

    with pytest.raises(TypeError, match=r"companion=\.\.\.\) was removed.*source="):
        kedu.ExportOptions(companion=source)  # type: ignore[call-arg]
    with pytest.raises(kedu.KeduError, match="format 'json' has no bilingual layout"):
        kedu.export(doc, "json", source=source)
    with pytest.raises(TypeError, match="LocalizedArticle as source"):
        kedu.export(doc, "pdf", source=article)  # type: ignore[arg-type]
