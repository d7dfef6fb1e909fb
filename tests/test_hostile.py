"""The hostile-input corpus: broken, huge and malicious files through every command.

Each case must end with the one-line contract: the right exit code, exactly one
line on stderr per failure naming the file (and line or field), no traceback,
nothing written, in bounded time.  Small cases live in ``tests/data/hostile/``;
big ones (megabytes, decompression bombs, deep nesting) are made here.  The big
ones run in a separate process under an address-space limit, so a regression
that makes kedu balloon fails instead of swapping the machine.
"""

from __future__ import annotations

import os
import resource
import shutil
import struct
import subprocess
import sys
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

import kedu
from kedu.cli import main
from kedu.errors import KeduError, OptionsError, OutputError
from kedu.exporters import ExportOptions, available_formats
from kedu.load import load_article
from tests.conftest import EXAMPLE, LOCALES, ROOT

HOSTILE = ROOT / "tests" / "data" / "hostile"
MEMORY_LIMIT = 3 * 1024**3  # address space of each kedu process (bytes)
ARTICLE_HEAD = """id: demo
title: Demo
sections:
  - type: prose
    id: intro
    heading: Intro
    paragraphs: ["Hello."]
"""


@dataclass
class Outcome:
    code: int
    stderr: str
    seconds: float

    @property
    def lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.strip()]


def run_cli(args: list[str], cwd: Path, capsys: pytest.CaptureFixture[str]) -> Outcome:
    """``kedu ARGS`` in this process (fast; for inputs that are small)."""
    old = Path.cwd()
    os.chdir(cwd)
    started = time.perf_counter()
    try:
        code = main(args)
    finally:
        os.chdir(old)
    seconds = time.perf_counter() - started
    return Outcome(code, capsys.readouterr().err, seconds)


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run_process(args: list[str], cwd: Path, timeout: float = 60) -> Outcome:
    """``kedu ARGS`` in a child process with its memory limited (for big inputs)."""
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "kedu", *args],
        cwd=cwd,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=_limit_memory,
    )
    return Outcome(proc.returncode, proc.stderr, time.perf_counter() - started)


def refused_quickly(call: Callable[[], object]) -> KeduError:
    """The KeduError ``call`` raises, asserting it comes in under a second (the best
    of three tries: a busy machine may stall any one of them)."""
    best = float("inf")
    error: KeduError | None = None
    for _ in range(3):
        started = time.perf_counter()
        try:
            call()
        except KeduError as exc:
            error = exc
        else:
            pytest.fail("the input was accepted")
        best = min(best, time.perf_counter() - started)
        if best < 1.0:
            break
    assert best < 1.0, f"refused in {best:.2f} s; a refusal must be quick"
    assert error is not None
    return error


def assert_one_line(outcome: Outcome, name: str, *, code: int = 1, lines: int = 1) -> None:
    """Exit ``code``; ``lines`` lines on stderr, each naming ``name``; no traceback."""
    assert "Traceback" not in outcome.stderr, outcome.stderr
    assert "internal error" not in outcome.stderr, outcome.stderr
    assert outcome.code == code, outcome.stderr
    assert len(outcome.lines) == lines, outcome.stderr
    for line in outcome.lines:
        assert line.startswith("kedu: "), line
        assert name in line, line


# --- articles -----------------------------------------------------------------------------


SMALL_ARTICLES = {
    "complex-key-list.yaml": ":8:3: YAML error: a key must be a name",
    "complex-key-map.yaml": ":8:3: YAML error: a key must be a name",
    "huge-integer.yaml": ":8:8: YAML error: an integer is 60 digits",
    "binary-tag.yaml": ":2:8: YAML error: the tag !!binary is not allowed",
    "set-tag.yaml": ":3:11: YAML error: the tag !!set is not allowed",
    "python-tag.yaml": ":2:8: YAML error: the tag !!python/name:os.system is not allowed",
    "c1-control.yaml": ":2: title: contains the control character U+0085",
    "bidi-override.yaml": ":2: title: contains the bidi override U+202E",
    "bidi-unclosed.yaml": ":2: title: the bidi control U+2067 at character 6 is never closed",
    "recursive-alias.yaml": ":3:11: YAML error: an alias refers to a value that contains it",
    "billion-laughs.yaml": ":4:5: YAML error: the article, with aliases expanded, is 111,111",
}


