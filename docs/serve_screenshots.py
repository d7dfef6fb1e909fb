"""Regenerate the screenshots of ``kedu serve`` in docs/: ``python docs/serve_screenshots.py``.

Serves a copy of this repository's example on 127.0.0.1 and photographs the
library, an article page and the Vietnamese translators' page at 1280 px and 375 px
wide in headless Chromium (Debian's ``chromium`` and ``chromium-driver``).  In the
copy, one Vietnamese message is marked fuzzy and one is left untranslated, so the
translators' page shows how they are highlighted.
"""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import uvicorn  # noqa: E402

from kedu.serve.app import create_app  # noqa: E402
from tests.browser import chromium  # noqa: E402

SHOTS = [  # (file name, address, width, tallest height)
    ("serve-library-1280.png", "/?q=ketamine&ui=en", 1280, 900),
    ("serve-library-375.png", "/?ui=es", 375, 1400),
    ("serve-article-1280.png", "/articles/ketamine-therapy?ui=es&lang=es", 1280, 900),
    ("serve-article-375.png", "/articles/ketamine-therapy?ui=ar&lang=ar", 375, 1800),
    ("serve-translator-1280.png", "/translate/vi?ui=en", 1280, 1300),
    ("serve-translator-375.png", "/translate/vi?ui=vi", 375, 1800),
]


def project(folder: Path) -> Path:
    """The example project with one fuzzy and one untranslated Vietnamese message."""
    shutil.copytree(ROOT / "examples", folder / "examples")
    shutil.copytree(ROOT / "locales", folder / "locales")
    shutil.copy(ROOT / "kedu.toml", folder / "kedu.toml")
    po = folder / "locales" / "vi" / "LC_MESSAGES" / "ketamine-therapy.po"
    text = po.read_text(encoding="utf-8").replace(
        'msgctxt "subtitle"', '#, fuzzy\nmsgctxt "subtitle"'
    )
    text = re.sub(
        r'(msgctxt "summary"\nmsgid (?:".*"\n)+)msgstr (?:".*"\n)+', r'\1msgstr ""\n', text
    )
    po.write_text(text, encoding="utf-8")
    return folder


def main() -> int:
    port = 8769
    folder = project(Path(tempfile.mkdtemp(prefix="kedu-shots-")))
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(folder, watch=False), host="127.0.0.1", port=port, log_level="warning"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        with chromium() as driver:
            for name, path, width, tallest in SHOTS:
                driver.set_window_size(width, 900)
                driver.get(f"http://127.0.0.1:{port}{path}")
                height = driver.execute_script("return document.documentElement.scrollHeight")
                # the window includes the browser's frame: size the viewport, not the window
                inner = driver.execute_script("return window.innerHeight")
                driver.set_window_size(width, min(int(height), tallest) + 900 - int(inner))
                driver.save_screenshot(str(ROOT / "docs" / name))
                print(f"docs/{name}")
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
