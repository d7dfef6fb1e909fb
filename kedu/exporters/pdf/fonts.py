"""Fonts for the PDF handout: where they come from, static instances, coverage.

Every face comes from a pip-installed font package that kedu declares as a
dependency, never from the system, so a handout looks the same on every
machine.  Noto Sans and Noto Sans Arabic ship only as variable fonts, and
reportlab can draw nothing but a variable font's default instance, so the
weights and styles a handout needs are cut out once by HarfBuzz's instancer
(``hb.subset`` with the ``wght`` axis pinned: about 0.1 s a face, where
fontTools' instancer takes 10 s) and kept in the user cache, keyed by the font
package's and HarfBuzz's versions: the first export pays a fraction of a
second, later ones nothing.
"""

from __future__ import annotations

import array
import contextlib
import marshal
import os
import secrets
import sys
import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache, partial
from importlib import metadata
from pathlib import Path

from kedu import interrupts
from kedu.errors import ExportError

__all__ = [
    "FACE_KEYS",
    "Face",
    "Family",
    "FontStack",
    "family",
    "font_stack",
    "ignorable",
]

FACE_KEYS = ("regular", "bold", "italic", "bold_italic")


@dataclass(frozen=True)
class Face:
    """One drawable face: a TrueType file registered with reportlab.

    ``source`` identifies the face and gives its character map.  For a weight cut
    from a variable font, ``make`` produces the static file on first use, so a
    handout only waits for the instances it really draws with (an English
    handout never cuts the Arabic bold).

    ``synthetic_bold`` marks a face used for bold text although it has regular
    strokes (the Chinese font has no bold weight): the drawing code then
    thickens its outlines with a stroke instead of silently printing plain text.
    """

    name: str
    source: Path
    subfont: int = 0
    synthetic_bold: bool = False
    make: Callable[[], Path] | None = field(default=None, compare=False, repr=False)
    _hash: int = field(init=False, repr=False, compare=False, default=0)

    def __post_init__(self) -> None:
        # Faces key every shaping cache: hash once, not a Path per look-up.
        object.__setattr__(
            self, "_hash", hash((self.name, self.source, self.subfont, self.synthetic_bold))
        )

    def __hash__(self) -> int:
        return self._hash

    @property
    def path(self) -> Path:
        """The static TrueType file to shape and embed (made now if it is not yet)."""
        if self.make is None:
            return self.source
        made: Path | None = self.__dict__.get("_made")
        if made is None:
            made = self.make()
            object.__setattr__(self, "_made", made)
        return made

    @property
    def cmap(self) -> frozenset[int]:
        # An instance keeps its variable font's character map: no need to make it.
        return _cmap(self.source, self.subfont)

    @property
    def chars(self) -> frozenset[str]:
        """The characters of :attr:`cmap`, for set operations on text."""
        return _chars(self.source, self.subfont)


@dataclass(frozen=True)
class Family:
    """Four faces of one typeface; missing styles reuse the nearest real face."""

    key: str
    regular: Face
    bold: Face
    italic: Face
    bold_italic: Face
    license: str = field(compare=False, default="")

    def face(self, bold: bool, italic: bool) -> Face:
        if bold and italic:
            return self.bold_italic
        if bold:
            return self.bold
        if italic:
            return self.italic
        return self.regular

    def covers(self, ch: str) -> bool:
        return ch in self.regular.chars


def ignorable(ch: str) -> bool:
    """Characters that print no glyph of their own and so need no font coverage.

    Format characters (ZWJ, ZWNJ, bidi marks, soft hyphen), variation selectors
    and whitespace are handled by the shaper or the line breaker.
    """
    if ch.isspace():
        return True
    if 0xFE00 <= ord(ch) <= 0xFE0F or 0xE0100 <= ord(ch) <= 0xE01EF:
        return True
    return unicodedata.category(ch) in ("Cf", "Cc", "Zl", "Zp")


_CJK_PUNCTUATION = range(0x2010, 0x2070)


def is_cjk(ch: str) -> bool:
    """Han, kana, CJK punctuation and full-width forms: text set in the CJK font."""
    cp = ord(ch)
    return (
        0x2E80 <= cp <= 0x9FFF
        or 0xF900 <= cp <= 0xFAFF
        or 0xFE30 <= cp <= 0xFE4F
        or 0xFF00 <= cp <= 0xFFEF
        or 0x20000 <= cp <= 0x3FFFF
    )


