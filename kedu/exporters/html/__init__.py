"""HTML export: one self-contained, accessible web page per language.

The page is rendered from the document tree (:mod:`kedu.document`) by
:mod:`.render`: semantic HTML5 with an inline stylesheet (:mod:`.style`),
pictures embedded as ``data:`` URIs, no script and no external requests, so
the one file can be posted on a clinic website, attached to a patient-portal
message or opened offline.  The page can also be
bilingual (:meth:`HtmlExporter.export_bilingual`): source and translation side
by side, stacked on phones.
"""

from __future__ import annotations

from typing import ClassVar

from kedu.document import build_bilingual, build_document
from kedu.exporters.base import Exporter, ExportOptions
from kedu.exporters.html.render import render, render_bilingual
from kedu.models.localized import LocalizedArticle

__all__ = ["HtmlExporter"]


class HtmlExporter(Exporter):
    name: ClassVar[str] = "html"
    extension: ClassVar[str] = "html"
    media_type: ClassVar[str] = "text/html; charset=utf-8"
    supports_bilingual: ClassVar[bool] = True

    def export(self, doc: LocalizedArticle, options: ExportOptions) -> bytes:
        return render(build_document(doc, logo=options.logo), options)

    def export_bilingual(
        self, doc: LocalizedArticle, source: LocalizedArticle, options: ExportOptions
    ) -> bytes:
        pair = build_bilingual(source, doc, logo=options.logo)
        return render_bilingual(pair, options)
