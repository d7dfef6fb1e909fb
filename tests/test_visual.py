"""Visual regression: pages 1-2 of every language's PDF, drawn by PDFium, against
reviewed reference images (tests/visual/reference/, made by
``python -m tests.visual.update``).

Text-layer tests read what kedu *says* is on the page; this one looks at what is
drawn, so a broken bidi reordering, a CJK line starting with a closing
punctuation mark, an overflowing long word or a moved box turns it red.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.visual.render import (
    LANGUAGES,
    PAGE_TOLERANCE,
    PAGES,
    UPDATE_COMMAND,
    compare,
    handout_pdf,
    reference_path,
    render,
)


@pytest.mark.parametrize("language", LANGUAGES)
def test_pages_look_like_the_reviewed_references(language: str, tmp_path: Path) -> None:
    from PIL import Image

    images = render(handout_pdf(language))
    assert len(images) == len(PAGES), f"the {language} handout has fewer than {len(PAGES)} pages"
    for number, actual in enumerate(images, start=1):
        reference = reference_path(language, number)
        assert reference.is_file(), (
            f"no reference image {reference}; make it with `{UPDATE_COMMAND} {language}` "
            "and look at it before committing"
        )
        difference = compare(actual, Image.open(reference).convert("L"))
        if difference.share > PAGE_TOLERANCE:
            actual.save(tmp_path / f"{language}-p{number}.actual.png")
            difference.diff.save(tmp_path / f"{language}-p{number}.diff.png")
            pytest.fail(
                f"page {number} of the {language} handout looks different from {reference} "
                f"({difference.share:.2%} of pixels changed; the drawn page and the "
                f"difference are in {tmp_path}).  If the change is intended, run "
                f"`{UPDATE_COMMAND} {language}`, look at the new images and commit them."
            )
