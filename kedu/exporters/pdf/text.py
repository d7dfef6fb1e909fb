"""Paragraphs for every script: shaping, line breaking, bidi, drawing.

reportlab's own Paragraph cannot set right-to-left text without ``rlbidi``, and
applying the bidi algorithm to a whole paragraph before line breaking puts the
words of a wrapped Arabic line in the wrong order.  So kedu sets text itself,
in the order a typesetter would:

1. split the text into runs of one style and one font (per-character fallback
   through the locale's :class:`~kedu.exporters.pdf.fonts.FontStack`);
2. cut it into unbreakable tokens at break opportunities (after spaces, between
   CJK characters except before closing or after opening punctuation, after a
   hyphen inside a word) and measure each token with HarfBuzz — in logical
   order;
3. fill lines greedily;
4. per line, resolve bidi levels (python-bidi), cut the line into level runs,
   reorder them visually (rule L2), and shape each run once with HarfBuzz in
   its own direction.  HarfBuzz returns RTL glyphs already in visual order, so
   the text is never reversed twice and Arabic letters join.

Shaped glyphs are written straight into the page's content stream: the glyph
codes come from reportlab's font subsetting (``TTFont.splitString``) and the
operators are the ones reportlab writes for a ``ShapedStr`` — a ``Tj`` when
every glyph sits at its nominal advance, a ``TJ`` array with kerning and
offsets otherwise — without building a ``ShapedStr`` and a text object per run.
Glyphs the font's cmap does not reach (ligatures, contextual forms) get a
private code point derived from the glyph id only, so the PDF bytes never
depend on what was drawn earlier in the process.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache, lru_cache, reduce
from itertools import groupby
from operator import add
from typing import Any, Literal, NamedTuple

from reportlab.lib.colors import Color, HexColor
from reportlab.lib.rl_accel import escapePDF, fp_str
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable

from kedu.exporters.pdf.fonts import Face, FontStack, is_cjk, register

__all__ = [
    "Line", "Shaped", "Span", "Style", "TextBlock", "actual_text", "draw_line", "layout_line",
    "shape",
]

Direction = Literal["ltr", "rtl"]

# Private-use code points stand for glyphs without a cmap entry.  The BMP area
# keeps reportlab's ToUnicode CMap well formed (it writes four hex digits).
_PRIVATE_BMP = 0xE000
_PRIVATE_BMP_SIZE = 0x1900
_PRIVATE_PLANE = 0xF0000
_LATIN_FEATURES = {"liga": False, "clig": False, "kern": True}
_COMPLEX_FEATURES: dict[str, bool] = {"kern": True}
_SIMPLE_SCRIPTS = frozenset(("Latn", "Cyrl", "Grek", "Zyyy", "Zinh", "Hani"))


@dataclass(frozen=True)
class Span:
    """Input text with inline style, as it comes from :func:`parse_runs`."""

    text: str
    bold: bool = False
    italic: bool = False
    href: str | None = None
    color: str | None = None


@dataclass(frozen=True)
class Style:
    """A resolved style: one face at one size and colour."""

    face: Face
    size: float
    color: str
    href: str | None = None


Piece = tuple[Style, str]


@dataclass(frozen=True)
class Line:
    """One laid-out line: pieces in logical order and its natural width."""

    pieces: tuple[Piece, ...]
    width: float


# --- shaping -------------------------------------------------------------------------------


@cache
def _hb_font(face: Face) -> Any:
    import uharfbuzz as hb

    blob = hb.Blob.from_file_path(str(face.path))
    return hb.Font(hb.Face(blob, face.subfont))


@cache
def _upem(face: Face) -> int:
    return int(_hb_font(face).face.upem)


@cache
def _ttf(face: Face) -> Any:
    """reportlab's TTFont for ``face``, registered."""
    return pdfmetrics.getFont(register(face))


@cache
def _glyph_chars(face: Face) -> dict[int, str]:
    """Glyph id → the character reportlab draws it with (see :func:`_char_for_glyph`)."""
    return {}