@dataclass(frozen=True)
class FontStack:
    """The families a locale's text is set in, in order of preference.

    Each character goes to the first family that has a glyph for it.  Chinese
    handouts prefer the CJK font also for curly quotes, dashes and ellipses, so
    they are full-width like the surrounding text.
    """

    families: tuple[Family, ...]
    cjk_punctuation: Family | None = None
    # character → (ignorable, family_for(character)), filled by split()
    _memo: dict[str, tuple[bool, Family | None]] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )

    @property
    def primary(self) -> Family:
        return self.families[0]

    def family_for(self, ch: str) -> Family | None:
        cjk = self.cjk_punctuation
        if cjk is not None and ord(ch) in _CJK_PUNCTUATION and cjk.covers(ch):
            return cjk
        for fam in self.families:
            if fam.covers(ch):
                return fam
        return None

    def _primary_only(self, text: str) -> bool:
        """Whether every character of ``text`` goes to the primary family (or is
        ignorable): the common case, decided with set operations in C."""
        if self.cjk_punctuation is not None:
            return False
        rest = set(text)
        rest -= self.primary.regular.chars
        return all(ignorable(ch) for ch in rest)

    def split(self, text: str) -> Iterator[tuple[Family, str]]:
        """``text`` cut where the family changes; ignorable characters stay with
        their neighbour so ZWJ/ZWNJ reach the shaper with the letters they join."""
        if not text:
            return
        if self._primary_only(text):
            yield self.primary, text
            return
        memo = self._memo
        current: Family | None = None
        start = 0
        for i, ch in enumerate(text):
            try:
                skip, fam = memo[ch]
            except KeyError:
                skip = ignorable(ch)
                fam = None if skip else self.family_for(ch)
                memo[ch] = skip, fam
            if skip:
                if current is not None:
                    continue
                fam = None
            if fam is None:
                fam = current or self.primary
            if current is None:
                current = fam
            elif fam is not current:
                yield current, text[start:i]
                current, start = fam, i
        yield current or self.primary, text[start:]

    def missing(self, text: str) -> list[str]:
        """Characters of ``text`` (NFC) that no family of the stack can print."""
        text = unicodedata.normalize("NFC", text)
        rest = set(text)
        for fam in self.families:
            if not rest:
                return []
            rest -= fam.regular.chars
        return [ch for ch in dict.fromkeys(text) if ch in rest and not ignorable(ch)]


# --- font packages -------------------------------------------------------------------------

_OFL = "SIL Open Font License 1.1"


def _package_root(module: str) -> Path:
    import importlib

    try:
        mod = importlib.import_module(module)
    except ImportError as exc:  # pragma: no cover - dependency missing
        raise ExportError(f"the font package {module!r} is not installed: {exc}") from exc
    file = mod.__file__
    assert file is not None
    return Path(file).resolve().parent


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:  # pragma: no cover - dependency missing
        return "unknown"


_INSTANCES = {
    "regular": (400, False),
    "bold": (700, True),
}


def cache_dir() -> Path:
    """Where static instances live; ``KEDU_CACHE_DIR`` overrides (tests, CI)."""
    override = os.environ.get("KEDU_CACHE_DIR")
    if override:
        return Path(override) / "fonts"
    import platformdirs

    return Path(platformdirs.user_cache_dir("kedu")) / "fonts"


_instance_lock = threading.Lock()


@cache
def _default_weight(source: Path) -> int | None:
    """The ``wght`` of the default instance, when every other axis is at its default."""
    # HarfBuzz reads 'fvar' in a fraction of a millisecond; importing fontTools
    # alone costs every export 30 ms, though it is needed only to cut instances.
    import uharfbuzz as hb

    face = hb.Face(hb.Blob.from_file_path(str(source)))
    axes = {axis.tag: axis.default_value for axis in face.axis_infos}
    weight = axes.get("wght")
    return int(weight) if weight is not None else None


# Every whole OpenType file sums to this (as big-endian 32-bit words) once
# 'head'.checkSumAdjustment is set, as the instancer below does.
_SFNT_CHECKSUM = 0xB1B0AFBA


