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

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache, partial, reduce
from itertools import compress, groupby, repeat
from operator import add, gt, itemgetter, mul, ne, sub
from typing import Any, Literal, NamedTuple
from weakref import WeakKeyDictionary

from reportlab.lib.colors import Color, HexColor
from reportlab.lib.rl_accel import escapePDF, fp_str

from kedu.exporters.pdf import rl_adapter
from kedu.exporters.pdf.fonts import Face, FontStack, is_cjk, register

__all__ = [
    "Line", "Shaped", "Span", "Style", "actual_text", "draw_line", "layout_line",
    "shape",
]

Direction = Literal["ltr", "rtl"]

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
def _ttf(face: Face) -> rl_adapter.KeduTTFont:
    """reportlab's font object for ``face``, registered."""
    return rl_adapter.get_font(register(face))


def _glyph_texts(text: str, clusters: list[int], rtl: bool) -> list[str]:
    """The text each glyph stands for, from HarfBuzz's clusters (glyphs in visual order).

    A cluster's characters run from its value to the next cluster's.  The
    first glyph in logical order (the base) gets the first character, the last
    glyphs get the remaining characters one each (the marks that follow a base
    letter come last in both), and the base takes any surplus: a ligature gets
    all its letters.  Glyphs left between them without a character (the dots
    of an Arabic letter drawn as a dotless base and dot marks, an accent
    stacked on a base) get ``""``: they are drawn as shapes, not text (see
    :func:`_shape_form`).
    One character per glyph also keeps extractors that reorder right-to-left
    text character by character (poppler) from reversing a multi-letter glyph.
    """
    if len(clusters) == len(text) and len(set(clusters)) == len(text):
        # One glyph per character (most runs, either direction): the clusters
        # are the characters' offsets, each glyph gets its own.
        return list(map(text.__getitem__, clusters))
    n = len(clusters)
    logical = clusters[::-1] if rtl else clusters
    if not any(map(gt, logical, logical[1:])):
        # Clusters in logical order never go back (HarfBuzz's default cluster
        # level), so each cluster's glyphs are neighbours: the same rule as
        # below, a cluster at a time.
        out = [""] * n
        firsts = [0, *compress(range(1, n), map(ne, logical[1:], logical))]
        for first, end in zip(firsts, [*firsts[1:], n], strict=True):
            chars = text[logical[first]:logical[end] if end < n else len(text)]
            if end - first == 1:
                out[first] = chars
                continue
            surplus = max(0, len(chars) - (end - first))
            out[first] = chars[:surplus + 1]
            rest = chars[surplus + 1:]
            if rest:
                out[end - len(rest):end] = rest
        return out[::-1] if rtl else out
    starts = sorted(set(clusters))
    ends = dict(zip(starts, [*starts[1:], len(text)], strict=True))
    members: dict[int, list[int]] = {}
    for i in range(len(clusters) - 1, -1, -1) if rtl else range(len(clusters)):
        members.setdefault(clusters[i], []).append(i)
    out = [""] * len(clusters)
    for cluster, glyphs in members.items():
        chars = text[cluster:ends[cluster]]
        surplus = max(0, len(chars) - len(glyphs))
        out[glyphs[0]] = chars[:surplus + 1]
        rest = chars[surplus + 1:]
        for glyph, ch in zip(glyphs[len(glyphs) - len(rest):], rest, strict=True):
            out[glyph] = ch
    return out


def _glyph_advance(face: Face, gid: int) -> float:
    return float(_hb_font(face).get_glyph_h_advance(gid)) * 1000 / _upem(face)


Glyph = tuple[float, float, float]
"""Per glyph, in thousandths of the font size: the shift before it (``-x_offset``),
the correction after it (nominal width minus HarfBuzz advance, plus ``x_offset``),
and its ``y_offset``.  These are the numbers reportlab derives from a ``ShapedStr``."""


