"""The JSON Schema of the article source format.

``article.schema.json`` next to this file is generated from the model
(``kedu schema > kedu/schema/article.schema.json``); a test checks
that it is current.
"""

from __future__ import annotations

import json
from typing import Any

from kedu.models.article import Article

ARTICLE_FORMAT_VERSION = 1
"""Version of the article format; raised when a change would reject old articles."""

# kedu has no web home to publish the schema at, so its identifier is a URN (an
# absolute URI, as JSON Schema requires) that carries the format version.
SCHEMA_ID = f"urn:kedu:schema:article:v{ARTICLE_FORMAT_VERSION}"


def article_schema() -> dict[str, object]:
    schema = Article.model_json_schema(mode="validation")
    _discriminate_sections(schema)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}


def _discriminate_sections(schema: dict[str, Any]) -> None:
    """Make the section ``type`` select the sub-schema for JSON Schema validators.

    pydantic writes a ``oneOf`` plus OpenAPI's ``discriminator`` keyword, which
    JSON Schema validators ignore: a section with one wrong field then fails
    only as "not valid under any of the given schemas".  With one ``if type is
    X then <X's schema>`` rule per kind, a validator checks the section against
    its own kind and names the wrong field; ``discriminator`` stays for OpenAPI
    tools.
    """
    items = schema["properties"]["sections"]["items"]
    mapping: dict[str, str] = items["discriminator"]["mapping"]
    items.pop("oneOf")
    items["type"] = "object"
    items["required"] = ["type"]
    items["properties"] = {
        "type": {"enum": sorted(mapping), "description": "Section kind; selects its fields."}
    }
    items["allOf"] = [
        {
            "if": {"properties": {"type": {"const": kind}}, "required": ["type"]},
            "then": {"$ref": ref},
        }
        for kind, ref in sorted(mapping.items())
    ]


def schema_text() -> str:
    return json.dumps(article_schema(), indent=2, ensure_ascii=False) + "\n"
