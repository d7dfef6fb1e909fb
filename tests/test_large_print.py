"""Large print: nothing printed is below 16 pt (page numbers may be 14 pt).

PDF sizes are read back with MuPDF (``mutool draw -F stext``: the size every
character is drawn at, after all text matrices); Word sizes from the package's
XML with lxml (every ``w:sz``/``w:szCs`` in styles, body, headers and footers).
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from functools import cache
from pathlib import Path

import pytest
from lxml import etree

from kedu.exporters import ExportOptions, get_exporter
from kedu.localization import localize
from kedu.models import LocalizedArticle
from tests.conftest import EXAMPLE

_NS = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}
_W = "{" + _NS["w"] + "}"


@cache
def _doc(locale: str) -> LocalizedArticle:
    from kedu.load import load_article

    return localize(load_article(EXAMPLE), locale, base_dir=EXAMPLE.parent)


def _export(fmt: str, locale: str, bilingual: bool, paper: str) -> bytes:
    options = ExportOptions(paper=paper, large_print=True)  # type: ignore[arg-type]
    if bilingual:
        return get_exporter(fmt).export_bilingual(_doc(locale), _doc("en"), options)
    return get_exporter(fmt).export(_doc(locale), options)


def _pdf_lines(data: bytes, tmp_path: Path) -> list[tuple[str, set[float], float]]:
    """(text, sizes, top) of every line MuPDF finds on every page."""
    pdf = tmp_path / "large.pdf"
    pdf.write_bytes(data)
    xml = subprocess.run(
        ["mutool", "draw", "-F", "stext", "-o", "-", str(pdf)],
        check=True, capture_output=True,
    ).stdout
    lines = []
    for line in etree.fromstring(xml).iter("line"):
        text = "".join(ch.get("c", "") for ch in line.iter("char"))
        sizes = {float(font.get("size")) for font in line.iter("font")}
        lines.append((text, sizes, float(line.get("bbox").split()[1])))
    return lines


CASES = [
    ("en", False, "letter"),
    ("ru", False, "a4"),
    ("ar", False, "letter"),
    ("zh_Hans", False, "letter"),
    ("ru", True, "a4"),
    ("es", True, "letter"),
]


@pytest.mark.skipif(shutil.which("mutool") is None, reason="MuPDF's mutool not installed")
@pytest.mark.parametrize(("locale", "bilingual", "paper"), CASES)
def test_pdf_prints_nothing_below_16_pt(
    locale: str, bilingual: bool, paper: str, tmp_path: Path
) -> None:
    lines = _pdf_lines(_export("pdf", locale, bilingual, paper), tmp_path)
    assert len(lines) > 50
    counters = [_doc(code).labels.page_counter(1, 99).split("1")[0].strip()
                for code in {locale, "en"}]
    too_small = []
    for text, sizes, _ in lines:
        if not text.strip():
            continue
        floor = 14 if any(c and c in text for c in counters) and re.search(r"\d", text) else 16
        if min(sizes) < floor:
            too_small.append((text, min(sizes)))
    assert not too_small
    if locale == "en":
        return
    # The draft band is there (every shipped translation is a draft) and is large too.
    assert any(top < 30 and min(sizes) >= 16 for _, sizes, top in lines)


@pytest.mark.skipif(shutil.which("mutool") is None, reason="MuPDF's mutool not installed")
@pytest.mark.parametrize(
    ("locale", "bilingual", "paper"), [("ru", True, "a4"), ("vi", False, "a4")]
)
def test_large_pdf_furniture_stays_on_the_page(
    locale: str, bilingual: bool, paper: str, tmp_path: Path
) -> None:
    """At 16 pt a draft notice or a paired review date can be wider than the page:
    it wraps instead of running off the paper."""
    pdf = tmp_path / "large.pdf"
    pdf.write_bytes(_export("pdf", locale, bilingual, paper))
    xml = subprocess.run(
        ["mutool", "draw", "-F", "stext", "-o", "-", str(pdf), "1"],
        check=True, capture_output=True,
    ).stdout
    root = etree.fromstring(xml)
    width = float(root.find("page").get("width"))
    for line in root.iter("line"):
        x0, _, x1, _ = (float(v) for v in line.get("bbox").split())
        assert x0 > 20 and x1 < width - 20, "".join(c.get("c", "") for c in line.iter("char"))


def _style_size(styles: etree._Element, style_id: str, tag: str) -> int | None:
    """The size a style gives its text: its own, or inherited through ``w:basedOn``."""
    seen = set()
    while style_id and style_id not in seen:
        seen.add(style_id)
        found = styles.xpath(f"w:style[@w:styleId='{style_id}']", namespaces=_NS)
        if not found:
            return None
        size = found[0].find(f"{_W}rPr/{_W}{tag}")
        if size is not None:
            return int(size.get(_W + "val"))
        based = found[0].find(_W + "basedOn")
        style_id = based.get(_W + "val") if based is not None else ""
    return None


@pytest.mark.parametrize(("locale", "bilingual"), [("en", False), ("ar", False), ("es", True)])
def test_word_prints_nothing_below_16_pt(locale: str, bilingual: bool) -> None:
    """Every style the document uses, every direct size, and the document default
    are 16 pt or more (Word sizes are half-points: 32)."""
    data = _export("docx", locale, bilingual, "letter")
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        styles = etree.fromstring(package.read("word/styles.xml"))
        parts = [etree.fromstring(package.read(name)) for name in package.namelist()
                 if re.fullmatch(r"word/(document|header\d*|footer\d*)\.xml", name)]
    sizes: dict[str, int] = {}
    for tag in ("sz", "szCs"):
        default = styles.find(f"{_W}docDefaults/{_W}rPrDefault/{_W}rPr/{_W}{tag}")
        assert default is not None
        sizes[f"default {tag}"] = int(default.get(_W + "val"))
        for part in parts:
            # Runs with text (an empty paragraph's mark may be tiny: it prints nothing).
            for run in part.iter(_W + "r"):
                element = run.find(f"{_W}rPr/{_W}{tag}")
                if element is not None and "".join(run.itertext()).strip():
                    sizes[f"direct {tag}"] = min(
                        sizes.get(f"direct {tag}", 99), int(element.get(_W + "val"))
                    )
            for ref in ("pStyle", "rStyle"):
                for element in part.iter(_W + ref):
                    style_id = element.get(_W + "val")
                    size = _style_size(styles, style_id, tag)
                    if size is not None:
                        sizes[f"{style_id} {tag}"] = size
    assert any(name.startswith("Title") for name in sizes)
    assert {name: size for name, size in sizes.items() if size < 32} == {}
