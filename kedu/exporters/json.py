"""JSON export: the localized article inside a small, versioned envelope.

For websites and other programs.  The envelope says which locale and text
direction the text is in, whether the translation was reviewed, and the
checksum of the source article it was made from.  An export of the source
language loads back (``kedu.load_article``) to an equal article.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from kedu.exporters.base import Exporter, ExportOptions
from kedu.models.localized import LocalizedArticle

FORMAT_VERSION = 1


def envelope(doc: LocalizedArticle) -> dict[str, Any]:
    """The JSON-ready envelope for ``doc``."""
    return {
        "kedu": FORMAT_VERSION,
        "locale": doc.locale,
        "language_tag": doc.language_tag,
        "direction": doc.direction,
        "source_checksum": doc.source_checksum,
        "review": doc.review.model_dump(mode="json"),
        "fallbacks": list(doc.report.fallbacks),
        "article": doc.article.model_dump(mode="json", exclude_none=True),
    }


class JsonExporter(Exporter):
    name: ClassVar[str] = "json"
    extension: ClassVar[str] = "json"
    media_type: ClassVar[str] = "application/json"

    def export(self, doc: LocalizedArticle, options: ExportOptions) -> bytes:
        text = json.dumps(envelope(doc), ensure_ascii=False, indent=2)
        return (text + "\n").encode("utf-8")
