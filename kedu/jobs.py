"""Export jobs: one (article, locale, format, options) → one file's bytes.

A job is a plain, picklable value and :func:`run_job` is a pure function of it,
so jobs can run in this process, in a process pool, or on any
``concurrent.futures.Executor`` (a Dask cluster's included).  Writing files is
left to the caller, which does it atomically.

A job made :meth:`~ExportJob.portable` carries its localized article (the
catalogs already applied) and the bytes of the images and logo it prints, so a
worker on another machine, in another folder, needs nothing but kedu.
:func:`run_group` runs the jobs of one (article, language) together, localizing
once for all their formats.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import shutil
import tempfile
import time
import traceback
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from kedu.errors import KeduError, ReviewRequiredError
from kedu.exporters.base import ExportOptions
from kedu.models.article import Article
from kedu.models.localized import LocalizedArticle

__all__ = ["ExportJob", "JobResult", "output_name", "run_group", "run_job"]


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
    localized: LocalizedArticle | None = Field(
        default=None, description="Portable jobs: the article already in the target language."
    )
    companion: LocalizedArticle | None = Field(
        default=None, description="Portable bilingual jobs: the article in the source language."
    )
    files: dict[str, bytes] = Field(
        default_factory=dict,
        description="Portable jobs: images (by path relative to the article) and the logo.",
    )
    problem: str | None = Field(
        default=None, description="Portable jobs: why localizing failed (the job fails with it)."
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
            localized: LocalizedArticle | None = None,
            companion: LocalizedArticle | None = None,
            files: dict[str, bytes] | None = None,
            problem: str | None = None,
        ) -> None: ...

    def __repr__(self) -> str:
        # Concise: the article is named, not dumped (print() of a batch stays readable).
        flags = [
            name
            for name in ("allow_partial", "require_reviewed", "bilingual")
            if getattr(self, name)
        ]
        extra = "".join(f", {name}=True" for name in flags)
        return (
            f"ExportJob(article={self.article.id!r}, locale={self.locale!r}, "
            f"format={self.format!r}{extra})"
        )

    __str__ = __repr__

    @property
    def label(self) -> str:
        """'ketamine-therapy es pdf' for progress lines and reports."""
        lang = f"{self.article.language}-{self.locale}" if self.bilingual else self.locale
        return f"{self.article.id} {lang} {self.format}"

    @property
    def group(self) -> tuple[object, ...]:
        """Jobs with the same group key share one localized article."""
        return (
            self.article.id, self.locale, self.catalogs, self.base_dir, self.allow_partial,
            self.bilingual, id(self.localized),
        )  # fmt: skip

    def portable(self) -> ExportJob:
        """This job with everything it reads from disk inside it: the localized
        article (and the source-language one, for bilingual handouts) and the
        bytes of its images and logo.  A localization error is kept, to be
        reported by the worker like any other failure."""
        if self.localized is not None or self.problem is not None:
            return self
        from kedu.localization import localize

        update: dict[str, object] = {}
        try:
            doc = localize(
                self.article, self.locale, catalogs=self.catalogs,
                allow_partial=self.allow_partial, base_dir=self.base_dir,
            )  # fmt: skip
            update["localized"] = doc
            update["locale"] = doc.locale
            if self.bilingual:
                update["companion"] = localize(
                    self.article, self.article.language, catalogs=self.catalogs,
                    base_dir=self.base_dir,
                )  # fmt: skip
            update["files"] = _files(doc, self.options)
        except (KeduError, OSError) as exc:
            update["problem"] = str(exc)
        return self.model_copy(update=update)


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

    def __repr__(self) -> str:
        # The document's bytes and the whole article stay out of the repr.
        if not self.ok:
            return f"JobResult({self.job.label!r}, failed: {self.error})"
        size = len(self.data) if self.data is not None else 0
        draft = ", draft" if self.draft else ""
        return (
            f"JobResult({self.job.label!r}, ok: {self.filename}, {size:,} bytes, "
            f"{self.seconds:.2f} s{draft})"
        )

    __str__ = __repr__


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
    return run_group([job])[0]


def run_group(jobs: Sequence[ExportJob]) -> list[JobResult]:
    """Make the documents of ``jobs``, localizing each (article, language) once
    for all its formats.  Never raises: failures come back in the results."""
    docs: dict[tuple[object, ...], tuple[LocalizedArticle, LocalizedArticle | None]] = {}
    results = []
    for job in jobs:
        started = time.perf_counter()
        try:
            key = job.group
            if key not in docs:
                docs[key] = _localized(job)
            result = _export(job, *docs[key])
        except KeduError as exc:
            result = JobResult(job=job, error=str(exc))
        except Exception as exc:
            result = JobResult(
                job=job,
                error=f"internal error: {type(exc).__name__}: {exc}",
                detail=traceback.format_exc(),
            )
        # The result names its job without the payload it carried there.
        lean = job.model_copy(update={"localized": None, "companion": None, "files": {}})
        seconds = time.perf_counter() - started
        results.append(result.model_copy(update={"job": lean, "seconds": seconds}))
    return results


def _localized(job: ExportJob) -> tuple[LocalizedArticle, LocalizedArticle | None]:
    """The job's article in its language (and in the source language, bilingual)."""
    if job.problem is not None:
        raise KeduError(job.problem)
    if job.localized is not None:
        doc, companion = job.localized, job.companion
        if job.files:
            folder = _materialize(job.files)
            doc = doc.model_copy(update={"base_dir": folder})
            if companion is not None:
                companion = companion.model_copy(update={"base_dir": folder})
        return doc, companion
    from kedu.localization import localize

    doc = localize(
        job.article, job.locale, catalogs=job.catalogs,
        allow_partial=job.allow_partial, base_dir=job.base_dir,
    )  # fmt: skip
    companion = None
    if job.bilingual:
        companion = localize(
            job.article, job.article.language, catalogs=job.catalogs, base_dir=job.base_dir
        )
    return doc, companion


