"""Speed-ups that reuse work must not change a byte: Word templates copied from
a per-process cache, the package written once, and documents made after others
in the same process are identical to what a fresh process makes."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import kedu
from kedu.exporters import ExportOptions
from kedu.exporters.docx import build, package, styles
from tests.conftest import EXAMPLE, ROOT, SHIPPED_LOCALES

LOCALES = ["en", *SHIPPED_LOCALES]


def _docx(locale: str, **options: object) -> bytes:
    article = kedu.load_article(EXAMPLE)
    doc = kedu.localize(article, locale)
    source = None
    if options.pop("bilingual", False):
        source = kedu.localize(article, article.language)
    return kedu.export(doc, "docx", ExportOptions(**options), source=source)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "options",
    [{}, {"large_print": True, "paper": "a4"}, {"bilingual": True}],
    ids=["plain", "large-a4", "bilingual"],
)
def test_word_from_a_reused_template_is_identical_to_a_fresh_one(
    options: dict[str, object],
) -> None:
    # Scripts that set different styles: Latin, Arabic (RTL), Chinese (East Asian font).
    locales = ["en", "ar", "zh_Hans"] if not options else ["ru", "ar", "zh_Hans"]
    styles._template.cache_clear()
    fresh = {}
    for locale in locales:
        styles._template.cache_clear()  # every document from a newly built template
        fresh[locale] = _docx(locale, **options)
    assert styles._template.cache_info().currsize == 1
    reused = {locale: _docx(locale, **options) for locale in reversed(locales)}
    again = {locale: _docx(locale, **options) for locale in locales}
    assert styles._template.cache_info().hits >= len(locales)
    assert reused == fresh and again == fresh
    assert len(set(fresh.values())) == len(locales)  # the languages really differ


def test_the_package_written_once_equals_save_and_normalize() -> None:
    article = kedu.load_article(EXAMPLE)
    for locale in ("en", "ar", "zh_Hans"):
        doc = kedu.localize(article, locale)
        when = build.document_date(doc)
        document = build.build_document(doc, ExportOptions())
        buffer = io.BytesIO()
        document.save(buffer)
        old_way = package.normalize_package(buffer.getvalue(), when)
        document = build.build_document(doc, ExportOptions())
        assert package.write_package(document, when) == old_way
        with zipfile.ZipFile(io.BytesIO(old_way)) as archive:
            names = archive.namelist()
        assert names[0] == "[Content_Types].xml" and "word/document.xml" in names


def test_documents_made_after_others_equal_a_fresh_process(tmp_path: Path) -> None:
    """Every format and language made in this (busy) process equals the files of
    one fresh ``kedu export`` process."""
    out = tmp_path / "cli"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    args = [str(EXAMPLE), "--all-langs", "--format", "all", "--out", str(out), "--jobs", "1"]
    subprocess.run(
        [sys.executable, "-m", "kedu", "export", *args, "-q"],
        check=True, cwd=ROOT, env=env, timeout=300,
    )
    from kedu.exporters import available_formats, get_exporter

    article = kedu.load_article(EXAMPLE)
    made = 0
    for locale in reversed(LOCALES):  # another order than the command's
        doc = kedu.localize(article, locale)
        for fmt in reversed(available_formats()):
            name = f"ketamine-therapy.{locale}.{get_exporter(fmt).extension}"
            assert kedu.export(doc, fmt) == (out / name).read_bytes(), name
            made += 1
    assert made == len(list(out.iterdir())) >= 21
