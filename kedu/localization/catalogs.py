"""Where catalogs live and how they are read and written (always through Babel).

Layout of a locales directory (the gettext standard, one template per domain)::

    locales/
      templates/<domain>.pot               # written by `kedu i18n extract`
      <locale>/LC_MESSAGES/<domain>.po     # edited by translators
      <locale>/LC_MESSAGES/<domain>.mo     # written by `kedu i18n compile`

An article's domain is its id (``ketamine-therapy``).  kedu's own labels are the
``kedu`` domain; their catalogs ship inside the package (``kedu/locales/``) so a
plain ``pip install`` has them, and a ``kedu.po`` in a project's locales
directory takes precedence.
"""

from __future__ import annotations

import codecs
import io
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import PoFileError, PoFileParser, normalize, unescape, write_po

from kedu.errors import CatalogError
from kedu.limits import check_file_size

KEDU_DOMAIN = "kedu"
BUILTIN_LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
LOCALES_DIRNAME = "locales"


@dataclass(frozen=True)
class CatalogStore:
    """A locales directory in the standard gettext layout."""

    root: Path

    def template_path(self, domain: str) -> Path:
        return self.root / "templates" / f"{domain}.pot"

    def po_path(self, locale: str, domain: str) -> Path:
        return self.root / locale / "LC_MESSAGES" / f"{domain}.po"

    def mo_path(self, locale: str, domain: str) -> Path:
        return self.root / locale / "LC_MESSAGES" / f"{domain}.mo"

    def locales(self, domain: str | None = None) -> list[str]:
        """Locales that have a .po (for ``domain``, or for any domain), sorted."""
        if not self.root.is_dir():
            return []
        found = []
        for child in self.root.iterdir():
            messages = child / "LC_MESSAGES"
            if child.name == "templates" or not messages.is_dir():
                continue
            if (domain is None and any(messages.glob("*.po"))) or (
                domain is not None and (messages / f"{domain}.po").is_file()
            ):
                found.append(child.name)
        return sorted(found)

    def domains(self) -> list[str]:
        """Domains with a template or with any .po, sorted."""
        names = {p.stem for p in (self.root / "templates").glob("*.pot")}
        names.update(p.stem for p in self.root.glob("*/LC_MESSAGES/*.po"))
        return sorted(names)


BUILTIN_STORE = CatalogStore(BUILTIN_LOCALES_DIR)


class DuplicateMessageError(Exception):
    """Raised while parsing when an entry repeats an earlier one."""

    def __init__(self, message: Message) -> None:
        self.context = message.context
        self.msgid = str(message.id)
        self.line = message.lineno
        super().__init__(self.context)


class KeduCatalog(Catalog):
    """A Babel catalog that keeps ``X-`` header fields (Babel drops unknown headers).

    kedu records translation reviews in ``X-Reviewed-By``, ``X-Review-Date`` and
    ``X-Reviewed-Checksum``; they must survive every read/update/write cycle.
    """

    def __init__(self, *args: object, **kwargs: object) -> None:
        self.extra_headers: dict[str, str] = {}
        # While a file is parsed, a second entry with the same msgctxt/msgid is an
        # error (GNU msgfmt rejects it; Babel would silently keep the first).
        self.reject_duplicates = False
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def __setitem__(self, id: Any, message: Message) -> None:
        if self.reject_duplicates and id and self._key_for(id, message.context) in self._messages:
            raise DuplicateMessageError(message)
        super().__setitem__(id, message)

    def _set_mime_headers(self, headers: object) -> None:
        pairs = list(headers)  # type: ignore[call-overload]
        super()._set_mime_headers(pairs)
        for name, value in pairs:
            if str(name).lower().startswith("x-"):
                self.extra_headers[str(name)] = str(value).strip()

    def _get_mime_headers(self) -> list[tuple[str, str]]:
        headers: list[tuple[str, str]] = super()._get_mime_headers()
        if not self.extra_headers:
            return headers
        at = next((i for i, (k, _) in enumerate(headers) if k == "MIME-Version"), len(headers))
        return headers[:at] + sorted(self.extra_headers.items()) + headers[at:]

    mime_headers = property(_get_mime_headers, _set_mime_headers)


def find_locales_dir(start: Path | None) -> Path | None:
    """The nearest ``locales/`` directory at ``start`` or one of its parents."""
    if start is None:
        return None
    here = start.resolve()
    for folder in (here, *here.parents):
        candidate = folder / LOCALES_DIRNAME
        if candidate.is_dir():
            return candidate
    return None


