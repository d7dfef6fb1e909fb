"""The ``kedu`` command line, as ``main(argv) -> int`` (tested in-process).

Expected problems print one line on stderr — ``kedu: error: <file:line: message>`` —
and exit 2 (usage) or 1 (failed work); ``--debug`` adds the traceback.  Only the
command that runs imports what it needs, so ``kedu --help`` stays fast.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Sequence

import click

from kedu import interrupts
from kedu._version import __version__
from kedu.cli.common import State, pause_collector, restore_collector, resume_collector
from kedu.errors import KeduError

__all__ = ["cli", "main", "run"]


class LazyGroup(click.Group):
    """A group whose subcommands are imported only when used."""

    def __init__(self, *args: object, lazy: dict[str, tuple[str, str, str]], **kw: object):
        super().__init__(*args, **kw)  # type: ignore[arg-type]
        self.lazy = lazy

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.lazy])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.lazy:
            import importlib

            module, attr, _help = self.lazy[name]
            command: click.Command = getattr(importlib.import_module(module), attr)
            if name != "export":  # export turns it on once its imports are done
                resume_collector(freeze=False)
            return command
        return super().get_command(ctx, name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, help_) for name, (_m, _a, help_) in sorted(self.lazy.items())]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(
    cls=LazyGroup,
    lazy={
        "export": (
            "kedu.cli.export",
            "export_command",
            "Make handouts (PDF, Word, JSON) in one or more languages.",
        ),
        "validate": ("kedu.cli.basic", "validate_command", "Check article files."),
        "schema": ("kedu.cli.basic", "schema_command", "Print the JSON Schema of articles."),
        "i18n": (
            "kedu.cli.i18n",
            "i18n_group",
            "Translators' commands: extract, init, update, stats, check, ...",
        ),
        "serve": (
            "kedu.cli.serve",
            "serve_command",
            "Handout library and translators' preview in a browser (kedu[serve]).",
        ),
        "import": (
            "kedu.cli.importer",
            "import_command",
            "Turn a blog post (.md, .html, .txt) into an article.",
        ),
    },
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(__version__, "--version", prog_name="kedu")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """kedu turns patient-education articles into translated, print-ready handouts."""
    ctx.obj = State(debug=debug)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv``; return the exit code.

    SIGINT and SIGTERM end the run with 130 and 143 (see :mod:`kedu.interrupts`),
    also when a library swallowed the ``KeyboardInterrupt`` they raise.
    """
    with interrupts.handle_signals():
        pause_collector()  # see kedu.cli.common: on again once the command's imports are done
        try:
            code = _main(argv)
        except KeyboardInterrupt:
            code = 130
        finally:
            # The console script (no argv) exits next; an in-process caller goes on.
            restore_collector(unfreeze=argv is not None)
        if interrupts.received() is None and code != 130:
            return code
        click.echo("kedu: interrupted", err=True)
        return interrupts.exit_code()


def _main(argv: Sequence[str] | None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    try:
        result = cli.main(args=args, prog_name="kedu", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.Abort:
        return 130
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except KeduError as exc:
        if interrupts.received() is not None:
            return 130  # an error caused by the interrupt (e.g. a swallowed one) is not news
        if debug:
            traceback.print_exc()
        click.echo(f"kedu: error: {exc}", err=True)
        return exc.exit_code
    return result if isinstance(result, int) else 0


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
