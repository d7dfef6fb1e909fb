"""Run kedu's benchmarks: ``python benchmarks/run.py [--quick] [--json FILE]``.

Measures in one run, on the same content (the example article, English for the
side-by-side comparisons, every language for the batch):

1. PDF in-process: kedu vs a bare reportlab platypus build vs WeasyPrint;
2. Word: kedu vs bare python-docx in-process, ``kedu export`` vs pandoc as processes;
3. cold processes: ``kedu --help``, one PDF export, one .docx export;
4. the full batch (all languages x all formats) with ``--jobs 1`` and ``--jobs 2``;
5. output sizes; 6. peak memory of the batch;
7. ``kedu serve`` under load on 127.0.0.1 (benchmarks/serve.py): 200 requests, 20 at a
   time, throughput and p50/p95 latency, cold and cached.

Prints one table (medians, min-max, ratios, PASS/MISS per target) and, with
``--json FILE``, writes the same as JSON.  Needs the ``bench`` extra
(``pip install -e '.[bench]'``); WeasyPrint and pandoc rows are skipped with a
note when those are not installed.
"""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.cli import main

if __name__ == "__main__":
    sys.exit(main())
