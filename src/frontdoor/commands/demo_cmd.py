"""``frontdoor demo``: build the demo workspace (idempotently) and serve it."""

from __future__ import annotations

import click

from frontdoor.commands._common import settings_from, store_from
from frontdoor.db.store import upgrade_store


@click.command("demo")
@click.option("--no-serve", is_flag=True, help="Build the demo workspace, then exit.")
@click.option("--host", default=None, help="Bind address (default FRONTDOOR_HOST).")
@click.option("--port", type=int, default=None, help="Port (default FRONTDOOR_PORT).")
@click.pass_context
def demo_command(ctx: click.Context, no_serve: bool, host: str | None, port: int | None) -> None:
    """Create the demo workspace (a Korean B2B SaaS) and serve it."""
    from frontdoor.demo.build import ensure_demo
    from frontdoor.demo.tour import tour

    upgrade_store(settings_from(ctx))
    store = store_from(ctx)
    info = ensure_demo(store, progress=lambda msg: click.echo(msg, err=True))
    verb = "created" if info.created else "already present"
    click.echo(f"demo workspace '{info.workspace_slug}' {verb}: {info.summary}")
    with store.session() as session:
        stops = tour(session, info.workspace_id)
    click.echo("where to look (after signing in):")
    for line in stops:
        click.echo(f"  {line}")
    settings = store.settings
    url = f"http://{host or settings.host}:{port or settings.port}/"
    login = f"login: {info.email} / {info.password}"
    if no_serve:
        click.echo(login)
        return
    from frontdoor.commands.serve_cmd import run_server

    run_server(store, host=host, port=port, banner=f"frontdoor demo at {url}\n{login}")