def _char_for_glyph(face: Face, gid: int) -> int:
    """The code point reportlab should use for ``gid`` in this face.

    The smallest mapped code point is chosen so base letters win over
    presentation forms; an unmapped glyph (Arabic letters are built from a
    dotless base and dot marks) gets a private-use code point that depends on
    the glyph id only.  Lines holding such glyphs also carry their logical text
    as /ActualText, so copying and screen readers get real letters.
    """
    ttf = _ttf(face)
    chars = ttf.face.glyphToChar.get(gid)
    if chars:
        return int(min(chars))
    uchar = _PRIVATE_BMP + gid if gid < _PRIVATE_BMP_SIZE else _PRIVATE_PLANE + gid
    if uchar not in ttf.face.charToGlyph:
        ttf.face.charToGlyph[uchar] = gid
        ttf.face.glyphToChar.setdefault(gid, []).append(uchar)
        ttf.face.charWidths[uchar] = _glyph_advance(face, gid)
    return uchar


def _glyph_advance(face: Face, gid: int) -> float:
    return float(_hb_font(face).get_glyph_h_advance(gid)) * 1000 / _upem(face)


Glyph = tuple[float, float, float]
"""Per glyph, in thousandths of the font size: the shift before it (``-x_offset``),
the correction after it (nominal width minus HarfBuzz advance, plus ``x_offset``),
and its ``y_offset``.  These are the numbers reportlab derives from a ``ShapedStr``."""


class Shaped(NamedTuple):
    """A shaped run: glyphs in visual order and how to place them.

    ``text`` holds one character per glyph (the code point reportlab's subset
    maps to it); ``glyphs`` is ``None`` when every glyph sits at its nominal
    advance without offsets, so the run prints as one plain string.

    ``kerns`` serves runs that are moved only horizontally (kerning): the
    numbers of the ``TJ`` array, each after the glyph at its index
    (``-1``: before the first), as reportlab formats them.  ``None`` when a glyph
    is raised or lowered (marks): such runs take the general path.
    """

    text: str
    advance: float
    glyphs: tuple[Glyph, ...] | None
    kerns: tuple[tuple[int, str], ...] | None = None


def _kerns(glyphs: Sequence[Glyph]) -> tuple[tuple[int, str], ...] | None:
    """The ``TJ`` numbers of a run without vertical offsets (see :class:`Shaped`).

    reportlab drops zero adjustments, sums the ones that meet between two
    glyphs (after one, before the next) and leaves out sums it prints as "0",
    though such a sum still ends the string before it.  The sum is taken in
    reportlab's order (``0 + after + before``), which adding skipped zeros
    would not change.
    """
    if any(y for _, _, y in glyphs):
        return None
    out: list[tuple[int, str]] = []
    if glyphs[0][0]:
        out.append((-1, _number(glyphs[0][0])))
    last = len(glyphs) - 1
    for i, (_, after, _) in enumerate(glyphs):
        before = glyphs[i + 1][0] if i < last else 0.0
        if after or before:
            out.append((i, _number(0 + after + before) if after and before
                        else _number(after or before)))
    return tuple(out)


@lru_cache(maxsize=4096)
def _number(value: float) -> str:
    """``fp_str(value)``: kerning values repeat, their formatting need not."""
    return fp_str(value)  # type: ignore[no-any-return]


def _hb_shape(face: Face, text: str, rtl: bool | None) -> Any:
    import uharfbuzz as hb

    buf = hb.Buffer()
    buf.add_str(text)
    buf.guess_segment_properties()
    if rtl is not None:
        buf.direction = "rtl" if rtl else "ltr"
    features = _LATIN_FEATURES if buf.script in _SIMPLE_SCRIPTS else _COMPLEX_FEATURES
    hb.shape(_hb_font(face), buf, features)
    return buf


