"""kedu's benchmarks: kedu's exporters against the bare libraries and other tools.

Run ``python benchmarks/run.py`` (``--quick`` for a smoke run, ``--json FILE``
for machine-readable results).  :mod:`benchmarks.content` turns a localized
article into equivalent inputs for the baselines (a bare reportlab story, HTML
for WeasyPrint, Markdown for pandoc, a bare python-docx document);
:mod:`benchmarks.harness` times them and prints the table.
"""
