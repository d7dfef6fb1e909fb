"""Output formats, resolved lazily by name.

``get_exporter("pdf")`` imports :mod:`kedu.exporters.pdf` only when asked, so
``import kedu`` and ``kedu --help`` never load reportlab or python-docx.

Third-party formats register an :class:`~kedu.exporters.base.Exporter` subclass
under the ``kedu.exporters`` entry-point group::

    [project.entry-points."kedu.exporters"]
    epub = "my_package.epub:EpubExporter"
"""

from __future__ import annotations

import importlib
from functools import cache

from kedu.errors import UnknownFormatError
from kedu.exporters.base import Exporter, ExportOptions, Paper

__all__ = [
    "BUILTIN_FORMATS",
    "ExportOptions",
    "Exporter",
    "Paper",
    "available_formats",
    "get_exporter",
]

BUILTIN_FORMATS: dict[str, str] = {
    "pdf": "kedu.exporters.pdf:PdfExporter",
    "docx": "kedu.exporters.docx:DocxExporter",
    "html": "kedu.exporters.html:HtmlExporter",
    "json": "kedu.exporters.json:JsonExporter",
}


@cache
def _plugin_formats() -> dict[str, str]:
    # Scanning installed packages' entry points is needed only for a name that is
    # not built in, or to list every format.
    from importlib.metadata import entry_points

    return {ep.name: ep.value for ep in entry_points(group="kedu.exporters")}


def available_formats() -> list[str]:
    """Every format name kedu can export to, built-in ones first."""
    return list(BUILTIN_FORMATS) + sorted(set(_plugin_formats()) - set(BUILTIN_FORMATS))


@cache
def get_exporter(name: str) -> Exporter:
    """The exporter registered under ``name``; :class:`UnknownFormatError` if none."""
    target = BUILTIN_FORMATS.get(name) or _plugin_formats().get(name)
    if target is None:
        raise UnknownFormatError(
            f"unknown format {name!r}; available formats: {', '.join(available_formats())}"
        )
    module_name, _, class_name = target.partition(":")
    cls = getattr(importlib.import_module(module_name), class_name)
    exporter = cls()
    if not isinstance(exporter, Exporter):
        raise UnknownFormatError(f"format {name!r} ({target}) is not a kedu Exporter")
    return exporter
