"""Smoke test of the benchmark harness (benchmarks/): its in-process pieces on a tiny article.

No speed is asserted: only that every piece runs and produces real documents.
WeasyPrint and pandoc are not test dependencies; their parts are skipped
when they are not installed.
"""

from __future__ import annotations

import json
import zipfile
from io import BytesIO
from pathlib import Path

import pytest

from benchmarks.content import (
    Content,
    bare_python_docx,
    bare_reportlab_pdf,
    content_of,
    html_document,
    kedu_font_files,
    markdown_document,
)
from benchmarks.harness import (
    Row,
    Target,
    docx_in_process,
    pdf_in_process,
    ratio_row,
    render_table,
    size_rows,
)
from kedu.load import parse_article
from kedu.localization import localize
from kedu.models.localized import LocalizedArticle

TINY = """
id: tiny
title: "Tiny *handout*"
summary: "A summary with **bold** text & <angle> brackets."
language: en
organization: {name: Bench Clinic, phone: "555-0100", email: care@example.org}
sections:
  - type: prose
    id: intro
    heading: "Intro"
    paragraphs: ["Hello, see [our site](https://example.org) for more."]
  - type: list
    id: things
    heading: "Things"
    items:
      - {id: one, term: "One", description: "The first *thing*."}
      - {id: two, term: "Two", description: "The second thing."}
  - type: callout
    id: careful
    kind: warning
    text: "Be **careful**."
  - type: faq
    id: faq
    heading: "Questions"
    entries:
      - {id: q1, question: "Why?", answer: "Because."}
  - type: call_to_action
    id: contact
    heading: "Call us"
    text: "We are here."
    show: [phone, email]
"""


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> LocalizedArticle:
    base = tmp_path_factory.mktemp("tiny")
    return localize(parse_article(TINY), "en", base_dir=base)


@pytest.fixture(scope="module")
def content(tiny: LocalizedArticle) -> Content:
    return content_of(tiny)


def test_content_follows_the_segments(content: Content) -> None:
    kinds = [b.kind for b in content.blocks]
    assert kinds[:2] == ["title", "summary"]
    assert kinds.count("item") == 2
    assert "box_heading" in kinds and "box" in kinds
    assert kinds.count("contact") == 2
    items = [b for b in content.blocks if b.kind == "item"]
    assert [r.text for r in items[0].term] == ["One"]
    assert content.footer == "Bench Clinic"


def test_baseline_documents(content: Content) -> None:
    fonts = kedu_font_files()
    assert fonts.regular.exists() and fonts.bold_italic.exists()
    pdf = bare_reportlab_pdf(content, fonts)
    assert pdf.startswith(b"%PDF")
    page = html_document(content, fonts)
    assert "@font-face" in page and fonts.regular.resolve().as_uri() in page
    assert "&amp; &lt;angle&gt;" in page
    markdown = markdown_document(content)
    assert "- **One**: The first *thing*." in markdown
    assert "[our site](<https://example.org>)" in markdown
    with zipfile.ZipFile(BytesIO(bare_python_docx(content))) as package:
        assert "word/document.xml" in package.namelist()


def test_in_process_rows_and_table(tiny: LocalizedArticle) -> None:
    pdf = pdf_in_process(tiny, reps=1, warmup=0, weasyprint=False, typst=False)
    docx = docx_in_process(tiny, reps=1, warmup=0)
    rows = [*pdf.rows, *docx.rows, *size_rows(pdf.outputs, docx.outputs)]
    assert all(r.error is None for r in rows), [r.error for r in rows if r.error]
    assert {"kedu", "bare"} <= set(pdf.outputs) and set(docx.outputs) == {"kedu", "bare"}
    assert all(data.startswith(b"%PDF") for data in pdf.outputs.values())
    assert {r.status for r in rows if r.target} <= {"PASS", "MISS"}
    table = render_table(rows)
    assert "kedu new text / bare reportlab" in table and "kedu / bare python-docx" in table
    json.dumps([r.as_json() for r in rows])


def test_weasyprint_piece(tiny: LocalizedArticle) -> None:
    pytest.importorskip("weasyprint")
    part = pdf_in_process(tiny, reps=1, warmup=0, weasyprint=True, typst=False)
    assert part.outputs["weasyprint"].startswith(b"%PDF")
    assert part.outputs["weasyprint_default"].startswith(b"%PDF")  # its own font
    names = {r.name: r for r in part.rows}
    assert names["WeasyPrint (static fonts) / kedu new text"].median is not None


