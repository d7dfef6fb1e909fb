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


# --- parsed metrics cache ------------------------------------------------------------------


def _faces() -> list[fonts.Face]:
    noto = fonts.family("noto-sans")
    return [noto.regular, noto.bold, fonts.family("wqy-microhei").regular]


def _same_font(ours: object, theirs: object) -> None:
    """``ours`` is what reportlab's own parser made of the file: every attribute
    of the font and of its face, and the scale, equal and of the same type."""
    mine, ref = dict(vars(ours.face)), dict(vars(theirs.face))  # type: ignore[attr-defined]
    scale, ref_scale = mine.pop("_pdfScale"), ref.pop("_pdfScale")
    assert scale(1234) == ref_scale(1234)
    assert mine.keys() == ref.keys()
    for key in ref:
        assert mine[key] == ref[key] and type(mine[key]) is type(ref[key]), key
        assert getattr(mine[key], "ustr", None) == getattr(ref[key], "ustr", None), key
    skip = ("face", "state", "encoding")
    assert {k: v for k, v in vars(ours).items() if k not in skip} == {
        k: v for k, v in vars(theirs).items() if k not in skip
    }


def _metrics_files(cache: Path) -> list[Path]:
    return sorted((cache / "fonts" / "metrics").rglob("*.bin"))


def test_cached_metrics_rebuild_the_font_reportlab_parses(
    empty_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kedu.exporters.pdf import rl_adapter

    for face in _faces():
        fonts._parsed_font(face.name, face.path, face.subfont)  # parsed, metrics stored
    assert len(_metrics_files(empty_cache)) == 3
    parse = rl_adapter.new_font

    def refuse(*args: object) -> object:
        raise AssertionError("parsed although the metrics are cached")

    monkeypatch.setattr(rl_adapter, "new_font", refuse)
    for face in _faces():
        cached = fonts._parsed_font(face.name, face.path, face.subfont)
        _same_font(cached, parse(face.name, face.path, face.subfont))


@pytest.mark.parametrize("damage", ["bit", "short", "empty", "not-metrics"])
def test_damaged_cached_metrics_are_parsed_again(empty_cache: Path, damage: str) -> None:
    import hashlib
    import marshal

    from kedu.exporters.pdf import rl_adapter

    face = fonts.family("noto-sans").regular
    fonts._parsed_font(face.name, face.path, face.subfont)
    [path] = _metrics_files(empty_cache)
    good = path.read_bytes()
    if damage == "bit":
        bad = bytearray(good)
        bad[len(bad) // 2] ^= 0x01
        path.write_bytes(bytes(bad))
    elif damage == "short":
        path.write_bytes(good[: len(good) // 3])
    elif damage == "empty":
        path.write_bytes(b"")
    else:  # whole and checksummed, but not what kedu writes there
        body = marshal.dumps({"attrs": {"unitsPerEm": 1000}})
        path.write_bytes(fonts._METRICS_MAGIC + hashlib.sha256(body).digest() + body)
    font = fonts._parsed_font(face.name, face.path, face.subfont)
    _same_font(font, rl_adapter.new_font(face.name, face.path, face.subfont))
    assert path.read_bytes() == good  # written again, whole
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary files
