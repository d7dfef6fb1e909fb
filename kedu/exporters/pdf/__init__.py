"""PDF export: a print-ready patient handout, drawn on a reportlab canvas.

Text in every shipped script — Latin with Vietnamese diacritics, Cyrillic,
Arabic, Simplified Chinese — is shaped with HarfBuzz and set by kedu's own
line breaker (:mod:`kedu.exporters.pdf.text`), in fonts from pip-installed
packages (:mod:`kedu.exporters.pdf.fonts`), all embedded.  Importing this
module imports reportlab; ``import kedu`` does not.  A bilingual handout
(:meth:`PdfExporter.export_bilingual`) sets the source article beside the
translation in aligned columns (:mod:`kedu.exporters.pdf.bilingual`).
"""

from __future__ import annotations

from typing import ClassVar

from kedu.exporters.base import Exporter, ExportOptions
from kedu.exporters.pdf.document import build_pdf
from kedu.models.localized import LocalizedArticle

__all__ = ["PdfExporter"]


class PdfExporter(Exporter):
    """Letter or A4 handout, optionally large print; byte-identical for the same input."""

    name: ClassVar[str] = "pdf"
    extension: ClassVar[str] = "pdf"
    media_type: ClassVar[str] = "application/pdf"
    supports_bilingual: ClassVar[bool] = True

    def export(self, doc: LocalizedArticle, options: ExportOptions) -> bytes:
        return build_pdf(doc, options)

    def export_bilingual(
        self, doc: LocalizedArticle, source: LocalizedArticle, options: ExportOptions
    ) -> bytes:
        from kedu.exporters.pdf.bilingual import build_bilingual_pdf

        return build_bilingual_pdf(doc, source, options)
