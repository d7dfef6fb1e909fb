"""The JSON Schema of the article source format.

``article.schema.json`` next to this file is generated from the model
(``kedu schema > kedu/schema/article.schema.json``); a test checks
that it is current.
"""

from __future__ import annotations

import json

from kedu.models.article import Article

SCHEMA_ID = "https://example.org/kedu/article.schema.json"


def article_schema() -> dict[str, object]:
    schema = Article.model_json_schema(mode="validation")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}


def schema_text() -> str:
    return json.dumps(article_schema(), indent=2, ensure_ascii=False) + "\n"
