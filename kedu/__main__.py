"""``python -m kedu`` runs the command line."""

from kedu.cli import run

run()
