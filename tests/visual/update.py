"""Make the visual reference images again: ``python -m tests.visual.update``.

Run it after an intended layout change, then *look at* every changed image in
tests/visual/reference/ (they are small PNGs) before committing them: the test
trusts these images as the reviewed look of each handout.
"""

from __future__ import annotations

import sys

from tests.visual.render import LANGUAGES, REFERENCE_DIR, handout_pdf, reference_path, render


def main(languages: list[str]) -> int:
    REFERENCE_DIR.mkdir(parents=True, exist_ok=True)
    for language in languages or LANGUAGES:
        for number, image in enumerate(render(handout_pdf(language)), start=1):
            path = reference_path(language, number)
            image.save(path, optimize=True)
            print(f"wrote {path.relative_to(REFERENCE_DIR.parent.parent.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
