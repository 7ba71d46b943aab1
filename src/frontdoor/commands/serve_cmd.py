"""``frontdoor serve``: the web app."""

from __future__ import annotations

import click

from frontdoor import bootstrap
from frontdoor.commands._common import store_from


@click.command("serve")
@click.option("--host", default=None, help="Bind address (default FRONTDOOR_HOST).")
@click.option("--port", type=int, default=None, help="Port (default FRONTDOOR_PORT).")
@click.pass_context
def serve_command(ctx: click.Context, host: str | None, port: int | None) -> None:
    """Start the web app and API."""
    bootstrap.wire()  # this process's wiring (create_app repeats it: wiring is idempotent)
    store = store_from(ctx)
    run_server(store, host=host, port=port)


def run_server(store: object, *, host: str | None, port: int | None, banner: str = "") -> None:
    """Serve the app for ``store`` until interrupted."""
    import uvicorn

    from frontdoor.core.store import Store
    from frontdoor.web.app import create_app

    assert isinstance(store, Store)
    settings = store.settings
    bind_host = host or settings.host
    bind_port = port or settings.port
    app = create_app(store)
    click.echo(banner or f"frontdoor is serving at http://{bind_host}:{bind_port}/")
    uvicorn.run(app, host=bind_host, port=bind_port, log_level=settings.log_level.lower())