@lru_cache(maxsize=200_000)
def _shape(face: Face, text: str, rtl: bool | None) -> Shaped:
    buf = _hb_shape(face, text, rtl)
    scale = 1000 / _upem(face)
    known = _glyph_chars(face)
    gids = [info.codepoint for info in buf.glyph_infos]
    try:
        chars = "".join(map(known.__getitem__, gids))
    except KeyError:
        for gid in gids:
            if gid not in known:
                known[gid] = chr(_char_for_glyph(face, gid))
        chars = "".join(map(known.__getitem__, gids))
    # GlyphPosition.position is (x_offset, y_offset, x_advance, y_advance).
    positions = [pos.position for pos in buf.glyph_positions]
    advances = [p[2] * scale for p in positions]
    total = reduce(add, advances, 0.0)  # in order, as reportlab adds them
    widths = _ttf(face).face.charWidths
    if not any(p[0] or p[1] for p in positions):
        nominal = [
            widths.get(code, advance) - advance
            for code, advance in zip(map(ord, chars), advances, strict=True)
        ]
        if not any(nominal):
            return Shaped(chars, total, None)
        # Kerning only: a number after each glyph whose advance differs from
        # its nominal width (what _kerns() finds, without scanning every glyph).
        glyphs = [(-0.0, after + 0.0, 0.0) for after in nominal]
        kerns = tuple((i, _number(after + 0.0)) for i, after in enumerate(nominal) if after)
        return Shaped(chars, total, tuple(glyphs), kerns)
    else:
        glyphs = []
        for code, advance, p in zip(map(ord, chars), advances, positions, strict=True):
            x_offset = p[0] * scale
            glyphs.append(
                (-x_offset, widths.get(code, advance) - advance + x_offset, p[1] * scale)
            )
    return Shaped(chars, total, tuple(glyphs), _kerns(glyphs))


@lru_cache(maxsize=200_000)
def _advance(face: Face, text: str) -> float:
    """The advance of ``text`` in thousandths of the font size (what measuring needs)."""
    buf = _hb_shape(face, text, None)
    scale = 1000 / _upem(face)
    return reduce(add, [pos.x_advance * scale for pos in buf.glyph_positions], 0.0)


class _ShapeCache:
    """:func:`shape`, with ``cache_clear()`` forgetting every shaping result
    (drawn runs and measured words), as a process meeting new text would."""

    def __call__(self, face: Face, text: str, rtl: bool | None = None) -> Shaped:
        """Shape ``text`` (logical order) in ``face``: glyphs in visual order and
        the advance width in thousandths of the font size.

        ``rtl`` forces the direction (from the bidi level); ``None`` lets
        HarfBuzz guess it from the script, which is what measuring needs.
        """
        return _shape(face, text, rtl)

    @staticmethod
    def cache_clear() -> None:
        _shape.cache_clear()
        _advance.cache_clear()
        _placement.cache_clear()


shape = _ShapeCache()


def width_of(style: Style, text: str) -> float:
    return _advance(style.face, text) * style.size / 1000


# --- line breaking -------------------------------------------------------------------------

# Kinsoku: closing punctuation never starts a line, opening never ends one.
_NO_BREAK_BEFORE = frozenset(
    "\uff0c\u3002\u3001\uff1b\uff1a\uff1f\uff01\uff09\u300d\u300f\u3011\u3015\u3009\u300b\u201d\u2019\u2026\u2025\u00b7\u30fb\u30fc\u2014\uff5e,.;:?!)]}%"
)
_NO_BREAK_AFTER = frozenset(
    "\uff08\u300c\u300e\u3010\u3014\u3008\u300a\u201c\u2018([{"
)
# Text without CJK characters breaks only after a space (other than a no-break
# space) and after a hyphen between letters; a regex finds both.
_CJK = re.compile("[\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003ffff]")
_AFTER_SPACE = re.compile(r"(?<=[^\S\xa0])(?=\S)|(?<=-)(?=\S)")


def _break_before(prev: str, cur: str, prev2: str) -> bool:
    """May a line end between ``prev`` and ``cur``?"""
    if cur.isspace() or cur == "\u00a0" or prev == "\u00a0":
        return False
    if prev.isspace():
        return True
    if cur in _NO_BREAK_BEFORE or prev in _NO_BREAK_AFTER:
        return False
    if is_cjk(prev) or is_cjk(cur):
        return unicodedata.category(cur)[0] != "M"
    return prev == "-" and prev2.isalpha() and cur.isalpha()


