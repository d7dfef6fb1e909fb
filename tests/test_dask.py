"""A content library on a real Dask cluster: portable jobs need only kedu on the
workers, which run in another folder than the one holding the article and its
catalogs, and make the same bytes as ``kedu export``."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

import kedu
from tests.conftest import EXAMPLE, LOCALES, ROOT, minimal_article

distributed = pytest.importorskip(
    "dask.distributed", reason="dask[distributed] is not installed (pip install 'kedu[dask]')"
)


def _cli(out: Path, cwd: Path, article: Path, locales: Path) -> dict[str, bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    args = ["--all-langs", "--format", "all", "--locales", str(locales), "--out", str(out)]
    subprocess.run(
        [sys.executable, "-m", "kedu", "export", str(article), *args, "-q"],
        check=True, cwd=cwd, env=env, timeout=300,
    )  # fmt: skip
    return {p.name: p.read_bytes() for p in out.iterdir()}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Two worker processes started in a folder where nothing of the project is."""
    elsewhere = tmp_path_factory.mktemp("workers")
    before = Path.cwd()
    os.chdir(elsewhere)
    try:
        with (
            distributed.LocalCluster(
                n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                local_directory=str(elsewhere),
            ) as cluster,
            distributed.Client(cluster) as client,
        ):  # fmt: skip
            yield client
    finally:
        os.chdir(before)


def test_a_local_cluster_in_another_folder_makes_the_cli_files(
    tmp_path: Path, client: Any
) -> None:
    project = tmp_path / "project"
    shutil.copytree(EXAMPLE.parent, project / "article")
    shutil.copytree(LOCALES, project / "locales")
    article_file = project / "article" / "article.yaml"
    expected = _cli(tmp_path / "cli", tmp_path, article_file, project / "locales")
    formats = kedu.plan_exports(article_file, "all")
    assert len(expected) == 7 * len(formats) >= 21

    jobs = kedu.plan_exports(
        article_file, "all", locales="all", catalogs=project / "locales", portable=True
    )
    assert len(jobs) == len(expected)
    project.rename(tmp_path / "moved")  # the catalogs are gone from where the jobs saw them
    cwd = client.run(os.getcwd)
    assert len(cwd) == 2 and all(Path(d) != ROOT for d in cwd.values())
    results = kedu.export_many(jobs, client.get_executor(), out_dir=tmp_path / "dask")
    assert [(r.job.label, r.error) for r in results if not r.ok] == []
    made = {p.name: p.read_bytes() for p in (tmp_path / "dask").iterdir()}
    assert sorted(made) == sorted(expected)
    for name, data in expected.items():
        assert made[name] == data, name


def test_images_and_the_logo_travel_with_the_jobs(tmp_path: Path, client: Any) -> None:
    from PIL import Image

    folder = tmp_path / "article"
    folder.mkdir()
    Image.new("RGB", (40, 30), (30, 120, 200)).save(folder / "room.png")
    Image.new("RGB", (20, 20), (200, 60, 30)).save(tmp_path / "logo.png")
    data = minimal_article()
    data["sections"] = [  # type: ignore[index]
        *data["sections"],  # type: ignore[misc]
        {"type": "image", "id": "room", "src": "room.png", "alt": "A quiet room"},
    ]
    (folder / "article.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    options = kedu.ExportOptions(logo=tmp_path / "logo.png")
    jobs = kedu.plan_exports(folder / "article.yaml", "pdf,docx", options=options, portable=True)
    assert {name for job in jobs for name in job.files} == {"room.png", "..logo/logo.png"}
    article = kedu.load_article(folder / "article.yaml")
    doc = kedu.localize(article, "en", base_dir=folder)
    expected = {fmt: kedu.export(doc, fmt, options) for fmt in ("pdf", "docx")}
    shutil.rmtree(folder)
    (tmp_path / "logo.png").unlink()
    results = kedu.export_many(jobs, client.get_executor())
    assert [r.error for r in results] == [None, None]
    assert {r.job.format: r.data for r in results} == expected
