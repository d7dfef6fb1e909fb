"""kedu: patient-education articles → translated, print-ready handouts.

The pipeline, in the order data flows::

    load_article(path)            # kedu.load      YAML/JSON → typed Article
    localize(article, "es")       # kedu.localization  catalogs → LocalizedArticle
    export(doc, "pdf")            # kedu.exporters LocalizedArticle → bytes
    write_atomic(path, data)      # kedu.write     bytes → file, never half-written

Heavy modules (reportlab, python-docx) are imported only when a format that
needs them is used, so ``import kedu`` stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kedu._version import __version__
from kedu.errors import KeduError

if TYPE_CHECKING:
    from kedu.api import export, export_many, plan_exports
    from kedu.exporters import ExportOptions
    from kedu.importers import import_article
    from kedu.jobs import ExportJob, JobResult
    from kedu.load import load_article
    from kedu.localization import available_locales, localize
    from kedu.models import Article, LocalizedArticle
    from kedu.write import write_atomic

__all__ = [
    "Article",
    "ExportJob",
    "ExportOptions",
    "JobResult",
    "KeduError",
    "LocalizedArticle",
    "__version__",
    "available_locales",
    "export",
    "export_many",
    "import_article",
    "load_article",
    "localize",
    "plan_exports",
    "write_atomic",
]

_LAZY = {
    "Article": "kedu.models",
    "LocalizedArticle": "kedu.models",
    "ExportOptions": "kedu.exporters",
    "load_article": "kedu.load",
    "localize": "kedu.localization",
    "available_locales": "kedu.localization",
    "export": "kedu.api",
    "export_many": "kedu.api",
    "plan_exports": "kedu.api",
    "ExportJob": "kedu.jobs",
    "JobResult": "kedu.jobs",
    "import_article": "kedu.importers",
    "write_atomic": "kedu.write",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'kedu' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
