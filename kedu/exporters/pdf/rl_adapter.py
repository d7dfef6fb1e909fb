"""The one place where kedu reaches past reportlab's public API.

kedu shapes text with HarfBuzz itself and writes the text operators straight
into the page (see :mod:`kedu.exporters.pdf.text`): building a reportlab text
object per run costs several times more.  That fast path needs a few things
reportlab keeps internal: a font's glyph tables (to give shaped glyphs a code),
the per-document subset state (to look up codes without a Python loop per
character), the font registry (so kedu's font objects are its own), and the
ToUnicode CMap it writes for each subset.  They are all here, behind small
functions, so a reportlab upgrade is checked in one file:
``tests/test_pdf_textlayer.py`` draws the same text through reportlab's public
API and through this module and requires the same operators, the same
rendering and the same extracted text.  pyproject bounds reportlab's version to
the releases that contract was checked on.

**Glyph keys and ToUnicode.**  reportlab's subsets are lists of "characters";
the font's ``charToGlyph`` turns each into a glyph and the ToUnicode CMap maps
each code back to that one character.  Shaped text breaks that model: one
glyph can stand for several characters (a ligature), for a character the cmap
maps to another glyph (Arabic contextual forms, a dotless base whose dots are
separate mark glyphs), or for nothing of its own (the dots).  So a glyph drawn
for a string other than its cmap character gets a private *key* per
(glyph, string) pair — the same dotless glyph drawn for ب and for ت gets two
keys, so two codes in the subset — and :class:`KeduTTFont` writes ToUnicode
entries from the keys' strings.  Keys are process-local: they never reach the
PDF (the subset font's own cmap is indexed by subset code, and ToUnicode is
written from the strings), so the bytes do not depend on what was drawn before.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

__all__ = [
    "KeduTTFont",
    "append",
    "codes",
    "document",
    "fp_str",
    "path_only_resources",
    "register_font",
    "subset_name",
    "to_unicode_cmap",
]

# Keys for glyphs drawn for text other than their cmap character: supplementary
# private use planes 15 and 16, which no font's cmap reaches.
_FIRST_KEY = 0xF0000
_LAST_KEY = 0x10FFFD


class KeduTTFont(TTFont):  # type: ignore[misc]
    """A reportlab ``TTFont`` whose ToUnicode maps every code to the text its
    glyph was drawn for (see the module docstring)."""

    def __init__(self, name: str, filename: str, *, subfont: int = 0) -> None:
        # asciiReadable=0: embed only the glyphs a handout uses.  reportlab's
        # default reserves codes 32-127 and so embeds every ASCII glyph of every
        # face (a quarter of an English handout's bytes); text stays extractable
        # through the ToUnicode map either way.
        super().__init__(name, filename, subfontIndex=subfont, asciiReadable=0)
        self._start_keys()

    def _start_keys(self) -> None:
        """No glyph keys handed out yet (also for a font rebuilt from cached metrics)."""
        self.key_text: dict[int, str] = {}
        self._keys: dict[tuple[int, str], int] = {}

    def glyph_key(self, gid: int, text: str, advance: Callable[[int], float]) -> int:
        """The key (a code point for reportlab's subsets) that draws glyph ``gid``
        and extracts as ``text``; ``advance(gid)`` gives the glyph's nominal
        width in thousandths of an em, asked only for a new key."""
        face = self.face
        if len(text) == 1:
            code = ord(text)
            if face.charToGlyph.get(code) == gid:
                return code
        key = self._keys.get((gid, text))
        if key is None:
            key = _FIRST_KEY + len(self._keys)
            if key > _LAST_KEY:  # pragma: no cover - 131,070 distinct glyph strings
                raise OverflowError(f"too many distinct glyphs in {self.fontName}")
            self._keys[(gid, text)] = key
            self.key_text[key] = text
            face.charToGlyph[key] = gid
            face.charWidths[key] = advance(gid)
        return key

    def nominal_width(self, key: int, default: float) -> float:
        """The width reportlab writes in /Widths for ``key`` (thousandths of an em)."""
        return float(self.face.charWidths.get(key, default))

    def addObjects(self, doc: Any) -> None:
        state = self.state.get(doc)
        subsets = [list(s) for s in state.subsets] if state is not None else []
        names = [self.getSubsetInternalName(n, doc)[1:] for n in range(len(subsets))]
        super().addObjects(doc)  # forgets the document's state
        fonts = doc.idToObject["BasicFonts"].dict
        for internal, subset in zip(names, subsets, strict=True):
            stream = doc.idToObject[fonts[internal].ToUnicode.name]
            stream.content = to_unicode_cmap(fonts[internal].BaseFont, subset, self.key_text)


def _utf16_hex(text: str) -> str:
    return text.encode("utf-16-be").hex().upper()


def to_unicode_cmap(name: str, subset: Sequence[int], key_text: dict[int, str]) -> str:
    """A ToUnicode CMap for one subset: code → the string its key stands for.

    Written like reportlab's own (one ``bfchar`` per code), but with UTF-16
    strings of any length: a ligature maps to all its letters, a character
    outside the BMP to its surrogate pair, and a mark glyph drawn as part of
    its base letter's cluster to nothing (``<>``)."""
    entries = []
    for i, key in enumerate(subset):
        text = key_text.get(key)
        if text is None:
            text = chr(key)
        entries.append(f"<{i:02X}> <{_utf16_hex(text)}>")
    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo",
        f"<< /Registry ({name})",
        f"/Ordering ({name})",
        "/Supplement 0",
        ">> def",
        f"/CMapName /{name} def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        f"<00> <{len(subset) - 1:02X}>",
        "endcodespacerange",
    ]
    # A bfchar block holds at most 100 entries (PDF 32000-1, 9.10.3).
    for start in range(0, len(entries), 100):
        block = entries[start:start + 100]
        lines += [f"{len(block)} beginbfchar", *block, "endbfchar"]
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines)


