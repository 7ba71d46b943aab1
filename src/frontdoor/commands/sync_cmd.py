"""``frontdoor sync KIND``: pull conversations from a source's API into the store.

Credentials live on the Source (``settings.access_key`` / ``settings.access_secret``),
set once with ``--access-key`` (the secret is prompted for, hidden, unless given) and
never printed. The work is :func:`frontdoor.ingest.sync.sync_channeltalk`'s: opened and
snoozed chats (the live set) are read whole each time so their changes arrive; closed
chats resume from the cursor stored on ``Source.cursor``.
"""

from __future__ import annotations

import click

from frontdoor.commands._common import store_from, workspace_option

CHANNELTALK_STATES = ("opened", "closed", "snoozed")


@click.group("sync")
def sync_group() -> None:
    """Pull conversations from a source's API (Channel Talk), resuming where the last sync stopped."""


@sync_group.command("channeltalk")
@workspace_option
@click.option("--source", "source_name", default=None, help="Source name (default: channeltalk).")
@click.option(
    "--since", default=None, help="Opaque cursor to resume closed chats from (default: the stored one)."
)
@click.option("--full", is_flag=True, help="Ignore the stored cursor and read every chat again.")
@click.option(
    "--state", type=click.Choice(CHANNELTALK_STATES), default=None, help="Only chats in this state."
)
@click.option("--access-key", default=None, help="Store this Open API access key on the source.")
@click.option(
    "--access-secret",
    default=None,
    help="Store this access secret on the source (prompted for, hidden, when --access-key is given alone).",
)
@click.option(
    "--base-url", default=None, help="Store another API root on the source (default: Channel Talk's)."
)
@click.pass_context
def channeltalk_sync_command(
    ctx: click.Context,
    workspace: str | None,
    source_name: str | None,
    since: str | None,
    full: bool,
    state: str | None,
    access_key: str | None,
    access_secret: str | None,
    base_url: str | None,
) -> None:
    """Import Channel Talk chats and messages through the Open API v5.

    Example: frontdoor sync channeltalk --access-key KEY   (once; prompts for the secret), then
    frontdoor sync channeltalk
    """
    from frontdoor.ingest.sync import sync_channeltalk

    if access_key and not access_secret:
        access_secret = click.prompt("Channel Talk access secret", hide_input=True)
    credentials = {"access_key": access_key, "access_secret": access_secret, "base_url": base_url}
    result = sync_channeltalk(
        store_from(ctx),
        workspace=workspace,
        source_name=source_name,
        since=since,
        full=full,
        state=state,
        credentials={k: v for k, v in credentials.items() if v},
    )
    summary = result.summary
    click.echo(
        f"workspace {result.workspace}, source {result.source!r}: "
        f"{summary.records:,} records in {result.requests:,} API requests"
    )
    for entity in ("conversations", "messages"):
        counts = getattr(summary, entity)
        click.echo(
            f"  {entity}: {counts.new:,} new, {counts.updated:,} updated, {counts.unchanged:,} unchanged"
        )
    click.echo(
        f"  accounts created: {summary.accounts_created:,}, contacts created: {summary.contacts_created:,}"
    )
    if summary.quarantined:
        click.echo(f"  quarantined: {summary.quarantined:,} (see `frontdoor quarantine list`)")
    ctx.exit(summary.exit_code)
