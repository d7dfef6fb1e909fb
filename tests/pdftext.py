"""Reading text back out of kedu's PDFs, shared by the PDF tests."""

from __future__ import annotations

import re
import unicodedata

from kedu.models import LocalizedArticle
from kedu.models.inline import plain_text


def normalize(text: str, *, cjk: bool = False) -> str:
    # pdfminer puts a space before a mark the font positions separately (ị = i + ̣).
    text = re.sub(r"\s+(?=[\u0300-\u036f])", "", text)
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"(?<=\w-)\s+(?=\w)", "", text)  # a line broken after a hyphen
    text = re.sub(r"\s+", "" if cjk else " ", text)
    return text.strip()


def segments(doc: LocalizedArticle) -> list[tuple[str, str]]:
    return [
        (seg.path, plain_text(seg.text))
        for seg in doc.article.segments()
        if not seg.path.endswith("/alt")
    ]
