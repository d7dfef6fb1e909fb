"""Profile one in-process contender with pyinstrument: ``python benchmarks/profile.py pdf``.

Targets: ``pdf`` and ``docx`` (kedu's exporters), ``bare-pdf`` and ``bare-docx``
(the baselines), ``weasyprint``.  The contender runs once untimed (warm-up),
then ``--reps`` times under the profiler; the text report goes to stdout, an
HTML one to ``--html FILE``.  For start-up time use ``python -X importtime -m
kedu --help``; for the batch, ``py-spy record --subprocesses -- kedu export ...``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.cli import EXAMPLE
from benchmarks.content import (
    bare_python_docx,
    bare_reportlab_pdf,
    content_of,
    html_document,
    kedu_font_files,
    weasyprint_pdf,
)

TARGETS = ("pdf", "docx", "bare-pdf", "bare-docx", "weasyprint")


def contender(target: str, article: Path, lang: str) -> Callable[[], object]:
    from kedu.exporters import ExportOptions, get_exporter
    from kedu.load import load_article
    from kedu.localization import localize

    doc = localize(load_article(article), lang, base_dir=article.parent)
    content = content_of(doc)
    if target in ("pdf", "docx"):
        exporter, options = get_exporter(target), ExportOptions()
        return lambda: exporter.export(doc, options)
    if target == "bare-pdf":
        fonts = kedu_font_files()
        return lambda: bare_reportlab_pdf(content, fonts)
    if target == "bare-docx":
        return lambda: bare_python_docx(content)
    page = html_document(content, kedu_font_files())
    return lambda: weasyprint_pdf(page)


def main() -> int:
    parser = argparse.ArgumentParser(prog="python benchmarks/profile.py", description=__doc__)
    parser.add_argument("target", choices=TARGETS)
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--article", type=Path, default=EXAMPLE)
    parser.add_argument("--lang", default="en")
    parser.add_argument("--html", type=Path, metavar="FILE", help="also write an HTML report")
    args = parser.parse_args()
    from pyinstrument import Profiler

    call = contender(args.target, args.article.resolve(), args.lang)
    call()
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(args.reps):
        call()
    profiler.stop()
    print(profiler.output_text(unicode=True, color=False, show_all=False))
    if args.html:
        args.html.write_text(profiler.output_html(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
