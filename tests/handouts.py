"""Test articles beyond the example: one with every kind of block."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import yaml

import kedu


def png(width: int, height: int) -> bytes:
    """A small solid-colour PNG, written by hand so tests need no imaging library."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    rows = b"".join(b"\x00" + b"\x80\x40\x20" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def every_block_article(folder: Path, **overrides: object) -> Path:
    """An article using every section kind and contact detail, with a picture."""
    (folder / "room.png").write_bytes(png(60, 30))
    data: dict[str, object] = {
        "id": "every-block",
        "title": "Your *iron* infusion",
        "subtitle": "What happens, step by step",
        "summary": "A short guide for patients and **their families**.",
        "language": "en",
        "review_date": "2026-11-01",
        "organization": {
            "name": "Example Health Clinic",
            "phone": "555-0100",
            "website": "https://example.org/",
            "email": "care@example.org",
            "address": "100 Example Street, Springfield",
        },
        "sections": [
            {"type": "prose", "id": "before", "heading": "Before your visit",
             "paragraphs": ["Eat a normal breakfast.",
                            "Read [our guide](https://example.org/guide) first."]},
            {"type": "list", "id": "effects", "heading": "Common side effects",
             "intro": "You may notice:", "outro": "Tell us about any of them.",
             "items": [{"id": "headache", "term": "Headache",
                        "description": "Mild, and usually gone in a day."},
                       {"id": "taste", "term": "Metal taste",
                        "description": "It fades *quickly*."}]},
            {"type": "callout", "id": "important", "kind": "warning",
             "heading": "Important", "text": "Trouble breathing? **Call 911.**"},
            {"type": "callout", "id": "remember", "kind": "note",
             "text": "Bring a list of your medicines."},
            {"type": "callout", "id": "hint", "kind": "tip", "text": "Wear a loose sleeve."},
            {"type": "image", "id": "room", "src": "room.png",
             "alt": "An infusion chair beside a window", "caption": "The infusion room",
             "credit": "Jane Roe"},
            {"type": "faq", "id": "faq", "heading": "Questions",
             "entries": [{"id": "how-long", "question": "How long does it take?",
                          "answer": "About 30 minutes."}]},
            {"type": "call_to_action", "id": "contact", "heading": "Questions?",
             "text": "[Call us](tel:+1-555-0100) any weekday.",
             "show": ["phone", "website", "email", "address"]},
        ],
    }
    data.update(overrides)
    path = folder / "article.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def localized_every_block(folder: Path) -> kedu.LocalizedArticle:
    path = every_block_article(folder)
    return kedu.localize(kedu.load_article(path), "en", base_dir=path.parent)
