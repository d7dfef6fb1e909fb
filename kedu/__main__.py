"""``python -m kedu``: the same as the ``kedu`` command."""

from kedu.interrupts import run_cli

if __name__ == "__main__":
    run_cli()
