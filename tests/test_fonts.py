"""Static font instances: cut by HarfBuzz on first need, cached, self-healing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from kedu.exporters.pdf import fonts
from tests.conftest import EXAMPLE, ROOT, export_args


@pytest.fixture
def empty_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KEDU_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def _bold(stem: str = "NotoSans-Bold") -> Path:
    source = fonts.family("noto-sans").bold.source
    return fonts._static_instance(source, "fontpkg-noto-sans", stem, 700)


def test_a_bold_instance_is_a_static_font_at_weight_700(empty_cache: Path) -> None:
    path = _bold()
    assert empty_cache in path.parents
    static = TTFont(path)
    assert "fvar" not in static and "gvar" not in static
    assert static["OS/2"].usWeightClass == 700
    assert static["name"].getDebugName(6) == "NotoSans-Bold"
    # fontTools (not HarfBuzz) reads the variable font at wght 700: every
    # advance of the instance matches it to the nearest unit.
    variable = TTFont(fonts.family("noto-sans").bold.source)
    glyphs = variable.getGlyphSet(location={"wght": 700})
    cmap = variable.getBestCmap()
    assert cmap == static.getBestCmap()
    sample = "Ketamine therapy: what to expect, Дозировка, Tiếng Việt, 0123456789"
    for ch in sample:
        name = cmap[ord(ch)]
        assert static["hmtx"][name][0] == round(glyphs[name].width), ch


def test_a_damaged_cached_instance_is_made_again(empty_cache: Path) -> None:
    path = _bold()
    good = path.read_bytes()
    damaged = bytearray(good)
    damaged[len(damaged) // 2] ^= 0x40  # one flipped bit, same size
    path.write_bytes(bytes(damaged))
    assert not fonts._whole(path)
    assert _bold() == path and path.read_bytes() == good
    path.write_bytes(good[:100_000])  # cut short by a full disk
    assert _bold() == path and path.read_bytes() == good
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary files left


def test_first_export_on_an_empty_cache_gives_the_same_bytes(
    empty_cache: Path, tmp_path: Path
) -> None:
    """A fresh process with no cached instances makes the same PDFs as one with
    every instance cached, and as this process (whatever its cache held)."""
    env = {**os.environ, "KEDU_CACHE_DIR": str(empty_cache)}
    made = []
    for run in ("cold", "warm"):
        out = tmp_path / run
        args = export_args("en,ar", out, fmt="pdf", article=EXAMPLE)
        subprocess.run(
            [sys.executable, "-m", "kedu", *args, "--jobs", "1", "-q"],
            check=True, cwd=ROOT, env=env, timeout=120,
        )
        made.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
    assert list(made[0]) == ["ketamine-therapy.ar.pdf", "ketamine-therapy.en.pdf"]
    assert made[0] == made[1]
    assert sorted(p.name for p in empty_cache.rglob("*.ttf")) == [
        "NotoSans-Bold.ttf", "NotoSansArabic-Bold.ttf"
    ]
    import kedu

    article = kedu.load_article(EXAMPLE)
    for locale in ("en", "ar"):
        doc = kedu.localize(article, locale)
        assert kedu.export(doc, "pdf") == made[0][f"ketamine-therapy.{locale}.pdf"]
