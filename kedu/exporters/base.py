"""The one small interface every output format implements."""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from kedu.errors import ExportError, OptionsError
from kedu.models.localized import LocalizedArticle

Paper = Literal["letter", "a4"]


class ExportOptions(BaseModel):
    """Print settings shared by all formats; formats ignore what does not apply.

    A bilingual handout is not an option but a second article: pass the
    source-language article to :func:`kedu.export` (``source=``), or set
    ``ExportJob(bilingual=True)``.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    paper: Paper = Field(default="letter", description="Paper size for PDF and Word: letter or a4.")
    large_print: bool = Field(
        default=False, description="Large print (everything ≥ 16 pt) for low vision."
    )
    logo: Path | None = Field(
        default=None, description="Organization logo image printed in the header."
    )

    if TYPE_CHECKING:
        # Type checkers (without pydantic's plugin) see the real signature: paths
        # may be given as str or any os.PathLike; pydantic turns them into Path.
        def __init__(
            self,
            *,
            paper: Paper = "letter",
            large_print: bool = False,
            logo: str | os.PathLike[str] | None = None,
        ) -> None: ...

    @model_validator(mode="before")
    @classmethod
    def _removed_companion(cls, data: Any) -> Any:
        if isinstance(data, dict) and "companion" in data:
            # Migration from kedu 0.1, where the source article rode in the options.
            raise TypeError(
                "ExportOptions(companion=...) was removed: pass the source-language article "
                "as kedu.export(doc, format, options, source=article) or "
                "exporter.export_bilingual(doc, article, options), "
                "or use ExportJob(..., bilingual=True)"
            )
        return data

    if not TYPE_CHECKING:  # keep the typed signature pydantic's mypy plugin generates

        def __init__(self, **data: Any) -> None:
            try:
                super().__init__(**data)
            except ValidationError as exc:
                raise options_error(exc, "ExportOptions") from exc


def options_error(exc: ValidationError, model: str) -> OptionsError:
    """One line for the first problem of ``exc`` (the full error stays the cause)."""
    from kedu.load import format_validation_error

    field, _line, message = format_validation_error(exc)
    return OptionsError(message, field=model if field == "(article)" else f"{model}.{field}")


class Exporter(ABC):
    """Turns a localized article into the bytes of one document.

    Subclasses set the class attributes and override :meth:`export`.  An
    exporter must be a pure function of its arguments: the same input gives the
    same bytes, and it never reads catalogs or writes files.
    """

    name: ClassVar[str]
    """Format name used on the command line (``pdf``)."""
    extension: ClassVar[str]
    """File name extension without the dot (``pdf``)."""
    media_type: ClassVar[str]
    """MIME type of the output."""
    supports_bilingual: ClassVar[bool] = False

    @abstractmethod
    def export(self, doc: LocalizedArticle, options: ExportOptions) -> bytes:
        """Render ``doc`` and return the complete file contents."""

    def export_bilingual(
        self, doc: LocalizedArticle, source: LocalizedArticle, options: ExportOptions
    ) -> bytes:
        """Render ``doc`` with ``source`` (the same article in its source language)
        beside it.  Formats with a bilingual layout set ``supports_bilingual`` and
        override this."""
        raise ExportError(f"format {self.name!r} has no bilingual layout")