def _breaks(text: str) -> list[int]:
    """Offsets in ``text`` where a line may start (as :func:`_break_before` decides)."""
    if _CJK.search(text) is None:
        out = []
        for m in _AFTER_SPACE.finditer(text):
            i = m.start()
            if text[i - 1] != "-" or (i >= 2 and text[i - 2].isalpha() and text[i].isalpha()):
                out.append(i)
        return out
    return [
        i for i in range(1, len(text))
        if _break_before(text[i - 1], text[i], text[i - 2] if i >= 2 else "")
    ]


def _tokens(pieces: Sequence[Piece]) -> list[list[Piece]]:
    """Cut pieces into unbreakable tokens; trailing spaces stay on their token."""
    breaks = _breaks("".join(text for _, text in pieces))
    breaks.append(-1)  # sentinel: never reached
    tokens: list[list[Piece]] = []
    current: list[Piece] = []
    k = 0
    next_break = breaks[0]
    offset = 0
    for style, text in pieces:
        end = offset + len(text)
        start = offset
        while 0 <= next_break < end:
            if next_break > start:
                current.append((style, text[start - offset:next_break - offset]))
            if current:
                tokens.append(current)
            current, start = [], next_break
            k += 1
            next_break = breaks[k]
        if start < end:
            current.append((style, text[start - offset:]))
        offset = end
    if current:
        tokens.append(current)
    return tokens


def _pieces_width(pieces: Iterable[Piece]) -> float:
    return sum(width_of(style, text) for style, text in pieces)


def _rstrip(pieces: list[Piece]) -> list[Piece]:
    out = list(pieces)
    while out:
        style, text = out[-1]
        stripped = text.rstrip()
        if stripped:
            out[-1] = (style, stripped)
            break
        out.pop()
    return out


def _split_long(token: list[Piece], width: float) -> list[list[Piece]]:
    """Cut a token wider than the line (a long URL) between grapheme clusters."""
    chunks: list[list[Piece]] = []
    current: list[Piece] = []
    used = 0.0
    for style, text in token:
        buf = ""
        for ch in text:
            w = width_of(style, buf + ch) - width_of(style, buf) if buf else width_of(style, ch)
            combining = unicodedata.category(ch)[0] == "M"
            if used + w > width and (buf or current) and not combining:
                if buf:
                    current.append((style, buf))
                chunks.append(current)
                current, buf, used = [], "", 0.0
            buf += ch
            used += w
        if buf:
            current.append((style, buf))
    if current:
        chunks.append(current)
    return chunks


def _measured(token: list[Piece]) -> tuple[list[float], float, float]:
    """A token's piece widths, its width, and its width without trailing spaces."""
    if len(token) == 1:  # most tokens: one word of one style
        style, text = token[0]
        w = width_of(style, text)
        if not text[-1].isspace():
            return [w], w, w
        stripped = text.rstrip()
        return [w], w, width_of(style, stripped) if stripped else 0
    widths = [width_of(style, text) for style, text in token]
    width = sum(widths)
    last = token[-1][1]
    if not last or not last[-1].isspace():
        return widths, width, width
    return widths, width, _pieces_width(_rstrip(token))


def _line(pieces: list[Piece], widths: list[float]) -> Line | None:
    """The finished line: trailing spaces dropped, width summed piece by piece."""
    if pieces and pieces[-1][1] and not pieces[-1][1][-1].isspace():
        return Line(tuple(pieces), sum(widths))
    trimmed = _rstrip(pieces)
    if not trimmed:
        return None
    n = len(trimmed) - 1
    return Line(tuple(trimmed), sum([*widths[:n], width_of(*trimmed[n])]))


def break_lines(pieces: Sequence[Piece], width: float) -> list[Line]:
    """Greedy line filling over tokens measured in logical order."""
    lines: list[Line] = []
    line: list[Piece] = []
    line_widths: list[float] = []
    line_width = 0.0
    queue = _tokens(pieces)
    queue.reverse()
    while queue:
        token = queue.pop()
        token_widths, token_width, trimmed_width = _measured(token)
        if line and line_width + trimmed_width > width:
            done = _line(line, line_widths)
            lines.append(done if done is not None else Line((), 0))
            line, line_widths, line_width = [], [], 0.0
        if not line and trimmed_width > width:
            parts = _split_long(token, width)
            queue.extend(reversed(parts[1:]))
            token = parts[0]
            token_widths, token_width, _ = _measured(token)
        line.extend(token)
        line_widths.extend(token_widths)
        line_width += token_width
    done = _line(line, line_widths)
    if done is not None:
        lines.append(done)
    return lines


