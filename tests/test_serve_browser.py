"""kedu serve in a real browser: Debian's Chromium driven by Selenium, checked by axe-core.

A real uvicorn server runs on 127.0.0.1 over a temporary copy of the example
project.  Skipped, with the reason, where Chromium, chromedriver or npm (for
axe-core) is missing; ``.ci/run`` installs them.
"""

from __future__ import annotations

import io
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

pytest.importorskip("uvicorn", reason="kedu serve needs the serve extra: pip install '.[serve]'")
pytest.importorskip("selenium", reason="selenium is not installed: pip install '.[test]'")

import uvicorn
from pypdf import PdfReader
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from kedu.exporters import available_formats
from kedu.serve.app import create_app
from tests.browser import axe_violations, chromium, describe, set_width
from tests.conftest import EXAMPLE, LOCALES

if TYPE_CHECKING:
    from selenium.webdriver.remote.webdriver import WebDriver


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("served")
    shutil.copytree(EXAMPLE.parent, root / "articles" / "ketamine-therapy")
    shutil.copytree(LOCALES, root / "locales")
    (root / "kedu.toml").write_text(
        '[organization]\nname = "Example Health Clinic"\n[serve]\nshow_drafts = true\n',
        encoding="utf-8",
    )
    return root


@pytest.fixture(scope="module")
def server(project: Path) -> Iterator[str]:
    """``kedu serve`` on 127.0.0.1 (a real uvicorn, file watcher on) for this module."""
    port = _free_port()
    config = uvicorn.Config(
        create_app(project), host="127.0.0.1", port=port, log_level="warning",
        timeout_graceful_shutdown=1,
    )  # fmt: skip
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not running.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert running.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    running.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def driver() -> Iterator[WebDriver]:
    with chromium() as d:
        yield d


def wait_for(driver: WebDriver, condition: object, timeout: float = 30) -> None:
    # A page that reloads itself replaces its elements while the condition looks at them.
    ignored = (StaleElementReferenceException, NoSuchElementException)
    WebDriverWait(driver, timeout, ignored_exceptions=ignored).until(condition)  # type: ignore[arg-type]


def test_staff_member_finds_the_handout_and_downloads_the_spanish_pdf(
    driver: WebDriver, server: str
) -> None:
    set_width(driver, 1280)
    driver.get(f"{server}/?ui=en")
    search = driver.find_element(By.ID, "q")
    search.send_keys("ketamine")
    search.submit()
    wait_for(driver, lambda d: "q=ketamine" in d.current_url)
    driver.find_element(By.LINK_TEXT, "Will Ketamine Therapy Make Me Feel High?").click()
    wait_for(driver, lambda d: d.find_elements(By.ID, "lang"))
    Select(driver.find_element(By.ID, "lang")).select_by_visible_text("Español")
    if "html" in available_formats():
        driver.find_element(By.CSS_SELECTOR, "button[value='html']").click()
        wait_for(driver, lambda d: "format=html" in d.current_url)
        assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "es"
        assert "ketamina" in driver.find_element(By.TAG_NAME, "body").text
        driver.back()
        wait_for(driver, lambda d: d.find_elements(By.ID, "lang"))
        Select(driver.find_element(By.ID, "lang")).select_by_visible_text("Español")
    else:  # the web page button waits for the HTML export; the page says so
        assert "cannot make web-page handouts yet" in driver.find_element(By.TAG_NAME, "main").text
    driver.find_element(By.CSS_SELECTOR, "button[value='pdf']").click()
    target = Path(driver.download_dir) / "ketamine-therapy.es.pdf"  # type: ignore[attr-defined]
    deadline = time.monotonic() + 60
    while not target.is_file() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert target.is_file(), f"no download in {list(target.parent.iterdir())}"
    reader = PdfReader(io.BytesIO(target.read_bytes()))
    assert str(reader.trailer["/Root"]["/Lang"]) == "es"
    assert "ketamina" in (reader.pages[0].extract_text() or "")


def test_translator_sees_an_edit_in_the_preview(
    driver: WebDriver, server: str, project: Path
) -> None:
    po = project / "locales" / "es" / "LC_MESSAGES" / "ketamine-therapy.po"
    driver.get(f"{server}/translate/es?ui=es")
    first = driver.find_element(By.CSS_SELECTOR, "li.segment .target").text
    assert "ketamina" in first
    text = po.read_text(encoding="utf-8")
    title = re.search(r'msgctxt "title"\nmsgid ".*"\nmsgstr "(.*)"', text)
    assert title is not None
    po.write_text(text.replace(title.group(1), "¿Me sentiré drogado con la ketamina?"), "utf-8")
    # The page reloads itself (watchfiles → server-sent event → live.js); no click, no restart.
    wait_for(
        driver,
        lambda d: "¿Me sentiré drogado" in d.find_element(By.CSS_SELECTOR, "li.segment").text,
        timeout=20,
    )


@pytest.mark.parametrize(
    ("path", "width"),
    [
        ("/?ui=en", 1280),
        ("/?ui=en", 375),
        ("/?q=ketamina&ui=es", 1280),
        ("/?ui=zh_Hans", 1280),
        ("/articles/ketamine-therapy?ui=es", 1280),
        ("/articles/ketamine-therapy?ui=es", 375),
        ("/articles/ketamine-therapy?ui=ar", 375),
        ("/translate/es?ui=en", 1280),
        ("/translate/ar?ui=ar", 375),
        ("/no-such-page?ui=ru", 1280),
    ],
)
def test_pages_have_no_wcag_violations(
    driver: WebDriver, server: str, path: str, width: int
) -> None:
    set_width(driver, width)
    driver.get(server + path)
    violations = axe_violations(driver)
    assert not violations, describe(violations)
    # Usable on a phone: nothing wider than the screen.
    overflow = driver.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at {width}px"
