"""HTML export: semantic, self-contained, escaped, accessible in a real browser."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from selectolax.lexbor import LexborHTMLParser as HTMLParser

import kedu
from kedu.document import Document, Metadata, Paragraph, Span, Title, build_document
from kedu.document.nodes import Furniture
from kedu.exporters import ExportOptions
from kedu.exporters.html.markup import safe_href
from kedu.exporters.html.render import render
from tests.browser import axe_violations, chromium, describe
from tests.conftest import EXAMPLE, LOCALES, SHIPPED_LOCALES
from tests.handouts import every_block_article, localized_every_block

if TYPE_CHECKING:
    from selenium.webdriver.remote.webdriver import WebDriver


def html_of(
    doc: kedu.LocalizedArticle, source: kedu.LocalizedArticle | None = None, **options: object
) -> str:
    opts = ExportOptions(**options)  # type: ignore[arg-type]
    return kedu.export(doc, "html", opts, source=source).decode("utf-8")


@pytest.fixture(scope="module")
def article() -> kedu.Article:
    return kedu.load_article(EXAMPLE)


def localized(article: kedu.Article, locale: str) -> kedu.LocalizedArticle:
    return kedu.localize(article, locale, catalogs=LOCALES, base_dir=EXAMPLE.parent)


def test_page_is_semantic(tmp_path: Path) -> None:
    page = HTMLParser(html_of(localized_every_block(tmp_path)))
    root = page.css_first("html")
    assert root.attributes == {"lang": "en", "dir": "ltr"}
    assert page.css_first("title").text() == "Your iron infusion"
    for landmark in ("header", "main", "footer"):
        assert len(page.css(landmark)) == 1, landmark
    assert [h.text() for h in page.css("h1")] == ["Your iron infusion"]
    assert [h.text() for h in page.css("h2")] == [
        "Before your visit", "Common side effects", "Questions", "Questions?",
    ]
    assert page.css_first(".disclaimer-heading").text() == "Important"
    assert [h.text() for h in page.css(".faq h3")] == ["How long does it take?"]
    assert [dt.text() for dt in page.css("dl.terms dt")] == ["Headache", "Metal taste"]
    assert page.css_first("dl.terms dd em").text() == "quickly"
    boxes = page.css("aside[role=note]")
    assert [b.css_first(".box-label").text() for b in boxes] == ["Warning", "Note", "Tip"]
    warning = boxes[0]
    assert warning.attributes["aria-labelledby"] == warning.css_first(".box-label").id
    assert warning.css_first(".box-heading").text() == "Important"
    assert not warning.css("h1, h2, h3, h4")  # box headings are not in the outline
    image = page.css_first("figure img")
    assert image.attributes["alt"] == "An infusion chair beside a window"
    assert (image.attributes["src"] or "").startswith("data:image/png;base64,")
    assert page.css_first("figcaption").text(separator="|") == "The infusion room|Photo: Jane Roe"
    links = {a.text(): a.attributes["href"] for a in page.css(".contact dd a")}
    assert links == {
        "555-0100": "tel:+15550100",  # one number, one E.164 link
        "example.org": "https://example.org/",
        "care@example.org": "mailto:care@example.org",
    }
    assert page.css_first(".contact h2").text() == "Questions?"
    assert page.css_first(".contact p a").attributes["href"] == "tel:+15550100"
    assert "Last reviewed" in page.css_first("footer").text()
    assert not page.css("script, link, iframe, [style], [onload]")  # one file, no script
    assert not page.css(".draft")  # the source language is not a draft


def test_draft_translation_says_so_at_the_top(article: kedu.Article) -> None:
    page = HTMLParser(html_of(localized(article, "es")))
    assert page.css_first("html").attributes == {"lang": "es", "dir": "ltr"}
    notice = page.css_first("header .draft[role=note]")
    assert notice is not None and "Traducción" in notice.text()
    assert page.css_first("header > *").attributes.get("class") == "draft"


def test_arabic_is_right_to_left_and_isolates_latin_contact_details(
    article: kedu.Article,
) -> None:
    page = HTMLParser(html_of(localized(article, "ar")))
    assert page.css_first("html").attributes == {"lang": "ar", "dir": "rtl"}
    website = [a for a in page.css(".contact dd a") if a.text() == "example.org"]
    assert website and website[0].attributes.get("dir") == "ltr"
    address = page.css(".contact dd bdi")
    assert [b.text() for b in address] == ["100 Example Street, Springfield"]


def test_print_stylesheet_follows_the_paper_setting(article: kedu.Article) -> None:
    doc = localized(article, "en")
    assert "@page{size:A4;" in html_of(doc, paper="a4")
    letter = html_of(doc)
    assert "@page{size:letter;" in letter and "@media print" in letter
    assert "counter(pages" in letter  # "Page X of Y" in the page margin
    assert "font-size:1.35rem" in html_of(doc, large_print=True)


def test_same_input_same_bytes(article: kedu.Article) -> None:
    doc = localized(article, "zh_Hans")
    assert html_of(doc) == html_of(doc)


def test_bilingual_columns_each_carry_their_language(article: kedu.Article) -> None:
    source = localized(article, "en")
    for target_locale, direction in (("es", "ltr"), ("ar", "rtl")):
        target = localized(article, target_locale)
        page = HTMLParser(html_of(target, source=source))
        rows = page.css("main .pair")
        assert len(rows) > 20
        for row in rows:
            cells = row.css("div.source, div.target")[:2]
            langs = {c.attributes["class"]: (c.attributes["lang"], c.attributes["dir"])
                     for c in cells}
            assert langs == {"source": ("en", "ltr"), "target": (target_locale, direction)}
            # Reading order (document order): an RTL reader's column first.
            first = cells[0].attributes["class"]
            assert first == ("target" if direction == "rtl" else "source")
        ids = [n.id for n in page.css("[id]")]
        assert len(ids) == len(set(ids))
        assert len(page.css("h1")) == 2


# --- escaping ----------------------------------------------------------------------------

HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)> & "quotes"'


def test_hostile_article_text_stays_text(tmp_path: Path) -> None:
    path = every_block_article(
        tmp_path, title=HOSTILE, summary=f"Before {HOSTILE} after",
        organization={"name": HOSTILE, "website": "https://example.org/?a=1&b=\"2\""},
    )
    doc = kedu.localize(kedu.load_article(path), "en", base_dir=tmp_path)
    html = html_of(doc)
    assert "<script" not in html and "<img src=x" not in html
    page = HTMLParser(html)
    assert page.css_first("h1").text() == HOSTILE.replace("\\", "")
    assert page.css_first("title").text() == HOSTILE
    assert not page.css("[onerror]")


def test_hostile_catalog_text_stays_text(article: kedu.Article, project: Path) -> None:
    po = project / "locales" / "es" / "LC_MESSAGES" / "ketamine-therapy.po"
    text = po.read_text(encoding="utf-8")
    text = re.sub(
        r'(msgctxt "title"\nmsgid "[^"]*"\nmsgstr )"[^"]*"',
        lambda m: m.group(1) + '"</title><script>alert(x)</script>"',
        text,
    )
    po.write_text(text, encoding="utf-8")
    doc = kedu.localize(article, "es", catalogs=project / "locales")
    html = html_of(doc)
    assert "<script" not in html
    assert HTMLParser(html).css_first("h1").text() == "</title><script>alert(x)</script>"


def test_only_web_and_contact_schemes_become_links() -> None:
    assert safe_href("https://example.org") and safe_href("tel:+15550100")
    assert safe_href("mailto:a@example.org") and safe_href("http://example.org")
    for bad in ("javascript:alert(1)", "JavaScript:alert(1)", "java\tscript:alert(1)",
                " javascript:alert(1)", "data:text/html,<script>", "vbscript:x", ""):
        assert safe_href(bad) is None, bad
    # Even a tree built by other code cannot smuggle a script link through.
    doc = Document(
        lang="en", locale="en", direction="ltr", language_name="English",
        metadata=Metadata("t", None, None, (), None, None),
        furniture=Furniture(None, None, None, "Page {page} of {pages}", "en"),
        blocks=(Title("title", (Span("Hi", href="javascript:alert(1)"),)),
                Paragraph("p", (Span("x", href="data:text/html,hi"),))),
    )
    html = render(doc, ExportOptions()).decode()
    assert "javascript:" not in html and "data:text" not in html
    assert "<h1>Hi</h1>" in html


# --- in a real browser -------------------------------------------------------------------


@pytest.fixture(scope="module")
def driver() -> Iterator[WebDriver]:
    with chromium() as d:
        yield d


@pytest.fixture(scope="module")
def pages(article: kedu.Article, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every shipped language, both bilingual layouts and the every-block article."""
    out = tmp_path_factory.mktemp("html")
    made: dict[str, Path] = {}
    source = localized(article, "en")
    for locale in ["en", *SHIPPED_LOCALES]:
        made[locale] = out / f"{locale}.html"
        made[locale].write_text(html_of(localized(article, locale)), encoding="utf-8")
    for locale in ("es", "ar"):
        name = f"en-{locale}"
        made[name] = out / f"{name}.html"
        made[name].write_text(html_of(localized(article, locale), source=source),
                              encoding="utf-8")
    made["every-block"] = out / "every-block.html"
    blocks = out / "blocks"
    blocks.mkdir()
    made["every-block"].write_text(html_of(localized_every_block(blocks)), encoding="utf-8")
    return made


