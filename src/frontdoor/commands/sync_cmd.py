"""``frontdoor sync KIND``: pull conversations from a source's API into the store.

Credentials live on the Source (``settings.access_key`` / ``settings.access_secret``),
set once with ``--access-key`` (the secret is prompted for, hidden, unless given) and
never printed. Opened and snoozed chats (the live set) are read whole each time so their
changes arrive; closed chats resume from the cursor stored on ``Source.cursor``.
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
    from frontdoor.core.errors import ConfigError
    from frontdoor.db.base import utcnow
    from frontdoor.ingest.pipeline import ingest_records
    from frontdoor.ingest.sources import get_or_create_source
    from frontdoor.integrations.channeltalk.api import API_BASE, ChannelTalkClient
    from frontdoor.models import Source
    from frontdoor.workspace.workspaces import default_workspace

    if access_key and not access_secret:
        access_secret = click.prompt("Channel Talk access secret", hide_input=True)
    store = store_from(ctx)
    with store.session() as session:
        ws = default_workspace(session, slug=workspace)
        source = get_or_create_source(session, workspace_id=ws.id, kind="channeltalk", name=source_name)
        changes = {
            k: v
            for k, v in (("access_key", access_key), ("access_secret", access_secret), ("base_url", base_url))
            if v
        }
        if changes:
            source.settings = {**(source.settings or {}), **changes}
        config = dict(source.settings or {})
        stored_cursor = source.cursor
        ws_id, ws_slug, source_id, name = ws.id, ws.slug, source.id, source.name
    key, secret = config.get("access_key"), config.get("access_secret")
    if not key or not secret:
        raise ConfigError(
            f"source {name!r} has no Channel Talk credentials; run "
            "`frontdoor sync channeltalk --access-key KEY` once (the secret is prompted for)"
        )
    start = None if full else (since or stored_cursor)
    resume: list[str | None] = [start]
    with ChannelTalkClient(
        access_key=str(key), access_secret=str(secret), base_url=str(config.get("base_url") or API_BASE)
    ) as client:
        summary = ingest_records(
            store,
            workspace_id=ws_id,
            source_id=source_id,
            records=client.records(
                since=start,
                state=state,
                company_key=str(config.get("company_key") or "company"),
                on_page=resume.append,
            ),
            file="channeltalk api",
        )
        requests = client.requests
    # Stored only after the pipeline committed everything it was given.
    with store.session() as session:
        row = session.get(Source, source_id)
        if row is not None:
            row.cursor = resume[-1]
            row.last_synced_at = utcnow()
    click.echo(
        f"workspace {ws_slug}, source {name!r}: {summary.records:,} records in {requests:,} API requests"
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