def _whole(path: Path) -> bool:
    """Whether a cached instance exists and is exactly the file that was written
    (not cut short by a full disk, nor edited); a damaged one is removed so it is
    made again.  The font's own whole-file checksum is the proof: no sidecar file
    can disagree with it, and summing 600 KB of words takes about a millisecond."""
    if not path.is_file():
        return False
    data = path.read_bytes()
    if len(data) >= 12 and len(data) % 4 == 0:
        words = array.array("I", data)
        if sys.byteorder == "little":
            words.byteswap()
        if sum(words) & 0xFFFFFFFF == _SFNT_CHECKSUM:
            return True
    path.unlink(missing_ok=True)
    return False


def _instance_dir(distribution: str) -> Path:
    """One folder per font package version and instancer: a HarfBuzz upgrade may
    round an outline differently, and an old file must not mix with new shaping."""
    import uharfbuzz as hb

    recipe = f"harfbuzz-{hb.version_string()}"
    return cache_dir() / f"{distribution}-{_version(distribution)}" / recipe


def _static_instance(source: Path, distribution: str, stem: str, weight: int) -> Path:
    """A static instance of variable ``source`` at ``weight``, made once and cached.

    The file is written to a temporary name and moved into place with
    ``os.replace``, so a process racing us sees either no file or a whole one.
    """
    if _default_weight(source) == weight:
        # reportlab and HarfBuzz both use a variable font's default instance, so
        # the file itself is that weight: no instance to make (halves first-run time).
        return source
    target = _instance_dir(distribution) / f"{stem}.ttf"
    if _whole(target):
        return target
    with _instance_lock:
        if _whole(target):
            return target
        data = _instantiate(source, stem, weight)
        _store(target, data)
    return target


def _instantiate(source: Path, stem: str, weight: int) -> bytes:
    """The bytes of a static font: ``source`` at ``weight``, other axes at their
    defaults, every glyph, table and feature kept; named ``stem``."""
    import uharfbuzz as hb

    face = hb.Face(hb.Blob.from_file_path(str(source)))
    plan = hb.SubsetInput()
    plan.keep_everything()
    for axis in face.axis_infos:
        if axis.tag == "wght":
            plan.pin_axis_location(face, "wght", float(weight))
        else:
            plan.pin_axis_to_default(face, axis.tag)
    static = hb.subset(face, plan)
    if static is None:  # pragma: no cover - HarfBuzz refused the font
        raise ExportError(f"cannot make a {weight} weight of {source.name}")
    return _renamed(static.blob.data, stem)


def _renamed(data: bytes, stem: str) -> bytes:
    """``data`` with its own PostScript and full names, so PDF viewers list e.g.
    NotoSans-Bold (HarfBuzz keeps the variable font's default names).  fontTools
    rewrites just the 'name' table and the checksums; the other tables are copied."""
    import io

    from fontTools.ttLib import TTFont

    # No fresh timestamp in 'head': it would change the embedded subset, and so
    # the PDF bytes, each time the cache is rebuilt.
    font = TTFont(io.BytesIO(data), lazy=True, recalcBBoxes=False, recalcTimestamp=False)
    family_name, _, style = stem.partition("-")
    name = font["name"]
    for record in list(name.names):
        if record.nameID in (3, 4, 6, 16, 17, 25):
            name.removeNames(nameID=record.nameID)
    name.setName(f"{family_name} {style}", 4, 3, 1, 0x409)
    name.setName(stem, 6, 3, 1, 0x409)
    name.setName(f"kedu:{stem}", 3, 3, 1, 0x409)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _variable_family(
    key: str, module: str, distribution: str, stem: str, upright: str, italic: str | None
) -> Family:
    root = _package_root(module) / "files"
    faces: dict[str, Face] = {}
    for style_key, (weight, _) in _INSTANCES.items():
        style = "Regular" if style_key == "regular" else "Bold"
        make = partial(_static_instance, root / upright, distribution, f"{stem}-{style}", weight)
        faces[style_key] = Face(f"kedu-{key}-{style_key}", root / upright, make=make)
        if italic is not None:
            it_style = "Italic" if style_key == "regular" else "BoldItalic"
            it_key = "italic" if style_key == "regular" else "bold_italic"
            make = partial(
                _static_instance, root / italic, distribution, f"{stem}-{it_style}", weight
            )
            faces[it_key] = Face(f"kedu-{key}-{it_key}", root / italic, make=make)
    # Arabic has no italic tradition: italic runs are set upright.
    faces.setdefault("italic", faces["regular"])
    faces.setdefault("bold_italic", faces["bold"])
    return Family(key=key, license=_OFL, **faces)