def new_font(name: str, path: Path, subfont: int) -> KeduTTFont:
    return KeduTTFont(name, str(path), subfont=subfont)


# --- parsed font metrics, as plain values ----------------------------------------------------
#
# Parsing a font's tables (cmap, hmtx, loca) in reportlab's pure-Python parser takes
# 10-20 ms a face, 90 ms for the Chinese font: a good share of a one-handout
# process.  What the parser leaves on its face object is plain data (numbers,
# strings, dicts and lists of them), so kedu keeps it in its font cache (see
# kedu.exporters.pdf.fonts) and rebuilds the face from it.  The font names are
# reportlab's TTFNameBytes (bytes that remember their text); the scale function
# is a closure over the units per em; the file's bytes are read, not stored.

_NAME_FIELDS = ("name", "familyName", "styleName", "fullName", "uniqueFontID")
_NOT_STORED = ("_ttf_data", "_pdfScale", *_NAME_FIELDS)
_PLAIN = (int, float, str, bytes, bool, type(None))


def _plain(value: object, depth: int = 0) -> bool:
    if isinstance(value, _PLAIN):
        return type(value) in _PLAIN  # not a subclass (TTFNameBytes is a bytes)
    if depth > 3:
        return False
    if isinstance(value, list | tuple) and type(value) in (list, tuple):
        return all(_plain(item, depth + 1) for item in value)
    if type(value) is dict:
        return all(_plain(k, depth + 1) and _plain(v, depth + 1) for k, v in value.items())
    return False


def metrics_of(font: KeduTTFont) -> dict[str, object] | None:
    """What reportlab's parser found in ``font``'s file, as plain values (for
    ``marshal``), or None if this reportlab leaves something else on its faces:
    then kedu parses every time rather than store what it cannot rebuild."""
    from reportlab.pdfbase.ttfonts import TTFNameBytes

    attrs = font.face.__dict__
    names = {field: attrs.get(field) for field in _NAME_FIELDS}
    if not all(isinstance(v, TTFNameBytes) for v in names.values()):
        return None
    plain = {k: v for k, v in attrs.items() if k not in _NOT_STORED}
    if not all(_plain(v) for v in plain.values()):
        return None
    return {
        "attrs": plain,
        "names": {field: value.ustr for field, value in names.items()},
    }


