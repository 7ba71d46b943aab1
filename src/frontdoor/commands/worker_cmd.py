"""``frontdoor worker``: run background tasks (webhook deliveries and what else is queued)."""

from __future__ import annotations

import click

from frontdoor import bootstrap
from frontdoor.commands._common import store_from


@click.command("worker")
@click.option(
    "--concurrency",
    "-c",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Tasks run at once (PostgreSQL; SQLite runs one at a time).",
)
@click.option("--burst", is_flag=True, help="Process what is queued now, then exit.")
@click.pass_context
def worker_command(ctx: click.Context, concurrency: int, burst: bool) -> None:
    """Run background tasks until stopped (Ctrl-C or SIGTERM).

    On PostgreSQL this is a procrastinate worker: run one or more on any number of
    machines; each applies the queue schema if missing and sweeps for deliveries left
    behind. On SQLite `frontdoor serve` already works in the background; this command
    processes pending deliveries when the web app is not running.
    """
    bootstrap.wire()  # the tasks and sweeps it runs
    store = store_from(ctx)
    if store.dialect == "postgresql":
        from frontdoor.core.tasks.pg import run_worker

        click.echo(f"frontdoor worker: PostgreSQL queue, concurrency {concurrency}")
        run_worker(store, concurrency=concurrency, wait=not burst)
        return
    import signal
    import threading

    from frontdoor.core.tasks.inprocess import work_loop

    stop = threading.Event()
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
    click.echo("frontdoor worker: SQLite, processing pending deliveries")
    try:
        ran = work_loop(store, once=burst, stop=stop)
    except KeyboardInterrupt:
        return
    click.echo(f"ran {ran} task(s)")