class Shaped(NamedTuple):
    """A shaped run: glyphs and how to place them.

    ``text`` holds one character per drawn glyph: the key reportlab's subset
    gives a code (see :mod:`kedu.exporters.pdf.rl_adapter`).

    Most runs (left-to-right, every glyph standing for text) keep their glyphs
    in visual order and print as reportlab prints a ``ShapedStr``: ``glyphs``
    is ``None`` when every glyph sits at its nominal advance without offsets, so
    the run prints as one plain string; ``kerns`` serves runs that are moved
    only horizontally (kerning): the numbers of the ``TJ`` array, each after the
    glyph at its index (``-1``: before the first), as reportlab formats them,
    ``None`` when a glyph is raised or lowered (marks).

    Right-to-left runs, and runs with glyphs that stand for no text, are
    ``placed``: ``text`` and ``placed`` list the text glyphs in logical order,
    each with the ``TJ`` number that moves the pen to its origin (``None``:
    none needed), its rise in thousandths of the font size, and whether it is
    shown invisibly (see :func:`_placed`); ``shapes`` lists the glyphs drawn as
    shapes as ``(glyph id, "dx dy")``: in font units, from the run's start for
    the first and from the previous shape for the others.
    """

    text: str
    advance: float
    glyphs: tuple[Glyph, ...] | None
    kerns: tuple[tuple[int, str], ...] | None = None
    placed: tuple[tuple[str | None, float, bool], ...] | None = None
    shapes: tuple[tuple[int, str], ...] = ()
    rtl: bool = False


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


class _Keys:
    """Per face: the key character reportlab's subsets know each (glyph, text)
    pair by, and each key's nominal width (what ``/Widths`` says), looked up
    once per pair instead of once per drawn glyph.  Both only repeat what
    :meth:`~kedu.exporters.pdf.rl_adapter.KeduTTFont.glyph_key` and
    ``nominal_width`` answer, which never changes for a key once given."""

    def __init__(self, face: Face) -> None:
        self.font = _ttf(face)
        self.advance = partial(_glyph_advance, face)
        self.chars: dict[tuple[int, str], str] = {}
        self.widths: dict[str, float | None] = {}

    def keys(self, gids: Sequence[int], texts: Sequence[str]) -> list[str]:
        pairs = list(zip(gids, texts, strict=True))
        out: list[str | None] = list(map(self.chars.get, pairs))
        if None in out:
            font, advance, chars, widths = self.font, self.advance, self.chars, self.widths
            for i, pair in enumerate(pairs):
                if out[i] is None:
                    key = font.glyph_key(pair[0], pair[1], advance)
                    char = chars[pair] = chr(key)
                    if char not in widths:
                        width = font.nominal_width(key, math.nan)
                        widths[char] = None if math.isnan(width) else width
                    out[i] = char
        return out  # type: ignore[return-value]

    def key(self, gid: int, text: str) -> str:
        char = self.chars.get((gid, text))
        return char if char is not None else self.keys((gid,), (text,))[0]


@cache
def _keys(face: Face) -> _Keys:
    return _Keys(face)


# GlyphPosition.position is (x_offset, y_offset, x_advance, y_advance).
_X_OFFSET, _Y_OFFSET, _X_ADVANCE = itemgetter(0), itemgetter(1), itemgetter(2)


