"""Load the example article, translate it, and export it with kedu's Python API.

Run from the repository root:  python examples/export_json.py
"""

from __future__ import annotations

from pathlib import Path

import kedu

HERE = Path(__file__).resolve().parent
ARTICLE = HERE / "ketamine-therapy" / "article.yaml"


def main() -> None:
    article = kedu.load_article(ARTICLE)
    out = Path("out")
    for locale in kedu.available_locales(article, base_dir=ARTICLE.parent):
        doc = kedu.localize(article, locale, base_dir=ARTICLE.parent)
        data = kedu.export(doc, "json")
        path = kedu.write_atomic(out / f"{article.id}.{doc.locale}.json", data)
        print(f"{path}: {doc.direction}, review: {doc.review.state}, {len(data)} bytes")


if __name__ == "__main__":
    main()
