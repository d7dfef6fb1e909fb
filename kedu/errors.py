"""The exceptions kedu raises on purpose.

Every expected problem (bad input, missing translation, unknown format, ...) is a
:class:`KeduError`.  Its ``str()`` is one line meant for the person who ran kedu:
it names the file, and the line/column or the field path when they are known.
The command line prints exactly that line; anything that is *not* a ``KeduError``
is a bug and gets a traceback.
"""

from __future__ import annotations

from pathlib import Path


class KeduError(Exception):
    """Base class of all errors kedu raises for expected problems.

    ``exit_code`` is what the command line returns for it: 2 for usage errors
    (bad options, unknown format or locale), 1 for everything else.
    """

    exit_code: int = 1

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        column: int | None = None,
        field: str | None = None,
    ) -> None:
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.column = column
        self.field = field
        super().__init__(self._format())

    def _format(self) -> str:
        where = ""
        if self.path is not None:
            where = self.path
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
        if self.field:
            where = f"{where}: {self.field}" if where else self.field
        return f"{where}: {self.message}" if where else self.message


class UsageError(KeduError):
    """The request itself is wrong: an unknown option value, format or locale."""

    exit_code = 2


class ArticleError(KeduError):
    """An article file is missing, unreadable, or not valid kedu source."""


class ArticleSyntaxError(ArticleError):
    """The YAML or JSON of an article file does not parse (carries line and column)."""


class ArticleSchemaError(ArticleError):
    """The article parses but breaks the article format (carries the field path)."""


class MarkupError(ValueError):
    """Inline markup is malformed.  Raised inside model validation, so pydantic
    reports it with the field path; ``column`` is 1-based within the text."""

    def __init__(self, message: str, column: int) -> None:
        self.column = column
        super().__init__(f"{message} (at character {column})")


class UnknownFormatError(UsageError):
    """No exporter is registered under the requested format name."""


class LocaleError(UsageError):
    """The requested locale is malformed or has no catalog."""


class CatalogError(KeduError):
    """A .po/.pot file is malformed or cannot be read or written (carries file:line)."""


class MissingTranslationError(KeduError):
    """A catalog lacks translations (or has only fuzzy ones) for some messages."""

    def __init__(
        self,
        message: str,
        *,
        missing: list[str],
        path: str | Path | None = None,
        line: int | None = None,
    ):
        self.missing = missing
        super().__init__(message, path=path, line=line)


class ReviewRequiredError(KeduError):
    """An export demanded a reviewed translation and the catalog is a draft."""


class ExportError(KeduError):
    """An exporter could not produce its document (for example a missing glyph)."""


class MissingGlyphError(ExportError):
    """Some characters of the localized article are not covered by the chosen font."""


class OptionsError(UsageError, ValueError):
    """Options given through the Python API are invalid (e.g. ``paper="b5"``).

    The pydantic ``ValidationError`` is kept as ``__cause__``."""


class ConfigError(KeduError):
    """kedu.toml (or [tool.kedu]) is malformed or has an unknown key."""


class OutputError(KeduError, OSError):
    """An output file or directory cannot be written.

    Also an ``OSError``, so code written for the plain error of an earlier
    :func:`kedu.write_atomic` still catches it."""


class ImportArticleError(KeduError):
    """A blog post could not be turned into an article."""