@lru_cache(maxsize=200_000)
def _shape(face: Face, text: str, rtl: bool | None) -> Shaped:
    buf = _hb_shape(face, text, rtl)
    scale = 1000 / _upem(face)
    infos = buf.glyph_infos
    gids = [info.codepoint for info in infos]
    clusters = [info.cluster for info in infos]
    is_rtl = buf.direction == "rtl"
    texts = _glyph_texts(text, clusters, is_rtl)
    positions = [pos.position for pos in buf.glyph_positions]
    advances = list(map(mul, map(_X_ADVANCE, positions), repeat(scale)))
    total = reduce(add, advances, 0.0)  # in order, as reportlab adds them
    keys = _keys(face)
    if is_rtl or not all(texts):
        return _placed(keys, gids, texts, clusters, positions, scale, total, is_rtl)
    chars_list = keys.keys(gids, texts)
    chars = "".join(chars_list)
    font = keys.font
    width = font.nominal_width
    if not any(map(_X_OFFSET, positions)) and not any(map(_Y_OFFSET, positions)):
        widths = list(map(keys.widths.__getitem__, chars_list))
        if None in widths:  # a key without a width of its own: its advance
            widths = [a if w is None else w for w, a in zip(widths, advances, strict=True)]
        nominal = list(map(sub, widths, advances))
        if not any(nominal):
            return Shaped(chars, total, None)
        # Kerning only: a number after each glyph whose advance differs from
        # its nominal width (what _kerns() finds, without scanning every glyph).
        afters = list(map(add, nominal, repeat(0.0)))  # no -0.0
        kerns = tuple((i, _number(after)) for i, after in enumerate(afters) if after)
        return Shaped(chars, total, tuple(zip(repeat(-0.0), afters, repeat(0.0))), kerns)
    else:
        glyphs = []
        for code, advance, p in zip(map(ord, chars), advances, positions, strict=True):
            x_offset = p[0] * scale
            glyphs.append(
                (-x_offset, width(code, advance) - advance + x_offset, p[1] * scale)
            )
    return Shaped(chars, total, tuple(glyphs), _kerns(glyphs))


def _placed(
    keys: _Keys, gids: Sequence[int], texts: Sequence[str], clusters: Sequence[int],
    positions: Sequence[Sequence[int]], scale: float, total: float, rtl: bool,
) -> Shaped:
    """A run drawn glyph by glyph in logical order (see :class:`Shaped`).

    Everything is worked out here, once per shaped run, in units that do not
    depend on the font size: the ``TJ`` number that moves the pen to each
    glyph's origin (thousandths of the size), each glyph's rise, and the
    textless glyphs' offsets in font units.
    """
    chars: list[str] = []
    placed: list[tuple[str | None, float, bool]] = []
    shapes: list[tuple[int, str]] = []
    pen = 0.0
    origins = []
    for p in positions:
        origins.append((pen + p[0] * scale, p[1] * scale))
        pen += p[2] * scale
    units = 1000 / scale
    pen = 0.0
    base_x: dict[int, float] = {}  # cluster -> origin of its first glyph in logical order
    last_x = last_y = 0.0  # where the previous shape put the origin, in font units
    known, widths = keys.chars, keys.widths
    for i in range(len(gids) - 1, -1, -1) if rtl else range(len(gids)):
        x, y = origins[i]
        cluster, text = clusters[i], texts[i]
        first = cluster not in base_x
        if first:
            base_x[cluster] = x
        mark = rtl and not first and text and unicodedata.category(text[0]) == "Mn"
        if not text or mark:
            # A glyph drawn as a shape: its offset from the previous shape.
            fx, fy = round(x * units / 1000, 1), round(y * units / 1000, 1)
            shapes.append((gids[i], f"{_short(fx - last_x)} {_short(fy - last_y)}"))
            last_x, last_y = fx, fy
            if not text:
                continue
            # A mark's character (a harakah) on a glyph of its own.  poppler
            # orders right-to-left text by position and would put a mark drawn
            # over its letter before the letter; so the mark is drawn as a
            # shape, and its character is shown invisibly just before the
            # letter's origin, where every extractor reads it after the letter.
            x, y = base_x[cluster] - 1, 0.0
        char = known.get((gids[i], text)) or keys.key(gids[i], text)
        chars.append(char)
        move = pen - x
        placed.append((_number(round(move, 3)) if abs(move) > 5e-4 else None, y, bool(mark)))
        pen = x + (widths[char] or 0.0)
    return Shaped("".join(chars), total, None, None, tuple(placed), tuple(shapes), rtl)