# --- bidi and drawing ----------------------------------------------------------------------


def _levels(text: str, base_rtl: bool) -> list[int]:
    """Resolved bidi embedding level of every character (rules P-X-W-N-I of UAX #9)."""
    from bidi import algorithm as uba

    storage = uba.get_empty_storage()
    storage["base_level"] = 1 if base_rtl else 0
    storage["base_dir"] = "R" if base_rtl else "L"
    uba.get_embedding_levels(text, storage, False, False)
    chars = list(storage["chars"])
    uba.explicit_embed_and_overrides(storage, False)
    uba.resolve_weak_types(storage, False)
    uba.resolve_neutral_types(storage, False)
    uba.resolve_implicit_levels(storage, False)
    levels: list[int] = []
    kept = {id(c) for c in storage["chars"]}
    last = storage["base_level"]
    for c in chars:
        if id(c) in kept:
            last = c["level"]
        levels.append(int(last))
    return levels


_EMBEDDING_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_NO_CONTROLS = str.maketrans(dict.fromkeys(_EMBEDDING_CONTROLS))
# Every character of bidi class R, AL, RLE, RLO or RLI lies in these blocks
# (checked against the whole of Unicode 14); most text has none of them.
_RTL_BLOCKS = re.compile(
    "[\u0590-\u08ff\u200f\u202b\u202e\u2067\ufb1d-\ufdff\ufe70-\ufefe"
    "\U00010800-\U00010fff\U0001e800-\U0001efff]"
)


def _has_rtl(text: str) -> bool:
    if _RTL_BLOCKS.search(text) is None:
        return False
    return any(unicodedata.bidirectional(ch) in ("R", "AL", "RLE", "RLO", "RLI") for ch in text)


VisualRun = tuple[Style, Shaped, float]


def layout_line(pieces: Sequence[Piece], direction: Direction) -> list[VisualRun]:
    """A line's runs in visual (left-to-right drawing) order, shaped."""
    base_rtl = direction == "rtl"
    text = "".join(t for _, t in pieces)
    if not base_rtl and not _has_rtl(text):
        return [(s, *_shape_run(s, t, None)) for s, t in _merge(pieces)]
    levels = _levels(text, base_rtl)
    runs: list[tuple[int, Style, str]] = []
    i = 0
    for style, piece in pieces:
        for ch in piece:
            level = levels[i]
            i += 1
            if ch in _EMBEDDING_CONTROLS:
                continue
            if runs and runs[-1][0] == level and runs[-1][1] == style:
                runs[-1] = (level, style, runs[-1][2] + ch)
            else:
                runs.append((level, style, ch))
    # Rule L2: from the highest level down to the lowest odd one, reverse every
    # maximal sequence of runs at that level or higher.
    order = list(range(len(runs)))
    if runs:
        highest = max(r[0] for r in runs)
        lowest_odd = min((r[0] for r in runs if r[0] % 2), default=highest + 1)
        for level in range(highest, lowest_odd - 1, -1):
            k = 0
            while k < len(order):
                if runs[order[k]][0] >= level:
                    end = k
                    while end < len(order) and runs[order[end]][0] >= level:
                        end += 1
                    order[k:end] = reversed(order[k:end])
                    k = end
                else:
                    k += 1
    visual: list[VisualRun] = []
    for idx in order:
        level, style, run_text = runs[idx]
        visual.append((style, *_shape_run(style, run_text, bool(level % 2))))
    return visual


