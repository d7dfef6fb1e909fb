"""What exporters receive: an article already localized, with everything around it.

Exporters never open catalogs, look up text direction or format dates: all of
that is settled by :func:`kedu.localize` and travels in a
:class:`LocalizedArticle`.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from kedu.models.article import Article

Direction = Literal["ltr", "rtl"]


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Labels(_Frozen):
    """kedu's own printed words, translated into the article's locale."""

    page_of: str = Field(description="Footer page counter with {page} and {pages} placeholders.")
    last_reviewed: str | None = Field(
        default=None,
        description="'Last reviewed: <date>' with the date already formatted, or None."
    )
    photo_credit: str = Field(description="Image credit line with a {credit} placeholder.")
    call_us: str = Field(description="Label before the phone number.")
    website: str = Field(description="Label before the website address.")
    email: str = Field(description="Label before the e-mail address.")
    address: str = Field(description="Label before the postal address.")
    note: str = Field(description="Word printed on a note box.")
    warning: str = Field(description="Word printed on a warning box.")
    tip: str = Field(description="Word printed on a tip box.")
    disclaimer_heading: str = Field(description="Heading above the medical disclaimer.")
    default_disclaimer: str = Field(description="Disclaimer used when the article has none.")
    draft_notice: str = Field(description="Notice printed on handouts from unreviewed catalogs.")
    language_name: str = Field(description="The locale's name in its own language.")
    page_number_locale: str = Field(description="Babel locale used to format page numbers.")

    def page_counter(self, page: int, pages: int) -> str:
        """'Page 2 of 3' in the article's language, numbers formatted for the locale."""
        from babel.numbers import format_decimal

        loc = self.page_number_locale
        return self.page_of.format(
            page=format_decimal(page, locale=loc), pages=format_decimal(pages, locale=loc)
        )


class ReviewStatus(_Frozen):
    """Whether a qualified person reviewed the translation a handout was made from."""

    state: Literal["source", "reviewed", "draft"] = Field(
        description="'source' for the original language, 'reviewed', or 'draft' (unreviewed)."
    )
    reviewed_by: str | None = Field(
        default=None, description="Reviewer named in the catalog header."
    )
    review_date: date | None = Field(default=None, description="Date of the recorded review.")
    reason: str | None = Field(default=None, description="Why a catalog counts as a draft.")

    @property
    def is_draft(self) -> bool:
        return self.state == "draft"


class LocalizationReport(_Frozen):
    """What :func:`kedu.localize` had to do besides translating."""

    locale: str = Field(description="The locale that was requested, as normalized.")
    catalog_locale: str | None = Field(
        default=None, description="The catalog actually used (e.g. 'es' for a request of 'es_MX')."
    )
    fallbacks: list[str] = Field(
        default_factory=list,
        description="Message contexts printed in the source language (allow_partial only).",
    )
    label_fallbacks: list[str] = Field(
        default_factory=list, description="kedu labels printed in English (allow_partial only)."
    )


class LocalizedArticle(_Frozen):
    """An article in one locale, ready for any exporter."""

    article: Article = Field(description="The article with all text in the target language.")
    locale: str = Field(description="Babel locale identifier, e.g. 'es', 'zh_Hans'.")
    language_tag: str = Field(description="BCP 47 tag for document metadata, e.g. 'zh-Hans'.")
    direction: Direction = Field(description="Main text direction of the locale (from CLDR).")
    labels: Labels = Field(description="kedu's printed labels in this locale.")
    review: ReviewStatus = Field(description="Review state of the translation used.")
    report: LocalizationReport = Field(description="Fallbacks used while localizing.")
    source_checksum: str = Field(description="sha256 of the source article, 'sha256:<hex>'.")
    base_dir: Path | None = Field(
        default=None, description="Folder of the article file; image paths are relative to it."
    )

    def __repr__(self) -> str:
        return (
            f"LocalizedArticle({self.article.id!r}, locale={self.locale!r}, "
            f"direction={self.direction!r}, review={self.review.state!r})"
        )

    __str__ = __repr__

    @property
    def disclaimer(self) -> str:
        """The disclaimer to print: the article's own, else kedu's default."""
        return self.article.disclaimer or self.labels.default_disclaimer