def _short(value: float) -> str:
    """A number in font units for a ``cm`` operator: a tenth of a unit is far
    finer than any printer."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


@lru_cache(maxsize=200_000)
def _advance(face: Face, text: str) -> float:
    """The advance of ``text`` in thousandths of the font size (what measuring needs)."""
    buf = _hb_shape(face, text, None)
    scale = 1000 / _upem(face)
    return reduce(add, [pos.x_advance * scale for pos in buf.glyph_positions], 0.0)


class _ShapeCache:
    """:func:`shape`, with ``cache_clear()`` forgetting every shaping result
    (drawn runs, measured words, broken lines), as a process meeting new text
    would."""

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
        _keys.cache_clear()
        _break_lines.cache_clear()


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
    """Greedy line filling over tokens measured in logical order.

    Remembered per (pieces, width): the layout passes that choose a handout's
    spacing break the same paragraphs at the same widths as its rendering."""
    return list(_break_lines(tuple(pieces), width))


@lru_cache(maxsize=4096)
def _break_lines(pieces: tuple[Piece, ...], width: float) -> tuple[Line, ...]:
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
    return tuple(lines)


# --- bidi and drawing ----------------------------------------------------------------------


_LEVEL = re.compile(r"Level\(\s*(\d+)")
# Characters whose bidi class lets them take a level other than the paragraph's:
# strong left-to-right letters, numbers, and explicit embeddings and isolates.
_NOT_RTL_CLASSES = frozenset(("L", "EN", "AN", "LRE", "LRO", "RLE", "RLO", "PDF",
                              "LRI", "RLI", "FSI", "PDI"))


class _ClassMemo(dict[str, bool]):
    """Whether a character's bidi class is one of :data:`_NOT_RTL_CLASSES`,
    asked of ``unicodedata`` once per character."""

    def __missing__(self, ch: str) -> bool:
        value = self[ch] = unicodedata.bidirectional(ch) in _NOT_RTL_CLASSES
        return value


_MAY_NOT_BE_RTL = _ClassMemo()


def _levels(text: str, base_rtl: bool) -> list[int]:
    """Resolved bidi embedding level of every character of one line (UAX #9,
    isolates included), from python-bidi's public ``get_display``.

    ``get_display(debug=True)`` is python-bidi's documented way to get the levels
    it calculated; they come one per UTF-8 byte.  A right-to-left line whose
    characters are all right-to-left letters or neutrals resolves to level 1
    throughout (rules W1-W7, N1-N2, I1-I2), which spares most Arabic lines the
    call.
    """
    if base_rtl and not any(map(_MAY_NOT_BE_RTL.__getitem__, text)):
        return [1] * len(text)
    return list(_levels_of(text, base_rtl))


@lru_cache(maxsize=4096)
def _levels_of(text: str, base_rtl: bool) -> tuple[int, ...]:
    from bidi import get_display

    report = str(get_display(text, base_dir="R" if base_rtl else "L", debug=True))
    start = report.find("levels:")
    end = report.find("paragraphs:", start)
    per_byte = [int(n) for n in _LEVEL.findall(report, start, end)]
    if start < 0 or len(per_byte) != len(text.encode("utf-8")):
        raise RuntimeError(  # pragma: no cover - a python-bidi outside pyproject's bounds
            "python-bidi's get_display(debug=True) no longer reports levels as kedu reads them"
        )
    levels: list[int] = []
    offset = 0
    for ch in text:
        levels.append(per_byte[offset])
        offset += len(ch.encode("utf-8"))
    _line_end_rule(text, levels, 1 if base_rtl else 0)
    return tuple(levels)


def _line_end_rule(text: str, levels: list[int], base: int) -> None:
    """Rule L1 for the end of a line: trailing whitespace and isolate controls
    take the paragraph level (python-bidi reports levels before line rules)."""
    for i in range(len(text) - 1, -1, -1):
        if unicodedata.bidirectional(text[i]) in ("WS", "LRI", "RLI", "FSI", "PDI", "BN"):
            levels[i] = base
        else:
            break


_EMBEDDING_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
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


class VisualRun(NamedTuple):
    """One shaped run of a line, in visual order; ``order`` is its place in
    logical (reading) order."""

    style: Style
    shaped: Shaped
    width: float
    order: int = 0


def layout_line(pieces: Sequence[Piece], direction: Direction) -> list[VisualRun]:
    """A line's runs in visual (left-to-right drawing) order, shaped.

    Per line, after line breaking: resolve bidi levels (python-bidi), cut the
    line into runs of one level and style, reorder them (rule L2) and shape
    each in its own direction.  Explicit embedding and isolate controls print
    nothing and are dropped after they have done their work on the levels.
    """
    base_rtl = direction == "rtl"
    text = "".join(t for _, t in pieces)
    if not base_rtl and not _has_rtl(text):
        merged = [(s, t.translate(_NO_CONTROLS)) for s, t in _merge(pieces)]
        return [VisualRun(s, *_shape_run(s, t, None), n) for n, (s, t) in enumerate(merged) if t]
    levels = _levels(text, base_rtl)
    runs: list[tuple[int, Style, str]] = []
    if levels and levels.count(levels[0]) == len(levels):
        # One level: the runs are the pieces, without the controls, each
        # joined to the one before in the same style.
        level = levels[0]
        for style, piece in pieces:
            piece = piece.translate(_NO_CONTROLS)
            if not piece:
                continue
            if runs and runs[-1][1] == style:
                runs[-1] = (level, style, runs[-1][2] + piece)
            else:
                runs.append((level, style, piece))
        pieces = ()
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
    visual: list[VisualRun] = []
    for idx in visual_order([level for level, _, _ in runs]):
        level, style, run_text = runs[idx]
        visual.append(VisualRun(style, *_shape_run(style, run_text, bool(level % 2)), idx))
    return visual


def visual_order(levels: Sequence[int]) -> list[int]:
    """Rule L2 of UAX #9 on runs: the indices of runs at ``levels`` in visual
    order.  From the highest level down to the lowest odd one, every maximal
    sequence of runs at that level or higher is reversed."""
    order = list(range(len(levels)))
    if not levels:
        return order
    highest = max(levels)
    lowest_odd = min((lv for lv in levels if lv % 2), default=highest + 1)
    for level in range(highest, lowest_odd - 1, -1):
        k = 0
        while k < len(order):
            if levels[order[k]] >= level:
                end = k
                while end < len(order) and levels[order[end]] >= level:
                    end += 1
                order[k:end] = reversed(order[k:end])
                k = end
            else:
                k += 1
    return order


_NO_CONTROLS = str.maketrans(dict.fromkeys(_EMBEDDING_CONTROLS))


def actual_text(pieces: Sequence[Piece], direction: Direction,
                runs: Sequence[VisualRun]) -> str | None:
    """The /ActualText a line needs: none.  The ToUnicode map spells every
    glyph's characters and lines are written in reading order, so extractors
    read kedu's lines as they are (poppler even reverses right-to-left
    /ActualText a second time).  Kept so that callers written for the earlier
    text engine keep working; :func:`draw_line` still accepts a text."""
    return None


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


def _show(canv: Any, face: Face, size: float, shaped: Shaped, render: str = "0") -> list[str]:
    """Text-showing operators for one run: for a run in visual order, byte for
    byte what reportlab's ``PDFTextObject.textOut`` writes for the equivalent
    ``ShapedStr``; for a placed run, see :func:`_show_placed`."""
    font = _ttf(face)
    doc = rl_adapter.document(canv)
    tail = _font_op_tail(size)
    code: list[str] = []
    shapable = font.shapable
    glyphs = shaped.glyphs if shapable else None
    chunks = rl_adapter.codes(font, shaped.text, doc)
    if shaped.placed is not None:
        return _show_placed(font, doc, tail, size, shaped, chunks, render)
    if glyphs is None:
        for subset, codes in chunks:
            code.append(f"{rl_adapter.subset_name(font, subset, doc)} {tail}")
            code.append(f"({_escape(codes)}) Tj")
        return code
    kerns = shaped.kerns
    if kerns is not None and len(chunks) == 1:
        subset, codes = chunks[0]
        code.append(f"{rl_adapter.subset_name(font, subset, doc)} {tail}")
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
        code.append(f"{rl_adapter.subset_name(font, subset, doc)} {tail}")
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


def _show_placed(
    font: rl_adapter.KeduTTFont, doc: Any, tail: str, size: float, shaped: Shaped,
    chunks: list[tuple[int, bytes]], render: str,
) -> list[str]:
    """A placed run: its text glyphs in logical order, each moved to its shaped
    origin by the ``TJ`` number before it (positive: back to the left).

    Extractors differ in how they order right-to-left text: poppler sorts
    glyphs by position and reverses right-to-left words itself, MuPDF keeps the
    content stream's order, and pypdf reverses right-to-left characters shown
    since the last font change.  Logical order in the stream, with the font set
    again before every glyph of a right-to-left run, gives logical text in all
    three (tests/test_pdf_textlayer.py checks each).
    """
    assert shaped.placed is not None
    codes = [(subset, code) for subset, data in chunks for code in data]
    out: list[str] = []
    parts: list[str] = []
    rise = 0.0
    current = -1
    hidden = False
    size_op = f"{fp_str(size)} Tf"
    font_op = ""
    rtl = shaped.rtl
    for (subset, c), (move, y, invisible) in zip(codes, shaped.placed, strict=True):
        # A right-to-left run ends its TJ after every glyph and sets the font
        # again (see above); a left-to-right one only when something changes.
        if subset != current or rtl or invisible != hidden or y != rise:
            if parts:
                out.append(f"[{' '.join(parts)}] TJ")
                parts = []
            if subset != current:
                name = rl_adapter.subset_name(font, subset, doc)
                font_op = f"{name} {size_op}"
                out.append(f"{name} {tail}" if current < 0 else font_op)
                current = subset
            elif rtl:
                out.append(font_op)
            if invisible != hidden:
                out.append("3 Tr" if invisible else f"{render} Tr")
                hidden = invisible
            if y != rise:
                out.append(f"{_rise(size, y)} Ts")
                rise = y
        if move is not None:
            parts.append(move)
        parts.append(f"({_ESCAPES[c]})")
    if parts:
        out.append(f"[{' '.join(parts)}] TJ")
    if hidden:
        out.append(f"{render} Tr")
    if rise:
        out.append("0 Ts")
    return out


@lru_cache(maxsize=4096)
def _rise(size: float, y: float) -> str:
    return fp_str(size * y / 1000)  # type: ignore[no-any-return]


class _Outline:
    """A fontTools-style pen that writes a glyph outline as PDF path operators
    (quadratic curves become cubic ones)."""

    def __init__(self) -> None:
        self.ops: list[str] = []
        self.last = (0.0, 0.0)

    def moveTo(self, p: tuple[float, float]) -> None:
        self.ops.append(f"{fp_str(*p)} m")
        self.last = p

    def lineTo(self, p: tuple[float, float]) -> None:
        self.ops.append(f"{fp_str(*p)} l")
        self.last = p

    def curveTo(self, *points: tuple[float, float]) -> None:
        c1, c2, p = points
        self.ops.append(" ".join(_short(v) for v in (*c1, *c2, *p)) + " c")
        self.last = p

    def qCurveTo(self, *points: tuple[float, float]) -> None:
        (qx, qy), (px, py) = points
        x0, y0 = self.last
        self.curveTo(
            (x0 + 2 * (qx - x0) / 3, y0 + 2 * (qy - y0) / 3),
            (px + 2 * (qx - px) / 3, py + 2 * (qy - py) / 3),
            (px, py),
        )

    def closePath(self) -> None:
        self.ops.append("h")

    def endPath(self) -> None:
        pass


@cache
def _outline(face: Face, gid: int) -> tuple[str, tuple[float, float, float, float]]:
    """A glyph's outline as path operators in font units, and its bounding box."""
    hb_font = _hb_font(face)
    pen = _Outline()
    hb_font.draw_glyph_with_pen(gid, pen)
    ext = hb_font.get_glyph_extents(gid)
    pad = _upem(face) * 0.05  # room for a synthetic bold's stroke
    box = (ext.x_bearing - pad, ext.y_bearing + ext.height - pad,
           ext.x_bearing + ext.width + pad, ext.y_bearing + pad)
    return " ".join(pen.ops), box