PAGES = ["en", *SHIPPED_LOCALES, "en-es", "en-ar", "every-block"]


@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_no_wcag_a_or_aa_violation(
    driver: WebDriver, pages: dict[str, Path], name: str
) -> None:
    driver.set_window_size(1280, 900)
    driver.get(pages[name].as_uri())
    violations = axe_violations(driver)
    assert violations == [], describe(violations)


@pytest.mark.parametrize("name", ["en", "ar", "zh_Hans", "en-ar", "every-block"])
def test_no_horizontal_scrolling_on_a_small_phone(
    driver: WebDriver, pages: dict[str, Path], name: str
) -> None:
    driver.set_window_size(320, 800)
    driver.get(pages[name].as_uri())
    width = driver.execute_script("return window.innerWidth")
    scroll = driver.execute_script("return document.documentElement.scrollWidth")
    assert scroll <= width <= 320, (scroll, width)
    driver.set_window_size(1280, 900)


def test_bilingual_is_side_by_side_on_a_desktop_and_stacked_on_a_phone(
    driver: WebDriver, pages: dict[str, Path]
) -> None:
    def boxes() -> tuple[dict[str, float], dict[str, float]]:
        row = "document.querySelector('main .pair:nth-of-type(3)')"
        return tuple(driver.execute_script(  # type: ignore[return-value]
            f"const r = {row}.querySelector('.{role}').getBoundingClientRect();"
            "return {left: r.left, top: r.top};"
        ) for role in ("source", "target"))

    driver.set_window_size(1280, 900)
    driver.get(pages["en-ar"].as_uri())
    source, target = boxes()
    assert source["left"] < target["left"] and source["top"] == target["top"]
    driver.set_window_size(375, 800)
    driver.get(pages["en-ar"].as_uri())
    source, target = boxes()
    assert target["top"] < source["top"]  # Arabic first: its reader's order
    driver.set_window_size(1280, 900)


