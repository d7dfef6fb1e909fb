"""Tagged PDF (PDF/UA-1): kedu's tagged output beside its own output before
tagging and beside WeasyPrint's ``pdf_variant="pdf/ua-1"`` on the same content,
with the ``pdfua`` checker's findings for each.

``python benchmarks/tagged.py [--reps N]`` prints the rows on their own;
:func:`tagged_pdf_rows` gives them to the main table.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.content import content_of, html_document, kedu_font_files
from benchmarks.harness import Row, Target, ratio_row, render_table, time_interleaved
from kedu.models import LocalizedArticle

GROUP = "7 tagged PDF (PDF/UA-1)"


@contextlib.contextmanager
def _untagged() -> Iterator[None]:
    """kedu's PDF export with the tagging step skipped: the same layout with its
    marked content, but no structure tree, bookmarks or XMP written."""
    from kedu.exporters.pdf import tagging

    real = tagging.finish
    tagging.finish = lambda pdf, *_args: pdf
    try:
        yield
    finally:
        tagging.finish = real


def weasyprint_ua_pdf(document: str) -> bytes:
    """WeasyPrint's tagged output (``pdf_variant="pdf/ua-1"``)."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    pdf = HTML(string=document).write_pdf(font_config=FontConfiguration(),
                                          pdf_variant="pdf/ua-1")
    assert pdf is not None
    return bytes(pdf)


def pdfua_findings(pdf: bytes) -> tuple[int, list[str]]:
    """(number of findings, their rule ids) of the ``pdfua`` checker."""
    import tempfile

    from pdfua.validator import validate

    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        report = validate(handle.name)
    findings = list(getattr(report, "findings", []))
    return len(findings), sorted({str(getattr(f, "rule_id", f)) for f in findings})


def tagged_pdf_rows(doc: LocalizedArticle, reps: int, warmup: int,
                    *, weasyprint: bool = True) -> list[Row]:
    """Rows: kedu tagged, kedu before tagging, WeasyPrint PDF/UA-1, their ratios,
    and each output's ``pdfua`` findings."""
    from kedu.exporters import ExportOptions, get_exporter

    exporter = get_exporter("pdf")
    options = ExportOptions()

    def tagged() -> bytes:
        return exporter.export(doc, options)

    def untagged() -> bytes:
        with _untagged():
            return exporter.export(doc, options)

    contenders: dict[str, Callable[[], object]] = {"tagged": tagged, "untagged": untagged}
    if weasyprint:
        page = html_document(content_of(doc), kedu_font_files())
        contenders["weasyprint_ua"] = lambda: weasyprint_ua_pdf(page)
    samples, errors, results = time_interleaved(contenders, reps, warmup)

    def timed(key: str, name: str, note: str = "") -> Row:
        return Row(GROUP, name, "time", samples=samples.get(key, []), error=errors.get(key),
                   note=note)

    kedu = timed("tagged", "kedu tagged PDF (the default)")
    before = timed("untagged", "kedu PDF before tagging", "tagging step skipped")
    rows = [kedu, before,
            ratio_row(GROUP, "kedu tagged / before tagging", kedu, before,
                      Target("<=", 1.15, "≤ 1.15x"))]
    if weasyprint:
        weasy = timed("weasyprint_ua", 'WeasyPrint pdf_variant="pdf/ua-1"')
        rows.insert(2, weasy)
        rows.append(ratio_row(GROUP, "WeasyPrint PDF/UA-1 / kedu tagged", weasy, kedu,
                              Target(">=", 8.0, "≥ 8x")))
    for key, name in (("tagged", "kedu"), ("weasyprint_ua", "WeasyPrint PDF/UA-1")):
        data = results.get(key)
        if not isinstance(data, bytes):
            continue
        try:
            count, rules = pdfua_findings(data)
        except Exception as exc:  # the checker is optional here (test extra)
            rows.append(Row(GROUP, f"pdfua findings: {name}", "count", error=str(exc)))
            continue
        rows.append(Row(GROUP, f"pdfua findings: {name}", "count", samples=[float(count)],
                        target=Target("<=", 0, "none"), note=", ".join(rules)))
    return rows


def main(argv: list[str] | None = None) -> int:
    import kedu

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=15)
    parser.add_argument("--lang", default="en")
    args = parser.parse_args(argv)
    root = Path(__file__).resolve().parent.parent
    article = kedu.load_article(root / "examples" / "ketamine-therapy" / "article.yaml")
    doc = kedu.localize(article, args.lang)
    try:
        import weasyprint  # noqa: F401

        weasy = True
    except (ImportError, OSError):
        weasy = False
    print(render_table(tagged_pdf_rows(doc, args.reps, 2, weasyprint=weasy)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