_forms: WeakKeyDictionary[Any, dict[tuple[Face, int], str]] = WeakKeyDictionary()


def _shape_form(canv: Any, face: Face, gid: int) -> str:
    """The name of a form XObject drawing glyph ``gid`` as a filled shape, made
    on first use in this document.

    Glyphs that stand for no text (the dots of Arabic letters in Noto Sans
    Arabic, accents stacked on a base) must not be text: every extractor gives
    each text glyph at least one character, and MuPDF gives U+FFFD to a glyph
    whose ToUnicode entry is empty, which would split every dotted Arabic
    letter's word.  The form takes the fill colour of the text around it."""
    names = _forms.setdefault(rl_adapter.document(canv), {})
    name = names.get((face, gid))
    if name is not None:
        return name
    name = f"kg{len(names)}"  # numbered in order of first use: deterministic
    names[(face, gid)] = name
    if not canv.hasForm(name):
        path, box = _outline(face, gid)
        paint = f"{fp_str(_upem(face) * 0.035)} w B" if face.synthetic_bold else "f"
        canv.beginForm(name, *box)
        rl_adapter.append(canv, f"{path} {paint}" if path else "n")
        # Only a path: no fonts in its resources (reportlab would list every
        # font of the document, which extractors then read for each use).
        canv.endForm(Resources=rl_adapter.path_only_resources())
    return name