def read_catalog(path: Path, locale: str | None = None) -> KeduCatalog:
    """Read a .po/.pot with Babel; errors become :class:`CatalogError` with file:line."""
    try:
        stat = path.stat()
        check_file_size(path, error=CatalogError)
    except FileNotFoundError:
        raise CatalogError("catalog not found", path=path) from None
    except OSError as exc:
        raise CatalogError(f"cannot be read: {exc.strerror}", path=path) from None
    return _read_cached(str(path), stat.st_mtime_ns, stat.st_size, locale)


@lru_cache(maxsize=128)
def _read_cached(path: str, _mtime: int, _size: int, locale: str | None) -> KeduCatalog:
    # Keyed on mtime and size: a translator's edit is picked up by the next export
    # without a compile step, while a batch reads each file once.
    try:
        catalog = KeduCatalog(locale=locale, domain=Path(path).stem)
        data = Path(path).read_bytes()
        # Windows editors (Notepad) save UTF-8 with a byte-order mark; gettext has none.
        data = data.removeprefix(b"\xef\xbb\xbf")
        check_po_syntax(data, path)
        # PoFileParser is what read_po uses; called directly to fill a KeduCatalog.
        catalog.reject_duplicates = True
        PoFileParser(catalog, ignore_obsolete=False, abort_invalid=True).parse(
            io.BytesIO(data)
        )
        catalog.reject_duplicates = False
        _recover_previous_ids(catalog)
        return catalog
    except DuplicateMessageError as exc:
        raise CatalogError(
            f"malformed catalog: a second entry for msgctxt {exc.context!r} (msgid "
            f"{exc.msgid[:40]!r}); keep one of the two",
            path=path,
            line=exc.line,
        ) from None
    except PoFileError as exc:
        # Babel counts lines from 0 and appends "on <line>" to its message.
        lineno = getattr(exc, "lineno", None)
        line = lineno + 1 if isinstance(lineno, int) else None
        message = re.sub(r" on \d+$", "", str(exc))
        raise CatalogError(f"malformed catalog: {message}", path=path, line=line) from None
    except UnicodeDecodeError:
        raise CatalogError("malformed catalog: not UTF-8 text", path=path) from None
    except (ValueError, SyntaxError, LookupError) as exc:
        raise CatalogError(f"malformed catalog: {exc}", path=path) from None


# Babel's reader is lenient: `msgstr "unterminated` loses its last character and
# an unknown line is skipped, so a damaged translation would print.  GNU msgfmt
# rejects both; kedu checks the syntax the same way before Babel reads the file.
_PO_STRING = r'"(?:[^"\\]|\\[\\"abfnrtv?]|\\[0-7]{1,3}|\\x[0-9A-Fa-f]+)*+"'
_PO_LINE = re.compile(
    rf"(?:(?:msgctxt|msgid|msgid_plural|msgstr|msgstr\[\d+\])\s+)?{_PO_STRING}\s*"
)
_PO_KEYWORD = re.compile(r"(msgctxt|msgid_plural|msgid|msgstr\[\d+\]|msgstr)\b")
_CHARSET = re.compile(rb"charset=([^\s\\\"]+)", re.IGNORECASE)


def check_po_syntax(data: bytes, path: str | Path) -> None:
    """Raise :class:`CatalogError` naming the line of the first syntax error in a
    .po/.pot file, of a charset Python does not know, or of a header charset the
    bytes contradict (declared ISO-8859-1, written as UTF-8)."""
    charset = "utf-8"
    found = _CHARSET.search(data[:4096])
    if found:
        header_line = data.count(b"\n", 0, found.start()) + 1
        name = found.group(1).decode("ascii", "replace")
        try:
            charset = codecs.lookup(name).name
        except LookupError:
            raise CatalogError(
                f"malformed catalog: unknown charset {name!r} in the Content-Type header; "
                "use charset=UTF-8",
                path=path,
                line=header_line,
            ) from None
        if charset != "utf-8" and not data.isascii():
            try:
                data.decode("utf-8")
            except UnicodeDecodeError:
                pass
            else:
                raise CatalogError(
                    f"malformed catalog: the header says charset={name} but the file is "
                    "UTF-8 text; change the header to charset=UTF-8",
                    path=path,
                    line=header_line,
                )
    try:
        text = data.decode(charset)
    except UnicodeDecodeError as exc:
        raise CatalogError(
            f"malformed catalog: not {charset.upper()} text (byte {exc.start + 1} cannot be "
            "decoded)",
            path=path,
            line=data.count(b"\n", 0, exc.start) + 1,
        ) from None
    # split("\n"), not splitlines(): a C1 control such as U+0085 inside a string is
    # the translation's problem (reported with its field), not a line break.
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip(" \t\r")
        if line.startswith("#~"):
            line = line[2:].strip()  # obsolete entries keep the syntax of live ones
            if line.startswith("|"):
                continue
        if not line or line.startswith("#"):
            continue
        if _PO_LINE.fullmatch(line):
            continue
        keyword = _PO_KEYWORD.match(line)
        rest = line[keyword.end() :].strip() if keyword else line
        if rest.startswith('"') and not re.fullmatch(_PO_STRING + r"\s*", rest):
            end = re.match(r'"(?:[^"\\]|\\.)*"', rest)
            problem = (
                "end-of-line within string (a closing quote is missing)"
                if end is None
                else "invalid escape or text after the closing quote"
            )
        elif keyword:
            problem = f"{keyword.group(1)} must be followed by a quoted string"
        else:
            problem = f"unexpected text {line[:30]!r}"
        raise CatalogError(f"malformed catalog: {problem}", path=path, line=number)


