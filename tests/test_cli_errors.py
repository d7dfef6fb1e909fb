"""The staff-facing error corpus: every expected problem is one line, right exit code."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from kedu.cli import main
from tests.conftest import EXAMPLE, ROOT, mark_fuzzy

BAD = ROOT / "tests" / "data" / "bad"


def _copy_locales(tmp: Path) -> Path:
    shutil.copytree(ROOT / "locales", tmp / "locales")
    return tmp / "locales"


def _unreadable(tmp: Path) -> list[str]:
    path = tmp / "secret.yaml"
    path.write_text("id: x\n")
    path.chmod(0)  # root reads it anyway: the test also makes reading fail for root
    return ["validate", str(path)]


def _malformed_po(tmp: Path) -> list[str]:
    locales = _copy_locales(tmp)
    po = locales / "es" / "LC_MESSAGES" / "ketamine-therapy.po"
    po.write_text(po.read_text(encoding="utf-8").replace('msgid "', 'msgidd "', 3), "utf-8")
    return [
        "export",
        str(EXAMPLE),
        "--lang",
        "es",
        "--format",
        "json",
        "--locales",
        str(locales),
        "--out",
        str(tmp / "o"),
    ]


def _missing_translation(tmp: Path) -> list[str]:
    locales = _copy_locales(tmp)
    mark_fuzzy(locales / "vi" / "LC_MESSAGES" / "ketamine-therapy.po", "faq/safety/answer")
    return [
        "export",
        str(EXAMPLE),
        "--lang",
        "vi",
        "--format",
        "json",
        "--locales",
        str(locales),
        "--out",
        str(tmp / "o"),
    ]


def _no_glyph(tmp: Path) -> list[str]:
    text = EXAMPLE.read_text(encoding="utf-8").replace('term: "Euphoria"', 'term: "Euphoria ᚠ"')
    article = tmp / "runes.yaml"
    article.write_text(text, encoding="utf-8")
    return [
        "export",
        str(article),
        "--format",
        "pdf",
        "--out",
        str(tmp / "o"),
        "--locales",
        str(ROOT / "locales"),
    ]


def _not_writable(tmp: Path) -> list[str]:
    out = tmp / "locked"
    out.mkdir()
    out.chmod(0o500)
    return ["export", str(EXAMPLE), "--format", "json", "--out", str(out)]


# name → (argv builder, exit code, fragments of the one stderr line)
CASES: dict[str, tuple[Callable[[Path], list[str]], int, list[str]]] = {
    "missing file": (lambda t: ["export", str(t / "nope.yaml")], 1, ["nope.yaml: file not found"]),
    "unreadable file": (_unreadable, 1, ["secret.yaml: cannot be read"]),
    "yaml syntax": (
        lambda t: ["validate", str(BAD / "yaml-syntax.yaml")],
        1,
        ["yaml-syntax.yaml:4:1: YAML syntax error"],
    ),
    "schema error": (
        lambda t: ["validate", str(BAD / "missing-term.yaml")],
        1,
        ["missing-term.yaml:11: sections[0].items[1].term: required field"],
    ),
    "unknown format": (
        lambda t: ["export", str(EXAMPLE), "--format", "pdf,rtf"],
        2,
        ["unknown format 'rtf'; available formats: pdf, docx, html, json"],
    ),
    "unknown locale": (
        lambda t: ["export", str(EXAMPLE), "--lang", "fr"],
        2,
        ["into 'fr'", "available locales: en, ar, es, ht, ru, vi, zh_Hans"],
    ),
    "malformed po": (_malformed_po, 1, ["ketamine-therapy.po:", "malformed catalog"]),
    "missing translation": (
        _missing_translation,
        1,
        ["1 of 58 messages", "faq/safety/answer", "--allow-partial", "kedu i18n stats"],
    ),
    "output not writable": (_not_writable, 1, ["locked: the output folder is not writable"]),
    "no font for a character": (_no_glyph, 1, ["U+16A0", "sensations/euphoria/term"]),
}


def _as_if_not_root(monkeypatch: pytest.MonkeyPatch, tmp: Path) -> None:
    """Root ignores permission bits; make the two permission cases fail for root too."""
    real_read_text = Path.read_text
    real_access = os.access

    def read_text(self: Path, *args: object, **kwargs: object) -> str:
        if self.name == "secret.yaml":
            raise PermissionError(13, "Permission denied")
        return real_read_text(self, *args, **kwargs)  # type: ignore[arg-type]

    def access(path: object, mode: int, **kwargs: object) -> bool:
        if str(path) == str(tmp / "locked") and mode & os.W_OK:
            return False
        return real_access(path, mode)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "read_text", read_text)
    monkeypatch.setattr(os, "access", access)


@pytest.mark.parametrize("name", list(CASES))
def test_error_is_one_line(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    if os.geteuid() == 0:
        _as_if_not_root(monkeypatch, tmp_path)
    build, code, fragments = CASES[name]
    assert main(build(tmp_path)) == code
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.startswith("kedu: ")]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in lines[0]


def _two_ids(tmp: Path) -> list[str]:
    copy = tmp / "copy.yaml"
    copy.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    return ["export", str(EXAMPLE), str(copy), "--format", "json", "--out", str(tmp / "o")]


def _image_outside(tmp: Path) -> list[str]:
    article = tmp / "a.yaml"
    article.write_text(
        'id: demo\ntitle: "Demo"\nsections:\n  - type: image\n    id: pic\n'
        '    src: "../../etc/passwd"\n    alt: "x"\n',
        encoding="utf-8",
    )
    return ["validate", str(article)]


def _import_over_existing(tmp: Path) -> list[str]:
    target = tmp / "article.yaml"
    target.write_text("edited by hand\n", encoding="utf-8")
    post = ROOT / "tests" / "fixtures" / "import" / "post.md"
    return ["import", str(post), "-o", str(target)]


CASES.update(
    {
        "locales folder missing": (
            lambda t: ["export", str(EXAMPLE), "--locales", str(t / "nowhere")],
            2,
            ["locales folder not found"],
        ),
        "--lang with --all-langs": (
            lambda t: ["export", str(EXAMPLE), "--lang", "es", "--all-langs"],
            2,
            ["use either --lang or --all-langs"],
        ),
        "two articles, one id": (_two_ids, 2, ["both have the id 'ketamine-therapy'"]),
        "image outside the folder": (_image_outside, 1, ["sections[0].src", "outside"]),
        "import over an edited file": (_import_over_existing, 1, ["already exists", "--force"]),
    }
)
