"""The semantic document tree: what every renderer receives."""

from __future__ import annotations

from pathlib import Path

import pytest

import kedu
from kedu.document import (
    TERM_SEPARATOR,
    Box,
    ContactBox,
    Disclaimer,
    FaqEntry,
    ItemList,
    Paragraph,
    Section,
    Title,
    build_bilingual,
    build_document,
    plain,
    printed_texts,
)
from kedu.errors import KeduError
from kedu.models.inline import plain_text

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "ketamine-therapy" / "article.yaml"


@pytest.fixture(scope="module")
def article() -> kedu.Article:
    return kedu.load_article(EXAMPLE)


def localized(article: kedu.Article, locale: str) -> kedu.LocalizedArticle:
    return kedu.localize(article, locale, catalogs=ROOT / "locales")


def test_sections_follow_the_article_in_order(article: kedu.Article) -> None:
    doc = build_document(localized(article, "en"))
    assert [s.key for s in doc.sections()] == [s.id for s in article.sections]
    assert isinstance(doc.blocks[-1], Disclaimer)
    title = next(b for b in doc.blocks if isinstance(b, Title))
    assert plain(title.content) == plain_text(article.title)


def test_every_translated_segment_is_printed_once(article: kedu.Article) -> None:
    """The tree drops nothing: each segment's text (except alt text, which is not
    printed) appears among the printed texts."""
    doc = localized(article, "es")
    printed = [text for _, text in printed_texts(build_document(doc))]
    for segment in doc.article.segments():
        if segment.path.endswith("/alt"):
            continue
        assert plain_text(segment.text) in printed, segment.path


def test_list_terms_are_strong_and_separated_the_same_way(article: kedu.Article) -> None:
    doc = build_document(localized(article, "ru"))
    lists = [b for s in doc.sections() for b in s.blocks if isinstance(b, ItemList)]
    assert lists
    for entry in (e for lst in lists for e in lst.items):
        assert all(span.strong for span in entry.label)
        assert entry.separator == TERM_SEPARATOR


def test_contact_details_are_displayed_and_linked_once_for_all_formats(
    article: kedu.Article,
) -> None:
    doc = build_document(localized(article, "en"))
    box = next(b for s in doc.sections() for b in s.blocks if isinstance(b, ContactBox))
    website = next(d for d in box.details if d.kind == "website")
    assert not website.display.startswith("http")
    assert website.href is not None and website.href.startswith("https://")
    phone = next(d for d in box.details if d.kind == "phone")
    assert phone.href is not None and phone.href.startswith("tel:")
    assert all(d.direction is None for d in box.details)  # nothing to isolate in English


def test_left_to_right_details_are_isolated_in_arabic(article: kedu.Article) -> None:
    doc = build_document(localized(article, "ar"))
    box = next(b for s in doc.sections() for b in s.blocks if isinstance(b, ContactBox))
    assert {d.kind: d.direction for d in box.details}["website"] == "ltr"
    assert {d.kind: d.direction for d in box.details}["phone"] == "ltr"


def test_boxes_carry_their_visible_label(article: kedu.Article) -> None:
    doc = build_document(localized(article, "es"))
    boxes = [b for s in doc.sections() for b in s.blocks if isinstance(b, Box)]
    assert boxes
    labels = doc.labels
    for box in boxes:
        assert box.label == labels[box.kind]


def test_draft_notice_only_for_unreviewed_translations(article: kedu.Article) -> None:
    assert build_document(localized(article, "en")).draft_notice is None
    draft = build_document(localized(article, "vi"))
    assert draft.draft_notice and draft.furniture.draft_notice == draft.draft_notice


def test_faq_keeps_question_and_answer_together(article: kedu.Article) -> None:
    doc = build_document(localized(article, "zh_Hans"))
    faq = next(s for s in doc.sections() if s.kind == "faq")
    assert faq.heading is not None and faq.heading.level == 2
    assert all(isinstance(b, FaqEntry) for b in faq.blocks)


def test_bilingual_rows_pair_equal_keys_and_rtl_reads_target_first(
    article: kedu.Article,
) -> None:
    en, ar, es = (localized(article, loc) for loc in ("en", "ar", "es"))
    both = build_bilingual(en, ar)
    assert both.left == "source" and both.first == "target"
    assert both.reading_order()[0].lang == "ar"
    assert build_bilingual(en, es).first == "source"
    for source, target in both.rows():
        assert source.key == target.key
        if isinstance(source, Section):
            assert isinstance(target, Section)
            assert [b.key for b in source.blocks] == [b.key for b in target.blocks]
    # the paired footer keeps the left column's language on the left
    assert both.paired("Page 1", "صفحة 1").startswith("صفحة")


def test_bilingual_refuses_documents_that_do_not_correspond(article: kedu.Article) -> None:
    en = localized(article, "en")
    shorter = article.model_copy(update={"sections": article.sections[:-1]})
    other = kedu.localize(shorter, "en")
    with pytest.raises(KeduError, match="same sections"):
        build_bilingual(en, other)


def test_paragraph_roles(article: kedu.Article) -> None:
    doc = build_document(localized(article, "en"))
    summary = next(b for b in doc.blocks if isinstance(b, Paragraph))
    assert summary.role == "summary"