def draw_line(
    canv: Any, runs: Sequence[VisualRun], x: float, y: float, actual_text: str | None = None
) -> float:
    """Draw visual runs starting at ``x`` on baseline ``y``; return the end x.

    Runs are placed in visual order but written to the page in logical order,
    one text object each, so extractors that keep the content stream's order
    read a mixed-direction line in reading order.  ``actual_text`` (the line in
    logical order) may be attached as a marked-content /ActualText span; the
    ToUnicode map already spells every glyph's text, so kedu's own layouts do
    not need it.
    """
    assert canv.bottomup
    if actual_text is not None:
        encoded = ("\ufeff" + actual_text).encode("utf-16-be").hex().upper()
        rl_adapter.append(canv, f"/Span <</ActualText <{encoded}>>> BDC")
    starts = []
    for run in runs:
        starts.append(x)
        x += run.width
    for run, start in sorted(zip(runs, starts, strict=True), key=lambda r: r[0].order):
        _draw_run(canv, run, start, y)
    for run, start in zip(runs, starts, strict=True):  # annotations in visual order
        if run.style.href:
            _draw_link(canv, run, start, y)
    if actual_text is not None:
        rl_adapter.append(canv, "EMC")
    return x


@lru_cache(maxsize=256)
def _shape_scale(face: Face, size: float) -> str:
    return fp_str(size / _upem(face))  # type: ignore[no-any-return]