def test_typst_piece(content: Content, tmp_path: Path) -> None:
    """Typst compiles the same text to a tagged PDF/UA-1 file (read back by poppler)."""
    pytest.importorskip("typst")
    import shutil
    import subprocess

    from benchmarks.content import static_font_files
    from benchmarks.harness import typst_compilers

    same, edited = typst_compilers(content, static_font_files(tmp_path / "fonts"), tmp_path)
    first, second = same(), edited()
    assert first.startswith(b"%PDF") and second.startswith(b"%PDF") and first != second
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    (tmp_path / "t.pdf").write_bytes(first)
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "t.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Tiny handout" in text and "Be careful." in text
    info = subprocess.run(
        ["pdfinfo", str(tmp_path / "t.pdf")], capture_output=True, text=True, check=True
    ).stdout
    assert "Tagged:          yes" in info


def test_bare_reportlab_script_runs_without_kedu(content: Content, tmp_path: Path) -> None:
    import subprocess
    import sys

    from benchmarks.content import bare_reportlab_script, static_font_files

    script = tmp_path / "bare.py"
    out = tmp_path / "bare.pdf"
    script.write_text(
        bare_reportlab_script(content, static_font_files(tmp_path / "fonts"), out),
        encoding="utf-8",
    )
    check = "import runpy, sys; runpy.run_path(sys.argv[1], run_name='__main__'); "
    check += "assert not [m for m in sys.modules if m.startswith(('kedu', 'pydantic'))]"
    subprocess.run([sys.executable, "-c", check, str(script)], check=True, cwd=tmp_path)
    assert out.read_bytes().startswith(b"%PDF")


def test_long_article_and_library_are_valid(tmp_path: Path) -> None:
    from benchmarks.scale import long_article, make_library
    from kedu.load import load_article
    from tests.conftest import EXAMPLE, LOCALES

    long = load_article(long_article(EXAMPLE, tmp_path, times=3))
    assert len(long.sections) == 3 * len(load_article(EXAMPLE).sections)
    articles = make_library(EXAMPLE, LOCALES, tmp_path, 2)
    assert [load_article(a).id for a in articles] == ["ketamine-therapy-01", "ketamine-therapy-02"]
    catalogs = tmp_path / "library" / "locales" / "ar" / "LC_MESSAGES"
    assert (catalogs / "ketamine-therapy-02.po").exists()


def test_pandoc_piece(content: Content) -> None:
    pytest.importorskip("pypandoc")
    from benchmarks.harness import pandoc_docx

    with zipfile.ZipFile(BytesIO(pandoc_docx(markdown_document(content)))) as package:
        text = package.read("word/document.xml").decode()
    assert "The first" in text and "Bench Clinic" not in text


def test_ratio_and_target_logic() -> None:
    slow = Row("g", "slow", "time", samples=[3.0, 1.0, 2.0])
    fast = Row("g", "fast", "time", samples=[1.0])
    assert ratio_row("g", "r", slow, fast, Target("<=", 1.3, "<= 1.3x")).status == "MISS"
    assert ratio_row("g", "r", slow, fast, Target(">=", 2.0, ">= 2x")).status == "PASS"
    broken = ratio_row("g", "r", slow, Row("g", "none", "time", error="boom"), Target("<=", 1, ""))
    assert broken.status == "ERROR"
    assert "ERROR" in render_table([broken])


def test_run_py_help() -> None:
    import subprocess
    import sys

    script = Path(__file__).resolve().parent.parent / "benchmarks" / "run.py"
    done = subprocess.run(
        [sys.executable, str(script), "--help"], capture_output=True, text=True, check=True
    )
    assert "--quick" in done.stdout and "--json" in done.stdout


def test_floors_measure_only_what_an_export_needs(
    tiny: LocalizedArticle, content: Content
) -> None:
    """The start-up floor imports nothing a PDF export could do without, and the
    shaping floor shapes the handout's words."""
    import subprocess
    import sys

    from benchmarks.scale import REQUIRED_IMPORTS, harfbuzz_alone
    from kedu.exporters import ExportOptions, get_exporter

    modules = [m.strip() for m in REQUIRED_IMPORTS.removeprefix("import ").split(",")]
    script = (
        "import sys; from kedu.load import parse_article; from kedu.localization import localize; "
        "from kedu.exporters import ExportOptions, get_exporter; "
        f"doc = localize(parse_article({TINY!r}), 'en', base_dir='.'); "
        "get_exporter('pdf').export(doc, ExportOptions()); "
        f"missing = [m for m in {modules!r} if m not in sys.modules]; "
        "assert not missing, missing"
    )
    subprocess.run([sys.executable, "-c", script], check=True)
    assert get_exporter("pdf").export(tiny, ExportOptions()).startswith(b"%PDF")
    assert harfbuzz_alone(content, kedu_font_files()) > 0