def _export(
    job: ExportJob, doc: LocalizedArticle, companion: LocalizedArticle | None
) -> JobResult:
    from kedu.exporters import get_exporter

    exporter = get_exporter(job.format)
    if job.require_reviewed and doc.review.is_draft:
        raise ReviewRequiredError(
            f"the {doc.locale} translation of {job.article.id!r} is a draft "
            f"({doc.review.reason}); a qualified medical translator must review it "
            f"(`kedu i18n review --lang {doc.locale} --by NAME`)"
        )
    options = job.options
    if job.localized is not None and job.files and options.logo is not None:
        options = options.model_copy(
            update={"logo": _materialize(job.files) / _LOGO / options.logo.name}
        )
    source_locale = None
    if job.bilingual:
        if not exporter.supports_bilingual:
            raise KeduError(f"format {job.format!r} has no bilingual layout")
        assert companion is not None
        data = exporter.export_bilingual(doc, companion, options)
        source_locale = companion.locale
    else:
        data = exporter.export(doc, options)
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
        draft=doc.review.is_draft,
        fallbacks=len(doc.report.fallbacks) + len(doc.report.label_fallbacks),
    )


# The logo lives outside the article's folder; in a portable job it is kept
# under this name, which no image path can have (paths are relative, no "..").
_LOGO = "..logo"


def _files(doc: LocalizedArticle, options: ExportOptions) -> dict[str, bytes]:
    """The bytes of every image ``doc`` prints and of the logo, by path."""
    from kedu.models.article import ImageSection

    base = doc.base_dir or Path(".")
    files: dict[str, bytes] = {}
    for section in doc.article.sections:
        if isinstance(section, ImageSection):
            files[PurePosixPath(section.src).as_posix()] = (base / section.src).read_bytes()
    if options.logo is not None:
        files[f"{_LOGO}/{options.logo.name}"] = options.logo.read_bytes()
    return files


_materialized: dict[str, Path] = {}


def _materialize(files: dict[str, bytes]) -> Path:
    """A folder holding ``files`` (written once per process and content), so the
    exporters read a portable job's images as they read an article's own."""
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + hashlib.sha256(files[name]).digest())
    key = digest.hexdigest()[:32]
    folder = _materialized.get(key)
    if folder is not None and folder.is_dir():
        return folder
    folder = Path(tempfile.mkdtemp(prefix=f"kedu-files-{key[:12]}-"))
    atexit.register(shutil.rmtree, folder, True)
    for name, data in files.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    os.chmod(folder, 0o700)
    _materialized[key] = folder
    return folder