def font_from_metrics(
    name: str, path: Path, data: bytes, metrics: dict[str, object]
) -> KeduTTFont:
    """The font :func:`new_font` makes from the file holding ``data``, rebuilt
    from its :func:`metrics_of` without parsing; ``KeyError``/``TypeError``/
    ``ValueError`` if ``metrics`` are not what :func:`metrics_of` writes."""
    from fnmatch import fnmatch
    from weakref import WeakKeyDictionary

    from reportlab.pdfbase.ttfonts import TTEncoding, TTFNameBytes, TTFontFace
    from reportlab.rl_config import unShapedFontGlob

    attrs = metrics["attrs"]
    names = metrics["names"]
    if not isinstance(attrs, dict) or not isinstance(names, dict):
        raise TypeError("metrics are not mappings")
    face = TTFontFace.__new__(TTFontFace)
    face.__dict__.update(attrs)
    for field in _NAME_FIELDS:
        text = names[field]
        if not isinstance(text, str):
            raise TypeError(f"font name {field} is not text")
        setattr(face, field, TTFNameBytes(text.encode("utf8")))
    face._ttf_data = data
    face.filename = str(path)
    units = int(attrs["unitsPerEm"])
    if units == 1000:
        face._pdfScale = lambda x: x
    else:
        factor = 1000 / units
        face._pdfScale = lambda x: x * factor
    # What TTFont.__init__ does once its face is parsed (reportlab 4.x-5.x).
    font = KeduTTFont.__new__(KeduTTFont)
    font.fontName = name
    font.face = face
    font.encoding = TTEncoding()
    font.state = WeakKeyDictionary()
    font._asciiReadable = 0
    font.shapable = not any(fnmatch(name, glob) for glob in unShapedFontGlob)
    font._start_keys()
    return font


def register_font(name: str, font: object) -> None:
    """Enter ``font`` in reportlab's registry under ``name`` only.

    ``pdfmetrics.registerFont`` gives every name of one PostScript face the
    font object registered first, so kedu's faces would follow whoever
    registered the same file before (its subsetting settings, and so kedu's
    bytes), and kedu's settings would leak into theirs."""
    if name in pdfmetrics.getRegisteredFontNames():
        return
    registry: dict[str, object] | None = getattr(pdfmetrics, "_fonts", None)
    if registry is None:  # pragma: no cover - a reportlab without the registry dict
        pdfmetrics.registerFont(font)
    else:
        registry[name] = font
        pdfmetrics.registerFontFamily(name)


def get_font(name: str) -> KeduTTFont:
    font = pdfmetrics.getFont(name)
    assert isinstance(font, KeduTTFont), name
    return font


def path_only_resources() -> Any:
    """A resource dictionary for a form XObject that only paints paths."""
    from reportlab.pdfbase.pdfdoc import PDFResourceDictionary

    resources = PDFResourceDictionary()
    resources.basicProcs()
    return resources


def document(canv: Any) -> Any:
    """The canvas's document, which keys every font's subset state."""
    return canv._doc


def append(canv: Any, operators: str) -> None:
    """Add raw operators to the current page (``canvas.addLiteral``)."""
    canv.addLiteral(operators)


def codes(font: KeduTTFont, text: str, doc: Any) -> list[tuple[int, bytes]]:
    """``font.splitString(text, doc)``: (subset, codes) chunks for ``text``, without
    its per-character loop when every key already has a code in the first subset."""
    state = font.state.get(doc)
    if state is not None:
        try:
            return [(0, bytes(map(state.assignments.__getitem__, map(ord, text))))]
        except (KeyError, ValueError):  # a new key, or a code past 255
            pass
    return font.splitString(text, doc)  # type: ignore[no-any-return]


def subset_name(font: KeduTTFont, subset: int, doc: Any) -> str:
    """The resource name (``/F1+0``) of one subset of ``font`` in ``doc``."""
    return font.getSubsetInternalName(subset, doc)  # type: ignore[no-any-return]