@cache
def family(key: str) -> Family:
    """The named family, its static files made (once) if needed."""
    if key == "noto-sans":
        return _variable_family(
            key, "fontpkg_noto_sans", "fontpkg-noto-sans", "NotoSans",
            "NotoSans[wdth,wght].ttf", "NotoSans-Italic[wdth,wght].ttf",
        )
    if key == "noto-sans-arabic":
        return _variable_family(
            key, "fontpkg_noto_sans_arabic", "fontpkg-noto-sans-arabic", "NotoSansArabic",
            "NotoSansArabic[wdth,wght].ttf", None,
        )
    if key == "atkinson":
        root = _package_root("fontpkg_atkinson_hyperlegible") / "files"
        return Family(
            key=key,
            license=_OFL,
            regular=Face("kedu-atkinson-regular", root / "AtkinsonHyperlegible-Regular.ttf"),
            bold=Face("kedu-atkinson-bold", root / "AtkinsonHyperlegible-Bold.ttf"),
            italic=Face("kedu-atkinson-italic", root / "AtkinsonHyperlegible-Italic.ttf"),
            bold_italic=Face(
                "kedu-atkinson-bold_italic", root / "AtkinsonHyperlegible-BoldItalic.ttf"
            ),
        )
    if key == "wqy-microhei":
        path = _package_root("paperang_p2_fonts_cjk") / "fonts" / "wqy-microhei.ttc"
        regular = Face("kedu-wqy-regular", path)
        bold = Face("kedu-wqy-bold", path, synthetic_bold=True)
        return Family(
            key=key, license="Apache License 2.0 (or GPLv3 with font embedding exception)",
            regular=regular, bold=bold, italic=regular, bold_italic=bold,
        )
    raise ExportError(f"unknown font family {key!r}")


@cache
def _cmap(path: Path, subfont: int) -> frozenset[int]:
    # HarfBuzz reads the cmap in C: 0.3 ms for the CJK font, where fontTools'
    # getBestCmap takes 120 ms.  Both give the same code points.
    import uharfbuzz as hb

    return frozenset(hb.Face(hb.Blob.from_file_path(str(path)), subfont).unicodes)


@cache
def _chars(path: Path, subfont: int) -> frozenset[str]:
    return frozenset(map(chr, _cmap(path, subfont)))


def _texts_covered(fam: Family, texts: Iterable[str]) -> bool:
    rest = set().union(*(unicodedata.normalize("NFC", text) for text in texts))
    rest -= fam.regular.chars
    return all(ignorable(ch) for ch in rest)


def font_stack(locale: str, direction: str, large_print: bool, texts: Iterable[str]) -> FontStack:
    """The stack for a handout in ``locale``.

    Large print uses Atkinson Hyperlegible, designed for low vision, when it
    covers every character of the handout; it has no Cyrillic and lacks most
    Vietnamese letters, so those handouts (and any text it cannot print whole)
    stay in Noto Sans rather than mixing two designs inside words.
    """
    language = locale.replace("-", "_").split("_")[0].lower()
    texts = list(texts)
    latin = family("noto-sans")
    if large_print and language not in ("ar", "zh", "ja", "ko"):
        atkinson = family("atkinson")
        if _texts_covered(atkinson, texts):
            latin = atkinson
    arabic = family("noto-sans-arabic")
    cjk = family("wqy-microhei")
    if language == "ar" or direction == "rtl":
        return FontStack((arabic, latin, cjk))
    if language in ("zh", "ja", "ko"):
        return FontStack((latin, cjk, arabic), cjk_punctuation=cjk)
    return FontStack((latin, arabic, cjk))


