"""The load test of benchmarks/serve.py, small: a real kedu serve process on 127.0.0.1."""

from __future__ import annotations

import pytest

pytest.importorskip("uvicorn", reason="kedu serve needs the serve extra: pip install '.[serve]'")

from benchmarks.harness import render_table
from benchmarks.serve import _complete, load_test, serve_rows


@pytest.mark.parametrize("jobs", [1, 2])
def test_small_load_test_gets_complete_answers(jobs: int) -> None:
    result = load_test(12, 4, languages=["en", "ar"], formats=("pdf", "docx", "html"), jobs=jobs)
    assert len(result.cold) == 6 and len(result.cached) == 6
    assert not result.failures, [(r.path, r.problem) for r in result.failures]
    assert all(r.size > 1000 for r in result.all)


def test_incomplete_answers_are_caught() -> None:
    pdf = "/articles/x/handout?lang=en&format=pdf"
    assert _complete(pdf, 200, "9", b"%PDF-1.4\n") == "PDF cut short"
    assert _complete(pdf, 200, "100", b"%PDF-1.4\n%%EOF") is not None  # length mismatch
    assert _complete("/articles/x/handout?format=docx", 200, "3", b"abc") is not None
    assert _complete("/", 200, "12", b"<html><body>") == "HTML cut short"
    assert _complete("/", 404, "7", b"</html>") == "status 404"


def test_rows_report_an_error_instead_of_raising() -> None:
    rows = serve_rows(total=1, jobs=(1,))  # fewer requests than documents: refused, reported
    assert rows[0].error and "at least" in rows[0].error
    assert "ERROR" in render_table(rows)