def _draw_run(canv: Any, run: VisualRun, x: float, y: float) -> None:
    style, shaped = run.style, run.shaped
    face = style.face
    head = f"BT 1 0 0 1 {fp_str(x, y)} Tm {_fill_op(style.color)}"
    if face.synthetic_bold:
        canv.saveState()
        canv.setStrokeColor(color(style.color))
        canv.setLineWidth(style.size * 0.035)
        head += " 2 Tr"
    render = "2" if face.synthetic_bold else "0"
    ops = _show(canv, face, style.size, shaped, render) if shaped.text else []
    rl_adapter.append(canv, " ".join([head, *ops, "ET"]))
    if shaped.shapes:
        # One q ... Q per run: each shape moves the origin on from the last one.
        scale = _shape_scale(face, style.size)
        rl_adapter.append(canv, f"q {scale} 0 0 {scale} {fp_str(x, y)} cm")
        names = _forms.setdefault(rl_adapter.document(canv), {})
        for gid, step in shaped.shapes:
            name = names.get((face, gid)) or _shape_form(canv, face, gid)
            rl_adapter.append(canv, f"1 0 0 1 {step} cm")
            canv.doForm(name)
        rl_adapter.append(canv, "Q")
    if face.synthetic_bold:
        canv.restoreState()


def _draw_link(canv: Any, run: VisualRun, x: float, y: float) -> None:
    """Underline a linked run and make it clickable."""
    style, width = run.style, run.width
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
