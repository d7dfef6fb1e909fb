"""Word (.docx) export: a restylable, accessible handout built from real Word styles.

The document is assembled with python-docx (:mod:`.build`, :mod:`.styles`),
with the WordprocessingML python-docx lacks written in :mod:`.oxml`, and then
repackaged by :mod:`.package` so the same input always gives the same bytes.
A bilingual handout (:meth:`DocxExporter.export_bilingual`, with the
source-language article) has the two languages side by side in a borderless table, one row per
segment (see :mod:`.build`).
"""

from __future__ import annotations

from typing import Any, ClassVar

from kedu.exporters.base import Exporter, ExportOptions
from kedu.exporters.docx.build import build_document, document_date
from kedu.exporters.docx.package import write_package
from kedu.models.localized import LocalizedArticle

__all__ = ["DocxExporter"]


class DocxExporter(Exporter):
    name: ClassVar[str] = "docx"
    extension: ClassVar[str] = "docx"
    media_type: ClassVar[str] = (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    supports_bilingual: ClassVar[bool] = True

    def export(self, doc: LocalizedArticle, options: ExportOptions) -> bytes:
        return self._save(doc, build_document(doc, options))

    def export_bilingual(
        self, doc: LocalizedArticle, source: LocalizedArticle, options: ExportOptions
    ) -> bytes:
        return self._save(doc, build_document(doc, options, companion=source))

    @staticmethod
    def _save(doc: LocalizedArticle, document: Any) -> bytes:
        return write_package(document, document_date(doc))