@pytest.mark.parametrize("name", sorted(SMALL_ARTICLES))
def test_small_hostile_article_is_refused_in_one_line(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    article = HOSTILE / name
    error = refused_quickly(lambda: load_article(article))
    assert SMALL_ARTICLES[name] in str(error)
    assert "\n" not in str(error)
    for args in (["validate"], ["export", "--format", "all", "--out", str(tmp_path / "o")]):
        outcome = run_cli([args[0], str(article), *args[1:]], tmp_path, capsys)
        assert_one_line(outcome, f"{name}{SMALL_ARTICLES[name].split(' ')[0]}")
    assert not (tmp_path / "o").exists() or not any((tmp_path / "o").iterdir())


def _alias_bomb(folder: Path) -> Path:
    """Table row 1: a 1 MB paragraph anchored once and referenced 3,000 times."""
    refs = ", ".join(["*a"] * 3000)
    path = folder / "alias-bomb.yaml"
    path.write_text(
        f'x: &a "{"x" * 1_000_000}"\n' + ARTICLE_HEAD.replace('["Hello."]', f"[{refs}]")
    )
    return path


def _alias_amplification(folder: Path) -> Path:
    """Paragraphs within the field limit, but 30 million characters once expanded."""
    refs = ", ".join(["*a"] * 3000)
    path = folder / "alias-amplification.yaml"
    body = ARTICLE_HEAD.replace('["Hello."]', f"[{refs}]")
    path.write_text(f'x: &a "{"word " * 2000}"\n' + body)
    return path


def _huge_title(folder: Path) -> Path:
    """Table row 13: a 50 MB title."""
    path = folder / "huge-title.yaml"
    with path.open("w") as out:
        out.write('id: demo\ntitle: "')
        for _ in range(50):
            out.write("y" * 1_000_000)
        out.write('"\n' + ARTICLE_HEAD.split("\n", 2)[2])
    return path


def _long_title(folder: Path) -> Path:
    """Within the file limit, beyond the field limit."""
    path = folder / "long-title.yaml"
    path.write_text(ARTICLE_HEAD.replace("title: Demo", f"title: {'word ' * 100_000}"))
    return path


def _deep_json(folder: Path) -> Path:
    """Table row 8: 200,000 nested JSON arrays."""
    path = folder / "deep.json"
    path.write_text("[" * 200_000 + "]" * 200_000)
    return path


def _nested_json(folder: Path) -> Path:
    """Deeper than the limit but shallow enough for Python's JSON reader."""
    path = folder / "nested.json"
    path.write_text('{"id": "demo", "title": ' + "[" * 100 + "]" * 100 + "}")
    return path


def _deep_yaml(folder: Path) -> Path:
    path = folder / "deep.yaml"
    path.write_text(ARTICLE_HEAD + "extra: " + "[" * 500 + "]" * 500 + "\n")
    return path


BIG_ARTICLES: dict[str, tuple[Callable[[Path], Path], str]] = {
    "alias-bomb": (_alias_bomb, "alias-bomb.yaml:1:4: YAML error: a text is 1,000,000 characters"),
    "alias-amplification": (
        _alias_amplification,
        "with aliases expanded, is 5,010,000 characters; the limit is 5,000,000",
    ),
    "huge-title": (_huge_title, "huge-title.yaml: the file is 50,000,105 bytes; the limit is"),
    "long-title": (_long_title, "long-title.yaml:2:8: YAML error: a text is 499,999 characters"),
    "deep-json": (_deep_json, "deep.json: JSON error: nested more than"),
    "nested-json": (_nested_json, "nested.json: title[0][0]"),
    "deep-yaml": (_deep_yaml, "deep.yaml:8:"),
}


@pytest.mark.parametrize("case", sorted(BIG_ARTICLES))
def test_big_hostile_article_is_refused_fast_with_bounded_memory(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make, expected = BIG_ARTICLES[case]
    article = make(tmp_path)
    assert expected in str(refused_quickly(lambda: load_article(article)))
    assert_one_line(run_cli(["validate", str(article)], tmp_path, capsys), article.name)
    outcome = run_process(["export", str(article), "--format", "all", "--out", "o"], tmp_path)
    assert_one_line(outcome, article.name)
    assert not (tmp_path / "o").exists() or not any((tmp_path / "o").iterdir())


def test_limits_are_raised_by_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    article = _long_title(tmp_path)
    monkeypatch.setenv("KEDU_MAX_FIELD_CHARS", "600000")
    assert load_article(article).title.startswith("word word")
    monkeypatch.setenv("KEDU_MAX_FIELD_CHARS", "lots")
    with pytest.raises(KeduError, match="KEDU_MAX_FIELD_CHARS='lots' is not a positive"):
        load_article(article)


def test_balanced_bidi_isolates_load_and_export(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Table row 6: isolates in an article are accepted and every format makes its
    document (the PDF text engine's own tests check how they are drawn)."""
    article = shutil.copy(HOSTILE / "bidi-isolates.yaml", tmp_path / "article.yaml")
    outcome = run_cli(["validate", str(article)], tmp_path, capsys)
    assert outcome.code == 0, outcome.stderr
    formats = ",".join(name for name in available_formats() if name != "pdf")
    outcome = run_cli(
        ["export", str(article), "--format", formats, "--out", str(tmp_path / "o")],
        tmp_path,
        capsys,
    )
    assert outcome.code == 0, outcome.stderr
    docx = (tmp_path / "o" / "bidi-isolates.en.docx").read_bytes()
    import io
    import zipfile

    xml = zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml").decode()
    assert "\u2067\u0627\u0644\u0639\u064a\u0627\u062f\u0629\u2069" in xml


# --- pictures -----------------------------------------------------------------------------


def _png(width: int, height: int) -> bytes:
    """A valid 1-bit grey PNG of any size, made row by row (a bomb stays small)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    packer = zlib.compressobj(9)
    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    compressed = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", compressed)
        + chunk(b"IEND", b"")
    )


PICTURES: dict[str, tuple[Callable[[], bytes], str]] = {
    "truncated.png": (lambda: _png(200, 200)[:60], "damaged or cut short"),
    "header-only.gif": (lambda: b"GIF89a\x10\x00\x10\x00", "damaged or cut short"),
    "header-only.jpg": (lambda: b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "damaged or cut short"),
    "text.png": (lambda: b"just some words", "is not a PNG, JPEG or GIF image"),
    "bomb-12000.png": (lambda: _png(12_000, 12_000), "144,000,000 pixels; the limit is 50,000,000"),
    "bomb-30000.png": (lambda: _png(30_000, 30_000), "900,000,000 pixels; the limit is 50,000,000"),
    "drawing.png": (lambda: b'<?xml version="1.0"?><svg xmlns="x"/>', "is an SVG image"),
}


@pytest.mark.parametrize("name", sorted(PICTURES))
def test_broken_or_huge_image_fails_validate_and_every_format(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Table rows 11 and 12: every image is decoded at validate, within a pixel limit."""
    make, expected = PICTURES[name]
    (tmp_path / name).write_bytes(make())
    article = tmp_path / "article.yaml"
    article.write_text(
        ARTICLE_HEAD + f"  - {{type: image, id: picture, src: {name}, alt: A picture}}\n"
    )
    outcome = run_cli(["validate", str(article)], tmp_path, capsys)
    assert_one_line(outcome, "article.yaml:8: sections[1].src")
    assert expected in outcome.stderr
    export = ["export", str(article), "--format", "all", "--out", "o"]
    # Bombs in a process whose memory is limited; the rest in this one.
    outcome = run_process(export, tmp_path) if "bomb" in name else run_cli(export, tmp_path, capsys)
    assert_one_line(outcome, "article.yaml:8: sections[1].src")
    assert expected in outcome.stderr
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    ("logo", "expected"),
    [
        ("logo.svg", "is an SVG image"),
        ("truncated.png", "damaged or cut short"),
        ("bomb-30000.png", "900,000,000 pixels"),
        ("notes.png", "is not a PNG, JPEG or GIF image"),
        ("missing.png", "image file not found"),
    ],
)
def test_config_logo_is_checked_when_the_config_loads(
    logo: str, expected: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Table row 16."""
    (tmp_path / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    (tmp_path / "truncated.png").write_bytes(_png(100, 100)[:50])
    (tmp_path / "bomb-30000.png").write_bytes(_png(30_000, 30_000))
    (tmp_path / "notes.png").write_text("not a picture at all")
    (tmp_path / "kedu.toml").write_text(f'logo = "{logo}"\n')
    outcome = run_cli(["validate", str(EXAMPLE)], tmp_path, capsys)
    assert_one_line(outcome, "kedu.toml: logo:")
    assert expected in outcome.stderr


def test_config_that_is_a_folder_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Table row 18 (kedu.toml a directory)."""
    (tmp_path / "kedu.toml").mkdir()
    outcome = run_cli(["validate", str(EXAMPLE)], tmp_path, capsys)
    assert_one_line(outcome, "kedu.toml: is not a file")


# --- catalogs -----------------------------------------------------------------------------


def _es_catalog(tmp_path: Path) -> tuple[Path, Path]:
    shutil.copytree(LOCALES, tmp_path / "locales")
    return tmp_path / "locales", tmp_path / "locales" / "es" / "LC_MESSAGES" / "ketamine-therapy.po"


def _break_first_msgstr(po: Path, edit: Callable[[str], str]) -> int:
    lines = po.read_text(encoding="utf-8").split("\n")
    number = next(i for i, line in enumerate(lines) if line.startswith('msgstr "¿'))
    lines[number] = edit(lines[number])
    po.write_text("\n".join(lines), encoding="utf-8")
    return number + 1


def _unterminated(po: Path) -> int:
    return _break_first_msgstr(po, lambda line: line.rstrip('"'))


def _no_such_charset(po: Path) -> int:
    text = po.read_text(encoding="utf-8")
    po.write_text(text.replace("charset=utf-8", "charset=no-such-enc"), encoding="utf-8")
    return text[: text.index("charset=")].count("\n") + 1


def _latin1_header(po: Path) -> int:
    text = po.read_text(encoding="utf-8")
    po.write_text(text.replace("charset=utf-8", "charset=ISO-8859-1"), encoding="utf-8")
    return text[: text.index("charset=")].count("\n") + 1


def _unclosed_isolate(po: Path) -> int:
    return _break_first_msgstr(po, lambda line: line.replace("¿", "¿\u2067", 1))


def _c1_control(po: Path) -> int:
    return _break_first_msgstr(po, lambda line: line.replace("¿", "¿\u0085", 1))


CATALOGS: dict[str, tuple[Callable[[Path], int], str, bool]] = {
    # name: (damage, expected text, a syntax error that every command reports)
    "unterminated": (_unterminated, "end-of-line within string", True),
    "no-such-charset": (_no_such_charset, "unknown charset 'no-such-enc'", True),
    "latin1-header": (_latin1_header, "the header says charset=ISO-8859-1 but", True),
    "unclosed-isolate": (_unclosed_isolate, "U+2067", False),
    "c1-control": (_c1_control, "U+0085", False),
}


@pytest.mark.parametrize("case", sorted(CATALOGS))
def test_damaged_catalog_never_prints(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Table rows 6, 9, 15 and 19: export fails for every format naming file:line, and
    ``i18n check`` (and ``stats``, for syntax errors) report the same line."""
    damage, expected, syntax = CATALOGS[case]
    locales, po = _es_catalog(tmp_path)
    line = damage(po)
    where = f"{po}:{line}"
    formats = available_formats()
    outcome = run_cli(
        [
            "export",
            str(EXAMPLE),
            "--lang",
            "es",
            "--format",
            "all",
            "--locales",
            str(locales),
            "--out",
            str(tmp_path / "o"),
            "-q",
        ],
        tmp_path,
        capsys,
    )
    assert_one_line(outcome, str(po) if not syntax else where, lines=len(formats))
    assert expected in outcome.stderr
    assert not (tmp_path / "o").exists() or not any((tmp_path / "o").iterdir())
    old = Path.cwd()
    os.chdir(tmp_path)
    try:
        assert main(["i18n", "check", "--locales", str(locales)]) == 1
    finally:
        os.chdir(old)
    findings = capsys.readouterr().out
    # A syntax error at its line; a bad translation at its message (the line before).
    assert (where if syntax else f"{po}:{line - 1}") in findings, findings
    assert expected in findings, findings
    if syntax:
        outcome = run_cli(["i18n", "stats", "--locales", str(locales)], tmp_path, capsys)
        assert_one_line(outcome, where)


def test_catalog_beyond_the_size_limit_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    locales, po = _es_catalog(tmp_path)
    monkeypatch.setenv("KEDU_MAX_FILE_BYTES", str(po.stat().st_size - 1))
    outcome = run_cli(["i18n", "stats", "--locales", str(locales)], tmp_path, capsys)
    assert "KEDU_MAX_FILE_BYTES" in outcome.stderr
    assert outcome.code == 1


def test_unknown_language_prints_the_same_in_every_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Table row 14: ``--lang zz --allow-partial`` with a zz catalog."""
    locales, po = _es_catalog(tmp_path)
    zz = locales / "zz" / "LC_MESSAGES"
    zz.mkdir(parents=True)
    (zz / po.name).write_text(
        po.read_text(encoding="utf-8").replace('"Language: es', '"Language: zz'), encoding="utf-8"
    )
    args = ["export", str(EXAMPLE), "--lang", "zz", "--format", "all", "--locales", str(locales)]
    outcome = run_cli(
        [*args, "--allow-partial", "--out", str(tmp_path / "o"), "-q"], tmp_path, capsys
    )
    assert outcome.code == 0, outcome.stderr
    assert sorted(p.suffix for p in (tmp_path / "o").iterdir()) == sorted(
        f".{kedu.exporters.get_exporter(name).extension}" for name in available_formats()
    )
    outcome = run_cli([*args, "--out", str(tmp_path / "p"), "-q"], tmp_path, capsys)
    assert outcome.code == 1
    assert len(outcome.lines) == len(available_formats())  # the same reason for each format
    assert len({line.split(": ", 3)[-1] for line in outcome.lines}) == 1, outcome.stderr


# --- import -------------------------------------------------------------------------------


IMPORTS: dict[str, tuple[Callable[[], str], str]] = {
    "deep.html": (
        lambda: "<html><body><h1>T</h1>" + "<div>" * 100_000 + "hi" + "</div>" * 100_000,
        "deep.html:1: the nesting of HTML elements is 257",
    ),
    "lists.html": (
        lambda: "<html><body><h1>T</h1>" + "<ul><li>" * 20_000 + "hi",
        "lists.html:1: the nesting of HTML elements is 257",
    ),
    "quotes.md": (lambda: "# T\n\n" + ">" * 100_000 + " hi\n", "quotes.md:3: the nesting"),
    "lists.md": (
        lambda: "# T\n\n" + "".join("  " * i + "- a\n" for i in range(300)),
        "lists.md:260: the nesting of lists and quotes is 257",
    ),
    "one-line.txt": (lambda: "word " * 600_000, "one-line.txt:1: the line is 3,000,000"),
    "big.md": (lambda: "# T\n\n" + "word\n" * 1_100_000, "big.md: the file is 5,500,005 bytes"),
}


@pytest.mark.parametrize("name", sorted(IMPORTS))
def test_hostile_post_import_is_one_line_and_fast(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Table rows 7 and 10."""
    make, expected = IMPORTS[name]
    (tmp_path / name).write_text(make())
    assert expected in str(refused_quickly(lambda: kedu.import_article(tmp_path / name)))
    command = ["import", name, "-o", "article.yaml"]
    # The biggest in a process whose memory is limited; the rest in this one.
    outcome = (
        run_process(command, tmp_path)
        if name == "deep.html"
        else run_cli(command, tmp_path, capsys)
    )
    assert_one_line(outcome, expected)
    assert not (tmp_path / "article.yaml").exists()


def test_import_is_linear_in_the_size_of_the_post(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cleaning a paragraph was quadratic: a 3 MB line ran for minutes.  With the
    limit raised, 2 MB of text is cleaned in about a second (quadratic: minutes)."""
    from kedu.importers.blocks import clean_runs
    from kedu.models.inline import Run

    monkeypatch.setenv("KEDU_MAX_FIELD_CHARS", str(10**7))
    started = time.perf_counter()
    runs = clean_runs([Run("word  \n *bold* " * 100_000), Run(" tail", bold=True)])
    assert time.perf_counter() - started < 10
    assert runs[0].text.startswith("word\n*bold* word\n")


# --- the Python API -----------------------------------------------------------------------


def test_api_option_errors_are_one_line_kedu_errors() -> None:
    """Table row 17."""
    from pydantic import ValidationError

    with pytest.raises(OptionsError) as caught:
        ExportOptions(paper="b5")  # type: ignore[arg-type]
    assert str(caught.value) == "ExportOptions.paper: Input should be 'letter' or 'a4'"
    assert isinstance(caught.value, KeduError) and isinstance(caught.value, ValueError)
    assert isinstance(caught.value.__cause__, ValidationError)


def test_api_write_errors_are_one_line_kedu_errors(tmp_path: Path) -> None:
    """Table row 17: a parent folder that is a file."""
    (tmp_path / "afile").write_text("x")
    with pytest.raises(OutputError) as caught:
        kedu.write_atomic(tmp_path / "afile" / "x.pdf", b"x")
    assert str(caught.value) == (
        f"{tmp_path / 'afile' / 'x.pdf'}: cannot write: {tmp_path / 'afile'} is a file, "
        "not a folder"
    )
    assert isinstance(caught.value.__cause__, OSError)
    assert list(tmp_path.iterdir()) == [tmp_path / "afile"]


def test_the_suite_uses_a_temporary_cache() -> None:
    import platformdirs

    from kedu.exporters.pdf.fonts import cache_dir

    real = Path(platformdirs.user_cache_dir("kedu"))
    assert not cache_dir().is_relative_to(real)
    assert Path(os.environ["KEDU_CACHE_DIR"]).name.startswith("kedu-test-cache-")
