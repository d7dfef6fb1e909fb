"""Export jobs: one (article, locale, format, options) → one file's bytes.

A job is a plain, picklable value and :func:`run_job` is a pure function of it,
so jobs can run in this process, in a process pool, or on any
``concurrent.futures.Executor`` (a Dask cluster's included).  Writing files is
left to the caller, which does it atomically.
"""

from __future__ import annotations

import os
import time
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from kedu.errors import KeduError, ReviewRequiredError
from kedu.exporters.base import ExportOptions
from kedu.models.article import Article

__all__ = ["ExportJob", "JobResult", "output_name", "run_job"]


class ExportJob(BaseModel):
    """Everything needed to make one document."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    article: Article = Field(description="The source article.")
    locale: str = Field(description="Target locale (negotiated against the catalogs).")
    format: str = Field(description="Exporter name: pdf, docx, json, ...")
    options: ExportOptions = Field(default_factory=ExportOptions, description="Print options.")
    catalogs: Path | None = Field(
        default=None, description="Locales directory; None finds the nearest."
    )
    base_dir: Path | None = Field(default=None, description="Folder of the article file.")
    allow_partial: bool = Field(
        default=False, description="Print missing translations in the source."
    )
    require_reviewed: bool = Field(
        default=False, description="Refuse drafts (unreviewed catalogs)."
    )
    bilingual: bool = Field(
        default=False,
        description="A bilingual handout: the article's source language beside the target.",
    )

    if TYPE_CHECKING:
        # The signature type checkers see without pydantic's mypy plugin: defaults
        # visible, folders as str or any os.PathLike (pydantic makes them Paths).
        def __init__(
            self,
            *,
            article: Article,
            locale: str,
            format: str,
            options: ExportOptions = ...,
            catalogs: str | os.PathLike[str] | None = None,
            base_dir: str | os.PathLike[str] | None = None,
            allow_partial: bool = False,
            require_reviewed: bool = False,
            bilingual: bool = False,
        ) -> None: ...

    @property
    def label(self) -> str:
        """'ketamine-therapy es pdf' for progress lines and reports."""
        lang = f"{self.article.language}-{self.locale}" if self.bilingual else self.locale
        return f"{self.article.id} {lang} {self.format}"


class JobResult(BaseModel):
    """The outcome of one job: the bytes, or the one-line reason it failed."""

    model_config = ConfigDict(frozen=True)

    job: ExportJob
    filename: str | None = Field(default=None, description="File name (no folder) for the output.")
    data: bytes | None = Field(default=None, description="The document, when the job succeeded.")
    error: str | None = Field(default=None, description="One-line reason, when the job failed.")
    detail: str | None = Field(default=None, description="Traceback of an unexpected failure.")
    seconds: float = Field(default=0.0, description="Time the job took.")
    draft: bool = Field(default=False, description="Made from an unreviewed translation.")
    fallbacks: int = Field(default=0, description="Messages printed in the source language.")

    @property
    def ok(self) -> bool:
        return self.error is None


def output_name(
    article_id: str,
    locale: str,
    extension: str,
    *,
    large_print: bool = False,
    source: str | None = None,
) -> str:
    """``<id>.<lang>[.large].<ext>``; bilingual: ``<id>.<src>-<lang>[.large].<ext>``."""
    lang = f"{source}-{locale}" if source else locale
    large = ".large" if large_print else ""
    return f"{article_id}.{lang}{large}.{extension}"


def run_job(job: ExportJob) -> JobResult:
    """Make the document of ``job``.  Never raises: failures come back in the result."""
    from kedu.exporters import get_exporter
    from kedu.localization import localize

    started = time.perf_counter()
    try:
        exporter = get_exporter(job.format)
        doc = localize(
            job.article,
            job.locale,
            catalogs=job.catalogs,
            allow_partial=job.allow_partial,
            base_dir=job.base_dir,
        )
        if job.require_reviewed and doc.review.is_draft:
            raise ReviewRequiredError(
                f"the {doc.locale} translation of {job.article.id!r} is a draft "
                f"({doc.review.reason}); a qualified medical translator must review it "
                f"(`kedu i18n review --lang {doc.locale} --by NAME`)"
            )
        source_locale = None
        if job.bilingual:
            if not exporter.supports_bilingual:
                raise KeduError(f"format {job.format!r} has no bilingual layout")
            source = localize(
                job.article, job.article.language, catalogs=job.catalogs, base_dir=job.base_dir
            )
            data = exporter.export_bilingual(doc, source, job.options)
            source_locale = source.locale
        else:
            data = exporter.export(doc, job.options)
        name = output_name(
            job.article.id,
            doc.locale,
            exporter.extension,
            large_print=job.options.large_print,
            source=source_locale,
        )
        return JobResult(
            job=job,
            filename=name,
            data=data,
            seconds=time.perf_counter() - started,
            draft=doc.review.is_draft,
            fallbacks=len(doc.report.fallbacks) + len(doc.report.label_fallbacks),
        )
    except KeduError as exc:
        return JobResult(job=job, error=str(exc), seconds=time.perf_counter() - started)
    except Exception as exc:
        return JobResult(
            job=job,
            error=f"internal error: {type(exc).__name__}: {exc}",
            detail=traceback.format_exc(),
            seconds=time.perf_counter() - started,
        )
