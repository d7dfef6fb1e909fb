"""``kedu serve``: the handout library and the translators' preview in a browser."""

from __future__ import annotations

import ipaddress
import secrets
from pathlib import Path

import click

from kedu.errors import UsageError

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")


def is_local(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@click.command("serve")
@click.argument(
    "project_dir",
    required=False,
    default=".",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port."
)
@click.option(
    "--token",
    help="Shared secret every request must carry (default: [serve] token in kedu.toml). "
    "Use 'random' to make one.",
)
@click.option("--no-watch", is_flag=True, help="Do not follow file changes (rescan instead).")
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Worker processes that make documents (more: shorter waits for new documents).",
)
def serve_command(
    project_dir: Path, host: str, port: int, token: str | None, no_watch: bool, jobs: int
) -> int:
    """Serve the handout library of PROJECT_DIR (default: here) to a browser.

    Staff search the articles, pick the patient's language and print or download
    the handout; translators see their progress, the checks and a live preview.
    Nothing is ever written to the project.
    """
    try:
        import uvicorn

        from kedu.serve.app import create_app
    except ImportError as exc:
        raise UsageError(
            f"kedu serve needs the serve extra ({exc.name} is missing): pip install 'kedu[serve]'"
        ) from None
    from kedu.config import load_config

    if token == "random":
        token = secrets.token_urlsafe(24)
    if token is not None and len(token) < 16:
        raise UsageError("--token must be at least 16 characters (or 'random')")
    config = load_config(project_dir)  # a broken kedu.toml is a one-line error before starting
    token = token or config.serve.token
    app = create_app(project_dir, token=token, host=host, watch=not no_watch, jobs=jobs)
    articles = app.state.kedu.project.articles()
    shown = "localhost" if is_local(host) else host
    address = f"http://{'[' + shown + ']' if ':' in shown else shown}:{port}/"
    click.echo(
        f"kedu serve: {len(articles)} article(s) from {project_dir.resolve()} "
        f"(drafts {'shown' if config.serve.show_drafts else 'hidden'})"
    )
    for problem in app.state.kedu.project.problems():
        click.echo(f"kedu serve: skipped {problem}", err=True)
    if not is_local(host):
        click.echo(
            f"kedu serve: WARNING: listening on {host}, not only on this computer: anyone who "
            "can reach it on the network can read every article and translation in the "
            "project, download every handout, and see file names and check results on the "
            "translators' pages."
            + ("" if token else " Add --token random so only people given the link get in."),
            err=True,
        )
    if token:
        click.echo(f"kedu serve: open {address}?token={token}")
    else:
        click.echo(f"kedu serve: open {address}")
    click.echo("kedu serve: press Ctrl-C to stop")
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level="warning",
        timeout_graceful_shutdown=2,
        server_header=False,
    )
    return 0