@cache
def register(face: Face) -> str:
    """Register ``face`` with reportlab once per process (under kedu's name for
    it only, see :func:`~kedu.exporters.pdf.rl_adapter.register_font`); return
    its font name."""
    from kedu.exporters.pdf import rl_adapter

    rl_adapter.register_font(face.name, _ttfont(face))
    return face.name


_ttfonts: dict[tuple[Path, int], object] = {}  # keyed by the drawable file


def _ttfont(face: Face) -> object:
    """One reportlab font object per file, shared by the faces drawn from it (the
    Chinese font's regular and synthetic bold), as one font in the PDF."""
    key = (face.path, face.subfont)
    font = _ttfonts.get(key)
    if font is None:
        font = _ttfonts[key] = _parsed_font(face.name, face.path, face.subfont)
    return font


# --- parsed metrics ------------------------------------------------------------------------
#
# reportlab parses a font's tables in Python each time a process registers it
# (10-20 ms a Noto face, 90 ms for the Chinese font).  What it finds is kept in
# the cache (marshal: plain values only, nothing that runs code when read),
# under the SHA-256 of the font file's bytes, so an upgraded or rebuilt font is
# never described by an old file.  Each cache file starts with the SHA-256 of the
# rest: a damaged or cut-short file is removed and the font parsed again.

_METRICS_MAGIC = b"kedu-metrics-1\n"


def _metrics_path(data: bytes, subfont: int) -> Path:
    import hashlib

    import reportlab

    python = f"py{sys.version_info[0]}{sys.version_info[1]}-marshal{marshal.version}"
    folder = cache_dir() / "metrics" / f"reportlab-{reportlab.Version}-{python}"
    return folder / f"{hashlib.sha256(data).hexdigest()}-{subfont}.bin"


def _parsed_font(name: str, path: Path, subfont: int) -> object:
    """reportlab's font object for the file at ``path``: rebuilt from the cached
    metrics when they are there and whole, else parsed (and the metrics stored)."""
    from kedu.exporters.pdf import rl_adapter

    data = path.read_bytes()
    where = _metrics_path(data, subfont)
    metrics = _read_metrics(where)
    if metrics is not None:
        try:
            return rl_adapter.font_from_metrics(name, path, data, metrics)
        except (KeyError, TypeError, ValueError, AttributeError):
            where.unlink(missing_ok=True)
    font = rl_adapter.new_font(name, path, subfont)
    fresh = rl_adapter.metrics_of(font)
    if fresh is not None:
        with contextlib.suppress(OSError):  # a read-only cache only costs time
            _write_metrics(where, fresh)
    return font


def _read_metrics(where: Path) -> dict[str, object] | None:
    import hashlib

    try:
        blob = where.read_bytes()
    except OSError:
        return None
    head = len(_METRICS_MAGIC) + 32
    body = blob[head:]
    if blob[: len(_METRICS_MAGIC)] == _METRICS_MAGIC and (
        blob[len(_METRICS_MAGIC) : head] == hashlib.sha256(body).digest()
    ):
        try:
            value = marshal.loads(body)
        except (EOFError, ValueError, TypeError):
            value = None
        if isinstance(value, dict):
            return value
    where.unlink(missing_ok=True)
    return None


def _store(target: Path, data: bytes) -> None:
    """Put ``data`` in the cache at ``target`` atomically: a temporary file, then
    ``os.replace``, so a process racing us sees either no file or a whole one."""
    target.parent.mkdir(parents=True, exist_ok=True)
    # Named first and created with O_EXCL inside the registration, so a pool
    # worker stopped at any instant removes it (kedu.interrupts.temporary).
    tmp = target.parent / f".{target.name}.{secrets.token_hex(8)}.tmp"
    with interrupts.temporary(tmp):
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.chmod(tmp, 0o644)  # whatever the umask: other users read the cache
            # Made while a signal was being handled (and perhaps swallowed by a
            # library's fallback)?  Then it is not stored: see kedu.interrupts.
            interrupts.check()
            os.replace(tmp, target)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise


def _write_metrics(where: Path, metrics: dict[str, object]) -> None:
    """Store ``metrics`` at ``where`` with a checksum, atomically."""
    import hashlib

    body = marshal.dumps(metrics)
    _store(where, _METRICS_MAGIC + hashlib.sha256(body).digest() + body)