def actual_text(pieces: Sequence[Piece], direction: Direction,
                runs: Sequence[VisualRun]) -> str | None:
    """The logical text of a line whose glyphs do not spell it: right-to-left
    text, or letters the font builds from a base and a mark (Vietnamese ị)."""
    text = "".join(t for _, t in pieces).translate(_NO_CONTROLS)
    if direction != "rtl" and not _has_rtl(text):
        glyphs = "".join(shaped.text for _, shaped, _ in runs)
        if glyphs == unicodedata.normalize("NFC", text):
            return None
    return text


def _merge(pieces: Sequence[Piece]) -> list[Piece]:
    out: list[Piece] = []
    for style, text in pieces:
        if out and out[-1][0] == style:
            out[-1] = (style, out[-1][1] + text)
        else:
            out.append((style, text))
    return out


def _shape_run(style: Style, text: str, rtl: bool | None) -> tuple[Shaped, float]:
    shaped = _shape(style.face, text, rtl)
    return shaped, shaped.advance * style.size / 1000


@cache
def color(value: str) -> Color:
    return HexColor(value)


@cache
def _fill_op(value: str) -> str:
    """The operator a text object writes for ``setFillColor(color(value))``."""
    c = color(value)
    return f"{fp_str(c.red, c.green, c.blue)} rg"


@cache
def _font_op_tail(size: float) -> str:
    """What follows the font name in reportlab's ``Tf`` (leading 1.2 times the size)."""
    return f"{fp_str(size)} Tf {fp_str(size * 1.2)} TL"


_ESCAPES = {i: escapePDF(bytes([i])) for i in range(256)}


def _escape(codes: bytes) -> str:
    return codes.decode("latin-1").translate(_ESCAPES)


Placement = tuple[tuple[str, tuple[str | tuple[int, int], ...]], ...]


@lru_cache(maxsize=20_000)
def _placement(shaped: Shaped, size: float) -> Placement:
    """The operators reportlab's ``_formatText`` writes for a one-subset
    ``ShapedStr`` at ``size``, with glyph ranges ``(start, end)`` where the
    strings go (their codes belong to the document): ``("Tj", (range,))``,
    ``("TJ", parts)`` or ``("Ts", (operator,))``.  Includes how reportlab's
    setRise() replaces a just-written "Ts" without updating the rise."""
    glyphs = shaped.glyphs
    assert glyphs is not None
    code: list[tuple[str, tuple[str | tuple[int, int], ...]]] = []
    rise: float = 0

    def set_rise(value: float) -> None:
        nonlocal rise
        op = ("Ts", (f"{fp_str(value)} Ts",))
        if code and code[-1][0] == "Ts":
            code[-1] = op
        else:
            rise = value
            code.append(op)

    items: list[float | tuple[int]] = []
    begun = False
    for i in range(len(glyphs) + 1):
        if i < len(glyphs):
            before, after, y_offset = glyphs[i]
            r = 0 + size * y_offset / 1000
            end = False
        else:
            r, end = 0.0, True
        if not begun or end or r != rise:
            if begun:
                parts: list[str | tuple[int, int]] = []
                for is_glyph, group in groupby(
                    filter(None, items), lambda x: isinstance(x, tuple)
                ):
                    if is_glyph:
                        indices = [g[0] for g in group]  # type: ignore[index]
                        parts.append((indices[0], indices[-1] + 1))
                    else:
                        number = fp_str(sum(group))  # type: ignore[arg-type]
                        if number != "0":
                            parts.append(number)
                if len(parts) == 1 and not isinstance(parts[0], str):
                    code.append(("Tj", tuple(parts)))
                else:
                    code.append(("TJ", tuple(parts)))
                if rise != 0:
                    set_rise(0)
                if end:
                    break
            if r != rise:
                set_rise(r)
            begun = True
            items = []
        items.append(before)
        items.append((i,))
        items.append(after)
    return tuple(code)


def _split(font: Any, text: str, doc: Any) -> list[tuple[int, bytes]]:
    """``font.splitString(text, doc)``, without its per-character loop when every
    character already has a code in the document's first subset."""
    state = font.state.get(doc)
    if state is not None:
        try:
            return [(0, bytes(map(state.assignments.__getitem__, map(ord, text))))]
        except (KeyError, ValueError):  # a new character, or a code past 255
            pass
    return font.splitString(text, doc)  # type: ignore[no-any-return]


