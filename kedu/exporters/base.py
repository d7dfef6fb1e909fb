"""The one small interface every output format implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from kedu.models.localized import LocalizedArticle

Paper = Literal["letter", "a4"]


class ExportOptions(BaseModel):
    """Print settings shared by all formats; formats ignore what does not apply."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    paper: Paper = Field("letter", description="Paper size for PDF and Word: letter or a4.")
    large_print: bool = Field(False, description="Large print (body ≥ 16 pt) for low vision.")
    logo: Path | None = Field(None, description="Organization logo image printed in the header.")
    companion: LocalizedArticle | None = Field(
        None,
        description="Bilingual handouts: the source-language article printed beside this one.",
    )


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
