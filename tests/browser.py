"""Real-browser helpers shared by the tests: headless Chromium and axe-core.

Chromium and its driver come from Debian's packages (``apt-get install chromium
chromium-driver``; ``.ci/run`` installs them), driven by Selenium.  axe-core, the
accessibility engine, comes from the npm registry and is installed once into a
cache folder (``$KEDU_TEST_CACHE``, else ``~/.cache/kedu-tests``) the first time a
test needs it.  Anything missing makes the test skip with the reason.

Use it from a test module::

    @pytest.fixture(scope="module")
    def driver() -> Iterator[WebDriver]:
        with chromium() as d:
            yield d

    def test_page_is_accessible(driver):
        driver.get(url)
        assert not axe_violations(driver), describe(axe_violations(driver))
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from selenium.webdriver.remote.webdriver import WebDriver

AXE_VERSION = "4.10.3"
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")


def _first_existing(*candidates: str | None) -> str | None:
    for candidate in candidates:
        if candidate and (found := shutil.which(candidate)):
            return found
    return None


def cache_dir() -> Path:
    return Path(os.environ.get("KEDU_TEST_CACHE") or Path.home() / ".cache" / "kedu-tests")


def axe_script() -> str:
    """The source of axe.min.js (installed from npm on first use), or skip the test."""
    override = os.environ.get("KEDU_AXE_JS")
    if override:
        return Path(override).read_text(encoding="utf-8")
    prefix = cache_dir() / f"axe-core-{AXE_VERSION}"
    script = prefix / "node_modules" / "axe-core" / "axe.min.js"
    if not script.is_file():
        npm = shutil.which("npm")
        if npm is None:
            pytest.skip("axe-core is not installed and npm is missing (apt-get install npm)")
        prefix.mkdir(parents=True, exist_ok=True)
        # Two test workers may get here at once: one installs, the other waits.
        with open(prefix / ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not script.is_file():
                done = subprocess.run(
                    [
                        npm,
                        "install",
                        "--no-save",
                        "--no-audit",
                        "--no-fund",
                        "--prefix",
                        str(prefix),
                        f"axe-core@{AXE_VERSION}",
                    ],
                    capture_output=True,
                    text=True,
                    timeout=300,
                    check=False,
                )
                if done.returncode != 0 or not script.is_file():
                    pytest.skip(f"cannot install axe-core from npm: {done.stderr.strip()[-300:]}")
    return script.read_text(encoding="utf-8")


@contextlib.contextmanager
def chromium(width: int = 1280, height: int = 900) -> Iterator[WebDriver]:
    """A headless Chromium driven by Selenium, or skip when there is none."""
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.skip("selenium is not installed (pip install '.[test]')")
    binary = _first_existing(os.environ.get("KEDU_CHROMIUM"), "chromium", "chromium-browser")
    driver_path = _first_existing(os.environ.get("KEDU_CHROMEDRIVER"), "chromedriver")
    if binary is None or driver_path is None:
        pytest.skip("no Chromium/chromedriver (apt-get install chromium chromium-driver)")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in (
        "--headless=new",
        "--no-sandbox",  # CI runs as root
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-extensions",
        "--disable-background-networking",
        f"--window-size={width},{height}",
    ):
        options.add_argument(flag)
    downloads = cache_dir() / "downloads" / str(os.getpid())
    downloads.mkdir(parents=True, exist_ok=True)
    options.add_experimental_option(
        "prefs",
        {
            "download.default_directory": str(downloads),
            "download.prompt_for_download": False,
            "plugins.always_open_pdf_externally": True,  # a PDF link downloads the file
        },
    )
    try:
        driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    except Exception as exc:  # a broken install: say so instead of failing every test
        pytest.skip(f"Chromium did not start: {type(exc).__name__}: {str(exc)[:200]}")
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(60)
    driver.download_dir = downloads  # type: ignore[attr-defined]
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(downloads, ignore_errors=True)


def set_width(driver: WebDriver, width: int, height: int = 900) -> None:
    """Resize the viewport (375 for a phone, 1280 for a desktop)."""
    driver.set_window_size(width, height)


def axe_violations(driver: WebDriver, tags: tuple[str, ...] = WCAG_TAGS) -> list[dict[str, Any]]:
    """axe-core's violations of the WCAG 2.0/2.1 A and AA rules on the current page."""
    driver.execute_script(axe_script())
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})"
        ".then(r => done(r.violations), e => done([{id: 'axe-error', help: String(e),"
        " nodes: []}]));",
        list(tags),
    )
    return list(result or [])


def describe(violations: list[dict[str, Any]]) -> str:
    """One line per violation with the first offending elements, for assertion messages."""
    lines = []
    for v in violations:
        targets = "; ".join(str(n.get("target")) for n in v.get("nodes", [])[:3])
        lines.append(f"{v.get('id')}: {v.get('help')} [{targets}]")
    return "\n".join(lines)