# Babel 2.x reads "#| msgid" lines as plain translator comments and writes long
# previous msgids as wrapped comment text that neither it nor GNU gettext can
# read back.  Translators rely on "#|" to see what changed in a fuzzy message,
# so kedu reads and writes those lines itself, in GNU gettext's format, and
# leaves everything else to Babel.
_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')


def _recover_previous_ids(catalog: Catalog) -> None:
    for message in [*catalog, *catalog.obsolete.values()]:
        previous = [c for c in message.user_comments if c.startswith("|")]
        if not previous:
            continue
        message.user_comments = [c for c in message.user_comments if not c.startswith("|")]
        ids: list[str] = []
        for line in previous:
            body = line[1:].strip()
            if body.startswith(("msgid ", "msgid_plural ")):
                ids.append("")
            if ids:
                ids[-1] += "".join(unescape(f'"{m}"') for m in _QUOTED.findall(body))
        if ids:
            message.previous_id = ids


def _previous_lines(message: Message, width: int) -> str:
    lines = []
    for keyword, text in zip(("msgid", "msgid_plural"), message.previous_id, strict=False):
        body = normalize(text, width=width - 3).split("\n")
        lines.append(f"#| {keyword} {body[0]}")
        lines.extend(f"#| {line}" for line in body[1:])
    return "\n".join(lines) + "\n"


def po_bytes(catalog: Catalog, *, width: int = 79, omit_header: bool = False) -> bytes:
    """Serialize ``catalog`` the same way every time, in reading order, ``#|`` included."""
    buffer = io.BytesIO()
    write_po(
        buffer,
        catalog,
        width=width,
        omit_header=omit_header,
        sort_output=False,
        sort_by_file=False,
        include_previous=False,
        ignore_obsolete=False,
    )
    text = buffer.getvalue().decode(catalog.charset or "utf-8")
    for message in catalog:
        if not message.id or not message.previous_id:
            continue
        if message.context is not None:
            anchor = f"\nmsgctxt {normalize(message.context, width=width)}\n"
        else:
            ident = message.id if isinstance(message.id, str) else message.id[0]
            anchor = f"\nmsgid {normalize(ident, width=width)}\n"
        at = text.find(anchor)
        if at >= 0:
            text = text[: at + 1] + _previous_lines(message, width) + text[at + 1 :]
    return text.encode(catalog.charset or "utf-8")


def write_catalog(path: Path, catalog: Catalog) -> bool:
    """Write ``catalog`` atomically; return False when the file already had these bytes."""
    from kedu.write import write_atomic

    data = po_bytes(catalog)
    if path.is_file() and path.read_bytes() == data:
        return False
    write_atomic(path, data)  # OutputError names the file
    return True


def translations(catalog: Catalog) -> dict[str | None, dict[str, str]]:
    """{context: {msgid: msgstr}} of the usable translations: non-empty and not fuzzy."""
    table: dict[str | None, dict[str, str]] = {}
    for message in catalog:
        if not message.id or message.fuzzy or isinstance(message.id, tuple):
            continue
        text = message.string
        if isinstance(text, str) and text and isinstance(message.id, str):
            table.setdefault(message.context, {})[message.id] = text
    return table


def environ_locales_dir() -> Path | None:
    value = os.environ.get("KEDU_LOCALES_DIR")
    return Path(value) if value else None