def _show(canv: Any, face: Face, size: float, shaped: Shaped) -> list[str]:
    """Text-showing operators for one run, byte for byte what reportlab's
    ``PDFTextObject.textOut`` writes for the equivalent ``ShapedStr``."""
    font = _ttf(face)
    doc = canv._doc
    tail = _font_op_tail(size)
    code: list[str] = []
    shapable = font.shapable
    glyphs = shaped.glyphs if shapable else None
    chunks = _split(font, shaped.text, doc)
    if glyphs is None:
        for subset, codes in chunks:
            code.append(f"{font.getSubsetInternalName(subset, doc)} {tail}")
            code.append(f"({_escape(codes)}) Tj")
        return code
    kerns = shaped.kerns
    if kerns is not None and len(chunks) == 1:
        subset, codes = chunks[0]
        code.append(f"{font.getSubsetInternalName(subset, doc)} {tail}")
        parts: list[str] = []
        start = 0
        for i, number in kerns:
            if i >= 0:
                parts.append(f"({_escape(codes[start:i + 1])})")
                start = i + 1
            if number != "0":
                parts.append(number)
        if start < len(codes):
            parts.append(f"({_escape(codes[start:])})")
        if len(parts) == 1 and parts[0].startswith("("):
            code.append(f"{parts[0]} Tj")
        else:
            code.append(f"[{' '.join(parts)}] TJ")
        return code
    # Raised or lowered marks (Arabic, stacked accents), or a run that spans
    # several font subsets: each subset's glyphs are placed like a run of their own,
    # as reportlab's textobject._formatText does for a ShapedStr.
    start = 0
    for subset, codes in chunks:
        code.append(f"{font.getSubsetInternalName(subset, doc)} {tail}")
        part = shaped
        if len(chunks) > 1:
            part = shaped._replace(
                text="", glyphs=glyphs[start : start + len(codes)], kerns=None
            )
        for kind, ops in _placement(part, size):
            if kind == "Ts":
                code.append(ops[0])  # type: ignore[arg-type]
                continue
            strings = [
                op if isinstance(op, str) else f"({_escape(codes[op[0]:op[1]])})" for op in ops
            ]
            code.append(f"{strings[0]} Tj" if kind == "Tj" else f"[{' '.join(strings)}] TJ")
        start += len(codes)
    return code


def draw_line(
    canv: Any, runs: Sequence[VisualRun], x: float, y: float, actual_text: str | None = None
) -> float:
    """Draw visual runs starting at ``x`` on baseline ``y``; return the end x.

    ``actual_text`` (the line in logical order) is attached as a marked-content
    /ActualText span: extraction then yields words in reading order rather than
    the visual order of right-to-left glyphs.
    """
    assert canv.bottomup
    out = canv._code
    if actual_text is not None:
        encoded = ("\ufeff" + actual_text).encode("utf-16-be").hex().upper()
        out.append(f"/Span <</ActualText <{encoded}>>> BDC")
    for style, shaped, width in runs:
        face = style.face
        head = f"BT 1 0 0 1 {fp_str(x, y)} Tm {_fill_op(style.color)}"
        if face.synthetic_bold:
            canv.saveState()
            canv.setStrokeColor(color(style.color))
            canv.setLineWidth(style.size * 0.035)
            head += " 2 Tr"
        out.append(" ".join([head, *_show(canv, face, style.size, shaped), "ET"]))
        if face.synthetic_bold:
            canv.restoreState()
        if style.href:
            canv.saveState()
            canv.setStrokeColor(color(style.color))
            canv.setLineWidth(max(0.5, style.size / 18))
            underline = y - style.size * 0.14
            canv.line(x, underline, x + width, underline)
            canv.restoreState()
            canv.linkURL(
                style.href,
                (x, y - style.size * 0.3, x + width, y + style.size * 0.9),
                relative=1,
                thickness=0,
            )
        x += width
    if actual_text is not None:
        out.append("EMC")
    return x


# --- the flowable --------------------------------------------------------------------------


