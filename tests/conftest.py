from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from kedu.load import load_article
from kedu.models import Article

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "ketamine-therapy" / "article.yaml"
LOCALES = ROOT / "locales"
SHIPPED_LOCALES = ["es", "ht", "vi", "ru", "ar", "zh_Hans"]


# The suite never touches the user's real cache: every test, and every kedu process
# a test starts, uses one temporary cache folder for the whole run (shared by the
# xdist workers, so each font instance is cut once per run).
_CACHE_KEY = "kedu_cache_dir"


def pytest_configure(config: pytest.Config) -> None:
    workerinput = getattr(config, "workerinput", None)
    if workerinput is not None:
        folder = workerinput[_CACHE_KEY]
    else:
        folder = tempfile.mkdtemp(prefix="kedu-test-cache-")
        config._kedu_cache_dir = folder  # type: ignore[attr-defined]
    os.environ["KEDU_CACHE_DIR"] = folder


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: object) -> None:  # xdist: hand the folder to each worker
    node.workerinput[_CACHE_KEY] = node.config._kedu_cache_dir  # type: ignore[attr-defined]


def pytest_unconfigure(config: pytest.Config) -> None:
    folder = getattr(config, "_kedu_cache_dir", None)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def example() -> Article:
    return load_article(EXAMPLE)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A writable copy of the example article and its catalogs."""
    shutil.copytree(EXAMPLE.parent, tmp_path / "examples" / "ketamine-therapy")
    shutil.copytree(LOCALES, tmp_path / "locales")
    return tmp_path


def minimal_article(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "id": "demo",
        "title": "Demo",
        "sections": [
            {"type": "prose", "id": "intro", "heading": "Intro", "paragraphs": ["Hello."]}
        ],
    }
    data.update(overrides)
    return data


def mark_fuzzy(po: Path, context: str) -> None:
    """Flag one message fuzzy, as a translator's tool would (a line before msgctxt)."""
    lines = po.read_text(encoding="utf-8").splitlines()
    lines.insert(lines.index(f'msgctxt "{context}"'), "#, fuzzy")
    po.write_text("\n".join(lines) + "\n", encoding="utf-8")


def export_args(
    lang: str, out: Path | str, *extra: str, fmt: str = "json", article: Path = EXAMPLE
) -> list[str]:
    """``kedu export`` arguments for one article, language and format."""
    return ["export", str(article), "--lang", lang, "--format", fmt, "--out", str(out), *extra]
