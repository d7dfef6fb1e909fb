"""Line layout of the PDF text engine: bidi order of runs, kinsoku, long words.

Each test pins one rule of :mod:`kedu.exporters.pdf.text` so that dropping the
rule turns it red: the bidi reordering of runs (UAX #9 rule L2), the Chinese
and Japanese line-start rules (kinsoku), and the splitting of a word wider than
the line.
"""

from __future__ import annotations

import pytest

from kedu.exporters.pdf.fonts import family
from kedu.exporters.pdf.text import (
    Line,
    Style,
    break_lines,
    layout_line,
    visual_order,
    width_of,
)

LATIN = family("noto-sans").regular
ARABIC = family("noto-sans-arabic").regular
CJK = family("wqy-microhei").regular


def _style(face: object, color: str) -> Style:
    return Style(face, 11.0, color)  # type: ignore[arg-type]


def _colors(pieces: list[tuple[Style, str]], direction: str) -> list[str]:
    """The colours of a line's runs in visual (left-to-right) order."""
    return [run.style.color for run in layout_line(pieces, direction)]  # type: ignore[arg-type]


# --- bidi: runs in visual order -------------------------------------------------------------


def test_rtl_words_inside_a_left_to_right_line_keep_their_place() -> None:
    pieces = [
        (_style(LATIN, "#000001"), "Ask "),
        (_style(ARABIC, "#000002"), "العيادة اليوم"),
        (_style(LATIN, "#000003"), " please"),
    ]
    assert _colors(pieces, "ltr") == ["#000001", "#000002", "#000003"]


def test_a_right_to_left_line_runs_from_the_right() -> None:
    pieces = [
        (_style(ARABIC, "#000001"), "اتصل "),
        (_style(LATIN, "#000002"), "Example Clinic"),
        (_style(ARABIC, "#000003"), " اليوم"),
    ]
    # Reading order 1, 2, 3 is drawn right to left: 3 leftmost.
    assert _colors(pieces, "rtl") == ["#000003", "#000002", "#000001"]


def test_two_latin_words_in_an_arabic_line_keep_their_own_order() -> None:
    pieces = [
        (_style(ARABIC, "#000001"), "قال "),
        (_style(LATIN, "#000002"), "Good "),
        (_style(LATIN, "#000003"), "morning"),
        (_style(ARABIC, "#000004"), " لنا"),
    ]
    assert _colors(pieces, "rtl") == ["#000004", "#000002", "#000003", "#000001"]


def test_numbers_in_arabic_read_left_to_right_within_the_right_to_left_line() -> None:
    one = _style(ARABIC, "#000001")
    runs = layout_line([(one, "خذ 2 أقراص ثم 10 مل")], "rtl")
    # Five level runs: the two numbers are left-to-right islands.
    assert [run.shaped.rtl for run in runs] == [True, False, True, False, True]
    assert [run.order for run in runs] == [4, 3, 2, 1, 0]


def test_isolates_set_the_direction_of_their_content() -> None:
    latin, arabic = _style(LATIN, "#000001"), _style(ARABIC, "#000002")
    # An Arabic name isolated inside English, holding a Latin word in its turn.
    pieces = [(latin, "See \u2067"), (arabic, "عيادة "), (latin, "ACME"), (arabic, " الشفاء"),
              (latin, "\u2069 now")]
    runs = layout_line(pieces, "ltr")
    assert [run.style.color for run in runs] == [
        "#000001", "#000002", "#000001", "#000002", "#000001"
    ]
    # Inside the isolate reading order is right to left: الشفاء, ACME, عيادة.
    assert [run.order for run in runs] == [0, 3, 2, 1, 4]


def test_visual_order_is_rule_l2() -> None:
    assert visual_order([0, 1, 1, 0]) == [0, 2, 1, 3]
    assert visual_order([1, 2, 2, 1]) == [3, 1, 2, 0]
    assert visual_order([0, 1, 2, 1, 0]) == [0, 3, 2, 1, 4]
    assert visual_order([]) == []


# --- kinsoku: CJK line starts ---------------------------------------------------------------

CHINESE = (
    "氯胺酮治疗会让我感到兴奋吗？“不会”，医生说。（请注意）治疗期间，"  # noqa: RUF001
    "请不要驾驶、操作机器，也不要独自离开诊所。如果感到不适，请立即告诉护士。"  # noqa: RUF001
) * 2


@pytest.mark.parametrize("chars", [5, 6, 7, 8, 9, 11, 13])
def test_closing_punctuation_never_starts_a_line_nor_opening_ends_one(chars: int) -> None:
    style = _style(CJK, "#000000")
    width = width_of(style, "国" * chars) + 0.01
    lines = break_lines([(style, CHINESE)], width)
    texts = ["".join(t for _, t in line.pieces) for line in lines]
    assert "".join(texts) == CHINESE
    for text in texts[1:]:
        assert text[0] not in "，。、；：？！）」』】〕〉》”’…", texts  # noqa: RUF001
    for text in texts[:-1]:
        assert text[-1] not in "（「『【〔〈《“‘", texts  # noqa: RUF001
    assert all(line.width <= width for line in lines)


def test_chinese_breaks_between_characters() -> None:
    style = _style(CJK, "#000000")
    lines = break_lines([(style, "治疗期间请不要驾驶操作机器")], width_of(style, "国" * 4) + 0.01)
    assert ["".join(t for _, t in line.pieces) for line in lines] == [
        "治疗期间", "请不要驾", "驶操作机", "器"
    ]


# --- long words -----------------------------------------------------------------------------


def _texts(lines: list[Line]) -> list[str]:
    return ["".join(t for _, t in line.pieces) for line in lines]


def test_a_word_longer_than_the_line_is_split_to_fit() -> None:
    style = _style(LATIN, "#000000")
    url = "https://example.org/patients/handouts/ketamine-therapy/what-to-expect"
    width = 120.0
    lines = break_lines([(style, f"Read {url} today")], width)
    assert all(line.width <= width for line in lines), [line.width for line in lines]
    assert "".join(_texts(lines)).replace(" ", "") == f"Read{url}today"
    assert len(lines) >= 4


def test_splitting_keeps_accents_on_their_letters() -> None:
    style = _style(LATIN, "#000000")
    word = "Nguye\u0302\u0303n" * 12  # combining marks after their base letters
    lines = break_lines([(style, word)], 60.0)
    for text in _texts(lines):
        assert text[0] not in "\u0302\u0303", text
    assert "".join(_texts(lines)) == word


def test_words_that_fit_are_never_split() -> None:
    style = _style(LATIN, "#000000")
    text = "Ketamine may help some people who live with depression or long pain"
    lines = break_lines([(style, text)], 100.0)
    assert set(" ".join(_texts(lines)).split()) == set(text.split())
