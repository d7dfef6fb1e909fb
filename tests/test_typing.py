"""A developer's type checker accepts kedu's documented code without pydantic's plugin.

Every Python snippet of the README (extracted here, so a new snippet is checked
too) and every script in ``examples/`` must pass ``mypy --strict`` with a plain
configuration: no ``pydantic.mypy`` plugin, as a user's project would have.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytest.importorskip("mypy")

_CONFIG = """\
[mypy]
strict = True
python_version = 3.11
# kedu is checked by its own (plugin) configuration; here only its interface counts.
[mypy-kedu.*]
follow_imports = silent
[mypy-dask.*]
# Dask is an optional extra and has no type annotations: a user's project treats
# it as untyped (Any), whether it is installed or not.
ignore_missing_imports = True
follow_imports = skip
"""


def readme_snippets() -> list[str]:
    """The ```python blocks of the README, in order."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"^```python\n(.*?)^```", text, flags=re.S | re.M)


def _mypy(files: list[Path], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    config = tmp_path / "mypy.ini"
    config.write_text(_CONFIG, encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(config),
         "--cache-dir", str(tmp_path / ".mypy_cache"), *map(str, files)],
        capture_output=True, text=True, cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "MYPYPATH": str(ROOT)},
    )


def test_readme_and_examples_pass_strict_mypy_without_the_pydantic_plugin(
    tmp_path: Path,
) -> None:
    snippets = readme_snippets()
    assert len(snippets) >= 2
    files = sorted((ROOT / "examples").glob("*.py"))
    assert files
    for n, code in enumerate(snippets, 1):
        path = tmp_path / f"readme_snippet_{n}.py"
        path.write_text(code, encoding="utf-8")
        files.append(path)
    done = _mypy(files, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_check_catches_a_wrong_call(tmp_path: Path) -> None:
    """The same configuration rejects a wrong argument, so the test above can fail."""
    bad = tmp_path / "bad.py"
    bad.write_text(
        'import kedu\n\noptions = kedu.ExportOptions(paper="a4", large_print="yes")\n',
        encoding="utf-8",
    )
    done = _mypy([bad], tmp_path)
    assert done.returncode == 1 and "large_print" in done.stdout