@dataclass(frozen=True)
class ParaStyle:
    """How a block of text is set."""

    size: float
    leading: float
    color: str
    direction: Direction = "ltr"
    align: Literal["start", "center"] = "start"
    indent: float = 0.0
    space_before: float = 0.0
    space_after: float = 0.0
    link_color: str = "#1a5b9a"


def resolve(spans: Iterable[Span], stack: FontStack, para: ParaStyle) -> list[Piece]:
    """Spans → pieces with a face each, NFC-normalised, fallback fonts applied."""
    pieces: list[Piece] = []
    for span in spans:
        text = unicodedata.normalize("NFC", span.text)
        colour = para.link_color if span.href else (span.color or para.color)
        for fam, part in stack.split(text):
            face = fam.face(span.bold, span.italic)
            style = Style(face, para.size, colour, span.href)
            if pieces and pieces[-1][0] == style:
                pieces[-1] = (style, pieces[-1][1] + part)
            else:
                pieces.append((style, part))
    return pieces


class TextBlock(Flowable):  # type: ignore[misc]
    """A paragraph set by kedu's own line breaker; splits between lines.

    Splitting keeps at least two lines on each side (no orphans or widows), so
    a list term or the first line of an FAQ answer never sits alone at the
    bottom of a page.
    """

    MIN_LINES = 2

    def __init__(
        self,
        pieces: Sequence[Piece],
        para: ParaStyle,
        *,
        bullet: Sequence[Piece] = (),
        outline: tuple[str, str, int] | None = None,
        keep_with_next: bool = False,
        lines: Sequence[Line] | None = None,
    ) -> None:
        super().__init__()
        self.pieces = tuple(pieces)
        self.para = para
        self.bullet = tuple(bullet)
        self.outline = outline
        self.keepWithNext = keep_with_next
        self.spaceBefore = para.space_before
        self.spaceAfter = para.space_after
        self._lines: list[Line] | None = list(lines) if lines is not None else None
        self._laid_width: float | None = None

    def _layout(self, avail_width: float) -> list[Line]:
        # Blocks made by split() carry finished lines and no pieces to re-break.
        if self.pieces and self._laid_width != avail_width:
            self._lines = break_lines(self.pieces, avail_width - self.para.indent)
            self._laid_width = avail_width
        return self._lines or []

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        lines = self._layout(availWidth)
        self.width = availWidth
        self.height = len(lines) * self.para.leading
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        lines = self._layout(availWidth)
        fit = int((availHeight + 1e-6) // self.para.leading)
        if fit >= len(lines):
            return [self]
        fit = min(fit, len(lines) - self.MIN_LINES)
        if fit < self.MIN_LINES:
            return []
        first = TextBlock(
            (), replace(self.para, space_after=0), bullet=self.bullet, outline=self.outline,
            lines=lines[:fit],
        )
        rest = TextBlock(
            (), replace(self.para, space_before=0), keep_with_next=self.keepWithNext,
            lines=lines[fit:],
        )
        first._laid_width = rest._laid_width = availWidth
        return [first, rest]

    def draw(self) -> None:
        canv = self.canv
        para = self.para
        lines = self._lines or []
        if self.outline is not None:
            title, key, level = self.outline
            canv.bookmarkPage(key)
            canv.addOutlineEntry(title, key, level=level, closed=False)
        rtl = para.direction == "rtl"
        descent = (para.leading - para.size) / 2 + para.size * 0.22
        for n, line in enumerate(lines):
            y = self.height - (n + 1) * para.leading + descent
            runs = layout_line(line.pieces, para.direction)
            if para.align == "center":
                x = (self.width - line.width) / 2
            elif rtl:
                x = self.width - para.indent - line.width
            else:
                x = para.indent
            draw_line(canv, runs, x, y, actual_text(line.pieces, para.direction, runs))
            if n == 0 and self.bullet:
                bullet_runs = layout_line(self.bullet, para.direction)
                bullet_width = sum(r[2] for r in bullet_runs)
                gap = para.indent - bullet_width
                bx = self.width - para.indent + gap / 2 if rtl else gap / 2
                draw_line(canv, bullet_runs, bx, y)