def test_tree_is_what_the_page_shows(article: kedu.Article) -> None:
    """Every printed text of the tree (except page furniture) is in the page's text."""
    from kedu.document import printed_texts

    doc = localized(article, "ru")
    page_text = "".join(HTMLParser(html_of(doc)).body.text().split())  # type: ignore[union-attr]
    for key, value in printed_texts(build_document(doc)):
        if key in ("labels.page_of",) or key.endswith("/separator"):
            continue
        assert "".join(value.split()) in page_text, key


def test_an_english_fallback_is_marked_english(article: kedu.Article, project: Path) -> None:
    """With --allow-partial, a sentence printed in English inside the Spanish page
    says so (lang="en"), so a screen reader does not read it as Spanish."""
    from tests.conftest import mark_fuzzy

    po = project / "locales" / "es" / "LC_MESSAGES" / "ketamine-therapy.po"
    mark_fuzzy(po, "how-it-feels/p1")
    doc = kedu.localize(article, "es", catalogs=project / "locales", allow_partial=True)
    assert "how-it-feels/p1" in doc.report.fallbacks
    page = HTMLParser(html_of(doc))
    english = page.css('main span[lang="en"]')
    assert [s.text() for s in english] == ["No two people experience ketamine in exactly the "
                                          "same way. What you notice can depend on the size of "
                                          "your dose and how the medicine is given."]
    word = kedu.export(doc, "docx")
    import io

    import docx as python_docx

    document = python_docx.Document(io.BytesIO(word))
    paragraph = next(p for p in document.paragraphs if p.text.startswith("No two people"))
    langs = {r._r.xpath("string(./w:rPr/w:lang/@w:val)") for r in paragraph.runs}
    assert langs == {"en-US"}
